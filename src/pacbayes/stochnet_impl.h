/* Shared by the stochnet sources (internal to libcpwl). */
#ifndef CPWL_STOCHNET_IMPL_H
#define CPWL_STOCHNET_IMPL_H

#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"

/* The bounded cross-entropy is summed exactly in units of 2^-128. */
#define STOCHNET_BCE_UNIT_BITS 128

/* floor(2^128 lo) and ceil(2^128 hi), [lo, hi] the enclosure of
   cpwl_stochnet_bce(f, k, y, c), in [0, 2^128]. */
void stochnet_bce_units(fmpz_t lo, fmpz_t up, arb_srcptr f, slong k, slong y,
                        const arb_t c, slong prec);

#endif
