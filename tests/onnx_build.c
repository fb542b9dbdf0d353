/* Small ONNX models built in C for the tests (onnx_build.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "onnx_build.h"

/* Fixed capacities: the test models are small. */
#define ONB_MAX_NODES 256
#define ONB_MAX_INITS 256
#define ONB_MAX_IO 16
#define ONB_MAX_ATTRS 16

void *onb_alloc(onb_t B, size_t size)
{
    void *p = calloc(1, size > 0 ? size : 1);
    if (p == NULL)
        abort();                /* tests only */
    if (B->nowned == B->aowned)
    {
        B->aowned = 2 * B->aowned + 64;
        B->owned = realloc(B->owned, B->aowned * sizeof(void *));
        if (B->owned == NULL)
            abort();
    }
    B->owned[B->nowned++] = p;
    return p;
}

char *onb_str(onb_t B, const char *s)
{
    char *t = onb_alloc(B, strlen(s) + 1);
    strcpy(t, s);
    return t;
}

void onb_init(onb_t B, slong opset)
{
    Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
    Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
    Onnx__OperatorSetIdProto o = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    B->owned = NULL;
    B->nowned = B->aowned = 0;
    B->model = m;
    B->graph = g;
    B->opset = o;
    B->opset.domain = onb_str(B, "");
    B->opset.has_version = 1;
    B->opset.version = opset;
    B->opsets[0] = &B->opset;
    B->model.has_ir_version = 1;
    B->model.ir_version = 8;
    B->model.producer_name = onb_str(B, "cpwl-tests");
    B->model.n_opset_import = 1;
    B->model.opset_import = B->opsets;
    B->model.graph = &B->graph;
    B->graph.name = onb_str(B, "g");
    B->graph.node = onb_alloc(B, ONB_MAX_NODES * sizeof(void *));
    B->graph.initializer = onb_alloc(B, ONB_MAX_INITS * sizeof(void *));
    B->graph.input = onb_alloc(B, ONB_MAX_IO * sizeof(void *));
    B->graph.output = onb_alloc(B, ONB_MAX_IO * sizeof(void *));
}

void onb_clear(onb_t B)
{
    slong i;
    for (i = 0; i < B->nowned; i++)
        free(B->owned[i]);
    free(B->owned);
}

static Onnx__ValueInfoProto *value_info(onb_t B, const char *name,
                                        slong ndim, const slong *dims)
{
    Onnx__ValueInfoProto vi0 = ONNX__VALUE_INFO_PROTO__INIT;
    Onnx__TypeProto tp0 = ONNX__TYPE_PROTO__INIT;
    Onnx__TypeProto__Tensor tt0 = ONNX__TYPE_PROTO__TENSOR__INIT;
    Onnx__TensorShapeProto sh0 = ONNX__TENSOR_SHAPE_PROTO__INIT;
    Onnx__ValueInfoProto *vi = onb_alloc(B, sizeof *vi);
    Onnx__TypeProto *tp = onb_alloc(B, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = onb_alloc(B, sizeof *tt);
    slong i;
    *vi = vi0;
    *tp = tp0;
    *tt = tt0;
    vi->name = onb_str(B, name);
    vi->type = tp;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    tt->has_elem_type = 1;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    if (dims != NULL)
    {
        Onnx__TensorShapeProto *sh = onb_alloc(B, sizeof *sh);
        *sh = sh0;
        sh->n_dim = (size_t) ndim;
        sh->dim = onb_alloc(B, (size_t) ndim * sizeof(void *));
        for (i = 0; i < ndim; i++)
        {
            Onnx__TensorShapeProto__Dimension d0 =
                ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
            sh->dim[i] = onb_alloc(B, sizeof *sh->dim[i]);
            *sh->dim[i] = d0;
            sh->dim[i]->value_case =
                ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            sh->dim[i]->dim_value = dims[i];
        }
        tt->shape = sh;
    }
    return vi;
}

void onb_input(onb_t B, const char *name, slong ndim, const slong *dims)
{
    B->graph.input[B->graph.n_input++] = value_info(B, name, ndim, dims);
}

void onb_output(onb_t B, const char *name, slong ndim, const slong *dims)
{
    B->graph.output[B->graph.n_output++] = value_info(B, name, ndim, dims);
}

void onb_output_shape(onb_t B, slong k, slong ndim, const slong *dims)
{
    B->graph.output[k] = value_info(B, B->graph.output[k]->name, ndim, dims);
}

/* Split "a,b,,c" into owned strings. */
static char **split(onb_t B, const char *s, size_t *n)
{
    size_t cnt = 1, i = 0;
    const char *p;
    char **v;
    if (*s == '\0')
    {
        *n = 0;
        return NULL;
    }
    for (p = s; *p; p++)
        cnt += *p == ',';
    v = onb_alloc(B, cnt * sizeof(char *));
    for (p = s;; p++)
    {
        const char *q = strchr(p, ',');
        size_t len = q != NULL ? (size_t) (q - p) : strlen(p);
        v[i] = onb_alloc(B, len + 1);
        memcpy(v[i++], p, len);
        if (q == NULL)
            break;
        p = q;
    }
    *n = cnt;
    return v;
}

Onnx__NodeProto *onb_node(onb_t B, const char *op, const char *name,
                          const char *inputs, const char *outputs)
{
    Onnx__NodeProto n0 = ONNX__NODE_PROTO__INIT;
    Onnx__NodeProto *n = onb_alloc(B, sizeof *n);
    *n = n0;
    n->op_type = onb_str(B, op);
    n->name = onb_str(B, name);
    n->input = split(B, inputs, &n->n_input);
    n->output = split(B, outputs, &n->n_output);
    n->attribute = onb_alloc(B, ONB_MAX_ATTRS * sizeof(void *));
    B->graph.node[B->graph.n_node++] = n;
    return n;
}

static Onnx__AttributeProto *new_attr(onb_t B, Onnx__NodeProto *n,
                                      const char *name, int type)
{
    Onnx__AttributeProto a0 = ONNX__ATTRIBUTE_PROTO__INIT;
    Onnx__AttributeProto *a = onb_alloc(B, sizeof *a);
    *a = a0;
    a->name = onb_str(B, name);
    a->has_type = 1;
    a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

void onb_attr_i(onb_t B, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a =
        new_attr(B, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
}

void onb_attr_f(onb_t B, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a =
        new_attr(B, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
}

void onb_attr_s(onb_t B, Onnx__NodeProto *n, const char *name,
                const char *v)
{
    Onnx__AttributeProto *a =
        new_attr(B, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.len = strlen(v);
    a->s.data = (uint8_t *) onb_str(B, v);
}

void onb_attr_ints(onb_t B, Onnx__NodeProto *n, const char *name, slong len,
                   const int64_t *v)
{
    Onnx__AttributeProto *a =
        new_attr(B, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = (size_t) len;
    a->ints = onb_alloc(B, (size_t) len * sizeof(int64_t));
    memcpy(a->ints, v, (size_t) len * sizeof(int64_t));
}

void onb_attr_t(onb_t B, Onnx__NodeProto *n, const char *name,
                Onnx__TensorProto *t)
{
    Onnx__AttributeProto *a =
        new_attr(B, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    a->t = t;
}

/* ---- encoding values ---------------------------------------------------- */

static uint32_t f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

/* binary16 bits of a representable double, by its exponent and
   significand. */
static uint32_t f16_bits(double x)
{
    uint32_t s = signbit(x) ? 0x8000u : 0;
    double a = fabs(x);
    int e;
    if (a == 0)
        return s;
    frexp(a, &e);               /* a = m 2^e, m in [1/2, 1) */
    if (e - 1 < -14)            /* subnormal: a = f 2^-24 */
        return s | (uint32_t) ldexp(a, 24);
    return s | ((uint32_t) (e - 1 + 15) << 10)
        | ((uint32_t) ldexp(a, 11 - e) & 0x3ffu);
}

uint64_t onb_bits(int type, double x)
{
    uint64_t b;
    switch (type)
    {
        case ONB_F32:
            return f32_bits((float) x);
        case ONB_BF16:
            return f32_bits((float) x) >> 16;
        case ONB_F16:
            return f16_bits(x);
        case ONB_I64:
            return (uint64_t) (int64_t) x;
        default:
            memcpy(&b, &x, 8);
            return b;
    }
}

int onb_exact_in(int type, double x)
{
    double a = fabs(x);
    int e;
    switch (type)
    {
        case ONB_F32:
            return (double) (float) x == x;
        case ONB_BF16:
            return (double) (float) x == x
                && (f32_bits((float) x) & 0xffff) == 0;
        case ONB_F16:
            if (a == 0)
                return 1;
            if (a > 65504)
                return 0;
            frexp(a, &e);
            /* 11 significant bits, none below 2^-24 */
            return ldexp(a, 24) == floor(ldexp(a, 24))
                && ldexp(a, 11 - e) == floor(ldexp(a, 11 - e));
        case ONB_I64:
            return x == floor(x) && a < 9007199254740992.0;
        default:
            return 1;
    }
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    int i;
    for (i = 0; i < n; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

Onnx__TensorProto *onb_tensor(onb_t B, const char *name, int type, int enc,
                              slong ndim, const slong *dims,
                              const double *vals)
{
    Onnx__TensorProto t0 = ONNX__TENSOR_PROTO__INIT;
    Onnx__TensorProto *t = onb_alloc(B, sizeof *t);
    slong i, n = 1;
    int es = type == ONB_F64 || type == ONB_I64 ? 8
        : type == ONB_F32 ? 4 : 2;
    *t = t0;
    t->name = onb_str(B, name);
    t->has_data_type = 1;
    t->data_type = type;
    t->n_dims = (size_t) ndim;
    t->dims = onb_alloc(B, (size_t) (ndim + 1) * sizeof(int64_t));
    for (i = 0; i < ndim; i++)
    {
        t->dims[i] = dims[i];
        n *= dims[i];
    }
    if (enc == ONB_RAW)
    {
        t->has_raw_data = 1;
        t->raw_data.len = (size_t) (n * es);
        t->raw_data.data = onb_alloc(B, t->raw_data.len);
        for (i = 0; i < n; i++)
            put_le(t->raw_data.data + i * es, onb_bits(type, vals[i]), es);
        return t;
    }
    switch (type)
    {
        case ONB_F32:
            t->n_float_data = (size_t) n;
            t->float_data = onb_alloc(B, (size_t) n * sizeof(float));
            for (i = 0; i < n; i++)
                t->float_data[i] = (float) vals[i];
            break;
        case ONB_F64:
            t->n_double_data = (size_t) n;
            t->double_data = onb_alloc(B, (size_t) n * sizeof(double));
            for (i = 0; i < n; i++)
                t->double_data[i] = vals[i];
            break;
        case ONB_I64:
            t->n_int64_data = (size_t) n;
            t->int64_data = onb_alloc(B, (size_t) n * sizeof(int64_t));
            for (i = 0; i < n; i++)
                t->int64_data[i] = (int64_t) vals[i];
            break;
        default:                /* float16, bfloat16: bits in int32_data */
            t->n_int32_data = (size_t) n;
            t->int32_data = onb_alloc(B, (size_t) n * sizeof(int32_t));
            for (i = 0; i < n; i++)
                t->int32_data[i] = (int32_t) onb_bits(type, vals[i]);
    }
    return t;
}

void onb_init_tensor(onb_t B, Onnx__TensorProto *t)
{
    B->graph.initializer[B->graph.n_initializer++] = t;
}

Onnx__TensorProto *onb_initializer(onb_t B, const char *name, int type,
                                   int enc, slong ndim, const slong *dims,
                                   const double *vals)
{
    Onnx__TensorProto *t = onb_tensor(B, name, type, enc, ndim, dims, vals);
    onb_init_tensor(B, t);
    return t;
}

uint8_t *onb_pack(onb_t B, size_t *len)
{
    uint8_t *buf;
    *len = onnx__model_proto__get_packed_size(&B->model);
    buf = malloc(*len > 0 ? *len : 1);
    if (buf == NULL)
        abort();
    onnx__model_proto__pack(&B->model, buf);
    return buf;
}

/* ---- random values in the float types ---------------------------------- */

int onb_prec(int type)
{
    return type == ONB_F16 ? 11 : type == ONB_BF16 ? 8
        : type == ONB_F32 ? 24 : 53;
}

/* A random nonzero value of the type of magnitude in [2^-4, 4): all of
   its significand bits drawn. */
double onb_rand_in(test_rng *r, int type)
{
    int p = onb_prec(type);
    uint64_t m = (test_next(r) >> (64 - p)) | (UINT64_C(1) << (p - 1));
    double x = ldexp((double) m, (int) test_range(r, -4, 1) - (p - 1));
    return test_next(r) & 1 ? -x : x;
}

/* The special values of a type: smallest and largest subnormal (or
   smallest value), negative zero, largest finite, and a small value. */
double onb_special_in(test_rng *r, int type)
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

double *onb_rand_vals(test_rng *r, int type, slong n, int special)
{
    double *v = malloc((size_t) (n > 0 ? n : 1) * sizeof(double));
    slong i;
    for (i = 0; i < n; i++)
        v[i] = special && test_range(r, 0, 2) == 0 ? onb_special_in(r, type)
            : onb_rand_in(r, type);
    return v;
}

Onnx__TensorProto *onb_rand_init(onb_t B, test_rng *r, const char *name,
                                    int type, int enc, slong ndim,
                                    const slong *dims, int special)
{
    slong n = 1, i;
    double *v;
    Onnx__TensorProto *t;
    for (i = 0; i < ndim; i++)
        n *= dims[i];
    v = onb_rand_vals(r, type, n, special);
    t = onb_initializer(B, name, type, enc, ndim, dims, v);
    free(v);
    return t;
}


const int onb_types[4] = { ONB_F32, ONB_F16, ONB_BF16, ONB_F64 };


/* A constant tensor whose entries are often in {-1, -1/2, 0, 1/2, 1}
   (ties and zeros with the points of ock_point kind 1). */
void onb_const_init(onb_t B, test_rng *r, const char *name, int type,
                       int enc, slong ndim, const slong *dims, int nonzero)
{
    slong n = 1, i;
    double *v;
    for (i = 0; i < ndim; i++)
        n *= dims[i];
    v = onb_rand_vals(r, type, n, 0);
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

/* A float32 multiplier: 1, 1/2, -5/4, 3, float(0.1), -3/4. */
double onb_small_f32(test_rng *r)
{
    static const double a[] = { 1, 0.5, -1.25, 3, 0.1f, -0.75 };
    return a[test_range(r, 0, 5)];
}
