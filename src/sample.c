/* Sampling activation patterns with the batched double path (see
   cpwl/sample.h): points generated in chunks, evaluated by cpwl_batch_eval,
   their decided patterns collected in a growing hash set; points with an
   undecided bit re-decided exactly through the predicate layer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <flint/fmpq_vec.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "fpbound.h"
#include "qvec.h"
#include "sample_axis.h"
#include "cpwl/batch.h"
#include "forms.h"
#include "cpwl/sample.h"

/* Points per chunk at most, and the memory (bytes) a chunk's buffers may
   take when patterns are wide. */
#define CHUNK_MAX 65536
#define CHUNK_BYTES ((slong) 1 << 25)

/* Axes up to this size get their coordinates precomputed. */
#define AXIS_TABLE_MAX ((slong) 1 << 20)

/* Grid axes are at most this long, so that i and N - 1 are exact doubles
   and fl(i / (N - 1)) is within u t of t. */
#define AXIS_MAX ((slong) 1 << 52)

#define GOLDEN UINT64_C(0x9e3779b97f4a7c15)

void cpwl_sample_opts_init(cpwl_sample_opts *opts, cpwl_pred_ctx_struct *pred)
{
    memset(opts, 0, sizeof(cpwl_sample_opts));
    opts->mode = CPWL_SAMPLE_GRID;
    opts->grid = NULL;
    opts->ngrid = 0;
    opts->npoints = 0;
    opts->seed = 1;
    opts->kernel = CPWL_BATCH_AUTO;
    opts->nthreads = 0;
    opts->resolve = 1;
    opts->max_points = CPWL_SAMPLE_DEFAULT_MAX_POINTS;
    opts->interrupt = NULL;
    opts->progress = NULL;
    opts->progress_data = NULL;
    opts->pred = pred;
}

void cpwl_sample_init(cpwl_sample_t S)
{
    memset(S, 0, sizeof(cpwl_sample_struct));
}

void cpwl_sample_clear(cpwl_sample_t S)
{
    flint_free(S->grid);
    if (S->lo != NULL)
        _fmpq_vec_clear(S->lo, S->d);
    if (S->hi != NULL)
        _fmpq_vec_clear(S->hi, S->d);
    flint_free(S->patterns);
    flint_free(S->counts);
    flint_free(S->first);
    memset(S, 0, sizeof(cpwl_sample_struct));
}

/* ---- the random points ------------------------------------------------- */

/* splitmix64's output function. */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The stream key of a seed.  The seed is mixed first: with a bare
   seed * GOLDEN + (index + 1) * GOLDEN, seed s + 1 would give seed s's
   stream shifted by one number (for d = 1, the same points shifted by one
   index). */
static inline uint64_t rand_key(ulong seed)
{
    return mix64(((uint64_t) seed + 1) * GOLDEN);
}

/* Number `index` of the stream: counter-based, so any point can be
   generated alone, by any thread. */
static inline uint64_t rand_at(uint64_t key, uint64_t index)
{
    return mix64(key + (index + 1) * GOLDEN);
}

/* t = k / 2^53 of coordinate j of random point i, as the integer k. */
static inline uint64_t rand_k(uint64_t key, slong i, slong d, slong j)
{
    return rand_at(key, (uint64_t) i * (uint64_t) d + (uint64_t) j) >> 11;
}

/* ---- coordinates in double with proven bounds ------------------------- */

static inline void grid_coord(double *yd, double *ye, const axis_struct *A,
                              slong i)
{
    if (A->yd != NULL)
    {
        *yd = A->yd[i];
        *ye = A->ye[i];
    }
    else
        axis_coord(yd, ye, A, grid_t(i, A->N));
}

/* Round lo and w = hi - lo to doubles with bounds (cpwl_net_round_inputs_d). */
static void axis_init(axis_struct *A, const fmpq_t lo, const fmpq_t hi,
                      slong N)
{
    double v[2], e[2];
    fmpq *q = _fmpq_vec_init(2);
    fmpq_set(q + 0, lo);
    fmpq_sub(q + 1, hi, lo);
    A->ok = cpwl_net_round_inputs_d(v, e, q, 2);
    A->lo = A->ok ? v[0] : 0.0;
    A->w = A->ok ? v[1] : 0.0;
    A->elo = A->ok ? e[0] : INFINITY;
    A->ew = A->ok ? e[1] : INFINITY;
    A->N = N;
    A->yd = A->ye = NULL;
    if (N >= 1 && N <= AXIS_TABLE_MAX)
    {
        slong i;
        A->yd = flint_malloc(N * sizeof(double));
        A->ye = flint_malloc(N * sizeof(double));
        for (i = 0; i < N; i++)
            axis_coord(A->yd + i, A->ye + i, A, grid_t(i, N));
    }
    _fmpq_vec_clear(q, 2);
}

static void axis_clear(axis_struct *A)
{
    flint_free(A->yd);
    flint_free(A->ye);
}

/* ---- the exact points -------------------------------------------------- */

void cpwl_sample_point(fmpq *y, const cpwl_sample_t S, slong i)
{
    slong j, d = S->d;
    fmpq_t t, w;
    fmpq_init(t);
    fmpq_init(w);
    if (S->mode == CPWL_SAMPLE_GRID)
    {
        /* The last axis runs fastest. */
        slong r = i;
        for (j = d - 1; j >= 0; j--)
        {
            slong N = S->grid[j], ij = r % N;
            r /= N;
            if (N == 1)
                fmpq_set_si(t, 1, 2);
            else
                fmpq_set_si(t, ij, (ulong) (N - 1));
            fmpq_sub(w, S->hi + j, S->lo + j);
            fmpq_mul(y + j, w, t);
            fmpq_add(y + j, y + j, S->lo + j);
        }
    }
    else
    {
        uint64_t key = rand_key(S->seed);
        for (j = 0; j < d; j++)
        {
            fmpz_set_ui(fmpq_numref(t), rand_k(key, i, d, j));
            fmpz_one(fmpq_denref(t));
            fmpz_mul_2exp(fmpq_denref(t), fmpq_denref(t), 53);
            fmpq_canonicalise(t);
            fmpq_sub(w, S->hi + j, S->lo + j);
            fmpq_mul(y + j, w, t);
            fmpq_add(y + j, y + j, S->lo + j);
        }
    }
    fmpq_clear(t);
    fmpq_clear(w);
}

/* ---- the set of patterns ----------------------------------------------- */

typedef struct
{
    slong words;
    slong n, alloc;
    uint64_t *pat;              /* alloc x words */
    slong *count, *first;
    slong *table;               /* cap slots: an index, or -1 */
    slong cap;                  /* a power of two, > 2 n */
}
pset_struct;

static uint64_t pset_hash(const uint64_t *p, slong words)
{
    uint64_t h = UINT64_C(0x243f6a8885a308d3);
    slong j;
    for (j = 0; j < words; j++)
        h = mix64(h ^ p[j]);
    return h;
}

static void pset_init(pset_struct *H, slong words)
{
    slong i;
    H->words = words;
    H->n = 0;
    H->alloc = 16;
    H->pat = flint_malloc(H->alloc * words * sizeof(uint64_t));
    H->count = flint_malloc(H->alloc * sizeof(slong));
    H->first = flint_malloc(H->alloc * sizeof(slong));
    H->cap = 64;
    H->table = flint_malloc(H->cap * sizeof(slong));
    for (i = 0; i < H->cap; i++)
        H->table[i] = -1;
}

static void pset_clear(pset_struct *H)
{
    flint_free(H->pat);
    flint_free(H->count);
    flint_free(H->first);
    flint_free(H->table);
}

static void pset_rehash(pset_struct *H)
{
    slong i, cap = 2 * H->cap;
    flint_free(H->table);
    H->table = flint_malloc(cap * sizeof(slong));
    H->cap = cap;
    for (i = 0; i < cap; i++)
        H->table[i] = -1;
    for (i = 0; i < H->n; i++)
    {
        uint64_t s = pset_hash(H->pat + i * H->words, H->words)
                     & (uint64_t) (cap - 1);
        while (H->table[s] >= 0)
            s = (s + 1) & (uint64_t) (cap - 1);
        H->table[s] = i;
    }
}

/* Add cnt points, the smallest of index idx, with pattern p; returns the
   pattern's index in the set. */
static slong pset_add(pset_struct *H, const uint64_t *p, slong idx,
                      slong cnt)
{
    slong words = H->words, k;
    uint64_t s = pset_hash(p, words) & (uint64_t) (H->cap - 1);
    while ((k = H->table[s]) >= 0)
    {
        if (memcmp(H->pat + k * words, p, words * sizeof(uint64_t)) == 0)
        {
            H->count[k] += cnt;
            H->first[k] = FLINT_MIN(H->first[k], idx);
            return k;
        }
        s = (s + 1) & (uint64_t) (H->cap - 1);
    }
    if (H->n == H->alloc)
    {
        H->alloc *= 2;
        H->pat = flint_realloc(H->pat, H->alloc * words * sizeof(uint64_t));
        H->count = flint_realloc(H->count, H->alloc * sizeof(slong));
        H->first = flint_realloc(H->first, H->alloc * sizeof(slong));
    }
    k = H->n++;
    memcpy(H->pat + k * words, p, words * sizeof(uint64_t));
    H->count[k] = cnt;
    H->first[k] = idx;
    H->table[s] = k;
    if (2 * H->n > H->cap)
        pset_rehash(H);
    return k;
}

/* ---- sorting and finding ----------------------------------------------- */


typedef struct
{
    const uint64_t *p;
    slong words;
    slong k;
}
sort_rec;

static int sort_rec_cmp(const void *a, const void *b)
{
    const sort_rec *x = a, *y = b;
    return batch_cmp(x->p, y->p, x->words);
}

/* Move the set into S, sorted by pattern: the same result for every
   insertion order (thread count, chunking). */
static void pset_to_sample(cpwl_sample_t S, pset_struct *H)
{
    slong i, n = H->n, words = H->words;
    sort_rec *r = flint_malloc(FLINT_MAX(n, 1) * sizeof(sort_rec));
    for (i = 0; i < n; i++)
    {
        r[i].p = H->pat + i * words;
        r[i].words = words;
        r[i].k = i;
    }
    qsort(r, n, sizeof(sort_rec), sort_rec_cmp);
    S->npatterns = n;
    S->patterns = flint_malloc(FLINT_MAX(n, 1) * words * sizeof(uint64_t));
    S->counts = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    S->first = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    for (i = 0; i < n; i++)
    {
        memcpy(S->patterns + i * words, r[i].p, words * sizeof(uint64_t));
        S->counts[i] = H->count[r[i].k];
        S->first[i] = H->first[r[i].k];
    }
    flint_free(r);
}

slong cpwl_sample_find(const cpwl_sample_t S, const uint64_t *pattern)
{
    slong a = 0, b = S->npatterns;
    while (a < b)
    {
        slong m = a + (b - a) / 2;
        int c = batch_cmp(S->patterns + m * S->words, pattern, S->words);
        if (c == 0)
            return m;
        if (c < 0)
            a = m + 1;
        else
            b = m;
    }
    return -1;
}

/* ---- the run ----------------------------------------------------------- */

static double wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

/* The checks of the options against the domain; the planned number of
   points in *planned. */
static int sample_check(slong *planned, const cpwl_net_t net, const cpwl_dom_t D,
                        const cpwl_sample_opts *opts, cpwl_err_t e)
{
    slong j, l, total = 1;
    if (net->input_dim != D->n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the domain has %ld coordinates "
                            "but the network has %ld inputs", (long) D->n,
                            (long) net->input_dim);
    for (l = 0; l < net->nlayers; l++)
        if (net->layers[l].act != CPWL_NET_RELU
            && net->layers[l].act != CPWL_NET_LEAKY_RELU
            && net->layers[l].act != CPWL_NET_IDENTITY)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "sampling supports relu, "
                                "leaky_relu and identity layers; layer %ld is %s",
                                (long) l + 1, cpwl_net_act_name(net->layers[l].act));
    if (!D->bounded)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "sampling needs a bounded domain: "
                            "give a `box` (for a slice or a line, the box of its "
                            "coordinates)");
    if (opts->kernel != CPWL_BATCH_AUTO
        && (opts->kernel < 0 || opts->kernel >= CPWL_BATCH_NUM_KERNELS
            || !cpwl_batch_kernel_available(opts->kernel)))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the %s kernel does not run on "
                            "this CPU", cpwl_batch_kernel_name(opts->kernel));
    if (opts->mode == CPWL_SAMPLE_GRID)
    {
        if (opts->grid == NULL || opts->ngrid < 1)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "grid sampling needs the "
                                "number of points on each axis (`grid`)");
        if (opts->ngrid != D->d)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the grid has %ld axes but the "
                                "domain has dimension %ld", (long) opts->ngrid,
                                (long) D->d);
        for (j = 0; j < D->d; j++)
        {
            slong N = opts->grid[j];
            if (N < 1)
                return cpwl_err_set(e, CPWL_ERR_INPUT, "grid axis %ld has %ld "
                                    "points; each axis needs at least 1",
                                    (long) j + 1, (long) N);
            if (N > AXIS_MAX)
                return cpwl_err_set(e, CPWL_ERR_INPUT, "grid axis %ld has %ld "
                                    "points, more than 2^52", (long) j + 1,
                                    (long) N);
            if (total > WORD_MAX / N)
                return cpwl_err_set(e, CPWL_ERR_INPUT, "the grid has more than "
                                    "2^63 points (the product of the axis sizes "
                                    "overflows)");
            total *= N;
        }
    }
    else if (opts->mode == CPWL_SAMPLE_RANDOM)
    {
        if (opts->npoints < 1)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "random sampling needs at "
                                "least 1 point, got %ld", (long) opts->npoints);
        total = opts->npoints;
    }
    else
        return cpwl_err_set(e, CPWL_ERR_INPUT, "unknown sampling mode %d",
                            opts->mode);
    if (total > opts->max_points)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%ld sample points planned, more "
                            "than the limit of %ld: raise it with `max_points`",
                            (long) total, (long) opts->max_points);
    *planned = total;
    return CPWL_OK;
}

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
static int check_decided(const uint64_t *pat, const uint64_t *und,
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
   Returns 0 when interrupted (then ex and inside are incomplete).

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
static int resolve_points(uint64_t *ex, unsigned char *inside,
                          const slong *list, slong nu, slong done,
                          const uint64_t *pat, const uint64_t *und,
                          const cpwl_sample_t S, const cpwl_net_t g,
                          cpwl_pred_ctx_struct *pred, int nt,
                          volatile sig_atomic_t *interrupt)
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
                if (stop || (interrupt != NULL && *interrupt))
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

int cpwl_sample_run(cpwl_sample_t S, const cpwl_net_t net, const cpwl_dom_t D,
                    const cpwl_sample_opts *opts, cpwl_err_t e)
{
    slong planned = 0, d = D->d, words, nstates, chunk, done, j;
    slong last = -1;            /* pattern of the previous point */
    double t0 = wall_now();
    uint64_t key = rand_key(opts->seed);
    double *X, *Xerr;
    uint64_t *pat, *und, *ex;
    unsigned char *inside;
    slong *list;
    axis_struct *axes;
    cpwl_batch_plan_t P;
    pset_struct H;
    cpwl_net_t g;
    cpwl_pred_ctx_t own;
    cpwl_pred_ctx_struct *pred = opts->pred;
    int st;

    cpwl_sample_clear(S);
    if ((st = sample_check(&planned, net, D, opts, e)) != CPWL_OK)
        return st;
    if (pred == NULL)
    {
        cpwl_pred_ctx_init(own);
        pred = own;
    }

    cpwl_net_init(g, d);
    cpwl_dom_restrict_net(g, net, D);
    cpwl_batch_plan_init(P, g, opts->kernel);
    nstates = P->nstates;
    words = P->words;

    S->d = d;
    S->nstates = nstates;
    S->words = words;
    S->mode = opts->mode;
    S->seed = opts->seed;
    S->kernel = P->kernel;
    S->planned = planned;
    S->lo = _fmpq_vec_init(d);
    S->hi = _fmpq_vec_init(d);
    for (j = 0; j < d; j++)
    {
        fmpq_set(S->lo + j, D->lo + j);
        fmpq_set(S->hi + j, D->hi + j);
    }
    if (opts->mode == CPWL_SAMPLE_GRID)
    {
        S->grid = flint_malloc(FLINT_MAX(d, 1) * sizeof(slong));
        for (j = 0; j < d; j++)
            S->grid[j] = opts->grid[j];
    }

    axes = flint_malloc(FLINT_MAX(d, 1) * sizeof(axis_struct));
    for (j = 0; j < d; j++)
        axis_init(axes + j, D->lo + j, D->hi + j,
                  opts->mode == CPWL_SAMPLE_GRID ? opts->grid[j] : 0);

    chunk = CHUNK_BYTES / (slong) (sizeof(double) * 2 * FLINT_MAX(d, 1)
                                   + sizeof(uint64_t) * 3 * words
                                   + sizeof(slong) + 1);
    chunk = FLINT_MAX(cpwl_batch_tile(P->kernel), FLINT_MIN(CHUNK_MAX, chunk));
    chunk = FLINT_MIN(chunk, planned);
    X = flint_malloc(chunk * FLINT_MAX(d, 1) * sizeof(double));
    Xerr = flint_malloc(chunk * FLINT_MAX(d, 1) * sizeof(double));
    pat = flint_malloc(chunk * words * sizeof(uint64_t));
    und = flint_malloc(chunk * words * sizeof(uint64_t));
    ex = flint_malloc(chunk * words * sizeof(uint64_t));
    inside = flint_malloc(chunk);
    list = flint_malloc(chunk * sizeof(slong));
    pset_init(&H, words);
    st = CPWL_OK;

    for (done = 0; done < planned; done += chunk)
    {
        slong cnt = FLINT_MIN(chunk, planned - done), p, q, nu, nund;
        int nt = opts->nthreads;
        if (opts->interrupt != NULL && *opts->interrupt)
        {
            S->stopped = 1;
            break;
        }
#ifdef _OPENMP
        if (nt <= 0)
            nt = omp_get_max_threads();
#pragma omp parallel for schedule(static) \
            num_threads(FLINT_MAX(1, FLINT_MIN(nt, cnt / 4096)))
#endif
        for (p = 0; p < cnt; p++)
        {
            slong i = done + p, k;
            double *x = X + p * d, *xe = Xerr + p * d;
            if (opts->mode == CPWL_SAMPLE_GRID)
            {
                slong r = i;
                for (k = d - 1; k >= 0; k--)
                {
                    slong N = axes[k].N;
                    grid_coord(x + k, xe + k, axes + k, r % N);
                    r /= N;
                }
            }
            else
                for (k = 0; k < d; k++)
                    axis_coord(x + k, xe + k, axes + k,
                               (double) rand_k(key, i, d, k) * 0x1p-53);
        }

        nund = cpwl_batch_eval(NULL, NULL, pat, und, P, X, Xerr, cnt,
                               opts->nthreads);

        /* The undecided points, re-decided exactly before the (ordered)
           insertion. */
        nu = 0;
        for (p = 0; p < cnt; p++)
        {
            int undecided = 0;
            for (j = 0; j < words; j++)
                undecided |= und[p * words + j] != 0;
            if (undecided)
                list[nu++] = p;
        }
        /* Each state of each point is one question: the decided points'
           are answered by the batch pass; the undecided points' are asked
           again by the re-decision (or, without it, stay unanswered). */
        cpwl_pred_ctx_count(pred, (ulong) (opts->resolve ? (cnt - nu) * nstates
                                           : cnt * nstates - nund), 0, 0);
        if (opts->resolve && nu > 0
            && !resolve_points(ex, inside, list, nu, done, pat, und, S, g,
                               pred, nt > 0 ? nt : 1, opts->interrupt))
        {
            S->stopped = 1;     /* this chunk is dropped, the others kept */
            break;
        }

        for (p = 0, q = 0; p < cnt; p++)
        {
            slong i = done + p;
            const uint64_t *pp = pat + p * words, *uu = und + p * words;
            if (q >= nu || list[q] != p)
            {
                S->ndecided++;
                /* Neighbouring points mostly share their pattern. */
                if (last >= 0 && memcmp(H.pat + last * words, pp,
                                        words * sizeof(uint64_t)) == 0)
                    H.count[last]++;
                else
                    last = pset_add(&H, pp, i, 1);
                continue;
            }
            S->nundecided++;
            if (!opts->resolve)
            {
                q++;
                continue;
            }
            st = check_decided(pp, uu, ex + q * words, words, i, e);
            if (st != CPWL_OK)
                break;
            if (inside[q])
            {
                S->nresolved++;
                last = pset_add(&H, ex + q * words, i, 1);
            }
            else
                S->nboundary++;
            q++;
        }
        if (st != CPWL_OK)
            break;
        S->npoints = done + cnt;
        if (opts->progress != NULL)
            opts->progress(opts->progress_data, S->npoints, planned);
    }

    if (st == CPWL_OK)
    {
        pset_to_sample(S, &H);
        S->seconds = wall_now() - t0;
    }
    pset_clear(&H);
    for (j = 0; j < d; j++)
        axis_clear(axes + j);
    flint_free(axes);
    flint_free(X);
    flint_free(Xerr);
    flint_free(pat);
    flint_free(und);
    flint_free(ex);
    flint_free(inside);
    flint_free(list);
    cpwl_batch_plan_clear(P);
    cpwl_net_clear(g);
    if (pred == own)
        cpwl_pred_ctx_clear(own);
    if (st != CPWL_OK)
        cpwl_sample_clear(S);
    return st;
}
