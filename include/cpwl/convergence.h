/* Chapter 5 certified: the convergence theorems of De, Mukherjee and
   Ullah (arXiv 1807.06766) for deterministic RMSProp and ADAM checked on
   an example with Arb balls, the sign-consistency assumption of their
   stochastic RMSProp theorem checked along a run, and the departure of
   an emulated float run from the real trajectory.

   Every yes/no answer is proven: a ball decides it, or the answer is
   CPWL_CONVERGENCE_UNDECIDED (never a tolerance).  Iterates are numbered
   as in module optim: x_1 is the starting point. */
#ifndef CPWL_CONVERGENCE_H
#define CPWL_CONVERGENCE_H

#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"
#include "cpwl/arith.h"
#include "cpwl/objective.h"
#include "cpwl/optim.h"

typedef enum
{
    CPWL_CONVERGENCE_NO = 0,    /* proven false */
    CPWL_CONVERGENCE_YES,       /* proven true */
    CPWL_CONVERGENCE_UNDECIDED  /* a ball straddles the threshold */
}
cpwl_convergence_verdict;

/* Options of the theorem checks.  L, sigma2 (a bound on |grad f|^2
   everywhere) and fstar (a lower bound of inf f) are taken from the
   objective (its has_L, has_sigma2, has_fstar) unless has_* is set here,
   which overrides. */
typedef struct
{
    int has_L, has_sigma2, has_fstar;
    fmpq_t L, sigma2, fstar;
    fmpq_t xi, beta1, beta2;    /* the algorithm's constants (paper form) */
    fmpq_t eps;                 /* the threshold: |grad f(x_t)| <= eps */
    fmpq_t lr;                  /* ADAM's step (RMSProp uses the theorem's) */
    int amsgrad;                /* ADAM: the AMSGrad variant */
    slong max_steps;            /* at most this many steps; 0: RMSProp
                                   floor(T) + 1 (capped at 10^7), ADAM
                                   10^5 */
    slong prec;                 /* Arb working precision (bits) */
    slong max_prec;             /* on a lost enclosure, rerun at doubled
                                   precision up to this (<= prec: never) */
    double rel;                 /* an enclosure is lost when a radius
                                   exceeds rel * max(1, |midpoint|) */
}
cpwl_convergence_opts_struct;

typedef cpwl_convergence_opts_struct cpwl_convergence_opts_t[1];

/* Defaults: nothing stated (the objective's constants), xi = 1,
   beta1 = 1/10, beta2 = 1/2, eps = 1/10, lr = 1/100, no amsgrad,
   max_steps 0, prec 128, max_prec 4096, rel 2^-10. */
void cpwl_convergence_opts_init(cpwl_convergence_opts_t o);
void cpwl_convergence_opts_clear(cpwl_convergence_opts_t o);

typedef struct
{
    fmpq_t L, sigma2, fstar;    /* the constants used (RMSProp; ADAM those
                                   known, for sigma2 the hypothesis check) */
    int has_L, has_sigma2, has_fstar;
    arb_t f1;                   /* f(x_1) */
    arb_t alpha;                /* the step: RMSProp the theorem's
                                   (1 - b2) xi / (L sqrt(sigma2 + xi)),
                                   ADAM lr */
    int has_T;                  /* RMSProp: 1; ADAM: 0 (no bound) */
    arb_t T;                    /* 2 L (sigma2 + xi) (f(x_1) - fstar) /
                                   ((1 - b2) xi eps^2) */
    slong hit;                  /* the first t with |grad f(x_t)|^2 <= eps^2
                                   proven, 0 if none within the run */
    arb_t gnorm2;               /* |grad f(x_t)|^2 at t = hit, else at the
                                   last iterate */
    slong undecided_t;          /* the first t < hit (or visited, without a
                                   hit) where |grad f(x_t)|^2 <= eps^2 was
                                   undecided, 0 if none: then hit is the
                                   real first hit */
    cpwl_convergence_verdict hit_le_T;  /* hit <= T (RMSProp, hit > 0) */
    cpwl_convergence_verdict sigma_ok;  /* |grad f(x_t)|^2 <= sigma2 at every
                                           visited iterate (when sigma2 is
                                           known) */
    slong sigma_t;              /* the first t where it was not proven */
    cpwl_convergence_verdict descent;   /* ADAM: <g_t, m_t / (sqrt(v_t) + xi)>
                                           > 0 at every step */
    slong descent_t;            /* the first step t where it was not proven */
    slong steps;                /* steps carried out (x_1 ... x_{steps+1}
                                   visited) */
    slong lost;                 /* the first t whose enclosure was lost at
                                   the last precision tried (the run stops
                                   there), 0 if none */
    slong prec;                 /* the precision of the last attempt */
}
cpwl_convergence_result_struct;

typedef cpwl_convergence_result_struct cpwl_convergence_result_t[1];

void cpwl_convergence_result_init(cpwl_convergence_result_t r);
void cpwl_convergence_result_clear(cpwl_convergence_result_t r);

/* The deterministic RMSProp theorem's step and bound as balls at prec:
   alpha = (1 - b2) xi / (L sqrt(sigma2 + xi)),
   T = 2 L (sigma2 + xi) (f1 - fstar) / ((1 - b2) xi eps^2). */
void cpwl_convergence_rmsprop_bound(arb_t alpha, arb_t T, const fmpq_t L,
                                    const fmpq_t sigma2, const fmpq_t xi,
                                    const fmpq_t beta2, const arb_t f1,
                                    const fmpq_t fstar, const fmpq_t eps,
                                    slong prec);

/* Deterministic RMSProp (paper form, the theorem's step), run in Arb
   from x1 until the first proven hit or max_steps.  Refuses
   (CPWL_ERR_INPUT) an online objective, a missing L, sigma2 or fstar,
   constants out of range (L, xi, eps > 0, 0 <= b2 < 1).  Returns
   CPWL_OK, or CPWL_ERR_INPUT / CPWL_ERR_INTERNAL with a message in e
   (so do the functions below). */
int cpwl_convergence_rmsprop(cpwl_convergence_result_t r,
                             cpwl_objective_t O, const fmpq *x1,
                             const cpwl_convergence_opts_t o, cpwl_err_t e);

/* Deterministic ADAM (paper form, step lr, xi may be 0), run in Arb:
   the first proven hit and the descent check at every step (the run
   goes on after a failed descent check; descent_t is the first).
   No T: the theorem's constants are not checked (docs/convergence.md). */
int cpwl_convergence_adam(cpwl_convergence_result_t r, cpwl_objective_t O,
                          const fmpq *x1, const cpwl_convergence_opts_t o,
                          cpwl_err_t e);

/* Sign consistency (the stochastic RMSProp theorem's assumption) along
   a run of o on a finite-sum objective f = sum_i f_i: at every iterate
   x_t and every coordinate k, sgn d_k f_i(x_t) = sgn d_k f(x_t) for all
   terms i (signs in {-1, 0, +1}). */
typedef struct
{
    cpwl_convergence_verdict holds;     /* YES: at every visited iterate;
                                           NO / UNDECIDED at (t, k, i) */
    slong t, k, i;              /* the first violation or undecided sign;
                                   i = -1: the sign of d_k f itself was
                                   undecided; k = i = -1: the objective
                                   could not evaluate the gradients (a
                                   relu input whose ball contains 0), or
                                   the enclosure of x_t was lost (a ball
                                   too wide): UNDECIDED */
    slong steps;                /* steps carried out */
}
cpwl_convergence_sign_struct;

/* Run o from x1 in A (exact or Arb: signs decided exactly or by balls)
   and check sign consistency at x_1, x_2, ...; stops at the first
   iterate where it is not proven.  Refuses (CPWL_ERR_INPUT) an objective
   that is not a finite sum, a float arithmetic. */
int cpwl_convergence_sign(cpwl_convergence_sign_struct *r,
                          const cpwl_optim_opts_t o, cpwl_objective_t O,
                          const fmpq *x1, cpwl_arith_t A, cpwl_err_t e);

typedef struct
{
    slong left;                 /* the first t whose float x_t is not inside
                                   the Arb ball of x_t (decided exactly), 0
                                   if it stayed inside at every compared
                                   iterate */
    slong coord;                /* a component that left (at t = left) */
    ulong stagnant;             /* the float run's stagnant updates */
    arb_t gap;                  /* |x_float - x_real| (Euclidean) at the
                                   last compared iterate */
    slong steps;                /* steps compared */
    slong lost;                 /* the first t whose Arb enclosure was lost
                                   (the comparison stops there), 0 */
}
cpwl_convergence_departure_struct;

typedef cpwl_convergence_departure_struct cpwl_convergence_departure_t[1];

void cpwl_convergence_departure_init(cpwl_convergence_departure_t r);
void cpwl_convergence_departure_clear(cpwl_convergence_departure_t r);

/* Run o from x1 in the float arithmetic F and in the Arb arithmetic B
   side by side for o->steps steps (or until B's enclosure is lost, by
   cpwl_optim_enclosure_ok with rel).  Refuses (CPWL_ERR_INPUT) F not a
   float format or B not Arb. */
int cpwl_convergence_departure(cpwl_convergence_departure_t r,
                               const cpwl_optim_opts_t o, cpwl_objective_t O,
                               const fmpq *x1, cpwl_arith_t F, cpwl_arith_t B,
                               double rel, cpwl_err_t e);

#endif
