/* Internal to src/tron/tron*.c: the exact helpers shared by the set-up
   (tron.c) and the steps (tron_step.c). */
#ifndef CPWL_TRON_IMPL_H
#define CPWL_TRON_IMPL_H

#include <stdint.h>
#include <flint/fmpq.h>
#include "cpwl/tron.h"

/* r /= k for a positive integer k (FLINT 2.9 has no fmpq_div_si). */
void tron_q_div_si(fmpq_t r, slong k);

/* The neuro-tron features of x: AX (k x r) = A_j x, MX (r) = M x. */
void tron_neuro_features(fmpq *AX, fmpq *MX, const cpwl_tron_opts_struct *o,
                         const fmpq *x);

/* The clean label of a point with features feat (x, or A_j x for
   neuro-tron): relu(<w*, x>), or (1/k) sum_j relu(<w*, A_j x>). */
void tron_clean_label(fmpq_t y, const cpwl_tron_opts_struct *o,
                      const fmpq *wstar, const fmpq *feat, slong n);

/* 1 with probability beta, exactly (a uniform integer below beta's
   denominator against its numerator). */
int tron_rand_bernoulli(const fmpq_t beta, uint64_t *state);

#endif
