/* The batched double path against the exact path (SPEC section 3): every
   value within its proven bound of the exact value (compared as exact
   rationals), every decided pattern bit equal to the exact bit, exact
   zeros never decided, the same bits from every kernel, and bitwise the
   same results for 1 and 2 threads. */
#include <math.h>
#include <string.h>
#include "testutil.h"

/* |d - y| <= err, decided on exact rationals (doubles convert exactly). */
static int within(double d, double err, const fmpq_t y)
{
    fmpq_t a, b;
    arf_t t;
    int r;
    if (!isfinite(err))
        return 1;
    fmpq_init(a);
    fmpq_init(b);
    arf_init(t);
    arf_set_d(t, d);
    arf_get_fmpq(a, t);
    arf_set_d(t, err);
    arf_get_fmpq(b, t);
    fmpq_sub(a, a, y);
    fmpq_abs(a, a);
    r = fmpq_cmp(a, b) <= 0;
    fmpq_clear(a);
    fmpq_clear(b);
    arf_clear(t);
    return r;
}

static void fmpq_set_double(fmpq_t q, double d)
{
    arf_t t;
    arf_init(t);
    arf_set_d(t, d);
    arf_get_fmpq(q, t);
    arf_clear(t);
}

/* The kernels this CPU runs. */
static int kernels[CPWL_BATCH_NUM_KERNELS], nkernels;

static void find_kernels(void)
{
    int k;
    nkernels = 0;
    for (k = CPWL_BATCH_PORTABLE; k < CPWL_BATCH_NUM_KERNELS; k++)
        if (cpwl_batch_kernel_available(k))
            kernels[nkernels++] = k;
}

/* The exact path at npts points (computed once per net, checked against
   every kernel): outputs y (npts x m) and the sign of every neuron with a
   state (npts x ns). */
typedef struct
{
    slong npts, m, ns;
    fmpq *y;
    signed char *sign;
}
exact_data;

static void exact_init(exact_data *X, const cpwl_net_t net, const fmpq *xq,
                       slong npts)
{
    slong p, l, i, k, n = net->input_dim;
    fmpq **z = cpwl_net_preacts_init(net);
    X->npts = npts;
    X->m = cpwl_net_output_dim(net);
    X->ns = cpwl_net_num_states(net);
    X->y = _fmpq_vec_init(FLINT_MAX(1, npts * X->m));
    X->sign = flint_malloc(FLINT_MAX(1, npts * X->ns));
    for (p = 0; p < npts; p++)
    {
        cpwl_net_preacts_fmpq(z, net, xq + p * n);
        /* most test nets end with an identity layer: y = z of the last */
        if (net->layers[net->nlayers - 1].act == CPWL_NET_IDENTITY)
            for (i = 0; i < X->m; i++)
                fmpq_set(X->y + p * X->m + i, z[net->nlayers - 1] + i);
        else
            cpwl_net_eval_fmpq(X->y + p * X->m, net, xq + p * n);
        for (l = 0, k = 0; l < net->nlayers; l++)
            if (net->layers[l].act != CPWL_NET_IDENTITY)
                for (i = 0; i < net->layers[l].out; i++, k++)
                    X->sign[p * X->ns + k] = (signed char) fmpq_sgn(z[l] + i);
    }
    cpwl_net_preacts_clear(z, net);
}

static void exact_clear(exact_data *X)
{
    _fmpq_vec_clear(X->y, FLINT_MAX(1, X->npts * X->m));
    flint_free(X->sign);
}

/* Check batch results against the exact path: values within bounds,
   decided bits exact, bits of exactly-zero pre-activations undecided.
   Returns the number of undecided bits. */
static slong check_exact(const exact_data *X, const double *Y,
                         const double *Yerr, const uint64_t *pat,
                         const uint64_t *und, slong words, uint64_t seed,
                         slong it, const char *what)
{
    slong p, i, k, nund = 0, m = X->m;
    for (p = 0; p < X->npts; p++)
    {
        for (i = 0; i < m; i++)
            if (!within(Y[p * m + i], Yerr[p * m + i], X->y + p * m + i))
                ck_abort_msg("%s: output %ld of point %ld outside its bound; "
                             "seed %llu, iteration %ld", what, (long) i,
                             (long) p, (unsigned long long) seed, (long) it);
        for (k = 0; k < X->ns; k++)
        {
            int s = X->sign[p * X->ns + k];
            int u = cpwl_batch_bit(und + p * words, k);
            int b = cpwl_batch_bit(pat + p * words, k);
            nund += u;
            if (u && b)
                ck_abort_msg("%s: undecided bit set; seed %llu",
                             what, (unsigned long long) seed);
            if (!u && (s == 0 || b != (s > 0)))
                ck_abort_msg("%s: bit %ld of point %ld decided %d, exact "
                             "sign %d; seed %llu, iteration %ld", what,
                             (long) k, (long) p, b, s,
                             (unsigned long long) seed, (long) it);
        }
    }
    return nund;
}

typedef struct
{
    slong npts, m, words;
    double *Y, *E;
    uint64_t *pat, *und;
}
results;

static void results_init(results *R, const cpwl_batch_plan_t P, slong npts)
{
    R->npts = npts;
    R->m = P->m;
    R->words = P->words;
    R->Y = flint_malloc(FLINT_MAX(1, npts * P->m) * sizeof(double));
    R->E = flint_malloc(FLINT_MAX(1, npts * P->m) * sizeof(double));
    R->pat = flint_malloc(FLINT_MAX(1, npts * P->words) * sizeof(uint64_t));
    R->und = flint_malloc(FLINT_MAX(1, npts * P->words) * sizeof(uint64_t));
}

static void results_clear(results *R)
{
    flint_free(R->Y);
    flint_free(R->E);
    flint_free(R->pat);
    flint_free(R->und);
}

static int results_equal(const results *A, const results *B)
{
    return memcmp(A->Y, B->Y, A->npts * A->m * sizeof(double)) == 0 &&
           memcmp(A->E, B->E, A->npts * A->m * sizeof(double)) == 0 &&
           memcmp(A->pat, B->pat, A->npts * A->words * sizeof(uint64_t)) ==
               0 &&
           memcmp(A->und, B->und, A->npts * A->words * sizeof(uint64_t)) == 0;
}

/* Kernel `kernel` at the npts points xd (input errors xe, NULL: none)
   with nthreads threads, every result checked against the exact path X.
   Returns cpwl_batch_eval's count of undecided bits. */
static slong eval_checked(const exact_data *X, const cpwl_net_t net, int kernel,
                          const double *xd, const double *xe, slong npts,
                          int nthreads, uint64_t seed, slong it)
{
    cpwl_batch_plan_t P;
    results R;
    slong nund;
    cpwl_batch_plan_init(P, net, kernel);
    results_init(&R, P, npts);
    nund = cpwl_batch_eval(R.Y, R.E, R.pat, R.und, P, xd, xe, npts, nthreads);
    check_exact(X, R.Y, R.E, R.pat, R.und, P->words, seed, it,
                cpwl_batch_kernel_name(kernel));
    results_clear(&R);
    cpwl_batch_plan_clear(P);
    return nund;
}

/* Random rational inputs, rounded with their error bounds: every kernel,
   1 and 2 threads, against the exact path. */
START_TEST(test_random_nets)
{
    const uint64_t seed = test_seed(20261127);
    test_rng r = {seed};
    cpwl_net_t net;
    slong it;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(30); it++)
    {
        slong n = test_range(&r, 1, 5), npts = test_range(&r, 1, 200);
        slong p, j, kk;
        fmpq *xq = _fmpq_vec_init(npts * n);
        double *xd = flint_malloc(npts * n * sizeof(double));
        double *xe = flint_malloc(npts * n * sizeof(double));
        results ref;
        exact_data X;
        int bits = (int) test_range(&r, 0, 30);
        test_random_net(net, &r, n, test_range(&r, 1, 4),
                        test_range(&r, 1, 40), bits);
        for (p = 0; p < npts * n; p++)
            test_fmpq(xq + p, &r, (int) test_range(&r, 0, 20));
        exact_init(&X, net, xq, npts);
        for (p = 0; p < npts; p++)
            ck_assert(
                cpwl_net_round_inputs_d(xd + p * n, xe + p * n, xq + p * n, n));
        for (kk = 0; kk < nkernels; kk++)
        {
            cpwl_batch_plan_t P;
            results R1, R2;
            cpwl_batch_plan_init(P, net, kernels[kk]);
            ck_assert_int_eq(P->kernel, kernels[kk]);
            results_init(&R1, P, npts);
            results_init(&R2, P, npts);
            cpwl_batch_eval(R1.Y, R1.E, R1.pat, R1.und, P, xd, xe, npts, 1);
            cpwl_batch_eval(R2.Y, R2.E, R2.pat, R2.und, P, xd, xe, npts, 2);
            if (!results_equal(&R1, &R2))
                ck_abort_msg("1 and 2 threads differ (%s); seed %llu, "
                             "iteration %ld", cpwl_batch_kernel_name(kernels[kk]),
                             (unsigned long long) seed, (long) it);
            check_exact(&X, R1.Y, R1.E, R1.pat, R1.und, P->words, seed, it,
                        cpwl_batch_kernel_name(kernels[kk]));
            if (kk == 0)
            {
                results_init(&ref, P, npts);
                memcpy(ref.pat, R1.pat, npts * P->words * sizeof(uint64_t));
                memcpy(ref.und, R1.und, npts * P->words * sizeof(uint64_t));
            }
            else
                /* Bits both kernels decided are equal (both are exact). */
                for (j = 0; j < npts * P->words; j++)
                    if (((ref.pat[j] ^ R1.pat[j]) &
                         ~(ref.und[j] | R1.und[j])) != 0)
                        ck_abort_msg("kernels %s and %s decide differently; "
                                     "seed %llu, iteration %ld",
                                     cpwl_batch_kernel_name(kernels[0]),
                                     cpwl_batch_kernel_name(kernels[kk]),
                                     (unsigned long long) seed, (long) it);
            results_clear(&R1);
            results_clear(&R2);
            cpwl_batch_plan_clear(P);
        }
        if (nkernels > 0)
            results_clear(&ref);
        exact_clear(&X);
        _fmpq_vec_clear(xq, npts * n);
        flint_free(xd);
        flint_free(xe);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Float-like nets (weights of 24-53 bits) at double inputs: the bound is
   tight enough that nothing is undecided, so every kernel gives the same
   patterns as the exact path, bit for bit. */
START_TEST(test_float_nets_decided)
{
    const uint64_t seed = test_seed(777);
    test_rng r = {seed};
    cpwl_net_t net;
    slong it;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(10); it++)
    {
        slong n = test_range(&r, 1, 4), npts = 100, p, kk;
        double *xd = flint_malloc(npts * n * sizeof(double));
        fmpq *xq = _fmpq_vec_init(npts * n);
        exact_data X;
        test_random_net(net, &r, n, test_range(&r, 2, 3),
                        test_range(&r, 8, 40), (int) test_range(&r, 24, 53));
        for (p = 0; p < npts * n; p++)
        {
            xd[p] = ldexp((double) (slong) (test_next(&r) >> 11), -52) - 1.0;
            fmpq_set_double(xq + p, xd[p]);
        }
        exact_init(&X, net, xq, npts);
        for (kk = 0; kk < nkernels; kk++)
        {
            cpwl_batch_plan_t P;
            results R;
            slong nund;
            cpwl_batch_plan_init(P, net, kernels[kk]);
            results_init(&R, P, npts);
            nund = cpwl_batch_eval(R.Y, R.E, R.pat, R.und, P, xd, NULL, npts, 0);
            ck_assert_int_eq(
                nund, check_exact(&X, R.Y, R.E, R.pat, R.und, P->words, seed,
                                  it, cpwl_batch_kernel_name(kernels[kk])));
            if (nund != 0)
                ck_abort_msg(
                    "%s: %ld undecided bits on a float net; seed %llu, "
                    "iteration %ld",
                    cpwl_batch_kernel_name(kernels[kk]), (long) nund,
                    (unsigned long long)seed, (long) it);
            results_clear(&R);
            cpwl_batch_plan_clear(P);
        }
        exact_clear(&X);
        flint_free(xd);
        _fmpq_vec_clear(xq, npts * n);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Integer nets at integer points: many pre-activations are exactly 0.
   Those bits must come out undecided (never "decided off"), and the count
   of undecided bits must be at least the number of exact zeros. */
START_TEST(test_degenerate_integer_nets)
{
    const uint64_t seed = test_seed(4711);
    test_rng r = {seed};
    cpwl_net_t net;
    slong it, zeros_seen = 0;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(40); it++)
    {
        slong n = test_range(&r, 1, 3), npts = 1, p, kk;
        fmpq *xq;
        double *xd;
        exact_data X;
        for (p = 0; p < n; p++)
            npts *= 7;
        test_random_net(net, &r, n, test_range(&r, 2, 4),
                        test_range(&r, 1, 12), 0);
        xq = _fmpq_vec_init(npts * n);
        xd = flint_malloc(npts * n * sizeof(double));
        /* the grid {-3..3}^n */
        for (p = 0; p < npts; p++)
        {
            slong q = p, j;
            for (j = 0; j < n; j++, q /= 7)
            {
                xd[p * n + j] = (double) (q % 7 - 3);
                fmpq_set_si(xq + p * n + j, q % 7 - 3, 1);
            }
        }
        exact_init(&X, net, xq, npts);
        for (kk = 0; kk < nkernels; kk++)
        {
            slong nund, zeros = 0;
            nund = eval_checked(&X, net, kernels[kk], xd, NULL, npts, 2, seed,
                                it);
            for (p = 0; p < npts * X.ns; p++)
                zeros += X.sign[p] == 0;
            ck_assert_int_ge(nund, zeros);
            zeros_seen += zeros;
        }
        exact_clear(&X);
        _fmpq_vec_clear(xq, npts * n);
        flint_free(xd);
    }
    ck_assert_int_gt(zeros_seen, 100);     /* the test did hit boundaries */
    cpwl_net_clear(net);
}
END_TEST

/* Input errors: the bound must hold for every exact point within Xerr of
   the double point (corners of the error box and random points in it). */
START_TEST(test_input_box)
{
    const uint64_t seed = test_seed(90210);
    test_rng r = {seed};
    cpwl_net_t net;
    slong it;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(50); it++)
    {
        slong n = test_range(&r, 1, 3), npts = (1 << n) + 6, p, j, kk;
        double *xd = flint_malloc(npts * n * sizeof(double));
        double *xe = flint_malloc(npts * n * sizeof(double));
        fmpq *xq = _fmpq_vec_init(npts * n);
        exact_data X;
        fmpq_t q;
        fmpq_init(q);
        test_random_net(net, &r, n, test_range(&r, 2, 4),
                        test_range(&r, 1, 20), 8);
        /* one centre, one error box, many exact points in it */
        for (j = 0; j < n; j++)
        {
            double c = (double) test_range(&r, -64, 64) / 16;
            double e = ldexp(1.0, (int) test_range(&r, -30, -2));
            for (p = 0; p < npts; p++)
            {
                slong s = p < (1 << n) ? (((p >> j) & 1) ? 1024 : -1024)
                          : test_range(&r, -1024, 1024);
                xd[p * n + j] = c;
                xe[p * n + j] = e;
                fmpq_set_double(xq + p * n + j, c);
                fmpq_set_double(q, e);
                fmpq_mul_si(q, q, s);
                fmpq_div_2exp(q, q, 10);
                fmpq_add(xq + p * n + j, xq + p * n + j, q);
            }
        }
        exact_init(&X, net, xq, npts);
        for (kk = 0; kk < nkernels; kk++)
            eval_checked(&X, net, kernels[kk], xd, xe, npts, 1, seed, it);
        exact_clear(&X);
        fmpq_clear(q);
        _fmpq_vec_clear(xq, npts * n);
        flint_free(xd);
        flint_free(xe);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Gradual underflow: w = (3/5, 3/5, -7/5) 2^-537 at x = 2^-537 (1, 1, 1)
   has z = -(1/5) 2^-1074 < 0, but the products round to subnormals that
   sum to +2^-1074 in double.  Only the eta terms of the bound keep that
   bit undecided. */
START_TEST(test_underflow)
{
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    double x[3];
    slong j, kk;
    static const slong num[3] = {3, 3, -7};
    fmpq *xq = _fmpq_vec_init(3);
    exact_data X;
    cpwl_net_init(net, 3);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 1);
    for (j = 0; j < 3; j++)
    {
        fmpq_set_si(fmpq_mat_entry(L->W, 0, j), num[j], 5);
        fmpq_div_2exp(fmpq_mat_entry(L->W, 0, j), fmpq_mat_entry(L->W, 0, j),
                      537);
        x[j] = ldexp(1.0, -537);
        fmpq_set_double(xq + j, x[j]);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    fmpq_one(fmpq_mat_entry(L->W, 0, 0));
    cpwl_net_prepare(net);
    exact_init(&X, net, xq, 1);
    ck_assert_int_eq(X.sign[0], -1);
    for (kk = 0; kk < nkernels; kk++)
    {
        slong nund = eval_checked(&X, net, kernels[kk], x, NULL, 1, 1, 0, 0);
        ck_assert_int_eq(nund, 1);
    }
    exact_clear(&X);
    _fmpq_vec_clear(xq, 3);
    cpwl_net_clear(net);
}
END_TEST

/* Weights and inputs from 2^-1120 to 2^1000 (as test_net's extreme
   scales), leaky slopes up to 2^60: bounds hold, decided bits exact. */
START_TEST(test_extreme_scales)
{
    const uint64_t seed = test_seed(4242);
    test_rng r = {seed};
    cpwl_net_t net;
    slong it;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(75); it++)
    {
        slong n = test_range(&r, 1, 3), npts = 8, p, kk;
        double *xd, *xe;
        fmpq *xq;
        exact_data X;
        test_random_net(net, &r, n, test_range(&r, 2, 4),
                        test_range(&r, 1, 6), (int) test_range(&r, 1, 53));
        test_scale_extreme(net, &r);
        xq = _fmpq_vec_init(npts * n);
        xd = flint_malloc(npts * n * sizeof(double));
        xe = flint_malloc(npts * n * sizeof(double));
        for (p = 0; p < npts * n; p++)
        {
            fmpq_set_si(xq + p, test_range(&r, -1000, 1000), 1);
            fmpq_div_2exp(xq + p, xq + p, test_range(&r, 0, 1080));
        }
        for (p = 0; p < npts; p++)
            ck_assert(
                cpwl_net_round_inputs_d(xd + p * n, xe + p * n, xq + p * n, n));
        exact_init(&X, net, xq, npts);
        for (kk = 0; kk < nkernels; kk++)
            eval_checked(&X, net, kernels[kk], xd, xe, npts, 1, seed, it);
        exact_clear(&X);
        _fmpq_vec_clear(xq, npts * n);
        flint_free(xd);
        flint_free(xe);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Sums that overflow: 1e153 x then 1e155 a_1 - 1.5e155 (a_2 + a_3)
   + 1e308 is below 0 on [1, 2], but its partial sums overflow to +inf in
   double while the bound stays finite (about 1e293).  An overflowed sum
   must leave its bit undecided and its output bound infinite; checked with
   an identity output layer and with the relu layer as the output. */
START_TEST(test_overflowing_sums)
{
    static const double xs[5] = {1.0, 1.25, 1.5, 1.75, 2.0};
    slong v, kk, j;
    for (v = 0; v < 2; v++)
    {
        cpwl_net_t net;
        cpwl_net_layer_struct *L;
        fmpq *xq = _fmpq_vec_init(5);
        exact_data X;
        cpwl_net_init(net, 1);
        L = cpwl_net_add_layer(net, CPWL_NET_RELU, 3);
        for (j = 0; j < 3; j++)
        {
            fmpz_set_ui(fmpq_numref(fmpq_mat_entry(L->W, j, 0)), 10);
            fmpz_pow_ui(fmpq_numref(fmpq_mat_entry(L->W, j, 0)),
                        fmpq_numref(fmpq_mat_entry(L->W, j, 0)), 153);
        }
        L = cpwl_net_add_layer(net, CPWL_NET_RELU, 1);
        fmpz_set_ui(fmpq_numref(fmpq_mat_entry(L->W, 0, 0)), 10);
        fmpz_pow_ui(fmpq_numref(fmpq_mat_entry(L->W, 0, 0)),
                    fmpq_numref(fmpq_mat_entry(L->W, 0, 0)), 155);
        fmpq_mul_si(fmpq_mat_entry(L->W, 0, 1), fmpq_mat_entry(L->W, 0, 0),
                    -3);
        fmpq_div_2exp(fmpq_mat_entry(L->W, 0, 1), fmpq_mat_entry(L->W, 0, 1),
                      1);
        fmpq_set(fmpq_mat_entry(L->W, 0, 2), fmpq_mat_entry(L->W, 0, 1));
        fmpz_set_ui(fmpq_numref(L->b), 10);
        fmpz_pow_ui(fmpq_numref(L->b), fmpq_numref(L->b), 308);
        if (v == 0)
        {
            L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
            fmpq_one(fmpq_mat_entry(L->W, 0, 0));
        }
        cpwl_net_prepare(net);
        for (j = 0; j < 5; j++)
            fmpq_set_double(xq + j, xs[j]);
        exact_init(&X, net, xq, 5);
        ck_assert_int_eq(X.sign[3 * X.ns + 3], -1);    /* x = 7/4: off */
        for (kk = 0; kk < nkernels; kk++)
        {
            cpwl_batch_plan_t P;
            results R;
            cpwl_batch_plan_init(P, net, kernels[kk]);
            results_init(&R, P, 5);
            cpwl_batch_eval(R.Y, R.E, R.pat, R.und, P, xs, NULL, 5, 1);
            check_exact(&X, R.Y, R.E, R.pat, R.und, P->words, 0, v,
                        cpwl_batch_kernel_name(kernels[kk]));
            for (j = 0; j < 5; j++)
            {
                ck_assert_int_eq(cpwl_batch_bit(R.und + j * P->words, 3), 1);
                ck_assert(isinf(R.E[j]));
            }
            results_clear(&R);
            cpwl_batch_plan_clear(P);
        }
        exact_clear(&X);
        _fmpq_vec_clear(xq, 5);
        cpwl_net_clear(net);
    }
}
END_TEST

/* Weights beyond the double range: nothing may be decided. */
START_TEST(test_overflow_declines)
{
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    cpwl_batch_plan_t P;
    double x[2] = {1, 2}, Y[1], E[1];
    uint64_t pat[1], und[1];
    cpwl_net_init(net, 2);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 3);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), 1, 1);
    fmpq_mul_2exp(fmpq_mat_entry(L->W, 0, 0), fmpq_mat_entry(L->W, 0, 0),
                  1100);
    fmpq_set_si(fmpq_mat_entry(L->W, 1, 1), 1, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 1), 1, 1);
    cpwl_net_prepare(net);
    cpwl_batch_plan_init(P, net, CPWL_BATCH_AUTO);
    ck_assert_int_eq(P->ok, 0);
    ck_assert_int_eq(cpwl_batch_eval(Y, E, pat, und, P, x, NULL, 1, 1), 3);
    ck_assert(und[0] == 7 && pat[0] == 0);
    ck_assert(isinf(E[0]));
    cpwl_batch_plan_clear(P);
    cpwl_net_clear(net);
}
END_TEST

/* Wide layers across several words and panels: bits land where
   cpwl_net_pattern puts them (bit k = k-th neuron with a state). */
START_TEST(test_bit_positions)
{
    cpwl_net_t net;
    slong i, j, kk, ns;
    double x[1] = {1.0};
    cpwl_net_layer_struct *L;
    cpwl_net_init(net, 1);
    /* layer 1: 70 neurons z_i = x - i/10 (on for i < 10);
       layer 2: 61 neurons z_i = sum of layer 1 - i (on for i < 45). */
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 70);
    for (i = 0; i < 70; i++)
    {
        fmpq_set_si(fmpq_mat_entry(L->W, i, 0), 1, 1);
        fmpq_set_si(L->b + i, -i, 10);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 61);
    for (i = 0; i < 61; i++)
    {
        for (j = 0; j < 70; j++)
            fmpq_set_si(fmpq_mat_entry(L->W, i, j), 1, 1);
        fmpq_set_si(L->b + i, -i, 1);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), 1, 1);
    cpwl_net_prepare(net);
    ns = cpwl_net_num_states(net);
    ck_assert_int_eq(ns, 131);
    for (kk = 0; kk < nkernels; kk++)
    {
        cpwl_batch_plan_t P;
        uint64_t pat[3], und[3];
        unsigned char st[131];
        fmpq_t q;
        cpwl_batch_plan_init(P, net, kernels[kk]);
        ck_assert_int_eq(P->words, 3);
        cpwl_batch_eval(NULL, NULL, pat, und, P, x, NULL, 1, 1);
        fmpq_init(q);
        fmpq_one(q);
        cpwl_net_pattern_exact(st, net, q);
        fmpq_clear(q);
        /* sum of layer 1 at x = 1: sum_{i<10} (1 - i/10) = 5.5 */
        for (i = 0; i < ns; i++)
        {
            int expect = i < 70 ? i < 10 : (i - 70) < 6;
            ck_assert_int_eq(st[i], expect);
            if (i != 10)        /* z = 1 - 10/10 = 0: undecided */
            {
                ck_assert_int_eq(cpwl_batch_bit(und, i), 0);
                ck_assert_int_eq(cpwl_batch_bit(pat, i), expect);
            }
        }
        ck_assert_int_eq(cpwl_batch_bit(und, 10), 1);
        cpwl_batch_plan_clear(P);
    }
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_pack_roundtrip)
{
    const uint64_t seed = test_seed(5);
    test_rng r = {seed};
    unsigned char s[200], t[200];
    uint64_t w[4];
    slong it, k, ns;
    for (it = 0; it < 100; it++)
    {
        ns = test_range(&r, 0, 200);
        for (k = 0; k < ns; k++)
            s[k] = test_next(&r) & 1;
        batch_pack(w, s, ns);
        cpwl_batch_unpack(t, w, ns);
        ck_assert(ns == 0 || memcmp(s, t, ns) == 0);
        for (k = 0; k < ns; k++)
            ck_assert_int_eq(cpwl_batch_bit(w, k), s[k]);
        for (k = ns; k < (ns + 63) / 64 * 64; k++)
            ck_assert_int_eq(cpwl_batch_bit(w, k), 0);
    }
}
END_TEST

/* ---- reference bounds ----------------------------------------------------

   Actual rounding errors never use all of a bound's terms (the 1 + 2^-30
   slack, the gamma count n + 3, the rounded slope's share), so these tests
   compare the computed bounds with the bounds of the derivation in
   docs/numerics.md ("The batched double path") evaluated exactly in fmpq
   for the same net, points and input error bounds. */

/* 2^-53 and 2^-1074 as rationals. */
static void q_u(fmpq_t q)
{
    fmpq_one(q);
    fmpq_div_2exp(q, q, 53);
}

static void q_eta(fmpq_t q)
{
    fmpq_one(q);
    fmpq_div_2exp(q, q, 1074);
}

/* Whether c >= sqrt(P) + sqrt(Q) (P, Q >= 0), decided exactly. */
static int ge_sqrt_sum(const fmpq_t c, const fmpq_t P, const fmpq_t Q)
{
    fmpq_t t, v;
    int r;
    if (fmpq_sgn(c) < 0)
        return 0;
    fmpq_init(t);
    fmpq_init(v);
    fmpq_mul(t, c, c);
    fmpq_sub(t, t, P);
    fmpq_sub(t, t, Q);
    r = fmpq_sgn(t) >= 0;
    if (r)
    {
        fmpq_mul(t, t, t);
        fmpq_mul(v, P, Q);
        fmpq_mul_2exp(v, v, 2);
        r = fmpq_cmp(t, v) >= 0;
    }
    fmpq_clear(t);
    fmpq_clear(v);
    return r;
}

/* Sum of squares of n doubles (0 for NULL), exactly. */
static void q_sumsq(fmpq_t s, const double *x, slong n)
{
    fmpq_t t;
    slong j;
    fmpq_init(t);
    fmpq_zero(s);
    for (j = 0; x != NULL && j < n; j++)
    {
        fmpq_set_double(t, x[j]);
        fmpq_addmul(s, t, t);
    }
    fmpq_clear(t);
}

/* The derivation's bound for neuron 0 of layer 0 of P at the point x
   with input errors xe:
       T = alpha + beta ||x|| + N ||xe||,
       alpha = (n+3) u |b'| + 2 eta (n+2),  beta = (n+3) u N + 2 eta (n+1),
   with the true norms (the slack must cover every rounding of the code's
   evaluation).  Sets alpha (exactly), and P2, Q2 such that T = alpha +
   sqrt(P2) + sqrt(Q2), each of the last two scaled by k^2. */
static void ref_bound(fmpq_t alpha, fmpq_t P2, fmpq_t Q2, const fmpq_t k,
                      const cpwl_batch_plan_t P, const double *x,
                      const double *xe)
{
    const cpwl_batch_layer_struct *B = P->layers;
    slong n = B->in;
    fmpq_t u, eta, N, beta, t;
    fmpq_init(u);
    fmpq_init(eta);
    fmpq_init(N);
    fmpq_init(beta);
    fmpq_init(t);
    q_u(u);
    q_eta(eta);
    fmpq_set_double(N, B->norm[0]);
    fmpq_set_double(t, fabs(B->bp[0]));
    fmpq_mul_si(alpha, u, n + 3);
    fmpq_mul(alpha, alpha, t);
    fmpq_mul_si(t, eta, 2 * (n + 2));
    fmpq_add(alpha, alpha, t);
    fmpq_mul_si(beta, u, n + 3);
    fmpq_mul(beta, beta, N);
    fmpq_mul_si(t, eta, 2 * (n + 1));
    fmpq_add(beta, beta, t);
    fmpq_mul(beta, beta, k);
    q_sumsq(t, x, n);
    fmpq_mul(P2, beta, beta);
    fmpq_mul(P2, P2, t);
    fmpq_mul(N, N, k);
    q_sumsq(t, xe, n);
    fmpq_mul(Q2, N, N);
    fmpq_mul(Q2, Q2, t);
    fmpq_clear(u);
    fmpq_clear(eta);
    fmpq_clear(N);
    fmpq_clear(beta);
    fmpq_clear(t);
}

/* N_i bounds both row norms: N^2 >= sum W^2 and sum W'^2, exactly. */
static void check_norm(const cpwl_net_layer_struct *L, const cpwl_batch_layer_struct *B)
{
    fmpq_t N2, s, t;
    slong j;
    fmpq_init(N2);
    fmpq_init(s);
    fmpq_init(t);
    fmpq_set_double(N2, B->norm[0]);
    fmpq_mul(N2, N2, N2);
    for (j = 0; j < L->in; j++)
        fmpq_addmul(s, fmpq_mat_entry(L->W, 0, j), fmpq_mat_entry(L->W, 0, j));
    ck_assert(fmpq_cmp(N2, s) >= 0);
    q_sumsq(s, L->Wd, L->in);
    ck_assert(fmpq_cmp(N2, s) >= 0);
    fmpq_clear(N2);
    fmpq_clear(s);
    fmpq_clear(t);
}

/* One neuron, n inputs, weights w (rationals of up to `bits` bits, each
   scaled by 2^wexp), bias the double b; act with slope s (a double). */
static void one_neuron_net(cpwl_net_t net, test_rng *r, slong n, int bits,
                           slong wexp, double b, int act, double s)
{
    cpwl_net_layer_struct *L;
    slong j;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, act, 1);
    for (j = 0; j < n; j++)
    {
        fmpq *w = fmpq_mat_entry(L->W, 0, j);
        do
            test_fmpq(w, r, bits);
        while (fmpq_is_zero(w));
        if (wexp >= 0)
            fmpq_mul_2exp(w, w, wexp);
        else
            fmpq_div_2exp(w, w, -wexp);
    }
    fmpq_set_double(L->b, b);
    if (act == CPWL_NET_LEAKY_RELU)
        fmpq_set_double(L->slope, s);
    cpwl_net_prepare(net);
}

/* The pre-activation bound of every kernel dominates the derivation's T
   (Yerr >= T exactly): removing the slack (ba-slack, avx2-slack,
   avx512-slack) fails where (n+3) u |b'| rounds down and nothing else is
   added (x = 0, so beta A is below the rounding of alpha); counting n + 1
   roundings (ba-n) fails everywhere.  Random points and input errors of
   normal magnitude check the beta and N terms. */
START_TEST(test_reference_bound)
{
    const uint64_t seed = test_seed(1789);
    test_rng r = {seed};
    cpwl_net_t net;
    slong it, iters = 24 + test_iters(40), kk, j;
    fmpq_t one, alpha, P2, Q2, c;
    fmpq_init(one);
    fmpq_init(alpha);
    fmpq_init(P2);
    fmpq_init(Q2);
    fmpq_init(c);
    fmpq_one(one);
    cpwl_net_init(net, 1);
    for (it = 0; it < iters; it++)
    {
        /* 24 fixed cases: n = 1..6, b' = 1 + k 2^-52, x = 0; then random */
        int fixed = it < 24;
        slong n = fixed ? 1 + it / 4 : test_range(&r, 1, 8);
        double b = fixed ? 1 + (double) (1 + it % 4) * 0x1p-52
                   : ldexp((double) (slong) (test_next(&r) >> 11), -52)
                     * (test_next(&r) & 1 ? 1 : -1);
        double x[8], xe[8];
        int withx = !fixed && (test_next(&r) & 1);
        int withe = !fixed && (test_next(&r) & 1);
        one_neuron_net(net, &r, n, fixed ? 20 : (int) test_range(&r, 1, 53),
                       0, b, CPWL_NET_IDENTITY, 0);
        for (j = 0; j < n; j++)
        {
            x[j] = withx ? ldexp((double) (slong) (test_next(&r) >> 11), -53)
                           * (test_next(&r) & 1 ? 1 : -1) : 0.0;
            xe[j] = ldexp((double) (slong) (test_next(&r) >> 11),
                          -53 - (int) test_range(&r, 0, 40));
        }
        for (kk = 0; kk < nkernels; kk++)
        {
            cpwl_batch_plan_t P;
            double Y, E;
            uint64_t pat, und;
            cpwl_batch_plan_init(P, net, kernels[kk]);
            ck_assert_int_eq(P->ok, 1);
            check_norm(net->layers, P->layers);
            cpwl_batch_eval(&Y, &E, &pat, &und, P, x, withe ? xe : NULL, 1, 1);
            ref_bound(alpha, P2, Q2, one, P, x, withe ? xe : NULL);
            fmpq_set_double(c, E);
            fmpq_sub(c, c, alpha);
            if (!ge_sqrt_sum(c, P2, Q2))
                ck_abort_msg("%s: bound %.17g below the derivation's; n = "
                             "%ld, b = %.17g; seed %llu, iteration %ld",
                             cpwl_batch_kernel_name(kernels[kk]), E, (long) n, b,
                             (unsigned long long) seed, (long) it);
            cpwl_batch_plan_clear(P);
        }
    }
    cpwl_net_clear(net);
    fmpq_clear(one);
    fmpq_clear(alpha);
    fmpq_clear(P2);
    fmpq_clear(Q2);
    fmpq_clear(c);
}
END_TEST

/* The leaky_relu step: for an exact z within eps of the computed z' (eps
   the computed bound err, which exact inputs may attain), the derivation
   bounds |a' - s z| by
       R = max(1,|s'|) eps + (u |s'| + eta/2)(|z'| + eps)
           + u |fl(s' z')| + eta/2
   (|s - s'| <= u |s'| + eta/2 for the rounded slope, one rounded
   product), and the code's bound must dominate R.  eps comes from the
   identity twin of the neuron (the same err); at x = 0, z' = b' exactly.
   With s' = 2, z' = 0 the (1 + 2^-30) slack is needed for u |s'| eps
   (ba-leaky-slack); with s' = 2, z' = -1 the 3u |s' z'| term (ba-leaky-u,
   avx2-u3, avx512-u3: eps = (n+3) u is far below |z'|); with tiny
   weights, z' = 0 and s' = 3 the bound is subnormal (eps = 2 eta (n+2),
   the slack rounds away) and the 2 eta term is needed (ba-leaky-eta,
   avx2-eta, avx512-eta). */
START_TEST(test_reference_leaky)
{
    const uint64_t seed = test_seed(1848);
    test_rng r = {seed}, r2;
    cpwl_net_t net, twin;
    slong it, iters = 18 + test_iters(40), kk, j;
    fmpq_t k, c, t, u, e;
    fmpq_init(k);
    fmpq_init(c);
    fmpq_init(e);
    fmpq_init(t);
    fmpq_init(u);
    q_u(u);
    cpwl_net_init(net, 1);
    cpwl_net_init(twin, 1);
    for (it = 0; it < iters; it++)
    {
        /* 18 fixed cases (n = 1..6, the three constructions), then
           random */
        int fixed = it < 18, sub = fixed && it % 3 == 1;
        slong n = fixed ? 1 + it / 3 : test_range(&r, 1, 8);
        double s = fixed ? (sub ? 3.0 : 2.0)
                   : ldexp((double) (slong) (test_next(&r) >> 11),
                           -53 + (int) test_range(&r, -3, 8))
                     * (test_next(&r) & 1 ? 1 : -1);
        double b = fixed ? (it % 3 == 0 ? -1.0 : 0.0)
                   : ldexp((double) (slong) (test_next(&r) >> 11), -52)
                     * (test_next(&r) & 1 ? 1 : -1);
        double x[8] = {0}, xe[8];
        int withe = !fixed && (test_next(&r) & 1);
        r2 = r;
        one_neuron_net(net, &r, n, 20, sub ? -700 : 0, b, CPWL_NET_LEAKY_RELU, s);
        one_neuron_net(twin, &r2, n, 20, sub ? -700 : 0, b, CPWL_NET_IDENTITY, 0);
        for (j = 0; j < n; j++)
            xe[j] = ldexp((double) (slong) (test_next(&r) >> 11),
                          -53 - (int) test_range(&r, 0, 40));
        for (kk = 0; kk < nkernels; kk++)
        {
            cpwl_batch_plan_t P, Q;
            double Y, E, Z, eps, sd = net->layers[0].slope_d;
            uint64_t pat, und;
            cpwl_batch_plan_init(P, net, kernels[kk]);
            cpwl_batch_plan_init(Q, twin, kernels[kk]);
            ck_assert(P->ok && Q->ok);
            cpwl_batch_eval(&Y, &E, &pat, &und, P, x, withe ? xe : NULL, 1, 1);
            cpwl_batch_eval(&Z, &eps, &pat, &und, Q, x, withe ? xe : NULL, 1, 1);
            ck_assert(Z == b);
            /* c = E - R, with k = u |s'| + eta/2 */
            fmpq_set_double(k, fabs(sd));
            fmpq_mul(k, k, u);
            fmpq_set_si(t, 1, 1);
            fmpq_div_2exp(t, t, 1075);
            fmpq_add(k, k, t);
            fmpq_set_double(c, E);
            fmpq_sub(c, c, t);
            fmpq_set_double(t, FLINT_MAX(1.0, fabs(sd)));
            fmpq_set_double(e, eps);
            fmpq_submul(c, t, e);
            fmpq_set_double(t, fabs(b));
            fmpq_add(t, t, e);
            fmpq_submul(c, k, t);
            fmpq_set_double(t, fabs(sd * b));
            fmpq_submul(c, u, t);
            if (fmpq_sgn(c) < 0)
                ck_abort_msg("%s: leaky bound %.17g below the derivation's; "
                             "n = %ld, b = %.17g, s = %.17g; seed %llu, "
                             "iteration %ld", cpwl_batch_kernel_name(kernels[kk]),
                             E, (long) n, b, sd, (unsigned long long) seed,
                             (long) it);
            cpwl_batch_plan_clear(P);
            cpwl_batch_plan_clear(Q);
        }
    }
    cpwl_net_clear(net);
    cpwl_net_clear(twin);
    fmpq_clear(k);
    fmpq_clear(c);
    fmpq_clear(e);
    fmpq_clear(t);
    fmpq_clear(u);
}
END_TEST

/* cpwl_batch_norm_ubound(x)^2 >= sum x^2 exactly, where the computed sum of
   squares rounds down: (1, 2^-27, ...) loses the small squares
   (ba-norm-slack), subnormal coordinates have squares that underflow to 0
   (ba-norm-eta); random vectors whose squares do not overflow. */
START_TEST(test_norm_bound)
{
    const uint64_t seed = test_seed(1453);
    test_rng r = {seed};
    slong it, j, n;
    double x[20];
    fmpq_t a, s;
    fmpq_init(a);
    fmpq_init(s);
    for (it = 0; it < 40 + test_iters(200); it++)
    {
        n = it < 40 ? 1 + it % 20 : test_range(&r, 1, 20);
        for (j = 0; j < n; j++)
            x[j] = it < 20 ? (j == 0 ? 1.0 : 0x1p-27)
                   : it < 40 ? ldexp(1.0, -1074 + (int) j)
                   : ldexp((double) (slong) (test_next(&r) >> 11),
                           (int) test_range(&r, -1126, 440));
        fmpq_set_double(a, cpwl_batch_norm_ubound(x, n));
        fmpq_mul(a, a, a);
        q_sumsq(s, x, n);
        if (fmpq_cmp(a, s) < 0)
            ck_abort_msg("norm bound %.17g below the norm; n = %ld, x0 = "
                         "%.17g; seed %llu, iteration %ld",
                         cpwl_batch_norm_ubound(x, n), (long) n, x[0],
                         (unsigned long long) seed, (long) it);
    }
    fmpq_clear(a);
    fmpq_clear(s);
}
END_TEST

/* Weights that round to subnormals: w = (2/3) eta rounds to eta, and at
   x = 2^100 each product carries (1/3) eta 2^100 of weight rounding, which
   only the 2 eta (n+1) A part of beta covers ((n+3) u N underflows to 0:
   ba-beta-eta).  Also subnormal inputs under large weights: their squares
   underflow, and only the (n+1) eta of the norm bound keeps A > 0
   (ba-norm-eta). */
START_TEST(test_subnormal_terms)
{
    slong n, j, kk, v;
    for (v = 0; v < 2; v++)
        for (n = 1; n <= 4; n++)
        {
            cpwl_net_t net;
            cpwl_net_layer_struct *L;
            double x[4];
            fmpq *xq = _fmpq_vec_init(n);
            exact_data X;
            cpwl_net_init(net, n);
            L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
            for (j = 0; j < n; j++)
            {
                fmpq *w = fmpq_mat_entry(L->W, 0, j);
                if (v == 0)
                {
                    fmpq_set_si(w, 2, 3);
                    fmpq_div_2exp(w, w, 1074);
                    x[j] = 0x1p100;
                }
                else
                {
                    /* 2^1000 + 2^946 j: the sum rounds */
                    fmpq_set_si(w, 1, 1);
                    fmpq_mul_2exp(w, w, j == 0 ? 1000 : 946);
                    x[j] = 0x1p-1074;
                }
                fmpq_set_double(xq + j, x[j]);
            }
            cpwl_net_prepare(net);
            exact_init(&X, net, xq, 1);
            for (kk = 0; kk < nkernels; kk++)
            {
                cpwl_batch_plan_t P;
                cpwl_batch_plan_init(P, net, kernels[kk]);
                ck_assert_int_eq(P->ok, 1);
                cpwl_batch_plan_clear(P);
                eval_checked(&X, net, kernels[kk], x, NULL, 1, 1, 0, n);
            }
            exact_clear(&X);
            _fmpq_vec_clear(xq, n);
            cpwl_net_clear(net);
        }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("core");
    find_kernels();
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pack_roundtrip);
    tcase_add_test(tc, test_bit_positions);
    tcase_add_test(tc, test_overflow_declines);
    tcase_add_test(tc, test_random_nets);
    tcase_add_test(tc, test_float_nets_decided);
    tcase_add_test(tc, test_degenerate_integer_nets);
    tcase_add_test(tc, test_input_box);
    tcase_add_test(tc, test_underflow);
    tcase_add_test(tc, test_extreme_scales);
    tcase_add_test(tc, test_overflowing_sums);
    tcase_add_test(tc, test_reference_bound);
    tcase_add_test(tc, test_reference_leaky);
    tcase_add_test(tc, test_norm_bound);
    tcase_add_test(tc, test_subnormal_terms);
    suite_add_tcase(s, tc);
    return test_run(s);
}
