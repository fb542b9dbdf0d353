/* Throughput of one training step of the fast path (module mlp): the
   mini-batch loss and gradient (cpwl_mlp_loss_grad_*) and an Adam step
   (cpwl_optim_fast_step_*) on a 784-256-784 autoencoder (squared loss),
   batch 128, in float32 and double, through the BLAS and the portable
   loops, as samples per second.  Beside it:
     gemm-only: the same five matrix products one step makes (two forward,
       three backward: dW_2, D_1, dW_1), timed alone with the BLAS, as
       samples per second if a step were only those products (a ceiling
       for the step);
     PyTorch: bench/torch_train.py (env TORCH_TRAIN_SCRIPT), the same step
       with torch.nn (Linear-ReLU-Linear, MSELoss, torch.optim.Adam,
       float32) when python3 imports torch.
   Both the BLAS and PyTorch use BENCH_TRAIN_THREADS threads (default 2).
   Shape and batch: BENCH_TRAIN_SHAPE (default 784-256-784),
   BENCH_TRAIN_BATCH (128); each timing runs about BENCH_TRAIN_SECS
   seconds (default 1), after one untimed step.  Data: seeded uniform
   [0, 1) pixels. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "cpwl/mlp.h"
#include "cpwl/optim.h"
#include "benchutil.h"
/* after cpwl.h: OpenBLAS's cblas.h may bring <complex.h> and its macro I */
#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif

static double budget = 1.0;

static void die(const char *what, const cpwl_err_t e)
{
    fprintf(stderr, "bench_train: %s: %s\n", what, e->msg);
    exit(1);
}

static double unif01(uint64_t *s)
{
    return (double) (next64(s) >> 11) * 0x1.0p-53;
}

/* Samples per second of the full step (loss, gradient, Adam). */
static double time_step(cpwl_mlp_t M, slong b, const cpwl_optim_opts_t o,
                        int single, slong *reps, double *loss)
{
    cpwl_err_t e;
    cpwl_optim_fast_t R;
    slong P = M->nparams, i, n = 0, nX = b * M->width[0];
    double *wd = NULL, *gd = NULL, *Xd = NULL, t0, t;
    float *wf = NULL, *gf = NULL, *Xf = NULL;
    uint64_t s = 42;

    cpwl_err_init(e);
    if (cpwl_optim_fast_init(R, o, P, single, e))
        die("optimiser", e);
    if (single)
    {
        wf = malloc(P * sizeof(float));
        gf = malloc(P * sizeof(float));
        Xf = malloc(nX * sizeof(float));
        cpwl_mlp_init_params_f(wf, M, 1);
        for (i = 0; i < nX; i++)
            Xf[i] = (float) unif01(&s);
    }
    else
    {
        wd = malloc(P * sizeof(double));
        gd = malloc(P * sizeof(double));
        Xd = malloc(nX * sizeof(double));
        cpwl_mlp_init_params_d(wd, M, 1);
        for (i = 0; i < nX; i++)
            Xd[i] = unif01(&s);
    }
    t0 = 0;
    for (;;)
    {
        if (single)
        {
            if (cpwl_mlp_loss_grad_f(loss, gf, wf, Xf, NULL, NULL, b,
                                     CPWL_MLP_SQUARED, M, e))
                die("loss_grad_f", e);
            cpwl_optim_fast_step_f(R, wf, gf);
        }
        else
        {
            if (cpwl_mlp_loss_grad_d(loss, gd, wd, Xd, NULL, NULL, b,
                                     CPWL_MLP_SQUARED, M, e))
                die("loss_grad_d", e);
            cpwl_optim_fast_step_d(R, wd, gd);
        }
        if (t0 == 0)
        {
            t0 = now();         /* the first step (allocation) untimed */
            continue;
        }
        n++;
        t = now() - t0;
        if (t >= budget && n >= 3)
            break;
    }
    *reps = n;
    cpwl_optim_fast_clear(R);
    free(wd);
    free(gd);
    free(Xd);
    free(wf);
    free(gf);
    free(Xf);
    cpwl_err_clear(e);
    return (double) b * (double) n / t;
}

#ifdef HAVE_OPENBLAS
/* The products of one step of a two-layer net, alone (row-major as in
   src/mlp/mlp_impl.h): Z1 = X W1^T, Z2 = A1 W2^T, dW2 = D2^T A1,
   D1 = D2 W2, dW1 = D1^T X.  Deeper nets: the same per layer. */
static double time_gemms(const cpwl_mlp_t M, slong b, int single,
                         slong *reps)
{
    slong L = M->nlayers, l, maxw = 0, n = 0, i;
    size_t es = single ? sizeof(float) : sizeof(double), tot;
    char *W, *A, *D;
    double t0, t;
    for (l = 0; l <= L; l++)
        maxw = M->width[l] > maxw ? M->width[l] : maxw;
    tot = (size_t) maxw * maxw;
    /* operands filled with small values; their content does not change
       the BLAS's time */
    W = malloc(tot * es);
    A = malloc((size_t) b * maxw * es * (L + 1));
    D = malloc((size_t) b * maxw * es * 2);
    for (i = 0; i < (slong) tot; i++)
    {
        if (single)
            ((float *) W)[i] = 0.01f;
        else
            ((double *) W)[i] = 0.01;
    }
    memset(A, 0, (size_t) b * maxw * es * (L + 1));
    memset(D, 0, (size_t) b * maxw * es * 2);
    t0 = now();
    do
    {
        for (l = 1; l <= L; l++)
        {
            int nl = (int) M->width[l], ml = (int) M->width[l - 1];
            char *Ain = A + (size_t) (l - 1) * b * maxw * es;
            char *Z = A + (size_t) l * b * maxw * es;
            if (single)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int) b,
                            nl, ml, 1, (float *) Ain, ml, (float *) W, ml, 1,
                            (float *) Z, nl);
            else
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int) b,
                            nl, ml, 1, (double *) Ain, ml, (double *) W, ml,
                            1, (double *) Z, nl);
        }
        for (l = L; l >= 1; l--)
        {
            int nl = (int) M->width[l], ml = (int) M->width[l - 1];
            char *Ain = A + (size_t) (l - 1) * b * maxw * es;
            char *G = W;        /* dW written over W: the time is the same */
            char *Dp = D + (size_t) b * maxw * es;
            if (single)
            {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nl, ml,
                            (int) b, 1, (float *) D, nl, (float *) Ain, ml, 0,
                            (float *) G, ml);
                if (l > 1)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                (int) b, ml, nl, 1, (float *) D, nl,
                                (float *) W, ml, 0, (float *) Dp, ml);
            }
            else
            {
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nl, ml,
                            (int) b, 1, (double *) D, nl, (double *) Ain, ml,
                            0, (double *) G, ml);
                if (l > 1)
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                (int) b, ml, nl, 1, (double *) D, nl,
                                (double *) W, ml, 0, (double *) Dp, ml);
            }
        }
        n++;
        t = now() - t0;
    }
    while (t < budget || n < 3);
    *reps = n;
    free(W);
    free(A);
    free(D);
    return (double) b * (double) n / t;
}
#endif

/* PyTorch's samples per second from the script, or 0 (message printed). */
static double run_torch(const char *shape, slong b, int threads)
{
    const char *script = getenv("TORCH_TRAIN_SCRIPT");
    const char *py = getenv("PYTHON");
    char cmd[2048], line[512], ver[64] = "?";
    double rate = 0;
    FILE *f;
    if (script == NULL)
        script = "bench/torch_train.py";
    if (py == NULL)
        py = "python3";
    snprintf(cmd, sizeof cmd, "%s -c 'import torch' >/dev/null 2>&1", py);
    if (system(cmd) != 0)
    {
        printf("PyTorch not installed: ratio skipped\n");
        return 0;
    }
    snprintf(cmd, sizeof cmd, "%s %s --shape %s --batch %ld --threads %d "
             "--secs %g", py, script, shape, (long) b, threads, budget);
    f = popen(cmd, "r");
    if (f == NULL)
    {
        printf("PyTorch: could not run %s: ratio skipped\n", script);
        return 0;
    }
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "torch %63s samples_per_sec %lf", ver, &rate) == 2)
            break;
    pclose(f);
    if (rate <= 0)
        printf("PyTorch: no result from %s: ratio skipped\n", script);
    else
        printf("PyTorch %s (float32, %d threads): %.0f samples/s\n", ver,
               threads, rate);
    return rate;
}

int main(void)
{
    const char *shape = getenv("BENCH_TRAIN_SHAPE");
    const char *sb = getenv("BENCH_TRAIN_BATCH");
    const char *ss = getenv("BENCH_TRAIN_SECS");
    const char *st = getenv("BENCH_TRAIN_THREADS");
    slong widths[16], L, b = sb != NULL ? atol(sb) : 128, reps;
    int threads = st != NULL ? atoi(st) : 2, single, blas;
    double rate[2][2] = { { 0, 0 }, { 0, 0 } }, peak[2] = { 0, 0 }, torch,
        loss;
    cpwl_err_t e;
    cpwl_optim_opts_t o;
    cpwl_mlp_t M;

    (void) on_alarm;            /* benchutil.h's time cap: not needed here */
    if (shape == NULL)
        shape = "784-256-784";
    if (ss != NULL && atof(ss) > 0)
        budget = atof(ss);
    if (b < 1 || threads < 1)
    {
        fprintf(stderr, "bench_train: bad BENCH_TRAIN_BATCH or "
                "BENCH_TRAIN_THREADS\n");
        return 2;
    }
    cpwl_err_init(e);
    L = cpwl_mlp_parse_shape(widths, 16, shape, e);
    if (L < 0)
        die("shape", e);
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(threads);
#endif
    cpwl_optim_opts_init(o);
    cpwl_optim_algo_from_str(o, "adam");
    fmpq_set_si(o->lr, 1, 1000);
    printf("bench_train: one step (squared loss, gradient, Adam) of the "
           "autoencoder %s, batch %ld, %d BLAS threads, %s BLAS\n", shape,
           (long) b, threads, cpwl_mlp_have_blas() ? "with" : "without");
    for (single = 1; single >= 0; single--)
    {
        if (cpwl_mlp_init(M, widths, L, single ? CPWL_MLP_FLOAT :
                          CPWL_MLP_DOUBLE, e))
            die("init", e);
        for (blas = cpwl_mlp_have_blas(); blas >= 0; blas--)
        {
            M->blas = blas;
            rate[single][blas] = time_step(M, b, o, single, &reps, &loss);
            printf("  %-7s %-8s %10.0f samples/s  (%ld steps, last loss "
                   "%.4g)\n", single ? "float32" : "double",
                   blas ? "BLAS" : "portable", rate[single][blas],
                   (long) reps, loss);
        }
#ifdef HAVE_OPENBLAS
        peak[single] = time_gemms(M, b, single, &reps);
        printf("  %-7s gemm-only %8.0f samples/s  (%ld steps' products)\n",
               single ? "float32" : "double", peak[single], (long) reps);
#endif
        cpwl_mlp_clear(M);
    }
    torch = run_torch(shape, b, threads);
    printf("ratios:\n");
    for (single = 1; single >= 0; single--)
    {
        int best = cpwl_mlp_have_blas();
        if (peak[single] > 0)
            printf("  %s cpwl / gemm-only: %.2f\n",
                   single ? "float32" : "double",
                   rate[single][best] / peak[single]);
        if (torch > 0)
            printf("  %s cpwl / PyTorch float32: %.2f\n",
                   single ? "float32" : "double", rate[single][best] / torch);
    }
    cpwl_optim_opts_clear(o);
    cpwl_err_clear(e);
    return 0;
}
