/* Payloads of work units: text tokens written and read back exactly
   (cpwl/sched.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flint/flint.h>
#include <flint/fmpz.h>
#include "cpwl/sched.h"

void cpwl_sched_buf_init(cpwl_sched_buf *b)
{
    b->alloc = 64;
    b->data = flint_malloc(b->alloc);
    b->data[0] = '\0';
    b->len = 0;
}

void cpwl_sched_buf_clear(cpwl_sched_buf *b)
{
    flint_free(b->data);
    b->data = NULL;
    b->len = b->alloc = 0;
}

void cpwl_sched_buf_reset(cpwl_sched_buf *b)
{
    b->len = 0;
    b->data[0] = '\0';
}

void cpwl_sched_buf_put(cpwl_sched_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->alloc)
    {
        size_t a = b->alloc < 64 ? 64 : b->alloc;
        while (b->len + n + 1 > a)
            a *= 2;
        b->data = flint_realloc(b->data, a);
        b->alloc = a;
    }
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_sep(cpwl_sched_buf *b)
{
    if (b->len > 0)
        cpwl_sched_buf_put(b, " ", 1);
}

void cpwl_sched_buf_put_si(cpwl_sched_buf *b, slong x)
{
    char t[32];
    int n = snprintf(t, sizeof(t), "%ld", (long) x);
    buf_sep(b);
    cpwl_sched_buf_put(b, t, (size_t) n);
}

void cpwl_sched_buf_put_fmpq(cpwl_sched_buf *b, const fmpq_t x)
{
    char *s = fmpq_get_str(NULL, 10, x);
    buf_sep(b);
    cpwl_sched_buf_put(b, s, strlen(s));
    flint_free(s);
}

void cpwl_sched_buf_put_fmpq_vec(cpwl_sched_buf *b, const fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        cpwl_sched_buf_put_fmpq(b, v + i);
}

void cpwl_sched_buf_put_d(cpwl_sched_buf *b, double x)
{
    char t[64];
    int n;
    /* "%a" of a NaN may carry a sign; one spelling keeps payloads equal */
    if (isnan(x))
        n = snprintf(t, sizeof(t), "nan");
    else
        n = snprintf(t, sizeof(t), "%a", x);
    buf_sep(b);
    cpwl_sched_buf_put(b, t, (size_t) n);
}

void cpwl_sched_buf_put_hex(cpwl_sched_buf *b, const unsigned char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char t[64];
    size_t i, k = 0;
    buf_sep(b);
    if (n == 0)
    {
        cpwl_sched_buf_put(b, "-", 1);
        return;
    }
    for (i = 0; i < n; i++)
    {
        t[k++] = hex[s[i] >> 4];
        t[k++] = hex[s[i] & 15];
        if (k == sizeof(t))
        {
            cpwl_sched_buf_put(b, t, k);
            k = 0;
        }
    }
    cpwl_sched_buf_put(b, t, k);
}

/* ---- reading ------------------------------------------------------------ */

void cpwl_sched_rd_init(cpwl_sched_rd *r, const char *data, size_t len)
{
    r->p = data;
    r->end = data + len;
    r->bad = 0;
}

/* The next token as [*t, *t + *n). */
static int rd_token(const char **t, size_t *n, cpwl_sched_rd *r)
{
    const char *s;
    if (r->bad)
        return -1;
    while (r->p < r->end && *r->p == ' ')
        r->p++;
    if (r->p == r->end)
    {
        r->bad = 1;
        return -1;
    }
    for (s = r->p; s < r->end && *s != ' '; s++)
        ;
    *t = r->p;
    *n = (size_t) (s - r->p);
    r->p = s;
    return 0;
}

static int rd_fail(cpwl_sched_rd *r)
{
    r->bad = 1;
    return -1;
}

/* digits [s, s + n): no sign, no leading zero unless "0" */
static int is_plain(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || (s[0] == '0' && n > 1))
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int cpwl_sched_rd_si(slong *x, cpwl_sched_rd *r)
{
    const char *t;
    size_t n, i;
    int neg;
    ulong v = 0;
    if (rd_token(&t, &n, r) != 0)
        return -1;
    neg = t[0] == '-';
    if (!is_plain(t + neg, n - neg) || (neg && n == 2 && t[1] == '0'))
        return rd_fail(r);
    for (i = neg; i < n; i++)
    {
        ulong d = (ulong) (t[i] - '0'), lim = (ulong) WORD_MAX + (ulong) neg;
        if (v > (lim - d) / 10)
            return rd_fail(r);
        v = 10 * v + d;
    }
    *x = neg ? (slong) (0 - v) : (slong) v;
    return 0;
}

/* The canonical spellings of fmpq_get_str only: "p" or "p/q" with q > 1,
   gcd 1, no leading zeros, no "-0", so that a payload has one form. */
int cpwl_sched_rd_fmpq(fmpq_t x, cpwl_sched_rd *r)
{
    const char *t, *slash;
    size_t n, pn;
    int neg;
    char *s;
    if (rd_token(&t, &n, r) != 0)
        return -1;
    neg = t[0] == '-';
    slash = memchr(t, '/', n);
    pn = slash != NULL ? (size_t) (slash - t) : n;
    if (!is_plain(t + neg, pn - neg) || (neg && pn == 2 && t[1] == '0'))
        return rd_fail(r);
    if (slash != NULL && (!is_plain(slash + 1, n - pn - 1) || slash[1] == '0'
                          || (n - pn - 1 == 1 && slash[1] == '1')))
        return rd_fail(r);
    s = flint_malloc(n + 1);
    memcpy(s, t, n);
    s[n] = '\0';
    if (fmpq_set_str(x, s, 10) != 0 || !fmpq_is_canonical(x))
    {
        flint_free(s);
        return rd_fail(r);
    }
    flint_free(s);
    return 0;
}

int cpwl_sched_rd_fmpq_vec(fmpq *v, slong n, cpwl_sched_rd *r)
{
    slong i;
    for (i = 0; i < n; i++)
        if (cpwl_sched_rd_fmpq(v + i, r) != 0)
            return -1;
    return 0;
}

int cpwl_sched_rd_d(double *x, cpwl_sched_rd *r)
{
    const char *t;
    size_t n;
    char s[64], *endp;
    if (rd_token(&t, &n, r) != 0)
        return -1;
    if (n >= sizeof(s))
        return rd_fail(r);
    memcpy(s, t, n);
    s[n] = '\0';
    /* strtod also takes decimal forms; a hex float, inf or nan only */
    if (strcmp(s, "nan") != 0 && strcmp(s, "inf") != 0 && strcmp(s, "-inf") != 0
        && strncmp(s + (s[0] == '-'), "0x", 2) != 0)
        return rd_fail(r);
    *x = strtod(s, &endp);
    if (*endp != '\0')
        return rd_fail(r);
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int cpwl_sched_rd_hex(unsigned char *s, size_t n, cpwl_sched_rd *r)
{
    const char *t;
    size_t k, i;
    if (rd_token(&t, &k, r) != 0)
        return -1;
    if (n == 0)
        return k == 1 && t[0] == '-' ? 0 : rd_fail(r);
    if (k != 2 * n)
        return rd_fail(r);
    for (i = 0; i < n; i++)
    {
        int hi = hexval(t[2 * i]), lo = hexval(t[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return rd_fail(r);
        s[i] = (unsigned char) (16 * hi + lo);
    }
    return 0;
}

int cpwl_sched_rd_done(const cpwl_sched_rd *r)
{
    const char *p = r->p;
    if (r->bad)
        return 0;
    while (p < r->end && *p == ' ')
        p++;
    return p == r->end;
}
