/* Module pbtrain: the KL's derivative against Arb's Taylor series of the
   closed form at 128 bits; the bounded cross-entropy's gradient against
   forward-mode differentiation in Arb and against module mlp's
   unbounded cross-entropy (its own backward pass); the objective's KL
   term against module gauss's certified ball; the cpwl-gauss files read
   back exactly; a training run lowers the objective; the certificate
   against the library's functions called directly and against a second
   count of the same draws. */
#include <math.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#if __FLINT_RELEASE >= 30000
#include <flint/arb_poly.h>
#else
#include <arb_poly.h>
#endif
#include "testutil.h"

#define U 0x1p-53               /* unit roundoff of binary64 */

/* |x - y| <= tol for a double x and a ball y: the ball's radius is
   added (Arb's error), tol is the double computation's own error. */
static int near_ball(double x, const arb_t y, double tol)
{
    arb_t t;
    int ok;
    arb_init(t);
    arb_set_d(t, x);
    arb_sub(t, t, y, 128);
    arb_abs(t, t);
    {
        arb_t b;
        arb_init(b);
        arb_set_d(b, tol);
        ok = arb_le(t, b);
        arb_clear(b);
    }
    arb_clear(t);
    return ok;
}

START_TEST(test_kl_grad_arb)
{
    test_rng r;
    slong i, trials = test_iters(200);
    arb_poly_t p, q, s;
    arb_t c, v0, ls0;
    r.s = test_seed(1801);
    arb_poly_init(p);
    arb_poly_init(q);
    arb_poly_init(s);
    arb_init(c);
    arb_init(v0);
    arb_init(ls0);
    for (i = 0; i < trials; i++)
    {
        double mu = test_unif(&r, -2, 2), w0 = test_unif(&r, -2, 2);
        double sig = ldexp(test_unif(&r, 1, 2), (int) test_range(&r, -12, 2));
        double s0 = ldexp(test_unif(&r, 1, 2), (int) test_range(&r, -8, 0));
        double rho = test_unif(&r, -8, 4);
        double gmu, gs, kl, sg;
        /* The double derivatives. */
        kl = cpwl_pbtrain_kl_d(&gmu, &gs, &mu, &sig, &w0, s0, 1);
        (void) kl;
        /* The KL term as a series in t at sigma + t: ln s0 - ln(sigma + t)
           + ((sigma + t)^2 + (mu - w0)^2) / (2 s0^2) - 1/2; its t^1
           coefficient is d/dsigma, computed by Arb's log series (an
           independent derivative, not the formula). */
        arb_set_d(v0, s0);
        arb_mul(v0, v0, v0, 128);
        arb_poly_set_coeff_si(p, 1, 1);
        arb_set_d(c, sig);
        arb_poly_set_coeff_arb(p, 0, c);
        arb_poly_log_series(q, p, 2, 128);
        arb_poly_mullow(s, p, p, 2, 128);
        arb_mul_2exp_si(c, v0, 1);
        arb_poly_scalar_div(s, s, c, 128);
        arb_poly_sub(s, s, q, 128);
        arb_poly_get_coeff_arb(c, s, 1);
        /* gs = fl(fl(sig / fl(s0 s0)) - fl(1 / sig)): the quotient carries
           at most 3 roundings (relative (1 + u)^3 - 1 < 3.1u), 1/sig one,
           the difference one more on its result; so |gs - exact| <=
           3.1u |sig/s0^2| + u |1/sig| + u (|sig/s0^2| + |1/sig|)(1 + 4u),
           below 5u (|sig/s0^2| + |1/sig|). */
        ck_assert_msg(near_ball(gs, c, 5 * U * (sig / (s0 * s0) + 1 / sig)),
                      "d/dsigma at sigma %a s0 %a: %.17g", sig, s0, gs);
        /* d/dmu = (mu - w0)/s0^2: the difference, the square and the
           quotient: at most 3 roundings, < 3.1u relative. */
        arb_set_d(c, mu);
        arb_set_d(ls0, w0);
        arb_sub(c, c, ls0, 128);
        arb_div(c, c, v0, 128);
        ck_assert_msg(near_ball(gmu, c, 3.1 * U * fabs(gmu)),
                      "d/dmu: %.17g", gmu);
        /* The chain rule's factor: d softplus / d rho = sigmoid(rho), as
           the t^1 coefficient of ln(1 + e^(rho + t)) by Arb's series;
           glibc's exp is within 1 ulp, so the double sigmoid (one exp,
           one sum, one quotient, maybe one product) is within 6u
           relative. */
        arb_poly_zero(p);
        arb_poly_set_coeff_si(p, 1, 1);
        arb_set_d(c, rho);
        arb_poly_set_coeff_arb(p, 0, c);
        arb_poly_exp_series(q, p, 2, 128);
        arb_poly_add_si(q, q, 1, 128);
        arb_poly_log_series(s, q, 2, 128);
        arb_poly_get_coeff_arb(c, s, 1);
        sg = cpwl_pbtrain_sigmoid(rho);
        ck_assert_msg(near_ball(sg, c, 6 * U * sg), "sigmoid(%a)", rho);
        /* softplus itself: the t^0 coefficient; log1p and exp within 1
           ulp each, the sum 1 more: within 8u relative (softplus > 0). */
        arb_poly_get_coeff_arb(c, s, 0);
        ck_assert_msg(near_ball(cpwl_pbtrain_softplus(rho), c,
                                8 * U * cpwl_pbtrain_softplus(rho)),
                      "softplus(%a)", rho);
    }
    arb_clear(ls0);
    arb_clear(v0);
    arb_clear(c);
    arb_poly_clear(s);
    arb_poly_clear(q);
    arb_poly_clear(p);
}
END_TEST

/* Forward-mode derivative of the mean bounded cross-entropy along v in
   Arb at 128 bits: pairs (value, tangent) through the layers; a relu
   whose sign Arb cannot decide, or a loss at the clamp, returns 0 (the
   caller then skips the trial). */
static int bce_dir_arb(arb_t res, const cpwl_pbtrain_t T, const double *w,
                       const double *v, const double *X, const int *lab,
                       slong b, double p_min)
{
    slong L = T->nlayers, i, j, l, q, off, maxw = 0;
    arb_ptr a, da, z, dz;
    arb_t t, c, lse, dl;
    int ok = 1;
    for (l = 0; l <= L; l++)
        maxw = FLINT_MAX(maxw, T->width[l]);
    a = _arb_vec_init(maxw);
    da = _arb_vec_init(maxw);
    z = _arb_vec_init(maxw);
    dz = _arb_vec_init(maxw);
    arb_init(t);
    arb_init(c);
    arb_init(lse);
    arb_init(dl);
    arb_zero(res);
    arb_set_d(c, p_min);
    arb_log(c, c, 128);
    arb_neg(c, c);
    for (i = 0; i < b && ok; i++)
    {
        slong k = T->width[L];
        for (j = 0; j < T->width[0]; j++)
        {
            arb_set_d(a + j, X[i * T->width[0] + j]);
            arb_zero(da + j);
        }
        off = 0;
        for (l = 1; l <= L; l++)
        {
            slong n = T->width[l - 1], m = T->width[l];
            for (j = 0; j < m; j++)
            {
                arb_set_d(z + j, w[off + m * n + j]);
                arb_set_d(dz + j, v[off + m * n + j]);
                for (q = 0; q < n; q++)
                {
                    arb_set_d(t, w[off + j * n + q]);
                    arb_addmul(z + j, t, a + q, 128);
                    arb_addmul(dz + j, t, da + q, 128);
                    arb_set_d(t, v[off + j * n + q]);
                    arb_addmul(dz + j, t, a + q, 128);
                }
                if (l < L)
                {
                    if (arb_is_negative(z + j) || arb_is_zero(z + j))
                    {
                        arb_zero(z + j);
                        arb_zero(dz + j);
                    }
                    else if (!arb_is_positive(z + j))
                        ok = 0;
                }
            }
            _arb_vec_set(a, z, m);
            _arb_vec_set(da, dz, m);
            off += m * (n + 1);
        }
        /* l = lse(f) - f_y; dl = sum_j p_j df_j - df_y. */
        arb_zero(lse);
        for (j = 0; j < k; j++)
        {
            arb_exp(t, a + j, 128);
            arb_add(lse, lse, t, 128);
        }
        arb_log(lse, lse, 128);
        arb_sub(t, lse, a + lab[i], 128);
        arb_sub(t, t, c, 128);
        if (!arb_is_negative(t))
        {
            ok = ok && arb_is_positive(t);      /* clamped: derivative 0 */
            continue;
        }
        arb_neg(dl, da + lab[i]);
        for (j = 0; j < k; j++)
        {
            arb_sub(t, a + j, lse, 128);
            arb_exp(t, t, 128);
            arb_addmul(dl, t, da + j, 128);
        }
        arb_div(dl, dl, c, 128);
        arb_add(res, res, dl, 128);
    }
    arb_div_si(res, res, b, 128);
    arb_clear(dl);
    arb_clear(lse);
    arb_clear(c);
    arb_clear(t);
    _arb_vec_clear(dz, maxw);
    _arb_vec_clear(z, maxw);
    _arb_vec_clear(da, maxw);
    _arb_vec_clear(a, maxw);
    return ok;
}

START_TEST(test_bce_grad_forward_mode)
{
    test_rng r;
    slong widths[4] = {5, 6, 4, 3}, i, trial, b = 7, done = 0;
    slong trials = test_iters(20);
    cpwl_pbtrain_t T;
    cpwl_err_t e;
    r.s = test_seed(1802);
    cpwl_err_init(e);
    for (trial = 0; trial < trials; trial++)
    {
        double X[35], *w, *v, *g, loss, dot = 0, scale = 0;
        int lab[7], blas, have_blas;
        arb_t D;
        ck_assert_int_eq(cpwl_pbtrain_init(T, widths, 3, 0.1, test_next(&r),
                                           e), CPWL_OK);
        w = flint_malloc(T->d * sizeof(double));
        v = flint_malloc(T->d * sizeof(double));
        g = flint_malloc(T->d * sizeof(double));
        for (i = 0; i < T->d; i++)
        {
            w[i] = T->w0[i] + test_unif(&r, -0.3, 0.3);
            v[i] = test_unif(&r, -1, 1);
        }
        for (i = 0; i < 35; i++)
            X[i] = test_unif(&r, -1, 1);
        for (i = 0; i < b; i++)
            lab[i] = (int) test_range(&r, 0, 2);
        arb_init(D);
        have_blas = T->blas;
        for (blas = 0; blas <= 1; blas++)
        {
            /* the portable loops, then BLAS when the build has it (the
               build's value kept: after the first pass T->blas is 0) */
            T->blas = blas && have_blas;
            ck_assert_int_eq(cpwl_pbtrain_bce_grad_d(&loss, g, w, X, lab, b,
                                                     trial % 2 ? 0.2 : 1e-4,
                                                     T, e), CPWL_OK);
            dot = scale = 0;
            for (i = 0; i < T->d; i++)
            {
                dot += g[i] * v[i];
                scale += fabs(g[i] * v[i]);
            }
            if (!bce_dir_arb(D, T, w, v, X, lab, b, trial % 2 ? 0.2 : 1e-4))
                break;
            /* The double backward pass on a 5-6-4-3 net: each gradient
               entry is a sum of at most 7 x 6 x 4 products of at most 5
               factors plus the softmax's exp/log (glibc: < 1 ulp), so its
               error is a few hundred u times the sum of the absolute
               values; 2^-40 (about 8000 u) of the absolute sum plus the
               loss scale 1 is a generous float bound, far below any
               error of the formula (which would be of order 1). */
            ck_assert_msg(near_ball(dot, D, 0x1p-40 * (scale + 1)),
                          "trial %ld blas %d: g.v = %.17g", trial, blas,
                          dot);
            done++;
        }
        arb_clear(D);
        flint_free(w);
        flint_free(v);
        flint_free(g);
        cpwl_pbtrain_clear(T);
    }
    ck_assert_msg(done >= trials, "only %ld of %ld comparisons decided",
                  (long) done, (long) 2 * trials);
}
END_TEST

/* Module mlp's unbounded cross-entropy (its own backward pass) is c
   times the bounded one where no point reaches the flat part: with
   p_min = 10^-300 (c = 690.8) every -ln p_y of these outputs is below c,
   so the two gradients agree up to rounding. */
START_TEST(test_bce_vs_mlp)
{
    test_rng r;
    slong widths[4] = {12, 9, 7, 4}, i, trial, b = 33;
    slong trials = test_iters(10);
    cpwl_pbtrain_t T;
    cpwl_mlp_t M;
    cpwl_err_t e;
    r.s = test_seed(1807);
    cpwl_err_init(e);
    for (trial = 0; trial < trials; trial++)
    {
        double X[12 * 33], *w, *g1, *g2, l1, l2, c = -log(1e-300), scale = 0;
        int lab[33];
        ck_assert_int_eq(cpwl_pbtrain_init(T, widths, 3, 0.1, test_next(&r),
                                           e), CPWL_OK);
        ck_assert_int_eq(cpwl_mlp_init(M, widths, 3, CPWL_MLP_DOUBLE, e),
                         CPWL_OK);
        w = flint_malloc(T->d * sizeof(double));
        g1 = flint_malloc(T->d * sizeof(double));
        g2 = flint_malloc(T->d * sizeof(double));
        for (i = 0; i < T->d; i++)
            w[i] = T->w0[i] + test_unif(&r, -0.2, 0.2);
        for (i = 0; i < 12 * b; i++)
            X[i] = test_unif(&r, 0, 1);
        for (i = 0; i < b; i++)
            lab[i] = (int) test_range(&r, 0, 3);
        ck_assert_int_eq(cpwl_pbtrain_bce_grad_d(&l1, g1, w, X, lab, b, 1e-300,
                                                 T, e), CPWL_OK);
        ck_assert_int_eq(cpwl_mlp_loss_grad_d(&l2, g2, w, X, NULL, lab, b,
                                              CPWL_MLP_XENT, M, e), CPWL_OK);
        for (i = 0; i < T->d; i++)
            scale = FLINT_MAX(scale, fabs(g2[i]));
        /* Two binary64 computations of the same sums in different orders
           (BLAS blocking, 1/c scaling): each entry's error is a few
           hundred u of the largest entry at these sizes; 2^-36 of it
           (about 10^5 u) separates rounding from any slip in the formula. */
        ck_assert_msg(fabs(l1 * c - l2) <= 0x1p-36 * (1 + l2), "loss %.17g "
                      "vs %.17g", l1 * c, l2);
        for (i = 0; i < T->d; i++)
            ck_assert_msg(fabs(g1[i] * c - g2[i]) <= 0x1p-36 * (scale + 1),
                          "trial %ld parameter %ld: %.17g vs %.17g", trial,
                          i, g1[i] * c, g2[i]);
        flint_free(w);
        flint_free(g1);
        flint_free(g2);
        cpwl_mlp_clear(M);
        cpwl_pbtrain_clear(T);
    }
}
END_TEST

/* Set T's variables to a perturbed posterior. */
static void perturb(cpwl_pbtrain_t T, test_rng *r)
{
    slong i;
    for (i = 0; i < T->d; i++)
    {
        T->x[i] += test_unif(r, -0.05, 0.05);
        T->x[T->d + i] += test_unif(r, -1, 1);
    }
}

START_TEST(test_kl_vs_gauss)
{
    test_rng r;
    slong widths[3] = {20, 15, 3}, i;
    cpwl_pbtrain_t T;
    cpwl_stochnet_t Q, P;
    cpwl_err_t e;
    arb_t kl;
    double *sig, kd, S = 0;
    char *sq, *sp;
    r.s = test_seed(1803);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_pbtrain_init(T, widths, 2, 0.03, 7, e), CPWL_OK);
    perturb(T, &r);
    sig = flint_malloc(T->d * sizeof(double));
    cpwl_pbtrain_sigma(sig, T);
    kd = cpwl_pbtrain_kl_d(NULL, NULL, T->x, sig, T->w0, T->sigma0, T->d);
    cpwl_stochnet_init(Q);
    cpwl_stochnet_init(P);
    sq = cpwl_pbtrain_gauss_str(T, 0);
    sp = cpwl_pbtrain_gauss_str(T, 1);
    ck_assert_int_eq(cpwl_stochnet_read_str(Q, NULL, sq, strlen(sq), "q",
                                            e), CPWL_OK);
    ck_assert_int_eq(cpwl_stochnet_read_str(P, NULL, sp, strlen(sp), "p",
                                            e), CPWL_OK);
    arb_init(kl);
    ck_assert_int_eq(cpwl_gauss_kl(kl, Q->w, P->w, 128, e), CPWL_OK);
    /* The double sum of d terms, each of about 8 operations with libm's
       log (< 1 ulp): Higham's bound for a recursive sum gives
       |error| <= (d + 8) u (1 + o(1)) sum_i (|ln s0| + |ln sigma_i| +
       quad_i + 1/2); twice that is a safe bound. */
    for (i = 0; i < T->d; i++)
    {
        double dm = T->x[i] - T->w0[i];
        S += fabs(log(T->sigma0)) + fabs(log(sig[i]))
             + (sig[i] * sig[i] + dm * dm) / (2 * T->sigma0 * T->sigma0) + 0.5;
    }
    ck_assert_msg(near_ball(kd, kl, 2 * (T->d + 8) * U * S),
                  "KL double %.17g", kd);
    /* And the plain double sum of module gauss, the same formula in the
       same order up to its own roundings. */
    ck_assert_msg(fabs(kd - cpwl_gauss_kl_d(Q->w, P->w))
                  <= 4 * (T->d + 8) * U * S, "gauss_kl_d");
    arb_clear(kl);
    flint_free(sq);
    flint_free(sp);
    flint_free(sig);
    cpwl_stochnet_clear(Q);
    cpwl_stochnet_clear(P);
    cpwl_pbtrain_clear(T);
}
END_TEST

START_TEST(test_gauss_roundtrip)
{
    test_rng r;
    slong widths[4] = {6, 5, 4, 2}, i, rounded = -1;
    cpwl_pbtrain_t T;
    cpwl_stochnet_t Q, P;
    cpwl_err_t e;
    double *sig;
    char *sq, *sp;
    r.s = test_seed(1804);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_pbtrain_init(T, widths, 3, 0.03, 11, e), CPWL_OK);
    perturb(T, &r);
    T->x[0] = 0;                /* a zero mean, a subnormal mean */
    T->x[1] = 0x1p-1070;
    sq = cpwl_pbtrain_gauss_str(T, 0);
    sp = cpwl_pbtrain_gauss_str(T, 1);
    cpwl_stochnet_init(Q);
    cpwl_stochnet_init(P);
    ck_assert_int_eq(cpwl_stochnet_read_str(Q, &rounded, sq, strlen(sq), "q",
                                            e), CPWL_OK);
    ck_assert_int_eq(rounded, 0);
    ck_assert_int_eq(cpwl_stochnet_read_str(P, &rounded, sp, strlen(sp), "p",
                                            e), CPWL_OK);
    ck_assert_int_eq(rounded, 0);
    ck_assert_int_eq(cpwl_stochnet_compatible(P, Q, e), CPWL_OK);
    ck_assert_int_eq(Q->w->d, T->d);
    ck_assert_ptr_nonnull(Q->w->sigma);
    sig = flint_malloc(T->d * sizeof(double));
    cpwl_pbtrain_sigma(sig, T);
    for (i = 0; i < T->d; i++)
    {
        ck_assert_msg(Q->w->mu[i] == T->x[i] && Q->w->sigma[i] == sig[i],
                      "posterior parameter %ld", (long) i);
        ck_assert_msg(P->w->mu[i] == T->w0[i], "prior mean %ld", (long) i);
    }
    ck_assert(P->w->sigma == NULL && P->sigma == T->sigma0);
    ck_assert_int_eq(Q->net->nlayers, 3);
    ck_assert_int_eq(Q->net->input_dim, 6);
    flint_free(sig);
    flint_free(sq);
    flint_free(sp);
    cpwl_stochnet_clear(Q);
    cpwl_stochnet_clear(P);
    cpwl_pbtrain_clear(T);
}
END_TEST

/* Two Gaussian blobs in 4 dimensions, classes 0 and 1. */
static void blobs(double *X, int *lab, slong m, test_rng *r)
{
    slong i, j;
    for (i = 0; i < m; i++)
    {
        double xi[4];
        uint64_t s = test_next(r);
        lab[i] = (int) (i % 2);
        cpwl_stochnet_normals(xi, 4, &s);
        for (j = 0; j < 4; j++)
            X[i * 4 + j] = 0.5 * xi[j] + (lab[i] ? 0.8 : -0.8);
    }
}

/* The objective on all points averaged over `draws` networks from the
   seed 99 (the same draws before and after training). */
static double mean_objective(cpwl_pbtrain_t T, const double *X,
                             const int *lab, slong m,
                             const cpwl_pbtrain_opts *po)
{
    slong i, k, d = T->d, draws = 16;
    uint64_t rng = 99;
    double *xi = flint_malloc(d * sizeof(double));
    double *w = flint_malloc(d * sizeof(double));
    double *sig = flint_malloc(d * sizeof(double)), sum = 0, loss, kl;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_pbtrain_sigma(sig, T);
    kl = cpwl_pbtrain_kl_d(NULL, NULL, T->x, sig, T->w0, T->sigma0, d);
    for (k = 0; k < draws; k++)
    {
        cpwl_stochnet_normals(xi, d, &rng);
        for (i = 0; i < d; i++)
            w[i] = T->x[i] + sig[i] * xi[i];
        ck_assert_int_eq(cpwl_pbtrain_bce_grad_d(&loss, NULL, w, X, lab, m,
                                                 po->p_min, T, e), CPWL_OK);
        sum += cpwl_pbtrain_objective_d(NULL, NULL, po->objective, loss, kl,
                                        m, po->delta);
    }
    flint_free(xi);
    flint_free(w);
    flint_free(sig);
    return sum / draws;
}

static void trained(cpwl_pbtrain_t T, double *X, int *lab, slong m,
                    cpwl_pbtrain_objective obj, double *before, double *after)
{
    slong widths[3] = {4, 16, 2};
    cpwl_pbtrain_opts po;
    cpwl_pbtrain_result res;
    cpwl_optim_opts_t o;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_pbtrain_opts_init(&po);
    po.objective = obj;
    po.epochs = 30;
    po.batch = 20;
    po.p_min = 1e-2;
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, "heavy-ball"));
    fmpq_set_si(o->lr, 1, 100);
    fmpq_set_si(o->momentum, 9, 10);
    ck_assert_int_eq(cpwl_pbtrain_init(T, widths, 2, 0.1, 5, e), CPWL_OK);
    *before = mean_objective(T, X, lab, m, &po);
    ck_assert_int_eq(cpwl_pbtrain_train(&res, T, X, lab, m, &po, o, NULL,
                                        NULL, NULL, e), CPWL_OK);
    ck_assert_int_eq(res.steps, 30 * (m / 20));
    *after = mean_objective(T, X, lab, m, &po);
    cpwl_optim_opts_clear(o);
}

START_TEST(test_training_lowers_objective)
{
    test_rng r;
    slong m = 200;
    double X[800], before, after;
    int lab[200], obj;
    cpwl_pbtrain_t T;
    r.s = test_seed(1805);
    blobs(X, lab, m, &r);
    for (obj = 0; obj <= 1; obj++)
    {
        trained(T, X, lab, m, (cpwl_pbtrain_objective) obj, &before, &after);
        ck_assert_msg(after < before, "%s: objective %.6g -> %.6g",
                      cpwl_pbtrain_objective_name(
                          (cpwl_pbtrain_objective) obj), before, after);
        cpwl_pbtrain_clear(T);
    }
}
END_TEST

START_TEST(test_certificate)
{
    test_rng r;
    slong m = 200, N = 20, mist;
    double X[800], before, after, err;
    int lab[200];
    cpwl_pbtrain_t T;
    cpwl_stochnet_t Q, P;
    cpwl_erm_data_t data;
    cpwl_pbtrain_cert_t C;
    cpwl_pacbayes_input_t in;
    cpwl_pacbayes_bound_t B2;
    cpwl_err_t e;
    fmpq_t delta, delta2, t;
    arb_t up, q, cc;
    char *sq, *sp;
    r.s = test_seed(1806);
    cpwl_err_init(e);
    blobs(X, lab, m, &r);
    trained(T, X, lab, m, CPWL_PBTRAIN_FQUAD, &before, &after);
    sq = cpwl_pbtrain_gauss_str(T, 0);
    sp = cpwl_pbtrain_gauss_str(T, 1);
    cpwl_stochnet_init(Q);
    cpwl_stochnet_init(P);
    ck_assert_int_eq(cpwl_stochnet_read_str(Q, NULL, sq, strlen(sq), "q", e),
                     CPWL_OK);
    ck_assert_int_eq(cpwl_stochnet_read_str(P, NULL, sp, strlen(sp), "p", e),
                     CPWL_OK);
    cpwl_erm_data_init(data);
    cpwl_pbtrain_erm_data(data, X, lab, m, 4);
    fmpq_init(delta);
    fmpq_init(delta2);
    fmpq_init(t);
    fmpq_set_si(delta, 1, 40);
    fmpq_set_si(delta2, 1, 100);
    cpwl_pbtrain_cert_init(C);
    ck_assert_int_eq(cpwl_pbtrain_certify(C, Q, P, data, CPWL_PACBAYES_MAURER,
                                          delta, delta2, N, 3, 6, 256, NULL,
                                          NULL, NULL, e), CPWL_OK);
    /* The exact count of mistakes equals the double count of the same
       draws (the points are far from every decision boundary at this
       seed; an exact tie would show here as a difference). */
    ck_assert_int_eq(cpwl_pbtrain_stochastic_error_d(&err, Q, X, lab, m, N, 3,
                                                     T, e), CPWL_OK);
    mist = (slong) llround(err * N * m);
    ck_assert_msg(fmpz_equal_si(C->R->mistakes, mist), "mistakes");
    /* bound >= q >= upper end of kl^-1 >= e_N */
    ck_assert(fmpq_cmp(C->B->upper, C->emp_upper_q) >= 0);
    arb_init(up);
    arb_init(q);
    arb_init(cc);
    arb_set_fmpq(q, C->emp_upper_q, 256);
    ck_assert(arb_le(C->emp_upper, q));
    arb_set_fmpq(q, C->R->emp, 256);
    ck_assert(arb_ge(C->emp_upper, q) || arb_contains(C->emp_upper, q));
    ck_assert(fmpq_cmp(C->B->upper, C->R->emp) >= 0);
    /* The same bound from module pacbayes called directly. */
    cpwl_pacbayes_input_init(in);
    cpwl_pacbayes_bound_init(B2);
    fmpz_set_si(in->m, m);
    fmpq_set(in->delta, delta);
    ck_assert_int_eq(cpwl_gauss_kl(in->kl, Q->w, P->w, 256, e), CPWL_OK);
    arb_set_fmpq(in->emp, C->emp_upper_q, 256);
    ck_assert_int_eq(cpwl_pacbayes_bound(B2, in, 6, 256, e), CPWL_OK);
    ck_assert(fmpq_equal(B2->upper, C->B->upper));
    /* And by bisection alone (the kl inverse's second algorithm): the
       Maurer bound kl^-1(q, (KL + ln(2 sqrt(m)/delta))/m) lies below the
       certificate. */
    arb_set_si(cc, 2 * 14142136);       /* 2 sqrt(200) < 28.284272 */
    arb_div_si(cc, cc, 1000000, 256);
    arb_set_fmpq(up, delta, 256);
    arb_div(cc, cc, up, 256);
    arb_log(cc, cc, 256);
    arb_add(cc, cc, in->kl, 256);
    arb_div_si(cc, cc, m, 256);
    ck_assert_int_eq(cpwl_pacbayes_kl_inv_bisect(up, in->emp, cc, 0, 256, e),
                     CPWL_OK);
    arb_set_fmpq(q, C->B->upper, 256);
    ck_assert(arb_le(up, q));
    cpwl_pacbayes_bound_clear(B2);
    cpwl_pacbayes_input_clear(in);
    arb_clear(cc);
    arb_clear(q);
    arb_clear(up);
    cpwl_pbtrain_cert_clear(C);
    fmpq_clear(t);
    fmpq_clear(delta2);
    fmpq_clear(delta);
    cpwl_erm_data_clear(data);
    flint_free(sq);
    flint_free(sp);
    cpwl_stochnet_clear(Q);
    cpwl_stochnet_clear(P);
    cpwl_pbtrain_clear(T);
}
END_TEST

START_TEST(test_bad_input)
{
    slong w1[3] = {4, 3, 1}, w2[3] = {4, 0, 2}, w3[3] = {4, 3, 2};
    cpwl_pbtrain_t T;
    cpwl_err_t e;
    double X[4] = {0, 0, 0, 0}, loss;
    int lab[1] = {2};
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_pbtrain_init(T, w1, 2, 0.1, 1, e), CPWL_ERR_INPUT);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_pbtrain_init(T, w2, 2, 0.1, 1, e), CPWL_ERR_INPUT);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_pbtrain_init(T, w3, 2, -1, 1, e), CPWL_ERR_INPUT);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_pbtrain_init(T, w3, 2, 0.1, 1, e), CPWL_OK);
    ck_assert_int_eq(cpwl_pbtrain_bce_grad_d(&loss, NULL, T->w0, X, lab, 1,
                                             1e-4, T, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "label 2") != NULL, "%s", e->msg);
    ck_assert_int_eq(cpwl_pbtrain_objective_from_name("fquad"),
                     CPWL_PBTRAIN_FQUAD);
    ck_assert_int_eq(cpwl_pbtrain_objective_from_name("x"), -1);
    cpwl_pbtrain_clear(T);
}
END_TEST

static Suite *pbtrain_suite(void)
{
    Suite *s = suite_create("pbtrain");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_kl_grad_arb);
    tcase_add_test(tc, test_bce_grad_forward_mode);
    tcase_add_test(tc, test_bce_vs_mlp);
    tcase_add_test(tc, test_kl_vs_gauss);
    tcase_add_test(tc, test_gauss_roundtrip);
    tcase_add_test(tc, test_training_lowers_objective);
    tcase_add_test(tc, test_certificate);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(pbtrain_suite());
}
