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
    Onnx__ModelProto *m;
    slong dims[OREF_MAX_DIMS], ndim, n, i, k, kind, checked = 0;
    int bn_bits = opts->fold_batchnorm == 32 ? 24
        : opts->fold_batchnorm == 64 ? 53 : 0;
    net_t net;
    err_t e;
    fmpq *x, *y;
    oref_tensor_t ref;
    int have_net;

    B->graph.n_output = 1;      /* the importer sees one output */
    buf = onb_pack(B, &len);
    B->graph.n_output = nout;
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

static Suite *onnx_lower_suite(void)
{
    Suite *s = suite_create("onnx_lower");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_oracle_node_data);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(onnx_lower_suite());
}
