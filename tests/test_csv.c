/* Tests of the CSV dialects of the ERM data reader (src/erm/data.c): the
   same random rows written with commas, tabs, semicolons, quotes, a byte
   order mark and CRLF give exactly the rationals they were written from;
   a first row of numbers is data; quoting errors name line and column. */
#include <string.h>
#include "testutil.h"

#define SEED 20261206

/* A growing string. */
typedef struct
{
    char *s;
    size_t n;
}
sbuf;

static void put(sbuf *b, const char *t)
{
    size_t k = strlen(t);
    b->s = flint_realloc(b->s, b->n + k + 1);
    memcpy(b->s + b->n, t, k + 1);
    b->n += k;
}

/* The dialects: separator, quoting, line end, byte order mark, header. */
typedef struct
{
    const char *sep, *quote, *eol;
    int bom, header, spaces;
}
dialect;

static const dialect dialects[] = {
    {",", "", "\n", 0, 0, 0},
    {"\t", "", "\n", 0, 0, 0},
    {";", "", "\n", 0, 0, 0},
    {",", "\"", "\n", 0, 0, 0},
    {";", "\"", "\r\n", 1, 1, 1},
    {"\t", "\"", "\r\n", 0, 1, 0},
    {",", "", "\r\n", 1, 0, 1},
    {", ", "", "\n", 0, 1, 0},
};

/* The text of rows v (D x cols) in dialect d; odd columns as decimals
   (values of the form a/10^3), even ones as fractions p/q. */
static char *write_csv(const fmpq *v, const char *const *dec, slong D,
                       slong cols, const dialect *d)
{
    sbuf b = {NULL, 0};
    slong i, j;
    put(&b, "");
    if (d->bom)
        put(&b, "\xef\xbb\xbf");
    if (d->header)
    {
        for (j = 0; j < cols; j++)
        {
            char h[64];
            /* a name holding the separator needs quotes */
            snprintf(h, sizeof h, "%s%ld%s", j == cols - 1 ? "label" : "x",
                     (long) j, d->quote[0] ? d->sep : "");
            if (j)
                put(&b, d->sep);
            put(&b, d->quote);
            put(&b, h);
            put(&b, d->quote);
        }
        put(&b, d->eol);
    }
    for (i = 0; i < D; i++)
    {
        if (i == 1)
        {
            put(&b, "# a comment line");
            put(&b, d->eol);
        }
        for (j = 0; j < cols; j++)
        {
            if (j)
                put(&b, d->sep);
            if (d->spaces)
                put(&b, " ");
            put(&b, d->quote);
            if (j % 2)
                put(&b, dec[i * cols + j]);
            else
            {
                char *s = fmpq_get_str(NULL, 10, v + i * cols + j);
                put(&b, s);
                flint_free(s);
            }
            put(&b, d->quote);
            if (d->spaces)
                put(&b, " ");
        }
        put(&b, d->eol);
    }
    return b.s;
}

static void read_ok(cpwl_erm_data_t data, const char *csv, int sep)
{
    cpwl_err_t e;
    int stopped;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_data_read_str_sep(data, &stopped, csv, strlen(csv),
                                             "t.csv", sep, NULL, e) == CPWL_OK,
                  "%s\n%s", e->msg, csv);
}

static void read_bad(const char *csv, int sep, const char *want)
{
    cpwl_erm_data_t data;
    cpwl_err_t e;
    int stopped;
    cpwl_erm_data_init(data);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_data_read_str_sep(data, &stopped, csv, strlen(csv),
                                             "f.csv", sep, NULL, e)
                  == CPWL_ERR_INPUT, "accepted %s", csv);
    ck_assert_msg(strstr(e->msg, want) != NULL, "message '%s' lacks '%s'",
                  e->msg, want);
    ck_assert_int_eq(data->D, 0);
    cpwl_erm_data_clear(data);
}

START_TEST(test_dialects)
{
    test_rng r = {test_seed(SEED)};
    slong it, iters = test_iters(40);
    for (it = 0; it < iters; it++)
    {
        slong D = test_range(&r, 1, 6), n = test_range(&r, 1, 4);
        slong cols = n + 1, i, j, k;
        fmpq *v = _fmpq_vec_init(D * cols);
        char **dec = flint_calloc(D * cols, sizeof(char *));
        for (i = 0; i < D * cols; i++)
        {
            if (i % cols % 2)
            {
                /* a decimal a/1000, written with the point placed by hand */
                slong a = test_range(&r, -99999, 99999);
                char digits[32];
                dec[i] = flint_malloc(40);
                snprintf(digits, sizeof digits, "%04ld", labs(a));
                snprintf(dec[i], 40, "%s%.*s.%s", a < 0 ? "-" : "",
                         (int) strlen(digits) - 3, digits,
                         digits + strlen(digits) - 3);
                fmpq_set_si(v + i, a, 1000);
            }
            else
                test_fmpq(v + i, &r, (int) test_range(&r, 0, 40));
        }
        for (k = 0; k < (slong) (sizeof dialects / sizeof *dialects); k++)
        {
            char *csv = write_csv(v, (const char *const *) dec, D, cols,
                                  dialects + k);
            cpwl_erm_data_t data;
            cpwl_erm_data_init(data);
            read_ok(data, csv, 0);
            ck_assert_int_eq(data->D, D);
            ck_assert_int_eq(data->n, n);
            for (i = 0; i < D; i++)
            {
                for (j = 0; j < n; j++)
                    ck_assert_msg(fmpq_equal(data->X + i * n + j,
                                             v + i * cols + j),
                                  "dialect %ld row %ld col %ld\n%s", (long) k,
                                  (long) i, (long) j, csv);
                ck_assert(fmpq_equal(data->y + i, v + i * cols + n));
            }
            /* The separator given explicitly: the same rows. */
            if (strcmp(dialects[k].sep, ", ") != 0)
            {
                cpwl_erm_data_t d2;
                cpwl_erm_data_init(d2);
                read_ok(d2, csv, dialects[k].sep[0]);
                ck_assert_int_eq(d2->D, D);
                for (i = 0; i < D * n; i++)
                    ck_assert(fmpq_equal(d2->X + i, data->X + i));
                cpwl_erm_data_clear(d2);
            }
            cpwl_erm_data_clear(data);
            flint_free(csv);
        }
        for (i = 0; i < D * cols; i++)
            flint_free(dec[i]);
        flint_free(dec);
        _fmpq_vec_clear(v, D * cols);
    }
}
END_TEST

START_TEST(test_header_rule)
{
    cpwl_erm_data_t data;
    cpwl_erm_data_init(data);
    /* A first row of numbers is data, never a header. */
    read_ok(data, "1,2\n3,4\n", 0);
    ck_assert_int_eq(data->D, 2);
    ck_assert(fmpq_equal_si(data->X + 0, 1));
    /* One name is enough for a header. */
    read_ok(data, "x,1\n3,4\n", 0);
    ck_assert_int_eq(data->D, 1);
    ck_assert(fmpq_equal_si(data->X + 0, 3));
    /* Quoted numbers are numbers; a quoted name is a name. */
    read_ok(data, "\"1\",\"2\"\n", 0);
    ck_assert_int_eq(data->D, 1);
    read_ok(data, "\"x\",\"y\"\n\"5\",\"-1/2\"\n", 0);
    ck_assert_int_eq(data->D, 1);
    ck_assert(fmpq_equal_si(data->X + 0, 5));
    /* A header after comment lines; its quoted cell holds a separator. */
    read_ok(data, "# c\n\n\"x,1\";y\n1;2\n", 0);
    ck_assert_int_eq(data->D, 1);
    ck_assert(fmpq_equal_si(data->y + 0, 2));
    cpwl_erm_data_clear(data);
    /* A bad first row is an error, not a header silently dropped. */
    read_bad("1,1/0\n2,3\n", 0, "f.csv:1:3: cell 2");
    read_bad("nan,1\n2,3\n", 0, "f.csv:1:1: cell 1");
    read_bad("1,\n2,3\n", 0, "f.csv:1:3: cell 2");
    /* Rows must match the header's width. */
    read_bad("x,y,z\n1,2\n", 0, "f.csv:2: expected 3 cells (as in the header)");
    read_bad("1,2\n3,4,5\n", 0, "f.csv:2: expected 2 cells (as in the first "
             "row)");
    /* The wrong separator given: one cell. */
    read_bad("1;2\n", ',', "f.csv:1: a row needs at least 2 cells");
    read_bad("1,2\n", 'x', "separator");
}
END_TEST

START_TEST(test_quoting_errors)
{
    read_bad("\"1,2\n3,4\n", 0, "f.csv:1:1: unterminated quoted cell");
    read_bad("1,2\n3,\"4\n", 0, "f.csv:2:3: unterminated quoted cell");
    read_bad("\"1\"x,2\n", 0, "f.csv:1:4: expected a separator after the "
             "closing");
    read_bad("1\"2,3\n", 0, "f.csv:1:2: '\"' inside an unquoted cell");
    read_bad("1,2\n\"3\"\"\",4\n", 0, "f.csv:2:2: cell 1");
    /* With a byte order mark, columns count from after it. */
    read_bad("\xef\xbb\xbf" "1,\"2\n", 0, "f.csv:1:3: unterminated");
    /* CRLF: the \r is no part of the last cell; a lone \r is. */
    {
        cpwl_erm_data_t data;
        cpwl_erm_data_init(data);
        read_ok(data, "1,2\r\n3,4\r\n", 0);
        ck_assert_int_eq(data->D, 2);
        ck_assert(fmpq_equal_si(data->y + 1, 4));
        cpwl_erm_data_clear(data);
    }
    read_bad("1,2\r3,4\n", 0, "f.csv:1:3: cell 2");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_dialects);
    tcase_add_test(tc, test_header_rule);
    tcase_add_test(tc, test_quoting_errors);
    suite_add_tcase(s, tc);
    return test_run(s);
}
