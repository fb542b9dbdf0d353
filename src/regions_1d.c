/* Activation regions in one dimension: a left-to-right sweep.

   On a piece (x, y) of the line every pre-activation is affine, z_j(s) =
   sigma_j s + alpha_j, and so are the activations.  The sweep holds these
   forms for the current piece only (memory: the size of the net, not
   pieces x width), finds the next breakpoint y as the smallest zero to
   the right of x of a neuron with a state, and crosses it layer by layer:
   a neuron whose z is nonzero at y keeps its state (z is continuous); one
   whose z is 0 at y takes the sign of z just right of y (z = 0 is off,
   SPEC section 2).  The lowest layer with a zero at y has unchanged forms,
   so one of its neurons changes state strictly: consecutive pieces have
   different patterns, and since each pattern set is convex, pieces are
   exactly the activation regions.  Cells are emitted as the sweep goes,
   so --max-regions and an interrupt stop it at once. */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "cpwl/regions.h"
#include "forms.h"

/* A zero of neuron j at r. */
typedef struct
{
    fmpq r;
    slong j;
}
zero_s;

typedef struct
{
    slong w, off;               /* width, state offset (-1: no states) */
    fmpq *z, *a;                /* w x 2: (sigma, alpha) of z_j and a_j */
    fmpq *dlt;                  /* w x 2: change of a at the breakpoint */
    slong *chg, nchg;           /* the a_j that changed there */
    zero_s *zs;                 /* zeros right of the sweep, sorted */
    slong nz, pz;               /* how many, the next one */
    int dirty;                  /* z changed: zs to be rebuilt */
}
layer_sweep;

typedef struct
{
    const fmpq *v;
}
val_src;

static void val_get_fmpq(fmpq_t v, void *data)
{
    fmpq_set(v, ((val_src *) data)->v);
}

/* The state of z = sigma s + alpha just right of x (x = -oo when xinf),
   decided by the exact stage of the predicate layer: the sign of z(x),
   or of sigma when z(x) = 0. */
static int right_state(cpwl_pred_ctx_struct *pred, const fmpq *z, const fmpq_t x,
                       int xinf, fmpq_t t)
{
    val_src vs;
    cpwl_pred_src_struct ps = {NULL, NULL, val_get_fmpq, NULL};
    int s;
    ps.data = &vs;
    if (xinf)
    {
        /* At -oo the slope dominates; with none, the constant. */
        vs.v = z;
        if ((s = cpwl_pred_sign(pred, &ps)) != 0)
            return s < 0;
        vs.v = z + 1;
        return cpwl_pred_sign(pred, &ps) > 0;
    }
    fmpq_mul(t, z, x);
    fmpq_add(t, t, z + 1);
    vs.v = t;
    if ((s = cpwl_pred_sign(pred, &ps)) != 0)
        return s > 0;
    vs.v = z;
    return cpwl_pred_sign(pred, &ps) > 0;
}

/* a = act(z) under state on. */
static void act_set(fmpq *a, const fmpq *z, const cpwl_net_layer_struct *L,
                    int on)
{
    if (on || L->act == CPWL_NET_IDENTITY)
    {
        fmpq_set(a, z);
        fmpq_set(a + 1, z + 1);
    }
    else if (L->act == CPWL_NET_LEAKY_RELU)
    {
        fmpq_mul(a, z, L->slope);
        fmpq_mul(a + 1, z + 1, L->slope);
    }
    else
    {
        fmpq_zero(a);
        fmpq_zero(a + 1);
    }
}

static int cmp_zero(const void *a, const void *b)
{
    return fmpq_cmp(&((const zero_s *) a)->r, &((const zero_s *) b)->r);
}

/* The zeros of the layer's neurons strictly right of x, sorted. */
static void zeros_build(layer_sweep *S, const fmpq_t x, int xinf)
{
    slong j;
    for (j = 0; j < S->nz; j++)
        fmpq_clear(&S->zs[j].r);
    S->nz = S->pz = 0;
    for (j = 0; j < S->w; j++)
    {
        const fmpq *z = S->z + 2 * j;
        zero_s *q = S->zs + S->nz;
        if (fmpq_is_zero(z))
            continue;
        fmpq_init(&q->r);
        fmpq_div(&q->r, z + 1, z);
        fmpq_neg(&q->r, &q->r);
        if (!xinf && fmpq_cmp(&q->r, x) <= 0)
        {
            fmpq_clear(&q->r);
            continue;
        }
        q->j = j;
        S->nz++;
    }
    /* FLINT's fmpq may be moved bytewise. */
    qsort(S->zs, S->nz, sizeof(zero_s), cmp_zero);
    S->dirty = 0;
}

/* An interior point of (lo, hi). */
static void interior(fmpq_t p, const fmpq_t lo, const fmpq_t hi, int inf)
{
    if ((inf & 3) == 3)
        fmpq_zero(p);
    else if (inf & 1)
        fmpq_sub_si(p, hi, 1);
    else if (inf & 2)
        fmpq_add_si(p, lo, 1);
    else
    {
        fmpq_add(p, lo, hi);
        fmpq_div_2exp(p, p, 1);
    }
}

/* Recompute z of layer k from the activations below (or from s), when
   something below changed: incrementally from the changes. */
static void layer_update_z(layer_sweep *S, const cpwl_net_t g, slong k)
{
    const cpwl_net_layer_struct *L = g->layers + k;
    slong i, j;
    if (k == 0)
        return;                 /* z_0 = W_0 s + b_0 everywhere */
    for (i = 0; i < S[-1].nchg; i++)
    {
        slong q = S[-1].chg[i];
        const fmpq *d = S[-1].dlt + 2 * q;
        for (j = 0; j < S->w; j++)
        {
            const fmpq *wt = fmpq_mat_entry(L->W, j, q);
            if (fmpq_is_zero(wt))
                continue;
            fmpq_addmul(S->z + 2 * j, wt, d);
            fmpq_addmul(S->z + 2 * j + 1, wt, d + 1);
        }
    }
}

/* Set a_j (and record its change) from z_j and the state. */
static void layer_set_a(layer_sweep *S, const cpwl_net_layer_struct *L, slong j,
                        int on, fmpq *t)
{
    act_set(t, S->z + 2 * j, L, on);
    if (fmpq_equal(t, S->a + 2 * j) && fmpq_equal(t + 1, S->a + 2 * j + 1))
        return;
    fmpq_sub(S->dlt + 2 * j, t, S->a + 2 * j);
    fmpq_sub(S->dlt + 2 * j + 1, t + 1, S->a + 2 * j + 1);
    fmpq_swap(S->a + 2 * j, t);
    fmpq_swap(S->a + 2 * j + 1, t + 1);
    S->chg[S->nchg++] = j;
}

static void sweep_clear(layer_sweep *S, slong nl)
{
    slong k, j;
    for (k = 0; k < nl; k++)
    {
        _fmpq_vec_clear(S[k].z, 2 * S[k].w);
        _fmpq_vec_clear(S[k].a, 2 * S[k].w);
        _fmpq_vec_clear(S[k].dlt, 2 * S[k].w);
        for (j = 0; j < S[k].nz; j++)
            fmpq_clear(&S[k].zs[j].r);
        flint_free(S[k].zs);
        flint_free(S[k].chg);
    }
    flint_free(S);
}

/* Emit the piece (x, y) with the current pattern as a cell. */
static void emit(cpwl_regions_t R, const layer_sweep *last, const unsigned char *st,
                 const fmpq_t x, const fmpq_t y, int inf,
                 const cpwl_regions_opts *opts, fmpq *prev, fmpq_t p)
{
    slong m = R->m, j, k;
    cpwl_regions_cell_struct *c = cpwl_regions_add_cell(R);
    if (opts->no_states)
    {
        flint_free(c->state);
        c->state = NULL;
    }
    else
        memcpy(c->state, st, R->nstates);
    c->bounded = inf == 0;
    if (opts->points)
    {
        interior(p, x, y, inf);
        cpwl_regions_cell_set_point(c, p, 1);
    }
    if (opts->maps)
    {
        c->grad = _fmpq_vec_init(m);
        c->offset = _fmpq_vec_init(m);
        for (j = 0; j < m; j++)
        {
            fmpq_set(c->grad + j, last->a + 2 * j);
            fmpq_set(c->offset + j, last->a + 2 * j + 1);
        }
    }
    if (opts->verts)
    {
        c->nverts = !(inf & 1) + !(inf & 2);
        c->nrays = 2 - c->nverts;
        c->verts = c->nverts ? _fmpq_vec_init(c->nverts) : NULL;
        c->rays = c->nrays ? _fmpq_vec_init(c->nrays) : NULL;
        k = 0;
        if (!(inf & 1))
            fmpq_set(c->verts + k++, x);
        if (!(inf & 2))
            fmpq_set(c->verts + k++, y);
        k = 0;
        if (inf & 1)
            fmpq_set_si(c->rays + k++, -1, 1);
        if (inf & 2)
            fmpq_set_si(c->rays + k++, 1, 1);
    }
    if (opts->linear)
    {
        /* Neighbouring pieces share the breakpoint; f is affine across
           it iff the exact maps (all outputs) agree. */
        if (R->ncells == 1 || !qvec_equal(prev, last->a, 2 * m))
            R->nlinear++;
        c->linear = R->nlinear - 1;
        qvec_set(prev, last->a, 2 * m);
    }
}

int cpwl_regions_1d(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo, const fmpq *hi,
                    const cpwl_regions_opts *opts, cpwl_err_t e)
{
    slong nl = g->nlayers, k, j, wmax = 1, count = 0;
    slong d = R->d, m = R->m, ns = R->nstates;
    layer_sweep *S;
    unsigned char *st;
    fmpq *t, *prev;
    fmpq_t x, y, p;
    int xinf = lo == NULL, yinf, status = CPWL_OK, stopped = CPWL_REGIONS_DONE;

    if (g->input_dim != 1)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_1d: input dimension %ld",
                            (long) g->input_dim);
    /* abs, hardtanh and maxout are counted through their exact relu
       lowering (cpwl_regions_compute); here every state is one sign. */
    if (!cpwl_net_is_basic(g))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cpwl_regions_1d takes relu, leaky_relu and "
                            "identity layers (lower the others to relu first, as "
                            "cpwl_regions_compute does)");
    /* Without layers the output is s itself: one identity layer stands in
       for emit (it is never swept). */
    S = flint_calloc(FLINT_MAX(nl, 1), sizeof(layer_sweep));
    st = flint_calloc(FLINT_MAX(ns, 1), 1);
    for (k = 0; k < FLINT_MAX(nl, 1); k++)
    {
        slong w = nl ? g->layers[k].out : 1;
        wmax = FLINT_MAX(wmax, w);
        S[k].w = w;
        S[k].off = nl ? forms_state_offset(g, k) : -1;
        S[k].z = _fmpq_vec_init(2 * w);
        S[k].a = _fmpq_vec_init(2 * w);
        S[k].dlt = _fmpq_vec_init(2 * w);
        S[k].chg = flint_malloc(FLINT_MAX(w, 1) * sizeof(slong));
        S[k].zs = flint_malloc(FLINT_MAX(w, 1) * sizeof(zero_s));
    }
    if (nl == 0)
    {
        S[0].off = -1;
        fmpq_one(S[0].a);
    }
    t = _fmpq_vec_init(2);
    prev = _fmpq_vec_init(2 * FLINT_MAX(m, 1));
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(p);
    if (!xinf)
        fmpq_set(x, lo);
    R->nlinear = opts->linear ? 0 : -1;

    /* The first piece: every form from scratch, states just right of x. */
    for (k = 0; k < nl; k++)
    {
        const cpwl_net_layer_struct *L = g->layers + k;
        layer_sweep *Sk = S + k;
        for (j = 0; j < Sk->w; j++)
        {
            fmpq *z = Sk->z + 2 * j;
            slong q;
            if (k == 0)
                fmpq_set(z, fmpq_mat_entry(L->W, j, 0));
            else
            {
                fmpq_zero(z);
                for (q = 0; q < L->in; q++)
                {
                    const fmpq *wt = fmpq_mat_entry(L->W, j, q);
                    if (fmpq_is_zero(wt))
                        continue;
                    fmpq_addmul(z, wt, S[k - 1].a + 2 * q);
                    fmpq_addmul(z + 1, wt, S[k - 1].a + 2 * q + 1);
                }
            }
            fmpq_add(z + 1, z + 1, L->b + j);
            if (Sk->off >= 0)
                st[Sk->off + j] = right_state(opts->pred, z, x, xinf, t);
            act_set(Sk->a + 2 * j, z, L, Sk->off < 0 || st[Sk->off + j]);
        }
        Sk->dirty = Sk->off >= 0;
    }

    for (;;)
    {
        slong nflip = 0;
        int inf;
        /* The next breakpoint: the smallest zero right of x. */
        yinf = 1;
        for (k = 0; k < nl; k++)
        {
            layer_sweep *Sk = S + k;
            if (Sk->off < 0)
                continue;
            if (Sk->dirty)
                zeros_build(Sk, x, xinf);
            if (Sk->pz < Sk->nz
                && (yinf || fmpq_cmp(&Sk->zs[Sk->pz].r, y) < 0))
            {
                fmpq_set(y, &Sk->zs[Sk->pz].r);
                yinf = 0;
            }
        }
        if (!yinf && hi != NULL && fmpq_cmp(y, hi) >= 0)
            yinf = 1;
        if (yinf && hi != NULL)
            fmpq_set(y, hi);
        inf = (xinf ? 1 : 0) | (yinf && hi == NULL ? 2 : 0);

        count++;
        if (opts->max_regions > 0 && count > opts->max_regions)
            stopped = CPWL_REGIONS_STOP_LIMIT;
        else if (opts->interrupt && *opts->interrupt)
            stopped = CPWL_REGIONS_STOP_INTERRUPT;
        if (stopped)
            break;
        emit(R, S + FLINT_MAX(nl, 1) - 1, st, x, y, inf, opts, prev, p);
        if (opts->progress && (count & 4095) == 0)
            opts->progress(opts->progress_data, nl - 1, nl, count);
        if (yinf)
            break;

        /* Cross y, layer by layer. */
        for (k = 0; k < nl; k++)
        {
            const cpwl_net_layer_struct *L = g->layers + k;
            layer_sweep *Sk = S + k;
            int zchg = k > 0 && S[k - 1].nchg > 0;
            layer_update_z(Sk, g, k);
            Sk->nchg = 0;
            if (zchg)
            {
                /* Every form moved: states by the sign right of y. */
                for (j = 0; j < Sk->w; j++)
                {
                    int on = 1;
                    if (Sk->off >= 0)
                    {
                        on = right_state(opts->pred, Sk->z + 2 * j, y, 0, t);
                        nflip += on != st[Sk->off + j];
                        st[Sk->off + j] = on;
                    }
                    layer_set_a(Sk, L, j, on, t);
                }
                Sk->dirty = Sk->off >= 0;
            }
            else if (Sk->off >= 0)
            {
                /* Unchanged forms: exactly the zeros at y cross strictly. */
                while (Sk->pz < Sk->nz && fmpq_equal(&Sk->zs[Sk->pz].r, y))
                {
                    j = Sk->zs[Sk->pz++].j;
                    st[Sk->off + j] = fmpq_sgn(Sk->z + 2 * j) > 0;
                    nflip++;
                    layer_set_a(Sk, L, j, st[Sk->off + j], t);
                }
            }
        }
        if (nflip == 0)
        {
            status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "internal error in the "
                                  "1-D region algorithm: a breakpoint where no "
                                  "state changes");
            break;
        }
        fmpq_swap(x, y);
        xinf = 0;
    }

    if (stopped || status != CPWL_OK)
    {
        /* The pieces found so far, the last one included, are distinct
           regions: a lower bound.  The cells are not listed then. */
        cpwl_regions_clear(R);
        cpwl_regions_init(R, d, m, ns);
        R->stopped = stopped;
        R->lower_bound = count;
    }
    else if (opts->progress)
        opts->progress(opts->progress_data, nl, nl, count);
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(p);
    _fmpq_vec_clear(t, 2);
    _fmpq_vec_clear(prev, 2 * FLINT_MAX(m, 1));
    flint_free(st);
    sweep_clear(S, FLINT_MAX(nl, 1));
    return status;
}
