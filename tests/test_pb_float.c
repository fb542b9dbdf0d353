/* The float methods reimplemented in proofs-data/pb_float.c against
   hand-derived cases and, on random inputs, against cpwl's enclosure of
   kl^{-1} (a different algorithm: Newton with certified end points).

   By hand:
   - PBB's loop runs while (dch - izq)/dch >= 1e-5 with dch = 1 - 1e-10:
     at qs = 1 (or qs = the double 1 - 1e-10) it never runs and inv_kl
     returns its initial qd = 0.  At qs = ks = 0 every midpoint p with
     1 - p != 1 has ikl = -ln(1/(1 - p)) < 0, so dch halves until
     1 - p rounds to 1, i.e. p <= 2^-54; from there ikl = 0 moves izq:
     the value lies in [2^-54, 2^-53].
   - Dziugaite-Roy: at train accuracy 1 (A = 0) KLdiv is 0 * log(0) =
     NaN; at B_init = 0 (c = 0) the first Newton step is 0/0 = NaN; when
     B_init + A > 1 the value is 1.
   - At q = 1/2, kl(1/2 || p) = -ln(4 p (1 - p))/2, so kl^{-1}(1/2, c) =
     (1 + sqrt(1 - e^{-2c}))/2 (c = 1/100: 0.5702...).
   - PBB's per-weight KL of N(0, 1/4) || N(0, 1) (sq = 1/2, sp = 1) is
     (ln 4 + 1/4 - 1)/2 = ln 2 - 3/8; the pairwise sum of 2^k equal
     floats doubles exactly at each level: 2^k times the term.  Dziugaite
     and Roy's regrouped form gives the same per weight (s = ln(1/2),
     prior log sd 0): (e^{2s} + 0 - 2s - 1)/2 = (1/4 + 2 ln 2 - 1)/2. */
#include <float.h>
#include <math.h>
#include "testutil.h"
#include "../proofs-data/pb_float.h"

START_TEST(test_pbb_by_hand)
{
    double v = pb_pbb_inv_kl(0, 0);
    ck_assert(pb_pbb_inv_kl(1, 0.5) == 0);
    ck_assert(pb_pbb_inv_kl(1 - 1e-10, 0.5) == 0);
    ck_assert(v >= ldexp(1, -54) && v <= ldexp(1, -53));
    /* q = 0: the true value is 1 - e^{-c}; the value returned, the last
       midpoint, is an end of the final bracket [izq, dch] (dch - izq <
       1e-5 dch), which holds the root */
    v = pb_pbb_inv_kl(0, log(2));
    ck_assert(fabs(v - 0.5) <= 1e-5 * 0.5);
    /* the upper limit: kl^{-1}(0, 30) = 1 - e^{-30} > 1 - 1e-10 */
    ck_assert(pb_pbb_inv_kl(0, 30) < 1 - 1e-10);
}
END_TEST

START_TEST(test_dr_by_hand)
{
    double want = (1 + sqrt(1 - exp(-2 * 0.01))) / 2, v;
    float f;
    ck_assert(isnan(pb_dr_bpac_d(1, 0.1)));
    ck_assert(isnan(pb_dr_bpac_f(1, 0.1f)));
    ck_assert(isnan(pb_dr_inv_d(0.3, 0)));
    ck_assert(isnan(pb_dr_inv_f(0.3, 0)));
    ck_assert(pb_dr_bpac_d(0.5, 0.6) == 1.0);
    ck_assert(pb_dr_bpac_f(0.5f, 0.6f) == 1.0f);
    /* five Newton steps from Pinsker's q + sqrt(c/2) converge here */
    v = pb_dr_inv_d(0.5, 0.01);
    ck_assert_msg(fabs(v - want) <= 1e-15, "%.17g vs %.17g", v, want);
    f = pb_dr_inv_f(0.5, 0.01);
    ck_assert_msg(fabs(f - want) <= 1e-6, "%.9g vs %.17g", (double) f, want);
}
END_TEST

START_TEST(test_kl_gauss_by_hand)
{
    float mq[1024], sq[1024], mp[1024], sp[1024], t;
    double want = log(2) - 0.375;
    int i;
    for (i = 0; i < 1024; i++)
    {
        mq[i] = mp[i] = 0;
        sq[i] = 0.5f;
        sp[i] = 1;
    }
    t = pb_kl_gauss_f(mq, sq, mp, sp, 1, 0);
    ck_assert_msg(fabs(t - want) <= 2 * FLT_EPSILON * want, "%.9g", (double) t);
    ck_assert(pb_kl_gauss_f(mq, sq, mp, sp, 1, 1) == t);
    ck_assert(pb_kl_gauss_f(mq, sq, mp, sp, 1024, 1) == 1024 * t);
    /* index order: within the classical bound d eps of the exact sum of
       the float terms */
    ck_assert(fabs(pb_kl_gauss_f(mq, sq, mp, sp, 1024, 0) - 1024.0 * t)
              <= 1024 * FLT_EPSILON * 1024.0 * t);
    ck_assert(pb_kl_gauss_f(mq, sq, mp, sp, 0, 0) == 0);
    /* Dziugaite and Roy's form at s = ln(1/2), lp = 0 (sigma_p = 1), means
       equal: each weight again ln 2 - 3/8; logf(0.5f) = -ln 2 rounded */
    for (i = 0; i < 1024; i++)
        sq[i] = logf(0.5f);
    t = pb_kl_dr_f(mq, mp, sq, 0, 1, 0);
    ck_assert_msg(fabs(t - want) <= 8 * FLT_EPSILON, "%.9g", (double) t);
    t = pb_kl_dr_f(mq, mp, sq, 0, 1024, 1);
    ck_assert_msg(fabs(t - 1024 * want) <= 1024 * 8 * FLT_EPSILON,
                  "%.9g", (double) t);
    ck_assert(pb_softplus_f(0) == logf(2));
}
END_TEST

/* Against cpwl's enclosure: PBB's value, an end of its final bracket,
   lies within the bracket's relative width 1e-5 of kl^{-1} (when
   kl^{-1} < 1 - 1e-10 and 0 < q < 1);
   Newton from the right never goes below kl^{-1} in exact arithmetic, so
   DR's binary64 value is at most a few rounding errors below it. */
START_TEST(test_random_against_enclosure)
{
    test_rng r;
    slong it, n = test_iters(200);
    arb_t q, c, inv;
    cpwl_err_t e;
    r.s = test_seed(61);
    arb_init(q);
    arb_init(c);
    arb_init(inv);
    cpwl_err_init(e);
    for (it = 0; it < n; it++)
    {
        double qd = test_unif(&r, 0.01, 0.9), cd = test_unif(&r, 1e-4, 0.5);
        double p, v, w;
        arb_set_d(q, qd);
        arb_set_d(c, cd);
        ck_assert_int_eq(cpwl_pacbayes_kl_inv(inv, q, c, 0, 128, e), CPWL_OK);
        p = arf_get_d(arb_midref(inv), ARF_RND_NEAR);
        if (p >= 1 - 1e-9)
            continue;
        v = pb_pbb_inv_kl(qd, cd);
        ck_assert_msg(fabs(v - p) <= 1e-5 * (1 + 1e-5) * p + 1e-15,
                      "PBB q=%.17g c=%.17g: %.17g vs %.17g", qd, cd, v, p);
        w = pb_dr_inv_d(qd, cd);
        ck_assert_msg(w >= p * (1 - 1e-13),
                      "DR q=%.17g c=%.17g: %.17g vs %.17g", qd, cd, w, p);
    }
    cpwl_err_clear(e);
    arb_clear(q);
    arb_clear(c);
    arb_clear(inv);
}
END_TEST

static Suite *pb_float_suite(void)
{
    Suite *s = suite_create("pb_float");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pbb_by_hand);
    tcase_add_test(tc, test_dr_by_hand);
    tcase_add_test(tc, test_kl_gauss_by_hand);
    tcase_add_test(tc, test_random_against_enclosure);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(pb_float_suite());
}
