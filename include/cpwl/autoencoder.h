/* The weight-tied ReLU autoencoder of sparse coding (thesis, chapter 4;
   Rangamani, Mukherjee, Basu, Ganapathy, Arora, Chin, Tran, "Sparse
   coding and autoencoders", ISIT 2018, arXiv 1708.03735):

     z = W y - eps,   r = relu(z),   yhat = W^T r,   L = (1/2) |y - yhat|^2

   with W in Q^{h x n} (row i is both the encoder's i-th filter and the
   decoder's i-th atom) and thresholds eps in Q^h (a scalar threshold is
   eps_i = eps for all i).  With e = yhat - y, u = W e and
   a_i = relu'(z_i) (1 if z_i > 0, 0 if z_i < 0, relu_d0 if z_i = 0):

     dL/dW = r e^T + diag(a) u y^T,     dL/deps_i = -a_i u_i,

   the first term from the decoder, the second from the encoder (W is
   tied).  The derivative in a scalar threshold is sum_i dL/deps_i.

   Data y = A x* for a dictionary A (module dict) and codes x* from a
   finite distribution (module codes); the expected loss and gradient are
   finite sums over the codes, computed exactly (C(h, k) |V|^k codes for
   a supports distribution: the cost grows like h^k).

   Every relu decision (the sign of z_i) goes through
   cpwl_val_sign_pred: the predicate layer for exact values. */
#ifndef CPWL_AUTOENCODER_H
#define CPWL_AUTOENCODER_H

#include <signal.h>
#include <stdint.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"
#include "cpwl/arith.h"
#include "cpwl/pred.h"
#include "cpwl/objective.h"
#include "cpwl/dict.h"
#include "cpwl/codes.h"

/* Scratch space for cpwl_ae_sample (h x n problems in arithmetic A). */
typedef struct
{
    slong h, n;
    cpwl_val_ptr z;             /* h */
    cpwl_val_ptr r;             /* h */
    cpwl_val_ptr yhat;          /* n */
    cpwl_val_ptr e;             /* n */
    cpwl_val_ptr u;             /* h */
    cpwl_val_ptr t;             /* 4 temporaries */
    int *act;                   /* h: a_i */
    int *pos;                   /* h: 1 where z_i > 0 */
}
cpwl_ae_work_struct;

typedef cpwl_ae_work_struct cpwl_ae_work_t[1];

void cpwl_ae_work_init(cpwl_ae_work_t w, slong h, slong n,
                       const cpwl_arith_t A);
void cpwl_ae_work_clear(cpwl_ae_work_t w, const cpwl_arith_t A);

/* One sample y (n entries) at W (h x n, row-major) and eps (h entries),
   in arithmetic A.  weight NULL: set *loss, GW (h x n) and Geps (h) to
   L and its gradient; else add weight times them to what they hold (the
   terms of an expectation).  loss, GW, Geps may each be NULL (not
   wanted).  act (h entries, may be NULL): a_i.  After the call w->z,
   w->r, w->yhat, w->e hold z, r, yhat, e (and w->u, where a_i = 1,
   u when GW or Geps is wanted).
   pred may be NULL (a context of the call's own).  The order of
   operations, each one rounding in a float format:
     1. z_i = dot(W_i, y) - eps_i      (cpwl_val_dot, left to right)
     2. the sign of z_i by cpwl_val_sign_pred; r_i = z_i if z_i > 0,
        else 0; a_i = 1 (z_i > 0), relu_d0 (z_i = 0), 0 (z_i < 0)
     3. yhat_j = sum of W_ij r_i over the i with z_i > 0, in increasing
        i, from 0 (the first product enters exactly)
     4. e_j = yhat_j - y_j;  L = dot(e, e) (1/2)
     5. u_i = dot(W_i, e) for the i with a_i = 1 only
     6. GW_ij = r_i e_j + u_i y_j (both products rounded, then the sum)
        for a_i = 1; row i is 0 for a_i = 0 (where r_i = 0 too)
     7. Geps_i = -u_i for a_i = 1, else 0
   With a weight, each output is out + weight term (the product rounded,
   then the sum), and the rows (and Geps_i) with a_i = 0 are left as
   they are.  Cost O(h n + |{a_i = 1}| n).
   Returns 0; 1 when the arithmetic failed; 2 when a sign of z_i cannot
   be decided in A (a ball containing 0), with a message in e. */
int cpwl_ae_sample(cpwl_val_ptr loss, cpwl_val_ptr GW, cpwl_val_ptr Geps,
                   int *act, cpwl_val_srcptr W, cpwl_val_srcptr eps,
                   cpwl_val_srcptr y, const cpwl_val_struct *weight,
                   int relu_d0, cpwl_ae_work_t w, cpwl_arith_t A,
                   cpwl_pred_ctx_t pred, cpwl_err_t e);

/* The progress of a long loop over codes: the number of codes done. */
typedef void (*cpwl_ae_progress_fn)(void *data, const fmpz_t done);

/* The expectation over the codes of C of L and its gradient at W, for
   data y = A_dict x, in arithmetic A: loss (may be NULL), GW (h x n),
   Geps (h), summed in code number order from 0, y computed exactly and
   entered once per code, each code cpwl_ae_sample with weight p_c
   (entered once per code); codes of probability 0 are skipped (their
   term is 0).  In exact arithmetic, when every code has the same
   probability p, the unweighted terms are summed and the sums multiplied
   by p once (the same rationals, fewer operations).  Returns 0; 1 or 2
   as cpwl_ae_sample (1 also for codes whose length is not the
   dictionary's h); 3 when *stop (may be NULL; polled before each code)
   was set: the outputs then hold the sum over the first *done codes
   (done may be NULL; the number of codes summed otherwise).  progress
   (may be NULL) is called with progress_data and the number of codes
   done every 256 codes (a long sum's progress line). */
int cpwl_ae_expect_val(cpwl_val_ptr loss, cpwl_val_ptr GW,
                       cpwl_val_ptr Geps, cpwl_val_srcptr W,
                       cpwl_val_srcptr eps, const fmpq_mat_t Adict,
                       const cpwl_codes_t C, int relu_d0, fmpz_t done,
                       volatile sig_atomic_t *stop,
                       cpwl_ae_progress_fn progress, void *progress_data,
                       cpwl_arith_t A, cpwl_pred_ctx_t pred, cpwl_err_t e);

/* The same exactly: W an h x n matrix, eps h entries, loss, GW (h x n,
   row-major), Geps (h) rationals. */
int cpwl_ae_expect(fmpq_t loss, fmpq *GW, fmpq *Geps, const fmpq_mat_t W,
                   const fmpq *eps, const fmpq_mat_t Adict,
                   const cpwl_codes_t C, int relu_d0, fmpz_t done,
                   volatile sig_atomic_t *stop,
                   cpwl_ae_progress_fn progress, void *progress_data,
                   cpwl_pred_ctx_t pred, cpwl_err_t e);

/* |v|^2 = sum of squares of v_0 ... v_{len-1}, exactly. */
void cpwl_ae_norm2(fmpq_t r, const fmpq *v, slong len);

/* sqrt(norm2) as a ball at prec (exact when norm2 is a rational square). */
void cpwl_ae_norm_arb(arb_t r, const fmpq_t norm2, slong prec);

/* W = A^T + delta D, D a seeded random rational unit vector of Q^{h n}
   (cpwl_dict_rand_unit with height, D read row-major into h x n), so
   that |W - A^T|_F = delta exactly.  W initialised by the caller, any
   size (re-initialised to h x n). */
void cpwl_ae_perturb(fmpq_mat_t W, const fmpq_mat_t Adict,
                     const fmpq_t delta, slong height, uint64_t *state);

/* The estimate a floating-point user computes: N codes drawn from C
   (cpwl_codes_draw, seeded by seed), the mean of their gradients in W
   computed in binary64 (module arith), its Frobenius norm; repeated R
   times with the same stream of draws: *mean and *sd (sample standard
   deviation, 0 if R = 1) of the R norms, in double.  Per repeat: G = 0;
   for each of the N draws (one splitmix64 stream from seed for all
   repeats), y = A_dict x exactly, entered rounded, G = G + 1 term
   (cpwl_ae_sample's order); G = G (1/N) (1/N rounded once); the norm
   sqrt(dot(G, G)).  Reproducible bit for bit.  Returns 0; 1 with a
   message in e (N < 1, R < 1, sizes that do not agree); 3 when *stop
   (may be NULL; polled before each draw) was set (*mean = *sd = 0). */
int cpwl_ae_mc_grad_norm(double *mean, double *sd, const fmpq_mat_t W,
                         const fmpq *eps, const fmpq_mat_t Adict,
                         const cpwl_codes_t C, int relu_d0, slong N,
                         slong R, uint64_t seed,
                         volatile sig_atomic_t *stop, cpwl_err_t e);

/* Support recovery.  For a scalar threshold eps, supp relu(W y - eps) =
   {i : (W y)_i > eps} (relu(0) = 0), which equals a set S exactly when
   lo <= eps < hi with lo = max_{i not in S} (W y)_i (-inf when S is
   everything) and hi = min_{i in S} (W y)_i (+inf when S is empty): the
   window of S. */
typedef struct
{
    int lo_inf;                 /* lo = -infinity */
    int hi_inf;                 /* hi = +infinity */
    fmpq_t lo, hi;
}
cpwl_ae_window_struct;

typedef cpwl_ae_window_struct cpwl_ae_window_t[1];

void cpwl_ae_window_init(cpwl_ae_window_t w);
void cpwl_ae_window_clear(cpwl_ae_window_t w);
void cpwl_ae_window_set(cpwl_ae_window_t r, const cpwl_ae_window_t w);
/* 1 if no eps lies in the window (lo >= hi, both finite). */
int cpwl_ae_window_is_empty(const cpwl_ae_window_t w);
/* 1 if lo <= eps < hi. */
int cpwl_ae_window_contains(const cpwl_ae_window_t w, const fmpq_t eps);
/* r = the intersection of a and b (r may alias either). */
void cpwl_ae_window_intersect(cpwl_ae_window_t r, const cpwl_ae_window_t a,
                              const cpwl_ae_window_t b);

/* The window of the set supp (k sorted indices) for Wy (h entries). */
void cpwl_ae_window(cpwl_ae_window_t w, const fmpq *Wy, slong h,
                    const slong *supp, slong k);

/* supp relu(Wy - eps): the indices i with Wy_i - eps > 0, decided by
   the predicate layer pred, into supp (h entries), their number
   returned. */
slong cpwl_ae_support(slong *supp, const fmpq *Wy, const fmpq_t eps,
                      slong h, cpwl_pred_ctx_t pred);

/* The window in which every code of support size k with non-zeros in
   [m1, m2] (0 < m1 <= m2) is recovered at W = A^T, for a dictionary
   with unit columns and coherence mu (Rangamani et al., the support
   recovery lemma, in its simplest form): (W y)_i <= k mu m2 off the
   support and (W y)_i >= m1 - (k - 1) mu m2 on it, so the window is
   [k mu m2, m1 - (k - 1) mu m2), empty when (2k - 1) mu m2 >= m1.
   k >= 1. */
void cpwl_ae_window_coherence(cpwl_ae_window_t w, const fmpq_t mu, slong k,
                              const fmpq_t m1, const fmpq_t m2);

/* Recovery over a code distribution. */
typedef struct
{
    fmpz_t codes;               /* codes examined */
    int has_eps;                /* prob, failed, fail: at the given eps */
    fmpq_t prob;                /* P(supp relu(W y - eps) = supp x*) */
    fmpz_t failed;              /* codes (of probability > 0) that fail */
    slong h;                    /* length of a kept code */
    slong nfail;                /* failing codes kept (at most max_fail) */
    fmpq *fail;                 /* nfail x h: the first failing codes */
    fmpz *fail_index;           /* their code numbers */
    fmpq_t best;                /* max over eps of the probability */
    cpwl_ae_window_t best_window;  /* the lowest interval of eps attaining
                                      it (a window: [lo, hi)) */
    cpwl_ae_window_t common;    /* the intersection of the windows of the
                                   codes of probability > 0: the eps that
                                   recover every code (maybe empty) */
    fmpz_t empty;               /* codes whose window is empty: no eps
                                   recovers them */
    slong nempty;               /* empty-window codes kept (<= max_fail) */
    fmpq *empty_codes;          /* nempty x h */
    fmpz *empty_index;
    /* set by the caller after init (NULL there): called with the number
       of codes examined every 4096 codes */
    cpwl_ae_progress_fn progress;
    void *progress_data;
}
cpwl_ae_recovery_struct;

typedef cpwl_ae_recovery_struct cpwl_ae_recovery_t[1];

void cpwl_ae_recovery_init(cpwl_ae_recovery_t R);
void cpwl_ae_recovery_clear(cpwl_ae_recovery_t R);

/* Examine every code of C at W (h x n) for data y = A_dict x: the
   windows, their intersection, the best probability (a sweep over the
   sorted window ends: O(count log count) time, O(count) memory), and,
   when eps is not NULL, the probability at eps and the failing codes.
   Codes of probability 0 are counted in R->codes and nowhere else.
   Returns 0; 1 with a message in e; 3 when *stop was set (R then holds
   what the codes examined so far give). */
int cpwl_ae_recovery(cpwl_ae_recovery_t R, const fmpq_mat_t W,
                     const fmpq_mat_t Adict, const cpwl_codes_t C,
                     const fmpq_t eps, slong max_fail,
                     volatile sig_atomic_t *stop, cpwl_pred_ctx_t pred,
                     cpwl_err_t e);

/* The expected loss f(W) = sum_c p_c L(W; A_dict x_c) over the codes of C
   as an objective of module optim: the parameters are W row-major (h n
   of them), one term p_c L per code (nterms = the number of codes, at
   most 2^31 - 1), the default start A_dict^T, eps fixed (h entries),
   relu'(0) = relu_d0, inf f >= 0 (has_fstar).  The terms asked are
   summed from 0 in the order given (code number order for all), term c
   being cpwl_ae_sample with weight p_c: the whole f and its gradient are
   cpwl_ae_expect_val's, operation for operation.  A, C and eps are
   copied.  Returns 0, or 1 with CPWL_ERR_INPUT in e (codes whose length
   is not h, more than 2^31 - 1 codes); O is then empty (clearing it is
   allowed). */
int cpwl_ae_objective_init(cpwl_objective_t O, const fmpq_mat_t Adict,
                           const cpwl_codes_t C, const fmpq *eps,
                           int relu_d0, cpwl_err_t e);

#endif
