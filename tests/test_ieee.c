/* The emulated IEEE formats (cpwl/ieee.h) against references that do not
   share their method:
   - the compiler's own binary32 (float), binary64 (double) and binary16
     (_Float16, where GCC has it) arithmetic, operation by operation;
   - MPFR at the format's precision with its exponent range and
     mpfr_subnormalize, written here, for all four formats;
   - an exact rational rounding written here in fmpz/fmpq (the floor of
     z / 2^q and a comparison with 1/2), for constants and for the
     stochastic rounding's prediction;
   - every value of the two 16-bit formats decoded from its bits here.
   Inputs are drawn to include subnormals, values near overflow, exact ties
   built on purpose, zeros of both signs, infinities and NaN. */
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
static int same(double x, double y)
{
    if (isnan(x) || isnan(y))
        return isnan(x) && isnan(y);
    return x == y && signbit(x) == signbit(y);
}

/* ---- references ---------------------------------------------------- */

/* The format's parameters as SPEC section 7 states them. */
static void spec_params(int *p, int *emin, int *emax, cpwl_ieee_fmt f)
{
    static const int P[4] = {11, 8, 24, 53}, EMIN[4] = {-14, -126, -126, -1022},
        EMAX[4] = {15, 127, 127, 1023};
    *p = P[f];
    *emin = EMIN[f];
    *emax = EMAX[f];
}

/* a op b by MPFR at precision p, exponents of the format, rounded by rnd
   with mpfr_subnormalize; the caller's exponent range restored. */
static double ref_mpfr(cpwl_ieee_op op, double a, double b, cpwl_ieee_fmt f,
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
static slong ilog2_q(const fmpq_t z)
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
static void split_q(fmpz_t H, fmpq_t frac, const fmpq_t z, slong q)
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
static slong grid_q(const fmpq_t z, cpwl_ieee_fmt f)
{
    int p, emin, emax;
    slong e = ilog2_q(z);
    spec_params(&p, &emin, &emax, f);
    return (e > emin ? e : emin) - p + 1;
}

/* m 2^q with the sign neg, inf when m 2^q >= 2^(emax+1). */
static double make_val(const fmpz_t m, slong q, int neg, cpwl_ieee_fmt f)
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
static double ref_rn_q(const fmpq_t z, cpwl_ieee_fmt f)
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
static double round_d_ref(double x, cpwl_ieee_fmt f)
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

static double uniform01(test_rng *r)
{
    return (double) (test_next(r) >> 11) * 0x1p-53;
}

/* A random value of the format: zeros, infinities, NaN, subnormals, the
   smallest normals, values near overflow, moderate and arbitrary
   exponents; significands random, or with many trailing zeros (exact
   results), or all ones. */
static double rand_val(test_rng *r, cpwl_ieee_fmt f)
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
static void rand_pair(double *a, double *b, test_rng *r, cpwl_ieee_op op,
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


/* ---- SPEC values ------------------------------------------------------- */

START_TEST(test_spec_values)
{
    fmpq_t q;
    double x;
    int i;
    fmpq_init(q);
    /* bfloat16(1 + 2^-8) = 1: a tie, to even */
    REQUIRE(cpwl_ieee_round(1 + 0x1p-8, CPWL_IEEE_BFLOAT16) == 1.0);
    fmpq_set_si(q, 257, 256);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BFLOAT16) == 1.0);
    REQUIRE(cpwl_ieee_op_rn(CPWL_IEEE_ADD, 1.0, 0x1p-8, CPWL_IEEE_BFLOAT16) == 1.0);
    /* bfloat16(1 + 3 2^-9) = 129/128 */
    REQUIRE(cpwl_ieee_round(1 + 3 * 0x1p-9, CPWL_IEEE_BFLOAT16) == 129.0 / 128);
    fmpq_set_si(q, 515, 512);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BFLOAT16) == 129.0 / 128);
    /* binary16(65519) = 65504, binary16(65520) = +inf */
    REQUIRE(cpwl_ieee_round(65519, CPWL_IEEE_BINARY16) == 65504);
    REQUIRE(cpwl_ieee_round(65520, CPWL_IEEE_BINARY16) == INFINITY);
    REQUIRE(cpwl_ieee_round(-65520, CPWL_IEEE_BINARY16) == -INFINITY);
    fmpq_set_si(q, 65519, 1);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY16) == 65504);
    fmpq_set_si(q, 65520, 1);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY16) == INFINITY);
    /* 65519.999... stays finite: the threshold is exactly 65520 */
    fmpq_set_si(q, 65520 * 1000 - 1, 1000);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY16) == 65504);
    REQUIRE(cpwl_ieee_op_rn(CPWL_IEEE_ADD, 65504, 16, CPWL_IEEE_BINARY16) == INFINITY);
    REQUIRE(cpwl_ieee_op_rn(CPWL_IEEE_ADD, 65504, 8, CPWL_IEEE_BINARY16) == 65504);

    /* the largest finite of each format, from SPEC's table */
    REQUIRE(cpwl_ieee_fmt_max(CPWL_IEEE_BINARY16) == 65504);
    REQUIRE(cpwl_ieee_fmt_max(CPWL_IEEE_BFLOAT16) == ldexp(2 - 0x1p-7, 127));
    REQUIRE(cpwl_ieee_fmt_max(CPWL_IEEE_BINARY32) == ldexp(2 - 0x1p-23, 127));
    REQUIRE(cpwl_ieee_fmt_max(CPWL_IEEE_BINARY32) == FLT_MAX);
    REQUIRE(cpwl_ieee_fmt_max(CPWL_IEEE_BINARY64) == DBL_MAX);
    REQUIRE(cpwl_ieee_fmt_max(CPWL_IEEE_BINARY64) == ldexp(2 - 0x1p-52, 1023));
    REQUIRE(cpwl_ieee_fmt_min_normal(CPWL_IEEE_BINARY32) == FLT_MIN);
    REQUIRE(cpwl_ieee_fmt_min_normal(CPWL_IEEE_BINARY64) == DBL_MIN);
    REQUIRE(cpwl_ieee_fmt_min_normal(CPWL_IEEE_BINARY16) == 0x1p-14);
    REQUIRE(cpwl_ieee_fmt_min_normal(CPWL_IEEE_BFLOAT16) == 0x1p-126);
    REQUIRE(cpwl_ieee_fmt_min_subnormal(CPWL_IEEE_BINARY16) == 0x1p-24);
    REQUIRE(cpwl_ieee_fmt_min_subnormal(CPWL_IEEE_BFLOAT16) == 0x1p-133);
    REQUIRE(cpwl_ieee_fmt_min_subnormal(CPWL_IEEE_BINARY32) == 0x1p-149);
    REQUIRE(cpwl_ieee_fmt_min_subnormal(CPWL_IEEE_BINARY64) == 0x1p-1074);
    for (i = 0; i < 4; i++)
    {
        cpwl_ieee_fmt f = FMTS[i];
        int p, emin, emax;
        double mx = cpwl_ieee_fmt_max(f), h;
        spec_params(&p, &emin, &emax, f);
        ck_assert_int_eq(cpwl_ieee_fmt_prec(f), p);
        ck_assert_int_eq(cpwl_ieee_fmt_emin(f), emin);
        ck_assert_int_eq(cpwl_ieee_fmt_emax(f), emax);
        REQUIRE(cpwl_ieee_round(mx, f) == mx);
        REQUIRE(cpwl_ieee_is_member(mx, f));
        REQUIRE(cpwl_ieee_is_member(INFINITY, f));
        REQUIRE(!cpwl_ieee_is_member(NAN, f));
        /* the overflow threshold (2 - 2^-p) 2^emax: inf; just below: max */
        fmpq_set_si(q, 1, 1);
        fmpq_mul_2exp(q, q, (ulong) (emax + 1));
        {
            fmpq_t u;
            fmpq_init(u);
            fmpq_one(u);
            fmpq_mul_2exp(u, u, (ulong) (emax + 1));
            fmpq_div_2exp(u, u, (ulong) (p + 1));
            fmpq_sub(q, q, u);          /* (2 - 2^-p) 2^emax */
            REQUIRE(cpwl_ieee_round_fmpq(q, f) == INFINITY);
            fmpq_neg(q, q);
            REQUIRE(cpwl_ieee_round_fmpq(q, f) == -INFINITY);
            fmpq_neg(q, q);
            fmpq_div_2exp(u, u, 100);
            fmpq_sub(q, q, u);
            REQUIRE(cpwl_ieee_round_fmpq(q, f) == mx);
            fmpq_clear(u);
        }
        if (f != CPWL_IEEE_BINARY64)
        {
            h = ldexp(1.0, emax - p);   /* half an ulp at the top */
            REQUIRE(cpwl_ieee_round(mx + h, f) == INFINITY);
            REQUIRE(cpwl_ieee_round(-(mx + h), f) == -INFINITY);
            REQUIRE(cpwl_ieee_round(mx + h * (1 - 0x1p-20), f) == mx);
        }
        /* the smallest subnormal, half of it (a tie, to 0) and a bit more */
        x = cpwl_ieee_fmt_min_subnormal(f);
        REQUIRE(x == ldexp(1.0, emin - p + 1));
        REQUIRE(cpwl_ieee_round(x, f) == x);
        if (f != CPWL_IEEE_BINARY64)
        {
            REQUIRE(same(cpwl_ieee_round(x / 2, f), 0.0));
            REQUIRE(same(cpwl_ieee_round(-x / 2, f), -0.0));
            REQUIRE(cpwl_ieee_round(x / 2 * (1 + 0x1p-40), f) == x);
            REQUIRE(cpwl_ieee_round(1.5 * x, f) == 2 * x);
            REQUIRE(cpwl_ieee_round(2.5 * x, f) == 2 * x);
            REQUIRE(same(cpwl_ieee_round(-DBL_TRUE_MIN, f), -0.0));
        }
        REQUIRE(same(cpwl_ieee_round(-0.0, f), -0.0));
        REQUIRE(same(cpwl_ieee_round(0.0, f), 0.0));
        REQUIRE(cpwl_ieee_round(-INFINITY, f) == -INFINITY);
        REQUIRE(isnan(cpwl_ieee_round(NAN, f)));
    }
    fmpq_clear(q);
}
END_TEST

START_TEST(test_names)
{
    cpwl_ieee_fmt f;
    static const struct
    {
        const char *s;
        cpwl_ieee_fmt f;
        const char *name;
    }
    t[] = {
        {"binary16", CPWL_IEEE_BINARY16, "binary16"},
        {"half", CPWL_IEEE_BINARY16, "binary16"},
        {"bfloat16", CPWL_IEEE_BFLOAT16, "bfloat16"},
        {"binary32", CPWL_IEEE_BINARY32, "binary32"},
        {"float", CPWL_IEEE_BINARY32, "binary32"},
        {"single", CPWL_IEEE_BINARY32, "binary32"},
        {"binary64", CPWL_IEEE_BINARY64, "binary64"},
        {"double", CPWL_IEEE_BINARY64, "binary64"}
    };
    size_t i;
    for (i = 0; i < sizeof t / sizeof t[0]; i++)
    {
        f = CPWL_IEEE_BINARY64;
        REQUIRE(cpwl_ieee_fmt_from_str(&f, t[i].s));
        ck_assert_int_eq(f, t[i].f);
        ck_assert_str_eq(cpwl_ieee_fmt_name(f), t[i].name);
    }
    f = CPWL_IEEE_BFLOAT16;
    REQUIRE(!cpwl_ieee_fmt_from_str(&f, "binary8"));
    REQUIRE(!cpwl_ieee_fmt_from_str(&f, "Binary16"));
    REQUIRE(!cpwl_ieee_fmt_from_str(&f, ""));
    REQUIRE(!cpwl_ieee_fmt_from_str(&f, "float16 "));
    REQUIRE(!cpwl_ieee_fmt_from_str(&f, NULL));
    ck_assert_int_eq(f, CPWL_IEEE_BFLOAT16);
    REQUIRE(cpwl_ieee_fmt_name((cpwl_ieee_fmt) 7) == NULL);
    REQUIRE(isnan(cpwl_ieee_op_rn((cpwl_ieee_op) 9, 1, 1, CPWL_IEEE_BINARY32)));
}
END_TEST

/* ---- every value of the 16-bit formats -------------------------------- */

/* The value of bit pattern u of a 16-bit format with p - 1 stored
   significand bits, from IEEE 754's definition. */
static double decode16(unsigned u, int p, int emin)
{
    int sbits = p - 1, ebits = 15 - sbits, bias = 1 - emin;
    unsigned s = u >> 15, E = (u >> sbits) & ((1u << ebits) - 1),
        M = u & ((1u << sbits) - 1);
    double x;
    if (E == (1u << ebits) - 1)
        x = M ? NAN : INFINITY;
    else if (E == 0)
        x = ldexp((double) M, emin - sbits);
    else
        x = ldexp((double) (M + (1u << sbits)), (int) E - bias - sbits);
    return s ? -x : x;
}

/* Each value is a member and rounds to itself; the midpoint with the next
   value up rounds to the one with the even last bit (inf at the top); a
   hair below and above the midpoint round to the nearer one. */
START_TEST(test_exhaustive16)
{
    int k;
    for (k = 0; k < 2; k++)
    {
        cpwl_ieee_fmt f = k ? CPWL_IEEE_BFLOAT16 : CPWL_IEEE_BINARY16;
        int p = k ? 8 : 11, emin = k ? -126 : -14;
        unsigned u;
        slong members = 0;
        for (u = 0; u < 0x10000u; u++)
        {
            double x = decode16(u, p, emin), y, mid, hair;
            if (isnan(x))
            {
                REQUIRE(isnan(cpwl_ieee_round(x, f)));
                continue;
            }
            members++;
            REQUIRE_MSG(same(cpwl_ieee_round(x, f), x), "%s: %a (0x%04x)",
                          cpwl_ieee_fmt_name(f), x, u);
            REQUIRE(cpwl_ieee_is_member(x, f));
            if (isinf(x))
                continue;
            /* the next value away from zero: u + 1 (inf after the max) */
            y = decode16(u + 1, p, emin);
            if (isnan(y))
                continue;
            if (isinf(y))
                mid = x + (x - decode16(u - 1, p, emin)) / 2;
            else
                mid = x + (y - x) / 2;  /* exact: fewer than 53 bits */
            REQUIRE(!cpwl_ieee_is_member(mid, f));
            REQUIRE_MSG(same(cpwl_ieee_round(mid, f), (u & 1) ? y : x),
                          "%s: midpoint %a", cpwl_ieee_fmt_name(f), mid);
            hair = fabs(mid) * 0x1p-45;
            REQUIRE(same(cpwl_ieee_round(signbit(x) ? mid + hair : mid - hair, f), x));
            REQUIRE(same(cpwl_ieee_round(signbit(x) ? mid - hair : mid + hair, f), y));
        }
        /* 2^16 patterns less the NaNs (2 (2^(p-1) - 1) of them) */
        ck_assert_int_eq(members, 0x10000 - 2 * ((1 << (p - 1)) - 1));
    }
}
END_TEST

/* ---- operations against MPFR and the machine ---------------------------- */

START_TEST(test_ops_mpfr)
{
    uint64_t seed = test_seed(0x1eee0001);
    test_rng r;
    slong it, n = test_iters(12000);
    int i, op;
    r.s = seed;
    for (i = 0; i < 4; i++)
        for (op = 0; op < 5; op++)
            for (it = 0; it < n; it++)
            {
                cpwl_ieee_fmt f = FMTS[i];
                double a, b, got, want;
                rand_pair(&a, &b, &r, (cpwl_ieee_op) op, f);
                if (op == CPWL_IEEE_SQRT && (test_next(&r) & 1))
                    a = fabs(a);
                got = cpwl_ieee_op_rn((cpwl_ieee_op) op, a, b, f);
                want = ref_mpfr((cpwl_ieee_op) op, a, b, f, MPFR_RNDN);
                REQUIRE_MSG(same(got, want), "%s: %a %s %a = %a, MPFR %a "
                              "(seed %llu, iteration %ld)", cpwl_ieee_fmt_name(f),
                              a, OPNAME[op], b, got, want,
                              (unsigned long long) seed, (long) it);
                REQUIRE(isnan(got) || cpwl_ieee_is_member(got, f));
            }
}
END_TEST

/* Results in the subnormal range, where the binary64 result is rounded
   to a coarser fixed grid: Figueroa's argument must hold there too. */
START_TEST(test_subnormal_results)
{
    uint64_t seed = test_seed(0x1eee0002);
    test_rng r;
    slong it, n = test_iters(20000), hits = 0;
    int i;
    r.s = seed;
    for (i = 0; i < 3; i++)
        for (it = 0; it < n; it++)
        {
            cpwl_ieee_fmt f = FMTS[i];
            int p, emin, emax;
            cpwl_ieee_op op = (cpwl_ieee_op) test_range(&r, 0, 3);
            double a, b, got, want;
            spec_params(&p, &emin, &emax, f);
            /* two normals whose product or quotient is around 2^emin */
            a = round_d_ref(ldexp(1 + uniform01(&r), (int) test_range(&r, emin, emin / 2)), f);
            b = ldexp(1 + uniform01(&r), emin - ilogb(a) + (int) test_range(&r, -p - 2, 1));
            if (op == CPWL_IEEE_DIV)
                b = 1 / b;
            else if (op == CPWL_IEEE_ADD)
                b = -a + ldexp(uniform01(&r), emin);
            else if (op == CPWL_IEEE_SUB)
                b = a - ldexp(uniform01(&r), emin);
            b = round_d_ref(b, f);
            got = cpwl_ieee_op_rn(op, a, b, f);
            want = ref_mpfr(op, a, b, f, MPFR_RNDN);
            REQUIRE_MSG(same(got, want), "%s: %a %s %a = %a, MPFR %a (seed %llu)",
                          cpwl_ieee_fmt_name(f), a, OPNAME[op], b, got, want,
                          (unsigned long long) seed);
            hits += fabs(want) < ldexp(1.0, emin) && want != 0;
        }
    /* the draw did reach the subnormal range */
    REQUIRE(hits > n / 4);
}
END_TEST

START_TEST(test_ops_native)
{
    uint64_t seed = test_seed(0x1eee0003);
    test_rng r;
    slong it, n = test_iters(100000);
    int op;
    r.s = seed;
    for (op = 0; op < 5; op++)
        for (it = 0; it < n; it++)
        {
            double a, b, got;
            float fa, fb, fr;
            double da, db, dr;
            /* binary32 against float */
            rand_pair(&a, &b, &r, (cpwl_ieee_op) op, CPWL_IEEE_BINARY32);
            fa = (float) a;
            fb = (float) b;
            switch (op)
            {
            case 0: fr = fa + fb; break;
            case 1: fr = fa - fb; break;
            case 2: fr = fa * fb; break;
            case 3: fr = fa / fb; break;
            default: fr = sqrtf(fa); break;
            }
            got = cpwl_ieee_op_rn((cpwl_ieee_op) op, a, b, CPWL_IEEE_BINARY32);
            REQUIRE_MSG(same(got, (double) fr), "binary32: %a %s %a = %a, "
                          "float %a (seed %llu)", a, OPNAME[op], b, got,
                          (double) fr, (unsigned long long) seed);
            /* binary64 against double */
            rand_pair(&da, &db, &r, (cpwl_ieee_op) op, CPWL_IEEE_BINARY64);
            switch (op)
            {
            case 0: dr = da + db; break;
            case 1: dr = da - db; break;
            case 2: dr = da * db; break;
            case 3: dr = da / db; break;
            default: dr = sqrt(da); break;
            }
            got = cpwl_ieee_op_rn((cpwl_ieee_op) op, da, db, CPWL_IEEE_BINARY64);
            REQUIRE(same(got, dr));
        }
}
END_TEST

#ifdef __FLT16_MANT_DIG__
/* GCC computes _Float16 operations in float and rounds to binary16 (and
   its conversions from double round once): correct by the same theorem,
   but by the compiler's code, not ours. */
START_TEST(test_ops_float16)
{
    uint64_t seed = test_seed(0x1eee0004);
    test_rng r;
    slong it, n = test_iters(100000);
    int op;
    r.s = seed;
    for (op = 0; op < 5; op++)
        for (it = 0; it < n; it++)
        {
            double a, b, got, x;
            _Float16 ha, hb, hr;
            rand_pair(&a, &b, &r, (cpwl_ieee_op) op, CPWL_IEEE_BINARY16);
            ha = (_Float16) a;
            hb = (_Float16) b;
            REQUIRE(same((double) ha, a));
            switch (op)
            {
            case 0: hr = ha + hb; break;
            case 1: hr = ha - hb; break;
            case 2: hr = ha * hb; break;
            case 3: hr = ha / hb; break;
            default: hr = (_Float16) sqrtf((float) ha); break;
            }
            got = cpwl_ieee_op_rn((cpwl_ieee_op) op, a, b, CPWL_IEEE_BINARY16);
            REQUIRE_MSG(same(got, (double) hr), "binary16: %a %s %a = %a, "
                          "_Float16 %a (seed %llu)", a, OPNAME[op], b, got,
                          (double) hr, (unsigned long long) seed);
            /* the conversion of arbitrary doubles */
            x = ldexp(2 * uniform01(&r) - 1, (int) test_range(&r, -30, 20));
            REQUIRE(same(cpwl_ieee_round(x, CPWL_IEEE_BINARY16),
                           (double) (_Float16) x));
        }
}
END_TEST
#endif

/* cpwl_ieee_round on arbitrary doubles (not values of the format):
   against the exact rational rounding and, for binary32, (float). */
START_TEST(test_round_random)
{
    uint64_t seed = test_seed(0x1eee0005);
    test_rng r;
    slong it, n = test_iters(30000);
    int i;
    r.s = seed;
    for (it = 0; it < n; it++)
    {
        double x;
        uint64_t u = test_next(&r);
        memcpy(&x, &u, sizeof x);
        if (test_next(&r) & 1)          /* mostly within the formats' range */
            x = ldexp(2 * uniform01(&r) - 1, (int) test_range(&r, -160, 140));
        for (i = 0; i < 4; i++)
            REQUIRE_MSG(same(cpwl_ieee_round(x, FMTS[i]), round_d_ref(x, FMTS[i])),
                          "%s(%a) = %a, reference %a (seed %llu)",
                          cpwl_ieee_fmt_name(FMTS[i]), x,
                          cpwl_ieee_round(x, FMTS[i]), round_d_ref(x, FMTS[i]),
                          (unsigned long long) seed);
        REQUIRE(same(cpwl_ieee_round(x, CPWL_IEEE_BINARY32), (double) (float) x));
    }
}
END_TEST

/* ---- constants: cpwl_ieee_round_fmpq ------------------------------------ */

static double ref_mpfr_q(const fmpq_t q, cpwl_ieee_fmt f)
{
    int p, emin, emax, t;
    mpfr_exp_t oe = mpfr_get_emin(), ox = mpfr_get_emax();
    mpfr_t z;
    mpq_t m;
    double d;
    spec_params(&p, &emin, &emax, f);
    mpq_init(m);
    fmpq_get_mpq(m, q);
    mpfr_init2(z, p);
    mpfr_set_emin(emin - p + 2);
    mpfr_set_emax(emax + 1);
    t = mpfr_set_q(z, m, MPFR_RNDN);
    mpfr_subnormalize(z, t, MPFR_RNDN);
    d = mpfr_get_d(z, MPFR_RNDN);
    mpfr_set_emin(oe);
    mpfr_set_emax(ox);
    mpfr_clear(z);
    mpq_clear(m);
    return d;
}

START_TEST(test_round_fmpq)
{
    uint64_t seed = test_seed(0x1eee0006);
    test_rng r;
    slong it, n = test_iters(20000);
    fmpq_t q, back;
    int i;
    mpfr_exp_t oe = mpfr_get_emin(), ox = mpfr_get_emax();
    fmpq_init(q);
    fmpq_init(back);
    r.s = seed;

    /* the compiler's own conversions of the same rationals */
    fmpq_set_si(q, 1, 3);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32) == 1.0f / 3.0f);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64) == 1.0 / 3.0);
    fmpq_set_si(q, -1, 10);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32) == -0.1f);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64) == -0.1);
    fmpq_set_si(q, 2, 3);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32) == 2.0f / 3.0f);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64) == 2.0 / 3.0);
#ifdef __FLT16_MANT_DIG__
    {
        /* 1/10 and 1/3 in float, then binary16: innocuous double rounding
           of a quotient of binary16 values (24 >= 2 11 + 2) */
        volatile float ten = 10, three = 3;
        fmpq_set_si(q, 1, 10);
        REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY16)
                  == (double) (_Float16) (1.0f / ten));
        fmpq_set_si(q, 1, 3);
        REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY16)
                  == (double) (_Float16) (1.0f / three));
    }
#endif
    /* the examples of docs/api/ieee.md */
    fmpq_set_si(q, 1, 10);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY16) == 1638.0 / 16384);
    fmpq_set_si(q, 1, 3);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BFLOAT16) == 171.0 / 512);
    /* huge and tiny */
    fmpz_set_ui(fmpq_numref(q), 10);
    fmpz_pow_ui(fmpq_numref(q), fmpq_numref(q), 30);
    fmpz_one(fmpq_denref(q));
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32) == 1e30f);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64) == 1e30);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY16) == INFINITY);
    fmpz_pow_ui(fmpq_numref(q), fmpq_numref(q), 11);    /* 10^330 */
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64) == INFINITY);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BFLOAT16) == INFINITY);
    fmpq_inv(q, q);                                     /* 10^-330 */
    REQUIRE(same(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64), 0.0));
    fmpq_neg(q, q);
    REQUIRE(same(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64), -0.0));
    fmpz_set_ui(fmpq_numref(q), 1);
    fmpz_set_ui(fmpq_denref(q), 10);
    fmpz_pow_ui(fmpq_denref(q), fmpq_denref(q), 40);    /* 1e-40: subnormal */
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32) == 1e-40f);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64) == 1e-40);
    fmpz_pow_ui(fmpq_denref(q), fmpq_denref(q), 8);     /* 1e-320 */
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64) == 1e-320);
    REQUIRE(same(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32), 0.0));
    fmpq_set_si(q, 1, 1);
    fmpq_div_2exp(q, q, 149);
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32) == FLT_TRUE_MIN);
    fmpq_div_2exp(q, q, 1);                             /* a tie: to 0 */
    REQUIRE(same(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32), 0.0));
    fmpq_set_si(q, 3, 1);
    fmpq_div_2exp(q, q, 150);                           /* 1.5 min: to 2 min */
    REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32) == 2 * FLT_TRUE_MIN);
    fmpq_zero(q);
    REQUIRE(same(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BFLOAT16), 0.0));

    /* the caller's exponent range is left as it was */
    mpfr_set_emin(-5000);
    mpfr_set_emax(5000);
    fmpq_set_si(q, 1, 3);
    (void) cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY16);
    REQUIRE(mpfr_get_emin() == -5000 && mpfr_get_emax() == 5000);
    mpfr_set_emin(oe);
    mpfr_set_emax(ox);

    /* random rationals at every scale: MPFR, the exact reference, and
       (double) / (float) of a double that is the exact value */
    for (it = 0; it < n; it++)
    {
        slong sc = test_range(&r, -1200, 1100);
        test_fmpq(q, &r, (int) test_range(&r, 1, 64));
        if (sc >= 0)
            fmpq_mul_2exp(q, q, (ulong) sc);
        else
            fmpq_div_2exp(q, q, (ulong) -sc);
        if (test_range(&r, 0, 3) == 0)
        {
            /* a float64 value exactly, or a tie between two floats */
            double d = ldexp(2 * uniform01(&r) - 1, (int) test_range(&r, -160, 140));
            test_fmpq_of_d(q, d);
            REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64) == d);
            REQUIRE(cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32) == (double) (float) d);
        }
        for (i = 0; i < 4; i++)
        {
            double got = cpwl_ieee_round_fmpq(q, FMTS[i]);
            REQUIRE_MSG(same(got, ref_mpfr_q(q, FMTS[i])) && same(got, ref_rn_q(q, FMTS[i])),
                          "%s: %a, MPFR %a, exact reference %a (seed %llu)",
                          cpwl_ieee_fmt_name(FMTS[i]), got, ref_mpfr_q(q, FMTS[i]),
                          ref_rn_q(q, FMTS[i]), (unsigned long long) seed);
        }
    }

    /* cpwl_ieee_get_fmpq: exact, against arf's conversion */
    for (it = 0; it < n; it++)
    {
        double x;
        uint64_t u = test_next(&r);
        memcpy(&x, &u, sizeof x);
        if (!isfinite(x))
            continue;
        cpwl_ieee_get_fmpq(back, x);
        test_fmpq_of_d(q, x);
        REQUIRE(fmpq_equal(back, q));
        REQUIRE(cpwl_ieee_round_fmpq(back, CPWL_IEEE_BINARY64) == x);
    }
    cpwl_ieee_get_fmpq(back, -DBL_TRUE_MIN);
    fmpq_set_si(q, -1, 1);
    fmpq_div_2exp(q, q, 1074);
    REQUIRE(fmpq_equal(back, q));
    fmpq_clear(q);
    fmpq_clear(back);
}
END_TEST

/* ---- stochastic rounding ---------------------------------------------- */

static uint32_t ref_draw(uint64_t *s)
{
    test_rng t;
    uint64_t z;
    t.s = *s;
    z = test_next(&t);
    *s = t.s;
    return (uint32_t) (z >> 32);
}

/* The exact value of a op b (not sqrt), by fmpq. */
static int exact_op(fmpq_t z, cpwl_ieee_op op, double a, double b)
{
    fmpq_t x, y;
    if (!isfinite(a) || !isfinite(b) || (op == CPWL_IEEE_DIV && b == 0))
        return 0;
    fmpq_init(x);
    fmpq_init(y);
    test_fmpq_of_d(x, a);
    test_fmpq_of_d(y, b);
    switch (op)
    {
    case CPWL_IEEE_ADD: fmpq_add(z, x, y); break;
    case CPWL_IEEE_SUB: fmpq_sub(z, x, y); break;
    case CPWL_IEEE_MUL: fmpq_mul(z, x, y); break;
    default: fmpq_div(z, x, y); break;
    }
    fmpq_clear(x);
    fmpq_clear(y);
    return 1;
}

/* Every result predicted from the definition: the exact z, its grid
   exponent q, H = floor(|z| / 2^q), F = floor(2^32 frac), the test's own
   draw; the generator state advanced only for inexact z.  And for every
   operation including sqrt: the result is one of the two neighbours
   (MPFR toward zero and away from zero in the format). */
START_TEST(test_sr_predicted)
{
    uint64_t seed = test_seed(0x1eee0007);
    test_rng r;
    slong it, n = test_iters(6000), inexact = 0;
    int i, op;
    fmpq_t z, frac;
    fmpz_t H, F;
    fmpq_init(z);
    fmpq_init(frac);
    fmpz_init(H);
    fmpz_init(F);
    r.s = seed;
    for (i = 0; i < 4; i++)
        for (op = 0; op < 5; op++)
            for (it = 0; it < n; it++)
            {
                cpwl_ieee_fmt f = FMTS[i];
                double a, b, got, lo, hi;
                uint64_t s = test_next(&r), s0 = s, sref = s;
                rand_pair(&a, &b, &r, (cpwl_ieee_op) op, f);
                if (op == CPWL_IEEE_SQRT)
                    a = fabs(a);
                got = cpwl_ieee_op_sr((cpwl_ieee_op) op, a, b, f, &s);
                lo = ref_mpfr((cpwl_ieee_op) op, a, b, f, MPFR_RNDZ);
                hi = ref_mpfr((cpwl_ieee_op) op, a, b, f, MPFR_RNDA);
                REQUIRE_MSG(same(got, lo) || same(got, hi) || (isinf(got) && isinf(hi))
                              || (isinf(got) && fabs(lo) == cpwl_ieee_fmt_max(f)),
                              "%s: SR %a %s %a = %a, neighbours %a %a (seed %llu)",
                              cpwl_ieee_fmt_name(f), a, OPNAME[op], b, got, lo, hi,
                              (unsigned long long) seed);
                if (same(lo, hi) && !isinf(lo))
                {
                    /* exact: unchanged, no draw */
                    REQUIRE(same(got, lo));
                    REQUIRE(s == s0);
                }
                if (op == CPWL_IEEE_SQRT || !exact_op(z, (cpwl_ieee_op) op, a, b))
                    continue;
                if (fmpq_is_zero(z))
                {
                    REQUIRE(got == 0 && s == s0);
                    continue;
                }
                {
                    slong q = grid_q(z, f);
                    double want;
                    split_q(H, frac, z, q);
                    fmpq_mul_2exp(frac, frac, 32);
                    fmpz_fdiv_q(F, fmpq_numref(frac), fmpq_denref(frac));
                    if (!fmpq_is_zero(frac))
                    {
                        inexact++;
                        if (fmpz_cmp_ui(F, ref_draw(&sref)) > 0)
                            fmpz_add_ui(H, H, 1);
                    }
                    want = make_val(H, q, fmpq_sgn(z) < 0, f);
                    REQUIRE_MSG(same(got, want) && s == sref,
                                  "%s: SR %a %s %a = %a, predicted %a (seed %llu)",
                                  cpwl_ieee_fmt_name(f), a, OPNAME[op], b, got, want,
                                  (unsigned long long) seed);
                }
            }
    REQUIRE(inexact > n);
    fmpq_clear(z);
    fmpq_clear(frac);
    fmpz_clear(H);
    fmpz_clear(F);
}
END_TEST

/* Over N draws at a known fraction f, the number of round-ups S stays
   within the Hoeffding bound: P(|S - N P(up)| >= t) <= 2 exp(-2 t^2 / N)
   = 5e-10 for t = sqrt(N ln(4e9) / 2).  Cases: a normal sum, a subnormal
   product, the step between the largest finite and inf (fractions that
   are multiples of 2^-32, so P(up) = f exactly), and 1/3 (f = 1/3 or 2/3,
   P(up) = floor(2^32 f) / 2^32, within N 2^-32 < 1e-5 of N f). */
START_TEST(test_sr_hoeffding)
{
    uint64_t seed = test_seed(0x1eee0008);
    slong N = test_iters(20000), k, ups;
    double t = sqrt((double) N * log(4e9) / 2);
    int i, c;
    for (i = 0; i < 4; i++)
    {
        cpwl_ieee_fmt f = FMTS[i];
        int p, emin, emax;
        spec_params(&p, &emin, &emax, f);
        for (c = 0; c < 4; c++)
        {
            double a, b, lo, hi, fr;
            cpwl_ieee_op op;
            uint64_t s = seed + (uint64_t) (4 * i + c);
            switch (c)
            {
            case 0:     /* 1 + (5/16) 2^(1-p) */
                op = CPWL_IEEE_ADD;
                a = 1;
                b = 5 * ldexp(1.0, -p - 3);
                lo = 1;
                hi = 1 + ldexp(1.0, 1 - p);
                fr = 5.0 / 16;
                break;
            case 1:     /* 1.5625 2^emin x 2^-(p+1) = 0.390625 quanta */
                op = CPWL_IEEE_MUL;
                a = ldexp(1 + 0.5 + 0.0625, emin);
                b = ldexp(1.0, -p - 1);
                lo = 0;
                hi = ldexp(1.0, emin - p + 1);
                fr = 0.390625;
                break;
            case 2:     /* max + (11/16) ulp: max or inf */
                op = CPWL_IEEE_ADD;
                a = cpwl_ieee_fmt_max(f);
                b = 11 * ldexp(1.0, emax - p + 1 - 4);
                lo = a;
                hi = INFINITY;
                fr = 11.0 / 16;
                break;
            default:    /* 1/3: fraction 1/3 or 2/3 by the parity of p */
                op = CPWL_IEEE_DIV;
                a = 1;
                b = 3;
                lo = ref_mpfr(op, a, b, f, MPFR_RNDZ);
                hi = ref_mpfr(op, a, b, f, MPFR_RNDA);
                fr = (p + 1) % 2 == 0 ? 1.0 / 3 : 2.0 / 3;
                break;
            }
            ups = 0;
            for (k = 0; k < N; k++)
            {
                double got = cpwl_ieee_op_sr(op, a, b, f, &s);
                REQUIRE_MSG(got == lo || got == hi, "%s case %d: %a not %a or %a",
                              cpwl_ieee_fmt_name(f), c, got, lo, hi);
                ups += got == hi;
            }
            REQUIRE_MSG(fabs((double) ups - N * fr) < t, "%s case %d: %ld ups in "
                          "%ld draws, expected %g +- %g (seed %llu)",
                          cpwl_ieee_fmt_name(f), c, (long) ups, (long) N, N * fr,
                          t, (unsigned long long) seed);
        }
    }
}
END_TEST

/* The inverse of splitmix64's output mixer (each xorshift and each odd
   multiplier is invertible modulo 2^64). */
static uint64_t inv_mul(uint64_t c)
{
    uint64_t v = c;
    int i;
    for (i = 0; i < 6; i++)
        v *= 2 - c * v;         /* Newton: the correct bits double */
    return v;
}

static uint64_t unmix(uint64_t z)
{
    z ^= (z >> 31) ^ (z >> 62);
    z *= inv_mul(UINT64_C(0x94d049bb133111eb));
    z ^= (z >> 27) ^ (z >> 54);
    z *= inv_mul(UINT64_C(0xbf58476d1ce4e5b9));
    z ^= (z >> 30) ^ (z >> 60);
    return z;
}

/* The state whose next draw is u (the output's high 32 bits). */
static uint64_t state_for_draw(uint32_t u)
{
    uint64_t s = unmix(((uint64_t) u << 32) | 0x5a5a5a5au)
        - UINT64_C(0x9e3779b97f4a7c15), t = s;
    REQUIRE(ref_draw(&t) == u);
    return s;
}

/* At the draw's boundary: u = F - 1 rounds away from zero, u = F does
   not (P(away) = F / 2^32 exactly); F = 0 never, F = 2^32 - 1 always
   but for the one draw 2^32 - 1. */
START_TEST(test_sr_boundary)
{
    int i, k;
    for (i = 0; i < 4; i++)
    {
        cpwl_ieee_fmt f = FMTS[i];
        int p = cpwl_ieee_fmt_prec(f), emin = cpwl_ieee_fmt_emin(f);
        /* (a, b, F): 1 + (5/16) ulp; a subnormal at 3/8 of the quantum;
           1 + (2^32 - 1) 2^-32 ulp; 1 + 2^-32 ulp */
        struct { double a, b; uint32_t F; double lo, hi; } c[4] = {
            {1, 5 * ldexp(1.0, -p - 3), UINT32_C(5) << 28, 1, 1 + ldexp(1.0, 1 - p)},
            {ldexp(1.5, emin), ldexp(1.0, -p - 1), UINT32_C(3) << 29, 0,
             ldexp(1.0, emin - p + 1)},
            {1, ldexp(1.0, 1 - p) - ldexp(1.0, 1 - p - 32), UINT32_MAX, 1,
             1 + ldexp(1.0, 1 - p)},
            {1, ldexp(1.0, 1 - p - 32), 1, 1, 1 + ldexp(1.0, 1 - p)}
        };
        cpwl_ieee_op ops[4] = {CPWL_IEEE_ADD, CPWL_IEEE_MUL, CPWL_IEEE_ADD,
                               CPWL_IEEE_ADD};
        for (k = 0; k < 4; k++)
        {
            uint64_t s;
            if (k == 2 && p < 32)
                continue;       /* b, of 32 bits, is a value of binary64 only */
            s = state_for_draw(c[k].F - 1);
            REQUIRE_MSG(cpwl_ieee_op_sr(ops[k], c[k].a, c[k].b, f, &s) == c[k].hi,
                        "%s case %d: draw F - 1 must round away", cpwl_ieee_fmt_name(f), k);
            s = state_for_draw(c[k].F);
            REQUIRE_MSG(cpwl_ieee_op_sr(ops[k], c[k].a, c[k].b, f, &s) == c[k].lo,
                        "%s case %d: draw F must not round away", cpwl_ieee_fmt_name(f), k);
            s = state_for_draw(0);
            REQUIRE(cpwl_ieee_op_sr(ops[k], c[k].a, c[k].b, f, &s) == c[k].hi);
            s = state_for_draw(UINT32_MAX);
            REQUIRE(cpwl_ieee_op_sr(ops[k], c[k].a, c[k].b, f, &s) == c[k].lo);
        }
    }
}
END_TEST

START_TEST(test_sr_special)
{
    uint64_t s = 12345, s0;
    int i;
    double got, x;
    /* the same seed, the same sequence; another seed, another one */
    {
        uint64_t s1 = 99, s2 = 99, s3 = 100;
        int differ = 0, k;
        for (k = 0; k < 1000; k++)
        {
            double a = 1, b = ldexp(1.0, -12);   /* f = 1/2 in bfloat16 */
            double x1 = cpwl_ieee_op_sr(CPWL_IEEE_ADD, a, b, CPWL_IEEE_BFLOAT16, &s1);
            double x2 = cpwl_ieee_op_sr(CPWL_IEEE_ADD, a, b, CPWL_IEEE_BFLOAT16, &s2);
            double x3 = cpwl_ieee_op_sr(CPWL_IEEE_ADD, a, b, CPWL_IEEE_BFLOAT16, &s3);
            REQUIRE(x1 == x2);
            differ |= x1 != x3;
        }
        REQUIRE(s1 == s2);
        REQUIRE(differ);
    }
    for (i = 0; i < 4; i++)
    {
        cpwl_ieee_fmt f = FMTS[i];
        int p = cpwl_ieee_fmt_prec(f), emax = cpwl_ieee_fmt_emax(f);
        s0 = s;
        /* IEEE special results, exact, no draw */
        REQUIRE(isnan(cpwl_ieee_op_sr(CPWL_IEEE_SUB, INFINITY, INFINITY, f, &s)));
        REQUIRE(isnan(cpwl_ieee_op_sr(CPWL_IEEE_SQRT, -1, 0, f, &s)));
        REQUIRE(isnan(cpwl_ieee_op_sr(CPWL_IEEE_DIV, 0, 0, f, &s)));
        REQUIRE(isnan(cpwl_ieee_op_sr(CPWL_IEEE_MUL, NAN, 1, f, &s)));
        REQUIRE(cpwl_ieee_op_sr(CPWL_IEEE_DIV, -1, 0, f, &s) == -INFINITY);
        REQUIRE(cpwl_ieee_op_sr(CPWL_IEEE_DIV, 1, -0.0, f, &s) == -INFINITY);
        REQUIRE(cpwl_ieee_op_sr(CPWL_IEEE_ADD, INFINITY, 1, f, &s) == INFINITY);
        REQUIRE(same(cpwl_ieee_op_sr(CPWL_IEEE_DIV, -1, INFINITY, f, &s), -0.0));
        REQUIRE(same(cpwl_ieee_op_sr(CPWL_IEEE_SUB, 3, 3, f, &s), 0.0));
        REQUIRE(same(cpwl_ieee_op_sr(CPWL_IEEE_ADD, -0.0, -0.0, f, &s), -0.0));
        REQUIRE(same(cpwl_ieee_op_sr(CPWL_IEEE_MUL, -0.0, 5, f, &s), -0.0));
        REQUIRE(same(cpwl_ieee_op_sr(CPWL_IEEE_SQRT, -0.0, 0, f, &s), -0.0));
        REQUIRE(cpwl_ieee_op_sr(CPWL_IEEE_SQRT, 4, 0, f, &s) == 2);
        REQUIRE(cpwl_ieee_op_sr(CPWL_IEEE_MUL, 3, 0.5, f, &s) == 1.5);
        REQUIRE(s == s0);
        /* beyond 2^(emax+1): inf always (a draw is taken when inexact) */
        x = cpwl_ieee_fmt_max(f);
        got = cpwl_ieee_op_sr(CPWL_IEEE_MUL, x, 3, f, &s);
        REQUIRE(got == INFINITY);
        got = cpwl_ieee_op_sr(CPWL_IEEE_MUL, -x, 2, f, &s);
        REQUIRE(got == -INFINITY);
        /* the largest finite plus a quarter ulp, many times: both occur */
        {
            int k, seen_inf = 0, seen_max = 0;
            for (k = 0; k < 200; k++)
            {
                got = cpwl_ieee_op_sr(CPWL_IEEE_ADD, x, ldexp(1.0, emax - p - 1), f, &s);
                seen_inf |= got == INFINITY;
                seen_max |= got == x;
                REQUIRE(got == INFINITY || got == x);
            }
            REQUIRE(seen_inf && seen_max);
        }
        /* underflow: a product far below the smallest subnormal is 0
           with its sign, or (rarely) the smallest subnormal */
        got = cpwl_ieee_op_sr(CPWL_IEEE_MUL, -cpwl_ieee_fmt_min_subnormal(f),
                              0.25, f, &s);
        REQUIRE(same(got, -0.0) || got == -cpwl_ieee_fmt_min_subnormal(f));
        (void) p;
    }
    /* the caller's MPFR exponent range is left as it was */
    {
        mpfr_exp_t oe = mpfr_get_emin(), ox = mpfr_get_emax();
        mpfr_set_emin(-100);
        mpfr_set_emax(100);
        got = cpwl_ieee_op_sr(CPWL_IEEE_MUL, 0x1p-200, 0x1p-200, CPWL_IEEE_BINARY64, &s);
        REQUIRE(got == 0x1p-400);
        REQUIRE(mpfr_get_emin() == -100 && mpfr_get_emax() == 100);
        mpfr_set_emin(oe);
        mpfr_set_emax(ox);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ieee");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_spec_values);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_exhaustive16);
    tcase_add_test(tc, test_ops_mpfr);
    tcase_add_test(tc, test_subnormal_results);
    tcase_add_test(tc, test_ops_native);
#ifdef __FLT16_MANT_DIG__
    tcase_add_test(tc, test_ops_float16);
#endif
    tcase_add_test(tc, test_round_random);
    tcase_add_test(tc, test_round_fmpq);
    tcase_add_test(tc, test_sr_predicted);
    tcase_add_test(tc, test_sr_hoeffding);
    tcase_add_test(tc, test_sr_boundary);
    tcase_add_test(tc, test_sr_special);
    suite_add_tcase(s, tc);
    return test_run(s);
}
