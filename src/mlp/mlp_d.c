/* Module mlp in binary64: mlp_impl.h instantiated for double. */
#include "config.h"
#include <math.h>
#include <string.h>
#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif
#include "cpwl/mlp.h"
#include "mlp_int.h"

#define REAL double
#define SFX d
#define CBLAS_GEMM cblas_dgemm
#define EXPR exp
#include "mlp_impl.h"
