/* Internals shared by the erm files (not installed). */
#ifndef CPWL_ERM_IMPL_H
#define CPWL_ERM_IMPL_H

#include <signal.h>
#include "cpwl/erm.h"
#include "interval.h"
#include "cpwl/sched.h"

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


/* ---- the search (solve.c, solve_percell.c, solve_groups.c,
   solve_visit.c) ---- */

/* Build and solve the subproblem of one cell: P and sol initialised
   here (cleared by the caller, also on error). */
int erm_cell_solve(cpwl_qp_t P, cpwl_qp_sol_t sol, const cpwl_erm_data_t data,
                   const cpwl_erm_dich_t S, const slong *sets, const int *sign,
                   slong u, const cpwl_erm_opts *o, cpwl_err_t e);

/* A copy of solution s of P into d (initialised here). */
void erm_sol_copy(cpwl_qp_sol_struct *d, const cpwl_qp_sol_t s);

/* Append a solved cell's solution to r (the certificate's list). */
void erm_result_add_sol(cpwl_erm_result_t r, slong idx, const cpwl_qp_sol_t s);

/* Solve one cell into r: kept when its value is below r's best. */
int erm_solve_cell(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                   const cpwl_erm_dich_t S, const slong *sets, const int *sign,
                   slong u, slong idx, const cpwl_erm_opts *o, cpwl_err_t e);

/* The previous method: every cell bounded from its own subproblem. */
int erm_solve_per_cell(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                       const cpwl_erm_dich_t S, const cpwl_erm_opts *o,
                       slong ncells, slong u, cpwl_err_t e);

/* Groups of cells with the same distinct dichotomies, bounded, pruned
   and visited on work units (solve_groups.c). */
int erm_solve_groups(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                     const cpwl_erm_dich_t S, const cpwl_erm_opts *o,
                     slong ncells, slong u, cpwl_err_t e);

/* Scratch space of one thread of the group search. */
typedef struct
{
    int ready;
    erm_gram_work W;
    slong *combs, *idx, *pairs, *tmp;
}
erm_group_work;

typedef struct
{
    const cpwl_erm_data_struct *data;
    const cpwl_erm_dich_struct *S;
    const cpwl_erm_opts *o;
    cpwl_sched_struct *s;
    erm_gram_struct *Gm;        /* squared loss, else unused */
    slong u, N, ngroups, ncells, maxc;
    slong *gsets, *binom;       /* groups' dichotomies, u per group */
    unsigned char *gsize;
    int nwork;
    erm_group_work *work;       /* one per thread, made on first use */
}
erm_groups;

/* The scratch space of thread tid (NULL beyond the threads foreseen). */
erm_group_work *erm_groups_work(erm_groups *G, int tid);

/* The cells of group gid by increasing number (W->combs, W->idx);
   returns their count. */
slong erm_group_cells_sorted(erm_groups *G, slong gid, erm_group_work *W);

/* What the visits found, as the collector builds it in visit order. */
typedef struct
{
    slong solved, by_double;
    int have;
    fmpq_t value;               /* the best (value, pos) */
    slong pos, gid, local, idx; /* its group, number in the group, cell */
}
erm_visit_acc;

void erm_visit_acc_init(erm_visit_acc *A);
void erm_visit_acc_clear(erm_visit_acc *A);
/* Process 0's accumulation to every process (the visits are collected
   on process 0 alone: the others only need what it found). */
int erm_visit_acc_bcast(erm_visit_acc *A, cpwl_sched_struct *s, cpwl_err_t e);

/* The position of a cell in the visit order: its group's rank there,
   then its number (ranks: 0 the first group, k + 1 the k-th kept). */
static inline slong erm_visit_pos(const erm_groups *G, slong rank, slong idx)
{
    return rank * G->ncells + idx;
}

/* Visit group gid of the given rank, exact bound lb: its cells in
   enumeration order, each pruned when (lb, its position) is not below
   the shared best, the others solved and better values offered.  The
   payload: cells solved, by double, the group's best; with the
   certificate every solution.  CPWL_SCHED_STOPPED on an interrupt. */
int erm_visit_run(cpwl_sched_buf *out, erm_groups *G, slong rank, slong gid,
                  const fmpq_t lb, int tid, cpwl_err_t e);

/* A solution as payload tokens: sizes, by_double, value, theta, lambda,
   mu. */
void erm_put_sol(cpwl_sched_buf *out, const cpwl_qp_sol_t s);

/* Without pruning: every cell, on units of consecutive cells whose
   payloads are those of visits (gid -1; solve_all.c). */
int erm_solve_all(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                  const cpwl_erm_dich_t S, const cpwl_erm_opts *o,
                  slong ncells, slong u, cpwl_err_t e);

/* Take in a visit's payload (r gets the certificate's solutions). */
int erm_visit_take(erm_visit_acc *A, cpwl_erm_result_t r, erm_groups *G,
                   slong rank, slong gid, const char *p, size_t len,
                   cpwl_err_t e);

/* The result from the best found: the optimal cell solved again. */
int erm_visit_finish(cpwl_erm_result_t r, erm_groups *G, const erm_visit_acc *A,
                     cpwl_err_t e);

#endif
