/* Internals shared by the objective files (not installed). */
#ifndef CPWL_OBJECTIVE_IMPL_H
#define CPWL_OBJECTIVE_IMPL_H

#include <stddef.h>
#include "cpwl/objective.h"

/* Exact constants of an objective and their values in the arithmetic of
   the last evaluation: entered once per arithmetic (cpwl_val_set_fmpq),
   not at every evaluation, and entered again only when an evaluation
   comes in another arithmetic (kind, format or Arb precision). */
typedef struct
{
    slong n;
    fmpq *q;                    /* the exact constants */
    int have;                   /* v holds them in arithmetic A */
    cpwl_arith_struct A;        /* a copy of the key fields (plain data) */
    cpwl_val_ptr v;
}
objective_consts_struct;

void objective_consts_init(objective_consts_struct *C, slong n);
void objective_consts_clear(objective_consts_struct *C);
/* The constants entered in A (valid until the next call or the clear). */
cpwl_val_ptr objective_consts_get(objective_consts_struct *C, cpwl_arith_t A);

static inline void objective_qvec_set(fmpq *r, const fmpq *a, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_set(r + i, a + i);
}

/* Parameters KEY=VALUE of a spec, in the order given. */
#define OBJ_MAX_PARAMS 8

typedef struct
{
    const char *key;
    size_t klen;
    const char *val;
    size_t vlen;
}
obj_param;

/* Refuse keys outside allowed (NULL-terminated), listing `list` ("":
   the objective takes none). */
int objective_check_keys(const obj_param *P, slong np, const char *name,
                         const char *const *allowed, const char *list,
                         cpwl_err_t e);
const obj_param *objective_find_param(const obj_param *P, slong np,
                                      const char *key);
/* A matrix value: rows separated by ';', entries by ','; *M a new vector
   of rows x cols entries (row-major, _fmpq_vec_clear). */
int objective_parse_matrix(fmpq **M, slong *rows, slong *cols,
                           const char *name, const obj_param *P, cpwl_err_t e);
int objective_parse_scalar(fmpq_t v, const char *name, const obj_param *P,
                           cpwl_err_t e);
/* n must agree with dim when dim >= 0. */
int objective_check_dim(slong n, slong dim, const char *name, cpwl_err_t e);

/* The quadratic objective from its parameters (objective_quad.c). */
int objective_quad_init(cpwl_objective_t O, const obj_param *P, slong np,
                        slong dim, cpwl_err_t e);

/* Set up the network objective from "NET,DATA" (args[0..len)); dim as in
   cpwl_objective_init_str.  O's common fields are initialised. */
int objective_net_init(cpwl_objective_t O, const char *args, size_t len,
                       slong dim, cpwl_err_t e);

/* The arithmetic failed (A->fail): the message for objective O. */
int objective_arith_fail(const cpwl_objective_t O, const cpwl_arith_t A,
                         cpwl_err_t e);

#endif
