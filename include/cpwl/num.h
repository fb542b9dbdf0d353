/* Exact number literals (SPEC section 4).

   Every literal is read exactly as written: "0.1" is 1/10.  Accepted forms
   (an optional leading '+' or '-' on each):
     integer                  12, -7
     decimal with exponent    0.25, 1e-3, 2.5E+4, .5, 5.
     fraction p/q             -1/2, 22/7      (q > 0 after the sign of p)
     C99 hexadecimal float    0x1.8p-3, -0X1P+4, 0x.8p0, 0x10
   Refused with a message: nan, inf, q = 0, decimal exponents beyond
   CPWL_NUM_MAX_DEC_EXP, binary exponents beyond CPWL_NUM_MAX_BIN_EXP, anything else.

   A float mode (binary64, binary32) then rounds the exact value to the
   nearest float (ties to even, subnormals included) and keeps that float
   exactly: the function a float network really computes. */
#ifndef CPWL_NUM_H
#define CPWL_NUM_H

#include <stddef.h>
#include <flint/fmpq.h>
#include "cpwl/err.h"

/* Exponent limits: beyond them a literal would cost megabytes of digits. */
#define CPWL_NUM_MAX_DEC_EXP 10000
#define CPWL_NUM_MAX_BIN_EXP 40000

typedef enum
{
    CPWL_NUM_EXACT = 0,
    CPWL_NUM_BINARY64,
    CPWL_NUM_BINARY32
}
cpwl_num_mode_t;

/* Parse s[0..len) (no surrounding blanks) into out.  On failure sets e with
   a message naming what was expected (without the place, which the caller
   adds) and returns CPWL_ERR_INPUT; returns CPWL_OK on success. */
int cpwl_num_parse_fmpq(fmpq_t out, const char *s, size_t len, cpwl_num_mode_t mode,
                        cpwl_err_t e);

/* Round x to the nearest binary64 (mode CPWL_NUM_BINARY64) or binary32 value,
   ties to even, with gradual underflow; the result is exact in out.
   Returns 0, or CPWL_ERR_INPUT with a message when |x| rounds beyond the
   largest finite float (overflow). */
int cpwl_num_round_fmpq(fmpq_t out, const fmpq_t x, cpwl_num_mode_t mode, cpwl_err_t e);

/* The binary64 value nearest to x (ties to even); +-HUGE_VAL on overflow.
   |result - x| <= 2^-53 |x| + 2^-1075 whenever the result is finite. */
double cpwl_num_fmpq_get_d(const fmpq_t x);

/* Name of a mode as written in JSON ("exact", "binary64", "binary32"). */
const char *cpwl_num_mode_name(cpwl_num_mode_t mode);

#endif
