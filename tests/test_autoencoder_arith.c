/* The autoencoder in other arithmetics, its objective and Monte-Carlo
   (src/autoencoder/ae*.c), against values from elsewhere:
   - Arb balls at 64 and 128 bits containing the exact expectation;
   - binary64 equal bit for bit to a plain C loop in the stated order;
   - the objective against cpwl_ae_expect and per-code expectations (and
     binary64 against cpwl_ae_expect_val), the 2^31 - 1 term limit;
   - Monte-Carlo on one code against the plain C norm, on two codes
     against a replay of the seeded draws;
   - the norms by hand, |A^T + delta D - A^T| = delta exactly. */
#include <math.h>
#include <string.h>
#include "ae_testutil.h"

START_TEST(test_arb_contains)
{
    static const slong precs[2] = {64, 128};
    test_rng R;
    slong it, k, h, n, i;
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(8), *GW, *Geps;
    fmpq_t L;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;

    R.s = test_seed(0xae03);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    for (it = 0; it < 2; it++)
    {
        if (it == 0)
            example_dict(A);
        else
            union_dict(A);
        h = fmpq_mat_ncols(A);
        n = fmpq_mat_nrows(A);
        cpwl_codes_init(C);
        codes_k2(C, h, "1/3,2/3");
        random_point(W, eps, A, &R);
        GW = _fmpq_vec_init(h * n);
        Geps = _fmpq_vec_init(h);
        ck_assert_int_eq(cpwl_ae_expect(L, GW, Geps, W, eps, A, C, 0, NULL,
                                        NULL, NULL, NULL, pred, e), 0);
        for (k = 0; k < 2; k++)
        {
            cpwl_arith_t B;
            cpwl_val_ptr Wv, ev, Lv, Gv, Ev;
            cpwl_arith_init_arb(B, precs[k]);
            Wv = cpwl_val_vec_init(h * n, B);
            ev = cpwl_val_vec_init(h, B);
            Lv = cpwl_val_vec_init(1, B);
            Gv = cpwl_val_vec_init(h * n, B);
            Ev = cpwl_val_vec_init(h, B);
            enter(Wv, ev, W, eps, B);
            ck_assert_int_eq(cpwl_ae_expect_val(Lv, Gv, Ev, Wv, ev, A, C, 0,
                                                NULL, NULL, NULL, NULL, B,
                                                pred, e), 0);
            ck_assert(arb_contains_fmpq(&Lv->b, L));
            for (i = 0; i < h * n; i++)
                ck_assert(arb_contains_fmpq(&Gv[i].b, GW + i));
            for (i = 0; i < h; i++)
                ck_assert(arb_contains_fmpq(&Ev[i].b, Geps + i));
            cpwl_val_vec_clear(Wv, h * n, B);
            cpwl_val_vec_clear(ev, h, B);
            cpwl_val_vec_clear(Lv, 1, B);
            cpwl_val_vec_clear(Gv, h * n, B);
            cpwl_val_vec_clear(Ev, h, B);
            cpwl_arith_clear(B);
        }
        _fmpq_vec_clear(GW, h * n);
        _fmpq_vec_clear(Geps, h);
        cpwl_codes_clear(C);
    }
    fmpq_clear(L);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 8);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* A ball cannot decide z_1 = 1/3 - 1/3 (both entered as balls): 2, with
   a message naming z_1; exactly it is 0. */
START_TEST(test_arb_undecided)
{
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(6), *y = _fmpq_vec_init(4);
    cpwl_arith_t B;
    cpwl_ae_work_t w;
    cpwl_val_ptr Wv, ev, yv, Lv;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    sample_out o;
    slong i;

    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    example_dict(A);
    transpose(W, A);
    for (i = 0; i < 6; i++)
        fmpq_set_si(eps + i, 1, 3);
    fmpq_set_si(y + 0, 1, 3);
    cpwl_arith_init_arb(B, 64);
    cpwl_ae_work_init(w, 6, 4, B);
    Wv = cpwl_val_vec_init(24, B);
    ev = cpwl_val_vec_init(6, B);
    yv = cpwl_val_vec_init(4, B);
    Lv = cpwl_val_vec_init(1, B);
    enter(Wv, ev, W, eps, B);
    for (i = 0; i < 4; i++)
        cpwl_val_set_fmpq(yv + i, y + i, B);
    ck_assert_int_eq(cpwl_ae_sample(Lv, NULL, NULL, NULL, Wv, ev, yv, NULL,
                                    0, w, B, pred, e), 2);
    ck_assert_msg(strstr(e->msg, "z_1") != NULL, "%s", e->msg);
    /* exactly: z_1 = 0, nothing active, L = |y|^2 / 2 = 1/18 */
    out_init(&o, 6, 4);
    exact_sample(&o, W, eps, y, 1);
    check_vec(o.z, "0,-1/3,-1/3,-1/3,-1/6,-1/6", 6, "z");
    ck_assert(act_is(&o, "100000"));
    check_q(o.L, "1/18", "L");
    out_clear(&o);
    cpwl_val_vec_clear(Wv, 24, B);
    cpwl_val_vec_clear(ev, 6, B);
    cpwl_val_vec_clear(yv, 4, B);
    cpwl_val_vec_clear(Lv, 1, B);
    cpwl_ae_work_clear(w, B);
    cpwl_arith_clear(B);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 6);
    _fmpq_vec_clear(y, 4);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* One sample in plain C doubles, in the order docs/api/autoencoder.md
   states (no call into the library). */
static double plain_sample(double *GW, double *Geps, const double *W,
                           const double *eps, const double *y, slong h,
                           slong n, int relu_d0)
{
    double z[16], r[16], yhat[16], e[16], s, L;
    int a[16];
    slong i, j;
    for (i = 0; i < h; i++)
    {
        s = W[i * n] * y[0];
        for (j = 1; j < n; j++)
            s = s + W[i * n + j] * y[j];
        z[i] = s - eps[i];
        r[i] = z[i] > 0 ? z[i] : 0.0;
        a[i] = z[i] > 0 ? 1 : (z[i] == 0 ? relu_d0 : 0);
    }
    for (j = 0; j < n; j++)
        yhat[j] = 0.0;
    for (i = 0; i < h; i++)
        if (z[i] > 0)
            for (j = 0; j < n; j++)
                yhat[j] = yhat[j] + r[i] * W[i * n + j];
    for (j = 0; j < n; j++)
        e[j] = yhat[j] - y[j];
    s = e[0] * e[0];
    for (j = 1; j < n; j++)
        s = s + e[j] * e[j];
    L = s * 0.5;
    for (i = 0; i < h; i++)
    {
        double u;
        if (!a[i])
        {
            for (j = 0; j < n; j++)
                GW[i * n + j] = 0.0;
            Geps[i] = 0.0;
            continue;
        }
        u = W[i * n] * e[0];
        for (j = 1; j < n; j++)
            u = u + W[i * n + j] * e[j];
        for (j = 0; j < n; j++)
            GW[i * n + j] = r[i] * e[j] + u * y[j];
        Geps[i] = -u;
    }
    return L;
}

/* A random dyadic p / 2^20 with |p| < 2^40: entered exactly, and its
   products round. */
static double dyadic(fmpq_t q, test_rng *R)
{
    fmpq_set_si(q, test_range(R, -(WORD(1) << 40), WORD(1) << 40), 1);
    fmpq_div_2exp(q, q, 20);
    return fmpq_get_d(q);
}

START_TEST(test_binary64_plain)
{
    test_rng R;
    slong it, h = 6, n = 4, i;
    double Wd[24], ed[6], yd[4], G1[24], E1[6], L1;
    cpwl_val_ptr Wv, ev, yv, Lv, Gv, Ev;
    cpwl_arith_t A;
    cpwl_ae_work_t w;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq_t q;

    R.s = test_seed(0xae04);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_init(q);
    cpwl_arith_init_float(A, CPWL_IEEE_BINARY64, 0, 0);
    cpwl_ae_work_init(w, h, n, A);
    Wv = cpwl_val_vec_init(h * n, A);
    ev = cpwl_val_vec_init(h, A);
    yv = cpwl_val_vec_init(n, A);
    Lv = cpwl_val_vec_init(1, A);
    Gv = cpwl_val_vec_init(h * n, A);
    Ev = cpwl_val_vec_init(h, A);
    for (it = 0; it < test_iters(200); it++)
    {
        int rd = (int) (it & 1);
        for (i = 0; i < h * n; i++)
        {
            Wd[i] = dyadic(q, &R);
            cpwl_val_set_fmpq(Wv + i, q, A);
        }
        for (i = 0; i < h; i++)
        {
            ed[i] = dyadic(q, &R) / 4;
            fmpq_div_2exp(q, q, 2);
            cpwl_val_set_fmpq(ev + i, q, A);
        }
        for (i = 0; i < n; i++)
        {
            yd[i] = dyadic(q, &R);
            cpwl_val_set_fmpq(yv + i, q, A);
        }
        L1 = plain_sample(G1, E1, Wd, ed, yd, h, n, rd);
        ck_assert_int_eq(cpwl_ae_sample(Lv, Gv, Ev, NULL, Wv, ev, yv, NULL,
                                        rd, w, A, pred, e), 0);
        ck_assert(Lv->d == L1);
        for (i = 0; i < h * n; i++)
            ck_assert_msg(Gv[i].d == G1[i], "iteration %ld: GW[%ld] %a, "
                          "plain %a", (long) it, (long) i, Gv[i].d, G1[i]);
        for (i = 0; i < h; i++)
            ck_assert(Ev[i].d == E1[i]);
    }
    cpwl_val_vec_clear(Wv, h * n, A);
    cpwl_val_vec_clear(ev, h, A);
    cpwl_val_vec_clear(yv, n, A);
    cpwl_val_vec_clear(Lv, 1, A);
    cpwl_val_vec_clear(Gv, h * n, A);
    cpwl_val_vec_clear(Ev, h, A);
    cpwl_ae_work_clear(w, A);
    cpwl_arith_clear(A);
    fmpq_clear(q);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* ---- the objective ------------------------------------------------------ */

/* The expectation of one code x alone (a list of one code read from
   CSV), through cpwl_ae_expect. */
static void one_code_expect(fmpq_t L, fmpq *GW, const fmpq_mat_t W,
                            const fmpq *eps, const fmpq_mat_t A,
                            const fmpq *x)
{
    slong h = fmpq_mat_ncols(A), i;
    char buf[512];
    size_t len;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    len = (size_t) snprintf(buf, sizeof(buf), "p");
    for (i = 0; i < h; i++)
        len += (size_t) snprintf(buf + len, sizeof(buf) - len, ",x%ld",
                                 (long) i + 1);
    len += (size_t) snprintf(buf + len, sizeof(buf) - len, "\n1");
    for (i = 0; i < h; i++)
    {
        char *s = fmpq_get_str(NULL, 10, x + i);
        len += (size_t) snprintf(buf + len, sizeof(buf) - len, ",%s", s);
        flint_free(s);
    }
    len += (size_t) snprintf(buf + len, sizeof(buf) - len, "\n");
    cpwl_codes_init(C);
    if (cpwl_codes_read_str(C, buf, len, "one code", h, e) != 0)
        ck_abort_msg("one code refused: %s", e->msg);
    ck_assert_int_eq(cpwl_ae_expect(L, GW, NULL, W, eps, A, C, 0, NULL, NULL,
                                    NULL, NULL, pred, e), 0);
    cpwl_codes_clear(C);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}

START_TEST(test_objective)
{
    static const slong terms[5] = {5, 0, 17, 5, 59};
    test_rng R;
    slong h = 6, n = 4, i, j, t, k;
    fmpq_mat_t A, W, Z;
    fmpq *eps = _fmpq_vec_init(6), *GW = _fmpq_vec_init(24);
    fmpq *GW2 = _fmpq_vec_init(24), *x = _fmpq_vec_init(6);
    fmpq_t L, L2, p;
    fmpz_t idx;
    cpwl_objective_t O;
    cpwl_codes_t C;
    cpwl_arith_t Q, F;
    cpwl_val_ptr xv, fv, gv, xf, ff, gf, ef, Lf, Gf, Ef;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;

    R.s = test_seed(0xae05);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    fmpq_init(L2);
    fmpq_init(p);
    fmpz_init(idx);
    example_dict(A);
    random_point(W, eps, A, &R);
    cpwl_codes_init(C);
    codes_k2(C, h, "1/3,2/3");
    ck_assert_int_eq(cpwl_ae_objective_init(O, A, C, eps, 0, e), 0);
    /* the objective keeps copies */
    cpwl_codes_clear(C);
    cpwl_codes_init(C);
    codes_k2(C, h, "1/3,2/3");
    ck_assert_str_eq(O->name, "autoencoder");
    ck_assert_int_eq(O->dim, 24);
    ck_assert_int_eq(O->nterms, 60);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
            ck_assert(fmpq_equal(O->x1 + i * n + j, fmpq_mat_entry(A, j, i)));

    cpwl_arith_init_exact(Q);
    xv = cpwl_val_vec_init(24, Q);
    fv = cpwl_val_vec_init(1, Q);
    gv = cpwl_val_vec_init(24, Q);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(xv + i * n + j, fmpq_mat_entry(W, i, j), Q);
    /* all terms: cpwl_ae_expect */
    ck_assert_int_eq(cpwl_objective_eval(fv, gv, xv, NULL, 0, 1, O, Q, e), 0);
    ck_assert_int_eq(cpwl_ae_expect(L, GW, NULL, W, eps, A, C, 0, NULL, NULL,
                                    NULL, NULL, pred, e), 0);
    ck_assert(fmpq_equal(&fv->q, L));
    for (i = 0; i < 24; i++)
        ck_assert(fmpq_equal(&gv[i].q, GW + i));
    /* some terms: the sum of p_c times each code's own expectation */
    ck_assert_int_eq(cpwl_objective_eval(fv, gv, xv, terms, 5, 1, O, Q, e), 0);
    fmpq_zero(L);
    vec_zero(GW, 24);
    for (t = 0; t < 5; t++)
    {
        fmpz_set_si(idx, terms[t]);
        cpwl_codes_get(x, p, NULL, &k, C, idx);
        one_code_expect(L2, GW2, W, eps, A, x);
        fmpq_addmul(L, L2, p);
        for (i = 0; i < 24; i++)
            fmpq_addmul(GW + i, GW2 + i, p);
    }
    ck_assert(fmpq_equal(&fv->q, L));
    for (i = 0; i < 24; i++)
        ck_assert(fmpq_equal(&gv[i].q, GW + i));

    /* binary64: the objective's operations are cpwl_ae_expect_val's */
    cpwl_arith_init_float(F, CPWL_IEEE_BINARY64, 0, 0);
    xf = cpwl_val_vec_init(24, F);
    ff = cpwl_val_vec_init(1, F);
    gf = cpwl_val_vec_init(24, F);
    ef = cpwl_val_vec_init(6, F);
    Lf = cpwl_val_vec_init(1, F);
    Gf = cpwl_val_vec_init(24, F);
    Ef = cpwl_val_vec_init(6, F);
    enter(xf, ef, W, eps, F);
    ck_assert_int_eq(cpwl_objective_eval(ff, gf, xf, NULL, 0, 1, O, F, e), 0);
    ck_assert_int_eq(cpwl_ae_expect_val(Lf, Gf, Ef, xf, ef, A, C, 0, NULL,
                                        NULL, NULL, NULL, F, pred, e), 0);
    ck_assert(ff->d == Lf->d);
    for (i = 0; i < 24; i++)
        ck_assert(gf[i].d == Gf[i].d);
    cpwl_val_vec_clear(xf, 24, F);
    cpwl_val_vec_clear(ff, 1, F);
    cpwl_val_vec_clear(gf, 24, F);
    cpwl_val_vec_clear(ef, 6, F);
    cpwl_val_vec_clear(Lf, 1, F);
    cpwl_val_vec_clear(Gf, 24, F);
    cpwl_val_vec_clear(Ef, 6, F);
    cpwl_arith_clear(F);
    cpwl_objective_clear(O);

    /* more than 2^31 - 1 codes: C(64, 8) = 4426165368 */
    fmpq_mat_init(Z, 2, 64);
    cpwl_codes_clear(C);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_set_supports(C, 64, 8, eps, NULL, 1, e), 0);
    ck_assert_int_eq(cpwl_ae_objective_init(O, Z, C, eps, 0, e), 1);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "4426165368") != NULL, "%s", e->msg);
    cpwl_objective_clear(O);
    fmpq_mat_clear(Z);

    cpwl_val_vec_clear(xv, 24, Q);
    cpwl_val_vec_clear(fv, 1, Q);
    cpwl_val_vec_clear(gv, 24, Q);
    cpwl_arith_clear(Q);
    cpwl_codes_clear(C);
    fmpq_clear(L);
    fmpq_clear(L2);
    fmpq_clear(p);
    fmpz_clear(idx);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 6);
    _fmpq_vec_clear(GW, 24);
    _fmpq_vec_clear(GW2, 24);
    _fmpq_vec_clear(x, 6);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* A code of probability 0 adds nothing, and cpwl_ae_expect_val skips it;
   the objective, whose sums are expect_val's operation for operation,
   must skip it too.  Here its z_1 = 1/3 - 1/3 is a ball Arb cannot sign
   (test_arb_undecided): the objective failed with 2 where the expectation
   is the one code x = e_1 (z = (2/3, -1/3, -1/3, -1/3, 1/6, 1/6)). */
START_TEST(test_objective_prob0)
{
    static const char text[] = "p,x1,x2,x3,x4,x5,x6\n"
                               "0,1/3,0,0,0,0,0\n"
                               "1,1,0,0,0,0,0\n";
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(6);
    cpwl_codes_t C;
    cpwl_objective_t O;
    cpwl_arith_t B;
    cpwl_val_ptr Wv, ev, fv, gv, Lv, Gv;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    slong i;

    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    example_dict(A);
    transpose(W, A);
    for (i = 0; i < 6; i++)
        fmpq_set_si(eps + i, 1, 3);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_read_str(C, text, strlen(text), "P0.csv", 6,
                                         e), 0);
    ck_assert_int_eq(cpwl_ae_objective_init(O, A, C, eps, 0, e), 0);
    cpwl_arith_init_arb(B, 64);
    Wv = cpwl_val_vec_init(24, B);
    ev = cpwl_val_vec_init(6, B);
    fv = cpwl_val_vec_init(1, B);
    gv = cpwl_val_vec_init(24, B);
    Lv = cpwl_val_vec_init(1, B);
    Gv = cpwl_val_vec_init(24, B);
    enter(Wv, ev, W, eps, B);
    ck_assert_int_eq(cpwl_ae_expect_val(Lv, Gv, NULL, Wv, ev, A, C, 0, NULL,
                                        NULL, NULL, NULL, B, pred, e), 0);
    ck_assert_msg(cpwl_objective_eval(fv, gv, Wv, NULL, 0, 1, O, B, e) == 0,
                  "%s", e->msg);
    ck_assert(arb_equal(&fv->b, &Lv->b));
    for (i = 0; i < 24; i++)
        ck_assert(arb_equal(&gv[i].b, &Gv[i].b));
    /* the value by hand: r = (2/3, 0, 0, 0, 1/6, 1/6), yhat = (2/3) e_1
       + (1/6)(1, 0, 1, 0) = (5/6, 0, 1/6, 0), e = (-1/6, 0, 1/6, 0),
       L = 1/36 */
    {
        fmpq_t q;
        arb_t t;
        fmpq_init(q);
        arb_init(t);
        fmpq_set_si(q, 1, 36);
        arb_set_fmpq(t, q, 64);
        ck_assert(arb_overlaps(&fv->b, t));
        arb_clear(t);
        fmpq_clear(q);
    }
    /* a batch holding the code of probability 0 alone adds nothing */
    {
        slong t0 = 0;
        ck_assert_int_eq(cpwl_objective_eval(fv, gv, Wv, &t0, 1, 1, O, B, e),
                         0);
        ck_assert(arb_is_zero(&fv->b));
    }
    cpwl_val_vec_clear(Wv, 24, B);
    cpwl_val_vec_clear(ev, 6, B);
    cpwl_val_vec_clear(fv, 1, B);
    cpwl_val_vec_clear(gv, 24, B);
    cpwl_val_vec_clear(Lv, 1, B);
    cpwl_val_vec_clear(Gv, 24, B);
    cpwl_arith_clear(B);
    cpwl_objective_clear(O);
    cpwl_codes_clear(C);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 6);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* 41664 codes of 16 coordinates: past the objective's cache of y = A x,
   so the codes are read at each evaluation (the iterator for all terms,
   random access for some): the same numbers. */
START_TEST(test_objective_uncached)
{
    static const slong terms[4] = {41663, 0, 20000, 41663};
    slong h, n, i, t, k;
    fmpq_mat_t A, W;
    fmpq *eps, *GW, *GW2, *x;
    fmpq_t L, L2, p, d;
    fmpz_t idx;
    cpwl_objective_t O;
    cpwl_codes_t C;
    cpwl_arith_t Q, F;
    cpwl_val_ptr xv, fv, gv, xf, ef, ff, gf, Lf, Gf;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    uint64_t st = 3;

    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    fmpq_init(L2);
    fmpq_init(p);
    fmpq_init(d);
    fmpz_init(idx);
    ck_assert_int_eq(cpwl_dict_gen_str(A, "union:n=16;bases=4", 1, e), 0);
    n = fmpq_mat_nrows(A);
    h = fmpq_mat_ncols(A);
    fmpq_set_si(d, 1, 10);
    cpwl_ae_perturb(W, A, d, 8, &st);
    eps = _fmpq_vec_init(h);
    GW = _fmpq_vec_init(h * n);
    GW2 = _fmpq_vec_init(h * n);
    x = _fmpq_vec_init(h);
    for (i = 0; i < h; i++)
        fmpq_set_si(eps + i, 1, 3);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_set_supports(C, h, 3, eps, NULL, 1, e), 0);
    ck_assert_int_eq(cpwl_ae_objective_init(O, A, C, eps, 0, e), 0);
    ck_assert_int_eq(O->nterms, 41664);

    /* some terms, exactly */
    cpwl_arith_init_exact(Q);
    xv = cpwl_val_vec_init(h * n, Q);
    fv = cpwl_val_vec_init(1, Q);
    gv = cpwl_val_vec_init(h * n, Q);
    for (i = 0; i < h * n; i++)
        cpwl_val_set_fmpq(xv + i, fmpq_mat_entry(W, i / n, i % n), Q);
    ck_assert_int_eq(cpwl_objective_eval(fv, gv, xv, terms, 4, 1, O, Q, e),
                     0);
    fmpq_zero(L);
    vec_zero(GW, h * n);
    for (t = 0; t < 4; t++)
    {
        fmpz_set_si(idx, terms[t]);
        cpwl_codes_get(x, p, NULL, &k, C, idx);
        one_code_expect(L2, GW2, W, eps, A, x);
        fmpq_addmul(L, L2, p);
        for (i = 0; i < h * n; i++)
            fmpq_addmul(GW + i, GW2 + i, p);
    }
    ck_assert(fmpq_equal(&fv->q, L));
    for (i = 0; i < h * n; i++)
        ck_assert(fmpq_equal(&gv[i].q, GW + i));

    /* all terms in binary64: cpwl_ae_expect_val's numbers */
    cpwl_arith_init_float(F, CPWL_IEEE_BINARY64, 0, 0);
    xf = cpwl_val_vec_init(h * n, F);
    ef = cpwl_val_vec_init(h, F);
    ff = cpwl_val_vec_init(1, F);
    gf = cpwl_val_vec_init(h * n, F);
    Lf = cpwl_val_vec_init(1, F);
    Gf = cpwl_val_vec_init(h * n, F);
    enter(xf, ef, W, eps, F);
    ck_assert_int_eq(cpwl_objective_eval(ff, gf, xf, NULL, 0, 1, O, F, e), 0);
    ck_assert_int_eq(cpwl_ae_expect_val(Lf, Gf, NULL, xf, ef, A, C, 0, NULL,
                                        NULL, NULL, NULL, F, pred, e), 0);
    ck_assert(ff->d == Lf->d && ff->d > 0);
    for (i = 0; i < h * n; i++)
        ck_assert(gf[i].d == Gf[i].d);

    cpwl_val_vec_clear(xf, h * n, F);
    cpwl_val_vec_clear(ef, h, F);
    cpwl_val_vec_clear(ff, 1, F);
    cpwl_val_vec_clear(gf, h * n, F);
    cpwl_val_vec_clear(Lf, 1, F);
    cpwl_val_vec_clear(Gf, h * n, F);
    cpwl_arith_clear(F);
    cpwl_val_vec_clear(xv, h * n, Q);
    cpwl_val_vec_clear(fv, 1, Q);
    cpwl_val_vec_clear(gv, h * n, Q);
    cpwl_arith_clear(Q);
    cpwl_objective_clear(O);
    cpwl_codes_clear(C);
    _fmpq_vec_clear(eps, h);
    _fmpq_vec_clear(GW, h * n);
    _fmpq_vec_clear(GW2, h * n);
    _fmpq_vec_clear(x, h);
    fmpq_clear(L);
    fmpq_clear(L2);
    fmpq_clear(p);
    fmpq_clear(d);
    fmpz_clear(idx);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* ---- Monte-Carlo -------------------------------------------------------- */

START_TEST(test_mc)
{
    test_rng R;
    slong h = 6, n = 4, i, j, r, s, k, N = 8, Rr = 5;
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(6), *x = _fmpq_vec_init(6);
    fmpq *y = _fmpq_vec_init(4);
    slong supp[6];
    double Wd[24], ed[6], yd[4], G[24], E[6], mean, sd, norm, want[5], m, v;
    cpwl_codes_t C;
    cpwl_err_t e;
    uint64_t seed, state;
    fmpq_t q;
    const char *one = "p,x1,x2,x3,x4,x5,x6\n1,3/2,0,0,1/2,5/4,0\n";
    const char *two = "p,x1,x2,x3,x4,x5,x6\n1/2,1,0,0,0,1,0\n"
        "1/2,1,0,0,0,0,0\n";

    seed = test_seed(0xae06);
    R.s = seed;
    cpwl_err_init(e);
    fmpq_init(q);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    example_dict(A);

    /* one code: every repeat is that code's gradient norm in binary64 (N
       = 2 draws, R = 2 repeats: the sum of two equal doubles and the
       halving are exact; 3 x / 3 need not be x) */
    transpose(W, A);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
        {
            fmpq_set_si(q, test_range(&R, -3, 3), 64);
            fmpq_add(fmpq_mat_entry(W, i, j), fmpq_mat_entry(W, i, j), q);
            Wd[i * n + j] = fmpq_get_d(fmpq_mat_entry(W, i, j));
        }
    for (i = 0; i < h; i++)
    {
        fmpq_set_si(eps + i, test_range(&R, 1, 15), 16);
        ed[i] = fmpq_get_d(eps + i);
    }
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_read_str(C, one, strlen(one), "one", 6, e),
                     0);
    set_list(x, "3/2,0,0,1/2,5/4,0", 6);
    cpwl_dict_apply(y, A, x);
    for (j = 0; j < n; j++)
        yd[j] = fmpq_get_d(y + j);
    plain_sample(G, E, Wd, ed, yd, h, n, 0);
    norm = G[0] * G[0];
    for (i = 1; i < h * n; i++)
        norm = norm + G[i] * G[i];
    norm = sqrt(norm);
    ck_assert(norm > 0);
    ck_assert_int_eq(cpwl_ae_mc_grad_norm(&mean, &sd, W, eps, A, C, 0, 2, 2,
                                          seed, NULL, e), 0);
    ck_assert_msg(mean == norm, "mean %a, norm %a", mean, norm);
    ck_assert(sd == 0.0);
    cpwl_codes_clear(C);

    /* two codes: at W = A^T, eps = 1/2 the example's code has gradient 0
       and e1's has norm 3/4, so a repeat's norm is (3/4) m / N for m
       draws of e1: the counts of a replay of the seeded draws */
    transpose(W, A);
    for (i = 0; i < h; i++)
        fmpq_set_si(eps + i, 1, 2);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_read_str(C, two, strlen(two), "two", 6, e), 0);
    state = seed;
    for (r = 0; r < Rr; r++)
    {
        slong cnt = 0;
        for (s = 0; s < N; s++)
        {
            cpwl_codes_draw(x, supp, &k, C, &state);
            cnt += k == 1;
        }
        want[r] = 0.75 * (double) cnt / (double) N;
    }
    ck_assert_int_eq(cpwl_ae_mc_grad_norm(&mean, &sd, W, eps, A, C, 0, N, Rr,
                                          seed, NULL, e), 0);
    for (r = 0, m = 0; r < Rr; r++)
        m += want[r];
    m /= (double) Rr;
    for (r = 0, v = 0; r < Rr; r++)
        v += (want[r] - m) * (want[r] - m);
    v = sqrt(v / (double) (Rr - 1));
    ck_assert_msg(mean == m, "mean %a, replay %a", mean, m);
    ck_assert_msg(sd == v, "sd %a, replay %a", sd, v);
    ck_assert(sd > 0);
    /* no draw */
    ck_assert_int_eq(cpwl_ae_mc_grad_norm(&mean, &sd, W, eps, A, C, 0, 0, 1,
                                          seed, NULL, e), 1);
    cpwl_codes_clear(C);

    fmpq_clear(q);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 6);
    _fmpq_vec_clear(x, 6);
    _fmpq_vec_clear(y, 4);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_norms_perturb)
{
    fmpq *v = _fmpq_vec_init(3);
    fmpq_t r, d, s;
    fmpq_mat_t A, W;
    arb_t b;
    uint64_t st = 7;
    slong i, j;

    fmpq_init(r);
    fmpq_init(d);
    fmpq_init(s);
    arb_init(b);
    /* |(1/2, -3/2, 1)|^2 = 7/2; sqrt(9/4) = 3/2 exactly */
    set_list(v, "1/2,-3/2,1", 3);
    cpwl_ae_norm2(r, v, 3);
    check_q(r, "7/2", "norm2");
    fmpq_set_si(r, 9, 4);
    cpwl_ae_norm_arb(b, r, 64);
    ck_assert(arb_is_exact(b));
    arb_mul_2exp_si(b, b, 1);
    ck_assert(arb_equal_si(b, 3));
    fmpq_set_si(r, 1, 9);
    cpwl_ae_norm_arb(b, r, 64);
    fmpq_set_si(s, 1, 3);
    ck_assert(arb_contains_fmpq(b, s));
    ck_assert(arb_rel_accuracy_bits(b) >= 60);
    fmpq_set_si(r, 2, 1);
    cpwl_ae_norm_arb(b, r, 128);
    arb_sqr(b, b, 128);
    ck_assert(arb_contains_si(b, 2));

    /* |W - A^T|_F = delta exactly; the same seed the same W */
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    example_dict(A);
    fmpq_set_si(d, 1, 10);
    cpwl_ae_perturb(W, A, d, 8, &st);
    ck_assert_int_eq(fmpq_mat_nrows(W), 6);
    ck_assert_int_eq(fmpq_mat_ncols(W), 4);
    fmpq_zero(r);
    for (i = 0; i < 6; i++)
        for (j = 0; j < 4; j++)
        {
            fmpq_sub(s, fmpq_mat_entry(W, i, j), fmpq_mat_entry(A, j, i));
            fmpq_addmul(r, s, s);
        }
    check_q(r, "1/100", "|W - A^T|^2");
    {
        fmpq_mat_t W2;
        uint64_t st2 = 7;
        fmpq_mat_init(W2, 2, 2);
        cpwl_ae_perturb(W2, A, d, 8, &st2);
        ck_assert(fmpq_mat_equal(W, W2));
        ck_assert(st2 == st);
        fmpq_mat_clear(W2);
    }
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    arb_clear(b);
    fmpq_clear(r);
    fmpq_clear(d);
    fmpq_clear(s);
    _fmpq_vec_clear(v, 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("autoencoder_arith");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_arb_contains);
    tcase_add_test(tc, test_arb_undecided);
    tcase_add_test(tc, test_binary64_plain);
    tcase_add_test(tc, test_objective);
    tcase_add_test(tc, test_objective_uncached);
    tcase_add_test(tc, test_objective_prob0);
    tcase_add_test(tc, test_mc);
    tcase_add_test(tc, test_norms_perturb);
    suite_add_tcase(s, tc);
    return test_run(s);
}
