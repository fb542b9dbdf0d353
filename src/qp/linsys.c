/* Exact linear systems for the qp module (see qp.c): fraction-free
   elimination and the KKT system of the squared loss. */
#include "qp_impl.h"

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
slong qp_solve_ff(fmpz *zn, fmpz_t zd, const fmpz *K, const fmpz *r,
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
            qp_scale_to_int(Z + j, fv + perm[j], fd, t);
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
   unknowns (w, nu) = zn / zd.  Returns qp_solve_ff's rank (or -1). */
slong qp_sq_kkt(fmpz *zn, fmpz_t zd, const zq_struct *S,
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
    rank = qp_solve_ff(zn, zd, K, r, n, n, fv);
    zv_free(K, n * n);
    zv_free(r, n);
    return rank;
}

/* s = Gz_i . wn (its sign is that of row i at w = wn / wd, wd > 0). */
void qp_sq_row_dot(fmpz_t s, const zq_struct *S, slong i, const fmpz *wn)
{
    slong j, k = S->k;
    fmpz_zero(s);
    for (j = 0; j < k; j++)
        fmpz_addmul(s, S->G + i * k + j, wn + j);
}

/* Whether Gz w >= 0 for w = wn / wd. */
int qp_sq_feasible(const zq_struct *S, const fmpz *wn)
{
    slong i;
    int ok = 1;
    fmpz_t s;
    fmpz_init(s);
    for (i = 0; i < S->m && ok; i++)
    {
        if (S->zero[i])
            continue;
        qp_sq_row_dot(s, S, i, wn);
        ok = fmpz_sgn(s) >= 0;
    }
    fmpz_clear(s);
    return ok;
}

/* The rank of the rows W of Gz (fraction-free elimination). */
slong qp_sq_rows_rank(const zq_struct *S, const slong *W, slong nw)
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
