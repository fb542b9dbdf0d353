/* Exact equivalence of two networks on a domain.

   The difference d = a - b is built as one network (both side by side on
   the shared input, depths equalised), its activation regions on D are
   computed with their exact affine maps, and f = g on D iff every map is
   zero.  Otherwise a rational point of D with a(x) != b(x) is found inside
   a region whose map is not zero. */
#include "cpwl/equiv.h"
#include "cpwl/netalg.h"
#include "qvec.h"

void cpwl_equiv_init(cpwl_equiv_t Q)
{
    Q->equal = -1;
    Q->d = Q->m = Q->n = 0;
    Q->point = Q->x = Q->fa = Q->fb = NULL;
    Q->regions = 0;
    Q->stopped = CPWL_REGIONS_DONE;
}

void cpwl_equiv_clear(cpwl_equiv_t Q)
{
    if (Q->point != NULL)
        _fmpq_vec_clear(Q->point, Q->d);
    if (Q->x != NULL)
        _fmpq_vec_clear(Q->x, Q->n);
    if (Q->fa != NULL)
        _fmpq_vec_clear(Q->fa, Q->m);
    if (Q->fb != NULL)
        _fmpq_vec_clear(Q->fb, Q->m);
    cpwl_equiv_init(Q);
}

/* ---- the difference network ------------------------------------------- */

/* A layer of out's with weights W and bias b (W has out x in entries,
   in = the current output width of out). */
static void add_layer(cpwl_net_t out, cpwl_net_act_t act, const fmpq_mat_t W,
                      const fmpq *b)
{
    cpwl_net_layer_struct *L = cpwl_net_add_layer(out, act, fmpq_mat_nrows(W));
    fmpq_mat_set(L->W, W);
    qvec_set(L->b, b, L->out);
}

/* out = the same function with relu hidden layers only and an identity
   last layer.  An identity or leaky hidden layer (slope s; identity has
   s = 1) becomes 2k relus on (z, -z), since act(z) = relu(z) - s relu(-z);
   the next map absorbs the combination through E (old outputs = E times
   new outputs).  A last layer with an activation gets an identity layer
   after it. */
static int relu_form(cpwl_net_t out, const cpwl_net_t a, cpwl_err_t e)
{
    fmpq_mat_t E, Wn, T;
    fmpq *bn;
    slong l, i, k, n = a->input_dim;

    if (!cpwl_net_is_basic(a))
    {
        /* abs, hardtanh, maxout: the same function in relu layers */
        cpwl_net_t low;
        int st;
        cpwl_net_init(low, a->input_dim);
        cpwl_netalg_lower_relu(low, a);
        st = relu_form(out, low, e);
        cpwl_net_clear(low);
        return st;
    }
    cpwl_net_clear(out);
    cpwl_net_init(out, n);
    out->output_bias = 1;
    fmpq_mat_init(E, n, n);
    fmpq_mat_one(E);
    if (a->nlayers == 0)
    {
        /* The identity map of R^n. */
        bn = _fmpq_vec_init(n);
        add_layer(out, CPWL_NET_IDENTITY, E, bn);
        _fmpq_vec_clear(bn, n);
        fmpq_mat_clear(E);
        return CPWL_OK;
    }
    for (l = 0; l < a->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = a->layers + l;
        int last = l + 1 == a->nlayers;

        if (!cpwl_net_act_supported(L->act) || L->pieces != 1)
        {
            fmpq_mat_clear(E);
            return cpwl_err_set(e, CPWL_ERR_INPUT, "equiv: layer %ld: activation "
                                "%s is not supported", (long) l + 1,
                                cpwl_net_act_name(L->act));
        }
        k = L->out;
        fmpq_mat_init(Wn, k, fmpq_mat_ncols(E));
        fmpq_mat_mul(Wn, L->W, E);
        bn = L->b;
        if (L->act == CPWL_NET_IDENTITY && last)
        {
            add_layer(out, CPWL_NET_IDENTITY, Wn, bn);
            fmpq_mat_clear(Wn);
            break;
        }
        fmpq_mat_clear(E);
        if (L->act == CPWL_NET_RELU)
        {
            add_layer(out, CPWL_NET_RELU, Wn, bn);
            fmpq_mat_init(E, k, k);
            fmpq_mat_one(E);
        }
        else
        {
            cpwl_net_layer_struct *M;
            fmpq_t s;
            fmpq_init(s);
            if (L->act == CPWL_NET_LEAKY_RELU)
                fmpq_set(s, L->slope);
            else
                fmpq_one(s);
            M = cpwl_net_add_layer(out, CPWL_NET_RELU, 2 * k);
            fmpq_mat_init(E, k, 2 * k);
            for (i = 0; i < k; i++)
            {
                slong j;
                for (j = 0; j < fmpq_mat_ncols(Wn); j++)
                {
                    fmpq_set(fmpq_mat_entry(M->W, i, j),
                             fmpq_mat_entry(Wn, i, j));
                    fmpq_neg(fmpq_mat_entry(M->W, k + i, j),
                             fmpq_mat_entry(Wn, i, j));
                }
                fmpq_set(M->b + i, bn + i);
                fmpq_neg(M->b + k + i, bn + i);
                fmpq_one(fmpq_mat_entry(E, i, i));
                fmpq_neg(fmpq_mat_entry(E, i, k + i), s);
            }
            fmpq_clear(s);
        }
        fmpq_mat_clear(Wn);
        if (last)
        {
            /* The outputs were an activation's: read them off by E. */
            fmpq_mat_init(T, fmpq_mat_nrows(E), fmpq_mat_ncols(E));
            fmpq_mat_set(T, E);
            bn = _fmpq_vec_init(fmpq_mat_nrows(E));
            add_layer(out, CPWL_NET_IDENTITY, T, bn);
            _fmpq_vec_clear(bn, fmpq_mat_nrows(E));
            fmpq_mat_clear(T);
        }
    }
    fmpq_mat_clear(E);
    return CPWL_OK;
}

static void copy_layer(cpwl_net_t out, const cpwl_net_layer_struct *L)
{
    add_layer(out, L->act, L->W, L->b);
}

/* out = a (in relu form) padded to `depth` affine maps.  After a relu
   layer the values are >= 0, where relu is the identity: one relu per
   carried coordinate is an exact pass-through, and its state copies the
   state of the unit it carries, so no new region appears.  A net with one
   affine map y has no such layer: it becomes relu(y), relu(-y), carried,
   and y = relu(y) - relu(-y) at the end. */
static void pad_depth(cpwl_net_t out, const cpwl_net_t a, slong depth)
{
    slong l, i, p = depth - a->nlayers;
    const cpwl_net_layer_struct *last = a->layers + a->nlayers - 1;
    fmpq_mat_t I;
    fmpq *z;

    cpwl_net_clear(out);
    cpwl_net_init(out, a->input_dim);
    out->output_bias = 1;
    if (p <= 0)
    {
        for (l = 0; l < a->nlayers; l++)
            copy_layer(out, a->layers + l);
        return;
    }
    if (a->nlayers >= 2)
    {
        slong k = last->in;
        for (l = 0; l + 1 < a->nlayers; l++)
            copy_layer(out, a->layers + l);
        fmpq_mat_init(I, k, k);
        fmpq_mat_one(I);
        z = _fmpq_vec_init(k);
        for (i = 0; i < p; i++)
            add_layer(out, CPWL_NET_RELU, I, z);
        copy_layer(out, last);
        fmpq_mat_clear(I);
        _fmpq_vec_clear(z, k);
    }
    else
    {
        slong m = last->out, n = last->in, j;
        cpwl_net_layer_struct *M = cpwl_net_add_layer(out, CPWL_NET_RELU, 2 * m);
        for (i = 0; i < m; i++)
        {
            for (j = 0; j < n; j++)
            {
                fmpq_set(fmpq_mat_entry(M->W, i, j),
                         fmpq_mat_entry(last->W, i, j));
                fmpq_neg(fmpq_mat_entry(M->W, m + i, j),
                         fmpq_mat_entry(last->W, i, j));
            }
            fmpq_set(M->b + i, last->b + i);
            fmpq_neg(M->b + m + i, last->b + i);
        }
        fmpq_mat_init(I, 2 * m, 2 * m);
        fmpq_mat_one(I);
        z = _fmpq_vec_init(2 * m);
        for (i = 1; i < p; i++)
            add_layer(out, CPWL_NET_RELU, I, z);
        M = cpwl_net_add_layer(out, CPWL_NET_IDENTITY, m);
        for (i = 0; i < m; i++)
        {
            fmpq_one(fmpq_mat_entry(M->W, i, i));
            fmpq_set_si(fmpq_mat_entry(M->W, i, m + i), -1, 1);
        }
        fmpq_mat_clear(I);
        _fmpq_vec_clear(z, 2 * m);
    }
}

/* d = a - b for a, b in relu form of equal depth: the first layers read
   the shared input, the hidden ones are block diagonal, the last one
   subtracts. */
static void side_by_side(cpwl_net_t d, const cpwl_net_t a, const cpwl_net_t b)
{
    slong l, i, j;

    cpwl_net_clear(d);
    cpwl_net_init(d, a->input_dim);
    d->output_bias = 1;
    for (l = 0; l < a->nlayers; l++)
    {
        const cpwl_net_layer_struct *A = a->layers + l, *B = b->layers + l;
        cpwl_net_layer_struct *M;
        int last = l + 1 == a->nlayers;
        slong ra = A->out, ca = A->in;

        if (last)
        {
            M = cpwl_net_add_layer(d, CPWL_NET_IDENTITY, ra);
            for (i = 0; i < ra; i++)
            {
                if (l == 0)
                    for (j = 0; j < ca; j++)
                        fmpq_sub(fmpq_mat_entry(M->W, i, j),
                                 fmpq_mat_entry(A->W, i, j),
                                 fmpq_mat_entry(B->W, i, j));
                else
                {
                    for (j = 0; j < ca; j++)
                        fmpq_set(fmpq_mat_entry(M->W, i, j),
                                 fmpq_mat_entry(A->W, i, j));
                    for (j = 0; j < B->in; j++)
                        fmpq_neg(fmpq_mat_entry(M->W, i, ca + j),
                                 fmpq_mat_entry(B->W, i, j));
                }
                fmpq_sub(M->b + i, A->b + i, B->b + i);
            }
            break;
        }
        M = cpwl_net_add_layer(d, CPWL_NET_RELU, ra + B->out);
        for (i = 0; i < ra; i++)
        {
            for (j = 0; j < ca; j++)
                fmpq_set(fmpq_mat_entry(M->W, i, j),
                         fmpq_mat_entry(A->W, i, j));
            fmpq_set(M->b + i, A->b + i);
        }
        for (i = 0; i < B->out; i++)
        {
            for (j = 0; j < B->in; j++)
                fmpq_set(fmpq_mat_entry(M->W, ra + i, (l == 0 ? 0 : ca) + j),
                         fmpq_mat_entry(B->W, i, j));
            fmpq_set(M->b + ra + i, B->b + i);
        }
    }
    cpwl_net_prepare(d);
}

/* The difference network a - b (same input and output dimensions). */
static int difference(cpwl_net_t d, const cpwl_net_t a, const cpwl_net_t b, cpwl_err_t e)
{
    cpwl_net_t ra, rb, pa, pb;
    slong depth;
    int st;

    cpwl_net_init(ra, 0);
    cpwl_net_init(rb, 0);
    cpwl_net_init(pa, 0);
    cpwl_net_init(pb, 0);
    st = relu_form(ra, a, e);
    if (st == CPWL_OK)
        st = relu_form(rb, b, e);
    if (st == CPWL_OK)
    {
        depth = FLINT_MAX(ra->nlayers, rb->nlayers);
        pad_depth(pa, ra, depth);
        pad_depth(pb, rb, depth);
        side_by_side(d, pa, pb);
    }
    cpwl_net_clear(ra);
    cpwl_net_clear(rb);
    cpwl_net_clear(pa);
    cpwl_net_clear(pb);
    return st;
}

/* ---- the decision ----------------------------------------------------- */

static int map_is_zero(const cpwl_regions_cell_struct *c, slong m, slong d)
{
    return qvec_is_zero(c->grad, m * d)
        && qvec_is_zero(c->offset, m);
}

/* The cell's map at the domain point q is nonzero in some output. */
static int map_nonzero_at(const cpwl_regions_cell_struct *c, slong m, slong d,
                          const fmpq *q)
{
    fmpq_t v;
    slong i;
    int nz = 0;
    fmpq_init(v);
    for (i = 0; i < m && !nz; i++)
    {
        _fmpq_vec_dot(v, c->grad + i * d, q, d);
        fmpq_add(v, v, c->offset + i);
        nz = !fmpq_is_zero(v);
    }
    fmpq_clear(v);
    return nz;
}

static int in_box(const cpwl_dom_t D, const fmpq *q)
{
    slong i;
    if (!D->bounded)
        return 1;
    for (i = 0; i < D->d; i++)
        if (fmpq_cmp(q + i, D->lo + i) < 0 || fmpq_cmp(q + i, D->hi + i) > 0)
            return 0;
    return 1;
}

/* Fill the witness of Q from the cells of R (some map is nonzero).  A
   cell whose interior point already separates a and b is taken as is;
   else, in the first nonzero cell, the point p (where the map vanishes)
   moves along a nonzero gradient row g: d_i(p + eps g) = eps |g|^2 > 0 as
   long as p + eps g stays in the cell, which holds for small eps since p
   is interior.  Each candidate is checked on a and b themselves. */
static int witness(cpwl_equiv_t Q, const cpwl_regions_t R, const cpwl_net_t a,
                   const cpwl_net_t b, const cpwl_dom_t D, cpwl_err_t e)
{
    slong i, k, d = R->d, m = R->m, first = -1, row = -1;
    const cpwl_regions_cell_struct *c = NULL;
    fmpq *q;

    for (i = 0; i < R->ncells; i++)
    {
        const cpwl_regions_cell_struct *ci = R->cells + i;
        if (map_is_zero(ci, m, d))
            continue;
        if (first < 0)
            first = i;
        if (map_nonzero_at(ci, m, d, ci->point))
        {
            c = ci;
            break;
        }
    }
    if (c == NULL)
    {
        c = R->cells + first;
        for (i = 0; i < m && row < 0; i++)
            if (!qvec_is_zero(c->grad + i * d, d))
                row = i;
    }
    q = _fmpq_vec_init(d);
    for (k = 0; k <= 4096; k++)
    {
        qvec_set(q, c->point, d);
        if (k > 0 && row >= 0)
            for (i = 0; i < d; i++)
            {
                fmpq_t t;
                fmpq_init(t);
                fmpq_div_2exp(t, c->grad + row * d + i, k);
                fmpq_add(q + i, q + i, t);
                fmpq_clear(t);
            }
        if (!in_box(D, q))
            continue;
        cpwl_dom_to_ambient(Q->x, D, q);
        cpwl_net_eval_fmpq(Q->fa, a, Q->x);
        cpwl_net_eval_fmpq(Q->fb, b, Q->x);
        if (!qvec_equal(Q->fa, Q->fb, m))
        {
            qvec_set(Q->point, q, d);
            _fmpq_vec_clear(q, d);
            return CPWL_OK;
        }
        if (row < 0)
            break;
    }
    _fmpq_vec_clear(q, d);
    return cpwl_err_set(e, CPWL_ERR_INTERNAL, "equiv: a region of a - b has a "
                        "nonzero map but no point separating the networks was "
                        "found near its interior point");
}

/* The options of the regions of the difference network. */
static void diff_opts(cpwl_regions_opts *o, const cpwl_regions_opts *opts)
{
    *o = *opts;
    o->maps = o->points = 1;
    o->linear = o->verts = 0;
}

int cpwl_equiv_ckpt_key(char **key, const cpwl_net_t a, const cpwl_net_t b,
                        const cpwl_dom_t D, const cpwl_regions_opts *opts,
                        cpwl_err_t e)
{
    cpwl_net_t diff;
    cpwl_regions_opts o;
    int st;

    *key = NULL;
    if (b->input_dim != a->input_dim || D->n != a->input_dim
        || cpwl_net_output_dim(b) != cpwl_net_output_dim(a))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the networks and the domain "
                            "do not have the same dimensions");
    cpwl_net_init(diff, a->input_dim);
    if ((st = difference(diff, a, b, e)) == CPWL_OK)
    {
        diff_opts(&o, opts);
        *key = cpwl_regions_ckpt_key(diff, D, &o);
    }
    cpwl_net_clear(diff);
    return st;
}

int cpwl_equiv_decide(cpwl_equiv_t Q, const cpwl_net_t a, const cpwl_net_t b, const cpwl_dom_t D,
                      const cpwl_regions_opts *opts, cpwl_err_t e)
{
    cpwl_net_t diff;
    cpwl_regions_t R;
    cpwl_regions_opts o;
    slong i, n = a->input_dim, m = cpwl_net_output_dim(a);
    int st;

    cpwl_equiv_clear(Q);
    if (b->input_dim != n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the networks have different "
                            "input dimensions: %ld (first) and %ld (second)",
                            (long) n, (long) b->input_dim);
    if (cpwl_net_output_dim(b) != m)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the networks have different "
                            "output dimensions: %ld (first) and %ld (second)",
                            (long) m, (long) cpwl_net_output_dim(b));
    if (D->n != n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the domain has %ld coordinates "
                            "but the networks have %ld inputs", (long) D->n,
                            (long) n);

    cpwl_net_init(diff, n);
    if ((st = difference(diff, a, b, e)) != CPWL_OK)
    {
        cpwl_net_clear(diff);
        return st;
    }
    diff_opts(&o, opts);
    cpwl_regions_init(R, D->d, m, cpwl_net_num_states(diff));
    st = cpwl_regions_compute(R, diff, D, &o, e);
    if (st == CPWL_OK)
    {
        Q->d = D->d;
        Q->n = n;
        Q->m = m;
        if (R->stopped)
        {
            Q->stopped = R->stopped;
            Q->regions = R->lower_bound;
        }
        else if (opts->sched != NULL && opts->sched->rank != 0)
            Q->equal = -1;      /* the cells are on process 0 */
        else
        {
            Q->regions = R->ncells;
            Q->equal = 1;
            for (i = 0; i < R->ncells && Q->equal; i++)
                Q->equal = map_is_zero(R->cells + i, m, D->d);
            if (!Q->equal)
            {
                Q->point = _fmpq_vec_init(Q->d);
                Q->x = _fmpq_vec_init(n);
                Q->fa = _fmpq_vec_init(m);
                Q->fb = _fmpq_vec_init(m);
                st = witness(Q, R, a, b, D, e);
            }
        }
    }
    cpwl_regions_clear(R);
    cpwl_net_clear(diff);
    return st;
}
