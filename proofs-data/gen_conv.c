/* The chapter-5 tables of proofs-data/ (docs/convergence.md): certified
   with Arb balls, each printed as [midpoint +/- radius] (arb_get_str),
   which contains the real value; step counts and verdicts are exact.

     rmsprop_t  the deterministic RMSProp theorem's bound T against the
                proven first hit over a grid of (beta2, xi)
     departure  the step at which binary16 / bfloat16 / binary32 runs of
                RMSProp and ADAM leave the Arb enclosure of the real
                trajectory, their stagnant updates and final gap
     reddi      the non-convergence example of Reddi, Kale and Kumar
                (2018): ADAM goes to the worst point, AMSGrad to the best */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "gen.h"

static const char BALLS_CSV[] = "certified values: each [mid +/- rad] "
    "is an Arb ball containing the real value; counts are exact";
static const char BALLS_MD[] = "each `[mid +/- rad]` is an Arb ball "
    "that contains the real value; step counts and verdicts are exact";

static void conv_die(const cpwl_err_t e)
{
    fprintf(stderr, "gen: %s\n", e->msg);
    exit(e->status != CPWL_OK ? e->status : 1);
}

/* x as "[mid +/- rad]" with d digits into buf. */
static const char *ball(char *buf, size_t size, const arb_t x, slong d)
{
    char *s = arb_get_str(x, d, 0);
    snprintf(buf, size, "%s", s);
    flint_free(s);
    return buf;
}

static const char *verdict(cpwl_convergence_verdict v)
{
    return v == CPWL_CONVERGENCE_YES ? "yes"
        : v == CPWL_CONVERGENCE_NO ? "no" : "undecided";
}

/* Parse a ';' list of rationals into x (n entries). */
static void parse_x1(fmpq *x, slong n, const char *list)
{
    char buf[256], *tok, *save = NULL;
    slong k = 0;
    snprintf(buf, sizeof buf, "%s", list);
    for (tok = strtok_r(buf, ";", &save); tok != NULL && k < n;
         tok = strtok_r(NULL, ";", &save), k++)
        if (fmpq_set_str(x + k, tok, 10) != 0)
        {
            fprintf(stderr, "gen: bad number %s\n", tok);
            exit(1);
        }
    if (k != n || tok != NULL)
    {
        fprintf(stderr, "gen: %s is not a point of dimension %ld\n", list,
                (long) n);
        exit(1);
    }
}

static void objective(cpwl_objective_t O, const char *spec, slong dim)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_objective_init_str(O, spec, dim, e) != CPWL_OK)
        conv_die(e);
    cpwl_err_clear(e);
}

/* ---- (a) the RMSProp theorem's T against the first hit --------------- */

typedef struct
{
    const char *objective;
    slong dim;
    const char *x1;
}
t_case;

static const t_case t_cases[] = {
    {"pseudo-huber", 1, "10"},
    {"pseudo-huber", 2, "10;-3"},
    {NULL, 0, NULL}
};

void gen_rmsprop_t(const char *dir)
{
    static const char *b2s[] = {"0", "1/2", "9/10", "99/100"};
    static const char *xis[] = {"1/10", "1", "10"};
    table T;
    const t_case *tc;
    size_t i, j;
    if (!table_open_as(&T, dir, "rmsprop_t",
                       "Deterministic RMSProp: the theorem's bound T "
                       "against the proven first hit",
                       "objective,x1,eps,beta2,xi,alpha,T,first t with "
                       "|grad f| <= eps (proven),t <= T,|grad f|^2 <= "
                       "sigma2 along the run",
                       BALLS_CSV, BALLS_MD))
        exit(1);
    for (tc = t_cases; tc->objective != NULL; tc++)
        for (i = 0; i < sizeof b2s / sizeof *b2s; i++)
            for (j = 0; j < sizeof xis / sizeof *xis; j++)
            {
                cpwl_objective_t O;
                cpwl_convergence_opts_t o;
                cpwl_convergence_result_t r;
                cpwl_err_t e;
                fmpq *x1;
                char row[1024], a[128], t[128], name[80];
                objective(O, tc->objective, tc->dim);
                x1 = _fmpq_vec_init(tc->dim);
                parse_x1(x1, tc->dim, tc->x1);
                cpwl_convergence_opts_init(o);
                cpwl_convergence_result_init(r);
                cpwl_err_init(e);
                fmpq_set_str(o->beta2, b2s[i], 10);
                fmpq_set_str(o->xi, xis[j], 10);
                fmpq_set_si(o->eps, 1, 10);
                if (cpwl_convergence_rmsprop(r, O, x1, o, e) != CPWL_OK)
                    conv_die(e);
                snprintf(name, sizeof name, "%s (n = %ld)", tc->objective,
                         (long) tc->dim);
                snprintf(row, sizeof row, "%s,(%s),1/10,%s,%s,%s,%s,%ld%s,"
                         "%s,%s", name, tc->x1, b2s[i], xis[j],
                         ball(a, sizeof a, r->alpha, 10),
                         ball(t, sizeof t, r->T, 10), (long) r->hit,
                         r->hit == 0 ? " (none)" : "",
                         r->hit == 0 ? "-" : verdict(r->hit_le_T),
                         verdict(r->sigma_ok));
                table_row(&T, row);
                cpwl_err_clear(e);
                cpwl_convergence_result_clear(r);
                cpwl_convergence_opts_clear(o);
                _fmpq_vec_clear(x1, tc->dim);
                cpwl_objective_clear(O);
            }
    table_close(&T);
}

/* ---- (b) float departure ---------------------------------------------- */

typedef struct
{
    const char *objective;
    const char *x1;
    slong dim;
}
d_case;

static const d_case d_cases[] = {
    {"quadratic:A=2,1;1,3;b=1,-1", "1;1", 2},
    {"pseudo-huber", "10;-3", 2},
    {"rosenbrock", "-5/4;1", 2},
    {NULL, NULL, 0}
};

#define DEP_STEPS 1000

void gen_departure(const char *dir)
{
    static const char *algos[] = {"rmsprop:paper", "adam:paper"};
    static const char *fmts[] = {"binary16", "bfloat16", "binary32"};
    table T;
    const d_case *dc;
    size_t i, j;
    if (!table_open_as(&T, dir, "departure",
                       "Low-precision departure: where float runs leave "
                       "the real trajectory",
                       "algorithm,objective,x1,format,steps,first t with "
                       "x_t outside the ball,stagnant updates,final gap "
                       "|x_float - x_real|,Arb precision",
                       BALLS_CSV, BALLS_MD))
        exit(1);
    for (i = 0; i < sizeof algos / sizeof *algos; i++)
        for (dc = d_cases; dc->objective != NULL; dc++)
            for (j = 0; j < sizeof fmts / sizeof *fmts; j++)
            {
                cpwl_objective_t O;
                cpwl_optim_opts_t o;
                cpwl_convergence_departure_t d;
                cpwl_arith_t F, B;
                cpwl_err_t e;
                fmpq *x1;
                slong prec;
                char row[1024], g[128], left[64], name[80];
                objective(O, dc->objective, dc->dim);
                x1 = _fmpq_vec_init(dc->dim);
                parse_x1(x1, dc->dim, dc->x1);
                cpwl_optim_opts_init(o);
                if (!cpwl_optim_algo_from_str(o, algos[i]))
                    exit(1);
                o->steps = DEP_STEPS;
                cpwl_convergence_departure_init(d);
                /* the enclosure must hold to the end: double the
                   precision until it does */
                for (prec = 128; ; prec *= 2)
                {
                    if (!cpwl_arith_init_str(F, fmts[j]))
                        exit(1);
                    cpwl_arith_init_arb(B, prec);
                    cpwl_err_init(e);
                    if (cpwl_convergence_departure(d, o, O, x1, F, B,
                                                   1.0 / 1024, e) != CPWL_OK)
                        conv_die(e);
                    cpwl_err_clear(e);
                    cpwl_arith_clear(F);
                    cpwl_arith_clear(B);
                    if (d->lost == 0 || prec >= 4096)
                        break;
                }
                if (d->left > 0)
                    snprintf(left, sizeof left, "%ld", (long) d->left);
                else
                    snprintf(left, sizeof left, "none");
                snprintf(name, sizeof name, "%s", dc->objective);
                {
                    char *c;
                    for (c = name; *c; c++)
                        if (*c == ',')
                            *c = ' ';
                }
                snprintf(row, sizeof row, "%s,%s,(%s),%s,%ld%s,%s,%lu,%s,%ld",
                         algos[i], name, dc->x1, fmts[j], (long) d->steps,
                         d->lost ? " (enclosure lost)" : "", left,
                         d->stagnant, ball(g, sizeof g, d->gap, 6),
                         (long) prec);
                table_row(&T, row);
                cpwl_convergence_departure_clear(d);
                cpwl_optim_opts_clear(o);
                _fmpq_vec_clear(x1, dc->dim);
                cpwl_objective_clear(O);
            }
    table_close(&T);
}

/* ---- (c) Reddi, Kale and Kumar's counterexample ----------------------- */

#define REDDI_T 3000

static const slong reddi_at[] = {1, 2, 3, 4, 10, 100, 1000, 2999, 3000,
                                 3001};

typedef struct
{
    arb_t regret;               /* sum_{s < t} f_s(x_s) - f_s(-1) */
    cpwl_val_ptr xstar;         /* -1 */
    cpwl_val_t fx, fs;
    char rows[sizeof reddi_at / sizeof *reddi_at][512];
    const char *algo;
    int failed;
    cpwl_err_struct *e;
}
reddi_data;

static int reddi_visit(const cpwl_optim_struct *R, void *data)
{
    reddi_data *d = data;
    slong prec = R->A->prec, k;
    arb_t a, b;
    arb_init(a);
    arb_init(b);
    if (R->t == 1)              /* a new attempt at a higher precision */
        arb_zero(d->regret);
    for (k = 0; k < (slong) (sizeof reddi_at / sizeof *reddi_at); k++)
        if (reddi_at[k] == R->t)
        {
            char x[128], rg[128];
            if (R->t > 1)
                arb_div_si(b, d->regret, R->t - 1, prec);
            snprintf(d->rows[k], sizeof d->rows[k], "%s,%ld,%s,%s",
                     d->algo, (long) R->t,
                     (cpwl_val_get_arb(a, R->x, R->A, prec),
                      ball(x, sizeof x, a, 8)),
                     R->t > 1 ? ball(rg, sizeof rg, b, 8) : "-");
        }
    if (R->t <= REDDI_T)
    {
        if (cpwl_objective_eval(d->fx, NULL, R->x, NULL, 0, R->t, R->obj,
                                R->A, d->e)
            || cpwl_objective_eval(d->fs, NULL, d->xstar, NULL, 0, R->t,
                                   R->obj, R->A, d->e))
            d->failed = 1;
        cpwl_val_get_arb(a, d->fx, R->A, prec);
        cpwl_val_get_arb(b, d->fs, R->A, prec);
        arb_sub(a, a, b, prec);
        arb_add(d->regret, d->regret, a, prec);
    }
    arb_clear(a);
    arb_clear(b);
    return d->failed;
}

void gen_reddi(const char *dir)
{
    static const char *algos[] = {"adam", "amsgrad"};
    table T;
    size_t i, k;
    if (!table_open_as(&T, dir, "reddi",
                       "Reddi, Kale and Kumar (2018): ADAM does not "
                       "converge, AMSGrad does (C = 3)",
                       "algorithm,t,x_t,average regret (1/(t-1)) "
                       "sum_{s<t} f_s(x_s) - f_s(-1)",
                       BALLS_CSV, BALLS_MD))
        exit(1);
    for (i = 0; i < 2; i++)
    {
        cpwl_objective_t O;
        cpwl_optim_opts_t o;
        cpwl_optim_result_struct res;
        cpwl_arith_t A;
        cpwl_err_t e;
        reddi_data d;
        fmpq x1[1];
        objective(O, "reddi:C=3", -1);
        cpwl_optim_opts_init(o);
        if (!cpwl_optim_algo_from_str(o, "adam:paper"))
            exit(1);
        o->amsgrad = (int) i;
        o->schedule = CPWL_OPTIM_SCHEDULE_SQRT;
        fmpq_set_si(o->lr, 1, 2);
        fmpq_zero(o->beta1);
        fmpq_set_si(o->beta2, 1, 10);       /* 1 / (1 + C^2) */
        fmpq_zero(o->xi);
        o->steps = REDDI_T;
        fmpq_init(x1);
        cpwl_arith_init_arb(A, 128);
        cpwl_err_init(e);
        memset(&d, 0, sizeof d);
        arb_init(d.regret);
        d.xstar = cpwl_val_vec_init(1, A);
        cpwl_val_set_si(d.xstar, -1, A);
        cpwl_val_init(d.fx, A);
        cpwl_val_init(d.fs, A);
        d.algo = algos[i];
        d.e = e;
        if (cpwl_optim_run(&res, o, O, x1, A, 1.0 / 1024, 4096, reddi_visit,
                           &d, e) != CPWL_OK || d.failed)
            conv_die(e);
        if (res.lost != 0 || res.steps_done != REDDI_T)
        {
            fprintf(stderr, "gen: reddi: the enclosure was lost at t = %ld\n",
                    (long) res.lost);
            exit(1);
        }
        for (k = 0; k < sizeof reddi_at / sizeof *reddi_at; k++)
            table_row(&T, d.rows[k]);
        cpwl_val_clear(d.fx, A);
        cpwl_val_clear(d.fs, A);
        cpwl_val_vec_clear(d.xstar, 1, A);
        arb_clear(d.regret);
        cpwl_err_clear(e);
        cpwl_arith_clear(A);
        fmpq_clear(x1);
        cpwl_optim_opts_clear(o);
        cpwl_objective_clear(O);
    }
    table_close(&T);
}
