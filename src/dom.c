/* Domains and the restriction of a network to them (see cpwl/dom.h). */
#include <stdio.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "cpwl/dom.h"
#include "cpwl/io.h"
#include "cpwl/num.h"

void cpwl_dom_init(cpwl_dom_t D)
{
    memset(D, 0, sizeof(cpwl_dom_struct));
}

static void dom_free(cpwl_dom_t D)
{
    if (D->lo != NULL)
    {
        _fmpq_vec_clear(D->lo, D->d);
        _fmpq_vec_clear(D->hi, D->d);
    }
    if (D->x0 != NULL)
    {
        _fmpq_vec_clear(D->x0, D->n);
        _fmpq_vec_clear(D->u, D->n);
        _fmpq_vec_clear(D->v, D->n);
    }
    memset(D, 0, sizeof(cpwl_dom_struct));
}

void cpwl_dom_clear(cpwl_dom_t D)
{
    dom_free(D);
}

void cpwl_dom_set_all(cpwl_dom_t D, slong n)
{
    dom_free(D);
    D->kind = CPWL_DOM_ALL;
    D->n = D->d = n;
}

/* Split s at the first occurrence of sep: [s, *mid) and the rest. */
static const char *split_at(const char *s, int sep)
{
    const char *p = strchr(s, sep);
    return p ? p : s + strlen(s);
}

/* A box is "lo:hi,lo:hi" or, as cpwl prints it, "[lo,hi]x[lo,hi]".
   Messages give the 1-based column in the text and the 1-based interval. */
static int box_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* The bound in s[a, b), blanks around it skipped. */
static int parse_bound(fmpq_t x, const char *s, size_t a, size_t b,
                       slong k, const char *which, cpwl_err_t e)
{
    cpwl_err_t ne;
    while (a < b && box_blank(s[a]))
        a++;
    while (b > a && box_blank(s[b - 1]))
        b--;
    cpwl_err_init(ne);
    if (a == b)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: column %ld: interval %ld: "
                            "missing %s bound", (long) a + 1, (long) k + 1, which);
    if (cpwl_num_parse_fmpq(x, s + a, b - a, CPWL_NUM_EXACT, ne) != CPWL_OK)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: column %ld: interval %ld: "
                            "%s", (long) a + 1, (long) k + 1, ne->msg);
    return CPWL_OK;
}

/* Position of the first of the characters `stops` in s from a (or the
   end of s). */
static size_t scan_to(const char *s, size_t a, const char *stops)
{
    while (s[a] != '\0' && strchr(stops, s[a]) == NULL)
        a++;
    return a;
}

static int check_interval(const fmpq_t lo, const fmpq_t hi, const char *s,
                          size_t a, size_t b, slong k, cpwl_err_t e)
{
    char q[CPWL_ERR_QUOTE_SIZE];
    if (fmpq_cmp(lo, hi) < 0)
        return CPWL_OK;
    cpwl_err_quote(q, sizeof q, s + a, b - a);
    return cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: column %ld: interval %ld (%s) is "
                        "%s: need lo < hi", (long) a + 1, (long) k + 1, q,
                        fmpq_equal(lo, hi) ? "empty" : "inverted");
}

/* The box as cpwl prints it, "[lo,hi]x[lo,hi]" (blanks allowed around
   every part; 'x', 'X' or U+00D7 between the intervals). */
static int parse_box_brackets(fmpq *lo, fmpq *hi, slong d, const char *s,
                              slong *got, cpwl_err_t e)
{
    size_t p = 0;
    slong k = 0;
    fmpq_t tl, th;
    int st = CPWL_OK;
    fmpq_init(tl);
    fmpq_init(th);
    for (;;)
    {
        size_t open, comma, close;
        while (box_blank(s[p]))
            p++;
        if (s[p] != '[')
        {
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: column %ld: expected '[' "
                              "(intervals [lo,hi] joined by 'x')", (long) p + 1);
            break;
        }
        open = p;
        comma = scan_to(s, open + 1, ",]");
        if (s[comma] != ',')
        {
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: column %ld: interval %ld: "
                              "expected ',' between lo and hi", (long) comma + 1,
                              (long) k + 1);
            break;
        }
        close = scan_to(s, comma + 1, ",]");
        if (s[close] != ']')
        {
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: column %ld: interval %ld: "
                              "expected ']'", (long) close + 1, (long) k + 1);
            break;
        }
        if ((st = parse_bound(tl, s, open + 1, comma, k, "lower", e))
            != CPWL_OK
            || (st = parse_bound(th, s, comma + 1, close, k, "upper", e))
            != CPWL_OK
            || (st = check_interval(tl, th, s, open, close + 1, k, e))
            != CPWL_OK)
            break;
        if (k < d)
        {
            fmpq_set(lo + k, tl);
            fmpq_set(hi + k, th);
        }
        k++;
        p = close + 1;
        while (box_blank(s[p]))
            p++;
        if (s[p] == '\0')
            break;
        if (s[p] == 'x' || s[p] == 'X')
            p++;
        else if ((unsigned char) s[p] == 0xc3
                 && (unsigned char) s[p + 1] == 0x97)
            p += 2;
        else
        {
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: column %ld: expected 'x' "
                              "between intervals or the end", (long) p + 1);
            break;
        }
    }
    fmpq_clear(tl);
    fmpq_clear(th);
    *got = k;
    return st;
}

/* "lo:hi,lo:hi,..." (blanks allowed around the numbers). */
static int parse_box_colons(fmpq *lo, fmpq *hi, slong d, const char *s,
                            slong *got, cpwl_err_t e)
{
    size_t p = 0;
    slong k = 0;
    fmpq_t tl, th;
    int st = CPWL_OK;
    char q[CPWL_ERR_QUOTE_SIZE];
    fmpq_init(tl);
    fmpq_init(th);
    for (;;)
    {
        size_t end = scan_to(s, p, ","), colon = scan_to(s, p, ":,");
        if (s[colon] != ':')
        {
            cpwl_err_quote(q, sizeof q, s + p, end - p);
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: column %ld: interval %ld: "
                              "expected lo:hi or [lo,hi], got %s", (long) p + 1,
                              (long) k + 1, q);
            break;
        }
        if ((st = parse_bound(tl, s, p, colon, k, "lower", e)) != CPWL_OK
            || (st = parse_bound(th, s, colon + 1, end, k, "upper", e))
            != CPWL_OK
            || (st = check_interval(tl, th, s, p, end, k, e)) != CPWL_OK)
            break;
        if (k < d)
        {
            fmpq_set(lo + k, tl);
            fmpq_set(hi + k, th);
        }
        k++;
        if (s[end] == '\0')
            break;
        p = end + 1;
    }
    fmpq_clear(tl);
    fmpq_clear(th);
    *got = k;
    return st;
}

/* Exactly d intervals with lo < hi, in either form. */
static int parse_box(fmpq *lo, fmpq *hi, slong d, const char *s, cpwl_err_t e)
{
    const char *t = s;
    slong k;
    int st;
    while (box_blank(*t))
        t++;
    st = *t == '['
         ? parse_box_brackets(lo, hi, d, s, &k, e)
         : parse_box_colons(lo, hi, d, s, &k, e);
    if (st != CPWL_OK)
        return st;
    if (k != d)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`box`: expected %ld interval%s "
                            "(the domain dimension), got %ld", (long) d,
                            d == 1 ? "" : "s", (long) k);
    return CPWL_OK;
}

/* Split "a;b;c" into exactly `parts` vectors of n coordinates each. */
static int parse_vectors(fmpq **vecs, slong parts, slong n, const char *s,
                         const char *opt, cpwl_err_t e)
{
    static const char *names[] = {"x0", "u", "v"};
    slong k = 0, got = 1;
    const char *p;
    char what[64];

    for (p = s; *p; p++)
        got += (*p == ';');
    if (got != parts)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: expected %ld vectors "
                            "separated by ';' (%s), got %ld", opt, (long) parts,
                            parts == 3 ? "x0;u;v" : "x0;u", (long) got);
    p = s;
    for (k = 0; k < parts; k++)
    {
        const char *end = split_at(p, ';');
        char *part = flint_malloc(end - p + 1);
        int st;
        memcpy(part, p, end - p);
        part[end - p] = '\0';
        snprintf(what, sizeof what, "%s %s", opt, names[k]);
        st = cpwl_io_parse_vector(vecs[k], n, part, what, e);
        flint_free(part);
        if (st != CPWL_OK)
            return st;
        p = end + 1;
    }
    return CPWL_OK;
}

/* Whether u and v are linearly dependent (some 2x2 minor vanishes for
   all pairs of coordinates). */
static int dependent(const fmpq *u, const fmpq *v, slong n)
{
    slong i, j;
    fmpq_t a, b;
    int dep = 1;
    fmpq_init(a);
    fmpq_init(b);
    for (i = 0; i < n && dep; i++)
        for (j = i + 1; j < n && dep; j++)
        {
            fmpq_mul(a, u + i, v + j);
            fmpq_mul(b, u + j, v + i);
            if (!fmpq_equal(a, b))
                dep = 0;
        }
    fmpq_clear(a);
    fmpq_clear(b);
    return dep;
}

int cpwl_dom_set_str(cpwl_dom_t D, slong n, const char *box, const char *slice,
                     const char *line, cpwl_err_t e)
{
    int st;
    fmpq *vecs[3];

    dom_free(D);
    if (slice != NULL && line != NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "a slice and a line cannot be "
                            "used together");
    D->n = n;
    if (slice != NULL || line != NULL)
    {
        D->kind = slice ? CPWL_DOM_SLICE : CPWL_DOM_LINE;
        D->d = slice ? 2 : 1;
        D->x0 = _fmpq_vec_init(n);
        D->u = _fmpq_vec_init(n);
        D->v = _fmpq_vec_init(n);
        vecs[0] = D->x0;
        vecs[1] = D->u;
        vecs[2] = D->v;
        st = parse_vectors(vecs, D->d + 1, n, slice ? slice : line,
                           slice ? "`slice`" : "`line`", e);
        if (st != CPWL_OK)
            return st;
        if (qvec_is_zero(D->u, n))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: the direction u is zero",
                                slice ? "`slice`" : "`line`");
        if (slice && qvec_is_zero(D->v, n))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "`slice`: the direction v is "
                                "zero");
        if (slice && dependent(D->u, D->v, n))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "`slice`: u and v are "
                                "parallel: they must span a plane");
    }
    else
    {
        D->kind = box ? CPWL_DOM_BOX : CPWL_DOM_ALL;
        D->d = n;
    }
    if (box != NULL)
    {
        D->bounded = 1;
        D->lo = _fmpq_vec_init(D->d);
        D->hi = _fmpq_vec_init(D->d);
        if ((st = parse_box(D->lo, D->hi, D->d, box, e)) != CPWL_OK)
            return st;
    }
    return CPWL_OK;
}

void cpwl_dom_restrict_net(cpwl_net_t out, const cpwl_net_t net, const cpwl_dom_t D)
{
    slong l, i, j, k, d = D->d;
    cpwl_net_clear(out);
    cpwl_net_init(out, d);
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        cpwl_net_layer_struct *M = cpwl_net_add_layer(out, L->act, L->out);
        M->pieces = L->pieces;
        fmpq_set(M->slope, L->slope);
        if (l > 0 || (D->kind != CPWL_DOM_SLICE && D->kind != CPWL_DOM_LINE))
        {
            fmpq_mat_set(M->W, L->W);
            qvec_set(M->b, L->b, L->out);
            continue;
        }
        /* First layer: W (x0 + U y) + b = (W U) y + (W x0 + b). */
        for (i = 0; i < L->out; i++)
        {
            fmpq_set(M->b + i, L->b + i);
            for (k = 0; k < L->in; k++)
                fmpq_addmul(M->b + i, fmpq_mat_entry(L->W, i, k), D->x0 + k);
            for (j = 0; j < d; j++)
            {
                const fmpq *dir = j == 0 ? D->u : D->v;
                fmpq *w = fmpq_mat_entry(M->W, i, j);
                fmpq_zero(w);
                for (k = 0; k < L->in; k++)
                    fmpq_addmul(w, fmpq_mat_entry(L->W, i, k), dir + k);
            }
        }
    }
    out->output_bias = net->output_bias;
    cpwl_net_prepare(out);
}

void cpwl_dom_to_ambient(fmpq *x, const cpwl_dom_t D, const fmpq *y)
{
    slong i;
    if (D->kind != CPWL_DOM_SLICE && D->kind != CPWL_DOM_LINE)
    {
        qvec_set(x, y, D->n);
        return;
    }
    for (i = 0; i < D->n; i++)
    {
        fmpq_set(x + i, D->x0 + i);
        fmpq_addmul(x + i, D->u + i, y);
        if (D->kind == CPWL_DOM_SLICE)
            fmpq_addmul(x + i, D->v + i, y + 1);
    }
}

/* Append the string t to the growing string *s. */
static void cat(char **s, const char *t)
{
    size_t a = *s ? strlen(*s) : 0, b = strlen(t);
    *s = flint_realloc(*s, a + b + 1);
    memcpy(*s + a, t, b + 1);
}

static void cat_q(char **s, const fmpq_t q)
{
    char *t = fmpq_get_str(NULL, 10, q);
    cat(s, t);
    flint_free(t);
}

static void cat_vec(char **s, const fmpq *v, slong n)
{
    slong i;
    cat(s, "(");
    for (i = 0; i < n; i++)
    {
        if (i)
            cat(s, ",");
        cat_q(s, v + i);
    }
    cat(s, ")");
}

char *cpwl_dom_describe(const cpwl_dom_t D)
{
    char *s = NULL, buf[64];
    slong i;
    switch (D->kind)
    {
        case CPWL_DOM_ALL:
        case CPWL_DOM_BOX:
            if (!D->bounded)
            {
                snprintf(buf, sizeof buf, "R^%ld", (long) D->n);
                cat(&s, buf);
                return s;
            }
            cat(&s, "box ");
            break;
        case CPWL_DOM_SLICE:
            cat(&s, "slice x0 + s*u + t*v, x0 = ");
            cat_vec(&s, D->x0, D->n);
            cat(&s, ", u = ");
            cat_vec(&s, D->u, D->n);
            cat(&s, ", v = ");
            cat_vec(&s, D->v, D->n);
            cat(&s, D->bounded ? ", (s,t) in " : ", (s,t) in R^2");
            break;
        case CPWL_DOM_LINE:
            cat(&s, "line x0 + s*u, x0 = ");
            cat_vec(&s, D->x0, D->n);
            cat(&s, ", u = ");
            cat_vec(&s, D->u, D->n);
            cat(&s, D->bounded ? ", s in " : ", s in R");
            break;
    }
    for (i = 0; D->bounded && i < D->d; i++)
    {
        if (i)
            cat(&s, "x");
        cat(&s, "[");
        cat_q(&s, D->lo + i);
        cat(&s, ",");
        cat_q(&s, D->hi + i);
        cat(&s, "]");
    }
    return s;
}
