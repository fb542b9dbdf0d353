/* ERM data: CSV rows read exactly (see cpwl/erm.h). */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "cpwl/erm.h"
#include "cpwl/io.h"
#include "cpwl/num.h"
#include "erm_impl.h"

void cpwl_erm_data_init(cpwl_erm_data_t data)
{
    memset(data, 0, sizeof(cpwl_erm_data_struct));
}

void cpwl_erm_data_clear(cpwl_erm_data_t data)
{
    if (data->X != NULL)
        _fmpq_vec_clear(data->X, data->D * data->n);
    if (data->y != NULL)
        _fmpq_vec_clear(data->y, data->D);
    memset(data, 0, sizeof(cpwl_erm_data_struct));
}

/* Append one parsed row (n + 1 numbers) to the growing data. */
static void data_push(cpwl_erm_data_t data, slong *alloc, const fmpq *row)
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
static void data_fit(cpwl_erm_data_t data, slong alloc)
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

/* ---- CSV dialects ------------------------------------------------------

   A row is one line (LF or CRLF); cells are separated by ',' ';' or a
   tab (one of them per file: given, or the first of tab, ';', ',' found
   outside quotes in the first row); a cell may be quoted "..." with ""
   for a quote inside; blanks around cells are ignored; '#' outside
   quotes starts a comment; a UTF-8 byte order mark at the start is
   skipped.  Quoted cells hold numbers too ("1/2" is 1/2): spreadsheets
   quote freely. */

typedef struct
{
    size_t a, b;                /* the cell's text, quotes removed */
    int esc;                    /* holds a "" escape: not a number */
}
csv_cell;

typedef struct
{
    const char *text, *name;
    size_t line_start;          /* offset of the line (columns count from it) */
    slong line;
    int sep;
    csv_cell *cells;
    slong ncells, alloc;
    cpwl_err_struct *e;
}
csv_reader;

static int csv_blank(const csv_reader *C, char c)
{
    return c == ' ' || (c == '\t' && C->sep != '\t');
}

static int csv_bad(csv_reader *C, size_t at, const char *what)
{
    return cpwl_err_set(C->e, CPWL_ERR_INPUT, "%s:%ld:%ld: %s", C->name,
                        (long) C->line, (long) (at - C->line_start + 1), what);
}

static void csv_add(csv_reader *C, size_t a, size_t b, int esc)
{
    if (C->ncells == C->alloc)
    {
        C->alloc = FLINT_MAX(8, 2 * C->alloc);
        C->cells = flint_realloc(C->cells, C->alloc * sizeof(csv_cell));
    }
    C->cells[C->ncells].a = a;
    C->cells[C->ncells].b = b;
    C->cells[C->ncells].esc = esc;
    C->ncells++;
}

/* The separator of the line text[p, stop): the first of tab, ';', ','
   that occurs outside quotes (',' if none does). */
static int csv_detect(const char *text, size_t p, size_t stop)
{
    int inq = 0, tab = 0, semi = 0;
    for (; p < stop; p++)
    {
        char c = text[p];
        if (c == '"')
            inq = !inq;
        else if (!inq && c == '#')
            break;
        else if (!inq)
        {
            tab |= c == '\t';
            semi |= c == ';';
        }
    }
    return tab ? '\t' : semi ? ';' : ',';
}

/* Split the line text[p, stop) into C->cells; no cells for a line that
   is blank or a comment. */
static int csv_split(csv_reader *C, size_t p, size_t stop)
{
    const char *t = C->text;
    C->ncells = 0;
    for (;;)
    {
        size_t a, b;
        int esc = 0;
        while (p < stop && csv_blank(C, t[p]))
            p++;
        if (p < stop && t[p] == '"')
        {
            size_t open = p;
            a = ++p;
            for (;;)
            {
                while (p < stop && t[p] != '"')
                    p++;
                if (p == stop)
                    return csv_bad(C, open, "unterminated quoted cell (a "
                                   "closing '\"' is missing on this line)");
                if (p + 1 < stop && t[p + 1] == '"')
                {
                    esc = 1;
                    p += 2;
                    continue;
                }
                break;
            }
            b = p++;
            while (p < stop && csv_blank(C, t[p]))
                p++;
            if (p < stop && t[p] != C->sep && t[p] != '#')
                return csv_bad(C, p, "expected a separator after the "
                               "closing '\"' of a quoted cell");
        }
        else
        {
            a = p;
            while (p < stop && t[p] != C->sep && t[p] != '#')
            {
                if (t[p] == '"')
                    return csv_bad(C, p, "'\"' inside an unquoted cell "
                                   "(quote the whole cell, with \"\" for "
                                   "a quote)");
                p++;
            }
            b = p;
            while (b > a && csv_blank(C, t[b - 1]))
                b--;
            /* A blank or comment line has no cells. */
            if (C->ncells == 0 && a == b && (p == stop || t[p] == '#'))
                return CPWL_OK;
        }
        csv_add(C, a, b, esc);
        if (p == stop || t[p] == '#')
            return CPWL_OK;
        p++;                    /* the separator */
    }
}

/* Whether a cell of a first row names a column: text that cannot be
   the start of a number.  "1/0" or "nan" is a bad number, not a name,
   so that no data row is taken for a header. */
static int csv_is_name(const csv_reader *C, const csv_cell *c)
{
    const char *s = C->text + c->a;
    size_t n = c->b - c->a, k = 0;
    char low[10];
    if (c->esc)
        return 1;
    if (n == 0 || strchr("0123456789+-.", s[0]) != NULL)
        return 0;
    if (n < sizeof low)
    {
        for (k = 0; k < n; k++)
            low[k] = (s[k] >= 'A' && s[k] <= 'Z') ? s[k] - 'A' + 'a' : s[k];
        low[n] = '\0';
        if (!strcmp(low, "nan") || !strcmp(low, "inf")
            || !strcmp(low, "infinity"))
            return 0;
    }
    return 1;
}

int cpwl_erm_data_read_str_sep(cpwl_erm_data_t data, int *stopped, const char *text,
                               size_t len, const char *name, int sep,
                               volatile sig_atomic_t *interrupt, cpwl_err_t e)
{
    return erm_data_read_csv(data, NULL, stopped, text, len, name, sep,
                             "x_1,...,x_n,y", interrupt, e);
}

int erm_data_read_csv(cpwl_erm_data_t data, slong **where, int *stopped,
                      const char *text, size_t len, const char *name, int sep,
                      const char *shape, volatile sig_atomic_t *interrupt,
                      cpwl_err_t e)
{
    csv_reader C;
    size_t pos = 0;
    slong alloc = 0, cols = -1, k;
    fmpq *row = NULL;
    int st = CPWL_OK, first = 1, header = 0;
    char q[CPWL_ERR_QUOTE_SIZE];

    cpwl_erm_data_clear(data);
    *stopped = 0;
    if (where != NULL)
        *where = NULL;
    if (sep != 0 && sep != ',' && sep != ';' && sep != '\t')
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: separator %d: expected ',', "
                            "';' or a tab", name, sep);
    memset(&C, 0, sizeof C);
    C.text = text;
    C.name = name;
    C.sep = sep;
    C.e = e;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    while (pos < len && st == CPWL_OK)
    {
        size_t end = pos, stop;
        while (end < len && text[end] != '\n')
            end++;
        C.line++;
        C.line_start = pos;
        stop = end;
        if (stop > pos && text[stop - 1] == '\r')
            stop--;
        if (memchr(text + pos, '\0', end - pos) != NULL)
        {
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld: NUL byte in the data",
                              name, (long) C.line);
            break;
        }
        if (C.sep == 0)
        {
            /* Detect on the first line with content. */
            int s = csv_detect(text, pos, stop);
            C.sep = s;
            if ((st = csv_split(&C, pos, stop)) != CPWL_OK)
                break;
            if (C.ncells == 0)
                C.sep = 0;
        }
        else if ((st = csv_split(&C, pos, stop)) != CPWL_OK)
            break;
        if (C.ncells > 0)
        {
            if (cols < 0 && C.ncells < 2)
            {
                st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld: a row needs at "
                                  "least 2 cells (%s), got 1", name,
                                  (long) C.line, shape);
                break;
            }
            if (first)
            {
                first = 0;
                for (k = 0; k < C.ncells && !header; k++)
                    header = csv_is_name(&C, C.cells + k);
                cols = C.ncells;
                data->n = cols - 1;
                row = _fmpq_vec_init(cols);
                if (header)
                {
                    pos = end + 1;
                    continue;
                }
            }
            else if (C.ncells != cols)
            {
                st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld: expected %ld cells "
                                  "(as in the %s), got %ld", name, (long) C.line,
                                  (long) cols, header ? "header" : "first row",
                                  (long) C.ncells);
                break;
            }
            for (k = 0; k < cols; k++)
            {
                const csv_cell *c = C.cells + k;
                cpwl_err_t ne;
                cpwl_err_init(ne);
                if (c->esc)
                    cpwl_err_set(ne, CPWL_ERR_INPUT, "expected a number");
                if (c->esc || cpwl_num_parse_fmpq(row + k, text + c->a,
                                                  c->b - c->a, CPWL_NUM_EXACT, ne)
                              != CPWL_OK)
                {
                    cpwl_err_quote(q, sizeof q, text + c->a, c->b - c->a);
                    st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: cell %ld "
                                      "(%s): %s", name, (long) C.line,
                                      (long) (c->a - pos + 1), (long) k + 1, q,
                                      ne->msg);
                    break;
                }
            }
            if (st == CPWL_OK)
            {
                if (where != NULL)
                {
                    /* (line, column of the first cell) of every row */
                    if (data->D == alloc)
                        *where = flint_realloc(*where, 2 * FLINT_MAX(16, 2 * alloc)
                                               * sizeof(slong));
                    (*where)[2 * data->D] = C.line;
                    (*where)[2 * data->D + 1] = (slong) (C.cells[0].a - pos + 1);
                }
                data_push(data, &alloc, row);
            }
        }
        pos = end + 1;
        if (erm_stop(interrupt))
        {
            *stopped = 1;
            break;
        }
    }
    flint_free(C.cells);
    if (row != NULL)
        _fmpq_vec_clear(row, cols);
    data_fit(data, alloc);
    if (st == CPWL_OK && data->D == 0 && !*stopped)
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s: no data rows", name);
    if (st != CPWL_OK || *stopped)
    {
        cpwl_erm_data_clear(data);
        if (where != NULL)
        {
            flint_free(*where);
            *where = NULL;
        }
    }
    return st;
}

int cpwl_erm_data_read_str_stop(cpwl_erm_data_t data, int *stopped, const char *text,
                                size_t len, const char *name,
                                volatile sig_atomic_t *interrupt, cpwl_err_t e)
{
    return cpwl_erm_data_read_str_sep(data, stopped, text, len, name, 0,
                                      interrupt, e);
}

int cpwl_erm_data_read_str(cpwl_erm_data_t data, const char *text, size_t len,
                           const char *name, cpwl_err_t e)
{
    int stopped;
    return cpwl_erm_data_read_str_sep(data, &stopped, text, len, name, 0, NULL, e);
}

int cpwl_erm_data_read_file_sep(cpwl_erm_data_t data, int *stopped, const char *path,
                                int sep, volatile sig_atomic_t *interrupt, cpwl_err_t e)
{
    char *buf;
    size_t len;
    int st;
    *stopped = 0;
    if ((st = cpwl_io_read_all(&buf, &len, path, e)) != CPWL_OK)
        return st;
    st = cpwl_erm_data_read_str_sep(data, stopped, buf, len, path, sep, interrupt,
                                    e);
    flint_free(buf);
    return st;
}

int cpwl_erm_data_read_file_stop(cpwl_erm_data_t data, int *stopped, const char *path,
                                 volatile sig_atomic_t *interrupt, cpwl_err_t e)
{
    return cpwl_erm_data_read_file_sep(data, stopped, path, 0, interrupt, e);
}

int cpwl_erm_data_read_file(cpwl_erm_data_t data, const char *path, cpwl_err_t e)
{
    int stopped;
    return cpwl_erm_data_read_file_sep(data, &stopped, path, 0, NULL, e);
}
