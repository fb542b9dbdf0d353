/* Internals of the test interpreter shared by tests/onnx_ref.c (tensors,
   decoding, the graph walk, elementwise ops) and tests/onnx_ref_ops.c
   (products, windows, shapes, batch normalisation). */
#ifndef CPWL_TESTS_ONNX_REF_IMPL_H
#define CPWL_TESTS_ONNX_REF_IMPL_H

#include "onnx_ref.h"

/* The values computed so far, by name, and the node being evaluated. */
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
oref_env_struct;

/* "node NAME (OP): ..." into E->msg; returns 0. */
int oref_fail(oref_env_struct *E, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Attributes of a node: absent ones give the default. */
const Onnx__AttributeProto *oref_attr(const Onnx__NodeProto *node,
                                      const char *name);
slong oref_attr_i(const Onnx__NodeProto *node, const char *name, slong d);
int oref_attr_f(fmpq_t q, const Onnx__NodeProto *node, const char *name,
                float dflt);
const int64_t *oref_attr_ints(slong *n, const Onnx__NodeProto *node,
                              const char *name);
const char *oref_attr_s(char *buf, size_t size, const Onnx__NodeProto *node,
                        const char *name, const char *dflt);
/* Input k of the node being evaluated, NULL when absent. */
oref_tensor_struct *oref_in(oref_env_struct *E, size_t k);

/* numpy broadcasting */
enum { OREF_ADD, OREF_SUB, OREF_MUL, OREF_DIV, OREF_MAX, OREF_PRELU };
int oref_bcast_shape(slong *ndim, slong *dims, const oref_tensor_struct *a,
                     const oref_tensor_struct *b);
slong oref_bcast_off(const oref_tensor_struct *t, const slong *idx,
                     slong ndim);
void oref_unrank(slong *idx, slong lin, const slong *dims, slong ndim);
int oref_binop(oref_env_struct *E, oref_tensor_t out,
               const oref_tensor_struct *a, const oref_tensor_struct *b,
               int op);

/* tests/onnx_ref_ops.c: each writes the node's first output. */
int oref_op_gemm(oref_env_struct *E, oref_tensor_t out);
int oref_op_matmul(oref_env_struct *E, oref_tensor_t out);
int oref_op_pool(oref_env_struct *E, oref_tensor_t out, int is_max);
int oref_op_conv(oref_env_struct *E, oref_tensor_t out);
int oref_op_flatten(oref_env_struct *E, oref_tensor_t out);
int oref_op_reshape(oref_env_struct *E, oref_tensor_t out);
int oref_op_concat(oref_env_struct *E, oref_tensor_t out);
int oref_op_batchnorm(oref_env_struct *E, oref_tensor_t out);

#endif
