/* The seven bounds, their terms, and the rounding of a certificate to a
   short rational (upwards: a printed bound is an upper bound). */
#include <string.h>
#include "cpwl/pacbayes.h"
#include "cpwl/num.h"

static const char *const bound_names[CPWL_PACBAYES_NUM_BOUNDS] = {
    "mcallester", "maurer", "catoni", "langford-seeger", "quadratic",
    "lambda", "classic"
};

const char *cpwl_pacbayes_name(cpwl_pacbayes_kind kind)
{
    if ((int) kind < 0 || kind >= CPWL_PACBAYES_NUM_BOUNDS)
        return "unknown";
    return bound_names[kind];
}

int cpwl_pacbayes_from_name(const char *name)
{
    int k;
    for (k = 0; k < CPWL_PACBAYES_NUM_BOUNDS; k++)
        if (strcmp(name, bound_names[k]) == 0)
            return k;
    return -1;
}

void cpwl_pacbayes_input_init(cpwl_pacbayes_input_t in)
{
    in->kind = CPWL_PACBAYES_MAURER;
    fmpz_init_set_ui(in->m, 1);
    fmpq_init(in->delta);
    fmpq_set_si(in->delta, 1, 20);
    arb_init(in->kl);
    arb_init(in->emp);
    arb_init(in->union_term);
    fmpq_init(in->lambda);
    fmpq_one(in->lambda);
    fmpq_init(in->catoni_c);
    fmpq_one(in->catoni_c);
}

void cpwl_pacbayes_input_clear(cpwl_pacbayes_input_t in)
{
    fmpz_clear(in->m);
    fmpq_clear(in->delta);
    arb_clear(in->kl);
    arb_clear(in->emp);
    arb_clear(in->union_term);
    fmpq_clear(in->lambda);
    fmpq_clear(in->catoni_c);
}

/* 1 if the ball x certainly has a point below lo (or is not finite). */
static int ball_below(const arb_t x, slong lo)
{
    arf_t t;
    int r;
    if (!arb_is_finite(x))
        return 1;
    arf_init(t);
    arb_get_ubound_arf(t, x, ARF_PREC_EXACT);
    r = arf_cmp_si(t, lo) < 0;
    arf_clear(t);
    return r;
}

/* 0 < lambda < 2 (denominators are positive). */
static int lambda_ok(const fmpq_t l)
{
    fmpz_t t;
    int ok;
    fmpz_init(t);
    fmpz_mul_2exp(t, fmpq_denref(l), 1);
    ok = fmpq_sgn(l) > 0 && fmpz_cmp(fmpq_numref(l), t) < 0;
    fmpz_clear(t);
    return ok;
}

int cpwl_pacbayes_input_check(const cpwl_pacbayes_input_t in, cpwl_err_t e)
{
    arf_t t;
    int bad;
    if ((int) in->kind < 0 || in->kind >= CPWL_PACBAYES_NUM_BOUNDS)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "unknown bound");
    if (fmpz_sgn(in->m) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "m must be >= 1");
    if (in->kind == CPWL_PACBAYES_MAURER && fmpz_cmp_ui(in->m, 8) < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the Maurer bound needs m >= 8");
    if (fmpq_sgn(in->delta) <= 0 || fmpz_cmp(fmpq_numref(in->delta), fmpq_denref(in->delta)) >= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "delta must be in (0, 1)");
    /* A ball is refused when none of its points is admissible; a radius
       reaching past the range is the caller's rounding, clipped later. */
    if (ball_below(in->kl, 0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "KL must be >= 0");
    arf_init(t);
    arb_get_lbound_arf(t, in->emp, ARF_PREC_EXACT);
    bad = ball_below(in->emp, 0) || arf_cmp_si(t, 1) > 0;
    arf_clear(t);
    if (bad)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "the empirical risk must be in [0, 1]");
    if (ball_below(in->union_term, 0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the union term must be >= 0");
    if (in->kind == CPWL_PACBAYES_LAMBDA && !lambda_ok(in->lambda))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "lambda must be in (0, 2)");
    if (in->kind == CPWL_PACBAYES_CATONI && fmpq_sgn(in->catoni_c) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "C must be > 0");
    return CPWL_OK;
}

void cpwl_pacbayes_bound_init(cpwl_pacbayes_bound_t b)
{
    arb_init(b->log_term);
    arb_init(b->complexity);
    arb_init(b->value);
    fmpq_init(b->upper);
    b->vacuous = 0;
}

void cpwl_pacbayes_bound_clear(cpwl_pacbayes_bound_t b)
{
    arb_clear(b->log_term);
    arb_clear(b->complexity);
    arb_clear(b->value);
    fmpq_clear(b->upper);
}

/* The ball x intersected with [0, 1] (unit) or [0, inf): the true value
   lies inside, and the formulas' square roots and logarithms need it. */
static void clip_ball(arb_t r, const arb_t x, int unit, slong prec)
{
    arf_t lo, hi;
    arf_init(lo);
    arf_init(hi);
    arb_get_lbound_arf(lo, x, ARF_PREC_EXACT);
    arb_get_ubound_arf(hi, x, ARF_PREC_EXACT);
    if (arf_sgn(lo) < 0 || (unit && arf_cmp_si(hi, 1) > 0))
    {
        if (arf_sgn(lo) < 0)
            arf_zero(lo);
        if (unit && arf_cmp_si(hi, 1) > 0)
            arf_one(hi);
        arb_set_interval_arf(r, lo, hi, prec);
    }
    else
        arb_set(r, x);
    arf_clear(lo);
    arf_clear(hi);
}

int cpwl_pacbayes_bound(cpwl_pacbayes_bound_t b, const cpwl_pacbayes_input_t in,
                        slong digits, slong prec, cpwl_err_t e)
{
    arb_t q, kl, m, t, u, B;
    int status;
    if ((status = cpwl_pacbayes_input_check(in, e)) != CPWL_OK)
        return status;
    if (digits < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "digits must be >= 1");
    arb_init(q);
    arb_init(kl);
    arb_init(m);
    arb_init(t);
    arb_init(u);
    arb_init(B);
    /* Ball arithmetic on the balls of q and KL: the value encloses the
       bound at every point of them (each bound is non-decreasing in q
       and KL, so its upper end is the bound at their upper ends, up to
       rounding). */
    clip_ball(q, in->emp, 1, prec);
    clip_ball(kl, in->kl, 0, prec);
    arb_set_fmpz(m, in->m);

    /* The logarithm: ln(1/delta), ln((m+1)/delta) or ln(2 sqrt(m)/delta). */
    arb_set_fmpq(t, in->delta, prec);
    switch (in->kind)
    {
    case CPWL_PACBAYES_CATONI:
        arb_inv(u, t, prec);
        break;
    case CPWL_PACBAYES_LANGFORD_SEEGER:
        arb_add_ui(u, m, 1, prec);
        arb_div(u, u, t, prec);
        break;
    default:
        arb_sqrt(u, m, prec);
        arb_mul_2exp_si(u, u, 1);
        arb_div(u, u, t, prec);
        break;
    }
    arb_log(b->log_term, u, prec);
    arb_add(b->log_term, b->log_term, in->union_term, prec);
    arb_add(B, kl, b->log_term, prec);          /* KL + log term */

    switch (in->kind)
    {
    case CPWL_PACBAYES_MAURER:
    case CPWL_PACBAYES_LANGFORD_SEEGER:
        arb_div(b->complexity, B, m, prec);
        status = cpwl_pacbayes_kl_inv(b->value, q, b->complexity, 0, prec, e);
        break;
    case CPWL_PACBAYES_CATONI:
        /* (1 - exp(-C q - B/m)) / (1 - e^{-C}), with expm1 for small
           arguments. */
        arb_div(b->complexity, B, m, prec);
        arb_set_fmpq(t, in->catoni_c, prec);
        arb_mul(u, t, q, prec);
        arb_add(u, u, b->complexity, prec);
        arb_neg(u, u);
        arb_expm1(u, u, prec);
        arb_neg(t, t);
        arb_expm1(t, t, prec);
        arb_div(b->value, u, t, prec);
        break;
    case CPWL_PACBAYES_QUADRATIC:
        arb_div(b->complexity, B, m, prec);
        arb_mul_2exp_si(b->complexity, b->complexity, -1);
        arb_add(t, q, b->complexity, prec);
        arb_sqrt(t, t, prec);
        arb_sqrt(u, b->complexity, prec);
        arb_add(t, t, u, prec);
        arb_sqr(b->value, t, prec);
        break;
    case CPWL_PACBAYES_LAMBDA:
        /* (1 - lambda/2) and lambda (1 - lambda/2) m, exact rationals. */
        {
            fmpq_t h, g;
            fmpq_init(h);
            fmpq_init(g);
            fmpq_div_2exp(h, in->lambda, 1);
            fmpq_sub_si(h, h, 1);
            fmpq_neg(h, h);
            fmpq_mul(g, h, in->lambda);
            fmpq_mul_fmpz(g, g, in->m);
            arb_set_fmpq(t, g, prec);
            arb_div(b->complexity, B, t, prec);
            arb_set_fmpq(t, h, prec);
            arb_div(u, q, t, prec);
            arb_add(b->value, u, b->complexity, prec);
            fmpq_clear(h);
            fmpq_clear(g);
        }
        break;
    default:                    /* MCALLESTER, CLASSIC */
        arb_div(b->complexity, B, m, prec);
        arb_mul_2exp_si(b->complexity, b->complexity, -1);
        arb_sqrt(t, b->complexity, prec);
        arb_add(b->value, q, t, prec);
        break;
    }
    if (status == CPWL_OK && !arb_is_finite(b->value))
        status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "the %s bound did not "
                              "come out finite", cpwl_pacbayes_name(in->kind));
    if (status == CPWL_OK)
    {
        cpwl_pacbayes_round_up(b->upper, b->value, digits);
        b->vacuous = fmpz_cmp(fmpq_numref(b->upper),
                              fmpq_denref(b->upper)) >= 0;
    }
    arb_clear(q);
    arb_clear(kl);
    arb_clear(m);
    arb_clear(t);
    arb_clear(u);
    arb_clear(B);
    return status;
}

/* ---- rounding to short rationals --------------------------------------- */

/* r = 10^k (k of any sign). */
static void fmpq_pow10(fmpq_t r, slong k)
{
    fmpz_t p;
    fmpz_init(p);
    fmpz_ui_pow_ui(p, 10, (ulong) (k < 0 ? -k : k));
    if (k >= 0)
    {
        fmpz_set(fmpq_numref(r), p);
        fmpz_one(fmpq_denref(r));
    }
    else
    {
        fmpz_one(fmpq_numref(r));
        fmpz_set(fmpq_denref(r), p);
    }
    fmpz_clear(p);
}

/* The k with 10^(k-1) <= |x| < 10^k, x != 0, decided exactly. */
static slong dec_exp(const fmpq_t x)
{
    fmpq_t a, p;
    slong k;
    fmpq_init(a);
    fmpq_init(p);
    fmpq_abs(a, x);
    k = (slong) fmpz_sizeinbase(fmpq_numref(a), 10)
        - (slong) fmpz_sizeinbase(fmpq_denref(a), 10);
    for (;;)
    {
        fmpq_pow10(p, k);
        if (fmpq_cmp(a, p) >= 0)
        {
            k++;
            continue;
        }
        fmpq_pow10(p, k - 1);
        if (fmpq_cmp(a, p) < 0)
        {
            k--;
            continue;
        }
        break;
    }
    fmpq_clear(a);
    fmpq_clear(p);
    return k;
}

/* r = ceil (up) or floor of x on the grid of `digits` significant
   digits of x's decade. */
static void round_dec(fmpq_t r, const fmpq_t x, slong digits, int up)
{
    fmpq_t s;
    fmpz_t k;
    slong sh;
    if (fmpq_is_zero(x))
    {
        fmpq_zero(r);
        return;
    }
    fmpq_init(s);
    fmpz_init(k);
    sh = digits - dec_exp(x);
    fmpq_pow10(s, sh);
    fmpq_mul(s, s, x);
    if (up)
        fmpz_cdiv_q(k, fmpq_numref(s), fmpq_denref(s));
    else
        fmpz_fdiv_q(k, fmpq_numref(s), fmpq_denref(s));
    fmpq_pow10(s, -sh);
    fmpq_mul_fmpz(r, s, k);
    fmpq_clear(s);
    fmpz_clear(k);
}

void cpwl_pacbayes_round_up(fmpq_t r, const arb_t x, slong digits)
{
    arf_t t;
    fmpq_t v;
    arf_init(t);
    fmpq_init(v);
    arb_get_ubound_arf(t, x, ARF_PREC_EXACT);
    arf_get_fmpq(v, t);
    round_dec(r, v, digits < 1 ? 1 : digits, 1);
    arf_clear(t);
    fmpq_clear(v);
}

void cpwl_pacbayes_round_down(fmpq_t r, const arb_t x, slong digits)
{
    arf_t t;
    fmpq_t v;
    arf_init(t);
    fmpq_init(v);
    arb_get_lbound_arf(t, x, ARF_PREC_EXACT);
    arf_get_fmpq(v, t);
    round_dec(r, v, digits < 1 ? 1 : digits, 0);
    arf_clear(t);
    fmpq_clear(v);
}

char *cpwl_pacbayes_decimal_str(const fmpq_t r)
{
    fmpz_t d, k;
    slong s2 = 0, s5 = 0, s, n;
    char *digits, *out, *p;
    int neg = fmpq_sgn(r) < 0;
    fmpz_init_set(d, fmpq_denref(r));
    fmpz_init(k);
    while (fmpz_is_even(d))
    {
        fmpz_fdiv_q_2exp(d, d, 1);
        s2++;
    }
    while (fmpz_divisible_si(d, 5))
    {
        fmpz_divexact_ui(d, d, 5);
        s5++;
    }
    if (!fmpz_is_one(d))
    {
        fmpz_clear(d);
        fmpz_clear(k);
        return NULL;
    }
    /* r = k / 10^s with k = num 10^s / den */
    s = FLINT_MAX(s2, s5);
    fmpz_ui_pow_ui(k, 10, (ulong) s);
    fmpz_mul(k, k, fmpq_numref(r));
    fmpz_divexact(k, k, fmpq_denref(r));
    fmpz_abs(k, k);
    digits = fmpz_get_str(NULL, 10, k);
    n = (slong) strlen(digits);
    /* Far from 1 (a vacuous bound from an absurd KL, a risk of 1e-9999),
       the same exact value in scientific notation, d.ddd...e[+-]E with
       the trailing zeros of k dropped, instead of a page of zeros. */
    if (!fmpz_is_zero(k) && (n - s > 40 || s - n > 20))
    {
        slong z = n, ex = n - 1 - s;
        while (z > 1 && digits[z - 1] == '0')
            z--;
        out = flint_malloc((size_t) (z + 32));
        p = out;
        if (neg)
            *p++ = '-';
        *p++ = digits[0];
        if (z > 1)
        {
            *p++ = '.';
            memcpy(p, digits + 1, (size_t) (z - 1));
            p += z - 1;
        }
        sprintf(p, "e%+ld", (long) ex);
        flint_free(digits);
        fmpz_clear(d);
        fmpz_clear(k);
        return out;
    }
    out = flint_malloc((size_t) (n + s + 4));
    p = out;
    if (neg)
        *p++ = '-';
    if (s == 0)
        strcpy(p, digits);
    else if (n > s)
    {
        memcpy(p, digits, (size_t) (n - s));
        p[n - s] = '.';
        strcpy(p + n - s + 1, digits + n - s);
    }
    else
    {
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', (size_t) (s - n));
        strcpy(p + s - n, digits);
    }
    flint_free(digits);
    fmpz_clear(d);
    fmpz_clear(k);
    return out;
}

/* ---- constants ---------------------------------------------------------- */

int cpwl_pacbayes_parse_const(arb_t c, const char *s, slong prec, cpwl_err_t e)
{
    fmpq_t x;
    cpwl_err_t e2;
    int status = CPWL_OK, is_log = strncmp(s, "log:", 4) == 0;
    const char *p = is_log ? s + 4 : s;
    char buf[CPWL_ERR_QUOTE_SIZE];
    fmpq_init(x);
    cpwl_err_init(e2);
    if (cpwl_num_parse_fmpq(x, p, strlen(p), CPWL_NUM_EXACT, e2) != CPWL_OK)
        status = cpwl_err_set(e, CPWL_ERR_INPUT, is_log ? "log:X: %s"
                              : "%s; or log:X for ln X", e2->msg);
    else if (is_log && fmpq_sgn(x) <= 0)
    {
        cpwl_err_quote(buf, sizeof buf, s, strlen(s));
        status = cpwl_err_set(e, CPWL_ERR_INPUT, "%s: log:X needs X > 0",
                              buf);
    }
    else if (is_log)
    {
        arb_set_fmpq(c, x, prec);
        arb_log(c, c, prec);
    }
    else
        arb_set_fmpq(c, x, prec);
    fmpq_clear(x);
    cpwl_err_clear(e2);
    return status;
}
