/* Internals shared by the qp files (not installed). */
#ifndef CPWL_QP_IMPL_H
#define CPWL_QP_IMPL_H

#include <math.h>
#include <string.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "lp.h"
#include "cpwl/qp.h"

/* Vectors of length 0 are allowed everywhere; allocate at least one
   entry so that no allocator sees a zero size. */
static inline fmpq *qv_new(slong n)
{
    return _fmpq_vec_init(FLINT_MAX(n, 1));
}

static inline void qv_free(fmpq *v, slong n)
{
    _fmpq_vec_clear(v, FLINT_MAX(n, 1));
}

static inline fmpz *zv_new(slong n)
{
    return _fmpz_vec_init(FLINT_MAX(n, 1));
}

static inline void zv_free(fmpz *v, slong n)
{
    _fmpz_vec_clear(v, FLINT_MAX(n, 1));
}

/* M = Mz Dc^-1, y = yz / dy, Gz_i = r_i G_i Dc (r_i > 0, row content 1);
   for the squared loss also the Gram data H, c, yy. */
typedef struct
{
    slong k, D, m;
    fmpz *Mz;                   /* D x k */
    fmpz *yz;                   /* D */
    fmpz *dc;                   /* k: column scales of M */
    fmpz_t dy;                  /* scale of y */
    fmpz *H;                    /* k x k: Mz^T Mz (with_gram) */
    fmpz *c;                    /* k: Mz^T yz (with_gram) */
    fmpz_t yy;                  /* yz.yz (with_gram) */
    fmpz *G;                    /* m x k: Gz (with_G, else NULL) */
    slong galloc;               /* rows allocated in G */
    unsigned char *zero;        /* m: row i of G is zero (with_G) */
}
zq_struct;

/* qp.c: the problem in integers. */
void qp_scale_to_int(fmpz_t r, const fmpq_t v, const fmpz_t s, fmpz_t t);
void qp_zq_init(zq_struct *S, const cpwl_qp_t P, int with_gram, int with_G);
void qp_zq_clear(zq_struct *S);
void qp_zq_row_scale(fmpq_t r, const cpwl_qp_t P, const zq_struct *Z,
                     slong l);

/* linsys.c: exact linear systems. */
slong qp_solve_ff(fmpz *zn, fmpz_t zd, const fmpz *K, const fmpz *r,
                  slong nr, slong nc, const fmpq *fv);
slong qp_sq_kkt(fmpz *zn, fmpz_t zd, const zq_struct *S,
                const slong *W, slong nw, const fmpq *fv);
void qp_sq_row_dot(fmpz_t s, const zq_struct *S, slong i, const fmpz *wn);
int qp_sq_feasible(const zq_struct *S, const fmpz *wn);
slong qp_sq_rows_rank(const zq_struct *S, const slong *W, slong nw);

/* squared.c: the double pre-solve and the squared loss. */
double qp_zget_d(const fmpz_t x, slong s);
void qp_zq_col_shifts(slong *cs, const zq_struct *S, const fmpz *A,
                      slong D);
slong qp_zq_row_d(double *gd, const fmpz *g, const slong *cs, slong k);
int qp_dsolve(double *z, double *A, slong n);
int qp_solve_squared(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int fast,
                     cpwl_err_t e);

/* hinge.c: l1 and hinge by the simplex method in theta-space. */
int qp_pl_solve(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int with_G,
                slong *iters);

/* lploss.c: l1 and hinge through LPs. */
void qp_lp_loss_build(lp_t L, fmpq *obj, const cpwl_qp_t P, int with_G);
int qp_solve_lp(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int fast,
                cpwl_err_t e);

#endif
