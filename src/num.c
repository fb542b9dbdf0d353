/* Exact number literals and rounding to IEEE binary formats (see
   cpwl/num.h).

   Parsing never goes through a double: the digits are read into an fmpz
   and scaled by an exact power of 10 or 2.  Rounding to binary64/binary32
   is done with fmpz arithmetic only, so it does not depend on the FPU
   rounding mode or on MPFR's global exponent range. */
#include <math.h>
#include <string.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "cpwl/num.h"

#define NUM_EXPECTED "expected an integer, a decimal such as -0.25 or 1e-3, " \
    "a fraction p/q, or a hex float such as 0x1.8p-3"

/* An IEEE binary interchange format: significand bits (with the hidden
   bit) and the exponent range of normal numbers, value in [2^e, 2^(e+1)). */
typedef struct
{
    slong prec;
    slong emin;
    slong emax;
    const char *name;
}
num_format_struct;

static const num_format_struct num_binary64 = {53, -1022, 1023, "binary64"};
static const num_format_struct num_binary32 = {24, -126, 127, "binary32"};

static const num_format_struct *num_format(cpwl_num_mode_t mode)
{
    if (mode == CPWL_NUM_BINARY64)
        return &num_binary64;
    if (mode == CPWL_NUM_BINARY32)
        return &num_binary32;
    return NULL;
}

const char *cpwl_num_mode_name(cpwl_num_mode_t mode)
{
    switch (mode)
    {
        case CPWL_NUM_EXACT:
            return "exact";
        case CPWL_NUM_BINARY64:
            return "binary64";
        case CPWL_NUM_BINARY32:
            return "binary32";
    }
    return "unknown";
}

/* ------------------------------------------------------------------------
   Rounding core
   ------------------------------------------------------------------------ */

/* Round |x| (x != 0) to the nearest value of format f, ties to even.
   On return |x| rounded = sig * 2^exp exactly, with 0 <= sig <= 2^prec
   (sig = 2^prec after a carry into the next binade, sig = 0 on total
   underflow).  Returns 1 (sig, exp unspecified) when the rounded value
   exceeds the largest finite number, i.e. would be infinity. */
static int num_round_core(fmpz_t sig, slong *exp, const fmpq_t x,
                          const num_format_struct *f)
{
    const fmpz *b = fmpq_denref(x);
    fmpz_t a, num, den, r;
    slong d, e, q;
    int cmp, overflow = 0;

    fmpz_init(a);
    fmpz_init(num);
    fmpz_init(den);
    fmpz_init(r);

    fmpz_abs(a, fmpq_numref(x));

    /* 2^(la-1) <= a < 2^la and 2^(lb-1) <= b < 2^lb give
       2^(d-1) < a/b < 2^(d+1), so floor(log2(a/b)) is d or d - 1. */
    d = (slong) fmpz_bits(a) - (slong) fmpz_bits(b);

    if (d - 1 > f->emax)
    {
        /* |x| >= 2^(emax+1): beyond the largest finite value whatever the
           rounding; exit before building huge shifted operands. */
        overflow = 1;
        goto cleanup;
    }
    if (d + 1 <= f->emin - f->prec)
    {
        /* |x| < 2^(emin-prec), half the smallest subnormal: rounds to 0. */
        fmpz_zero(sig);
        *exp = 0;
        goto cleanup;
    }

    if (d >= 0)
    {
        fmpz_mul_2exp(den, b, (ulong) d);
        cmp = fmpz_cmp(a, den);
    }
    else
    {
        fmpz_mul_2exp(num, a, (ulong) (-d));
        cmp = fmpz_cmp(num, b);
    }
    e = (cmp >= 0) ? d : d - 1;

    /* Weight of the last significand bit; fixed at emin - prec + 1 in the
       subnormal range (gradual underflow). */
    q = FLINT_MAX(e, f->emin) - (f->prec - 1);

    if (q >= 0)
    {
        fmpz_set(num, a);
        fmpz_mul_2exp(den, b, (ulong) q);
    }
    else
    {
        fmpz_mul_2exp(num, a, (ulong) (-q));
        fmpz_set(den, b);
    }

    /* sig = floor(|x| / 2^q), then round half to even on the remainder. */
    fmpz_fdiv_qr(sig, r, num, den);
    fmpz_mul_2exp(r, r, 1);
    cmp = fmpz_cmp(r, den);
    if (cmp > 0 || (cmp == 0 && fmpz_is_odd(sig)))
        fmpz_add_ui(sig, sig, 1);

    /* sig * 2^q < 2^(emax+1) iff bits(sig) + q <= emax + 1; a carry to
       2^prec in the top binade lands exactly on 2^(emax+1). */
    if ((slong) fmpz_bits(sig) + q > f->emax + 1)
        overflow = 1;
    *exp = q;

cleanup:
    fmpz_clear(a);
    fmpz_clear(num);
    fmpz_clear(den);
    fmpz_clear(r);
    return overflow;
}

/* Round x into out for format f; returns 1 on overflow (out untouched). */
static int num_round_to_format(fmpq_t out, const fmpq_t x,
                               const num_format_struct *f)
{
    fmpz_t sig;
    slong exp;
    int neg;

    if (fmpq_is_zero(x))
    {
        fmpq_zero(out);
        return 0;
    }

    neg = (fmpz_sgn(fmpq_numref(x)) < 0);
    fmpz_init(sig);
    if (num_round_core(sig, &exp, x, f))
    {
        fmpz_clear(sig);
        return 1;
    }

    if (neg)
        fmpz_neg(sig, sig);
    /* out may alias x: x is not read any more from here on. */
    fmpz_swap(fmpq_numref(out), sig);
    fmpz_one(fmpq_denref(out));
    if (exp >= 0)
        fmpq_mul_2exp(out, out, (flint_bitcnt_t) exp);
    else
        fmpq_div_2exp(out, out, (flint_bitcnt_t) (-exp));

    fmpz_clear(sig);
    return 0;
}

int cpwl_num_round_fmpq(fmpq_t out, const fmpq_t x, cpwl_num_mode_t mode, cpwl_err_t e)
{
    const num_format_struct *f;

    if (mode == CPWL_NUM_EXACT)
    {
        fmpq_set(out, x);
        return CPWL_OK;
    }

    f = num_format(mode);
    if (f == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "unknown number mode %d",
                            (int) mode);

    if (num_round_to_format(out, x, f))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "number overflows %s (its magnitude rounds beyond "
                            "the largest finite %s value)", f->name, f->name);
    return CPWL_OK;
}

double cpwl_num_fmpq_get_d(const fmpq_t x)
{
    fmpz_t sig;
    slong exp;
    double d;
    int neg;

    if (fmpq_is_zero(x))
        return 0.0;

    neg = (fmpz_sgn(fmpq_numref(x)) < 0);
    fmpz_init(sig);
    if (num_round_core(sig, &exp, x, &num_binary64))
    {
        d = HUGE_VAL;
    }
    else
    {
        /* sig <= 2^53 converts exactly, and sig * 2^exp is a binary64
           value (normal or subnormal), so ldexp is exact too. */
        d = ldexp(fmpz_get_d(sig), (int) exp);
    }
    fmpz_clear(sig);
    return neg ? -d : d;
}

/* ------------------------------------------------------------------------
   Parsing
   ------------------------------------------------------------------------ */

static int num_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int num_is_xdigit(char c)
{
    return num_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Locale-independent case-insensitive comparison of s[0..len) with the
   lower-case word w. */
static int num_is_word(const char *s, size_t len, const char *w)
{
    size_t i;

    if (len != strlen(w))
        return 0;
    for (i = 0; i < len; i++)
    {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (char) (c - 'A' + 'a');
        if (c != w[i])
            return 0;
    }
    return 1;
}

/* Count the digits at s[*i..len) (decimal or hex) and advance *i. */
static size_t num_skip_digits(const char *s, size_t len, size_t *i, int hex)
{
    size_t start = *i;

    while (*i < len && (hex ? num_is_xdigit(s[*i]) : num_is_digit(s[*i])))
        (*i)++;
    return *i - start;
}

/* Read an exponent "[+-]digits" at s[*i..len).  The magnitude saturates at
   limit + 1, so any number of digits is read without overflow.  Returns 0
   if there is no digit. */
static int num_read_exponent(slong *value, const char *s, size_t len,
                             size_t *i, slong limit)
{
    int neg = 0;
    slong v = 0;
    size_t start;

    if (*i < len && (s[*i] == '+' || s[*i] == '-'))
    {
        neg = (s[*i] == '-');
        (*i)++;
    }
    start = *i;
    while (*i < len && num_is_digit(s[*i]))
    {
        if (v <= limit)
            v = FLINT_MIN(v * 10 + (s[*i] - '0'), limit + 1);
        (*i)++;
    }
    *value = neg ? -v : v;
    return *i > start;
}

/* Set m to the integer whose digits in base 10 or 16 are s[a..b) with any
   '.' skipped (the syntax is already checked). */
static void num_digits_to_fmpz(fmpz_t m, const char *s, size_t a, size_t b,
                               int base)
{
    char *buf = flint_malloc(b - a + 1);
    size_t i, n = 0;

    for (i = a; i < b; i++)
        if (s[i] != '.')
            buf[n++] = s[i];
    buf[n] = '\0';
    fmpz_set_str(m, buf, base);
    flint_free(buf);
}

/* out = sign * m * base^k exactly, in lowest terms (base 2 or 10). */
static void num_scale(fmpq_t out, const fmpz_t m, int neg, ulong base,
                      slong k)
{
    fmpz_t p;

    fmpz_init(p);
    if (neg)
        fmpz_neg(fmpq_numref(out), m);
    else
        fmpz_set(fmpq_numref(out), m);
    fmpz_one(fmpq_denref(out));
    if (base == 2)
    {
        if (k >= 0)
            fmpq_mul_2exp(out, out, (flint_bitcnt_t) k);
        else
            fmpq_div_2exp(out, out, (flint_bitcnt_t) (-k));
    }
    else if (k != 0 && !fmpq_is_zero(out))
    {
        fmpz_set_ui(p, base);
        fmpz_pow_ui(p, p, (ulong) FLINT_ABS(k));
        if (k > 0)
            fmpz_mul(fmpq_numref(out), fmpq_numref(out), p);
        else
            fmpq_div_fmpz(out, out, p);
    }
    fmpz_clear(p);
}

int cpwl_num_parse_fmpq(fmpq_t out, const char *s, size_t len, cpwl_num_mode_t mode,
                        cpwl_err_t e)
{
    char lit[CPWL_ERR_QUOTE_SIZE];
    const num_format_struct *f = NULL;
    size_t i = 0, body, nint, nfrac;
    int neg = 0, status = CPWL_OK;
    fmpz_t m, q;
    fmpq_t v;

    if (mode != CPWL_NUM_EXACT)
    {
        f = num_format(mode);
        if (f == NULL)
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "unknown number mode %d",
                                (int) mode);
    }

    if (len == 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "empty number (" NUM_EXPECTED ")");

    cpwl_err_quote(lit, sizeof(lit), s, len);

    /* Digit counts feed slong exponent arithmetic below. */
    if (len > (size_t) (WORD_MAX / 8))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "number %s is too long", lit);

    if (s[0] == '+' || s[0] == '-')
    {
        neg = (s[0] == '-');
        i = 1;
    }
    body = i;

    if (num_is_word(s + body, len - body, "nan")
        || num_is_word(s + body, len - body, "inf")
        || num_is_word(s + body, len - body, "infinity"))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "%s is not a finite number (" NUM_EXPECTED ")", lit);

    fmpz_init(m);
    fmpz_init(q);
    fmpq_init(v);

    if (memchr(s, '/', len) != NULL)
    {
        /* Fraction p/q: p an integer with the only sign, q plain digits. */
        size_t slash;

        nint = num_skip_digits(s, len, &i, 0);
        slash = i;
        if (nint == 0 || i >= len || s[i] != '/')
            goto bad_fraction;
        i++;
        if (num_skip_digits(s, len, &i, 0) == 0 || i != len)
            goto bad_fraction;

        num_digits_to_fmpz(q, s, slash + 1, len, 10);
        if (fmpz_is_zero(q))
        {
            status = cpwl_err_set(e, CPWL_ERR_INPUT,
                                  "zero denominator in %s (expected p/q with "
                                  "q > 0)", lit);
            goto cleanup;
        }
        num_digits_to_fmpz(m, s, body, slash, 10);
        if (neg)
            fmpz_neg(m, m);
        fmpq_set_fmpz_frac(v, m, q);
    }
    else if (len - body >= 2 && s[body] == '0'
             && (s[body + 1] == 'x' || s[body + 1] == 'X'))
    {
        /* C99 hex float: value = M * 2^(p - 4 * fraction hex digits). */
        size_t start;
        slong bexp = 0;

        i = body + 2;
        start = i;
        nint = num_skip_digits(s, len, &i, 1);
        nfrac = 0;
        if (i < len && s[i] == '.')
        {
            i++;
            nfrac = num_skip_digits(s, len, &i, 1);
        }
        if (nint + nfrac == 0)
            goto bad_hex;
        num_digits_to_fmpz(m, s, start, i, 16);
        if (i < len && (s[i] == 'p' || s[i] == 'P'))
        {
            i++;
            if (!num_read_exponent(&bexp, s, len, &i, CPWL_NUM_MAX_BIN_EXP))
                goto bad_hex;
        }
        if (i != len)
            goto bad_hex;
        if (FLINT_ABS(bexp) > CPWL_NUM_MAX_BIN_EXP)
        {
            status = cpwl_err_set(e, CPWL_ERR_INPUT,
                                  "binary exponent in %s exceeds the limit of "
                                  "%d in magnitude", lit, CPWL_NUM_MAX_BIN_EXP);
            goto cleanup;
        }
        num_scale(v, m, neg, 2, bexp - 4 * (slong) nfrac);
    }
    else
    {
        /* Integer or decimal: value = M * 10^(exponent - fraction digits). */
        size_t start = i;
        slong dexp = 0;

        nint = num_skip_digits(s, len, &i, 0);
        nfrac = 0;
        if (i < len && s[i] == '.')
        {
            i++;
            nfrac = num_skip_digits(s, len, &i, 0);
        }
        if (nint + nfrac == 0)
            goto bad;
        num_digits_to_fmpz(m, s, start, i, 10);
        if (i < len && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            if (!num_read_exponent(&dexp, s, len, &i, CPWL_NUM_MAX_DEC_EXP))
                goto bad;
        }
        if (i != len)
            goto bad;
        if (FLINT_ABS(dexp) > CPWL_NUM_MAX_DEC_EXP)
        {
            status = cpwl_err_set(e, CPWL_ERR_INPUT,
                                  "decimal exponent in %s exceeds the limit of "
                                  "%d in magnitude", lit, CPWL_NUM_MAX_DEC_EXP);
            goto cleanup;
        }
        num_scale(v, m, neg, 10, dexp - (slong) nfrac);
    }

    if (f != NULL && num_round_to_format(v, v, f))
    {
        status = cpwl_err_set(e, CPWL_ERR_INPUT,
                              "literal %s overflows %s (its magnitude rounds "
                              "beyond the largest finite %s value)",
                         lit, f->name, f->name);
        goto cleanup;
    }
    fmpq_swap(out, v);
    goto cleanup;

bad_fraction:
    status = cpwl_err_set(e, CPWL_ERR_INPUT,
                          "malformed fraction %s (expected p/q with p an integer "
                          "and q a positive integer, such as -1/2)", lit);
    goto cleanup;

bad_hex:
    status = cpwl_err_set(e, CPWL_ERR_INPUT,
                          "malformed hex float %s (expected 0x, hex digits with "
                          "an optional point, then an optional binary exponent, "
                          "such as 0x1.8p-3)", lit);
    goto cleanup;

bad:
    status = cpwl_err_set(e, CPWL_ERR_INPUT, "malformed number %s (" NUM_EXPECTED
                          ")", lit);

cleanup:
    fmpz_clear(m);
    fmpz_clear(q);
    fmpq_clear(v);
    return status;
}
