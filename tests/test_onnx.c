/* ONNX import: Debian's ONNX node test models (libonnx-testdata) run
   through the lowered network in exact arithmetic against their stored
   outputs, refusals of what is not supported, and the natural lowering
   of an MLP built here with protobuf-c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flint/fmpq_vec.h>
#include "testutil.h"
#include "onnx.pb-c.h"

static const char *node_dir(void)
{
    const char *d = getenv("CPWL_ONNX_NODE_DIR");
    return d != NULL && *d != '\0' ? d
           : "/usr/share/libonnx-testdata/data/node";
}

/* ---- the stored tensors, decoded here independently of the library ---- */

typedef struct
{
    slong n;
    fmpq *v;
    int type;                   /* ONNX data type */
}
ref_tensor;

static double half_d(unsigned h)
{
    unsigned ex = (h >> 10) & 31, m = h & 1023;
    double v = ex == 0 ? ldexp(m, -24) : ldexp(1024 + m, (int) ex - 25);
    return (h & 0x8000) ? -v : v;
}

/* 0 if the file is missing or not a tensor of a float type. */
static int ref_read(ref_tensor *t, const char *path, void **raw,
                    size_t *rawlen)
{
    char *buf;
    size_t len, i;
    cpwl_err_t e;
    Onnx__TensorProto *p;
    cpwl_err_init(e);
    if (access(path, R_OK) != 0 || cpwl_io_read_all(&buf, &len, path, e) != CPWL_OK)
        return 0;
    p = onnx__tensor_proto__unpack(NULL, len, (uint8_t *) buf);
    if (p == NULL)
    {
        free(buf);
        return 0;
    }
    t->type = p->data_type;
    t->n = 1;
    for (i = 0; i < p->n_dims; i++)
        t->n *= p->dims[i];
    t->v = _fmpq_vec_init(t->n);
    for (i = 0; i < (size_t) t->n; i++)
    {
        double d;
        if (t->type == 1)
        {
            float f;
            if (p->has_raw_data)
                memcpy(&f, p->raw_data.data + 4 * i, 4);
            else
                f = p->float_data[i];
            d = f;
        }
        else if (t->type == 11)
        {
            if (p->has_raw_data)
                memcpy(&d, p->raw_data.data + 8 * i, 8);
            else
                d = p->double_data[i];
        }
        else if (t->type == 10)
            d = half_d(p->has_raw_data ? (unsigned) (p->raw_data.data[2 * i]
                       | p->raw_data.data[2 * i + 1] << 8)
                       : (unsigned) p->int32_data[i]);
        else if (t->type == 7)
            d = (double) (p->has_raw_data ? ((int64_t *) p->raw_data.data)[i]
                          : p->int64_data[i]);
        else
            d = 0;
        test_fmpq_of_d(t->v + i, d);
    }
    onnx__tensor_proto__free_unpacked(p, NULL);
    if (raw != NULL)
    {
        *raw = buf;
        *rawlen = len;
    }
    else
        free(buf);
    return 1;
}

static void ref_clear(ref_tensor *t)
{
    _fmpq_vec_clear(t->v, t->n);
}

/* ---- one node test ---------------------------------------------------- */

enum { EQ, BOUND, REFUSE };

typedef struct
{
    const char *name;
    int kind;                   /* EQ: rounded exact == stored; BOUND:
                                   within the float32 summation bound;
                                   REFUSE: exit-2 error containing msg */
    int fold;                   /* --fold-batchnorm 32 / 64 / 0 */
    const char *msg;
}
node_case;

/* Lower the model; on success the number of constant inputs bound. */
static int load_case(cpwl_net_t net, cpwl_err_t e, const char *dir, int fold)
{
    char path[1024];
    const void *cst[16];
    size_t lens[16];
    void *raw[16];
    slong k, n = 0;
    int st;
    cpwl_onnx_opts_struct o;
    for (k = 1; k < 16; k++)
    {
        ref_tensor t;
        snprintf(path, sizeof path, "%s/test_data_set_0/input_%ld.pb", dir,
                 (long) k);
        if (!ref_read(&t, path, raw + n, lens + n))
            break;
        ref_clear(&t);
        cst[n] = raw[n];
        n++;
    }
    cpwl_onnx_opts_init(&o);
    o.fold_batchnorm = fold;
    o.nconst = n;
    o.const_tensors = cst;
    o.const_lens = lens;
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    st = cpwl_onnx_net_read_file(net, path, &o, e);
    for (k = 0; k < n; k++)
        free(raw[k]);
    return st;
}

/* S_i = sum_j |W_ij x_j| + |b_i| and the number of terms, for a net of one
   affine layer: the magnitude the float32 reference summed. */
static void affine_mag(fmpq_t S, slong *terms, const cpwl_net_t net,
                       const fmpq *x, slong i)
{
    const cpwl_net_layer_struct *L = net->layers;
    slong j;
    fmpq_t t;
    fmpq_init(t);
    fmpq_abs(S, L->b + i);
    *terms = 1;
    for (j = 0; j < L->in; j++)
        if (!fmpq_is_zero(fmpq_mat_entry(L->W, i, j)))
        {
            fmpq_mul(t, fmpq_mat_entry(L->W, i, j), x + j);
            fmpq_abs(t, t);
            fmpq_add(S, S, t);
            (*terms)++;
        }
    fmpq_clear(t);
}

/* Returns a one-line result for the table (static buffer). */
static const char *run_case(const node_case *tc, int *ok)
{
    static char res[256];
    char dir[512], path[1024];
    ref_tensor x, y;
    cpwl_net_t net;
    cpwl_err_t e;
    fmpq *out;
    slong i, nout, maxterms = 0;
    int st;
    double worst = 0;

    snprintf(dir, sizeof dir, "%s/%s", node_dir(), tc->name);
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    st = load_case(net, e, dir, tc->fold);
    if (tc->kind == REFUSE)
    {
        *ok = st == CPWL_ERR_INPUT && strstr(e->msg, tc->msg) != NULL;
        snprintf(res, sizeof res, "refused: %.200s", st == CPWL_OK ? "(accepted!)"
                 : strstr(e->msg, "): ") ? strstr(e->msg, "): ") + 3
                 : strrchr(e->msg, ':') + 2);
        cpwl_net_clear(net);
        return res;
    }
    if (st != CPWL_OK)
    {
        *ok = 0;
        snprintf(res, sizeof res, "FAILED to load: %.200s", e->msg);
        cpwl_net_clear(net);
        return res;
    }
    snprintf(path, sizeof path, "%s/test_data_set_0/input_0.pb", dir);
    x.n = y.n = 0;
    x.v = y.v = NULL;
    nout = cpwl_net_output_dim(net);
    if (!ref_read(&x, path, NULL, NULL)
        || (snprintf(path, sizeof path, "%s/test_data_set_0/output_0.pb",
                     dir), !ref_read(&y, path, NULL, NULL))
        || x.n != net->input_dim || y.n != nout)
    {
        *ok = 0;
        snprintf(res, sizeof res, "FAILED: the stored tensors do not match "
                 "the net (%ld inputs, %ld outputs)", (long) net->input_dim,
                 (long) nout);
        cpwl_net_clear(net);
        return res;
    }
    out = _fmpq_vec_init(nout);
    cpwl_net_eval_fmpq(out, net, x.v);
    *ok = 1;
    for (i = 0; i < nout && *ok; i++)
    {
        if (tc->kind == EQ)
        {
            /* the exact result rounded to the stored format */
            fmpq_t r;
            cpwl_err_t e2;
            fmpq_init(r);
            cpwl_err_init(e2);
            if (y.type == 1 || y.type == 11)
                cpwl_num_round_fmpq(r, out + i, y.type == 1 ? CPWL_NUM_BINARY32
                               : CPWL_NUM_BINARY64, e2);
            else
                fmpq_set(r, out + i);
            *ok = fmpq_equal(r, y.v + i);
            fmpq_clear(r);
        }
        else
        {
            /* |exact - stored| <= (terms + 2) 2^-23 (S + |stored|): the
               float32 summation bound gamma_terms S (any order) plus the
               final rounding, with a factor 2 to spare. */
            fmpq_t S, d, tol;
            slong terms;
            fmpq_init(S);
            fmpq_init(d);
            fmpq_init(tol);
            if (net->nlayers != 1)
            {
                *ok = 0;
                break;
            }
            affine_mag(S, &terms, net, x.v, i);
            maxterms = FLINT_MAX(maxterms, terms);
            fmpq_abs(d, y.v + i);
            fmpq_add(tol, S, d);
            fmpq_mul_si(tol, tol, terms + 2);
            fmpq_div_2exp(tol, tol, 23);
            fmpq_sub(d, out + i, y.v + i);
            fmpq_abs(d, d);
            *ok = fmpq_cmp(d, tol) <= 0;
            if (!fmpq_is_zero(tol))
            {
                fmpq_div(d, d, tol);
                worst = FLINT_MAX(worst, fmpq_get_d(d));
            }
            fmpq_clear(S);
            fmpq_clear(d);
            fmpq_clear(tol);
        }
        if (!*ok)
        {
            char *a = fmpq_get_str(NULL, 10, out + i);
            fprintf(stderr, "%s: element %ld: exact %s, stored %.17g\n",
                    tc->name, (long) i, a, fmpq_get_d(y.v + i));
            flint_free(a);
        }
    }
    if (tc->kind == EQ)
        snprintf(res, sizeof res, "%s: %ld outputs, exact rounded = stored "
                 "(%ld layers)", *ok ? "pass" : "FAIL", (long) nout,
                 (long) net->nlayers);
    else
        snprintf(res, sizeof res, "%s: %ld outputs, error <= %.2g of the "
                 "bound (up to %ld terms)", *ok ? "pass" : "FAIL",
                 (long) nout, worst, (long) maxterms);
    _fmpq_vec_clear(out, nout);
    ref_clear(&x);
    ref_clear(&y);
    cpwl_net_clear(net);
    return res;
}

#define F32 0
static const node_case cases[] = {
    {"test_relu", EQ, 0, NULL}, {"test_abs", EQ, 0, NULL},
    {"test_leakyrelu", EQ, 0, NULL}, {"test_leakyrelu_default", EQ, 0, NULL},
    {"test_leakyrelu_example", EQ, 0, NULL},
    {"test_prelu_broadcast", EQ, 0, NULL}, {"test_prelu_example", EQ, 0, NULL},
    {"test_clip", EQ, 0, NULL}, {"test_clip_default_inbounds", EQ, 0, NULL},
    {"test_clip_default_max", EQ, 0, NULL},
    {"test_clip_default_min", EQ, 0, NULL}, {"test_clip_example", EQ, 0, NULL},
    {"test_clip_inbounds", EQ, 0, NULL}, {"test_clip_outbounds", EQ, 0, NULL},
    {"test_clip_splitbounds", EQ, 0, NULL},
    {"test_add", EQ, 0, NULL}, {"test_add_bcast", EQ, 0, NULL},
    {"test_sub", EQ, 0, NULL}, {"test_sub_bcast", EQ, 0, NULL},
    {"test_sub_example", EQ, 0, NULL},
    {"test_mul", EQ, 0, NULL}, {"test_mul_bcast", EQ, 0, NULL},
    {"test_mul_example", EQ, 0, NULL},
    {"test_div", EQ, 0, NULL}, {"test_div_bcast", EQ, 0, NULL},
    {"test_div_example", EQ, 0, NULL},
    {"test_identity", EQ, 0, NULL},
    {"test_flatten_axis0", EQ, 0, NULL}, {"test_flatten_axis1", EQ, 0, NULL},
    {"test_flatten_axis2", EQ, 0, NULL}, {"test_flatten_axis3", EQ, 0, NULL},
    {"test_flatten_default_axis", EQ, 0, NULL},
    {"test_flatten_negative_axis1", EQ, 0, NULL},
    {"test_flatten_negative_axis2", EQ, 0, NULL},
    {"test_flatten_negative_axis3", EQ, 0, NULL},
    {"test_flatten_negative_axis4", EQ, 0, NULL},
    {"test_reshape_allowzero_reordered", REFUSE, 0, "not positive"},
    {"test_reshape_extended_dims", EQ, 0, NULL},
    {"test_reshape_negative_dim", EQ, 0, NULL},
    {"test_reshape_negative_extended_dims", EQ, 0, NULL},
    {"test_reshape_one_dim", EQ, 0, NULL},
    {"test_reshape_reduced_dims", EQ, 0, NULL},
    {"test_reshape_reordered_all_dims", EQ, 0, NULL},
    {"test_reshape_reordered_last_dims", EQ, 0, NULL},
    {"test_reshape_zero_and_negative_dim", EQ, 0, NULL},
    {"test_reshape_zero_dim", EQ, 0, NULL},
    {"test_concat_1d_axis_0", EQ, 0, NULL},
    {"test_concat_1d_axis_negative_1", EQ, 0, NULL},
    {"test_concat_2d_axis_0", EQ, 0, NULL}, {"test_concat_2d_axis_1", EQ, 0, NULL},
    {"test_concat_2d_axis_negative_1", EQ, 0, NULL},
    {"test_concat_2d_axis_negative_2", EQ, 0, NULL},
    {"test_concat_3d_axis_0", EQ, 0, NULL}, {"test_concat_3d_axis_1", EQ, 0, NULL},
    {"test_concat_3d_axis_2", EQ, 0, NULL},
    {"test_concat_3d_axis_negative_1", EQ, 0, NULL},
    {"test_concat_3d_axis_negative_2", EQ, 0, NULL},
    {"test_concat_3d_axis_negative_3", EQ, 0, NULL},
    {"test_dropout_default", EQ, 0, NULL},
    {"test_dropout_default_ratio", EQ, 0, NULL},
    {"test_dropout_default_old", EQ, 0, NULL},
    {"test_dropout_random_old", EQ, 0, NULL},
    {"test_max_example", EQ, 0, NULL}, {"test_max_float16", EQ, 0, NULL},
    {"test_max_float32", EQ, 0, NULL}, {"test_max_float64", EQ, 0, NULL},
    {"test_max_one_input", EQ, 0, NULL}, {"test_max_two_inputs", EQ, 0, NULL},
    {"test_maxpool_1d_default", EQ, 0, NULL},
    {"test_maxpool_2d_ceil", EQ, 0, NULL},
    {"test_maxpool_2d_dilations", EQ, 0, NULL},
    {"test_maxpool_2d_pads", REFUSE, 0, "limit of"},
    {"test_maxpool_2d_precomputed_pads", EQ, 0, NULL},
    {"test_maxpool_2d_precomputed_same_upper", EQ, 0, NULL},
    {"test_maxpool_2d_precomputed_strides", EQ, 0, NULL},
    {"test_maxpool_2d_same_lower", REFUSE, 0, "limit of"},
    {"test_maxpool_2d_same_upper", REFUSE, 0, "limit of"},
    {"test_maxpool_2d_strides", REFUSE, 0, "limit of"},
    {"test_maxpool_2d_default", REFUSE, 0, "limit of"},
    {"test_maxpool_3d_default", REFUSE, 0, "limit of"},
    {"test_gather_0", EQ, 0, NULL},
    {"test_gather_1", EQ, 0, NULL},
    {"test_gather_2d_indices", EQ, 0, NULL},
    {"test_gather_negative_indices", EQ, 0, NULL},
    {"test_neg", EQ, 0, NULL},
    {"test_neg_example", EQ, 0, NULL},
    {"test_shape", EQ, 0, NULL},
    {"test_shape_example", EQ, 0, NULL},
    {"test_squeeze", EQ, 0, NULL},
    {"test_squeeze_negative_axes", EQ, 0, NULL},
    {"test_transpose_all_permutations_0", EQ, 0, NULL},
    {"test_transpose_all_permutations_1", EQ, 0, NULL},
    {"test_transpose_all_permutations_2", EQ, 0, NULL},
    {"test_transpose_all_permutations_3", EQ, 0, NULL},
    {"test_transpose_all_permutations_4", EQ, 0, NULL},
    {"test_transpose_all_permutations_5", EQ, 0, NULL},
    {"test_transpose_default", EQ, 0, NULL},
    {"test_unsqueeze_axis_0", EQ, 0, NULL},
    {"test_unsqueeze_axis_1", EQ, 0, NULL},
    {"test_unsqueeze_axis_2", EQ, 0, NULL},
    {"test_unsqueeze_axis_3", EQ, 0, NULL},
    {"test_unsqueeze_negative_axes", EQ, 0, NULL},
    {"test_unsqueeze_three_axes", EQ, 0, NULL},
    {"test_unsqueeze_two_axes", EQ, 0, NULL},
    {"test_unsqueeze_unsorted_axes", EQ, 0, NULL},
    {"test_shape_start_1", REFUSE, 0, "no start or end"},
    {"test_gather_elements_0", REFUSE, 0, "GatherElements is not supported"},
    {"test_gemm_all_attributes", BOUND, 0, NULL}, {"test_gemm_alpha", BOUND, 0, NULL},
    {"test_gemm_beta", BOUND, 0, NULL},
    {"test_gemm_default_matrix_bias", BOUND, 0, NULL},
    {"test_gemm_default_no_bias", BOUND, 0, NULL},
    {"test_gemm_default_scalar_bias", BOUND, 0, NULL},
    {"test_gemm_default_single_elem_vector_bias", BOUND, 0, NULL},
    {"test_gemm_default_vector_bias", BOUND, 0, NULL},
    {"test_gemm_default_zero_bias", BOUND, 0, NULL},
    {"test_gemm_transposeA", BOUND, 0, NULL},
    {"test_gemm_transposeB", BOUND, 0, NULL},
    {"test_matmul_2d", BOUND, 0, NULL}, {"test_matmul_3d", BOUND, 0, NULL},
    {"test_matmul_4d", BOUND, 0, NULL},
    {"test_conv_with_autopad_same", BOUND, 0, NULL},
    {"test_conv_with_strides_and_asymmetric_padding", BOUND, 0, NULL},
    {"test_conv_with_strides_no_padding", BOUND, 0, NULL},
    {"test_conv_with_strides_padding", BOUND, 0, NULL},
    {"test_averagepool_1d_default", BOUND, 0, NULL},
    {"test_averagepool_2d_ceil", BOUND, 0, NULL},
    {"test_averagepool_2d_default", BOUND, 0, NULL},
    {"test_averagepool_2d_pads", BOUND, 0, NULL},
    {"test_averagepool_2d_pads_count_include_pad", BOUND, 0, NULL},
    {"test_averagepool_2d_precomputed_pads", BOUND, 0, NULL},
    {"test_averagepool_2d_precomputed_pads_count_include_pad", BOUND, 0, NULL},
    {"test_averagepool_2d_precomputed_same_upper", BOUND, 0, NULL},
    {"test_averagepool_2d_precomputed_strides", BOUND, 0, NULL},
    {"test_averagepool_2d_same_lower", BOUND, 0, NULL},
    {"test_averagepool_2d_same_upper", BOUND, 0, NULL},
    {"test_averagepool_2d_strides", BOUND, 0, NULL},
    {"test_averagepool_3d_default", REFUSE, 0, "limit of"},
    {"test_batchnorm_epsilon", BOUND, 32, NULL},
    {"test_batchnorm_example", BOUND, 32, NULL},
    {"test_batchnorm_epsilon", BOUND, 64, NULL},
    {"test_batchnorm_example", REFUSE, 0, "sqrt(var + epsilon)"},
    {"test_batchnorm_example_training_mode", REFUSE, 32, "outputs"},
    {"test_batchnorm_epsilon_training_mode", REFUSE, 32, "outputs"},
    {"test_dropout_default_mask", REFUSE, 0, "outputs"},
    {"test_maxpool_with_argmax_2d_precomputed_pads", REFUSE, 0, "outputs"},
    {"test_convtranspose", REFUSE, 0, "ConvTranspose is not supported"},
    {"test_matmulinteger", REFUSE, 0, "element type"},
    {"test_add_uint8", REFUSE, 0, "element type 2"},
    {"test_maxpool_2d_uint8", REFUSE, 0, "element type"},
    {"test_clip_default_int8_min", REFUSE, 0, "element type"},
    {"test_identity_sequence", REFUSE, 0, "not a tensor"},
    {"test_convinteger_with_padding", REFUSE, 0, "element type"},
};
#define NCASES ((slong) (sizeof cases / sizeof cases[0]))

/* make check skips the models whose dense lowering takes seconds (inputs
   of more than 1000 elements: the 32 x 32 pools and refusals by the
   size limit); CPWL_ONNX_ALL=1 and --table run them all.  They are fixed
   models, so the iteration multiplier of the randomised tests does not
   apply to them. */
static int cases_all = 0;

static int is_large(const node_case *tc)
{
    static const char *large[] = {
        "test_averagepool_2d_default", "test_averagepool_2d_pads",
        "test_averagepool_2d_pads_count_include_pad",
        "test_averagepool_2d_same_lower", "test_averagepool_2d_same_upper",
        "test_averagepool_2d_strides", "test_averagepool_3d_default",
        "test_maxpool_2d_pads", "test_maxpool_2d_same_lower",
        "test_maxpool_2d_same_upper", "test_maxpool_2d_strides",
        "test_maxpool_2d_default", "test_maxpool_3d_default", NULL};
    slong i;
    for (i = 0; large[i] != NULL; i++)
        if (strcmp(tc->name, large[i]) == 0)
            return 1;
    return 0;
}

START_TEST(test_node_models)
{
    slong i, bad = 0;
    for (i = 0; i < NCASES; i++)
    {
        int ok;
        const char *r;
        if (!cases_all && is_large(cases + i))
            continue;
        r = run_case(cases + i, &ok);
        if (!ok)
        {
            fprintf(stderr, "%s (fold %d): %s\n", cases[i].name, cases[i].fold, r);
            bad++;
        }
    }
    ck_assert_msg(bad == 0, "%ld of %ld node test models failed", (long) bad,
                  (long) NCASES);
}
END_TEST

/* ---- small models built with protobuf-c ---------------------------------- */

/* Weights of the built models: small dyadic floats, so that the exact
   values are known here. */
static const float W1[6] = {1.5f, -2.0f, 0.25f, 1.0f, -0.75f, 3.0f};
static const float B1[3] = {0.5f, -1.0f, 0.125f};
static const float W2[9] = {1, -1, 0.5f, 2, 0.25f, -3, -0.5f, 1, 1};
static const float B2[3] = {0, 0.5f, -0.25f};
static const float W3[3] = {1.25f, -1, 2};
static const float B3[1] = {0.375f};

typedef struct
{
    Onnx__ModelProto m;
    Onnx__GraphProto g;
    Onnx__OperatorSetIdProto op, *opp[1];
    Onnx__NodeProto nodes[8], *pn[8];
    Onnx__AttributeProto attr[8], *pattr[8][1];
    Onnx__TensorProto init[8], *pinit[8];
    int64_t idims[8][2];
    Onnx__ValueInfoProto in[2], out, *pin[2], *pout[1];
    Onnx__TypeProto tp[2];
    Onnx__TypeProto__Tensor tt[2];
    Onnx__TensorShapeProto sh[2];
    Onnx__TensorShapeProto__Dimension dim[2][2], *pdim[2][2];
    char *nin[8][5], *nout[8][1];
}
model_b;

static void mb_init(model_b *b, slong nin)
{
    slong i, k;
    memset(b, 0, sizeof *b);
    onnx__model_proto__init(&b->m);
    onnx__graph_proto__init(&b->g);
    onnx__operator_set_id_proto__init(&b->op);
    b->op.has_version = 1;
    b->op.version = 13;
    b->op.domain = "";
    b->opp[0] = &b->op;
    b->m.has_ir_version = 1;
    b->m.ir_version = 7;
    b->m.n_opset_import = 1;
    b->m.opset_import = b->opp;
    b->m.producer_name = "test_onnx";
    b->m.graph = &b->g;
    b->g.name = "built";
    b->g.node = b->pn;
    b->g.initializer = b->pinit;
    for (i = 0; i < nin; i++)
    {
        onnx__value_info_proto__init(b->in + i);
        onnx__type_proto__init(b->tp + i);
        onnx__type_proto__tensor__init(b->tt + i);
        onnx__tensor_shape_proto__init(b->sh + i);
        b->in[i].name = i == 0 ? "x" : "extra";
        b->in[i].type = b->tp + i;
        b->tp[i].value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
        b->tp[i].tensor_type = b->tt + i;
        b->tt[i].has_elem_type = 1;
        b->tt[i].elem_type = 1;
        b->tt[i].shape = b->sh + i;
        b->sh[i].n_dim = 2;
        b->sh[i].dim = b->pdim[i];
        for (k = 0; k < 2; k++)
        {
            onnx__tensor_shape_proto__dimension__init(&b->dim[i][k]);
            b->pdim[i][k] = &b->dim[i][k];
            b->dim[i][k].value_case
                = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            b->dim[i][k].dim_value = k == 0 ? 1 : 2;
        }
        b->pin[i] = b->in + i;
    }
    b->dim[0][0].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
    b->dim[0][0].dim_param = "batch";
    b->g.n_input = nin;
    b->g.input = b->pin;
    onnx__value_info_proto__init(&b->out);
    b->out.name = "y";
    b->pout[0] = &b->out;
    b->g.n_output = 1;
    b->g.output = b->pout;
}

static void mb_init_tensor(model_b *b, const char *name, slong r, slong c,
                           const float *v)
{
    Onnx__TensorProto *t = b->init + b->g.n_initializer;
    onnx__tensor_proto__init(t);
    t->name = (char *) name;
    t->has_data_type = 1;
    t->data_type = 1;
    b->idims[b->g.n_initializer][0] = r;
    b->idims[b->g.n_initializer][1] = c;
    t->n_dims = r > 0 ? 2 : 1;
    t->dims = r > 0 ? b->idims[b->g.n_initializer] : b->idims[b->g.n_initializer] + 1;
    t->n_float_data = (r > 0 ? r : 1) * c;
    t->float_data = (float *) v;
    b->pinit[b->g.n_initializer++] = t;
}

static void mb_node(model_b *b, const char *op, const char *i0,
                    const char *i1, const char *i2, const char *out,
                    int transB)
{
    slong k = b->g.n_node, n = 0;
    Onnx__NodeProto *nd = b->nodes + k;
    onnx__node_proto__init(nd);
    nd->op_type = (char *) op;
    b->nin[k][n++] = (char *) i0;
    if (i1 != NULL)
        b->nin[k][n++] = (char *) i1;
    if (i2 != NULL)
        b->nin[k][n++] = (char *) i2;
    nd->n_input = n;
    nd->input = b->nin[k];
    b->nout[k][0] = (char *) out;
    nd->n_output = 1;
    nd->output = b->nout[k];
    if (transB)
    {
        onnx__attribute_proto__init(b->attr + k);
        b->attr[k].name = "transB";
        b->attr[k].has_i = 1;
        b->attr[k].i = 1;
        b->attr[k].has_type = 1;
        b->attr[k].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
        b->pattr[k][0] = b->attr + k;
        nd->n_attribute = 1;
        nd->attribute = b->pattr[k];
    }
    b->pn[b->g.n_node++] = nd;
}

/* The models of the tests and of tests/onnx_cli.sh: 0 the MLP
   x -> Gemm-Relu-Gemm-Relu-Gemm, 1 a residual block y = relu(W1' x) + x
   (W1' the first two rows), 2 the MLP with a Softmax, 3 the MLP with a
   second graph input, 4 a truncated MLP, 5 the MLP with W2 in external
   data, 11 max(relu(x), -x), 12 a residual block after a relu, 8 x * x, 9 x / 0, 10 Gemm(x, x^T), 7 the MLP with a W1 shorter than its shape, 6 a BatchNormalization of x[1, 2] with var (2, 4), epsilon 0. */
static uint8_t *build_model(size_t *len, int kind)
{
    model_b b;
    uint8_t *buf;
    mb_init(&b, kind == 3 ? 2 : 1);
    if (kind == 6)
    {
        /* y = scale (x - mean) / sqrt(var + 0) + B per channel of x[1, 2] */
        static const float scale[2] = {1, 1}, bias[2] = {0, 0};
        static const float mean[2] = {0, 0}, var[2] = {2, 4};
        mb_init_tensor(&b, "scale", 0, 2, scale);
        mb_init_tensor(&b, "B", 0, 2, bias);
        mb_init_tensor(&b, "mean", 0, 2, mean);
        mb_init_tensor(&b, "var", 0, 2, var);
        mb_node(&b, "BatchNormalization", "x", "scale", "B", "y", 0);
        b.nin[0][3] = "mean";
        b.nin[0][4] = "var";
        b.nodes[0].n_input = 5;
        onnx__attribute_proto__init(b.attr);
        b.attr[0].name = "epsilon";
        b.attr[0].has_f = 1;
        b.attr[0].f = 0;
        b.attr[0].has_type = 1;
        b.attr[0].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
        b.pattr[0][0] = b.attr;
        b.nodes[0].n_attribute = 1;
        b.nodes[0].attribute = b.pattr[0];
    }
    else if (kind == 12)
    {
        /* h = relu(x), y = relu(W1' h + B1') + h: h >= 0 carried by one
           neuron per element */
        mb_init_tensor(&b, "W1", 2, 2, W1);
        mb_init_tensor(&b, "B1", 0, 2, B1);
        mb_node(&b, "Relu", "x", NULL, NULL, "h", 0);
        mb_node(&b, "Gemm", "h", "W1", "B1", "g", 1);
        mb_node(&b, "Relu", "g", NULL, NULL, "r", 0);
        mb_node(&b, "Add", "r", "h", NULL, "y", 0);
    }
    else if (kind == 11)
    {
        /* y = max(relu(x), -x) = |x|: x carried through the Relu layer */
        mb_node(&b, "Relu", "x", NULL, NULL, "r", 0);
        mb_node(&b, "Neg", "x", NULL, NULL, "n", 0);
        mb_node(&b, "Max", "r", "n", NULL, "y", 0);
    }
    else if (kind >= 8 && kind <= 10)
    {
        /* x * x, x / 0, Gemm(x, x^T): not piecewise linear or undefined */
        static const float zero[1] = {0};
        mb_init_tensor(&b, "zero", 0, 1, zero);
        mb_node(&b, kind == 8 ? "Mul" : kind == 9 ? "Div" : "Gemm", "x",
                kind == 9 ? "zero" : "x", NULL, "y", kind == 10);
    }
    else if (kind == 1)
    {
        mb_init_tensor(&b, "W1", 2, 2, W1);
        mb_init_tensor(&b, "B1", 0, 2, B1);
        mb_node(&b, "Gemm", "x", "W1", "B1", "h", 1);
        mb_node(&b, "Relu", "h", NULL, NULL, "r", 0);
        mb_node(&b, "Add", "r", "x", NULL, "y", 0);
    }
    else
    {
        mb_init_tensor(&b, "W1", 3, 2, W1);
        mb_init_tensor(&b, "B1", 0, 3, B1);
        mb_init_tensor(&b, "W2", 3, 3, W2);
        mb_init_tensor(&b, "B2", 0, 3, B2);
        mb_init_tensor(&b, "W3", 1, 3, W3);
        mb_init_tensor(&b, "B3", 0, 1, B3);
        mb_node(&b, "Gemm", "x", "W1", "B1", "h1", 1);
        mb_node(&b, "Relu", "h1", NULL, NULL, "a1", 0);
        mb_node(&b, "Gemm", "a1", "W2", "B2", "h2", 1);
        mb_node(&b, "Relu", "h2", NULL, NULL, "a2", 0);
        mb_node(&b, "Gemm", "a2", "W3", "B3", kind == 2 ? "z" : "y", 1);
        if (kind == 2)
            mb_node(&b, "Softmax", "z", NULL, NULL, "y", 0);
    }
    *len = onnx__model_proto__get_packed_size(&b.m);
    buf = flint_malloc(*len);
    onnx__model_proto__pack(&b.m, buf);
    if (kind == 4)
        *len /= 2;
    if (kind == 7)
    {
        /* W1 declares 3 x 10^6 elements and holds 6 */
        flint_free(buf);
        b.idims[0][1] = 1000000;
        *len = onnx__model_proto__get_packed_size(&b.m);
        buf = flint_malloc(*len);
        onnx__model_proto__pack(&b.m, buf);
    }
    if (kind == 5)
    {
        /* W2 said to be in a file beside the model */
        flint_free(buf);
        b.init[2].has_data_location = 1;
        b.init[2].data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
        b.init[2].n_float_data = 0;
        *len = onnx__model_proto__get_packed_size(&b.m);
        buf = flint_malloc(*len);
        onnx__model_proto__pack(&b.m, buf);
    }
    return buf;
}

START_TEST(test_natural_mlp)
{
    size_t len;
    uint8_t *buf = build_model(&len, 0);
    cpwl_net_t net;
    cpwl_err_t e;
    slong i, j;
    const float *W[3] = {W1, W2, W3}, *B[3] = {B1, B2, B3};
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_onnx_net_read_buf(net, buf, len, "mlp", NULL, e), CPWL_OK);
    /* exactly the three layers of the MLP, with its weights */
    ck_assert_int_eq(net->nlayers, 3);
    ck_assert_int_eq(net->input_dim, 2);
    for (i = 0; i < 3; i++)
    {
        cpwl_net_layer_struct *L = net->layers + i;
        ck_assert_int_eq(L->act, i < 2 ? CPWL_NET_RELU : CPWL_NET_IDENTITY);
        ck_assert_int_eq(L->out, i < 2 ? 3 : 1);
        for (j = 0; j < L->out * L->in; j++)
        {
            fmpq_t q;
            fmpq_init(q);
            test_fmpq_of_d(q, W[i][j]);
            ck_assert(fmpq_equal(fmpq_mat_entry(L->W, j / L->in, j % L->in), q));
            if (j < L->out)
            {
                test_fmpq_of_d(q, B[i][j]);
                ck_assert(fmpq_equal(L->b + j, q));
            }
            fmpq_clear(q);
        }
    }
    ck_assert_ptr_nonnull(strstr(net->meta, "\"source\":\"onnx\""));
    cpwl_net_clear(net);
    flint_free(buf);
}
END_TEST

START_TEST(test_residual)
{
    size_t len;
    uint8_t *buf = build_model(&len, 1);
    cpwl_net_t net;
    cpwl_err_t e;
    slong it, i, j;
    test_rng r;
    fmpq x[2], y[2], h;
    r.s = test_seed(13);
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_onnx_net_read_buf(net, buf, len, "res", NULL, e), CPWL_OK);
    /* one relu layer (2 gadget + 4 carry neurons) and the output layer */
    ck_assert_int_eq(net->nlayers, 2);
    ck_assert_int_eq(net->layers[0].out, 6);
    fmpq_init(x);
    fmpq_init(x + 1);
    fmpq_init(y);
    fmpq_init(y + 1);
    fmpq_init(&h);
    for (it = 0; it < test_iters(200); it++)
    {
        test_fmpq(x, &r, 8);
        test_fmpq(x + 1, &r, 8);
        cpwl_net_eval_fmpq(y, net, x);
        for (i = 0; i < 2; i++)
        {
            fmpq_t w;
            fmpq_init(w);
            test_fmpq_of_d(&h, B1[i]);
            for (j = 0; j < 2; j++)
            {
                test_fmpq_of_d(w, W1[2 * i + j]);
                fmpq_addmul(&h, w, x + j);
            }
            if (fmpq_sgn(&h) < 0)
                fmpq_zero(&h);
            fmpq_add(&h, &h, x + i);
            ck_assert(fmpq_equal(&h, y + i));
            fmpq_clear(w);
        }
    }
    fmpq_clear(x);
    fmpq_clear(x + 1);
    fmpq_clear(y);
    fmpq_clear(y + 1);
    fmpq_clear(&h);
    cpwl_net_clear(net);
    flint_free(buf);
}
END_TEST

/* max(relu(x), -x) = |x|: the carries of x and the max gadget; two relu
   layers (relu(x) with x's carries, then the max) and the output layer. */
START_TEST(test_carry_max)
{
    size_t len;
    uint8_t *buf = build_model(&len, 11);
    cpwl_net_t net;
    cpwl_err_t e;
    slong it, i;
    test_rng r;
    fmpq x[2], y[2];
    r.s = test_seed(11);
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_onnx_net_read_buf(net, buf, len, "cm", NULL, e), CPWL_OK);
    ck_assert_int_eq(net->nlayers, 3);
    for (i = 0; i < 2; i++)
    {
        fmpq_init(x + i);
        fmpq_init(y + i);
    }
    for (it = 0; it < test_iters(200); it++)
    {
        for (i = 0; i < 2; i++)
            test_fmpq(x + i, &r, it % 3 == 0 ? 0 : 8);
        cpwl_net_eval_fmpq(y, net, x);
        for (i = 0; i < 2; i++)
        {
            fmpq_abs(x + i, x + i);
            ck_assert(fmpq_equal(x + i, y + i));
        }
    }
    for (i = 0; i < 2; i++)
    {
        fmpq_clear(x + i);
        fmpq_clear(y + i);
    }
    cpwl_net_clear(net);
    flint_free(buf);
}
END_TEST

/* A skip path that is a relu layer's output is >= 0: carried by one
   neuron relu(h) = h per element, not two. */
START_TEST(test_carry_nonneg)
{
    size_t len;
    uint8_t *buf = build_model(&len, 12);
    cpwl_net_t net;
    cpwl_err_t e;
    slong it, i, j;
    test_rng r;
    fmpq x[2], y[2], h[2], g, w;
    r.s = test_seed(12);
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_onnx_net_read_buf(net, buf, len, "nn", NULL, e), CPWL_OK);
    ck_assert_int_eq(net->nlayers, 3);
    ck_assert_int_eq(net->layers[1].out, 4);
    fmpq_init(&g);
    fmpq_init(&w);
    for (i = 0; i < 2; i++)
    {
        fmpq_init(x + i);
        fmpq_init(y + i);
        fmpq_init(h + i);
    }
    for (it = 0; it < test_iters(200); it++)
    {
        for (i = 0; i < 2; i++)
        {
            test_fmpq(x + i, &r, 8);
            fmpq_set(h + i, x + i);
            if (fmpq_sgn(h + i) < 0)
                fmpq_zero(h + i);
        }
        cpwl_net_eval_fmpq(y, net, x);
        for (i = 0; i < 2; i++)
        {
            test_fmpq_of_d(&g, B1[i]);
            for (j = 0; j < 2; j++)
            {
                test_fmpq_of_d(&w, W1[2 * i + j]);
                fmpq_addmul(&g, &w, h + j);
            }
            if (fmpq_sgn(&g) < 0)
                fmpq_zero(&g);
            fmpq_add(&g, &g, h + i);
            ck_assert(fmpq_equal(&g, y + i));
        }
    }
    for (i = 0; i < 2; i++)
    {
        fmpq_clear(x + i);
        fmpq_clear(y + i);
        fmpq_clear(h + i);
    }
    fmpq_clear(&g);
    fmpq_clear(&w);
    cpwl_net_clear(net);
    flint_free(buf);
}
END_TEST

START_TEST(test_refusals)
{
    static const struct { int kind; const char *msg; } bad[] = {
        {2, "node 5 (\"Softmax\"): operator Softmax is not supported"},
        {3, "the graph has 2 inputs"},
        {4, "not an ONNX model"},
        {5, "tensor \"W2\" keeps its data in an external file"},
        {7, "tensor \"W1\" holds 6 values, its shape 3000000"},
        {8, "node 0 (\"Mul\"): both operands depend on the network input"},
        {9, "node 0 (\"Div\"): division by zero"},
        {10, "node 0 (\"Gemm\"): both A and B depend on the network input"},
    };
    slong i;
    for (i = 0; i < 8; i++)
    {
        size_t len;
        uint8_t *buf = build_model(&len, bad[i].kind);
        cpwl_net_t net;
        cpwl_err_t e;
        cpwl_net_init(net, 0);
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_onnx_net_read_buf(net, buf, len, "m", NULL, e),
                         CPWL_ERR_INPUT);
        ck_assert_msg(strstr(e->msg, bad[i].msg) != NULL, "%s", e->msg);
        cpwl_net_clear(net);
        flint_free(buf);
    }
}
END_TEST

/* The folded BatchNormalization divides by the correctly rounded square
   root: sqrt(2) is 0x1.6a09e6p+0 in binary32 and 0x1.6a09e667f3bcdp+0 in
   binary64; sqrt(4) = 2 exactly. */
START_TEST(test_batchnorm_fold)
{
    size_t len;
    uint8_t *buf = build_model(&len, 6);
    cpwl_onnx_opts_struct o;
    cpwl_net_t net;
    cpwl_err_t e;
    fmpq x[2], y[2], r;
    int f;
    cpwl_onnx_opts_init(&o);
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_onnx_net_read_buf(net, buf, len, "bn", &o, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "node 0 (\"BatchNormalization\")"));
    fmpq_init(x);
    fmpq_init(x + 1);
    fmpq_init(y);
    fmpq_init(y + 1);
    fmpq_init(&r);
    for (f = 32; f <= 64; f += 32)
    {
        cpwl_err_init(e);
        o.fold_batchnorm = f;
        ck_assert_int_eq(cpwl_onnx_net_read_buf(net, buf, len, "bn", &o, e), CPWL_OK);
        ck_assert_ptr_nonnull(strstr(net->meta, f == 32 ? "binary32" : "binary64"));
        fmpq_one(x);
        fmpq_one(x + 1);
        cpwl_net_eval_fmpq(y, net, x);
        test_fmpq_of_d(&r, f == 32 ? 0x1.6a09e6p+0 : 0x1.6a09e667f3bcdp+0);
        fmpq_inv(&r, &r);
        ck_assert(fmpq_equal(y, &r));
        fmpq_set_si(&r, 1, 2);
        ck_assert(fmpq_equal(y + 1, &r));
    }
    fmpq_clear(x);
    fmpq_clear(x + 1);
    fmpq_clear(y);
    fmpq_clear(y + 1);
    fmpq_clear(&r);
    cpwl_net_clear(net);
    flint_free(buf);
}
END_TEST

/* --gen DIR: write the models of tests/onnx_cli.sh; --table: the table
   of docs/onnx.md. */
static int gen(const char *dir)
{
    static const char *names[] = {"mlp", "residual", "softmax", "two_inputs",
                                  "truncated", "external", "batchnorm"};
    int k;
    for (k = 0; k < 7; k++)
    {
        char path[512];
        size_t len;
        uint8_t *buf = build_model(&len, k);
        FILE *f;
        snprintf(path, sizeof path, "%s/%s.onnx", dir, names[k]);
        if ((f = fopen(path, "wb")) == NULL || fwrite(buf, 1, len, f) != len
            || fclose(f) != 0)
            return 1;
        flint_free(buf);
    }
    return 0;
}

int main(int argc, char **argv)
{
    Suite *s;
    SRunner *sr;
    int failed;
    if (argc == 3 && strcmp(argv[1], "--gen") == 0)
        return gen(argv[2]);
    cases_all = getenv("CPWL_ONNX_ALL") != NULL
                && strcmp(getenv("CPWL_ONNX_ALL"), "1") == 0;
    if (argc == 2 && strcmp(argv[1], "--table") == 0)
    {
        cases_all = 1;
        slong i;
        for (i = 0; i < NCASES; i++)
        {
            int ok;
            const char *r = run_case(cases + i, &ok);
            printf("| %s%s | %s |\n", cases[i].name, cases[i].fold == 32
                   ? " (binary32 fold)" : cases[i].fold == 64
                   ? " (binary64 fold)" : "", r);
        }
        return 0;
    }
    s = suite_create("onnx");
    {
        TCase *tc = tcase_create("core");
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_natural_mlp);
        tcase_add_test(tc, test_residual);
        tcase_add_test(tc, test_refusals);
        tcase_add_test(tc, test_carry_max);
        tcase_add_test(tc, test_carry_nonneg);
        tcase_add_test(tc, test_batchnorm_fold);
        if (access(node_dir(), R_OK) == 0)
            tcase_add_test(tc, test_node_models);
        else
            fprintf(stderr, "%s missing: node test models skipped\n",
                    node_dir());
        suite_add_tcase(s, tc);
    }
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
