/* The exact ONNX interpreter of the tests (tests/onnx_ref.c) checked
   on its own: its hand decoding of IEEE bit fields against known
   patterns and the builder's encodings, and its evaluation against the
   ONNX project's node test data (Debian libonnx-testdata): the exact
   results, rounded as the stored float outputs were, must reproduce
   them.  test_onnx_lower then compares the importer with it. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "onnx_check.h"

/* ---- the interpreter on the ONNX node test data ------------------------ */

/* How a stored output relates to the exact value: equal (data movement,
   relu, max, pooling by max, integer sums); the exact value rounded to
   nearest in the output's format (one correctly rounded float32 op per
   entry: Add, Mul, Div, alpha * x); or within a bound (float32 sums). */
enum { CMP_EXACT, CMP_ROUND, CMP_BOUND, CMP_BOUND_BN };

typedef struct
{
    const char *name;
    int cmp;
}
node_case;

static const node_case node_cases[] = {
    {"test_relu", CMP_EXACT}, {"test_abs", CMP_EXACT},
    {"test_identity", CMP_EXACT}, {"test_constant", CMP_EXACT},
    {"test_dropout_default", CMP_EXACT},
    {"test_dropout_default_ratio", CMP_EXACT},
    {"test_max_example", CMP_EXACT}, {"test_max_one_input", CMP_EXACT},
    {"test_max_two_inputs", CMP_EXACT}, {"test_max_float16", CMP_EXACT},
    {"test_max_float32", CMP_EXACT}, {"test_max_float64", CMP_EXACT},
    {"test_max_int32", CMP_EXACT}, {"test_max_int64", CMP_EXACT},
    {"test_max_uint8", CMP_EXACT},
    {"test_clip", CMP_EXACT}, {"test_clip_example", CMP_EXACT},
    {"test_clip_inbounds", CMP_EXACT}, {"test_clip_outbounds", CMP_EXACT},
    {"test_clip_splitbounds", CMP_EXACT},
    {"test_clip_default_min", CMP_EXACT},
    {"test_clip_default_max", CMP_EXACT},
    {"test_clip_default_inbounds", CMP_EXACT},
    {"test_maxpool_1d_default", CMP_EXACT},
    {"test_maxpool_2d_default", CMP_EXACT},
    {"test_maxpool_2d_pads", CMP_EXACT},
    {"test_maxpool_2d_strides", CMP_EXACT},
    {"test_maxpool_2d_ceil", CMP_EXACT},
    {"test_maxpool_2d_dilations", CMP_EXACT},
    {"test_maxpool_2d_precomputed_pads", CMP_EXACT},
    {"test_maxpool_2d_precomputed_strides", CMP_EXACT},
    {"test_maxpool_2d_precomputed_same_upper", CMP_EXACT},
    {"test_maxpool_2d_same_upper", CMP_EXACT},
    {"test_maxpool_2d_same_lower", CMP_EXACT},
    {"test_maxpool_3d_default", CMP_EXACT},
    {"test_concat_1d_axis_0", CMP_EXACT},
    {"test_concat_2d_axis_1", CMP_EXACT},
    {"test_concat_2d_axis_negative_2", CMP_EXACT},
    {"test_concat_3d_axis_2", CMP_EXACT},
    {"test_concat_3d_axis_negative_3", CMP_EXACT},
    {"test_flatten_axis0", CMP_EXACT}, {"test_flatten_axis2", CMP_EXACT},
    {"test_flatten_default_axis", CMP_EXACT},
    {"test_flatten_negative_axis1", CMP_EXACT},
    {"test_reshape_negative_dim", CMP_EXACT},
    {"test_reshape_zero_and_negative_dim", CMP_EXACT},
    {"test_reshape_reordered_all_dims", CMP_EXACT},
    {"test_reshape_extended_dims", CMP_EXACT},
    {"test_basic_conv_with_padding", CMP_EXACT},
    {"test_basic_conv_without_padding", CMP_EXACT},
    {"test_conv_with_strides_padding", CMP_EXACT},
    {"test_conv_with_strides_no_padding", CMP_EXACT},
    {"test_conv_with_strides_and_asymmetric_padding", CMP_EXACT},
    {"test_conv_with_autopad_same", CMP_EXACT},
    {"test_add", CMP_ROUND}, {"test_add_bcast", CMP_ROUND},
    {"test_sub", CMP_ROUND}, {"test_sub_bcast", CMP_ROUND},
    {"test_sub_example", CMP_ROUND},
    {"test_mul", CMP_ROUND}, {"test_mul_bcast", CMP_ROUND},
    {"test_mul_example", CMP_ROUND},
    {"test_div", CMP_ROUND}, {"test_div_bcast", CMP_ROUND},
    {"test_div_example", CMP_ROUND},
    {"test_leakyrelu", CMP_ROUND}, {"test_leakyrelu_default", CMP_ROUND},
    {"test_leakyrelu_example", CMP_ROUND},
    {"test_prelu_example", CMP_ROUND}, {"test_prelu_broadcast", CMP_ROUND},
    {"test_gemm_all_attributes", CMP_BOUND}, {"test_gemm_alpha", CMP_BOUND},
    {"test_gemm_beta", CMP_BOUND},
    {"test_gemm_default_matrix_bias", CMP_BOUND},
    {"test_gemm_default_no_bias", CMP_BOUND},
    {"test_gemm_default_scalar_bias", CMP_BOUND},
    {"test_gemm_default_single_elem_vector_bias", CMP_BOUND},
    {"test_gemm_default_vector_bias", CMP_BOUND},
    {"test_gemm_default_zero_bias", CMP_BOUND},
    {"test_gemm_transposeA", CMP_BOUND}, {"test_gemm_transposeB", CMP_BOUND},
    {"test_matmul_2d", CMP_BOUND}, {"test_matmul_3d", CMP_BOUND},
    {"test_matmul_4d", CMP_BOUND},
    {"test_averagepool_1d_default", CMP_BOUND},
    {"test_averagepool_2d_default", CMP_BOUND},
    {"test_averagepool_2d_pads", CMP_BOUND},
    {"test_averagepool_2d_pads_count_include_pad", CMP_BOUND},
    {"test_averagepool_2d_precomputed_pads", CMP_BOUND},
    {"test_averagepool_2d_precomputed_pads_count_include_pad", CMP_BOUND},
    {"test_averagepool_2d_precomputed_strides", CMP_BOUND},
    {"test_averagepool_2d_strides", CMP_BOUND},
    {"test_averagepool_2d_same_upper", CMP_BOUND},
    {"test_averagepool_3d_default", CMP_BOUND},
    {"test_batchnorm_example", CMP_BOUND_BN},
    {"test_batchnorm_epsilon", CMP_BOUND_BN},
};

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t) n + 1);
    *len = fread(buf, 1, (size_t) n, f);
    fclose(f);
    return buf;
}

static int read_tensor_file(oref_tensor_t t, int *dtype, const char *path)
{
    size_t len;
    uint8_t *buf = read_all(path, &len);
    Onnx__TensorProto *tp;
    char msg[300];
    if (buf == NULL)
        return 0;
    tp = onnx__tensor_proto__unpack(NULL, len, buf);
    ck_assert_msg(tp != NULL, "%s: not a TensorProto", path);
    if (!oref_tensor_decode(t, tp, msg, sizeof msg))
        ck_abort_msg("%s: %s", path, msg);
    *dtype = tp->data_type;
    onnx__tensor_proto__free_unpacked(tp, NULL);
    free(buf);
    return 1;
}

static const char *node_data_dir(void)
{
    const char *d = getenv("CPWL_ONNX_NODE_DATA");
    return d != NULL && *d ? d : "/usr/share/libonnx-testdata/data/node";
}

/* One node model: 1 if it was found and checked. */
static int check_node_case(const node_case *c)
{
    char path[1024], msg[600];
    size_t len;
    uint8_t *buf;
    Onnx__ModelProto *m;
    oref_tensor_struct ins[8], out, abs_out, want;
    slong nin = 0, i, k;
    int dt, ok;
    snprintf(path, sizeof path, "%s/%s/model.onnx", node_data_dir(), c->name);
    if ((buf = read_all(path, &len)) == NULL)
        return 0;
    m = onnx__model_proto__unpack(NULL, len, buf);
    ck_assert_msg(m != NULL, "%s: not a ModelProto", path);
    for (nin = 0; nin < 8; nin++)
    {
        snprintf(path, sizeof path, "%s/%s/test_data_set_0/input_%ld.pb",
                 node_data_dir(), c->name, (long) nin);
        oref_tensor_init(ins + nin);
        if (!read_tensor_file(ins + nin, &dt, path))
        {
            oref_tensor_clear(ins + nin);
            break;
        }
    }
    snprintf(path, sizeof path, "%s/%s/test_data_set_0/output_0.pb",
             node_data_dir(), c->name);
    oref_tensor_init(&want);
    ck_assert_msg(read_tensor_file(&want, &dt, path), "%s missing", path);
    {
        oref_tensor_struct *outs =
            flint_malloc(m->graph->n_output * sizeof *outs);
        for (i = 0; i < (slong) m->graph->n_output; i++)
            oref_tensor_init(outs + i);
        ok = oref_eval(outs, m, ins, nin, 24, msg, sizeof msg);
        ck_assert_msg(ok, "%s: %s", c->name, msg);
        oref_tensor_init(&out);
        oref_tensor_set(&out, outs);
        for (i = 0; i < (slong) m->graph->n_output; i++)
            oref_tensor_clear(outs + i);
        flint_free(outs);
    }
    ck_assert_msg(out.ndim == want.ndim && out.size == want.size,
                  "%s: shape of rank %ld and %ld entries, stored %ld, %ld",
                  c->name, (long) out.ndim, (long) out.size,
                  (long) want.ndim, (long) want.size);
    for (i = 0; i < out.ndim; i++)
        ck_assert_msg(out.dims[i] == want.dims[i], "%s: dim %ld", c->name,
                      (long) i);
    oref_tensor_init(&abs_out);
    if (c->cmp == CMP_BOUND || c->cmp == CMP_BOUND_BN)
    {
        /* S = the same op on |inputs|: the sum of the absolute values of
           the terms of each output (BatchNormalization: |x| + |mean|
           under a positive factor, var kept). */
        oref_tensor_struct *outs =
            flint_malloc(m->graph->n_output * sizeof *outs);
        for (k = 0; k < nin; k++)
            for (i = 0; i < ins[k].size; i++)
            {
                if (c->cmp == CMP_BOUND_BN && k == 4)
                    continue;
                fmpq_abs(ins[k].v + i, ins[k].v + i);
                if (c->cmp == CMP_BOUND_BN && k == 3)
                    fmpq_neg(ins[k].v + i, ins[k].v + i);
            }
        for (i = 0; i < (slong) m->graph->n_output; i++)
            oref_tensor_init(outs + i);
        ck_assert(oref_eval(outs, m, ins, nin, 24, msg, sizeof msg));
        oref_tensor_set(&abs_out, outs);
        for (i = 0; i < (slong) m->graph->n_output; i++)
            oref_tensor_clear(outs + i);
        flint_free(outs);
    }
    for (i = 0; i < out.size; i++)
    {
        fmpq *y = out.v + i, *w = want.v + i;
        if (c->cmp == CMP_EXACT)
            ck_assert_msg(fmpq_equal(y, w), "%s: entry %ld: exact %s, stored "
                          "%s", c->name, (long) i, fmpq_get_str(NULL, 10, y),
                          fmpq_get_str(NULL, 10, w));
        else if (c->cmp == CMP_ROUND)
        {
            arf_t z;
            fmpq_t q;
            slong prec = dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ? 53
                : dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 ? 11 : 24;
            arf_init(z);
            fmpq_init(q);
            arf_set_fmpq(z, y, prec, ARF_RND_NEAR);
            arf_get_fmpq(q, z);
            ck_assert_msg(fmpq_equal(q, w), "%s: entry %ld: exact %s rounds "
                          "to %s, stored %s", c->name, (long) i,
                          fmpq_get_str(NULL, 10, y), fmpq_get_str(NULL, 10, q),
                          fmpq_get_str(NULL, 10, w));
            arf_clear(z);
            fmpq_clear(q);
        }
        else
        {
            /* float32 sums of at most 256 terms (any order, or in binary64
               and rounded once): |stored - exact| <= gamma_256 S, below
               2^-15 S; BatchNormalization: 6 float32 operations and the
               sqrt rounded once more in the fold, far below it. */
            fmpq_t d, tol;
            fmpq_init(d);
            fmpq_init(tol);
            fmpq_sub(d, y, w);
            fmpq_abs(d, d);
            fmpq_div_2exp(tol, abs_out.v + i, 15);
            ck_assert_msg(fmpq_cmp(d, tol) <= 0, "%s: entry %ld: exact %s, "
                          "stored %s, bound %s", c->name, (long) i,
                          fmpq_get_str(NULL, 10, y), fmpq_get_str(NULL, 10, w),
                          fmpq_get_str(NULL, 10, tol));
            fmpq_clear(d);
            fmpq_clear(tol);
        }
    }
    for (k = 0; k < nin; k++)
        oref_tensor_clear(ins + k);
    oref_tensor_clear(&out);
    oref_tensor_clear(&abs_out);
    oref_tensor_clear(&want);
    onnx__model_proto__free_unpacked(m, NULL);
    free(buf);
    return 1;
}

START_TEST(test_oracle_node_data)
{
    slong i, n = (slong) (sizeof node_cases / sizeof node_cases[0]), done = 0;
    for (i = 0; i < n; i++)
        done += check_node_case(node_cases + i);
    if (done == 0)
        fprintf(stderr, "test_onnx_lower: no ONNX node test data in %s "
                "(libonnx-testdata); the interpreter was not checked on "
                "it\n", node_data_dir());
    else
        ck_assert_msg(done == n, "only %ld of %ld node models found in %s",
                      (long) done, (long) n, node_data_dir());
}
END_TEST

/* ---- decoding of initialisers ------------------------------------------ */

static void check_bits(int ok, const fmpq_t q, const char *want)
{
    fmpq_t w;
    fmpq_init(w);
    test_q_set(w, want);
    ck_assert_msg(ok && fmpq_equal(q, w), "decoded %s, expected %s",
                  fmpq_get_str(NULL, 10, q), want);
    fmpq_clear(w);
}

/* The interpreter's hand decoding of the bit fields against known
   patterns, then every type and encoding of the builder against the
   exact values of the doubles (test_fmpq_of_d: a third path). */
START_TEST(test_decode)
{
    static const int types[] = { ONB_F16, ONB_BF16, ONB_F32, ONB_F64 };
    test_rng r;
    fmpq_t q, w;
    slong t, enc, it, i, dims[2] = { 3, 5 };
    fmpq_init(q);
    fmpq_init(w);
    check_bits(oref_half_bits(q, 0x0001), q, "1/16777216");
    check_bits(oref_half_bits(q, 0x7bff), q, "65504");
    check_bits(oref_half_bits(q, 0x3c00), q, "1");
    check_bits(oref_half_bits(q, 0xc000), q, "-2");
    check_bits(oref_half_bits(q, 0x8000), q, "0");
    check_bits(oref_half_bits(q, 0x3555), q, "1365/4096");
    ck_assert(!oref_half_bits(q, 0x7c00) && !oref_half_bits(q, 0xfe00));
    check_bits(oref_bfloat_bits(q, 0x3f80), q, "1");
    check_bits(oref_bfloat_bits(q, 0xbfc0), q, "-3/2");
    fmpq_set_si(w, 255, 1);
    fmpq_mul_2exp(w, w, 120);
    ck_assert(oref_bfloat_bits(q, 0x7f7f) && fmpq_equal(q, w));
    fmpq_one(w);
    fmpq_div_2exp(w, w, 133);
    ck_assert(oref_bfloat_bits(q, 0x0001) && fmpq_equal(q, w));
    fmpq_div_2exp(w, w, 16);    /* 2^-149 */
    ck_assert(oref_float_bits(q, 0x00000001) && fmpq_equal(q, w));
    fmpq_set_si(w, (1 << 24) - 1, 1);
    fmpq_mul_2exp(w, w, 104);
    ck_assert(oref_float_bits(q, 0x7f7fffff) && fmpq_equal(q, w));
    check_bits(oref_float_bits(q, 0x3e800000), q, "1/4");
    check_bits(oref_float_bits(q, 0x80000000), q, "0");
    ck_assert(!oref_float_bits(q, 0x7f800000));
    fmpq_one(w);
    fmpq_div_2exp(w, w, 1074);
    ck_assert(oref_double_bits(q, 1) && fmpq_equal(q, w));
    check_bits(oref_double_bits(q, UINT64_C(0xbff8000000000000)), q, "-3/2");
    ck_assert(!oref_double_bits(q, UINT64_C(0x7ff0000000000000)));

    r.s = test_seed(0x0de0de);
    for (it = 0; it < test_iters(20); it++)
        for (t = 0; t < 4; t++)
            for (enc = 0; enc < 2; enc++)
            {
                onb_t B;
                double *v = onb_rand_vals(&r, types[t], 15, 1);
                Onnx__TensorProto *tp;
                oref_tensor_t T;
                char msg[300];
                onb_init(B, 13);
                oref_tensor_init(T);
                v[0] = onb_special_in(&r, types[t]);
                for (i = 0; i < 15; i++)
                    ck_assert_msg(onb_exact_in(types[t], v[i]),
                                  "drawn value not in the type");
                tp = onb_tensor(B, "t", types[t], (int) enc, 2, dims, v);
                ck_assert_msg(oref_tensor_decode(T, tp, msg, sizeof msg),
                              "%s", msg);
                ck_assert_int_eq(T->size, 15);
                for (i = 0; i < 15; i++)
                {
                    test_fmpq_of_d(w, v[i]);
                    ck_assert_msg(fmpq_equal(T->v + i, w), "type %d enc %d: "
                                  "%a decoded as %s", types[t], (int) enc,
                                  v[i], fmpq_get_str(NULL, 10, T->v + i));
                }
                oref_tensor_clear(T);
                onb_clear(B);
                free(v);
            }
    fmpq_clear(q);
    fmpq_clear(w);
}
END_TEST

/* The BatchNormalization fold: sqrt(var + eps) rounded to nearest in
   binary32 / binary64 (mpfr_sqrt in the interpreter) against the
   hardware's correctly rounded sqrtf and sqrt (IEEE 754), with eps = 0
   and var a random float: y(1) = scale / s exactly. */
START_TEST(test_batchnorm_fold)
{
    test_rng r;
    slong it, one[1] = { 1 }, xd[2] = { 1, 1 };
    fmpq_t want, x;
    r.s = test_seed(0xb17);
    fmpq_init(want);
    fmpq_init(x);
    fmpq_one(x);
    for (it = 0; it < test_iters(60); it++)
    {
        int bits = it % 2 ? 53 : 24, type = bits == 24 ? ONB_F32 : ONB_F64;
        double v = fabs(onb_rand_in(&r, type)), s, unit = 1, zero = 0;
        oref_tensor_t y;
        onb_t B;
        Onnx__NodeProto *n;
        size_t len;
        uint8_t *buf;
        Onnx__ModelProto *m;
        if (it < 2)
            v = 2;
        s = bits == 24 ? (double) sqrtf((float) v) : sqrt(v);
        onb_init(B, 15);
        onb_input(B, "x", 2, xd);
        onb_initializer(B, "s", type, ONB_RAW, 1, one, &unit);
        onb_initializer(B, "b", type, ONB_RAW, 1, one, &zero);
        onb_initializer(B, "m", type, ONB_RAW, 1, one, &zero);
        onb_initializer(B, "v", type, ONB_TYPED, 1, one, &v);
        n = onb_node(B, "BatchNormalization", "bn1", "x,s,b,m,v", "y");
        onb_attr_f(B, n, "epsilon", 0);
        onb_output(B, "y", 2, xd);
        buf = onb_pack(B, &len);
        m = onnx__model_proto__unpack(NULL, len, buf);
        oref_tensor_init(y);
        ock_eval_ref(y, m, 0, x, xd, 2, NULL, 0, bits);
        test_fmpq_of_d(want, s);
        fmpq_inv(want, want);
        ck_assert_msg(fmpq_equal(y->v, want), "var %a at %d bits: 1/%a "
                      "expected, got %s", v, bits, s,
                      fmpq_get_str(NULL, 10, y->v));
        oref_tensor_clear(y);
        onnx__model_proto__free_unpacked(m, NULL);
        free(buf);
        onb_clear(B);
    }
    fmpq_clear(want);
    fmpq_clear(x);
}
END_TEST

static Suite *onnx_ref_suite(void)
{
    Suite *s = suite_create("onnx_ref");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_oracle_node_data);
    tcase_add_test(tc, test_decode);
    tcase_add_test(tc, test_batchnorm_fold);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(onnx_ref_suite());
}
