/* One training run of an autoencoder on the fast path, measured along
   the way (include/cpwl/experiment.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cpwl/experiment.h"
#include "cpwl/lanczos.h"
#include "splitmix.h"

void cpwl_experiment_opts_init(cpwl_experiment_opts *o)
{
    o->prec = CPWL_MLP_DOUBLE;
    o->steps = 100;
    o->batch = 100;
    o->eval_every = 10;
    o->eval_n = 1000;
    o->hessian_every = 0;
    o->hessian_n = 200;
    o->lanczos_steps = 20;
    o->checkpoint_every = 0;
    o->seed = 0;
}


/* Fisher-Yates with splitmix64 (the modulo bias, below 2^-40 for any
   data set that fits in memory, does not matter to a permutation of
   training points; what matters is that it is the same on every run). */
static void exp_permute(slong *p, slong n, uint64_t *s)
{
    slong i, j, t;
    for (i = 0; i < n; i++)
        p[i] = i;
    for (i = n - 1; i > 0; i--)
    {
        j = (slong) (_cpwl_splitmix64(s) % (uint64_t) (i + 1));
        t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}

static double exp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* Chunked loss and gradient norm: one call for n <= CHUNK (its value
   as is), else sum_j b_j L_j / n and sum_j b_j g_j / n in binary64. */
#define EXP_LOSS_BODY(T, LOSSGRAD)                                         \
    double *gs = NULL;                                                      \
    T *g = NULL;                                                            \
    slong i, j, b, np = M->nparams, n0 = M->width[0];                       \
    int st = CPWL_OK;                                                       \
    double acc = 0, l;                                                      \
    if (gnorm != NULL)                                                      \
    {                                                                       \
        g = flint_malloc(np * sizeof(T));                                   \
        gs = flint_calloc(np, sizeof(double));                              \
    }                                                                       \
    for (i = 0; i < n && st == CPWL_OK; i += b)                             \
    {                                                                       \
        b = FLINT_MIN(CPWL_EXPERIMENT_CHUNK, n - i);                        \
        st = LOSSGRAD(&l, g, w, X + i * n0, NULL, NULL, b,                  \
                      CPWL_MLP_SQUARED, M, e);                              \
        if (st != CPWL_OK)                                                  \
            break;                                                          \
        if (n <= CPWL_EXPERIMENT_CHUNK)                                     \
        {                                                                   \
            acc = l;                                                        \
            if (g != NULL)                                                  \
                for (j = 0; j < np; j++)                                    \
                    gs[j] = (double) g[j];                                  \
        }                                                                   \
        else                                                                \
        {                                                                   \
            acc += (double) b * l;                                          \
            if (g != NULL)                                                  \
                for (j = 0; j < np; j++)                                    \
                    gs[j] += (double) b * (double) g[j];                    \
        }                                                                   \
    }                                                                       \
    if (st == CPWL_OK)                                                      \
    {                                                                       \
        if (n > CPWL_EXPERIMENT_CHUNK)                                      \
            acc /= (double) n;                                              \
        *loss = acc;                                                        \
        if (gnorm != NULL)                                                  \
        {                                                                   \
            double s = 0;                                                   \
            for (j = 0; j < np; j++)                                        \
            {                                                               \
                double v = n > CPWL_EXPERIMENT_CHUNK ? gs[j] / (double) n   \
                    : gs[j];                                                \
                s += v * v;                                                 \
            }                                                               \
            *gnorm = sqrt(s);                                               \
        }                                                                   \
    }                                                                       \
    flint_free(g);                                                          \
    flint_free(gs);                                                         \
    return st;

int cpwl_experiment_loss_d(double *loss, double *gnorm, const double *w,
                           const double *X, slong n, cpwl_mlp_t M,
                           cpwl_err_t e)
{
    EXP_LOSS_BODY(double, cpwl_mlp_loss_grad_d)
}

int cpwl_experiment_loss_f(double *loss, double *gnorm, const float *w,
                           const float *X, slong n, cpwl_mlp_t M,
                           cpwl_err_t e)
{
    EXP_LOSS_BODY(float, cpwl_mlp_loss_grad_f)
}

/* The state of a run. */
typedef struct
{
    const cpwl_experiment_opts *o;
    const cpwl_experiment_data *D;
    cpwl_mlp_t M;               /* the run's precision */
    cpwl_mlp_t Md;              /* binary64, for the Hessian */
    int have_md;
    slong np, n0;
    double *wd, *yd, *gd, *Xbd;
    float *wf, *yf, *gf, *Xbf, *trainf, *testf;   /* owned */
    const float *trf, *tef;     /* the binary32 data used */
    double *wh;                 /* x_t widened, for the Hessian */
    double t0;
}
exp_run;

typedef struct
{
    exp_run *R;
}
exp_hop;

/* y = H x: the Hessian of the loss on the first hessian_n points. */
static int exp_hvp(double *y, const double *x, void *data, cpwl_err_t e)
{
    exp_run *R = ((exp_hop *) data)->R;
    return cpwl_mlp_hvp_d(y, R->wh, x, R->D->train, NULL, NULL,
                          R->o->hessian_n, CPWL_MLP_SQUARED, R->Md, e);
}

static int exp_hessian(cpwl_experiment_row *r, exp_run *R, cpwl_err_t e)
{
    cpwl_lanczos_result_t L;
    exp_hop H;
    slong j;
    int st;
    if (R->wf != NULL)
        for (j = 0; j < R->np; j++)
            R->wh[j] = (double) R->wf[j];
    else
        memcpy(R->wh, R->wd, R->np * sizeof(double));
    H.R = R;
    cpwl_lanczos_result_init(L);
    st = cpwl_lanczos_extremes(L, NULL, NULL, R->np, exp_hvp, &H,
                               R->o->lanczos_steps, R->o->seed, e);
    if (st != CPWL_OK)
        return st;
    /* Ritz values interlace: lambda_min(H) <= theta_min and theta_max <=
       lambda_max(H); each is within its residual of an eigenvalue */
    r->lambda_min = L->theta_min;
    r->lambda_max = L->theta_max;
    r->res_min = L->res_min;
    r->res_max = L->res_max;
    cpwl_lanczos_result_clear(L);
    return CPWL_OK;
}

static int exp_measure(cpwl_experiment_row *r, exp_run *R, slong t,
                       int hessian, cpwl_err_t e)
{
    const cpwl_experiment_opts *o = R->o;
    const cpwl_experiment_data *D = R->D;
    int st;
    r->t = t;
    r->have_test = D->ntest > 0;
    r->have_hessian = 0;
    r->test_loss = r->lambda_min = r->lambda_max = NAN;
    r->res_min = r->res_max = NAN;
    if (R->wf != NULL)
    {
        st = cpwl_experiment_loss_f(&r->train_loss, &r->grad_norm, R->wf,
                                    R->trf, o->eval_n, R->M, e);
        if (st == CPWL_OK && D->ntest > 0)
            st = cpwl_experiment_loss_f(&r->test_loss, NULL, R->wf,
                                        R->tef, D->ntest, R->M, e);
    }
    else
    {
        st = cpwl_experiment_loss_d(&r->train_loss, &r->grad_norm, R->wd,
                                    D->train, o->eval_n, R->M, e);
        if (st == CPWL_OK && D->ntest > 0)
            st = cpwl_experiment_loss_d(&r->test_loss, NULL, R->wd,
                                        D->test, D->ntest, R->M, e);
    }
    /* a diverged run (loss not finite) has no Hessian to speak of: the
       products would not be finite, which module lanczos refuses */
    if (st == CPWL_OK && hessian && isfinite(r->train_loss))
    {
        st = exp_hessian(r, R, e);
        r->have_hessian = st == CPWL_OK;
    }
    r->seconds = exp_now() - R->t0;
    return st;
}

static int exp_check(const slong *widths, slong nlayers,
                     const cpwl_experiment_data *D,
                     const cpwl_experiment_opts *o, cpwl_err_t e)
{
    if (nlayers < 1 || widths[0] != D->dim || widths[nlayers] != D->dim)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "an autoencoder's shape "
                            "must start and end with the data's dimension "
                            "%ld", (long) D->dim);
    if (D->ntrain < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "no training points");
    if (o->steps < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the number of steps must "
                            "be at least 0, got %ld", (long) o->steps);
    if (o->batch < 1 || o->batch > D->ntrain)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the batch size must be 1 "
                            "to the number of training points %ld, got %ld",
                            (long) D->ntrain, (long) o->batch);
    if (o->eval_every < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the measurement interval "
                            "eval_every must be at least 1, got %ld",
                            (long) o->eval_every);
    if (o->eval_n < 1 || o->eval_n > D->ntrain)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the evaluation subset: "
                            "expected 1 to %ld points, got %ld",
                            (long) D->ntrain, (long) o->eval_n);
    if (o->hessian_every < 0 || o->checkpoint_every < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the intervals "
                            "hessian_every and checkpoint_every must be at "
                            "least 0");
    if (o->hessian_every > 0
        && (o->hessian_n < 1 || o->hessian_n > D->ntrain
            || o->lanczos_steps < 2))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the Hessian: expected 1 to "
                            "%ld points and at least 2 Lanczos steps, got "
                            "%ld and %ld", (long) D->ntrain,
                            (long) o->hessian_n, (long) o->lanczos_steps);
    return CPWL_OK;
}

static int exp_checkpoint(exp_run *R, const cpwl_experiment_hooks *h,
                          slong t, int last, cpwl_err_t e)
{
    cpwl_net_t net;
    slong i;
    int st;
    if (h == NULL || h->checkpoint == NULL)
        return CPWL_OK;
    /* the conversion would take inf and NaN as 0: a diverged run has no
       network to write */
    for (i = 0; i < R->M->nparams; i++)
        if (!isfinite(R->wf != NULL ? (double) R->wf[i] : R->wd[i]))
            return CPWL_OK;
    cpwl_net_init(net, R->n0);
    if (R->wf != NULL)
        cpwl_mlp_to_net_f(net, R->wf, R->M);
    else
        cpwl_mlp_to_net_d(net, R->wd, R->M);
    st = h->checkpoint(t, last, net, R->wf != NULL ? (const void *) R->wf
                       : (const void *) R->wd, h->data, e);
    cpwl_net_clear(net);
    return st;
}

static void exp_free(exp_run *R)
{
    cpwl_mlp_clear(R->M);
    if (R->have_md)
        cpwl_mlp_clear(R->Md);
    flint_free(R->wd);
    flint_free(R->yd);
    flint_free(R->gd);
    flint_free(R->Xbd);
    flint_free(R->wf);
    flint_free(R->yf);
    flint_free(R->gf);
    flint_free(R->Xbf);
    flint_free(R->trainf);
    flint_free(R->testf);
    flint_free(R->wh);
}

static float *exp_to_float(const double *x, slong n)
{
    float *y = flint_malloc(FLINT_MAX(n, 1) * sizeof(float));
    slong i;
    for (i = 0; i < n; i++)
        y[i] = (float) x[i];
    return y;
}

int cpwl_experiment_run(cpwl_experiment_result *res, double *w_out,
                        const slong *widths, slong nlayers,
                        const cpwl_optim_opts_t alg,
                        const cpwl_experiment_data *D,
                        const cpwl_experiment_opts *o,
                        const cpwl_experiment_hooks *h, cpwl_err_t e)
{
    exp_run R;
    cpwl_optim_fast_t F;
    cpwl_experiment_row row;
    slong *perm = NULL, pos, t, i, j, T = o->steps, B = o->batch;
    int st, single = o->prec == CPWL_MLP_FLOAT, have_f = 0;
    uint64_t rng;

    memset(&R, 0, sizeof R);
    memset(res, 0, sizeof *res);
    res->last.t = 0;
    st = exp_check(widths, nlayers, D, o, e);
    if (st != CPWL_OK)
        return st;
    st = cpwl_mlp_init(R.M, widths, nlayers, o->prec, e);
    if (st != CPWL_OK)
        return st;
    R.o = o;
    R.D = D;
    R.np = R.M->nparams;
    R.n0 = D->dim;
    if (o->hessian_every > 0)
    {
        st = cpwl_mlp_init(R.Md, widths, nlayers, CPWL_MLP_DOUBLE, e);
        if (st != CPWL_OK)
        {
            cpwl_mlp_clear(R.M);
            return st;
        }
        R.have_md = 1;
        R.wh = flint_malloc(R.np * sizeof(double));
    }
    if (single)
    {
        R.wf = flint_malloc(R.np * sizeof(float));
        R.yf = flint_malloc(R.np * sizeof(float));
        R.gf = flint_malloc(R.np * sizeof(float));
        R.Xbf = flint_malloc(B * R.n0 * sizeof(float));
        /* the data in binary32: the caller's, or the binary64 values
           rounded to nearest */
        R.trainf = D->train_f != NULL ? NULL
            : exp_to_float(D->train, D->ntrain * R.n0);
        R.testf = D->test_f != NULL ? NULL
            : exp_to_float(D->test, D->ntest * R.n0);
        R.trf = D->train_f != NULL ? D->train_f : R.trainf;
        R.tef = D->test_f != NULL ? D->test_f : R.testf;
        cpwl_mlp_init_params_f(R.wf, R.M, o->seed);
    }
    else
    {
        R.wd = flint_malloc(R.np * sizeof(double));
        R.yd = flint_malloc(R.np * sizeof(double));
        R.gd = flint_malloc(R.np * sizeof(double));
        R.Xbd = flint_malloc(B * R.n0 * sizeof(double));
        cpwl_mlp_init_params_d(R.wd, R.M, o->seed);
    }
    st = cpwl_optim_fast_init(F, alg, R.np, single, e);
    if (st != CPWL_OK)
    {
        exp_free(&R);
        return st;
    }
    have_f = 1;
    perm = flint_malloc(D->ntrain * sizeof(slong));
    /* the permutations' stream is apart from the initial point's */
    rng = o->seed ^ 0x5bd1e9955bd1e995ULL;
    pos = D->ntrain;            /* a fresh epoch before the first step */
    R.t0 = exp_now();

    for (t = 1;; t++)
    {
        /* measurements and checkpoints at x_t */
        int meas = (t - 1) % o->eval_every == 0 || t == T + 1;
        int hess = o->hessian_every > 0
            && ((t - 1) % o->hessian_every == 0 || t == T + 1);
        if (meas || hess)
        {
            st = exp_measure(&row, &R, t, hess, e);
            if (st == CPWL_OK && h != NULL && h->row != NULL)
                st = h->row(&row, h->data, e);
            if (st != CPWL_OK)
                break;
            res->last = row;
        }
        if (t == T + 1)
        {
            st = exp_checkpoint(&R, h, t, 1, e);
            break;
        }
        if (o->checkpoint_every > 0 && (t - 1) % o->checkpoint_every == 0)
        {
            st = exp_checkpoint(&R, h, t, 0, e);
            if (st != CPWL_OK)
                break;
        }
        if (h != NULL && h->stop != NULL && h->stop(h->data))
        {
            res->stopped = 1;
            break;
        }
        /* the batch of step t */
        if (pos + B > D->ntrain)
        {
            exp_permute(perm, D->ntrain, &rng);
            pos = 0;
        }
        if (single)
        {
            for (i = 0; i < B; i++)
                memcpy(R.Xbf + i * R.n0, R.trf + perm[pos + i] * R.n0,
                       R.n0 * sizeof(float));
            st = cpwl_mlp_loss_grad_f(NULL, R.gf,
                                      cpwl_optim_fast_point_f(R.yf, F, R.wf),
                                      R.Xbf, NULL, NULL,
                                      B, CPWL_MLP_SQUARED, R.M, e);
            if (st != CPWL_OK)
                break;
            cpwl_optim_fast_step_f(F, R.wf, R.gf);
        }
        else
        {
            for (i = 0; i < B; i++)
                memcpy(R.Xbd + i * R.n0, D->train + perm[pos + i] * R.n0,
                       R.n0 * sizeof(double));
            st = cpwl_mlp_loss_grad_d(NULL, R.gd,
                                      cpwl_optim_fast_point_d(R.yd, F, R.wd),
                                      R.Xbd, NULL, NULL,
                                      B, CPWL_MLP_SQUARED, R.M, e);
            if (st != CPWL_OK)
                break;
            cpwl_optim_fast_step_d(F, R.wd, R.gd);
        }
        pos += B;
        res->steps_done++;
    }
    if (st == CPWL_OK && w_out != NULL)
        for (j = 0; j < R.np; j++)
            w_out[j] = single ? (double) R.wf[j] : R.wd[j];
    if (have_f)
        cpwl_optim_fast_clear(F);
    flint_free(perm);
    exp_free(&R);
    return st;
}
