/* Chapter 5 certified: the deterministic RMSProp and ADAM theorems of
   De, Mukherjee and Ullah checked on an example with Arb balls, on the
   engine of module optim (docs/convergence.md).  Every verdict is taken
   by a ball comparison (arb_le, arb_gt, arb_is_positive: true only when
   every point of the ball satisfies it), never with a tolerance. */
#include <string.h>
#include "cpwl/convergence.h"

void cpwl_convergence_opts_init(cpwl_convergence_opts_t o)
{
    memset(o, 0, sizeof *o);
    fmpq_init(o->L);
    fmpq_init(o->sigma2);
    fmpq_init(o->fstar);
    fmpq_init(o->xi);
    fmpq_init(o->beta1);
    fmpq_init(o->beta2);
    fmpq_init(o->eps);
    fmpq_init(o->lr);
    fmpq_set_si(o->xi, 1, 1);
    fmpq_set_si(o->beta1, 1, 10);
    fmpq_set_si(o->beta2, 1, 2);
    fmpq_set_si(o->eps, 1, 10);
    fmpq_set_si(o->lr, 1, 100);
    o->prec = 128;
    o->max_prec = 4096;
    o->rel = 1.0 / 1024;
}

void cpwl_convergence_opts_clear(cpwl_convergence_opts_t o)
{
    fmpq_clear(o->L);
    fmpq_clear(o->sigma2);
    fmpq_clear(o->fstar);
    fmpq_clear(o->xi);
    fmpq_clear(o->beta1);
    fmpq_clear(o->beta2);
    fmpq_clear(o->eps);
    fmpq_clear(o->lr);
}

void cpwl_convergence_result_init(cpwl_convergence_result_t r)
{
    memset(r, 0, sizeof *r);
    fmpq_init(r->L);
    fmpq_init(r->sigma2);
    fmpq_init(r->fstar);
    arb_init(r->f1);
    arb_init(r->alpha);
    arb_init(r->T);
    arb_init(r->gnorm2);
}

void cpwl_convergence_result_clear(cpwl_convergence_result_t r)
{
    fmpq_clear(r->L);
    fmpq_clear(r->sigma2);
    fmpq_clear(r->fstar);
    arb_clear(r->f1);
    arb_clear(r->alpha);
    arb_clear(r->T);
    arb_clear(r->gnorm2);
}

void cpwl_convergence_rmsprop_bound(arb_t alpha, arb_t T, const fmpq_t L,
                                    const fmpq_t sigma2, const fmpq_t xi,
                                    const fmpq_t beta2, const arb_t f1,
                                    const fmpq_t fstar, const fmpq_t eps,
                                    slong prec)
{
    fmpq_t s, c;
    arb_t a, b;
    fmpq_init(s);
    fmpq_init(c);
    arb_init(a);
    arb_init(b);
    fmpq_add(s, sigma2, xi);
    /* alpha = (1 - b2) xi / (L sqrt(sigma2 + xi)): one rounding of an
       exact rational over one square root */
    fmpq_one(c);
    fmpq_sub(c, c, beta2);
    fmpq_mul(c, c, xi);
    fmpq_div(c, c, L);
    arb_set_fmpq(a, s, prec);
    arb_rsqrt(a, a, prec);
    arb_set_fmpq(b, c, prec);
    arb_mul(alpha, b, a, prec);
    /* T = [2 L (sigma2 + xi) / ((1 - b2) xi eps^2)] (f1 - fstar) */
    fmpq_one(c);
    fmpq_sub(c, c, beta2);
    fmpq_mul(c, c, xi);
    fmpq_mul(c, c, eps);
    fmpq_mul(c, c, eps);
    fmpq_mul(s, s, L);
    fmpq_mul_2exp(s, s, 1);
    fmpq_div(c, s, c);
    arb_set_fmpq(a, fstar, prec);
    arb_sub(a, f1, a, prec);
    arb_set_fmpq(b, c, prec);
    arb_mul(T, b, a, prec);
    arb_clear(a);
    arb_clear(b);
    fmpq_clear(s);
    fmpq_clear(c);
}

/* The constants: stated ones override the objective's. */
static void conv_constants(cpwl_convergence_result_t r,
                           const cpwl_objective_t O,
                           const cpwl_convergence_opts_t o)
{
    r->has_L = o->has_L || O->has_L;
    r->has_sigma2 = o->has_sigma2 || O->has_sigma2;
    r->has_fstar = o->has_fstar || O->has_fstar;
    fmpq_set(r->L, o->has_L ? o->L : O->L);
    fmpq_set(r->sigma2, o->has_sigma2 ? o->sigma2 : O->sigma2);
    fmpq_set(r->fstar, o->has_fstar ? o->fstar : O->fstar);
}

/* |grad f(x_t)|^2 as a ball at prec, the gradient evaluated afresh at
   R->x in R's arithmetic (g: dim scratch values).  Returns the
   objective's code: 0, 1 (failed), 2 (a sign it could not decide). */
static int conv_gnorm2(arb_t n2, cpwl_optim_t R, cpwl_val_ptr g, slong prec,
                       cpwl_err_t e)
{
    arb_t c;
    slong k;
    int ret = cpwl_objective_eval(NULL, g, R->x, NULL, 0, R->t, R->obj, R->A,
                                  e);
    if (ret != 0)
        return ret;
    arb_init(c);
    arb_zero(n2);
    for (k = 0; k < R->dim; k++)
    {
        cpwl_val_get_arb(c, g + k, R->A, prec);
        arb_sqr(c, c, prec);
        arb_add(n2, n2, c, prec);
    }
    arb_clear(c);
    return 0;
}

/* The verdict of "ball <= q". */
static cpwl_convergence_verdict conv_le(const arb_t x, const arb_t q)
{
    if (arb_le(x, q))
        return CPWL_CONVERGENCE_YES;
    if (arb_gt(x, q))
        return CPWL_CONVERGENCE_NO;
    return CPWL_CONVERGENCE_UNDECIDED;
}

/* ADAM: <g_t, m_t / (sqrt(v_t) + xi)> > 0 for the step just taken,
   recomputed in balls from the run's state (vmax for amsgrad). */
static cpwl_convergence_verdict conv_descent(const cpwl_optim_t R,
                                             const fmpq_t xi, slong prec)
{
    arb_t d, gk, mk, vk, x;
    slong k;
    cpwl_convergence_verdict v;
    arb_init(d);
    arb_init(gk);
    arb_init(mk);
    arb_init(vk);
    arb_init(x);
    arb_set_fmpq(x, xi, prec);
    for (k = 0; k < R->dim; k++)
    {
        cpwl_val_get_arb(gk, R->g + k, R->A, prec);
        cpwl_val_get_arb(mk, R->m + k, R->A, prec);
        cpwl_val_get_arb(vk, (R->opts->amsgrad ? R->vmax : R->v) + k, R->A,
                         prec);
        arb_sqrt(vk, vk, prec);
        arb_add(vk, vk, x, prec);
        arb_div(mk, mk, vk, prec);
        arb_addmul(d, gk, mk, prec);
    }
    if (arb_is_positive(d))
        v = CPWL_CONVERGENCE_YES;
    else if (arb_is_nonpositive(d))
        v = CPWL_CONVERGENCE_NO;
    else
        v = CPWL_CONVERGENCE_UNDECIDED;
    arb_clear(d);
    arb_clear(gk);
    arb_clear(mk);
    arb_clear(vk);
    arb_clear(x);
    return v;
}

/* The largest t the loop may reach: x_1 ... x_{max + 1}. */
static slong conv_max_steps(const cpwl_convergence_opts_t o, int adam,
                            const arb_t T)
{
    arf_t u;
    slong m;
    if (o->max_steps > 0)
        return o->max_steps;
    if (adam)
        return 100000;
    arf_init(u);
    arb_get_ubound_arf(u, T, 64);
    if (!arf_is_finite(u) || arf_cmp_si(u, 10000000) >= 0)
        m = 10000000;
    else
        m = arf_get_si(u, ARF_RND_FLOOR) + 1;
    arf_clear(u);
    return FLINT_MAX(m, 1);
}

/* q < 1 (the denominator is positive) */
static int conv_below_one(const fmpq_t q)
{
    return fmpz_cmp(fmpq_numref(q), fmpq_denref(q)) < 0;
}

static int conv_check_opts(const cpwl_convergence_result_t r,
                           const cpwl_objective_t O,
                           const cpwl_convergence_opts_t o, int adam,
                           cpwl_err_t e)
{
    if (O->online)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the convergence theorems "
                            "are about one function: objective %s is "
                            "online", O->name);
    if (!adam && !r->has_L)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the RMSProp theorem needs "
                            "`L` (the gradient's Lipschitz constant): not "
                            "known for objective %s, state it", O->name);
    if (!adam && !r->has_sigma2)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the RMSProp theorem needs "
                            "`sigma2` (a bound on |grad f|^2): not known "
                            "for objective %s, state it", O->name);
    if (!adam && !r->has_fstar)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the RMSProp theorem needs "
                            "`fstar` (a lower bound of f): not known for "
                            "objective %s, state it", O->name);
    if (!adam && fmpq_sgn(r->L) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`L` must be > 0");
    if (r->has_sigma2 && fmpq_sgn(r->sigma2) < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`sigma2` must be >= 0");
    if (adam ? fmpq_sgn(o->xi) < 0 : fmpq_sgn(o->xi) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`xi` must be %s 0",
                            adam ? ">=" : ">");
    if (fmpq_sgn(o->eps) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`eps` (the threshold on "
                            "|grad f|) must be > 0");
    if (fmpq_sgn(o->beta2) < 0 || !conv_below_one(o->beta2))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`beta2` must be in [0, 1)");
    if (adam && (fmpq_sgn(o->beta1) < 0 || !conv_below_one(o->beta1)))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`beta1` must be in [0, 1)");
    if (adam && fmpq_sgn(o->lr) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`lr` must be > 0");
    if (o->prec < 2)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`prec` must be >= 2");
    return CPWL_OK;
}

/* One attempt at precision prec; 0 or an error status. */
static int conv_attempt(cpwl_convergence_result_t r, cpwl_objective_t O,
                        const fmpq *x1, const cpwl_convergence_opts_t o,
                        int adam, slong prec, cpwl_err_t e)
{
    cpwl_optim_opts_t oo;
    cpwl_arith_t A;
    cpwl_optim_t R;
    cpwl_val_ptr g = NULL;
    cpwl_val_t f;
    arb_t eps2, s2, h;
    cpwl_err_t le;
    slong maxs, t;
    int status = CPWL_OK, have_R = 0;

    cpwl_optim_opts_init(oo);
    cpwl_err_init(le);
    cpwl_arith_init_arb(A, prec);
    cpwl_val_init(f, A);
    arb_init(eps2);
    arb_init(s2);
    arb_init(h);
    oo->algo = adam ? CPWL_OPTIM_ADAM : CPWL_OPTIM_RMSPROP;
    oo->form = CPWL_OPTIM_FORM_PAPER;
    oo->amsgrad = adam && o->amsgrad;
    fmpq_set(oo->beta1, o->beta1);
    fmpq_set(oo->beta2, o->beta2);
    fmpq_set(oo->xi, o->xi);
    /* RMSProp: a placeholder, replaced by the theorem's irrational step */
    if (adam)
        fmpq_set(oo->lr, o->lr);
    else
        fmpq_one(oo->lr);
    oo->steps = o->max_steps > 0 ? o->max_steps : 1;

    r->prec = prec;
    r->hit = r->steps = r->lost = r->undecided_t = 0;
    r->sigma_ok = r->has_sigma2 ? CPWL_CONVERGENCE_YES
        : CPWL_CONVERGENCE_UNDECIDED;
    r->sigma_t = 0;
    r->descent = CPWL_CONVERGENCE_YES;
    r->descent_t = 0;
    r->hit_le_T = CPWL_CONVERGENCE_UNDECIDED;
    arb_zero(r->gnorm2);

    if ((status = cpwl_optim_init(R, oo, O, x1, A, e)) != CPWL_OK)
        goto done;
    have_R = 1;
    g = cpwl_val_vec_init(R->dim, A);
    /* f(x_1) at the (projected) starting point */
    if (cpwl_objective_eval(f, NULL, R->x, NULL, 0, 1, O, A, le))
    {
        status = cpwl_err_set(e, le->status != CPWL_OK ? le->status
                              : CPWL_ERR_INTERNAL, "%s", le->msg);
        goto done;
    }
    cpwl_val_get_arb(r->f1, f, A, prec);
    if (adam)
    {
        arb_set_fmpq(r->alpha, o->lr, prec);
        r->has_T = 0;
        arb_zero(r->T);
    }
    else
    {
        cpwl_convergence_rmsprop_bound(r->alpha, r->T, r->L, r->sigma2,
                                       o->xi, o->beta2, r->f1, r->fstar,
                                       o->eps, prec);
        r->has_T = 1;
        cpwl_optim_set_lr_arb(R, r->alpha);
    }
    maxs = conv_max_steps(o, adam, r->T);
    arb_set_fmpq(eps2, o->eps, prec);
    arb_sqr(eps2, eps2, prec);
    arb_set_fmpq(s2, r->sigma2, prec);

    for (;;)
    {
        int ret;
        t = R->t;
        if (!cpwl_optim_enclosure_ok(R, o->rel))
        {
            r->lost = t;
            break;
        }
        /* an error object of our own: a sign the objective cannot
           decide (2) is a lost enclosure, not an error */
        cpwl_err_clear(le);
        cpwl_err_init(le);
        ret = conv_gnorm2(r->gnorm2, R, g, prec, le);
        if (ret == 0 && r->has_sigma2 && r->sigma_ok == CPWL_CONVERGENCE_YES)
        {
            cpwl_convergence_verdict v = conv_le(r->gnorm2, s2);
            if (v != CPWL_CONVERGENCE_YES)
            {
                r->sigma_ok = v;
                r->sigma_t = t;
            }
        }
        if (ret == 0 && arb_le(r->gnorm2, eps2))
        {
            r->hit = t;
            break;
        }
        if (ret == 0 && r->undecided_t == 0 && !arb_gt(r->gnorm2, eps2))
            r->undecided_t = t;
        if (ret == 0 && r->steps >= maxs)
            break;
        if (ret == 0)
            ret = cpwl_optim_step(R, le);
        if (ret == 2)
        {
            r->lost = t;
            break;
        }
        if (ret != 0)
        {
            status = cpwl_err_set(e, le->status != CPWL_OK ? le->status
                                  : CPWL_ERR_INTERNAL, "%s", le->msg);
            goto done;
        }
        r->steps++;
        if (adam && r->descent == CPWL_CONVERGENCE_YES)
        {
            cpwl_convergence_verdict v = conv_descent(R, o->xi, prec);
            if (v != CPWL_CONVERGENCE_YES)
            {
                r->descent = v;
                r->descent_t = t;
            }
        }
    }
    if (!adam && r->hit > 0)
    {
        arb_set_si(h, r->hit);
        r->hit_le_T = conv_le(h, r->T);
    }

done:
    if (g != NULL)
        cpwl_val_vec_clear(g, R->dim, A);
    if (have_R)
        cpwl_optim_clear(R);
    arb_clear(eps2);
    arb_clear(s2);
    arb_clear(h);
    cpwl_val_clear(f, A);
    cpwl_arith_clear(A);
    cpwl_optim_opts_clear(oo);
    cpwl_err_clear(le);
    return status;
}

static int conv_run(cpwl_convergence_result_t r, cpwl_objective_t O,
                    const fmpq *x1, const cpwl_convergence_opts_t o,
                    int adam, cpwl_err_t e)
{
    slong prec;
    int status;
    conv_constants(r, O, o);
    if ((status = conv_check_opts(r, O, o, adam, e)) != CPWL_OK)
        return status;
    for (prec = o->prec; ; prec *= 2)
    {
        status = conv_attempt(r, O, x1, o, adam, prec, e);
        if (status != CPWL_OK || r->lost == 0 || 2 * prec > o->max_prec)
            return status;
    }
}

int cpwl_convergence_rmsprop(cpwl_convergence_result_t r,
                             cpwl_objective_t O, const fmpq *x1,
                             const cpwl_convergence_opts_t o, cpwl_err_t e)
{
    return conv_run(r, O, x1, o, 0, e);
}

int cpwl_convergence_adam(cpwl_convergence_result_t r, cpwl_objective_t O,
                          const fmpq *x1, const cpwl_convergence_opts_t o,
                          cpwl_err_t e)
{
    return conv_run(r, O, x1, o, 1, e);
}
