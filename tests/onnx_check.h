/* The comparison at the heart of the ONNX tests: a model built with
   tests/onnx_build.h is imported (cpwl_onnx_net_read_buf) and the imported
   net's exact values are compared with the interpreter's
   (tests/onnx_ref.h) at random rational points and at kinks. */
#ifndef CPWL_TESTS_ONNX_CHECK_H
#define CPWL_TESTS_ONNX_CHECK_H

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
#define OCK_IMPORTER 1
#else
/* The importer is written on another branch (include/cpwl/onnx.h, API of
   issue 13).  Until it is merged, tests/onnx_check.c defines stand-ins
   that refuse every model, and the checks run the interpreter alone. */
#define OCK_IMPORTER 0
typedef struct
{
    int fold_batchnorm;
    slong nconst;
    const void **const_tensors;
    const size_t *const_lens;
}
cpwl_onnx_opts_struct;
void cpwl_onnx_opts_init(cpwl_onnx_opts_struct *opts);
int cpwl_onnx_net_read_buf(cpwl_net_t net, const void *buf, size_t len,
                           const char *where, const cpwl_onnx_opts_struct *opts,
                           cpwl_err_t e);
#endif

/* The shape of the model's first graph input; returns its rank. */
slong ock_input_dims(slong *dims, const Onnx__ModelProto *m);

/* x: random small fractions (kind 0), values in {-1, -1/2, 0, 1/2, 1}
   (kind 1: ties and zeros), rationals of 20-bit parts (kind 2). */
void ock_point(fmpq *x, slong n, test_rng *r, int kind);

/* Graph output `out` of m at x (graph input 0 of shape dims) with graph
   inputs 1..nconst set to consts. */
void ock_eval_ref(oref_tensor_t y, const Onnx__ModelProto *m, slong out,
                  const fmpq *x, const slong *dims, slong ndim,
                  const oref_tensor_struct *consts, slong nconst,
                  int bn_bits);

/* Import B's model (its first graph output; nodes named oracle_* are left
   out) and compare the net with the interpreter at npts points of each
   kind, and at kinks of graph output 1 when B declares it (an affine
   tensor whose zeros are kinks).  Returns the points compared with an
   imported net; keep (may be NULL) receives the net. */
slong ock_model_opts(onb_t B, test_rng *r, slong npts,
                     const cpwl_onnx_opts_struct *opts,
                     const oref_tensor_struct *consts, slong nconst,
                     const char *what, cpwl_net_t keep);
slong ock_model(onb_t B, test_rng *r, slong npts, int fold,
                const char *what);

/* Build `iters` models with f (cycling through the float types and the
   two encodings) and check each. */
typedef void (*ock_model_fn) (onb_t B, test_rng *r, int type, int enc);
void ock_run_models(ock_model_fn f, const char *what, slong iters, int fold,
                    uint64_t seed);

#endif
