/* The fast double path (SPEC section 3): many inputs at once, layer by
   layer, with blocked SIMD kernels (AVX-512 or AVX2 with FMA, chosen at
   run time from cpuid, and a portable C kernel), OpenMP across the batch.

   One pass gives, for every point, the outputs with proven error bounds
   and the packed activation pattern (bit k = state of the k-th neuron
   with a state, as cpwl_net_pattern numbers them) together with a packed mask
   of *undecided* bits: a bit is decided only when |z| > err for the
   pre-activation z computed in double and its proven bound err, the
   stage-1 test of the predicate layer (cpwl_pred_sign_d_filter).  A decided bit
   equals the exact state; an undecided one is 0 and must be decided
   elsewhere (cpwl_net_signs).

   The bound is a row-norm (Cauchy-Schwarz) form of cpwl_net_eval_d's, cheap
   enough to cost O(out) per point and layer instead of O(out in); see
   docs/numerics.md, "The batched double path".  Every point is computed
   by the same instruction sequence wherever it falls in the batch, so the
   results do not depend on the number of threads. */
#ifndef CPWL_BATCH_H
#define CPWL_BATCH_H

#include <stdint.h>
#include "cpwl/net.h"

/* Kernels.  CPWL_BATCH_AUTO picks the widest the CPU runs. */
#define CPWL_BATCH_AUTO 0
#define CPWL_BATCH_PORTABLE 1
#define CPWL_BATCH_AVX2 2            /* AVX2 + FMA */
#define CPWL_BATCH_AVX512 3          /* AVX-512 F/DQ/BW + FMA */
#define CPWL_BATCH_NUM_KERNELS 4

typedef struct
{
    int act;                    /* cpwl_net_act_t of the layer */
    slong in, out;
    slong out_pad;              /* out rounded up to the kernel's panel */
    double *Wp;                 /* packed panels: [out_pad/NR][in][NR] */
    double *bp;                 /* out_pad, zero-padded */
    double *norm;               /* out_pad: >= ||W_i||_2 and ||W'_i||_2 */
    double *alpha, *beta;       /* out_pad: err_i = alpha_i + beta_i A + norm_i E */
    double slope, lip;          /* leaky_relu slope (double) and max(1,|s|) */
    slong state_off;            /* first pattern bit of the layer, or -1 */
}
cpwl_batch_layer_struct;

typedef struct
{
    slong n;                    /* inputs */
    slong m;                    /* outputs */
    slong nlayers;
    slong nstates;              /* pattern bits */
    slong words;                /* uint64_t words per packed pattern (>= 1) */
    slong maxw;                 /* widest padded layer (and n) */
    int kernel;                 /* the kernel in use (never CPWL_BATCH_AUTO) */
    int ok;                     /* 0: some weight overflows a double; then
                                   every bit is undecided, every output
                                   bound infinite */
    cpwl_batch_layer_struct *layers;
}
cpwl_batch_plan_struct;

typedef cpwl_batch_plan_struct cpwl_batch_plan_t[1];

/* Pack the prepared net for kernel (CPWL_BATCH_AUTO or one that
   cpwl_batch_kernel_available says runs here).  Supports relu, leaky_relu and
   identity layers, like the exact path. */
void cpwl_batch_plan_init(cpwl_batch_plan_t P, const cpwl_net_t net, int kernel);
void cpwl_batch_plan_clear(cpwl_batch_plan_t P);

/* Whether the kernel runs on this CPU (CPWL_BATCH_PORTABLE always does). */
int cpwl_batch_kernel_available(int kernel);
/* Whether the kernel is compiled in (the SIMD ones need x86-64 and a
   build without --disable-simd); available implies built. */
int cpwl_batch_kernel_built(int kernel);
/* The kernel CPWL_BATCH_AUTO picks here. */
int cpwl_batch_kernel_best(void);
const char *cpwl_batch_kernel_name(int kernel);
/* Points processed per kernel tile (the batch is cut into tiles). */
slong cpwl_batch_tile(int kernel);

/* Evaluate npts points, row-major in X (npts x n).  Xerr (npts x n, or
   NULL for points that are exactly the doubles given) bounds the distance
   from each double coordinate to the exact input it stands for.
   Outputs (each may be NULL): Y and Yerr (npts x m): |Y - f(x)| <= Yerr
   (an infinite bound when a value overflows); pat and und (npts x words):
   the packed pattern and its undecided bits (a decided bit is exact).
   nthreads: OpenMP threads, 0 = all cores.  Returns the number of
   undecided bits. */
slong cpwl_batch_eval(double *Y, double *Yerr, uint64_t *pat, uint64_t *und,
                      const cpwl_batch_plan_t P, const double *X, const double *Xerr,
                      slong npts, int nthreads);

/* The bound A >= ||x||_2 that cpwl_batch_eval uses for the n coordinates
   of an input point (and for their error bounds), from the same
   computed sum of squares. */
double cpwl_batch_norm_ubound(const double *x, slong n);

/* The number of threads cpwl_batch_eval uses for nthreads (0 = all cores). */
int cpwl_batch_threads(int nthreads);

/* Whether bit k of a packed pattern is set. */
static inline int cpwl_batch_bit(const uint64_t *w, slong k)
{
    return (int) ((w[k / 64] >> (k % 64)) & 1);
}

/* Lexicographic order of packed patterns (word 0 first): -1, 0 or 1. */
static inline int batch_cmp(const uint64_t *a, const uint64_t *b,
                            slong words)
{
    slong j;
    for (j = 0; j < words; j++)
        if (a[j] != b[j])
            return a[j] < b[j] ? -1 : 1;
    return 0;
}

/* Pack / unpack between state bytes (cpwl_net_pattern) and words. */
void batch_pack(uint64_t *w, const unsigned char *state, slong nstates);
void cpwl_batch_unpack(unsigned char *state, const uint64_t *w, slong nstates);

#endif
