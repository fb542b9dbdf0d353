/* Training a ReLU gate y = relu(<w*, x>) with the non-gradient Tron
   iteration (thesis, chapter 3; Karmakar-Mukherjee, "Provable training of
   a ReLU gate with an iterative non-gradient algorithm", arXiv
   2005.04211), its relatives, and SGD for comparison, run in any
   arithmetic of module arith (exact rationals, Arb balls, emulated IEEE
   formats).  Iterates are numbered as in module optim: w_1 is the
   starting point, step t maps w_t to w_{t+1}.

   Every algorithm is w_{t+1} = w_t + c (sum_i d(w_t; x_i, y_i)) with
     tron        d = (y - relu(<w, x>)) x
     glm-tron    d = (y - u(<w, x>)) x,  u = relu or the identity
                 (Kakade-Kanade-Shamir-Kalai 2011; always the full sum)
     neuro-tron  d = (y - f_w(x)) M x,  f_w(x) = (1/k) sum_j relu(<w, A_j x>)
                 (fixed A_j, r x n, and M, r x n; w in Q^r)
     sgd         d = (y - relu(z)) relu'(z) x,  z = <w, x>: minus the
                 gradient of (1/2)(relu(<w, x>) - y)^2, relu'(0) explicit
   where, in population mode, the sum is the expectation over a finite
   distribution (sum_k p_k d(w_t; x_k, y_k), c = eta), and online, a
   batch of b fresh draws (c = eta / b, the constant computed exactly
   and rounded once).  Order of operations (each one rounding in a float
   format): z = dot(w, x) left to right; r = y - relu(z) (neuro-tron:
   f = (relu(z_1) + ... + relu(z_k)) * (1/k)); s = p_k r (population);
   u_j = u_j + s x_j for k (or i) in order, from u = 0; then
   w_j = w_j + c u_j.  The labels are exact: y = relu(<w*, x>) (or
   f_{w*}(x)) plus the poisoning, computed exactly and entered once.

   Poisoning (the adversary of the chapter): y = relu(<w*, x>) + a xi
   with a ~ Bernoulli(beta) and |xi| = theta, xi's sign random (+ or -
   with probability 1/2 each) or worst-case: the sign of
   <w_t - w*, x> (of <w_t - w*, M x> for neuro-tron; + when it is 0),
   which moves w_{t+1} away from w*.  In population mode the expectation
   is taken over a and xi too (exactly: beta theta E[s(x) x] for the
   worst case, 0 for the random sign). */
#ifndef CPWL_TRON_H
#define CPWL_TRON_H

#include <signal.h>
#include <stdint.h>
#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"
#include "cpwl/arith.h"
#include "cpwl/dist.h"
#include "cpwl/pred.h"

typedef enum
{
    CPWL_TRON_TRON = 0,
    CPWL_TRON_GLM,
    CPWL_TRON_NEURO,
    CPWL_TRON_SGD
}
cpwl_tron_algo;

typedef enum
{
    CPWL_TRON_POPULATION = 0,   /* the expectation over a finite support */
    CPWL_TRON_ONLINE            /* b fresh draws per step */
}
cpwl_tron_mode;

typedef enum
{
    CPWL_TRON_ADV_NONE = 0,
    CPWL_TRON_ADV_RANDOM,       /* xi = +theta or -theta, 1/2 each */
    CPWL_TRON_ADV_WORST         /* xi = theta sign(<w_t - w*, x>) */
}
cpwl_tron_adversary;

typedef struct
{
    cpwl_tron_algo algo;
    int link_identity;          /* glm-tron: u = identity (default relu) */
    int relu_d0;                /* sgd: relu'(0), 0 (default) or 1 */
    fmpq_t eta;                 /* step (default 1) */
    slong batch;                /* online: b (default 1) */
    slong steps;                /* T (default 100) */
    cpwl_tron_mode mode;        /* default population */
    uint64_t seed;              /* online draws and poisoning */
    cpwl_tron_adversary adv;    /* default none */
    fmpq_t beta, theta;         /* poisoning: 0 <= beta <= 1, theta >= 0 */
    /* neuro-tron: k filters A_j (k x r x n, row-major: A[(j r + a) n + b])
       and M (r x n); set with cpwl_tron_opts_set_neuro */
    slong k, r, n;
    fmpq *A, *M;
}
cpwl_tron_opts_struct;

typedef cpwl_tron_opts_struct cpwl_tron_opts_t[1];

void cpwl_tron_opts_init(cpwl_tron_opts_t o);
void cpwl_tron_opts_clear(cpwl_tron_opts_t o);

/* "tron", "glm-tron" (relu link), "glm-tron:identity", "neuro-tron",
   "sgd": 1 and o->algo (and link) set; 0 if s names none. */
int cpwl_tron_algo_from_str(cpwl_tron_opts_t o, const char *s);
const char *cpwl_tron_algo_name(const cpwl_tron_opts_t o);

/* "random", "worst": 1 and the adversary; 0 if s names none. */
int cpwl_tron_adversary_from_str(cpwl_tron_adversary *a, const char *s);
const char *cpwl_tron_adversary_name(cpwl_tron_adversary a);

/* Copy the neuro-tron matrices (k x r x n filters, r x n M). */
void cpwl_tron_opts_set_neuro(cpwl_tron_opts_t o, slong k, slong r, slong n,
                              const fmpq *A, const fmpq *M);

typedef struct
{
    const cpwl_tron_opts_struct *opts;
    const cpwl_dist_struct *D;
    cpwl_arith_struct *A;
    slong n;                    /* dimension of x */
    slong r;                    /* dimension of w (n, or neuro-tron's r) */
    slong t;                    /* the current iterate is w_t */
    int have_wstar;
    fmpq *wstar;                /* w* exactly (r; when have_wstar) */
    cpwl_val_ptr w;             /* w_t (r) */
    cpwl_val_ptr u;             /* the last step's sum (r) */
    slong K;                    /* rows of a finite support (0: continuous) */
    cpwl_val_ptr X;             /* the support in A (K x n; neuro-tron:
                                   the vectors A_j x_k, K x k x r) */
    cpwl_val_ptr MX;            /* neuro-tron: M x_k (K x r) */
    cpwl_val_ptr P;             /* population: the probabilities (K) */
    cpwl_val_ptr Y;             /* the clean labels of the support (K) */
    fmpq *Xq;                   /* the support's exact features (K x n, or
                                   neuro-tron's A_j x_k, K x k x r) */
    fmpq *MXq;                  /* neuro-tron: M x_k exactly (K x r) */
    fmpq *Yq;                   /* the exact clean labels (K) */
    cpwl_val_ptr Yp, Ym;        /* population, worst-case poisoning: the
                                   expected labels y_k + beta theta and
                                   y_k - beta theta, exact, entered once */
    cpwl_val_struct c_step, c_1k, s0, s1, s2;
    fmpq *xq;                   /* online, continuous: a draw, its
                                   features, M x (n + fw + r scratch) */
    cpwl_val_ptr xv, mxv;       /* online: the draw in A (n or k r; r) */
    cpwl_val_ptr wsv, dv;       /* w* in A; w_t - w* (worst-case adversary) */
    cpwl_pred_ctx_t pred;       /* exact sign decisions */
    uint64_t rng;
    ulong draws, poisoned;      /* online: points drawn, labels poisoned */
}
cpwl_tron_struct;

typedef cpwl_tron_struct cpwl_tron_t[1];

/* Set up a run of o on D in arithmetic A from w1 (r exact rationals,
   entered once), with labels from wstar (r exact rationals; may be NULL
   only for DATA, whose labels are given; then no distances).
   Refuses (CPWL_ERR_INPUT, message in e): population mode on a
   continuous law, a step eta <= 0, b < 1, poisoning with beta outside
   [0, 1] or theta < 0, the worst-case adversary without w*, neuro-tron
   without its matrices or with an x of another length, glm-tron online.
   o, D and A must outlive R. */
int cpwl_tron_init(cpwl_tron_t R, const cpwl_tron_opts_t o,
                   const cpwl_dist_t D, const fmpq *wstar, const fmpq *w1,
                   cpwl_arith_t A, cpwl_err_t e);
void cpwl_tron_clear(cpwl_tron_t R);

/* One step w_t -> w_{t+1}.  Returns 0; 1 when the arithmetic failed
   (message in e); 2 when a ball could not decide a relu's sign (Arb;
   message in e, w_t kept): the enclosure is lost at step t. */
int cpwl_tron_step(cpwl_tron_t R, cpwl_err_t e);

/* One step with the batch given: rows idx[0..b-1] of the finite support
   with their clean labels, c = eta / b, no poisoning (whatever R's mode).
   For the exact law of the iterate (cpwl_tron_law). */
int cpwl_tron_step_rows(cpwl_tron_t R, const slong *idx, slong b,
                        cpwl_err_t e);

/* |w_t - w*|^2: exactly when w_t is exact (exact arithmetic, or a finite
   float), returning 1; 0 otherwise (r unchanged). */
int cpwl_tron_dist2_fmpq(fmpq_t r, const cpwl_tron_t R);
/* An enclosure of |w_t - w*|^2 at prec (the exact value when known). */
void cpwl_tron_dist2_arb(arb_t r, const cpwl_tron_t R, slong prec);

/* The squared loss of the iterate, (1/2) E[(y - pred_{w_t}(x))^2] over
   a finite support with its clean labels (the data's for DATA; pred the
   algorithm's: relu(<w, x>), <w, x> for glm-tron:identity, f_w(x) for
   neuro-tron), as a ball at prec; indeterminate for a continuous law. */
void cpwl_tron_loss_arb(arb_t r, const cpwl_tron_t R, slong prec);

/* Set w_t to the exact w (r entries), t unchanged (exact law). */
void cpwl_tron_set_w(cpwl_tron_t R, const fmpq *w);

/* Called at every iterate w_t, t = 1 ... T + 1; nonzero stops the run. */
typedef int (*cpwl_tron_visit_fn)(const cpwl_tron_struct *R, void *data);

typedef struct
{
    slong steps_done;
    slong lost;                 /* Arb: the first t whose enclosure was
                                   lost, 0 if none */
    char why[160];
    slong prec;                 /* Arb: the precision of the last attempt */
    int stopped;                /* the visitor stopped the run */
    ulong draws, poisoned;
}
cpwl_tron_result_struct;

/* Run o->steps steps from w1, calling visit (may be NULL) at each
   iterate; Arb: as cpwl_optim_run (an enclosure wider than
   rel max(1, |mid|) or an undecided sign is lost; with max_prec above
   A->prec the whole run is repeated at doubled precision).  Returns
   CPWL_OK or an error code with a message in e. */
int cpwl_tron_run(cpwl_tron_result_struct *res, const cpwl_tron_opts_t o,
                  const cpwl_dist_t D, const fmpq *wstar, const fmpq *w1,
                  cpwl_arith_t A, double rel, slong max_prec,
                  cpwl_tron_visit_fn visit, void *data, cpwl_err_t e);

/* A training set of N draws from D with labels relu(<w*, x>) (neuro-tron:
   f_{w*}(x); for DATA the drawn rows' own labels, and wstar may be NULL),
   each poisoned by o's adversary when it is the random one
   (the worst case needs the iterate: online only), as DATA (out
   initialised by the caller).  Seeded by o->seed. */
int cpwl_tron_draw_set(cpwl_dist_t out, const cpwl_tron_opts_t o,
                       const cpwl_dist_t D, const fmpq *wstar, slong N,
                       cpwl_err_t e);

/* ---- The certificate of the contraction (src/tron/cert.c) ----

   For Tron with batch b on a symmetric distribution (x and -x equally
   likely) with Sigma = E[x x^T] positive definite:
     E |w_{t+1} - w*|^2 <= (1 - eta lmin + eta^2 c_b) E |w_t - w*|^2,
     c_b = lmax(M) / b + (1 - 1/b) lmax(Sigma)^2 / 4,
   lmin = lambda_min(Sigma), M = E[|x|^2 x x^T]; at eta* = lmin / (2 c_b)
   the factor is rho* = 1 - lmin^2 / (4 c_b).  (By symmetry E[update] =
   (eta/2) Sigma (w* - w_t): relu(z) = (z + |z|)/2 and |<w, x>| x is odd.) */
typedef struct
{
    int symmetric;
    slong witness;              /* not symmetric: a row whose mirror has
                                   another probability (-1: none named) */
    fmpq_mat_t Sigma, M;        /* exact */
    slong batch;
    int rational;               /* lmin, lmax(Sigma), lmax(M) are rational
                                   (then the *_q below hold them) */
    fmpq_t lmin_q, lmaxS_q, lmaxM_q;
    arb_t lmin, lmaxS, lmaxM;   /* rigorous enclosures (exact when rational) */
    arb_t cb, eta_star, rho_star;
    fmpq_t eta;                 /* the step the check uses: the given one,
                                   or eta* when rational, else the
                                   simplest rational within a relative
                                   2^-20 of eta* */
    arb_t rho;                  /* 1 - eta lmin + eta^2 c_b (enclosure) */
    int rho_exact;              /* rho is rational (rho_q) */
    fmpq_t rho_q;
}
cpwl_tron_cert_struct;

typedef cpwl_tron_cert_struct cpwl_tron_cert_t[1];

void cpwl_tron_cert_init(cpwl_tron_cert_t C);
void cpwl_tron_cert_clear(cpwl_tron_cert_t C);

/* Compute the certificate for D (FINITE, DATA, or a continuous law with
   its exact moments) and batch b; eta (may be NULL: derived) the step.
   Returns CPWL_OK, or CPWL_ERR_INPUT when Sigma is singular (lmin = 0:
   no contraction; message in e), b < 1, eta <= 0, or x has more than
   CPWL_SYMEIG_MAX coordinates (checked before the moments). */
int cpwl_tron_cert_compute(cpwl_tron_cert_t C, const cpwl_dist_t D, slong b,
                           const fmpq_t eta, slong prec, cpwl_err_t e);

/* Check d[t-1] <= rho^(t-1) d[0] for t = 1 ... T (d exact squared
   distances of a trajectory).  Returns the first t that violates it (0
   if none); *undecided the number of t for which the enclosure of rho
   at prec could not decide (counted as neither). */
slong cpwl_tron_cert_check(slong *undecided, const cpwl_tron_cert_t C,
                           const fmpq *d, slong T, slong prec);

/* The deviation from the linear recursion of the symmetric case:
   gap = E[(y - relu(<w, x>)) x] - (1/2) Sigma (w* - w)
       = (1/2) E[(|<w*, x>| - |<w, x>|) x], exactly (n entries), for a
   finite D; zero at every w when D is symmetric. */
void cpwl_tron_linear_gap(fmpq *gap, const cpwl_dist_t D, const fmpq *wstar,
                          const fmpq *w);

/* ---- The exact law of the online iterate (src/tron/law.c) ----

   For a finite D, no poisoning: the distribution of w_t over the draws,
   as a set of distinct states with exact probabilities, stepped by
   enumerating the C(K + b - 1, b) batches (multisets, multinomial
   weights) and merging equal states.  Ed2[t-1] = E |w_t - w*|^2 exactly
   for t = 1 ... *t_done (<= o->steps + 1): the run stops before a step
   whose states would pass max_states, and when *stop (polled between
   states; may be NULL) is set (Ctrl-C). */
int cpwl_tron_law(fmpq *Ed2, slong *t_done, slong *states,
                  const cpwl_tron_opts_t o, const cpwl_dist_t D,
                  const fmpq *wstar, const fmpq *w1, slong max_states,
                  volatile sig_atomic_t *stop, cpwl_err_t e);

#endif
