/* The chapter-5 checks (src/optim/convergence*.c) against values from
   elsewhere: the RMSProp theorem's T in closed form (800 (sqrt(101) - 1)
   for the pseudo-Huber example of issue 14), the first hits recomputed by
   a second implementation of RMSProp and ADAM written here in MPFR at 256
   bits (a different library, the recurrences written out by hand), float
   departures derived by hand (bfloat16 and binary32 rounding of
   (1 - 2^-10)^t), and sign consistency on data whose per-term gradients
   are computed here in exact rationals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mpfr.h>
#include <check.h>
#include "cpwl/convergence.h"
#include "testutil.h"

#define MP 256

static void objective(cpwl_objective_t O, const char *spec, slong dim)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_objective_init_str(O, spec, dim, e) != CPWL_OK)
        ck_abort_msg("objective %s: %s", spec, e->msg);
}

/* ------------------------------------------------------------------------
   The second implementation: one-dimensional RMSProp (paper form) and
   ADAM (paper form) in MPFR; g(x) the derivative; lr_theorem > 0: the
   RMSProp theorem's step for L = lr_theorem and sigma^2 = 1.  Returns the first t
   with g(x_t)^2 <= eps^2 (0 if none up to tmax); *margin is set to
   0 if some g(x_t)^2 came within 2^-100 of eps^2 (then the test's
   decision is not trustworthy and the case is skipped).  ADAM: *desc
   the first step t with g_t m_t <= 0 (in one dimension the sign of
   <g, m / (sqrt v + xi)>).
   ------------------------------------------------------------------------ */

typedef void (*mp_grad)(mpfr_t g, const mpfr_t x);

static void grad_ph(mpfr_t g, const mpfr_t x)      /* x / sqrt(1 + x^2) */
{
    mpfr_t s;
    mpfr_init2(s, MP);
    mpfr_sqr(s, x, MPFR_RNDN);
    mpfr_add_ui(s, s, 1, MPFR_RNDN);
    mpfr_sqrt(s, s, MPFR_RNDN);
    mpfr_div(g, x, s, MPFR_RNDN);
    mpfr_clear(s);
}

static void grad_sq(mpfr_t g, const mpfr_t x)      /* x^2 / 2 */
{
    mpfr_set(g, x, MPFR_RNDN);
}

static int mp_hit(const mpfr_t g, const mpfr_t eps2, int *margin)
{
    mpfr_t d;
    int c;
    mpfr_init2(d, MP);
    mpfr_sqr(d, g, MPFR_RNDN);
    mpfr_sub(d, d, eps2, MPFR_RNDN);
    if (mpfr_zero_p(d) || mpfr_get_exp(d) < -100)
        *margin = 0;
    c = mpfr_sgn(d) <= 0;
    mpfr_clear(d);
    return c;
}

static slong mp_run(int adam, mp_grad grad, long x1n, long x1d,
                    long lrn, long lrd, long lr_theorem, long b1n, long b1d,
                    long b2n, long b2d, long xin, long xid, long epsn,
                    long epsd, slong tmax, slong *desc, int *margin)
{
    mpfr_t x, g, m, v, a, b1, b2, xi, eps2, s, u;
    slong t, hit = 0;
    mpfr_inits2(MP, x, g, m, v, a, b1, b2, xi, eps2, s, u, (mpfr_ptr) 0);
    *margin = 1;
    *desc = 0;
    mpfr_set_si(x, x1n, MPFR_RNDN);
    mpfr_div_si(x, x, x1d, MPFR_RNDN);
    mpfr_set_si(b1, b1n, MPFR_RNDN);
    mpfr_div_si(b1, b1, b1d, MPFR_RNDN);
    mpfr_set_si(b2, b2n, MPFR_RNDN);
    mpfr_div_si(b2, b2, b2d, MPFR_RNDN);
    mpfr_set_si(xi, xin, MPFR_RNDN);
    mpfr_div_si(xi, xi, xid, MPFR_RNDN);
    mpfr_set_si(eps2, epsn, MPFR_RNDN);
    mpfr_div_si(eps2, eps2, epsd, MPFR_RNDN);
    mpfr_sqr(eps2, eps2, MPFR_RNDN);
    if (lr_theorem)
    {
        /* L = lr_theorem, sigma^2 = 1: a = (1 - b2) xi / (L sqrt(1 + xi)) */
        mpfr_ui_sub(a, 1, b2, MPFR_RNDN);
        mpfr_mul(a, a, xi, MPFR_RNDN);
        mpfr_add_ui(s, xi, 1, MPFR_RNDN);
        mpfr_sqrt(s, s, MPFR_RNDN);
        mpfr_mul_si(s, s, lr_theorem, MPFR_RNDN);
        mpfr_div(a, a, s, MPFR_RNDN);
    }
    else
    {
        mpfr_set_si(a, lrn, MPFR_RNDN);
        mpfr_div_si(a, a, lrd, MPFR_RNDN);
    }
    mpfr_set_zero(m, 1);
    mpfr_set_zero(v, 1);
    for (t = 1; t <= tmax + 1; t++)
    {
        grad(g, x);
        if (mp_hit(g, eps2, margin))
        {
            hit = t;
            break;
        }
        if (t == tmax + 1)
            break;
        /* v = b2 v + (1 - b2)(g^2 [+ xi]) */
        mpfr_sqr(s, g, MPFR_RNDN);
        if (!adam)
            mpfr_add(s, s, xi, MPFR_RNDN);
        mpfr_ui_sub(u, 1, b2, MPFR_RNDN);
        mpfr_mul(s, s, u, MPFR_RNDN);
        mpfr_mul(v, v, b2, MPFR_RNDN);
        mpfr_add(v, v, s, MPFR_RNDN);
        mpfr_sqrt(s, v, MPFR_RNDN);
        if (adam)
        {
            mpfr_ui_sub(u, 1, b1, MPFR_RNDN);
            mpfr_mul(u, u, g, MPFR_RNDN);
            mpfr_mul(m, m, b1, MPFR_RNDN);
            mpfr_add(m, m, u, MPFR_RNDN);
            if (*desc == 0 && mpfr_sgn(g) * mpfr_sgn(m) <= 0)
                *desc = t;
            mpfr_add(s, s, xi, MPFR_RNDN);
            mpfr_div(u, m, s, MPFR_RNDN);
        }
        else
            mpfr_div(u, g, s, MPFR_RNDN);
        mpfr_mul(u, u, a, MPFR_RNDN);
        mpfr_sub(x, x, u, MPFR_RNDN);
    }
    mpfr_clears(x, g, m, v, a, b1, b2, xi, eps2, s, u, (mpfr_ptr) 0);
    return hit;
}

/* ------------------------------------------------------------------------
   RMSProp
   ------------------------------------------------------------------------ */

/* Issue 14's example: f = sqrt(1 + x^2), x1 = 10, xi = 1, b2 = 1/2,
   eps = 1/10: first hit 45, T = 800 (sqrt(101) - 1) ~ 7239.9. */
START_TEST(test_rmsprop_issue)
{
    cpwl_objective_t O;
    cpwl_convergence_opts_t o;
    cpwl_convergence_result_t r;
    cpwl_err_t e;
    fmpq x1[1];
    arb_t T, a;
    slong desc;
    int margin;
    objective(O, "pseudo-huber", 1);
    cpwl_convergence_opts_init(o);
    cpwl_convergence_result_init(r);
    cpwl_err_init(e);
    fmpq_init(x1);
    arb_init(T);
    arb_init(a);
    fmpq_set_si(x1, 10, 1);
    /* the objective's own constants (L = 1, sigma2 = n, fstar = n) */
    ck_assert_int_eq(cpwl_convergence_rmsprop(r, O, x1, o, e), CPWL_OK);
    ck_assert(r->has_L && r->has_sigma2 && r->has_fstar);
    ck_assert(fmpq_is_one(r->L) && fmpq_is_one(r->sigma2)
              && fmpq_is_one(r->fstar));
    ck_assert_int_eq(r->hit, 45);
    ck_assert_int_eq(mp_run(0, grad_ph, 10, 1, 0, 1, 1, 0, 1, 1, 2, 1, 1,
                            1, 10, 1000, &desc, &margin), 45);
    ck_assert(margin);
    ck_assert_int_eq(r->steps, 44);
    ck_assert_int_eq(r->lost, 0);
    ck_assert_int_eq(r->hit_le_T, CPWL_CONVERGENCE_YES);
    ck_assert_int_eq(r->sigma_ok, CPWL_CONVERGENCE_YES);
    ck_assert(r->has_T);
    /* closed forms: T = 800 (sqrt(101) - 1), alpha = 1 / (2 sqrt(2)),
       f(x1) = sqrt(101) */
    arb_sqrt_ui(T, 101, 200);
    ck_assert(arb_overlaps(r->f1, T));
    arb_sub_ui(T, T, 1, 200);
    arb_mul_ui(T, T, 800, 200);
    ck_assert(arb_overlaps(r->T, T));
    ck_assert(arb_rel_accuracy_bits(r->T) > 100);
    ck_assert(arf_get_d(arb_midref(r->T), ARF_RND_NEAR) > 7239.9
              && arf_get_d(arb_midref(r->T), ARF_RND_NEAR) < 7240.0);
    arb_sqrt_ui(a, 8, 200);
    arb_inv(a, a, 200);
    ck_assert(arb_overlaps(r->alpha, a));
    ck_assert(arb_rel_accuracy_bits(r->alpha) > 100);
    /* the hit is proven: |grad|^2 <= 1/100 at x_45 */
    arb_set_ui(a, 1);
    arb_div_ui(a, a, 100, 200);
    ck_assert(arb_le(r->gnorm2, a));
    /* stated constants override: L = 2 halves alpha and doubles T */
    o->has_L = 1;
    fmpq_set_si(o->L, 2, 1);
    ck_assert_int_eq(cpwl_convergence_rmsprop(r, O, x1, o, e), CPWL_OK);
    arb_mul_ui(T, T, 2, 200);
    ck_assert(arb_overlaps(r->T, T));
    ck_assert_int_eq(r->hit, mp_run(0, grad_ph, 10, 1, 0, 1, 2, 0, 1, 1, 2,
                                     1, 1, 1, 10, 1000, &desc, &margin));
    ck_assert(margin);
    ck_assert_int_eq(r->hit_le_T, CPWL_CONVERGENCE_YES);
    arb_clear(T);
    arb_clear(a);
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_convergence_result_clear(r);
    cpwl_convergence_opts_clear(o);
    cpwl_objective_clear(O);
}
END_TEST

/* Random (b2, xi, x1): the first hit equals the MPFR recurrence's, and
   T's ball contains the closed form 2 (1 + xi)(sqrt(1 + x1^2) - 1) /
   ((1 - b2) xi eps^2). */
START_TEST(test_rmsprop_random)
{
    test_rng rng;
    slong it, iters = test_iters(6);
    cpwl_objective_t O;
    cpwl_convergence_opts_t o;
    cpwl_convergence_result_t r;
    cpwl_err_t e;
    fmpq x1[1];
    arb_t T, s;
    rng.s = test_seed(0xc0417e);
    objective(O, "pseudo-huber", 1);
    cpwl_convergence_opts_init(o);
    cpwl_convergence_result_init(r);
    cpwl_err_init(e);
    fmpq_init(x1);
    arb_init(T);
    arb_init(s);
    for (it = 0; it < iters; it++)
    {
        long b2n = test_range(&rng, 0, 9), xin = test_range(&rng, 1, 8);
        long x1n = test_range(&rng, -12, 12), epsd = test_range(&rng, 3, 10);
        slong want, desc;
        int margin;
        fmpq_set_si(o->beta2, b2n, 10);
        fmpq_set_si(o->xi, xin, 4);
        fmpq_set_si(o->eps, 1, epsd);
        fmpq_set_si(x1, x1n, 1);
        want = mp_run(0, grad_ph, x1n, 1, 0, 1, 1, 0, 1, b2n, 10, xin, 4, 1,
                      epsd, 100000, &desc, &margin);
        if (!margin)
            continue;
        ck_assert_int_eq(cpwl_convergence_rmsprop(r, O, x1, o, e), CPWL_OK);
        ck_assert_msg(r->hit == want, "b2 %ld/10 xi %ld/4 x1 %ld eps 1/%ld: "
                      "hit %ld, MPFR %ld", b2n, xin, x1n, epsd,
                      (long) r->hit, (long) want);
        arb_set_si(s, x1n * x1n + 1);
        arb_sqrt(s, s, 200);
        arb_sub_ui(s, s, 1, 200);
        arb_mul_ui(s, s, 2 * (4 + xin) * 10 * epsd * epsd, 200);
        arb_div_ui(T, s, (10 - b2n) * xin, 200);
        ck_assert(arb_overlaps(r->T, T));
        /* the theorem counts from t = 1: a start that is already
           eps-critical (hit = 1) can have T < 1 (T = 0 at x1 = 0) */
        if (want > 1)
            ck_assert_msg(r->hit_le_T == CPWL_CONVERGENCE_YES, "b2 %ld/10 "
                          "xi %ld/4 x1 %ld eps 1/%ld: hit %ld > T", b2n, xin,
                          x1n, epsd, (long) r->hit);
    }
    arb_clear(T);
    arb_clear(s);
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_convergence_result_clear(r);
    cpwl_convergence_opts_clear(o);
    cpwl_objective_clear(O);
}
END_TEST

/* Hypotheses that fail or are missing. */
START_TEST(test_rmsprop_refused)
{
    cpwl_objective_t O;
    cpwl_convergence_opts_t o;
    cpwl_convergence_result_t r;
    cpwl_err_t e;
    fmpq x1[2];
    objective(O, "beale", -1);
    cpwl_convergence_opts_init(o);
    cpwl_convergence_result_init(r);
    fmpq_init(x1);
    fmpq_init(x1 + 1);
    /* Beale's gradient is unbounded: no sigma2 known (L stated) */
    o->has_L = 1;
    fmpq_set_si(o->L, 1000, 1);
    if (!O->has_sigma2)
    {
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_convergence_rmsprop(r, O, x1, o, e),
                         CPWL_ERR_INPUT);
        ck_assert_ptr_nonnull(strstr(e->msg, "sigma2"));
        cpwl_err_clear(e);
    }
    /* stated ones are used; sigma2 = 1 is false at (0, 0) where
       |grad|^2 = 2 (3/2 + 9/4 + 21/8)^2 ... > 1: proven NO at t = 1 */
    o->has_L = o->has_sigma2 = o->has_fstar = 1;
    fmpq_set_si(o->L, 1000, 1);
    fmpq_set_si(o->sigma2, 1, 1);
    fmpq_set_si(o->fstar, 0, 1);
    o->max_steps = 3;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_rmsprop(r, O, x1, o, e), CPWL_OK);
    ck_assert_int_eq(r->sigma_ok, CPWL_CONVERGENCE_NO);
    ck_assert_int_eq(r->sigma_t, 1);
    ck_assert_int_eq(r->steps, 3);
    cpwl_err_clear(e);
    /* bad constants */
    fmpq_set_si(o->beta2, 1, 1);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_rmsprop(r, O, x1, o, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "beta2"));
    cpwl_err_clear(e);
    fmpq_set_si(o->beta2, 1, 2);
    fmpq_zero(o->xi);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_rmsprop(r, O, x1, o, e),
                     CPWL_ERR_INPUT);
    cpwl_err_clear(e);
    cpwl_objective_clear(O);
    /* an online objective */
    objective(O, "reddi", -1);
    fmpq_set_si(o->xi, 1, 1);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_rmsprop(r, O, x1, o, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "online"));
    cpwl_err_clear(e);
    fmpq_clear(x1);
    fmpq_clear(x1 + 1);
    cpwl_convergence_result_clear(r);
    cpwl_convergence_opts_clear(o);
    cpwl_objective_clear(O);
}
END_TEST

/* ------------------------------------------------------------------------
   ADAM
   ------------------------------------------------------------------------ */

/* f = x^2/2, x1 = 1, a = b1 = b2 = 1/2, xi = 0 (issue 14: x2 = 1 -
   sqrt(2)/4): first hit at eps = 1/10 and the first step whose update
   is not a descent direction (g_t and m_t of different signs), both
   from the MPFR recurrence (7 and 4). */
START_TEST(test_adam_hand)
{
    cpwl_objective_t O;
    cpwl_convergence_opts_t o;
    cpwl_convergence_result_t r;
    cpwl_err_t e;
    fmpq x1[1];
    slong desc, want;
    int margin;
    objective(O, "quadratic:A=1;b=0", -1);
    cpwl_convergence_opts_init(o);
    cpwl_convergence_result_init(r);
    cpwl_err_init(e);
    fmpq_init(x1);
    fmpq_one(x1);
    fmpq_set_si(o->lr, 1, 2);
    fmpq_set_si(o->beta1, 1, 2);
    fmpq_set_si(o->beta2, 1, 2);
    fmpq_zero(o->xi);
    fmpq_set_si(o->eps, 1, 10);
    want = mp_run(1, grad_sq, 1, 1, 1, 2, 0, 1, 2, 1, 2, 0, 1, 1, 10, 1000,
                  &desc, &margin);
    ck_assert(margin);
    ck_assert_int_eq(want, 7);
    ck_assert_int_eq(desc, 4);
    ck_assert_int_eq(cpwl_convergence_adam(r, O, x1, o, e), CPWL_OK);
    ck_assert_int_eq(r->hit, want);
    ck_assert_int_eq(r->descent, CPWL_CONVERGENCE_NO);
    ck_assert_int_eq(r->descent_t, desc);
    ck_assert(!r->has_T);
    ck_assert_int_eq(r->hit_le_T, CPWL_CONVERGENCE_UNDECIDED);
    /* with xi = 1 and a = b1 = 1/10 the updates stay descent directions */
    fmpq_set_si(o->lr, 1, 10);
    fmpq_set_si(o->beta1, 1, 10);
    fmpq_one(o->xi);
    want = mp_run(1, grad_sq, 1, 1, 1, 10, 0, 1, 10, 1, 2, 1, 1, 1, 10, 1000,
                  &desc, &margin);
    ck_assert(margin);
    ck_assert_int_eq(desc, 0);
    ck_assert_int_eq(cpwl_convergence_adam(r, O, x1, o, e), CPWL_OK);
    ck_assert_int_eq(r->hit, want);
    ck_assert_int_eq(r->descent, CPWL_CONVERGENCE_YES);
    ck_assert_int_eq(r->descent_t, 0);
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_convergence_result_clear(r);
    cpwl_convergence_opts_clear(o);
    cpwl_objective_clear(O);
}
END_TEST

/* ------------------------------------------------------------------------
   Low-precision departure: gd on x^2/2 with a = 2^-10 from x1 = 1; the
   real iterates are (1 - 2^-10)^(t-1).
   bfloat16 (8 bits): its numbers just below 1 are 2^-8 apart, and
   1 - 2^-10 (a quarter of that below 1) rounds to 1, so every update
   stagnates and x_2 already leaves the ball.  binary32 (24 bits): 1023^k / 2^(10k) is
   exact for 1023^k < 2^24, i.e. k <= 2, so x_1 .. x_3 are exact and x_4
   (k = 3, 1023^3 > 2^29) is rounded: it leaves at t = 4.
   ------------------------------------------------------------------------ */

static void departure(cpwl_convergence_departure_t d, const char *fmt,
                      slong steps)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t F, B;
    cpwl_err_t e;
    fmpq x1[1];
    objective(O, "quadratic:A=1;b=0", -1);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, "gd"));
    fmpq_set_si(o->lr, 1, 1024);
    o->steps = steps;
    ck_assert(cpwl_arith_init_str(F, fmt));
    cpwl_arith_init_arb(B, 128);
    cpwl_err_init(e);
    fmpq_init(x1);
    fmpq_one(x1);
    ck_assert_int_eq(cpwl_convergence_departure(d, o, O, x1, F, B,
                                                1.0 / 1024, e), CPWL_OK);
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_arith_clear(F);
    cpwl_arith_clear(B);
    cpwl_optim_opts_clear(o);
    cpwl_objective_clear(O);
}

START_TEST(test_departure_hand)
{
    cpwl_convergence_departure_t d;
    fmpq_t q;
    arb_t g;
    fmpq_init(q);
    arb_init(g);
    cpwl_convergence_departure_init(d);
    departure(d, "bfloat16", 10);
    ck_assert_int_eq(d->left, 2);
    ck_assert_int_eq(d->coord, 0);
    ck_assert_int_eq(d->stagnant, 10);
    ck_assert_int_eq(d->steps, 10);
    /* gap = 1 - (1023/1024)^10 */
    fmpq_set_si(q, 1023, 1024);
    fmpq_pow_si(q, q, 10);
    fmpq_neg(q, q);
    fmpq_add_si(q, q, 1);
    ck_assert(arb_contains_fmpq(d->gap, q));
    ck_assert(arb_rel_accuracy_bits(d->gap) > 80);
    departure(d, "binary32", 10);
    ck_assert_int_eq(d->left, 4);
    ck_assert_int_eq(d->stagnant, 0);
    departure(d, "binary64", 3);
    ck_assert_int_eq(d->left, 0);
    ck_assert(arb_contains_si(d->gap, 0));
    cpwl_convergence_departure_clear(d);
    fmpq_clear(q);
    arb_clear(g);
}
END_TEST

/* --kahan beside the real run: the same options for both runs, the Arb
   one updating plainly.  gd on x^2/2, a = 2^-10, x_1 = 1 in bfloat16
   with Kahan's update, by hand (g = 1 while x = 1, d = 2^-10 exact):
   step 1: y = -2^-10, s = 1 - 2^-10 rounds to 1 (a quarter of the
   spacing 2^-8 below 1), c = 2^-10; step 2: y = -2^-10 - 2^-10 = -2^-9,
   s = 1 - 2^-9 is a tie between 1 - 2^-8 (odd) and 1: 1, c = 2^-9;
   step 3: y = -3 2^-10, s = 1 - 3 2^-10 rounds to 1 - 2^-8 = 255/256.
   So x_2 = x_3 = 1 (x_2 leaves the ball of 1023/1024), 2 stagnant
   updates, and the gap at t = 4 is (1023/1024)^3 - 255/256. */
START_TEST(test_departure_kahan)
{
    cpwl_convergence_departure_t d;
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t F, B;
    cpwl_err_t e;
    fmpq x1[1];
    fmpq_t q;
    objective(O, "quadratic:A=1;b=0", -1);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, "gd"));
    fmpq_set_si(o->lr, 1, 1024);
    o->steps = 3;
    o->kahan = 1;
    cpwl_arith_init_float(F, CPWL_IEEE_BFLOAT16, 0, 0);
    cpwl_arith_init_arb(B, 128);
    cpwl_err_init(e);
    fmpq_init(x1);
    fmpq_init(q);
    fmpq_one(x1);
    cpwl_convergence_departure_init(d);
    ck_assert_msg(cpwl_convergence_departure(d, o, O, x1, F, B, 1.0 / 1024,
                                             e) == CPWL_OK, "%s", e->msg);
    ck_assert_int_eq(d->steps, 3);
    ck_assert_int_eq(d->left, 2);
    ck_assert_int_eq(d->stagnant, 2);
    fmpq_set_si(q, 1023, 1024);
    fmpq_pow_si(q, q, 3);
    fmpq_sub(q, q, x1);         /* (1023/1024)^3 - 1 */
    fmpq_set_si(x1, 1, 256);
    fmpq_add(q, q, x1);         /* + 1/256 */
    ck_assert(arb_contains_fmpq(d->gap, q));
    ck_assert(arb_rel_accuracy_bits(d->gap) > 80);
    cpwl_convergence_departure_clear(d);
    fmpq_clear(q);
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_arith_clear(F);
    cpwl_arith_clear(B);
    cpwl_optim_opts_clear(o);
    cpwl_objective_clear(O);
}
END_TEST

/* What the engine refuses comes back as CPWL_ERR_INPUT, the status the
   header promises (not 1, CPWL_ERR_INTERNAL): sgd on an objective that
   is not a finite sum. */
START_TEST(test_departure_refused)
{
    cpwl_convergence_departure_t d;
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t F, B;
    cpwl_err_t e;
    fmpq x1[1];
    objective(O, "quadratic:A=1;b=0", -1);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, "sgd"));
    o->steps = 3;
    cpwl_arith_init_float(F, CPWL_IEEE_BINARY32, 0, 0);
    cpwl_arith_init_arb(B, 64);
    cpwl_err_init(e);
    fmpq_init(x1);
    fmpq_one(x1);
    cpwl_convergence_departure_init(d);
    ck_assert_int_eq(cpwl_convergence_departure(d, o, O, x1, F, B,
                                                1.0 / 1024, e),
                     CPWL_ERR_INPUT);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "finite sum"));
    cpwl_convergence_departure_clear(d);
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_arith_clear(F);
    cpwl_arith_clear(B);
    cpwl_optim_opts_clear(o);
    cpwl_objective_clear(O);
}
END_TEST

/* ------------------------------------------------------------------------
   Sign consistency on the squared loss of the linear "network"
   f(x) = w x + b on data: term i is (w x_i + b - y_i)^2 up to the
   objective's constant factor (signs do not depend on it), with
   d_w = 2 r_i x_i, d_b = 2 r_i, r_i = w x_i + b - y_i.
   ------------------------------------------------------------------------ */

static const char lin_json[] =
    "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 1, "
    "\"output_bias\": true, "
    "\"layers\": [{\"activation\": \"identity\", \"weights\": [[\"0\"]], "
    "\"bias\": [\"0\"]}]}\n";

/* relu(w x + b) then identity: at w = 1/3, b = -1 and x = 3 the relu
   input is exactly 0, but its Arb ball (1/3 is not a binary number) only
   contains 0 */
static const char relu_json[] =
    "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 1, "
    "\"output_bias\": true, \"layers\": ["
    "{\"activation\": \"relu\", \"weights\": [[\"1/3\"]], "
    "\"bias\": [\"-1\"]}, "
    "{\"activation\": \"identity\", \"weights\": [[\"1\"]], "
    "\"bias\": [\"0\"]}]}\n";

static char tmpdir[64];

static void net_objective(cpwl_objective_t O, const char *json,
                          const char *csv)
{
    char net[128], data[128], spec[300];
    FILE *f;
    snprintf(net, sizeof net, "%s/lin.json", tmpdir);
    snprintf(data, sizeof data, "%s/data.csv", tmpdir);
    f = fopen(net, "w");
    ck_assert_ptr_nonnull(f);
    fputs(json, f);
    fclose(f);
    f = fopen(data, "w");
    ck_assert_ptr_nonnull(f);
    fputs(csv, f);
    fclose(f);
    snprintf(spec, sizeof spec, "net:%s,%s", net, data);
    objective(O, spec, -1);
    remove(net);
    remove(data);
}

START_TEST(test_sign_hand)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_convergence_sign_struct r;
    cpwl_err_t e;
    fmpq x1[2];
    strcpy(tmpdir, "/tmp/cpwl-conv.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    fmpq_init(x1);
    fmpq_init(x1 + 1);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, "gd"));
    fmpq_set_si(o->lr, 1, 100);
    o->steps = 5;
    /* data (1, 1), (-1, 1) at w = b = 0: d_w f_i = -2 x_i y_i = -2, +2,
       their sum 0: term 0 violates it in w at t = 1; d_b f_i = -2 for
       both (consistent) */
    net_objective(O, lin_json, "1,1\n-1,1\n");
    ck_assert_int_eq(O->nterms, 2);
    ck_assert_int_eq(O->dim, 2);
    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_sign(&r, o, O, x1, A, e), CPWL_OK);
    ck_assert_int_eq(r.holds, CPWL_CONVERGENCE_NO);
    ck_assert_int_eq(r.t, 1);
    ck_assert_int_eq(r.i, 0);
    ck_assert_int_eq(r.k, 0);  /* w, the first parameter */
    ck_assert_int_eq(r.steps, 0);
    cpwl_err_clear(e);
    cpwl_arith_clear(A);
    /* the same in Arb: the signs are exact points or far from 0 */
    cpwl_arith_init_arb(A, 128);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_sign(&r, o, O, x1, A, e), CPWL_OK);
    ck_assert_int_eq(r.holds, CPWL_CONVERGENCE_NO);
    ck_assert_int_eq(r.t, 1);
    cpwl_err_clear(e);
    cpwl_arith_clear(A);
    cpwl_objective_clear(O);
    /* data (1, 2), (2, 4), y = 2x, from w = b = 0: r_i = (w - 2) x_i + b;
       gd moves (w, b) toward (2, 0) and both residuals stay negative for
       small steps: r_1 = w + b - 2 < 0 and r_2 = 2w + b - 4 < 0 at the
       5 iterates, checked here by the hand recurrence below */
    net_objective(O, lin_json, "1,2\n2,4\n");
    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_sign(&r, o, O, x1, A, e), CPWL_OK);
    {
        /* the exact iterates with the gradient 2 sum r_i (x_i, 1) times
           c, c = 1 or 1/2 (whichever the objective uses); both keep the
           residuals negative for 5 steps of 1/100 */
        int c;
        for (c = 1; c <= 2; c++)
        {
            fmpq_t w, b, r1, r2, gw, gb, h;
            slong t;
            fmpq_init(w);
            fmpq_init(b);
            fmpq_init(r1);
            fmpq_init(r2);
            fmpq_init(gw);
            fmpq_init(gb);
            fmpq_init(h);
            for (t = 1; t <= 6; t++)
            {
                fmpq_add(r1, w, b);
                fmpq_sub_si(r1, r1, 2);
                fmpq_mul_2exp(r2, w, 1);
                fmpq_add(r2, r2, b);
                fmpq_sub_si(r2, r2, 4);
                ck_assert(fmpq_sgn(r1) < 0 && fmpq_sgn(r2) < 0);
                fmpq_mul_2exp(h, r2, 1);
                fmpq_add(gw, r1, h);     /* r1 * 1 + r2 * 2 */
                fmpq_add(gb, r1, r2);
                fmpq_set_si(h, 2, 100 * c);
                fmpq_mul(gw, gw, h);
                fmpq_mul(gb, gb, h);
                fmpq_sub(w, w, gw);
                fmpq_sub(b, b, gb);
            }
            fmpq_clear(w);
            fmpq_clear(b);
            fmpq_clear(r1);
            fmpq_clear(r2);
            fmpq_clear(gw);
            fmpq_clear(gb);
            fmpq_clear(h);
        }
    }
    ck_assert_int_eq(r.holds, CPWL_CONVERGENCE_YES);
    ck_assert_int_eq(r.steps, 5);
    cpwl_err_clear(e);
    /* the same run at 8 bits: the balls pass the width threshold
       (2^-10 relative) after the first step, so the later iterates are
       not seen: undecided where the enclosure was lost, never "yes" */
    cpwl_arith_clear(A);
    cpwl_arith_init_arb(A, 8);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_sign(&r, o, O, x1, A, e), CPWL_OK);
    ck_assert_int_eq(r.holds, CPWL_CONVERGENCE_UNDECIDED);
    ck_assert_int_ge(r.t, 2);
    ck_assert_int_le(r.t, 6);
    ck_assert_int_eq(r.k, -1);
    ck_assert_int_eq(r.i, -1);
    cpwl_err_clear(e);
    /* refused: a float format, an objective that is not a finite sum */
    cpwl_arith_clear(A);
    ck_assert(cpwl_arith_init_str(A, "binary32"));
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_sign(&r, o, O, x1, A, e),
                     CPWL_ERR_INPUT);
    cpwl_err_clear(e);
    cpwl_arith_clear(A);
    cpwl_objective_clear(O);
    objective(O, "quadratic:A=1;b=0", -1);
    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_convergence_sign(&r, o, O, x1, A, e),
                     CPWL_ERR_INPUT);
    cpwl_err_clear(e);
    cpwl_arith_clear(A);
    cpwl_objective_clear(O);
    /* a relu input that is 0: exact arithmetic decides it (relu'(0) = 0,
       the one term is the sum: consistent), Arb cannot (undecided at t = 1,
       no coordinate) */
    net_objective(O, relu_json, "3,0\n");
    ck_assert_int_eq(O->dim, 4);
    {
        fmpq x4[4];
        slong k;
        for (k = 0; k < 4; k++)
            fmpq_init(x4 + k);
        fmpq_set_si(x4 + 0, 1, 3);
        fmpq_set_si(x4 + 1, -1, 1);
        fmpq_set_si(x4 + 2, 1, 1);
        o->steps = 2;
        cpwl_arith_init_exact(A);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_convergence_sign(&r, o, O, x4, A, e) == CPWL_OK, "%s", e->msg);
        ck_assert_int_eq(r.holds, CPWL_CONVERGENCE_YES);
        ck_assert_int_eq(r.steps, 2);
        cpwl_err_clear(e);
        cpwl_arith_clear(A);
        cpwl_arith_init_arb(A, 128);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_convergence_sign(&r, o, O, x4, A, e) == CPWL_OK, "%s", e->msg);
        ck_assert_int_eq(r.holds, CPWL_CONVERGENCE_UNDECIDED);
        ck_assert_int_eq(r.t, 1);
        ck_assert_int_eq(r.k, -1);
        ck_assert_int_eq(r.i, -1);
        ck_assert_int_eq(e->status, CPWL_OK);
        cpwl_err_clear(e);
        cpwl_arith_clear(A);
        for (k = 0; k < 4; k++)
            fmpq_clear(x4 + k);
    }
    cpwl_objective_clear(O);
    cpwl_optim_opts_clear(o);
    fmpq_clear(x1);
    fmpq_clear(x1 + 1);
    rmdir(tmpdir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("convergence");
    TCase *tc = tcase_create("convergence");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rmsprop_issue);
    tcase_add_test(tc, test_rmsprop_random);
    tcase_add_test(tc, test_rmsprop_refused);
    tcase_add_test(tc, test_adam_hand);
    tcase_add_test(tc, test_departure_hand);
    tcase_add_test(tc, test_departure_refused);
    tcase_add_test(tc, test_departure_kahan);
    tcase_add_test(tc, test_sign_hand);
    suite_add_tcase(s, tc);
    return test_run(s);
}
