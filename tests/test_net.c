/* Networks: exact values against closed forms, and the ball and double
   paths checked by the exact one on seeded random networks, including
   points placed exactly on boundaries. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"

/* The tent map t(x) = 2 relu(x) - 4 relu(x - 1/2) composed k times, built
   directly (not read from a file). */
static void tent_net(cpwl_net_t net, slong k)
{
    slong l;
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    net->output_bias = 0;
    for (l = 0; l < k; l++)
    {
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
        fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), l == 0 ? 1 : 2, 1);
        fmpq_set_si(fmpq_mat_entry(L->W, 1, 0), l == 0 ? 1 : 2, 1);
        if (l > 0)
        {
            fmpq_set_si(fmpq_mat_entry(L->W, 0, 1), -4, 1);
            fmpq_set_si(fmpq_mat_entry(L->W, 1, 1), -4, 1);
        }
        fmpq_set_si(L->b + 1, -1, 2);
    }
    {
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
        fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), 2, 1);
        fmpq_set_si(fmpq_mat_entry(L->W, 0, 1), -4, 1);
    }
    cpwl_net_prepare(net);
}

/* The tent map by cases: 0 for x <= 0, 2x on [0, 1/2], 2 - 2x beyond. */
static void tent_ref(fmpq_t y, const fmpq_t x)
{
    fmpq_t h;
    fmpq_init(h);
    fmpq_set_si(h, 1, 2);
    if (fmpq_sgn(x) <= 0)
        fmpq_zero(y);
    else if (fmpq_cmp(x, h) <= 0)
        fmpq_add(y, x, x);
    else
    {
        fmpq_add(y, x, x);
        fmpq_neg(y, y);
        fmpq_add_si(y, y, 2);
    }
    fmpq_clear(h);
}

static void check_value(const cpwl_net_t net, slong p, ulong q, slong yp, ulong yq)
{
    fmpq_t x, y, want;
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(want);
    fmpq_set_si(x, p, q);
    fmpq_set_si(want, yp, yq);
    cpwl_net_eval_fmpq(y, net, x);
    if (!fmpq_equal(y, want))
        ck_abort_msg("f(%ld/%lu) = %s, expected %ld/%lu", (long) p, q,
                     fmpq_get_str(NULL, 10, y), (long) yp, yq);
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(want);
}

START_TEST(test_tent_values)
{
    cpwl_net_t net;
    cpwl_net_init(net, 1);
    /* ../shared/examples.md: t(0, 1/4, 1/3, 1/2, 3/4, 1) */
    tent_net(net, 1);
    check_value(net, 0, 1, 0, 1);
    check_value(net, 1, 4, 1, 2);
    check_value(net, 1, 3, 2, 3);
    check_value(net, 1, 2, 1, 1);
    check_value(net, 3, 4, 1, 2);
    check_value(net, 1, 1, 0, 1);
    /* t o t o t at 0, 1/16, 1/8, 3/16, 1/4, 1/3 */
    tent_net(net, 3);
    check_value(net, 0, 1, 0, 1);
    check_value(net, 1, 16, 1, 2);
    check_value(net, 1, 8, 1, 1);
    check_value(net, 3, 16, 1, 2);
    check_value(net, 1, 4, 0, 1);
    check_value(net, 1, 3, 2, 3);
    cpwl_net_clear(net);
}
END_TEST

/* t^k against the case formula iterated, at seeded random rationals. */
START_TEST(test_tent_iterates)
{
    const uint64_t seed = test_seed(7);
    test_rng r = {seed};
    cpwl_net_t net;
    fmpq_t x, y, want;
    slong k, it, i;
    cpwl_net_init(net, 1);
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(want);
    for (k = 1; k <= 6; k++)
    {
        tent_net(net, k);
        for (it = 0; it < test_iters(50); it++)
        {
            test_fmpq(x, &r, (int) test_range(&r, 1, 40));
            cpwl_net_eval_fmpq(y, net, x);
            fmpq_set(want, x);
            for (i = 0; i < k; i++)
                tent_ref(want, want);
            if (!fmpq_equal(y, want))
                ck_abort_msg("t^%ld mismatch; seed %llu", (long) k,
                             (unsigned long long) seed);
        }
    }
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(want);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_sizes)
{
    cpwl_net_t net;
    slong nb, db;
    cpwl_net_init(net, 1);
    tent_net(net, 3);
    /* hidden widths 2-2-2, output 1 */
    ck_assert_int_eq(cpwl_net_depth(net), 4);
    ck_assert_int_eq(cpwl_net_size(net), 6);
    ck_assert_int_eq(cpwl_net_width(net), 2);
    ck_assert_int_eq(cpwl_net_output_dim(net), 1);
    ck_assert_int_eq(cpwl_net_num_states(net), 6);
    /* 2*(1+1) + 2*(2+1) + 2*(2+1) + 1*(2+1), less the output bias that
       output_bias = false fixes at 0 */
    ck_assert_int_eq(cpwl_net_num_params(net), 18);
    net->output_bias = 1;
    ck_assert_int_eq(cpwl_net_num_params(net), 19);
    cpwl_net_max_bits(&nb, &db, net);
    ck_assert_int_eq(nb, 3);    /* -4 */
    ck_assert_int_eq(db, 2);    /* 1/2 */
    cpwl_net_clear(net);
}
END_TEST

/* The test's own exact forward pass, written from SPEC sections 1-2 and
   sharing no code with net_eval.c: z_l = W_l a_{l-1} + b_l; a neuron of a
   relu or leaky_relu layer is on iff z > 0.  Fills z (all pre-activations,
   layer by layer, flattened) and the states. */
static void ref_forward(fmpq *zall, unsigned char *state, const cpwl_net_t net,
                        const fmpq *x)
{
    slong l, i, j, k = 0, s = 0, maxw = net->input_dim;
    fmpq *a, *next;
    fmpq_t t;
    for (l = 0; l < net->nlayers; l++)
        maxw = FLINT_MAX(maxw, net->layers[l].out);
    a = _fmpq_vec_init(maxw);
    next = _fmpq_vec_init(maxw);
    fmpq_init(t);
    for (j = 0; j < net->input_dim; j++)
        fmpq_set(a + j, x + j);
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        for (i = 0; i < L->out; i++)
        {
            fmpq_set(next + i, L->b + i);
            for (j = 0; j < L->in; j++)
            {
                fmpq_mul(t, fmpq_mat_entry(L->W, i, j), a + j);
                fmpq_add(next + i, next + i, t);
            }
            if (zall != NULL)
                fmpq_set(zall + k, next + i);
            k++;
            if (L->act != CPWL_NET_IDENTITY)
                state[s++] = fmpq_sgn(next + i) > 0;
            if (L->act == CPWL_NET_RELU && fmpq_sgn(next + i) <= 0)
                fmpq_zero(next + i);
            else if (L->act == CPWL_NET_LEAKY_RELU && fmpq_sgn(next + i) <= 0)
                fmpq_mul(next + i, next + i, L->slope);
        }
        for (i = 0; i < L->out; i++)
            fmpq_swap(a + i, next + i);
    }
    _fmpq_vec_clear(a, maxw);
    _fmpq_vec_clear(next, maxw);
    fmpq_clear(t);
}

static slong num_neurons(const cpwl_net_t net)
{
    slong l, n = 0;
    for (l = 0; l < net->nlayers; l++)
        n += net->layers[l].out;
    return n;
}

/* The predicate-layer pattern `state` and the library's exact pattern
   against the reference states. */
static void check_pattern(const unsigned char *state, const cpwl_net_t net,
                          const fmpq *x, uint64_t seed, slong it);

/* Predicate-layer counters over the random tests, printed for the record. */
static cpwl_pred_ctx_t stats;

/* The exact path checks the ball and double ones at x. */
static void check_point(unsigned char *state, const cpwl_net_t net,
                        const fmpq *x, uint64_t seed, slong it)
{
    cpwl_net_check_struct c;
    cpwl_net_check_point(&c, state, net, x, stats, 64);
    if (!c.arb_contains || (c.double_ok && !c.double_within)
        || !c.pattern_agrees)
        ck_abort_msg("check failed (arb %d, double %d/%d, pattern %d); seed "
                     "%llu, iteration %ld", c.arb_contains, c.double_ok,
                     c.double_within, c.pattern_agrees,
                     (unsigned long long) seed, (long) it);
    /* A finite double bound must exist for these moderate weights. */
    ck_assert(c.double_ok);
    {
        slong j, m = cpwl_net_output_dim(net), n = net->input_dim;
        arb_ptr xa = _arb_vec_init(n), ya = _arb_vec_init(m);
        fmpq *y = _fmpq_vec_init(m);
        cpwl_net_eval_fmpq(y, net, x);
        for (j = 0; j < n; j++)
            arb_set_fmpq(xa + j, x + j, 300);
        cpwl_net_eval_arb(ya, net, xa, 300);     /* beyond the stored copies */
        for (j = 0; j < m; j++)
            if (!arb_contains_fmpq(ya + j, y + j))
                ck_abort_msg("arb at 300 bits misses; seed %llu, iteration "
                             "%ld", (unsigned long long) seed, (long) it);
        _arb_vec_clear(xa, n);
        _arb_vec_clear(ya, m);
        _fmpq_vec_clear(y, m);
    }
}

/* Print the counters a test left in stats, then reset them. */
static void report_stats(const char *test)
{
    printf("%s: sign questions decided by double %lu, arb %lu, exact %lu\n",
           test, stats->by_double, stats->by_arb, stats->by_exact);
    cpwl_pred_ctx_reset_counts(stats);
}

static void check_pattern(const unsigned char *state, const cpwl_net_t net,
                          const fmpq *x, uint64_t seed, slong it)
{
    slong ns = cpwl_net_num_states(net);
    unsigned char *ref = flint_malloc(FLINT_MAX(1, ns));
    unsigned char *s2 = flint_malloc(FLINT_MAX(1, ns));
    ref_forward(NULL, ref, net, x);
    cpwl_net_pattern_exact(s2, net, x);
    if (memcmp(ref, state, ns) != 0 || memcmp(ref, s2, ns) != 0)
        ck_abort_msg("pattern differs from the reference; seed %llu, "
                     "iteration %ld", (unsigned long long) seed, (long) it);
    flint_free(ref);
    flint_free(s2);
}

START_TEST(test_random_nets)
{
    const uint64_t seed = test_seed(1234567);
    static const int bits[] = {0, 1, 8, 30, 60};
    test_rng r = {seed};
    cpwl_net_t net;
    slong it, j;
    cpwl_pred_ctx_reset_counts(stats);
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(400); it++)
    {
        slong n = test_range(&r, 1, 4);
        int b = bits[it % 5];
        fmpq *x = _fmpq_vec_init(n);
        unsigned char *state;
        test_random_net(net, &r, n, test_range(&r, 1, 4),
                        test_range(&r, 1, 8), b);
        for (j = 0; j < n; j++)
            test_fmpq(x + j, &r, b == 0 ? 0 : (int) test_range(&r, 1, 60));
        state = flint_malloc(FLINT_MAX(1, cpwl_net_num_states(net)));
        check_point(state, net, x, seed, it);
        check_pattern(state, net, x, seed, it);
        flint_free(state);
        _fmpq_vec_clear(x, n);
    }
    cpwl_net_clear(net);
    report_stats("random_nets");
}
END_TEST

/* Move one neuron's boundary through x (shift its bias so that z = 0 at x
   exactly); it must come out off, and both paths must agree. */
START_TEST(test_boundary_points)
{
    const uint64_t seed = test_seed(99);
    static const int bits[] = {0, 1, 8, 30, 60};
    test_rng r = {seed};
    cpwl_net_t net;
    slong it, j;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(400); it++)
    {
        slong n = test_range(&r, 1, 3), l, i, k, depth = test_range(&r, 2, 4);
        int b = bits[it % 5];
        fmpq *x = _fmpq_vec_init(n), *z;
        unsigned char *ref, *s1;
        test_random_net(net, &r, n, depth, test_range(&r, 1, 6), b);
        for (j = 0; j < n; j++)
            test_fmpq(x + j, &r, b);
        l = test_range(&r, 0, depth - 2);           /* a hidden layer */
        i = test_range(&r, 0, net->layers[l].out - 1);
        for (k = 0, j = 0; j < l; j++)
            k += net->layers[j].out;                /* flat index of (l, 0) */

        z = _fmpq_vec_init(num_neurons(net));
        ref = flint_malloc(cpwl_net_num_states(net));
        s1 = flint_malloc(cpwl_net_num_states(net));
        ref_forward(z, ref, net, x);
        fmpq_sub(net->layers[l].b + i, net->layers[l].b + i, z + k + i);
        cpwl_net_prepare(net);
        ref_forward(z, ref, net, x);
        ck_assert(fmpq_is_zero(z + k + i));

        check_point(s1, net, x, seed, it);
        if (s1[k + i] != 0)     /* hidden layers have states: k counts them */
            ck_abort_msg("z = 0 not off; seed %llu, iteration %ld",
                         (unsigned long long) seed, (long) it);
        check_pattern(s1, net, x, seed, it);
        flint_free(ref);
        flint_free(s1);
        _fmpq_vec_clear(z, num_neurons(net));
        _fmpq_vec_clear(x, n);
    }
    cpwl_net_clear(net);
    report_stats("boundary_points");
}
END_TEST

/* Weights spread over the whole double range (2^-1120 to 2^1000: far
   subnormal to near overflow), leaky slopes up to 2^60 and dyadic inputs:
   the double value must stay within its bound (where one is given), and
   the patterns must match the reference. */
START_TEST(test_extreme_scales)
{
    const uint64_t seed = test_seed(4242);
    test_rng r = {seed};
    cpwl_net_t net;
    slong it, j, n;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(300); it++)
    {
        fmpq *x;
        unsigned char *state;
        cpwl_net_check_struct c;
        n = test_range(&r, 1, 3);
        test_random_net(net, &r, n, test_range(&r, 2, 4),
                        test_range(&r, 1, 6), (int) test_range(&r, 1, 53));
        test_scale_extreme(net, &r);
        x = _fmpq_vec_init(n);
        for (j = 0; j < n; j++)
        {
            fmpq_set_si(x + j, test_range(&r, -1000, 1000), 1);
            fmpq_div_2exp(x + j, x + j, test_range(&r, 0, 1080));
        }
        state = flint_malloc(FLINT_MAX(1, cpwl_net_num_states(net)));
        cpwl_net_check_point(&c, state, net, x, stats, 64);
        if (!c.arb_contains || (c.double_ok && !c.double_within))
            ck_abort_msg("check failed (arb %d, double %d/%d); seed %llu, "
                         "iteration %ld", c.arb_contains, c.double_ok,
                         c.double_within, (unsigned long long) seed, (long) it);
        check_pattern(state, net, x, seed, it);
        flint_free(state);
        _fmpq_vec_clear(x, n);
    }
    cpwl_net_clear(net);
    report_stats("extreme_scales");
}
END_TEST

/* |x_d - x| <= xerr for the rounded inputs, decided exactly. */
START_TEST(test_inputs_d)
{
    const uint64_t seed = test_seed(31337);
    test_rng r = {seed};
    slong it;
    fmpq *x = _fmpq_vec_init(4);
    fmpq_t d, e;
    arf_t t;
    double xd[4], xe[4];
    fmpq_init(d);
    fmpq_init(e);
    arf_init(t);
    for (it = 0; it < test_iters(2000); it++)
    {
        slong j;
        for (j = 0; j < 4; j++)
        {
            test_fmpq(x + j, &r, (int) test_range(&r, 1, 64));
            if (test_next(&r) & 1)
                fmpq_div_2exp(x + j, x + j, test_range(&r, 0, 1100));
        }
        ck_assert(cpwl_net_round_inputs_d(xd, xe, x, 4));
        for (j = 0; j < 4; j++)
        {
            arf_set_d(t, xd[j]);
            arf_get_fmpq(d, t);
            arf_set_d(t, xe[j]);
            arf_get_fmpq(e, t);
            fmpq_sub(d, d, x + j);
            fmpq_abs(d, d);
            if (fmpq_cmp(d, e) > 0)
                ck_abort_msg("input rounding beyond its bound; seed %llu, "
                             "iteration %ld", (unsigned long long) seed,
                             (long) it);
        }
    }
    _fmpq_vec_clear(x, 4);
    fmpq_clear(d);
    fmpq_clear(e);
    arf_clear(t);
}
END_TEST

/* cpwl_net_eval_d's contract with input errors: |y - f(x~)| <= err for every
   exact x~ within xerr of x.  Checked at the corners of that box and at
   random points in it, with wide boxes so that the Lipschitz factors of
   the activations (leaky slopes up to 2^10) are what the bound must carry. */
START_TEST(test_eval_d_input_box)
{
    const uint64_t seed = test_seed(8080);
    test_rng r = {seed};
    cpwl_net_t net;
    slong it, j, k, n;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(300); it++)
    {
        fmpq *xt, y[1];
        double xd[3], xe[3], yd, ye;
        fmpq_t q, lo;
        arf_t t;
        n = test_range(&r, 1, 3);
        test_random_net(net, &r, n, test_range(&r, 2, 4),
                        test_range(&r, 1, 5), 8);
        for (k = 0; k < net->nlayers; k++)
            if (net->layers[k].act == CPWL_NET_LEAKY_RELU)
                fmpq_mul_2exp(net->layers[k].slope, net->layers[k].slope,
                              test_range(&r, 0, 10));
        cpwl_net_prepare(net);
        for (j = 0; j < n; j++)
        {
            xd[j] = (double) test_range(&r, -64, 64) / 16;
            xe[j] = ldexp(1.0, (int) test_range(&r, -30, -2));
        }
        if (!cpwl_net_eval_d(&yd, &ye, net, xd, xe))
            ck_abort_msg("no finite bound; seed %llu", (unsigned long long) seed);
        xt = _fmpq_vec_init(n);
        fmpq_init(y);
        fmpq_init(q);
        fmpq_init(lo);
        arf_init(t);
        for (k = 0; k < (1 << n) + 8; k++)
        {
            for (j = 0; j < n; j++)
            {
                /* x~_j = x_j + c xe_j, c = +-1 at corners, else random */
                slong c = k < (1 << n) ? (((k >> j) & 1) ? 1024 : -1024)
                          : test_range(&r, -1024, 1024);
                arf_set_d(t, xd[j]);
                arf_get_fmpq(xt + j, t);
                arf_set_d(t, xe[j]);
                arf_get_fmpq(q, t);
                fmpq_mul_si(q, q, c);
                fmpq_div_2exp(q, q, 10);
                fmpq_add(xt + j, xt + j, q);
            }
            cpwl_net_eval_fmpq(y, net, xt);
            arf_set_d(t, yd);
            arf_get_fmpq(q, t);
            fmpq_sub(q, q, y);
            fmpq_abs(q, q);
            arf_set_d(t, ye);
            arf_get_fmpq(lo, t);
            if (fmpq_cmp(q, lo) > 0)
                ck_abort_msg("f(x~) outside the bound; seed %llu, iteration "
                             "%ld, point %ld", (unsigned long long) seed,
                             (long) it, (long) k);
        }
        _fmpq_vec_clear(xt, n);
        fmpq_clear(y);
        fmpq_clear(q);
        fmpq_clear(lo);
        arf_clear(t);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Weights beyond the double range: the filter must decline, not guess. */
START_TEST(test_double_overflow)
{
    cpwl_net_t net;
    fmpq_t x;
    unsigned char s1[2], s2[2];
    double xd = 1.0, yd, ye;
    cpwl_net_layer_struct *L;
    cpwl_net_init(net, 1);
    fmpq_init(x);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    fmpz_set_ui(fmpq_numref(fmpq_mat_entry(L->W, 0, 0)), 10);
    fmpz_pow_ui(fmpq_numref(fmpq_mat_entry(L->W, 0, 0)),
                fmpq_numref(fmpq_mat_entry(L->W, 0, 0)), 400);
    fmpq_set_si(fmpq_mat_entry(L->W, 1, 0), -1, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), 1, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 1), 1, 1);
    cpwl_net_prepare(net);
    ck_assert_int_eq(cpwl_net_eval_d(&yd, &ye, net, &xd, NULL), 0);
    /* x = 10^-400: z_1 = 1 > 0, z_2 < 0 */
    fmpz_one(fmpq_numref(x));
    fmpz_set_ui(fmpq_denref(x), 10);
    fmpz_pow_ui(fmpq_denref(x), fmpq_denref(x), 400);
    cpwl_net_pattern(s1, net, x, stats);
    cpwl_net_pattern_exact(s2, net, x);
    ck_assert_int_eq(s1[0], 1);
    ck_assert_int_eq(s1[1], 0);
    ck_assert(memcmp(s1, s2, 2) == 0);
    fmpq_clear(x);
    cpwl_net_clear(net);
}
END_TEST

/* The exact rational value of a double. */
/* One-layer net n -> out with the given activation (slope S for leaky). */
static cpwl_net_layer_struct *one_layer(cpwl_net_t net, slong n, slong out,
                                        cpwl_net_act_t act)
{
    cpwl_net_init(net, n);
    return cpwl_net_add_layer(net, act, out);
}

/* The a-priori bound of docs/numerics.md ("Double evaluation") for neuron
   i of a one-layer net at double inputs a with bounds e, exactly:
     gamma_{n+1} (|b'| + sum |W'_j a_j|)   (recursive summation, Higham
                                           Lemma 3.1 and Section 3.1)
     + (n+1) eta/2                         (underflow of the products)
     + u (sum |W_j||a_j| + |b|) + (eta/2)(sum |a_j| + 1)  (|W - W'| <= u|W| + eta/2)
     + sum |W_j| e_j                       (input errors, exact weights).
   cpwl_net_eval_d's err must dominate it; (n+1)u T in place of (n+3)u T does
   not (the weight rounding needs the extra u). */
static void ref_eval_bound(fmpq_t R, const cpwl_net_layer_struct *L, slong i,
                           const double *a, const double *e)
{
    slong j, n = L->in;
    fmpq_t g, x, y, sum, u, eta;
    fmpq_init(g); fmpq_init(x); fmpq_init(y); fmpq_init(sum);
    fmpq_init(u); fmpq_init(eta);
    test_u_eta(u, eta);
    test_gamma(g, n + 1);               /* gamma_{n+1} */

    test_fmpq_of_d(sum, fabs(L->bd[i]));
    for (j = 0; j < n; j++)
    {
        test_fmpq_of_d(x, fabs(L->Wd[i * n + j]));
        test_fmpq_of_d(y, fabs(a[j]));
        fmpq_addmul(sum, x, y);
    }
    fmpq_mul(R, g, sum);
    fmpq_set_si(x, n + 1, 2);
    fmpq_addmul(R, x, eta);

    fmpq_abs(sum, L->b + i);
    for (j = 0; j < n; j++)
    {
        fmpq_abs(x, fmpq_mat_entry(L->W, i, j));
        test_fmpq_of_d(y, fabs(a[j]));
        fmpq_addmul(sum, x, y);
    }
    fmpq_addmul(R, u, sum);

    fmpq_one(sum);
    for (j = 0; j < n; j++)
    {
        test_fmpq_of_d(y, fabs(a[j]));
        fmpq_add(sum, sum, y);
    }
    fmpq_div_2exp(sum, sum, 1);
    fmpq_addmul(R, eta, sum);

    for (j = 0; j < n; j++)
    {
        fmpq_abs(x, fmpq_mat_entry(L->W, i, j));
        test_fmpq_of_d(y, e[j]);
        fmpq_addmul(R, x, y);
    }
    fmpq_clear(g); fmpq_clear(x); fmpq_clear(y); fmpq_clear(sum);
    fmpq_clear(u); fmpq_clear(eta);
}

/* cpwl_net_eval_d's pre-activation bound against ref_eval_bound: one-layer
   identity nets with random rational weights (1-60 bits) at random double
   inputs, exact (the (n+3) u T term alone carries summation and weight
   rounding) or with error bounds. */
START_TEST(test_eval_d_reference)
{
    const uint64_t seed = test_seed(20261207);
    test_rng r = {seed};
    slong it;
    fmpq_t R, v;
    fmpq_init(R);
    fmpq_init(v);
    for (it = 0; it < test_iters(400); it++)
    {
        slong n = test_range(&r, 1, 16), out = test_range(&r, 1, 3), i, j;
        int e0 = (int) test_range(&r, -900, 900);
        double x[16], xe[16], y[3], err[3];
        cpwl_net_t net;
        cpwl_net_layer_struct *L = one_layer(net, n, out, CPWL_NET_IDENTITY);
        for (i = 0; i < out; i++)
        {
            for (j = 0; j < n; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), &r,
                          (int) test_range(&r, 1, 60));
            test_fmpq(L->b + i, &r, (int) test_range(&r, 1, 60));
        }
        cpwl_net_prepare(net);
        for (j = 0; j < n; j++)
        {
            x[j] = ldexp((double) (test_next(&r) >> 11),
                         e0 - 53 + (int) test_range(&r, -4, 4));
            if (test_next(&r) & 1)
                x[j] = -x[j];
            xe[j] = (it & 1) ? 0.0 : ldexp((double) (test_next(&r) >> 11),
                                           e0 - 53 - (int) test_range(&r, 0, 60));
        }
        if (cpwl_net_eval_d(y, err, net, x, xe))
            for (i = 0; i < out; i++)
            {
                ref_eval_bound(R, net->layers + 0, i, x, xe);
                test_fmpq_of_d(v, err[i]);
                if (fmpq_cmp(v, R) < 0)
                    ck_abort_msg("seed %llu iteration %ld: net_eval_d bound "
                                 "%a below the a-priori bound",
                                 (unsigned long long) seed, (long) it, err[i]);
            }
        cpwl_net_clear(net);
    }
    fmpq_clear(R);
    fmpq_clear(v);
}
END_TEST

/* An input error attained by the actual input, where the 1 + 2^-30 factor
   keeps the bound valid: weight 1 + 2^-54 (rounded to 1) at x = 0 with
   bound 1; the exact input 1 gives 1 + 2^-54, beyond the bound 1 that the
   terms give without the factor. */
START_TEST(test_eval_d_slack_attained)
{
    double x = 0, xe = 1, y, err;
    fmpq_t q, v;
    cpwl_net_t net;
    cpwl_net_layer_struct *L = one_layer(net, 1, 1, CPWL_NET_IDENTITY);
    fmpq_init(q);
    fmpq_init(v);
    fmpq_one(v);
    fmpq_div_2exp(v, v, 54);
    fmpq_add_si(fmpq_mat_entry(L->W, 0, 0), v, 1);
    cpwl_net_prepare(net);
    ck_assert(cpwl_net_eval_d(&y, &err, net, &x, &xe));
    fmpq_one(q);                          /* the exact input x~ = 1 */
    cpwl_net_eval_fmpq(v, net, q);
    test_fmpq_of_d(q, y);
    fmpq_sub(q, q, v);
    fmpq_abs(q, q);
    test_fmpq_of_d(v, err);
    ck_assert_msg(fmpq_cmp(q, v) <= 0, "net_eval_d: %a +- %a misses "
                  "1 + 2^-54", y, err);
    fmpq_clear(q);
    fmpq_clear(v);
    cpwl_net_clear(net);
}
END_TEST

/* The leaky activation step of cpwl_net_eval_d given its input bound: with
   z~ anywhere within ez of the computed z (ez is the bound the step is
   handed, read from the same layer as identity, which computes the same z
   and ez), |a - leaky_S(z~)| <= ea for the exact slope S.  The worst z~ is
   an end of [z - ez, z + ez] or 0 (|leaky_S(.) - a| is convex on each
   side of 0), so the supremum is computed exactly.  Cases: a slope that is
   no double (4/3) on a normal z, where the rounded product and the slope
   error exceed what SLACK gives (the 3u|s z| term); the same on a
   subnormal z, where they are absolute (the 2 eta term); a slope 2 +
   2^-52 - 2^-100 rounded to 2 on z = 0 with bound 1 + 2^-30, where
   |S| ez > 2 ez (SLACK); and random slopes, points and bounds. */
static void check_leaky_step(const fmpq_t S, const fmpq_t w, double x,
                             double xe, uint64_t seed, slong it)
{
    double z, ez, a, ea;
    fmpq_t t, best, av, cand[3];
    cpwl_net_t id, lk;
    slong k, nc = 2;
    fmpq_set(fmpq_mat_entry(one_layer(id, 1, 1, CPWL_NET_IDENTITY)->W, 0, 0), w);
    {
        cpwl_net_layer_struct *L = one_layer(lk, 1, 1, CPWL_NET_LEAKY_RELU);
        fmpq_set(fmpq_mat_entry(L->W, 0, 0), w);
        fmpq_set(L->slope, S);
    }
    cpwl_net_prepare(id);
    cpwl_net_prepare(lk);
    if (cpwl_net_eval_d(&z, &ez, id, &x, &xe) && cpwl_net_eval_d(&a, &ea, lk, &x, &xe))
    {
        fmpq_init(t); fmpq_init(best);
        fmpq_init(av);
        for (k = 0; k < 3; k++)
            fmpq_init(cand[k]);
        test_fmpq_of_d(t, ez);
        test_fmpq_of_d(cand[0], z);
        fmpq_sub(cand[0], cand[0], t);
        test_fmpq_of_d(cand[1], z);
        fmpq_add(cand[1], cand[1], t);
        if (fmpq_sgn(cand[0]) < 0 && fmpq_sgn(cand[1]) > 0)
            fmpq_zero(cand[nc++]);
        test_fmpq_of_d(av, a);
        fmpq_zero(best);
        for (k = 0; k < nc; k++)
        {
            if (fmpq_sgn(cand[k]) <= 0)
                fmpq_mul(t, cand[k], S);
            else
                fmpq_set(t, cand[k]);
            fmpq_sub(t, t, av);
            fmpq_abs(t, t);
            if (fmpq_cmp(t, best) > 0)
                fmpq_set(best, t);
        }
        test_fmpq_of_d(t, ea);
        if (fmpq_cmp(best, t) > 0)
            ck_abort_msg("seed %llu case %ld: leaky step at z = %a +- %a "
                         "gives %a +- %a", (unsigned long long) seed,
                         (long) it, z, ez, a, ea);
        fmpq_clear(t); fmpq_clear(best);
        fmpq_clear(av);
        for (k = 0; k < 3; k++)
            fmpq_clear(cand[k]);
    }
    cpwl_net_clear(id);
    cpwl_net_clear(lk);
}

START_TEST(test_eval_d_leaky_step)
{
    const uint64_t seed = test_seed(20261208);
    test_rng r = {seed};
    fmpq_t S, w, t;
    slong it;
    fmpq_init(S);
    fmpq_init(w);
    fmpq_init(t);
    fmpq_one(w);
    fmpq_set_si(S, 4, 3);
    check_leaky_step(S, w, -1.0, 0.0, 0, -1);
    check_leaky_step(S, w, -0x1p-1070, 0.0, 0, -2);
    fmpq_one(t);
    fmpq_div_2exp(t, t, 100);
    fmpq_one(S);
    fmpq_div_2exp(S, S, 52);
    fmpq_sub(S, S, t);
    fmpq_add_si(S, S, 2);
    check_leaky_step(S, w, 0.0, 1.0, 0, -3);
    for (it = 0; it < test_iters(2000); it++)
    {
        int e = (int) test_range(&r, -1100, 1000);
        double x = ldexp((double) (test_next(&r) >> 11), e - 53);
        double xe = (test_next(&r) & 1) ? 0.0
                    : ldexp((double) (test_next(&r) >> 11),
                            e - 53 - (int) test_range(&r, -2, 60));
        if (test_next(&r) & 1)
            x = -x;
        test_fmpq(S, &r, (int) test_range(&r, 1, 60));
        if (test_next(&r) & 1)
            fmpq_mul_2exp(S, S, (ulong) test_range(&r, 0, 60));
        test_fmpq(w, &r, (int) test_range(&r, 1, 30));
        if (fmpq_is_zero(w))
            fmpq_one(w);
        check_leaky_step(S, w, x, xe, seed, it);
    }
    fmpq_clear(S);
    fmpq_clear(w);
    fmpq_clear(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("exact");
    TCase *tr = tcase_create("random");
    SRunner *sr;
    int failed;

    cpwl_pred_ctx_init(stats);
    tcase_add_test(tc, test_tent_values);
    tcase_add_test(tc, test_tent_iterates);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_double_overflow);
    tcase_add_test(tr, test_random_nets);
    tcase_add_test(tr, test_boundary_points);
    tcase_add_test(tr, test_extreme_scales);
    tcase_add_test(tr, test_inputs_d);
    tcase_add_test(tr, test_eval_d_input_box);
    tcase_add_test(tr, test_eval_d_reference);
    tcase_add_test(tc, test_eval_d_slack_attained);
    tcase_add_test(tr, test_eval_d_leaky_step);
    tcase_set_timeout(tr, 60);  /* for valgrind runs */
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tr);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);     /* keep the counters */
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    cpwl_pred_ctx_clear(stats);
    flint_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
