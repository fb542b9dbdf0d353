/* Gradient training in binary64 of one-hidden-layer ReLU networks (see
   cpwl/train.h): the optimiser engine (module optim) on the onehidden
   objective (src/optim/onehidden.h) in the emulated binary64 arithmetic.
   Parameters per unit j: a_j (n), b_j, v_j, stored with stride n + 2;
   the output bias c last. */
#include <math.h>
#include <string.h>
#include "cpwl/train.h"
#include "cpwl/optim.h"
#include "optim/onehidden.h"

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
   Loss and gradient: the onehidden objective in binary64
   ------------------------------------------------------------------------ */

/* The loss of one prediction f against label t (the stopping test's
   scale only: never part of a trajectory). */
static double train_point(double f, double t, int loss)
{
    double r;

    if (loss == 1)
        return fabs(f - t);
    if (loss == 2)
    {
        r = 1.0 - t * f;
        return r > 0 ? r : 0.0;
    }
    r = f - t;
    return r * r;
}

/* x as exact rationals: every double is one.  0 if one is not finite. */
static int train_get_fmpq(fmpq *q, const double *x, slong np)
{
    slong k;

    for (k = 0; k < np; k++)
    {
        if (!isfinite(x[k]))
            return 0;
        cpwl_ieee_get_fmpq(q + k, x[k]);
    }
    return 1;
}

double cpwl_train_grad(double *grad, const double *params, const double *X,
                       const double *y, slong D, slong n, slong w, int loss,
                       int output_bias)
{
    slong k, np = w * (n + 2) + 1;
    cpwl_objective_t O;
    cpwl_arith_t A;
    cpwl_val_ptr x, g;
    cpwl_val_t L;
    cpwl_err_t e;
    double res;

    if (onehidden_init(O, X, y, D, n, w, loss, output_bias))
    {
        /* data beyond binary64's range: the loss overflows */
        if (grad != NULL)
            for (k = 0; k < np; k++)
                grad[k] = NAN;
        return INFINITY;
    }
    cpwl_arith_init_float(A, CPWL_IEEE_BINARY64, 0, 0);
    cpwl_err_init(e);
    x = cpwl_val_vec_init(np, A);
    g = cpwl_val_vec_init(np, A);
    cpwl_val_init(L, A);
    for (k = 0; k < np; k++)
        x[k].d = params[k];     /* a double is a binary64 value */
    /* binary64 decides every sign: the evaluation cannot fail */
    O->eval(L, grad != NULL ? g : NULL, x, NULL, 0, 1, O, A, e);
    res = L->d;
    if (grad != NULL)
        for (k = 0; k < np; k++)
            grad[k] = g[k].d;
    cpwl_val_clear(L, A);
    cpwl_val_vec_clear(x, np, A);
    cpwl_val_vec_clear(g, np, A);
    cpwl_err_clear(e);
    cpwl_arith_clear(A);
    onehidden_clear(O);
    return res;
}

/* ------------------------------------------------------------------------
   Training: the optimiser engine in binary64
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

/* The engine's options for o: gd (a / sqrt(t) when decaying) or
   adam:kingma-ba, the constants the doubles' exact values.  0 if a
   constant is not finite. */
static int train_engine_opts(cpwl_optim_opts_t oo, const cpwl_train_opts *o,
                             double lr, int decay)
{
    cpwl_optim_opts_init(oo);
    if (!isfinite(lr) || !isfinite(o->beta1) || !isfinite(o->beta2)
        || !isfinite(o->eps))
        return 0;
    cpwl_ieee_get_fmpq(oo->lr, lr);
    cpwl_ieee_get_fmpq(oo->beta1, o->beta1);
    cpwl_ieee_get_fmpq(oo->beta2, o->beta2);
    cpwl_ieee_get_fmpq(oo->eps, o->eps);
    if (o->method == CPWL_TRAIN_ADAM)
    {
        oo->algo = CPWL_OPTIM_ADAM;
        oo->form = CPWL_OPTIM_FORM_KINGMA_BA;
    }
    else
    {
        oo->algo = CPWL_OPTIM_GD;
        oo->schedule = decay ? CPWL_OPTIM_SCHEDULE_SQRT
                             : CPWL_OPTIM_SCHEDULE_CONST;
    }
    oo->steps = o->iters;
    return 1;
}

/* The loss at params, +inf when it is not finite. */
static double train_loss(const double *params, const double *X,
                         const double *y, slong D, slong n, slong w,
                         const cpwl_train_opts *o)
{
    double L = cpwl_train_grad(NULL, params, X, y, D, n, w, o->loss,
                               o->output_bias);

    return isfinite(L) ? L : INFINITY;
}

double cpwl_train_from(double *params, const double *X, const double *y,
                       slong D, slong n, slong w, const cpwl_train_opts *o,
                       slong *steps)
{
    slong np = w * (n + 2) + 1, t = 0, k;
    double lr = cpwl_train_step(o, X, y, D, n, w);
    double L, tol = 0.0, *prev;
    /* A constant step leaves subgradient descent on l1 or hinge loss
       oscillating at a level proportional to the step. */
    int decay = o->decay < 0 ? o->loss != 0 : o->decay;
    cpwl_optim_opts_t oo;
    cpwl_objective_t O;
    cpwl_optim_t R;
    cpwl_arith_t A;
    cpwl_err_t e;
    fmpq *x1;

    if (steps != NULL)
        *steps = 0;
    /* Without a usable step nothing moves: the loss of params. */
    if (!(lr > 0) || o->iters <= 0)
        return train_loss(params, X, y, D, n, w, o);
    x1 = _fmpq_vec_init(np);
    if (!train_get_fmpq(x1, params, np)
        || onehidden_init(O, X, y, D, n, w, o->loss, o->output_bias))
    {
        _fmpq_vec_clear(x1, np);
        return INFINITY;
    }

    /* The scale for the relative stopping test: the loss of the zero
       function (the data's own scale), or the initial loss if larger. */
    for (k = 0; k < D; k++)
        tol += train_point(0.0, y[k], o->loss);

    cpwl_arith_init_float(A, CPWL_IEEE_BINARY64, 0, 0);
    cpwl_err_init(e);
    prev = flint_malloc(np * sizeof(double));
    if (!train_engine_opts(oo, o, lr, decay)
        || cpwl_optim_init(R, oo, O, x1, A, e))
    {
        /* a step or constant the engine refuses: no step is taken */
        L = train_loss(params, X, y, D, n, w, o);
        goto done;
    }

    /* Step t (0-based here) evaluates the loss and gradient at x_t
       inside cpwl_optim_step; the stopping rules look at them after the
       step and, when they stop, put x_t back. */
    for (t = 0; ; t++)
    {
        cpwl_val_srcptr Lv;
        int zero = 1;

        for (k = 0; k < np; k++)
            prev[k] = R->x[k].d;
        if (t >= o->iters)
        {
            cpwl_val_t Lf;

            cpwl_val_init(Lf, A);
            O->eval(Lf, NULL, R->x, NULL, 0, R->t, O, A, e);
            L = Lf->d;
            cpwl_val_clear(Lf, A);
            if (!isfinite(L))
                L = INFINITY;
            break;
        }
        /* binary64 decides every sign: the step cannot fail */
        cpwl_optim_step(R, e);
        Lv = onehidden_last_loss(O);
        L = Lv != NULL ? Lv->d : INFINITY;
        if (!isfinite(L))
        {
            L = INFINITY;
            break;
        }
        if (t == 0 && L > tol)
            tol = L;
        for (k = 0; k < np && zero; k++)
            zero = R->g[k].d == 0.0;
        if (zero || L <= 1e-15 * tol)
            break;
    }
    for (k = 0; k < np; k++)
        params[k] = prev[k];
    cpwl_optim_clear(R);

done:
    if (steps != NULL)
        *steps = t;
    flint_free(prev);
    cpwl_optim_opts_clear(oo);
    cpwl_err_clear(e);
    cpwl_arith_clear(A);
    onehidden_clear(O);
    _fmpq_vec_clear(x1, np);
    return L;
}

double cpwl_train_run(double *params, const double *X, const double *y, slong D,
                      slong n, slong w, const cpwl_train_opts *o, slong run)
{
    cpwl_train_init(params, n, w, o, run);
    return cpwl_train_from(params, X, y, D, n, w, o, NULL);
}
