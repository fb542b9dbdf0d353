/* cpwl certify, chapter 6: PAC-Bayes certificates (module pacbayes,
   docs/pacbayes.md) in Arb balls, each against a value from outside the
   code.

   By hand:
   - kl(0 || p) = ln(1/(1 - p)), so kl^{-1}(0, c) = 1 - e^{-c}:
     kl^{-1}(0, ln 2) = 1/2 exactly.
   - kl(q || q) = 0 and kl(q || .) increases on [q, 1]: kl^{-1}(q, 0) = q
     (q = 3/10 here); kl^{-1}(1, c) = 1 (the sup over [1, 1]).
   - KL(N(0, 1/4) || N(0, 1)) = ln(1/(1/2)) + (1/4 + 0)/2 - 1/2
     = ln 2 - 3/8 per weight; d equal weights give d (ln 2 - 3/8).
   - The example m = 60000, delta = 1/40, KL = 5000, q = 1/50:
     B = 5000 + ln(2 sqrt(60000) 40) = 5000 + ln(19595.9...) ~ 5009.883,
     McAllester q + sqrt(B/(2m)) ~ 0.2243 (recomputed here in Arb from the
     formula), Maurer kl^{-1}(q, B/m) ~ 0.13435: Maurer is below McAllester
     (Pinsker: kl >= 2 (p - q)^2 makes kl^{-1}(q, c) <= q + sqrt(c/2)).
   - PBB's inv_kl on that example returns the double 0.13435121535088035
     (0x1.1326bae0e10b0p-3; proofs-data/pb_float.c's reimplementation,
     row "1/50, maurer(60000;1/40;5000)" of proofs-data/pb_float.csv,
     which tests/certify_pb.sh checks): below Maurer's lower end, so the
     certificate PBB prints there is not an upper bound.
   - The union term of the grid prior j: ln(pi^2 j^2 / 6); j = 1:
     ln(pi^2/6) (recomputed here from arb_const_pi); j = 0 has no union
     bound and the grid refuses it. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "certify.h"

#define PREC 256

const certify_claim certify_pb_claims[] = {
    {"pacbayes", "kl\u207b\u00b9(0, ln 2) = 1 \u2212 e^{\u2212ln 2} "
     "= 1/2 in the enclosure"},
    {"pacbayes", "  kl\u207b\u00b9(3/10, 0) = 3/10; kl\u207b\u00b9(1, 5) "
     "= 1"},
    {"pacbayes", "  KL(N(0, 1/4) \u2016 N(0, 1)) = ln 2 \u2212 3/8, "
     "d = 1 and 10\u2076"},
    {"pacbayes", "  m = 60000, \u03b4 = 1/40, KL = 5000, q = 1/50: "
     "McAllester by hand"},
    {"pacbayes", "  same: Maurer < McAllester (certified balls)"},
    {"pacbayes", "  same: PBB's inv_kl value < Maurer's lower end"},
    {"pacbayes", "  union term of grid index j = 1: ln(\u03c0\u00b2/6); "
     "j = 0 refused"},
    {NULL, NULL}
};

static int fails(char *why, size_t wlen, const char *what)
{
    snprintf(why, wlen, "%s", what);
    return 0;
}

/* "mid, rad < 2^k" of a ball (15 digits). */
static void ball_text(char *buf, size_t size, const arb_t x)
{
    char *m = arb_get_str(x, 15, ARB_STR_NO_RADIUS);
    arf_t u;
    arf_init(u);
    arf_set_mag(u, arb_radref(x));
    if (arf_is_zero(u))
        snprintf(buf, size, "%s exactly", m);
    else
        snprintf(buf, size, "%s, rad < 2^%ld", m,
                 (long) arf_abs_bound_lt_2exp_si(u));
    arf_clear(u);
    flint_free(m);
}

/* A ball narrower than 2^-100 (the claims' precision is 256 bits). */
static int narrow(const arb_t x)
{
    return arb_is_finite(x) && mag_cmp_2exp_si(arb_radref(x), -100) < 0;
}

/* The example (m = 60000, delta = 1/40, KL = 5000, q = 1/50) as an
   input of kind `kind`. */
static void example_input(cpwl_pacbayes_input_t in, cpwl_pacbayes_kind kind)
{
    in->kind = kind;
    fmpz_set_ui(in->m, 60000);
    fmpq_set_si(in->delta, 1, 40);
    arb_set_ui(in->kl, 5000);
    arb_set_si(in->emp, 1);
    arb_div_ui(in->emp, in->emp, 50, PREC);
}

static int claim_klinv(char *computed, size_t clen, char *why, size_t wlen,
                       slong k)
{
    arb_t q, c, r, r2;
    fmpq_t h;
    cpwl_err_t e;
    int ok = 1;
    arb_init(q);
    arb_init(c);
    arb_init(r);
    arb_init(r2);
    fmpq_init(h);
    cpwl_err_init(e);
    if (k == 0)
    {
        arb_zero(q);
        arb_const_log2(c, PREC);
        fmpq_set_si(h, 1, 2);
        if (cpwl_pacbayes_kl_inv(r, q, c, 0, PREC, e) != CPWL_OK)
            ok = fails(why, wlen, e->msg);
        else
        {
            ball_text(computed, clen, r);
            ok = (arb_contains_fmpq(r, h)
                  || fails(why, wlen, "1/2 is not in the enclosure"))
                && (narrow(r) || fails(why, wlen, "width not below 2^-100"));
        }
    }
    else
    {
        fmpq_set_si(h, 3, 10);
        arb_set_fmpq(q, h, PREC);
        arb_zero(c);
        if (cpwl_pacbayes_kl_inv(r, q, c, 0, PREC, e) != CPWL_OK)
            ok = fails(why, wlen, e->msg);
        arb_one(q);
        arb_set_ui(c, 5);
        if (ok && cpwl_pacbayes_kl_inv(r2, q, c, 0, PREC, e) != CPWL_OK)
            ok = fails(why, wlen, e->msg);
        if (ok)
        {
            char a[120], b[120];
            ball_text(a, sizeof a, r);
            ball_text(b, sizeof b, r2);
            snprintf(computed, clen, "%s; %s", a, b);
            ok = (arb_contains_fmpq(r, h)
                  || fails(why, wlen, "3/10 is not in the enclosure"))
                && (narrow(r) || fails(why, wlen, "width not below 2^-100"))
                && (arb_contains_si(r2, 1)
                    || fails(why, wlen, "1 is not in kl^{-1}(1, 5)"))
                && (narrow(r2)
                    || fails(why, wlen, "width not below 2^-100"));
        }
    }
    cpwl_err_clear(e);
    fmpq_clear(h);
    arb_clear(q);
    arb_clear(c);
    arb_clear(r);
    arb_clear(r2);
    return ok;
}

/* d weights of N(0, 1/4) || N(0, 1) against d (ln 2 - 3/8). */
static int claim_gauss(char *computed, size_t clen, char *why, size_t wlen)
{
    static const slong D[2] = {1, 1000000};
    arb_t kl, w, t38;
    cpwl_gauss_t Q, P;
    cpwl_err_t e;
    char a[2][120];
    int ok = 1, t;
    slong i;
    arb_init(kl);
    arb_init(w);
    arb_init(t38);
    cpwl_err_init(e);
    for (t = 0; ok && t < 2; t++)
    {
        cpwl_gauss_init(Q, D[t]);
        cpwl_gauss_init(P, D[t]);
        for (i = 0; i < D[t]; i++)
            Q->sigma[i] = 0.5;
        if (cpwl_gauss_kl(kl, Q, P, PREC, e) != CPWL_OK)
            ok = fails(why, wlen, e->msg);
        else
        {
            /* ln 2 - 3/8 */
            arb_const_log2(w, PREC);
            arb_set_ui(t38, 3);
            arb_mul_2exp_si(t38, t38, -3);
            arb_sub(w, w, t38, PREC);
            arb_mul_si(w, w, D[t], PREC);
            ball_text(a[t], sizeof a[t], kl);
            ok = (arb_overlaps(kl, w)
                  || fails(why, wlen, "the ball misses d (ln 2 - 3/8)"))
                && (arb_rel_accuracy_bits(kl) >= 30
                    || fails(why, wlen, "relative width not below 2^-30"));
        }
        cpwl_gauss_clear(Q);
        cpwl_gauss_clear(P);
    }
    if (ok)
        snprintf(computed, clen, "%s; %s", a[0], a[1]);
    cpwl_err_clear(e);
    arb_clear(kl);
    arb_clear(w);
    arb_clear(t38);
    return ok;
}

/* Claims 3-5: the example. */
static int claim_example(char *computed, size_t clen, char *why,
                         size_t wlen, slong k)
{
    cpwl_pacbayes_input_t in;
    cpwl_pacbayes_bound_t mc, ma;
    cpwl_err_t e;
    arb_t w, t;
    int ok = 1;
    cpwl_pacbayes_input_init(in);
    cpwl_pacbayes_bound_init(mc);
    cpwl_pacbayes_bound_init(ma);
    cpwl_err_init(e);
    arb_init(w);
    arb_init(t);
    example_input(in, CPWL_PACBAYES_MCALLESTER);
    if (cpwl_pacbayes_input_check(in, e) != CPWL_OK
        || cpwl_pacbayes_bound(mc, in, 8, PREC, e) != CPWL_OK)
    {
        ok = fails(why, wlen, e->msg);
        goto done;
    }
    example_input(in, CPWL_PACBAYES_MAURER);
    if (cpwl_pacbayes_input_check(in, e) != CPWL_OK
        || cpwl_pacbayes_bound(ma, in, 8, PREC, e) != CPWL_OK)
    {
        ok = fails(why, wlen, e->msg);
        goto done;
    }
    if (k == 3)
    {
        /* q + sqrt((KL + ln(2 sqrt(m)/delta))/(2m)), from the formula */
        arb_sqrt_ui(w, 60000, PREC);
        arb_mul_ui(w, w, 80, PREC);
        arb_log(w, w, PREC);
        arb_add_ui(w, w, 5000, PREC);
        arb_div_ui(w, w, 120000, PREC);
        arb_sqrt(w, w, PREC);
        arb_set_ui(t, 1);
        arb_div_ui(t, t, 50, PREC);
        arb_add(w, w, t, PREC);
        ball_text(computed, clen, mc->value);
        ok = (arb_overlaps(mc->value, w)
              || fails(why, wlen, "the ball misses the formula's value"))
            && (narrow(mc->value)
                || fails(why, wlen, "width not below 2^-100"));
    }
    else if (k == 4)
    {
        char a[120], b[120];
        ball_text(a, sizeof a, ma->value);
        ball_text(b, sizeof b, mc->value);
        snprintf(computed, clen, "%s < %s", a, b);
        ok = arb_lt(ma->value, mc->value)
            || fails(why, wlen, "Maurer is not certainly below McAllester");
    }
    else
    {
        /* PBB's value (see the head of this file): compared exactly */
        double v = 0x1.1326bae0e10b0p-3;
        char a[120];
        arb_set_d(w, v);
        ball_text(a, sizeof a, ma->value);
        snprintf(computed, clen, "%.17g < %s", v, a);
        ok = arb_lt(w, ma->value)
            || fails(why, wlen, "PBB's value is not certainly below");
    }
done:
    arb_clear(w);
    arb_clear(t);
    cpwl_err_clear(e);
    cpwl_pacbayes_bound_clear(mc);
    cpwl_pacbayes_bound_clear(ma);
    cpwl_pacbayes_input_clear(in);
    return ok;
}

static int claim_union(char *computed, size_t clen, char *why, size_t wlen)
{
    arb_t u, w;
    fmpq_t c;
    cpwl_err_t e;
    int ok;
    arb_init(u);
    arb_init(w);
    fmpq_init(c);
    cpwl_err_init(e);
    cpwl_gauss_grid_union_term(u, 1, PREC);
    arb_const_pi(w, PREC);
    arb_sqr(w, w, PREC);
    arb_div_ui(w, w, 6, PREC);
    arb_log(w, w, PREC);
    fmpq_one(c);
    ball_text(computed, clen, u);
    ok = (arb_overlaps(u, w) || fails(why, wlen, "the ball misses "
                                        "ln(pi^2/6)"))
        && (narrow(u) || fails(why, wlen, "width not below 2^-100"))
        && (cpwl_gauss_grid_var(w, c, 1, 0, PREC, e) == CPWL_ERR_INPUT
            || fails(why, wlen, "grid index 0 accepted"));
    if (ok)
        strncat(computed, "; j = 0 refused", clen - strlen(computed) - 1);
    cpwl_err_clear(e);
    fmpq_clear(c);
    arb_clear(u);
    arb_clear(w);
    return ok;
}

int certify_pb_check(char *computed, size_t clen, char *why, size_t wlen,
                     slong k)
{
    computed[0] = why[0] = '\0';
    if (k == 0 || k == 1)
        return claim_klinv(computed, clen, why, wlen, k);
    if (k == 2)
        return claim_gauss(computed, clen, why, wlen);
    if (k >= 3 && k <= 5)
        return claim_example(computed, clen, why, wlen, k);
    if (k == 6)
        return claim_union(computed, clen, why, wlen);
    snprintf(why, wlen, "no claim %ld", (long) k);
    return 0;
}
