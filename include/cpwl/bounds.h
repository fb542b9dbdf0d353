/* Known bounds on the maximum number of activation regions of relu
   networks with input dimension n0 and hidden widths w_1..w_L, all of R^n0
   (exact integers).
     - naive upper bound: prod_l sum_{j <= n0} C(w_l, j) (each layer's
       arrangement in general position, multiplied);
     - Serra, Tjandraatmadja, Ramalingam (ICML 2018), Theorem 1:
       sum over (j_1..j_L) in J of prod_l C(w_l, j_l), J = {0 <= j_l <=
       min(n0, w_1 - j_1, ..., w_{l-1} - j_{l-1}, w_l)};
     - Montufar, Pascanu, Cho, Bengio (NIPS 2014) lower bound (for
       w_l >= n0): (prod_{l < L} floor(w_l / n0)^n0) sum_{j <= n0} C(w_L, j);
     - one input (n0 = 1): prod_l (w_l + 1) pieces. */
#ifndef CPWL_BOUNDS_H
#define CPWL_BOUNDS_H

#include <flint/fmpz.h>
#include "cpwl/err.h"

void cpwl_bounds_naive(fmpz_t r, slong n0, const slong *w, slong L);
void cpwl_bounds_serra(fmpz_t r, slong n0, const slong *w, slong L);
/* Returns 0 (r undefined) when some w_l < n0: the construction needs
   w_l >= n0.  No hidden layer (L = 0): r = 1, one region. */
int cpwl_bounds_montufar(fmpz_t r, slong n0, const slong *w, slong L);
void cpwl_bounds_one_input(fmpz_t r, const slong *w, slong L);

/* Parse "2-8-8-1" into n0, the hidden widths and the output width;
   *w is allocated (flint_malloc; NULL on error).  Input error on a
   malformed text, a number outside [1, 100000] or more than 100000 hidden
   neurons (the bounds have up to about sum_l w_l bits). */
int cpwl_bounds_parse_arch(slong *n0, slong **w, slong *L, slong *out,
                           const char *s, cpwl_err_t e);

#endif
