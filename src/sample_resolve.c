/* Sampling's exact re-decision of the points the batched double pass
   left undecided (sample.c runs it per block of points). */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "qvec.h"
#include "cpwl/batch.h"
#include "forms.h"
#include "sample_impl.h"

/* Whether a point whose exact signs have zeros still lies inside its
   activation region: layer by layer, as long as every earlier neuron is
   nonzero or vanishes on a neighbourhood, the pattern of the earlier
   layers is constant near the point and each pre-activation is affine
   there (its exact form under the pattern).  A zero neuron whose form has
   gradient 0 vanishes near the point (a dead or locally vanishing neuron:
   off on the whole neighbourhood); one with a nonzero gradient changes
   sign arbitrarily close, so the point is on a boundary. */
static int zeros_inside(const cpwl_net_t g, const signed char *sign, slong ns)
{
    slong d = g->input_dim, c = d + 1, l, i, k = 0, last = -1, rows = d;
    unsigned char *state = flint_malloc(FLINT_MAX(ns, 1));
    fmpq *A, *Z;
    int inside = 1;

    for (i = 0; i < ns; i++)
    {
        state[i] = sign[i] > 0;
        if (sign[i] == 0)
            last = i;
    }
    A = _fmpq_vec_init(d * c);
    for (i = 0; i < d; i++)
        fmpq_one(A + i * c + i);
    for (l = 0; l < g->nlayers && inside && k <= last; l++)
    {
        const cpwl_net_layer_struct *L = g->layers + l;
        Z = _fmpq_vec_init(L->out * c);
        forms_affine_fmpq(Z, g, l, A);
        if (L->act != CPWL_NET_IDENTITY)
            for (i = 0; i < L->out; i++, k++)
                if (sign[k] == 0 && !qvec_is_zero(Z + i * c, d))
                    inside = 0;
        forms_act_fmpq(Z, g, l, state);
        _fmpq_vec_clear(A, rows * c);
        A = Z;
        rows = L->out;
    }
    _fmpq_vec_clear(A, rows * c);
    flint_free(state);
    return inside;
}

/* The state bits decided by the batch must be the exact ones: a
   difference is a bug of the batched double path. */
int sample_check_decided(const uint64_t *pat, const uint64_t *und,
                         const uint64_t *exact, slong words, slong i,
                         cpwl_err_t e)
{
    slong j;
    for (j = 0; j < words; j++)
    {
        uint64_t bad = (pat[j] ^ exact[j]) & ~und[j];
        if (bad)
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "the batched double pass "
                                "decided state %ld of sample point %ld wrongly "
                                "(a bug)", (long) (64 * j + __builtin_ctzll(bad)),
                                (long) i);
    }
    return CPWL_OK;
}

/* The undecided points of a chunk, grouped by their batch result (the
   undecided mask, then the decided bits), ties by position, so that the
   grouping is deterministic. */
typedef struct
{
    const uint64_t *pat, *und;
    const slong *list;          /* chunk positions of the undecided points */
    slong words;
}
group_ctx;


static int cmp_points(slong x, slong y, const group_ctx *G)
{
    slong a = G->list[x], b = G->list[y], w = G->words;
    int c = batch_cmp(G->und + a * w, G->und + b * w, w);
    if (c == 0)
        c = batch_cmp(G->pat + a * w, G->pat + b * w, w);
    return c != 0 ? c : (a > b) - (a < b);
}

/* Quicksort of list indices (C11's qsort takes no context argument). */
static void sort_points(slong *v, slong n, const group_ctx *G)
{
    while (n > 1)
    {
        slong i, k = 0, t;
        t = v[0], v[0] = v[n / 2], v[n / 2] = t;
        for (i = 1; i < n; i++)
            if (cmp_points(v[i], v[0], G) < 0)
            {
                k++;
                t = v[k], v[k] = v[i], v[i] = t;
            }
        t = v[0], v[0] = v[k], v[k] = t;
        if (k < n - 1 - k)      /* recurse on the smaller side */
        {
            sort_points(v, k, G);
            v += k + 1;
            n -= k + 1;
        }
        else
        {
            sort_points(v + k + 1, n - k - 1, G);
            n = k;
        }
    }
}

/* Re-decide one point exactly: its exact pattern in w, whether it lies
   inside a region, and whether the answer carries over to every point
   with the same batch result (see resolve_points). */
static int resolve_one(uint64_t *w, int *carries, slong i, const uint64_t *und,
                       const cpwl_sample_t S, const cpwl_net_t g, signed char *sign,
                       fmpq *y, cpwl_pred_ctx_t ctx)
{
    slong j, ns = S->nstates, zeros;
    int inside, all_zero = 1;
    cpwl_sample_point(y, S, i);
    zeros = cpwl_net_signs(sign, g, y, ctx);
    memset(w, 0, S->words * sizeof(uint64_t));
    for (j = 0; j < ns; j++)
    {
        if (sign[j] > 0)
            w[j / 64] |= (uint64_t) 1 << (j % 64);
        if (cpwl_batch_bit(und, j) && sign[j] != 0)
            all_zero = 0;
    }
    inside = zeros == 0 || zeros_inside(g, sign, ns);
    *carries = inside && all_zero;
    return inside;
}

/* Re-decide the undecided points list[0..nu) of the chunk starting at
   point `done` exactly: their exact patterns in ex (nu x words) and
   inside[q] = 1 for a point inside a region, 0 for a boundary point.
   Returns 0 when interrupted (either flag set: the caller's and the
   scheduler's; then ex and inside are incomplete).

   Points are grouped by their batch result (decided bits, undecided
   mask).  The first point of a group is re-decided exactly; if every
   undecided neuron there is exactly 0 and the point is inside (each zero
   vanishes on a neighbourhood: zero gradient), the same holds at every
   point of the group, which is then settled without arithmetic: by
   induction over the layers, the earlier states are the same (decided
   bits equal, undecided ones off), so each undecided neuron has the same
   affine form, the constant 0.  This is what makes dead and vanishing
   neurons, which leave every point undecided, cost one exact evaluation
   per region instead of one per point.  Other groups are re-decided
   point by point.  Independent points, so in parallel, each thread with
   its own predicate counters (added to pred at the end); which points
   are computed depends only on the data, so the counts do not depend on
   the threads. */
int sample_resolve_points(uint64_t *ex, unsigned char *inside,
                          const slong *list, slong nu, slong done,
                          const uint64_t *pat, const uint64_t *und,
                          const cpwl_sample_t S, const cpwl_net_t g,
                          cpwl_pred_ctx_struct *pred, int nt,
                          volatile sig_atomic_t *interrupt,
                          volatile sig_atomic_t *interrupt2)
{
    slong d = g->input_dim, words = S->words, ns = S->nstates;
    slong *ord = flint_malloc(nu * sizeof(slong));
    slong *lead = flint_malloc(nu * sizeof(slong));    /* per ord index */
    slong *work = flint_malloc(nu * sizeof(slong));
    unsigned char *carries = flint_calloc(nu, 1);
    slong nwork, q, r, nlead = 0;
    group_ctx G;
    int stop = 0;

    G.pat = pat;
    G.und = und;
    G.list = list;
    G.words = words;
    for (q = 0; q < nu; q++)
        ord[q] = q;
    sort_points(ord, nu, &G);
    for (q = 0; q < nu; q++)
    {
        slong a = list[ord[q]], b = q > 0 ? list[ord[q - 1]] : -1;
        if (q == 0
            || batch_cmp(und + a * words, und + b * words, words) != 0
            || batch_cmp(pat + a * words, pat + b * words, words) != 0)
            work[nlead++] = q;
        lead[q] = nlead - 1;
    }

    /* Two rounds: the first points of the groups, then the members of
       the groups whose answer does not carry over. */
    for (r = 0; r < 2 && !stop; r++)
    {
        if (r == 1)
        {
            nwork = 0;
            for (q = 0; q < nu; q++)
            {
                slong f = work[lead[q]];
                if (q == f)
                    continue;
                if (carries[f])
                {
                    const uint64_t *u = und + list[ord[q]] * words;
                    slong j, nu_bits = 0;
                    memcpy(ex + ord[q] * words, ex + ord[f] * words,
                           words * sizeof(uint64_t));
                    inside[ord[q]] = 1;
                    /* decided: the batch's bits, and the zeros by the
                       exact argument above */
                    for (j = 0; j < words; j++)
                        nu_bits += __builtin_popcountll(u[j]);
                    cpwl_pred_ctx_count(pred, (ulong) (ns - nu_bits), 0,
                                        (ulong) nu_bits);
                }
                else
                    work[nlead + nwork++] = q;
            }
        }
        else
            nwork = nlead;
#ifdef _OPENMP
#pragma omp parallel num_threads((int) FLINT_MAX(1, FLINT_MIN(nt, nwork / 16)))
#endif
        {
            cpwl_pred_ctx_t loc;
            signed char *sign = flint_malloc(FLINT_MAX(ns, 1));
            fmpq *y = _fmpq_vec_init(FLINT_MAX(d, 1));
            slong t;
            cpwl_pred_ctx_init(loc);
            loc->prec_start = pred->prec_start;
            loc->prec_max = pred->prec_max;
            loc->exact_only = pred->exact_only;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 16)
#endif
            for (t = 0; t < nwork; t++)
            {
                slong qq = work[(r == 0 ? 0 : nlead) + t], k = ord[qq];
                int c;
                if (stop || (interrupt != NULL && *interrupt)
                    || (interrupt2 != NULL && *interrupt2))
                {
                    stop = 1;
                    continue;
                }
                inside[k] = (unsigned char) resolve_one(ex + k * words, &c,
                    done + list[k], und + list[k] * words, S, g, sign, y, loc);
                if (r == 0)
                    carries[qq] = (unsigned char) c;
            }
#ifdef _OPENMP
#pragma omp critical
#endif
            {
                cpwl_pred_ctx_add_counts(pred, loc);
            }
            cpwl_pred_ctx_clear(loc);
            flint_free(sign);
            _fmpq_vec_clear(y, FLINT_MAX(d, 1));
        }
    }
    flint_free(ord);
    flint_free(lead);
    flint_free(work);
    flint_free(carries);
    return !stop;
}
