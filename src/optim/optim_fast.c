/* The optimiser's fast path (cpwl/optim.h): the engine's algorithms
   (optim_rule.h, the one definition) instantiated for the machine's
   double and float on plain arrays.  Where the machine's float and
   double are binary32 and binary64 evaluated in their own types
   (ieee_native.h), each operation is one IEEE rounding to nearest, the
   same as the engine's emulated binary32/binary64 operation, so a fast
   step equals the engine's step bit for bit; elsewhere each operation
   goes through the emulation (cpwl_ieee_op_rn), which is slower but
   equal too. */
#include <math.h>
#include <string.h>
#include "cpwl/optim.h"
#include "cpwl/ieee.h"
#include "ieee_native.h"
#include "optim_impl.h"

/* q rounded once to binary64 and to binary32; 1 - q computed exactly
   first where the engine does (optim_const_1m). */
static void fast_const(double *d, float *f, const fmpq_t q, int one_minus)
{
    fmpq_t r;

    fmpq_init(r);
    if (one_minus)
    {
        fmpq_one(r);
        fmpq_sub(r, r, q);
    }
    else
        fmpq_set(r, q);
    *d = cpwl_ieee_round_fmpq(r, CPWL_IEEE_BINARY64);
    *f = (float) cpwl_ieee_round_fmpq(r, CPWL_IEEE_BINARY32);
    fmpq_clear(r);
}

int cpwl_optim_fast_init(cpwl_optim_fast_t R, const cpwl_optim_opts_t o,
                         slong dim, int single, cpwl_err_t e)
{
    slong n = FLINT_MAX(dim, 1);

    memset(R, 0, sizeof(cpwl_optim_fast_struct));
    if (dim < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the dimension must be >= 0");
    if (_cpwl_optim_check_opts(o, e))
        return e->status;
    R->opts = o;
    R->single = single != 0;
    R->dim = dim;
    R->t = 1;
    if (R->single)
    {
        R->mf = flint_calloc(n, sizeof(float));
        R->vf = flint_calloc(n, sizeof(float));
        R->vmaxf = flint_calloc(n, sizeof(float));
        R->uf = flint_calloc(n, sizeof(float));
        R->compf = flint_calloc(n, sizeof(float));
        R->yf = flint_calloc(n, sizeof(float));
    }
    else
    {
        R->md = flint_calloc(n, sizeof(double));
        R->vd = flint_calloc(n, sizeof(double));
        R->vmaxd = flint_calloc(n, sizeof(double));
        R->ud = flint_calloc(n, sizeof(double));
        R->compd = flint_calloc(n, sizeof(double));
        R->yd = flint_calloc(n, sizeof(double));
    }
    fast_const(&R->c_lrd, &R->c_lrf, o->lr, 0);
    fast_const(&R->c_momd, &R->c_momf, o->momentum, 0);
    fast_const(&R->c_b1d, &R->c_b1f, o->beta1, 0);
    fast_const(&R->c_1mb1d, &R->c_1mb1f, o->beta1, 1);
    fast_const(&R->c_b2d, &R->c_b2f, o->beta2, 0);
    fast_const(&R->c_1mb2d, &R->c_1mb2f, o->beta2, 1);
    fast_const(&R->c_xid, &R->c_xif, o->xi, 0);
    fast_const(&R->c_epsd, &R->c_epsf, o->eps, 0);
    R->c_oned = R->p1d = R->p2d = 1.0;
    R->c_onef = R->p1f = R->p2f = 1.0f;
    return 0;
}

void cpwl_optim_fast_clear(cpwl_optim_fast_t R)
{
    flint_free(R->md);
    flint_free(R->vd);
    flint_free(R->vmaxd);
    flint_free(R->ud);
    flint_free(R->compd);
    flint_free(R->yd);
    flint_free(R->mf);
    flint_free(R->vf);
    flint_free(R->vmaxf);
    flint_free(R->uf);
    flint_free(R->compf);
    flint_free(R->yf);
    memset(R, 0, sizeof(cpwl_optim_fast_struct));
}

/* ---- the operations, shared by both instantiations -------------------- */

#define RULE_S cpwl_optim_fast_struct
#define RULE_CTX(R) (void) 0
#define RULE_SCRATCH(R) \
    RULE_T s0_, s1_, s2_, *s0 = &s0_, *s1 = &s1_, *s2 = &s2_
#define RULE_FLOAT(R) 1
#define RULE_DBL(p) ((double) *(p))
#define RULE_NONNEG(r) (void) (r)
#define RULE_NEG(r, a) (*(r) = -*(a))
#define RULE_MAX(r, a, b) (*(r) = isnan(*(a)) || isnan(*(b)) ? (RULE_T) NAN \
                           : *(a) >= *(b) ? *(a) : *(b))
#define RULE_SET(r, a) (*(r) = *(a))
#define RULE_SET_SI(r, k) (*(r) = (RULE_T) (k))
#if IEEE_NATIVE_FLOAT
#define RULE_ADD(r, a, b) (*(r) = *(a) + *(b))
#define RULE_SUB(r, a, b) (*(r) = *(a) - *(b))
#define RULE_MUL(r, a, b) (*(r) = *(a) * *(b))
#define RULE_DIV(r, a, b) (*(r) = *(a) / *(b))
#define RULE_SQR(r, a) (*(r) = *(a) * *(a))
#else
#define RULE_OP(op, a, b) \
    (RULE_T) cpwl_ieee_op_rn(op, (double) (a), (double) (b), RULE_FMT)
#define RULE_ADD(r, a, b) (*(r) = RULE_OP(CPWL_IEEE_ADD, *(a), *(b)))
#define RULE_SUB(r, a, b) (*(r) = RULE_OP(CPWL_IEEE_SUB, *(a), *(b)))
#define RULE_MUL(r, a, b) (*(r) = RULE_OP(CPWL_IEEE_MUL, *(a), *(b)))
#define RULE_DIV(r, a, b) (*(r) = RULE_OP(CPWL_IEEE_DIV, *(a), *(b)))
#define RULE_SQR(r, a) (*(r) = RULE_OP(CPWL_IEEE_MUL, *(a), *(a)))
#endif

/* ---- binary64 --------------------------------------------------------- */

#define RULE_T double
#define RULE_FMT CPWL_IEEE_BINARY64
#define RULE_FN(name) fast_d_##name
#define RULE_A(R, x) ((R)->x##d)
#define RULE_C(R, x) (&(R)->x##d)
#if IEEE_NATIVE_FLOAT
#define RULE_SQRT(r, a) (*(r) = sqrt(*(a)))
#else
#define RULE_SQRT(r, a) (*(r) = RULE_OP(CPWL_IEEE_SQRT, *(a), 0.0))
#endif
#include "optim_rule.h"
#undef RULE_T
#undef RULE_FMT
#undef RULE_FN
#undef RULE_A
#undef RULE_C
#undef RULE_SQRT

/* ---- binary32 --------------------------------------------------------- */

#define RULE_T float
#define RULE_FMT CPWL_IEEE_BINARY32
#define RULE_FN(name) fast_f_##name
#define RULE_A(R, x) ((R)->x##f)
#define RULE_C(R, x) (&(R)->x##f)
#if IEEE_NATIVE_FLOAT
#define RULE_SQRT(r, a) (*(r) = sqrtf(*(a)))
#else
#define RULE_SQRT(r, a) (*(r) = RULE_OP(CPWL_IEEE_SQRT, *(a), 0.0))
#endif
#include "optim_rule.h"

/* ---- the entry points ------------------------------------------------- */

const double *cpwl_optim_fast_point_d(double *y, const cpwl_optim_fast_t R,
                                      const double *x)
{
    if (R->opts->algo != CPWL_OPTIM_NAG)
        return x;
    fast_d_lookahead((cpwl_optim_fast_struct *) R, y, x, R->dim);
    return y;
}

const float *cpwl_optim_fast_point_f(float *y, const cpwl_optim_fast_t R,
                                     const float *x)
{
    if (R->opts->algo != CPWL_OPTIM_NAG)
        return x;
    fast_f_lookahead((cpwl_optim_fast_struct *) R, y, x, R->dim);
    return y;
}

void cpwl_optim_fast_step_d(cpwl_optim_fast_t R, double *x, const double *g)
{
    double at, d;

    fast_d_scalars(R, &at, R->t);
    fast_d_components(R, x, g, &at, &d, R->dim);
    R->t++;
}

void cpwl_optim_fast_step_f(cpwl_optim_fast_t R, float *x, const float *g)
{
    float at, d;

    fast_f_scalars(R, &at, R->t);
    fast_f_components(R, x, g, &at, &d, R->dim);
    R->t++;
}
