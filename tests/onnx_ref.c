/* The exact ONNX interpreter of the tests (onnx_ref.h).  Written from the
   ONNX operator specification, independently of src/onnx: every op works
   on whole rational tensors, so a lowering mistake of the importer (a
   wrong gadget, index or transpose) cannot be repeated here. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "onnx_ref_impl.h"

/* v always has size + 1 entries, so that empty tensors own memory too. */
void oref_tensor_init(oref_tensor_t t)
{
    t->ndim = 0;
    t->size = 1;
    t->v = _fmpq_vec_init(2);
}

void oref_tensor_clear(oref_tensor_t t)
{
    _fmpq_vec_clear(t->v, t->size + 1);
}

void oref_tensor_set_shape(oref_tensor_t t, slong ndim, const slong *dims)
{
    slong i, size = 1;
    for (i = 0; i < ndim; i++)
        size *= dims[i];
    _fmpq_vec_clear(t->v, t->size + 1);
    t->ndim = ndim;
    for (i = 0; i < ndim; i++)
        t->dims[i] = dims[i];
    t->size = size;
    t->v = _fmpq_vec_init(size + 1);
}

void oref_tensor_set(oref_tensor_t t, const oref_tensor_t s)
{
    slong i;
    if (t == s)
        return;
    oref_tensor_set_shape(t, s->ndim, s->dims);
    for (i = 0; i < s->size; i++)
        fmpq_set(t->v + i, s->v + i);
}

/* ---- IEEE bit fields ------------------------------------------------- */

/* q = (-1)^sign * m * 2^e */
static void set_sme(fmpq_t q, int sign, uint64_t m, slong e)
{
    fmpz_set_ui(fmpq_numref(q), m);
    fmpz_one(fmpq_denref(q));
    if (e >= 0)
        fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q), (ulong) e);
    else
        fmpz_mul_2exp(fmpq_denref(q), fmpq_denref(q), (ulong) -e);
    fmpq_canonicalise(q);
    if (sign)
        fmpq_neg(q, q);
}

/* A binary format with `ebits` exponent bits and `fbits` fraction bits. */
static int ieee_bits(fmpq_t q, uint64_t bits, int ebits, int fbits)
{
    int sign = (int) ((bits >> (ebits + fbits)) & 1);
    uint64_t emax = (UINT64_C(1) << ebits) - 1;
    uint64_t ex = (bits >> fbits) & emax;
    uint64_t f = bits & ((UINT64_C(1) << fbits) - 1);
    slong bias = (slong) (emax >> 1);
    if (ex == emax)
        return 0;
    if (ex == 0)
        set_sme(q, sign, f, 1 - bias - fbits);
    else
        set_sme(q, sign, f | (UINT64_C(1) << fbits),
                (slong) ex - bias - fbits);
    return 1;
}

int oref_half_bits(fmpq_t q, uint32_t bits)
{
    return ieee_bits(q, bits & 0xffff, 5, 10);
}

int oref_bfloat_bits(fmpq_t q, uint32_t bits)
{
    return ieee_bits(q, bits & 0xffff, 8, 7);
}

int oref_float_bits(fmpq_t q, uint32_t bits)
{
    return ieee_bits(q, bits, 8, 23);
}

int oref_double_bits(fmpq_t q, uint64_t bits)
{
    return ieee_bits(q, bits, 11, 52);
}

/* ---- messages ---------------------------------------------------------- */

static int failf(char *msg, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return 0;
}

/* ---- tensor decoding --------------------------------------------------- */

static uint64_t le_bytes(const uint8_t *p, int n)
{
    uint64_t v = 0;
    int i;
    for (i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Element size in bytes of a supported data type, 0 otherwise. */
static int elem_size(int dt)
{
    switch (dt)
    {
        case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
        case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
            return 4;
        case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
        case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
            return 8;
        case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
        case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16:
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
        case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16:
            return 2;
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
        case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
        case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
            return 1;
        default:
            return 0;
    }
}

/* The value of one element given its bit pattern (zero-extended). */
static int elem_value(fmpq_t q, int dt, uint64_t bits)
{
    switch (dt)
    {
        case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
            return oref_float_bits(q, (uint32_t) bits);
        case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
            return oref_double_bits(q, bits);
        case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
            return oref_half_bits(q, (uint32_t) bits);
        case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16:
            return oref_bfloat_bits(q, (uint32_t) bits);
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
            fmpq_set_si(q, (int8_t) bits, 1);
            return 1;
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
            fmpq_set_si(q, (int16_t) bits, 1);
            return 1;
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
            fmpq_set_si(q, (int32_t) bits, 1);
            return 1;
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
            fmpz_set_si(fmpq_numref(q), (slong) (int64_t) bits);
            fmpz_one(fmpq_denref(q));
            return 1;
        default:                /* unsigned and bool */
            fmpz_set_ui(fmpq_numref(q), (ulong) bits);
            fmpz_one(fmpq_denref(q));
            return 1;
    }
}

int oref_tensor_decode(oref_tensor_t t, const Onnx__TensorProto *tp,
                       char *msg, size_t msglen)
{
    slong dims[OREF_MAX_DIMS], i, n;
    int dt = tp->has_data_type ? tp->data_type : 0;
    int es = elem_size(dt);
    const char *name = tp->name != NULL ? tp->name : "";
    if (es == 0)
        return failf(msg, msglen, "tensor %s: data type %d not supported",
                     name, dt);
    if (tp->has_data_location
        && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return failf(msg, msglen, "tensor %s: external data", name);
    if (tp->n_dims > OREF_MAX_DIMS)
        return failf(msg, msglen, "tensor %s: too many dims", name);
    for (i = 0; i < (slong) tp->n_dims; i++)
    {
        if (tp->dims[i] < 0)
            return failf(msg, msglen, "tensor %s: negative dim", name);
        dims[i] = (slong) tp->dims[i];
    }
    oref_tensor_set_shape(t, (slong) tp->n_dims, dims);
    n = t->size;
    if (tp->has_raw_data)
    {
        if (tp->raw_data.len != (size_t) n * (size_t) es)
            return failf(msg, msglen, "tensor %s: raw_data has %zu bytes, "
                         "expected %ld", name, tp->raw_data.len,
                         (long) (n * es));
        for (i = 0; i < n; i++)
            if (!elem_value(t->v + i, dt,
                            le_bytes(tp->raw_data.data + i * es, es)))
                return failf(msg, msglen, "tensor %s: not finite", name);
        return 1;
    }
    switch (dt)
    {
        case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
            if ((slong) tp->n_float_data != n)
                return failf(msg, msglen, "tensor %s: float_data size", name);
            for (i = 0; i < n; i++)
            {
                uint32_t b;
                memcpy(&b, tp->float_data + i, 4);
                if (!oref_float_bits(t->v + i, b))
                    return failf(msg, msglen, "tensor %s: not finite", name);
            }
            return 1;
        case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
            if ((slong) tp->n_double_data != n)
                return failf(msg, msglen, "tensor %s: double_data size", name);
            for (i = 0; i < n; i++)
            {
                uint64_t b;
                memcpy(&b, tp->double_data + i, 8);
                if (!oref_double_bits(t->v + i, b))
                    return failf(msg, msglen, "tensor %s: not finite", name);
            }
            return 1;
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
            if ((slong) tp->n_int64_data != n)
                return failf(msg, msglen, "tensor %s: int64_data size", name);
            for (i = 0; i < n; i++)
                elem_value(t->v + i, dt, (uint64_t) tp->int64_data[i]);
            return 1;
        case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
        case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
            if ((slong) tp->n_uint64_data != n)
                return failf(msg, msglen, "tensor %s: uint64_data size", name);
            for (i = 0; i < n; i++)
                elem_value(t->v + i, dt, tp->uint64_data[i]);
            return 1;
        default:                /* int32_data: small ints, float16 bits */
            if ((slong) tp->n_int32_data != n)
                return failf(msg, msglen, "tensor %s: int32_data size", name);
            for (i = 0; i < n; i++)
            {
                uint64_t b = (uint64_t) (uint32_t) tp->int32_data[i];
                if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT32
                    || dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT16
                    || dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT8)
                    b = (uint64_t) (int64_t) tp->int32_data[i];
                if (!elem_value(t->v + i, dt, b))
                    return failf(msg, msglen, "tensor %s: not finite", name);
            }
            return 1;
    }
}

/* ---- the environment of named values ----------------------------------- */

static oref_tensor_struct *env_find(oref_env_struct *E, const char *name)
{
    slong i;
    for (i = E->n - 1; i >= 0; i--)
        if (strcmp(E->names[i], name) == 0)
            return E->vals + i;
    return NULL;
}

static oref_tensor_struct *env_add(oref_env_struct *E, const char *name)
{
    if (E->n == E->alloc)
    {
        E->alloc = 2 * E->alloc + 8;
        E->names = flint_realloc(E->names, E->alloc * sizeof(char *));
        E->vals = flint_realloc(E->vals,
                                E->alloc * sizeof(oref_tensor_struct));
    }
    E->names[E->n] = name;
    oref_tensor_init(E->vals + E->n);
    return E->vals + E->n++;
}

int oref_fail(oref_env_struct *E, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    snprintf(E->msg, E->msglen, "node %s (%s): %s",
             E->node->name != NULL ? E->node->name : "",
             E->node->op_type != NULL ? E->node->op_type : "", buf);
    return 0;
}

const Onnx__AttributeProto *oref_attr(const Onnx__NodeProto *node,
                                        const char *name)
{
    size_t i;
    for (i = 0; i < node->n_attribute; i++)
        if (node->attribute[i]->name != NULL
            && strcmp(node->attribute[i]->name, name) == 0)
            return node->attribute[i];
    return NULL;
}

slong oref_attr_i(const Onnx__NodeProto *node, const char *name, slong d)
{
    const Onnx__AttributeProto *a = oref_attr(node, name);
    return a != NULL ? (slong) a->i : d;
}

/* A float attribute's exact value, or the float dflt when absent. */
int oref_attr_f(fmpq_t q, const Onnx__NodeProto *node, const char *name,
                  float dflt)
{
    const Onnx__AttributeProto *a = oref_attr(node, name);
    float f = a != NULL ? a->f : dflt;
    uint32_t b;
    memcpy(&b, &f, 4);
    return oref_float_bits(q, b);
}

/* The ints of an attribute, or NULL when absent. */
const int64_t *oref_attr_ints(slong *n, const Onnx__NodeProto *node,
                                const char *name)
{
    const Onnx__AttributeProto *a = oref_attr(node, name);
    *n = a != NULL ? (slong) a->n_ints : 0;
    return a != NULL ? a->ints : NULL;
}

/* A string attribute into buf (NUL-terminated), dflt when absent. */
const char *oref_attr_s(char *buf, size_t size,
                          const Onnx__NodeProto *node, const char *name,
                          const char *dflt)
{
    const Onnx__AttributeProto *a = oref_attr(node, name);
    size_t n;
    if (a == NULL || !a->has_s)
        return dflt;
    n = a->s.len < size - 1 ? a->s.len : size - 1;
    memcpy(buf, a->s.data, n);
    buf[n] = '\0';
    return buf;
}

/* Input k of the node, NULL when absent (or an empty name). */
oref_tensor_struct *oref_in(oref_env_struct *E, size_t k)
{
    if (k >= E->node->n_input || E->node->input[k][0] == '\0')
        return NULL;
    return env_find(E, E->node->input[k]);
}

/* ---- broadcasting ------------------------------------------------------ */


/* Broadcast shape of a and b (numpy rules), 0 when incompatible. */
int oref_bcast_shape(slong *ndim, slong *dims, const oref_tensor_struct *a,
                       const oref_tensor_struct *b)
{
    slong n = a->ndim > b->ndim ? a->ndim : b->ndim, i;
    for (i = 0; i < n; i++)
    {
        slong da = i < n - a->ndim ? 1 : a->dims[i - (n - a->ndim)];
        slong db = i < n - b->ndim ? 1 : b->dims[i - (n - b->ndim)];
        if (da != db && da != 1 && db != 1)
            return 0;
        dims[i] = da == 1 ? db : da;
    }
    *ndim = n;
    return 1;
}

/* Offset in t of the broadcast multi-index idx (of ndim entries). */
slong oref_bcast_off(const oref_tensor_struct *t, const slong *idx,
                       slong ndim)
{
    slong off = 0, i;
    for (i = 0; i < t->ndim; i++)
    {
        slong d = t->dims[i], j = idx[i + ndim - t->ndim];
        off = off * d + (d == 1 ? 0 : j);
    }
    return off;
}

void oref_unrank(slong *idx, slong lin, const slong *dims, slong ndim)
{
    slong i;
    for (i = ndim - 1; i >= 0; i--)
    {
        idx[i] = dims[i] > 0 ? lin % dims[i] : 0;
        lin = dims[i] > 0 ? lin / dims[i] : 0;
    }
}

int oref_binop(oref_env_struct *E, oref_tensor_t out,
                 const oref_tensor_struct *a, const oref_tensor_struct *b,
                 int op)
{
    slong ndim, dims[OREF_MAX_DIMS], idx[OREF_MAX_DIMS], k;
    oref_tensor_t r;
    if (!oref_bcast_shape(&ndim, dims, a, b))
        return oref_fail(E, "shapes do not broadcast");
    oref_tensor_init(r);
    oref_tensor_set_shape(r, ndim, dims);
    for (k = 0; k < r->size; k++)
    {
        const fmpq *x, *y;
        oref_unrank(idx, k, dims, ndim);
        x = a->v + oref_bcast_off(a, idx, ndim);
        y = b->v + oref_bcast_off(b, idx, ndim);
        switch (op)
        {
            case OREF_ADD:
                fmpq_add(r->v + k, x, y);
                break;
            case OREF_SUB:
                fmpq_sub(r->v + k, x, y);
                break;
            case OREF_MUL:
                fmpq_mul(r->v + k, x, y);
                break;
            case OREF_DIV:
                if (fmpq_is_zero(y))
                {
                    oref_tensor_clear(r);
                    return oref_fail(E, "division by zero");
                }
                fmpq_div(r->v + k, x, y);
                break;
            case OREF_MAX:
                fmpq_set(r->v + k, fmpq_cmp(x, y) >= 0 ? x : y);
                break;
            default:            /* PRelu: y is the slope */
                if (fmpq_sgn(x) < 0)
                    fmpq_mul(r->v + k, x, y);
                else
                    fmpq_set(r->v + k, x);
        }
    }
    oref_tensor_set(out, r);
    oref_tensor_clear(r);
    return 1;
}

/* ---- elementwise ------------------------------------------------------- */

static int op_clip(oref_env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = oref_in(E, 0);
    fmpq_t lo, hi;
    int has_lo = 0, has_hi = 0;
    slong k;
    if (X == NULL)
        return oref_fail(E, "no input");
    fmpq_init(lo);
    fmpq_init(hi);
    if (E->opset >= 11)
    {
        const oref_tensor_struct *L = oref_in(E, 1), *H = oref_in(E, 2);
        if ((L != NULL && L->size != 1) || (H != NULL && H->size != 1))
        {
            fmpq_clear(lo);
            fmpq_clear(hi);
            return oref_fail(E, "min and max must be scalars");
        }
        if ((has_lo = L != NULL))
            fmpq_set(lo, L->v);
        if ((has_hi = H != NULL))
            fmpq_set(hi, H->v);
    }
    else
    {
        if ((has_lo = oref_attr(E->node, "min") != NULL))
            oref_attr_f(lo, E->node, "min", 0);
        if ((has_hi = oref_attr(E->node, "max") != NULL))
            oref_attr_f(hi, E->node, "max", 0);
    }
    oref_tensor_set(out, X);
    for (k = 0; k < out->size; k++)
    {
        if (has_lo && fmpq_cmp(out->v + k, lo) < 0)
            fmpq_set(out->v + k, lo);
        if (has_hi && fmpq_cmp(out->v + k, hi) > 0)
            fmpq_set(out->v + k, hi);
    }
    fmpq_clear(lo);
    fmpq_clear(hi);
    return 1;
}

static int op_constant(oref_env_struct *E, oref_tensor_t out)
{
    const Onnx__AttributeProto *a;
    slong k;
    if ((a = oref_attr(E->node, "value")) != NULL && a->t != NULL)
        return oref_tensor_decode(out, a->t, E->msg, E->msglen)
            || oref_fail(E, "bad value tensor");
    if ((a = oref_attr(E->node, "value_float")) != NULL)
    {
        oref_tensor_set_shape(out, 0, NULL);
        return oref_attr_f(out->v, E->node, "value_float", 0);
    }
    if ((a = oref_attr(E->node, "value_int")) != NULL)
    {
        oref_tensor_set_shape(out, 0, NULL);
        fmpq_set_si(out->v, (slong) a->i, 1);
        return 1;
    }
    if ((a = oref_attr(E->node, "value_ints")) != NULL)
    {
        slong d = (slong) a->n_ints;
        oref_tensor_set_shape(out, 1, &d);
        for (k = 0; k < d; k++)
            fmpq_set_si(out->v + k, (slong) a->ints[k], 1);
        return 1;
    }
    if ((a = oref_attr(E->node, "value_floats")) != NULL)
    {
        slong d = (slong) a->n_floats;
        oref_tensor_set_shape(out, 1, &d);
        for (k = 0; k < d; k++)
        {
            uint32_t b;
            memcpy(&b, a->floats + k, 4);
            if (!oref_float_bits(out->v + k, b))
                return oref_fail(E, "value_floats not finite");
        }
        return 1;
    }
    return oref_fail(E, "no value attribute");
}

/* Evaluate the node into outs[0..n_output). */
static int eval_node(oref_env_struct *E, oref_tensor_struct *outs)
{
    const char *op = E->node->op_type;
    const oref_tensor_struct *X = oref_in(E, 0);
    slong k;
    fmpq_t al;
    size_t q;
    if (E->node->domain != NULL && E->node->domain[0] != '\0'
        && strcmp(E->node->domain, "ai.onnx") != 0)
        return oref_fail(E, "domain %s not supported", E->node->domain);
    for (q = 0; q < E->node->n_input; q++)
        if (E->node->input[q][0] != '\0' && oref_in(E, q) == NULL)
            return oref_fail(E, "input %s undefined", E->node->input[q]);
    if (strcmp(op, "Gemm") == 0)
        return oref_op_gemm(E, outs);
    if (strcmp(op, "MatMul") == 0)
        return oref_op_matmul(E, outs);
    if (strcmp(op, "Add") == 0 || strcmp(op, "Sub") == 0
        || strcmp(op, "Mul") == 0 || strcmp(op, "Div") == 0
        || strcmp(op, "PRelu") == 0)
    {
        int o = op[0] == 'A' ? OREF_ADD : op[0] == 'S' ? OREF_SUB
            : op[0] == 'M' ? OREF_MUL : op[0] == 'D' ? OREF_DIV : OREF_PRELU;
        if (X == NULL || oref_in(E, 1) == NULL)
            return oref_fail(E, "two inputs needed");
        return oref_binop(E, outs, X, oref_in(E, 1), o);
    }
    if (strcmp(op, "Max") == 0)
    {
        if (X == NULL)
            return oref_fail(E, "no input");
        oref_tensor_set(outs, X);
        for (q = 1; q < E->node->n_input; q++)
            if (!oref_binop(E, outs, outs, oref_in(E, q), OREF_MAX))
                return 0;
        return 1;
    }
    if (strcmp(op, "Relu") == 0 || strcmp(op, "Abs") == 0
        || strcmp(op, "LeakyRelu") == 0)
    {
        if (X == NULL)
            return oref_fail(E, "no input");
        fmpq_init(al);
        oref_attr_f(al, E->node, "alpha", 0.01f);
        oref_tensor_set(outs, X);
        for (k = 0; k < outs->size; k++)
            if (fmpq_sgn(outs->v + k) < 0)
            {
                if (op[0] == 'R')
                    fmpq_zero(outs->v + k);
                else if (op[0] == 'A')
                    fmpq_neg(outs->v + k, outs->v + k);
                else
                    fmpq_mul(outs->v + k, outs->v + k, al);
            }
        fmpq_clear(al);
        return 1;
    }
    if (strcmp(op, "Clip") == 0)
        return op_clip(E, outs);
    if (strcmp(op, "MaxPool") == 0 || strcmp(op, "AveragePool") == 0)
    {
        if (E->node->n_output > 1)
            return oref_fail(E, "the Indices output is not supported");
        if (oref_attr_i(E->node, "storage_order", 0) != 0)
            return oref_fail(E, "storage_order");
        return oref_op_pool(E, outs, op[0] == 'M');
    }
    if (strcmp(op, "Conv") == 0)
        return oref_op_conv(E, outs);
    if (strcmp(op, "Flatten") == 0)
        return oref_op_flatten(E, outs);
    if (strcmp(op, "Reshape") == 0)
        return oref_op_reshape(E, outs);
    if (strcmp(op, "Identity") == 0 || strcmp(op, "Dropout") == 0)
    {
        if (X == NULL)
            return oref_fail(E, "no input");
        oref_tensor_set(outs, X);
        if (E->node->n_output > 1)      /* Dropout's mask: all kept */
        {
            oref_tensor_set_shape(outs + 1, X->ndim, X->dims);
            for (k = 0; k < X->size; k++)
                fmpq_one(outs[1].v + k);
        }
        return 1;
    }
    if (strcmp(op, "Concat") == 0)
        return oref_op_concat(E, outs);
    if (strcmp(op, "BatchNormalization") == 0)
        return oref_op_batchnorm(E, outs);
    if (strcmp(op, "Constant") == 0)
        return op_constant(E, outs);
    return oref_fail(E, "op not supported");
}

static slong model_opset(const Onnx__ModelProto *model)
{
    size_t i;
    for (i = 0; i < model->n_opset_import; i++)
    {
        const Onnx__OperatorSetIdProto *o = model->opset_import[i];
        if (o->domain == NULL || o->domain[0] == '\0'
            || strcmp(o->domain, "ai.onnx") == 0)
            return o->has_version ? (slong) o->version : 1;
    }
    return 1;
}

int oref_eval(oref_tensor_struct *outs, const Onnx__ModelProto *model,
              const oref_tensor_struct *inputs, slong ninputs, int bn_bits,
              char *msg, size_t msglen)
{
    const Onnx__GraphProto *g = model->graph;
    oref_env_struct E;
    size_t i, j;
    int ok = 1;
    if (g == NULL)
        return failf(msg, msglen, "no graph");
    E.n = E.alloc = 0;
    E.names = NULL;
    E.vals = NULL;
    E.msg = msg;
    E.msglen = msglen;
    E.opset = model_opset(model);
    E.bn_bits = bn_bits;
    E.node = NULL;
    for (i = 0; i < g->n_initializer && ok; i++)
        ok = oref_tensor_decode(env_add(&E, g->initializer[i]->name),
                                g->initializer[i], msg, msglen);
    /* graph inputs shadow initialisers of the same name */
    for (i = 0; i < g->n_input && ok && (slong) i < ninputs; i++)
        oref_tensor_set(env_add(&E, g->input[i]->name), inputs + i);
    for (i = 0; i < g->n_node && ok; i++)
    {
        const Onnx__NodeProto *node = g->node[i];
        oref_tensor_struct *res;
        E.node = node;
        res = flint_malloc((node->n_output + 1) * sizeof(oref_tensor_struct));
        for (j = 0; j <= node->n_output; j++)
            oref_tensor_init(res + j);
        ok = eval_node(&E, res);
        for (j = 0; j < node->n_output && ok; j++)
            if (node->output[j][0] != '\0')
                oref_tensor_set(env_add(&E, node->output[j]), res + j);
        for (j = 0; j <= node->n_output; j++)
            oref_tensor_clear(res + j);
        flint_free(res);
    }
    for (i = 0; i < g->n_output && ok; i++)
    {
        oref_tensor_struct *t = env_find(&E, g->output[i]->name);
        if (t == NULL)
            ok = failf(msg, msglen, "graph output %s undefined",
                       g->output[i]->name);
        else
            oref_tensor_set(outs + i, t);
    }
    for (i = 0; i < (size_t) E.n; i++)
        oref_tensor_clear(E.vals + i);
    flint_free(E.names);
    flint_free(E.vals);
    return ok;
}
