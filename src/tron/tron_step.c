/* cpwl tron: Tron, GLM-tron, Neuro-Tron and SGD on a ReLU gate, the
   steps and the run driver (include/cpwl/tron.h states the algorithms
   and their order of operations; tron.c sets a run up).

   Every relu decision is a sign: exact through the predicate layer, from
   the ball in Arb (a ball containing 0 loses the enclosure), as the float
   program branches in a float format (cpwl_val_sign_pred). */
#include <string.h>
#include <stdio.h>
#include <flint/fmpq_vec.h>
#include "cpwl/tron.h"
#include "tron/tron_impl.h"

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
        cpwl_err_set(e, CPWL_ERR_INPUT, "the enclosure cannot decide "
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
    cpwl_val_axpy(R->u, s, v, R->r, R->A);
}

static void update(cpwl_tron_struct *R, const cpwl_val_struct *c)
{
    cpwl_val_axpy(R->w, c, R->u, R->r, R->A);
    R->t++;
}

static int arith_status(cpwl_tron_struct *R, cpwl_err_t e)
{
    if (cpwl_arith_failed(R->A))
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "the arithmetic failed at "
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
    cpwl_val_t res;
    slong k;
    int ret = 0;

    cpwl_val_init(res, A);
    zero_u(R);
    for (k = 0; k < R->K && ret == 0; k++)
    {
        const cpwl_val_struct *yk = R->Y + k;
        if (R->Yp != NULL && !fmpq_is_zero(o->beta))
        {
            /* E[a xi] = beta theta s: the expected label, exact */
            int s = worst_sign(R, row_dir(R, k), e);
            if (s == 2)
            {
                ret = 2;
                break;
            }
            yk = s > 0 ? R->Yp + k : R->Ym + k;
        }
        ret = add_point(R, res, row_feat(R, k), row_dir(R, k), yk, R->P + k,
                        e);
    }
    cpwl_val_clear(res, A);
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
            tron_neuro_features(f, mxq, o, x);
            for (j = 0; j < fw; j++)
                cpwl_val_set_fmpq(R->xv + j, f + j, A);
            for (j = 0; j < r; j++)
                cpwl_val_set_fmpq(R->mxv + j, mxq + j, A);
            tron_clean_label(y, o, R->wstar, f, n);
            *feat = R->xv;
            *dir = R->mxv;
        }
        else
        {
            for (j = 0; j < n; j++)
                cpwl_val_set_fmpq(R->xv + j, x + j, A);
            tron_clean_label(y, o, R->wstar, x, n);
            *feat = *dir = R->xv;
        }
    }
    if (o->adv != CPWL_TRON_ADV_NONE && tron_rand_bernoulli(o->beta, &R->rng))
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
    cpwl_val_set_fmpq(yv, y, A);
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
        return cpwl_err_set(e, CPWL_ERR_INPUT, "a batch of rows needs "
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
        tron_q_div_si(q, b);
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
