/* The exact ONNX interpreter of the tests (onnx_ref.h).  Written from the
   ONNX operator specification, independently of src/onnx: every op works
   on whole rational tensors, so a lowering mistake of the importer (a
   wrong gadget, index or transpose) cannot be repeated here. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <gmp.h>
#include <mpfr.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "onnx_ref.h"

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
        set_sme(q, sign, f | (UINT64_C(1) << fbits), (slong) ex - bias - fbits);
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

typedef struct
{
    slong n, alloc;
    const char **names;
    oref_tensor_struct *vals;
    char *msg;
    size_t msglen;
    const Onnx__NodeProto *node;
    slong opset;
    int bn_bits;
}
env_struct;

static oref_tensor_struct *env_find(env_struct *E, const char *name)
{
    slong i;
    for (i = E->n - 1; i >= 0; i--)
        if (strcmp(E->names[i], name) == 0)
            return E->vals + i;
    return NULL;
}

static oref_tensor_struct *env_add(env_struct *E, const char *name)
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

static int nfail(env_struct *E, const char *fmt, ...)
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

static const Onnx__AttributeProto *attr(const Onnx__NodeProto *node,
                                        const char *name)
{
    size_t i;
    for (i = 0; i < node->n_attribute; i++)
        if (node->attribute[i]->name != NULL
            && strcmp(node->attribute[i]->name, name) == 0)
            return node->attribute[i];
    return NULL;
}

static slong attr_i(const Onnx__NodeProto *node, const char *name, slong d)
{
    const Onnx__AttributeProto *a = attr(node, name);
    return a != NULL ? (slong) a->i : d;
}

/* A float attribute's exact value, or the float dflt when absent. */
static int attr_f(fmpq_t q, const Onnx__NodeProto *node, const char *name,
                  float dflt)
{
    const Onnx__AttributeProto *a = attr(node, name);
    float f = a != NULL ? a->f : dflt;
    uint32_t b;
    memcpy(&b, &f, 4);
    return oref_float_bits(q, b);
}

/* The ints of an attribute, or NULL when absent. */
static const int64_t *attr_ints(slong *n, const Onnx__NodeProto *node,
                                const char *name)
{
    const Onnx__AttributeProto *a = attr(node, name);
    *n = a != NULL ? (slong) a->n_ints : 0;
    return a != NULL ? a->ints : NULL;
}

/* A string attribute into buf (NUL-terminated), dflt when absent. */
static const char *attr_s(char *buf, size_t size,
                          const Onnx__NodeProto *node, const char *name,
                          const char *dflt)
{
    const Onnx__AttributeProto *a = attr(node, name);
    size_t n;
    if (a == NULL || !a->has_s)
        return dflt;
    n = a->s.len < size - 1 ? a->s.len : size - 1;
    memcpy(buf, a->s.data, n);
    buf[n] = '\0';
    return buf;
}

/* Input k of the node, NULL when absent (or an empty name). */
static oref_tensor_struct *in(env_struct *E, size_t k)
{
    if (k >= E->node->n_input || E->node->input[k][0] == '\0')
        return NULL;
    return env_find(E, E->node->input[k]);
}

/* ---- broadcasting ------------------------------------------------------ */

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MAX, OP_PRELU };

/* Broadcast shape of a and b (numpy rules), 0 when incompatible. */
static int bcast_shape(slong *ndim, slong *dims, const oref_tensor_struct *a,
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
static slong bcast_off(const oref_tensor_struct *t, const slong *idx,
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

static void unrank(slong *idx, slong lin, const slong *dims, slong ndim)
{
    slong i;
    for (i = ndim - 1; i >= 0; i--)
    {
        idx[i] = dims[i] > 0 ? lin % dims[i] : 0;
        lin = dims[i] > 0 ? lin / dims[i] : 0;
    }
}

static int binop(env_struct *E, oref_tensor_t out,
                 const oref_tensor_struct *a, const oref_tensor_struct *b,
                 int op)
{
    slong ndim, dims[OREF_MAX_DIMS], idx[OREF_MAX_DIMS], k;
    oref_tensor_t r;
    if (!bcast_shape(&ndim, dims, a, b))
        return nfail(E, "shapes do not broadcast");
    oref_tensor_init(r);
    oref_tensor_set_shape(r, ndim, dims);
    for (k = 0; k < r->size; k++)
    {
        const fmpq *x, *y;
        unrank(idx, k, dims, ndim);
        x = a->v + bcast_off(a, idx, ndim);
        y = b->v + bcast_off(b, idx, ndim);
        switch (op)
        {
            case OP_ADD:
                fmpq_add(r->v + k, x, y);
                break;
            case OP_SUB:
                fmpq_sub(r->v + k, x, y);
                break;
            case OP_MUL:
                fmpq_mul(r->v + k, x, y);
                break;
            case OP_DIV:
                if (fmpq_is_zero(y))
                {
                    oref_tensor_clear(r);
                    return nfail(E, "division by zero");
                }
                fmpq_div(r->v + k, x, y);
                break;
            case OP_MAX:
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

/* ---- matrix products --------------------------------------------------- */

static int op_gemm(env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *A = in(E, 0), *B = in(E, 1), *C = in(E, 2);
    slong ta = attr_i(E->node, "transA", 0), tb = attr_i(E->node, "transB", 0);
    slong M, K, N, K2, i, j, k, dims[2];
    fmpq_t alpha, beta, t;
    if (A == NULL || B == NULL || A->ndim != 2 || B->ndim != 2)
        return nfail(E, "A and B must be matrices");
    M = ta ? A->dims[1] : A->dims[0];
    K = ta ? A->dims[0] : A->dims[1];
    K2 = tb ? B->dims[1] : B->dims[0];
    N = tb ? B->dims[0] : B->dims[1];
    if (K != K2)
        return nfail(E, "inner dimensions differ");
    fmpq_init(alpha);
    fmpq_init(beta);
    fmpq_init(t);
    attr_f(alpha, E->node, "alpha", 1.0f);
    attr_f(beta, E->node, "beta", 1.0f);
    dims[0] = M;
    dims[1] = N;
    oref_tensor_set_shape(out, 2, dims);
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++)
        {
            fmpq *y = out->v + i * N + j;
            for (k = 0; k < K; k++)
            {
                const fmpq *a = A->v + (ta ? k * M + i : i * K + k);
                const fmpq *b = B->v + (tb ? j * K + k : k * N + j);
                fmpq_addmul(y, a, b);
            }
            fmpq_mul(y, y, alpha);
        }
    if (C != NULL)
    {
        oref_tensor_t bc;
        slong nd, bd[OREF_MAX_DIMS];
        if (!bcast_shape(&nd, bd, out, C) || nd != 2 || bd[0] != M
            || bd[1] != N)
        {
            fmpq_clear(alpha);
            fmpq_clear(beta);
            fmpq_clear(t);
            return nfail(E, "C does not broadcast to (M, N)");
        }
        oref_tensor_init(bc);
        oref_tensor_set(bc, C);
        for (k = 0; k < bc->size; k++)
            fmpq_mul(bc->v + k, bc->v + k, beta);
        binop(E, out, out, bc, OP_ADD);
        oref_tensor_clear(bc);
    }
    fmpq_clear(alpha);
    fmpq_clear(beta);
    fmpq_clear(t);
    return 1;
}

static int op_matmul(env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *A0 = in(E, 0), *B0 = in(E, 1);
    oref_tensor_struct A, B;
    slong M, K, N, nb, bdims[OREF_MAX_DIMS], odims[OREF_MAX_DIMS], on;
    slong i, j, k, bi, nbatch, idx[OREF_MAX_DIMS];
    oref_tensor_struct ab, bb;      /* batch-dims-only shapes */
    if (A0 == NULL || B0 == NULL || A0->ndim < 1 || B0->ndim < 1)
        return nfail(E, "two inputs of rank >= 1 needed");
    /* views with 1-D operands promoted, sharing the entries */
    A = *A0;
    B = *B0;
    if (A.ndim == 1)
    {
        A.dims[1] = A.dims[0];
        A.dims[0] = 1;
        A.ndim = 2;
    }
    if (B.ndim == 1)
    {
        B.dims[1] = 1;
        B.ndim = 2;
    }
    M = A.dims[A.ndim - 2];
    K = A.dims[A.ndim - 1];
    N = B.dims[B.ndim - 1];
    if (B.dims[B.ndim - 2] != K)
        return nfail(E, "inner dimensions differ");
    ab.ndim = A.ndim - 2;
    bb.ndim = B.ndim - 2;
    for (i = 0; i < ab.ndim; i++)
        ab.dims[i] = A.dims[i];
    for (i = 0; i < bb.ndim; i++)
        bb.dims[i] = B.dims[i];
    if (!bcast_shape(&nb, bdims, &ab, &bb))
        return nfail(E, "batch dimensions do not broadcast");
    nbatch = 1;
    for (i = 0; i < nb; i++)
        nbatch *= bdims[i];
    on = 0;
    for (i = 0; i < nb; i++)
        odims[on++] = bdims[i];
    if (A0->ndim > 1)
        odims[on++] = M;
    if (B0->ndim > 1)
        odims[on++] = N;
    oref_tensor_set_shape(out, on, odims);
    for (bi = 0; bi < nbatch; bi++)
    {
        slong oa, ob;
        unrank(idx, bi, bdims, nb);
        oa = bcast_off(&ab, idx, nb) * M * K;
        ob = bcast_off(&bb, idx, nb) * K * N;
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++)
            {
                fmpq *y = out->v + (bi * M + i) * N + j;
                for (k = 0; k < K; k++)
                    fmpq_addmul(y, A.v + oa + i * K + k, B.v + ob + k * N + j);
            }
    }
    return 1;
}

/* ---- convolution and pooling ------------------------------------------- */

typedef struct
{
    slong S;                    /* spatial dims */
    slong k[OREF_MAX_DIMS], s[OREF_MAX_DIMS], d[OREF_MAX_DIMS];
    slong pb[OREF_MAX_DIMS], pe[OREF_MAX_DIMS];
    slong in[OREF_MAX_DIMS], out[OREF_MAX_DIMS];
}
window_struct;

/* Read kernel_shape (or take kdims), strides, pads, dilations, auto_pad
   and ceil_mode and compute the output sizes. */
static int window_setup(env_struct *E, window_struct *w,
                        const oref_tensor_struct *X, const slong *kdims)
{
    slong n, i;
    const int64_t *v;
    char apbuf[32];
    const char *ap = attr_s(apbuf, sizeof apbuf, E->node, "auto_pad",
                            "NOTSET");
    int ceil_mode = (int) attr_i(E->node, "ceil_mode", 0);
    if (X->ndim < 3 || X->ndim - 2 > OREF_MAX_DIMS / 2)
        return nfail(E, "input must be N x C x spatial");
    w->S = X->ndim - 2;
    v = attr_ints(&n, E->node, "kernel_shape");
    if (v == NULL && kdims == NULL)
        return nfail(E, "kernel_shape missing");
    if (v != NULL && n != w->S)
        return nfail(E, "kernel_shape has the wrong length");
    for (i = 0; i < w->S; i++)
    {
        w->in[i] = X->dims[2 + i];
        w->k[i] = v != NULL ? (slong) v[i] : kdims[i];
        w->s[i] = 1;
        w->d[i] = 1;
        w->pb[i] = w->pe[i] = 0;
    }
    if ((v = attr_ints(&n, E->node, "strides")) != NULL)
        for (i = 0; i < w->S && i < n; i++)
            w->s[i] = (slong) v[i];
    if ((v = attr_ints(&n, E->node, "dilations")) != NULL)
        for (i = 0; i < w->S && i < n; i++)
            w->d[i] = (slong) v[i];
    if ((v = attr_ints(&n, E->node, "pads")) != NULL)
    {
        if (n != 2 * w->S)
            return nfail(E, "pads has the wrong length");
        for (i = 0; i < w->S; i++)
        {
            w->pb[i] = (slong) v[i];
            w->pe[i] = (slong) v[i + w->S];
        }
    }
    for (i = 0; i < w->S; i++)
    {
        slong ext = (w->k[i] - 1) * w->d[i] + 1;
        if (w->s[i] < 1 || w->d[i] < 1 || w->k[i] < 1)
            return nfail(E, "bad window");
        if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0)
        {
            slong o = (w->in[i] + w->s[i] - 1) / w->s[i];
            slong tot = (o - 1) * w->s[i] + ext - w->in[i];
            if (tot < 0)
                tot = 0;
            w->pb[i] = ap[5] == 'U' ? tot / 2 : tot - tot / 2;
            w->pe[i] = tot - w->pb[i];
            w->out[i] = o;
            continue;
        }
        if (strcmp(ap, "VALID") == 0)
            w->pb[i] = w->pe[i] = 0;
        else if (strcmp(ap, "NOTSET") != 0)
            return nfail(E, "auto_pad %s not understood", ap);
        n = w->in[i] + w->pb[i] + w->pe[i] - ext;
        if (n < 0)
            return nfail(E, "window larger than the padded input");
        w->out[i] = (ceil_mode ? (n + w->s[i] - 1) / w->s[i]
                     : n / w->s[i]) + 1;
        /* ceil mode: a window must start inside the input or left pad */
        if (ceil_mode && (w->out[i] - 1) * w->s[i] >= w->in[i] + w->pb[i])
            w->out[i]--;
    }
    return 1;
}

static int op_pool(env_struct *E, oref_tensor_t out, int is_max)
{
    const oref_tensor_struct *X = in(E, 0);
    window_struct w;
    slong dims[OREF_MAX_DIMS], i, nc, nout, nk, c, o, kk;
    slong oi[OREF_MAX_DIMS], ki[OREF_MAX_DIMS];
    int cip = (int) attr_i(E->node, "count_include_pad", 0);
    if (X == NULL)
        return nfail(E, "no input");
    if (!window_setup(E, &w, X, NULL))
        return 0;
    dims[0] = X->dims[0];
    dims[1] = X->dims[1];
    nout = nk = 1;
    for (i = 0; i < w.S; i++)
    {
        dims[2 + i] = w.out[i];
        nout *= w.out[i];
        nk *= w.k[i];
    }
    oref_tensor_set_shape(out, X->ndim, dims);
    nc = X->dims[0] * X->dims[1];
    for (c = 0; c < nc; c++)
        for (o = 0; o < nout; o++)
        {
            fmpq *y = out->v + c * nout + o;
            slong cnt = 0, inpad = 0;
            int have = 0;
            unrank(oi, o, w.out, w.S);
            for (kk = 0; kk < nk; kk++)
            {
                slong off = 0, inside = 1, inpadded = 1;
                unrank(ki, kk, w.k, w.S);
                for (i = 0; i < w.S; i++)
                {
                    slong p = oi[i] * w.s[i] - w.pb[i] + ki[i] * w.d[i];
                    if (p < 0 || p >= w.in[i])
                        inside = 0;
                    if (p < -w.pb[i] || p >= w.in[i] + w.pe[i])
                        inpadded = 0;
                    off = off * w.in[i] + p;
                }
                inpad += inpadded;
                if (!inside)
                    continue;
                cnt++;
                if (is_max)
                {
                    if (!have || fmpq_cmp(X->v + c * (X->size / nc) + off, y) > 0)
                        fmpq_set(y, X->v + c * (X->size / nc) + off);
                    have = 1;
                }
                else
                    fmpq_add(y, y, X->v + c * (X->size / nc) + off);
            }
            if (cnt == 0)
                return nfail(E, "a window holds no input");
            if (!is_max)
            {
                fmpz_t dv;
                fmpz_init_set_ui(dv, (ulong) (cip ? inpad : cnt));
                fmpq_div_fmpz(y, y, dv);
                fmpz_clear(dv);
            }
        }
    return 1;
}

static int op_conv(env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = in(E, 0), *W = in(E, 1), *B = in(E, 2);
    window_struct w;
    slong g = attr_i(E->node, "group", 1);
    slong dims[OREF_MAX_DIMS], i, N, C, M, Cg, Mg, nout, nk, nin, n, m, o;
    slong cc, kk, oi[OREF_MAX_DIMS], ki[OREF_MAX_DIMS];
    if (X == NULL || W == NULL || W->ndim != X->ndim || X->ndim < 3)
        return nfail(E, "X and W of the same rank >= 3 needed");
    if (!window_setup(E, &w, X, W->dims + 2))
        return 0;
    N = X->dims[0];
    C = X->dims[1];
    M = W->dims[0];
    if (g < 1 || C % g != 0 || M % g != 0 || W->dims[1] * g != C)
        return nfail(E, "group does not divide the channels");
    for (i = 0; i < w.S; i++)
        if (W->dims[2 + i] != w.k[i])
            return nfail(E, "kernel_shape differs from W");
    if (B != NULL && (B->ndim != 1 || B->dims[0] != M))
        return nfail(E, "B must have M entries");
    Cg = C / g;
    Mg = M / g;
    dims[0] = N;
    dims[1] = M;
    nout = nk = nin = 1;
    for (i = 0; i < w.S; i++)
    {
        dims[2 + i] = w.out[i];
        nout *= w.out[i];
        nk *= w.k[i];
        nin *= w.in[i];
    }
    oref_tensor_set_shape(out, X->ndim, dims);
    for (n = 0; n < N; n++)
        for (m = 0; m < M; m++)
            for (o = 0; o < nout; o++)
            {
                fmpq *y = out->v + (n * M + m) * nout + o;
                slong grp = m / Mg;
                unrank(oi, o, w.out, w.S);
                for (cc = 0; cc < Cg; cc++)
                    for (kk = 0; kk < nk; kk++)
                    {
                        slong off = 0, inside = 1;
                        unrank(ki, kk, w.k, w.S);
                        for (i = 0; i < w.S; i++)
                        {
                            slong p = oi[i] * w.s[i] - w.pb[i] + ki[i] * w.d[i];
                            if (p < 0 || p >= w.in[i])
                                inside = 0;
                            off = off * w.in[i] + p;
                        }
                        if (!inside)
                            continue;
                        fmpq_addmul(y, X->v + (n * C + grp * Cg + cc) * nin + off,
                                    W->v + (m * Cg + cc) * nk + kk);
                    }
                if (B != NULL)
                    fmpq_add(y, y, B->v + m);
            }
    return 1;
}

/* ---- shapes ------------------------------------------------------------ */

static int op_flatten(env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = in(E, 0);
    slong axis = attr_i(E->node, "axis", 1), dims[2], i;
    if (X == NULL)
        return nfail(E, "no input");
    if (axis < 0)
        axis += X->ndim;
    if (axis < 0 || axis > X->ndim)
        return nfail(E, "axis out of range");
    dims[0] = dims[1] = 1;
    for (i = 0; i < X->ndim; i++)
        dims[i < axis ? 0 : 1] *= X->dims[i];
    oref_tensor_set(out, X);
    out->ndim = 2;
    out->dims[0] = dims[0];
    out->dims[1] = dims[1];
    return 1;
}

static int op_reshape(env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = in(E, 0), *S = in(E, 1);
    slong dims[OREF_MAX_DIMS], i, known = 1, neg = -1;
    int allowzero = (int) attr_i(E->node, "allowzero", 0);
    if (X == NULL || S == NULL || S->ndim != 1 || S->size > OREF_MAX_DIMS)
        return nfail(E, "data and a 1-D shape needed");
    for (i = 0; i < S->size; i++)
    {
        if (!fmpz_is_one(fmpq_denref(S->v + i))
            || !fmpz_fits_si(fmpq_numref(S->v + i)))
            return nfail(E, "shape is not integer");
        dims[i] = fmpz_get_si(fmpq_numref(S->v + i));
        if (dims[i] == 0 && !allowzero)
        {
            if (i >= X->ndim)
                return nfail(E, "0 copies a missing dimension");
            dims[i] = X->dims[i];
        }
        if (dims[i] == -1)
        {
            if (neg >= 0)
                return nfail(E, "two -1 in shape");
            neg = i;
        }
        else if (dims[i] < 0)
            return nfail(E, "negative shape entry");
        else
            known *= dims[i];
    }
    if (neg >= 0)
    {
        if (known == 0 || X->size % known != 0)
            return nfail(E, "-1 cannot be inferred");
        dims[neg] = X->size / known;
        known *= dims[neg];
    }
    if (known != X->size)
        return nfail(E, "shape has %ld entries, data %ld", (long) known,
                     (long) X->size);
    oref_tensor_set(out, X);
    out->ndim = S->size;
    for (i = 0; i < S->size; i++)
        out->dims[i] = dims[i];
    return 1;
}

static int op_concat(env_struct *E, oref_tensor_t out)
{
    slong axis = attr_i(E->node, "axis", 0), nd, dims[OREF_MAX_DIMS];
    slong outer = 1, inner = 1, i, p, k, pos = 0;
    size_t q;
    const oref_tensor_struct *T0 = in(E, 0);
    if (T0 == NULL)
        return nfail(E, "no input");
    nd = T0->ndim;
    if (axis < 0)
        axis += nd;
    if (axis < 0 || axis >= nd)
        return nfail(E, "axis out of range");
    for (i = 0; i < nd; i++)
        dims[i] = T0->dims[i];
    dims[axis] = 0;
    for (q = 0; q < E->node->n_input; q++)
    {
        const oref_tensor_struct *T = in(E, q);
        if (T == NULL || T->ndim != nd)
            return nfail(E, "inputs of different ranks");
        for (i = 0; i < nd; i++)
            if (i != axis && T->dims[i] != dims[i])
                return nfail(E, "inputs of different shapes");
        dims[axis] += T->dims[axis];
    }
    for (i = 0; i < axis; i++)
        outer *= dims[i];
    for (i = axis + 1; i < nd; i++)
        inner *= dims[i];
    oref_tensor_set_shape(out, nd, dims);
    for (p = 0; p < outer; p++)
        for (q = 0; q < E->node->n_input; q++)
        {
            const oref_tensor_struct *T = in(E, q);
            slong blk = T->dims[axis] * inner;
            for (k = 0; k < blk; k++)
                fmpq_set(out->v + pos + k, T->v + p * blk + k);
            pos += blk;
        }
    return 1;
}

/* ---- batch normalisation ----------------------------------------------- */

/* s = sqrt(q) rounded to nearest at `bits` bits (q > 0 dyadic). */
static int sqrt_rounded(fmpq_t s, const fmpq_t q, int bits)
{
    mpfr_t a, r;
    mpz_t z;
    fmpz_t m;
    slong k = fmpz_val2(fmpq_denref(q));
    mpfr_exp_t ex;
    if (fmpq_sgn(q) <= 0 || (slong) fmpz_bits(fmpq_denref(q)) != k + 1)
        return 0;
    mpz_init(z);
    fmpz_init(m);
    mpfr_init2(a, (mpfr_prec_t) fmpz_bits(fmpq_numref(q)) + 2);
    mpfr_init2(r, bits);
    fmpz_get_mpz(z, fmpq_numref(q));
    mpfr_set_z(a, z, MPFR_RNDN);            /* exact: enough bits */
    mpfr_div_2ui(a, a, (unsigned long) k, MPFR_RNDN);   /* exact */
    mpfr_sqrt(r, a, MPFR_RNDN);
    ex = mpfr_get_z_2exp(z, r);
    fmpz_set_mpz(m, z);
    fmpz_set(fmpq_numref(s), m);
    fmpz_one(fmpq_denref(s));
    if (ex >= 0)
        fmpz_mul_2exp(fmpq_numref(s), fmpq_numref(s), (ulong) ex);
    else
        fmpz_mul_2exp(fmpq_denref(s), fmpq_denref(s), (ulong) -ex);
    fmpq_canonicalise(s);
    mpfr_clear(a);
    mpfr_clear(r);
    mpz_clear(z);
    fmpz_clear(m);
    return 1;
}

static int op_batchnorm(env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = in(E, 0), *S = in(E, 1), *B = in(E, 2);
    const oref_tensor_struct *Mu = in(E, 3), *V = in(E, 4);
    slong C, inner, n, c, k;
    fmpq_t eps, a, t;
    int ok = 1;
    if (E->bn_bits == 0)
        return nfail(E, "BatchNormalization not folded");
    if (attr_i(E->node, "training_mode", 0) != 0)
        return nfail(E, "training_mode");
    if (X == NULL || S == NULL || B == NULL || Mu == NULL || V == NULL
        || X->ndim < 2)
        return nfail(E, "five inputs needed");
    C = X->dims[1];
    if (S->size != C || B->size != C || Mu->size != C || V->size != C)
        return nfail(E, "parameters must have C entries");
    inner = X->size / (X->dims[0] * C);
    fmpq_init(eps);
    fmpq_init(a);
    fmpq_init(t);
    attr_f(eps, E->node, "epsilon", 1e-5f);
    oref_tensor_set(out, X);
    for (c = 0; c < C && ok; c++)
    {
        fmpq_add(t, V->v + c, eps);
        if (!sqrt_rounded(a, t, E->bn_bits))
        {
            ok = nfail(E, "var + epsilon is not a positive float");
            break;
        }
        fmpq_div(a, S->v + c, a);
        for (n = 0; n < X->dims[0]; n++)
            for (k = 0; k < inner; k++)
            {
                fmpq *y = out->v + (n * C + c) * inner + k;
                fmpq_sub(y, y, Mu->v + c);
                fmpq_mul(y, y, a);
                fmpq_add(y, y, B->v + c);
            }
    }
    fmpq_clear(eps);
    fmpq_clear(a);
    fmpq_clear(t);
    return ok;
}

/* ---- elementwise ------------------------------------------------------- */

static int op_clip(env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = in(E, 0);
    fmpq_t lo, hi;
    int has_lo = 0, has_hi = 0;
    slong k;
    if (X == NULL)
        return nfail(E, "no input");
    fmpq_init(lo);
    fmpq_init(hi);
    if (E->opset >= 11)
    {
        const oref_tensor_struct *L = in(E, 1), *H = in(E, 2);
        if ((L != NULL && L->size != 1) || (H != NULL && H->size != 1))
        {
            fmpq_clear(lo);
            fmpq_clear(hi);
            return nfail(E, "min and max must be scalars");
        }
        if ((has_lo = L != NULL))
            fmpq_set(lo, L->v);
        if ((has_hi = H != NULL))
            fmpq_set(hi, H->v);
    }
    else
    {
        if ((has_lo = attr(E->node, "min") != NULL))
            attr_f(lo, E->node, "min", 0);
        if ((has_hi = attr(E->node, "max") != NULL))
            attr_f(hi, E->node, "max", 0);
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

static int op_constant(env_struct *E, oref_tensor_t out)
{
    const Onnx__AttributeProto *a;
    slong k;
    if ((a = attr(E->node, "value")) != NULL && a->t != NULL)
        return oref_tensor_decode(out, a->t, E->msg, E->msglen)
            || nfail(E, "bad value tensor");
    if ((a = attr(E->node, "value_float")) != NULL)
    {
        oref_tensor_set_shape(out, 0, NULL);
        return attr_f(out->v, E->node, "value_float", 0);
    }
    if ((a = attr(E->node, "value_int")) != NULL)
    {
        oref_tensor_set_shape(out, 0, NULL);
        fmpq_set_si(out->v, (slong) a->i, 1);
        return 1;
    }
    if ((a = attr(E->node, "value_ints")) != NULL)
    {
        slong d = (slong) a->n_ints;
        oref_tensor_set_shape(out, 1, &d);
        for (k = 0; k < d; k++)
            fmpq_set_si(out->v + k, (slong) a->ints[k], 1);
        return 1;
    }
    if ((a = attr(E->node, "value_floats")) != NULL)
    {
        slong d = (slong) a->n_floats;
        oref_tensor_set_shape(out, 1, &d);
        for (k = 0; k < d; k++)
        {
            uint32_t b;
            memcpy(&b, a->floats + k, 4);
            if (!oref_float_bits(out->v + k, b))
                return nfail(E, "value_floats not finite");
        }
        return 1;
    }
    return nfail(E, "no value attribute");
}

/* Evaluate the node into outs[0..n_output). */
static int eval_node(env_struct *E, oref_tensor_struct *outs)
{
    const char *op = E->node->op_type;
    const oref_tensor_struct *X = in(E, 0);
    slong k;
    fmpq_t al;
    size_t q;
    if (E->node->domain != NULL && E->node->domain[0] != '\0'
        && strcmp(E->node->domain, "ai.onnx") != 0)
        return nfail(E, "domain %s not supported", E->node->domain);
    for (q = 0; q < E->node->n_input; q++)
        if (E->node->input[q][0] != '\0' && in(E, q) == NULL)
            return nfail(E, "input %s undefined", E->node->input[q]);
    if (strcmp(op, "Gemm") == 0)
        return op_gemm(E, outs);
    if (strcmp(op, "MatMul") == 0)
        return op_matmul(E, outs);
    if (strcmp(op, "Add") == 0 || strcmp(op, "Sub") == 0
        || strcmp(op, "Mul") == 0 || strcmp(op, "Div") == 0
        || strcmp(op, "PRelu") == 0)
    {
        int o = op[0] == 'A' ? OP_ADD : op[0] == 'S' ? OP_SUB
            : op[0] == 'M' ? OP_MUL : op[0] == 'D' ? OP_DIV : OP_PRELU;
        if (X == NULL || in(E, 1) == NULL)
            return nfail(E, "two inputs needed");
        return binop(E, outs, X, in(E, 1), o);
    }
    if (strcmp(op, "Max") == 0)
    {
        if (X == NULL)
            return nfail(E, "no input");
        oref_tensor_set(outs, X);
        for (q = 1; q < E->node->n_input; q++)
            if (!binop(E, outs, outs, in(E, q), OP_MAX))
                return 0;
        return 1;
    }
    if (strcmp(op, "Relu") == 0 || strcmp(op, "Abs") == 0
        || strcmp(op, "LeakyRelu") == 0)
    {
        if (X == NULL)
            return nfail(E, "no input");
        fmpq_init(al);
        attr_f(al, E->node, "alpha", 0.01f);
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
            return nfail(E, "the Indices output is not supported");
        if (attr_i(E->node, "storage_order", 0) != 0)
            return nfail(E, "storage_order");
        return op_pool(E, outs, op[0] == 'M');
    }
    if (strcmp(op, "Conv") == 0)
        return op_conv(E, outs);
    if (strcmp(op, "Flatten") == 0)
        return op_flatten(E, outs);
    if (strcmp(op, "Reshape") == 0)
        return op_reshape(E, outs);
    if (strcmp(op, "Identity") == 0 || strcmp(op, "Dropout") == 0)
    {
        if (X == NULL)
            return nfail(E, "no input");
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
        return op_concat(E, outs);
    if (strcmp(op, "BatchNormalization") == 0)
        return op_batchnorm(E, outs);
    if (strcmp(op, "Constant") == 0)
        return op_constant(E, outs);
    return nfail(E, "op not supported");
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
    env_struct E;
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
