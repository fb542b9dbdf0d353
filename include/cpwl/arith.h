/* One arithmetic chosen per run: exact rationals, Arb balls, or an
   emulated IEEE format (module ieee).  Algorithms and objectives are
   written once against the operations here; each operation is one
   rounding in a float format (round to nearest, or stochastic), one Arb
   operation at the context's precision, or exact.

   A value (cpwl_val_t) is an fmpq, an arb or a double according to the
   context it was initialised with; it must be used only with that
   context.  An operation the arithmetic cannot do (a square root in
   exact arithmetic, one of an irrational rational) sets A->fail and
   leaves the output 0; callers check cpwl_arith_failed. */
#ifndef CPWL_ARITH_H
#define CPWL_ARITH_H

#include <stdint.h>
#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"
#include "cpwl/ieee.h"
#include "cpwl/pred.h"

typedef enum
{
    CPWL_ARITH_EXACT = 0,
    CPWL_ARITH_ARB,
    CPWL_ARITH_FLOAT
}
cpwl_arith_kind;

typedef enum
{
    CPWL_ARITH_OK = 0,
    CPWL_ARITH_FAIL_SQRT,       /* exact: square root of a non-square */
    CPWL_ARITH_FAIL_DIV0        /* exact: division by zero */
}
cpwl_arith_fail;

typedef struct
{
    cpwl_arith_kind kind;
    slong prec;                 /* ARB: working precision (bits) */
    cpwl_ieee_fmt fmt;          /* FLOAT: the format */
    int stochastic;             /* FLOAT: stochastic rounding */
    uint64_t rng;               /* FLOAT, stochastic: splitmix64 state */
    cpwl_arith_fail fail;       /* first failure, CPWL_ARITH_OK if none */
    ulong ops;                  /* operations carried out (statistics) */
}
cpwl_arith_struct;

typedef cpwl_arith_struct cpwl_arith_t[1];

typedef union
{
    double d;
    fmpq q;
    arb_struct b;
}
cpwl_val_struct;

typedef cpwl_val_struct cpwl_val_t[1];
typedef cpwl_val_struct *cpwl_val_ptr;
typedef const cpwl_val_struct *cpwl_val_srcptr;

void cpwl_arith_init_exact(cpwl_arith_t A);
void cpwl_arith_init_arb(cpwl_arith_t A, slong prec);
/* stochastic: 0 round to nearest, 1 stochastic rounding seeded by seed */
void cpwl_arith_init_float(cpwl_arith_t A, cpwl_ieee_fmt fmt, int stochastic,
                           uint64_t seed);
void cpwl_arith_clear(cpwl_arith_t A);

/* Parse "exact", "arb:P" (P bits, 2 <= P <= 2^20), "arb" (128 bits) or a
   format name (cpwl_ieee_fmt_from_str; "double" is binary64): 1 on
   success, 0 if s names no arithmetic.  Float formats are initialised
   with round to nearest. */
int cpwl_arith_init_str(cpwl_arith_t A, const char *s);

/* "exact", "arb:128", "binary32", ... (buf of at least 32 chars). */
const char *cpwl_arith_name(char *buf, const cpwl_arith_t A);

int cpwl_arith_failed(const cpwl_arith_t A);

/* 1 if a value entered in a (cpwl_val_set_fmpq) is the value entered in
   b: the same kind, and the same precision (Arb) or format (floats).
   For caches of converted constants. */
int cpwl_arith_equal(const cpwl_arith_t a, const cpwl_arith_t b);

/* 1 if square roots are available (every arithmetic but exact). */
int cpwl_arith_has_sqrt(const cpwl_arith_t A);

void cpwl_val_init(cpwl_val_t x, const cpwl_arith_t A);
void cpwl_val_clear(cpwl_val_t x, const cpwl_arith_t A);
cpwl_val_ptr cpwl_val_vec_init(slong n, const cpwl_arith_t A);
void cpwl_val_vec_clear(cpwl_val_ptr v, slong n, const cpwl_arith_t A);

void cpwl_val_set(cpwl_val_t r, const cpwl_val_t x, cpwl_arith_t A);
void cpwl_val_zero(cpwl_val_t r, cpwl_arith_t A);
/* q entered once: rounded to nearest in a float format, enclosed at
   A->prec in Arb, exact in exact. */
void cpwl_val_set_fmpq(cpwl_val_t r, const fmpq_t q, cpwl_arith_t A);
void cpwl_val_set_si(cpwl_val_t r, slong k, cpwl_arith_t A);

/* One operation each (one rounding in a float format). */
void cpwl_val_add(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A);
void cpwl_val_sub(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A);
void cpwl_val_mul(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A);
void cpwl_val_div(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A);
void cpwl_val_sqrt(cpwl_val_t r, const cpwl_val_t a, cpwl_arith_t A);
/* a a, one rounding like cpwl_val_mul; in Arb the ball is cut to
   [0, inf) (a square is not negative, and sqrt of it must not fail). */
void cpwl_val_sqr(cpwl_val_t r, const cpwl_val_t a, cpwl_arith_t A);
/* For a quantity whose real value is known not to be negative (a sum of
   non-negative terms): in Arb the ball is cut to [0, inf); in exact and
   float arithmetic nothing (no rounding, no change). */
void cpwl_val_nonneg(cpwl_val_t r, cpwl_arith_t A);
/* Exact in every arithmetic (no rounding): negation, max, min. */
void cpwl_val_neg(cpwl_val_t r, const cpwl_val_t a, cpwl_arith_t A);
void cpwl_val_max(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A);
void cpwl_val_min(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A);

/* r = a_0 b_0 + a_1 b_1 + ... + a_{n-1} b_{n-1}, left to right: each
   product rounded, then each partial sum (2n - 1 roundings); 0 if n = 0. */
void cpwl_val_dot(cpwl_val_t r, cpwl_val_srcptr a, cpwl_val_srcptr b, slong n,
                  cpwl_arith_t A);

/* r_i = r_i + s x_i for i = 0 ... n-1: the product rounded, then the
   sum (2n roundings).  s must not be one of the r_i. */
void cpwl_val_axpy(cpwl_val_ptr r, const cpwl_val_t s, cpwl_val_srcptr x,
                   slong n, cpwl_arith_t A);

/* Sign of a value: -1, 0, +1 when known (exact: the sign; float: the sign
   of the number, 0 for both zeros; Arb: when the ball excludes zero, or
   0 for the exact point 0); 2 when not (a ball straddling zero, a NaN). */
int cpwl_val_sgn(const cpwl_val_t a, const cpwl_arith_t A);

/* The sign of z for a decision that branches on it (a relu): an exact
   value through the predicate layer pred (which counts it); a ball by
   cpwl_val_sgn, counted in pred as decided by Arb, or 2 when it contains
   0 and is not 0 (undecided: the caller's enclosure is lost); a float as
   its program branches (-1 for a NaN, which is not > 0). */
int cpwl_val_sign_pred(const cpwl_val_t z, const cpwl_arith_t A,
                       cpwl_pred_ctx_t pred);

/* 1 if x_0 ... x_{n-1} are finite and, in Arb, each of radius at most
   rel max(1, |midpoint|) (the enclosure still means something). */
int cpwl_val_vec_enclosed(cpwl_val_srcptr x, slong n, const cpwl_arith_t A,
                          double rel);

/* 1 if a is finite (a float that is not inf/NaN, a finite ball). */
int cpwl_val_is_finite(const cpwl_val_t a, const cpwl_arith_t A);

/* 1 if a and b are the same value (floats: ==, exact: equal, Arb: the
   same ball). */
int cpwl_val_equal(const cpwl_val_t a, const cpwl_val_t b,
                   const cpwl_arith_t A);

/* An enclosure of a at prec (the exact point for floats and exact values
   when prec allows, else the rounded enclosure). */
void cpwl_val_get_arb(arb_t r, const cpwl_val_t a, const cpwl_arith_t A,
                      slong prec);

/* The exact value of a when it is one (exact, or a finite float): 1;
   otherwise (a ball, inf, NaN) 0 and r unchanged. */
int cpwl_val_get_fmpq(fmpq_t r, const cpwl_val_t a, const cpwl_arith_t A);

/* The nearest double (a ball's midpoint): for display and pictures. */
double cpwl_val_get_d(const cpwl_val_t a, const cpwl_arith_t A);

#endif
