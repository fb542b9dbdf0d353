/* cpwl build: the networks of the constructive theorems (build.h) and the
   network algebra (netalg.h), written as canonical cpwl JSON.

   Every option value is read exactly (cpwl_num_parse_fmpq); a malformed value
   is reported with the option and the column.  The theorem hypotheses
   (increasing breakpoints, a in the open simplex, nonzero generators, ...)
   are checked by the library, whose message is passed on (exit 2). */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define SUB "build"

/* ---- option values: lists of rationals --------------------------------- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim blanks of s[a..z). */
static void trim(const char *s, size_t *a, size_t *z)
{
    while (*a < *z && is_blank(s[*a]))
        (*a)++;
    while (*z > *a && is_blank(s[*z - 1]))
        (*z)--;
}

/* One number s[a..z) of option opt (column a + 1 in messages). */
static int parse_num(fmpq_t x, const char *s, size_t a, size_t z,
                     const char *opt, cpwl_err_t e)
{
    cpwl_err_t ne;
    cpwl_err_init(ne);
    trim(s, &a, &z);
    if (a == z)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "--%s: column %ld: expected a "
                            "number", opt, (long) a + 1);
    if (cpwl_num_parse_fmpq(x, s + a, z - a, CPWL_NUM_EXACT, ne) != CPWL_OK)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "--%s: column %ld: %s", opt,
                            (long) a + 1, ne->msg);
    return CPWL_OK;
}

/* The numbers of s[a..z) separated by sep into a new vector *v (*n
   entries; a blank text gives none). */
static int parse_list(fmpq **v, slong *n, const char *s, size_t a, size_t z,
                      char sep, const char *opt, cpwl_err_t e)
{
    slong k = 1, i;
    size_t p, q;
    *v = NULL;
    *n = 0;
    trim(s, &a, &z);
    if (a == z)
        return CPWL_OK;
    for (p = a; p < z; p++)
        k += s[p] == sep;
    *v = _fmpq_vec_init(k);
    *n = k;
    for (i = 0, p = a; i < k; i++, p = q + 1)
    {
        for (q = p; q < z && s[q] != sep; q++)
            ;
        if (parse_num(*v + i, s, p, q, opt, e) != CPWL_OK)
        {
            _fmpq_vec_clear(*v, k);
            *v = NULL;
            *n = 0;
            return CPWL_ERR_INPUT;
        }
    }
    return CPWL_OK;
}

/* Rows "r1;r2;..." of comma lists, all of the same length: a new
   row-major vector *v of *rows x *cols. */
static int parse_rows(fmpq **v, slong *rows, slong *cols, const char *s,
                      const char *opt, cpwl_err_t e)
{
    size_t p = 0, q, len = strlen(s);
    slong r = 1, i, j;
    fmpq *row;
    slong n;
    *v = NULL;
    *rows = *cols = 0;
    for (q = 0; q < len; q++)
        r += s[q] == ';';
    for (i = 0; i < r; i++, p = q + 1)
    {
        for (q = p; q < len && s[q] != ';'; q++)
            ;
        if (parse_list(&row, &n, s, p, q, ',', opt, e) != CPWL_OK)
            goto fail;
        if (n == 0)
        {
            cpwl_err_set(e, CPWL_ERR_INPUT, "--%s: column %ld: row %ld is empty",
                         opt, (long) p + 1, (long) i + 1);
            goto fail;
        }
        if (i == 0)
        {
            *cols = n;
            *v = _fmpq_vec_init(r * n);
        }
        else if (n != *cols)
        {
            cpwl_err_set(e, CPWL_ERR_INPUT, "--%s: column %ld: row %ld has %ld "
                         "entr%s, row 1 has %ld", opt, (long) p + 1, (long) i + 1,
                         (long) n, n == 1 ? "y" : "ies", (long) *cols);
            _fmpq_vec_clear(row, n);
            goto fail;
        }
        for (j = 0; j < n; j++)
            fmpq_swap(*v + i * n + j, row + j);
        _fmpq_vec_clear(row, n);
    }
    *rows = r;
    return CPWL_OK;
fail:
    if (*v != NULL)
        _fmpq_vec_clear(*v, r * *cols);
    *v = NULL;
    *rows = *cols = 0;
    return CPWL_ERR_INPUT;
}

/* ---- the text forms of --maxsum and --lattice ------------------------- */

/* A cursor over one option value; positions in messages are 1-based
   columns. */
typedef struct
{
    const char *s;
    size_t pos;
    const char *opt;
    cpwl_err_struct *e;
}
cursor;

static void cur_ws(cursor *c)
{
    while (is_blank(c->s[c->pos]) || c->s[c->pos] == '\n')
        c->pos++;
}

static int cur_fail(cursor *c, const char *what)
{
    char got[CPWL_ERR_QUOTE_SIZE];
    if (c->s[c->pos] == '\0')
        return cpwl_err_set(c->e, CPWL_ERR_INPUT, "--%s: column %ld: expected %s, "
                            "got the end of the text", c->opt, (long) c->pos + 1,
                            what);
    cpwl_err_quote(got, sizeof got, c->s + c->pos, strcspn(c->s + c->pos, " \t"));
    return cpwl_err_set(c->e, CPWL_ERR_INPUT, "--%s: column %ld: expected %s, got "
                        "%s", c->opt, (long) c->pos + 1, what, got);
}

/* Skip blanks, then the text word (if present: returns 1). */
static int cur_accept(cursor *c, const char *word)
{
    size_t len = strlen(word);
    cur_ws(c);
    if (strncmp(c->s + c->pos, word, len) != 0)
        return 0;
    c->pos += len;
    return 1;
}

/* The end of a number token: the next delimiter. */
static size_t cur_token_end(const cursor *c)
{
    return c->pos + strcspn(c->s + c->pos, ",|();: \t\n");
}

/* A comma list of numbers; *n of them, appended to *v (alloc *alloc). */
static int cur_row(cursor *c, fmpq **v, slong *len, slong *alloc, slong *n)
{
    *n = 0;
    for (;;)
    {
        size_t end;
        cur_ws(c);
        end = cur_token_end(c);
        if (end == c->pos)
            return cur_fail(c, "a number");
        if (*len == *alloc)
        {
            slong na = FLINT_MAX(16, 2 * *alloc), i;
            fmpq *w = _fmpq_vec_init(na);
            for (i = 0; i < *len; i++)
                fmpq_swap(w + i, *v + i);
            if (*v != NULL)
                _fmpq_vec_clear(*v, *alloc);
            *v = w;
            *alloc = na;
        }
        if (parse_num(*v + *len, c->s, c->pos, end, c->opt, c->e) != CPWL_OK)
            return CPWL_ERR_INPUT;
        (*len)++;
        (*n)++;
        c->pos = end;
        if (!cur_accept(c, ","))
            return CPWL_OK;
    }
}

/* Rows separated by '|' (up to the first character that is neither a
   number, ',' nor '|'); every row must have `width` entries (width 0: the
   first row sets it). */
static int cur_rows(cursor *c, fmpq **v, slong *len, slong *alloc,
                    slong *rows, slong *width, const char *what)
{
    *rows = 0;
    do
    {
        size_t at;
        slong n;
        cur_ws(c);
        at = c->pos;
        if (cur_row(c, v, len, alloc, &n) != CPWL_OK)
            return CPWL_ERR_INPUT;
        if (*width == 0)
        {
            if (n < 2)
                return cpwl_err_set(c->e, CPWL_ERR_INPUT, "--%s: column %ld: a "
                                    "%s needs n + 1 >= 2 numbers (a_1..a_n, b), "
                                    "got %ld", c->opt, (long) at + 1, what,
                                    (long) n);
            *width = n;
        }
        else if (n != *width)
            return cpwl_err_set(c->e, CPWL_ERR_INPUT, "--%s: column %ld: this %s "
                                "has %ld number%s, the first one %ld (n + 1 each)",
                                c->opt, (long) at + 1, what, (long) n,
                                n == 1 ? "" : "s", (long) *width);
        (*rows)++;
    }
    while (cur_accept(c, "|"));
    return CPWL_OK;
}

/* --maxsum: terms [+|-]max(row | row | ...), optionally separated by ';',
   each row a_1,...,a_n,b. */
static int build_maxsum_text(cpwl_net_t out, slong *size, const char *s, cpwl_err_t e)
{
    cursor c = {s, 0, "maxsum", e};
    fmpq *v = NULL;
    slong len = 0, alloc = 0, width = 0, nterms = 0, talloc = 0, j;
    slong *k = NULL, *start = NULL;
    int *sign = NULL, status = CPWL_ERR_INPUT;
    const fmpq **terms = NULL;

    for (;;)
    {
        int sg = 1;
        cur_ws(&c);
        if (c.s[c.pos] == '\0' && nterms > 0)
            break;
        if (cur_accept(&c, "-"))
            sg = -1;
        else
            cur_accept(&c, "+");
        if (!cur_accept(&c, "max"))
        {
            cur_fail(&c, "a term [+|-]max(...)");
            goto done;
        }
        if (!cur_accept(&c, "("))
        {
            cur_fail(&c, "'(' after max");
            goto done;
        }
        if (nterms == talloc)
        {
            talloc = FLINT_MAX(8, 2 * talloc);
            k = flint_realloc(k, talloc * sizeof(slong));
            start = flint_realloc(start, talloc * sizeof(slong));
            sign = flint_realloc(sign, talloc * sizeof(int));
        }
        start[nterms] = len;
        sign[nterms] = sg;
        if (cur_rows(&c, &v, &len, &alloc, k + nterms, &width, "row")
            != CPWL_OK)
            goto done;
        nterms++;
        if (!cur_accept(&c, ")"))
        {
            cur_fail(&c, "'|' or ')'");
            goto done;
        }
        cur_accept(&c, ";");
    }
    terms = flint_malloc(nterms * sizeof(fmpq *));
    for (j = 0; j < nterms; j++)
        terms[j] = v + start[j];
    status = cpwl_build_maxsum(out, size, width - 1, nterms, k,
                               (const fmpq *const *) terms, sign, e);
done:
    if (v != NULL)
        _fmpq_vec_clear(v, alloc);
    flint_free(terms);
    flint_free(k);
    flint_free(start);
    flint_free(sign);
    return status;
}

/* --lattice: "L: row | row | ...; groups: i,j,...; i,...": f = max over
   the groups of the min of the rows listed (0-based). */
static int build_lattice_text(cpwl_net_t out, slong *size, const char *s,
                              cpwl_err_t e)
{
    cursor c = {s, 0, "lattice", e};
    fmpq *v = NULL;
    slong len = 0, alloc = 0, width = 0, nl = 0, ng = 0, galloc = 0, nidx = 0,
        iall = 0, j;
    slong *idx = NULL, *glen = NULL;
    const slong **groups = NULL;
    int status = CPWL_ERR_INPUT;

    if (!cur_accept(&c, "L") || !cur_accept(&c, ":"))
    {
        cur_fail(&c, "\"L:\" and the affine maps");
        goto done;
    }
    if (cur_rows(&c, &v, &len, &alloc, &nl, &width, "map") != CPWL_OK)
        goto done;
    if (!cur_accept(&c, ";"))
    {
        cur_fail(&c, "'|' or ';' before \"groups:\"");
        goto done;
    }
    if (!cur_accept(&c, "groups") || !cur_accept(&c, ":"))
    {
        cur_fail(&c, "\"groups:\"");
        goto done;
    }
    do
    {
        if (ng == galloc)
        {
            galloc = FLINT_MAX(8, 2 * galloc);
            glen = flint_realloc(glen, galloc * sizeof(slong));
        }
        glen[ng] = 0;
        do
        {
            char *end;
            long x;
            cur_ws(&c);
            errno = 0;
            x = strtol(c.s + c.pos, &end, 10);
            if (end == c.s + c.pos || errno != 0
                || !(c.s[c.pos] >= '0' && c.s[c.pos] <= '9'))
            {
                cur_fail(&c, "the index of a map (0, 1, ...)");
                goto done;
            }
            if (x >= nl)
            {
                cpwl_err_set(e, CPWL_ERR_INPUT, "--lattice: column %ld: index %ld,"
                             " but L has %ld map%s (0 to %ld)", (long) c.pos + 1,
                             x, (long) nl, nl == 1 ? "" : "s", (long) nl - 1);
                goto done;
            }
            if (nidx == iall)
            {
                iall = FLINT_MAX(16, 2 * iall);
                idx = flint_realloc(idx, iall * sizeof(slong));
            }
            idx[nidx++] = x;
            glen[ng]++;
            c.pos = end - c.s;
        }
        while (cur_accept(&c, ","));
        ng++;
    }
    while (cur_accept(&c, ";"));
    cur_ws(&c);
    if (c.s[c.pos] != '\0')
    {
        cur_fail(&c, "',' or ';' or the end");
        goto done;
    }
    groups = flint_malloc(ng * sizeof(slong *));
    for (j = 0, nidx = 0; j < ng; nidx += glen[j], j++)
        groups[j] = idx + nidx;
    status = cpwl_build_lattice(out, size, width - 1, nl, v, ng, glen,
                                groups, e);
done:
    if (v != NULL)
        _fmpq_vec_clear(v, alloc);
    flint_free(idx);
    flint_free(glen);
    flint_free(groups);
    return status;
}

/* ---- seeded random generators ------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* m x n integer generators, entries uniform in -4..4 (splitmix64 from the
   seed), all-zero rows drawn again. */
static void random_generators(fmpq *b, slong m, slong n, slong seed)
{
    uint64_t st = (uint64_t) seed;
    slong i, j;
    for (i = 0; i < m; i++)
    {
        int zero;
        do
        {
            zero = 1;
            for (j = 0; j < n; j++)
            {
                slong x = (slong) (splitmix64(&st) % 9) - 4;
                fmpq_set_si(b + i * n + j, x, 1);
                zero &= x == 0;
            }
        }
        while (zero);
    }
}

/* ---- the subcommand ----------------------------------------------------- */

static const struct option build_opts[] = {
    {"breaks", required_argument, NULL, 'b'},
    {"slopes", required_argument, NULL, 's'},
    {"value", required_argument, NULL, 'v'},
    {"output-bias", required_argument, NULL, 'B'},
    {"points", required_argument, NULL, 'P'},
    {"n", required_argument, NULL, 'n'},
    {"zero", no_argument, NULL, 'z'},
    {"maxsum", required_argument, NULL, 'M'},
    {"lattice", required_argument, NULL, 'L'},
    {"a", required_argument, NULL, 'a'},
    {"k", required_argument, NULL, 'k'},
    {"gens", required_argument, NULL, 'g'},
    {"random", required_argument, NULL, 'r'},
    {"dim", required_argument, NULL, 'd'},
    {"seed", required_argument, NULL, 'e'},
    {"compose-hard", required_argument, NULL, 'H'},
    {"compose-sawtooth", required_argument, NULL, 'S'},
    {"by", required_argument, NULL, 'y'},
    {"output", required_argument, NULL, 'o'},
    {"verbose", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0}
};

typedef struct
{
    const char *name;
    const char *allowed;        /* option characters besides o, V */
    int files;                  /* positional network files */
}
build_kind;

static const build_kind kinds[] = {
    {"pwl1d", "bsvBP", 0},
    {"max", "nz", 0},
    {"cpwl", "ML", 0},
    {"zigzag", "a", 0},
    {"hard", "a", 0},
    {"sawtooth", "k", 0},
    {"zonotope", "grdeHS", 0},
    {"compose", "", 2},
    {"sum", "", 2},
    {"scale", "y", 1},
    {NULL, NULL, 0}
};

static const char *opt_name(int c)
{
    const struct option *o;
    for (o = build_opts; o->name != NULL; o++)
        if (o->val == c)
            return o->name;
    return "?";
}

typedef struct
{
    const char *val[128];       /* the value of each option, by its char */
    int given[128];
}
build_args;

/* The option value, or NULL. */
static const char *arg(const build_args *a, int c)
{
    return a->given[c] ? a->val[c] : NULL;
}

static int need(const build_args *a, int c, const char *kind)
{
    if (a->given[c])
        return CPWL_OK;
    return cli_usage(SUB, "%s: --%s is required", kind, opt_name(c));
}

static int slong_opt(slong *x, const build_args *a, int c, slong lo,
                     slong hi)
{
    char opt[40];
    snprintf(opt, sizeof opt, "--%s", opt_name(c));
    return cli_parse_slong(x, SUB, opt, a->val[c], lo, hi);
}

static int run_pwl1d(cpwl_net_t net, slong *units, const build_args *a, cpwl_err_t e)
{
    const char *ob = arg(a, 'B');
    int bias = 1, status;
    if (ob != NULL)
    {
        if (strcmp(ob, "yes") == 0)
            bias = 1;
        else if (strcmp(ob, "no") == 0)
            bias = 0;
        else
            return cli_usage(SUB, "--output-bias: expected yes or no, got "
                             "\"%.40s\"", ob);
    }
    if (a->given['P'])
    {
        const char *s = a->val['P'];
        size_t len = strlen(s), p, q;
        slong np = 1, i;
        fmpq *x, *y;
        if (a->given['b'] || a->given['s'] || a->given['v'])
            return cli_usage(SUB, "pwl1d: --points or --breaks/--slopes/"
                             "--value, not both");
        for (p = 0; p < len; p++)
            np += s[p] == ',';
        x = _fmpq_vec_init(np);
        y = _fmpq_vec_init(np);
        status = CPWL_OK;
        for (i = 0, p = 0; i < np && status == CPWL_OK; i++, p = q + 1)
        {
            size_t colon;
            for (q = p; q < len && s[q] != ','; q++)
                ;
            for (colon = p; colon < q && s[colon] != ':'; colon++)
                ;
            if (colon == q)
                status = cpwl_err_set(e, CPWL_ERR_INPUT, "--points: column %ld: "
                                      "point %ld: expected x:y", (long) p + 1,
                                      (long) i + 1);
            else if (parse_num(x + i, s, p, colon, "points", e) == CPWL_OK)
                status = parse_num(y + i, s, colon + 1, q, "points", e);
            else
                status = CPWL_ERR_INPUT;
        }
        if (status == CPWL_OK)
            status = cpwl_build_pwl1d_points(net, units, x, y, np, bias, e);
        _fmpq_vec_clear(x, np);
        _fmpq_vec_clear(y, np);
        return status;
    }
    else
    {
        fmpq *br = NULL, *sl = NULL;
        slong nb = 0, ns = 0;
        fmpq_t v;
        if ((status = need(a, 's', "pwl1d (or --points)")) != CPWL_OK
            || (status = need(a, 'v', "pwl1d")) != CPWL_OK)
            return status;
        fmpq_init(v);
        status = parse_list(&sl, &ns, a->val['s'], 0, strlen(a->val['s']),
                            ',', "slopes", e);
        if (status == CPWL_OK && a->given['b'])
            status = parse_list(&br, &nb, a->val['b'], 0,
                                strlen(a->val['b']), ',', "breaks", e);
        if (status == CPWL_OK)
            status = parse_num(v, a->val['v'], 0, strlen(a->val['v']),
                               "value", e);
        if (status == CPWL_OK && ns == 0)
            status = cpwl_err_set(e, CPWL_ERR_INPUT, "--slopes: expected at least"
                                  " one slope");
        if (status == CPWL_OK && nb != ns - 1)
            status = cpwl_err_set(e, CPWL_ERR_INPUT, "--breaks: expected %ld "
                                  "breakpoint%s (one fewer than the %ld slopes), "
                                  "got %ld", (long) ns - 1, ns == 2 ? "" : "s",
                                  (long) ns, (long) nb);
        if (status == CPWL_OK)
            status = cpwl_build_pwl1d(net, units, br, ns, sl, v, bias, e);
        if (br != NULL)
            _fmpq_vec_clear(br, nb);
        if (sl != NULL)
            _fmpq_vec_clear(sl, ns);
        fmpq_clear(v);
        return status;
    }
}

/* The hard family of the rows of `s` (option c), as for hard --a. */
static int run_hard(cpwl_net_t net, const char *s, int c, cpwl_err_t e)
{
    fmpq *a;
    slong k, w;
    int status = parse_rows(&a, &k, &w, s, opt_name(c), e);
    if (status != CPWL_OK)
        return status;
    status = cpwl_build_hard(net, a, w, k, e);
    _fmpq_vec_clear(a, k * w);
    return status;
}

static int run_zonotope(cpwl_net_t net, const build_args *a, cpwl_err_t e)
{
    fmpq *b = NULL;
    slong m, n;
    int status;
    cpwl_net_t z, h;
    if (a->given['g'] && a->given['r'])
        return cli_usage(SUB, "zonotope: --gens or --random, not both");
    if (!a->given['g'] && !a->given['r'])
        return cli_usage(SUB, "zonotope: give --gens or --random M --dim N");
    if (a->given['H'] && a->given['S'])
        return cli_usage(SUB, "zonotope: --compose-hard or "
                         "--compose-sawtooth, not both");
    if (a->given['g'])
    {
        if (a->given['d'] || a->given['e'])
            return cli_usage(SUB, "zonotope: --dim and --seed go with "
                             "--random");
        if ((status = parse_rows(&b, &m, &n, a->val['g'], "gens", e))
            != CPWL_OK)
            return status;
    }
    else
    {
        slong seed = 0;
        if ((status = need(a, 'd', "zonotope --random")) != CPWL_OK
            || (status = slong_opt(&m, a, 'r', 1, 100000)) != CPWL_OK
            || (status = slong_opt(&n, a, 'd', 1, 100000)) != CPWL_OK
            || (a->given['e']
                && (status = slong_opt(&seed, a, 'e', 0, WORD_MAX))
                != CPWL_OK))
            return status;
        if (m * n > 10000000)
            return cli_usage(SUB, "zonotope: --random %ld --dim %ld: at most"
                             " 10^7 entries", (long) m, (long) n);
        b = _fmpq_vec_init(m * n);
        random_generators(b, m, n, seed);
    }
    cpwl_net_init(z, n);
    cpwl_net_init(h, 1);
    status = cpwl_build_zonotope(z, b, m, n, e);
    if (status == CPWL_OK && a->given['H'])
        status = run_hard(h, a->val['H'], 'H', e);
    else if (status == CPWL_OK && a->given['S'])
    {
        slong k;
        if ((status = slong_opt(&k, a, 'S', 1, 10000)) == CPWL_OK)
            status = cpwl_build_sawtooth(h, k, e);
    }
    if (status == CPWL_OK && (a->given['H'] || a->given['S']))
        status = cpwl_netalg_compose(net, h, z, e);
    else if (status == CPWL_OK)
        cpwl_net_swap(net, z);
    cpwl_net_clear(z);
    cpwl_net_clear(h);
    _fmpq_vec_clear(b, m * n);
    return status;
}

/* The name recorded in the file: the command line without -o/--verbose. */
static char *command_name(int argc, char **argv)
{
    size_t len = strlen("cpwl build") + 1;
    int i;
    char *s;
    for (i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    s = flint_malloc(len);
    strcpy(s, "cpwl build");
    for (i = 0; i < argc; i++)
    {
        const char *t = argv[i];
        if (strcmp(t, "--verbose") == 0)
            continue;
        if (strcmp(t, "-o") == 0 || strcmp(t, "--output") == 0)
        {
            i++;
            continue;
        }
        if (strncmp(t, "-o", 2) == 0 || strncmp(t, "--output=", 9) == 0)
            continue;
        strcat(s, " ");
        strcat(s, t);
    }
    return s;
}

int cmd_build(int argc, char **argv)
{
    const build_kind *kind;
    build_args a;
    const char *kname;
    char **files;
    cpwl_net_t net, f, g;
    cpwl_err_t e;
    slong units = -1, l;
    int c, status = CPWL_OK, i;

    if (argc < 2 || argv[1][0] == '-')
    {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0
                          || strcmp(argv[1], "-h") == 0))
        {
            fputs(cli_find(SUB)->usage, stdout);
            return CPWL_OK;
        }
        return cli_usage(SUB, "expected a kind: pwl1d, max, cpwl, zigzag, "
                         "hard, sawtooth, zonotope, compose, sum or scale");
    }
    kname = argv[1];
    for (kind = kinds; kind->name != NULL; kind++)
        if (strcmp(kind->name, kname) == 0)
            break;
    if (kind->name == NULL)
        return cli_usage(SUB, "unknown kind \"%.40s\" (pwl1d, max, cpwl, "
                         "zigzag, hard, sawtooth, zonotope, compose, sum, "
                         "scale)", kname);

    memset(&a, 0, sizeof a);
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:", build_opts, NULL)) != -1)
    {
        if (c == '?' || c == ':')
            return cli_bad_option(SUB, c, argv);
        if (c != 'o' && c != 'V' && strchr(kind->allowed, c) == NULL)
            return cli_usage(SUB, "option --%s does not apply to %s",
                             opt_name(c), kname);
        a.given[c] = 1;
        a.val[c] = optarg;
    }
    files = argv + optind;
    if (argc - optind != kind->files)
    {
        if (kind->files == 0)
            return cli_usage(SUB, "%s: unexpected argument \"%.40s\"", kname,
                             files[0]);
        return cli_usage(SUB, "%s: expected %d network file%s", kname,
                         kind->files, kind->files == 1 ? "" : "s");
    }

    cpwl_err_init(e);
    cpwl_net_init(net, 1);
    cpwl_net_init(f, 1);
    cpwl_net_init(g, 1);
    for (i = 0; i < kind->files && status == CPWL_OK; i++)
        status = cli_load_net(i == 0 ? f : g, SUB, files[i]);
    if (status != CPWL_OK)
        goto done;

    if (strcmp(kname, "pwl1d") == 0)
        status = run_pwl1d(net, &units, &a, e);
    else if (strcmp(kname, "max") == 0)
    {
        slong n;
        if ((status = need(&a, 'n', kname)) == CPWL_OK
            && (status = slong_opt(&n, &a, 'n', 0, 1000000)) == CPWL_OK)
            status = cpwl_build_max(net, n, a.given['z'], e);
    }
    else if (strcmp(kname, "cpwl") == 0)
    {
        if (a.given['M'] == a.given['L'])
            status = cli_usage(SUB, "cpwl: give --maxsum or --lattice");
        else if (a.given['M'])
            status = build_maxsum_text(net, &units, a.val['M'], e);
        else
            status = build_lattice_text(net, &units, a.val['L'], e);
    }
    else if (strcmp(kname, "zigzag") == 0)
    {
        fmpq *v;
        slong w;
        if ((status = need(&a, 'a', kname)) == CPWL_OK
            && (status = parse_list(&v, &w, a.val['a'], 0,
                                    strlen(a.val['a']), ',', "a", e))
            == CPWL_OK)
        {
            status = cpwl_build_zigzag(net, v, w, e);
            if (v != NULL)
                _fmpq_vec_clear(v, w);
        }
    }
    else if (strcmp(kname, "hard") == 0)
    {
        if ((status = need(&a, 'a', kname)) == CPWL_OK)
            status = run_hard(net, a.val['a'], 'a', e);
    }
    else if (strcmp(kname, "sawtooth") == 0)
    {
        slong k;
        if ((status = need(&a, 'k', kname)) == CPWL_OK
            && (status = slong_opt(&k, &a, 'k', 0, 10000)) == CPWL_OK)
            status = cpwl_build_sawtooth(net, k, e);
    }
    else if (strcmp(kname, "zonotope") == 0)
        status = run_zonotope(net, &a, e);
    else if (strcmp(kname, "compose") == 0)
        status = cpwl_netalg_compose(net, f, g, e);
    else if (strcmp(kname, "sum") == 0)
        status = cpwl_netalg_sum(net, f, g, e);
    else                        /* scale */
    {
        fmpq_t by;
        fmpq_init(by);
        if ((status = need(&a, 'y', kname)) == CPWL_OK
            && (status = parse_num(by, a.val['y'], 0, strlen(a.val['y']),
                                   "by", e)) == CPWL_OK)
            cpwl_netalg_scale(net, f, by);
        fmpq_clear(by);
    }
    if (status != CPWL_OK)
    {
        if (e->status != CPWL_OK)
            status = cli_fail(SUB, e);
        goto done;
    }

    if (net->name == NULL || kind->files > 0)
    {
        flint_free(net->name);
        net->name = command_name(argc, argv);
    }
    cpwl_net_prepare(net);
    if (a.given['V'])
    {
        fprintf(stderr, "cpwl build: %s: input_dim %ld, output_dim %ld, "
                "depth %ld, size %ld, width %ld, hidden widths ", kname,
                (long) net->input_dim, (long) cpwl_net_output_dim(net),
                (long) cpwl_net_depth(net), (long) cpwl_net_size(net),
                (long) cpwl_net_width(net));
        for (l = 0; l + 1 < net->nlayers; l++)
            fprintf(stderr, "%s%ld", l ? "-" : "",
                    (long) cpwl_net_layer_width(net, l));
        if (net->nlayers < 2)
            fprintf(stderr, "(none)");
        fprintf(stderr, "\n");
    }
    status = cli_write_net(net, "build", arg(&a, 'o'));
done:
    cpwl_net_clear(net);
    cpwl_net_clear(f);
    cpwl_net_clear(g);
    return status;
}
