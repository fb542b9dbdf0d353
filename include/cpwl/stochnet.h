/* Stochastic ReLU networks: a cpwl network whose weights and biases are
   independent Gaussians (a PAC-Bayes posterior or prior, thesis chapter 6),
   the Monte-Carlo estimate of the empirical risk of the stochastic
   classifier on a data set, and the certified bound on its true empirical
   risk.

   Parameters are numbered layer by layer, in each layer the weights row by
   row and then the biases (cpwl_stochnet_num_params of them); module gauss
   holds their means and standard deviations (binary64 numbers).  Leaky
   slopes and other activation parameters are fixed, not random.

   A sampled network has the binary64 weights w_i = mu_i + sigma_i xi_i,
   xi_i standard normal draws from a seeded generator (docs/pacbayes.md);
   the sampled network is exactly the network with those binary64 weights.

   Its 0-1 loss on a labelled point (x, y): with one output f(x), the
   prediction is 1 when f(x) > 0 and 0 otherwise (z = 0 is off); with k >= 2
   outputs, the prediction is the index of the largest output, ties to the
   lowest index.  Each decision is taken in double when the proven error
   bound of the batched double path decides it, and otherwise exactly
   (the predicate layer), so every counted mistake is exact for the
   sampled network.

   The bounded cross-entropy (Perez-Ortiz, Rivasplata, Shawe-Taylor and
   Szepesvari 2021, "PBB"): with p = softmax(f(x)) (k >= 2 outputs; one
   output: p_1 = sigmoid(f(x)), p_0 = 1 - p_1, the softmax of (0, f(x))),
   l(x, y) = min(-ln p_y, ln(1/p_min)) / ln(1/p_min) in [0, 1], p_min a
   rational in (0, 1).  Each loss is enclosed in Arb from balls around the
   double outputs (radius their proven error bound), or from the exact
   outputs where the double bound is infinite or too loose, and the
   average over the draws and points is bounded above by a rational.

   Sample convergence (Langford and Caruana 2002, as Dziugaite and Roy
   2017 use it): with e_N the average empirical risk of N sampled networks,
   the empirical risk of the stochastic classifier is at most
   kl^{-1}(e_N, ln(2/delta')/N) with probability 1 - delta' over the
   draws; it holds for any loss with values in [0, 1] (Maurer 2004), and
   it is non-decreasing in e_N, so an upper bound on e_N may stand for it.
   The PAC-Bayes bound is then taken with that upper bound as its
   q; the certificate holds with probability 1 - delta - delta'. */
#ifndef CPWL_STOCHNET_H
#define CPWL_STOCHNET_H

#include <signal.h>
#include <stdint.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"
#include "cpwl/net.h"
#include "cpwl/erm.h"
#include "cpwl/gauss.h"
#include "cpwl/pacbayes.h"

typedef struct
{
    cpwl_net_t net;             /* shape, activations; weights = the means */
    cpwl_gauss_t w;             /* the distribution of the parameters */
    double sigma;               /* the shared binary64 sigma, or 0 (per
                                   parameter in w, or from a grid) */
    slong grid_j;               /* >= 1: the shared variance is the grid
                                   point c e^{-j/b}; 0: not from a grid */
    slong grid_b;
    fmpq_t grid_c;
}
cpwl_stochnet_struct;

typedef cpwl_stochnet_struct cpwl_stochnet_t[1];

void cpwl_stochnet_init(cpwl_stochnet_t S);
void cpwl_stochnet_clear(cpwl_stochnet_t S);

/* Weights and biases of the net, in parameter order. */
slong cpwl_stochnet_num_params(const cpwl_net_t net);

/* Read a cpwl-gauss file (docs/formats.md): messages give the file, the
   JSON path and line:col.  How many means or deviations were decimals
   that are not binary64 numbers (rounded to nearest once, when read) is
   stored in *rounded (may be NULL). */
int cpwl_stochnet_read_str(cpwl_stochnet_t S, slong *rounded, const char *text,
                           size_t len, const char *where, cpwl_err_t e);
int cpwl_stochnet_read_file(cpwl_stochnet_t S, slong *rounded, const char *path,
                            cpwl_err_t e);

/* The prior and the posterior must have the same shape (layers, widths,
   activations); the message says where they differ. */
int cpwl_stochnet_compatible(const cpwl_stochnet_t P, const cpwl_stochnet_t Q,
                             cpwl_err_t e);

/* The generator: splitmix64 (Steele, Lea, Flood 2014) advances *rng and
   returns 64 bits; cpwl_stochnet_normals fills xi[0..n) with standard
   normal draws by the Marsaglia polar method in double (uniforms
   2^-52 k - 1 from the top 53 bits; pairs, the second of a last pair
   dropped), a sequence fixed by the seed alone. */
uint64_t cpwl_stochnet_splitmix64(uint64_t *rng);
void cpwl_stochnet_normals(double *xi, slong n, uint64_t *rng);

/* Draw one network's parameters (binary64, parameter order) from the
   splitmix64 state *rng: w_i = mu_i + sigma_i xi_i (two roundings: the
   product, then the sum), xi = cpwl_stochnet_normals(num_params).
   CPWL_ERR_INPUT when S's variance comes from a grid (its sigma is not a
   binary64 number: such a file can be a prior, not a posterior) or a
   drawn value overflows binary64 (the message names the parameter). */
int cpwl_stochnet_draw(double *w, const cpwl_stochnet_t S, uint64_t *rng,
                       cpwl_err_t e);

/* The network with the parameters w (parameter order) of S's shape in
   net (initialised; replaced and prepared): exactly those binary64
   values. */
void cpwl_stochnet_sample_net(cpwl_net_t net, const cpwl_stochnet_t S,
                              const double *w);

/* The loss whose average the Monte-Carlo risk estimates. */
typedef enum
{
    CPWL_STOCHNET_LOSS_01 = 0,      /* the 0-1 loss (mistakes) */
    CPWL_STOCHNET_LOSS_BCE = 1      /* the bounded cross-entropy */
}
cpwl_stochnet_loss_kind;

typedef struct
{
    cpwl_stochnet_loss_kind kind;
    fmpq_t p_min;               /* bounded cross-entropy: in (0, 1) */
}
cpwl_stochnet_loss_struct;

typedef cpwl_stochnet_loss_struct cpwl_stochnet_loss_t[1];

/* The 0-1 loss, with p_min = 1/10000 (PBB's default) for a later switch
   to the bounded cross-entropy. */
void cpwl_stochnet_loss_init(cpwl_stochnet_loss_t L);
void cpwl_stochnet_loss_clear(cpwl_stochnet_loss_t L);

/* "01" or "bce" to the kind, else -1; and back. */
int cpwl_stochnet_loss_from_name(const char *name);
const char *cpwl_stochnet_loss_name(cpwl_stochnet_loss_kind kind);

/* The bounded cross-entropy of the class y (0 <= y < max(2, k)) from
   enclosures f[0..k) of the k outputs and c, an enclosure of
   ln(1/p_min) > 0: res contains min(-ln p_y, c) / c and lies in [0, 1]
   (computed as logsumexp(f) - f_y, shifted by the largest midpoint); the
   whole [0, 1] when c may be <= 0. */
void cpwl_stochnet_bce(arb_t res, arb_srcptr f, slong k, slong y,
                       const arb_t c, slong prec);

/* The Monte-Carlo empirical risk. */
typedef struct
{
    slong samples;              /* networks drawn so far */
    slong points;               /* data points m */
    cpwl_stochnet_loss_kind loss;
    fmpz_t mistakes;            /* 0-1: over all draws and points */
    fmpq_t emp;                 /* 0-1: mistakes / (samples points), exact;
                                   bounded cross-entropy: an upper bound
                                   on the average e_N, (the sum of the
                                   losses' upper ends, each rounded up to
                                   a multiple of 2^-128) / (samples
                                   points), exact */
    arb_t emp_enclosure;        /* an enclosure of e_N (contains emp when
                                   the loss is 0-1) */
    slong decided_double;       /* decisions (losses) the double bound
                                   took */
    slong decided_exact;        /* decisions (losses) redone exactly */
    int stopped;                /* stopped before all samples were drawn */
}
cpwl_stochnet_risk_struct;

typedef cpwl_stochnet_risk_struct cpwl_stochnet_risk_t[1];

void cpwl_stochnet_risk_init(cpwl_stochnet_risk_t R);
void cpwl_stochnet_risk_clear(cpwl_stochnet_risk_t R);

/* Progress callback: draws done of total. */
typedef void (*cpwl_stochnet_progress_fn)(void *data, slong done, slong total);

/* Draw `samples` networks from Q with seed (the state of the generator
   before the first draw; draw s uses the state draw s - 1 left) and
   count the 0-1 mistakes on data (labels the last column, integers 0 ..
   k-1, k = max(2, outputs); the message names the data point otherwise);
   stop (when non-NULL and set) ends between draws with the draws done so
   far (then R->stopped = 1 and the result is the risk of those draws). */
int cpwl_stochnet_risk(cpwl_stochnet_risk_t R, const cpwl_stochnet_t Q,
                       const cpwl_erm_data_t data, slong samples, uint64_t seed,
                       volatile sig_atomic_t *stop,
                       cpwl_stochnet_progress_fn progress, void *progress_data,
                       cpwl_err_t e);

/* The same for the loss L: as above for the 0-1 loss; for the bounded
   cross-entropy R->emp bounds the average above and R->emp_enclosure
   encloses it (p_min outside (0, 1) is CPWL_ERR_INPUT). */
int cpwl_stochnet_risk_loss(cpwl_stochnet_risk_t R, const cpwl_stochnet_t Q,
                            const cpwl_erm_data_t data,
                            const cpwl_stochnet_loss_t L, slong samples,
                            uint64_t seed, volatile sig_atomic_t *stop,
                            cpwl_stochnet_progress_fn progress,
                            void *progress_data, cpwl_err_t e);

/* The upper bound kl^{-1}(emp, ln(2/delta')/N) on the true empirical risk
   (an enclosure; its upper end is the bound): emp in [0, 1], samples =
   N >= 1, 0 < delta' < 1.  For a loss in [0, 1] other than 0-1, emp may
   be any upper bound on the average e_N (such as R->emp). */
int cpwl_stochnet_risk_upper(arb_t res, const fmpq_t emp, slong samples,
                             const fmpq_t delta_prime, slong prec, cpwl_err_t e);

#endif
