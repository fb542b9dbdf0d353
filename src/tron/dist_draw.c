/* Continuous laws from their descriptions, and seeded draws (see
   cpwl/dist.h). */
#include <math.h>
#include <string.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "cpwl/arbcompat.h"
#include "qvec.h"
#include "cpwl/dist.h"
#include "cpwl/io.h"
#include "cpwl/num.h"

/* More coordinates than this are refused: a description is typed by a
   person, and n^2 moments must fit in memory. */
#define DIST_MAX_N 1000000

/* 2 pi rounded to a double (M_PI is not C11). */
#define DIST_2PI 6.283185307179586

/* ---- descriptions ------------------------------------------------------- */

typedef struct
{
    const char *s;              /* the whole description, for messages */
    cpwl_err_struct *e;
}
dist_desc;

static int desc_bad(const dist_desc *d, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* distribution "...": parameter P: <what> */
static int desc_bad(const dist_desc *d, const char *param, const char *fmt, ...)
{
    char q[CPWL_ERR_QUOTE_SIZE], what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    cpwl_err_quote(q, sizeof q, d->s, strlen(d->s));
    if (param != NULL)
        return cpwl_err_set(d->e, CPWL_ERR_INPUT, "distribution %s: "
                            "parameter %s: %s", q, param, what);
    return cpwl_err_set(d->e, CPWL_ERR_INPUT, "distribution %s: %s", q, what);
}

/* An exact literal v[0..len) for the parameter param. */
static int desc_num(fmpq_t x, const dist_desc *d, const char *param,
                    const char *v, size_t len)
{
    cpwl_err_t ne;
    cpwl_err_init(ne);
    if (cpwl_num_parse_fmpq(x, v, len, CPWL_NUM_EXACT, ne) != CPWL_OK)
        return desc_bad(d, param, "%s", ne->msg);
    return CPWL_OK;
}

/* The dimension n = v: an integer in [1, DIST_MAX_N]. */
static int desc_dim(slong *n, const dist_desc *d, const char *v, size_t len)
{
    fmpq_t x;
    int st;
    fmpq_init(x);
    if ((st = desc_num(x, d, "n", v, len)) == CPWL_OK)
    {
        if (!fmpz_is_one(fmpq_denref(x)) || fmpz_cmp_si(fmpq_numref(x), 1) < 0
            || fmpz_cmp_si(fmpq_numref(x), DIST_MAX_N) > 0)
            st = desc_bad(d, "n", "expected an integer from 1 to %d (the "
                          "dimension), got %.*s", DIST_MAX_N,
                          (int) FLINT_MIN(len, 40), v);
        else
            *n = fmpz_get_si(fmpq_numref(x));
    }
    fmpq_clear(x);
    return st;
}

/* The number of comma-separated entries of v[0..len). */
static slong desc_count(const char *v, size_t len)
{
    slong c = 1;
    size_t i;
    for (i = 0; i < len; i++)
        c += v[i] == ',';
    return c;
}

int cpwl_dist_parse(cpwl_dist_t D, const char *s, cpwl_err_t e)
{
    static const char *names[3] = { "gaussian", "uniform", "mixture" };
    static const cpwl_dist_kind kinds[3] = { CPWL_DIST_GAUSSIAN,
        CPWL_DIST_UNIFORM, CPWL_DIST_MIXTURE };
    dist_desc d;
    cpwl_dist_kind kind = CPWL_DIST_GAUSSIAN;
    const char *p;
    slong n = 0, J = 0, mu_alloc = 0, i;
    int have_n = 0, have_sigma = 0, have_lo = 0, have_hi = 0, st = CPWL_OK;
    fmpq_t sigma, lo, hi;
    fmpq *mu = NULL;
    char *buf = NULL;

    for (i = 0; i < 3; i++)
    {
        size_t l = strlen(names[i]);
        if (strncmp(s, names[i], l) == 0 && s[l] == ':')
            break;
    }
    if (i == 3)
        return 0;
    kind = kinds[i];
    p = s + strlen(names[i]) + 1;
    d.s = s;
    d.e = e;
    fmpq_init(sigma);
    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_one(sigma);
    fmpq_set_si(lo, -1, 1);
    fmpq_one(hi);
    /* name=value parameters separated by ';' */
    while (st == CPWL_OK)
    {
        const char *end = strchr(p, ';'), *eq, *k = p, *kz, *v, *vz;
        size_t len = end != NULL ? (size_t) (end - p) : strlen(p);
        char key[16];
        int dup = 0;
        eq = memchr(p, '=', len);
        vz = p + len;
        while (k < vz && (*k == ' ' || *k == '\t'))
            k++;
        if (eq == NULL)
        {
            if (k == vz && end == NULL && p == s + strlen(names[i]) + 1)
                break;          /* "gaussian:" alone: missing n below */
            char q[CPWL_ERR_QUOTE_SIZE];
            cpwl_err_quote(q, sizeof q, p, len);
            st = desc_bad(&d, NULL, "expected name=value parameters "
                          "separated by ';', got %s", q);
            break;
        }
        kz = eq;
        while (kz > k && (kz[-1] == ' ' || kz[-1] == '\t'))
            kz--;
        v = eq + 1;
        while (v < vz && (*v == ' ' || *v == '\t'))
            v++;
        while (vz > v && (vz[-1] == ' ' || vz[-1] == '\t'))
            vz--;
        snprintf(key, sizeof key, "%.*s", (int) FLINT_MIN(kz - k, (slong) 15), k);
        if (kz - k == 1 && *k == 'n' && kind != CPWL_DIST_MIXTURE)
        {
            dup = have_n;
            have_n = 1;
            if (!dup)
                st = desc_dim(&n, &d, v, vz - v);
        }
        else if (kz - k == 5 && !strncmp(k, "sigma", 5)
                 && kind != CPWL_DIST_UNIFORM)
        {
            dup = have_sigma;
            have_sigma = 1;
            if (!dup && (st = desc_num(sigma, &d, "sigma", v, vz - v)) == CPWL_OK
                && fmpq_sgn(sigma) <= 0)
                st = desc_bad(&d, "sigma", "expected a standard deviation "
                              "> 0, got %.*s", (int) FLINT_MIN(vz - v, 40), v);
        }
        else if (kz - k == 2 && (!strncmp(k, "lo", 2) || !strncmp(k, "hi", 2))
                 && kind == CPWL_DIST_UNIFORM)
        {
            int *have = k[0] == 'l' ? &have_lo : &have_hi;
            dup = *have;
            *have = 1;
            if (!dup)
                st = desc_num(k[0] == 'l' ? lo : hi, &d, key, v, vz - v);
        }
        else if (kz - k == 2 && !strncmp(k, "mu", 2) && kind == CPWL_DIST_MIXTURE)
        {
            slong c = desc_count(v, vz - v);
            char what[48];
            if (J == 0)
            {
                if (c > DIST_MAX_N)
                    st = desc_bad(&d, "mu", "more than %d coordinates",
                                  DIST_MAX_N);
                n = c;
            }
            else if (c != n)
                st = desc_bad(&d, "mu", "mean %ld has %ld coordinate%s, mean "
                              "1 has %ld: expected means of one length",
                              (long) J + 1, (long) c, c == 1 ? "" : "s",
                              (long) n);
            if (st == CPWL_OK)
            {
                cpwl_err_t ne;
                if (J == mu_alloc)
                {
                    slong a = FLINT_MAX(4, 2 * mu_alloc), t;
                    mu = flint_realloc(mu, a * n * sizeof(fmpq));
                    for (t = mu_alloc * n; t < a * n; t++)
                        fmpq_init(mu + t);
                    mu_alloc = a;
                }
                buf = flint_realloc(buf, vz - v + 1);
                memcpy(buf, v, vz - v);
                buf[vz - v] = '\0';
                snprintf(what, sizeof what, "mean %ld", (long) J + 1);
                cpwl_err_init(ne);
                if (cpwl_io_parse_vector(mu + J * n, n, buf, what, ne) != CPWL_OK)
                    st = desc_bad(&d, "mu", "%s", ne->msg);
                J++;
            }
        }
        else
        {
            const char *known = kind == CPWL_DIST_GAUSSIAN ? "n, sigma"
                : kind == CPWL_DIST_UNIFORM ? "n, lo, hi" : "mu, sigma";
            char q[CPWL_ERR_QUOTE_SIZE];
            cpwl_err_quote(q, sizeof q, k, kz - k);
            st = desc_bad(&d, NULL, "unknown parameter %s of %s; expected "
                          "%s", q, names[i], known);
        }
        if (st == CPWL_OK && dup)
            st = desc_bad(&d, key, "given twice");
        if (end == NULL)
            break;
        p = end + 1;
    }
    if (st == CPWL_OK && kind != CPWL_DIST_MIXTURE && !have_n)
        st = desc_bad(&d, "n", "missing (the dimension, n=N)");
    if (st == CPWL_OK && kind == CPWL_DIST_MIXTURE && J == 0)
        st = desc_bad(&d, "mu", "missing (at least one mean, mu=V with V a "
                      "comma list)");
    if (st == CPWL_OK && kind == CPWL_DIST_UNIFORM && fmpq_cmp(lo, hi) >= 0)
    {
        char *a = fmpq_get_str(NULL, 10, lo), *b = fmpq_get_str(NULL, 10, hi);
        st = desc_bad(&d, "lo", "expected lo < hi, got lo = %.40s, hi = %.40s",
                      a, b);
        flint_free(a);
        flint_free(b);
    }
    if (st == CPWL_OK)
    {
        cpwl_dist_clear(D);
        cpwl_dist_init(D);
        D->kind = kind;
        D->n = n;
        if (kind != CPWL_DIST_UNIFORM)
            fmpq_swap(D->sigma, sigma);
        if (kind == CPWL_DIST_UNIFORM)
        {
            fmpq_swap(D->lo, lo);
            fmpq_swap(D->hi, hi);
        }
        if (kind == CPWL_DIST_MIXTURE)
        {
            D->J = J;
            D->mu = _fmpq_vec_init(J * n);
            qvec_set(D->mu, mu, J * n);
        }
    }
    if (mu != NULL)
        _fmpq_vec_clear(mu, mu_alloc * n);
    flint_free(buf);
    fmpq_clear(sigma);
    fmpq_clear(lo);
    fmpq_clear(hi);
    return st == CPWL_OK ? 1 : 2;
}

/* ---- draws -------------------------------------------------------------- */

uint64_t cpwl_dist_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A uniform integer in [0, m), m >= 1, by rejection: the top bits of a
   draw, as many as m - 1 has, retried while >= m (less than 2 draws on
   average; no bias). */
static uint64_t dist_below(uint64_t m, uint64_t *state)
{
    uint64_t r;
    int b;
    if (m <= 1)
        return 0;
    /* b = the bits of m - 1 */
    for (b = 0; b < 64 && ((m - 1) >> b) != 0; b++)
        ;
    do
        r = b == 64 ? cpwl_dist_rand(state) : cpwl_dist_rand(state) >> (64 - b);
    while (r >= m);
    return r;
}

/* The same for an integer m of any size: ceil(bits / 64) draws, the last
   one cut to the remaining bits. */
static void dist_below_fmpz(fmpz_t r, const fmpz_t m, uint64_t *state)
{
    fmpz_t m1;
    slong bits, words, w;
    ulong *limbs;
    fmpz_init(m1);
    fmpz_sub_ui(m1, m, 1);
    bits = fmpz_bits(m1);
    words = (bits + 63) / 64;
    limbs = flint_malloc(words * (64 / FLINT_BITS) * sizeof(ulong));
    do
    {
        for (w = 0; w < words; w++)
        {
            uint64_t x = cpwl_dist_rand(state);
            slong top = bits - 64 * (words - 1);
            if (w == words - 1 && top < 64)
                x >>= 64 - top;
#if FLINT_BITS == 64
            limbs[w] = (ulong) x;
#else
            limbs[2 * w] = (ulong) (x & 0xffffffffu);
            limbs[2 * w + 1] = (ulong) (x >> 32);
#endif
        }
        fmpz_set_ui_array(r, limbs, words * (64 / FLINT_BITS));
    }
    while (fmpz_cmp(r, m) >= 0);
    flint_free(limbs);
    fmpz_clear(m1);
}

slong cpwl_dist_draw_index(const cpwl_dist_t D, uint64_t *state)
{
    slong a = 0, b = D->K - 1;
    if (D->K <= 0)
        return -1;
    /* the largest k with cum[k] <= r: then r < cum[k + 1], p_k > 0 */
    if (fmpz_bits(D->den) <= FLINT_MIN(FLINT_BITS, 64))
    {
        /* one draw, as dist_below_fmpz would take it */
        ulong r = dist_below(fmpz_get_ui(D->den), state);
        while (a < b)
        {
            slong m = b - (b - a) / 2;
            if (fmpz_cmp_ui(D->cum + m, r) <= 0)
                a = m;
            else
                b = m - 1;
        }
    }
    else
    {
        fmpz_t r;
        fmpz_init(r);
        dist_below_fmpz(r, D->den, state);
        while (a < b)
        {
            slong m = b - (b - a) / 2;
            if (fmpz_cmp(D->cum + m, r) <= 0)
                a = m;
            else
                b = m - 1;
        }
        fmpz_clear(r);
    }
    return a;
}

/* A double, exactly. */
static void dist_set_d(fmpq_t q, double d)
{
    arf_t a;
    arf_init(a);
    arf_set_d(a, d);
    arf_get_fmpq(q, a);
    arf_clear(a);
}

/* u in (0, 1]: (k + 1) 2^-53, k 53 random bits; never 0, so log u is
   finite (|z| <= sqrt(2 log 2^53) < 8.6). */
static double dist_unit_open0(uint64_t *state)
{
    return (double) ((cpwl_dist_rand(state) >> 11) + 1) * 0x1.0p-53;
}

/* n standard normal doubles by Box-Muller, a pair per two uniforms
   (u1 in (0, 1], u2 in [0, 1)): z = sqrt(-2 log u1) (cos, sin)(2 pi u2);
   an odd n drops the last sine. */
static void dist_normals(double *z, slong n, uint64_t *state)
{
    slong i;
    for (i = 0; i < n; i += 2)
    {
        double u1 = dist_unit_open0(state);
        double u2 = (double) (cpwl_dist_rand(state) >> 11) * 0x1.0p-53;
        double r = sqrt(-2.0 * log(u1)), t = DIST_2PI * u2;
        z[i] = r * cos(t);
        if (i + 1 < n)
            z[i + 1] = r * sin(t);
    }
}

slong cpwl_dist_draw(fmpq *x, const cpwl_dist_t D, uint64_t *state)
{
    slong n = D->n, i;
    if (D->kind == CPWL_DIST_FINITE || D->kind == CPWL_DIST_DATA)
    {
        slong k = cpwl_dist_draw_index(D, state);
        if (k >= 0)
            qvec_set(x, D->X + k * n, n);
        return k;
    }
    if (D->kind == CPWL_DIST_UNIFORM)
    {
        /* lo + (hi - lo) k / 2^53 exactly, k 53 random bits: in [lo, hi) */
        fmpq_t w, u;
        fmpq_init(w);
        fmpq_init(u);
        fmpq_sub(w, D->hi, D->lo);
        for (i = 0; i < n; i++)
        {
            fmpz_set_ui(fmpq_numref(u), cpwl_dist_rand(state) >> 11);
            fmpz_one(fmpq_denref(u));
            fmpq_div_2exp(u, u, 53);
            fmpq_mul(x + i, u, w);
            fmpq_add(x + i, x + i, D->lo);
        }
        fmpq_clear(w);
        fmpq_clear(u);
    }
    else
    {
        /* sigma z exactly (z the doubles), plus a signed mean */
        double *z = flint_malloc(n * sizeof(double));
        slong j = 0;
        int neg = 0;
        fmpq_t t;
        fmpq_init(t);
        if (D->kind == CPWL_DIST_MIXTURE)
        {
            j = (slong) dist_below((uint64_t) D->J, state);
            neg = (int) (cpwl_dist_rand(state) >> 63);
        }
        dist_normals(z, n, state);
        for (i = 0; i < n; i++)
        {
            dist_set_d(t, z[i]);
            fmpq_mul(x + i, t, D->sigma);
            if (D->kind == CPWL_DIST_MIXTURE)
            {
                if (neg)
                    fmpq_sub(x + i, x + i, D->mu + j * n + i);
                else
                    fmpq_add(x + i, x + i, D->mu + j * n + i);
            }
        }
        fmpq_clear(t);
        flint_free(z);
    }
    return -1;
}
