/* The shared interval arithmetic (src/interval.h) by containment: for
   adversarial doubles (huge and tiny magnitudes, subnormals, midpoint
   sums and products that tie or cancel, radii that do not add exactly)
   the exact result of the operation on every corner of the input
   intervals, computed in fmpq, must lie within the returned radius.  The
   comparison is exact. */
#include <check.h>
#include <math.h>
#include <float.h>
#include <flint/fmpq_vec.h>
#include "cpwl.h"
#include "interval.h"
#include "testutil.h"

/* |exact - m| <= r, exactly. */
static int contains(iv z, const fmpq_t exact)
{
    fmpq_t d, r;
    int ok;
    fmpq_init(d);
    fmpq_init(r);
    test_fmpq_of_d(d, z.m);
    fmpq_sub(d, exact, d);
    fmpq_abs(d, d);
    test_fmpq_of_d(r, z.r);
    ok = fmpq_cmp(d, r) <= 0;
    fmpq_clear(d);
    fmpq_clear(r);
    return ok;
}

/* A double with at most three significant bits set, 2^e (1 +- 2^-a +-
   2^-b), so that sums and products of two of them often round exactly
   half-way or cancel; e is near `base`, clamped to the finite range
   (subnormals included). */
static double adv_bits(test_rng *r, slong base)
{
    slong e = base + test_range(r, -60, 60);
    double m = 1;
    if (test_next(r) & 1)
        m += ((test_next(r) & 1) ? 1 : -1) * ldexp(1, -(int) test_range(r, 1, 52));
    if (test_next(r) & 1)
        m += ((test_next(r) & 1) ? 1 : -1) * ldexp(1, -(int) test_range(r, 1, 52));
    e = FLINT_MAX(-1074, FLINT_MIN(1023, e));
    m = ldexp(m, (int) e);
    if (!isfinite(m))
        m = DBL_MAX;
    return (test_next(r) & 1) ? -m : m;
}

/* A scale: around 1, huge, tiny normal, or subnormal. */
static slong adv_base(test_rng *r)
{
    switch (test_range(r, 0, 3))
    {
        case 0: return test_range(r, -40, 40);
        case 1: return test_range(r, 900, 1023);
        case 2: return test_range(r, -1022, -960);
        default: return test_range(r, -1074, -1030);
    }
}

/* A midpoint-radius operand: the radius is 0, a few bits tied to the
   midpoint's scale, or a subnormal. */
static iv adv_iv(test_rng *r, slong base)
{
    iv x;
    x.m = test_range(r, 0, 15) == 0 ? 0.0 : adv_bits(r, base);
    switch (test_range(r, 0, 3))
    {
        case 0:
            x.r = 0;
            break;
        case 1:
            x.r = fabs(adv_bits(r, -1074 + test_range(r, 0, 60)));
            break;
        default:
            x.r = fabs(adv_bits(r, base - test_range(r, 20, 110)));
    }
    return x;
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_HULL };

/* The exact op on every corner lies in z. */
static void check_corners(iv z, iv x, iv y, int op, uint64_t seed, slong it)
{
    fmpq_t a, b, c, t;
    int i, j;
    if (!iv_ok(z))
        return;
    ck_assert(z.r >= 0);
    fmpq_init(a);
    fmpq_init(b);
    fmpq_init(c);
    fmpq_init(t);
    for (i = -1; i <= 1; i += 2)
        for (j = -1; j <= 1; j += 2)
        {
            test_fmpq_of_d(a, x.m);
            test_fmpq_of_d(t, x.r);
            if (i < 0)
                fmpq_sub(a, a, t);
            else
                fmpq_add(a, a, t);
            test_fmpq_of_d(b, y.m);
            test_fmpq_of_d(t, y.r);
            if (j < 0)
                fmpq_sub(b, b, t);
            else
                fmpq_add(b, b, t);
            switch (op)
            {
                case OP_ADD: fmpq_add(c, a, b); break;
                case OP_SUB: fmpq_sub(c, a, b); break;
                case OP_MUL: fmpq_mul(c, a, b); break;
                /* the hull holds both operands' ends */
                case OP_HULL: fmpq_set(c, i == j ? a : b); break;
                default: fmpq_div(c, a, b);
            }
            if (!contains(z, c))
                ck_abort_msg("op %d: (%a +- %a) and (%a +- %a) give %a +- %a, "
                             "corner (%d, %d) outside; seed %llu, iteration "
                             "%ld", op, x.m, x.r, y.m, y.r, z.m, z.r, i, j,
                             (unsigned long long) seed, (long) it);
        }
    fmpq_clear(a);
    fmpq_clear(b);
    fmpq_clear(c);
    fmpq_clear(t);
}

START_TEST(test_iv_ops_random)
{
    const uint64_t seed = test_seed(20261206);
    test_rng r = {seed};
    slong it, n = test_iters(200000);
    for (it = 0; it < n; it++)
    {
        slong bx = adv_base(&r);
        /* y near x's scale (ties, cancellation) or anywhere */
        slong by = (test_next(&r) & 1) ? bx + test_range(&r, -56, 56)
                   : adv_base(&r);
        iv x = adv_iv(&r, bx), y = adv_iv(&r, by);
        int op = (int) test_range(&r, 0, 4);
        if (op == OP_SUB && (test_next(&r) & 1))
            y.m = x.m * (1 + ldexp(1, -(int) test_range(&r, 1, 60)));
        if (op == OP_DIV && !(fabs(y.m) > y.r))
            continue;
        switch (op)
        {
            case OP_ADD: check_corners(iv_add(x, y), x, y, op, seed, it); break;
            case OP_SUB: check_corners(iv_sub(x, y), x, y, op, seed, it); break;
            case OP_MUL: check_corners(iv_mul(x, y), x, y, op, seed, it); break;
            case OP_HULL: check_corners(iv_hull(x, y), x, y, op, seed, it); break;
            default: check_corners(iv_div(x, y), x, y, op, seed, it);
        }
    }
}
END_TEST

/* Hand-made worst cases: each is tight for one term of a radius. */
START_TEST(test_iv_ops_hand)
{
    iv x, y;
    /* 1 + 2^-53 ties to 1: the rounding u |m| is attained, and the radii
       2^-60 + 2^-60 (1 + 2^-52) round down when added. */
    x = iv_set(1.0, 0x1p-60);
    y = iv_set(0x1p-53, 0x1p-60 * (1 + 0x1p-52));
    check_corners(iv_add(x, y), x, y, OP_ADD, 0, 0);
    check_corners(iv_sub(x, iv_set(-y.m, y.r)), x, iv_set(-y.m, y.r), OP_SUB,
                  0, 0);
    /* products below the smallest subnormal */
    x = iv_set(0x1p-600, 0);
    y = iv_set(0x1p-600, 0);
    check_corners(iv_mul(x, y), x, y, OP_MUL, 0, 1);
    x = iv_set(0x1.8p-1074, 0x1p-1074);
    y = iv_set(0.75, 0x1p-3);
    check_corners(iv_mul(x, y), x, y, OP_MUL, 0, 2);
    /* (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104 rounds down by 2^-104 */
    x = iv_set(1 + 0x1p-52, 0);
    check_corners(iv_mul(x, x), x, x, OP_MUL, 0, 3);
    /* a divisor whose interval nearly reaches 0 */
    x = iv_set(1.0, 0x1p-40);
    y = iv_set(0x1p-30, 0x1p-30 * (1 - 0x1p-20));
    check_corners(iv_div(x, y), x, y, OP_DIV, 0, 4);
    /* quotient underflowing to a subnormal or to 0 */
    x = iv_set(0x1p-1000, 0x1p-1060);
    y = iv_set(0x1p+100, 0x1p+40);
    check_corners(iv_div(x, y), x, y, OP_DIV, 0, 5);
    x = iv_set(0x1.3p-1074, 0x1p-1074);
    y = iv_set(3.0, 0x1p-50);
    check_corners(iv_div(x, y), x, y, OP_DIV, 0, 6);
    /* a quotient of midpoints that underflows to 0 while the divisor's
       interval reaches down to 2^48: the eta of |x.m / y.m| <= |z.m| + eta
       times y.r is what covers the corner 2^-1048 */
    x = iv_set(0x1p-1000, 0);
    y = iv_set(0x1p+100, 0x1p+100 - 0x1p+48);
    check_corners(iv_div(x, y), x, y, OP_DIV, 0, 8);
    /* 1/3: inexact quotient of exact operands */
    x = iv_set(1.0, 0);
    y = iv_set(3.0, 0);
    check_corners(iv_div(x, y), x, y, OP_DIV, 0, 7);
}
END_TEST

/* A rational near a double: the double, plus k/2^s of its ulp (k small,
   often exactly half an ulp), plus 1/3 of a smaller step; or a random
   fraction; or an integer of 52..56 bits. */
static void adv_fmpq(fmpq_t q, test_rng *r)
{
    fmpq_t t;
    fmpq_init(t);
    switch (test_range(r, 0, 3))
    {
        case 0:
        {
            slong bits = test_range(r, 50, 56);
            fmpz_one(fmpq_numref(q));
            fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q), (ulong) bits - 1);
            fmpz_add_si(fmpq_numref(q), fmpq_numref(q),
                        (slong) (test_next(r) % 4096) - 2048);
            fmpz_one(fmpq_denref(q));
            if (test_next(r) & 1)
                fmpz_neg(fmpq_numref(q), fmpq_numref(q));
            break;
        }
        case 1:
            test_fmpq(q, r, (int) test_range(r, 1, 64));
            break;
        default:
        {
            double d = adv_bits(r, adv_base(r));
            int e;
            frexp(d, &e);
            test_fmpq_of_d(q, d);
            /* an ulp of d is 2^(e - 53), or 2^-1074 when subnormal */
            e = FLINT_MAX(e - 53, -1074);
            fmpq_set_si(t, test_range(r, -4, 4), 2);
            if (e >= 0)
                fmpq_mul_2exp(t, t, (ulong) e);
            else
                fmpq_div_2exp(t, t, (ulong) -e);
            fmpq_add(q, q, t);
            if (test_next(r) & 1)
            {
                fmpq_div_2exp(t, t, (ulong) test_range(r, 1, 40));
                fmpz_mul_ui(fmpq_denref(t), fmpq_denref(t), 3);
                fmpq_canonicalise(t);
                fmpq_add(q, q, t);
            }
        }
    }
    fmpq_clear(t);
}

/* Reference bound of the rounding of a rational q to the double m
   (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
   Thm 2.2 and the underflow model (2.8)): m = q (1 + delta) + eta',
   |delta| <= u, |eta'| <= eta / 2, delta eta' = 0 (delta = 0 below the
   normal range 2^-1022, eta' = 0 in it), so the a-priori bound is u |q|
   in the normal range, eta / 2 below it, and 0 when q is a double.  It
   is in terms of the exact |q|, which exceeds |m| when q rounds down:
   the radius must be more than u |m| + eta there.  Checked exactly:
   the radius >= the reference. */
static int of_fmpq_dominates(iv z, const fmpq_t q)
{
    fmpq_t ref, t;
    int ok;
    fmpq_init(ref);
    fmpq_init(t);
    test_fmpq_of_d(t, z.m);
    if (!fmpq_equal(t, q))
    {
        fmpq_abs(ref, q);
        fmpq_set_si(t, 1, 1);
        fmpq_div_2exp(t, t, 1022);
        if (fmpq_cmp(ref, t) >= 0)
            fmpq_div_2exp(ref, ref, 53);
        else
            fmpq_div_2exp(ref, t, 53);
    }
    test_fmpq_of_d(t, z.r);
    ok = fmpq_cmp(t, ref) >= 0;
    fmpq_clear(ref);
    fmpq_clear(t);
    return ok;
}

START_TEST(test_iv_of_fmpq)
{
    const uint64_t seed = test_seed(20261207);
    test_rng r = {seed};
    fmpq_t q;
    slong it, n = test_iters(100000);
    fmpq_init(q);
    for (it = 0; it < n; it++)
    {
        iv z;
        adv_fmpq(q, &r);
        z = iv_of_fmpq(q);
        if (iv_ok(z) && !contains(z, q))
            ck_abort_msg("iv_of_fmpq: %a +- %a misses the rational; seed "
                         "%llu, iteration %ld", z.m, z.r,
                         (unsigned long long) seed, (long) it);
        if (iv_ok(z) && !of_fmpq_dominates(z, q))
            ck_abort_msg("iv_of_fmpq: %a +- %a below u |q| or eta / 2; seed "
                         "%llu, iteration %ld", z.m, z.r,
                         (unsigned long long) seed, (long) it);
    }
    /* 1 + 2^-55 rounds down to 1: u |q| = 2^-53 (1 + 2^-55) exceeds
       fl(u |m| + eta) = 2^-53, so the radius needs more than u |m|
       (here the (1 + 2u)). */
    fmpq_set_si(q, 1, 1);
    fmpq_mul_2exp(q, q, 55);
    fmpz_add_ui(fmpq_numref(q), fmpq_numref(q), 1);
    fmpq_div_2exp(q, q, 55);
    ck_assert(contains(iv_of_fmpq(q), q));
    ck_assert(of_fmpq_dominates(iv_of_fmpq(q), q));
    /* 2^53 + 1 is not a double: the radius must be nonzero. */
    fmpq_set_si(q, 1, 1);
    fmpq_mul_2exp(q, q, 53);
    fmpz_add_ui(fmpq_numref(q), fmpq_numref(q), 1);
    ck_assert(contains(iv_of_fmpq(q), q));
    fmpq_clear(q);
}
END_TEST

/* Rows h = (g, c) and points p that stress iv_row_point: integer entries
   of 1..200 bits (53/54 bits are where fmpz_get_d starts rounding), points
   with inexact doubles, and c chosen to cancel g.p. */
static void adv_row(fmpq *h, fmpq *p, test_rng *r, slong d)
{
    slong i, gb = test_range(r, 1, 4) == 1 ? test_range(r, 50, 60)
                                           : test_range(r, 1, 200);
    fmpq_t s;
    fmpz_t one;
    fmpq_init(s);
    fmpz_init_set_ui(one, 1);
    for (i = 0; i < d; i++)
    {
        fmpz_t g, t;
        fmpz_init(g);
        fmpz_init(t);
        if (test_range(r, 0, 5) != 0)
        {
            slong k = gb - 1 - test_range(r, 0, 3);
            fmpz_set_ui(g, 1);
            fmpz_mul_2exp(g, g, (ulong) FLINT_MAX(0, k));
            fmpz_set_ui(t, test_next(r) >> test_range(r, 0, 63));
            fmpz_add(g, g, t);
            if (test_next(r) & 1)
                fmpz_neg(g, g);
        }
        fmpq_set_fmpz_frac(h + i, g, one);
        fmpz_clear(g);
        fmpz_clear(t);
        if (test_next(r) & 1)
            adv_fmpq(p + i, r);
        else
            test_fmpq(p + i, r, (int) test_range(r, 1, 40));
        /* huge or tiny points */
        if (test_range(r, 0, 7) == 0)
            fmpq_mul_2exp(p + i, p + i, (ulong) test_range(r, 0, 800));
        else if (test_range(r, 0, 7) == 0)
            fmpq_div_2exp(p + i, p + i, (ulong) test_range(r, 0, 1100));
    }
    /* c: cancel g.p to its nearest integer, or at random */
    fmpq_zero(s);
    for (i = 0; i < d; i++)
        fmpq_addmul(s, h + i, p + i);
    fmpz_zero(fmpq_numref(h + d));
    if (test_next(r) & 1)
    {
        fmpz_fdiv_q(fmpq_numref(h + d), fmpq_numref(s), fmpq_denref(s));
        fmpz_neg(fmpq_numref(h + d), fmpq_numref(h + d));
        fmpz_add_si(fmpq_numref(h + d), fmpq_numref(h + d),
                    test_range(r, -2, 2));
    }
    else
        fmpz_set_si(fmpq_numref(h + d), test_range(r, -100, 100));
    fmpz_one(fmpq_denref(h + d));
    fmpq_clear(s);
    fmpz_clear(one);
}

/* fmpq += |x| */
static void fmpq_add_abs(fmpq_t s, const fmpq_t x)
{
    if (fmpq_sgn(x) < 0)
        fmpq_sub(s, s, x);
    else
        fmpq_add(s, s, x);
}

/* Reference bound of iv_row_point, the a-priori worst case of the
   derivation in interval.c evaluated exactly for the same row and the
   same input error bounds e_p of cpwl_net_round_inputs_d, with the ACTUAL
   roundings g - g' and c - c' of fmpz_get_d instead of their bounds and
   Higham's count of the summation roundings (Accuracy and Stability of
   Numerical Algorithms, 2nd ed., Lemma 3.1 and (3.2)-(3.5)):
     |h(p) - s| <= sum_i (|g_i - g'_i| (|p'_i| + e_i) + |g'_i| e_i)
                   + |c - c'| + gamma_{k+1} (sum_i |g'_i p'_i| + |c'|)
                   + k eta / 2,
   k the number of products formed (g_i != 0), gamma_n = n u / (1 - n u);
   each product may underflow by eta / 2 (the model (2.8)), the sums do
   not underflow.  The radius must dominate it. */
static int row_dominates(iv z, const fmpq *h, const fmpq *p, slong d)
{
    fmpq_t ref, a, t, x, pd, pe;
    slong i, k = 0;
    int ok = 1;
    fmpq_init(ref);
    fmpq_init(a);
    fmpq_init(t);
    fmpq_init(x);
    fmpq_init(pd);
    fmpq_init(pe);
    for (i = 0; i <= d && ok; i++)
    {
        double gd = fmpz_get_d(fmpq_numref(h + i)), pdd, ped;
        if (fmpq_is_zero(h + i))
            continue;
        test_fmpq_of_d(x, gd);
        fmpq_sub(t, h + i, x);
        fmpq_abs(t, t);
        if (i == d)
        {
            fmpq_add(ref, ref, t);          /* |c - c'| */
            fmpq_add_abs(a, x);
            break;
        }
        k++;
        ok = cpwl_net_round_inputs_d(&pdd, &ped, p + i, 1);
        test_fmpq_of_d(pd, pdd);
        test_fmpq_of_d(pe, ped);
        fmpq_abs(pd, pd);
        fmpq_abs(x, x);
        fmpq_add(pd, pd, pe);
        fmpq_addmul(ref, t, pd);            /* |g - g'| (|p'| + e) */
        fmpq_addmul(ref, x, pe);            /* |g'| e */
        fmpq_sub(pd, pd, pe);
        fmpq_addmul(a, x, pd);              /* |g' p'| */
    }
    /* gamma_{k+1} a */
    fmpq_set_si(t, k + 1, 1);
    fmpz_one(fmpq_numref(x));
    fmpz_mul_2exp(fmpq_numref(x), fmpq_numref(x), 53);
    fmpz_sub_ui(fmpq_numref(x), fmpq_numref(x), (ulong) (k + 1));
    fmpz_one(fmpq_denref(x));
    fmpq_div(t, t, x);
    fmpq_addmul(ref, t, a);
    /* k eta / 2 */
    fmpq_set_si(t, k, 1);
    fmpq_div_2exp(t, t, 1075);
    fmpq_add(ref, ref, t);
    test_fmpq_of_d(t, z.r);
    ok = ok && fmpq_cmp(t, ref) >= 0;
    fmpq_clear(ref);
    fmpq_clear(a);
    fmpq_clear(t);
    fmpq_clear(x);
    fmpq_clear(pd);
    fmpq_clear(pe);
    return ok;
}

START_TEST(test_row_point)
{
    const uint64_t seed = test_seed(20261208);
    test_rng r = {seed};
    slong it, n = test_iters(4000);
    fmpq *h = _fmpq_vec_init(9), *p = _fmpq_vec_init(8);
    fmpq_t v;
    fmpq_init(v);
    for (it = 0; it < n; it++)
    {
        slong d = test_range(&r, 1, 8), i;
        iv z;
        adv_row(h, p, &r, d);
        if (!iv_row_point(&z, h, p, d))
            continue;
        fmpz_set(fmpq_numref(v), fmpq_numref(h + d));
        fmpz_one(fmpq_denref(v));
        for (i = 0; i < d; i++)
            fmpq_addmul(v, h + i, p + i);
        if (!contains(z, v))
            ck_abort_msg("iv_row_point: %a +- %a misses h(p) (d = %ld); seed "
                         "%llu, iteration %ld", z.m, z.r, (long) d,
                         (unsigned long long) seed, (long) it);
        if (!row_dominates(z, h, p, d))
            ck_abort_msg("iv_row_point: %a +- %a below the reference bound "
                         "(d = %ld); seed %llu, iteration %ld", z.m, z.r,
                         (long) d, (unsigned long long) seed, (long) it);
    }
    fmpq_clear(v);
    _fmpq_vec_clear(h, 9);
    _fmpq_vec_clear(p, 8);
}
END_TEST

/* The summation error at its worst: 1 + t + t + ... with t just above
   half an ulp of the partial sums, so that every addition rounds up by
   almost u: the computed sum exceeds the exact one by about (d - 1) u,
   beyond what the input-rounding terms of the bound leave to spare. */
START_TEST(test_row_point_summation)
{
    slong d, i;
    fmpq *h = _fmpq_vec_init(33), *p = _fmpq_vec_init(32);
    fmpq_t v;
    fmpq_init(v);
    for (d = 2; d <= 32; d++)
    {
        iv z;
        fmpq_zero(v);
        for (i = 0; i < d; i++)
        {
            fmpq_one(h + i);
            test_fmpq_of_d(p + i, i == 0 ? 1.0 : 0x1p-53 * (1 + 0x1p-52));
            fmpq_add(v, v, p + i);
        }
        fmpq_zero(h + d);
        ck_assert(iv_row_point(&z, h, p, d));
        if (!contains(z, v))
            ck_abort_msg("iv_row_point: %a +- %a misses the sum (d = %ld)",
                         z.m, z.r, (long) d);
        ck_assert(row_dominates(z, h, p, d));
    }
    fmpq_clear(v);
    _fmpq_vec_clear(h, 33);
    _fmpq_vec_clear(p, 32);
}
END_TEST

/* Hand-made rows where the reference bound of row_dominates needs one
   term of the radius: each is checked by containment and against the
   reference. */
static void check_row(const fmpq *h, const fmpq *p, slong d, const char *what)
{
    iv z;
    slong i;
    fmpq_t v;
    fmpq_init(v);
    fmpq_set(v, h + d);
    for (i = 0; i < d; i++)
        fmpq_addmul(v, h + i, p + i);
    ck_assert(iv_row_point(&z, h, p, d));
    if (!contains(z, v) || !row_dominates(z, h, p, d))
        ck_abort_msg("iv_row_point: %a +- %a on %s", z.m, z.r, what);
    fmpq_clear(v);
}

START_TEST(test_row_point_reference)
{
    fmpq *h = _fmpq_vec_init(2), *p = _fmpq_vec_init(1);
    /* g = 2^60 + 255 truncated to 2^60 by almost an ulp (2u |g'|), p = 1:
       the reference has |g - g'| |p'| ~ 2u |g' p'| plus gamma_2 |g' p'|,
       more than 1.01 (d + 2) u |g' p'| = 3.03 u |g' p'|; the radius needs
       the 4u |g'| (|p'| + e_p) that covers the rounding of g. */
    fmpz_one(fmpq_numref(h + 0));
    fmpz_mul_2exp(fmpq_numref(h + 0), fmpq_numref(h + 0), 60);
    fmpz_add_ui(fmpq_numref(h + 0), fmpq_numref(h + 0), 255);
    fmpq_one(p + 0);
    fmpq_zero(h + 1);
    check_row(h, p, 1, "g truncated by almost an ulp");
    /* The same for c = 2^60 + 255 with g = 1, p = 0 (one product, so
       gamma_2): |c - c'| + gamma_2 |c'| ~ 4u |c'| > 3.03u |c'|; the
       radius needs the 4u |c'| that covers the rounding of c. */
    fmpq_one(h + 0);
    fmpq_zero(p + 0);
    fmpz_one(fmpq_numref(h + 1));
    fmpz_mul_2exp(fmpq_numref(h + 1), fmpq_numref(h + 1), 60);
    fmpz_add_ui(fmpq_numref(h + 1), fmpq_numref(h + 1), 255);
    check_row(h, p, 1, "c truncated by almost an ulp");
    /* g = 1, p = 3/4 eta: p' = eta, e_p = fl(2u eta + eta) = eta, the
       terms 4u |g'| (|p'| + e_p) and 1.01 (d + 2) u a underflow to 0, and
       the reference's e_p + eta / 2 (the product's underflow) needs the
       (d + 2) eta. */
    fmpq_one(h + 0);
    fmpq_set_si(p + 0, 3, 1);
    fmpq_div_2exp(p + 0, p + 0, 1076);
    fmpq_zero(h + 1);
    check_row(h, p, 1, "a product in the subnormal range");
    _fmpq_vec_clear(h, 2);
    _fmpq_vec_clear(p, 1);
}
END_TEST

/* The roundings of the bound itself: d = 64 entries g = 2^53 - 37 (exact
   doubles) at points p = 2^-1080 (p' = 0, e_p = eta): every term of the
   radius is |g'| e_p plus the 4u |g'| e_p that underflows to 4 eta,
   (2^53 - 33) eta, and the 63 additions of these terms round at sums up
   to 2^59 eta, down by 672 eta in all, more than the 4 eta per term and
   the (d + 2) eta leave: the computed sum is below the reference's
   sum |g'| e_p + d eta / 2, and only the factor 1 + 2^-30 covers it. */
START_TEST(test_row_point_own_rounding)
{
    const slong d = 64;
    slong i;
    fmpq *h = _fmpq_vec_init(d + 1), *p = _fmpq_vec_init(d);
    for (i = 0; i < d; i++)
    {
        fmpz_one(fmpq_numref(h + i));
        fmpz_mul_2exp(fmpq_numref(h + i), fmpq_numref(h + i), 53);
        fmpz_sub_ui(fmpq_numref(h + i), fmpq_numref(h + i), 37);
        fmpq_one(p + i);
        fmpq_div_2exp(p + i, p + i, 1080);
    }
    fmpq_zero(h + d);
    check_row(h, p, d, "the own roundings of the radius");
    _fmpq_vec_clear(h, d + 1);
    _fmpq_vec_clear(p, d);
}
END_TEST

/* iv_of_fmpz: integers of 1 to 1000 bits, random and truncated by
   almost an ulp (2^k + 2^(k-52) - 1, whose double is 2^k: the error
   2^(k-52) - 1 needs the radius 2u|m| = 2^(k-52), u|m| falls short);
   beyond 1000 bits, no bound. */
START_TEST(test_iv_of_fmpz)
{
    const uint64_t seed = test_seed(20261211);
    test_rng r = {seed};
    slong it, k;
    fmpz_t x, t;
    fmpq_t q;
    fmpz_init(x);
    fmpz_init(t);
    fmpq_init(q);
    for (it = 0; it < test_iters(20000); it++)
    {
        slong bits = test_range(&r, 1, 1000);
        iv z;
        if (it & 1)
        {
            /* a random integer of `bits` bits (a mix of long runs) */
            fmpz_zero(x);
            for (k = 0; k < bits; k += 64)
            {
                fmpz_mul_2exp(x, x, 64);
                fmpz_add_ui(x, x, (ulong) test_next(&r));
            }
            fmpz_fdiv_q_2exp(x, x, (ulong) (k - bits));
            fmpz_setbit(x, (ulong) bits - 1);
        }
        else
        {
            /* 2^k + 2^(k-52) - 1 (k >= 53), or a small value */
            k = bits < 54 ? 0 : bits - 1;
            fmpz_one(x);
            fmpz_mul_2exp(x, x, (ulong) k);
            if (k >= 53)
            {
                fmpz_one(t);
                fmpz_mul_2exp(t, t, (ulong) (k - 52));
                fmpz_add(x, x, t);
                fmpz_sub_ui(x, x, 1);
            }
        }
        if (test_next(&r) & 1)
            fmpz_neg(x, x);
        z = iv_of_fmpz(x);
        fmpz_one(t);
        fmpq_set_fmpz_frac(q, x, t);
        ck_assert_msg(iv_ok(z) && contains(z, q), "iv_of_fmpz: %ld bits, "
                      "%a +- %a misses the integer; seed %llu, iteration %ld",
                      (long) fmpz_bits(x), z.m, z.r,
                      (unsigned long long) seed, (long) it);
        ck_assert(fmpz_bits(x) > 53 || z.r == 0);
    }
    fmpz_one(x);
    fmpz_mul_2exp(x, x, 1000);
    ck_assert(!iv_ok(iv_of_fmpz(x)));
    fmpz_clear(x);
    fmpz_clear(t);
    fmpq_clear(q);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("interval");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_iv_ops_hand);
    tcase_add_test(tc, test_iv_ops_random);
    tcase_add_test(tc, test_iv_of_fmpq);
    tcase_add_test(tc, test_iv_of_fmpz);
    tcase_add_test(tc, test_row_point);
    tcase_add_test(tc, test_row_point_summation);
    tcase_add_test(tc, test_row_point_reference);
    tcase_add_test(tc, test_row_point_own_rounding);
    suite_add_tcase(s, tc);
    return test_run(s);
}
