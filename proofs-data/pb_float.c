/* The float methods of PAC-Bayes practice, reimplemented as published
   (pb_float.h says which repository, file and function each one
   reproduces).  Python's float is binary64 and its math.log is libm's
   log; NumPy's np.log on a float64 (float32) scalar is log (logf);
   the C below keeps each expression's order of operations, so with
   FLT_EVAL_METHOD 0 (every float operation rounded to its type) and no
   contraction (ISO C mode: GCC's -ffp-contract=off) each operation
   rounds as Python's does.  Their libm may differ from ours in the last
   bit of a log: the tables are the reimplementation's values on this
   libm, and their verdicts are decided from those values. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "pb_float.h"

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "pb_float.c needs FLT_EVAL_METHOD 0: float arithmetic in float"
#endif

double pb_pbb_inv_kl(double qs, double ks)
{
    /* pbb/bounds.py:
         qd = 0; ikl = 0; izq = qs; dch = 1-1e-10
         while((dch-izq)/dch >= 1e-5):
             p = (izq+dch)*.5
             if qs == 0: ikl = ks-(0+(1-qs)*math.log((1-qs)/(1-p)))
             elif qs == 1: ikl = ks-(qs*math.log(qs/p)+0)
             else: ikl = ks-(qs*math.log(qs/p)+(1-qs)*math.log((1-qs)/(1-p)))
             if ikl < 0: dch = p
             else: izq = p
             qd = p
         return qd */
    double qd = 0, ikl, izq = qs, dch = 1 - 1e-10, p;
    while ((dch - izq) / dch >= 1e-5)
    {
        p = (izq + dch) * .5;
        if (qs == 0)
            ikl = ks - (0 + (1 - qs) * log((1 - qs) / (1 - p)));
        else if (qs == 1)
            ikl = ks - (qs * log(qs / p) + 0);
        else
            ikl = ks - (qs * log(qs / p) + (1 - qs) * log((1 - qs) / (1 - p)));
        if (ikl < 0)
            dch = p;
        else
            izq = p;
        qd = p;
    }
    return qd;
}

/* snn/core/extra_fn.py:
     def KLdiv(pbar,p):
         return pbar * np.log(pbar/p) + (1-pbar) * np.log((1-pbar)/(1-p))
     def KLdiv_prime(pbar,p): return (1-pbar)/(1-p) - pbar/p
     def Newt(p,q,c): return p - (KLdiv(q,p) - c)/KLdiv_prime(q,p)
     def approximate_BPAC_bound(train_accur, B_init, niter=5):
         B_RE = 2* B_init **2; A = 1-train_accur; B_next = B_init+A
         if B_next>1.0: return 1.0
         for i in range(niter): B_next = Newt(B_next,A,B_RE)
         return B_next
   At A = 0 (train accuracy 1), 0 * log(0) is 0 * -inf = NaN, as in
   NumPy. */
static double dr_kl_d(double pbar, double p)
{
    return pbar * log(pbar / p) + (1 - pbar) * log((1 - pbar) / (1 - p));
}

static double dr_newt_d(double p, double q, double c)
{
    return p - (dr_kl_d(q, p) - c) / ((1 - q) / (1 - p) - q / p);
}

double pb_dr_bpac_d(double train_accur, double B_init)
{
    double B_RE = 2 * (B_init * B_init), A = 1 - train_accur;
    double B_next = B_init + A;
    int i;
    if (B_next > 1.0)
        return 1.0;
    for (i = 0; i < 5; i++)
        B_next = dr_newt_d(B_next, A, B_RE);
    return B_next;
}

static float dr_kl_f(float pbar, float p)
{
    return pbar * logf(pbar / p) + (1 - pbar) * logf((1 - pbar) / (1 - p));
}

static float dr_newt_f(float p, float q, float c)
{
    return p - (dr_kl_f(q, p) - c) / ((1 - q) / (1 - p) - q / p);
}

float pb_dr_bpac_f(float train_accur, float B_init)
{
    float B_RE = 2 * (B_init * B_init), A = 1 - train_accur;
    float B_next = B_init + A;
    int i;
    if (B_next > 1.0f)
        return 1.0f;
    for (i = 0; i < 5; i++)
        B_next = dr_newt_f(B_next, A, B_RE);
    return B_next;
}

double pb_dr_inv_d(double q, double c)
{
    return pb_dr_bpac_d(1 - q, sqrt(c / 2));
}

float pb_dr_inv_f(double q, double c)
{
    float qf = (float) q, cf = (float) c;
    return pb_dr_bpac_f(1 - qf, sqrtf(cf / 2));
}

float pb_softplus_f(float rho)
{
    return logf(1 + expf(rho));
}

static float kl_term_f(float mq, float sq, float mp, float sp)
{
    /* Gaussian.compute_kl, one weight: torch.pow(x, 2) is x * x */
    float b1 = sq * sq, b0 = sp * sp, dm = mq - mp;
    float term1 = logf(b0 / b1), term2 = (dm * dm) / b0, term3 = b1 / b0;
    return (term1 + term2 + term3 - 1) * 0.5f;
}

static float sum_pairwise(const float *mq, const float *sq, const float *mp,
                          const float *sp, long d)
{
    long h;
    if (d == 1)
        return kl_term_f(mq[0], sq[0], mp[0], sp[0]);
    h = d / 2;
    return sum_pairwise(mq, sq, mp, sp, h)
           + sum_pairwise(mq + h, sq + h, mp + h, sp + h, d - h);
}

float pb_kl_gauss_f(const float *mq, const float *sq, const float *mp,
                    const float *sp, long d, int pairwise)
{
    float s = 0;
    long i;
    if (d <= 0)
        return 0;
    if (pairwise)
        return sum_pairwise(mq, sq, mp, sp, d);
    for (i = 0; i < d; i++)
        s += kl_term_f(mq[i], sq[i], mp[i], sp[i]);
    return s;
}

/* A float32 sum of t[0 .. d-1], pairwise or in index order. */
static float sum_f(const float *t, long d, int pairwise)
{
    float s = 0;
    long i;
    if (pairwise && d > 1)
        return sum_f(t, d / 2, 1) + sum_f(t + d / 2, d - d / 2, 1);
    for (i = 0; i < d; i++)
        s += t[i];
    return s;
}

float pb_kl_dr_f(const float *w, const float *w0, const float *s, float lp,
                 long d, int pairwise)
{
    float *t = calloc(d > 0 ? (size_t) d : 1, sizeof(float));
    float npv, np2, slp, e2, mean, var, kl2;
    long i;
    if (t == NULL)
        return NAN;
    for (i = 0; i < d; i++)
        t[i] = expf(s[i] * 2);
    npv = sum_f(t, d, pairwise);
    for (i = 0; i < d; i++)
    {
        float dw = w[i] - w0[i];
        t[i] = dw * dw;
    }
    np2 = sum_f(t, d, pairwise);
    slp = sum_f(s, d, pairwise);
    free(t);
    e2 = expf(2 * lp);
    mean = np2 / e2;
    var = npv / e2 - 2 * slp + (float) (2 * d) * lp;
    kl2 = mean + var - (float) d;
    return kl2 / 2;
}

uint64_t pb_next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

float pb_uniform_f(uint64_t *s, double lo, double hi)
{
    /* u = k 2^-24; the rest in double, one rounding to float at the end
       (so a script can redo it: tests/pb_tables.sh) */
    double u = (double) (pb_next64(s) >> 40) / 16777216.0;
    return (float) (lo + (hi - lo) * u);
}
