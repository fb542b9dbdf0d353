/* Tests of the exact ERM subproblems (cpwl/qp.h): hand-solved QPs and
   LPs, cpwl_qp_check accepting the solutions and rejecting perturbed ones, and
   seeded random problems against independent brute force (squared: every
   subset of constraint rows at equality, solved with FLINT's fmpq_mat
   and an LP feasibility test; l1/hinge: the LP written out directly and
   solved by lp_optimize). */
#include "testutil.h"
#include "qvec.h"
#include "cpwl/qp.h"

#define SEED 20260514

static void set_q(fmpq_t q, slong p, ulong d)
{
    fmpq_set_si(q, p, d);
}

/* A one-unit cell in 1-D: theta = (a, b), the unit v relu(a x + b)
   active on the points with act[i] = 1; G rows +-(x_i, 1). */
static void one_unit(cpwl_qp_t P, cpwl_qp_loss loss, const slong *x, const slong *y,
                     const int *act, slong D, slong v)
{
    slong i;
    cpwl_qp_init(P, loss, 2, D, D);
    for (i = 0; i < D; i++)
    {
        if (act[i])
        {
            set_q(fmpq_mat_entry(P->M, i, 0), v * x[i], 1);
            set_q(fmpq_mat_entry(P->M, i, 1), v, 1);
        }
        set_q(P->y + i, y[i], 1);
        set_q(fmpq_mat_entry(P->G, i, 0), act[i] ? x[i] : -x[i], 1);
        set_q(fmpq_mat_entry(P->G, i, 1), act[i] ? 1 : -1, 1);
    }
}

/* cpwl_qp_solve, checked, and cpwl_qp_solve_exact: certified, same value. */
static void solve_ok(cpwl_qp_sol_t S, const cpwl_qp_t P)
{
    cpwl_err_t e;
    const char *why;
    cpwl_qp_sol_t X;
    cpwl_err_init(e);
    cpwl_qp_sol_init(X, P);
    ck_assert_msg(cpwl_qp_solve(S, P, e) == CPWL_OK, "qp_solve: %s", e->msg);
    ck_assert_msg(cpwl_qp_check(S, P, &why), "qp_check rejects qp_solve's "
                  "answer: %s", why);
    ck_assert_msg(cpwl_qp_solve_exact(X, P, e) == CPWL_OK, "qp_solve_exact: %s",
                  e->msg);
    ck_assert_msg(cpwl_qp_check(X, P, &why), "qp_check rejects qp_solve_exact's "
                  "answer: %s", why);
    ck_assert(fmpq_equal(S->value, X->value));
    cpwl_qp_sol_clear(X);
    cpwl_err_clear(e);
}

static int value_is(const cpwl_qp_sol_t S, slong p, ulong q)
{
    fmpq_t v;
    int r;
    fmpq_init(v);
    fmpq_set_si(v, p, q);
    r = fmpq_equal(v, S->value);
    fmpq_clear(v);
    return r;
}

/* Perturbations that must be rejected. */
static void check_rejects(const cpwl_qp_sol_t S0, const cpwl_qp_t P)
{
    cpwl_qp_sol_t S;
    slong i, j;
    const char *why;

    cpwl_qp_sol_init(S, P);
    fmpq_set(S->value, S0->value);
    for (j = 0; j < P->k; j++)
        fmpq_set(S->theta + j, S0->theta + j);
    for (i = 0; i < P->m; i++)
        fmpq_set(S->lambda + i, S0->lambda + i);
    for (i = 0; i < P->D; i++)
        fmpq_set(S->mu + i, S0->mu + i);
    ck_assert(cpwl_qp_check(S, P, &why));

    /* the value */
    fmpq_add_si(S->value, S->value, 1);
    ck_assert(!cpwl_qp_check(S, P, &why));
    fmpq_sub_si(S->value, S->value, 1);
    fmpq_div_2exp(S->value, S->value, 1);
    if (!fmpq_is_zero(S->value))
        ck_assert(!cpwl_qp_check(S, P, &why));
    fmpq_set(S->value, S0->value);

    /* a multiplier of a nonzero row of G: stationarity (or
       complementarity) breaks */
    for (i = 0; i < P->m; i++)
    {
        for (j = 0; j < P->k; j++)
            if (!fmpq_is_zero(fmpq_mat_entry(P->G, i, j)))
                break;
        if (j == P->k)
            continue;
        fmpq_add_si(S->lambda + i, S->lambda + i, 1);
        ck_assert_msg(!cpwl_qp_check(S, P, &why), "lambda_%ld + 1 accepted",
                      (long) i);
        fmpq_sub_si(S->lambda + i, S->lambda + i, 2);
        ck_assert(!cpwl_qp_check(S, P, &why));
        fmpq_set(S->lambda + i, S0->lambda + i);
    }
    /* mu: any change for the squared loss; out of range for l1/hinge */
    if (P->D > 0)
    {
        fmpq_add_si(S->mu, S->mu, 3);
        ck_assert(!cpwl_qp_check(S, P, &why));
        fmpq_set(S->mu, S0->mu);
    }
    ck_assert(cpwl_qp_check(S, P, &why));
    cpwl_qp_sol_clear(S);
}

static const slong X3[3] = { -1, 0, 1 }, Y3[3] = { 1, 0, 1 };

START_TEST(test_sq_unconstrained_optimum)
{
    /* active on all three points: least squares a = 0, b = 2/3, value
       2/3, feasible, so lambda = 0 */
    static const int act[3] = { 1, 1, 1 };
    cpwl_qp_t P;
    cpwl_qp_sol_t S;
    fmpq_t lb;
    one_unit(P, CPWL_QP_SQUARED, X3, Y3, act, 3, 1);
    cpwl_qp_sol_init(S, P);
    fmpq_init(lb);
    solve_ok(S, P);
    ck_assert(value_is(S, 2, 3));
    ck_assert(fmpq_is_zero(S->theta));
    fmpq_set_si(lb, 2, 3);
    ck_assert(fmpq_equal(S->theta + 1, lb));
    ck_assert(qvec_is_zero(S->lambda, 3));
    cpwl_qp_lower_bound(lb, P);
    ck_assert(value_is(S, 2, 3) && fmpq_equal(lb, S->value));
    check_rejects(S, P);
    /* a perturbed theta no longer has the stated value */
    fmpq_add_si(S->theta, S->theta, 1);
    ck_assert(!cpwl_qp_check(S, P, NULL));
    fmpq_clear(lb);
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);
}
END_TEST

START_TEST(test_sq_binding)
{
    /* data (-1,1), (0,-1), (1,1), unit active on x = 0, 1: minimise
       (b+1)^2 + (a+b-1)^2 + 1 with a - b >= 0, b >= 0, a + b >= 0.  The
       unconstrained optimum (2, -1) is infeasible; on b = 0 the best is
       a = 1: value 2, gradient (0, 2) = 2 (0, 1): lambda = 2 on b >= 0 */
    static const int act[3] = { 0, 1, 1 };
    static const slong y[3] = { 1, -1, 1 };
    cpwl_qp_t P;
    cpwl_qp_sol_t S;
    fmpq_t lb;
    one_unit(P, CPWL_QP_SQUARED, X3, y, act, 3, 1);
    cpwl_qp_sol_init(S, P);
    fmpq_init(lb);
    solve_ok(S, P);
    ck_assert(value_is(S, 2, 1));
    ck_assert(fmpq_is_one(S->theta) && fmpq_is_zero(S->theta + 1));
    ck_assert(fmpq_is_zero(S->lambda) && fmpq_equal_si(S->lambda + 1, 2)
              && fmpq_is_zero(S->lambda + 2));
    cpwl_qp_lower_bound(lb, P);
    ck_assert(fmpq_equal_si(lb, 1));    /* (2, -1) fits x = 0, 1 exactly */
    check_rejects(S, P);
    fmpq_add_si(S->theta, S->theta, 1);
    ck_assert(!cpwl_qp_check(S, P, NULL));
    fmpq_clear(lb);
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);
}
END_TEST

START_TEST(test_sq_singular)
{
    /* unit active on x = -1 only (M^T M = [[1,-1],[-1,1]], singular):
       minimise (b - a - 1)^2 + 0 + 1 with b - a >= 0, -b >= 0,
       -a - b >= 0; b - a = 1 needs a <= -1/2... e.g. (-1, 0): value 1 */
    static const int act[3] = { 1, 0, 0 };
    cpwl_qp_t P;
    cpwl_qp_sol_t S;
    fmpq_t t;
    one_unit(P, CPWL_QP_SQUARED, X3, Y3, act, 3, 1);
    cpwl_qp_sol_init(S, P);
    fmpq_init(t);
    solve_ok(S, P);
    ck_assert(value_is(S, 1, 1));
    fmpq_sub(t, S->theta + 1, S->theta);
    ck_assert(fmpq_is_one(t));
    check_rejects(S, P);
    /* the dead unit (v = -1, active everywhere, targets >= 0): theta = 0
       with three constraints active in two dimensions; value 2 */
    cpwl_qp_clear(P);
    cpwl_qp_sol_clear(S);
    {
        static const int all[3] = { 1, 1, 1 };
        one_unit(P, CPWL_QP_SQUARED, X3, Y3, all, 3, -1);
    }
    cpwl_qp_sol_init(S, P);
    solve_ok(S, P);
    ck_assert(value_is(S, 2, 1));
    ck_assert(qvec_is_zero(S->theta, 2));
    check_rejects(S, P);
    fmpq_clear(t);
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);
}
END_TEST

START_TEST(test_sq_trivial)
{
    /* no data, no constraints, no parameters */
    cpwl_qp_t P;
    cpwl_qp_sol_t S;
    fmpq_t lb;
    fmpq_init(lb);
    cpwl_qp_init(P, CPWL_QP_SQUARED, 0, 2, 0);
    set_q(P->y, 1, 2);
    set_q(P->y + 1, -3, 1);
    cpwl_qp_sol_init(S, P);
    solve_ok(S, P);
    ck_assert(value_is(S, 37, 4));
    cpwl_qp_lower_bound(lb, P);
    ck_assert(fmpq_equal(lb, S->value));
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);
    /* M = 0: the constant value ||y||^2 */
    cpwl_qp_init(P, CPWL_QP_SQUARED, 3, 2, 2);
    set_q(P->y, 1, 3);
    set_q(fmpq_mat_entry(P->G, 0, 0), 1, 1);
    set_q(fmpq_mat_entry(P->G, 1, 0), -1, 1);
    cpwl_qp_sol_init(S, P);
    solve_ok(S, P);
    ck_assert(value_is(S, 1, 9));
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);
    fmpq_clear(lb);
}
END_TEST

START_TEST(test_l1_hand)
{
    /* l1, unit active on all three points: |b-a-1| + |b| + |a+b-1| >=
       2|b-1| + |b| >= 1, attained only at (0, 1); r = (0, 1, 0), so
       mu_2 = 1 and M^T mu = 0 forces mu_1 = mu_3 = -1/2; lambda = 0 */
    static const int act[3] = { 1, 1, 1 };
    cpwl_qp_t P;
    cpwl_qp_sol_t S;
    fmpq_t lb, h;
    one_unit(P, CPWL_QP_L1, X3, Y3, act, 3, 1);
    cpwl_qp_sol_init(S, P);
    fmpq_init(lb);
    fmpq_init(h);
    solve_ok(S, P);
    ck_assert(value_is(S, 1, 1));
    ck_assert(fmpq_is_zero(S->theta) && fmpq_is_one(S->theta + 1));
    fmpq_set_si(h, -1, 2);
    ck_assert(fmpq_equal(S->mu, h) && fmpq_is_one(S->mu + 1)
              && fmpq_equal(S->mu + 2, h));
    ck_assert(qvec_is_zero(S->lambda, 3));
    cpwl_qp_lower_bound(lb, P);
    ck_assert(fmpq_equal_si(lb, 1));
    check_rejects(S, P);
    /* mu_1 = -1/2 -> 1/2: stationarity breaks */
    fmpq_neg(S->mu, S->mu);
    ck_assert(!cpwl_qp_check(S, P, NULL));
    fmpq_neg(S->mu, S->mu);
    fmpq_add_si(S->theta, S->theta, 1);
    ck_assert(!cpwl_qp_check(S, P, NULL));
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);

    /* a binding constraint: y = (1, -1, 1), unit active on x = 0, 1:
       |b+1| + |a+b-1| + 1 with b >= 0: at best 1 + 0 + 1 = 2 at b = 0,
       a = 1; the unconstrained LP reaches 1 ((2, -1)) */
    {
        static const int act2[3] = { 0, 1, 1 };
        static const slong y[3] = { 1, -1, 1 };
        one_unit(P, CPWL_QP_L1, X3, y, act2, 3, 1);
    }
    cpwl_qp_sol_init(S, P);
    solve_ok(S, P);
    ck_assert(value_is(S, 2, 1));
    cpwl_qp_lower_bound(lb, P);
    ck_assert(fmpq_equal_si(lb, 1));
    check_rejects(S, P);
    fmpq_clear(lb);
    fmpq_clear(h);
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);
}
END_TEST

START_TEST(test_hinge_hand)
{
    /* points (-1, -1), (1, +1), unit active on both: the first point's
       prediction b - a >= 0 costs 1 + (b - a) >= 1; b = a >= 1/2 reaches
       1.  mu = (1, mu_2) with mu_2 = 0 where a + b > 1. */
    static const slong x[2] = { -1, 1 }, y[2] = { -1, 1 };
    static const int act[2] = { 1, 1 };
    cpwl_qp_t P;
    cpwl_qp_sol_t S;
    fmpq_t lb;
    one_unit(P, CPWL_QP_HINGE, x, y, act, 2, 1);
    cpwl_qp_sol_init(S, P);
    fmpq_init(lb);
    solve_ok(S, P);
    ck_assert(value_is(S, 1, 1));
    ck_assert(fmpq_equal(S->theta, S->theta + 1));
    ck_assert(fmpq_is_one(S->mu));
    cpwl_qp_lower_bound(lb, P);
    ck_assert(fmpq_is_zero(lb));        /* a = 1, b = 0 separates them */
    check_rejects(S, P);
    /* mu_1 = 1 -> 1/2 at a point with a positive hinge */
    fmpq_set_si(S->mu, 1, 2);
    ck_assert(!cpwl_qp_check(S, P, NULL));
    fmpq_clear(lb);
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);
}
END_TEST

START_TEST(test_dimension_mismatch)
{
    cpwl_qp_t P, Q;
    cpwl_qp_sol_t S;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_qp_init(P, CPWL_QP_SQUARED, 2, 3, 3);
    cpwl_qp_init(Q, CPWL_QP_SQUARED, 2, 4, 3);
    cpwl_qp_sol_init(S, P);
    ck_assert(cpwl_qp_solve(S, Q, e) == CPWL_ERR_INTERNAL);
    ck_assert(!cpwl_qp_check(S, Q, NULL));
    cpwl_qp_sol_clear(S);
    cpwl_qp_clear(P);
    cpwl_qp_clear(Q);
    cpwl_err_clear(e);
}
END_TEST

/* ---- random problems against brute force ----------------------------- */

static void random_problem(cpwl_qp_t P, test_rng *r, cpwl_qp_loss loss)
{
    slong k = test_range(r, 1, 4), D = test_range(r, 1, 8);
    slong m = test_range(r, 0, 6), i, j;
    int sparse = test_range(r, 0, 1);
    cpwl_qp_init(P, loss, k, D, m);
    for (i = 0; i < D; i++)
    {
        for (j = 0; j < k; j++)
            if (!sparse || test_range(r, 0, 2) == 0)
                test_fmpq(fmpq_mat_entry(P->M, i, j), r, 0);
        if (loss == CPWL_QP_HINGE && test_range(r, 0, 1))
            fmpq_set_si(P->y + i, test_range(r, 0, 1) ? 1 : -1, 1);
        else
            test_fmpq(P->y + i, r, 0);
    }
    /* a repeated column now and then: M^T M singular */
    if (k >= 2 && test_range(r, 0, 3) == 0)
        for (i = 0; i < D; i++)
            fmpq_set(fmpq_mat_entry(P->M, i, 1), fmpq_mat_entry(P->M, i, 0));
    for (i = 0; i < m; i++)
        for (j = 0; j < k; j++)
            test_fmpq(fmpq_mat_entry(P->G, i, j), r, 0);
    /* and a repeated or zero row of G */
    if (m >= 2 && test_range(r, 0, 3) == 0)
        for (j = 0; j < k; j++)
            fmpq_set(fmpq_mat_entry(P->G, 1, j), fmpq_mat_entry(P->G, 0, j));
    if (m >= 1 && test_range(r, 0, 5) == 0)
        for (j = 0; j < k; j++)
            fmpq_zero(fmpq_mat_entry(P->G, m - 1, j));
}

/* Whether some theta has G_A theta = 0, M theta = p and G theta >= 0. */
static int feasible_with(const cpwl_qp_t P, const unsigned char *inA,
                         const fmpq_mat_t p)
{
    slong k = P->k, i, j;
    fmpq *obj = _fmpq_vec_init(k + 1), *row;
    fmpq_t opt;
    lp_t L;
    int st;
    fmpq_init(opt);
    lp_init(L, k);
    for (i = 0; i < P->m; i++)
    {
        row = lp_add_row_zero(L, inA[i]);
        for (j = 0; j < k; j++)
            fmpq_set(row + j, fmpq_mat_entry(P->G, i, j));
    }
    for (i = 0; i < P->D; i++)
    {
        row = lp_add_row_zero(L, 1);
        for (j = 0; j < k; j++)
            fmpq_set(row + j, fmpq_mat_entry(P->M, i, j));
        fmpq_neg(row + k, fmpq_mat_entry(p, i, 0));
    }
    st = lp_optimize(opt, NULL, L, obj, 0);
    ck_assert(st == LP_OPTIMAL || st == LP_INFEASIBLE);
    lp_clear(L);
    _fmpq_vec_clear(obj, k + 1);
    fmpq_clear(opt);
    return st == LP_OPTIMAL;
}

/* The squared optimum by enumeration: for every subset A of the rows,
   the least-squares optimum on {G_A theta = 0} (KKT system solved by
   fmpq_mat_can_solve_fraction_free), kept when some minimiser (all have
   the same predictions M theta) satisfies G theta >= 0. */
static void brute_squared(fmpq_t best, const cpwl_qp_t P)
{
    slong k = P->k, D = P->D, m = P->m, i, j, l, a, na;
    unsigned char *inA = flint_calloc(m + 1, 1);
    fmpq_t v, t;
    int found = 0;

    fmpq_init(v);
    fmpq_init(t);
    for (a = 0; a < (WORD(1) << m); a++)
    {
        fmpq_mat_t K, B, Z, Th, Pr;
        na = 0;
        for (i = 0; i < m; i++)
        {
            inA[i] = (a >> i) & 1;
            na += inA[i];
        }
        fmpq_mat_init(K, k + na, k + na);
        fmpq_mat_init(B, k + na, 1);
        fmpq_mat_init(Z, k + na, 1);
        /* [M^T M, G_A^T; G_A, 0] [theta; nu] = [M^T y; 0] */
        for (j = 0; j < k; j++)
        {
            for (l = 0; l < k; l++)
                for (i = 0; i < D; i++)
                    fmpq_addmul(fmpq_mat_entry(K, j, l),
                                fmpq_mat_entry(P->M, i, j),
                                fmpq_mat_entry(P->M, i, l));
            for (i = 0; i < D; i++)
                fmpq_addmul(fmpq_mat_entry(B, j, 0),
                            fmpq_mat_entry(P->M, i, j), P->y + i);
        }
        for (i = 0, l = 0; i < m; i++)
        {
            if (!inA[i])
                continue;
            for (j = 0; j < k; j++)
            {
                fmpq_set(fmpq_mat_entry(K, k + l, j),
                         fmpq_mat_entry(P->G, i, j));
                fmpq_set(fmpq_mat_entry(K, j, k + l),
                         fmpq_mat_entry(P->G, i, j));
            }
            l++;
        }
        ck_assert(fmpq_mat_can_solve_fraction_free(Z, K, B));
        fmpq_mat_init(Th, k, 1);
        fmpq_mat_init(Pr, D, 1);
        for (j = 0; j < k; j++)
            fmpq_set(fmpq_mat_entry(Th, j, 0), fmpq_mat_entry(Z, j, 0));
        fmpq_mat_mul(Pr, P->M, Th);
        fmpq_zero(v);
        for (i = 0; i < D; i++)
        {
            fmpq_sub(t, fmpq_mat_entry(Pr, i, 0), P->y + i);
            fmpq_addmul(v, t, t);
        }
        if ((!found || fmpq_cmp(v, best) < 0) && feasible_with(P, inA, Pr))
        {
            fmpq_set(best, v);
            found = 1;
        }
        fmpq_mat_clear(K);
        fmpq_mat_clear(B);
        fmpq_mat_clear(Z);
        fmpq_mat_clear(Th);
        fmpq_mat_clear(Pr);
    }
    ck_assert(found);       /* A = all rows: theta = 0 is feasible */
    flint_free(inA);
    fmpq_clear(v);
    fmpq_clear(t);
}

/* The l1/hinge optimum by the LP written out in the variables (e, theta)
   (a different layout from qp.c's). */
static void brute_lp(fmpq_t best, const cpwl_qp_t P)
{
    slong k = P->k, D = P->D, d = D + k, i, j;
    fmpq *obj = _fmpq_vec_init(d + 1), *row;
    lp_t L;
    lp_init(L, d);
    for (i = 0; i < D; i++)
    {
        fmpq_one(obj + i);
        if (P->loss == CPWL_QP_L1)
        {
            /* e_i >= |M_i theta - y_i| */
            row = lp_add_row_zero(L, 0);
            fmpq_one(row + i);
            for (j = 0; j < k; j++)
                fmpq_set(row + D + j, fmpq_mat_entry(P->M, i, j));
            fmpq_neg(row + d, P->y + i);
            row = lp_add_row_zero(L, 0);
            fmpq_one(row + i);
            for (j = 0; j < k; j++)
                fmpq_neg(row + D + j, fmpq_mat_entry(P->M, i, j));
            fmpq_set(row + d, P->y + i);
        }
        else
        {
            row = lp_add_row_zero(L, 0);
            fmpq_one(row + i);
            row = lp_add_row_zero(L, 0);
            fmpq_one(row + i);
            for (j = 0; j < k; j++)
                fmpq_mul(row + D + j, P->y + i, fmpq_mat_entry(P->M, i, j));
            fmpq_set_si(row + d, -1, 1);
        }
    }
    for (i = 0; i < P->m; i++)
    {
        row = lp_add_row_zero(L, 0);
        for (j = 0; j < k; j++)
            fmpq_set(row + D + j, fmpq_mat_entry(P->G, i, j));
    }
    ck_assert(lp_optimize(best, NULL, L, obj, 0) == LP_OPTIMAL);
    lp_clear(L);
    _fmpq_vec_clear(obj, d + 1);
}

static void random_run(cpwl_qp_loss loss, slong trials, uint64_t seed)
{
    test_rng r = {test_seed(seed)};
    slong t, by_double = 0, exact_double = 0;
    for (t = 0; t < trials; t++)
    {
        uint64_t s = r.s;
        cpwl_qp_t P, Q;
        cpwl_qp_sol_t S;
        fmpq_t best, lb;
        cpwl_err_t e;
        const char *why;
        slong j;

        random_problem(P, &r, loss);
        cpwl_qp_sol_init(S, P);
        fmpq_init(best);
        fmpq_init(lb);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_qp_solve(S, P, e) == CPWL_OK, "seed %llu trial %ld: "
                      "%s", (unsigned long long) s, (long) t, e->msg);
        ck_assert_msg(cpwl_qp_check(S, P, &why), "seed %llu trial %ld: check "
                      "fails: %s", (unsigned long long) s, (long) t, why);
        by_double += S->by_double;
        if (loss == CPWL_QP_SQUARED)
            brute_squared(best, P);
        else
            brute_lp(best, P);
        ck_assert_msg(fmpq_equal(best, S->value), "seed %llu trial %ld: "
                      "optimum differs from brute force",
                      (unsigned long long) s, (long) t);
        /* the reference path: same optimum, its own certificate */
        {
            cpwl_qp_sol_t X;
            cpwl_qp_sol_init(X, P);
            ck_assert_msg(cpwl_qp_solve_exact(X, P, e) == CPWL_OK, "seed %llu "
                          "trial %ld: %s", (unsigned long long) s, (long) t,
                          e->msg);
            ck_assert_msg(cpwl_qp_check(X, P, &why), "seed %llu trial %ld: "
                          "exact path: %s", (unsigned long long) s,
                          (long) t, why);
            ck_assert_msg(fmpq_equal(best, X->value), "seed %llu trial %ld: "
                          "exact path differs from brute force",
                          (unsigned long long) s, (long) t);
            exact_double += X->by_double;
            cpwl_qp_sol_clear(X);
        }
        cpwl_qp_lower_bound(lb, P);
        ck_assert_msg(fmpq_cmp(lb, S->value) <= 0, "seed %llu trial %ld: "
                      "lower bound above the optimum",
                      (unsigned long long) s, (long) t);
        /* without G the lower bound is the optimum */
        cpwl_qp_init(Q, loss, P->k, P->D, 0);
        fmpq_mat_set(Q->M, P->M);
        for (j = 0; j < P->D; j++)
            fmpq_set(Q->y + j, P->y + j);
        {
            cpwl_qp_sol_t SQ;
            cpwl_qp_sol_init(SQ, Q);
            ck_assert(cpwl_qp_solve(SQ, Q, e) == CPWL_OK);
            ck_assert(cpwl_qp_check(SQ, Q, NULL));
            ck_assert_msg(fmpq_equal(lb, SQ->value), "seed %llu trial %ld: "
                          "lower bound != unconstrained optimum",
                          (unsigned long long) s, (long) t);
            cpwl_qp_sol_clear(SQ);
        }
        if (t % 8 == 0)
            check_rejects(S, P);
        cpwl_qp_clear(Q);
        cpwl_err_clear(e);
        fmpq_clear(best);
        fmpq_clear(lb);
        cpwl_qp_sol_clear(S);
        cpwl_qp_clear(P);
    }
    /* the proposal is expected to certify almost always (a failure is
       never wrong, only slower) */
    ck_assert_msg(10 * by_double >= 9 * trials, "the double proposal was "
                  "certified only %ld times in %ld", (long) by_double,
                  (long) trials);
    ck_assert(exact_double == 0);
}

START_TEST(test_random_squared)
{
    random_run(CPWL_QP_SQUARED, test_iters(400), SEED);
}
END_TEST

START_TEST(test_random_l1)
{
    random_run(CPWL_QP_L1, test_iters(150), SEED + 1);
}
END_TEST

START_TEST(test_random_hinge)
{
    random_run(CPWL_QP_HINGE, test_iters(150), SEED + 2);
}
END_TEST

/* ERM-shaped cells: w units on 1-D data, prefix/suffix activation sets,
   signs +-1; small rationals, or (every other cell) 24-bit ones, whose
   column denominators reach hundreds of bits; brute force is too slow
   here (m = w D), so check certificates, the bound, and the agreement of
   cpwl_qp_solve with cpwl_qp_solve_exact. */
START_TEST(test_erm_cells)
{
    test_rng r = {test_seed(SEED + 3)};
    slong t, by_double = 0, trials = test_iters(80);
    for (t = 0; t < trials; t++)
    {
        uint64_t s = r.s;
        slong w = test_range(&r, 1, 3), D = test_range(&r, 3, 25), i, u;
        cpwl_qp_loss loss = (cpwl_qp_loss) test_range(&r, 0, 2);
        int big = t % 2;
        cpwl_qp_t P;
        cpwl_qp_sol_t S;
        fmpq_t lb;
        fmpq *x = _fmpq_vec_init(D);
        cpwl_err_t e;
        const char *why;

        for (i = 0; i < D; i++)
        {
            if (big)
                test_fmpq(x + i, &r, 24);
            else
                fmpq_set_si(x + i, 4 * i - 2 * D + test_range(&r, 0, 3),
                            (ulong) test_range(&r, 1, 4));
        }
        _fmpq_vec_sort(x, D);
        cpwl_qp_init(P, loss, 2 * w, D, w * D);
        for (i = 0; i < D; i++)
        {
            if (loss == CPWL_QP_HINGE)
                fmpq_set_si(P->y + i, test_range(&r, 0, 1) ? 1 : -1, 1);
            else if (big)
                test_fmpq(P->y + i, &r, 24);
            else
                fmpq_set_si(P->y + i, test_range(&r, -9, 9),
                            (ulong) test_range(&r, 1, 3));
        }
        for (u = 0; u < w; u++)
        {
            slong cut = test_range(&r, 0, D), v = test_range(&r, 0, 1) ? 1 : -1;
            int prefix = test_range(&r, 0, 1);
            for (i = 0; i < D; i++)
            {
                int on = prefix ? i < cut : i >= cut;
                fmpq *g = fmpq_mat_entry(P->G, u * D + i, 2 * u);
                if (on)
                {
                    fmpq_mul_si(fmpq_mat_entry(P->M, i, 2 * u), x + i, v);
                    fmpq_set_si(fmpq_mat_entry(P->M, i, 2 * u + 1), v, 1);
                }
                fmpq_set(g, x + i);
                fmpq_one(g + 1);
                if (!on)
                {
                    fmpq_neg(g, g);
                    fmpq_neg(g + 1, g + 1);
                }
            }
        }
        cpwl_qp_sol_init(S, P);
        fmpq_init(lb);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_qp_solve(S, P, e) == CPWL_OK, "seed %llu: %s",
                      (unsigned long long) s, e->msg);
        ck_assert_msg(cpwl_qp_check(S, P, &why), "seed %llu trial %ld: %s",
                      (unsigned long long) s, (long) t, why);
        cpwl_qp_lower_bound(lb, P);
        ck_assert(fmpq_cmp(lb, S->value) <= 0);
        by_double += S->by_double;
        if (t % 4 < 2)
        {
            /* the reference path agrees */
            cpwl_qp_sol_t X;
            cpwl_qp_sol_init(X, P);
            ck_assert(cpwl_qp_solve_exact(X, P, e) == CPWL_OK);
            ck_assert_msg(cpwl_qp_check(X, P, &why), "seed %llu: %s",
                          (unsigned long long) s, why);
            ck_assert_msg(fmpq_equal(X->value, S->value), "seed %llu trial "
                          "%ld: the paths disagree", (unsigned long long) s,
                          (long) t);
            cpwl_qp_sol_clear(X);
        }
        cpwl_err_clear(e);
        fmpq_clear(lb);
        _fmpq_vec_clear(x, D);
        cpwl_qp_sol_clear(S);
        cpwl_qp_clear(P);
    }
    ck_assert_msg(10 * by_double >= 9 * trials, "the double proposal was "
                  "certified only %ld times in %ld", (long) by_double,
                  (long) trials);
}
END_TEST

/* lp_optimize_dual: obj = sum u_i a_i, u >= 0 (minimising) or <= 0
   (maximising) on inequality rows, opt = obj_d - sum u_i b_i, and u = 0
   off the rows tight at x. */
START_TEST(test_lp_dual)
{
    test_rng r = {test_seed(SEED + 4)};
    slong t, solved = 0;
    for (t = 0; t < test_iters(200); t++)
    {
        uint64_t s = r.s;
        slong d = test_range(&r, 1, 4), m = test_range(&r, 1, 9), i, j;
        int maxi = test_range(&r, 0, 1), st;
        fmpq *obj = _fmpq_vec_init(d + 1), *x = _fmpq_vec_init(d);
        fmpq *u, *sum = _fmpq_vec_init(d + 1);
        slong rows;
        fmpq_t opt, v, o2;
        lp_t L;
        fmpq_init(opt);
        fmpq_init(v);
        fmpq_init(o2);
        lp_init(L, d);
        for (i = 0; i < m; i++)
        {
            fmpq *row = lp_add_row_zero(L, test_range(&r, 0, 7) == 0);
            for (j = 0; j <= d; j++)
                test_fmpq(row + j, &r, j == d ? 4 : 0);
        }
        /* a box keeps them bounded (cddlib reads an uninitialised value
           on unbounded LPs, which valgrind reports; the LPs of qp/lploss.c are
           all bounded) */
        for (j = 0; j < d; j++)
        {
            fmpq *row = lp_add_row_zero(L, 0);
            fmpq_one(row + j);
            fmpq_set_si(row + d, 5, 1);
            row = lp_add_row_zero(L, 0);
            fmpq_set_si(row + j, -1, 1);
            fmpq_set_si(row + d, 5, 1);
        }
        for (j = 0; j <= d; j++)
            test_fmpq(obj + j, &r, 0);
        rows = L->m;
        u = _fmpq_vec_init(rows);
        st = lp_optimize_dual(opt, x, u, L, obj, maxi);
        ck_assert(st == lp_optimize(o2, NULL, L, obj, maxi));
        if (st == LP_OPTIMAL)
        {
            solved++;
            ck_assert(fmpq_equal(opt, o2));
            fmpq_set(sum + d, obj + d);
            for (i = 0; i < L->m; i++)
            {
                const fmpq *row = L->rows + i * (d + 1);
                if (!L->eq[i])
                    ck_assert_msg(maxi ? fmpq_sgn(u + i) <= 0
                                  : fmpq_sgn(u + i) >= 0, "seed %llu: "
                                  "dual sign", (unsigned long long) s);
                qvec_form_eval(v, row, x, d);
                ck_assert(fmpq_sgn(v) >= 0 || L->eq[i]);
                ck_assert_msg(fmpq_is_zero(u + i) || fmpq_is_zero(v),
                              "seed %llu: dual on a slack row",
                              (unsigned long long) s);
                for (j = 0; j < d; j++)
                    fmpq_addmul(sum + j, u + i, row + j);
                fmpq_submul(sum + d, u + i, row + d);
            }
            for (j = 0; j < d; j++)
                ck_assert_msg(fmpq_equal(sum + j, obj + j), "seed %llu: "
                              "obj != sum u a", (unsigned long long) s);
            ck_assert_msg(fmpq_equal(sum + d, opt), "seed %llu: dual value",
                          (unsigned long long) s);
        }
        lp_clear(L);
        _fmpq_vec_clear(obj, d + 1);
        _fmpq_vec_clear(x, d);
        _fmpq_vec_clear(u, rows);
        _fmpq_vec_clear(sum, d + 1);
        fmpq_clear(opt);
        fmpq_clear(v);
        fmpq_clear(o2);
    }
    ck_assert(solved > 100);
}
END_TEST

static Suite *qp_suite(void)
{
    Suite *s = suite_create("qp");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sq_unconstrained_optimum);
    tcase_add_test(tc, test_sq_binding);
    tcase_add_test(tc, test_sq_singular);
    tcase_add_test(tc, test_sq_trivial);
    tcase_add_test(tc, test_l1_hand);
    tcase_add_test(tc, test_hinge_hand);
    tcase_add_test(tc, test_dimension_mismatch);
    tcase_add_test(tc, test_lp_dual);
    tcase_add_test(tc, test_random_squared);
    tcase_add_test(tc, test_random_l1);
    tcase_add_test(tc, test_random_hinge);
    tcase_add_test(tc, test_erm_cells);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(qp_suite());
}
