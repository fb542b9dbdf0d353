/* Tron, GLM-tron, Neuro-Tron and SGD on a ReLU gate, in any arithmetic
   of module arith (include/cpwl/tron.h states the algorithms and their
   order of operations): options, the set-up of a run, training sets
   (the steps and the driver are in tron_step.c).

   The exact data of a run -- the support's rows (for Neuro-Tron the
   products A_j x_k and M x_k), its probabilities and clean labels -- are
   computed exactly once and entered into the arithmetic once, like the
   constants eta, eta / b and 1/k. */
#include <string.h>
#include <math.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "cpwl/tron.h"
#include "qvec.h"
#include "tron/tron_impl.h"

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
void tron_q_div_si(fmpq_t r, slong k)
{
    fmpz_t d;
    fmpz_init_set_si(d, k);
    fmpq_div_fmpz(r, r, d);
    fmpz_clear(d);
}

/* The neuro-tron features of x: AX (k x r) = A_j x, MX (r) = M x. */
void tron_neuro_features(fmpq *AX, fmpq *MX, const cpwl_tron_opts_struct *o,
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
void tron_clean_label(fmpq_t y, const cpwl_tron_opts_struct *o,
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
        tron_q_div_si(y, o->k);
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
int tron_rand_bernoulli(const fmpq_t beta, uint64_t *state)
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
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the step eta must be "
                            "positive");
    if (o->batch < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the batch size must be "
                            "at least 1");
    if (o->steps < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the number of steps "
                            "must not be negative");
    if (o->adv != CPWL_TRON_ADV_NONE)
    {
        if (fmpq_sgn(o->beta) < 0
            || fmpz_cmp(fmpq_numref(o->beta), fmpq_denref(o->beta)) > 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the poisoning "
                                "probability beta must lie in [0, 1]");
        if (fmpq_sgn(o->theta) < 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the poisoning "
                                "bound theta must not be negative");
        if (o->adv == CPWL_TRON_ADV_WORST && wstar == NULL)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the worst-case "
                                "adversary needs w*");
    }
    if (wstar == NULL && D->kind != CPWL_DIST_DATA)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "w* is needed to label "
                            "the points of a distribution");
    if (o->mode == CPWL_TRON_POPULATION && cpwl_dist_is_continuous(D))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the population update "
                            "needs a finite support (a %s law can only be "
                            "sampled)", cpwl_dist_kind_name(D->kind));
    if (o->algo == CPWL_TRON_GLM && o->mode != CPWL_TRON_POPULATION)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "glm-tron takes the "
                            "whole sum at every step: it runs on a finite "
                            "support or a data set, not on fresh draws");
    if (o->algo == CPWL_TRON_NEURO)
    {
        if (o->A == NULL || o->k < 1 || o->r < 1)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "neuro-tron needs its "
                                "filters A_j and its matrix M");
        if (o->n != D->n)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the neuro-tron "
                                "matrices act on vectors of length %ld, but x "
                                "has %ld coordinates", (long) o->n,
                                (long) D->n);
    }
    if (!cpwl_dist_is_continuous(D) && D->K < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the distribution has no "
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
                tron_neuro_features(R->Xq + k * fw, R->MXq + k * r, o,
                               D->X + k * n);
            else
                qvec_set(R->Xq + k * fw, D->X + k * n, n);
            if (D->kind == CPWL_DIST_DATA)
                fmpq_set(R->Yq + k, D->y + k);
            else
                tron_clean_label(R->Yq + k, o, wstar, R->Xq + k * fw, n);
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
    cpwl_val_init(&R->s0, A);
    cpwl_val_init(&R->s1, A);
    cpwl_val_init(&R->s2, A);
    if (o->mode == CPWL_TRON_POPULATION)
        fmpq_set(c, o->eta);
    else
    {
        fmpq_set(c, o->eta);
        tron_q_div_si(c, o->batch);
    }
    set_q(&R->c_step, c, A);
    if (neuro)
    {
        fmpq_set_si(c, 1, o->k);
        set_q(&R->c_1k, c, A);
    }
    /* population, worst case: the expected labels y_k +- beta theta,
       computed exactly and entered once (E[a xi] = beta theta s(x)) */
    if (o->mode == CPWL_TRON_POPULATION && o->adv == CPWL_TRON_ADV_WORST
        && R->K > 0)
    {
        fmpq_t y;
        fmpq_init(y);
        fmpq_mul(c, o->beta, o->theta);
        R->Yp = cpwl_val_vec_init(R->K, A);
        R->Ym = cpwl_val_vec_init(R->K, A);
        for (k = 0; k < R->K; k++)
        {
            fmpq_add(y, R->Yq + k, c);
            set_q(R->Yp + k, y, A);
            fmpq_sub(y, R->Yq + k, c);
            set_q(R->Ym + k, y, A);
        }
        fmpq_clear(y);
    }
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
        if (R->Yp != NULL)
        {
            cpwl_val_vec_clear(R->Yp, R->K, A);
            cpwl_val_vec_clear(R->Ym, R->K, A);
        }
    }
    _fmpq_vec_clear(R->xq, R->n + fw + r);
    cpwl_val_vec_clear(R->xv, fw, A);
    cpwl_val_vec_clear(R->mxv, r, A);
    cpwl_val_vec_clear(R->wsv, r, A);
    cpwl_val_vec_clear(R->dv, r, A);
    cpwl_val_clear(&R->c_step, A);
    cpwl_val_clear(&R->c_1k, A);
    cpwl_val_clear(&R->s0, A);
    cpwl_val_clear(&R->s1, A);
    cpwl_val_clear(&R->s2, A);
    cpwl_pred_ctx_clear(R->pred);
    memset(R, 0, sizeof(*R));
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
        return cpwl_err_set(e, CPWL_ERR_INPUT, "a training set needs at "
                            "least one draw");
    if (wstar == NULL && D->kind != CPWL_DIST_DATA)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "w* is needed to label "
                            "the draws");
    if (o->adv == CPWL_TRON_ADV_WORST)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the worst-case "
                            "adversary answers the current iterate: it "
                            "poisons fresh draws only, not a training set "
                            "drawn in advance");
    if (neuro && (o->A == NULL || o->n != n))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the neuro-tron "
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
                tron_neuro_features(f, mx, o, x);
            else
                qvec_set(f, x, n);
            tron_clean_label(data->y + i, o, wstar, f, n);
        }
        if (o->adv == CPWL_TRON_ADV_RANDOM && tron_rand_bernoulli(o->beta, &rng))
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
