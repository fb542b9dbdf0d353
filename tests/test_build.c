/* The constructions of cpwl/build.h, each evaluated exactly against its
   defining formula at many rational points (zig-zags and the hard family
   by a direct piecewise formula, zonotopes as sum |<b_i, x>|, maxima and
   max-min forms directly, 1-D functions from breakpoints and slopes);
   piece and linear-region counts by cpwl_regions_compute against examples.md;
   sizes and depths against the formulas of docs/constructions.md; bad
   hypotheses refused with CPWL_ERR_INPUT and a message naming them.
   Every builder's output is also decided exactly equal (cpwl_equiv_decide)
   to a formula net written out by hand, and different from a
   deliberately wrong one, with a witness checked by cpwl_net_eval_fmpq. */
#include <check.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------- */

/* Linear regions of net on D. */
static slong linear_regions(const cpwl_net_t net, const cpwl_dom_t D)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_regions_t R;
    cpwl_err_t e;
    slong k;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    o.linear = 1;
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_regions_compute(R, net, D, &o, e) == CPWL_OK, "%s",
                  e->msg);
    ck_assert(R->stopped == CPWL_REGIONS_DONE);
    k = R->nlinear;
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
    return k;
}

/* Pieces of a 1-input net on the box "lo:hi" (NULL: on R). */
static slong pieces(const cpwl_net_t net, const char *box)
{
    cpwl_dom_t D;
    slong k;
    cpwl_dom_init(D);
    if (box != NULL)
        test_dom_str(D, 1, box, NULL, NULL);
    else
        cpwl_dom_set_all(D, 1);
    k = linear_regions(net, D);
    cpwl_dom_clear(D);
    return k;
}

static slong regions_on_all(const cpwl_net_t net)
{
    cpwl_dom_t D;
    slong k;
    cpwl_dom_init(D);
    cpwl_dom_set_all(D, net->input_dim);
    k = linear_regions(net, D);
    cpwl_dom_clear(D);
    return k;
}

static void set_vec(fmpq *v, const char *const *s, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        test_q_set(v + i, s[i]);
}

static slong clog2(slong n)
{
    slong k = 0;
    while ((WORD(1) << k) < n)
        k++;
    return k;
}

/* Expect status CPWL_ERR_INPUT and msg containing want. */
static void expect_refusal(int st, cpwl_err_t e, const char *want)
{
    ck_assert_msg(st == CPWL_ERR_INPUT, "status %d for '%s'", st, want);
    ck_assert_msg(strstr(e->msg, want) != NULL, "message '%s' lacks '%s'",
                  e->msg, want);
    cpwl_err_clear(e);
    cpwl_err_init(e);
}

/* The zig-zag h_a by its definition: linear through (0,0), (a_1,1),
   (a_1+a_2,0), ..., 0 left of 0, the last piece continued right of 1. */
static void zig_ref(fmpq_t y, const fmpq *a, slong w, const fmpq_t x)
{
    fmpq_t lo, hi, s;
    slong i;
    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_init(s);
    if (fmpq_sgn(x) <= 0)
    {
        fmpq_zero(y);
        goto done;
    }
    for (i = 0; i < w; i++)
    {
        fmpq_add(hi, lo, a + i);
        if (fmpq_cmp(x, hi) <= 0 || i + 1 == w)
        {
            /* on piece i: from height i mod 2 towards 1 - i mod 2 */
            fmpq_sub(s, x, lo);
            fmpq_div(s, s, a + i);
            if (i % 2 == 0)
                fmpq_set(y, s);
            else
            {
                fmpq_one(y);
                fmpq_sub(y, y, s);
            }
            goto done;
        }
        fmpq_swap(lo, hi);
    }
done:
    fmpq_clear(lo);
    fmpq_clear(hi);
    fmpq_clear(s);
}

/* A random point of the open simplex with w entries (positive integers
   normalised). */
static void rand_simplex(fmpq *a, test_rng *r, slong w)
{
    slong i, tot = 0, v[16];
    for (i = 0; i < w; i++)
        tot += v[i] = test_range(r, 1, 9);
    for (i = 0; i < w; i++)
        fmpq_set_si(a + i, v[i], (ulong) tot);
}

/* ---- zig-zags, sawtooth, hard family ---------------------------------- */

START_TEST(test_zigzag)
{
    /* examples.md: a = (1/5, 3/10, 1/2): t = (0, 1/5, 1/2), c = (5,
       -25/3, 16/3); through (0,0), (1/5,1), (1/2,0), (1,1) */
    static const char *as[] = {"1/5", "3/10", "1/2"};
    static const char *ts[] = {"0", "1/5", "1/2"};
    static const char *cs[] = {"5", "-25/3", "16/3"};
    static const char *xs[] = {"0", "1/5", "1/2", "1", "1/10", "7/20",
                               "3/4", "-1", "2"};
    static const char *ys[] = {"0", "1", "0", "1", "1/2", "1/2", "1/2",
                               "0", "3"};
    fmpq *a = _fmpq_vec_init(3);
    fmpq_t x, y, v;
    test_rng r = {test_seed(31337)};
    cpwl_net_t net;
    cpwl_err_t e;
    slong i;
    cpwl_net_init(net, 1);
    cpwl_err_init(e);
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(v);
    set_vec(a, as, 3);
    ck_assert_int_eq(cpwl_build_zigzag(net, a, 3, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(net), 2);
    ck_assert_int_eq(cpwl_net_size(net), 3);
    ck_assert(!net->output_bias);
    for (i = 0; i < 3; i++)
    {
        test_q_set(v, ts[i]);
        fmpq_neg(v, v);
        ck_assert(fmpq_is_one(fmpq_mat_entry(net->layers[0].W, i, 0)));
        ck_assert(fmpq_equal(net->layers[0].b + i, v));
        test_q_set(v, cs[i]);
        ck_assert(fmpq_equal(fmpq_mat_entry(net->layers[1].W, 0, i), v));
    }
    for (i = 0; i < 9; i++)
    {
        test_q_set(x, xs[i]);
        test_q_set(v, ys[i]);
        cpwl_net_eval_fmpq(y, net, x);
        ck_assert_msg(fmpq_equal(y, v), "h_a(%s)", xs[i]);
        zig_ref(y, a, 3, x);
        ck_assert_msg(fmpq_equal(y, v), "zig_ref(%s)", xs[i]);
    }
    for (i = 0; i < 300; i++)
    {
        test_fmpq(x, &r, TEST_FRACTIONS);
        fmpq_div_2exp(x, x, 3);
        cpwl_net_eval_fmpq(y, net, x);
        zig_ref(v, a, 3, x);
        ck_assert(fmpq_equal(y, v));
    }
    ck_assert_int_eq(pieces(net, "0:1"), 3);
    ck_assert_int_eq(pieces(net, NULL), 4);
    cpwl_net_clear(net);
    cpwl_err_clear(e);
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(v);
    _fmpq_vec_clear(a, 3);
}
END_TEST

START_TEST(test_hard_examples)
{
    /* examples.md: h_a^3: 27 pieces on [0,1], 28 on R; h_a o h_b, b =
       (1/3,1/3,1/3): 9 and 10.  The same nets by cpwl_netalg_compose of
       zig-zags agree at every test point. */
    static const char *aaa[] = {"1/5", "3/10", "1/2", "1/5", "3/10", "1/2",
                                "1/5", "3/10", "1/2"};
    static const char *ba[] = {"1/3", "1/3", "1/3", "1/5", "3/10", "1/2"};
    fmpq *a = _fmpq_vec_init(9);
    cpwl_net_t net, z1, z2, c;
    fmpq_t x, y, v;
    test_rng r = {test_seed(99)};
    cpwl_err_t e;
    slong i, l;
    cpwl_net_init(net, 1);
    cpwl_net_init(z1, 1);
    cpwl_net_init(z2, 1);
    cpwl_net_init(c, 1);
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(v);
    cpwl_err_init(e);
    set_vec(a, aaa, 9);
    ck_assert_int_eq(cpwl_build_hard(net, a, 3, 3, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(net), 4);
    ck_assert_int_eq(cpwl_net_size(net), 9);
    ck_assert_int_eq(pieces(net, "0:1"), 27);
    ck_assert_int_eq(pieces(net, NULL), 28);
    for (i = 0; i < 200; i++)
    {
        test_fmpq(x, &r, TEST_FRACTIONS);
        fmpq_div_2exp(x, x, 3);
        cpwl_net_eval_fmpq(y, net, x);
        fmpq_set(v, x);
        for (l = 0; l < 3; l++)
            zig_ref(v, a, 3, v);
        ck_assert(fmpq_equal(y, v));
    }
    set_vec(a, ba, 6);
    ck_assert_int_eq(cpwl_build_hard(net, a, 3, 2, e), CPWL_OK);
    ck_assert_int_eq(pieces(net, "0:1"), 9);
    ck_assert_int_eq(pieces(net, NULL), 10);
    ck_assert_int_eq(cpwl_build_zigzag(z1, a, 3, e), CPWL_OK);
    ck_assert_int_eq(cpwl_build_zigzag(z2, a + 3, 3, e), CPWL_OK);
    ck_assert_int_eq(cpwl_netalg_compose(c, z2, z1, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(c), 3);
    ck_assert_int_eq(cpwl_net_size(c), 6);
    for (i = 0; i < 200; i++)
    {
        test_fmpq(x, &r, TEST_FRACTIONS);
        fmpq_div_2exp(x, x, 3);
        cpwl_net_eval_fmpq(y, net, x);
        zig_ref(v, a, 3, x);
        zig_ref(v, a + 3, 3, v);
        ck_assert(fmpq_equal(y, v));
        cpwl_net_eval_fmpq(y, c, x);
        ck_assert(fmpq_equal(y, v));
    }
    cpwl_net_clear(net);
    cpwl_net_clear(z1);
    cpwl_net_clear(z2);
    cpwl_net_clear(c);
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(v);
    cpwl_err_clear(e);
    _fmpq_vec_clear(a, 9);
}
END_TEST

START_TEST(test_sawtooth)
{
    /* examples.md: the tent t = 2 relu(x) - 4 relu(x - 1/2) composed k
       times: 2, 4, 8, 16, 32 pieces on [0,1], 3, 6, 10, 18, 34 on R;
       t^3 at 0, 1/16, 1/8, 3/16, 1/4, 1/3 = 0, 1/2, 1, 1/2, 0, 2/3 */
    static const slong on01[] = {2, 4, 8, 16, 32}, onR[] = {3, 6, 10, 18,
                                                            34};
    static const char *xs[] = {"0", "1/16", "1/8", "3/16", "1/4", "1/3"};
    static const char *ys[] = {"0", "1/2", "1", "1/2", "0", "2/3"};
    cpwl_net_t net;
    fmpq_t x, y, v;
    cpwl_err_t e;
    slong k, i;
    cpwl_net_init(net, 1);
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(v);
    cpwl_err_init(e);
    for (k = 1; k <= 5; k++)
    {
        ck_assert_int_eq(cpwl_build_sawtooth(net, k, e), CPWL_OK);
        ck_assert_int_eq(cpwl_net_depth(net), k + 1);
        ck_assert_int_eq(cpwl_net_size(net), 2 * k);
        ck_assert_int_eq(pieces(net, "0:1"), on01[k - 1]);
        ck_assert_int_eq(pieces(net, NULL), onR[k - 1]);
    }
    ck_assert_int_eq(cpwl_build_sawtooth(net, 3, e), CPWL_OK);
    for (i = 0; i < 6; i++)
    {
        test_q_set(x, xs[i]);
        test_q_set(v, ys[i]);
        cpwl_net_eval_fmpq(y, net, x);
        ck_assert_msg(fmpq_equal(y, v), "t^3(%s)", xs[i]);
    }
    /* breakpoints of t^3 in [0,1] are j/8: t^3(j/8) = j mod 2 */
    for (i = 0; i <= 8; i++)
    {
        fmpq_set_si(x, i, 8);
        cpwl_net_eval_fmpq(y, net, x);
        ck_assert(fmpq_equal_si(y, i % 2));
    }
    cpwl_net_clear(net);
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(v);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_hard_random)
{
    /* random widths, depths and simplex points: the composition of the
       zig-zags at rational points in [-1/2, 3/2], w^k pieces on [0,1],
       size k w and depth k + 1 (Arora et al., section 3.1) */
    test_rng r = {test_seed(271828)};
    fmpq *a = _fmpq_vec_init(4 * 4);
    fmpq_t x, y, v;
    cpwl_net_t net;
    cpwl_err_t e;
    slong it, i, l;
    cpwl_net_init(net, 1);
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(v);
    cpwl_err_init(e);
    for (it = 0; it < test_iters(25); it++)
    {
        slong w = test_range(&r, 2, 4), k = test_range(&r, 1, 3), want = 1;
        for (l = 0; l < k; l++)
        {
            rand_simplex(a + l * w, &r, w);
            want *= w;
        }
        ck_assert_int_eq(cpwl_build_hard(net, a, w, k, e), CPWL_OK);
        ck_assert_int_eq(cpwl_net_depth(net), k + 1);
        ck_assert_int_eq(cpwl_net_size(net), k * w);
        ck_assert_int_eq(cpwl_net_width(net), w);
        ck_assert_int_eq(pieces(net, "0:1"), want);
        for (i = 0; i < 40; i++)
        {
            fmpq_set_si(x, test_range(&r, -60, 180), 120);
            if (i % 2)
            {
                test_fmpq(v, &r, 12);
                fmpq_div_2exp(v, v, 14);
                fmpq_add(x, x, v);
            }
            cpwl_net_eval_fmpq(y, net, x);
            fmpq_set(v, x);
            for (l = 0; l < k; l++)
                zig_ref(v, a + l * w, w, v);
            ck_assert(fmpq_equal(y, v));
        }
    }
    cpwl_net_clear(net);
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(v);
    cpwl_err_clear(e);
    _fmpq_vec_clear(a, 16);
}
END_TEST

/* ---- zonotopes -------------------------------------------------------- */

static void zonotope(cpwl_net_t net, const slong *g, slong m, slong n)
{
    fmpq *b = _fmpq_vec_init(m * n);
    cpwl_err_t e;
    slong i;
    cpwl_err_init(e);
    for (i = 0; i < m * n; i++)
        fmpq_set_si(b + i, g[i], 1);
    ck_assert_int_eq(cpwl_build_zonotope(net, b, m, n, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_size(net), 2 * m);
    ck_assert_int_eq(cpwl_net_depth(net), 2);
    cpwl_err_clear(e);
    _fmpq_vec_clear(b, m * n);
}

START_TEST(test_zonotope)
{
    /* examples.md: linear regions of gamma_Z on R^n: 6, 8, 8, 14, 22 and
       the degenerate 12; values sum |<b_i, x>| at random points */
    static const slong g2a[] = {1, 0, 0, 1, 1, 1};
    static const slong g2b[] = {1, 0, 0, 1, 1, 1, 1, -2};
    static const slong g3[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 2,
                               -3};
    static const slong g3d[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0};
    static const struct
    {
        const slong *g;
        slong m, n, want;
    }
    cases[] = {{g2a, 3, 2, 6}, {g2b, 4, 2, 8}, {g3, 3, 3, 8},
               {g3, 4, 3, 14}, {g3, 5, 3, 22}, {g3d, 4, 3, 12}};
    test_rng r = {test_seed(1618)};
    fmpq *x = _fmpq_vec_init(3);
    fmpq_t y, v, s;
    cpwl_net_t net;
    slong c, it, i, j;
    cpwl_net_init(net, 1);
    fmpq_init(y);
    fmpq_init(v);
    fmpq_init(s);
    for (c = 0; c < 6; c++)
    {
        slong m = cases[c].m, n = cases[c].n;
        zonotope(net, cases[c].g, m, n);
        ck_assert_msg(regions_on_all(net) == cases[c].want, "case %ld",
                      (long) c);
        for (it = 0; it < test_iters(50); it++)
        {
            for (j = 0; j < n; j++)
                test_fmpq(x + j, &r, TEST_FRACTIONS);
            fmpq_zero(v);
            for (i = 0; i < m; i++)
            {
                fmpq_zero(s);
                for (j = 0; j < n; j++)
                {
                    fmpq_set_si(y, cases[c].g[i * n + j], 1);
                    fmpq_addmul(s, y, x + j);
                }
                fmpq_abs(s, s);
                fmpq_add(v, v, s);
            }
            cpwl_net_eval_fmpq(y, net, x);
            ck_assert(fmpq_equal(y, v));
        }
    }
    /* the vertices of Z for (1,0), (0,1), (1,1): gamma at (1,0) is 2 */
    zonotope(net, g2a, 3, 2);
    fmpq_set_si(x, 1, 1);
    fmpq_zero(x + 1);
    cpwl_net_eval_fmpq(y, net, x);
    ck_assert(fmpq_equal_si(y, 2));
    cpwl_net_clear(net);
    _fmpq_vec_clear(x, 3);
    fmpq_clear(y);
    fmpq_clear(v);
    fmpq_clear(s);
}
END_TEST

START_TEST(test_zonotope_tent)
{
    /* tents after gamma_Z, (1,0), (0,1), (1,1): examples.md's 13 for
       the tent with zero tails (built by cpwl_build_pwl1d), 25 for two tents
       (either tent); the plain tent (sawtooth) once: 12 */
    static const slong g[] = {1, 0, 0, 1, 1, 1};
    static const char *tb[] = {"0", "1/2", "1"};
    static const char *ts[] = {"0", "2", "-2", "0"};
    fmpq *br = _fmpq_vec_init(3), *sl = _fmpq_vec_init(4);
    fmpq_t zero;
    cpwl_net_t z, t, h;
    slong units;
    cpwl_err_t e;
    cpwl_net_init(z, 1);
    cpwl_net_init(t, 1);
    cpwl_net_init(h, 1);
    fmpq_init(zero);
    cpwl_err_init(e);
    zonotope(z, g, 3, 2);
    ck_assert_int_eq(cpwl_build_sawtooth(t, 1, e), CPWL_OK);
    ck_assert_int_eq(cpwl_netalg_compose(h, t, z, e), CPWL_OK);
    ck_assert_int_eq(regions_on_all(h), 12);
    ck_assert_int_eq(cpwl_build_sawtooth(t, 2, e), CPWL_OK);
    ck_assert_int_eq(cpwl_netalg_compose(h, t, z, e), CPWL_OK);
    ck_assert_int_eq(regions_on_all(h), 25);
    set_vec(br, tb, 3);
    set_vec(sl, ts, 4);
    ck_assert_int_eq(cpwl_build_pwl1d(t, &units, br, 4, sl, zero, 0, e),
                     CPWL_OK);
    ck_assert_int_eq(units, 3);
    ck_assert_int_eq(cpwl_netalg_compose(h, t, z, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_size(h), 9);
    ck_assert_int_eq(regions_on_all(h), 13);
    ck_assert_int_eq(cpwl_netalg_compose(h, t, h, e), CPWL_OK);
    ck_assert_int_eq(regions_on_all(h), 25);
    cpwl_net_clear(z);
    cpwl_net_clear(t);
    cpwl_net_clear(h);
    fmpq_clear(zero);
    cpwl_err_clear(e);
    _fmpq_vec_clear(br, 3);
    _fmpq_vec_clear(sl, 4);
}
END_TEST

/* ---- maxima ----------------------------------------------------------- */

/* Units of the tournament on r general items: 3 per pair, 2 per carry. */
static slong max_size(slong n)
{
    slong s = 0;
    while (n > 1)
    {
        s += 3 * (n / 2) + 2 * (n % 2);
        n = (n + 1) / 2;
    }
    return s;
}

START_TEST(test_max)
{
    /* max(x_1..x_n) and max(0, x_1..x_n) at random points; depth
       ceil(log2 n) + 1 (ceil(log2(n + 1)) + 1 with the 0); size of the
       tournament: 3(n - 1) for n a power of 2 */
    test_rng r = {test_seed(5150)};
    fmpq *x = _fmpq_vec_init(9);
    fmpq_t y, v;
    cpwl_net_t net;
    cpwl_err_t e;
    slong n, it, i;
    int z;
    cpwl_net_init(net, 1);
    fmpq_init(y);
    fmpq_init(v);
    cpwl_err_init(e);
    for (n = 1; n <= 9; n++)
        for (z = 0; z <= 1; z++)
        {
            ck_assert_int_eq(cpwl_build_max(net, n, z, e), CPWL_OK);
            ck_assert_int_eq(cpwl_net_depth(net), clog2(n + z) + 1);
            if (!z)
                ck_assert_int_eq(cpwl_net_size(net), max_size(n));
            if (!z && (n & (n - 1)) == 0)
                ck_assert_int_eq(cpwl_net_size(net), 3 * (n - 1));
            for (it = 0; it < test_iters(60); it++)
            {
                for (i = 0; i < n; i++)
                    test_fmpq(x + i, &r, it % 3 ? TEST_FRACTIONS : 0);
                /* ties are common with small integers */
                fmpq_set(v, x);
                for (i = 1; i < n; i++)
                    if (fmpq_cmp(x + i, v) > 0)
                        fmpq_set(v, x + i);
                if (z && fmpq_sgn(v) < 0)
                    fmpq_zero(v);
                cpwl_net_eval_fmpq(y, net, x);
                ck_assert_msg(fmpq_equal(y, v), "n = %ld, zero %d",
                              (long) n, z);
            }
        }
    /* examples.md: max(0, x1, x2): two hidden layers, 4 relus; 3 linear
       regions; max(x1, x2, x3) on R^3: 3 */
    ck_assert_int_eq(cpwl_build_max(net, 2, 1, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(net), 3);
    ck_assert_int_eq(cpwl_net_size(net), 4);
    ck_assert_int_eq(regions_on_all(net), 3);
    ck_assert_int_eq(cpwl_build_max(net, 3, 0, e), CPWL_OK);
    ck_assert_int_eq(regions_on_all(net), 3);
    ck_assert_int_eq(cpwl_build_max(net, 2, 0, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_size(net), 3);
    ck_assert_int_eq(regions_on_all(net), 2);
    cpwl_net_clear(net);
    _fmpq_vec_clear(x, 9);
    fmpq_clear(y);
    fmpq_clear(v);
    cpwl_err_clear(e);
}
END_TEST

/* value of the affine row (n + 1 entries) at x */
static void affine(fmpq_t v, const fmpq *row, const fmpq *x, slong n)
{
    slong i;
    fmpq_set(v, row + n);
    for (i = 0; i < n; i++)
        fmpq_addmul(v, row + i, x + i);
}

START_TEST(test_maxsum)
{
    /* f = sum_j s_j max_i L_ji at random points (Theorem 2.1 form);
       ceil(log2 max k_j) hidden layers */
    test_rng r = {test_seed(60606)};
    cpwl_net_t net;
    cpwl_err_t e;
    slong it;
    cpwl_net_init(net, 1);
    cpwl_err_init(e);
    for (it = 0; it < test_iters(60); it++)
    {
        slong n = test_range(&r, 1, 3), nt = test_range(&r, 1, 4);
        slong k[4], kmax = 1, j, i, p, size;
        int sign[4];
        fmpq *rows[4];
        const fmpq *crows[4];
        fmpq *x = _fmpq_vec_init(n);
        fmpq_t y, v, m, a;
        fmpq_init(y);
        fmpq_init(v);
        fmpq_init(m);
        fmpq_init(a);
        for (j = 0; j < nt; j++)
        {
            k[j] = test_range(&r, 1, it % 2 ? 4 : 6);
            kmax = FLINT_MAX(kmax, k[j]);
            sign[j] = test_range(&r, 0, 1) ? 1 : -1;
            rows[j] = _fmpq_vec_init(k[j] * (n + 1));
            crows[j] = rows[j];
            for (i = 0; i < k[j] * (n + 1); i++)
                test_fmpq(rows[j] + i, &r, TEST_FRACTIONS);
        }
        ck_assert_int_eq(cpwl_build_maxsum(net, &size, n, nt, k, crows,
                                           sign, e), CPWL_OK);
        ck_assert_int_eq(size, cpwl_net_size(net));
        /* an all-affine form with a constant is carried by relu(L) -
           relu(-L) (no output bias): one hidden layer then */
        ck_assert_int_eq(net->output_bias, 0);
        ck_assert(cpwl_net_depth(net) == clog2(kmax) + 1
                  || (kmax == 1 && cpwl_net_depth(net) == 2));
        for (p = 0; p < 30; p++)
        {
            for (i = 0; i < n; i++)
                test_fmpq(x + i, &r, TEST_FRACTIONS);
            fmpq_zero(v);
            for (j = 0; j < nt; j++)
            {
                affine(m, rows[j], x, n);
                for (i = 1; i < k[j]; i++)
                {
                    affine(a, rows[j] + i * (n + 1), x, n);
                    if (fmpq_cmp(a, m) > 0)
                        fmpq_set(m, a);
                }
                if (sign[j] > 0)
                    fmpq_add(v, v, m);
                else
                    fmpq_sub(v, v, m);
            }
            cpwl_net_eval_fmpq(y, net, x);
            ck_assert_msg(fmpq_equal(y, v), "iteration %ld", (long) it);
        }
        for (j = 0; j < nt; j++)
            _fmpq_vec_clear(rows[j], k[j] * (n + 1));
        _fmpq_vec_clear(x, n);
        fmpq_clear(y);
        fmpq_clear(v);
        fmpq_clear(m);
        fmpq_clear(a);
    }
    cpwl_net_clear(net);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_maxsum_abs)
{
    /* |x| = max(x, -x): one term, 1 hidden layer of 3 relus; 1 + |x| =
       max(x, -x) + (0 x + 1): the affine term rides in the max; the
       Wang-Sun form of max(0, x1, x2) - max(0, x1): 2 hidden layers */
    static const char *absr[] = {"1", "0", "-1", "0"};
    static const char *one[] = {"0", "1"};
    fmpq *t0 = _fmpq_vec_init(4), *t1 = _fmpq_vec_init(2);
    const fmpq *terms[2];
    slong k[2] = {2, 1}, size, i;
    int sign[2] = {1, 1};
    fmpq_t x, y;
    cpwl_net_t net;
    cpwl_err_t e;
    cpwl_net_init(net, 1);
    fmpq_init(x);
    fmpq_init(y);
    cpwl_err_init(e);
    set_vec(t0, absr, 4);
    set_vec(t1, one, 2);
    terms[0] = t0;
    terms[1] = t1;
    ck_assert_int_eq(cpwl_build_maxsum(net, &size, 1, 1, k, terms, sign, e),
                     CPWL_OK);
    ck_assert_int_eq(size, 3);
    ck_assert_int_eq(pieces(net, NULL), 2);
    ck_assert_int_eq(cpwl_build_maxsum(net, &size, 1, 2, k, terms, sign, e),
                     CPWL_OK);
    ck_assert_int_eq(size, 3);
    ck_assert_int_eq(cpwl_net_depth(net), 2);
    for (i = -6; i <= 6; i++)
    {
        fmpq_set_si(x, i, 4);
        cpwl_net_eval_fmpq(y, net, x);
        fmpq_abs(x, x);
        fmpq_add_si(x, x, 1);
        ck_assert(fmpq_equal(x, y));
    }
    /* only affine terms, with a constant: no output bias (SPEC section 1),
       so L = relu(L) - relu(-L), one hidden layer of 2 units */
    k[0] = 1;
    sign[1] = -1;
    ck_assert_int_eq(cpwl_build_maxsum(net, &size, 1, 2, k, terms, sign, e),
                     CPWL_OK);
    ck_assert_int_eq(size, 2);
    ck_assert_int_eq(cpwl_net_depth(net), 2);
    ck_assert_int_eq(net->output_bias, 0);
    fmpq_set_si(x, 3, 1);
    cpwl_net_eval_fmpq(y, net, x);
    ck_assert(fmpq_equal_si(y, 2));
    cpwl_net_clear(net);
    fmpq_clear(x);
    fmpq_clear(y);
    cpwl_err_clear(e);
    _fmpq_vec_clear(t0, 4);
    _fmpq_vec_clear(t1, 2);
}
END_TEST

START_TEST(test_lattice)
{
    /* f = max_i min_{j in S_i} L_j at random points; hidden layers
       ceil(log2 max |S_i|) + ceil(log2 #groups) */
    test_rng r = {test_seed(8080)};
    cpwl_net_t net;
    cpwl_err_t e;
    slong it;
    cpwl_net_init(net, 1);
    cpwl_err_init(e);
    for (it = 0; it < test_iters(60); it++)
    {
        slong n = test_range(&r, 1, 3), nl = test_range(&r, 1, 5);
        slong ng = test_range(&r, 1, 4), len[4], gmax = 1, i, j, p, size;
        slong gs[4][5];
        const slong *gp[4];
        fmpq *L = _fmpq_vec_init(nl * (n + 1)), *x = _fmpq_vec_init(n);
        fmpq_t y, v, m, a;
        fmpq_init(y);
        fmpq_init(v);
        fmpq_init(m);
        fmpq_init(a);
        for (i = 0; i < nl * (n + 1); i++)
            test_fmpq(L + i, &r, TEST_FRACTIONS);
        for (i = 0; i < ng; i++)
        {
            len[i] = test_range(&r, 1, 5);
            gmax = FLINT_MAX(gmax, len[i]);
            for (j = 0; j < len[i]; j++)
                gs[i][j] = test_range(&r, 0, nl - 1);
            gp[i] = gs[i];
        }
        ck_assert_int_eq(cpwl_build_lattice(net, &size, n, nl, L, ng, len,
                                            gp, e), CPWL_OK);
        ck_assert_int_eq(size, cpwl_net_size(net));
        ck_assert_int_eq(net->output_bias, 0);
        ck_assert(cpwl_net_depth(net) == clog2(gmax) + clog2(ng) + 1
                  || (gmax == 1 && ng == 1 && cpwl_net_depth(net) == 2));
        for (p = 0; p < 30; p++)
        {
            for (i = 0; i < n; i++)
                test_fmpq(x + i, &r, TEST_FRACTIONS);
            for (i = 0; i < ng; i++)
            {
                affine(m, L + gs[i][0] * (n + 1), x, n);
                for (j = 1; j < len[i]; j++)
                {
                    affine(a, L + gs[i][j] * (n + 1), x, n);
                    if (fmpq_cmp(a, m) < 0)
                        fmpq_set(m, a);
                }
                if (i == 0 || fmpq_cmp(m, v) > 0)
                    fmpq_set(v, m);
            }
            cpwl_net_eval_fmpq(y, net, x);
            ck_assert_msg(fmpq_equal(y, v), "iteration %ld", (long) it);
        }
        _fmpq_vec_clear(L, nl * (n + 1));
        _fmpq_vec_clear(x, n);
        fmpq_clear(y);
        fmpq_clear(v);
        fmpq_clear(m);
        fmpq_clear(a);
    }
    cpwl_net_clear(net);
    cpwl_err_clear(e);
}
END_TEST

/* ---- one-dimensional functions ---------------------------------------- */

/* f(x) = f(t_1) + m_0 (x - t_1) + sum_i (m_i - m_{i-1}) relu(x - t_i)
   (t_1 = 0 when p = 1): the function from its breakpoints and slopes. */
static void pwl_ref(fmpq_t y, const fmpq *t, slong p, const fmpq *m,
                    const fmpq_t val, const fmpq_t x)
{
    fmpq_t d, u;
    slong i;
    fmpq_init(d);
    fmpq_init(u);
    fmpq_set(y, val);
    fmpq_set(u, x);
    if (p >= 2)
        fmpq_sub(u, x, t);
    fmpq_addmul(y, m, u);
    for (i = 1; i < p; i++)
    {
        fmpq_sub(u, x, t + i - 1);
        if (fmpq_sgn(u) > 0)
        {
            fmpq_sub(d, m + i, m + i - 1);
            fmpq_addmul(y, d, u);
        }
    }
    fmpq_clear(d);
    fmpq_clear(u);
}

/* Check net against pwl_ref at every breakpoint, between them, beyond
   both ends and at random points. */
static void check_pwl(const cpwl_net_t net, const fmpq *t, slong p,
                      const fmpq *m, const fmpq_t val, test_rng *r,
                      const char *what)
{
    fmpq_t x, y, v;
    slong i;
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(v);
    for (i = -1; i < 2 * p + 30; i++)
    {
        if (p < 2 || i >= 2 * p - 2)
        {
            test_fmpq(x, r, TEST_FRACTIONS);
            if (i < 2 * p + 2)
                fmpq_mul_si(x, x, 40);
        }
        else if (i == -1)
            fmpq_sub_si(x, t, 1);
        else if (i % 2 == 0)
            fmpq_set(x, t + i / 2);
        else if (i / 2 + 1 < p - 1)
        {
            fmpq_add(x, t + i / 2, t + i / 2 + 1);
            fmpq_div_2exp(x, x, 1);
        }
        else
            fmpq_add_si(x, t + p - 2, 1);
        cpwl_net_eval_fmpq(y, net, x);
        pwl_ref(v, t, p, m, val, x);
        if (!fmpq_equal(y, v))
        {
            char *s = cpwl_io_net_write_str(net);
            fprintf(stderr, "%s: net %s\n", what, s);
            flint_free(s);
            ck_abort_msg("%s: f differs at a point", what);
        }
    }
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(v);
}

typedef struct
{
    slong p;
    const char *t[3];
    const char *m[4];
    const char *val;
    slong units_bias, units_nobias;
}
pwl_case;

START_TEST(test_pwl1d_examples)
{
    /* examples.md: relu 1 unit; |x| 2; the tent with zero tails 3; 1 + |x|
       2 with an output bias and 3 without; breakpoints (-1, 0, 2), slopes
       (3, -1, 1/2, 0), f(-1) = 5: the jumps -4, 3/2, -1/2 sum to -3 =
       -m_0, so 3 left-facing units and the output bias 5 (one unit fewer
       than the 4 of Theorem 2.2's construction); without a bias those 3
       give the intercept 3, not 8: a constant unit carries the 5 (4). */
    static const pwl_case cases[] = {
        {2, {"0"}, {"0", "1"}, "0", 1, 1},
        {2, {"0"}, {"-1", "1"}, "0", 2, 2},
        {4, {"0", "1/2", "1"}, {"0", "2", "-2", "0"}, "0", 3, 3},
        {2, {"0"}, {"-1", "1"}, "1", 2, 3},
        {4, {"-1", "0", "2"}, {"3", "-1", "1/2", "0"}, "5", 3, 4},
        /* one piece: constant 0, constant, a line */
        {1, {NULL}, {"0"}, "0", 0, 0},
        {1, {NULL}, {"0"}, "-7/2", 0, 1},
        {1, {NULL}, {"2/3"}, "1", 2, 2},
        /* a zero jump is no breakpoint: relu again */
        {3, {"0", "1"}, {"0", "1", "1"}, "0", 1, 1},
    };
    fmpq *t = _fmpq_vec_init(3), *m = _fmpq_vec_init(4);
    test_rng r = {test_seed(123)};
    fmpq_t val, x, y;
    cpwl_net_t net;
    cpwl_err_t e;
    slong c, units, i;
    int ob;
    cpwl_net_init(net, 1);
    fmpq_init(val);
    fmpq_init(x);
    fmpq_init(y);
    cpwl_err_init(e);
    for (c = 0; c < (slong) (sizeof cases / sizeof cases[0]); c++)
    {
        const pwl_case *C = cases + c;
        set_vec(t, C->t, C->p - 1);
        set_vec(m, C->m, C->p);
        test_q_set(val, C->val);
        for (ob = 0; ob <= 1; ob++)
        {
            char what[64];
            slong pc = 1;
            snprintf(what, sizeof what, "case %ld, output bias %d",
                     (long) c, ob);
            ck_assert_int_eq(cpwl_build_pwl1d(net, &units, t, C->p, m, val, ob,
                                              e), CPWL_OK);
            ck_assert_msg(units == (ob ? C->units_bias : C->units_nobias),
                          "%s: %ld units", what, (long) units);
            ck_assert_int_eq(cpwl_net_size(net), units);
            ck_assert_int_eq(net->output_bias, ob);
            ck_assert_int_le(cpwl_net_depth(net), 2);
            if (!ob)
                ck_assert(fmpq_is_zero(net->layers[net->nlayers - 1].b));
            check_pwl(net, t, C->p, m, val, &r, what);
            for (i = 1; i < C->p; i++)
                pc += !fmpq_equal(m + i, m + i - 1);
            ck_assert_int_eq(pieces(net, NULL), pc);
        }
    }
    /* the last example: 4 pieces, output bias 5 */
    set_vec(t, cases[4].t, 3);
    set_vec(m, cases[4].m, 4);
    fmpq_set_si(val, 5, 1);
    ck_assert_int_eq(cpwl_build_pwl1d(net, &units, t, 4, m, val, 1, e), CPWL_OK);
    ck_assert(fmpq_equal_si(net->layers[1].b, 5));
    ck_assert_int_eq(pieces(net, NULL), 4);
    cpwl_net_clear(net);
    fmpq_clear(val);
    fmpq_clear(x);
    fmpq_clear(y);
    cpwl_err_clear(e);
    _fmpq_vec_clear(t, 3);
    _fmpq_vec_clear(m, 4);
}
END_TEST

/* The minimum of docs/constructions.md by brute force over all subsets
   (q kinks t, jumps D != 0, leftmost piece m0 x + A0). */
static slong min_units_brute(const fmpq *t, const fmpq *D, slong q,
                             const fmpq_t m0, const fmpq_t A0, int ob)
{
    slong best, k, i;
    ulong S;
    fmpq_t s1, s2, g;
    if (q == 0)
        return !fmpq_is_zero(m0) ? 2 : (!ob && !fmpq_is_zero(A0));
    fmpq_init(s1);
    fmpq_init(s2);
    fmpq_init(g);
    best = q + (ob ? 1 : 2);
    for (S = 0; S < (UWORD(1) << q); S++)
    {
        /* S: the left-facing kinks */
        fmpq_zero(s1);
        fmpq_zero(s2);
        for (i = 0; i < q; i++)
            if ((S >> i) & 1)
            {
                fmpq_add(s1, s1, D + i);
                fmpq_addmul(s2, D + i, t + i);
            }
        fmpq_add(g, s1, m0);
        if (fmpq_is_zero(g))
        {
            fmpq_sub(g, A0, s2);
            best = FLINT_MIN(best, q + (!ob && !fmpq_is_zero(g)));
        }
        /* kink k (not in S) two-sided, facing left with gamma = -m0 -
           sum_S D: the intercept is sum_S D t + gamma t_k */
        for (k = 0; !ob && k < q; k++)
        {
            if ((S >> k) & 1)
                continue;
            fmpq_add(g, s1, m0);
            fmpq_neg(g, g);
            fmpq_mul(g, g, t + k);
            fmpq_add(g, g, s2);
            if (fmpq_equal(g, A0))
                best = FLINT_MIN(best, q + 1);
        }
    }
    fmpq_clear(s1);
    fmpq_clear(s2);
    fmpq_clear(g);
    return best;
}

START_TEST(test_pwl1d_random)
{
    /* random functions with a planted structure (a left-facing subset,
       with or without the matching intercept, a two-sided kink) or none;
       the unit count equals the brute-force minimum, the net equals the
       function at its breakpoints, between and beyond, and has its
       pieces */
    test_rng r = {test_seed(777)};
    fmpq *t = _fmpq_vec_init(12), *m = _fmpq_vec_init(13);
    fmpq *D = _fmpq_vec_init(12);
    fmpq_t m0, A0, val, g;
    cpwl_net_t net;
    cpwl_err_t e;
    slong it;
    cpwl_net_init(net, 1);
    fmpq_init(m0);
    fmpq_init(A0);
    fmpq_init(val);
    fmpq_init(g);
    cpwl_err_init(e);
    for (it = 0; it < test_iters(300); it++)
    {
        slong q = test_range(&r, 0, 8), i, units, kind = it % 5, k;
        ulong S = test_next(&r);
        int ob;
        for (i = 0; i < q; i++)
        {
            fmpq_set_si(t + i, test_range(&r, 1, 6), 2);
            if (i > 0)
                fmpq_add(t + i, t + i, t + i - 1);
            else
                fmpq_sub_si(t, t, 3);
            do
                fmpq_set_si(D + i, test_range(&r, -6, 6),
                            (ulong) test_range(&r, 1, 3));
            while (fmpq_is_zero(D + i));
        }
        test_fmpq(m0, &r, TEST_FRACTIONS);
        test_fmpq(A0, &r, TEST_FRACTIONS);
        if (kind <= 2)
        {
            /* left-facing subset S: m0 = -sum_S D (kind 0: and A0 =
               sum_S D t; kind 2: plus kink k two-sided, facing left
               with g) */
            k = q > 0 ? test_range(&r, 0, q - 1) : -1;
            fmpq_zero(m0);
            if (kind != 1)
                fmpq_zero(A0);
            for (i = 0; i < q; i++)
                if (((S >> i) & 1) && (kind != 2 || i != k))
                {
                    fmpq_sub(m0, m0, D + i);
                    if (kind != 1)
                        fmpq_addmul(A0, D + i, t + i);
                }
            if (kind == 2 && k >= 0)
            {
                test_fmpq(g, &r, TEST_FRACTIONS);
                fmpq_sub(m0, m0, g);
                fmpq_addmul(A0, g, t + k);
            }
        }
        else if (kind == 3 && q > 0)
            fmpq_zero(m0);
        /* slopes, value at t_1, and sometimes a zero jump inserted */
        fmpq_set(m, m0);
        for (i = 0; i < q; i++)
            fmpq_add(m + i + 1, m + i, D + i);
        if (q > 0)
        {
            fmpq_set(val, A0);
            fmpq_addmul(val, m0, t);
        }
        else
            fmpq_set(val, A0);
        for (ob = 0; ob <= 1; ob++)
        {
            slong want = min_units_brute(t, D, q, m0, A0, ob);
            char what[80];
            snprintf(what, sizeof what, "iteration %ld, q %ld, kind %ld, "
                     "bias %d", (long) it, (long) q, (long) kind, ob);
            ck_assert_int_eq(cpwl_build_pwl1d(net, &units, t, q + 1, m, val, ob,
                                              e), CPWL_OK);
            ck_assert_msg(units == want, "%s: %ld units, minimum %ld", what,
                          (long) units, (long) want);
            ck_assert_int_eq(cpwl_net_size(net), units);
            check_pwl(net, t, q + 1, m, val, &r, what);
            ck_assert_int_eq(pieces(net, NULL), q + 1);
        }
    }
    cpwl_net_clear(net);
    fmpq_clear(m0);
    fmpq_clear(A0);
    fmpq_clear(val);
    fmpq_clear(g);
    cpwl_err_clear(e);
    _fmpq_vec_clear(t, 12);
    _fmpq_vec_clear(m, 13);
    _fmpq_vec_clear(D, 12);
}
END_TEST

START_TEST(test_pwl1d_large)
{
    /* 32 kinks (the most the search takes) with a planted left-facing
       subset: 32 units, found by meeting in the middle */
    test_rng r = {test_seed(2718)};
    slong q = 32, i, units;
    fmpq *t = _fmpq_vec_init(q), *m = _fmpq_vec_init(q + 1);
    fmpq *D = _fmpq_vec_init(q);
    ulong S = test_next(&r);
    fmpq_t val;
    cpwl_net_t net;
    cpwl_err_t e;
    int ob;
    cpwl_net_init(net, 1);
    fmpq_init(val);
    cpwl_err_init(e);
    for (i = 0; i < q; i++)
    {
        fmpq_set_si(t + i, 3 * i - 40, 7);
        fmpq_set_si(D + i, (i % 2 ? 1 : -1) * test_range(&r, 1, 1000),
                    (ulong) test_range(&r, 1, 9));
    }
    fmpq_zero(m);
    for (i = 0; i < q; i++)
        if ((S >> i) & 1)
        {
            fmpq_sub(m, m, D + i);
            fmpq_addmul(val, D + i, t + i);
        }
    /* val is the intercept A0; the value at t_1 is m0 t_1 + A0 */
    fmpq_addmul(val, m, t);
    for (i = 0; i < q; i++)
        fmpq_add(m + i + 1, m + i, D + i);
    for (ob = 0; ob <= 1; ob++)
    {
        ck_assert_int_eq(cpwl_build_pwl1d(net, &units, t, q + 1, m, val, ob, e),
                         CPWL_OK);
        ck_assert_int_eq(units, q);
        check_pwl(net, t, q + 1, m, val, &r, "32 kinks");
        ck_assert_int_eq(pieces(net, NULL), q + 1);
    }
    /* one more kink: refused with the limit named */
    {
        fmpq *t2 = _fmpq_vec_init(q + 1), *m2 = _fmpq_vec_init(q + 2);
        for (i = 0; i < q; i++)
            fmpq_set(t2 + i, t + i);
        fmpq_set_si(t2 + q, 100, 1);
        for (i = 0; i <= q; i++)
            fmpq_set(m2 + i, m + i);
        fmpq_add_si(m2 + q + 1, m + q, 1);
        expect_refusal(cpwl_build_pwl1d(net, &units, t2, q + 2, m2, val, 1, e),
                       e, "at most 33");
        _fmpq_vec_clear(t2, q + 1);
        _fmpq_vec_clear(m2, q + 2);
    }
    cpwl_net_clear(net);
    fmpq_clear(val);
    cpwl_err_clear(e);
    _fmpq_vec_clear(t, q);
    _fmpq_vec_clear(m, q + 1);
    _fmpq_vec_clear(D, q);
}
END_TEST

START_TEST(test_pwl1d_points)
{
    /* from points: (0,0), (1/2,1), (1,0) extended: 2x, then 2 - 2x: 2
       units with a bias (no subset of {-4} is -2), 3 without; collinear
       points merge; two points give a line */
    static const char *xs[] = {"0", "1/2", "1", "3/2", "2"};
    static const char *ys[] = {"0", "1", "0", "-1", "-2"};
    fmpq *x = _fmpq_vec_init(5), *y = _fmpq_vec_init(5);
    fmpq *t = _fmpq_vec_init(1), *m = _fmpq_vec_init(2);
    fmpq_t val, v, w;
    test_rng r = {test_seed(55)};
    cpwl_net_t net;
    cpwl_err_t e;
    slong units, i;
    cpwl_net_init(net, 1);
    fmpq_init(val);
    fmpq_init(v);
    fmpq_init(w);
    cpwl_err_init(e);
    set_vec(x, xs, 5);
    set_vec(y, ys, 5);
    fmpq_set_si(t, 1, 2);
    fmpq_set_si(m, 2, 1);
    fmpq_set_si(m + 1, -2, 1);
    fmpq_one(val);
    ck_assert_int_eq(cpwl_build_pwl1d_points(net, &units, x, y, 3, 1, e),
                     CPWL_OK);
    ck_assert_int_eq(units, 2);
    check_pwl(net, t, 2, m, val, &r, "points, bias");
    ck_assert_int_eq(cpwl_build_pwl1d_points(net, &units, x, y, 5, 0, e),
                     CPWL_OK);
    ck_assert_int_eq(units, 3);
    ck_assert_int_eq(pieces(net, NULL), 2);
    check_pwl(net, t, 2, m, val, &r, "points, collinear");
    for (i = 0; i < 5; i++)
    {
        cpwl_net_eval_fmpq(v, net, x + i);
        ck_assert(fmpq_equal(v, y + i));
    }
    /* the line through (1/2, 1) and (1, 0): -2x + 2, 2 units */
    ck_assert_int_eq(cpwl_build_pwl1d_points(net, &units, x + 1, y + 1, 2, 0, e),
                     CPWL_OK);
    ck_assert_int_eq(units, 2);
    fmpq_set_si(v, 7, 3);
    cpwl_net_eval_fmpq(w, net, v);
    fmpq_set_si(v, -8, 3);
    ck_assert(fmpq_equal(w, v));
    expect_refusal(cpwl_build_pwl1d_points(net, &units, x, y, 1, 0, e), e,
                   "at least 2 points");
    fmpq_set(x + 2, x + 1);
    expect_refusal(cpwl_build_pwl1d_points(net, &units, x, y, 3, 0, e), e,
                   "must increase");
    cpwl_net_clear(net);
    fmpq_clear(val);
    fmpq_clear(v);
    fmpq_clear(w);
    cpwl_err_clear(e);
    _fmpq_vec_clear(x, 5);
    _fmpq_vec_clear(y, 5);
    _fmpq_vec_clear(t, 1);
    _fmpq_vec_clear(m, 2);
}
END_TEST

/* ---- hypotheses ------------------------------------------------------- */

START_TEST(test_refusals)
{
    fmpq *a = _fmpq_vec_init(6), *b = _fmpq_vec_init(6);
    fmpq *t = _fmpq_vec_init(2), *m = _fmpq_vec_init(3);
    const fmpq *terms[1];
    const slong *groups[1];
    slong k[1] = {0}, grp[1] = {3}, len[1] = {1}, units;
    int sign[1] = {1};
    fmpq_t v;
    cpwl_net_t net;
    cpwl_err_t e;
    cpwl_net_init(net, 1);
    fmpq_init(v);
    cpwl_err_init(e);
    /* zig-zag: a in the open simplex, w >= 2 */
    fmpq_set_si(a, 1, 2);
    fmpq_set_si(a + 2, 1, 2);
    expect_refusal(cpwl_build_zigzag(net, a, 3, e), e,
                   "zigzag: a must lie in the open simplex: a_2 = 0 is not"
                   " > 0");
    fmpq_set_si(a + 1, 1, 4);
    expect_refusal(cpwl_build_zigzag(net, a, 3, e), e, "sum to 5/4, not 1");
    expect_refusal(cpwl_build_zigzag(net, a, 1, e), e, "w >= 2");
    expect_refusal(cpwl_build_hard(net, a, 1, 2, e), e, "w >= 2");
    fmpq_set_si(a + 1, 1, 2);
    fmpq_set_si(a + 2, -1, 2);
    fmpq_set_si(a + 3, 1, 2);
    expect_refusal(cpwl_build_hard(net, a, 2, 2, e), e,
                   "a^2 must lie in the open simplex: a^2_1 = -1/2");
    expect_refusal(cpwl_build_hard(net, a, 2, 0, e), e, "k >= 1");
    expect_refusal(cpwl_build_sawtooth(net, 0, e), e, "k >= 1");
    /* zonotope: no zero generator, n >= 1 */
    fmpq_one(b);
    expect_refusal(cpwl_build_zonotope(net, b, 3, 2, e), e,
                   "generator 2 is zero");
    fmpq_one(b + 2);
    expect_refusal(cpwl_build_zonotope(net, b, 3, 2, e), e,
                   "generator 3 is zero");
    expect_refusal(cpwl_build_zonotope(net, b, 3, 0, e), e, "n >= 1");
    expect_refusal(cpwl_build_zonotope(net, b, 0, 2, e), e, "at least one");
    /* max: n >= 1 */
    expect_refusal(cpwl_build_max(net, 0, 1, e), e, "n >= 1");
    /* maxsum and lattice */
    terms[0] = a;
    expect_refusal(cpwl_build_maxsum(net, &units, 1, 1, k, terms, sign, e),
                   e, "not of k >= 1");
    k[0] = 1;
    sign[0] = 2;
    expect_refusal(cpwl_build_maxsum(net, &units, 1, 1, k, terms, sign, e),
                   e, "not +1 or -1");
    expect_refusal(cpwl_build_maxsum(net, &units, 0, 1, k, terms, sign, e),
                   e, "n >= 1");
    groups[0] = grp;
    expect_refusal(cpwl_build_lattice(net, &units, 1, 2, a, 1, len, groups,
                                      e), e, "names affine map 3");
    len[0] = 0;
    expect_refusal(cpwl_build_lattice(net, &units, 1, 2, a, 1, len, groups,
                                      e), e, "group 1 is empty");
    /* pwl1d: p >= 1, increasing breakpoints */
    expect_refusal(cpwl_build_pwl1d(net, &units, t, 0, m, v, 1, e), e,
                   "p >= 1");
    fmpq_one(t);
    fmpq_one(t + 1);
    expect_refusal(cpwl_build_pwl1d(net, &units, t, 3, m, v, 1, e), e,
                   "t_2 is not > t_1");
    cpwl_net_clear(net);
    fmpq_clear(v);
    cpwl_err_clear(e);
    _fmpq_vec_clear(a, 6);
    _fmpq_vec_clear(b, 6);
    _fmpq_vec_clear(t, 2);
    _fmpq_vec_clear(m, 3);
}
END_TEST

/* ---- exact equivalence with hand-written formula nets ----------------- */

/* Every builder's output decided equal (cpwl_equiv_decide) to a network
   written out here from the defining formula, independently of
   src/build.c, and decided different from a deliberately wrong formula,
   with a witness whose exact values differ. */

/* n inputs, nl affine maps (relu hidden layers, identity last), rows[l]
   rows in map l; w and b list the rows of all maps in order (weights as
   comma-separated text, bias as text; b NULL: all biases 0). */
static void hand_net(cpwl_net_t net, slong n, slong nl, const slong *rows,
                     const char *const *w, const char *const *b)
{
    slong l, i, k = 0;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    for (l = 0; l < nl; l++)
    {
        cpwl_net_act_t act = l + 1 == nl ? CPWL_NET_IDENTITY : CPWL_NET_RELU;
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, act, rows[l]);
        for (i = 0; i < rows[l]; i++, k++)
            test_set_row(L, i, w[k], b != NULL ? b[k] : "0");
    }
    cpwl_net_prepare(net);
}

/* D = all of R^n (box NULL) or the box. */
static void set_dom(cpwl_dom_t D, slong n, const char *box)
{
    cpwl_dom_clear(D);
    cpwl_dom_init(D);
    if (box == NULL)
        cpwl_dom_set_all(D, n);
    else
        test_dom_str(D, n, box, NULL, NULL);
}

/* cpwl_equiv_decide, which must finish: Q->equal. */
static int decide_on(cpwl_equiv_t Q, const cpwl_net_t a, const cpwl_net_t b, const cpwl_dom_t D)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_err_t e;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_equiv_decide(Q, a, b, D, &o, e) == CPWL_OK,
                  "equiv_decide: %s", e->msg);
    ck_assert_int_eq(Q->stopped, CPWL_REGIONS_DONE);
    ck_assert(Q->regions >= 1);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
    return Q->equal;
}

/* The built net equals the formula net on D, decided in both orders. */
static void expect_equiv(const cpwl_net_t built, const cpwl_net_t hand,
                         const cpwl_dom_t D, const char *what)
{
    cpwl_equiv_t Q;
    cpwl_equiv_init(Q);
    if (decide_on(Q, built, hand, D) != 1)
    {
        char *s = cpwl_io_net_write_str(built), *t = cpwl_dom_describe(D);
        fprintf(stderr, "%s: on %s built %s\n", what, t, s);
        flint_free(s);
        flint_free(t);
        if (Q->equal == 0)
        {
            char *x = fmpq_get_str(NULL, 10, Q->x);
            char *ya = fmpq_get_str(NULL, 10, Q->fa);
            char *yb = fmpq_get_str(NULL, 10, Q->fb);
            fprintf(stderr, "%s: x_1 = %s: built %s, formula %s\n", what,
                    x, ya, yb);
            flint_free(x);
            flint_free(ya);
            flint_free(yb);
        }
        ck_abort_msg("%s: the built net is not the formula", what);
    }
    ck_assert(Q->point == NULL);
    ck_assert_msg(decide_on(Q, hand, built, D) == 1, "%s (reversed)", what);
    cpwl_equiv_clear(Q);
}

/* The built net and a wrong formula differ on D: the witness lies in D,
   is the ambient point of its domain point, and the exact values there
   (cpwl_net_eval_fmpq) differ and are the ones reported.  wit (NULL: not
   wanted) receives the witness (n entries). */
static void expect_differ(fmpq *wit, const cpwl_net_t built, const cpwl_net_t wrong,
                          const cpwl_dom_t D, const char *what)
{
    slong n = D->n, i;
    fmpq *x = _fmpq_vec_init(n);
    fmpq_t ya, yb;
    cpwl_equiv_t Q;
    fmpq_init(ya);
    fmpq_init(yb);
    cpwl_equiv_init(Q);
    ck_assert_msg(decide_on(Q, built, wrong, D) == 0,
                  "%s: the wrong formula was decided equal", what);
    ck_assert(Q->point != NULL && Q->x != NULL);
    ck_assert(Q->n == n && Q->m == 1 && Q->d == D->d);
    if (D->bounded)
        for (i = 0; i < D->d; i++)
            ck_assert(fmpq_cmp(Q->point + i, D->lo + i) >= 0
                      && fmpq_cmp(Q->point + i, D->hi + i) <= 0);
    cpwl_dom_to_ambient(x, D, Q->point);
    for (i = 0; i < n; i++)
        ck_assert(fmpq_equal(x + i, Q->x + i));
    cpwl_net_eval_fmpq(ya, built, x);
    cpwl_net_eval_fmpq(yb, wrong, x);
    ck_assert_msg(!fmpq_equal(ya, yb), "%s: equal at the witness", what);
    ck_assert(fmpq_equal(ya, Q->fa) && fmpq_equal(yb, Q->fb));
    if (wit != NULL)
        for (i = 0; i < n; i++)
            fmpq_set(wit + i, x + i);
    ck_assert_msg(decide_on(Q, wrong, built, D) == 0, "%s (reversed)",
                  what);
    cpwl_equiv_clear(Q);
    fmpq_clear(ya);
    fmpq_clear(yb);
    _fmpq_vec_clear(x, n);
}

/* h_a, a = (1/5, 3/10, 1/2), as 5 relu(x) - 25/3 relu(x - 1/5) + 16/3
   relu(x - 1/2) (examples.md); the same with c_3 = 5; the same plus
   relu(x - 1) */
static const slong zz_rows[] = {3, 1}, zz4_rows[] = {4, 1};
static const char *zz_w[] = {"1", "1", "1", "5,-25/3,16/3"};
static const char *zz_bad_w[] = {"1", "1", "1", "5,-25/3,5"};
static const char *zz_b[] = {"0", "-1/5", "-1/2", "0"};
static const char *zz4_w[] = {"1", "1", "1", "1", "5,-25/3,16/3,1"};
static const char *zz4_b[] = {"0", "-1/5", "-1/2", "-1", "0"};

START_TEST(test_equiv_zigzag)
{
    /* The zig-zag is a theorem about [0,1], but both the construction
       and the formula are the same sum of relus on all of R (0 left of
       0, the last piece continued right of 1), so equality is decided
       on R and on [0,1].  Wrong: c_3 = 5 (differs right of 1/2, inside
       [0,1]); an extra relu(x - 1) (equal on [0,1], not on R: the
       witness is right of 1).  Pieces 3 and 4 are asserted in
       test_zigzag. */
    fmpq *a = _fmpq_vec_init(3), *x = _fmpq_vec_init(1);
    cpwl_net_t z, h;
    cpwl_dom_t D;
    cpwl_err_t e;
    cpwl_net_init(z, 1);
    cpwl_net_init(h, 1);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    fmpq_set_si(a, 1, 5);
    fmpq_set_si(a + 1, 3, 10);
    fmpq_set_si(a + 2, 1, 2);
    ck_assert_int_eq(cpwl_build_zigzag(z, a, 3, e), CPWL_OK);
    hand_net(h, 1, 2, zz_rows, zz_w, zz_b);
    h->output_bias = 0;
    set_dom(D, 1, NULL);
    expect_equiv(z, h, D, "zigzag on R");
    set_dom(D, 1, "0:1");
    expect_equiv(z, h, D, "zigzag on [0,1]");
    hand_net(h, 1, 2, zz_rows, zz_bad_w, zz_b);
    expect_differ(x, z, h, D, "zigzag, c_3 = 5, on [0,1]");
    ck_assert(fmpq_cmp_si(x, 0) >= 0 && fmpq_cmp_si(x, 1) <= 0);
    hand_net(h, 1, 2, zz4_rows, zz4_w, zz4_b);
    expect_equiv(z, h, D, "zigzag + relu(x - 1) on [0,1]");
    set_dom(D, 1, NULL);
    expect_differ(x, z, h, D, "zigzag + relu(x - 1) on R");
    ck_assert(fmpq_cmp_si(x, 1) > 0);
    cpwl_net_clear(z);
    cpwl_net_clear(h);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(a, 3);
    _fmpq_vec_clear(x, 1);
}
END_TEST

/* h_b, b = (1/3, 1/3, 1/3): slopes 3, -3, 3 from 0, 1/3, 2/3 */
static const char *zb_w[] = {"1", "1", "1", "3,-6,6"};
static const char *zb_bad_w[] = {"1", "1", "1", "3,-6,5"};
static const char *zb_b[] = {"0", "-1/3", "-2/3", "0"};

START_TEST(test_equiv_hard)
{
    /* cpwl_build_hard with a^1 = b = (1/3,1/3,1/3), a^2 = a = (1/5,3/10,1/2)
       is h_a o h_b: equal to cpwl_netalg_compose of the hand zig-zags (on R
       and on [0,1]; as for the zig-zag the pieces are a statement on
       [0,1], the two formulas agree everywhere); h_a^3 likewise.  Wrong:
       h_b with c_3 = 5, and the composition in the other order h_b o
       h_a.  Pieces (9, 10; 27, 28) are asserted in test_hard_examples. */
    static const char *ab[] = {"1/3", "1/3", "1/3", "1/5", "3/10", "1/2"};
    fmpq *a = _fmpq_vec_init(9);
    cpwl_net_t built, za, zb, c, c2;
    cpwl_dom_t D;
    cpwl_err_t e;
    slong i;
    cpwl_net_init(built, 1);
    cpwl_net_init(za, 1);
    cpwl_net_init(zb, 1);
    cpwl_net_init(c, 1);
    cpwl_net_init(c2, 1);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    set_vec(a, ab, 6);
    ck_assert_int_eq(cpwl_build_hard(built, a, 3, 2, e), CPWL_OK);
    hand_net(za, 1, 2, zz_rows, zz_w, zz_b);
    hand_net(zb, 1, 2, zz_rows, zb_w, zb_b);
    ck_assert_int_eq(cpwl_netalg_compose(c, za, zb, e), CPWL_OK);
    set_dom(D, 1, NULL);
    expect_equiv(built, c, D, "h_a o h_b on R");
    set_dom(D, 1, "0:1");
    expect_equiv(built, c, D, "h_a o h_b on [0,1]");
    ck_assert_int_eq(cpwl_netalg_compose(c, zb, za, e), CPWL_OK);
    expect_differ(NULL, built, c, D, "h_b o h_a on [0,1]");
    hand_net(zb, 1, 2, zz_rows, zb_bad_w, zb_b);
    ck_assert_int_eq(cpwl_netalg_compose(c, za, zb, e), CPWL_OK);
    expect_differ(NULL, built, c, D, "h_a o h_b, c_3 = 5, on [0,1]");
    /* h_a^3 */
    for (i = 0; i < 9; i++)
        fmpq_set(a + i, a + 3 + i % 3);
    ck_assert_int_eq(cpwl_build_hard(built, a, 3, 3, e), CPWL_OK);
    ck_assert_int_eq(cpwl_netalg_compose(c2, za, za, e), CPWL_OK);
    ck_assert_int_eq(cpwl_netalg_compose(c, za, c2, e), CPWL_OK);
    expect_equiv(built, c, D, "h_a^3 on [0,1]");
    set_dom(D, 1, NULL);
    expect_equiv(built, c, D, "h_a^3 on R");
    cpwl_net_clear(built);
    cpwl_net_clear(za);
    cpwl_net_clear(zb);
    cpwl_net_clear(c);
    cpwl_net_clear(c2);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(a, 9);
}
END_TEST

/* t o t o t, t = 2 relu(x) - 4 relu(x - 1/2), three relu layers; wrong:
   the middle tent's second kink at 1/4 */
static const slong saw_rows[] = {2, 2, 2, 1};
static const char *saw_w[] = {"1", "1", "2,-4", "2,-4", "2,-4", "2,-4",
                              "2,-4"};
static const char *saw_b[] = {"0", "-1/2", "0", "-1/2", "0", "-1/2", "0"};
static const char *saw_bad_b[] = {"0", "-1/2", "0", "-1/4", "0", "-1/2",
                                  "0"};

START_TEST(test_equiv_sawtooth)
{
    /* on R and on [0,1] (the 2^k pieces are a statement on [0,1]; the
       formula and the construction agree everywhere); pieces 8 and 10
       are asserted in test_sawtooth */
    cpwl_net_t s, h;
    cpwl_dom_t D;
    cpwl_err_t e;
    cpwl_net_init(s, 1);
    cpwl_net_init(h, 1);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_build_sawtooth(s, 3, e), CPWL_OK);
    hand_net(h, 1, 4, saw_rows, saw_w, saw_b);
    set_dom(D, 1, NULL);
    expect_equiv(s, h, D, "t^3 on R");
    set_dom(D, 1, "0:1");
    expect_equiv(s, h, D, "t^3 on [0,1]");
    hand_net(h, 1, 4, saw_rows, saw_w, saw_bad_b);
    expect_differ(NULL, s, h, D, "t^3, a kink at 1/4, on [0,1]");
    cpwl_net_clear(s);
    cpwl_net_clear(h);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
}
END_TEST

/* sum_i relu(<b_i, x>) + relu(-<b_i, x>), b = (1,0), (0,1), (1,1),
   (1,-2), the positive units first (not the builder's order); wrong:
   relu(-x_1 + 3 x_2) for the last */
static const slong zon_rows[] = {8, 1};
static const char *zon_w[] = {"1,0", "0,1", "1,1", "1,-2", "-1,0", "0,-1",
                              "-1,-1", "-1,2", "1,1,1,1,1,1,1,1"};
static const char *zon_bad_w[] = {"1,0", "0,1", "1,1", "1,-2", "-1,0",
                                  "0,-1", "-1,-1", "-1,3",
                                  "1,1,1,1,1,1,1,1"};

START_TEST(test_equiv_zonotope)
{
    /* cpwl_build_zonotope takes the m generators as the rows of an m x n
       row-major matrix; on R^2; the 8 regions are asserted in
       test_zonotope */
    static const slong g[] = {1, 0, 0, 1, 1, 1, 1, -2};
    fmpq *b = _fmpq_vec_init(8);
    cpwl_net_t z, h;
    cpwl_dom_t D;
    cpwl_err_t e;
    slong i;
    cpwl_net_init(z, 1);
    cpwl_net_init(h, 1);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    for (i = 0; i < 8; i++)
        fmpq_set_si(b + i, g[i], 1);
    ck_assert_int_eq(cpwl_build_zonotope(z, b, 4, 2, e), CPWL_OK);
    hand_net(h, 2, 2, zon_rows, zon_w, NULL);
    set_dom(D, 2, NULL);
    expect_equiv(z, h, D, "zonotope on R^2");
    hand_net(h, 2, 2, zon_rows, zon_bad_w, NULL);
    expect_differ(NULL, z, h, D, "zonotope, (1,-3) on one side");
    cpwl_net_clear(z);
    cpwl_net_clear(h);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(b, 8);
}
END_TEST

/* max(a, b) = (relu(a + b) - relu(-a - b) + relu(a - b) + relu(b - a))/2
   chained; a value carried as relu(y) - relu(-y).  m = (u_1 - u_2 + u_3 +
   u_4)/2 is the max of a first gadget. */
#define GADGET_OUT "1/2,-1/2,1/2,1/2"
static const slong max2_rows[] = {4, 1};
static const char *max2_w[] = {"1,1", "-1,-1", "1,-1", "-1,1", GADGET_OUT};

/* max(max(x1, x2), x3): x3 carried */
static const slong max3_rows[] = {6, 4, 1};
static const char *max3_w[] = {
    "1,1,0", "-1,-1,0", "1,-1,0", "-1,1,0", "0,0,1", "0,0,-1",
    "1/2,-1/2,1/2,1/2,1,-1", "-1/2,1/2,-1/2,-1/2,-1,1",
    "1/2,-1/2,1/2,1/2,-1,1", "-1/2,1/2,-1/2,-1/2,1,-1", GADGET_OUT};

/* max(max(x1, x2), max(x3, x4)); wrong: relu(x3 - 2 x4) in the second
   gadget */
static const slong max4_rows[] = {8, 4, 1};
static const char *max4_w[] = {
    "1,1,0,0", "-1,-1,0,0", "1,-1,0,0", "-1,1,0,0",
    "0,0,1,1", "0,0,-1,-1", "0,0,1,-1", "0,0,-1,1",
    "1/2,-1/2,1/2,1/2,1/2,-1/2,1/2,1/2",
    "-1/2,1/2,-1/2,-1/2,-1/2,1/2,-1/2,-1/2",
    "1/2,-1/2,1/2,1/2,-1/2,1/2,-1/2,-1/2",
    "-1/2,1/2,-1/2,-1/2,1/2,-1/2,1/2,1/2", GADGET_OUT};
static const char *max4_bad_w[] = {
    "1,1,0,0", "-1,-1,0,0", "1,-1,0,0", "-1,1,0,0",
    "0,0,1,1", "0,0,-1,-1", "0,0,1,-2", "0,0,-1,1",
    "1/2,-1/2,1/2,1/2,1/2,-1/2,1/2,1/2",
    "-1/2,1/2,-1/2,-1/2,-1/2,1/2,-1/2,-1/2",
    "1/2,-1/2,1/2,1/2,-1/2,1/2,-1/2,-1/2",
    "-1/2,1/2,-1/2,-1/2,1/2,-1/2,1/2,1/2", GADGET_OUT};

/* max(max(x1, x2), 0): the gadget with b = 0 */
static const slong max20_rows[] = {4, 4, 1};
static const char *max20_w[] = {
    "1,1", "-1,-1", "1,-1", "-1,1",
    "1/2,-1/2,1/2,1/2", "-1/2,1/2,-1/2,-1/2",
    "1/2,-1/2,1/2,1/2", "-1/2,1/2,-1/2,-1/2", GADGET_OUT};

START_TEST(test_equiv_max)
{
    /* on R^n; linear regions: n for max(x_1..x_n) (the 2, 3 and 3 of
       max(0, x1, x2) are asserted in test_max, here n = 4).  Wrong: a
       changed weight (n = 4); max(x1, x2) for max(0, x1, x2) (the
       witness has both < 0) */
    fmpq *x = _fmpq_vec_init(2);
    cpwl_net_t m, h;
    cpwl_dom_t D;
    cpwl_err_t e;
    cpwl_net_init(m, 1);
    cpwl_net_init(h, 1);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_build_max(m, 2, 0, e), CPWL_OK);
    hand_net(h, 2, 2, max2_rows, max2_w, NULL);
    set_dom(D, 2, NULL);
    expect_equiv(m, h, D, "max, n = 2");
    ck_assert_int_eq(cpwl_build_max(m, 3, 0, e), CPWL_OK);
    hand_net(h, 3, 3, max3_rows, max3_w, NULL);
    set_dom(D, 3, NULL);
    expect_equiv(m, h, D, "max, n = 3");
    ck_assert_int_eq(cpwl_build_max(m, 4, 0, e), CPWL_OK);
    ck_assert_int_eq(regions_on_all(m), 4);
    hand_net(h, 4, 3, max4_rows, max4_w, NULL);
    set_dom(D, 4, NULL);
    expect_equiv(m, h, D, "max, n = 4");
    hand_net(h, 4, 3, max4_rows, max4_bad_w, NULL);
    expect_differ(NULL, m, h, D, "max, n = 4, relu(x3 - 2 x4)");
    ck_assert_int_eq(cpwl_build_max(m, 2, 1, e), CPWL_OK);
    hand_net(h, 2, 3, max20_rows, max20_w, NULL);
    set_dom(D, 2, NULL);
    expect_equiv(m, h, D, "max with zero, n = 2");
    hand_net(h, 2, 2, max2_rows, max2_w, NULL);
    expect_differ(x, m, h, D, "max with zero against max(x1, x2)");
    ck_assert(fmpq_sgn(x) < 0 && fmpq_sgn(x + 1) < 0);
    cpwl_net_clear(m);
    cpwl_net_clear(h);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(x, 2);
}
END_TEST

/* The general formula of the 1-D size theorem, written out: f(x) = A +
   m_0 relu(x) - m_0 relu(-x) + sum_i D_i relu(x - t_i) with D_i = m_i -
   m_{i-1} and the output bias A = f(t_1) - m_0 t_1 (p >= 2; p + 1
   units, every kink its own unit). */
static void pwl_formula_net(cpwl_net_t net, const fmpq *t, slong p,
                            const fmpq *m, const fmpq_t val)
{
    cpwl_net_layer_struct *L, *O;
    slong i;
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, p + 1);
    O = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    fmpq_one(fmpq_mat_entry(L->W, 0, 0));
    fmpq_set_si(fmpq_mat_entry(L->W, 1, 0), -1, 1);
    fmpq_set(fmpq_mat_entry(O->W, 0, 0), m);
    fmpq_neg(fmpq_mat_entry(O->W, 0, 1), m);
    for (i = 1; i < p; i++)
    {
        fmpq_one(fmpq_mat_entry(L->W, i + 1, 0));
        fmpq_neg(L->b + i + 1, t + i - 1);
        fmpq_sub(fmpq_mat_entry(O->W, 0, i + 1), m + i, m + i - 1);
    }
    fmpq_set(O->b, val);
    fmpq_submul(O->b, m, t);
    cpwl_net_prepare(net);
}

/* breakpoints (-1, 0, 2), slopes (3, -1, 1/2, 0), f(-1) = 5 by hand:
   D = (-4, 3/2, -1/2), A = 5 + 3 = 8 */
static const slong pwl_rows[] = {5, 1};
static const char *pwl_w[] = {"1", "-1", "1", "1", "1",
                              "3,-3,-4,3/2,-1/2"};
static const char *pwl_b[] = {"0", "0", "1", "0", "-2", "8"};

START_TEST(test_equiv_pwl1d)
{
    /* the examples of examples.md (1-D size theorem): relu, |x|, the
       tent with zero tails, 1 + |x|, and the 4-piece example; the
       minimal net (with and without an output bias) equals the p + 1
       unit formula on R.  Wrong: the constant moved by 1, the last
       slope moved by 1 (the last jump changed).  Pieces are asserted in
       test_pwl1d_examples. */
    static const struct
    {
        slong p;
        const char *t[3];
        const char *m[4];
        const char *val;
    }
    cases[] = {
        {2, {"0"}, {"0", "1"}, "0"},
        {2, {"0"}, {"-1", "1"}, "0"},
        {4, {"0", "1/2", "1"}, {"0", "2", "-2", "0"}, "0"},
        {2, {"0"}, {"-1", "1"}, "1"},
        {4, {"-1", "0", "2"}, {"3", "-1", "1/2", "0"}, "5"},
    };
    fmpq *t = _fmpq_vec_init(3), *m = _fmpq_vec_init(4);
    fmpq_t val;
    cpwl_net_t net, h;
    cpwl_dom_t D;
    cpwl_err_t e;
    slong c, units;
    int ob;
    cpwl_net_init(net, 1);
    cpwl_net_init(h, 1);
    fmpq_init(val);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    set_dom(D, 1, NULL);
    for (c = 0; c < (slong) (sizeof cases / sizeof cases[0]); c++)
        for (ob = 0; ob <= 1; ob++)
        {
            char what[80];
            slong p = cases[c].p;
            set_vec(t, cases[c].t, p - 1);
            set_vec(m, cases[c].m, p);
            test_q_set(val, cases[c].val);
            snprintf(what, sizeof what, "pwl1d case %ld, output bias %d",
                     (long) c, ob);
            ck_assert_int_eq(cpwl_build_pwl1d(net, &units, t, p, m, val, ob, e),
                             CPWL_OK);
            pwl_formula_net(h, t, p, m, val);
            expect_equiv(net, h, D, what);
            fmpq_add_si(val, val, 1);
            pwl_formula_net(h, t, p, m, val);
            expect_differ(NULL, net, h, D, what);
            fmpq_sub_si(val, val, 1);
            fmpq_add_si(m + p - 1, m + p - 1, 1);
            pwl_formula_net(h, t, p, m, val);
            expect_differ(NULL, net, h, D, what);
        }
    /* the 4-piece example against the formula with literal weights */
    hand_net(h, 1, 2, pwl_rows, pwl_w, pwl_b);
    for (ob = 0; ob <= 1; ob++)
    {
        set_vec(t, cases[4].t, 3);
        set_vec(m, cases[4].m, 4);
        fmpq_set_si(val, 5, 1);
        ck_assert_int_eq(cpwl_build_pwl1d(net, &units, t, 4, m, val, ob, e),
                         CPWL_OK);
        expect_equiv(net, h, D, "pwl1d example, literal formula");
    }
    cpwl_net_clear(net);
    cpwl_net_clear(h);
    fmpq_clear(val);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(t, 3);
    _fmpq_vec_clear(m, 4);
}
END_TEST

/* through (0,0), (1/2,1), (1,0), (3/2,-1), (2,-2): 2x, then 2 - 2x, as
   2 relu(x) - 2 relu(-x) - 4 relu(x - 1/2); wrong: -3 relu(x - 1/2) */
static const slong pts_rows[] = {3, 1};
static const char *pts_w[] = {"1", "-1", "1", "2,-2,-4"};
static const char *pts_bad_w[] = {"1", "-1", "1", "2,-2,-3"};
static const char *pts_b[] = {"0", "0", "-1/2", "0"};

START_TEST(test_equiv_pwl1d_points)
{
    /* 3 and 5 points (collinear ones merge), with and without an output
       bias, on R; 2 pieces (asserted in test_pwl1d_points for 5 points
       without a bias only) */
    static const char *xs[] = {"0", "1/2", "1", "3/2", "2"};
    static const char *ys[] = {"0", "1", "0", "-1", "-2"};
    fmpq *x = _fmpq_vec_init(5), *y = _fmpq_vec_init(5);
    cpwl_net_t net, h, bad;
    cpwl_dom_t D;
    cpwl_err_t e;
    slong units, np;
    int ob;
    cpwl_net_init(net, 1);
    cpwl_net_init(h, 1);
    cpwl_net_init(bad, 1);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    set_vec(x, xs, 5);
    set_vec(y, ys, 5);
    hand_net(h, 1, 2, pts_rows, pts_w, pts_b);
    hand_net(bad, 1, 2, pts_rows, pts_bad_w, pts_b);
    set_dom(D, 1, NULL);
    for (np = 3; np <= 5; np += 2)
        for (ob = 0; ob <= 1; ob++)
        {
            ck_assert_int_eq(cpwl_build_pwl1d_points(net, &units, x, y, np, ob,
                                                     e), CPWL_OK);
            expect_equiv(net, h, D, "pwl1d from points");
            expect_differ(NULL, net, bad, D, "pwl1d from points, wrong");
            ck_assert_int_eq(pieces(net, NULL), 2);
        }
    cpwl_net_clear(net);
    cpwl_net_clear(h);
    cpwl_net_clear(bad);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(x, 5);
    _fmpq_vec_clear(y, 5);
}
END_TEST

/* |x| = relu(x) + relu(-x); the same + 1 (wrong for |x|, right for 1 +
   |x|) */
static const slong abs_rows[] = {2, 1};
static const char *abs_w[] = {"1", "-1", "1,1"};
static const char *abs_b[] = {"0", "0", "0"};
static const char *abs1_b[] = {"0", "0", "1"};

/* max(x1, x2, 0) - max(x1, 0) = relu(relu(x2) - relu(x1)); wrong:
   relu(2 relu(x2) - relu(x1)) */
static const slong ms_rows[] = {2, 1, 1};
static const char *ms_w[] = {"1,0", "0,1", "-1,1", "1"};
static const char *ms_bad_w[] = {"1,0", "0,1", "-1,2", "1"};

/* max(x1, x2) + max(-x1, -x2) = |x1 - x2| */
static const slong md_rows[] = {2, 1};
static const char *md_w[] = {"1,-1", "-1,1", "1,1"};

START_TEST(test_equiv_maxsum)
{
    /* on R^n.  |x| = max(x, -x) (2 pieces asserted in test_maxsum_abs)
       and 1 + |x|; max(x1, x2, 0) - max(x1, 0): 3 linear regions (0 on
       x2 <= max(x1, 0), x2 for x1 <= 0 < x2, x2 - x1 for 0 < x1 < x2);
       max(x1, x2) + max(-x1, -x2) = |x1 - x2|: 2 */
    static const char *absr[] = {"1", "0", "-1", "0"};
    static const char *one[] = {"0", "1"};
    static const char *t3[] = {"1", "0", "0", "0", "1", "0", "0", "0",
                               "0"};
    static const char *t2[] = {"1", "0", "0", "0", "0", "0"};
    static const char *n2[] = {"-1", "0", "0", "0", "-1", "0"};
    fmpq *a = _fmpq_vec_init(4), *b = _fmpq_vec_init(2);
    fmpq *c = _fmpq_vec_init(9), *d = _fmpq_vec_init(6);
    const fmpq *terms[2];
    slong k[2], size;
    int sign[2];
    cpwl_net_t net, h;
    cpwl_dom_t D;
    cpwl_err_t e;
    cpwl_net_init(net, 1);
    cpwl_net_init(h, 1);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    set_vec(a, absr, 4);
    set_vec(b, one, 2);
    terms[0] = a;
    terms[1] = b;
    k[0] = 2;
    k[1] = 1;
    sign[0] = sign[1] = 1;
    set_dom(D, 1, NULL);
    ck_assert_int_eq(cpwl_build_maxsum(net, &size, 1, 1, k, terms, sign, e),
                     CPWL_OK);
    hand_net(h, 1, 2, abs_rows, abs_w, abs_b);
    expect_equiv(net, h, D, "maxsum |x|");
    hand_net(h, 1, 2, abs_rows, abs_w, abs1_b);
    expect_differ(NULL, net, h, D, "maxsum |x| against 1 + |x|");
    ck_assert_int_eq(cpwl_build_maxsum(net, &size, 1, 2, k, terms, sign, e),
                     CPWL_OK);
    expect_equiv(net, h, D, "maxsum 1 + |x|");
    ck_assert_int_eq(pieces(net, NULL), 2);
    /* max(x1, x2, 0) - max(x1, 0) */
    set_vec(c, t3, 9);
    set_vec(d, t2, 6);
    terms[0] = c;
    terms[1] = d;
    k[0] = 3;
    k[1] = 2;
    sign[1] = -1;
    ck_assert_int_eq(cpwl_build_maxsum(net, &size, 2, 2, k, terms, sign, e),
                     CPWL_OK);
    ck_assert_int_eq(regions_on_all(net), 3);
    hand_net(h, 2, 3, ms_rows, ms_w, NULL);
    set_dom(D, 2, NULL);
    expect_equiv(net, h, D, "maxsum max(x1, x2, 0) - max(x1, 0)");
    hand_net(h, 2, 3, ms_rows, ms_bad_w, NULL);
    expect_differ(NULL, net, h, D, "maxsum, relu(2 relu(x2) - relu(x1))");
    /* max(x1, x2) + max(-x1, -x2) */
    set_vec(d, n2, 6);
    terms[0] = c;
    k[0] = 2;
    sign[1] = 1;
    ck_assert_int_eq(cpwl_build_maxsum(net, &size, 2, 2, k, terms, sign, e),
                     CPWL_OK);
    ck_assert_int_eq(regions_on_all(net), 2);
    hand_net(h, 2, 2, md_rows, md_w, NULL);
    expect_equiv(net, h, D, "maxsum |x1 - x2|");
    cpwl_net_clear(net);
    cpwl_net_clear(h);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(a, 4);
    _fmpq_vec_clear(b, 2);
    _fmpq_vec_clear(c, 9);
    _fmpq_vec_clear(d, 6);
}
END_TEST

/* min(|x|, 1) = |x| - relu(|x| - 1), |x| = u1 + u2 >= 0 with u =
   (relu(x), relu(-x)); wrong: min(|x|, 2) */
static const slong lat1_rows[] = {2, 2, 1};
static const char *lat1_w[] = {"1", "-1", "1,1", "1,1", "1,-1"};
static const char *lat1_b[] = {"0", "0", "0", "-1", "0"};
static const char *lat1_bad_b[] = {"0", "0", "0", "-2", "0"};

/* max(min(x1, x2), 0) = relu(x1 - relu(x1 - x2)), x1 = relu(x1) -
   relu(-x1); wrong: relu(x1 + relu(x1 - x2)) */
static const slong lat2_rows[] = {3, 1, 1};
static const char *lat2_w[] = {"1,-1", "1,0", "-1,0", "-1,1,-1", "1"};
static const char *lat2_bad_w[] = {"1,-1", "1,0", "-1,0", "1,1,-1", "1"};

START_TEST(test_equiv_lattice)
{
    /* on R^n.  max(min(x, 1), min(-x, 1)) = min(max(x, -x), 1) =
       min(|x|, 1): 4 pieces (x, -x on [-1, 1], the constant 1 on each
       side); max(min(x1, x2), 0): 3 linear regions (0 where min <= 0,
       x1 and x2 above) */
    static const char *l1[] = {"1", "0", "0", "1", "-1", "0"};
    static const char *l2[] = {"1", "0", "0", "0", "1", "0", "0", "0",
                               "0"};
    static const slong g1a[] = {0, 1}, g1b[] = {2, 1}, g2b[] = {2};
    const slong *groups[2];
    slong len[2] = {2, 2}, size;
    fmpq *L = _fmpq_vec_init(9);
    cpwl_net_t net, h;
    cpwl_dom_t D;
    cpwl_err_t e;
    cpwl_net_init(net, 1);
    cpwl_net_init(h, 1);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    set_vec(L, l1, 6);
    groups[0] = g1a;
    groups[1] = g1b;
    ck_assert_int_eq(cpwl_build_lattice(net, &size, 1, 3, L, 2, len, groups,
                                        e), CPWL_OK);
    ck_assert_int_eq(pieces(net, NULL), 4);
    hand_net(h, 1, 3, lat1_rows, lat1_w, lat1_b);
    set_dom(D, 1, NULL);
    expect_equiv(net, h, D, "lattice min(|x|, 1)");
    hand_net(h, 1, 3, lat1_rows, lat1_w, lat1_bad_b);
    expect_differ(NULL, net, h, D, "lattice against min(|x|, 2)");
    set_vec(L, l2, 9);
    groups[1] = g2b;
    len[1] = 1;
    ck_assert_int_eq(cpwl_build_lattice(net, &size, 2, 3, L, 2, len, groups,
                                        e), CPWL_OK);
    ck_assert_int_eq(regions_on_all(net), 3);
    hand_net(h, 2, 3, lat2_rows, lat2_w, NULL);
    set_dom(D, 2, NULL);
    expect_equiv(net, h, D, "lattice max(min(x1, x2), 0)");
    hand_net(h, 2, 3, lat2_rows, lat2_bad_w, NULL);
    expect_differ(NULL, net, h, D, "lattice, relu(x1 + relu(x1 - x2))");
    cpwl_net_clear(net);
    cpwl_net_clear(h);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(L, 9);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("build");
    TCase *tz = tcase_create("zig-zags");
    TCase *tg = tcase_create("zonotopes");
    TCase *tm = tcase_create("maxima");
    TCase *tp = tcase_create("one input");
    TCase *te = tcase_create("hypotheses");
    TCase *tq = tcase_create("equivalence");
    tcase_add_test(tz, test_zigzag);
    tcase_add_test(tz, test_hard_examples);
    tcase_add_test(tz, test_sawtooth);
    tcase_add_test(tz, test_hard_random);
    tcase_add_test(tg, test_zonotope);
    tcase_add_test(tg, test_zonotope_tent);
    tcase_add_test(tm, test_max);
    tcase_add_test(tm, test_maxsum);
    tcase_add_test(tm, test_maxsum_abs);
    tcase_add_test(tm, test_lattice);
    tcase_add_test(tp, test_pwl1d_examples);
    tcase_add_test(tp, test_pwl1d_random);
    tcase_add_test(tp, test_pwl1d_large);
    tcase_add_test(tp, test_pwl1d_points);
    tcase_add_test(te, test_refusals);
    tcase_add_test(tq, test_equiv_zigzag);
    tcase_add_test(tq, test_equiv_hard);
    tcase_add_test(tq, test_equiv_sawtooth);
    tcase_add_test(tq, test_equiv_zonotope);
    tcase_add_test(tq, test_equiv_max);
    tcase_add_test(tq, test_equiv_pwl1d);
    tcase_add_test(tq, test_equiv_pwl1d_points);
    tcase_add_test(tq, test_equiv_maxsum);
    tcase_add_test(tq, test_equiv_lattice);
    /* generous: valgrind runs and slow machines */
    tcase_set_timeout(tz, 300);
    tcase_set_timeout(tg, 300);
    tcase_set_timeout(tm, 300);
    tcase_set_timeout(tp, 300);
    tcase_set_timeout(te, 300);
    tcase_set_timeout(tq, 300);
    suite_add_tcase(s, tz);
    suite_add_tcase(s, tg);
    suite_add_tcase(s, tm);
    suite_add_tcase(s, tp);
    suite_add_tcase(s, te);
    suite_add_tcase(s, tq);
    return test_run(s);
}
