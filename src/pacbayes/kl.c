/* The binary kl and its inverses, as certified enclosures.

   The inverse kl^{-1}(q, c) is the root p* in (q, 1) of the convex,
   increasing f(p) = kl(q || p) - c.  Every point the algorithms keep is an
   exact arf whose sign of f was decided by an Arb ball: f(x) < 0 proves
   x < p*, f(x) > 0 proves x > p*.  Newton's iterates are only candidates;
   nothing is believed before its sign is certified. */
#include "cpwl/pacbayes.h"

/* Extra bits of the evaluations over the requested precision. */
#define KL_GUARD 24

/* ln x for x in (0, 1], given x and x1 = 1 - x (each to full relative
   precision): arb_log when x < 1/2, else log1p(-x1), so that ln x keeps
   its relative precision when x is near 1 (ln x ~ -x1), where arb_log
   would only give it to 2^-prec absolutely. */
static void log_unit(arb_t r, const arb_t x, const arb_t x1, slong prec)
{
    if (arf_cmp_2exp_si(arb_midref(x), -1) < 0)
        arb_log(r, x, prec);
    else
    {
        arb_neg(r, x1);
        arb_log1p(r, r, prec);
    }
}

/* x ln(x/p) with 0 ln 0 = 0, for x >= 0 and p > 0 (balls), given also
   x1 = 1 - x and p1 = 1 - p. */
static void xlog_ratio(arb_t r, const arb_t x, const arb_t x1, const arb_t p,
                       const arb_t p1, slong prec)
{
    arb_t t;
    if (arb_is_zero(x))
    {
        arb_zero(r);
        return;
    }
    arb_init(t);
    log_unit(r, x, x1, prec);
    log_unit(t, p, p1, prec);
    arb_sub(r, r, t, prec);
    arb_mul(r, r, x, prec);
    arb_clear(t);
}

/* 1 if the ball x may lie outside [0, 1]. */
static int outside_unit(const arb_t x)
{
    arf_t lo, hi;
    int out;
    if (!arb_is_finite(x))
        return 1;
    arf_init(lo);
    arf_init(hi);
    arb_get_lbound_arf(lo, x, ARF_PREC_EXACT);
    arb_get_ubound_arf(hi, x, ARF_PREC_EXACT);
    out = arf_sgn(lo) < 0 || arf_cmp_si(hi, 1) > 0;
    arf_clear(lo);
    arf_clear(hi);
    return out;
}

/* kl(q || p) for q, p balls in [0, 1]; the caller has checked the range. */
static void kl_eval(arb_t res, const arb_t q, const arb_t p, slong prec)
{
    arb_t a, b, q1, p1;
    /* kl = +inf exactly when p is 0 or 1 and q differs from it. */
    if ((arb_is_zero(p) && !arb_is_zero(q)) || (arb_is_one(p) && !arb_is_one(q)))
    {
        arb_pos_inf(res);
        return;
    }
    arb_init(a);
    arb_init(b);
    arb_init(q1);
    arb_init(p1);
    /* 1 - q and 1 - p, rounded relative to themselves (exact inputs near 1
       keep their distance to 1). */
    arb_sub_si(q1, q, 1, prec);
    arb_neg(q1, q1);
    arb_sub_si(p1, p, 1, prec);
    arb_neg(p1, p1);
    /* A ball q that straddles 0 (or 1) has no finite ln: the generic path
       then returns an indeterminate ball, which is still an enclosure. */
    xlog_ratio(a, q, q1, p, p1, prec);
    xlog_ratio(b, q1, q, p1, p, prec);
    arb_add(res, a, b, prec);
    if (!arb_is_finite(res))
        arb_indeterminate(res);
    arb_clear(a);
    arb_clear(b);
    arb_clear(q1);
    arb_clear(p1);
}

int cpwl_pacbayes_kl(arb_t res, const arb_t q, const arb_t p, slong prec,
                     cpwl_err_t e)
{
    if (outside_unit(q))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "kl(q || p): q must be in [0, 1]");
    if (outside_unit(p))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "kl(q || p): p must be in [0, 1]");
    kl_eval(res, q, p, prec);
    return CPWL_OK;
}

/* ---- the inverse at exact points --------------------------------------- */

typedef struct
{
    arb_t q, c;                 /* exact */
    slong wp;                   /* evaluation precision */
}
kl_problem;

/* The certified sign of f(x) = kl(q || x) - c at an exact x in [q, 1):
   1, -1, or 0 when the ball does not decide it. */
static int f_sign(kl_problem *P, const arf_t x)
{
    arb_t p, v;
    int s;
    arb_init(p);
    arb_init(v);
    arb_set_arf(p, x);
    kl_eval(v, P->q, p, P->wp);
    arb_sub(v, v, P->c, P->wp);
    s = arb_is_positive(v) ? 1 : arb_is_negative(v) ? -1 : 0;
    arb_clear(p);
    arb_clear(v);
    return s;
}

/* The stopping width: 2^-(prec - 10) times min(a, 1 - a), so that both
   the root and its distance to 1 come out to about prec - 10 bits. */
static void stop_width(arf_t w, const arf_t a, slong prec)
{
    arf_t t;
    arf_init(t);
    arf_sub_si(t, a, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
    arf_neg(t, t);
    if (arf_cmp(a, t) < 0)
        arf_set(t, a);
    arf_mul_2exp_si(w, t, -(prec - 10));
    arf_set_round(w, w, 30, ARF_RND_DOWN);
    arf_clear(t);
}

/* The root is near x (the sign at x is undecided, or Newton has
   converged there): certify a lower point x - w and an upper point
   x + w, doubling w from w0, never leaving [a, b] (already certified). */
static void widen(kl_problem *P, arf_t a, arf_t b, const arf_t x,
                  const arf_t w0)
{
    arf_t w, y;
    int lo_done = 0, hi_done = 0, k;
    arf_init(w);
    arf_init(y);
    arf_set(w, w0);
    for (k = 0; k < 4 * FLINT_BITS + 64 && !(lo_done && hi_done); k++)
    {
        if (!lo_done)
        {
            arf_sub(y, x, w, ARF_PREC_EXACT, ARF_RND_DOWN);
            if (arf_cmp(y, a) <= 0)
                lo_done = 1;
            else if (f_sign(P, y) < 0)
            {
                arf_set(a, y);
                lo_done = 1;
            }
        }
        if (!hi_done)
        {
            arf_add(y, x, w, ARF_PREC_EXACT, ARF_RND_DOWN);
            if (arf_cmp(y, b) >= 0)
                hi_done = 1;
            else if (f_sign(P, y) > 0)
            {
                arf_set(b, y);
                hi_done = 1;
            }
        }
        arf_mul_2exp_si(w, w, 1);
    }
    arf_clear(w);
    arf_clear(y);
}

/* A Newton candidate from x: x - f(x)/f'(x), f'(x) = (x - q)/(x (1 - x)),
   rounded to wp bits relative to min(x, 1 - x) (so that points near 0
   keep their size and points near 1 their distance to 1 to full
   precision).  0 if it cannot be formed. */
static int newton_point(kl_problem *P, arf_t xn, const arf_t x)
{
    arb_t p, v, d, t;
    int ok;
    arb_init(p);
    arb_init(v);
    arb_init(d);
    arb_init(t);
    arb_set_arf(p, x);
    kl_eval(v, P->q, p, P->wp);
    arb_sub(v, v, P->c, P->wp);
    arb_sub(d, p, P->q, P->wp);                 /* x - q */
    arb_sub_si(t, p, 1, P->wp);
    arb_neg(t, t);                               /* 1 - x */
    arb_mul(t, t, p, P->wp);
    arb_div(d, d, t, P->wp);                     /* f'(x) */
    arb_div(v, v, d, P->wp);                     /* the step */
    ok = arb_is_finite(v);
    if (ok && arf_cmp_2exp_si(x, -1) < 0)
    {
        /* x < 1/2: xn = x - step, rounded relative to itself. */
        arb_sub(t, p, v, P->wp);
        arf_set_round(xn, arb_midref(t), P->wp, ARF_RND_DOWN);
    }
    else if (ok)
    {
        /* 1 - xn = (1 - x) + step, rounded, then xn exactly. */
        arb_sub_si(t, p, 1, P->wp);
        arb_neg(t, t);
        arb_add(t, t, v, P->wp);
        arf_set_round(xn, arb_midref(t), P->wp, ARF_RND_DOWN);
        arf_sub_si(xn, xn, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
        arf_neg(xn, xn);
    }
    arb_clear(p);
    arb_clear(v);
    arb_clear(d);
    arb_clear(t);
    return ok;
}

/* The point that splits [a, b]: the midpoint, or, when a and b differ by
   more than a factor 4 below 1/2 (1 - a and 1 - b above 1/2), a power of
   2 halfway between their exponents (for a = 0: twice b's exponent), so
   that a root at 2^-1000 or at 1 - 2^-1000 takes about log2(1000) steps
   to reach rather than 1000. */
static void split_point(arf_t m, const arf_t a, const arf_t b)
{
    arf_t u, v;
    slong ea, eb;
    arf_init(u);
    arf_init(v);
    arf_add(m, a, b, ARF_PREC_EXACT, ARF_RND_DOWN);
    arf_mul_2exp_si(m, m, -1);
    if (arf_is_zero(a) && arf_sgn(b) > 0 && arf_cmp_2exp_si(b, -1) <= 0
        && !COEFF_IS_MPZ(*ARF_EXPREF(b)) && ARF_EXP(b) > -(WORD(1) << 40))
    {
        /* a = 0 (q = 0, bisection alone): no exponent to be halfway to;
           2^(2e - 2) < b = 2^e (1/2 ... 1) doubles the exponent, so that
           a root at 2^-1000 is reached in about ten steps. */
        arf_one(m);
        arf_mul_2exp_si(m, m, 2 * ARF_EXP(b) - 2);
        goto out;
    }
    if (arf_cmp_2exp_si(b, -1) <= 0 && arf_sgn(a) > 0)
    {
        arf_set(u, a);
        arf_set(v, b);
    }
    else if (arf_cmp_2exp_si(a, -1) >= 0 && arf_cmp_si(b, 1) < 0)
    {
        arf_sub_si(u, b, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
        arf_neg(u, u);                           /* 1 - b */
        arf_sub_si(v, a, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
        arf_neg(v, v);                           /* 1 - a */
    }
    else
        goto out;
    /* exponents beyond a word: keep the plain midpoint */
    if (COEFF_IS_MPZ(*ARF_EXPREF(u)) || COEFF_IS_MPZ(*ARF_EXPREF(v)))
        goto out;
    ea = ARF_EXP(u);
    eb = ARF_EXP(v);
    if (eb - ea >= 3)
    {
        /* 2^k with u < 2^k < v */
        arf_one(m);
        arf_mul_2exp_si(m, m, (ea + eb) / 2 - 1);
        if (arf_cmp_2exp_si(a, -1) >= 0 && arf_cmp_2exp_si(b, -1) > 0)
        {
            arf_sub_si(m, m, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
            arf_neg(m, m);
        }
    }
out:
    arf_clear(u);
    arf_clear(v);
}

/* Bisect [a, b] until the width is below the stopping width, or until a
   sign is undecided (then widen around that point). */
static void bisect(kl_problem *P, arf_t a, arf_t b, slong prec)
{
    arf_t m, w, tol;
    slong k;
    int s;
    arf_init(m);
    arf_init(w);
    arf_init(tol);
    for (k = 0; k < 4 * prec + 256; k++)
    {
        arf_sub(w, b, a, ARF_PREC_EXACT, ARF_RND_DOWN);
        stop_width(tol, a, prec);
        if (arf_cmp(w, tol) <= 0)
            break;
        split_point(m, a, b);
        s = f_sign(P, m);
        if (s > 0)
            arf_set(b, m);
        else if (s < 0)
            arf_set(a, m);
        else
        {
            arf_mul_2exp_si(tol, tol, -2);
            widen(P, a, b, m, tol);
            break;
        }
    }
    arf_clear(m);
    arf_clear(w);
    arf_clear(tol);
}

/* [a, b] around kl^{-1}(q, c) for exact q in [0, 1], c >= 0 (arf); newton
   selects the main algorithm, else bisection alone. */
static void kl_inv_point(arf_t a, arf_t b, const arf_t q, const arf_t c,
                         int newton, slong prec)
{
    kl_problem P;
    arf_t x, xn, t, tol, d;
    int s, k;

    /* kl^{-1}(q, 0) = q (kl(q || p) > 0 for p > q); kl^{-1}(1, c) = 1;
       c = +inf: 1. */
    if (arf_is_zero(c) || arf_is_one(q))
    {
        arf_set(a, q);
        arf_set(b, q);
        return;
    }
    if (arf_is_pos_inf(c))
    {
        arf_one(a);
        arf_one(b);
        return;
    }
    arb_init(P.q);
    arb_init(P.c);
    arb_set_arf(P.q, q);
    arb_set_arf(P.c, c);
    P.wp = prec + KL_GUARD;
    if (newton && arf_is_zero(q))
    {
        /* kl(0 || p) = -ln(1 - p): the root is -expm1(-c). */
        arb_t r;
        arb_init(r);
        arb_neg(r, P.c);
        arb_expm1(r, r, P.wp);
        arb_neg(r, r);
        arb_get_lbound_arf(a, r, ARF_PREC_EXACT);
        arb_get_ubound_arf(b, r, ARF_PREC_EXACT);
        if (arf_sgn(a) < 0)
            arf_zero(a);
        if (arf_cmp_si(b, 1) > 0)
            arf_one(b);
        arb_clear(r);
        arb_clear(P.q);
        arb_clear(P.c);
        return;
    }
    arf_init(x);
    arf_init(xn);
    arf_init(t);
    arf_init(tol);
    arf_init(d);

    /* Known without evaluation: kl(q || q) = 0 <= c, and p* <= 1. */
    arf_set(a, q);
    arf_one(b);

    /* t = 1 - 2^-prec: when f(t) < 0 the answer is [t, 1]. */
    arf_one(t);
    arf_mul_2exp_si(t, t, -prec);
    arf_sub_si(t, t, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
    arf_neg(t, t);
    if (arf_cmp(t, q) <= 0)
        arf_set(t, q);

    /* The start, the least of two upper bounds of p*: Pinsker (kl(q || p)
       >= 2 (p - q)^2) gives q + sqrt(c/2); and q ln(q/p) >= q ln q gives
       kl(q || p) >= -h(q) - (1 - q) ln(1 - p) (h the entropy), so
       p* <= 1 - exp(-(c + h(q))/(1 - q)), sharp for large c.  Capped at
       t. */
    if (newton)
    {
        arb_t r, h, u;
        arf_t y;
        arb_init(r);
        arb_init(h);
        arb_init(u);
        arf_init(y);
        arb_mul_2exp_si(r, P.c, -1);
        arb_sqrt(r, r, P.wp);
        arb_add(r, r, P.q, P.wp);
        arb_get_ubound_arf(x, r, P.wp);
        arb_sub_si(u, P.q, 1, P.wp);
        arb_neg(u, u);                           /* 1 - q > 0 */
        arb_log(r, P.q, P.wp);
        arb_mul(h, r, P.q, P.wp);
        arb_log(r, u, P.wp);
        arb_addmul(h, r, u, P.wp);               /* -h(q) */
        arb_sub(r, h, P.c, P.wp);
        arb_div(r, r, u, P.wp);
        arb_expm1(r, r, P.wp);
        arb_neg(r, r);
        arb_get_ubound_arf(y, r, P.wp);
        if (arf_is_finite(y) && (!arf_is_finite(x) || arf_cmp(y, x) < 0))
            arf_set(x, y);
        if (!arf_is_finite(x) || arf_cmp(x, t) > 0)
            arf_set(x, t);
        arb_clear(r);
        arb_clear(h);
        arb_clear(u);
        arf_clear(y);
    }
    else
        arf_set(x, t);

    if (arf_cmp(x, a) > 0)
    {
        s = f_sign(&P, x);
        if (s < 0 && arf_equal(x, t))
        {
            /* p* > t = 1 - 2^-prec: [t, 1] is as narrow as promised. */
            arf_set(a, x);
            goto done;
        }
        if (s < 0)
            arf_set(a, x);
        else if (s > 0)
            arf_set(b, x);
        else
        {
            stop_width(tol, x, prec);
            widen(&P, a, b, x, tol);
            goto done;
        }
    }

    /* Newton from the right: the tangent of a convex increasing f meets
       0 between p* and the point, so in exact arithmetic the iterates
       fall towards p*; rounding may overshoot, which the sign shows. */
    for (k = 0; newton && k < 200 && arf_cmp(a, x) < 0 && arf_cmp(b, x) == 0; k++)
    {
        if (!newton_point(&P, xn, b) || arf_cmp(xn, a) <= 0
            || arf_cmp(xn, b) >= 0)
            break;
        arf_sub(d, b, xn, ARF_PREC_EXACT, ARF_RND_DOWN);
        stop_width(tol, xn, prec);
        if (arf_cmp(d, tol) <= 0)
        {
            /* Converged: p* lies just below b. */
            arf_mul_2exp_si(tol, tol, -2);
            widen(&P, a, b, xn, tol);
            break;
        }
        s = f_sign(&P, xn);
        if (s > 0)
        {
            arf_set(b, xn);
            arf_set(x, xn);
        }
        else if (s < 0)
        {
            arf_set(a, xn);
            break;
        }
        else
        {
            arf_mul_2exp_si(tol, tol, -2);
            widen(&P, a, b, xn, tol);
            break;
        }
    }
    bisect(&P, a, b, prec);

done:
    arf_clear(x);
    arf_clear(xn);
    arf_clear(t);
    arf_clear(tol);
    arf_clear(d);
    arb_clear(P.q);
    arb_clear(P.c);
}

/* The exact ends of a ball, clipped below at 0 (and above at 1: unit). */
static void ends_clipped(arf_t lo, arf_t hi, const arb_t x, int unit)
{
    arb_get_lbound_arf(lo, x, ARF_PREC_EXACT);
    arb_get_ubound_arf(hi, x, ARF_PREC_EXACT);
    if (arf_sgn(lo) < 0)
        arf_zero(lo);
    if (arf_sgn(hi) < 0)
        arf_zero(hi);
    if (unit)
    {
        if (arf_cmp_si(lo, 1) > 0)
            arf_one(lo);
        if (arf_cmp_si(hi, 1) > 0)
            arf_one(hi);
    }
}

/* res = a ball containing [lo, hi] (0 <= lo <= hi <= 1).  An end at
   exactly 1 or 0 stays there: a ball's radius is rounded up, which would
   put the upper end of kl^{-1} above 1 (or the lower end of kl_{-1}
   below 0); there the other end moves out instead, by less than 2^-29
   of its distance to that end. */
static void set_enclosure(arb_t res, const arf_t lo, const arf_t hi,
                          slong prec)
{
    arf_t d;
    fmpz_t man, ex;
    arf_init(d);
    fmpz_init(man);
    fmpz_init(ex);
    if (arf_is_one(hi) || (arf_is_zero(lo) && !arf_is_zero(hi)))
    {
        int one = arf_is_one(hi);
        /* d >= the width, with MAG_BITS bits: mid -/+ d/2 are exact. */
        if (one)
        {
            arf_sub_si(d, lo, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
            arf_neg(d, d);                       /* 1 - lo */
        }
        else
            arf_set(d, hi);
        arf_set_round(d, d, MAG_BITS, ARF_RND_UP);
        arf_mul_2exp_si(d, d, -1);
        /* arf_get_mag adds an ulp even to an exact value; mag_set_ui
           keeps MAG_BITS bits exactly. */
        arf_get_fmpz_2exp(man, ex, d);
        if (fmpz_fits_si(ex))
            mag_set_ui_2exp_si(arb_radref(res), fmpz_get_ui(man),
                               fmpz_get_si(ex));
        else
            arf_get_mag(arb_radref(res), d);
        if (one)
        {
            arf_sub_si(arb_midref(res), d, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
            arf_neg(arb_midref(res), arb_midref(res));
        }
        else
            arf_set(arb_midref(res), d);
    }
    else
    {
        /* Near 1 the enclosure is tight relative to 1 - p: the ball's
           midpoint needs the bits of that distance too (the ends have
           them already). */
        slong extra = 0;
        arf_sub_si(d, hi, 1, 30, ARF_RND_DOWN);
        if (!arf_is_zero(d) && ARF_EXP(d) < 0 && COEFF_IS_MPZ(ARF_EXP(d)) == 0)
            extra = -ARF_EXP(d);
        arb_set_interval_arf(res, lo, hi, prec + extra);
    }
    arf_clear(d);
    fmpz_clear(man);
    fmpz_clear(ex);
}

static int kl_inv_any(arb_t res, const arb_t q, const arb_t c, int lower,
                      int newton, slong prec, cpwl_err_t e)
{
    arf_t qlo, qhi, clo, chi, a, b, lo, hi;
    arf_t ql, qh;
    int status = CPWL_OK;
    if (!arb_is_finite(q))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "kl inverse: q must be a "
                            "number in [0, 1]");
    /* c = +inf is allowed (the inverse is then 1), NaN is not. */
    if (arf_is_nan(arb_midref(c)) || mag_is_inf(arb_radref(c)))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "kl inverse: c must be a "
                            "number >= 0");
    arf_init(qlo);
    arf_init(qhi);
    arf_init(clo);
    arf_init(chi);
    arf_init(a);
    arf_init(b);
    arf_init(lo);
    arf_init(hi);
    arf_init(ql);
    arf_init(qh);
    arb_get_lbound_arf(qlo, q, ARF_PREC_EXACT);
    arb_get_ubound_arf(qhi, q, ARF_PREC_EXACT);
    arb_get_lbound_arf(clo, c, ARF_PREC_EXACT);
    arb_get_ubound_arf(chi, c, ARF_PREC_EXACT);
    if (arf_cmp_si(qlo, 1) > 0 || arf_sgn(qhi) < 0 || arf_sgn(chi) < 0)
    {
        status = cpwl_err_set(e, CPWL_ERR_INPUT, arf_sgn(chi) < 0
                     ? "kl inverse: c must be >= 0"
                     : "kl inverse: q must be in [0, 1]");
        goto out;
    }
    /* A ball may reach past [0, 1] or below 0 by its radius: the true
       q and c lie inside, so clip. */
    ends_clipped(qlo, qhi, q, 1);
    if (arf_sgn(clo) < 0)
        arf_zero(clo);
    if (!lower)
    {
        /* kl^{-1} is non-decreasing in q and in c. */
        kl_inv_point(lo, b, qlo, clo, newton, prec);
        kl_inv_point(a, hi, qhi, chi, newton, prec);
    }
    else
    {
        /* kl_{-1}(q, c) = 1 - kl^{-1}(1 - q, c): non-decreasing in q,
           non-increasing in c. */
        arf_sub_si(ql, qlo, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
        arf_neg(ql, ql);                         /* 1 - q_lo */
        arf_sub_si(qh, qhi, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
        arf_neg(qh, qh);                         /* 1 - q_hi */
        kl_inv_point(a, b, ql, chi, newton, prec);
        arf_sub_si(lo, b, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
        arf_neg(lo, lo);
        kl_inv_point(a, b, qh, clo, newton, prec);
        arf_sub_si(hi, a, 1, ARF_PREC_EXACT, ARF_RND_DOWN);
        arf_neg(hi, hi);
    }
    set_enclosure(res, lo, hi, prec);
out:
    arf_clear(qlo);
    arf_clear(qhi);
    arf_clear(clo);
    arf_clear(chi);
    arf_clear(a);
    arf_clear(b);
    arf_clear(lo);
    arf_clear(hi);
    arf_clear(ql);
    arf_clear(qh);
    return status;
}

int cpwl_pacbayes_kl_inv(arb_t res, const arb_t q, const arb_t c, int lower,
                         slong prec, cpwl_err_t e)
{
    return kl_inv_any(res, q, c, lower, 1, prec, e);
}

int cpwl_pacbayes_kl_inv_bisect(arb_t res, const arb_t q, const arb_t c,
                                int lower, slong prec, cpwl_err_t e)
{
    return kl_inv_any(res, q, c, lower, 0, prec, e);
}
