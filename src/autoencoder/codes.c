/* Finite distributions of sparse codes (cpwl/codes.h): a list read from
   CSV, or every support of size k with value patterns; numbering,
   random access, enumeration, draws and the CSV writer. */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "cpwl/codes.h"
#include "cpwl/io.h"
#include "cpwl/num.h"

void cpwl_codes_init(cpwl_codes_t C)
{
    C->kind = CPWL_CODES_LIST;
    C->h = 0;
    C->k = 0;
    cpwl_dist_init(C->list);
    cpwl_dist_init(C->values);
}

void cpwl_codes_clear(cpwl_codes_t C)
{
    cpwl_dist_clear(C->list);
    cpwl_dist_clear(C->values);
}

/* Empty: a list of no codes. */
static void codes_reset(cpwl_codes_t C)
{
    cpwl_codes_clear(C);
    cpwl_codes_init(C);
}

/* The first line of text with content (for messages), 0 if none. */
static slong codes_first_line(const char *text, size_t len)
{
    size_t p = 0;
    slong line = 1;
    while (p < len)
    {
        size_t q = p;
        while (q < len && (text[q] == ' ' || text[q] == '\t' || text[q] == '\r'))
            q++;
        if (q < len && text[q] != '\n' && text[q] != '#')
            return line;
        while (p < len && text[p] != '\n')
            p++;
        p++;
        line++;
    }
    return 0;
}

int cpwl_codes_read_str(cpwl_codes_t C, const char *text, size_t len,
                        const char *name, slong h, cpwl_err_t e)
{
    int st;
    codes_reset(C);
    st = cpwl_dist_read_str(C->list, text, len, name, e);
    if (st == CPWL_OK && C->list->n != h)
    {
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld: rows of %ld coordinates "
                          "(p, x_1 .. x_%ld); expected h = %ld coordinates, "
                          "one per atom of the dictionary", name,
                          (long) codes_first_line(text, len),
                          (long) C->list->n, (long) C->list->n, (long) h);
    }
    if (st != CPWL_OK)
    {
        codes_reset(C);
        return st;
    }
    C->kind = CPWL_CODES_LIST;
    C->h = h;
    return CPWL_OK;
}

int cpwl_codes_set_supports(cpwl_codes_t C, slong h, slong k,
                            const fmpq *values, const fmpq *probs, slong V,
                            cpwl_err_t e)
{
    slong i;
    fmpq_t s;
    codes_reset(C);
    if (h < 1 || k < 0 || k > h)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "codes: k: %ld; expected a "
                            "support size from 0 to h = %ld", (long) k,
                            (long) h);
    if (V < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "codes: values: expected at "
                            "least one value");
    for (i = 0; i < V; i++)
        if (fmpq_is_zero(values + i))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "codes: values: value %ld "
                                "is 0; expected non-zero values (a zero would "
                                "leave the support)", (long) i + 1);
    fmpq_init(s);
    for (i = 0; probs != NULL && i < V; i++)
    {
        if (fmpq_sgn(probs + i) < 0)
        {
            fmpq_clear(s);
            return cpwl_err_set(e, CPWL_ERR_INPUT, "codes: p: probability %ld "
                                "is negative; expected p >= 0", (long) i + 1);
        }
        fmpq_add(s, s, probs + i);
    }
    if (probs != NULL && !fmpq_is_one(s))
    {
        char *t = fmpq_get_str(NULL, 10, s);
        int st = cpwl_err_set(e, CPWL_ERR_INPUT, "codes: p: the probabilities "
                              "sum to %.200s%s; expected exactly 1", t,
                              strlen(t) > 200 ? "..." : "");
        flint_free(t);
        fmpq_clear(s);
        return st;
    }
    fmpq_clear(s);
    C->kind = CPWL_CODES_SUPPORTS;
    C->h = h;
    C->k = k;
    C->values->kind = CPWL_DIST_FINITE;
    C->values->n = 1;
    C->values->K = V;
    C->values->p = _fmpq_vec_init(V);
    C->values->X = _fmpq_vec_init(V);
    for (i = 0; i < V; i++)
    {
        fmpq_set(C->values->X + i, values + i);
        if (probs != NULL)
            fmpq_set(C->values->p + i, probs + i);
        else
            fmpq_set_si(C->values->p + i, 1, V);
    }
    cpwl_dist_fill_cum(C->values);
    return CPWL_OK;
}

/* A comma list of exact literals s[0..len) for key; *out (flint_free'd
   vector of *n) on success. */
static int codes_list(fmpq **out, slong *n, const char *key, const char *s,
                      size_t len, const char *spec, cpwl_err_t e)
{
    slong cnt = 1, i = 0;
    size_t p = 0;
    char q[CPWL_ERR_QUOTE_SIZE];
    for (p = 0; p < len; p++)
        cnt += s[p] == ',';
    *out = _fmpq_vec_init(cnt);
    *n = cnt;
    p = 0;
    for (i = 0; i < cnt; i++)
    {
        size_t a = p;
        cpwl_err_t ne;
        while (p < len && s[p] != ',')
            p++;
        cpwl_err_init(ne);
        if (cpwl_num_parse_fmpq(*out + i, s + a, p - a, CPWL_NUM_EXACT, ne)
            != CPWL_OK)
        {
            cpwl_err_quote(q, sizeof q, s + a, p - a);
            _fmpq_vec_clear(*out, cnt);
            *out = NULL;
            return cpwl_err_set(e, CPWL_ERR_INPUT, "codes %s: %s: entry %ld "
                                "(%s): %s", spec, key, (long) i + 1, q,
                                ne->msg);
        }
        p++;
    }
    return CPWL_OK;
}

/* supports:k=K[;values=V,...][;p=P,...] */
static int codes_parse_supports(cpwl_codes_t C, const char *in, slong h,
                                cpwl_err_t e)
{
    const char *p = in + strlen("supports:");
    char spec[CPWL_ERR_QUOTE_SIZE];     /* for messages: one line */
    fmpq *vals = NULL, *probs = NULL;
    slong nv = 0, np = 0, k = -1;
    int st = CPWL_OK;
    char q[CPWL_ERR_QUOTE_SIZE];

    cpwl_err_quote(spec, sizeof spec, in, strlen(in));
    while (*p != '\0' && st == CPWL_OK)
    {
        const char *end = strchr(p, ';'), *eq;
        size_t len, klen;
        if (end == NULL)
            end = p + strlen(p);
        len = (size_t) (end - p);
        eq = memchr(p, '=', len);
        klen = eq != NULL ? (size_t) (eq - p) : len;
        if (eq == NULL)
        {
            cpwl_err_quote(q, sizeof q, p, len);
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "codes %s: %s: expected "
                              "key=value (keys k, values, p)", spec, q);
        }
        else if (klen == 1 && *p == 'k' && k < 0)
        {
            const char *v = eq + 1;
            size_t i, vlen = (size_t) (end - v);
            int ok = vlen > 0 && vlen <= 9;
            k = 0;
            for (i = 0; ok && i < vlen; i++)
            {
                ok = v[i] >= '0' && v[i] <= '9';
                k = 10 * k + (v[i] - '0');
            }
            if (!ok || k > h)
            {
                cpwl_err_quote(q, sizeof q, v, vlen);
                st = cpwl_err_set(e, CPWL_ERR_INPUT, "codes %s: k: expected a "
                                  "support size from 0 to h = %ld, got %s",
                                  spec, (long) h, q);
            }
        }
        else if (klen == 6 && strncmp(p, "values", 6) == 0 && vals == NULL)
            st = codes_list(&vals, &nv, "values", eq + 1,
                            (size_t) (end - eq - 1), spec, e);
        else if (klen == 1 && *p == 'p' && probs == NULL)
            st = codes_list(&probs, &np, "p", eq + 1, (size_t) (end - eq - 1),
                            spec, e);
        else
        {
            cpwl_err_quote(q, sizeof q, p, klen);
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "codes %s: %s: unknown "
                              "or repeated key; expected k, values, p", spec, q);
        }
        p = *end == ';' ? end + 1 : end;
    }
    if (st == CPWL_OK && k < 0)
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "codes %s: k: missing; expected "
                          "k=K, the support size", spec);
    if (st == CPWL_OK && probs != NULL && np != (vals != NULL ? nv : 1))
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "codes %s: p: %ld probabilities "
                          "for %ld values; expected one per value", spec,
                          (long) np, (long) (vals != NULL ? nv : 1));
    if (st == CPWL_OK)
    {
        fmpq_t one;
        fmpq_init(one);
        fmpq_one(one);
        st = cpwl_codes_set_supports(C, h, k, vals != NULL ? vals : one, probs,
                                     vals != NULL ? nv : 1, e);
        fmpq_clear(one);
        if (st != CPWL_OK)
        {
            /* name the spec too */
            cpwl_err_t e2;
            cpwl_err_init(e2);
            cpwl_err_set(e2, CPWL_ERR_INPUT, "%s", e->msg);
            cpwl_err_clear(e);
            cpwl_err_init(e);
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "codes %s: %s", spec,
                              e2->msg + strlen("codes: "));
        }
    }
    if (vals != NULL)
        _fmpq_vec_clear(vals, nv);
    if (probs != NULL)
        _fmpq_vec_clear(probs, np);
    if (st != CPWL_OK)
        codes_reset(C);
    return st;
}

int cpwl_codes_init_str(cpwl_codes_t C, const char *s, slong h,
                        cpwl_err_t e)
{
    char *buf;
    size_t len;
    int st;
    if (strncmp(s, "supports:", strlen("supports:")) == 0)
        return codes_parse_supports(C, s, h, e);
    codes_reset(C);
    if ((st = cpwl_io_read_all(&buf, &len, s, e)) != CPWL_OK)
        return st;
    st = cpwl_codes_read_str(C, buf, len, strcmp(s, "-") == 0 ? "<stdin>" : s,
                             h, e);
    flint_free(buf);
    return st;
}

void cpwl_codes_count(fmpz_t N, const cpwl_codes_t C)
{
    if (C->kind == CPWL_CODES_LIST)
    {
        fmpz_set_si(N, C->list->K);
        return;
    }
    {
        fmpz_t t;
        fmpz_init(t);
        fmpz_bin_uiui(N, (ulong) C->h, (ulong) C->k);
        fmpz_set_si(t, C->values->K);
        fmpz_pow_ui(t, t, (ulong) C->k);
        fmpz_mul(N, N, t);
        fmpz_clear(t);
    }
}

/* p = (prod p_vidx) / C(h, k), x on supp from the value indices. */
static void codes_fill(fmpq *x, fmpq_t p, const cpwl_codes_t C,
                       const slong *supp, const slong *vidx)
{
    slong t;
    fmpz_t b;
    fmpz_init(b);
    fmpz_bin_uiui(b, (ulong) C->h, (ulong) C->k);
    fmpq_one(p);
    for (t = 0; t < C->k; t++)
    {
        fmpq_set(x + supp[t], C->values->X + vidx[t]);
        fmpq_mul(p, p, C->values->p + vidx[t]);
    }
    fmpq_div_fmpz(p, p, b);
    fmpz_clear(b);
}

/* Row r of a list: x, p, its support. */
static void codes_list_row(fmpq *x, fmpq_t p, slong *supp, slong *k,
                           const cpwl_codes_t C, slong r)
{
    slong i, m = 0;
    for (i = 0; i < C->h; i++)
    {
        fmpq_set(x + i, C->list->X + r * C->h + i);
        if (!fmpq_is_zero(x + i))
        {
            if (supp != NULL)
                supp[m] = i;
            m++;
        }
    }
    fmpq_set(p, C->list->p + r);
    *k = m;
}

void cpwl_codes_get(fmpq *x, fmpq_t p, slong *supp, slong *k,
                    const cpwl_codes_t C, const fmpz_t i)
{
    slong t, c, *s, *vidx, h = C->h, kk = C->k, V;
    fmpz_t r, pat, N, b;
    if (C->kind == CPWL_CODES_LIST)
    {
        codes_list_row(x, p, supp, k, C, fmpz_get_si(i));
        return;
    }
    V = C->values->K;
    fmpz_init(r);
    fmpz_init(pat);
    fmpz_init(N);
    fmpz_init(b);
    s = flint_malloc((kk + 1) * sizeof(slong));
    vidx = flint_malloc((kk + 1) * sizeof(slong));
    /* i = rank(S) V^k + pattern */
    fmpz_set_si(N, V);
    fmpz_pow_ui(N, N, (ulong) kk);
    fmpz_fdiv_qr(r, pat, i, N);
    for (t = kk - 1; t >= 0; t--)
        vidx[t] = (slong) fmpz_fdiv_ui(pat, (ulong) V), fmpz_fdiv_q_ui(pat, pat, (ulong) V);
    /* unrank S in lexicographic order: the subsets starting with c come
       C(h - 1 - c, k - 1 - t) at a time */
    c = 0;
    for (t = 0; t < kk; t++)
    {
        for (;; c++)
        {
            fmpz_bin_uiui(b, (ulong) (h - 1 - c), (ulong) (kk - 1 - t));
            if (fmpz_cmp(r, b) < 0)
                break;
            fmpz_sub(r, r, b);
        }
        s[t] = c++;
    }
    for (t = 0; t < h; t++)
        fmpq_zero(x + t);
    codes_fill(x, p, C, s, vidx);
    if (supp != NULL)
        for (t = 0; t < kk; t++)
            supp[t] = s[t];
    *k = kk;
    flint_free(s);
    flint_free(vidx);
    fmpz_clear(r);
    fmpz_clear(pat);
    fmpz_clear(N);
    fmpz_clear(b);
}

void cpwl_codes_iter_init(cpwl_codes_iter_t it, const cpwl_codes_t C)
{
    it->x = _fmpq_vec_init(FLINT_MAX(C->h, 1));
    fmpq_init(it->p);
    it->supp = flint_malloc((C->h + 1) * sizeof(slong));
    it->vidx = flint_malloc((C->h + 1) * sizeof(slong));
    it->k = 0;
    fmpz_init(it->index);
    it->row = 0;
    it->started = 0;
    it->done = 0;
}

void cpwl_codes_iter_clear(cpwl_codes_iter_t it, const cpwl_codes_t C)
{
    _fmpq_vec_clear(it->x, FLINT_MAX(C->h, 1));
    fmpq_clear(it->p);
    flint_free(it->supp);
    flint_free(it->vidx);
    fmpz_clear(it->index);
}

int cpwl_codes_iter_next(cpwl_codes_iter_t it, const cpwl_codes_t C)
{
    slong t, h = C->h, k = C->k, V = C->values->K;
    if (it->done)
        return 0;
    if (C->kind == CPWL_CODES_LIST)
    {
        if (it->row >= C->list->K)
        {
            it->done = 1;
            return 0;
        }
        if (it->started)
            fmpz_add_ui(it->index, it->index, 1);
        it->started = 1;
        codes_list_row(it->x, it->p, it->supp, &it->k, C, it->row++);
        return 1;
    }
    if (!it->started)
    {
        it->started = 1;
        for (t = 0; t < k; t++)
        {
            it->supp[t] = t;
            it->vidx[t] = 0;
        }
        it->k = k;
    }
    else
    {
        /* the next pattern, the last index fastest; then the next support */
        for (t = k - 1; t >= 0 && it->vidx[t] == V - 1; t--)
            it->vidx[t] = 0;
        if (t >= 0)
            it->vidx[t]++;
        else
        {
            for (t = k - 1; t >= 0 && it->supp[t] == h - k + t; t--)
                ;
            if (t < 0)
            {
                it->done = 1;
                return 0;
            }
            for (t = 0; t < k; t++)
                fmpq_zero(it->x + it->supp[t]);
            for (t = k - 1; it->supp[t] == h - k + t; t--)
                ;
            it->supp[t]++;
            for (t = t + 1; t < k; t++)
                it->supp[t] = it->supp[t - 1] + 1;
        }
        fmpz_add_ui(it->index, it->index, 1);
    }
    codes_fill(it->x, it->p, C, it->supp, it->vidx);
    return 1;
}

/* ---- draws -------------------------------------------------------------- */

/* Uniform in [0, n), n >= 1, unbiased (rejection below 2^64 mod n). */
static uint64_t codes_below(uint64_t n, uint64_t *state)
{
    uint64_t r, lim = -n % n;
    do
        r = cpwl_dist_rand(state);
    while (r < lim);
    return r % n;
}

/* supp: a uniform k-subset of [0, h), sorted (Floyd's algorithm). */
static void codes_subset(slong *supp, slong h, slong k, uint64_t *state)
{
    unsigned char *in = flint_calloc(FLINT_MAX(h, 1), 1);
    slong j, m = 0;
    for (j = h - k; j < h; j++)
    {
        slong t = (slong) codes_below((uint64_t) j + 1, state);
        in[in[t] ? j : t] = 1;
    }
    for (j = 0; j < h; j++)
        if (in[j])
            supp[m++] = j;
    flint_free(in);
}

void cpwl_codes_draw(fmpq *x, slong *supp, slong *k, const cpwl_codes_t C,
                     uint64_t *state)
{
    slong t, *s;
    fmpq_t p;
    if (C->kind == CPWL_CODES_LIST)
    {
        fmpq_init(p);
        t = cpwl_dist_draw_index(C->list, state);
        codes_list_row(x, p, supp, k, C, t < 0 ? 0 : t);
        fmpq_clear(p);
        return;
    }
    s = flint_malloc((C->k + 1) * sizeof(slong));
    codes_subset(s, C->h, C->k, state);
    for (t = 0; t < C->h; t++)
        fmpq_zero(x + t);
    for (t = 0; t < C->k; t++)
    {
        fmpq_set(x + s[t], C->values->X + cpwl_dist_draw_index(C->values,
                                                                 state));
        if (supp != NULL)
            supp[t] = s[t];
    }
    *k = C->k;
    flint_free(s);
}

void cpwl_codes_draw_random(fmpq *x, slong *supp, slong h, slong k,
                            const fmpq_t m1, const fmpq_t m2, slong G,
                            uint64_t *state)
{
    slong t, *s = flint_malloc((k + 1) * sizeof(slong));
    fmpq_t w;
    fmpq_init(w);
    codes_subset(s, h, k, state);
    for (t = 0; t < h; t++)
        fmpq_zero(x + t);
    for (t = 0; t < k; t++)
    {
        fmpq *v = x + s[t];
        if (G <= 0)
            fmpq_set(v, m1);
        else
        {
            /* m1 + (m2 - m1) j / G */
            slong j = (slong) codes_below((uint64_t) G + 1, state);
            fmpq_sub(w, m2, m1);
            fmpq_mul_si(w, w, j);
            fmpz_mul_si(fmpq_denref(w), fmpq_denref(w), G);
            fmpq_canonicalise(w);
            fmpq_add(v, m1, w);
        }
        if (supp != NULL)
            supp[t] = s[t];
    }
    fmpq_clear(w);
    flint_free(s);
}

int cpwl_codes_write_csv(FILE *f, const cpwl_codes_t C)
{
    cpwl_codes_iter_t it;
    slong i;
    int bad = 0;
    bad |= fputs("p", f) == EOF;
    for (i = 0; i < C->h; i++)
        bad |= fprintf(f, ",x_%ld", (long) i + 1) < 0;
    bad |= fputc('\n', f) == EOF;
    cpwl_codes_iter_init(it, C);
    while (!bad && cpwl_codes_iter_next(it, C))
    {
        char *s = fmpq_get_str(NULL, 10, it->p);
        bad |= fputs(s, f) == EOF;
        flint_free(s);
        for (i = 0; i < C->h; i++)
        {
            s = fmpq_get_str(NULL, 10, it->x + i);
            bad |= fprintf(f, ",%s", s) < 0;
            flint_free(s);
        }
        bad |= fputc('\n', f) == EOF;
    }
    cpwl_codes_iter_clear(it, C);
    return bad || ferror(f);
}
