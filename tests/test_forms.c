/* Tests of the affine forms under a pattern: the forms evaluated at a
   point must give the pre-activations computed directly by the network
   (cpwl_net_preacts_fmpq, an independent forward pass) at every point of the
   pattern's region; the backward row must equal the forward layer; the
   double forms must lie within their proven bounds of the exact ones
   (compared as rationals). */
#include <math.h>
#include "testutil.h"

#define SEED 20261127

/* The exact rational value of a double. */
static void check_net(const cpwl_net_t net, test_rng *r, int bits, uint64_t seed)
{
    slong n = net->input_dim, c = n + 1, l, j, k, trial;
    slong ns = cpwl_net_num_states(net);
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    fmpq *x = _fmpq_vec_init(n);
    fmpq **z = cpwl_net_preacts_init(net);
    fmpq_t v, t;
    fmpq_init(v);
    fmpq_init(t);

    for (trial = 0; trial < 4; trial++)
    {
        for (k = 0; k < n; k++)
            test_fmpq(x + k, r, bits);
        cpwl_net_pattern_exact(st, net, x);
        cpwl_net_preacts_fmpq(z, net, x);
        for (l = 0; l < net->nlayers; l++)
        {
            slong w = net->layers[l].out;
            fmpq *Z = _fmpq_vec_init(w * c), *row = _fmpq_vec_init(c);
            double *Zd = flint_malloc(w * c * sizeof(double));
            double *Ed = flint_malloc(w * c * sizeof(double));
            int ok;
            forms_layer_fmpq(Z, net, st, l);
            ok = forms_layer_d(Zd, Ed, net, st, l);
            for (j = 0; j < w; j++)
            {
                /* the form at x is the pre-activation at x */
                fmpq_set(v, Z + j * c + n);
                for (k = 0; k < n; k++)
                    fmpq_addmul(v, Z + j * c + k, x + k);
                ck_assert_msg(fmpq_equal(v, z[l] + j), "seed %llu layer %ld "
                              "neuron %ld: form != pre-activation",
                              (unsigned long long) seed, (long) l, (long) j);
                /* the backward row is the same form */
                forms_row_fmpq(row, net, st, l, j);
                for (k = 0; k < c; k++)
                    ck_assert_msg(fmpq_equal(row + k, Z + j * c + k),
                                  "seed %llu: row != layer form",
                                  (unsigned long long) seed);
                /* the double form is within its bound, exactly */
                for (k = 0; ok && k < c; k++)
                {
                    test_fmpq_of_d(t, Zd[j * c + k]);
                    fmpq_sub(t, t, Z + j * c + k);
                    fmpq_abs(t, t);
                    test_fmpq_of_d(v, Ed[j * c + k]);
                    ck_assert_msg(fmpq_cmp(t, v) <= 0, "seed %llu: double "
                                  "form outside its bound",
                                  (unsigned long long) seed);
                }
            }
            _fmpq_vec_clear(Z, w * c);
            _fmpq_vec_clear(row, c);
            flint_free(Zd);
            flint_free(Ed);
        }
    }
    fmpq_clear(v);
    fmpq_clear(t);
    cpwl_net_preacts_clear(z, net);
    _fmpq_vec_clear(x, n);
    flint_free(st);
}

START_TEST(test_forms_random)
{
    static const int bits[] = {0, 8, 30};
    test_rng r;
    slong i;
    cpwl_net_t net;
    const uint64_t base = test_seed(SEED);
    cpwl_net_init(net, 1);
    for (i = 0; i < test_iters(120); i++)
    {
        uint64_t seed = base + i;
        r.s = seed;
        test_random_net(net, &r, test_range(&r, 1, 4), test_range(&r, 1, 4),
                        6, bits[i % 3]);
        check_net(net, &r, bits[i % 3], seed);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Hand-computed: layer 0 = (relu(x - y), relu(y)), layer 1 =
   relu(a_0 - 1).  Where the first neuron is on and the second off, the
   pre-activation of layer 1 is x - y - 1: the form (1, -1, -1). */
START_TEST(test_forms_hand)
{
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    fmpq *Z = _fmpq_vec_init(3);
    cpwl_net_init(net, 2);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), 1, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 1), -1, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 1, 1), 1, 1);   /* relu(y): off below */
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), 1, 1);
    fmpq_set_si(L->b + 0, -1, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    cpwl_net_prepare(net);
    /* state bytes: layer 0 (two), layer 1 (one); the output has none */
    {
        unsigned char s3[3] = {1, 0, 1};
        forms_layer_fmpq(Z, net, s3, 1);          /* z_1 = (x - y) - 1 */
        ck_assert(fmpq_equal_si(Z + 0, 1) && fmpq_equal_si(Z + 1, -1)
                  && fmpq_equal_si(Z + 2, -1));
    }
    ck_assert_int_eq(forms_state_offset(net, 0), 0);
    ck_assert_int_eq(forms_state_offset(net, 1), 2);
    ck_assert_int_eq(forms_state_offset(net, 2), -1);
    _fmpq_vec_clear(Z, 3);
    cpwl_net_clear(net);
}
END_TEST

/* A rational that is a double with few bits set (2^e (1 +- 2^-a)), one
   such double plus a third of its ulp, or a random fraction: products and
   sums of these tie, cancel and round badly. */
static void adv_weight(fmpq_t q, test_rng *r, slong base)
{
    double m = 1;
    int e = (int) (base + test_range(r, -30, 30));
    fmpq_t t;
    if (test_range(r, 0, 2) == 0)
    {
        test_fmpq(q, r, (int) test_range(r, 1, 60));
        return;
    }
    if (test_next(r) & 1)
        m += ((test_next(r) & 1) ? 1 : -1) * ldexp(1, -(int) test_range(r, 1, 52));
    test_fmpq_of_d(q, (test_next(r) & 1) ? -m : m);
    if (e >= 0)
        fmpq_mul_2exp(q, q, (ulong) e);
    else
        fmpq_div_2exp(q, q, (ulong) -e);
    if (test_next(r) & 1)
    {
        fmpq_init(t);
        fmpq_set_si(t, (test_next(r) & 1) ? 1 : -1, 3);
        fmpq_mul(t, t, q);
        fmpq_div_2exp(t, t, 53);
        fmpq_add(q, q, t);
        fmpq_clear(t);
    }
}

/* Adversarial weights near 2^base and biases near 2^(base +- 60) for
   every neuron of L. */
static void adv_layer(cpwl_net_layer_struct *L, test_rng *r, slong base)
{
    slong i, j;
    for (i = 0; i < L->out; i++)
    {
        for (j = 0; j < L->in; j++)
            adv_weight(fmpq_mat_entry(L->W, i, j), r, base);
        adv_weight(L->b + i, r, base + test_range(r, -60, 60));
    }
}

/* Double forms of every layer, and the output layer's activation step
   (what regions.c compares maps with), within their bounds of the exact
   ones, for nets with adversarial weights over the whole double range and
   arbitrary patterns (forms are defined for any pattern). */
START_TEST(test_forms_extreme)
{
    const uint64_t seed = test_seed(20261209);
    test_rng r = {seed};
    slong it, n = test_iters(300);
    cpwl_net_t net;
    fmpq_t t, v;
    fmpq_init(t);
    fmpq_init(v);
    cpwl_net_init(net, 1);
    for (it = 0; it < n; it++)
    {
        slong d = test_range(&r, 1, 3), depth = test_range(&r, 1, 4);
        slong l, k, ns, c = d + 1;
        slong base = test_range(&r, 0, 3) == 0 ? test_range(&r, -1000, 900)
                                                : test_range(&r, -20, 20);
        unsigned char *st;
        test_random_net_widths(net, &r, d, depth, 1, 5, 8);
        for (l = 0; l < net->nlayers; l++)
        {
            cpwl_net_layer_struct *L = net->layers + l;
            /* the last layer relu or leaky too, for forms_act_d on it */
            if (l + 1 == net->nlayers && (test_next(&r) & 1))
            {
                L->act = (test_next(&r) & 1) ? CPWL_NET_RELU : CPWL_NET_LEAKY_RELU;
                fmpq_set_si(L->slope, test_range(&r, -3, 3),
                            (ulong) test_range(&r, 1, 5));
            }
            adv_layer(L, &r, base);
            if (L->act == CPWL_NET_LEAKY_RELU && (test_next(&r) & 1))
                adv_weight(L->slope, &r, test_range(&r, -40, 40));
        }
        cpwl_net_prepare(net);
        ns = cpwl_net_num_states(net);
        st = flint_malloc(FLINT_MAX(ns, 1));
        for (k = 0; k < ns; k++)
            st[k] = (unsigned char) (test_next(&r) & 1);
        for (l = 0; l < net->nlayers; l++)
        {
            slong w = net->layers[l].out;
            fmpq *Z = _fmpq_vec_init(w * c);
            double *Zd = flint_malloc(w * c * sizeof(double));
            double *Ed = flint_malloc(w * c * sizeof(double));
            int pass, ok;
            forms_layer_fmpq(Z, net, st, l);
            ok = forms_layer_d(Zd, Ed, net, st, l);
            for (pass = 0; pass < 2 && ok; pass++)
            {
                if (pass == 1)
                {
                    if (forms_state_offset(net, l) < 0)
                        break;
                    forms_act_fmpq(Z, net, l, st);
                    forms_act_d(Zd, Ed, net, l, st);
                }
                for (k = 0; k < w * c; k++)
                {
                    if (!isfinite(Zd[k]) || !isfinite(Ed[k]))
                        continue;
                    test_fmpq_of_d(t, Zd[k]);
                    fmpq_sub(t, t, Z + k);
                    fmpq_abs(t, t);
                    test_fmpq_of_d(v, Ed[k]);
                    if (fmpq_cmp(t, v) > 0)
                        ck_abort_msg("layer %ld %s, entry %ld: %a +- %a "
                                     "misses the exact form; seed %llu, "
                                     "iteration %ld", (long) l,
                                     pass ? "activated" : "pre-activation",
                                     (long) k, Zd[k], Ed[k],
                                     (unsigned long long) seed, (long) it);
                }
            }
            _fmpq_vec_clear(Z, w * c);
            flint_free(Zd);
            flint_free(Ed);
        }
        flint_free(st);
    }
    cpwl_net_clear(net);
    fmpq_clear(t);
    fmpq_clear(v);
}
END_TEST

/* forms_act_d on given doubles with zero bounds (exact inputs): a leaky
   slope that is not a double (1/3) and products that round or underflow
   (3 eta * 1/3 is not a subnormal).  The exact slope times the exact
   input must lie within the returned bound. */
START_TEST(test_forms_act_exact_inputs)
{
    static const double zs[] = {1.0, 3.0, 0x1.8p-1074, 0x1p-1074, 0x1.5555p+700,
                                -0x1.fffffffffffffp-1, 0x1p-1022};
    const slong nz = sizeof(zs) / sizeof(zs[0]);
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    unsigned char st[1] = {0};
    fmpq_t t, v;
    slong k, q;
    fmpq_init(t);
    fmpq_init(v);
    for (q = 1; q <= 7; q += 2)
        for (k = 0; k < nz; k++)
        {
            double Z[2], E[2] = {0, 0};
            cpwl_net_init(net, 1);
            L = cpwl_net_add_layer(net, CPWL_NET_LEAKY_RELU, 1);
            fmpq_one(fmpq_mat_entry(L->W, 0, 0));
            fmpq_set_si(L->slope, q == 1 ? 1 : -1, (ulong) q + 2);
            cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
            cpwl_net_prepare(net);
            Z[0] = zs[k];
            Z[1] = -zs[k] / 4;
            forms_act_d(Z, E, net, 0, st);
            {
                slong i;
                for (i = 0; i < 2; i++)
                {
                    test_fmpq_of_d(v, i == 0 ? zs[k] : -zs[k] / 4);
                    fmpq_mul(v, v, net->layers[0].slope);
                    test_fmpq_of_d(t, Z[i]);
                    fmpq_sub(t, t, v);
                    fmpq_abs(t, t);
                    test_fmpq_of_d(v, E[i]);
                    if (fmpq_cmp(t, v) > 0)
                        ck_abort_msg("forms_act_d: slope 1/%ld times %a gives "
                                     "%a +- %a", (long) q + 2, zs[k], Z[i],
                                     E[i]);
                }
            }
            cpwl_net_clear(net);
        }
    fmpq_clear(t);
    fmpq_clear(v);
}
END_TEST

/* The a-priori bound of docs/numerics.md ("Double evaluation") for one
   entry of forms_affine_d, in exact arithmetic: with the exact weights W,
   bias B, their doubles w, bd and the double inputs a with bounds ea,
     gamma_{n+1} (|bd| + sum |w_t a_t|)   (recursive summation, Higham
                                           Lemma 3.1 and Section 3.1)
     + (n+1) eta/2                         (underflow of the products)
     + u (sum |W_t||a_t| + |B|) + (eta/2)(sum |a_t| + 1)  (|W - w| <= u|W| + eta/2)
     + sum |W_t| ea_t                      (input errors, exact weights).
   The computed bound must dominate it; (n+1)u in place of (n+3)u does not. */
static void ref_affine_bound(fmpq_t R, const cpwl_net_layer_struct *K, slong i,
                             const double *A, const double *EA, slong c,
                             slong col, int with_bias)
{
    slong t, n = K->in;
    fmpq_t g, x, y, sum, u, eta;
    fmpq_init(g); fmpq_init(x); fmpq_init(y); fmpq_init(sum);
    fmpq_init(u); fmpq_init(eta);
    test_u_eta(u, eta);
    test_gamma(g, n + 1);               /* gamma_{n+1} */

    fmpq_zero(sum);                       /* |bd| + sum |w_t a_t| */
    if (with_bias)
        test_fmpq_of_d(sum, fabs(K->bd[i]));
    for (t = 0; t < n; t++)
    {
        test_fmpq_of_d(x, fabs(K->Wd[i * n + t]));
        test_fmpq_of_d(y, fabs(A[t * c + col]));
        fmpq_addmul(sum, x, y);
    }
    fmpq_mul(R, g, sum);
    fmpq_set_si(x, n + 1, 2);
    fmpq_addmul(R, x, eta);

    fmpq_zero(sum);                       /* sum |W_t||a_t| + |B| */
    if (with_bias)
        fmpq_abs(sum, K->b + i);
    for (t = 0; t < n; t++)
    {
        fmpq_abs(x, fmpq_mat_entry(K->W, i, t));
        test_fmpq_of_d(y, fabs(A[t * c + col]));
        fmpq_addmul(sum, x, y);
    }
    fmpq_addmul(R, u, sum);

    fmpq_one(sum);                        /* (eta/2)(sum |a_t| + 1) */
    for (t = 0; t < n; t++)
    {
        test_fmpq_of_d(y, fabs(A[t * c + col]));
        fmpq_add(sum, sum, y);
    }
    fmpq_div_2exp(sum, sum, 1);
    fmpq_addmul(R, eta, sum);

    for (t = 0; t < n; t++)               /* sum |W_t| ea_t */
    {
        fmpq_abs(x, fmpq_mat_entry(K->W, i, t));
        test_fmpq_of_d(y, EA[t * c + col]);
        fmpq_addmul(R, x, y);
    }
    fmpq_clear(g); fmpq_clear(x); fmpq_clear(y); fmpq_clear(sum);
    fmpq_clear(u); fmpq_clear(eta);
}

/* Random rational weights (1-60 bits, not doubles) for layer L and
   random double inputs A (len entries) near 2^e0, with error bounds EA
   (0 when exact_in). */
static void ref_layer_inputs(cpwl_net_layer_struct *L, double *A, double *EA,
                             slong len, int exact_in, int e0, test_rng *r)
{
    slong i, t;
    for (i = 0; i < L->out; i++)
    {
        for (t = 0; t < L->in; t++)
            test_fmpq(fmpq_mat_entry(L->W, i, t), r,
                      (int) test_range(r, 1, 60));
        test_fmpq(L->b + i, r, (int) test_range(r, 1, 60));
    }
    for (t = 0; t < len; t++)
    {
        A[t] = ldexp((double) (test_next(r) >> 11), e0 - 53
                     + (int) test_range(r, -4, 4));
        if (test_next(r) & 1)
            A[t] = -A[t];
        EA[t] = exact_in ? 0.0 : ldexp((double) (test_next(r) >> 11),
                                       e0 - 53 - (int) test_range(r, 0, 60));
    }
}

/* forms_affine_d's bounds against ref_affine_bound, on one-layer nets with
   random rational weights (1-60 bits, not doubles) at random double
   inputs: exact inputs (EA = 0, where the (n+3) u S term must carry the
   summation and the weight rounding) and inputs with error bounds. */
START_TEST(test_forms_affine_reference)
{
    const uint64_t seed = test_seed(20261206);
    test_rng r = {seed};
    slong it;
    fmpq_t R, v;
    fmpq_init(R);
    fmpq_init(v);
    for (it = 0; it < test_iters(400); it++)
    {
        slong d = test_range(&r, 1, 12), c = d + 1, i, col;
        slong out = test_range(&r, 1, 3);
        int exact_in = (int) (it & 1);
        int e0 = (int) test_range(&r, -900, 900);
        double *A = flint_malloc(d * c * sizeof(double));
        double *EA = flint_malloc(d * c * sizeof(double));
        double *Z = flint_malloc(out * c * sizeof(double));
        double *E = flint_malloc(out * c * sizeof(double));
        cpwl_net_t net;
        cpwl_net_layer_struct *L;
        cpwl_net_init(net, d);
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, out);
        ref_layer_inputs(L, A, EA, d * c, exact_in, e0, &r);
        cpwl_net_prepare(net);
        if (forms_affine_d(Z, E, net, 0, A, EA))
            for (i = 0; i < out; i++)
                for (col = 0; col < c; col++)
                {
                    ref_affine_bound(R, net->layers + 0, i, A, EA, c, col,
                                     col == d);
                    test_fmpq_of_d(v, E[i * c + col]);
                    if (fmpq_cmp(v, R) < 0)
                        ck_abort_msg("seed %llu iteration %ld: forms_affine_d "
                                     "bound %a below the a-priori bound",
                                     (unsigned long long) seed, (long) it,
                                     E[i * c + col]);
                }
        cpwl_net_clear(net);
        flint_free(A);
        flint_free(EA);
        flint_free(Z);
        flint_free(E);
    }
    fmpq_clear(R);
    fmpq_clear(v);
}
END_TEST

/* Input errors attained by actual inputs, where the 1 + 2^-30 factor is
   what keeps the bound valid.
   forms_affine_d: weights 1 + 2^-54 (rounded to 1) on inputs 0 with
   bounds 1, t, t, t (t = 2^-53 - 2^-63: each product is exact and each
   addition 1 + t rounds down to 1, so T = 1); the exact inputs 1, t, t, t
   give 1 + 3t + 2^-54 (1 + 3t) > 1 = the bound without the factor.
   forms_act_d: slope S = 2 + 2^-52 - 2^-100 (rounded to 2) on z = 0 with
   bound 1; the exact input 1 gives S > 2 = the bound without the factor. */
START_TEST(test_forms_slack_attained)
{
    const double tt = 0x1p-53 - 0x1p-63;
    double A[4 * 5] = {0}, EA[4 * 5] = {0}, Z[5], E[5];
    fmpq *Aq = _fmpq_vec_init(4 * 5), *Zq = _fmpq_vec_init(5);
    fmpq_t v, w;
    unsigned char st[1] = {0};
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    slong t, col;
    fmpq_init(v);
    fmpq_init(w);

    cpwl_net_init(net, 4);
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    fmpq_set_si(w, 1, 1);
    fmpq_div_2exp(v, w, 54);
    fmpq_add(w, w, v);                    /* 1 + 2^-54 */
    for (t = 0; t < 4; t++)
    {
        fmpq_set(fmpq_mat_entry(L->W, 0, t), w);
        EA[t * 5] = t == 0 ? 1.0 : tt;
        test_fmpq_of_d(Aq + t * 5, EA[t * 5]); /* the exact input at its bound */
    }
    cpwl_net_prepare(net);
    ck_assert(forms_affine_d(Z, E, net, 0, A, EA));
    forms_affine_fmpq(Zq, net, 0, Aq);
    for (col = 0; col < 5; col++)
    {
        test_fmpq_of_d(v, Z[col]);
        fmpq_sub(v, v, Zq + col);
        fmpq_abs(v, v);
        test_fmpq_of_d(w, E[col]);
        ck_assert_msg(fmpq_cmp(v, w) <= 0, "forms_affine_d: column %ld "
                      "outside its bound %a", (long) col, E[col]);
    }
    cpwl_net_clear(net);

    cpwl_net_init(net, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_LEAKY_RELU, 1);
    fmpq_one(fmpq_mat_entry(L->W, 0, 0));
    fmpq_set_si(w, 1, 1);
    fmpq_div_2exp(w, w, 100);
    fmpq_set_si(v, 1, 1);
    fmpq_div_2exp(v, v, 52);
    fmpq_sub(v, v, w);
    fmpq_set_si(w, 2, 1);
    fmpq_add(L->slope, w, v);             /* 2 + 2^-52 - 2^-100 */
    cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    cpwl_net_prepare(net);
    ck_assert(net->layers[0].slope_d == 2.0);
    Z[0] = 0;
    Z[1] = 0;
    E[0] = 1;
    E[1] = 0;
    forms_act_d(Z, E, net, 0, st);
    test_fmpq_of_d(v, Z[0]);
    fmpq_sub(v, v, net->layers[0].slope); /* exact: S * (0 + 1) */
    fmpq_abs(v, v);
    test_fmpq_of_d(w, E[0]);
    ck_assert_msg(fmpq_cmp(v, w) <= 0, "forms_act_d: %a +- %a misses the "
                  "slope times 1", Z[0], E[0]);
    cpwl_net_clear(net);
    _fmpq_vec_clear(Aq, 4 * 5);
    _fmpq_vec_clear(Zq, 5);
    fmpq_clear(v);
    fmpq_clear(w);
}
END_TEST

/* |Zd - Z| <= Ed entrywise, exactly (3 columns per neuron). */
static void check_within(const fmpq *Z, const double *Zd, const double *Ed,
                         slong len, const char *what, uint64_t seed,
                         slong it)
{
    fmpq_t t, v;
    slong k;
    fmpq_init(t);
    fmpq_init(v);
    for (k = 0; k < len; k++)
    {
        test_fmpq_of_d(t, Zd[k]);
        fmpq_sub(t, t, Z + k);
        fmpq_abs(t, t);
        test_fmpq_of_d(v, Ed[k]);
        if (fmpq_cmp(t, v) > 0)
            ck_abort_msg("%s: entry %ld: %a +- %a misses the exact form; "
                         "seed %llu, iteration %ld", what, (long) k, Zd[k],
                         Ed[k], (unsigned long long) seed, (long) it);
    }
    fmpq_clear(t);
    fmpq_clear(v);
}

/* Carried forms (issue 12): forms_next_d (one masked product from the
   previous layer's forms) and chains of forms_update_d (rank-one updates
   between patterns that differ in the previous layer) stay within their
   bounds of the exact forms of the pattern they end at, on nets with
   adversarial weights over the whole double range; the chains are as
   long as the 2-D method allows (48 updates) and flip neurons back and
   forth, so that terms cancel. */
START_TEST(test_forms_carried)
{
    const uint64_t seed = test_seed(20261206);
    test_rng r = {seed};
    slong it, n = test_iters(150);
    cpwl_net_t net;
    forms_plan_t F;
    cpwl_net_init(net, 2);
    for (it = 0; it < n; it++)
    {
        slong depth = test_range(&r, 2, 3), l, k, ns, hop;
        slong base = test_range(&r, 0, 3) == 0 ? test_range(&r, -1000, 900)
                                                : test_range(&r, -20, 20);
        unsigned char *st, *sq;
        test_random_net_widths(net, &r, 2, depth, 1, 9, 8);
        for (l = 0; l < net->nlayers; l++)
        {
            cpwl_net_layer_struct *L = net->layers + l;
            /* now and then a leaky layer: forms_next_d's general path */
            if (l + 1 < net->nlayers && test_range(&r, 0, 4) == 0)
            {
                L->act = CPWL_NET_LEAKY_RELU;
                fmpq_set_si(L->slope, test_range(&r, -3, 3),
                            (ulong) test_range(&r, 1, 5));
            }
            adv_layer(L, &r, base);
        }
        cpwl_net_prepare(net);
        forms_plan_init(F, net);
        ns = cpwl_net_num_states(net);
        st = flint_malloc(FLINT_MAX(ns, 1));
        sq = flint_malloc(FLINT_MAX(ns, 1));
        for (k = 0; k < ns; k++)
            st[k] = (unsigned char) (test_next(&r) & 1);
        for (l = 1; l < net->nlayers; l++)
        {
            slong w = net->layers[l].out, wp = net->layers[l - 1].out;
            slong off = forms_state_offset(net, l - 1);
            fmpq *Z = _fmpq_vec_init(3 * w);
            double *Zp = flint_malloc(3 * wp * sizeof(double));
            double *Ep = flint_malloc(3 * wp * sizeof(double));
            double *Zd = flint_malloc(4 * 3 * w * sizeof(double));
            double *Ed = Zd + 3 * w, *Zq = Zd + 6 * w, *Eq = Zd + 9 * w;
            if (off < 0 || !forms_layer_d(Zp, Ep, net, st, l - 1))
                goto next;
            /* one product from the previous layer's forms */
            if (forms_next_d(Zd, Ed, F, net, l, Zp, Ep, st))
            {
                forms_layer_fmpq(Z, net, st, l);
                check_within(Z, Zd, Ed, 3 * w, "forms_next_d", seed, it);
            }
            else
                goto next;
            if (net->layers[l - 1].act != CPWL_NET_RELU)
            {
                ck_assert_msg(!forms_update_d(Zq, Eq, F, net, l, Zd, Ed, Zp,
                                              Ep, st, st),
                              "forms_update_d after a non-relu layer");
                goto next;
            }
            /* a chain of updates, each from the last pattern */
            memcpy(sq, st, ns);
            for (hop = 0; hop < 48; hop++)
            {
                unsigned char *s0 = flint_malloc(ns);
                slong flips = test_range(&r, 1, 3), f;
                memcpy(s0, sq, ns);
                for (f = 0; f < flips; f++)
                {
                    slong t = off + test_range(&r, 0, wp - 1);
                    sq[t] = !sq[t];
                }
                if (!forms_update_d(Zq, Eq, F, net, l, Zd, Ed, Zp, Ep, sq, s0))
                {
                    flint_free(s0);
                    break;
                }
                forms_layer_fmpq(Z, net, sq, l);
                check_within(Z, Zq, Eq, 3 * w, "forms_update_d", seed, it);
                memcpy(Zd, Zq, 3 * w * sizeof(double));
                memcpy(Ed, Eq, 3 * w * sizeof(double));
                flint_free(s0);
            }
        next:
            _fmpq_vec_clear(Z, 3 * w);
            flint_free(Zp);
            flint_free(Ep);
            flint_free(Zd);
        }
        forms_plan_clear(F);
        flint_free(st);
        flint_free(sq);
    }
    cpwl_net_clear(net);
}
END_TEST

/* The nearest double to q and a radius just covering it. */
static void tight_d(double *m, double *rad, const fmpq_t q)
{
    fmpq_t t;
    fmpq_init(t);
    *m = cpwl_num_fmpq_get_d(q);
    test_fmpq_of_d(t, *m);
    fmpq_sub(t, t, q);
    fmpq_abs(t, t);
    *rad = cpwl_num_fmpq_get_d(t);
    if (*rad > 0)
        *rad = nextafter(*rad, INFINITY);
    fmpq_clear(t);
}

/* One update with exact (or tightly bounded) inputs and cancellation:
   z_1 = w0 a + w1 a + b over one relu pair of the same form a, flipping
   the second on: the result w0 a + w1 a + b is tiny while w1 a is not,
   the weights are not doubles (a third of an ulp off) or subnormal.
   Every rounding term of the update's bound (the weight's u|w| and its
   eta/2 when subnormal) is needed here: the remaining slack of the
   interval operations is u of the (small) result. */
START_TEST(test_forms_update_tight)
{
    const uint64_t seed = test_seed(20261207);
    test_rng r = {seed};
    slong it, n = test_iters(20000);
    cpwl_net_t net;
    forms_plan_t F;
    fmpq *Z = _fmpq_vec_init(3);
    fmpq_t t;
    fmpq_init(t);
    cpwl_net_init(net, 2);
    cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (it = 0; it < n; it++)
    {
        unsigned char sr[2] = {1, 0}, sq[2] = {1, 1};
        double Zp[6], Ep[6] = {0, 0, 0, 0, 0, 0}, Zr[3], Er[3], Zq[3], Eq[3];
        slong k, e = test_range(&r, 0, 3) == 0 ? -1074 + test_range(&r, 0, 60)
                                                 : test_range(&r, -30, 30);
        cpwl_net_layer_struct *L0 = net->layers, *L1 = net->layers + 1;
        /* layer 0: two equal rows of doubles, so that Zp is exact */
        for (k = 0; k < 2; k++)
        {
            double v = ldexp((double) test_range(&r, 1, 1 << 20), -10)
                       * ((test_next(&r) & 1) ? 1 : -1);
            test_fmpq_of_d(fmpq_mat_entry(L0->W, 0, k), v);
            test_fmpq_of_d(fmpq_mat_entry(L0->W, 1, k), v);
        }
        test_fmpq_of_d(L0->b + 0, ldexp((double) test_range(&r, 0, 1 << 20), -10));
        fmpq_set(L0->b + 1, L0->b + 0);
        /* layer 1: w1 adversarial, w0 = -w1 (1 + tiny), b anything */
        adv_weight(fmpq_mat_entry(L1->W, 0, 1), &r, 0);
        fmpq_mul_2exp(fmpq_mat_entry(L1->W, 0, 1),
                      fmpq_mat_entry(L1->W, 0, 1), 0);
        if (e < 0)
            fmpq_div_2exp(fmpq_mat_entry(L1->W, 0, 1),
                          fmpq_mat_entry(L1->W, 0, 1), (ulong) -e);
        else
            fmpq_mul_2exp(fmpq_mat_entry(L1->W, 0, 1),
                          fmpq_mat_entry(L1->W, 0, 1), (ulong) e);
        fmpq_set_si(t, test_range(&r, -8, 8), 1);
        fmpq_div_2exp(t, t, (ulong) test_range(&r, 20, 60));
        fmpq_add_si(t, t, 1);
        fmpq_mul(fmpq_mat_entry(L1->W, 0, 0), fmpq_mat_entry(L1->W, 0, 1), t);
        fmpq_neg(fmpq_mat_entry(L1->W, 0, 0), fmpq_mat_entry(L1->W, 0, 0));
        fmpq_zero(L1->b);
        cpwl_net_prepare(net);
        if (!net->layers[1].d_ok)
            continue;
        forms_plan_init(F, net);
        for (k = 0; k < 6; k++)
            Zp[k] = cpwl_num_fmpq_get_d(k % 3 < 2 ? fmpq_mat_entry(L0->W, k / 3, k % 3)
                                        : L0->b + k / 3);
        forms_layer_fmpq(Z, net, sr, 1);
        for (k = 0; k < 3; k++)
            tight_d(Zr + k, Er + k, Z + k);
        if (forms_update_d(Zq, Eq, F, net, 1, Zr, Er, Zp, Ep, sq, sr))
        {
            forms_layer_fmpq(Z, net, sq, 1);
            check_within(Z, Zq, Eq, 3, "forms_update_d (tight)", seed, it);
        }
        forms_plan_clear(F);
    }
    cpwl_net_clear(net);
    _fmpq_vec_clear(Z, 3);
    fmpq_clear(t);
}
END_TEST

/* forms_next_d's bounds against the same a-priori bound (its sums run in
   another order; the bound does not depend on it), on a relu layer of
   width n with all states on, feeding a layer with random rational
   weights; and the input errors attained by actual inputs, where the
   1 + 2^-30 factor keeps it valid (as in test_forms_slack_attained). */
START_TEST(test_forms_next_reference)
{
    const uint64_t seed = test_seed(20261208);
    test_rng r = {seed};
    const double tt = 0x1p-53 - 0x1p-63;
    slong it;
    fmpq_t R, v, w;
    forms_plan_t F;
    fmpq_init(R);
    fmpq_init(v);
    fmpq_init(w);
    for (it = 0; it < test_iters(400); it++)
    {
        slong n = test_range(&r, 1, 12), i, col, out = test_range(&r, 1, 3);
        int exact_in = (int) (it & 1);
        int e0 = (int) test_range(&r, -900, 900);
        double *A = flint_malloc(3 * n * sizeof(double));
        double *EA = flint_malloc(3 * n * sizeof(double));
        double Z[9], E[9];
        unsigned char *st = flint_malloc(n + out);
        cpwl_net_t net;
        cpwl_net_layer_struct *L;
        cpwl_net_init(net, 2);
        cpwl_net_add_layer(net, CPWL_NET_RELU, n);
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, out);
        ref_layer_inputs(L, A, EA, 3 * n, exact_in, e0, &r);
        cpwl_net_prepare(net);
        forms_plan_init(F, net);
        memset(st, 1, n + out);
        if (forms_next_d(Z, E, F, net, 1, A, EA, st))
            for (i = 0; i < out; i++)
                for (col = 0; col < 3; col++)
                {
                    ref_affine_bound(R, net->layers + 1, i, A, EA, 3, col,
                                     col == 2);
                    test_fmpq_of_d(v, E[i * 3 + col]);
                    if (fmpq_cmp(v, R) < 0)
                        ck_abort_msg("seed %llu iteration %ld: forms_next_d "
                                     "bound %a below the a-priori bound",
                                     (unsigned long long) seed, (long) it,
                                     E[i * 3 + col]);
                }
        forms_plan_clear(F);
        cpwl_net_clear(net);
        flint_free(A);
        flint_free(EA);
        flint_free(st);
    }
    {
        /* weights 1 + 2^-54 on inputs 0 with bounds 1, t, t, t */
        double A[12] = {0}, EA[12] = {0}, Z[3], E[3];
        fmpq *Aq = _fmpq_vec_init(12), *Zq = _fmpq_vec_init(3);
        unsigned char st[5] = {1, 1, 1, 1, 1};
        slong t;
        cpwl_net_t net;
        cpwl_net_layer_struct *L;
        cpwl_net_init(net, 2);
        cpwl_net_add_layer(net, CPWL_NET_RELU, 4);
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
        fmpq_set_si(w, 1, 1);
        fmpq_div_2exp(v, w, 54);
        fmpq_add(w, w, v);
        for (t = 0; t < 4; t++)
        {
            fmpq_set(fmpq_mat_entry(L->W, 0, t), w);
            EA[t * 3] = t == 0 ? 1.0 : tt;
            test_fmpq_of_d(Aq + t * 3, EA[t * 3]);
        }
        cpwl_net_prepare(net);
        forms_plan_init(F, net);
        ck_assert(forms_next_d(Z, E, F, net, 1, A, EA, st));
        forms_affine_fmpq(Zq, net, 1, Aq);
        test_fmpq_of_d(v, Z[0]);
        fmpq_sub(v, v, Zq + 0);
        fmpq_abs(v, v);
        test_fmpq_of_d(w, E[0]);
        ck_assert_msg(fmpq_cmp(v, w) <= 0, "forms_next_d: %a outside its "
                      "bound", E[0]);
        forms_plan_clear(F);
        cpwl_net_clear(net);
        _fmpq_vec_clear(Aq, 12);
        _fmpq_vec_clear(Zq, 3);
    }
    fmpq_clear(R);
    fmpq_clear(v);
    fmpq_clear(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("forms");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_forms_hand);
    tcase_add_test(tc, test_forms_random);
    tcase_add_test(tc, test_forms_extreme);
    tcase_add_test(tc, test_forms_act_exact_inputs);
    tcase_add_test(tc, test_forms_affine_reference);
    tcase_add_test(tc, test_forms_slack_attained);
    tcase_add_test(tc, test_forms_carried);
    tcase_add_test(tc, test_forms_update_tight);
    tcase_add_test(tc, test_forms_next_reference);
    suite_add_tcase(s, tc);
    return test_run(s);
}
