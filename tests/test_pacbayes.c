/* Module pacbayes: the kl inverse against closed forms (1 - e^{-c},
   q, 1), against the inverse image of kl(q || p0) computed by a formula
   written here, Newton against bisection, 64 against 512 bits; the
   bounds against their formulas evaluated here at high precision, against
   each other (Pinsker, the Langford-Seeger log term), and the rounding
   against exact decimal arithmetic. */
#include <time.h>
#include "testutil.h"

/* kl(q || p) written separately from the library, for 0 <= q <= 1,
   0 < p < 1 rationals: q log1p((q - p)/p) + (1 - q) log1p((p - q)/(1 - p)),
   the arguments of log1p formed exactly (so that q and p near 0 or 1 keep
   their relative precision); a term with factor 0 vanishes. */
static void ref_kl(arb_t r, const fmpq_t q, const fmpq_t p, slong prec)
{
    fmpq_t d, t, w;
    arb_t u, v;
    arb_init(v);
    fmpq_init(d);
    fmpq_init(t);
    fmpq_init(w);
    arb_init(u);
    arb_zero(r);
    fmpq_sub(d, q, p);                          /* q - p */
    if (!fmpq_is_zero(q))
    {
        fmpq_div(t, d, p);
        arb_set_fmpq(u, t, prec);
        arb_log1p(u, u, prec);
        arb_set_fmpq(r, q, prec);
        arb_mul(r, r, u, prec);
    }
    if (!fmpq_is_one(q))
    {
        fmpq_sub_si(w, p, 1);
        fmpq_neg(w, w);                         /* 1 - p */
        fmpq_neg(t, d);
        fmpq_div(t, t, w);                      /* (p - q)/(1 - p) */
        arb_set_fmpq(u, t, prec);
        arb_log1p(u, u, prec);
        fmpq_sub_si(w, q, 1);
        fmpq_neg(w, w);                         /* 1 - q */
        arb_set_fmpq(v, w, prec);
        arb_addmul(r, u, v, prec);
    }
    fmpq_clear(d);
    fmpq_clear(t);
    fmpq_clear(w);
    arb_clear(u);
    arb_clear(v);
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
        /* The ends at 64 bits have certified signs, so they stay away from
           the root by far more than the 512-bit enclosure's width: it
           must lie inside both 64-bit ones (stronger than overlapping). */
        ck_assert_msg(arb_contains(a, h) && arb_contains(b, h),
                      "the 64-bit enclosures do not contain the 512-bit one");
        ck_assert_msg(rel_bits(h) < rel_bits(a) - 100 || arb_is_exact(h)
                      || near_end(a, 64), "512 bits not narrower");
        ck_assert_msg((rel_bits(a) < -40 && rel_bits(b) < -40)
                      || near_end(a, 64), "an enclosure is wide");
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
                ck_assert_msg(rel_bits(t) < -(prec - 30), "q near 1: wide");
            }
            /* q = 2^-990, p0 = 3 2^-990 (upper) and q = 3 2^-990,
               p0 = 2^-990 (lower): relative precision near 0; and the
               mirror images 1 - q, 1 - p0 near 1. */
            for (k = 0; k < 4; k++)
            {
                fmpq_one(a);
                fmpq_div_2exp(a, a, 990);
                fmpq_mul_ui(b, a, 3);
                if (k & 1)
                    fmpq_swap(a, b);
                if (k & 2)
                {
                    fmpq_sub_si(a, a, 1);
                    fmpq_neg(a, a);
                    fmpq_sub_si(b, b, 1);
                    fmpq_neg(b, b);
                }
                ref_kl(c, a, b, prec + 100);
                arb_set_fmpq(q, a, 2000);       /* exact */
                inv_ok(r, q, c, fmpq_cmp(b, a) < 0, newton, prec);
                arb_set_fmpq(t, b, 2000);
                ck_assert_msg(arb_overlaps(r, t), "near 0 or 1, case %ld",
                              (long) k);
                ck_assert_msg(rel_bits(r) < -(prec - 30), "near 0 or 1, "
                              "case %ld: wide", (long) k);
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

/* kl^{-1} <= 1 and kl_{-1} >= 0: the enclosure's upper (lower) end
   stays there exactly, also when the inverse is within 2^-prec of 1 (0)
   and the ball's rounded radius would pass it; and it still contains the
   closed form 1 - e^{-c} (q = 0) or 1 - kl^{-1}(1 - q, c) (lower). */
START_TEST(unit_ends)
{
    arb_t q, c, r, s, t;
    arf_t x;
    slong prec, k;
    int newton, lower;
    static const double qs[3] = {0.0, 0.25, 0.5};
    static const ulong cs[4] = {30, 45, 1000, 1000000000};
    arb_init(q);
    arb_init(c);
    arb_init(r);
    arb_init(s);
    arb_init(t);
    arf_init(x);
    for (newton = 0; newton <= 1; newton++)
        for (prec = 53; prec <= 256; prec *= 2)
            for (k = 0; k < 12; k++)
                for (lower = 0; lower <= 1; lower++)
                {
                    arb_set_d(q, qs[k % 3]);
                    if (lower)
                        arb_sub_si(q, q, 1, prec), arb_neg(q, q);
                    arb_set_ui(c, cs[k / 3]);
                    inv_ok(r, q, c, lower, newton, prec);
                    arb_get_ubound_arf(x, r, ARF_PREC_EXACT);
                    ck_assert_msg(arf_cmp_si(x, 1) <= 0, "upper end above 1 "
                                  "(q %g, c %lu, lower %d, newton %d, prec %ld)",
                                  qs[k % 3], cs[k / 3], lower, newton,
                                  (long) prec);
                    arb_get_lbound_arf(x, r, ARF_PREC_EXACT);
                    ck_assert_msg(arf_sgn(x) >= 0, "lower end below 0 (q %g, "
                                  "c %lu, lower %d, newton %d, prec %ld)",
                                  qs[k % 3], cs[k / 3], lower, newton,
                                  (long) prec);
                    /* the lower inverse of 1 - q is 1 - the upper of q */
                    arb_set_d(s, qs[k % 3]);
                    if (k % 3 == 0)
                    {
                        arb_neg(t, c);
                        arb_expm1(t, t, 2 * prec);
                        arb_neg(t, t);
                    }
                    else
                        inv_ok(t, s, c, 0, !newton, 2 * prec);
                    if (lower)
                        arb_sub_si(t, t, 1, 2 * prec), arb_neg(t, t);
                    ck_assert_msg(arb_overlaps(r, t), "misses the inverse "
                                  "(q %g, c %lu, lower %d, newton %d)",
                                  qs[k % 3], cs[k / 3], lower, newton);
                }
    /* The Maurer bound through that inverse: vacuous, printed as 1. */
    {
        cpwl_pacbayes_input_t in;
        cpwl_pacbayes_bound_t b;
        cpwl_err_t e;
        cpwl_pacbayes_input_init(in);
        cpwl_pacbayes_bound_init(b);
        cpwl_err_init(e);
        fmpz_set_ui(in->m, 100);
        arb_set_ui(in->kl, 100000);
        arb_set_d(in->emp, 0.25);
        ck_assert(cpwl_pacbayes_bound(b, in, 17, 64, e) == CPWL_OK);
        ck_assert_msg(fmpq_is_one(b->upper) && b->vacuous,
                      "a vacuous Maurer bound not printed as 1");
        cpwl_pacbayes_input_clear(in);
        cpwl_pacbayes_bound_clear(b);
        cpwl_err_clear(e);
    }
    arb_clear(q);
    arb_clear(c);
    arb_clear(r);
    arb_clear(s);
    arb_clear(t);
    arf_clear(x);
}
END_TEST

/* A c whose root is, to 2^-1000, a point the search evaluates, so that
   the sign there is undecided at the working precision: the start point
   1 - 2^-prec (both algorithms start there when the root is that close to
   1) and bisection's first midpoint (1/4 + 1 - 2^-prec)/2.  The enclosure,
   widened around the point, must contain the 1024-bit one and stay
   narrow; for the lower inverse, mirrored (q = 3/4). */
START_TEST(undecided_signs)
{
    arb_t q, c, r, h, v;
    fmpq_t a, p;
    cpwl_err_t e;
    slong prec;
    int which, newton, lower;
    arb_init(q);
    arb_init(c);
    arb_init(r);
    arb_init(h);
    arb_init(v);
    fmpq_init(a);
    fmpq_init(p);
    cpwl_err_init(e);
    for (prec = 64; prec <= 128; prec *= 2)
        for (which = 0; which < 2; which++)
            for (newton = 0; newton <= 1 - which; newton++)
                for (lower = 0; lower <= 1; lower++)
                {
                    /* p = 1 - 2^-prec, or (1/4 + p)/2 */
                    fmpq_one(p);
                    fmpq_div_2exp(p, p, prec);
                    fmpq_sub_si(p, p, 1);
                    fmpq_neg(p, p);
                    fmpq_set_si(a, 1, 4);
                    if (which)
                    {
                        fmpq_add(p, p, a);
                        fmpq_div_2exp(p, p, 1);
                    }
                    if (lower)
                    {
                        /* q = 3/4, p0 = 1 - p */
                        fmpq_sub_si(a, a, 1);
                        fmpq_neg(a, a);
                        fmpq_sub_si(p, p, 1);
                        fmpq_neg(p, p);
                    }
                    ref_kl(c, a, p, 1100);
                    mag_zero(arb_radref(c));     /* an exact c near kl */
                    arb_set_fmpq(q, a, 1100);
                    /* the premise: undecided at the working precision (the
                       library's prec + 24) */
                    arb_set_fmpq(v, p, 1100);
                    ck_assert(cpwl_pacbayes_kl(v, q, v, prec + 24, e) == CPWL_OK);
                    arb_sub(v, v, c, prec + 24);
                    ck_assert_msg(!arb_is_positive(v) && !arb_is_negative(v),
                                  "premise: the sign at the point is decided");
                    inv_ok(r, q, c, lower, newton, prec);
                    inv_ok(h, q, c, lower, 1, 1024);
                    ck_assert_msg(arb_contains(r, h), "undecided point %d, "
                                  "newton %d, lower %d, prec %ld: misses the "
                                  "inverse", which, newton, lower, (long) prec);
                    arb_sub_si(v, r, 1, prec);
                    ck_assert_msg(rel_bits(lower ? r : v) < -(prec - 30),
                                  "undecided point %d, newton %d, lower %d, "
                                  "prec %ld: wide", which, newton, lower,
                                  (long) prec);
                }
    arb_clear(q);
    arb_clear(c);
    arb_clear(r);
    arb_clear(h);
    arb_clear(v);
    fmpq_clear(a);
    fmpq_clear(p);
    cpwl_err_clear(e);
}
END_TEST

/* q = 0 by bisection alone (no closed form there): kl^{-1}(0, c) =
   -expm1(-c) ~ c for c = 2^-1000 and 2^-100000, and its mirror kl_{-1}(1, c) =
   e^{-c} near 1, to relative precision like every other root (the
   bisection from a = 0 once stopped at [0, 2^-511]). */
START_TEST(bisect_from_zero)
{
    arb_t q, c, r, t;
    slong k, prec;
    int lower;
    static const slong ex[2] = {1000, 100000};
    arb_init(q);
    arb_init(c);
    arb_init(r);
    arb_init(t);
    for (prec = 64; prec <= 256; prec *= 4)
        for (k = 0; k < 2; k++)
            for (lower = 0; lower <= 1; lower++)
            {
                arb_one(c);
                arb_mul_2exp_si(c, c, -ex[k]);
                arb_set_si(q, lower);
                inv_ok(r, q, c, lower, 0, prec);
                arb_neg(t, c);
                if (lower)
                    arb_exp(t, t, 2 * prec);
                else
                {
                    arb_expm1(t, t, 2 * prec);
                    arb_neg(t, t);
                }
                ck_assert_msg(arb_overlaps(r, t), "c = 2^-%ld, lower %d: "
                              "misses the inverse", ex[k], lower);
                if (lower)
                    arb_sub_si(r, r, 1, 2 * prec);
                ck_assert_msg(rel_bits(r) < -(prec - 30), "c = 2^-%ld, lower "
                              "%d, prec %ld: wide", ex[k], lower, (long) prec);
            }
    arb_clear(q);
    arb_clear(c);
    arb_clear(r);
    arb_clear(t);
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

/* ---- bounds ------------------------------------------------------------ */

/* The bound of kind k written from its formula at 300 bits, for exact q,
   KL, delta, m (ints), lambda, C; Maurer and Langford-Seeger through the
   bisection algorithm (the second algorithm). */
static void ref_bound(arb_t v, int k, const fmpq_t q, const fmpq_t kl,
                      const fmpq_t delta, slong m, const fmpq_t lambda,
                      const fmpq_t C)
{
    const slong p = 300;
    arb_t Q, K, D, L, B, t, u;
    arb_init(Q);
    arb_init(K);
    arb_init(D);
    arb_init(L);
    arb_init(B);
    arb_init(t);
    arb_init(u);
    arb_set_fmpq(Q, q, p);
    arb_set_fmpq(K, kl, p);
    arb_set_fmpq(D, delta, p);
    /* ln(2 sqrt(m)/delta) = ln 2 + ln(m)/2 - ln delta */
    arb_const_log2(L, p);
    arb_log_ui(t, (ulong) m, p);
    arb_mul_2exp_si(t, t, -1);
    arb_add(L, L, t, p);
    arb_log(t, D, p);
    arb_sub(L, L, t, p);
    arb_add(B, K, L, p);                        /* KL + ln(2 sqrt m / delta) */
    switch (k)
    {
    case CPWL_PACBAYES_MCALLESTER:
    case CPWL_PACBAYES_CLASSIC:
        arb_div_ui(t, B, 2 * (ulong) m, p);
        arb_sqrt(t, t, p);
        arb_add(v, Q, t, p);
        break;
    case CPWL_PACBAYES_QUADRATIC:
        arb_div_ui(t, B, 2 * (ulong) m, p);
        arb_add(u, Q, t, p);
        arb_sqrt(u, u, p);
        arb_sqrt(t, t, p);
        arb_add(u, u, t, p);
        arb_mul(v, u, u, p);
        break;
    case CPWL_PACBAYES_LAMBDA:
        /* q/(1 - l/2) + B/(m l (1 - l/2)) */
        arb_set_fmpq(t, lambda, p);
        arb_mul_2exp_si(u, t, -1);
        arb_sub_si(u, u, 1, p);
        arb_neg(u, u);
        arb_div(v, Q, u, p);
        arb_mul(u, u, t, p);
        arb_mul_si(u, u, m, p);
        arb_div(t, B, u, p);
        arb_add(v, v, t, p);
        break;
    case CPWL_PACBAYES_CATONI:
        /* (1 - exp(-C q - (KL + ln(1/delta))/m)) / (1 - exp(-C)) */
        arb_log(t, D, p);
        arb_sub(t, K, t, p);
        arb_div_si(t, t, m, p);
        arb_set_fmpq(u, C, p);
        arb_addmul(t, u, Q, p);
        arb_neg(t, t);
        arb_exp(t, t, p);
        arb_sub_si(t, t, 1, p);
        arb_neg(u, u);
        arb_exp(u, u, p);
        arb_sub_si(u, u, 1, p);
        arb_div(v, t, u, p);
        break;
    case CPWL_PACBAYES_MAURER:
        arb_div_si(t, B, m, p);
        inv_ok(v, Q, t, 0, 0, p);
        break;
    default:                    /* LANGFORD_SEEGER */
        arb_set_si(t, m + 1);
        arb_div(t, t, D, p);
        arb_log(t, t, p);
        arb_add(t, t, K, p);
        arb_div_si(t, t, m, p);
        inv_ok(v, Q, t, 0, 0, p);
        break;
    }
    arb_clear(Q);
    arb_clear(K);
    arb_clear(D);
    arb_clear(L);
    arb_clear(B);
    arb_clear(t);
    arb_clear(u);
}

static void bound_ok(cpwl_pacbayes_bound_t b, const cpwl_pacbayes_input_t in,
                     slong digits, slong prec)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_pacbayes_bound(b, in, digits, prec, e) != CPWL_OK)
        ck_abort_msg("bound refused: %s", e->msg);
}

START_TEST(bounds_formulas)
{
    test_rng r;
    slong it, n = test_iters(50);
    fmpq_t q, kl, lam, C;
    arb_t ref, U;
    cpwl_pacbayes_input_t in;
    cpwl_pacbayes_bound_t b, b2;
    r.s = test_seed(17004);
    fmpq_init(q);
    fmpq_init(kl);
    fmpq_init(lam);
    fmpq_init(C);
    arb_init(ref);
    arb_init(U);
    cpwl_pacbayes_input_init(in);
    cpwl_pacbayes_bound_init(b);
    cpwl_pacbayes_bound_init(b2);
    for (it = 0; it < n; it++)
    {
        slong m = test_range(&r, 8, 1000000), k;
        fmpq_set_si(q, test_range(&r, 0, 1000), 1000);
        fmpq_set_si(kl, test_range(&r, 0, 100000), (ulong) test_range(&r, 1, 100));
        fmpq_set_si(in->delta, test_range(&r, 1, 99), 100);
        fmpq_set_si(lam, test_range(&r, 1, 199), 100);
        fmpq_set_si(C, test_range(&r, 1, 500), 100);
        fmpz_set_si(in->m, m);
        arb_set_fmpq(in->emp, q, 128);
        arb_set_fmpq(in->kl, kl, 128);
        fmpq_set(in->lambda, lam);
        fmpq_set(in->catoni_c, C);
        for (k = 0; k < CPWL_PACBAYES_NUM_BOUNDS; k++)
        {
            in->kind = (cpwl_pacbayes_kind) k;
            bound_ok(b, in, 6, 128);
            ref_bound(ref, (int) k, q, kl, in->delta, m, lam, C);
            if (!arb_overlaps(b->value, ref))
            {
                fprintf(stderr, "%s m %ld\n", cpwl_pacbayes_name(in->kind),
                        (long) m);
                arb_fprintd(stderr, b->value, 30);
                fputc('\n', stderr);
                arb_fprintd(stderr, ref, 30);
                fputc('\n', stderr);
                ck_abort_msg("a bound disagrees with its formula");
            }
            ck_assert_msg(mag_cmp_2exp_si(arb_radref(b->value), -90) < 0,
                          "%s: wide", cpwl_pacbayes_name(in->kind));
            /* the printed rational is never below the bound */
            arb_set_fmpq(U, b->upper, 300);
            ck_assert_msg(!arb_lt(U, ref), "%s: upper below the bound",
                          cpwl_pacbayes_name(in->kind));
            ck_assert(b->vacuous == (fmpq_cmp_si(b->upper, 1) >= 0));
        }
        /* Pinsker: Maurer <= McAllester. */
        in->kind = CPWL_PACBAYES_MAURER;
        bound_ok(b, in, 6, 128);
        in->kind = CPWL_PACBAYES_MCALLESTER;
        bound_ok(b2, in, 6, 128);
        ck_assert_msg(!arb_gt(b->value, b2->value), "Maurer above McAllester");
        ck_assert(fmpq_cmp(b->upper, b2->upper) <= 0);
        /* m + 1 > 2 sqrt(m): Langford-Seeger's complexity is larger, so is
           its kl inverse (strictly, unless it is 1). */
        in->kind = CPWL_PACBAYES_LANGFORD_SEEGER;
        bound_ok(b2, in, 6, 128);
        ck_assert(arb_gt(b2->complexity, b->complexity));
        ck_assert_msg(arb_gt(b2->value, b->value) || arb_contains_si(b->value, 1),
                      "Langford-Seeger not above Maurer");
    }
    fmpq_clear(q);
    fmpq_clear(kl);
    fmpq_clear(lam);
    fmpq_clear(C);
    arb_clear(ref);
    arb_clear(U);
    cpwl_pacbayes_input_clear(in);
    cpwl_pacbayes_bound_clear(b);
    cpwl_pacbayes_bound_clear(b2);
}
END_TEST

/* The command in numbers: Maurer, m = 60000, delta = 1/40,
   KL = 5000, q = 1/50; and the input checks. */
START_TEST(bounds_checks)
{
    cpwl_pacbayes_input_t in;
    cpwl_pacbayes_bound_t b;
    cpwl_err_t e;
    arb_t ref;
    fmpq_t q, kl, l;
    cpwl_pacbayes_input_init(in);
    cpwl_pacbayes_bound_init(b);
    arb_init(ref);
    fmpq_init(q);
    fmpq_init(kl);
    fmpq_init(l);
    fmpz_set_ui(in->m, 60000);
    fmpq_set_si(in->delta, 1, 40);
    fmpq_set_si(kl, 5000, 1);
    fmpq_set_si(q, 1, 50);
    arb_set_fmpq(in->kl, kl, 128);
    arb_set_fmpq(in->emp, q, 128);
    bound_ok(b, in, 6, 128);
    fmpq_one(l);
    ref_bound(ref, CPWL_PACBAYES_MAURER, q, kl, in->delta, 60000, l, l);
    ck_assert(arb_overlaps(ref, b->value));
    ck_assert(!b->vacuous);

#define BAD(stmt, want)                                                     \
    do                                                                      \
    {                                                                       \
        cpwl_err_init(e);                                                   \
        stmt;                                                               \
        ck_assert(cpwl_pacbayes_bound(b, in, 6, 64, e) == CPWL_ERR_INPUT);  \
        ck_assert_msg(strstr(e->msg, want) != NULL, "%s", e->msg);          \
        cpwl_pacbayes_input_clear(in);                                      \
        cpwl_pacbayes_input_init(in);                                       \
        fmpz_set_ui(in->m, 100);                                            \
    }                                                                       \
    while (0)
    cpwl_pacbayes_input_clear(in);
    cpwl_pacbayes_input_init(in);
    fmpz_set_ui(in->m, 100);
    BAD(fmpq_zero(in->delta), "delta must be in (0, 1)");
    BAD(fmpq_one(in->delta), "delta must be in (0, 1)");
    BAD(arb_set_si(in->kl, -1), "KL must be >= 0");
    BAD(arb_set_si(in->emp, 2), "the empirical risk must be in [0, 1]");
    BAD(arb_set_si(in->emp, -1), "the empirical risk must be in [0, 1]");
    BAD(fmpz_zero(in->m), "m must be >= 1");
    BAD(fmpz_set_ui(in->m, 7), "the Maurer bound needs m >= 8");
    BAD((in->kind = CPWL_PACBAYES_LAMBDA, fmpq_set_si(in->lambda, 2, 1)),
        "lambda must be in (0, 2)");
    BAD((in->kind = CPWL_PACBAYES_LAMBDA, fmpq_zero(in->lambda)),
        "lambda must be in (0, 2)");
    BAD((in->kind = CPWL_PACBAYES_CATONI, fmpq_zero(in->catoni_c)),
        "C must be > 0");
#undef BAD
    /* McAllester takes m = 7 */
    in->kind = CPWL_PACBAYES_MCALLESTER;
    fmpz_set_ui(in->m, 7);
    arb_set_ui(in->kl, 100);
    bound_ok(b, in, 6, 64);
    ck_assert(b->vacuous);
    ck_assert_int_eq(cpwl_pacbayes_from_name("langford-seeger"),
                     CPWL_PACBAYES_LANGFORD_SEEGER);
    ck_assert_int_eq(cpwl_pacbayes_from_name("pac"), -1);
    ck_assert_str_eq(cpwl_pacbayes_name(CPWL_PACBAYES_CLASSIC), "classic");
    cpwl_pacbayes_input_clear(in);
    cpwl_pacbayes_bound_clear(b);
    arb_clear(ref);
    fmpq_clear(q);
    fmpq_clear(kl);
    fmpq_clear(l);
}
END_TEST

/* ---- rounding ---------------------------------------------------------- */

/* 10^k as a rational. */
static void pow10q(fmpq_t r, slong k)
{
    fmpz_t p;
    fmpz_init(p);
    fmpz_ui_pow_ui(p, 10, (ulong) FLINT_ABS(k));
    fmpz_one(fmpq_denref(r));
    fmpz_set(fmpq_numref(r), p);
    if (k < 0)
        fmpq_inv(r, r);
    fmpz_clear(p);
}

/* Significant digits of a positive decimal x (0 if x is not a finite
   decimal): the digits of x 10^s, s minimal, without trailing zeros. */
static slong sig_digits(const fmpq_t x)
{
    fmpq_t t;
    fmpz_t k;
    slong s, d;
    fmpq_init(t);
    fmpz_init(k);
    for (s = -400; s < 400; s++)
    {
        pow10q(t, s);
        fmpq_mul(t, t, x);
        if (fmpz_is_one(fmpq_denref(t)))
            break;
    }
    d = 0;
    if (s < 400)
    {
        fmpz_abs(k, fmpq_numref(t));
        while (!fmpz_is_zero(k) && fmpz_divisible_si(k, 10))
            fmpz_divexact_ui(k, k, 10);
        for (d = 0; !fmpz_is_zero(k); d++)
            fmpz_tdiv_q_ui(k, k, 10);
    }
    fmpq_clear(t);
    fmpz_clear(k);
    return d;
}

/* The greatest decimal with `digits` significant digits below x > 0. */
static void prev_decimal(fmpq_t r, const fmpq_t x, slong digits)
{
    fmpq_t p;
    slong e;
    fmpq_init(p);
    /* 10^(e-1) <= x < 10^e, by search */
    for (e = -400; e < 400; e++)
    {
        pow10q(p, e);
        if (fmpq_cmp(x, p) < 0)
            break;
    }
    pow10q(p, e - 1);
    if (fmpq_equal(x, p))
        pow10q(p, e - 1 - digits);
    else
        pow10q(p, e - digits);
    fmpq_sub(r, x, p);
    fmpq_clear(p);
}

START_TEST(rounding)
{
    test_rng r;
    slong it, n = test_iters(2000);
    fmpq_t x, up, dn, prev, end;
    arb_t b;
    r.s = test_seed(17005);
    fmpq_init(x);
    fmpq_init(up);
    fmpq_init(dn);
    fmpq_init(prev);
    fmpq_init(end);
    arb_init(b);
    for (it = 0; it < n; it++)
    {
        slong d = test_range(&r, 1, 20);
        test_fmpq(x, &r, (int) test_range(&r, 1, 64));
        fmpq_abs(x, x);
        if (fmpq_is_zero(x))
            continue;
        if (it % 3 == 0)
            fmpq_div_2exp(x, x, test_range(&r, 0, 200));
        arb_set_fmpq(b, x, test_range(&r, 20, 200));
        cpwl_pacbayes_round_up(up, b, d);
        cpwl_pacbayes_round_down(dn, b, d);
        /* up >= the upper end, with at most d digits, and the previous
           d-digit decimal is below the upper end */
        arb_get_ubound_arf(arb_midref(b), b, ARF_PREC_EXACT);
        arf_get_fmpq(end, arb_midref(b));
        ck_assert(fmpq_cmp(up, end) >= 0);
        ck_assert_msg(sig_digits(up) <= d, "too many digits");
        prev_decimal(prev, up, d);
        ck_assert_msg(fmpq_cmp(prev, end) < 0, "round_up not the least");
        ck_assert(fmpq_cmp(dn, x) <= 0 && fmpq_cmp(up, x) >= 0);
        if (fmpq_sgn(dn) > 0)
            ck_assert_msg(sig_digits(dn) <= d, "round_down: too many digits");
    }
    /* exact decimals stay as they are */
    fmpq_set_si(x, 12345, 1000);
    arb_set_fmpq(b, x, 64);
    arb_set_round(b, b, 200);
    cpwl_pacbayes_round_up(up, b, 5);
    ck_assert(test_q_is(up, 12345, 1000) || fmpq_cmp(up, x) > 0);
    arb_set_ui(b, 1);
    cpwl_pacbayes_round_up(up, b, 3);
    ck_assert(test_q_is(up, 1, 1));
    cpwl_pacbayes_round_down(up, b, 3);
    ck_assert(test_q_is(up, 1, 1));
    arb_zero(b);
    cpwl_pacbayes_round_up(up, b, 3);
    ck_assert(fmpq_is_zero(up));
    /* 0.19999999... rounds up to 0.2 with 3 digits */
    arb_set_d(b, 0.1999999);
    cpwl_pacbayes_round_up(up, b, 3);
    ck_assert(test_q_is(up, 1, 5));
    fmpq_clear(x);
    fmpq_clear(up);
    fmpq_clear(dn);
    fmpq_clear(prev);
    fmpq_clear(end);
    arb_clear(b);
}
END_TEST

START_TEST(constants)
{
    arb_t c, t;
    cpwl_err_t e;
    arb_init(c);
    arb_init(t);
    cpwl_err_init(e);
    ck_assert(cpwl_pacbayes_parse_const(c, "log:2", 128, e) == CPWL_OK);
    arb_const_log2(t, 128);
    ck_assert(arb_overlaps(c, t) && arb_rel_accuracy_bits(c) > 120);
    ck_assert(cpwl_pacbayes_parse_const(c, "0.25", 128, e) == CPWL_OK);
    arb_set_d(t, 0.25);
    ck_assert(arb_equal(c, t));
    ck_assert(cpwl_pacbayes_parse_const(c, "3/7", 128, e) == CPWL_OK);
    arb_set_ui(t, 3);
    arb_div_ui(t, t, 7, 128);
    ck_assert(arb_overlaps(c, t));
    ck_assert(cpwl_pacbayes_parse_const(c, "log:0", 128, e) == CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "log:X needs X > 0") != NULL, "%s", e->msg);
    cpwl_err_init(e);
    ck_assert(cpwl_pacbayes_parse_const(c, "ln2", 128, e) == CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "\"ln2\"") != NULL
                  && strstr(e->msg, "or log:X") != NULL,
                  "%s", e->msg);
    arb_clear(c);
    arb_clear(t);
    cpwl_err_clear(e);
}
END_TEST

/* Maurer's lemma xi(m) = sum_k C(m, k) (k/m)^k (1 - k/m)^(m-k) <= 2 sqrt(m),
   proved for m >= 8, holds for m = 1..7 by exact summation (docs/pacbayes.md
   relies on it for the bounds other than Maurer's at small m); and for
   m = 8..40 as a check of the summation. */
START_TEST(maurer_lemma)
{
    slong m, k;
    fmpz_t a, b;
    fmpq_t xi, t;
    fmpz_init(a);
    fmpz_init(b);
    fmpq_init(xi);
    fmpq_init(t);
    for (m = 1; m <= 40; m++)
    {
        fmpq_zero(xi);
        for (k = 0; k <= m; k++)
        {
            /* C(m, k) k^k (m - k)^(m - k) / m^m, with 0^0 = 1 */
            fmpz_bin_uiui(a, (ulong) m, (ulong) k);
            fmpz_set_ui(b, (ulong) k);
            fmpz_pow_ui(b, b, (ulong) k);
            fmpz_mul(a, a, b);
            fmpz_set_ui(b, (ulong) (m - k));
            fmpz_pow_ui(b, b, (ulong) (m - k));
            fmpz_mul(a, a, b);
            fmpz_set_ui(b, (ulong) m);
            fmpz_pow_ui(b, b, (ulong) m);
            fmpq_set_fmpz_frac(t, a, b);
            fmpq_add(xi, xi, t);
        }
        /* sqrt(m) <= xi(m) <= 2 sqrt(m), squared */
        fmpq_mul(t, xi, xi);
        ck_assert_msg(fmpq_cmp_si(t, 4 * m) <= 0, "xi(%ld)^2 > 4m", (long) m);
        ck_assert_msg(fmpq_cmp_si(t, m) >= 0, "xi(%ld)^2 < m", (long) m);
    }
    fmpz_clear(a);
    fmpz_clear(b);
    fmpq_clear(xi);
    fmpq_clear(t);
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
    tcase_add_test(tc, unit_ends);
    tcase_add_test(tc, undecided_signs);
    tcase_add_test(tc, bisect_from_zero);
    suite_add_tcase(s, tc);
    tc = tcase_create("bounds");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, bounds_formulas);
    tcase_add_test(tc, bounds_checks);
    tcase_add_test(tc, rounding);
    tcase_add_test(tc, constants);
    tcase_add_test(tc, maurer_lemma);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(pacbayes_suite());
}
