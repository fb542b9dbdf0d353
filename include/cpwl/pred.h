/* The predicate layer: the one place where the sign of a quantity is
   decided (SPEC section 3).

   A question supplies up to three ways to get the quantity; cpwl_pred_sign tries
   them in order and stops at the first that proves the sign:
     1. a double value with a proven bound on its error: decided if
        |v| > err (or err == 0, when v is exact);
     2. an Arb ball at rising precision: decided once the ball excludes
        zero (or is the exact point 0);
     3. the exact rational: always decides.
   The context counts how many questions each stage decided (`--stats`). */
#ifndef CPWL_PRED_H
#define CPWL_PRED_H

#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"

typedef struct
{
    ulong by_double;            /* questions decided by the double filter */
    ulong by_arb;               /* ... by an Arb ball */
    ulong by_exact;             /* ... only by exact arithmetic */
    slong prec_start;           /* first Arb precision (bits) */
    slong prec_max;             /* Arb precision is doubled up to this */
    int exact_only;             /* skip the filters (benchmarks, tests) */
}
cpwl_pred_ctx_struct;

typedef cpwl_pred_ctx_struct cpwl_pred_ctx_t[1];

typedef struct
{
    /* Stage 1 (may be NULL): set *v and a proven *err >= |v - exact|;
       return 0 when no finite bound is available. */
    int (*get_d)(double *v, double *err, void *data);
    /* Stage 2 (may be NULL): an enclosure of the exact value at prec. */
    void (*get_arb)(arb_t v, slong prec, void *data);
    /* Stage 3 (required): the exact value. */
    void (*get_fmpq)(fmpq_t v, void *data);
    void *data;
}
cpwl_pred_src_struct;

void cpwl_pred_ctx_init(cpwl_pred_ctx_t ctx);
void cpwl_pred_ctx_clear(cpwl_pred_ctx_t ctx);
void cpwl_pred_ctx_reset_counts(cpwl_pred_ctx_t ctx);

/* Sign (-1, 0 or +1) of the quantity described by src. */
int cpwl_pred_sign(cpwl_pred_ctx_t ctx, const cpwl_pred_src_struct *src);

/* Sign of (a quantity with value v and proven error bound err) when the
   double filter proves it; 2 when it does not. Does not count. */
int cpwl_pred_sign_d_filter(double v, double err);

/* The same question asked of the layer: the sign when the filter proves
   it, counted as decided by the double filter; 2 (not counted) when it
   does not or ctx->exact_only is set, and the caller goes on to an exact
   stage (cpwl_pred_sign, or its own, counted with cpwl_pred_ctx_count). */
int cpwl_pred_sign_d(cpwl_pred_ctx_t ctx, double v, double err);

/* Count questions decided outside cpwl_pred_sign: by a bulk double pass whose
   every decision was the test of cpwl_pred_sign_d_filter (|v| > err for a
   proven err), by Arb balls, and exactly. */
void cpwl_pred_ctx_count(cpwl_pred_ctx_t ctx, ulong by_double, ulong by_arb,
                         ulong by_exact);

/* ctx's counts += src's (merging the contexts of worker threads). */
void cpwl_pred_ctx_add_counts(cpwl_pred_ctx_t ctx, const cpwl_pred_ctx_t src);

ulong cpwl_pred_ctx_total(const cpwl_pred_ctx_t ctx);

#endif
