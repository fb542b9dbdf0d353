/* Gradient training (src/train.c): the analytic gradient against
   central finite differences in double, convergence where the optimum is
   known and reachable, bit-for-bit reproducibility, degenerate inputs,
   and the exact optima of the hand cases of ERM (docs/examples.md) as
   lower bounds that no training run may beat.  The objective it trains
   on, in every arithmetic: test_onehidden.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "cpwl/train.h"
#include "testutil.h"

#define MAXP 64

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
