/* An exact tensor-level interpreter of ONNX graphs, for the tests only:
   the second, independent algorithm that the importer's lowering
   (cpwl_onnx_net_read_buf) is compared with.  Tensors hold fmpq entries in
   row-major order; every op is evaluated on whole tensors in node order,
   as the ONNX operator specification states it, with no lowering to
   layers.  Initialisers are decoded here from their IEEE bit fields by
   hand (not by the importer's code). */
#ifndef CPWL_TESTS_ONNX_REF_H
#define CPWL_TESTS_ONNX_REF_H

#include <stddef.h>
#include <flint/fmpq.h>
#include "onnx.pb-c.h"

#define OREF_MAX_DIMS 8

typedef struct
{
    slong ndim;
    slong dims[OREF_MAX_DIMS];
    slong size;                 /* product of dims (1 for a scalar) */
    fmpq *v;                    /* size entries, row-major */
}
oref_tensor_struct;

typedef oref_tensor_struct oref_tensor_t[1];

void oref_tensor_init(oref_tensor_t t);
void oref_tensor_clear(oref_tensor_t t);
/* Reshape to (ndim, dims) with zero entries. */
void oref_tensor_set_shape(oref_tensor_t t, slong ndim, const slong *dims);
void oref_tensor_set(oref_tensor_t t, const oref_tensor_t s);

/* The exact value of an IEEE binary16, bfloat16, binary32 or binary64 bit
   pattern; 0 for infinities and NaNs (which have none). */
int oref_half_bits(fmpq_t q, uint32_t bits);
int oref_bfloat_bits(fmpq_t q, uint32_t bits);
int oref_float_bits(fmpq_t q, uint32_t bits);
int oref_double_bits(fmpq_t q, uint64_t bits);

/* Decode a TensorProto (raw_data little-endian or the typed fields) into
   exact rationals.  Returns 0 and writes msg on what it cannot read. */
int oref_tensor_decode(oref_tensor_t t, const Onnx__TensorProto *tp,
                       char *msg, size_t msglen);

/* Evaluate the graph of model: graph input i is inputs[i] for
   i < ninputs, an initialiser of the same name otherwise.  outs receives
   the graph outputs in order (model->graph->n_output initialised
   tensors).  bn_bits: 0 refuses BatchNormalization; 24 or 53 folds it
   with sqrt(var + eps) correctly rounded to that many bits.  Returns 0
   and writes msg when an op or attribute is not understood. */
int oref_eval(oref_tensor_struct *outs, const Onnx__ModelProto *model,
              const oref_tensor_struct *inputs, slong ninputs, int bn_bits,
              char *msg, size_t msglen);

#endif
