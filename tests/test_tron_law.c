/* The exact law of the online iterate (src/tron/law.c) against hand
   derivations and a second algorithm: the test's own Tron update summed
   over every ordered sequence of draws (no merging, no multinomial
   weights).

   D uniform on {+-e1, +-e2}, w* = (1, -2), w_1 = 0, eta = 1/2, b = 1.
   From 0 the draws e1, -e1, e2, -e2 give (1/2, 0), 0, 0, (0, -1):
   E|w_2 - w*|^2 = (1/4)(17/4) + (1/2) 5 + (1/4) 2 = 65/16 (3 states).
   One more step: (3/4, 0) 1/16, (1/2, 0) 4/16, (1/2, -1) 2/16, 0 4/16,
   (0, -1) 4/16, (0, -3/2) 1/16 (6 states), with squared distances 65/16,
   68/16, 20/16, 80/16, 32/16, 20/16: E|w_3 - w*|^2 = 845/256.

   b = 2, eta = 8/9: from 0 a draw adds g = (1, 0), 0 or (0, -2) with
   probabilities 1/4, 1/2, 1/4 and w_2 = (4/9)(g + g'): the six sums give
   squared distances 325/81, 349/81, 125/81, 405/81, 181/81, 85/81 with
   probabilities 1/16, 1/4, 1/8, 1/4, 1/4, 1/16: E|w_2 - w*|^2 = 275/81. */
#include <string.h>
#include <check.h>
#include "cpwl/tron.h"
#include "testutil.h"

static const char *AXES = "1/4,1,0\n1/4,-1,0\n1/4,0,1\n1/4,0,-1\n";
static const char *ASYM = "1/2,1,0\n1/4,-1,1\n1/4,0,-2\n";



/* Run the law of tron (eta = ep/eq, batch b, steps T) from 0 with
   w* = (1, -2). */
static int law(fmpq *Ed2, slong *t_done, slong *states, const cpwl_dist_t D,
               cpwl_tron_algo algo, slong ep, ulong eq, slong b, slong T,
               slong max_states, cpwl_err_t e)
{
    cpwl_tron_opts_t o;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2);
    int st;
    cpwl_tron_opts_init(o);
    o->algo = algo;
    fmpq_set_si(o->eta, ep, eq);
    o->batch = b;
    o->steps = T;
    o->mode = CPWL_TRON_ONLINE;
    fmpq_set_si(ws + 0, 1, 1);
    fmpq_set_si(ws + 1, -2, 1);
    st = cpwl_tron_law(Ed2, t_done, states, o, D, ws, w1, max_states, NULL,
                       e);
    cpwl_tron_opts_clear(o);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    return st;
}

START_TEST(test_hand_b1)
{
    cpwl_dist_t D;
    cpwl_err_t e;
    fmpq *Ed2 = _fmpq_vec_init(3);
    slong td, ns;
    cpwl_dist_init(D);
    cpwl_err_init(e);
    test_dist_str(D, AXES);
    ck_assert_int_eq(law(Ed2, &td, &ns, D, CPWL_TRON_TRON, 1, 2, 1, 2, 100, e),
                     CPWL_OK);
    ck_assert_int_eq(td, 3);
    ck_assert_int_eq(ns, 6);
    ck_assert(test_q_is(Ed2 + 0, 5, 1));
    ck_assert(test_q_is(Ed2 + 1, 65, 16));
    ck_assert(test_q_is(Ed2 + 2, 845, 256));
    /* with room for 5 states the run stops before w_3's 6 */
    _fmpq_vec_clear(Ed2, 3);
    Ed2 = _fmpq_vec_init(3);
    ck_assert_int_eq(law(Ed2, &td, &ns, D, CPWL_TRON_TRON, 1, 2, 1, 2, 5, e),
                     CPWL_OK);
    ck_assert_int_eq(td, 2);
    ck_assert_int_eq(ns, 3);
    ck_assert(test_q_is(Ed2 + 1, 65, 16));
    ck_assert(fmpq_is_zero(Ed2 + 2));
    _fmpq_vec_clear(Ed2, 3);
    cpwl_dist_clear(D);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_hand_b2)
{
    cpwl_dist_t D;
    cpwl_err_t e;
    fmpq *Ed2 = _fmpq_vec_init(2);
    slong td, ns;
    cpwl_dist_init(D);
    cpwl_err_init(e);
    test_dist_str(D, AXES);
    ck_assert_int_eq(law(Ed2, &td, &ns, D, CPWL_TRON_TRON, 8, 9, 2, 1, 100, e),
                     CPWL_OK);
    ck_assert_int_eq(td, 2);
    ck_assert_int_eq(ns, 6);
    ck_assert(test_q_is(Ed2 + 1, 275, 81));
    _fmpq_vec_clear(Ed2, 2);
    cpwl_dist_clear(D);
    cpwl_err_clear(e);
}
END_TEST

/* The second algorithm: every ordered sequence of T batches of b draws
   (the whole sequence of probability prod p), stepped by the update
   written out here, E|w_t - w*|^2 summed over all sequences. */
static void brute(fmpq *Ed2, const cpwl_dist_t D, const fmpq *ws,
                  const fmpq_t eta, slong b, slong T)
{
    slong K = D->K, n = D->n, L = b * T, s, total = 1, i, j, t, k, code;
    fmpq *w = _fmpq_vec_init(n), *u = _fmpq_vec_init(n);
    fmpq_t p, z, y, c, a;
    fmpq_init(p);
    fmpq_init(z);
    fmpq_init(y);
    fmpq_init(c);
    fmpq_init(a);
    for (i = 0; i < L; i++)
        total *= K;
    for (t = 0; t <= T; t++)
        fmpq_zero(Ed2 + t);
    fmpq_set_si(c, b, 1);
    fmpq_div(c, eta, c);                /* eta / b */
    for (s = 0; s < total; s++)
    {
        fmpq_one(p);
        for (i = 0, code = s; i < L; i++, code /= K)
            fmpq_mul(p, p, D->p + code % K);
        for (j = 0; j < n; j++)
            fmpq_zero(w + j);
        code = s;
        for (t = 0; t <= T; t++)
        {
            if (t > 0)
            {
                for (j = 0; j < n; j++)
                    fmpq_zero(u + j);
                for (i = 0; i < b; i++)
                {
                    const fmpq *x;
                    k = code % K;
                    code /= K;
                    x = D->X + k * n;
                    /* relu(<w*, x>) - relu(<w, x>) */
                    fmpq_zero(y);
                    fmpq_zero(z);
                    for (j = 0; j < n; j++)
                    {
                        fmpq_addmul(y, ws + j, x + j);
                        fmpq_addmul(z, w + j, x + j);
                    }
                    if (fmpq_sgn(y) < 0)
                        fmpq_zero(y);
                    if (fmpq_sgn(z) < 0)
                        fmpq_zero(z);
                    fmpq_sub(y, y, z);
                    for (j = 0; j < n; j++)
                        fmpq_addmul(u + j, y, x + j);
                }
                for (j = 0; j < n; j++)
                    fmpq_addmul(w + j, c, u + j);
            }
            fmpq_zero(z);
            for (j = 0; j < n; j++)
            {
                fmpq_sub(a, w + j, ws + j);
                fmpq_addmul(z, a, a);
            }
            fmpq_addmul(Ed2 + t, z, p);
        }
    }
    _fmpq_vec_clear(w, n);
    _fmpq_vec_clear(u, n);
    fmpq_clear(p);
    fmpq_clear(z);
    fmpq_clear(y);
    fmpq_clear(c);
    fmpq_clear(a);
}

START_TEST(test_brute)
{
    static const struct { const char **d; slong ep, eq, b, T; } H[] = {
        { &AXES, 1, 2, 1, 5 },
        { &AXES, 8, 9, 2, 3 },
        { &ASYM, 1, 3, 2, 3 },
        { &ASYM, 3, 2, 1, 6 },
        { &ASYM, 1, 1, 3, 2 },
    };
    slong i, t;
    for (i = 0; i < 5; i++)
    {
        cpwl_dist_t D;
        cpwl_err_t e;
        slong T = H[i].T, td, ns;
        fmpq *Ed2 = _fmpq_vec_init(T + 1), *ref = _fmpq_vec_init(T + 1);
        fmpq *ws = _fmpq_vec_init(2);
        fmpq_t eta;
        fmpq_init(eta);
        cpwl_dist_init(D);
        cpwl_err_init(e);
        test_dist_str(D, *H[i].d);
        fmpq_set_si(eta, H[i].ep, H[i].eq);
        fmpq_set_si(ws + 0, 1, 1);
        fmpq_set_si(ws + 1, -2, 1);
        ck_assert_int_eq(law(Ed2, &td, &ns, D, CPWL_TRON_TRON, H[i].ep,
                             H[i].eq, H[i].b, T, 100000, e), CPWL_OK);
        ck_assert_int_eq(td, T + 1);
        brute(ref, D, ws, eta, H[i].b, T);
        for (t = 0; t <= T; t++)
            ck_assert_msg(fmpq_equal(Ed2 + t, ref + t), "case %ld, t = %ld",
                          (long) i, (long) t + 1);
        _fmpq_vec_clear(Ed2, T + 1);
        _fmpq_vec_clear(ref, T + 1);
        _fmpq_vec_clear(ws, 2);
        fmpq_clear(eta);
        cpwl_dist_clear(D);
        cpwl_err_clear(e);
    }
}
END_TEST

/* The theorem on the symmetric example: E|w_t - w*|^2 <= rho^(t-1) d_1
   with the certificate's rho (b = 1: eta = 1/2, rho = 7/8; b = 2:
   eta = 8/9, rho = 7/9), decided by cpwl_tron_cert_check. */
START_TEST(test_theorem)
{
    static const struct { slong b, ep, eq, T; } H[] = {
        { 1, 1, 2, 8 },
        { 2, 8, 9, 4 },
    };
    slong i;
    for (i = 0; i < 2; i++)
    {
        cpwl_dist_t D;
        cpwl_tron_cert_t C;
        cpwl_err_t e;
        slong T = H[i].T, td, ns, und = -1;
        fmpq *Ed2 = _fmpq_vec_init(T + 1);
        cpwl_dist_init(D);
        cpwl_tron_cert_init(C);
        cpwl_err_init(e);
        test_dist_str(D, AXES);
        ck_assert_int_eq(cpwl_tron_cert_compute(C, D, H[i].b, NULL, 128, e),
                         CPWL_OK);
        ck_assert(test_q_is(C->eta, H[i].ep, H[i].eq));
        ck_assert_int_eq(law(Ed2, &td, &ns, D, CPWL_TRON_TRON, H[i].ep,
                             H[i].eq, H[i].b, T, 1000000, e), CPWL_OK);
        ck_assert_int_eq(td, T + 1);
        ck_assert(ns > 1);
        ck_assert_int_eq(cpwl_tron_cert_check(&und, C, Ed2, T + 1, 128), 0);
        ck_assert_int_eq(und, 0);
        _fmpq_vec_clear(Ed2, T + 1);
        cpwl_tron_cert_clear(C);
        cpwl_dist_clear(D);
        cpwl_err_clear(e);
    }
}
END_TEST

/* SGD with relu'(0) = 0 from 0 never moves (every relu is at 0): one
   state, E|w_t - w*|^2 = 5 throughout. */
START_TEST(test_sgd_stuck)
{
    cpwl_dist_t D;
    cpwl_err_t e;
    fmpq *Ed2 = _fmpq_vec_init(5);
    slong td, ns, t;
    cpwl_dist_init(D);
    cpwl_err_init(e);
    test_dist_str(D, AXES);
    ck_assert_int_eq(law(Ed2, &td, &ns, D, CPWL_TRON_SGD, 1, 2, 2, 4, 10, e),
                     CPWL_OK);
    ck_assert_int_eq(td, 5);
    ck_assert_int_eq(ns, 1);
    for (t = 0; t < 5; t++)
        ck_assert(test_q_is(Ed2 + t, 5, 1));
    _fmpq_vec_clear(Ed2, 5);
    cpwl_dist_clear(D);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_refused)
{
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_err_t e;
    fmpq *Ed2 = _fmpq_vec_init(3), *ws = _fmpq_vec_init(2),
        *w1 = _fmpq_vec_init(2);
    slong td, ns;
    cpwl_dist_init(D);
    cpwl_tron_opts_init(o);
    o->steps = 2;

    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian:n=2", e), 1);
    ck_assert_int_eq(cpwl_tron_law(Ed2, &td, &ns, o, D, ws, w1, 10, NULL,
                                   e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "gaussian"));
    cpwl_err_clear(e);

    test_dist_str(D, AXES);
    cpwl_err_init(e);
    o->adv = CPWL_TRON_ADV_RANDOM;
    fmpq_set_si(o->beta, 1, 2);
    ck_assert_int_eq(cpwl_tron_law(Ed2, &td, &ns, o, D, ws, w1, 10, NULL,
                                   e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "poisoned"));
    o->adv = CPWL_TRON_ADV_NONE;
    cpwl_err_clear(e);

    cpwl_err_init(e);
    ck_assert(cpwl_tron_algo_from_str(o, "glm-tron"));
    ck_assert_int_eq(cpwl_tron_law(Ed2, &td, &ns, o, D, ws, w1, 10, NULL,
                                   e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "glm-tron"));
    ck_assert(cpwl_tron_algo_from_str(o, "tron"));
    cpwl_err_clear(e);

    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_tron_law(Ed2, &td, &ns, o, D, NULL, w1, 10, NULL,
                                   e),
                     CPWL_ERR_INPUT);
    cpwl_err_clear(e);

    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_tron_law(Ed2, &td, &ns, o, D, ws, w1, 0, NULL,
                                   e),
                     CPWL_ERR_INPUT);
    cpwl_err_clear(e);

    _fmpq_vec_clear(Ed2, 3);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tron_law");
    TCase *tc = tcase_create("tron_law");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hand_b1);
    tcase_add_test(tc, test_hand_b2);
    tcase_add_test(tc, test_brute);
    tcase_add_test(tc, test_theorem);
    tcase_add_test(tc, test_sgd_stuck);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return test_run(s);
}
