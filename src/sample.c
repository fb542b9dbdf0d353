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
#include "cpwl/sched.h"
#include "sample_impl.h"

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
    opts->block = 0;
    opts->sched = NULL;
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

/* Empty the set, keeping its memory (one set serves many blocks). */
static void pset_reset(pset_struct *H)
{
    slong i;
    H->n = 0;
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

/* ---- the work units --------------------------------------------------- */

/* One thread's buffers for a block of points, and the block's own set of
   patterns and predicate counters (they travel in the payload). */
typedef struct
{
    double *X, *Xerr;
    uint64_t *pat, *und, *ex;
    unsigned char *inside;
    slong *list;
    pset_struct H;
    cpwl_pred_ctx_t pred;
    int ready;
}
block_tls;

/* What every process knows of the run: the blocks are computed from it
   alone, so any process (or thread) can compute any block. */
typedef struct
{
    cpwl_sample_struct *S;
    const cpwl_sample_opts *opts;
    const cpwl_batch_plan_struct *P;
    const cpwl_net_struct *g;
    const axis_struct *axes;
    uint64_t key;
    slong chunk, planned;
    block_tls *tls;
    slong ntls;
    volatile sig_atomic_t *interrupt2;  /* the scheduler's */
    /* the collector's (process 0) */
    pset_struct H;
    cpwl_pred_ctx_struct *pred;
    uint64_t *pbuf;
    unsigned char *bytes;
    int halted;                 /* interrupted: later blocks are dropped */
}
sample_job;

static int job_stopped(const sample_job *J)
{
    return (J->opts->interrupt != NULL && *J->opts->interrupt)
           || (J->interrupt2 != NULL && *J->interrupt2);
}

static void tls_ready(block_tls *T, const sample_job *J)
{
    slong c = J->chunk, d = FLINT_MAX(J->S->d, 1), w = J->S->words;
    if (T->ready)
        return;
    T->X = flint_malloc(c * d * sizeof(double));
    T->Xerr = flint_malloc(c * d * sizeof(double));
    T->pat = flint_malloc(c * w * sizeof(uint64_t));
    T->und = flint_malloc(c * w * sizeof(uint64_t));
    T->ex = flint_malloc(c * w * sizeof(uint64_t));
    T->inside = flint_malloc(c);
    T->list = flint_malloc(c * sizeof(slong));
    pset_init(&T->H, w);
    cpwl_pred_ctx_init(T->pred);
    T->ready = 1;
}

static void tls_clear(block_tls *T)
{
    if (!T->ready)
        return;
    flint_free(T->X);
    flint_free(T->Xerr);
    flint_free(T->pat);
    flint_free(T->und);
    flint_free(T->ex);
    flint_free(T->inside);
    flint_free(T->list);
    pset_clear(&T->H);
    cpwl_pred_ctx_clear(T->pred);
}

/* A pattern as bytes, least significant first, so that a payload reads
   the same on any machine. */
static void pattern_bytes(unsigned char *b, const uint64_t *p, slong words)
{
    slong j, k;
    for (j = 0; j < words; j++)
        for (k = 0; k < 8; k++)
            b[8 * j + k] = (unsigned char) (p[j] >> (8 * k));
}

static void bytes_pattern(uint64_t *p, const unsigned char *b, slong words)
{
    slong j, k;
    for (j = 0; j < words; j++)
    {
        p[j] = 0;
        for (k = 0; k < 8; k++)
            p[j] |= (uint64_t) b[8 * j + k] << (8 * k);
    }
}

/* Unit `unit`: the points [unit chunk, ...) evaluated, re-decided and
   gathered into their distinct patterns.  Payload: points, decided,
   undecided, resolved, boundary, the three predicate counts, the number
   of patterns, then per pattern its bytes (hex), points and first
   index. */
static int sample_block(cpwl_sched_buf *out, slong unit, int tid, void *data,
                        cpwl_err_t e)
{
    sample_job *J = data;
    const cpwl_sample_struct *S = J->S;
    const cpwl_sample_opts *opts = J->opts;
    slong d = S->d, words = S->words, nstates = S->nstates;
    slong done = unit * J->chunk, cnt = FLINT_MIN(J->chunk, J->planned - done);
    slong p, q, k, j, nu, nund, last = -1;
    slong ndec = 0, nundec = 0, nres = 0, nbnd = 0;
    block_tls *T;
    unsigned char *b;
    int st = CPWL_OK;

    if (tid < 0 || tid >= J->ntls)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "sample: thread %d of the "
                            "scheduler beyond the %ld prepared", tid,
                            (long) J->ntls);
    if (job_stopped(J))
        return CPWL_SCHED_STOPPED;
    T = J->tls + tid;
    tls_ready(T, J);
    for (p = 0; p < cnt; p++)
    {
        slong i = done + p;
        double *x = T->X + p * d, *xe = T->Xerr + p * d;
        if (opts->mode == CPWL_SAMPLE_GRID)
        {
            slong r = i;
            for (k = d - 1; k >= 0; k--)
            {
                slong N = J->axes[k].N;
                grid_coord(x + k, xe + k, J->axes + k, r % N);
                r /= N;
            }
        }
        else
            for (k = 0; k < d; k++)
                axis_coord(x + k, xe + k, J->axes + k,
                           (double) rand_k(J->key, i, d, k) * 0x1p-53);
    }
    /* One thread per block: the blocks themselves run concurrently. */
    nund = cpwl_batch_eval(NULL, NULL, T->pat, T->und, J->P, T->X, T->Xerr,
                           cnt, 1);

    nu = 0;
    for (p = 0; p < cnt; p++)
    {
        int undecided = 0;
        for (j = 0; j < words; j++)
            undecided |= T->und[p * words + j] != 0;
        if (undecided)
            T->list[nu++] = p;
    }
    /* Each state of each point is one question: the decided points'
       are answered by the batch pass; the undecided points' are asked
       again by the re-decision (or, without it, stay unanswered). */
    cpwl_pred_ctx_reset_counts(T->pred);
    T->pred->prec_start = opts->pred->prec_start;
    T->pred->prec_max = opts->pred->prec_max;
    T->pred->exact_only = opts->pred->exact_only;
    cpwl_pred_ctx_count(T->pred, (ulong) (opts->resolve ? (cnt - nu) * nstates
                                          : cnt * nstates - nund), 0, 0);
    if (opts->resolve && nu > 0
        && !sample_resolve_points(T->ex, T->inside, T->list, nu, done, T->pat,
                                  T->und, S, J->g, T->pred, 1,
                                  opts->interrupt, J->interrupt2))
        return CPWL_SCHED_STOPPED;

    pset_reset(&T->H);
    for (p = 0, q = 0; p < cnt; p++)
    {
        slong i = done + p;
        const uint64_t *pp = T->pat + p * words, *uu = T->und + p * words;
        if (q >= nu || T->list[q] != p)
        {
            ndec++;
            /* Neighbouring points mostly share their pattern. */
            if (last >= 0 && memcmp(T->H.pat + last * words, pp,
                                    words * sizeof(uint64_t)) == 0)
                T->H.count[last]++;
            else
                last = pset_add(&T->H, pp, i, 1);
            continue;
        }
        nundec++;
        if (!opts->resolve)
        {
            q++;
            continue;
        }
        st = sample_check_decided(pp, uu, T->ex + q * words, words, i, e);
        if (st != CPWL_OK)
            return st;
        if (T->inside[q])
        {
            nres++;
            last = pset_add(&T->H, T->ex + q * words, i, 1);
        }
        else
            nbnd++;
        q++;
    }

    cpwl_sched_buf_put_si(out, cnt);
    cpwl_sched_buf_put_si(out, ndec);
    cpwl_sched_buf_put_si(out, nundec);
    cpwl_sched_buf_put_si(out, nres);
    cpwl_sched_buf_put_si(out, nbnd);
    cpwl_sched_buf_put_si(out, (slong) T->pred->by_double);
    cpwl_sched_buf_put_si(out, (slong) T->pred->by_arb);
    cpwl_sched_buf_put_si(out, (slong) T->pred->by_exact);
    cpwl_sched_buf_put_si(out, T->H.n);
    b = flint_malloc(8 * words);
    for (k = 0; k < T->H.n; k++)
    {
        pattern_bytes(b, T->H.pat + k * words, words);
        cpwl_sched_buf_put_hex(out, b, 8 * words);
        cpwl_sched_buf_put_si(out, T->H.count[k]);
        cpwl_sched_buf_put_si(out, T->H.first[k]);
    }
    flint_free(b);
    return CPWL_OK;
}

/* Block `unit`'s payload into the run's set (process 0, in unit order:
   counts add, the first index is the smallest). */
static int sample_collect(slong unit, const char *payload, size_t len,
                          void *data, cpwl_err_t e)
{
    sample_job *J = data;
    cpwl_sample_struct *S = J->S;
    slong v[9], k, cnt, first, words = S->words;
    slong want = FLINT_MIN(J->chunk, J->planned - unit * J->chunk);
    cpwl_sched_rd r;

    /* After an interrupt the blocks already computed are dropped too, so
       that the sample stops where the interrupt was seen. */
    if (J->halted || job_stopped(J))
    {
        J->halted = 1;
        return CPWL_OK;
    }
    cpwl_sched_rd_init(&r, payload, len);
    for (k = 0; k < 9; k++)
        cpwl_sched_rd_si(v + k, &r);
    if (r.bad || v[0] != want || v[8] < 0 || v[8] > want)
        goto bad;
    for (k = 0; k < v[8]; k++)
    {
        if (cpwl_sched_rd_hex(J->bytes, 8 * words, &r) != 0
            || cpwl_sched_rd_si(&cnt, &r) != 0
            || cpwl_sched_rd_si(&first, &r) != 0
            || cnt < 1 || first < unit * J->chunk
            || first >= unit * J->chunk + want)
            goto bad;
        bytes_pattern(J->pbuf, J->bytes, words);
        pset_add(&J->H, J->pbuf, first, cnt);
    }
    if (!cpwl_sched_rd_done(&r))
        goto bad;
    S->ndecided += v[1];
    S->nundecided += v[2];
    S->nresolved += v[3];
    S->nboundary += v[4];
    cpwl_pred_ctx_count(J->pred, (ulong) v[5], (ulong) v[6], (ulong) v[7]);
    S->npoints += v[0];
    if (J->opts->progress != NULL)
        J->opts->progress(J->opts->progress_data, S->npoints, J->planned);
    return CPWL_OK;
bad:
    return cpwl_err_set(e, CPWL_ERR_INTERNAL, "sample: the result of block "
                        "%ld (points %ld to %ld) is malformed", (long) unit,
                        (long) (unit * J->chunk),
                        (long) (unit * J->chunk + want - 1));
}

/* ---- the run ----------------------------------------------------------- */

int cpwl_sample_run(cpwl_sample_t S, const cpwl_net_t net, const cpwl_dom_t D,
                    const cpwl_sample_opts *opts, cpwl_err_t e)
{
    slong planned = 0, d = D->d, words, nstates, chunk, j, nunits;
    double t0 = wall_now();
    axis_struct *axes;
    cpwl_batch_plan_t P;
    cpwl_net_t g;
    cpwl_pred_ctx_t own;
    cpwl_sample_opts o = *opts;
    cpwl_sched_t local;
    cpwl_sched_struct *s = opts->sched;
    sample_job J;
    int st, nt, saved_threads;

    cpwl_sample_clear(S);
    if ((st = sample_check(&planned, net, D, opts, e)) != CPWL_OK)
        return st;
    if (o.pred == NULL)
    {
        cpwl_pred_ctx_init(own);
        o.pred = own;
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

    /* The block size depends on the net and the options only, never on
       the processes or threads: the blocks are the work units. */
    if (opts->block > 0)
        chunk = opts->block;
    else
    {
        chunk = CHUNK_BYTES / (slong) (sizeof(double) * 2 * FLINT_MAX(d, 1)
                                       + sizeof(uint64_t) * 3 * words
                                       + sizeof(slong) + 1);
        chunk = FLINT_MAX(cpwl_batch_tile(P->kernel),
                          FLINT_MIN(CHUNK_MAX, chunk));
    }
    chunk = FLINT_MIN(chunk, planned);
    nunits = (planned + chunk - 1) / chunk;

    if (s == NULL)
    {
        /* one process: the library's own scheduler */
        cpwl_sched_init(local);
        local->interrupt = opts->interrupt;
        s = local;
    }
    /* One process runs the blocks on opts' threads (a back end deals
       them to processes instead). */
    saved_threads = s->threads;
    if (s->ops == NULL)
        s->threads = opts->nthreads;
    nt = s->threads > 0 ? s->threads : 1;
#ifdef _OPENMP
    nt = FLINT_MAX(nt, omp_get_max_threads());
#endif
    memset(&J, 0, sizeof J);
    J.S = S;
    J.opts = &o;
    J.P = P;
    J.g = g;
    J.axes = axes;
    J.key = rand_key(opts->seed);
    J.chunk = chunk;
    J.planned = planned;
    J.ntls = nt;
    J.tls = flint_calloc(nt, sizeof(block_tls));
    J.interrupt2 = s->interrupt;
    J.pred = o.pred;
    J.pbuf = flint_malloc(words * sizeof(uint64_t));
    J.bytes = flint_malloc(8 * words);
    pset_init(&J.H, words);

    /* Blocks are cheap to recompute: never recorded in a checkpoint. */
    st = cpwl_sched_map(s, nunits, sample_block, &J, sample_collect, &J,
                        CPWL_SCHED_THREADS | CPWL_SCHED_NO_RECORD, e);
    s->threads = saved_threads;
    if (st == CPWL_OK)
    {
        /* every process agrees (crosscheck goes on only when none
           stopped) */
        S->stopped = cpwl_sched_any(s, s->stopped || J.halted
                                    || (s->rank == 0 && S->npoints < planned));
        pset_to_sample(S, &J.H);
        S->seconds = wall_now() - t0;
    }
    pset_clear(&J.H);
    for (j = 0; j < nt; j++)
        tls_clear(J.tls + j);
    flint_free(J.tls);
    flint_free(J.pbuf);
    flint_free(J.bytes);
    if (s == local)
        cpwl_sched_clear(local);
    for (j = 0; j < d; j++)
        axis_clear(axes + j);
    flint_free(axes);
    cpwl_batch_plan_clear(P);
    cpwl_net_clear(g);
    if (o.pred == own)
        cpwl_pred_ctx_clear(own);
    if (st != CPWL_OK)
        cpwl_sample_clear(S);
    return st;
}
