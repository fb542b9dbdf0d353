/* The exact convex subproblems of ERM (see cpwl/qp.h).

   Optimality certificates.  cpwl_qp_check verifies, in exact arithmetic, with
   r = M theta - y and g = G theta:

     all losses:  g >= 0,  lambda >= 0,  lambda_i g_i = 0,
                  value = f(theta);
     squared:     f = sum r_i^2,  2 M^T r = G^T lambda,  mu = 0;
     l1:          f = sum |r_i|,  M^T mu = G^T lambda,  |mu_i| <= 1,
                  mu_i = sign(r_i) where r_i != 0;
     hinge:       f = sum max(0, t_i) with t_i = 1 - y_i (M theta)_i,
                  -M^T (mu o y) = G^T lambda,  0 <= mu_i <= 1,
                  mu_i = 1 where t_i > 0, mu_i = 0 where t_i < 0.

   Each is sufficient for optimality: 2 M^T r (resp. M^T mu,
   -M^T (mu o y)) is a subgradient s of f at theta, so for every feasible
   theta', f(theta') >= f(theta) + s.(theta' - theta)
   = f(theta) + lambda.(G theta') - lambda.g >= f(theta).

   Squared loss.  Columns of M, the targets and the rows of G are first
   scaled to integers: M = Mz Dc^-1, y = yz / dy, and Gz_i = r_i G_i Dc
   (r_i > 0).  With theta = Dc w / dy the problem becomes
       minimise Q(w) = ||Mz w - yz||^2 = w^T H w - 2 c^T w + yy
       subject to Gz w >= 0,
   H = Mz^T Mz, c = Mz^T yz, yy = yz.yz; f(theta) = Q(w) / dy^2.  Its KKT
   system for a working set W (rows at equality) is
       H w - Gz_W^T nu = c,   Gz_W w = 0,
   and then lambda_i = 2 nu_i r_i / dy.  The dual active-set method of
   Goldfarb and Idnani in doubles (on H + eps I, strictly convex)
   proposes W; the KKT system for W is solved exactly by fraction-free
   elimination (it may be singular: H is only semidefinite) and accepted
   when Gz w >= 0 and nu >= 0 exactly.  Otherwise a primal active-set
   method runs in exact arithmetic from a feasible point.  It is finite:
   between two points where w minimises Q on the subspace of W, Q
   strictly decreases (after dropping a row with nu_j < 0 at a
   nondegenerate point, or after a step along a descent direction found
   by an exact LP at a degenerate one), and that minimum is a function of
   W, so no W comes back.

   l1 and hinge.  The loss is convex piecewise linear in the k parameters:
   a simplex method in theta-space in doubles (a basis of k hyperplanes,
   long steps across breakpoints, perturbed right-hand sides against
   cycling) proposes an optimal basis; theta and the multipliers of that
   basis are computed exactly and every condition is checked exactly.
   Otherwise the LP with one variable e_i per data point is solved by
   cddlib (lp_optimize_dual), mu and lambda are read off its dual
   solution and checked, and if they fail the dual LP is solved. */
#include "qp_impl.h"

void cpwl_qp_init(cpwl_qp_t P, cpwl_qp_loss loss, slong k, slong D, slong m)
{
    P->loss = loss;
    P->k = k;
    P->D = D;
    P->m = m;
    fmpq_mat_init(P->M, D, k);
    P->y = qv_new(D);
    fmpq_mat_init(P->G, m, k);
}

void cpwl_qp_clear(cpwl_qp_t P)
{
    fmpq_mat_clear(P->M);
    qv_free(P->y, P->D);
    fmpq_mat_clear(P->G);
}

void cpwl_qp_sol_init(cpwl_qp_sol_t S, const cpwl_qp_t P)
{
    fmpq_init(S->value);
    S->k = P->k;
    S->m = P->m;
    S->D = P->D;
    S->theta = qv_new(S->k);
    S->lambda = qv_new(S->m);
    S->mu = qv_new(S->D);
    S->iterations = 0;
    S->by_double = 0;
}

void cpwl_qp_sol_clear(cpwl_qp_sol_t S)
{
    fmpq_clear(S->value);
    qv_free(S->theta, S->k);
    qv_free(S->lambda, S->m);
    qv_free(S->mu, S->D);
}

/* ---- the problem in integers ----------------------------------------- */

/* v * (s / den(v)) for the integer scale s, a multiple of den(v). */
void qp_scale_to_int(fmpz_t r, const fmpq_t v, const fmpz_t s, fmpz_t t)
{
    if (fmpz_is_one(fmpq_denref(v)))
        fmpz_mul(r, fmpq_numref(v), s);
    else
    {
        fmpz_divexact(t, s, fmpq_denref(v));
        fmpz_mul(r, fmpq_numref(v), t);
    }
}

void qp_zq_init(zq_struct *S, const cpwl_qp_t P, int with_gram, int with_G)
{
    slong k = P->k, D = P->D, m = P->m, i, j, l, nn;
    fmpz *Mz = zv_new(D * k), *yz = zv_new(D);
    slong *nz = flint_malloc(FLINT_MAX(k, 1) * sizeof(slong));
    fmpz_t t, t2, L;

    fmpz_init(t);
    fmpz_init(t2);
    fmpz_init(L);
    S->k = k;
    S->D = D;
    S->m = m;
    S->Mz = Mz;
    S->yz = yz;
    S->H = zv_new(k * k);
    S->c = zv_new(k);
    fmpz_init(S->yy);
    S->dc = zv_new(k);
    fmpz_init(S->dy);
    S->G = NULL;
    S->galloc = 0;
    S->zero = NULL;

    /* common denominators: per column of M, and of y */
    for (j = 0; j < k; j++)
        fmpz_one(S->dc + j);
    for (i = 0; i < D; i++)
        for (j = 0; j < k; j++)
        {
            const fmpz *den = fmpq_denref(fmpq_mat_entry(P->M, i, j));
            if (!fmpz_is_one(den))
                fmpz_lcm(S->dc + j, S->dc + j, den);
        }
    fmpz_one(S->dy);
    for (i = 0; i < D; i++)
        if (!fmpz_is_one(fmpq_denref(P->y + i)))
            fmpz_lcm(S->dy, S->dy, fmpq_denref(P->y + i));
    for (i = 0; i < D; i++)
    {
        for (j = 0; j < k; j++)
            qp_scale_to_int(Mz + i * k + j, fmpq_mat_entry(P->M, i, j),
                            S->dc + j, t);
        qp_scale_to_int(yz + i, P->y + i, S->dy, t);
    }

    /* the Gram matrix, row by row over the nonzero entries (M is sparse:
       a unit contributes only on its active points) */
    for (i = 0; with_gram && i < D; i++)
    {
        const fmpz *row = Mz + i * k;
        nn = 0;
        for (j = 0; j < k; j++)
            if (!fmpz_is_zero(row + j))
                nz[nn++] = j;
        for (j = 0; j < nn; j++)
        {
            for (l = j; l < nn; l++)
                fmpz_addmul(S->H + nz[j] * k + nz[l], row + nz[j],
                            row + nz[l]);
            fmpz_addmul(S->c + nz[j], row + nz[j], yz + i);
        }
        fmpz_addmul(S->yy, yz + i, yz + i);
    }
    for (j = 0; j < k; j++)
        for (l = 0; l < j; l++)
            fmpz_set(S->H + j * k + l, S->H + l * k + j);

    if (with_G)
    {
        S->G = zv_new(m * k);
        S->galloc = m;
        S->zero = flint_malloc(FLINT_MAX(m, 1));
        for (i = 0; i < m; i++)
        {
            fmpz *g = S->G + i * k;
            /* the row G_i Dc, times the lcm L of its denominators */
            fmpz_one(L);
            for (j = 0; j < k; j++)
            {
                const fmpq *v = fmpq_mat_entry(P->G, i, j);
                if (!fmpz_is_one(fmpq_denref(v)) && !fmpq_is_zero(v))
                {
                    fmpz_gcd(t, fmpq_denref(v), S->dc + j);
                    fmpz_divexact(t, fmpq_denref(v), t);
                    fmpz_lcm(L, L, t);
                }
            }
            for (j = 0; j < k; j++)
            {
                const fmpq *v = fmpq_mat_entry(P->G, i, j);
                /* den(v) divides dc_j L by the choice of L */
                fmpz_mul(t, S->dc + j, L);
                qp_scale_to_int(g + j, v, t, t2);
            }
            _fmpz_vec_content(t, g, k);
            S->zero[i] = fmpz_is_zero(t);
            if (!S->zero[i] && !fmpz_is_one(t))
                _fmpz_vec_scalar_divexact_fmpz(g, g, k, t);
        }
    }
    flint_free(nz);
    fmpz_clear(t);
    fmpz_clear(t2);
    fmpz_clear(L);
}

void qp_zq_clear(zq_struct *S)
{
    zv_free(S->Mz, S->D * S->k);
    zv_free(S->yz, S->D);
    zv_free(S->H, S->k * S->k);
    zv_free(S->c, S->k);
    fmpz_clear(S->yy);
    zv_free(S->dc, S->k);
    fmpz_clear(S->dy);
    if (S->G != NULL)
    {
        zv_free(S->G, S->galloc * S->k);
        flint_free(S->zero);
    }
}

/* r_l = Gz_lj / (G_lj dc_j) for a nonzero entry: Gz_l = r_l G_l Dc. */
void qp_zq_row_scale(fmpq_t r, const cpwl_qp_t P, const zq_struct *Z, slong l)
{
    slong j, k = Z->k;
    for (j = 0; j < k; j++)
        if (!fmpq_is_zero(fmpq_mat_entry(P->G, l, j)))
            break;
    fmpq_set_fmpz_frac(r, Z->G + l * k + j, Z->dc + j);
    fmpq_div(r, r, fmpq_mat_entry(P->G, l, j));
}

/* min_w Q(w) / dy^2, i.e. min ||M theta - y||^2: the Schur complement of
   H in the bordered Gram matrix B = [[H, c], [c^T, yy]] (of [Mz | yz]),
   by symmetric fraction-free elimination.  B is positive semidefinite,
   so a zero diagonal entry of a Schur complement means a zero row, which
   is simply skipped; no other pivoting is needed. */
static void sq_ls_value(fmpq_t v, const zq_struct *S)
{
    slong k = S->k, n = k + 1, i, j, p;
    fmpz *A = _fmpz_vec_init(n * n);
    unsigned char *done = flint_calloc(n, 1);
    fmpz_t prev, t;

    fmpz_init_set_ui(prev, 1);
    fmpz_init(t);
    for (i = 0; i < k; i++)
    {
        for (j = 0; j < k; j++)
            fmpz_set(A + i * n + j, S->H + i * k + j);
        fmpz_set(A + i * n + k, S->c + i);
        fmpz_set(A + k * n + i, S->c + i);
    }
    fmpz_set(A + k * n + k, S->yy);
    for (;;)
    {
        for (p = 0; p < k; p++)
            if (!done[p] && !fmpz_is_zero(A + p * n + p))
                break;
        if (p == k)
            break;
        done[p] = 1;
        /* upper triangle of the remaining rows (the border included) */
        for (i = 0; i < n; i++)
        {
            if (done[i])
                continue;
            for (j = i; j < n; j++)
            {
                if (done[j])
                    continue;
                fmpz_mul(t, A + p * n + p, A + i * n + j);
                fmpz_submul(t, A + i * n + p, A + p * n + j);
                fmpz_divexact(A + i * n + j, t, prev);
            }
        }
        for (i = 0; i < n; i++)
            for (j = 0; j < i; j++)
                if (!done[i] && !done[j])
                    fmpz_set(A + i * n + j, A + j * n + i);
        fmpz_set(prev, A + p * n + p);
    }
    fmpz_mul(t, S->dy, S->dy);
    fmpz_mul(t, t, prev);
    fmpq_set_fmpz_frac(v, A + k * n + k, t);
    _fmpz_vec_clear(A, n * n);
    flint_free(done);
    fmpz_clear(prev);
    fmpz_clear(t);
}

static int qp_solve_with(cpwl_qp_sol_t S, const cpwl_qp_t P, int fast, cpwl_err_t e)
{
    if (S->k != P->k || S->m != P->m || S->D != P->D)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_qp_solve: solution sized for "
                            "another problem");
    if (P->loss == CPWL_QP_SQUARED)
        return qp_solve_squared(S, P, fast, e);
    return qp_solve_lp(S, P, fast, e);
}

int cpwl_qp_solve(cpwl_qp_sol_t S, const cpwl_qp_t P, cpwl_err_t e)
{
    return qp_solve_with(S, P, 1, e);
}

int cpwl_qp_solve_exact(cpwl_qp_sol_t S, const cpwl_qp_t P, cpwl_err_t e)
{
    return qp_solve_with(S, P, 0, e);
}

void cpwl_qp_lower_bound(fmpq_t lb, const cpwl_qp_t P)
{
    if (P->loss == CPWL_QP_SQUARED)
    {
        zq_struct S;
        qp_zq_init(&S, P, 1, 0);
        sq_ls_value(lb, &S);
        qp_zq_clear(&S);
    }
    else
    {
        slong d = P->k + P->D, it = 0;
        cpwl_qp_sol_t S;
        cpwl_qp_sol_init(S, P);
        if (qp_pl_solve(S, P, 0, &it))
            fmpq_set(lb, S->value);
        else
        {
            fmpq *obj = qv_new(d + 1);
            lp_t L;
            lp_init(L, d);
            qp_lp_loss_build(L, obj, P, 0);
            /* bounded (the loss is >= 0) and feasible: anything else is
               a solver failure, and 0 is still a valid bound */
            if (lp_optimize(lb, NULL, L, obj, 0) != LP_OPTIMAL)
                fmpq_zero(lb);
            lp_clear(L);
            qv_free(obj, d + 1);
        }
        cpwl_qp_sol_clear(S);
    }
}

/* ---- the exact check ----------------------------------------------- */

int cpwl_qp_check(const cpwl_qp_sol_t S, const cpwl_qp_t P, const char **why)
{
    slong k = P->k, D = P->D, m = P->m, i, j;
    fmpq *g, *st;
    fmpq_t p, t, v;
    const char *reason = NULL;

    if (S->k != k || S->m != m || S->D != D)
    {
        if (why != NULL)
            *why = "dimensions differ from the problem's";
        return 0;
    }
    g = qv_new(m);
    st = qv_new(k);
    fmpq_init(p);
    fmpq_init(t);
    fmpq_init(v);

    /* primal feasibility, dual feasibility, complementary slackness */
    for (i = 0; i < m && reason == NULL; i++)
    {
        for (j = 0; j < k; j++)
            fmpq_addmul(g + i, fmpq_mat_entry(P->G, i, j), S->theta + j);
        if (fmpq_sgn(g + i) < 0)
            reason = "G theta >= 0 violated";
        else if (fmpq_sgn(S->lambda + i) < 0)
            reason = "a multiplier lambda is negative";
        else if (!fmpq_is_zero(S->lambda + i) && !fmpq_is_zero(g + i))
            reason = "complementary slackness violated (lambda_i g_i != 0)";
    }
    /* the loss, the subgradient's conditions and st = M^T (its weights) */
    fmpq_zero(v);
    for (i = 0; i < D && reason == NULL; i++)
    {
        const fmpq *mu = S->mu + i;
        fmpq_zero(p);
        for (j = 0; j < k; j++)
            fmpq_addmul(p, fmpq_mat_entry(P->M, i, j), S->theta + j);
        switch (P->loss)
        {
            case CPWL_QP_SQUARED:
                if (!fmpq_is_zero(mu))
                    reason = "mu must be 0 for the squared loss";
                fmpq_sub(t, p, P->y + i);
                fmpq_addmul(v, t, t);
                fmpq_mul_2exp(t, t, 1);
                break;
            case CPWL_QP_L1:
                fmpq_sub(t, p, P->y + i);
                if (fmpz_cmpabs(fmpq_numref(mu), fmpq_denref(mu)) > 0)
                    reason = "mu outside [-1, 1]";
                else if (fmpq_sgn(t) != 0 && !(fmpq_sgn(mu) == fmpq_sgn(t)
                                               && fmpq_is_pm1(mu)))
                    reason = "mu_i != sign(r_i) at a point with r_i != 0";
                fmpq_abs(t, t);
                fmpq_add(v, v, t);
                fmpq_set(t, mu);
                break;
            default:
                /* t = 1 - y_i p_i */
                fmpq_mul(t, P->y + i, p);
                fmpq_sub_si(t, t, 1);
                fmpq_neg(t, t);
                if (fmpq_sgn(mu) < 0 || fmpq_cmp_si(mu, 1) > 0)
                    reason = "mu outside [0, 1]";
                else if (fmpq_sgn(t) > 0 && !fmpq_is_one(mu))
                    reason = "mu_i != 1 at a point with a positive hinge";
                else if (fmpq_sgn(t) < 0 && !fmpq_is_zero(mu))
                    reason = "mu_i != 0 at a point beyond the margin";
                if (fmpq_sgn(t) > 0)
                    fmpq_add(v, v, t);
                fmpq_mul(t, mu, P->y + i);
                fmpq_neg(t, t);
        }
        for (j = 0; j < k; j++)
            fmpq_addmul(st + j, fmpq_mat_entry(P->M, i, j), t);
    }
    if (reason == NULL && !fmpq_equal(v, S->value))
        reason = "value is not the loss at theta";
    for (j = 0; j < k && reason == NULL; j++)
    {
        for (i = 0; i < m; i++)
            if (!fmpq_is_zero(S->lambda + i))
                fmpq_submul(st + j, fmpq_mat_entry(P->G, i, j),
                            S->lambda + i);
        if (!fmpq_is_zero(st + j))
            reason = "stationarity violated (the subgradient is not "
                     "G^T lambda)";
    }
    qv_free(g, m);
    qv_free(st, k);
    fmpq_clear(p);
    fmpq_clear(t);
    fmpq_clear(v);
    if (why != NULL)
        *why = reason == NULL ? "ok" : reason;
    return reason == NULL;
}
