/* Distributions of sparse codes x* in Q^h for sparse coding (thesis,
   chapter 4): finite, with exact probabilities, so that expectations over
   them are finite sums computed exactly.  Two kinds:
     list       K codes with probabilities, read from CSV (p, x_1 ... x_h
                per row, the format of a finite distribution of module
                dist: probabilities >= 0 summing to exactly 1)
     supports   supports:k=K[;values=V,...][;p=P,...]  the support S
                uniform among the C(h, K) subsets of size K of {1..h}, and
                each x*_i, i in S, drawn independently from the non-zero
                values V (1 by default) with probabilities P (uniform by
                default); x*_i = 0 off S.  C(h, K) |V|^K codes.
   Codes are numbered 0 ... count - 1: a list in file order; supports in
   lexicographic order of S (as sorted index sets), and for each S the
   value patterns in lexicographic order of the value indices, the last
   support index varying fastest (code number = rank(S) |V|^K +
   pattern).

   Random codes (cpwl_codes_draw_random) have a support uniform among the
   subsets of size k and non-zeros on the grid m1 + (m2 - m1) j / G,
   j = 0 ... G, uniformly. */
#ifndef CPWL_CODES_H
#define CPWL_CODES_H

#include <stdint.h>
#include <stdio.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "cpwl/err.h"
#include "cpwl/dist.h"

typedef enum
{
    CPWL_CODES_LIST = 0,
    CPWL_CODES_SUPPORTS
}
cpwl_codes_kind;

typedef struct
{
    cpwl_codes_kind kind;
    slong h;                    /* length of a code */
    cpwl_dist_t list;           /* LIST: a finite distribution with n = h */
    slong k;                    /* SUPPORTS: support size, 0 <= k <= h */
    cpwl_dist_t values;         /* SUPPORTS: the values, a finite
                                   distribution with n = 1 (no zero value) */
}
cpwl_codes_struct;

typedef cpwl_codes_struct cpwl_codes_t[1];

void cpwl_codes_init(cpwl_codes_t C);
void cpwl_codes_clear(cpwl_codes_t C);

/* Set C from s: a supports spec (above) when s starts with "supports:",
   else the CSV file s.  h is the dictionary's number of atoms: a list
   whose rows do not have h coordinates, or k > h, is refused, the
   message giving both numbers (and the file and line for a list).
   Returns 0, or CPWL_ERR_INPUT with the message in e (a file that
   cannot be read too); C is then left empty (count 0). */
int cpwl_codes_init_str(cpwl_codes_t C, const char *s, slong h,
                        cpwl_err_t e);

/* The same from CSV text (a list; name is used in messages). */
int cpwl_codes_read_str(cpwl_codes_t C, const char *text, size_t len,
                        const char *name, slong h, cpwl_err_t e);

/* supports with k and the values (V entries, non-zero) and their
   probabilities (NULL: uniform; else >= 0, summing to 1).  Returns 0,
   or 1 with CPWL_ERR_INPUT in e. */
int cpwl_codes_set_supports(cpwl_codes_t C, slong h, slong k,
                            const fmpq *values, const fmpq *probs, slong V,
                            cpwl_err_t e);

/* The number of codes: K for a list, C(h, k) |V|^k for supports. */
void cpwl_codes_count(fmpz_t N, const cpwl_codes_t C);

/* Code number i (0 <= i < count; fmpz for counts past 2^63): x (h
   entries), its probability p, its support supp (0-based indices into
   x, sorted, *k entries; supp may be NULL).  Random access: unranks the
   support (combinatorial number system). */
void cpwl_codes_get(fmpq *x, fmpq_t p, slong *supp, slong *k,
                    const cpwl_codes_t C, const fmpz_t i);

/* Enumeration in code number order, cheaper than cpwl_codes_get per
   code:
     cpwl_codes_iter_t it;
     cpwl_codes_iter_init(it, C);
     while (cpwl_codes_iter_next(it, C))
         use it->x, it->p, it->supp, it->k, it->index;
     cpwl_codes_iter_clear(it, C); */
typedef struct
{
    fmpq *x;                    /* h: the current code */
    fmpq_t p;                   /* its probability */
    slong *supp;                /* its support, sorted */
    slong k;                    /* support size */
    fmpz_t index;               /* its number */
    slong *vidx;                /* internal: value indices (supports) */
    slong row;                  /* internal: next row (list) */
    int started, done;
}
cpwl_codes_iter_struct;

typedef cpwl_codes_iter_struct cpwl_codes_iter_t[1];

void cpwl_codes_iter_init(cpwl_codes_iter_t it, const cpwl_codes_t C);
int cpwl_codes_iter_next(cpwl_codes_iter_t it, const cpwl_codes_t C);
void cpwl_codes_iter_clear(cpwl_codes_iter_t it, const cpwl_codes_t C);

/* A code drawn from C with its exact probabilities (the row index or
   each value by module dist's unbiased draw; the support uniform by
   Floyd's algorithm on integers drawn by rejection, without bias),
   seeded by *state: x (h entries), supp and *k as for
   cpwl_codes_get. */
void cpwl_codes_draw(fmpq *x, slong *supp, slong *k, const cpwl_codes_t C,
                     uint64_t *state);

/* A random code of length h with support size k (uniform among the
   subsets; its k indices in supp, sorted) and entries m1 + (m2 - m1) j
   / G on it, j uniform in [0, G] (G >= 1; G = 0 takes m1 only); a grid
   that holds 0 (m1 <= 0 <= m2) can put a 0 on the support. */
void cpwl_codes_draw_random(fmpq *x, slong *supp, slong h, slong k,
                            const fmpq_t m1, const fmpq_t m2, slong G,
                            uint64_t *state);

/* Write the codes of C as CSV p,x_1,...,x_h (a header row, then one row
   per code in number order), readable by cpwl_codes_init_str.  Returns
   0, or 1 on a write error. */
int cpwl_codes_write_csv(FILE *f, const cpwl_codes_t C);

#endif
