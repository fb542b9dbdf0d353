/* ONNX import checked against a second algorithm: every lowering rule of
   the importer (cpwl_onnx_net_read_buf: graph -> relu/identity layers) is
   compared EXACTLY with tests/onnx_ref.c, an interpreter that evaluates
   the graph op by op on rational tensors, at random rational points and
   at points on kinks (zeros of pre-activations, ties of Max and MaxPool),
   one small model per op, weights in every float type and encoding.
   Graphs of several ops are in test_onnx_graphs. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "onnx_check.h"

/* ---- one model per lowering rule ---------------------------------------- */

static void model_gemm(onb_t B, test_rng *r, int type, int enc)
{
    slong x2[2] = { 1, 3 }, xt[2] = { 3, 1 }, w[2], c[2] = { 1, 4 };
    int tb = (int) test_range(r, 0, 1), ta = (int) test_range(r, 0, 1);
    int cv = (int) test_range(r, 0, 3);
    Onnx__NodeProto *n;
    onb_init(B, 13);
    onb_input(B, "x", 2, ta ? xt : x2);
    w[0] = tb ? 4 : 3;
    w[1] = tb ? 3 : 4;
    onb_rand_init(B, r, "W", type, enc, 2, w, 1);
    if (cv == 0)
        onb_const_init(B, r, "C", type, enc, 1, c + 1, 0);
    else if (cv == 1)
        onb_const_init(B, r, "C", type, enc, 2, c, 0);
    else if (cv == 2)
        onb_const_init(B, r, "C", type, enc, 1, c, 0);
    n = onb_node(B, "Gemm", "gemm1", cv == 3 ? "x,W" : "x,W,C", "z");
    onb_attr_i(B, n, "transA", ta);
    onb_attr_i(B, n, "transB", tb);
    if (test_range(r, 0, 1))
    {
        onb_attr_f(B, n, "alpha", (float) onb_small_f32(r));
        onb_attr_f(B, n, "beta", (float) onb_small_f32(r));
    }
    onb_node(B, "Relu", "relu1", "z", "y");
    onb_output(B, "y", 2, c);
    onb_output(B, "z", 2, c);
}

static void model_matmul(onb_t B, test_rng *r, int type, int enc)
{
    slong x2[2] = { 1, 3 }, x1[1] = { 3 }, xc[2] = { 3, 1 }, w[2] = { 3, 4 };
    slong wl[2] = { 4, 3 }, b[1] = { 4 };
    int v = (int) test_range(r, 0, 2);
    onb_init(B, 13);
    if (v == 2)
    {
        onb_input(B, "x", 2, xc);
        onb_rand_init(B, r, "W", type, enc, 2, wl, 0);
        onb_node(B, "MatMul", "mm1", "W,x", "z");
        onb_node(B, "LeakyRelu", "lr1", "z", "y");
    }
    else
    {
        onb_input(B, "x", v == 0 ? 2 : 1, v == 0 ? x2 : x1);
        onb_rand_init(B, r, "W", type, enc, 2, w, 0);
        onb_const_init(B, r, "b", type, enc, 1, b, 0);
        onb_node(B, "MatMul", "mm1", "x,W", "m");
        onb_node(B, "Add", "add1", "m,b", "z");
        onb_node(B, "Relu", "relu1", "z", "y");
    }
    onb_output(B, "y", 0, NULL);
    onb_output(B, "z", 0, NULL);
}

/* Add, Sub, Mul, Div with a broadcast constant, then relu. */
static void model_arith(onb_t B, test_rng *r, int type, int enc)
{
    static const char *ops[] = { "Add", "Sub", "Mul", "Div" };
    static const slong shapes[4][2] = { {3, 0}, {2, 1}, {1, 0}, {2, 3} };
    static const slong ranks[4] = { 1, 2, 1, 2 };
    slong x[2] = { 2, 3 }, s = test_range(r, 0, 3);
    int op = (int) test_range(r, 0, 3), swap = op < 3 && test_range(r, 0, 1);
    char ins[16];
    onb_init(B, 14);
    onb_input(B, "x", 2, x);
    onb_const_init(B, r, "c", type, enc, ranks[s], shapes[s], op == 3);
    snprintf(ins, sizeof ins, "%s", swap ? "c,x" : "x,c");
    onb_node(B, ops[op], "arith1", ins, "z");
    onb_node(B, "Relu", "relu1", "z", "y");
    onb_output(B, "y", 2, x);
    onb_output(B, "z", 2, x);
}

/* Relu, LeakyRelu, Abs, PRelu of x + c. */
static void model_act(onb_t B, test_rng *r, int type, int enc)
{
    slong x[3] = { 1, 2, 3 }, sl[3][2] = { {2, 1}, {3, 0}, {1, 0} };
    slong sr[3] = { 2, 1, 1 }, a = test_range(r, 0, 3), k;
    Onnx__NodeProto *n;
    onb_init(B, 16);
    onb_input(B, "x", 3, x);
    onb_const_init(B, r, "c", type, enc, 1, x + 2, 0);
    onb_node(B, "Add", "add1", "x,c", "z");
    if (a == 0)
        onb_node(B, "Relu", "act1", "z", "y");
    else if (a == 1)
    {
        n = onb_node(B, "LeakyRelu", "act1", "z", "y");
        if (test_range(r, 0, 3) > 0)
            onb_attr_f(B, n, "alpha", (float) onb_rand_in(r, ONB_F32));
    }
    else if (a == 2)
        onb_node(B, "Abs", "act1", "z", "y");
    else
    {
        k = test_range(r, 0, 2);
        onb_rand_init(B, r, "slope", type, enc, sr[k], sl[k], 0);
        onb_node(B, "PRelu", "act1", "z,slope", "y");
    }
    onb_output(B, "y", 3, x);
    onb_output(B, "z", 3, x);
}

/* Clip with bounds as inputs (opset 13: both, min only, max only) or
   attributes (opset 6). */
static void model_clip(onb_t B, test_rng *r, int type, int enc)
{
    slong x[2] = { 2, 2 }, v = test_range(r, 0, 3);
    double lo = (double) test_range(r, -2, 0) / 2, hi = lo + 0.5 * (double)
        test_range(r, 0, 3);
    Onnx__NodeProto *n;
    onb_init(B, v == 3 ? 6 : 13);
    onb_input(B, "x", 2, x);
    if (v < 3)
    {
        onb_initializer(B, "lo", type, enc, 0, NULL, &lo);
        onb_initializer(B, "hi", type, enc, 0, NULL, &hi);
        onb_node(B, "Clip", "clip1", v == 0 ? "x,lo,hi" : v == 1 ? "x,lo"
                 : "x,,hi", "y");
    }
    else
    {
        n = onb_node(B, "Clip", "clip1", "x", "y");
        onb_attr_f(B, n, "min", (float) lo);
        onb_attr_f(B, n, "max", (float) hi);
        onb_initializer(B, "lo", type, enc, 0, NULL, &lo);
        onb_initializer(B, "hi", type, enc, 0, NULL, &hi);
    }
    onb_output(B, "y", 2, x);
    onb_node(B, "Sub", "oracle_kink", test_range(r, 0, 1) && v != 1 ? "x,hi"
             : "x,lo", "k");
    onb_output(B, "k", 2, x);
}

/* Max of x with one or two broadcast constants, or of two branches. */
static void model_max(onb_t B, test_rng *r, int type, int enc)
{
    slong x[2] = { 2, 3 }, c1[1] = { 3 }, c2[2] = { 2, 1 };
    slong v = test_range(r, 0, 2);
    onb_init(B, 13);
    onb_input(B, "x", 2, x);
    onb_const_init(B, r, "c1", type, enc, 1, c1, 0);
    onb_const_init(B, r, "c2", type, enc, 2, c2, 0);
    if (v == 0)
        onb_node(B, "Max", "max1", "x,c1", "y");
    else if (v == 1)
        onb_node(B, "Max", "max1", "c2,x,c1", "y");
    else
    {
        onb_node(B, "Mul", "mul1", "x,c1", "b1");
        onb_node(B, "Relu", "relu1", "x", "b2");
        onb_node(B, "Max", "max1", "b1,b2", "y");
    }
    onb_output(B, "y", 2, x);
    onb_node(B, "Sub", "oracle_kink", v == 2 ? "x,b1" : "x,c1", "k");
    onb_output(B, "k", 0, NULL);
}

static void model_pool(onb_t B, test_rng *r, int type, int enc)
{
    slong x[4] = { 1, 2, 4, 4 }, v = test_range(r, 0, 3);
    int avg = (int) test_range(r, 0, 1);
    static const int64_t k2[2] = { 2, 2 }, k3[2] = { 3, 3 }, s2[2] = { 2, 2 };
    static const int64_t s1[2] = { 1, 1 }, p1[4] = { 1, 1, 1, 1 };
    static const int64_t pa[4] = { 0, 1, 1, 0 }, k12[2] = { 1, 2 };
    static const int64_t pw[4] = { 0, 1, 0, 1 };
    Onnx__NodeProto *n;
    (void) type;
    (void) enc;
    onb_init(B, 13);
    onb_input(B, "x", 4, x);
    n = onb_node(B, avg ? "AveragePool" : "MaxPool", "pool1", "x", "y");
    onb_attr_ints(B, n, "kernel_shape", 2, v == 1 ? k3 : v == 3 ? k12 : k2);
    onb_attr_ints(B, n, "strides", 2, v == 0 ? s2 : s1);
    if (v == 1)
        onb_attr_ints(B, n, "pads", 4, p1);
    if (v == 2 || v == 3)
        onb_attr_ints(B, n, "pads", 4, v == 2 ? pa : pw);
    if (avg && v > 0)
        onb_attr_i(B, n, "count_include_pad", test_range(r, 0, 1));
    onb_output(B, "y", 0, NULL);
}

static void model_conv(onb_t B, test_rng *r, int type, int enc)
{
    slong x[4] = { 1, 2, 4, 4 }, w[4] = { 3, 2, 2, 2 }, b[1] = { 3 };
    slong v = test_range(r, 0, 3);
    static const int64_t s2[2] = { 2, 2 }, p1[4] = { 1, 1, 1, 1 };
    static const int64_t pa[4] = { 0, 1, 1, 0 }, d2[2] = { 2, 2 };
    Onnx__NodeProto *n;
    onb_init(B, 13);
    onb_input(B, "x", 4, x);
    if (v == 3)                 /* two groups of one channel */
    {
        w[0] = 4;
        w[1] = 1;
        b[0] = 4;
    }
    onb_rand_init(B, r, "W", type, enc, 4, w, 0);
    onb_const_init(B, r, "B", type, enc, 1, b, 0);
    n = onb_node(B, "Conv", "conv1", test_range(r, 0, 2) ? "x,W,B" : "x,W",
                 "z");
    if (v == 0)
        onb_attr_ints(B, n, "strides", 2, s2);
    if (v == 1)
        onb_attr_ints(B, n, "pads", 4, p1);
    if (v == 2)
    {
        onb_attr_ints(B, n, "pads", 4, pa);
        onb_attr_ints(B, n, "dilations", 2, d2);
    }
    if (v == 3)
        onb_attr_i(B, n, "group", 2);
    onb_node(B, "Relu", "relu1", "z", "y");
    onb_output(B, "y", 0, NULL);
    onb_output(B, "z", 0, NULL);
}

/* Flatten, Reshape (0 and -1), Identity, Dropout, Concat with a
   constant, then relu: data movement before a nonlinearity. */
static void model_shape(onb_t B, test_rng *r, int type, int enc)
{
    slong x[3] = { 2, 3, 2 }, v = test_range(r, 0, 4), sd[1] = { 2 };
    slong cd[3] = { 2, 3, 2 };
    Onnx__NodeProto *n;
    onb_init(B, 13);
    onb_input(B, "x", 3, x);
    if (v == 0)
    {
        n = onb_node(B, "Flatten", "fl1", "x", "z");
        onb_attr_i(B, n, "axis", test_range(r, -3, 3));
    }
    else if (v == 1)
    {
        static const double shapes[3][2] = { {0, -1}, {-1, 4}, {3, 4} };
        onb_initializer(B, "shape", ONB_I64, (int) test_range(r, 0, 1), 1,
                        sd, shapes[test_range(r, 0, 2)]);
        onb_node(B, "Reshape", "rs1", "x,shape", "z");
    }
    else if (v == 2)
    {
        onb_node(B, "Identity", "id1", "x", "t");
        onb_node(B, "Dropout", "do1", "t", "z");
    }
    else
    {
        slong axis = test_range(r, -3, 2);
        cd[axis < 0 ? axis + 3 : axis] = test_range(r, 1, 2);
        onb_const_init(B, r, "c", type, enc, 3, cd, 0);
        n = onb_node(B, "Concat", "cat1", v == 3 ? "x,c" : "c,x", "z");
        onb_attr_i(B, n, "axis", axis);
    }
    onb_node(B, "Relu", "relu1", "z", "y");
    onb_output(B, "y", 0, NULL);
    onb_output(B, "z", 0, NULL);
}

/* A Constant node (value tensor) as MatMul weights. */
static void model_constant(onb_t B, test_rng *r, int type, int enc)
{
    slong x[2] = { 1, 3 }, w[2] = { 3, 2 };
    double *v = onb_rand_vals(r, type, 6, 1);
    Onnx__NodeProto *n;
    onb_init(B, 13);
    onb_input(B, "x", 2, x);
    n = onb_node(B, "Constant", "const1", "", "W");
    onb_attr_t(B, n, "value", onb_tensor(B, "Wc", type, enc, 2, w, v));
    onb_node(B, "MatMul", "mm1", "x,W", "z");
    onb_node(B, "Relu", "relu1", "z", "y");
    onb_output(B, "y", 0, NULL);
    onb_output(B, "z", 0, NULL);
    free(v);
}

static void model_batchnorm(onb_t B, test_rng *r, int type, int enc)
{
    slong x[4] = { 1, 3, 2, 2 }, c[1] = { 3 }, i;
    double var[3];
    Onnx__NodeProto *n;
    onb_init(B, 15);
    onb_input(B, "x", 4, x);
    onb_rand_init(B, r, "scale", type, enc, 1, c, 0);
    onb_const_init(B, r, "bias", type, enc, 1, c, 0);
    onb_const_init(B, r, "mean", type, enc, 1, c, 0);
    for (i = 0; i < 3; i++)
        var[i] = fabs(onb_rand_in(r, type));
    onb_initializer(B, "var", type, enc, 1, c, var);
    n = onb_node(B, "BatchNormalization", "bn1", "x,scale,bias,mean,var",
                 "z");
    if (test_range(r, 0, 1))
        onb_attr_f(B, n, "epsilon",
                   (float) ldexp(fabs(onb_rand_in(r, ONB_F32)), -10));
    onb_node(B, "Relu", "relu1", "z", "y");
    onb_output(B, "y", 0, NULL);
    onb_output(B, "z", 0, NULL);
}

START_TEST(test_lower_gemm)
{
    ock_run_models(model_gemm, "Gemm-Relu", 16, 0, test_seed(0x6e11));
}
END_TEST

START_TEST(test_lower_matmul)
{
    ock_run_models(model_matmul, "MatMul-Add-Relu", 16, 0, test_seed(0x6e12));
}
END_TEST

START_TEST(test_lower_arith)
{
    ock_run_models(model_arith, "Add/Sub/Mul/Div", 24, 0, test_seed(0x6e13));
}
END_TEST

START_TEST(test_lower_act)
{
    ock_run_models(model_act, "activation", 24, 0, test_seed(0x6e14));
}
END_TEST

START_TEST(test_lower_clip)
{
    ock_run_models(model_clip, "Clip", 16, 0, test_seed(0x6e15));
}
END_TEST

START_TEST(test_lower_max)
{
    ock_run_models(model_max, "Max", 16, 0, test_seed(0x6e16));
}
END_TEST

START_TEST(test_lower_pool)
{
    ock_run_models(model_pool, "pool", 16, 0, test_seed(0x6e17));
}
END_TEST

START_TEST(test_lower_conv)
{
    ock_run_models(model_conv, "Conv-Relu", 8, 0, test_seed(0x6e18));
}
END_TEST

START_TEST(test_lower_shape)
{
    ock_run_models(model_shape, "data movement", 20, 0, test_seed(0x6e19));
}
END_TEST

START_TEST(test_lower_constant)
{
    ock_run_models(model_constant, "Constant-MatMul", 8, 0, test_seed(0x6e1a));
}
END_TEST

START_TEST(test_lower_batchnorm)
{
    ock_run_models(model_batchnorm, "BatchNormalization/32", 8, 32,
                   test_seed(0x6e1b));
    ock_run_models(model_batchnorm, "BatchNormalization/64", 8, 64,
                   test_seed(0x6e1c));
}
END_TEST

static Suite *onnx_lower_suite(void)
{
    Suite *s = suite_create("onnx_lower");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lower_gemm);
    tcase_add_test(tc, test_lower_matmul);
    tcase_add_test(tc, test_lower_arith);
    tcase_add_test(tc, test_lower_act);
    tcase_add_test(tc, test_lower_clip);
    tcase_add_test(tc, test_lower_max);
    tcase_add_test(tc, test_lower_pool);
    tcase_add_test(tc, test_lower_conv);
    tcase_add_test(tc, test_lower_shape);
    tcase_add_test(tc, test_lower_constant);
    tcase_add_test(tc, test_lower_batchnorm);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(onnx_lower_suite());
}
