/* cpwl-net JSON files: exact reading with located errors, canonical
   writing (SPEC section 4). */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cpwl/io.h"
#include "cpwl/num.h"
#include "json.h"
#include "io_impl.h"

/* The reader's state: where we are, for messages. */
typedef struct
{
    const char *where;
    char path[256];
    cpwl_num_mode_t mode;
    slong bits_left;            /* budget for the bit sizes of numbers */
    int watch_floats;           /* no "numbers" key: look for float traps */
    cpwl_io_warn_struct *w;          /* NULL: no warnings wanted */
    cpwl_err_struct *e;
}
reader;

static int bad(reader *R, const json_value *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(reader *R, const json_value *v, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return cpwl_err_set(R->e, CPWL_ERR_INPUT, "%s:%ld:%ld: %s: %s", R->where,
                        v->line, v->col, R->path[0] ? R->path : "top level", msg);
}

/* Path bookkeeping: push a suffix, pop back to a saved length. */
static size_t path_push(reader *R, const char *fmt, long i)
{
    size_t n = strlen(R->path);
    snprintf(R->path + n, sizeof(R->path) - n, fmt, i);
    return n;
}

static size_t path_key(reader *R, const char *key)
{
    size_t n = strlen(R->path);
    snprintf(R->path + n, sizeof(R->path) - n, n ? ".%s" : "%s", key);
    return n;
}

static void path_pop(reader *R, size_t n)
{
    R->path[n] = '\0';
}

static int check_keys(reader *R, const json_value *obj,
                      const char *const *allowed, const char *list)
{
    size_t i;
    for (i = 0; i < obj->n; i++)
    {
        const char *const *a;
        for (a = allowed; *a != NULL; a++)
            if (strcmp(obj->keys[i], *a) == 0)
                break;
        if (*a == NULL)
        {
            char q[CPWL_ERR_QUOTE_SIZE];
            cpwl_err_quote(q, sizeof(q), obj->keys[i], strlen(obj->keys[i]));
            return bad(R, obj->items[i], "unknown key %s (allowed: %s)", q,
                       list);
        }
    }
    return CPWL_OK;
}

static const json_value *need(reader *R, const json_value *obj,
                              const char *key, json_kind kind)
{
    const json_value *v = json_get(obj, key);
    if (v == NULL)
    {
        bad(R, obj, "missing key \"%s\"", key);
        return NULL;
    }
    if (v->kind != kind)
    {
        size_t n = path_key(R, key);
        bad(R, v, "expected %s, got %s", json_kind_name(kind),
            json_kind_name(v->kind));
        path_pop(R, n);
        return NULL;
    }
    return v;
}

/* ---- float traps -------------------------------------------------------

   Weights printed from binary floats (Python's repr, json.dumps of
   tolist(), "%.17g") are decimals of 17 digits or so, read exactly as
   those decimals, which are not the floats.  A heuristic, so only a
   warning: a decimal literal with >= 17 significant digits, or with >= 9
   that is the shortest decimal of the double or float32 nearest to it
   (so "0.1", "0.25", "1/3" and hex floats never count). */

/* The significant digits of a plain decimal literal (sign, point,
   exponent), leading and trailing zeros dropped; -1 for other forms. */
static int decimal_digits(const char *s, size_t n)
{
    size_t i = 0, first = 0, last = 0;
    int seen = 0, point = 0, count = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++)
    {
        if (s[i] == '.')
        {
            if (point++)
                return -1;
            continue;
        }
        count++;
        if (s[i] != '0')
        {
            if (!seen)
                first = count;
            seen = 1;
            last = count;
        }
    }
    if (count == 0)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E'))
    {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i == n)
            return -1;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i != n)
        return -1;
    return seen ? (int) (last - first + 1) : 0;
}

/* The fewest significant digits that print x so that it reads back as
   x, as a double (single = 0) or as a float32 (single = 1). */
static int shortest_digits(double x, int single)
{
    char buf[40];
    int k;
    for (k = 1; k < 17; k++)
    {
        snprintf(buf, sizeof buf, "%.*e", k - 1, x);
        if (single ? strtof(buf, NULL) == (float) x : strtod(buf, NULL) == x)
            return k;
    }
    return 17;
}

static int looks_like_float(const char *s, size_t n)
{
    char buf[64];
    int k = decimal_digits(s, n);
    double d;
    float f;
    if (k >= 17)
        return 1;
    if (k < 9 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    d = strtod(buf, NULL);
    if (!isfinite(d) || d == 0)
        return 0;
    /* Decimals of up to 15 digits are further apart than normal doubles
       (10^15 < 2^52), so no two round to the same double: each is the
       shortest decimal of its own (no loop needed, the common case). */
    if (k <= 15 && fabs(d) >= DBL_MIN)
        return 1;
    f = strtof(buf, NULL);
    return shortest_digits(d, 0) == k
           || (isfinite(f) && f != 0 && shortest_digits(f, 1) == k);
}

static void watch_float(reader *R, const json_value *v)
{
    cpwl_io_warn_struct *w = R->w;
    char q[CPWL_ERR_QUOTE_SIZE];
    if (!looks_like_float(v->text, v->len))
        return;
    if (w->float_traps++ > 0)
        return;
    cpwl_err_quote(q, sizeof q, v->text, v->len);
    snprintf(w->msg, sizeof w->msg, "%.300s:%ld:%ld: %.200s: %s looks "
             "like a printed binary float, but is read as the exact decimal it "
             "shows; if the weights are floats, say so with \"numbers\": "
             "\"binary64\" (or \"binary32\" for float32 weights) at the top "
             "level, or write them as hex floats (Python: float.hex)",
             R->where, v->line, v->col, R->path, q);
}

/* A number: a JSON number or a string holding one (num.h grammar). */
static int read_number(fmpq_t out, reader *R, const json_value *v)
{
    cpwl_err_t ne;
    if (v->kind != JSON_NUMBER && v->kind != JSON_STRING)
        return bad(R, v, "expected a number (a JSON number or a string "
                   "such as \"-1/2\" or \"0x1.8p-3\"), got %s",
                   json_kind_name(v->kind));
    cpwl_err_init(ne);
    if (cpwl_num_parse_fmpq(out, v->text, v->len, R->mode, ne) != CPWL_OK)
        return bad(R, v, "%s", ne->msg);
    if (R->watch_floats)
        watch_float(R, v);
    R->bits_left -= fmpz_bits(fmpq_numref(out)) + fmpz_bits(fmpq_denref(out));
    if (R->bits_left < 0)
        return bad(R, v, "the numbers of this file are too large in total "
                   "(over %d bits per byte of text; literals such as 1e9999 "
                   "take 33,000 bits each)", CPWL_IO_BITS_PER_BYTE);
    return CPWL_OK;
}

/* A JSON integer in [lo, hi]. */
static int read_int(slong *out, reader *R, const json_value *v, slong lo,
                    slong hi)
{
    fmpq_t q;
    cpwl_err_t ne;
    int ok;
    if (v->kind != JSON_NUMBER)
        return bad(R, v, "expected an integer, got %s", json_kind_name(v->kind));
    fmpq_init(q);
    cpwl_err_init(ne);
    ok = cpwl_num_parse_fmpq(q, v->text, v->len, CPWL_NUM_EXACT, ne) == CPWL_OK
         && fmpz_is_one(fmpq_denref(q))
         && fmpz_cmp_si(fmpq_numref(q), lo) >= 0
         && fmpz_cmp_si(fmpq_numref(q), hi) <= 0;
    if (ok)
        *out = fmpz_get_si(fmpq_numref(q));
    fmpq_clear(q);
    if (!ok)
    {
        char lit[CPWL_ERR_QUOTE_SIZE];
        cpwl_err_quote(lit, sizeof(lit), v->text, v->len);
        return bad(R, v, "expected an integer from %ld to %ld, got %s",
                   (long) lo, (long) hi, lit);
    }
    return CPWL_OK;
}

static int check_array(reader *R, const json_value *v, slong n,
                       const char *what)
{
    if (v->kind != JSON_ARRAY)
        return bad(R, v, "expected an array of %ld numbers, got %s", (long) n,
                   json_kind_name(v->kind));
    if ((slong) v->n != n)
        return bad(R, v, "expected %ld entries (%s), got %ld", (long) n, what,
                   (long) v->n);
    return CPWL_OK;
}

static int read_vector(fmpq *out, slong n, reader *R, const json_value *v,
                       const char *what)
{
    slong j;
    if (check_array(R, v, n, what) != CPWL_OK)
        return CPWL_ERR_INPUT;
    for (j = 0; j < n; j++)
    {
        size_t p = path_push(R, "[%ld]", j);
        if (read_number(out + j, R, v->items[j]) != CPWL_OK)
            return CPWL_ERR_INPUT;
        path_pop(R, p);
    }
    return CPWL_OK;
}

static const char *const layer_keys[] = {
    "activation", "weights", "bias", "slope", "pieces", NULL
};

static int read_layer(cpwl_net_t net, reader *R, const json_value *obj, slong l)
{
    const json_value *act, *W, *b, *slope, *pv;
    cpwl_net_layer_struct *L;
    slong i, in, kind, pieces = 1;
    char what[96];

    if (obj->kind != JSON_OBJECT)
        return bad(R, obj, "expected an object (a layer), got %s",
                   json_kind_name(obj->kind));
    if (check_keys(R, obj, layer_keys,
                   "activation, weights, bias, slope, pieces") != CPWL_OK)
        return CPWL_ERR_INPUT;
    if ((act = need(R, obj, "activation", JSON_STRING)) == NULL
        || (W = need(R, obj, "weights", JSON_ARRAY)) == NULL
        || (b = need(R, obj, "bias", JSON_ARRAY)) == NULL)
        return CPWL_ERR_INPUT;

    kind = cpwl_net_act_from_name(act->text);
    {
        size_t p = path_key(R, "activation");
        char q[CPWL_ERR_QUOTE_SIZE];
        cpwl_err_quote(q, sizeof(q), act->text, act->len);
        if (kind < 0)
            return bad(R, act, "unknown activation %s (expected relu, "
                       "identity, leaky_relu, abs, hardtanh or maxout)", q);
        path_pop(R, p);
    }
    slope = json_get(obj, "slope");
    if (kind == CPWL_NET_LEAKY_RELU && slope == NULL)
        return bad(R, obj, "missing key \"slope\" (leaky_relu needs its "
                   "slope for z <= 0, e.g. \"1/100\")");
    if (kind != CPWL_NET_LEAKY_RELU && slope != NULL)
        return bad(R, slope, "key \"slope\" belongs to leaky_relu layers only");
    pv = json_get(obj, "pieces");
    if (kind == CPWL_NET_MAXOUT && pv == NULL)
        return bad(R, obj, "missing key \"pieces\" (maxout needs the number "
                   "of pre-activations per unit, e.g. 2)");
    if (kind != CPWL_NET_MAXOUT && pv != NULL)
        return bad(R, pv, "key \"pieces\" belongs to maxout layers only");
    if (pv != NULL)
    {
        size_t p = path_key(R, "pieces");
        if (read_int(&pieces, R, pv, 2, CPWL_NET_MAXOUT_MAX_PIECES) != CPWL_OK)
            return CPWL_ERR_INPUT;
        path_pop(R, p);
        if (W->n % pieces != 0)
        {
            path_key(R, "weights");
            return bad(R, W, "expected a multiple of pieces = %ld rows (one "
                       "per pre-activation, %ld per maxout unit), got %ld",
                       (long) pieces, (long) pieces, (long) W->n);
        }
    }

    in = l == 0 ? net->input_dim : cpwl_net_layer_width(net, l - 1);
    if (l == 0)
        snprintf(what, sizeof(what), "input_dim");
    else
        snprintf(what, sizeof(what), "the width of layers[%ld]", (long) l - 1);
    if (W->n == 0)
    {
        path_key(R, "weights");
        return bad(R, W, "expected at least one row (one per neuron)");
    }

    /* Shapes first: nothing is allocated for a matrix the file does not
       hold (input_dim may claim a billion columns). */
    {
        size_t p = path_key(R, "weights");
        for (i = 0; i < (slong) W->n; i++)
        {
            size_t q = path_push(R, "[%ld]", i);
            if (check_array(R, W->items[i], in, what) != CPWL_OK)
                return CPWL_ERR_INPUT;
            path_pop(R, q);
        }
        path_pop(R, p);
    }

    L = cpwl_net_add_layer(net, kind, W->n);
    L->pieces = pieces;
    {
        size_t p = path_key(R, "weights");
        for (i = 0; i < L->out; i++)
        {
            size_t q = path_push(R, "[%ld]", i);
            if (read_vector(fmpq_mat_entry(L->W, i, 0), in, R, W->items[i], what) != CPWL_OK)
                return CPWL_ERR_INPUT;
            path_pop(R, q);
        }
        path_pop(R, p);
    }
    {
        size_t p = path_key(R, "bias");
        if (read_vector(L->b, L->out, R, b, "one per row of weights") != CPWL_OK)
            return CPWL_ERR_INPUT;
        path_pop(R, p);
    }
    if (slope != NULL)
    {
        size_t p = path_key(R, "slope");
        if (read_number(L->slope, R, slope) != CPWL_OK)
            return CPWL_ERR_INPUT;
        path_pop(R, p);
    }
    return CPWL_OK;
}

static const char *const top_keys[] = {
    "format", "version", "input_dim", "layers", "name", "output_bias",
    "meta", "numbers", NULL
};

static int read_net(cpwl_net_t net, reader *R, const json_value *top)
{
    const json_value *v, *layers;
    slong l, input_dim;

    if (top->kind != JSON_OBJECT)
        return bad(R, top, "expected an object with \"format\": \"cpwl-net\", "
                   "got %s", json_kind_name(top->kind));
    if (check_keys(R, top, top_keys, "format, version, input_dim, layers, "
                   "name, output_bias, meta, numbers") != CPWL_OK)
        return CPWL_ERR_INPUT;

    if ((v = need(R, top, "format", JSON_STRING)) == NULL)
        return CPWL_ERR_INPUT;
    if (strcmp(v->text, "cpwl-net") != 0)
    {
        char q[CPWL_ERR_QUOTE_SIZE];
        cpwl_err_quote(q, sizeof(q), v->text, v->len);
        path_key(R, "format");
        return bad(R, v, "expected \"cpwl-net\", got %s", q);
    }
    if ((v = json_get(top, "version")) == NULL)
        return bad(R, top, "missing key \"version\"");
    {
        slong ver;
        size_t p = path_key(R, "version");
        if (read_int(&ver, R, v, 1, 1) != CPWL_OK)
            return CPWL_ERR_INPUT;
        path_pop(R, p);
    }

    R->mode = CPWL_NUM_EXACT;
    R->watch_floats = R->w != NULL && json_get(top, "numbers") == NULL;
    if ((v = json_get(top, "numbers")) != NULL)
    {
        if (v->kind == JSON_STRING && strcmp(v->text, "binary64") == 0)
            R->mode = CPWL_NUM_BINARY64;
        else if (v->kind == JSON_STRING && strcmp(v->text, "binary32") == 0)
            R->mode = CPWL_NUM_BINARY32;
        else if (!(v->kind == JSON_STRING && strcmp(v->text, "exact") == 0))
        {
            path_key(R, "numbers");
            return bad(R, v, "expected \"exact\", \"binary64\" or \"binary32\"");
        }
    }

    if ((v = json_get(top, "input_dim")) == NULL)
        return bad(R, top, "missing key \"input_dim\"");
    {
        size_t p = path_key(R, "input_dim");
        if (read_int(&input_dim, R, v, 1, WORD(1) << 30) != CPWL_OK)
            return CPWL_ERR_INPUT;
        path_pop(R, p);
    }
    net->input_dim = input_dim;

    if ((v = json_get(top, "output_bias")) != NULL)
    {
        if (v->kind != JSON_BOOL)
        {
            path_key(R, "output_bias");
            return bad(R, v, "expected true or false, got %s",
                       json_kind_name(v->kind));
        }
        net->output_bias = v->boolean;
    }
    if ((v = json_get(top, "name")) != NULL)
    {
        if (v->kind != JSON_STRING)
        {
            path_key(R, "name");
            return bad(R, v, "expected a string, got %s",
                       json_kind_name(v->kind));
        }
        net->name = flint_malloc(v->len + 1);
        memcpy(net->name, v->text, v->len + 1);
    }
    if ((v = json_get(top, "meta")) != NULL)
    {
        if (v->kind != JSON_OBJECT)
        {
            path_key(R, "meta");
            return bad(R, v, "expected an object, got %s",
                       json_kind_name(v->kind));
        }
        net->meta = json_write_compact(v);
    }

    if ((layers = need(R, top, "layers", JSON_ARRAY)) == NULL)
        return CPWL_ERR_INPUT;
    if (layers->n == 0)
    {
        path_key(R, "layers");
        return bad(R, layers, "empty network: expected at least one layer");
    }
    for (l = 0; l < (slong) layers->n; l++)
    {
        size_t p = path_key(R, "layers");
        path_push(R, "[%ld]", l);
        if (read_layer(net, R, layers->items[l], l) != CPWL_OK)
            return CPWL_ERR_INPUT;
        path_pop(R, p);
    }

    if (!net->output_bias)
    {
        const cpwl_net_layer_struct *L = net->layers + net->nlayers - 1;
        for (l = 0; l < L->out; l++)
            if (!fmpq_is_zero(L->b + l))
            {
                const json_value *bias = json_get(layers->items[net->nlayers - 1],
                                                  "bias");
                path_key(R, "layers");
                path_push(R, "[%ld]", net->nlayers - 1);
                path_key(R, "bias");
                path_push(R, "[%ld]", l);
                return bad(R, bias->items[l], "\"output_bias\": false but the "
                           "last layer's bias is not 0");
            }
    }
    return CPWL_OK;
}

void cpwl_io_warn_init(cpwl_io_warn_t w)
{
    w->float_traps = 0;
    w->msg[0] = '\0';
}

void cpwl_io_warn_clear(cpwl_io_warn_t w)
{
    cpwl_io_warn_init(w);
}

int cpwl_io_net_read_str(cpwl_net_t net, const char *text, size_t len,
                         const char *where, cpwl_err_t e)
{
    return cpwl_io_net_read_str_warn(net, NULL, text, len, where, e);
}

int cpwl_io_net_read_str_warn(cpwl_net_t net, cpwl_io_warn_t w, const char *text,
                              size_t len, const char *where, cpwl_err_t e)
{
    json_value *top = json_parse(text, len, where, e);

    if (top == NULL)
        return e->status;
    io_net_read_json(net, w, top, len, where, "", e);
    json_free(top);
    return e->status;
}

int io_net_read_json(cpwl_net_t net, cpwl_io_warn_struct *w,
                     const json_value *top, size_t len, const char *where,
                     const char *path, cpwl_err_t e)
{
    reader R;
    cpwl_net_t tmp;

    R.where = where;
    snprintf(R.path, sizeof(R.path), "%s", path);
    R.mode = CPWL_NUM_EXACT;
    R.bits_left = CPWL_IO_BITS_SLACK + (slong) FLINT_MIN(len, (size_t) WORD_MAX
                                                         / CPWL_IO_BITS_PER_BYTE / 2)
                                  * CPWL_IO_BITS_PER_BYTE;
    R.e = e;
    R.w = w;
    R.watch_floats = 0;
    if (w != NULL)
        cpwl_io_warn_init(w);
    cpwl_net_init(tmp, 0);
    if (read_net(tmp, &R, top) == CPWL_OK)
    {
        cpwl_net_prepare(tmp);
        cpwl_net_swap(net, tmp);
    }
    cpwl_net_clear(tmp);
    return e->status;
}

int cpwl_io_read_all(char **buf, size_t *len, const char *path, cpwl_err_t e)
{
    FILE *f;
    size_t n = 0, alloc = 1 << 16, got;
    char *s;
    struct stat st;
    int is_stdin = strcmp(path, "-") == 0;

    f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: cannot open (%s)", path,
                            strerror(errno));
    if (fstat(fileno(f), &st) != 0)
        st.st_mode = 0;         /* unknown: just read */
    if (S_ISDIR(st.st_mode))
    {
        if (!is_stdin)
            fclose(f);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: is a directory, expected a "
                            "file", path);
    }
    if (S_ISREG(st.st_mode) && (uintmax_t) st.st_size >= CPWL_IO_MAX_FILE_SIZE)
    {
        if (!is_stdin)
            fclose(f);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: larger than %zu bytes", path,
                            (size_t) CPWL_IO_MAX_FILE_SIZE - 1);
    }
    s = flint_malloc(alloc);
    while ((got = fread(s + n, 1, alloc - n - 1, f)) > 0)
    {
        n += got;
        if (n + 1 == alloc)
        {
            if (alloc >= CPWL_IO_MAX_FILE_SIZE)
            {
                flint_free(s);
                if (!is_stdin)
                    fclose(f);
                return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: larger than %zu bytes",
                                    path, (size_t) CPWL_IO_MAX_FILE_SIZE - 1);
            }
            alloc *= 2;
            s = flint_realloc(s, alloc);
        }
    }
    if (ferror(f))
    {
        int en = errno;
        flint_free(s);
        if (!is_stdin)
            fclose(f);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: read error (%s)", path,
                            strerror(en));
    }
    if (!is_stdin)
        fclose(f);
    s[n] = '\0';
    *buf = s;
    *len = n;
    return CPWL_OK;
}

int cpwl_io_net_read_file(cpwl_net_t net, const char *path, cpwl_err_t e)
{
    return cpwl_io_net_read_file_warn(net, NULL, path, e);
}

int cpwl_io_net_read_file_warn(cpwl_net_t net, cpwl_io_warn_t w, const char *path, cpwl_err_t e)
{
    char *text;
    size_t len;
    if (w != NULL)
        cpwl_io_warn_init(w);
    if (cpwl_io_read_all(&text, &len, path, e) != CPWL_OK)
        return e->status;
    cpwl_io_net_read_str_warn(net, w, text, len,
                              strcmp(path, "-") == 0 ? "<stdin>" : path, e);
    flint_free(text);
    return e->status;
}

/* ---- canonical writing ------------------------------------------------ */

static void put_q(json_buf *b, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    json_buf_puts(b, "\"");
    json_buf_puts(b, s);
    json_buf_puts(b, "\"");
    flint_free(s);
}

static void put_qvec(json_buf *b, const fmpq *v, slong n)
{
    slong j;
    json_buf_puts(b, "[");
    for (j = 0; j < n; j++)
    {
        if (j > 0)
            json_buf_puts(b, ", ");
        put_q(b, v + j);
    }
    json_buf_puts(b, "]");
}

char *cpwl_io_net_write_str(const cpwl_net_t net)
{
    json_buf b;
    slong l, i;

    json_buf_init(&b);
    json_buf_puts(&b, "{\n  \"format\": \"cpwl-net\",\n  \"version\": 1,\n");
    if (net->name != NULL)
    {
        json_buf_puts(&b, "  \"name\": ");
        json_buf_string(&b, net->name, strlen(net->name));
        json_buf_puts(&b, ",\n");
    }
    json_buf_printf(&b, "  \"input_dim\": %ld,\n  \"output_bias\": %s,\n"
                    "  \"layers\": [\n", (long) net->input_dim,
                    net->output_bias ? "true" : "false");
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        json_buf_printf(&b, "    {\n      \"activation\": \"%s\",\n",
                        cpwl_net_act_name(L->act));
        if (L->act == CPWL_NET_LEAKY_RELU)
        {
            json_buf_puts(&b, "      \"slope\": ");
            put_q(&b, L->slope);
            json_buf_puts(&b, ",\n");
        }
        if (L->act == CPWL_NET_MAXOUT)
            json_buf_printf(&b, "      \"pieces\": %ld,\n", (long) L->pieces);
        json_buf_puts(&b, "      \"weights\": [\n");
        for (i = 0; i < L->out; i++)
        {
            json_buf_puts(&b, "        ");
            put_qvec(&b, fmpq_mat_entry(L->W, i, 0), L->in);
            json_buf_puts(&b, i + 1 < L->out ? ",\n" : "\n");
        }
        json_buf_puts(&b, "      ],\n      \"bias\": ");
        put_qvec(&b, L->b, L->out);
        json_buf_puts(&b, l + 1 < net->nlayers ? "\n    },\n" : "\n    }\n");
    }
    json_buf_puts(&b, "  ]");
    if (net->meta != NULL)
    {
        json_buf_puts(&b, ",\n  \"meta\": ");
        json_buf_puts(&b, net->meta);
    }
    json_buf_puts(&b, "\n}\n");
    return b.s;
}

/* ---- vectors on the command line -------------------------------------- */

int cpwl_io_parse_vector(fmpq *x, slong n, const char *s, const char *what,
                         cpwl_err_t e)
{
    slong k = 0;
    const char *p = s;
    for (;;)
    {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t) (end - p) : strlen(p);
        const char *a = p, *z = p + len;
        while (a < z && (*a == ' ' || *a == '\t'))
            a++;
        while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
            z--;
        if (k < n)
        {
            cpwl_err_t ne;
            cpwl_err_init(ne);
            if (cpwl_num_parse_fmpq(x + k, a, z - a, CPWL_NUM_EXACT, ne) != CPWL_OK)
                return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: coordinate %ld: %s",
                                    what, (long) k + 1, ne->msg);
        }
        k++;
        if (end == NULL)
            break;
        p = end + 1;
    }
    if (k != n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: expected %ld coordinate%s (the "
                            "input dimension), got %ld", what, (long) n,
                       n == 1 ? "" : "s", (long) k);
    return CPWL_OK;
}

char *cpwl_io_json_quote(const char *s)
{
    json_buf b;
    json_buf_init(&b);
    json_buf_string(&b, s, strlen(s));
    return b.s;
}
