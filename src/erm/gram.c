/* ERM: the exact lower bound of a cell (the optimum of its relaxation
   without activation constraints) for the squared loss, from integer Gram
   blocks of the data instead of from the cell's subproblem.

   The relaxation of a cell minimises ||M theta - y||^2 over all theta:
   its value is ||y||^2 minus the squared norm of the projection of y on
   the column span of M.  Unit j contributes the columns s_j x_ik [i in
   P_j] and s_j [i in P_j]; negating or scaling a column, repeating a
   unit, or adding a copy of a unit with the other sign leaves the span
   unchanged.  So the bound depends only on the set of distinct
   dichotomies of the cell (its group), and with z_i = (d_1 x_i1, ...,
   d_n x_in, 1), d_k the common denominator of coordinate k, the Gram
   matrix of the span's generators is assembled from the blocks
     B(s, t) = sum over i in P_s and P_t of z_i z_i^T
   and the vectors sum over i in P_s of Y_i z_i (Y = dy y, integers):
   O(1) work per cell instead of O(D), and no constraint matrix at all. */
#include <string.h>
#include <flint/fmpz_vec.h>
#include <math.h>
#include "cpwl/erm.h"
#include "interval.h"
#include "erm_impl.h"

/* Pair tables of more entries are not kept: blocks are then summed for
   each group from the bitsets. */
#define GRAM_MAX_TABLE (WORD(1) << 22)

void erm_gram_init(erm_gram_t Gm, const cpwl_erm_data_t data, const cpwl_erm_dich_t S,
                   slong units, int output_bias,
                   volatile sig_atomic_t *interrupt)
{
    slong D = data->D, n = data->n, c = n + 1, N = S->count, i, k, a, b;
    fmpz_t dk, t;
    fmpz_init(dk);
    fmpz_init(t);
    memset(Gm, 0, sizeof(erm_gram_struct));
    Gm->N = N;
    Gm->c = c;
    Gm->cc = c * (c + 1) / 2;
    Gm->D = D;
    Gm->output_bias = output_bias;
    Gm->diag = units == 1;      /* one unit: only the blocks B(s, s) */
    Gm->S = S;
    Gm->zz = _fmpz_vec_init(D * Gm->cc);
    Gm->yz = _fmpz_vec_init(D * c);
    Gm->rhs = _fmpz_vec_init(N * c);
    Gm->one = _fmpz_vec_init(N * c);
    fmpz_init(Gm->yy);
    fmpz_init(Gm->ysum);
    fmpz_init(Gm->dy2);

    /* z_i and Y_i as integers: per-coordinate and label scales */
    {
        fmpz *z = _fmpz_vec_init(D * c), *Y = _fmpz_vec_init(D);
        for (k = 0; k < c; k++)
        {
            fmpz_one(dk);
            for (i = 0; k < n && i < D; i++)
                fmpz_lcm(dk, dk, fmpq_denref(data->X + i * n + k));
            for (i = 0; i < D; i++)
            {
                if (k == n)
                    fmpz_one(z + i * c + k);
                else
                {
                    const fmpq *x = data->X + i * n + k;
                    fmpz_divexact(t, dk, fmpq_denref(x));
                    fmpz_mul(z + i * c + k, fmpq_numref(x), t);
                }
            }
        }
        fmpz_one(dk);
        for (i = 0; i < D; i++)
            fmpz_lcm(dk, dk, fmpq_denref(data->y + i));
        fmpz_mul(Gm->dy2, dk, dk);
        for (i = 0; i < D; i++)
        {
            fmpz_divexact(t, dk, fmpq_denref(data->y + i));
            fmpz_mul(Y + i, fmpq_numref(data->y + i), t);
            fmpz_addmul(Gm->yy, Y + i, Y + i);
            fmpz_add(Gm->ysum, Gm->ysum, Y + i);
            for (a = 0; a < c; a++)
            {
                fmpz_mul(Gm->yz + i * c + a, Y + i, z + i * c + a);
                for (b = a; b < c; b++)
                    fmpz_mul(Gm->zz + i * Gm->cc + erm_gram_tri(a, b, c),
                             z + i * c + a, z + i * c + b);
            }
        }
        _fmpz_vec_clear(z, D * c);
        _fmpz_vec_clear(Y, D);
    }

    /* per dichotomy: sum Y_i z_i and sum z_i over P_s (N D steps: Ctrl-C
       is looked at once per dichotomy; the caller then stops) */
    for (k = 0; k < N && !(interrupt != NULL && *interrupt); k++)
        for (i = 0; i < D; i++)
            if (erm_in_set(S, k, i))
            {
                _fmpz_vec_add(Gm->rhs + k * c, Gm->rhs + k * c,
                              Gm->yz + i * c, c);
                for (a = 0; a < c; a++)
                    fmpz_add(Gm->one + k * c + a, Gm->one + k * c + a,
                             Gm->zz + i * Gm->cc + erm_gram_tri(a, c - 1, c));
            }

    /* the pair blocks, when the table is small enough */
    if (N <= GRAM_MAX_TABLE / FLINT_MAX(1, N * Gm->cc))
    {
        slong s, u, last;
        Gm->nblk = Gm->diag ? N : N * N;
        Gm->blk = _fmpz_vec_init(Gm->nblk * Gm->cc);
        for (s = 0; s < N && !(interrupt != NULL && *interrupt); s++)
            for (u = s, last = Gm->diag ? s : N - 1; u <= last; u++)
                erm_gram_block(Gm->blk + erm_gram_pair(Gm, s, u) * Gm->cc, Gm,
                               s, u);
        Gm->blk_iv = flint_malloc(Gm->nblk * Gm->cc * sizeof(iv));
        Gm->rhs_iv = flint_malloc(N * c * sizeof(iv));
        Gm->one_iv = flint_malloc(N * c * sizeof(iv));
        for (a = 0; a < Gm->nblk * Gm->cc; a++)
            Gm->blk_iv[a] = iv_of_fmpz(Gm->blk + a);
        for (a = 0; a < N * c; a++)
        {
            Gm->rhs_iv[a] = iv_of_fmpz(Gm->rhs + a);
            Gm->one_iv[a] = iv_of_fmpz(Gm->one + a);
        }
        fmpz_set_si(t, D);
        Gm->misc_iv[0] = iv_of_fmpz(t);
        Gm->misc_iv[1] = iv_of_fmpz(Gm->ysum);
        Gm->misc_iv[2] = iv_of_fmpz(Gm->yy);
        Gm->misc_iv[3] = iv_of_fmpz(Gm->dy2);
    }
    fmpz_clear(dk);
    fmpz_clear(t);
}

void erm_gram_clear(erm_gram_t Gm)
{
    _fmpz_vec_clear(Gm->zz, Gm->D * Gm->cc);
    _fmpz_vec_clear(Gm->yz, Gm->D * Gm->c);
    _fmpz_vec_clear(Gm->rhs, Gm->N * Gm->c);
    _fmpz_vec_clear(Gm->one, Gm->N * Gm->c);
    if (Gm->blk != NULL)
        _fmpz_vec_clear(Gm->blk, Gm->nblk * Gm->cc);
    flint_free(Gm->blk_iv);
    flint_free(Gm->rhs_iv);
    flint_free(Gm->one_iv);
    fmpz_clear(Gm->yy);
    fmpz_clear(Gm->ysum);
    fmpz_clear(Gm->dy2);
    memset(Gm, 0, sizeof(erm_gram_struct));
}

/* B(s, t) (upper triangle, cc entries) summed over the common points. */
void erm_gram_block(fmpz *B, const erm_gram_t Gm, slong s, slong t)
{
    const cpwl_erm_dich_struct *S = Gm->S;
    const ulong *bs = S->bits + s * S->words, *bt = S->bits + t * S->words;
    slong w, cc = Gm->cc;
    _fmpz_vec_zero(B, cc);
    for (w = 0; w < S->words; w++)
    {
        ulong m = bs[w] & bt[w];
        while (m != 0)
        {
            slong i = w * FLINT_BITS + __builtin_ctzll(m);
            m &= m - 1;
            _fmpz_vec_add(B, B, Gm->zz + i * cc, cc);
        }
    }
}

void erm_gram_work_init(erm_gram_work *W, const erm_gram_t Gm, slong units)
{
    W->K = units * Gm->c + 2;
    W->cc = Gm->cc;
    W->A = _fmpz_vec_init(W->K * W->K);
    W->B = _fmpz_vec_init(Gm->cc);
    W->zero = flint_malloc(W->K);
    W->Av = flint_malloc(W->K * W->K * sizeof(iv));
    fmpz_init(W->t);
    fmpz_init(W->prev);
}

void erm_gram_work_clear(erm_gram_work *W)
{
    _fmpz_vec_clear(W->A, W->K * W->K);
    _fmpz_vec_clear(W->B, W->cc);
    flint_free(W->zero);
    flint_free(W->Av);
    fmpz_clear(W->t);
    fmpz_clear(W->prev);
}

/* The block (s, t), s <= t, from the table or summed now into W->B. */
static const fmpz *gram_pair(const erm_gram_t Gm, slong s, slong t,
                             erm_gram_work *W)
{
    if (Gm->blk != NULL)
        return Gm->blk + erm_gram_pair(Gm, s, t) * Gm->cc;
    erm_gram_block(W->B, Gm, s, t);
    return W->B;
}

void erm_gram_bound(fmpq_t lb, const erm_gram_t Gm, const slong *set,
                    slong g, erm_gram_work *W)
{
    slong c = Gm->c, k = g * c + (Gm->output_bias ? 1 : 0), K = k + 1;
    slong L = W->K, p, i, j, a, b, s, t;
    fmpz *A = W->A;

    /* the upper triangle of the bordered Gram matrix [[H, h], [h^T, yy]]
       of the generators (units in set order, the output bias, then y) */
    for (s = 0; s < g; s++)
        for (t = s; t < g; t++)
        {
            const fmpz *B = gram_pair(Gm, set[s], set[t], W);
            for (a = 0; a < c; a++)
                for (b = 0; b < c; b++)
                {
                    if (s == t && b < a)
                        continue;
                    fmpz_set(A + (s * c + a) * L + t * c + b,
                             B + (a <= b ? erm_gram_tri(a, b, c)
                                  : erm_gram_tri(b, a, c)));
                }
        }
    for (s = 0; s < g; s++)
        for (a = 0; a < c; a++)
        {
            if (Gm->output_bias)
                fmpz_set(A + (s * c + a) * L + k - 1,
                         Gm->one + set[s] * c + a);
            fmpz_set(A + (s * c + a) * L + k, Gm->rhs + set[s] * c + a);
        }
    if (Gm->output_bias)
    {
        fmpz_set_si(A + (k - 1) * L + k - 1, Gm->D);
        fmpz_set(A + (k - 1) * L + k, Gm->ysum);
    }
    fmpz_set(A + k * L + k, Gm->yy);

    /* symmetric fraction-free elimination of the generators: the matrix
       is positive semidefinite, so a zero diagonal entry of a Schur
       complement means a zero row (a generator in the span of the
       earlier ones), skipped; entries stay integers (Bareiss: minors of
       the pivots so far) and the last entry ends as prev times the
       squared distance of Y from the span */
    fmpz_one(W->prev);
    memset(W->zero, 0, K);
    for (p = 0; p < k; p++)
    {
        fmpz *pp = A + p * L + p;
        if (fmpz_is_zero(pp))
        {
            W->zero[p] = 1;
            continue;
        }
        for (i = p + 1; i < K; i++)
        {
            if (W->zero[i])
                continue;
            for (j = i; j < K; j++)
            {
                fmpz *e = A + i * L + j;
                fmpz_mul(W->t, pp, e);
                fmpz_submul(W->t, A + p * L + i, A + p * L + j);
                if (fmpz_is_one(W->prev))
                    fmpz_swap(e, W->t);
                else
                    fmpz_divexact(e, W->t, W->prev);
            }
        }
        fmpz_set(W->prev, pp);
    }
    fmpz_mul(W->t, W->prev, Gm->dy2);
    fmpq_set_fmpz_frac(lb, A + k * L + k, W->t);
}

/* The elimination of erm_gram_bound without the integer scaling, in
   interval arithmetic: every interval contains the exact value of the
   same Schur complement entry, as long as every pivot interval is
   positive (then the pivot is nonzero and no generator is skipped).  The
   last entry contains ||P_perp Y||^2 and, divided by dy^2, the bound. */
double erm_gram_bound_lo(const erm_gram_t Gm, const slong *set, slong g,
                         erm_gram_work *W)
{
    slong c = Gm->c, cc = Gm->cc;
    slong k = g * c + (Gm->output_bias ? 1 : 0), K = k + 1, L = W->K;
    slong p, i, j, a, b, s, t;
    iv *A = W->Av, z;
    const iv *blk = Gm->blk_iv, *rhs = Gm->rhs_iv, *one = Gm->one_iv;
    const iv *misc = Gm->misc_iv;
    double lo;

    if (blk == NULL)
        return -1;
    for (s = 0; s < g; s++)
        for (t = s; t < g; t++)
        {
            const iv *B = blk + erm_gram_pair(Gm, set[s], set[t]) * cc;
            for (a = 0; a < c; a++)
                for (b = s == t ? a : 0; b < c; b++)
                    A[(s * c + a) * L + t * c + b]
                        = B[a <= b ? erm_gram_tri(a, b, c)
                            : erm_gram_tri(b, a, c)];
        }
    for (s = 0; s < g; s++)
        for (a = 0; a < c; a++)
        {
            if (Gm->output_bias)
                A[(s * c + a) * L + k - 1] = one[set[s] * c + a];
            A[(s * c + a) * L + k] = rhs[set[s] * c + a];
        }
    if (Gm->output_bias)
    {
        A[(k - 1) * L + k - 1] = misc[0];
        A[(k - 1) * L + k] = misc[1];
    }
    A[k * L + k] = misc[2];
    for (p = 0; p < k; p++)
    {
        iv piv = A[p * L + p];
        /* fl(m - r) > 0 implies m - r > 0 (rounding is monotone) */
        if (!iv_ok(piv) || !(piv.m - piv.r > 0))
            return 0;
        for (i = p + 1; i < K; i++)
        {
            iv l = iv_div(A[p * L + i], piv);
            for (j = i; j < K; j++)
                A[i * L + j] = iv_sub(A[i * L + j], iv_mul(l, A[p * L + j]));
        }
    }
    z = iv_div(A[k * L + k], misc[3]);
    if (!iv_ok(z))
        return 0;
    /* m - r rounded to nearest is within half an ulp: one step down is
       below it (the second step is slack) */
    lo = nextafter(nextafter(z.m - z.r, -INFINITY), -INFINITY);
    return lo > 0 ? lo : 0;
}
