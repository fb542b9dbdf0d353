/* Distributions of the input x of a ReLU gate (thesis, chapter 3;
   Karmakar-Mukherjee, arXiv 2005.04211): a finite support with exact
   probabilities (expectations are finite sums, computed exactly), data
   (x, y) pairs taken as the uniform distribution on the rows, and
   continuous laws (Gaussian, uniform on a box, symmetric Gaussian
   mixtures) that are only sampled.  Their second and fourth moments
   Sigma = E[x x^T] and M = E[|x|^2 x x^T] are exact rationals for all
   kinds (closed forms for the continuous ones).

   Draws are seeded (splitmix64): an index of a finite support by
   rejection on the exact probabilities' common denominator (no bias; the
   same on every machine), a uniform coordinate on a grid of 2^53 points
   (the same on every machine), a Gaussian one as sigma times a double of
   Box-Muller on 53-bit uniforms, exactly (the same wherever libm's log,
   cos and sin round alike). */
#ifndef CPWL_DIST_H
#define CPWL_DIST_H

#include <stdint.h>
#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/err.h"
#include "cpwl/erm.h"

typedef enum
{
    CPWL_DIST_FINITE = 0,       /* K points x_k with probabilities p_k */
    CPWL_DIST_DATA,             /* K pairs (x_k, y_k), each of probability 1/K */
    CPWL_DIST_GAUSSIAN,         /* N(0, sigma^2 I_n) */
    CPWL_DIST_UNIFORM,          /* uniform on the box [lo, hi]^n */
    CPWL_DIST_MIXTURE           /* (1/J) sum_j (N(mu_j, sigma^2 I) +
                                   N(-mu_j, sigma^2 I)) / 2 */
}
cpwl_dist_kind;

typedef struct
{
    cpwl_dist_kind kind;
    slong n;                    /* dimension of x */
    slong K;                    /* FINITE, DATA: rows */
    fmpq *p;                    /* FINITE, DATA: K probabilities (>= 0,
                                   summing to 1 exactly) */
    fmpq *X;                    /* FINITE, DATA: K x n, row-major */
    fmpq *y;                    /* DATA: K labels; NULL otherwise */
    fmpz *cum;                  /* FINITE, DATA: K + 1 cumulative weights
                                   p_0 den, (p_0 + p_1) den, ..., from 0 */
    fmpz_t den;                 /* the probabilities' common denominator */
    fmpq_t sigma;               /* GAUSSIAN, MIXTURE: standard deviation > 0 */
    fmpq_t lo, hi;              /* UNIFORM: lo < hi */
    slong J;                    /* MIXTURE: number of means */
    fmpq *mu;                   /* MIXTURE: J x n */
}
cpwl_dist_struct;

typedef cpwl_dist_struct cpwl_dist_t[1];

void cpwl_dist_init(cpwl_dist_t D);
void cpwl_dist_clear(cpwl_dist_t D);

/* A finite support from CSV text: one row per support point, its
   probability as an exact literal (1/4, 0.25, 1e-2) then the n
   coordinates of x; the CSV conventions of data files (separator
   detected, quotes, '#' comments, BOM, CRLF; a first row with a cell
   that is not a number is a header).  Refused with a message naming the
   line (and cell): rows of different lengths, fewer than 2 cells, a
   cell that is not a number, a negative probability, probabilities that
   do not sum to exactly 1 (the message gives the sum, at the last row's
   line), no rows.  name is used in messages.  Fills den and cum; on an
   error D is left empty (K = 0). */
int cpwl_dist_read_str(cpwl_dist_t D, const char *text, size_t len,
                       const char *name, cpwl_err_t e);
int cpwl_dist_read_file(cpwl_dist_t D, const char *path, cpwl_err_t e);

/* The uniform distribution on the rows of data (kind DATA; the labels
   are kept). */
void cpwl_dist_set_data(cpwl_dist_t D, const cpwl_erm_data_t data);

/* den = the lcm of the probabilities' denominators and cum (K + 1
   entries, allocated here; D->cum must be NULL) from p: for a FINITE
   distribution whose n, K, p and X the caller set by hand. */
void cpwl_dist_fill_cum(cpwl_dist_t D);

/* A continuous law from its description:
     gaussian:n=N[;sigma=S]            N(0, S^2 I_N), S = 1 by default
     uniform:n=N[;lo=A;hi=B]           uniform on [A, B]^N, [-1, 1] by default
     mixture:mu=V;mu=V...[;sigma=S]    the symmetric mixture of the
                                       means V (comma lists, one length)
   with exact literals.  Returns 0 if s does not start with one of the
   three names followed by ':' (s is then a file name; D unchanged), 1
   when D is set, 2 on a malformed description (CPWL_ERR_INPUT in e, the
   message naming the parameter and what was expected). */
int cpwl_dist_parse(cpwl_dist_t D, const char *s, cpwl_err_t e);

/* 1 for GAUSSIAN, UNIFORM, MIXTURE (expectations are not finite sums). */
int cpwl_dist_is_continuous(const cpwl_dist_t D);

/* "finite", "data", "gaussian", "uniform", "mixture". */
const char *cpwl_dist_kind_name(cpwl_dist_kind k);

/* Decide exactly whether x and -x are equally likely.  Returns 1 if so;
   0 if not, with *witness (may be NULL) the first row k whose mirror
   -x_k has a different probability (-1 for continuous laws, whose
   asymmetry is a box with lo != -hi; -1 too when symmetric).  Repeated
   rows count with their total probability; zero rows are their own
   mirror; a row of probability 0 needs no mirror.  FINITE and DATA:
   O(K log K) comparisons after sorting. */
int cpwl_dist_symmetric(slong *witness, const cpwl_dist_t D);

/* Sigma = E[x x^T] and M = E[|x|^2 x x^T], exactly (n x n, initialised
   by the caller).  Finite sums for FINITE and DATA; closed forms
   otherwise (docs/api/dist.md):
     gaussian  Sigma = s^2 I,  M = (n + 2) s^4 I
     uniform   Sigma_ii = m2, Sigma_ij = m1^2,  with m_k = E[u^k] on
               [lo, hi] = (hi^(k+1) - lo^(k+1)) / ((k + 1)(hi - lo));
               M_ii = m4 + (n - 1) m2^2, M_ij = 2 m1 m3 + (n - 2) m1^2 m2
     mixture   per mean: Sigma = s^2 I + mu mu^T,
               M = (|mu|^2 + (n + 4) s^2) mu mu^T + (|mu|^2 s^2 + (n + 2) s^4) I,
               averaged over the means. */
void cpwl_dist_moments(fmpq_mat_t Sigma, fmpq_mat_t M, const cpwl_dist_t D);

/* splitmix64: the next 64 random bits of *state. */
uint64_t cpwl_dist_rand(uint64_t *state);

/* FINITE, DATA: a row index drawn with the exact probabilities (never a
   row of probability 0): r uniform in [0, den) from ceil(bits(den - 1) /
   64) draws (the top bits of the last), redrawn while r >= den, then the
   k with cum[k] <= r < cum[k + 1].  No draw when den = 1; -1 when K = 0. */
slong cpwl_dist_draw_index(const cpwl_dist_t D, uint64_t *state);

/* One draw of x (n exact rationals).  FINITE, DATA: the row
   cpwl_dist_draw_index draws.  UNIFORM: x_i = lo + (hi - lo) k_i 2^-53
   exactly, k_i the top 53 bits of a draw: in [lo, hi).  GAUSSIAN:
   x_i = sigma z_i exactly, z_i doubles of Box-Muller by pairs, u1 =
   (k + 1) 2^-53 in (0, 1] (so |z| < 8.58) and u2 = k' 2^-53 in [0, 1)
   from two draws, z = sqrt(-2 log u1) (cos, sin)(2 pi u2), an odd n
   dropping the last sine.  MIXTURE: the mean j uniformly (rejection on
   J), the sign from the top bit of a draw, then +-mu_j + sigma z as for
   GAUSSIAN.  Returns the row index for FINITE and DATA, -1 otherwise. */
slong cpwl_dist_draw(fmpq *x, const cpwl_dist_t D, uint64_t *state);

#endif
