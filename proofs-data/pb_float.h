/* The float methods of PAC-Bayes practice, reimplemented as published
   (pb_float.c), so the tables pb_float and pb_kl_float (gen_pacbayes.c)
   can compare their values with cpwl's rigorous enclosures.  Not part of
   the library: these are the procedures cpwl replaces, reproduced with
   their constants, their order of operations and their precision. */
#ifndef CPWL_PROOFS_PB_FLOAT_H
#define CPWL_PROOFS_PB_FLOAT_H

#include <stdint.h>

/* Perez-Ortiz et al., github.com/mperezortiz/PBB, pbb/bounds.py, inv_kl
   (qs, ks): bisection on [qs, 1 - 1e-10] while the relative width
   (dch - izq)/dch >= 1e-5, returning the last midpoint, an end of the
   final bracket: below kl^{-1} whenever the last step moved izq (0 when
   the loop never runs: qs >= 1 - 1e-10).  Python floats: binary64,
   libm log. */
double pb_pbb_inv_kl(double qs, double ks);

/* Dziugaite and Roy, github.com/gkdziugaite/pacbayes-opt,
   snn/core/extra_fn.py, approximate_BPAC_bound(train_accur, B_init,
   niter=5) with KLdiv, KLdiv_prime and Newt: B_RE = 2 B_init^2,
   A = 1 - train_accur, p = B_init + A (1 if p > 1), then five Newton
   steps on KLdiv(A, p) = B_RE.  pb_dr_bpac_d runs it in binary64 (NumPy
   1.x promotes their float32 B to float64), pb_dr_bpac_f in binary32
   (NumPy 2 keeps a float32 scalar float32; TensorFlow's B is one). */
double pb_dr_bpac_d(double train_accur, double B_init);
float pb_dr_bpac_f(float train_accur, float B_init);

/* kl^{-1}(q, c) the way each code is called: PBB with qs = q, ks = c;
   DR with train_accur = 1 - q and B_init = sqrt(c/2) (their
   B = sqrt(Bquad/(2(m - 1))) and B_RE = 2 B^2 = c), computed in the
   method's precision from the nearest double (float) to q and c. */
double pb_dr_inv_d(double q, double c);
float pb_dr_inv_f(double q, double c);

/* PBB's Gaussian KL in binary32 (pbb/models.py, Gaussian.compute_kl):
   b1 = sq^2, b0 = sp^2, term1 = log(b0/b1), term2 = (mq - mp)^2/b0,
   term3 = b1/b0, the sum of 0.5 (term1 + term2 + term3 - 1) over the d
   weights: in index order (pairwise = 0) or by pairwise halving
   (pairwise = 1, the shape of the tree reductions of PyTorch and
   TensorFlow, not their exact blocking). */
float pb_kl_gauss_f(const float *mq, const float *sq, const float *mp,
                    const float *sp, long d, int pairwise);

/* Dziugaite and Roy's KL in binary32 (snn/core/network.py,
   PACB_objective): posterior N(w, diag(e^{2 s_i})), prior
   N(w0, e^{2 lp} I), KL = KLdivTimes2 / 2 with
     norm_post_variance = sum exp(s_i * 2), norm_params = sum (w_i - w0_i)^2,
     sum_log_post_variance = sum s_i,
     mean = norm_params / exp(2 lp),
     var = norm_post_variance / exp(2 lp) - 2 sum_log_post_variance
           + (2 nparams) lp,
     KLdivTimes2 = mean + var - nparams,
   each reduce_sum in index order (pairwise = 0) or by pairwise halving
   (pairwise = 1). */
float pb_kl_dr_f(const float *w, const float *w0, const float *s, float lp,
                 long d, int pairwise);

/* PBB's sigma = log(1 + exp(rho)) in binary32 (Gaussian.sigma). */
float pb_softplus_f(float rho);

/* A seeded stream (splitmix64) and the float nearest
   lo + (hi - lo) k 2^-24 (k the stream's top 24 bits; the arithmetic in
   double): the same numbers on every machine. */
uint64_t pb_next64(uint64_t *s);
float pb_uniform_f(uint64_t *s, double lo, double hi);

#endif
