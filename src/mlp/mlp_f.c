/* Module mlp in binary32: mlp_impl.h instantiated for float. */
#include "config.h"
#include <math.h>
#include <string.h>
#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif
#include "cpwl/mlp.h"
#include "mlp_int.h"

#define REAL float
#define SFX f
#define CBLAS_GEMM cblas_sgemm
#define EXPR expf
#include "mlp_impl.h"
