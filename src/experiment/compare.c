/* Comparisons of optimiser settings on autoencoders: the grid, the
   tuning rule, runs.csv and the tables (include/cpwl/experiment.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cpwl/experiment.h"

#define EXP_MAX_LAYERS 64

void cpwl_experiment_cmp_init(cpwl_experiment_cmp_t C)
{
    memset(C, 0, sizeof *C);
}

static void cmp_free_runs(cpwl_experiment_cmp_t C)
{
    slong i, n = C->nshapes * C->nsettings, m = C->nshapes * C->nfamilies;
    if (C->rows != NULL)
        for (i = 0; i < n; i++)
            flint_free(C->rows[i]);
    if (C->best_w != NULL)
        for (i = 0; i < m; i++)
            flint_free(C->best_w[i]);
    flint_free(C->rows);
    flint_free(C->nrows);
    flint_free(C->done);
    flint_free(C->best);
    flint_free(C->best_w);
    C->rows = NULL;
    C->nrows = NULL;
    C->done = NULL;
    C->best = NULL;
    C->best_w = NULL;
}

void cpwl_experiment_cmp_clear(cpwl_experiment_cmp_t C)
{
    slong i;
    cmp_free_runs(C);
    for (i = 0; i < C->nshapes; i++)
    {
        flint_free(C->widths[i]);
        flint_free(C->shape_text[i]);
    }
    for (i = 0; i < C->nsettings; i++)
    {
        cpwl_experiment_setting *S = C->settings + i;
        fmpq_clear(S->lr);
        fmpq_clear(S->momentum);
        fmpq_clear(S->beta1);
        fmpq_clear(S->beta2);
        fmpq_clear(S->xi);
    }
    for (i = 0; i < C->nfamilies; i++)
        flint_free(C->family_text[i]);
    flint_free(C->widths);
    flint_free(C->nlayers);
    flint_free(C->shape_text);
    flint_free(C->settings);
    flint_free(C->family_text);
    memset(C, 0, sizeof *C);
}

static char *cmp_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *r = flint_malloc(n);
    memcpy(r, s, n);
    return r;
}

int cpwl_experiment_cmp_add_shape(cpwl_experiment_cmp_t C, const char *s,
                                  slong dim, cpwl_err_t e)
{
    slong w[EXP_MAX_LAYERS + 1], L, i;
    char buf[32];
    L = cpwl_mlp_parse_shape(w, EXP_MAX_LAYERS + 1, s, e);
    if (L < 0)
        return CPWL_ERR_INPUT;
    if (L < 2 || w[0] != dim || w[L] != dim)
    {
        char q[CPWL_ERR_QUOTE_SIZE];
        cpwl_err_quote(q, sizeof q, s, strlen(s));
        return cpwl_err_set(e, CPWL_ERR_INPUT, "shape \"%s\": expected an "
                            "autoencoder %ld-h-...-%ld with at least one "
                            "hidden layer", q, (long) dim, (long) dim);
    }
    C->widths = flint_realloc(C->widths, (C->nshapes + 1) * sizeof(slong *));
    C->nlayers = flint_realloc(C->nlayers, (C->nshapes + 1) * sizeof(slong));
    C->shape_text = flint_realloc(C->shape_text,
                                  (C->nshapes + 1) * sizeof(char *));
    C->widths[C->nshapes] = flint_malloc((L + 1) * sizeof(slong));
    memcpy(C->widths[C->nshapes], w, (L + 1) * sizeof(slong));
    C->nlayers[C->nshapes] = L;
    /* the canonical text, whatever spacing the input had */
    C->shape_text[C->nshapes] = flint_malloc(32 * (L + 1));
    C->shape_text[C->nshapes][0] = '\0';
    for (i = 0; i <= L; i++)
    {
        snprintf(buf, sizeof buf, i == 0 ? "%ld" : "-%ld", (long) w[i]);
        strcat(C->shape_text[C->nshapes], buf);
    }
    C->nshapes++;
    return CPWL_OK;
}

static slong cmp_family(cpwl_experiment_cmp_t C, const char *text)
{
    slong i;
    for (i = 0; i < C->nfamilies; i++)
        if (strcmp(C->family_text[i], text) == 0)
            return i;
    C->family_text = flint_realloc(C->family_text,
                                   (C->nfamilies + 1) * sizeof(char *));
    C->family_text[C->nfamilies] = cmp_strdup(text);
    return C->nfamilies++;
}

static cpwl_experiment_setting *cmp_new_setting(cpwl_experiment_cmp_t C)
{
    cpwl_experiment_setting *S;
    C->settings = flint_realloc(C->settings, (C->nsettings + 1)
                                * sizeof(cpwl_experiment_setting));
    S = C->settings + C->nsettings++;
    fmpq_init(S->lr);
    fmpq_init(S->momentum);
    fmpq_init(S->beta1);
    fmpq_init(S->beta2);
    fmpq_init(S->xi);
    return S;
}

void cpwl_experiment_cmp_add_adam(cpwl_experiment_cmp_t C,
                                  const fmpq_t beta1, const fmpq_t xi,
                                  const fmpq_t lr, const char *t_beta1,
                                  const char *t_xi, const char *t_lr)
{
    cpwl_experiment_setting *S = cmp_new_setting(C);
    char fam[64];
    S->algo = CPWL_EXPERIMENT_ADAM;
    fmpq_set(S->beta1, beta1);
    fmpq_set(S->xi, xi);
    fmpq_set(S->lr, lr);
    fmpq_set_si(S->beta2, 999, 1000);
    snprintf(fam, sizeof fam, "adam b1=%.20s", t_beta1);
    S->family = cmp_family(C, fam);
    snprintf(S->text, sizeof S->text, "adam b1=%.20s xi=%.20s lr=%.20s",
             t_beta1, t_xi, t_lr);
}

void cpwl_experiment_cmp_add_nag(cpwl_experiment_cmp_t C, const fmpq_t lr,
                                 const fmpq_t momentum, const char *t_lr,
                                 const char *t_mom)
{
    cpwl_experiment_setting *S = cmp_new_setting(C);
    S->algo = CPWL_EXPERIMENT_NAG;
    fmpq_set(S->lr, lr);
    fmpq_set(S->momentum, momentum);
    S->family = cmp_family(C, "nag");
    snprintf(S->text, sizeof S->text, "nag lr=%.20s mu=%.20s", t_lr, t_mom);
}

/* The engine's options of a setting. */
static void cmp_opts(cpwl_optim_opts_t a, const cpwl_experiment_setting *S)
{
    cpwl_optim_opts_init(a);
    if (S->algo == CPWL_EXPERIMENT_ADAM)
    {
        a->algo = CPWL_OPTIM_ADAM;
        a->form = CPWL_OPTIM_FORM_PAPER;
        fmpq_set(a->beta1, S->beta1);
        fmpq_set(a->beta2, S->beta2);
        fmpq_set(a->xi, S->xi);
    }
    else
    {
        a->algo = CPWL_OPTIM_NAG;
        fmpq_set(a->momentum, S->momentum);
    }
    fmpq_set(a->lr, S->lr);
}

typedef struct
{
    cpwl_experiment_cmp_struct *C;
    slong run;
    const cpwl_experiment_hooks *h;
}
cmp_hook;

static int cmp_row(const cpwl_experiment_row *r, void *data, cpwl_err_t e)
{
    cmp_hook *H = data;
    cpwl_experiment_cmp_struct *C = H->C;
    slong k = H->run, n = C->nrows[k];
    /* grow by doubling: rows are few (T / K + 2) */
    if ((n & (n - 1)) == 0)
        C->rows[k] = flint_realloc(C->rows[k], FLINT_MAX(2 * n, 1)
                                   * sizeof(cpwl_experiment_row));
    C->rows[k][n] = *r;
    C->nrows[k] = n + 1;
    if (H->h != NULL && H->h->row != NULL)
        return H->h->row(r, H->h->data, e);
    return CPWL_OK;
}

static int cmp_checkpoint(slong t, int last, const cpwl_net_t net,
                          const void *w, void *data, cpwl_err_t e)
{
    cmp_hook *H = data;
    if (H->h != NULL && H->h->checkpoint != NULL)
        return H->h->checkpoint(t, last, net, w, H->h->data, e);
    return CPWL_OK;
}

static int cmp_stop(void *data)
{
    cmp_hook *H = data;
    return H->h != NULL && H->h->stop != NULL && H->h->stop(H->h->data);
}

static double cmp_final(const cpwl_experiment_cmp_struct *C, slong k)
{
    if (!C->done[k] || C->nrows[k] == 0)
        return NAN;
    return C->rows[k][C->nrows[k] - 1].train_loss;
}

int cpwl_experiment_cmp_run(cpwl_experiment_cmp_t C,
                            const cpwl_experiment_data *D,
                            const cpwl_experiment_opts *o,
                            const cpwl_experiment_hooks *h, slong *cur,
                            cpwl_err_t e)
{
    slong s, k, f, nrun = C->nshapes * C->nsettings;
    slong nbest = C->nshapes * C->nfamilies;
    cpwl_experiment_hooks hk;
    cpwl_experiment_result res;
    cmp_hook H;
    double *w = NULL;
    int st = CPWL_OK;

    cmp_free_runs(C);
    C->stopped = 0;
    C->rows = flint_calloc(FLINT_MAX(nrun, 1), sizeof(cpwl_experiment_row *));
    C->nrows = flint_calloc(FLINT_MAX(nrun, 1), sizeof(slong));
    C->done = flint_calloc(FLINT_MAX(nrun, 1), sizeof(int));
    C->best = flint_malloc(FLINT_MAX(nbest, 1) * sizeof(slong));
    C->best_w = flint_calloc(FLINT_MAX(nbest, 1), sizeof(double *));
    for (k = 0; k < nbest; k++)
        C->best[k] = -1;
    H.C = C;
    H.h = h;
    hk.row = cmp_row;
    hk.checkpoint = cmp_checkpoint;
    hk.stop = cmp_stop;
    hk.data = &H;
    for (s = 0; s < C->nshapes && st == CPWL_OK && !C->stopped; s++)
    {
        slong np = 0, l;
        for (l = 1; l <= C->nlayers[s]; l++)
            np += C->widths[s][l] * (C->widths[s][l - 1] + 1);
        w = flint_realloc(w, np * sizeof(double));
        for (k = 0; k < C->nsettings; k++)
        {
            cpwl_optim_opts_t a;
            slong run = s * C->nsettings + k, bi;
            double fl;
            if (cur != NULL)
            {
                cur[0] = s;
                cur[1] = k;
            }
            H.run = run;
            cmp_opts(a, C->settings + k);
            st = cpwl_experiment_run(&res, w, C->widths[s], C->nlayers[s], a,
                                     D, o, &hk, e);
            cpwl_optim_opts_clear(a);
            if (st != CPWL_OK)
                break;
            if (res.stopped)
            {
                C->stopped = 1;
                break;
            }
            C->done[run] = 1;
            /* the tuning rule: lowest final training loss, ties to the
               first setting listed; a loss that is not finite never wins */
            f = C->settings[k].family;
            bi = s * C->nfamilies + f;
            fl = cmp_final(C, run);
            if (isfinite(fl) && (C->best[bi] < 0
                    || fl < cmp_final(C, s * C->nsettings + C->best[bi])))
            {
                C->best[bi] = k;
                if (C->best_w[bi] == NULL)
                    C->best_w[bi] = flint_malloc(np * sizeof(double));
                memcpy(C->best_w[bi], w, np * sizeof(double));
            }
        }
    }
    flint_free(w);
    return st;
}

/* ---- CSV and tables ------------------------------------------------ */

static void csv_num(FILE *f, double v)
{
    if (isnan(v))
        fputc(',', f);
    else
        fprintf(f, ",%.17g", v);
}

/* A value that was measured: a diverged run's NaN or infinity is written
   as nan, inf or -inf, not left empty (empty: not measured). */
static void csv_meas(FILE *f, double v, int measured)
{
    if (!measured)
        fputc(',', f);
    else if (isnan(v))
        fputs(",nan", f);
    else if (isinf(v))
        fputs(v > 0 ? ",inf" : ",-inf", f);
    else
        fprintf(f, ",%.17g", v);
}

/* An exact constant in the CSV: its decimal as given is in the setting's
   text; here the exact value as p/q (or an integer). */
static void csv_q(FILE *f, const fmpq_t q, int used)
{
    fputc(',', f);
    if (used)
        fmpq_fprint(f, q);
}

void cpwl_experiment_csv_header(FILE *f)
{
    fprintf(f, "shape,family,setting,algo,lr,momentum,beta1,beta2,xi,"
            "precision,t,train_loss,test_loss,grad_norm,lambda_min,"
            "lambda_max,lambda_min_res,lambda_max_res,seconds\n");
}

void cpwl_experiment_csv_row(FILE *f, const cpwl_experiment_cmp_t C,
                             slong shape, slong setting,
                             cpwl_mlp_prec prec,
                             const cpwl_experiment_row *r)
{
    const cpwl_experiment_setting *S = C->settings + setting;
    int adam = S->algo == CPWL_EXPERIMENT_ADAM;
    fprintf(f, "%s,%s,%s,%s", C->shape_text[shape],
            C->family_text[S->family], S->text, adam ? "adam:paper" : "nag");
    csv_q(f, S->lr, 1);
    csv_q(f, S->momentum, !adam);
    csv_q(f, S->beta1, adam);
    csv_q(f, S->beta2, adam);
    csv_q(f, S->xi, adam);
    fprintf(f, ",%s,%ld", prec == CPWL_MLP_FLOAT ? "float" : "double",
            (long) r->t);
    csv_meas(f, r->train_loss, 1);
    csv_meas(f, r->test_loss, r->have_test);
    csv_meas(f, r->grad_norm, 1);
    csv_meas(f, r->lambda_min, r->have_hessian);
    csv_meas(f, r->lambda_max, r->have_hessian);
    csv_meas(f, r->res_min, r->have_hessian);
    csv_meas(f, r->res_max, r->have_hessian);
    fprintf(f, ",%.3f\n", r->seconds);
}

/* The last row of run k that has lambda_min (the table's Hessian
   columns: the final iterate's when it was measured there). */
static const cpwl_experiment_row *cmp_last_hess(const cpwl_experiment_cmp_t
                                                C, slong k)
{
    slong i;
    for (i = C->nrows[k] - 1; i >= 0; i--)
        if (C->rows[k][i].have_hessian)
            return C->rows[k] + i;
    return NULL;
}

void cpwl_experiment_table_csv(FILE *f, const cpwl_experiment_cmp_t C)
{
    slong s, fa;
    fprintf(f, "shape,family,setting,t,train_loss,test_loss,grad_norm,"
            "lambda_min,lambda_max\n");
    for (s = 0; s < C->nshapes; s++)
        for (fa = 0; fa < C->nfamilies; fa++)
        {
            slong b = C->best == NULL ? -1 : C->best[s * C->nfamilies + fa];
            const cpwl_experiment_row *r, *hr;
            fprintf(f, "%s,%s,", C->shape_text[s], C->family_text[fa]);
            if (b < 0)
            {
                fprintf(f, "none,,,,,,\n");
                continue;
            }
            r = C->rows[s * C->nsettings + b]
                + C->nrows[s * C->nsettings + b] - 1;
            hr = cmp_last_hess(C, s * C->nsettings + b);
            fprintf(f, "%s,%ld", C->settings[b].text, (long) r->t);
            csv_num(f, r->train_loss);
            csv_num(f, r->test_loss);
            csv_num(f, r->grad_norm);
            csv_num(f, hr != NULL ? hr->lambda_min : NAN);
            csv_num(f, hr != NULL ? hr->lambda_max : NAN);
            fputc('\n', f);
        }
}

static void md_num(FILE *f, double v)
{
    if (isnan(v))
        fprintf(f, " | ");
    else
        fprintf(f, " | %.4g", v);
}

void cpwl_experiment_table_md(FILE *f, const cpwl_experiment_cmp_t C)
{
    slong s, fa;
    fprintf(f, "| shape | family | best setting | train loss | test loss | "
            "grad norm | lambda_min | lambda_max |\n"
            "|---|---|---|---|---|---|---|---|\n");
    for (s = 0; s < C->nshapes; s++)
        for (fa = 0; fa < C->nfamilies; fa++)
        {
            slong b = C->best == NULL ? -1 : C->best[s * C->nfamilies + fa];
            const cpwl_experiment_row *r, *hr;
            fprintf(f, "| %s | %s | ", C->shape_text[s], C->family_text[fa]);
            if (b < 0)
            {
                fprintf(f, "none (no finished run with a finite loss) "
                        "| | | | | |\n");
                continue;
            }
            r = C->rows[s * C->nsettings + b]
                + C->nrows[s * C->nsettings + b] - 1;
            hr = cmp_last_hess(C, s * C->nsettings + b);
            fprintf(f, "%s", C->settings[b].text);
            md_num(f, r->train_loss);
            md_num(f, r->test_loss);
            md_num(f, r->grad_norm);
            md_num(f, hr != NULL ? hr->lambda_min : NAN);
            md_num(f, hr != NULL ? hr->lambda_max : NAN);
            fprintf(f, " |\n");
        }
}
