/* Dictionaries for sparse coding (thesis, chapter 4; Rangamani,
   Mukherjee, Basu, Ganapathy, Arora, Chin, Tran, "Sparse coding and
   autoencoders", ISIT 2018, arXiv 1708.03735): a matrix A in Q^{n x h}
   whose h columns A_1 ... A_h are the atoms, data being y = A x* with a
   sparse code x*.  Stored as an fmpq_mat_t of n rows and h columns.

   Generators give exact rational entries and, where the construction
   allows it, columns of unit norm exactly:
     identity:n=N               I_N (h = N)
     hadamard:n=N[;signed]      H_N / sqrt(N), H_N the Sylvester Hadamard
                                matrix; N = 4^j so that sqrt(N) = 2^j is
                                rational (N = 1, 4, 16, 64, ...); signed:
                                its rows multiplied by seeded random signs
                                (still an orthonormal basis)
     union:n=N[;bases=B]        [I_N, D_2 H_N / sqrt(N), ..., D_B H_N / sqrt(N)]
                                (h = B N, B = 2 by default), D_2 = I and
                                D_3 ... D_B diagonal seeded random signs:
                                the identity-plus-Hadamard union of bases
                                (coherence 1 / sqrt(N)) and, for B >= 3,
                                unions whose coherence is decided exactly
     sphere:n=N;h=H[;height=M]  H seeded random rational unit vectors
                                (cpwl_dict_rand_unit with height M, 8 by
                                default)
   Coherence mu = max_{i != j} |<A_i, A_j>| / (|A_i| |A_j|) is computed
   exactly as mu^2 (a rational); mu itself is rational when the columns
   have unit norm.

   Matrix files (dictionaries A, n x h; weights W, h x n): CSV, one row
   per line, the conventions of data files (separator detected, quotes,
   '#' comments, a header row of names skipped, BOM, CRLF), exact
   literals; or JSON: an array of rows, each an array of numbers or
   strings holding exact literals ("1/3"), or an object whose member
   "matrix" is such an array (members "n", "h", "rows", "cols",
   "coherence2", "mu", "unit_columns", "generator", "seed" are allowed
   beside it, any other refused; the sizes are checked: "rows" and
   "cols" against the rows and columns, "n" and "h" against a
   dictionary's (n rows, h columns) or, when what is "W", against W's
   (h rows, n columns)).  A file whose
   first non-blank character is '[' or '{' is JSON.  A CSV file of one
   column (no separator on its first row) is read one cell a line.
   Files of more than 2^16 rows or columns are refused. */
#ifndef CPWL_DICT_H
#define CPWL_DICT_H

#include <stdint.h>
#include <stdio.h>
#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"

/* Generate the dictionary a spec above describes into A (initialised by
   the caller, any size; re-initialised to n x h).  seed drives the
   random signs and the sphere points (the same A on every machine).
   Returns 0, or 1 with CPWL_ERR_INPUT in e and a message naming the
   parameter and what was expected (an N that is not a power of 4 for
   hadamard and union, sizes < 1 or > 2^12, n h > 2^22, an unknown kind
   or key, a key given twice). */
int cpwl_dict_gen_str(fmpq_mat_t A, const char *spec, uint64_t seed,
                      cpwl_err_t e);

/* A rational point of the unit sphere in Q^N, seeded: the inverse
   stereographic projection (2t, |t|^2 - 1) / (|t|^2 + 1) of t in Q^{N-1}
   with t_i = a_i / M, a_i uniform in [-M, M] (M = height >= 1), the
   coordinates then permuted by a seeded random permutation and given
   seeded random signs (so that no coordinate is favoured).  |v| = 1
   exactly.  N = 1: v = +-1. */
void cpwl_dict_rand_unit(fmpq *v, slong N, slong height, uint64_t *state);

/* mu^2 = max_{i != j} <A_i, A_j>^2 / (|A_i|^2 |A_j|^2) exactly, with
   the first pair (i < j, in lexicographic order) attaining it in *pi,
   *pj (may be NULL).  h < 2: mu^2 = 0, pair (-1, -1).  A zero column
   makes mu undefined: returns 1 with *pi the column (and mu2 = 0),
   else 0.  Costs the integer Gram matrix of the columns (denominators
   cleared): about 15 s for n = 1024, h = 4096. */
int cpwl_dict_coherence2(fmpq_t mu2, slong *pi, slong *pj,
                         const fmpq_mat_t A);

/* The first column whose squared norm is not exactly 1, or -1 when all
   columns have unit norm. */
slong cpwl_dict_nonunit_column(const fmpq_mat_t A);

/* mu as a ball at prec (exact when mu^2 is the square of a rational). */
void cpwl_dict_coherence_arb(arb_t mu, const fmpq_t mu2, slong prec);

/* y = A x (A n x h, x h entries, y n entries; y and x not aliased),
   skipping the zero entries of x.  Any matrix: also W y for W h x n. */
void cpwl_dict_apply(fmpq *y, const fmpq_mat_t A, const fmpq *x);

/* Read a matrix file (CSV or JSON, above) into M (initialised by the
   caller, any size; re-initialised to the size read).  what names the
   matrix in messages ("dictionary", "W").  Refused with the file,
   line:column (CSV) or JSON path, and what was expected: rows of
   different lengths, a cell that is not an exact number, no rows, an
   empty row, sizes that disagree with "n"/"h"/"rows"/"cols".  Returns
   0, or CPWL_ERR_INPUT with the message in e (a file that cannot be
   read too); M is then of unspecified size. */
int cpwl_matrix_read_str(fmpq_mat_t M, const char *text, size_t len,
                         const char *name, const char *what, cpwl_err_t e);
int cpwl_matrix_read_file(fmpq_mat_t M, const char *path, const char *what,
                          cpwl_err_t e);

/* Write M as CSV (exact literals p/q, ',' separated, one row per line,
   no header) or as JSON {"rows": R, "cols": C, "matrix": [["p/q", ...],
   ...]} followed by a newline.  Return 0, or 1 on a write error. */
int cpwl_matrix_write_csv(FILE *f, const fmpq_mat_t M);
int cpwl_matrix_write_json(FILE *f, const fmpq_mat_t M);

#endif
