/* The emulated IEEE formats (cpwl/ieee.h), round to nearest and
   constants, against references that do not share their method
   (tests/ieee_ref.h):
   - the compiler's own binary32 (float), binary64 (double) and binary16
     (_Float16, where GCC has it) arithmetic, operation by operation;
   - MPFR at the format's precision with its exponent range and
     mpfr_subnormalize, for all four formats;
   - an exact rational rounding in fmpz/fmpq (the floor of z / 2^q and a
     comparison with 1/2), for constants;
   - every value of the two 16-bit formats decoded from its bits here.
   Inputs are drawn to include subnormals, values near overflow, exact ties
   built on purpose, zeros of both signs, infinities and NaN.  Stochastic
   rounding: tests/test_ieee_sr.c. */
#include "ieee_ref.h"

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
    suite_add_tcase(s, tc);
    return test_run(s);
}
