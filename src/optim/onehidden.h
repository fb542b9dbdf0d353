/* The summed loss of a one-hidden-layer ReLU network on data, as an
   objective of the optimiser engine (internal: the objective behind
   cpwl/train.h).  Parameters in erm's layout
   (a_1, b_1, v_1, ..., a_w, b_w, v_w, c), a_j with n entries, so the
   dimension is w (n + 2) + 1; f(x) = c + sum_j v_j relu(<a_j, x> + b_j)
   (c held at 0 without an output bias: its gradient entry is 0).

   Losses, summed over the data (one term per point):
     0 squared  (f - y)^2          derivative 2 (f - y)
     1 l1       |f - y|            derivative sign(f - y), sign(0) = 0
     2 hinge    max(0, 1 - y f)    derivative -y if 1 - y f > 0, else 0
   relu'(0) is O->relu_d0 (0 by default).

   Operation order (one rounding each in a float format), per point x in
   the order of the data (or of `terms`):
     z_j = b_j + a_j1 x_1 + a_j2 x_2 + ...   (left to right, per j)
     f = c (or 0) + v_j z_j + ...            (active units, j ascending)
     squared: r = f - y; L = L + r r; dl = 2 r
     l1:      r = f - y; L = L + |r|; dl = sign(r)
     hinge:   r = 1 - y f; L = L + max(r, 0); dl = r > 0 ? -y : 0
   and, when dl != 0, for each unit j with z_j > 0 (or z_j = 0 and
   relu'(0) = 1) in order: s = dl v_j; g_ajk = g_ajk + s x_k (k
   ascending); g_bj = g_bj + s; g_vj = g_vj + dl z_j; then g_c = g_c + dl
   (with an output bias).  L and g start at 0.  The signs of z_j and r
   are decided exactly (exact), by the ball (Arb; undecided: eval
   returns 2) or as the float's own sign (float formats, where a NaN
   takes the positive branch so that it reaches L).

   In binary64 rounded to nearest the loop runs on C doubles (the
   machine's binary64: the same operations in the same order, the same
   bits) instead of a call per operation. */
#ifndef CPWL_OPTIM_ONEHIDDEN_H
#define CPWL_OPTIM_ONEHIDDEN_H

#include "cpwl/objective.h"

/* Set up O for data X (D x n, row-major doubles) and labels y (D),
   width w, loss 0/1/2 as above.  The data enter exactly (a double is a
   rational) and are rounded to the arithmetic once per arithmetic, at
   the first evaluation.  Returns 0, or 1 when a datum is not finite
   (O is then left cleared). */
int onehidden_init(cpwl_objective_t O, const double *X, const double *y,
                   slong D, slong n, slong w, int loss, int output_bias);
void onehidden_clear(cpwl_objective_t O);

/* The loss L at the point of O's last evaluation (gradient-only ones
   included, such as the engine's), in that evaluation's arithmetic;
   NULL before the first. */
cpwl_val_srcptr onehidden_last_loss(const cpwl_objective_t O);

/* 1: always the generic path (tests compare the two), 0: default. */
void onehidden_set_generic(cpwl_objective_t O, int generic);

#endif
