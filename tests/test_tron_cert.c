/* The contraction certificate (src/tron/cert.c) against hand derivations
   and closed forms.

   D uniform on {+-e1, +-e2}: Sigma = M = I/2, so lmin = lmax(Sigma) =
   lmax(M) = 1/2 and c_b = 1/(2b) + (1 - 1/b)/16: c_1 = 1/2, eta* = 1/2,
   rho* = 7/8; c_2 = 1/4 + 1/32 = 9/32, eta* = (1/2)/(9/16) = 8/9,
   rho* = 1 - (1/4)/(9/8) = 7/9; c_8 = 1/16 + 7/128 = 15/128,
   eta* = 32/15, rho* = 1 - (1/4)/(60/128) = 7/15.  By symmetry the
   population update is w_{t+1} - w* = (1 - eta/4)(w_t - w*), so
   d_t = (1 - eta/4)^(2(t-1)) d_1 (eta = 1: (9/16)^(t-1), the issue's
   (3/4)^(t-1) contraction).

   D uniform on {+-(1,0), +-(1,1)}: Sigma = (1/2) e1 e1^T + (1/2)(1,1)(1,1)^T
   = [[1, 1/2], [1/2, 1/2]] with eigenvalues (3 +- sqrt 5)/4, and
   M = (1/2) * 1 * e1 e1^T + (1/2) * 2 * (1,1)(1,1)^T = [[3/2, 1], [1, 1]]
   (trace 5/2, determinant 1/2) with eigenvalues (5 +- sqrt 17)/4: the
   certificate is a ball, compared with these closed forms in Arb. */
#include <string.h>
#include <check.h>
#include "cpwl/tron.h"
#include "testutil.h"

#define PREC 128


static const char *AXES = "1/4,1,0\n1/4,-1,0\n1/4,0,1\n1/4,0,-1\n";
static const char *SQ5 = "1/4,1,0\n1/4,-1,0\n1/4,1,1\n1/4,-1,-1\n";


static int arb_has(const arb_t x, slong p, ulong r)
{
    fmpq_t a;
    int in;
    fmpq_init(a);
    fmpq_set_si(a, p, r);
    in = arb_contains_fmpq(x, a);
    fmpq_clear(a);
    return in;
}

/* The hand values of the axes example at batch b: c_b, eta*, rho*. */
START_TEST(test_axes)
{
    static const struct { slong b, cp, cq, ep, eq, rp, rq; } H[] = {
        { 1, 1, 2, 1, 2, 7, 8 },
        { 2, 9, 32, 8, 9, 7, 9 },
        { 8, 15, 128, 32, 15, 7, 15 },
    };
    slong i, j, k;
    cpwl_dist_t D;
    cpwl_dist_init(D);
    test_dist_str(D, AXES);
    for (i = 0; i < 3; i++)
    {
        cpwl_tron_cert_t C;
        cpwl_err_t e;
        cpwl_tron_cert_init(C);
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_tron_cert_compute(C, D, H[i].b, NULL, PREC, e),
                         CPWL_OK);
        ck_assert(C->symmetric);
        ck_assert_int_eq(C->witness, -1);
        ck_assert_int_eq(C->batch, H[i].b);
        for (j = 0; j < 2; j++)
            for (k = 0; k < 2; k++)
            {
                ck_assert(test_q_is(fmpq_mat_entry(C->Sigma, j, k), j == k, 2));
                ck_assert(test_q_is(fmpq_mat_entry(C->M, j, k), j == k, 2));
            }
        ck_assert(C->rational);
        ck_assert(test_q_is(C->lmin_q, 1, 2));
        ck_assert(test_q_is(C->lmaxS_q, 1, 2));
        ck_assert(test_q_is(C->lmaxM_q, 1, 2));
        ck_assert(arb_has(C->cb, H[i].cp, H[i].cq));
        ck_assert(arb_has(C->eta_star, H[i].ep, H[i].eq));
        ck_assert(arb_has(C->rho_star, H[i].rp, H[i].rq));
        ck_assert(test_q_is(C->eta, H[i].ep, H[i].eq));
        ck_assert(C->rho_exact);
        ck_assert(test_q_is(C->rho_q, H[i].rp, H[i].rq));
        ck_assert(arb_has(C->rho, H[i].rp, H[i].rq));
        cpwl_tron_cert_clear(C);
        cpwl_err_clear(e);
    }
    cpwl_dist_clear(D);
}
END_TEST

/* The population trajectory d_t = (1 - eta/4)^(2(t-1)) * 5 (w* = (1, -2),
   w_1 = 0) against rho(eta) = 1 - eta/2 + eta^2 c_b: holds for every t
   when (1 - eta/4)^2 <= rho, else first fails at t = 2.  Hand values:
   b = 1, eta = 1/2: rho 7/8 >= 49/64; b = 1, eta = 1: rho = 1 >= 9/16;
   b = 8, eta = 1: rho = 1/2 + 15/128 = 79/128 >= 72/128; b = 2,
   eta = 8/9: rho 7/9 >= 49/81; and the eta = 1 trajectory against
   b = 8's rho* = 7/15 < 9/16: fails at t = 2. */
START_TEST(test_population)
{
    static const struct { slong b, ep, eq, tp, tq, rp, rq, bad; } H[] = {
        { 1, 1, 2, 1, 2, 7, 8, 0 },
        { 1, 1, 1, 1, 1, 1, 1, 0 },
        { 8, 1, 1, 1, 1, 79, 128, 0 },
        { 2, 8, 9, 8, 9, 7, 9, 0 },
        { 8, 0, 1, 1, 1, 7, 15, 2 },      /* eta*, checked on eta = 1's run */
    };
    slong i, t, T = 40, und;
    cpwl_dist_t D;
    fmpq *d = _fmpq_vec_init(T);
    fmpq_t eta, c;
    fmpq_init(eta);
    fmpq_init(c);
    cpwl_dist_init(D);
    test_dist_str(D, AXES);
    for (i = 0; i < 5; i++)
    {
        cpwl_tron_cert_t C;
        cpwl_err_t e;
        cpwl_tron_cert_init(C);
        cpwl_err_init(e);
        fmpq_set_si(eta, H[i].ep, H[i].eq);
        ck_assert_int_eq(cpwl_tron_cert_compute(C, D, H[i].b,
                                                H[i].ep ? eta : NULL, PREC, e),
                         CPWL_OK);
        ck_assert(C->rho_exact);
        ck_assert(test_q_is(C->rho_q, H[i].rp, H[i].rq));
        /* the trajectory of the step tp/tq: ratio (1 - eta/4)^2 */
        fmpq_set_si(c, H[i].tp, H[i].tq);
        fmpq_div_2exp(c, c, 2);
        fmpq_sub_si(c, c, 1);
        fmpq_mul(c, c, c);
        fmpq_set_si(d + 0, 5, 1);
        for (t = 1; t < T; t++)
            fmpq_mul(d + t, d + t - 1, c);
        if (H[i].tp == 1 && H[i].tq == 1)
            ck_assert(test_q_is(d + 3, 5 * 729, 4096));  /* (9/16)^3 * 5 */
        und = -1;
        ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, T, PREC), H[i].bad);
        ck_assert_int_eq(und, 0);
        cpwl_tron_cert_clear(C);
        cpwl_err_clear(e);
    }
    _fmpq_vec_clear(d, T);
    fmpq_clear(eta);
    fmpq_clear(c);
    cpwl_dist_clear(D);
}
END_TEST

/* rho = 7/8 exactly: d_t = (7/8)^(t-1) * 5 meets the bound with equality
   (holds) up to t = 10; d_11 exceeds it by 10^-30: the first violation
   is t = 11, and the steps after it are not looked at. */
START_TEST(test_exact_boundary)
{
    slong t, T = 15, und;
    cpwl_dist_t D;
    cpwl_tron_cert_t C;
    cpwl_err_t e;
    fmpq *d = _fmpq_vec_init(T);
    fmpq_t r, tiny;
    fmpq_init(r);
    fmpq_init(tiny);
    cpwl_dist_init(D);
    cpwl_tron_cert_init(C);
    cpwl_err_init(e);
    test_dist_str(D, AXES);
    ck_assert_int_eq(cpwl_tron_cert_compute(C, D, 1, NULL, PREC, e), CPWL_OK);
    fmpq_set_si(r, 7, 8);
    fmpq_set_si(d + 0, 5, 1);
    for (t = 1; t < T; t++)
        fmpq_mul(d + t, d + t - 1, r);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, T, PREC), 0);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 10, PREC), 0);
    fmpz_set_ui(fmpq_denref(tiny), 10);
    fmpz_pow_ui(fmpq_denref(tiny), fmpq_denref(tiny), 30);
    fmpz_one(fmpq_numref(tiny));
    fmpq_add(d + 10, d + 10, tiny);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, T, PREC), 11);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 10, PREC), 0);
    /* and below the bound by the same amount: holds */
    fmpq_sub(d + 10, d + 10, tiny);
    fmpq_sub(d + 10, d + 10, tiny);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, T, PREC), 0);
    _fmpq_vec_clear(d, T);
    fmpq_clear(r);
    fmpq_clear(tiny);
    cpwl_tron_cert_clear(C);
    cpwl_dist_clear(D);
    cpwl_err_clear(e);
}
END_TEST

/* The closed forms of the sqrt 5 example in Arb at 4 PREC: lmin, lmax
   of Sigma, lmax(M), c_b and rho(eta) = 1 - eta lmin + eta^2 c_b. */
static void sq5_ref(arb_t lmin, arb_t lmaxS, arb_t cb, slong b)
{
    slong p = 4 * PREC;
    arb_t s, m;
    arb_init(s);
    arb_init(m);
    arb_sqrt_ui(s, 5, p);
    arb_sub_ui(lmin, s, 3, p);
    arb_neg(lmin, lmin);
    arb_mul_2exp_si(lmin, lmin, -2);
    arb_add_ui(lmaxS, s, 3, p);
    arb_mul_2exp_si(lmaxS, lmaxS, -2);
    arb_sqrt_ui(m, 17, p);
    arb_add_ui(m, m, 5, p);
    arb_mul_2exp_si(m, m, -2);          /* (5 + sqrt 17) / 4 */
    arb_div_si(cb, m, b, p);
    arb_sqr(s, lmaxS, p);
    arb_mul_si(s, s, b - 1, p);
    arb_div_si(s, s, 4 * b, p);
    arb_add(cb, cb, s, p);
    arb_clear(s);
    arb_clear(m);
}

START_TEST(test_sqrt5)
{
    slong b, j, k, p = 4 * PREC;
    static const slong S[2][2][2] = { { { 1, 1 }, { 1, 2 } },
                                      { { 1, 2 }, { 1, 2 } } };
    static const slong Mq[2][2][2] = { { { 3, 2 }, { 1, 1 } },
                                       { { 1, 1 }, { 1, 1 } } };
    cpwl_dist_t D;
    cpwl_dist_init(D);
    test_dist_str(D, SQ5);
    for (b = 1; b <= 3; b++)
    {
        cpwl_tron_cert_t C;
        cpwl_err_t e;
        arb_t lmin, lmaxS, cb, x, y;
        cpwl_tron_cert_init(C);
        cpwl_err_init(e);
        arb_init(lmin);
        arb_init(lmaxS);
        arb_init(cb);
        arb_init(x);
        arb_init(y);
        ck_assert_int_eq(cpwl_tron_cert_compute(C, D, b, NULL, PREC, e),
                         CPWL_OK);
        ck_assert(C->symmetric);
        for (j = 0; j < 2; j++)
            for (k = 0; k < 2; k++)
            {
                ck_assert(test_q_is(fmpq_mat_entry(C->Sigma, j, k), S[j][k][0],
                               S[j][k][1]));
                ck_assert(test_q_is(fmpq_mat_entry(C->M, j, k), Mq[j][k][0],
                               Mq[j][k][1]));
            }
        ck_assert(!C->rational);
        ck_assert(!C->rho_exact);
        sq5_ref(lmin, lmaxS, cb, b);
        ck_assert(arb_overlaps(C->lmin, lmin));
        ck_assert(arb_overlaps(C->lmaxS, lmaxS));
        ck_assert(arb_overlaps(C->cb, cb));
        ck_assert(arb_rel_accuracy_bits(C->cb) >= PREC - 16);
        /* eta* = lmin / (2 c_b); the chosen step is in its ball */
        arb_div(x, lmin, cb, p);
        arb_mul_2exp_si(x, x, -1);
        ck_assert(arb_overlaps(C->eta_star, x));
        /* the chosen step: within a relative 2^-20 of eta* */
        arb_set_fmpq(y, C->eta, p);
        arb_sub(y, y, x, p);
        arb_abs(y, y);
        arb_mul_2exp_si(x, x, -20);
        ck_assert(arb_le(y, x));
        /* rho* = 1 - lmin^2 / (4 c_b) */
        arb_sqr(x, lmin, p);
        arb_div(x, x, cb, p);
        arb_mul_2exp_si(x, x, -2);
        arb_sub_si(x, x, 1, p);
        arb_neg(x, x);
        ck_assert(arb_overlaps(C->rho_star, x));
        ck_assert(arb_lt(x, C->rho) || arb_overlaps(x, C->rho));
        /* rho at the chosen step, from the closed forms */
        arb_set_fmpq(y, C->eta, p);
        arb_mul(x, y, cb, p);
        arb_sub(x, x, lmin, p);
        arb_mul(x, x, y, p);
        arb_add_si(x, x, 1, p);
        ck_assert(arb_overlaps(C->rho, x));
        ck_assert(arb_rel_accuracy_bits(C->rho) >= PREC - 16);
        arb_set_si(y, 1);
        ck_assert(arb_lt(C->rho, y));
        cpwl_tron_cert_clear(C);
        cpwl_err_clear(e);
        arb_clear(lmin);
        arb_clear(lmaxS);
        arb_clear(cb);
        arb_clear(x);
        arb_clear(y);
    }
    cpwl_dist_clear(D);
}
END_TEST

/* The ends of a ball as exact rationals (the test's own trajectories
   are placed just inside and outside them). */
static void ends(fmpq_t lo, fmpq_t hi, const arb_t x)
{
    fmpz_t a, b, ex;
    slong s;
    fmpz_init(a);
    fmpz_init(b);
    fmpz_init(ex);
    arb_get_interval_fmpz_2exp(a, b, ex, x);
    s = fmpz_get_si(ex);
    fmpz_set(fmpq_numref(lo), a);
    fmpz_one(fmpq_denref(lo));
    fmpz_set(fmpq_numref(hi), b);
    fmpz_one(fmpq_denref(hi));
    if (s >= 0)
    {
        fmpq_mul_2exp(lo, lo, s);
        fmpq_mul_2exp(hi, hi, s);
    }
    else
    {
        fmpq_div_2exp(lo, lo, -s);
        fmpq_div_2exp(hi, hi, -s);
    }
    fmpz_clear(a);
    fmpz_clear(b);
    fmpz_clear(ex);
}

/* rho a ball (the sqrt 5 example, b = 1): trajectories just below its
   lower end hold, just above its upper end fail, one at its midpoint is
   undecided; 2^-300 from an end is below Arb's resolution at PREC, so
   the exact comparison with the ends decides. */
START_TEST(test_ball_check)
{
    cpwl_dist_t D;
    cpwl_tron_cert_t C;
    cpwl_err_t e;
    fmpq *d = _fmpq_vec_init(3);
    fmpq_t lo, hi, far, near, t;
    slong und;
    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_init(far);
    fmpq_init(near);
    fmpq_init(t);
    cpwl_dist_init(D);
    cpwl_tron_cert_init(C);
    cpwl_err_init(e);
    test_dist_str(D, SQ5);
    ck_assert_int_eq(cpwl_tron_cert_compute(C, D, 1, NULL, PREC, e), CPWL_OK);
    ck_assert(!C->rho_exact);
    ends(lo, hi, C->rho);
    ck_assert(fmpq_cmp(lo, hi) < 0);
    fmpq_one(far);
    fmpq_div_2exp(far, far, 40);
    fmpq_one(near);
    fmpq_div_2exp(near, near, 300);
    fmpq_one(d + 0);

    /* below: holds (Arb), then 2^-300 below lo^2: holds (exact ends) */
    fmpq_sub(d + 1, lo, far);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 2, PREC), 0);
    ck_assert_int_eq(und, 0);
    fmpq_mul(d + 2, lo, lo);
    fmpq_sub(d + 2, d + 2, near);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 3, PREC), 0);
    ck_assert_int_eq(und, 0);
    /* exactly the lower end: holds */
    fmpq_set(d + 1, lo);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 2, PREC), 0);
    ck_assert_int_eq(und, 0);
    /* 2^-300 above hi^2 at t = 3: fails there */
    fmpq_sub(d + 1, lo, far);
    fmpq_mul(d + 2, hi, hi);
    fmpq_add(d + 2, d + 2, near);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 3, PREC), 3);
    /* above hi at t = 2, by 2^-40 and by 2^-300 */
    fmpq_add(d + 1, hi, far);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 3, PREC), 2);
    fmpq_add(d + 1, hi, near);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 3, PREC), 2);
    /* the midpoint of rho's ball, and its upper end: undecided */
    arf_get_fmpq(d + 1, arb_midref(C->rho));
    ck_assert(fmpq_cmp(lo, d + 1) < 0 && fmpq_cmp(d + 1, hi) < 0);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 2, PREC), 0);
    ck_assert_int_eq(und, 1);
    fmpq_set(d + 1, hi);
    ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, 2, PREC), 0);
    ck_assert_int_eq(und, 1);

    _fmpq_vec_clear(d, 3);
    fmpq_clear(lo);
    fmpq_clear(hi);
    fmpq_clear(far);
    fmpq_clear(near);
    fmpq_clear(t);
    cpwl_tron_cert_clear(C);
    cpwl_dist_clear(D);
    cpwl_err_clear(e);
}
END_TEST

/* The definition: E[(relu(<w*, x>) - relu(<w, x>)) x] - (1/2) Sigma (w* - w),
   with Sigma summed here. */
static void gap_def(fmpq *g, const cpwl_dist_t D, const fmpq *ws, const fmpq *w)
{
    slong n = D->n, k, i, j;
    fmpq_t a, c, s;
    fmpq_init(a);
    fmpq_init(c);
    fmpq_init(s);
    for (j = 0; j < n; j++)
        fmpq_zero(g + j);
    for (k = 0; k < D->K; k++)
    {
        const fmpq *x = D->X + k * n;
        fmpq_zero(a);
        fmpq_zero(c);
        for (j = 0; j < n; j++)
        {
            fmpq_addmul(a, ws + j, x + j);
            fmpq_addmul(c, w + j, x + j);
        }
        /* s = p (relu(a) - relu(c)) - (1/2) p <w* - w, x> */
        fmpq_sub(s, a, c);
        fmpq_div_2exp(s, s, 1);
        fmpq_neg(s, s);
        if (fmpq_sgn(a) > 0)
            fmpq_add(s, s, a);
        if (fmpq_sgn(c) > 0)
            fmpq_sub(s, s, c);
        fmpq_mul(s, s, D->p + k);
        for (i = 0; i < n; i++)
            fmpq_addmul(g + i, s, x + i);
    }
    fmpq_clear(a);
    fmpq_clear(c);
    fmpq_clear(s);
}

START_TEST(test_gap)
{
    static const char *ASYM = "1/2,1,0\n1/4,-1,1\n1/4,0,-2\n";
    test_rng r;
    slong it, j;
    cpwl_dist_t D;
    fmpq *ws = _fmpq_vec_init(2), *w = _fmpq_vec_init(2);
    fmpq *g = _fmpq_vec_init(2), *h = _fmpq_vec_init(2);
    r.s = test_seed(0xce47);
    cpwl_dist_init(D);

    /* symmetric: zero everywhere */
    test_dist_str(D, AXES);
    fmpq_set_si(ws + 0, 1, 1);
    fmpq_set_si(ws + 1, -2, 1);
    for (it = 0; it < test_iters(50); it++)
    {
        for (j = 0; j < 2; j++)
            test_fmpq(w + j, &r, TEST_FRACTIONS);
        cpwl_tron_linear_gap(g, D, ws, w);
        ck_assert(fmpq_is_zero(g + 0) && fmpq_is_zero(g + 1));
    }

    /* x = 1 or -1/2, 1/2 each: gap = (3/16)(|w*| - |w|); w* = 2 */
    test_dist_str(D, "1/2,1\n1/2,-1/2\n");
    fmpq_set_si(ws, 2, 1);
    fmpq_set_si(w, -1, 1);
    cpwl_tron_linear_gap(g, D, ws, w);
    ck_assert(test_q_is(g, 3, 16));
    fmpq_set_si(w, 3, 1);
    cpwl_tron_linear_gap(g, D, ws, w);
    ck_assert(test_q_is(g, -3, 16));
    fmpq_set_si(w, -2, 1);
    cpwl_tron_linear_gap(g, D, ws, w);
    ck_assert(fmpq_is_zero(g));

    /* a non-symmetric 2-D law: the definition, summed here */
    test_dist_str(D, ASYM);
    for (it = 0; it < test_iters(50); it++)
    {
        for (j = 0; j < 2; j++)
        {
            test_fmpq(w + j, &r, TEST_FRACTIONS);
            test_fmpq(ws + j, &r, TEST_FRACTIONS);
        }
        cpwl_tron_linear_gap(g, D, ws, w);
        gap_def(h, D, ws, w);
        ck_assert(fmpq_equal(g + 0, h + 0) && fmpq_equal(g + 1, h + 1));
    }
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w, 2);
    _fmpq_vec_clear(g, 2);
    _fmpq_vec_clear(h, 2);
    cpwl_dist_clear(D);
}
END_TEST

/* A non-symmetric law is certified as such (the first row whose mirror
   has another probability: e1, whose mirror is absent); a singular Sigma,
   a batch of 0 and a step of 0 are refused. */
START_TEST(test_refused)
{
    cpwl_dist_t D;
    cpwl_tron_cert_t C;
    cpwl_err_t e;
    fmpq_t eta;
    fmpq_init(eta);
    cpwl_dist_init(D);
    cpwl_tron_cert_init(C);

    cpwl_err_init(e);
    test_dist_str(D, "1/2,1,0\n1/4,-1,1\n1/4,0,-2\n");
    ck_assert_int_eq(cpwl_tron_cert_compute(C, D, 1, NULL, PREC, e), CPWL_OK);
    ck_assert(!C->symmetric);
    ck_assert_int_eq(C->witness, 0);
    cpwl_err_clear(e);

    cpwl_err_init(e);
    test_dist_str(D, "1/2,1,0\n1/2,-1,0\n");
    ck_assert_int_eq(cpwl_tron_cert_compute(C, D, 1, NULL, PREC, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "singular (rank 1 of 2)"));
    cpwl_err_clear(e);

    cpwl_err_init(e);
    test_dist_str(D, AXES);
    ck_assert_int_eq(cpwl_tron_cert_compute(C, D, 0, NULL, PREC, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "batch size"));
    cpwl_err_clear(e);

    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_tron_cert_compute(C, D, 1, eta, PREC, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "step"));
    cpwl_err_clear(e);

    /* beyond the eigenvalue module's size, refused before the n x n
       moments are allocated (10^12 entries here) */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian:n=1000000", e), 1);
    ck_assert_int_eq(cpwl_tron_cert_compute(C, D, 1, NULL, PREC, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "dimension 1000000"));
    cpwl_err_clear(e);

    fmpq_clear(eta);
    cpwl_tron_cert_clear(C);
    cpwl_dist_clear(D);
}
END_TEST

/* The engine's exact population run (module tron) checked against the
   certificate: on the axes example with eta = 1 the squared distances
   are 5 (9/16)^(t-1); rho = 1 (b = 1, eta = 1) and rho* = 7/8 (b = 1)
   hold at every t, b = 8's rho* = 7/15 < 9/16 fails at t = 2. */
START_TEST(test_engine_run)
{
    static const struct { slong b, ep, eq, bad; } H[] = {
        { 1, 1, 1, 0 }, { 1, 0, 1, 0 }, { 8, 0, 1, 2 },
    };
    slong T = 30, t, i, und;
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2);
    fmpq *d = _fmpq_vec_init(T);
    fmpq_t c, eta;
    fmpq_init(c);
    fmpq_init(eta);
    cpwl_dist_init(D);
    cpwl_tron_opts_init(o);
    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    test_dist_str(D, AXES);
    fmpq_set_si(ws + 0, 1, 1);
    fmpq_set_si(ws + 1, -2, 1);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    fmpq_set_si(c, 5, 1);
    for (t = 0; t < T; t++)
    {
        ck_assert(cpwl_tron_dist2_fmpq(d + t, R));
        ck_assert(fmpq_equal(d + t, c));
        fmpq_mul_si(c, c, 9);
        fmpq_div_2exp(c, c, 4);
        ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    }
    cpwl_tron_clear(R);
    for (i = 0; i < 3; i++)
    {
        cpwl_tron_cert_t C;
        cpwl_tron_cert_init(C);
        fmpq_set_si(eta, H[i].ep, H[i].eq);
        ck_assert_int_eq(cpwl_tron_cert_compute(C, D, H[i].b,
                                                H[i].ep ? eta : NULL, PREC, e),
                         CPWL_OK);
        ck_assert_int_eq(cpwl_tron_cert_check(&und, C, d, T, PREC), H[i].bad);
        ck_assert_int_eq(und, 0);
        cpwl_tron_cert_clear(C);
    }
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(d, T);
    fmpq_clear(c);
    fmpq_clear(eta);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    cpwl_err_clear(e);
}
END_TEST

/* The gap is where the linear recursion breaks: one exact population
   step of the engine from w is w + eta ((1/2) Sigma (w* - w) + gap(w)),
   on a symmetric law (gap 0) and on a non-symmetric one. */
START_TEST(test_gap_engine)
{
    static const char *LAWS[2] = { "1/4,1,0\n1/4,-1,0\n1/4,1,1\n1/4,-1,-1\n",
                                   "1/2,1,0\n1/4,-1,1\n1/4,0,-2\n" };
    test_rng r;
    slong l, it, j, k, nonzero = 0;
    r.s = test_seed(0xce48);
    for (l = 0; l < 2; l++)
        for (it = 0; it < test_iters(20); it++)
        {
            cpwl_dist_t D;
            cpwl_tron_opts_t o;
            cpwl_arith_t A;
            cpwl_tron_t R;
            cpwl_err_t e;
            fmpq_mat_t S, M;
            fmpq *ws = _fmpq_vec_init(2), *w = _fmpq_vec_init(2);
            fmpq *g = _fmpq_vec_init(2), *x = _fmpq_vec_init(2);
            fmpq_t a;
            int zero;
            fmpq_init(a);
            cpwl_dist_init(D);
            cpwl_tron_opts_init(o);
            cpwl_arith_init_exact(A);
            cpwl_err_init(e);
            fmpq_mat_init(S, 2, 2);
            fmpq_mat_init(M, 2, 2);
            test_dist_str(D, LAWS[l]);
            cpwl_dist_moments(S, M, D);
            test_fmpq(o->eta, &r, TEST_FRACTIONS);
            fmpq_abs(o->eta, o->eta);
            if (fmpq_is_zero(o->eta))
                fmpq_one(o->eta);
            for (j = 0; j < 2; j++)
            {
                test_fmpq(ws + j, &r, TEST_FRACTIONS);
                test_fmpq(w + j, &r, TEST_FRACTIONS);
            }
            ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w, A, e), CPWL_OK);
            ck_assert_int_eq(cpwl_tron_step(R, e), 0);
            cpwl_tron_linear_gap(g, D, ws, w);
            zero = fmpq_is_zero(g + 0) && fmpq_is_zero(g + 1);
            if (l == 0)
                ck_assert(zero);
            else
                nonzero += !zero;
            for (j = 0; j < 2; j++)
            {
                /* x_j = w_j + eta ((1/2) sum_k S_jk (w*_k - w_k) + g_j) */
                fmpq_set(x + j, g + j);
                for (k = 0; k < 2; k++)
                {
                    fmpq_sub(a, ws + k, w + k);
                    fmpq_mul(a, a, fmpq_mat_entry(S, j, k));
                    fmpq_div_2exp(a, a, 1);
                    fmpq_add(x + j, x + j, a);
                }
                fmpq_mul(x + j, x + j, o->eta);
                fmpq_add(x + j, x + j, w + j);
                ck_assert(cpwl_val_get_fmpq(a, R->w + j, A));
                ck_assert_msg(fmpq_equal(a, x + j), "law %ld, iteration %ld",
                              (long) l, (long) it);
            }
            cpwl_tron_clear(R);
            fmpq_mat_clear(S);
            fmpq_mat_clear(M);
            _fmpq_vec_clear(ws, 2);
            _fmpq_vec_clear(w, 2);
            _fmpq_vec_clear(g, 2);
            _fmpq_vec_clear(x, 2);
            fmpq_clear(a);
            cpwl_arith_clear(A);
            cpwl_tron_opts_clear(o);
            cpwl_dist_clear(D);
            cpwl_err_clear(e);
        }
    /* the non-symmetric law leaves the linear recursion at most w */
    ck_assert(nonzero > 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tron_cert");
    TCase *tc = tcase_create("tron_cert");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_axes);
    tcase_add_test(tc, test_population);
    tcase_add_test(tc, test_exact_boundary);
    tcase_add_test(tc, test_sqrt5);
    tcase_add_test(tc, test_ball_check);
    tcase_add_test(tc, test_gap);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_engine_run);
    tcase_add_test(tc, test_gap_engine);
    suite_add_tcase(s, tc);
    return test_run(s);
}
