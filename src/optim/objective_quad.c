/* The quadratic objective f = 1/2 x^T A x - b^T x (docs/objectives.md)
   and its constants: L, a proven upper bound of the spectral radius of
   A, and f* = -1/2 b^T A^{-1} b when A is positive definite (decided
   exactly). */
#include <math.h>
#include <flint/fmpq_mat.h>
#include <flint/fmpz_mat.h>
#if __FLINT_RELEASE >= 30000
#include <flint/arb_mat.h>
#else
#include <arb_mat.h>
#endif
#include "optim/objective_impl.h"

typedef struct
{
    slong n;
    objective_consts_struct C;  /* A (n x n, row-major), b (n), 1/2 */
}
quad_struct;

static void quad_clear(void *data)
{
    quad_struct *Q = data;
    objective_consts_clear(&Q->C);
    flint_free(Q);
}

/* y_i = dot(A_i, x) (left to right); g_i = y_i - b_i;
   f = (1/2 * dot(x, y)) - dot(b, x). */
static int quad_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                     const slong *terms, slong nterms, slong t,
                     cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    quad_struct *Q = O->data;
    slong i, n = Q->n;
    cpwl_val_ptr c = objective_consts_get(&Q->C, A);
    cpwl_val_ptr b = c + n * n, half = c + n * n + n;
    cpwl_val_ptr y = cpwl_val_vec_init(n + 2, A);
    (void) terms;
    (void) nterms;
    (void) t;
    (void) e;
    for (i = 0; i < n; i++)
        cpwl_val_dot(y + i, c + i * n, x, n, A);
    if (g != NULL)
        for (i = 0; i < n; i++)
            cpwl_val_sub(g + i, y + i, b + i, A);
    if (f != NULL)
    {
        cpwl_val_dot(y + n, x, y, n, A);
        cpwl_val_mul(y + n + 1, half, y + n, A);
        cpwl_val_dot(y + n, b, x, n, A);
        cpwl_val_sub(f, y + n + 1, y + n, A);
    }
    cpwl_val_vec_clear(y, n + 2, A);
    return 0;
}

/* Whether the symmetric n x n matrix s M + mu I (s = +-1; mu may be
   NULL for 0) is positive definite, proven by a ball Cholesky
   factorisation (arb_mat_cho succeeds only when every matrix in the
   balls is positive definite); 0 means "not proven". */
static int pd_arb(const fmpq *M, slong n, int s, const fmpq_t mu, slong prec)
{
    arb_mat_t B, L;
    fmpq_t q;
    slong i, j;
    int ok;
    arb_mat_init(B, n, n);
    arb_mat_init(L, n, n);
    fmpq_init(q);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
        {
            fmpq_set(q, M + i * n + j);
            if (s < 0)
                fmpq_neg(q, q);
            if (i == j && mu != NULL)
                fmpq_add(q, q, mu);
            arb_set_fmpq(arb_mat_entry(B, i, j), q, prec);
        }
    ok = arb_mat_cho(L, B, prec);
    fmpq_clear(q);
    arb_mat_clear(B);
    arb_mat_clear(L);
    return ok;
}

/* Whether the symmetric matrix M is positive definite, decided exactly:
   the ball test first, then Sylvester's criterion on the integer matrix
   den M by fraction-free (Bareiss) elimination without pivoting, whose
   k-th pivot is the k-th leading principal minor. */
static int pd_exact(const fmpq *M, slong n)
{
    fmpz_mat_t Z;
    fmpz_t den, prev, t;
    slong i, j, k;
    int ok = 1;
    if (pd_arb(M, n, 1, NULL, 128))
        return 1;
    fmpz_mat_init(Z, n, n);
    fmpz_init(den);
    fmpz_init(prev);
    fmpz_init(t);
    fmpz_one(den);
    for (i = 0; i < n * n; i++)
        fmpz_lcm(den, den, fmpq_denref(M + i));
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
        {
            const fmpq *q = M + i * n + j;
            fmpz_divexact(t, den, fmpq_denref(q));
            fmpz_mul(fmpz_mat_entry(Z, i, j), t, fmpq_numref(q));
        }
    fmpz_one(prev);
    for (k = 0; k < n && ok; k++)
    {
        if (fmpz_sgn(fmpz_mat_entry(Z, k, k)) <= 0)
        {
            ok = 0;
            break;
        }
        for (i = k + 1; i < n; i++)
            for (j = k + 1; j < n; j++)
            {
                fmpz_mul(t, fmpz_mat_entry(Z, k, k), fmpz_mat_entry(Z, i, j));
                fmpz_submul(t, fmpz_mat_entry(Z, i, k), fmpz_mat_entry(Z, k, j));
                fmpz_divexact(fmpz_mat_entry(Z, i, j), t, prev);
            }
        fmpz_set(prev, fmpz_mat_entry(Z, k, k));
    }
    fmpz_mat_clear(Z);
    fmpz_clear(den);
    fmpz_clear(prev);
    fmpz_clear(t);
    return ok;
}

/* An estimate of the spectral radius of the symmetric n x n matrix a
   (overwritten) by cyclic Jacobi rotations in double: only a guess, which
   quad_lipschitz proves or discards; NaN or inf when the entries do not
   fit a double. */
static double jacobi_radius(double *a, slong n)
{
    slong sweep, p, q, k;
    double rho = 0.0;
    for (sweep = 0; sweep < 60; sweep++)
    {
        double off = 0.0, diag = 0.0;
        for (p = 0; p < n; p++)
        {
            diag += a[p * n + p] * a[p * n + p];
            for (q = p + 1; q < n; q++)
                off += a[p * n + q] * a[p * n + q];
        }
        if (!(off > 1e-40 * diag))
            break;
        for (p = 0; p < n; p++)
            for (q = p + 1; q < n; q++)
            {
                double apq = a[p * n + q], theta, t, c, s;
                if (apq == 0.0)
                    continue;
                theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                t = (theta >= 0.0 ? 1.0 : -1.0)
                    / (fabs(theta) + sqrt(theta * theta + 1.0));
                c = 1.0 / sqrt(t * t + 1.0);
                s = t * c;
                for (k = 0; k < n; k++)       /* A J */
                {
                    double x = a[k * n + p], y = a[k * n + q];
                    a[k * n + p] = c * x - s * y;
                    a[k * n + q] = s * x + c * y;
                }
                for (k = 0; k < n; k++)       /* J^T (A J) */
                {
                    double x = a[p * n + k], y = a[q * n + k];
                    a[p * n + k] = c * x - s * y;
                    a[q * n + k] = s * x + c * y;
                }
            }
    }
    for (p = 0; p < n; p++)
    {
        if (!isfinite(a[p * n + p]))
            return a[p * n + p];
        rho = FLINT_MAX(rho, fabs(a[p * n + p]));
    }
    return rho;
}

/* L >= max |lambda_i(A)| = the Lipschitz constant of x -> A x.  G, the
   largest absolute row sum, is one (Gershgorin).  A tighter one: mu just
   above the spectral radius that Jacobi rotations estimate in double,
   kept when mu I - A and mu I + A are proven positive definite
   (pd_arb); the smaller of the two proven bounds is taken. */
static void quad_lipschitz(fmpq_t L, const fmpq *M, slong n)
{
    fmpq_t G, row, a, mu;
    arf_t rho, tmp;
    double *Ad, r;
    slong i, j, k;
    fmpq_init(G);
    fmpq_init(row);
    fmpq_init(a);
    fmpq_init(mu);
    for (i = 0; i < n; i++)
    {
        fmpq_zero(row);
        for (j = 0; j < n; j++)
        {
            fmpq_abs(a, M + i * n + j);
            fmpq_add(row, row, a);
        }
        if (fmpq_cmp(row, G) > 0)
            fmpq_set(G, row);
    }
    fmpq_set(L, G);

    Ad = flint_malloc(sizeof(double) * n * n);
    for (i = 0; i < n * n; i++)
        Ad[i] = fmpq_get_d(M + i);
    r = jacobi_radius(Ad, n);
    flint_free(Ad);
    arf_init(rho);
    arf_init(tmp);
    if (isfinite(r))
        arf_set_d(rho, r);
    /* mu = rho + (rho + 1) 2^(8k - 30), rounded up to 32 bits. */
    for (k = 0; k < 3 && isfinite(r); k++)
    {
        arf_add_ui(tmp, rho, 1, ARF_PREC_EXACT, ARF_RND_UP);
        arf_mul_2exp_si(tmp, tmp, 8 * k - 30);
        arf_add(tmp, tmp, rho, 32, ARF_RND_UP);
        arf_get_fmpq(mu, tmp);
        if (fmpq_cmp(mu, G) >= 0)
            break;
        if (pd_arb(M, n, -1, mu, 128) && pd_arb(M, n, 1, mu, 128))
        {
            fmpq_set(L, mu);
            break;
        }
    }
    arf_clear(tmp);
    arf_clear(rho);
    fmpq_clear(G);
    fmpq_clear(row);
    fmpq_clear(a);
    fmpq_clear(mu);
}

/* fstar = -1/2 b^T A^{-1} b when A is positive definite (decided
   exactly); 0 otherwise (then inf f is -infinity or not attained by the
   formula: has_fstar = 0). */
static int quad_fstar(fmpq_t fstar, const fmpq *M, const fmpq *b, slong n)
{
    fmpq_mat_t Am, X, B;
    slong i, j;
    if (!pd_exact(M, n))
        return 0;
    fmpq_mat_init(Am, n, n);
    fmpq_mat_init(X, n, 1);
    fmpq_mat_init(B, n, 1);
    for (i = 0; i < n; i++)
    {
        for (j = 0; j < n; j++)
            fmpq_set(fmpq_mat_entry(Am, i, j), M + i * n + j);
        fmpq_set(fmpq_mat_entry(B, i, 0), b + i);
    }
    fmpq_mat_solve(X, Am, B);
    fmpq_zero(fstar);
    for (i = 0; i < n; i++)
        fmpq_addmul(fstar, b + i, fmpq_mat_entry(X, i, 0));
    fmpq_div_2exp(fstar, fstar, 1);
    fmpq_neg(fstar, fstar);
    fmpq_mat_clear(Am);
    fmpq_mat_clear(X);
    fmpq_mat_clear(B);
    return 1;
}

int objective_quad_init(cpwl_objective_t O, const obj_param *P, slong np,
                        slong dim, cpwl_err_t e)
{
    static const char *const keys[] = {"A", "b", NULL};
    const obj_param *pa, *pb;
    fmpq *M = NULL, *b = NULL;
    slong rows, cols, n, i, j, blen = 0;
    quad_struct *Q;
    int st;
    st = objective_check_keys(P, np, "quadratic", keys, "A, b", e);
    if (st != CPWL_OK)
        return st;
    if ((pa = objective_find_param(P, np, "A")) == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective quadratic: "
                            "missing parameter `A` (a symmetric matrix, rows "
                            "separated by ';', entries by ',')");
    st = objective_parse_matrix(&M, &rows, &cols, "quadratic", pa, e);
    if (st != CPWL_OK)
        return st;
    n = rows;
    st = CPWL_ERR_INPUT;
    if (rows != cols)
    {
        cpwl_err_set(e, st, "objective quadratic: A is %ld x %ld, expected "
                     "a square matrix", (long) rows, (long) cols);
        goto out;
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < i; j++)
            if (!fmpq_equal(M + i * n + j, M + j * n + i))
            {
                char *u = fmpq_get_str(NULL, 10, M + j * n + i);
                char *v = fmpq_get_str(NULL, 10, M + i * n + j);
                cpwl_err_set(e, st, "objective quadratic: A is not "
                             "symmetric: A[%ld][%ld] = %.40s but A[%ld][%ld] "
                             "= %.40s", (long) j + 1, (long) i + 1, u,
                             (long) i + 1, (long) j + 1, v);
                flint_free(u);
                flint_free(v);
                goto out;
            }
    if ((pb = objective_find_param(P, np, "b")) != NULL)
    {
        slong br, bc;
        if (objective_parse_matrix(&b, &br, &bc, "quadratic", pb, e)
            != CPWL_OK)
            goto out;
        blen = br * bc;
        if (blen != n || (br != 1 && bc != 1))
        {
            cpwl_err_set(e, st, "objective quadratic: b has %ld entr%s, "
                         "expected %ld (the size of A)", (long) blen,
                         blen == 1 ? "y" : "ies", (long) n);
            goto out;
        }
    }
    if (objective_check_dim(n, dim, "quadratic", e) != CPWL_OK)
        goto out;

    Q = flint_malloc(sizeof(quad_struct));
    Q->n = n;
    objective_consts_init(&Q->C, n * n + n + 1);
    objective_qvec_set(Q->C.q, M, n * n);
    if (b != NULL)
        objective_qvec_set(Q->C.q + n * n, b, n);
    fmpq_set_si(Q->C.q + n * n + n, 1, 2);
    O->data = Q;
    O->clear_data = quad_clear;
    O->eval = quad_eval;
    O->dim = n;
    O->has_L = 1;
    quad_lipschitz(O->L, M, n);
    O->has_fstar = quad_fstar(O->fstar, M, Q->C.q + n * n, n);
    O->x1 = _fmpq_vec_init(n);
    st = CPWL_OK;
out:
    if (M != NULL)
        _fmpq_vec_clear(M, rows * cols);
    if (b != NULL)
        _fmpq_vec_clear(b, blen);
    return st;
}
