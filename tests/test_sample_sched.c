/* Sampling and the 2-D region listing on work units (cpwl/sched.h).
   Sampling: blocks of points on one or three threads, with block sizes
   that do not divide the points, give the sample of a direct reference
   (every point's pattern evaluated exactly, one by one).  2-D listing:
   the cells on one or three threads and after an interrupt, a
   checkpoint and a resume are those of the run without a scheduler,
   and their patterns and maps those of the n-D method. */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flint/fmpq_vec.h>
#include "cpwl.h"
#include "testutil.h"

#define SEED test_seed_once(20261219)

/* A random 2-input net whose weights and biases are all nonzero small
   fractions: no neuron vanishes identically, so a random sample point
   (coordinates with 53-bit denominators) lies on no boundary. */
static void nonzero_net(cpwl_net_t net, test_rng *r, slong minw, slong maxw)
{
    slong l, i, j;
    test_random_net_widths(net, r, 2, 3, minw, maxw, TEST_FRACTIONS);
    for (l = 0; l < net->nlayers; l++)
    {
        cpwl_net_layer_struct *L = net->layers + l;
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                if (fmpq_is_zero(fmpq_mat_entry(L->W, i, j)))
                    fmpq_set_si(fmpq_mat_entry(L->W, i, j), 1, 7);
            if (fmpq_is_zero(L->b + i))
                fmpq_set_si(L->b + i, -1, 9);
        }
    }
    cpwl_net_prepare(net);
}

/* ---- sampling ---------------------------------------------------------- */

typedef struct
{
    uint64_t *p;
    slong i;
}
ref_rec;

static slong ref_words;

static int ref_cmp(const void *a, const void *b)
{
    const ref_rec *x = a, *y = b;
    slong j;
    for (j = ref_words - 1; j >= 0; j--)
        if (x->p[j] != y->p[j])
            return x->p[j] < y->p[j] ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* S against the reference: every point i < S->npoints evaluated exactly
   (cpwl_net_signs on the exact point cpwl_sample_point gives), its
   pattern packed; the distinct patterns with their counts and smallest
   index must be S's. */
static void check_reference(const cpwl_sample_t S, const cpwl_net_t net,
                            const cpwl_dom_t D, uint64_t seed)
{
    slong n = S->npoints, ns = S->nstates, w = S->words, i, j, k, g0;
    slong zeros = 0, groups = 0;
    signed char *sign = flint_malloc(FLINT_MAX(ns, 1));
    uint64_t *pat = flint_calloc(FLINT_MAX(n * w, 1), sizeof(uint64_t));
    ref_rec *rec = flint_malloc(FLINT_MAX(n, 1) * sizeof(ref_rec));
    fmpq *y = _fmpq_vec_init(2);
    cpwl_pred_ctx_t ctx;
    cpwl_net_t g;

    cpwl_net_init(g, 2);
    cpwl_dom_restrict_net(g, net, D);
    cpwl_pred_ctx_init(ctx);
    ck_assert_int_eq(cpwl_net_num_states(g), ns);
    for (i = 0; i < n; i++)
    {
        cpwl_sample_point(y, S, i);
        zeros += cpwl_net_signs(sign, g, y, ctx) > 0;
        for (j = 0; j < ns; j++)
            if (sign[j] > 0)
                pat[i * w + j / 64] |= UINT64_C(1) << (j % 64);
        rec[i].p = pat + i * w;
        rec[i].i = i;
    }
    ck_assert_msg(zeros == 0, "seed %llu: %ld sample points on a boundary "
                  "(the net should have none)", (unsigned long long) seed,
                  (long) zeros);
    ck_assert_int_eq(S->nboundary, 0);
    ck_assert_int_eq(S->ndecided + S->nresolved, n);
    ref_words = w;
    qsort(rec, n, sizeof(ref_rec), ref_cmp);
    for (g0 = 0; g0 < n; g0 = k)
    {
        slong f;
        for (k = g0 + 1; k < n
             && memcmp(rec[k].p, rec[g0].p, w * sizeof(uint64_t)) == 0; k++)
            ;
        f = cpwl_sample_find(S, rec[g0].p);
        ck_assert_msg(f >= 0, "seed %llu: the pattern of point %ld is not "
                      "in the sample", (unsigned long long) seed,
                      (long) rec[g0].i);
        ck_assert_msg(S->counts[f] == k - g0 && S->first[f] == rec[g0].i,
                      "seed %llu: pattern %ld: %ld points from %ld, the "
                      "reference %ld from %ld", (unsigned long long) seed,
                      (long) f, (long) S->counts[f], (long) S->first[f],
                      (long) (k - g0), (long) rec[g0].i);
        groups++;
    }
    ck_assert_int_eq(S->npatterns, groups);
    _fmpq_vec_clear(y, 2);
    flint_free(sign);
    flint_free(pat);
    flint_free(rec);
    cpwl_pred_ctx_clear(ctx);
    cpwl_net_clear(g);
}

static int same_sample(const cpwl_sample_t A, const cpwl_sample_t B)
{
    return A->npoints == B->npoints && A->npatterns == B->npatterns
           && A->ndecided == B->ndecided && A->nundecided == B->nundecided
           && A->nresolved == B->nresolved && A->nboundary == B->nboundary
           && A->stopped == B->stopped && A->words == B->words
           && memcmp(A->patterns, B->patterns,
                     A->npatterns * A->words * sizeof(uint64_t)) == 0
           && memcmp(A->counts, B->counts, A->npatterns * sizeof(slong)) == 0
           && memcmp(A->first, B->first, A->npatterns * sizeof(slong)) == 0;
}

/* Run the sample with block size `block` on `threads` threads, on a
   given one-process scheduler (threads < 0: none, one thread). */
static void run_sample(cpwl_sample_t S, cpwl_pred_ctx_t ctx,
                       const cpwl_net_t net, const cpwl_dom_t D,
                       cpwl_sample_opts *o, slong block, int threads)
{
    cpwl_sched_t s;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_pred_ctx_reset_counts(ctx);
    o->block = block;
    o->sched = NULL;
    o->nthreads = threads > 0 ? threads : 1;
    if (threads >= 0)
    {
        cpwl_sched_init(s);
        o->sched = s;
    }
    ck_assert_msg(cpwl_sample_run(S, net, D, o, e) == CPWL_OK, "%s", e->msg);
    if (threads >= 0)
    {
        if (block > 0)
            ck_assert_int_eq(s->stats.units_run,
                             (S->planned + block - 1) / block);
        cpwl_sched_clear(s);
    }
    o->sched = NULL;
    cpwl_err_clear(e);
}

START_TEST(test_sample_blocks)
{
    test_rng r;
    slong k, iters = test_iters(4);
    r.s = SEED ^ 0x5a;
    for (k = 0; k < iters; k++)
    {
        static const slong blocks[] = {0, 1000, 777, 4096};
        cpwl_net_t net;
        cpwl_dom_t D;
        cpwl_sample_t A, B;
        cpwl_sample_opts o;
        cpwl_pred_ctx_t ctx;
        ulong dA, aA, xA;
        slong b, t, npts = 4321 + test_range(&r, 0, 3000);
        uint64_t seed = r.s;

        cpwl_net_init(net, 2);
        nonzero_net(net, &r, 3, 7);
        cpwl_dom_init(D);
        test_dom_str(D, 2, k % 2 ? "-2:3,-1:1" : "-1:1,-1:1", NULL, NULL);
        cpwl_pred_ctx_init(ctx);
        cpwl_sample_opts_init(&o, ctx);
        o.mode = CPWL_SAMPLE_RANDOM;
        o.npoints = npts;
        o.seed = (ulong) test_range(&r, 0, 1000);
        cpwl_sample_init(A);
        cpwl_sample_init(B);

        /* the plain run, checked against the reference */
        run_sample(A, ctx, net, D, &o, 0, -1);
        dA = ctx->by_double;
        aA = ctx->by_arb;
        xA = ctx->by_exact;
        ck_assert_int_eq(A->npoints, npts);
        check_reference(A, net, D, seed);
        /* the same sample, and the same predicate counts when the blocks
           are the same, for any blocks and threads */
        for (b = 0; b < 4; b++)
            for (t = 1; t <= 3; t += 2)
            {
                run_sample(B, ctx, net, D, &o, blocks[b], t);
                ck_assert_msg(same_sample(A, B), "seed %llu: block %ld, %ld "
                              "threads: another sample",
                              (unsigned long long) seed, (long) blocks[b],
                              (long) t);
                if (blocks[b] == 0)
                    ck_assert(ctx->by_double == dA && ctx->by_arb == aA
                              && ctx->by_exact == xA);
            }
        cpwl_sample_clear(A);
        cpwl_sample_clear(B);
        cpwl_pred_ctx_clear(ctx);
        cpwl_dom_clear(D);
        cpwl_net_clear(net);
    }
}
END_TEST

/* Grid points (on boundaries too, and with dead neurons: the exact
   re-decision runs): the same sample for any blocks and threads. */
START_TEST(test_sample_grid)
{
    test_rng r;
    slong k, iters = test_iters(4);
    r.s = SEED ^ 0x6b;
    for (k = 0; k < iters; k++)
    {
        static const slong grid[2] = {61, 47};
        cpwl_net_t net;
        cpwl_dom_t D;
        cpwl_sample_t A, B;
        cpwl_sample_opts o;
        cpwl_pred_ctx_t ctx;
        slong t, b;

        cpwl_net_init(net, 2);
        test_random_net_widths(net, &r, 2, 3, 2, 6, 0);
        cpwl_dom_init(D);
        test_dom_str(D, 2, "-2:2,-2:2", NULL, NULL);
        cpwl_pred_ctx_init(ctx);
        cpwl_sample_opts_init(&o, ctx);
        o.grid = grid;
        o.ngrid = 2;
        cpwl_sample_init(A);
        cpwl_sample_init(B);
        run_sample(A, ctx, net, D, &o, 0, -1);
        ck_assert_int_eq(A->npoints, 61 * 47);
        for (b = 100; b <= 1000; b += 450)
            for (t = 1; t <= 3; t += 2)
            {
                run_sample(B, ctx, net, D, &o, b, t);
                ck_assert_msg(same_sample(A, B), "net %ld: block %ld, %ld "
                              "threads: another sample", (long) k, (long) b,
                              (long) t);
            }
        cpwl_sample_clear(A);
        cpwl_sample_clear(B);
        cpwl_pred_ctx_clear(ctx);
        cpwl_dom_clear(D);
        cpwl_net_clear(net);
    }
}
END_TEST

/* ---- the 2-D listing --------------------------------------------------- */

static int qv_eq(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    if ((a == NULL) != (b == NULL))
        return 0;
    for (i = 0; a != NULL && i < n; i++)
        if (!fmpq_equal(a + i, b + i))
            return 0;
    return 1;
}

/* Cell i of A and of B: the same in every field. */
static int same_cell(const cpwl_regions_t A, const cpwl_regions_t B, slong i)
{
    const cpwl_regions_cell_struct *a = A->cells + i, *b = B->cells + i;
    slong d = A->d, m = A->m;
    return memcmp(a->state, b->state, A->nstates) == 0
           && qv_eq(a->point, b->point, d)
           && qv_eq(a->grad, b->grad, m * d) && qv_eq(a->offset, b->offset, m)
           && a->nverts == b->nverts && a->nrays == b->nrays
           && qv_eq(a->verts, b->verts, a->nverts * d)
           && qv_eq(a->rays, b->rays, a->nrays * d)
           && a->bounded == b->bounded && a->linear == b->linear;
}

static void assert_same_regions(const cpwl_regions_t A, const cpwl_regions_t B,
                                const char *what, slong k)
{
    slong i;
    ck_assert_msg(A->ncells == B->ncells && A->nlinear == B->nlinear
                  && A->stopped == B->stopped,
                  "%s, net %ld: %ld/%ld cells, %ld/%ld linear, stopped %d/%d",
                  what, (long) k, (long) A->ncells, (long) B->ncells,
                  (long) A->nlinear, (long) B->nlinear, A->stopped,
                  B->stopped);
    for (i = 0; i < A->ncells; i++)
        ck_assert_msg(same_cell(A, B, i), "%s, net %ld: cell %ld differs",
                      what, (long) k, (long) i);
}

typedef struct
{
    slong calls, after;         /* listing reports; interrupt after this many */
    slong nlayers;
    volatile sig_atomic_t flag;
}
stopper;

/* The reports with layer = nlayers: the refinement's last one, then one
   per listing unit collected; raise the interrupt after `after` units. */
static void stop_progress(void *data, slong layer, slong nlayers, slong cells)
{
    stopper *S = data;
    (void) nlayers;
    (void) cells;
    if (layer != S->nlayers)
        return;
    if (S->calls++ >= S->after)
        S->flag = 1;
}

/* The 2-D (or n-D) regions with every listing field, on the scheduler s
   (NULL: none), interrupted by S (NULL: never). */
static void run_regions(cpwl_regions_t R, const cpwl_net_t net,
                        const cpwl_dom_t D, cpwl_regions_method method,
                        cpwl_sched_struct *s, stopper *S, int threads)
{
    cpwl_regions_opts o;
    cpwl_pred_ctx_t pc;
    cpwl_err_t e;
    cpwl_pred_ctx_init(pc);
    cpwl_err_init(e);
    cpwl_regions_opts_init(&o, pc);
    o.method = method;
    o.linear = 1;
    o.points = o.maps = 1;
    o.verts = method == CPWL_REGIONS_2D;
    o.nthreads = threads;
    o.sched = s;
    if (S != NULL)
    {
        o.progress = stop_progress;
        o.progress_data = S;
        o.interrupt = &S->flag;
        if (s != NULL)
            s->interrupt = &S->flag;
    }
    cpwl_regions_clear(R);
    cpwl_regions_init(R, 2, 1, cpwl_net_num_states(net));
    ck_assert_msg(cpwl_regions_compute(R, net, D, &o, e) == CPWL_OK, "%s",
                  e->msg);
    cpwl_pred_ctx_clear(pc);
    cpwl_err_clear(e);
}

static char *ckpt_path(void)
{
    char *p = flint_malloc(256);
    const char *dir = getenv("TMPDIR");
    snprintf(p, 256, "%s/cpwl_sample_sched_%ld.ckpt",
             dir != NULL && *dir ? dir : "/tmp", (long) getpid());
    return p;
}

START_TEST(test_regions_2d_units)
{
    test_rng r;
    slong k, iters = test_iters(3);
    char *path = ckpt_path();
    r.s = SEED ^ 0x2d;
    for (k = 0; k < iters; k++)
    {
        cpwl_net_t net;
        cpwl_dom_t D;
        cpwl_regions_t A, B, N;
        cpwl_sched_t s;
        cpwl_err_t e;
        slong t, i, units, after;
        char key[64];

        cpwl_net_init(net, 2);
        nonzero_net(net, &r, 7, 10);
        cpwl_dom_init(D);
        test_dom_str(D, 2, k % 2 ? "-3:3,-3:3" : NULL, NULL, NULL);
        cpwl_err_init(e);
        cpwl_regions_init(A, 0, 0, 0);
        cpwl_regions_init(B, 0, 0, 0);
        cpwl_regions_init(N, 0, 0, 0);
        snprintf(key, sizeof key, "test=2d;net=%ld", (long) k);

        /* no scheduler: the reference, for a net of more than one unit
           of 64 faces (a net with fewer regions is drawn again) */
        run_regions(A, net, D, CPWL_REGIONS_2D, NULL, NULL, 1);
        for (t = 0; t < 50 && A->ncells <= 64; t++)
        {
            cpwl_net_clear(net);
            cpwl_net_init(net, 2);
            nonzero_net(net, &r, 7, 10);
            run_regions(A, net, D, CPWL_REGIONS_2D, NULL, NULL, 1);
        }
        ck_assert_msg(A->stopped == CPWL_REGIONS_DONE && A->ncells > 64,
                      "net %ld: %ld regions, not more than 64 after 50 draws",
                      (long) k, (long) A->ncells);

        /* one or three threads on a given scheduler */
        for (t = 1; t <= 3; t += 2)
        {
            cpwl_sched_init(s);
            run_regions(B, net, D, CPWL_REGIONS_2D, s, NULL, (int) t);
            assert_same_regions(A, B, t == 1 ? "1 thread" : "3 threads", k);
            units = s->stats.units_run;
            ck_assert_int_eq(units, (A->ncells + 63) / 64);
            cpwl_sched_clear(s);
        }

        /* the n-D method: the same patterns and maps (sorted, the orders
           differ) */
        run_regions(N, net, D, CPWL_REGIONS_ND, NULL, NULL, 1);
        cpwl_regions_sort(N);
        run_regions(B, net, D, CPWL_REGIONS_2D, NULL, NULL, 1);
        cpwl_regions_sort(B);
        ck_assert_int_eq(N->ncells, B->ncells);
        ck_assert_int_eq(N->nlinear, B->nlinear);
        for (i = 0; i < N->ncells; i++)
            ck_assert_msg(memcmp(N->cells[i].state, B->cells[i].state,
                                 N->nstates) == 0
                          && qv_eq(N->cells[i].grad, B->cells[i].grad, 2)
                          && qv_eq(N->cells[i].offset, B->cells[i].offset, 1),
                          "net %ld: sorted cell %ld: n-D and 2-D differ",
                          (long) k, (long) i);

        /* interrupted after `after` units, checkpointed, resumed */
        for (after = 0; after < units; after += 1 + units / 3)
        {
            stopper S;
            memset(&S, 0, sizeof S);
            S.after = after;
            S.nlayers = net->nlayers;
            remove(path);
            /* one thread: the units are collected one by one, so the
               interrupt falls exactly after `after` of them */
            cpwl_sched_init(s);
            ck_assert_msg(cpwl_sched_checkpoint(s, path, 1e9, "regions", key,
                                                e) == CPWL_OK, "%s", e->msg);
            run_regions(B, net, D, CPWL_REGIONS_2D, s, &S, 1);
            ck_assert_msg(B->stopped == CPWL_REGIONS_STOP_INTERRUPT
                          && B->ncells == 0 && B->lower_bound == A->ncells,
                          "net %ld, after %ld units: stopped %d, %ld cells, "
                          "lower bound %ld", (long) k, (long) after,
                          B->stopped, (long) B->ncells,
                          (long) B->lower_bound);
            cpwl_sched_clear(s);

            cpwl_sched_init(s);
            ck_assert_msg(cpwl_sched_resume(s, path, "regions", key, e)
                          == CPWL_OK, "%s", e->msg);
            run_regions(B, net, D, CPWL_REGIONS_2D, s, NULL, 3);
            assert_same_regions(A, B, "resumed", k);
            ck_assert_msg(s->stats.units_replayed == after
                          && s->stats.units_replayed + s->stats.units_run
                          == units, "net %ld, after %ld of %ld units: %ld "
                          "replayed, %ld run", (long) k, (long) after,
                          (long) units, (long) s->stats.units_replayed,
                          (long) s->stats.units_run);
            cpwl_sched_clear(s);
        }
        remove(path);
        cpwl_regions_clear(A);
        cpwl_regions_clear(B);
        cpwl_regions_clear(N);
        cpwl_err_clear(e);
        cpwl_dom_clear(D);
        cpwl_net_clear(net);
    }
    flint_free(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sample_sched");
    TCase *tc = tcase_create("units");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sample_blocks);
    tcase_add_test(tc, test_sample_grid);
    tcase_add_test(tc, test_regions_2d_units);
    suite_add_tcase(s, tc);
    return test_run(s);
}
