/* cpwl tron: Tron and its relatives on a ReLU gate (chapter 3), over the
   library's tron module, with the certificate of the contraction. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tron.h"

const char cli_tron_usage[] =
    "usage: cpwl tron DIST [--wstar LIST] [--algo A] [--compare A2]\n"
    "       [--eta p/q] [--batch b] [--steps T] [--w1 LIST]\n"
    "       [--population | --online | --samples N] [--seed S] [--data]\n"
    "       [--poison BETA:THETA[:random|worst]] [--relu-prime0 0|1]\n"
    "       [--filter ROWS ... [--mmat ROWS]] [--arith ARITH] [--auto-prec]\n"
    "       [--max-prec P] [--certify] [--law] [--max-states N] [--every k]\n"
    "       [--max-steps N] [--csv OUT] [--png OUT | --svg OUT] [--json]\n"
    "       [--[no-]progress]\n"
    "\n"
    "Trains a ReLU gate y = relu(<w*, x>) from w_1 (default 0) for T steps\n"
    "(w_1 ... w_{T+1}) and prints |w_t - w*|^2.  DIST is a CSV file of a\n"
    "finite distribution (one row per point: its probability, then x), a\n"
    "data file of (x, y) rows with --data, or a law to sample:\n"
    "gaussian:n=N[;sigma=S], uniform:n=N[;lo=A;hi=B],\n"
    "mixture:mu=LIST;mu=LIST...[;sigma=S].  Numbers are exact literals.\n"
    "\n"
    "  --wstar LIST     the true weights (required but with --data)\n"
    "  --algo A         tron (default), glm-tron[:identity], neuro-tron, sgd\n"
    "                   (on (1/2)(relu(<w, x>) - y)^2)\n"
    "  --compare A2     run A2 too, with the same options, side by side\n"
    "  --eta p/q        the step (default 1; with --certify the derived one)\n"
    "  --batch b        draws per step, online (default 1); --certify's c_b\n"
    "  --population     the exact expectation over a finite DIST (default\n"
    "                   for one)\n"
    "  --online         b fresh seeded draws per step\n"
    "  --samples N      draw a training set of N points once, then take\n"
    "                   batches from it (glm-tron: the whole set)\n"
    "  --seed S         draws and poisoning (default 0)\n"
    "  --poison B:T[:ADV]  labels relu(<w*, x>) + a xi, a ~ Bernoulli(B),\n"
    "                   |xi| = T, the sign random (default) or worst (against\n"
    "                   the current iterate)\n"
    "  --relu-prime0 D  sgd: relu'(0), 0 (default) or 1\n"
    "  --filter ROWS    neuro-tron: one filter A_j (rows separated by ';'),\n"
    "                   repeated; --mmat ROWS the matrix M (default: the\n"
    "                   mean of the filters)\n"
    "  --arith ARITH    exact (default), arb:P, double, binary64, binary32,\n"
    "                   binary16, bfloat16\n"
    "  --auto-prec      an Arb run that loses its enclosure is rerun at\n"
    "                   doubled precision, up to --max-prec P (default 8192)\n"
    "  --certify        decide symmetry, enclose the eigenvalues of\n"
    "                   Sigma = E[x x^T] and M = E[|x|^2 x x^T], derive c_b,\n"
    "                   eta and rho, and check |w_t - w*|^2 <= rho^(t-1)\n"
    "                   |w_1 - w*|^2 on the exact trajectory\n"
    "  --law            with --certify: also the exact law of the online\n"
    "                   iterate (E|w_t - w*|^2 over every batch sequence),\n"
    "                   up to --max-states N distinct iterates (default\n"
    "                   100000)\n"
    "  --every k        show every k-th iterate and the last\n"
    "  --max-steps N    refuse T > N, or T x dimension x points > 1000 N\n"
    "                   (default 1000000)\n"
    "  --csv OUT        one row per recorded iterate and run\n"
    "  --png OUT, --svg OUT  |w_t - w*|^2 and the step's length against t\n"
    "  --json           one JSON object\n"
    "  --progress       progress lines on stderr also when it is not a\n"
    "                   terminal; --no-progress: none, even on a terminal\n"
    "\n"
    "Ctrl-C stops and prints what was computed (exit 130).  The algorithms\n"
    "and what --certify proves: docs/tron.md.\n";

#define MAX_FILTERS 64

static int parse_q(fmpq_t q, const char *opt, const char *s)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_num_parse_fmpq(q, s, strlen(s), CPWL_NUM_EXACT, e) != CPWL_OK)
    {
        fprintf(stderr, "cpwl tron: %s: %s\n", opt, e->msg);
        return CPWL_ERR_INPUT;
    }
    return CPWL_OK;
}

/* A comma list of exactly n numbers. */
static int parse_vec(fmpq *x, slong n, const char *opt, const char *s)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_io_parse_vector(x, n, s, opt, e) != CPWL_OK)
    {
        fprintf(stderr, "cpwl tron: %s\n", e->msg);
        return CPWL_ERR_INPUT;
    }
    return CPWL_OK;
}

/* "a,b;c,d": rows of n numbers; *rows set (at most maxrows). */
static int parse_rows(fmpq *M, slong *rows, slong maxrows, slong n,
                      const char *opt, const char *s)
{
    const char *p = s;
    char *row;
    slong k = 0;
    for (;;)
    {
        const char *q = strchr(p, ';');
        size_t len = q != NULL ? (size_t) (q - p) : strlen(p);
        if (k == maxrows)
        {
            fprintf(stderr, "cpwl tron: %s: at most %ld rows\n", opt,
                    (long) maxrows);
            return CPWL_ERR_INPUT;
        }
        row = flint_malloc(len + 1);
        memcpy(row, p, len);
        row[len] = '\0';
        if (parse_vec(M + k * n, n, opt, row) != CPWL_OK)
        {
            flint_free(row);
            return CPWL_ERR_INPUT;
        }
        flint_free(row);
        k++;
        if (q == NULL)
            break;
        p = q + 1;
    }
    *rows = k;
    return CPWL_OK;
}

static int parse_poison(cpwl_tron_opts_t o, const char *s)
{
    const char *c1 = strchr(s, ':'), *c2;
    char buf[128];
    size_t len;
    if (c1 == NULL || (size_t) (c1 - s) >= sizeof buf)
        goto bad;
    memcpy(buf, s, c1 - s);
    buf[c1 - s] = '\0';
    if (parse_q(o->beta, "--poison (beta)", buf) != CPWL_OK)
        return CPWL_ERR_INPUT;
    c2 = strchr(c1 + 1, ':');
    len = c2 != NULL ? (size_t) (c2 - c1 - 1) : strlen(c1 + 1);
    if (len >= sizeof buf)
        goto bad;
    memcpy(buf, c1 + 1, len);
    buf[len] = '\0';
    if (parse_q(o->theta, "--poison (theta)", buf) != CPWL_OK)
        return CPWL_ERR_INPUT;
    o->adv = CPWL_TRON_ADV_RANDOM;
    if (c2 != NULL && !cpwl_tron_adversary_from_str(&o->adv, c2 + 1))
    {
        fprintf(stderr, "cpwl tron: --poison: expected the adversary random "
                "or worst after the second ':', got '%.40s'\n", c2 + 1);
        return CPWL_ERR_INPUT;
    }
    if (fmpq_sgn(o->beta) < 0
            || fmpz_cmp(fmpq_numref(o->beta), fmpq_denref(o->beta)) > 0)
    {
        fprintf(stderr, "cpwl tron: --poison: beta must lie in [0, 1], got "
                "'%.40s'\n", s);
        return CPWL_ERR_INPUT;
    }
    if (fmpq_sgn(o->theta) < 0)
    {
        fprintf(stderr, "cpwl tron: --poison: theta must not be negative, "
                "got '%.40s'\n", s);
        return CPWL_ERR_INPUT;
    }
    return CPWL_OK;
bad:
    fprintf(stderr, "cpwl tron: --poison: expected BETA:THETA[:random|worst], "
            "got '%.40s'\n", s);
    return CPWL_ERR_INPUT;
}

/* ------------------------------------------------------------------------
   Recording
   ------------------------------------------------------------------------ */

typedef struct
{
    cli_tron_ctx *c;
    cli_tron_run *run;
    cli_progress_state *ps;
    slong steps;
}
visit_data;

static void run_init(cli_tron_run *u, const cpwl_tron_opts_t o,
                     const cpwl_arith_t A, slong r, slong n, slong every)
{
    memset(u, 0, sizeof(*u));
    cpwl_tron_opts_init(u->o);
    u->o->algo = o->algo;
    u->o->link_identity = o->link_identity;
    u->o->relu_d0 = o->relu_d0;
    fmpq_set(u->o->eta, o->eta);
    u->o->batch = o->batch;
    u->o->steps = o->steps;
    u->o->mode = o->mode;
    u->o->seed = o->seed;
    u->o->adv = o->adv;
    fmpq_set(u->o->beta, o->beta);
    fmpq_set(u->o->theta, o->theta);
    if (o->A != NULL)
        cpwl_tron_opts_set_neuro(u->o, o->k, o->r, o->n, o->A, o->M);
    cpwl_trace_init(u->T, A, r, every, 0);
    snprintf(u->T->arith, sizeof(u->T->arith), "%s", cpwl_tron_algo_name(o));
    u->prev = cpwl_val_vec_init(r, A);
    u->last = cpwl_val_vec_init(r, A);
    u->gap = _fmpq_vec_init(n);
    u->exact_d = 1;
}

static void run_clear(cli_tron_run *u, const cpwl_arith_t A, slong r, slong n)
{
    cpwl_trace_clear(u->T);
    cpwl_val_vec_clear(u->prev, r, A);
    cpwl_val_vec_clear(u->last, r, A);
    _fmpq_vec_clear(u->gap, n);
    if (u->d != NULL)
        _fmpq_vec_clear(u->d, u->dalloc);
    if (u->dk != NULL)
        _fmpq_vec_clear(u->dk, u->dkalloc);
    cpwl_tron_opts_clear(u->o);
}

/* Forget a run's records (Arb reruns start again at w_1). */
static void run_reset(cli_tron_run *u)
{
    cpwl_trace_reset(u->T);
    u->nd = 0;
    u->ndk = 0;
    u->exact_d = 1;
    u->have_prev = 0;
    u->have_last = 0;
    u->gap_t = 0;
}

/* Append q to the growing vector *a (*n entries, *alloc allocated). */
static void push_q(fmpq **a, slong *n, slong *alloc, const fmpq_t q)
{
    slong j;
    if (*n == *alloc)
    {
        slong na = FLINT_MAX(64, 2 * *alloc);
        fmpq *b = _fmpq_vec_init(na);
        for (j = 0; j < *n; j++)
            fmpq_swap(b + j, *a + j);
        if (*a != NULL)
            _fmpq_vec_clear(*a, *alloc);
        *a = b;
        *alloc = na;
    }
    fmpq_set(*a + (*n)++, q);
}

/* The linear recursion of the symmetric case: the first t where it
   breaks, with its gap, on the exact population run of a non-symmetric
   D (the certificate's). */
static void find_gap(cli_tron_run *u, const cpwl_tron_struct *R,
                     const cli_tron_ctx *c)
{
    fmpq *w;
    slong j;
    int ok = 1;

    if (!c->have_cert || c->C->symmetric || u->gap_t != 0 || R->K == 0
        || !R->have_wstar || c->samples != 0
        || u->o->mode != CPWL_TRON_POPULATION
        || (u->o->algo != CPWL_TRON_TRON && u->o->algo != CPWL_TRON_GLM))
        return;
    w = _fmpq_vec_init(R->r);
    for (j = 0; j < R->r && ok; j++)
        ok = cpwl_val_get_fmpq(w + j, R->w + j, R->A);
    if (ok)
    {
        cpwl_tron_linear_gap(u->gap, c->D0, R->wstar, w);
        for (j = 0; j < R->n && fmpq_is_zero(u->gap + j); j++)
            ;
        if (j < R->n)
            u->gap_t = R->t;
    }
    _fmpq_vec_clear(w, R->r);
}

/* At every iterate: the exact distance of every t when the certificate
   needs them; at a recorded one (every k-th, the last step's, and the one
   Ctrl-C stops at) |w_t - w*|^2 (without w*: the loss) and the step's
   length |w_t - w_{t-1}|, which cost as much as a step on data. */
static int tron_visit(const cpwl_tron_struct *R, void *data)
{
    visit_data *v = data;
    cli_tron_run *u = v->run;
    cpwl_arith_struct *A = R->A;
    slong prec = FLINT_MAX(128, A->kind == CPWL_ARITH_ARB ? A->prec : 0);
    slong j;
    int due = (R->t - 1) % u->T->every == 0 || R->t == v->steps + 1
        || cli_interrupted;
    int have_q = 0;
    fmpq_t q;

    if (R->t == 1)
        run_reset(u);
    fmpq_init(q);
    if (u->exact_d && R->have_wstar && (due || v->c->have_cert))
    {
        have_q = cpwl_tron_dist2_fmpq(q, R);
        u->exact_d = have_q;
        if (have_q && v->c->have_cert)
            push_q(&u->d, &u->nd, &u->dalloc, q);
    }
    find_gap(u, R, v->c);
    if (due)
    {
        arb_t f, g, a, b;
        arb_init(f);
        arb_init(g);
        arb_init(a);
        arb_init(b);
        if (have_q)
        {
            arb_set_fmpq(f, q, prec);
            push_q(&u->dk, &u->ndk, &u->dkalloc, q);
        }
        else if (R->have_wstar)
            cpwl_tron_dist2_arb(f, R, prec);
        else
            cpwl_tron_loss_arb(f, R, prec);
        arb_indeterminate(g);
        if (u->have_prev)
        {
            arb_zero(g);
            for (j = 0; j < R->r; j++)
            {
                cpwl_val_get_arb(a, R->w + j, A, prec);
                cpwl_val_get_arb(b, u->prev + j, A, prec);
                arb_sub(a, a, b, prec);
                arb_addmul(g, a, a, prec);
            }
            arb_sqrtpos(g, g, prec);
        }
        cpwl_trace_append(u->T, R->t, R->w, A, f, g);
        arb_clear(f);
        arb_clear(g);
        arb_clear(a);
        arb_clear(b);
    }
    else
        for (j = 0; j < R->r; j++)
            cpwl_val_set(u->last + j, R->w + j, A);
    for (j = 0; j < R->r; j++)
        cpwl_val_set(u->prev + j, R->w + j, A);
    u->have_prev = 1;
    u->last_t = R->t;
    u->have_last = 1;
    fmpq_clear(q);
    if (v->ps != NULL && cli_progress_due(v->ps))
    {
        char rate[CLI_RATE_SIZE];
        cli_progress_line(v->ps, "%s step %ld/%ld, %s steps/s",
                          cpwl_tron_algo_name(u->o), (long) R->t - 1,
                          (long) v->steps, cli_progress_rate(rate, (double)
                                                             R->t - 1,
                                                             v->ps->start));
    }
    return cli_interrupted != 0;
}

/* The last iterate, when it was not due for recording. */
static void run_finish(cli_tron_run *u, const cpwl_arith_t A)
{
    /* only an Arb run that lost its enclosure ends on an iterate that
       was not recorded: its iterate, without the measures */
    if (u->have_last && (u->T->n == 0 || u->T->pts[u->T->n - 1].t
                         != u->last_t))
    {
        arb_t x;
        arb_init(x);
        arb_indeterminate(x);
        cpwl_trace_append(u->T, u->last_t, u->last, A, x, x);
        arb_clear(x);
    }
    u->T->steps_done = u->res.steps_done;
    u->T->stopped = u->res.stopped;
    u->T->lost = u->res.lost;
    u->T->prec_used = u->res.prec;
    snprintf(u->T->why, sizeof(u->T->why), "%s", u->res.why);
}

/* ------------------------------------------------------------------------
   The command
   ------------------------------------------------------------------------ */

static int load_dist(cli_tron_ctx *c)
{
    cpwl_err_t e;
    int k;
    cpwl_err_init(e);
    k = c->data ? 0 : cpwl_dist_parse(c->D0, c->dist, e);
    if (k == 2)
        return cli_fail("tron", e);
    if (k == 0)
    {
        if (c->data)
        {
            cpwl_erm_data_t data;
            cpwl_erm_data_init(data);
            if (cpwl_erm_data_read_file(data, c->dist, e) != CPWL_OK)
            {
                cpwl_erm_data_clear(data);
                return cli_fail("tron", e);
            }
            cpwl_dist_set_data(c->D0, data);
            cpwl_erm_data_clear(data);
        }
        else if (cpwl_dist_read_file(c->D0, c->dist, e) != CPWL_OK)
            return cli_fail("tron", e);
    }
    c->n = c->D0->n;
    return CPWL_OK;
}

static int do_certify(cli_tron_ctx *c, cpwl_tron_opts_t o, int eta_given)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (o->algo != CPWL_TRON_TRON && o->algo != CPWL_TRON_GLM)
        return cli_usage("tron", "--certify: the contraction certificate is "
                         "Tron's (and GLM-tron's with the relu link); not "
                         "for %s", cpwl_tron_algo_name(o));
    if (o->algo == CPWL_TRON_GLM && o->link_identity)
        return cli_usage("tron", "--certify: the certificate is for the relu "
                         "link");
    if (o->adv != CPWL_TRON_ADV_NONE)
        return cli_usage("tron", "--certify: the contraction is proven for "
                         "clean labels; drop --poison");
    if (c->wstar == NULL)
        return cli_usage("tron", "--certify needs --wstar");
    cpwl_tron_cert_init(c->C);
    c->have_cert = 1;
    if (cpwl_tron_cert_compute(c->C, c->D0, o->batch,
                               eta_given ? o->eta : NULL, 256, e) != CPWL_OK)
        return cli_fail("tron", e);
    if (!eta_given)
        fmpq_set(o->eta, c->C->eta);
    return CPWL_OK;
}

/* 1 if the labels are the gate's, relu(<w*, x>) exactly, as the
   theorem assumes (always for a distribution; a data set's own labels
   need not be). */
static int gate_labels(const cli_tron_ctx *c)
{
    fmpq_t z, t;
    slong k, j;
    int ok = 1;

    if (c->D0->kind != CPWL_DIST_DATA)
        return 1;
    fmpq_init(z);
    fmpq_init(t);
    for (k = 0; k < c->D0->K && ok; k++)
    {
        fmpq_zero(z);
        for (j = 0; j < c->n; j++)
        {
            fmpq_mul(t, c->wstar + j, c->D0->X + k * c->n + j);
            fmpq_add(z, z, t);
        }
        if (fmpq_sgn(z) < 0)
            fmpq_zero(z);
        ok = fmpq_equal(z, c->D0->y + k);
    }
    fmpq_clear(z);
    fmpq_clear(t);
    return ok;
}

static int do_law(cli_tron_ctx *c, const cpwl_tron_opts_t o)
{
    cpwl_tron_opts_t lo;
    cpwl_err_t e;
    slong T1 = o->steps + 1;
    int st = CPWL_OK;

    if (cpwl_dist_is_continuous(c->D0))
        return cli_usage("tron", "--law needs a finite DIST");
    cpwl_err_init(e);
    cpwl_tron_opts_init(lo);
    lo->algo = o->algo;
    fmpq_set(lo->eta, o->eta);
    lo->batch = o->batch;
    lo->steps = o->steps;
    lo->mode = CPWL_TRON_ONLINE;
    c->Ed2 = _fmpq_vec_init(T1);
    if (cpwl_tron_law(c->Ed2, &c->law_t, &c->law_states, lo, c->D0, c->wstar,
                      c->w1, c->max_states, &cli_interrupted, e) != CPWL_OK)
        st = cli_fail("tron", e);
    else
    {
        c->law_done = 1;
        c->law_stopped = c->law_t < T1;
        if (cli_interrupted)
            c->stopped = c->law_interrupted = 1;
        c->law_fail = cpwl_tron_cert_check(&c->law_undecided, c->C, c->Ed2,
                                           c->law_t, 256);
    }
    cpwl_tron_opts_clear(lo);
    return st;
}

/* --filter (repeated) and --mmat: neuro-tron's A_j and M, which fix r. */
static int load_neuro(cpwl_tron_opts_t o, cli_tron_ctx *c,
                      const char **filters, slong k, const char *mmat)
{
    slong cap = 4096, rows, r0 = 0, i, j, n = c->n;
    fmpq *tmp, *Af = NULL, *Mf = NULL;
    int st = CPWL_OK;
    fmpz_t kz;

    if (k == 0)
        return cli_usage("tron", "neuro-tron needs its filters (--filter "
                         "ROWS, repeated)");
    /* room for the longest list of rows given, not for cap of them: cap
       x n numbers are gigabytes when x is long */
    {
        slong most = 1;
        for (i = 0; i <= k; i++)
        {
            const char *s = i < k ? filters[i] : mmat;
            slong nr = 1;
            if (s == NULL)
                continue;
            for (; *s != '\0'; s++)
                nr += *s == ';';
            most = FLINT_MAX(most, nr);
        }
        cap = FLINT_MIN(cap, most);
    }
    tmp = _fmpq_vec_init(cap * n);
    for (i = 0; i < k && st == CPWL_OK; i++)
    {
        if (parse_rows(tmp, &rows, cap, n, "--filter", filters[i])
            != CPWL_OK)
            st = CPWL_ERR_INPUT;
        else if (i == 0)
        {
            r0 = rows;
            Af = _fmpq_vec_init(k * r0 * n);
            Mf = _fmpq_vec_init(r0 * n);
        }
        else if (rows != r0)
            st = cli_usage("tron", "--filter: filter %ld has %ld rows, the "
                           "first has %ld", (long) i + 1, (long) rows,
                           (long) r0);
        if (st == CPWL_OK)
            for (j = 0; j < r0 * n; j++)
                fmpq_set(Af + i * r0 * n + j, tmp + j);
    }
    if (st == CPWL_OK && mmat != NULL)
    {
        if (parse_rows(tmp, &rows, cap, n, "--mmat", mmat) != CPWL_OK)
            st = CPWL_ERR_INPUT;
        else if (rows != r0)
            st = cli_usage("tron", "--mmat: expected %ld rows (as the "
                           "filters), got %ld", (long) r0, (long) rows);
        else
            for (j = 0; j < r0 * n; j++)
                fmpq_set(Mf + j, tmp + j);
    }
    else if (st == CPWL_OK)
    {
        /* M defaults to the mean of the filters */
        fmpz_init_set_si(kz, k);
        for (j = 0; j < r0 * n; j++)
        {
            for (i = 0; i < k; i++)
                fmpq_add(Mf + j, Mf + j, Af + i * r0 * n + j);
            fmpq_div_fmpz(Mf + j, Mf + j, kz);
        }
        fmpz_clear(kz);
    }
    if (st == CPWL_OK)
    {
        cpwl_tron_opts_set_neuro(o, k, r0, n, Af, Mf);
        c->r = r0;
    }
    _fmpq_vec_clear(tmp, cap * n);
    if (Af != NULL)
    {
        _fmpq_vec_clear(Af, k * r0 * n);
        _fmpq_vec_clear(Mf, r0 * n);
    }
    return st;
}

/* --wstar (r numbers; required but with --data) and --w1 (default 0). */
static int setup_points(cli_tron_ctx *c, const char *wstar, const char *w1)
{
    if (wstar == NULL && !c->data)
        return cli_usage("tron", "--wstar LIST is required (it labels the "
                         "points: y = relu(<w*, x>))");
    if (wstar != NULL)
    {
        c->wstar = _fmpq_vec_init(c->r);
        if (parse_vec(c->wstar, c->r, "--wstar", wstar) != CPWL_OK)
            return CPWL_ERR_INPUT;
    }
    c->w1 = _fmpq_vec_init(c->r);
    if (w1 != NULL && parse_vec(c->w1, c->r, "--w1", w1) != CPWL_OK)
        return CPWL_ERR_INPUT;
    return CPWL_OK;
}

static int write_files(cli_tron_ctx *c, const char *csv, const char *pic,
                       cpwl_trace_format fmt)
{
    outfile_t f;
    cpwl_err_t e;
    int st;
    cpwl_err_init(e);
    if (csv != NULL)
    {
        if ((st = cli_out_open(f, "tron", csv)) != CPWL_OK)
            return st;
        cli_tron_write_csv(f->f, c);
        if ((st = cli_out_close(f, "tron", 1)) != CPWL_OK)
            return st;
    }
    if (pic != NULL)
    {
        if ((st = cli_out_open(f, "tron", pic)) != CPWL_OK)
            return st;
        if (cli_tron_plot(f->f, pic, fmt, c, e) != CPWL_OK)
        {
            cli_out_close(f, "tron", 0);
            return cli_fail("tron", e);
        }
        if ((st = cli_out_close(f, "tron", 1)) != CPWL_OK)
            return st;
    }
    return CPWL_OK;
}

int cmd_tron(int argc, char **argv)
{
    static const struct option opts_l[] = {
        {"wstar", required_argument, NULL, 'W'},
        {"algo", required_argument, NULL, 'a'},
        {"compare", required_argument, NULL, 'c'},
        {"eta", required_argument, NULL, 'e'},
        {"batch", required_argument, NULL, 'b'},
        {"steps", required_argument, NULL, 'T'},
        {"w1", required_argument, NULL, '1'},
        {"population", no_argument, NULL, 'P'},
        {"online", no_argument, NULL, 'O'},
        {"samples", required_argument, NULL, 'N'},
        {"seed", required_argument, NULL, 'S'},
        {"data", no_argument, NULL, 'd'},
        {"poison", required_argument, NULL, 'p'},
        {"relu-prime0", required_argument, NULL, 'z'},
        {"filter", required_argument, NULL, 'F'},
        {"mmat", required_argument, NULL, 'M'},
        {"arith", required_argument, NULL, 'A'},
        {"auto-prec", no_argument, NULL, 'x'},
        {"max-prec", required_argument, NULL, 'X'},
        {"certify", no_argument, NULL, 'C'},
        {"law", no_argument, NULL, 'L'},
        {"max-states", required_argument, NULL, 's'},
        {"every", required_argument, NULL, 'k'},
        {"max-steps", required_argument, NULL, 'm'},
        {"csv", required_argument, NULL, 'v'},
        {"png", required_argument, NULL, 'g'},
        {"svg", required_argument, NULL, 'G'},
        {"json", no_argument, NULL, 'j'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    cli_tron_ctx c[1];
    cpwl_tron_opts_t o;
    const char *algo = "tron", *compare = NULL, *wstar_s = NULL,
        *w1_s = NULL, *mmat = NULL, *csv = NULL, *png = NULL, *svg = NULL;
    const char *filters[MAX_FILTERS];
    slong nfilters = 0, max_steps = 1000000, seed = 0, i;
    int ch, status = CPWL_OK, population = 0, online = 0, eta_given = 0;
    int pmode = CLI_PROGRESS_AUTO, neuro_any;
    cpwl_err_t e;
    cli_progress_state ps;
    struct sigaction old;

    memset(c, 0, sizeof(*c));
    cpwl_dist_init(c->D);
    cpwl_dist_init(c->D0);
    cpwl_tron_opts_init(o);
    c->max_states = 100000;
    c->max_prec = 8192;
    c->arith = "exact";
    cpwl_err_init(e);
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        int st = CPWL_OK;
        switch (ch)
        {
            case 'W': wstar_s = optarg; break;
            case 'a': algo = optarg; break;
            case 'c': compare = optarg; break;
            case 'e':
                st = parse_q(o->eta, "--eta", optarg);
                if (st == CPWL_OK && fmpq_sgn(o->eta) <= 0)
                    st = cli_usage("tron", "--eta: expected a positive "
                                   "number, got '%.40s'", optarg);
                eta_given = 1;
                break;
            case 'b':
                st = cli_parse_slong(&o->batch, "tron", "--batch", optarg, 1,
                                     1000000);
                break;
            case 'T':
                st = cli_parse_slong(&o->steps, "tron", "--steps", optarg, 0,
                                     WORD_MAX / 4);
                break;
            case '1': w1_s = optarg; break;
            case 'P': population = 1; break;
            case 'O': online = 1; break;
            case 'N':
                st = cli_parse_slong(&c->samples, "tron", "--samples", optarg,
                                     1, 100000000);
                break;
            case 'S':
                st = cli_parse_slong(&seed, "tron", "--seed", optarg, 0,
                                     WORD_MAX);
                o->seed = (uint64_t) seed;
                break;
            case 'd': c->data = 1; break;
            case 'p': st = parse_poison(o, optarg); break;
            case 'z':
                if (!strcmp(optarg, "0") || !strcmp(optarg, "1"))
                    o->relu_d0 = optarg[0] - '0';
                else
                    st = cli_usage("tron", "--relu-prime0: expected 0 or 1, "
                                   "got '%.40s'", optarg);
                break;
            case 'F':
                if (nfilters == MAX_FILTERS)
                    st = cli_usage("tron", "--filter: at most %d filters",
                                   MAX_FILTERS);
                else
                    filters[nfilters++] = optarg;
                break;
            case 'M': mmat = optarg; break;
            case 'A': c->arith = optarg; break;
            case 'x': c->auto_prec = 1; break;
            case 'X':
                st = cli_parse_slong(&c->max_prec, "tron", "--max-prec",
                                     optarg, 2, (slong) 1 << 20);
                break;
            case 'C': c->certify = 1; break;
            case 'L': c->law = 1; break;
            case 's':
                st = cli_parse_slong(&c->max_states, "tron", "--max-states",
                                     optarg, 1, 100000000);
                break;
            case 'k':
                st = cli_parse_slong(&c->every, "tron", "--every", optarg, 1,
                                     WORD_MAX / 4);
                break;
            case 'm':
                st = cli_parse_slong(&max_steps, "tron", "--max-steps",
                                     optarg, 1, WORD_MAX / 4);
                break;
            case 'v': csv = optarg; break;
            case 'g': png = optarg; break;
            case 'G': svg = optarg; break;
            case 'j': c->json = 1; break;
            case CLI_OPT_PROGRESS:
            case CLI_OPT_NO_PROGRESS:
                cli_progress_option(&pmode, ch);
                break;
            default:
                status = cli_bad_option("tron", ch, argv);
                goto done;
        }
        if (st != CPWL_OK)
        {
            status = CPWL_ERR_INPUT;
            goto done;
        }
    }
    if (argc - optind != 1)
    {
        status = argc == optind ? cli_usage("tron", "expected one DIST "
                                            "argument")
            : cli_usage("tron", "unexpected argument '%.40s'",
                        argv[optind + 1]);
        goto done;
    }
    c->dist = argv[optind];
    if (!cpwl_tron_algo_from_str(o, algo))
    {
        status = cli_usage("tron", "--algo: expected tron, glm-tron, "
                           "glm-tron:identity, neuro-tron or sgd, got "
                           "'%.40s'", algo);
        goto done;
    }
    if (population + online + (c->samples > 0) > 1)
    {
        status = cli_usage("tron", "--population, --online and --samples "
                           "cannot be given together");
        goto done;
    }
    if (png != NULL && svg != NULL)
    {
        status = cli_usage("tron", "--png and --svg cannot be given "
                           "together");
        goto done;
    }
    if (c->law && !c->certify)
    {
        status = cli_usage("tron", "--law goes with --certify");
        goto done;
    }
    if (cpwl_arith_init_str(c->A, c->arith) == 0)
    {
        status = cli_usage("tron", "--arith: expected exact, arb:P, double, "
                           "binary64, binary32, binary16 or bfloat16, got "
                           "'%.40s'", c->arith);
        goto done;
    }
    if ((status = load_dist(c)) != CPWL_OK)
        goto arith_done;

    /* neuro-tron's matrices: they fix the dimension r of w */
    neuro_any = o->algo == CPWL_TRON_NEURO
        || (compare != NULL && strcmp(compare, "neuro-tron") == 0);
    if (nfilters > 0 && !neuro_any)
    {
        status = cli_usage("tron", "--filter is for neuro-tron");
        goto arith_done;
    }
    c->r = c->n;
    if (neuro_any && (status = load_neuro(o, c, filters, nfilters, mmat))
        != CPWL_OK)
        goto arith_done;
    /* --wstar and --w1 have r coordinates: a gate's w has n */
    if (neuro_any && c->r != c->n && compare != NULL
        && (o->algo == CPWL_TRON_NEURO) != !strcmp(compare, "neuro-tron"))
    {
        status = cli_usage("tron", "--compare: neuro-tron's w has %ld "
                           "coordinates (the filters' rows), the other "
                           "algorithm's has %ld (the dimension of x): they "
                           "cannot share --wstar", (long) c->r, (long) c->n);
        goto arith_done;
    }
    if ((status = setup_points(c, wstar_s, w1_s)) != CPWL_OK)
        goto arith_done;

    /* the mode: population over a finite DIST by default */
    if (online)
        o->mode = CPWL_TRON_ONLINE;
    else if (c->samples > 0)
        o->mode = o->algo == CPWL_TRON_GLM ? CPWL_TRON_POPULATION
            : CPWL_TRON_ONLINE;
    else if (cpwl_dist_is_continuous(c->D0) && !population)
    {
        status = cli_usage("tron", "a %s law can only be sampled: give "
                           "--online or --samples N",
                           cpwl_dist_kind_name(c->D0->kind));
        goto arith_done;
    }
    else
        o->mode = CPWL_TRON_POPULATION;
    if (c->certify && (status = do_certify(c, o, eta_given)) != CPWL_OK)
        goto arith_done;

    /* the work: T steps x points per step x dimension */
    {
        slong per = o->mode == CPWL_TRON_POPULATION
            ? (c->samples > 0 ? c->samples : FLINT_MAX(c->D0->K, 1))
            : o->batch;
        double work = (double) o->steps * (double) per * (double) c->r;
        if (o->steps > max_steps || work > 1000.0 * (double) max_steps)
        {
            status = cli_usage("tron", "%ld steps of %ld points in dimension "
                               "%ld is beyond the limit (--max-steps %ld: "
                               "steps <= N, steps x points x dimension <= "
                               "1000 N)", (long) o->steps, (long) per,
                               (long) c->r, (long) max_steps);
            goto arith_done;
        }
    }
    if (c->samples > 0)
    {
        if (cpwl_tron_draw_set(c->D, o, c->D0, c->wstar, c->samples, e)
            != CPWL_OK)
        {
            status = cli_fail("tron", e);
            goto arith_done;
        }
    }

    /* the runs */
    c->text_every = c->every != 0 ? c->every : FLINT_MAX(1, (o->steps + 19)
                                                         / 20);
    if (c->every == 0)
        c->every = c->json || csv != NULL || png != NULL || svg != NULL
            ? FLINT_MAX(1, (o->steps + 999) / 1000) : c->text_every;
    c->nruns = 1;
    run_init(c->runs, o, c->A, c->r, c->n, c->every);
    if (compare != NULL)
    {
        cpwl_tron_opts_t o2;
        cpwl_tron_opts_init(o2);
        if (!cpwl_tron_algo_from_str(o2, compare))
        {
            cpwl_tron_opts_clear(o2);
            status = cli_usage("tron", "--compare: expected tron, glm-tron, "
                               "glm-tron:identity, neuro-tron or sgd, got "
                               "'%.40s'", compare);
            goto runs_done;
        }
        /* the same options but the algorithm */
        run_init(c->runs + 1, o, c->A, c->r, c->n, c->every);
        c->runs[1].o->algo = o2->algo;
        c->runs[1].o->link_identity = o2->link_identity;
        if (o2->algo == CPWL_TRON_GLM)
            c->runs[1].o->mode = CPWL_TRON_POPULATION;
        snprintf(c->runs[1].T->arith, sizeof(c->runs[1].T->arith), "%s",
                 cpwl_tron_algo_name(c->runs[1].o));
        cpwl_tron_opts_clear(o2);
        c->nruns = 2;
    }
    cli_progress_init(&ps, "tron", pmode);
    cli_catch_sigint(&old);
    for (i = 0; i < c->nruns && !c->stopped; i++)
    {
        visit_data vd;
        cli_tron_run *u = c->runs + i;
        vd.c = c;
        vd.run = u;
        vd.ps = &ps;
        vd.steps = o->steps;
        if (cpwl_tron_run(&u->res, u->o, c->samples > 0 ? c->D : c->D0,
                          c->wstar, c->w1, c->A, 1e-3,
                          c->auto_prec ? c->max_prec : 0, tron_visit, &vd,
                          e) != CPWL_OK)
        {
            status = cli_fail("tron", e);
            break;
        }
        run_finish(u, c->A);
        c->stopped = u->res.stopped;
    }
    cli_progress_end(&ps);
    if (status != CPWL_OK)
    {
        cli_restore_sigint(&old);
        goto runs_done;
    }

    /* the certificate's checks */
    /* the certificate is D's: not a drawn training set's (glm-tron's
       population run over --samples) */
    if (c->have_cert)
        c->gate = gate_labels(c);
    if (c->have_cert && c->C->symmetric && c->gate && c->runs[0].exact_d
        && c->runs[0].nd > 0 && o->mode == CPWL_TRON_POPULATION
        && c->samples == 0 && c->A->kind == CPWL_ARITH_EXACT)
    {
        c->cert_fail = cpwl_tron_cert_check(&c->cert_undecided, c->C,
                                            c->runs[0].d, c->runs[0].nd, 256);
        c->cert_checked = 1;
    }
    /* the law, with Ctrl-C still caught */
    if (c->law && !c->stopped && c->gate)
        status = do_law(c, o);
    cli_restore_sigint(&old);
    if (status != CPWL_OK)
        goto runs_done;

    if (c->json)
        cli_tron_print_json(stdout, c);
    else
        cli_tron_print_text(stdout, c);
    fflush(stdout);
    status = write_files(c, csv, png != NULL ? png : svg,
                         png != NULL ? CPWL_TRACE_PNG : CPWL_TRACE_SVG);
    if (c->stopped)
    {
        fprintf(stderr, "cpwl tron: interrupted (what was computed is "
                "shown)\n");
        if (status == CPWL_OK)
            status = CLI_EXIT_INTERRUPTED;
    }
runs_done:
    for (i = 0; i < c->nruns; i++)
        run_clear(c->runs + i, c->A, c->r, c->n);
    if (c->Ed2 != NULL)
        _fmpq_vec_clear(c->Ed2, o->steps + 1);
arith_done:
    if (c->have_cert)
        cpwl_tron_cert_clear(c->C);
    if (c->wstar != NULL)
        _fmpq_vec_clear(c->wstar, c->r);
    if (c->w1 != NULL)
        _fmpq_vec_clear(c->w1, c->r);
    cpwl_arith_clear(c->A);
done:
    cpwl_dist_clear(c->D);
    cpwl_dist_clear(c->D0);
    cpwl_tron_opts_clear(o);
    return status;
}
