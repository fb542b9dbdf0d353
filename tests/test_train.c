/* Gradient training (src/train.c) and its objective
   (src/optim/objective_onehidden.c): the exact gradient against exact
   central differences of an independent exact loss inside one activation
   pattern, Arb enclosing it, the binary64 gradient and engine runs
   against native double loops written here in the documented order (bit
   for bit), the analytic gradient against central finite differences in
   double, convergence where the optimum is known and reachable,
   bit-for-bit reproducibility, degenerate inputs, and the exact optima
   of the hand cases of ERM (docs/examples.md) as lower bounds that no
   training run may beat. */
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

/* Uniform double in [lo, hi). */
static double test_unif(test_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double) (test_next(r) >> 11) * 0x1.0p-53);
}

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

/* ------------------------------------------------------------------------
   The gradient in double against finite differences
   ------------------------------------------------------------------------ */

/* Distance of params from the nearest kink of the loss on the data: a
   pre-activation at 0, and for l1 a zero residual, for hinge a margin of
   exactly 1. */
static double kink_distance(const double *p, const double *X,
                            const double *y, slong D, slong n, slong w,
                            int loss, int bias)
{
    slong i, j, k, st = n + 2;
    double d = INFINITY;
    for (i = 0; i < D; i++)
    {
        double f = bias ? p[w * st] : 0.0;
        for (j = 0; j < w; j++)
        {
            double z = p[j * st + n];
            for (k = 0; k < n; k++)
                z += p[j * st + k] * X[i * n + k];
            d = fmin(d, fabs(z));
            if (z > 0)
                f += p[j * st + n + 1] * z;
        }
        if (loss == 1)
            d = fmin(d, fabs(f - y[i]));
        if (loss == 2)
            d = fmin(d, fabs(1.0 - y[i] * f));
    }
    return d;
}

START_TEST(test_grad_fd)
{
    test_rng r = {test_seed(0x7a11)};
    slong trial, checked = 0;

    for (trial = 0; trial < test_iters(600); trial++)
    {
        double X[3 * 8], y[8], p[MAXP], g[MAXP], q[MAXP], h = 1e-6;
        slong n = test_range(&r, 1, 3), w = test_range(&r, 1, 4);
        slong D = test_range(&r, 1, 8), np = w * (n + 2) + 1, i, k;
        int loss = (int) test_range(&r, 0, 2), bias = (int) (trial & 1);
        double L;

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
        /* Away from kinks the loss is smooth: a step of h moves every
           pre-activation and residual by far less than 1e-3. */
        if (kink_distance(p, X, y, D, n, w, loss, bias) < 1e-3)
            continue;

        L = cpwl_train_grad(g, p, X, y, D, n, w, loss, bias);
        ck_assert(L == cpwl_train_grad(NULL, p, X, y, D, n, w, loss, bias));
        for (k = 0; k < np; k++)
        {
            double lp, lm, fd;
            if (!bias && k == np - 1)
            {
                ck_assert(g[k] == 0.0);
                continue;
            }
            memcpy(q, p, np * sizeof(double));
            q[k] = p[k] + h;
            lp = cpwl_train_grad(NULL, q, X, y, D, n, w, loss, bias);
            q[k] = p[k] - h;
            lm = cpwl_train_grad(NULL, q, X, y, D, n, w, loss, bias);
            fd = (lp - lm) / (2 * h);
            ck_assert_msg(fabs(fd - g[k]) <= 1e-5 * (1 + fabs(g[k])),
                          "trial %ld loss %d param %ld: grad %.12g, "
                          "differences %.12g", (long) trial, loss,
                          (long) k, g[k], fd);
        }
        checked++;
    }
    ck_assert(checked >= 200);
}
END_TEST

/* By hand: data (-1,1), (0,0), (1,1), unit relu(x): f = (0, 0, 1), loss
   1; the only nonzero residual is at x = -1 where the unit is off, and
   at x = 0 the pre-activation is exactly 0 where relu'(0) = 0: the
   gradient is exactly 0 and training stops at once. */
START_TEST(test_grad_hand)
{
    double X[3] = { -1, 0, 1 }, y[3] = { 1, 0, 1 };
    double p[4] = { 1, 0, 1, 0 }, g[4];
    cpwl_train_opts o;
    slong steps;

    ck_assert(cpwl_train_grad(g, p, X, y, 3, 1, 1, 0, 0) == 1.0);
    ck_assert(g[0] == 0.0 && g[1] == 0.0 && g[2] == 0.0 && g[3] == 0.0);

    /* relu(x + 1) - 1 with output bias: f = (-1, 0, 1). */
    p[1] = 1;
    p[3] = -1;
    ck_assert(cpwl_train_grad(g, p, X, y, 3, 1, 1, 0, 1) == 4.0 + 0.0 + 0.0);
    /* dL/df = (-4, 0, 0); at x = -1 the unit is at 0 (off). */
    ck_assert(g[0] == 0.0 && g[1] == 0.0 && g[2] == 0.0 && g[3] == -4.0);
    /* l1 with a zero residual: sign(0) = 0. */
    ck_assert(cpwl_train_grad(g, p, X, y, 3, 1, 1, 1, 1) == 2.0);
    ck_assert(g[3] == -1.0 && g[2] == 0.0);

    cpwl_train_opts_init(&o);
    p[0] = 1;
    p[1] = 0;
    p[2] = 1;
    p[3] = 0;
    ck_assert(cpwl_train_from(p, X, y, 3, 1, 1, &o, &steps) == 1.0);
    ck_assert(steps == 0);
    ck_assert(p[0] == 1 && p[1] == 0 && p[2] == 1 && p[3] == 0);
}
END_TEST

/* ------------------------------------------------------------------------
   Convergence where the optimum is known
   ------------------------------------------------------------------------ */

/* y = 2x + 1 on x = -2..2 with one unit and an output bias: loss 0 is
   reached by c + v (a x + b) with v a = 2, c + v b = 1, the unit active
   on every point.  From an initialisation with the unit active on all
   points and v > 0 both methods must get there. */
START_TEST(test_linear_fit)
{
    double X[5] = { -2, -1, 0, 1, 2 }, y[5], p[4];
    cpwl_train_opts o;
    slong run, i;
    int m;

    for (i = 0; i < 5; i++)
        y[i] = 2 * X[i] + 1;
    cpwl_train_opts_init(&o);
    o.output_bias = 1;
    for (run = 0; ; run++)
    {
        cpwl_train_init(p, 1, 1, &o, run);
        if (p[1] > 2 * fabs(p[0]) && p[2] > 0)
            break;
    }
    for (m = 0; m < 2; m++)
    {
        double L;
        slong steps;
        o.method = m ? CPWL_TRAIN_ADAM : CPWL_TRAIN_GD;
        cpwl_train_init(p, 1, 1, &o, run);
        L = cpwl_train_from(p, X, y, 5, 1, 1, &o, &steps);
        ck_assert_msg(L < 1e-8, "%s run %ld: loss %g after %ld steps",
                      m ? "Adam" : "GD", (long) run, L, (long) steps);
        ck_assert(fabs(p[2] * p[0] - 2) < 1e-4);
        ck_assert(fabs(p[3] + p[2] * p[1] - 1) < 1e-4);
        ck_assert(L == cpwl_train_grad(NULL, p, X, y, 5, 1, 1, 0, 1));
    }
}
END_TEST

/* A 2-D plane z = x1 - 3 x2 + 2 on a grid, the unit active on it. */
START_TEST(test_plane_fit)
{
    double X[2 * 9], y[9], p[5];
    cpwl_train_opts o;
    slong run, i;
    int m;

    for (i = 0; i < 9; i++)
    {
        X[2 * i] = (double) (i % 3) - 1;
        X[2 * i + 1] = (double) (i / 3) - 1;
        y[i] = X[2 * i] - 3 * X[2 * i + 1] + 2;
    }
    cpwl_train_opts_init(&o);
    o.output_bias = 1;
    for (run = 0; ; run++)
    {
        cpwl_train_init(p, 2, 1, &o, run);
        if (p[2] > fabs(p[0]) + fabs(p[1]) && p[3] > 0)
            break;
    }
    for (m = 0; m < 2; m++)
    {
        double L;
        o.method = m ? CPWL_TRAIN_ADAM : CPWL_TRAIN_GD;
        cpwl_train_init(p, 2, 1, &o, run);
        L = cpwl_train_from(p, X, y, 9, 2, 1, &o, NULL);
        ck_assert_msg(L < 1e-8, "%s: loss %g", m ? "Adam" : "GD", L);
    }
}
END_TEST

/* ------------------------------------------------------------------------
   Reproducibility, initialisation, degenerate inputs
   ------------------------------------------------------------------------ */

START_TEST(test_reproducible)
{
    double X[8] = { -3, 1, 0, 2, 1, -1, 4, 0.5 }, y[4] = { 1, -2, 0.5, 3 };
    double p1[MAXP], p2[MAXP], p3[MAXP];
    slong np = 3 * 4 + 1, k;
    cpwl_train_opts o;
    int m;

    cpwl_train_opts_init(&o);
    o.seed = 12345;
    o.output_bias = 1;
    o.iters = 3000;
    for (m = 0; m < 2; m++)
    {
        double L1, L2;
        o.method = m ? CPWL_TRAIN_ADAM : CPWL_TRAIN_GD;
        L1 = cpwl_train_run(p1, X, y, 4, 2, 3, &o, 7);
        L2 = cpwl_train_run(p2, X, y, 4, 2, 3, &o, 7);
        ck_assert(memcmp(p1, p2, np * sizeof(double)) == 0);
        ck_assert(memcmp(&L1, &L2, sizeof(double)) == 0);
        cpwl_train_run(p3, X, y, 4, 2, 3, &o, 8);
        ck_assert(memcmp(p1, p3, np * sizeof(double)) != 0);
        o.seed++;
        cpwl_train_run(p3, X, y, 4, 2, 3, &o, 7);
        ck_assert(memcmp(p1, p3, np * sizeof(double)) != 0);
        o.seed--;
    }

    /* The initialisation itself: PyTorch's bounds, and identical first
       draws for every seed would betray a bad mixing of (seed, run). */
    o.seed = 0;
    for (k = 0; k < 50; k++)
    {
        slong j;
        cpwl_train_init(p1, 2, 3, &o, k);
        for (j = 0; j < 3; j++)
        {
            ck_assert(fabs(p1[j * 4]) <= 1 / sqrt(2.0));
            ck_assert(fabs(p1[j * 4 + 1]) <= 1 / sqrt(2.0));
            ck_assert(fabs(p1[j * 4 + 2]) <= 1 / sqrt(2.0));
            ck_assert(fabs(p1[j * 4 + 3]) <= 1 / sqrt(3.0));
        }
        ck_assert(fabs(p1[12]) <= 1 / sqrt(3.0));
        o.output_bias = 0;
        cpwl_train_init(p2, 2, 3, &o, k);
        ck_assert(p2[12] == 0.0);
        ck_assert(memcmp(p1, p2, 12 * sizeof(double)) == 0);
        o.output_bias = 1;
    }
}
END_TEST

/* First draws known on every machine: the values below were computed by
   an independent re-implementation (Python, integers mod 2^64) of the
   documented scheme: state = mix(seed ^ mix(run + 0x632be59bd9b4e019)),
   splitmix64 draws, u = (x >> 11) 2^-53, value = (2u - 1) bound, in the
   order a_1, b_1, ..., a_w, b_w, v_1, ..., v_w, c. */
START_TEST(test_init_values)
{
    double p[5];
    cpwl_train_opts o;
    cpwl_train_opts_init(&o);
    cpwl_train_init(p, 1, 1, &o, 0);
    ck_assert(p[0] == 0x1.98c549412p-6);
    ck_assert(p[1] == 0x1.491f4e4877e46p-1);
    ck_assert(p[2] == -0x1.5d4ea874cf0bp-2);
    ck_assert(p[3] == 0.0);
    o.seed = 0xdeadbeef;
    o.output_bias = 1;
    cpwl_train_init(p, 2, 1, &o, 3);
    ck_assert(p[0] == -0x1.639d973aa727fp-2);
    ck_assert(p[1] == -0x1.f7486f7e046d8p-3);
    ck_assert(p[2] == 0x1.69bbb81e6e6e2p-4);
    ck_assert(p[3] == 0x1.ac4d7fe64d18cp-1);
    ck_assert(p[4] == -0x1.bc8d131725e84p-1);
}
END_TEST

START_TEST(test_defaults)
{
    double X[4] = { 1, 2, 3, 4 }, y[4] = { 0, -7, 2, 1 };
    cpwl_train_opts o;
    cpwl_train_opts_init(&o);
    ck_assert(o.method == CPWL_TRAIN_GD);
    ck_assert(o.iters == 20000);
    ck_assert(o.loss == 0 && o.output_bias == 0);
    ck_assert(o.beta1 == 0.9 && o.beta2 == 0.999 && o.eps == 1e-8);
    ck_assert(o.decay == -1 && o.lr == 0.0 && o.seed == 0);
    /* S = 4 + 1 + 4 + 9 + 16 = 34, max |y| = 7. */
    ck_assert(cpwl_train_step(&o, X, y, 4, 1, 1) == 1.0 / (2 * 34.0 * 7.0));
    ck_assert(cpwl_train_step(&o, X, y, 4, 1, 4) == 1.0 / (4 * 34.0 * 7.0));
    o.method = CPWL_TRAIN_ADAM;
    ck_assert(cpwl_train_step(&o, X, y, 4, 1, 4) == 1e-2);
    o.lr = 0.5;
    ck_assert(cpwl_train_step(&o, X, y, 4, 1, 4) == 0.5);
}
END_TEST

START_TEST(test_degenerate)
{
    double p[MAXP];
    cpwl_train_opts o;
    int m, loss, bias;

    cpwl_train_opts_init(&o);
    o.iters = 2000;
    for (m = 0; m < 2; m++)
    for (loss = 0; loss < 3; loss++)
    for (bias = 0; bias < 2; bias++)
    {
        slong run;
        o.method = m ? CPWL_TRAIN_ADAM : CPWL_TRAIN_GD;
        o.loss = loss;
        o.output_bias = bias;
        for (run = 0; run < 5; run++)
        {
            /* D = 1 */
            double x1 = 2, y1 = loss == 2 ? -1 : 5, L;
            /* constant data, repeated x */
            double Xc[4] = { 1, 1, 1, 1 }, yc[4] = { 1, 1, 1, 1 };
            double Xz[4] = { 0, 0, 0, 0 }, yz[4] = { 0, 0, 0, 0 };
            slong k;

            L = cpwl_train_run(p, &x1, &y1, 1, 1, 1, &o, run);
            ck_assert(isfinite(L) && L >= 0);
            for (k = 0; k < 4; k++)
                ck_assert(isfinite(p[k]));
            L = cpwl_train_run(p, Xc, yc, 4, 1, 2, &o, run);
            ck_assert(isfinite(L) && L >= 0);
            for (k = 0; k < 7; k++)
                ck_assert(isfinite(p[k]));
            if (loss == 0 && m == 0)
            {
                /* All zero: with a step below 2 / curvature, GD on the
                   squared loss only decreases it. */
                double p0[MAXP];
                cpwl_train_init(p0, 1, 3, &o, run);
                L = cpwl_train_run(p, Xz, yz, 4, 1, 3, &o, run);
                ck_assert(isfinite(L));
                ck_assert(L <= cpwl_train_grad(NULL, p0, Xz, yz, 4, 1, 3, loss,
                                               bias));
            }
        }
    }

    /* A dead unit (off on every point) without output bias: the gradient
       is exactly 0, nothing moves, no NaN. */
    {
        double X[3] = { -1, 0, 1 }, y[3] = { 1, 0, 1 };
        double q[4] = { 1, -5, 1, 0 }, g[4];
        slong steps;
        cpwl_train_opts_init(&o);
        ck_assert(cpwl_train_grad(g, q, X, y, 3, 1, 1, 0, 0) == 2.0);
        ck_assert(g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0);
        o.method = CPWL_TRAIN_ADAM;
        ck_assert(cpwl_train_from(q, X, y, 3, 1, 1, &o, &steps) == 2.0);
        ck_assert(steps == 0 && q[1] == -5);
    }

    /* Far too large a step: +inf, never NaN. */
    {
        double X[5] = { -2, -1, 0, 1, 2 }, y[5] = { -3, -1, 1, 3, 5 };
        double L;
        cpwl_train_opts_init(&o);
        o.output_bias = 1;
        o.lr = 10;
        L = cpwl_train_run(p, X, y, 5, 1, 2, &o, 0);
        ck_assert(!isnan(L));
        ck_assert(L == INFINITY);
    }
}
END_TEST

/* ------------------------------------------------------------------------
   The exact optima of ERM as lower bounds
   ------------------------------------------------------------------------ */

/* Train `runs` times with each method; every final loss must be at least
   opt (less a rounding margin): no run can beat the global optimum.
   Prints how many runs come within 1e-9 of it and the others' losses. */
static void check_bound(const char *name, const double *X, const double *y,
                        slong D, slong w, int loss, int bias, double opt,
                        slong runs)
{
    double p[MAXP];
    cpwl_train_opts o;
    int m;

    cpwl_train_opts_init(&o);
    o.loss = loss;
    o.output_bias = bias;
    for (m = 0; m < 2; m++)
    {
        slong run, hit = 0;
        char others[2048];
        size_t len = 0;
        others[0] = '\0';
        o.method = m ? CPWL_TRAIN_ADAM : CPWL_TRAIN_GD;
        for (run = 0; run < runs; run++)
        {
            double L = cpwl_train_run(p, X, y, D, 1, w, &o, run);
            ck_assert_msg(L >= opt - 1e-12, "%s %s run %ld: loss %.17g "
                          "below the exact optimum %.17g", name,
                          m ? "Adam" : "GD", (long) run, L, opt);
            if (fabs(L - opt) <= 1e-9)
                hit++;
            else if (len + 32 < sizeof(others))
                len += (size_t) snprintf(others + len, sizeof(others) - len,
                                         " %.10g", L);
        }
        printf("train: %s, %s: %ld/%ld runs within 1e-9 of %.10g;"
               " others:%s\n", name, m ? "Adam" : "GD", (long) hit,
               (long) runs, opt, others);
    }
}

START_TEST(test_erm_hand)
{
    double X[3] = { -1, 0, 1 }, y[3] = { 1, 0, 1 };
    double X4[4] = { -2, -1, 1, 3 };

    check_bound("(-1,1),(0,0),(1,1) w=1 squared", X, y, 3, 1, 0, 0,
                2.0 / 3, 20);
    check_bound("(-1,1),(0,0),(1,1) w=1 squared +bias", X, y, 3, 1, 0, 1,
                0.5, 20);
    check_bound("(-1,1),(0,0),(1,1) w=1 l1", X, y, 3, 1, 1, 0, 1.0, 20);
    check_bound("(-1,1),(0,0),(1,1) w=1 l1 +bias", X, y, 3, 1, 1, 1,
                1.0, 20);
    check_bound("x=y=(-2,-1,1,3) w=1 l1", X4, X4, 4, 1, 1, 0, 3.0, 20);
    check_bound("x=y=(-2,-1,1,3) w=1 squared", X4, X4, 4, 1, 0, 0, 5.0, 20);
    check_bound("x=y=(-2,-1,1,3) w=2 l1", X4, X4, 4, 2, 1, 0, 0.0, 20);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("train");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_exact_grad);
    tcase_add_test(tc, test_exact_kinks);
    tcase_add_test(tc, test_arb_encloses);
    tcase_add_test(tc, test_binary64_grad);
    tcase_add_test(tc, test_binary64_runs);
    tcase_add_test(tc, test_grad_fd);
    tcase_add_test(tc, test_grad_hand);
    tcase_add_test(tc, test_linear_fit);
    tcase_add_test(tc, test_plane_fit);
    tcase_add_test(tc, test_reproducible);
    tcase_add_test(tc, test_init_values);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(tc, test_erm_hand);
    suite_add_tcase(s, tc);
    return test_run(s);
}
