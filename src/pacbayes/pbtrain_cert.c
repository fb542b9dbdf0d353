/* The trained posterior and its prior as cpwl-gauss files, the data as
   exact points, and the certificate of `cpwl pacbayes certify` (the same
   library calls in the same order, so that the command run on the files
   gives the same numbers). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl/pbtrain.h"
#include "cpwl/ieee.h"
#include <flint/fmpq_vec.h>

/* A growing string. */
typedef struct
{
    char *s;
    size_t len, cap;
}
sbuf;

static void sb_put(sbuf *b, const char *t, size_t n)
{
    if (b->len + n + 1 > b->cap)
    {
        b->cap = FLINT_MAX(2 * b->cap, b->len + n + 1 + 4096);
        b->s = flint_realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, t, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *t)
{
    sb_put(b, t, strlen(t));
}

/* A binary64 as a quoted C99 hex float ("%a" is exact: every bit of the
   significand is printed). */
static void sb_hex(sbuf *b, double v)
{
    char t[48];
    int n = snprintf(t, sizeof(t), "\"%a\"", v);
    sb_put(b, t, (size_t) n);
}

/* Layers of values v (parameter order) shaped as the network: key
   "layers": [{weights, bias}, ...]; with act, the activation too. */
static void sb_layers(sbuf *b, const cpwl_pbtrain_t T, const double *v,
                      int act)
{
    slong l, i, j, k = 0;
    sb_str(b, "\"layers\": [");
    for (l = 1; l <= T->nlayers; l++)
    {
        slong n = T->width[l - 1], c = T->width[l];
        sb_str(b, l > 1 ? ",\n  {" : "\n  {");
        if (act)
            sb_str(b, l < T->nlayers ? "\"activation\": \"relu\", "
                   : "\"activation\": \"identity\", ");
        sb_str(b, "\"weights\": [");
        for (i = 0; i < c; i++)
        {
            sb_str(b, i > 0 ? ",\n    [" : "\n    [");
            for (j = 0; j < n; j++)
            {
                if (j > 0)
                    sb_str(b, ",");
                sb_hex(b, v[k++]);
            }
            sb_str(b, "]");
        }
        sb_str(b, "],\n   \"bias\": [");
        for (i = 0; i < c; i++)
        {
            if (i > 0)
                sb_str(b, ",");
            sb_hex(b, v[k++]);
        }
        sb_str(b, "]}");
    }
    sb_str(b, "]");
}

char *cpwl_pbtrain_gauss_str(const cpwl_pbtrain_t T, int prior)
{
    sbuf b = {NULL, 0, 0};
    char t[64];
    slong d = T->d;
    snprintf(t, sizeof(t), "%ld", (long) T->width[0]);
    sb_str(&b, "{\"format\": \"cpwl-gauss\", \"version\": 1,\n"
           "\"mean\": {\"format\": \"cpwl-net\", \"version\": 1, "
           "\"input_dim\": ");
    sb_str(&b, t);
    sb_str(&b, ",\n");
    sb_layers(&b, T, prior ? T->w0 : T->x, 1);
    sb_str(&b, "},\n\"sigma\": ");
    if (prior)
        sb_hex(&b, T->sigma0);
    else
    {
        double *s = flint_malloc(d * sizeof(double));
        cpwl_pbtrain_sigma(s, T);
        sb_str(&b, "{");
        sb_layers(&b, T, s, 0);
        sb_str(&b, "}");
        flint_free(s);
    }
    sb_str(&b, ",\n\"meta\": {\"written_by\": \"cpwl experiment pacbayes\", "
           "\"role\": ");
    sb_str(&b, prior ? "\"prior\"}}\n" : "\"posterior\"}}\n");
    return b.s;
}

static int write_text(const char *path, const char *s, size_t len,
                      cpwl_err_t e)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: cannot write: %s", path,
                            strerror(errno));
    if (fwrite(s, 1, len, f) != len)
    {
        fclose(f);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: write failed: %s", path,
                            strerror(errno));
    }
    if (fclose(f) != 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: write failed: %s", path,
                            strerror(errno));
    return CPWL_OK;
}

int cpwl_pbtrain_write_gauss(const char *path, const cpwl_pbtrain_t T,
                             int prior, cpwl_err_t e)
{
    char *s = cpwl_pbtrain_gauss_str(T, prior);
    int status = write_text(path, s, strlen(s), e);
    flint_free(s);
    return status;
}

void cpwl_pbtrain_erm_data(cpwl_erm_data_t data, const double *X,
                           const int *labels, slong m, slong n)
{
    slong i, j;
    cpwl_erm_data_clear(data);
    data->D = m;
    data->n = n;
    data->X = _fmpq_vec_init(m * n);
    data->y = _fmpq_vec_init(m);
    for (i = 0; i < m; i++)
    {
        for (j = 0; j < n; j++)
            cpwl_ieee_get_fmpq(data->X + i * n + j, X[i * n + j]);
        fmpq_set_si(data->y + i, labels[i], 1);
    }
}

int cpwl_pbtrain_write_csv(const char *path, const cpwl_erm_data_t data,
                           cpwl_err_t e)
{
    slong i, j, n = data->n;
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: cannot write: %s", path,
                            strerror(errno));
    fprintf(f, "# %ld points, %ld coordinates (exact rationals), the label "
            "last\n", (long) data->D, (long) n);
    for (i = 0; i < data->D; i++)
    {
        for (j = 0; j < n; j++)
        {
            fmpq_fprint(f, data->X + i * n + j);
            fputc(',', f);
        }
        fmpq_fprint(f, data->y + i);
        fputc('\n', f);
    }
    if (ferror(f) | (fclose(f) != 0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: write failed", path);
    return CPWL_OK;
}

void cpwl_pbtrain_cert_init(cpwl_pbtrain_cert_t C)
{
    arb_init(C->kl);
    arb_init(C->union_term);
    arb_init(C->emp_upper);
    fmpq_init(C->emp_upper_q);
    cpwl_stochnet_risk_init(C->R);
    cpwl_pacbayes_bound_init(C->B);
}

void cpwl_pbtrain_cert_clear(cpwl_pbtrain_cert_t C)
{
    arb_clear(C->kl);
    arb_clear(C->union_term);
    arb_clear(C->emp_upper);
    fmpq_clear(C->emp_upper_q);
    cpwl_stochnet_risk_clear(C->R);
    cpwl_pacbayes_bound_clear(C->B);
}

int cpwl_pbtrain_certify(cpwl_pbtrain_cert_t C, const cpwl_stochnet_t Q,
                         const cpwl_stochnet_t P, const cpwl_erm_data_t data,
                         cpwl_pacbayes_kind kind, const fmpq_t delta,
                         const fmpq_t delta_samples, slong samples,
                         uint64_t seed, slong digits, slong prec,
                         volatile sig_atomic_t *stop,
                         cpwl_stochnet_progress_fn progress,
                         void *progress_data, cpwl_err_t e)
{
    cpwl_pacbayes_input_t in;
    cpwl_stochnet_loss_t loss;
    int status;

    cpwl_pacbayes_input_init(in);
    cpwl_stochnet_loss_init(loss);      /* the 0-1 loss */
    in->kind = kind;
    fmpz_set_si(in->m, data->D);
    fmpq_set(in->delta, delta);
    if ((status = cpwl_stochnet_compatible(P, Q, e)) != CPWL_OK
        || (status = cpwl_pacbayes_input_check(in, e)) != CPWL_OK
        || (status = cpwl_gauss_kl(C->kl, Q->w, P->w, prec, e)) != CPWL_OK)
        goto done;
    if (P->grid_j > 0)
        cpwl_gauss_grid_union_term(C->union_term, P->grid_j, prec);
    else
        arb_zero(C->union_term);
    if ((status = cpwl_stochnet_risk_loss(C->R, Q, data, loss, samples, seed,
                                          stop, progress, progress_data,
                                          e)) != CPWL_OK)
        goto done;
    if (C->R->samples == 0)
    {
        status = cpwl_err_set(e, CPWL_ERR_INPUT, "stopped before the first "
                              "network was drawn: nothing certified");
        goto done;
    }
    /* Sample convergence (Langford and Caruana 2002): q = the upper end
       of kl^{-1}(e_N, ln(2/delta')/N), rounded up, at most 1. */
    if ((status = cpwl_stochnet_risk_upper(C->emp_upper, C->R->emp,
                                           C->R->samples, delta_samples, prec,
                                           e)) != CPWL_OK)
        goto done;
    cpwl_pacbayes_round_up(C->emp_upper_q, C->emp_upper, digits);
    if (fmpz_cmp(fmpq_numref(C->emp_upper_q), fmpq_denref(C->emp_upper_q)) > 0)
        fmpq_one(C->emp_upper_q);
    arb_set(in->kl, C->kl);
    arb_set_fmpq(in->emp, C->emp_upper_q, prec);
    arb_set(in->union_term, C->union_term);
    if ((status = cpwl_pacbayes_input_check(in, e)) != CPWL_OK)
        goto done;
    status = cpwl_pacbayes_bound(C->B, in, digits, prec, e);
done:
    cpwl_stochnet_loss_clear(loss);
    cpwl_pacbayes_input_clear(in);
    return status;
}
