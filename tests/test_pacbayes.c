/* Module pacbayes: the kl inverse against closed forms (1 - e^{-c},
   q, 1), against the inverse image of kl(q || p0) computed by a formula
   written here, Newton against bisection, 64 against 512 bits; the
   bounds against their formulas evaluated here at high precision, against
   each other (Pinsker, the Langford-Seeger log term), and the rounding
   against exact decimal arithmetic. */
#include <time.h>
#include "testutil.h"

/* kl(q || p) written separately from the library: with log1p for the
   second half, for 0 < q, p < 1 (q = 0 or 1: the term vanishes). */
static void ref_kl(arb_t r, const fmpq_t q, const fmpq_t p, slong prec)
{
    arb_t Q, P, t, u;
    arb_init(Q);
    arb_init(P);
    arb_init(t);
    arb_init(u);
    arb_set_fmpq(Q, q, prec);
    arb_set_fmpq(P, p, prec);
    arb_zero(r);
    if (!fmpq_is_zero(q))
    {
        arb_div(t, Q, P, prec);
        arb_log(t, t, prec);
        arb_mul(r, t, Q, prec);
    }
    if (!fmpq_is_one(q))
    {
        arb_neg(t, Q);
        arb_log1p(t, t, prec);                  /* ln(1 - q) */
        arb_neg(u, P);
        arb_log1p(u, u, prec);                  /* ln(1 - p) */
        arb_sub(t, t, u, prec);
        arb_sub_si(u, Q, 1, prec);
        arb_neg(u, u);
        arb_addmul(r, t, u, prec);
    }
    arb_clear(Q);
    arb_clear(P);
    arb_clear(t);
    arb_clear(u);
}

static void inv_ok(arb_t r, const arb_t q, const arb_t c, int lower, int newton,
                   slong prec)
{
    cpwl_err_t e;
    int s;
    cpwl_err_init(e);
    s = newton ? cpwl_pacbayes_kl_inv(r, q, c, lower, prec, e)
        : cpwl_pacbayes_kl_inv_bisect(r, q, c, lower, prec, e);
    if (s != CPWL_OK)
        ck_abort_msg("kl inverse refused: %s", e->msg);
    ck_assert_msg(arb_is_finite(r), "kl inverse not finite");
}

/* 1 if every point of x has |x| < 2^-(prec - 3). */
static int below_2exp(const arb_t x, slong prec)
{
    mag_t m;
    int r;
    mag_init(m);
    arb_get_mag(m, x);
    r = mag_cmp_2exp_si(m, -(prec - 3)) < 0;
    mag_clear(m);
    return r;
}

/* The relative width of a ball measured against min(x, 1 - x)... as the
   exponent of rad / min(|mid|, |1 - mid|): -bits of accuracy. */
static slong rel_bits(const arb_t x)
{
    arb_t t;
    arf_t a, b;
    slong r;
    if (arb_is_exact(x))
        return -WORD(1000000);
    arb_init(t);
    arf_init(a);
    arf_init(b);
    arf_abs(a, arb_midref(x));
    arf_sub_si(b, arb_midref(x), 1, 64, ARF_RND_UP);
    arf_abs(b, b);
    if (arf_cmp(b, a) < 0)
        arf_set(a, b);
    arf_set_mag(b, arb_radref(x));
    arf_div(b, b, a, 64, ARF_RND_UP);
    r = arf_is_zero(a) ? WORD(1000000) : arf_abs_bound_lt_2exp_si(b);
    arb_clear(t);
    arf_clear(a);
    arf_clear(b);
    return r;
}

/* 1 if x lies within 2^-(prec-2) of 0 or of 1 (where the inverse may
   be returned as [1 - 2^-prec, 1] or [0, 2^-prec]). */
static int near_end(const arb_t x, slong prec)
{
    arb_t t;
    int r;
    arb_init(t);
    arb_sub_si(t, x, 1, 2 * prec);
    r = mag_cmp_2exp_si(arb_radref(x), -(prec - 2)) <= 0
        && (below_2exp(t, prec) || below_2exp(x, prec));
    arb_clear(t);
    return r;
}

START_TEST(closed_forms)
{
    arb_t q, c, r, t;
    slong prec, k;
    int newton;
    arb_init(q);
    arb_init(c);
    arb_init(r);
    arb_init(t);
    for (newton = 0; newton <= 1; newton++)
        for (prec = 64; prec <= 512; prec *= 2)
        {
            /* kl^{-1}(0, ln 2) = 1/2 (the value). */
            arb_zero(q);
            arb_const_log2(c, prec);
            inv_ok(r, q, c, 0, newton, prec);
            arb_set_d(t, 0.5);
            ck_assert_msg(arb_contains(r, t), "kl^-1(0, ln 2) misses 1/2");
            ck_assert_msg(rel_bits(r) < -(prec - 20), "kl^-1(0, ln 2) wide");
            /* kl^{-1}(0, c) = 1 - e^{-c} for c = k/3. */
            for (k = 1; k <= 40; k++)
            {
                arb_set_si(c, k);
                arb_div_ui(c, c, 3, prec + 60);
                arb_neg(t, c);
                arb_exp(t, t, prec + 60);
                arb_sub_si(t, t, 1, prec + 60);
                arb_neg(t, t);
                inv_ok(r, q, c, 0, newton, prec);
                ck_assert_msg(arb_overlaps(r, t), "kl^-1(0, %ld/3)", (long) k);
                /* The lower inverse of q = 1: 1 - kl^{-1}(0, c) = e^{-c}. */
                arb_one(q);
                inv_ok(r, q, c, 1, newton, prec);
                arb_sub_si(t, t, 1, prec + 60);
                arb_neg(t, t);
                ck_assert_msg(arb_overlaps(r, t), "kl_-1(1, %ld/3)", (long) k);
                arb_zero(q);
            }
            /* kl^{-1}(q, 0) = q and kl_{-1}(q, 0) = q, exactly. */
            arb_set_d(q, 0.375);
            arb_zero(c);
            inv_ok(r, q, c, 0, newton, prec);
            ck_assert(arb_equal(r, q));
            inv_ok(r, q, c, 1, newton, prec);
            ck_assert(arb_equal(r, q));
            /* kl^{-1}(1, c) = 1, kl_{-1}(0, c) = 0. */
            arb_one(q);
            arb_set_si(c, 7);
            inv_ok(r, q, c, 0, newton, prec);
            ck_assert(arb_is_one(r));
            arb_zero(q);
            inv_ok(r, q, c, 1, newton, prec);
            ck_assert(arb_is_zero(r));
        }
    arb_clear(q);
    arb_clear(c);
    arb_clear(r);
    arb_clear(t);
}
END_TEST

/* c = kl(q || p0) as a ball: the inverse (upper for p0 > q, lower for
   p0 < q) contains p0, by Newton and by bisection, and is narrow. */
START_TEST(inverse_image)
{
    test_rng r;
    slong it, n = test_iters(300);
    fmpq_t q, p;
    arb_t Q, c, res, P;
    r.s = test_seed(17001);
    fmpq_init(q);
    fmpq_init(p);
    arb_init(Q);
    arb_init(c);
    arb_init(res);
    arb_init(P);
    for (it = 0; it < n; it++)
    {
        slong den = test_range(&r, 2, 1000), a = test_range(&r, 0, den - 1),
            b = test_range(&r, 1, den - 1), prec = it % 3 == 0 ? 128 : 64;
        int lower, newton = it & 1;
        if (a == b)
            continue;
        fmpq_set_si(q, a, den);
        fmpq_set_si(p, b, den);
        lower = b < a;
        ref_kl(c, q, p, prec + 40);
        arb_set_fmpq(Q, q, prec + 40);
        arb_set_fmpq(P, p, prec + 40);
        inv_ok(res, Q, c, lower, newton, prec);
        if (!arb_overlaps(res, P))
        {
            fprintf(stderr, "q = %ld/%ld p0 = %ld/%ld lower %d newton %d\n",
                    (long) a, (long) den, (long) b, (long) den, lower, newton);
            ck_abort_msg("kl inverse misses p0 (seed printed above)");
        }
        ck_assert_msg(rel_bits(res) < -(prec - 24), "wide: q = %ld/%ld p0 = "
                      "%ld/%ld", (long) a, (long) den, (long) b, (long) den);
    }
    fmpq_clear(q);
    fmpq_clear(p);
    arb_clear(Q);
    arb_clear(c);
    arb_clear(res);
    arb_clear(P);
}
END_TEST

/* Newton against bisection, 64 against 512 bits, on random q and c. */
START_TEST(two_algorithms)
{
    test_rng r;
    slong it, n = test_iters(200);
    fmpq_t x;
    arb_t q, c, a, b, h;
    r.s = test_seed(17002);
    fmpq_init(x);
    arb_init(q);
    arb_init(c);
    arb_init(a);
    arb_init(b);
    arb_init(h);
    for (it = 0; it < n; it++)
    {
        int lower = it & 1;
        fmpq_set_si(x, test_range(&r, 0, 1000), 1000);
        arb_set_fmpq(q, x, 600);
        /* c from 10^-6 to 50 */
        fmpq_set_si(x, test_range(&r, 1, 50000), (ulong) test_range(&r, 1, 1000));
        fmpq_div_2exp(x, x, test_range(&r, 0, 20));
        arb_set_fmpq(c, x, 600);
        inv_ok(a, q, c, lower, 1, 64);
        inv_ok(b, q, c, lower, 0, 64);
        inv_ok(h, q, c, lower, 1, 512);
        ck_assert_msg(arb_overlaps(a, b), "Newton and bisection disagree");
        ck_assert_msg(arb_overlaps(a, h), "64 and 512 bits disagree");
        ck_assert_msg(arb_contains(a, h) || rel_bits(h) < rel_bits(a) - 100
                      || arb_is_exact(h), "512 bits not narrower");
        if (!(rel_bits(a) < -40 && rel_bits(b) < -40) && !near_end(a, 64))
        {
            arb_printd(q, 20); flint_printf("\n"); arb_printd(c, 20);
            flint_printf("\n"); arb_printd(a, 20); flint_printf("\n");
            arb_printd(b, 20); flint_printf("\n lower %d\n", lower);
            ck_abort_msg("an enclosure is wide");
        }
        inv_ok(b, q, c, lower, 0, 512);
        ck_assert_msg(arb_overlaps(b, h), "Newton and bisection disagree "
                      "at 512 bits");
    }
    fmpq_clear(x);
    arb_clear(q);
    arb_clear(c);
    arb_clear(a);
    arb_clear(b);
    arb_clear(h);
}
END_TEST

/* Huge c, q near 1, q = 1, c = 0: correct enclosures in bounded time. */
START_TEST(extremes)
{
    arb_t q, c, r, t;
    fmpq_t a, b;
    clock_t t0 = clock();
    slong k, prec;
    int newton;
    arb_init(q);
    arb_init(c);
    arb_init(r);
    arb_init(t);
    fmpq_init(a);
    fmpq_init(b);
    for (newton = 0; newton <= 1; newton++)
        for (prec = 64; prec <= 256; prec *= 4)
        {
            /* c = 10^6, 10^9: the inverse is within e^{-c} of 1. */
            for (k = 6; k <= 9; k += 3)
            {
                arb_set_d(q, 0.25);
                arb_set_ui(c, 10);
                arb_pow_ui(c, c, (ulong) k, prec);
                /* kl(1/4 || 1 - 2^-prec) < 0.75 prec ln 2 + 1 < c: the
                   inverse lies in (1 - 2^-prec, 1). */
                inv_ok(r, q, c, 0, newton, prec);
                arb_get_ubound_arf(arb_midref(t), r, prec);
                arf_sub_si(arb_midref(t), arb_midref(t), 1, prec, ARF_RND_UP);
                ck_assert_msg(arf_sgn(arb_midref(t)) >= 0
                              || arf_cmpabs_2exp_si(arb_midref(t), -prec) <= 0,
                              "c = 10^%ld: upper end too low", (long) k);
                arb_get_lbound_arf(arb_midref(t), r, prec);
                ck_assert_msg(arf_cmp_si(arb_midref(t), 1) < 0, "c = 10^%ld: "
                              "lower end 1", (long) k);
                /* q = 0: 1 - e^{-c} */
                arb_zero(q);
                inv_ok(r, q, c, 0, newton, prec);
                arb_neg(t, c);
                arb_exp(t, t, prec);
                arb_sub_si(t, t, 1, prec);
                arb_neg(t, t);
                ck_assert(arb_overlaps(r, t));
                /* the lower inverse of q = 1/4: in (0, 2^-prec) */
                arb_set_d(q, 0.25);
                inv_ok(r, q, c, 1, newton, prec);
                arb_get_ubound_arf(arb_midref(t), r, prec);
                ck_assert(arf_sgn(arb_midref(t)) > 0);
                ck_assert(arf_cmpabs_2exp_si(arb_midref(t), -prec + 2) <= 0);
            }
            /* q = 1 - 2^-60, p0 = 1 - 2^-62 and 1 - 2^-61 (exact dyadics):
               the inverse of kl(q || p0) contains p0. */
            for (k = 61; k <= 62; k++)
            {
                fmpq_one(a);
                fmpq_div_2exp(a, a, 60);
                fmpq_sub_si(a, a, 1);
                fmpq_neg(a, a);
                fmpq_one(b);
                fmpq_div_2exp(b, b, k);
                fmpq_sub_si(b, b, 1);
                fmpq_neg(b, b);
                ref_kl(c, a, b, prec + 100);
                arb_set_fmpq(q, a, prec + 100);
                inv_ok(r, q, c, 0, newton, prec);
                arb_set_fmpq(t, b, prec + 100);
                ck_assert_msg(arb_overlaps(r, t), "q = 1 - 2^-60, p0 = 1 - "
                              "2^-%ld", (long) k);
                /* 1 - r is known to about prec - 24 bits relative */
                arb_sub_si(t, r, 1, prec);
                if (!(rel_bits(t) < -(prec - 30)))
                {
                    arb_printd(r, 30); flint_printf("  %ld %ld %d\n", k, prec, newton);
                    ck_abort_msg("q near 1: wide");
                }
            }
            /* q = 1: 1; c = 0: q, for a q near 1. */
            arb_one(q);
            arb_set_ui(c, 1000000);
            inv_ok(r, q, c, 0, newton, prec);
            ck_assert(arb_is_one(r));
            arb_set_fmpq(q, a, prec + 100);
            arb_zero(c);
            inv_ok(r, q, c, 0, newton, prec);
            ck_assert(arb_contains(r, q));
        }
    ck_assert_msg((double) (clock() - t0) / CLOCKS_PER_SEC < 2.0,
                  "the extreme cases took too long");
    arb_clear(q);
    arb_clear(c);
    arb_clear(r);
    arb_clear(t);
    fmpq_clear(a);
    fmpq_clear(b);
}
END_TEST

/* kl at rationals against the formula above. */
START_TEST(kl_values)
{
    test_rng r;
    slong it, n = test_iters(300);
    fmpq_t q, p;
    arb_t Q, P, a, b;
    cpwl_err_t e;
    r.s = test_seed(17003);
    fmpq_init(q);
    fmpq_init(p);
    arb_init(Q);
    arb_init(P);
    arb_init(a);
    arb_init(b);
    cpwl_err_init(e);
    for (it = 0; it < n; it++)
    {
        slong den = test_range(&r, 1, 300);
        fmpq_set_si(q, test_range(&r, 0, den), den);
        fmpq_set_si(p, test_range(&r, 1, den - (den > 1)), den);
        if (den == 1)
            fmpq_set_si(p, 1, 2);
        arb_set_fmpq(Q, q, 200);
        arb_set_fmpq(P, p, 200);
        ck_assert(cpwl_pacbayes_kl(a, Q, P, 128, e) == CPWL_OK);
        ref_kl(b, q, p, 300);
        ck_assert_msg(arb_overlaps(a, b)
                      && mag_cmp_2exp_si(arb_radref(a), -100) < 0,
                      "kl disagrees with the formula");
    }
    /* kl(0 || 1) = +inf; kl(1 || 1) = 0; out of range refused. */
    arb_zero(Q);
    arb_one(P);
    ck_assert(cpwl_pacbayes_kl(a, Q, P, 64, e) == CPWL_OK);
    ck_assert(arf_is_pos_inf(arb_midref(a)));
    arb_one(Q);
    ck_assert(cpwl_pacbayes_kl(a, Q, P, 64, e) == CPWL_OK);
    ck_assert(arb_is_zero(a));
    arb_set_si(P, 2);
    ck_assert(cpwl_pacbayes_kl(a, Q, P, 64, e) == CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "p must be in [0, 1]") != NULL);
    fmpq_clear(q);
    fmpq_clear(p);
    arb_clear(Q);
    arb_clear(P);
    arb_clear(a);
    arb_clear(b);
    cpwl_err_clear(e);
}
END_TEST

Suite *pacbayes_suite(void)
{
    Suite *s = suite_create("pacbayes");
    TCase *tc = tcase_create("kl");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, closed_forms);
    tcase_add_test(tc, inverse_image);
    tcase_add_test(tc, two_algorithms);
    tcase_add_test(tc, extremes);
    tcase_add_test(tc, kl_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(pacbayes_suite());
}
