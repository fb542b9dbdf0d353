/* Internal to module mlp: the work space and the parameter offsets, shared
   by mlp.c and the two instantiations of mlp_impl.h. */
#ifndef CPWL_MLP_INT_H
#define CPWL_MLP_INT_H

#include <stddef.h>
#include "cpwl/mlp.h"

/* The work space holds, for a batch of at most cap points, in units of
   the network's real type:
     A   cap x S   a_1 .. a_{L-1} (after relu) and z_L, S = n_1 + ... + n_L
     RA  cap x S   the R-values of the same (Hessian-vector products)
     D0, D1, RD0, RD1   cap x maxw each, maxw = max(n_1 .. n_L): the
         deltas of two adjacent layers and their R-values
     T   maxmn = max(n_l n_{l-1}): a transposed weight matrix (portable
         loops only: Z = A W^T as row updates, which vectorise).
   The block is grown (never shrunk) to the largest batch seen. */
typedef struct
{
    void *buf;
    size_t bytes;
    slong S;                    /* n_1 + ... + n_L */
    slong maxw;                 /* max(n_1 .. n_L) */
    slong maxmn;                /* max(n_l n_{l-1}) */
    slong *off;                 /* off[l]: first parameter of layer l
                                   (1 <= l <= L); off[L + 1] = nparams */
    slong *col;                 /* col[l]: first column of layer l in A */
}
mlp_work_t;

/* Ensure room for b points: 0, or CPWL_ERR_INTERNAL when memory runs
   out (message in e). */
int _mlp_reserve(cpwl_mlp_t M, slong b, cpwl_err_t e);

#endif
