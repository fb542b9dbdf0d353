/* Matrix files of chapter 4 (dictionaries A, weights W): CSV through the
   data files' reader, JSON through the yajl tree; writers (cpwl/dict.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "cpwl/dict.h"
#include "cpwl/erm.h"
#include "cpwl/io.h"
#include "cpwl/num.h"
#include "erm/erm_impl.h"
#include "json.h"

/* Past this many rows or columns a matrix file is refused: beyond it an
   exact expected gradient is out of reach anyway. */
#define MATRIX_MAX_SIDE ((slong) 1 << 16)

static int matrix_check_size(const char *name, const char *what, slong r,
                             slong c, cpwl_err_t e)
{
    if (r > MATRIX_MAX_SIDE || c > MATRIX_MAX_SIDE)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: the %s has %ld rows and "
                            "%ld columns; expected at most %ld of each", name,
                            what, (long) r, (long) c, (long) MATRIX_MAX_SIDE);
    return CPWL_OK;
}

/* ---- CSV ---------------------------------------------------------------- */

/* Whether the first line with content of text[pos, len) has no separator
   (tab, ';', ',') outside quotes before a comment: the data reader,
   which needs two cells a row, would see one.  The same scan as its
   separator detection. */
static int csv_one_column(const char *text, size_t pos, size_t len)
{
    while (pos < len)
    {
        size_t p = pos, end = pos;
        int inq = 0;
        while (end < len && text[end] != '\n')
            end++;
        while (p < end && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r'))
            p++;
        if (p == end || text[p] == '#')
        {
            pos = end + 1;
            continue;
        }
        for (p = pos; p < end; p++)
        {
            char c = text[p];
            if (c == '"')
                inq = !inq;
            else if (!inq && c == '#')
                break;
            else if (!inq && (c == '\t' || c == ';' || c == ','))
                return 0;
        }
        return 1;
    }
    return 0;
}

/* A one-column file (a W for n = 1): one cell a line, the conventions of
   the data reader (blanks, quotes, '#' comments, CRLF, a header cell
   that cannot start a number, NUL refused). */
static int csv_read_column(fmpq_mat_t M, const char *text, size_t pos,
                           size_t len, const char *name, const char *what,
                           cpwl_err_t e)
{
    fmpq *v = NULL;
    slong D = 0, alloc = 0, line = 0, i;
    int st = CPWL_OK, first = 1;
    char q[CPWL_ERR_QUOTE_SIZE];

    while (pos < len && st == CPWL_OK)
    {
        size_t end = pos, stop, p, a, b;
        int esc = 0;
        cpwl_err_t ne;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        stop = end;
        if (stop > pos && text[stop - 1] == '\r')
            stop--;
        if (memchr(text + pos, '\0', end - pos) != NULL)
        {
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld: NUL byte in the "
                              "data", name, (long) line);
            break;
        }
        p = pos;
        while (p < stop && (text[p] == ' ' || text[p] == '\t'))
            p++;
        if (p == stop || text[p] == '#')
        {
            pos = end + 1;
            continue;
        }
        if (text[p] == '"')
        {
            size_t open = p;
            a = ++p;
            for (;;)
            {
                while (p < stop && text[p] != '"')
                    p++;
                if (p == stop)
                {
                    st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: "
                                      "unterminated quoted cell (a closing "
                                      "'\"' is missing on this line)", name,
                                      (long) line, (long) (open - pos + 1));
                    break;
                }
                if (p + 1 < stop && text[p + 1] == '"')
                {
                    esc = 1;
                    p += 2;
                    continue;
                }
                break;
            }
            if (st != CPWL_OK)
                break;
            b = p++;
        }
        else
        {
            a = p;
            while (p < stop && text[p] != '#' && text[p] != ','
                   && text[p] != ';' && text[p] != '"')
                p++;
            b = p;
            while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t'))
                b--;
        }
        while (p < stop && (text[p] == ' ' || text[p] == '\t'))
            p++;
        if (p < stop && text[p] != '#')
        {
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: expected 1 cell "
                              "(as in the first row: a one-column %s), got "
                              "more", name, (long) line, (long) (p - pos + 1),
                              what);
            break;
        }
        if (first)
        {
            first = 0;
            /* a header: text that cannot start a number (nan, inf are
               bad numbers, not names) */
            if (esc || (b > a && strchr("0123456789+-.", text[a]) == NULL
                        && !(b - a == 3 && (strncmp(text + a, "nan", 3) == 0
                                            || strncmp(text + a, "inf", 3) == 0))))
            {
                pos = end + 1;
                continue;
            }
        }
        if (D == alloc)
        {
            slong na = FLINT_MAX(16, 2 * alloc);
            v = flint_realloc(v, na * sizeof(fmpq));
            for (i = alloc; i < na; i++)
                fmpq_init(v + i);
            alloc = na;
        }
        cpwl_err_init(ne);
        if (esc)
            cpwl_err_set(ne, CPWL_ERR_INPUT, "expected a number");
        if (esc || cpwl_num_parse_fmpq(v + D, text + a, b - a, CPWL_NUM_EXACT,
                                       ne) != CPWL_OK)
        {
            cpwl_err_quote(q, sizeof q, text + a, b - a);
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: cell 1 (%s): %s",
                              name, (long) line, (long) (a - pos + 1), q,
                              ne->msg);
            break;
        }
        D++;
        pos = end + 1;
    }
    if (st == CPWL_OK && D == 0)
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s: no data rows", name);
    if (st == CPWL_OK)
        st = matrix_check_size(name, what, D, 1, e);
    if (st == CPWL_OK)
    {
        fmpq_mat_clear(M);
        fmpq_mat_init(M, D, 1);
        for (i = 0; i < D; i++)
            fmpq_swap(fmpq_mat_entry(M, i, 0), v + i);
    }
    for (i = 0; i < alloc; i++)
        fmpq_clear(v + i);
    flint_free(v);
    return st;
}

static int matrix_read_csv(fmpq_mat_t M, const char *text, size_t len,
                           const char *name, const char *what, cpwl_err_t e)
{
    cpwl_erm_data_t data;
    slong i, j, r, c;
    int stopped, st;
    size_t pos = (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) ? 3 : 0;

    if (csv_one_column(text, pos, len))
        return csv_read_column(M, text, pos, len, name, what, e);
    cpwl_erm_data_init(data);
    /* the data reader's label column is the matrix's last column */
    st = erm_data_read_csv(data, NULL, &stopped, text, len, name, 0,
                           "the entries of a matrix row", NULL, e);
    if (st == CPWL_OK)
    {
        r = data->D;
        c = data->n + 1;
        st = matrix_check_size(name, what, r, c, e);
    }
    if (st == CPWL_OK)
    {
        fmpq_mat_clear(M);
        fmpq_mat_init(M, r, c);
        for (i = 0; i < r; i++)
        {
            for (j = 0; j + 1 < c; j++)
                fmpq_swap(fmpq_mat_entry(M, i, j), data->X + i * (c - 1) + j);
            fmpq_swap(fmpq_mat_entry(M, i, c - 1), data->y + i);
        }
    }
    cpwl_erm_data_clear(data);
    return st;
}

/* ---- JSON --------------------------------------------------------------- */

typedef struct
{
    const char *name;
    cpwl_err_struct *e;
    slong bits_left;            /* the numbers' total size, bounded */
}
jreader;

static int jbad(jreader *R, const json_value *v, const char *path,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int jbad(jreader *R, const json_value *v, const char *path,
                const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cpwl_err_set(R->e, CPWL_ERR_INPUT, "%s:%ld:%ld: %s: %s", R->name,
                        v->line, v->col, path, msg);
}

/* A JSON integer member ("n", "rows", ...) that must equal want. */
static int jcheck_size(jreader *R, const json_value *obj, const char *key,
                       slong want, const char *meaning)
{
    const json_value *v = json_get(obj, key);
    fmpq_t q;
    cpwl_err_t ne;
    int ok;
    if (v == NULL)
        return CPWL_OK;
    fmpq_init(q);
    cpwl_err_init(ne);
    ok = v->kind == JSON_NUMBER
         && cpwl_num_parse_fmpq(q, v->text, v->len, CPWL_NUM_EXACT, ne) == CPWL_OK
         && fmpz_is_one(fmpq_denref(q));
    if (ok && fmpz_cmp_si(fmpq_numref(q), want) != 0)
    {
        char *t = fmpq_get_str(NULL, 10, q);
        jbad(R, v, key, "%s says %.40s, but the matrix has %ld %s", key, t,
             (long) want, meaning);
        flint_free(t);
        fmpq_clear(q);
        return CPWL_ERR_INPUT;
    }
    fmpq_clear(q);
    if (!ok)
        return jbad(R, v, key, "expected an integer, got %s",
                    v->kind == JSON_NUMBER ? "a non-integer number"
                    : json_kind_name(v->kind));
    return CPWL_OK;
}

static int jnumber(fmpq_t out, jreader *R, const json_value *v,
                   const char *path)
{
    cpwl_err_t ne;
    if (v->kind != JSON_NUMBER && v->kind != JSON_STRING)
        return jbad(R, v, path, "expected a number (a JSON number or a "
                    "string such as \"-1/2\"), got %s", json_kind_name(v->kind));
    cpwl_err_init(ne);
    if (cpwl_num_parse_fmpq(out, v->text, v->len, CPWL_NUM_EXACT, ne) != CPWL_OK)
    {
        char q[CPWL_ERR_QUOTE_SIZE];
        cpwl_err_quote(q, sizeof q, v->text, v->len);
        return jbad(R, v, path, "%s: %s", q, ne->msg);
    }
    R->bits_left -= fmpz_bits(fmpq_numref(out)) + fmpz_bits(fmpq_denref(out));
    if (R->bits_left < 0)
        return jbad(R, v, path, "the numbers of this file are too large in "
                    "total (over %d bits per byte of text)",
                    CPWL_IO_BITS_PER_BYTE);
    return CPWL_OK;
}

static const char *const matrix_members[] = {
    "matrix", "n", "h", "rows", "cols", "coherence2", "mu", "unit_columns",
    "generator", "seed", NULL
};

static int matrix_read_json(fmpq_mat_t M, const char *text, size_t len,
                            const char *name, const char *what, cpwl_err_t e)
{
    json_value *top = json_parse(text, len, name, e), *rows;
    jreader R;
    slong r, c = 0, i, j;
    int st = CPWL_OK, wt;
    const char *pre;
    char path[96];

    if (top == NULL)
        return e->status != CPWL_OK ? e->status : CPWL_ERR_INPUT;
    R.name = name;
    R.e = e;
    R.bits_left = (slong) FLINT_MIN(len, (size_t) WORD_MAX / 512)
                  * CPWL_IO_BITS_PER_BYTE + 4096;
    rows = top;
    pre = "";
    if (top->kind == JSON_OBJECT)
    {
        size_t k;
        for (k = 0; k < top->n; k++)
        {
            const char *const *m = matrix_members;
            while (*m != NULL && strcmp(*m, top->keys[k]) != 0)
                m++;
            if (*m == NULL)
            {
                char q[CPWL_ERR_QUOTE_SIZE];
                cpwl_err_quote(q, sizeof q, top->keys[k], strlen(top->keys[k]));
                st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: top level: "
                                  "unknown member %s; expected \"matrix\" "
                                  "(and n, h, rows, cols, coherence2, mu, "
                                  "unit_columns, generator, seed)", name,
                                  top->key_line[k], top->key_col[k], q);
                goto done;
            }
        }
        rows = json_get(top, "matrix");
        if (rows == NULL)
        {
            st = jbad(&R, top, "top level", "expected a member \"matrix\" "
                      "(an array of rows) in the %s object", what);
            goto done;
        }
        pre = "matrix";
    }
    if (rows->kind != JSON_ARRAY)
    {
        st = jbad(&R, rows, pre[0] ? pre : "top level", "expected an array "
                  "of rows (arrays of numbers), got %s",
                  json_kind_name(rows->kind));
        goto done;
    }
    r = (slong) rows->n;
    if (r == 0)
    {
        st = jbad(&R, rows, pre[0] ? pre : "top level", "expected at least "
                  "one row, got an empty array");
        goto done;
    }
    for (i = 0; i < r; i++)
    {
        const json_value *row = rows->items[i];
        snprintf(path, sizeof path, "%s[%ld]", pre, (long) i);
        if (row->kind != JSON_ARRAY)
        {
            st = jbad(&R, row, path, "expected a row (an array of numbers), "
                      "got %s", json_kind_name(row->kind));
            goto done;
        }
        if (row->n == 0)
        {
            st = jbad(&R, row, path, "expected a row of numbers, got an "
                      "empty array");
            goto done;
        }
        if (i == 0)
            c = (slong) row->n;
        else if ((slong) row->n != c)
        {
            st = jbad(&R, row, path, "expected %ld entries (as %s[0]), got "
                      "%ld", (long) c, pre, (long) row->n);
            goto done;
        }
    }
    if ((st = matrix_check_size(name, what, r, c, e)) != CPWL_OK)
        goto done;
    /* n and h are a dictionary's sizes: n x h; W is h x n */
    wt = strcmp(what, "W") == 0;
    if (top->kind == JSON_OBJECT
        && ((st = jcheck_size(&R, top, "rows", r, "rows")) != CPWL_OK
            || (st = jcheck_size(&R, top, "cols", c, "columns")) != CPWL_OK
            || (st = jcheck_size(&R, top, "n", wt ? c : r,
                                 wt ? "columns (n)" : "rows (n)")) != CPWL_OK
            || (st = jcheck_size(&R, top, "h", wt ? r : c,
                                 wt ? "rows (h)" : "columns (h)")) != CPWL_OK))
        goto done;
    fmpq_mat_clear(M);
    fmpq_mat_init(M, r, c);
    for (i = 0; i < r && st == CPWL_OK; i++)
        for (j = 0; j < c && st == CPWL_OK; j++)
        {
            snprintf(path, sizeof path, "%s[%ld][%ld]", pre, (long) i, (long) j);
            st = jnumber(fmpq_mat_entry(M, i, j), &R,
                         rows->items[i]->items[j], path);
        }
    if (st != CPWL_OK)
    {
        fmpq_mat_clear(M);
        fmpq_mat_init(M, 0, 0);
    }
done:
    json_free(top);
    return st;
}

int cpwl_matrix_read_str(fmpq_mat_t M, const char *text, size_t len,
                         const char *name, const char *what, cpwl_err_t e)
{
    size_t bom = (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) ? 3 : 0;
    size_t p = bom;
    while (p < len && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r'
                       || text[p] == '\n'))
        p++;
    if (p < len && (text[p] == '[' || text[p] == '{'))
        return matrix_read_json(M, text + bom, len - bom, name, what, e);
    return matrix_read_csv(M, text, len, name, what, e);
}

int cpwl_matrix_read_file(fmpq_mat_t M, const char *path, const char *what,
                          cpwl_err_t e)
{
    char *buf;
    size_t len;
    int st;
    if ((st = cpwl_io_read_all(&buf, &len, path, e)) != CPWL_OK)
        return st;
    st = cpwl_matrix_read_str(M, buf, len, strcmp(path, "-") == 0
                              ? "<stdin>" : path, what, e);
    flint_free(buf);
    return st;
}

/* ---- writers ------------------------------------------------------------ */

static int put_q(FILE *f, const fmpq_t q, int quoted)
{
    char *s = fmpq_get_str(NULL, 10, q);
    int r = fprintf(f, quoted ? "\"%s\"" : "%s", s);
    flint_free(s);
    return r < 0;
}

int cpwl_matrix_write_csv(FILE *f, const fmpq_mat_t M)
{
    slong i, j;
    int bad = 0;
    for (i = 0; i < fmpq_mat_nrows(M); i++)
    {
        for (j = 0; j < fmpq_mat_ncols(M); j++)
        {
            if (j > 0)
                bad |= fputc(',', f) == EOF;
            bad |= put_q(f, fmpq_mat_entry(M, i, j), 0);
        }
        bad |= fputc('\n', f) == EOF;
    }
    return bad || ferror(f);
}

int cpwl_matrix_write_json(FILE *f, const fmpq_mat_t M)
{
    slong i, j;
    int bad;
    bad = fprintf(f, "{\"rows\": %ld, \"cols\": %ld, \"matrix\": [",
                  (long) fmpq_mat_nrows(M), (long) fmpq_mat_ncols(M)) < 0;
    for (i = 0; i < fmpq_mat_nrows(M); i++)
    {
        bad |= fputs(i > 0 ? ",\n  [" : "\n  [", f) == EOF;
        for (j = 0; j < fmpq_mat_ncols(M); j++)
        {
            if (j > 0)
                bad |= fputs(", ", f) == EOF;
            bad |= put_q(f, fmpq_mat_entry(M, i, j), 1);
        }
        bad |= fputc(']', f) == EOF;
    }
    bad |= fputs("\n]}\n", f) == EOF;
    return bad || ferror(f);
}
