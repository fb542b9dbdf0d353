/* ONNX import: the piecewise-linear operators, each one relu layer per
   level (docs/onnx.md): Relu, LeakyRelu, PRelu, Abs, Clip, Max, and the
   pairwise max tree of MaxPool. */
#include <string.h>
#include <flint/fmpq_vec.h>
#include "onnx_impl.h"

enum { PWL_RELU, PWL_LEAKY, PWL_ABS, PWL_CLIP };

/* The scalar function on a constant. */
static void pwl_const(fmpq_t y, int kind, const fmpq_t x, const fmpq_t s,
                      const fmpq *lo, const fmpq *hi)
{
    fmpq_set(y, x);
    if (kind == PWL_RELU && fmpq_sgn(x) < 0)
        fmpq_zero(y);
    else if (kind == PWL_LEAKY && fmpq_sgn(x) < 0)
        fmpq_mul(y, x, s);
    else if (kind == PWL_ABS)
        fmpq_abs(y, x);
    else if (kind == PWL_CLIP)
    {
        if (lo != NULL && fmpq_cmp(y, lo) < 0)
            fmpq_set(y, lo);
        if (hi != NULL && fmpq_cmp(y, hi) > 0)
            fmpq_set(y, hi);
    }
}

/* The gadget of one element, form f (nvar + 1 entries), in relus. */
static void pwl_recipe(onnx_recipe *r, onnx_layer *L, int kind,
                       const fmpq *f, const fmpq_t s, const fmpq *lo,
                       const fmpq *hi)
{
    slong n = L->nvar + 1;
    fmpq *g = _fmpq_vec_init(n);
    fmpq_t one, k;
    fmpq_init(one);
    fmpq_init(k);
    fmpq_one(one);
    if (kind == PWL_RELU)
        onnx_recipe_relu(r, L, f, one);
    else if (kind == PWL_LEAKY || kind == PWL_ABS)
    {
        /* relu(z) - s relu(-z); abs: s = -1 */
        onnx_recipe_relu(r, L, f, one);
        onnx_qvec_neg(g, f, n);
        if (kind == PWL_ABS)
            onnx_recipe_relu(r, L, g, one);
        else if (!fmpq_is_zero(s))
        {
            fmpq_neg(k, s);
            onnx_recipe_relu(r, L, g, k);
        }
    }
    else if (lo != NULL && hi != NULL && fmpq_cmp(lo, hi) > 0)
        fmpq_set(r->c, hi);     /* min(max(x, lo), hi) = hi */
    else if (lo != NULL)
    {
        /* lo + relu(z - lo) [- relu(z - hi)] */
        fmpq_add(r->c, r->c, lo);
        qvec_set(g, f, n);
        fmpq_sub(g + n - 1, g + n - 1, lo);
        onnx_recipe_relu(r, L, g, one);
        if (hi != NULL)
        {
            qvec_set(g, f, n);
            fmpq_sub(g + n - 1, g + n - 1, hi);
            fmpq_neg(k, one);
            onnx_recipe_relu(r, L, g, k);
        }
    }
    else if (hi != NULL)
    {
        /* hi - relu(hi - z) */
        fmpq_add(r->c, r->c, hi);
        onnx_qvec_neg(g, f, n);
        fmpq_add(g + n - 1, g + n - 1, hi);
        fmpq_neg(k, one);
        onnx_recipe_relu(r, L, g, k);
    }
    else
        onnx_recipe_carry(r, L, f, one);
    _fmpq_vec_clear(g, n);
    fmpq_clear(one);
    fmpq_clear(k);
}

/* kind applied to x element-wise; slopes (broadcast to x) for PRelu and
   LeakyRelu, bounds lo, hi (NULL: none) for Clip. */
static int lower_unary(onnx_ctx *c, onnx_val_t out, int kind,
                       const onnx_val_t x, const onnx_val_t slopes,
                       const fmpq *lo, const fmpq *hi)
{
    slong e, n = x->numel;
    onnx_layer L;
    onnx_recipe *rec;
    int st, natural = 0, uniform = 1;
    cpwl_net_act_t act = CPWL_NET_RELU;
    fmpq_t z, one;
    fmpq_init(one);
    fmpq_one(one);
    if (slopes != NULL)
        for (e = 1; e < slopes->numel; e++)
            uniform &= fmpq_equal(slopes->v + e, slopes->v);
    fmpq_init(z);
    if (!x->live)
    {
        st = onnx_val_alloc(c, out, x->rank, x->dims, 0, 0);
        for (e = 0; st == CPWL_OK && e < n; e++)
            pwl_const(out->v + e, kind, x->v + e, slopes == NULL ? z :
                      slopes->v + onnx_bcast_index(slopes, x->rank, x->dims, e),
                      lo, hi);
        fmpq_clear(z);
        fmpq_clear(one);
        return st;
    }
    /* Keep the network natural: a relu (or one-slope leaky relu) layer
       of one neuron per element when nothing else must be carried. */
    if (!onnx_others_live(c) && (kind == PWL_RELU
                                || (kind == PWL_LEAKY && uniform
                                    && slopes->numel > 0)))
    {
        natural = 1;
        if (kind == PWL_LEAKY && !fmpq_is_zero(slopes->v))
            act = CPWL_NET_LEAKY_RELU;
    }
    onnx_layer_init(&L, c, natural);
    rec = onnx_recipes_init(n);
    for (e = 0; e < n; e++)
    {
        const fmpq *f = x->v + e * (x->nvar + 1);
        if (natural)
            onnx_recipe_relu(rec + e, &L, f, one);
        else
            pwl_recipe(rec + e, &L, kind, f, slopes == NULL ? z :
                       slopes->v + onnx_bcast_index(slopes, x->rank, x->dims, e),
                       lo, hi);
    }
    st = onnx_layer_emit(c, &L, act, slopes != NULL && slopes->numel > 0
                         ? slopes->v : z, rec, n, out, x->rank, x->dims);
    onnx_recipes_clear(rec, n);
    onnx_layer_clear(&L);
    fmpq_clear(z);
    fmpq_clear(one);
    return st;
}

/* A constant value as forms (zero coefficients) in nvar variables. */
static int as_forms(onnx_ctx *c, onnx_val_t v, slong nvar)
{
    onnx_val_t t;
    slong e;
    if (v->live)
        return CPWL_OK;
    onnx_val_init(t);
    if (onnx_val_alloc(c, t, v->rank, v->dims, 1, nvar) != CPWL_OK)
        return CPWL_ERR_INPUT;
    for (e = 0; e < v->numel; e++)
        fmpq_set(t->v + e * (nvar + 1) + nvar, v->v + e);
    onnx_val_swap(t, v);
    onnx_val_clear(t);
    return CPWL_OK;
}

int onnx_max_groups(onnx_ctx *c, onnx_val_t out, slong rank,
                    const slong *dims, fmpq *items, const slong *start)
{
    slong ngroups = 1, i, g, k, total, n1;
    slong *st = NULL, *nst;
    onnx_val_t cur;
    int ret = CPWL_OK;
    fmpq_t one;
    for (i = 0; i < rank; i++)
        ngroups *= dims[i];
    onnx_val_init(cur);
    fmpq_init(one);
    fmpq_one(one);
    total = start[ngroups];
    /* cur: the items, a rank-1 live value over the frontier. */
    if ((ret = onnx_val_alloc(c, cur, 1, &total, 1, c->nvar)) != CPWL_OK)
        goto done;
    qvec_set(cur->v, items, total * (c->nvar + 1));
    st = flint_malloc((ngroups + 1) * sizeof(slong));
    nst = flint_malloc((ngroups + 1) * sizeof(slong));
    for (g = 0; g <= ngroups; g++)
    {
        st[g] = start[g];
        if (g < ngroups && start[g + 1] <= start[g])
        {
            flint_free(nst);
            ret = onnx_fail(c, "an empty maximum (a window entirely in the "
                            "padding)");
            goto done;
        }
    }
    for (;;)
    {
        onnx_layer L;
        onnx_recipe *rec;
        onnx_val_t next;
        slong more = 0, m = 0;
        for (g = 0; g < ngroups; g++)
            more |= st[g + 1] - st[g] > 1;
        if (!more)
            break;
        n1 = cur->nvar + 1;
        nst[0] = 0;
        for (g = 0; g < ngroups; g++)
            nst[g + 1] = nst[g] + (st[g + 1] - st[g] + 1) / 2;
        onnx_layer_init(&L, c, 0);
        rec = onnx_recipes_init(nst[ngroups]);
        {
            fmpq *d = _fmpq_vec_init(n1);
            for (g = 0; g < ngroups; g++)
                for (k = st[g]; k < st[g + 1]; k += 2, m++)
                {
                    const fmpq *a = cur->v + k * n1, *b = a + n1;
                    if (k + 1 == st[g + 1])
                    {
                        onnx_recipe_carry(rec + m, &L, a, one);
                        continue;
                    }
                    /* max(a, b) = b + relu(a - b) */
                    onnx_qvec_sub(d, a, b, n1);
                    onnx_recipe_carry(rec + m, &L, b, one);
                    onnx_recipe_relu(rec + m, &L, d, one);
                }
            _fmpq_vec_clear(d, n1);
        }
        onnx_val_init(next);
        ret = onnx_layer_emit(c, &L, CPWL_NET_RELU, one, rec, m, next, 1, &m);
        onnx_recipes_clear(rec, m);
        onnx_layer_clear(&L);
        if (ret == CPWL_OK)
            ret = as_forms(c, next, c->nvar);
        onnx_val_swap(cur, next);
        onnx_val_clear(next);
        if (ret != CPWL_OK)
        {
            flint_free(nst);
            goto done;
        }
        memcpy(st, nst, (ngroups + 1) * sizeof(slong));
    }
    flint_free(nst);
    cur->rank = rank;
    for (i = 0; i < rank; i++)
        cur->dims[i] = dims[i];
    cur->numel = ngroups;
    onnx_val_swap(out, cur);
done:
    flint_free(st);
    onnx_val_clear(cur);
    fmpq_clear(one);
    return ret;
}

/* Max of the inputs (numpy broadcasting). */
static int lower_max(onnx_ctx *c, onnx_val_struct **in, slong nin,
                     onnx_val_t out)
{
    slong rank = 0, dims[CPWL_ONNX_MAX_RANK], j, e, n = 1, n1 = c->nvar + 1;
    onnx_val_struct shape;
    fmpq *items;
    slong *start;
    int live = 0, st;
    fmpq_t one;
    if (nin < 1)
        return onnx_fail(c, "no input");
    memset(&shape, 0, sizeof shape);
    for (j = 0; j < nin; j++)
    {
        if (in[j] == NULL)
            return onnx_fail(c, "input %ld is missing", (long) j);
        if (!onnx_bcast_shape(&rank, dims, &shape, in[j]))
            return onnx_fail(c, "the inputs' shapes do not broadcast");
        shape.rank = rank;
        memcpy(shape.dims, dims, sizeof dims);
        live |= in[j]->live;
    }
    for (j = 0; j < rank; j++)
        n *= dims[j];
    if (!live)
    {
        if ((st = onnx_val_alloc(c, out, rank, dims, 0, 0)) != CPWL_OK)
            return st;
        for (e = 0; e < n; e++)
            for (j = 0; j < nin; j++)
            {
                const fmpq *v = in[j]->v + onnx_bcast_index(in[j], rank, dims, e);
                if (j == 0 || fmpq_cmp(v, out->v + e) > 0)
                    fmpq_set(out->v + e, v);
            }
        return CPWL_OK;
    }
    if (n > 0 && nin * n1 > CPWL_ONNX_MAX_COEFFS / n)
        return onnx_fail(c, "beyond the limit of %ld coefficients",
                         (long) CPWL_ONNX_MAX_COEFFS);
    items = _fmpq_vec_init(n * nin * n1);
    start = flint_malloc((n + 1) * sizeof(slong));
    fmpq_init(one);
    fmpq_one(one);
    {
        onnx_val_t tmp;         /* the item rows, addressed as a value */
        onnx_val_init(tmp);
        tmp->live = 1;
        tmp->nvar = c->nvar;
        tmp->v = items;
        for (e = 0; e < n; e++)
        {
            start[e] = e * nin;
            for (j = 0; j < nin; j++)
                onnx_val_addmul(tmp, e * nin + j, in[j],
                                onnx_bcast_index(in[j], rank, dims, e), one);
        }
        start[n] = n * nin;
    }
    st = onnx_max_groups(c, out, rank, dims, items, start);
    _fmpq_vec_clear(items, n * nin * n1);
    flint_free(start);
    fmpq_clear(one);
    return st;
}

static int const_scalar(onnx_ctx *c, fmpq_t q, const onnx_val_t v,
                        const char *what)
{
    if (v->live)
        return onnx_fail(c, "%s depends on the network input (it must be a "
                         "constant)", what);
    if (v->numel != 1)
        return onnx_fail(c, "%s has %ld elements (expected a scalar)", what,
                         (long) v->numel);
    fmpq_set(q, v->v);
    return CPWL_OK;
}

int onnx_lower_pwl(onnx_ctx *c, const Onnx__NodeProto *node,
                   onnx_val_struct **in, slong nin, onnx_val_t out)
{
    const char *op = node->op_type;
    int st = CPWL_OK;
    if (nin < 1 || in[0] == NULL)
        return onnx_fail(c, "input 0 is missing");
    if (strcmp(op, "Max") == 0)
        return lower_max(c, in, nin, out);
    if (strcmp(op, "Relu") == 0 || strcmp(op, "Abs") == 0)
        return lower_unary(c, out, op[0] == 'R' ? PWL_RELU : PWL_ABS, in[0],
                           NULL, NULL, NULL);
    if (strcmp(op, "LeakyRelu") == 0 || strcmp(op, "PRelu") == 0)
    {
        onnx_val_t s;
        slong rank, dims[CPWL_ONNX_MAX_RANK];
        onnx_val_init(s);
        if (op[0] == 'L')
        {
            const Onnx__AttributeProto *a = onnx_attr(node, "alpha");
            slong one = 1;
            onnx_val_alloc(c, s, 1, &one, 0, 0);
            onnx_fmpq_set_d(s->v, a != NULL && a->has_f ? (double) a->f
                            : (double) 0.01f);
        }
        else if (nin != 2 || in[1] == NULL)
            st = onnx_fail(c, "the slope input is missing");
        else if (in[1]->live)
            st = onnx_fail(c, "the slope depends on the network input (it "
                           "must be a constant)");
        else if (!onnx_bcast_shape(&rank, dims, in[0], in[1])
                 || rank != in[0]->rank
                 || memcmp(dims, in[0]->dims, rank * sizeof(slong)) != 0)
            st = onnx_fail(c, "the slope does not broadcast to the input");
        else
            onnx_val_copy(s, in[1]);
        if (st == CPWL_OK)
            st = lower_unary(c, out, PWL_LEAKY, in[0], s, NULL, NULL);
        onnx_val_clear(s);
        return st;
    }
    if (strcmp(op, "Clip") == 0)
    {
        fmpq_t lo, hi;
        int has_lo = 0, has_hi = 0;
        fmpq_init(lo);
        fmpq_init(hi);
        if (c->opset < 11)
        {
            const Onnx__AttributeProto *a = onnx_attr(node, "min");
            const Onnx__AttributeProto *b = onnx_attr(node, "max");
            if ((has_lo = a != NULL && a->has_f))
                onnx_fmpq_set_d(lo, a->f);
            if ((has_hi = b != NULL && b->has_f))
                onnx_fmpq_set_d(hi, b->f);
        }
        else
        {
            if (nin > 1 && in[1] != NULL)
                st = const_scalar(c, lo, in[1], "min"), has_lo = 1;
            if (st == CPWL_OK && nin > 2 && in[2] != NULL)
                st = const_scalar(c, hi, in[2], "max"), has_hi = 1;
        }
        if (st == CPWL_OK)
            st = lower_unary(c, out, PWL_CLIP, in[0], NULL,
                             has_lo ? lo : NULL, has_hi ? hi : NULL);
        fmpq_clear(lo);
        fmpq_clear(hi);
        return st;
    }
    return onnx_fail(c, "internal: not a piecewise-linear operator");
}
