/* cpwl autoencoder: the printing the actions share (autoencoder.h). */
#include <string.h>
#include "autoencoder.h"

char *cli_ae_norm_text(const fmpq_t norm2)
{
    arb_t b;
    char *s;
    arb_init(b);
    cpwl_ae_norm_arb(b, norm2, 128);
    s = cli_arb_str(b, 0, 20);
    arb_clear(b);
    return s;
}

void cli_ae_print_vec(FILE *f, const fmpq *v, slong n)
{
    fputc('(', f);
    cli_print_fmpq_vec(f, v, n, ", ", 0);
    fputc(')', f);
}

void cli_ae_json_vec(FILE *f, const fmpq *v, slong n)
{
    fputc('[', f);
    cli_print_fmpq_vec(f, v, n, ", ", 1);
    fputc(']', f);
}

void cli_ae_json_matrix(FILE *f, const fmpq *M, slong rows, slong cols)
{
    slong i;
    fputc('[', f);
    for (i = 0; i < rows; i++)
    {
        if (i > 0)
            fputs(", ", f);
        cli_ae_json_vec(f, M + i * cols, cols);
    }
    fputc(']', f);
}

void cli_ae_json_q(FILE *f, const fmpq_t q)
{
    fputc('"', f);
    fmpq_fprint(f, q);
    fputc('"', f);
}

int cli_ae_parse_relu_d0(int *r, const char *sub, const char *s)
{
    if (strcmp(s, "0") == 0 || strcmp(s, "1") == 0)
    {
        *r = s[0] - '0';
        return CPWL_OK;
    }
    return cli_usage(sub, "--relu-prime0: expected 0 or 1, got '%.40s'", s);
}

/* --x: h exact literals, one per atom. */

/* The text's rows: the label in a column of 24 characters. */
void cli_ae_row(const char *label, const char *value)
{
    printf("%-24s%s\n", label, value);
}

void cli_ae_qline(const char *label, const fmpq_t q)
{
    char *s = cli_q_str(q, 1);
    cli_ae_row(label, s);
    flint_free(s);
}

void cli_ae_vline(const char *label, const fmpq *v, slong n)
{
    printf("%-24s", label);
    cli_ae_print_vec(stdout, v, n);
    putchar('\n');
}
