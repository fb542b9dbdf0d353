/* Checkpoint files (cpwl/ckpt.h, docs/checkpoint.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <flint/flint.h>
#include "cpwl/ckpt.h"
#include "scale_impl.h"

#define CKPT_MAGIC "cpwl-checkpoint 1"

static char *ckpt_strdup(const char *s)
{
    size_t n = strlen(s);
    char *d = flint_malloc(n + 1);
    memcpy(d, s, n + 1);
    return d;
}

void cpwl_ckpt_init(cpwl_ckpt_t c, const char *kind, const char *key)
{
    c->kind = ckpt_strdup(kind != NULL ? kind : "");
    c->key = ckpt_strdup(key != NULL ? key : "");
    c->e = NULL;
    c->n = c->alloc = 0;
    c->have_bound = 0;
    fmpq_init(c->bound);
    c->bound_pos = 0;
}

void cpwl_ckpt_clear(cpwl_ckpt_t c)
{
    slong i;
    for (i = 0; i < c->n; i++)
        flint_free(c->e[i].data);
    flint_free(c->e);
    flint_free(c->kind);
    flint_free(c->key);
    fmpq_clear(c->bound);
}

static int ckpt_cmp(slong p1, slong u1, slong p2, slong u2)
{
    if (p1 != p2)
        return p1 < p2 ? -1 : 1;
    return u1 < u2 ? -1 : (u1 > u2 ? 1 : 0);
}

/* The index of the first entry >= (phase, unit): the entries are kept
   sorted so that a find among 10^5 units is a binary search. */
static slong ckpt_lower(const cpwl_ckpt_struct *c, slong phase, slong unit)
{
    slong lo = 0, hi = c->n;
    while (lo < hi)
    {
        slong mid = lo + (hi - lo) / 2;
        if (ckpt_cmp(c->e[mid].phase, c->e[mid].unit, phase, unit) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void cpwl_ckpt_add(cpwl_ckpt_t c, slong phase, slong unit, const char *data,
                   size_t len)
{
    slong i;
    cpwl_ckpt_entry *en;

    /* Units mostly arrive in order: appending is the common case. */
    if (c->n == 0 || ckpt_cmp(c->e[c->n - 1].phase, c->e[c->n - 1].unit,
                              phase, unit) < 0)
        i = c->n;
    else
    {
        i = ckpt_lower(c, phase, unit);
        if (i < c->n && c->e[i].phase == phase && c->e[i].unit == unit)
            return;
    }
    if (c->n == c->alloc)
    {
        c->alloc = c->alloc < 16 ? 16 : 2 * c->alloc;
        c->e = flint_realloc(c->e, c->alloc * sizeof(cpwl_ckpt_entry));
    }
    if (i < c->n)
        memmove(c->e + i + 1, c->e + i, (c->n - i) * sizeof(cpwl_ckpt_entry));
    en = c->e + i;
    en->phase = phase;
    en->unit = unit;
    en->len = len;
    en->data = flint_malloc(len + 1);
    if (len > 0)
        memcpy(en->data, data, len);
    en->data[len] = '\0';
    c->n++;
}

const cpwl_ckpt_entry *cpwl_ckpt_find(const cpwl_ckpt_t c, slong phase,
                                      slong unit)
{
    slong i = ckpt_lower(c, phase, unit);
    if (i < c->n && c->e[i].phase == phase && c->e[i].unit == unit)
        return c->e + i;
    return NULL;
}

void cpwl_ckpt_set_bound(cpwl_ckpt_t c, const fmpq_t value, slong pos)
{
    int cmp;
    if (c->have_bound)
    {
        cmp = fmpq_cmp(value, c->bound);
        if (cmp > 0 || (cmp == 0 && pos >= c->bound_pos))
            return;
    }
    fmpq_set(c->bound, value);
    c->bound_pos = pos;
    c->have_bound = 1;
}

void cpwl_ckpt_fingerprint(char *out, const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ULL;
    size_t i;
    for (i = 0; i < len; i++)
    {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long) h);
}

/* ---- writing ------------------------------------------------------------ */

typedef struct
{
    char *d;
    size_t len, alloc;
}
ckpt_text;

static void text_put(ckpt_text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->alloc)
    {
        size_t a = t->alloc < 256 ? 256 : t->alloc;
        while (t->len + n + 1 > a)
            a *= 2;
        t->d = flint_realloc(t->d, a);
        t->alloc = a;
    }
    memcpy(t->d + t->len, s, n);
    t->len += n;
    t->d[t->len] = '\0';
}

static void text_puts(ckpt_text *t, const char *s)
{
    text_put(t, s, strlen(s));
}

static int write_all(int fd, const char *d, size_t n)
{
    while (n > 0)
    {
        ssize_t w = write(fd, d, n);
        if (w < 0)
        {
            if (errno == EINTR)
                continue;
            return -1;
        }
        d += w;
        n -= (size_t) w;
    }
    return 0;
}

/* The directory entry of the rename reaches the disk too (best effort:
   not every file system lets a directory be opened and synced). */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd;
    if (slash == NULL)
        dir = ckpt_strdup(".");
    else
    {
        size_t n = slash == path ? 1 : (size_t) (slash - path);
        dir = flint_malloc(n + 1);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    fd = open(dir, O_RDONLY);
    if (fd >= 0)
    {
        (void) fsync(fd);
        close(fd);
    }
    flint_free(dir);
}

int ckpt_write_sized(const cpwl_ckpt_t c, const char *path, size_t *bytes,
                     cpwl_err_t e)
{
    ckpt_text t = {NULL, 0, 0};
    char line[128], *tmp, *q;
    size_t tlen;
    slong i;
    int fd, err;
    unsigned long crc;

    if (strchr(c->key, '\n') != NULL || strchr(c->kind, '\n') != NULL
        || strchr(c->kind, ' ') != NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL,
                            "checkpoint %s: the kind must be one word and the key one line",
                            path);
    text_puts(&t, CKPT_MAGIC "\nkind ");
    text_puts(&t, c->kind);
    text_puts(&t, "\nkey ");
    text_puts(&t, c->key);
    text_puts(&t, "\n");
    if (c->have_bound)
    {
        q = fmpq_get_str(NULL, 10, c->bound);
        text_puts(&t, "bound ");
        text_puts(&t, q);
        flint_free(q);
        snprintf(line, sizeof(line), " %ld\n", (long) c->bound_pos);
        text_puts(&t, line);
    }
    for (i = 0; i < c->n; i++)
    {
        snprintf(line, sizeof(line), "unit %ld %ld %lu\n", (long) c->e[i].phase,
                 (long) c->e[i].unit, (unsigned long) c->e[i].len);
        text_puts(&t, line);
        text_put(&t, c->e[i].data, c->e[i].len);
        text_puts(&t, "\n");
    }
    crc = crc32(0L, Z_NULL, 0);
    /* zlib takes uInt lengths: feed big files in pieces */
    for (tlen = 0; tlen < t.len; tlen += 1u << 30)
    {
        size_t n = t.len - tlen < (1u << 30) ? t.len - tlen : (1u << 30);
        crc = crc32(crc, (const Bytef *) t.d + tlen, (uInt) n);
    }
    snprintf(line, sizeof(line), "end %ld %08lx\n", (long) c->n, crc & 0xffffffffUL);
    text_puts(&t, line);

    tlen = strlen(path) + 32;
    tmp = flint_malloc(tlen);
    snprintf(tmp, tlen, "%s.tmp.%ld", path, (long) getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
    {
        err = errno;
        flint_free(tmp);
        flint_free(t.d);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot write checkpoint %s: %s",
                            path, strerror(err));
    }
    if (write_all(fd, t.d, t.len) != 0 || fsync(fd) != 0)
    {
        err = errno;
        close(fd);
        unlink(tmp);
        flint_free(tmp);
        flint_free(t.d);
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write checkpoint %s: %s",
                            path, strerror(err));
    }
    if (close(fd) != 0 || rename(tmp, path) != 0)
    {
        err = errno;
        unlink(tmp);
        flint_free(tmp);
        flint_free(t.d);
        return cpwl_err_set(e, err == EISDIR || err == EACCES ? CPWL_ERR_INPUT
                            : CPWL_ERR_INTERNAL,
                            "cannot write checkpoint %s: %s", path, strerror(err));
    }
    sync_dir(path);
    if (bytes != NULL)
        *bytes = t.len;
    flint_free(tmp);
    flint_free(t.d);
    return CPWL_OK;
}

int cpwl_ckpt_write(const cpwl_ckpt_t c, const char *path, cpwl_err_t e)
{
    return ckpt_write_sized(c, path, NULL, e);
}

/* ---- reading ------------------------------------------------------------ */

int ckpt_slurp(char **data, size_t *len, const char *path, cpwl_err_t e)
{
    FILE *f = fopen(path, "rb");
    char *d = NULL;
    size_t n = 0, alloc = 0, r;
    int err;

    *data = NULL;
    *len = 0;
    if (f == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot read checkpoint %s: %s",
                            path, strerror(errno));
    for (;;)
    {
        if (alloc - n < 65536)
        {
            alloc = alloc < 65536 ? 131072 : 2 * alloc;
            d = flint_realloc(d, alloc + 1);
        }
        r = fread(d + n, 1, alloc - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f))
    {
        err = errno;
        fclose(f);
        flint_free(d);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot read checkpoint %s: %s",
                            path, strerror(err));
    }
    fclose(f);
    d[n] = '\0';
    *data = d;
    *len = n;
    return CPWL_OK;
}

/* A decimal integer >= 0 at *p (no sign, no leading zeros), then the
   character stop. */
static int parse_count(slong *x, const char **p, const char *end, char stop)
{
    const char *s = *p;
    slong v = 0;
    if (s >= end || *s < '0' || *s > '9' || (*s == '0' && s + 1 < end
                                             && s[1] >= '0' && s[1] <= '9'))
        return -1;
    for (; s < end && *s >= '0' && *s <= '9'; s++)
    {
        if (v > (WORD_MAX - 9) / 10)
            return -1;
        v = 10 * v + (*s - '0');
    }
    if (s >= end || *s != stop)
        return -1;
    *x = v;
    *p = s + 1;
    return 0;
}

/* A signed integer (the bound's position). */
static int parse_slong(slong *x, const char **p, const char *end, char stop)
{
    int neg = 0;
    if (*p < end && **p == '-')
    {
        neg = 1;
        (*p)++;
    }
    if (parse_count(x, p, end, stop) != 0)
        return -1;
    if (neg)
        *x = -*x;
    return 0;
}

/* The line at *p (without its newline) as [*line, *line + *n); -1 when
   no newline follows. */
static int next_line(const char **line, size_t *n, const char **p,
                     const char *end)
{
    const char *nl = memchr(*p, '\n', (size_t) (end - *p));
    if (nl == NULL)
        return -1;
    *line = *p;
    *n = (size_t) (nl - *p);
    *p = nl + 1;
    return 0;
}

static int starts(const char *line, size_t n, const char *word)
{
    size_t k = strlen(word);
    return n >= k && memcmp(line, word, k) == 0;
}

/* Compare the keys field by field ("name=value;..."), naming the first
   field that differs. */
static int key_mismatch(const char *name, const char *there, const char *here,
                        cpwl_err_t e)
{
    const char *f;
    char qa[CPWL_ERR_QUOTE_SIZE], qb[CPWL_ERR_QUOTE_SIZE];
    int pass;

    /* pass 0: the fields of the file, looked up here; pass 1: fields of
       this run missing in the file */
    for (pass = 0; pass < 2; pass++)
    {
        const char *a = pass == 0 ? there : here, *b = pass == 0 ? here : there;
        for (f = a; *f != '\0';)
        {
            const char *fe = strchr(f, ';'), *eq, *g, *match = NULL;
            size_t flen = fe != NULL ? (size_t) (fe - f) : strlen(f), nlen;
            eq = memchr(f, '=', flen);
            nlen = eq != NULL ? (size_t) (eq - f) : flen;
            for (g = b; *g != '\0';)
            {
                const char *ge = strchr(g, ';');
                size_t glen = ge != NULL ? (size_t) (ge - g) : strlen(g);
                const char *geq = memchr(g, '=', glen);
                size_t gnlen = geq != NULL ? (size_t) (geq - g) : glen;
                if (gnlen == nlen && memcmp(g, f, nlen) == 0)
                {
                    match = g;
                    if (pass == 0 && (glen != flen || memcmp(g, f, flen) != 0))
                    {
                        cpwl_err_quote(qa, sizeof(qa), f, flen);
                        cpwl_err_quote(qb, sizeof(qb), g, glen);
                        return cpwl_err_set(e, CPWL_ERR_INPUT,
                                            "checkpoint %s was written for another computation: %s there, %s here",
                                            name, qa, qb);
                    }
                    break;
                }
                g = ge != NULL ? ge + 1 : g + glen;
            }
            if (match == NULL)
            {
                cpwl_err_quote(qa, sizeof(qa), f, flen);
                cpwl_err_quote(qb, sizeof(qb), f, nlen);
                if (pass == 0)
                    return cpwl_err_set(e, CPWL_ERR_INPUT,
                                        "checkpoint %s was written for another computation: %s there, no field %s here",
                                        name, qa, qb);
                return cpwl_err_set(e, CPWL_ERR_INPUT,
                                    "checkpoint %s was written for another computation: no field %s there, %s here",
                                    name, qb, qa);
            }
            f = fe != NULL ? fe + 1 : f + flen;
        }
    }
    /* same fields, same values, another order or spacing */
    return cpwl_err_set(e, CPWL_ERR_INPUT,
                        "checkpoint %s was written for another computation (key \"%.200s\" there)",
                        name, there);
}

int ckpt_parse(cpwl_ckpt_t c, const char *data, size_t len, const char *name,
               const char *kind, const char *key, cpwl_err_t e)
{
    const char *end = data + len, *p = data, *line, *endline, *q;
    char qb[CPWL_ERR_QUOTE_SIZE];
    size_t n;
    slong count, phase, unit, plen, nrec = 0;
    unsigned long crc, want;
    size_t off;

    /* a file cut inside its first line */
    if (len <= strlen(CKPT_MAGIC) && memcmp(data, CKPT_MAGIC, len) == 0)
        goto truncated;
    if (next_line(&line, &n, &p, end) != 0 || n != strlen(CKPT_MAGIC)
        || memcmp(line, CKPT_MAGIC, n) != 0)
    {
        const char *nl = memchr(data, '\n', len);
        n = nl != NULL ? (size_t) (nl - data) : len;
        cpwl_err_quote(qb, sizeof(qb), data, n);
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "%s is not a cpwl checkpoint (first line %s, expected \"" CKPT_MAGIC "\")",
                            name, qb);
    }
    /* The end line is the last line: find it from the end. */
    if (len < 2 || data[len - 1] != '\n')
        goto truncated;
    for (endline = end - 1; endline > data && endline[-1] != '\n'; endline--)
        ;
    if (!starts(endline, (size_t) (end - endline), "end "))
        goto truncated;
    q = endline + 4;
    if (parse_count(&count, &q, end, ' ') != 0 || end - q != 9)
        goto truncated;
    want = 0;
    for (; q < end - 1; q++)
    {
        int d = (*q >= '0' && *q <= '9') ? *q - '0'
            : (*q >= 'a' && *q <= 'f') ? *q - 'a' + 10 : -1;
        if (d < 0)
            goto truncated;
        want = 16 * want + (unsigned long) d;
    }
    crc = crc32(0L, Z_NULL, 0);
    for (off = 0; off < (size_t) (endline - data); off += 1u << 30)
    {
        size_t k = (size_t) (endline - data) - off;
        if (k > (1u << 30))
            k = 1u << 30;
        crc = crc32(crc, (const Bytef *) data + off, (uInt) k);
    }
    if ((crc & 0xffffffffUL) != want)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "checkpoint %s: checksum mismatch: the file was changed or damaged",
                            name);
    end = endline;

    if (next_line(&line, &n, &p, end) != 0 || !starts(line, n, "kind "))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "checkpoint %s, line 2: expected \"kind KIND\"", name);
    if (n - 5 != strlen(kind) || memcmp(line + 5, kind, n - 5) != 0)
    {
        cpwl_err_quote(qb, sizeof(qb), line + 5, n - 5);
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "checkpoint %s was written by a run of kind %s, not \"%s\"",
                            name, qb, kind);
    }
    if (next_line(&line, &n, &p, end) != 0 || !starts(line, n, "key "))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "checkpoint %s, line 3: expected \"key KEY\"", name);
    if (n - 4 != strlen(key) || memcmp(line + 4, key, n - 4) != 0)
    {
        char *there = flint_malloc(n - 4 + 1);
        int st;
        memcpy(there, line + 4, n - 4);
        there[n - 4] = '\0';
        st = key_mismatch(name, there, key, e);
        flint_free(there);
        return st;
    }
    if (p < end && starts(p, (size_t) (end - p), "bound "))
    {
        const char *sp;
        char *tok;
        next_line(&line, &n, &p, end);
        sp = memchr(line + 6, ' ', n - 6);
        if (sp == NULL)
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "checkpoint %s: the bound line is not \"bound VALUE POS\"",
                                name);
        tok = flint_malloc((size_t) (sp - line));
        memcpy(tok, line + 6, (size_t) (sp - line - 6));
        tok[sp - line - 6] = '\0';
        q = sp + 1;
        if (fmpq_set_str(c->bound, tok, 10) != 0 || !fmpq_is_canonical(c->bound)
            || parse_slong(&c->bound_pos, &q, line + n + 1, '\n') != 0)
        {
            flint_free(tok);
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "checkpoint %s: the bound line is not \"bound VALUE POS\"",
                                name);
        }
        flint_free(tok);
        c->have_bound = 1;
    }
    while (p < end)
    {
        nrec++;
        q = p;
        if (!starts(p, (size_t) (end - p), "unit "))
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "checkpoint %s, record %ld: expected \"unit PHASE INDEX LENGTH\"",
                                name, (long) nrec);
        q = p + 5;
        if (parse_count(&phase, &q, end, ' ') != 0
            || parse_count(&unit, &q, end, ' ') != 0
            || parse_count(&plen, &q, end, '\n') != 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "checkpoint %s, record %ld: expected \"unit PHASE INDEX LENGTH\"",
                                name, (long) nrec);
        if (plen >= end - q)
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "checkpoint %s, record %ld: length beyond the end",
                                name, (long) nrec);
        if (q[plen] != '\n')
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "checkpoint %s, record %ld: no newline after its %ld bytes",
                                name, (long) nrec, (long) plen);
        if (cpwl_ckpt_find(c, phase, unit) != NULL)
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "checkpoint %s, record %ld: unit %ld of phase %ld recorded twice",
                                name, (long) nrec, (long) unit, (long) phase);
        cpwl_ckpt_add(c, phase, unit, q, (size_t) plen);
        p = q + plen + 1;
    }
    if (nrec != count)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "checkpoint %s: the end line counts %ld records, the file has %ld",
                            name, (long) count, (long) nrec);
    return CPWL_OK;

truncated:
    return cpwl_err_set(e, CPWL_ERR_INPUT,
                        "checkpoint %s is truncated: no end line (the run that wrote it was killed while writing?)",
                        name);
}

int cpwl_ckpt_read(cpwl_ckpt_t c, const char *path, const char *kind,
                   const char *key, cpwl_err_t e)
{
    char *data;
    size_t len;
    int st = ckpt_slurp(&data, &len, path, e);
    if (st != CPWL_OK)
        return st;
    st = ckpt_parse(c, data, len, path, kind, key, e);
    flint_free(data);
    return st;
}
