/* Diagonal Gaussian distributions over d weights and their KL divergence,
   certified (the KL term of a PAC-Bayes bound, thesis chapter 6).

   N(mu, diag(sigma^2)): means and standard deviations are binary64
   numbers, taken as the exact values they are.  Either every weight has
   its own sigma_i > 0, or the variance is shared: one positive real s2
   (a ball when it is not a binary64 number, e.g. a prior from a grid,
   s2 = c e^{-j/b}).

     KL(Q || P) = sum_i [ ln(sp_i / sq_i) + (sq_i^2 + (mq_i - mp_i)^2)
                          / (2 sp_i^2) - 1/2 ]

   (KL(N(0, 1/4) || N(0, 1)) = ln 2 - 3/8.)

   cpwl_gauss_kl computes it in double with a proven error bound and
   returns a ball that contains the exact sum (docs/numerics.md, "The
   Gaussian KL"): the logarithms as ln of products of the binary64
   significands (each product rounded once: relative error gamma_{d-1})
   plus the exponents summed as integers, one Arb logarithm at the end;
   the quadratic terms summed in double with Higham's bound for a sum of
   non-negative terms in any order.  Where the bound's hypotheses fail
   (an intermediate value overflows or falls below the normal range) it
   recomputes those terms in Arb.  cpwl_gauss_kl_arb is the reference:
   every term in Arb at prec. */
#ifndef CPWL_GAUSS_H
#define CPWL_GAUSS_H

#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"

typedef struct
{
    slong d;                    /* number of weights */
    double *mu;                 /* d means */
    double *sigma;              /* d standard deviations, or NULL: shared */
    arb_t var;                  /* shared variance (sigma == NULL) */
    arb_t log_var;              /* ln var, an enclosure (sigma == NULL) */
}
cpwl_gauss_struct;

typedef cpwl_gauss_struct cpwl_gauss_t[1];

/* d weights, means 0, per-weight sigma_i = 1. */
void cpwl_gauss_init(cpwl_gauss_t G, slong d);
void cpwl_gauss_clear(cpwl_gauss_t G);

/* Make the variance shared: var (> 0, a ball) and ln var; frees sigma.
   set_shared_d: the variance of a binary64 standard deviation s > 0
   (exactly s^2). */
void cpwl_gauss_set_shared(cpwl_gauss_t G, const arb_t var, slong prec);
void cpwl_gauss_set_shared_d(cpwl_gauss_t G, double s, slong prec);

/* Every mean finite, every sigma_i finite and > 0, the shared variance
   > 0 (as a ball: excludes 0).  The message names the first bad index
   ("weight 17: sigma must be > 0"). */
int cpwl_gauss_check(const cpwl_gauss_t G, cpwl_err_t e);

/* KL(Q || P), certified (see above); Q and P must have the same d and
   pass cpwl_gauss_check (CPWL_ERR_INPUT otherwise, with its message). */
int cpwl_gauss_kl(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                  slong prec, cpwl_err_t e);

/* The same, every term in Arb at prec (the reference). */
int cpwl_gauss_kl_arb(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                      slong prec, cpwl_err_t e);

/* The plain double sum in index order, libm's log, no bound: what a float
   tool computes (benchmarks and tables compare with it).  A shared
   variance enters as the double nearest its midpoint. */
double cpwl_gauss_kl_d(const cpwl_gauss_t Q, const cpwl_gauss_t P);

/* ---- priors from a grid of variances ----------------------------------

   Dziugaite and Roy (UAI 2017) choose the prior variance after training
   from the grid s2_j = c exp(-j/b), j = 1, 2, ..., and pay for the choice
   with a union bound: confidence delta_j = 6 delta / (pi^2 j^2), i.e. the
   term ln(pi^2 j^2 / 6) is added to ln(1/delta) in the bound. */

/* s2_j = c e^{-j/b} as a ball; c > 0, b >= 1, j >= 1 (CPWL_ERR_INPUT
   otherwise: the union bound is undefined at j <= 0). */
int cpwl_gauss_grid_var(arb_t var, const fmpq_t c, slong b, slong j,
                        slong prec, cpwl_err_t e);

/* The grid index for a variance s2 > 0 found by training: the least
   integer j with c e^{-j/b} <= s2 (the grid point at or below s2, j =
   ceil(b ln(c / s2))), decided with certified signs; a grid point inside
   an inexact ball s2 counts as at or below it.  CPWL_ERR_INPUT when that
   j is <= 0 (s2 >= c: the union bound is undefined there), c <= 0,
   b < 1, or s2 is not > 0. */
int cpwl_gauss_grid_index(slong *j, const arb_t s2, const fmpq_t c, slong b,
                          slong prec, cpwl_err_t e);

/* ln(pi^2 j^2 / 6) for j >= 1, an enclosure. */
void cpwl_gauss_grid_union_term(arb_t res, slong j, slong prec);

#endif
