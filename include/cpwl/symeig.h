/* Rigorous eigenvalues of a rational symmetric matrix S: from the exact
   characteristic polynomial, factored over Z, a linear factor gives an
   exact rational eigenvalue and every other factor's roots (all real, S
   being symmetric) are isolated in certified balls.  Distinct
   eigenvalues are ordered by raising the precision until their balls
   separate, which terminates because distinct irreducible factors share
   no root.  Above CPWL_SYMEIG_FACTOR_MAX rows the polynomial is only
   split into squarefree parts (pairwise coprime, so the same argument
   holds); then only the roots of linear parts are known to be rational. */
#ifndef CPWL_SYMEIG_H
#define CPWL_SYMEIG_H

#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"

#define CPWL_SYMEIG_FACTOR_MAX 200  /* rows up to which the polynomial
                                       is factored completely */
#define CPWL_SYMEIG_MAX 1000        /* larger matrices are refused */

/* One eigenvalue: exactly (rational, q) or as a ball; ball always holds
   an enclosure (the point q rounded outward when rational). */
typedef struct
{
    int rational;
    fmpq_t q;
    arb_t ball;
    slong mult;                 /* multiplicity */
}
cpwl_symeig_val_struct;

typedef cpwl_symeig_val_struct cpwl_symeig_val_t[1];

void cpwl_symeig_val_init(cpwl_symeig_val_t v);
void cpwl_symeig_val_clear(cpwl_symeig_val_t v);

/* The smallest (lo) and largest (hi) eigenvalue of S with their
   multiplicities, balls of at least prec accurate bits.  Returns CPWL_OK;
   CPWL_ERR_INPUT (message in e) for an empty, non-square or
   non-symmetric S, or one of more than CPWL_SYMEIG_MAX rows. */
int cpwl_symeig_extremes(cpwl_symeig_val_t lo, cpwl_symeig_val_t hi,
                         const fmpq_mat_t S, slong prec, cpwl_err_t e);

/* All distinct eigenvalues of S in increasing order, with their
   multiplicities (summing to the size of S): vals has room for n
   initialised entries (n = rows of S); *count is set to the number
   written.  Errors as cpwl_symeig_extremes. */
int cpwl_symeig_all(cpwl_symeig_val_struct *vals, slong *count,
                    const fmpq_mat_t S, slong prec, cpwl_err_t e);

#endif
