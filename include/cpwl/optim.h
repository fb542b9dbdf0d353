/* The optimiser engine: x_{t+1} = step(x_t, gradient, state) for the
   algorithms below, written once and run in any arithmetic of module
   arith (exact rationals, Arb balls, emulated IEEE formats).  Every
   formula is evaluated left to right, one rounding per operation, with
   the constants rounded once when the run starts; docs/optim.md states
   each algorithm's order.  Iterates are numbered so that
   x_1 is the starting point and step t maps x_t to x_{t+1}.

   Algorithms and forms (component-wise; g_t the gradient, or the
   mini-batch estimate, at x_t):
     gd          x = x - a g
     sgd         the same with g = (N / b) sum_{i in B_t} grad f_i
     heavy-ball  u = mu u - a g;  x = x + u                   (u_0 = 0)
     nag         y = x + mu u;  g = grad f(y);  u = mu u - a g;  x = x + u
     rmsprop:paper       v = b2 v + (1 - b2)(g g + xi);  x = x - a g / sqrt(v)
     rmsprop:pytorch     v = b2 v + (1 - b2)(g g);  x = x - a g / (sqrt(v) + eps)
     rmsprop:tensorflow  v as pytorch;  x = x - a g / sqrt(v + eps)
     adam:paper      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2)(g g);
                     x = x - a m / (sqrt(v) + xi)          (m_0 = v_0 = 0)
     adam:kingma-ba  m, v as paper;  mh = m / (1 - b1^t);  vh = v / (1 - b2^t);
                     x = x - a mh / (sqrt(vh) + eps)
   amsgrad (adam): v is replaced, in the update only, by the running
   maximum of v (of vh for kingma-ba).  The step a is a, or a / sqrt(t)
   with the sqrt schedule. */
#ifndef CPWL_OPTIM_H
#define CPWL_OPTIM_H

#include <stdint.h>
#include <flint/fmpq.h>
#include "cpwl/err.h"
#include "cpwl/arith.h"
#include "cpwl/objective.h"

typedef enum
{
    CPWL_OPTIM_GD = 0,
    CPWL_OPTIM_SGD,
    CPWL_OPTIM_HEAVY_BALL,
    CPWL_OPTIM_NAG,
    CPWL_OPTIM_RMSPROP,
    CPWL_OPTIM_ADAM
}
cpwl_optim_algo;

typedef enum
{
    CPWL_OPTIM_FORM_PAPER = 0,
    CPWL_OPTIM_FORM_PYTORCH,
    CPWL_OPTIM_FORM_TENSORFLOW,
    CPWL_OPTIM_FORM_KINGMA_BA
}
cpwl_optim_form;

typedef enum
{
    CPWL_OPTIM_SCHEDULE_CONST = 0,
    CPWL_OPTIM_SCHEDULE_SQRT    /* a_t = a / sqrt(t) */
}
cpwl_optim_schedule;

typedef struct
{
    cpwl_optim_algo algo;
    cpwl_optim_form form;       /* rmsprop: paper, pytorch, tensorflow;
                                   adam: paper, kingma-ba */
    int amsgrad;
    cpwl_optim_schedule schedule;
    fmpq_t lr, momentum, beta1, beta2, xi, eps;  /* exact constants */
    slong steps;                /* T: the run computes x_2 ... x_{T+1} */
    slong batch;                /* sgd: b (1 <= b <= N) */
    int replace;                /* sgd: 1 sample with replacement, 0 each
                                   epoch a fresh permutation cut into
                                   batches (an incomplete last batch is
                                   dropped) */
    uint64_t seed;              /* sgd sampling */
    int kahan;                  /* compensated update x = x - d in a float
                                   format (exact and Arb update plainly) */
}
cpwl_optim_opts_struct;

typedef cpwl_optim_opts_struct cpwl_optim_opts_t[1];

/* Defaults: gd, constant step a = 1/100, mu = 9/10, b1 = 9/10,
   b2 = 999/1000, xi = eps = 10^-8, 100 steps, batch 1 with replacement,
   seed 0, no amsgrad, no kahan; form paper. */
void cpwl_optim_opts_init(cpwl_optim_opts_t o);
void cpwl_optim_opts_clear(cpwl_optim_opts_t o);

/* "gd", "sgd", "heavy-ball", "nag", "rmsprop[:paper|pytorch|tensorflow]",
   "adam[:paper|kingma-ba]": 1 and o->algo, o->form set; 0 if s names
   none. */
int cpwl_optim_algo_from_str(cpwl_optim_opts_t o, const char *s);
/* "rmsprop:paper", ... */
const char *cpwl_optim_algo_name(char *buf, const cpwl_optim_opts_t o);

/* 1 if the algorithm takes square roots (then exact arithmetic is
   refused). */
int cpwl_optim_needs_sqrt(const cpwl_optim_opts_t o);

typedef struct
{
    const cpwl_optim_opts_struct *opts;
    cpwl_objective_struct *obj;
    cpwl_arith_struct *A;
    slong dim;
    slong t;                    /* the current iterate is x_t */
    cpwl_val_ptr x;             /* x_t */
    cpwl_val_ptr g;             /* the gradient used by the last step */
    cpwl_val_ptr m, v, vmax, u, comp;   /* state (as the algorithm needs) */
    cpwl_val_ptr y;             /* nag: look-ahead point; scratch */
    cpwl_val_struct c_lr, c_mom, c_b1, c_1mb1, c_b2, c_1mb2, c_xi, c_eps,
        c_scale;                /* constants, rounded once */
    cpwl_val_struct s0, s1, s2; /* scratch */
    cpwl_val_struct p1, p2;     /* adam:kingma-ba: b1^t, b2^t (running) */
    cpwl_val_struct c_one;      /* 1 */
    cpwl_val_struct c_lo, c_hi; /* the objective's box, when it has one */
    ulong stagnant;             /* float: updates d != 0 that left x unchanged */
    slong *batch;               /* sgd: the current batch's terms */
    slong *perm;                /* sgd without replacement: the epoch */
    slong perm_pos;
    uint64_t rng;               /* sgd sampling */
}
cpwl_optim_struct;

typedef cpwl_optim_struct cpwl_optim_t[1];

/* Set up a run of o on the objective in arithmetic A from x1 (exact
   rationals, entered with cpwl_val_set_fmpq, then projected if the
   objective has a box).  Returns CPWL_OK, or refuses (CPWL_ERR_INPUT,
   message in e) what the arithmetic cannot do (exact with a square root
   in the algorithm or the objective), a step or constant out of range,
   sgd on an objective that is not a finite sum.  opts, O and A must
   outlive R. */
int cpwl_optim_init(cpwl_optim_t R, const cpwl_optim_opts_t o,
                    cpwl_objective_t O, const fmpq *x1, cpwl_arith_t A,
                    cpwl_err_t e);
void cpwl_optim_clear(cpwl_optim_t R);

/* Arb: use the ball lr as the step a instead of the rounded o->lr (a
   step that is not rational, e.g. a theorem's); other arithmetics:
   nothing.  Call after cpwl_optim_init. */
void cpwl_optim_set_lr_arb(cpwl_optim_t R, const arb_t lr);

/* One step: x_t -> x_{t+1}, t -> t + 1.  Returns 0; 1 when the
   objective or the arithmetic failed (message in e); 2 when the
   objective could not decide a sign in Arb (message in e; x_t kept): the
   enclosure is lost at step t. */
int cpwl_optim_step(cpwl_optim_t R, cpwl_err_t e);

/* Arb: 1 if every component of x_t is a finite ball of radius at most
   rel * max(1, |midpoint|) (the enclosure still means something);
   other arithmetics: 1 if every component is finite. */
int cpwl_optim_enclosure_ok(const cpwl_optim_t R, double rel);

/* Exact arithmetic: the largest numerator or denominator of x_t's
   entries, in bits (0 in other arithmetics). */
slong cpwl_optim_exact_bits(const cpwl_optim_t R);

/* Called at every iterate x_t, t = 1 (before the first step) ... T + 1,
   with R->t = t; a nonzero return stops the run (Ctrl-C). */
typedef int (*cpwl_optim_visit_fn)(const cpwl_optim_struct *R, void *data);

typedef struct
{
    slong steps_done;           /* steps carried out (T unless stopped) */
    slong lost;                 /* Arb: the first t whose x_t failed
                                   cpwl_optim_enclosure_ok, or at which
                                   the objective could not decide a sign
                                   (the run stops there), 0 if none */
    char why[160];              /* Arb: why the enclosure was lost */
    slong prec;                 /* Arb: the precision of the last attempt */
    int stopped;                /* the visitor stopped the run */
}
cpwl_optim_result_struct;

/* Run o->steps steps from x1 in A, calling visit (may be NULL) at each
   iterate.  Arb: the run stops at the first iterate whose enclosure is
   lost (cpwl_optim_enclosure_ok with rel); with max_prec > A->prec the
   whole run is repeated at doubled precision until no enclosure is lost
   or the precision would exceed max_prec (visit sees t = 1 again at each
   attempt; A->prec is left at the last attempt's).  Returns CPWL_OK, or
   CPWL_ERR_INPUT / CPWL_ERR_INTERNAL with a message in e. */
int cpwl_optim_run(cpwl_optim_result_struct *res, const cpwl_optim_opts_t o,
                   cpwl_objective_t O, const fmpq *x1, cpwl_arith_t A,
                   double rel, slong max_prec, cpwl_optim_visit_fn visit,
                   void *data, cpwl_err_t e);

/* ------------------------------------------------------------------------
   The fast path: the same algorithms in the machine's binary64 (double)
   or binary32 (float) on plain arrays, for training networks of 10^5 to
   10^6 parameters (module mlp).  The step is the engine's step: one
   definition of each algorithm (src/optim/optim_rule.h) instantiated
   for module arith's values and for the native types, with the same
   operations in the same order and the constants rounded once, so that
   from the same iterate and gradient a fast step gives bit for bit the
   engine's step in the binary64 or binary32 arithmetic (round to
   nearest).  The caller computes the gradient (of a mini-batch loss, for
   every algorithm: sgd is gd on the caller's estimate, no N / b scale),
   at the point cpwl_optim_fast_point_* gives (nag's look-ahead).  No
   box, no stochastic rounding.
   ------------------------------------------------------------------------ */

typedef struct
{
    const cpwl_optim_opts_struct *opts;
    int single;                 /* 1: float arrays, 0: double arrays */
    slong dim;
    slong t;                    /* the current iterate is x_t */
    ulong stagnant;             /* updates d != 0 that left x unchanged */
    double *md, *vd, *vmaxd, *ud, *compd, *yd;      /* state, binary64 */
    double c_lrd, c_momd, c_b1d, c_1mb1d, c_b2d, c_1mb2d, c_xid, c_epsd,
        c_oned, p1d, p2d;
    float *mf, *vf, *vmaxf, *uf, *compf, *yf;       /* state, binary32 */
    float c_lrf, c_momf, c_b1f, c_1mb1f, c_b2f, c_1mb2f, c_xif, c_epsf,
        c_onef, p1f, p2f;
}
cpwl_optim_fast_struct;

typedef cpwl_optim_fast_struct cpwl_optim_fast_t[1];

/* A run of o (o->steps and o->batch are the caller's) on dim parameters
   in binary32 (single = 1) or binary64: CPWL_OK, or CPWL_ERR_INPUT
   (message in e) for constants out of range, as cpwl_optim_init.  o must
   outlive R.  The iterate is the caller's array; t starts at 1. */
int cpwl_optim_fast_init(cpwl_optim_fast_t R, const cpwl_optim_opts_t o,
                         slong dim, int single, cpwl_err_t e);
void cpwl_optim_fast_clear(cpwl_optim_fast_t R);

/* The point at which step t takes its gradient: x itself (returned,
   y untouched), or nag's look-ahead y = x + mu u (written into y, which
   must not be x, and returned). */
const double *cpwl_optim_fast_point_d(double *y, const cpwl_optim_fast_t R,
                                      const double *x);
const float *cpwl_optim_fast_point_f(float *y, const cpwl_optim_fast_t R,
                                     const float *x);

/* One step x_t -> x_{t+1} in place with the gradient g taken at that
   point; t -> t + 1. */
void cpwl_optim_fast_step_d(cpwl_optim_fast_t R, double *x, const double *g);
void cpwl_optim_fast_step_f(cpwl_optim_fast_t R, float *x, const float *g);

#endif
