/* The optimiser engine (see cpwl/optim.h): each algorithm's step written
   once against module arith, so that the exact, Arb and emulated-float
   runs of an algorithm are one code path.  Every line below that calls a
   cpwl_val_ operation is one rounding in a float format, in the order of
   the formulas in the header (left to right). */
#include <string.h>
#include <stdio.h>
#include <math.h>
#include "cpwl/optim.h"
#include "optim_impl.h"

void cpwl_optim_opts_init(cpwl_optim_opts_t o)
{
    memset(o, 0, sizeof(cpwl_optim_opts_struct));
    o->algo = CPWL_OPTIM_GD;
    o->form = CPWL_OPTIM_FORM_PAPER;
    o->schedule = CPWL_OPTIM_SCHEDULE_CONST;
    fmpq_init(o->lr);
    fmpq_init(o->momentum);
    fmpq_init(o->beta1);
    fmpq_init(o->beta2);
    fmpq_init(o->xi);
    fmpq_init(o->eps);
    fmpq_set_si(o->lr, 1, 100);
    fmpq_set_si(o->momentum, 9, 10);
    fmpq_set_si(o->beta1, 9, 10);
    fmpq_set_si(o->beta2, 999, 1000);
    fmpz_set_ui(fmpq_numref(o->xi), 1);
    fmpz_ui_pow_ui(fmpq_denref(o->xi), 10, 8);
    fmpq_set(o->eps, o->xi);
    o->steps = 100;
    o->batch = 1;
    o->replace = 1;
}

void cpwl_optim_opts_clear(cpwl_optim_opts_t o)
{
    fmpq_clear(o->lr);
    fmpq_clear(o->momentum);
    fmpq_clear(o->beta1);
    fmpq_clear(o->beta2);
    fmpq_clear(o->xi);
    fmpq_clear(o->eps);
}

static const struct
{
    const char *name;
    cpwl_optim_algo algo;
    cpwl_optim_form form;
}
optim_names[] =
{
    {"gd", CPWL_OPTIM_GD, CPWL_OPTIM_FORM_PAPER},
    {"sgd", CPWL_OPTIM_SGD, CPWL_OPTIM_FORM_PAPER},
    {"heavy-ball", CPWL_OPTIM_HEAVY_BALL, CPWL_OPTIM_FORM_PAPER},
    {"nag", CPWL_OPTIM_NAG, CPWL_OPTIM_FORM_PAPER},
    {"rmsprop", CPWL_OPTIM_RMSPROP, CPWL_OPTIM_FORM_PAPER},
    {"rmsprop:paper", CPWL_OPTIM_RMSPROP, CPWL_OPTIM_FORM_PAPER},
    {"rmsprop:pytorch", CPWL_OPTIM_RMSPROP, CPWL_OPTIM_FORM_PYTORCH},
    {"rmsprop:tensorflow", CPWL_OPTIM_RMSPROP, CPWL_OPTIM_FORM_TENSORFLOW},
    {"adam", CPWL_OPTIM_ADAM, CPWL_OPTIM_FORM_PAPER},
    {"adam:paper", CPWL_OPTIM_ADAM, CPWL_OPTIM_FORM_PAPER},
    {"adam:kingma-ba", CPWL_OPTIM_ADAM, CPWL_OPTIM_FORM_KINGMA_BA}
};

int cpwl_optim_algo_from_str(cpwl_optim_opts_t o, const char *s)
{
    size_t i;

    for (i = 0; i < sizeof(optim_names) / sizeof(optim_names[0]); i++)
        if (strcmp(s, optim_names[i].name) == 0)
        {
            o->algo = optim_names[i].algo;
            o->form = optim_names[i].form;
            return 1;
        }
    return 0;
}

const char *cpwl_optim_algo_name(char *buf, const cpwl_optim_opts_t o)
{
    static const char *algos[] = {"gd", "sgd", "heavy-ball", "nag",
                                  "rmsprop", "adam"};
    static const char *forms[] = {"paper", "pytorch", "tensorflow",
                                  "kingma-ba"};

    if (o->algo == CPWL_OPTIM_RMSPROP || o->algo == CPWL_OPTIM_ADAM)
        sprintf(buf, "%s:%s", algos[o->algo], forms[o->form]);
    else
        sprintf(buf, "%s", algos[o->algo]);
    return buf;
}

int cpwl_optim_needs_sqrt(const cpwl_optim_opts_t o)
{
    return o->algo == CPWL_OPTIM_RMSPROP || o->algo == CPWL_OPTIM_ADAM
        || o->schedule == CPWL_OPTIM_SCHEDULE_SQRT;
}

/* ------------------------------------------------------------------------
   Set-up
   ------------------------------------------------------------------------ */

/* 0 <= q < 1 */
static int optim_unit(const fmpq_t q)
{
    return fmpq_sgn(q) >= 0 && fmpz_cmp(fmpq_numref(q), fmpq_denref(q)) < 0;
}

/* The checks of the options alone (no objective, no arithmetic), shared
   with the fast path (optim_impl.h). */
int _cpwl_optim_check_opts(const cpwl_optim_opts_t o, cpwl_err_t e)
{
    char name[32];

    cpwl_optim_algo_name(name, o);
    if (fmpq_sgn(o->lr) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "the step `lr` must be positive");
    if (o->steps < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "the number of `steps` must be >= 0");
    if ((o->algo == CPWL_OPTIM_HEAVY_BALL || o->algo == CPWL_OPTIM_NAG)
        && !optim_unit(o->momentum))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "%s needs 0 <= `momentum` < 1", name);
    if (o->algo == CPWL_OPTIM_ADAM && !optim_unit(o->beta1))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "%s needs 0 <= `beta1` < 1", name);
    if ((o->algo == CPWL_OPTIM_RMSPROP || o->algo == CPWL_OPTIM_ADAM)
        && !optim_unit(o->beta2))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "%s needs 0 <= `beta2` < 1", name);
    if (fmpq_sgn(o->xi) < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`xi` must be >= 0");
    if (fmpq_sgn(o->eps) < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`eps` must be >= 0");
    if (o->algo == CPWL_OPTIM_ADAM && o->form != CPWL_OPTIM_FORM_PAPER
        && o->form != CPWL_OPTIM_FORM_KINGMA_BA)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "adam's forms are paper and kingma-ba");
    if (o->algo == CPWL_OPTIM_RMSPROP && o->form == CPWL_OPTIM_FORM_KINGMA_BA)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "rmsprop's forms are paper, "
                            "pytorch and tensorflow");
    if (o->amsgrad && o->algo != CPWL_OPTIM_ADAM)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "`amsgrad` applies to adam only");
    return 0;
}

static int optim_check(const cpwl_optim_opts_t o, cpwl_objective_t O,
                       const cpwl_arith_t A, cpwl_err_t e)
{
    char name[32];

    if (_cpwl_optim_check_opts(o, e))
        return e->status;
    cpwl_optim_algo_name(name, o);
    if (A->kind == CPWL_ARITH_EXACT && cpwl_optim_needs_sqrt(o))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "exact arithmetic cannot run "
                            "%s%s: it takes square roots, which leave the "
                            "rationals; use an `arith` of arb:P or a float "
                            "format", name,
                            o->schedule == CPWL_OPTIM_SCHEDULE_SQRT
                            ? " with the step a/sqrt(t)" : "");
    if (A->kind == CPWL_ARITH_EXACT && O->needs_sqrt)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "exact arithmetic cannot run "
                            "on the objective %s: its gradient takes square "
                            "roots; use an `arith` of arb:P or a float format",
                            O->name);
    if (o->algo == CPWL_OPTIM_SGD)
    {
        if (O->nterms <= 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "sgd needs an objective "
                                "that is a finite sum (a network's loss on "
                                "data); %s is not", O->name);
        if (o->batch < 1 || o->batch > O->nterms)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the `batch` size must be "
                                "between 1 and the number of terms, %ld",
                                (long) O->nterms);
    }
    return 0;
}

/* Not inlined: GCC 12 then warns, wrongly, that the fmpq is read out of
   bounds (-Wstringop-overread on array parameters). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void optim_const(cpwl_val_struct *c, const fmpq *q,
                        cpwl_arith_struct *A)
{
    cpwl_val_init(c, A);
    cpwl_val_set_fmpq(c, q, A);
}

/* 1 - b, computed exactly, then rounded once */
static void optim_const_1m(cpwl_val_struct *c, const fmpq *b,
                           cpwl_arith_struct *A)
{
    fmpq_t q;

    fmpq_init(q);
    fmpq_set_si(q, 1, 1);
    fmpq_sub(q, q, b);
    optim_const(c, q, A);
    fmpq_clear(q);
}

/* x_t projected on the objective's box (max and min are exact). */
static void optim_project(cpwl_optim_t R)
{
    cpwl_arith_struct *A = R->A;
    slong i;

    if (!R->obj->has_box)
        return;
    for (i = 0; i < R->dim; i++)
    {
        cpwl_val_max(R->x + i, R->x + i, &R->c_lo, A);
        cpwl_val_min(R->x + i, R->x + i, &R->c_hi, A);
    }
}

int cpwl_optim_init(cpwl_optim_t R, const cpwl_optim_opts_t o,
                    cpwl_objective_t O, const fmpq *x1, cpwl_arith_t A,
                    cpwl_err_t e)
{
    fmpq_t q;
    slong i, n = O->dim;

    memset(R, 0, sizeof(cpwl_optim_struct));
    if (optim_check(o, O, A, e))
        return e->status;       /* CPWL_ERR_INPUT, as callers pass it on */
    R->opts = o;
    R->obj = O;
    R->A = A;
    R->dim = n;
    R->t = 1;
    R->x = cpwl_val_vec_init(n, A);
    R->g = cpwl_val_vec_init(n, A);
    R->m = cpwl_val_vec_init(n, A);
    R->v = cpwl_val_vec_init(n, A);
    R->vmax = cpwl_val_vec_init(n, A);
    R->u = cpwl_val_vec_init(n, A);
    R->comp = cpwl_val_vec_init(n, A);
    R->y = cpwl_val_vec_init(n, A);
    fmpq_init(q);
    optim_const(&R->c_lr, o->lr, A);
    optim_const(&R->c_mom, o->momentum, A);
    optim_const(&R->c_b1, o->beta1, A);
    optim_const_1m(&R->c_1mb1, o->beta1, A);
    optim_const(&R->c_b2, o->beta2, A);
    optim_const_1m(&R->c_1mb2, o->beta2, A);
    optim_const(&R->c_xi, o->xi, A);
    optim_const(&R->c_eps, o->eps, A);
    if (o->algo == CPWL_OPTIM_SGD)
        fmpq_set_si(q, O->nterms, o->batch);
    else
        fmpq_set_si(q, 1, 1);
    optim_const(&R->c_scale, q, A);
    fmpq_clear(q);
    cpwl_val_init(&R->s0, A);
    cpwl_val_init(&R->s1, A);
    cpwl_val_init(&R->s2, A);
    cpwl_val_init(&R->p1, A);
    cpwl_val_init(&R->p2, A);
    cpwl_val_init(&R->c_one, A);
    cpwl_val_set_si(&R->c_one, 1, A);
    optim_const(&R->c_lo, O->lo, A);    /* (0 when there is no box) */
    optim_const(&R->c_hi, O->hi, A);
    cpwl_val_set_si(&R->p1, 1, A);
    cpwl_val_set_si(&R->p2, 1, A);
    for (i = 0; i < n; i++)
        cpwl_val_set_fmpq(R->x + i, x1 + i, A);
    optim_project(R);
    R->rng = o->seed ^ 0x9e3779b97f4a7c15ULL;
    if (o->algo == CPWL_OPTIM_SGD)
    {
        R->batch = flint_malloc(o->batch * sizeof(slong));
        if (!o->replace)
        {
            R->perm = flint_malloc(O->nterms * sizeof(slong));
            R->perm_pos = O->nterms;    /* a fresh epoch at the first step */
        }
    }
    return 0;
}

void cpwl_optim_clear(cpwl_optim_t R)
{
    cpwl_arith_struct *A = R->A;
    slong n = R->dim;

    if (A == NULL)
        return;
    cpwl_val_vec_clear(R->x, n, A);
    cpwl_val_vec_clear(R->g, n, A);
    cpwl_val_vec_clear(R->m, n, A);
    cpwl_val_vec_clear(R->v, n, A);
    cpwl_val_vec_clear(R->vmax, n, A);
    cpwl_val_vec_clear(R->u, n, A);
    cpwl_val_vec_clear(R->comp, n, A);
    cpwl_val_vec_clear(R->y, n, A);
    cpwl_val_clear(&R->c_lr, A);
    cpwl_val_clear(&R->c_mom, A);
    cpwl_val_clear(&R->c_b1, A);
    cpwl_val_clear(&R->c_1mb1, A);
    cpwl_val_clear(&R->c_b2, A);
    cpwl_val_clear(&R->c_1mb2, A);
    cpwl_val_clear(&R->c_xi, A);
    cpwl_val_clear(&R->c_eps, A);
    cpwl_val_clear(&R->c_scale, A);
    cpwl_val_clear(&R->s0, A);
    cpwl_val_clear(&R->s1, A);
    cpwl_val_clear(&R->s2, A);
    cpwl_val_clear(&R->p1, A);
    cpwl_val_clear(&R->p2, A);
    cpwl_val_clear(&R->c_one, A);
    cpwl_val_clear(&R->c_lo, A);
    cpwl_val_clear(&R->c_hi, A);
    flint_free(R->batch);
    flint_free(R->perm);
    memset(R, 0, sizeof(cpwl_optim_struct));
}

void cpwl_optim_set_lr_arb(cpwl_optim_t R, const arb_t lr)
{
    if (R->A->kind == CPWL_ARITH_ARB)
        arb_set(&R->c_lr.b, lr);
}

/* ------------------------------------------------------------------------
   Mini-batches: splitmix64, uniform draws by rejection (no modulo bias)
   ------------------------------------------------------------------------ */

static uint64_t optim_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in 0 .. n - 1. */
static slong optim_below(uint64_t *s, slong n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % (uint64_t) n, r;

    do
        r = optim_next(s);
    while (r >= lim);
    return (slong) (r % (uint64_t) n);
}

static void optim_draw_batch(cpwl_optim_t R)
{
    slong b = R->opts->batch, N = R->obj->nterms, i;

    if (R->opts->replace)
    {
        for (i = 0; i < b; i++)
            R->batch[i] = optim_below(&R->rng, N);
        return;
    }
    if (R->perm_pos + b > N)
    {
        /* A new epoch: Fisher-Yates; an incomplete last batch is dropped
           so that every batch has b distinct terms. */
        for (i = 0; i < N; i++)
            R->perm[i] = i;
        for (i = N - 1; i > 0; i--)
        {
            slong j = optim_below(&R->rng, i + 1), tmp = R->perm[i];

            R->perm[i] = R->perm[j];
            R->perm[j] = tmp;
        }
        R->perm_pos = 0;
    }
    for (i = 0; i < b; i++)
        R->batch[i] = R->perm[R->perm_pos + i];
    R->perm_pos += b;
}

/* ------------------------------------------------------------------------
   The step
   ------------------------------------------------------------------------ */

/* The algorithms, instantiated for module arith's values (the fast path,
   optim_fast.c, instantiates the same file for double and float). */
#define RULE_T cpwl_val_struct
#define RULE_S cpwl_optim_struct
#define RULE_FN(name) optim_rule_##name
#define RULE_A(R, f) ((R)->f)
#define RULE_C(R, f) (&(R)->f)
#define RULE_CTX(R) cpwl_arith_struct *A = (R)->A
#define RULE_SCRATCH(R) \
    cpwl_val_struct *s0 = &(R)->s0, *s1 = &(R)->s1, *s2 = &(R)->s2
#define RULE_FLOAT(R) ((R)->A->kind == CPWL_ARITH_FLOAT)
#define RULE_DBL(p) ((p)->d)
#define RULE_ADD(r, a, b) cpwl_val_add(r, a, b, A)
#define RULE_SUB(r, a, b) cpwl_val_sub(r, a, b, A)
#define RULE_MUL(r, a, b) cpwl_val_mul(r, a, b, A)
#define RULE_DIV(r, a, b) cpwl_val_div(r, a, b, A)
#define RULE_SQRT(r, a) cpwl_val_sqrt(r, a, A)
#define RULE_SQR(r, a) cpwl_val_sqr(r, a, A)
#define RULE_NONNEG(r) cpwl_val_nonneg(r, A)
#define RULE_NEG(r, a) cpwl_val_neg(r, a, A)
#define RULE_MAX(r, a, b) cpwl_val_max(r, a, b, A)
#define RULE_SET(r, a) cpwl_val_set(r, a, A)
#define RULE_SET_SI(r, k) cpwl_val_set_si(r, k, A)
#include "optim_rule.h"

int cpwl_optim_step(cpwl_optim_t R, cpwl_err_t e)
{
    const cpwl_optim_opts_struct *o = R->opts;
    cpwl_arith_struct *A = R->A;
    cpwl_val_t at, d;
    slong i, n = R->dim, t = R->t;
    cpwl_val_srcptr at_point = R->x;
    int ret = 0;

    cpwl_val_init(at, A);
    cpwl_val_init(d, A);

    /* nag evaluates the gradient at the look-ahead y = x + mu u */
    if (o->algo == CPWL_OPTIM_NAG)
    {
        optim_rule_lookahead(R, R->y, R->x, n);
        at_point = R->y;
    }
    if (o->algo == CPWL_OPTIM_SGD)
        optim_draw_batch(R);
    ret = R->obj->eval(NULL, R->g, at_point,
                       o->algo == CPWL_OPTIM_SGD ? R->batch : NULL,
                       o->algo == CPWL_OPTIM_SGD ? o->batch : 0, t, R->obj,
                       A, e);
    if (ret != 0)
    {
        ret = ret == 2 && A->kind == CPWL_ARITH_ARB ? 2 : 1;
        goto done;
    }
    if (o->algo == CPWL_OPTIM_SGD)      /* unbiased: (N / b) sum over B_t */
        for (i = 0; i < n; i++)
            cpwl_val_mul(R->g + i, &R->c_scale, R->g + i, A);

    optim_rule_scalars(R, at, t);
    optim_rule_components(R, R->x, R->g, at, d, n);
    optim_project(R);
    if (cpwl_arith_failed(A))
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "exact arithmetic left the rationals "
                     "at step %ld (%s)", (long) t,
                     A->fail == CPWL_ARITH_FAIL_SQRT
                     ? "a square root of a non-square"
                     : "a division by zero");
        ret = 1;
        goto done;
    }
    R->t = t + 1;

done:
    cpwl_val_clear(at, A);
    cpwl_val_clear(d, A);
    return ret;
}

int cpwl_optim_enclosure_ok(const cpwl_optim_t R, double rel)
{
    return cpwl_val_vec_enclosed(R->x, R->dim, R->A, rel);
}

/* ------------------------------------------------------------------------
   The driver
   ------------------------------------------------------------------------ */

static int optim_attempt(cpwl_optim_result_struct *res,
                         const cpwl_optim_opts_t o, cpwl_objective_t O,
                         const fmpq *x1, cpwl_arith_t A, double rel,
                         cpwl_optim_visit_fn visit, void *data, cpwl_err_t e)
{
    cpwl_optim_t R;
    slong k;
    int ret = 0;

    res->steps_done = 0;
    res->lost = 0;
    res->why[0] = '\0';
    res->stopped = 0;
    res->prec = A->kind == CPWL_ARITH_ARB ? A->prec : 0;
    if (cpwl_optim_init(R, o, O, x1, A, e))
        return e->status;
    for (k = 0; ; k++)
    {
        if (!cpwl_optim_enclosure_ok(R, rel) && A->kind == CPWL_ARITH_ARB)
        {
            res->lost = R->t;
            snprintf(res->why, sizeof(res->why), "a ball of x_%ld is wider "
                     "than %g times its magnitude", (long) R->t, rel);
            break;
        }
        if (visit != NULL && visit(R, data))
        {
            res->stopped = 1;
            break;
        }
        if (k == o->steps)
            break;
        ret = cpwl_optim_step(R, e);
        if (ret == 2)
        {
            /* the ball could not decide a sign: the enclosure is lost */
            res->lost = R->t;
            snprintf(res->why, sizeof(res->why), "%.150s", e->msg);
            cpwl_err_clear(e);
            cpwl_err_init(e);
            ret = 0;
            break;
        }
        if (ret != 0)
        {
            ret = e->status != CPWL_OK ? e->status : CPWL_ERR_INTERNAL;
            break;
        }
        res->steps_done++;
    }
    cpwl_optim_clear(R);
    return ret;
}

int cpwl_optim_run(cpwl_optim_result_struct *res, const cpwl_optim_opts_t o,
                   cpwl_objective_t O, const fmpq *x1, cpwl_arith_t A,
                   double rel, slong max_prec, cpwl_optim_visit_fn visit,
                   void *data, cpwl_err_t e)
{
    for (;;)
    {
        int status = optim_attempt(res, o, O, x1, A, rel, visit, data, e);

        if (status != CPWL_OK)
            return status;
        if (A->kind != CPWL_ARITH_ARB || res->lost == 0 || res->stopped
            || 2 * A->prec > max_prec)
            return 0;
        A->prec *= 2;
    }
}

slong cpwl_optim_exact_bits(const cpwl_optim_t R)
{
    slong i, b = 0;
    if (R->A->kind != CPWL_ARITH_EXACT)
        return 0;
    for (i = 0; i < R->dim; i++)
    {
        b = FLINT_MAX(b, (slong) fmpz_bits(fmpq_numref(&R->x[i].q)));
        b = FLINT_MAX(b, (slong) fmpz_bits(fmpq_denref(&R->x[i].q)));
    }
    return b;
}
