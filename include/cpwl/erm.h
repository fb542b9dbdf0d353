/* Exact empirical risk minimisation for one-hidden-layer ReLU networks
   f(x) = sum_j v_j relu(<a_j, x> + b_j) (+ c)   (Arora, Basu, Mianjy,
   Mukherjee, ICLR 2018, Theorem 4.1; Mukherjee's thesis, chapter 2).

   By positive homogeneity v_j may be taken in {-1, +1}.  With the signs
   and, for every unit, the set P_j of data points where it is active
   fixed, the predictions are linear in (a, b, c) and the activation
   constraints <a_j, x_i> + b_j >= 0 (i in P_j), <= 0 (otherwise) are
   linear: a convex problem (cpwl/qp.h).  The sets that matter are the
   dichotomies {i : <a, x_i> + b > 0} of the data by affine hyperplanes:
   the activation patterns of the arrangement {(a, b) : <a, x_i> + b = 0}
   in R^(n+1), computed exactly by the region algorithms.  A cell is a
   choice of distinct nonempty dichotomies for the +1 units (S+) and for
   the -1 units (S-); cells with fewer than w units are contained in
   cells with w units (a unit with a = 0, b = 0 is feasible for any set),
   so only cells of min(w, 2N) units are solved, N the number of nonempty
   dichotomies: C(2N, w) cells. */
#ifndef CPWL_ERM_H
#define CPWL_ERM_H

#include <signal.h>
#include <stdio.h>
#include <flint/fmpq.h>
#include "cpwl/err.h"
#include "cpwl/net.h"
#include "cpwl/pred.h"
#include "cpwl/qp.h"
#include "cpwl/sched.h"

/* Data (SPEC section 4): D points x_i in Q^n with labels y_i. */
typedef struct
{
    slong D, n;
    fmpq *X;                    /* D x n, row-major */
    fmpq *y;                    /* D */
}
cpwl_erm_data_struct;

typedef cpwl_erm_data_struct cpwl_erm_data_t[1];

void cpwl_erm_data_init(cpwl_erm_data_t data);
void cpwl_erm_data_clear(cpwl_erm_data_t data);

/* Parse CSV text: one row "x_1,...,x_n,y" per line (LF or CRLF), cells
   separated by ',', ';' or a tab (detected from the first row: the first
   of tab, ';', ',' found outside quotes), optionally quoted "..." ("" is
   a quote), '#' comments, a UTF-8 byte order mark skipped, numbers read
   exactly (cpwl/num.h).  The first row is a header when one of its
   cells is a name (neither empty nor starting like a number: a digit,
   sign or point, nan, inf); otherwise it is data.  name is used in
   messages. */
int cpwl_erm_data_read_str(cpwl_erm_data_t data, const char *text, size_t len,
                           const char *name, cpwl_err_t e);
int cpwl_erm_data_read_file(cpwl_erm_data_t data, const char *path, cpwl_err_t e);

/* The same, polling *interrupt (may be NULL) after every line: when it is
   set, they stop with *stopped = 1, data empty and CPWL_OK. */
int cpwl_erm_data_read_str_stop(cpwl_erm_data_t data, int *stopped, const char *text,
                                size_t len, const char *name,
                                volatile sig_atomic_t *interrupt, cpwl_err_t e);
int cpwl_erm_data_read_file_stop(cpwl_erm_data_t data, int *stopped, const char *path,
                                 volatile sig_atomic_t *interrupt, cpwl_err_t e);

/* The same with the separator sep (',', ';' or '\t'; 0: detect). */
int cpwl_erm_data_read_str_sep(cpwl_erm_data_t data, int *stopped, const char *text,
                               size_t len, const char *name, int sep,
                               volatile sig_atomic_t *interrupt, cpwl_err_t e);
int cpwl_erm_data_read_file_sep(cpwl_erm_data_t data, int *stopped, const char *path,
                                int sep, volatile sig_atomic_t *interrupt, cpwl_err_t e);

/* The distinct nonempty dichotomies of the data, as bitsets of `words`
   limbs each (bit i: point i is active). */
typedef struct
{
    slong count, words;
    ulong *bits;
}
cpwl_erm_dich_struct;

typedef cpwl_erm_dich_struct cpwl_erm_dich_t[1];

void cpwl_erm_dich_init(cpwl_erm_dich_t S);
void cpwl_erm_dich_clear(cpwl_erm_dich_t S);

/* Dichotomy tables of more limbs are refused (1 GB on 64-bit machines). */
#define CPWL_ERM_MAX_DICH_LIMBS (WORD(1) << 27)

/* The dichotomies, exactly: for n = 1 by sorting the points
   (cpwl_erm_dichotomies_line), otherwise through the dual arrangement
   (cpwl_erm_dichotomies_regions). */
int cpwl_erm_dichotomies(cpwl_erm_dich_t S, const cpwl_erm_data_t data, cpwl_pred_ctx_t ctx,
                         cpwl_err_t e);

/* As the activation patterns of the arrangement {(a, b) : <a, x_i> + b =
   0} in R^(n+1), any n (cpwl/regions.h). */
int cpwl_erm_dichotomies_regions(cpwl_erm_dich_t S, int *stopped,
                                 const cpwl_erm_data_t data,
                                 volatile sig_atomic_t *interrupt, cpwl_pred_ctx_t ctx,
                                 cpwl_err_t e);

/* For n = 1 in O(D log D): the points from, or up to, each distinct x.
   Both poll *interrupt (may be NULL); when set they stop with *stopped = 1
   and S empty. */
int cpwl_erm_dichotomies_line(cpwl_erm_dich_t S, int *stopped, const cpwl_erm_data_t data,
                              volatile sig_atomic_t *interrupt, cpwl_err_t e);

typedef struct
{
    cpwl_qp_loss loss;
    slong width;
    int output_bias;
    int prune;                  /* use the proven lower bounds */
    int per_cell_bounds;        /* with prune: the previous method, every
                                   cell bounded from its own subproblem
                                   (slower, for comparison) */
    int exact_only;             /* solve subproblems by the exact method
                                   alone (no double proposal): slower, for
                                   comparison */
    slong max_cells;            /* refuse above this many cells */
    int certificate;            /* keep what cpwl_erm_certificate_write needs */
    int threads;                /* for the bounding phase (0: all cores);
                                   l1/hinge bounds are cddlib LPs, whose
                                   solves are serialised: one thread */
    volatile sig_atomic_t *interrupt;
    void (*progress)(void *data, slong done, slong total, const fmpq_t best);
    void *progress_data;
    cpwl_pred_ctx_struct *pred;
    /* The work units' scheduler (cpwl/sched.h): many processes, threads,
       checkpoint and resume.  NULL: one process on `threads` threads, no
       checkpoint.  Its interrupt is polled by the units. */
    cpwl_sched_struct *sched;
}
cpwl_erm_opts;

#define CPWL_ERM_DEFAULT_MAX_CELLS 2000000
#define CPWL_ERM_MAX_WIDTH 64
/* Cells beyond this are refused even without a --max-cells limit: their
   bounds would not fit in memory. */
#define CPWL_ERM_HARD_MAX_CELLS 200000000

void cpwl_erm_opts_init(cpwl_erm_opts *o, cpwl_pred_ctx_struct *pred);

typedef struct
{
    fmpq_t optimum;             /* exact; an upper bound when stopped */
    int stopped;                /* 0, or 1 when interrupted */
    int zero_bound;             /* stopped before any cell was solved:
                                   optimum is the zero network's loss, an
                                   upper bound */
    slong dichotomies;          /* N */
    slong cells;                /* C(2N, w') */
    slong solved, pruned;
    slong by_double;            /* subproblems certified from the double
                                   pre-solve */
    /* The optimal cell and its solution. */
    slong units;                /* w' = min(w, 2N) */
    slong opt_cell;             /* its number in the enumeration */
    slong *cell;                /* units indices into the dichotomies */
    int *sign;                  /* units signs */
    cpwl_qp_t qp;                    /* its subproblem */
    cpwl_qp_sol_t sol;               /* its certified solution */
    int have_sol;
    cpwl_net_t net;                  /* the optimal network (width w) */
    /* With opts->certificate: the dichotomies, every cell's lower bound
       (enumeration order; NULL without pruning) and the solution of every
       solved cell. */
    cpwl_erm_dich_struct dich;
    fmpq *bounds;
    slong nsols;
    slong *sol_cell;
    cpwl_qp_sol_struct *sols;
}
cpwl_erm_result_struct;

typedef cpwl_erm_result_struct cpwl_erm_result_t[1];

void cpwl_erm_result_init(cpwl_erm_result_t r);
void cpwl_erm_result_clear(cpwl_erm_result_t r);

/* The number of cells C(2N, min(w, 2N)) as an fmpz (for the limit). */
void cpwl_erm_count_cells(fmpz_t count, slong N, slong w);

/* Build the subproblem of a cell: units u with dichotomy sets[u] and
   sign sign[u]; theta = (a_1, b_1, ..., a_u, b_u[, c]). */
void cpwl_erm_cell_qp(cpwl_qp_t P, const cpwl_erm_data_t data, const cpwl_erm_dich_t S,
                      const slong *sets, const int *sign, slong units,
                      cpwl_qp_loss loss, int output_bias);

/* The network of a cell's solution theta (hidden width w >= units). */
void cpwl_erm_cell_net(cpwl_net_t net, const cpwl_erm_data_t data, const int *sign,
                       slong units, slong w, const fmpq *theta, int output_bias);

/* The exact loss of a network on the data. */
void cpwl_erm_net_loss(fmpq_t loss, const cpwl_net_t net, const cpwl_erm_data_t data,
                       cpwl_qp_loss kind);

/* Solve: the exact global optimum over all cells.  With pruning the
   cells are visited group by group in a fixed order (docs/erm.md); the
   optimum and the optimal cell (the first in that order attaining the
   optimum) are the same for any number of processes or threads and after
   a resume.  solved, pruned and by_double count the work done: with many
   processes they may be larger (cells solved speculatively).  With
   o->sched, every process of it calls this and gets the whole result. */
int cpwl_erm_solve(cpwl_erm_result_t r, const cpwl_erm_data_t data, const cpwl_erm_opts *o,
                   cpwl_err_t e);

/* The kind and key of erm checkpoints (cpwl/ckpt.h).  The key fixes
   what the answer and the recorded work units depend on: a fingerprint
   of the data (D, n, every exact value), the loss, width, output bias,
   prune, per_cell_bounds, exact_only and certificate.  *key is
   flint_malloc'ed (flint_free). */
#define CPWL_ERM_CKPT_KIND "erm"
void cpwl_erm_ckpt_key(char **key, const cpwl_erm_data_t data,
                       const cpwl_erm_opts *o);

/* Certificates.  The file (JSON, docs/erm.md) lists the dichotomies, a
   witness network, the optimal cell with its exact solution and KKT
   multipliers, and for every other cell either its proven lower bound or
   its solved optimum with multipliers.  Write needs a result of cpwl_erm_solve
   with opts->certificate set. */
int cpwl_erm_certificate_write(FILE *f, const cpwl_erm_result_t r,
                               const cpwl_erm_data_t data, const cpwl_erm_opts *o);

/* Which check of the verifier (src/erm/verify.c) rejected a certificate:
   one value per rejection branch, so that tests can tell them apart. */
typedef enum
{
    CPWL_ERM_VERIFY_OK = 0,
    CPWL_ERM_VERIFY_SYNTAX,          /* not JSON, not a certificate, a field
                                   missing or malformed (wrong length) */
    CPWL_ERM_VERIFY_PROBLEM,         /* loss, width or output bias other than
                                   the expected ones */
    CPWL_ERM_VERIFY_DATA,            /* points or dim other than the data's */
    CPWL_ERM_VERIFY_WITNESS,         /* the witness network is not a width-w
                                   network of the problem, or its loss,
                                   recomputed, is not the claimed optimum */
    CPWL_ERM_VERIFY_DICH_COUNT,      /* data in general position: the number of
                                   dichotomies is not Cover's count */
    CPWL_ERM_VERIFY_DICH,            /* the dichotomies are not those of the
                                   data (recomputed) */
    CPWL_ERM_VERIFY_CELLS,           /* not one entry per cell */
    CPWL_ERM_VERIFY_OPTIMAL_CELL,    /* the optimal cell is out of range,
                                   unsolved, or its value is not the claim */
    CPWL_ERM_VERIFY_BOUND,           /* a lower bound is not its cell's exact
                                   relaxation optimum */
    CPWL_ERM_VERIFY_NOT_EXCLUDED,    /* a lower bound is below the claim */
    CPWL_ERM_VERIFY_KKT,             /* a solution fails its optimality
                                   conditions (cpwl_qp_check) */
    CPWL_ERM_VERIFY_CELL_BELOW       /* a solved cell's value is below the
                                   claim */
}
cpwl_erm_verify_reason;

typedef struct
{
    cpwl_erm_verify_reason reason;
    slong cell;                 /* the cell rejected, or -1 */
    int cover;                  /* 1: the data are in general position and
                                   the dichotomies were counted against
                                   Cover's formula; 0: not (degenerate data,
                                   or more than CPWL_ERM_VERIFY_MAX_GP subsets
                                   to check) */
}
cpwl_erm_verify_info;

/* General position is checked on at most this many (n+1)-subsets. */
#define CPWL_ERM_VERIFY_MAX_GP 200000

/* Check a certificate against the data, solving nothing.  On success
   optimum holds the certified optimum and problem (may be NULL) the loss,
   width and output bias it is for.  expect (may be NULL) is the problem
   the caller asks about: its width (if > 0), loss (if >= 0) and
   output_bias (if >= 0) must be the certificate's.  A certificate that
   does not check gives CPWL_ERR_INPUT, the reason in e and in info (may be
   NULL). */
int cpwl_erm_certificate_check(fmpq_t optimum, cpwl_erm_opts *problem,
                               cpwl_erm_verify_info *info, const cpwl_erm_opts *expect,
                               const cpwl_erm_data_t data, const char *text,
                               size_t len, const char *name, cpwl_pred_ctx_t ctx,
                               cpwl_err_t e);

/* The same without expectations or reason. */
int cpwl_erm_certificate_verify(fmpq_t optimum, cpwl_erm_opts *problem,
                                const cpwl_erm_data_t data, const char *text,
                                size_t len, const char *name, cpwl_pred_ctx_t ctx,
                                cpwl_err_t e);

/* Cover's count 2 sum_{k<d} binom(D-1, k) of the dichotomies (the empty
   one included) of D points in general position in R^(d-1). */
void cpwl_erm_cover_count(fmpz_t count, slong D, slong d);

#endif
