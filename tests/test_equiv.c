/* Exact equivalence: pairs of networks known to be equal (different
   formulas for max(x, y) and relu, identity pass-throughs, scaling by 1,
   leaky relu split into relus), pairs known to differ (a weight moved by
   2^-60, equal on one box and not on a larger one) and degenerate nets.
   Every witness is checked independently: it lies in the domain, its
   ambient point is the domain map of its domain point, and the two exact
   values (cpwl_net_eval_fmpq) differ and are the ones reported. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"
#include "qvec.h"

/* ---- nets from JSON text -------------------------------------------- */

#define LAYER(act, w, b) \
    "{\"activation\": \"" act "\", \"weights\": " w ", \"bias\": " b "}"
#define RELU(w, b) LAYER("relu", w, b)
#define IDENT(w, b) LAYER("identity", w, b)

static void net_str(cpwl_net_t net, slong n, const char *layers)
{
    char buf[4096];
    cpwl_err_t e;
    cpwl_err_init(e);
    snprintf(buf, sizeof buf, "{\"format\": \"cpwl-net\", \"version\": 1, "
             "\"input_dim\": %ld, \"layers\": [%s]}", (long) n, layers);
    if (cpwl_io_net_read_str(net, buf, strlen(buf), "test", e) != CPWL_OK)
        ck_abort_msg("test net refused: %s\n%s", e->msg, buf);
}

/* ---- running and checking ------------------------------------------- */

static int decide(cpwl_equiv_t Q, const cpwl_net_t a, const cpwl_net_t b, const cpwl_dom_t D)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_err_t e;
    int st;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    cpwl_err_init(e);
    st = cpwl_equiv_decide(Q, a, b, D, &o, e);
    ck_assert_msg(st == CPWL_OK, "equiv_decide: %s", e->msg);
    ck_assert_int_eq(Q->stopped, CPWL_REGIONS_DONE);
    ck_assert(Q->regions >= 1);
    cpwl_pred_ctx_clear(ctx);
    return Q->equal;
}

/* The witness, checked from scratch. */
static void check_witness(const cpwl_equiv_t Q, const cpwl_net_t a, const cpwl_net_t b,
                          const cpwl_dom_t D)
{
    slong m = cpwl_net_output_dim(a), i;
    fmpq *x = _fmpq_vec_init(D->n);
    fmpq *ya = _fmpq_vec_init(m), *yb = _fmpq_vec_init(m);

    ck_assert_int_eq(Q->equal, 0);
    ck_assert(Q->point != NULL && Q->x != NULL);
    ck_assert(Q->d == D->d && Q->n == D->n && Q->m == m);
    if (D->bounded)
        for (i = 0; i < D->d; i++)
            ck_assert(fmpq_cmp(Q->point + i, D->lo + i) >= 0
                      && fmpq_cmp(Q->point + i, D->hi + i) <= 0);
    cpwl_dom_to_ambient(x, D, Q->point);
    ck_assert(qvec_equal(x, Q->x, D->n));
    cpwl_net_eval_fmpq(ya, a, x);
    cpwl_net_eval_fmpq(yb, b, x);
    ck_assert(qvec_equal(ya, Q->fa, m));
    ck_assert(qvec_equal(yb, Q->fb, m));
    ck_assert(!qvec_equal(ya, yb, m));
    _fmpq_vec_clear(x, D->n);
    _fmpq_vec_clear(ya, m);
    _fmpq_vec_clear(yb, m);
}

static void expect_equal(const cpwl_net_t a, const cpwl_net_t b, const cpwl_dom_t D)
{
    cpwl_equiv_t Q;
    cpwl_equiv_init(Q);
    ck_assert_msg(decide(Q, a, b, D) == 1, "expected equal");
    ck_assert(Q->point == NULL);
    /* ... and in the other order. */
    ck_assert(decide(Q, b, a, D) == 1);
    cpwl_equiv_clear(Q);
}

static void expect_different(const cpwl_net_t a, const cpwl_net_t b, const cpwl_dom_t D)
{
    cpwl_equiv_t Q;
    cpwl_equiv_init(Q);
    ck_assert_msg(decide(Q, a, b, D) == 0, "expected different");
    check_witness(Q, a, b, D);
    ck_assert(decide(Q, b, a, D) == 0);
    check_witness(Q, b, a, D);
    cpwl_equiv_clear(Q);
}

/* A domain from text (NULL box: all of R^n). */
static void dom(cpwl_dom_t D, slong n, const char *box, const char *slice,
                const char *line)
{
    cpwl_dom_clear(D);
    cpwl_dom_init(D);
    if (box == NULL && slice == NULL && line == NULL)
        cpwl_dom_set_all(D, n);
    else
        test_dom_str(D, n, box, slice, line);
}

/* out = net fed through relu(x), relu(-x) first: the first map becomes
   [W, -W] on them, since x = relu(x) - relu(-x). */
static void input_passthrough(cpwl_net_t out, const cpwl_net_t net)
{
    slong n = net->input_dim, l, i, j;
    cpwl_net_layer_struct *L;
    cpwl_net_clear(out);
    cpwl_net_init(out, n);
    out->output_bias = net->output_bias;
    L = cpwl_net_add_layer(out, CPWL_NET_RELU, 2 * n);
    for (i = 0; i < n; i++)
    {
        fmpq_one(fmpq_mat_entry(L->W, i, i));
        fmpq_set_si(fmpq_mat_entry(L->W, n + i, i), -1, 1);
    }
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *S = net->layers + l;
        L = cpwl_net_add_layer(out, S->act, S->out);
        for (i = 0; i < S->out; i++)
        {
            for (j = 0; j < S->in; j++)
            {
                const fmpq *w = fmpq_mat_entry(S->W, i, j);
                if (l == 0)
                {
                    fmpq_set(fmpq_mat_entry(L->W, i, j), w);
                    fmpq_neg(fmpq_mat_entry(L->W, i, n + j), w);
                }
                else
                    fmpq_set(fmpq_mat_entry(L->W, i, j), w);
            }
            fmpq_set(L->b + i, S->b + i);
        }
        fmpq_set(L->slope, S->slope);
    }
    cpwl_net_prepare(out);
}

/* ---- known equal ---------------------------------------------------- */

/* max(x, y) = relu(x - y) + relu(y) - relu(-y) (3 relus, depth 2)
   = (x + y)/2 + |x - y|/2 with t = relu(t) - relu(-t), |t| = relu(t) +
   relu(-t) (4 relus, depth 2)
   = v1 - v2 with u = relu(x - y, y, -y), v = relu(u1 + u2, u3) (depth 3;
   u1 + u2 and u3 are >= 0). */
#define MAX3 RELU("[[1,-1],[0,1],[0,-1]]", "[0,0,0]") "," \
    IDENT("[[1,1,-1]]", "[0]")
#define MAX4 RELU("[[1,1],[-1,-1],[1,-1],[-1,1]]", "[0,0,0,0]") "," \
    IDENT("[[\"1/2\",\"-1/2\",\"1/2\",\"1/2\"]]", "[0]")
#define MAXD3 RELU("[[1,-1],[0,1],[0,-1]]", "[0,0,0]") "," \
    RELU("[[1,1,0],[0,0,1]]", "[0,0]") "," IDENT("[[1,-1]]", "[0]")

START_TEST(test_max_gadgets)
{
    cpwl_net_t a, b, c;
    cpwl_dom_t D;
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_net_init(c, 0);
    cpwl_dom_init(D);
    net_str(a, 2, MAX3);
    net_str(b, 2, MAX4);
    net_str(c, 2, MAXD3);
    dom(D, 2, NULL, NULL, NULL);
    expect_equal(a, b, D);
    expect_equal(a, c, D);
    expect_equal(b, c, D);
    dom(D, 2, "-1:3,-2:1/2", NULL, NULL);
    expect_equal(a, b, D);
    expect_equal(b, c, D);
    dom(D, 2, NULL, "1,1;1,0;1,-1", NULL);
    expect_equal(a, c, D);
    dom(D, 2, NULL, NULL, "0,0;1,2");
    expect_equal(b, c, D);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_net_clear(c);
    cpwl_dom_clear(D);
}
END_TEST

/* relu(x) as one relu layer with an identity output, as a net whose last
   layer is itself relu, as relu(relu(x)) and as relu(x) + relu(relu(x) -
   1) - relu(x - 1); the leaky relu with slope 1/10 as relu(x) -
   relu(-x)/10. */
START_TEST(test_relu_forms)
{
    cpwl_net_t a, b;
    cpwl_dom_t D;
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    dom(D, 1, NULL, NULL, NULL);
    net_str(a, 1, RELU("[[1]]", "[0]") "," IDENT("[[1]]", "[0]"));
    net_str(b, 1, RELU("[[1]]", "[0]"));
    expect_equal(a, b, D);
    net_str(b, 1, RELU("[[1]]", "[0]") "," RELU("[[1]]", "[0]") ","
            IDENT("[[1]]", "[0]"));
    expect_equal(a, b, D);
    net_str(b, 1, RELU("[[1]]", "[0]") "," RELU("[[1]]", "[0]"));
    expect_equal(a, b, D);
    net_str(b, 1, RELU("[[1],[1]]", "[0,-1]") ","
            RELU("[[1,0],[1,0],[0,1]]", "[0,-1,0]") ","
            IDENT("[[1,1,-1]]", "[0]"));
    expect_equal(a, b, D);

    net_str(a, 1, "{\"activation\": \"leaky_relu\", \"slope\": \"1/10\", "
            "\"weights\": [[1]], \"bias\": [0]}," IDENT("[[1]]", "[0]"));
    net_str(b, 1, RELU("[[1],[-1]]", "[0,0]") ","
            IDENT("[[1,\"-1/10\"]]", "[0]"));
    expect_equal(a, b, D);
    /* An identity hidden layer: x = relu(x) - relu(-x). */
    net_str(a, 1, LAYER("identity", "[[2]]", "[1]") ","
            IDENT("[[3]]", "[0]"));
    net_str(b, 1, IDENT("[[6]]", "[3]"));
    expect_equal(a, b, D);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_dom_clear(D);
}
END_TEST

/* A net against itself after an identity pass-through on the input and
   after cpwl_netalg_scale by 1; seeded random nets (relu and leaky layers) on
   R^n, boxes, slices and lines. */
START_TEST(test_random_self)
{
    test_rng r = {test_seed(4711)};
    cpwl_net_t a, b;
    cpwl_dom_t D;
    fmpq_t one;
    slong it;
    char box[128], x0[64], u[64], sl[256];
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    fmpq_init(one);
    fmpq_one(one);
    for (it = 0; it < test_iters(40); it++)
    {
        slong n = test_range(&r, 1, it % 8 == 7 ? 3 : 2);
        slong depth = test_range(&r, 1, 3);
        test_rich_net(a, &r, n, depth, 3);
        input_passthrough(b, a);
        switch (it % 4)
        {
            case 0:
                dom(D, n, NULL, NULL, NULL);
                break;
            case 1:
                test_random_box(box, sizeof box, &r, n);
                dom(D, n, box, NULL, NULL);
                break;
            case 2:
                test_random_vec(x0, sizeof x0, &r, n, 0);
                test_random_vec(u, sizeof u, &r, n, 1);
                snprintf(sl, sizeof sl, "%s;%s", x0, u);
                dom(D, n, NULL, NULL, sl);
                break;
            default:
                if (n < 2)
                {
                    dom(D, n, NULL, NULL, NULL);
                    break;
                }
                test_random_vec(x0, sizeof x0, &r, n, 0);
                snprintf(sl, sizeof sl, "%s;%s;%s", x0,
                         n == 2 ? "1,0" : "1,0,1", n == 2 ? "0,1" : "0,1,-1");
                dom(D, n, NULL, sl, NULL);
        }
        expect_equal(a, b, D);
        cpwl_netalg_scale(b, a, one);
        expect_equal(a, b, D);
    }
    fmpq_clear(one);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_dom_clear(D);
}
END_TEST

/* ---- known different ------------------------------------------------ */

/* relu(x) = x on [0, 1] (and [-0, 5]), not on [-1, 1]: the witness has
   x < 0, where relu(x) = 0 != x. */
START_TEST(test_relu_vs_identity)
{
    cpwl_net_t a, b;
    cpwl_dom_t D;
    cpwl_equiv_t Q;
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    cpwl_equiv_init(Q);
    net_str(a, 1, RELU("[[1]]", "[0]") "," IDENT("[[1]]", "[0]"));
    net_str(b, 1, IDENT("[[1]]", "[0]"));
    dom(D, 1, "0:1", NULL, NULL);
    expect_equal(a, b, D);
    dom(D, 1, "-0:5", NULL, NULL);
    expect_equal(a, b, D);
    dom(D, 1, "-1:1", NULL, NULL);
    expect_different(a, b, D);
    ck_assert(decide(Q, a, b, D) == 0);
    ck_assert(fmpq_sgn(Q->x) < 0);
    ck_assert(fmpq_is_zero(Q->fa));
    ck_assert(fmpq_equal(Q->fb, Q->x));
    dom(D, 1, NULL, NULL, NULL);
    expect_different(a, b, D);
    cpwl_equiv_clear(Q);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_dom_clear(D);
}
END_TEST

/* The tent t(x) = 2 relu(x) - 4 relu(x - 1/2) against t' with the second
   bias moved by eps = 2^-60: t - t' = 4 relu(x - 1/2 + eps) - 4 relu(x -
   1/2) is 0 exactly for x <= 1/2 - eps and positive beyond.  So they are
   equal on [-1, 1/2 - 2^-60] and differ on [-1, 1/2 - 2^-61], where
   every witness lies in (1/2 - 2^-60, 1/2 - 2^-61]. */
START_TEST(test_tent_2m60)
{
    cpwl_net_t a, b;
    cpwl_dom_t D;
    cpwl_equiv_t Q;
    fmpq_t eps, t;
    char box[256];
    char *s;
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    cpwl_equiv_init(Q);
    fmpq_init(eps);
    fmpq_init(t);
    net_str(a, 1, RELU("[[1],[1]]", "[0,\"-1/2\"]") ","
            IDENT("[[2,-4]]", "[0]"));
    net_str(b, 1, RELU("[[1],[1]]", "[0,\"-1/2\"]") ","
            IDENT("[[2,-4]]", "[0]"));
    fmpq_set_si(eps, 1, 1);
    fmpq_div_2exp(eps, eps, 60);
    fmpq_add(b->layers[0].b + 1, b->layers[0].b + 1, eps);
    cpwl_net_prepare(b);

    dom(D, 1, "0:1", NULL, NULL);
    expect_different(a, b, D);
    dom(D, 1, NULL, NULL, NULL);
    expect_different(a, b, D);

    fmpq_set_si(t, 1, 2);
    fmpq_sub(t, t, eps);
    s = fmpq_get_str(NULL, 10, t);
    snprintf(box, sizeof box, "-1:%s", s);
    flint_free(s);
    dom(D, 1, box, NULL, NULL);
    expect_equal(a, b, D);

    fmpq_div_2exp(eps, eps, 1);
    fmpq_set_si(t, 1, 2);
    fmpq_sub(t, t, eps);
    s = fmpq_get_str(NULL, 10, t);
    snprintf(box, sizeof box, "-1:%s", s);
    flint_free(s);
    dom(D, 1, box, NULL, NULL);
    expect_different(a, b, D);
    ck_assert(decide(Q, a, b, D) == 0);
    fmpq_set_si(t, 1, 2);
    fmpq_mul_2exp(eps, eps, 1);
    fmpq_sub(t, t, eps);
    ck_assert(fmpq_cmp(Q->x, t) > 0);
    fmpq_clear(eps);
    fmpq_clear(t);
    cpwl_equiv_clear(Q);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_dom_clear(D);
}
END_TEST

/* relu(x) + relu(y) - relu(x + y) against the same with the weight of x
   in the third unit 1 + 2^-60, in 2-D; and three inputs:
   relu(x) + relu(y) + relu(z) = v1 + v2 with u = relu(x, y, z),
   v = relu(u1 + u2, u3), but != relu(u1 - u2) + u3. */
START_TEST(test_weight_2m60)
{
    cpwl_net_t a, b;
    cpwl_dom_t D;
    fmpq_t eps;
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    fmpq_init(eps);
    net_str(a, 2, RELU("[[1,0],[0,1],[1,1]]", "[0,0,0]") ","
            IDENT("[[1,1,-1]]", "[0]"));
    net_str(b, 2, RELU("[[1,0],[0,1],[1,1]]", "[0,0,0]") ","
            IDENT("[[1,1,-1]]", "[0]"));
    fmpq_set_si(eps, 1, 1);
    fmpq_div_2exp(eps, eps, 60);
    fmpq_add(fmpq_mat_entry(b->layers[0].W, 2, 0),
             fmpq_mat_entry(b->layers[0].W, 2, 0), eps);
    cpwl_net_prepare(b);
    dom(D, 2, NULL, NULL, NULL);
    expect_different(a, b, D);
    dom(D, 2, "-1:1,-1:1", NULL, NULL);
    expect_different(a, b, D);
    dom(D, 2, NULL, NULL, "1,-1;1,1");
    expect_different(a, b, D);
    /* On the quadrant x, y <= 0 every unit is off in both. */
    dom(D, 2, "-2:0,-3:0", NULL, NULL);
    expect_equal(a, b, D);

    net_str(a, 3, RELU("[[1,0,0],[0,1,0],[0,0,1]]", "[0,0,0]") ","
            IDENT("[[1,1,1]]", "[0]"));
    net_str(b, 3, RELU("[[1,0,0],[0,1,0],[0,0,1]]", "[0,0,0]") ","
            RELU("[[1,1,0],[0,0,1]]", "[0,0]") "," IDENT("[[1,1]]", "[0]"));
    dom(D, 3, NULL, NULL, NULL);
    expect_equal(a, b, D);
    net_str(b, 3, RELU("[[1,0,0],[0,1,0],[0,0,1]]", "[0,0,0]") ","
            RELU("[[1,-1,0],[0,0,1]]", "[0,0]") ","
            IDENT("[[1,1]]", "[0]"));
    expect_different(a, b, D);
    fmpq_clear(eps);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_dom_clear(D);
}
END_TEST

/* Seeded random nets against a copy with one weight, bias or slope moved
   by 2^-60.  When equiv says different, the witness is checked; when it
   says equal, 30 random rational points must agree exactly (the moved
   parameter may sit on a dead unit). */
START_TEST(test_random_perturbed)
{
    test_rng r = {test_seed(1234567)};
    cpwl_net_t a, b;
    cpwl_dom_t D;
    cpwl_equiv_t Q;
    fmpq_t eps, one;
    fmpq *x, *ya, *yb;
    slong it, ndiff = 0;
    char box[128];
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    cpwl_equiv_init(Q);
    fmpq_init(eps);
    fmpq_init(one);
    fmpq_one(one);
    x = _fmpq_vec_init(3);
    ya = _fmpq_vec_init(1);
    yb = _fmpq_vec_init(1);
    fmpq_set_si(eps, 1, 1);
    fmpq_div_2exp(eps, eps, 60);
    for (it = 0; it < test_iters(40); it++)
    {
        slong n = test_range(&r, 1, 2), l, i, j, k;
        cpwl_net_layer_struct *L;
        test_rich_net(a, &r, n, test_range(&r, 2, 3), 3);
        cpwl_netalg_scale(b, a, one);        /* a copy */
        l = test_range(&r, 0, b->nlayers - 1);
        L = b->layers + l;
        i = test_range(&r, 0, L->out - 1);
        j = test_range(&r, -1, L->in - 1);
        if (j < 0)
            fmpq_add(L->b + i, L->b + i, eps);
        else
            fmpq_add(fmpq_mat_entry(L->W, i, j),
                     fmpq_mat_entry(L->W, i, j), eps);
        cpwl_net_prepare(b);
        test_random_box(box, sizeof box, &r, n);
        dom(D, n, it % 2 ? box : NULL, NULL, NULL);
        if (decide(Q, a, b, D) == 0)
        {
            check_witness(Q, a, b, D);
            ndiff++;
            ck_assert(decide(Q, b, a, D) == 0);
            check_witness(Q, b, a, D);
        }
        else
        {
            ck_assert(decide(Q, b, a, D) == 1);
            for (k = 0; k < 30; k++)
            {
                for (i = 0; i < n; i++)
                {
                    test_fmpq(x + i, &r, TEST_FRACTIONS);
                    if (D->bounded && (fmpq_cmp(x + i, D->lo + i) < 0
                                       || fmpq_cmp(x + i, D->hi + i) > 0))
                        fmpq_set(x + i, D->lo + i);
                }
                cpwl_net_eval_fmpq(ya, a, x);
                cpwl_net_eval_fmpq(yb, b, x);
                ck_assert(fmpq_equal(ya, yb));
            }
        }
    }
    /* Most moves change the function somewhere. */
    ck_assert_msg(ndiff >= 20, "only %ld of 40 differ", (long) ndiff);
    _fmpq_vec_clear(x, 3);
    _fmpq_vec_clear(ya, 1);
    _fmpq_vec_clear(yb, 1);
    fmpq_clear(eps);
    fmpq_clear(one);
    cpwl_equiv_clear(Q);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_dom_clear(D);
}
END_TEST

/* ---- degenerate nets ------------------------------------------------ */

START_TEST(test_degenerate)
{
    cpwl_net_t a, b;
    cpwl_dom_t D;
    cpwl_equiv_t Q;
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    cpwl_equiv_init(Q);
    dom(D, 1, NULL, NULL, NULL);
    /* Cancelled units, a dead unit, a doubled unit, against 0 and 2
       relu(x). */
    net_str(a, 1, RELU("[[1],[1],[0]]", "[0,0,-1]") ","
            IDENT("[[1,-1,5]]", "[0]"));
    net_str(b, 1, IDENT("[[0]]", "[0]"));
    expect_equal(a, b, D);
    net_str(a, 1, RELU("[[1],[1]]", "[0,0]") "," IDENT("[[1,1]]", "[0]"));
    net_str(b, 1, RELU("[[1]]", "[0]") "," IDENT("[[2]]", "[0]"));
    expect_equal(a, b, D);
    /* Two affine nets: one region, and the value at its interior point
       may be 0 (x against 0): the witness then moves along the
       gradient. */
    net_str(a, 1, IDENT("[[1]]", "[0]"));
    net_str(b, 1, IDENT("[[0]]", "[0]"));
    expect_different(a, b, D);
    ck_assert(decide(Q, a, b, D) == 0);
    ck_assert_int_eq(Q->regions, 1);
    dom(D, 2, NULL, NULL, NULL);
    net_str(a, 2, IDENT("[[1,1]]", "[0]"));
    net_str(b, 2, IDENT("[[0,0]]", "[0]"));
    expect_different(a, b, D);
    net_str(b, 2, IDENT("[[1,1]]", "[0]"));
    expect_equal(a, b, D);
    /* A constant and a net that is constant but for a tiny kink far
       away: relu(x - 10^6) against 0, on R and on [-1, 1]. */
    dom(D, 1, NULL, NULL, NULL);
    net_str(a, 1, RELU("[[1]]", "[-1000000]") "," IDENT("[[1]]", "[0]"));
    net_str(b, 1, IDENT("[[0]]", "[0]"));
    expect_different(a, b, D);
    dom(D, 1, "-1:1", NULL, NULL);
    expect_equal(a, b, D);
    /* No layer at all: the identity of R^2, against W = I and W =
       diag(1, 2). */
    dom(D, 2, NULL, NULL, NULL);
    cpwl_net_clear(a);
    cpwl_net_init(a, 2);
    net_str(b, 2, IDENT("[[1,0],[0,1]]", "[0,0]"));
    expect_equal(a, b, D);
    net_str(b, 2, IDENT("[[1,0],[0,2]]", "[0,0]"));
    expect_different(a, b, D);
    cpwl_equiv_clear(Q);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_dom_clear(D);
}
END_TEST

/* Two outputs: (relu(x), x) as (relu(x), relu(x) - relu(-x)) and as
   (relu(2x)/2, relu(2x)/2 - relu(-3x)/3); not (relu(x), relu(x)), whose
   second output differs at x < 0 only. */
START_TEST(test_two_outputs)
{
    cpwl_net_t a, b, c;
    cpwl_dom_t D;
    cpwl_equiv_t Q;
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_net_init(c, 0);
    cpwl_dom_init(D);
    cpwl_equiv_init(Q);
    dom(D, 1, NULL, NULL, NULL);
    net_str(a, 1, RELU("[[1],[-1]]", "[0,0]") ","
            IDENT("[[1,0],[1,-1]]", "[0,0]"));
    net_str(b, 1, RELU("[[2],[-3]]", "[0,0]") ","
            IDENT("[[\"1/2\",0],[\"1/2\",\"-1/3\"]]", "[0,0]"));
    net_str(c, 1, RELU("[[1],[-1]]", "[0,0]") ","
            IDENT("[[1,0],[1,0]]", "[0,0]"));
    expect_equal(a, b, D);
    expect_different(a, c, D);
    expect_different(b, c, D);
    ck_assert(decide(Q, a, c, D) == 0);
    ck_assert(fmpq_sgn(Q->x) < 0);
    ck_assert(fmpq_equal(Q->fa, Q->fb));
    ck_assert(!fmpq_equal(Q->fa + 1, Q->fb + 1));
    cpwl_equiv_clear(Q);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_net_clear(c);
    cpwl_dom_clear(D);
}
END_TEST

/* ---- errors and stops ----------------------------------------------- */

START_TEST(test_errors)
{
    cpwl_net_t a, b;
    cpwl_dom_t D;
    cpwl_equiv_t Q;
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_err_t e;
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    cpwl_equiv_init(Q);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);

    net_str(a, 2, MAX3);
    net_str(b, 1, RELU("[[1]]", "[0]") "," IDENT("[[1]]", "[0]"));
    dom(D, 2, NULL, NULL, NULL);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_equiv_decide(Q, a, b, D, &o, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "input dimensions: 2") != NULL
                  && strstr(e->msg, "and 1") != NULL, "%s", e->msg);

    net_str(b, 2, RELU("[[1,0]]", "[0]") "," IDENT("[[1],[1]]", "[0,0]"));
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_equiv_decide(Q, a, b, D, &o, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "output dimensions: 1") != NULL
                  && strstr(e->msg, "and 2") != NULL, "%s", e->msg);

    net_str(b, 2, MAX4);
    dom(D, 3, NULL, NULL, NULL);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_equiv_decide(Q, a, b, D, &o, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "3 coordinates") != NULL, "%s", e->msg);

    /* Stopped after one region: undecided. */
    dom(D, 2, NULL, NULL, NULL);
    o.max_regions = 1;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_equiv_decide(Q, a, b, D, &o, e), CPWL_OK);
    ck_assert_int_eq(Q->stopped, CPWL_REGIONS_STOP_LIMIT);
    ck_assert_int_eq(Q->equal, -1);
    ck_assert(Q->regions >= 1);
    /* ... and decided with room. */
    o.max_regions = CPWL_REGIONS_DEFAULT_MAX;
    ck_assert_int_eq(cpwl_equiv_decide(Q, a, b, D, &o, e), CPWL_OK);
    ck_assert_int_eq(Q->equal, 1);
    ck_assert_int_eq(Q->stopped, CPWL_REGIONS_DONE);

    cpwl_pred_ctx_clear(ctx);
    cpwl_equiv_clear(Q);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_dom_clear(D);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("equiv");
    TCase *te = tcase_create("equal");
    TCase *td = tcase_create("different");
    TCase *tg = tcase_create("degenerate");
    tcase_add_test(te, test_max_gadgets);
    tcase_add_test(te, test_relu_forms);
    tcase_add_test(te, test_random_self);
    tcase_add_test(td, test_relu_vs_identity);
    tcase_add_test(td, test_tent_2m60);
    tcase_add_test(td, test_weight_2m60);
    tcase_add_test(td, test_random_perturbed);
    tcase_add_test(tg, test_degenerate);
    tcase_add_test(tg, test_two_outputs);
    tcase_add_test(tg, test_errors);
    /* generous: valgrind runs and slow machines */
    tcase_set_timeout(te, 300);
    tcase_set_timeout(td, 300);
    tcase_set_timeout(tg, 300);
    suite_add_tcase(s, te);
    suite_add_tcase(s, td);
    suite_add_tcase(s, tg);
    return test_run(s);
}
