/* ONNX import: a model's graph lowered exactly to a net (docs/onnx.md).

   Initialisers (float32, float64, float16, bfloat16) are taken as the
   exact binary values they hold; linear operators compose exact affine
   forms and every piecewise-linear operator becomes relu neurons, so the
   net computes the graph's function in exact real arithmetic. */
#ifndef CPWL_ONNX_H
#define CPWL_ONNX_H

#include <stddef.h>
#include "cpwl/err.h"
#include "cpwl/net.h"

/* Largest number of coefficients of one lowered tensor or layer (affine
   forms are dense in the current layer's outputs); beyond it the model
   is refused. */
#define CPWL_ONNX_MAX_COEFFS ((slong) 20000000)

/* Largest tensor rank handled. */
#define CPWL_ONNX_MAX_RANK 8

typedef struct
{
    int fold_batchnorm;         /* 0: refuse BatchNormalization; 32 or 64:
                                   fold it with the binary32 / binary64
                                   correctly rounded square root */
    slong nconst;               /* graph inputs 1..nconst (after the first,
                                   in graph order, skipping those that have
                                   an initialiser) are constants: */
    const void **const_tensors; /* serialised ONNX TensorProto of each */
    const size_t *const_lens;
}
cpwl_onnx_opts_struct;

/* Defaults: no folding, no constant inputs. */
void cpwl_onnx_opts_init(cpwl_onnx_opts_struct *opts);

/* Read the model in buf[0..len) and lower it to net (replaced and
   prepared).  The net's input is the first graph input, flattened in
   row-major (C) order; its output is the graph's single output,
   flattened row-major.  where names the source in messages.  Returns
   CPWL_OK, or CPWL_ERR_INPUT with a one-line message naming the node. */
int cpwl_onnx_net_read_buf(cpwl_net_t net, const void *buf, size_t len,
                           const char *where, const cpwl_onnx_opts_struct *opts,
                           cpwl_err_t e);

/* The same from a file ("-" is standard input). */
int cpwl_onnx_net_read_file(cpwl_net_t net, const char *path,
                            const cpwl_onnx_opts_struct *opts, cpwl_err_t e);

/* Whether the file looks like ONNX: its name ends in ".onnx", or (any
   other name) its first bytes are not JSON text but the start of a
   serialised ModelProto. */
int cpwl_onnx_is_onnx_file(const char *path);

#endif
