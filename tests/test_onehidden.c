/* The one-hidden-layer objective of gradient training
   (src/optim/objective_onehidden.c): the exact gradient against exact
   central differences of an independent exact loss inside one activation
   pattern, hand kinks, Arb enclosing the exact values, and the binary64
   gradient and engine runs (gd, gd with a/sqrt(t), adam:kingma-ba, and
   cpwl_train_from) against native double loops written here in the
   documented order, bit for bit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "cpwl/train.h"
#include "cpwl/optim.h"
#include "optim/onehidden.h"
#include "testutil.h"

/* The native loops below must round like the emulated binary64: no
   contraction into FMA (GCC does not under -std=c11). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#define MAXP 64

/* ------------------------------------------------------------------------
   The objective in exact and Arb arithmetic
   ------------------------------------------------------------------------ */

/* Random small dyadic data and parameters (exact as doubles); coarse:
   halves in [-2, 2], so that exact zeros (z = 0, f = y, y f = 1) are
   frequent. */
static void rand_problem(test_rng *r, double *X, double *y, double *p,
                         slong D, slong n, slong w, int loss, int bias,
                         int coarse)
{
    slong i, k, np = w * (n + 2) + 1, a = coarse ? 4 : 12;
    double sx = coarse ? 2 : 4, sp = coarse ? 2 : 8;

    for (i = 0; i < D * n; i++)
        X[i] = (double) test_range(r, -a, a) / sx;
    for (i = 0; i < D; i++)
        y[i] = loss == 2 ? (test_next(r) & 1 ? 1.0 : -1.0)
               : (double) test_range(r, -a, a) / sx;
    for (k = 0; k < np; k++)
        p[k] = (double) test_range(r, -2 * a, 2 * a) / (2 * sp);
    if (!bias)
        p[np - 1] = 0.0;
}

/* The loss written independently, in rationals: also reports whether
   every pre-activation and (l1, hinge) every residual or margin has the
   strict signs in sig (filled when fill is set). */
static void hand_loss(fmpq_t L, int *same, signed char *sig, int fill,
                      const fmpq *p, const double *X, const double *y,
                      slong D, slong n, slong w, int loss, int bias)
{
    slong i, j, k, st = n + 2, m = 0;
    fmpq_t f, z, t, xq;

    fmpq_init(f);
    fmpq_init(z);
    fmpq_init(t);
    fmpq_init(xq);
    fmpq_zero(L);
    *same = 1;
    for (i = 0; i < D; i++)
    {
        int sg;

        if (bias)
            fmpq_set(f, p + w * st);
        else
            fmpq_zero(f);
        for (j = 0; j < w; j++)
        {
            fmpq_set(z, p + j * st + n);
            for (k = 0; k < n; k++)
            {
                cpwl_ieee_get_fmpq(xq, X[i * n + k]);
                fmpq_addmul(z, p + j * st + k, xq);
            }
            sg = fmpq_sgn(z);
            if (fill)
                sig[m] = (signed char) sg;
            *same &= sg != 0 && sg == sig[m];
            m++;
            if (sg > 0)
                fmpq_addmul(f, p + j * st + n + 1, z);
        }
        cpwl_ieee_get_fmpq(t, y[i]);
        if (loss == 2)
        {
            fmpq_mul(t, t, f);          /* margin 1 - y f */
            fmpq_neg(t, t);
            fmpq_add_si(t, t, 1);
        }
        else
            fmpq_sub(t, f, t);          /* residual f - y */
        sg = fmpq_sgn(t);
        if (loss != 0)
        {
            if (fill)
                sig[m] = (signed char) sg;
            *same &= sg != 0 && sg == sig[m];
            m++;
        }
        if (loss == 0)
            fmpq_addmul(L, t, t);
        else if (loss == 1)
            fmpq_abs(t, t), fmpq_add(L, L, t);
        else if (sg > 0)
            fmpq_add(L, L, t);
    }
    fmpq_clear(f);
    fmpq_clear(z);
    fmpq_clear(t);
    fmpq_clear(xq);
}

/* Inside one activation pattern (and one sign of every residual or
   margin) the loss is a polynomial of degree <= 2 in each single
   parameter, so the exact central difference (L(p + h) - L(p - h)) / 2h
   is its exact derivative.  The pattern is the same on [p - h, p + h]
   when every such sign is strict and the same at both ends (each is
   affine in the parameter there). */
START_TEST(test_exact_grad)
{
    test_rng r = {test_seed(0x0e11)};
    slong trial, checked = 0, skipped = 0;

    for (trial = 0; trial < test_iters(150); trial++)
    {
        double X[3 * 6], y[6], p[MAXP];
        slong n = test_range(&r, 1, 3), w = test_range(&r, 1, 3);
        slong D = test_range(&r, 1, 6), np = w * (n + 2) + 1, k;
        int loss = (int) test_range(&r, 0, 2), bias = (int) (trial & 1);
        signed char sig[64];
        cpwl_objective_t O;
        cpwl_arith_t A;
        cpwl_val_ptr x, g;
        cpwl_val_t L;
        cpwl_err_t e;
        fmpq *q;
        fmpq_t h, Lp, Lm, d, Lh;
        int same;

        rand_problem(&r, X, y, p, D, n, w, loss, bias, 0);
        ck_assert(onehidden_init(O, X, y, D, n, w, loss, bias) == 0);
        ck_assert(O->dim == np && O->nterms == D);
        cpwl_arith_init_exact(A);
        cpwl_err_init(e);
        x = cpwl_val_vec_init(np, A);
        g = cpwl_val_vec_init(np, A);
        cpwl_val_init(L, A);
        q = _fmpq_vec_init(np);
        fmpq_init(h);
        fmpq_init(Lp);
        fmpq_init(Lm);
        fmpq_init(d);
        fmpq_init(Lh);
        for (k = 0; k < np; k++)
        {
            cpwl_ieee_get_fmpq(q + k, p[k]);
            cpwl_val_set_fmpq(x + k, q + k, A);
        }
        ck_assert(O->eval(L, g, x, NULL, 0, 1, O, A, e) == 0);
        hand_loss(Lh, &same, sig, 1, q, X, y, D, n, w, loss, bias);
        ck_assert(fmpq_equal(&L->q, Lh));
        /* the loss alone agrees with the loss beside the gradient */
        ck_assert(O->eval(L, NULL, x, NULL, 0, 1, O, A, e) == 0);
        ck_assert(fmpq_equal(&L->q, Lh));
        ck_assert(fmpq_equal(&onehidden_last_loss(O)->q, Lh));

        fmpq_set_si(h, 1, 1024);
        for (k = 0; k < np; k++)
        {
            int sp, sm;

            if (!bias && k == np - 1)
            {
                ck_assert(fmpq_is_zero(&g[k].q));
                continue;
            }
            fmpq_add(q + k, q + k, h);
            hand_loss(Lp, &sp, sig, 0, q, X, y, D, n, w, loss, bias);
            fmpq_sub(q + k, q + k, h);
            fmpq_sub(q + k, q + k, h);
            hand_loss(Lm, &sm, sig, 0, q, X, y, D, n, w, loss, bias);
            fmpq_add(q + k, q + k, h);
            if (!sp || !sm)
            {
                skipped++;
                continue;
            }
            fmpq_sub(d, Lp, Lm);
            fmpq_div(d, d, h);
            fmpq_div_2exp(d, d, 1);
            ck_assert_msg(fmpq_equal(d, &g[k].q), "trial %ld loss %d "
                          "param %ld", (long) trial, loss, (long) k);
            checked++;
        }
        fmpq_clear(h);
        fmpq_clear(Lp);
        fmpq_clear(Lm);
        fmpq_clear(d);
        fmpq_clear(Lh);
        _fmpq_vec_clear(q, np);
        cpwl_val_clear(L, A);
        cpwl_val_vec_clear(x, np, A);
        cpwl_val_vec_clear(g, np, A);
        cpwl_err_clear(e);
        cpwl_arith_clear(A);
        onehidden_clear(O);
    }
    ck_assert_msg(checked >= 3 * skipped && checked >= 200,
                  "%ld checked, %ld skipped", (long) checked, (long) skipped);
}
END_TEST

/* At the kinks, by hand: x = 0, unit relu(x) (z = 0), v = 1, y = 1,
   squared loss: f = 0, dl = -2.  relu'(0) = 0: no gradient through the
   unit; relu'(0) = 1: g_b = dl v = -2, g_a = dl v x = 0, g_v = dl z = 0.
   l1 with f = y: sign(0) = 0, every entry 0; hinge at margin exactly 1 -
   y f = 0: 0. */
START_TEST(test_exact_kinks)
{
    double X[1] = { 0 }, y[1] = { 1 }, p[4] = { 1, 0, 1, 0 };
    cpwl_objective_t O;
    cpwl_arith_t A;
    cpwl_val_ptr x, g;
    cpwl_val_t L;
    cpwl_err_t e;
    fmpq_t q;
    slong k;
    int loss;

    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    fmpq_init(q);
    x = cpwl_val_vec_init(4, A);
    g = cpwl_val_vec_init(4, A);
    cpwl_val_init(L, A);
    for (loss = 0; loss < 3; loss++)
    {
        ck_assert(onehidden_init(O, X, y, 1, 1, 1, loss, 1) == 0);
        for (k = 0; k < 4; k++)
        {
            cpwl_ieee_get_fmpq(q, p[k]);
            cpwl_val_set_fmpq(x + k, q, A);
        }
        if (loss > 0)
        {
            /* c = 1: f = y, a zero residual (l1), margin 1 - 1 = 0 */
            fmpq_one(q);
            cpwl_val_set_fmpq(x + 3, q, A);
        }
        O->relu_d0 = 1;
        ck_assert(O->eval(L, g, x, NULL, 0, 1, O, A, e) == 0);
        if (loss == 0)
        {
            ck_assert(fmpq_is_one(&L->q));
            ck_assert(fmpq_equal_si(&g[1].q, -2));
            ck_assert(fmpq_is_zero(&g[0].q) && fmpq_is_zero(&g[2].q));
            ck_assert(fmpq_equal_si(&g[3].q, -2));
            O->relu_d0 = 0;
            ck_assert(O->eval(L, g, x, NULL, 0, 1, O, A, e) == 0);
            ck_assert(fmpq_is_zero(&g[1].q));
            ck_assert(fmpq_equal_si(&g[3].q, -2));
        }
        else
        {
            ck_assert(fmpq_is_zero(&L->q));
            for (k = 0; k < 4; k++)
                ck_assert(fmpq_is_zero(&g[k].q));
        }
        /* one exact decision per unit and per point, two for l1/hinge */
        ck_assert(O->pred->by_exact >= 1);
        onehidden_clear(O);
    }
    cpwl_val_clear(L, A);
    cpwl_val_vec_clear(x, 4, A);
    cpwl_val_vec_clear(g, 4, A);
    fmpq_clear(q);
    cpwl_err_clear(e);
}
END_TEST

/* Arb at 64 bits encloses the exact loss and gradient; a pre-activation
   that is 0 exactly but enters as a ball (a = 1/3, x = 3, b = -1) cannot
   be decided: eval returns 2. */
START_TEST(test_arb_encloses)
{
    test_rng r = {test_seed(0xa7b)};
    slong trial, decided = 0;

    for (trial = 0; trial < test_iters(60); trial++)
    {
        double X[2 * 5], y[5], p[MAXP];
        slong n = test_range(&r, 1, 2), w = test_range(&r, 1, 3);
        slong D = test_range(&r, 1, 5), np = w * (n + 2) + 1, k;
        int loss = (int) test_range(&r, 0, 2), bias = (int) (trial & 1);
        cpwl_objective_t O;
        cpwl_arith_t Q, B;
        cpwl_val_ptr xq, gq, xb, gb;
        cpwl_val_t Lq, Lb;
        cpwl_err_t e;
        fmpq_t q;
        int ret;

        rand_problem(&r, X, y, p, D, n, w, loss, bias, 0);
        /* odd numerators over 3: no pre-activation is exactly a double */
        for (k = 0; k < np; k++)
            p[k] = (double) (2 * test_range(&r, -8, 8) + 1);
        if (!bias)
            p[np - 1] = 0.0;
        ck_assert(onehidden_init(O, X, y, D, n, w, loss, bias) == 0);
        cpwl_arith_init_exact(Q);
        cpwl_arith_init_arb(B, 64);
        cpwl_err_init(e);
        fmpq_init(q);
        xq = cpwl_val_vec_init(np, Q);
        gq = cpwl_val_vec_init(np, Q);
        xb = cpwl_val_vec_init(np, B);
        gb = cpwl_val_vec_init(np, B);
        cpwl_val_init(Lq, Q);
        cpwl_val_init(Lb, B);
        for (k = 0; k < np; k++)
        {
            fmpq_set_si(q, (slong) p[k], 3);
            if (!bias && k == np - 1)
                fmpq_zero(q);
            cpwl_val_set_fmpq(xq + k, q, Q);
            cpwl_val_set_fmpq(xb + k, q, B);
        }
        ck_assert(O->eval(Lq, gq, xq, NULL, 0, 1, O, Q, e) == 0);
        ret = O->eval(Lb, gb, xb, NULL, 0, 1, O, B, e);
        if (ret == 0)
        {
            ck_assert(arb_contains_fmpq(&Lb->b, &Lq->q));
            for (k = 0; k < np; k++)
                ck_assert(arb_contains_fmpq(&gb[k].b, &gq[k].q));
            /* the exact value again: the cache follows the arithmetic */
            ck_assert(O->eval(Lq, NULL, xq, NULL, 0, 1, O, Q, e) == 0);
            decided++;
        }
        else
            ck_assert(ret == 2);    /* an exact 0 somewhere */
        cpwl_val_clear(Lq, Q);
        cpwl_val_clear(Lb, B);
        cpwl_val_vec_clear(xq, np, Q);
        cpwl_val_vec_clear(gq, np, Q);
        cpwl_val_vec_clear(xb, np, B);
        cpwl_val_vec_clear(gb, np, B);
        fmpq_clear(q);
        cpwl_err_clear(e);
        onehidden_clear(O);
    }
    ck_assert(decided >= test_iters(60) / 2);

    {
        double X[1] = { 3 }, y[1] = { 1 };
        cpwl_objective_t O;
        cpwl_arith_t B;
        cpwl_val_ptr x;
        cpwl_val_t L;
        cpwl_err_t e;
        fmpq_t q;

        ck_assert(onehidden_init(O, X, y, 1, 1, 1, 0, 0) == 0);
        cpwl_arith_init_arb(B, 64);
        cpwl_err_init(e);
        fmpq_init(q);
        x = cpwl_val_vec_init(4, B);
        cpwl_val_init(L, B);
        fmpq_set_si(q, 1, 3);
        cpwl_val_set_fmpq(x + 0, q, B);
        cpwl_val_set_si(x + 1, -1, B);
        cpwl_val_set_si(x + 2, 1, B);
        ck_assert(O->eval(L, NULL, x, NULL, 0, 1, O, B, e) == 2);
        ck_assert(strstr(e->msg, "cannot decide") != NULL);
        cpwl_val_clear(L, B);
        cpwl_val_vec_clear(x, 4, B);
        fmpq_clear(q);
        cpwl_err_clear(e);
        onehidden_clear(O);
    }
}
END_TEST

/* ------------------------------------------------------------------------
   binary64: native double loops in the documented order, bit for bit
   ------------------------------------------------------------------------ */

/* The loss and gradient as docs/api/train.md orders them, in C doubles;
   terms (NULL: all points) as the objective takes them. */
static double native_grad(double *g, const double *p, const double *X,
                          const double *y, slong D, slong n, slong w,
                          int loss, int bias, int relu_d0,
                          const slong *terms, slong nterms)
{
    slong st = n + 2, np = w * st + 1, ii, j, k;
    double L = 0.0, z[8];
    int act[8];

    for (k = 0; k < np; k++)
        g[k] = 0.0;
    for (ii = 0; ii < (terms == NULL ? D : nterms); ii++)
    {
        slong i = terms == NULL ? ii : terms[ii];
        const double *x = X + i * n;
        double f = bias ? p[w * st] : 0.0, r, dl;

        for (j = 0; j < w; j++)
        {
            z[j] = p[j * st + n];
            for (k = 0; k < n; k++)
                z[j] = z[j] + p[j * st + k] * x[k];
            act[j] = z[j] > 0 || (z[j] == 0 && relu_d0);
            if (z[j] > 0)
                f = f + p[j * st + n + 1] * z[j];
        }
        if (loss == 0)
        {
            r = f - y[i];
            L = L + r * r;
            dl = 2 * r;
        }
        else if (loss == 1)
        {
            r = f - y[i];
            L = L + fabs(r);
            dl = r > 0 ? 1.0 : (r < 0 ? -1.0 : 0.0);
        }
        else
        {
            r = 1 - y[i] * f;
            L = L + (r > 0 ? r : 0.0);
            dl = r > 0 ? -y[i] : 0.0;
        }
        if (dl == 0)
            continue;
        for (j = 0; j < w; j++)
        {
            double s;

            if (!act[j])
                continue;
            s = dl * p[j * st + n + 1];
            for (k = 0; k < n; k++)
                g[j * st + k] = g[j * st + k] + s * x[k];
            g[j * st + n] = g[j * st + n] + s;
            g[j * st + n + 1] = g[j * st + n + 1] + dl * z[j];
        }
        if (bias)
            g[w * st] = g[w * st] + dl;
    }
    return L;
}


/* The objective in binary64, generic (a call per operation) and native,
   against the loop above: the same bits, on random doubles, with every
   relu'(0) and random term lists. */
START_TEST(test_binary64_grad)
{
    test_rng r = {test_seed(0xb64)};
    slong trial;

    for (trial = 0; trial < test_iters(300); trial++)
    {
        double X[3 * 8], y[8], p[MAXP], gn[MAXP], Ln;
        slong n = test_range(&r, 1, 3), w = test_range(&r, 1, 4);
        slong D = test_range(&r, 1, 8), np = w * (n + 2) + 1, i, k;
        slong terms[12], nt = test_range(&r, 1, 12);
        int loss = (int) test_range(&r, 0, 2), bias = (int) (trial & 1);
        int relu_d0 = (int) ((trial >> 1) & 1), generic, sub;
        cpwl_objective_t O;
        cpwl_arith_t A;
        cpwl_val_ptr x, g;
        cpwl_val_t L;
        cpwl_err_t e;

        /* small dyadic values for a third of the trials: exact zeros
           (z = 0, a zero residual, a margin of exactly 1) occur */
        if (trial % 3 == 0)
            rand_problem(&r, X, y, p, D, n, w, loss, bias, 1);
        else
        {
            for (i = 0; i < D; i++)
            {
                for (k = 0; k < n; k++)
                    X[i * n + k] = test_unif(&r, -3, 3);
                y[i] = loss == 2 ? (test_next(&r) & 1 ? 1.0 : -1.0)
                       : test_unif(&r, -3, 3);
            }
            for (k = 0; k < np; k++)
                p[k] = test_unif(&r, -2, 2);
            if (!bias)
                p[np - 1] = 0.0;
        }
        for (i = 0; i < nt; i++)
            terms[i] = test_range(&r, 0, D - 1);

        ck_assert(onehidden_init(O, X, y, D, n, w, loss, bias) == 0);
        O->relu_d0 = relu_d0;
        cpwl_arith_init_float(A, CPWL_IEEE_BINARY64, 0, 0);
        cpwl_err_init(e);
        x = cpwl_val_vec_init(np, A);
        g = cpwl_val_vec_init(np, A);
        cpwl_val_init(L, A);
        for (k = 0; k < np; k++)
            x[k].d = p[k];
        for (sub = 0; sub < 2; sub++)
        {
            Ln = native_grad(gn, p, X, y, D, n, w, loss, bias, relu_d0,
                             sub ? terms : NULL, nt);
            for (generic = 0; generic < 2; generic++)
            {
                onehidden_set_generic(O, generic);
                ck_assert(O->eval(L, g, x, sub ? terms : NULL, nt, 1, O, A,
                                  e) == 0);
                ck_assert_msg(memcmp(&L->d, &Ln, sizeof(double)) == 0,
                              "trial %ld generic %d: loss %a, native %a",
                              (long) trial, generic, L->d, Ln);
                for (k = 0; k < np; k++)
                    ck_assert_msg(memcmp(&g[k].d, gn + k, sizeof(double))
                                  == 0, "trial %ld generic %d param %ld: "
                                  "%a, native %a", (long) trial, generic,
                                  (long) k, g[k].d, gn[k]);
            }
        }
        if (!relu_d0)
        {
            /* train's own gradient is this objective's */
            double gt[MAXP];

            Ln = native_grad(gn, p, X, y, D, n, w, loss, bias, 0, NULL, 0);
            ck_assert(cpwl_train_grad(gt, p, X, y, D, n, w, loss, bias)
                      == Ln);
            ck_assert(memcmp(gt, gn, np * sizeof(double)) == 0);
        }
        cpwl_val_clear(L, A);
        cpwl_val_vec_clear(x, np, A);
        cpwl_val_vec_clear(g, np, A);
        cpwl_err_clear(e);
        onehidden_clear(O);
    }
}
END_TEST

/* k steps of gd (constant and a/sqrt(t)) and of adam:kingma-ba, run by
   the engine in binary64 (generic objective) and by cpwl_train_from
   (native objective), against the native loops of the documented
   orders: x = x - a_t g;  m = b1 m + (1 - b1) g, v = b2 v + (1 - b2)(g g),
   p1 = b1 p1, p2 = b2 p2, x = x - (a (m / (1 - p1))) / (sqrt(v / (1 - p2))
   + eps). */
START_TEST(test_binary64_runs)
{
    test_rng r = {test_seed(0x57e9)};
    slong trial, compared = 0;

    for (trial = 0; trial < test_iters(30); trial++)
    {
        double X[2 * 10], y[10], p[MAXP], xn[MAXP], g[MAXP], m[MAXP],
            v[MAXP], pt[MAXP];
        slong n = test_range(&r, 1, 2), w = test_range(&r, 1, 4);
        slong D = test_range(&r, 3, 10), np = w * (n + 2) + 1, i, k, t;
        slong K = 40, steps;
        int loss = (int) test_range(&r, 0, 2), bias = (int) (trial & 1);
        int meth = (int) (trial % 3);   /* gd, gd decaying, adam */
        double lr = meth == 2 ? 1e-2 : 1.0 / 64, b1 = 0.9, b2 = 0.999,
            eps = 1e-8, p1 = 1, p2 = 1;
        cpwl_train_opts to;

        for (i = 0; i < D; i++)
        {
            for (k = 0; k < n; k++)
                X[i * n + k] = test_unif(&r, -2, 2);
            y[i] = loss == 2 ? (test_next(&r) & 1 ? 1.0 : -1.0)
                   : test_unif(&r, -2, 2);
        }
        for (k = 0; k < np; k++)
            p[k] = test_unif(&r, -1, 1);
        if (!bias)
            p[np - 1] = 0.0;

        /* native */
        memcpy(xn, p, np * sizeof(double));
        for (k = 0; k < np; k++)
            m[k] = v[k] = 0.0;
        for (t = 1; t <= K; t++)
        {
            native_grad(g, xn, X, y, D, n, w, loss, bias, 0, NULL, 0);
            if (meth < 2)
            {
                double a = meth == 1 ? lr / sqrt((double) t) : lr;
                for (k = 0; k < np; k++)
                    xn[k] = xn[k] - a * g[k];
                continue;
            }
            p1 = b1 * p1;
            p2 = b2 * p2;
            for (k = 0; k < np; k++)
            {
                double mh, vh;
                m[k] = b1 * m[k] + (1 - b1) * g[k];
                v[k] = b2 * v[k] + (1 - b2) * (g[k] * g[k]);
                mh = m[k] / (1 - p1);
                vh = v[k] / (1 - p2);
                xn[k] = xn[k] - lr * mh / (sqrt(vh) + eps);
            }
        }

        /* the engine with the generic objective */
        {
            cpwl_objective_t O;
            cpwl_optim_opts_t oo;
            cpwl_optim_t R;
            cpwl_arith_t A;
            cpwl_err_t e;
            fmpq *x1 = _fmpq_vec_init(np);

            ck_assert(onehidden_init(O, X, y, D, n, w, loss, bias) == 0);
            onehidden_set_generic(O, 1);
            cpwl_optim_opts_init(oo);
            cpwl_ieee_get_fmpq(oo->lr, lr);
            if (meth == 1)
                oo->schedule = CPWL_OPTIM_SCHEDULE_SQRT;
            if (meth == 2)
            {
                ck_assert(cpwl_optim_algo_from_str(oo, "adam:kingma-ba"));
                cpwl_ieee_get_fmpq(oo->beta1, b1);
                cpwl_ieee_get_fmpq(oo->beta2, b2);
                cpwl_ieee_get_fmpq(oo->eps, eps);
            }
            for (k = 0; k < np; k++)
                cpwl_ieee_get_fmpq(x1 + k, p[k]);
            cpwl_arith_init_float(A, CPWL_IEEE_BINARY64, 0, 0);
            cpwl_err_init(e);
            ck_assert(cpwl_optim_init(R, oo, O, x1, A, e) == 0);
            for (t = 1; t <= K; t++)
                ck_assert(cpwl_optim_step(R, e) == 0);
            for (k = 0; k < np; k++)
                ck_assert_msg(memcmp(&R->x[k].d, xn + k, sizeof(double))
                              == 0, "trial %ld method %d param %ld: engine "
                              "%a, native %a", (long) trial, meth, (long) k,
                              R->x[k].d, xn[k]);
            cpwl_optim_clear(R);
            cpwl_optim_opts_clear(oo);
            cpwl_err_clear(e);
            onehidden_clear(O);
            _fmpq_vec_clear(x1, np);
        }

        /* train itself */
        cpwl_train_opts_init(&to);
        to.method = meth == 2 ? CPWL_TRAIN_ADAM : CPWL_TRAIN_GD;
        to.decay = meth == 1;
        to.lr = lr;
        to.iters = K;
        to.loss = loss;
        to.output_bias = bias;
        memcpy(pt, p, np * sizeof(double));
        cpwl_train_from(pt, X, y, D, n, w, &to, &steps);
        if (steps == K)     /* no early stop */
        {
            ck_assert_msg(memcmp(pt, xn, np * sizeof(double)) == 0,
                          "trial %ld method %d", (long) trial, meth);
            compared++;
        }
    }
    ck_assert(compared >= test_iters(30) / 2);
}
END_TEST


int main(void)
{
    Suite *s = suite_create("onehidden");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_exact_grad);
    tcase_add_test(tc, test_exact_kinks);
    tcase_add_test(tc, test_arb_encloses);
    tcase_add_test(tc, test_binary64_grad);
    tcase_add_test(tc, test_binary64_runs);
    suite_add_tcase(s, tc);
    return test_run(s);
}
