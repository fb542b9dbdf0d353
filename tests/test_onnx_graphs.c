/* ONNX import of graphs of several ops compared EXACTLY with the
   interpreter tests/onnx_ref.c: residual Add and Concat of branches, a
   small CNN, weights given at import time, random op sequences; an MLP
   lowers to the layers of the same net written in JSON and a MaxPool to
   a net equivalent (cpwl_equiv_decide) to a hand-written relu max gadget;
   refused models name the node and op. */
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "onnx_check.h"

/* ---- graphs of several ops ------------------------------------------- */

/* x + relu(W x + b), optionally through a second hidden layer. */
static void model_residual(onb_t B, test_rng *r, int type, int enc)
{
    slong x[2] = { 1, 4 }, w[2] = { 4, 4 }, b[1] = { 4 };
    Onnx__NodeProto *n;
    int deep = (int) test_range(r, 0, 1);
    onb_init(B, 13);
    onb_input(B, "x", 2, x);
    onb_rand_init(B, r, "W1", type, enc, 2, w, 0);
    onb_const_init(B, r, "b1", type, enc, 1, b, 0);
    n = onb_node(B, "Gemm", "gemm1", "x,W1,b1", "z");
    onb_attr_i(B, n, "transB", 1);
    onb_node(B, "Relu", "relu1", "z", "h");
    if (deep)
    {
        onb_rand_init(B, r, "W2", type, enc, 2, w, 0);
        n = onb_node(B, "Gemm", "gemm2", "h,W2", "z2");
        onb_node(B, "Relu", "relu2", "z2", "h2");
    }
    onb_node(B, "Add", "res1", deep ? "h2,x" : "x,h", "y");
    onb_output(B, "y", 2, x);
    onb_output(B, "z", 2, x);
}

/* Concat(relu(W1 x + b1), W2 x) along the features. */
static void model_branches(onb_t B, test_rng *r, int type, int enc)
{
    slong x[2] = { 1, 3 }, w1[2] = { 3, 2 }, w2[2] = { 3, 3 }, b[1] = { 2 };
    Onnx__NodeProto *n;
    onb_init(B, 13);
    onb_input(B, "x", 2, x);
    onb_rand_init(B, r, "W1", type, enc, 2, w1, 0);
    onb_rand_init(B, r, "W2", type, enc, 2, w2, 0);
    onb_const_init(B, r, "b1", type, enc, 1, b, 0);
    onb_node(B, "Gemm", "gemm1", "x,W1,b1", "z");
    onb_node(B, "Relu", "relu1", "z", "h1");
    onb_node(B, "MatMul", "mm2", "x,W2", "h2");
    n = onb_node(B, "Concat", "cat1", test_range(r, 0, 1) ? "h1,h2" : "h2,h1",
                 "y");
    onb_attr_i(B, n, "axis", test_range(r, 0, 1) ? 1 : -1);
    onb_output(B, "y", 0, NULL);
    onb_output(B, "z", 0, NULL);
}

/* Conv-Relu-MaxPool-Flatten-Gemm, a small CNN. */
static void model_cnn(onb_t B, test_rng *r, int type, int enc)
{
    slong x[4] = { 1, 1, 6, 6 }, w[4] = { 2, 1, 3, 3 }, b[1] = { 2 };
    slong g[2] = { 3, 8 }, gb[1] = { 3 };
    static const int64_t k2[2] = { 2, 2 };
    Onnx__NodeProto *n;
    onb_init(B, 13);
    onb_input(B, "x", 4, x);
    onb_rand_init(B, r, "Wc", type, enc, 4, w, 0);
    onb_const_init(B, r, "Bc", type, enc, 1, b, 0);
    onb_rand_init(B, r, "Wg", type, enc, 2, g, 0);
    onb_const_init(B, r, "Bg", type, enc, 1, gb, 0);
    onb_node(B, "Conv", "conv1", "x,Wc,Bc", "z");
    onb_node(B, "Relu", "relu1", "z", "h");
    n = onb_node(B, "MaxPool", "pool1", "h", "p");
    onb_attr_ints(B, n, "kernel_shape", 2, k2);
    onb_attr_ints(B, n, "strides", 2, k2);
    onb_node(B, "Flatten", "flat1", "p", "f");
    n = onb_node(B, "Gemm", "fc1", "f,Wg,Bg", "y");
    onb_attr_i(B, n, "transB", 1);
    onb_output(B, "y", 0, NULL);
    onb_output(B, "z", 0, NULL);
}

START_TEST(test_lower_residual)
{
    ock_run_models(model_residual, "residual", 16, 0, test_seed(0x6e21));
}
END_TEST

START_TEST(test_lower_branches)
{
    ock_run_models(model_branches, "Concat of branches", 8, 0,
                   test_seed(0x6e22));
}
END_TEST

START_TEST(test_lower_cnn)
{
    ock_run_models(model_cnn, "Conv-Relu-MaxPool-Flatten-Gemm", 4, 0,
                   test_seed(0x6e23));
}
END_TEST

/* The weights of a MatMul given at import time (opts->nconst) as a
   serialised TensorProto, not as an initialiser. */
START_TEST(test_lower_const_input)
{
    test_rng r;
    slong it, x[2] = { 1, 3 }, w[2] = { 3, 2 };
    r.s = test_seed(0x6e24);
    for (it = 0; it < test_iters(8); it++)
    {
        onb_t B;
        int type = onb_types[it % 4], enc = (int) ((it / 4) % 2);
        double *v = onb_rand_vals(&r, type, 6, 1);
        Onnx__TensorProto *tp;
        uint8_t *tb;
        size_t tl;
        const void *ct[1];
        size_t cl[1];
        oref_tensor_t W;
        cpwl_onnx_opts_struct o;
        char msg[300];
        onb_init(B, 13);
        onb_input(B, "x", 2, x);
        onb_input(B, "W", 2, w);
        onb_node(B, "MatMul", "mm1", "x,W", "z");
        onb_node(B, "Relu", "relu1", "z", "y");
        onb_output(B, "y", 0, NULL);
        onb_output(B, "z", 0, NULL);
        tp = onb_tensor(B, "W", type, enc, 2, w, v);
        tl = onnx__tensor_proto__get_packed_size(tp);
        tb = malloc(tl);
        onnx__tensor_proto__pack(tp, tb);
        oref_tensor_init(W);
        ck_assert_msg(oref_tensor_decode(W, tp, msg, sizeof msg), "%s", msg);
        ct[0] = tb;
        cl[0] = tl;
        cpwl_onnx_opts_init(&o);
        o.nconst = 1;
        o.const_tensors = ct;
        o.const_lens = cl;
        ock_model_opts(B, &r, 3, &o, W, 1, "MatMul with a constant input",
                       NULL);
        oref_tensor_clear(W);
        free(tb);
        free(v);
        onb_clear(B);
    }
}
END_TEST

/* ---- against hand-written nets, decided by equiv ---------------------- */

static void net_json(cpwl_net_t net, slong n, const char *layers)
{
    char buf[8192];
    cpwl_err_t e;
    cpwl_err_init(e);
    snprintf(buf, sizeof buf, "{\"format\": \"cpwl-net\", \"version\": 1, "
             "\"input_dim\": %ld, \"layers\": [%s]}", (long) n, layers);
    if (cpwl_io_net_read_str(net, buf, strlen(buf), "test", e) != CPWL_OK)
        ck_abort_msg("test net refused: %s\n%s", e->msg, buf);
}

/* Append the JSON of a layer with exact weights w (out x in, row-major)
   and bias b. */
static size_t layer_json(char *buf, size_t size, const char *act,
                         const double *w, const double *b, slong out,
                         slong in)
{
    size_t k = 0;
    slong i, j;
    fmpq_t q;
    fmpq_init(q);
    k += snprintf(buf + k, size - k, "{\"activation\": \"%s\", \"weights\": [",
                  act);
    for (i = 0; i < out; i++)
        for (j = 0; j < in; j++)
        {
            char *s;
            test_fmpq_of_d(q, w[i * in + j]);
            s = fmpq_get_str(NULL, 10, q);
            k += snprintf(buf + k, size - k, "%s\"%s\"%s", j ? "" : "[", s,
                          j + 1 < in ? "," : i + 1 < out ? "]," : "]");
            flint_free(s);
        }
    k += snprintf(buf + k, size - k, "], \"bias\": [");
    for (i = 0; i < out; i++)
    {
        char *s;
        test_fmpq_of_d(q, b[i]);
        s = fmpq_get_str(NULL, 10, q);
        k += snprintf(buf + k, size - k, "\"%s\"%s", s,
                      i + 1 < out ? "," : "");
        flint_free(s);
    }
    k += snprintf(buf + k, size - k, "]}");
    fmpq_clear(q);
    return k;
}

static int decide_equal(const cpwl_net_t a, const cpwl_net_t b, slong n)
{
    cpwl_equiv_t Q;
    cpwl_dom_t D;
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_err_t e;
    char box[256];
    slong j;
    size_t k = 0;
    int eq;
    for (j = 0; j < n; j++)
        k += snprintf(box + k, sizeof box - k, "%s-2:2", j ? "," : "");
    cpwl_dom_init(D);
    test_dom_str(D, n, box, NULL, NULL);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    cpwl_equiv_init(Q);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_equiv_decide(Q, a, b, D, &o, e) == CPWL_OK, "equiv: %s",
                  e->msg);
    ck_assert_int_eq(Q->stopped, CPWL_REGIONS_DONE);
    eq = Q->equal;
    cpwl_equiv_clear(Q);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    return eq;
}

/* The interpreter and a net agree at the points of every kind. */
static void check_ref_vs_net(onb_t B, const cpwl_net_t net, test_rng *r,
                             const char *what)
{
    size_t len;
    uint8_t *buf = onb_pack(B, &len);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
    slong dims[OREF_MAX_DIMS], ndim = ock_input_dims(dims, m);
    slong n = net->input_dim;
    slong k, i;
    fmpq *x = _fmpq_vec_init(n), *y = _fmpq_vec_init(cpwl_net_output_dim(net));
    oref_tensor_t ref;
    oref_tensor_init(ref);
    for (k = 0; k < 30; k++)
    {
        ock_point(x, n, r, (int) (k % 3));
        ock_eval_ref(ref, m, 0, x, dims, ndim, NULL, 0, 0);
        cpwl_net_eval_fmpq(y, net, x);
        ck_assert_int_eq(ref->size, cpwl_net_output_dim(net));
        for (i = 0; i < ref->size; i++)
            ck_assert_msg(fmpq_equal(y + i, ref->v + i), "%s: the interpreter "
                          "and the hand-written net differ", what);
    }
    _fmpq_vec_clear(x, n);
    _fmpq_vec_clear(y, cpwl_net_output_dim(net));
    oref_tensor_clear(ref);
    onnx__model_proto__free_unpacked(m, NULL);
    free(buf);
}

/* An MLP lowers to exactly the layers of the same net written by hand in
   the JSON format: same count, activations and exact weights; equiv
   decides them equal, and unequal after one weight is moved. */
START_TEST(test_lower_mlp_json)
{
    static const slong widths[4] = { 2, 3, 3, 1 };
    test_rng r;
    slong it, l, i;
    r.s = test_seed(0x6e31);
    for (it = 0; it < test_iters(4); it++)
    {
        onb_t B;
        int type = onb_types[it % 4], enc = (int) (it % 2);
        char json[8192], wn[8], bn[8], in[8], zn[8], hn[8];
        size_t k = 0;
        slong x[2] = { 1, 2 };
        cpwl_net_t hand, imp;
        cpwl_onnx_opts_struct o;
        onb_init(B, 13);
        onb_input(B, "x", 2, x);
        snprintf(in, sizeof in, "x");
        for (l = 0; l < 3; l++)
        {
            slong wd[2] = { widths[l + 1], widths[l] };
            slong bd[1] = { widths[l + 1] };
            double *w = onb_rand_vals(&r, type, wd[0] * wd[1], 0);
            double *b = onb_rand_vals(&r, type, bd[0], 0);
            Onnx__NodeProto *n;
            snprintf(wn, sizeof wn, "W%ld", (long) l);
            snprintf(bn, sizeof bn, "b%ld", (long) l);
            snprintf(zn, sizeof zn, l == 2 ? "y" : "z%ld", (long) l);
            onb_initializer(B, wn, type, enc, 2, wd, w);
            onb_initializer(B, bn, type, enc, 1, bd, b);
            {
                char ins[32];
                snprintf(ins, sizeof ins, "%s,%s,%s", in, wn, bn);
                n = onb_node(B, "Gemm", wn, ins, zn);
            }
            onb_attr_i(B, n, "transB", 1);
            if (l < 2)
            {
                snprintf(hn, sizeof hn, "h%ld", (long) l);
                onb_node(B, "Relu", hn, zn, hn);
                snprintf(in, sizeof in, "%s", hn);
            }
            k += layer_json(json + k, sizeof json - k, l < 2 ? "relu"
                            : "identity", w, b, wd[0], wd[1]);
            if (l < 2)
                k += snprintf(json + k, sizeof json - k, ",");
            free(w);
            free(b);
        }
        onb_output(B, "y", 0, NULL);
        cpwl_net_init(hand, 2);
        net_json(hand, 2, json);
        check_ref_vs_net(B, hand, &r, "MLP");
        cpwl_net_init(imp, 2);
        cpwl_onnx_opts_init(&o);
        ock_model_opts(B, &r, 2, &o, NULL, 0, "MLP", imp);
        if (OCK_IMPORTER)
        {
            ck_assert_int_eq(imp->nlayers, 3);
            for (l = 0; l < 3; l++)
            {
                ck_assert_int_eq(imp->layers[l].act, hand->layers[l].act);
                ck_assert(fmpq_mat_equal(imp->layers[l].W,
                                         hand->layers[l].W));
                for (i = 0; i < hand->layers[l].out; i++)
                    ck_assert(fmpq_equal(imp->layers[l].b + i,
                                         hand->layers[l].b + i));
            }
            ck_assert_int_eq(decide_equal(imp, hand, 2), 1);
            /* the output moved by 2^-30: no longer equal */
            fmpq_set_si(fmpq_mat_entry(hand->layers[1].W, 0, 0), 1, 1);
            fmpq_div_2exp(fmpq_mat_entry(hand->layers[1].W, 0, 0),
                          fmpq_mat_entry(hand->layers[1].W, 0, 0), 30);
            fmpq_add(hand->layers[2].b, hand->layers[2].b,
                     fmpq_mat_entry(hand->layers[1].W, 0, 0));
            fmpq_set(fmpq_mat_entry(hand->layers[1].W, 0, 0),
                     fmpq_mat_entry(imp->layers[1].W, 0, 0));
            cpwl_net_prepare(hand);
            ck_assert_int_eq(decide_equal(imp, hand, 2), 0);
        }
        cpwl_net_clear(hand);
        cpwl_net_clear(imp);
        onb_clear(B);
    }
}
END_TEST

/* max(a, b, c, d) as relu layers: max(u, v) = relu(u - v) + relu(v) -
   relu(-v), twice then once. */
#define MAX_GADGET \
    "{\"activation\": \"relu\", \"weights\": [[1,-1,0,0],[0,1,0,0]," \
    "[0,-1,0,0],[0,0,1,-1],[0,0,0,1],[0,0,0,-1]], \"bias\": [0,0,0,0,0,0]}," \
    "{\"activation\": \"relu\", \"weights\": [[1,1,-1,-1,-1,1]," \
    "[0,0,0,1,1,-1],[0,0,0,-1,-1,1]], \"bias\": [0,0,0]}," \
    "{\"activation\": \"identity\", \"weights\": [[1,1,-1]], \"bias\": [0]}"

START_TEST(test_lower_maxpool_gadget)
{
    test_rng r;
    onb_t B;
    slong x[4] = { 1, 1, 2, 2 };
    static const int64_t k2[2] = { 2, 2 };
    Onnx__NodeProto *n;
    cpwl_net_t hand, imp;
    cpwl_onnx_opts_struct o;
    r.s = test_seed(0x6e32);
    onb_init(B, 13);
    onb_input(B, "x", 4, x);
    n = onb_node(B, "MaxPool", "pool1", "x", "y");
    onb_attr_ints(B, n, "kernel_shape", 2, k2);
    onb_output(B, "y", 0, NULL);
    cpwl_net_init(hand, 4);
    net_json(hand, 4, MAX_GADGET);
    check_ref_vs_net(B, hand, &r, "MaxPool 2x2");
    cpwl_net_init(imp, 4);
    cpwl_onnx_opts_init(&o);
    ock_model_opts(B, &r, 4, &o, NULL, 0, "MaxPool 2x2", imp);
    if (OCK_IMPORTER)
        ck_assert_int_eq(decide_equal(imp, hand, 4), 1);
    cpwl_net_clear(hand);
    cpwl_net_clear(imp);
    onb_clear(B);
}
END_TEST

/* ---- refused models ---------------------------------------------------- */

/* Whether s contains t, ignoring ASCII case. */
static int contains_ci(const char *s, const char *t)
{
    size_t n = strlen(t), i;
    for (; *s; s++)
    {
        for (i = 0; i < n && s[i] && tolower((unsigned char) s[i])
             == tolower((unsigned char) t[i]); i++)
            ;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static void expect_refused(onb_t B, size_t cut, int fold, const char *s1,
                           const char *s2)
{
    size_t len;
    uint8_t *buf = onb_pack(B, &len);
    cpwl_onnx_opts_struct o;
    cpwl_net_t net;
    cpwl_err_t e;
    int st;
    cpwl_onnx_opts_init(&o);
    o.fold_batchnorm = fold;
    cpwl_net_init(net, 1);
    cpwl_err_init(e);
    st = cpwl_onnx_net_read_buf(net, buf, cut ? cut : len, "model.onnx", &o, e);
    if (OCK_IMPORTER)
    {
        ck_assert_msg(st == CPWL_ERR_INPUT, "accepted or wrong status %d: %s",
                      st, e->msg);
        ck_assert_msg(e->msg[0] != '\0', "no message");
        ck_assert_msg(s1 == NULL || contains_ci(e->msg, s1),
                      "message does not name %s: %s", s1, e->msg);
        ck_assert_msg(s2 == NULL || contains_ci(e->msg, s2),
                      "message does not name %s: %s", s2, e->msg);
    }
    cpwl_net_clear(net);
    free(buf);
}

static void small_model(onb_t B, slong opset, const char *op,
                        const char *name)
{
    slong x[2] = { 1, 2 }, w[2] = { 2, 2 };
    double v[4] = { 1, -0.5, 0.25, 2 };
    onb_init(B, opset);
    onb_input(B, "x", 2, x);
    onb_initializer(B, "W", ONB_F32, ONB_RAW, 2, w, v);
    onb_node(B, "MatMul", "mm1", "x,W", "z");
    onb_node(B, op, name, "z", "y");
    onb_output(B, "y", 2, x);
}

START_TEST(test_refused)
{
    onb_t B;
    Onnx__NodeProto *n;
    slong x[2] = { 1, 2 }, c[1] = { 2 };
    double one[2] = { 1, 1 };

    small_model(B, 13, "Sigmoid", "sig7");
    expect_refused(B, 0, 0, "sig7", "Sigmoid");
    onb_clear(B);

    small_model(B, 13, "Relu", "relu1");   /* two graph outputs */
    onb_node(B, "Abs", "abs1", "z", "y2");
    onb_output(B, "y2", 2, x);
    expect_refused(B, 0, 0, "output", NULL);
    onb_clear(B);

    small_model(B, 13, "Relu", "relu1");   /* weights in an external file */
    {
        Onnx__TensorProto *t = B->graph.initializer[0];
        Onnx__StringStringEntryProto e0 =
            ONNX__STRING_STRING_ENTRY_PROTO__INIT;
        Onnx__StringStringEntryProto *ent = onb_alloc(B, sizeof *ent);
        *ent = e0;
        ent->key = onb_str(B, "location");
        ent->value = onb_str(B, "weights.bin");
        t->has_raw_data = 0;
        t->has_data_location = 1;
        t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
        t->n_external_data = 1;
        t->external_data = onb_alloc(B, sizeof(void *));
        t->external_data[0] = ent;
    }
    expect_refused(B, 0, 0, "W", "external");
    onb_clear(B);

    onb_init(B, 15);                    /* BatchNormalization, not folded */
    {
        slong xb[4] = { 1, 2, 1, 1 };
        onb_input(B, "x", 4, xb);
        onb_initializer(B, "s", ONB_F32, ONB_RAW, 1, c, one);
        onb_initializer(B, "b", ONB_F32, ONB_RAW, 1, c, one);
        onb_initializer(B, "m", ONB_F32, ONB_RAW, 1, c, one);
        onb_initializer(B, "v", ONB_F32, ONB_RAW, 1, c, one);
        n = onb_node(B, "BatchNormalization", "bn3", "x,s,b,m,v", "y");
        (void) n;
        onb_output(B, "y", 4, xb);
        expect_refused(B, 0, 0, "bn3", "BatchNormalization");
    }
    onb_clear(B);

    small_model(B, 13, "Relu", "relu1");   /* truncated bytes */
    {
        size_t len;
        uint8_t *buf = onb_pack(B, &len);
        free(buf);
        expect_refused(B, len / 2, 0, NULL, NULL);
        expect_refused(B, len - 1, 0, NULL, NULL);
    }
    onb_clear(B);
}
END_TEST

/* An opset the importer does not know: refused with a message, or read
   with the same values as the interpreter's. */
START_TEST(test_opset_range)
{
    static const slong opsets[] = { 1, 99 };
    test_rng r;
    slong i;
    r.s = test_seed(0x6e33);
    for (i = 0; i < 2; i++)
    {
        onb_t B;
        size_t len;
        uint8_t *buf;
        cpwl_onnx_opts_struct o;
        cpwl_net_t net;
        cpwl_err_t e;
        int st;
        small_model(B, opsets[i], "Relu", "relu1");
        buf = onb_pack(B, &len);
        cpwl_onnx_opts_init(&o);
        cpwl_net_init(net, 1);
        cpwl_err_init(e);
        st = cpwl_onnx_net_read_buf(net, buf, len, "model.onnx", &o, e);
        if (OCK_IMPORTER && st != CPWL_OK)
        {
            ck_assert_int_eq(st, CPWL_ERR_INPUT);
            ck_assert_msg(contains_ci(e->msg, "opset"), "%s", e->msg);
        }
        else if (OCK_IMPORTER)
            ock_model(B, &r, 2, 0, "opset");
        cpwl_net_clear(net);
        free(buf);
        onb_clear(B);
    }
}
END_TEST

/* ---- random graphs ------------------------------------------------------ */

/* A random sequence of ops on row vectors: Gemm to a new width,
   Relu/LeakyRelu/Abs, Add or Max with a constant, a residual Add with an
   earlier value of the same width, Clip, Concat with an earlier value;
   a final Gemm to one or two outputs. */
static void model_random(onb_t B, test_rng *r, int type, int enc)
{
    char names[16][8], ins[160];
    slong width[16], nv = 0, step, steps = test_range(r, 3, 7);
    slong x[2] = { 1, 0 };
    Onnx__NodeProto *n;
    onb_init(B, 13);
    x[1] = test_range(r, 2, 3);
    snprintf(names[0], 8, "x");
    width[0] = x[1];
    nv = 1;
    onb_input(B, "x", 2, x);
    for (step = 0; step <= steps; step++)
    {
        slong cur = nv - 1, w = width[cur], k = test_range(r, 0, 7), j;
        char *out = names[nv], pn[8];
        int last = step == steps;
        snprintf(out, 8, "v%ld", (long) nv);
        snprintf(pn, sizeof pn, "p%ld", (long) nv);
        width[nv] = w;
        if (last || k == 0)
        {
            slong wd[2], bd[1];
            wd[0] = last ? test_range(r, 1, 2) : test_range(r, 1, 4);
            wd[1] = w;
            bd[0] = wd[0];
            onb_rand_init(B, r, pn, type, enc, 2, wd, 0);
            snprintf(ins, sizeof ins, "%s,%s", names[cur], pn);
            if (test_range(r, 0, 1))
            {
                char bn[8];
                snprintf(bn, sizeof bn, "q%ld", (long) nv);
                onb_const_init(B, r, bn, type, enc, 1, bd, 0);
                snprintf(ins, sizeof ins, "%s,%s,%s", names[cur], pn, bn);
            }
            n = onb_node(B, "Gemm", pn, ins, last ? "y" : out);
            onb_attr_i(B, n, "transB", 1);
            width[nv] = wd[0];
        }
        else if (k <= 2)
        {
            static const char *acts[3] = { "Relu", "Abs", "LeakyRelu" };
            n = onb_node(B, acts[k == 2 ? 2 : test_range(r, 0, 1)], pn,
                         names[cur], out);
            if (k == 2)
                onb_attr_f(B, n, "alpha", (float) onb_small_f32(r));
        }
        else if (k == 3 || k == 4)
        {
            slong cd[1] = { w };
            onb_const_init(B, r, pn, type, enc, 1, cd, 0);
            snprintf(ins, sizeof ins, "%s,%s", names[cur], pn);
            onb_node(B, k == 3 ? "Add" : "Max", out, ins, out);
        }
        else if (k == 5)
        {
            for (j = 0; j < cur && width[j] != w; j++)
                ;
            snprintf(ins, sizeof ins, "%s,%s", names[cur],
                     names[j < cur ? j : cur]);
            onb_node(B, "Add", out, ins, out);
        }
        else if (k == 6)
        {
            double lo = -0.5, hi = 1;
            char ln[8], hn[8];
            snprintf(ln, sizeof ln, "l%ld", (long) nv);
            snprintf(hn, sizeof hn, "h%ld", (long) nv);
            onb_initializer(B, ln, type, enc, 0, NULL, &lo);
            onb_initializer(B, hn, type, enc, 0, NULL, &hi);
            snprintf(ins, sizeof ins, "%s,%s,%s", names[cur], ln, hn);
            onb_node(B, "Clip", out, ins, out);
        }
        else
        {
            j = test_range(r, 0, cur);
            snprintf(ins, sizeof ins, "%s,%s", names[cur], names[j]);
            n = onb_node(B, "Concat", out, ins, out);
            onb_attr_i(B, n, "axis", 1);
            width[nv] = w + width[j];
        }
        if (last)
            break;
        nv++;
        if (nv == 16 || width[nv - 1] > 12)
            steps = step + 1;
    }
    onb_output(B, "y", 0, NULL);
}

START_TEST(test_lower_random)
{
    ock_run_models(model_random, "random graph", 24, 0, test_seed(0x6e41));
}
END_TEST

static Suite *onnx_graphs_suite(void)
{
    Suite *s = suite_create("onnx_graphs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lower_residual);
    tcase_add_test(tc, test_lower_branches);
    tcase_add_test(tc, test_lower_cnn);
    tcase_add_test(tc, test_lower_const_input);
    tcase_add_test(tc, test_lower_mlp_json);
    tcase_add_test(tc, test_lower_maxpool_gadget);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_opset_range);
    tcase_add_test(tc, test_lower_random);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(onnx_graphs_suite());
}
