/* Exact linear programming: a small wrapper over cddlib's GMP rational
   dual simplex (SPEC section 3: exact LP).

   An lp_t holds m rows over d variables x, each row stored as d+1
   rationals (a_1..a_d, b) in the layout of forms.h (coefficients
   first, constant last) and meaning

       a.x + b >= 0   (an inequality row), or
       a.x + b  = 0   (an equality row).

   Every answer is exact: cddlib starts from a floating-point basis and
   finishes in GMP rationals (rows of more than a few hundred bits go to
   the rational phase directly), so the reported optimum, point and
   status are decided exactly.  lp_interior answers the question the
   region algorithms ask (is there a point with every row > 0?) with a
   double LP and an exact certificate, falling back on the exact LP.

   cddlib needs a one-time initialisation of its global constants
   (dd_set_global_constants); the functions here do it on first use
   through pthread_once.  cddlib also adds every solve's pivot counts to
   global statistics variables, so LPs must not run in several threads at
   once. */
#ifndef CPWL_LP_H
#define CPWL_LP_H

#include <flint/fmpq.h>

/* Status of a solve. */
#define LP_OPTIMAL 0            /* optimum found: value and point exact */
#define LP_INFEASIBLE 1         /* no x satisfies the rows */
#define LP_UNBOUNDED 2          /* dual infeasible: unbounded (or also
                                   primal infeasible) */
#define LP_ERROR 3              /* cddlib reported an error */

typedef struct
{
    slong d;                    /* variables */
    slong m;                    /* rows */
    slong alloc;                /* rows allocated */
    fmpq *rows;                 /* alloc x (d+1), row-major */
    unsigned char *eq;          /* eq[i] = 1: row i is an equality */
    /* lp_interior calls decided by a certificate / by the exact LP */
    ulong by_certificate, by_exact;
}
lp_struct;

typedef lp_struct lp_t[1];

void lp_init(lp_t P, slong d);
void lp_clear(lp_t P);

/* Remove every row and set the number of variables to d (the counters
   stay). */
void lp_reset(lp_t P, slong d);

/* Append the row (a, b) (d+1 entries), or its negation (-a, -b) when neg
   is nonzero, as an inequality (eq = 0) or an equality (eq = 1). */
void lp_add_row(lp_t P, const fmpq *row, int neg, int eq);

/* Append a zero row and return it to be filled in place. */
fmpq *lp_add_row_zero(lp_t P, int eq);

/* Optimise obj.x + obj_d (obj has d+1 entries, constant last) over the
   rows: maximise when maximize is nonzero, else minimise.  On LP_OPTIMAL
   sets opt to the optimum and x (d entries, may be NULL) to an optimal
   point. */
int lp_optimize(fmpq_t opt, fmpq *x, const lp_t P, const fmpq *obj,
                int maximize);

/* lp_optimize that also returns the dual solution: on LP_OPTIMAL, u (m
   entries, may be NULL) holds multipliers of the rows with
       obj_1..d = sum_i u_i a_i,   opt = obj_d - sum_i u_i b_i,
   u_i = 0 for rows outside the final basis, and on inequality rows
   u_i >= 0 when minimising (u_i <= 0 when maximising).  The values come
   from cddlib's exact tableau; callers that certify with them should
   still check the identities above. */
int lp_optimize_dual(fmpq_t opt, fmpq *x, fmpq *u, const lp_t P,
                     const fmpq *obj, int maximize);

/* The largest slack: maximise t subject to a_i.x + b_i >= t for the
   inequality rows, a_i.x + b_i = 0 for the equality rows, and t <= 1.
   Returns LP_OPTIMAL (t and x, d entries or NULL, set exactly) or
   LP_INFEASIBLE (only possible with equality rows), or LP_ERROR.

   t > 0 iff {a_i.x + b_i > 0 for all inequality rows} is nonempty within
   the affine subspace of the equalities, and then x is a rational point
   of it with every inequality row >= t.  With no inequality rows t = 1. */
int lp_max_slack(fmpq_t t, fmpq *x, const lp_t P);

/* The same on arrays: A is m x (d+1) row-major, eq (m flags, or NULL for
   no equalities). */
int lp_max_slack_rows(fmpq_t t, fmpq *x, const fmpq *A,
                      const unsigned char *eq, slong m, slong d);

/* Whether the open polyhedron {a_i.x + b_i > 0 for the inequality rows}
   within the equality rows is nonempty: 1 (and x, d entries or NULL, a
   rational point of it), 0, or -1 on a solver error.  The answer is
   exact and the same as lp_max_slack's (t > 0), usually much faster: the
   LP is solved in doubles, and its answer is confirmed by an exact
   certificate: the double point itself (projected onto the equality, if
   there is one) with every row > 0 exactly, or nonnegative multipliers
   on the rows tight at the double optimum that combine them to a
   constant <= 0 (so the rows cannot all be positive).  When no
   certificate comes out, lp_max_slack decides. */
int lp_interior(fmpq *x, lp_t P);

#endif
