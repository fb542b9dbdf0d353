/* Tests of the exact LP wrapper (lp module): problems solved by hand
   (optimum and point), infeasible systems, feasible sets of lower
   dimension (max slack 0), equality rows, the t <= 1 cap, unbounded
   objectives; lp_interior on the same cases and against the exact LP on
   random degenerate systems. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"
#include "qvec.h"

/* One seed per process (CPWL_TEST_SEED mixes into it). */
#define SEED test_seed_once(20261128)

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

/* Two threads solving LPs at once (cddlib keeps static work arrays; lp.c
   serialises its solves): every answer must still be the closed form.  The
   cube [0, s]^3 with s = k/7 <= 2 has largest slack s/2 (at the centre). */
typedef struct
{
    slong first;
    slong wrong;
}
lp_thread_job;

static void *lp_thread_run(void *arg)
{
    lp_thread_job *job = arg;
    lp_t P;
    fmpq_t t, want;
    fmpq *x = _fmpq_vec_init(3);
    slong i, k, rep, n = test_iters(1000);
    lp_init(P, 3);
    fmpq_init(t);
    fmpq_init(want);
    for (rep = 0; rep < n; rep++)
    {
        k = 1 + (job->first + rep) % 14;
        lp_reset(P, 3);
        for (i = 0; i < 3; i++)
        {
            fmpq *lo = lp_add_row_zero(P, 0), *hi = lp_add_row_zero(P, 0);
            fmpq_one(lo + i);
            fmpq_set_si(hi + i, -1, 1);
            fmpq_set_si(hi + 3, k, 7);
        }
        fmpq_set_si(want, k, 14);
        if (lp_max_slack(t, x, P) != LP_OPTIMAL || !fmpq_equal(t, want))
            job->wrong++;
        for (i = 0; i < 3; i++)
            if (!fmpq_equal(x + i, want))
                job->wrong++;
    }
    lp_clear(P);
    fmpq_clear(t);
    fmpq_clear(want);
    _fmpq_vec_clear(x, 3);
    flint_cleanup();
    return NULL;
}

START_TEST(test_lp_threads)
{
    pthread_t th[2];
    lp_thread_job job[2] = {{0, 0}, {7, 0}};
    slong i;
    for (i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(th + i, NULL, lp_thread_run, job + i), 0);
    for (i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(job[0].wrong, 0);
    ck_assert_int_eq(job[1].wrong, 0);
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

int main(void)
{
    Suite *s = suite_create("lp");
    TCase *tl = tcase_create("lp");
    tcase_set_timeout(tl, 120);
    tcase_add_test(tl, test_lp_triangle);
    tcase_add_test(tl, test_lp_rational);
    tcase_add_test(tl, test_lp_cube);
    tcase_add_test(tl, test_lp_threads);
    tcase_add_test(tl, test_lp_equality);
    tcase_add_test(tl, test_lp_infeasible);
    tcase_add_test(tl, test_lp_lowdim);
    tcase_add_test(tl, test_lp_unbounded);
    tcase_add_test(tl, test_lp_interior_hand);
    tcase_add_test(tl, test_lp_interior_random);
    suite_add_tcase(s, tl);
    return test_run(s);
}
