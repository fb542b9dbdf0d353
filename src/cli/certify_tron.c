/* cpwl certify, chapter 3: Tron on a ReLU gate (module tron,
   docs/tron.md), in exact arithmetic, against values from outside the
   code.  The example is the thesis's: D uniform on the cross
   {+-e1, +-e2}, w* = (1, -2), w_1 = 0.  Sigma = E[x x^T] = I/2 and, D
   being symmetric, the population update is
   w_{t+1} - w* = (I - (eta/2) Sigma)(w_t - w*) = (1 - eta/4)(w_t - w*),
   hence w_2 = (1/4, -1/2), w_5 = (175/256, -175/128) and
   w_t - w* = (3/4)^(t-1)(w_1 - w*) at eta = 1 (the values).  SGD
   with relu'(0) = 0 sees <0, x> = 0 everywhere: no point is active, it
   never moves.  M = E[|x|^2 x x^T] = I/2, so c_1 = lmax(M) = 1/2,
   eta = lmin / (2 c_1) = 1/2, rho = 1 - lmin^2 / (4 c_1) = 7/8.

   Poisoning (worst case, population, eta = 1/2): E[s(x) x] =
   (1/2) sgn(w - w*) coordinatewise (the sign of <w - w*, +-e_j> is
   +-sgn(d_j)), so d_{t+1} = (7/8) d_t + (beta theta / 4) sgn(d_t), whose
   coordinates tend to 2 beta theta in size: the limit lies at
   2 sqrt(2) beta theta from w*.  The bound checked along the whole run
   holds for any symmetric D with eta <= 2 / lmax(Sigma): |E[s x]| <=
   E|x| and |(I - (eta/2) Sigma) d| <= q |d|, q = 1 - eta lmin / 2, give
   |d_t| <= q^(t-1) |d_1| + (1 - q^(t-1)) 2 beta theta E|x| / lmin, here
   (7/8)^(t-1) sqrt(5) + (1 - (7/8)^(t-1)) 4 beta theta. */
#include <stdio.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "certify.h"

const certify_claim certify_tron_claims[] = {
    {"tron", "cross, w* = (1,\u22122), w\u2081 = 0, \u03b7 = 1: "
     "w\u2082 = (1/4, \u22121/2)"},
    {"tron", "  w\u2085 = (175/256, \u2212175/128)"},
    {"tron", "  w\u209c \u2212 w* = (3/4)^(t\u22121)(w\u2081 \u2212 w*), "
     "t \u2264 50"},
    {"tron", "  SGD, relu\u2032(0) = 0: w\u209c = 0, t \u2264 50; "
     "Tron moves"},
    {"tron", "  certificate b = 1: c\u2081 = 1/2, \u03b7 = 1/2, "
     "\u03c1 = 7/8"},
    {"tron", "  \u03b7 = 1/2: d\u209c \u2264 \u03c1^(t\u22121)d\u2081, "
     "t \u2264 201, population"},
    {"tron", "  exact law, b = 1: E d\u2082 = 65/16, E d\u209c \u2264 "
     "\u03c1^(t\u22121)d\u2081"},
    {"tron", "  worst-case poisoning, \u03b7 = 1/2: d\u209c by hand, "
     "\u2192 2\u221a2\u03b2\u03b8"},
    {"tron", "  |d\u209c| \u2264 (7/8)^(t\u22121)\u221a5 + "
     "(1\u2212(7/8)^(t\u22121))4\u03b2\u03b8"},
    {NULL, NULL}
};

#define TRON_CERT_T 200

static const char CROSS[] = "p,x1,x2\n1/4,1,0\n1/4,-1,0\n1/4,0,1\n"
    "1/4,0,-1\n";

/* The poisoning grid of claims 7 and 8 (certify.h): (beta, theta) as
   p/q pairs. */
static const slong grid[][4] = {
    {1, 10, 1, 2}, {1, 4, 1, 2}, {1, 2, 1, 2}, {1, 4, 1, 1}, {1, 2, 1, 1},
    {1, 1, 1, 10}
};
#define NGRID ((slong) (sizeof grid / sizeof grid[0]))

/* Record why a claim fails; returns 0. */
static int fails(char *why, size_t wlen, const char *what)
{
    snprintf(why, wlen, "%s", what);
    return 0;
}

/* The exact population iterates w_1 ... w_{T+1} (W, (T + 1) x 2) and
   squared distances (d, T + 1) of o on the cross from 0 with w* =
   (1, -2).  Returns 1, or 0 with why filled. */
static int cross_run(fmpq *W, fmpq *d, const cpwl_tron_opts_t o, char *why,
                     size_t wlen)
{
    cpwl_dist_t D;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2);
    slong t, j;
    int ok = 0;

    cpwl_dist_init(D);
    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    fmpq_set_si(ws + 0, 1, 1);
    fmpq_set_si(ws + 1, -2, 1);
    if (cpwl_dist_read_str(D, CROSS, strlen(CROSS), "cross", e) != CPWL_OK
        || cpwl_tron_init(R, o, D, ws, w1, A, e) != CPWL_OK)
        snprintf(why, wlen, "%.200s", e->msg);
    else
    {
        for (t = 0; ; t++)
        {
            for (j = 0; W != NULL && j < 2; j++)
                cpwl_val_get_fmpq(W + 2 * t + j, R->w + j, A);
            cpwl_tron_dist2_fmpq(d + t, R);
            if (t == o->steps)
            {
                ok = 1;
                break;
            }
            if (cpwl_tron_step(R, e) != 0)
            {
                snprintf(why, wlen, "step %ld: %.200s", (long) t + 1,
                         e->msg);
                break;
            }
        }
        cpwl_tron_clear(R);
    }
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    cpwl_err_clear(e);
    cpwl_arith_clear(A);
    cpwl_dist_clear(D);
    return ok;
}

static int is_pair(const fmpq *w, slong a, slong b, slong c, slong d)
{
    fmpq_t x, y;
    int r;
    fmpq_init(x);
    fmpq_init(y);
    fmpq_set_si(x, a, (ulong) b);
    fmpq_set_si(y, c, (ulong) d);
    r = fmpq_equal(w, x) && fmpq_equal(w + 1, y);
    fmpq_clear(x);
    fmpq_clear(y);
    return r;
}

static void pair_str(char *buf, size_t size, const fmpq *w)
{
    char *a = fmpq_get_str(NULL, 10, w), *b = fmpq_get_str(NULL, 10, w + 1);
    snprintf(buf, size, "(%s, %s)", a, b);
    flint_free(a);
    flint_free(b);
}

/* Claims 0-3: the thesis's example at eta = 1. */
static int claim_example(char *computed, size_t clen, char *why, size_t wlen,
                         slong k)
{
    cpwl_tron_opts_t o;
    fmpq *W = _fmpq_vec_init(2 * 50), *d = _fmpq_vec_init(50);
    fmpq_t c, x;
    slong t, j, bad = 0;
    int ok = 0;

    cpwl_tron_opts_init(o);
    o->steps = 49;
    o->algo = k == 3 ? CPWL_TRON_SGD : CPWL_TRON_TRON;
    fmpq_init(c);
    fmpq_init(x);
    if (!cross_run(W, d, o, why, wlen))
        goto done;
    switch (k)
    {
    case 0:
        pair_str(computed, clen, W + 2);
        ok = is_pair(W + 2, 1, 4, -1, 2) || fails(why, wlen, "w_2 differs");
        break;
    case 1:
        pair_str(computed, clen, W + 8);
        ok = is_pair(W + 8, 175, 256, -175, 128)
            || fails(why, wlen, "w_5 differs");
        break;
    case 2:
        /* w_1 - w* = (-1, 2) */
        fmpq_one(c);
        for (t = 0; t < 50 && bad == 0; t++)
        {
            for (j = 0; j < 2; j++)
            {
                fmpq_set_si(x, j == 0 ? -1 : 2, 1);
                fmpq_mul(x, x, c);
                fmpq_add_si(x, x, j == 0 ? 1 : -2);
                if (!fmpq_equal(x, W + 2 * t + j))
                    bad = t + 1;
            }
            fmpq_set_si(x, 3, 4);
            fmpq_mul(c, c, x);
        }
        if (bad)
            snprintf(computed, clen, "differs at t = %ld", (long) bad);
        else
            snprintf(computed, clen, "t = 1..50: all equal");
        ok = bad == 0 || fails(why, wlen, "an iterate is off the closed "
                               "form");
        break;
    case 3:
        for (t = 0; t < 50 && bad == 0; t++)
            if (!fmpq_is_zero(W + 2 * t) || !fmpq_is_zero(W + 2 * t + 1))
                bad = t + 1;
        {
            fmpq *V = _fmpq_vec_init(2 * 2), *e2 = _fmpq_vec_init(2);
            char s[80];
            o->algo = CPWL_TRON_TRON;
            o->steps = 1;
            if (cross_run(V, e2, o, why, wlen))
            {
                pair_str(s, sizeof s, V + 2);
                snprintf(computed, clen, "sgd w_50 = (0, 0); tron w_2 = %s",
                         s);
                ok = (bad == 0 || fails(why, wlen, "sgd moved"))
                    && (!is_pair(V + 2, 0, 1, 0, 1)
                        || fails(why, wlen, "tron did not move"));
                if (bad)
                    snprintf(computed, clen, "sgd moves at t = %ld",
                             (long) bad);
            }
            _fmpq_vec_clear(V, 4);
            _fmpq_vec_clear(e2, 2);
        }
        break;
    }
done:
    fmpq_clear(c);
    fmpq_clear(x);
    _fmpq_vec_clear(W, 2 * 50);
    _fmpq_vec_clear(d, 50);
    cpwl_tron_opts_clear(o);
    return ok;
}

/* Claim 6: the exact law of the online iterate, b = 1, eta = 1/2, as
   far as TRON_LAW_STATES states allow.  E d_2 by hand: from w_1 = 0 the
   draw e1 (y = 1) moves to (1/2, 0), -e2 (y = 2) to (0, -1), the other
   two stay: E d_2 = (17/4 + 5 + 5 + 2) / 4 = 65/16. */
#define TRON_LAW_T 200
#define TRON_LAW_STATES 2000

static int claim_law(char *computed, size_t clen, char *why, size_t wlen,
                     const cpwl_tron_cert_t C, const cpwl_dist_t D)
{
    cpwl_tron_opts_t o;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2),
        *Ed = _fmpq_vec_init(TRON_LAW_T + 1);
    fmpq_t h;
    slong t_done, states, bad, und;
    int ok = 0;

    cpwl_tron_opts_init(o);
    cpwl_err_init(e);
    fmpq_init(h);
    fmpq_set(o->eta, C->eta);
    o->mode = CPWL_TRON_ONLINE;
    o->steps = TRON_LAW_T;
    fmpq_set_si(ws + 0, 1, 1);
    fmpq_set_si(ws + 1, -2, 1);
    if (cpwl_tron_law(Ed, &t_done, &states, o, D, ws, w1, TRON_LAW_STATES,
                      NULL, e) != CPWL_OK)
        snprintf(why, wlen, "%.200s", e->msg);
    else
    {
        bad = cpwl_tron_cert_check(&und, C, Ed, t_done, 128);
        fmpq_set_si(h, 65, 16);
        if (bad)
            snprintf(computed, clen, "violated at t = %ld", (long) bad);
        else
            snprintf(computed, clen, "t = 1..%ld (%ld states): holds",
                     (long) t_done, (long) states);
        ok = ((t_done >= 2 && fmpq_equal(Ed + 1, h))
              || fails(why, wlen, "E d_2 is not 65/16"))
            && (bad == 0 || fails(why, wlen, "the bound is violated"))
            && (und == 0 || fails(why, wlen, "undecided"));
    }
    fmpq_clear(h);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(Ed, TRON_LAW_T + 1);
    cpwl_err_clear(e);
    cpwl_tron_opts_clear(o);
    return ok;
}

/* Claims 4-6: the certificate for b = 1 and its check on the population
   trajectory and on the exact law at eta = 1/2. */
static int claim_cert(char *computed, size_t clen, char *why, size_t wlen,
                      slong k)
{
    cpwl_tron_cert_t C;
    cpwl_dist_t D;
    cpwl_err_t e;
    fmpq_t h;
    arb_t x;
    int ok = 0;

    cpwl_tron_cert_init(C);
    cpwl_dist_init(D);
    cpwl_err_init(e);
    fmpq_init(h);
    arb_init(x);
    if (cpwl_dist_read_str(D, CROSS, strlen(CROSS), "cross", e) != CPWL_OK
        || cpwl_tron_cert_compute(C, D, 1, NULL, 128, e) != CPWL_OK)
    {
        snprintf(why, wlen, "%.200s", e->msg);
        goto done;
    }
    fmpq_set_si(h, 1, 2);
    if (k == 4)
    {
        char *cb, *eta = fmpq_get_str(NULL, 10, C->eta),
            *rho = C->rho_exact ? fmpq_get_str(NULL, 10, C->rho_q)
                                : arb_get_str(C->rho, 10, 0);
        fmpq_t cq;
        fmpq_init(cq);
        /* c_b is a rational here; its ball is then a point */
        if (arb_is_exact(C->cb))
        {
            arf_get_fmpq(cq, arb_midref(C->cb));
            cb = fmpq_get_str(NULL, 10, cq);
        }
        else
            cb = arb_get_str(C->cb, 10, 0);
        fmpq_clear(cq);
        snprintf(computed, clen, "%s, %s, %s%s", cb, eta, rho,
                 C->symmetric ? "" : " (not symmetric)");
        flint_free(cb);
        flint_free(eta);
        flint_free(rho);
        arb_set_fmpq(x, h, 128);
        ok = (C->symmetric || fails(why, wlen, "the cross is not found "
                                    "symmetric"))
            && ((arb_is_exact(C->cb) && arb_equal(C->cb, x))
                || fails(why, wlen, "c_1 is not 1/2"))
            && (fmpq_equal(C->eta, h) || fails(why, wlen, "eta is not 1/2"))
            && ((fmpq_set_si(h, 7, 8), C->rho_exact
                 && fmpq_equal(C->rho_q, h))
                || fails(why, wlen, "rho is not 7/8"));
    }
    else if (k == 6)
        ok = claim_law(computed, clen, why, wlen, C, D);
    else
    {
        cpwl_tron_opts_t o;
        fmpq *d = _fmpq_vec_init(TRON_CERT_T + 1);
        slong bad, und;
        cpwl_tron_opts_init(o);
        fmpq_set(o->eta, C->eta);
        o->steps = TRON_CERT_T;
        if (cross_run(NULL, d, o, why, wlen))
        {
            bad = cpwl_tron_cert_check(&und, C, d, TRON_CERT_T + 1, 128);
            if (bad)
                snprintf(computed, clen, "violated at t = %ld", (long) bad);
            else
                snprintf(computed, clen, "t = 1..%d: holds%s",
                         TRON_CERT_T + 1, und ? " (some undecided)" : "");
            ok = (bad == 0 || fails(why, wlen, "the bound is violated"))
                && (und == 0 || fails(why, wlen, "undecided"));
        }
        _fmpq_vec_clear(d, TRON_CERT_T + 1);
        cpwl_tron_opts_clear(o);
    }
done:
    arb_clear(x);
    fmpq_clear(h);
    cpwl_err_clear(e);
    cpwl_dist_clear(D);
    cpwl_tron_cert_clear(C);
    return ok;
}

/* sqrt(D2) <= a sqrt(s) + B exactly (a, B >= 0): D2 - s a^2 - B^2 <=
   2 a B sqrt(s), squared when the left side is positive. */
static int le_root_sum(const fmpq_t D2, const fmpq_t a, const fmpq_t s,
                       const fmpq_t B)
{
    fmpq_t L, r;
    int ok;
    fmpq_init(L);
    fmpq_init(r);
    fmpq_mul(r, a, a);
    fmpq_mul(r, r, s);
    fmpq_sub(L, D2, r);
    fmpq_mul(r, B, B);
    fmpq_sub(L, L, r);
    if (fmpq_sgn(L) <= 0)
        ok = 1;
    else
    {
        fmpq_mul(L, L, L);
        fmpq_mul(r, a, B);
        fmpq_mul(r, r, r);
        fmpq_mul(r, r, s);
        fmpq_mul_2exp(r, r, 2);
        ok = fmpq_cmp(L, r) <= 0;
    }
    fmpq_clear(L);
    fmpq_clear(r);
    return ok;
}

int certify_tron_poison(slong *bad, slong *gbad, int closed_form,
                        const fmpq_t K, char *why, size_t wlen)
{
    fmpq *W = _fmpq_vec_init(2 * (TRON_POISON_T + 1)),
        *d = _fmpq_vec_init(TRON_POISON_T + 1);
    fmpq_t bt, q, a, c, x, B, five;
    slong g, t, j;
    int ok = 1;

    fmpq_init(bt);
    fmpq_init(q);
    fmpq_init(a);
    fmpq_init(c);
    fmpq_init(x);
    fmpq_init(B);
    fmpq_init(five);
    fmpq_set_si(five, 5, 1);
    fmpq_set_si(q, 7, 8);
    *bad = *gbad = 0;
    for (g = 0; g < NGRID && ok && *bad == 0; g++)
    {
        cpwl_tron_opts_t o;
        cpwl_tron_opts_init(o);
        fmpq_set_si(o->eta, 1, 2);
        o->steps = TRON_POISON_T;
        o->adv = CPWL_TRON_ADV_WORST;
        fmpq_set_si(o->beta, grid[g][0], (ulong) grid[g][1]);
        fmpq_set_si(o->theta, grid[g][2], (ulong) grid[g][3]);
        fmpq_mul(bt, o->beta, o->theta);
        ok = cross_run(W, d, o, why, wlen);
        fmpq_one(a);                            /* (7/8)^(t-1) */
        for (t = 0; ok && t <= TRON_POISON_T && *bad == 0; t++)
        {
            if (closed_form)
                /* |d_j,t| = 2 bt + a (|d_j,1| - 2 bt), d_1 = (-1, 2) */
                for (j = 0; j < 2; j++)
                {
                    fmpq_mul_2exp(c, bt, 1);
                    fmpq_set_si(x, j == 0 ? 1 : 2, 1);
                    fmpq_sub(x, x, c);
                    fmpq_mul(x, x, a);
                    fmpq_add(x, x, c);
                    if (j == 0)
                        fmpq_neg(x, x);
                    fmpq_add_si(x, x, j == 0 ? 1 : -2);
                    if (!fmpq_equal(x, W + 2 * t + j))
                        *bad = t + 1;
                }
            else
            {
                /* B = (1 - a) K bt */
                fmpq_one(B);
                fmpq_sub(B, B, a);
                fmpq_mul(B, B, bt);
                fmpq_mul(B, B, K);
                if (!le_root_sum(d + t, a, five, B))
                    *bad = t + 1;
            }
            fmpq_mul(a, a, q);
        }
        if (*bad)
            *gbad = g;
        cpwl_tron_opts_clear(o);
    }
    fmpq_clear(bt);
    fmpq_clear(q);
    fmpq_clear(a);
    fmpq_clear(c);
    fmpq_clear(x);
    fmpq_clear(B);
    fmpq_clear(five);
    _fmpq_vec_clear(W, 2 * (TRON_POISON_T + 1));
    _fmpq_vec_clear(d, TRON_POISON_T + 1);
    return ok;
}

/* Claims 7-8: the closed form, and the bound with K = 4. */
static int claim_poison(char *computed, size_t clen, char *why, size_t wlen,
                        slong k)
{
    fmpq_t K;
    slong bad, g;
    int ok;

    fmpq_init(K);
    fmpq_set_si(K, 4, 1);
    ok = certify_tron_poison(&bad, &g, k == 7, K, why, wlen);
    fmpq_clear(K);
    if (!ok)
        return 0;
    if (bad)
    {
        snprintf(computed, clen, "fails at t = %ld, grid point %ld",
                 (long) bad, (long) g + 1);
        return fails(why, wlen, k == 7 ? "an iterate is off the closed form"
                     : "the bound is violated");
    }
    snprintf(computed, clen, "%ld (\u03b2, \u03b8), t = 1..%d: %s",
             (long) NGRID, TRON_POISON_T + 1,
             k == 7 ? "closed form" : "holds");
    return 1;
}

int certify_tron_check(char *computed, size_t clen, char *why, size_t wlen,
                       slong k)
{
    computed[0] = why[0] = '\0';
    if (k >= 0 && k <= 3)
        return claim_example(computed, clen, why, wlen, k);
    if (k >= 4 && k <= 6)
        return claim_cert(computed, clen, why, wlen, k);
    if (k == 7 || k == 8)
        return claim_poison(computed, clen, why, wlen, k);
    snprintf(why, wlen, "no claim %ld", (long) k);
    return 0;
}
