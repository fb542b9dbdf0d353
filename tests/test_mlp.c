/* Module mlp (the fast training path) against exact rational arithmetic:
   on dyadic data where every floating-point operation is provably exact
   (the certificate of tests/mlp_exact.h) the loss, gradient, Hessian-
   vector product and forward pass in binary64 and binary32, through the
   BLAS and through the portable loops, EQUAL the exact values; the exact
   reference's Hessian-vector product is itself checked against the full
   Hessian by exact finite differences.  Off dyadic data: both product
   paths stay within Higham's gamma_n bound of the exact forward pass;
   the cross-entropy gradient against a long double implementation (a
   floating-point accuracy check, not an exact quantity). */
#include <float.h>
#include <math.h>
#include "testutil.h"
#include "mlp_exact.h"
#include "cpwl/mlp.h"

/* A dyadic number k / den with |k / den| <= max (den a power of 2). */
static void dyadic(fmpq_t q, test_rng *r, slong den, slong max)
{
    fmpq_set_si(q, test_range(r, -max * den, max * den), (ulong) den);
}

/* Random dyadic parameters, inputs, targets and direction with no hidden
   pre-activation at 0 (off the kinks) and a certificate of at most p
   bits; 1 when found. */
typedef struct
{
    const slong *n;
    slong L, b, P;
    int ae;                     /* autoencoder: no Y */
    fmpq *w, *v, *X, *Y;
    fmpq_t loss;
    fmpq *grad, *Hv;
    slong bits, loss_bits;
}
dcase;

static void dcase_init(dcase *c, const slong *n, slong L, slong b, int ae)
{
    c->n = n;
    c->L = L;
    c->b = b;
    c->ae = ae;
    c->P = mlpx_nparams(n, L);
    c->w = _fmpq_vec_init(c->P);
    c->v = _fmpq_vec_init(c->P);
    c->grad = _fmpq_vec_init(c->P);
    c->Hv = _fmpq_vec_init(c->P);
    c->X = _fmpq_vec_init(b * n[0]);
    c->Y = _fmpq_vec_init(b * n[L]);
    fmpq_init(c->loss);
}

static void dcase_clear(dcase *c)
{
    _fmpq_vec_clear(c->w, c->P);
    _fmpq_vec_clear(c->v, c->P);
    _fmpq_vec_clear(c->grad, c->P);
    _fmpq_vec_clear(c->Hv, c->P);
    _fmpq_vec_clear(c->X, c->b * c->n[0]);
    _fmpq_vec_clear(c->Y, c->b * c->n[c->L]);
    fmpq_clear(c->loss);
}

static int dcase_draw(dcase *c, test_rng *r, slong den, slong max, slong p)
{
    slong t, i, H = mlpx_hidden(c->n, c->L);
    int *s = malloc((size_t) (c->b * H + 1) * sizeof(int));
    int found = 0;
    for (t = 0; t < 200 && !found; t++)
    {
        for (i = 0; i < c->P; i++)
        {
            dyadic(c->w + i, r, den, max);
            dyadic(c->v + i, r, den, max);
        }
        for (i = 0; i < c->b * c->n[0]; i++)
            dyadic(c->X + i, r, den, max);
        for (i = 0; i < c->b * c->n[c->L]; i++)
            dyadic(c->Y + i, r, den, max);
        if (mlpx_signs(s, c->n, c->L, c->w, c->X, c->b) != 0)
            continue;
        c->bits = c->loss_bits = 0;
        mlpx_loss_grad_hvp(c->loss, c->grad, c->Hv, c->n, c->L, c->w, c->v,
                           c->X, c->ae ? NULL : c->Y, c->b, &c->bits,
                           &c->loss_bits);
        found = c->bits <= p && c->loss_bits <= 53;
    }
    free(s);
    return found;
}

static int eq_d(const fmpq_t q, double x)
{
    fmpq_t t;
    int ok;
    fmpq_init(t);
    cpwl_ieee_get_fmpq(t, x);
    ok = isfinite(x) && fmpq_equal(t, q);
    fmpq_clear(t);
    return ok;
}

/* The shapes of the dyadic tests: {widths}, L, autoencoder. */
static const slong shape_a[] = { 3, 4, 2 };
static const slong shape_b[] = { 2, 3, 3, 2 };
static const slong shape_c[] = { 3, 4, 3 };
static const slong shape_d[] = { 4, 2 };

static void run_dyadic(const slong *n, slong L, int ae, slong b,
                       cpwl_mlp_prec prec, test_rng *r, uint64_t seed)
{
    dcase c;
    cpwl_mlp_t M;
    cpwl_err_t e;
    fmpq_mat_t H;
    fmpq *Hv2;
    slong i, j, blas, P;
    int single = prec == CPWL_MLP_FLOAT;

    cpwl_err_init(e);
    dcase_init(&c, n, L, b, ae);
    P = c.P;
    /* binary64: eighths in [-2, 2]; binary32: quarters in [-1, 1] (24
       bits leave less room), both certified below */
    ck_assert_msg(dcase_draw(&c, r, single ? 4 : 8, single ? 1 : 2,
                             single ? 24 : 53),
                  "no certified dyadic case found (seed %llu)",
                  (unsigned long long) seed);

    /* the reference's R-operator against its finite-difference Hessian */
    fmpq_mat_init(H, P, P);
    Hv2 = _fmpq_vec_init(P);
    ck_assert_msg(mlpx_hessian_fd(H, n, L, c.w, c.X, ae ? NULL : c.Y, b, 20),
                  "pattern changed within the finite difference (seed %llu)",
                  (unsigned long long) seed);
    for (i = 0; i < P; i++)
        for (j = 0; j < P; j++)
            fmpq_addmul(Hv2 + i, fmpq_mat_entry(H, i, j), c.v + j);
    for (i = 0; i < P; i++)
        ck_assert_msg(fmpq_equal(Hv2 + i, c.Hv + i),
                      "exact R-operator != finite-difference Hessian at %ld "
                      "(seed %llu)", (long) i, (unsigned long long) seed);
    /* and the Hessian is symmetric */
    for (i = 0; i < P; i++)
        for (j = 0; j < i; j++)
            ck_assert(fmpq_equal(fmpq_mat_entry(H, i, j),
                                 fmpq_mat_entry(H, j, i)));

    for (blas = 0; blas <= cpwl_mlp_have_blas(); blas++)
    {
        double loss = -1;
        ck_assert_int_eq(cpwl_mlp_init(M, n, L, prec, e), CPWL_OK);
        M->blas = (int) blas;
        ck_assert_int_eq(M->nparams, P);
        if (!single)
        {
            double *w = malloc(P * sizeof(double)), *v = malloc(P * sizeof(double));
            double *g = malloc(P * sizeof(double)), *hv = malloc(P * sizeof(double));
            double *X = malloc(b * n[0] * sizeof(double));
            double *Y = malloc(b * n[L] * sizeof(double));
            double *out = malloc(b * n[L] * sizeof(double));
            fmpq **Z = mlpx_layers_init(n, L);
            for (i = 0; i < P; i++)
            {
                w[i] = fmpq_get_d(c.w + i);
                v[i] = fmpq_get_d(c.v + i);
            }
            for (i = 0; i < b * n[0]; i++)
                X[i] = fmpq_get_d(c.X + i);
            for (i = 0; i < b * n[L]; i++)
                Y[i] = fmpq_get_d(c.Y + i);
            ck_assert_int_eq(cpwl_mlp_loss_grad_d(&loss, g, w, X, ae ? NULL : Y,
                                                  NULL, b, CPWL_MLP_SQUARED, M, e),
                             CPWL_OK);
            ck_assert_int_eq(cpwl_mlp_hvp_d(hv, w, v, X, ae ? NULL : Y, NULL, b,
                                            CPWL_MLP_SQUARED, M, e), CPWL_OK);
            ck_assert_int_eq(cpwl_mlp_forward_d(out, w, X, b, M, e), CPWL_OK);
            ck_assert_msg(eq_d(c.loss, loss), "loss (blas %ld, seed %llu)",
                          (long) blas, (unsigned long long) seed);
            for (i = 0; i < P; i++)
            {
                ck_assert_msg(eq_d(c.grad + i, g[i]), "grad %ld (blas %ld, "
                              "seed %llu)", (long) i, (long) blas,
                              (unsigned long long) seed);
                ck_assert_msg(eq_d(c.Hv + i, hv[i]), "Hv %ld (blas %ld, "
                              "seed %llu)", (long) i, (long) blas,
                              (unsigned long long) seed);
            }
            for (i = 0; i < b; i++)
            {
                mlpx_forward(Z, n, L, c.w, c.X + i * n[0], NULL);
                for (j = 0; j < n[L]; j++)
                    ck_assert(eq_d(Z[L] + j, out[i * n[L] + j]));
            }
            mlpx_layers_clear(Z, n, L);
            free(w); free(v); free(g); free(hv); free(X); free(Y); free(out);
        }
        else
        {
            float *w = malloc(P * sizeof(float)), *v = malloc(P * sizeof(float));
            float *g = malloc(P * sizeof(float)), *hv = malloc(P * sizeof(float));
            float *X = malloc(b * n[0] * sizeof(float));
            float *Y = malloc(b * n[L] * sizeof(float));
            float *out = malloc(b * n[L] * sizeof(float));
            fmpq **Z = mlpx_layers_init(n, L);
            for (i = 0; i < P; i++)
            {
                w[i] = (float) fmpq_get_d(c.w + i);
                v[i] = (float) fmpq_get_d(c.v + i);
            }
            for (i = 0; i < b * n[0]; i++)
                X[i] = (float) fmpq_get_d(c.X + i);
            for (i = 0; i < b * n[L]; i++)
                Y[i] = (float) fmpq_get_d(c.Y + i);
            ck_assert_int_eq(cpwl_mlp_loss_grad_f(&loss, g, w, X, ae ? NULL : Y,
                                                  NULL, b, CPWL_MLP_SQUARED, M, e),
                             CPWL_OK);
            ck_assert_int_eq(cpwl_mlp_hvp_f(hv, w, v, X, ae ? NULL : Y, NULL, b,
                                            CPWL_MLP_SQUARED, M, e), CPWL_OK);
            ck_assert_int_eq(cpwl_mlp_forward_f(out, w, X, b, M, e), CPWL_OK);
            ck_assert_msg(eq_d(c.loss, loss), "loss (float, blas %ld, seed %llu)",
                          (long) blas, (unsigned long long) seed);
            for (i = 0; i < P; i++)
            {
                ck_assert_msg(eq_d(c.grad + i, g[i]), "grad %ld (float, blas "
                              "%ld, seed %llu)", (long) i, (long) blas,
                              (unsigned long long) seed);
                ck_assert_msg(eq_d(c.Hv + i, hv[i]), "Hv %ld (float, blas "
                              "%ld, seed %llu)", (long) i, (long) blas,
                              (unsigned long long) seed);
            }
            for (i = 0; i < b; i++)
            {
                mlpx_forward(Z, n, L, c.w, c.X + i * n[0], NULL);
                for (j = 0; j < n[L]; j++)
                    ck_assert(eq_d(Z[L] + j, out[i * n[L] + j]));
            }
            mlpx_layers_clear(Z, n, L);
            free(w); free(v); free(g); free(hv); free(X); free(Y); free(out);
        }
        cpwl_mlp_clear(M);
    }
    _fmpq_vec_clear(Hv2, P);
    fmpq_mat_clear(H);
    dcase_clear(&c);
    cpwl_err_clear(e);
}

START_TEST(dyadic_exact)
{
    uint64_t seed = test_seed(18001);
    test_rng r = { seed };
    slong it, iters = test_iters(4), bi;
    static const slong bs[] = { 1, 2, 4, 8 };
    for (it = 0; it < iters; it++)
        for (bi = 0; bi < 4; bi++)
        {
            int p;
            for (p = 0; p < 2; p++)
            {
                cpwl_mlp_prec prec = p ? CPWL_MLP_FLOAT : CPWL_MLP_DOUBLE;
                run_dyadic(shape_a, 2, 0, bs[bi], prec, &r, seed);
                run_dyadic(shape_b, 3, 0, bs[bi], prec, &r, seed);
                run_dyadic(shape_c, 2, 1, bs[bi], prec, &r, seed);
                run_dyadic(shape_d, 1, 0, bs[bi], prec, &r, seed);
            }
        }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mlp");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dyadic_exact);
    suite_add_tcase(s, tc);
    return test_run(s);
}
