/* Exact LP over cddlib's GMP rational simplex (see lp.h).

   cddlib's conventions: a matrix row (r_0, r_1..r_n) means
   r_0 + r_1 x_1 + ... + r_n x_n >= 0 (= 0 for rows in linset), the
   objective row (c_0, c_1..c_n) is c_0 + c.x, and an optimal solution
   has sol[0] = 1 (the homogenising coordinate) and sol[1..n] = x.  At an
   optimum, nbindex[j] (j = 2..columns) is the row (1-based) that is
   nonbasic in column j, i.e. tight; a negative entry marks a free
   variable left nonbasic (a direction of lineality).  The double
   versions (ddf_*, in the same library) follow the same conventions. */
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <gmp.h>
#include <flint/fmpq_vec.h>
#include <flint/fmpq_mat.h>
#include <cdd/setoper.h>
#include <cdd/cdd.h>
#include "qvec.h"
#include "cpwl/arbcompat.h"
#include "lp.h"

/* cddlib's arithmetic constants (dd_zero, dd_one, ...) are globals that
   must be set once before any call; this is the only global state. */
static pthread_once_t lp_cdd_once = PTHREAD_ONCE_INIT;

/* cddlib 094m keeps the LP solver's work arrays in static variables, so
   two solves must not overlap: this lock makes every lp_ call safe to run
   from several threads (of one process), at the cost of serialising the
   cddlib part of the solves. */
static pthread_mutex_t lp_cdd_lock = PTHREAD_MUTEX_INITIALIZER;

static void lp_cdd_init(void)
{
    dd_set_global_constants();
    ddf_set_global_constants();
}

void lp_init(lp_t P, slong d)
{
    memset(P, 0, sizeof(lp_struct));
    P->d = d;
}

void lp_clear(lp_t P)
{
    if (P->alloc)
    {
        _fmpq_vec_clear(P->rows, P->alloc * (P->d + 1));
        flint_free(P->eq);
    }
    memset(P, 0, sizeof(lp_struct));
}

void lp_reset(lp_t P, slong d)
{
    if (d != P->d)
    {
        ulong c = P->by_certificate, x = P->by_exact;
        lp_clear(P);
        lp_init(P, d);
        P->by_certificate = c;
        P->by_exact = x;
    }
    P->m = 0;
}

fmpq *lp_add_row_zero(lp_t P, int eq)
{
    slong c = P->d + 1, i;
    fmpq *r;
    if (P->m == P->alloc)
    {
        slong a = FLINT_MAX(8, 2 * P->alloc);
        /* fmpq entries hold no self-pointers: moving them is fine. */
        P->rows = flint_realloc(P->rows, a * c * sizeof(fmpq));
        for (i = P->alloc * c; i < a * c; i++)
            fmpq_init(P->rows + i);
        P->eq = flint_realloc(P->eq, a);
        P->alloc = a;
    }
    r = P->rows + P->m * c;
    for (i = 0; i < c; i++)
        fmpq_zero(r + i);
    P->eq[P->m++] = eq != 0;
    return r;
}

void lp_add_row(lp_t P, const fmpq *row, int neg, int eq)
{
    slong i;
    fmpq *r = lp_add_row_zero(P, eq);
    for (i = 0; i <= P->d; i++)
    {
        if (neg)
            fmpq_neg(r + i, row + i);
        else
            fmpq_set(r + i, row + i);
    }
}

/* Copy row (a_1..a_d, b) into cddlib's (b, a_1..a_d) at row i. */
static void put_row(dd_MatrixPtr M, slong i, const fmpq *row, slong d)
{
    slong j;
    fmpq_get_mpq(M->matrix[i][0], row + d);
    for (j = 0; j < d; j++)
        fmpq_get_mpq(M->matrix[i][j + 1], row + j);
}

/* Entries beyond this many bits overflow the
   tableau of cddlib's double first phase, which then pivots 6000 times
   and prints a warning before the exact phase repairs it; such LPs go to
   the exact phase directly. */
#define LP_DOUBLE_BITS 256

/* Whether some entry of the m x (d+1) rows has more than
   LP_DOUBLE_BITS bits in its numerator or denominator. */
static int rows_big(const fmpq *A, slong m, slong d)
{
    slong i;
    for (i = 0; i < m * (d + 1); i++)
        if (fmpz_bits(fmpq_numref(A + i)) > LP_DOUBLE_BITS
            || fmpz_bits(fmpq_denref(A + i)) > LP_DOUBLE_BITS)
            return 1;
    return 0;
}

/* Solve the LP of M (with exact_only, without the double first phase);
   on optimum read the value and x_1..x_nx. */
static int run_lp(fmpq_t opt, fmpq *x, slong nx, dd_MatrixPtr M,
                  int exact_only)
{
    dd_ErrorType err = dd_NoError;
    dd_LPPtr lp;
    int status;
    slong j;

    pthread_mutex_lock(&lp_cdd_lock);
    lp = dd_Matrix2LP(M, &err);
    if (lp == NULL || err != dd_NoError)
    {
        if (lp != NULL)
            dd_FreeLPData(lp);
        pthread_mutex_unlock(&lp_cdd_lock);
        return LP_ERROR;
    }
    if (exact_only)
        dd_LPSolve0(lp, dd_DualSimplex, &err);
    else
        dd_LPSolve(lp, dd_DualSimplex, &err);
    if (err != dd_NoError)
        status = LP_ERROR;
    else
    {
        switch (lp->LPS)
        {
            case dd_Optimal:
                status = LP_OPTIMAL;
                fmpq_set_mpq(opt, lp->optvalue);
                for (j = 0; x != NULL && j < nx; j++)
                    fmpq_set_mpq(x + j, lp->sol[j + 1]);
                break;
            case dd_Inconsistent:
            case dd_StrucInconsistent:
                status = LP_INFEASIBLE;
                break;
            case dd_DualInconsistent:
            case dd_StrucDualInconsistent:
            case dd_Unbounded:
                status = LP_UNBOUNDED;
                break;
            default:
                status = LP_ERROR;
        }
    }
    dd_FreeLPData(lp);
    pthread_mutex_unlock(&lp_cdd_lock);
    return status;
}

/* The rows of P and the objective obj (d+1 entries, constant last) as a
   cddlib matrix in GMP rationals. */
static dd_MatrixPtr objective_matrix(const lp_t P, const fmpq *obj,
                                     int maximize)
{
    slong d = P->d, i, j;
    dd_MatrixPtr M = dd_CreateMatrix(P->m, d + 1);
    M->representation = dd_Inequality;
    M->numbtype = dd_Rational;
    M->objective = maximize ? dd_LPmax : dd_LPmin;
    for (i = 0; i < P->m; i++)
    {
        put_row(M, i, P->rows + i * (d + 1), d);
        if (P->eq[i])
            set_addelem(M->linset, i + 1);
    }
    fmpq_get_mpq(M->rowvec[0], obj + d);
    for (j = 0; j < d; j++)
        fmpq_get_mpq(M->rowvec[j + 1], obj + j);
    return M;
}

int lp_optimize(fmpq_t opt, fmpq *x, const lp_t P, const fmpq *obj,
                int maximize)
{
    slong d = P->d, j;
    dd_MatrixPtr M;
    int status;

    pthread_once(&lp_cdd_once, lp_cdd_init);
    if (P->m == 0)
    {
        /* No rows: cddlib wants a matrix; the answer is immediate. */
        for (j = 0; j < d; j++)
            if (!fmpq_is_zero(obj + j))
                return LP_UNBOUNDED;
        fmpq_set(opt, obj + d);
        for (j = 0; x != NULL && j < d; j++)
            fmpq_zero(x + j);
        return LP_OPTIMAL;
    }
    M = objective_matrix(P, obj, maximize);
    status = run_lp(opt, x, d, M, rows_big(P->rows, P->m, d)
                    || rows_big(obj, 1, d));
    dd_FreeMatrix(M);
    return status;
}

static slong row_scale(const fmpq *row, slong c);

/* The max-slack LP; with scaled, every row is first multiplied by a power
   of 2 that brings its largest entry near 1 (t changes, its sign and the
   set of points with t > 0 do not), which also keeps cddlib's double
   first phase usable on rows of hundreds of bits. */
static int slack_lp(fmpq_t t, fmpq *x, const fmpq *A,
                    const unsigned char *eq, slong m, slong d, int scaled)
{
    dd_MatrixPtr M;
    slong i, j;
    int status;
    fmpq_t q;

    pthread_once(&lp_cdd_once, lp_cdd_init);
    fmpq_init(q);
    /* Variables (x, t): rows b + a.x - t >= 0, equalities b + a.x = 0,
       and 1 - t >= 0, which keeps the LP bounded. */
    M = dd_CreateMatrix(m + 1, d + 2);
    M->representation = dd_Inequality;
    M->numbtype = dd_Rational;
    M->objective = dd_LPmax;
    for (i = 0; i < m; i++)
    {
        const fmpq *r = A + i * (d + 1);
        if (scaled)
        {
            slong s = row_scale(r, d + 1);
            for (j = 0; j <= d; j++)
            {
                if (s >= 0)
                    fmpq_mul_2exp(q, r + j, s);
                else
                    fmpq_div_2exp(q, r + j, -s);
                fmpq_get_mpq(M->matrix[i][j == d ? 0 : j + 1], q);
            }
        }
        else
            put_row(M, i, r, d);
        if (eq != NULL && eq[i])
            set_addelem(M->linset, i + 1);
        else
            mpq_set_si(M->matrix[i][d + 1], -1, 1);
    }
    mpq_set_si(M->matrix[m][0], 1, 1);
    mpq_set_si(M->matrix[m][d + 1], -1, 1);
    mpq_set_si(M->rowvec[d + 1], 1, 1);
    status = run_lp(t, x, d, M, !scaled && rows_big(A, m, d));
    dd_FreeMatrix(M);
    fmpq_clear(q);
    /* The LP is bounded and, without equalities, feasible (t can be as
       small as needed): any other answer is a solver failure. */
    if (status == LP_UNBOUNDED)
        status = LP_ERROR;
    return status;
}

int lp_max_slack_rows(fmpq_t t, fmpq *x, const fmpq *A,
                      const unsigned char *eq, slong m, slong d)
{
    return slack_lp(t, x, A, eq, m, d, 0);
}

int lp_max_slack(fmpq_t t, fmpq *x, const lp_t P)
{
    return lp_max_slack_rows(t, x, P->rows, P->eq, P->m, P->d);
}

/* ---- interior test: a double LP proposes, an exact certificate decides */

/* A row's scale: minus the exponent of its largest entry, so that the
   scaled doubles lie within [-2, 2] (no overflow in the double LP). */
static slong row_scale(const fmpq *row, slong c)
{
    slong i, e = WORD_MIN;
    for (i = 0; i < c; i++)
        if (!fmpq_is_zero(row + i))
            e = FLINT_MAX(e, (slong) fmpz_bits(fmpq_numref(row + i))
                          - (slong) fmpz_bits(fmpq_denref(row + i)) + 1);
    return e == WORD_MIN ? 0 : -e;
}

/* q * 2^s as a double (close enough for the double LP). */
static double scaled_d(const fmpq_t q, slong s)
{
    slong en, ed;
    double mn, md;
    if (fmpq_is_zero(q))
        return 0;
    mn = fmpz_get_d_2exp(&en, fmpq_numref(q));
    md = fmpz_get_d_2exp(&ed, fmpq_denref(q));
    return ldexp(mn / md, (int) FLINT_MAX(-2000, FLINT_MIN(2000,
                                           en - ed + s)));
}

/* Case t~ > 0: the double optimum xd, read exactly, projected onto the
   equality row (at most one), must make every inequality row > 0. */
static int certify_point(fmpq *x, const lp_t P, const double *xd)
{
    slong d = P->d, c = d + 1, i, j, ie = -1;
    fmpq *y = _fmpq_vec_init(d);
    fmpq_t v, n2;
    arf_t a;
    int ok = 1;

    fmpq_init(v);
    fmpq_init(n2);
    arf_init(a);
    for (j = 0; j < d && ok; j++)
    {
        ok = isfinite(xd[j]);
        if (ok)
        {
            arf_set_d(a, xd[j]);
            arf_get_fmpq(y + j, a);
        }
    }
    for (i = 0; i < P->m && ok; i++)
        if (P->eq[i])
        {
            ok = ie < 0;
            ie = i;
        }
    if (ok && ie >= 0)
    {
        /* y -= (a.y + b) / |a|^2 * a */
        const fmpq *r = P->rows + ie * c;
        qvec_form_eval(v, r, y, d);
        fmpq_zero(n2);
        for (j = 0; j < d; j++)
            fmpq_addmul(n2, r + j, r + j);
        ok = !fmpq_is_zero(n2);
        if (ok)
        {
            fmpq_div(v, v, n2);
            for (j = 0; j < d; j++)
                fmpq_submul(y + j, v, r + j);
        }
    }
    for (i = 0; i < P->m && ok; i++)
        if (!P->eq[i])
        {
            qvec_form_eval(v, P->rows + i * c, y, d);
            ok = fmpq_sgn(v) > 0;
        }
    if (ok && x != NULL)
        for (j = 0; j < d; j++)
            fmpq_set(x + j, y + j);
    _fmpq_vec_clear(y, d);
    fmpq_clear(v);
    fmpq_clear(n2);
    arf_clear(a);
    return ok;
}

/* Case t~ <= 0: multipliers lambda on the tight inequality rows S and on
   every equality row with
       sum lambda_i a_i = 0,  sum_{S} lambda_i = 1,
   lambda_i >= 0 on S and sum lambda_i b_i <= 0.  Then at any x meeting
   the equalities, sum_{S} lambda_i (a_i.x + b_i) = sum lambda_i b_i <= 0,
   so the rows of S cannot all be > 0: a proof that the interior is
   empty. */
static int certify_empty(const lp_t P, const slong *S, slong ns)
{
    slong d = P->d, c = d + 1, i, j, k, neq = 0;
    slong *col;
    fmpq_mat_t A, B, X;
    fmpq_t v;
    int ok;

    for (i = 0; i < P->m; i++)
        neq += P->eq[i];
    col = flint_malloc((ns + neq + 1) * sizeof(slong));
    k = 0;
    for (i = 0; i < ns; i++)
        col[k++] = S[i];
    for (i = 0; i < P->m; i++)
        if (P->eq[i])
            col[k++] = i;
    fmpq_mat_init(A, d + 1, k);
    fmpq_mat_init(B, d + 1, 1);
    fmpq_mat_init(X, k, 1);
    fmpq_init(v);
    for (j = 0; j < k; j++)
    {
        const fmpq *r = P->rows + col[j] * c;
        for (i = 0; i < d; i++)
            fmpq_set(fmpq_mat_entry(A, i, j), r + i);
        if (j < ns)
            fmpq_one(fmpq_mat_entry(A, d, j));
    }
    fmpq_one(fmpq_mat_entry(B, d, 0));
    ok = k > 0 && fmpq_mat_can_solve_fraction_free(X, A, B);
    for (j = 0; j < ns && ok; j++)
        ok = fmpq_sgn(fmpq_mat_entry(X, j, 0)) >= 0;
    if (ok)
    {
        fmpq_zero(v);
        for (j = 0; j < k; j++)
            fmpq_addmul(v, fmpq_mat_entry(X, j, 0), P->rows + col[j] * c + d);
        ok = fmpq_sgn(v) <= 0;
    }
    fmpq_mat_clear(A);
    fmpq_mat_clear(B);
    fmpq_mat_clear(X);
    fmpq_clear(v);
    flint_free(col);
    return ok;
}

/* The max-slack LP in doubles, rows scaled to unit size.  Returns 1 with
   t~, x~ and the tight inequality rows, 0 when it did not solve. */
static int double_slack(double *t, double *xd, slong *S, slong *ns,
                        const lp_t P)
{
    slong m = P->m, d = P->d, c = d + 1, i, j;
    ddf_MatrixPtr M = ddf_CreateMatrix(m + 1, d + 2);
    ddf_LPPtr lp;
    ddf_ErrorType err = ddf_NoError;
    int ok = 0;

    M->representation = ddf_Inequality;
    M->numbtype = ddf_Real;
    M->objective = ddf_LPmax;
    for (i = 0; i < m; i++)
    {
        const fmpq *r = P->rows + i * c;
        slong s = row_scale(r, c);
        M->matrix[i][0][0] = scaled_d(r + d, s);
        for (j = 0; j < d; j++)
            M->matrix[i][j + 1][0] = scaled_d(r + j, s);
        if (P->eq[i])
            set_addelem(M->linset, i + 1);
        else
            M->matrix[i][d + 1][0] = -1;
    }
    M->matrix[m][0][0] = 1;
    M->matrix[m][d + 1][0] = -1;
    M->rowvec[d + 1][0] = 1;
    /* the double solver's work arrays are static too (see lp_cdd_lock) */
    pthread_mutex_lock(&lp_cdd_lock);
    lp = ddf_Matrix2LP(M, &err);
    if (lp != NULL && err == ddf_NoError)
    {
        ddf_LPSolve(lp, ddf_DualSimplex, &err);
        if (err == ddf_NoError && lp->LPS == ddf_Optimal)
        {
            int cap = 0;
            *t = lp->optvalue[0];
            for (j = 0; j < d; j++)
                xd[j] = lp->sol[j + 1][0];
            *ns = 0;
            for (j = 2; j <= lp->d; j++)
            {
                slong r = lp->nbindex[j];
                if (r == m + 1)
                    cap = 1;
                else if (r >= 1 && r <= m && !P->eq[r - 1])
                    S[(*ns)++] = r - 1;
            }
            /* A tight cap t <= 1 with t~ <= 0 makes no sense: give up. */
            ok = !cap || *t > 0;
        }
    }
    if (lp != NULL)
        ddf_FreeLPData(lp);
    pthread_mutex_unlock(&lp_cdd_lock);
    ddf_FreeMatrix(M);
    return ok;
}

int lp_interior(fmpq *x, lp_t P)
{
    slong d = P->d;
    double t = 0, *xd = flint_malloc(FLINT_MAX(d, 1) * sizeof(double));
    slong *S = flint_malloc((d + 2) * sizeof(slong)), ns = 0;
    int r = -1;
    fmpq_t te;

    pthread_once(&lp_cdd_once, lp_cdd_init);
    if (double_slack(&t, xd, S, &ns, P))
    {
        if (t > 0 && certify_point(x, P, xd))
            r = 1;
        else if (t <= 0 && certify_empty(P, S, ns))
            r = 0;
    }
    if (r >= 0)
        P->by_certificate++;
    else
    {
        /* The double LP failed or its answer did not certify. */
        fmpq_init(te);
        switch (slack_lp(te, x, P->rows, P->eq, P->m, d, 1))
        {
            case LP_OPTIMAL:
                r = fmpq_sgn(te) > 0;
                break;
            case LP_INFEASIBLE:
                r = 0;
                break;
            default:
                r = -1;
        }
        fmpq_clear(te);
        P->by_exact++;
    }
    flint_free(xd);
    flint_free(S);
    return r;
}

/* ---- lp_optimize with the dual solution ------------------------------ */

/* cddlib leaves the multipliers of the final basis in dsol: dsol[j]
   (j = 1..d-1) belongs to the row nbindex[j+1] (1-based; <= 0 for a free
   variable left nonbasic), and obj = -sum dsol[j] a_row for its rows
   (measured on small LPs, both directions), hence u = -dsol.  Matrix2LP
   appends the negation of the t-th equality row as row m + t, whose
   multiplier therefore counts for that equality with the other sign. */
int lp_optimize_dual(fmpq_t opt, fmpq *x, fmpq *u, const lp_t P,
                     const fmpq *obj, int maximize)
{
    slong d = P->d, i, j, *eqrow = NULL, neq = 0;
    dd_MatrixPtr M;
    dd_LPPtr lp;
    dd_ErrorType err = dd_NoError;
    int status;

    pthread_once(&lp_cdd_once, lp_cdd_init);
    for (i = 0; u != NULL && i < P->m; i++)
        fmpq_zero(u + i);
    if (P->m == 0)
        return lp_optimize(opt, x, P, obj, maximize);
    M = objective_matrix(P, obj, maximize);
    pthread_mutex_lock(&lp_cdd_lock);
    lp = dd_Matrix2LP(M, &err);
    if (lp == NULL || err != dd_NoError)
        status = LP_ERROR;
    else
    {
        if (rows_big(P->rows, P->m, d) || rows_big(obj, 1, d))
            dd_LPSolve0(lp, dd_DualSimplex, &err);
        else
            dd_LPSolve(lp, dd_DualSimplex, &err);
        if (err != dd_NoError)
            status = LP_ERROR;
        else if (lp->LPS == dd_Optimal)
        {
            status = LP_OPTIMAL;
            fmpq_set_mpq(opt, lp->optvalue);
            for (j = 0; x != NULL && j < d; j++)
                fmpq_set_mpq(x + j, lp->sol[j + 1]);
            eqrow = flint_malloc((P->m + 1) * sizeof(slong));
            for (i = 0; i < P->m; i++)
                if (P->eq[i])
                    eqrow[neq++] = i;
            for (j = 1; u != NULL && j < lp->d; j++)
            {
                slong r = lp->nbindex[j + 1];
                fmpq_t q;
                fmpq_init(q);
                fmpq_set_mpq(q, lp->dsol[j]);
                if (r >= 1 && r <= P->m)
                    fmpq_sub(u + r - 1, u + r - 1, q);
                else if (r > P->m && r <= P->m + neq)
                    fmpq_add(u + eqrow[r - P->m - 1],
                             u + eqrow[r - P->m - 1], q);
                fmpq_clear(q);
            }
            flint_free(eqrow);
        }
        else if (lp->LPS == dd_Inconsistent
                 || lp->LPS == dd_StrucInconsistent)
            status = LP_INFEASIBLE;
        else if (lp->LPS == dd_DualInconsistent
                 || lp->LPS == dd_StrucDualInconsistent
                 || lp->LPS == dd_Unbounded)
            status = LP_UNBOUNDED;
        else
            status = LP_ERROR;
    }
    if (lp != NULL)
        dd_FreeLPData(lp);
    pthread_mutex_unlock(&lp_cdd_lock);
    dd_FreeMatrix(M);
    return status;
}
