/* Networks of the constructive theorems of chapter 2 (Arora, Basu,
   Mianjy, Mukherjee, "Understanding Deep Neural Networks with Rectified
   Linear Units", ICLR 2018).  Every builder checks the theorem's
   hypotheses and refuses with CPWL_ERR_INPUT and a message naming the
   hypothesis (w < 2, a not in the open simplex, zero generators, n = 0,
   ...).  Results are prepared networks with exact rational weights; only
   cpwl_build_pwl1d takes an output bias, the others never use one.
   docs/constructions.md says which statement each one implements. */
#ifndef CPWL_BUILD_H
#define CPWL_BUILD_H

#include <flint/fmpq.h>
#include "cpwl/err.h"
#include "cpwl/net.h"

/* A CPWL function R -> R (Arora et al. Theorem 2.2, the 1-D size
   theorem): p pieces given by p - 1 breakpoints t_1 < ... < t_{p-1}, the
   p slopes m_0..m_{p-1} and the value f(t_1) (p >= 1; with p = 1 the
   value is f(0)).  One hidden layer with the minimum number of relu units:
   with an output bias p - 1 units when some subset of the slope jumps
   Delta_i = m_i - m_{i-1} sums to -m_0, else p; without an output bias
   (output_bias = 0) the minimum over the representations, up to p + 1
   (docs/constructions.md has the exact rule).  A zero jump is no
   breakpoint (those pieces merge, p counts the rest).  One piece: 0 units
   for a constant (without a bias: 1 for a nonzero constant), 2 for a
   line of nonzero slope; 0 units give a depth-1 net.  At most 33 pieces
   (the exact search is a subset sum).  *units receives the hidden size. */
int cpwl_build_pwl1d(cpwl_net_t out, slong *units, const fmpq *breaks, slong p,
                     const fmpq *slopes, const fmpq_t value, int output_bias,
                     cpwl_err_t e);

/* The same from the points (x_0, y_0), ..., (x_p, y_p), x increasing,
   interpolated linearly, extended by the first and last slopes. */
int cpwl_build_pwl1d_points(cpwl_net_t out, slong *units, const fmpq *x,
                            const fmpq *y, slong npoints, int output_bias,
                            cpwl_err_t e);

/* max(x_1..x_n) (with_zero: max(0, x_1..x_n)) by the pairwise
   tournament, ceil(log2 n) hidden layers (with_zero: ceil(log2(n+1))),
   each max(x, y) = relu(x - y) + relu(y) - relu(-y) (n >= 1); an odd one
   out is carried as relu(x) - relu(-x).  With the 0 (placed last) fewer
   units where a value is known >= 0: max(x, 0) = relu(x), max(x, y) =
   relu(x - y) + relu(y) for y >= 0, so max(0, x1, x2) takes 4 relus. */
int cpwl_build_max(cpwl_net_t out, slong n, int with_zero, cpwl_err_t e);

/* A CPWL function R^n -> R given as a signed sum of maxima of affine
   functions: f = sum_j sigma_j max(L_{j,1}, ..., L_{j,k_j}), each L an
   affine map (n + 1 coefficients: a, then b); terms[j] points to k_j rows
   of n + 1 rationals.  Theorem 2.1 via Wang-Sun: every CPWL function is
   such a sum with k_j <= n + 1; the network has ceil(log2(max k_j)) hidden
   layers (padded to a common depth).  *size receives the hidden size. */
int cpwl_build_maxsum(cpwl_net_t out, slong *size, slong n, slong nterms,
                      const slong *k, const fmpq *const *terms,
                      const int *sign, cpwl_err_t e);

/* A lattice (max-min) form f = max_i min_{j in S_i} L_j of the affine maps
   L (nl rows of n + 1): groups[i] lists group_len[i] indices into L. */
int cpwl_build_lattice(cpwl_net_t out, slong *size, slong n, slong nl,
                       const fmpq *L, slong ngroups, const slong *group_len,
                       const slong *const *groups, cpwl_err_t e);

/* The zig-zag h_a: [0,1] -> [0,1] for a point a of the open simplex
   (a_i > 0, sum a_i = 1, w = len(a) >= 2): w pieces, through (0,0),
   (a_1, 1), (a_1 + a_2, 0), ..., alternating, as one hidden layer of w
   relu units, h_a(x) = sum_i c_i relu(x - t_i) (t_1 = 0). */
int cpwl_build_zigzag(cpwl_net_t out, const fmpq *a, slong w, cpwl_err_t e);

/* The hard family h_{a^k} o ... o h_{a^1}: k hidden layers of width w,
   w^k pieces on [0,1]; a is k x w row-major (row i = a^{i+1}). */
int cpwl_build_hard(cpwl_net_t out, const fmpq *a, slong w, slong k, cpwl_err_t e);

/* The sawtooth: the hard family with every a^i = (1/2, 1/2) (k >= 1). */
int cpwl_build_sawtooth(cpwl_net_t out, slong k, cpwl_err_t e);

/* gamma_Z(x) = sum_i |<b_i, x>| for the m generators b (m x n row-major,
   none zero): one hidden layer of 2m relus (|t| = relu(t) + relu(-t)). */
int cpwl_build_zonotope(cpwl_net_t out, const fmpq *b, slong m, slong n, cpwl_err_t e);

#endif
