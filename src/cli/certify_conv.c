/* cpwl certify, chapter 5: optimiser iterates and the convergence
   theorems (docs/convergence.md), computed in Arb balls with the engine
   of module optim and compared with values from outside the code: the
   hand-derived first steps and the theorem's T in closed form (issue 14;
   docs/convergence.md derives them), the first hit 45 as recomputed by an
   independent MPFR recurrence (tests/test_convergence.c), and the limit
   points of Reddi, Kale and Kumar's example (+1 for ADAM, -1 for AMSGrad,
   their Theorem 1 and section 4). */
#include <stdio.h>
#include <string.h>
#include "certify.h"

const certify_claim certify_conv_claims[] = {
    {"rmsprop", "x\u00b2/2, \u03b1 = \u03b2\u2082 = \u00bd, \u03be = 1, "
     "x\u2081 = 1: x\u2082 = 1/2"},
    {"rmsprop", "x\u2083 = 1/2 \u2212 \u221a2/6, width < 2^-100"},
    {"rmsprop", "\u221a(1+x\u00b2), x\u2081=10, \u03be=1, \u03b2\u2082="
     "\u00bd, \u03b5=1/10: first hit 45"},
    {"rmsprop", "  T = 800(\u221a101 \u2212 1) \u2248 7239.9, 45 \u2264 T"},
    {"adam", "x\u00b2/2, \u03b1 = \u03b2\u2081 = \u03b2\u2082 = \u00bd, "
     "\u03be = 0: x\u2082 = 1 \u2212 \u221a2/4"},
    {"adam", "Reddi C = 3, \u03b1/\u221at: x\u2083\u2080\u2080\u2081 \u2265 "
     "0.99 (worst point 1)"},
    {"adam", "  AMSGrad: x\u2083\u2080\u2080\u2081 \u2264 \u22120.99 "
     "(optimum \u22121)"},
    {NULL, NULL}
};

/* Record why a claim fails; returns 0. */
static int differs(char *why, size_t wlen, const char *what)
{
    snprintf(why, wlen, "%s", what);
    return 0;
}

/* w = w + 1/2 (exact) */
static void add_half(arb_t w)
{
    arb_t h;
    arb_init(h);
    arb_set_d(h, 0.5);
    arb_add(w, w, h, 256);
    arb_clear(h);
}

static const char *ball_str(char *buf, size_t size, const arb_t x)
{
    char *s = arb_get_str(x, 15, 0);
    snprintf(buf, size, "%s", s);
    flint_free(s);
    return buf;
}

/* x_{steps+1} of algo on objective spec from the one-dimensional x1, in
   Arb at 128 bits (lr, b1, b2, xi as strings; sched: the sqrt schedule;
   ams: AMSGrad).  Returns 1, or 0 with why filled. */
static int iterate(arb_t x, char *why, size_t wlen, const char *spec,
                   const char *algo, const char *x1s, const char *lr,
                   const char *b1, const char *b2, const char *xi,
                   int sched, int ams, slong steps)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_optim_t R;
    cpwl_arith_t A;
    cpwl_err_t e;
    fmpq x1[1];
    slong t;
    int ok = 0;
    cpwl_err_init(e);
    if (cpwl_objective_init_str(O, spec, 1, e) != CPWL_OK)
    {
        snprintf(why, wlen, "objective: %.200s", e->msg);
        return 0;
    }
    cpwl_optim_opts_init(o);
    cpwl_optim_algo_from_str(o, algo);
    fmpq_set_str(o->lr, lr, 10);
    fmpq_set_str(o->beta1, b1, 10);
    fmpq_set_str(o->beta2, b2, 10);
    fmpq_set_str(o->xi, xi, 10);
    o->schedule = sched ? CPWL_OPTIM_SCHEDULE_SQRT : CPWL_OPTIM_SCHEDULE_CONST;
    o->amsgrad = ams;
    o->steps = steps;
    fmpq_init(x1);
    fmpq_set_str(x1, x1s, 10);
    cpwl_arith_init_arb(A, 128);
    if (cpwl_optim_init(R, o, O, x1, A, e) != CPWL_OK)
        snprintf(why, wlen, "cpwl_optim_init: %.200s", e->msg);
    else
    {
        for (t = 0; t < steps && cpwl_optim_step(R, e) == 0; t++)
            ;
        if (t < steps)
            snprintf(why, wlen, "step %ld: %.200s", (long) t + 1, e->msg);
        else
        {
            cpwl_val_get_arb(x, R->x, A, 128);
            ok = 1;
        }
        cpwl_optim_clear(R);
    }
    cpwl_arith_clear(A);
    fmpq_clear(x1);
    cpwl_optim_opts_clear(o);
    cpwl_objective_clear(O);
    cpwl_err_clear(e);
    return ok;
}

/* The pseudo-Huber example through cpwl_convergence_rmsprop. */
static int pseudo_huber(cpwl_convergence_result_t r, char *why, size_t wlen)
{
    cpwl_objective_t O;
    cpwl_convergence_opts_t o;
    cpwl_err_t e;
    fmpq x1[1];
    int ok = 0;
    cpwl_err_init(e);
    if (cpwl_objective_init_str(O, "pseudo-huber", 1, e) != CPWL_OK)
    {
        snprintf(why, wlen, "objective: %.200s", e->msg);
        return 0;
    }
    cpwl_convergence_opts_init(o);
    fmpq_one(o->xi);
    fmpq_set_si(o->beta2, 1, 2);
    fmpq_set_si(o->eps, 1, 10);
    fmpq_init(x1);
    fmpq_set_si(x1, 10, 1);
    if (cpwl_convergence_rmsprop(r, O, x1, o, e) != CPWL_OK)
        snprintf(why, wlen, "cpwl_convergence_rmsprop: %.200s", e->msg);
    else
        ok = 1;
    fmpq_clear(x1);
    cpwl_convergence_opts_clear(o);
    cpwl_objective_clear(O);
    cpwl_err_clear(e);
    return ok;
}

int certify_conv_check(char *computed, size_t clen, char *why, size_t wlen,
                       slong k)
{
    arb_t x, w;
    int ok = 0;
    arb_init(x);
    arb_init(w);
    computed[0] = why[0] = '\0';
    switch (k)
    {
    case 0:                     /* g = 1, v = 1: x2 = 1 - 1/2 */
        if (iterate(x, why, wlen, "quadratic:A=1;b=0", "rmsprop:paper", "1",
                    "1/2", "0", "1/2", "1", 0, 0, 1))
        {
            arb_set_d(w, 0.5);
            ball_str(computed, clen, x);
            ok = arb_contains(x, w) || differs(why, wlen, "1/2 not in "
                                                "the ball");
        }
        break;
    case 1:                     /* g = 1/2, v = 9/8: x3 = 1/2 - sqrt(2)/6 */
        if (iterate(x, why, wlen, "quadratic:A=1;b=0", "rmsprop:paper", "1",
                    "1/2", "0", "1/2", "1", 0, 0, 2))
        {
            arb_sqrt_ui(w, 2, 256);
            arb_div_ui(w, w, 6, 256);
            arb_neg(w, w);
            add_half(w);
            {
                /* the printed radius would be the decimal rounding's:
                   show the ball's own */
                char *m = arb_get_str(x, 15, ARB_STR_NO_RADIUS);
                arf_t u;
                arf_init(u);
                arf_set_mag(u, arb_radref(x));
                snprintf(computed, clen, "%s, rad < 2^%ld", m,
                         (long) arf_abs_bound_lt_2exp_si(u));
                arf_clear(u);
                flint_free(m);
            }
            ok = (arb_overlaps(x, w) || differs(why, wlen, "the ball "
                                                 "misses 1/2 - sqrt(2)/6"))
                && (mag_cmp_2exp_si(arb_radref(x), -101) < 0
                    || differs(why, wlen, "width not below 2^-100"));
        }
        break;
    case 2:
    case 3:
        {
            cpwl_convergence_result_t r;
            cpwl_convergence_result_init(r);
            if (pseudo_huber(r, why, wlen))
            {
                if (k == 2)
                {
                    snprintf(computed, clen, "t = %ld (%ld steps)",
                             (long) r->hit, (long) r->steps);
                    ok = r->hit == 45 || differs(why, wlen, "not 45");
                }
                else
                {
                    arb_sqrt_ui(w, 101, 256);
                    arb_sub_ui(w, w, 1, 256);
                    arb_mul_ui(w, w, 800, 256);
                    ball_str(computed, clen, r->T);
                    ok = (arb_overlaps(r->T, w)
                          || differs(why, wlen, "T misses the closed form"))
                        && (r->hit_le_T == CPWL_CONVERGENCE_YES
                            || differs(why, wlen, "t <= T not proven"))
                        && (r->sigma_ok == CPWL_CONVERGENCE_YES
                            || differs(why, wlen, "|grad f|^2 <= sigma2 "
                                         "not proven"));
                }
            }
            cpwl_convergence_result_clear(r);
        }
        break;
    case 4:                     /* m = v = 1/2: x2 = 1 - (1/2)(1/2)/sqrt(1/2) */
        if (iterate(x, why, wlen, "quadratic:A=1;b=0", "adam:paper", "1",
                    "1/2", "1/2", "1/2", "0", 0, 0, 1))
        {
            arb_sqrt_ui(w, 2, 256);
            arb_mul_2exp_si(w, w, -2);
            arb_neg(w, w);
            arb_add_ui(w, w, 1, 256);
            ball_str(computed, clen, x);
            ok = arb_overlaps(x, w) || differs(why, wlen, "the ball misses "
                                                "1 - sqrt(2)/4");
        }
        break;
    case 5:
    case 6:                     /* beta2 = 1 / (1 + C^2), beta1 = 0, xi = 0 */
        if (iterate(x, why, wlen, "reddi:C=3", "adam:paper", "0", "1/2", "0",
                    "1/10", "0", 1, k == 6, 3000))
        {
            arb_set_d(w, k == 5 ? 0.99 : -0.99);
            ball_str(computed, clen, x);
            ok = (k == 5 ? arb_ge(x, w) : arb_le(x, w))
                || differs(why, wlen, "not proven");
        }
        break;
    default:
        snprintf(why, wlen, "no claim %ld", (long) k);
    }
    arb_clear(x);
    arb_clear(w);
    return ok;
}
