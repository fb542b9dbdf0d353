/* Objectives for the optimiser engine (module optim): f : R^n -> R with
   its gradient, computed in any arithmetic of module arith, in an
   operation order fixed by each objective (documented in
   docs/objectives.md), so that a run in a float format is reproducible bit
   for bit.

   Built in (cpwl_objective_init_str):
     quadratic:A=ROWS;b=LIST  f = 1/2 x^T A x - b^T x (A symmetric,
                              rows separated by ';', entries by ',')
     pseudo-huber             f = sum_i sqrt(1 + x_i^2) (dimension from x1)
     rosenbrock[:a=..;b=..]   f = (a - x)^2 + b (y - x^2)^2, a = 1, b = 100
     beale                    f = sum_k (c_k - x + x y^k)^2, c = 3/2, 9/4, 21/8
     reddi[:C=..]             the online problem of Reddi, Kale and Kumar
                              (2018): f_t(x) = C x if t = 1 mod 3, else -x,
                              on [-1, 1] (C = 3)
     net:NET.json,DATA.csv    the summed squared loss of a network on data,
                              the parameters being its weights
   A finite-sum objective f = sum_i f_i (the network's loss, one term per
   data point) also evaluates any subset of its terms (stochastic
   methods). */
#ifndef CPWL_OBJECTIVE_H
#define CPWL_OBJECTIVE_H

#include <flint/fmpq.h>
#include "cpwl/err.h"
#include "cpwl/arith.h"
#include "cpwl/pred.h"

typedef struct cpwl_objective_struct cpwl_objective_struct;

/* Evaluate at x (dimension O->dim) in arithmetic A: the value into *f
   when f is not NULL, the gradient into g (dim entries) when g is not
   NULL.  terms: NULL for all terms, else the nterms term indices
   (0 <= i < O->nterms, repetitions allowed) whose sum is wanted.  t is
   the step (1, 2, ...), used by online objectives only.  Returns 0; 1
   when the arithmetic failed (A->fail), with a message in e; 2 when a
   sign it needs cannot be decided in A (a relu input whose ball contains
   0 and is not 0), with a message in e: the engine then treats the Arb
   enclosure as lost at this step (a rerun at higher precision may
   decide it). */
typedef int (*cpwl_objective_eval_fn)(cpwl_val_ptr f, cpwl_val_ptr g,
                                      cpwl_val_srcptr x, const slong *terms,
                                      slong nterms, slong t,
                                      cpwl_objective_struct *O,
                                      cpwl_arith_t A, cpwl_err_t e);

struct cpwl_objective_struct
{
    char name[64];              /* "quadratic", "net", ... */
    slong dim;                  /* number of parameters */
    slong nterms;               /* > 0: a finite sum of nterms terms */
    int needs_sqrt;             /* value or gradient take square roots */
    int online;                 /* the function depends on the step t */
    int has_box;                /* iterates are projected on [lo, hi]^dim
                                   after each step (exact: max, min) */
    fmpq_t lo, hi;
    /* Constants the convergence checks use, each when known exactly:
       L (gradient Lipschitz constant, an upper bound), sigma2 (a bound on
       |grad f|^2 everywhere), fstar (inf f, or a lower bound of it). */
    int has_L, has_sigma2, has_fstar;
    fmpq_t L, sigma2, fstar;
    fmpq *x1;                   /* default starting point, or NULL */
    cpwl_objective_eval_fn eval;
    void (*clear_data)(void *data);
    void *data;
    cpwl_pred_ctx_t pred;       /* the relu decisions of exact and Arb runs */
    int relu_d0;                /* relu'(0): 0 (default) or 1 */
};

typedef cpwl_objective_struct cpwl_objective_t[1];

/* Parse and set up an objective from its name and parameters (above).
   dim: the dimension when the objective does not fix it (pseudo-huber),
   else -1 (it must then agree when >= 0).  Files named by net: are read.
   Returns 0, or 1 with a message in e (CPWL_ERR_INPUT for bad input). */
int cpwl_objective_init_str(cpwl_objective_t O, const char *spec, slong dim,
                            cpwl_err_t e);

/* An objective with every field empty (no function): for objectives
   set up outside this module (e.g. cpwl_ae_objective_init), which then
   fill name, dim, eval and the rest; cpwl_objective_clear clears it. */
void cpwl_objective_init(cpwl_objective_t O);

void cpwl_objective_clear(cpwl_objective_t O);

/* Evaluate (see cpwl_objective_eval_fn); terms NULL: the whole f. */
int cpwl_objective_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                        const slong *terms, slong nterms, slong t,
                        cpwl_objective_t O, cpwl_arith_t A, cpwl_err_t e);

#endif
