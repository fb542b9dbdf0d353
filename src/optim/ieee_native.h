/* When the machine's float and double are the emulated binary32 and
   binary64 (internal to src/optim): IEEE formats, and expressions
   evaluated in their own types (FLT_EVAL_METHOD 0, so no x87 excess
   precision).  Then (float) x rounds once to binary32 and a + b in
   double is binary64's rounded sum; ieee.c and arith.c take these
   shortcuts only under this condition.  No contraction into FMA either:
   GCC does not contract under -std=c11, and the files that include this
   header tell clang with the pragma below. */
#ifndef CPWL_IEEE_NATIVE_H
#define CPWL_IEEE_NATIVE_H

#include <float.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0 && FLT_RADIX == 2 \
    && FLT_MANT_DIG == 24 && FLT_MIN_EXP == -125 && FLT_MAX_EXP == 128 \
    && DBL_MANT_DIG == 53 && DBL_MIN_EXP == -1021 && DBL_MAX_EXP == 1024
#define IEEE_NATIVE_FLOAT 1
#else
#define IEEE_NATIVE_FLOAT 0
#endif

#endif
