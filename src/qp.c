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
#include <math.h>
#include <string.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "lp.h"
#include "cpwl/qp.h"

/* Vectors of length 0 are allowed everywhere; allocate at least one
   entry so that no allocator sees a zero size. */
static fmpq *qv_new(slong n)
{
    return _fmpq_vec_init(FLINT_MAX(n, 1));
}

static void qv_free(fmpq *v, slong n)
{
    _fmpq_vec_clear(v, FLINT_MAX(n, 1));
}

static fmpz *zv_new(slong n)
{
    return _fmpz_vec_init(FLINT_MAX(n, 1));
}

static void zv_free(fmpz *v, slong n)
{
    _fmpz_vec_clear(v, FLINT_MAX(n, 1));
}

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

/* M = Mz Dc^-1, y = yz / dy, Gz_i = r_i G_i Dc (r_i > 0, row content 1);
   for the squared loss also the Gram data H, c, yy. */
typedef struct
{
    slong k, D, m;
    fmpz *Mz;                   /* D x k */
    fmpz *yz;                   /* D */
    fmpz *dc;                   /* k: column scales of M */
    fmpz_t dy;                  /* scale of y */
    fmpz *H;                    /* k x k: Mz^T Mz (with_gram) */
    fmpz *c;                    /* k: Mz^T yz (with_gram) */
    fmpz_t yy;                  /* yz.yz (with_gram) */
    fmpz *G;                    /* m x k: Gz (with_G, else NULL) */
    slong galloc;               /* rows allocated in G */
    unsigned char *zero;        /* m: row i of G is zero (with_G) */
}
zq_struct;

/* v * (s / den(v)) for the integer scale s, a multiple of den(v). */
static void scale_to_int(fmpz_t r, const fmpq_t v, const fmpz_t s, fmpz_t t)
{
    if (fmpz_is_one(fmpq_denref(v)))
        fmpz_mul(r, fmpq_numref(v), s);
    else
    {
        fmpz_divexact(t, s, fmpq_denref(v));
        fmpz_mul(r, fmpq_numref(v), t);
    }
}

static void zq_init(zq_struct *S, const cpwl_qp_t P, int with_gram, int with_G)
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
            scale_to_int(Mz + i * k + j, fmpq_mat_entry(P->M, i, j),
                         S->dc + j, t);
        scale_to_int(yz + i, P->y + i, S->dy, t);
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
                scale_to_int(g + j, v, t, t2);
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

static void zq_clear(zq_struct *S)
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
static void zq_row_scale(fmpq_t r, const cpwl_qp_t P, const zq_struct *Z, slong l)
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

/* ---- exact linear systems -------------------------------------------- */

/* One fraction-free (Bareiss) elimination step on the c-column integer
   matrix A: with pivot A[pr][pc], rows pr+1..nr-1 become
   (A[pr][pc] A[i][j] - A[i][pc] A[pr][j]) / prev for the columns after
   pc (the division is exact), and their column pc becomes 0. */
static void bareiss_step(fmpz *A, slong c, slong pr, slong pc, slong nr,
                         const fmpz_t prev, fmpz_t t)
{
    slong i, j;
    for (i = pr + 1; i < nr; i++)
    {
        for (j = pc + 1; j < c; j++)
        {
            fmpz_mul(t, A + pr * c + pc, A + i * c + j);
            fmpz_submul(t, A + i * c + pc, A + pr * c + j);
            fmpz_divexact(A + i * c + j, t, prev);
        }
        fmpz_zero(A + i * c + pc);
    }
}

/* Solve the nr x nc integer system K z = r (row-major) by fraction-free
   elimination with full pivoting: z = zn / zd (nc entries), zd > 0, in
   lowest terms.  When the rank is below nc the free unknowns are set to
   fv (nc rationals, read at the free positions) or to 0 (fv NULL).
   Returns the rank, or -1 when the system is inconsistent. */
static slong solve_ff(fmpz *zn, fmpz_t zd, const fmpz *K, const fmpz *r,
                      slong nr, slong nc, const fmpq *fv)
{
    slong c = nc + 1, i, j, s, pr = -1, pc = -1, rank;
    fmpz *A = zv_new(nr * c), *Z = zv_new(nc);
    slong *perm = flint_malloc(FLINT_MAX(nc, 1) * sizeof(slong));
    fmpz_t prev, t, u, fd;

    fmpz_init_set_ui(prev, 1);
    fmpz_init(t);
    fmpz_init(u);
    fmpz_init_set_ui(fd, 1);
    for (i = 0; i < nr; i++)
    {
        for (j = 0; j < nc; j++)
            fmpz_set(A + i * c + j, K + i * nc + j);
        fmpz_set(A + i * c + nc, r + i);
    }
    for (j = 0; j < nc; j++)
        perm[j] = j;
    for (s = 0; s < FLINT_MIN(nr, nc); s++)
    {
        /* the first column with a nonzero left; in it, the smallest entry */
        pr = -1;
        for (j = s; j < nc && pr < 0; j++)
            for (i = s; i < nr; i++)
                if (!fmpz_is_zero(A + i * c + j)
                    && (pr < 0 || fmpz_cmpabs(A + i * c + j,
                                              A + pr * c + pc) < 0))
                {
                    pr = i;
                    pc = j;
                }
        if (pr < 0)
            break;
        if (pr != s)
            for (j = 0; j < c; j++)
                fmpz_swap(A + pr * c + j, A + s * c + j);
        if (pc != s)
        {
            slong q = perm[pc];
            perm[pc] = perm[s];
            perm[s] = q;
            for (i = 0; i < nr; i++)
                fmpz_swap(A + i * c + pc, A + i * c + s);
        }
        bareiss_step(A, c, s, s, nr, prev, t);
        fmpz_set(prev, A + s * c + s);
    }
    rank = s;
    for (i = rank; i < nr; i++)
        if (!fmpz_is_zero(A + i * c + nc))
        {
            rank = -1;
            goto done;
        }
    /* free unknowns: numerators over the common denominator fd */
    if (fv != NULL)
        for (j = rank; j < nc; j++)
            fmpz_lcm(fd, fd, fmpq_denref(fv + perm[j]));
    for (j = rank; j < nc; j++)
    {
        if (fv == NULL)
            fmpz_zero(Z + j);
        else
            scale_to_int(Z + j, fv + perm[j], fd, t);
    }
    /* back substitution: Z_i = prev fd z_i, integers by Cramer's rule on
       the leading rank x rank system */
    for (i = rank - 1; i >= 0; i--)
    {
        fmpz_mul(t, A + i * c + nc, fd);
        fmpz_mul(t, t, prev);
        for (j = i + 1; j < rank; j++)
            fmpz_submul(t, A + i * c + j, Z + j);
        for (j = rank; j < nc; j++)
            if (!fmpz_is_zero(Z + j))
            {
                fmpz_mul(u, A + i * c + j, Z + j);
                fmpz_submul(t, u, prev);
            }
        fmpz_divexact(Z + i, t, A + i * c + i);
    }
    for (j = rank; j < nc; j++)
        fmpz_mul(Z + j, Z + j, prev);
    fmpz_mul(zd, prev, fd);
    for (j = 0; j < nc; j++)
        fmpz_set(zn + perm[j], Z + j);
    if (fmpz_sgn(zd) < 0)
    {
        fmpz_neg(zd, zd);
        _fmpz_vec_neg(zn, zn, nc);
    }
    _fmpz_vec_content(t, zn, nc);
    fmpz_gcd(t, t, zd);
    if (!fmpz_is_one(t))
    {
        _fmpz_vec_scalar_divexact_fmpz(zn, zn, nc, t);
        fmpz_divexact(zd, zd, t);
    }
done:
    zv_free(A, nr * c);
    zv_free(Z, nc);
    flint_free(perm);
    fmpz_clear(prev);
    fmpz_clear(t);
    fmpz_clear(u);
    fmpz_clear(fd);
    return rank;
}

/* The exact KKT system of working set W (nw rows):
       H w - Gz_W^T nu = c,   Gz_W w = 0,
   unknowns (w, nu) = zn / zd.  Returns solve_ff's rank (or -1). */
static slong sq_kkt(fmpz *zn, fmpz_t zd, const zq_struct *S,
                    const slong *W, slong nw, const fmpq *fv)
{
    slong k = S->k, n = k + nw, i, j;
    fmpz *K = zv_new(n * n), *r = zv_new(n);
    slong rank;

    for (i = 0; i < k; i++)
    {
        for (j = 0; j < k; j++)
            fmpz_set(K + i * n + j, S->H + i * k + j);
        for (j = 0; j < nw; j++)
            fmpz_neg(K + i * n + k + j, S->G + W[j] * k + i);
        fmpz_set(r + i, S->c + i);
    }
    for (i = 0; i < nw; i++)
        for (j = 0; j < k; j++)
            fmpz_set(K + (k + i) * n + j, S->G + W[i] * k + j);
    rank = solve_ff(zn, zd, K, r, n, n, fv);
    zv_free(K, n * n);
    zv_free(r, n);
    return rank;
}

/* s = Gz_i . wn (its sign is that of row i at w = wn / wd, wd > 0). */
static void sq_row_dot(fmpz_t s, const zq_struct *S, slong i, const fmpz *wn)
{
    slong j, k = S->k;
    fmpz_zero(s);
    for (j = 0; j < k; j++)
        fmpz_addmul(s, S->G + i * k + j, wn + j);
}

/* Whether Gz w >= 0 for w = wn / wd. */
static int sq_feasible(const zq_struct *S, const fmpz *wn)
{
    slong i;
    int ok = 1;
    fmpz_t s;
    fmpz_init(s);
    for (i = 0; i < S->m && ok; i++)
    {
        if (S->zero[i])
            continue;
        sq_row_dot(s, S, i, wn);
        ok = fmpz_sgn(s) >= 0;
    }
    fmpz_clear(s);
    return ok;
}

/* The rank of the rows W of Gz (fraction-free elimination). */
static slong sq_rows_rank(const zq_struct *S, const slong *W, slong nw)
{
    slong k = S->k, i, j, s, rank = 0, p;
    fmpz *A = zv_new(nw * k);
    fmpz_t prev, t;

    fmpz_init_set_ui(prev, 1);
    fmpz_init(t);
    for (i = 0; i < nw; i++)
        for (j = 0; j < k; j++)
            fmpz_set(A + i * k + j, S->G + W[i] * k + j);
    for (s = 0; s < k && rank < nw; s++)
    {
        for (p = rank; p < nw; p++)
            if (!fmpz_is_zero(A + p * k + s))
                break;
        if (p == nw)
            continue;
        if (p != rank)
            for (j = 0; j < k; j++)
                fmpz_swap(A + p * k + j, A + rank * k + j);
        bareiss_step(A, k, rank, s, nw, prev, t);
        fmpz_set(prev, A + rank * k + s);
        rank++;
    }
    zv_free(A, nw * k);
    fmpz_clear(prev);
    fmpz_clear(t);
    return rank;
}

/* ---- the double pre-solve -------------------------------------------- */

/* x * 2^-s as a double. */
static double zget_d(const fmpz_t x, slong s)
{
    slong e;
    double m;
    if (fmpz_is_zero(x))
        return 0;
    m = fmpz_get_d_2exp(&e, x);
    e -= s;
    return ldexp(m, (int) FLINT_MAX(-1100, FLINT_MIN(1100, e)));
}

/* Column shifts for the doubles, which work in v = 2^cs w: the columns
   of w differ in scale by hundreds of bits (dc_j, the size of the data),
   so each is scaled by a power of 2 to unit size: the diagonal of H
   (squared), the largest entry of the column of A (l1/hinge), or, for a
   column that is zero there, dc_j. */
static void zq_col_shifts(slong *cs, const zq_struct *S, const fmpz *A,
                          slong D)
{
    slong i, j, k = S->k;
    for (j = 0; j < k; j++)
    {
        slong b = 0;
        if (A == NULL)
            b = (fmpz_bits(S->H + j * k + j) + 1) / 2;
        else
            for (i = 0; i < D; i++)
                b = FLINT_MAX(b, (slong) fmpz_bits(A + i * k + j));
        cs[j] = b > 0 ? b : (slong) fmpz_bits(S->dc + j);
    }
}

/* The integer row g (k entries, in w) as doubles in v = 2^cs w, scaled by
   a power of 2 to a largest entry in [1/2, 1); returns that power b
   (the row in doubles is g_j 2^-(cs_j + b)). */
static slong zq_row_d(double *gd, const fmpz *g, const slong *cs, slong k)
{
    slong j, b = WORD_MIN;
    for (j = 0; j < k; j++)
        if (!fmpz_is_zero(g + j))
            b = FLINT_MAX(b, (slong) fmpz_bits(g + j) - cs[j]);
    if (b == WORD_MIN)
        b = 0;
    for (j = 0; j < k; j++)
        gd[j] = zget_d(g + j, cs[j] + b);
    return b;
}

/* Gaussian elimination with partial pivoting on the n x (n+1) augmented
   matrix A; the solution goes to z.  Returns 0 on a (numerically) zero
   pivot. */
static int dsolve(double *z, double *A, slong n)
{
    slong c = n + 1, i, j, s, p;
    for (s = 0; s < n; s++)
    {
        p = s;
        for (i = s + 1; i < n; i++)
            if (fabs(A[i * c + s]) > fabs(A[p * c + s]))
                p = i;
        if (!(fabs(A[p * c + s]) > 1e-300))
            return 0;
        if (p != s)
            for (j = 0; j < c; j++)
            {
                double t = A[p * c + j];
                A[p * c + j] = A[s * c + j];
                A[s * c + j] = t;
            }
        for (i = s + 1; i < n; i++)
        {
            double f = A[i * c + s] / A[s * c + s];
            if (f != 0)
                for (j = s; j < c; j++)
                    A[i * c + j] -= f * A[s * c + j];
        }
    }
    for (i = n - 1; i >= 0; i--)
    {
        double t = A[i * c + n];
        for (j = i + 1; j < n; j++)
            t -= A[i * c + j] * z[j];
        z[i] = t / A[i * c + i];
        if (!isfinite(z[i]))
            return 0;
    }
    return 1;
}

/* The regularised KKT system of working set W in doubles:
       [Hd + eps I, -Gd_W^T; Gd_W, 0] sol = [rhs; 0]
   (K: scratch of (k + nw) (k + nw + 1) doubles). */
static int gi_kkt(double *sol, double *K, const double *Hd, double eps,
                  const double *Gd, slong k, const slong *W, slong nw,
                  const double *rhs)
{
    slong n = k + nw, c = n + 1, i, j, l;
    for (i = 0; i < n * c; i++)
        K[i] = 0;
    for (i = 0; i < k; i++)
    {
        for (j = 0; j < k; j++)
            K[i * c + j] = Hd[i * k + j];
        K[i * c + i] += eps;
        for (l = 0; l < nw; l++)
            K[i * c + k + l] = -Gd[W[l] * k + i];
        K[i * c + n] = rhs[i];
    }
    for (l = 0; l < nw; l++)
        for (j = 0; j < k; j++)
            K[(k + l) * c + j] = Gd[W[l] * k + j];
    return dsolve(sol, K, n);
}

/* The double pre-solve: the dual active-set method of Goldfarb and
   Idnani on (1/2) x^T (Hd + eps I) x - cd.x subject to Gd x >= 0 (H, c
   and G scaled as said below; eps makes it strictly convex).  It starts at the unconstrained minimum and adds violated
   rows, dropping rows whose multipliers would turn negative, so the
   degenerate vertex w = 0 (where every row is active) costs nothing.
   It proposes the working set W (returns its size, or -1 when the
   doubles broke down) and (w, nu) = z_j 2^ze_j in the exact problem's
   scaling (k + size entries; the shifts can be far beyond the range of
   doubles).  Only a proposal: the exact certificate decides. */
static slong sq_propose(slong *W, double *z, slong *ze, const zq_struct *S,
                        slong *iters)
{
    slong k = S->k, m = S->m, i, j, l, nw = 0, it = 0;
    slong maxit = 10 * (m + k) + 50, sH = 0, p;
    double *Hd = flint_malloc((k * k + 2 * k + 1) * sizeof(double));
    double *cd = Hd + k * k, *x = cd + k;
    double *Gd = flint_malloc((FLINT_MAX(m, 1) * k + 1) * sizeof(double));
    double *K = flint_malloc(((2 * k + 1) * (2 * k + 2)) * sizeof(double));
    double *sol = flint_malloc((2 * k + 1) * sizeof(double));
    double *u = flint_malloc((k + 1) * sizeof(double));
    slong *bits = flint_malloc((FLINT_MAX(m, 1)) * sizeof(slong));
    unsigned char *inW = flint_calloc(FLINT_MAX(m, 1), 1);
    slong *cs = flint_malloc((k + 1) * sizeof(slong));
    double eps, hmax = 0, x0max = 0;
    int ok = 1, fin = 1;

    /* the doubles work in v = 2^cs w with unit diagonal of H (Jacobi
       scaling), and c gets its own power of 2, sH: the cone is
       homogeneous, so that only scales the solution */
    zq_col_shifts(cs, S, NULL, 0);
    sH = WORD_MIN;
    for (i = 0; i < k; i++)
        if (!fmpz_is_zero(S->c + i))
            sH = FLINT_MAX(sH, (slong) fmpz_bits(S->c + i) - cs[i]);
    if (sH == WORD_MIN)
        sH = 0;
    for (i = 0; i < k; i++)
    {
        for (j = 0; j < k; j++)
            Hd[i * k + j] = zget_d(S->H + i * k + j, cs[i] + cs[j]);
        cd[i] = zget_d(S->c + i, sH + cs[i]);
        hmax = FLINT_MAX(hmax, Hd[i * k + i]);
    }
    eps = hmax > 0 ? 1e-14 * hmax : 1;
    for (i = 0; i < m; i++)
        bits[i] = zq_row_d(Gd + i * k, S->G + i * k, cs, k);

    ok = gi_kkt(sol, K, Hd, eps, Gd, k, W, nw, cd);
    for (j = 0; ok && j < k; j++)
    {
        x[j] = sol[j];
        x0max = FLINT_MAX(x0max, fabs(x[j]));
    }
    while (ok && it < maxit)
    {
        double xmax = x0max, smin = 0, s;

        /* the most violated row (beyond rounding noise, measured against
           the size of x and of the unconstrained minimum) */
        for (j = 0; j < k; j++)
            xmax = FLINT_MAX(xmax, fabs(x[j]));
        p = -1;
        for (i = 0; i < m; i++)
        {
            if (inW[i])
                continue;
            s = 0;
            for (j = 0; j < k; j++)
                s += Gd[i * k + j] * x[j];
            if (s < smin)
            {
                smin = s;
                p = i;
            }
        }
        if (p < 0 || smin >= -1e-12 * xmax)
            break;
        /* add p: its multiplier u_p rises from 0 */
        u[nw] = 0;
        while (ok && it < maxit)
        {
            double t1 = HUGE_VAL, t2 = HUGE_VAL, t, zn = 0, res = 0;
            slong jd = -1;
            int dep;

            it++;
            ok = gi_kkt(sol, K, Hd, eps, Gd, k, W, nw, Gd + p * k);
            if (!ok)
                break;
            /* z = sol[0..k): primal direction; sol[k..]: the rates of
               the multipliers of W; z = 0 iff row p depends on W */
            for (j = 0; j < k; j++)
            {
                double q = Gd[p * k + j];
                for (l = 0; l < nw; l++)
                    q += Gd[W[l] * k + j] * sol[k + l];
                res = FLINT_MAX(res, fabs(q));
                zn += sol[j] * Gd[p * k + j];
            }
            dep = res <= 1e-10;
            for (l = 0; l < nw; l++)
                if (sol[k + l] < 0 && u[l] / -sol[k + l] < t1)
                {
                    t1 = u[l] / -sol[k + l];
                    jd = l;
                }
            s = 0;
            for (j = 0; j < k; j++)
                s += Gd[p * k + j] * x[j];
            if (!dep && zn > 0)
                t2 = FLINT_MAX(0, -s) / zn;
            if (t1 == HUGE_VAL && t2 == HUGE_VAL)
            {
                /* "infeasible" (impossible: x = 0 is feasible): row p is
                   violated only by rounding; propose W as it is */
                ok = 0;
                break;
            }
            t = FLINT_MIN(t1, t2);
            if (t2 != HUGE_VAL)
                for (j = 0; j < k; j++)
                    x[j] += t * sol[j];
            for (l = 0; l < nw; l++)
                u[l] += t * sol[k + l];
            u[nw] += t;
            if (t2 <= t1)
            {
                inW[p] = 1;
                W[nw++] = p;
                break;
            }
            /* drop W[jd] (its multiplier reached 0) and go on with p,
               whose multiplier u[nw] moves down with the others */
            inW[W[jd]] = 0;
            for (l = jd; l + 1 < nw; l++)
                W[l] = W[l + 1];
            for (l = jd; l < nw; l++)
                u[l] = u[l + 1];
            nw--;
        }
    }
    /* a breakdown (a singular system, the iteration cap) still leaves a
       working set worth proposing when the first solve went through */
    *iters += it;
    fin = it > 0 || ok;
    for (j = 0; fin && j < k; j++)
    {
        z[j] = x[j];
        ze[j] = sH - cs[j];
        fin = isfinite(x[j]);
    }
    /* w = 2^(sH - cs) x and nu_i = u_i 2^(sH - b_i) (the column shifts
       cancel) */
    for (l = 0; fin && l < nw; l++)
    {
        z[k + l] = u[l];
        ze[k + l] = sH - bits[W[l]];
        fin = isfinite(u[l]);
    }
    flint_free(Hd);
    flint_free(Gd);
    flint_free(K);
    flint_free(sol);
    flint_free(u);
    flint_free(bits);
    flint_free(cs);
    flint_free(inW);
    return fin ? nw : -1;
}

/* The exact value of the double v. */
static void fmpq_set_double(fmpq_t q, double v)
{
    int ex;
    double f = frexp(v, &ex);
    fmpz_set_d(fmpq_numref(q), ldexp(f, 53));
    fmpz_one(fmpq_denref(q));
    ex -= 53;
    if (ex >= 0)
        fmpq_mul_2exp(q, q, ex);
    else
        fmpq_div_2exp(q, q, -ex);
}

/* ---- the exact active-set method ------------------------------------- */

/* Common denominator form of the rational vector w: w = wn / wd. */
static void vec_common(fmpz *wn, fmpz_t wd, const fmpq *w, slong n)
{
    slong j;
    fmpz_t t;
    fmpz_init(t);
    fmpz_one(wd);
    for (j = 0; j < n; j++)
        if (!fmpz_is_one(fmpq_denref(w + j)))
            fmpz_lcm(wd, wd, fmpq_denref(w + j));
    for (j = 0; j < n; j++)
        scale_to_int(wn + j, w + j, wd, t);
    fmpz_clear(t);
}

/* At a degenerate point w = wn / wd that minimises Q on W's subspace with
   some nu_j < 0: minimise grad.d over the cone of the rows active at w
   (box |d_j| <= 1), exactly.  Value 0: w is optimal and the LP's duals
   are its multipliers (nu, per row, into nu_row); returns 1.  Value < 0:
   a strict descent step is taken along d, w is updated, W is set to the
   blocking row (if any); returns 0.  Returns -1 on a solver failure. */
static int sq_lp_step(fmpq *w, slong *W, slong *nw, fmpq *nu_row,
                      const zq_struct *S, const fmpz *wn, const fmpz_t wd,
                      const fmpz *sl)
{
    slong k = S->k, m = S->m, i, j, na = 0, blk = -1;
    slong *act = flint_malloc(FLINT_MAX(m, 1) * sizeof(slong));
    fmpq *obj = qv_new(k + 1), *d = qv_new(k), *u;
    fmpq_t opt, t, a, best;
    fmpz_t gz;
    lp_t L;
    int res = -1;

    fmpq_init(opt);
    fmpq_init(t);
    fmpq_init(a);
    fmpq_init(best);
    fmpz_init(gz);
    lp_init(L, k);
    for (i = 0; i < m; i++)
        if (!S->zero[i] && fmpz_is_zero(sl + i))
        {
            fmpq *r = lp_add_row_zero(L, 0);
            for (j = 0; j < k; j++)
                fmpq_set_fmpz_frac(r + j, S->G + i * k + j, wd);
            act[na++] = i;
        }
    for (j = 0; j < k; j++)
    {
        fmpq *r = lp_add_row_zero(L, 0);
        fmpq_one(r + j);
        fmpq_one(r + k);
        r = lp_add_row_zero(L, 0);
        fmpq_set_si(r + j, -1, 1);
        fmpq_one(r + k);
    }
    /* gradient / 2 = H w - c = (H wn - wd c) / wd */
    for (j = 0; j < k; j++)
    {
        fmpz_mul(gz, wd, S->c + j);
        fmpz_neg(gz, gz);
        for (i = 0; i < k; i++)
            fmpz_addmul(gz, S->H + j * k + i, wn + i);
        fmpq_set_fmpz_frac(obj + j, gz, wd);
    }
    u = qv_new(L->m);
    if (lp_optimize_dual(opt, d, u, L, obj, 0) != LP_OPTIMAL)
        goto done;
    if (fmpq_sgn(opt) >= 0)
    {
        /* obj = sum_act u_i Gz_i / wd with u >= 0 (box duals must be 0);
           check it before trusting it */
        for (j = 0; j < 2 * k; j++)
            if (!fmpq_is_zero(u + na + j))
                goto done;
        qvec_zero(nu_row, m);
        for (i = 0; i < na; i++)
        {
            if (fmpq_sgn(u + i) < 0)
                goto done;
            fmpq_div_fmpz(nu_row + act[i], u + i, wd);
        }
        for (j = 0; j < k; j++)
        {
            fmpq_set(t, obj + j);
            for (i = 0; i < na; i++)
                if (!fmpq_is_zero(u + i))
                    fmpq_submul(t, L->rows + i * (k + 1) + j, u + i);
            if (!fmpq_is_zero(t))
                goto done;
        }
        res = 1;
        goto done;
    }
    /* descent: alpha* = -(obj.d) / (d^T H d), capped by the inactive rows */
    fmpq_zero(t);
    for (j = 0; j < k; j++)
        fmpq_addmul(t, obj + j, d + j);
    fmpq_neg(best, t);
    fmpq_zero(t);
    for (j = 0; j < k; j++)
        for (i = 0; i < k; i++)
            if (!fmpz_is_zero(S->H + j * k + i))
            {
                fmpq_mul(a, d + j, d + i);
                fmpq_mul_fmpz(a, a, S->H + j * k + i);
                fmpq_add(t, t, a);
            }
    if (fmpq_sgn(t) <= 0)
        goto done;
    fmpq_div(best, best, t);
    for (i = 0; i < m; i++)
    {
        if (S->zero[i] || fmpz_is_zero(sl + i))
            continue;
        fmpq_zero(t);
        for (j = 0; j < k; j++)
            if (!fmpz_is_zero(S->G + i * k + j))
            {
                fmpq_mul_fmpz(a, d + j, S->G + i * k + j);
                fmpq_add(t, t, a);
            }
        if (fmpq_sgn(t) < 0)
        {
            /* alpha_i = (sl_i / wd) / (-Gz_i.d) */
            fmpq_set_fmpz_frac(a, sl + i, wd);
            fmpq_div(a, a, t);
            fmpq_neg(a, a);
            if (fmpq_cmp(a, best) <= 0 && (blk < 0 || fmpq_cmp(a, best) < 0))
            {
                fmpq_set(best, a);
                blk = i;
            }
        }
    }
    for (j = 0; j < k; j++)
        fmpq_addmul(w + j, best, d + j);
    *nw = 0;
    if (blk >= 0)
        W[(*nw)++] = blk;
    res = 0;
done:
    qv_free(u, L->m);
    lp_clear(L);
    flint_free(act);
    qv_free(obj, k + 1);
    qv_free(d, k);
    fmpq_clear(opt);
    fmpq_clear(t);
    fmpq_clear(a);
    fmpq_clear(best);
    fmpz_clear(gz);
    return res;
}

/* The primal active-set method in exact arithmetic from the feasible
   point w (updated in place) with W empty; on success nu_row (m) holds
   the multipliers nu.  Returns CPWL_OK or an error. */
static int sq_exact(fmpq *w, fmpq *nu_row, const zq_struct *S,
                    slong *iters, cpwl_err_t e)
{
    slong k = S->k, m = S->m, i, j, l, nw = 0, it;
    slong *W = flint_malloc((k + 1) * sizeof(slong));
    unsigned char *inW = flint_calloc(FLINT_MAX(m, 1), 1);
    fmpz *wn = zv_new(k), *zn = zv_new(2 * k), *pn = zv_new(k);
    fmpz *sl = zv_new(m);
    fmpz_t wd, zd, t, an, ad;
    fmpq_t al, q;
    int status = CPWL_OK;

    fmpz_init(wd);
    fmpz_init(zd);
    fmpz_init(t);
    fmpz_init(an);
    fmpz_init(ad);
    fmpq_init(al);
    fmpq_init(q);
    for (it = 0;; it++)
    {
        slong jm = -1, blk = -1;
        int event = 1, degenerate = 0;

        if (it > 100000)
        {
            status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: the exact "
                             "active-set method did not terminate");
            break;
        }
        vec_common(wn, wd, w, k);
        for (i = 0; i < m; i++)
            sq_row_dot(sl + i, S, i, wn);
        if (sq_kkt(zn, zd, S, W, nw, NULL) < 0)
        {
            status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: inconsistent KKT "
                             "system");
            break;
        }
        /* pn = (w - x) wd zd; w minimises on the subspace iff H pn = 0 */
        for (j = 0; j < k; j++)
        {
            fmpz_mul(pn + j, wn + j, zd);
            fmpz_submul(pn + j, zn + j, wd);
        }
        for (j = 0; j < k && event; j++)
        {
            fmpz_zero(t);
            for (l = 0; l < k; l++)
                fmpz_addmul(t, S->H + j * k + l, pn + l);
            event = fmpz_is_zero(t);
        }
        if (event)
        {
            for (l = 0; l < nw; l++)
                if (fmpz_sgn(zn + k + l) < 0
                    && (jm < 0 || fmpz_cmp(zn + k + l, zn + k + jm) < 0))
                    jm = l;
            if (jm < 0)
            {
                qvec_zero(nu_row, m);
                for (l = 0; l < nw; l++)
                    fmpq_set_fmpz_frac(nu_row + W[l], zn + k + l, zd);
                break;
            }
            for (i = 0; i < m && !degenerate; i++)
                degenerate = !inW[i] && !S->zero[i] && fmpz_is_zero(sl + i);
            if (!degenerate)
            {
                inW[W[jm]] = 0;
                for (l = jm; l + 1 < nw; l++)
                    W[l] = W[l + 1];
                nw--;
                continue;
            }
            {
                int r = sq_lp_step(w, W, &nw, nu_row, S, wn, wd, sl);
                if (r < 0)
                {
                    status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: the exact "
                                     "LP of a degenerate step failed");
                    break;
                }
                if (r == 1)
                    break;
                memset(inW, 0, FLINT_MAX(m, 1));
                for (l = 0; l < nw; l++)
                    inW[W[l]] = 1;
                continue;
            }
        }
        /* step towards x = zn / zd; Gz_i.(x - w) has the sign of -Gz_i.pn,
           and row i blocks at alpha_i = sl_i zd / (Gz_i.pn) */
        fmpz_one(an);
        fmpz_one(ad);
        for (i = 0; i < m; i++)
        {
            if (inW[i] || S->zero[i])
                continue;
            sq_row_dot(t, S, i, pn);
            if (fmpz_sgn(t) > 0)
            {
                fmpz_t lhs, rhs;
                fmpz_init(lhs);
                fmpz_init(rhs);
                /* alpha_i < an / ad ? */
                fmpz_mul(lhs, sl + i, zd);
                fmpz_mul(lhs, lhs, ad);
                fmpz_mul(rhs, an, t);
                if (fmpz_cmp(lhs, rhs) < 0)
                {
                    fmpz_mul(an, sl + i, zd);
                    fmpz_set(ad, t);
                    blk = i;
                }
                fmpz_clear(lhs);
                fmpz_clear(rhs);
            }
        }
        fmpq_set_fmpz_frac(al, an, ad);
        for (j = 0; j < k; j++)
        {
            /* w += alpha (x - w) */
            fmpq_set_fmpz_frac(q, zn + j, zd);
            fmpq_sub(q, q, w + j);
            fmpq_addmul(w + j, al, q);
        }
        if (blk >= 0)
        {
            inW[blk] = 1;
            W[nw++] = blk;
        }
    }
    *iters += it;
    flint_free(W);
    flint_free(inW);
    zv_free(wn, k);
    zv_free(zn, 2 * k);
    zv_free(pn, k);
    zv_free(sl, m);
    fmpz_clear(wd);
    fmpz_clear(zd);
    fmpz_clear(t);
    fmpz_clear(an);
    fmpz_clear(ad);
    fmpq_clear(al);
    fmpq_clear(q);
    return status;
}

/* The solution in P's terms: theta = Dc w / dy, lambda_i = 2 nu_i r_i /
   dy with r_i = Gz_ij / (G_ij dc_j), value = Q(w) / dy^2. */
static void sq_output(cpwl_qp_sol_t Sol, const cpwl_qp_t P, const zq_struct *S,
                      const fmpq *w, const fmpq *nu_row)
{
    slong k = S->k, m = S->m, i, j;
    fmpz *wn = zv_new(k);
    fmpz_t wd, t, Q;
    fmpq_t r;

    fmpz_init(wd);
    fmpz_init(t);
    fmpz_init(Q);
    fmpq_init(r);
    for (j = 0; j < k; j++)
    {
        fmpq_mul_fmpz(Sol->theta + j, w + j, S->dc + j);
        fmpq_div_fmpz(Sol->theta + j, Sol->theta + j, S->dy);
    }
    for (i = 0; i < m; i++)
    {
        fmpq_zero(Sol->lambda + i);
        if (fmpq_is_zero(nu_row + i) || S->zero[i])
            continue;
        zq_row_scale(r, P, S, i);
        fmpq_mul(Sol->lambda + i, nu_row + i, r);
        fmpq_mul_2exp(Sol->lambda + i, Sol->lambda + i, 1);
        fmpq_div_fmpz(Sol->lambda + i, Sol->lambda + i, S->dy);
    }
    /* Q(w) wd^2 = wn^T H wn - 2 wd c.wn + wd^2 yy */
    vec_common(wn, wd, w, k);
    for (i = 0; i < k; i++)
    {
        fmpz_zero(t);
        for (j = 0; j < k; j++)
            fmpz_addmul(t, S->H + i * k + j, wn + j);
        fmpz_submul(t, S->c + i, wd);
        fmpz_submul(t, S->c + i, wd);
        fmpz_addmul(Q, t, wn + i);
    }
    fmpz_mul(t, wd, wd);
    fmpz_addmul(Q, t, S->yy);
    fmpz_mul(t, t, S->dy);
    fmpz_mul(t, t, S->dy);
    fmpq_set_fmpz_frac(Sol->value, Q, t);
    qvec_zero(Sol->mu, Sol->D);
    zv_free(wn, k);
    fmpz_clear(wd);
    fmpz_clear(t);
    fmpz_clear(Q);
    fmpq_clear(r);
}

/* The squared loss; fast: with the double proposal (else the exact
   active-set method alone, from 0). */
static int qp_solve_squared(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int fast, cpwl_err_t e)
{
    slong k = P->k, m = P->m, nw, j, l, attempt, rank = -1;
    slong *W = flint_malloc((k + 1) * sizeof(slong));
    double *zd_ = flint_malloc((2 * k + 1) * sizeof(double));
    slong *ze = flint_malloc((2 * k + 1) * sizeof(slong));
    fmpz *zn = zv_new(2 * k);
    fmpq *w = qv_new(k), *nu_row = qv_new(m), *fv = qv_new(2 * k);
    fmpz_t zd;
    zq_struct S;
    int status = CPWL_OK, ok = 0, feasible = 0;

    fmpz_init(zd);
    zq_init(&S, P, 1, 1);
    Sol->iterations = 0;
    Sol->by_double = 0;
    nw = fast ? sq_propose(W, zd_, ze, &S, &Sol->iterations) : -1;
    if (nw >= 0 && sq_rows_rank(&S, W, nw) < nw)
        nw = -1;
    /* certify the proposal: free unknowns of a singular KKT system at 0,
       then at the double values (rounded to 20 bits, then exactly) */
    for (attempt = 0; nw >= 0 && attempt < 3 && !ok; attempt++)
    {
        if (attempt > 0)
        {
            if (rank == k + nw)
                break;
            for (j = 0; j < k + nw; j++)
            {
                double v = zd_[j];
                int ex;
                if (!isfinite(v))
                    v = 0;
                if (attempt == 1 && v != 0)
                {
                    double f = frexp(v, &ex);
                    v = ldexp(nearbyint(ldexp(f, 20)), ex - 20);
                }
                fmpq_set_double(fv + j, v);
                if (ze[j] >= 0)
                    fmpq_mul_2exp(fv + j, fv + j, ze[j]);
                else
                    fmpq_div_2exp(fv + j, fv + j, -ze[j]);
            }
        }
        rank = sq_kkt(zn, zd, &S, W, nw, attempt ? fv : NULL);
        if (rank < 0)
            break;
        feasible = sq_feasible(&S, zn);
        ok = feasible;
        for (l = 0; l < nw && ok; l++)
            ok = fmpz_sgn(zn + k + l) >= 0;
    }
    if (ok)
    {
        Sol->by_double = 1;
        for (j = 0; j < k; j++)
            fmpq_set_fmpz_frac(w + j, zn + j, zd);
        for (l = 0; l < nw; l++)
            fmpq_set_fmpz_frac(nu_row + W[l], zn + k + l, zd);
    }
    else
    {
        /* exact method from the last KKT point if it is feasible, else
           from 0 (always feasible: the constraints are homogeneous) */
        for (j = 0; j < k; j++)
        {
            if (nw >= 0 && rank >= 0 && feasible)
                fmpq_set_fmpz_frac(w + j, zn + j, zd);
            else
                fmpq_zero(w + j);
        }
        status = sq_exact(w, nu_row, &S, &Sol->iterations, e);
    }
    if (status == CPWL_OK)
        sq_output(Sol, P, &S, w, nu_row);
    zq_clear(&S);
    flint_free(W);
    flint_free(zd_);
    flint_free(ze);
    zv_free(zn, 2 * k);
    qv_free(w, k);
    qv_free(nu_row, m);
    qv_free(fv, 2 * k);
    fmpz_clear(zd);
    return status;
}

/* ---- l1 and hinge: a simplex method in theta-space ------------------- */

/* In the integer scaling (theta = Dc w) the loss is sum_i phi(h_i) / dy
   with pieces h_i = A_i.w - B_i and phi convex, positively homogeneous,
   with slopes sl < sr on the two sides of 0:
     l1:    A_i = dy Mz_i,    B_i = yz_i,  h_i = dy r_i,  slopes -1, +1;
     hinge: A_i = yz_i Mz_i,  B_i = dy,    h_i = -dy t_i, slopes -1, 0.
   A vertex is given by a basis of k hyperplanes (pieces h_i = 0, rows
   Gz_l w = 0, or, while the method starts up or along directions on
   which nothing depends, coordinate rows) and a side (+1 or -1) for each
   piece off the basis: the slope that piece contributes. */

#define PL_PIECE 0
#define PL_ROW 1
#define PL_FREE 2               /* a coordinate row, to be replaced */
#define PL_LINE 3               /* a coordinate row along which nothing
                                   changes: kept */

typedef struct
{
    slong k, D, m;
    fmpz *A;                    /* D x k */
    fmpz *B;                    /* D */
    slong sl, sr;
}
pl_struct;

static void pl_init(pl_struct *L, const zq_struct *Z, cpwl_qp_loss loss)
{
    slong k = Z->k, D = Z->D, i, j;
    L->k = k;
    L->D = D;
    L->m = Z->m;
    L->A = zv_new(D * k);
    L->B = zv_new(D);
    L->sl = -1;
    L->sr = loss == CPWL_QP_L1 ? 1 : 0;
    for (i = 0; i < D; i++)
    {
        const fmpz *s = loss == CPWL_QP_L1 ? Z->dy : Z->yz + i;
        for (j = 0; j < k; j++)
            fmpz_mul(L->A + i * k + j, Z->Mz + i * k + j, s);
        fmpz_set(L->B + i, loss == CPWL_QP_L1 ? Z->yz + i : Z->dy);
    }
}

static void pl_clear(pl_struct *L)
{
    zv_free(L->A, L->D * L->k);
    zv_free(L->B, L->D);
}

typedef struct
{
    double t, inc;
    slong i;
}
pl_break;

static int pl_break_cmp(const void *a, const void *b)
{
    const pl_break *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* The basis matrix (rows) in doubles. */
static void pl_basis_rows(double *R, const slong *bt, const slong *bi,
                          const double *Ad, const double *Gd, slong k)
{
    slong j, l;
    for (j = 0; j < k; j++)
        for (l = 0; l < k; l++)
        {
            if (bt[j] == PL_PIECE)
                R[j * k + l] = Ad[bi[j] * k + l];
            else if (bt[j] == PL_ROW)
                R[j * k + l] = Gd[bi[j] * k + l];
            else
                R[j * k + l] = l == bi[j];
        }
}

/* A fixed pseudo-random number in [1/2, 3/2) for index i. */
static double pl_jitter(slong i, ulong salt)
{
    ulong z = (ulong) i * UWORD(2654435761) + salt * UWORD(40503);
    z ^= z >> 13;
    z *= UWORD(2246822519);
    z ^= z >> 16;
    return 0.5 + (double) (z & UWORD(0xffffff)) / 16777216.0;
}

/* The simplex method in doubles: from w = 0 with the coordinate rows as
   basis, choose a basic row whose release decreases the loss (Dantzig's
   rule; Bland's after a run of degenerate steps), move along the edge
   past every breakpoint that keeps the slope negative (a long step), and
   let the stopping piece or the first blocking row of G enter.
   Degenerate vertices (many pieces through one point, every row of G
   tight at w = 0) make such methods cycle; the right-hand sides are
   therefore perturbed by tiny distinct amounts (h_i + p_i, Gd_l w >=
   -q_l).  The multipliers of a basis do not depend on them, and the
   certificate uses the exact data.  Returns 1 with the final basis (bt,
   bi) and sides, 0 when the doubles broke down.  Only a proposal: the
   exact certificate decides. */
static int pl_propose(slong *bt, slong *bi, signed char *side,
                      const pl_struct *L, const zq_struct *Z, slong *iters)
{
    slong k = L->k, D = L->D, m = L->m, i, j, l, it, sA;
    slong maxit = 20 * (D + m + k) + 100, degen = 0, nb;
    double *Ad = flint_malloc((D * k + 1) * sizeof(double));
    double *Bd = flint_malloc((D + 1) * sizeof(double));
    double *Gd = flint_malloc((m * k + 1) * sizeof(double));
    double *K = flint_malloc((k * (k + 1) + 1) * sizeof(double));
    double *R = flint_malloc((k * k + 1) * sizeof(double));
    double *w = flint_malloc((4 * k + 1) * sizeof(double));
    double *u = w + k, *d = u + k, *g = d + k;
    double *h = flint_malloc((D + 1) * sizeof(double));
    double *gl = flint_malloc((m + 1) * sizeof(double));
    double *an = flint_malloc((D + 1) * sizeof(double));
    double *pb = flint_malloc((D + m + 1) * sizeof(double)), *pg = pb + D;
    double bmax = 0, amax = 0;
    pl_break *br = flint_malloc((D + 1) * sizeof(pl_break));
    unsigned char *inP = flint_calloc(D + 1, 1), *inG = flint_calloc(m + 1, 1);
    slong *cs = flint_malloc((k + 1) * sizeof(slong));
    int ok = 0;

    /* doubles in v = 2^cs w (see sq_propose) with the pieces scaled by
       2^-sA: the tolerances below take the entries of A and of G to be of
       unit size, and B sets the size of v; so the columns of A are scaled
       to unit size, B by 2^-sA to unit size, and v by the rest */
    zq_col_shifts(cs, Z, L->A, D);
    sA = 0;
    for (i = 0; i < D; i++)
        sA = FLINT_MAX(sA, (slong) fmpz_bits(L->B + i));
    for (j = 0; j < k; j++)
        cs[j] -= sA;
    for (i = 0; i < D; i++)
    {
        an[i] = 0;
        for (j = 0; j < k; j++)
        {
            Ad[i * k + j] = zget_d(L->A + i * k + j, sA + cs[j]);
            an[i] += fabs(Ad[i * k + j]);
        }
        Bd[i] = zget_d(L->B + i, sA);
        bmax = FLINT_MAX(bmax, fabs(Bd[i]));
        amax = FLINT_MAX(amax, an[i]);
    }
    /* perturbations: 1e-9 of the size of B, and of the rows of G at the
       size of w that B / A suggests */
    if (bmax == 0)
        bmax = 1;
    for (i = 0; i < D; i++)
    {
        pb[i] = 1e-9 * bmax * pl_jitter(i, 1);
        side[i] = pb[i] - Bd[i] > 0 ? 1 : -1;      /* h_i(0) = -B_i + p_i */
    }
    for (l = 0; l < m; l++)
        pg[l] = 1e-9 * bmax / (amax > 0 ? amax : 1) * pl_jitter(l, 2);
    for (i = 0; i < m; i++)
        zq_row_d(Gd + i * k, Z->G + i * k, cs, k);
    for (j = 0; j < k; j++)
    {
        bt[j] = PL_FREE;
        bi[j] = j;
        w[j] = 0;
    }

    for (it = 0; it < maxit; it++)
    {
        double best = 0, gmax = 0, dmax = 0, tb = HUGE_VAL, delta, t;
        slong jb = -1, sg = 0, lb = -1, free_j = -1, enter = -1;
        int bland = degen > 2 * k + 10;

        for (i = 0; i < D; i++)
        {
            h[i] = pb[i] - Bd[i];
            for (j = 0; j < k; j++)
                h[i] += Ad[i * k + j] * w[j];
        }
        for (l = 0; l < m; l++)
        {
            gl[l] = pg[l];
            for (j = 0; j < k; j++)
                gl[l] += Gd[l * k + j] * w[j];
        }
        /* g = sum over the pieces off the basis of their slopes times A_i;
           u solves R^T u = g */
        for (j = 0; j < k; j++)
            g[j] = 0;
        for (i = 0; i < D; i++)
            if (!inP[i])
            {
                double s = side[i] > 0 ? L->sr : L->sl;
                if (s != 0)
                    for (j = 0; j < k; j++)
                        g[j] += s * Ad[i * k + j];
            }
        for (j = 0; j < k; j++)
            gmax = FLINT_MAX(gmax, fabs(g[j]));
        pl_basis_rows(R, bt, bi, Ad, Gd, k);
        for (j = 0; j < k; j++)
        {
            for (l = 0; l < k; l++)
                K[j * (k + 1) + l] = R[l * k + j];
            K[j * (k + 1) + k] = g[j];
        }
        if (!dsolve(u, K, k))
            break;
        /* pricing: d f along the edge releasing row j in direction s is
           s u_j (+ the released piece's own slope) */
        for (j = 0; j < k; j++)
            if (bt[j] == PL_FREE)
            {
                free_j = j;
                break;
            }
        if (free_j >= 0)
        {
            jb = free_j;
            sg = u[jb] > 0 ? -1 : 1;
            best = -fabs(u[jb]);
        }
        else
        {
            double tol = 1e-9 * FLINT_MAX(1, gmax);
            best = -tol;
            for (j = 0; j < k && !(bland && jb >= 0); j++)
            {
                double dp, dm;
                if (bt[j] == PL_LINE)
                    continue;
                dp = u[j] + (bt[j] == PL_PIECE ? L->sr : 0);
                dm = bt[j] == PL_PIECE ? -u[j] - L->sl : HUGE_VAL;
                if (dp < best)
                {
                    best = dp;
                    jb = j;
                    sg = 1;
                }
                if (dm < best)
                {
                    best = dm;
                    jb = j;
                    sg = -1;
                }
            }
            if (jb < 0)
            {
                ok = 1;         /* no edge descends: optimal */
                break;
            }
        }
        /* the edge: R d = sg e_jb */
        for (j = 0; j < k; j++)
        {
            for (l = 0; l < k; l++)
                K[j * (k + 1) + l] = R[j * k + l];
            K[j * (k + 1) + k] = j == jb ? sg : 0;
        }
        if (!dsolve(d, K, k))
            break;
        for (j = 0; j < k; j++)
            dmax = FLINT_MAX(dmax, fabs(d[j]));
        for (;;)
        {
            /* rows of G that block, breakpoints of pieces on the way */
            tb = HUGE_VAL;
            lb = -1;
            for (l = 0; l < m; l++)
            {
                double rho = 0;
                if (inG[l])
                    continue;
                for (j = 0; j < k; j++)
                    rho += Gd[l * k + j] * d[j];
                if (rho < -1e-12 * dmax)
                {
                    t = FLINT_MAX(gl[l], 0) / -rho;
                    if (t < tb)
                    {
                        tb = t;
                        lb = l;
                    }
                }
            }
            nb = 0;
            for (i = 0; i < D; i++)
            {
                double rho = 0;
                if (inP[i])
                    continue;
                for (j = 0; j < k; j++)
                    rho += Ad[i * k + j] * d[j];
                if (fabs(rho) <= 1e-12 * dmax * an[i])
                    continue;
                if ((side[i] > 0 && rho < 0) || (side[i] < 0 && rho > 0))
                {
                    br[nb].t = FLINT_MAX(side[i] * h[i], 0) / fabs(rho);
                    br[nb].inc = (L->sr - L->sl) * fabs(rho);
                    br[nb].i = i;
                    nb++;
                }
            }
            qsort(br, nb, sizeof(pl_break), pl_break_cmp);
            delta = best;
            enter = -1;
            t = tb;
            for (l = 0; l < nb && br[l].t <= tb; l++)
            {
                delta += br[l].inc;
                if (delta >= -1e-12 * FLINT_MAX(1, gmax))
                {
                    enter = br[l].i;
                    t = br[l].t;
                    break;
                }
            }
            if (enter >= 0 || lb >= 0 || bt[jb] != PL_FREE || sg < 0)
                break;
            /* a free row with nothing ahead: look the other way */
            sg = -1;
            for (j = 0; j < k; j++)
                d[j] = -d[j];
        }
        if (enter < 0 && lb < 0)
        {
            if (bt[jb] != PL_FREE)
                break;          /* unbounded: impossible, the loss is >= 0 */
            bt[jb] = PL_LINE;   /* nothing depends on this direction */
            continue;
        }
        degen = t > 0 ? 0 : degen + 1;
        for (j = 0; j < k; j++)
            w[j] += t * d[j];
        /* pieces passed on the way change sides */
        for (l = 0; l < nb && br[l].t <= t; l++)
            if (br[l].i != enter)
                side[br[l].i] = -side[br[l].i];
        if (bt[jb] == PL_PIECE)
        {
            inP[bi[jb]] = 0;
            side[bi[jb]] = sg > 0 ? 1 : -1;
        }
        else if (bt[jb] == PL_ROW)
            inG[bi[jb]] = 0;
        if (enter >= 0)
        {
            bt[jb] = PL_PIECE;
            bi[jb] = enter;
            inP[enter] = 1;
        }
        else
        {
            bt[jb] = PL_ROW;
            bi[jb] = lb;
            inG[lb] = 1;
        }
    }
    *iters += it;
    flint_free(Ad);
    flint_free(Bd);
    flint_free(Gd);
    flint_free(K);
    flint_free(R);
    flint_free(w);
    flint_free(h);
    flint_free(gl);
    flint_free(an);
    flint_free(pb);
    flint_free(cs);
    flint_free(br);
    flint_free(inP);
    flint_free(inG);
    return ok;
}

/* The exact certificate of a proposed basis: w from the basis rows (the
   coordinate rows are left out: nothing depends on them), the sides of
   the pieces off the basis from the exact signs of h_i (the proposed side
   where h_i = 0), then the multipliers of the basis from stationarity
       sum_{pieces} slope_i A_i = sum_{rows} kappa_l Gz_l,
   and every condition checked exactly.  Fills Sol and returns 1, or 0. */
static int pl_certify(cpwl_qp_sol_t Sol, const cpwl_qp_t P, const pl_struct *L,
                      const zq_struct *Z, const slong *bt, const slong *bi,
                      const signed char *side)
{
    slong k = L->k, D = L->D, m = L->m, i, j, l, nr = 0;
    slong *rows = flint_malloc((k + 1) * sizeof(slong));
    fmpz *K = zv_new(k * k), *rhs = zv_new(k), *wn = zv_new(k);
    fmpz *hn = zv_new(D), *zn = zv_new(k), *sl = zv_new(D);
    fmpz_t wd, zd, t, tot;
    fmpq_t q, r;
    int ok = 0;

    fmpz_init(wd);
    fmpz_init(zd);
    fmpz_init(t);
    fmpz_init(tot);
    fmpq_init(q);
    fmpq_init(r);
    /* w: the basis rows at equality */
    for (j = 0; j < k; j++)
        if (bt[j] == PL_PIECE || bt[j] == PL_ROW)
        {
            const fmpz *a = bt[j] == PL_PIECE ? L->A + bi[j] * k
                                              : Z->G + bi[j] * k;
            for (l = 0; l < k; l++)
                fmpz_set(K + nr * k + l, a + l);
            if (bt[j] == PL_PIECE)
                fmpz_set(rhs + nr, L->B + bi[j]);
            else
                fmpz_zero(rhs + nr);
            rows[nr++] = j;
        }
    if (solve_ff(wn, wd, K, rhs, nr, k, NULL) < 0)
        goto done;
    /* feasibility: Gz w >= 0 */
    for (l = 0; l < m; l++)
    {
        if (Z->zero[l])
            continue;
        sq_row_dot(t, Z, l, wn);
        if (fmpz_sgn(t) < 0)
            goto done;
    }
    /* h_i wd, the slopes, the value sum phi(h_i) / dy and the right-hand
       side -sum_{off the basis} slope_i A_i */
    _fmpz_vec_zero(rhs, k);
    fmpz_zero(tot);
    for (i = 0; i < D; i++)
    {
        fmpz_mul(hn + i, L->B + i, wd);
        fmpz_neg(hn + i, hn + i);
        for (j = 0; j < k; j++)
            fmpz_addmul(hn + i, L->A + i * k + j, wn + j);
        if (fmpz_sgn(hn + i) > 0)
            fmpz_set_si(sl + i, L->sr);
        else if (fmpz_sgn(hn + i) < 0)
            fmpz_set_si(sl + i, L->sl);
        else
            fmpz_set_si(sl + i, side[i] > 0 ? L->sr : L->sl);
        if (fmpz_sgn(hn + i) > 0)
            fmpz_addmul_ui(tot, hn + i, (ulong) L->sr);
        else
            fmpz_submul_ui(tot, hn + i, (ulong) -L->sl);
    }
    for (i = 0; i < D; i++)
    {
        int basic = 0;
        for (j = 0; j < nr && !basic; j++)
            basic = bt[rows[j]] == PL_PIECE && bi[rows[j]] == i;
        if (basic || fmpz_is_zero(sl + i))
            continue;
        for (j = 0; j < k; j++)
            fmpz_submul(rhs + j, sl + i, L->A + i * k + j);
    }
    /* stationarity: [A_B^T, -Gz_B^T] (mu_B, kappa_B) = rhs (k x nr) */
    for (j = 0; j < k; j++)
        for (l = 0; l < nr; l++)
        {
            slong b = rows[l];
            if (bt[b] == PL_PIECE)
                fmpz_set(K + j * nr + l, L->A + bi[b] * k + j);
            else
                fmpz_neg(K + j * nr + l, Z->G + bi[b] * k + j);
        }
    if (solve_ff(zn, zd, K, rhs, k, nr, NULL) < 0)
        goto done;
    for (l = 0; l < nr; l++)
    {
        slong b = rows[l];
        if (bt[b] == PL_ROW)
        {
            if (fmpz_sgn(zn + l) < 0)
                goto done;
        }
        else
        {
            /* sl zd <= mu zd <= sr zd */
            fmpz_mul_si(t, zd, L->sl);
            if (fmpz_cmp(zn + l, t) < 0)
                goto done;
            fmpz_mul_si(t, zd, L->sr);
            if (fmpz_cmp(zn + l, t) > 0)
                goto done;
            fmpz_set(sl + bi[b], zn + l);   /* as a slope over zd */
        }
    }
    /* the solution in P's terms; slopes off the basis are integers */
    for (j = 0; j < k; j++)
    {
        fmpz_mul(t, wn + j, Z->dc + j);
        fmpq_set_fmpz_frac(Sol->theta + j, t, wd);
    }
    for (i = 0; i < D; i++)
    {
        int basic = 0;
        for (j = 0; j < nr && !basic; j++)
            basic = bt[rows[j]] == PL_PIECE && bi[rows[j]] == i;
        if (basic)
            fmpq_set_fmpz_frac(Sol->mu + i, sl + i, zd);
        else
        {
            fmpz_set(fmpq_numref(Sol->mu + i), sl + i);
            fmpz_one(fmpq_denref(Sol->mu + i));
        }
        if (P->loss == CPWL_QP_HINGE)
            fmpq_neg(Sol->mu + i, Sol->mu + i);
    }
    qvec_zero(Sol->lambda, m);
    for (l = 0; l < nr; l++)
    {
        slong b = rows[l];
        if (bt[b] != PL_ROW || fmpz_is_zero(zn + l))
            continue;
        /* lambda = kappa r_l / dy */
        zq_row_scale(r, P, Z, bi[b]);
        fmpz_mul(t, zd, Z->dy);
        fmpq_set_fmpz_frac(q, zn + l, t);
        fmpq_mul(Sol->lambda + bi[b], q, r);
    }
    fmpz_mul(t, wd, Z->dy);
    fmpq_set_fmpz_frac(Sol->value, tot, t);
    ok = 1;
done:
    flint_free(rows);
    zv_free(K, k * k);
    zv_free(rhs, k);
    zv_free(wn, k);
    zv_free(hn, D);
    zv_free(zn, k);
    zv_free(sl, D);
    fmpz_clear(wd);
    fmpz_clear(zd);
    fmpz_clear(t);
    fmpz_clear(tot);
    fmpq_clear(q);
    fmpq_clear(r);
    return ok;
}

/* The fast path for l1/hinge: propose in doubles, certify exactly.
   with_G = 0 solves the relaxation without G (lambda stays 0).  Returns 1
   when certified. */
static int pl_solve(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int with_G, slong *iters)
{
    zq_struct Z;
    pl_struct L;
    slong k = P->k;
    slong *bt = flint_malloc((k + 1) * sizeof(slong));
    slong *bi = flint_malloc((k + 1) * sizeof(slong));
    signed char *side = flint_malloc(P->D + 1);
    int ok;

    zq_init(&Z, P, 0, with_G);
    if (!with_G)
        Z.m = 0;
    pl_init(&L, &Z, P->loss);
    ok = pl_propose(bt, bi, side, &L, &Z, iters)
         && pl_certify(Sol, P, &L, &Z, bt, bi, side);
    pl_clear(&L);
    zq_clear(&Z);
    flint_free(bt);
    flint_free(bi);
    flint_free(side);
    return ok;
}

/* ---- l1 and hinge: LPs --------------------------------------------- */

/* The LP in (theta, e), e one variable per point, minimising sum e_i:
     l1:    e_i - M_i theta + y_i >= 0,  e_i + M_i theta - y_i >= 0;
     hinge: e_i >= 0,                    e_i + y_i M_i theta - 1 >= 0;
   then the rows of G (with_G).  Rows 2i, 2i+1 belong to point i. */
static void lp_loss_build(lp_t L, fmpq *obj, const cpwl_qp_t P, int with_G)
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
static int qp_solve_lp(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int fast, cpwl_err_t e)
{
    slong k = P->k, D = P->D, m = P->m, d = k + D, i;
    fmpq *obj, *x, *u;
    fmpq_t opt;
    lp_t L;
    const char *why = "";
    int st, status = CPWL_OK;

    Sol->iterations = 0;
    Sol->by_double = 0;
    if (fast && pl_solve(Sol, P, 1, &Sol->iterations))
    {
        Sol->by_double = 1;
        return CPWL_OK;
    }
    obj = qv_new(d + 1);
    x = qv_new(d);
    u = qv_new(2 * D + m);
    fmpq_init(opt);
    lp_init(L, d);
    lp_loss_build(L, obj, P, 1);
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
        zq_init(&S, P, 1, 0);
        sq_ls_value(lb, &S);
        zq_clear(&S);
    }
    else
    {
        slong d = P->k + P->D, it = 0;
        cpwl_qp_sol_t S;
        cpwl_qp_sol_init(S, P);
        if (pl_solve(S, P, 0, &it))
            fmpq_set(lb, S->value);
        else
        {
            fmpq *obj = qv_new(d + 1);
            lp_t L;
            lp_init(L, d);
            lp_loss_build(L, obj, P, 0);
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
