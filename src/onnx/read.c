/* ONNX import: decoding the model (protobuf-c), exact initialisers, the
   checks on the graph, and the walk over its nodes. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "cpwl/io.h"
#include "onnx_impl.h"

/* IR versions and default-domain opsets whose operators are lowered. */
#define ONNX_IR_MIN 3
#define ONNX_IR_MAX 10
#define ONNX_OPSET_MIN 1
#define ONNX_OPSET_MAX 21

void cpwl_onnx_opts_init(cpwl_onnx_opts_struct *opts)
{
    opts->fold_batchnorm = 0;
    opts->nconst = 0;
    opts->const_tensors = NULL;
    opts->const_lens = NULL;
}

int onnx_fail(onnx_ctx *c, const char *fmt, ...)
{
    char msg[CPWL_ERR_MSG_LEN], q[CPWL_ERR_QUOTE_SIZE], o[CPWL_ERR_QUOTE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->node != NULL)
    {
        const char *name = c->node->name ? c->node->name : "";
        const char *op = c->node->op_type ? c->node->op_type : "";
        cpwl_err_quote(q, sizeof q, name, strlen(name));
        cpwl_err_quote(o, sizeof o, op, strlen(op));
        if (name[0] == '\0')
            return cpwl_err_set(c->e, CPWL_ERR_INPUT, "%s: node %ld (%s): %s",
                                c->where, (long) c->node_index, o, msg);
        return cpwl_err_set(c->e, CPWL_ERR_INPUT, "%s: node %ld (%s, named %s): "
                            "%s", c->where, (long) c->node_index, o, q, msg);
    }
    return cpwl_err_set(c->e, CPWL_ERR_INPUT, "%s: %s", c->where, msg);
}

void onnx_fmpq_set_d(fmpq_t q, double d)
{
    int ex;
    double m = frexp(d, &ex);
    fmpz_set_d(fmpq_numref(q), ldexp(m, 53));
    fmpz_one(fmpq_denref(q));
    ex -= 53;
    if (ex >= 0)
        fmpq_mul_2exp(q, q, ex);
    else
        fmpq_div_2exp(q, q, -ex);
}

static double half_to_d(unsigned h)
{
    unsigned ex = (h >> 10) & 31, m = h & 1023;
    double v;
    if (ex == 31)
        return m ? NAN : INFINITY * ((h & 0x8000) ? -1 : 1);
    v = ex == 0 ? ldexp(m, -24) : ldexp(1024 + m, (int) ex - 25);
    return (h & 0x8000) ? -v : v;
}

static double bits32_to_d(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint64_t le_bytes(const uint8_t *p, int n)
{
    uint64_t u = 0;
    int i;
    for (i = n - 1; i >= 0; i--)
        u = (u << 8) | p[i];
    return u;
}

enum
{
    T_FLOAT = 1, T_UINT8 = 2, T_INT8 = 3, T_UINT16 = 4, T_INT16 = 5,
    T_INT32 = 6, T_INT64 = 7, T_BOOL = 9, T_FLOAT16 = 10, T_DOUBLE = 11,
    T_UINT32 = 12, T_UINT64 = 13, T_BFLOAT16 = 16
};

static int type_size(int t)
{
    switch (t)
    {
        case T_FLOAT: case T_INT32: case T_UINT32: return 4;
        case T_DOUBLE: case T_INT64: case T_UINT64: return 8;
        case T_FLOAT16: case T_BFLOAT16: case T_INT16: case T_UINT16: return 2;
        case T_INT8: case T_UINT8: case T_BOOL: return 1;
        default: return 0;
    }
}

/* Element i of the data as a double (exact for the float types); the
   64-bit integers go through fmpz directly. */
static int elem_from_bits(fmpq_t q, int t, uint64_t u)
{
    double d;
    switch (t)
    {
        case T_FLOAT: d = bits32_to_d((uint32_t) u); break;
        case T_DOUBLE: memcpy(&d, &u, 8); break;
        case T_FLOAT16: d = half_to_d((unsigned) u & 0xffff); break;
        case T_BFLOAT16: d = bits32_to_d((uint32_t) (u & 0xffff) << 16); break;
        case T_INT64: fmpq_set_si(q, 1, 1);
            fmpz_set_si(fmpq_numref(q), (slong) u); return 1;
        case T_UINT64: fmpz_set_ui(fmpq_numref(q), u);
            fmpz_one(fmpq_denref(q)); return 1;
        case T_INT32: fmpq_set_si(q, (int32_t) u, 1); return 1;
        case T_INT16: fmpq_set_si(q, (int16_t) u, 1); return 1;
        case T_INT8: fmpq_set_si(q, (int8_t) u, 1); return 1;
        default: fmpq_set_ui(q, u, 1); return 1;
    }
    if (!isfinite(d))
        return 0;
    onnx_fmpq_set_d(q, d);
    return 1;
}

int onnx_tensor_read(onnx_ctx *c, onnx_val_t v, const Onnx__TensorProto *t,
                     const char *what)
{
    slong dims[CPWL_ONNX_MAX_RANK], i, n, have;
    int ty = t->has_data_type ? t->data_type : 0, sz = type_size(ty);
    char q[CPWL_ERR_QUOTE_SIZE];
    cpwl_err_quote(q, sizeof q, what, strlen(what));
    if ((t->has_data_location && t->data_location
         == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        || t->n_external_data > 0)
        return onnx_fail(c, "tensor %s keeps its data in an external file "
                         "(external data is not supported: save the model "
                         "with its tensors inside)", q);
    if (t->segment != NULL)
        return onnx_fail(c, "tensor %s is segmented (not supported)", q);
    if (sz == 0)
        return onnx_fail(c, "tensor %s has data type %d (supported: float, "
                         "double, float16, bfloat16 and the integer types)",
                         q, ty);
    if (t->n_dims > CPWL_ONNX_MAX_RANK)
        return onnx_fail(c, "tensor %s has rank %ld (at most %d supported)",
                         q, (long) t->n_dims, CPWL_ONNX_MAX_RANK);
    for (i = 0; i < (slong) t->n_dims; i++)
    {
        if (t->dims[i] < 0 || t->dims[i] > CPWL_ONNX_MAX_COEFFS)
            return onnx_fail(c, "tensor %s has dimension %lld (expected 0 "
                             "to %ld)", q, (long long) t->dims[i],
                             (long) CPWL_ONNX_MAX_COEFFS);
        dims[i] = t->dims[i];
    }
    /* The data must be there before the values are allocated: a few
       bytes may declare a shape of millions of elements. */
    n = 1;
    for (i = 0; i < (slong) t->n_dims; i++)
        n = dims[i] == 0 || n <= CPWL_ONNX_MAX_COEFFS / dims[i] ? n * dims[i]
            : CPWL_ONNX_MAX_COEFFS + 1;
    if (n > CPWL_ONNX_MAX_COEFFS)
        return onnx_fail(c, "tensor %s has more than %ld elements", q,
                         (long) CPWL_ONNX_MAX_COEFFS);
    if (t->has_raw_data)
        have = (slong) (t->raw_data.len / sz);
    else if (ty == T_FLOAT)
        have = t->n_float_data;
    else if (ty == T_DOUBLE)
        have = t->n_double_data;
    else if (ty == T_INT64)
        have = t->n_int64_data;
    else if (ty == T_UINT32 || ty == T_UINT64)
        have = t->n_uint64_data;
    else
        have = t->n_int32_data;
    if (have != n || (t->has_raw_data && t->raw_data.len != (size_t) n * sz))
        return onnx_fail(c, "tensor %s holds %ld values, its shape %ld",
                         q, (long) have, (long) n);
    if (onnx_val_alloc(c, v, t->n_dims, dims, 0, 0) != CPWL_OK)
        return CPWL_ERR_INPUT;
    for (i = 0; i < n; i++)
    {
        uint64_t u;
        if (t->has_raw_data)
            u = le_bytes(t->raw_data.data + i * sz, sz);
        else if (ty == T_FLOAT)
        {
            uint32_t b;
            memcpy(&b, t->float_data + i, 4);
            u = b;
        }
        else if (ty == T_DOUBLE)
            memcpy(&u, t->double_data + i, 8);
        else if (ty == T_INT64)
            u = (uint64_t) t->int64_data[i];
        else if (ty == T_UINT32 || ty == T_UINT64)
            u = t->uint64_data[i];
        else
            u = (uint32_t) t->int32_data[i];
        if (!elem_from_bits(v->v + i, ty, u))
            return onnx_fail(c, "tensor %s holds a NaN or an infinity at "
                             "element %ld", q, (long) i);
    }
    return CPWL_OK;
}

/* ---- the graph ---------------------------------------------------------- */

static onnx_slot *find_slot(onnx_ctx *c, const char *name)
{
    slong i;
    for (i = c->nslots - 1; i >= 0; i--)
        if (strcmp(c->slots[i].name, name) == 0)
            return c->slots + i;
    return NULL;
}

static onnx_slot *new_slot(onnx_ctx *c, const char *name, slong uses)
{
    onnx_slot *s;
    if (c->nslots == c->alloc)
    {
        c->alloc = FLINT_MAX(16, 2 * c->alloc);
        c->slots = flint_realloc(c->slots, c->alloc * sizeof(onnx_slot));
    }
    s = c->slots + c->nslots++;
    s->name = name;
    s->uses = uses;
    onnx_val_init(s->val);
    return s;
}

static slong count_uses(const Onnx__GraphProto *g, const char *name,
                        slong from)
{
    slong i, j, n = 0;
    for (i = from; i < (slong) g->n_node; i++)
        for (j = 0; j < (slong) g->node[i]->n_input; j++)
            if (strcmp(g->node[i]->input[j], name) == 0)
                n++;
    for (i = 0; i < (slong) g->n_output; i++)
        if (strcmp(g->output[i]->name, name) == 0)
            n++;
    return n;
}

static int has_initializer(const Onnx__GraphProto *g, const char *name)
{
    size_t i;
    for (i = 0; i < g->n_initializer; i++)
        if (g->initializer[i]->name && strcmp(g->initializer[i]->name, name) == 0)
            return 1;
    return 0;
}

/* The shape of the graph input vi: a leading symbolic dimension is 1. */
static int input_shape(onnx_ctx *c, slong *rank, slong *dims,
                       const Onnx__ValueInfoProto *vi)
{
    const Onnx__TypeProto *tp = vi->type;
    const Onnx__TensorShapeProto *sh;
    char q[CPWL_ERR_QUOTE_SIZE];
    slong i;
    cpwl_err_quote(q, sizeof q, vi->name, strlen(vi->name));
    if (tp == NULL || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
        return onnx_fail(c, "graph input %s is not a tensor", q);
    if (!tp->tensor_type->has_elem_type
        || (tp->tensor_type->elem_type != T_FLOAT
            && tp->tensor_type->elem_type != T_DOUBLE
            && tp->tensor_type->elem_type != T_FLOAT16
            && tp->tensor_type->elem_type != T_BFLOAT16))
        return onnx_fail(c, "graph input %s has element type %d (expected "
                         "float, double, float16 or bfloat16)", q,
                         (int) tp->tensor_type->elem_type);
    if ((sh = tp->tensor_type->shape) == NULL)
        return onnx_fail(c, "graph input %s has no shape", q);
    if (sh->n_dim > CPWL_ONNX_MAX_RANK)
        return onnx_fail(c, "graph input %s has rank %ld (at most %d "
                         "supported)", q, (long) sh->n_dim, CPWL_ONNX_MAX_RANK);
    for (i = 0; i < (slong) sh->n_dim; i++)
    {
        const Onnx__TensorShapeProto__Dimension *d = sh->dim[i];
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
            && d->dim_value > 0 && d->dim_value <= CPWL_ONNX_MAX_COEFFS)
            dims[i] = d->dim_value;
        else if (i == 0 && d->value_case
                 != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
            dims[i] = 1;        /* the batch */
        else
            return onnx_fail(c, "graph input %s: dimension %ld is %s "
                             "(expected a fixed size; only the leading, batch "
                             "dimension may be symbolic, taken as 1)", q,
                             (long) i, d->value_case
                             == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
                             ? "not positive" : "symbolic");
    }
    *rank = sh->n_dim;
    return CPWL_OK;
}

static void ctx_clear(onnx_ctx *c)
{
    slong i;
    for (i = 0; i < c->nslots; i++)
        onnx_val_clear(c->slots[i].val);
    flint_free(c->slots);
}

/* proto2 leaves an absent string field NULL; ONNX readers (and this one)
   treat it as "".  Every singular string field of every message of the
   model is set to an allocated "" (freed with the model by protobuf-c), so
   that no name, op type or domain below is ever NULL, whatever the bytes. */
static int fill_strings(ProtobufCMessage *msg, int depth)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    unsigned i;
    size_t j;
    if (depth > 64)
        return 0;
    for (i = 0; i < d->n_fields; i++)
    {
        const ProtobufCFieldDescriptor *f = d->fields + i;
        char *base = (char *) msg + f->offset;
        /* A oneof's members share storage (Dimension's dim_value and
           dim_param): only the member its case names is there, and a
           string member that is there is never NULL. */
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        {
            uint32_t which = *(uint32_t *) ((char *) msg + f->quantifier_offset);
            ProtobufCMessage *sub = *(ProtobufCMessage **) base;
            if (which == f->id && f->type == PROTOBUF_C_TYPE_MESSAGE
                && sub != NULL && !fill_strings(sub, depth + 1))
                return 0;
            continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
        {
            size_t n = *(size_t *) ((char *) msg + f->quantifier_offset);
            if (f->type == PROTOBUF_C_TYPE_MESSAGE)
                for (j = 0; j < n; j++)
                    if (!fill_strings((*(ProtobufCMessage ***) base)[j],
                                      depth + 1))
                        return 0;
        }
        else if (f->type == PROTOBUF_C_TYPE_STRING)
        {
            if (*(char **) base == NULL
                && (*(char **) base = calloc(1, 1)) == NULL)
                return 0;
        }
        else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        {
            ProtobufCMessage *sub = *(ProtobufCMessage **) base;
            if (sub != NULL && !fill_strings(sub, depth + 1))
                return 0;
        }
    }
    return 1;
}

/* The inputs: the first real one is the net's; the next nconst are
   constants given in the options. */
static int bind_inputs(onnx_ctx *c, const Onnx__GraphProto *g)
{
    slong i, k = 0, nreal = 0, rank = 0, dims[CPWL_ONNX_MAX_RANK];
    for (i = 0; i < (slong) g->n_input; i++)
        nreal += !has_initializer(g, g->input[i]->name);
    if (nreal != 1 + c->opts->nconst)
    {
        char q[CPWL_ERR_QUOTE_SIZE];
        const char *second = "";
        for (i = 0; i < (slong) g->n_input; i++)
            if (!has_initializer(g, g->input[i]->name) && k++ == 1)
                second = g->input[i]->name;
        cpwl_err_quote(q, sizeof q, second, strlen(second));
        if (nreal == 0)
            return onnx_fail(c, "the graph has no input");
        if (nreal < 1 + c->opts->nconst)
            return onnx_fail(c, "the graph has %ld inputs, fewer than the "
                             "network's input and the %ld constants bound",
                             (long) nreal, (long) c->opts->nconst);
        return onnx_fail(c, "the graph has %ld inputs (the second is %s); a "
                         "network has one input (the others must be "
                         "initialisers)", (long) nreal, q);
    }
    k = 0;
    for (i = 0; i < (slong) g->n_input; i++)
    {
        const char *name = g->input[i]->name;
        onnx_slot *s;
        if (has_initializer(g, name))
            continue;
        s = new_slot(c, name, count_uses(g, name, 0));
        if (k == 0)
        {
            slong e, n;
            if (input_shape(c, &rank, dims, g->input[i]) != CPWL_OK)
                return CPWL_ERR_INPUT;
            n = 1;
            for (e = 0; e < rank; e++)
                n *= dims[e];
            if (onnx_val_alloc(c, s->val, rank, dims, 1, n) != CPWL_OK)
                return CPWL_ERR_INPUT;
            for (e = 0; e < n; e++)
                fmpq_one(s->val->v + e * (n + 1) + e);
            c->nvar = n;
            c->net->input_dim = n;
        }
        else
        {
            Onnx__TensorProto *t = onnx__tensor_proto__unpack(
                NULL, c->opts->const_lens[k - 1],
                (const uint8_t *) c->opts->const_tensors[k - 1]);
            int st;
            if (t == NULL || !fill_strings(&t->base, 0))
            {
                if (t != NULL)
                    onnx__tensor_proto__free_unpacked(t, NULL);
                return onnx_fail(c, "the constant for graph input %ld is not "
                                 "a serialised TensorProto", (long) i);
            }
            st = onnx_tensor_read(c, s->val, t, name);
            onnx__tensor_proto__free_unpacked(t, NULL);
            if (st != CPWL_OK)
                return st;
        }
        k++;
    }
    return CPWL_OK;
}

/* The last layer: none when the output is exactly the last relu layer's
   outputs, else an identity layer with the output's affine forms. */
static int finish(onnx_ctx *c, const onnx_val_t out)
{
    cpwl_net_struct *net = c->net;
    slong i, j, n = out->numel;
    cpwl_net_layer_struct *L;
    if (out->live && net->nlayers > 0 && out->nvar == n
        && net->layers[net->nlayers - 1].act != CPWL_NET_IDENTITY)
    {
        int unit = 1;
        for (i = 0; i < n && unit; i++)
            for (j = 0; j <= n && unit; j++)
                unit = fmpq_equal_si(out->v + i * (n + 1) + j, i == j);
        if (unit)
            return CPWL_OK;
    }
    if (n > 0 && c->nvar > CPWL_ONNX_MAX_COEFFS / n)
        return onnx_fail(c, "the output layer of %ld neurons on %ld inputs "
                         "is beyond the limit of %ld coefficients", (long) n,
                         (long) c->nvar, (long) CPWL_ONNX_MAX_COEFFS);
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, n);
    for (i = 0; i < n; i++)
    {
        if (out->live)
            for (j = 0; j < c->nvar; j++)
                fmpq_set(fmpq_mat_entry(L->W, i, j), out->v + i * (c->nvar + 1) + j);
        fmpq_set(L->b + i, onnx_val_const(out, i));
    }
    return CPWL_OK;
}

static char *make_meta(const onnx_ctx *c, const Onnx__ModelProto *m)
{
    char *src = cpwl_io_json_quote(c->where);
    char *prod = cpwl_io_json_quote(m->producer_name ? m->producer_name : "");
    char buf[256], *s;
    size_t len;
    snprintf(buf, sizeof buf, ",\"ir_version\":%lld,\"opset\":%ld",
             (long long) m->ir_version, (long) c->opset);
    len = strlen(src) + strlen(prod) + strlen(buf) + 200;
    s = flint_malloc(len);
    snprintf(s, len, "{\"source\":\"onnx\",\"file\":%s,\"producer\":%s%s%s}",
             src, prod, buf, c->nfolded == 0 ? "" : c->opts->fold_batchnorm
             == 32 ? ",\"batchnorm_folded\":\"binary32 correctly rounded "
             "sqrt\"" : ",\"batchnorm_folded\":\"binary64 correctly rounded "
             "sqrt\"");
    flint_free(src);
    flint_free(prod);
    return s;
}

static int lower_graph(onnx_ctx *c, const Onnx__ModelProto *m)
{
    const Onnx__GraphProto *g = m->graph;
    slong i, j;
    onnx_slot *s;
    char q[CPWL_ERR_QUOTE_SIZE];

    if (g == NULL)
        return onnx_fail(c, "the model has no graph");
    if (g->n_sparse_initializer > 0)
        return onnx_fail(c, "sparse initialisers are not supported");
    if (g->n_output != 1)
        return onnx_fail(c, "the graph has %ld outputs (a network has one)",
                         (long) g->n_output);
    for (i = 0; i < (slong) g->n_initializer; i++)
    {
        const Onnx__TensorProto *t = g->initializer[i];
        const char *name = t->name ? t->name : "";
        s = new_slot(c, name, count_uses(g, name, 0));
        if (onnx_tensor_read(c, s->val, t, name) != CPWL_OK)
            return CPWL_ERR_INPUT;
    }
    if (bind_inputs(c, g) != CPWL_OK)
        return CPWL_ERR_INPUT;
    for (i = 0; i < (slong) g->n_node; i++)
    {
        const Onnx__NodeProto *node = g->node[i];
        onnx_val_struct *in[16];
        onnx_val_t out;
        slong nin = node->n_input;
        int st;
        c->node = node;
        c->node_index = i;
        if (node->domain != NULL && node->domain[0] != '\0'
            && strcmp(node->domain, "ai.onnx") != 0)
        {
            cpwl_err_quote(q, sizeof q, node->domain, strlen(node->domain));
            return onnx_fail(c, "operator domain %s is not supported (only "
                             "the default ONNX domain)", q);
        }
        if (nin > 16)
            return onnx_fail(c, "%ld inputs (at most 16 supported)",
                             (long) nin);
        for (j = 0; j < nin; j++)
        {
            const char *name = node->input[j];
            if (name[0] == '\0')
            {
                in[j] = NULL;
                continue;
            }
            if ((s = find_slot(c, name)) == NULL || s->uses <= 0)
            {
                cpwl_err_quote(q, sizeof q, name, strlen(name));
                return onnx_fail(c, "input %s is not a graph input, an "
                                 "initialiser or an earlier node's output", q);
            }
            in[j] = s->val;
        }
        for (j = 0; j < nin; j++)
            if (node->input[j][0] != '\0')
                find_slot(c, node->input[j])->uses--;
        for (j = 1; j < (slong) node->n_output; j++)
            if (node->output[j][0] != '\0'
                && count_uses(g, node->output[j], i + 1) > 0)
            {
                cpwl_err_quote(q, sizeof q, node->output[j], strlen(node->output[j]));
                return onnx_fail(c, "output %ld (%s) is used; only the first "
                                 "output of a node is supported", (long) j, q);
            }
        if (node->n_output < 1)
            return onnx_fail(c, "the node has no output");
        onnx_val_init(out);
        st = onnx_lower_node(c, node, in, nin, out);
        if (st == CPWL_OK)
        {
            s = new_slot(c, node->output[0],
                         count_uses(g, node->output[0], i + 1));
            onnx_val_swap(s->val, out);
        }
        onnx_val_clear(out);
        if (st != CPWL_OK)
            return st;
        for (j = 0; j < c->nslots; j++)
            if (c->slots[j].uses <= 0)
                onnx_val_clear(c->slots[j].val);
    }
    c->node = NULL;
    s = find_slot(c, g->output[0]->name);
    if (s == NULL || (s->val->v == NULL && s->val->numel != 0))
    {
        cpwl_err_quote(q, sizeof q, g->output[0]->name, strlen(g->output[0]->name));
        return onnx_fail(c, "the graph output %s is computed by no node", q);
    }
    return finish(c, s->val);
}

int cpwl_onnx_net_read_buf(cpwl_net_t net, const void *buf, size_t len,
                           const char *where, const cpwl_onnx_opts_struct *opts,
                           cpwl_err_t e)
{
    Onnx__ModelProto *m;
    onnx_ctx c;
    cpwl_onnx_opts_struct dflt;
    cpwl_net_t tmp;
    slong i;
    int st;

    if (opts == NULL)
    {
        cpwl_onnx_opts_init(&dflt);
        opts = &dflt;
    }
    memset(&c, 0, sizeof c);
    c.where = where;
    c.e = e;
    c.opts = opts;
    if (opts->fold_batchnorm != 0 && opts->fold_batchnorm != 32
        && opts->fold_batchnorm != 64)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: BatchNormalization folding "
                            "must be 32 or 64 bits (binary32 or binary64), not %d",
                            where, opts->fold_batchnorm);
    m = onnx__model_proto__unpack(NULL, len, (const uint8_t *) buf);
    if (m == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: not an ONNX model (the "
                            "protobuf ModelProto does not decode: truncated or "
                            "another format)", where);
    if (!fill_strings(&m->base, 0))
    {
        onnx__model_proto__free_unpacked(m, NULL);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: the model nests messages "
                            "more than 64 deep, or memory ran out", where);
    }
    if (!m->has_ir_version || m->ir_version < ONNX_IR_MIN
        || m->ir_version > ONNX_IR_MAX)
    {
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s: ONNX IR version %lld is not "
                          "supported (supported: %d to %d)", where,
                          (long long) m->ir_version, ONNX_IR_MIN, ONNX_IR_MAX);
        onnx__model_proto__free_unpacked(m, NULL);
        return st;
    }
    for (i = 0; i < (slong) m->n_opset_import; i++)
    {
        const char *d = m->opset_import[i]->domain;
        if (d == NULL || d[0] == '\0' || strcmp(d, "ai.onnx") == 0)
            c.opset = m->opset_import[i]->version;
    }
    if (c.opset < ONNX_OPSET_MIN || c.opset > ONNX_OPSET_MAX)
    {
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s: ONNX opset %ld is not supported "
                          "(supported: %d to %d)", where, (long) c.opset,
                          ONNX_OPSET_MIN, ONNX_OPSET_MAX);
        onnx__model_proto__free_unpacked(m, NULL);
        return st;
    }
    cpwl_net_init(tmp, 0);
    c.net = tmp;
    st = lower_graph(&c, m);
    ctx_clear(&c);
    if (st == CPWL_OK)
    {
        if (m->graph->name != NULL && m->graph->name[0] != '\0')
        {
            tmp->name = flint_malloc(strlen(m->graph->name) + 1);
            strcpy(tmp->name, m->graph->name);
        }
        tmp->meta = make_meta(&c, m);
        cpwl_net_prepare(tmp);
        cpwl_net_swap(net, tmp);
    }
    cpwl_net_clear(tmp);
    onnx__model_proto__free_unpacked(m, NULL);
    return st;
}

int cpwl_onnx_net_read_file(cpwl_net_t net, const char *path,
                            const cpwl_onnx_opts_struct *opts, cpwl_err_t e)
{
    char *buf;
    size_t len;
    int st;
    if ((st = cpwl_io_read_all(&buf, &len, path, e)) != CPWL_OK)
        return st;
    st = cpwl_onnx_net_read_buf(net, buf, len, path, opts, e);
    free(buf);
    return st;
}

int cpwl_onnx_is_onnx_file(const char *path)
{
    size_t n = strlen(path);
    FILE *f;
    int ch;
    if (n >= 5 && strcmp(path + n - 5, ".onnx") == 0)
        return 1;
    if ((n >= 5 && strcmp(path + n - 5, ".json") == 0) || strcmp(path, "-") == 0)
        return 0;
    if ((f = fopen(path, "rb")) == NULL)
        return 0;
    ch = getc(f);
    fclose(f);
    /* A ModelProto starts with a field tag: ir_version (0x08), a string
       or the graph; JSON text starts with '{' or a blank. */
    return ch == 0x08 || ch == 0x12 || ch == 0x1a || ch == 0x22
           || ch == 0x2a || ch == 0x3a || ch == 0x42;
}
