/* Building small ONNX models in C for the tests (protobuf-c): a graph of
   nodes with attributes, initialisers in each float type and encoding,
   input/output value_info and the opset, packed to bytes.  Everything a
   builder allocates is owned by it and freed by onb_clear. */
#ifndef CPWL_TESTS_ONNX_BUILD_H
#define CPWL_TESTS_ONNX_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <flint/flint.h>
#include "onnx.pb-c.h"
#include "testutil.h"

typedef struct
{
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    Onnx__OperatorSetIdProto opset;
    Onnx__OperatorSetIdProto *opsets[1];
    void **owned;               /* every allocation, freed by onb_clear */
    slong nowned, aowned;
}
onb_struct;

typedef onb_struct onb_t[1];

/* Element types and encodings of onb_tensor. */
#define ONB_F32 ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
#define ONB_F64 ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE
#define ONB_F16 ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16
#define ONB_BF16 ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16
#define ONB_I64 ONNX__TENSOR_PROTO__DATA_TYPE__INT64
#define ONB_RAW 0
#define ONB_TYPED 1

void onb_init(onb_t B, slong opset);
void onb_clear(onb_t B);

/* A copy of s owned by B. */
char *onb_str(onb_t B, const char *s);
void *onb_alloc(onb_t B, size_t size);

/* Graph input or output `name` of element type float and the given
   shape (dims NULL: no shape given). */
void onb_input(onb_t B, const char *name, slong ndim, const slong *dims);
void onb_output(onb_t B, const char *name, slong ndim, const slong *dims);
/* Give graph output k the shape dims. */
void onb_output_shape(onb_t B, slong k, slong ndim, const slong *dims);

/* A node: inputs and outputs as comma-separated names ("" between commas
   for an absent optional input). */
Onnx__NodeProto *onb_node(onb_t B, const char *op, const char *name,
                          const char *inputs, const char *outputs);
void onb_attr_i(onb_t B, Onnx__NodeProto *n, const char *name, int64_t v);
void onb_attr_f(onb_t B, Onnx__NodeProto *n, const char *name, float v);
void onb_attr_s(onb_t B, Onnx__NodeProto *n, const char *name,
                const char *v);
void onb_attr_ints(onb_t B, Onnx__NodeProto *n, const char *name, slong len,
                   const int64_t *v);
void onb_attr_t(onb_t B, Onnx__NodeProto *n, const char *name,
                Onnx__TensorProto *t);

/* The bits of x in a float type (x must be representable: the tests
   draw their values in the type, onb_exact_in checks it). */
uint64_t onb_bits(int type, double x);
int onb_exact_in(int type, double x);

/* A tensor of `type` (ONB_F32, ...) holding vals (row-major, each
   representable in type), encoded as raw_data or the typed field. */
Onnx__TensorProto *onb_tensor(onb_t B, const char *name, int type, int enc,
                              slong ndim, const slong *dims,
                              const double *vals);
/* Add it to the graph's initialisers. */
void onb_init_tensor(onb_t B, Onnx__TensorProto *t);
/* Shortcut: a new initialiser. */
Onnx__TensorProto *onb_initializer(onb_t B, const char *name, int type,
                                   int enc, slong ndim, const slong *dims,
                                   const double *vals);

/* The packed model (free with free()). */
uint8_t *onb_pack(onb_t B, size_t *len);

/* ---- random values in the float types (seeded, tests/testutil.h) ------ */

extern const int onb_types[4];  /* ONB_F32, ONB_F16, ONB_BF16, ONB_F64 */
int onb_prec(int type);         /* significand bits */
/* Nonzero, all significand bits drawn, magnitude in [2^-4, 4). */
double onb_rand_in(test_rng *r, int type);
/* Smallest/largest subnormal, -0, +-largest finite, smallest normal. */
double onb_special_in(test_rng *r, int type);
/* n values (free()); with `special`, a third of them special. */
double *onb_rand_vals(test_rng *r, int type, slong n, int special);
Onnx__TensorProto *onb_rand_init(onb_t B, test_rng *r, const char *name,
                                 int type, int enc, slong ndim,
                                 const slong *dims, int special);
/* Like onb_rand_init, half the entries in {-1, -1/2, 0, 1/2, 1} (nonzero:
   never 0), for ties and zeros at the points of ock_point kind 1. */
void onb_const_init(onb_t B, test_rng *r, const char *name, int type,
                    int enc, slong ndim, const slong *dims, int nonzero);
double onb_small_f32(test_rng *r);

#endif
