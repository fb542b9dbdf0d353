/* Internals of sampling shared by sample.c and sample_resolve.c: the
   exact re-decision of the points the batched double pass left
   undecided. */
#ifndef CPWL_SAMPLE_IMPL_H
#define CPWL_SAMPLE_IMPL_H

#include <signal.h>
#include <stdint.h>
#include "cpwl/sample.h"

/* The state bits decided by the batch (pat outside the mask und) must be
   the exact ones: a difference is a bug of the batched double path
   (CPWL_ERR_INTERNAL naming point i). */
int sample_check_decided(const uint64_t *pat, const uint64_t *und,
                         const uint64_t *exact, slong words, slong i,
                         cpwl_err_t e);

/* Re-decide the undecided points list[0..nu) of the block starting at
   point `done`: exact patterns in ex (nu x words), inside[q] = 1 inside a
   region, 0 on a boundary; decisions counted in pred; nt threads.
   Returns 0 when either interrupt flag (may be NULL) was seen. */
int sample_resolve_points(uint64_t *ex, unsigned char *inside,
                          const slong *list, slong nu, slong done,
                          const uint64_t *pat, const uint64_t *und,
                          const cpwl_sample_t S, const cpwl_net_t g,
                          cpwl_pred_ctx_struct *pred, int nt,
                          volatile sig_atomic_t *interrupt,
                          volatile sig_atomic_t *interrupt2);

#endif
