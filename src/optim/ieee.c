/* Emulated IEEE binary formats (see cpwl/ieee.h and docs/ieee.md).

   Round to nearest: the operation in binary64, then one rounding of the
   binary64 result to the format.  The rounding works on the bits of the
   double (portable, no libm, no dependence on x87 excess precision);
   binary32 uses the machine's own conversion (float) x when the compiler
   evaluates in the declared type (FLT_EVAL_METHOD 0).  Stochastic
   rounding and the rounding of rationals go through MPFR.

   Assumes the default floating-point environment: rounding to nearest
   and no flush-to-zero of subnormals (what C programs start with). */
#include <float.h>
#include <math.h>
#include <string.h>
#include <gmp.h>
#include <mpfr.h>
#include "cpwl/ieee.h"

/* IEEE_NATIVE_FLOAT: (float) x rounds once to binary32 when floats are
   IEEE binary32 and expressions are evaluated in their own type;
   otherwise (x87 excess precision, exotic floats) binary32 takes the
   bit-level path.  The header also turns off FMA contraction. */
#include "optim/ieee_native.h"

#define SIGN_BIT UINT64_C(0x8000000000000000)
#define EXP_MASK UINT64_C(0x7ff0000000000000)
#define MANT_MASK UINT64_C(0x000fffffffffffff)
#define HIDDEN_BIT UINT64_C(0x0010000000000000)

typedef struct
{
    const char *name;
    int p, emin, emax;
    uint64_t min_normal;        /* bits of the double 2^emin */
    uint64_t max_finite;        /* bits of the double (2 - 2^(1-p)) 2^emax */
    double quantum;             /* 2^(emin - p + 1), the smallest subnormal */
}
ieee_info;

#define MIN_NORMAL(emin) ((uint64_t) ((emin) + 1023) << 52)
#define MAX_FINITE(p, emax) \
    (((uint64_t) ((emax) + 1023) << 52) | (MANT_MASK & ~((UINT64_C(1) << (53 - (p))) - 1)))

static const ieee_info ieee_fmts[CPWL_IEEE_NFMTS] = {
    {"binary16", 11, -14, 15, MIN_NORMAL(-14), MAX_FINITE(11, 15), 0x1p-24},
    {"bfloat16", 8, -126, 127, MIN_NORMAL(-126), MAX_FINITE(8, 127), 0x1p-133},
    {"binary32", 24, -126, 127, MIN_NORMAL(-126), MAX_FINITE(24, 127), 0x1p-149},
    {"binary64", 53, -1022, 1023, MIN_NORMAL(-1022), MAX_FINITE(53, 1023),
     0x1p-1074}
};

static const ieee_info *info(cpwl_ieee_fmt f)
{
    return ieee_fmts + ((unsigned) f < CPWL_IEEE_NFMTS ? (unsigned) f
                        : CPWL_IEEE_BINARY64);
}

int cpwl_ieee_fmt_from_str(cpwl_ieee_fmt *f, const char *s)
{
    static const struct
    {
        const char *name;
        cpwl_ieee_fmt f;
    }
    names[] = {
        {"binary16", CPWL_IEEE_BINARY16}, {"half", CPWL_IEEE_BINARY16},
        {"bfloat16", CPWL_IEEE_BFLOAT16},
        {"binary32", CPWL_IEEE_BINARY32}, {"float", CPWL_IEEE_BINARY32},
        {"single", CPWL_IEEE_BINARY32},
        {"binary64", CPWL_IEEE_BINARY64}, {"double", CPWL_IEEE_BINARY64}
    };
    size_t i;
    if (s == NULL)
        return 0;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0)
        {
            *f = names[i].f;
            return 1;
        }
    return 0;
}

const char *cpwl_ieee_fmt_name(cpwl_ieee_fmt f)
{
    return (unsigned) f < CPWL_IEEE_NFMTS ? ieee_fmts[f].name : NULL;
}

int cpwl_ieee_fmt_prec(cpwl_ieee_fmt f)
{
    return info(f)->p;
}

int cpwl_ieee_fmt_emin(cpwl_ieee_fmt f)
{
    return info(f)->emin;
}

int cpwl_ieee_fmt_emax(cpwl_ieee_fmt f)
{
    return info(f)->emax;
}

double cpwl_ieee_fmt_max(cpwl_ieee_fmt f)
{
    double x;
    uint64_t u = info(f)->max_finite;
    memcpy(&x, &u, sizeof x);
    return x;
}

double cpwl_ieee_fmt_min_normal(cpwl_ieee_fmt f)
{
    double x;
    uint64_t u = info(f)->min_normal;
    memcpy(&x, &u, sizeof x);
    return x;
}

double cpwl_ieee_fmt_min_subnormal(cpwl_ieee_fmt f)
{
    return info(f)->quantum;
}

/* x rounded to the format (p < 53, emin; the bits of the doubles 2^emin
   and of the largest finite; the smallest subnormal), on the bits of x.

   Normal range of the format (|x| >= 2^emin): the format keeps the top
   p - 1 of the 52 stored bits; adding 2^(k-1) - 1 plus the lowest kept
   bit to the magnitude's bits and clearing the k = 53 - p low bits rounds
   the significand to nearest, ties to even (a tie, exactly 2^(k-1) below,
   carries only when the kept last bit is odd), and a carry out of the
   significand increments the exponent field: the next binade, correctly.
   Then a magnitude beyond the largest finite is one that rounded to
   2^(emax+1) or more: +-inf.  This is IEEE 754's rule, since the
   rounding already happened with the exponent unbounded.

   Subnormal range (|x| < 2^emin): the format's values there are the
   multiples of the quantum 2^(emin-p+1); the double is M 2^(E-1075) with
   M < 2^53 its integer significand, and dropping the sh low bits of M,
   rounded to nearest even, gives the multiple.  A double below
   2^-1022 (zero or subnormal) lies far below half the quantum of every
   format with p < 53 and rounds to zero.  The sign is put back last:
   zeros keep theirs, tiny results underflow to the signed zero. */
static inline double round_bits(double x, int p, int emin,
                                 uint64_t min_normal, uint64_t max_finite,
                                 double quantum)
{
    uint64_t u, a, s;
    double y;
    memcpy(&u, &x, sizeof u);
    s = u & SIGN_BIT;
    a = u ^ s;
    if (a >= min_normal)
    {
        int k = 53 - p;
        if (a >= EXP_MASK)
            return x;           /* inf, NaN */
        a += ((UINT64_C(1) << (k - 1)) - 1) + ((a >> k) & 1);
        a &= ~((UINT64_C(1) << k) - 1);
        if (a > max_finite)
            a = EXP_MASK;
    }
    else
    {
        int ex = (int) (a >> 52);
        if (ex == 0)
            a = 0;
        else
        {
            /* sh = (emin - p + 1) - (ex - 1075) >= 54 - p, as
               ex - 1023 < emin */
            int sh = emin - p + 1076 - ex;
            if (sh > 54)
                a = 0;
            else
            {
                uint64_t m = (a & MANT_MASK) | HIDDEN_BIT;
                uint64_t r = m >> sh, rem = m & ((UINT64_C(1) << sh) - 1);
                uint64_t half = UINT64_C(1) << (sh - 1);
                if (rem > half || (rem == half && (r & 1)))
                    r++;
                /* r 2^(emin-p+1) <= 2^emin: exact in binary64 */
                y = (double) r * quantum;
                memcpy(&a, &y, sizeof a);
            }
        }
    }
    u = a | s;
    memcpy(&y, &u, sizeof y);
    return y;
}

/* The format's constants are compile-time constants in each case (the
   shifts and masks fold). */
#define ROUND_BITS(x, p, emin, emax, quantum) \
    round_bits(x, p, emin, MIN_NORMAL(emin), MAX_FINITE(p, emax), quantum)

static inline double round_fmt(double x, cpwl_ieee_fmt f)
{
    switch (f)
    {
    case CPWL_IEEE_BINARY16:
        return ROUND_BITS(x, 11, -14, 15, 0x1p-24);
    case CPWL_IEEE_BFLOAT16:
        return ROUND_BITS(x, 8, -126, 127, 0x1p-133);
    case CPWL_IEEE_BINARY32:
#if IEEE_NATIVE_FLOAT
        /* IEEE 754's conversion: one rounding to nearest even, binary32
           subnormals, overflow to inf for |x| >= (2 - 2^-24) 2^127. */
        return (double) (float) x;
#else
        return ROUND_BITS(x, 24, -126, 127, 0x1p-149);
#endif
    default:
        return x;
    }
}

double cpwl_ieee_round(double x, cpwl_ieee_fmt f)
{
    return round_fmt(x, f);
}

int cpwl_ieee_is_member(double x, cpwl_ieee_fmt f)
{
    if (isnan(x))
        return 0;
    return round_fmt(x, f) == x;
}

/* Why binary64 then one rounding is the format's correctly rounded
   operation (p = 24, 11, 8).  Normal range: Figueroa's theorem (q >= 2p + 2
   for sqrt, q >= 2p + 1 for + - * /; here q = 53) says that rounding the
   exact z to binary64 and then to p bits gives the rounding of z to p
   bits, the exponent range being unbounded; the binary64 operation
   neither overflows nor underflows on values of these formats (|z| <
   2^280, |z| > 2^-300), and overflow in the format is decided on the
   p-bit rounding.  Subnormal range (|z| < 2^emin, quantum 2^Q): the
   midpoints of the format's grid are binary64 numbers, so the binary64
   rounding can only go wrong by landing exactly on a midpoint that z is
   not on; but a sum of values of the format is a multiple of 2^Q and
   exact, a product z = A B 2^(ea+eb) (A, B < 2^p) that is not on the grid
   lies at least 2^(ea+eb) > |z| 2^-2p from any midpoint, a quotient at
   least |z| 2^-2p or 2^(emin-2p), and |z| 2^-2p exceeds half an ulp of
   binary64 (|z| 2^-53) for 2p + 2 <= 53; square roots of these formats
   are never subnormal.  tests/test_ieee.c checks every case against
   MPFR and the compiler's own float and _Float16. */
double cpwl_ieee_op_rn(cpwl_ieee_op op, double a, double b, cpwl_ieee_fmt f)
{
    double r;
    switch (op)
    {
    case CPWL_IEEE_ADD:
        r = a + b;
        break;
    case CPWL_IEEE_SUB:
        r = a - b;
        break;
    case CPWL_IEEE_MUL:
        r = a * b;
        break;
    case CPWL_IEEE_DIV:
        r = a / b;
        break;
    case CPWL_IEEE_SQRT:
        r = sqrt(a);
        break;
    default:
        return NAN;
    }
    return round_fmt(r, f);
}

/* ---- MPFR ------------------------------------------------------------- */

/* MPFR's exponent range is a per-thread global: saved, set, restored
   around each use, so that callers' own MPFR work is undisturbed. */
typedef struct
{
    mpfr_exp_t emin, emax;
}
ieee_range;

static void range_set(ieee_range *old, mpfr_exp_t emin, mpfr_exp_t emax)
{
    old->emin = mpfr_get_emin();
    old->emax = mpfr_get_emax();
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
}

static void range_restore(const ieee_range *old)
{
    mpfr_set_emin(old->emin);
    mpfr_set_emax(old->emax);
}

/* splitmix64's next output, its high 32 bits. */
static uint32_t draw32(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    z ^= z >> 31;
    return (uint32_t) (z >> 32);
}

/* Stochastic rounding.  z = a op b exactly (conceptually); |z| lies
   between two neighbours of the format's grid extended without an upper
   exponent bound: lo = H 2^q (z truncated toward zero) and lo + 2^q, with
   q = max(e, emin) - p + 1 for 2^e <= |z| < 2^(e+1).  F is the 32 bits of
   (|z| - lo) / 2^q after the point, truncated; the magnitude becomes
   lo + 2^q when a 32-bit draw u satisfies u < F, so P(away from zero) =
   floor(2^32 f) / 2^32 for the fraction f.  Exact z (f = 0) takes no
   draw.  A magnitude of 2^(emax+1) or more is inf: between the largest
   finite and 2^(emax+1) the neighbours are the largest finite and inf,
   beyond 2^(emax+1) both neighbours are inf.  MPFR computes z toward zero
   at p + 32 bits with its ternary value (the sticky bit); in the
   subnormal range the further bits below the quantum are truncated from
   that integer significand. */
double cpwl_ieee_op_sr(cpwl_ieee_op op, double a, double b, cpwl_ieee_fmt f,
                       uint64_t *rng)
{
    const ieee_info *F = info(f);
    ieee_range old;
    mpfr_t x, y, z;
    mpz_t n, lo;
    mpfr_exp_t ex, sh;
    double d, mag;
    int t, sticky, up, neg;
    uint32_t frac;
    long q;

    switch (op)
    {
    case CPWL_IEEE_ADD:
        d = a + b;
        break;
    case CPWL_IEEE_SUB:
        d = a - b;
        break;
    case CPWL_IEEE_MUL:
        d = a * b;
        break;
    case CPWL_IEEE_DIV:
        d = a / b;
        break;
    case CPWL_IEEE_SQRT:
        d = sqrt(a);
        b = 0;
        break;
    default:
        return NAN;
    }
    /* Infinite or NaN operands, division by zero, square roots of
       negatives: IEEE 754's exact special results, no draw. */
    if (!isfinite(a) || !isfinite(b) || (op == CPWL_IEEE_DIV && b == 0)
        || (op == CPWL_IEEE_SQRT && a < 0))
        return d;

    range_set(&old, mpfr_get_emin_min(), mpfr_get_emax_max());
    mpfr_init2(x, 53);
    mpfr_init2(y, 53);
    mpfr_init2(z, F->p + 32);
    mpfr_set_d(x, a, MPFR_RNDN);       /* exact */
    mpfr_set_d(y, b, MPFR_RNDN);
    switch (op)
    {
    case CPWL_IEEE_ADD:
        t = mpfr_add(z, x, y, MPFR_RNDZ);
        break;
    case CPWL_IEEE_SUB:
        t = mpfr_sub(z, x, y, MPFR_RNDZ);
        break;
    case CPWL_IEEE_MUL:
        t = mpfr_mul(z, x, y, MPFR_RNDZ);
        break;
    case CPWL_IEEE_DIV:
        t = mpfr_div(z, x, y, MPFR_RNDZ);
        break;
    default:
        t = mpfr_sqrt(z, x, MPFR_RNDZ);
        break;
    }
    if (mpfr_zero_p(z))
    {
        /* exactly zero (MPFR's range does not underflow here): the
           binary64 result is that zero with IEEE 754's sign */
        mpfr_clears(x, y, z, (mpfr_ptr) 0);
        range_restore(&old);
        return d;
    }
    neg = mpfr_signbit(z) != 0;
    ex = mpfr_get_exp(z) - 1;           /* 2^ex <= |z| < 2^(ex+1) */
    q = (long) (ex > F->emin ? ex : F->emin) - F->p + 1;
    mpz_init(n);
    sh = mpfr_get_z_2exp(n, z);         /* z = n 2^sh */
    mpz_abs(n, n);
    sticky = t != 0;
    /* n 2^sh as a multiple of 2^(q-32), truncated */
    sh -= q - 32;
    if (sh >= 0)
        mpz_mul_2exp(n, n, (mp_bitcnt_t) sh);
    else
    {
        if (mpz_scan1(n, 0) < (mp_bitcnt_t) - sh)
            sticky = 1;
        mpz_tdiv_q_2exp(n, n, (mp_bitcnt_t) - sh);
    }
    mpz_init(lo);
    mpz_tdiv_r_2exp(lo, n, 32);
    frac = (uint32_t) mpz_get_ui(lo);  /* < 2^32 */
    mpz_tdiv_q_2exp(n, n, 32);
    mag = mpz_get_d(n);                 /* H <= 2^p - 1: exact */
    mpz_clears(n, lo, (mpz_ptr) 0);
    mpfr_clears(x, y, z, (mpfr_ptr) 0);
    range_restore(&old);

    up = 0;
    if (frac != 0 || sticky)
        up = draw32(rng) < frac;
    mag = ldexp(mag + up, (int) q);     /* exact, or inf beyond binary64 */
    if (mag > cpwl_ieee_fmt_max(f))
        mag = INFINITY;
    return neg ? -mag : mag;
}

double cpwl_ieee_round_fmpq(const fmpq_t q, cpwl_ieee_fmt f)
{
    const ieee_info *F = info(f);
    ieee_range old;
    mpfr_t x;
    mpq_t m;
    double r;
    int t;

    /* MPFR's exponents are those of 0.1b 2^E: a normal 1.f 2^e has E =
       e + 1, and the smallest subnormal 2^(emin-p+1) has E = emin - p + 2
       (mpfr_subnormalize's documented setting for binary64: -1073, 1024) */
    range_set(&old, F->emin - F->p + 2, F->emax + 1);
    mpfr_init2(x, F->p);
    mpq_init(m);
    fmpq_get_mpq(m, q);
    t = mpfr_set_q(x, m, MPFR_RNDN);
    t = mpfr_check_range(x, t, MPFR_RNDN);
    mpfr_subnormalize(x, t, MPFR_RNDN);
    r = mpfr_get_d(x, MPFR_RNDN);       /* exact: x is a value of the format */
    mpq_clear(m);
    mpfr_clear(x);
    range_restore(&old);
    return r;
}

void cpwl_ieee_get_fmpq(fmpq_t r, double x)
{
    int e;
    double m;
    if (!isfinite(x))
    {
        fmpq_zero(r);
        return;
    }
    /* x = m 2^e, m in [1/2, 1): m 2^53 is an integer, also for subnormals */
    m = frexp(x, &e);
    fmpz_set_d(fmpq_numref(r), ldexp(m, 53));
    fmpz_one(fmpq_denref(r));
    e -= 53;
    if (e >= 0)
        fmpq_mul_2exp(r, r, (ulong) e);
    else
        fmpq_div_2exp(r, r, (ulong) - e);
}
