/* Extreme eigenvalues of a symmetric linear operator A on R^n that is
   given only by its products y = A x (for the experiments: Hessian-vector
   products of a network's loss, module mlp), by the Lanczos iteration in
   binary64 (Golub & Van Loan, Matrix Computations, 4th ed., section
   10.1).

   k steps build an orthonormal basis q_1, ..., q_m (m <= k) of the Krylov
   space span{q_1, A q_1, ..., A^{m-1} q_1} and the tridiagonal
   T_m = Q_m^T A Q_m (diagonal alpha_j, off-diagonal beta_j).  The start
   vector q_1 is seeded: entries uniform in [-1, 1) from splitmix64,
   normalised.  Rounding destroys the orthogonality of the q_j as Ritz
   values converge, so every new vector is orthogonalised again against
   all stored ones, by two passes of classical Gram-Schmidt ("twice is
   enough": Giraud, Langou, Rozloznik, Computers & Mathematics with
   Applications 50, 2005).  The k basis vectors are stored: k n doubles.
   The iteration stops early when beta_j <= 2^-40 max_i (|alpha_i| +
   beta_{i-1} + beta_i) (an invariant subspace: then the Ritz values are
   eigenvalues up to rounding).  The eigenvalues theta and eigenvectors s
   of T_m come from LAPACK's dstev.

   For the smallest and the largest Ritz value theta, with Ritz vector
   y = Q_m s, two residuals are returned:
     est = |beta_m s_m|, the Lanczos estimate (equal to ||A y - theta y||
           in exact arithmetic), and
     res = ||A y - theta y|| / ||y||, computed explicitly with one more
           product.
   For a symmetric A and any vector y != 0 and real theta, A has an
   eigenvalue in [theta - res, theta + res] (Parlett, The Symmetric
   Eigenvalue Problem, Theorem 4.5.1; Bauer-Fike for normal matrices).
   res is itself computed in binary64, so the interval is certified only
   up to that rounding; for a certified statement recompute res exactly
   from the returned Ritz vector (the tests do so in rationals).  Ritz
   values interlace: lambda_min <= theta_min <= theta_max <= lambda_max
   in exact arithmetic.

   What A is at points where the operator is not smooth (the kinks of a
   ReLU network's loss) is the operator's business: for cpwl_mlp_hvp_d it
   is the Hessian of the piece selected by relu'(0) = 0. */
#ifndef CPWL_LANCZOS_H
#define CPWL_LANCZOS_H

#include <stdint.h>
#include <flint/flint.h>
#include "cpwl/err.h"

/* y = A x for x, y of n entries (the n of the call; y and x do not
   overlap).  Returns CPWL_OK, or an error status with its message in e,
   which cpwl_lanczos_extremes passes on. */
typedef int (*cpwl_lanczos_op_fn)(double *y, const double *x, void *data,
                                  cpwl_err_t e);

typedef struct
{
    double theta_min, theta_max;    /* extreme Ritz values */
    double res_min, res_max;        /* explicit residual norms (above) */
    double est_min, est_max;        /* Lanczos estimates |beta_m s_m| */
    slong steps;                    /* m, the Lanczos steps done */
    slong products;                 /* calls of the operator */
    int invariant;                  /* 1 if beta_m was negligible: the
                                       basis spans an invariant subspace
                                       (up to rounding; usual when
                                       m = n), est are rounding noise */
}
cpwl_lanczos_result_struct;

typedef cpwl_lanczos_result_struct cpwl_lanczos_result_t[1];

/* Sets every field to 0 (the struct owns no memory: clear does
   nothing). */
void cpwl_lanczos_result_init(cpwl_lanczos_result_t res);
void cpwl_lanczos_result_clear(cpwl_lanczos_result_t res);

/* 1 if the build has LAPACKE (then cpwl_lanczos_extremes works). */
int cpwl_lanczos_have_lapacke(void);

/* At most k Lanczos steps (k larger than n is taken as n) on the
   operator op (with data) from the start vector of seed; the results in
   res.  vec_min and vec_max, when not NULL, receive the unit Ritz vectors
   of theta_min and theta_max (n entries each).  The operator is called at
   most k + 2 times.

   Returns CPWL_OK; CPWL_ERR_INPUT (message in e) for n < 1, k < 1, a
   NULL operator, a product with a non-finite entry, or a build without
   LAPACKE; the operator's own status and message when it fails;
   CPWL_ERR_INTERNAL when memory runs out (k n doubles are needed). */
int cpwl_lanczos_extremes(cpwl_lanczos_result_t res, double *vec_min,
                          double *vec_max, slong n, cpwl_lanczos_op_fn op,
                          void *data, slong k, uint64_t seed, cpwl_err_t e);

#endif
