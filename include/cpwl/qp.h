/* The exact convex subproblems of ERM (Arora et al., Theorem 4.1): with
   the signs of the output weights and every unit's set of active data
   points fixed, the network's predictions are linear in the parameters,
   p = M theta, the activation constraints are G theta >= 0, and
     squared loss:  minimise sum_i (M_i theta - y_i)^2        (a convex QP)
     l1 loss:       minimise sum_i |M_i theta - y_i|           (an LP)
     hinge loss:    minimise sum_i max(0, 1 - y_i M_i theta)   (an LP).
   The optimum is attained (the loss is bounded below and the feasible
   set is a polyhedral cone) and rational.  Every value returned as exact
   is exact; a solution comes with KKT multipliers that cpwl_qp_check verifies
   in exact arithmetic. */
#ifndef CPWL_QP_H
#define CPWL_QP_H

#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/err.h"

typedef enum
{
    CPWL_QP_SQUARED = 0,
    CPWL_QP_L1,
    CPWL_QP_HINGE
}
cpwl_qp_loss;

/* One subproblem.  M: D x k, y: D, G: m x k (rows of G theta >= 0). */
typedef struct
{
    cpwl_qp_loss loss;
    slong k, D, m;
    fmpq_mat_t M;
    fmpq *y;
    fmpq_mat_t G;
}
cpwl_qp_struct;

typedef cpwl_qp_struct cpwl_qp_t[1];

void cpwl_qp_init(cpwl_qp_t P, cpwl_qp_loss loss, slong k, slong D, slong m);
void cpwl_qp_clear(cpwl_qp_t P);

/* A solution with its certificate, r = M theta - y, g = G theta:
     g >= 0, lambda >= 0, lambda_i g_i = 0, value = the loss at theta, and
     squared:  2 M^T r = G^T lambda, mu = 0;
     l1:       M^T mu = G^T lambda, |mu_i| <= 1, mu_i = sign r_i if r_i != 0;
     hinge:    -M^T (mu o y) = G^T lambda, 0 <= mu_i <= 1, mu_i = 1 where
               1 - y_i (M theta)_i > 0 and 0 where it is < 0.
   Each makes theta optimal (qp.c says why); cpwl_qp_check verifies them. */
typedef struct
{
    fmpq_t value;               /* the exact optimum */
    fmpq *theta;                /* k: an optimal point */
    fmpq *lambda;               /* m: multipliers of G theta >= 0 */
    fmpq *mu;                   /* D: the loss's subgradient weights */
    slong k, m, D;
    slong iterations;           /* of the methods used (for statistics) */
    int by_double;              /* 1: the double pre-solve's proposal was
                                   certified exactly; 0: solved by the
                                   exact fallback */
}
cpwl_qp_sol_struct;

typedef cpwl_qp_sol_struct cpwl_qp_sol_t[1];

void cpwl_qp_sol_init(cpwl_qp_sol_t S, const cpwl_qp_t P);
void cpwl_qp_sol_clear(cpwl_qp_sol_t S);

/* Solve P exactly: S (from cpwl_qp_sol_init(S, P)) gets the optimum, an
   optimal theta and its certificate.  A method in doubles proposes the
   optimal active set or basis, which is then certified in exact
   arithmetic; when that fails an exact method takes over (squared: an
   exact active-set method; l1/hinge: cddlib).  Returns CPWL_OK, or
   CPWL_ERR_INTERNAL (with e set) when a solver fails (never a wrong
   value).  Squared: about 50 us for k = 4..5, D = 100, m = 200. */
int cpwl_qp_solve(cpwl_qp_sol_t S, const cpwl_qp_t P, cpwl_err_t e);

/* The same without the double pre-solve: the reference path, for
   cross-checks and for timings with filtering off.  Squared: the exact
   active-set method from theta = 0; l1/hinge: the LP in (theta, e) by
   cddlib, multipliers from its dual solution (checked exactly; from the
   dual LP when the check fails).  Same value (theta and the multipliers
   may be other optimal ones), much slower. */
int cpwl_qp_solve_exact(cpwl_qp_sol_t S, const cpwl_qp_t P, cpwl_err_t e);

/* Check, in exact arithmetic, that S is an optimal solution of P with
   optimum S->value: primal feasibility (G theta >= 0), the value equals
   the loss at theta, dual feasibility of the multipliers, stationarity
   and complementary slackness.  Returns 1 or 0 (why: a short reason). */
int cpwl_qp_check(const cpwl_qp_sol_t S, const cpwl_qp_t P, const char **why);

/* A proven lower bound on the optimum of P, cheaper than solving it: the
   optimum of the relaxation without the constraints G theta >= 0, solved
   exactly (squared: least squares, by fraction-free elimination on the
   integer Gram matrix of [M | y] scaled to integers, about 15 us for
   k = 5, D = 100; l1/hinge: the LP without G, by the certified simplex
   of cpwl_qp_solve).  lb is exact. */
void cpwl_qp_lower_bound(fmpq_t lb, const cpwl_qp_t P);

#endif
