/* ONNX import checked against a second algorithm: every lowering rule of
   the importer (onnx_net_read_buf: graph -> relu/identity layers) is
   compared EXACTLY with tests/onnx_ref.c, an interpreter that evaluates
   the graph op by op on rational tensors, at random rational points and
   at points on kinks (zeros of pre-activations, ties of Max and MaxPool).
   The interpreter itself is checked on the ONNX project's node test data
   (Debian libonnx-testdata): its exact results, rounded as the stored
   float outputs were, must reproduce them. */
#include <check.h>
#include <math.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"
#include "onnx_ref.h"
#include "onnx_build.h"

#if defined(__has_include)
#if __has_include("cpwl/onnx.h")
#define HAVE_ONNX_IMPORTER 1
#endif
#endif

#ifdef HAVE_ONNX_IMPORTER
#include "cpwl/onnx.h"
#else
/* The importer is written on another branch (include/cpwl/onnx.h, API of
   issue 13).  Until it is merged these stand-ins let this file build;
   the lowering checks then only run the interpreter on the models. */
typedef struct
{
    int fold_batchnorm;
    slong nconst;
    const void **const_tensors;
    const size_t *const_lens;
}
onnx_opts_struct;

static void onnx_opts_init(onnx_opts_struct *opts)
{
    memset(opts, 0, sizeof *opts);
}

static int onnx_net_read_buf(net_t net, const void *buf, size_t len,
                             const char *where, const onnx_opts_struct *opts,
                             err_t e)
{
    (void) net;
    (void) buf;
    (void) len;
    (void) opts;
    return err_set(e, CPWL_ERR_INTERNAL, "%s: no ONNX importer", where);
}
#endif

#ifdef HAVE_ONNX_IMPORTER
#define IMPORTER 1
#else
#define IMPORTER 0
#endif

/* ---- values in a float type ------------------------------------------- */

static int type_prec(int type)
{
    return type == ONB_F16 ? 11 : type == ONB_BF16 ? 8
        : type == ONB_F32 ? 24 : 53;
}

/* A random nonzero value of the type of magnitude in [2^-4, 4): all of
   its significand bits drawn. */
static double rand_in(test_rng *r, int type)
{
    int p = type_prec(type);
    uint64_t m = (test_next(r) >> (64 - p)) | (UINT64_C(1) << (p - 1));
    double x = ldexp((double) m, (int) test_range(r, -4, 1) - (p - 1));
    return test_next(r) & 1 ? -x : x;
}

/* The special values of a type: smallest and largest subnormal (or
   smallest value), negative zero, largest finite, and a small value. */
static double special_in(test_rng *r, int type)
{
    static const double f16[] = { 0x1p-24, -0x3ffp-24, -0.0, 65504.0,
                                  -65504.0, 0x1p-14 };
    static const double bf16[] = { 0x1p-133, -0x7fp-133, -0.0, 0x1.fep127,
                                   -0x1.fep127, 0x1p-126 };
    static const double f32[] = { 0x1p-149, -0x7fffffp-149, -0.0, FLT_MAX,
                                  -FLT_MAX, 0x1p-126 };
    static const double f64[] = { 0x1p-1074, -0xfffffffffffffp-1074, -0.0,
                                  DBL_MAX, -DBL_MAX, 0x1p-1022 };
    slong k = test_range(r, 0, 5);
    return type == ONB_F16 ? f16[k] : type == ONB_BF16 ? bf16[k]
        : type == ONB_F32 ? f32[k] : f64[k];
}

static double *rand_vals(test_rng *r, int type, slong n, int special)
{
    double *v = malloc((size_t) (n > 0 ? n : 1) * sizeof(double));
    slong i;
    for (i = 0; i < n; i++)
        v[i] = special && test_range(r, 0, 2) == 0 ? special_in(r, type)
            : rand_in(r, type);
    return v;
}

static Onnx__TensorProto *rand_init(onb_t B, test_rng *r, const char *name,
                                    int type, int enc, slong ndim,
                                    const slong *dims, int special)
{
    slong n = 1, i;
    double *v;
    Onnx__TensorProto *t;
    for (i = 0; i < ndim; i++)
        n *= dims[i];
    v = rand_vals(r, type, n, special);
    t = onb_initializer(B, name, type, enc, ndim, dims, v);
    free(v);
    return t;
}

/* ---- comparing the importer with the interpreter ----------------------- */

static slong input_dims(slong *dims, const Onnx__ModelProto *m)
{
    const Onnx__TypeProto *tp = m->graph->input[0]->type;
    const Onnx__TensorShapeProto *sh = tp->tensor_type->shape;
    size_t i;
    for (i = 0; i < sh->n_dim; i++)
        dims[i] = sh->dim[i]->dim_value;
    return (slong) sh->n_dim;
}

/* x: random small fractions (kind 0), values in {-1, -1/2, 0, 1/2, 1} so
   that Max, MaxPool and relu(x) sit on ties and zeros (kind 1), or
   rationals of 20-bit numerators and denominators (kind 2). */
static void rand_point(fmpq *x, slong n, test_rng *r, int kind)
{
    slong i;
    for (i = 0; i < n; i++)
        if (kind == 1)
            fmpq_set_si(x + i, test_range(r, -2, 2), 2);
        else
            test_fmpq(x + i, r, kind == 0 ? TEST_FRACTIONS : 20);
}

static void eval_ref(oref_tensor_t y, const Onnx__ModelProto *m, slong out,
                     const fmpq *x, const slong *dims, slong ndim,
                     const oref_tensor_struct *consts, slong nconst,
                     int bn_bits)
{
    oref_tensor_struct *ins = flint_malloc((nconst + 1) * sizeof *ins);
    oref_tensor_struct *outs;
    char msg[600];
    slong i;
    oref_tensor_init(ins);
    oref_tensor_set_shape(ins, ndim, dims);
    for (i = 0; i < ins->size; i++)
        fmpq_set(ins->v + i, x + i);
    for (i = 0; i < nconst; i++)
    {
        oref_tensor_init(ins + 1 + i);
        oref_tensor_set(ins + 1 + i, consts + i);
    }
    outs = flint_malloc(m->graph->n_output * sizeof *outs);
    for (i = 0; i < (slong) m->graph->n_output; i++)
        oref_tensor_init(outs + i);
    if (!oref_eval(outs, m, ins, nconst + 1, bn_bits, msg, sizeof msg))
        ck_abort_msg("interpreter: %s", msg);
    oref_tensor_set(y, outs + out);
    for (i = 0; i < (slong) m->graph->n_output; i++)
        oref_tensor_clear(outs + i);
    for (i = 0; i <= nconst; i++)
        oref_tensor_clear(ins + i);
    flint_free(ins);
    flint_free(outs);
}

/* A point where the affine tensor `pre` (graph output 1 of B's model) has
   a zero entry: on the line x0 + t d, pre is affine in t. */
static int kink_point(fmpq *x, onb_t B, slong n, const slong *dims,
                      slong ndim, const oref_tensor_struct *consts,
                      slong nconst, int bn_bits, test_rng *r)
{
    fmpq *d = _fmpq_vec_init(n);
    oref_tensor_t p0, p1;
    fmpq_t t;
    slong i, k, tries;
    int found = 0;
    oref_tensor_init(p0);
    oref_tensor_init(p1);
    fmpq_init(t);
    for (tries = 0; tries < 10 && !found; tries++)
    {
        rand_point(x, n, r, 0);
        rand_point(d, n, r, 0);
        eval_ref(p0, &B->model, 1, x, dims, ndim, consts, nconst, bn_bits);
        for (i = 0; i < n; i++)
            fmpq_add(d + i, d + i, x + i);
        eval_ref(p1, &B->model, 1, d, dims, ndim, consts, nconst, bn_bits);
        for (i = 0; i < n; i++)
            fmpq_sub(d + i, d + i, x + i);
        k = test_range(r, 0, p0->size - 1);
        for (i = 0; i < p0->size && !found; i++, k = (k + 1) % p0->size)
        {
            slong j;
            fmpq_sub(t, p1->v + k, p0->v + k);
            if (fmpq_is_zero(t))
                continue;
            fmpq_div(t, p0->v + k, t);
            fmpq_neg(t, t);
            for (j = 0; j < n; j++)
                fmpq_addmul(x + j, d + j, t);
            found = 1;
        }
    }
    /* the kink is real: the interpreter finds the zero there */
    if (found)
    {
        eval_ref(p0, &B->model, 1, x, dims, ndim, consts, nconst, bn_bits);
        for (i = 0, k = 0; i < p0->size; i++)
            k += fmpq_is_zero(p0->v + i);
        ck_assert_msg(k >= 1, "kink point misses the kink");
    }
    _fmpq_vec_clear(d, n);
    oref_tensor_clear(p0);
    oref_tensor_clear(p1);
    fmpq_clear(t);
    return found;
}

static int warned_no_importer = 0;

/* Import B's model (its first graph output) and compare with the
   interpreter at npts points of each kind (and at kinks of graph output
   `pre` when B declares a second output).  Returns the points checked
   against the importer.  net (may be NULL) receives the imported net. */
static slong check_model_opts(onb_t B, test_rng *r, slong npts,
                              const onnx_opts_struct *opts,
                              const oref_tensor_struct *consts, slong nconst,
                              const char *what, net_t keep)
{
    size_t len, nout = B->graph.n_output;
    uint8_t *buf;
    size_t nnode, real;
    Onnx__ModelProto *m;
    slong dims[OREF_MAX_DIMS], ndim, n, i, k, kind, checked = 0;
    int bn_bits = opts->fold_batchnorm == 32 ? 24
        : opts->fold_batchnorm == 64 ? 53 : 0;
    net_t net;
    err_t e;
    fmpq *x, *y;
    oref_tensor_t ref;
    int have_net;

    nnode = B->graph.n_node;
    real = 0;
    while (real < nnode
           && strncmp(B->graph.node[real]->name, "oracle_", 7) != 0)
        real++;
    /* the importer sees one output and no oracle_ nodes (they compute
       the kink tensor `pre` for the interpreter) */
    B->graph.n_output = 1;
    B->graph.n_node = real;
    buf = onb_pack(B, &len);
    B->graph.n_output = nout;
    B->graph.n_node = nnode;
    m = onnx__model_proto__unpack(NULL, len, buf);
    ck_assert_msg(m != NULL, "%s: protobuf-c cannot read back the model",
                  what);
    ndim = input_dims(dims, m);
    for (i = 0, n = 1; i < ndim; i++)
        n *= dims[i];
    net_init(net, n);
    err_init(e);
    have_net = IMPORTER;
    if (IMPORTER)
    {
        int st = onnx_net_read_buf(net, buf, len, what, opts, e);
        ck_assert_msg(st == CPWL_OK, "%s: import failed: %s", what, e->msg);
        ck_assert_int_eq(net->input_dim, n);
    }
    else if (!warned_no_importer)
    {
        fprintf(stderr, "test_onnx_lower: cpwl/onnx.h absent, the "
                "interpreter runs alone\n");
        warned_no_importer = 1;
    }
    x = _fmpq_vec_init(n);
    oref_tensor_init(ref);
    y = NULL;
    for (kind = 0; kind < 4; kind++)
        for (k = 0; k < npts; k++)
        {
            if (kind == 3)
            {
                if (nout < 2
                    || !kink_point(x, B, n, dims, ndim, consts, nconst,
                                   bn_bits, r))
                    break;
            }
            else
                rand_point(x, n, r, kind);
            eval_ref(ref, m, 0, x, dims, ndim, consts, nconst, bn_bits);
            if (!have_net)
                continue;
            if (y == NULL)
            {
                ck_assert_msg(net_output_dim(net) == ref->size,
                              "%s: %ld outputs, the graph has %ld", what,
                              (long) net_output_dim(net), (long) ref->size);
                y = _fmpq_vec_init(ref->size);
            }
            net_eval_fmpq(y, net, x);
            for (i = 0; i < ref->size; i++)
                if (!fmpq_equal(y + i, ref->v + i))
                {
                    slong j;
                    fprintf(stderr, "x =");
                    for (j = 0; j < n; j++)
                        fprintf(stderr, " %s", fmpq_get_str(NULL, 10, x + j));
                    ck_abort_msg("%s: output %ld at x (above, point kind "
                                 "%ld): imported net gives %s, the graph %s",
                                 what, (long) i, (long) kind,
                                 fmpq_get_str(NULL, 10, y + i),
                                 fmpq_get_str(NULL, 10, ref->v + i));
                }
            checked++;
        }
    if (keep != NULL)
        net_swap(keep, net);
    if (y != NULL)
        _fmpq_vec_clear(y, ref->size);
    _fmpq_vec_clear(x, n);
    oref_tensor_clear(ref);
    net_clear(net);
    onnx__model_proto__free_unpacked(m, NULL);
    free(buf);
    return checked;
}

static slong check_model(onb_t B, test_rng *r, slong npts, int fold,
                         const char *what)
{
    onnx_opts_struct o;
    onnx_opts_init(&o);
    o.fold_batchnorm = fold;
    return check_model_opts(B, r, npts, &o, NULL, 0, what, NULL);
}


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
                double *v = rand_vals(&r, types[t], 15, 1);
                Onnx__TensorProto *tp;
                oref_tensor_t T;
                char msg[300];
                onb_init(B, 13);
                oref_tensor_init(T);
                v[0] = special_in(&r, types[t]);
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

/* ---- one model per lowering rule ---------------------------------------- */

static const int all_types[] = { ONB_F32, ONB_F16, ONB_BF16, ONB_F64 };

/* A constant tensor whose entries are often in {-1, -1/2, 0, 1/2, 1}
   (ties and zeros with the points of rand_point kind 1). */
static void const_init(onb_t B, test_rng *r, const char *name, int type,
                       int enc, slong ndim, const slong *dims, int nonzero)
{
    slong n = 1, i;
    double *v;
    for (i = 0; i < ndim; i++)
        n *= dims[i];
    v = rand_vals(r, type, n, 0);
    for (i = 0; i < n; i++)
        if (test_range(r, 0, 1) == 0)
        {
            v[i] = (double) test_range(r, -2, 2) / 2;
            if (nonzero && v[i] == 0)
                v[i] = 0.5;
        }
    onb_initializer(B, name, type, enc, ndim, dims, v);
    free(v);
}

static double small_f32(test_rng *r)
{
    static const double a[] = { 1, 0.5, -1.25, 3, 0.1f, -0.75 };
    return a[test_range(r, 0, 5)];
}

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
    rand_init(B, r, "W", type, enc, 2, w, 1);
    if (cv == 0)
        const_init(B, r, "C", type, enc, 1, c + 1, 0);
    else if (cv == 1)
        const_init(B, r, "C", type, enc, 2, c, 0);
    else if (cv == 2)
        const_init(B, r, "C", type, enc, 1, c, 0);
    n = onb_node(B, "Gemm", "gemm1", cv == 3 ? "x,W" : "x,W,C", "z");
    onb_attr_i(B, n, "transA", ta);
    onb_attr_i(B, n, "transB", tb);
    if (test_range(r, 0, 1))
    {
        onb_attr_f(B, n, "alpha", (float) small_f32(r));
        onb_attr_f(B, n, "beta", (float) small_f32(r));
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
        rand_init(B, r, "W", type, enc, 2, wl, 0);
        onb_node(B, "MatMul", "mm1", "W,x", "z");
        onb_node(B, "LeakyRelu", "lr1", "z", "y");
    }
    else
    {
        onb_input(B, "x", v == 0 ? 2 : 1, v == 0 ? x2 : x1);
        rand_init(B, r, "W", type, enc, 2, w, 0);
        const_init(B, r, "b", type, enc, 1, b, 0);
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
    const_init(B, r, "c", type, enc, ranks[s], shapes[s], op == 3);
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
    const_init(B, r, "c", type, enc, 1, x + 2, 0);
    onb_node(B, "Add", "add1", "x,c", "z");
    if (a == 0)
        onb_node(B, "Relu", "act1", "z", "y");
    else if (a == 1)
    {
        n = onb_node(B, "LeakyRelu", "act1", "z", "y");
        if (test_range(r, 0, 3) > 0)
            onb_attr_f(B, n, "alpha", (float) rand_in(r, ONB_F32));
    }
    else if (a == 2)
        onb_node(B, "Abs", "act1", "z", "y");
    else
    {
        k = test_range(r, 0, 2);
        rand_init(B, r, "slope", type, enc, sr[k], sl[k], 0);
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
    const_init(B, r, "c1", type, enc, 1, c1, 0);
    const_init(B, r, "c2", type, enc, 2, c2, 0);
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
    rand_init(B, r, "W", type, enc, 4, w, 0);
    const_init(B, r, "B", type, enc, 1, b, 0);
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
        const_init(B, r, "c", type, enc, 3, cd, 0);
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
    double *v = rand_vals(r, type, 6, 1);
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
    rand_init(B, r, "scale", type, enc, 1, c, 0);
    const_init(B, r, "bias", type, enc, 1, c, 0);
    const_init(B, r, "mean", type, enc, 1, c, 0);
    for (i = 0; i < 3; i++)
        var[i] = fabs(rand_in(r, type));
    onb_initializer(B, "var", type, enc, 1, c, var);
    n = onb_node(B, "BatchNormalization", "bn1", "x,scale,bias,mean,var",
                 "z");
    if (test_range(r, 0, 1))
        onb_attr_f(B, n, "epsilon", (float) ldexp(rand_in(r, ONB_F32), -10));
    onb_node(B, "Relu", "relu1", "z", "y");
    onb_output(B, "y", 0, NULL);
    onb_output(B, "z", 0, NULL);
}

typedef void (*model_fn) (onb_t B, test_rng *r, int type, int enc);

static void run_models(model_fn f, const char *what, slong iters, int fold,
                       uint64_t seed)
{
    test_rng r;
    slong it, checked = 0;
    char name[64];
    r.s = seed;
    for (it = 0; it < test_iters(iters); it++)
    {
        onb_t B;
        int type = all_types[it % 4], enc = (int) ((it / 4) % 2);
        f(B, &r, type, enc);
        snprintf(name, sizeof name, "%s #%ld", what, (long) it);
        checked += check_model(B, &r, 3, fold, name);
        onb_clear(B);
    }
    if (IMPORTER)
        ck_assert(checked >= 3 * test_iters(iters));
}

START_TEST(test_lower_gemm)
{
    run_models(model_gemm, "Gemm-Relu", 16, 0, test_seed(0x6e11));
}
END_TEST

START_TEST(test_lower_matmul)
{
    run_models(model_matmul, "MatMul-Add-Relu", 16, 0, test_seed(0x6e12));
}
END_TEST

START_TEST(test_lower_arith)
{
    run_models(model_arith, "Add/Sub/Mul/Div", 24, 0, test_seed(0x6e13));
}
END_TEST

START_TEST(test_lower_act)
{
    run_models(model_act, "activation", 24, 0, test_seed(0x6e14));
}
END_TEST

START_TEST(test_lower_clip)
{
    run_models(model_clip, "Clip", 16, 0, test_seed(0x6e15));
}
END_TEST

START_TEST(test_lower_max)
{
    run_models(model_max, "Max", 16, 0, test_seed(0x6e16));
}
END_TEST

START_TEST(test_lower_pool)
{
    run_models(model_pool, "pool", 16, 0, test_seed(0x6e17));
}
END_TEST

START_TEST(test_lower_conv)
{
    run_models(model_conv, "Conv-Relu", 8, 0, test_seed(0x6e18));
}
END_TEST

START_TEST(test_lower_shape)
{
    run_models(model_shape, "data movement", 20, 0, test_seed(0x6e19));
}
END_TEST

START_TEST(test_lower_constant)
{
    run_models(model_constant, "Constant-MatMul", 8, 0, test_seed(0x6e1a));
}
END_TEST

START_TEST(test_lower_batchnorm)
{
    run_models(model_batchnorm, "BatchNormalization/32", 8, 32,
               test_seed(0x6e1b));
    run_models(model_batchnorm, "BatchNormalization/64", 8, 64,
               test_seed(0x6e1c));
}
END_TEST

static Suite *onnx_lower_suite(void)
{
    Suite *s = suite_create("onnx_lower");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_oracle_node_data);
    tcase_add_test(tc, test_decode);
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
