/* cpwl tron: internal interface between the command (tron.c) and its
   output (tron_out.c). */
#ifndef CPWL_CLI_TRON_H
#define CPWL_CLI_TRON_H

#include "cli.h"

#define CLI_TRON_MAX_RUNS 2

/* One recorded run: its trace (f: |w_t - w*|^2, g: |w_t - w_{t-1}|, at
   the recorded iterates), the exact squared distances when every iterate
   was exact, and the first t at which the linear recursion of the
   symmetric case fails. */
typedef struct
{
    cpwl_tron_opts_t o;         /* the run's options (a copy) */
    cpwl_trace_t T;
    cpwl_tron_result_struct res;
    fmpq *d;                    /* with the certificate: d[t - 1] =
                                   |w_t - w*|^2, t = 1 .. nd (every t) */
    slong nd, dalloc;
    fmpq *dk;                   /* dk[k]: that of the k-th recorded point */
    slong ndk, dkalloc;
    int exact_d;                /* every d so far is exact */
    cpwl_val_ptr prev;          /* w_{t-1}, for the step's length */
    int have_prev;
    slong last_t;               /* the last iterate visited */
    cpwl_val_ptr last;          /* w_{last_t}, when it was not recorded */
    slong gap_t;                /* the first t with a nonzero gap (0: none) */
    fmpq *gap;                  /* that gap (n) */
    int have_last;
}
cli_tron_run;

typedef struct
{
    const char *dist;           /* the DIST argument */
    int data;                   /* --data: DIST is (x, y) data */
    cpwl_dist_t D;              /* what the runs use (a drawn set with
                                   --samples) */
    cpwl_dist_t D0;             /* the distribution as given */
    slong n, r;                 /* dimensions of x and w */
    fmpq *wstar, *w1;           /* r each; wstar NULL without --wstar */
    slong samples;              /* --samples N, 0 if not given */
    int certify, law, json, auto_prec;
    slong max_states, every, text_every, max_prec;
    cpwl_arith_t A;
    const char *arith;
    int have_cert;
    cpwl_tron_cert_t C;
    int cert_checked;           /* the check ran on runs[0]'s d */
    slong cert_fail, cert_undecided;
    int law_done;
    fmpq *Ed2;
    slong law_t, law_states;
    slong law_fail, law_undecided;
    int law_stopped;            /* the state cap was reached (or Ctrl-C) */
    int law_interrupted;        /* Ctrl-C during the law */
    int gate;                   /* the labels are relu(<w*, x>) exactly */
    cli_tron_run runs[CLI_TRON_MAX_RUNS];
    slong nruns;
    int stopped;
}
cli_tron_ctx;

void cli_tron_print_text(FILE *f, const cli_tron_ctx *c);
void cli_tron_print_json(FILE *f, const cli_tron_ctx *c);
void cli_tron_write_csv(FILE *f, const cli_tron_ctx *c);
int cli_tron_plot(FILE *f, const char *name, cpwl_trace_format fmt,
                  const cli_tron_ctx *c, cpwl_err_t e);

#endif
