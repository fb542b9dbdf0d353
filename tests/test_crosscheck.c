/* The exact path checking the fast one: on seeded random nets in 1, 2 and
   3 dimensions no contradiction, and the figures (points per region,
   missed regions, sizes) agree with the sample and the exact regions
   recomputed here; tent maps with a coarse grid miss regions of size
   2^-k; a degenerate net counted by hand; and corrupted inputs are
   reported as contradictions. */
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

/* The tent t(s) = 2 relu(s) - 4 relu(s - 1/2) composed k times: 2^k
   activation regions on [0, 1], each of length 2^-k. */
static void tent_net(cpwl_net_t net, slong k)
{
    cpwl_net_layer_struct *L;
    slong l;
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    for (l = 0; l < k; l++)
    {
        L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
        test_set_row(L, 0, l ? "2,-4" : "1", "0");
        test_set_row(L, 1, l ? "2,-4" : "1", "-1/2");
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "2,-4", "0");
    cpwl_net_prepare(net);
}

/* ---- running and checking ------------------------------------------- */

/* The objects of a test: a net of n inputs, a domain, a cross-check and
   a predicate context. */
static void case_init(cpwl_net_t net, slong n, cpwl_dom_t D, cpwl_crosscheck_t X,
                      cpwl_pred_ctx_t ctx)
{
    cpwl_net_init(net, n);
    cpwl_dom_init(D);
    cpwl_crosscheck_init(X);
    cpwl_pred_ctx_init(ctx);
}

static void case_clear(cpwl_net_t net, cpwl_dom_t D, cpwl_crosscheck_t X, cpwl_pred_ctx_t ctx)
{
    cpwl_crosscheck_clear(X);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}

/* Options for a grid (grid != NULL) or a random sample of npoints. */
static void sopts_set(cpwl_sample_opts *so, cpwl_pred_ctx_t ctx, const slong *grid,
                      slong ngrid, slong npoints)
{
    cpwl_sample_opts_init(so, ctx);
    if (grid != NULL)
    {
        so->grid = grid;
        so->ngrid = ngrid;
    }
    else
    {
        so->mode = CPWL_SAMPLE_RANDOM;
        so->npoints = npoints;
        so->seed = 12345;
    }
}

/* The d-volume of the box. */
static double box_volume(const cpwl_dom_t D)
{
    fmpq_t v, t;
    slong j;
    double r;
    fmpq_init(v);
    fmpq_init(t);
    fmpq_one(v);
    for (j = 0; j < D->d; j++)
    {
        fmpq_sub(t, D->hi + j, D->lo + j);
        fmpq_mul(v, v, t);
    }
    r = fmpq_get_d(v);
    fmpq_clear(v);
    fmpq_clear(t);
    return r;
}

/* A finished run without contradictions, its figures recomputed: points
   per region from the sample's own counts (cpwl_sample_find of the region's
   packed pattern), missed regions, sizes adding up to the box (d <= 2,
   with vertices), the largest missed size. */
static void check_consistent(const cpwl_crosscheck_t X, const cpwl_dom_t D,
                             const cpwl_net_t net, int verts, ulong seed,
                             const char *what)
{
    const cpwl_regions_struct *R = X->R;
    const cpwl_sample_struct *S = X->S;
    slong i, l, j, sum = 0, missed = 0, zero = 0, ns = R->nstates;
    uint64_t *w = flint_malloc(S->words * sizeof(uint64_t));
    double total = 0, maxmiss = -1;
    fmpq **z;
    cpwl_net_t g;

    if (X->contradictions != 0)
    {
        test_dump(net, D, seed);
        ck_abort_msg("%s: %ld contradictions (%ld not regions, %ld "
                     "mismatches)", what, (long) X->contradictions,
                     (long) X->not_regions, (long) X->mismatches);
    }
    ck_assert_int_eq(X->not_regions, 0);
    ck_assert_int_eq(X->mismatches, 0);
    ck_assert_int_le(S->npatterns, R->ncells);
    for (i = 0; i < R->ncells; i++)
    {
        slong k, expect;
        batch_pack(w, R->cells[i].state, ns);
        k = cpwl_sample_find(S, w);
        expect = k < 0 ? 0 : S->counts[k];
        ck_assert_msg(X->region_points[i] == expect, "%s: region %ld has %ld "
                      "points, the sample %ld", what, (long) i,
                      (long) X->region_points[i], (long) expect);
        sum += expect;
        if (expect == 0)
            missed++;
        if (D->d <= 2 && verts)
        {
            ck_assert_msg(X->region_size[i] > 0, "%s: region %ld has no "
                          "size", what, (long) i);
            total += X->region_size[i];
            if (expect == 0)
                maxmiss = FLINT_MAX(maxmiss, X->region_size[i]);
        }
        else
            ck_assert(X->region_size[i] == -1);
    }
    /* An interior point with an exact zero pre-activation (a neuron
       vanishing on the region) cannot be decided in double. */
    cpwl_net_init(g, D->d);
    cpwl_dom_restrict_net(g, net, D);
    z = cpwl_net_preacts_init(g);
    for (i = 0; i < R->ncells; i++)
    {
        int has = 0;
        cpwl_net_preacts_fmpq(z, g, R->cells[i].point);
        for (l = 0; l < g->nlayers; l++)
            for (j = 0; g->layers[l].act != CPWL_NET_IDENTITY
                        && j < g->layers[l].out; j++)
                has |= fmpq_is_zero(z[l] + j);
        zero += has;
    }
    cpwl_net_preacts_clear(z, g);
    cpwl_net_clear(g);
    ck_assert_int_ge(X->interior_undecided, zero);
    ck_assert_int_le(X->interior_undecided, R->ncells);
    /* Every sampled pattern is some region's. */
    ck_assert_int_eq(sum, S->ndecided + S->nresolved);
    ck_assert_int_eq(missed, X->missed);
    ck_assert_int_eq(X->missed, R->ncells - S->npatterns);
    ck_assert(X->missed_max_size == maxmiss);
    if (D->d <= 2 && verts)
    {
        double vol = box_volume(D);
        ck_assert_msg(fabs(total - vol) <= 1e-9 * vol, "%s: sizes add up to "
                      "%.17g, the box has %.17g", what, total, vol);
    }
    flint_free(w);
}

/* A cross-check that must finish, every figure recomputed as
   check_consistent does. */
static void run_cc(cpwl_crosscheck_t X, const cpwl_net_t net, const cpwl_dom_t D,
                   const cpwl_sample_opts *so, int verts, ulong seed,
                   const char *what)
{
    cpwl_regions_opts ro;
    cpwl_err_t e;
    int st;
    cpwl_regions_opts_init(&ro, so->pred);
    ro.points = 1;
    ro.verts = verts;
    cpwl_err_init(e);
    st = cpwl_crosscheck_run(X, net, D, &ro, so, e);
    if (st != CPWL_OK)
    {
        test_dump(net, D, seed);
        ck_abort_msg("crosscheck_run: status %d: %s", st, e->msg);
    }
    ck_assert_int_eq(X->S->stopped, 0);
    ck_assert_int_eq(X->R->stopped, CPWL_REGIONS_DONE);
    check_consistent(X, D, net, verts, seed, what);
}

/* ---- random nets ------------------------------------------------------- */

START_TEST(test_random_low_dim)
{
    /* 1-D (a 1-input box, a line in R^3) and 2-D (a box, a slice of R^3),
       grid and random samples, rational and integer weights. */
    const ulong seed = (ulong) test_seed(515);
    test_rng r = {seed};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_crosscheck_t X;
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts so;
    slong it;
    char box[64], x0[64], u[64], v[64], sl[256], what[128];

    case_init(net, 1, D, X, ctx);
    for (it = 0; it < test_iters(60); it++)
    {
        int kind = (int) (it % 4), bits = it % 3 == 0 ? 0 : 1;
        slong n = kind == 0 ? 1 : kind == 2 ? 2 : 3, d = kind <= 1 ? 1 : 2;
        slong grid[2];
        if (bits == 0)
            test_random_net(net, &r, n, test_range(&r, 2, 3), 6, 0);
        else
            test_rich_net(net, &r, n, test_range(&r, 2, 4), 8);
        test_random_box(box, sizeof box, &r, d);
        if (kind == 0 || kind == 2)
            test_dom_str(D, n, box, NULL, NULL);
        else
        {
            cpwl_err_t e;
            int st;
            test_random_vec(x0, sizeof x0, &r, n, 0);
            do
            {
                test_random_vec(u, sizeof u, &r, n, 1);
                test_random_vec(v, sizeof v, &r, n, 1);
                if (kind == 1)
                    snprintf(sl, sizeof sl, "%s;%s", x0, u);
                else
                    snprintf(sl, sizeof sl, "%s;%s;%s", x0, u, v);
                cpwl_err_init(e);
                st = cpwl_dom_set_str(D, n, box, kind == 3 ? sl : NULL,
                                      kind == 1 ? sl : NULL, e);
            }
            while (st != CPWL_OK);      /* parallel u, v: draw again */
        }
        snprintf(what, sizeof what, "seed %lu, case %ld (kind %d, %s)",
                 (unsigned long) seed, (long) it, kind,
                 bits ? "rationals" : "integers");
        grid[0] = d == 1 ? test_range(&r, 1, 300) : test_range(&r, 1, 40);
        grid[1] = test_range(&r, 1, 40);
        if (it % 2 == 0)
            sopts_set(&so, ctx, grid, d, 0);
        else
            sopts_set(&so, ctx, NULL, 0, 800);
        run_cc(X, net, D, &so, 1, seed, what);
    }
    case_clear(net, D, X, ctx);
}
END_TEST

START_TEST(test_random_3d)
{
    /* A small 3-D box: exact regions by the n-D method, sizes unknown. */
    const ulong seed = (ulong) test_seed(3);
    test_rng r = {seed};
    static const slong grid[3] = {9, 8, 7};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_crosscheck_t X;
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts so;
    slong it;
    char what[64];

    case_init(net, 1, D, X, ctx);
    test_dom_str(D, 3, "-1:1,-2:1,0:3/2", NULL, NULL);
    for (it = 0; it < test_iters(8); it++)
    {
        if (it % 2)
            test_rich_net(net, &r, 3, test_range(&r, 2, 3), 6);
        else
            test_random_net(net, &r, 3, 2, 5, 0);
        snprintf(what, sizeof what, "seed %lu, 3-D net %ld",
                 (unsigned long) seed, (long) it);
        sopts_set(&so, ctx, grid, 3, 0);
        run_cc(X, net, D, &so, 1, seed, what);
        ck_assert(X->missed_max_size == -1);
    }
    case_clear(net, D, X, ctx);
}
END_TEST

/* ---- closed forms ------------------------------------------------------ */

START_TEST(test_tent)
{
    /* t^6 on [0,1]: 64 regions of length 2^-6.  A 10-point grid (i/9:
       the tent keeps the denominator 9, so only x = 0 and x = 1, where
       t(1) = 0 feeds the next layer a 0, are on boundaries) finds at most
       8 of them; a 1000-point grid (spacing < 2^-6) finds all. */
    static const slong g10[1] = {10}, g1000[1] = {1000};
    const double len = ldexp(1.0, -6);
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_crosscheck_t X;
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts so;
    slong i;

    case_init(net, 1, D, X, ctx);
    tent_net(net, 6);
    test_dom_str(D, 1, "0:1", NULL, NULL);

    sopts_set(&so, ctx, g10, 1, 0);
    run_cc(X, net, D, &so, 1, 0, "tent^6, 10 points");
    ck_assert_int_eq(X->R->ncells, 64);
    ck_assert_int_eq(X->S->nboundary, 2);
    ck_assert_int_eq(X->S->ndecided + X->S->nresolved, 8);
    ck_assert_int_le(X->S->npatterns, 8);
    ck_assert_int_ge(X->missed, 56);
    for (i = 0; i < 64; i++)
        ck_assert(X->region_size[i] == len);
    ck_assert(X->missed_max_size == len);

    sopts_set(&so, ctx, g1000, 1, 0);
    run_cc(X, net, D, &so, 1, 0, "tent^6, 1000 points");
    ck_assert_int_eq(X->S->npatterns, 64);
    ck_assert_int_eq(X->missed, 0);
    ck_assert(X->missed_max_size == -1);

    /* Without vertices the sizes are not known. */
    sopts_set(&so, ctx, g10, 1, 0);
    run_cc(X, net, D, &so, 0, 0, "tent^6, no vertices");
    ck_assert(X->missed_max_size == -1);

    case_clear(net, D, X, ctx);
}
END_TEST

START_TEST(test_degenerate)
{
    /* Boundaries x = 0 (twice: x and 2x), y = 0, x + y = 0, x - y = 0
       through the origin, a dead neuron, then relu(relu(x) + relu(y)),
       which vanishes on the whole quadrant x <= 0, y <= 0: 8 regions (the
       sectors).  On the 13 x 13 grid of [-3,3]^2 (step 1/2) the four
       lines hold 4 * 13 - 3 = 49 points; of the other 120, the 30 off
       the diagonal in the open negative quadrant have the vanishing
       neuron at exactly 0 and are re-decided as region points. */
    static const slong grid[2] = {13, 13};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_crosscheck_t X;
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts so;
    cpwl_net_layer_struct *L;
    slong i;

    case_init(net, 2, D, X, ctx);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 6);
    test_set_row(L, 0, "1,0", "0");
    test_set_row(L, 1, "0,1", "0");
    test_set_row(L, 2, "1,1", "0");
    test_set_row(L, 3, "1,-1", "0");
    test_set_row(L, 4, "2,0", "0");
    test_set_row(L, 5, "0,0", "-1");
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 1);
    test_set_row(L, 0, "1,1,0,0,0,0", "0");
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "1", "0");
    cpwl_net_prepare(net);
    test_dom_str(D, 2, "-3:3,-3:3", NULL, NULL);

    sopts_set(&so, ctx, grid, 2, 0);
    run_cc(X, net, D, &so, 1, 0, "degenerate");
    ck_assert_int_eq(X->R->ncells, 8);
    ck_assert_int_eq(X->S->npatterns, 8);
    ck_assert_int_eq(X->S->nboundary, 49);
    ck_assert_int_eq(X->S->nresolved, 30);
    ck_assert_int_eq(X->S->ndecided, 90);
    ck_assert_int_eq(X->missed, 0);
    /* The two sectors of the negative quadrant have the second layer's
       neuron at exactly 0 (undecided in double), the others none. */
    ck_assert_int_eq(X->interior_undecided, 2);
    /* Each sector of the square [-3,3]^2 is a triangle of area 9/2. */
    for (i = 0; i < 8; i++)
        ck_assert(X->region_size[i] == 4.5);
    case_clear(net, D, X, ctx);
}
END_TEST

/* ---- contradictions are detected ---------------------------------------- */

START_TEST(test_detects)
{
    /* relu(x), relu(y) on [-1,1]^2, 10 x 10 grid: 4 regions, all sampled.
       Flipping bit 0 of the region (off, off) makes it (on, off): the
       sampled pattern (off, off) is then no region (its first point,
       index 0 at (-1,-1), has the exact pattern 00), and the interior
       point of the corrupted region gets a decided bit 0 where the region
       says 1.  Restoring the bit restores a clean comparison. */
    static const slong grid[2] = {10, 10};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_crosscheck_t X;
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts so;
    cpwl_net_layer_struct *L;
    cpwl_err_t e;

    case_init(net, 2, D, X, ctx);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    test_set_row(L, 0, "1,0", "0");
    test_set_row(L, 1, "0,1", "0");
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "1,1", "0");
    cpwl_net_prepare(net);
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);
    sopts_set(&so, ctx, grid, 2, 0);
    run_cc(X, net, D, &so, 1, 0, "quadrants");
    ck_assert_int_eq(X->R->ncells, 4);
    ck_assert_int_eq(X->missed, 0);

    /* cpwl_regions_sort: cell 0 has the pattern 00. */
    ck_assert(X->R->cells[0].state[0] == 0 && X->R->cells[0].state[1] == 0);
    X->R->cells[0].state[0] = 1;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_crosscheck_compare(X, net, D, &so, e), CPWL_OK);
    ck_assert_int_eq(X->not_regions, 1);
    ck_assert_int_eq(X->bad_patterns[0], 0);
    ck_assert_uint_eq(X->S->patterns[X->bad_patterns[0]], 0);
    ck_assert(X->bad_exact[0] == 0 && X->bad_exact[1] == 0);
    ck_assert_int_eq(X->mismatches, 1);
    ck_assert_int_eq(X->bad_regions[0], 0);
    ck_assert_int_eq(X->contradictions, 2);
    /* The corrupted cell and the true (on, off) cell share a pattern now:
       their points are counted once, not twice. */
    ck_assert_int_eq(X->region_points[0] + X->region_points[2], 25);

    X->R->cells[0].state[0] = 0;
    ck_assert_int_eq(cpwl_crosscheck_compare(X, net, D, &so, e), CPWL_OK);
    check_consistent(X, D, net, 1, 0, "quadrants restored");

    /* A corrupted sample: its last pattern 3 (both on) becomes 7, with a
       bit beyond the two states that no region has (the list stays
       sorted). */
    X->S->patterns[3] = 7;
    ck_assert_int_eq(cpwl_crosscheck_compare(X, net, D, &so, e), CPWL_OK);
    ck_assert_int_eq(X->not_regions, 1);
    ck_assert_int_eq(X->bad_patterns[0], 3);
    /* Its first point (index 55, in x > 0, y > 0) is exactly 11. */
    ck_assert(X->bad_exact[0] == 1 && X->bad_exact[1] == 1);
    ck_assert_int_eq(X->mismatches, 0);
    ck_assert_int_eq(X->contradictions, 1);
    ck_assert_int_eq(X->missed, 1);

    case_clear(net, D, X, ctx);
}
END_TEST

/* ---- stopping and errors ---------------------------------------------- */

START_TEST(test_stopped_and_errors)
{
    static const slong g1000[1] = {1000};
    volatile sig_atomic_t flag = 1;
    cpwl_net_t net;
    cpwl_dom_t D, A;
    cpwl_crosscheck_t X;
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts so;
    cpwl_regions_opts ro;
    cpwl_err_t e;

    case_init(net, 1, D, X, ctx);
    cpwl_dom_init(A);
    tent_net(net, 5);
    test_dom_str(D, 1, "0:1", NULL, NULL);
    cpwl_dom_set_all(A, 1);
    cpwl_regions_opts_init(&ro, ctx);
    ro.points = 1;
    sopts_set(&so, ctx, g1000, 1, 0);

    /* The sample interrupted: OK, nothing compared. */
    so.interrupt = &flag;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_crosscheck_run(X, net, D, &ro, &so, e), CPWL_OK);
    ck_assert_int_eq(X->S->stopped, 1);
    ck_assert_ptr_null(X->region_points);
    ck_assert_int_eq(X->contradictions, 0);

    /* The regions cut at 10 of 32: OK, nothing compared. */
    so.interrupt = NULL;
    ro.max_regions = 10;
    ck_assert_int_eq(cpwl_crosscheck_run(X, net, D, &ro, &so, e), CPWL_OK);
    ck_assert_int_eq(X->R->stopped, CPWL_REGIONS_STOP_LIMIT);
    ck_assert_ptr_null(X->region_points);

    /* An unbounded domain is an input error. */
    ro.max_regions = CPWL_REGIONS_DEFAULT_MAX;
    ck_assert_int_eq(cpwl_crosscheck_run(X, net, A, &ro, &so, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "`box`"));

    /* Without points asked for, crosscheck asks for them itself. */
    ro.points = 0;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_crosscheck_run(X, net, D, &ro, &so, e), CPWL_OK);
    ck_assert_int_eq(X->R->ncells, 32);
    ck_assert_int_eq(X->contradictions, 0);
    ck_assert_int_eq(X->missed, 0);

    cpwl_dom_clear(A);
    case_clear(net, D, X, ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crosscheck");
    TCase *tr = tcase_create("random nets");
    TCase *tc = tcase_create("closed forms");
    TCase *te = tcase_create("contradictions and errors");

    tcase_add_test(tr, test_random_low_dim);
    tcase_add_test(tr, test_random_3d);
    tcase_add_test(tc, test_tent);
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(te, test_detects);
    tcase_add_test(te, test_stopped_and_errors);
    /* generous: valgrind runs and slow machines */
    tcase_set_timeout(tr, 600);
    tcase_set_timeout(tc, 300);
    tcase_set_timeout(te, 300);
    suite_add_tcase(s, tr);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, te);
    return test_run(s);
}
