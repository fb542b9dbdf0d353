/* cpwl-gauss files (docs/formats.md): a network's means and the
   standard deviations of its parameters, read with located errors. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cpwl/io.h"
#include "cpwl/num.h"
#include "cpwl/stochnet.h"
#include "cpwl/ieee.h"
#include "../io_impl.h"
#include "../json.h"
#include "stochnet_impl.h"

/* Precision of the shared variance of a grid prior. */
#define GRID_PREC 256

typedef struct
{
    const char *where;
    char path[256];
    slong rounded;
    cpwl_err_struct *e;
}
greader;

static int gbad(greader *R, const json_value *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int gbad(greader *R, const json_value *v, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return cpwl_err_set(R->e, CPWL_ERR_INPUT, "%s:%ld:%ld: %s: %s", R->where,
                        v->line, v->col, R->path[0] ? R->path : "top level",
                        msg);
}

static size_t gpush(greader *R, const char *fmt, long i)
{
    size_t n = strlen(R->path);
    snprintf(R->path + n, sizeof(R->path) - n, fmt, i);
    return n;
}

static size_t gkey(greader *R, const char *key)
{
    size_t n = strlen(R->path);
    snprintf(R->path + n, sizeof(R->path) - n, n ? ".%s" : "%s", key);
    return n;
}

static int gkeys(greader *R, const json_value *obj, const char *const *allowed,
                 const char *list)
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
            return gbad(R, obj->items[i], "unknown key %s (allowed: %s)", q,
                        list);
        }
    }
    return CPWL_OK;
}

/* A value rounded to binary64 once (counted when that changed it). */
static int round_d(double *out, greader *R, const json_value *v,
                   const fmpq_t x)
{
    fmpq_t r;
    cpwl_err_t ne;
    int st;
    fmpq_init(r);
    cpwl_err_init(ne);
    st = cpwl_num_round_fmpq(r, x, CPWL_NUM_BINARY64, ne);
    if (st == CPWL_OK)
    {
        if (!fmpq_equal(r, x))
            R->rounded++;
        *out = cpwl_num_fmpq_get_d(r);
    }
    fmpq_clear(r);
    if (st != CPWL_OK)
        return gbad(R, v, "%s", ne->msg);
    return CPWL_OK;
}

/* A standard deviation: a number (JSON or a string in the num grammar)
   whose binary64 value is > 0. */
static int read_sigma(double *out, greader *R, const json_value *v)
{
    fmpq_t x;
    cpwl_err_t ne;
    int st = CPWL_OK;
    if (v->kind != JSON_NUMBER && v->kind != JSON_STRING)
        return gbad(R, v, "expected a standard deviation (a positive number, "
                    "or a string such as \"1/64\"), got %s",
                    json_kind_name(v->kind));
    fmpq_init(x);
    cpwl_err_init(ne);
    if (cpwl_num_parse_fmpq(x, v->text, v->len, CPWL_NUM_EXACT, ne) != CPWL_OK)
        st = gbad(R, v, "%s", ne->msg);
    else if (fmpq_sgn(x) <= 0)
        st = gbad(R, v, "expected a standard deviation > 0, got %.40s",
                  v->text);
    else if ((st = round_d(out, R, v, x)) == CPWL_OK && !(*out > 0))
        st = gbad(R, v, "%.40s rounds to 0 as a binary64 number; expected a "
                  "standard deviation > 0", v->text);
    fmpq_clear(x);
    return st;
}

static int read_int(slong *out, greader *R, const json_value *v, slong lo,
                    slong hi)
{
    fmpq_t q;
    cpwl_err_t ne;
    int ok;
    if (v->kind != JSON_NUMBER)
        return gbad(R, v, "expected an integer, got %s",
                    json_kind_name(v->kind));
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
        return gbad(R, v, "expected an integer from %ld to %ld, got %.40s",
                    (long) lo, (long) hi, v->text);
    return CPWL_OK;
}

/* The distribution sized for the network: means 0, sigmas 1 until read. */
static void size_params(cpwl_stochnet_t S)
{
    cpwl_gauss_clear(S->w);
    cpwl_gauss_init(S->w, cpwl_stochnet_num_params(S->net));
}

/* The means: the network's weights rounded to binary64 (the network
   read exactly first; top is its JSON object, for the places). */
static int read_means(cpwl_stochnet_t S, greader *R, const json_value *top)
{
    const json_value *layers = json_get(top, "layers");
    slong l, i, j, k = 0;
    size_t p0 = strlen(R->path);

    for (l = 0; l < S->net->nlayers; l++)
    {
        cpwl_net_layer_struct *L = S->net->layers + l;
        const json_value *lv = layers->items[l];
        const json_value *W = json_get(lv, "weights"), *b = json_get(lv, "bias");
        size_t p1;

        gkey(R, "layers");
        gpush(R, "[%ld]", l);
        if (L->act != CPWL_NET_RELU && L->act != CPWL_NET_IDENTITY
            && L->act != CPWL_NET_LEAKY_RELU)
        {
            gkey(R, "activation");
            return gbad(R, json_get(lv, "activation"), "a stochastic network's "
                        "activations must be relu, identity or leaky_relu, "
                        "got %s", cpwl_net_act_name(L->act));
        }
        p1 = strlen(R->path);
        for (i = 0; i < L->out; i++)
            for (j = 0; j < L->in; j++)
            {
                gkey(R, "weights");
                gpush(R, "[%ld]", i);
                gpush(R, "[%ld]", j);
                if (round_d(S->w->mu + k, R, W->items[i]->items[j],
                            fmpq_mat_entry(L->W, i, j)) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                cpwl_ieee_get_fmpq(fmpq_mat_entry(L->W, i, j), S->w->mu[k]);
                R->path[p1] = '\0';
                k++;
            }
        for (i = 0; i < L->out; i++)
        {
            gkey(R, "bias");
            gpush(R, "[%ld]", i);
            if (round_d(S->w->mu + k, R, b->items[i], L->b + i) != CPWL_OK)
                return CPWL_ERR_INPUT;
            cpwl_ieee_get_fmpq(L->b + i, S->w->mu[k]);
            R->path[p1] = '\0';
            k++;
        }
        R->path[p0] = '\0';
    }
    cpwl_net_prepare(S->net);
    return CPWL_OK;
}

static const char *const sigma_layer_keys[] = {"weights", "bias", NULL};

/* Per-parameter deviations with the shape of the network. */
static int read_sigma_layers(cpwl_stochnet_t S, greader *R,
                             const json_value *layers)
{
    slong l, i, j, k = 0;
    size_t p0 = strlen(R->path);
    const cpwl_net_t net = {*S->net};

    if (layers->kind != JSON_ARRAY)
        return gbad(R, layers, "expected an array of layers, got %s",
                    json_kind_name(layers->kind));
    if ((slong) layers->n != net->nlayers)
        return gbad(R, layers, "expected %ld layers (as the mean), got %ld",
                    (long) net->nlayers, (long) layers->n);
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        const json_value *lv = layers->items[l], *W, *b;
        size_t p1;

        gpush(R, "[%ld]", l);
        p1 = strlen(R->path);
        if (lv->kind != JSON_OBJECT)
            return gbad(R, lv, "expected an object {\"weights\": ..., "
                        "\"bias\": ...}, got %s", json_kind_name(lv->kind));
        if (gkeys(R, lv, sigma_layer_keys, "weights, bias") != CPWL_OK)
            return CPWL_ERR_INPUT;
        if ((W = json_get(lv, "weights")) == NULL)
            return gbad(R, lv, "missing key \"weights\"");
        if ((b = json_get(lv, "bias")) == NULL)
            return gbad(R, lv, "missing key \"bias\"");
        gkey(R, "weights");
        if (W->kind != JSON_ARRAY || (slong) W->n != L->out)
            return gbad(R, W, "expected an array of %ld rows (as the mean's "
                        "layer), got %s of %ld", (long) L->out,
                        json_kind_name(W->kind), (long) W->n);
        for (i = 0; i < L->out; i++)
        {
            const json_value *row = W->items[i];
            size_t p2 = gpush(R, "[%ld]", i);
            if (row->kind != JSON_ARRAY || (slong) row->n != L->in)
                return gbad(R, row, "expected an array of %ld numbers (as the "
                            "mean's row), got %s of %ld", (long) L->in,
                            json_kind_name(row->kind), (long) row->n);
            for (j = 0; j < L->in; j++)
            {
                size_t p3 = gpush(R, "[%ld]", j);
                if (read_sigma(S->w->sigma + k++, R, row->items[j]) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                R->path[p3] = '\0';
            }
            R->path[p2] = '\0';
        }
        R->path[p1] = '\0';
        gkey(R, "bias");
        if (b->kind != JSON_ARRAY || (slong) b->n != L->out)
            return gbad(R, b, "expected an array of %ld numbers (as the mean's "
                        "bias), got %s of %ld", (long) L->out,
                        json_kind_name(b->kind), (long) b->n);
        for (i = 0; i < L->out; i++)
        {
            size_t p2 = gpush(R, "[%ld]", i);
            if (read_sigma(S->w->sigma + k++, R, b->items[i]) != CPWL_OK)
                return CPWL_ERR_INPUT;
            R->path[p2] = '\0';
        }
        R->path[p0] = '\0';
    }
    return CPWL_OK;
}

static const char *const grid_keys[] = {"c", "b", "j", NULL};

static int read_grid(cpwl_stochnet_t S, greader *R, const json_value *g)
{
    const json_value *c, *b, *j;
    cpwl_err_t ne;
    arb_t var;
    size_t p0 = strlen(R->path);
    int st;

    if (g->kind != JSON_OBJECT)
        return gbad(R, g, "expected an object {\"c\": C, \"b\": B, \"j\": J}, "
                    "got %s", json_kind_name(g->kind));
    if (gkeys(R, g, grid_keys, "c, b, j") != CPWL_OK)
        return CPWL_ERR_INPUT;
    if ((c = json_get(g, "c")) == NULL)
        return gbad(R, g, "missing key \"c\" (the grid's largest variance)");
    if ((b = json_get(g, "b")) == NULL)
        return gbad(R, g, "missing key \"b\" (the grid's points per factor e)");
    if ((j = json_get(g, "j")) == NULL)
        return gbad(R, g, "missing key \"j\" (the grid index, >= 1)");
    gkey(R, "c");
    cpwl_err_init(ne);
    if (c->kind != JSON_NUMBER && c->kind != JSON_STRING)
        return gbad(R, c, "expected a positive number, got %s",
                    json_kind_name(c->kind));
    if (cpwl_num_parse_fmpq(S->grid_c, c->text, c->len, CPWL_NUM_EXACT, ne)
        != CPWL_OK)
        return gbad(R, c, "%s", ne->msg);
    if (fmpq_sgn(S->grid_c) <= 0)
        return gbad(R, c, "expected c > 0, got %.40s", c->text);
    R->path[p0] = '\0';
    gkey(R, "b");
    if (read_int(&S->grid_b, R, b, 1, WORD(1) << 40) != CPWL_OK)
        return CPWL_ERR_INPUT;
    R->path[p0] = '\0';
    gkey(R, "j");
    if (read_int(&S->grid_j, R, j, 1, WORD(1) << 40) != CPWL_OK)
        return CPWL_ERR_INPUT;
    R->path[p0] = '\0';
    arb_init(var);
    st = cpwl_gauss_grid_var(var, S->grid_c, S->grid_b, S->grid_j, GRID_PREC,
                             ne);
    if (st == CPWL_OK)
        cpwl_gauss_set_shared(S->w, var, GRID_PREC);
    arb_clear(var);
    if (st != CPWL_OK)
        return gbad(R, g, "%s", ne->msg);
    return CPWL_OK;
}

static int read_sigma_any(cpwl_stochnet_t S, greader *R, const json_value *v)
{
    size_t p0 = strlen(R->path);
    if (v->kind == JSON_NUMBER || v->kind == JSON_STRING)
    {
        double s;
        if (read_sigma(&s, R, v) != CPWL_OK)
            return CPWL_ERR_INPUT;
        S->sigma = s;
        cpwl_gauss_set_shared_d(S->w, s, GRID_PREC);
        return CPWL_OK;
    }
    if (v->kind != JSON_OBJECT || v->n != 1
        || (strcmp(v->keys[0], "layers") != 0 && strcmp(v->keys[0], "grid") != 0))
        return gbad(R, v, "expected a positive number, {\"layers\": [...]} "
                    "(one sigma per parameter) or {\"grid\": {\"c\": C, "
                    "\"b\": B, \"j\": J}}");
    gkey(R, v->keys[0]);
    if (strcmp(v->keys[0], "grid") == 0)
        return read_grid(S, R, v->items[0]);
    if (read_sigma_layers(S, R, v->items[0]) != CPWL_OK)
        return CPWL_ERR_INPUT;
    R->path[p0] = '\0';
    return CPWL_OK;
}

/* The directory part of path joined with name (name as is when it is
   absolute or path has no directory).  flint_free it. */
static char *relative_to(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    size_t dn = slash == NULL || name[0] == '/' || strcmp(path, "-") == 0
                ? 0 : (size_t) (slash - path) + 1;
    char *s = flint_malloc(dn + strlen(name) + 1);
    memcpy(s, path, dn);
    strcpy(s + dn, name);
    return s;
}

static const char *const top_keys[] = {
    "format", "version", "mean", "sigma", "meta", NULL
};

/* The mean network: an object here, or a network file named by a
   string (relative to the file's directory). */
static int read_mean(cpwl_stochnet_t S, greader *R, const json_value *mv,
                     size_t len, const char *dir_of)
{
    greader F;
    json_value *top;
    char *text, *mpath;
    size_t mlen;
    int st;

    if (mv->kind == JSON_OBJECT)
    {
        if (io_net_read_json(S->net, NULL, mv, len, R->where, "mean", R->e)
            != CPWL_OK)
            return CPWL_ERR_INPUT;
        size_params(S);
        gkey(R, "mean");
        st = read_means(S, R, mv);
        R->path[0] = '\0';
        return st;
    }
    if (mv->kind != JSON_STRING)
    {
        gkey(R, "mean");
        return gbad(R, mv, "expected a cpwl-net network object or the name "
                    "of a network file, got %s", json_kind_name(mv->kind));
    }
    if (mv->len == 0 || memchr(mv->text, '\0', mv->len) != NULL)
    {
        gkey(R, "mean");
        return gbad(R, mv, "expected the name of a network file");
    }
    mpath = relative_to(dir_of, mv->text);
    {
        cpwl_err_t re;
        cpwl_err_init(re);
        if (cpwl_io_read_all(&text, &mlen, mpath, re) != CPWL_OK)
        {
            flint_free(mpath);
            gkey(R, "mean");
            return gbad(R, mv, "%s", re->msg);
        }
    }
    top = json_parse(text, mlen, mpath, R->e);
    st = top == NULL ? CPWL_ERR_INPUT
         : io_net_read_json(S->net, NULL, top, mlen, mpath, "", R->e);
    if (st == CPWL_OK)
    {
        size_params(S);
        F.where = mpath;
        F.path[0] = '\0';
        F.rounded = 0;
        F.e = R->e;
        st = read_means(S, &F, top);
        R->rounded += F.rounded;
    }
    if (top != NULL)
        json_free(top);
    flint_free(text);
    flint_free(mpath);
    return st;
}

static int read_top(cpwl_stochnet_t S, greader *R, const json_value *top,
                    size_t len, const char *dir_of)
{
    const json_value *v, *mv, *sv;
    slong ver;

    if (top->kind != JSON_OBJECT)
        return gbad(R, top, "expected an object with \"format\": "
                    "\"cpwl-gauss\", got %s", json_kind_name(top->kind));
    if ((v = json_get(top, "format")) == NULL)
        return gbad(R, top, "missing key \"format\" (\"cpwl-gauss\")");
    if (v->kind != JSON_STRING || strcmp(v->text, "cpwl-gauss") != 0)
    {
        gkey(R, "format");
        return gbad(R, v, "expected \"cpwl-gauss\"%s",
                    v->kind == JSON_STRING && strcmp(v->text, "cpwl-net") == 0
                    ? " (a network file is the mean of a cpwl-gauss file, "
                    "docs/formats.md)" : "");
    }
    if (gkeys(R, top, top_keys, "format, version, mean, sigma, meta")
        != CPWL_OK)
        return CPWL_ERR_INPUT;
    if ((v = json_get(top, "version")) == NULL)
        return gbad(R, top, "missing key \"version\"");
    gkey(R, "version");
    if (read_int(&ver, R, v, 1, 1) != CPWL_OK)
        return CPWL_ERR_INPUT;
    R->path[0] = '\0';
    if ((v = json_get(top, "meta")) != NULL && v->kind != JSON_OBJECT)
    {
        gkey(R, "meta");
        return gbad(R, v, "expected an object, got %s",
                    json_kind_name(v->kind));
    }
    if ((mv = json_get(top, "mean")) == NULL)
        return gbad(R, top, "missing key \"mean\" (a network object or file "
                    "name)");
    if ((sv = json_get(top, "sigma")) == NULL)
        return gbad(R, top, "missing key \"sigma\" (a positive number, "
                    "{\"layers\": [...]} or {\"grid\": {...}})");

    if (read_mean(S, R, mv, len, dir_of) != CPWL_OK)
        return CPWL_ERR_INPUT;
    gkey(R, "sigma");
    if (read_sigma_any(S, R, sv) != CPWL_OK)
        return CPWL_ERR_INPUT;
    R->path[0] = '\0';
    return CPWL_OK;
}

static void stochnet_swap(cpwl_stochnet_t a, cpwl_stochnet_t b)
{
    cpwl_gauss_struct g = *a->w;
    double s = a->sigma;
    slong j = a->grid_j, bb = a->grid_b;
    cpwl_net_swap(a->net, b->net);
    *a->w = *b->w;
    *b->w = g;
    a->sigma = b->sigma;
    b->sigma = s;
    a->grid_j = b->grid_j;
    b->grid_j = j;
    a->grid_b = b->grid_b;
    b->grid_b = bb;
    fmpq_swap(a->grid_c, b->grid_c);
}

/* Read from text; dir_of: the path the mean's file name is relative to. */
static int read_gauss(cpwl_stochnet_t S, slong *rounded, const char *text,
                      size_t len, const char *where, const char *dir_of,
                      cpwl_err_t e)
{
    json_value *top = json_parse(text, len, where, e);
    cpwl_stochnet_t T;
    greader R;

    if (top == NULL)
        return e->status;
    R.where = where;
    R.path[0] = '\0';
    R.rounded = 0;
    R.e = e;
    cpwl_stochnet_init(T);
    if (read_top(T, &R, top, len, dir_of) == CPWL_OK)
    {
        if (rounded != NULL)
            *rounded = R.rounded;
        stochnet_swap(S, T);
    }
    cpwl_stochnet_clear(T);
    json_free(top);
    return e->status;
}

int cpwl_stochnet_read_str(cpwl_stochnet_t S, slong *rounded, const char *text,
                           size_t len, const char *where, cpwl_err_t e)
{
    return read_gauss(S, rounded, text, len, where, where, e);
}

int cpwl_stochnet_read_file(cpwl_stochnet_t S, slong *rounded, const char *path,
                            cpwl_err_t e)
{
    char *text;
    size_t len;
    if (cpwl_io_read_all(&text, &len, path, e) != CPWL_OK)
        return e->status;
    read_gauss(S, rounded, text, len, strcmp(path, "-") == 0 ? "<stdin>" : path,
               path, e);
    flint_free(text);
    return e->status;
}
