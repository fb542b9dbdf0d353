/* Tests of the n-D region algorithm (the exact LP wrapper: test_lp.c; the
   carried forms and the bounding boxes: test_nd_box.c).

   cpwl_regions_nd: counts against closed forms (braid arrangement n!, Shi
   arrangement (n+1)^(n-1), generic arrangements sum_{i<=d} C(m,i)), small
   nets counted by hand (two layers, degenerate neurons, cancelling kinks,
   cells meeting only in a point or a line), boxes, the stop conditions,
   and on seeded random nets independent checks: every cell's interior
   point has the cell's pattern (exact forward pass), patterns are
   distinct, the pattern at random points is one of the cells, maps equal
   the forms' maps, cells of one linear region share their map, and in
   d = 1 and d = 2 the counts equal those of cpwl_regions_1d and cpwl_regions_2d
   (different algorithms, without LP). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"
#include "qvec.h"

/* One seed per process (CPWL_TEST_SEED mixes into it). */
#define SEED test_seed_once(20261128)

/* ---- building nets -------------------------------------------------- */

/* Set row i of layer L from small integers over den (weights, bias). */
static void set_row_si(cpwl_net_layer_struct *L, slong i, slong den,
                       const slong *w, slong b)
{
    slong j;
    for (j = 0; j < L->in; j++)
        fmpq_set_si(fmpq_mat_entry(L->W, i, j), w[j], den);
    fmpq_set_si(L->b + i, b, den);
}

/* Identity output layer: the sum of the previous layer (weights w, or
   all ones when w is NULL). */
static void add_sum_output(cpwl_net_t net, const slong *w)
{
    slong k, in = cpwl_net_output_dim(net);
    cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (k = 0; k < in; k++)
        fmpq_set_si(fmpq_mat_entry(L->W, 0, k), w ? w[k] : 1, 1);
    cpwl_net_prepare(net);
}

/* Hidden relu layer of the hyperplanes x_i - x_j - s = 0, i < j, for s
   in {0} (braid) or {0, 1} (Shi). */
static void braid_net(cpwl_net_t net, slong n, int shi)
{
    slong i, j, s, k = 0, m = n * (n - 1) / 2 * (shi ? 2 : 1);
    slong *w = flint_calloc(n, sizeof(slong));
    cpwl_net_layer_struct *L;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, m);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            for (s = 0; s <= shi; s++)
            {
                memset(w, 0, n * sizeof(slong));
                w[i] = 1;
                w[j] = -1;
                set_row_si(L, k++, 1, w, -s);
            }
    add_sum_output(net, NULL);
    flint_free(w);
}

/* m hyperplanes 1 + t x_1 + t^2 x_2 + ... + t^d x_d = 0, t = 1..m:
   normals on the moment curve, so every d of them are independent and
   no d+1 meet (Vandermonde): a generic arrangement. */
static void moment_net(cpwl_net_t net, slong d, slong m)
{
    slong k, i;
    slong *w = flint_malloc(d * sizeof(slong));
    cpwl_net_layer_struct *L;
    cpwl_net_clear(net);
    cpwl_net_init(net, d);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, m);
    for (k = 0; k < m; k++)
    {
        slong p = 1;
        for (i = 0; i < d; i++)
        {
            p *= k + 1;
            w[i] = p;
        }
        set_row_si(L, k, 1, w, 1);
    }
    add_sum_output(net, NULL);
    flint_free(w);
}

static slong binom(slong n, slong k)
{
    slong r = 1, i;
    for (i = 1; i <= k; i++)
        r = r * (n - k + i) / i;
    return r;
}

/* ---- running and checking -------------------------------------------- */

typedef struct
{
    slong cells, linear;
    int stopped;
    slong lps;
}
nd_result;

/* Cells of net on R^d (lo = NULL) or a box, with the independent checks:
   every interior point has its cell's pattern (exact forward pass), the
   patterns are distinct, the maps are those of cpwl_regions_cell_map, and
   the cells of one linear region share their map. */
static nd_result run_nd(const cpwl_net_t net, const fmpq *lo, const fmpq *hi,
                        int linear, slong max_regions)
{
    cpwl_regions_t R;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t pc;
    cpwl_err_t e;
    nd_result res;
    slong d = net->input_dim, m = cpwl_net_output_dim(net);
    slong ns = cpwl_net_num_states(net), i, j;
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    fmpq *gr = _fmpq_vec_init(m * d), *of = _fmpq_vec_init(m);

    cpwl_pred_ctx_init(pc);
    cpwl_regions_opts_init(&o, pc);
    o.linear = linear;
    o.points = 1;
    o.maps = 1;
    o.max_regions = max_regions;
    cpwl_err_init(e);
    cpwl_regions_init(R, d, m, ns);
    ck_assert_msg(cpwl_regions_nd(R, net, lo, hi, &o, e) == CPWL_OK, "%s",
                  e->msg);
    res.cells = R->stopped ? R->lower_bound : R->ncells;
    res.linear = R->nlinear;
    res.stopped = R->stopped;
    res.lps = R->lp_solved;
    if (R->stopped)
        goto done;
    for (i = 0; i < R->ncells; i++)
    {
        cpwl_regions_cell_struct *c = R->cells + i;
        ck_assert(c->point != NULL && c->grad != NULL);
        cpwl_net_pattern_exact(st, net, c->point);
        ck_assert_msg(memcmp(st, c->state, ns) == 0,
                      "cell %ld: the interior point has another pattern",
                      (long) i);
        if (lo != NULL)
            for (j = 0; j < d; j++)
                ck_assert(fmpq_cmp(lo + j, c->point + j) < 0
                          && fmpq_cmp(c->point + j, hi + j) < 0);
        cpwl_regions_cell_map(gr, of, net, c->state);
        for (j = 0; j < m * d; j++)
            ck_assert(fmpq_equal(gr + j, c->grad + j));
        for (j = 0; j < m; j++)
            ck_assert(fmpq_equal(of + j, c->offset + j));
    }
    /* distinct patterns: sort a copy of the pointers */
    for (i = 0; i < R->ncells; i++)
        for (j = i + 1; j < R->ncells && R->ncells <= 2000; j++)
            ck_assert_msg(memcmp(R->cells[i].state, R->cells[j].state,
                                 ns) != 0 || ns == 0,
                          "cells %ld and %ld share a pattern", (long) i,
                          (long) j);
    if (linear)
    {
        ck_assert(R->nlinear >= 1 && R->nlinear <= R->ncells);
        for (i = 0; i < R->ncells; i++)
            for (j = i + 1; j < R->ncells; j++)
                if (R->cells[i].linear == R->cells[j].linear)
                {
                    ck_assert(qvec_equal(R->cells[i].grad, R->cells[j].grad,
                                       m * d));
                    ck_assert(qvec_equal(R->cells[i].offset,
                                       R->cells[j].offset, m));
                }
    }
done:
    cpwl_regions_clear(R);
    cpwl_pred_ctx_clear(pc);
    flint_free(st);
    _fmpq_vec_clear(gr, m * d);
    _fmpq_vec_clear(of, m);
    return res;
}

static void check_counts(const cpwl_net_t net, const fmpq *lo, const fmpq *hi,
                         slong cells, slong linear, const char *what)
{
    nd_result r = run_nd(net, lo, hi, linear >= 0, 0);
    ck_assert_msg(r.stopped == CPWL_REGIONS_DONE, "%s: stopped", what);
    ck_assert_msg(r.cells == cells, "%s: %ld cells, expected %ld", what,
                  (long) r.cells, (long) cells);
    if (linear >= 0)
        ck_assert_msg(r.linear == linear, "%s: %ld linear regions, "
                      "expected %ld", what, (long) r.linear, (long) linear);
}

/* A box with the same bounds lo:hi in every coordinate (over den). */
static void set_box(fmpq *lo, fmpq *hi, slong d, slong a, slong b,
                    slong den)
{
    slong i;
    for (i = 0; i < d; i++)
    {
        fmpq_set_si(lo + i, a, den);
        fmpq_set_si(hi + i, b, den);
    }
}

/* ---- closed forms ----------------------------------------------------- */

START_TEST(test_nd_braid)
{
    /* The braid arrangement x_i = x_j has n! regions (one per ordering);
       the sum of relus has a different gradient on each.  In [-1,1]^3
       (around the common line) all 6 remain; in [1,2]x[3,4]x[5,6]
       only x_1 < x_2 < x_3. */
    cpwl_net_t net;
    fmpq *lo = _fmpq_vec_init(3), *hi = _fmpq_vec_init(3);
    slong i;
    cpwl_net_init(net, 1);
    braid_net(net, 3, 0);
    check_counts(net, NULL, NULL, 6, 6, "braid n=3");
    set_box(lo, hi, 3, -1, 1, 1);
    check_counts(net, lo, hi, 6, 6, "braid n=3 in [-1,1]^3");
    for (i = 0; i < 3; i++)
    {
        fmpq_set_si(lo + i, 2 * i + 1, 1);
        fmpq_set_si(hi + i, 2 * i + 2, 1);
    }
    check_counts(net, lo, hi, 1, 1, "braid n=3 in a far box");
    braid_net(net, 4, 0);
    check_counts(net, NULL, NULL, 24, 24, "braid n=4");
    cpwl_net_clear(net);
    _fmpq_vec_clear(lo, 3);
    _fmpq_vec_clear(hi, 3);
}
END_TEST

START_TEST(test_nd_shi)
{
    /* Shi arrangement x_i - x_j in {0, 1}: (n+1)^(n-1) regions.  For
       n = 3 every region has points with coordinates in (-2, 2) (all
       vertices of the quotient arrangement are within 4/3 of 0). */
    cpwl_net_t net;
    fmpq *lo = _fmpq_vec_init(3), *hi = _fmpq_vec_init(3);
    cpwl_net_init(net, 1);
    braid_net(net, 3, 1);
    check_counts(net, NULL, NULL, 16, -1, "Shi n=3");
    set_box(lo, hi, 3, -2, 2, 1);
    check_counts(net, lo, hi, 16, -1, "Shi n=3 in [-2,2]^3");
    braid_net(net, 4, 1);
    check_counts(net, NULL, NULL, 125, -1, "Shi n=4");
    cpwl_net_clear(net);
    _fmpq_vec_clear(lo, 3);
    _fmpq_vec_clear(hi, 3);
}
END_TEST

START_TEST(test_nd_generic)
{
    /* m generic hyperplanes in R^d: sum_{i=0}^{d} C(m, i) regions. */
    static const slong dm[][2] = {{2, 5}, {3, 6}, {3, 8}, {4, 7}, {1, 4}};
    cpwl_net_t net;
    slong k, i;
    char what[64];
    cpwl_net_init(net, 1);
    for (k = 0; k < 5; k++)
    {
        slong d = dm[k][0], m = dm[k][1], n = 0;
        for (i = 0; i <= d; i++)
            n += binom(m, i);
        moment_net(net, d, m);
        snprintf(what, sizeof what, "%ld generic hyperplanes in R^%ld",
                 (long) m, (long) d);
        check_counts(net, NULL, NULL, n, -1, what);
    }
    cpwl_net_clear(net);
}
END_TEST

/* ---- by hand ------------------------------------------------------------ */

/* relu(x_i) for each coordinate, then relu(sum - 1), identity output
   (slope: leaky slope of the first layer, or 0 for relu). */
static void two_layer_net(cpwl_net_t net, slong d, slong slope_num,
                          slong slope_den)
{
    slong i;
    slong *w = flint_calloc(d, sizeof(slong));
    cpwl_net_layer_struct *L;
    cpwl_net_clear(net);
    cpwl_net_init(net, d);
    L = cpwl_net_add_layer(net, slope_num ? CPWL_NET_LEAKY_RELU : CPWL_NET_RELU, d);
    if (slope_num)
        fmpq_set_si(L->slope, slope_num, slope_den);
    for (i = 0; i < d; i++)
    {
        memset(w, 0, d * sizeof(slong));
        w[i] = 1;
        set_row_si(L, i, 1, w, 0);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 1);
    for (i = 0; i < d; i++)
        w[i] = 1;
    set_row_si(L, 0, 1, w, -1);
    add_sum_output(net, NULL);
    flint_free(w);
}

START_TEST(test_nd_two_layers)
{
    /* d = 2: the quadrants, then z = relu(x) + relu(y) - 1 is x + y - 1,
       x - 1, y - 1 on the three quadrants with a positive coordinate
       (each cut in two) and -1 on the negative one: 3 * 2 + 1 = 7
       regions.  f = relu(z) is 0 on the four cells below (joined by the
       facets x = 0 (y < 0), y = 0 (x < 0) and y = 0 (0 < x < 1)) and
       x + y - 1, x - 1, y - 1 above: 4 linear regions.
       d = 3: 7 octants with a positive coordinate cut in two plus one:
       15 regions; the 8 cells below are joined, the 7 above have 7
       different maps: 8 linear regions.
       Leaky slope 1/2: z = x + y/2 - 1 etc. still cuts the same three
       quadrants (x + y/2 = 1 at (2, -2)), never the negative one: 7
       regions, 4 linear ones.  Leaky slope 1: the first layer is the
       identity in disguise (its states still count): 7 regions, f =
       relu(x + y - 1) has 2 linear regions. */
    cpwl_net_t net;
    cpwl_net_init(net, 1);
    two_layer_net(net, 2, 0, 1);
    check_counts(net, NULL, NULL, 7, 4, "two layers, d = 2");
    two_layer_net(net, 3, 0, 1);
    check_counts(net, NULL, NULL, 15, 8, "two layers, d = 3");
    two_layer_net(net, 2, 1, 2);
    check_counts(net, NULL, NULL, 7, 4, "two layers, leaky 1/2");
    two_layer_net(net, 2, 1, 1);
    check_counts(net, NULL, NULL, 7, 2, "two layers, leaky 1");
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_nd_degenerate)
{
    /* In R^3: neurons x, x, -x, 2x (one plane, both orientations), 0 (dead
       everywhere), 1 and -1 (constant): 2 regions.  f = relu(x) -
       relu(-x) = x: the kink cancels, 1 linear region. */
    static const slong rows[][4] = {
        {1, 0, 0, 0}, {1, 0, 0, 0}, {-1, 0, 0, 0}, {2, 0, 0, 0},
        {0, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, -1}};
    static const slong wout[] = {1, 0, -1, 0, 5, 0, 0};
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    slong i;
    cpwl_net_init(net, 3);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 7);
    for (i = 0; i < 7; i++)
        set_row_si(L, i, 1, rows[i], rows[i][3]);
    add_sum_output(net, wout);
    check_counts(net, NULL, NULL, 2, 1, "degenerate layer");
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_nd_touching)
{
    /* f = relu(x) + relu(y) - relu(x + y): three planes through the
       w-axis, 6 regions.  f = 0 on x, y > 0 and on x, y < 0, which meet
       only in the line x = y = 0 (dimension 1 < d - 1 = 2): not merged.
       The other four cells have maps -y, x, -x, y: 6 linear regions.
       The same in R^2, where the two cells meet in a point.  In R^1,
       relu(x) - relu(x) = 0 has 2 activation regions and 1 linear
       region (the kink cancels). */
    static const slong r3[][3] = {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}};
    static const slong r2[][2] = {{1, 0}, {0, 1}, {1, 1}};
    static const slong w[] = {1, 1, -1};
    static const slong w1[] = {1, -1}, x1[] = {1};
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    slong i;
    cpwl_net_init(net, 3);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 3);
    for (i = 0; i < 3; i++)
        set_row_si(L, i, 1, r3[i], 0);
    add_sum_output(net, w);
    check_counts(net, NULL, NULL, 6, 6, "touching in a line");
    cpwl_net_clear(net);
    cpwl_net_init(net, 2);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 3);
    for (i = 0; i < 3; i++)
        set_row_si(L, i, 1, r2[i], 0);
    add_sum_output(net, w);
    check_counts(net, NULL, NULL, 6, 6, "touching in a point");
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    set_row_si(L, 0, 1, x1, 0);
    set_row_si(L, 1, 1, x1, 0);
    add_sum_output(net, w1);
    check_counts(net, NULL, NULL, 2, 1, "cancelled kink in R^1");
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_nd_box_and_1d)
{
    /* x_i - 1/2 for i = 1..3 and x_1 - 2: 3 * 2 * 2 = 12 regions on R^3,
       8 in [0,1]^3 (x_1 = 2 misses it).  In R^1: relu(x), relu(x - 1),
       relu(2 - x) cut at 0, 1, 2: 4 regions; f = relu(x) alone (output
       weights 1, 0, 0) has one kink: 2 linear regions. */
    static const slong rows[][3] = {{2, 0, 0}, {0, 2, 0}, {0, 0, 2},
                                    {1, 0, 0}};
    static const slong bias[] = {-1, -1, -1, -2};
    static const slong one[] = {1}, minus[] = {-1}, w[] = {1, 0, 0};
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    fmpq *lo = _fmpq_vec_init(3), *hi = _fmpq_vec_init(3);
    slong i;
    cpwl_net_init(net, 3);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 4);
    for (i = 0; i < 4; i++)
        set_row_si(L, i, 1, rows[i], bias[i]);
    add_sum_output(net, NULL);
    check_counts(net, NULL, NULL, 12, -1, "slabs on R^3");
    set_box(lo, hi, 3, 0, 1, 1);
    check_counts(net, lo, hi, 8, -1, "slabs in [0,1]^3");
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 3);
    set_row_si(L, 0, 1, one, 0);
    set_row_si(L, 1, 1, one, -1);
    set_row_si(L, 2, 1, minus, 2);
    add_sum_output(net, w);
    check_counts(net, NULL, NULL, 4, 2, "three kinks in R^1");
    cpwl_net_clear(net);
    _fmpq_vec_clear(lo, 3);
    _fmpq_vec_clear(hi, 3);
}
END_TEST

START_TEST(test_nd_stop)
{
    /* braid n = 4 has 24 regions: a limit of 5 stops with more than 5
       (a lower bound, at most 24); an interrupt raised before the start
       stops at the first LP. */
    cpwl_net_t net;
    cpwl_regions_t R;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t pc;
    cpwl_err_t e;
    volatile sig_atomic_t flag = 1;
    nd_result r;

    cpwl_net_init(net, 1);
    braid_net(net, 4, 0);
    r = run_nd(net, NULL, NULL, 1, 5);
    ck_assert_int_eq(r.stopped, CPWL_REGIONS_STOP_LIMIT);
    ck_assert(r.cells > 5 && r.cells <= 24);

    cpwl_pred_ctx_init(pc);
    cpwl_regions_opts_init(&o, pc);
    o.interrupt = &flag;
    cpwl_err_init(e);
    cpwl_regions_init(R, 4, 1, cpwl_net_num_states(net));
    ck_assert_int_eq(cpwl_regions_nd(R, net, NULL, NULL, &o, e), CPWL_OK);
    ck_assert_int_eq(R->stopped, CPWL_REGIONS_STOP_INTERRUPT);
    ck_assert(R->lower_bound >= 1 && R->lower_bound <= 24);
    cpwl_regions_clear(R);
    cpwl_pred_ctx_clear(pc);
    cpwl_net_clear(net);
}
END_TEST

/* ---- random nets -------------------------------------------------------- */

/* The pattern at random points is the pattern of some cell (the points
   have 40-bit denominators, so they avoid the boundaries of these small
   nets unless very unlucky; a point on a boundary would show as a
   failure with its seed). */
static void check_sample(const cpwl_net_t net, test_rng *r, uint64_t seed)
{
    cpwl_regions_t R;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t pc;
    cpwl_err_t e;
    slong d = net->input_dim, ns = cpwl_net_num_states(net), i, k, t;
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    fmpq *x = _fmpq_vec_init(d);

    cpwl_pred_ctx_init(pc);
    cpwl_regions_opts_init(&o, pc);
    cpwl_err_init(e);
    cpwl_regions_init(R, d, cpwl_net_output_dim(net), ns);
    ck_assert(cpwl_regions_nd(R, net, NULL, NULL, &o, e) == CPWL_OK);
    for (t = 0; t < 30; t++)
    {
        int found = 0;
        for (i = 0; i < d; i++)
            test_fmpq(x + i, r, 40);
        for (i = 0; i < d; i++)
            fmpq_mul_2exp(x + i, x + i, 4);
        cpwl_net_pattern_exact(st, net, x);
        for (k = 0; k < R->ncells && !found; k++)
            found = memcmp(st, R->cells[k].state, ns) == 0;
        ck_assert_msg(found, "seed %llu: a sample pattern is no cell",
                      (unsigned long long) seed);
    }
    cpwl_regions_clear(R);
    cpwl_pred_ctx_clear(pc);
    flint_free(st);
    _fmpq_vec_clear(x, d);
}

START_TEST(test_nd_random)
{
    static const int bits[] = {0, 8, 0, 30};
    test_rng r;
    cpwl_net_t net;
    slong i;
    cpwl_net_init(net, 1);
    for (i = 0; i < test_iters(40); i++)
    {
        uint64_t seed = SEED + i;
        slong d = 2 + i % 3;
        nd_result res;
        r.s = seed;
        test_random_net(net, &r, d, test_range(&r, 2, 3), 5, bits[i % 4]);
        res = run_nd(net, NULL, NULL, 1, 0);
        ck_assert(res.stopped == CPWL_REGIONS_DONE && res.cells >= 1);
        check_sample(net, &r, seed);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Random net with the activations of acts ('r' relu, 'l' leaky_relu,
   'i' identity), widths in [1, 4] (the last layer: 1 or 2 outputs),
   small integer weights. */
static void acts_net(cpwl_net_t net, test_rng *r, slong d, const char *acts)
{
    slong l, i, j, n = (slong) strlen(acts);
    cpwl_net_clear(net);
    cpwl_net_init(net, d);
    for (l = 0; l < n; l++)
    {
        cpwl_net_act_t act = acts[l] == 'r' ? CPWL_NET_RELU : acts[l] == 'l'
                        ? CPWL_NET_LEAKY_RELU : CPWL_NET_IDENTITY;
        slong w = l + 1 < n ? test_range(r, 1, 4) : test_range(r, 1, 2);
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, act, w);
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), r, 0);
            test_fmpq(L->b + i, r, 0);
        }
        if (act == CPWL_NET_LEAKY_RELU)
            fmpq_set_si(L->slope, test_range(r, -2, 2), 3);
    }
    cpwl_net_prepare(net);
}

START_TEST(test_nd_layers)
{
    /* Identity layers in the middle, relu and leaky output layers (with
       states of their own), two outputs, a net without states: the
       per-cell checks of run_nd (points, distinct patterns, maps equal
       to cpwl_regions_cell_map, one map per linear region), the pattern of
       random points among the cells, and in d = 2 the counts of
       cpwl_regions_2d.  By hand: relu(x + y) alone has 2 regions and 2 linear
       regions; leaky with slope 1 has 2 regions and 1 linear region; an
       identity net has 1 of each. */
    static const char *acts[] = {"rir", "ril", "rri", "lrl", "iri", "ii",
                                 "rrr"};
    static const slong one[] = {1, 1};
    test_rng r;
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    slong i, k;
    cpwl_net_init(net, 1);
    for (i = 0; i < test_iters(70); i++)
    {
        uint64_t seed = SEED + 4000 + i;
        slong d = 2 + i % 2;
        nd_result res;
        r.s = seed;
        acts_net(net, &r, d, acts[i % 7]);
        res = run_nd(net, NULL, NULL, 1, 0);
        ck_assert(res.stopped == CPWL_REGIONS_DONE);
        check_sample(net, &r, seed);
        if (d == 2)
        {
            cpwl_regions_t R;
            cpwl_regions_opts o;
            cpwl_pred_ctx_t pc;
            cpwl_err_t e;
            cpwl_pred_ctx_init(pc);
            cpwl_regions_opts_init(&o, pc);
            o.linear = 1;
            cpwl_err_init(e);
            cpwl_regions_init(R, 2, cpwl_net_output_dim(net), cpwl_net_num_states(net));
            ck_assert(cpwl_regions_2d(R, net, NULL, NULL, &o, e) == CPWL_OK);
            ck_assert_msg(res.cells == R->ncells && res.linear == R->nlinear,
                          "seed %llu: n-D %ld/%ld, 2-D %ld/%ld",
                          (unsigned long long) seed, (long) res.cells,
                          (long) res.linear, (long) R->ncells,
                          (long) R->nlinear);
            cpwl_regions_clear(R);
            cpwl_pred_ctx_clear(pc);
        }
    }
    for (k = 0; k < 3; k++)
    {
        cpwl_net_clear(net);
        cpwl_net_init(net, 2);
        L = cpwl_net_add_layer(net, k < 2 ? CPWL_NET_LEAKY_RELU : CPWL_NET_IDENTITY, 1);
        fmpq_set_si(L->slope, k, 1);            /* 0: relu, 1: linear */
        set_row_si(L, 0, 1, one, 0);
        cpwl_net_prepare(net);
        check_counts(net, NULL, NULL, k < 2 ? 2 : 1, k == 0 ? 2 : 1,
                     "one output neuron");
    }
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_nd_vs_1d)
{
    /* d = 1: the same counts as the 1-D algorithm (exact piecewise
       linear functions, no LP), on R and on [-2, 3]. */
    static const int bits[] = {0, 8, 30};
    test_rng r;
    cpwl_net_t net;
    slong i, box;
    fmpq_t lo, hi;
    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_set_si(lo, -2, 1);
    fmpq_set_si(hi, 3, 1);
    cpwl_net_init(net, 1);
    for (i = 0; i < test_iters(60); i++)
    {
        uint64_t seed = SEED + 1000 + i;
        r.s = seed;
        test_random_net(net, &r, 1, test_range(&r, 2, 4), 5, bits[i % 3]);
        for (box = 0; box < 2; box++)
        {
            cpwl_regions_t R;
            cpwl_regions_opts o;
            cpwl_pred_ctx_t pc;
            cpwl_err_t e;
            nd_result res = run_nd(net, box ? lo : NULL, box ? hi : NULL,
                                   1, 0);
            cpwl_pred_ctx_init(pc);
            cpwl_regions_opts_init(&o, pc);
            o.linear = 1;
            cpwl_err_init(e);
            cpwl_regions_init(R, 1, 1, cpwl_net_num_states(net));
            ck_assert(cpwl_regions_1d(R, net, box ? lo : NULL, box ? hi : NULL,
                                      &o, e) == CPWL_OK);
            ck_assert_msg(res.cells == R->ncells && res.linear == R->nlinear,
                          "seed %llu box %ld: n-D %ld/%ld, 1-D %ld/%ld",
                          (unsigned long long) seed, (long) box,
                          (long) res.cells, (long) res.linear,
                          (long) R->ncells, (long) R->nlinear);
            cpwl_regions_clear(R);
            cpwl_pred_ctx_clear(pc);
        }
    }
    cpwl_net_clear(net);
    fmpq_clear(lo);
    fmpq_clear(hi);
}
END_TEST

START_TEST(test_nd_vs_2d)
{
    /* d = 2: the same activation and linear region counts as the 2-D
       algorithm (exact polygon refinement and shared edges, no LP), on
       R^2 and on [-1, 2] x [-1, 2]. */
    static const int bits[] = {0, 8, 0, 30};
    test_rng r;
    cpwl_net_t net;
    slong i, box;
    fmpq *lo = _fmpq_vec_init(2), *hi = _fmpq_vec_init(2);
    set_box(lo, hi, 2, -1, 2, 1);
    cpwl_net_init(net, 1);
    for (i = 0; i < test_iters(60); i++)
    {
        uint64_t seed = SEED + 2000 + i;
        r.s = seed;
        test_random_net(net, &r, 2, test_range(&r, 2, 4), 5, bits[i % 4]);
        for (box = 0; box < 2; box++)
        {
            cpwl_regions_t R;
            cpwl_regions_opts o;
            cpwl_pred_ctx_t pc;
            cpwl_err_t e;
            nd_result res = run_nd(net, box ? lo : NULL, box ? hi : NULL,
                                   1, 0);
            cpwl_pred_ctx_init(pc);
            cpwl_regions_opts_init(&o, pc);
            o.linear = 1;
            cpwl_err_init(e);
            cpwl_regions_init(R, 2, 1, cpwl_net_num_states(net));
            ck_assert_msg(cpwl_regions_2d(R, net, box ? lo : NULL,
                                          box ? hi : NULL, &o, e) == CPWL_OK,
                          "%s", e->msg);
            ck_assert_msg(res.cells == R->ncells && res.linear == R->nlinear,
                          "seed %llu box %ld: n-D %ld/%ld, 2-D %ld/%ld",
                          (unsigned long long) seed, (long) box,
                          (long) res.cells, (long) res.linear,
                          (long) R->ncells, (long) R->nlinear);
            cpwl_regions_clear(R);
            cpwl_pred_ctx_clear(pc);
        }
    }
    cpwl_net_clear(net);
    _fmpq_vec_clear(lo, 2);
    _fmpq_vec_clear(hi, 2);
}
END_TEST

/* g(x, y, w_1, ..) = f(x + sum_k a_k w_k, y + sum_k b_k w_k): the cells
   of g are the cylinders over the cells of f (a linear surjection maps
   cells, facets and maps of g onto those of f), so both counts equal
   those of f. */
static void cylinder_net(cpwl_net_t g, const cpwl_net_t f, slong extra, test_rng *r)
{
    slong l, i, k;
    fmpq_t u;
    fmpq_init(u);
    cpwl_net_clear(g);
    cpwl_net_init(g, 2 + extra);
    for (l = 0; l < f->nlayers; l++)
    {
        const cpwl_net_layer_struct *F = f->layers + l;
        cpwl_net_layer_struct *L = cpwl_net_add_layer(g, F->act, F->out);
        fmpq_set(L->slope, F->slope);
        for (i = 0; i < F->out; i++)
        {
            fmpq_set(L->b + i, F->b + i);
            for (k = 0; k < F->in; k++)
                fmpq_set(fmpq_mat_entry(L->W, i, k),
                         fmpq_mat_entry(F->W, i, k));
        }
        if (l == 0)
            for (k = 0; k < extra; k++)
            {
                slong a = test_range(r, -2, 2), b = test_range(r, -2, 2);
                for (i = 0; i < F->out; i++)
                {
                    fmpq *t = fmpq_mat_entry(L->W, i, 2 + k);
                    fmpq_mul_si(t, fmpq_mat_entry(F->W, i, 0), a);
                    fmpq_mul_si(u, fmpq_mat_entry(F->W, i, 1), b);
                    fmpq_add(t, t, u);
                }
            }
    }
    cpwl_net_prepare(g);
    fmpq_clear(u);
}

START_TEST(test_nd_cylinder)
{
    static const int bits[] = {0, 8, 0};
    test_rng r;
    cpwl_net_t f, g;
    slong i;
    cpwl_net_init(f, 1);
    cpwl_net_init(g, 1);
    for (i = 0; i < test_iters(24); i++)
    {
        uint64_t seed = SEED + 3000 + i;
        slong extra = 1 + i % 2;
        cpwl_regions_t R;
        cpwl_regions_opts o;
        cpwl_pred_ctx_t pc;
        cpwl_err_t e;
        nd_result res;
        r.s = seed;
        test_random_net(f, &r, 2, test_range(&r, 2, 3), 5, bits[i % 3]);
        cylinder_net(g, f, extra, &r);
        res = run_nd(g, NULL, NULL, 1, 0);
        cpwl_pred_ctx_init(pc);
        cpwl_regions_opts_init(&o, pc);
        o.linear = 1;
        cpwl_err_init(e);
        cpwl_regions_init(R, 2, 1, cpwl_net_num_states(f));
        ck_assert(cpwl_regions_2d(R, f, NULL, NULL, &o, e) == CPWL_OK);
        ck_assert_msg(res.cells == R->ncells && res.linear == R->nlinear,
                      "seed %llu: R^%ld %ld/%ld, 2-D %ld/%ld",
                      (unsigned long long) seed, (long) (2 + extra),
                      (long) res.cells, (long) res.linear,
                      (long) R->ncells, (long) R->nlinear);
        cpwl_regions_clear(R);
        cpwl_pred_ctx_clear(pc);
    }
    cpwl_net_clear(f);
    cpwl_net_clear(g);
}
END_TEST

/* Stops checked where no LP runs: relu(x) on R splits at x = 0, where
   the start point lies (z(p) = 0 cuts, no LP).  A raised interrupt and a
   limit of 1 must both stop that split; without them it completes with
   two cells and no LP at all (so the stops cannot come from nd_slack). */
START_TEST(test_nd_stop_without_lp)
{
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    cpwl_regions_t R;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t pc;
    cpwl_err_t e;
    volatile sig_atomic_t flag = 0;
    int pass;

    cpwl_net_init(net, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 1);
    fmpq_one(fmpq_mat_entry(L->W, 0, 0));
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    fmpq_one(fmpq_mat_entry(L->W, 0, 0));
    cpwl_net_prepare(net);
    cpwl_err_init(e);
    for (pass = 0; pass < 3; pass++)
    {
        cpwl_pred_ctx_init(pc);
        cpwl_regions_opts_init(&o, pc);
        o.interrupt = &flag;
        flag = pass == 1;
        o.max_regions = pass == 2 ? 1 : 0;
        cpwl_regions_init(R, 1, 1, cpwl_net_num_states(net));
        ck_assert_int_eq(cpwl_regions_nd(R, net, NULL, NULL, &o, e), CPWL_OK);
        ck_assert_int_eq(R->lp_solved, 0);
        if (pass == 0)
        {
            ck_assert_int_eq(R->stopped, 0);
            ck_assert_int_eq(R->ncells, 2);
        }
        else
        {
            ck_assert_int_eq(R->stopped, pass == 1 ? CPWL_REGIONS_STOP_INTERRUPT
                                                   : CPWL_REGIONS_STOP_LIMIT);
            ck_assert(R->lower_bound >= 1 && R->lower_bound <= 2);
        }
        cpwl_regions_clear(R);
        cpwl_pred_ctx_clear(pc);
    }
    cpwl_net_clear(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nd");
    TCase *tr = tcase_create("regions_nd");
    tcase_set_timeout(tr, 300);
    tcase_add_test(tr, test_nd_braid);
    tcase_add_test(tr, test_nd_shi);
    tcase_add_test(tr, test_nd_generic);
    tcase_add_test(tr, test_nd_two_layers);
    tcase_add_test(tr, test_nd_degenerate);
    tcase_add_test(tr, test_nd_touching);
    tcase_add_test(tr, test_nd_box_and_1d);
    tcase_add_test(tr, test_nd_stop);
    tcase_add_test(tr, test_nd_random);
    tcase_add_test(tr, test_nd_layers);
    tcase_add_test(tr, test_nd_vs_1d);
    tcase_add_test(tr, test_nd_vs_2d);
    tcase_add_test(tr, test_nd_cylinder);
    tcase_add_test(tr, test_nd_stop_without_lp);
    suite_add_tcase(s, tr);
    return test_run(s);
}
