/* The network objective (src/optim/objective_net.c), every value from
   elsewhere: the value against the library's exact network evaluation
   summed here; the exact gradient against the derivative of
   f(theta + h d) recovered by exact Lagrange interpolation while the
   activation pattern stays (checked exactly); relu'(0) on a hand case;
   Arb gradients containing the exact ones; binary32 values and
   gradients equal bit for bit to a plain C float forward and backward
   pass written here in the documented operation order. */
#include "cpwl/onnx.h"
#include "testutil_objective.h"

/* ------------------------------------------------------------------------
   The network objective
   ------------------------------------------------------------------------ */

/* Write net and random data (D points, labels) to files; the spec. */
static void net_files(char *spec, size_t size, const cpwl_net_t net,
                      const fmpq *X, const fmpq *y, slong D, const char *tag)
{
    char np[256], dp[256], name[64];
    char *text = cpwl_io_net_write_str(net), *csv;
    slong i, j, n = net->input_dim;
    size_t k = 0, cap = 64 + D * (n + 1) * 48;
    snprintf(name, sizeof(name), "%s.json", tag);
    write_file(np, sizeof(np), name, text);
    flint_free(text);
    csv = flint_malloc(cap);
    for (i = 0; i < D; i++)
    {
        for (j = 0; j <= n; j++)
        {
            const fmpq *q = j < n ? X + i * n + j : y + i;
            char *s = fmpq_get_str(NULL, 10, q);
            k += snprintf(csv + k, cap - k, "%s%s", s, j < n ? "," : "\n");
            flint_free(s);
        }
    }
    snprintf(name, sizeof(name), "%s.csv", tag);
    write_file(dp, sizeof(dp), name, csv);
    flint_free(csv);
    snprintf(spec, size, "net:%s,%s", np, dp);
}

/* The network with parameters theta in the documented order: layer by
   layer, neuron by neuron, its weights then its bias (none for the last
   layer without an output bias). */
static void net_set_params(cpwl_net_t net, const fmpq *theta)
{
    slong l, j, m, p = 0;
    for (l = 0; l < net->nlayers; l++)
    {
        cpwl_net_layer_struct *L = net->layers + l;
        int hb = l + 1 < net->nlayers || net->output_bias;
        for (j = 0; j < L->out; j++)
        {
            for (m = 0; m < L->in; m++)
                fmpq_set(fmpq_mat_entry(L->W, j, m), theta + p++);
            if (hb)
                fmpq_set(L->b + j, theta + p++);
        }
    }
    cpwl_net_prepare(net);
}

/* sum_i (N(x_i) - y_i)^2 with the library's exact evaluation. */
static void net_loss_ref(fmpq_t f, const cpwl_net_t net, const fmpq *X,
                         const fmpq *y, slong D)
{
    fmpq_t o, r;
    slong i;
    fmpq_init(o);
    fmpq_init(r);
    fmpq_zero(f);
    for (i = 0; i < D; i++)
    {
        cpwl_net_eval_fmpq(o, net, X + i * net->input_dim);
        fmpq_sub(r, o, y + i);
        fmpq_addmul(f, r, r);
    }
    fmpq_clear(o);
    fmpq_clear(r);
}

/* Signs of every pre-activation at every data point, exactly. */
static void net_signs(signed char *s, const cpwl_net_t net, const fmpq *X,
                      slong D)
{
    fmpq **z = cpwl_net_preacts_init(net);
    slong i, l, j, k = 0;
    for (i = 0; i < D; i++)
    {
        cpwl_net_preacts_fmpq(z, net, X + i * net->input_dim);
        for (l = 0; l < net->nlayers; l++)
            for (j = 0; j < net->layers[l].out; j++)
                s[k++] = (signed char) fmpq_sgn(z[l] + j);
    }
    cpwl_net_preacts_clear(z, net);
}

static void random_data(fmpq *X, fmpq *y, slong D, slong n, test_rng *r)
{
    slong i;
    for (i = 0; i < D * n; i++)
        test_fmpq(X + i, r, TEST_FRACTIONS);
    for (i = 0; i < D; i++)
        test_fmpq(y + i, r, TEST_FRACTIONS);
}

START_TEST(test_net_exact)
{
    uint64_t seed = test_seed(0x7e7);
    test_rng r = {seed};
    slong it, iters = test_iters(12), checked = 0;
    char spec[700];
    tmp_setup();
    for (it = 0; it < iters; it++)
    {
        cpwl_net_t net, net2;
        cpwl_objective_t O;
        slong n = test_range(&r, 1, 3), D = test_range(&r, 1, 6);
        slong depth = test_range(&r, 1, 3), dim, i, k, deg, ns;
        fmpq *X = _fmpq_vec_init(D * n), *y = _fmpq_vec_init(D);
        fmpq *theta, *dir, *th2;
        fmpq_t f, fr, s, a, b;
        fmpq *g;
        signed char *sg0, *sg1;
        int same;
        ulong before;

        cpwl_net_init(net, n);
        cpwl_net_init(net2, n);
        test_rich_net(net, &r, n, depth, 3);
        net->output_bias = (it % 3 != 0);
        if (!net->output_bias)
            fmpq_zero(net->layers[depth - 1].b);
        random_data(X, y, D, n, &r);
        net_files(spec, sizeof(spec), net, X, y, D, "e");
        obj_init(O, spec, -1);
        dim = O->dim;
        ck_assert_int_eq(O->nterms, D);
        /* every weight and bias, no slopes */
        for (i = 0, k = 0; i < depth; i++)
            k += net->layers[i].act == CPWL_NET_LEAKY_RELU;
        ck_assert_int_eq(dim, cpwl_net_num_params(net) - k);
        theta = _fmpq_vec_init(dim);
        th2 = _fmpq_vec_init(dim);
        dir = _fmpq_vec_init(dim);
        g = _fmpq_vec_init(dim);
        fmpq_init(f);
        fmpq_init(fr);
        fmpq_init(s);
        fmpq_init(a);
        fmpq_init(b);

        /* the default x1 is the net's weights: the value at x1 is the
           net's loss */
        net_loss_ref(fr, net, X, y, D);
        before = O->pred->by_exact;
        eval_exact(f, NULL, O->x1, 1, O);
        ck_assert(fmpq_equal(f, fr));
        ns = cpwl_net_num_states(net);
        ck_assert_int_eq(O->pred->by_exact - before, (ulong) (D * ns));

        /* at random parameters, against the net rebuilt from them */
        for (i = 0; i < dim; i++)
            test_fmpq(theta + i, &r, TEST_FRACTIONS);
        {
            char *t = cpwl_io_net_write_str(net);
            cpwl_err_t e;
            cpwl_err_init(e);
            ck_assert_int_eq(cpwl_io_net_read_str(net2, t, strlen(t), "x", e),
                             CPWL_OK);
            flint_free(t);
        }
        net_set_params(net2, theta);
        net_loss_ref(fr, net2, X, y, D);
        eval_exact(f, g, theta, 1, O);
        if (!fmpq_equal(f, fr))
            ck_abort_msg("seed %llu: net value", (unsigned long long) seed);

        /* the gradient: f(theta + h dir) is a polynomial of degree
           2 depth in h while the pattern stays */
        ns = D * (cpwl_net_size(net) + 1);
        sg0 = flint_malloc(ns);
        sg1 = flint_malloc(ns);
        for (i = 0; i < dim; i++)
            test_fmpq(dir + i, &r, TEST_FRACTIONS);
        net_signs(sg0, net2, X, D);
        deg = 2 * depth;
        fmpq_set_si(s, 1, 64);
        /* a hidden pre-activation at exactly 0 has no pattern to keep */
        same = 1;
        for (i = 0; i < ns; i++)
            if (sg0[i] == 0 && i % (cpwl_net_size(net) + 1) != cpwl_net_size(net))
                same = 0;
        while (same)
        {
            int kept = 1;
            for (k = 1; k <= deg && kept; k++)
            {
                for (i = 0; i < dim; i++)
                {
                    fmpq_mul_si(a, s, k);
                    fmpq_mul(a, a, dir + i);
                    fmpq_add(th2 + i, theta + i, a);
                }
                net_set_params(net2, th2);
                net_signs(sg1, net2, X, D);
                for (i = 0; i < ns; i++)
                    if (sg1[i] != sg0[i]
                        && i % (cpwl_net_size(net) + 1) != cpwl_net_size(net))
                        kept = 0;
            }
            if (kept)
                break;
            fmpq_div_2exp(s, s, 4);
        }
        if (same)
        {
            dot_q(a, g, dir, dim);
            deriv_interp(b, O, theta, dir, deg, s);
            if (!fmpq_equal(a, b))
                ck_abort_msg("seed %llu: net gradient against the "
                             "interpolated derivative",
                             (unsigned long long) seed);
            checked++;
        }

        /* a subset of terms, with a repetition: the sum of those terms */
        if (D >= 2)
        {
            cpwl_arith_t A;
            cpwl_err_t e;
            cpwl_val_ptr xv, gv;
            cpwl_val_t fv;
            slong terms[3] = {1, 0, 1};
            fmpq_t t1, t0;
            fmpq_init(t1);
            fmpq_init(t0);
            cpwl_err_init(e);
            cpwl_arith_init_exact(A);
            xv = cpwl_val_vec_init(dim, A);
            gv = cpwl_val_vec_init(dim, A);
            cpwl_val_init(fv, A);
            for (i = 0; i < dim; i++)
                cpwl_val_set_fmpq(xv + i, theta + i, A);
            ck_assert_int_eq(cpwl_objective_eval(fv, gv, xv, terms, 3, 1, O,
                                                 A, e), 0);
            ck_assert(cpwl_val_get_fmpq(f, fv, A));
            net_set_params(net2, theta);
            net_loss_ref(t0, net2, X, y, 1);
            net_loss_ref(t1, net2, X + n, y + 1, 1);
            fmpq_mul_si(t1, t1, 2);
            fmpq_add(t1, t1, t0);
            ck_assert(fmpq_equal(f, t1));
            /* no terms: 0 */
            ck_assert_int_eq(cpwl_objective_eval(fv, gv, xv, terms, 0, 1, O,
                                                 A, e), 0);
            ck_assert(cpwl_val_get_fmpq(f, fv, A) && fmpq_is_zero(f));
            /* a term out of range is a programming error */
            terms[0] = D;
            ck_assert_int_eq(cpwl_objective_eval(fv, gv, xv, terms, 1, 1, O,
                                                 A, e), 1);
            ck_assert_int_eq(e->status, CPWL_ERR_INTERNAL);
            cpwl_val_clear(fv, A);
            cpwl_val_vec_clear(xv, dim, A);
            cpwl_val_vec_clear(gv, dim, A);
            cpwl_arith_clear(A);
            fmpq_clear(t0);
            fmpq_clear(t1);
        }

        flint_free(sg0);
        flint_free(sg1);
        cpwl_objective_clear(O);
        cpwl_net_clear(net);
        cpwl_net_clear(net2);
        _fmpq_vec_clear(X, D * n);
        _fmpq_vec_clear(y, D);
        _fmpq_vec_clear(theta, dim);
        _fmpq_vec_clear(th2, dim);
        _fmpq_vec_clear(dir, dim);
        _fmpq_vec_clear(g, dim);
        fmpq_clear(f);
        fmpq_clear(fr);
        fmpq_clear(s);
        fmpq_clear(a);
        fmpq_clear(b);
    }
    /* most random points are off every boundary */
    ck_assert_int_ge(checked, iters / 2);
    tmp_teardown();
}
END_TEST

/* N(x) = v relu(w x + c) + d on the point (1, 0) with w = 1, c = -1:
   the pre-activation is exactly 0.  relu'(0) = 0 gives a zero gradient
   through the unit; relu'(0) = 1 gives d/dw = 2 r v x, d/dc = 2 r v with
   r = N(1) - 0 = d. */
START_TEST(test_net_relu_d0)
{
    char net[256], data[256], spec[600];
    cpwl_objective_t O;
    fmpq *g = _fmpq_vec_init(4), *x = _fmpq_vec_init(4);
    fmpq_t f;
    cpwl_arith_t A;
    cpwl_err_t e;
    arb_t fb;
    arb_ptr gb = _arb_vec_init(4);
    fmpq_init(f);
    arb_init(fb);
    tmp_setup();
    write_file(net, sizeof(net), "z.json",
               "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 1,"
               " \"layers\": [{\"activation\": \"relu\", \"weights\": "
               "[[1]], \"bias\": [-1]}, {\"activation\": \"identity\", "
               "\"weights\": [[3]], \"bias\": [5]}]}\n");
    write_file(data, sizeof(data), "z.csv", "x,y\n1,0\n");
    snprintf(spec, sizeof(spec), "net:%s,%s", net, data);
    obj_init(O, spec, 4);
    assert_q(O->x1 + 0, "1");
    assert_q(O->x1 + 1, "-1");
    assert_q(O->x1 + 2, "3");
    assert_q(O->x1 + 3, "5");
    eval_exact(f, g, O->x1, 1, O);
    assert_q(f, "25");
    assert_q(g + 0, "0");
    assert_q(g + 1, "0");
    assert_q(g + 2, "0");       /* d/dv = 2 r relu(0) */
    assert_q(g + 3, "10");      /* d/dd = 2 r */
    O->relu_d0 = 1;
    eval_exact(f, g, O->x1, 1, O);
    assert_q(g + 0, "30");      /* 2 r v x */
    assert_q(g + 1, "30");
    assert_q(g + 2, "0");
    assert_q(g + 3, "10");

    /* Arb: the exact point 0 is decided (and counted), ... */
    cpwl_err_init(e);
    cpwl_arith_init_arb(A, 128);
    ck_assert_int_eq(eval_arb(fb, gb, O->x1, 1, O, A, e), 0);
    ck_assert(arb_contains_si(gb + 0, 30));
    ck_assert_int_eq(O->pred->by_arb, 1);
    /* ... a ball around 0 is not: w = 1/3 on x = 3 */
    cpwl_objective_clear(O);
    write_file(data, sizeof(data), "z.csv", "3,0\n");
    obj_init(O, spec, 4);
    fmpq_set_si(x + 0, 1, 3);
    fmpq_set_si(x + 1, -1, 1);
    fmpq_set_si(x + 2, 3, 1);
    fmpq_set_si(x + 3, 5, 1);
    ck_assert_int_eq(eval_arb(fb, gb, x, 1, O, A, e), 2);
    ck_assert_str_eq(e->msg, "objective net: the enclosure cannot decide "
                     "the sign of layer 1, neuron 1 at data point 1 (its "
                     "ball contains 0 at 128 bits)");
    /* exactly it is 0, decided by the exact stage of the predicate layer */
    eval_exact(f, g, x, 1, O);
    assert_q(f, "25");
    ck_assert_int_eq(O->pred->by_exact, 1);
    cpwl_objective_clear(O);

    /* leaky_relu with slope 1/2 at z = 0: the left derivative (the
       slope) by default, 1 with relu'(0) = 1; d/dw = 2 r v d x */
    write_file(net, sizeof(net), "z.json",
               "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 1,"
               " \"layers\": [{\"activation\": \"leaky_relu\", \"slope\": "
               "\"1/2\", \"weights\": [[1]], \"bias\": [-1]}, {\"activation\":"
               " \"identity\", \"weights\": [[3]], \"bias\": [5]}]}\n");
    write_file(data, sizeof(data), "z.csv", "1,0\n");
    obj_init(O, spec, 4);
    eval_exact(f, g, O->x1, 1, O);
    assert_q(f, "25");
    assert_q(g + 0, "15");
    assert_q(g + 1, "15");
    O->relu_d0 = 1;
    eval_exact(f, g, O->x1, 1, O);
    assert_q(g + 0, "30");
    assert_q(g + 1, "30");
    cpwl_arith_clear(A);
    cpwl_objective_clear(O);
    tmp_teardown();
    _fmpq_vec_clear(g, 4);
    _fmpq_vec_clear(x, 4);
    fmpq_clear(f);
    arb_clear(fb);
    _arb_vec_clear(gb, 4);
}
END_TEST

START_TEST(test_net_arb)
{
    uint64_t seed = test_seed(0xa7be7);
    test_rng r = {seed};
    slong it, iters = test_iters(10);
    char spec[700];
    tmp_setup();
    for (it = 0; it < iters; it++)
    {
        cpwl_objective_t O;
        {
            cpwl_net_t net;
            slong nin = test_range(&r, 1, 3), D = test_range(&r, 1, 5);
            fmpq *X = _fmpq_vec_init(D * nin), *y = _fmpq_vec_init(D);
            cpwl_net_init(net, nin);
            test_rich_net(net, &r, nin, test_range(&r, 1, 3), 3);
            random_data(X, y, D, nin, &r);
            net_files(spec, sizeof(spec), net, X, y, D, "a");
            obj_init(O, spec, -1);
            {
                signed char *sg = flint_malloc(D * (cpwl_net_size(net) + 1));
                slong k, z = 0;
                net_signs(sg, net, X, D);
                for (k = 0; k < D * (cpwl_net_size(net) + 1); k++)
                    z += sg[k] == 0;
                flint_free(sg);
                if (z == 0)     /* a ball cannot decide an exact 0 */
                    check_arb_contains(O, O->x1, seed + it);
            }
            cpwl_objective_clear(O);
            cpwl_net_clear(net);
            _fmpq_vec_clear(X, D * nin);
            _fmpq_vec_clear(y, D);
        }
    }
    tmp_teardown();
}
END_TEST

/* An ONNX model goes through the same set-up: examples/mlp.onnx
   (2-8-8-1), its value at its own weights against the library's exact
   evaluation of the lowered network. */
START_TEST(test_net_onnx)
{
    const char *src = getenv("CPWL_SRCDIR");
    char path[512], spec[1200];
    cpwl_net_t net;
    cpwl_objective_t O;
    cpwl_onnx_opts_struct o;
    cpwl_err_t e;
    fmpq *X = _fmpq_vec_init(2 * 5), *y = _fmpq_vec_init(5);
    fmpq_t f, fr;
    uint64_t seed = test_seed(0x0aa);
    test_rng r = {seed};
    fmpq_init(f);
    fmpq_init(fr);
    cpwl_err_init(e);
    tmp_setup();
    snprintf(path, sizeof(path), "%s/examples/mlp.onnx",
             src != NULL ? src : ".");
    cpwl_net_init(net, 2);
    cpwl_onnx_opts_init(&o);
    if (cpwl_onnx_net_read_file(net, path, &o, e) != CPWL_OK)
        ck_abort_msg("%s", e->msg);
    random_data(X, y, 5, 2, &r);
    net_files(spec, sizeof(spec), net, X, y, 5, "o");
    /* the same data, the model itself */
    snprintf(spec, sizeof(spec), "net:%s,%s/o.csv", path, tmpdir);
    obj_init(O, spec, -1);
    ck_assert_int_eq(O->dim, cpwl_net_num_params(net));
    ck_assert_int_eq(O->dim, 105);
    eval_exact(f, NULL, O->x1, 1, O);
    net_loss_ref(fr, net, X, y, 5);
    ck_assert(fmpq_equal(f, fr));
    cpwl_objective_clear(O);
    cpwl_net_clear(net);
    tmp_teardown();
    _fmpq_vec_clear(X, 10);
    _fmpq_vec_clear(y, 5);
    fmpq_clear(f);
    fmpq_clear(fr);
}
END_TEST

#define MAXL 3
#define MAXW 4

/* A net with float weights (k / 2^s) and leaky slope 1/4 or -3/8, in
   cpwl_net_t form and as float arrays: W[l][j][m], B[l][j]. */
typedef struct
{
    slong nl, in[MAXL], out[MAXL];
    int act[MAXL];
    float W[MAXL][MAXW][MAXW], B[MAXL][MAXW], slope[MAXL];
}
fnet;

/* The test's float forward and backward passes, in the order of
   docs/objectives.md, for the summed loss over D points. */
static void fnet_loss(float *f, float *g, const fnet *N, const float *X,
                      const float *Y, slong D, slong n, int output_bias)
{
    slong i, l, j, m, p, dim = 0;
    float a[MAXL][MAXW], dl[MAXW], dl2[MAXW], col[MAXW];
    int d[MAXL][MAXW];
    float gt[256], fsum = 0.0f;
    slong off[MAXL];
    for (l = 0; l < N->nl; l++)
    {
        off[l] = dim;
        dim += N->out[l] * (N->in[l] + (l + 1 < N->nl || output_bias));
    }
    for (i = 0; i < D; i++)
    {
        const float *in = X + i * n;
        float r, fi, two_r;
        for (l = 0; l < N->nl; l++)
        {
            int hb = l + 1 < N->nl || output_bias;
            for (j = 0; j < N->out[l]; j++)
            {
                float zz = dot_f(N->W[l][j], in, N->in[l]);
                if (hb)
                    zz = zz + N->B[l][j];
                if (N->act[l] == CPWL_NET_IDENTITY || zz > 0)
                {
                    a[l][j] = zz;
                    d[l][j] = 1;
                }
                else if (N->act[l] == CPWL_NET_RELU)
                {
                    a[l][j] = 0.0f;
                    d[l][j] = 0;
                }
                else
                {
                    a[l][j] = N->slope[l] * zz;
                    d[l][j] = 2;
                }
            }
            in = a[l];
        }
        r = a[N->nl - 1][0] - Y[i];
        fi = r * r;
        fsum = i == 0 ? fi : fsum + fi;
        two_r = 2.0f * r;
        l = N->nl - 1;
        dl[0] = d[l][0] == 1 ? two_r : d[l][0] == 0 ? 0.0f
            : N->slope[l] * two_r;
        for (l = N->nl - 1; l >= 0; l--)
        {
            int hb = l + 1 < N->nl || output_bias;
            const float *inl = l == 0 ? X + i * n : a[l - 1];
            for (j = 0; j < N->out[l]; j++)
            {
                p = off[l] + j * (N->in[l] + hb);
                for (m = 0; m < N->in[l]; m++)
                    gt[p + m] = dl[j] * inl[m];
                if (hb)
                    gt[p + N->in[l]] = dl[j];
            }
            if (l == 0)
                break;
            for (m = 0; m < N->in[l]; m++)
            {
                float s;
                for (j = 0; j < N->out[l]; j++)
                    col[j] = N->W[l][j][m];
                s = dot_f(col, dl, N->out[l]);
                dl2[m] = d[l - 1][m] == 1 ? s : d[l - 1][m] == 0 ? 0.0f
                    : N->slope[l - 1] * s;
            }
            for (m = 0; m < N->in[l]; m++)
                dl[m] = dl2[m];
        }
        for (m = 0; m < dim; m++)
            g[m] = i == 0 ? gt[m] : g[m] + gt[m];
    }
    *f = fsum;
}

START_TEST(test_binary32_net)
{
    uint64_t seed = test_seed(0xb32e7);
    test_rng r = {seed};
    slong it, iters = test_iters(25);
    char spec[700];
    tmp_setup();
    for (it = 0; it < iters; it++)
    {
        fnet N;
        cpwl_net_t net;
        cpwl_objective_t O;
        slong n = test_range(&r, 1, 3), D = test_range(&r, 1, 8);
        slong l, j, m, i, dim, p;
        float Xf[8 * 3], Yf[8], fw, gw[256], th[256];
        double ff, gg[256];
        fmpq *X = _fmpq_vec_init(D * n), *y = _fmpq_vec_init(D);
        int ob = it % 4 != 0;
        N.nl = test_range(&r, 1, MAXL);
        cpwl_net_init(net, n);
        for (l = 0; l < N.nl; l++)
        {
            cpwl_net_layer_struct *L;
            int last = l + 1 == N.nl;
            N.in[l] = l == 0 ? n : N.out[l - 1];
            N.out[l] = last ? 1 : test_range(&r, 1, MAXW);
            N.act[l] = last ? CPWL_NET_IDENTITY : test_range(&r, 0, 2) == 0
                ? CPWL_NET_LEAKY_RELU : CPWL_NET_RELU;
            N.slope[l] = test_range(&r, 0, 1) ? 0.25f : -0.375f;
            L = cpwl_net_add_layer(net, N.act[l], N.out[l]);
            if (N.act[l] == CPWL_NET_LEAKY_RELU)
                q_of_f(L->slope, N.slope[l]);
            for (j = 0; j < N.out[l]; j++)
            {
                for (m = 0; m < N.in[l]; m++)
                {
                    N.W[l][j][m] = rfloat(&r);
                    q_of_f(fmpq_mat_entry(L->W, j, m), N.W[l][j][m]);
                }
                N.B[l][j] = last && !ob ? 0.0f : rfloat(&r);
                q_of_f(L->b + j, N.B[l][j]);
            }
        }
        net->output_bias = ob;
        cpwl_net_prepare(net);
        for (i = 0; i < D * n; i++)
        {
            Xf[i] = rfloat(&r);
            q_of_f(X + i, Xf[i]);
        }
        for (i = 0; i < D; i++)
        {
            Yf[i] = rfloat(&r);
            q_of_f(y + i, Yf[i]);
        }
        net_files(spec, sizeof(spec), net, X, y, D, "b");
        obj_init(O, spec, -1);
        dim = O->dim;
        ck_assert_int_le(dim, 256);
        /* the parameters: the net's own, as floats */
        for (p = 0; p < dim; p++)
            th[p] = (float) fmpq_get_d(O->x1 + p);
        {
            ulong before = cpwl_pred_ctx_total(O->pred);
            eval_b32(&ff, gg, th, O);
            /* float branches are not questions about exact values */
            ck_assert_int_eq(cpwl_pred_ctx_total(O->pred), before);
        }
        fnet_loss(&fw, gw, &N, Xf, Yf, D, n, ob);
        expect_bits("net value", ff, fw, seed);
        for (p = 0; p < dim; p++)
            expect_bits("net gradient", gg[p], gw[p], seed);
        cpwl_objective_clear(O);
        cpwl_net_clear(net);
        _fmpq_vec_clear(X, D * n);
        _fmpq_vec_clear(y, D);
    }
    tmp_teardown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("objective_net");
    TCase *tc = tcase_create("objective_net");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_net_exact);
    tcase_add_test(tc, test_net_relu_d0);
    tcase_add_test(tc, test_net_arb);
    tcase_add_test(tc, test_net_onnx);
    tcase_add_test(tc, test_binary32_net);
    suite_add_tcase(s, tc);
    return test_run(s);
}
