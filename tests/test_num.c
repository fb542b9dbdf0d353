/* Tests for exact number literals and IEEE rounding (src/num.c).

   Expected values come from sources independent of num.c: hand-written
   fractions, fmpz powers, glibc strtod/strtof (correctly rounded), the
   bit patterns of doubles/floats, and a nearest-neighbour check done with
   exact fmpq arithmetic. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "cpwl/num.h"
#include "testutil.h"

#define SEED UINT64_C(0x5eed0c0ffee12345)

/* ------------------------------------------------------------------------
   Helpers
   ------------------------------------------------------------------------ */

/* The exact value of a finite double, built from frexp: d = M * 2^(ex-53)
   with M an integer of at most 53 bits. */
static void d_to_fmpq(fmpq_t r, double d)
{
    int ex;
    double m = frexp(d, &ex);
    fmpz_t n;

    fmpz_init(n);
    fmpz_set_d(n, ldexp(m, 53));        /* an integer: exact */
    fmpz_set(fmpq_numref(r), n);
    fmpz_one(fmpq_denref(r));
    if (ex - 53 >= 0)
        fmpq_mul_2exp(r, r, (flint_bitcnt_t) (ex - 53));
    else
        fmpq_div_2exp(r, r, (flint_bitcnt_t) (53 - ex));
    fmpz_clear(n);
}

/* The double exactly equal to y = odd * 2^k with |odd| < 2^53; returns 0
   if y is not such a value. */
static int fmpq_to_exact_d(double *d, const fmpq_t y)
{
    const fmpz *den = fmpq_denref(y);
    slong k = -(slong) fmpz_val2(den);
    fmpz_t odd;
    fmpq_t back;
    int ok;

    if ((slong) fmpz_bits(den) - 1 != -k)
        return 0;                       /* not a power of 2 */
    fmpz_init(odd);
    if (!fmpz_is_zero(fmpq_numref(y)))
    {
        k += (slong) fmpz_val2(fmpq_numref(y));
        fmpz_tdiv_q_2exp(odd, fmpq_numref(y), fmpz_val2(fmpq_numref(y)));
    }
    ok = (fmpz_bits(odd) <= 53);
    if (ok)
    {
        *d = ldexp(fmpz_get_d(odd), (int) FLINT_MAX(FLINT_MIN(k, 5000),
                                                    -5000));
        fmpq_init(back);
        d_to_fmpq(back, *d);
        ok = isfinite(*d) && fmpq_equal(back, y);
        fmpq_clear(back);
    }
    fmpz_clear(odd);
    return ok;
}

static void fmpq_set_pow(fmpq_t r, ulong base, slong k)
{
    fmpz_t p;

    fmpz_init(p);
    fmpz_set_ui(p, base);
    fmpz_pow_ui(p, p, (ulong) (k < 0 ? -k : k));
    fmpq_one(r);
    if (k >= 0)
        fmpz_set(fmpq_numref(r), p);
    else
        fmpz_set(fmpq_denref(r), p);
    fmpz_clear(p);
}

static int eq_si(const fmpq_t x, slong p, ulong q)
{
    fmpq_t t;
    int r;

    fmpq_init(t);
    fmpq_set_si(t, p, q);
    r = fmpq_equal(x, t);
    fmpq_clear(t);
    return r;
}

static int parse(fmpq_t out, const char *s, cpwl_num_mode_t mode, cpwl_err_t e)
{
    cpwl_err_init(e);
    return cpwl_num_parse_fmpq(out, s, strlen(s), mode, e);
}

static int bits_odd_d(double d)
{
    uint64_t u;

    memcpy(&u, &d, sizeof(u));
    return (int) (u & 1);
}

static int bits_odd_f(float f)
{
    uint32_t u;

    memcpy(&u, &f, sizeof(u));
    return (int) (u & 1);
}

/* Compare num.c on decimal string s with glibc strtod (binary64).  Returns
   NULL if all agree, else a description of the disagreement. */
static const char *agree_b64(const char *s)
{
    fmpq_t x, y, z, want;
    cpwl_err_t e;
    char *end;
    double d, g;
    const char *why = NULL;
    int rc;

    errno = 0;
    d = strtod(s, &end);
    if (*end != '\0')
        return "strtod did not read the whole string";

    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(z);
    fmpq_init(want);

    rc = parse(y, s, CPWL_NUM_BINARY64, e);
    if (parse(x, s, CPWL_NUM_EXACT, e) != CPWL_OK)
    {
        why = "exact parse failed";
        goto done;
    }
    g = cpwl_num_fmpq_get_d(x);
    cpwl_err_init(e);
    if (isinf(d))
    {
        if (rc != CPWL_ERR_INPUT)
            why = "binary64 parse did not report overflow";
        else if (cpwl_num_round_fmpq(z, x, CPWL_NUM_BINARY64, e) != CPWL_ERR_INPUT
                 || strstr(e->msg, "overflows binary64") == NULL)
            why = "num_round_fmpq did not report overflow";
        else if (g != d)
            why = "num_fmpq_get_d is not +-HUGE_VAL";
        goto done;
    }
    d_to_fmpq(want, d);
    if (rc != CPWL_OK)
        why = "binary64 parse failed";
    else if (!fmpq_equal(y, want))
        why = "binary64 parse differs from strtod";
    else if (cpwl_num_round_fmpq(z, x, CPWL_NUM_BINARY64, e) != CPWL_OK
             || !fmpq_equal(z, want))
        why = "num_round_fmpq differs from strtod";
    else if (g != d)
        why = "num_fmpq_get_d differs from strtod";

done:
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(z);
    fmpq_clear(want);
    return why;
}

/* Same with strtof for binary32. */
static const char *agree_b32(const char *s)
{
    fmpq_t x, y, z, want;
    cpwl_err_t e;
    char *end;
    float f;
    const char *why = NULL;
    int rc;

    errno = 0;
    f = strtof(s, &end);
    if (*end != '\0')
        return "strtof did not read the whole string";

    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(z);
    fmpq_init(want);

    rc = parse(y, s, CPWL_NUM_BINARY32, e);
    if (parse(x, s, CPWL_NUM_EXACT, e) != CPWL_OK)
    {
        why = "exact parse failed";
        goto done;
    }
    cpwl_err_init(e);
    if (isinf(f))
    {
        if (rc != CPWL_ERR_INPUT)
            why = "binary32 parse did not report overflow";
        else if (cpwl_num_round_fmpq(z, x, CPWL_NUM_BINARY32, e) != CPWL_ERR_INPUT
                 || strstr(e->msg, "overflows binary32") == NULL)
            why = "num_round_fmpq did not report overflow";
        goto done;
    }
    d_to_fmpq(want, (double) f);
    if (rc != CPWL_OK)
        why = "binary32 parse failed";
    else if (!fmpq_equal(y, want))
        why = "binary32 parse differs from strtof";
    else if (cpwl_num_round_fmpq(z, x, CPWL_NUM_BINARY32, e) != CPWL_OK
             || !fmpq_equal(z, want))
        why = "num_round_fmpq differs from strtof";

done:
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(z);
    fmpq_clear(want);
    return why;
}

/* A random decimal literal: sign, 1-25 digits with an optional point,
   exponent in [elo, ehi]. */
static void random_decimal(char *buf, test_rng *st, long elo, long ehi)
{
    long n = (long) test_range(st, 1, 25), point = (long) test_range(st, -1, n), i;
    char *p = buf;

    if (test_next(st) & 1)
        *p++ = '-';
    for (i = 0; i < n; i++)
    {
        if (i == point)
            *p++ = '.';
        *p++ = (char) ('0' + (long) test_range(st, 0, 9));
    }
    if (point == n && n > 0)
        *p++ = '.';
    sprintf(p, "%c%ld", (test_next(st) & 1) ? 'e' : 'E',
            (long) test_range(st, elo, ehi));
}

/* Decimal literal "N e-k" exactly equal to the dyadic x = a / 2^k. */
static char *dyadic_to_decimal(const fmpq_t x)
{
    slong k = (slong) fmpz_val2(fmpq_denref(x));
    fmpz_t n;
    char *digits, *s;

    fmpz_init(n);
    fmpz_set_ui(n, 5);
    fmpz_pow_ui(n, n, (ulong) k);
    fmpz_mul(n, n, fmpq_numref(x));
    digits = fmpz_get_str(NULL, 10, n);
    s = malloc(strlen(digits) + 32);
    sprintf(s, "%se-%ld", digits, (long) k);
    flint_free(digits);
    fmpz_clear(n);
    return s;
}

static void check_exact(const char *s, const char *want_str)
{
    fmpq_t x, want;
    cpwl_err_t e;
    int rc;

    fmpq_init(x);
    fmpq_init(want);
    ck_assert_int_eq(fmpq_set_str(want, want_str, 10), 0);
    rc = parse(x, s, CPWL_NUM_EXACT, e);
    ck_assert_msg(rc == CPWL_OK, "\"%s\": rc %d, %s", s, rc, e->msg);
    ck_assert_msg(fmpq_equal(x, want), "\"%s\" != %s", s, want_str);
    ck_assert_msg(fmpq_is_canonical(x), "\"%s\" not canonical", s);
    fmpq_clear(x);
    fmpq_clear(want);
}

/* ------------------------------------------------------------------------
   Exact parsing
   ------------------------------------------------------------------------ */

START_TEST(test_exact_forms)
{
    static const char *cases[][2] = {
        {"0.1", "1/10"},
        {"-1/2", "-1/2"},
        {"0.25", "1/4"},
        {"1e-3", "1/1000"},
        {"2.5E+4", "25000"},
        {".5", "1/2"},
        {"5.", "5"},
        {"+7", "7"},
        {"-0", "0"},
        {"0", "0"},
        {"12", "12"},
        {"-7", "-7"},
        {"6/4", "3/2"},
        {"22/7", "22/7"},
        {"+3/9", "1/3"},
        {"-0/5", "0"},
        {"007", "7"},
        {"0x1.8p-3", "3/16"},
        {"-0X1P+4", "-16"},
        {"0x.8p0", "1/2"},
        {"0x10", "16"},
        {"0xAbC", "2748"},
        {"0x1.8", "3/2"},
        {"0x1.", "1"},
        {"0x1.8e3", "6371/4096"},
        {"0x0p999", "0"},
        {"0x1P-2", "1/4"},
        {"1.50e1", "15"},
        {"-12.5e-1", "-5/4"},
        {"0.000", "0"},
        {"0e-9999", "0"},
        {"1e0000000000000000000000000010", "10000000000"},
        {"-0.0078125", "-1/128"},
        {"123456789012345678901234567890", "123456789012345678901234567890"}
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_exact(cases[i][0], cases[i][1]);
}
END_TEST

START_TEST(test_exact_big)
{
    fmpq_t x, want;
    fmpz_t acc;
    cpwl_err_t e;
    char buf[400];
    int i;

    fmpq_init(x);
    fmpq_init(want);
    fmpz_init(acc);

    /* 1e10000 is at the limit and is 10^10000 exactly. */
    ck_assert_int_eq(parse(x, "1e10000", CPWL_NUM_EXACT, e), CPWL_OK);
    fmpq_set_pow(want, 10, 10000);
    ck_assert(fmpq_equal(x, want));

    ck_assert_int_eq(parse(x, "-1e-10000", CPWL_NUM_EXACT, e), CPWL_OK);
    fmpq_set_pow(want, 10, -10000);
    fmpq_neg(want, want);
    ck_assert(fmpq_equal(x, want));

    ck_assert_int_eq(parse(x, "0x1p40000", CPWL_NUM_EXACT, e), CPWL_OK);
    fmpq_set_pow(want, 2, 40000);
    ck_assert(fmpq_equal(x, want));

    ck_assert_int_eq(parse(x, "0x1p-40000", CPWL_NUM_EXACT, e), CPWL_OK);
    fmpq_set_pow(want, 2, -40000);
    ck_assert(fmpq_equal(x, want));

    /* A 300-digit integer, expected value accumulated digit by digit. */
    fmpz_zero(acc);
    buf[0] = '-';
    for (i = 0; i < 300; i++)
    {
        int dgt = (i * 7 + 3) % 10;

        buf[i + 1] = (char) ('0' + dgt);
        fmpz_mul_ui(acc, acc, 10);
        fmpz_add_ui(acc, acc, (ulong) dgt);
    }
    buf[301] = '\0';
    ck_assert_int_eq(parse(x, buf + 1, CPWL_NUM_EXACT, e), CPWL_OK);
    ck_assert(fmpz_equal(fmpq_numref(x), acc) && fmpz_is_one(fmpq_denref(x)));
    ck_assert_int_eq(parse(x, buf, CPWL_NUM_EXACT, e), CPWL_OK);
    fmpz_neg(acc, acc);
    ck_assert(fmpz_equal(fmpq_numref(x), acc) && fmpz_is_one(fmpq_denref(x)));

    /* The same digits as a 300-digit fraction part: acc / 10^300. */
    buf[0] = '.';
    fmpz_neg(acc, acc);
    ck_assert_int_eq(parse(x, buf, CPWL_NUM_EXACT, e), CPWL_OK);
    fmpq_set_pow(want, 10, -300);
    fmpq_mul_fmpz(want, want, acc);
    ck_assert(fmpq_equal(x, want));
    ck_assert(fmpq_is_canonical(x));

    fmpq_clear(x);
    fmpq_clear(want);
    fmpz_clear(acc);
}
END_TEST

/* A length shorter than the string: only s[0..len) counts. */
START_TEST(test_exact_len)
{
    fmpq_t x;
    cpwl_err_t e;

    fmpq_init(x);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_num_parse_fmpq(x, "1.25xyz", 4, CPWL_NUM_EXACT, e), CPWL_OK);
    ck_assert(eq_si(x, 5, 4));  /* "1.25" */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_num_parse_fmpq(x, "3/45", 3, CPWL_NUM_EXACT, e), CPWL_OK);
    ck_assert(eq_si(x, 3, 4));
    fmpq_clear(x);
}
END_TEST

/* ------------------------------------------------------------------------
   Binary64 / binary32 rounding
   ------------------------------------------------------------------------ */

START_TEST(test_b64_spec)
{
    fmpq_t x, want;
    cpwl_err_t e;

    fmpq_init(x);
    fmpq_init(want);
    ck_assert_int_eq(parse(x, "0.1", CPWL_NUM_BINARY64, e), CPWL_OK);
    fmpq_set_str(want, "3602879701896397/36028797018963968", 10);
    ck_assert(fmpq_equal(x, want));

    /* 0.1f = 13421773 / 2^27 */
    ck_assert_int_eq(parse(x, "0.1", CPWL_NUM_BINARY32, e), CPWL_OK);
    fmpq_set_str(want, "13421773/134217728", 10);
    ck_assert(fmpq_equal(x, want));

    /* Exact values stay exact; zero stays zero. */
    ck_assert_int_eq(parse(x, "-0x1.8p-3", CPWL_NUM_BINARY64, e), CPWL_OK);
    ck_assert(eq_si(x, -3, 16));
    ck_assert_int_eq(parse(x, "-0", CPWL_NUM_BINARY32, e), CPWL_OK);
    ck_assert(fmpq_is_zero(x));
    ck_assert_int_eq(parse(x, "1e-10000", CPWL_NUM_BINARY64, e), CPWL_OK);
    ck_assert(fmpq_is_zero(x));
    ck_assert_int_eq(parse(x, "1/3", CPWL_NUM_BINARY64, e), CPWL_OK);
    fmpq_set_str(want, "6004799503160661/18014398509481984", 10);
    ck_assert(fmpq_equal(x, want));

    /* Overflow, also for inputs far beyond the range. */
    ck_assert_int_eq(parse(x, "1e10000", CPWL_NUM_BINARY64, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "overflows binary64"));
    ck_assert_ptr_nonnull(strstr(e->msg, "\"1e10000\""));
    ck_assert_int_eq(parse(x, "-0x1p40000", CPWL_NUM_BINARY32, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "overflows binary32"));
    fmpq_set_pow(x, 2, 40000);
    ck_assert(cpwl_num_fmpq_get_d(x) == HUGE_VAL);
    fmpq_neg(x, x);
    ck_assert(cpwl_num_fmpq_get_d(x) == -HUGE_VAL);
    fmpq_set_pow(x, 2, -40000);
    ck_assert(cpwl_num_fmpq_get_d(x) == 0.0);

    fmpq_clear(x);
    fmpq_clear(want);
}
END_TEST

START_TEST(test_b64_tricky)
{
    static const char *cases[] = {
        "0.1", "0.2", "0.3", "1", "-1", "0", "2", "3.14159",
        "9007199254740992", "9007199254740993", "9007199254740994",
        "9007199254740995", "9007199254740993.0000000000000000001",
        "18014398509481986", "18014398509481990",
        "2.2250738585072011e-308", "2.2250738585072012e-308",
        "2.2250738585072014e-308", "2.225073858507201136057409796709131975"
        "9344403e-308",
        "4.9406564584124654e-324", "-4.9406564584124654e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324",
        "-2.4703282292062327e-324", "2.47032822920623272088e-324",
        "7.4109846876186982e-324", "1e-400", "1e-323", "3e-324",
        "1.7976931348623157e308", "1.7976931348623158e308",
        "1.7976931348623159e308", "-1.7976931348623159e308",
        "1.797693134862315807e308", "1.797693134862315808e308",
        "1e308", "1e309", "1e-307", "8.98846567431158e307",
        "0.500000000000000166533453693773481063544750213623046875",
        "0.500000000000000166533453693773481063544750213623046874",
        "0.500000000000000166533453693773481063544750213623046876",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "123456789012345678901234567890e-20", "5e-324", "1.5e-323",
        "0x1.fffffffffffff8p0", "0x1.fffffffffffff7ffp0",
        "0x1.00000000000008p0", "0x1.00000000000018p0",
        "0x1p-1074", "0x1p-1075", "0x1.0000001p-1075", "0x1.8p-1074",
        "0x1.fffffffffffffp1023", "0x1.fffffffffffff7fp1023",
        "0x1.fffffffffffff8p1023", "0x1p1024", "0x1.ffffffffffffep-1023",
        "0x1.fffffffffffff8p-1023"
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        const char *why = agree_b64(cases[i]);

        ck_assert_msg(why == NULL, "\"%s\": %s", cases[i], why);
    }
}
END_TEST

START_TEST(test_b32_tricky)
{
    static const char *cases[] = {
        "0.1", "1", "-1", "0", "16777216", "16777217", "16777218",
        "16777219", "16777217.000000000001", "33554434", "33554438",
        "3.4028234663852886e38", "3.4028235677973366e38",
        "3.4028235677973367e38", "-3.4028235677973367e38",
        "340282356779733661637539395458142568447",
        "340282356779733661637539395458142568448", "3.5e38", "1e39",
        "1.1754943508222875e-38", "1.1754942807573643e-38",
        "1.4012984643248171e-45", "7.006492321624085354618e-46",
        "7.006492321624085354619e-46", "7.006492321624085354617e-46",
        "2.1019476964872256e-45", "1e-46", "1e-50",
        "0x1p-149", "0x1p-150", "0x1.000002p-150", "0x1.8p-149",
        "0x1.fffffep127", "0x1.fffffefp127", "0x1.ffffffp127", "0x1p128",
        "0x1.000001p0", "0x1.000003p0", "0x1.0000010000001p0"
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        const char *why = agree_b32(cases[i]);

        ck_assert_msg(why == NULL, "\"%s\": %s", cases[i], why);
    }
}
END_TEST

/* The exact halfway point between DBL_MAX and 2^1024 overflows (ties to
   even picks 2^1024); one unit below it does not. */
START_TEST(test_b64_overflow_edge)
{
    fmpq_t x, y;
    fmpz_t h;
    cpwl_err_t e;
    char *s;

    fmpq_init(x);
    fmpq_init(y);
    fmpz_init(h);
    /* h = 2^1024 - 2^970 */
    fmpz_one_2exp(h, 1024);
    fmpz_one_2exp(fmpq_numref(y), 970);
    fmpz_sub(h, h, fmpq_numref(y));

    fmpz_set(fmpq_numref(x), h);
    fmpz_one(fmpq_denref(x));
    s = fmpz_get_str(NULL, 10, h);
    ck_assert_ptr_null(agree_b64(s));
    ck_assert(isinf(strtod(s, NULL)));
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_num_round_fmpq(y, x, CPWL_NUM_BINARY64, e), CPWL_ERR_INPUT);
    ck_assert(cpwl_num_fmpq_get_d(x) == HUGE_VAL);
    flint_free(s);

    fmpz_sub_ui(h, h, 1);
    fmpz_set(fmpq_numref(x), h);
    s = fmpz_get_str(NULL, 10, h);
    ck_assert_ptr_null(agree_b64(s));
    ck_assert(strtod(s, NULL) == DBL_MAX);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_num_round_fmpq(x, x, CPWL_NUM_BINARY64, e), CPWL_OK);
    ck_assert(cpwl_num_fmpq_get_d(x) == DBL_MAX);
    flint_free(s);

    fmpq_clear(x);
    fmpq_clear(y);
    fmpz_clear(h);
}
END_TEST

START_TEST(test_b64_random)
{
    const uint64_t seed = test_seed(SEED);
    test_rng st = {seed};
    char buf[64];
    int i;

    for (i = 0; i < test_iters(20000); i++)
    {
        const char *why;

        random_decimal(buf, &st, -340, 310);
        why = agree_b64(buf);
        if (why != NULL)
            ck_abort_msg("seed %#llx case %d \"%s\": %s",
                         (unsigned long long) seed, i, buf, why);
    }
}
END_TEST

START_TEST(test_b32_random)
{
    const uint64_t seed = test_seed(SEED + 1);
    test_rng st = {seed};
    char buf[64];
    int i;

    for (i = 0; i < test_iters(20000); i++)
    {
        const char *why;

        random_decimal(buf, &st, -50, 40);
        why = agree_b32(buf);
        if (why != NULL)
            ck_abort_msg("seed %#llx case %d \"%s\": %s",
                         (unsigned long long) seed, i, buf, why);
    }
}
END_TEST

/* Exact midpoints between adjacent doubles (incl. subnormals): the result
   must be the neighbour with an even bit pattern, and strtod on the exact
   decimal expansion must agree. */
START_TEST(test_b64_midpoints)
{
    const uint64_t seed = test_seed(SEED + 2);
    test_rng st = {seed};
    fmpq_t lo, hi, mid, y;
    cpwl_err_t e;
    int i;

    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_init(mid);
    fmpq_init(y);
    for (i = 0; i < test_iters(1000); i++)
    {
        uint64_t u = test_next(&st) & UINT64_C(0x7fffffffffffffff);
        double d, dn, want;
        const char *why;
        char *s;

        if (i % 4 == 0)
            u &= UINT64_C(0x800fffffffffffff);       /* subnormal or 0 */
        memcpy(&d, &u, sizeof(d));
        if (!isfinite(d) || d == DBL_MAX)
            continue;
        dn = nextafter(d, HUGE_VAL);
        want = bits_odd_d(d) ? dn : d;
        d_to_fmpq(lo, d);
        d_to_fmpq(hi, dn);
        fmpq_add(mid, lo, hi);
        fmpq_div_2exp(mid, mid, 1);
        if (test_next(&st) & 1)
        {
            fmpq_neg(mid, mid);
            want = -want;
        }

        cpwl_err_init(e);
        if (cpwl_num_round_fmpq(y, mid, CPWL_NUM_BINARY64, e) != CPWL_OK)
            ck_abort_msg("seed %#llx case %d: %s", (unsigned long long)
                         seed, i, e->msg);
        d_to_fmpq(lo, want);
        if (!fmpq_equal(y, lo) || cpwl_num_fmpq_get_d(mid) != want)
            ck_abort_msg("seed %#llx case %d: midpoint above %a not rounded "
                         "to even", (unsigned long long) seed, i, d);

        s = dyadic_to_decimal(mid);
        why = agree_b64(s);
        if (why != NULL || strtod(s, NULL) != want)
            ck_abort_msg("seed %#llx case %d: %.60s...: %s",
                         (unsigned long long) seed, i, s,
                         why ? why : "strtod disagrees with ties-to-even");
        free(s);
    }
    fmpq_clear(lo);
    fmpq_clear(hi);
    fmpq_clear(mid);
    fmpq_clear(y);
}
END_TEST

START_TEST(test_b32_midpoints)
{
    const uint64_t seed = test_seed(SEED + 3);
    test_rng st = {seed};
    fmpq_t lo, hi, mid, y;
    cpwl_err_t e;
    int i;

    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_init(mid);
    fmpq_init(y);
    for (i = 0; i < test_iters(1000); i++)
    {
        uint32_t u = (uint32_t) test_next(&st) & UINT32_C(0x7fffffff);
        float f, fn, want;
        const char *why;
        char *s;

        if (i % 4 == 0)
            u &= UINT32_C(0x807fffff);
        memcpy(&f, &u, sizeof(f));
        if (!isfinite(f) || f == FLT_MAX)
            continue;
        fn = nextafterf(f, HUGE_VALF);
        want = bits_odd_f(f) ? fn : f;
        d_to_fmpq(lo, f);
        d_to_fmpq(hi, fn);
        fmpq_add(mid, lo, hi);
        fmpq_div_2exp(mid, mid, 1);

        cpwl_err_init(e);
        if (cpwl_num_round_fmpq(y, mid, CPWL_NUM_BINARY32, e) != CPWL_OK)
            ck_abort_msg("seed %#llx case %d: %s", (unsigned long long)
                         seed, i, e->msg);
        d_to_fmpq(lo, want);
        if (!fmpq_equal(y, lo))
            ck_abort_msg("seed %#llx case %d: midpoint above %a not rounded "
                         "to even", (unsigned long long) seed, i,
                         (double) f);

        s = dyadic_to_decimal(mid);
        why = agree_b32(s);
        if (why != NULL || strtof(s, NULL) != want)
            ck_abort_msg("seed %#llx case %d: %.60s...: %s",
                         (unsigned long long) seed, i, s,
                         why ? why : "strtof disagrees with ties-to-even");
        free(s);
    }
    fmpq_clear(lo);
    fmpq_clear(hi);
    fmpq_clear(mid);
    fmpq_clear(y);
}
END_TEST

/* Random fractions p/q * 2^k (not decimal, so strtod cannot judge them):
   check that the result is a float value no farther from x than its two
   neighbours, and even on a tie. */
static const char *check_nearest(const fmpq_t x, const fmpq_t y, int b32)
{
    fmpq_t r, t, dist;
    double d, nb[2];
    const char *why = NULL;
    int j;

    if (!fmpq_to_exact_d(&d, y))
        return "result is not a binary64 value";
    if (b32 && (double) (float) d != d)
        return "result is not a binary32 value";

    if (b32)
    {
        nb[0] = nextafterf((float) d, -HUGE_VALF);
        nb[1] = nextafterf((float) d, HUGE_VALF);
    }
    else
    {
        nb[0] = nextafter(d, -HUGE_VAL);
        nb[1] = nextafter(d, HUGE_VAL);
    }

    fmpq_init(r);
    fmpq_init(t);
    fmpq_init(dist);
    fmpq_sub(dist, x, y);
    fmpq_abs(dist, dist);
    for (j = 0; j < 2; j++)
    {
        int c;

        if (isinf(nb[j]))
        {
            /* Beyond the largest finite value: 2^(emax+1) plays the
               neighbour, and a tie with it overflows. */
            fmpq_set_pow(r, 2, b32 ? 128 : 1024);
            if (j == 0)
                fmpq_neg(r, r);
        }
        else
        {
            d_to_fmpq(r, nb[j]);
        }
        fmpq_sub(t, x, r);
        fmpq_abs(t, t);
        c = fmpq_cmp(dist, t);
        if (c > 0)
            why = "a neighbour is nearer";
        else if (c == 0 && (isinf(nb[j])
                            || (b32 ? bits_odd_f((float) d) : bits_odd_d(d))))
            why = "tie not rounded to even";
    }
    fmpq_clear(r);
    fmpq_clear(t);
    fmpq_clear(dist);
    return why;
}

static void random_fmpz(fmpz_t z, test_rng *st, int bits)
{
    fmpz_zero(z);
    while (bits > 0)
    {
        int b = bits > 64 ? 64 : bits;
        uint64_t w = test_next(st);

        if (b < 64)
            w &= (UINT64_C(1) << b) - 1;
        fmpz_mul_2exp(z, z, (flint_bitcnt_t) b);
        fmpz_add_ui(z, z, (ulong) w);
        bits -= b;
    }
}

START_TEST(test_random_fractions)
{
    const uint64_t seed = test_seed(SEED + 4);
    test_rng st = {seed};
    fmpq_t x, y, lim;
    fmpz_t p, q;
    cpwl_err_t e;
    int i;

    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(lim);
    fmpz_init(p);
    fmpz_init(q);
    for (i = 0; i < test_iters(4000); i++)
    {
        int b32 = i & 1;
        cpwl_num_mode_t mode = b32 ? CPWL_NUM_BINARY32 : CPWL_NUM_BINARY64;
        long k = b32 ? (long) test_range(&st, -200, 160)
                     : (long) test_range(&st, -1150, 1060);
        const char *why = NULL;
        double yd;
        int rc;

        random_fmpz(p, &st, (int) (long) test_range(&st, 1, 200));
        random_fmpz(q, &st, (int) (long) test_range(&st, 1, 200));
        if (fmpz_is_zero(q))
            fmpz_one(q);
        if (test_next(&st) & 1)
            fmpz_neg(p, p);
        fmpq_set_fmpz_frac(x, p, q);
        if (k >= 0)
            fmpq_mul_2exp(x, x, (flint_bitcnt_t) k);
        else
            fmpq_div_2exp(x, x, (flint_bitcnt_t) -k);

        cpwl_err_init(e);
        rc = cpwl_num_round_fmpq(y, x, mode, e);
        if (rc == CPWL_OK)
        {
            why = check_nearest(x, y, b32);
            if (why == NULL && !b32 && (!fmpq_to_exact_d(&yd, y)
                                        || cpwl_num_fmpq_get_d(x) != yd))
                why = "num_fmpq_get_d differs from num_round_fmpq";
        }
        else
        {
            /* Overflow iff |x| >= 2^(emax+1) (1 - 2^-(prec+1)). */
            fmpq_set_pow(lim, 2, b32 ? 128 : 1024);
            fmpq_set_pow(y, 2, b32 ? 103 : 970);
            fmpq_sub(lim, lim, y);
            fmpq_abs(y, x);
            if (rc != CPWL_ERR_INPUT || fmpq_cmp(y, lim) < 0)
                why = "spurious overflow";
            else if (!b32 && fabs(cpwl_num_fmpq_get_d(x)) != HUGE_VAL)
                why = "num_fmpq_get_d not HUGE_VAL on overflow";
        }
        if (why != NULL)
            ck_abort_msg("seed %#llx case %d: %s", (unsigned long long)
                         seed, i, why);
    }
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(lim);
    fmpz_clear(p);
    fmpz_clear(q);
}
END_TEST

START_TEST(test_round_misc)
{
    fmpq_t x, w;
    cpwl_err_t e;

    fmpq_init(x);
    fmpq_init(w);

    /* In-place rounding (out aliases x). */
    fmpq_set_si(x, 1, 3);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_num_round_fmpq(x, x, CPWL_NUM_BINARY32, e), CPWL_OK);
    ck_assert(eq_si(x, 11184811, 33554432));   /* 1/3 as float */

    /* Exact mode copies. */
    fmpq_set_si(x, -2, 7);
    ck_assert_int_eq(cpwl_num_round_fmpq(x, x, CPWL_NUM_EXACT, e), CPWL_OK);
    ck_assert(eq_si(x, -2, 7));

    /* Zero. */
    fmpq_zero(x);
    ck_assert_int_eq(cpwl_num_round_fmpq(x, x, CPWL_NUM_BINARY64, e), CPWL_OK);
    ck_assert(fmpq_is_zero(x));
    ck_assert(cpwl_num_fmpq_get_d(x) == 0.0);

    /* Tiny negative values underflow to zero. */
    fmpq_set_pow(x, 2, -1075);
    fmpq_neg(x, x);
    ck_assert_int_eq(cpwl_num_round_fmpq(x, x, CPWL_NUM_BINARY64, e), CPWL_OK);
    ck_assert(fmpq_is_zero(x));

    /* Just above half the smallest subnormal: rounds up to it. */
    fmpq_set_si(x, 1000001, 1000000);
    fmpq_div_2exp(x, x, 1075);
    ck_assert(cpwl_num_fmpq_get_d(x) == 0x1p-1074);
    ck_assert_int_eq(cpwl_num_round_fmpq(x, x, CPWL_NUM_BINARY64, e), CPWL_OK);
    fmpq_set_pow(w, 2, -1074);
    ck_assert(fmpq_equal(x, w));

    fmpq_clear(x);
    fmpq_clear(w);
}
END_TEST

START_TEST(test_mode_name)
{
    ck_assert_str_eq(cpwl_num_mode_name(CPWL_NUM_EXACT), "exact");
    ck_assert_str_eq(cpwl_num_mode_name(CPWL_NUM_BINARY64), "binary64");
    ck_assert_str_eq(cpwl_num_mode_name(CPWL_NUM_BINARY32), "binary32");
}
END_TEST

/* ------------------------------------------------------------------------
   Errors
   ------------------------------------------------------------------------ */

START_TEST(test_errors)
{
    static const char *cases[][2] = {
        {"", "empty"},
        {"+", "malformed number"},
        {"-", "malformed number"},
        {"abc", "malformed number \"abc\""},
        {"1/0", "zero denominator in \"1/0\""},
        {"0/0", "zero denominator"},
        {"-5/000", "zero denominator"},
        {"nan", "\"nan\" is not a finite number"},
        {"NaN", "not a finite number"},
        {"-inf", "\"-inf\" is not a finite number"},
        {"+INF", "not a finite number"},
        {"Infinity", "not a finite number"},
        {"infinit", "malformed number"},
        {"1e999999", "limit of 10000"},
        {"1e-10001", "limit of 10000"},
        {"1e99999999999999999999999", "limit of 10000"},
        {"-1.5E+99999999999999999999999999999999", "limit of 10000"},
        {"0x1p999999", "limit of 40000"},
        {"0x1p-40001", "limit of 40000"},
        {"0x1p99999999999999999999999", "limit of 40000"},
        {"1.2.3", "malformed number \"1.2.3\" (expected an integer"},
        {"1/-2", "malformed fraction \"1/-2\""},
        {"1/+2", "malformed fraction"},
        {"1/2/3", "malformed fraction"},
        {"1.5/2", "malformed fraction"},
        {"1e2/3", "malformed fraction"},
        {"/2", "malformed fraction"},
        {"1/", "malformed fraction"},
        {"- 1", "malformed number"},
        {"1 ", "malformed number"},
        {" 1", "malformed number"},
        {"0x", "malformed hex float \"0x\""},
        {"0xg", "malformed hex float"},
        {"0x.", "malformed hex float"},
        {"0x.p1", "malformed hex float"},
        {"0x1p", "malformed hex float"},
        {"0x1p+", "malformed hex float"},
        {"0x1e+3", "malformed hex float"},
        {"0x-1", "malformed hex float"},
        {"e5", "malformed number"},
        {".", "malformed number"},
        {".e1", "malformed number"},
        {"1e", "malformed number"},
        {"1e+", "malformed number"},
        {"1e1.5", "malformed number"},
        {"1e5e5", "malformed number"},
        {"--1", "malformed number"},
        {"+-1", "malformed number"},
        {"1,5", "malformed number"},
        {"1_000", "malformed number"},
        {"0b101", "malformed number"},
        {"00x1", "malformed number"},
        {"\xd9\xa1", "malformed number \"\\xd9\\xa1\""}
    };
    fmpq_t x;
    cpwl_err_t e;
    size_t i;

    fmpq_init(x);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        int rc = parse(x, cases[i][0], CPWL_NUM_EXACT, e);

        ck_assert_msg(rc == CPWL_ERR_INPUT, "\"%s\": rc %d", cases[i][0], rc);
        ck_assert_msg(e->status == CPWL_ERR_INPUT, "\"%s\"", cases[i][0]);
        ck_assert_msg(strstr(e->msg, cases[i][1]) != NULL,
                      "\"%s\": message \"%s\" lacks \"%s\"", cases[i][0],
                      e->msg, cases[i][1]);
        /* Float modes refuse the same literals. */
        ck_assert_int_eq(parse(x, cases[i][0], CPWL_NUM_BINARY64, e),
                         CPWL_ERR_INPUT);
    }
    fmpq_clear(x);
}
END_TEST

START_TEST(test_error_quoting)
{
    static const char nul[] = "1\0002";
    char big[200];
    fmpq_t x;
    cpwl_err_t e;

    fmpq_init(x);

    /* Embedded NUL passed with the full length. */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_num_parse_fmpq(x, nul, 3, CPWL_NUM_EXACT, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "malformed number \"1\\x002\""));

    /* A long literal is cut in the message. */
    memset(big, '7', 150);
    big[150] = 'x';
    big[151] = '\0';
    ck_assert_int_eq(parse(x, big, CPWL_NUM_EXACT, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "\"..."));
    ck_assert_ptr_null(strstr(e->msg, "x\""));
    ck_assert(strlen(e->msg) < 250);

    /* The first recorded error is kept. */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_num_parse_fmpq(x, "1/0", 3, CPWL_NUM_EXACT, e),
                     CPWL_ERR_INPUT);
    cpwl_num_parse_fmpq(x, "nan", 3, CPWL_NUM_EXACT, e);
    ck_assert_ptr_nonnull(strstr(e->msg, "zero denominator"));

    fmpq_clear(x);
}
END_TEST

/* ------------------------------------------------------------------------
   Driver
   ------------------------------------------------------------------------ */

static Suite *num_suite(void)
{
    Suite *s = suite_create("num");
    TCase *tc;

    tc = tcase_create("exact");
    tcase_add_test(tc, test_exact_forms);
    tcase_add_test(tc, test_exact_big);
    tcase_add_test(tc, test_exact_len);
    suite_add_tcase(s, tc);

    tc = tcase_create("float");
    tcase_add_test(tc, test_b64_spec);
    tcase_add_test(tc, test_b64_tricky);
    tcase_add_test(tc, test_b32_tricky);
    tcase_add_test(tc, test_b64_overflow_edge);
    tcase_add_test(tc, test_b64_random);
    tcase_add_test(tc, test_b32_random);
    tcase_add_test(tc, test_b64_midpoints);
    tcase_add_test(tc, test_b32_midpoints);
    tcase_add_test(tc, test_random_fractions);
    tcase_add_test(tc, test_round_misc);
    tcase_add_test(tc, test_mode_name);
    /* Generous for valgrind runs; natively the suite takes well under 1s. */
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_error_quoting);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return test_run(num_suite());
}
