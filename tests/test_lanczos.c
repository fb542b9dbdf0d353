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

/* ---- the Hessian of a tiny ReLU network's loss ---------------------------- */

/* A fully connected ReLU net (widths w[0..L], parameters numbered as in
   module mlp: layer by layer, W_l row by row, then b_l) and the squared
   loss (1/b) sum_i ||f(x_i) - y_i||^2 of b points, in rationals. */
typedef struct
{
    slong L, width[4], nparams, b;
    fmpq *w, *X, *Y;            /* parameters, b x n_0, b x n_L */
    int *pat;                   /* the activation pattern at w, per point
                                   and hidden unit (1: z > 0) */
    int kink;                   /* set when recording met z = 0 */
}
tiny_net;

static slong tiny_hidden(const tiny_net *T)
{
    slong l, h = 0;
    for (l = 1; l < T->L; l++)
        h += T->width[l];
    return h;
}

/* The loss at p with the pattern frozen to T->pat (set = 1: record the
   pattern of p instead).  With the pattern frozen the loss is a polynomial
   of degree 2L in the parameters. */
static void tiny_loss(fmpq_t loss, tiny_net *T, const fmpq *p, int set)
{
    slong i, l, r, c, off, u, maxw = 0;
    fmpq *a, *z;
    fmpq_t d;
    for (l = 0; l <= T->L; l++)
        maxw = FLINT_MAX(maxw, T->width[l]);
    a = _fmpq_vec_init(maxw);
    z = _fmpq_vec_init(maxw);
    fmpq_init(d);
    fmpq_zero(loss);
    for (i = 0; i < T->b; i++)
    {
        for (c = 0; c < T->width[0]; c++)
            fmpq_set(a + c, T->X + i * T->width[0] + c);
        off = 0;
        u = i * tiny_hidden(T);
        for (l = 1; l <= T->L; l++)
        {
            slong in = T->width[l - 1], out = T->width[l];
            for (r = 0; r < out; r++)
            {
                fmpq_set(z + r, p + off + out * in + r);
                for (c = 0; c < in; c++)
                    fmpq_addmul(z + r, p + off + r * in + c, a + c);
            }
            off += out * in + out;
            for (r = 0; r < out; r++)
            {
                if (l < T->L)
                {
                    if (set)
                    {
                        T->pat[u] = fmpq_sgn(z + r) > 0;
                        T->kink |= fmpq_is_zero(z + r);
                    }
                    if (!T->pat[u])
                        fmpq_zero(z + r);
                    u++;
                }
                fmpq_set(a + r, z + r);
            }
        }
        for (r = 0; r < T->width[T->L]; r++)
        {
            fmpq_sub(d, a + r, T->Y + i * T->width[T->L] + r);
            fmpq_addmul(loss, d, d);
        }
    }
    fmpq_set_si(d, 1, (ulong) T->b);
    fmpq_mul(loss, loss, d);
    _fmpq_vec_clear(a, maxw);
    _fmpq_vec_clear(z, maxw);
    fmpq_clear(d);
}

/* v^T H v: the second derivative at t = 0 of g(t) = loss(w + t v) (pattern
   frozen), a polynomial of degree 2L <= 6, by the 7-point central
   difference (2 g(-3) - 27 g(-2) + 270 g(-1) - 490 g(0) + 270 g(1)
   - 27 g(2) + 2 g(3)) / 180, which is exact for polynomials of degree at
   most 7 (its error term is a multiple of g^(8)). */
static void tiny_quad(fmpq_t q, tiny_net *T, const fmpq *v)
{
    static const slong coef[7] = {2, -27, 270, -490, 270, -27, 2};
    fmpq *p = _fmpq_vec_init(T->nparams);
    fmpq_t g;
    slong t, j;
    fmpq_init(g);
    fmpq_zero(q);
    for (t = -3; t <= 3; t++)
    {
        for (j = 0; j < T->nparams; j++)
        {
            fmpq_set_si(p + j, t, 1);
            fmpq_mul(p + j, p + j, v + j);
            fmpq_add(p + j, p + j, T->w + j);
        }
        tiny_loss(g, T, p, 0);
        fmpq_mul_si(g, g, coef[t + 3]);
        fmpq_add(q, q, g);
    }
    fmpq_set_si(g, 1, 180);
    fmpq_mul(q, q, g);
    _fmpq_vec_clear(p, T->nparams);
    fmpq_clear(g);
}

/* The exact Hessian by polarisation: H_aa = q(e_a), H_ab = (q(e_a + e_b)
   - q(e_a) - q(e_b)) / 2. */
static void tiny_hessian(fmpq_mat_t H, tiny_net *T)
{
    slong n = T->nparams, a, c;
    fmpq *v = _fmpq_vec_init(n);
    fmpq_t q;
    fmpq_init(q);
    for (a = 0; a < n; a++)
    {
        fmpq_one(v + a);
        tiny_quad(fmpq_mat_entry(H, a, a), T, v);
        fmpq_zero(v + a);
    }
    for (a = 0; a < n; a++)
        for (c = 0; c < a; c++)
        {
            fmpq_one(v + a);
            fmpq_one(v + c);
            tiny_quad(q, T, v);
            fmpq_sub(q, q, fmpq_mat_entry(H, a, a));
            fmpq_sub(q, q, fmpq_mat_entry(H, c, c));
            fmpq_div_2exp(q, q, 1);
            fmpq_set(fmpq_mat_entry(H, a, c), q);
            fmpq_set(fmpq_mat_entry(H, c, a), q);
            fmpq_zero(v + a);
            fmpq_zero(v + c);
        }
    _fmpq_vec_clear(v, n);
    fmpq_clear(q);
}

/* A random tiny net on b dyadic points: weights m / 8, data m / 4,
   m in [-8, 8], drawn again until no pre-activation is 0 (off the kinks,
   where the Hessian is the classical one). */
static void tiny_random(tiny_net *T, test_rng *rng, const slong *width,
                        slong L, slong b)
{
    slong l, j;
    fmpq_t loss;
    int kink;
    T->kink = 0;
    T->L = L;
    T->b = b;
    T->nparams = 0;
    for (l = 0; l <= L; l++)
        T->width[l] = width[l];
    for (l = 1; l <= L; l++)
        T->nparams += width[l] * width[l - 1] + width[l];
    T->w = _fmpq_vec_init(T->nparams);
    T->X = _fmpq_vec_init(b * width[0]);
    T->Y = _fmpq_vec_init(b * width[L]);
    T->pat = flint_malloc((b * tiny_hidden(T) + 1) * sizeof(int));
    fmpq_init(loss);
    do
    {
        for (j = 0; j < T->nparams; j++)
            fmpq_set_si(T->w + j, test_range(rng, -8, 8), 8);
        for (j = 0; j < b * width[0]; j++)
            fmpq_set_si(T->X + j, test_range(rng, -8, 8), 4);
        for (j = 0; j < b * width[L]; j++)
            fmpq_set_si(T->Y + j, test_range(rng, -8, 8), 4);
        T->kink = 0;
        tiny_loss(loss, T, T->w, 1);
        kink = T->kink;
    }
    while (kink);
    fmpq_clear(loss);
}

static void tiny_clear(tiny_net *T)
{
    _fmpq_vec_clear(T->w, T->nparams);
    _fmpq_vec_clear(T->X, T->b * T->width[0]);
    _fmpq_vec_clear(T->Y, T->b * T->width[T->L]);
    flint_free(T->pat);
}

/* Lanczos on the operator op (with data) of the exact symmetric H: the
   certified checks of test_random_exact (an eigenvalue within the exact
   residual, interlacing) for k = 3 and k = n, and with k = n the extreme
   eigenvalues themselves. */
static void check_exact_op(const fmpq_mat_t H, cpwl_lanczos_op_fn op,
                           void *data, uint64_t seed, const char *what)
{
    slong n = fmpq_mat_nrows(H), count, i, j, t, found;
    slong ks[2] = {3, n};
    double *vmin = flint_malloc(n * sizeof(double));
    double *vmax = flint_malloc(n * sizeof(double));
    cpwl_symeig_val_struct *vals = flint_malloc(n * sizeof(*vals));
    cpwl_err_t e;
    arb_t r, tt;
    cpwl_err_init(e);
    arb_init(r);
    arb_init(tt);
    for (i = 0; i < n; i++)
        cpwl_symeig_val_init(vals + i);
    if (cpwl_symeig_all(vals, &count, H, PREC, e) != CPWL_OK)
        ck_abort_msg("symeig: %s", e->msg);
    for (t = 0; t < 2; t++)
    {
        cpwl_lanczos_result_t R;
        run(R, vmin, vmax, n, op, data, ks[t], seed + t);
        for (j = 0; j < 2; j++)
        {
            double th = j ? R->theta_max : R->theta_min;
            exact_res(r, H, j ? vmax : vmin, th);
            for (found = 0, i = 0; i < count && !found; i++)
                found = within(vals[i].ball, th, r);
            if (!found)
                ck_abort_msg("%s k=%ld: no eigenvalue within the exact "
                             "residual of theta %.17g", what, (long) ks[t],
                             th);
            add_d(tt, r, th);
            arb_sub(tt, tt, vals[0].ball, PREC);
            ck_assert(arb_is_nonnegative(tt));
            sub_d(tt, r, th);
            arb_add(tt, tt, vals[count - 1].ball, PREC);
            ck_assert(arb_is_nonnegative(tt));
        }
        if (ks[t] == n)
        {
            exact_res(r, H, vmin, R->theta_min);
            assert_within(vals[0].ball, R->theta_min, r, what);
            exact_res(r, H, vmax, R->theta_max);
            assert_within(vals[count - 1].ball, R->theta_max, r, what);
        }
    }
    for (i = 0; i < n; i++)
        cpwl_symeig_val_clear(vals + i);
    flint_free(vals);
    flint_free(vmin);
    flint_free(vmax);
    arb_clear(r);
    arb_clear(tt);
    cpwl_err_clear(e);
}

/* The polarised stencil against a closed form: with one layer (linear
   least squares, widths 3-2) the Hessian is (2/b) sum_i xt_i xt_i^T on
   each output's block, xt_i = (x_i, 1), the blocks of different outputs
   0. */
START_TEST(test_tiny_linear)
{
    static const slong shape[2] = {3, 2};
    test_rng rng;
    tiny_net T;
    fmpq_mat_t H;
    fmpq_t s, u, v;
    slong a, c, i;
    rng.s = test_seed(0x11ULL);
    fmpq_init(s);
    fmpq_init(u);
    fmpq_init(v);
    tiny_random(&T, &rng, shape, 1, 5);
    fmpq_mat_init(H, T.nparams, T.nparams);
    tiny_hessian(H, &T);
    for (a = 0; a < T.nparams; a++)
        for (c = 0; c < T.nparams; c++)
        {
            /* parameter a: W[o][j] at o * 3 + j, b[o] at 6 + o (j = 3) */
            slong oa = a < 6 ? a / 3 : a - 6, ja = a < 6 ? a % 3 : 3;
            slong oc = c < 6 ? c / 3 : c - 6, jc = c < 6 ? c % 3 : 3;
            fmpq_zero(s);
            if (oa == oc)
                for (i = 0; i < T.b; i++)
                {
                    if (ja < 3)
                        fmpq_set(u, T.X + i * 3 + ja);
                    else
                        fmpq_one(u);
                    if (jc < 3)
                        fmpq_set(v, T.X + i * 3 + jc);
                    else
                        fmpq_one(v);
                    fmpq_addmul(s, u, v);
                }
            fmpq_mul_2exp(s, s, 1);
            fmpq_set_si(u, 1, (ulong) T.b);
            fmpq_mul(s, s, u);
            ck_assert(fmpq_equal(s, fmpq_mat_entry(H, a, c)));
        }
    fmpq_mat_clear(H);
    tiny_clear(&T);
    fmpq_clear(s);
    fmpq_clear(u);
    fmpq_clear(v);
}
END_TEST

/* The exact Hessians of a 2-3-2 and a 2-3-3-2 net on 4 points, given to
   Lanczos as a dense binary64 matrix (each entry rounded): the
   certified checks against the exact matrix. */
START_TEST(test_tiny_hessian_dense)
{
    static const slong shapes[2][4] = {{2, 3, 2, 0}, {2, 3, 3, 2}};
    test_rng rng;
    slong s, i, j;
    REQUIRE_LAPACKE();
    rng.s = test_seed(0x4e55ULL);
    for (s = 0; s < 2 * test_iters(1); s++)
    {
        tiny_net T;
        fmpq_mat_t H;
        double *a;
        op_mat M;
        tiny_random(&T, &rng, shapes[s % 2], s % 2 ? 3 : 2, 4);
        fmpq_mat_init(H, T.nparams, T.nparams);
        tiny_hessian(H, &T);
        a = flint_malloc(T.nparams * T.nparams * sizeof(double));
        for (i = 0; i < T.nparams; i++)
            for (j = 0; j < T.nparams; j++)
                a[i * T.nparams + j] = fmpq_get_d(fmpq_mat_entry(H, i, j));
        M.n = T.nparams;
        M.a = a;
        check_exact_op(H, op_dense, &M, test_next(&rng), "dense Hessian");
        flint_free(a);
        fmpq_mat_clear(H);
        tiny_clear(&T);
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
    tcase_add_test(tc, test_tiny_linear);
    tcase_add_test(tc, test_tiny_hessian_dense);
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
