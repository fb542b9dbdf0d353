/* Activation regions in one dimension: exact piecewise-linear functions
   propagated layer by layer.

   Each piece is an open interval (lo, hi), possibly unbounded, on which
   the outputs of the current layer are affine, a_k(s) = sigma_k s +
   alpha_k.  A neuron of the next layer is affine on the piece too, so its
   zero (if inside) splits the piece, and its state on each part is the
   sign at an interior point (z = 0 is off, SPEC section 2).  Every split
   point is a strict sign change of some neuron, so consecutive pieces
   have different patterns and pieces are exactly the activation regions
   (each pattern set is convex). */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "cpwl/regions.h"
#include "cpwl/forms.h"

typedef struct
{
    slong n, alloc, w, ns;      /* pieces, capacity, functions, states */
    fmpq *lo, *hi;              /* endpoints */
    unsigned char *inf;         /* bit 0: lo = -inf, bit 1: hi = +inf */
    fmpq *f;                    /* n x w x 2: (sigma, alpha) per function */
    unsigned char *st;          /* n x ns */
}
pieces;

static void pieces_init(pieces *P, slong w, slong ns)
{
    memset(P, 0, sizeof(pieces));
    P->w = w;
    P->ns = FLINT_MAX(ns, 1);
}

static void pieces_clear(pieces *P)
{
    if (P->alloc)
    {
        _fmpq_vec_clear(P->lo, P->alloc);
        _fmpq_vec_clear(P->hi, P->alloc);
        _fmpq_vec_clear(P->f, P->alloc * P->w * 2);
        flint_free(P->inf);
        flint_free(P->st);
    }
    memset(P, 0, sizeof(pieces));
}

/* Room for one more piece; FLINT's fmpz may be moved bytewise. */
static slong pieces_push(pieces *P)
{
    if (P->n == P->alloc)
    {
        slong a = FLINT_MAX(16, 2 * P->alloc), w2 = P->w * 2, i;
        P->lo = flint_realloc(P->lo, a * sizeof(fmpq));
        P->hi = flint_realloc(P->hi, a * sizeof(fmpq));
        P->f = flint_realloc(P->f, a * w2 * sizeof(fmpq));
        P->inf = flint_realloc(P->inf, a);
        P->st = flint_realloc(P->st, a * P->ns);
        for (i = P->alloc; i < a; i++)
        {
            fmpq_init(P->lo + i);
            fmpq_init(P->hi + i);
        }
        for (i = P->alloc * w2; i < a * w2; i++)
            fmpq_init(P->f + i);
        P->alloc = a;
    }
    return P->n++;
}

typedef struct
{
    const fmpq *sigma, *alpha, *p;
}
lin_src;

static void lin_get_fmpq(fmpq_t v, void *data)
{
    lin_src *L = data;
    fmpq_mul(v, L->sigma, L->p);
    fmpq_add(v, v, L->alpha);
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

static int cmp_fmpq(const void *a, const void *b)
{
    return fmpq_cmp((const fmpq *) a, (const fmpq *) b);
}

int regions_1d(regions_t R, const net_t g, const fmpq *lo, const fmpq *hi,
               const regions_opts *opts, err_t e)
{
    pieces P, Q;
    slong l, i, j, k, ns = R->nstates, w = 1;
    fmpq *z, *cut;
    fmpq_t p;
    int stopped = REGIONS_DONE;

    if (g->input_dim != 1)
        return err_set(e, CPWL_ERR_INTERNAL, "regions_1d: input dimension %ld",
                       (long) g->input_dim);
    pieces_init(&P, 1, ns);
    i = pieces_push(&P);
    P.inf[i] = lo ? 0 : 3;
    if (lo)
    {
        fmpq_set(P.lo + i, lo);
        fmpq_set(P.hi + i, hi);
    }
    fmpq_one(P.f + 0);          /* a_0(s) = s */
    fmpq_zero(P.f + 1);
    memset(P.st, 0, P.ns);
    fmpq_init(p);

    for (l = 0; l < g->nlayers && !stopped; l++)
    {
        const net_layer_struct *L = g->layers + l;
        slong off = forms_state_offset(g, l), ncut;
        slong wo = L->out;
        pieces_init(&Q, wo, ns);
        z = _fmpq_vec_init(2 * wo);
        cut = _fmpq_vec_init(wo + 1);
        for (i = 0; i < P.n && !stopped; i++)
        {
            const fmpq *f = P.f + i * w * 2;
            /* z_j = W_j a + b_j on this piece. */
            for (j = 0; j < wo; j++)
            {
                fmpq_zero(z + 2 * j);
                fmpq_set(z + 2 * j + 1, L->b + j);
                for (k = 0; k < w; k++)
                {
                    const fmpq *wt = fmpq_mat_entry(L->W, j, k);
                    if (fmpq_is_zero(wt))
                        continue;
                    fmpq_addmul(z + 2 * j, wt, f + 2 * k);
                    fmpq_addmul(z + 2 * j + 1, wt, f + 2 * k + 1);
                }
            }
            /* Zeros strictly inside the piece split it. */
            ncut = 0;
            for (j = 0; off >= 0 && j < wo; j++)
            {
                if (fmpq_is_zero(z + 2 * j))
                    continue;
                fmpq_div(cut + ncut, z + 2 * j + 1, z + 2 * j);
                fmpq_neg(cut + ncut, cut + ncut);
                if (((P.inf[i] & 1) || fmpq_cmp(P.lo + i, cut + ncut) < 0)
                    && ((P.inf[i] & 2) || fmpq_cmp(cut + ncut, P.hi + i) < 0))
                    ncut++;
            }
            qsort(cut, ncut, sizeof(fmpq), cmp_fmpq);
            /* Several zeros at one point cut once. */
            for (j = k = 0; j < ncut; j++)
                if (k == 0 || !fmpq_equal(cut + j, cut + k - 1))
                    fmpq_set(cut + k++, cut + j);
            ncut = k;
            for (k = 0; k <= ncut; k++)
            {
                slong q;
                int inf;
                q = pieces_push(&Q);
                inf = 0;
                if (k == 0)
                {
                    inf |= P.inf[i] & 1;
                    fmpq_set(Q.lo + q, P.lo + i);
                }
                else
                    fmpq_set(Q.lo + q, cut + k - 1);
                if (k == ncut)
                {
                    inf |= P.inf[i] & 2;
                    fmpq_set(Q.hi + q, P.hi + i);
                }
                else
                    fmpq_set(Q.hi + q, cut + k);
                Q.inf[q] = inf;
                memcpy(Q.st + q * Q.ns, P.st + i * P.ns, P.ns);
                interior(p, Q.lo + q, Q.hi + q, inf);
                for (j = 0; j < wo; j++)
                {
                    fmpq *out = Q.f + (q * wo + j) * 2;
                    int on = 1;
                    if (off >= 0)
                    {
                        lin_src src;
                        pred_src_struct ps = {NULL, NULL, lin_get_fmpq, NULL};
                        src.sigma = z + 2 * j;
                        src.alpha = z + 2 * j + 1;
                        src.p = p;
                        ps.data = &src;
                        on = pred_sign(opts->pred, &ps) > 0;
                        Q.st[q * Q.ns + off + j] = on;
                    }
                    if (on)
                    {
                        fmpq_set(out, z + 2 * j);
                        fmpq_set(out + 1, z + 2 * j + 1);
                    }
                    else if (L->act == NET_LEAKY_RELU)
                    {
                        fmpq_mul(out, z + 2 * j, L->slope);
                        fmpq_mul(out + 1, z + 2 * j + 1, L->slope);
                    }
                    else
                    {
                        fmpq_zero(out);
                        fmpq_zero(out + 1);
                    }
                }
            }
            if (opts->max_regions > 0 && Q.n + (P.n - i - 1) > opts->max_regions)
                stopped = REGIONS_STOP_LIMIT;
            else if (opts->interrupt && *opts->interrupt)
                stopped = REGIONS_STOP_INTERRUPT;
        }
        _fmpq_vec_clear(z, 2 * wo);
        _fmpq_vec_clear(cut, wo + 1);
        if (stopped)
        {
            /* The pieces split so far plus those not reached are a
               refinement of the regions: their number is a lower bound. */
            R->lower_bound = Q.n + (P.n - i);
            R->stopped = stopped;
            pieces_clear(&Q);
            break;
        }
        pieces_clear(&P);
        P = Q;
        w = wo;
        if (opts->progress)
            opts->progress(opts->progress_data, l + 1, g->nlayers, P.n);
    }

    if (!stopped)
    {
        slong m = R->m;
        for (i = 0; i < P.n; i++)
        {
            regions_cell_struct *c = regions_add_cell(R);
            memcpy(c->state, P.st + i * P.ns, ns);
            c->bounded = P.inf[i] == 0;
            if (opts->points)
            {
                interior(p, P.lo + i, P.hi + i, P.inf[i]);
                regions_cell_set_point(c, p, 1);
            }
            if (opts->maps)
            {
                c->grad = _fmpq_vec_init(m);
                c->offset = _fmpq_vec_init(m);
                for (j = 0; j < m; j++)
                {
                    fmpq_set(c->grad + j, P.f + (i * m + j) * 2);
                    fmpq_set(c->offset + j, P.f + (i * m + j) * 2 + 1);
                }
            }
            if (opts->verts)
            {
                c->nverts = !(P.inf[i] & 1) + !(P.inf[i] & 2);
                c->nrays = 2 - c->nverts;
                c->verts = c->nverts ? _fmpq_vec_init(c->nverts) : NULL;
                c->rays = c->nrays ? _fmpq_vec_init(c->nrays) : NULL;
                k = 0;
                if (!(P.inf[i] & 1))
                    fmpq_set(c->verts + k++, P.lo + i);
                if (!(P.inf[i] & 2))
                    fmpq_set(c->verts + k++, P.hi + i);
                k = 0;
                if (P.inf[i] & 1)
                    fmpq_set_si(c->rays + k++, -1, 1);
                if (P.inf[i] & 2)
                    fmpq_set_si(c->rays + k++, 1, 1);
            }
        }
        if (opts->linear)
        {
            /* Neighbouring pieces share the breakpoint; f is affine across
               it iff the exact maps (all outputs) agree. */
            R->nlinear = P.n > 0;
            for (i = 0; i < P.n; i++)
            {
                if (i > 0 && !qvec_equal(P.f + i * m * 2,
                                              P.f + (i - 1) * m * 2, 2 * m))
                    R->nlinear++;
                R->cells[i].linear = R->nlinear - 1;
            }
        }
    }
    fmpq_clear(p);
    pieces_clear(&P);
    return CPWL_OK;
}
