/* Bounds on the number of activation regions of relu networks, exactly
   (docs/bounds.md has the formulas, their sources and hand values). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpz_vec.h>
#include "cpwl/bounds.h"

/* Largest number in an architecture text: keeps every bound below about
   sum_l w_l bits (each layer's factor is at most 2^w_l). */
#define BOUNDS_MAX_WIDTH 100000
#define BOUNDS_MAX_SIZE 100000

/* s = sum_{j <= k} C(w, j), by C(w, j+1) = C(w, j) (w - j) / (j + 1). */
static void binom_partial_sum(fmpz_t s, slong w, slong k)
{
    fmpz_t c;
    slong j;
    k = FLINT_MIN(k, w);
    fmpz_init_set_ui(c, 1);
    fmpz_one(s);
    for (j = 0; j < k; j++)
    {
        fmpz_mul_ui(c, c, w - j);
        fmpz_divexact_ui(c, c, j + 1);
        fmpz_add(s, s, c);
    }
    fmpz_clear(c);
}

void cpwl_bounds_naive(fmpz_t r, slong n0, const slong *w, slong L)
{
    fmpz_t s;
    slong l;
    fmpz_init(s);
    fmpz_one(r);
    for (l = 0; l < L; l++)
    {
        binom_partial_sum(s, w[l], n0);
        fmpz_mul(r, r, s);
    }
    fmpz_clear(s);
}

/* Serra et al.'s sum by dynamic programming over the cap
   c = min(n0, w_1 - j_1, ..., w_{l-1} - j_{l-1}), the only thing the
   constraint on j_l depends on: dp[c] = sum over the (j_1..j_{l-1})
   reaching cap c of prod C(w_i, j_i).  Layer w maps c to c' =
   min(c, w - j) for j = 0..min(c, w):
     c' = c      for j <= w - c (a partial binomial sum), and
     c' = w - j  < c otherwise, i.e. j = w - c' with c' < c <= ... :
   dp'[c'] += C(w, c') * sum_{c >= max(c' + 1, w - c')} dp[c]
   (C(w, w - c') = C(w, c')), a suffix sum.  The cap never exceeds
   cmax = min(n0, max w). */
void cpwl_bounds_serra(fmpz_t r, slong n0, const slong *w, slong L)
{
    slong l, c, cmax = 0, cur, k;
    fmpz *dp, *nd, *suf, *binom, *pre;

    for (l = 0; l < L; l++)
        cmax = FLINT_MAX(cmax, w[l]);
    cmax = FLINT_MIN(cmax, n0);
    dp = _fmpz_vec_init(cmax + 1);
    nd = _fmpz_vec_init(cmax + 1);
    suf = _fmpz_vec_init(cmax + 2);
    binom = _fmpz_vec_init(cmax + 1);
    pre = _fmpz_vec_init(cmax + 2);
    fmpz_one(dp + cmax);
    /* dp vanishes above cur, the smallest width so far: the loops stop
       there, so the whole sum costs O(sum_l w_l) big operations. */
    cur = cmax;
    for (l = 0; l < L; l++)
    {
        slong wl = w[l];
        /* binom[j] = C(wl, j), j <= min(cur, wl). */
        k = FLINT_MIN(cur, wl);
        fmpz_one(binom);
        for (c = 1; c <= k; c++)
        {
            fmpz_mul_ui(binom + c, binom + c - 1, wl - c + 1);
            fmpz_divexact_ui(binom + c, binom + c, c);
        }
        fmpz_zero(suf + cur + 1);
        for (c = cur; c >= 0; c--)
            fmpz_add(suf + c, suf + c + 1, dp + c);
        _fmpz_vec_zero(nd, k + 1);
        /* j <= w - c keeps the cap (needs c <= w): binom summed up to
           min(c, w - c), from the prefix sums pre. */
        fmpz_zero(pre);
        for (c = 0; c <= k; c++)
            fmpz_add(pre + c + 1, pre + c, binom + c);
        for (c = 0; c <= k; c++)
            fmpz_addmul(nd + c, dp + c, pre + FLINT_MIN(c, wl - c) + 1);
        /* j = w - c' > w - c lowers the cap to c' < c; j <= c needs
           c >= w - c'; j >= 0 needs c' <= w. */
        for (c = 0; c <= k; c++)
        {
            slong from = FLINT_MAX(c + 1, wl - c);
            if (from <= cur && !fmpz_is_zero(suf + from))
                fmpz_addmul(nd + c, binom + c, suf + from);
        }
        _fmpz_vec_swap(dp, nd, k + 1);
        _fmpz_vec_zero(dp + k + 1, cur - k);
        cur = k;
    }
    _fmpz_vec_sum(r, dp, cur + 1);
    _fmpz_vec_clear(dp, cmax + 1);
    _fmpz_vec_clear(nd, cmax + 1);
    _fmpz_vec_clear(suf, cmax + 2);
    _fmpz_vec_clear(binom, cmax + 1);
    _fmpz_vec_clear(pre, cmax + 2);
}

int cpwl_bounds_montufar(fmpz_t r, slong n0, const slong *w, slong L)
{
    fmpz_t t;
    slong l;
    for (l = 0; l < L; l++)
        if (w[l] < n0)
            return 0;
    fmpz_one(r);
    if (L == 0)
        return 1;               /* one affine map: one region */
    fmpz_init(t);
    for (l = 0; l + 1 < L; l++)
    {
        fmpz_set_ui(t, w[l] / n0);
        fmpz_pow_ui(t, t, n0);
        fmpz_mul(r, r, t);
    }
    binom_partial_sum(t, w[L - 1], n0);
    fmpz_mul(r, r, t);
    fmpz_clear(t);
    return 1;
}

void cpwl_bounds_one_input(fmpz_t r, const slong *w, slong L)
{
    slong l;
    fmpz_one(r);
    for (l = 0; l < L; l++)
        fmpz_mul_ui(r, r, w[l] + 1);
}

int cpwl_bounds_parse_arch(slong *n0, slong **w, slong *L, slong *out,
                           const char *s, cpwl_err_t e)
{
    slong k = 0, cnt = 1, total = 0, i;
    slong *v;
    const char *p;

    *w = NULL;
    for (p = s; *p; p++)
        cnt += *p == '-';
    if (*s == '\0')
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`arch`: empty architecture "
                            "(expected widths joined by '-', e.g. 2-8-8-1)");
    v = flint_malloc(cnt * sizeof(slong));
    for (p = s; ; p++)
    {
        const char *start = p;
        char *end;
        long x;
        char q[CPWL_ERR_QUOTE_SIZE];
        while (isdigit((unsigned char) *p))
            p++;
        if (p == start || (*p != '-' && *p != '\0'))
        {
            flint_free(v);
            cpwl_err_quote(q, sizeof q, s, strlen(s));
            if (p == start && (*p == '-' || *p == '\0'))
                return cpwl_err_set(e, CPWL_ERR_INPUT, "`arch` %s: entry %ld "
                                    "is empty (expected widths joined by '-', "
                                    "e.g. 2-8-8-1)", q, (long) k + 1);
            return cpwl_err_set(e, CPWL_ERR_INPUT, "`arch` %s: entry %ld is "
                                "not a positive integer (expected widths joined "
                                "by '-', e.g. 2-8-8-1)", q, (long) k + 1);
        }
        errno = 0;
        x = strtol(start, &end, 10);
        if (errno != 0 || x < 1 || x > BOUNDS_MAX_WIDTH)
        {
            flint_free(v);
            cpwl_err_quote(q, sizeof q, s, strlen(s));
            return cpwl_err_set(e, CPWL_ERR_INPUT, "`arch` %s: entry %ld "
                                "must be from 1 to %d", q, (long) k + 1,
                                BOUNDS_MAX_WIDTH);
        }
        v[k++] = x;
        if (*p == '\0')
            break;
    }
    if (k < 2)
    {
        char q[CPWL_ERR_QUOTE_SIZE];
        flint_free(v);
        cpwl_err_quote(q, sizeof q, s, strlen(s));
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`arch` %s: expected at least an "
                            "input and an output width (e.g. 2-8-8-1)", q);
    }
    for (i = 1; i + 1 < k; i++)
        total += v[i];
    if (total > BOUNDS_MAX_SIZE)
    {
        flint_free(v);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`arch`: %ld hidden neurons, more "
                            "than the %d this command takes", (long) total,
                            BOUNDS_MAX_SIZE);
    }
    *n0 = v[0];
    *out = v[k - 1];
    *L = k - 2;
    *w = flint_malloc(FLINT_MAX(*L, 1) * sizeof(slong));
    for (i = 0; i < *L; i++)
        (*w)[i] = v[i + 1];
    flint_free(v);
    return CPWL_OK;
}
