/* Dictionaries: generators with exact entries, the exact coherence, A x
   (cpwl/dict.h).  The matrix files are in matrix.c. */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpz_mat.h>
#include <flint/fmpq_vec.h>
#include "cpwl/dict.h"
#include "cpwl/dist.h"

/* Generators' size limits (dict.h): every side at most 2^12, and n h at
   most 2^22 entries. */
#define DICT_MAX_SIDE 4096
#define DICT_MAX_ENTRIES ((slong) 1 << 22)

/* Uniform in [0, n), n >= 1, unbiased: draws below the largest multiple
   of n are kept. */
static uint64_t dict_below(uint64_t n, uint64_t *state)
{
    uint64_t r, lim = -n % n;   /* 2^64 mod n */
    do
        r = cpwl_dist_rand(state);
    while (r < lim);
    return r % n;
}

static int dict_sign(uint64_t *state)
{
    return (cpwl_dist_rand(state) >> 63) ? -1 : 1;
}

void cpwl_dict_rand_unit(fmpq *v, slong N, slong height, uint64_t *state)
{
    slong i;
    fmpz_t s, M2, den;
    if (N < 1)
        return;
    if (N == 1)
    {
        fmpq_set_si(v, dict_sign(state), 1);
        return;
    }
    if (height < 1)
        height = 1;
    /* t_i = a_i / M: v = (2 a M, |a|^2 - M^2) / (|a|^2 + M^2) */
    fmpz_init(s);
    fmpz_init(M2);
    fmpz_init(den);
    for (i = 0; i < N - 1; i++)
    {
        slong a = (slong) dict_below((uint64_t) (2 * height + 1), state) - height;
        fmpz_set_si(fmpq_numref(v + i), 2 * a);
        fmpz_mul_si(fmpq_numref(v + i), fmpq_numref(v + i), height);
        fmpz_add_ui(s, s, (ulong) (a < 0 ? -a : a) * (ulong) (a < 0 ? -a : a));
    }
    fmpz_set_si(M2, height);
    fmpz_mul(M2, M2, M2);
    fmpz_add(den, s, M2);
    for (i = 0; i < N - 1; i++)
    {
        fmpz_set(fmpq_denref(v + i), den);
        fmpq_canonicalise(v + i);
    }
    fmpz_sub(fmpq_numref(v + N - 1), s, M2);
    fmpz_set(fmpq_denref(v + N - 1), den);
    fmpq_canonicalise(v + N - 1);
    /* the last coordinate is the pole's: a random permutation and signs
       so that no coordinate is favoured */
    for (i = N - 1; i > 0; i--)
    {
        slong j = (slong) dict_below((uint64_t) i + 1, state);
        fmpq_swap(v + i, v + j);
    }
    for (i = 0; i < N; i++)
        if (dict_sign(state) < 0)
            fmpq_neg(v + i, v + i);
    fmpz_clear(s);
    fmpz_clear(M2);
    fmpz_clear(den);
}

/* ---- generators --------------------------------------------------------- */

typedef struct
{
    slong n, h, bases, height;
    int have_n, have_h, have_bases, have_height, is_signed;
}
dict_spec;

static int dict_int(slong *out, const char *key, const char *s, size_t len,
                    slong lo, slong hi, const char *spec, cpwl_err_t e)
{
    char q[CPWL_ERR_QUOTE_SIZE];
    slong v = 0;
    size_t i;
    int ok = len > 0 && len <= 9;
    for (i = 0; ok && i < len; i++)
    {
        ok = s[i] >= '0' && s[i] <= '9';
        v = 10 * v + (s[i] - '0');
    }
    if (ok && v >= lo && v <= hi)
    {
        *out = v;
        return CPWL_OK;
    }
    cpwl_err_quote(q, sizeof q, s, len);
    return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: %s: expected an "
                        "integer from %ld to %ld, got %s", spec, key,
                        (long) lo, (long) hi, q);
}

/* The keys of spec after "kind:", ';' separated; allowed: a string of
   the kind's keys ("n h height"). */
static int dict_parse_keys(dict_spec *S, const char *kind, const char *p,
                           const char *allowed, const char *spec, cpwl_err_t e)
{
    char q[CPWL_ERR_QUOTE_SIZE];
    memset(S, 0, sizeof *S);
    while (*p != '\0')
    {
        const char *end = strchr(p, ';'), *eq;
        size_t len, klen;
        if (end == NULL)
            end = p + strlen(p);
        len = (size_t) (end - p);
        eq = memchr(p, '=', len);
        klen = eq != NULL ? (size_t) (eq - p) : len;
        /* a key given twice: refused rather than the last one winning */
        if ((klen == 1 && *p == 'n' && S->have_n)
            || (klen == 1 && *p == 'h' && S->have_h)
            || (klen == 5 && strncmp(p, "bases", 5) == 0 && S->have_bases)
            || (klen == 6 && strncmp(p, "height", 6) == 0 && S->have_height)
            || (klen == 6 && strncmp(p, "signed", 6) == 0 && S->is_signed))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: %.*s: "
                                "given twice; expected each key once (%s: "
                                "keys %s)", spec, (int) klen, p, kind,
                                allowed);
        if (klen == 6 && strncmp(p, "signed", 6) == 0 && eq == NULL
            && strstr(allowed, "signed") != NULL)
            S->is_signed = 1;
        else if (eq == NULL || klen == 0)
        {
            cpwl_err_quote(q, sizeof q, p, len);
            return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: %s: "
                                "expected key=value (%s: keys %s)", spec, q,
                                kind, allowed);
        }
        else
        {
            const char *v = eq + 1;
            size_t vlen = (size_t) (end - v);
            int st;
            if (klen == 1 && *p == 'n' && strstr(allowed, "n") != NULL)
            {
                st = dict_int(&S->n, "n", v, vlen, 1, DICT_MAX_SIDE, spec, e);
                S->have_n = 1;
            }
            else if (klen == 1 && *p == 'h' && strstr(allowed, "h ") != NULL)
            {
                st = dict_int(&S->h, "h", v, vlen, 1, DICT_MAX_SIDE, spec, e);
                S->have_h = 1;
            }
            else if (klen == 5 && strncmp(p, "bases", 5) == 0
                     && strstr(allowed, "bases") != NULL)
            {
                st = dict_int(&S->bases, "bases", v, vlen, 1, DICT_MAX_SIDE,
                              spec, e);
                S->have_bases = 1;
            }
            else if (klen == 6 && strncmp(p, "height", 6) == 0
                     && strstr(allowed, "height") != NULL)
            {
                st = dict_int(&S->height, "height", v, vlen, 1, 1 << 20, spec,
                              e);
                S->have_height = 1;
            }
            else
            {
                cpwl_err_quote(q, sizeof q, p, klen);
                return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: unknown "
                                    "key %s (%s: keys %s)", spec, q, kind,
                                    allowed);
            }
            if (st != CPWL_OK)
                return st;
        }
        p = *end == ';' ? end + 1 : end;
    }
    if (!S->have_n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: n: missing; "
                            "expected n=N (%s: keys %s)", spec, kind, allowed);
    return CPWL_OK;
}

/* j with N = 4^j, or -1. */
static slong dict_log4(slong N)
{
    slong j = 0;
    while (N > 1 && N % 4 == 0)
    {
        N /= 4;
        j++;
    }
    return N == 1 ? j : -1;
}

/* Columns c0 .. c0 + N - 1 of A: diag(sign) H_N / 2^j (sign NULL: I). */
static void dict_put_hadamard(fmpq_mat_t A, slong c0, slong N, slong j,
                              const int *sign)
{
    slong r, c;
    for (r = 0; r < N; r++)
        for (c = 0; c < N; c++)
        {
            /* Sylvester: H[r][c] = (-1)^popcount(r & c) */
            int s = (__builtin_popcountll((unsigned long long) (r & c)) & 1)
                    ? -1 : 1;
            fmpq *x = fmpq_mat_entry(A, r, c0 + c);
            if (sign != NULL)
                s *= sign[r];
            fmpz_set_si(fmpq_numref(x), s);
            fmpz_one_2exp(fmpq_denref(x), (ulong) j);
        }
}

static int dict_set_size(fmpq_mat_t A, slong n, slong h, const char *spec,
                         cpwl_err_t e)
{
    if (h > DICT_MAX_SIDE || n * h > DICT_MAX_ENTRIES)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: h: n = %ld and "
                            "h = %ld; expected h <= %d and n h <= %ld", spec,
                            (long) n, (long) h, DICT_MAX_SIDE,
                            (long) DICT_MAX_ENTRIES);
    fmpq_mat_clear(A);
    fmpq_mat_init(A, n, h);
    return CPWL_OK;
}

int cpwl_dict_gen_str(fmpq_mat_t A, const char *spec_in, uint64_t seed,
                      cpwl_err_t e)
{
    char spec[CPWL_ERR_QUOTE_SIZE];     /* for messages: one line */
    const char *in = spec_in;
    dict_spec S;
    const char *colon = strchr(in, ':');
    size_t klen = colon != NULL ? (size_t) (colon - in) : strlen(in);
    char q[CPWL_ERR_QUOTE_SIZE];
    uint64_t state = seed;
    slong i, j, b;
    int st, *sign;

    cpwl_err_quote(spec, sizeof spec, in, strlen(in));
#define KIND(s) (klen == strlen(s) && strncmp(in, s, klen) == 0 && colon != NULL)
    if (KIND("identity"))
    {
        if ((st = dict_parse_keys(&S, "identity", colon + 1, "n", spec, e))
            || (st = dict_set_size(A, S.n, S.n, spec, e)))
            return st;
        fmpq_mat_one(A);
        return CPWL_OK;
    }
    if (KIND("hadamard") || KIND("union"))
    {
        int uni = in[0] == 'u';
        if ((st = dict_parse_keys(&S, uni ? "union" : "hadamard", colon + 1,
                                  uni ? "n bases" : "n signed", spec, e)))
            return st;
        if ((j = dict_log4(S.n)) < 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: n: %ld is "
                                "not a power of 4; expected n = 1, 4, 16, 64, "
                                "256, 1024 or 4096 (sqrt(n) must be rational)",
                                spec, (long) S.n);
        if (!S.have_bases)
            S.bases = uni ? 2 : 1;
        if (S.bases > DICT_MAX_SIDE / S.n)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: bases: %ld "
                                "bases of n = %ld give h = %ld; expected h <= "
                                "%d", spec, (long) S.bases, (long) S.n,
                                (long) (S.bases * S.n), DICT_MAX_SIDE);
        if ((st = dict_set_size(A, S.n, uni ? S.bases * S.n : S.n, spec, e)))
            return st;
        sign = flint_malloc(S.n * sizeof(int));
        if (!uni)
        {
            for (i = 0; i < S.n; i++)
                sign[i] = S.is_signed ? dict_sign(&state) : 1;
            dict_put_hadamard(A, 0, S.n, j, sign);
        }
        else
        {
            for (i = 0; i < S.n; i++)
                fmpq_one(fmpq_mat_entry(A, i, i));
            for (b = 2; b <= S.bases; b++)
            {
                for (i = 0; i < S.n; i++)
                    sign[i] = b == 2 ? 1 : dict_sign(&state);
                dict_put_hadamard(A, (b - 1) * S.n, S.n, j, sign);
            }
        }
        flint_free(sign);
        return CPWL_OK;
    }
    if (KIND("sphere"))
    {
        fmpq *v;
        if ((st = dict_parse_keys(&S, "sphere", colon + 1, "n h height", spec,
                                  e)))
            return st;
        if (!S.have_h)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: h: missing; "
                                "expected h=H (sphere: keys n h height)", spec);
        if ((st = dict_set_size(A, S.n, S.h, spec, e)))
            return st;
        v = _fmpq_vec_init(S.n);
        for (j = 0; j < S.h; j++)
        {
            cpwl_dict_rand_unit(v, S.n, S.have_height ? S.height : 8, &state);
            for (i = 0; i < S.n; i++)
                fmpq_swap(fmpq_mat_entry(A, i, j), v + i);
        }
        _fmpq_vec_clear(v, S.n);
        return CPWL_OK;
    }
#undef KIND
    cpwl_err_quote(q, sizeof q, in, klen);
    return cpwl_err_set(e, CPWL_ERR_INPUT, "dictionary %s: unknown kind; "
                        "expected identity:n=N, hadamard:n=N[;signed], "
                        "union:n=N[;bases=B] or sphere:n=N;h=H[;height=M]", q);
}

/* ---- coherence ---------------------------------------------------------- */

int cpwl_dict_coherence2(fmpq_t mu2, slong *pi, slong *pj,
                         const fmpq_mat_t A)
{
    slong n = fmpq_mat_nrows(A), h = fmpq_mat_ncols(A), i, j, bi = -1, bj = -1;
    fmpz_mat_t Z, Zt, G;
    fmpz *den;
    fmpz_t num, best_num, best_den, t;
    int st = 0;

    fmpq_zero(mu2);
    if (pi != NULL)
        *pi = -1;
    if (pj != NULL)
        *pj = -1;
    for (j = 0; j < h; j++)
    {
        for (i = 0; i < n && fmpq_is_zero(fmpq_mat_entry(A, i, j)); i++)
            ;
        if (i == n)
        {
            if (pi != NULL)
                *pi = j;
            return 1;
        }
    }
    if (h < 2)
        return 0;
    /* The ratio is invariant under scaling a column: integer columns
       (denominators cleared) and their integer Gram matrix. */
    fmpz_mat_init(Z, n, h);
    fmpz_mat_init(Zt, h, n);
    fmpz_mat_init(G, h, h);
    den = _fmpz_vec_init(h);
    fmpq_mat_get_fmpz_mat_colwise(Z, den, A);
    fmpz_mat_transpose(Zt, Z);
    fmpz_mat_mul(G, Zt, Z);
    fmpz_init(num);
    fmpz_init(t);
    fmpz_init_set_ui(best_num, 0);
    fmpz_init_set_ui(best_den, 1);
    for (i = 0; i < h; i++)
        for (j = i + 1; j < h; j++)
        {
            /* G_ij^2 / (G_ii G_jj) > best_num / best_den ? */
            fmpz_mul(num, fmpz_mat_entry(G, i, j), fmpz_mat_entry(G, i, j));
            fmpz_mul(t, fmpz_mat_entry(G, i, i), fmpz_mat_entry(G, j, j));
            fmpz_mul(t, t, best_num);
            fmpz_mul(num, num, best_den);
            if (fmpz_cmp(num, t) > 0 || bi < 0)
            {
                fmpz_mul(best_num, fmpz_mat_entry(G, i, j),
                         fmpz_mat_entry(G, i, j));
                fmpz_mul(best_den, fmpz_mat_entry(G, i, i),
                         fmpz_mat_entry(G, j, j));
                bi = i;
                bj = j;
            }
        }
    fmpq_set_fmpz_frac(mu2, best_num, best_den);
    if (pi != NULL)
        *pi = bi;
    if (pj != NULL)
        *pj = bj;
    fmpz_clear(num);
    fmpz_clear(t);
    fmpz_clear(best_num);
    fmpz_clear(best_den);
    _fmpz_vec_clear(den, h);
    fmpz_mat_clear(Z);
    fmpz_mat_clear(Zt);
    fmpz_mat_clear(G);
    return st;
}

slong cpwl_dict_nonunit_column(const fmpq_mat_t A)
{
    slong i, j;
    fmpq_t s;
    fmpq_init(s);
    for (j = 0; j < fmpq_mat_ncols(A); j++)
    {
        fmpq_zero(s);
        for (i = 0; i < fmpq_mat_nrows(A); i++)
            fmpq_addmul(s, fmpq_mat_entry(A, i, j), fmpq_mat_entry(A, i, j));
        if (!fmpq_is_one(s))
            break;
    }
    fmpq_clear(s);
    return j < fmpq_mat_ncols(A) ? j : -1;
}

void cpwl_dict_coherence_arb(arb_t mu, const fmpq_t mu2, slong prec)
{
    if (fmpz_is_square(fmpq_numref(mu2)) && fmpz_is_square(fmpq_denref(mu2)))
    {
        fmpq_t r;
        fmpq_init(r);
        fmpz_sqrt(fmpq_numref(r), fmpq_numref(mu2));
        fmpz_sqrt(fmpq_denref(r), fmpq_denref(mu2));
        arb_set_fmpq(mu, r, prec);
        fmpq_clear(r);
        return;
    }
    arb_set_fmpq(mu, mu2, prec + 10);
    arb_sqrt(mu, mu, prec);
}

void cpwl_dict_apply(fmpq *y, const fmpq_mat_t A, const fmpq *x)
{
    slong i, j, n = fmpq_mat_nrows(A), h = fmpq_mat_ncols(A);
    for (i = 0; i < n; i++)
        fmpq_zero(y + i);
    for (j = 0; j < h; j++)
    {
        if (fmpq_is_zero(x + j))
            continue;
        for (i = 0; i < n; i++)
            fmpq_addmul(y + i, fmpq_mat_entry(A, i, j), x + j);
    }
}
