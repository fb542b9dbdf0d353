/* Tests of the exact LP wrapper and of the n-D region algorithm.

   LP: problems solved by hand (optimum and point), infeasible systems,
   feasible sets of lower dimension (max slack 0), equality rows, the
   t <= 1 cap, unbounded objectives; lp_interior on the same cases and
   against the exact LP on random degenerate systems.

   regions_nd: counts against closed forms (braid arrangement n!, Shi
   arrangement (n+1)^(n-1), generic arrangements sum_{i<=d} C(m,i)), small
   nets counted by hand (two layers, degenerate neurons, cancelling kinks,
   cells meeting only in a point or a line), boxes, the stop conditions,
   and on seeded random nets independent checks: every cell's interior
   point has the cell's pattern (exact forward pass), patterns are
   distinct, the pattern at random points is one of the cells, maps equal
   the forms' maps, cells of one linear region share their map, and in
   d = 1 and d = 2 the counts equal those of regions_1d and regions_2d
   (different algorithms, without LP). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"
#include "qvec.h"
#include "regions_nd_impl.h"

/* One seed per process (CPWL_TEST_SEED mixes into it), drawn once. */
static uint64_t nd_seed(void)
{
    static int have = 0;
    static uint64_t s;
    if (!have)
    {
        s = test_seed(20261128);
        have = 1;
    }
    return s;
}
#define SEED nd_seed()

/* ---- LP -------------------------------------------------------------- */

/* Append the row "a_1 .. a_d b" given as small integers over den. */
static void lp_row(lp_t P, int eq, slong den, const slong *v)
{
    slong i;
    fmpq *r = lp_add_row_zero(P, eq);
    for (i = 0; i <= P->d; i++)
        fmpq_set_si(r + i, v[i], den);
}

static int q_eq(const fmpq_t a, slong p, slong q)
{
    fmpq_t b;
    int r;
    fmpq_init(b);
    fmpq_set_si(b, p, q);
    r = fmpq_equal(a, b);
    fmpq_clear(b);
    return r;
}

/* The point x meets every equality exactly and every inequality >= t. */
static void check_slack_point(const lp_t P, const fmpq_t t, const fmpq *x)
{
    slong i, k, c = P->d + 1;
    fmpq_t v;
    fmpq_init(v);
    for (i = 0; i < P->m; i++)
    {
        fmpq_set(v, P->rows + i * c + P->d);
        for (k = 0; k < P->d; k++)
            fmpq_addmul(v, P->rows + i * c + k, x + k);
        if (P->eq[i])
            ck_assert_msg(fmpq_is_zero(v), "equality row %ld violated",
                          (long) i);
        else
            ck_assert_msg(fmpq_cmp(v, t) >= 0, "row %ld below the slack",
                          (long) i);
    }
    fmpq_clear(v);
}

START_TEST(test_lp_triangle)
{
    /* x >= 0, y >= 0, 1 - x - y >= 0: min(x, y, 1 - x - y) is largest
       (1/3) at the centroid only; 3x + 2y + 5 is 8 at (1, 0) and 5 at
       the origin. */
    static const slong r1[] = {1, 0, 0}, r2[] = {0, 1, 0},
        r3[] = {-1, -1, 1}, obj[] = {3, 2, 5};
    lp_t P;
    fmpq_t t;
    fmpq *x = _fmpq_vec_init(2), *o = _fmpq_vec_init(3);
    slong i;

    lp_init(P, 2);
    fmpq_init(t);
    lp_row(P, 0, 1, r1);
    lp_row(P, 0, 1, r2);
    lp_row(P, 0, 1, r3);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(q_eq(t, 1, 3) && q_eq(x + 0, 1, 3) && q_eq(x + 1, 1, 3));
    for (i = 0; i < 3; i++)
        fmpq_set_si(o + i, obj[i], 1);
    ck_assert_int_eq(lp_optimize(t, x, P, o, 1), LP_OPTIMAL);
    ck_assert(q_eq(t, 8, 1) && q_eq(x + 0, 1, 1) && q_eq(x + 1, 0, 1));
    ck_assert_int_eq(lp_optimize(t, x, P, o, 0), LP_OPTIMAL);
    ck_assert(q_eq(t, 5, 1) && q_eq(x + 0, 0, 1) && q_eq(x + 1, 0, 1));
    /* the same through the array interface */
    ck_assert_int_eq(lp_max_slack_rows(t, x, P->rows, NULL, 3, 2),
                     LP_OPTIMAL);
    ck_assert(q_eq(t, 1, 3));
    lp_clear(P);
    fmpq_clear(t);
    _fmpq_vec_clear(x, 2);
    _fmpq_vec_clear(o, 3);
}
END_TEST

START_TEST(test_lp_rational)
{
    /* x/3 - 1/7 >= t and 1 - x/5 >= t: equal when 8x/15 = 8/7, so
       x = 15/7 and t = 4/7 (below the cap 1). */
    lp_t P;
    fmpq_t t;
    fmpq *r, x[1];
    lp_init(P, 1);
    fmpq_init(t);
    fmpq_init(x);
    r = lp_add_row_zero(P, 0);
    fmpq_set_si(r + 0, 1, 3);
    fmpq_set_si(r + 1, -1, 7);
    r = lp_add_row_zero(P, 0);
    fmpq_set_si(r + 0, -1, 5);
    fmpq_set_si(r + 1, 1, 1);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(q_eq(t, 4, 7) && q_eq(x, 15, 7));
    lp_clear(P);
    fmpq_clear(t);
    fmpq_clear(x);
}
END_TEST

START_TEST(test_lp_cube)
{
    /* Unit cube in R^3: the slack min(x_i, 1 - x_i) is 1/2 at the centre
       only.  The cube [0, 4]^3: the cap t <= 1 binds, t = 1, and any x in
       [1, 3]^3 is optimal. */
    lp_t P;
    fmpq_t t;
    fmpq *x = _fmpq_vec_init(3);
    slong i, side;
    lp_init(P, 3);
    fmpq_init(t);
    for (side = 1; side <= 4; side += 3)
    {
        lp_reset(P, 3);
        for (i = 0; i < 3; i++)
        {
            slong lo[4] = {0, 0, 0, 0}, hi[4] = {0, 0, 0, 0};
            lo[i] = 1;
            hi[i] = -1;
            hi[3] = side;
            lp_row(P, 0, 1, lo);
            lp_row(P, 0, 1, hi);
        }
        ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
        check_slack_point(P, t, x);
        if (side == 1)
        {
            ck_assert(q_eq(t, 1, 2));
            for (i = 0; i < 3; i++)
                ck_assert(q_eq(x + i, 1, 2));
        }
        else
            ck_assert(q_eq(t, 1, 1));
    }
    /* no rows at all: t = 1 */
    lp_reset(P, 3);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(q_eq(t, 1, 1));
    lp_clear(P);
    fmpq_clear(t);
    _fmpq_vec_clear(x, 3);
}
END_TEST

START_TEST(test_lp_equality)
{
    /* x + y = 1, x >= 0, y >= 0: the slack is 1/2 at (1/2, 1/2); the
       smallest x on that segment is 0 at (0, 1).  With x = y as well
       the segment is cut to the point (1/2, 1/2). */
    static const slong e1[] = {1, 1, -1}, r1[] = {1, 0, 0},
        r2[] = {0, 1, 0}, e2[] = {1, -1, 0};
    lp_t P;
    fmpq_t t;
    fmpq *x = _fmpq_vec_init(2), *o = _fmpq_vec_init(3);
    lp_init(P, 2);
    fmpq_init(t);
    lp_row(P, 1, 1, e1);
    lp_row(P, 0, 1, r1);
    lp_row(P, 0, 1, r2);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(q_eq(t, 1, 2) && q_eq(x + 0, 1, 2) && q_eq(x + 1, 1, 2));
    check_slack_point(P, t, x);
    fmpq_one(o + 0);
    ck_assert_int_eq(lp_optimize(t, x, P, o, 0), LP_OPTIMAL);
    ck_assert(q_eq(t, 0, 1) && q_eq(x + 0, 0, 1) && q_eq(x + 1, 1, 1));
    lp_row(P, 1, 1, e2);
    ck_assert_int_eq(lp_optimize(t, x, P, o, 1), LP_OPTIMAL);
    ck_assert(q_eq(t, 1, 2) && q_eq(x + 1, 1, 2));
    lp_clear(P);
    fmpq_clear(t);
    _fmpq_vec_clear(x, 2);
    _fmpq_vec_clear(o, 3);
}
END_TEST

START_TEST(test_lp_infeasible)
{
    /* x = 2 and x = 3: no point at all.  x >= 1 and x <= 0: no point,
       but the slack LP is feasible with t = min(x - 1, -x) = -1/2 at
       x = 1/2.  The objective is x, bounded on both sides by the rows,
       so the only possible answer is primal infeasibility. */
    static const slong e1[] = {1, 0, -2}, e2[] = {1, 0, -3},
        r1[] = {1, 0, -1}, r2[] = {-1, 0, 0};
    lp_t P;
    fmpq_t t;
    fmpq *x = _fmpq_vec_init(2), *o = _fmpq_vec_init(3);
    lp_init(P, 2);
    fmpq_init(t);
    lp_row(P, 1, 1, e1);
    lp_row(P, 1, 1, e2);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_INFEASIBLE);
    fmpq_one(o + 0);
    ck_assert_int_eq(lp_optimize(t, x, P, o, 1), LP_INFEASIBLE);
    lp_reset(P, 2);
    lp_row(P, 0, 1, r1);
    lp_row(P, 0, 1, r2);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(q_eq(t, -1, 2) && q_eq(x + 0, 1, 2));
    ck_assert_int_eq(lp_optimize(t, x, P, o, 0), LP_INFEASIBLE);
    lp_clear(P);
    fmpq_clear(t);
    _fmpq_vec_clear(x, 2);
    _fmpq_vec_clear(o, 3);
}
END_TEST

START_TEST(test_lp_lowdim)
{
    /* x >= 0, y >= 0, -x - y >= 0 is the origin alone: nonempty, no
       interior, so the slack is exactly 0 (at the origin).  x >= 0,
       -x >= 0 in R^2 is a line: slack 0 with x = 0.  x >= 0 and
       1/2 - x >= 0 with the equality x = 1: the slack is
       min(1, 1/2 - 1) = -1/2. */
    static const slong a[] = {1, 0, 0}, b[] = {0, 1, 0}, c[] = {-1, -1, 0},
        nega[] = {-1, 0, 0}, half[] = {-2, 0, 1}, e[] = {1, 0, -1};
    lp_t P;
    fmpq_t t;
    fmpq *x = _fmpq_vec_init(2);
    lp_init(P, 2);
    fmpq_init(t);
    lp_row(P, 0, 1, a);
    lp_row(P, 0, 1, b);
    lp_row(P, 0, 1, c);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(fmpq_is_zero(t) && fmpq_is_zero(x) && fmpq_is_zero(x + 1));
    lp_reset(P, 2);
    lp_row(P, 0, 1, a);
    lp_row(P, 0, 1, nega);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(fmpq_is_zero(t) && fmpq_is_zero(x));
    lp_reset(P, 2);
    lp_row(P, 0, 1, a);
    lp_row(P, 0, 2, half);     /* -x + 1/2 */
    lp_row(P, 1, 1, e);
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(q_eq(t, -1, 2) && q_eq(x, 1, 1));
    lp_clear(P);
    fmpq_clear(t);
    _fmpq_vec_clear(x, 2);
}
END_TEST

START_TEST(test_lp_unbounded)
{
    static const slong a[] = {1, 0, 0};
    lp_t P;
    fmpq_t t;
    fmpq *x = _fmpq_vec_init(2), *o = _fmpq_vec_init(3);
    lp_init(P, 2);
    fmpq_init(t);
    /* no rows: a nonzero objective is unbounded, a constant one is it */
    fmpq_one(o + 0);
    ck_assert_int_eq(lp_optimize(t, x, P, o, 1), LP_UNBOUNDED);
    fmpq_zero(o + 0);
    fmpq_set_si(o + 2, 7, 3);
    ck_assert_int_eq(lp_optimize(t, x, P, o, 0), LP_OPTIMAL);
    ck_assert(q_eq(t, 7, 3));
    /* x >= 0: max x unbounded, min x = 0 */
    lp_row(P, 0, 1, a);
    fmpq_one(o + 0);
    fmpq_zero(o + 2);
    ck_assert_int_eq(lp_optimize(t, x, P, o, 1), LP_UNBOUNDED);
    ck_assert_int_eq(lp_optimize(t, x, P, o, 0), LP_OPTIMAL);
    ck_assert(fmpq_is_zero(t) && fmpq_is_zero(x));
    /* the slack LP is bounded by its cap */
    ck_assert_int_eq(lp_max_slack(t, x, P), LP_OPTIMAL);
    ck_assert(q_eq(t, 1, 1));
    check_slack_point(P, t, x);
    lp_clear(P);
    fmpq_clear(t);
    _fmpq_vec_clear(x, 2);
    _fmpq_vec_clear(o, 3);
}
END_TEST

/* The point x makes every equality row 0 and every other row > 0. */
static void check_interior_point(const lp_t P, const fmpq *x)
{
    fmpq_t z;
    fmpq_init(z);
    fmpq_zero(z);
    check_slack_point(P, z, x);
    {
        slong i, k, c = P->d + 1;
        fmpq_t v;
        fmpq_init(v);
        for (i = 0; i < P->m; i++)
            if (!P->eq[i])
            {
                fmpq_set(v, P->rows + i * c + P->d);
                for (k = 0; k < P->d; k++)
                    fmpq_addmul(v, P->rows + i * c + k, x + k);
                ck_assert_msg(fmpq_sgn(v) > 0, "row %ld not > 0", (long) i);
            }
        fmpq_clear(v);
    }
    fmpq_clear(z);
}

START_TEST(test_lp_interior_hand)
{
    /* The cases above, through lp_interior: the triangle and x + y = 1
       with x, y >= 0 have interior (relative to the equality); the
       origin alone, a line, x = 1 with x <= 1/2 and x = 2 with x = 3 do
       not; no rows at all is all of R^2. */
    static const slong a[] = {1, 0, 0}, b[] = {0, 1, 0}, c3[] = {-1, -1, 1},
        c0[] = {-1, -1, 0}, nega[] = {-1, 0, 0}, half[] = {-2, 0, 1},
        e1[] = {1, 0, -1}, e2[] = {1, 0, -2}, e3[] = {1, 0, -3},
        s1[] = {1, 1, -1};
    lp_t P;
    fmpq *x = _fmpq_vec_init(2);
    lp_init(P, 2);

    lp_row(P, 0, 1, a);
    lp_row(P, 0, 1, b);
    lp_row(P, 0, 1, c3);
    ck_assert_int_eq(lp_interior(x, P), 1);
    check_interior_point(P, x);

    lp_reset(P, 2);
    lp_row(P, 1, 1, s1);
    lp_row(P, 0, 1, a);
    lp_row(P, 0, 1, b);
    ck_assert_int_eq(lp_interior(x, P), 1);
    check_interior_point(P, x);

    lp_reset(P, 2);
    lp_row(P, 0, 1, a);
    lp_row(P, 0, 1, b);
    lp_row(P, 0, 1, c0);
    ck_assert_int_eq(lp_interior(x, P), 0);

    lp_reset(P, 2);
    lp_row(P, 0, 1, a);
    lp_row(P, 0, 1, nega);
    ck_assert_int_eq(lp_interior(x, P), 0);

    lp_reset(P, 2);
    lp_row(P, 0, 1, a);
    lp_row(P, 0, 2, half);
    lp_row(P, 1, 1, e1);
    ck_assert_int_eq(lp_interior(x, P), 0);

    lp_reset(P, 2);
    lp_row(P, 1, 1, e2);
    lp_row(P, 1, 1, e3);
    ck_assert_int_eq(lp_interior(x, P), 0);

    lp_reset(P, 2);
    ck_assert_int_eq(lp_interior(x, P), 1);
    lp_clear(P);
    _fmpq_vec_clear(x, 2);
}
END_TEST

START_TEST(test_lp_interior_random)
{
    /* lp_interior (double LP and certificates) against the exact LP on
       random systems: small integers (degenerate: parallel, repeated and
       opposite rows), rationals of 20 and 60 bits, some rows scaled to
       500 bits, with 0-2 equality rows, opposite pairs that leave no
       interior. */
    static const int bits[] = {0, 4, 20, 60};
    test_rng r;
    lp_t P;
    fmpq_t t;
    slong it;
    lp_init(P, 1);
    fmpq_init(t);
    r.s = SEED;
    for (it = 0; it < test_iters(800); it++)
    {
        slong d = test_range(&r, 1, 5), m = test_range(&r, 0, 12), i, j;
        slong neq = test_range(&r, 0, 3) == 0 ? test_range(&r, 1, 2) : 0;
        int bt = bits[test_range(&r, 0, 3)], s, e;
        fmpq *x = _fmpq_vec_init(d);
        lp_reset(P, d);
        for (i = 0; i < m + neq; i++)
        {
            fmpq *row = lp_add_row_zero(P, i >= m);
            for (j = 0; j <= d; j++)
                test_fmpq(row + j, &r, bt);
            if (i > 0 && test_range(&r, 0, 5) == 0)
                for (j = 0; j <= d; j++)
                    fmpq_neg(row + j, row - (d + 1) + j);
            if (test_range(&r, 0, 7) == 0)
                for (j = 0; j <= d; j++)        /* 500-bit rows */
                    fmpq_mul_2exp(row + j, row + j, 500);
        }
        s = lp_max_slack(t, x, P);
        ck_assert(s == LP_OPTIMAL || s == LP_INFEASIBLE);
        e = s == LP_OPTIMAL && fmpq_sgn(t) > 0;
        ck_assert_msg(lp_interior(x, P) == e, "system %ld", (long) it);
        if (e)
            check_interior_point(P, x);
        _fmpq_vec_clear(x, d);
    }
    /* most answers come from a certificate */
    ck_assert(P->by_certificate > 3 * P->by_exact);
    lp_clear(P);
    fmpq_clear(t);
}
END_TEST

/* ---- building nets -------------------------------------------------- */

/* Set row i of layer L from small integers over den (weights, bias). */
static void set_row_si(net_layer_struct *L, slong i, slong den,
                       const slong *w, slong b)
{
    slong j;
    for (j = 0; j < L->in; j++)
        fmpq_set_si(fmpq_mat_entry(L->W, i, j), w[j], den);
    fmpq_set_si(L->b + i, b, den);
}

/* Identity output layer: the sum of the previous layer (weights w, or
   all ones when w is NULL). */
static void add_sum_output(net_t net, const slong *w)
{
    slong k, in = net_output_dim(net);
    net_layer_struct *L = net_add_layer(net, NET_IDENTITY, 1);
    for (k = 0; k < in; k++)
        fmpq_set_si(fmpq_mat_entry(L->W, 0, k), w ? w[k] : 1, 1);
    net_prepare(net);
}

/* Hidden relu layer of the hyperplanes x_i - x_j - s = 0, i < j, for s
   in {0} (braid) or {0, 1} (Shi). */
static void braid_net(net_t net, slong n, int shi)
{
    slong i, j, s, k = 0, m = n * (n - 1) / 2 * (shi ? 2 : 1);
    slong *w = flint_calloc(n, sizeof(slong));
    net_layer_struct *L;
    net_clear(net);
    net_init(net, n);
    L = net_add_layer(net, NET_RELU, m);
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
static void moment_net(net_t net, slong d, slong m)
{
    slong k, i;
    slong *w = flint_malloc(d * sizeof(slong));
    net_layer_struct *L;
    net_clear(net);
    net_init(net, d);
    L = net_add_layer(net, NET_RELU, m);
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
   patterns are distinct, the maps are those of regions_cell_map, and
   the cells of one linear region share their map. */
static nd_result run_nd(const net_t net, const fmpq *lo, const fmpq *hi,
                        int linear, slong max_regions)
{
    regions_t R;
    regions_opts o;
    pred_ctx_t pc;
    err_t e;
    nd_result res;
    slong d = net->input_dim, m = net_output_dim(net);
    slong ns = net_num_states(net), i, j;
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    fmpq *gr = _fmpq_vec_init(m * d), *of = _fmpq_vec_init(m);

    pred_ctx_init(pc);
    regions_opts_init(&o, pc);
    o.linear = linear;
    o.points = 1;
    o.maps = 1;
    o.max_regions = max_regions;
    err_init(e);
    regions_init(R, d, m, ns);
    ck_assert_msg(regions_nd(R, net, lo, hi, &o, e) == CPWL_OK, "%s",
                  e->msg);
    res.cells = R->stopped ? R->lower_bound : R->ncells;
    res.linear = R->nlinear;
    res.stopped = R->stopped;
    res.lps = R->lp_solved;
    if (R->stopped)
        goto done;
    for (i = 0; i < R->ncells; i++)
    {
        regions_cell_struct *c = R->cells + i;
        ck_assert(c->point != NULL && c->grad != NULL);
        net_pattern_exact(st, net, c->point);
        ck_assert_msg(memcmp(st, c->state, ns) == 0,
                      "cell %ld: the interior point has another pattern",
                      (long) i);
        if (lo != NULL)
            for (j = 0; j < d; j++)
                ck_assert(fmpq_cmp(lo + j, c->point + j) < 0
                          && fmpq_cmp(c->point + j, hi + j) < 0);
        regions_cell_map(gr, of, net, c->state);
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
    regions_clear(R);
    pred_ctx_clear(pc);
    flint_free(st);
    _fmpq_vec_clear(gr, m * d);
    _fmpq_vec_clear(of, m);
    return res;
}

static void check_counts(const net_t net, const fmpq *lo, const fmpq *hi,
                         slong cells, slong linear, const char *what)
{
    nd_result r = run_nd(net, lo, hi, linear >= 0, 0);
    ck_assert_msg(r.stopped == REGIONS_DONE, "%s: stopped", what);
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
    net_t net;
    fmpq *lo = _fmpq_vec_init(3), *hi = _fmpq_vec_init(3);
    slong i;
    net_init(net, 1);
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
    net_clear(net);
    _fmpq_vec_clear(lo, 3);
    _fmpq_vec_clear(hi, 3);
}
END_TEST

START_TEST(test_nd_shi)
{
    /* Shi arrangement x_i - x_j in {0, 1}: (n+1)^(n-1) regions.  For
       n = 3 every region has points with coordinates in (-2, 2) (all
       vertices of the quotient arrangement are within 4/3 of 0). */
    net_t net;
    fmpq *lo = _fmpq_vec_init(3), *hi = _fmpq_vec_init(3);
    net_init(net, 1);
    braid_net(net, 3, 1);
    check_counts(net, NULL, NULL, 16, -1, "Shi n=3");
    set_box(lo, hi, 3, -2, 2, 1);
    check_counts(net, lo, hi, 16, -1, "Shi n=3 in [-2,2]^3");
    braid_net(net, 4, 1);
    check_counts(net, NULL, NULL, 125, -1, "Shi n=4");
    net_clear(net);
    _fmpq_vec_clear(lo, 3);
    _fmpq_vec_clear(hi, 3);
}
END_TEST

START_TEST(test_nd_generic)
{
    /* m generic hyperplanes in R^d: sum_{i=0}^{d} C(m, i) regions. */
    static const slong dm[][2] = {{2, 5}, {3, 6}, {3, 8}, {4, 7}, {1, 4}};
    net_t net;
    slong k, i;
    char what[64];
    net_init(net, 1);
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
    net_clear(net);
}
END_TEST

/* ---- by hand ------------------------------------------------------------ */

/* relu(x_i) for each coordinate, then relu(sum - 1), identity output
   (slope: leaky slope of the first layer, or 0 for relu). */
static void two_layer_net(net_t net, slong d, slong slope_num,
                          slong slope_den)
{
    slong i;
    slong *w = flint_calloc(d, sizeof(slong));
    net_layer_struct *L;
    net_clear(net);
    net_init(net, d);
    L = net_add_layer(net, slope_num ? NET_LEAKY_RELU : NET_RELU, d);
    if (slope_num)
        fmpq_set_si(L->slope, slope_num, slope_den);
    for (i = 0; i < d; i++)
    {
        memset(w, 0, d * sizeof(slong));
        w[i] = 1;
        set_row_si(L, i, 1, w, 0);
    }
    L = net_add_layer(net, NET_RELU, 1);
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
    net_t net;
    net_init(net, 1);
    two_layer_net(net, 2, 0, 1);
    check_counts(net, NULL, NULL, 7, 4, "two layers, d = 2");
    two_layer_net(net, 3, 0, 1);
    check_counts(net, NULL, NULL, 15, 8, "two layers, d = 3");
    two_layer_net(net, 2, 1, 2);
    check_counts(net, NULL, NULL, 7, 4, "two layers, leaky 1/2");
    two_layer_net(net, 2, 1, 1);
    check_counts(net, NULL, NULL, 7, 2, "two layers, leaky 1");
    net_clear(net);
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
    net_t net;
    net_layer_struct *L;
    slong i;
    net_init(net, 3);
    L = net_add_layer(net, NET_RELU, 7);
    for (i = 0; i < 7; i++)
        set_row_si(L, i, 1, rows[i], rows[i][3]);
    add_sum_output(net, wout);
    check_counts(net, NULL, NULL, 2, 1, "degenerate layer");
    net_clear(net);
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
    net_t net;
    net_layer_struct *L;
    slong i;
    net_init(net, 3);
    L = net_add_layer(net, NET_RELU, 3);
    for (i = 0; i < 3; i++)
        set_row_si(L, i, 1, r3[i], 0);
    add_sum_output(net, w);
    check_counts(net, NULL, NULL, 6, 6, "touching in a line");
    net_clear(net);
    net_init(net, 2);
    L = net_add_layer(net, NET_RELU, 3);
    for (i = 0; i < 3; i++)
        set_row_si(L, i, 1, r2[i], 0);
    add_sum_output(net, w);
    check_counts(net, NULL, NULL, 6, 6, "touching in a point");
    net_clear(net);
    net_init(net, 1);
    L = net_add_layer(net, NET_RELU, 2);
    set_row_si(L, 0, 1, x1, 0);
    set_row_si(L, 1, 1, x1, 0);
    add_sum_output(net, w1);
    check_counts(net, NULL, NULL, 2, 1, "cancelled kink in R^1");
    net_clear(net);
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
    net_t net;
    net_layer_struct *L;
    fmpq *lo = _fmpq_vec_init(3), *hi = _fmpq_vec_init(3);
    slong i;
    net_init(net, 3);
    L = net_add_layer(net, NET_RELU, 4);
    for (i = 0; i < 4; i++)
        set_row_si(L, i, 1, rows[i], bias[i]);
    add_sum_output(net, NULL);
    check_counts(net, NULL, NULL, 12, -1, "slabs on R^3");
    set_box(lo, hi, 3, 0, 1, 1);
    check_counts(net, lo, hi, 8, -1, "slabs in [0,1]^3");
    net_clear(net);
    net_init(net, 1);
    L = net_add_layer(net, NET_RELU, 3);
    set_row_si(L, 0, 1, one, 0);
    set_row_si(L, 1, 1, one, -1);
    set_row_si(L, 2, 1, minus, 2);
    add_sum_output(net, w);
    check_counts(net, NULL, NULL, 4, 2, "three kinks in R^1");
    net_clear(net);
    _fmpq_vec_clear(lo, 3);
    _fmpq_vec_clear(hi, 3);
}
END_TEST

START_TEST(test_nd_stop)
{
    /* braid n = 4 has 24 regions: a limit of 5 stops with more than 5
       (a lower bound, at most 24); an interrupt raised before the start
       stops at the first LP. */
    net_t net;
    regions_t R;
    regions_opts o;
    pred_ctx_t pc;
    err_t e;
    volatile sig_atomic_t flag = 1;
    nd_result r;

    net_init(net, 1);
    braid_net(net, 4, 0);
    r = run_nd(net, NULL, NULL, 1, 5);
    ck_assert_int_eq(r.stopped, REGIONS_STOP_LIMIT);
    ck_assert(r.cells > 5 && r.cells <= 24);

    pred_ctx_init(pc);
    regions_opts_init(&o, pc);
    o.interrupt = &flag;
    err_init(e);
    regions_init(R, 4, 1, net_num_states(net));
    ck_assert_int_eq(regions_nd(R, net, NULL, NULL, &o, e), CPWL_OK);
    ck_assert_int_eq(R->stopped, REGIONS_STOP_INTERRUPT);
    ck_assert(R->lower_bound >= 1 && R->lower_bound <= 24);
    regions_clear(R);
    pred_ctx_clear(pc);
    net_clear(net);
}
END_TEST

/* ---- random nets -------------------------------------------------------- */

/* The pattern at random points is the pattern of some cell (the points
   have 40-bit denominators, so they avoid the boundaries of these small
   nets unless very unlucky; a point on a boundary would show as a
   failure with its seed). */
static void check_sample(const net_t net, test_rng *r, uint64_t seed)
{
    regions_t R;
    regions_opts o;
    pred_ctx_t pc;
    err_t e;
    slong d = net->input_dim, ns = net_num_states(net), i, k, t;
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    fmpq *x = _fmpq_vec_init(d);

    pred_ctx_init(pc);
    regions_opts_init(&o, pc);
    err_init(e);
    regions_init(R, d, net_output_dim(net), ns);
    ck_assert(regions_nd(R, net, NULL, NULL, &o, e) == CPWL_OK);
    for (t = 0; t < 30; t++)
    {
        int found = 0;
        for (i = 0; i < d; i++)
            test_fmpq(x + i, r, 40);
        for (i = 0; i < d; i++)
            fmpq_mul_2exp(x + i, x + i, 4);
        net_pattern_exact(st, net, x);
        for (k = 0; k < R->ncells && !found; k++)
            found = memcmp(st, R->cells[k].state, ns) == 0;
        ck_assert_msg(found, "seed %llu: a sample pattern is no cell",
                      (unsigned long long) seed);
    }
    regions_clear(R);
    pred_ctx_clear(pc);
    flint_free(st);
    _fmpq_vec_clear(x, d);
}

START_TEST(test_nd_random)
{
    static const int bits[] = {0, 8, 0, 30};
    test_rng r;
    net_t net;
    slong i;
    net_init(net, 1);
    for (i = 0; i < test_iters(40); i++)
    {
        uint64_t seed = SEED + i;
        slong d = 2 + i % 3;
        nd_result res;
        r.s = seed;
        test_random_net(net, &r, d, test_range(&r, 2, 3), 5, bits[i % 4]);
        res = run_nd(net, NULL, NULL, 1, 0);
        ck_assert(res.stopped == REGIONS_DONE && res.cells >= 1);
        check_sample(net, &r, seed);
    }
    net_clear(net);
}
END_TEST

/* Random net with the activations of acts ('r' relu, 'l' leaky_relu,
   'i' identity), widths in [1, 4] (the last layer: 1 or 2 outputs),
   small integer weights. */
static void acts_net(net_t net, test_rng *r, slong d, const char *acts)
{
    slong l, i, j, n = (slong) strlen(acts);
    net_clear(net);
    net_init(net, d);
    for (l = 0; l < n; l++)
    {
        net_act_t act = acts[l] == 'r' ? NET_RELU : acts[l] == 'l'
                        ? NET_LEAKY_RELU : NET_IDENTITY;
        slong w = l + 1 < n ? test_range(r, 1, 4) : test_range(r, 1, 2);
        net_layer_struct *L = net_add_layer(net, act, w);
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), r, 0);
            test_fmpq(L->b + i, r, 0);
        }
        if (act == NET_LEAKY_RELU)
            fmpq_set_si(L->slope, test_range(r, -2, 2), 3);
    }
    net_prepare(net);
}

START_TEST(test_nd_layers)
{
    /* Identity layers in the middle, relu and leaky output layers (with
       states of their own), two outputs, a net without states: the
       per-cell checks of run_nd (points, distinct patterns, maps equal
       to regions_cell_map, one map per linear region), the pattern of
       random points among the cells, and in d = 2 the counts of
       regions_2d.  By hand: relu(x + y) alone has 2 regions and 2 linear
       regions; leaky with slope 1 has 2 regions and 1 linear region; an
       identity net has 1 of each. */
    static const char *acts[] = {"rir", "ril", "rri", "lrl", "iri", "ii",
                                 "rrr"};
    static const slong one[] = {1, 1};
    test_rng r;
    net_t net;
    net_layer_struct *L;
    slong i, k;
    net_init(net, 1);
    for (i = 0; i < test_iters(70); i++)
    {
        uint64_t seed = SEED + 4000 + i;
        slong d = 2 + i % 2;
        nd_result res;
        r.s = seed;
        acts_net(net, &r, d, acts[i % 7]);
        res = run_nd(net, NULL, NULL, 1, 0);
        ck_assert(res.stopped == REGIONS_DONE);
        check_sample(net, &r, seed);
        if (d == 2)
        {
            regions_t R;
            regions_opts o;
            pred_ctx_t pc;
            err_t e;
            pred_ctx_init(pc);
            regions_opts_init(&o, pc);
            o.linear = 1;
            err_init(e);
            regions_init(R, 2, net_output_dim(net), net_num_states(net));
            ck_assert(regions_2d(R, net, NULL, NULL, &o, e) == CPWL_OK);
            ck_assert_msg(res.cells == R->ncells && res.linear == R->nlinear,
                          "seed %llu: n-D %ld/%ld, 2-D %ld/%ld",
                          (unsigned long long) seed, (long) res.cells,
                          (long) res.linear, (long) R->ncells,
                          (long) R->nlinear);
            regions_clear(R);
            pred_ctx_clear(pc);
        }
    }
    for (k = 0; k < 3; k++)
    {
        net_clear(net);
        net_init(net, 2);
        L = net_add_layer(net, k < 2 ? NET_LEAKY_RELU : NET_IDENTITY, 1);
        fmpq_set_si(L->slope, k, 1);            /* 0: relu, 1: linear */
        set_row_si(L, 0, 1, one, 0);
        net_prepare(net);
        check_counts(net, NULL, NULL, k < 2 ? 2 : 1, k == 0 ? 2 : 1,
                     "one output neuron");
    }
    net_clear(net);
}
END_TEST

START_TEST(test_nd_vs_1d)
{
    /* d = 1: the same counts as the 1-D algorithm (exact piecewise
       linear functions, no LP), on R and on [-2, 3]. */
    static const int bits[] = {0, 8, 30};
    test_rng r;
    net_t net;
    slong i, box;
    fmpq_t lo, hi;
    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_set_si(lo, -2, 1);
    fmpq_set_si(hi, 3, 1);
    net_init(net, 1);
    for (i = 0; i < test_iters(60); i++)
    {
        uint64_t seed = SEED + 1000 + i;
        r.s = seed;
        test_random_net(net, &r, 1, test_range(&r, 2, 4), 5, bits[i % 3]);
        for (box = 0; box < 2; box++)
        {
            regions_t R;
            regions_opts o;
            pred_ctx_t pc;
            err_t e;
            nd_result res = run_nd(net, box ? lo : NULL, box ? hi : NULL,
                                   1, 0);
            pred_ctx_init(pc);
            regions_opts_init(&o, pc);
            o.linear = 1;
            err_init(e);
            regions_init(R, 1, 1, net_num_states(net));
            ck_assert(regions_1d(R, net, box ? lo : NULL, box ? hi : NULL,
                                 &o, e) == CPWL_OK);
            ck_assert_msg(res.cells == R->ncells && res.linear == R->nlinear,
                          "seed %llu box %ld: n-D %ld/%ld, 1-D %ld/%ld",
                          (unsigned long long) seed, (long) box,
                          (long) res.cells, (long) res.linear,
                          (long) R->ncells, (long) R->nlinear);
            regions_clear(R);
            pred_ctx_clear(pc);
        }
    }
    net_clear(net);
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
    net_t net;
    slong i, box;
    fmpq *lo = _fmpq_vec_init(2), *hi = _fmpq_vec_init(2);
    set_box(lo, hi, 2, -1, 2, 1);
    net_init(net, 1);
    for (i = 0; i < test_iters(60); i++)
    {
        uint64_t seed = SEED + 2000 + i;
        r.s = seed;
        test_random_net(net, &r, 2, test_range(&r, 2, 4), 5, bits[i % 4]);
        for (box = 0; box < 2; box++)
        {
            regions_t R;
            regions_opts o;
            pred_ctx_t pc;
            err_t e;
            nd_result res = run_nd(net, box ? lo : NULL, box ? hi : NULL,
                                   1, 0);
            pred_ctx_init(pc);
            regions_opts_init(&o, pc);
            o.linear = 1;
            err_init(e);
            regions_init(R, 2, 1, net_num_states(net));
            ck_assert_msg(regions_2d(R, net, box ? lo : NULL,
                                     box ? hi : NULL, &o, e) == CPWL_OK,
                          "%s", e->msg);
            ck_assert_msg(res.cells == R->ncells && res.linear == R->nlinear,
                          "seed %llu box %ld: n-D %ld/%ld, 2-D %ld/%ld",
                          (unsigned long long) seed, (long) box,
                          (long) res.cells, (long) res.linear,
                          (long) R->ncells, (long) R->nlinear);
            regions_clear(R);
            pred_ctx_clear(pc);
        }
    }
    net_clear(net);
    _fmpq_vec_clear(lo, 2);
    _fmpq_vec_clear(hi, 2);
}
END_TEST

/* g(x, y, w_1, ..) = f(x + sum_k a_k w_k, y + sum_k b_k w_k): the cells
   of g are the cylinders over the cells of f (a linear surjection maps
   cells, facets and maps of g onto those of f), so both counts equal
   those of f. */
static void cylinder_net(net_t g, const net_t f, slong extra, test_rng *r)
{
    slong l, i, k;
    fmpq_t u;
    fmpq_init(u);
    net_clear(g);
    net_init(g, 2 + extra);
    for (l = 0; l < f->nlayers; l++)
    {
        const net_layer_struct *F = f->layers + l;
        net_layer_struct *L = net_add_layer(g, F->act, F->out);
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
    net_prepare(g);
    fmpq_clear(u);
}

START_TEST(test_nd_cylinder)
{
    static const int bits[] = {0, 8, 0};
    test_rng r;
    net_t f, g;
    slong i;
    net_init(f, 1);
    net_init(g, 1);
    for (i = 0; i < test_iters(24); i++)
    {
        uint64_t seed = SEED + 3000 + i;
        slong extra = 1 + i % 2;
        regions_t R;
        regions_opts o;
        pred_ctx_t pc;
        err_t e;
        nd_result res;
        r.s = seed;
        test_random_net(f, &r, 2, test_range(&r, 2, 3), 5, bits[i % 3]);
        cylinder_net(g, f, extra, &r);
        res = run_nd(g, NULL, NULL, 1, 0);
        pred_ctx_init(pc);
        regions_opts_init(&o, pc);
        o.linear = 1;
        err_init(e);
        regions_init(R, 2, 1, net_num_states(f));
        ck_assert(regions_2d(R, f, NULL, NULL, &o, e) == CPWL_OK);
        ck_assert_msg(res.cells == R->ncells && res.linear == R->nlinear,
                      "seed %llu: R^%ld %ld/%ld, 2-D %ld/%ld",
                      (unsigned long long) seed, (long) (2 + extra),
                      (long) res.cells, (long) res.linear,
                      (long) R->ncells, (long) R->nlinear);
        regions_clear(R);
        pred_ctx_clear(pc);
    }
    net_clear(f);
    net_clear(g);
}
END_TEST

/* Stops checked where no LP runs: relu(x) on R splits at x = 0, where
   the start point lies (z(p) = 0 cuts, no LP).  A raised interrupt and a
   limit of 1 must both stop that split; without them it completes with
   two cells and no LP at all (so the stops cannot come from nd_slack). */
START_TEST(test_nd_stop_without_lp)
{
    net_t net;
    net_layer_struct *L;
    regions_t R;
    regions_opts o;
    pred_ctx_t pc;
    err_t e;
    volatile sig_atomic_t flag = 0;
    int pass;

    net_init(net, 1);
    L = net_add_layer(net, NET_RELU, 1);
    fmpq_one(fmpq_mat_entry(L->W, 0, 0));
    L = net_add_layer(net, NET_IDENTITY, 1);
    fmpq_one(fmpq_mat_entry(L->W, 0, 0));
    net_prepare(net);
    err_init(e);
    for (pass = 0; pass < 3; pass++)
    {
        pred_ctx_init(pc);
        regions_opts_init(&o, pc);
        o.interrupt = &flag;
        flag = pass == 1;
        o.max_regions = pass == 2 ? 1 : 0;
        regions_init(R, 1, 1, net_num_states(net));
        ck_assert_int_eq(regions_nd(R, net, NULL, NULL, &o, e), CPWL_OK);
        ck_assert_int_eq(R->lp_solved, 0);
        if (pass == 0)
        {
            ck_assert_int_eq(R->stopped, 0);
            ck_assert_int_eq(R->ncells, 2);
        }
        else
        {
            ck_assert_int_eq(R->stopped, pass == 1 ? REGIONS_STOP_INTERRUPT
                                                   : REGIONS_STOP_LIMIT);
            ck_assert(R->lower_bound >= 1 && R->lower_bound <= 2);
        }
        regions_clear(R);
        pred_ctx_clear(pc);
    }
    net_clear(net);
}
END_TEST

/* The forms carried in integers (regions_nd_forms.c) against the exact
   rebuild forms_layer_fmpq, from the input and one step from every
   earlier layer, under random patterns: relu, leaky (negative, zero and
   large slopes) and identity layers, integer, fractional and 64-bit
   rational weights, and weights spread over 2^+-1100 (the lcm of a
   layer's denominators and the content removal at work). */
START_TEST(test_nd_forms_carry)
{
    static const int bits[] = {0, TEST_FRACTIONS, 30, 64};
    test_rng r;
    net_t net;
    slong it;
    net_init(net, 1);
    for (it = 0; it < test_iters(60); it++)
    {
        uint64_t seed = SEED + 9000 + it;
        slong d, depth, l, lp, i, j, ns, c;
        unsigned char *state;
        nd_weights w;
        r.s = seed;
        d = test_range(&r, 1, 4);
        depth = test_range(&r, 1, 5);
        net_clear(net);
        net_init(net, d);
        for (l = 0; l < depth; l++)
        {
            slong a = test_range(&r, 0, 3);
            net_act_t act = a == 0 ? NET_IDENTITY : a == 1 ? NET_LEAKY_RELU
                            : NET_RELU;
            net_layer_struct *L = net_add_layer(net, act,
                                                test_range(&r, 1, 6));
            for (i = 0; i < L->out; i++)
            {
                for (j = 0; j < L->in; j++)
                    if (test_range(&r, 0, 4) > 0)
                        test_fmpq(fmpq_mat_entry(L->W, i, j), &r,
                                  bits[it % 4]);
                test_fmpq(L->b + i, &r, bits[(it + l) % 4]);
            }
            if (act == NET_LEAKY_RELU)
                fmpq_set_si(L->slope, test_range(&r, -3, 3) << (4 * a),
                            (ulong) test_range(&r, 1, 7));
        }
        net_prepare(net);
        if (it % 5 == 4)
            test_scale_extreme(net, &r);
        ns = net_num_states(net);
        state = flint_malloc(FLINT_MAX(ns, 1));
        for (i = 0; i < ns; i++)
            state[i] = (unsigned char) test_range(&r, 0, 1);
        nd_weights_init(&w, net);
        c = d + 1;
        for (l = 0; l < depth; l++)
        {
            slong out = net->layers[l].out;
            fmpq *Z = _fmpq_vec_init(out * c), *Y = _fmpq_vec_init(out * c);
            nd_forms *F = nd_forms_layer(net, &w, NULL, state, l);
            forms_layer_fmpq(Z, net, state, l);
            ck_assert(F->rows == out && F->layer == l
                      && fmpz_sgn(F->den) > 0);
            nd_forms_get_fmpq(Y, F);
            ck_assert_msg(qvec_equal(Y, Z, out * c), "seed %llu: layer %ld "
                          "from the input", (unsigned long long) seed,
                          (long) l);
            nd_forms_release(F);
            for (lp = 0; lp < l; lp++)
            {
                nd_forms *P = nd_forms_layer(net, &w, NULL, state, lp);
                F = nd_forms_layer(net, &w, P, state, l);
                nd_forms_release(P);
                nd_forms_get_fmpq(Y, F);
                ck_assert_msg(qvec_equal(Y, Z, out * c), "seed %llu: layer "
                              "%ld from layer %ld", (unsigned long long) seed,
                              (long) l, (long) lp);
                nd_forms_release(F);
            }
            _fmpq_vec_clear(Z, out * c);
            _fmpq_vec_clear(Y, out * c);
        }
        nd_weights_clear(&w, net);
        flint_free(state);
    }
    net_clear(net);
}
END_TEST

/* ---- bounding boxes (regions_nd_box.c) ------------------------------- */

/* A random double over the whole range: mantissa of 53 bits, exponent
   in [-1074, 1000] (subnormals included), sign random; with probability
   1/8 a small integer (exact sums). */
static double box_rand_d(test_rng *r)
{
    double m = (double) (test_next(r) >> 11) * 0x1p-53;
    if (test_range(r, 0, 7) == 0)
        return (double) test_range(r, -4, 4);
    m = ldexp(m, (int) test_range(r, -1074, 1000));
    return test_range(r, 0, 1) ? -m : m;
}

/* A random rational coefficient: an integer of up to 200 bits, or a
   dyadic or odd fraction with tiny or huge scale. */
static void box_rand_q(fmpq_t q, test_rng *r, int scale)
{
    switch (test_range(r, 0, 3))
    {
        case 0:
            test_fmpq(q, r, 0);
            break;
        case 1:
            fmpz_set_ui(fmpq_numref(q), test_next(r));
            fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q),
                          (ulong) test_range(r, 0, 140));
            fmpz_one(fmpq_denref(q));
            if (test_next(r) & 1)
                fmpz_neg(fmpq_numref(q), fmpq_numref(q));
            break;
        default:
            test_fmpq(q, r, 40);
            if (scale >= 0)
                fmpq_mul_2exp(q, q, (ulong) scale);
            else
                fmpq_div_2exp(q, q, (ulong) -scale);
    }
}

/* The exact minimum of s z over the box (finite sides, box_rand). */
static void box_min_exact(fmpq_t v, const double *box, const fmpq *z, int s,
                          slong d)
{
    slong i;
    fmpq_t b, t;
    fmpq_init(b);
    fmpq_init(t);
    fmpq_set(v, z + d);
    for (i = 0; i < d; i++)
    {
        test_fmpq_of_d(b, box[2 * i + (s * fmpq_sgn(z + i) < 0)]);
        fmpq_addmul(v, z + i, b);
    }
    if (s < 0)
        fmpq_neg(v, v);
    fmpq_clear(b);
    fmpq_clear(t);
}

/* Random box: sides ordered, one side infinite now and then. */
static void box_rand(double *box, test_rng *r, slong d, int inf)
{
    slong i;
    for (i = 0; i < d; i++)
    {
        double a = box_rand_d(r), b = box_rand_d(r);
        box[2 * i] = a < b ? a : b;
        box[2 * i + 1] = a < b ? b : a;
        if (inf && test_range(r, 0, 5) == 0)
            box[2 * i + test_range(r, 0, 1)] = test_range(r, 0, 1)
                                               ? INFINITY : -INFINITY;
        if (box[2 * i] == INFINITY)
            box[2 * i] = -INFINITY;
        if (box[2 * i + 1] == -INFINITY)
            box[2 * i + 1] = INFINITY;
    }
}

/* Set the constant of z so that its minimum over box is within a few
   units of 0 (the largest cancellation the test can make). */
static void box_cancel(fmpq *z, const double *box, test_rng *r, slong d)
{
    fmpq_t v;
    fmpq_init(v);
    fmpq_zero(z + d);
    box_min_exact(v, box, z, 1, d);
    fmpq_neg(z + d, v);
    fmpq_set_si(v, test_range(r, -2, 2), 1);
    fmpq_add(z + d, z + d, v);
    fmpq_clear(v);
}

/* nd_box_min against the exact minimum over random boxes with huge,
   tiny and subnormal sides, coefficients of up to 200 bits or scaled by
   2^+-1000, and constants chosen for cancellation: |v - min| <= err
   (exactly), and err is small where the terms are. */
START_TEST(test_nd_box_min)
{
    test_rng r;
    slong it, i, d;
    fmpq *z = _fmpq_vec_init(5);
    fmpq_t ex, t, e;
    double box[8], v, err;
    fmpq_init(ex);
    fmpq_init(t);
    fmpq_init(e);
    r.s = SEED + 11000;
    for (it = 0; it < test_iters(6000); it++)
    {
        int s = test_range(&r, 0, 1) ? 1 : -1;
        int scale = (int) test_range(&r, -1000, 1000);
        d = test_range(&r, 1, 4);
        box_rand(box, &r, d, 0);
        for (i = 0; i <= d; i++)
            box_rand_q(z + i, &r, scale);
        if (it % 3 == 0)
            box_cancel(z, box, &r, d);
        if (!nd_box_min(&v, &err, box, z, s, d))
            continue;
        box_min_exact(ex, box, z, s, d);
        test_fmpq_of_d(t, v);
        fmpq_sub(t, t, ex);
        fmpq_abs(t, t);
        test_fmpq_of_d(e, err);
        ck_assert_msg(fmpq_cmp(t, e) <= 0, "iteration %ld: the minimum "
                      "lies outside v +- err", (long) it);
    }
    /* By hand: y0 - 2 y1 + 1/2 over [0, 1] x [-1, 3], s = -1: the
       minimum of -z is -(1 + 2 + 1/2) = -7/2, exact. */
    box[0] = 0;
    box[1] = 1;
    box[2] = -1;
    box[3] = 3;
    fmpq_set_si(z + 0, 1, 1);
    fmpq_set_si(z + 1, -2, 1);
    fmpq_set_si(z + 2, 1, 2);
    ck_assert(nd_box_min(&v, &err, box, z, -1, 2));
    ck_assert(v == -3.5 && err < 1e-14);
    box[3] = INFINITY;          /* z unbounded below: no bound */
    ck_assert(!nd_box_min(&v, &err, box, z, 1, 2));
    _fmpq_vec_clear(z, 5);
    fmpq_clear(ex);
    fmpq_clear(t);
    fmpq_clear(e);
}
END_TEST

/* nd_box_cut (and nd_box_init) keep an outer box: every side moves
   inwards only as far as the exact bound of the constraint allows, i.e.
   lo_i <= max(old lo_i, -M_i / g_i) for g_i > 0 (and the mirror for
   g_i < 0), M_i = c + sum_{j != i} g_j (the side maximising g_j y_j),
   with the sides of the coordinates before i already updated (the
   order of the cut); on random boxes with infinite sides, adversarial
   coefficients and near-total cancellation.  A closed form shows that it
   does tighten. */
START_TEST(test_nd_box_cut)
{
    test_rng r;
    slong it, i, j, d;
    fmpq *h = _fmpq_vec_init(5), *lo = _fmpq_vec_init(4),
        *hi = _fmpq_vec_init(4);
    fmpq_t M, b, t;
    double old[8], box[8];
    fmpq_init(M);
    fmpq_init(b);
    fmpq_init(t);
    r.s = SEED + 12000;
    for (it = 0; it < test_iters(6000); it++)
    {
        int scale = (int) test_range(&r, -1000, 1000);
        d = test_range(&r, 1, 4);
        box_rand(old, &r, d, 1);
        for (i = 0; i <= d; i++)
            box_rand_q(h + i, &r, scale);
        if (it % 3 == 0)
        {
            /* cancellation: the constraint's zero set near a corner */
            double fin[8];
            memcpy(fin, old, sizeof fin);
            for (i = 0; i < 2 * d; i++)
                if (!isfinite(fin[i]))
                    fin[i] = 0;
            box_cancel(h, fin, &r, d);
        }
        memcpy(box, old, sizeof box);
        nd_box_cut(box, h, d);
        for (i = 0; i < d; i++)
        {
            int ok = 1, pos = fmpq_sgn(h + i) > 0;
            ck_assert(box[2 * i] >= old[2 * i]
                      && box[2 * i + 1] <= old[2 * i + 1]);
            if (fmpq_is_zero(h + i))
            {
                ck_assert(box[2 * i] == old[2 * i]
                          && box[2 * i + 1] == old[2 * i + 1]);
                continue;
            }
            fmpq_set(M, h + d);
            for (j = 0; j < d && ok; j++)
            {
                double s;
                if (j == i || fmpq_is_zero(h + j))
                    continue;
                s = (j < i ? box : old)[2 * j + (fmpq_sgn(h + j) > 0)];
                ok = isfinite(s);
                if (ok)
                {
                    test_fmpq_of_d(b, s);
                    fmpq_addmul(M, h + j, b);
                }
            }
            if (!ok)
            {
                ck_assert(box[2 * i] == old[2 * i]
                          && box[2 * i + 1] == old[2 * i + 1]);
                continue;
            }
            fmpq_neg(M, M);
            fmpq_div(M, M, h + i);          /* the exact bound */
            /* the moved side must not pass it */
            if (box[2 * i + !pos] != old[2 * i + !pos])
            {
                test_fmpq_of_d(t, box[2 * i + !pos]);
                ck_assert_msg(pos ? fmpq_cmp(t, M) <= 0
                              : fmpq_cmp(t, M) >= 0, "iteration %ld, "
                              "coordinate %ld: past the exact bound",
                              (long) it, (long) i);
            }
            ck_assert(box[2 * i + pos] == old[2 * i + pos]);
        }
    }
    /* nd_box_init rounds outwards: [1/3, 2^2000] becomes [<= 1/3, inf). */
    fmpq_set_si(lo, 1, 3);
    fmpq_one(hi);
    fmpq_mul_2exp(hi, hi, 2000);
    fmpq_set_si(lo + 1, -7, 10);
    fmpq_set_si(hi + 1, 1, 10);
    nd_box_init(box, lo, hi, 2);
    test_fmpq_of_d(t, box[0]);
    ck_assert(fmpq_cmp(t, lo) <= 0 && box[0] > 0.333333);
    ck_assert(box[1] == INFINITY);
    test_fmpq_of_d(t, box[2]);
    ck_assert(fmpq_cmp(t, lo + 1) <= 0 && box[2] > -0.7000001);
    test_fmpq_of_d(t, box[3]);
    ck_assert(fmpq_cmp(t, hi + 1) >= 0 && box[3] < 0.1000001);
    nd_box_init(box, NULL, NULL, 2);
    ck_assert(box[0] == -INFINITY && box[3] == INFINITY);
    /* By hand: -y0 - y1 - y2 - 5/2 > 0 on [-1, 1]^3 puts every y_i
       below -1/2 (and no further); nd_box_tighten does the same. */
    for (i = 0; i < 3; i++)
    {
        old[2 * i] = -1;
        old[2 * i + 1] = 1;
        fmpq_set_si(h + i, -1, 1);
    }
    fmpq_set_si(h + 3, -5, 2);
    memcpy(box, old, sizeof box);
    nd_box_tighten(box, h, 1, 3, 2);
    for (i = 0; i < 3; i++)
        ck_assert(box[2 * i] == -1 && box[2 * i + 1] >= -0.5
                  && box[2 * i + 1] < -0.4999999);
    _fmpq_vec_clear(h, 5);
    _fmpq_vec_clear(lo, 4);
    _fmpq_vec_clear(hi, 4);
    fmpq_clear(M);
    fmpq_clear(b);
    fmpq_clear(t);
}
END_TEST

/* The box test saves LPs and changes nothing: on seeded nets on a box,
   the cells (patterns, in order) are those of the exact-only run, which
   decides every neuron by LP, with fewer LPs. */
START_TEST(test_nd_box_saves)
{
    test_rng r;
    net_t net;
    slong it, d, i, saved = 0;
    net_init(net, 1);
    for (it = 0; it < test_iters(6); it++)
    {
        regions_t R[2];
        uint64_t seed = SEED + 13000 + it;
        fmpq *lo, *hi;
        int k;
        r.s = seed;
        d = 3;
        test_rich_net(net, &r, d, 3, 7);
        lo = _fmpq_vec_init(d);
        hi = _fmpq_vec_init(d);
        set_box(lo, hi, d, -1, 2, 3);
        for (k = 0; k < 2; k++)
        {
            regions_opts o;
            pred_ctx_t pc;
            err_t e;
            pred_ctx_init(pc);
            pc->exact_only = k;
            regions_opts_init(&o, pc);
            err_init(e);
            regions_init(R[k], d, 1, net_num_states(net));
            ck_assert(regions_nd(R[k], net, lo, hi, &o, e) == CPWL_OK);
            pred_ctx_clear(pc);
        }
        ck_assert_msg(R[0]->ncells == R[1]->ncells, "seed %llu: %ld cells, exact only %ld",
                      (unsigned long long) seed, (long) R[0]->ncells,
                      (long) R[1]->ncells);
        for (i = 0; i < R[0]->ncells; i++)
            ck_assert(memcmp(R[0]->cells[i].state, R[1]->cells[i].state,
                             FLINT_MAX(R[0]->nstates, 1)) == 0);
        ck_assert(R[0]->lp_solved <= R[1]->lp_solved);
        saved += R[1]->lp_solved - R[0]->lp_solved;
        regions_clear(R[0]);
        regions_clear(R[1]);
        _fmpq_vec_clear(lo, d);
        _fmpq_vec_clear(hi, d);
    }
    ck_assert(saved > 0);
    net_clear(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nd");
    TCase *tl = tcase_create("lp"), *tr = tcase_create("regions_nd");
    tcase_add_test(tl, test_lp_triangle);
    tcase_add_test(tl, test_lp_rational);
    tcase_add_test(tl, test_lp_cube);
    tcase_add_test(tl, test_lp_equality);
    tcase_add_test(tl, test_lp_infeasible);
    tcase_add_test(tl, test_lp_lowdim);
    tcase_add_test(tl, test_lp_unbounded);
    tcase_add_test(tl, test_lp_interior_hand);
    tcase_add_test(tl, test_lp_interior_random);
    suite_add_tcase(s, tl);
    tcase_set_timeout(tr, 300);
    tcase_set_timeout(tl, 120);
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
    tcase_add_test(tr, test_nd_forms_carry);
    tcase_add_test(tr, test_nd_box_min);
    tcase_add_test(tr, test_nd_box_cut);
    tcase_add_test(tr, test_nd_box_saves);
    suite_add_tcase(s, tr);
    return test_run(s);
}
