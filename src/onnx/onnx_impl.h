/* ONNX import, internals: exact tensor values, the frontier of affine
   forms, and the relu layers the piecewise-linear operators emit. */
#ifndef CPWL_ONNX_IMPL_H
#define CPWL_ONNX_IMPL_H

#include <flint/fmpq.h>
#include "cpwl/onnx.h"
#include "onnx.pb-c.h"
#include "qvec.h"

/* Vector helpers FLINT 2.9 lacks (beside qvec.h's). */
static inline void onnx_qvec_neg(fmpq *r, const fmpq *a, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_neg(r + i, a + i);
}

static inline void onnx_qvec_sub(fmpq *r, const fmpq *a, const fmpq *b,
                                 slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_sub(r + i, a + i, b + i);
}

/* r += k a, skipping the zero entries of a (forms are mostly sparse). */
static inline void onnx_qvec_addmul(fmpq *r, const fmpq *a, slong n,
                                    const fmpq_t k)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_is_zero(a + i))
            fmpq_addmul(r + i, a + i, k);
}

/* A tensor value: constant (numel exact values) or live: numel affine
   forms in the nvar outputs of the last layer emitted (the frontier),
   each a row of nvar coefficients and a constant (nvar + 1 entries). */
typedef struct
{
    slong rank;
    slong dims[CPWL_ONNX_MAX_RANK];
    slong numel;
    int live;
    slong nvar;
    fmpq *v;
}
onnx_val_struct;

typedef onnx_val_struct onnx_val_t[1];

/* A named value of the graph and the number of its readers left. */
typedef struct
{
    const char *name;           /* borrowed from the model */
    onnx_val_t val;
    slong uses;
}
onnx_slot;

typedef struct
{
    cpwl_net_struct *net;
    slong nvar;                 /* width of the frontier */
    onnx_slot *slots;
    slong nslots, alloc;
    const char *where;
    cpwl_err_struct *e;
    const cpwl_onnx_opts_struct *opts;
    slong opset;
    const Onnx__NodeProto *node;  /* the node being lowered, or NULL */
    slong node_index;
    slong nfolded;              /* BatchNormalization nodes folded */
}
onnx_ctx;

/* ---- values (tensor.c) ---- */
void onnx_val_init(onnx_val_t v);
void onnx_val_clear(onnx_val_t v);
void onnx_val_swap(onnx_val_t a, onnx_val_t b);
/* Shape and storage: zero constant (live = 0) or zero forms in nvar
   variables; fails (message) beyond CPWL_ONNX_MAX_COEFFS. */
int onnx_val_alloc(onnx_ctx *c, onnx_val_t v, slong rank, const slong *dims,
                   int live, slong nvar);
void onnx_val_copy(onnx_val_t out, const onnx_val_t in);
/* out[e] += k * in[i] (out is live whenever in is). */
void onnx_val_addmul(onnx_val_t out, slong e, const onnx_val_t in, slong i,
                     const fmpq_t k);
void onnx_val_add_const(onnx_val_t out, slong e, const fmpq_t k);
/* The constant part of element e (the value of a constant). */
fmpq *onnx_val_const(const onnx_val_t v, slong e);
/* Whether element e has no variable part. */
int onnx_val_elem_is_const(const onnx_val_t v, slong e);

/* Numpy broadcasting of shapes a and b into out (0: incompatible). */
int onnx_bcast_shape(slong *rank, slong *dims, const onnx_val_t a,
                     const onnx_val_t b);
/* The element of in that broadcasts to the element e of the shape
   (rank, dims). */
slong onnx_bcast_index(const onnx_val_t in, slong rank, const slong *dims,
                       slong e);

/* Whether a live value has readers left (after the node's inputs were
   counted off): it must be carried through a layer. */
int onnx_others_live(const onnx_ctx *c);

/* ---- relu layers (tensor.c) ---- */
#define ONNX_RECIPE_TERMS 4

/* An element after the layer: c + sum w[t] * neuron idx[t]. */
typedef struct
{
    fmpq_t c;
    slong n;
    slong idx[ONNX_RECIPE_TERMS];
    fmpq_t w[ONNX_RECIPE_TERMS];
}
onnx_recipe;

typedef struct
{
    slong nvar;                 /* width of the forms */
    fmpq *rows;                 /* nrows forms of nvar + 1 entries */
    slong nrows, alloc;
    slong *table;               /* hash of rows (dedupe), -1 empty */
    slong tsize;
    int natural;                /* one neuron per request, no merging */
    int nonneg;                 /* the frontier is a relu layer's output:
                                   a form with no negative coefficient or
                                   constant is >= 0 and carried by one
                                   neuron relu(x) = x */
}
onnx_layer;

onnx_recipe *onnx_recipes_init(slong n);
void onnx_recipes_clear(onnx_recipe *r, slong n);
/* A layer on the current frontier of c. */
void onnx_layer_init(onnx_layer *L, const onnx_ctx *c, int natural);
void onnx_layer_clear(onnx_layer *L);
/* r += k * relu(form) (form: nvar + 1 entries); a constant form is
   folded unless the layer is natural. */
void onnx_recipe_relu(onnx_recipe *r, onnx_layer *L, const fmpq *form,
                      const fmpq_t k);
/* r += k * form, carried through the layer as relu(x) - relu(-x). */
void onnx_recipe_carry(onnx_recipe *r, onnx_layer *L, const fmpq *form,
                       const fmpq_t k);
/* Emit L as a layer of activation act (CPWL_NET_RELU, or CPWL_NET_LEAKY_RELU with
   the slope), after adding the carries of every other live value with
   readers left; then the recipes rec[0..n) become forms over the new
   frontier in out (allocated with the given shape). */
int onnx_layer_emit(onnx_ctx *c, onnx_layer *L, cpwl_net_act_t act,
                    const fmpq_t slope, onnx_recipe *rec, slong n,
                    onnx_val_t out, slong rank, const slong *dims);

/* ---- the context (read.c) ---- */
int onnx_fail(onnx_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Exact value of a finite double / float (0 and a message otherwise). */
void onnx_fmpq_set_d(fmpq_t q, double d);
/* The tensor t as a constant; what names it in messages. */
int onnx_tensor_read(onnx_ctx *c, onnx_val_t v, const Onnx__TensorProto *t,
                     const char *what);

/* ---- operators (lower.c, lower_pool.c) ---- */
/* Lower node (inputs in[0..nin), NULL for absent optional inputs) into
   out[0]; the outputs after the first must be unused. */
int onnx_lower_node(onnx_ctx *c, const Onnx__NodeProto *node,
                    onnx_val_struct **in, slong nin, onnx_val_t out);
const Onnx__AttributeProto *onnx_attr(const Onnx__NodeProto *node,
                                      const char *name);
int onnx_lower_pwl(onnx_ctx *c, const Onnx__NodeProto *node,
                   onnx_val_struct **in, slong nin, onnx_val_t out);
int onnx_lower_conv(onnx_ctx *c, const Onnx__NodeProto *node,
                    onnx_val_struct **in, slong nin, onnx_val_t out);
int onnx_lower_pool(onnx_ctx *c, const Onnx__NodeProto *node,
                    onnx_val_struct **in, slong nin, onnx_val_t out,
                    int is_max);
/* out = elementwise max over groups: out element e is the max of the
   forms items[start[e] .. start[e + 1]) (each a row of c->nvar + 1),
   one layer per level of a pairwise tree. */
int onnx_max_groups(onnx_ctx *c, onnx_val_t out, slong rank,
                    const slong *dims, fmpq *items, const slong *start);

#endif
