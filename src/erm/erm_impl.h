/* Internals shared by the erm files (not installed). */
#ifndef CPWL_ERM_IMPL_H
#define CPWL_ERM_IMPL_H

#include <signal.h>
#include "cpwl/erm.h"
#include "interval.h"

/* Whether point i is in dichotomy t. */
static inline int erm_in_set(const cpwl_erm_dich_t S, slong t, slong i)
{
    return (S->bits[t * S->words + i / FLINT_BITS] >> (i % FLINT_BITS)) & 1;
}

static inline int erm_stop(volatile sig_atomic_t *interrupt)
{
    return interrupt != NULL && *interrupt;
}

/* cpwl_erm_data_read_str_sep with shape the cells of a row as messages
   name them ("x_1,...,x_n,y"), and, when where is not NULL, the line and
   the column of the first cell of every row, 2 entries a row, in a new
   array *where (flint_free; NULL when no rows are read). */
int erm_data_read_csv(cpwl_erm_data_t data, slong **where, int *stopped,
                      const char *text, size_t len, const char *name, int sep,
                      const char *shape, volatile sig_atomic_t *interrupt,
                      cpwl_err_t e);

/* The loss of prediction p against label y, added to acc. */
void erm_add_loss(fmpq *acc, const fmpq *p, const fmpq *y, cpwl_qp_loss kind);

/* Cells are the u-combinations of the 2N signed dichotomies (t < N: +1
   unit on dichotomy t; t >= N: -1 unit on t - N) in lexicographic order,
   starting from comb = (0, 1, ..., u - 1). */
void erm_next_comb(slong *comb, slong u, slong total);
void erm_comb_cell(slong *sets, int *sign, const slong *comb, slong u,
                   slong N);

/* Exact relaxation bounds of the squared loss from integer Gram blocks
   (src/erm/gram.c). */
typedef struct
{
    slong N, c, cc, D;          /* dichotomies; n + 1; c (c + 1) / 2 */
    int output_bias;
    const cpwl_erm_dich_struct *S;
    fmpz *zz;                   /* D x cc: upper triangles of z_i z_i^T */
    fmpz *yz;                   /* D x c: Y_i z_i */
    fmpz *rhs;                  /* N x c: sum over P_s of Y_i z_i */
    fmpz *one;                  /* N x c: sum over P_s of z_i */
    int diag;                   /* only the blocks B(s, s) (one unit) */
    slong nblk;                 /* N, or N^2 */
    fmpz *blk;                  /* nblk x cc: B(s, t) for s <= t, or NULL */
    fmpz_t yy, ysum, dy2;       /* sum Y_i^2, sum Y_i, dy^2 */
    /* The same as doubles with proven radii, for the filter (misc_iv:
       D, ysum, yy, dy2); NULL without the pair table. */
    iv *blk_iv, *rhs_iv, *one_iv, misc_iv[4];
}
erm_gram_struct;

typedef erm_gram_struct erm_gram_t[1];

/* Scratch space of one thread. */
typedef struct
{
    slong K, cc;
    fmpz *A, *B;
    iv *Av;                     /* K x K */
    unsigned char *zero;
    fmpz_t t, prev;
}
erm_gram_work;

/* Entry (a, b), a <= b, of the packed upper triangle of a c x c matrix. */
static inline slong erm_gram_tri(slong a, slong b, slong c)
{
    return a * c - a * (a - 1) / 2 + (b - a);
}

/* The tables for cells of the given number of units. */
/* Where B(s, t), s <= t, is in the table. */
static inline slong erm_gram_pair(const erm_gram_struct *Gm, slong s, slong t)
{
    return Gm->diag ? s : s * Gm->N + t;
}

void erm_gram_init(erm_gram_t Gm, const cpwl_erm_data_t data, const cpwl_erm_dich_t S,
                   slong units, int output_bias,
                   volatile sig_atomic_t *interrupt);
void erm_gram_clear(erm_gram_t Gm);
void erm_gram_block(fmpz *B, const erm_gram_t Gm, slong s, slong t);
void erm_gram_work_init(erm_gram_work *W, const erm_gram_t Gm, slong units);
void erm_gram_work_clear(erm_gram_work *W);

/* The exact optimum of the relaxation of every cell whose distinct
   dichotomies are set[0] < ... < set[g - 1] (squared loss). */
void erm_gram_bound(fmpq_t lb, const erm_gram_t Gm, const slong *set,
                    slong g, erm_gram_work *W);

/* A proven lower bound, as a double, on the same value: elimination in
   interval arithmetic (src/interval.h).  0 when it cannot tell (a pivot
   whose interval contains 0: a generator in, or nearly in, the span of
   the others); -1 without the pair table (no filter). */
double erm_gram_bound_lo(const erm_gram_t Gm, const slong *set, slong g,
                         erm_gram_work *W);

/* The number of a cell (a u-combination comb of the 2N signed
   dichotomies) in the lexicographic enumeration; binom[x * (u + 1) + j]
   = C(x, j) for x <= 2N, j <= u (erm_binom_table, saturated). */
slong *erm_binom_table(slong total, slong u);
slong erm_comb_rank(const slong *comb, slong u, slong total,
                    const slong *binom);

/* The cells of a group: the u-combinations of signed dichotomies whose
   distinct dichotomies are exactly set[0..g-1] (u - g of them with both
   signs), written to combs (u entries each, sorted), their count
   returned (C(g, u - g) 2^(2g - u)). */
slong erm_group_cells(slong *combs, const slong *set, slong g, slong u,
                      slong N);

#endif
