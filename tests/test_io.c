/* Tests for network files (src/io.c, src/json.c; SPEC section 4).

   Expected values come from outside the code under test: places (line:col
   and JSON paths) are computed here from a marker in the test text, exact
   values are hand-written fractions, the float values are the well-known
   binary64/binary32 expansions of 0.1 and the compiler's own correctly
   rounded conversions, and the canonical layout is the one the shipped
   examples are stored in. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "cpwl.h"
#include "testutil.h"

#define WHERE "t.json"

/* examples/tent.json, as shipped (a copy, so that the truncation test does
   not depend on finding the file). */
static const char tent_text[] =
    "{\n"
    "  \"format\": \"cpwl-net\",\n"
    "  \"version\": 1,\n"
    "  \"name\": \"tent map t(x) = 2 relu(x) - 4 relu(x - 1/2)\",\n"
    "  \"input_dim\": 1,\n"
    "  \"output_bias\": false,\n"
    "  \"layers\": [\n"
    "    {\n"
    "      \"activation\": \"relu\",\n"
    "      \"weights\": [\n"
    "        [\"1\"],\n"
    "        [\"1\"]\n"
    "      ],\n"
    "      \"bias\": [\"0\", \"-1/2\"]\n"
    "    },\n"
    "    {\n"
    "      \"activation\": \"identity\",\n"
    "      \"weights\": [\n"
    "        [\"2\", \"-4\"]\n"
    "      ],\n"
    "      \"bias\": [\"0\"]\n"
    "    }\n"
    "  ]\n"
    "}\n";

/* ------------------------------------------------------------------------
   Helpers
   ------------------------------------------------------------------------ */

/* Test texts are written with ' for " (readable C literals), '@' marking
   the place an error must be reported at, and '~' for a NUL byte.  The
   result is an exact-size buffer without a terminating NUL, so that a
   reader going past len is caught by valgrind.  *mark is -1 without '@'. */
static char *prep(const char *tmpl, int raw, size_t *len, long *mark)
{
    size_t n = strlen(tmpl), i, k = 0;
    char *t = malloc(n ? n : 1);

    *mark = -1;
    for (i = 0; i < n; i++)
    {
        char c = tmpl[i];
        if (c == '@')
        {
            *mark = (long) k;
            continue;
        }
        if (c == '~')
            c = '\0';
        else if (c == '\'' && !raw)
            c = '"';
        t[k++] = c;
    }
    *len = k;
    return t;
}

/* Byte offset of line:col (1-based, col counted in bytes; col may be one
   past the end of its line), or -1 when there is no such place. */
static long place_offset(const char *t, size_t len, long line, long col)
{
    size_t i = 0, end;
    long l;

    if (line < 1 || col < 1)
        return -1;
    for (l = 1; l < line; l++)
    {
        while (i < len && t[i] != '\n')
            i++;
        if (i == len)
            return -1;
        i++;
    }
    end = i;
    while (end < len && t[end] != '\n')
        end++;
    if ((size_t) (col - 1) > end - i)
        return -1;
    return (long) (i + col - 1);
}

/* Whether s contains one of the '|'-separated alternatives in alts. */
static int has_any(const char *s, const char *alts)
{
    char buf[256];
    const char *p = alts;

    for (;;)
    {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t) (bar - p) : strlen(p);
        if (n >= sizeof(buf))
            n = sizeof(buf) - 1;
        memcpy(buf, p, n);
        buf[n] = '\0';
        if (strstr(s, buf) != NULL)
            return 1;
        if (bar == NULL)
            return 0;
        p = bar + 1;
    }
}

/* Check that a message is one located line: "where:line:col: ..." with
   the place within [mark, mark + slack] of text (mark >= 0), containing
   path (if not NULL) and one of the causes (if not NULL).  Prints what is
   wrong and returns 0, or returns 1. */
static int check_msg(const char *name, const cpwl_err_t e, int ret,
                     const char *where, const char *text, size_t len,
                     long mark, int slack, const char *path,
                     const char *cause)
{
    const char *msg = e->msg;
    char why[512];

    why[0] = '\0';
    if (ret != CPWL_ERR_INPUT || e->status != CPWL_ERR_INPUT)
        snprintf(why, sizeof(why), "returned %d, status %d, expected %d",
                 ret, e->status, CPWL_ERR_INPUT);
    else if (strchr(msg, '\n') != NULL)
        snprintf(why, sizeof(why), "message is not one line");
    else if (where != NULL && (strncmp(msg, where, strlen(where)) != 0
                               || msg[strlen(where)] != ':'))
        snprintf(why, sizeof(why), "message does not start with \"%s:\"",
                 where);
    else if (path != NULL && strstr(msg, path) == NULL)
        snprintf(why, sizeof(why), "message does not name %s", path);
    else if (cause != NULL && !has_any(msg, cause))
        snprintf(why, sizeof(why), "message does not say any of %s", cause);
    else if (mark >= 0)
    {
        char *end;
        const char *p = msg + strlen(where) + 1;
        long line = strtol(p, &end, 10), col = -1, off;
        if (end != p && *end == ':')
        {
            p = end + 1;
            col = strtol(p, &end, 10);
            if (end == p || *end != ':')
                col = -1;
        }
        off = place_offset(text, len, line, col);
        if (col < 0)
            snprintf(why, sizeof(why), "no line:col after \"%s:\"", where);
        else if (off < mark || off > mark + slack)
        {
            long el = 1, ec = 1, i;
            for (i = 0; i < mark; i++)
            {
                if (text[i] == '\n')
                {
                    el++;
                    ec = 1;
                }
                else
                    ec++;
            }
            snprintf(why, sizeof(why), "place %ld:%ld, expected %ld:%ld%s",
                     line, col, el, ec, slack ? " or a little after" : "");
        }
    }
    if (why[0] == '\0')
    {
        /* TEST_IO_VERBOSE=1 shows every message, to review their wording. */
        if (getenv("TEST_IO_VERBOSE") != NULL)
            fprintf(stderr, "io: %s: %s\n", name, msg);
        return 1;
    }
    fprintf(stderr, "io: %s: %s\n  message: %s\n", name, why, msg);
    return 0;
}

/* Read a marked template that must be refused; returns 1 if it is, with
   the right message. */
static int bad_input(const char *name, const char *tmpl, int raw, int slack,
                     const char *path, const char *cause)
{
    size_t len;
    long mark;
    char *t = prep(tmpl, raw, &len, &mark);
    cpwl_net_t net;
    cpwl_err_t e;
    int ret, ok;

    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    ret = cpwl_io_net_read_str(net, t, len, WHERE, e);
    ok = check_msg(name, e, ret, WHERE, t, len, mark, slack, path, cause);
    cpwl_net_clear(net);
    free(t);
    return ok;
}

/* Read a template that must be accepted into net. */
static int good_input(cpwl_net_t net, const char *name, const char *tmpl)
{
    size_t len;
    long mark;
    char *t = prep(tmpl, 0, &len, &mark);
    cpwl_err_t e;
    int ret;

    cpwl_err_init(e);
    ret = cpwl_io_net_read_str(net, t, len, WHERE, e);
    free(t);
    if (ret != CPWL_OK || e->status != CPWL_OK)
    {
        fprintf(stderr, "io: %s: refused: %s\n", name, e->msg);
        return 0;
    }
    return 1;
}

static int eq_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL)
           || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Same network, exactly: shapes, activations, every rational, options. */
static int nets_equal(const cpwl_net_t a, const cpwl_net_t b)
{
    slong l, i, j;

    if (a->input_dim != b->input_dim || a->nlayers != b->nlayers
        || (a->output_bias != 0) != (b->output_bias != 0)
        || !eq_str(a->name, b->name) || !eq_str(a->meta, b->meta))
        return 0;
    for (l = 0; l < a->nlayers; l++)
    {
        const cpwl_net_layer_struct *A = a->layers + l, *B = b->layers + l;
        if (A->act != B->act || A->in != B->in || A->out != B->out)
            return 0;
        for (i = 0; i < A->out; i++)
        {
            for (j = 0; j < A->in; j++)
                if (!fmpq_equal(fmpq_mat_entry(A->W, i, j),
                                fmpq_mat_entry(B->W, i, j)))
                    return 0;
            if (!fmpq_equal(A->b + i, B->b + i))
                return 0;
        }
        if (A->act == CPWL_NET_LEAKY_RELU && !fmpq_equal(A->slope, B->slope))
            return 0;
    }
    return 1;
}

/* Whether s[0..n) is a rational in lowest terms as FLINT prints it: an
   integer without leading zeros or "-0", or p/q with q >= 2, gcd 1. */
static int canonical_rational(const char *s, size_t n)
{
    char buf[4096];
    const char *p, *slash;
    size_t i;
    int ok = 1;

    if (n == 0 || n >= sizeof(buf))
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    p = buf[0] == '-' ? buf + 1 : buf;
    slash = strchr(p, '/');
    for (i = 0; p[i] != '\0'; i++)
        if (!(p[i] >= '0' && p[i] <= '9') && p + i != slash)
            return 0;
    if (p[0] == '\0' || p[0] == '/' || (p[0] == '0' && p[1] != '\0'))
        return 0;                       /* empty, no numerator, 0-prefixed */
    if (buf[0] == '-' && strcmp(p, "0") == 0)
        return 0;
    if (slash != NULL)
    {
        fmpz_t a, b, g;
        if (slash[1] == '\0' || slash[1] == '0')
            return 0;
        fmpz_init(a);
        fmpz_init(b);
        fmpz_init(g);
        buf[slash - buf] = '\0';
        fmpz_set_str(a, p, 10);
        fmpz_set_str(b, slash + 1, 10);
        fmpz_gcd(g, a, b);
        ok = fmpz_is_one(g) && fmpz_cmp_ui(b, 2) >= 0;
        fmpz_clear(a);
        fmpz_clear(b);
        fmpz_clear(g);
    }
    return ok;
}

/* Every value inside "layers" of a written text is a string (an activation
   name or a canonical rational) or maxout's integer "pieces".  Returns the number of rationals, or -1. */
static slong count_written_rationals(const char *text)
{
    const char *p = strstr(text, "\"layers\": [");
    const char *stop;
    slong count = 0;

    if (p == NULL)
        return -1;
    stop = strstr(p, "\n  ]");
    if (stop == NULL)
        return -1;
    p += strlen("\"layers\": [");
    while (p < stop)
    {
        const char *q;
        if (*p != '"')
        {
            /* Between strings: only JSON punctuation and blanks. */
            if (strchr("[]{},: \n", *p) == NULL)
                return -1;
            p++;
            continue;
        }
        q = strchr(p + 1, '"');
        if (q == NULL || q > stop)
            return -1;
        if (q - p == 7 && strncmp(p, "\"pieces\"", 8) == 0)
        {
            /* maxout's pieces: an integer, not a weight */
            p = q + 1;
            while (p < stop && strchr(": 0123456789", *p) != NULL)
                p++;
            continue;
        }
        if (q[1] != ':')                /* not a key */
        {
            char word[32];
            size_t n = q - p - 1;
            if (n < sizeof(word))
            {
                memcpy(word, p + 1, n);
                word[n] = '\0';
            }
            if (n < sizeof(word) && cpwl_net_act_from_name(word) >= 0)
                ;                       /* an activation name */
            else if (canonical_rational(p + 1, n))
                count++;
            else
                return -1;
        }
        p = q + 1;
    }
    return count;
}

/* Rationals a net holds: weights, biases and leaky slopes. */
static slong net_rationals(const cpwl_net_t net)
{
    slong l, c = 0;
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        c += L->out * L->in + L->out + (L->act == CPWL_NET_LEAKY_RELU);
    }
    return c;
}

/* Write net, read it back, write again: same rationals, same text, and the
   text holds every rational as a canonical string.  Returns 1 if so. */
static int round_trip(const char *name, const cpwl_net_t net, char **out)
{
    char *s1 = cpwl_io_net_write_str(net), *s2;
    cpwl_net_t back;
    cpwl_err_t e;
    int ok = 1;

    cpwl_net_init(back, 0);
    cpwl_err_init(e);
    if (cpwl_io_net_read_str(back, s1, strlen(s1), name, e) != CPWL_OK)
    {
        fprintf(stderr, "io: %s: written text refused: %s\n%s", name,
                e->msg, s1);
        ok = 0;
    }
    else
    {
        s2 = cpwl_io_net_write_str(back);
        if (!nets_equal(net, back))
        {
            fprintf(stderr, "io: %s: read back differs\n", name);
            ok = 0;
        }
        if (strcmp(s1, s2) != 0)
        {
            fprintf(stderr, "io: %s: rewrite differs:\n%s---\n%s", name, s1,
                    s2);
            ok = 0;
        }
        if (count_written_rationals(s1) != net_rationals(net))
        {
            fprintf(stderr, "io: %s: not all rationals written as canonical "
                    "strings (%ld found, %ld expected):\n%s", name,
                    (long) count_written_rationals(s1),
                    (long) net_rationals(net), s1);
            ok = 0;
        }
        flint_free(s2);
    }
    cpwl_net_clear(back);
    if (out != NULL)
        *out = s1;
    else
        flint_free(s1);
    return ok;
}

/* The exact value of a finite double (d = m 2^(ex-53), m an integer). */
static void d_to_fmpq(fmpq_t r, double d)
{
    int ex;
    double m = frexp(d, &ex);

    fmpz_set_d(fmpq_numref(r), ldexp(m, 53));
    fmpz_one(fmpq_denref(r));
    if (ex - 53 >= 0)
        fmpq_mul_2exp(r, r, (flint_bitcnt_t) (ex - 53));
    else
        fmpq_div_2exp(r, r, (flint_bitcnt_t) (53 - ex));
}

static int eq_frac(const fmpq_t x, const char *frac)
{
    fmpq_t t;
    int r;

    fmpq_init(t);
    if (fmpq_set_str(t, frac, 10) != 0)
        abort();
    fmpq_canonicalise(t);
    r = fmpq_equal(x, t);
    fmpq_clear(t);
    return r;
}

static int eq_d(const fmpq_t x, double d)
{
    fmpq_t t;
    int r;

    fmpq_init(t);
    d_to_fmpq(t, d);
    r = fmpq_equal(x, t);
    fmpq_clear(t);
    return r;
}

static const char *examples_dir(void)
{
    const char *d = getenv("CPWL_EXAMPLES");
    return d != NULL && d[0] != '\0' ? d : "examples";
}

static const char *testdata_dir(void)
{
    const char *d = getenv("CPWL_TESTDATA");
    return d != NULL && d[0] != '\0' ? d : "tests/data";
}

/* ------------------------------------------------------------------------
   Bad inputs
   ------------------------------------------------------------------------ */

/* A valid network to vary: 2 inputs, 3 relu neurons, 1 output. */
#define HD "'format': 'cpwl-net', 'version': 1"
#define L0 "{'activation': 'relu', 'weights': [[1, 2], [3, 4], [5, 6]], " \
    "'bias': [0, 0, 0]}"
#define L1 "{'activation': 'identity', 'weights': [[1, -1, 2]], " \
    "'bias': [0]}"
#define NET(layers) "{" HD ", 'input_dim': 2, 'layers': [" layers "]}"

typedef struct
{
    const char *name;
    const char *text;           /* template, see prep() */
    const char *path;           /* JSON path the message must name */
    const char *cause;          /* '|'-separated: one must appear */
    int slack;                  /* columns allowed after the marked place */
    int raw;                    /* keep ' as is */
}
bad_case;

/* Malformed JSON: yajl may report the offending token's start, a column
   inside it, or just past its first character, hence the slack. */
static const bad_case malformed_cases[] = {
    {"missing comma", "{'format': 'cpwl-net' @'version': 1}", NULL,
     "malformed|JSON", 9, 0},
    {"missing comma in array", NET("{'activation': 'relu', 'weights': "
     "[[1, 2] @[3, 4]], 'bias': [0, 0]}"), NULL, "malformed|JSON", 1, 0},
    {"trailing comma in object", "{'format': 'cpwl-net', 'version': 1,@}",
     NULL, "malformed|JSON", 1, 0},
    {"trailing comma in array", NET("{'activation': 'relu', 'weights': "
     "[[1, 2]], 'bias': [0,@]}"), NULL, "malformed|JSON", 1, 0},
    {"bare word", "{'format': @cpwl-net}", NULL, "malformed|JSON", 1, 0},
    {"bare word NaN", "{" HD ", 'input_dim': @NaN}", NULL,
     "malformed|JSON", 1, 0},
    {"bare word Infinity", NET("{'activation': 'relu', 'weights': "
     "[[@Infinity, 2]], 'bias': [0]}"), NULL, "malformed|JSON", 1, 0},
    {"single quotes", "{@'format': 'cpwl-net', 'version': 1}", NULL,
     "malformed|JSON", 1, 1},
    {"single quoted value", "{\"format\": @'cpwl-net'}", NULL,
     "malformed|JSON", 1, 1},
    {"comment", "@// a comment\n{" HD "}", NULL, "malformed|JSON|comment",
     2, 0},
    {"colon missing", "{'format' @'cpwl-net'}", NULL, "malformed|JSON", 10,
     0},
    {"unquoted key", "{@format: 'cpwl-net'}", NULL, "malformed|JSON", 1, 0},
    {"trailing garbage", NET(L0 ", " L1) " @x", NULL, "malformed|JSON|garbage",
     1, 0},
    {"two documents", NET(L0 ", " L1) "\n@{}", NULL, "malformed|JSON|garbage",
     1, 0},
    {"bad escape", "{'format': 'cpwl@\\qnet'}", NULL, "malformed|JSON", 2, 0},
    {"newline in string", "{'name': 'a@\nb'}", NULL, "malformed|JSON", 1, 0},
    {"invalid UTF-8", "{'name': 'a@\xff'}", NULL, "UTF|malformed", 1, 0},
    {"line and column", "{\n  'format': 'cpwl-net',\n  'version': 1\n"
     "  @'input_dim': 2\n}\n", NULL, "malformed|JSON", 11, 0},
    {"error on a later line", NET(L0 ",\n" L1 ",\n  @]") "\n", NULL,
     "malformed|JSON", 1, 0},
    /* Truncated: the place is the end of the text. */
    {"unclosed string", "{'format': 'cpwl-n@e", NULL, "truncated|EOF|end",
     1, 0},
    {"unclosed object", "{\n  'format': 'cpwl-net',\n  'version': 1,\n  "
     "'layers': [@[", NULL, "truncated|EOF|end", 1, 0},
    {"empty text", "@", NULL, "empty|EOF|truncated", 0, 0},
    {"blank text", "  \n @ ", NULL, "empty|EOF|truncated", 1, 0},
    {"lone brace", "@{", NULL, "truncated|EOF|end", 1, 0},
    /* NUL bytes. */
    {"NUL between tokens", "{'format': 'cpwl-net',@~ 'version': 1}", NULL,
     "NUL|invalid", 1, 0},
    {"NUL inside a string", "{'format': 'cpwl@~net'}", NULL,
     "NUL|invalid", 1, 0},
    {"NUL after the document", NET(L0 ", " L1) "@~", NULL,
     "NUL|invalid|garbage", 1, 0},
    {"escaped NUL in a string", "{" HD ", 'name': @'a\\u0000b'}", NULL,
     "NUL", 9, 0},
    {"escaped NUL in a key", "{" HD ", @'a\\u0000b': 1}", NULL, "NUL", 9, 0},
    /* Lone UTF-16 surrogates: yajl would decode them to '?'. */
    {"lone high surrogate", "{" HD ", 'name': 'a@\\ud800'}", NULL,
     "invalid Unicode: lone surrogate \\ud800", 0, 0},
    {"lone low surrogate", "{" HD ", 'name': '@\\uDC00b'}", NULL,
     "invalid Unicode: lone surrogate \\udc00", 0, 0},
    {"high surrogate then a letter", "{" HD ", 'name': 'x@\\uD83D\\u0041'}",
     NULL, "lone surrogate \\ud83d", 0, 0},
    {"two high surrogates", "{" HD ", 'name': '@\\ud83d\\ud83d\\ude00'}",
     NULL, "lone surrogate \\ud83d", 0, 0},
    {"surrogate after an escaped backslash", "{" HD ", 'name': '\\\\@\\ud800'}",
     NULL, "lone surrogate", 0, 0},
    {"lone surrogate in a key", "{" HD ", 'k@\\udfff': 1}", NULL,
     "lone surrogate \\udfff in an object key", 0, 0},
    {NULL, NULL, NULL, NULL, 0, 0}
};

/* Well-formed JSON that is not a network.  The places are exact. */
static const bad_case semantic_cases[] = {
    /* Top level. */
    {"array", "@[1, 2]", NULL, "object", 0, 0},
    {"string", "@'cpwl-net'", NULL, "object", 0, 0},
    {"null", "@null", NULL, "object", 0, 0},
    {"boolean", "@true", NULL, "object", 0, 0},
    {"number then blank", "@42 ", NULL, "object", 0, 0},
    {"empty object", "@{}", NULL, "missing|\"format\"", 0, 0},
    /* Missing keys: the place is the object that lacks them. */
    {"no format", "@{'version': 1, 'input_dim': 2, 'layers': [" L0 ", " L1
     "]}", NULL, "\"format\"", 0, 0},
    {"no version", "@{'format': 'cpwl-net', 'input_dim': 2, 'layers': [" L0
     ", " L1 "]}", NULL, "\"version\"", 0, 0},
    {"no input_dim", "@{" HD ", 'layers': [" L0 ", " L1 "]}", NULL,
     "\"input_dim\"", 0, 0},
    {"no layers", "@{" HD ", 'input_dim': 2}", NULL, "\"layers\"", 0, 0},
    {"no activation", NET(L0 ", @{'weights': [[1, -1, 2]], 'bias': [0]}"),
     "layers[1]", "\"activation\"", 0, 0},
    {"no weights", NET("@{'activation': 'relu', 'bias': [0]}, " L1),
     "layers[0]", "\"weights\"", 0, 0},
    {"no bias", NET(L0 ", @{'activation': 'identity', 'weights': "
     "[[1, -1, 2]]}"), "layers[1]", "\"bias\"", 0, 0},
    {"no slope", NET("@{'activation': 'leaky_relu', 'weights': [[1, 2], "
     "[3, 4], [5, 6]], 'bias': [0, 0, 0]}, " L1), "layers[0]", "slope", 0, 0},
    /* Extra keys: the place is the key or its value. */
    {"unknown top-level key", "{" HD ", 'input_dim': 2, @'extra': 1, "
     "'layers': [" L0 ", " L1 "]}", NULL, "\"extra\"", 9, 0},
    {"misspelt top-level key", "{" HD ", @'input_dims': 2, 'layers': [" L0
     ", " L1 "]}", NULL, "\"input_dims\"", 14, 0},
    {"unknown layer key", NET(L0 ", {'activation': 'identity', "
     "@'dropout': 0.5, 'weights': [[1, -1, 2]], 'bias': [0]}"), "layers[1]",
     "\"dropout\"", 11, 0},
    {"slope on relu", NET("{'activation': 'relu', @'slope': '1/2', "
     "'weights': [[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, 0]}, " L1),
     "layers[0]", "slope", 9, 0},
    {"slope on identity", NET(L0 ", {'activation': 'identity', "
     "'weights': [[1, -1, 2]], 'bias': [0], @'slope': 0}"), "layers[1]",
     "slope", 9, 0},
    {"pieces on relu", NET("{'activation': 'relu', @'pieces': 2, "
     "'weights': [[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, 0]}, " L1),
     "layers[0]", "pieces", 10, 0},
    /* Duplicate keys: the place is the second occurrence. */
    {"duplicate top-level key", "{" HD ", @'version': 1, 'input_dim': 2, "
     "'layers': [" L0 ", " L1 "]}", NULL, "duplicate", 0, 0},
    {"duplicate layer key", NET(L0 ", {'activation': 'identity', "
     "'weights': [[1, -1, 2]], 'bias': [0], @'bias': [0]}"), NULL,
     "duplicate", 0, 0},
    {"duplicate meta key", "{" HD ", 'input_dim': 2, 'layers': [" L0 ", "
     L1 "], 'meta': {'a': {'b': 1, @'b': 2}}}", NULL, "duplicate", 0, 0},
    /* User text is quoted on one line: no raw newline or terminal escape. */
    {"activation with control characters", NET("{'activation': "
     "@'re\\nlu\\u001b[31m', 'weights': [[1, 2], [3, 4], [5, 6]], "
     "'bias': [0, 0, 0]}, " L1), "layers[0].activation", "\\x0a", 0, 0},
    {"unknown key with a newline", "{" HD ", 'input_dim': 2, @'ex\\ntra': 1, "
     "'layers': [" L0 ", " L1 "]}", NULL, "\\x0a", 12, 0},
    /* format and version. */
    {"wrong format", "{'format': @'cpwl-network', 'version': 1, "
     "'input_dim': 2, 'layers': [" L0 ", " L1 "]}", "format", "cpwl-net", 0,
     0},
    {"format a number", "{'format': @1, 'version': 1, 'input_dim': 2, "
     "'layers': [" L0 ", " L1 "]}", "format", "string|cpwl-net", 0, 0},
    {"version 2", "{'format': 'cpwl-net', 'version': @2, 'input_dim': 2, "
     "'layers': [" L0 ", " L1 "]}", "version", "2", 0, 0},
    {"version 0", "{'format': 'cpwl-net', 'version': @0, 'input_dim': 2, "
     "'layers': [" L0 ", " L1 "]}", "version", "0", 0, 0},
    {"version a string", "{'format': 'cpwl-net', 'version': @'1', "
     "'input_dim': 2, 'layers': [" L0 ", " L1 "]}", "version",
     "integer|number", 0, 0},
    {"version 1.5", "{'format': 'cpwl-net', 'version': @1.5, "
     "'input_dim': 2, 'layers': [" L0 ", " L1 "]}", "version", "1.5", 0, 0},
    /* input_dim. */
    {"input_dim 0", "{" HD ", 'input_dim': @0, 'layers': [" L0 ", " L1 "]}",
     "input_dim", "integer", 0, 0},
    {"input_dim -1", "{" HD ", 'input_dim': @-1, 'layers': [" L0 ", " L1
     "]}", "input_dim", "integer", 0, 0},
    {"input_dim 1.5", "{" HD ", 'input_dim': @1.5, 'layers': [" L0 ", " L1
     "]}", "input_dim", "integer", 0, 0},
    {"input_dim a string", "{" HD ", 'input_dim': @'2', 'layers': [" L0 ", "
     L1 "]}", "input_dim", "integer", 0, 0},
    {"input_dim null", "{" HD ", 'input_dim': @null, 'layers': [" L0 ", "
     L1 "]}", "input_dim", "integer", 0, 0},
    {"input_dim huge", "{" HD ", 'input_dim': @1e999999, 'layers': [" L0
     ", " L1 "]}", "input_dim", "integer", 0, 0},
    {"input_dim too large for rows", "{" HD ", 'input_dim': 3, 'layers': "
     "[{'activation': 'relu', 'weights': [@[1, 2], [3, 4], [5, 6]], "
     "'bias': [0, 0, 0]}, " L1 "]}", "layers[0].weights[0]", "3", 0, 0},
    /* Shapes. */
    {"row too short", NET("{'activation': 'relu', 'weights': [[1, 2], "
     "@[3], [5, 6]], 'bias': [0, 0, 0]}, " L1), "layers[0].weights[1]", "2",
     0, 0},
    {"row too long", NET(L0 ", {'activation': 'identity', 'weights': "
     "[@[1, -1, 2, 7]], 'bias': [0]}"), "layers[1].weights[0]", "3", 0, 0},
    {"row empty", NET("{'activation': 'relu', 'weights': [[1, 2], "
     "[3, 4], @[]], 'bias': [0, 0, 0]}, " L1), "layers[0].weights[2]", "2",
     0, 0},
    {"bias too short", NET("{'activation': 'relu', 'weights': [[1, 2], "
     "[3, 4], [5, 6]], 'bias': @[0, 0]}, " L1), "layers[0].bias", "3", 0, 0},
    {"bias too long", NET(L0 ", {'activation': 'identity', 'weights': "
     "[[1, -1, 2]], 'bias': @[0, 0]}"), "layers[1].bias", "1", 0, 0},
    {"bias not an array", NET(L0 ", {'activation': 'identity', 'weights': "
     "[[1, -1, 2]], 'bias': @0}"), "layers[1].bias", "array", 0, 0},
    {"layer widths disagree", NET(L0 ", {'activation': 'identity', "
     "'weights': [@[1, -1]], 'bias': [0]}"), "layers[1].weights[0]", "3",
     0, 0},
    {"weights not nested", NET("{'activation': 'relu', 'weights': [@1, 2], "
     "'bias': [0, 0]}, " L1), "layers[0].weights[0]", "array", 0, 0},
    {"weights a number", NET("{'activation': 'relu', 'weights': @5, "
     "'bias': [0]}, " L1), "layers[0].weights", "array", 0, 0},
    {"empty weights", NET("{'activation': 'relu', 'weights': @[], "
     "'bias': []}, " L1), "layers[0].weights", "at least one|empty", 0, 0},
    {"empty network", "{" HD ", 'input_dim': 2, 'layers': @[]}", "layers",
     "empty|at least one", 0, 0},
    {"layers an object", "{" HD ", 'input_dim': 2, 'layers': @{}}", "layers",
     "array", 0, 0},
    {"layer not an object", "{" HD ", 'input_dim': 2, 'layers': [" L0
     ", @5]}", "layers[1]", "object", 0, 0},
    /* Activations. */
    {"unknown activation", NET("{'activation': @'sigmoid', 'weights': "
     "[[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, 0]}, " L1),
     "layers[0].activation", "unknown", 0, 0},
    {"activation wrong case", NET(L0 ", {'activation': @'Identity', "
     "'weights': [[1, -1, 2]], 'bias': [0]}"), "layers[1].activation",
     "unknown", 0, 0},
    {"activation a number", NET("{'activation': @1, 'weights': "
     "[[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, 0]}, " L1),
     "layers[0].activation", "string", 0, 0},
    {"pieces on abs", NET("{'activation': 'abs', @'pieces': 2, 'weights': "
     "[[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, 0]}, " L1), "layers[0]",
     "maxout layers only", 10, 0},
    {"maxout without pieces", NET("@{'activation': 'maxout', 'weights': "
     "[[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, 0]}, " L1), "layers[0]",
     "pieces", 0, 0},
    {"maxout pieces 1", NET("{'activation': 'maxout', 'pieces': @1, "
     "'weights': [[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, 0]}, " L1),
     "layers[0].pieces", "from 2 to 36", 0, 0},
    {"maxout rows not a multiple", NET("{'activation': 'maxout', "
     "'pieces': 2, 'weights': @[[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, 0]}"
     ", " L1), "layers[0].weights", "multiple", 0, 0},
    /* Options. */
    {"output_bias false, bias not 0", "{" HD ", 'input_dim': 2, "
     "'output_bias': false, 'layers': [" L0 ", {'activation': 'identity', "
     "'weights': [[1, -1, 2], [0, 0, 1]], 'bias': [0, @'1/2']}]}",
     "layers[1].bias[1]", "output_bias", 0, 0},
    {"output_bias a string", "{" HD ", 'input_dim': 2, 'output_bias': @'no',"
     " 'layers': [" L0 ", " L1 "]}", "output_bias", "true|false|boolean", 0,
     0},
    {"numbers binary16", "{" HD ", 'numbers': @'binary16', 'input_dim': 2, "
     "'layers': [" L0 ", " L1 "]}", "numbers", "binary64", 0, 0},
    {"numbers a number", "{" HD ", 'numbers': @64, 'input_dim': 2, "
     "'layers': [" L0 ", " L1 "]}", "numbers", "binary64", 0, 0},
    {"name a number", "{" HD ", 'name': @7, 'input_dim': 2, "
     "'layers': [" L0 ", " L1 "]}", "name", "string", 0, 0},
    {"meta an array", "{" HD ", 'input_dim': 2, 'layers': [" L0 ", " L1
     "], 'meta': @[1]}", "meta", "object", 0, 0},
    {"binary32 overflow", "{" HD ", 'numbers': 'binary32', 'input_dim': 2, "
     "'layers': [" L0 ", {'activation': 'identity', 'weights': "
     "[[1, @1e39, 2]], 'bias': [0]}]}", "layers[1].weights[0][1]",
     "overflow", 0, 0},
    {"binary64 overflow", "{" HD ", 'numbers': 'binary64', 'input_dim': 2, "
     "'layers': [" L0 ", {'activation': 'identity', 'weights': "
     "[[1, -1, 2]], 'bias': [@'-1e309']}]}", "layers[1].bias[0]",
     "overflow", 0, 0},
    {NULL, NULL, NULL, NULL, 0, 0}
};

/* Bad number literals, each placed at layers[1].weights[0][2]. */
static const struct
{
    const char *lit;
    const char *cause;
}
bad_numbers[] = {
    {"'1/0'", "denominator"},
    {"'0/0'", "denominator"},
    {"'-5/0'", "denominator"},
    {"'nan'", "finite|nan"},
    {"'NaN'", "finite|NaN"},
    {"'inf'", "finite|inf"},
    {"'-inf'", "finite|inf"},
    {"'Infinity'", "finite|Infinity"},
    {"1e999999", "exponent"},
    {"-1e-999999", "exponent"},
    {"'1e999999'", "exponent"},
    {"'0x1p999999'", "exponent"},
    {"true", "number"},
    {"false", "number"},
    {"null", "number"},
    {"[]", "number"},
    {"[1]", "number"},
    {"{}", "number"},
    {"'abc'", "expected|malformed"},
    {"''", "empty|expected"},
    {"'1/2/3'", "expected|malformed"},
    {"'1.2.3'", "expected|malformed"},
    {"'--1'", "expected|malformed"},
    {"'1e'", "expected|malformed"},
    {"'0x'", "expected|malformed"},
    {"'1/-2'", "expected|malformed"},
    {"'1/2.5'", "expected|malformed"},
    {"'0x1.8q3'", "expected|malformed"},
    {"'1 2'", "expected|malformed"},
    {NULL, NULL}
};

/* Run a table of bad cases; returns how many were misreported. */
static int bad_cases(const bad_case *c)
{
    int fails = 0;
    for (; c->name != NULL; c++)
        fails += !bad_input(c->name, c->text, c->raw, c->slack, c->path,
                            c->cause);
    return fails;
}

START_TEST(test_bad_malformed)
{
    int fails = bad_cases(malformed_cases);
    ck_assert_msg(fails == 0, "%d malformed texts misreported (see stderr)",
                  fails);
}
END_TEST

START_TEST(test_bad_semantic)
{
    cpwl_net_t net;
    int fails = 0;

    /* The base network and its variants that must stay valid. */
    cpwl_net_init(net, 0);
    ck_assert(good_input(net, "base", NET(L0 ", " L1)));
    ck_assert_int_eq(net->input_dim, 2);
    ck_assert_int_eq(net->nlayers, 2);
    ck_assert(good_input(net, "output_bias false, bias 0/5", "{" HD
                         ", 'input_dim': 2, 'output_bias': false, 'layers': ["
                         L0 ", {'activation': 'identity', 'weights': "
                         "[[1, -1, 2]], 'bias': ['0/5']}]}"));
    ck_assert(!net->output_bias);
    ck_assert(good_input(net, "numbers exact", "{" HD ", 'numbers': 'exact', "
                         "'input_dim': 2, 'layers': [" L0 ", " L1 "]}"));
    /* A surrogate pair is one character: U+1F600 in UTF-8. */
    ck_assert(good_input(net, "surrogate pair", "{" HD ", 'name': "
                         "'\\\\x\\ud83d\\ude00', 'input_dim': 2, "
                         "'layers': [" L0 ", " L1 "]}"));
    ck_assert_str_eq(net->name, "\\x\xf0\x9f\x98\x80");
    cpwl_net_clear(net);

    fails = bad_cases(semantic_cases);
    ck_assert_msg(fails == 0, "%d bad networks misreported (see stderr)",
                  fails);
}
END_TEST

START_TEST(test_bad_numbers)
{
    char tmpl[1024], name[64];
    int i, fails = 0;

    for (i = 0; bad_numbers[i].lit != NULL; i++)
    {
        snprintf(tmpl, sizeof(tmpl), NET(L0 ", {'activation': 'identity', "
                 "'weights': [[1, -1, @%s]], 'bias': [0]}"),
                 bad_numbers[i].lit);
        snprintf(name, sizeof(name), "weight %s", bad_numbers[i].lit);
        fails += !bad_input(name, tmpl, 0, 0, "layers[1].weights[0][2]",
                            bad_numbers[i].cause);

        /* The same in a bias and in a slope. */
        snprintf(tmpl, sizeof(tmpl), NET("{'activation': 'relu', 'weights': "
                 "[[1, 2], [3, 4], [5, 6]], 'bias': [0, 0, @%s]}, " L1),
                 bad_numbers[i].lit);
        snprintf(name, sizeof(name), "bias %s", bad_numbers[i].lit);
        fails += !bad_input(name, tmpl, 0, 0, "layers[0].bias[2]",
                            bad_numbers[i].cause);
        snprintf(tmpl, sizeof(tmpl), NET("{'activation': 'leaky_relu', "
                 "'slope': @%s, 'weights': [[1, 2], [3, 4], [5, 6]], "
                 "'bias': [0, 0, 0]}, " L1), bad_numbers[i].lit);
        snprintf(name, sizeof(name), "slope %s", bad_numbers[i].lit);
        fails += !bad_input(name, tmpl, 0, 0, "layers[0].slope",
                            bad_numbers[i].cause);
    }
    ck_assert_msg(fails == 0, "%d bad numbers misreported (see stderr)",
                  fails);
}
END_TEST

/* Nesting: JSON_MAX_DEPTH (src/json.h) is 64 containers, the top-level
   object and "meta" included; deeper documents are refused where the
   first container too many opens, without exhausting the stack. */
START_TEST(test_bad_nesting)
{
    static const char head[] = "{" HD ", 'input_dim': 2, 'layers': [" L0
        ", " L1 "], 'meta': {'a': ";
    const slong depths[] = {62, 63, 64, 200, 100000};
    size_t hl = strlen(head);
    int i, fails = 0;

    for (i = 0; i < 5; i++)
    {
        slong k = depths[i], j;
        char *t = malloc(hl + 2 * k + 4), *p = t, name[64];
        cpwl_net_t net;

        /* head, k '[' with '@' before the 63rd (the 65th container), k ']'
           and the closing braces. */
        memcpy(p, head, hl);
        p += hl;
        for (j = 0; j < k; j++)
        {
            if (j == 62)
                *p++ = '@';
            *p++ = '[';
        }
        for (j = 0; j < k; j++)
            *p++ = ']';
        memcpy(p, "}}", 3);
        snprintf(name, sizeof(name), "meta nested %ld deep", (long) k);
        cpwl_net_init(net, 0);
        if (k <= 62)
        {
            /* 64 containers: accepted, and kept through a rewrite. */
            if (!good_input(net, name, t) || !round_trip(name, net, NULL))
                fails++;
            else if (net->meta == NULL
                     || strlen(net->meta) != (size_t) (6 + 2 * k))
            {
                fprintf(stderr, "io: %s: meta not kept: %s\n", name,
                        net->meta ? net->meta : "(null)");
                fails++;
            }
        }
        else
            fails += !bad_input(name, t, 0, 1, NULL, "nest|deep|depth");
        cpwl_net_clear(net);
        free(t);
    }
    ck_assert_msg(fails == 0, "%d nesting cases wrong (see stderr)", fails);
}
END_TEST

/* Every proper prefix of a valid file is refused (one line, placed at the
   end of the text) and never crashes or reads past the given length. */
START_TEST(test_bad_truncated)
{
    size_t n = strlen(tent_text), len;
    int fails = 0;
    cpwl_net_t net;
    cpwl_err_t e;

    cpwl_net_init(net, 0);
    for (len = 0; len + 1 < n; len++)
    {
        char *t = malloc(len ? len : 1), name[64];
        int ret;

        memcpy(t, tent_text, len);
        cpwl_err_init(e);
        ret = cpwl_io_net_read_str(net, t, len, WHERE, e);
        snprintf(name, sizeof(name), "tent.json cut at %zu bytes", len);
        /* The end of the text, or its last character, is the place. */
        if (!check_msg(name, e, ret, WHERE, t, len,
                       len ? (long) len - 1 : 0, 1, NULL,
                       len ? "truncated|EOF|end" : "empty|EOF|truncated"))
            fails++;
        free(t);
    }
    /* Without the final newline the text is complete. */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_io_net_read_str(net, tent_text, n - 1, WHERE, e),
                     CPWL_OK);
    ck_assert_int_eq(net->nlayers, 2);
    cpwl_net_clear(net);
    ck_assert_msg(fails == 0, "%d truncated texts misreported (see stderr)",
                  fails);
}
END_TEST

/* Texts ending inside a number token: yajl only finishes the number in
   yajl_complete_parse, a separate call. */
START_TEST(test_bad_ends_in_number)
{
    int fails = 0;

    fails += !bad_input("number alone", "@7", 0, 0, NULL, "object");
    fails += !bad_input("negative number alone", "@-1.5e3", 0, 0, NULL,
                        "object");
    fails += !bad_input("array cut after a number", "[1, 2@3", 0, 1, NULL,
                        "truncated|EOF|end");
    fails += !bad_input("object cut after a number",
                        "{\n  'format': 'cpwl-net',\n  'version': @1", 0, 1,
                        NULL, "truncated|EOF|end");
    ck_assert_msg(fails == 0, "%d texts misreported (see stderr)", fails);
}
END_TEST

START_TEST(test_bad_files)
{
    const char *missing = "/nonexistent-cpwl-dir/net.json";
    char path[4096];
    cpwl_net_t net;
    cpwl_err_t e;
    int ret;

    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    ret = cpwl_io_net_read_file(net, missing, e);
    ck_assert(check_msg("nonexistent file", e, ret, NULL, NULL, 0, -1, 0,
                        missing, "No such|cannot open|not found"));

    cpwl_err_init(e);
    ret = cpwl_io_net_read_file(net, "/tmp", e);
    ck_assert(check_msg("directory", e, ret, NULL, NULL, 0, -1, 0, "/tmp",
                        "directory"));

    /* A malformed file is placed by its name, line 5 (see the file). */
    snprintf(path, sizeof(path), "%s/bad-syntax.json", testdata_dir());
    cpwl_err_init(e);
    ret = cpwl_io_net_read_file(net, path, e);
    ck_assert(check_msg("bad-syntax.json", e, ret, path, NULL, 0, -1, 0,
                        "bad-syntax.json:5:", "malformed|JSON"));

    snprintf(path, sizeof(path), "%s/bad-activation.json", testdata_dir());
    cpwl_err_init(e);
    ret = cpwl_io_net_read_file(net, path, e);
    ck_assert(check_msg("bad-activation.json", e, ret, path, NULL, 0, -1, 0,
                        "bad-activation.json:6:20:", "sigmoid"));
    ck_assert_ptr_nonnull(strstr(e->msg, "layers[0].activation"));
    cpwl_net_clear(net);
}
END_TEST

/* ------------------------------------------------------------------------
   Exact reading
   ------------------------------------------------------------------------ */

#define EXACT_NET(numbers) "{" HD ", " numbers "'input_dim': 8, 'layers': " \
    "[{'activation': 'leaky_relu', 'slope': 0.1, 'weights': [[0.1, '0.1', " \
    "'-1/2', '0x1.8p-3', 1e-3, '2.5E+2', '6/4', -0.0]], 'bias': ['1/3']}, " \
    "{'activation': 'identity', 'weights': [['-0.1']], 'bias': [1E2]}]}"

/* Large inputs: duplicate keys among many are still found (and quickly,
   by sorting), the total bit budget refuses files of short huge literals,
   and float networks with subnormal weights stay within it. */
START_TEST(test_bad_large)
{
    size_t cap = 1 << 20, n = 0;
    char *t = malloc(cap);
    slong i;
    cpwl_net_t net;
    cpwl_err_t e;

    cpwl_net_init(net, 0);
    /* 20000 meta keys, the last one a duplicate of k7. */
    n += sprintf(t + n, "{\"format\": \"cpwl-net\", \"version\": 1, "
                 "\"input_dim\": 1, \"layers\": [{\"activation\": "
                 "\"relu\", \"weights\": [[1]], \"bias\": [0]}], "
                 "\"meta\": {");
    for (i = 0; i < 20000; i++)
        n += sprintf(t + n, "\"k%ld\": %ld, ", (long) i, (long) i);
    n += sprintf(t + n, "\"k7\": 0}}");
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_io_net_read_str(net, t, n, WHERE, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "duplicate key \"k7\"") != NULL, "%s",
                  e->msg);
    /* 1:(n - 8): the duplicate is the last key of the text. */
    {
        char want[64];
        snprintf(want, sizeof(want), "%s:1:%ld:", WHERE, (long) n - 8);
        ck_assert_msg(strncmp(e->msg, want, strlen(want)) == 0, "%s", e->msg);
    }

    /* 4000 weights 1e9999: 33,000 bits each from 6 bytes of text. */
    n = 0;
    n += sprintf(t + n, "{\"format\": \"cpwl-net\", \"version\": 1, "
                 "\"input_dim\": 4000, \"layers\": [{\"activation\": "
                 "\"identity\", \"weights\": [[");
    for (i = 0; i < 4000; i++)
        n += sprintf(t + n, "%s1e9999", i ? "," : "");
    n += sprintf(t + n, "]], \"bias\": [0]}]}");
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_io_net_read_str(net, t, n, WHERE, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "too large in total") != NULL, "%s", e->msg);

    /* 20000 subnormal binary64 weights (1075-bit denominators): accepted. */
    n = 0;
    n += sprintf(t + n, "{\"format\": \"cpwl-net\", \"version\": 1, "
                 "\"input_dim\": 20000, \"layers\": [{\"activation\": "
                 "\"identity\", \"weights\": [[");
    for (i = 0; i < 20000; i++)
        n += sprintf(t + n, "%s\"0x1p-1074\"", i ? "," : "");
    n += sprintf(t + n, "]], \"bias\": [0]}]}");
    cpwl_err_init(e);
    ck_assert_msg(cpwl_io_net_read_str(net, t, n, WHERE, e) == CPWL_OK, "%s",
                  e->msg);
    ck_assert_int_eq(fmpz_bits(fmpq_denref(fmpq_mat_entry(net->layers[0].W,
                                                          0, 19999))), 1075);
    cpwl_net_clear(net);
    free(t);
}
END_TEST

START_TEST(test_exact_values)
{
    cpwl_net_t net;
    const fmpq *w;

    cpwl_net_init(net, 0);
    ck_assert(good_input(net, "exact", EXACT_NET("")));
    w = fmpq_mat_entry(net->layers[0].W, 0, 0);
    ck_assert(eq_frac(w + 0, "1/10"));
    ck_assert(eq_frac(w + 1, "1/10"));
    ck_assert(eq_frac(w + 2, "-1/2"));
    ck_assert(eq_frac(w + 3, "3/16"));
    ck_assert(eq_frac(w + 4, "1/1000"));
    ck_assert(eq_frac(w + 5, "250"));
    ck_assert(eq_frac(w + 6, "3/2"));
    ck_assert(eq_frac(w + 7, "0"));
    ck_assert(eq_frac(net->layers[0].b, "1/3"));
    ck_assert(eq_frac(net->layers[0].slope, "1/10"));
    ck_assert(eq_frac(fmpq_mat_entry(net->layers[1].W, 0, 0), "-1/10"));
    ck_assert(eq_frac(net->layers[1].b, "100"));

    /* Large literals stay exact. */
    ck_assert(good_input(net, "big", "{" HD ", 'input_dim': 1, 'layers': "
                         "[{'activation': 'identity', 'weights': "
                         "[['123456789012345678901234567890/7']], "
                         "'bias': [0.000000000000000000000000000001]}]}"));
    ck_assert(eq_frac(fmpq_mat_entry(net->layers[0].W, 0, 0),
                      "123456789012345678901234567890/7"));
    ck_assert(eq_frac(net->layers[0].b,
                      "1/1000000000000000000000000000000"));
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_float_modes)
{
    cpwl_net_t net;
    const fmpq *w;
    char *s;

    /* binary64: 0.1 is 0x1.999999999999ap-4 = 3602879701896397 / 2^55. */
    cpwl_net_init(net, 0);
    ck_assert(good_input(net, "binary64",
                         EXACT_NET("'numbers': 'binary64', ")));
    w = fmpq_mat_entry(net->layers[0].W, 0, 0);
    ck_assert(eq_frac(w + 0, "3602879701896397/36028797018963968"));
    ck_assert(eq_frac(w + 1, "3602879701896397/36028797018963968"));
    ck_assert(eq_d(w + 0, 0.1));
    ck_assert(eq_frac(w + 2, "-1/2"));
    ck_assert(eq_frac(w + 3, "3/16"));
    ck_assert(eq_d(w + 4, 1e-3));
    ck_assert(eq_frac(w + 5, "250"));
    ck_assert(eq_frac(w + 6, "3/2"));
    ck_assert(eq_frac(w + 7, "0"));
    ck_assert(eq_d(net->layers[0].b, 1.0 / 3.0));
    ck_assert(eq_frac(net->layers[0].slope,
                      "3602879701896397/36028797018963968"));
    ck_assert(eq_frac(fmpq_mat_entry(net->layers[1].W, 0, 0),
                      "-3602879701896397/36028797018963968"));
    ck_assert(eq_frac(net->layers[1].b, "100"));

    /* The rounded values are written exactly, without "numbers", and read
       back exactly. */
    ck_assert(round_trip("binary64", net, &s));
    ck_assert_ptr_null(strstr(s, "numbers"));
    ck_assert_ptr_nonnull(strstr(s, "\"3602879701896397/36028797018963968\""));
    flint_free(s);

    /* binary32: 0.1 is 0x1.99999ap-4 = 13421773 / 2^27. */
    ck_assert(good_input(net, "binary32",
                         EXACT_NET("'numbers': 'binary32', ")));
    w = fmpq_mat_entry(net->layers[0].W, 0, 0);
    ck_assert(eq_frac(w + 0, "13421773/134217728"));
    ck_assert(eq_frac(w + 1, "13421773/134217728"));
    ck_assert(eq_d(w + 0, (double) 0.1f));
    ck_assert(eq_frac(w + 2, "-1/2"));
    ck_assert(eq_frac(w + 3, "3/16"));
    ck_assert(eq_d(w + 4, (double) 1e-3f));
    ck_assert(eq_frac(w + 5, "250"));
    ck_assert(eq_frac(w + 6, "3/2"));
    ck_assert(eq_d(net->layers[0].b, (double) (1.0f / 3.0f)));
    ck_assert(eq_frac(net->layers[0].b, "11184811/33554432"));
    ck_assert(eq_frac(net->layers[0].slope, "13421773/134217728"));
    ck_assert(round_trip("binary32", net, NULL));
    cpwl_net_clear(net);
}
END_TEST

/* ------------------------------------------------------------------------
   Round trips
   ------------------------------------------------------------------------ */

START_TEST(test_examples_round_trip)
{
    const char *dir = examples_dir();
    DIR *d = opendir(dir);
    struct dirent *ent;
    int files = 0, fails = 0;

    ck_assert_msg(d != NULL, "cannot open examples directory %s "
                  "(set CPWL_EXAMPLES)", dir);
    while ((ent = readdir(d)) != NULL)
    {
        size_t nl = strlen(ent->d_name), len;
        char path[4096], *text, *out;
        cpwl_net_t net, again;
        cpwl_err_t e;

        if (nl < 6 || strcmp(ent->d_name + nl - 5, ".json") != 0)
            continue;
        files++;
        snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_io_read_all(&text, &len, path, e) == CPWL_OK, "%s",
                      e->msg);
        /* Stochastic networks (examples/pb_*.json) embed a network but
           are cpwl-gauss files: tests/pb_certify.sh reads them. */
        if (strstr(text, "\"format\": \"cpwl-gauss\"") != NULL)
        {
            flint_free(text);
            continue;
        }
        cpwl_net_init(net, 0);
        cpwl_net_init(again, 0);
        if (cpwl_io_net_read_file(net, path, e) != CPWL_OK)
        {
            fprintf(stderr, "io: %s refused: %s\n", path, e->msg);
            fails++;
        }
        else
        {
            /* The examples are stored canonically. */
            out = cpwl_io_net_write_str(net);
            if (strlen(out) != len || memcmp(out, text, len) != 0)
            {
                fprintf(stderr, "io: %s: rewrite differs from the file:\n%s",
                        path, out);
                fails++;
            }
            if (cpwl_io_net_read_str(again, out, strlen(out), path, e) != CPWL_OK
                || !nets_equal(net, again))
            {
                fprintf(stderr, "io: %s: read back differs %s\n", path,
                        e->msg);
                fails++;
            }
            fails += !round_trip(path, net, NULL);
            flint_free(out);
        }
        cpwl_net_clear(net);
        cpwl_net_clear(again);
        flint_free(text);
    }
    closedir(d);
    ck_assert_msg(files >= 4, "only %d examples found in %s", files, dir);
    ck_assert_msg(fails == 0, "%d round-trip failures (see stderr)", fails);
}
END_TEST

/* A non-canonical file (keys in another order, decimals, JSON numbers,
   unreduced fractions, '+', hex floats, meta with nested arrays and
   numbers) and its canonical form, written by hand in the layout of the
   shipped examples. */
static const char noncanonical[] =
    "{'layers': [{'bias': [0.5, '-6/4', '0.000'], 'weights': "
    "[['2/4', 1.50], [-3, '0x10'], ['+7', '-0x.8p1']],\n"
    "  'slope': 0.01, 'activation': 'leaky_relu'},\n"
    " {'weights': [['10/5', '-0', 1e1], ['0', 2.5E-1, '-2/6']], "
    "'activation': 'identity', 'bias': [0, 0.0]}],\n"
    " 'meta': {'z': [1.50, [2, [3e0, -0.0]], {'k': null, 'b': true}], "
    "'a': 'x\\'y'},\n"
    " 'output_bias': false, 'name': 'round trip', 'input_dim': 2, "
    "'version': 1, 'format': 'cpwl-net'}";

static const char noncanonical_expected[] =
    "{\n"
    "  \"format\": \"cpwl-net\",\n"
    "  \"version\": 1,\n"
    "  \"name\": \"round trip\",\n"
    "  \"input_dim\": 2,\n"
    "  \"output_bias\": false,\n"
    "  \"layers\": [\n"
    "    {\n"
    "      \"activation\": \"leaky_relu\",\n"
    "      \"slope\": \"1/100\",\n"
    "      \"weights\": [\n"
    "        [\"1/2\", \"3/2\"],\n"
    "        [\"-3\", \"16\"],\n"
    "        [\"7\", \"-1\"]\n"
    "      ],\n"
    "      \"bias\": [\"1/2\", \"-3/2\", \"0\"]\n"
    "    },\n"
    "    {\n"
    "      \"activation\": \"identity\",\n"
    "      \"weights\": [\n"
    "        [\"2\", \"0\", \"10\"],\n"
    "        [\"0\", \"1/4\", \"-1/3\"]\n"
    "      ],\n"
    "      \"bias\": [\"0\", \"0\"]\n"
    "    }\n"
    "  ],\n"
    "  \"meta\": {\"z\":[1.50,[2,[3e0,-0.0]],{\"k\":null,\"b\":true}],"
    "\"a\":\"x\\\"y\"}\n"
    "}\n";

START_TEST(test_noncanonical_round_trip)
{
    cpwl_net_t net, again;
    char *s1, *s2;
    cpwl_err_t e;

    cpwl_net_init(net, 0);
    cpwl_net_init(again, 0);
    ck_assert(good_input(net, "non-canonical", noncanonical));
    s1 = cpwl_io_net_write_str(net);
    ck_assert_str_eq(s1, noncanonical_expected);
    ck_assert_str_eq(net->name, "round trip");
    ck_assert(!net->output_bias);

    /* Reading the canonical text gives the same network and text. */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_io_net_read_str(again, s1, strlen(s1), WHERE, e),
                     CPWL_OK);
    ck_assert(nets_equal(net, again));
    s2 = cpwl_io_net_write_str(again);
    ck_assert_str_eq(s2, s1);
    ck_assert_int_eq(count_written_rationals(s1), net_rationals(net));
    ck_assert(round_trip("non-canonical", net, NULL));

    flint_free(s1);
    flint_free(s2);
    cpwl_net_clear(net);
    cpwl_net_clear(again);
}
END_TEST

/* Seeded random networks: bits 1..60 (and 0: small integers), names with
   escapes, meta, output_bias false. */
START_TEST(test_random_round_trip)
{
    test_rng r = {test_seed(UINT64_C(0x10c0ffee15eed))};
    int t, fails = 0;

    for (t = 0; t < test_iters(240); t++)
    {
        int bits = t % 61;
        cpwl_net_t net;
        char name[64];

        cpwl_net_init(net, 0);
        test_random_net(net, &r, test_range(&r, 1, 4), test_range(&r, 1, 4),
                        4, bits);
        if (t % 3 == 1)
        {
            /* output_bias false needs a zero last bias. */
            cpwl_net_layer_struct *L = net->layers + net->nlayers - 1;
            slong i;
            for (i = 0; i < L->out; i++)
                fmpq_zero(L->b + i);
            net->output_bias = 0;
        }
        if (t % 4 == 2)
        {
            const char *nm = "q\"uote \\ tab\t nl\n caf\xc3\xa9 / <\x7f>";
            net->name = flint_malloc(strlen(nm) + 1);
            strcpy(net->name, nm);
        }
        if (t % 5 == 3)
        {
            const char *meta = "{\"k\":[1,2.50,-0.0,\"s\"],\"e\":{}}";
            net->meta = flint_malloc(strlen(meta) + 1);
            strcpy(net->meta, meta);
        }
        snprintf(name, sizeof(name), "random net %d (bits %d)", t, bits);
        fails += !round_trip(name, net, NULL);
        cpwl_net_clear(net);
    }
    ck_assert_msg(fails == 0, "%d random round trips failed (see stderr)",
                  fails);
}
END_TEST

/* ------------------------------------------------------------------------
   Vectors on the command line
   ------------------------------------------------------------------------ */

START_TEST(test_parse_vector)
{
    fmpq *x = _fmpq_vec_init(3);
    cpwl_err_t e;
    int ret;

    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_io_parse_vector(x, 2, "1/2,-3", "--at", e), CPWL_OK);
    ck_assert(eq_frac(x + 0, "1/2"));
    ck_assert(eq_frac(x + 1, "-3"));

    ck_assert_int_eq(cpwl_io_parse_vector(x, 2, " 1 , 2 ", "--at", e), CPWL_OK);
    ck_assert(eq_frac(x + 0, "1"));
    ck_assert(eq_frac(x + 1, "2"));

    ck_assert_int_eq(cpwl_io_parse_vector(x, 3, "0.1,0x1.8p-3,-6/4", "--at", e),
                     CPWL_OK);
    ck_assert(eq_frac(x + 0, "1/10"));
    ck_assert(eq_frac(x + 1, "3/16"));
    ck_assert(eq_frac(x + 2, "-3/2"));

    ck_assert_int_eq(cpwl_io_parse_vector(x, 1, "-1", "--at", e), CPWL_OK);
    ck_assert(eq_frac(x + 0, "-1"));
    ck_assert_int_eq(e->status, CPWL_OK);

#define VBAD(n, s, cause) \
    do \
    { \
        cpwl_err_init(e); \
        ret = cpwl_io_parse_vector(x, n, s, "--at", e); \
        ck_assert_msg(check_msg("vector \"" s "\"", e, ret, NULL, NULL, 0, \
                                -1, 0, "--at", cause), \
                      "vector \"%s\": %s", s, e->msg); \
    } \
    while (0)

    VBAD(2, "1", "expected 2");
    VBAD(2, "1", "got 1");
    VBAD(2, "1,2,3", "got 3");
    VBAD(1, "1,2", "got 2");
    VBAD(2, "1/2,abc", "coordinate 2");
    VBAD(3, "1,,2", "coordinate 2");
    VBAD(1, "", "coordinate 1");
    VBAD(2, ",1", "coordinate 1");
    VBAD(1, "1/0", "coordinate 1");
    VBAD(1, "1/0", "denominator");
    VBAD(2, "0,nan", "coordinate 2");
    VBAD(3, "1,2,1e999999", "coordinate 3");
#undef VBAD
    _fmpq_vec_clear(x, 3);
}
END_TEST

START_TEST(test_json_quote)
{
    /* Bytes that are not UTF-8 (a model's names need not be) become
       U+FFFD, one per byte, so that the JSON written always reads: a
       stray byte, an overlong '/', a surrogate, a cut sequence; valid
       sequences of 2, 3 and 4 bytes stay. */
    static const char *in[] = {"a\xd4" "b", "\xc0\xaf", "\xed\xa0\x80",
                               "x\xe2\x82", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"};
    static const char *want[] = {"\"a\xef\xbf\xbd" "b\"",
                                 "\"\xef\xbf\xbd\xef\xbf\xbd\"",
                                 "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
                                 "\"x\xef\xbf\xbd\xef\xbf\xbd\"",
                                 "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""};
    char *s = cpwl_io_json_quote("a\"b\\c\nd");
    slong i;
    cpwl_net_t net, back;
    cpwl_err_t e;
    ck_assert_str_eq(s, "\"a\\\"b\\\\c\\nd\"");
    flint_free(s);
    for (i = 0; i < 5; i++)
    {
        s = cpwl_io_json_quote(in[i]);
        ck_assert_str_eq(s, want[i]);
        flint_free(s);
    }
    /* a net named with such bytes writes a file that reads back */
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_io_net_read_str(net, tent_text, strlen(tent_text),
                                          WHERE, e), CPWL_OK);
    flint_free(net->name);
    net->name = flint_malloc(8);
    strcpy(net->name, "n\xff\xfe" "et");
    s = cpwl_io_net_write_str(net);
    cpwl_net_init(back, 0);
    ck_assert_int_eq(cpwl_io_net_read_str(back, s, strlen(s), "w", e), CPWL_OK);
    ck_assert_str_eq(back->name, "n\xef\xbf\xbd\xef\xbf\xbd" "et");
    flint_free(s);
    cpwl_net_clear(back);
    cpwl_net_clear(net);
}
END_TEST

/* ------------------------------------------------------------------------
   Driver
   ------------------------------------------------------------------------ */

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *tc;

    tc = tcase_create("bad");
    tcase_add_test(tc, test_bad_malformed);
    tcase_add_test(tc, test_bad_semantic);
    tcase_add_test(tc, test_bad_numbers);
    tcase_add_test(tc, test_bad_nesting);
    tcase_add_test(tc, test_bad_truncated);
    tcase_add_test(tc, test_bad_ends_in_number);
    tcase_add_test(tc, test_bad_files);
    tcase_add_test(tc, test_bad_large);
    /* Generous for valgrind runs; natively well under a second. */
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);

    tc = tcase_create("exact");
    tcase_add_test(tc, test_exact_values);
    tcase_add_test(tc, test_float_modes);
    suite_add_tcase(s, tc);

    tc = tcase_create("roundtrip");
    tcase_add_test(tc, test_examples_round_trip);
    tcase_add_test(tc, test_noncanonical_round_trip);
    tcase_add_test(tc, test_random_round_trip);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);

    tc = tcase_create("vector");
    tcase_add_test(tc, test_parse_vector);
    tcase_add_test(tc, test_json_quote);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return test_run(io_suite());
}
