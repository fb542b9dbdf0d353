/* The chapter-6 tables of proofs-data/ (PAC-Bayes certificates, module
   pacbayes, docs/pacbayes.md):

   pb_bounds    each of the seven bounds on a grid of (m, delta, KL, q),
                the least 8-significant-digit decimal >= cpwl's certified
                enclosure (cpwl_pacbayes_bound, union term 0, Catoni's
                C = 1, lambda = 1);
   pb_float     the float methods' kl^{-1}(q, c) (pb_float.c: PBB's
                bisection, Dziugaite and Roy's five Newton steps in
                binary64 and binary32) against cpwl's enclosure
                (cpwl_pacbayes_kl_inv), on a grid of (q, c) and on c of
                the Maurer bound (KL + ln(2 sqrt(m)/delta))/m;
   pb_kl_float  PBB's float32 Gaussian KL (index order, pairwise) and the
                plain binary64 sum against the certified ball
                (cpwl_gauss_kl) for d = 10^3 ... 10^5 seeded weights;
   pb_kl_dr     Dziugaite and Roy's float32 KL (log standard deviations,
                the sums regrouped) against an Arb enclosure of the same
                KL, d = 10^3 ... 10^5.

   A verdict compares the method's value (a double or float: an exact
   rational) with the enclosure's end points exactly: "below" when it is
   less than the lower end (the printed number is then provably not an
   upper bound), "above" when it exceeds the upper end (a valid upper
   bound), "inside" when neither can be said, "NaN" when the method
   returned NaN.  tests/pb_tables.sh recomputes every value with mpmath at
   60 digits and re-decides each verdict. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "gen.h"
#include "pb_float.h"

#define PREC 256

static void die_pb(const cpwl_err_t e)
{
    fprintf(stderr, "gen: %s\n", e->msg);
    exit(e->status != CPWL_OK ? e->status : 1);
}

/* r = k 10^-s as a decimal: plain when short, else d.ddd...e-X. */
static void dec_str(char *buf, size_t size, const fmpq_t r)
{
    fmpz_t n, p;
    slong s = 0;
    char *d;
    size_t len;
    int neg = fmpq_sgn(r) < 0;
    fmpz_init(n);
    fmpz_init(p);
    /* the least s with den | 10^s */
    fmpz_one(p);
    while (!fmpz_divisible(p, fmpq_denref(r)))
    {
        fmpz_mul_ui(p, p, 10);
        s++;
    }
    fmpz_divexact(n, p, fmpq_denref(r));
    fmpz_mul(n, n, fmpq_numref(r));
    fmpz_abs(n, n);
    d = fmpz_get_str(NULL, 10, n);
    len = strlen(d);
    while (s > 0 && len > 1 && d[len - 1] == '0')
    {
        d[--len] = '\0';
        s--;
    }
    if (fmpz_is_zero(n))
        snprintf(buf, size, "0");
    else if (s == 0)
        snprintf(buf, size, "%s%s", neg ? "-" : "", d);
    else if ((size_t) s < len)
        snprintf(buf, size, "%s%.*s.%s", neg ? "-" : "", (int) (len - s), d,
                 d + len - s);
    else if (s - (slong) len <= 6)
        snprintf(buf, size, "%s0.%.*s%s", neg ? "-" : "",
                 (int) (s - (slong) len), "000000", d);
    else
        snprintf(buf, size, "%s%c%s%se-%ld", neg ? "-" : "", d[0],
                 len > 1 ? "." : "", d + 1, (long) (s - (slong) len + 1));
    flint_free(d);
    fmpz_clear(n);
    fmpz_clear(p);
}

/* A ball as "lo;hi": its ends rounded outward to `digits` digits. */
static void ball_str(char *buf, size_t size, const arb_t x, slong digits)
{
    fmpq_t lo, hi;
    char a[128], b[128];
    fmpq_init(lo);
    fmpq_init(hi);
    cpwl_pacbayes_round_down(lo, x, digits);
    cpwl_pacbayes_round_up(hi, x, digits);
    dec_str(a, sizeof a, lo);
    dec_str(b, sizeof b, hi);
    snprintf(buf, size, "%s,%s", a, b);
    fmpq_clear(lo);
    fmpq_clear(hi);
}

/* -1 when v is below every point of x, 1 above every point, 0 else (v
   finite); decided exactly from the ball's end points. */
static int cmp_d_ball(double v, const arb_t x)
{
    arf_t a, t;
    int res = 0;
    if (!arb_is_finite(x))
        return 0;
    arf_init(a);
    arf_init(t);
    arf_set_d(a, v);
    arf_set_mag(t, arb_radref(x));
    arf_sub(t, arb_midref(x), t, ARF_PREC_EXACT, ARF_RND_DOWN);
    if (arf_cmp(a, t) < 0)
        res = -1;
    else
    {
        arf_set_mag(t, arb_radref(x));
        arf_add(t, arb_midref(x), t, ARF_PREC_EXACT, ARF_RND_UP);
        if (arf_cmp(a, t) > 0)
            res = 1;
    }
    arf_clear(a);
    arf_clear(t);
    return res;
}

static const char *verdict(double v, const arb_t x, slong *nbelow,
                           slong *nnan)
{
    int c;
    if (isnan(v))
    {
        (*nnan)++;
        return "NaN";
    }
    c = cmp_d_ball(v, x);
    if (c < 0)
        (*nbelow)++;
    return c < 0 ? "below" : c > 0 ? "above" : "inside";
}

/* %.17g of a double (enough to read it back exactly), NaN as "NaN". */
static void dbl_str(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "NaN");
    else
        snprintf(buf, size, "%.17g", v);
}

/* ---- pb_bounds ----------------------------------------------------------- */

static const char *const BM[] = {"1000", "60000"};
static const char *const BDELTA[] = {"1/20", "1/100"};
static const char *const BKL[] = {"0", "100", "5000"};
static const char *const BQ[] = {"0", "1/100", "1/10"};

static const cpwl_pacbayes_kind BKINDS[] = {
    CPWL_PACBAYES_MCALLESTER, CPWL_PACBAYES_MAURER, CPWL_PACBAYES_CATONI,
    CPWL_PACBAYES_LANGFORD_SEEGER, CPWL_PACBAYES_QUADRATIC,
    CPWL_PACBAYES_LAMBDA, CPWL_PACBAYES_CLASSIC
};

void gen_pb_bounds(const char *dir)
{
    table T;
    slong im, id, ik, iq, b;
    cpwl_err_t e;
    cpwl_err_init(e);
    if (!table_open_as(&T, dir, "pb_bounds",
                       "PAC-Bayes bounds on a grid of (m; delta; KL; q): "
                       "certified upper bounds (union term 0; Catoni C = 1; "
                       "lambda = 1)",
                       "m,delta,KL,q,mcallester,maurer,catoni (C = 1),"
                       "langford-seeger,quadratic,lambda (lambda = 1),"
                       "classic",
                       "each bound is the least decimal of 8 significant "
                       "digits >= cpwl's certified enclosure (an upper bound "
                       "on the exact value); (vacuous): >= 1",
                       "each bound is the least decimal of 8 significant "
                       "digits >= cpwl's certified enclosure, so an upper "
                       "bound on the exact value; (vacuous) marks a bound "
                       ">= 1"))
        exit(1);
    for (im = 0; im < 2; im++)
        for (id = 0; id < 2; id++)
            for (ik = 0; ik < 3; ik++)
                for (iq = 0; iq < 3; iq++)
                {
                    char row[1024];
                    size_t len;
                    len = (size_t) snprintf(row, sizeof row, "%s,%s,%s,%s",
                                            BM[im], BDELTA[id], BKL[ik],
                                            BQ[iq]);
                    for (b = 0; b < 7; b++)
                    {
                        cpwl_pacbayes_input_t in;
                        cpwl_pacbayes_bound_t B;
                        char v[128];
                        cpwl_pacbayes_input_init(in);
                        cpwl_pacbayes_bound_init(B);
                        in->kind = BKINDS[b];
                        fmpz_set_str(in->m, BM[im], 10);
                        fmpq_set_str(in->delta, BDELTA[id], 10);
                        if (cpwl_pacbayes_parse_const(in->kl, BKL[ik], PREC, e)
                            || cpwl_pacbayes_parse_const(in->emp, BQ[iq],
                                                         PREC, e)
                            || cpwl_pacbayes_input_check(in, e)
                            || cpwl_pacbayes_bound(B, in, 8, PREC, e))
                            die_pb(e);
                        dec_str(v, sizeof v, B->upper);
                        len += (size_t) snprintf(row + len, sizeof row - len,
                                                 ",%s%s", v, B->vacuous
                                                 ? " (vacuous)" : "");
                        cpwl_pacbayes_bound_clear(B);
                        cpwl_pacbayes_input_clear(in);
                    }
                    table_row(&T, row);
                }
    table_close(&T);
    cpwl_err_clear(e);
}

/* ---- pb_float -------------------------------------------------------------- */

static const char *const FQ[] = {
    "0", "1/1000", "1/100", "1/10", "1/2", "9/10", "999/1000",
    "9999999999/10000000000", "1"
};
static const char *const FC[] = {
    "0", "1e-12", "1e-6", "1/1000", "1/100", "1/10", "log:2", "1", "10",
    "30"
};

/* The Maurer rows: (m, delta, KL, q). */
static const char *const FMAURER[][4] = {
    {"60000", "1/40", "5000", "1/50"},
    {"60000", "1/40", "0", "0"},
    {"60000", "1/40", "0", "1/50"},
    {"60000", "1/40", "100", "1/50"},
    {"60000", "1/40", "100", "1/10"},
    {"30000", "1/100", "1000", "1/100"},
    {"30000", "1/100", "1000", "3/10"},
    {"1000", "1/20", "10", "1/10"},
    {"1000", "1/20", "5000", "1/10"},
    {NULL, NULL, NULL, NULL}
};

/* The double nearest the ball x's midpoint (x is a rational or a
   logarithm at PREC bits: that is the double a float tool holds). */
static double near_d(const arb_t x)
{
    return arf_get_d(arb_midref(x), ARF_RND_NEAR);
}

typedef struct
{
    slong below[3], nan[3], rows;
}
pb_counts;

static void float_row(table *T, pb_counts *N, const char *qs,
                      const char *cs, const arb_t q, const arb_t c,
                      double qd, double cd)
{
    arb_t inv;
    cpwl_err_t e;
    double v[3];
    char row[1024], enc[300], s[3][40];
    slong k;
    arb_init(inv);
    cpwl_err_init(e);
    if (cpwl_pacbayes_kl_inv(inv, q, c, 0, PREC, e) != CPWL_OK)
        die_pb(e);
    v[0] = pb_pbb_inv_kl(qd, cd);
    v[1] = pb_dr_inv_d(qd, cd);
    v[2] = (double) pb_dr_inv_f(qd, cd);
    for (k = 0; k < 3; k++)
        dbl_str(s[k], sizeof s[k], v[k]);
    ball_str(enc, sizeof enc, inv, 17);
    snprintf(row, sizeof row, "%s,%s,%s,%s,%s,%s,%s,%s,%s", qs, cs, enc,
             s[0], verdict(v[0], inv, N->below + 0, N->nan + 0),
             s[1], verdict(v[1], inv, N->below + 1, N->nan + 1),
             s[2], verdict(v[2], inv, N->below + 2, N->nan + 2));
    table_row(T, row);
    N->rows++;
    cpwl_err_clear(e);
    arb_clear(inv);
}

void gen_pb_float(const char *dir)
{
    table T;
    pb_counts N;
    slong i, j;
    arb_t q, c, t;
    cpwl_err_t e;
    memset(&N, 0, sizeof N);
    arb_init(q);
    arb_init(c);
    arb_init(t);
    cpwl_err_init(e);
    if (!table_open_as(&T, dir, "pb_float",
                       "The float methods' kl^{-1}(q; c) against cpwl's "
                       "enclosure (PBB: bisection to relative width 1e-5; "
                       "DR: five Newton steps; binary64 and binary32)",
                       "q,c,kl^{-1} lower,kl^{-1} upper,PBB inv_kl,verdict,"
                       "DR Newton binary64,verdict,DR Newton binary32,"
                       "verdict",
                       "the enclosure's ends are rounded outward to 17 "
                       "digits; each method's value is the exact double "
                       "(%.17g) its reimplementation (pb_float.c) returns; "
                       "verdicts are exact comparisons with the enclosure",
                       "q and c are exact (log:X is ln X; "
                       "maurer(m;delta;KL) is (KL + ln(2 sqrt(m)/delta))/m, "
                       "the Maurer bound's c); the enclosure's ends are "
                       "rounded outward to 17 digits; each method's value "
                       "is the double (%.17g) its reimplementation "
                       "(pb_float.c) returns from the nearest doubles to q "
                       "and c; a verdict compares that value exactly with "
                       "the enclosure: *below* = provably not an upper "
                       "bound, *above* = a valid upper bound, *inside* = "
                       "cannot say"))
        exit(1);
    for (i = 0; i < (slong) (sizeof FQ / sizeof FQ[0]); i++)
        for (j = 0; j < (slong) (sizeof FC / sizeof FC[0]); j++)
        {
            double cd;
            if (cpwl_pacbayes_parse_const(q, FQ[i], PREC, e)
                || cpwl_pacbayes_parse_const(c, FC[j], PREC, e))
                die_pb(e);
            /* ln 2 as the float tool's log(2.0), a rational as its
               nearest double */
            cd = strncmp(FC[j], "log:", 4) == 0 ? log(atof(FC[j] + 4))
                 : near_d(c);
            float_row(&T, &N, FQ[i], FC[j], q, c, near_d(q), cd);
        }
    for (i = 0; FMAURER[i][0] != NULL; i++)
    {
        const char *const *r = FMAURER[i];
        char cs[128];
        double md = atof(r[0]), dd, kd = atof(r[2]), cd;
        fmpq_t delta;
        fmpq_init(delta);
        fmpq_set_str(delta, r[1], 10);
        dd = fmpq_get_d(delta);
        /* c exactly: (KL + ln(2 sqrt(m)/delta))/m */
        arb_set_str(t, r[0], PREC);
        arb_sqrt(c, t, PREC);
        arb_mul_2exp_si(c, c, 1);
        arb_div_fmpz(c, c, fmpq_numref(delta), PREC);
        arb_mul_fmpz(c, c, fmpq_denref(delta), PREC);
        arb_log(c, c, PREC);
        arb_set_str(q, r[2], PREC);     /* KL */
        arb_add(c, c, q, PREC);
        arb_div(c, c, t, PREC);
        if (cpwl_pacbayes_parse_const(q, r[3], PREC, e))
            die_pb(e);
        /* PBB: (kl + np.log((2*np.sqrt(n_bound))/delta_test))/n_bound */
        cd = (kd + log((2 * sqrt(md)) / dd)) / md;
        snprintf(cs, sizeof cs, "maurer(%s;%s;%s)", r[0], r[1], r[2]);
        float_row(&T, &N, r[3], cs, q, c, near_d(q), cd);
        fmpq_clear(delta);
    }
    fprintf(T.md, "\nOf %ld rows: PBB's value is below the enclosure in "
            "%ld (NaN in %ld); DR's binary64 Newton in %ld (NaN in %ld); "
            "DR's binary32 Newton in %ld (NaN in %ld).\n", (long) N.rows,
            (long) N.below[0], (long) N.nan[0], (long) N.below[1],
            (long) N.nan[1], (long) N.below[2], (long) N.nan[2]);
    table_close(&T);
    cpwl_err_clear(e);
    arb_clear(q);
    arb_clear(c);
    arb_clear(t);
}

/* ---- pb_kl_float ------------------------------------------------------------ */

static const slong KD[] = {1000, 3000, 10000, 30000, 100000};
#define KSEEDS 2

/* PBB's setting: prior sigma 0.03f (PBB's prior_sigma), prior means in
   [-0.1, 0.1), posterior means moved by less than 0.05 (the sum in
   double, rounded to float once), posterior sigma in [0.011, 0.048)
   (softplus(rho) for rho in [-4.5, -3)); every number a float. */
static void kl_weights(float *mq, float *sq, float *mp, float *sp, slong d,
                       uint64_t seed)
{
    uint64_t s = seed;
    slong i;
    for (i = 0; i < d; i++)
    {
        mp[i] = pb_uniform_f(&s, -0.1, 0.1);
        mq[i] = (float) ((double) mp[i]
                         + (double) pb_uniform_f(&s, -0.05, 0.05));
        sp[i] = 0.03f;
        sq[i] = pb_uniform_f(&s, 0.011, 0.048);
    }
}

void gen_pb_kl_float(const char *dir)
{
    table T;
    slong a, sd, i, below[3] = {0, 0, 0}, rows = 0;
    cpwl_err_t e;
    cpwl_err_init(e);
    if (!table_open_as(&T, dir, "pb_kl_float",
                       "The Gaussian KL of d seeded weights in float32 "
                       "(PBB's compute_kl) and plain binary64 against "
                       "cpwl's certified ball",
                       "d,seed,certified KL lower,certified KL upper,"
                       "float32 index order,verdict,rel. error,"
                       "float32 pairwise,verdict,rel. error,"
                       "binary64 index order,verdict,rel. error",
                       "the ball's ends rounded outward to 15 digits; "
                       "float values %.9g (float32) and %.17g (binary64); "
                       "verdicts exact; rel. error (value - mid)/mid %.2e",
                       "the ball's ends are rounded outward to 15 digits; "
                       "float32 values are printed %.9g and binary64 ones "
                       "%.17g (each reads back as the exact value); a "
                       "verdict compares that value exactly with the ball "
                       "(*below*: the printed KL is too small, so a bound "
                       "using it is not proven); rel. error is (value - "
                       "mid)/mid rounded to 3 digits"))
        exit(1);
    for (a = 0; a < (slong) (sizeof KD / sizeof KD[0]); a++)
        for (sd = 1; sd <= KSEEDS; sd++)
        {
            slong d = KD[a];
            float *mq = flint_malloc(4 * d * sizeof(float));
            float *sq = mq + d, *mp = mq + 2 * d, *sp = mq + 3 * d;
            cpwl_gauss_t Q, P;
            arb_t kl;
            double v[3], mid;
            char row[1024], enc[300], s[3][40];
            kl_weights(mq, sq, mp, sp, d, 1000 * (uint64_t) d + sd);
            cpwl_gauss_init(Q, d);
            cpwl_gauss_init(P, d);
            for (i = 0; i < d; i++)
            {
                Q->mu[i] = mq[i];
                Q->sigma[i] = sq[i];
                P->mu[i] = mp[i];
                P->sigma[i] = sp[i];
            }
            arb_init(kl);
            if (cpwl_gauss_check(Q, e) || cpwl_gauss_check(P, e)
                || cpwl_gauss_kl(kl, Q, P, PREC, e))
                die_pb(e);
            v[0] = pb_kl_gauss_f(mq, sq, mp, sp, d, 0);
            v[1] = pb_kl_gauss_f(mq, sq, mp, sp, d, 1);
            v[2] = cpwl_gauss_kl_d(Q, P);
            ball_str(enc, sizeof enc, kl, 15);
            mid = arf_get_d(arb_midref(kl), ARF_RND_NEAR);
            snprintf(s[0], sizeof s[0], "%.9g", v[0]);
            snprintf(s[1], sizeof s[1], "%.9g", v[1]);
            dbl_str(s[2], sizeof s[2], v[2]);
            {
                slong nn = 0;
                const char *w0 = verdict(v[0], kl, below + 0, &nn);
                const char *w1 = verdict(v[1], kl, below + 1, &nn);
                const char *w2 = verdict(v[2], kl, below + 2, &nn);
                snprintf(row, sizeof row,
                         "%ld,%ld,%s,%s,%s,%.2e,%s,%s,%.2e,%s,%s,%.2e",
                         (long) d, (long) sd, enc, s[0], w0,
                         (v[0] - mid) / mid, s[1], w1, (v[1] - mid) / mid,
                         s[2], w2, (v[2] - mid) / mid);
            }
            table_row(&T, row);
            rows++;
            arb_clear(kl);
            cpwl_gauss_clear(Q);
            cpwl_gauss_clear(P);
            flint_free(mq);
        }
    fprintf(T.md, "\nOf %ld rows the value lies below the certified ball "
            "in %ld (float32, index order), %ld (float32, pairwise) and "
            "%ld (binary64).\n", (long) rows, (long) below[0],
            (long) below[1], (long) below[2]);
    table_close(&T);
    cpwl_err_clear(e);
}

/* ---- pb_kl_dr ------------------------------------------------------------------ */

static const slong DRD[] = {1000, 3000, 10000, 30000, 100000};
#define DR_LP (-3.5f)            /* the prior's log standard deviation */

/* Dziugaite and Roy's parameters in the setting of pb_kl_float: prior
   means w0 in [-0.1, 0.1), posterior means w0 + [-0.05, 0.05) (the sum in
   double, rounded once), posterior log standard deviations s in
   [ln 0.011, ln 0.048), prior log standard deviation -3.5
   (sigma_p = 0.0302 ...). */
static void dr_weights(float *w, float *w0, float *s, slong d, uint64_t seed)
{
    uint64_t st = seed;
    slong i;
    for (i = 0; i < d; i++)
    {
        w0[i] = pb_uniform_f(&st, -0.1, 0.1);
        w[i] = (float) ((double) w0[i]
                        + (double) pb_uniform_f(&st, -0.05, 0.05));
        s[i] = pb_uniform_f(&st, -4.5, -3.0);
    }
}

/* KL = (e^{-2 lp} (sum e^{2 s_i} + sum (w_i - w0_i)^2) + 2 d lp
   - 2 sum s_i - d) / 2, every term in Arb. */
static void dr_kl_arb(arb_t kl, const float *w, const float *w0,
                      const float *s, float lp, slong d)
{
    arb_t t, u, sum1, sum3;
    slong i;
    arb_init(t);
    arb_init(u);
    arb_init(sum1);
    arb_init(sum3);
    for (i = 0; i < d; i++)
    {
        arb_set_d(t, s[i]);
        arb_add(sum3, sum3, t, PREC);
        arb_mul_2exp_si(t, t, 1);
        arb_exp(t, t, PREC);
        arb_add(sum1, sum1, t, PREC);
        arb_set_d(t, w[i]);
        arb_set_d(u, w0[i]);
        arb_sub(t, t, u, PREC);
        arb_addmul(sum1, t, t, PREC);
    }
    arb_set_d(t, -2.0 * lp);
    arb_exp(t, t, PREC);
    arb_mul(kl, sum1, t, PREC);
    arb_set_d(t, lp);
    arb_mul_si(t, t, 2 * d, PREC);
    arb_add(kl, kl, t, PREC);
    arb_submul_ui(kl, sum3, 2, PREC);
    arb_sub_si(kl, kl, d, PREC);
    arb_mul_2exp_si(kl, kl, -1);
    arb_clear(t);
    arb_clear(u);
    arb_clear(sum1);
    arb_clear(sum3);
}

void gen_pb_kl_dr(const char *dir)
{
    table T;
    slong a, below[2] = {0, 0}, rows = 0, nn = 0;
    if (!table_open_as(&T, dir, "pb_kl_dr",
                       "Dziugaite and Roy's Gaussian KL in float32 (log "
                       "standard deviations; the sums regrouped) against "
                       "an Arb enclosure",
                       "d,seed,certified KL lower,certified KL upper,"
                       "float32 index order,verdict,rel. error,"
                       "float32 pairwise,verdict,rel. error",
                       "the ball's ends rounded outward to 15 digits; "
                       "float32 values %.9g; verdicts exact; rel. error "
                       "(value - mid)/mid %.2e",
                       "the ball's ends are rounded outward to 15 digits "
                       "(every term in Arb at 256 bits); float32 values are "
                       "printed %.9g (each reads back as the exact float); "
                       "a verdict compares that value exactly with the ball "
                       "(*below*: the printed KL is too small, so a bound "
                       "using it is not proven); rel. error is (value - "
                       "mid)/mid rounded to 3 digits"))
        exit(1);
    for (a = 0; a < (slong) (sizeof DRD / sizeof DRD[0]); a++)
    {
        slong d = DRD[a], sd = 1;
        float *w = flint_malloc(3 * d * sizeof(float));
        float *w0 = w + d, *s = w + 2 * d;
        arb_t kl;
        double v[2], mid;
        char row[1024], enc[300];
        dr_weights(w, w0, s, d, 2000 * (uint64_t) d + sd);
        arb_init(kl);
        dr_kl_arb(kl, w, w0, s, DR_LP, d);
        v[0] = pb_kl_dr_f(w, w0, s, DR_LP, d, 0);
        v[1] = pb_kl_dr_f(w, w0, s, DR_LP, d, 1);
        ball_str(enc, sizeof enc, kl, 15);
        mid = arf_get_d(arb_midref(kl), ARF_RND_NEAR);
        {
            const char *w0s = verdict(v[0], kl, below + 0, &nn);
            const char *w1s = verdict(v[1], kl, below + 1, &nn);
            snprintf(row, sizeof row, "%ld,%ld,%s,%.9g,%s,%.2e,%.9g,%s,%.2e",
                     (long) d, (long) sd, enc, v[0], w0s, (v[0] - mid) / mid,
                     v[1], w1s, (v[1] - mid) / mid);
        }
        table_row(&T, row);
        rows++;
        arb_clear(kl);
        flint_free(w);
    }
    fprintf(T.md, "\nOf %ld rows the value lies below the certified ball "
            "in %ld (float32, index order) and %ld (float32, pairwise).\n",
            (long) rows, (long) below[0], (long) below[1]);
    table_close(&T);
}
