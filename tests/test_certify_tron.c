/* cpwl certify's chapter-3 claims (src/cli/certify_tron.c) can fail:
   each check is run here with a false value beside the true one.
   - The certificate's bound d_t <= rho^(t-1) d_1 on the population run at
     eta = 1/2 on the cross: there d_t = 5 (49/64)^(t-1) exactly (by hand:
     w_{t+1} - w* = (1 - eta/4)(w_t - w*)), so rho = 7/8 and the tight
     49/64 hold and 49/64 - 2^-30 fails at t = 2.
   - The poisoning bound |d_t| <= (7/8)^(t-1) sqrt(5) + (1 - (7/8)^(t-1))
     K beta theta: K = 4 (derived) and 29/10 hold (both >= 2 sqrt(2), the
     limit's constant), K = 14/5 < 2 sqrt(2) fails.
   - Every claim of certify_tron_claims holds, and a claim index past the
     list is refused. */
#include <stdio.h>
#include <string.h>
#include <check.h>
#include <flint/fmpq_vec.h>
#include "certify.h"
#include "testutil.h"

static const char CROSS[] = "p,x1,x2\n1/4,1,0\n1/4,-1,0\n1/4,0,1\n"
    "1/4,0,-1\n";

START_TEST(test_rho_false)
{
    cpwl_dist_t D;
    cpwl_tron_cert_t C;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2);
    fmpq *d = _fmpq_vec_init(41);
    fmpq_t h, r;
    slong t, und;

    cpwl_dist_init(D);
    cpwl_tron_cert_init(C);
    cpwl_tron_opts_init(o);
    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    fmpq_init(h);
    fmpq_init(r);
    ck_assert_int_eq(cpwl_dist_read_str(D, CROSS, strlen(CROSS), "cross", e),
                     CPWL_OK);
    ck_assert_int_eq(cpwl_tron_cert_compute(C, D, 1, NULL, 128, e), CPWL_OK);
    fmpq_set_si(h, 1, 2);
    ck_assert(fmpq_equal(C->eta, h));
    fmpq_set(o->eta, C->eta);
    fmpq_set_si(ws + 0, 1, 1);
    fmpq_set_si(ws + 1, -2, 1);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    fmpq_set_si(r, 5, 1);
    for (t = 0; t <= 40; t++)
    {
        ck_assert(cpwl_tron_dist2_fmpq(d + t, R));
        ck_assert(fmpq_equal(d + t, r));        /* 5 (49/64)^t */
        fmpq_set_si(h, 49, 64);
        fmpq_mul(r, r, h);
        ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    }
    cpwl_tron_clear(R);

    ck_assert(C->rho_exact);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 41, 128), 0);
    fmpq_set_si(C->rho_q, 49, 64);
    arb_set_fmpq(C->rho, C->rho_q, 128);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 41, 128), 0);
    fmpq_set_si(h, 1, 1);
    fmpq_div_2exp(h, h, 30);
    fmpq_sub(C->rho_q, C->rho_q, h);
    arb_set_fmpq(C->rho, C->rho_q, 128);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 41, 128), 2);

    fmpq_clear(h);
    fmpq_clear(r);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(d, 41);
    cpwl_err_clear(e);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_tron_cert_clear(C);
    cpwl_dist_clear(D);
}
END_TEST

START_TEST(test_poison_false)
{
    static const slong K[][3] = {{4, 1, 0}, {29, 10, 0}, {14, 5, 1}};
    char why[300];
    fmpq_t k;
    slong i, bad, g;

    fmpq_init(k);
    for (i = 0; i < 3; i++)
    {
        fmpq_set_si(k, K[i][0], (ulong) K[i][1]);
        ck_assert(certify_tron_poison(&bad, &g, 0, k, why, sizeof why));
        ck_assert_msg((bad != 0) == K[i][2], "K = %ld/%ld: first failure "
                      "at t = %ld", (long) K[i][0], (long) K[i][1],
                      (long) bad);
    }
    ck_assert(certify_tron_poison(&bad, &g, 1, k, why, sizeof why));
    ck_assert_int_eq(bad, 0);
    fmpq_clear(k);
}
END_TEST

START_TEST(test_claims)
{
    char computed[200], why[300];
    slong k;
    for (k = 0; certify_tron_claims[k].example != NULL; k++)
        ck_assert_msg(certify_tron_check(computed, sizeof computed, why,
                                         sizeof why, k),
                      "claim %ld: %s", (long) k, why);
    ck_assert(!certify_tron_check(computed, sizeof computed, why, sizeof why,
                                  k));
    ck_assert_ptr_nonnull(strstr(why, "no claim"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("certify_tron");
    TCase *tc = tcase_create("certify_tron");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rho_false);
    tcase_add_test(tc, test_poison_false);
    tcase_add_test(tc, test_claims);
    suite_add_tcase(s, tc);
    return test_run(s);
}
