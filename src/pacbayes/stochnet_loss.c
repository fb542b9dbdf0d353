/* The bounded cross-entropy of PBB (Perez-Ortiz, Rivasplata, Shawe-Taylor
   and Szepesvari 2021) on balls, and the loss selector of the Monte-Carlo
   risk. */
#include <string.h>
#include "cpwl/stochnet.h"
#include "stochnet_impl.h"

void cpwl_stochnet_loss_init(cpwl_stochnet_loss_t L)
{
    L->kind = CPWL_STOCHNET_LOSS_01;
    fmpq_init(L->p_min);
    fmpq_set_si(L->p_min, 1, 10000);
}

void cpwl_stochnet_loss_clear(cpwl_stochnet_loss_t L)
{
    fmpq_clear(L->p_min);
}

int cpwl_stochnet_loss_from_name(const char *name)
{
    if (strcmp(name, "01") == 0)
        return CPWL_STOCHNET_LOSS_01;
    if (strcmp(name, "bce") == 0)
        return CPWL_STOCHNET_LOSS_BCE;
    return -1;
}

const char *cpwl_stochnet_loss_name(cpwl_stochnet_loss_kind kind)
{
    return kind == CPWL_STOCHNET_LOSS_BCE ? "bce" : "01";
}

/* -ln p_y = logsumexp(f) - f_y = (f_t - f_y) + ln(1 + sum_{j != t}
   e^(f_j - f_t)), t the largest midpoint: no exponential of a large
   positive number, and f_t - f_y not formed when t = y (the ball of
   f_t - f_t would not be 0). */
static void neg_log_p(arb_t res, arb_srcptr f, slong k, slong y, slong prec)
{
    slong t = 0, j;
    arb_t s, u;
    arb_init(s);
    arb_init(u);
    for (j = 1; j < k; j++)
        if (arf_cmp(arb_midref(f + j), arb_midref(f + t)) > 0)
            t = j;
    arb_zero(s);
    for (j = 0; j < k; j++)
    {
        if (j == t)
            continue;
        arb_sub(u, f + j, f + t, prec);
        arb_exp(u, u, prec);
        arb_add(s, s, u, prec);
    }
    arb_log1p(res, s, prec);
    if (t != y)
    {
        arb_sub(u, f + t, f + y, prec);
        arb_add(res, res, u, prec);
    }
    arb_clear(u);
    arb_clear(s);
}

/* The ends lo <= hi of an interval in [0, 1] that contains
   min(-ln p_y, c)/c for every point of the balls. */
static void bce_ends(arf_t lo, arf_t hi, arb_srcptr f, slong k, slong y,
                     const arb_t c, slong prec)
{
    arb_t t;
    arf_zero(lo);
    arf_one(hi);
    if (!arb_is_positive(c))
        return;
    arb_init(t);
    if (k == 1)
    {
        /* p_1 = sigmoid(f) = softmax(0, f)_1. */
        arb_struct g[2];
        arb_init(g + 0);
        arb_init(g + 1);
        arb_set(g + 1, f);
        neg_log_p(t, g, 2, y, prec);
        arb_clear(g + 1);
        arb_clear(g + 0);
    }
    else
        neg_log_p(t, f, k, y, prec);
    /* min(L, c)/c = min(L/c, 1) is non-decreasing in L/c, so the ends of
       L/c clamped to [0, 1] (L >= 0; a ball may reach below) enclose it. */
    arb_div(t, t, c, prec);
    if (arb_is_finite(t))
    {
        arb_get_lbound_arf(lo, t, prec);
        arb_get_ubound_arf(hi, t, prec);
        if (arf_sgn(lo) < 0)
            arf_zero(lo);
        if (arf_cmp_si(lo, 1) > 0)
            arf_one(lo);
        if (arf_sgn(hi) < 0)
            arf_zero(hi);
        if (arf_cmp_si(hi, 1) > 0)
            arf_one(hi);
    }
    arb_clear(t);
}

void cpwl_stochnet_bce(arb_t res, arb_srcptr f, slong k, slong y,
                       const arb_t c, slong prec)
{
    arf_t lo, hi;
    arf_init(lo);
    arf_init(hi);
    bce_ends(lo, hi, f, k, y, c, prec);
    arb_set_interval_arf(res, lo, hi, prec);
    arf_clear(hi);
    arf_clear(lo);
}

void stochnet_bce_units(fmpz_t lo, fmpz_t up, arb_srcptr f, slong k, slong y,
                        const arb_t c, slong prec)
{
    arf_t a, b;
    arf_init(a);
    arf_init(b);
    bce_ends(a, b, f, k, y, c, prec);
    arf_mul_2exp_si(a, a, STOCHNET_BCE_UNIT_BITS);
    arf_get_fmpz(lo, a, ARF_RND_FLOOR);
    arf_mul_2exp_si(b, b, STOCHNET_BCE_UNIT_BITS);
    arf_get_fmpz(up, b, ARF_RND_CEIL);
    arf_clear(b);
    arf_clear(a);
}
