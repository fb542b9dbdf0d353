/* Stochastic rounding of the emulated IEEE formats (cpwl_ieee_op_sr):
   every result predicted from the definition (the exact rational
   fraction and this file's own splitmix64), the draw's boundary reached
   with generator states built by inverting splitmix64's mixer, the two
   neighbours from MPFR's directed roundings (tests/ieee_ref.h), and
   round-up counts within a Hoeffding bound. */
#include "ieee_ref.h"

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
    Suite *s = suite_create("ieee_sr");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sr_predicted);
    tcase_add_test(tc, test_sr_hoeffding);
    tcase_add_test(tc, test_sr_boundary);
    tcase_add_test(tc, test_sr_special);
    suite_add_tcase(s, tc);
    return test_run(s);
}
