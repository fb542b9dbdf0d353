/* JSON documents with raw number text and positions, on yajl's event
   parser (see json.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_gen.h>
#include <flint/flint.h>
#include "json.h"

typedef struct
{
    yajl_handle h;
    const char *text;
    size_t len;
    int final;                  /* inside yajl_complete_parse */
    const char *where;
    json_value *root;
    json_value *stack[JSON_MAX_DEPTH + 1];
    int depth;
    char *key;                  /* pending object key */
    long key_line, key_col;
    size_t pos_off;             /* incremental offset -> line:column */
    long pos_line, pos_col;
    cpwl_err_struct *e;
}
builder;

static void locate(builder *B, size_t off, long *line, long *col)
{
    if (off < B->pos_off)       /* never expected: restart the scan */
    {
        B->pos_off = 0;
        B->pos_line = B->pos_col = 1;
    }
    for (; B->pos_off < off; B->pos_off++)
    {
        if (B->text[B->pos_off] == '\n')
        {
            B->pos_line++;
            B->pos_col = 1;
        }
        else
            B->pos_col++;
    }
    *line = B->pos_line;
    *col = B->pos_col;
}

static json_value *new_value(builder *B, json_kind kind, size_t start)
{
    json_value *v = flint_calloc(1, sizeof(json_value));
    v->kind = kind;
    locate(B, start, &v->line, &v->col);
    return v;
}

static size_t consumed(builder *B)
{
    return yajl_get_bytes_consumed(B->h);
}

static int fail(builder *B, long line, long col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cpwl_err_set(B->e, CPWL_ERR_INPUT, "%s:%ld:%ld: %s", B->where, line, col, msg);
    return 0;
}

/* Attach v to the open container (or make it the root); 0 cancels. */
static int attach(builder *B, json_value *v)
{
    json_value *p;
    if (B->depth == 0)
    {
        B->root = v;
        return 1;
    }
    p = B->stack[B->depth - 1];
    if (p->n == p->alloc)
    {
        p->alloc = p->alloc ? 2 * p->alloc : 4;
        p->items = flint_realloc(p->items, p->alloc * sizeof(json_value *));
        if (p->kind == JSON_OBJECT)
        {
            p->keys = flint_realloc(p->keys, p->alloc * sizeof(char *));
            p->key_line = flint_realloc(p->key_line, p->alloc * sizeof(long));
            p->key_col = flint_realloc(p->key_col, p->alloc * sizeof(long));
        }
    }
    if (p->kind == JSON_OBJECT)
    {
        p->keys[p->n] = B->key;
        p->key_line[p->n] = B->key_line;
        p->key_col[p->n] = B->key_col;
    }
    p->items[p->n++] = v;
    B->key = NULL;
    return 1;
}

static int open_container(builder *B, json_kind kind)
{
    json_value *v = new_value(B, kind, consumed(B) - 1);
    int ok = attach(B, v);
    if (B->depth == JSON_MAX_DEPTH)
        return fail(B, v->line, v->col,
                    "nesting deeper than %d levels", JSON_MAX_DEPTH);
    B->stack[B->depth++] = v;
    return ok;
}

static int cb_null(void *ctx)
{
    builder *B = ctx;
    return attach(B, new_value(B, JSON_NULL, consumed(B) - 4));
}

static int cb_boolean(void *ctx, int b)
{
    builder *B = ctx;
    json_value *v = new_value(B, JSON_BOOL, consumed(B) - (b ? 4 : 5));
    v->boolean = b;
    return attach(B, v);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
    builder *B = ctx;
    /* yajl can only end a number at the final parse, with a fresh
       one-byte buffer: then the number ends the text. */
    size_t end = B->final ? B->len : consumed(B);
    json_value *v = new_value(B, JSON_NUMBER, end - len);
    v->text = flint_malloc(len + 1);
    memcpy(v->text, s, len);
    v->text[len] = '\0';
    v->len = len;
    return attach(B, v);
}

/* Start of the string token that ends just before `end`: the quote that is
   not escaped (preceded by an even number of backslashes). */
static size_t string_start(const char *text, size_t end)
{
    size_t i = end - 1;         /* the closing quote */
    while (i > 0)
    {
        size_t k = i - 1, bs = 0;
        i--;
        if (text[i] != '"')
            continue;
        while (k > 0 && text[k - 1] == '\\')
        {
            bs++;
            k--;
        }
        if (bs % 2 == 0)
            return i;
    }
    return 0;
}

static char *dup_n(const unsigned char *s, size_t len)
{
    char *t = flint_malloc(len + 1);
    memcpy(t, s, len);
    t[len] = '\0';
    return t;
}

static unsigned hex4(const char *s)
{
    unsigned u = 0;
    int i;
    for (i = 0; i < 4; i++)
        u = 16 * u + (s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    return u;
}

/* yajl decodes a \u escape of a lone UTF-16 surrogate to '?', silently;
   JSON text must be Unicode, so the raw token text[start..end) (quotes
   included, escapes already checked by yajl) is scanned for one.  Returns
   the offset of the offending escape from start, or 0. */
static size_t lone_surrogate(const char *text, size_t start, size_t end,
                             unsigned *code)
{
    size_t i = start + 1;
    while (i + 1 < end)
    {
        unsigned u;
        if (text[i] != '\\')
        {
            i++;
            continue;
        }
        if (text[i + 1] != 'u' || i + 6 > end)
        {
            i += 2;
            continue;
        }
        u = hex4(text + i + 2);
        *code = u;
        if (u >= 0xDC00 && u <= 0xDFFF)
            return i - start;
        if (u >= 0xD800 && u <= 0xDBFF)
        {
            unsigned w;
            if (i + 12 > end || text[i + 6] != '\\' || text[i + 7] != 'u')
                return i - start;
            w = hex4(text + i + 8);
            if (w < 0xDC00 || w > 0xDFFF)
                return i - start;
            i += 12;
            continue;
        }
        i += 6;
    }
    return 0;
}

static int check_unicode(builder *B, size_t start, long line, long col,
                         const char *what)
{
    unsigned code = 0;
    size_t off = lone_surrogate(B->text, start, consumed(B), &code);
    if (off == 0)
        return 1;
    /* A string token is one line: the escape is off columns further. */
    return fail(B, line, col + (long) off, "invalid Unicode: lone surrogate "
                "\\u%04x in %s (a surrogate must come as a high-low pair)",
                code, what);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
    builder *B = ctx;
    size_t start = string_start(B->text, consumed(B));
    json_value *v = new_value(B, JSON_STRING, start);
    if (memchr(s, '\0', len) != NULL)
    {
        int r = attach(B, v);
        (void) r;
        return fail(B, v->line, v->col, "string contains a NUL character");
    }
    if (!check_unicode(B, start, v->line, v->col, "a string"))
    {
        int r = attach(B, v);
        (void) r;
        return 0;
    }
    v->text = dup_n(s, len);
    v->len = len;
    return attach(B, v);
}

static int cb_start_map(void *ctx)
{
    return open_container(ctx, JSON_OBJECT);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
    builder *B = ctx;
    size_t start = string_start(B->text, consumed(B));
    locate(B, start, &B->key_line, &B->key_col);
    if (memchr(s, '\0', len) != NULL)
        return fail(B, B->key_line, B->key_col,
                    "object key contains a NUL character");
    if (!check_unicode(B, start, B->key_line, B->key_col, "an object key"))
        return 0;
    B->key = dup_n(s, len);
    return 1;
}

typedef struct
{
    const char *key;
    size_t idx;
}
key_ref;

static int key_ref_cmp(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Duplicate keys, found by sorting once the object is complete (a scan
   per key is quadratic on a large "meta"); the earliest second occurrence
   is reported. */
static int check_duplicates(builder *B, const json_value *obj)
{
    key_ref *r;
    size_t i, dup = obj->n;
    char q[CPWL_ERR_QUOTE_SIZE];
    if (obj->n < 2)
        return 1;
    r = flint_malloc(obj->n * sizeof(key_ref));
    for (i = 0; i < obj->n; i++)
    {
        r[i].key = obj->keys[i];
        r[i].idx = i;
    }
    qsort(r, obj->n, sizeof(key_ref), key_ref_cmp);
    for (i = 1; i < obj->n; i++)
        if (strcmp(r[i - 1].key, r[i].key) == 0 && r[i].idx < dup)
            dup = r[i].idx;
    flint_free(r);
    if (dup == obj->n)
        return 1;
    cpwl_err_quote(q, sizeof(q), obj->keys[dup], strlen(obj->keys[dup]));
    return fail(B, obj->key_line[dup], obj->key_col[dup], "duplicate key %s",
                q);
}

static int cb_end_map(void *ctx)
{
    builder *B = ctx;
    B->depth--;
    return check_duplicates(B, B->stack[B->depth]);
}

static int cb_end_array(void *ctx)
{
    builder *B = ctx;
    B->depth--;
    return 1;
}

static int cb_start_array(void *ctx)
{
    return open_container(ctx, JSON_ARRAY);
}

static const yajl_callbacks callbacks = {
    cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array
};

void json_free(json_value *v)
{
    size_t i;
    if (v == NULL)
        return;
    for (i = 0; i < v->n; i++)
    {
        json_free(v->items[i]);
        if (v->kind == JSON_OBJECT)
            flint_free(v->keys[i]);
    }
    flint_free(v->items);
    flint_free(v->keys);
    flint_free(v->key_line);
    flint_free(v->key_col);
    flint_free(v->text);
    flint_free(v);
}

json_value *json_parse(const char *text, size_t len, const char *where,
                       cpwl_err_t e)
{
    builder B;
    yajl_status st;
    size_t k;

    memset(&B, 0, sizeof(B));
    B.text = text;
    B.where = where;
    B.pos_line = B.pos_col = 1;
    B.e = e;
    B.h = yajl_alloc(&callbacks, NULL, &B);

    B.len = len;
    for (k = 0; k < len && (text[k] == ' ' || text[k] == '\t'
                            || text[k] == '\r' || text[k] == '\n'); k++)
        ;
    if (k == len)
    {
        long line, col;
        locate(&B, len, &line, &col);
        yajl_free(B.h);
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: empty file (expected a JSON "
                     "object)", where, line, col);
        return NULL;
    }
    st = yajl_parse(B.h, (const unsigned char *) text, len);
    if (st == yajl_status_ok)
    {
        B.final = 1;            /* errors now are about the end of text */
        st = yajl_complete_parse(B.h);
    }

    if (st != yajl_status_ok && e->status == CPWL_OK)
    {
        /* yajl's own message, at the offset where it stopped. */
        unsigned char *m = yajl_get_error(B.h, 0, NULL, 0);
        /* Where yajl stopped: at or just after the offending byte. */
        size_t off = B.final ? len
                     : FLINT_MIN(yajl_get_bytes_consumed(B.h), len);
        char *msg = (char *) m;
        long line, col;
        if (strncmp(msg, "parse error: ", 13) == 0)
            msg += 13;
        else if (strncmp(msg, "lexical error: ", 15) == 0)
            msg += 15;
        /* One line: yajl ends its messages with a newline. */
        for (k = strlen(msg); k > 0 && (msg[k - 1] == '\n' || msg[k - 1] == ' '); k--)
            msg[k - 1] = '\0';
        for (k = 0; msg[k] != '\0'; k++)
            if (msg[k] == '\n')
                msg[k] = ' ';
        locate(&B, off, &line, &col);
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: malformed JSON: %s%s",
                     where, line, col, msg,
                     !B.final ? "" : strstr(msg, "EOF") ? " (truncated file?)"
                     : " at the end of the text (truncated file?)");
        yajl_free_error(B.h, m);
    }
    yajl_free(B.h);

    if (e->status != CPWL_OK)
    {
        /* Open containers hang from the root; the pending key does not. */
        json_free(B.root);
        flint_free(B.key);
        return NULL;
    }
    return B.root;
}

json_value *json_get(const json_value *obj, const char *key)
{
    size_t i;
    if (obj == NULL || obj->kind != JSON_OBJECT)
        return NULL;
    for (i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

const char *json_kind_name(json_kind k)
{
    static const char *const names[] = {
        "null", "a boolean", "a number", "a string", "an array", "an object"
    };
    return names[k];
}

/* ---- writing ---------------------------------------------------------- */

void json_buf_init(json_buf *b)
{
    b->alloc = 256;
    b->len = 0;
    b->s = flint_malloc(b->alloc);
    b->s[0] = '\0';
}

void json_buf_putn(json_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->alloc)
    {
        while (b->len + n + 1 > b->alloc)
            b->alloc *= 2;
        b->s = flint_realloc(b->s, b->alloc);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void json_buf_puts(json_buf *b, const char *s)
{
    json_buf_putn(b, s, strlen(s));
}

void json_buf_printf(json_buf *b, const char *fmt, ...)
{
    char tmp[256];
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t) n < sizeof(tmp))
    {
        json_buf_putn(b, tmp, n);
        return;
    }
    {
        char *big = flint_malloc(n + 1);
        va_start(ap, fmt);
        vsnprintf(big, n + 1, fmt, ap);
        va_end(ap);
        json_buf_putn(b, big, n);
        flint_free(big);
    }
}

static void gen_print(void *ctx, const char *s, size_t n)
{
    json_buf_putn(ctx, s, n);
}

/* yajl_gen escapes strings as JSON requires. */
/* Length of the valid UTF-8 sequence at s[0..n) (1 to 4), or 0: no
   overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t k, i;
    unsigned long c;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        k = 2, c = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        k = 3, c = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        k = 4, c = s[0] & 0x07;
    else
        return 0;
    if (n < k)
        return 0;
    for (i = 1; i < k; i++)
    {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((k == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)))
        || (k == 4 && (c < 0x10000 || c > 0x10ffff)))
        return 0;
    return k;
}

/* Strings from elsewhere (a model's names, file names) need not be UTF-8,
   but the JSON written must be: each byte of an invalid sequence is
   written as U+FFFD, the replacement character. */
void json_buf_string(json_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *) s;
    unsigned char *t = NULL;
    size_t i, k, m = 0;
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_config(g, yajl_gen_print_callback, gen_print, b);
    for (i = 0; i < n; i += k)
        if ((k = utf8_seq(u + i, n - i)) == 0)
            break;
    if (i < n)
    {
        t = flint_malloc(3 * n);
        for (i = 0; i < n; i += k)
        {
            if ((k = utf8_seq(u + i, n - i)) == 0)
            {
                t[m++] = 0xef, t[m++] = 0xbf, t[m++] = 0xbd;
                k = 1;
            }
            else
            {
                memcpy(t + m, u + i, k);
                m += k;
            }
        }
        u = t;
        n = m;
    }
    yajl_gen_string(g, u, n);
    yajl_gen_free(g);
    flint_free(t);
}

static void gen_value(yajl_gen g, const json_value *v)
{
    size_t i;
    switch (v->kind)
    {
        case JSON_NULL:
            yajl_gen_null(g);
            break;
        case JSON_BOOL:
            yajl_gen_bool(g, v->boolean);
            break;
        case JSON_NUMBER:
            yajl_gen_number(g, v->text, v->len);
            break;
        case JSON_STRING:
            yajl_gen_string(g, (const unsigned char *) v->text, v->len);
            break;
        case JSON_ARRAY:
            yajl_gen_array_open(g);
            for (i = 0; i < v->n; i++)
                gen_value(g, v->items[i]);
            yajl_gen_array_close(g);
            break;
        case JSON_OBJECT:
            yajl_gen_map_open(g);
            for (i = 0; i < v->n; i++)
            {
                yajl_gen_string(g, (const unsigned char *) v->keys[i],
                                strlen(v->keys[i]));
                gen_value(g, v->items[i]);
            }
            yajl_gen_map_close(g);
            break;
    }
}

char *json_write_compact(const json_value *v)
{
    json_buf b;
    yajl_gen g;
    json_buf_init(&b);
    g = yajl_gen_alloc(NULL);
    yajl_gen_config(g, yajl_gen_print_callback, gen_print, &b);
    gen_value(g, v);
    yajl_gen_free(g);
    return b.s;
}
