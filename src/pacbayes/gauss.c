/* Diagonal Gaussians: memory, checks, the Arb reference KL, the plain
   double KL, and priors from a grid of variances (the certified double
   KL is in gauss_fast.c). */
#include <float.h>
#include <math.h>
#include <string.h>
#include "cpwl/gauss.h"
#include "gauss_impl.h"

void cpwl_gauss_init(cpwl_gauss_t G, slong d)
{
    slong i;
    G->d = d;
    G->mu = flint_calloc(d > 0 ? d : 1, sizeof(double));
    G->sigma = flint_malloc((d > 0 ? d : 1) * sizeof(double));
    for (i = 0; i < d; i++)
        G->sigma[i] = 1.0;
    arb_init(G->var);
    arb_init(G->log_var);
}

void cpwl_gauss_clear(cpwl_gauss_t G)
{
    flint_free(G->mu);
    flint_free(G->sigma);
    arb_clear(G->var);
    arb_clear(G->log_var);
}

void cpwl_gauss_set_shared(cpwl_gauss_t G, const arb_t var, slong prec)
{
    flint_free(G->sigma);
    G->sigma = NULL;
    arb_set(G->var, var);
    arb_log(G->log_var, var, prec);
}

void cpwl_gauss_set_shared_d(cpwl_gauss_t G, double s, slong prec)
{
    arb_t v;
    arb_init(v);
    arb_set_d(v, s);
    /* s^2 has at most 106 bits: exact at 128 */
    arb_mul(v, v, v, FLINT_MAX(prec, 128));
    cpwl_gauss_set_shared(G, v, prec);
    arb_clear(v);
}

int cpwl_gauss_check(const cpwl_gauss_t G, cpwl_err_t e)
{
    slong i;
    if (G->d < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "the number of weights must be >= 0, not %ld",
                            (long) G->d);
    for (i = 0; i < G->d; i++)
    {
        if (!isfinite(G->mu[i]))
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "weight %ld: mean must be finite", (long) i);
        if (G->sigma != NULL
            && !(G->sigma[i] > 0 && G->sigma[i] <= DBL_MAX))
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "weight %ld: sigma must be > 0 and finite",
                                (long) i);
    }
    if (G->sigma == NULL
        && !(arb_is_positive(G->var) && arb_is_finite(G->var)))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "the shared variance must be > 0 and finite");
    return CPWL_OK;
}

/* Both checked, same d. */
int _gauss_check_pair(const cpwl_gauss_t Q, const cpwl_gauss_t P,
                      cpwl_err_t e)
{
    if (Q->d != P->d)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "posterior and prior differ in size: %ld and %ld "
                            "weights", (long) Q->d, (long) P->d);
    if (cpwl_gauss_check(Q, e) != CPWL_OK)
        return e->status;
    return cpwl_gauss_check(P, e);
}

/* ---- the reference: every term in Arb ---------------------------------- */

void _gauss_log_arb(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                    slong prec)
{
    slong i, d = Q->d;
    arb_t t, u;
    arb_init(t);
    arb_init(u);
    arb_zero(res);
    for (i = 0; i < d; i++)
    {
        if (Q->sigma != NULL && P->sigma != NULL)
        {
            /* one logarithm per weight: ln(sp / sq) */
            arb_set_d(t, P->sigma[i]);
            arb_set_d(u, Q->sigma[i]);
            arb_div(t, t, u, prec);
            arb_log(t, t, prec);
            arb_add(res, res, t, prec);
        }
        else if (P->sigma != NULL)
        {
            arb_set_d(t, P->sigma[i]);
            arb_log(t, t, prec);
            arb_add(res, res, t, prec);
        }
        else if (Q->sigma != NULL)
        {
            arb_set_d(t, Q->sigma[i]);
            arb_log(t, t, prec);
            arb_sub(res, res, t, prec);
        }
    }
    /* a shared variance: (d/2) ln var */
    if (P->sigma == NULL)
    {
        arb_mul_si(t, P->log_var, d, prec);
        arb_mul_2exp_si(t, t, -1);
        arb_add(res, res, t, prec);
    }
    if (Q->sigma == NULL)
    {
        arb_mul_si(t, Q->log_var, d, prec);
        arb_mul_2exp_si(t, t, -1);
        arb_sub(res, res, t, prec);
    }
    arb_clear(t);
    arb_clear(u);
}

void _gauss_quad_arb(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                     slong prec)
{
    slong i, d = Q->d;
    arb_t t, u, v;
    arb_init(t);
    arb_init(u);
    arb_init(v);
    arb_zero(res);
    for (i = 0; i < d; i++)
    {
        /* t = (mq - mp)^2 + sq^2, divided by sp^2 */
        arb_set_d(t, Q->mu[i]);
        arb_set_d(u, P->mu[i]);
        arb_sub(t, t, u, prec);
        arb_sqr(t, t, prec);
        if (Q->sigma != NULL)
        {
            arb_set_d(u, Q->sigma[i]);
            arb_sqr(u, u, prec);
            arb_add(t, t, u, prec);
        }
        else
            arb_add(t, t, Q->var, prec);
        if (P->sigma != NULL)
        {
            arb_set_d(v, P->sigma[i]);
            arb_sqr(v, v, prec);
            arb_div(t, t, v, prec);
        }
        else
            arb_div(t, t, P->var, prec);
        arb_add(res, res, t, prec);
    }
    arb_clear(t);
    arb_clear(u);
    arb_clear(v);
}

int cpwl_gauss_kl_arb(arb_t res, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                      slong prec, cpwl_err_t e)
{
    arb_t s;
    if (_gauss_check_pair(Q, P, e) != CPWL_OK)
        return e->status;
    arb_init(s);
    _gauss_log_arb(res, Q, P, prec);
    _gauss_quad_arb(s, Q, P, prec);
    /* KL = log part + S/2 - d/2 */
    arb_sub_si(s, s, Q->d, prec);
    arb_mul_2exp_si(s, s, -1);
    arb_add(res, res, s, prec);
    arb_clear(s);
    return CPWL_OK;
}

/* ---- the plain double sum ---------------------------------------------- */

/* The formula as float tools write it (PBB's kl_div, for one weight):
   (ln(sp^2 / sq^2) + (mq - mp)^2 / sp^2 + sq^2 / sp^2 - 1) / 2. */
double cpwl_gauss_kl_d(const cpwl_gauss_t Q, const cpwl_gauss_t P)
{
    slong i, d = Q->d;
    double vq = 0, vp = 0, s = 0;
    if (Q->sigma == NULL)
        vq = arf_get_d(arb_midref(Q->var), ARF_RND_NEAR);
    if (P->sigma == NULL)
        vp = arf_get_d(arb_midref(P->var), ARF_RND_NEAR);
    for (i = 0; i < d; i++)
    {
        double a = Q->sigma != NULL ? Q->sigma[i] * Q->sigma[i] : vq;
        double b = P->sigma != NULL ? P->sigma[i] * P->sigma[i] : vp;
        double t = Q->mu[i] - P->mu[i];
        s += 0.5 * (log(b / a) + t * t / b + a / b - 1);
    }
    return s;
}

/* ---- priors from a grid ------------------------------------------------ */

static int grid_args(const fmpq_t c, slong b, cpwl_err_t e)
{
    if (fmpq_sgn(c) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "the grid's scale c must be > 0");
    if (b < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "the grid's density b must be >= 1, not %ld",
                            (long) b);
    return CPWL_OK;
}

int cpwl_gauss_grid_var(arb_t var, const fmpq_t c, slong b, slong j,
                        slong prec, cpwl_err_t e)
{
    arb_t t;
    if (grid_args(c, b, e) != CPWL_OK)
        return e->status;
    if (j < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "grid index %ld: must be >= 1 (the union bound's "
                            "term ln(pi^2 j^2 / 6) is undefined at j <= 0)",
                            (long) j);
    arb_init(t);
    arb_set_si(t, -j);
    arb_div_si(t, t, b, prec);
    arb_exp(t, t, prec);
    arb_set_fmpq(var, c, prec);
    arb_mul(var, var, t, prec);
    arb_clear(t);
    return CPWL_OK;
}

/* x = b ln(c / s2), the real j with c e^{-j/b} = s2. */
static void grid_x(arb_t x, const arb_t s2, const fmpq_t c, slong b,
                   slong prec)
{
    arb_t t;
    arb_init(t);
    arb_set_fmpq(t, c, prec);
    arb_div(t, t, s2, prec);
    arb_log(t, t, prec);
    arb_mul_si(x, t, b, prec);
    arb_clear(t);
}

int cpwl_gauss_grid_index(slong *j, const arb_t s2, const fmpq_t c, slong b,
                          slong prec, cpwl_err_t e)
{
    /* c e^{-k/b} <= s2 iff k >= x = b ln(c / s2): the answer is ceil(x),
       refused when it is <= 0 (s2 >= c).  For an exact s2 (a dyadic, so
       rational) x is an integer only at x = 0 (s2 = c): e^{k/b} is
       irrational for k != 0 (Lindemann) while c / s2 is rational; so more
       precision decides every other case.  An inexact s2 can contain a
       grid point for good: then the grid point counts as at or below s2
       (any j >= 1 keeps the bound valid, and j -> c e^{-j/b} -> j
       round-trips). */
    arb_t x, kb;
    fmpz_t k;
    arf_t lo;
    slong p;
    int ret = CPWL_OK, decided = 0;
    if (grid_args(c, b, e) != CPWL_OK)
        return e->status;
    if (!arb_is_positive(s2) || !arb_is_finite(s2))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "the variance must be > 0 and finite");
    arb_init(x);
    arb_init(kb);
    fmpz_init(k);
    arf_init(lo);
    prec = FLINT_MAX(prec, 64);
    for (p = prec; ; p *= 2)
    {
        grid_x(x, s2, c, b, p);
        if (!arb_is_finite(x))
            break;
        /* k = the least integer >= the ball's lower end */
        arb_get_lbound_arf(lo, x, p);
        arf_get_fmpz(k, lo, ARF_RND_CEIL);
        arb_set_fmpz(kb, k);
        if (arb_lt(x, kb))
        {
            arb_sub_ui(kb, kb, 1, p);
            decided = arb_gt(x, kb);
        }
        if (decided || arb_is_exact(x)
            || (!arb_is_exact(s2) && p >= 4 * prec) || p > 64 * prec + 65536)
            break;
    }
    if (!arb_is_finite(x))
        ret = cpwl_err_set(e, CPWL_ERR_INTERNAL, "grid index: no enclosure");
    else if (!decided && !arb_is_exact(x) && arb_is_exact(s2))
        ret = cpwl_err_set(e, CPWL_ERR_INTERNAL,
                           "grid index: undecided at %ld bits", (long) p);
    else if (fmpz_cmp_si(k, 1) < 0)
        ret = cpwl_err_set(e, CPWL_ERR_INPUT,
                           "the variance is not below the grid's scale c: "
                           "no grid index j >= 1");
    else if (!fmpz_fits_si(k) || fmpz_cmp_si(k, WORD_MAX / 2) > 0)
        ret = cpwl_err_set(e, CPWL_ERR_INPUT,
                           "the variance is too small for the grid: index "
                           "beyond %ld", (long) (WORD_MAX / 2));
    else
        *j = fmpz_get_si(k);
    arb_clear(x);
    arb_clear(kb);
    fmpz_clear(k);
    arf_clear(lo);
    return ret;
}

void cpwl_gauss_grid_union_term(arb_t res, slong j, slong prec)
{
    arb_t t;
    arb_init(t);
    /* 2 ln(pi j) - ln 6 */
    arb_const_pi(t, prec + 8);
    arb_mul_si(t, t, j, prec + 8);
    arb_log(t, t, prec + 8);
    arb_mul_2exp_si(res, t, 1);
    arb_set_si(t, 6);
    arb_log(t, t, prec + 8);
    arb_sub(res, res, t, prec);
    arb_clear(t);
}
