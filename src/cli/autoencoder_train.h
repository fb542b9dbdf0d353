/* cpwl autoencoder train (autoencoder_train.c): the run's record, and
   its report (autoencoder_train_out.c). */
#ifndef CPWL_CLI_AUTOENCODER_TRAIN_H
#define CPWL_CLI_AUTOENCODER_TRAIN_H

#include "autoencoder.h"
#include "optim_opts.h"

#define SUB "autoencoder train"

/* One recorded iterate.  Exact and float runs: f, |grad f|^2 and
   |W_t - A^T|^2 exactly (a float iterate is a rational; f is evaluated
   exactly there), with their balls; Arb runs: balls only. */
typedef struct
{
    slong t;
    int have;                   /* f and the gradient evaluated */
    fmpq_t f, g2, d2;
    arb_t fb, gb, d2b, db;
}
train_point;

typedef struct
{
    cpwl_arith_struct *A;       /* the run's arithmetic */
    int exact_pts;              /* iterates are rationals (exact, float) */
    slong prec;                 /* reporting precision */
    slong h, n, dim;
    const fmpq_mat_struct *Adict;
    cpwl_objective_struct *O;
    fmpq *x;                    /* the last iterate tracked, exactly */
    cpwl_arith_t X;             /* exact arithmetic, for f at x */
    cpwl_val_ptr xv;            /* x as its values */
    train_point **pts;          /* the recorded iterates */
    slong npts, alloc;
    /* distances over every iterate */
    fmpq_t d2_start, d2_max, d2_last;
    arb_t b_start, b_max, b_last;
    slong t_max, t_last;
    int finite;                 /* every iterate so far is finite */
}
train_run;

typedef struct
{
    const char *dict, *codes, *at, *csv;
    fmpq_t delta;
    int has_delta, json, scalar_eps, pmode;
    slong height, every;
    fmpz_t count;
    char arith[32];
    const fmpq *eps;            /* h thresholds */
    int stopped, lost;          /* Ctrl-C; an Arb enclosure lost */
}
train_args;

/* The report: text (the table of the recorded iterates every
   text_every-th and the last, then the distances and the verdict), one
   JSON object, or CSV rows arith,t,f,grad_norm,dist2,dist. */
void cli_ae_train_text(FILE *f, const train_run *T, const train_args *g,
                       const cli_optim_args *a, slong text_every);
void cli_ae_train_json(FILE *f, const train_run *T, const train_args *g,
                       const cli_optim_args *a, const fmpq *x1);
void cli_ae_train_csv(FILE *f, const train_run *T, const char *arith);

#endif
