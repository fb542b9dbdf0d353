/* Internals shared by the erm files (not installed). */
#ifndef CPWL_ERM_IMPL_H
#define CPWL_ERM_IMPL_H

#include <signal.h>
#include "cpwl/erm.h"

/* Whether point i is in dichotomy t. */
static inline int erm_in_set(const erm_dich_t S, slong t, slong i)
{
    return (S->bits[t * S->words + i / FLINT_BITS] >> (i % FLINT_BITS)) & 1;
}

static inline int erm_stop(volatile sig_atomic_t *interrupt)
{
    return interrupt != NULL && *interrupt;
}

/* The loss of prediction p against label y, added to acc. */
void erm_add_loss(fmpq *acc, const fmpq *p, const fmpq *y, qp_loss kind);

/* Cells are the u-combinations of the 2N signed dichotomies (t < N: +1
   unit on dichotomy t; t >= N: -1 unit on t - N) in lexicographic order,
   starting from comb = (0, 1, ..., u - 1). */
void erm_next_comb(slong *comb, slong u, slong total);
void erm_comb_cell(slong *sets, int *sign, const slong *comb, slong u,
                   slong N);

#endif
