/* The batched double path: blocked forward kernels with proven per-neuron
   error bounds, packed activation patterns and undecided bits.

   Layout.  A tile of TILE points is processed layer by layer; activations
   are points-major (row p holds the layer's values at point p), weights are
   packed in panels of NR neurons, [panel][k][NR], so that a micro-kernel
   keeps an MR x NR block of pre-activations in registers and, per input k,
   loads NR weights and broadcasts MR activations (the register blocking of
   Goto and van de Geijn's GEMM, with the roles fixed by the layer shapes of
   ReLU nets: few inputs, many points).

   Bound (docs/numerics.md, "The batched double path").  For neuron i of a
   layer with n inputs, computed activations a (doubles) with errors e:
       |z'_i - z_i| <= SLACK (alpha_i + beta_i A + N_i E),
       alpha_i = (n+3) u |b'_i| + 2 eta (n+2),
       beta_i  = (n+3) u N_i + 2 eta (n+1),
   where N_i >= ||W_i||_2, ||W'_i||_2, A >= ||a||_2 and E >= ||e||_2.  It is
   cpwl_net_eval_d's bound with sum |W'_j a_j| and sum |W_j| e_j replaced by
   Cauchy-Schwarz, so the bound costs O(1) per neuron and point. */
#include <float.h>
#include <math.h>
#include <string.h>
#include <flint/flint.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
/* The SIMD kernels: only on x86-64 with GNU C's target attributes, unless
   configure --disable-simd (or its compile check) set CPWL_NO_SIMD. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(CPWL_NO_SIMD)
#define BATCH_SIMD 1
#include <immintrin.h>
#else
#define BATCH_SIMD 0
#endif
#include "cpwl/batch.h"
#include "fpbound.h"

/* Points per tile: a multiple of every kernel's MR (12, 6, 4). */
#define TILE 96
/* Lanes of the per-point sums of squares (the widest vector). */
#define SUMW 8

static int kernel_nr(int kernel)
{
    return kernel == CPWL_BATCH_AVX512 ? 16 : 8;
}

/* ---- CPU dispatch ------------------------------------------------------ */

int cpwl_batch_kernel_available(int kernel)
{
    switch (kernel)
    {
        case CPWL_BATCH_PORTABLE:
            return 1;
#if BATCH_SIMD
        case CPWL_BATCH_AVX2:
            return __builtin_cpu_supports("avx2") &&
                   __builtin_cpu_supports("fma");
        case CPWL_BATCH_AVX512:
            return __builtin_cpu_supports("avx512f");
#endif
        default:
            return 0;
    }
}

int cpwl_batch_kernel_built(int kernel)
{
    return kernel == CPWL_BATCH_PORTABLE || (BATCH_SIMD && (kernel == CPWL_BATCH_AVX2
                                                      || kernel == CPWL_BATCH_AVX512));
}

int cpwl_batch_kernel_best(void)
{
    if (cpwl_batch_kernel_available(CPWL_BATCH_AVX512))
        return CPWL_BATCH_AVX512;
    if (cpwl_batch_kernel_available(CPWL_BATCH_AVX2))
        return CPWL_BATCH_AVX2;
    return CPWL_BATCH_PORTABLE;
}

const char *cpwl_batch_kernel_name(int kernel)
{
    static const char *names[CPWL_BATCH_NUM_KERNELS] =
        {"auto", "portable", "avx2", "avx512"};
    return kernel >= 0 && kernel < CPWL_BATCH_NUM_KERNELS ? names[kernel] : "?";
}

slong cpwl_batch_tile(int kernel)
{
    (void) kernel;
    return TILE;
}

void batch_pack(uint64_t *w, const unsigned char *state, slong nstates)
{
    slong k, words = FLINT_MAX(1, (nstates + 63) / 64);
    memset(w, 0, words * sizeof(uint64_t));
    for (k = 0; k < nstates; k++)
        if (state[k])
            w[k / 64] |= (uint64_t) 1 << (k % 64);
}

void cpwl_batch_unpack(unsigned char *state, const uint64_t *w, slong nstates)
{
    slong k;
    for (k = 0; k < nstates; k++)
        state[k] = (unsigned char) cpwl_batch_bit(w, k);
}

/* ---- the plan ---------------------------------------------------------- */

/* An upper bound (double) on the Euclidean norm of an Arb vector's
   entries' squares summed in s. */
static double arb_norm_ubound(const arb_t sumsq)
{
    arb_t r;
    arf_t u;
    double d;
    arb_init(r);
    arf_init(u);
    arb_sqrt(r, sumsq, 64);
    arb_get_ubound_arf(u, r, 64);
    d = arf_get_d(u, ARF_RND_UP);
    arf_clear(u);
    arb_clear(r);
    return d;
}

static void pack_layer(cpwl_batch_layer_struct *B, const cpwl_net_layer_struct *L,
                       int nr, slong state_off)
{
    slong i, j, n = L->in;
    double cn = (double) (n + 3) * U_D;
    arb_t s1, s2, t;

    B->act = L->act;
    B->in = n;
    B->out = L->out;
    B->out_pad = (L->out + nr - 1) / nr * nr;
    B->state_off = state_off;
    B->Wp = flint_calloc(FLINT_MAX(1, B->out_pad * n), sizeof(double));
    B->bp = flint_calloc(B->out_pad, sizeof(double));
    B->norm = flint_calloc(B->out_pad, sizeof(double));
    B->alpha = flint_calloc(B->out_pad, sizeof(double));
    B->beta = flint_calloc(B->out_pad, sizeof(double));
    B->slope = L->slope_d;
    /* max(1,|s'|) without a (1 + 2u): the rounding of the slope costs
       |s - s'| eps <= (u |s'| + eta/2) eps, which the (1 + 2^-30) of the
       activation's bound covers (docs/numerics.md, "The batched double
       path", leaky_relu). */
    B->lip = FLINT_MAX(1.0, fabs(L->slope_d));

    arb_init(s1);
    arb_init(s2);
    arb_init(t);
    for (i = 0; i < L->out; i++)
    {
        slong q = i / nr, r = i % nr;
        arb_zero(s1);
        arb_zero(s2);
        for (j = 0; j < n; j++)
        {
            double w = L->Wd[i * n + j];
            B->Wp[(q * n + j) * nr + r] = w;
            /* N_i bounds both the exact row and its doubles. */
            arb_set_fmpq(t, fmpq_mat_entry(L->W, i, j), 64);
            arb_addmul(s1, t, t, 64);
            arb_set_d(t, w);
            arb_addmul(s2, t, t, 64);
        }
        B->bp[i] = L->bd[i];
        B->norm[i] = FLINT_MAX(arb_norm_ubound(s1), arb_norm_ubound(s2));
        B->alpha[i] = cn * fabs(L->bd[i]) + 2 * ETA_D * (double) (n + 2);
        B->beta[i] = cn * B->norm[i] + 2 * ETA_D * (double) (n + 1);
    }
    arb_clear(s1);
    arb_clear(s2);
    arb_clear(t);
}

void cpwl_batch_plan_init(cpwl_batch_plan_t P, const cpwl_net_t net, int kernel)
{
    slong l, off = 0;
    int nr;
    if (kernel == CPWL_BATCH_AUTO)
        kernel = cpwl_batch_kernel_best();
    if (!cpwl_batch_kernel_available(kernel))
        flint_throw(FLINT_ERROR, "batch: kernel %s does not run here\n",
                    cpwl_batch_kernel_name(kernel));
    if (!net->prepared)
        flint_throw(FLINT_ERROR, "batch: network not prepared\n");
    nr = kernel_nr(kernel);
    P->kernel = kernel;
    P->n = net->input_dim;
    P->m = cpwl_net_output_dim(net);
    P->nlayers = net->nlayers;
    P->nstates = cpwl_net_num_states(net);
    P->words = FLINT_MAX(1, (P->nstates + 63) / 64);
    P->maxw = FLINT_MAX(1, net->input_dim);
    P->ok = 1;
    P->layers = flint_calloc(FLINT_MAX(1, net->nlayers),
                             sizeof(cpwl_batch_layer_struct));
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        if (L->act != CPWL_NET_RELU && L->act != CPWL_NET_LEAKY_RELU
            && L->act != CPWL_NET_IDENTITY)
            flint_throw(FLINT_ERROR, "batch: activation %s\n",
                        cpwl_net_act_name(L->act));
        pack_layer(P->layers + l, L, nr, L->act == CPWL_NET_IDENTITY ? -1 : off);
        if (L->act != CPWL_NET_IDENTITY)
            off += L->out;
        P->maxw = FLINT_MAX(P->maxw, P->layers[l].out_pad);
        /* Wide layers and overflowing weights: no proven bound. */
        if (!L->d_ok || L->in >= MAX_N_D)
            P->ok = 0;
    }
}

void cpwl_batch_plan_clear(cpwl_batch_plan_t P)
{
    slong l;
    for (l = 0; l < P->nlayers; l++)
    {
        cpwl_batch_layer_struct *B = P->layers + l;
        flint_free(B->Wp);
        flint_free(B->bp);
        flint_free(B->norm);
        flint_free(B->alpha);
        flint_free(B->beta);
    }
    flint_free(P->layers);
}

/* ---- one layer on one tile --------------------------------------------- */

/* What a layer kernel reads and writes.  A: TILE x lda input activations
   with norm bounds an, en per point; Z: TILE x out_pad results (the next
   layer's activations, or the output values) with sa, se the sums of
   squares of the activations and of their errors (for the next norms),
   kept as SUMW lanes per point and added up after the layer;
   err: TILE x out_pad bounds, filled only for the last layer. */
typedef struct
{
    const cpwl_batch_layer_struct *L;
    const double *A;
    slong lda;
    const double *an, *en;
    double *Z;
    double *err;                /* NULL except for the last layer */
    double *sa, *se;            /* TILE x SUMW each, accumulated */
    uint64_t *pat, *und;        /* TILE x words */
    slong words;
}
layer_job;

static inline void put_bits(uint64_t *w, slong g, uint64_t m, int nbits)
{
    slong q = g >> 6;
    int s = (int) (g & 63);
    if (m == 0)
        return;
    w[q] |= m << s;
    /* m has no bits for padded neurons, so the next word exists when one
       of its bits crosses over */
    if (s + nbits > 64 && (m >> (64 - s)) != 0)
        w[q + 1] |= m >> (64 - s);
}

/* Per neuron and point, after the sum: the bound, the state bits, the
   activation and its error.  Shared by the portable kernel (and the
   scalar reference of the tests' description in docs/numerics.md). */
static inline void epilogue_scalar(const layer_job *J, slong p, slong i,
                                   double z)
{
    const cpwl_batch_layer_struct *L = J->L;
    double err, a, e;
    err = SLACK_D * (L->alpha[i] + L->beta[i] * J->an[p]
                     + L->norm[i] * J->en[p]);
    /* A sum that overflowed (inf or NaN: both are sticky, so a finite z
       means no partial sum overflowed) has no bound, however finite err. */
    if (!(fabs(z) <= DBL_MAX))
        err = INFINITY;
    if (L->act != CPWL_NET_IDENTITY && i < L->out)
    {
        slong g = L->state_off + i;
        if (fabs(z) > err)      /* false for NaN: undecided */
        {
            if (z > 0)
                J->pat[p * J->words + g / 64] |= (uint64_t) 1 << (g % 64);
        }
        else
            J->und[p * J->words + g / 64] |= (uint64_t) 1 << (g % 64);
    }
    switch (L->act)
    {
        case CPWL_NET_RELU:
            a = z > 0 ? z : 0.0;
            e = err;
            break;
        case CPWL_NET_LEAKY_RELU:
            a = z > 0 ? z : L->slope * z;
            e = SLACK_D * (L->lip * err + 3 * U_D * fabs(L->slope * z)
                           + 2 * ETA_D * (1 + fabs(z)));
            break;
        default:
            a = z;
            e = err;
    }
    J->Z[p * L->out_pad + i] = a;
    if (J->err != NULL)
        J->err[p * L->out_pad + i] = e;
    J->sa[p * SUMW] += a * a;
    J->se[p * SUMW] += e * e;
}

#define PORT_MR 4
#define PORT_NR 8

static void layer_portable(const layer_job *J)
{
    const cpwl_batch_layer_struct *L = J->L;
    slong q, p0, k, r, j, n = L->in;
    for (q = 0; q < L->out_pad / PORT_NR; q++)
    {
        const double *W = L->Wp + q * n * PORT_NR;
        const double *b = L->bp + q * PORT_NR;
        for (p0 = 0; p0 < TILE; p0 += PORT_MR)
        {
            double acc[PORT_MR][PORT_NR];
            #pragma GCC unroll 16
            for (r = 0; r < PORT_MR; r++)
                #pragma GCC unroll 16
                for (j = 0; j < PORT_NR; j++)
                    acc[r][j] = b[j];
            for (k = 0; k < n; k++)
                #pragma GCC unroll 16
                for (r = 0; r < PORT_MR; r++)
                {
                    double a = J->A[(p0 + r) * J->lda + k];
                    #pragma GCC unroll 16
                    for (j = 0; j < PORT_NR; j++)
                        acc[r][j] += W[k * PORT_NR + j] * a;
                }
            #pragma GCC unroll 16
            for (r = 0; r < PORT_MR; r++)
                #pragma GCC unroll 16
                for (j = 0; j < PORT_NR; j++)
                    epilogue_scalar(J, p0 + r, q * PORT_NR + j, acc[r][j]);
        }
    }
}

#if BATCH_SIMD

/* ---- AVX2 + FMA: 6 points x 8 neurons (12 accumulators) --------------- */

#define AVX2_MR 6
#define AVX2_NR 8
#define TGT_AVX2 __attribute__((target("avx2,fma")))

TGT_AVX2 static inline __attribute__((always_inline)) void
layer_avx2_act(const layer_job *J, const int act)
{
    const cpwl_batch_layer_struct *L = J->L;
    slong q, p0, k, r, n = L->in;
    const __m256d zero = _mm256_setzero_pd();
    const __m256d slack = _mm256_set1_pd(SLACK_D);
    const __m256d absmask =
        _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256d sl = _mm256_set1_pd(L->slope), lip = _mm256_set1_pd(L->lip);
    const __m256d u3 = _mm256_set1_pd(3 * U_D),
                  eta2 = _mm256_set1_pd(2 * ETA_D);
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d inf = _mm256_set1_pd(INFINITY),
                  dmax = _mm256_set1_pd(DBL_MAX);

    for (q = 0; q < L->out_pad / AVX2_NR; q++)
    {
        const double *W = L->Wp + q * n * AVX2_NR;
        slong i0 = q * AVX2_NR;
        __m256d b0 = _mm256_loadu_pd(L->bp + i0),
                b1 = _mm256_loadu_pd(L->bp + i0 + 4);
        __m256d al[2], be[2], nm[2];
        slong nvalid = FLINT_MIN(AVX2_NR, L->out - i0);
        uint64_t valid = nvalid <= 0 ? 0 : (((uint64_t) 1 << nvalid) - 1);
        #pragma GCC unroll 16
        for (r = 0; r < 2; r++)
        {
            al[r] = _mm256_loadu_pd(L->alpha + i0 + 4 * r);
            be[r] = _mm256_loadu_pd(L->beta + i0 + 4 * r);
            nm[r] = _mm256_loadu_pd(L->norm + i0 + 4 * r);
        }
        for (p0 = 0; p0 < TILE; p0 += AVX2_MR)
        {
            __m256d c[AVX2_MR][2];
            const double *A = J->A + p0 * J->lda;
            #pragma GCC unroll 16
            for (r = 0; r < AVX2_MR; r++)
            {
                c[r][0] = b0;
                c[r][1] = b1;
            }
            for (k = 0; k < n; k++)
            {
                __m256d w0 = _mm256_loadu_pd(W + k * AVX2_NR);
                __m256d w1 = _mm256_loadu_pd(W + k * AVX2_NR + 4);
                #pragma GCC unroll 16
                for (r = 0; r < AVX2_MR; r++)
                {
                    __m256d a = _mm256_broadcast_sd(A + r * J->lda + k);
                    c[r][0] = _mm256_fmadd_pd(w0, a, c[r][0]);
                    c[r][1] = _mm256_fmadd_pd(w1, a, c[r][1]);
                }
            }
            #pragma GCC unroll 16
            for (r = 0; r < AVX2_MR; r++)
            {
                slong p = p0 + r;
                __m256d an = _mm256_set1_pd(J->an[p]),
                        en = _mm256_set1_pd(J->en[p]);
                __m256d sa = zero, se = zero;
                uint64_t on = 0, dec = 0;
                double *zo = J->Z + p * L->out_pad + i0;
                slong h;
                #pragma GCC unroll 16
                for (h = 0; h < 2; h++)
                {
                    __m256d z = c[r][h], a, e;
                    __m256d err = _mm256_mul_pd(
                        slack,
                        _mm256_fmadd_pd(nm[h], en,
                                        _mm256_fmadd_pd(be[h], an, al[h])));
                    __m256d az = _mm256_and_pd(z, absmask);
                    /* overflowed sums: no bound (as epilogue_scalar) */
                    err = _mm256_blendv_pd(
                        inf, err, _mm256_cmp_pd(az, dmax, _CMP_LE_OQ));
                    dec |= (uint64_t) _mm256_movemask_pd(
                               _mm256_cmp_pd(az, err, _CMP_GT_OQ))
                           << (4 * h);
                    on |= (uint64_t) _mm256_movemask_pd(
                              _mm256_cmp_pd(z, zero, _CMP_GT_OQ))
                          << (4 * h);
                    if (act == CPWL_NET_RELU)
                    {
                        a = _mm256_max_pd(z, zero);
                        e = err;
                    }
                    else if (act == CPWL_NET_LEAKY_RELU)
                    {
                        __m256d sz = _mm256_mul_pd(sl, z);
                        a = _mm256_blendv_pd(
                            sz, z, _mm256_cmp_pd(z, zero, _CMP_GT_OQ));
                        e = _mm256_mul_pd(slack, _mm256_fmadd_pd(lip, err,
                              _mm256_fmadd_pd(u3, _mm256_and_pd(sz, absmask),
                                _mm256_mul_pd(eta2, _mm256_add_pd(one, az)))));
                    }
                    else
                    {
                        a = z;
                        e = err;
                    }
                    _mm256_storeu_pd(zo + 4 * h, a);
                    if (J->err != NULL)
                        _mm256_storeu_pd(J->err + p * L->out_pad + i0 + 4 * h,
                                         e);
                    sa = _mm256_fmadd_pd(a, a, sa);
                    se = _mm256_fmadd_pd(e, e, se);
                }
                if (L->state_off >= 0)
                {
                    put_bits(J->pat + p * J->words, L->state_off + i0,
                             on & dec & valid, AVX2_NR);
                    put_bits(J->und + p * J->words, L->state_off + i0,
                             ~dec & valid, AVX2_NR);
                }
                if (q > 0)      /* the first panel starts the sums */
                {
                    sa = _mm256_add_pd(_mm256_loadu_pd(J->sa + p * SUMW), sa);
                    se = _mm256_add_pd(_mm256_loadu_pd(J->se + p * SUMW), se);
                }
                _mm256_storeu_pd(J->sa + p * SUMW, sa);
                _mm256_storeu_pd(J->se + p * SUMW, se);
            }
        }
    }
}

/* One copy per activation, so that the epilogue has no branch on it. */
TGT_AVX2 static void layer_avx2(const layer_job *J)
{
    if (J->L->act == CPWL_NET_RELU)
        layer_avx2_act(J, CPWL_NET_RELU);
    else if (J->L->act == CPWL_NET_LEAKY_RELU)
        layer_avx2_act(J, CPWL_NET_LEAKY_RELU);
    else
        layer_avx2_act(J, CPWL_NET_IDENTITY);
}

/* ---- AVX-512: 12 points x 16 neurons (24 accumulators) ---------------- */

#define AVX512_MR 12
#define AVX512_NR 16
#define TGT_AVX512 __attribute__((target("avx512f,fma")))

TGT_AVX512 static inline __attribute__((always_inline)) void
layer_avx512_act(const layer_job *J, const int act)
{
    const cpwl_batch_layer_struct *L = J->L;
    slong q, p0, k, r, n = L->in;
    const __m512d zero = _mm512_setzero_pd();
    const __m512d slack = _mm512_set1_pd(SLACK_D);
    const __m512d sl = _mm512_set1_pd(L->slope), lip = _mm512_set1_pd(L->lip);
    const __m512d u3 = _mm512_set1_pd(3 * U_D),
                  eta2 = _mm512_set1_pd(2 * ETA_D);
    const __m512d one = _mm512_set1_pd(1.0);
    const __m512d inf = _mm512_set1_pd(INFINITY),
                  dmax = _mm512_set1_pd(DBL_MAX);

    for (q = 0; q < L->out_pad / AVX512_NR; q++)
    {
        const double *W = L->Wp + q * n * AVX512_NR;
        slong i0 = q * AVX512_NR;
        __m512d b0 = _mm512_loadu_pd(L->bp + i0),
                b1 = _mm512_loadu_pd(L->bp + i0 + 8);
        __m512d al[2], be[2], nm[2];
        slong nvalid = FLINT_MIN(AVX512_NR, L->out - i0);
        uint64_t valid = nvalid <= 0 ? 0 : (((uint64_t) 1 << nvalid) - 1);
        #pragma GCC unroll 16
        for (r = 0; r < 2; r++)
        {
            al[r] = _mm512_loadu_pd(L->alpha + i0 + 8 * r);
            be[r] = _mm512_loadu_pd(L->beta + i0 + 8 * r);
            nm[r] = _mm512_loadu_pd(L->norm + i0 + 8 * r);
        }
        for (p0 = 0; p0 < TILE; p0 += AVX512_MR)
        {
            __m512d c[AVX512_MR][2];
            const double *A = J->A + p0 * J->lda;
            #pragma GCC unroll 16
            for (r = 0; r < AVX512_MR; r++)
            {
                c[r][0] = b0;
                c[r][1] = b1;
            }
            for (k = 0; k < n; k++)
            {
                __m512d w0 = _mm512_loadu_pd(W + k * AVX512_NR);
                __m512d w1 = _mm512_loadu_pd(W + k * AVX512_NR + 8);
                #pragma GCC unroll 16
                for (r = 0; r < AVX512_MR; r++)
                {
                    __m512d a = _mm512_set1_pd(A[r * J->lda + k]);
                    c[r][0] = _mm512_fmadd_pd(w0, a, c[r][0]);
                    c[r][1] = _mm512_fmadd_pd(w1, a, c[r][1]);
                }
            }
            #pragma GCC unroll 16
            for (r = 0; r < AVX512_MR; r++)
            {
                slong p = p0 + r;
                __m512d an = _mm512_set1_pd(J->an[p]),
                        en = _mm512_set1_pd(J->en[p]);
                __m512d sa = zero, se = zero;
                uint64_t on = 0, dec = 0;
                double *zo = J->Z + p * L->out_pad + i0;
                slong h;
                #pragma GCC unroll 16
                for (h = 0; h < 2; h++)
                {
                    __m512d z = c[r][h], a, e;
                    __m512d err = _mm512_mul_pd(
                        slack,
                        _mm512_fmadd_pd(nm[h], en,
                                        _mm512_fmadd_pd(be[h], an, al[h])));
                    __m512d az = _mm512_abs_pd(z);
                    /* overflowed sums: no bound (as epilogue_scalar) */
                    err = _mm512_mask_blend_pd(
                        _mm512_cmp_pd_mask(az, dmax, _CMP_LE_OQ), inf, err);
                    __mmask8 pos = _mm512_cmp_pd_mask(z, zero, _CMP_GT_OQ);
                    dec |= (uint64_t) _mm512_cmp_pd_mask(az, err, _CMP_GT_OQ)
                           << (8 * h);
                    on |= (uint64_t) pos << (8 * h);
                    if (act == CPWL_NET_RELU)
                    {
                        a = _mm512_max_pd(z, zero);
                        e = err;
                    }
                    else if (act == CPWL_NET_LEAKY_RELU)
                    {
                        __m512d sz = _mm512_mul_pd(sl, z);
                        a = _mm512_mask_blend_pd(pos, sz, z);
                        e = _mm512_mul_pd(slack, _mm512_fmadd_pd(lip, err,
                              _mm512_fmadd_pd(u3, _mm512_abs_pd(sz),
                                _mm512_mul_pd(eta2, _mm512_add_pd(one, az)))));
                    }
                    else
                    {
                        a = z;
                        e = err;
                    }
                    _mm512_storeu_pd(zo + 8 * h, a);
                    if (J->err != NULL)
                        _mm512_storeu_pd(J->err + p * L->out_pad + i0 + 8 * h,
                                         e);
                    sa = _mm512_fmadd_pd(a, a, sa);
                    se = _mm512_fmadd_pd(e, e, se);
                }
                if (L->state_off >= 0)
                {
                    put_bits(J->pat + p * J->words, L->state_off + i0,
                             on & dec & valid, AVX512_NR);
                    put_bits(J->und + p * J->words, L->state_off + i0,
                             ~dec & valid, AVX512_NR);
                }
                if (q > 0)      /* the first panel starts the sums */
                {
                    sa = _mm512_add_pd(_mm512_loadu_pd(J->sa + p * SUMW), sa);
                    se = _mm512_add_pd(_mm512_loadu_pd(J->se + p * SUMW), se);
                }
                _mm512_storeu_pd(J->sa + p * SUMW, sa);
                _mm512_storeu_pd(J->se + p * SUMW, se);
            }
        }
    }
}

TGT_AVX512 static void layer_avx512(const layer_job *J)
{
    if (J->L->act == CPWL_NET_RELU)
        layer_avx512_act(J, CPWL_NET_RELU);
    else if (J->L->act == CPWL_NET_LEAKY_RELU)
        layer_avx512_act(J, CPWL_NET_LEAKY_RELU);
    else
        layer_avx512_act(J, CPWL_NET_IDENTITY);
}

#endif

/* Lanes of sa, se a layer's kernel fills: the SIMD panels write all of
   theirs (the first panel stores, the others add); the portable kernel's
   scalar epilogue adds into lane 0, zeroed first. */
static int kernel_lanes(int kernel)
{
    return kernel == CPWL_BATCH_AVX512 ? 8 : kernel == CPWL_BATCH_AVX2 ? 4 : 1;
}

static void layer_run(int kernel, const layer_job *J)
{
#if BATCH_SIMD
    if (kernel == CPWL_BATCH_AVX512)
    {
        layer_avx512(J);
        return;
    }
    if (kernel == CPWL_BATCH_AVX2)
    {
        layer_avx2(J);
        return;
    }
#endif
    (void) kernel;
    layer_portable(J);
}

/* ---- a tile, and the batch ---------------------------------------------- */

/* An upper bound on sqrt(s) where s is a computed sum of n squares (any
   order, FMA or not): sqrt(s_true) <= SLACK sqrt(s + n eta) for n < 2^20. */
static inline double norm_ub(double s, slong n)
{
    return SLACK_D * sqrt(s + (double) (n + 1) * ETA_D);
}

/* Sum of squares in SUMW independent chains (fast, and in a fixed
   order: the same value for a point wherever it is in the batch). */
static double sumsq(const double *x, slong n)
{
    double c[SUMW] = {0}, s = 0;
    slong j, k;
    for (j = 0; j + SUMW <= n; j += SUMW)
        for (k = 0; k < SUMW; k++)
            c[k] += x[j + k] * x[j + k];
    for (; j < n; j++)
        c[0] += x[j] * x[j];
    for (k = 0; k < SUMW; k++)
        s += c[k];
    return s;
}

double cpwl_batch_norm_ubound(const double *x, slong n)
{
    return norm_ub(sumsq(x, n), n);
}

typedef struct
{
    double *A0, *A1, *err;
    double *an, *en, *sa, *se;
    uint64_t *pat, *und;
}
tile_buf;

static void tile_buf_init(tile_buf *T, const cpwl_batch_plan_t P)
{
    slong w = P->maxw;
    T->A0 = flint_calloc(TILE * w, sizeof(double));
    T->A1 = flint_calloc(TILE * w, sizeof(double));
    T->err = flint_calloc(TILE * w, sizeof(double));
    T->an = flint_calloc((2 + 2 * SUMW) * TILE, sizeof(double));
    T->en = T->an + TILE;
    T->sa = T->an + 2 * TILE;
    T->se = T->sa + SUMW * TILE;
    T->pat = flint_calloc(2 * TILE * P->words, sizeof(uint64_t));
    T->und = T->pat + TILE * P->words;
}

static void tile_buf_clear(tile_buf *T)
{
    flint_free(T->A0);
    flint_free(T->A1);
    flint_free(T->err);
    flint_free(T->an);
    flint_free(T->pat);
}

/* Points [p0, p0 + cnt) of the batch, cnt <= TILE; the rest of the tile
   holds zero points whose results are dropped. */
static slong tile_run(double *Y, double *Yerr, uint64_t *pat, uint64_t *und,
                      const cpwl_batch_plan_t P, const double *X,
                      const double *Xerr, slong p0, slong cnt, tile_buf *T)
{
    slong p, j, l, n = P->n, m = P->m, words = P->words, nund = 0;
    int lanes;
    double *A = T->A0, *Z = T->A1;
    slong lda = n;

    memset(T->A0, 0, TILE * FLINT_MAX(1, n) * sizeof(double));
    memset(T->pat, 0, 2 * TILE * words * sizeof(uint64_t));
    if (cnt > 0)
        memcpy(A, X + p0 * n, cnt * n * sizeof(double));
    for (p = 0; p < cnt; p++)
    {
        T->an[p] = norm_ub(sumsq(A + p * n, n), n);
        T->en[p] =
            Xerr == NULL ? 0.0 : norm_ub(sumsq(Xerr + (p0 + p) * n, n), n);
    }
    for (; p < TILE; p++)
        T->an[p] = T->en[p] = 0;

    for (l = 0; l < P->nlayers; l++)
    {
        const cpwl_batch_layer_struct *L = P->layers + l;
        layer_job J;
        double *tmp;
        J.L = L;
        J.A = A;
        J.lda = lda;
        J.an = T->an;
        J.en = T->en;
        J.Z = Z;
        J.err = l + 1 == P->nlayers ? T->err : NULL;
        J.sa = T->sa;
        J.se = T->se;
        J.pat = T->pat;
        J.und = T->und;
        J.words = words;
        lanes = kernel_lanes(P->kernel);
        if (lanes == 1)
            for (p = 0; p < TILE; p++)
                T->sa[p * SUMW] = T->se[p * SUMW] = 0;
        layer_run(P->kernel, &J);
        /* The next layer's norm bounds (padded neurons add zeros); the
           lanes are added in a fixed order. */
        for (p = 0; p < TILE; p++)
        {
            double a = 0, e = 0;
            for (j = 0; j < lanes; j++)
            {
                a += T->sa[p * SUMW + j];
                e += T->se[p * SUMW + j];
            }
            T->an[p] = norm_ub(a, L->out_pad);
            T->en[p] = norm_ub(e, L->out_pad);
        }
        tmp = A;
        A = Z;
        Z = tmp;
        lda = L->out_pad;
    }

    for (p = 0; p < cnt; p++)
    {
        slong i;
        const double *ys = P->nlayers == 0 ? X + (p0 + p) * n : A + p * lda;
        const double *es = P->nlayers > 0 ? T->err + p * lda
                           : Xerr == NULL ? NULL : Xerr + (p0 + p) * n;
        if (Y != NULL)
            memcpy(Y + (p0 + p) * m, ys, m * sizeof(double));
        if (Yerr != NULL)
            for (i = 0; i < m; i++)
            {
                double e = es == NULL ? 0.0 : es[i];
                /* y - y + e - e is 0 iff both are finite */
                Yerr[(p0 + p) * m + i] =
                    ys[i] - ys[i] + e - e == 0 ? e : INFINITY;
            }
        for (j = 0; j < words; j++)
        {
            uint64_t w = T->und[p * words + j];
            nund += __builtin_popcountll(w);
            if (pat != NULL)
                pat[(p0 + p) * words + j] = T->pat[p * words + j];
            if (und != NULL)
                und[(p0 + p) * words + j] = w;
        }
    }
    return nund;
}

/* No proven bound (a weight overflows a double): nothing is decided. */
static slong eval_declined(double *Y, double *Yerr, uint64_t *pat,
                           uint64_t *und, const cpwl_batch_plan_t P, slong npts)
{
    slong p, j, k;
    for (p = 0; p < npts; p++)
    {
        for (j = 0; j < P->m; j++)
        {
            if (Y != NULL)
                Y[p * P->m + j] = NAN;
            if (Yerr != NULL)
                Yerr[p * P->m + j] = INFINITY;
        }
        if (pat != NULL)
            memset(pat + p * P->words, 0, P->words * sizeof(uint64_t));
        if (und != NULL)
        {
            memset(und + p * P->words, 0, P->words * sizeof(uint64_t));
            for (k = 0; k < P->nstates; k++)
                und[p * P->words + k / 64] |= (uint64_t) 1 << (k % 64);
        }
    }
    return npts * P->nstates;
}

int cpwl_batch_threads(int nthreads)
{
#ifdef _OPENMP
    return nthreads > 0 ? nthreads : omp_get_max_threads();
#else
    (void) nthreads;
    return 1;
#endif
}

slong cpwl_batch_eval(double *Y, double *Yerr, uint64_t *pat, uint64_t *und,
                      const cpwl_batch_plan_t P, const double *X, const double *Xerr,
                      slong npts, int nthreads)
{
    slong ntiles = (npts + TILE - 1) / TILE, total = 0, t;
    if (npts <= 0)
        return 0;
    if (!P->ok)
        return eval_declined(Y, Yerr, pat, und, P, npts);
#ifdef _OPENMP
    nthreads = cpwl_batch_threads(nthreads);
    if (nthreads > ntiles)
        nthreads = (int) ntiles;
#pragma omp parallel num_threads(nthreads) reduction(+:total)
#else
    (void) nthreads;
#endif
    {
        tile_buf T;
        tile_buf_init(&T, P);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 4)
#endif
        for (t = 0; t < ntiles; t++)
        {
            slong p0 = t * TILE;
            total += tile_run(Y, Yerr, pat, und, P, X, Xerr, p0,
                              FLINT_MIN(TILE, npts - p0), &T);
        }
        tile_buf_clear(&T);
    }
    return total;
}
