/* The autoencoder calculus (src/autoencoder/ae*.c) against values from
   elsewhere:
   - the example (n = 4, h = 6) by hand at eps = 1/2, 1, 3/2, 1/4
     and at a perturbed W;
   - the gradient in W and in eps against exact finite differences of an
     independent forward pass in the test: on an interval where no z_i
     changes sign, L(W + sD) is a polynomial of degree 4 in s (W is tied),
     so the central difference is L'(0) + c t^2 and Richardson's
     (4 D(t) - D(2t)) / 3 is L'(0) exactly; for single samples and for
     expectations (the sum of per-code differences, and a per-code loop);
   - Ctrl-C before the first code, W of the wrong size.
   Other arithmetics, the objective and Monte-Carlo:
   test_autoencoder_arith.c. */
#include <string.h>
#include "ae_testutil.h"

/* ---- an independent exact forward pass: the loss only ------------------ */

/* L(W, eps; y) with relu as in the model; W h x n. */
static void ref_loss(fmpq_t L, const fmpq_mat_t W, const fmpq *eps,
                     const fmpq *y)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j;
    fmpq *yhat = _fmpq_vec_init(n);
    fmpq_t z, t;
    fmpq_init(z);
    fmpq_init(t);
    for (i = 0; i < h; i++)
    {
        fmpq_zero(z);
        for (j = 0; j < n; j++)
            fmpq_addmul(z, fmpq_mat_entry(W, i, j), y + j);
        fmpq_sub(z, z, eps + i);
        if (fmpq_sgn(z) > 0)
            for (j = 0; j < n; j++)
                fmpq_addmul(yhat + j, fmpq_mat_entry(W, i, j), z);
    }
    fmpq_zero(L);
    for (j = 0; j < n; j++)
    {
        fmpq_sub(t, yhat + j, y + j);
        fmpq_addmul(L, t, t);
    }
    fmpq_div_2exp(L, L, 1);
    fmpq_clear(z);
    fmpq_clear(t);
    _fmpq_vec_clear(yhat, n);
}

/* min over i of the sign of z_i(s) = (W + s DW)_i y - eps_i - s deps_i,
   checked at s = -2t, 0, 2t: 1 when no z_i vanishes or changes sign on
   [-2t, 2t] (z_i is affine in s). */
static int no_kink(const fmpq_mat_t W, const fmpq_mat_t DW, const fmpq *eps,
                   const fmpq *deps, const fmpq *y, const fmpq_t t)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j, k;
    fmpq_t z, s, c;
    int ok = 1;
    fmpq_init(z);
    fmpq_init(s);
    fmpq_init(c);
    for (i = 0; i < h && ok; i++)
    {
        int sg[3];
        for (k = 0; k < 3; k++)
        {
            fmpq_mul_si(s, t, 2 * (k - 1));
            fmpq_zero(z);
            for (j = 0; j < n; j++)
            {
                fmpq_mul(c, s, fmpq_mat_entry(DW, i, j));
                fmpq_add(c, c, fmpq_mat_entry(W, i, j));
                fmpq_addmul(z, c, y + j);
            }
            fmpq_sub(z, z, eps + i);
            fmpq_submul(z, s, deps + i);
            sg[k] = fmpq_sgn(z);
        }
        ok = sg[0] != 0 && sg[0] == sg[1] && sg[1] == sg[2];
    }
    fmpq_clear(z);
    fmpq_clear(s);
    fmpq_clear(c);
    return ok;
}

/* L at (W + s DW, eps + s deps). */
static void ref_loss_at(fmpq_t L, const fmpq_mat_t W, const fmpq_mat_t DW,
                        const fmpq *eps, const fmpq *deps, const fmpq *y,
                        const fmpq_t s)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j;
    fmpq_mat_t Ws;
    fmpq *es = _fmpq_vec_init(h);
    fmpq_mat_init(Ws, h, n);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
        {
            fmpq_mul(fmpq_mat_entry(Ws, i, j), s, fmpq_mat_entry(DW, i, j));
            fmpq_add(fmpq_mat_entry(Ws, i, j), fmpq_mat_entry(Ws, i, j),
                     fmpq_mat_entry(W, i, j));
        }
        fmpq_mul(es + i, s, deps + i);
        fmpq_add(es + i, es + i, eps + i);
    }
    ref_loss(L, Ws, es, y);
    fmpq_mat_clear(Ws);
    _fmpq_vec_clear(es, h);
}

/* The directional derivative of L along (DW, deps) by Richardson on
   central differences, with t halved from 1/4 until no z_i changes sign
   on [-2t, 2t].  Returns 0 when no such t >= 2^-40 was found (a kink at
   the point itself). */
static int fd_deriv(fmpq_t d, const fmpq_mat_t W, const fmpq_mat_t DW,
                    const fmpq *eps, const fmpq *deps, const fmpq *y)
{
    fmpq_t t, s, Lp, Lm, D1, D2;
    slong k;
    int ok = 0;
    fmpq_init(t);
    fmpq_init(s);
    fmpq_init(Lp);
    fmpq_init(Lm);
    fmpq_init(D1);
    fmpq_init(D2);
    fmpq_set_si(t, 1, 4);
    for (k = 0; k < 40; k++, fmpq_div_2exp(t, t, 1))
        if (no_kink(W, DW, eps, deps, y, t))
        {
            ok = 1;
            break;
        }
    if (ok)
    {
        /* D(t) and D(2t) */
        ref_loss_at(Lp, W, DW, eps, deps, y, t);
        fmpq_neg(s, t);
        ref_loss_at(Lm, W, DW, eps, deps, y, s);
        fmpq_sub(D1, Lp, Lm);
        fmpq_div(D1, D1, t);
        fmpq_div_2exp(D1, D1, 1);
        fmpq_mul_2exp(s, t, 1);
        ref_loss_at(Lp, W, DW, eps, deps, y, s);
        fmpq_neg(s, s);
        ref_loss_at(Lm, W, DW, eps, deps, y, s);
        fmpq_sub(D2, Lp, Lm);
        fmpq_div(D2, D2, t);
        fmpq_div_2exp(D2, D2, 2);
        fmpz_t three;
        fmpz_init_set_ui(three, 3);
        fmpq_mul_si(d, D1, 4);
        fmpq_sub(d, d, D2);
        fmpq_div_fmpz(d, d, three);
        fmpz_clear(three);
    }
    fmpq_clear(t);
    fmpq_clear(s);
    fmpq_clear(Lp);
    fmpq_clear(Lm);
    fmpq_clear(D1);
    fmpq_clear(D2);
    return ok;
}

/* ---- the example ------------------------------------------------ */

START_TEST(test_example)
{
    fmpq_mat_t A, W;
    fmpq *y = _fmpq_vec_init(4), *eps = _fmpq_vec_init(6);
    sample_out o;
    slong i, rd;
    fmpq_t s;

    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(s);
    example_dict(A);
    transpose(W, A);
    set_list(y, "3/2,1/2,1/2,1/2", 4);
    out_init(&o, 6, 4);

    /* eps = 1/2: support {1, 5}, perfect reconstruction, gradient 0 with
       either relu'(0) (z = 0 on the other four) */
    for (rd = 0; rd <= 1; rd++)
    {
        for (i = 0; i < 6; i++)
            fmpq_set_si(eps + i, 1, 2);
        exact_sample(&o, W, eps, y, (int) rd);
        check_vec(o.z, "1,0,0,0,1,0", 6, "z at eps 1/2");
        check_vec(o.r, "1,0,0,0,1,0", 6, "r at eps 1/2");
        for (i = 0; i < 6; i++)
            ck_assert_int_eq(o.act[i], (i == 0 || i == 4) ? 1 : (int) rd);
        check_vec(o.yhat, "3/2,1/2,1/2,1/2", 4, "yhat at eps 1/2");
        check_q(o.L, "0", "L at eps 1/2");
        check_vec(o.GW, "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
                  24, "dL/dW at eps 1/2");
        check_vec(o.Geps, "0,0,0,0,0,0", 6, "dL/deps at eps 1/2");
    }

    /* eps = 1 by hand: r = (1/2,0,0,0,1/2,0), e = -y/2, L = 3/8,
       u_1 = u_5 = -3/4, rows 1 and 5 of dL/dW = -y, dL/deps 3/4 */
    for (i = 0; i < 6; i++)
        fmpq_one(eps + i);
    exact_sample(&o, W, eps, y, 0);
    check_vec(o.r, "1/2,0,0,0,1/2,0", 6, "r at eps 1");
    check_vec(o.e, "-3/4,-1/4,-1/4,-1/4", 4, "e at eps 1");
    check_q(o.L, "3/8", "L at eps 1");
    check_vec(o.GW, "-3/2,-1/2,-1/2,-1/2,0,0,0,0,0,0,0,0,0,0,0,0,"
              "-3/2,-1/2,-1/2,-1/2,0,0,0,0", 24, "dL/dW at eps 1");
    check_vec(o.Geps, "3/4,0,0,0,3/4,0", 6, "dL/deps at eps 1");
    /* the scalar derivative (eps - 1/2) |y|^2 = 3/2 */
    fmpq_zero(s);
    for (i = 0; i < 6; i++)
        fmpq_add(s, s, o.Geps + i);
    check_q(s, "3/2", "dL/deps (scalar) at eps 1");
    ck_assert(act_is(&o, "100010"));

    /* eps = 3/2: nothing active, yhat = 0, L = |y|^2 / 2 = 3/2 */
    for (i = 0; i < 6; i++)
        fmpq_set_si(eps + i, 3, 2);
    exact_sample(&o, W, eps, y, 0);
    check_vec(o.r, "0,0,0,0,0,0", 6, "r at eps 3/2");
    check_q(o.L, "3/2", "L at eps 3/2");
    check_vec(o.Geps, "0,0,0,0,0,0", 6, "dL/deps at eps 3/2");

    /* eps = 1/4: all active, yhat = (2, 3/4, 1, 3/4), L = 5/16 */
    for (i = 0; i < 6; i++)
        fmpq_set_si(eps + i, 1, 4);
    exact_sample(&o, W, eps, y, 0);
    ck_assert(act_is(&o, "111111"));
    check_vec(o.yhat, "2,3/4,1,3/4", 4, "yhat at eps 1/4");
    check_q(o.L, "5/16", "L at eps 1/4");

    /* a perturbed W by hand: row 1 = (1, 1, 0, 0), eps = 1:
       z = (1, -1/2, -1/2, -1/2, 1/2, -1/2), yhat = (5/4, 5/4, 1/4, 1/4),
       e = (-1/4, 3/4, -1/4, -1/4), L = 3/8, u_1 = 1/2, u_5 = 0 */
    fmpq_one(fmpq_mat_entry(W, 0, 1));
    for (i = 0; i < 6; i++)
        fmpq_one(eps + i);
    exact_sample(&o, W, eps, y, 0);
    check_vec(o.z, "1,-1/2,-1/2,-1/2,1/2,-1/2", 6, "z, perturbed");
    check_vec(o.e, "-1/4,3/4,-1/4,-1/4", 4, "e, perturbed");
    check_q(o.L, "3/8", "L, perturbed");
    check_vec(o.GW, "1/2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
              "-1/8,3/8,-1/8,-1/8,0,0,0,0", 24, "dL/dW, perturbed");
    check_vec(o.Geps, "-1/2,0,0,0,0,0", 6, "dL/deps, perturbed");

    out_clear(&o);
    fmpq_clear(s);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(y, 4);
    _fmpq_vec_clear(eps, 6);
}
END_TEST

static void random_dir(fmpq_mat_t D, fmpq *deps, test_rng *R)
{
    slong i, j;
    for (i = 0; i < fmpq_mat_nrows(D); i++)
    {
        for (j = 0; j < fmpq_mat_ncols(D); j++)
            fmpq_set_si(fmpq_mat_entry(D, i, j), test_range(R, -4, 4), 4);
        fmpq_set_si(deps + i, test_range(R, -4, 4), 4);
    }
}

/* <GW, D> + <Geps, deps> */
static void pair(fmpq_t r, const fmpq *GW, const fmpq *Geps,
                 const fmpq_mat_t D, const fmpq *deps)
{
    slong h = fmpq_mat_nrows(D), n = fmpq_mat_ncols(D), i, j;
    fmpq_zero(r);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            fmpq_addmul(r, GW + i * n + j, fmpq_mat_entry(D, i, j));
        if (deps != NULL)
            fmpq_addmul(r, Geps + i, deps + i);
    }
}

START_TEST(test_fd_sample)
{
    test_rng R;
    slong it, iters = test_iters(40), ran = 0, i, j, c;
    fmpq_mat_t A, W, D, Z;
    fmpq *eps = _fmpq_vec_init(8), *deps = _fmpq_vec_init(8);
    fmpq *zero = _fmpq_vec_init(8), *y = _fmpq_vec_init(4);
    fmpq_t g, d;
    sample_out o;

    R.s = test_seed(0xae01);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(g);
    fmpq_init(d);
    for (it = 0; it < iters; it++)
    {
        slong h, n;
        if (it % 2 == 0)
            example_dict(A);
        else
            union_dict(A);
        h = fmpq_mat_ncols(A);
        n = fmpq_mat_nrows(A);
        random_point(W, eps, A, &R);
        random_y(y, A, test_range(&R, 1, 3), &R);
        out_init(&o, h, n);
        exact_sample(&o, W, eps, y, (int) (it & 2) >> 1);
        fmpq_mat_init(D, h, n);
        fmpq_mat_init(Z, h, n);
        /* a random direction in (W, eps), in W only, in eps only */
        random_dir(D, deps, &R);
        for (c = 0; c < 3; c++)
        {
            const fmpq_mat_struct *DW = c == 2 ? Z : D;
            const fmpq *de = c == 1 ? zero : deps;
            if (!fd_deriv(d, W, DW, eps, de, y))
                continue;
            pair(g, o.GW, o.Geps, DW, de);
            if (!fmpq_equal(g, d))
                ck_abort_msg("iteration %ld, direction %ld: <grad, D> "
                             "differs from the finite difference", (long) it,
                             (long) c);
            ran++;
        }
        /* single entries */
        for (c = 0; c < 3; c++)
        {
            i = test_range(&R, 0, h - 1);
            j = test_range(&R, 0, n - 1);
            fmpq_one(fmpq_mat_entry(Z, i, j));
            if (fd_deriv(d, W, Z, eps, zero, y))
            {
                ck_assert_msg(fmpq_equal(d, o.GW + i * n + j), "iteration "
                              "%ld: dL/dW_%ld%ld", (long) it, (long) i + 1,
                              (long) j + 1);
                ran++;
            }
            fmpq_zero(fmpq_mat_entry(Z, i, j));
            fmpq_one(deps + i);
            for (j = 0; j < h; j++)
                if (j != i)
                    fmpq_zero(deps + j);
            if (fd_deriv(d, W, Z, eps, deps, y))
            {
                ck_assert_msg(fmpq_equal(d, o.Geps + i), "iteration %ld: "
                              "dL/deps_%ld", (long) it, (long) i + 1);
                ran++;
            }
        }
        fmpq_mat_clear(D);
        fmpq_mat_clear(Z);
        out_clear(&o);
    }
    /* the kinks are avoided by construction: every check ran */
    ck_assert_int_eq(ran, 9 * iters);
    fmpq_clear(g);
    fmpq_clear(d);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 8);
    _fmpq_vec_clear(deps, 8);
    _fmpq_vec_clear(zero, 8);
    _fmpq_vec_clear(y, 4);
}
END_TEST

/* The codes of supports:k=2 with values 1, 2 and probabilities probs
   (NULL: uniform), for h atoms. */
static void ref_expect(fmpq_t L, fmpq *GW, fmpq *Geps, const fmpq_mat_t W,
                       const fmpq *eps, const fmpq_mat_t A,
                       const cpwl_codes_t C, int relu_d0)
{
    slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A), i;
    fmpq *y = _fmpq_vec_init(n);
    cpwl_codes_iter_t it;
    sample_out o;
    out_init(&o, h, n);
    fmpq_zero(L);
    vec_zero(GW, h * n);
    vec_zero(Geps, h);
    cpwl_codes_iter_init(it, C);
    while (cpwl_codes_iter_next(it, C))
    {
        cpwl_dict_apply(y, A, it->x);
        exact_sample(&o, W, eps, y, relu_d0);
        fmpq_addmul(L, o.L, it->p);
        for (i = 0; i < h * n; i++)
            fmpq_addmul(GW + i, o.GW + i, it->p);
        for (i = 0; i < h; i++)
            fmpq_addmul(Geps + i, o.Geps + i, it->p);
    }
    cpwl_codes_iter_clear(it, C);
    out_clear(&o);
    _fmpq_vec_clear(y, n);
}

START_TEST(test_fd_expect)
{
    test_rng R;
    slong it, h, n, i;
    fmpq_mat_t A, W, D, Z;
    fmpq *eps = _fmpq_vec_init(8), *deps = _fmpq_vec_init(8);
    fmpq *zero = _fmpq_vec_init(8), *y = _fmpq_vec_init(4);
    fmpq *GW, *Geps, *GW2, *Geps2;
    fmpq_t L, L2, g, d, fd;
    fmpz_t done, count;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;

    R.s = test_seed(0xae02);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    fmpq_init(L2);
    fmpq_init(g);
    fmpq_init(d);
    fmpq_init(fd);
    fmpz_init(done);
    fmpz_init(count);
    for (it = 0; it < 4; it++)
    {
        cpwl_codes_iter_t ci;
        if (it % 2 == 0)
            example_dict(A);
        else
            union_dict(A);
        h = fmpq_mat_ncols(A);
        n = fmpq_mat_nrows(A);
        cpwl_codes_init(C);
        /* equal probabilities (one multiplication at the end) and not */
        codes_k2(C, h, it < 2 ? NULL : "1/3,2/3");
        random_point(W, eps, A, &R);
        GW = _fmpq_vec_init(h * n);
        Geps = _fmpq_vec_init(h);
        GW2 = _fmpq_vec_init(h * n);
        Geps2 = _fmpq_vec_init(h);
        ck_assert_int_eq(cpwl_ae_expect(L, GW, Geps, W, eps, A, C, 0, done,
                                        NULL, NULL, NULL, pred, e), 0);
        cpwl_codes_count(count, C);
        ck_assert(fmpz_equal(done, count));
        /* the per-code loop in the test */
        ref_expect(L2, GW2, Geps2, W, eps, A, C, 0);
        ck_assert(fmpq_equal(L, L2));
        ck_assert(vec_equal(GW, GW2, h * n));
        ck_assert(vec_equal(Geps, Geps2, h));

        /* the sum of per-code finite differences */
        fmpq_mat_init(D, h, n);
        fmpq_mat_init(Z, h, n);
        random_dir(D, deps, &R);
        for (i = 0; i < 2; i++)
        {
            const fmpq_mat_struct *DW = i == 1 ? Z : D;
            fmpq_zero(fd);
            cpwl_codes_iter_init(ci, C);
            while (cpwl_codes_iter_next(ci, C))
            {
                cpwl_dict_apply(y, A, ci->x);
                ck_assert(fd_deriv(d, W, DW, eps, deps, y));
                fmpq_addmul(fd, d, ci->p);
            }
            cpwl_codes_iter_clear(ci, C);
            pair(g, GW, Geps, DW, deps);
            ck_assert_msg(fmpq_equal(g, fd), "dictionary %ld, direction %ld: "
                          "<E grad, D> differs from E of the finite "
                          "differences", (long) it, (long) i);
        }
        (void) zero;
        fmpq_mat_clear(D);
        fmpq_mat_clear(Z);
        _fmpq_vec_clear(GW, h * n);
        _fmpq_vec_clear(Geps, h);
        _fmpq_vec_clear(GW2, h * n);
        _fmpq_vec_clear(Geps2, h);
        cpwl_codes_clear(C);
    }
    fmpq_clear(L);
    fmpq_clear(L2);
    fmpq_clear(g);
    fmpq_clear(d);
    fmpq_clear(fd);
    fmpz_clear(done);
    fmpz_clear(count);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 8);
    _fmpq_vec_clear(deps, 8);
    _fmpq_vec_clear(zero, 8);
    _fmpq_vec_clear(y, 4);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* The example's expectation: stop polled before the first code. */
START_TEST(test_stop)
{
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(6), *GW = _fmpq_vec_init(24);
    fmpq *Geps = _fmpq_vec_init(6);
    fmpq_t L;
    fmpz_t done;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    volatile sig_atomic_t stop = 1;
    slong i;

    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    fmpz_init(done);
    example_dict(A);
    transpose(W, A);
    for (i = 0; i < 6; i++)
        fmpq_one(eps + i);
    cpwl_codes_init(C);
    codes_k2(C, 6, NULL);
    fmpq_one(L);
    ck_assert_int_eq(cpwl_ae_expect(L, GW, Geps, W, eps, A, C, 0, done,
                                    &stop, NULL, NULL, pred, e), 3);
    ck_assert(fmpz_is_zero(done));
    ck_assert(fmpq_is_zero(L));
    /* W of the wrong size is refused */
    fmpq_mat_clear(W);
    fmpq_mat_init(W, 4, 6);
    ck_assert_int_eq(cpwl_ae_expect(L, GW, Geps, W, eps, A, C, 0, done,
                                    NULL, NULL, NULL, pred, e), 1);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    /* the union of the tests is module dict's union:n=4 */
    union_dict(A);
    fmpq_mat_clear(W);
    fmpq_mat_init(W, 1, 1);
    ck_assert_int_eq(cpwl_dict_gen_str(W, "union:n=4", 1, e), 0);
    ck_assert(fmpq_mat_equal(W, A));
    cpwl_codes_clear(C);
    fmpq_clear(L);
    fmpz_clear(done);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 6);
    _fmpq_vec_clear(GW, 24);
    _fmpq_vec_clear(Geps, 6);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("autoencoder");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_example);
    tcase_add_test(tc, test_fd_sample);
    tcase_add_test(tc, test_fd_expect);
    tcase_add_test(tc, test_stop);
    suite_add_tcase(s, tc);
    return test_run(s);
}
