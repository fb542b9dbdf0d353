/* The coordinates of the sample points (src/sample_axis.h) by
   containment: y = lo + w t for every lo, w within the axis's input error
   bounds of its doubles (the corners, where y is extreme) and the exact t
   of a grid index or a random point, computed in fmpq, must lie within
   axis_coord's bound of its double.  Compared exactly. */
#include <check.h>
#include <math.h>
#include <float.h>
#include "cpwl.h"
#include "sample_axis.h"
#include "testutil.h"

/* The axis {lo, w, elo, ew} at t = i / (N - 1) (N >= 2) or k / 2^53
   (N = 0, i = k, a random point): 1 if every corner lo +- elo,
   w +- ew gives an exact y within the returned bound (or the bound is
   infinite, which decides nothing). */
static int axis_contains(double lo, double elo, double w, double ew, slong i,
                         slong N)
{
    axis_struct A;
    double yd, ye, td;
    fmpq_t t, y, x, e, v;
    int s, ok = 1;
    A.lo = lo;
    A.w = w;
    A.elo = elo;
    A.ew = ew;
    A.ok = 1;
    A.N = N;
    A.yd = A.ye = NULL;
    fmpq_init(t);
    fmpq_init(y);
    fmpq_init(x);
    fmpq_init(e);
    fmpq_init(v);
    if (N == 0)
    {
        td = ldexp((double) i, -53);
        fmpq_set_si(t, i, 1);
        fmpq_div_2exp(t, t, 53);
    }
    else
    {
        td = grid_t(i, N);
        if (N == 1)
            fmpq_set_si(t, 1, 2);
        else
            fmpq_set_si(t, i, N - 1);
    }
    axis_coord(&yd, &ye, &A, td);
    if (isfinite(ye))
    {
        test_fmpq_of_d(v, ye);
        for (s = 0; s < 4 && ok; s++)
        {
            /* y = (lo +- elo) + (w +- ew) t */
            test_fmpq_of_d(y, lo);
            test_fmpq_of_d(e, elo);
            if (s & 1)
                fmpq_add(y, y, e);
            else
                fmpq_sub(y, y, e);
            test_fmpq_of_d(x, w);
            test_fmpq_of_d(e, ew);
            if (s & 2)
                fmpq_add(x, x, e);
            else
                fmpq_sub(x, x, e);
            fmpq_addmul(y, x, t);
            test_fmpq_of_d(x, yd);
            fmpq_sub(y, y, x);
            fmpq_abs(y, y);
            ok = fmpq_cmp(y, v) <= 0;
        }
    }
    fmpq_clear(t);
    fmpq_clear(y);
    fmpq_clear(x);
    fmpq_clear(e);
    fmpq_clear(v);
    return ok;
}

/* Hand-made cases, each tight for one term of the bound. */
START_TEST(test_axis_hand)
{
    /* lo = w = 1 exactly (bounds 0), t = 1/3: 1 + fl(1/3) rounds by
       about u/3, which only the 4u (|w| + |y|) covers. */
    ck_assert(axis_contains(1.0, 0.0, 1.0, 0.0, 1, 4));
    /* lo = 0, w = eta, t = 1/2: fl(eta / 2) = 0 (a tie to even) misses
       eta / 2, and 4u (|w| + |y|) underflows to 0: the 4 eta covers it. */
    ck_assert(axis_contains(0.0, 0.0, 0x1p-1074, 0.0, 1, 3));
    /* Input error bounds attained: lo = 0 +- 1 and w = 0 +- 2^-54, t = 1:
       y = -1 - 2^-54, y_d = 0.  The sum e_lo + e_w = 1 + 2^-54 rounds
       down to 1 (a tie to even), 4u (|w| + |y|) = 0 and 1 + 4 eta
       rounds to 1: only the factor 1 + 2^-30 covers the 2^-54. */
    ck_assert(axis_contains(0.0, 1.0, 0.0, 0x1p-54, 1, 2));
    /* the ends of a grid axis and a one-point axis */
    ck_assert(axis_contains(-3.0, 0x1p-52, 7.0, 0x1p-51, 0, 5));
    ck_assert(axis_contains(-3.0, 0x1p-52, 7.0, 0x1p-51, 4, 5));
    ck_assert(axis_contains(0.1, 0x1p-56, 0.3, 0x1p-55, 0, 1));
}
END_TEST

/* A double with few significant bits around 2^e, or a subnormal. */
static double adv_double(test_rng *r)
{
    double m = 1;
    slong e;
    switch (test_range(r, 0, 3))
    {
        case 0: e = test_range(r, -30, 30); break;
        case 1: e = test_range(r, 900, 1000); break;
        case 2: e = test_range(r, -1022, -960); break;
        default: e = test_range(r, -1074, -1030);
    }
    if (test_next(r) & 1)
        m += ldexp((double) (test_next(r) >> 11), -53);
    else if (test_next(r) & 1)
        m += ldexp(1, -(int) test_range(r, 1, 52));
    m = ldexp(m, (int) e);
    if (test_range(r, 0, 7) == 0)
        m = 0;
    return (test_next(r) & 1) ? -m : m;
}

/* Random axes: the doubles of rationals lo, hi with the bounds of
   cpwl_net_round_inputs_d (as sample.c builds them), or doubles with arbitrary
   bounds (0, a few ulps, or far beyond); grid and random-point t. */
START_TEST(test_axis_random)
{
    const uint64_t seed = test_seed(20261209);
    test_rng r = {seed};
    slong it, n = test_iters(20000);
    fmpq *q = _fmpq_vec_init(2);
    for (it = 0; it < n; it++)
    {
        double v[2], e[2];
        slong N, i;
        if (test_next(&r) & 1)
        {
            test_fmpq(q + 0, &r, (int) test_range(&r, 1, 80));
            test_fmpq(q + 1, &r, (int) test_range(&r, 1, 80));
            if (test_range(&r, 0, 3) == 0)
                fmpq_div_2exp(q + 1, q + 1, (ulong) test_range(&r, 0, 1100));
            if (!cpwl_net_round_inputs_d(v, e, q, 2))
                continue;
        }
        else
        {
            slong j;
            for (j = 0; j < 2; j++)
            {
                v[j] = adv_double(&r);
                switch (test_range(&r, 0, 2))
                {
                    case 0: e[j] = 0; break;
                    case 1:
                        e[j] = ldexp(fabs(v[j]),
                                     -(int) test_range(&r, 40, 60));
                        break;
                    default: e[j] = fabs(adv_double(&r));
                }
            }
        }
        if (test_next(&r) & 1)
        {
            N = test_range(&r, 0, 3) == 0 ? test_range(&r, 1, 4)
                                          : test_range(&r, 2, 1 << 20);
            i = test_range(&r, 0, N - 1);
        }
        else
        {
            N = 0;
            i = (slong) (test_next(&r) >> 11);
        }
        if (!axis_contains(v[0], e[0], v[1], e[1], i, N))
            ck_abort_msg("axis_coord: lo %a +- %a, w %a +- %a, i %ld, N %ld: "
                         "the bound misses a corner; seed %llu, iteration %ld",
                         v[0], e[0], v[1], e[1], (long) i, (long) N,
                         (unsigned long long) seed, (long) it);
    }
    _fmpq_vec_clear(q, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sample_axis");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_axis_hand);
    tcase_add_test(tc, test_axis_random);
    suite_add_tcase(s, tc);
    return test_run(s);
}
