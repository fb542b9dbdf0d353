/* Module lanczos: the extreme Ritz values of diag(1..n) and of the 1-D
   Laplacian tridiag(-1, 2, -1) against their closed forms; of random
   symmetric dyadic matrices against the certified eigenvalues of module
   symeig, with the residual of the returned Ritz vectors recomputed
   exactly in rationals (Bauer-Fike containment, interlacing, and the
   binary64 residual against the exact one); reproducibility of a seed;
   the operator's errors passed on and bad input refused. */
#include <math.h>
#include <string.h>
#include "testutil.h"

#define PREC 128

/* ---- operators ---------------------------------------------------------- */

typedef struct
{
    slong n;
    const double *a;            /* dense row-major n x n, or diagonal n */
}
op_mat;

static int op_dense(double *y, const double *x, void *data, cpwl_err_t e)
{
    const op_mat *M = data;
    slong i, j;
    (void) e;
    for (i = 0; i < M->n; i++)
    {
        double s = 0;
        for (j = 0; j < M->n; j++)
            s += M->a[i * M->n + j] * x[j];
        y[i] = s;
    }
    return CPWL_OK;
}

static int op_diag(double *y, const double *x, void *data, cpwl_err_t e)
{
    const op_mat *M = data;
    slong i;
    (void) e;
    for (i = 0; i < M->n; i++)
        y[i] = M->a[i] * x[i];
    return CPWL_OK;
}

/* tridiag(-1, 2, -1) of order *(slong *) data */
static int op_laplace(double *y, const double *x, void *data, cpwl_err_t e)
{
    slong n = *(const slong *) data, i;
    (void) e;
    for (i = 0; i < n; i++)
        y[i] = 2 * x[i] - (i > 0 ? x[i - 1] : 0.0)
               - (i + 1 < n ? x[i + 1] : 0.0);
    return CPWL_OK;
}

/* ---- certified comparisons ---------------------------------------------- */

/* The binary64 residual res = ||fl(A y) - theta y|| / ||y|| of a unit y
   differs from the exact one by at most about
   gamma_{n+2} (|| |A| |y| || + |theta|) + gamma_{n+2} res (Higham,
   Accuracy and Stability, 2nd ed., section 3.1: each entry of A y is an
   inner product of n terms, then one subtraction and the scaled 2-norm);
   with || |A| |y| || <= ||A||_F, slack = 4 (n + 2) u (normA + |theta| +
   res) covers it with room (normA an upper bound of ||A||_F). */
static void slack(arb_t s, slong n, double normA, double theta, double res)
{
    arb_set_d(s, normA + fabs(theta) + res);
    arb_mul_2exp_si(s, s, -51);
    arb_mul_si(s, s, n + 2, PREC);
    arb_mul_2exp_si(s, s, 1);   /* rounding of the double sum: factor 2 */
}

/* x = y + d and x = y - d for a double d (exact in arb) */
static void add_d(arb_t x, const arb_t y, double d)
{
    arb_t t;
    arb_init(t);
    arb_set_d(t, d);
    arb_add(x, y, t, PREC);
    arb_clear(t);
}

static void sub_d(arb_t x, const arb_t y, double d)
{
    add_d(x, y, -d);
}

/* Certified: |lambda - theta| <= r. */
static int within(const arb_t lambda, double theta, const arb_t r)
{
    arb_t t;
    int ok;
    arb_init(t);
    sub_d(t, lambda, theta);
    arb_abs(t, t);
    arb_sub(t, t, r, PREC);
    ok = arb_is_nonpositive(t);
    arb_clear(t);
    return ok;
}

static void assert_within(const arb_t lambda, double theta, const arb_t r,
                          const char *what)
{
    if (!within(lambda, theta, r))
    {
        char *sl = arb_get_str(lambda, 20, 0), *sr = arb_get_str(r, 10, 0);
        ck_abort_msg("%s: eigenvalue %s not within %s of theta %.17g", what,
                     sl, sr, theta);
    }
}

/* r = res + slack (the certified residual of the closed-form tests). */
static void cert_res(arb_t r, slong n, double normA, double theta, double res)
{
    slack(r, n, normA, theta, res);
    add_d(r, r, res);
}

#define REQUIRE_LAPACKE()                                                    \
    do {                                                                     \
        if (!cpwl_lanczos_have_lapacke())                                    \
            return;                                                          \
    } while (0)

/* ---- closed forms -------------------------------------------------------- */

static void run(cpwl_lanczos_result_t R, double *vmin, double *vmax, slong n,
                cpwl_lanczos_op_fn op, void *data, slong k, uint64_t seed)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_lanczos_extremes(R, vmin, vmax, n, op, data, k, seed, e)
        != CPWL_OK)
        ck_abort_msg("lanczos refused n=%ld k=%ld: %s", (long) n, (long) k,
                     e->msg);
    ck_assert_int_eq(e->status, CPWL_OK);
    cpwl_err_clear(e);
    ck_assert(R->theta_min <= R->theta_max);
    ck_assert(R->steps >= 1 && R->steps <= FLINT_MIN(n, k));
    /* one product per step, one per Ritz vector (one if they coincide) */
    ck_assert_int_eq(R->products, R->steps + (R->steps == 1 ? 1 : 2));
}

/* diag(1, ..., n): theta_min near 1, theta_max near n within the residual
   (extremes converge first, Kaniel-Paige), and with k = n an invariant
   subspace with a residual at the level of rounding. */
START_TEST(test_diag)
{
    slong sizes[][2] = {{200, 60}, {200, 80}, {50, 50}, {1, 1}, {2, 5}};
    slong t, i;
    REQUIRE_LAPACKE();
    for (t = 0; t < 5; t++)
    {
        slong n = sizes[t][0], k = sizes[t][1];
        double *d = flint_malloc(n * sizeof(double));
        op_mat M = {n, d};
        cpwl_lanczos_result_t R;
        arb_t lam, r;
        arb_init(lam);
        arb_init(r);
        for (i = 0; i < n; i++)
            d[i] = (double) (i + 1);
        run(R, NULL, NULL, n, op_diag, &M, k, 42 + t);
        arb_set_si(lam, 1);
        cert_res(r, n, n, R->theta_min, R->res_min);
        assert_within(lam, R->theta_min, r, "diag min");
        arb_set_si(lam, n);
        cert_res(r, n, n, R->theta_max, R->res_max);
        assert_within(lam, R->theta_max, r, "diag max");
        /* not only some eigenvalue: the extreme ones, the others being 1
           away */
        ck_assert(R->res_min < 0.5 && R->res_max < 0.5);
        if (k >= n)
        {
            ck_assert_int_eq(R->steps, n);
            ck_assert_int_eq(R->invariant, 1);
            ck_assert(R->res_min <= 0x1.0p-40 * n);
            ck_assert(R->res_max <= 0x1.0p-40 * n);
        }
        arb_clear(lam);
        arb_clear(r);
        flint_free(d);
    }
}
END_TEST

/* tridiag(-1, 2, -1) of order n: eigenvalues 2 - 2 cos(pi j / (n + 1)),
   j = 1..n, in Arb. */
START_TEST(test_laplace)
{
    slong sizes[][2] = {{100, 100}, {60, 200}, {300, 120}};
    slong t;
    REQUIRE_LAPACKE();
    for (t = 0; t < 3; t++)
    {
        slong n = sizes[t][0], k = sizes[t][1];
        cpwl_lanczos_result_t R;
        arb_t lam, r;
        fmpq_t x;
        arb_init(lam);
        arb_init(r);
        fmpq_init(x);
        run(R, NULL, NULL, n, op_laplace, &n, k, 7 + t);
        fmpq_set_si(x, 1, n + 1);
        arb_cos_pi_fmpq(lam, x, PREC);
        arb_mul_si(lam, lam, -2, PREC);
        arb_add_si(lam, lam, 2, PREC);
        cert_res(r, n, 4, R->theta_min, R->res_min);
        assert_within(lam, R->theta_min, r, "laplace min");
        fmpq_set_si(x, n, n + 1);
        arb_cos_pi_fmpq(lam, x, PREC);
        arb_mul_si(lam, lam, -2, PREC);
        arb_add_si(lam, lam, 2, PREC);
        cert_res(r, n, 4, R->theta_max, R->res_max);
        assert_within(lam, R->theta_max, r, "laplace max");
        if (k >= n)
        {
            /* the whole space: the residual of the extreme Ritz vectors
               and the Lanczos estimate are rounding */
            ck_assert_int_eq(R->invariant, 1);
            ck_assert(R->res_min <= 0x1.0p-40 && R->res_max <= 0x1.0p-40);
            ck_assert(R->est_min <= 0x1.0p-40 && R->est_max <= 0x1.0p-40);
        }
        arb_clear(lam);
        arb_clear(r);
        fmpq_clear(x);
    }
}
END_TEST

/* ---- random symmetric rational matrices --------------------------------- */

/* r = ||A y - theta y|| / ||y|| exactly (a ball from the exact square). */
static void exact_res(arb_t r, const fmpq_mat_t A, const double *y,
                      double theta)
{
    slong n = fmpq_mat_nrows(A), i, j;
    fmpq *q = _fmpq_vec_init(n);
    fmpq_t th, s, num, den;
    fmpq_init(th);
    fmpq_init(s);
    fmpq_init(num);
    fmpq_init(den);
    for (i = 0; i < n; i++)
        test_fmpq_of_d(q + i, y[i]);
    test_fmpq_of_d(th, theta);
    for (i = 0; i < n; i++)
    {
        fmpq_zero(s);
        for (j = 0; j < n; j++)
            fmpq_addmul(s, fmpq_mat_entry(A, i, j), q + j);
        fmpq_submul(s, th, q + i);
        fmpq_addmul(num, s, s);
        fmpq_addmul(den, q + i, q + i);
    }
    ck_assert(fmpq_sgn(den) > 0);
    fmpq_div(num, num, den);
    arb_set_fmpq(r, num, PREC);
    arb_sqrt(r, r, PREC);
    _fmpq_vec_clear(q, n);
    fmpq_clear(th);
    fmpq_clear(s);
    fmpq_clear(num);
    fmpq_clear(den);
}

/* |res - r| <= slack, certified: the binary64 residual against the exact
   one of the same vector. */
static void assert_res_close(double res, const arb_t r, slong n, double normA,
                             double theta, const char *what)
{
    arb_t t, s;
    arb_init(t);
    arb_init(s);
    sub_d(t, r, res);
    arb_abs(t, t);
    slack(s, n, normA, theta, res);
    arb_sub(t, t, s, PREC);
    if (!arb_is_nonpositive(t))
    {
        char *sr = arb_get_str(r, 20, 0);
        ck_abort_msg("%s: binary64 residual %.17g, exact %s", what, res, sr);
    }
    arb_clear(t);
    arb_clear(s);
}

START_TEST(test_random_exact)
{
    test_rng rng;
    slong iter, iters = test_iters(8);
    rng.s = test_seed(0x1a2c05ULL);
    REQUIRE_LAPACKE();
    for (iter = 0; iter < iters; iter++)
    {
        slong n = test_range(&rng, 6, 30), i, j, t, count;
        slong ks[2];
        double *a = flint_malloc(n * n * sizeof(double));
        double *vmin = flint_malloc(n * sizeof(double));
        double *vmax = flint_malloc(n * sizeof(double));
        double normA;
        fmpq_mat_t A;
        fmpq_t f2;
        cpwl_symeig_val_struct *vals = flint_malloc(n * sizeof(*vals));
        op_mat M = {n, a};
        cpwl_err_t e;
        arb_t r, lmin, lmax, tt;
        cpwl_err_init(e);
        arb_init(r);
        arb_init(lmin);
        arb_init(lmax);
        arb_init(tt);
        fmpq_init(f2);
        fmpq_mat_init(A, n, n);
        /* entries m / 4, m in [-8, 8]: dyadic, exact in binary64 */
        for (i = 0; i < n; i++)
            for (j = 0; j <= i; j++)
            {
                slong m = test_range(&rng, -8, 8);
                fmpq_set_si(fmpq_mat_entry(A, i, j), m, 4);
                fmpq_set_si(fmpq_mat_entry(A, j, i), m, 4);
                a[i * n + j] = a[j * n + i] = m / 4.0;
                fmpq_addmul(f2, fmpq_mat_entry(A, i, j),
                            fmpq_mat_entry(A, i, j));
                if (i != j)
                    fmpq_addmul(f2, fmpq_mat_entry(A, i, j),
                                fmpq_mat_entry(A, i, j));
            }
        normA = sqrt(fmpq_get_d(f2)) * (1 + 0x1.0p-40);   /* >= ||A||_F */
        for (i = 0; i < n; i++)
            cpwl_symeig_val_init(vals + i);
        if (cpwl_symeig_all(vals, &count, A, PREC, e) != CPWL_OK)
            ck_abort_msg("symeig: %s", e->msg);
        arb_set(lmin, vals[0].ball);
        arb_set(lmax, vals[count - 1].ball);
        ks[0] = test_range(&rng, 2, n - 1);
        ks[1] = n;
        for (t = 0; t < 2; t++)
        {
            cpwl_lanczos_result_t R;
            slong found;
            run(R, vmin, vmax, n, op_dense, &M, ks[t], test_next(&rng));
            for (j = 0; j < 2; j++)
            {
                double th = j ? R->theta_max : R->theta_min;
                double res = j ? R->res_max : R->res_min;
                exact_res(r, A, j ? vmax : vmin, th);
                assert_res_close(res, r, n, normA, th, "residual");
                /* Bauer-Fike: some eigenvalue within the exact residual */
                for (found = 0, i = 0; i < count && !found; i++)
                    found = within(vals[i].ball, th, r);
                if (!found)
                    ck_abort_msg("n=%ld k=%ld: no eigenvalue within the "
                                 "exact residual of theta %.17g", (long) n,
                                 (long) ks[t], th);
                /* interlacing: lambda_min - r <= theta <= lambda_max + r */
                add_d(tt, r, th);
                arb_sub(tt, tt, lmin, PREC);
                ck_assert(arb_is_nonnegative(tt));
                sub_d(tt, r, th);
                arb_add(tt, tt, lmax, PREC);
                ck_assert(arb_is_nonnegative(tt));
                /* the estimate |beta_m s_m| and the explicit residual
                   agree up to the loss of orthogonality, rounding level */
                ck_assert(fabs(res - (j ? R->est_max : R->est_min))
                          <= 0x1.0p-36 * normA);
            }
            if (ks[t] == n)
            {
                /* the whole space: the extreme eigenvalues themselves */
                exact_res(r, A, vmin, R->theta_min);
                assert_within(lmin, R->theta_min, r, "random min");
                exact_res(r, A, vmax, R->theta_max);
                assert_within(lmax, R->theta_max, r, "random max");
                ck_assert(R->res_min <= 0x1.0p-36 * normA);
                ck_assert(R->res_max <= 0x1.0p-36 * normA);
                ck_assert_int_eq(R->invariant, 1);
            }
        }
        for (i = 0; i < n; i++)
            cpwl_symeig_val_clear(vals + i);
        flint_free(vals);
        fmpq_mat_clear(A);
        fmpq_clear(f2);
        arb_clear(r);
        arb_clear(lmin);
        arb_clear(lmax);
        arb_clear(tt);
        flint_free(a);
        flint_free(vmin);
        flint_free(vmax);
        cpwl_err_clear(e);
    }
}
END_TEST

/* ---- seeds, small cases ---------------------------------------------------- */

START_TEST(test_seed_repro)
{
    slong n = 40, i;
    double d[40], v1[40], v2[40];
    op_mat M = {n, d};
    cpwl_lanczos_result_t R1, R2, R3;
    REQUIRE_LAPACKE();
    for (i = 0; i < n; i++)
        d[i] = (double) ((i * 7) % 13) - 6.5;
    run(R1, v1, NULL, n, op_diag, &M, 15, 99);
    run(R2, v2, NULL, n, op_diag, &M, 15, 99);
    ck_assert(memcmp(R1, R2, sizeof(R1)) == 0);
    ck_assert(memcmp(v1, v2, sizeof(v1)) == 0);
    run(R3, NULL, NULL, n, op_diag, &M, 15, 100);
    ck_assert(R3->theta_min != R1->theta_min || R3->res_min != R1->res_min);
}
END_TEST

/* A = c I: the first step is an invariant subspace; A = 0 likewise, with
   theta exactly 0. */
START_TEST(test_scalar)
{
    slong n = 17, i;
    double d[17];
    op_mat M = {n, d};
    cpwl_lanczos_result_t R;
    arb_t lam, r;
    REQUIRE_LAPACKE();
    arb_init(lam);
    arb_init(r);
    for (i = 0; i < n; i++)
        d[i] = 3;
    run(R, NULL, NULL, n, op_diag, &M, 10, 5);
    ck_assert_int_eq(R->steps, 1);
    ck_assert_int_eq(R->invariant, 1);
    ck_assert_int_eq(R->products, 2);
    arb_set_si(lam, 3);
    cert_res(r, n, 3 * sqrt(n) + 1, R->theta_max, R->res_max);
    assert_within(lam, R->theta_max, r, "3 I");
    for (i = 0; i < n; i++)
        d[i] = 0;
    run(R, NULL, NULL, n, op_diag, &M, 10, 5);
    ck_assert_int_eq(R->steps, 1);
    ck_assert(R->theta_min == 0 && R->theta_max == 0);
    ck_assert(R->res_min == 0 && R->est_max == 0);
    arb_clear(lam);
    arb_clear(r);
}
END_TEST

/* ---- errors --------------------------------------------------------------- */

typedef struct
{
    slong calls, fail_at;
    int status;
    double bad;                 /* 0: fail with status; else this entry */
}
op_fail_data;

static int op_fail(double *y, const double *x, void *data, cpwl_err_t e)
{
    op_fail_data *D = data;
    slong i;
    for (i = 0; i < 5; i++)
        y[i] = (double) (i + 1) * x[i];
    if (++D->calls == D->fail_at)
    {
        if (D->bad != 0)
            y[3] = D->bad;
        else if (D->status == CPWL_ERR_INPUT)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "boom at %ld",
                                (long) D->calls);
        else
            return D->status;   /* no message */
    }
    return CPWL_OK;
}

static void expect_err(slong n, cpwl_lanczos_op_fn op, void *data, slong k,
                       int status, const char *part)
{
    cpwl_lanczos_result_t R;
    cpwl_err_t e;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_lanczos_extremes(R, NULL, NULL, n, op, data, k, 1,
                                           e), status);
    ck_assert_int_eq(e->status, status);
    if (strstr(e->msg, part) == NULL)
        ck_abort_msg("message \"%s\" lacks \"%s\"", e->msg, part);
    cpwl_err_clear(e);
}

START_TEST(test_errors)
{
    op_fail_data D;
    slong at;
    expect_err(0, op_laplace, &at, 3, CPWL_ERR_INPUT, "dimension 0");
    expect_err(-4, op_laplace, &at, 3, CPWL_ERR_INPUT, "dimension -4");
    at = 5;
    expect_err(5, op_laplace, &at, 0, CPWL_ERR_INPUT, "0 steps");
    expect_err(5, NULL, NULL, 3, CPWL_ERR_INPUT, "no operator");
    if (!cpwl_lanczos_have_lapacke())
    {
        expect_err(5, op_laplace, &at, 3, CPWL_ERR_INPUT,
                   "built without LAPACKE");
        return;
    }
    /* failures at a Lanczos step and at each Ritz vector's product
       (k = 3 steps: products 1..3, then 4 and 5) */
    for (at = 1; at <= 5; at++)
    {
        D.calls = 0;
        D.fail_at = at;
        D.status = CPWL_ERR_INPUT;
        D.bad = 0;
        expect_err(5, op_fail, &D, 3, CPWL_ERR_INPUT, "boom at");
        D.calls = 0;
        D.status = 7;           /* not a cpwl status, no message */
        expect_err(5, op_fail, &D, 3, CPWL_ERR_INTERNAL, "operator failed");
        D.calls = 0;
        D.bad = NAN;
        expect_err(5, op_fail, &D, 3, CPWL_ERR_INPUT, "non-finite");
        D.calls = 0;
        D.bad = -INFINITY;
        expect_err(5, op_fail, &D, 3, CPWL_ERR_INPUT, "index 3");
    }
    /* a successful run uses exactly those 5 products */
    D.calls = 0;
    D.fail_at = 6;
    D.bad = NAN;
    {
        cpwl_lanczos_result_t R;
        run(R, NULL, NULL, 5, op_fail, &D, 3, 1);
        ck_assert_int_eq(D.calls, 5);
    }
}
END_TEST

static Suite *lanczos_suite(void)
{
    Suite *s = suite_create("lanczos");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_diag);
    tcase_add_test(tc, test_laplace);
    tcase_add_test(tc, test_random_exact);
    tcase_add_test(tc, test_seed_repro);
    tcase_add_test(tc, test_scalar);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(lanczos_suite());
}
