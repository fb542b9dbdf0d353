/* The exact convex subproblems of ERM (Arora et al., Theorem 4.1): with
   the signs of the output weights and every unit's set of active data
   points fixed, the network's predictions are linear in the parameters,
   p = M theta, the activation constraints are G theta >= 0, and
     squared loss:  minimise sum_i (M_i theta - y_i)^2        (a convex QP)
     l1 loss:       minimise sum_i |M_i theta - y_i|           (an LP)
     hinge loss:    minimise sum_i max(0, 1 - y_i M_i theta)   (an LP).
   The optimum is attained (the loss is bounded below and the feasible
   set is a polyhedral cone) and rational.  Every value returned as exact
   is exact; a solution comes with KKT multipliers that qp_check verifies
   in exact arithmetic. */
#ifndef CPWL_QP_H
#define CPWL_QP_H

#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/err.h"

typedef enum
{
    QP_SQUARED = 0,
    QP_L1,
    QP_HINGE
}
qp_loss;

/* One subproblem.  M: D x k, y: D, G: m x k (rows of G theta >= 0). */
typedef struct
{
    qp_loss loss;
    slong k, D, m;
    fmpq_mat_t M;
    fmpq *y;
    fmpq_mat_t G;
}
qp_struct;

typedef qp_struct qp_t[1];

void qp_init(qp_t P, qp_loss loss, slong k, slong D, slong m);
void qp_clear(qp_t P);

/* A solution with its certificate.  lambda: m multipliers of G theta >= 0
   (>= 0, complementary); for l1/hinge also mu: the multipliers of the
   loss's linear pieces (see qp.c for the exact form of the KKT system). */
typedef struct
{
    fmpq_t value;               /* the exact optimum */
    fmpq *theta;                /* k: an optimal point */
    fmpq *lambda;               /* m */
    fmpq *mu;                   /* D (l1: in [-1, 1]; hinge: in [0, 1]) */
    slong k, m, D;
    slong iterations;
    int by_double;              /* solved by the double pre-solve and then
                                   certified exactly (else: exact method) */
}
qp_sol_struct;

typedef qp_sol_struct qp_sol_t[1];

void qp_sol_init(qp_sol_t S, const qp_t P);
void qp_sol_clear(qp_sol_t S);

/* Solve P exactly.  Returns CPWL_OK, or CPWL_ERR_INTERNAL (with e set)
   when a solver fails (never a wrong value). */
int qp_solve(qp_sol_t S, const qp_t P, err_t e);

/* Check, in exact arithmetic, that S is an optimal solution of P with
   optimum S->value: primal feasibility (G theta >= 0), the value equals
   the loss at theta, dual feasibility of the multipliers, stationarity
   and complementary slackness.  Returns 1 or 0 (why: a short reason). */
int qp_check(const qp_sol_t S, const qp_t P, const char **why);

/* A proven lower bound on the optimum of P, cheaper than solving it: the
   optimum of the relaxation without the constraints G theta >= 0, solved
   exactly (squared: least squares by the normal equations; l1/hinge: an
   LP without G).  lb is exact. */
void qp_lower_bound(fmpq_t lb, const qp_t P);

#endif
