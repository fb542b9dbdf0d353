/* ERM certificates: writing (the format is in docs/erm.md; verify.c
   checks them). */
#include <stdio.h>
#include <string.h>
#include "cpwl/erm.h"
#include "cpwl/io.h"
#include "erm_impl.h"

static void put_q(FILE *f, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    fprintf(f, "\"%s\"", s);
    flint_free(s);
}

static void put_qvec(FILE *f, const fmpq *v, slong n)
{
    slong i;
    fputc('[', f);
    for (i = 0; i < n; i++)
    {
        if (i)
            fputs(", ", f);
        put_q(f, v + i);
    }
    fputc(']', f);
}

static void put_sol(FILE *f, const cpwl_qp_sol_struct *s)
{
    fputs("{\"value\": ", f);
    put_q(f, s->value);
    fputs(", \"theta\": ", f);
    put_qvec(f, s->theta, s->k);
    fputs(", \"lambda\": ", f);
    put_qvec(f, s->lambda, s->m);
    fputs(", \"mu\": ", f);
    put_qvec(f, s->mu, s->D);
    fputc('}', f);
}

int cpwl_erm_certificate_write(FILE *f, const cpwl_erm_result_t r,
                               const cpwl_erm_data_t data, const cpwl_erm_opts *o)
{
    slong i, j;
    const cpwl_erm_dich_struct *S = &r->dich;
    fprintf(f, "{\"format\": \"cpwl-erm-certificate\", \"version\": 2,\n"
            " \"loss\": \"%s\", \"width\": %ld, \"output_bias\": %s,\n"
            " \"points\": %ld, \"dim\": %ld,\n \"optimum\": ",
            o->loss == CPWL_QP_SQUARED ? "squared" : o->loss == CPWL_QP_L1 ? "l1"
            : "hinge", (long) o->width, o->output_bias ? "true" : "false",
            (long) data->D, (long) data->n);
    put_q(f, r->optimum);
    {
        /* The witness: checked by evaluating it, apart from the cells. */
        char *s = cpwl_io_net_write_str(r->net);
        fprintf(f, ", \"optimal_cell\": %ld,\n \"network\": %.*s,\n "
                "\"dichotomies\": [", (long) r->opt_cell,
                (int) strlen(s) - (s[0] && s[strlen(s) - 1] == '\n'), s);
        flint_free(s);
    }
    for (i = 0; i < S->count; i++)
    {
        slong first = 1;
        fputs(i ? ",\n  [" : "\n  [", f);
        for (j = 0; j < data->D; j++)
            if (erm_in_set(S, i, j))
            {
                fprintf(f, first ? "%ld" : ", %ld", (long) j);
                first = 0;
            }
        fputc(']', f);
    }
    fputs("],\n \"cells\": [", f);
    /* sols are in solving order: index them by cell */
    {
        slong *where = flint_malloc(FLINT_MAX(r->cells, 1) * sizeof(slong));
        for (i = 0; i < r->cells; i++)
            where[i] = -1;
        for (i = 0; i < r->nsols; i++)
            where[r->sol_cell[i]] = i;
        for (i = 0; i < r->cells; i++)
        {
            fputs(i ? ",\n  " : "\n  ", f);
            if (where[i] >= 0)
                put_sol(f, r->sols + where[i]);
            else
            {
                fputs("{\"lower_bound\": ", f);
                put_q(f, r->bounds + i);
                fputc('}', f);
            }
        }
        flint_free(where);
    }
    fputs("]}\n", f);
    return ferror(f) ? CPWL_ERR_INPUT : CPWL_OK;
}
