/* Network algebra: compose, sum, scale and depth padding evaluated
   exactly at seeded random rational points against the formulas
   f(g(x)), a(x) + b(x), c f(x), f(x); the depth and size formulas of
   cpwl/netalg.h; region counts of composed tents against examples.md. */
#include <check.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"

/* ---- random nets and a reference evaluation ---------------------------- */

#define ACTS_RELU 0             /* hidden layers relu */
#define ACTS_LEAKY 1            /* relu or leaky_relu */
#define ACTS_ALL 2              /* also identity, abs, hardtanh */

/* n inputs, `depth` affine maps, m outputs (identity last), hidden widths
   1..maxw, small fractions as weights. */
static void rand_net(cpwl_net_t net, test_rng *r, slong n, slong depth, slong m,
                     slong maxw, int acts)
{
    slong l, i, j;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    for (l = 0; l < depth; l++)
    {
        int last = l + 1 == depth;
        cpwl_net_act_t act = CPWL_NET_RELU;
        cpwl_net_layer_struct *L;
        if (last)
            act = CPWL_NET_IDENTITY;
        else if (acts >= ACTS_LEAKY && test_range(r, 0, 2) == 0)
            act = CPWL_NET_LEAKY_RELU;
        else if (acts == ACTS_ALL && test_range(r, 0, 1) == 0)
        {
            static const cpwl_net_act_t more[] = {CPWL_NET_IDENTITY, CPWL_NET_ABS,
                                             CPWL_NET_HARDTANH};
            act = more[test_range(r, 0, 2)];
        }
        L = cpwl_net_add_layer(net, act, last ? m : test_range(r, 1, maxw));
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), r, TEST_FRACTIONS);
            test_fmpq(L->b + i, r, TEST_FRACTIONS);
        }
        if (act == CPWL_NET_LEAKY_RELU)
            fmpq_set_si(L->slope, test_range(r, -3, 3),
                        (ulong) test_range(r, 1, 4));
    }
    cpwl_net_prepare(net);
}


static void rand_point(fmpq *x, test_rng *r, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        test_fmpq(x + i, r, test_range(r, 0, 1) ? TEST_FRACTIONS : 24);
}

static int vec_eq(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_equal(a + i, b + i))
            return 0;
    return 1;
}

static void fail_nets(const char *what, ulong seed, const cpwl_net_t a,
                      const cpwl_net_t b)
{
    char *s = cpwl_io_net_write_str(a), *t = cpwl_io_net_write_str(b);
    fprintf(stderr, "%s, seed %lu\nnet 1: %s\nnet 2: %s\n", what,
            (unsigned long) seed, s, t);
    flint_free(s);
    flint_free(t);
    ck_abort_msg("%s (seed %lu)", what, (unsigned long) seed);
}

/* linear regions of a 1-input net on [lo, hi] (lo = NULL: on R) */
static slong pieces(const cpwl_net_t net, const char *box)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_regions_t R;
    cpwl_dom_t D;
    cpwl_err_t e;
    slong k;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    o.linear = 1;
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    if (box != NULL)
        test_dom_str(D, 1, box, NULL, NULL);
    else
        cpwl_dom_set_all(D, 1);
    ck_assert_msg(cpwl_regions_compute(R, net, D, &o, e) == CPWL_OK, "%s",
                  e->msg);
    ck_assert(R->stopped == CPWL_REGIONS_DONE);
    k = R->nlinear;
    cpwl_regions_clear(R);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
    return k;
}

/* The tent t(x) = 2 relu(x) - 4 relu(x - 1/2) (examples.md). */
static void tent(cpwl_net_t net)
{
    cpwl_net_layer_struct *L;
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    test_set_row(L, 0, "1", "0");
    test_set_row(L, 1, "1", "-1/2");
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "2,-4", "0");
    cpwl_net_prepare(net);
}

/* ---- tests ------------------------------------------------------------ */

START_TEST(test_compose_random)
{
    /* f o g = f(g(x)) exactly; merging the last map of g into the first
       of f: depth df + dg - 1, size sf + sg */
    test_rng r = {test_seed(20240611)};
    cpwl_net_t f, g, h;
    fmpq *x = _fmpq_vec_init(4), *y = _fmpq_vec_init(4);
    fmpq *z = _fmpq_vec_init(4), *w = _fmpq_vec_init(4);
    slong it, k;
    cpwl_err_t e;
    cpwl_net_init(f, 1);
    cpwl_net_init(g, 1);
    cpwl_net_init(h, 1);
    cpwl_err_init(e);
    for (it = 0; it < test_iters(150); it++)
    {
        slong n = test_range(&r, 1, 3), m = test_range(&r, 1, 3);
        slong o = test_range(&r, 1, 2);
        ulong seed = r.s;
        rand_net(g, &r, n, test_range(&r, 1, 3), m, 4, ACTS_LEAKY);
        rand_net(f, &r, m, test_range(&r, 1, 3), o, 4, ACTS_LEAKY);
        ck_assert_int_eq(cpwl_netalg_compose(h, f, g, e), CPWL_OK);
        ck_assert(h->prepared);
        ck_assert_int_eq(h->input_dim, n);
        ck_assert_int_eq(cpwl_net_output_dim(h), o);
        ck_assert_int_eq(cpwl_net_depth(h), cpwl_net_depth(f) + cpwl_net_depth(g) - 1);
        ck_assert_int_eq(cpwl_net_size(h), cpwl_net_size(f) + cpwl_net_size(g));
        for (k = 0; k < 10; k++)
        {
            rand_point(x, &r, n);
            cpwl_net_eval_fmpq(z, g, x);
            cpwl_net_eval_fmpq(y, f, z);
            cpwl_net_eval_fmpq(w, h, x);
            if (!vec_eq(y, w, o))
                fail_nets("compose: f(g(x)) differs", seed, f, g);
        }
        /* aliasing: f = f o g */
        if (m == o)
        {
            ck_assert_int_eq(cpwl_netalg_compose(f, f, g, e), CPWL_OK);
            cpwl_net_eval_fmpq(y, f, x);
            ck_assert(vec_eq(y, w, o));
        }
    }
    cpwl_net_clear(f);
    cpwl_net_clear(g);
    cpwl_net_clear(h);
    _fmpq_vec_clear(x, 4);
    _fmpq_vec_clear(y, 4);
    _fmpq_vec_clear(z, 4);
    _fmpq_vec_clear(w, 4);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_compose_nonlinear_last)
{
    /* g ending in a relu layer: nothing to merge, the layers stack
       (depth df + dg); relu(x) then x - 1: relu(x) - 1 */
    cpwl_net_t f, g, h;
    cpwl_net_layer_struct *L;
    fmpq_t x, y;
    cpwl_err_t e;
    slong i;
    cpwl_net_init(g, 1);
    L = cpwl_net_add_layer(g, CPWL_NET_RELU, 1);
    test_set_row(L, 0, "1", "0");
    cpwl_net_prepare(g);
    cpwl_net_init(f, 1);
    L = cpwl_net_add_layer(f, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "1", "-1");
    cpwl_net_prepare(f);
    cpwl_net_init(h, 1);
    cpwl_err_init(e);
    fmpq_init(x);
    fmpq_init(y);
    ck_assert_int_eq(cpwl_netalg_compose(h, f, g, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(h), 2);
    ck_assert_int_eq(cpwl_net_size(h), 1);
    ck_assert(h->output_bias);
    for (i = -4; i <= 4; i++)
    {
        fmpq_set_si(x, i, 3);
        cpwl_net_eval_fmpq(y, h, x);
        fmpq_set_si(x, i > 0 ? i : 0, 3);
        fmpq_sub_si(x, x, 1);
        ck_assert(fmpq_equal(x, y));
    }
    /* the empty net is the identity map on both sides */
    cpwl_net_clear(f);
    cpwl_net_init(f, 1);
    ck_assert_int_eq(cpwl_netalg_compose(h, f, g, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(h), 1);
    ck_assert_int_eq(cpwl_netalg_compose(h, g, f, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(h), 1);
    fmpq_set_si(x, -2, 1);
    cpwl_net_eval_fmpq(y, h, x);
    ck_assert(fmpq_is_zero(y));
    cpwl_net_clear(f);
    cpwl_net_clear(g);
    cpwl_net_clear(h);
    fmpq_clear(x);
    fmpq_clear(y);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_compose_tents)
{
    /* t o t o t by composition: the values and piece counts of
       examples.md (breakpoints j/8: 8 pieces on [0,1], 10 on R); depth
       4, size 6 */
    static const char *xs[] = {"0", "1/16", "1/8", "3/16", "1/4", "1/3"};
    static const char *ys[] = {"0", "1/2", "1", "1/2", "0", "2/3"};
    static const slong on01[] = {2, 4, 8, 16, 32}, onR[] = {3, 6, 10, 18,
                                                            34};
    cpwl_net_t t, h;
    fmpq_t x, y, v;
    cpwl_err_t e;
    slong i, k;
    cpwl_net_init(t, 1);
    cpwl_net_init(h, 1);
    cpwl_err_init(e);
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(v);
    tent(t);
    tent(h);
    for (k = 1; k <= 5; k++)
    {
        if (k > 1)
            ck_assert_int_eq(cpwl_netalg_compose(h, t, h, e), CPWL_OK);
        ck_assert_int_eq(cpwl_net_depth(h), k + 1);
        ck_assert_int_eq(cpwl_net_size(h), 2 * k);
        ck_assert_int_eq(pieces(h, "0:1"), on01[k - 1]);
        ck_assert_int_eq(pieces(h, NULL), onR[k - 1]);
        if (k == 3)
            for (i = 0; i < 6; i++)
            {
                test_q_set(x, xs[i]);
                test_q_set(v, ys[i]);
                cpwl_net_eval_fmpq(y, h, x);
                ck_assert_msg(fmpq_equal(y, v), "t^3(%s)", xs[i]);
            }
    }
    cpwl_net_clear(t);
    cpwl_net_clear(h);
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(v);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_sum_random)
{
    /* a + b exactly; relu nets: depth max(da, db), size sa + sb + 2m per
       padded layer (the identity pass-throughs) */
    test_rng r = {test_seed(77001)};
    cpwl_net_t a, b, s;
    fmpq *x = _fmpq_vec_init(4), *ya = _fmpq_vec_init(4);
    fmpq *yb = _fmpq_vec_init(4), *ys = _fmpq_vec_init(4);
    slong it, k, i;
    cpwl_err_t e;
    cpwl_net_init(a, 1);
    cpwl_net_init(b, 1);
    cpwl_net_init(s, 1);
    cpwl_err_init(e);
    for (it = 0; it < test_iters(200); it++)
    {
        slong n = test_range(&r, 1, 3), m = test_range(&r, 1, 3);
        slong da = test_range(&r, 1, 4), db = test_range(&r, 1, 4);
        int acts = (int) test_range(&r, 0, 2);
        ulong seed = r.s;
        rand_net(a, &r, n, da, m, 4, acts);
        rand_net(b, &r, n, db, m, 4, acts);
        ck_assert_int_eq(cpwl_netalg_sum(s, a, b, e), CPWL_OK);
        ck_assert(s->prepared);
        ck_assert_int_eq(cpwl_net_depth(s), FLINT_MAX(da, db));
        if (acts == ACTS_RELU)
            ck_assert_int_eq(cpwl_net_size(s), cpwl_net_size(a) + cpwl_net_size(b)
                             + 2 * m * (da > db ? da - db : db - da));
        for (k = 0; k < 10; k++)
        {
            rand_point(x, &r, n);
            test_net_eval_ref(ya, a, x);
            test_net_eval_ref(yb, b, x);
            for (i = 0; i < m; i++)
                fmpq_add(ya + i, ya + i, yb + i);
            test_net_eval_ref(ys, s, x);
            if (!vec_eq(ya, ys, m))
                fail_nets("sum: a(x) + b(x) differs", seed, a, b);
        }
    }
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_net_clear(s);
    _fmpq_vec_clear(x, 4);
    _fmpq_vec_clear(ya, 4);
    _fmpq_vec_clear(yb, 4);
    _fmpq_vec_clear(ys, 4);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_sum_abs)
{
    /* relu(x) + relu(-x) = |x|: 2 linear regions on R, size 2, depth 2;
       plus the tent (depth 2 too): pieces at 0 and 1/2 */
    cpwl_net_t a, b, s, t;
    cpwl_net_layer_struct *L;
    fmpq_t x, y;
    cpwl_err_t e;
    slong i;
    cpwl_net_init(a, 1);
    L = cpwl_net_add_layer(a, CPWL_NET_RELU, 1);
    test_set_row(L, 0, "1", "0");
    L = cpwl_net_add_layer(a, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "1", "0");
    cpwl_net_prepare(a);
    cpwl_net_init(b, 1);
    L = cpwl_net_add_layer(b, CPWL_NET_RELU, 1);
    test_set_row(L, 0, "-1", "0");
    L = cpwl_net_add_layer(b, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, "1", "0");
    cpwl_net_prepare(b);
    a->output_bias = b->output_bias = 0;
    cpwl_net_init(s, 1);
    cpwl_net_init(t, 1);
    cpwl_err_init(e);
    fmpq_init(x);
    fmpq_init(y);
    ck_assert_int_eq(cpwl_netalg_sum(s, a, b, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(s), 2);
    ck_assert_int_eq(cpwl_net_size(s), 2);
    ck_assert(!s->output_bias);
    ck_assert_int_eq(pieces(s, NULL), 2);
    for (i = -5; i <= 5; i++)
    {
        fmpq_set_si(x, i, 2);
        cpwl_net_eval_fmpq(y, s, x);
        fmpq_abs(x, x);
        ck_assert(fmpq_equal(x, y));
    }
    /* |x| + t(x): slopes -1, 3, -1 around 0 and 1/2 */
    tent(t);
    ck_assert_int_eq(cpwl_netalg_sum(s, s, t, e), CPWL_OK);
    ck_assert_int_eq(pieces(s, NULL), 3);
    /* |x| + t o t (depth 3): |x| padded by 2 relus */
    ck_assert_int_eq(cpwl_netalg_compose(t, t, t, e), CPWL_OK);
    ck_assert_int_eq(cpwl_netalg_sum(s, a, b, e), CPWL_OK);
    ck_assert_int_eq(cpwl_netalg_sum(s, s, t, e), CPWL_OK);
    ck_assert_int_eq(cpwl_net_depth(s), 3);
    ck_assert_int_eq(cpwl_net_size(s), 2 + 2 + 4);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_net_clear(s);
    cpwl_net_clear(t);
    fmpq_clear(x);
    fmpq_clear(y);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_scale)
{
    /* c f(x) exactly for c = 0, +-, with the same shape when the last map
       is affine; after a relu output layer a negative c needs a map more */
    test_rng r = {test_seed(4242)};
    cpwl_net_t f, h;
    fmpq *x = _fmpq_vec_init(3), *y = _fmpq_vec_init(3);
    fmpq *z = _fmpq_vec_init(3);
    fmpq_t c;
    slong it, k, i;
    cpwl_net_init(f, 1);
    cpwl_net_init(h, 1);
    fmpq_init(c);
    for (it = 0; it < test_iters(100); it++)
    {
        slong n = test_range(&r, 1, 3), m = test_range(&r, 1, 3);
        ulong seed = r.s;
        int relu_out = it % 4 == 3;
        rand_net(f, &r, n, test_range(&r, 1, 3), m, 4, ACTS_LEAKY);
        if (relu_out)
        {
            f->layers[f->nlayers - 1].act = CPWL_NET_RELU;
            cpwl_net_prepare(f);
        }
        if (it % 5 == 0)
            fmpq_zero(c);
        else
            test_fmpq(c, &r, TEST_FRACTIONS);
        cpwl_netalg_scale(h, f, c);
        ck_assert(h->prepared);
        ck_assert_int_eq(cpwl_net_depth(h), cpwl_net_depth(f) + (relu_out
                                                                 && fmpq_sgn(c) < 0));
        ck_assert_int_eq(cpwl_net_size(h), cpwl_net_size(f) + (relu_out
                                                               && fmpq_sgn(c) < 0) * m);
        for (k = 0; k < 10; k++)
        {
            rand_point(x, &r, n);
            cpwl_net_eval_fmpq(y, f, x);
            cpwl_net_eval_fmpq(z, h, x);
            for (i = 0; i < m; i++)
                fmpq_mul(y + i, y + i, c);
            if (!vec_eq(y, z, m))
                fail_nets("scale: c f(x) differs", seed, f, h);
        }
    }
    /* aliasing and the tent: -3 t(1/4) = -3/2 */
    tent(f);
    fmpq_set_si(c, -3, 1);
    cpwl_netalg_scale(f, f, c);
    fmpq_set_si(x, 1, 4);
    cpwl_net_eval_fmpq(y, f, x);
    fmpq_set_si(c, -3, 2);
    ck_assert(fmpq_equal(y, c));
    /* the empty net scaled: c x */
    cpwl_net_clear(f);
    cpwl_net_init(f, 2);
    cpwl_netalg_scale(h, f, c);
    ck_assert_int_eq(cpwl_net_depth(h), 1);
    fmpq_set_si(x, 2, 1);
    fmpq_set_si(x + 1, -4, 1);
    cpwl_net_eval_fmpq(y, h, x);
    ck_assert(fmpq_equal_si(y, -3) && fmpq_equal_si(y + 1, 6));
    cpwl_net_clear(f);
    cpwl_net_clear(h);
    fmpq_clear(c);
    _fmpq_vec_clear(x, 3);
    _fmpq_vec_clear(y, 3);
    _fmpq_vec_clear(z, 3);
}
END_TEST

START_TEST(test_pad_depth)
{
    /* padding keeps the function: depth = the target, size + 2m per
       added layer; shallower targets leave the net as it is */
    test_rng r = {test_seed(909)};
    cpwl_net_t f, h;
    fmpq *x = _fmpq_vec_init(3), *y = _fmpq_vec_init(3);
    fmpq *z = _fmpq_vec_init(3);
    slong it, k;
    cpwl_net_init(f, 1);
    cpwl_net_init(h, 1);
    for (it = 0; it < test_iters(100); it++)
    {
        slong n = test_range(&r, 1, 3), m = test_range(&r, 1, 3);
        slong d = test_range(&r, 1, 3), target = test_range(&r, 0, 6);
        ulong seed = r.s;
        rand_net(f, &r, n, d, m, 4, ACTS_LEAKY);
        cpwl_netalg_pad_depth(h, f, target);
        ck_assert(h->prepared);
        ck_assert_int_eq(cpwl_net_depth(h), FLINT_MAX(d, target));
        ck_assert_int_eq(cpwl_net_size(h), cpwl_net_size(f)
                         + 2 * m * FLINT_MAX(0, target - d));
        ck_assert_int_eq(h->output_bias, f->output_bias);
        for (k = 0; k < 10; k++)
        {
            rand_point(x, &r, n);
            cpwl_net_eval_fmpq(y, f, x);
            cpwl_net_eval_fmpq(z, h, x);
            if (!vec_eq(y, z, m))
                fail_nets("pad_depth: f(x) differs", seed, f, h);
        }
    }
    /* the identity net: depth 1 size 0; padded to 3: 2 layers of 2n */
    cpwl_netalg_identity(f, 3);
    ck_assert_int_eq(cpwl_net_depth(f), 1);
    ck_assert_int_eq(cpwl_net_size(f), 0);
    cpwl_netalg_pad_depth(h, f, 3);
    ck_assert_int_eq(cpwl_net_depth(h), 3);
    ck_assert_int_eq(cpwl_net_size(h), 12);
    for (k = 0; k < 10; k++)
    {
        rand_point(x, &r, 3);
        cpwl_net_eval_fmpq(y, f, x);
        ck_assert(vec_eq(x, y, 3));
        cpwl_net_eval_fmpq(y, h, x);
        ck_assert(vec_eq(x, y, 3));
    }
    /* a tent padded to depth 4 keeps its 3 pieces on R */
    tent(f);
    cpwl_netalg_pad_depth(f, f, 4);
    ck_assert_int_eq(cpwl_net_depth(f), 4);
    ck_assert_int_eq(pieces(f, NULL), 3);
    cpwl_net_clear(f);
    cpwl_net_clear(h);
    _fmpq_vec_clear(x, 3);
    _fmpq_vec_clear(y, 3);
    _fmpq_vec_clear(z, 3);
}
END_TEST

START_TEST(test_errors)
{
    cpwl_net_t f, g, h;
    cpwl_err_t e;
    test_rng r = {test_seed(5)};
    cpwl_net_init(f, 1);
    cpwl_net_init(g, 1);
    cpwl_net_init(h, 1);
    rand_net(f, &r, 2, 2, 1, 3, ACTS_RELU);
    rand_net(g, &r, 2, 2, 3, 3, ACTS_RELU);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_netalg_compose(h, f, g, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "3 outputs") != NULL, "%s", e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_netalg_sum(h, f, g, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "sum") != NULL, "%s", e->msg);
    cpwl_err_clear(e);
    /* maxout cannot be stacked with relu: the relu lowerings are added */
    rand_net(g, &r, 2, 2, 1, 3, ACTS_RELU);
    g->layers[0].act = CPWL_NET_MAXOUT;
    g->layers[0].pieces = 1;
    cpwl_net_prepare(g);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_netalg_sum(h, f, g, e), CPWL_OK);
    ck_assert(cpwl_net_is_basic(h));
    {
        fmpq *x = _fmpq_vec_init(2), *y = _fmpq_vec_init(3);
        slong k;
        for (k = 0; k < 10; k++)
        {
            test_fmpq(x, &r, TEST_FRACTIONS);
            test_fmpq(x + 1, &r, TEST_FRACTIONS);
            cpwl_net_eval_fmpq(y, f, x);
            cpwl_net_eval_fmpq(y + 1, g, x);
            fmpq_add(y, y, y + 1);
            cpwl_net_eval_fmpq(y + 2, h, x);
            ck_assert(fmpq_equal(y, y + 2));
        }
        _fmpq_vec_clear(x, 2);
        _fmpq_vec_clear(y, 3);
    }
    cpwl_err_clear(e);
    cpwl_net_clear(f);
    cpwl_net_clear(g);
    cpwl_net_clear(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("netalg");
    TCase *tc = tcase_create("algebra");
    tcase_add_test(tc, test_compose_random);
    tcase_add_test(tc, test_compose_nonlinear_last);
    tcase_add_test(tc, test_compose_tents);
    tcase_add_test(tc, test_sum_random);
    tcase_add_test(tc, test_sum_abs);
    tcase_add_test(tc, test_scale);
    tcase_add_test(tc, test_pad_depth);
    tcase_add_test(tc, test_errors);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return test_run(s);
}
