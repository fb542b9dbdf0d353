/* One arithmetic per run (see cpwl/arith.h): exact fmpq, Arb balls, or
   an emulated IEEE format through module ieee.  Every operation is one
   rounding in a float format, so an algorithm written against these
   functions has one documented rounding per operation of its formula. */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <float.h>
#include "cpwl/arith.h"
#include "cpwl/num.h"
#include "optim/ieee_native.h"

void cpwl_arith_init_exact(cpwl_arith_t A)
{
    memset(A, 0, sizeof(cpwl_arith_struct));
    A->kind = CPWL_ARITH_EXACT;
}

void cpwl_arith_init_arb(cpwl_arith_t A, slong prec)
{
    memset(A, 0, sizeof(cpwl_arith_struct));
    A->kind = CPWL_ARITH_ARB;
    A->prec = prec;
}

void cpwl_arith_init_float(cpwl_arith_t A, cpwl_ieee_fmt fmt, int stochastic,
                           uint64_t seed)
{
    memset(A, 0, sizeof(cpwl_arith_struct));
    A->kind = CPWL_ARITH_FLOAT;
    A->fmt = fmt;
    A->stochastic = stochastic;
    A->rng = seed;
}

void cpwl_arith_clear(cpwl_arith_t A)
{
    (void) A;
}

int cpwl_arith_init_str(cpwl_arith_t A, const char *s)
{
    cpwl_ieee_fmt f;

    if (strcmp(s, "exact") == 0)
    {
        cpwl_arith_init_exact(A);
        return 1;
    }
    if (strcmp(s, "arb") == 0)
    {
        cpwl_arith_init_arb(A, 128);
        return 1;
    }
    if (strncmp(s, "arb:", 4) == 0)
    {
        const char *p = s + 4;
        char *end;
        long v;

        if (*p < '0' || *p > '9')
            return 0;
        v = strtol(p, &end, 10);
        if (*end != '\0' || v < 2 || v > (1L << 20))
            return 0;
        cpwl_arith_init_arb(A, (slong) v);
        return 1;
    }
    if (cpwl_ieee_fmt_from_str(&f, s))
    {
        cpwl_arith_init_float(A, f, 0, 0);
        return 1;
    }
    return 0;
}

const char *cpwl_arith_name(char *buf, const cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        strcpy(buf, "exact");
    else if (A->kind == CPWL_ARITH_ARB)
        snprintf(buf, 32, "arb:%ld", (long) A->prec);
    else
        snprintf(buf, 32, "%s", cpwl_ieee_fmt_name(A->fmt));
    return buf;
}

int cpwl_arith_failed(const cpwl_arith_t A)
{
    return A->fail != CPWL_ARITH_OK;
}

int cpwl_arith_equal(const cpwl_arith_t a, const cpwl_arith_t b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == CPWL_ARITH_ARB)
        return a->prec == b->prec;
    if (a->kind == CPWL_ARITH_FLOAT)
        return a->fmt == b->fmt;
    return 1;
}

int cpwl_arith_has_sqrt(const cpwl_arith_t A)
{
    return A->kind != CPWL_ARITH_EXACT;
}

/* ------------------------------------------------------------------------
   Values
   ------------------------------------------------------------------------ */

void cpwl_val_init(cpwl_val_t x, const cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_init(&x->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_init(&x->b);
    else
        x->d = 0.0;
}

void cpwl_val_clear(cpwl_val_t x, const cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_clear(&x->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_clear(&x->b);
}

cpwl_val_ptr cpwl_val_vec_init(slong n, const cpwl_arith_t A)
{
    cpwl_val_ptr v = flint_malloc(FLINT_MAX(n, 1) * sizeof(cpwl_val_struct));
    slong i;

    for (i = 0; i < n; i++)
        cpwl_val_init(v + i, A);
    return v;
}

void cpwl_val_vec_clear(cpwl_val_ptr v, slong n, const cpwl_arith_t A)
{
    slong i;

    if (v == NULL)
        return;
    for (i = 0; i < n; i++)
        cpwl_val_clear(v + i, A);
    flint_free(v);
}

void cpwl_val_set(cpwl_val_t r, const cpwl_val_t x, cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_set(&r->q, &x->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_set(&r->b, &x->b);
    else
        r->d = x->d;
}

void cpwl_val_zero(cpwl_val_t r, cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_zero(&r->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_zero(&r->b);
    else
        r->d = 0.0;
}

void cpwl_val_set_fmpq(cpwl_val_t r, const fmpq_t q, cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_set(&r->q, q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_set_fmpq(&r->b, q, A->prec);
    else
        r->d = cpwl_ieee_round_fmpq(q, A->fmt);
}

void cpwl_val_set_si(cpwl_val_t r, slong k, cpwl_arith_t A)
{
    fmpq_t q;

    /* |k| <= 2^53 is a double exactly: one rounding to the format, the
       same as entering k through its rational (and no MPFR call) */
    if (A->kind == CPWL_ARITH_FLOAT && k <= (WORD(1) << 53)
        && k >= -(WORD(1) << 53))
    {
        r->d = cpwl_ieee_round((double) k, A->fmt);
        return;
    }

    fmpq_init(q);
    fmpq_set_si(q, k, 1);
    cpwl_val_set_fmpq(r, q, A);
    fmpq_clear(q);
}

/* A float operation: one rounding, to nearest or stochastic.  binary64
   to nearest, and binary32 where float expressions are evaluated in
   float, are the machine's own operations (what module ieee computes for
   them too, checked against MPFR by test_ieee), done here without the
   call. */
#define ARITH_NATIVE IEEE_NATIVE_FLOAT

static inline double arith_fop(cpwl_ieee_op op, double a, double b,
                               cpwl_arith_t A)
{
    A->ops++;
    if (A->stochastic)
        return cpwl_ieee_op_sr(op, a, b, A->fmt, &A->rng);
    if (ARITH_NATIVE && A->fmt == CPWL_IEEE_BINARY64)
    {
        switch (op)
        {
        case CPWL_IEEE_ADD: return a + b;
        case CPWL_IEEE_SUB: return a - b;
        case CPWL_IEEE_MUL: return a * b;
        case CPWL_IEEE_DIV: return a / b;
        default: break;
        }
    }
    else if (ARITH_NATIVE && A->fmt == CPWL_IEEE_BINARY32)
    {
        float x = (float) a, y = (float) b;

        switch (op)
        {
        case CPWL_IEEE_ADD: return (double) (x + y);
        case CPWL_IEEE_SUB: return (double) (x - y);
        case CPWL_IEEE_MUL: return (double) (x * y);
        case CPWL_IEEE_DIV: return (double) (x / y);
        default: break;
        }
    }
    return cpwl_ieee_op_rn(op, a, b, A->fmt);
}

void cpwl_val_add(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_add(&r->q, &a->q, &b->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_add(&r->b, &a->b, &b->b, A->prec);
    else
        r->d = arith_fop(CPWL_IEEE_ADD, a->d, b->d, A);
}

void cpwl_val_sub(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_sub(&r->q, &a->q, &b->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_sub(&r->b, &a->b, &b->b, A->prec);
    else
        r->d = arith_fop(CPWL_IEEE_SUB, a->d, b->d, A);
}

void cpwl_val_mul(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_mul(&r->q, &a->q, &b->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_mul(&r->b, &a->b, &b->b, A->prec);
    else
        r->d = arith_fop(CPWL_IEEE_MUL, a->d, b->d, A);
}

void cpwl_val_div(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
    {
        if (fmpq_is_zero(&b->q))
        {
            if (A->fail == CPWL_ARITH_OK)
                A->fail = CPWL_ARITH_FAIL_DIV0;
            fmpq_zero(&r->q);
        }
        else
            fmpq_div(&r->q, &a->q, &b->q);
    }
    else if (A->kind == CPWL_ARITH_ARB)
        arb_div(&r->b, &a->b, &b->b, A->prec);
    else
        r->d = arith_fop(CPWL_IEEE_DIV, a->d, b->d, A);
}

void cpwl_val_sqr(cpwl_val_t r, const cpwl_val_t a, cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_mul(&r->q, &a->q, &a->q);
    else if (A->kind == CPWL_ARITH_ARB)
    {
        arb_mul(&r->b, &a->b, &a->b, A->prec);
        arb_nonnegative_part(&r->b, &r->b);
    }
    else
        r->d = arith_fop(CPWL_IEEE_MUL, a->d, a->d, A);
}

void cpwl_val_nonneg(cpwl_val_t r, cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_ARB)
        arb_nonnegative_part(&r->b, &r->b);
}

/* Exact square root of a rational square; anything else fails: the
   trajectory would leave the rationals. */
static void arith_sqrt_exact(fmpq_t r, const fmpq_t a, cpwl_arith_t A)
{
    if (fmpz_sgn(fmpq_numref(a)) >= 0 && fmpz_is_square(fmpq_numref(a))
        && fmpz_is_square(fmpq_denref(a)))
    {
        fmpz_sqrt(fmpq_numref(r), fmpq_numref(a));
        fmpz_sqrt(fmpq_denref(r), fmpq_denref(a));
        return;
    }
    if (A->fail == CPWL_ARITH_OK)
        A->fail = CPWL_ARITH_FAIL_SQRT;
    fmpq_zero(r);
}

void cpwl_val_sqrt(cpwl_val_t r, const cpwl_val_t a, cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        arith_sqrt_exact(&r->q, &a->q, A);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_sqrt(&r->b, &a->b, A->prec);
    else
        r->d = arith_fop(CPWL_IEEE_SQRT, a->d, 0.0, A);
}

void cpwl_val_neg(cpwl_val_t r, const cpwl_val_t a, cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_neg(&r->q, &a->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_neg(&r->b, &a->b);
    else
        r->d = -a->d;
}

/* max and min of floats as IEEE 754's maxNum/minNum would give for the
   values the engine meets; a NaN operand gives NaN (it must not be
   hidden). */
void cpwl_val_max(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_set(&r->q, fmpq_cmp(&a->q, &b->q) >= 0 ? &a->q : &b->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_max(&r->b, &a->b, &b->b, A->prec);
    else if (isnan(a->d) || isnan(b->d))
        r->d = NAN;
    else
        r->d = a->d >= b->d ? a->d : b->d;
}

void cpwl_val_min(cpwl_val_t r, const cpwl_val_t a, const cpwl_val_t b,
                  cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        fmpq_set(&r->q, fmpq_cmp(&a->q, &b->q) <= 0 ? &a->q : &b->q);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_min(&r->b, &a->b, &b->b, A->prec);
    else if (isnan(a->d) || isnan(b->d))
        r->d = NAN;
    else
        r->d = a->d <= b->d ? a->d : b->d;
}

/* The machine's own binary64, and binary32 where float expressions are
   evaluated in float (FLT_EVAL_METHOD 0), are the emulated formats
   exactly (module ieee computes them the same way, and test_ieee checks
   it against MPFR): the same operations in the same order, without the
   call per operation.  No contraction into FMA: the library is built
   with -std=c11 (GCC) or the pragma above (clang). */

static int arith_dot_native(cpwl_val_t r, cpwl_val_srcptr a,
                            cpwl_val_srcptr b, slong n, cpwl_arith_t A)
{
    slong i;

    if (!ARITH_NATIVE || A->kind != CPWL_ARITH_FLOAT || A->stochastic)
        return 0;
    if (A->fmt == CPWL_IEEE_BINARY64)
    {
        double p = a[0].d * b[0].d;

        for (i = 1; i < n; i++)
        {
            double s = a[i].d * b[i].d;

            p = p + s;
        }
        r->d = p;
        A->ops += 2 * n - 1;
        return 1;
    }
    if (A->fmt == CPWL_IEEE_BINARY32)
    {
        float p = (float) a[0].d * (float) b[0].d;

        for (i = 1; i < n; i++)
        {
            float s = (float) a[i].d * (float) b[i].d;

            p = p + s;
        }
        r->d = (double) p;
        A->ops += 2 * n - 1;
        return 1;
    }
    return 0;
}

void cpwl_val_dot(cpwl_val_t r, cpwl_val_srcptr a, cpwl_val_srcptr b, slong n,
                  cpwl_arith_t A)
{
    cpwl_val_t p, s;
    slong i;

    if (n <= 0)
    {
        cpwl_val_zero(r, A);
        return;
    }
    if (arith_dot_native(r, a, b, n, A))
        return;
    cpwl_val_init(p, A);
    cpwl_val_init(s, A);
    cpwl_val_mul(p, a, b, A);
    for (i = 1; i < n; i++)
    {
        cpwl_val_mul(s, a + i, b + i, A);
        cpwl_val_add(p, p, s, A);
    }
    cpwl_val_set(r, p, A);
    cpwl_val_clear(s, A);
    cpwl_val_clear(p, A);
}

/* r_i = r_i + s x_i through the machine's binary64 / binary32 (the
   condition of arith_dot_native). */
static int arith_axpy_native(cpwl_val_ptr r, const cpwl_val_t s,
                             cpwl_val_srcptr x, slong n, cpwl_arith_t A)
{
    slong i;

    if (!ARITH_NATIVE || A->kind != CPWL_ARITH_FLOAT || A->stochastic)
        return 0;
    if (A->fmt == CPWL_IEEE_BINARY64)
    {
        double c = s->d;

        for (i = 0; i < n; i++)
        {
            double p = c * x[i].d;

            r[i].d = r[i].d + p;
        }
        A->ops += 2 * n;
        return 1;
    }
    if (A->fmt == CPWL_IEEE_BINARY32)
    {
        float c = (float) s->d;

        for (i = 0; i < n; i++)
        {
            float p = c * (float) x[i].d;

            r[i].d = (double) ((float) r[i].d + p);
        }
        A->ops += 2 * n;
        return 1;
    }
    return 0;
}

void cpwl_val_axpy(cpwl_val_ptr r, const cpwl_val_t s, cpwl_val_srcptr x,
                   slong n, cpwl_arith_t A)
{
    cpwl_val_t p;
    slong i;

    if (n <= 0 || arith_axpy_native(r, s, x, n, A))
        return;
    cpwl_val_init(p, A);
    for (i = 0; i < n; i++)
    {
        cpwl_val_mul(p, s, x + i, A);
        cpwl_val_add(r + i, r + i, p, A);
    }
    cpwl_val_clear(p, A);
}

int cpwl_val_sgn(const cpwl_val_t a, const cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        return fmpq_sgn(&a->q);
    if (A->kind == CPWL_ARITH_ARB)
    {
        if (arb_is_zero(&a->b))
            return 0;
        if (arb_is_positive(&a->b))
            return 1;
        if (arb_is_negative(&a->b))
            return -1;
        return 2;
    }
    if (isnan(a->d))
        return 2;
    return a->d > 0 ? 1 : (a->d < 0 ? -1 : 0);
}

int cpwl_val_is_finite(const cpwl_val_t a, const cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        return 1;
    if (A->kind == CPWL_ARITH_ARB)
        return arb_is_finite(&a->b);
    return isfinite(a->d);
}

int cpwl_val_equal(const cpwl_val_t a, const cpwl_val_t b,
                   const cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        return fmpq_equal(&a->q, &b->q);
    if (A->kind == CPWL_ARITH_ARB)
        return arb_equal(&a->b, &b->b);
    return a->d == b->d;
}

void cpwl_val_get_arb(arb_t r, const cpwl_val_t a, const cpwl_arith_t A,
                      slong prec)
{
    if (A->kind == CPWL_ARITH_EXACT)
        arb_set_fmpq(r, &a->q, prec);
    else if (A->kind == CPWL_ARITH_ARB)
        arb_set_round(r, &a->b, prec);
    else if (isfinite(a->d))
        arb_set_d(r, a->d);     /* exact: a double is a 53-bit arf */
    else
        arb_indeterminate(r);
}

int cpwl_val_get_fmpq(fmpq_t r, const cpwl_val_t a, const cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
    {
        fmpq_set(r, &a->q);
        return 1;
    }
    if (A->kind == CPWL_ARITH_ARB)
        return 0;
    if (!isfinite(a->d))
        return 0;
    cpwl_ieee_get_fmpq(r, a->d);
    return 1;
}

double cpwl_val_get_d(const cpwl_val_t a, const cpwl_arith_t A)
{
    if (A->kind == CPWL_ARITH_EXACT)
        return cpwl_num_fmpq_get_d(&a->q);
    if (A->kind == CPWL_ARITH_ARB)
        return arf_get_d(arb_midref(&a->b), ARF_RND_NEAR);
    return a->d;
}

static void sign_get_q(fmpq_t v, void *data)
{
    fmpq_set(v, (const fmpq *) data);
}

int cpwl_val_sign_pred(const cpwl_val_t z, const cpwl_arith_t A,
                       cpwl_pred_ctx_t pred)
{
    int s;
    if (A->kind == CPWL_ARITH_EXACT)
    {
        cpwl_pred_src_struct src;
        src.get_d = NULL;
        src.get_arb = NULL;
        src.get_fmpq = sign_get_q;
        src.data = (void *) &z->q;
        return cpwl_pred_sign(pred, &src);
    }
    s = cpwl_val_sgn(z, A);
    if (A->kind == CPWL_ARITH_ARB)
    {
        if (s != 2)
            cpwl_pred_ctx_count(pred, 0, 1, 0);
        return s;
    }
    return s == 2 ? -1 : s;     /* a NaN is not > 0 */
}

int cpwl_val_vec_enclosed(cpwl_val_srcptr x, slong n, const cpwl_arith_t A,
                          double rel)
{
    slong i;
    for (i = 0; i < n; i++)
    {
        if (!cpwl_val_is_finite(x + i, A))
            return 0;
        if (A->kind == CPWL_ARITH_ARB)
        {
            /* a threshold, not a decision about a value: doubles do */
            double r = mag_get_d(arb_radref(&x[i].b));
            double m = fabs(arf_get_d(arb_midref(&x[i].b), ARF_RND_NEAR));
            if (!(r <= rel * (m > 1.0 ? m : 1.0)))
                return 0;
        }
    }
    return 1;
}
