/* cpwl autoencoder: the readers every action shares (autoencoder.h).
   Every failure is one line "cpwl autoencoder ACTION: --OPTION: ..." and
   exit status 2 (1 for an internal error). */
#include <string.h>
#include "autoencoder.h"

/* Report e (from the library) behind the option that gave the input. */
static int ae_fail(const char *sub, const char *opt, const cpwl_err_t e)
{
    cpwl_err_t f;
    cpwl_err_init(f);
    cpwl_err_set(f, e->status == CPWL_OK ? CPWL_ERR_INTERNAL : e->status,
                 "%s: %s", opt, e->msg);
    return cli_fail(sub, f);
}

int cli_ae_read_dict(fmpq_mat_t A, const char *sub, const char *path)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_matrix_read_file(A, path, "dictionary", e) != CPWL_OK)
        return ae_fail(sub, "--dict", e);
    return CPWL_OK;
}

int cli_ae_read_w(fmpq_mat_t W, const char *sub, const char *path,
                  const fmpq_mat_t A)
{
    cpwl_err_t e;
    slong n = fmpq_mat_nrows(A), h = fmpq_mat_ncols(A);
    cpwl_err_init(e);
    if (path == NULL)
    {
        fmpq_mat_clear(W);
        fmpq_mat_init(W, h, n);
        fmpq_mat_transpose(W, A);
        return CPWL_OK;
    }
    if (cpwl_matrix_read_file(W, path, "W", e) != CPWL_OK)
        return ae_fail(sub, "--at", e);
    if (fmpq_mat_nrows(W) != h || fmpq_mat_ncols(W) != n)
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s has %ld rows and %ld columns; W "
                     "must be h x n = %ld x %ld for the dictionary (n = %ld, "
                     "h = %ld)", path, (long) fmpq_mat_nrows(W),
                     (long) fmpq_mat_ncols(W), (long) h, (long) n, (long) n,
                     (long) h);
        return ae_fail(sub, "--at", e);
    }
    return CPWL_OK;
}

/* The comma list s: its number of entries, and, when v is not NULL and
   it has want entries, the entries (exact literals) in v. */
static int ae_list(fmpq *v, slong *count, slong want, const char *sub,
                   const char *opt, const char *s)
{
    const char *p = s;
    slong k = 1, i;
    cpwl_err_t e;
    char q[CPWL_ERR_QUOTE_SIZE];
    for (p = s; *p != '\0'; p++)
        k += *p == ',';
    *count = k;
    if (v == NULL || k != want)
        return CPWL_OK;
    cpwl_err_init(e);
    for (i = 0, p = s; i < k; i++)
    {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t) (end - p) : strlen(p);
        while (len > 0 && *p == ' ')
            p++, len--;
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (cpwl_num_parse_fmpq(v + i, p, len, CPWL_NUM_EXACT, e) != CPWL_OK)
        {
            cpwl_err_quote(q, sizeof q, p, len);
            return cli_usage(sub, "%s: entry %ld (%s): %s", opt,
                             (long) i + 1, q, e->msg);
        }
        p = end != NULL ? end + 1 : p + len;
    }
    return CPWL_OK;
}

int cli_ae_parse_eps(fmpq *eps, int *scalar, const char *sub,
                     const char *s, slong h)
{
    slong k, i;
    int st;
    ae_list(NULL, &k, h, sub, "--eps", s);
    if (k != 1 && k != h)
        return cli_usage(sub, "--eps: expected one exact literal (the same "
                         "threshold for every atom) or h = %ld of them, comma "
                         "separated; got %ld", (long) h, (long) k);
    if ((st = ae_list(eps, &k, k, sub, "--eps", s)) != CPWL_OK)
        return st;
    *scalar = k == 1;
    for (i = 1; k == 1 && i < h; i++)
        fmpq_set(eps + i, eps);
    return CPWL_OK;
}

int cli_ae_parse_y(fmpq *y, const char *sub, const char *s, slong n)
{
    slong k;
    ae_list(NULL, &k, n, sub, "--y", s);
    if (k != n)
        return cli_usage(sub, "--y: expected n = %ld exact literals, comma "
                         "separated (one per row of the dictionary); got %ld",
                         (long) n, (long) k);
    return ae_list(y, &k, n, sub, "--y", s);
}

int cli_ae_read_codes(cpwl_codes_t C, const char *sub, const char *s,
                      slong h)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_codes_init_str(C, s, h, e) != CPWL_OK)
        return ae_fail(sub, "--codes", e);
    return CPWL_OK;
}
