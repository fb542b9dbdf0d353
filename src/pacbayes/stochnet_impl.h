/* Shared by the stochnet sources (internal to libcpwl). */
#ifndef CPWL_STOCHNET_IMPL_H
#define CPWL_STOCHNET_IMPL_H

#include <flint/fmpq.h>

/* q = d exactly (d finite). */
void stochnet_fmpq_set_d(fmpq_t q, double d);

#endif
