/* l1 and hinge (see qp.c) through LPs solved by cddlib. */
#include "qp_impl.h"

/* ---- l1 and hinge: LPs --------------------------------------------- */

/* The LP in (theta, e), e one variable per point, minimising sum e_i:
     l1:    e_i - M_i theta + y_i >= 0,  e_i + M_i theta - y_i >= 0;
     hinge: e_i >= 0,                    e_i + y_i M_i theta - 1 >= 0;
   then the rows of G (with_G).  Rows 2i, 2i+1 belong to point i. */
void qp_lp_loss_build(lp_t L, fmpq *obj, const cpwl_qp_t P, int with_G)
{
    slong k = P->k, D = P->D, d = k + D, i, j;
    fmpq *r;

    for (i = 0; i < D; i++)
    {
        const fmpq *yi = P->y + i;
        if (P->loss == CPWL_QP_L1)
        {
            r = lp_add_row_zero(L, 0);
            for (j = 0; j < k; j++)
                fmpq_neg(r + j, fmpq_mat_entry(P->M, i, j));
            fmpq_one(r + k + i);
            fmpq_set(r + d, yi);
            r = lp_add_row_zero(L, 0);
            for (j = 0; j < k; j++)
                fmpq_set(r + j, fmpq_mat_entry(P->M, i, j));
            fmpq_one(r + k + i);
            fmpq_neg(r + d, yi);
        }
        else
        {
            r = lp_add_row_zero(L, 0);
            fmpq_one(r + k + i);
            r = lp_add_row_zero(L, 0);
            for (j = 0; j < k; j++)
                fmpq_mul(r + j, yi, fmpq_mat_entry(P->M, i, j));
            fmpq_one(r + k + i);
            fmpq_set_si(r + d, -1, 1);
        }
    }
    for (i = 0; with_G && i < P->m; i++)
    {
        r = lp_add_row_zero(L, 0);
        for (j = 0; j < k; j++)
            fmpq_set(r + j, fmpq_mat_entry(P->G, i, j));
    }
    qvec_zero(obj, d + 1);
    for (i = 0; i < D; i++)
        fmpq_one(obj + k + i);
}

/* The loss at theta, exactly. */
static void loss_value(fmpq_t v, const cpwl_qp_t P, const fmpq *theta)
{
    slong i, j;
    fmpq_t p, t;
    fmpq_init(p);
    fmpq_init(t);
    fmpq_zero(v);
    for (i = 0; i < P->D; i++)
    {
        fmpq_zero(p);
        for (j = 0; j < P->k; j++)
            if (!fmpq_is_zero(fmpq_mat_entry(P->M, i, j)))
                fmpq_addmul(p, fmpq_mat_entry(P->M, i, j), theta + j);
        switch (P->loss)
        {
            case CPWL_QP_SQUARED:
                fmpq_sub(t, p, P->y + i);
                fmpq_addmul(v, t, t);
                break;
            case CPWL_QP_L1:
                fmpq_sub(t, p, P->y + i);
                fmpq_abs(t, t);
                fmpq_add(v, v, t);
                break;
            default:
                fmpq_mul(t, P->y + i, p);
                fmpq_sub_si(t, t, 1);
                if (fmpq_sgn(t) < 0)
                    fmpq_sub(v, v, t);
        }
    }
    fmpq_clear(p);
    fmpq_clear(t);
}

/* The dual LP in (mu, lambda): M^T mu - G^T lambda = 0 (l1) or
   M^T (y o mu) + G^T lambda = 0 (hinge), lambda >= 0, mu in [-1, 1]
   (l1) or [0, 1] (hinge); maximise -y.mu (l1) or sum mu (hinge).  By weak
   duality its optimum never exceeds the loss; at equality mu, lambda are
   multipliers for every optimal theta. */
static int lp_loss_dual(cpwl_qp_sol_t Sol, const cpwl_qp_t P)
{
    slong k = P->k, D = P->D, m = P->m, d = D + m, i, j;
    fmpq *obj = qv_new(d + 1), *x = qv_new(d), *r;
    fmpq_t opt;
    lp_t L;
    int st;

    fmpq_init(opt);
    lp_init(L, d);
    for (i = 0; i < D; i++)
    {
        r = lp_add_row_zero(L, 0);
        fmpq_set_si(r + i, -1, 1);
        fmpq_one(r + d);
        r = lp_add_row_zero(L, 0);
        fmpq_one(r + i);
        if (P->loss == CPWL_QP_L1)
            fmpq_one(r + d);
        if (P->loss == CPWL_QP_L1)
            fmpq_neg(obj + i, P->y + i);
        else
            fmpq_one(obj + i);
    }
    for (i = 0; i < m; i++)
    {
        r = lp_add_row_zero(L, 0);
        fmpq_one(r + D + i);
    }
    for (j = 0; j < k; j++)
    {
        r = lp_add_row_zero(L, 1);
        for (i = 0; i < D; i++)
        {
            if (P->loss == CPWL_QP_L1)
                fmpq_set(r + i, fmpq_mat_entry(P->M, i, j));
            else
                fmpq_mul(r + i, P->y + i, fmpq_mat_entry(P->M, i, j));
        }
        for (i = 0; i < m; i++)
        {
            if (P->loss == CPWL_QP_L1)
                fmpq_neg(r + D + i, fmpq_mat_entry(P->G, i, j));
            else
                fmpq_set(r + D + i, fmpq_mat_entry(P->G, i, j));
        }
    }
    st = lp_optimize(opt, x, L, obj, 1);
    if (st == LP_OPTIMAL)
    {
        qvec_set(Sol->mu, x, D);
        qvec_set(Sol->lambda, x + D, m);
    }
    lp_clear(L);
    qv_free(obj, d + 1);
    qv_free(x, d);
    fmpq_clear(opt);
    return st == LP_OPTIMAL;
}

/* l1/hinge.  fast: the simplex in doubles with an exact certificate;
   then (and on the reference path) cddlib with its dual solution,
   checked; when that fails, the dual LP for the multipliers. */
int qp_solve_lp(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int fast, cpwl_err_t e)
{
    slong k = P->k, D = P->D, m = P->m, d = k + D, i;
    fmpq *obj, *x, *u;
    fmpq_t opt;
    lp_t L;
    const char *why = "";
    int st, status = CPWL_OK;

    Sol->iterations = 0;
    Sol->by_double = 0;
    if (fast && qp_pl_solve(Sol, P, 1, &Sol->iterations))
    {
        Sol->by_double = 1;
        return CPWL_OK;
    }
    obj = qv_new(d + 1);
    x = qv_new(d);
    u = qv_new(2 * D + m);
    fmpq_init(opt);
    lp_init(L, d);
    qp_lp_loss_build(L, obj, P, 1);
    Sol->iterations++;
    st = lp_optimize_dual(opt, x, u, L, obj, 0);
    if (st != LP_OPTIMAL)
    {
        status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: the exact LP of the %s "
                              "loss failed (status %d)",
                              P->loss == CPWL_QP_L1 ? "l1" : "hinge", st);
        goto done;
    }
    qvec_set(Sol->theta, x, k);
    loss_value(Sol->value, P, Sol->theta);
    if (!fmpq_equal(Sol->value, opt))
    {
        status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: LP optimum differs from "
                              "the loss at its point");
        goto done;
    }
    for (i = 0; i < D; i++)
    {
        if (P->loss == CPWL_QP_L1)
            fmpq_sub(Sol->mu + i, u + 2 * i, u + 2 * i + 1);
        else
            fmpq_set(Sol->mu + i, u + 2 * i + 1);
    }
    qvec_set(Sol->lambda, u + 2 * D, m);
    if (!cpwl_qp_check(Sol, P, &why))
    {
        Sol->iterations++;
        if (!lp_loss_dual(Sol, P) || !cpwl_qp_check(Sol, P, &why))
            status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: no exact "
                                  "certificate for the LP optimum (%s)", why);
    }
done:
    lp_clear(L);
    qv_free(obj, d + 1);
    qv_free(x, d);
    qv_free(u, 2 * D + m);
    fmpq_clear(opt);
    return status;
}
