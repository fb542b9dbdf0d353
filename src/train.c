/* Gradient training in double of one-hidden-layer ReLU networks (see
   cpwl/train.h).  Parameters per unit j: a_j (n), b_j, v_j, stored with
   stride n + 2; the output bias c last. */
#include <math.h>
#include <string.h>
#include "cpwl/train.h"

/* The same bits on every machine: no contraction of a * b + c into an
   FMA.  GCC does not contract under -std=c11 (it does under gnu11);
   clang contracts unless told, and GCC warns about the pragma. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

void cpwl_train_opts_init(cpwl_train_opts *o)
{
    memset(o, 0, sizeof(cpwl_train_opts));
    o->method = CPWL_TRAIN_GD;
    o->iters = 20000;
    o->lr = 0.0;
    o->seed = 0;
    o->loss = 0;
    o->output_bias = 0;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
    o->decay = -1;
}

/* ------------------------------------------------------------------------
   Random initialisation: splitmix64, so runs agree on every machine
   ------------------------------------------------------------------------ */

static uint64_t train_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t train_next(uint64_t *s)
{
    return train_mix(*s += 0x9e3779b97f4a7c15ULL);
}

/* Uniform in [-bound, bound): 53 random bits, exact scaling. */
static double train_uniform(uint64_t *s, double bound)
{
    double u = (double) (train_next(s) >> 11) * 0x1.0p-53;
    return (2.0 * u - 1.0) * bound;
}

void cpwl_train_init(double *params, slong n, slong w, const cpwl_train_opts *o,
                     slong run)
{
    /* Hash seed and run together so that neighbouring (seed, run) pairs
       do not give overlapping streams. */
    uint64_t s = train_mix(o->seed ^ train_mix((uint64_t) run
                                               + 0x632be59bd9b4e019ULL));
    double ba = 1.0 / sqrt((double) (n > 0 ? n : 1));
    double bv = 1.0 / sqrt((double) (w > 0 ? w : 1));
    slong j, k, st = n + 2;

    for (j = 0; j < w; j++)
    {
        for (k = 0; k < n; k++)
            params[j * st + k] = train_uniform(&s, ba);
        params[j * st + n] = train_uniform(&s, ba);
    }
    for (j = 0; j < w; j++)
        params[j * st + n + 1] = train_uniform(&s, bv);
    params[w * st] = o->output_bias ? train_uniform(&s, bv) : 0.0;
}

/* ------------------------------------------------------------------------
   Loss and gradient
   ------------------------------------------------------------------------ */

/* Loss of one prediction f against label t, and its derivative in f. */
static double train_point(double *dl, double f, double t, int loss)
{
    double r;
    if (loss == 1)
    {
        r = f - t;
        *dl = r > 0 ? 1.0 : (r < 0 ? -1.0 : 0.0);
        return fabs(r);
    }
    if (loss == 2)
    {
        r = 1.0 - t * f;
        *dl = r > 0 ? -t : 0.0;
        return r > 0 ? r : 0.0;
    }
    r = f - t;
    *dl = 2.0 * r;
    return r * r;
}

static double train_pre(const double *u, const double *x, slong n)
{
    double z = u[n];
    slong k;
    for (k = 0; k < n; k++)
        z += u[k] * x[k];
    return z;
}

double cpwl_train_grad(double *grad, const double *params, const double *X,
                       const double *y, slong D, slong n, slong w, int loss,
                       int output_bias)
{
    slong i, j, k, st = n + 2, np = w * st + 1;
    double L = 0.0;

    if (grad != NULL)
        for (k = 0; k < np; k++)
            grad[k] = 0.0;

    for (i = 0; i < D; i++)
    {
        const double *x = X + i * n;
        double f = output_bias ? params[w * st] : 0.0, dl;

        for (j = 0; j < w; j++)
        {
            double z = train_pre(params + j * st, x, n);
            if (z > 0)
                f += params[j * st + n + 1] * z;
        }
        L += train_point(&dl, f, y[i], loss);
        if (grad == NULL || dl == 0.0)
            continue;

        /* Recompute the pre-activations rather than store them: no
           scratch memory, and the cost is negligible at these sizes. */
        for (j = 0; j < w; j++)
        {
            const double *u = params + j * st;
            double *g = grad + j * st, z = train_pre(u, x, n), s;
            if (!(z > 0))
                continue;       /* relu'(0) = 0 */
            s = dl * u[n + 1];
            for (k = 0; k < n; k++)
                g[k] += s * x[k];
            g[n] += s;
            g[n + 1] += dl * z;
        }
        if (output_bias)
            grad[w * st] += dl;
    }
    return L;
}

/* ------------------------------------------------------------------------
   Training
   ------------------------------------------------------------------------ */

double cpwl_train_step(const cpwl_train_opts *o, const double *X, const double *y,
                       slong D, slong n, slong w)
{
    double S = 0.0, ym = 1.0;
    slong i, k;

    if (o->lr > 0)
        return o->lr;
    if (o->method == CPWL_TRAIN_ADAM)
        return 1e-2;
    for (i = 0; i < D; i++)
    {
        S += 1.0;
        for (k = 0; k < n; k++)
            S += X[i * n + k] * X[i * n + k];
        if (fabs(y[i]) > ym)
            ym = fabs(y[i]);
    }
    return 1.0 / (2.0 * S * ym * sqrt((double) (w > 0 ? w : 1)));
}

double cpwl_train_from(double *params, const double *X, const double *y,
                       slong D, slong n, slong w, const cpwl_train_opts *o,
                       slong *steps)
{
    slong np = w * (n + 2) + 1, t, k;
    double lr = cpwl_train_step(o, X, y, D, n, w);
    double *g, *m = NULL, *v = NULL;
    double L, tol = 0.0, b1t = 1.0, b2t = 1.0;
    /* A constant step leaves subgradient descent on l1 or hinge loss
       oscillating at a level proportional to the step. */
    int decay = o->decay < 0 ? o->loss != 0 : o->decay;

    g = flint_malloc(np * sizeof(double));
    if (o->method == CPWL_TRAIN_ADAM)
    {
        m = flint_calloc(np, sizeof(double));
        v = flint_calloc(np, sizeof(double));
    }

    /* The scale for the relative stopping test: the loss of the zero
       function (the data's own scale), or the initial loss if larger. */
    for (k = 0; k < D; k++)
    {
        double dl;
        tol += train_point(&dl, 0.0, y[k], o->loss);
    }

    for (t = 0; ; t++)
    {
        int zero = 1;

        L = cpwl_train_grad(g, params, X, y, D, n, w, o->loss, o->output_bias);
        if (!isfinite(L))
        {
            L = INFINITY;
            break;
        }
        if (t == 0 && L > tol)
            tol = L;
        for (k = 0; k < np && zero; k++)
            zero = g[k] == 0.0;
        if (t >= o->iters || zero || L <= 1e-15 * tol)
            break;

        if (o->method == CPWL_TRAIN_ADAM)
        {
            /* Bias corrections by running products, not pow: the same
               bits on every libm. */
            b1t *= o->beta1;
            b2t *= o->beta2;
            for (k = 0; k < np; k++)
            {
                double mh, vh;
                m[k] = o->beta1 * m[k] + (1.0 - o->beta1) * g[k];
                v[k] = o->beta2 * v[k] + (1.0 - o->beta2) * g[k] * g[k];
                mh = m[k] / (1.0 - b1t);
                vh = v[k] / (1.0 - b2t);
                params[k] -= lr * mh / (sqrt(vh) + o->eps);
            }
        }
        else
        {
            double s = decay ? lr / sqrt(1.0 + (double) t) : lr;
            for (k = 0; k < np; k++)
                params[k] -= s * g[k];
        }
    }

    if (steps != NULL)
        *steps = t;
    flint_free(g);
    flint_free(m);
    flint_free(v);
    return L;
}

double cpwl_train_run(double *params, const double *X, const double *y, slong D,
                      slong n, slong w, const cpwl_train_opts *o, slong run)
{
    cpwl_train_init(params, n, w, o, run);
    return cpwl_train_from(params, X, y, D, n, w, o, NULL);
}
