/* The chapter-3 tables of proofs-data/ (Tron on a ReLU gate, module
   tron):

     tron_traj    exact population trajectories of Tron and of SGD with
                  relu'(0) = 0 and 1, on the symmetric cross and on a
                  non-symmetric support
     tron_rho     the certified contraction factor rho_b against the
                  observed one (population, and the exact law of the
                  online iterate) over batch sizes
     tron_poison  the limit radius under label poisoning: seeded online
                  runs (measured) beside the population limit under the
                  worst-case adversary (exact, and its fixed point derived
                  by hand) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "cpwl.h"
#include "gen.h"

static const char CROSS[] = "p,x1,x2\n1/4,1,0\n1/4,-1,0\n1/4,0,1\n"
    "1/4,0,-1\n";
static const char ASYM[] = "p,x1,x2\n1/2,1,0\n1/4,0,1\n1/4,-1,-1\n";
static const char DIAG[] = "p,x1,x2\n1/4,1,0\n1/4,-1,0\n1/4,1,1\n"
    "1/4,-1,-1\n";

static void tron_die(const cpwl_err_t e)
{
    fprintf(stderr, "gen: %s\n", e->msg);
    exit(e->status != CPWL_OK ? e->status : 1);
}

static void dist_of(cpwl_dist_t D, const char *csv)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_dist_init(D);
    if (cpwl_dist_read_str(D, csv, strlen(csv), "gen", e) != CPWL_OK)
        tron_die(e);
    cpwl_err_clear(e);
}

/* "(a;b;...)" of the exact w (n entries) into buf. */
static const char *vec_str(char *buf, size_t size, const fmpq *w, slong n)
{
    size_t len = 0;
    slong j;
    len += (size_t) snprintf(buf, size, "(");
    for (j = 0; j < n && len < size; j++)
    {
        char *s = fmpq_get_str(NULL, 10, w + j);
        len += (size_t) snprintf(buf + len, size - len, "%s%s", j ? ";" : "",
                                 s);
        flint_free(s);
    }
    if (len < size)
        snprintf(buf + len, size - len, ")");
    return buf;
}

static const char *q_str(char *buf, size_t size, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    snprintf(buf, size, "%s", s);
    flint_free(s);
    return buf;
}

/* The exact iterates w_1 ... w_{T+1} of o on D from w1 (W: (T + 1) x n)
   and their squared distances to w* (d: T + 1). */
static void trajectory(fmpq *W, fmpq *d, const cpwl_tron_opts_t o,
                       const cpwl_dist_t D, const fmpq *ws, const fmpq *w1)
{
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    slong t, j, n = D->n;

    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    if (cpwl_tron_init(R, o, D, ws, w1, A, e) != CPWL_OK)
        tron_die(e);
    for (t = 0; ; t++)
    {
        for (j = 0; W != NULL && j < n; j++)
            cpwl_val_get_fmpq(W + t * n + j, R->w + j, A);
        cpwl_tron_dist2_fmpq(d + t, R);
        if (t == o->steps)
            break;
        if (cpwl_tron_step(R, e) != 0)
            tron_die(e);
    }
    cpwl_tron_clear(R);
    cpwl_arith_clear(A);
    cpwl_err_clear(e);
}

/* ---- (a) trajectories --------------------------------------------------- */

#define TRAJ_T 19               /* t = 1 ... 20 */

void gen_tron_traj(const char *dir)
{
    static const char *dists[] = {CROSS, ASYM};
    static const char *dnames[] = {
        "cross {+-e1; +-e2} (1/4 each)",
        "asymmetric {e1: 1/2; e2: 1/4; -e1-e2: 1/4}"
    };
    static const char *anames[] = {"tron", "sgd (relu'(0) = 0)",
                                    "sgd (relu'(0) = 1)"};
    table T;
    size_t i, a;
    if (!table_open(&T, dir, "tron_traj",
                    "Tron against SGD: exact population trajectories "
                    "(w* = (1; -2), w_1 = 0, eta = 1)",
                    "distribution,algorithm,t,w_t,|w_t - w*|^2"))
        exit(1);
    for (i = 0; i < 2; i++)
        for (a = 0; a < 3; a++)
        {
            cpwl_dist_t D;
            cpwl_tron_opts_t o;
            fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2),
                *W = _fmpq_vec_init(2 * (TRAJ_T + 1)),
                *d = _fmpq_vec_init(TRAJ_T + 1);
            slong t;
            dist_of(D, dists[i]);
            cpwl_tron_opts_init(o);
            o->algo = a == 0 ? CPWL_TRON_TRON : CPWL_TRON_SGD;
            o->relu_d0 = a == 2;
            o->steps = TRAJ_T;
            fmpq_set_si(ws + 0, 1, 1);
            fmpq_set_si(ws + 1, -2, 1);
            trajectory(W, d, o, D, ws, w1);
            for (t = 0; t <= TRAJ_T; t++)
            {
                char row[1024], wb[512], db[256];
                snprintf(row, sizeof row, "%s,%s,%ld,%s,%s", dnames[i],
                         anames[a], (long) t + 1,
                         vec_str(wb, sizeof wb, W + 2 * t, 2),
                         q_str(db, sizeof db, d + t));
                table_row(&T, row);
            }
            _fmpq_vec_clear(ws, 2);
            _fmpq_vec_clear(w1, 2);
            _fmpq_vec_clear(W, 2 * (TRAJ_T + 1));
            _fmpq_vec_clear(d, TRAJ_T + 1);
            cpwl_tron_opts_clear(o);
            cpwl_dist_clear(D);
        }
    table_close(&T);
}

/* ---- (b) the certified rho against the observed contraction ---------- */

#define RHO_T 30                /* population steps */
#define LAW_T 20                /* steps of the exact law at most */
#define LAW_STATES 6000         /* its state cap */

/* q exactly when it is short, else rounded to 10 digits. */
static const char *q_or_digits(char *buf, size_t size, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    if (strlen(s) <= 24)
        snprintf(buf, size, "%s", s);
    else
    {
        arb_t a;
        char *d;
        arb_init(a);
        arb_set_fmpq(a, q, 128);
        d = arb_get_str(a, 10, ARB_STR_NO_RADIUS);
        snprintf(buf, size, "%s (10 digits)", d);
        flint_free(d);
        arb_clear(a);
    }
    flint_free(s);
    return buf;
}

/* A real of the certificate: exact when its ball is a point (then it is
   the rational), else the ball. */
static const char *real_str(char *buf, size_t size, const arb_t x)
{
    char *s;
    if (arb_is_exact(x))
    {
        fmpq_t q;
        fmpq_init(q);
        arf_get_fmpq(q, arb_midref(x));
        q_or_digits(buf, size, q);
        fmpq_clear(q);
        return buf;
    }
    s = arb_get_str(x, 10, 0);
    snprintf(buf, size, "%s", s);
    flint_free(s);
    return buf;
}

/* max over t < T of d[t + 1] / d[t] (d > 0), exactly, into r. */
static void max_ratio(fmpq_t r, const fmpq *d, slong T)
{
    fmpq_t x;
    slong t;
    fmpq_init(x);
    fmpq_zero(r);
    for (t = 0; t + 1 < T; t++)
        if (!fmpq_is_zero(d + t))
        {
            fmpq_div(x, d + t + 1, d + t);
            if (fmpq_cmp(x, r) > 0)
                fmpq_set(r, x);
        }
    fmpq_clear(x);
}

static const char *verdict_str(char *buf, size_t size, slong bad, slong und,
                               slong T)
{
    if (bad)
        snprintf(buf, size, "no: violated at t = %ld", (long) bad);
    else if (und)
        snprintf(buf, size, "yes for t <= %ld but %ld undecided", (long) T,
                 (long) und);
    else
        snprintf(buf, size, "yes; t <= %ld", (long) T);
    return buf;
}

void gen_tron_rho(const char *dir)
{
    static const char *dists[] = {CROSS, DIAG};
    static const char *dnames[] = {
        "cross {+-e1; +-e2} (1/4 each)",
        "{+-(1;0); +-(1;1)} (1/4 each)"
    };
    static const slong bs[] = {1, 2, 4, 8, 16};
    table T;
    size_t i, k;
    char cols[768];

    snprintf(cols, sizeof cols, "distribution,b,c_b,eta_b (the step used),"
             "rho_b,population: max_t d_{t+1}/d_t (t <= %d),bound on the "
             "population run,law of the online iterate: t reached (states),"
             "max_t E d_{t+1} / E d_t,bound on the law", RHO_T);
    if (!table_open_as(&T, dir, "tron_rho",
                       "Tron's certified contraction factor rho_b = 1 - "
                       "eta_b lmin + eta_b^2 c_b against the observed one "
                       "(w* = (1; -2), w_1 = 0, d_t = |w_t - w*|^2)", cols,
                       "exact values, but an irrational c_b or rho_b is an "
                       "Arb ball [mid +/- rad] that contains it and a long "
                       "ratio is rounded to 10 digits (said so)",
                       "every value is exact, but an irrational c_b or rho_b "
                       "is an Arb ball `[mid +/- rad]` that contains it and "
                       "a long ratio is rounded to 10 digits (said so)"))
        exit(1);
    for (i = 0; i < 2; i++)
        for (k = 0; k < sizeof bs / sizeof *bs; k++)
        {
            cpwl_dist_t D;
            cpwl_tron_cert_t C;
            cpwl_tron_opts_t o;
            cpwl_err_t e;
            fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2),
                *d = _fmpq_vec_init(RHO_T + 1),
                *Ed = _fmpq_vec_init(LAW_T + 1);
            fmpq_t r;
            slong bad, und, lbad, lund, t_done, states;
            char row[2048], cb[128], eta[128], rho[128], pr[128], lr[128],
                v1[96], v2[96];

            dist_of(D, dists[i]);
            cpwl_tron_cert_init(C);
            cpwl_tron_opts_init(o);
            cpwl_err_init(e);
            fmpq_init(r);
            fmpq_set_si(ws + 0, 1, 1);
            fmpq_set_si(ws + 1, -2, 1);
            if (cpwl_tron_cert_compute(C, D, bs[k], NULL, 128, e) != CPWL_OK)
                tron_die(e);
            fmpq_set(o->eta, C->eta);
            o->steps = RHO_T;
            trajectory(NULL, d, o, D, ws, w1);
            max_ratio(r, d, RHO_T + 1);
            q_or_digits(pr, sizeof pr, r);
            bad = cpwl_tron_cert_check(&und, C, d, RHO_T + 1, 128);

            o->batch = bs[k];
            o->steps = LAW_T;
            o->mode = CPWL_TRON_ONLINE;
            if (cpwl_tron_law(Ed, &t_done, &states, o, D, ws, w1, LAW_STATES,
                              NULL, e) != CPWL_OK)
                tron_die(e);
            max_ratio(r, Ed, t_done);
            q_or_digits(lr, sizeof lr, r);
            lbad = cpwl_tron_cert_check(&lund, C, Ed, t_done, 128);

            snprintf(row, sizeof row, "%s,%ld,%s,%s,%s,%s,%s,%ld (%ld),%s,%s",
                     dnames[i], (long) bs[k], real_str(cb, sizeof cb, C->cb),
                     q_str(eta, sizeof eta, C->eta),
                     C->rho_exact ? q_str(rho, sizeof rho, C->rho_q)
                     : real_str(rho, sizeof rho, C->rho), pr,
                     verdict_str(v1, sizeof v1, bad, und, RHO_T + 1),
                     (long) t_done, (long) states, lr,
                     verdict_str(v2, sizeof v2, lbad, lund, t_done));
            table_row(&T, row);
            fmpq_clear(r);
            _fmpq_vec_clear(ws, 2);
            _fmpq_vec_clear(w1, 2);
            _fmpq_vec_clear(d, RHO_T + 1);
            _fmpq_vec_clear(Ed, LAW_T + 1);
            cpwl_err_clear(e);
            cpwl_tron_opts_clear(o);
            cpwl_tron_cert_clear(C);
            cpwl_dist_clear(D);
        }
    table_close(&T);
}

/* ---- (c) poisoning ------------------------------------------------------ */

#define POISON_T 2000           /* online steps */
#define POISON_POP_T 200        /* population steps */
#define POISON_SEED 15

/* The population run under the worst-case adversary on the cross,
   eta = 1/2, from w_1 = 0 (d_1 = w_1 - w* = (-1, 2)).  By symmetry the
   clean update is -(eta/4)(w - w*), and E[s(x) x] = (1/2) sgn(w - w*)
   coordinatewise, so d_{t+1} = (1 - eta/4) d_t + (eta beta theta / 2)
   sgn(d_t): each |d_j| tends to 2 beta theta, exactly
     |d_{j,t}| = 2 beta theta + (7/8)^(t-1) (|d_{j,1}| - 2 beta theta),
   its sign that of d_{j,1}.  Checks the exact trajectory against this
   for every t <= T; returns 1 if it holds, d2 the last |w - w*|^2. */
static int poison_population(fmpq_t d2, const cpwl_dist_t D, const fmpq *ws,
                             const fmpq_t beta, const fmpq_t theta)
{
    cpwl_tron_opts_t o;
    fmpq *w1 = _fmpq_vec_init(2), *W = _fmpq_vec_init(2 * (POISON_POP_T + 1)),
        *d = _fmpq_vec_init(POISON_POP_T + 1);
    fmpq_t r, bt, c, x;
    slong t, j;
    int ok = 1;

    cpwl_tron_opts_init(o);
    fmpq_set_si(o->eta, 1, 2);
    o->steps = POISON_POP_T;
    o->adv = CPWL_TRON_ADV_WORST;
    fmpq_set(o->beta, beta);
    fmpq_set(o->theta, theta);
    trajectory(W, d, o, D, ws, w1);
    fmpq_init(r);
    fmpq_init(bt);
    fmpq_init(c);
    fmpq_init(x);
    fmpq_mul(bt, beta, theta);
    fmpq_mul_2exp(bt, bt, 1);               /* 2 beta theta */
    fmpq_one(r);
    for (t = 0; t <= POISON_POP_T; t++)
    {
        for (j = 0; j < 2; j++)
        {
            fmpq_sub(x, w1 + j, ws + j);    /* d_{j,1} */
            fmpq_abs(c, x);
            fmpq_sub(c, c, bt);
            fmpq_mul(c, c, r);
            fmpq_add(c, c, bt);
            if (fmpq_sgn(x) < 0)
                fmpq_neg(c, c);
            fmpq_add(c, c, ws + j);         /* w_{j,t} by hand */
            ok &= fmpq_equal(c, W + 2 * t + j);
        }
        fmpq_set_si(c, 7, 8);
        fmpq_mul(r, r, c);
    }
    fmpq_set(d2, d + POISON_POP_T);
    fmpq_clear(r);
    fmpq_clear(bt);
    fmpq_clear(c);
    fmpq_clear(x);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(W, 2 * (POISON_POP_T + 1));
    _fmpq_vec_clear(d, POISON_POP_T + 1);
    cpwl_tron_opts_clear(o);
    return ok;
}

typedef struct
{
    arb_t sum;                  /* sum of |w_t - w*| over the second half */
    slong from, count;
}
mean_data;

static int mean_visit(const cpwl_tron_struct *R, void *data)
{
    mean_data *m = data;
    if (R->t > m->from)
    {
        arb_t a;
        arb_init(a);
        cpwl_tron_dist2_arb(a, R, 128);
        arb_sqrtpos(a, a, 128);
        arb_add(m->sum, m->sum, a, 128);
        m->count++;
        arb_clear(a);
    }
    return 0;
}

void gen_tron_poison(const char *dir)
{
    static const char *betas[] = {"0", "1/10", "1/4", "1/2"};
    static const char *thetas[] = {"1/10", "1/2", "1"};
    static const cpwl_tron_adversary advs[] = {CPWL_TRON_ADV_RANDOM,
                                               CPWL_TRON_ADV_WORST};
    cpwl_dist_t D;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2);
    table T;
    size_t a, i, j;
    char cols[512];

    snprintf(cols, sizeof cols, "adversary,beta,theta,online: mean |w_t - "
             "w*| over t = %d..%d (seed %d; exact runs),labels poisoned,"
             "population worst case: |w_T - w*|^2 at T = %d (10 digits),closed form "
             "holds for t <= %d,limit |w - w*|^2 = 8 beta^2 theta^2 "
             "(hand),limit radius 2 sqrt(2) beta theta", POISON_T / 2 + 2,
             POISON_T + 1, POISON_SEED, POISON_POP_T + 1, POISON_POP_T + 1);
    if (!table_open_as(&T, dir, "tron_poison",
                       "Tron under label poisoning on the cross (w* = "
                       "(1; -2), w_1 = 0, eta = 1/2, batch 1)", cols,
                       "measured: the online means are of seeded exact "
                       "runs; decimals are rounded (4; 6 and 10 digits); "
                       "the other values are exact",
                       "the online means are *measured* on seeded exact "
                       "runs; decimals are rounded (4; 6 and 10 digits); "
                       "the other values are exact"))
        exit(1);
    dist_of(D, CROSS);
    fmpq_set_si(ws + 0, 1, 1);
    fmpq_set_si(ws + 1, -2, 1);
    for (a = 0; a < 2; a++)
        for (i = 0; i < sizeof betas / sizeof *betas; i++)
            for (j = 0; j < sizeof thetas / sizeof *thetas; j++)
            {
                cpwl_tron_opts_t o;
                cpwl_tron_result_struct res;
                cpwl_arith_t A;
                cpwl_err_t e;
                mean_data m;
                fmpq_t d2, lim;
                arb_t rad;
                char row[1024], lb[64], *mean, *rs, *ds;
                int ok;

                cpwl_tron_opts_init(o);
                fmpq_set_si(o->eta, 1, 2);
                o->mode = CPWL_TRON_ONLINE;
                o->steps = POISON_T;
                o->seed = POISON_SEED;
                o->adv = advs[a];
                fmpq_set_str(o->beta, betas[i], 10);
                fmpq_set_str(o->theta, thetas[j], 10);
                cpwl_arith_init_exact(A);
                cpwl_err_init(e);
                arb_init(m.sum);
                m.from = POISON_T / 2 + 1;
                m.count = 0;
                if (cpwl_tron_run(&res, o, D, ws, w1, A, 0, 0, mean_visit,
                                  &m, e) != CPWL_OK)
                    tron_die(e);
                arb_div_si(m.sum, m.sum, m.count, 128);
                mean = arb_get_str(m.sum, 4, ARB_STR_NO_RADIUS);

                fmpq_init(d2);
                fmpq_init(lim);
                ok = poison_population(d2, D, ws, o->beta, o->theta);
                fmpq_mul(lim, o->beta, o->theta);
                fmpq_mul(lim, lim, lim);
                fmpq_mul_2exp(lim, lim, 3);
                arb_init(rad);
                arb_set_fmpq(rad, lim, 128);
                arb_sqrtpos(rad, rad, 128);
                rs = arb_get_str(rad, 6, ARB_STR_NO_RADIUS);
                arb_set_fmpq(rad, d2, 128);
                ds = arb_get_str(rad, 10, ARB_STR_NO_RADIUS);
                snprintf(row, sizeof row, "%s,%s,%s,%s,%lu of %lu,%s,%s,%s,"
                         "%s", cpwl_tron_adversary_name(advs[a]), betas[i],
                         thetas[j], mean, res.poisoned, res.draws,
                         ds, ok ? "yes" : "NO",
                         q_str(lb, sizeof lb, lim), rs);
                table_row(&T, row);
                flint_free(mean);
                flint_free(rs);
                flint_free(ds);
                arb_clear(rad);
                fmpq_clear(d2);
                fmpq_clear(lim);
                arb_clear(m.sum);
                cpwl_err_clear(e);
                cpwl_arith_clear(A);
                cpwl_tron_opts_clear(o);
            }
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    cpwl_dist_clear(D);
    table_close(&T);
}
