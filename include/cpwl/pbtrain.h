/* Training a stochastic ReLU classifier with a PAC-Bayes objective, and
   its certificate (thesis chapter 6 on real data).

   The classifier: widths n_0 (inputs), n_1, ..., n_L = k >= 2 (one
   output per class); layer l computes z_l = W_l a_{l-1} + b_l, a_l =
   relu(z_l) for l < L (relu'(0) = 0), the output is z_L; the predicted
   class is the index of the largest output, ties to the lowest (as
   module stochnet).  Parameters are numbered as in module stochnet:
   layer by layer, W_l row by row, then b_l; d of them.

   Prior P = N(w_0, sigma_0^2 I): w_0 the seeded initialisation (drawn
   before any data is seen, so the prior is data-independent), W_l
   entries xi / sqrt(n_{l-1}) with xi standard normal (module stochnet's
   generator), biases 0.  Posterior Q = N(mu, diag(sigma^2)), sigma =
   softplus(rho) = ln(1 + e^rho), started at mu = w_0, sigma = sigma_0
   (Perez-Ortiz, Rivasplata, Shawe-Taylor, Szepesvari 2021, "PBB").

   The training objectives of PBB, with L the mini-batch average of the
   bounded cross-entropy l = min(-ln p_y, ln(1/p_min)) / ln(1/p_min)
   (p = softmax of the outputs) of a network w = mu + sigma xi drawn
   once per step, and B = KL(Q || P) + ln(2 sqrt(m) / delta):
     fclassic  L + sqrt(B / (2m))
     fquad     (sqrt(L + B / (2m)) + sqrt(B / (2m)))^2
   Their gradients in (mu, rho) by the reparametrisation trick:
   d/dmu = dF/dw, d/drho = dF/dw xi sigmoid(rho), plus the KL's closed-
   form derivative.  Everything here is binary64; the certificate is
   then computed by modules gauss, stochnet and pacbayes from the
   posterior and prior written as cpwl-gauss files (exact hex floats). */
#ifndef CPWL_PBTRAIN_H
#define CPWL_PBTRAIN_H

#include <signal.h>
#include <stdint.h>
#include <flint/flint.h>
#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"
#include "cpwl/erm.h"
#include "cpwl/stochnet.h"
#include "cpwl/pacbayes.h"
#include "cpwl/optim.h"

typedef enum
{
    CPWL_PBTRAIN_FQUAD = 0,
    CPWL_PBTRAIN_FCLASSIC
}
cpwl_pbtrain_objective;

/* "fquad", "fclassic"; from_name returns -1 for another name. */
const char *cpwl_pbtrain_objective_name(cpwl_pbtrain_objective kind);
int cpwl_pbtrain_objective_from_name(const char *name);

typedef struct
{
    slong nlayers;              /* L >= 1 */
    slong *width;               /* n_0 ... n_L, n_L >= 2 */
    slong d;                    /* parameters */
    double sigma0;              /* the prior's standard deviation */
    double *w0;                 /* the prior's means (d) */
    double *x;                  /* the trained variables (2d): mu, then rho */
    int blas;                   /* 1: products by the BLAS (when built with
                                   one), 0: portable loops */
    slong cap;                  /* batch size the work space holds */
    double *work;               /* activations and deltas */
}
cpwl_pbtrain_struct;

typedef cpwl_pbtrain_struct cpwl_pbtrain_t[1];

/* widths[0 .. nlayers], n_L >= 2, sigma0 > 0 finite; w_0 from seed, mu =
   w_0, rho = ln(e^sigma0 - 1).  CPWL_ERR_INPUT with a message otherwise
   (or more than 2^30 parameters). */
int cpwl_pbtrain_init(cpwl_pbtrain_t T, const slong *widths, slong nlayers,
                      double sigma0, uint64_t seed, cpwl_err_t e);
void cpwl_pbtrain_clear(cpwl_pbtrain_t T);

/* sigma_i = softplus(rho_i) of the current posterior (d entries). */
void cpwl_pbtrain_sigma(double *sigma, const cpwl_pbtrain_t T);
double cpwl_pbtrain_softplus(double r);
double cpwl_pbtrain_sigmoid(double r);

/* ---- the pieces of the objective (binary64) ---------------------------- */

/* KL(N(mu, diag(sigma^2)) || N(w0, s0^2 I)) summed in index order, and
   its derivatives in mu and in sigma (gmu, gsigma may be NULL):
     d/dmu_i = (mu_i - w0_i) / s0^2,
     d/dsigma_i = sigma_i / s0^2 - 1/sigma_i. */
double cpwl_pbtrain_kl_d(double *gmu, double *gsigma, const double *mu,
                         const double *sigma, const double *w0, double s0,
                         slong d);

/* The outputs of the b points X (b x n_0, row-major) of the network w
   into out (b x n_L). */
int cpwl_pbtrain_forward_d(double *out, const double *w, const double *X,
                           slong b, cpwl_pbtrain_t T, cpwl_err_t e);

/* The mean bounded cross-entropy of the batch (labels 0 .. n_L - 1) into
   *loss and its gradient in w into grad (d entries; may be NULL).  Where
   p_y < p_min the loss is 1 and its derivative 0.  CPWL_ERR_INPUT for a
   label out of range (the message names the point) or p_min not in (0, 1). */
int cpwl_pbtrain_bce_grad_d(double *loss, double *grad, const double *w,
                            const double *X, const int *labels, slong b,
                            double p_min, cpwl_pbtrain_t T, cpwl_err_t e);

/* The objective F from the loss L, the KL, m and delta, and its partial
   derivatives dF/dL, dF/dKL (may be NULL). */
double cpwl_pbtrain_objective_d(double *dloss, double *dkl,
                                cpwl_pbtrain_objective kind, double loss,
                                double kl, slong m, double delta);

/* ---- training ---------------------------------------------------------- */

typedef struct
{
    cpwl_pbtrain_objective objective;
    double p_min;               /* bounded cross-entropy, in (0, 1) */
    double delta;               /* of the objective's log term, in (0, 1) */
    slong epochs;               /* passes over the data (if steps == 0) */
    slong steps;                /* > 0: this many steps instead */
    slong batch;                /* points per step (<= m) */
    uint64_t seed;              /* batches and the draws xi */
}
cpwl_pbtrain_opts;

/* Defaults: fquad, p_min = 10^-4, delta = 0.025, 10 epochs, batch 250,
   seed 1. */
void cpwl_pbtrain_opts_init(cpwl_pbtrain_opts *o);

/* Per-epoch (or per-run) figures, averages over the steps. */
typedef struct
{
    slong steps;                /* steps done */
    double objective, loss, kl; /* the last epoch's averages */
    double first_objective;     /* the first epoch's average */
    int stopped;
}
cpwl_pbtrain_result;

/* Called after each epoch (and after the last step); nonzero stops. */
typedef int (*cpwl_pbtrain_visit_fn)(void *data, slong epoch, slong step,
                                     double objective, double loss,
                                     double kl);

/* Train T's posterior on the m points X (m x n_0) with labels, with the
   optimiser o (module optim's fast path; o->steps and o->batch unused),
   each epoch a fresh seeded permutation cut into batches (an incomplete
   last batch is dropped).  stop (may be NULL) is checked between steps. */
int cpwl_pbtrain_train(cpwl_pbtrain_result *res, cpwl_pbtrain_t T,
                       const double *X, const int *labels, slong m,
                       const cpwl_pbtrain_opts *po, const cpwl_optim_opts_t o,
                       volatile sig_atomic_t *stop,
                       cpwl_pbtrain_visit_fn visit, void *visit_data,
                       cpwl_err_t e);

/* Mistakes of the network w on the batch (argmax, ties to the lowest). */
slong cpwl_pbtrain_mistakes_d(const double *w, const double *X,
                              const int *labels, slong b, cpwl_pbtrain_t T,
                              cpwl_err_t e);

/* The test error of the stochastic classifier Q (read from its file)
   estimated with `samples` networks drawn by cpwl_stochnet_draw from
   seed: the average over the draws of mistakes / b. */
int cpwl_pbtrain_stochastic_error_d(double *err, const cpwl_stochnet_t Q,
                                    const double *X, const int *labels,
                                    slong b, slong samples, uint64_t seed,
                                    cpwl_pbtrain_t T, cpwl_err_t e);

/* ---- files and the certificate ----------------------------------------- */

/* The posterior (sigma per parameter: the current softplus(rho)) or the
   prior (shared sigma_0, means w_0) as a cpwl-gauss file (docs/formats.md):
   every mean and sigma a C99 hex float, so the file holds exactly the
   binary64 values.  _str: a string to flint_free. */
char *cpwl_pbtrain_gauss_str(const cpwl_pbtrain_t T, int prior);
int cpwl_pbtrain_write_gauss(const char *path, const cpwl_pbtrain_t T,
                             int prior, cpwl_err_t e);

/* The m points (binary64 values, taken exactly) and labels as exact data
   (labels in the last place, as cpwl_erm_data_read_file gives them). */
void cpwl_pbtrain_erm_data(cpwl_erm_data_t data, const double *X,
                           const int *labels, slong m, slong n);

/* Exact data as a CSV data file (SPEC section 4) that
   cpwl_erm_data_read_file reads back exactly: every coordinate as an
   integer or p/q in lowest terms, the label last. */
int cpwl_pbtrain_write_csv(const char *path, const cpwl_erm_data_t data,
                           cpwl_err_t e);

/* The certificate of `cpwl pacbayes certify` for the 0-1 loss: e_N from
   `samples` networks of Q (cpwl_stochnet_risk_loss with seed), the
   sample-convergence bound kl^{-1}(e_N, ln(2/delta')/N) rounded up to
   `digits` digits (and to at most 1), certified KL(Q || P) (plus the
   union term of a grid prior), and the PAC-Bayes bound of kind with
   q = that rounded bound. */
typedef struct
{
    arb_t kl;                   /* cpwl_gauss_kl */
    arb_t union_term;
    arb_t emp_upper;            /* kl^{-1}(e_N, ...) enclosure */
    fmpq_t emp_upper_q;         /* rounded up, <= 1: the q of the bound */
    cpwl_stochnet_risk_t R;     /* e_N (R->emp), draws, decisions */
    cpwl_pacbayes_bound_t B;    /* the bound; B->upper the certificate */
}
cpwl_pbtrain_cert_struct;

typedef cpwl_pbtrain_cert_struct cpwl_pbtrain_cert_t[1];

void cpwl_pbtrain_cert_init(cpwl_pbtrain_cert_t C);
void cpwl_pbtrain_cert_clear(cpwl_pbtrain_cert_t C);

int cpwl_pbtrain_certify(cpwl_pbtrain_cert_t C, const cpwl_stochnet_t Q,
                         const cpwl_stochnet_t P, const cpwl_erm_data_t data,
                         cpwl_pacbayes_kind kind, const fmpq_t delta,
                         const fmpq_t delta_samples, slong samples,
                         uint64_t seed, slong digits, slong prec,
                         volatile sig_atomic_t *stop,
                         cpwl_stochnet_progress_fn progress,
                         void *progress_data, cpwl_err_t e);

#endif
