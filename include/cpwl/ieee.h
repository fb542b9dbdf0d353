/* Emulated IEEE 754 binary formats: binary16, bfloat16, binary32 and
   binary64, every operation rounded once.

   A value of any of the four formats is held in a C double: every
   binary16, bfloat16 and binary32 number, subnormals included, is a
   binary64 number.  Round to nearest, ties to even, is computed by
   doing the operation in binary64 and rounding the binary64 result to
   the format: for +, -, *, / and sqrt this double rounding is
   innocuous because 53 >= 2p + 2 for p = 24, 11 and 8 (Figueroa, "When
   is double rounding innocuous?", SIGNUM 1995).  binary64 is the
   machine's own arithmetic (SSE2, no contraction into FMA).  Stochastic
   rounding goes through MPFR.

   Formats (precision p, exponent range; largest finite):
     binary16  11  -14..15     65504
     bfloat16   8  -126..127   (2 - 2^-7) 2^127
     binary32  24  -126..127   (2 - 2^-23) 2^127
     binary64  53  -1022..1023 (2 - 2^-52) 2^1023 */
#ifndef CPWL_IEEE_H
#define CPWL_IEEE_H

#include <stdint.h>
#include <flint/fmpq.h>

typedef enum
{
    CPWL_IEEE_BINARY16 = 0,
    CPWL_IEEE_BFLOAT16,
    CPWL_IEEE_BINARY32,
    CPWL_IEEE_BINARY64
}
cpwl_ieee_fmt;

#define CPWL_IEEE_NFMTS 4

typedef enum
{
    CPWL_IEEE_ADD = 0,
    CPWL_IEEE_SUB,
    CPWL_IEEE_MUL,
    CPWL_IEEE_DIV,
    CPWL_IEEE_SQRT              /* of the first operand; the second is ignored */
}
cpwl_ieee_op;

/* The format named s ("binary16", "bfloat16", "binary32", "binary64";
   also "half", "float", "single" and "double"): 1 and *f set, or 0. */
int cpwl_ieee_fmt_from_str(cpwl_ieee_fmt *f, const char *s);

/* Its canonical name ("binary16", ...). */
const char *cpwl_ieee_fmt_name(cpwl_ieee_fmt f);

/* Precision p (bits of the significand, hidden bit included), emin and
   emax (normal numbers are 1.f 2^e with emin <= e <= emax). */
int cpwl_ieee_fmt_prec(cpwl_ieee_fmt f);
int cpwl_ieee_fmt_emin(cpwl_ieee_fmt f);
int cpwl_ieee_fmt_emax(cpwl_ieee_fmt f);

/* The largest finite value (2 - 2^(1-p)) 2^emax, the smallest normal
   2^emin and the smallest subnormal 2^(emin-p+1) of the format. */
double cpwl_ieee_fmt_max(cpwl_ieee_fmt f);
double cpwl_ieee_fmt_min_normal(cpwl_ieee_fmt f);
double cpwl_ieee_fmt_min_subnormal(cpwl_ieee_fmt f);

/* x rounded to the format, to nearest with ties to even, with
   subnormals, overflow to +-inf; NaN and infinities pass through. */
double cpwl_ieee_round(double x, cpwl_ieee_fmt f);

/* 1 if x (not NaN) is a value of the format (+-inf count), else 0. */
int cpwl_ieee_is_member(double x, cpwl_ieee_fmt f);

/* a op b for a and b values of the format, rounded once to nearest,
   ties to even (NaN, infinities and signed zeros as IEEE 754 says).
   An op outside the enumeration gives NaN. */
double cpwl_ieee_op_rn(cpwl_ieee_op op, double a, double b, cpwl_ieee_fmt f);

/* The same operation with stochastic rounding: an inexact result is
   rounded away from zero with probability equal to its distance from
   the value below it in magnitude, in units of the spacing there, as
   decided by a 32-bit uniform draw from *rng (a splitmix64 state, which
   is advanced); exact results take no draw.  The probability is exact
   up to the 2^-32 grid of the draw.
   Precisely: for the exact result z, lo is |z| truncated to the format's
   grid (spacing 2^q, q = max(e, emin) - p + 1 for 2^e <= |z| < 2^(e+1),
   so the subnormal spacing below 2^emin), f = (|z| - lo) / 2^q and F =
   floor(2^32 f); one draw u (the high 32 bits of the next splitmix64
   output) gives lo + 2^q if u < F, else lo, with the sign of z:
   P(away) = F / 2^32.  A magnitude of 2^(emax+1) or more is inf, so a
   result between the largest finite and 2^(emax+1) goes to one of those
   two, and beyond 2^(emax+1) always to inf.  A result that is zero,
   infinite or NaN exactly (infinite or NaN operands, division by zero,
   square root of a negative) is IEEE 754's and takes no draw. */
double cpwl_ieee_op_sr(cpwl_ieee_op op, double a, double b, cpwl_ieee_fmt f,
                       uint64_t *rng);

/* The exact rational q rounded to the format, to nearest, ties to even
   (how constants enter a run: once, when it starts). */
double cpwl_ieee_round_fmpq(const fmpq_t q, cpwl_ieee_fmt f);

/* The exact value of a finite double as a rational. */
void cpwl_ieee_get_fmpq(fmpq_t r, double x);

#endif
