/* Experiments on real data (chapter 5): autoencoders trained by the
   fast optimiser path (module optim, cpwl_optim_fast_*) on the fast
   network path (module mlp), measured along the run, compared across
   optimiser settings, tabulated and drawn.

   A run: the autoencoder of a shape n_0-n_1-...-n_0 (relu hidden layers,
   identity output) from the seeded initial parameters
   (cpwl_mlp_init_params_*) trained for T steps on mini-batches of B
   training points with the squared loss (1/B) sum_i ||f(x_i) - x_i||^2.
   Each epoch is a seeded permutation of the training points cut into
   batches of B (an incomplete last batch is dropped, as the engine's sgd
   without replacement).  Step t takes the gradient at the point
   cpwl_optim_fast_point_* gives (nag's look-ahead) and moves x_t to
   x_{t+1}; iterates are numbered as in the engine: x_1 is the initial
   point.

   Measurements at t = 1, 1 + K, 1 + 2K, ... and at t = T + 1:
     train_loss  the loss on the evaluation subset (the first eval_n
                 training points) at x_t
     test_loss   the loss on the test points at x_t
     grad_norm   the Euclidean norm of the full-batch gradient of
                 train_loss at x_t
     lambda_min, lambda_max (every K_H steps): extreme eigenvalues of the
                 Hessian of the loss on the first hessian_n training
                 points at x_t, by Lanczos (module lanczos) on the
                 Hessian-vector products of cpwl_mlp_hvp_d (the pattern
                 of x_t frozen, relu'(0) = 0: at a kink the Hessian of
                 the piece that convention selects), with their residual
                 norms ||H q - lambda q|| (not measured, NAN, when
                 train_loss is not finite: a diverged run).
   Losses over more than CPWL_EXPERIMENT_CHUNK points are computed by
   chunks of that many and combined in binary64 as sum_j b_j L_j / n
   (gradients likewise); a subset of at most CPWL_EXPERIMENT_CHUNK points
   is one cpwl_mlp_loss_grad_* call and its value is that call's.

   A comparison: for each shape, one run per optimiser setting from the
   same initial point; the settings are grouped in families (adam with
   one beta1; nag) and a family is tuned by the rule: its best setting
   is the one with the lowest final train_loss (a run whose final loss
   is not finite is never best; ties to the first setting listed). */
#ifndef CPWL_EXPERIMENT_H
#define CPWL_EXPERIMENT_H

#include <stdio.h>
#include <stdint.h>
#include <flint/flint.h>
#include "cpwl/err.h"
#include "cpwl/net.h"
#include "cpwl/mlp.h"
#include "cpwl/optim.h"

#define CPWL_EXPERIMENT_CHUNK 1024

/* The data: rows of n_0 binary64 values, row-major (and optionally the
   binary32 values a float run uses: Fashion-MNIST's p / 255 rounded once
   to binary32 rather than through binary64). */
typedef struct
{
    slong dim;                  /* n_0 */
    const double *train;        /* ntrain x dim */
    slong ntrain;
    const double *test;         /* ntest x dim (ntest may be 0) */
    slong ntest;
    const float *train_f;       /* the same in binary32 for float runs, */
    const float *test_f;        /* or NULL: the binary64 values rounded */
}
cpwl_experiment_data;

typedef struct
{
    cpwl_mlp_prec prec;
    slong steps;                /* T >= 0 */
    slong batch;                /* 1 <= B <= ntrain */
    slong eval_every;           /* K >= 1 */
    slong eval_n;               /* 1 <= eval_n <= ntrain */
    slong hessian_every;        /* K_H: 0 never; else at t = 1 + j K_H
                                   and at T + 1 */
    slong hessian_n;            /* 1 <= hessian_n <= ntrain */
    slong lanczos_steps;        /* k >= 2 */
    slong checkpoint_every;     /* 0: only the final iterate; else also
                                   at t = 1 + j K_C */
    uint64_t seed;              /* initial point; permutations; Lanczos */
}
cpwl_experiment_opts;

/* Defaults: double, 100 steps, batch 100, K = 10, eval_n 1000,
   no Hessian (K_H = 0), hessian_n 200, 20 Lanczos steps, checkpoints
   only at the end, seed 0. */
void cpwl_experiment_opts_init(cpwl_experiment_opts *o);

/* One measurement.  Values not measured at t are NAN (and so are the
   losses of a diverged run: have_* tell which were measured). */
typedef struct
{
    slong t;
    double train_loss, test_loss, grad_norm;
    double lambda_min, lambda_max, res_min, res_max;
    double seconds;             /* since the run started */
    int have_test;              /* test_loss measured (test points given) */
    int have_hessian;           /* lambda_* and res_* measured */
}
cpwl_experiment_row;

/* Hooks of a run (each may be NULL).  A nonzero return of row or
   checkpoint is an error status (the run stops and returns it, the
   message in e); stop is polled before each step: nonzero stops the run
   between steps (Ctrl-C), which then returns CPWL_OK with stopped set.
   checkpoint gets x_t as a cpwl network and as the array (double, or
   float when prec is float), the final iterate with last = 1; it is not
   called when a weight of x_t is not finite (a diverged run is no
   network). */
typedef struct
{
    int (*row)(const cpwl_experiment_row *r, void *data, cpwl_err_t e);
    int (*checkpoint)(slong t, int last, const cpwl_net_t net,
                      const void *w, void *data, cpwl_err_t e);
    int (*stop)(void *data);
    void *data;
}
cpwl_experiment_hooks;

typedef struct
{
    slong steps_done;
    int stopped;
    cpwl_experiment_row last;   /* the last measurement */
}
cpwl_experiment_result;

/* Train the autoencoder widths[0 .. nlayers] (widths[nlayers] ==
   widths[0] == D->dim) with the optimiser setting alg (its steps and
   batch are ignored: o's count) on D, measuring as o says.  The final
   weights are copied to w_out (nparams doubles; may be NULL: float
   weights are widened exactly).  CPWL_OK (also when stopped), or
   CPWL_ERR_INPUT with a message in e for options or data out of range,
   or what a hook or a module returned. */
int cpwl_experiment_run(cpwl_experiment_result *res, double *w_out,
                        const slong *widths, slong nlayers,
                        const cpwl_optim_opts_t alg,
                        const cpwl_experiment_data *D,
                        const cpwl_experiment_opts *o,
                        const cpwl_experiment_hooks *h, cpwl_err_t e);

/* The loss of the autoencoder at w on the n points X (n >= 1) and, if
   gnorm is not NULL, the norm of its gradient, by chunks as above. */
int cpwl_experiment_loss_d(double *loss, double *gnorm, const double *w,
                           const double *X, slong n, cpwl_mlp_t M,
                           cpwl_err_t e);
int cpwl_experiment_loss_f(double *loss, double *gnorm, const float *w,
                           const float *X, slong n, cpwl_mlp_t M,
                           cpwl_err_t e);

/* ---- comparisons --------------------------------------------------- */

typedef enum
{
    CPWL_EXPERIMENT_ADAM = 0,   /* adam:paper with beta1, beta2, xi, lr */
    CPWL_EXPERIMENT_NAG         /* nag with lr, momentum */
}
cpwl_experiment_algo;

/* One setting: the constants as exact rationals and as the text they
   were given in (for the tables). */
typedef struct
{
    cpwl_experiment_algo algo;
    slong family;               /* index into the comparison's families */
    fmpq_t lr, momentum, beta1, beta2, xi;
    char text[96];              /* "adam b1=0.9 xi=1e-8 lr=1e-3" */
}
cpwl_experiment_setting;

/* Every measurement of every run, and per shape and family the best
   run's final row, its setting and its final weights. */
typedef struct
{
    slong nshapes, nsettings, nfamilies;
    slong **widths;             /* per shape: n_0 ... n_L */
    slong *nlayers;
    char **shape_text;          /* "784-256-784" */
    cpwl_experiment_setting *settings;
    char **family_text;         /* "adam b1=0.9", "nag" */
    /* rows of run (s, k) (shape s, setting k): */
    cpwl_experiment_row **rows; /* [s * nsettings + k] */
    slong *nrows;
    int *done;                  /* the run finished (not stopped) */
    slong *best;                /* [s * nfamilies + f]: setting, or -1 */
    double **best_w;            /* [s * nfamilies + f]: final weights */
    int stopped;
}
cpwl_experiment_cmp_struct;

typedef cpwl_experiment_cmp_struct cpwl_experiment_cmp_t[1];

/* A comparison of nothing yet: add shapes and settings, then run. */
void cpwl_experiment_cmp_init(cpwl_experiment_cmp_t C);
void cpwl_experiment_cmp_clear(cpwl_experiment_cmp_t C);

/* An autoencoder shape as text "784-256-784": CPWL_ERR_INPUT (message
   in e) for a bad one, a shape whose ends differ from dim or of fewer
   than two layers. */
int cpwl_experiment_cmp_add_shape(cpwl_experiment_cmp_t C, const char *s,
                                  slong dim, cpwl_err_t e);

/* Settings: adam (beta2 = 999/1000) and nag.  text_* are the constants
   as given (copied into the setting's text); the family is found or
   added: one per adam beta1, one for nag. */
void cpwl_experiment_cmp_add_adam(cpwl_experiment_cmp_t C,
                                  const fmpq_t beta1, const fmpq_t xi,
                                  const fmpq_t lr, const char *t_beta1,
                                  const char *t_xi, const char *t_lr);
void cpwl_experiment_cmp_add_nag(cpwl_experiment_cmp_t C, const fmpq_t lr,
                                 const fmpq_t momentum, const char *t_lr,
                                 const char *t_mom);

/* Run every setting on every shape (shape by shape, in the order
   added), each run's rows also passed to h->row with the run's indices
   in *cur (set before each run: cur[0] shape, cur[1] setting, when cur
   is not NULL); then pick the best setting per shape and family.  A
   stop (h->stop) ends the comparison with C->stopped set, the best
   picked among the runs done.  Returns as cpwl_experiment_run. */
int cpwl_experiment_cmp_run(cpwl_experiment_cmp_t C,
                            const cpwl_experiment_data *D,
                            const cpwl_experiment_opts *o,
                            const cpwl_experiment_hooks *h, slong *cur,
                            cpwl_err_t e);

/* The CSV header and one row of runs.csv (see docs/experiments.md:
   shape, family, setting, algo, constants, precision, t, measurements;
   numbers with 17 significant digits, nan / inf / -inf for a diverged
   run's, empty when not measured). */
void cpwl_experiment_csv_header(FILE *f);
void cpwl_experiment_csv_row(FILE *f, const cpwl_experiment_cmp_t C,
                             slong shape, slong setting,
                             cpwl_mlp_prec prec,
                             const cpwl_experiment_row *r);

/* The table: one row per shape and family (the best setting's final
   measurements), as CSV and as Markdown. */
void cpwl_experiment_table_csv(FILE *f, const cpwl_experiment_cmp_t C);
void cpwl_experiment_table_md(FILE *f, const cpwl_experiment_cmp_t C);

/* ---- figures ------------------------------------------------------- */

/* One curve: n points (x[k], y[k]); a NAN y is a gap (and so is y <= 0
   on a log scale). */
typedef struct
{
    const double *x, *y;
    slong n;
    const char *name;
    int dashed;
}
cpwl_experiment_series;

typedef enum
{
    CPWL_EXPERIMENT_PNG = 0,
    CPWL_EXPERIMENT_SVG
}
cpwl_experiment_format;

/* A line plot with Cairo to f (path only for messages): axes with ticks,
   a log10 y axis when logy, a legend of the series' names.  Width and
   height in pixels (0: 800 x 500). */
int cpwl_experiment_plot(FILE *f, const char *path,
                         cpwl_experiment_format fmt,
                         const cpwl_experiment_series *S, slong n,
                         const char *title, const char *xlabel,
                         const char *ylabel, int logy, int width,
                         int height, cpwl_err_t e);

/* The figures of shape s of a comparison: which = 0 train and test loss
   (log y), 1 gradient norm (log y), 2 lambda_min (linear y); one curve
   (two for the losses: test dashed) per family's best run. */
int cpwl_experiment_cmp_plot(FILE *f, const char *path,
                             cpwl_experiment_format fmt,
                             const cpwl_experiment_cmp_t C, slong s,
                             int which, cpwl_err_t e);

#endif
