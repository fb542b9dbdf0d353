/* Checks along a given run (docs/convergence.md): the sign-consistency
   assumption of the stochastic RMSProp theorem, and the departure of an
   emulated float run from the Arb enclosure of the real trajectory.
   Float values are exact rationals, so "inside the ball" is decided
   exactly (arb_contains_fmpq). */
#include <string.h>
#include "cpwl/convergence.h"

typedef struct
{
    cpwl_convergence_sign_struct *r;
    cpwl_val_ptr g, gi;         /* grad f, grad f_i at x_t */
    slong dim;
    int failed;                 /* an evaluation failed (message in le) */
    cpwl_err_t le;
}
sign_data;

/* The objective could not decide a sign it needs at x_t (a relu input
   whose ball contains 0): undecided, at no coordinate. */
static int sign_undecided(cpwl_convergence_sign_struct *r, slong t)
{
    r->holds = CPWL_CONVERGENCE_UNDECIDED;
    r->t = t;
    r->k = r->i = -1;
    return 1;
}

/* At x_t: the first (k, i) with a proven different sign, else the first
   undecided one (i = -1 when d_k f's own sign is); 1 (stop) if either
   was found or an evaluation failed. */
static int sign_visit(const cpwl_optim_struct *R, void *data)
{
    sign_data *d = data;
    cpwl_convergence_sign_struct *r = d->r;
    slong k, i, uk = -1, ui = -1, nk = -1, ni = -1;
    int s, si;
    int ret;
    r->steps = R->t - 1;
    cpwl_err_clear(d->le);
    cpwl_err_init(d->le);
    ret = cpwl_objective_eval(NULL, d->g, R->x, NULL, 0, R->t, R->obj, R->A,
                              d->le);
    if (ret == 2)
        return sign_undecided(r, R->t);
    if (ret != 0)
    {
        d->failed = 1;
        return 1;
    }
    /* the smallest (k, i) of each kind: coordinates first, as reported */
    for (i = 0; i < R->obj->nterms; i++)
    {
        ret = cpwl_objective_eval(NULL, d->gi, R->x, &i, 1, R->t, R->obj,
                                  R->A, d->le);
        if (ret == 2)
            return sign_undecided(r, R->t);
        if (ret != 0)
        {
            d->failed = 1;
            return 1;
        }
        for (k = 0; k < d->dim; k++)
        {
            s = cpwl_val_sgn(d->g + k, R->A);
            si = cpwl_val_sgn(d->gi + k, R->A);
            if (s == 2 || si == 2)
            {
                if (uk < 0 || k < uk || (k == uk && ui >= 0 && i < ui))
                {
                    uk = k;
                    ui = s == 2 ? -1 : i;
                }
            }
            else if (s != si && (nk < 0 || k < nk))
            {
                nk = k;
                ni = i;
            }
        }
    }
    if (nk >= 0 || uk >= 0)
    {
        r->holds = nk >= 0 ? CPWL_CONVERGENCE_NO : CPWL_CONVERGENCE_UNDECIDED;
        r->t = R->t;
        r->k = nk >= 0 ? nk : uk;
        r->i = nk >= 0 ? ni : ui;
        return 1;
    }
    return 0;
}

int cpwl_convergence_sign(cpwl_convergence_sign_struct *r,
                          const cpwl_optim_opts_t o, cpwl_objective_t O,
                          const fmpq *x1, cpwl_arith_t A, cpwl_err_t e)
{
    cpwl_optim_result_struct res;
    sign_data d;
    int status;
    memset(r, 0, sizeof *r);
    r->holds = CPWL_CONVERGENCE_YES;
    r->i = -1;
    if (O->nterms <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "sign consistency is about a "
                            "finite sum: objective %s is not one", O->name);
    if (A->kind == CPWL_ARITH_FLOAT)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "sign consistency is decided "
                            "in exact or Arb arithmetic, not in a float "
                            "format");
    d.r = r;
    d.dim = O->dim;
    d.failed = 0;
    cpwl_err_init(d.le);
    d.g = cpwl_val_vec_init(O->dim, A);
    d.gi = cpwl_val_vec_init(O->dim, A);
    /* no reruns at higher precision: a rerun would revisit x_1 with a
       verdict already taken */
    status = cpwl_optim_run(&res, o, O, x1, A, 1.0 / 1024, A->prec,
                            sign_visit, &d, e);
    if (status == CPWL_OK && d.failed)
        status = cpwl_err_set(e, d.le->status != CPWL_OK ? d.le->status
                              : CPWL_ERR_INTERNAL, "%s", d.le->msg);
    cpwl_err_clear(d.le);
    if (status == CPWL_OK && r->holds == CPWL_CONVERGENCE_YES && res.lost)
    {
        /* the run stopped early: the iterates after it were not seen */
        r->holds = CPWL_CONVERGENCE_UNDECIDED;
        r->t = res.lost;
        r->k = r->i = -1;
    }
    if (status == CPWL_OK && r->holds == CPWL_CONVERGENCE_YES)
        r->steps = res.steps_done;
    cpwl_val_vec_clear(d.g, O->dim, A);
    cpwl_val_vec_clear(d.gi, O->dim, A);
    return status;
}

void cpwl_convergence_departure_init(cpwl_convergence_departure_t r)
{
    memset(r, 0, sizeof *r);
    arb_init(r->gap);
}

void cpwl_convergence_departure_clear(cpwl_convergence_departure_t r)
{
    arb_clear(r->gap);
}

/* Compare x_t of the float run F with the ball of the Arb run B: the
   first component whose float value is not in its ball (-1 if none),
   and the gap |x_F - x_B| into gap. */
static slong dep_compare(arb_t gap, const cpwl_optim_t F,
                         const cpwl_optim_t B, slong prec)
{
    fmpq_t q;
    arb_t b, c;
    slong k, out = -1;
    fmpq_init(q);
    arb_init(b);
    arb_init(c);
    arb_zero(gap);
    for (k = 0; k < B->dim; k++)
    {
        cpwl_val_get_arb(b, B->x + k, B->A, prec);
        if (!cpwl_val_get_fmpq(q, F->x + k, F->A))
        {
            /* inf or NaN: outside every finite ball */
            if (out < 0)
                out = k;
            arb_pos_inf(gap);
            continue;
        }
        if (out < 0 && !arb_contains_fmpq(b, q))
            out = k;
        arb_set_fmpq(c, q, prec);
        arb_sub(c, c, b, prec);
        arb_sqr(c, c, prec);
        arb_add(gap, gap, c, prec);
    }
    arb_sqrtpos(gap, gap, prec);
    fmpq_clear(q);
    arb_clear(b);
    arb_clear(c);
    return out;
}

int cpwl_convergence_departure(cpwl_convergence_departure_t r,
                               const cpwl_optim_opts_t o, cpwl_objective_t O,
                               const fmpq *x1, cpwl_arith_t F, cpwl_arith_t B,
                               double rel, cpwl_err_t e)
{
    cpwl_optim_t RF, RB;
    cpwl_err_t le;
    slong k, prec;
    int status, ret;
    r->left = r->steps = r->lost = 0;
    r->coord = -1;
    r->stagnant = 0;
    arb_zero(r->gap);
    if (F->kind != CPWL_ARITH_FLOAT)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the departure check needs a "
                            "float format for the float run");
    if (B->kind != CPWL_ARITH_ARB)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the departure check needs Arb "
                            "for the real run");
    prec = B->prec;
    if ((status = cpwl_optim_init(RF, o, O, x1, F, e)) != CPWL_OK)
        return status;
    if ((status = cpwl_optim_init(RB, o, O, x1, B, e)) != CPWL_OK)
    {
        cpwl_optim_clear(RF);
        return status;
    }
    cpwl_err_init(le);
    for (;;)
    {
        if (!cpwl_optim_enclosure_ok(RB, rel))
        {
            r->lost = RB->t;
            break;
        }
        k = dep_compare(r->gap, RF, RB, prec);
        if (k >= 0 && r->left == 0)
        {
            r->left = RB->t;
            r->coord = k;
        }
        if (r->steps >= o->steps)
            break;
        if (cpwl_optim_step(RF, e) != 0)
        {
            status = e->status != CPWL_OK ? e->status : CPWL_ERR_INTERNAL;
            break;
        }
        cpwl_err_clear(le);
        cpwl_err_init(le);
        ret = cpwl_optim_step(RB, le);
        if (ret == 2)
        {
            /* a sign the objective cannot decide on the ball */
            r->lost = RB->t;
            break;
        }
        if (ret != 0)
        {
            status = cpwl_err_set(e, le->status != CPWL_OK ? le->status
                                  : CPWL_ERR_INTERNAL, "%s", le->msg);
            break;
        }
        r->steps++;
    }
    r->stagnant = RF->stagnant;
    cpwl_err_clear(le);
    cpwl_optim_clear(RF);
    cpwl_optim_clear(RB);
    return status;
}
