/* Distributions of the gate's input: finite supports read from CSV, data
   sets, exact symmetry and moments (see cpwl/dist.h).  The continuous
   laws' descriptions and all draws are in dist_draw.c. */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "cpwl/dist.h"
#include "cpwl/io.h"
#include "cpwl/num.h"
#include "erm/erm_impl.h"

void cpwl_dist_init(cpwl_dist_t D)
{
    memset(D, 0, sizeof(cpwl_dist_struct));
    D->kind = CPWL_DIST_FINITE;
    fmpz_init_set_ui(D->den, 1);
    fmpq_init(D->sigma);
    fmpq_init(D->lo);
    fmpq_init(D->hi);
}

void cpwl_dist_clear(cpwl_dist_t D)
{
    if (D->p != NULL)
        _fmpq_vec_clear(D->p, D->K);
    if (D->X != NULL)
        _fmpq_vec_clear(D->X, D->K * D->n);
    if (D->y != NULL)
        _fmpq_vec_clear(D->y, D->K);
    if (D->cum != NULL)
        _fmpz_vec_clear(D->cum, D->K + 1);
    if (D->mu != NULL)
        _fmpq_vec_clear(D->mu, D->J * D->n);
    fmpz_clear(D->den);
    fmpq_clear(D->sigma);
    fmpq_clear(D->lo);
    fmpq_clear(D->hi);
    memset(D, 0, sizeof(cpwl_dist_struct));
}

int cpwl_dist_is_continuous(const cpwl_dist_t D)
{
    return D->kind == CPWL_DIST_GAUSSIAN || D->kind == CPWL_DIST_UNIFORM
        || D->kind == CPWL_DIST_MIXTURE;
}

const char *cpwl_dist_kind_name(cpwl_dist_kind k)
{
    switch (k)
    {
    case CPWL_DIST_FINITE:
        return "finite";
    case CPWL_DIST_DATA:
        return "data";
    case CPWL_DIST_GAUSSIAN:
        return "gaussian";
    case CPWL_DIST_UNIFORM:
        return "uniform";
    case CPWL_DIST_MIXTURE:
        return "mixture";
    }
    return "unknown";
}

/* den = lcm of the probabilities' denominators, cum[k] = (p_0 + ... +
   p_{k-1}) den: integers, so that a draw is an exact integer comparison. */
void cpwl_dist_fill_cum(cpwl_dist_t D)
{
    slong k;
    fmpz_t t;
    fmpz_init(t);
    fmpz_one(D->den);
    for (k = 0; k < D->K; k++)
        fmpz_lcm(D->den, D->den, fmpq_denref(D->p + k));
    D->cum = _fmpz_vec_init(D->K + 1);
    for (k = 0; k < D->K; k++)
    {
        fmpz_divexact(t, D->den, fmpq_denref(D->p + k));
        fmpz_addmul(D->cum + k + 1, t, fmpq_numref(D->p + k));
        fmpz_add(D->cum + k + 1, D->cum + k + 1, D->cum + k);
    }
    fmpz_clear(t);
}

/* The sum in a message: p/q, or its double when the fraction is long. */
static void dist_sum_str(char *buf, size_t size, const fmpq_t s)
{
    if (fmpz_bits(fmpq_numref(s)) + fmpz_bits(fmpq_denref(s)) <= 400)
    {
        char *t = fmpq_get_str(NULL, 10, s);
        snprintf(buf, size, "%s", t);
        flint_free(t);
    }
    else
        snprintf(buf, size, "about %.17g (a fraction of %ld + %ld bits)",
                 cpwl_num_fmpq_get_d(s), (long) fmpz_bits(fmpq_numref(s)),
                 (long) fmpz_bits(fmpq_denref(s)));
}

int cpwl_dist_read_str(cpwl_dist_t D, const char *text, size_t len,
                       const char *name, cpwl_err_t e)
{
    cpwl_erm_data_t data;
    slong *where = NULL, k, j, n, K;
    int stopped, st;
    fmpq_t sum;
    char q[CPWL_ERR_QUOTE_SIZE];

    cpwl_dist_clear(D);
    cpwl_dist_init(D);
    cpwl_erm_data_init(data);
    /* The data reader's last column (its label) is x_n here. */
    st = erm_data_read_csv(data, &where, &stopped, text, len, name, 0,
                           "p,x_1,...,x_n", NULL, e);
    if (st != CPWL_OK)
    {
        cpwl_erm_data_clear(data);
        return st;
    }
    n = data->n;
    K = data->D;
    fmpq_init(sum);
    for (k = 0; k < K && st == CPWL_OK; k++)
    {
        const fmpq *p = data->X + k * n;        /* n >= 1: two cells */
        if (fmpq_sgn(p) < 0)
        {
            char *t = fmpq_get_str(NULL, 10, p);
            cpwl_err_quote(q, sizeof q, t, strlen(t));
            flint_free(t);
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: cell 1 (%s): "
                              "a negative probability; expected p >= 0", name,
                              (long) where[2 * k], (long) where[2 * k + 1], q);
        }
        fmpq_add(sum, sum, p);
    }
    if (st == CPWL_OK && !fmpq_is_one(sum))
    {
        char s[CPWL_ERR_QUOTE_SIZE];
        dist_sum_str(s, sizeof s, sum);
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s:%ld: the probabilities (the "
                          "first cell of each of the %ld rows) sum to %s; "
                          "expected exactly 1", name, (long) where[2 * (K - 1)],
                          (long) K, s);
    }
    fmpq_clear(sum);
    if (st == CPWL_OK)
    {
        D->kind = CPWL_DIST_FINITE;
        D->n = n;
        D->K = K;
        D->p = _fmpq_vec_init(K);
        D->X = _fmpq_vec_init(K * n);
        for (k = 0; k < K; k++)
        {
            /* cells p, x_1 .. x_n are X[k][0 .. n-1], y[k] */
            fmpq_swap(D->p + k, data->X + k * n);
            for (j = 1; j < n; j++)
                fmpq_swap(D->X + k * n + j - 1, data->X + k * n + j);
            fmpq_swap(D->X + k * n + n - 1, data->y + k);
        }
        cpwl_dist_fill_cum(D);
    }
    flint_free(where);
    cpwl_erm_data_clear(data);
    return st;
}

int cpwl_dist_read_file(cpwl_dist_t D, const char *path, cpwl_err_t e)
{
    char *buf;
    size_t len;
    int st;
    if ((st = cpwl_io_read_all(&buf, &len, path, e)) != CPWL_OK)
        return st;
    st = cpwl_dist_read_str(D, buf, len, path, e);
    flint_free(buf);              /* flint_malloc'ed by cpwl_io_read_all */
    return st;
}

void cpwl_dist_set_data(cpwl_dist_t D, const cpwl_erm_data_t data)
{
    slong k, K = data->D, n = data->n;
    cpwl_dist_clear(D);
    cpwl_dist_init(D);
    D->kind = CPWL_DIST_DATA;
    D->n = n;
    D->K = K;
    D->p = _fmpq_vec_init(K);
    D->X = _fmpq_vec_init(K * n);
    D->y = _fmpq_vec_init(K);
    qvec_set(D->X, data->X, K * n);
    qvec_set(D->y, data->y, K);
    for (k = 0; k < K; k++)
        fmpq_set_si(D->p + k, 1, K);
    cpwl_dist_fill_cum(D);
}

/* ---- symmetry ----------------------------------------------------------- */

/* A row to sort; qsort has no context argument, so each element
   carries its row and length. */
typedef struct
{
    const fmpq *x;
    slong n, k;
}
dist_row;

static int dist_row_cmp(const fmpq *a, const fmpq *b, slong n, int neg_b)
{
    slong j;
    fmpq_t t;
    int c = 0;
    if (!neg_b)
    {
        for (j = 0; j < n && c == 0; j++)
            c = fmpq_cmp(a + j, b + j);
        return c;
    }
    fmpq_init(t);
    for (j = 0; j < n && c == 0; j++)
    {
        fmpq_neg(t, b + j);
        c = fmpq_cmp(a + j, t);
    }
    fmpq_clear(t);
    return c;
}

static int dist_idx_cmp(const void *a, const void *b)
{
    const dist_row *r = a, *s = b;
    int c = dist_row_cmp(r->x, s->x, r->n, 0);
    /* equal rows by index, so that the order is total */
    return c != 0 ? c : (r->k > s->k) - (r->k < s->k);
}

int cpwl_dist_symmetric(slong *witness, const cpwl_dist_t D)
{
    slong K = D->K, n = D->n, G = 0, g, a, b, k, bad = -1;
    slong *start;
    dist_row *R;
    fmpq *gp;
    int sym = 1;

    if (witness != NULL)
        *witness = -1;
    if (D->kind == CPWL_DIST_GAUSSIAN || D->kind == CPWL_DIST_MIXTURE)
        return 1;
    if (D->kind == CPWL_DIST_UNIFORM)
    {
        fmpq_t t;
        fmpq_init(t);
        fmpq_neg(t, D->hi);
        sym = fmpq_equal(D->lo, t);
        fmpq_clear(t);
        return sym;
    }
    if (K == 0)
        return 1;
    R = flint_malloc(K * sizeof(dist_row));
    start = flint_malloc((K + 1) * sizeof(slong));
    for (k = 0; k < K; k++)
    {
        R[k].x = D->X + k * n;
        R[k].n = n;
        R[k].k = k;
    }
    qsort(R, K, sizeof(dist_row), dist_idx_cmp);
    /* groups of equal rows, with their total probability */
    gp = _fmpq_vec_init(K);
    for (k = 0; k < K; k++)
    {
        if (k == 0 || dist_row_cmp(R[k - 1].x, R[k].x, n, 0) != 0)
            start[G++] = k;
        fmpq_add(gp + G - 1, gp + G - 1, D->p + R[k].k);
    }
    start[G] = K;
    for (g = 0; g < G; g++)
    {
        const fmpq *x = R[start[g]].x;
        int found = 0;
        /* binary search for the group of -x (absent: probability 0) */
        a = 0;
        b = G;
        while (a < b)
        {
            slong m = a + (b - a) / 2;
            int c = dist_row_cmp(R[start[m]].x, x, n, 1);
            if (c == 0)
            {
                found = 1;
                a = m;
                break;
            }
            if (c < 0)
                a = m + 1;
            else
                b = m;
        }
        if (found ? fmpq_equal(gp + g, gp + a) : fmpq_is_zero(gp + g))
            continue;
        sym = 0;
        /* the first row (in the file's order) of a bad group */
        for (k = start[g]; k < start[g + 1]; k++)
            if (bad < 0 || R[k].k < bad)
                bad = R[k].k;
    }
    if (!sym && witness != NULL)
        *witness = bad;
    _fmpq_vec_clear(gp, K);
    flint_free(start);
    flint_free(R);
    return sym;
}

/* ---- moments ------------------------------------------------------------ */

/* Sigma = X^T diag(p) X and M = X^T diag(p |x|^2) X as matrix products
   (FLINT clears denominators by rows and columns: integer products). */
static void dist_moments_finite(fmpq_mat_t Sigma, fmpq_mat_t M,
                                const cpwl_dist_t D)
{
    slong K = D->K, n = D->n, k, j;
    fmpq_mat_t Xt, PX, QX;
    fmpq_t r2;
    if (K == 0)
    {
        fmpq_mat_zero(Sigma);
        fmpq_mat_zero(M);
        return;
    }
    fmpq_mat_init(Xt, n, K);
    fmpq_mat_init(PX, K, n);
    fmpq_mat_init(QX, K, n);
    fmpq_init(r2);
    for (k = 0; k < K; k++)
    {
        const fmpq *x = D->X + k * n;
        fmpq_zero(r2);
        for (j = 0; j < n; j++)
        {
            fmpq_set(fmpq_mat_entry(Xt, j, k), x + j);
            fmpq_addmul(r2, x + j, x + j);
        }
        fmpq_mul(r2, r2, D->p + k);
        for (j = 0; j < n; j++)
        {
            fmpq_mul(fmpq_mat_entry(PX, k, j), x + j, D->p + k);
            fmpq_mul(fmpq_mat_entry(QX, k, j), x + j, r2);
        }
    }
    fmpq_mat_mul(Sigma, Xt, PX);
    fmpq_mat_mul(M, Xt, QX);
    fmpq_clear(r2);
    fmpq_mat_clear(QX);
    fmpq_mat_clear(PX);
    fmpq_mat_clear(Xt);
}

/* E[u^k] for u uniform on [lo, hi]: (hi^(k+1) - lo^(k+1)) / ((k+1)(hi - lo)). */
static void dist_unif_moment(fmpq_t m, const fmpq_t lo, const fmpq_t hi, ulong k)
{
    fmpq_t a, b;
    fmpq_init(a);
    fmpq_init(b);
    fmpq_pow_si(a, hi, k + 1);
    fmpq_pow_si(b, lo, k + 1);
    fmpq_sub(m, a, b);
    fmpq_sub(a, hi, lo);
    fmpq_mul_ui(a, a, k + 1);
    fmpq_div(m, m, a);
    fmpq_clear(a);
    fmpq_clear(b);
}

void cpwl_dist_moments(fmpq_mat_t Sigma, fmpq_mat_t M, const cpwl_dist_t D)
{
    slong n = D->n, i, j, l;
    fmpq_t a, b, c, t, s2, s4;

    if (D->kind == CPWL_DIST_FINITE || D->kind == CPWL_DIST_DATA)
    {
        dist_moments_finite(Sigma, M, D);
        return;
    }
    fmpq_init(a);
    fmpq_init(b);
    fmpq_init(c);
    fmpq_init(t);
    fmpq_init(s2);
    fmpq_init(s4);
    fmpq_mat_zero(Sigma);
    fmpq_mat_zero(M);
    fmpq_mul(s2, D->sigma, D->sigma);
    fmpq_mul(s4, s2, s2);
    if (D->kind == CPWL_DIST_GAUSSIAN)
    {
        /* E z^4 = 3: M_ii = 3 s^4 + (n - 1) s^4; odd moments vanish */
        fmpq_mul_ui(a, s4, n + 2);
        for (i = 0; i < n; i++)
        {
            fmpq_set(fmpq_mat_entry(Sigma, i, i), s2);
            fmpq_set(fmpq_mat_entry(M, i, i), a);
        }
    }
    else if (D->kind == CPWL_DIST_UNIFORM)
    {
        /* independent coordinates with moments m1 .. m4:
           M_ii = m4 + (n - 1) m2^2,
           M_ij = 2 m3 m1 + (n - 2) m2 m1^2 (i != j) */
        fmpq_t m1, m2, m3, m4, off;
        fmpq_init(m1);
        fmpq_init(m2);
        fmpq_init(m3);
        fmpq_init(m4);
        fmpq_init(off);
        dist_unif_moment(m1, D->lo, D->hi, 1);
        dist_unif_moment(m2, D->lo, D->hi, 2);
        dist_unif_moment(m3, D->lo, D->hi, 3);
        dist_unif_moment(m4, D->lo, D->hi, 4);
        fmpq_mul(a, m2, m2);
        fmpq_mul_ui(a, a, n - 1);
        fmpq_add(a, a, m4);                     /* M_ii */
        fmpq_mul(b, m1, m1);                    /* Sigma_ij */
        fmpq_mul(off, m3, m1);
        fmpq_mul_ui(off, off, 2);
        if (n >= 2)
        {
            fmpq_mul(c, m2, b);
            fmpq_mul_ui(c, c, n - 2);
            fmpq_add(off, off, c);              /* M_ij */
        }
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
            {
                fmpq_set(fmpq_mat_entry(Sigma, i, j), i == j ? m2 : b);
                fmpq_set(fmpq_mat_entry(M, i, j), i == j ? a : off);
            }
        fmpq_clear(m1);
        fmpq_clear(m2);
        fmpq_clear(m3);
        fmpq_clear(m4);
        fmpq_clear(off);
    }
    else
    {
        /* x = +-mu + s z: even moments do not see the sign.  Per mean
           Sigma = s^2 I + mu mu^T and
           M = (|mu|^2 + (n + 4) s^2) mu mu^T + (|mu|^2 s^2 + (n + 2) s^4) I
           (E[(mu.z) z] = mu gives 4 s^2 mu mu^T, E|z|^2 = n,
           E[|z|^2 z z^T] = (n + 2) I); averaged over the J means. */
        for (l = 0; l < D->J; l++)
        {
            const fmpq *mu = D->mu + l * n;
            fmpq_zero(a);
            for (i = 0; i < n; i++)
                fmpq_addmul(a, mu + i, mu + i);             /* |mu|^2 */
            fmpq_mul_ui(b, s2, n + 4);
            fmpq_add(b, b, a);                              /* mu mu^T coef */
            fmpq_mul(c, a, s2);
            fmpq_mul_ui(t, s4, n + 2);
            fmpq_add(c, c, t);                              /* I coef */
            for (i = 0; i < n; i++)
                for (j = 0; j < n; j++)
                {
                    fmpq_mul(t, mu + i, mu + j);
                    fmpq_add(fmpq_mat_entry(Sigma, i, j),
                             fmpq_mat_entry(Sigma, i, j), t);
                    fmpq_mul(t, t, b);
                    fmpq_add(fmpq_mat_entry(M, i, j), fmpq_mat_entry(M, i, j), t);
                }
            for (i = 0; i < n; i++)
            {
                fmpq_add(fmpq_mat_entry(Sigma, i, i),
                         fmpq_mat_entry(Sigma, i, i), s2);
                fmpq_add(fmpq_mat_entry(M, i, i), fmpq_mat_entry(M, i, i), c);
            }
        }
        if (D->J > 0)
        {
            fmpz_t J;
            fmpz_init_set_si(J, D->J);
            fmpq_mat_scalar_div_fmpz(Sigma, Sigma, J);
            fmpq_mat_scalar_div_fmpz(M, M, J);
            fmpz_clear(J);
        }
    }
    fmpq_clear(a);
    fmpq_clear(b);
    fmpq_clear(c);
    fmpq_clear(t);
    fmpq_clear(s2);
    fmpq_clear(s4);
}
