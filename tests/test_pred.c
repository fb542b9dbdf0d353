/* The predicate layer: each stage decides only what it can prove, the
   cascade always returns the exact sign, and the counters say who decided. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "cpwl.h"
#include "testutil.h"

/* A synthetic question: the exact value q, a double report (value, bound)
   chosen by the test (possibly off by up to the bound, as allowed), and an
   Arb source that either encloses q or returns a ball [0 +/- r] around an
   exact zero (the case Arb cannot decide). */
typedef struct
{
    fmpq_t q;
    int have_d;
    double v, err;
    int arb_fuzzy_zero;
    int arb_calls;
    slong last_prec;
}
question;

static int q_get_d(double *v, double *err, void *data)
{
    question *Q = data;
    *v = Q->v;
    *err = Q->err;
    return Q->have_d;
}

static void q_get_arb(arb_t b, slong prec, void *data)
{
    question *Q = data;
    Q->arb_calls++;
    Q->last_prec = prec;
    if (Q->arb_fuzzy_zero)
    {
        /* 1/3 - 1/3 in balls: contains 0 but is not the exact point 0. */
        arb_t t;
        arb_init(t);
        arb_set_ui(t, 1);
        arb_div_ui(t, t, 3, prec);
        arb_sub(b, t, t, prec);
        arb_clear(t);
    }
    else
        arb_set_fmpq(b, Q->q, prec);
}

static void q_get_fmpq(fmpq_t v, void *data)
{
    question *Q = data;
    fmpq_set(v, Q->q);
}

static int ask(cpwl_pred_ctx_t ctx, question *Q)
{
    cpwl_pred_src_struct src = {q_get_d, q_get_arb, q_get_fmpq, Q};
    return cpwl_pred_sign(ctx, &src);
}

static void question_init(question *Q, slong p, ulong d)
{
    fmpq_init(Q->q);
    fmpq_set_si(Q->q, p, d);
    Q->have_d = 1;
    Q->v = (double) p / (double) d;
    Q->err = 1e-15;
    Q->arb_fuzzy_zero = 0;
    Q->arb_calls = 0;
    Q->last_prec = 0;
}

START_TEST(test_stages)
{
    cpwl_pred_ctx_t ctx;
    question Q;
    cpwl_pred_ctx_init(ctx);

    /* 1/3 with a tight bound: the double filter decides. */
    question_init(&Q, 1, 3);
    ck_assert_int_eq(ask(ctx, &Q), 1);
    ck_assert_uint_eq(ctx->by_double, 1);
    ck_assert_int_eq(Q.arb_calls, 0);

    /* -1/1000 with a bound larger than |v|: Arb decides, at the first
       precision. */
    question_init(&Q, -1, 1000);
    Q.err = 0.5;
    ck_assert_int_eq(ask(ctx, &Q), -1);
    ck_assert_uint_eq(ctx->by_arb, 1);
    ck_assert_int_eq(Q.arb_calls, 1);
    ck_assert_int_eq(Q.last_prec, 64);

    /* A zero that no ball can certify: Arb tries 64, 128, 256, then the
       exact stage decides 0. */
    question_init(&Q, 0, 1);
    Q.err = 1e-300;
    Q.v = 1e-310;               /* within the bound, does not prove 0 */
    Q.arb_fuzzy_zero = 1;
    ck_assert_int_eq(ask(ctx, &Q), 0);
    ck_assert_uint_eq(ctx->by_exact, 1);
    ck_assert_int_eq(Q.arb_calls, 3);
    ck_assert_int_eq(Q.last_prec, 256);

    /* An exact zero in double (bound 0) is proven. */
    question_init(&Q, 0, 1);
    Q.v = 0;
    Q.err = 0;
    ck_assert_int_eq(ask(ctx, &Q), 0);
    ck_assert_uint_eq(ctx->by_double, 2);

    /* An exact zero ball (dyadic input) is proven by Arb. */
    question_init(&Q, 0, 1);
    Q.have_d = 0;
    ck_assert_int_eq(ask(ctx, &Q), 0);
    ck_assert_uint_eq(ctx->by_arb, 2);

    /* No double, no Arb: exact. */
    {
        cpwl_pred_src_struct src = {NULL, NULL, q_get_fmpq, &Q};
        fmpq_set_si(Q.q, -7, 5);
        ck_assert_int_eq(cpwl_pred_sign(ctx, &src), -1);
        ck_assert_uint_eq(ctx->by_exact, 2);
    }
    ck_assert_uint_eq(cpwl_pred_ctx_total(ctx), 6);
    cpwl_pred_ctx_reset_counts(ctx);
    ck_assert_uint_eq(cpwl_pred_ctx_total(ctx), 0);
    fmpq_clear(Q.q);
    cpwl_pred_ctx_clear(ctx);
}
END_TEST

START_TEST(test_filter_rules)
{
    /* cpwl_pred_sign_d_filter decides only when |v| > err, or err == 0. */
    ck_assert_int_eq(cpwl_pred_sign_d_filter(1.0, 0.5), 1);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(-1.0, 0.5), -1);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(0.5, 0.5), 2);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(-0.5, 0.5), 2);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(0.0, 0.0), 0);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(-0.0, 0.0), 0);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(3.0, 0.0), 1);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(NAN, 1.0), 2);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(INFINITY, 1.0), 2);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(1.0, INFINITY), 2);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(1.0, NAN), 2);
    ck_assert_int_eq(cpwl_pred_sign_d_filter(1.0, -1.0), 2);
}
END_TEST

/* Adversarial but honest double reports: the double value is off from the
   exact one by anything up to its bound.  The answer must always be the
   exact sign, whichever stage gives it. */
START_TEST(test_random_honest_reports)
{
    const uint64_t seed = test_seed(20261127);
    test_rng r = {seed};
    cpwl_pred_ctx_t ctx;
    question Q;
    slong it;
    cpwl_pred_ctx_init(ctx);
    question_init(&Q, 0, 1);
    for (it = 0; it < test_iters(20000); it++)
    {
        slong p = test_range(&r, -5, 5);
        ulong d = (ulong) test_range(&r, 1, 7);
        double frac = (double) test_range(&r, -1000, 1000) / 1000.0;
        int want;
        fmpq_set_si(Q.q, p, d);
        want = fmpq_sgn(Q.q);
        Q.err = ldexp(1.0, (int) test_range(&r, -60, 2));
        Q.v = (double) p / (double) d + frac * Q.err * 0.999;
        Q.have_d = 1;
        Q.arb_fuzzy_zero = (p == 0) && (test_next(&r) & 1);
        if (ask(ctx, &Q) != want)
            ck_abort_msg("wrong sign for %ld/%lu (v = %.17g, err = %.3g); "
                         "seed %llu, iteration %ld", (long) p, d, Q.v, Q.err,
                         (unsigned long long) seed, (long) it);
    }
    /* Every stage got work. */
    ck_assert_uint_gt(ctx->by_double, 0);
    ck_assert_uint_gt(ctx->by_arb, 0);
    ck_assert_uint_gt(ctx->by_exact, 0);
    fmpq_clear(Q.q);
    cpwl_pred_ctx_clear(ctx);
}
END_TEST

/* cpwl_pred_sign_d: the filter's answer, counted only when it decides; the
   bulk counts add up; per-thread contexts merge. */
START_TEST(test_counted_entries)
{
    cpwl_pred_ctx_t ctx, loc;
    cpwl_pred_ctx_init(ctx);
    cpwl_pred_ctx_init(loc);
    ck_assert_int_eq(cpwl_pred_sign_d(ctx, 1.0, 0.5), 1);
    ck_assert_int_eq(cpwl_pred_sign_d(ctx, -0x1p-1074, 0.0), -1);
    ck_assert_int_eq(cpwl_pred_sign_d(ctx, 0.0, 0.0), 0);
    ck_assert_uint_eq(ctx->by_double, 3);
    ck_assert_int_eq(cpwl_pred_sign_d(ctx, 0.5, 0.5), 2);
    ck_assert_int_eq(cpwl_pred_sign_d(ctx, NAN, 0.0), 2);
    ck_assert_int_eq(cpwl_pred_sign_d(ctx, 1.0, INFINITY), 2);
    ck_assert_uint_eq(cpwl_pred_ctx_total(ctx), 3);
    /* exact_only: the filter is not consulted at all. */
    ctx->exact_only = 1;
    ck_assert_int_eq(cpwl_pred_sign_d(ctx, 1.0, 0.5), 2);
    ck_assert_uint_eq(cpwl_pred_ctx_total(ctx), 3);
    ctx->exact_only = 0;
    cpwl_pred_ctx_count(ctx, 10, 20, 30);
    ck_assert_uint_eq(ctx->by_double, 13);
    ck_assert_uint_eq(ctx->by_arb, 20);
    ck_assert_uint_eq(ctx->by_exact, 30);
    cpwl_pred_ctx_count(loc, 1, 2, 4);
    ck_assert_int_eq(cpwl_pred_sign_d(loc, -2.0, 1.0), -1);
    cpwl_pred_ctx_add_counts(ctx, loc);
    ck_assert_uint_eq(ctx->by_double, 15);
    ck_assert_uint_eq(ctx->by_arb, 22);
    ck_assert_uint_eq(ctx->by_exact, 34);
    ck_assert_uint_eq(cpwl_pred_ctx_total(ctx), 71);
    /* loc is unchanged by the merge. */
    ck_assert_uint_eq(cpwl_pred_ctx_total(loc), 8);
    cpwl_pred_ctx_reset_counts(ctx);
    ck_assert_uint_eq(cpwl_pred_ctx_total(ctx), 0);
    cpwl_pred_ctx_clear(loc);
    cpwl_pred_ctx_clear(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pred");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_stages);
    tcase_add_test(tc, test_filter_rules);
    tcase_add_test(tc, test_random_honest_reports);
    tcase_add_test(tc, test_counted_entries);
    suite_add_tcase(s, tc);
    return test_run(s);
}
