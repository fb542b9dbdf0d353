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
            double *w = malloc(P * sizeof(double));
            double *v = malloc(P * sizeof(double));
            double *g = malloc(P * sizeof(double));
            double *hv = malloc(P * sizeof(double));
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
            ck_assert_int_eq(cpwl_mlp_loss_grad_d(&loss, g, w, X,
                                                  ae ? NULL : Y, NULL, b,
                                                  CPWL_MLP_SQUARED, M, e),
                             CPWL_OK);
            ck_assert_int_eq(cpwl_mlp_hvp_d(hv, w, v, X, ae ? NULL : Y,
                                            NULL, b, CPWL_MLP_SQUARED, M, e),
                             CPWL_OK);
            ck_assert_int_eq(cpwl_mlp_forward_d(out, w, X, b, M, e), CPWL_OK);
            ck_assert_msg(eq_d(c.loss, loss), "loss (blas %ld, seed %llu)",
                          (long) blas, (unsigned long long) seed);
            /* the loss alone (no gradient) is the same */
            loss = -1;
            ck_assert_int_eq(cpwl_mlp_loss_grad_d(&loss, NULL, w, X,
                                                  ae ? NULL : Y, NULL, b,
                                                  CPWL_MLP_SQUARED, M, e),
                             CPWL_OK);
            ck_assert(eq_d(c.loss, loss));
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
            float *w = malloc(P * sizeof(float));
            float *v = malloc(P * sizeof(float));
            float *g = malloc(P * sizeof(float));
            float *hv = malloc(P * sizeof(float));
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
            ck_assert_int_eq(cpwl_mlp_loss_grad_f(&loss, g, w, X,
                                                  ae ? NULL : Y, NULL, b,
                                                  CPWL_MLP_SQUARED, M, e),
                             CPWL_OK);
            ck_assert_int_eq(cpwl_mlp_hvp_f(hv, w, v, X, ae ? NULL : Y,
                                            NULL, b, CPWL_MLP_SQUARED, M, e),
                             CPWL_OK);
            ck_assert_int_eq(cpwl_mlp_forward_f(out, w, X, b, M, e), CPWL_OK);
            ck_assert_msg(eq_d(c.loss, loss), "loss (float, blas %ld, "
                          "seed %llu)", (long) blas,
                          (unsigned long long) seed);
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

/* The exact network of cpwl_mlp_to_net_d/_f evaluated exactly equals the
   fast forward pass on dyadic points (exact there, by the certificate),
   and the mistakes agree with the exact outputs' argmax. */
START_TEST(to_net_exact)
{
    uint64_t seed = test_seed(18002);
    test_rng r = { seed };
    slong it, i, j, k, b = 4, iters = test_iters(8);
    cpwl_err_t e;
    cpwl_err_init(e);
    for (it = 0; it < iters; it++)
    {
        const slong *n = it % 2 ? shape_b : shape_a;
        slong L = it % 2 ? 3 : 2, P;
        int single = (it / 2) % 2;
        dcase c;
        cpwl_mlp_t M;
        cpwl_net_t net;
        fmpq *y;
        int labels[4];
        slong bad = 0;
        double wd[64], Xd[64], out[64];
        float wf[64], Xf[64];
        dcase_init(&c, n, L, b, 0);
        P = c.P;
        ck_assert(P <= 64);
        ck_assert(dcase_draw(&c, &r, single ? 4 : 8, single ? 1 : 2,
                             single ? 24 : 53));
        ck_assert_int_eq(cpwl_mlp_init(M, n, L, single ? CPWL_MLP_FLOAT :
                                       CPWL_MLP_DOUBLE, e), CPWL_OK);
        for (i = 0; i < P; i++)
            wf[i] = (float) (wd[i] = fmpq_get_d(c.w + i));
        for (i = 0; i < b * n[0]; i++)
            Xf[i] = (float) (Xd[i] = fmpq_get_d(c.X + i));
        cpwl_net_init(net, 1);
        if (single)
        {
            float of[64];
            cpwl_mlp_to_net_f(net, wf, M);
            ck_assert_int_eq(cpwl_mlp_forward_f(of, wf, Xf, b, M, e), CPWL_OK);
            for (i = 0; i < b * n[L]; i++)
                out[i] = of[i];
        }
        else
        {
            cpwl_mlp_to_net_d(net, wd, M);
            ck_assert_int_eq(cpwl_mlp_forward_d(out, wd, Xd, b, M, e),
                             CPWL_OK);
        }
        ck_assert_int_eq(net->input_dim, n[0]);
        ck_assert_int_eq(cpwl_net_depth(net), L);
        ck_assert_int_eq(cpwl_net_num_params(net), P);
        y = _fmpq_vec_init(n[L]);
        for (i = 0; i < b; i++)
        {
            slong best = 0;
            cpwl_net_eval_fmpq(y, net, c.X + i * n[0]);
            for (j = 0; j < n[L]; j++)
            {
                ck_assert_msg(eq_d(y + j, out[i * n[L] + j]),
                              "to_net output %ld of point %ld (seed %llu)",
                              (long) j, (long) i, (unsigned long long) seed);
                if (fmpq_cmp(y + j, y + best) > 0)
                    best = j;
            }
            /* labels: the argmax for even points, another class for odd */
            labels[i] = (int) (i % 2 == 0 ? best : (best + 1) % n[L]);
            bad += i % 2;
        }
        k = single ? cpwl_mlp_mistakes_f(wf, Xf, labels, b, M, e)
            : cpwl_mlp_mistakes_d(wd, Xd, labels, b, M, e);
        ck_assert_int_eq(k, bad);
        _fmpq_vec_clear(y, n[L]);
        cpwl_net_clear(net);
        cpwl_mlp_clear(M);
        dcase_clear(&c);
    }
    cpwl_err_clear(e);
}
END_TEST

/* Seeded initial parameters: the same for the same seed, different for
   another, W entries in [-s, s] with s = sqrt(6 / fan_in), biases 0, and
   the float ones the double ones rounded. */
START_TEST(init_params)
{
    static const slong n[] = { 784, 16, 10 };
    cpwl_mlp_t M;
    cpwl_err_t e;
    double *a, *b2;
    float *f;
    slong l, i, k = 0, diff = 0;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_mlp_init(M, n, 2, CPWL_MLP_DOUBLE, e), CPWL_OK);
    ck_assert_int_eq(M->nparams, 784 * 16 + 16 + 16 * 10 + 10);
    a = malloc(M->nparams * sizeof(double));
    b2 = malloc(M->nparams * sizeof(double));
    f = malloc(M->nparams * sizeof(float));
    cpwl_mlp_init_params_d(a, M, 7);
    cpwl_mlp_init_params_d(b2, M, 7);
    cpwl_mlp_init_params_f(f, M, 7);
    ck_assert(memcmp(a, b2, M->nparams * sizeof(double)) == 0);
    for (l = 1; l <= 2; l++)
    {
        double s = sqrt(6.0 / (double) n[l - 1]), lo = 0, hi = 0;
        for (i = 0; i < n[l] * n[l - 1]; i++, k++)
        {
            ck_assert(a[k] >= -s && a[k] <= s);
            ck_assert(f[k] == (float) a[k]);
            lo = a[k] < lo ? a[k] : lo;
            hi = a[k] > hi ? a[k] : hi;
        }
        /* the range is used: thousands of draws reach 80% of it */
        ck_assert(lo < -0.8 * s && hi > 0.8 * s);
        for (i = 0; i < n[l]; i++, k++)
            ck_assert(a[k] == 0 && f[k] == 0);
    }
    cpwl_mlp_init_params_d(b2, M, 8);
    for (i = 0; i < M->nparams; i++)
        diff += a[i] != b2[i];
    ck_assert(diff > M->nparams / 2);
    free(a);
    free(b2);
    free(f);
    cpwl_mlp_clear(M);
    cpwl_err_clear(e);
}
END_TEST

/* Off dyadic data: by Higham's bound for inner products (Accuracy and
   Stability of Numerical Algorithms, 2nd ed., eq. (3.5)), a computed
   pre-activation fl(sum_k w_k a_k + b), in any order, grouping or with
   FMAs, is within gamma_{m+1} (sum |w_k| |a_k| + |b|) of the exact sum of
   the computed inputs; relu is 1-Lipschitz, so with E_{l-1} bounding the
   inputs' errors, |z^_l - z_l| <= |W_l| E_{l-1} + gamma_{m+1} (|W_l|
   (|a_{l-1}| + E_{l-1}) + |b_l|), all in exact arithmetic here.  Both the
   BLAS and the portable loops must land within that bound of the exact
   outputs (computed from the same binary64 weights and inputs). */
START_TEST(random_within_gamma)
{
    uint64_t seed = test_seed(18003);
    test_rng r = { seed };
    static const slong n[] = { 12, 9, 7, 5 };
    const slong L = 3, b = 6;
    slong it, iters = test_iters(6), i, j, k, l, blas;
    cpwl_err_t e;
    cpwl_mlp_t M;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_mlp_init(M, n, L, CPWL_MLP_DOUBLE, e), CPWL_OK);
    for (it = 0; it < iters; it++)
    {
        slong P = M->nparams;
        double *w = malloc(P * sizeof(double)), X[72], out[30];
        fmpq *wq = _fmpq_vec_init(P), *xq = _fmpq_vec_init(n[0]);
        fmpq **E = mlpx_layers_init(n, L), **Z = mlpx_layers_init(n, L);
        fmpq_t g, t, u;
        fmpq_init(g);
        fmpq_init(t);
        fmpq_init(u);
        for (i = 0; i < P; i++)
        {
            w[i] = test_unif(&r, -1, 1);
            cpwl_ieee_get_fmpq(wq + i, w[i]);
        }
        for (i = 0; i < b * n[0]; i++)
            X[i] = test_unif(&r, -2, 2);
        for (blas = 0; blas <= cpwl_mlp_have_blas(); blas++)
        {
            M->blas = (int) blas;
            ck_assert_int_eq(cpwl_mlp_forward_d(out, w, X, b, M, e), CPWL_OK);
            for (i = 0; i < b; i++)
            {
                for (k = 0; k < n[0]; k++)
                    cpwl_ieee_get_fmpq(xq + k, X[i * n[0] + k]);
                mlpx_forward(Z, n, L, wq, xq, NULL);
                /* E[l]: the error bound of layer l's pre-activations */
                for (l = 1; l <= L; l++)
                {
                    const fmpq *W = wq + mlpx_off(n, l);
                    test_gamma(g, n[l - 1] + 1);
                    for (j = 0; j < n[l]; j++)
                    {
                        fmpq_t s1, s2;
                        fmpq_init(s1);
                        fmpq_init(s2);
                        fmpq_abs(s2, W + n[l] * n[l - 1] + j);
                        for (k = 0; k < n[l - 1]; k++)
                        {
                            fmpq_abs(t, W + j * n[l - 1] + k);
                            if (l == 1)
                                fmpq_abs(u, xq + k);
                            else
                            {
                                fmpq_addmul(s1, t, E[l - 1] + k);
                                mlpx_relu(u, Z[l - 1] + k);
                                fmpq_add(u, u, E[l - 1] + k);
                            }
                            fmpq_addmul(s2, t, u);
                        }
                        fmpq_addmul(s1, g, s2);
                        fmpq_set(E[l] + j, s1);
                        fmpq_clear(s1);
                        fmpq_clear(s2);
                    }
                }
                for (j = 0; j < n[L]; j++)
                {
                    cpwl_ieee_get_fmpq(t, out[i * n[L] + j]);
                    fmpq_sub(t, t, Z[L] + j);
                    fmpq_abs(t, t);
                    ck_assert_msg(fmpq_cmp(t, E[L] + j) <= 0,
                                  "output %ld of point %ld beyond the gamma "
                                  "bound (blas %ld, seed %llu)", (long) j,
                                  (long) i, (long) blas,
                                  (unsigned long long) seed);
                }
            }
        }
        fmpq_clear(g);
        fmpq_clear(t);
        fmpq_clear(u);
        mlpx_layers_clear(E, n, L);
        mlpx_layers_clear(Z, n, L);
        _fmpq_vec_clear(wq, P);
        _fmpq_vec_clear(xq, n[0]);
        free(w);
    }
    cpwl_mlp_clear(M);
    cpwl_err_clear(e);
}
END_TEST

/* A second, independent implementation of the cross-entropy loss and its
   gradient in long double, one point at a time, for floating-point
   accuracy checks (exp and log make the values irrational: nothing here
   is exact).  pat (hidden neurons x b) is the activation pattern: set
   from the point when fix is 0, used as given (frozen) when fix is 1. */
static void ld_xent(long double *loss, long double *grad, const long double *w,
                    const double *X, const int *labels, slong b,
                    const slong *n, slong L, char *pat, int fix)
{
    slong P = mlpx_nparams(n, L), i, l, j, k, h = 0;
    long double a[8][16], d[8][16];
    for (k = 0; k < P; k++)
        grad[k] = 0;
    *loss = 0;
    for (i = 0; i < b; i++)
    {
        for (k = 0; k < n[0]; k++)
            a[0][k] = X[i * n[0] + k];
        for (l = 1; l <= L; l++)
        {
            const long double *W = w + mlpx_off(n, l);
            for (j = 0; j < n[l]; j++)
            {
                long double z = W[n[l] * n[l - 1] + j];
                for (k = 0; k < n[l - 1]; k++)
                    z += W[j * n[l - 1] + k] * a[l - 1][k];
                if (l < L)
                {
                    if (!fix)
                        pat[h] = z > 0;
                    z = pat[h++] ? z : 0;
                }
                a[l][j] = z;
            }
        }
        if (n[L] == 1)
        {
            long double z = a[L][0], sg = 1 / (1 + expl(-z));
            *loss += labels[i] ? logl(1 + expl(-z)) : logl(1 + expl(z));
            d[L][0] = (sg - labels[i]) / b;
        }
        else
        {
            long double mx = a[L][0], s = 0;
            for (j = 1; j < n[L]; j++)
                mx = a[L][j] > mx ? a[L][j] : mx;
            for (j = 0; j < n[L]; j++)
                s += expl(a[L][j] - mx);
            *loss += logl(s) + mx - a[L][labels[i]];
            for (j = 0; j < n[L]; j++)
                d[L][j] = (expl(a[L][j] - mx) / s - (j == labels[i])) / b;
        }
        for (l = L; l >= 1; l--)
        {
            slong off = mlpx_off(n, l);
            const long double *W = w + off;
            for (j = 0; j < n[l]; j++)
            {
                for (k = 0; k < n[l - 1]; k++)
                    grad[off + j * n[l - 1] + k] += d[l][j] * a[l - 1][k];
                grad[off + n[l] * n[l - 1] + j] += d[l][j];
            }
            for (k = 0; k < n[l - 1] && l > 1; k++)
            {
                long double t = 0;
                for (j = 0; j < n[l]; j++)
                    t += d[l][j] * W[j * n[l - 1] + k];
                d[l - 1][k] = a[l - 1][k] > 0 ? t : 0;
            }
        }
    }
    *loss /= b;
}

/* Cross-entropy (softmax, and logistic with one output): loss and gradient
   against the long double implementation, the Hessian-vector product
   against central differences of the long double gradient with the
   pattern frozen (the loss is smooth there, the difference's error is
   O(h^2)).  Floating-point accuracy checks: the tolerances are a few
   hundred units of the precision's roundoff relative to the largest
   magnitude, far below any programming error's effect and far above the
   rounding of these small sums (at most 16 terms, condition O(1)). */
START_TEST(xent_accuracy)
{
    uint64_t seed = test_seed(18004);
    test_rng r = { seed };
    static const slong nA[] = { 5, 7, 4 }, nB[] = { 3, 6, 5, 1 };
    slong it, iters = test_iters(10), i;
    cpwl_err_t e;
    cpwl_err_init(e);
    for (it = 0; it < iters; it++)
    {
        const slong *n = it % 2 ? nB : nA;
        slong L = it % 2 ? 3 : 2, b = 8, blas, P = mlpx_nparams(n, L);
        int single = (it / 2) % 2, labels[8];
        double w[128], X[64], v[128], g[128], hv[128], loss;
        float wf[128], Xf[64], vf[128], gf[128], hvf[128];
        long double wl[128], gl[128], gp[128], gm[128], ll, lp, mx = 0, mh = 0;
        long double hh = 0x1p-22L;    /* O(h^2) + O(eps_ld / h) ~ 1e-12 */
        double tol = single ? 0x1p-15 : 0x1p-44;
        double tolh = single ? 0x1p-14 : 0x1p-30;
        char pat[256];
        cpwl_mlp_t M;
        ck_assert(P <= 128);
        for (i = 0; i < P; i++)
        {
            w[i] = test_unif(&r, -1, 1);
            v[i] = test_unif(&r, -1, 1);
            if (single)
            {
                w[i] = (float) w[i];
                v[i] = (float) v[i];
            }
            wf[i] = (float) w[i];
            vf[i] = (float) v[i];
        }
        for (i = 0; i < b * n[0]; i++)
        {
            X[i] = test_unif(&r, -2, 2);
            if (single)
                X[i] = (float) X[i];
            Xf[i] = (float) X[i];
        }
        for (i = 0; i < b; i++)
            labels[i] = (int) test_range(&r, 0, n[L] == 1 ? 1 : n[L] - 1);
        for (i = 0; i < P; i++)
            wl[i] = w[i];
        ld_xent(&ll, gl, wl, X, labels, b, n, L, pat, 0);
        for (i = 0; i < P; i++)
        {
            wl[i] = w[i] + hh * v[i];
        }
        ld_xent(&lp, gp, wl, X, labels, b, n, L, pat, 1);
        for (i = 0; i < P; i++)
            wl[i] = w[i] - hh * v[i];
        ld_xent(&lp, gm, wl, X, labels, b, n, L, pat, 1);
        for (i = 0; i < P; i++)
        {
            gp[i] = (gp[i] - gm[i]) / (2 * hh);        /* H v */
            mx = fabsl(gl[i]) > mx ? fabsl(gl[i]) : mx;
            mh = fabsl(gp[i]) > mh ? fabsl(gp[i]) : mh;
        }
        ck_assert_int_eq(cpwl_mlp_init(M, n, L, single ? CPWL_MLP_FLOAT :
                                       CPWL_MLP_DOUBLE, e), CPWL_OK);
        for (blas = 0; blas <= cpwl_mlp_have_blas(); blas++)
        {
            M->blas = (int) blas;
            if (single)
            {
                ck_assert_int_eq(cpwl_mlp_loss_grad_f(&loss, gf, wf, Xf, NULL,
                                 labels, b, CPWL_MLP_XENT, M, e), CPWL_OK);
                ck_assert_int_eq(cpwl_mlp_hvp_f(hvf, wf, vf, Xf, NULL, labels,
                                 b, CPWL_MLP_XENT, M, e), CPWL_OK);
                for (i = 0; i < P; i++)
                {
                    g[i] = gf[i];
                    hv[i] = hvf[i];
                }
            }
            else
            {
                ck_assert_int_eq(cpwl_mlp_loss_grad_d(&loss, g, w, X, NULL,
                                 labels, b, CPWL_MLP_XENT, M, e), CPWL_OK);
                ck_assert_int_eq(cpwl_mlp_hvp_d(hv, w, v, X, NULL, labels, b,
                                 CPWL_MLP_XENT, M, e), CPWL_OK);
            }
            ck_assert_msg(fabsl(loss - ll) <= tol * (1 + fabsl(ll)),
                          "xent loss %g vs %Lg (seed %llu)", loss, ll,
                          (unsigned long long) seed);
            for (i = 0; i < P; i++)
            {
                ck_assert_msg(fabsl(g[i] - gl[i]) <= tol * (1 + mx),
                              "xent grad %ld: %.17g vs %.17Lg (single %d, "
                              "seed %llu)", (long) i, g[i], gl[i], single,
                              (unsigned long long) seed);
                ck_assert_msg(fabsl(hv[i] - gp[i]) <= tolh * (1 + mh),
                              "xent Hv %ld: %.17g vs %.17Lg (single %d, "
                              "seed %llu)", (long) i, hv[i], gp[i], single,
                              (unsigned long long) seed);
            }
        }
        cpwl_mlp_clear(M);
    }
    cpwl_err_clear(e);
}
END_TEST

/* Bad input: errors with a message, never a crash. */
START_TEST(errors)
{
    slong wd[8], n[] = { 3, 2 }, zero[] = { 3, 0 };
    cpwl_err_t e;
    cpwl_mlp_t M;
    double w[8] = { 0 }, X[6] = { 0 }, g[8], out[4];
    int lab[2] = { 0, 2 };
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_mlp_parse_shape(wd, 8, "784-256-784", e), 2);
    ck_assert(wd[0] == 784 && wd[1] == 256 && wd[2] == 784);
    ck_assert_int_eq(cpwl_mlp_parse_shape(wd, 8, "784", e), -1);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    ck_assert_int_eq(cpwl_mlp_parse_shape(wd, 8, "784--3", e), -1);
    ck_assert_int_eq(cpwl_mlp_parse_shape(wd, 8, "784-0", e), -1);
    ck_assert_int_eq(cpwl_mlp_parse_shape(wd, 8, "7x-3", e), -1);
    ck_assert_int_eq(cpwl_mlp_parse_shape(wd, 8, "", e), -1);
    ck_assert_int_eq(cpwl_mlp_parse_shape(wd, 2, "1-2-3", e), -1);
    ck_assert_int_eq(cpwl_mlp_parse_shape(wd, 8, "1-99999999999999999999", e),
                     -1);
    ck_assert_int_eq(cpwl_mlp_init(M, zero, 1, CPWL_MLP_DOUBLE, e),
                     CPWL_ERR_INPUT);
    ck_assert_int_eq(cpwl_mlp_init(M, n, 0, CPWL_MLP_DOUBLE, e),
                     CPWL_ERR_INPUT);
    {
        slong big[] = { 100000, 100000 };
        ck_assert_int_eq(cpwl_mlp_init(M, big, 1, CPWL_MLP_DOUBLE, e),
                         CPWL_ERR_INPUT);
    }
    ck_assert_int_eq(cpwl_mlp_init(M, n, 1, CPWL_MLP_DOUBLE, e), CPWL_OK);
    /* squared loss without targets on a non-autoencoder */
    ck_assert_int_eq(cpwl_mlp_loss_grad_d(NULL, g, w, X, NULL, NULL, 2,
                                          CPWL_MLP_SQUARED, M, e),
                     CPWL_ERR_INPUT);
    ck_assert_int_eq(cpwl_mlp_loss_grad_d(NULL, g, w, X, NULL, NULL, 2,
                                          CPWL_MLP_XENT, M, e),
                     CPWL_ERR_INPUT);
    cpwl_err_init(e);          /* the first error of e is kept */
    ck_assert_int_eq(cpwl_mlp_loss_grad_d(NULL, g, w, X, NULL, lab, 2,
                                          CPWL_MLP_XENT, M, e),
                     CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "label 2") != NULL, "%s", e->msg);
    ck_assert_int_eq(cpwl_mlp_mistakes_d(w, X, lab, 2, M, e), -1);
    ck_assert_int_eq(cpwl_mlp_forward_d(out, w, X, 0, M, e), CPWL_ERR_INPUT);
    lab[1] = 1;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_mlp_loss_grad_d(NULL, g, w, X, NULL, lab, 2,
                                          CPWL_MLP_XENT, M, e), CPWL_OK);
    cpwl_mlp_clear(M);
    cpwl_err_clear(e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mlp");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dyadic_exact);
    tcase_add_test(tc, to_net_exact);
    tcase_add_test(tc, init_params);
    tcase_add_test(tc, random_within_gamma);
    tcase_add_test(tc, xent_accuracy);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return test_run(s);
}
