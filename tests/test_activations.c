/* abs, hardtanh and maxout layers: the library's exact, ball and double
   evaluations and patterns against this file's own forward pass; the
   relu lowering (cpwl_netalg_lower_relu) equal to the original at random
   points and at kinks; equiv against hand-written relu equivalents (and
   a perturbed one decided different); region counts against closed
   forms and, for maxout, against a brute-force count over the cells of
   the arrangement of all pairwise difference lines. */
#include <check.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"

/* ---- random nets and a reference evaluation ---------------------------- */

/* n inputs, `depth` affine maps (identity last, m outputs), hidden
   layers relu, abs, hardtanh or maxout (pieces 2..4, 1..3 units). */
static void rand_net(cpwl_net_t net, test_rng *r, slong n, slong depth, slong m)
{
    slong l, i, j;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    for (l = 0; l < depth; l++)
    {
        static const cpwl_net_act_t acts[] = {CPWL_NET_RELU, CPWL_NET_ABS, CPWL_NET_HARDTANH,
                                         CPWL_NET_MAXOUT, CPWL_NET_MAXOUT};
        int last = l + 1 == depth;
        cpwl_net_act_t act = last ? CPWL_NET_IDENTITY : acts[test_range(r, 0, 4)];
        slong k = act == CPWL_NET_MAXOUT ? test_range(r, 2, 4) : 1;
        slong rows = last ? m : k * test_range(r, 1, 3);
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, act, rows);
        L->pieces = k;
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), r, TEST_FRACTIONS);
            test_fmpq(L->b + i, r, TEST_FRACTIONS);
        }
    }
    cpwl_net_prepare(net);
}


/* A point where the first layer's pre-activation i equals c (moving x_0;
   0 when row i has no x_0 weight): a kink of abs (c = 0), hardtanh
   (c = -1, 1) or, with c = z_k(x) for another row k, a maxout tie. */
static int kink_point(fmpq *x, const cpwl_net_t net, slong i, slong k)
{
    const cpwl_net_layer_struct *L = net->layers;
    const fmpq *w0 = fmpq_mat_entry(L->W, i, 0);
    fmpq_t s, c;
    slong j;
    int ok;
    fmpq_init(s);
    fmpq_init(c);
    /* z_i - z_k = 0 along x_0, or z_i = c for a constant c */
    if (k >= 0)
        fmpq_sub(c, w0, fmpq_mat_entry(L->W, k, 0));
    else
        fmpq_set(c, w0);
    ok = !fmpq_is_zero(c);
    if (ok)
    {
        fmpq_set(s, L->b + i);
        if (k >= 0)
            fmpq_sub(s, s, L->b + k);
        else
            fmpq_sub_si(s, s, L->act == CPWL_NET_HARDTANH ? 1 - 2 * (i & 1) : 0);
        for (j = 1; j < net->input_dim; j++)
        {
            fmpq_t t;
            fmpq_init(t);
            fmpq_set(t, fmpq_mat_entry(L->W, i, j));
            if (k >= 0)
                fmpq_sub(t, t, fmpq_mat_entry(L->W, k, j));
            fmpq_addmul(s, t, x + j);
            fmpq_clear(t);
        }
        fmpq_div(x + 0, s, c);
        fmpq_neg(x + 0, x + 0);
    }
    fmpq_clear(s);
    fmpq_clear(c);
    return ok;
}

static void check_point(const cpwl_net_t net, const cpwl_net_t low, const fmpq *x,
                        cpwl_pred_ctx_t ctx, ulong seed)
{
    slong m = cpwl_net_output_dim(net), i;
    fmpq *y = _fmpq_vec_init(m), *yr = _fmpq_vec_init(m);
    fmpq *yl = _fmpq_vec_init(m);
    cpwl_net_check_struct chk;

    cpwl_net_eval_fmpq(y, net, x);
    test_net_eval_ref(yr, net, x);
    cpwl_net_eval_fmpq(yl, low, x);
    for (i = 0; i < m; i++)
    {
        ck_assert_msg(fmpq_equal(y + i, yr + i), "exact value differs "
                      "from the reference (seed %lu)", seed);
        ck_assert_msg(fmpq_equal(yl + i, yr + i), "the lowered net "
                      "differs (seed %lu)", seed);
    }
    /* balls contain the exact value, the double is within its proven
       bound (compared exactly), the filtered pattern is the exact one */
    cpwl_net_check_point(&chk, NULL, net, x, ctx, 64);
    ck_assert_msg(chk.arb_contains, "arb (seed %lu)", seed);
    ck_assert_msg(chk.double_ok && chk.double_within, "double bound "
                  "(seed %lu)", seed);
    ck_assert_msg(chk.pattern_agrees, "pattern (seed %lu)", seed);
    _fmpq_vec_clear(y, m);
    _fmpq_vec_clear(yr, m);
    _fmpq_vec_clear(yl, m);
}

START_TEST(test_eval_and_lowering)
{
    test_rng r = {test_seed(13013)};
    cpwl_net_t net, low;
    cpwl_pred_ctx_t ctx;
    slong it, j, i, kinks = 0;
    cpwl_net_init(net, 1);
    cpwl_net_init(low, 1);
    cpwl_pred_ctx_init(ctx);
    for (it = 0; it < test_iters(200); it++)
    {
        slong n = test_range(&r, 1, 3), depth = test_range(&r, 2, 4);
        fmpq *x = _fmpq_vec_init(n);
        rand_net(net, &r, n, depth, test_range(&r, 1, 2));
        cpwl_netalg_lower_relu(low, net);
        ck_assert(cpwl_net_is_basic(low));
        ck_assert_int_eq(cpwl_net_output_dim(low), cpwl_net_output_dim(net));
        for (j = 0; j < 4; j++)
        {
            for (i = 0; i < n; i++)
                test_fmpq(x + i, &r, TEST_FRACTIONS);
            check_point(net, low, x, ctx, r.s);
        }
        /* kinks of the first layer: z = 0, z = +-1, ties of two pieces */
        for (i = 0; i < net->layers[0].out; i++)
        {
            const cpwl_net_layer_struct *L = net->layers;
            slong k = -1;
            if (L->act == CPWL_NET_MAXOUT && i % L->pieces != 0)
                k = i - 1;
            for (j = 1; j < n; j++)
                test_fmpq(x + j, &r, TEST_FRACTIONS);
            if (kink_point(x, net, i, k))
            {
                check_point(net, low, x, ctx, r.s);
                kinks++;
            }
        }
        _fmpq_vec_clear(x, n);
    }
    ck_assert(kinks > 0);
    cpwl_pred_ctx_clear(ctx);
    cpwl_net_clear(net);
    cpwl_net_clear(low);
}
END_TEST

/* ---- the conventions of the states ------------------------------------- */

static void read_net(cpwl_net_t net, const char *json)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_io_net_read_str(net, json, strlen(json), "test", e) != CPWL_OK)
        ck_abort_msg("refused: %s", e->msg);
    cpwl_net_prepare(net);
}

static void expect_pattern(const cpwl_net_t net, const char *at, const char *want,
                           slong ties)
{
    slong n = net->input_dim;
    fmpq *x = _fmpq_vec_init(n);
    unsigned char *st = flint_malloc(cpwl_net_num_states(net) + 1);
    signed char *sg = flint_malloc(cpwl_net_num_states(net) + 1);
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    char *s;
    cpwl_err_init(e);
    cpwl_pred_ctx_init(ctx);
    ck_assert(cpwl_io_parse_vector(x, n, at, "point", e) == CPWL_OK);
    cpwl_net_pattern(st, net, x, ctx);
    s = cpwl_net_pattern_str(st, net);
    ck_assert_msg(strcmp(s, want) == 0, "at %s: pattern %s, expected %s",
                  at, s, want);
    flint_free(s);
    cpwl_net_pattern_exact(st, net, x);
    s = cpwl_net_pattern_str(st, net);
    ck_assert_str_eq(s, want);
    ck_assert_int_eq(cpwl_net_signs(sg, net, x, ctx), ties);
    flint_free(s);
    flint_free(st);
    flint_free(sg);
    cpwl_pred_ctx_clear(ctx);
    _fmpq_vec_clear(x, n);
}

#define HEAD "{\"format\": \"cpwl-net\", \"version\": 1, "
#define OUT1 "{\"activation\": \"identity\", \"weights\": [[1, 1, 1]], " \
    "\"bias\": [0]}"

START_TEST(test_states)
{
    cpwl_net_t net;
    cpwl_net_init(net, 1);
    /* abs: z > 0 is 1, z = 0 is 0 */
    read_net(net, HEAD "\"input_dim\": 1, \"layers\": [{\"activation\": "
             "\"abs\", \"weights\": [[1], [1], [1]], \"bias\": [1, 0, -1]}, "
             OUT1 "]}");
    ck_assert_int_eq(cpwl_net_num_states(net), 3);
    expect_pattern(net, "0", "100", 1);
    expect_pattern(net, "1/2", "110", 0);
    /* hardtanh: z <= -1, -1 < z < 1, z >= 1 */
    read_net(net, HEAD "\"input_dim\": 1, \"layers\": [{\"activation\": "
             "\"hardtanh\", \"weights\": [[1], [1], [1]], \"bias\": [1, 0, "
             "-1]}, " OUT1 "]}");
    expect_pattern(net, "0", "210", 2);   /* z = 1, 0, -1 */
    expect_pattern(net, "1/2", "211", 0);
    expect_pattern(net, "-3", "000", 0);
    expect_pattern(net, "3", "222", 0);
    /* maxout: ties to the lowest index; width = rows / pieces */
    read_net(net, HEAD "\"input_dim\": 1, \"layers\": [{\"activation\": "
             "\"maxout\", \"pieces\": 3, \"weights\": [[0], [1], [-1], [1], "
             "[1], [0]], \"bias\": [0, 0, 0, 0, 0, 0]}, {\"activation\": "
             "\"identity\", \"weights\": [[1, -1]], \"bias\": [0]}]}");
    ck_assert_int_eq(cpwl_net_num_states(net), 2);
    ck_assert_int_eq(cpwl_net_layer_width(net, 0), 2);
    expect_pattern(net, "0", "00", 2);
    expect_pattern(net, "1", "10", 1);    /* second unit: x = x */
    expect_pattern(net, "-1", "22", 0);
    cpwl_net_clear(net);
}
END_TEST

/* ---- equiv against hand-written relu equivalents ---------------------- */

static int equal_nets(const char *ja, const char *jb, slong n)
{
    cpwl_net_t a, b;
    cpwl_dom_t D;
    cpwl_equiv_t Q;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    int r;
    cpwl_net_init(a, n);
    cpwl_net_init(b, n);
    read_net(a, ja);
    read_net(b, jb);
    cpwl_dom_init(D);
    test_dom_str(D, n, NULL, NULL, NULL);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    cpwl_equiv_init(Q);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_equiv_decide(Q, a, b, D, &o, e) == CPWL_OK, "%s", e->msg);
    r = Q->equal;
    ck_assert(r == 0 || r == 1);
    if (r == 0)
    {
        /* the witness: the two exact values differ there */
        fmpq *ya = _fmpq_vec_init(cpwl_net_output_dim(a));
        fmpq *yb = _fmpq_vec_init(cpwl_net_output_dim(a));
        test_net_eval_ref(ya, a, Q->x);
        test_net_eval_ref(yb, b, Q->x);
        slong i, same = 1;
        for (i = 0; i < cpwl_net_output_dim(a); i++)
            same &= fmpq_equal(ya + i, yb + i);
        ck_assert(!same);
        _fmpq_vec_clear(ya, cpwl_net_output_dim(a));
        _fmpq_vec_clear(yb, cpwl_net_output_dim(a));
    }
    cpwl_equiv_clear(Q);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    return r;
}

static const char abs_net[] = HEAD "\"input_dim\": 1, \"layers\": ["
    "{\"activation\": \"abs\", \"weights\": [[1], [2]], \"bias\": [0, -1]},"
    "{\"activation\": \"identity\", \"weights\": [[1, 1]], \"bias\": [0]}]}";
/* |x| + |2x - 1| = relu(x) + relu(-x) + relu(2x - 1) + relu(1 - 2x) */
static const char abs_relu[] = HEAD "\"input_dim\": 1, \"layers\": ["
    "{\"activation\": \"relu\", \"weights\": [[1], [-1], [2], [-2]], "
    "\"bias\": [0, 0, -1, 1]}, {\"activation\": \"identity\", \"weights\": "
    "[[1, 1, 1, 1]], \"bias\": [0]}]}";
static const char abs_relu_bad[] = HEAD "\"input_dim\": 1, \"layers\": ["
    "{\"activation\": \"relu\", \"weights\": [[1], [-1], [2], [-2]], "
    "\"bias\": [0, 0, -1, \"1001/1000\"]}, {\"activation\": \"identity\", "
    "\"weights\": [[1, 1, 1, 1]], \"bias\": [0]}]}";

/* clip(x + 2y - 1/2) on R^2 */
static const char ht_net[] = HEAD "\"input_dim\": 2, \"layers\": ["
    "{\"activation\": \"hardtanh\", \"weights\": [[1, 2]], \"bias\": "
    "[\"-1/2\"]}, {\"activation\": \"identity\", \"weights\": [[1]], "
    "\"bias\": [0]}]}";
/* = relu(x + 2y + 1/2) - relu(x + 2y - 3/2) - 1 */
static const char ht_relu[] = HEAD "\"input_dim\": 2, \"layers\": ["
    "{\"activation\": \"relu\", \"weights\": [[1, 2], [1, 2]], \"bias\": "
    "[\"1/2\", \"-3/2\"]}, {\"activation\": \"identity\", \"weights\": "
    "[[1, -1]], \"bias\": [-1]}]}";
static const char ht_relu_bad[] = HEAD "\"input_dim\": 2, \"layers\": ["
    "{\"activation\": \"relu\", \"weights\": [[1, 2], [1, 2]], \"bias\": "
    "[\"1/2\", \"-3/2\"]}, {\"activation\": \"identity\", \"weights\": "
    "[[1, \"-999/1000\"]], \"bias\": [-1]}]}";

/* max(x, y, 1 - x - y) on R^2, one maxout unit of 3 pieces */
static const char mx_net[] = HEAD "\"input_dim\": 2, \"layers\": ["
    "{\"activation\": \"maxout\", \"pieces\": 3, \"weights\": [[1, 0], "
    "[0, 1], [-1, -1]], \"bias\": [0, 0, 1]}, {\"activation\": "
    "\"identity\", \"weights\": [[1]], \"bias\": [0]}]}";
/* by hand: m = x + relu(y - x) (x carried as relu(x) - relu(-x)), c =
   1 - x - y carried likewise; then max(m, c) = m + relu(c - m), m
   carried as relu(m) - relu(-m). */
static const char mx_relu[] = HEAD "\"input_dim\": 2, \"layers\": ["
    "{\"activation\": \"relu\", \"weights\": [[1, 0], [-1, 0], [-1, 1], "
    "[-1, -1], [1, 1]], \"bias\": [0, 0, 0, 1, -1]}, "
    "{\"activation\": \"relu\", \"weights\": [[1, -1, 1, 0, 0], "
    "[-1, 1, -1, 0, 0], [-1, 1, -1, 1, -1]], \"bias\": [0, 0, 0]}, "
    "{\"activation\": \"identity\", \"weights\": [[1, -1, 1]], "
    "\"bias\": [0]}]}";
/* the same with the third piece 1 - x - y replaced by 1 - x - y/2 */
static const char mx_relu_bad[] = HEAD "\"input_dim\": 2, \"layers\": ["
    "{\"activation\": \"relu\", \"weights\": [[1, 0], [-1, 0], [-1, 1], "
    "[-1, \"-1/2\"], [1, \"1/2\"]], \"bias\": [0, 0, 0, 1, -1]}, "
    "{\"activation\": \"relu\", \"weights\": [[1, -1, 1, 0, 0], "
    "[-1, 1, -1, 0, 0], [-1, 1, -1, 1, -1]], \"bias\": [0, 0, 0]}, "
    "{\"activation\": \"identity\", \"weights\": [[1, -1, 1]], "
    "\"bias\": [0]}]}";

START_TEST(test_equiv_hand_written)
{
    ck_assert_int_eq(equal_nets(abs_net, abs_relu, 1), 1);
    ck_assert_int_eq(equal_nets(abs_relu, abs_net, 1), 1);
    ck_assert_int_eq(equal_nets(abs_net, abs_relu_bad, 1), 0);
    ck_assert_int_eq(equal_nets(ht_net, ht_relu, 2), 1);
    ck_assert_int_eq(equal_nets(ht_net, ht_relu_bad, 2), 0);
    ck_assert_int_eq(equal_nets(mx_net, mx_relu, 2), 1);
    ck_assert_int_eq(equal_nets(mx_net, mx_relu_bad, 2), 0);
    /* and among themselves: abs is not hardtanh */
    ck_assert_int_eq(equal_nets(mx_net, ht_net, 2), 0);
}
END_TEST

/* ---- region counts ------------------------------------------------------ */

static void count_regions(slong *act, slong *lin, const cpwl_net_t net,
                          cpwl_regions_method method)
{
    cpwl_dom_t D;
    cpwl_regions_t R;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    slong i, ns = cpwl_net_num_states(net);
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    cpwl_dom_init(D);
    test_dom_str(D, net->input_dim, NULL, NULL, NULL);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    o.method = method;
    o.linear = 1;
    o.points = 1;
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_regions_compute(R, net, D, &o, e) == CPWL_OK, "%s",
                  e->msg);
    ck_assert_int_eq(R->stopped, CPWL_REGIONS_DONE);
    ck_assert_int_eq(R->nstates, ns);
    /* every cell carries the original net's pattern at its point */
    for (i = 0; i < R->ncells; i++)
    {
        cpwl_net_pattern_exact(st, net, R->cells[i].point);
        ck_assert(ns == 0 || memcmp(st, R->cells[i].state, ns) == 0);
    }
    *act = R->ncells;
    *lin = R->nlinear;
    cpwl_regions_clear(R);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    flint_free(st);
}

/* sum_i |x - c_i| for distinct c_i: kinks at the c_i, k + 1 pieces, and
   every kink bends (slope jumps by 2). */
START_TEST(test_abs_1d)
{
    test_rng r = {test_seed(4242)};
    cpwl_net_t net;
    slong it, i, j, act, lin;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(30); it++)
    {
        slong k = test_range(&r, 1, 6);
        cpwl_net_layer_struct *L;
        cpwl_net_clear(net);
        cpwl_net_init(net, 1);
        L = cpwl_net_add_layer(net, CPWL_NET_ABS, k);
        for (i = 0; i < k; i++)
        {
            fmpq_one(fmpq_mat_entry(L->W, i, 0));
          again:
            test_fmpq(L->b + i, &r, TEST_FRACTIONS);
            for (j = 0; j < i; j++)
                if (fmpq_equal(L->b + j, L->b + i))
                    goto again;
        }
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
        for (i = 0; i < k; i++)
            fmpq_one(fmpq_mat_entry(L->W, 0, i));
        cpwl_net_prepare(net);
        count_regions(&act, &lin, net, CPWL_REGIONS_AUTO);
        ck_assert_int_eq(act, k + 1);
        ck_assert_int_eq(lin, k + 1);
        count_regions(&act, &lin, net, CPWL_REGIONS_ND);
        ck_assert_int_eq(act, k + 1);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Whether the lines a_i . x = c_i (i < n, rows of A, c) of R^2 have
   pairwise distinct directions but for the pairs (2t, 2t+1), which are
   parallel, and no three through one point. */
static int general_2d(const fmpq *A, const fmpq *c, slong n)
{
    slong i, j, k;
    int ok = 1;
    fmpq_t det, p0, p1, t;
    fmpq_init(det);
    fmpq_init(p0);
    fmpq_init(p1);
    fmpq_init(t);
    for (i = 0; i < n; i++)
        if (fmpq_is_zero(A + 2 * i) && fmpq_is_zero(A + 2 * i + 1))
            ok = 0;
    for (i = 0; i < n && ok; i++)
        for (j = i + 1; j < n && ok; j++)
        {
            fmpq_mul(det, A + 2 * i, A + 2 * j + 1);
            fmpq_submul(det, A + 2 * i + 1, A + 2 * j);
            if (fmpq_is_zero(det))
            {
                ok = j == i + 1 && i % 2 == 0;
                continue;
            }
            /* the crossing point, on no third line */
            fmpq_mul(p0, c + i, A + 2 * j + 1);
            fmpq_submul(p0, c + j, A + 2 * i + 1);
            fmpq_div(p0, p0, det);
            fmpq_mul(p1, A + 2 * i, c + j);
            fmpq_submul(p1, A + 2 * j, c + i);
            fmpq_div(p1, p1, det);
            for (k = 0; k < n && ok; k++)
            {
                if (k == i || k == j)
                    continue;
                fmpq_mul(t, A + 2 * k, p0);
                fmpq_addmul(t, A + 2 * k + 1, p1);
                ok = !fmpq_equal(t, c + k);
            }
        }
    fmpq_clear(det);
    fmpq_clear(p0);
    fmpq_clear(p1);
    fmpq_clear(t);
    return ok;
}

/* A hardtanh layer of n neurons on R^2: each gives the two parallel lines
   z = -1, z = 1, and the 2n lines cut the plane into 1 + 2n + C(2n, 2) -
   n cells (n parallel pairs do not cross) when no other two are parallel
   and no three meet; every cell is one pattern. */
/* The 1-D and 2-D methods ask one sign per state: called directly on abs,
   hardtanh or maxout layers they refuse (cpwl_regions_compute lowers first),
   where they would count the kinks of a relu reading of the layer. */
START_TEST(test_direct_methods_refuse)
{
    static const char *nets[] = {
        "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 1, "
        "\"layers\": [{\"activation\": \"abs\", \"weights\": [[1]], "
        "\"bias\": [0]}, {\"activation\": \"identity\", \"weights\": [[1]], "
        "\"bias\": [0]}]}",
        "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 2, "
        "\"layers\": [{\"activation\": \"hardtanh\", \"weights\": [[1, 0]], "
        "\"bias\": [0]}, {\"activation\": \"identity\", \"weights\": [[1]], "
        "\"bias\": [0]}]}"};
    slong k;
    for (k = 0; k < 2; k++)
    {
        cpwl_net_t net;
        cpwl_regions_t R;
        cpwl_regions_opts o;
        cpwl_pred_ctx_t pc;
        cpwl_err_t e;
        int st;
        cpwl_net_init(net, 0);
        read_net(net, nets[k]);
        cpwl_pred_ctx_init(pc);
        cpwl_regions_opts_init(&o, pc);
        cpwl_regions_init(R, net->input_dim, 1, cpwl_net_num_states(net));
        cpwl_err_init(e);
        st = (k == 0) ? cpwl_regions_1d(R, net, NULL, NULL, &o, e)
                      : cpwl_regions_2d(R, net, NULL, NULL, &o, e);
        ck_assert_int_eq(st, CPWL_ERR_INPUT);
        ck_assert_ptr_nonnull(strstr(e->msg, "regions_compute"));
        cpwl_regions_clear(R);
        cpwl_pred_ctx_clear(pc);
        cpwl_net_clear(net);
    }
}
END_TEST

/* The double bound of a maxout unit is the largest of its pieces' bounds
   (max is 1-Lipschitz in the max norm), not the first piece's: here the
   first piece, 0, is exact, and the maximum x/3 at x = 1 is not a double. */
START_TEST(test_maxout_double_bound)
{
    static const char json[] = "{\"format\": \"cpwl-net\", \"version\": 1, "
        "\"input_dim\": 1, \"layers\": [{\"activation\": \"maxout\", "
        "\"pieces\": 2, \"weights\": [[0], [\"1/3\"]], \"bias\": [0, 0]}]}";
    cpwl_net_t net;
    double x = 1.0, y, err;
    fmpq_t d, third;
    cpwl_net_init(net, 0);
    read_net(net, json);
    ck_assert(cpwl_net_eval_d(&y, &err, net, &x, NULL));
    fmpq_init(d);
    fmpq_init(third);
    test_fmpq_of_d(d, y);
    fmpq_set_si(third, 1, 3);
    fmpq_sub(d, d, third);
    fmpq_abs(d, d);
    ck_assert(!fmpq_is_zero(d));
    test_fmpq_of_d(third, err);
    ck_assert_msg(fmpq_cmp(d, third) <= 0, "|y - 1/3| exceeds its bound %g",
                  err);
    fmpq_clear(d);
    fmpq_clear(third);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_hardtanh_2d)
{
    test_rng r = {test_seed(777)};
    cpwl_net_t net;
    slong it, i, act, lin;
    cpwl_net_init(net, 2);
    for (it = 0; it < test_iters(12); it++)
    {
        slong n = test_range(&r, 1, 3), want = 1 + 2 * n + n * (2 * n - 1)
                                                - n;
        fmpq *A = _fmpq_vec_init(4 * n), *c = _fmpq_vec_init(2 * n);
        cpwl_net_layer_struct *L;
        do
        {
            for (i = 0; i < n; i++)
            {
                test_fmpq(A + 4 * i, &r, TEST_FRACTIONS);
                test_fmpq(A + 4 * i + 1, &r, TEST_FRACTIONS);
                test_fmpq(c + 2 * i, &r, TEST_FRACTIONS);
                /* z_i = w . x + b: lines w . x = -1 - b and 1 - b */
                fmpq_set(A + 4 * i + 2, A + 4 * i);
                fmpq_set(A + 4 * i + 3, A + 4 * i + 1);
                fmpq_add_si(c + 2 * i + 1, c + 2 * i, 2);
            }
        }
        while (!general_2d(A, c, 2 * n));
        cpwl_net_clear(net);
        cpwl_net_init(net, 2);
        L = cpwl_net_add_layer(net, CPWL_NET_HARDTANH, n);
        for (i = 0; i < n; i++)
        {
            fmpq_set(fmpq_mat_entry(L->W, i, 0), A + 4 * i);
            fmpq_set(fmpq_mat_entry(L->W, i, 1), A + 4 * i + 1);
            fmpq_neg(L->b + i, c + 2 * i);
            fmpq_sub_si(L->b + i, L->b + i, 1);   /* -1 - b = c */
        }
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
        for (i = 0; i < n; i++)
            fmpq_set_si(fmpq_mat_entry(L->W, 0, i), 1, 1);
        cpwl_net_prepare(net);
        count_regions(&act, &lin, net, CPWL_REGIONS_AUTO);
        ck_assert_msg(act == want, "%ld regions, expected %ld (seed %lu)",
                      (long) act, (long) want, (ulong) r.s);
        ck_assert(lin <= act && lin >= 1);
        count_regions(&act, &lin, net, CPWL_REGIONS_ND);
        ck_assert_int_eq(act, want);
        _fmpq_vec_clear(A, 4 * n);
        _fmpq_vec_clear(c, 2 * n);
    }
    cpwl_net_clear(net);
}
END_TEST

/* The geometry of one maxout unit's regions (opts->verts): the region of
   piece i is {x : z_i(x) >= z_j(x) for all j}; every listed vertex lies
   in it with at least two of these constraints tight (a corner in R^2;
   when `corners` is 0, regions may have no corner, and the points listed
   are on a boundary line: one tight constraint), every ray r has
   (w_i - w_j) . r >= 0, and the region is bounded iff it has no ray. */
static void check_maxout_geometry(const cpwl_net_t net, int corners)
{
    const cpwl_net_layer_struct *L = net->layers;
    slong k = L->pieces, c, v, j, t;
    cpwl_dom_t D;
    cpwl_regions_t R;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    fmpq_t zi, zj;
    fmpq_init(zi);
    fmpq_init(zj);
    cpwl_dom_init(D);
    test_dom_str(D, 2, NULL, NULL, NULL);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    o.verts = 1;
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_err_init(e);
    ck_assert(cpwl_regions_compute(R, net, D, &o, e) == CPWL_OK);
    for (c = 0; c < R->ncells; c++)
    {
        const cpwl_regions_cell_struct *C = R->cells + c;
        slong i = C->state[0];
        ck_assert(C->nverts >= 0);
        ck_assert_int_eq(C->bounded, C->nrays == 0);
        for (v = 0; v < C->nverts; v++)
        {
            const fmpq *x = C->verts + 2 * v;
            for (j = t = 0; j < k; j++)
            {
                int cmp;
                fmpq_set(zi, L->b + i);
                fmpq_addmul(zi, fmpq_mat_entry(L->W, i, 0), x);
                fmpq_addmul(zi, fmpq_mat_entry(L->W, i, 1), x + 1);
                fmpq_set(zj, L->b + j);
                fmpq_addmul(zj, fmpq_mat_entry(L->W, j, 0), x);
                fmpq_addmul(zj, fmpq_mat_entry(L->W, j, 1), x + 1);
                cmp = fmpq_cmp(zi, zj);
                ck_assert(cmp >= 0);
                t += j != i && cmp == 0;
            }
            ck_assert_msg(t >= 1 + corners, "vertex %ld of region %ld is no corner "
                          "(k = %ld, %ld vertices, %ld rays)",
                          (long) v, (long) c, (long) k, (long) C->nverts,
                          (long) C->nrays);
        }
        for (v = 0; v < C->nrays; v++)
            for (j = 0; j < k; j++)
            {
                fmpq_sub(zi, fmpq_mat_entry(L->W, i, 0),
                         fmpq_mat_entry(L->W, j, 0));
                fmpq_mul(zi, zi, C->rays + 2 * v);
                fmpq_sub(zj, fmpq_mat_entry(L->W, i, 1),
                         fmpq_mat_entry(L->W, j, 1));
                fmpq_addmul(zi, zj, C->rays + 2 * v + 1);
                ck_assert(fmpq_sgn(zi) >= 0);
            }
    }
    cpwl_regions_clear(R);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    fmpq_clear(zi);
    fmpq_clear(zj);
}

/* One maxout unit whose k pieces are the tangent planes of |x|^2 at k
   distinct points p: piece p is the only maximum at p (strict
   convexity), so k activation regions, and k linear regions (the
   pieces differ). */
START_TEST(test_maxout_tangents)
{
    test_rng r = {test_seed(99)};
    cpwl_net_t net;
    slong it, i, j, act, lin;
    cpwl_net_init(net, 2);
    for (it = 0; it < test_iters(12); it++)
    {
        slong k = test_range(&r, 2, 6);
        fmpq *p = _fmpq_vec_init(2 * k);
        cpwl_net_layer_struct *L;
        for (i = 0; i < k; i++)
        {
          again:
            test_fmpq(p + 2 * i, &r, TEST_FRACTIONS);
            test_fmpq(p + 2 * i + 1, &r, TEST_FRACTIONS);
            for (j = 0; j < i; j++)
                if (fmpq_equal(p + 2 * j, p + 2 * i)
                    && fmpq_equal(p + 2 * j + 1, p + 2 * i + 1))
                    goto again;
        }
        cpwl_net_clear(net);
        cpwl_net_init(net, 2);
        L = cpwl_net_add_layer(net, CPWL_NET_MAXOUT, k);
        L->pieces = k;
        for (i = 0; i < k; i++)
        {
            /* 2 p . x - |p|^2 */
            fmpq_mul_si(fmpq_mat_entry(L->W, i, 0), p + 2 * i, 2);
            fmpq_mul_si(fmpq_mat_entry(L->W, i, 1), p + 2 * i + 1, 2);
            fmpq_mul(L->b + i, p + 2 * i, p + 2 * i);
            fmpq_addmul(L->b + i, p + 2 * i + 1, p + 2 * i + 1);
            fmpq_neg(L->b + i, L->b + i);
        }
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
        fmpq_one(fmpq_mat_entry(L->W, 0, 0));
        cpwl_net_prepare(net);
        count_regions(&act, &lin, net, CPWL_REGIONS_AUTO);
        ck_assert_int_eq(act, k);
        ck_assert_int_eq(lin, k);
        {
            /* tangent points not on one line: every cell (of this
               power diagram) has a corner */
            int corners = 0;
            fmpq_t a, b;
            fmpq_init(a);
            fmpq_init(b);
            for (i = 2; i < k; i++)
            {
                fmpq_sub(a, p + 2, p);
                fmpq_sub(b, p + 2 * i + 1, p + 1);
                fmpq_mul(a, a, b);
                fmpq_sub(b, p + 3, p + 1);
                fmpq_submul(a, b, p + 2 * i);
                fmpq_addmul(a, b, p);
                corners |= !fmpq_is_zero(a);
            }
            fmpq_clear(a);
            fmpq_clear(b);
            check_maxout_geometry(net, corners);
        }
        _fmpq_vec_clear(p, 2 * k);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Sort and drop repeats. */
static slong uniq(fmpq *v, slong n)
{
    slong i, j, k = 0;
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && fmpq_cmp(v + j - 1, v + j) > 0; j--)
            fmpq_swap(v + j - 1, v + j);
    for (i = 0; i < n; i++)
        if (k == 0 || !fmpq_equal(v + k - 1, v + i))
            fmpq_set(v + k++, v + i);
    return k;
}

/* One sample point strictly inside each gap of the sorted v[0..n-1] and
   beyond both ends (0 when n = 0). */
static slong gaps(fmpq *out, const fmpq *v, slong n)
{
    slong i;
    if (n == 0)
    {
        fmpq_zero(out);
        return 1;
    }
    fmpq_sub_si(out, v, 1);
    for (i = 0; i + 1 < n; i++)
    {
        fmpq_add(out + i + 1, v + i, v + i + 1);
        fmpq_div_2exp(out + i + 1, out + i + 1, 1);
    }
    fmpq_add_si(out + n, v + n - 1, 1);
    return n + 1;
}

/* Brute force: the distinct patterns over the cells of the arrangement of
   the lines a . x + c = 0 (L lines, A: L x 2).  Every cell meets a
   vertical line x_0 = s between two consecutive critical abscissae
   (crossings and vertical lines) in an open interval between two
   consecutive crossings of that line: one point per such interval. */
static slong brute_count(const cpwl_net_t net, const fmpq *A, const fmpq *c,
                         slong L)
{
    slong i, j, nx = 0, ns = cpwl_net_num_states(net), npat = 0, a, b;
    fmpq *X = _fmpq_vec_init(L * L + L + 1), *S = _fmpq_vec_init(L * L + L + 2);
    fmpq *Y = _fmpq_vec_init(L + 1), *T = _fmpq_vec_init(L + 2);
    fmpq *pt = _fmpq_vec_init(2);
    unsigned char *pats = flint_malloc((L * L + L + 2) * (L + 2) * (ns + 1));
    fmpq_t det;
    fmpq_init(det);
    for (i = 0; i < L; i++)
    {
        if (fmpq_is_zero(A + 2 * i + 1))
        {
            fmpq_div(X + nx, c + i, A + 2 * i);
            fmpq_neg(X + nx, X + nx);
            nx++;
        }
        for (j = i + 1; j < L; j++)
        {
            fmpq_mul(det, A + 2 * i, A + 2 * j + 1);
            fmpq_submul(det, A + 2 * i + 1, A + 2 * j);
            if (fmpq_is_zero(det))
                continue;
            /* x_0 of the crossing: (c_j a_i1 - c_i a_j1) / det */
            fmpq_mul(X + nx, c + j, A + 2 * i + 1);
            fmpq_submul(X + nx, c + i, A + 2 * j + 1);
            fmpq_div(X + nx, X + nx, det);
            nx++;
        }
    }
    nx = gaps(S, X, uniq(X, nx));
    for (a = 0; a < nx; a++)
    {
        slong ny = 0;
        for (i = 0; i < L; i++)
            if (!fmpq_is_zero(A + 2 * i + 1))
            {
                fmpq_mul(Y + ny, A + 2 * i, S + a);
                fmpq_add(Y + ny, Y + ny, c + i);
                fmpq_div(Y + ny, Y + ny, A + 2 * i + 1);
                fmpq_neg(Y + ny, Y + ny);
                ny++;
            }
        ny = gaps(T, Y, uniq(Y, ny));
        for (b = 0; b < ny; b++)
        {
            unsigned char *p = pats + npat * (ns + 1);
            fmpq_set(pt + 0, S + a);
            fmpq_set(pt + 1, T + b);
            cpwl_net_pattern_exact(p, net, pt);
            for (j = 0; j < npat; j++)
                if (memcmp(pats + j * (ns + 1), p, ns) == 0)
                    break;
            npat += j == npat;
        }
    }
    fmpq_clear(det);
    _fmpq_vec_clear(X, L * L + L + 1);
    _fmpq_vec_clear(S, L * L + L + 2);
    _fmpq_vec_clear(Y, L + 1);
    _fmpq_vec_clear(T, L + 2);
    _fmpq_vec_clear(pt, 2);
    flint_free(pats);
    return npat;
}

/* Random maxout layers on R^2 (small integer weights: parallel lines,
   repeated pieces and triple points happen): the count through the
   lowering against the brute force over all pairwise difference lines. */
START_TEST(test_maxout_brute)
{
    test_rng r = {test_seed(31337)};
    cpwl_net_t net;
    slong it, i, j, u, act, lin;
    cpwl_net_init(net, 2);
    for (it = 0; it < test_iters(25); it++)
    {
        slong units = test_range(&r, 1, 2), k = test_range(&r, 2, 4);
        slong nl = 0, maxl = units * k * (k - 1) / 2;
        fmpq *A = _fmpq_vec_init(2 * maxl), *c = _fmpq_vec_init(maxl);
        cpwl_net_layer_struct *L;
        cpwl_net_clear(net);
        cpwl_net_init(net, 2);
        L = cpwl_net_add_layer(net, CPWL_NET_MAXOUT, units * k);
        L->pieces = k;
        for (i = 0; i < units * k; i++)
        {
            test_fmpq(fmpq_mat_entry(L->W, i, 0), &r, 0);
            test_fmpq(fmpq_mat_entry(L->W, i, 1), &r, 0);
            test_fmpq(L->b + i, &r, 0);
        }
        for (u = 0; u < units; u++)
            for (i = u * k; i < (u + 1) * k; i++)
                for (j = i + 1; j < (u + 1) * k; j++)
                {
                    fmpq_sub(A + 2 * nl, fmpq_mat_entry(L->W, i, 0),
                             fmpq_mat_entry(L->W, j, 0));
                    fmpq_sub(A + 2 * nl + 1, fmpq_mat_entry(L->W, i, 1),
                             fmpq_mat_entry(L->W, j, 1));
                    fmpq_sub(c + nl, L->b + i, L->b + j);
                    /* a zero line is no boundary */
                    nl += !fmpq_is_zero(A + 2 * nl)
                          || !fmpq_is_zero(A + 2 * nl + 1);
                }
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
        for (i = 0; i < units; i++)
            test_fmpq(fmpq_mat_entry(L->W, 0, i), &r, TEST_FRACTIONS);
        cpwl_net_prepare(net);
        {
            slong want = brute_count(net, A, c, nl);
            count_regions(&act, &lin, net, CPWL_REGIONS_AUTO);
            ck_assert_msg(act == want, "%ld regions, brute force %ld "
                          "(seed %lu)", (long) act, (long) want,
                          (ulong) r.s);
            count_regions(&act, &lin, net, CPWL_REGIONS_ND);
            ck_assert_int_eq(act, want);
        }
        _fmpq_vec_clear(A, 2 * maxl);
        _fmpq_vec_clear(c, maxl);
    }
    cpwl_net_clear(net);
}
END_TEST

/* The lowering of a relu net is the net itself (hidden identity layers
   composed away); of an abs or hardtanh layer of k, 2k relus; of a
   maxout layer with p pieces, ceil(log2 p) relu layers. */
START_TEST(test_lowering_shape)
{
    cpwl_net_t net, low;
    cpwl_net_init(net, 1);
    cpwl_net_init(low, 1);
    read_net(net, mx_net);
    cpwl_netalg_lower_relu(low, net);
    ck_assert_int_eq(cpwl_net_depth(low), 3);
    ck_assert_int_eq(cpwl_net_layer_width(low, 0), 5);   /* 3 + 2 */
    ck_assert_int_eq(cpwl_net_layer_width(low, 1), 3);
    read_net(net, ht_net);
    cpwl_netalg_lower_relu(low, net);
    ck_assert_int_eq(cpwl_net_depth(low), 2);
    ck_assert_int_eq(cpwl_net_size(low), 2);
    read_net(net, abs_relu);
    cpwl_netalg_lower_relu(low, net);
    ck_assert_int_eq(cpwl_net_depth(low), 2);
    ck_assert_int_eq(cpwl_net_size(low), 4);
    cpwl_net_clear(net);
    cpwl_net_clear(low);
}
END_TEST

/* cpwl_netalg_sum of a maxout and a hardtanh net (the layers cannot stand side
   by side: the relu lowerings are added) and cpwl_netalg_compose of the two:
   values against this file's forward pass. */
START_TEST(test_algebra)
{
    test_rng r = {test_seed(2718)};
    cpwl_net_t a, b, s, c;
    fmpq *x = _fmpq_vec_init(2), *y = _fmpq_vec_init(4);
    slong it;
    cpwl_err_t e;
    cpwl_net_init(a, 2);
    cpwl_net_init(b, 2);
    cpwl_net_init(s, 2);
    cpwl_net_init(c, 2);
    read_net(a, mx_net);
    read_net(b, ht_net);
    cpwl_err_init(e);
    ck_assert(cpwl_netalg_sum(s, a, b, e) == CPWL_OK);
    ck_assert(cpwl_net_is_basic(s));
    /* b o (x -> (a(x), a(x))): a's one output fed twice */
    {
        cpwl_net_t dup;
        cpwl_net_layer_struct *L;
        cpwl_net_init(dup, 1);
        L = cpwl_net_add_layer(dup, CPWL_NET_IDENTITY, 2);
        fmpq_one(fmpq_mat_entry(L->W, 0, 0));
        fmpq_one(fmpq_mat_entry(L->W, 1, 0));
        cpwl_net_prepare(dup);
        ck_assert(cpwl_netalg_compose(c, dup, a, e) == CPWL_OK);
        ck_assert(cpwl_netalg_compose(c, b, c, e) == CPWL_OK);
        cpwl_net_clear(dup);
    }
    for (it = 0; it < test_iters(50); it++)
    {
        test_fmpq(x, &r, TEST_FRACTIONS);
        test_fmpq(x + 1, &r, TEST_FRACTIONS);
        test_net_eval_ref(y, a, x);
        test_net_eval_ref(y + 1, b, x);
        fmpq_add(y + 2, y, y + 1);
        cpwl_net_eval_fmpq(y + 3, s, x);
        ck_assert(fmpq_equal(y + 2, y + 3));
        /* b(a(x), a(x)) = clip(a + 2a - 1/2) */
        fmpq_mul_si(y + 2, y, 3);
        fmpq_set_si(y + 1, 1, 2);
        fmpq_sub(y + 2, y + 2, y + 1);
        if (fmpq_cmp_si(y + 2, 1) > 0)
            fmpq_one(y + 2);
        if (fmpq_cmp_si(y + 2, -1) < 0)
            fmpq_set_si(y + 2, -1, 1);
        cpwl_net_eval_fmpq(y + 3, c, x);
        ck_assert(fmpq_equal(y + 2, y + 3));
    }
    _fmpq_vec_clear(x, 2);
    _fmpq_vec_clear(y, 4);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    cpwl_net_clear(s);
    cpwl_net_clear(c);
}
END_TEST

static Suite *activations_suite(void)
{
    Suite *s = suite_create("activations");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_eval_and_lowering);
    tcase_add_test(tc, test_states);
    tcase_add_test(tc, test_equiv_hand_written);
    tcase_add_test(tc, test_abs_1d);
    tcase_add_test(tc, test_hardtanh_2d);
    tcase_add_test(tc, test_direct_methods_refuse);
    tcase_add_test(tc, test_maxout_double_bound);
    tcase_add_test(tc, test_maxout_tangents);
    tcase_add_test(tc, test_maxout_brute);
    tcase_add_test(tc, test_lowering_shape);
    tcase_add_test(tc, test_algebra);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(activations_suite());
}
