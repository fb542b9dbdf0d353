/* Lanczos with full reorthogonalisation for the extreme eigenvalues of a
   symmetric operator given by products (docs/api/lanczos.md). */
#include "config.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl/dist.h"
#include "cpwl/lanczos.h"
#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif
#ifdef HAVE_LAPACKE
#include <lapacke.h>
#endif

/* beta_j below this fraction of the norm estimate of T: an invariant
   subspace.  After full reorthogonalisation a new vector that lies in the
   span of the stored ones keeps only rounding, a few n u ||A|| at most;
   2^-40 leaves room for n up to about 10^6 and stops well before a
   genuinely new direction would be dropped. */
#define LANCZOS_INVARIANT_TOL 0x1.0p-40

void cpwl_lanczos_result_init(cpwl_lanczos_result_t res)
{
    memset(res, 0, sizeof(*res));
}

void cpwl_lanczos_result_clear(cpwl_lanczos_result_t res)
{
    (void) res;
}

int cpwl_lanczos_mlp_op(double *y, const double *x, void *data,
                        cpwl_err_t e)
{
    const cpwl_lanczos_mlp_struct *D = data;
    if (D->M->prec != CPWL_MLP_DOUBLE)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "lanczos: the network's "
                            "context is binary32 (expected binary64)");
    return cpwl_mlp_hvp_d(y, D->w, x, D->X, D->Y, D->labels, D->b, D->kind,
                          D->M, e);
}

int cpwl_lanczos_have_lapacke(void)
{
#ifdef HAVE_LAPACKE
    return 1;
#else
    return 0;
#endif
}

#ifdef HAVE_LAPACKE

static double splitmix_unit(uint64_t *s)
{
    uint64_t z = cpwl_dist_rand(s);
    /* 53 random bits: a uniform double in [-1, 1) */
    return (double) (z >> 11) * 0x1.0p-52 - 1.0;
}

static double dot(const double *x, const double *y, slong n)
{
    double s = 0;
    slong i;
#ifdef HAVE_OPENBLAS
    if (n <= INT32_MAX)
        return cblas_ddot((int) n, x, 1, y, 1);
#endif
    for (i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

/* The 2-norm by scaling (as LAPACK's dnrm2), so that huge or tiny
   entries neither overflow nor underflow. */
static double norm2(const double *x, slong n)
{
    double scale = 0, ssq = 1;
    slong i;
    for (i = 0; i < n; i++)
        if (x[i] != 0)
        {
            double a = fabs(x[i]);
            if (scale < a)
            {
                ssq = 1 + ssq * (scale / a) * (scale / a);
                scale = a;
            }
            else
                ssq += (a / scale) * (a / scale);
        }
    return scale * sqrt(ssq);
}

/* h = Q w, Q the m x n row-major block of basis vectors. */
static void gemv_n(double *h, const double *Q, const double *w, slong m,
                   slong n)
{
    slong i;
#ifdef HAVE_OPENBLAS
    if (n <= INT32_MAX)
    {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int) m, (int) n, 1.0, Q,
                    (int) n, w, 1, 0.0, h, 1);
        return;
    }
#endif
    for (i = 0; i < m; i++)
        h[i] = dot(Q + i * n, w, n);
}

/* w = beta w + alpha Q^T h. */
static void gemv_t(double *w, double alpha, const double *Q, const double *h,
                   double beta, slong m, slong n)
{
    slong i, j;
#ifdef HAVE_OPENBLAS
    if (n <= INT32_MAX)
    {
        cblas_dgemv(CblasRowMajor, CblasTrans, (int) m, (int) n, alpha, Q,
                    (int) n, h, 1, beta, w, 1);
        return;
    }
#endif
    for (j = 0; j < n; j++)
        w[j] *= beta;
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++)
            w[j] += alpha * h[i] * Q[i * n + j];
}

/* y = op(x), counted, with its error passed on and non-finite products
   refused. */
static int apply(double *y, const double *x, slong n, cpwl_lanczos_op_fn op,
                 void *data, slong *products, cpwl_err_t e)
{
    slong i;
    int st = op(y, x, data, e);
    (*products)++;
    if (st != CPWL_OK)
    {
        if (st != CPWL_ERR_INPUT && st != CPWL_ERR_INTERNAL)
            st = CPWL_ERR_INTERNAL;
        if (e->status == CPWL_OK)
            cpwl_err_set(e, st, "lanczos: the operator failed (product %ld) "
                         "without a message", (long) *products);
        return st;
    }
    for (i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "lanczos: product %ld of the operator has a "
                                "non-finite entry %g at index %ld (expected "
                                "finite numbers)", (long) *products, y[i],
                                (long) i);
    return CPWL_OK;
}

/* y = Q^T s (the Ritz vector, normalised), then res = ||A y - theta y||
   with one product; Ay is work space of n entries. */
static int ritz(double *y, double *res, double *Ay, const double *Q,
                const double *s, double theta, slong m, slong n,
                cpwl_lanczos_op_fn op, void *data, slong *products,
                cpwl_err_t e)
{
    double ny;
    slong i;
    int st;
    memset(y, 0, (size_t) n * sizeof(double));
    gemv_t(y, 1.0, Q, s, 0.0, m, n);
    ny = norm2(y, n);
    /* s is a unit vector and the q_j orthonormal to working accuracy, so
       ny is near 1; normalising makes the vector handed back a unit
       vector whatever rounding did. */
    if (ny > 0)
        for (i = 0; i < n; i++)
            y[i] /= ny;
    st = apply(Ay, y, n, op, data, products, e);
    if (st != CPWL_OK)
        return st;
    for (i = 0; i < n; i++)
        Ay[i] -= theta * y[i];
    *res = ny > 0 ? norm2(Ay, n) / norm2(y, n) : 0.0;
    return CPWL_OK;
}

static int lanczos(cpwl_lanczos_result_t res, double *vec_min,
                   double *vec_max, slong n, cpwl_lanczos_op_fn op,
                   void *data, slong k, uint64_t seed, cpwl_err_t e)
{
    double *Q, *w, *h, *alpha, *beta, *d, *off, *z, *y;
    double tnorm = 0, nq;
    int c;
    uint64_t rs = seed;
    slong j, i, m = 0;
    int st = CPWL_OK;
    lapack_int info;

    Q = malloc((size_t) k * (size_t) n * sizeof(double));
    w = malloc((size_t) n * sizeof(double));
    y = malloc((size_t) n * sizeof(double));
    h = malloc((size_t) k * sizeof(double));
    alpha = malloc((size_t) k * sizeof(double));
    beta = malloc((size_t) k * sizeof(double));
    d = malloc((size_t) k * sizeof(double));
    off = malloc((size_t) k * sizeof(double));
    z = malloc((size_t) k * (size_t) k * sizeof(double));
    if (Q == NULL || w == NULL || y == NULL || h == NULL || alpha == NULL
        || beta == NULL || d == NULL || off == NULL || z == NULL)
    {
        st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "lanczos: out of memory for "
                          "%ld basis vectors of %ld entries", (long) k,
                          (long) n);
        goto done;
    }

    /* the seeded start vector */
    for (i = 0; i < n; i++)
        Q[i] = splitmix_unit(&rs);
    nq = norm2(Q, n);
    if (nq == 0)
    {
        Q[0] = 1;
        nq = 1;
    }
    for (i = 0; i < n; i++)
        Q[i] /= nq;

    for (j = 0; j < k; j++)
    {
        double *q = Q + j * n;
        st = apply(w, q, n, op, data, &res->products, e);
        if (st != CPWL_OK)
            goto done;
        m = j + 1;
        /* the three-term recurrence, then two passes of classical
           Gram-Schmidt against all stored vectors; the corrections to
           alpha_j (q_j's coefficients) are added, the others are at the
           level of rounding and dropped (T stays tridiagonal) */
        if (j > 0)
            for (i = 0; i < n; i++)
                w[i] -= beta[j - 1] * Q[(j - 1) * n + i];
        alpha[j] = dot(q, w, n);
        for (i = 0; i < n; i++)
            w[i] -= alpha[j] * q[i];
        for (c = 0; c < 2; c++)
        {
            gemv_n(h, Q, w, m, n);
            gemv_t(w, -1.0, Q, h, 1.0, m, n);
            alpha[j] += h[j];
        }
        beta[j] = norm2(w, n);
        tnorm = FLINT_MAX(tnorm, fabs(alpha[j]) + beta[j]
                          + (j > 0 ? beta[j - 1] : 0.0));
        if (beta[j] <= LANCZOS_INVARIANT_TOL * tnorm)
        {
            res->invariant = 1;
            break;
        }
        if (j + 1 < k)
            for (i = 0; i < n; i++)
                Q[(j + 1) * n + i] = w[i] / beta[j];
    }
    res->steps = m;

    /* eigen-decomposition of T_m: ascending eigenvalues in d, the
       eigenvectors in the columns of z (column-major, m x m) */
    memcpy(d, alpha, (size_t) m * sizeof(double));
    if (m > 1)
        memcpy(off, beta, (size_t) (m - 1) * sizeof(double));
    info = LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', (lapack_int) m, d, off, z,
                         (lapack_int) m);
    if (info != 0)
    {
        st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "lanczos: dstev failed "
                          "(info %d) on a tridiagonal matrix of order %ld",
                          (int) info, (long) m);
        goto done;
    }
    res->theta_min = d[0];
    res->theta_max = d[m - 1];
    res->est_min = fabs(beta[m - 1] * z[m - 1]);
    res->est_max = fabs(beta[m - 1] * z[(m - 1) * m + m - 1]);

    st = ritz(y, &res->res_min, w, Q, z, d[0], m, n, op, data,
              &res->products, e);
    if (st != CPWL_OK)
        goto done;
    if (vec_min != NULL)
        memcpy(vec_min, y, (size_t) n * sizeof(double));
    if (m == 1)
        res->res_max = res->res_min;    /* the same vector */
    else
    {
        st = ritz(y, &res->res_max, w, Q, z + (m - 1) * m, d[m - 1], m, n,
                  op, data, &res->products, e);
        if (st != CPWL_OK)
            goto done;
    }
    if (vec_max != NULL)
        memcpy(vec_max, y, (size_t) n * sizeof(double));

done:
    free(Q);
    free(w);
    free(y);
    free(h);
    free(alpha);
    free(beta);
    free(d);
    free(off);
    free(z);
    return st;
}

#endif

int cpwl_lanczos_extremes(cpwl_lanczos_result_t res, double *vec_min,
                          double *vec_max, slong n, cpwl_lanczos_op_fn op,
                          void *data, slong k, uint64_t seed, cpwl_err_t e)
{
    cpwl_lanczos_result_init(res);
    if (n < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "lanczos: dimension %ld "
                            "(expected at least 1)", (long) n);
    if (k < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "lanczos: %ld steps (expected "
                            "at least 1)", (long) k);
    if (op == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "lanczos: no operator");
    if (k > n)
        k = n;
    if ((uint64_t) k > SIZE_MAX / sizeof(double) / (uint64_t) n)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "lanczos: %ld basis vectors "
                            "of %ld entries do not fit in memory", (long) k,
                            (long) n);
#ifdef HAVE_LAPACKE
    return lanczos(res, vec_min, vec_max, n, op, data, k, seed, e);
#else
    (void) vec_min;
    (void) vec_max;
    (void) data;
    (void) seed;
    return cpwl_err_set(e, CPWL_ERR_INPUT, "lanczos: built without LAPACKE "
                        "(needed for the tridiagonal eigenproblem)");
#endif
}
