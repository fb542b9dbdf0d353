/* References for the tests of the emulated IEEE formats (test_ieee,
   test_ieee_sr), independent of src/optim/ieee.c: the SPEC parameters,
   MPFR at the format's precision and exponent range with
   mpfr_subnormalize, an exact rounding of rationals in fmpz/fmpq, and
   the random inputs (subnormals, values near overflow, constructed ties,
   signed zeros, infinities, NaN). */
#ifndef CPWL_TEST_IEEE_REF_H
#define CPWL_TEST_IEEE_REF_H

#include <check.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <gmp.h>
#include <mpfr.h>
#include "cpwl.h"
#include "cpwl/ieee.h"
#include "testutil.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* Check's ck_assert reports every passing check to the runner (one
   write per call); the loops here check millions of values, so only a
   failure calls into Check. */
#define REQUIRE(c) \
    do { if (!(c)) ck_abort_msg("Assertion '%s' failed", #c); } while (0)
#define REQUIRE_MSG(c, ...) \
    do { if (!(c)) ck_abort_msg(__VA_ARGS__); } while (0)

static const cpwl_ieee_fmt FMTS[4] = {
    CPWL_IEEE_BINARY16, CPWL_IEEE_BFLOAT16, CPWL_IEEE_BINARY32,
    CPWL_IEEE_BINARY64
};

static const char *OPNAME[5] = {"+", "-", "*", "/", "sqrt"};

/* The same double: NaN with NaN, zeros with their signs. */
static inline int same(double x, double y)
{
    if (isnan(x) || isnan(y))
        return isnan(x) && isnan(y);
    return x == y && signbit(x) == signbit(y);
}

/* ---- references ---------------------------------------------------- */

/* The format's parameters as SPEC section 7 states them. */
static inline void spec_params(int *p, int *emin, int *emax, cpwl_ieee_fmt f)
{
    static const int P[4] = {11, 8, 24, 53}, EMIN[4] = {-14, -126, -126, -1022},
        EMAX[4] = {15, 127, 127, 1023};
    *p = P[f];
    *emin = EMIN[f];
    *emax = EMAX[f];
}

/* a op b by MPFR at precision p, exponents of the format, rounded by rnd
   with mpfr_subnormalize; the caller's exponent range restored. */
static inline double ref_mpfr(cpwl_ieee_op op, double a, double b, cpwl_ieee_fmt f,
                       mpfr_rnd_t rnd)
{
    int p, emin, emax, t;
    mpfr_exp_t oe = mpfr_get_emin(), ox = mpfr_get_emax();
    mpfr_t x, y, z;
    double r;
    spec_params(&p, &emin, &emax, f);
    mpfr_init2(x, 53);
    mpfr_init2(y, 53);
    mpfr_init2(z, p);
    mpfr_set_d(x, a, MPFR_RNDN);
    mpfr_set_d(y, b, MPFR_RNDN);
    mpfr_set_emin(emin - p + 2);
    mpfr_set_emax(emax + 1);
    switch (op)
    {
    case CPWL_IEEE_ADD:
        t = mpfr_add(z, x, y, rnd);
        break;
    case CPWL_IEEE_SUB:
        t = mpfr_sub(z, x, y, rnd);
        break;
    case CPWL_IEEE_MUL:
        t = mpfr_mul(z, x, y, rnd);
        break;
    case CPWL_IEEE_DIV:
        t = mpfr_div(z, x, y, rnd);
        break;
    default:
        t = mpfr_sqrt(z, x, rnd);
        break;
    }
    mpfr_subnormalize(z, t, rnd);
    r = mpfr_get_d(z, MPFR_RNDN);
    mpfr_set_emin(oe);
    mpfr_set_emax(ox);
    mpfr_clears(x, y, z, (mpfr_ptr) 0);
    return r;
}

/* floor(log2 |z|) for z != 0. */
static inline slong ilog2_q(const fmpq_t z)
{
    slong e = (slong) fmpz_bits(fmpq_numref(z)) - (slong) fmpz_bits(fmpq_denref(z));
    fmpq_t t;
    fmpq_init(t);
    fmpq_abs(t, z);
    /* 2^(e-1) < |z| < 2^(e+1): one comparison decides */
    if (e >= 0)
        fmpq_div_2exp(t, t, (ulong) e);
    else
        fmpq_mul_2exp(t, t, (ulong) -e);
    if (fmpq_cmp_ui(t, 1) < 0)
        e--;
    fmpq_clear(t);
    return e;
}

/* |z| / 2^q split as H + frac, H = floor. */
static inline void split_q(fmpz_t H, fmpq_t frac, const fmpq_t z, slong q)
{
    fmpq_abs(frac, z);
    if (q >= 0)
        fmpq_div_2exp(frac, frac, (ulong) q);
    else
        fmpq_mul_2exp(frac, frac, (ulong) -q);
    fmpz_fdiv_q(H, fmpq_numref(frac), fmpq_denref(frac));
    fmpq_sub_fmpz(frac, frac, H);
}

/* The format's grid exponent at z: q = max(e, emin) - p + 1. */
static inline slong grid_q(const fmpq_t z, cpwl_ieee_fmt f)
{
    int p, emin, emax;
    slong e = ilog2_q(z);
    spec_params(&p, &emin, &emax, f);
    return (e > emin ? e : emin) - p + 1;
}

/* m 2^q with the sign neg, inf when m 2^q >= 2^(emax+1). */
static inline double make_val(const fmpz_t m, slong q, int neg, cpwl_ieee_fmt f)
{
    int p, emin, emax;
    double r;
    spec_params(&p, &emin, &emax, f);
    if (fmpz_is_zero(m))
        r = 0;
    else if ((slong) fmpz_bits(m) - 1 + q > emax)
        r = INFINITY;
    else
        r = ldexp(fmpz_get_d(m), (int) q);      /* m <= 2^p: exact */
    return neg ? -r : r;
}

/* The exact rational z rounded to nearest, ties to even, by hand. */
static inline double ref_rn_q(const fmpq_t z, cpwl_ieee_fmt f)
{
    fmpz_t H;
    fmpq_t frac;
    slong q;
    int c;
    double r;
    if (fmpq_is_zero(z))
        return 0.0;
    fmpz_init(H);
    fmpq_init(frac);
    q = grid_q(z, f);
    split_q(H, frac, z, q);
    fmpq_mul_2exp(frac, frac, 1);
    c = fmpq_cmp_ui(frac, 1);
    if (c > 0 || (c == 0 && fmpz_is_odd(H)))
        fmpz_add_ui(H, H, 1);
    r = make_val(H, q, fmpq_sgn(z) < 0, f);
    fmpz_clear(H);
    fmpq_clear(frac);
    return r;
}

/* Round a double to the format by the test's own reference. */
static inline double round_d_ref(double x, cpwl_ieee_fmt f)
{
    fmpq_t q;
    double r;
    if (!isfinite(x))
        return x;
    fmpq_init(q);
    test_fmpq_of_d(q, x);
    r = ref_rn_q(q, f);
    if (r == 0)
        r = copysign(0.0, x);
    fmpq_clear(q);
    return r;
}

/* ---- inputs ------------------------------------------------------------ */

static inline double uniform01(test_rng *r)
{
    return test_unif(r, 0.0, 1.0);
}

/* A random value of the format: zeros, infinities, NaN, subnormals, the
   smallest normals, values near overflow, moderate and arbitrary
   exponents; significands random, or with many trailing zeros (exact
   results), or all ones. */
static inline double rand_val(test_rng *r, cpwl_ieee_fmt f)
{
    int p, emin, emax, kind = (int) test_range(r, 0, 19), e;
    uint64_t m, mask;
    double x;
    spec_params(&p, &emin, &emax, f);
    mask = p == 53 ? (UINT64_C(1) << 52) - 1 : (UINT64_C(1) << (p - 1)) - 1;
    m = test_next(r) & mask;
    switch (test_range(r, 0, 3))
    {
    case 0:
        m &= ~((UINT64_C(1) << (p - 1) / 2) - 1);     /* short significand */
        break;
    case 1:
        m |= mask & ~(UINT64_C(0xf));                 /* nearly all ones */
        break;
    default:
        break;
    }
    if (kind == 0)
    {
        static const double sp[5] = {0.0, -0.0, INFINITY, -INFINITY, NAN};
        return sp[test_range(r, 0, 4)];
    }
    if (kind <= 3)
    {
        /* subnormal: m 2^(emin-p+1), 0 < m < 2^(p-1) */
        if (m == 0)
            m = 1;
        x = ldexp((double) m, emin - p + 1);
    }
    else
    {
        if (kind == 4)
            e = emax - (int) test_range(r, 0, 1);
        else if (kind == 5)
            e = emin + (int) test_range(r, 0, 1);
        else if (kind <= 10)
            e = (int) test_range(r, -4, 4);
        else
            e = (int) test_range(r, emin, emax);
        x = ldexp((double) (m | (mask + 1)), e - p + 1);
    }
    return (test_next(r) & 1) ? -x : x;
}

/* An operand pair for op, often built to tie or to land in the
   subnormal range or near overflow. */
static inline void rand_pair(double *a, double *b, test_rng *r, cpwl_ieee_op op,
                      cpwl_ieee_fmt f)
{
    int p, emin, emax, kind = (int) test_range(r, 0, 9);
    spec_params(&p, &emin, &emax, f);
    *a = rand_val(r, f);
    *b = rand_val(r, f);
    if (kind == 0 && op <= CPWL_IEEE_SUB && isfinite(*a) && *a != 0)
    {
        /* a +- b at half an ulp of a (a tie), or a little off it */
        int e = ilogb(*a);
        double h = ldexp(1.0, (e > emin ? e : emin) - p);
        if (h >= ldexp(1.0, emin - p + 1))
            *b = h * (double) test_range(r, 1, 3);
        if (op == CPWL_IEEE_SUB)
            *b = -*b;
        if (test_next(r) & 1)
            *b = -*b;
    }
    else if (kind == 1 && op == CPWL_IEEE_MUL)
    {
        /* A B odd with p + 1 bits: a tie, at a random scale; or
           A 2^-j times B 2^(emin-p+j), 3 B < 2^p odd: a subnormal tie */
        slong A = 2 * test_range(r, 1, 3) + 1, lo, hi, B;
        if (test_next(r) & 1)
        {
            lo = (((slong) 1 << p) + A - 1) / A;
            hi = (((slong) 1 << (p + 1)) - 1) / A;
            B = test_range(r, lo, hi) | 1;
            if (B * A >= (slong) 1 << (p + 1))
                B -= 2;
            *a = (double) A;
            *b = ldexp((double) B, (int) test_range(r, emin - p + 1, emax - p));
        }
        else
        {
            int j = (int) test_range(r, 1, 10);
            B = test_range(r, 0, (((slong) 1 << p) / A - 1) / 2) * 2 + 1;
            *a = ldexp((double) A, -j);
            *b = ldexp((double) B, emin - p + j);
        }
    }
    else if (kind == 2 && op == CPWL_IEEE_DIV)
    {
        /* a / b = M B 2^k / (B 2^j): a subnormal tie for small odd M */
        slong M = 2 * test_range(r, 0, 3) + 1, B = 2 * test_range(r, 0, 7) + 1;
        int j = (int) test_range(r, 2, 5);
        *b = ldexp((double) B, j);
        *a = ldexp((double) (M * B), emin - p + j + (int) test_range(r, -1, 0));
    }
    else if (kind == 3 && (op == CPWL_IEEE_MUL || op == CPWL_IEEE_DIV))
    {
        /* a result near the bottom of the range */
        *a = ldexp(1.0 + uniform01(r), emin + (int) test_range(r, -2, 2));
        *a = round_d_ref(*a, f);
        *b = op == CPWL_IEEE_MUL ? ldexp(1.0 + uniform01(r), -(int) test_range(r, 0, p))
                                 : ldexp(1.0 + uniform01(r), (int) test_range(r, 0, p));
        *b = round_d_ref(*b, f);
    }
    else if (kind == 4 && op <= CPWL_IEEE_SUB)
    {
        /* the largest finite plus or minus up to a few half ulps */
        double mx = cpwl_ieee_fmt_max(f);
        *a = mx;
        *b = ldexp((double) test_range(r, 0, 3), emax - p);
        if (op == CPWL_IEEE_SUB)
            *b = -*b;
    }
    else if (kind == 5 && op <= CPWL_IEEE_SUB && isfinite(*a))
        *b = op == CPWL_IEEE_ADD ? -*a : *a;    /* exact zero: its sign */
}

#endif
