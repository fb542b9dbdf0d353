/* The certified KL of diagonal Gaussians in double (docs/numerics.md,
   "The Gaussian KL"): binary64 arithmetic with an a-priori error bound
   whose hypotheses (no overflow, no result below the normal range) are
   checked by flags accumulated in the loops; where they fail the sums
   are redone (the logarithms through frexp, the quadratic part in Arb). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "cpwl/gauss.h"
#include "gauss_impl.h"

/* Accumulators: independent products and sums for the pipeline.  The
   bound does not depend on how many or in which order (below). */
#define NACC 4
/* Factors per accumulator between renormalisations: a product of BLOCK
   significands in [1, 2) stays below 2^BLOCK, far from overflow. */
#define BLOCK 128

#define SIG_MASK 0x000fffffffffffffULL
#define ONE_BITS 0x3ff0000000000000ULL

static inline uint64_t bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline double of_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* acc = m 2^k with m in [1, 2) (acc a positive normal): keep m, add k. */
static inline void renorm(double *acc, int64_t *esum)
{
    uint64_t b = bits_of(*acc);
    *esum += (int64_t) (b >> 52) - 1023;
    *acc = of_bits((b & SIG_MASK) | ONE_BITS);
}

/* prod_i x_i = m 2^e * (1 + theta), |theta| <= gamma_{n-1}: the product
   of the significands in [1, 2) (each x_i = m_i 2^{e_i} exactly) and the
   sum of the exponents (exact in int64).  Every multiplication by a
   significand or of two accumulators rounds once, those by the initial
   1.0 are exact: n - 1 roundings at most on any of the n factors, whatever
   the grouping (Higham, Accuracy and Stability, Lemma 3.1).  Returns 0
   when some x_i is not a positive normal binary64 (then m, e are
   meaningless). */
/* x = m 2^(be - 1023) with m in [1, 2) returned, be added to *esum;
   *bad set unless x is a positive normal (sign and biased exponent
   be in 1..2046). */
static inline double sig_split(uint64_t *bad, int64_t *esum, double x)
{
    uint64_t b = bits_of(x), be = b >> 52;
    *bad |= (be - 1) > 2045;
    *esum += (int64_t) be;
    return of_bits((b & SIG_MASK) | ONE_BITS);
}

static int sig_prod_fast(double *m, int64_t *e, const double *x, slong n)
{
    double acc[NACC];
    int64_t esum = 0;
    uint64_t bad = 0;
    slong i, i0, k;
    for (k = 0; k < NACC; k++)
        acc[k] = 1.0;
    for (i0 = 0; i0 < n; i0 += NACC * BLOCK)
    {
        slong end = FLINT_MIN(n, i0 + NACC * BLOCK);
        for (i = i0; i + NACC <= end; i += NACC)
            for (k = 0; k < NACC; k++)
                acc[k] *= sig_split(&bad, &esum, x[i + k]);
        for (; i < end; i++)
            acc[0] *= sig_split(&bad, &esum, x[i]);
        for (k = 0; k < NACC; k++)
            renorm(&acc[k], &esum);
    }
    /* products of numbers in [1, 2): no overflow */
    for (k = 1; k < NACC; k++)
        acc[0] *= acc[k];
    renorm(&acc[0], &esum);
    *m = acc[0];
    *e = esum - 1023 * (int64_t) n;
    return bad == 0;
}

/* The same for positive finite x_i that may be subnormal: frexp is exact
   on them. */
static void sig_prod_frexp(double *m, int64_t *e, const double *x, slong n)
{
    double acc = 1.0;
    int64_t esum = 0;
    slong i;
    int ex;
    for (i = 0; i < n; i++)
    {
        double f = frexp(x[i], &ex);   /* x = f 2^ex, f in [1/2, 1) */
        esum += ex - 1;
        acc *= 2 * f;
        if ((i + 1) % BLOCK == 0)
            renorm(&acc, &esum);
    }
    renorm(&acc, &esum);
    *m = acc;
    *e = esum;
}

void _gauss_gamma_ratio(mag_t res, slong n)
{
    /* gamma / (1 - gamma) = n u / (1 - 2 n u) */
    mag_t num, den;
    mag_init(num);
    mag_init(den);
    mag_set_ui_2exp_si(num, (ulong) n, -53);
    mag_mul_2exp_si(den, num, 1);
    mag_one(res);
    mag_sub_lower(den, res, den);
    mag_div(res, num, den);
    mag_clear(num);
    mag_clear(den);
}

/* res = ln(prod_i x_i), a ball: ln m + e ln 2, widened by
   -ln(1 - gamma_{n-1}) <= gamma / (1 - gamma) for the product's
   roundings. */
void _gauss_log_prod(arb_t res, const double *x, slong n, slong prec)
{
    double m;
    int64_t ex;
    arb_t t;
    mag_t g;
    if (n == 0)
    {
        arb_zero(res);
        return;
    }
    if (!sig_prod_fast(&m, &ex, x, n))
        sig_prod_frexp(&m, &ex, x, n);
    arb_init(t);
    mag_init(g);
    arb_set_d(res, m);
    arb_log(res, res, prec);
    arb_const_log2(t, prec);
    arb_mul_si(t, t, ex, prec);
    arb_add(res, res, t, prec);
    _gauss_gamma_ratio(g, n - 1);
    arb_add_error_mag(res, g);
    arb_clear(t);
    mag_clear(g);
}

/* ---- the quadratic part ---------------------------------------------------

   Each term is a non-negative quotient computed with k roundings (the
   count of each case below; a square counts the rounding of its operand
   twice), so the computed term is T (1 + theta_k); the sum of n such
   terms in any grouping adds at most n - 1 roundings to each, so
   |S^ - S| <= gamma_{n-1+k} S, and S lies in S^ +- S^ gamma/(1 - gamma).
   The model holds when no operation overflows or lands below DBL_MIN
   (a difference that does is exact: Hauser), which the flags check:
   they are set by a result < DBL_MIN that should not be 0, by a
   denominator beyond DBL_MAX (its quotient would be a wrong 0), and an
   overflow elsewhere reaches the sum as inf or NaN. */

/* per-weight sigmas on both sides: (sq^2 + (mq - mp)^2) / sp^2, k = 6
   (sq^2: 1, the difference: 2, its square: 1, the sum: 1, sp^2: 1, the
   quotient: 1; the sum's two parts see 2 and 4 of them).  Flags: a, den
   and T normal; den = inf gives T = 0 or NaN, so it needs no flag of
   its own.  Nor does b below DBL_MIN: it is then off by |eps| <= 2^-1075
   <= u a, so a(1 + d1) + b + eps = (a + b)(1 + eta), |eta| <= 2u, within
   the 2 + 1 roundings that the model grants b before the sum's. */
#define K_QQ 6
static inline double term_qq(int *bad, double mq, double sq, double mp,
                             double sp)
{
    double a = sq * sq, t = mq - mp, b = t * t, den = sp * sp;
    double T = (a + b) / den;
    *bad |= (a < DBL_MIN) | (den < DBL_MIN) | (T < DBL_MIN);
    return T;
}

static int quad_qq(double *s, const double *mq, const double *sq,
                   const double *mp, const double *sp, slong n)
{
    double acc[NACC] = {0};
    int bad = 0;
    slong i, k;
    for (i = 0; i + NACC <= n; i += NACC)
        for (k = 0; k < NACC; k++)
            acc[k] += term_qq(&bad, mq[i + k], sq[i + k], mp[i + k],
                              sp[i + k]);
    for (; i < n; i++)
        acc[0] += term_qq(&bad, mq[i], sq[i], mp[i], sp[i]);
    *s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    return !bad && isfinite(*s);
}

/* prior variance shared: sq^2 + (mq - mp)^2, k = 4; flag: a normal (b
   below DBL_MIN is covered as in term_qq). */
#define K_QS 4
static inline double term_qs(int *bad, double mq, double sq, double mp)
{
    double a = sq * sq, t = mq - mp, b = t * t;
    *bad |= a < DBL_MIN;
    return a + b;
}

static int quad_qs(double *s, const double *mq, const double *sq,
                   const double *mp, slong n)
{
    double acc[NACC] = {0};
    int bad = 0;
    slong i, k;
    for (i = 0; i + NACC <= n; i += NACC)
        for (k = 0; k < NACC; k++)
            acc[k] += term_qs(&bad, mq[i + k], sq[i + k], mp[i + k]);
    for (; i < n; i++)
        acc[0] += term_qs(&bad, mq[i], sq[i], mp[i]);
    *s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    return !bad && isfinite(*s);
}

/* posterior variance shared: R = 1 / sp^2 (k = 2) and
   D = (mq - mp)^2 / sp^2 (k = 5); flags: sp^2 and R normal (sp^2 = inf
   gives R = 0), b and D normal unless t = 0. */
#define K_SQ_R 2
#define K_SQ_D 5
static inline double term_sq(int *bad, double *D, double mq, double mp,
                             double sp)
{
    double t = mq - mp, b = t * t, sp2 = sp * sp;
    double R = 1 / sp2;
    *D = b / sp2;
    *bad |= (sp2 < DBL_MIN) | (R < DBL_MIN)
        | (((b < DBL_MIN) | (*D < DBL_MIN)) & (t != 0));
    return R;
}

static int quad_sq(double *r, double *s, const double *mq, const double *mp,
                   const double *sp, slong n)
{
    double ar[NACC] = {0}, as[NACC] = {0}, D;
    int bad = 0;
    slong i, k;
    for (i = 0; i + NACC <= n; i += NACC)
        for (k = 0; k < NACC; k++)
        {
            ar[k] += term_sq(&bad, &D, mq[i + k], mp[i + k], sp[i + k]);
            as[k] += D;
        }
    for (; i < n; i++)
    {
        ar[0] += term_sq(&bad, &D, mq[i], mp[i], sp[i]);
        as[0] += D;
    }
    *r = (ar[0] + ar[1]) + (ar[2] + ar[3]);
    *s = (as[0] + as[1]) + (as[2] + as[3]);
    return !bad && isfinite(*r) && isfinite(*s);
}

/* both shared: (mq - mp)^2, k = 3; flag: b normal unless t = 0. */
#define K_SS 3
static inline double term_ss(int *bad, double mq, double mp)
{
    double t = mq - mp, b = t * t;
    *bad |= (t != 0) & (b < DBL_MIN);
    return b;
}

static int quad_ss(double *s, const double *mq, const double *mp, slong n)
{
    double acc[NACC] = {0};
    int bad = 0;
    slong i, k;
    for (i = 0; i + NACC <= n; i += NACC)
        for (k = 0; k < NACC; k++)
            acc[k] += term_ss(&bad, mq[i + k], mp[i + k]);
    for (; i < n; i++)
        acc[0] += term_ss(&bad, mq[i], mp[i]);
    *s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    return !bad && isfinite(*s);
}

/* res = s^, the computed sum of n terms of k roundings each, as a ball
   holding the exact sum: +- s^ gamma / (1 - gamma), gamma = gamma_{n-1+k}. */
static void sum_ball(arb_t res, double s, slong n, slong k)
{
    mag_t g, m;
    mag_init(g);
    mag_init(m);
    _gauss_gamma_ratio(g, n - 1 + k);
    arb_set_d(res, s);
    arf_get_mag(m, arb_midref(res));
    mag_mul(m, m, g);
    arb_add_error_mag(res, m);
    mag_clear(g);
    mag_clear(m);
}

/* res = sum_i (sq_i^2 + (mq_i - mp_i)^2) / sp_i^2, certified. */
void _gauss_quad_fast(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                      slong prec)
{
    slong n = Q->d;
    double s, r;
    arb_t t;
    if (n == 0)
    {
        arb_zero(res);
        return;
    }
    arb_init(t);
    if (Q->sigma != NULL && P->sigma != NULL)
    {
        if (!quad_qq(&s, Q->mu, Q->sigma, P->mu, P->sigma, n))
            goto slow;
        sum_ball(res, s, n, K_QQ);
    }
    else if (Q->sigma != NULL)
    {
        if (!quad_qs(&s, Q->mu, Q->sigma, P->mu, n))
            goto slow;
        sum_ball(res, s, n, K_QS);
        arb_div(res, res, P->var, prec);
    }
    else if (P->sigma != NULL)
    {
        if (!quad_sq(&r, &s, Q->mu, P->mu, P->sigma, n))
            goto slow;
        sum_ball(res, r, n, K_SQ_R);
        arb_mul(res, res, Q->var, prec);
        sum_ball(t, s, n, K_SQ_D);
        arb_add(res, res, t, prec);
    }
    else
    {
        if (!quad_ss(&s, Q->mu, P->mu, n))
            goto slow;
        sum_ball(res, s, n, K_SS);
        arb_mul_si(t, Q->var, n, prec);
        arb_add(res, res, t, prec);
        arb_div(res, res, P->var, prec);
    }
    arb_clear(t);
    return;
  slow:
    /* a hypothesis of the bound failed somewhere: every term in Arb */
    _gauss_quad_arb(res, Q, P, prec);
    arb_clear(t);
}

int cpwl_gauss_kl(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                  slong prec, cpwl_err_t e)
{
    arb_t s;
    if (Q->d != P->d || Q->d < 0)
        return _gauss_check_pair(Q, P, e);
    /* the loops' flags do not see every bad input (a NaN mean, a shared
       variance): check first; it is one cheap pass */
    if (_gauss_check_pair(Q, P, e) != CPWL_OK)
        return e->status;
    if (Q->d >= WORD(1) << 48)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "too many weights for the error bound: %ld",
                            (long) Q->d);
    arb_init(s);
    /* log part: ln prod sp - ln prod sq, or (d/2) ln var when shared */
    if (P->sigma != NULL)
        _gauss_log_prod(res, P->sigma, P->d, prec);
    else
    {
        arb_mul_si(res, P->log_var, P->d, prec);
        arb_mul_2exp_si(res, res, -1);
    }
    if (Q->sigma != NULL)
        _gauss_log_prod(s, Q->sigma, Q->d, prec);
    else
    {
        arb_mul_si(s, Q->log_var, Q->d, prec);
        arb_mul_2exp_si(s, s, -1);
    }
    arb_sub(res, res, s, prec);
    _gauss_quad_fast(s, Q, P, prec);
    /* + S/2 - d/2 */
    arb_sub_si(s, s, Q->d, prec);
    arb_mul_2exp_si(s, s, -1);
    arb_add(res, res, s, prec);
    arb_clear(s);
    return CPWL_OK;
}
