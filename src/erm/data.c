/* ERM data: CSV rows read exactly (see cpwl/erm.h). */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "cpwl/erm.h"
#include "cpwl/io.h"
#include "cpwl/num.h"
#include "erm_impl.h"

void erm_data_init(erm_data_t data)
{
    memset(data, 0, sizeof(erm_data_struct));
}

void erm_data_clear(erm_data_t data)
{
    if (data->X != NULL)
        _fmpq_vec_clear(data->X, data->D * data->n);
    if (data->y != NULL)
        _fmpq_vec_clear(data->y, data->D);
    memset(data, 0, sizeof(erm_data_struct));
}

/* Append one parsed row (n + 1 numbers) to the growing data. */
static void data_push(erm_data_t data, slong *alloc, const fmpq *row)
{
    slong n = data->n, i;
    if (data->D == *alloc)
    {
        slong a = FLINT_MAX(16, 2 * *alloc);
        /* fmpq may be moved bytewise */
        data->X = flint_realloc(data->X, a * n * sizeof(fmpq));
        data->y = flint_realloc(data->y, a * sizeof(fmpq));
        for (i = *alloc * n; i < a * n; i++)
            fmpq_init(data->X + i);
        for (i = *alloc; i < a; i++)
            fmpq_init(data->y + i);
        *alloc = a;
    }
    qvec_set(data->X + data->D * n, row, n);
    fmpq_set(data->y + data->D, row + n);
    data->D++;
}

/* Shrink the arrays to D entries (so that clear sees the right sizes). */
static void data_fit(erm_data_t data, slong alloc)
{
    slong i;
    for (i = data->D * data->n; i < alloc * data->n; i++)
        fmpq_clear(data->X + i);
    for (i = data->D; i < alloc; i++)
        fmpq_clear(data->y + i);
    if (data->D == 0)
    {
        flint_free(data->X);
        flint_free(data->y);
        data->X = data->y = NULL;
    }
}

/* The cell starting at a (ending at the next ',' or at stop), without
   surrounding blanks: [*ca, *cb).  Returns where it ends. */
static size_t next_cell(size_t *ca, size_t *cb, const char *text, size_t a,
                        size_t stop)
{
    size_t b = a;
    while (b < stop && text[b] != ',')
        b++;
    *ca = a;
    *cb = b;
    while (*ca < *cb && (text[*ca] == ' ' || text[*ca] == '\t'))
        (*ca)++;
    while (*cb > *ca && (text[*cb - 1] == ' ' || text[*cb - 1] == '\t'))
        (*cb)--;
    return b;
}

int erm_data_read_str_stop(erm_data_t data, int *stopped, const char *text,
                           size_t len, const char *name,
                           volatile sig_atomic_t *interrupt, err_t e)
{
    size_t pos = 0;
    slong line = 0, alloc = 0, cols = -1;
    fmpq *row = NULL;
    int st = CPWL_OK, first = 1;
    char q[ERR_QUOTE_SIZE];

    erm_data_clear(data);
    *stopped = 0;
    while (pos < len && st == CPWL_OK)
    {
        size_t end = pos, stop;
        slong ncell = 0;
        const char *s = text + pos;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        /* A comment runs to the end of the line; \r before \n is ignored. */
        stop = pos;
        while (stop < end && text[stop] != '#')
            stop++;
        while (stop > pos && (text[stop - 1] == '\r' || text[stop - 1] == ' '
                              || text[stop - 1] == '\t'))
            stop--;
        if (memchr(s, '\0', end - pos) != NULL)
        {
            st = err_set(e, CPWL_ERR_INPUT, "%s:%ld: NUL byte in the data",
                         name, (long) line);
            break;
        }
        if (stop > pos)
        {
            /* Count the cells, then parse them. */
            size_t a = pos, b;
            slong c = 1, k;
            int numeric = 0, header = 0;
            for (b = pos; b < stop; b++)
                c += text[b] == ',';
            if (cols < 0)
            {
                if (c < 2)
                {
                    st = err_set(e, CPWL_ERR_INPUT, "%s:%ld: a row needs at "
                                 "least 2 cells (x_1,...,x_n,y), got 1", name,
                                 (long) line);
                    break;
                }
            }
            for (k = 0; k < c; k++)
            {
                size_t ca, cb;
                fmpq_t t;
                err_t ne;
                b = next_cell(&ca, &cb, text, a, stop);
                fmpq_init(t);
                err_init(ne);
                if (num_parse_fmpq(t, text + ca, cb - ca, NUM_EXACT, ne) == CPWL_OK)
                    numeric = 1;
                fmpq_clear(t);
                a = b + 1;
            }
            /* A first line with no number at all is a header. */
            header = first && !numeric;
            first = 0;
            if (header)
            {
                pos = end + 1;
                continue;
            }
            if (cols < 0)
            {
                cols = c;
                data->n = cols - 1;
                row = _fmpq_vec_init(cols);
            }
            else if (c != cols)
            {
                st = err_set(e, CPWL_ERR_INPUT, "%s:%ld: expected %ld cells "
                             "(as in the first row), got %ld", name,
                             (long) line, (long) cols, (long) c);
                break;
            }
            a = pos;
            for (k = 0; k < c; k++)
            {
                size_t ca, cb;
                err_t ne;
                b = next_cell(&ca, &cb, text, a, stop);
                err_init(ne);
                if (num_parse_fmpq(row + k, text + ca, cb - ca, NUM_EXACT, ne)
                    != CPWL_OK)
                {
                    err_quote(q, sizeof q, text + ca, cb - ca);
                    st = err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: cell %ld "
                                 "(%s): %s", name, (long) line,
                                 (long) (ca - pos + 1), (long) k + 1, q,
                                 ne->msg);
                    break;
                }
                ncell++;
                a = b + 1;
            }
            if (st == CPWL_OK)
                data_push(data, &alloc, row);
        }
        pos = end + 1;
        if (erm_stop(interrupt))
        {
            *stopped = 1;
            break;
        }
    }
    if (row != NULL)
        _fmpq_vec_clear(row, cols);
    data_fit(data, alloc);
    if (st == CPWL_OK && data->D == 0 && !*stopped)
        st = err_set(e, CPWL_ERR_INPUT, "%s: no data rows", name);
    if (st != CPWL_OK || *stopped)
        erm_data_clear(data);
    return st;
}

int erm_data_read_str(erm_data_t data, const char *text, size_t len,
                      const char *name, err_t e)
{
    int stopped;
    return erm_data_read_str_stop(data, &stopped, text, len, name, NULL, e);
}

int erm_data_read_file_stop(erm_data_t data, int *stopped, const char *path,
                            volatile sig_atomic_t *interrupt, err_t e)
{
    char *buf;
    size_t len;
    int st;
    *stopped = 0;
    if ((st = io_read_all(&buf, &len, path, e)) != CPWL_OK)
        return st;
    st = erm_data_read_str_stop(data, stopped, buf, len, path, interrupt, e);
    free(buf);
    return st;
}

int erm_data_read_file(erm_data_t data, const char *path, err_t e)
{
    int stopped;
    return erm_data_read_file_stop(data, &stopped, path, NULL, e);
}
