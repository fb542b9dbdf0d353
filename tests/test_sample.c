/* Sampling activation patterns with the batched double path: counts on
   hand nets against closed forms, every sample point of seeded random
   nets recomputed exactly (pre-activations in fmpq, and exact probes
   around points with a zero pre-activation) and compared with what the
   sample reports, sampled patterns against the exact regions, results
   independent of threads and kernels, and the input errors. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"
#include "qvec.h"

/* ---- building nets and domains ---------------------------------------- */

/* relu(x - c), relu(y), output x + y: the boundaries x = c and y = 0. */
static void quadrant_net(cpwl_net_t net, const char *c)
{
    cpwl_net_layer_struct *L;
    char b[64];
    cpwl_net_clear(net);
    cpwl_net_init(net, 2);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    snprintf(b, sizeof b, "-%s", c);
    test_set_row(L, 0, "1,0", b);
    test_set_row(L, 1, "0,1", "0");
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "1,1", "0");
    cpwl_net_prepare(net);
}

/* relu(x), relu(y); relu(a1 + a2), identically 0 where x, y <= 0, and a
   dead neuron (zero weights and bias); output a1 + a2. */
static void vanishing_net(cpwl_net_t net)
{
    cpwl_net_layer_struct *L;
    cpwl_net_clear(net);
    cpwl_net_init(net, 2);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    test_set_row(L, 0, "1,0", "0");
    test_set_row(L, 1, "0,1", "0");
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    test_set_row(L, 0, "1,1", "0");
    test_set_row(L, 1, "0,0", "0");
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "1,1", "0");
    cpwl_net_prepare(net);
}

/* The objects of a test: a net of n inputs, a domain, a sample and a
   predicate context. */
static void case_init(cpwl_net_t net, slong n, cpwl_dom_t D, cpwl_sample_t S,
                      cpwl_pred_ctx_t ctx)
{
    cpwl_net_init(net, n);
    cpwl_dom_init(D);
    cpwl_sample_init(S);
    cpwl_pred_ctx_init(ctx);
}

static void case_clear(cpwl_net_t net, cpwl_dom_t D, cpwl_sample_t S, cpwl_pred_ctx_t ctx)
{
    cpwl_sample_clear(S);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}

/* A grid sample that must succeed. */
static void run_grid(cpwl_sample_t S, const cpwl_net_t net, const cpwl_dom_t D,
                     const slong *grid, cpwl_pred_ctx_t ctx, int resolve,
                     int kernel, int nthreads)
{
    cpwl_sample_opts o;
    cpwl_err_t e;
    int st;
    cpwl_err_init(e);
    cpwl_sample_opts_init(&o, ctx);
    o.grid = grid;
    o.ngrid = D->d;
    o.resolve = resolve;
    o.kernel = kernel;
    o.nthreads = nthreads;
    st = cpwl_sample_run(S, net, D, &o, e);
    ck_assert_msg(st == CPWL_OK, "sample_run: status %d: %s", st, e->msg);
    ck_assert_int_eq(S->stopped, 0);
}

static void run_random(cpwl_sample_t S, const cpwl_net_t net, const cpwl_dom_t D,
                       slong npoints, ulong seed, cpwl_pred_ctx_t ctx)
{
    cpwl_sample_opts o;
    cpwl_err_t e;
    int st;
    cpwl_err_init(e);
    cpwl_sample_opts_init(&o, ctx);
    o.mode = CPWL_SAMPLE_RANDOM;
    o.npoints = npoints;
    o.seed = seed;
    st = cpwl_sample_run(S, net, D, &o, e);
    ck_assert_msg(st == CPWL_OK, "sample_run: status %d: %s", st, e->msg);
}

/* ---- the exact reference --------------------------------------------- */

/* Pattern of the restricted net g at y from exact pre-activations
   (cpwl_net_preacts_fmpq, not the predicate layer); returns the number of
   zeros. */
static slong ref_state(unsigned char *state, const cpwl_net_t g, const fmpq *y)
{
    fmpq **z = cpwl_net_preacts_init(g);
    slong l, i, k = 0, zeros = 0;
    cpwl_net_preacts_fmpq(z, g, y);
    for (l = 0; l < g->nlayers; l++)
    {
        if (g->layers[l].act == CPWL_NET_IDENTITY)
            continue;
        for (i = 0; i < g->layers[l].out; i++)
        {
            int s = fmpq_sgn(z[l] + i);
            state[k++] = s > 0;
            zeros += s == 0;
        }
    }
    cpwl_net_preacts_clear(z, g);
    return zeros;
}

/* Whether y lies inside its activation region, with its pattern in state:
   no zero pre-activation, or the same pattern at y +- eps e_j for every
   axis j.  Across a boundary through y some neuron turns on in one of
   the two directions of any axis its normal has a component along, so
   for eps below the distance to every other boundary the probes tell
   boundary points from points where a neuron vanishes on a
   neighbourhood. */
static int ref_inside(unsigned char *state, const cpwl_net_t g, const fmpq *y,
                      const fmpq_t eps)
{
    slong d = g->input_dim, ns = cpwl_net_num_states(g), j, s;
    unsigned char *t;
    fmpq *p;
    int inside = 1;
    if (ref_state(state, g, y) == 0)
        return 1;
    t = flint_malloc(FLINT_MAX(ns, 1));
    p = _fmpq_vec_init(d);
    for (j = 0; j < d && inside; j++)
        for (s = -1; s <= 1 && inside; s += 2)
        {
            qvec_set(p, y, d);
            if (s < 0)
                fmpq_sub(p + j, p + j, eps);
            else
                fmpq_add(p + j, p + j, eps);
            ref_state(t, g, p);
            inside = memcmp(t, state, ns) == 0;
        }
    _fmpq_vec_clear(p, d);
    flint_free(t);
    return inside;
}

typedef struct
{
    const uint64_t *p;
    slong words;
    slong i;
}
rec_t;

static int rec_cmp(const void *a, const void *b)
{
    const rec_t *x = a, *y = b;
    slong j;
    for (j = 0; j < x->words; j++)
        if (x->p[j] != y->p[j])
            return x->p[j] < y->p[j] ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Every point of S recomputed exactly: it lies in the closed box, and the
   patterns, counts, smallest indices and point counts the sample reports
   are exactly those of the reference (resolve on), or the decided part of
   them (resolve off: counts may only be smaller).  eps: the probe step. */
static void check_exact(const cpwl_sample_t S, const cpwl_net_t net, const cpwl_dom_t D,
                        slong eps_exp, ulong seed, const char *what)
{
    slong d = D->d, ns = cpwl_net_num_states(net), words = S->words;
    slong i, j, np = S->npoints, nin = 0, nbd = 0, ng = 0;
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    uint64_t *pats = flint_malloc(FLINT_MAX(np, 1) * words * sizeof(uint64_t));
    rec_t *rec = flint_malloc(FLINT_MAX(np, 1) * sizeof(rec_t));
    fmpq *y = _fmpq_vec_init(d);
    fmpq_t eps;
    cpwl_net_t g;

    ck_assert_int_eq(S->d, d);
    ck_assert_int_eq(S->nstates, ns);
    ck_assert_int_eq(S->words, FLINT_MAX(1, (ns + 63) / 64));
    fmpq_init(eps);
    fmpq_one(eps);
    fmpq_div_2exp(eps, eps, eps_exp);
    cpwl_net_init(g, d);
    cpwl_dom_restrict_net(g, net, D);
    for (i = 0; i < np; i++)
    {
        cpwl_sample_point(y, S, i);
        for (j = 0; j < d; j++)
            if (fmpq_cmp(y + j, D->lo + j) < 0
                || fmpq_cmp(y + j, D->hi + j) > 0)
            {
                test_dump(net, D, seed);
                ck_abort_msg("%s: point %ld is outside the box", what,
                             (long) i);
            }
        if (ref_inside(st, g, y, eps))
        {
            batch_pack(pats + nin * words, st, ns);
            rec[nin].p = pats + nin * words;
            rec[nin].words = words;
            rec[nin].i = i;
            nin++;
        }
        else
            nbd++;
    }
    qsort(rec, nin, sizeof(rec_t), rec_cmp);

    ck_assert_int_eq(S->ndecided + S->nundecided, np);
    for (i = 0; i < nin; i = j)
    {
        for (j = i + 1; j < nin && memcmp(rec[j].p, rec[i].p,
                                          words * sizeof(uint64_t)) == 0; j++)
            ;
        if (ng >= S->npatterns
            || memcmp(S->patterns + ng * words, rec[i].p,
                      words * sizeof(uint64_t)) != 0
            || S->counts[ng] != j - i || S->first[ng] != rec[i].i)
        {
            test_dump(net, D, seed);
            ck_abort_msg("%s: reference pattern group %ld (%ld points, first "
                         "%ld) differs from the sample's pattern %ld", what,
                         (long) ng, (long) (j - i), (long) rec[i].i,
                         (long) ng);
        }
        ng++;
    }
    if (ng != S->npatterns || S->nboundary != nbd
        || S->ndecided + S->nresolved != nin
        || S->nresolved + S->nboundary != S->nundecided)
    {
        test_dump(net, D, seed);
        ck_abort_msg("%s: reference %ld patterns, %ld inside, %ld boundary; "
                     "sample %ld patterns, %ld decided + %ld resolved, %ld "
                     "boundary, %ld undecided", what, (long) ng, (long) nin,
                     (long) nbd, (long) S->npatterns, (long) S->ndecided,
                     (long) S->nresolved, (long) S->nboundary,
                     (long) S->nundecided);
    }
    cpwl_net_clear(g);
    fmpq_clear(eps);
    _fmpq_vec_clear(y, d);
    flint_free(st);
    flint_free(pats);
    flint_free(rec);
}

/* The exact regions of net on D (points filled, sorted). */
static void exact_regions(cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                          ulong seed)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_err_t e;
    int st;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    o.points = 1;
    cpwl_err_init(e);
    st = cpwl_regions_compute(R, net, D, &o, e);
    if (st != CPWL_OK || R->stopped != CPWL_REGIONS_DONE)
    {
        test_dump(net, D, seed);
        ck_abort_msg("regions_compute: status %d, stopped %d: %s", st,
                     R->stopped, e->msg);
    }
    cpwl_regions_sort(R);
    cpwl_pred_ctx_clear(ctx);
}

static int state_cmp_ns;

static int cell_state_cmp(const void *key, const void *cell)
{
    const cpwl_regions_cell_struct *c = cell;
    return memcmp(key, c->state, state_cmp_ns);
}

/* Every sampled pattern is an exact region (so there are at most as many),
   and the exact pattern at its first point is the pattern itself. */
static void check_regions(const cpwl_sample_t S, const cpwl_net_t net, const cpwl_dom_t D,
                          ulong seed, const char *what)
{
    slong ns = cpwl_net_num_states(net), d = D->d, i;
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    unsigned char *st2 = flint_malloc(FLINT_MAX(ns, 1));
    fmpq *y = _fmpq_vec_init(d);
    cpwl_regions_t R;
    cpwl_net_t g;

    cpwl_regions_init(R, 0, 0, 0);
    exact_regions(R, net, D, seed);
    cpwl_net_init(g, d);
    cpwl_dom_restrict_net(g, net, D);
    if (S->npatterns > R->ncells)
    {
        test_dump(net, D, seed);
        ck_abort_msg("%s: %ld sampled patterns but %ld exact regions", what,
                     (long) S->npatterns, (long) R->ncells);
    }
    state_cmp_ns = ns;
    for (i = 0; i < S->npatterns; i++)
    {
        cpwl_batch_unpack(st, S->patterns + i * S->words, ns);
        if (ns > 0 && bsearch(st, R->cells, R->ncells,
                              sizeof(cpwl_regions_cell_struct),
                              cell_state_cmp) == NULL)
        {
            char *t = cpwl_net_pattern_str(st, net);
            test_dump(net, D, seed);
            ck_abort_msg("%s: sampled pattern %s is no exact region", what, t);
        }
        cpwl_sample_point(y, S, S->first[i]);
        cpwl_net_pattern_exact(st2, g, y);
        if (memcmp(st, st2, ns) != 0)
        {
            test_dump(net, D, seed);
            ck_abort_msg("%s: pattern %ld differs from the exact pattern at "
                         "its first point %ld", what, (long) i,
                         (long) S->first[i]);
        }
    }
    cpwl_regions_clear(R);
    cpwl_net_clear(g);
    _fmpq_vec_clear(y, d);
    flint_free(st);
    flint_free(st2);
}

/* Two samples with identical results. */
static int same_sample(const cpwl_sample_t A, const cpwl_sample_t B, int counters)
{
    slong w = A->words;
    if (A->npatterns != B->npatterns || A->words != B->words
        || A->npoints != B->npoints)
        return 0;
    if (counters && (A->ndecided != B->ndecided
                     || A->nundecided != B->nundecided
                     || A->nresolved != B->nresolved
                     || A->nboundary != B->nboundary))
        return 0;
    return memcmp(A->patterns, B->patterns,
                  A->npatterns * w * sizeof(uint64_t)) == 0
           && memcmp(A->counts, B->counts, A->npatterns * sizeof(slong)) == 0
           && memcmp(A->first, B->first, A->npatterns * sizeof(slong)) == 0;
}

/* ---- hand nets --------------------------------------------------------- */

START_TEST(test_quadrants)
{
    /* relu(x), relu(y) on [-1,1]^2.  10 x 10: coordinates -1 + 2i/9, never
       0: 25 points in each quadrant, all decided.  Patterns sorted by
       their word: 0 (both off), 1 (x on), 2 (y on), 3; first points
       (x index i0, y index i1, i = 10 i0 + i1): 0, 50, 5, 55. */
    static const slong g10[2] = {10, 10}, g11[2] = {11, 11};
    static const slong first10[4] = {0, 50, 5, 55};
    static const slong first11[4] = {0, 66, 6, 72};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S;
    cpwl_pred_ctx_t ctx;
    slong k;

    case_init(net, 2, D, S, ctx);
    quadrant_net(net, "0");
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);

    run_grid(S, net, D, g10, ctx, 1, CPWL_BATCH_AUTO, 0);
    ck_assert_int_eq(S->planned, 100);
    ck_assert_int_eq(S->npoints, 100);
    ck_assert_int_eq(S->npatterns, 4);
    ck_assert_int_eq(S->ndecided, 100);
    ck_assert_int_eq(S->nundecided, 0);
    for (k = 0; k < 4; k++)
    {
        ck_assert_uint_eq(S->patterns[k], (uint64_t) k);
        ck_assert_int_eq(S->counts[k], 25);
        ck_assert_int_eq(S->first[k], first10[k]);
    }
    /* 2 states per point, all decided by the batch pass. */
    ck_assert_uint_eq(ctx->by_double, 200);
    ck_assert_int_eq(S->kernel, cpwl_batch_kernel_best());
    ck_assert_int_eq(S->grid[0], 10);
    ck_assert(fmpq_equal(S->lo + 1, D->lo + 1));
    check_exact(S, net, D, 40, 0, "quadrants 10x10");

    /* 11 x 11: index 5 is 0; the 21 points on the axes are boundary
       points, the other 100 split 25 per quadrant. */
    run_grid(S, net, D, g11, ctx, 1, CPWL_BATCH_AUTO, 0);
    ck_assert_int_eq(S->npoints, 121);
    ck_assert_int_eq(S->ndecided, 100);
    ck_assert_int_eq(S->nundecided, 21);
    ck_assert_int_eq(S->nboundary, 21);
    ck_assert_int_eq(S->nresolved, 0);
    ck_assert_int_eq(S->npatterns, 4);
    for (k = 0; k < 4; k++)
    {
        ck_assert_uint_eq(S->patterns[k], (uint64_t) k);
        ck_assert_int_eq(S->counts[k], 25);
        ck_assert_int_eq(S->first[k], first11[k]);
    }
    check_exact(S, net, D, 40, 0, "quadrants 11x11");

    /* Without resolution the undecided points are only counted. */
    run_grid(S, net, D, g11, ctx, 0, CPWL_BATCH_AUTO, 0);
    ck_assert_int_eq(S->ndecided, 100);
    ck_assert_int_eq(S->nundecided, 21);
    ck_assert_int_eq(S->nboundary + S->nresolved, 0);
    ck_assert_int_eq(S->npatterns, 4);
    for (k = 0; k < 4; k++)
        ck_assert_int_eq(S->counts[k], 25);

    /* The sample point of index 5 (i0 = 0, i1 = 5) is (-1, 0). */
    {
        fmpq *y = _fmpq_vec_init(2);
        cpwl_sample_point(y, S, 5);
        ck_assert(fmpz_equal_si(fmpq_numref(y + 0), -1)
                  && fmpz_is_one(fmpq_denref(y + 0)) && fmpq_is_zero(y + 1));
        cpwl_sample_point(y, S, 120);
        ck_assert(fmpq_is_one(y + 0) && fmpq_is_one(y + 1));
        _fmpq_vec_clear(y, 2);
    }

    case_clear(net, D, S, ctx);
}
END_TEST

START_TEST(test_resolved)
{
    /* relu(x - 10^-30), relu(y) on an 11 x 11 grid of [-1,1]^2.  At x = 0
       the first neuron is -10^-30: far below the double bound, so those
       11 points are undecided and re-decided exactly; the 10 of them with
       y != 0 are inside a region (x off), the one at y = 0 and the other
       10 on y = 0 are boundary points.  Counts by pattern (0, 1, 2, 3):
       25 + 5, 25, 25 + 5, 25. */
    static const slong g11[2] = {11, 11};
    static const slong counts[4] = {30, 25, 30, 25};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S;
    cpwl_pred_ctx_t ctx;
    slong k;

    case_init(net, 2, D, S, ctx);
    ctx->exact_only = 1;
    quadrant_net(net, "1/1000000000000000000000000000000");
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);
    run_grid(S, net, D, g11, ctx, 1, CPWL_BATCH_AUTO, 0);
    ck_assert_int_eq(S->ndecided, 100);
    ck_assert_int_eq(S->nundecided, 21);
    ck_assert_int_eq(S->nresolved, 10);
    ck_assert_int_eq(S->nboundary, 11);
    ck_assert_int_eq(S->npatterns, 4);
    for (k = 0; k < 4; k++)
    {
        ck_assert_uint_eq(S->patterns[k], (uint64_t) k);
        ck_assert_int_eq(S->counts[k], counts[k]);
    }
    /* One question per state and point: the 100 decided points' 2 states
       by the batch pass; the 21 points re-decided ask 2 questions each,
       all exact (exact_only). */
    ck_assert_uint_eq(ctx->by_double, 200);
    ck_assert_uint_eq(ctx->by_exact, 42);
    ck_assert_uint_eq(ctx->by_arb, 0);
    check_exact(S, net, D, 40, 0, "relu(x - 1e-30)");

    case_clear(net, D, S, ctx);
}
END_TEST

START_TEST(test_vanishing)
{
    /* relu(x), relu(y); then relu(a1 + a2), identically 0 on the quadrant
       x < 0, y < 0, and a dead neuron 0 (zero weights and bias).  The
       batch can decide neither (their double value is exactly 0), but
       both vanish on a neighbourhood of every point where they are 0:
       all 100 points of the 10 x 10 grid are inside a region.  Patterns
       (bits x, y, a1 + a2, dead): 0, 1 + 4, 2 + 4, 7, 25 points each; the
       exact regions are the same four. */
    static const slong g10[2] = {10, 10};
    static const uint64_t pats[4] = {0, 5, 6, 7};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S;
    cpwl_pred_ctx_t ctx;
    slong k;

    case_init(net, 2, D, S, ctx);
    vanishing_net(net);
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);

    run_grid(S, net, D, g10, ctx, 1, CPWL_BATCH_AUTO, 0);
    ck_assert_int_eq(S->ndecided, 0);
    ck_assert_int_eq(S->nundecided, 100);
    ck_assert_int_eq(S->nresolved, 100);
    ck_assert_int_eq(S->nboundary, 0);
    ck_assert_int_eq(S->npatterns, 4);
    /* one question per state and point, whichever way it was answered
       (most points here are settled by their group's first point) */
    ck_assert_uint_eq(cpwl_pred_ctx_total(ctx), (ulong) (100 * S->nstates));
    for (k = 0; k < 4; k++)
    {
        ck_assert_uint_eq(S->patterns[k], pats[k]);
        ck_assert_int_eq(S->counts[k], 25);
    }
    check_exact(S, net, D, 40, 0, "vanishing");
    check_regions(S, net, D, 0, "vanishing");

    case_clear(net, D, S, ctx);
}
END_TEST

/* ---- seeded random nets ------------------------------------------------ */

/* One random case: the net, the domain (kind 0: a 2-D box, 1: a 2-D
   slice of R^3, 2: a line in R^3, 3: a 1-input box). */
static void random_case(cpwl_net_t net, cpwl_dom_t D, test_rng *r, int kind,
                        int rational)
{
    char box[128], x0[64], u[64], v[64], sl[256];
    slong n = kind == 0 ? 2 : kind == 3 ? 1 : 3;
    slong d = kind <= 1 ? 2 : 1;
    if (!rational)
        test_random_net(net, r, n, test_range(r, 2, 3), 5, 0);
    else
        test_rich_net(net, r, n, test_range(r, 2, 3), 6);
    test_random_box(box, sizeof box, r, d);
    if (kind == 0 || kind == 3)
    {
        test_dom_str(D, n, box, NULL, NULL);
        return;
    }
    test_random_vec(x0, sizeof x0, r, n, 0);
    test_random_vec(u, sizeof u, r, n, 1);
    if (kind == 1)
    {
        do
            test_random_vec(v, sizeof v, r, n, 1);
        while (strcmp(u, v) == 0);
        snprintf(sl, sizeof sl, "%s;%s;%s", x0, u, v);
        {
            cpwl_err_t e;
            cpwl_err_init(e);
            /* Parallel directions are refused: draw again. */
            while (cpwl_dom_set_str(D, n, box, sl, NULL, e) != CPWL_OK)
            {
                cpwl_err_init(e);
                test_random_vec(v, sizeof v, r, n, 1);
                snprintf(sl, sizeof sl, "%s;%s;%s", x0, u, v);
            }
        }
    }
    else
    {
        snprintf(sl, sizeof sl, "%s;%s", x0, u);
        test_dom_str(D, n, box, NULL, sl);
    }
}

START_TEST(test_random_nets)
{
    /* Rational weights (test_rich_net) and small integers, on boxes, slices
       and lines: every point recomputed exactly, every pattern a region. */
    const ulong seed = (ulong) test_seed(20240611);
    test_rng r = {seed};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S;
    cpwl_pred_ctx_t ctx;
    slong it;
    char what[128];

    case_init(net, 1, D, S, ctx);
    for (it = 0; it < test_iters(24); it++)
    {
        int kind = (int) (it % 4), rational = it % 3 != 0;
        slong grid[2];
        random_case(net, D, &r, kind, rational);
        if (D->d == 2)
        {
            grid[0] = test_range(&r, 1, 30);
            grid[1] = test_range(&r, 2, 30);
        }
        else
            grid[0] = test_range(&r, 1, 400);
        snprintf(what, sizeof what, "seed %lu, case %ld (kind %d, %s)",
                 (unsigned long) seed, (long) it, kind,
                 rational ? "rationals" : "integers");
        run_grid(S, net, D, grid, ctx, 1, CPWL_BATCH_AUTO, 0);
        ck_assert_int_eq(S->npoints, D->d == 2 ? grid[0] * grid[1] : grid[0]);
        check_exact(S, net, D, 64, seed, what);
        check_regions(S, net, D, seed, what);
        if (it % 2 == 0)
        {
            run_random(S, net, D, 500, (ulong) it, ctx);
            check_exact(S, net, D, 64, seed, what);
            check_regions(S, net, D, seed, what);
        }
    }
    case_clear(net, D, S, ctx);
}
END_TEST

START_TEST(test_integer_grids)
{
    /* Weights in [-3, 3] on [-3,3]^2 with 7 x 7 and 13 x 13 grids: many
       boundaries run through grid points, and many neurons vanish on
       whole regions.  No point may be misfiled. */
    const ulong seed = (ulong) test_seed(77);
    test_rng r = {seed};
    static const slong g7[2] = {7, 7}, g13[2] = {13, 13};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S;
    cpwl_pred_ctx_t ctx;
    slong it, resolved = 0, boundary = 0;
    char what[128];

    case_init(net, 1, D, S, ctx);
    test_dom_str(D, 2, "-3:3,-3:3", NULL, NULL);
    for (it = 0; it < test_iters(30); it++)
    {
        test_random_net(net, &r, 2, test_range(&r, 2, 4), 4, 0);
        snprintf(what, sizeof what, "seed %lu, net %ld", (unsigned long) seed,
                 (long) it);
        run_grid(S, net, D, it % 2 ? g13 : g7, ctx, 1, CPWL_BATCH_AUTO, 0);
        check_exact(S, net, D, 40, seed, what);
        check_regions(S, net, D, seed, what);
        resolved += S->nresolved;
        boundary += S->nboundary;
    }
    /* The case is the point of the test: both kinds occurred. */
    ck_assert_int_gt(resolved, 0);
    ck_assert_int_gt(boundary, 0);
    case_clear(net, D, S, ctx);
}
END_TEST

START_TEST(test_wide_patterns)
{
    /* 40 + 30 states: patterns of two words (the second layer's bits
       straddle the word boundary). */
    const ulong seed = (ulong) test_seed(8080);
    test_rng r = {seed};
    static const slong grid[2] = {40, 40};
    static const slong widths[2] = {40, 30};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S;
    cpwl_pred_ctx_t ctx;
    cpwl_net_layer_struct *L;
    slong l, i, j;

    case_init(net, 2, D, S, ctx);
    for (l = 0; l < 3; l++)
    {
        L = cpwl_net_add_layer(net, l < 2 ? CPWL_NET_RELU : CPWL_NET_IDENTITY,
                               l < 2 ? widths[l] : 1);
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), &r, 8);
            test_fmpq(L->b + i, &r, 8);
        }
    }
    cpwl_net_prepare(net);
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);
    run_grid(S, net, D, grid, ctx, 1, CPWL_BATCH_AUTO, 0);
    ck_assert_int_eq(S->nstates, 70);
    ck_assert_int_eq(S->words, 2);
    ck_assert_int_gt(S->npatterns, 10);
    check_exact(S, net, D, 64, seed, "wide");
    check_regions(S, net, D, seed, "wide");
    case_clear(net, D, S, ctx);
}
END_TEST

START_TEST(test_threads_kernels)
{
    /* 300 x 200 points (several chunks and many tiles): identical results
       for 1 and 2 threads with every kernel, and identical between the
       portable kernel and the others on nets whose points are all decided
       (with undecided points the patterns, counts and first points must
       still agree: the exact re-decision is the same). */
    const ulong seed = (ulong) test_seed(4242);
    test_rng r = {seed};
    static const slong grid[2] = {300, 200};
    static const int kernels[3] = {CPWL_BATCH_PORTABLE, CPWL_BATCH_AVX2, CPWL_BATCH_AVX512};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t A, B;
    cpwl_pred_ctx_t ctx;
    slong it, k, alldecided = 0;

    case_init(net, 1, D, A, ctx);
    cpwl_sample_init(B);
    test_dom_str(D, 2, "-2:3,-1:2", NULL, NULL);
    for (it = 0; it < test_iters(4); it++)
    {
        test_random_net(net, &r, 2, 3, 8, it < 2 ? 20 : 0);
        run_grid(A, net, D, grid, ctx, 1, CPWL_BATCH_PORTABLE, 1);
        alldecided += A->nundecided == 0;
        for (k = 0; k < 3; k++)
        {
            if (!cpwl_batch_kernel_available(kernels[k]))
                continue;
            run_grid(B, net, D, grid, ctx, 1, kernels[k], 2);
            ck_assert_int_eq(B->kernel, kernels[k]);
            ck_assert_msg(same_sample(A, B, A->nundecided == 0),
                          "seed %lu net %ld: kernel %s with 2 threads differs "
                          "from portable with 1", (unsigned long) seed,
                          (long) it, cpwl_batch_kernel_name(kernels[k]));
            run_grid(A, net, D, grid, ctx, 1, kernels[k], 1);
            ck_assert_msg(same_sample(A, B, 1), "seed %lu net %ld: kernel %s: "
                          "1 and 2 threads differ", (unsigned long) seed,
                          (long) it, cpwl_batch_kernel_name(kernels[k]));
            run_grid(A, net, D, grid, ctx, 1, CPWL_BATCH_PORTABLE, 1);
        }
    }
    /* The rational nets leave no point undecided. */
    ck_assert_int_ge(alldecided, 2);
    cpwl_sample_clear(B);
    case_clear(net, D, A, ctx);
}
END_TEST

START_TEST(test_threads_resolve)
{
    /* The vanishing net on a 301 x 301 grid of [-1,1]^2: the dead neuron
       leaves every point undecided, so all are re-decided exactly (in
       parallel with 2 threads); the 601 points on the axes are boundary
       points, the other 90000 inside.  Identical results and predicate
       counts for 1 and 2 threads. */
    static const slong grid[2] = {301, 301};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t A, B;
    cpwl_pred_ctx_t c1, c2;

    cpwl_net_init(net, 2);
    cpwl_dom_init(D);
    cpwl_sample_init(A);
    cpwl_sample_init(B);
    cpwl_pred_ctx_init(c1);
    cpwl_pred_ctx_init(c2);
    vanishing_net(net);
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);
    run_grid(A, net, D, grid, c1, 1, CPWL_BATCH_AUTO, 1);
    run_grid(B, net, D, grid, c2, 1, CPWL_BATCH_AUTO, 2);
    ck_assert_int_eq(A->nundecided, 301 * 301);
    ck_assert_int_eq(A->nboundary, 601);
    ck_assert_int_eq(A->nresolved, 90000);
    ck_assert_int_eq(A->npatterns, 4);
    ck_assert(same_sample(A, B, 1));
    ck_assert_uint_eq(c1->by_double, c2->by_double);
    ck_assert_uint_eq(c1->by_arb, c2->by_arb);
    ck_assert_uint_eq(c1->by_exact, c2->by_exact);
    cpwl_sample_clear(A);
    cpwl_sample_clear(B);
    cpwl_pred_ctx_clear(c1);
    cpwl_pred_ctx_clear(c2);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_random_mode)
{
    /* Random points: reproducible for a seed; another seed gives other
       points (and not the same stream shifted); every point lies in
       [lo, hi) and is recomputed exactly; a 3-D box too. */
    const ulong seed = (ulong) test_seed(99);
    test_rng r = {seed};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t A, B, C;
    cpwl_pred_ctx_t ctx;
    fmpq *y, *z;
    slong i, j, shifted = 0;

    case_init(net, 1, D, A, ctx);
    cpwl_sample_init(B);
    cpwl_sample_init(C);
    test_random_net(net, &r, 3, 3, 8, 8);
    test_dom_str(D, 3, "-3:2,-2:1/3,-5/7:3/7", NULL, NULL);
    run_random(A, net, D, 3000, 5, ctx);
    run_random(B, net, D, 3000, 5, ctx);
    run_random(C, net, D, 3000, 6, ctx);
    ck_assert_int_eq(A->mode, CPWL_SAMPLE_RANDOM);
    ck_assert_uint_eq(A->seed, 5);
    ck_assert(same_sample(A, B, 1));
    /* Several regions with thousands of points: other points, other
       counts. */
    ck_assert_int_ge(A->npatterns, 5);
    ck_assert(!same_sample(A, C, 0));
    check_exact(A, net, D, 64, seed, "random 3-D");
    check_regions(A, net, D, seed, "random 3-D");

    y = _fmpq_vec_init(3);
    z = _fmpq_vec_init(3);
    for (i = 0; i < 3000; i++)
    {
        cpwl_sample_point(y, A, i);
        for (j = 0; j < 3; j++)
            ck_assert_msg(fmpq_cmp(y + j, D->lo + j) >= 0
                          && fmpq_cmp(y + j, D->hi + j) < 0,
                          "random point %ld not in [lo, hi)", (long) i);
        cpwl_sample_point(z, C, i);
        ck_assert(!qvec_equal(y, z, 3));
        /* Seed 6 is not seed 5 shifted by one number. */
        if (i > 0)
        {
            cpwl_sample_point(z, C, i - 1);
            fmpq_set(z + 0, z + 1);
            fmpq_set(z + 1, z + 2);
            cpwl_sample_point(y, A, i);
            shifted += fmpq_equal(z + 1, y + 2);
        }
    }
    ck_assert_int_eq(shifted, 0);
    _fmpq_vec_clear(y, 3);
    _fmpq_vec_clear(z, 3);
    cpwl_sample_clear(B);
    cpwl_sample_clear(C);
    case_clear(net, D, A, ctx);
}
END_TEST

START_TEST(test_find)
{
    /* cpwl_sample_find returns each pattern's index and -1 for the others. */
    static const slong grid[2] = {10, 10};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S;
    cpwl_pred_ctx_t ctx;
    uint64_t w;
    slong k;

    case_init(net, 2, D, S, ctx);
    quadrant_net(net, "0");
    test_dom_str(D, 2, "0:1,-1:1", NULL, NULL);  /* x > 0: patterns 1 and 3 */
    run_grid(S, net, D, grid, ctx, 1, CPWL_BATCH_AUTO, 0);
    /* The first column x = 0 zeroes the first neuron: 10 boundary points
       (y = -1 + 2i/9 is never 0).  The other 90 have x on: patterns 1
       (y off) and 3. */
    ck_assert_int_eq(S->nboundary, 10);
    ck_assert_int_eq(S->npatterns, 2);
    for (k = 0; k < 4; k++)
    {
        w = (uint64_t) k;
        ck_assert_int_eq(cpwl_sample_find(S, &w), k == 1 ? 0 : k == 3 ? 1 : -1);
    }
    w = 17;
    ck_assert_int_eq(cpwl_sample_find(S, &w), -1);
    case_clear(net, D, S, ctx);
}
END_TEST

/* ---- stopping and errors ---------------------------------------------- */

typedef struct
{
    volatile sig_atomic_t *flag;
    slong calls, last_done, total;
}
progress_state;

static void stop_after_first(void *data, slong done, slong total)
{
    progress_state *p = data;
    p->calls++;
    ck_assert_int_gt(done, p->last_done);
    p->last_done = done;
    p->total = total;
    *p->flag = 1;
}

START_TEST(test_interrupt)
{
    /* Stopped after the first chunk: what was done is kept, and it is
       exactly the sample of that many random points. */
    const ulong seed = (ulong) test_seed(31337);
    test_rng r = {seed};
    volatile sig_atomic_t flag = 0;
    progress_state ps = {&flag, 0, 0, 0};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S, T;
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts o;
    cpwl_err_t e;

    case_init(net, 1, D, S, ctx);
    cpwl_sample_init(T);
    cpwl_err_init(e);
    test_random_net(net, &r, 2, 2, 4, 8);
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);
    cpwl_sample_opts_init(&o, ctx);
    o.mode = CPWL_SAMPLE_RANDOM;
    o.npoints = 300000;
    o.interrupt = &flag;
    o.progress = stop_after_first;
    o.progress_data = &ps;
    ck_assert_int_eq(cpwl_sample_run(S, net, D, &o, e), CPWL_OK);
    ck_assert_int_eq(S->stopped, 1);
    ck_assert_int_eq(ps.calls, 1);
    ck_assert_int_eq(ps.total, 300000);
    ck_assert_int_eq(ps.last_done, S->npoints);
    ck_assert_int_eq(S->planned, 300000);
    ck_assert(S->npoints > 0 && S->npoints < 300000);
    run_random(T, net, D, S->npoints, o.seed, ctx);
    ck_assert(same_sample(S, T, 1));

    /* Interrupted before the start: nothing done. */
    o.progress = NULL;
    ck_assert_int_eq(cpwl_sample_run(S, net, D, &o, e), CPWL_OK);
    ck_assert_int_eq(S->stopped, 1);
    ck_assert_int_eq(S->npoints, 0);
    ck_assert_int_eq(S->npatterns, 0);

    cpwl_sample_clear(T);
    case_clear(net, D, S, ctx);
}
END_TEST

/* cpwl_sample_run must refuse with an input error whose message contains
   `needle`. */
static void expect_refused(const cpwl_net_t net, const cpwl_dom_t D,
                           const cpwl_sample_opts *o, const char *needle)
{
    cpwl_sample_t S;
    cpwl_err_t e;
    int st;
    cpwl_sample_init(S);
    cpwl_err_init(e);
    st = cpwl_sample_run(S, net, D, o, e);
    ck_assert_msg(st == CPWL_ERR_INPUT, "expected an input error (%s), got "
                  "status %d", needle, st);
    ck_assert_msg(strstr(e->msg, needle) != NULL, "message \"%s\" lacks "
                  "\"%s\"", e->msg, needle);
    ck_assert_int_eq(S->npatterns, 0);
    cpwl_sample_clear(S);
}

START_TEST(test_input_errors)
{
    static const slong g2[2] = {100, 100}, g3[3] = {2, 2, 2};
    static const slong gz[2] = {5, 0};
    static const slong gbig[2] = {WORD(1) << 40, WORD(1) << 40};
    cpwl_net_t net;
    cpwl_dom_t D, A, L;
    cpwl_sample_t S;
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts o;
    cpwl_err_t e;

    case_init(net, 2, D, S, ctx);
    cpwl_dom_init(A);
    cpwl_dom_init(L);
    quadrant_net(net, "0");
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);
    cpwl_dom_set_all(A, 2);
    test_dom_str(L, 3, "0:1", NULL, "0,0,0;1,1,1");
    cpwl_sample_opts_init(&o, ctx);
    o.grid = g2;
    o.ngrid = 2;

    /* The defaults. */
    ck_assert_int_eq(o.mode, CPWL_SAMPLE_GRID);
    ck_assert_uint_eq(o.seed, 1);
    ck_assert_int_eq(o.kernel, CPWL_BATCH_AUTO);
    ck_assert_int_eq(o.resolve, 1);
    ck_assert_int_eq(o.max_points, CPWL_SAMPLE_DEFAULT_MAX_POINTS);
    ck_assert_ptr_eq(o.pred, ctx);

    expect_refused(net, A, &o, "`box`");
    expect_refused(net, L, &o, "inputs");       /* a line in R^3 */
    o.grid = g3;
    o.ngrid = 3;
    expect_refused(net, D, &o, "3 axes");
    o.grid = gz;
    o.ngrid = 2;
    expect_refused(net, D, &o, "at least 1");
    o.grid = gbig;
    o.max_points = WORD_MAX;
    expect_refused(net, D, &o, "overflow");
    o.grid = g2;
    o.max_points = 9999;
    expect_refused(net, D, &o, "`max_points`");
    o.max_points = 10000;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_sample_run(S, net, D, &o, e), CPWL_OK);
    ck_assert_int_eq(S->npoints, 10000);
    o.mode = CPWL_SAMPLE_RANDOM;
    o.npoints = 0;
    expect_refused(net, D, &o, "at least 1 point");
    o.npoints = 10001;
    expect_refused(net, D, &o, "10001");

    cpwl_dom_clear(A);
    cpwl_dom_clear(L);
    case_clear(net, D, S, ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sample");
    TCase *th = tcase_create("hand nets");
    TCase *tr = tcase_create("random nets");
    TCase *te = tcase_create("errors");

    tcase_add_test(th, test_quadrants);
    tcase_add_test(th, test_resolved);
    tcase_add_test(th, test_vanishing);
    tcase_add_test(th, test_find);
    tcase_add_test(tr, test_random_nets);
    tcase_add_test(tr, test_integer_grids);
    tcase_add_test(tr, test_wide_patterns);
    tcase_add_test(tr, test_threads_kernels);
    tcase_add_test(tr, test_threads_resolve);
    tcase_add_test(tr, test_random_mode);
    tcase_add_test(te, test_interrupt);
    tcase_add_test(te, test_input_errors);
    /* generous: valgrind runs and slow machines */
    tcase_set_timeout(th, 300);
    tcase_set_timeout(tr, 600);
    tcase_set_timeout(te, 300);
    suite_add_tcase(s, th);
    suite_add_tcase(s, tr);
    suite_add_tcase(s, te);
    return test_run(s);
}
