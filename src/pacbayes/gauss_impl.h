/* Internal to module gauss: the Arb pieces that the fast path falls back
   on and the error factor of its bound. */
#ifndef CPWL_GAUSS_IMPL_H
#define CPWL_GAUSS_IMPL_H

#include "cpwl/gauss.h"

/* cpwl_gauss_check of both, and the same d. */
int _gauss_check_pair(const cpwl_gauss_t Q, const cpwl_gauss_t P,
                      cpwl_err_t e);

/* sum_i ln sp_i - ln sq_i (with (d/2) ln var for a shared variance),
   every term in Arb. */
void _gauss_log_arb(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                    slong prec);

/* sum_i (sq_i^2 + (mq_i - mp_i)^2) / sp_i^2, every term in Arb. */
void _gauss_quad_arb(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                     slong prec);

/* The certified double parts of cpwl_gauss_kl (gauss_fast.c): the
   logarithm of a product of positive binary64 numbers, and the quadratic
   sum above, each a ball holding the exact value. */
void _gauss_log_prod(arb_t res, const double *x, slong n, slong prec);
void _gauss_quad_fast(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                      slong prec);

/* An upper bound of gamma_n / (1 - gamma_n), gamma_n = n u / (1 - n u),
   u = 2^-53 (n u < 1/4 required). */
void _gauss_gamma_ratio(mag_t res, slong n);

#endif
