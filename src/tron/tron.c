/* Tron, GLM-tron, Neuro-Tron and SGD on a ReLU gate, in any arithmetic
   of module arith (include/cpwl/tron.h states the algorithms and their
   order of operations).

   The exact data of a run -- the support's rows (for Neuro-Tron the
   products A_j x_k and M x_k), its probabilities and clean labels -- are
   computed exactly once and entered into the arithmetic once, like the
   constants eta, eta / b and 1/k.  Every relu decision is a sign: exact
   through the predicate layer, from the ball in Arb (a ball containing 0
   loses the enclosure), as the float program branches in a float format
   (z > 0; a NaN is not > 0). */
#include <string.h>
#include <math.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "cpwl/tron.h"
#include "qvec.h"

void cpwl_tron_opts_init(cpwl_tron_opts_t o)
{
    memset(o, 0, sizeof(*o));
    o->algo = CPWL_TRON_TRON;
    fmpq_init(o->eta);
    fmpq_one(o->eta);
    o->batch = 1;
    o->steps = 100;
    o->mode = CPWL_TRON_POPULATION;
    o->adv = CPWL_TRON_ADV_NONE;
    fmpq_init(o->beta);
    fmpq_init(o->theta);
    o->A = NULL;
    o->M = NULL;
}

void cpwl_tron_opts_clear(cpwl_tron_opts_t o)
{
    fmpq_clear(o->eta);
    fmpq_clear(o->beta);
    fmpq_clear(o->theta);
    if (o->A != NULL)
        _fmpq_vec_clear(o->A, o->k * o->r * o->n);
    if (o->M != NULL)
        _fmpq_vec_clear(o->M, o->r * o->n);
    o->A = o->M = NULL;
}

int cpwl_tron_algo_from_str(cpwl_tron_opts_t o, const char *s)
{
    o->link_identity = 0;
    if (strcmp(s, "tron") == 0)
        o->algo = CPWL_TRON_TRON;
    else if (strcmp(s, "glm-tron") == 0 || strcmp(s, "glm-tron:relu") == 0)
        o->algo = CPWL_TRON_GLM;
    else if (strcmp(s, "glm-tron:identity") == 0)
    {
        o->algo = CPWL_TRON_GLM;
        o->link_identity = 1;
    }
    else if (strcmp(s, "neuro-tron") == 0)
        o->algo = CPWL_TRON_NEURO;
    else if (strcmp(s, "sgd") == 0)
        o->algo = CPWL_TRON_SGD;
    else
        return 0;
    return 1;
}

const char *cpwl_tron_algo_name(const cpwl_tron_opts_t o)
{
    switch (o->algo)
    {
        case CPWL_TRON_TRON:
            return "tron";
        case CPWL_TRON_GLM:
            return o->link_identity ? "glm-tron:identity" : "glm-tron";
        case CPWL_TRON_NEURO:
            return "neuro-tron";
        default:
            return "sgd";
    }
}

int cpwl_tron_adversary_from_str(cpwl_tron_adversary *a, const char *s)
{
    if (strcmp(s, "random") == 0)
        *a = CPWL_TRON_ADV_RANDOM;
    else if (strcmp(s, "worst") == 0)
        *a = CPWL_TRON_ADV_WORST;
    else
        return 0;
    return 1;
}

const char *cpwl_tron_adversary_name(cpwl_tron_adversary a)
{
    return a == CPWL_TRON_ADV_RANDOM ? "random"
        : a == CPWL_TRON_ADV_WORST ? "worst" : "none";
}

void cpwl_tron_opts_set_neuro(cpwl_tron_opts_t o, slong k, slong r, slong n,
                              const fmpq *A, const fmpq *M)
{
    if (o->A != NULL)
        _fmpq_vec_clear(o->A, o->k * o->r * o->n);
    if (o->M != NULL)
        _fmpq_vec_clear(o->M, o->r * o->n);
    o->k = k;
    o->r = r;
    o->n = n;
    o->A = _fmpq_vec_init(k * r * n);
    o->M = _fmpq_vec_init(r * n);
    qvec_set(o->A, A, k * r * n);
    qvec_set(o->M, M, r * n);
}

/* ------------------------------------------------------------------------
   Exact helpers
   ------------------------------------------------------------------------ */

static void q_dot(fmpq_t r, const fmpq *a, const fmpq *b, slong n)
{
    fmpq_t t;
    slong i;
    fmpq_init(t);
    fmpq_zero(r);
    for (i = 0; i < n; i++)
    {
        fmpq_mul(t, a + i, b + i);
        fmpq_add(r, r, t);
    }
    fmpq_clear(t);
}

/* r /= k for a positive integer k (FLINT 2.9 has no fmpq_div_si). */
static void q_div_si(fmpq_t r, slong k)
{
    fmpz_t d;
    fmpz_init_set_si(d, k);
    fmpq_div_fmpz(r, r, d);
    fmpz_clear(d);
}

/* The neuro-tron features of x: AX (k x r) = A_j x, MX (r) = M x. */
static void neuro_features(fmpq *AX, fmpq *MX, const cpwl_tron_opts_struct *o,
                           const fmpq *x)
{
    slong j, a;
    for (j = 0; j < o->k; j++)
        for (a = 0; a < o->r; a++)
            q_dot(AX + j * o->r + a, o->A + (j * o->r + a) * o->n, x, o->n);
    for (a = 0; a < o->r; a++)
        q_dot(MX + a, o->M + a * o->n, x, o->n);
}

/* The clean label of a point with features feat (x, or A_j x for
   neuro-tron): relu(<w*, x>), or (1/k) sum_j relu(<w*, A_j x>). */
static void clean_label(fmpq_t y, const cpwl_tron_opts_struct *o,
                        const fmpq *wstar, const fmpq *feat, slong n)
{
    if (o->algo == CPWL_TRON_NEURO)
    {
        fmpq_t z;
        slong j;
        fmpq_init(z);
        fmpq_zero(y);
        for (j = 0; j < o->k; j++)
        {
            q_dot(z, wstar, feat + j * o->r, o->r);
            if (fmpq_sgn(z) > 0)
                fmpq_add(y, y, z);
        }
        q_div_si(y, o->k);
        fmpq_clear(z);
    }
    else
    {
        q_dot(y, wstar, feat, n);
        if (fmpq_sgn(y) < 0)
            fmpq_zero(y);
    }
}

/* A uniform integer in [0, m), m > 0, by rejection on whole 64-bit
   words (no modulo bias). */
static void rand_below(fmpz_t r, const fmpz_t m, uint64_t *state)
{
    flint_bitcnt_t bits = fmpz_bits(m);
    slong words = (bits + 63) / 64, i;
    fmpz_t w;
    fmpz_init(w);
    do
    {
        fmpz_zero(r);
        for (i = 0; i < words; i++)
        {
            fmpz_mul_2exp(r, r, 64);
            fmpz_set_ui(w, (ulong) cpwl_dist_rand(state));
            fmpz_add(r, r, w);
        }
        fmpz_fdiv_r_2exp(r, r, bits);
    }
    while (fmpz_cmp(r, m) >= 0);
    fmpz_clear(w);
}

/* 1 with probability beta (exact: a uniform integer below beta's
   denominator compared with its numerator). */
static int rand_bernoulli(const fmpq_t beta, uint64_t *state)
{
    fmpz_t u;
    int r;
    if (fmpq_is_zero(beta))
        return 0;
    if (fmpq_is_one(beta))
        return 1;
    fmpz_init(u);
    rand_below(u, fmpq_denref(beta), state);
    r = fmpz_cmp(u, fmpq_numref(beta)) < 0;
    fmpz_clear(u);
    return r;
}

/* ------------------------------------------------------------------------
   Set-up
   ------------------------------------------------------------------------ */

static int tron_check(const cpwl_tron_opts_t o, const cpwl_dist_t D,
                      const fmpq *wstar, cpwl_err_t e)
{
    if (fmpq_sgn(o->eta) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the step eta must be "
                            "positive");
    if (o->batch < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the batch size must be "
                            "at least 1");
    if (o->steps < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the number of steps "
                            "must not be negative");
    if (o->adv != CPWL_TRON_ADV_NONE)
    {
        if (fmpq_sgn(o->beta) < 0
            || fmpz_cmp(fmpq_numref(o->beta), fmpq_denref(o->beta)) > 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the poisoning "
                                "probability beta must lie in [0, 1]");
        if (fmpq_sgn(o->theta) < 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the poisoning "
                                "bound theta must not be negative");
        if (o->adv == CPWL_TRON_ADV_WORST && wstar == NULL)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the worst-case "
                                "adversary needs w*");
    }
    if (wstar == NULL && D->kind != CPWL_DIST_DATA)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: w* is needed to label "
                            "the points of a distribution");
    if (o->mode == CPWL_TRON_POPULATION && cpwl_dist_is_continuous(D))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the population update "
                            "needs a finite support (a %s law can only be "
                            "sampled)", cpwl_dist_kind_name(D->kind));
    if (o->algo == CPWL_TRON_GLM && o->mode != CPWL_TRON_POPULATION)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: glm-tron takes the "
                            "whole sum at every step: it runs on a finite "
                            "support or a data set, not on fresh draws");
    if (o->algo == CPWL_TRON_NEURO)
    {
        if (o->A == NULL || o->k < 1 || o->r < 1)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: neuro-tron needs its "
                                "filters A_j and its matrix M");
        if (o->n != D->n)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the neuro-tron "
                                "matrices act on vectors of length %ld, but x "
                                "has %ld coordinates", (long) o->n,
                                (long) D->n);
    }
    if (!cpwl_dist_is_continuous(D) && D->K < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the distribution has no "
                            "points");
    return CPWL_OK;
}

static void set_q(cpwl_val_t v, const fmpq_t q, cpwl_arith_t A)
{
    cpwl_val_set_fmpq(v, q, A);
}

int cpwl_tron_init(cpwl_tron_t R, const cpwl_tron_opts_t o,
                   const cpwl_dist_t D, const fmpq *wstar, const fmpq *w1,
                   cpwl_arith_t A, cpwl_err_t e)
{
    slong k, j, n = D->n, r, fw;
    int neuro = o->algo == CPWL_TRON_NEURO;
    fmpq_t c;

    memset(R, 0, sizeof(*R));
    if (tron_check(o, D, wstar, e))
        return e->status;
    r = neuro ? o->r : n;
    fw = neuro ? o->k * r : n;      /* the features of one point */
    R->opts = o;
    R->D = D;
    R->A = A;
    R->n = n;
    R->r = r;
    R->t = 1;
    R->have_wstar = wstar != NULL;
    R->wstar = _fmpq_vec_init(r);
    if (wstar != NULL)
        qvec_set(R->wstar, wstar, r);
    R->w = cpwl_val_vec_init(r, A);
    R->u = cpwl_val_vec_init(r, A);
    for (j = 0; j < r; j++)
        set_q(R->w + j, w1 + j, A);
    cpwl_pred_ctx_init(R->pred);
    R->rng = o->seed;
    fmpq_init(c);

    R->K = cpwl_dist_is_continuous(D) ? 0 : D->K;
    if (R->K > 0)
    {
        R->Xq = _fmpq_vec_init(R->K * fw);
        R->Yq = _fmpq_vec_init(R->K);
        if (neuro)
            R->MXq = _fmpq_vec_init(R->K * r);
        for (k = 0; k < R->K; k++)
        {
            if (neuro)
                neuro_features(R->Xq + k * fw, R->MXq + k * r, o,
                               D->X + k * n);
            else
                qvec_set(R->Xq + k * fw, D->X + k * n, n);
            if (D->kind == CPWL_DIST_DATA)
                fmpq_set(R->Yq + k, D->y + k);
            else
                clean_label(R->Yq + k, o, wstar, R->Xq + k * fw, n);
        }
        R->X = cpwl_val_vec_init(R->K * fw, A);
        for (k = 0; k < R->K * fw; k++)
            set_q(R->X + k, R->Xq + k, A);
        if (neuro)
        {
            R->MX = cpwl_val_vec_init(R->K * r, A);
            for (k = 0; k < R->K * r; k++)
                set_q(R->MX + k, R->MXq + k, A);
        }
        R->Y = cpwl_val_vec_init(R->K, A);
        for (k = 0; k < R->K; k++)
            set_q(R->Y + k, R->Yq + k, A);
        if (o->mode == CPWL_TRON_POPULATION)
        {
            R->P = cpwl_val_vec_init(R->K, A);
            for (k = 0; k < R->K; k++)
                set_q(R->P + k, D->p + k, A);
        }
    }
    /* online draws of a continuous law, and the worst-case adversary's
       w_t - w* */
    R->xq = _fmpq_vec_init(n + fw + r);
    R->xv = cpwl_val_vec_init(fw, A);
    R->mxv = cpwl_val_vec_init(r, A);
    R->wsv = cpwl_val_vec_init(r, A);
    R->dv = cpwl_val_vec_init(r, A);
    for (j = 0; j < r; j++)
        set_q(R->wsv + j, R->wstar + j, A);

    cpwl_val_init(&R->c_step, A);
    cpwl_val_init(&R->c_1k, A);
    cpwl_val_init(&R->c_bt, A);
    cpwl_val_init(&R->c_d0, A);
    cpwl_val_init(&R->s0, A);
    cpwl_val_init(&R->s1, A);
    cpwl_val_init(&R->s2, A);
    if (o->mode == CPWL_TRON_POPULATION)
        fmpq_set(c, o->eta);
    else
    {
        fmpq_set(c, o->eta);
        q_div_si(c, o->batch);
    }
    set_q(&R->c_step, c, A);
    if (neuro)
    {
        fmpq_set_si(c, 1, o->k);
        set_q(&R->c_1k, c, A);
    }
    /* population, worst case: the expected label shift beta theta */
    fmpq_mul(c, o->beta, o->theta);
    set_q(&R->c_bt, c, A);
    fmpq_clear(c);
    return CPWL_OK;
}

void cpwl_tron_clear(cpwl_tron_t R)
{
    const cpwl_tron_opts_struct *o = R->opts;
    cpwl_arith_struct *A = R->A;
    slong fw, r = R->r;

    if (o == NULL)
        return;
    fw = o->algo == CPWL_TRON_NEURO ? o->k * r : R->n;
    _fmpq_vec_clear(R->wstar, r);
    cpwl_val_vec_clear(R->w, r, A);
    cpwl_val_vec_clear(R->u, r, A);
    if (R->K > 0)
    {
        _fmpq_vec_clear(R->Xq, R->K * fw);
        _fmpq_vec_clear(R->Yq, R->K);
        cpwl_val_vec_clear(R->X, R->K * fw, A);
        cpwl_val_vec_clear(R->Y, R->K, A);
        if (R->MXq != NULL)
        {
            _fmpq_vec_clear(R->MXq, R->K * r);
            cpwl_val_vec_clear(R->MX, R->K * r, A);
        }
        if (R->P != NULL)
            cpwl_val_vec_clear(R->P, R->K, A);
    }
    _fmpq_vec_clear(R->xq, R->n + fw + r);
    cpwl_val_vec_clear(R->xv, fw, A);
    cpwl_val_vec_clear(R->mxv, r, A);
    cpwl_val_vec_clear(R->wsv, r, A);
    cpwl_val_vec_clear(R->dv, r, A);
    cpwl_val_clear(&R->c_step, A);
    cpwl_val_clear(&R->c_1k, A);
    cpwl_val_clear(&R->c_bt, A);
    cpwl_val_clear(&R->c_d0, A);
    cpwl_val_clear(&R->s0, A);
    cpwl_val_clear(&R->s1, A);
    cpwl_val_clear(&R->s2, A);
    cpwl_pred_ctx_clear(R->pred);
    memset(R, 0, sizeof(*R));
}

/* ------------------------------------------------------------------------
   Steps
   ------------------------------------------------------------------------ */

/* The sign of z (what: for the message): -1, 0, +1; 2 with a message
   when a ball cannot decide it. */
static int tron_sign(cpwl_tron_struct *R, const cpwl_val_struct *z,
                     const char *what, cpwl_err_t e)
{
    int s = cpwl_val_sign_pred(z, R->A, R->pred);
    if (s == 2)
        cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the enclosure cannot decide "
                     "the sign of %s at step %ld (its ball contains 0 at %ld "
                     "bits)", what, (long) R->t, (long) R->A->prec);
    return s;
}

/* The worst-case adversary's sign: that of <w_t - w*, v> (v = x, or M x
   for neuro-tron), + when it is 0; 2 when a ball cannot decide. */
static int worst_sign(cpwl_tron_struct *R, cpwl_val_srcptr v, cpwl_err_t e)
{
    cpwl_arith_struct *A = R->A;
    slong j;
    int s;

    for (j = 0; j < R->r; j++)
        cpwl_val_sub(R->dv + j, R->w + j, R->wsv + j, A);
    cpwl_val_dot(&R->s2, R->dv, v, R->r, A);
    s = tron_sign(R, &R->s2, "the adversary's <w_t - w*, x>", e);
    return s == 0 ? 1 : s;
}

/* res = y - (the prediction at features feat); the relu' factor of sgd
   in *active (0: the point contributes nothing).  Returns 0 or 2. */
static int residual(cpwl_val_t res, int *active, cpwl_tron_struct *R,
                    cpwl_val_srcptr feat, const cpwl_val_struct *y,
                    cpwl_err_t e)
{
    const cpwl_tron_opts_struct *o = R->opts;
    cpwl_arith_struct *A = R->A;
    int s;

    *active = 1;
    if (o->algo == CPWL_TRON_NEURO)
    {
        slong j;
        cpwl_val_zero(&R->s1, A);
        for (j = 0; j < o->k; j++)
        {
            cpwl_val_dot(&R->s0, R->w, feat + j * R->r, R->r, A);
            s = tron_sign(R, &R->s0, "a filter's <w_t, A_j x>", e);
            if (s == 2)
                return 2;
            if (s > 0)
                cpwl_val_add(&R->s1, &R->s1, &R->s0, A);
        }
        cpwl_val_mul(&R->s1, &R->s1, &R->c_1k, A);
        cpwl_val_sub(res, y, &R->s1, A);
        return 0;
    }
    cpwl_val_dot(&R->s0, R->w, feat, R->n, A);
    if (o->algo == CPWL_TRON_GLM && o->link_identity)
    {
        cpwl_val_sub(res, y, &R->s0, A);
        return 0;
    }
    s = tron_sign(R, &R->s0, "<w_t, x>", e);
    if (s == 2)
        return 2;
    if (o->algo == CPWL_TRON_SGD && (s < 0 || (s == 0 && !o->relu_d0)))
    {
        *active = 0;
        return 0;
    }
    if (s > 0)
        cpwl_val_sub(res, y, &R->s0, A);
    else
        cpwl_val_set(res, y, A);    /* y - relu(z) with relu(z) = 0 */
    return 0;
}

/* u += s v (r entries, one product and one sum each). */
static void accumulate(cpwl_tron_struct *R, const cpwl_val_struct *s,
                       cpwl_val_srcptr v)
{
    slong j;
    for (j = 0; j < R->r; j++)
    {
        cpwl_val_mul(&R->s0, s, v + j, R->A);
        cpwl_val_add(R->u + j, R->u + j, &R->s0, R->A);
    }
}

static void update(cpwl_tron_struct *R, const cpwl_val_struct *c)
{
    slong j;
    for (j = 0; j < R->r; j++)
    {
        cpwl_val_mul(&R->s0, c, R->u + j, R->A);
        cpwl_val_add(R->w + j, R->w + j, &R->s0, R->A);
    }
    R->t++;
}

static int arith_status(cpwl_tron_struct *R, cpwl_err_t e)
{
    if (cpwl_arith_failed(R->A))
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the arithmetic failed at "
                     "step %ld", (long) R->t);
        return 1;
    }
    return 0;
}

/* The features of row k: x_k, or A_j x_k; the update direction: x_k,
   or M x_k. */
static cpwl_val_srcptr row_feat(const cpwl_tron_struct *R, slong k)
{
    slong fw = R->opts->algo == CPWL_TRON_NEURO ? R->opts->k * R->r : R->n;
    return R->X + k * fw;
}

static cpwl_val_srcptr row_dir(const cpwl_tron_struct *R, slong k)
{
    return R->opts->algo == CPWL_TRON_NEURO ? R->MX + k * R->r
        : R->X + k * R->n;
}

static void zero_u(cpwl_tron_struct *R)
{
    slong j;
    for (j = 0; j < R->r; j++)
        cpwl_val_zero(R->u + j, R->A);
}

/* u += p (y - pred(feat)) dir for one point (p: a probability, or NULL
   for 1), res a scratch value.  Returns 0, or 2 when a ball cannot decide
   a sign. */
static int add_point(cpwl_tron_struct *R, cpwl_val_t res,
                     cpwl_val_srcptr feat, cpwl_val_srcptr dir,
                     const cpwl_val_struct *y, const cpwl_val_struct *p,
                     cpwl_err_t e)
{
    int active, ret = residual(res, &active, R, feat, y, e);
    if (ret != 0 || !active)
        return ret;
    if (p != NULL)
        cpwl_val_mul(res, p, res, R->A);
    accumulate(R, res, dir);
    return 0;
}

static int step_population(cpwl_tron_struct *R, cpwl_err_t e)
{
    const cpwl_tron_opts_struct *o = R->opts;
    cpwl_arith_struct *A = R->A;
    cpwl_val_t res, y;
    slong k;
    int ret = 0;

    cpwl_val_init(res, A);
    cpwl_val_init(y, A);
    zero_u(R);
    for (k = 0; k < R->K && ret == 0; k++)
    {
        const cpwl_val_struct *yk = R->Y + k;
        if (o->adv == CPWL_TRON_ADV_WORST && !fmpq_is_zero(o->beta))
        {
            /* E[a xi] = beta theta s: the expected label */
            int s = worst_sign(R, row_dir(R, k), e);
            if (s == 2)
            {
                ret = 2;
                break;
            }
            if (s > 0)
                cpwl_val_add(y, yk, &R->c_bt, A);
            else
                cpwl_val_sub(y, yk, &R->c_bt, A);
            yk = y;
        }
        ret = add_point(R, res, row_feat(R, k), row_dir(R, k), yk, R->P + k,
                        e);
    }
    cpwl_val_clear(res, A);
    cpwl_val_clear(y, A);
    if (ret != 0)
        return ret;
    update(R, &R->c_step);
    return arith_status(R, e);
}

/* One online draw: its features and direction (pointers into the support
   or R's scratch) and its label y (exact, poisoned) entered into yv. */
static int draw_point(cpwl_tron_struct *R, cpwl_val_srcptr *feat,
                      cpwl_val_srcptr *dir, cpwl_val_t yv, cpwl_err_t e)
{
    const cpwl_tron_opts_struct *o = R->opts;
    cpwl_arith_struct *A = R->A;
    slong n = R->n, r = R->r, j;
    int neuro = o->algo == CPWL_TRON_NEURO;
    slong fw = neuro ? o->k * r : n;
    fmpq *mxq = R->xq + n + fw;         /* scratch after x and features */
    fmpq_t y;

    fmpq_init(y);
    R->draws++;
    if (R->K > 0)
    {
        slong k = cpwl_dist_draw_index(R->D, &R->rng);
        *feat = row_feat(R, k);
        *dir = row_dir(R, k);
        fmpq_set(y, R->Yq + k);
    }
    else
    {
        fmpq *x = R->xq, *f = R->xq + n;
        cpwl_dist_draw(x, R->D, &R->rng);
        if (neuro)
        {
            neuro_features(f, mxq, o, x);
            for (j = 0; j < fw; j++)
                set_q(R->xv + j, f + j, A);
            for (j = 0; j < r; j++)
                set_q(R->mxv + j, mxq + j, A);
            clean_label(y, o, R->wstar, f, n);
            *feat = R->xv;
            *dir = R->mxv;
        }
        else
        {
            for (j = 0; j < n; j++)
                set_q(R->xv + j, x + j, A);
            clean_label(y, o, R->wstar, x, n);
            *feat = *dir = R->xv;
        }
    }
    if (o->adv != CPWL_TRON_ADV_NONE && rand_bernoulli(o->beta, &R->rng))
    {
        int s;
        R->poisoned++;
        if (o->adv == CPWL_TRON_ADV_RANDOM)
            s = (cpwl_dist_rand(&R->rng) >> 63) ? 1 : -1;
        else
        {
            s = worst_sign(R, *dir, e);
            if (s == 2)
            {
                fmpq_clear(y);
                return 2;
            }
        }
        if (s > 0)
            fmpq_add(y, y, o->theta);
        else
            fmpq_sub(y, y, o->theta);
    }
    set_q(yv, y, A);
    fmpq_clear(y);
    return 0;
}

static int step_online(cpwl_tron_struct *R, cpwl_err_t e)
{
    const cpwl_tron_opts_struct *o = R->opts;
    cpwl_arith_struct *A = R->A;
    cpwl_val_t res, y;
    slong i;
    int ret = 0;

    cpwl_val_init(res, A);
    cpwl_val_init(y, A);
    zero_u(R);
    for (i = 0; i < o->batch && ret == 0; i++)
    {
        cpwl_val_srcptr feat, dir;
        ret = draw_point(R, &feat, &dir, y, e);
        if (ret == 0)
            ret = add_point(R, res, feat, dir, y, NULL, e);
    }
    cpwl_val_clear(res, A);
    cpwl_val_clear(y, A);
    if (ret != 0)
        return ret;
    update(R, &R->c_step);
    return arith_status(R, e);
}

int cpwl_tron_step(cpwl_tron_t R, cpwl_err_t e)
{
    if (R->opts->mode == CPWL_TRON_POPULATION)
        return step_population(R, e);
    return step_online(R, e);
}

int cpwl_tron_step_rows(cpwl_tron_t R, const slong *idx, slong b,
                        cpwl_err_t e)
{
    cpwl_arith_struct *A = R->A;
    cpwl_val_t res, c;
    fmpq_t q;
    slong i;
    int ret = 0;

    if (R->K == 0 || b < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: a batch of rows needs "
                            "a finite support and at least one row");
    cpwl_val_init(res, A);
    cpwl_val_init(c, A);
    fmpq_init(q);
    zero_u(R);
    for (i = 0; i < b && ret == 0; i++)
        ret = add_point(R, res, row_feat(R, idx[i]), row_dir(R, idx[i]),
                        R->Y + idx[i], NULL, e);
    if (ret == 0)
    {
        fmpq_set(q, R->opts->eta);
        q_div_si(q, b);
        cpwl_val_set_fmpq(c, q, A);
        update(R, c);
        ret = arith_status(R, e);
    }
    cpwl_val_clear(res, A);
    cpwl_val_clear(c, A);
    fmpq_clear(q);
    return ret;
}

void cpwl_tron_set_w(cpwl_tron_t R, const fmpq *w)
{
    slong j;
    for (j = 0; j < R->r; j++)
        cpwl_val_set_fmpq(R->w + j, w + j, R->A);
}

int cpwl_tron_dist2_fmpq(fmpq_t r, const cpwl_tron_t R)
{
    fmpq_t a;
    slong j;
    int ok = 1;

    fmpq_init(a);
    fmpq_zero(r);
    for (j = 0; j < R->r && ok; j++)
    {
        if (!cpwl_val_get_fmpq(a, R->w + j, R->A))
            ok = 0;
        else
        {
            fmpq_sub(a, a, R->wstar + j);
            fmpq_addmul(r, a, a);
        }
    }
    fmpq_clear(a);
    return ok;
}

void cpwl_tron_dist2_arb(arb_t r, const cpwl_tron_t R, slong prec)
{
    fmpq_t q;
    arb_t a, b;
    slong j;

    fmpq_init(q);
    if (cpwl_tron_dist2_fmpq(q, R))
    {
        arb_set_fmpq(r, q, prec);
        fmpq_clear(q);
        return;
    }
    fmpq_clear(q);
    arb_init(a);
    arb_init(b);
    arb_zero(r);
    for (j = 0; j < R->r; j++)
    {
        cpwl_val_get_arb(a, R->w + j, R->A, prec);
        arb_set_fmpq(b, R->wstar + j, prec);
        arb_sub(a, a, b, prec);
        arb_addmul(r, a, a, prec);
    }
    arb_nonnegative_part(r, r);
    arb_clear(a);
    arb_clear(b);
}

void cpwl_tron_loss_arb(arb_t r, const cpwl_tron_t R, slong prec)
{
    const cpwl_tron_opts_struct *o = R->opts;
    slong k, j, a, fw = o->algo == CPWL_TRON_NEURO ? o->k * R->r : R->n;
    arb_ptr w = _arb_vec_init(R->r);
    arb_t z, f, x, s;

    if (R->K == 0)
    {
        arb_indeterminate(r);
        _arb_vec_clear(w, R->r);
        return;
    }
    arb_init(z);
    arb_init(f);
    arb_init(x);
    arb_init(s);
    for (j = 0; j < R->r; j++)
        cpwl_val_get_arb(w + j, R->w + j, R->A, prec);
    arb_zero(r);
    for (k = 0; k < R->K; k++)
    {
        const fmpq *feat = R->Xq + k * fw;
        /* the prediction at x_k: relu(<w, x>), <w, x>, or f_w(x) */
        arb_zero(f);
        for (a = 0; a < (o->algo == CPWL_TRON_NEURO ? o->k : 1); a++)
        {
            arb_zero(z);
            for (j = 0; j < R->r; j++)
            {
                arb_set_fmpq(x, feat + a * R->r + j, prec);
                arb_addmul(z, w + j, x, prec);
            }
            if (!(o->algo == CPWL_TRON_GLM && o->link_identity))
                arb_max(z, z, s, prec);     /* s = 0 here: relu */
            arb_add(f, f, z, prec);
        }
        if (o->algo == CPWL_TRON_NEURO)
            arb_div_si(f, f, o->k, prec);
        arb_set_fmpq(x, R->Yq + k, prec);
        arb_sub(f, x, f, prec);
        arb_sqr(f, f, prec);
        arb_set_fmpq(x, R->D->p + k, prec);
        arb_addmul(r, x, f, prec);
    }
    arb_mul_2exp_si(r, r, -1);
    arb_nonnegative_part(r, r);
    _arb_vec_clear(w, R->r);
    arb_clear(z);
    arb_clear(f);
    arb_clear(x);
    arb_clear(s);
}

/* ------------------------------------------------------------------------
   The driver
   ------------------------------------------------------------------------ */

static int tron_attempt(cpwl_tron_result_struct *res,
                        const cpwl_tron_opts_t o, const cpwl_dist_t D,
                        const fmpq *wstar, const fmpq *w1, cpwl_arith_t A,
                        double rel, cpwl_tron_visit_fn visit, void *data,
                        cpwl_err_t e)
{
    cpwl_tron_t R;
    slong k;
    int ret = 0;

    memset(res, 0, sizeof(*res));
    res->prec = A->kind == CPWL_ARITH_ARB ? A->prec : 0;
    if (cpwl_tron_init(R, o, D, wstar, w1, A, e))
        return e->status;
    for (k = 0; ; k++)
    {
        if (A->kind == CPWL_ARITH_ARB
            && !cpwl_val_vec_enclosed(R->w, R->r, A, rel))
        {
            res->lost = R->t;
            snprintf(res->why, sizeof(res->why), "a ball of w_%ld is wider "
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
        ret = cpwl_tron_step(R, e);
        if (ret == 2)
        {
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
    res->draws = R->draws;
    res->poisoned = R->poisoned;
    cpwl_tron_clear(R);
    return ret;
}

int cpwl_tron_run(cpwl_tron_result_struct *res, const cpwl_tron_opts_t o,
                  const cpwl_dist_t D, const fmpq *wstar, const fmpq *w1,
                  cpwl_arith_t A, double rel, slong max_prec,
                  cpwl_tron_visit_fn visit, void *data, cpwl_err_t e)
{
    for (;;)
    {
        int status = tron_attempt(res, o, D, wstar, w1, A, rel, visit, data,
                                  e);
        if (status != CPWL_OK)
            return status;
        if (A->kind != CPWL_ARITH_ARB || res->lost == 0 || res->stopped
            || 2 * A->prec > max_prec)
            return CPWL_OK;
        A->prec *= 2;
    }
}

int cpwl_tron_draw_set(cpwl_dist_t out, const cpwl_tron_opts_t o,
                       const cpwl_dist_t D, const fmpq *wstar, slong N,
                       cpwl_err_t e)
{
    cpwl_erm_data_t data;
    slong i, n = D->n, fw;
    int neuro = o->algo == CPWL_TRON_NEURO;
    uint64_t rng = o->seed;
    fmpq *f, *mx;

    if (N < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: a training set needs at "
                            "least one draw");
    if (wstar == NULL && D->kind != CPWL_DIST_DATA)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: w* is needed to label "
                            "the draws");
    if (o->adv == CPWL_TRON_ADV_WORST)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the worst-case "
                            "adversary answers the current iterate: it "
                            "poisons fresh draws only, not a training set "
                            "drawn in advance");
    if (neuro && (o->A == NULL || o->n != n))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "tron: the neuro-tron "
                            "matrices do not act on this distribution's x");
    fw = neuro ? o->k * o->r : n;
    f = _fmpq_vec_init(fw);
    mx = _fmpq_vec_init(neuro ? o->r : 1);
    cpwl_erm_data_init(data);
    data->D = N;
    data->n = n;
    data->X = _fmpq_vec_init(N * n);
    data->y = _fmpq_vec_init(N);
    for (i = 0; i < N; i++)
    {
        fmpq *x = data->X + i * n;
        slong k = cpwl_dist_draw(x, D, &rng);
        if (D->kind == CPWL_DIST_DATA)
            fmpq_set(data->y + i, D->y + k);    /* the data's own label */
        else
        {
            if (neuro)
                neuro_features(f, mx, o, x);
            else
                qvec_set(f, x, n);
            clean_label(data->y + i, o, wstar, f, n);
        }
        if (o->adv == CPWL_TRON_ADV_RANDOM && rand_bernoulli(o->beta, &rng))
        {
            if (cpwl_dist_rand(&rng) >> 63)
                fmpq_add(data->y + i, data->y + i, o->theta);
            else
                fmpq_sub(data->y + i, data->y + i, o->theta);
        }
    }
    cpwl_dist_set_data(out, data);
    cpwl_erm_data_clear(data);
    _fmpq_vec_clear(f, fw);
    _fmpq_vec_clear(mx, neuro ? o->r : 1);
    return CPWL_OK;
}
