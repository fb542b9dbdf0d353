/* Exact network algebra (see cpwl/netalg.h): composition, sums, scaling
   and depth padding of networks with rational weights.  Every result is
   built in a fresh net and swapped into `out` at the end, so `out` may be
   one of the arguments. */
#include "cpwl/netalg.h"
#include "qvec.h"

/* Append an empty layer like L (activation, slope, maxout pieces) with
   `rows` pre-activations. */
static cpwl_net_layer_struct *add_like(cpwl_net_t out, const cpwl_net_layer_struct *L,
                                       slong rows)
{
    cpwl_net_layer_struct *M = cpwl_net_add_layer(out, L->act, rows);
    fmpq_set(M->slope, L->slope);
    M->pieces = L->pieces;
    return M;
}

/* Append a copy of L; the previous layer of out must have L->in outputs. */
static void copy_layer(cpwl_net_t out, const cpwl_net_layer_struct *L)
{
    cpwl_net_layer_struct *M = add_like(out, L, L->out);
    FLINT_ASSERT(M->in == L->in);
    fmpq_mat_set(M->W, L->W);
    qvec_set(M->b, L->b, L->out);
}

static void copy_net(cpwl_net_t out, const cpwl_net_t net)
{
    slong l;
    cpwl_net_init(out, net->input_dim);
    for (l = 0; l < net->nlayers; l++)
        copy_layer(out, net->layers + l);
    out->output_bias = net->output_bias;
}

/* The last affine map may carry a bias if the operands allowed one or if
   the construction put one there (a merged map). */
static void set_output_bias(cpwl_net_t net, int flag)
{
    const cpwl_net_layer_struct *L;
    net->output_bias = flag;
    if (net->nlayers == 0)
        return;
    L = net->layers + net->nlayers - 1;
    if (!qvec_is_zero(L->b, L->out))
        net->output_bias = 1;
}

/* An identity layer c * I_m (c = NULL: I_m) on top of net. */
static void add_identity(cpwl_net_t net, slong m, const fmpq_t c)
{
    cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, m);
    slong i;
    for (i = 0; i < m; i++)
    {
        if (c == NULL)
            fmpq_one(fmpq_mat_entry(L->W, i, i));
        else
            fmpq_set(fmpq_mat_entry(L->W, i, i), c);
    }
}

void cpwl_netalg_identity(cpwl_net_t out, slong n)
{
    cpwl_net_t t;
    cpwl_net_init(t, n);
    add_identity(t, n, NULL);
    t->output_bias = 0;
    cpwl_net_prepare(t);
    cpwl_net_swap(out, t);
    cpwl_net_clear(t);
}

void cpwl_netalg_pad_depth(cpwl_net_t out, const cpwl_net_t net, slong depth)
{
    slong D = net->nlayers, n = net->input_dim, q, np, l, i, j;
    const cpwl_net_layer_struct *last = D > 0 ? net->layers + D - 1 : NULL;
    cpwl_net_layer_struct *L;
    cpwl_net_t t;

    if (D >= depth || (D == 0 && depth <= 1))
    {
        copy_net(t, net);
        if (D == 0 && depth == 1)
            add_identity(t, n, NULL);
        cpwl_net_prepare(t);
        cpwl_net_swap(out, t);
        cpwl_net_clear(t);
        return;
    }
    /* y = W_D a + b_D (q values, the pre-activations of the last map, or
       x itself for the empty net) is carried as (relu(y), relu(-y)) and
       recovered by the last map as relu(y) - relu(-y) = y. */
    q = last != NULL ? last->out : n;
    np = D == 0 ? depth - 1 : depth - D;
    cpwl_net_init(t, n);
    for (l = 0; l + 1 < D; l++)
        copy_layer(t, net->layers + l);
    L = cpwl_net_add_layer(t, CPWL_NET_RELU, 2 * q);
    for (i = 0; i < q; i++)
    {
        for (j = 0; j < L->in; j++)
        {
            fmpq *w = fmpq_mat_entry(L->W, i, j);
            if (last != NULL)
                fmpq_set(w, fmpq_mat_entry(last->W, i, j));
            else if (i == j)
                fmpq_one(w);
            fmpq_neg(fmpq_mat_entry(L->W, q + i, j), w);
        }
        if (last != NULL)
        {
            fmpq_set(L->b + i, last->b + i);
            fmpq_neg(L->b + q + i, last->b + i);
        }
    }
    /* Further layers: (u, v) -> (relu(u - v), relu(v - u)) keeps
       u - v = y, since u, v >= 0 with one of them 0. */
    for (l = 1; l < np; l++)
    {
        L = cpwl_net_add_layer(t, CPWL_NET_RELU, 2 * q);
        for (i = 0; i < q; i++)
        {
            fmpq_one(fmpq_mat_entry(L->W, i, i));
            fmpq_set_si(fmpq_mat_entry(L->W, i, q + i), -1, 1);
            fmpq_set_si(fmpq_mat_entry(L->W, q + i, i), -1, 1);
            fmpq_one(fmpq_mat_entry(L->W, q + i, q + i));
        }
    }
    if (last != NULL)
        L = add_like(t, last, q);
    else
        L = cpwl_net_add_layer(t, CPWL_NET_IDENTITY, q);
    for (i = 0; i < q; i++)
    {
        fmpq_one(fmpq_mat_entry(L->W, i, i));
        fmpq_set_si(fmpq_mat_entry(L->W, i, q + i), -1, 1);
    }
    t->output_bias = net->output_bias;
    cpwl_net_prepare(t);
    cpwl_net_swap(out, t);
    cpwl_net_clear(t);
}

int cpwl_netalg_compose(cpwl_net_t out, const cpwl_net_t f, const cpwl_net_t g, cpwl_err_t e)
{
    slong p = g->nlayers, q = f->nlayers, l;
    cpwl_net_t t;

    if (cpwl_net_output_dim(g) != f->input_dim)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "compose: the inner network has "
                            "%ld outputs but the outer one %ld inputs",
                            (long) cpwl_net_output_dim(g), (long) f->input_dim);
    cpwl_net_init(t, g->input_dim);
    for (l = 0; l + 1 < p; l++)
        copy_layer(t, g->layers + l);
    if (p > 0 && q > 0 && g->layers[p - 1].act == CPWL_NET_IDENTITY)
    {
        /* Merge F_1(G_p a + c) + d = (F_1 G_p) a + (F_1 c + d): one
           affine map less, no neuron more (Arora et al., Lemma D.1). */
        const cpwl_net_layer_struct *G = g->layers + p - 1, *F = f->layers;
        cpwl_net_layer_struct *M = add_like(t, F, F->out);
        slong i, j;
        fmpq_mat_mul(M->W, F->W, G->W);
        for (i = 0; i < F->out; i++)
        {
            fmpq_set(M->b + i, F->b + i);
            for (j = 0; j < F->in; j++)
                fmpq_addmul(M->b + i, fmpq_mat_entry(F->W, i, j), G->b + j);
        }
        for (l = 1; l < q; l++)
            copy_layer(t, f->layers + l);
    }
    else
    {
        /* g ends in a nonlinear layer (or one net is the empty identity
           map): stack the layers as they are. */
        if (p > 0)
            copy_layer(t, g->layers + p - 1);
        for (l = 0; l < q; l++)
            copy_layer(t, f->layers + l);
    }
    set_output_bias(t, q > 0 ? f->output_bias : g->output_bias);
    cpwl_net_prepare(t);
    cpwl_net_swap(out, t);
    cpwl_net_clear(t);
    return CPWL_OK;
}

/* Rebuild net with hidden layer l (identity, leaky_relu, abs or
   hardtanh) as a relu layer of twice the width: z -> (relu(z), relu(-z))
   and the next map reads identity z = r - s, leaky z = r - slope s,
   |z| = r + s; hardtanh clip(z) = relu(z + 1) - relu(z - 1) - 1. */
static int relu_split(cpwl_net_t net, slong l, cpwl_err_t e)
{
    const cpwl_net_layer_struct *L = net->layers + l, *N = net->layers + l + 1;
    cpwl_net_layer_struct *A, *B;
    slong k = L->out, i, j;
    int ht = L->act == CPWL_NET_HARDTANH;
    fmpq_t c;
    cpwl_net_t t;

    if (L->act == CPWL_NET_RELU)
        return CPWL_OK;
    if (L->act == CPWL_NET_MAXOUT)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "sum: hidden layer %ld: a maxout "
                            "layer can only be stacked with a maxout layer of "
                            "as many pieces", (long) l + 1);  /* lowered then */
    fmpq_init(c);
    cpwl_net_init(t, net->input_dim);
    for (i = 0; i < l; i++)
        copy_layer(t, net->layers + i);
    A = cpwl_net_add_layer(t, CPWL_NET_RELU, 2 * k);
    for (i = 0; i < k; i++)
    {
        for (j = 0; j < L->in; j++)
        {
            fmpq_set(fmpq_mat_entry(A->W, i, j), fmpq_mat_entry(L->W, i, j));
            fmpq_set(fmpq_mat_entry(A->W, k + i, j),
                     fmpq_mat_entry(L->W, i, j));
            if (!ht)
                fmpq_neg(fmpq_mat_entry(A->W, k + i, j),
                         fmpq_mat_entry(L->W, i, j));
        }
        fmpq_set(A->b + i, L->b + i);
        if (ht)
        {
            fmpq_add_si(A->b + i, L->b + i, 1);
            fmpq_sub_si(A->b + k + i, L->b + i, 1);
        }
        else
            fmpq_neg(A->b + k + i, L->b + i);
    }
    /* The coefficient of the second copy in the next map. */
    if (L->act == CPWL_NET_IDENTITY || ht)
        fmpq_set_si(c, -1, 1);
    else if (L->act == CPWL_NET_LEAKY_RELU)
        fmpq_neg(c, L->slope);
    else
        fmpq_one(c);
    B = add_like(t, N, N->out);
    for (i = 0; i < N->out; i++)
    {
        fmpq_set(B->b + i, N->b + i);
        for (j = 0; j < k; j++)
        {
            const fmpq *w = fmpq_mat_entry(N->W, i, j);
            fmpq_set(fmpq_mat_entry(B->W, i, j), w);
            fmpq_mul(fmpq_mat_entry(B->W, i, k + j), w, c);
            if (ht)
                fmpq_sub(B->b + i, B->b + i, w);
        }
    }
    for (i = l + 2; i < net->nlayers; i++)
        copy_layer(t, net->layers + i);
    t->output_bias = net->output_bias;
    cpwl_net_swap(net, t);
    cpwl_net_clear(t);
    fmpq_clear(c);
    return CPWL_OK;
}

/* Whether two hidden layers can be stacked side by side as they are. */
static int same_act(const cpwl_net_layer_struct *A, const cpwl_net_layer_struct *B)
{
    if (A->act != B->act)
        return 0;
    if (A->act == CPWL_NET_LEAKY_RELU)
        return fmpq_equal(A->slope, B->slope);
    if (A->act == CPWL_NET_MAXOUT)
        return A->pieces == B->pieces;
    return 1;
}

static int sum_aligned(cpwl_net_t out, const cpwl_net_t a, const cpwl_net_t b, cpwl_err_t e);

int cpwl_netalg_sum(cpwl_net_t out, const cpwl_net_t a, const cpwl_net_t b, cpwl_err_t e)
{
    cpwl_err_t e2;
    cpwl_net_t la, lb;
    int st;
    cpwl_err_init(e2);
    st = sum_aligned(out, a, b, e2);
    if (st == CPWL_OK || cpwl_net_output_dim(a) != cpwl_net_output_dim(b)
        || a->input_dim != b->input_dim)
    {
        if (st != CPWL_OK)
            cpwl_err_set(e, st, "%s", e2->msg);
        cpwl_err_clear(e2);
        return st;
    }
    cpwl_err_clear(e2);
    /* a maxout layer met another activation: add the relu lowerings */
    cpwl_net_init(la, a->input_dim);
    cpwl_net_init(lb, b->input_dim);
    cpwl_netalg_lower_relu(la, a);
    cpwl_netalg_lower_relu(lb, b);
    st = sum_aligned(out, la, lb, e);
    cpwl_net_clear(la);
    cpwl_net_clear(lb);
    return st;
}

static int sum_aligned(cpwl_net_t out, const cpwl_net_t a, const cpwl_net_t b, cpwl_err_t e)
{
    slong n = a->input_dim, m = cpwl_net_output_dim(a), D, l, i, j;
    cpwl_net_t A, B, t;
    int st = CPWL_OK;

    if (b->input_dim != n || cpwl_net_output_dim(b) != m)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "sum: the networks map R^%ld -> "
                            "R^%ld and R^%ld -> R^%ld, not the same spaces",
                            (long) n, (long) m, (long) b->input_dim,
                            (long) cpwl_net_output_dim(b));
    copy_net(A, a);
    copy_net(B, b);
    /* The outputs are added in the last affine map, so it must be one
       without an activation. */
    if (A->nlayers == 0 || A->layers[A->nlayers - 1].act != CPWL_NET_IDENTITY)
        add_identity(A, m, NULL);
    if (B->nlayers == 0 || B->layers[B->nlayers - 1].act != CPWL_NET_IDENTITY)
        add_identity(B, m, NULL);
    D = FLINT_MAX(A->nlayers, B->nlayers);
    cpwl_netalg_pad_depth(A, A, D);
    cpwl_netalg_pad_depth(B, B, D);
    for (l = 0; l + 1 < D && st == CPWL_OK; l++)
        if (!same_act(A->layers + l, B->layers + l))
        {
            st = relu_split(A, l, e);
            if (st == CPWL_OK)
                st = relu_split(B, l, e);
        }
    if (st != CPWL_OK)
    {
        cpwl_net_clear(A);
        cpwl_net_clear(B);
        return st;
    }
    cpwl_net_init(t, n);
    for (l = 0; l < D; l++)
    {
        const cpwl_net_layer_struct *P = A->layers + l, *Q = B->layers + l;
        cpwl_net_layer_struct *L;
        if (l + 1 == D)
        {
            /* the output map adds the two outputs */
            L = cpwl_net_add_layer(t, CPWL_NET_IDENTITY, m);
            for (i = 0; i < m; i++)
            {
                for (j = 0; j < P->in; j++)
                    fmpq_add(fmpq_mat_entry(L->W, i, j),
                             fmpq_mat_entry(L->W, i, j),
                             fmpq_mat_entry(P->W, i, j));
                for (j = 0; j < Q->in; j++)
                {
                    slong c = l == 0 ? j : P->in + j;
                    fmpq_add(fmpq_mat_entry(L->W, i, c),
                             fmpq_mat_entry(L->W, i, c),
                             fmpq_mat_entry(Q->W, i, j));
                }
                fmpq_add(L->b + i, P->b + i, Q->b + i);
            }
            continue;
        }
        /* hidden layers side by side: the first reads x in both, later
           ones are block diagonal */
        L = add_like(t, P, P->out + Q->out);
        for (i = 0; i < P->out; i++)
        {
            for (j = 0; j < P->in; j++)
                fmpq_set(fmpq_mat_entry(L->W, i, j),
                         fmpq_mat_entry(P->W, i, j));
            fmpq_set(L->b + i, P->b + i);
        }
        for (i = 0; i < Q->out; i++)
        {
            for (j = 0; j < Q->in; j++)
                fmpq_set(fmpq_mat_entry(L->W, P->out + i,
                                        l == 0 ? j : P->in + j),
                         fmpq_mat_entry(Q->W, i, j));
            fmpq_set(L->b + P->out + i, Q->b + i);
        }
    }
    set_output_bias(t, a->output_bias || b->output_bias);
    cpwl_net_prepare(t);
    cpwl_net_swap(out, t);
    cpwl_net_clear(t);
    cpwl_net_clear(A);
    cpwl_net_clear(B);
    return CPWL_OK;
}

void cpwl_netalg_scale(cpwl_net_t out, const cpwl_net_t net, const fmpq_t c)
{
    slong D = net->nlayers, m = cpwl_net_output_dim(net), i, j;
    cpwl_net_layer_struct *L;
    cpwl_net_t t;

    copy_net(t, net);
    L = D > 0 ? t->layers + D - 1 : NULL;
    /* c act(z) = act(c z) for c >= 0 when act is positively homogeneous;
       otherwise c goes into a new output map. */
    if (L != NULL && (L->act == CPWL_NET_IDENTITY
                      || (fmpq_sgn(c) >= 0
                          && (L->act == CPWL_NET_RELU || L->act == CPWL_NET_LEAKY_RELU
                              || L->act == CPWL_NET_ABS
                              || L->act == CPWL_NET_MAXOUT))))
    {
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                fmpq_mul(fmpq_mat_entry(L->W, i, j),
                         fmpq_mat_entry(L->W, i, j), c);
            fmpq_mul(L->b + i, L->b + i, c);
        }
    }
    else
        add_identity(t, m, c);
    cpwl_net_prepare(t);
    cpwl_net_swap(out, t);
    cpwl_net_clear(t);
}

/* ---- lowering to relu layers ------------------------------------------ */

/* The values computed so far, an affine map of the last emitted layer's
   outputs (or of x): v = V a + vb. */
typedef struct
{
    fmpq_mat_t V;
    fmpq *vb;
    slong n;                    /* values = rows of V */
}
lower_vals;

static void vals_init(lower_vals *v, slong n, slong q)
{
    fmpq_mat_init(v->V, n, q);
    v->vb = _fmpq_vec_init(n);
    v->n = n;
}

static void vals_clear(lower_vals *v)
{
    fmpq_mat_clear(v->V);
    _fmpq_vec_clear(v->vb, v->n);
}

/* Append a layer computing act(V a + vb). */
static cpwl_net_layer_struct *emit(cpwl_net_t t, cpwl_net_act_t act, const lower_vals *v)
{
    cpwl_net_layer_struct *L = cpwl_net_add_layer(t, act, v->n);
    fmpq_mat_set(L->W, v->V);
    qvec_set(L->b, v->vb, v->n);
    return L;
}

/* One relu layer r = relu(R v + r0) of the values; the new values are
   S r + s0 (R: rows x n, S: n' x rows), replacing *v.  Consecutive affine
   maps are composed exactly (R V), so no identity layer is left between. */
static void relu_step(cpwl_net_t t, lower_vals *v, const fmpq_mat_t R,
                      const fmpq *r0, const fmpq_mat_t S, const fmpq *s0)
{
    slong rows = fmpq_mat_nrows(R), i, j;
    cpwl_net_layer_struct *L = cpwl_net_add_layer(t, CPWL_NET_RELU, rows);
    fmpq_mat_mul(L->W, R, v->V);
    for (i = 0; i < rows; i++)
    {
        fmpq_set(L->b + i, r0 + i);
        for (j = 0; j < v->n; j++)
            fmpq_addmul(L->b + i, fmpq_mat_entry(R, i, j), v->vb + j);
    }
    vals_clear(v);
    vals_init(v, fmpq_mat_nrows(S), rows);
    fmpq_mat_set(v->V, S);
    qvec_set(v->vb, s0, v->n);
}

/* abs: |z| = relu(z) + relu(-z); hardtanh: clip(z, -1, 1) =
   relu(z + 1) - relu(z - 1) - 1.  Both use the hyperplanes of z
   itself (z = 0, resp. z = -1 and z = 1). */
static void lower_elementwise(cpwl_net_t t, lower_vals *v, int ht)
{
    slong k = v->n, i;
    fmpq_mat_t R, S;
    fmpq *r0 = _fmpq_vec_init(2 * k), *s0 = _fmpq_vec_init(k);
    fmpq_mat_init(R, 2 * k, k);
    fmpq_mat_init(S, k, 2 * k);
    for (i = 0; i < k; i++)
    {
        fmpq_one(fmpq_mat_entry(R, i, i));
        fmpq_set_si(fmpq_mat_entry(R, k + i, i), ht ? 1 : -1, 1);
        fmpq_one(fmpq_mat_entry(S, i, i));
        fmpq_set_si(fmpq_mat_entry(S, i, k + i), ht ? -1 : 1, 1);
        if (ht)
        {
            fmpq_one(r0 + i);
            fmpq_set_si(r0 + k + i, -1, 1);
            fmpq_set_si(s0 + i, -1, 1);
        }
    }
    relu_step(t, v, R, r0, S, s0);
    fmpq_mat_clear(R);
    fmpq_mat_clear(S);
    _fmpq_vec_clear(r0, 2 * k);
    _fmpq_vec_clear(s0, k);
}

/* maxout: a tournament per unit, all units in parallel.  A round pairs
   the unit's values: max(a, b) = a + relu(b - a), a carried as
   relu(a) - relu(-a) (3 relus); an odd value out is carried (2 relus).
   ceil(log2 pieces) rounds. */
static void lower_maxout(cpwl_net_t t, lower_vals *v, slong pieces)
{
    slong units = v->n / pieces, c = pieces;
    while (c > 1)
    {
        slong h = c / 2, odd = c % 2, c2 = h + odd;
        slong per = 3 * h + 2 * odd, rows = units * per, u, p;
        fmpq_mat_t R, S;
        fmpq *r0 = _fmpq_vec_init(rows), *s0 = _fmpq_vec_init(units * c2);
        fmpq_mat_init(R, rows, v->n);
        fmpq_mat_init(S, units * c2, rows);
        for (u = 0; u < units; u++)
        {
            slong in = u * c, r = u * per, o = u * c2;
            for (p = 0; p < c2; p++, r += 3)
            {
                slong a = in + 2 * p;
                fmpq_one(fmpq_mat_entry(R, r, a));
                fmpq_set_si(fmpq_mat_entry(R, r + 1, a), -1, 1);
                fmpq_one(fmpq_mat_entry(S, o + p, r));
                fmpq_set_si(fmpq_mat_entry(S, o + p, r + 1), -1, 1);
                if (p < h)
                {
                    fmpq_one(fmpq_mat_entry(R, r + 2, a + 1));
                    fmpq_set_si(fmpq_mat_entry(R, r + 2, a), -1, 1);
                    fmpq_one(fmpq_mat_entry(S, o + p, r + 2));
                }
            }
        }
        relu_step(t, v, R, r0, S, s0);
        fmpq_mat_clear(R);
        fmpq_mat_clear(S);
        _fmpq_vec_clear(r0, rows);
        _fmpq_vec_clear(s0, units * c2);
        c = c2;
    }
}

void cpwl_netalg_lower_relu(cpwl_net_t out, const cpwl_net_t net)
{
    slong l, i;
    int pend = 0;
    lower_vals v, w;
    cpwl_net_t t;

    cpwl_net_init(t, net->input_dim);
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        int last = l + 1 == net->nlayers;
        /* the layer's pre-activations as values of the last output */
        if (pend)
        {
            vals_init(&w, L->out, fmpq_mat_ncols(v.V));
            fmpq_mat_mul(w.V, L->W, v.V);
            for (i = 0; i < L->out; i++)
            {
                slong j;
                fmpq_set(w.vb + i, L->b + i);
                for (j = 0; j < L->in; j++)
                    fmpq_addmul(w.vb + i, fmpq_mat_entry(L->W, i, j),
                                v.vb + j);
            }
            vals_clear(&v);
        }
        else
        {
            vals_init(&w, L->out, L->in);
            fmpq_mat_set(w.V, L->W);
            qvec_set(w.vb, L->b, L->out);
        }
        v = w;
        pend = 1;
        switch (L->act)
        {
            case CPWL_NET_IDENTITY:
                if (last)
                {
                    emit(t, CPWL_NET_IDENTITY, &v);
                    vals_clear(&v);
                    pend = 0;
                }
                break;
            case CPWL_NET_ABS:
            case CPWL_NET_HARDTANH:
                lower_elementwise(t, &v, L->act == CPWL_NET_HARDTANH);
                break;
            case CPWL_NET_MAXOUT:
                lower_maxout(t, &v, L->pieces);
                break;
            default:            /* relu, leaky_relu: kept */
                fmpq_set(emit(t, L->act, &v)->slope, L->slope);
                vals_clear(&v);
                pend = 0;
        }
    }
    if (pend)
    {
        emit(t, CPWL_NET_IDENTITY, &v);
        vals_clear(&v);
    }
    set_output_bias(t, net->output_bias);
    cpwl_net_prepare(t);
    cpwl_net_swap(out, t);
    cpwl_net_clear(t);
}
