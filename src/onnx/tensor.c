/* ONNX import: exact tensor values (constants or affine forms in the
   frontier) and the relu layers that carry them. */
#include <string.h>
#include <flint/fmpq_vec.h>
#include "onnx_impl.h"

void onnx_val_init(onnx_val_t v)
{
    memset(v, 0, sizeof(onnx_val_struct));
}

void onnx_val_clear(onnx_val_t v)
{
    if (v->v != NULL)
        _fmpq_vec_clear(v->v, v->live ? v->numel * (v->nvar + 1) : v->numel);
    onnx_val_init(v);
}

void onnx_val_swap(onnx_val_t a, onnx_val_t b)
{
    onnx_val_struct t = *a;
    *a = *b;
    *b = t;
}

int onnx_val_alloc(onnx_ctx *c, onnx_val_t v, slong rank, const slong *dims,
                   int live, slong nvar)
{
    slong i, n = 1;
    onnx_val_clear(v);
    if (rank > CPWL_ONNX_MAX_RANK)
        return onnx_fail(c, "a tensor of rank %ld (at most %d supported)",
                         (long) rank, CPWL_ONNX_MAX_RANK);
    for (i = 0; i < rank; i++)
    {
        if (dims[i] < 0 || (dims[i] > 0 && n > CPWL_ONNX_MAX_COEFFS / dims[i]))
            return onnx_fail(c, "a tensor of more than %ld elements",
                             (long) CPWL_ONNX_MAX_COEFFS);
        n *= dims[i];
        v->dims[i] = dims[i];
    }
    if (live && n > 0 && nvar + 1 > CPWL_ONNX_MAX_COEFFS / n)
        return onnx_fail(c, "a tensor of %ld elements, each affine in %ld "
                         "variables, is beyond the limit of %ld coefficients",
                         (long) n, (long) nvar, (long) CPWL_ONNX_MAX_COEFFS);
    v->rank = rank;
    v->numel = n;
    v->live = live;
    v->nvar = live ? nvar : 0;
    v->v = _fmpq_vec_init(live ? n * (nvar + 1) : n);
    return CPWL_OK;
}

void onnx_val_copy(onnx_val_t out, const onnx_val_t in)
{
    slong n = in->live ? in->numel * (in->nvar + 1) : in->numel;
    onnx_val_clear(out);
    *out = *in;
    out->v = _fmpq_vec_init(n);
    qvec_set(out->v, in->v, n);
}

fmpq *onnx_val_const(const onnx_val_t v, slong e)
{
    return v->live ? v->v + e * (v->nvar + 1) + v->nvar : v->v + e;
}

int onnx_val_elem_is_const(const onnx_val_t v, slong e)
{
    return !v->live || qvec_is_zero(v->v + e * (v->nvar + 1), v->nvar);
}

void onnx_val_addmul(onnx_val_t out, slong e, const onnx_val_t in, slong i,
                     const fmpq_t k)
{
    if (in->live)
        onnx_qvec_addmul(out->v + e * (out->nvar + 1),
                                     in->v + i * (in->nvar + 1),
                                     in->nvar + 1, k);
    else
        fmpq_addmul(onnx_val_const(out, e), in->v + i, k);
}

void onnx_val_add_const(onnx_val_t out, slong e, const fmpq_t k)
{
    fmpq *t = onnx_val_const(out, e);
    fmpq_add(t, t, k);
}

int onnx_bcast_shape(slong *rank, slong *dims, const onnx_val_t a,
                     const onnx_val_t b)
{
    slong r = FLINT_MAX(a->rank, b->rank), i;
    for (i = 0; i < r; i++)
    {
        slong da = i < r - a->rank ? 1 : a->dims[i - (r - a->rank)];
        slong db = i < r - b->rank ? 1 : b->dims[i - (r - b->rank)];
        if (da != db && da != 1 && db != 1)
            return 0;
        dims[i] = da == 1 ? db : da;
    }
    *rank = r;
    return 1;
}

slong onnx_bcast_index(const onnx_val_t in, slong rank, const slong *dims,
                       slong e)
{
    slong i, idx = 0, stride = 1;
    for (i = rank - 1; i >= rank - in->rank; i--)
    {
        slong d = in->dims[i - (rank - in->rank)];
        slong k = e % dims[i];
        if (d != 1)
            idx += k * stride;
        stride *= d;
        e /= dims[i];
    }
    return idx;
}

int onnx_others_live(const onnx_ctx *c)
{
    slong s;
    for (s = 0; s < c->nslots; s++)
        if (c->slots[s].val->live && c->slots[s].uses > 0)
            return 1;
    return 0;
}

/* ---- relu layers ------------------------------------------------------ */

onnx_recipe *onnx_recipes_init(slong n)
{
    onnx_recipe *r = flint_calloc(FLINT_MAX(n, 1), sizeof(onnx_recipe));
    slong i, t;
    for (i = 0; i < n; i++)
    {
        fmpq_init(r[i].c);
        for (t = 0; t < ONNX_RECIPE_TERMS; t++)
            fmpq_init(r[i].w[t]);
    }
    return r;
}

void onnx_recipes_clear(onnx_recipe *r, slong n)
{
    slong i, t;
    for (i = 0; i < n; i++)
    {
        fmpq_clear(r[i].c);
        for (t = 0; t < ONNX_RECIPE_TERMS; t++)
            fmpq_clear(r[i].w[t]);
    }
    flint_free(r);
}

void onnx_layer_init(onnx_layer *L, const onnx_ctx *c, int natural)
{
    const cpwl_net_struct *net = c->net;
    L->nvar = c->nvar;
    L->nonneg = net->nlayers > 0 && net->layers[net->nlayers - 1].act
                == CPWL_NET_RELU;
    L->rows = NULL;
    L->nrows = L->alloc = 0;
    L->table = NULL;
    L->tsize = 0;
    L->natural = natural;
}

void onnx_layer_clear(onnx_layer *L)
{
    if (L->rows != NULL)
        _fmpq_vec_clear(L->rows, L->alloc * (L->nvar + 1));
    flint_free(L->table);
}

static ulong row_hash(const fmpq *f, slong n)
{
    ulong h = 1469598103934665603UL;
    slong j;
    for (j = 0; j < n; j++)
    {
        if (fmpq_is_zero(f + j))
            continue;
        h = (h ^ (ulong) j) * 1099511628211UL;
        h = (h ^ fmpz_get_ui(fmpq_numref(f + j))
             ^ (fmpz_sgn(fmpq_numref(f + j)) < 0)) * 1099511628211UL;
        h = (h ^ fmpz_get_ui(fmpq_denref(f + j))) * 1099511628211UL;
    }
    return h;
}

static void layer_rehash(onnx_layer *L)
{
    slong i, n = L->nvar + 1;
    L->tsize = FLINT_MAX(64, 4 * L->nrows);
    flint_free(L->table);
    L->table = flint_malloc(L->tsize * sizeof(slong));
    for (i = 0; i < L->tsize; i++)
        L->table[i] = -1;
    for (i = 0; i < L->nrows; i++)
    {
        ulong h = row_hash(L->rows + i * n, n) % (ulong) L->tsize;
        while (L->table[h] != -1)
            h = (h + 1) % (ulong) L->tsize;
        L->table[h] = i;
    }
}

/* The neuron relu(form), shared with an equal one already requested. */
static slong layer_neuron(onnx_layer *L, const fmpq *form)
{
    slong n = L->nvar + 1, i;
    ulong h = 0;
    if (!L->natural)
    {
        if (2 * L->nrows >= L->tsize)
            layer_rehash(L);
        h = row_hash(form, n) % (ulong) L->tsize;
        while ((i = L->table[h]) != -1)
        {
            if (qvec_equal(L->rows + i * n, form, n))
                return i;
            h = (h + 1) % (ulong) L->tsize;
        }
    }
    if (L->nrows == L->alloc)
    {
        slong a = FLINT_MAX(16, 2 * L->alloc);
        fmpq *r = _fmpq_vec_init(a * n);
        for (i = 0; i < L->nrows * n; i++)
            fmpq_swap(r + i, L->rows + i);
        if (L->rows != NULL)
            _fmpq_vec_clear(L->rows, L->alloc * n);
        L->rows = r;
        L->alloc = a;
    }
    qvec_set(L->rows + L->nrows * n, form, n);
    if (!L->natural)
        L->table[h] = L->nrows;
    return L->nrows++;
}

static void recipe_term(onnx_recipe *r, slong idx, const fmpq_t k)
{
    slong t;
    for (t = 0; t < r->n; t++)
        if (r->idx[t] == idx)
        {
            fmpq_add(r->w[t], r->w[t], k);
            return;
        }
    if (r->n == ONNX_RECIPE_TERMS)
        flint_throw(FLINT_ERROR, "onnx recipe overflow");
    r->idx[r->n] = idx;
    fmpq_set(r->w[r->n++], k);
}

void onnx_recipe_relu(onnx_recipe *r, onnx_layer *L, const fmpq *form,
                      const fmpq_t k)
{
    if (!L->natural && qvec_is_zero(form, L->nvar))
    {
        if (fmpq_sgn(form + L->nvar) > 0)
            fmpq_addmul(r->c, form + L->nvar, k);
        return;
    }
    recipe_term(r, layer_neuron(L, form), k);
}

void onnx_recipe_carry(onnx_recipe *r, onnx_layer *L, const fmpq *form,
                       const fmpq_t k)
{
    slong n = L->nvar + 1;
    fmpq *neg;
    fmpq_t mk;
    if (qvec_is_zero(form, L->nvar))
    {
        fmpq_addmul(r->c, form + L->nvar, k);
        return;
    }
    if (L->nonneg)
    {
        slong j;
        for (j = 0; j < n && fmpq_sgn(form + j) >= 0; j++)
            ;
        if (j == n)
        {
            recipe_term(r, layer_neuron(L, form), k);
            return;
        }
    }
    neg = _fmpq_vec_init(n);
    fmpq_init(mk);
    onnx_qvec_neg(neg, form, n);
    fmpq_neg(mk, k);
    recipe_term(r, layer_neuron(L, form), k);
    recipe_term(r, layer_neuron(L, neg), mk);
    fmpq_clear(mk);
    _fmpq_vec_clear(neg, n);
}

/* The recipes as forms over the nrows new variables. */
static void recipes_to_forms(fmpq *out, const onnx_recipe *rec, slong n,
                             slong nrows)
{
    slong i, t;
    for (i = 0; i < n; i++)
    {
        fmpq *row = out + i * (nrows + 1);
        fmpq_set(row + nrows, rec[i].c);
        for (t = 0; t < rec[i].n; t++)
            fmpq_add(row + rec[i].idx[t], row + rec[i].idx[t], rec[i].w[t]);
    }
}

int onnx_layer_emit(onnx_ctx *c, onnx_layer *L, cpwl_net_act_t act,
                    const fmpq_t slope, onnx_recipe *rec, slong n,
                    onnx_val_t out, slong rank, const slong *dims)
{
    slong s, e, i, j, n1 = L->nvar + 1, ncarry = 0;
    onnx_recipe **carry;
    cpwl_net_layer_struct *N;
    fmpq_t one;
    int status = CPWL_OK;

    fmpq_init(one);
    fmpq_one(one);
    carry = flint_calloc(FLINT_MAX(c->nslots, 1), sizeof(onnx_recipe *));
    for (s = 0; s < c->nslots; s++)
    {
        onnx_val_struct *v = c->slots[s].val;
        if (!v->live || c->slots[s].uses <= 0)
            continue;
        carry[s] = onnx_recipes_init(v->numel);
        for (e = 0; e < v->numel; e++)
            onnx_recipe_carry(carry[s] + e, L, v->v + e * n1, one);
        ncarry++;
    }
    if (L->nrows == 0)
    {
        /* Everything folded to constants: no layer, the carried values
           stay as they are. */
        status = onnx_val_alloc(c, out, rank, dims, 0, 0);
        for (i = 0; status == CPWL_OK && i < n; i++)
            fmpq_set(out->v + i, rec[i].c);
        for (s = 0; s < c->nslots; s++)
            if (carry[s] != NULL)
                onnx_recipes_clear(carry[s], c->slots[s].val->numel);
        flint_free(carry);
        fmpq_clear(one);
        return status;
    }
    if (L->nvar > CPWL_ONNX_MAX_COEFFS / L->nrows)
        status = onnx_fail(c, "a layer of %ld neurons on %ld inputs is beyond "
                           "the limit of %ld coefficients", (long) L->nrows,
                           (long) L->nvar, (long) CPWL_ONNX_MAX_COEFFS);
    if (status == CPWL_OK)
        status = onnx_val_alloc(c, out, rank, dims, 1, L->nrows);
    for (s = 0; status == CPWL_OK && s < c->nslots; s++)
    {
        onnx_val_t t;
        onnx_val_struct *v = c->slots[s].val;
        if (carry[s] == NULL)
            continue;
        onnx_val_init(t);
        status = onnx_val_alloc(c, t, v->rank, v->dims, 1, L->nrows);
        if (status == CPWL_OK)
        {
            recipes_to_forms(t->v, carry[s], v->numel, L->nrows);
            onnx_val_swap(t, v);
        }
        onnx_val_clear(t);
    }
    if (status == CPWL_OK)
    {
        recipes_to_forms(out->v, rec, n, L->nrows);
        N = cpwl_net_add_layer(c->net, act, L->nrows);
        if (act == CPWL_NET_LEAKY_RELU)
            fmpq_set(N->slope, slope);
        for (i = 0; i < L->nrows; i++)
        {
            for (j = 0; j < L->nvar; j++)
                fmpq_set(fmpq_mat_entry(N->W, i, j), L->rows + i * n1 + j);
            fmpq_set(N->b + i, L->rows + i * n1 + L->nvar);
        }
        c->nvar = L->nrows;
    }
    for (s = 0; s < c->nslots; s++)
        if (carry[s] != NULL)
            onnx_recipes_clear(carry[s], c->slots[s].val->numel);
    flint_free(carry);
    fmpq_clear(one);
    return status;
}
