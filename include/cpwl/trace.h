/* Recorded trajectories of the optimiser engine (module optim): per
   recorded iterate x_t its value in the run's arithmetic (exact
   rationals, Arb balls, or floats, which are exact rationals), and f(x_t)
   and |grad f(x_t)| (the Euclidean norm) as Arb balls, evaluated with the
   objective in an Arb context at the reporting precision: at the exact
   point for exact and float runs, on the iterate's balls for Arb runs.

   Several arithmetics can run side by side (cpwl_trace_run): one trace
   each, and for a float run beside an Arb run its departure from the
   real trajectory, decided exactly (a float is a rational, tested for
   membership in the ball).  Writers: JSON, CSV, and a picture (Cairo,
   PNG or SVG) of f and |grad f| against t on a log scale. */
#ifndef CPWL_TRACE_H
#define CPWL_TRACE_H

#include <signal.h>
#include <stdio.h>
#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"
#include "cpwl/arith.h"
#include "cpwl/objective.h"
#include "cpwl/optim.h"

/* One recorded iterate.  Exactly one of xq (exact), xb (Arb), xd
   (float) holds the iterate, dim entries. */
typedef struct
{
    slong t;
    fmpq *xq;
    arb_ptr xb;
    double *xd;
    int have_f;                 /* f and gnorm were evaluated (0 when the
                                   objective could not decide, e.g. a relu
                                   input ball containing 0) */
    arb_struct f, gnorm;
}
cpwl_trace_point_struct;

/* A float run's departure from the Arb run beside it. */
typedef struct
{
    slong left;                 /* the first t whose float x_t is not in
                                   the Arb ball (some component), 0 if none */
    ulong stagnant;             /* updates that left x unchanged */
    int have_gap;               /* gap computed (both ends finite) */
    arb_struct gap;             /* |x_float - x_real| (Euclidean) at the
                                   last common iterate */
    slong gap_t;                /* that iterate */
}
cpwl_trace_departure_struct;

typedef struct
{
    cpwl_arith_kind kind;
    char arith[32];             /* the arithmetic's name (cpwl_arith_name) */
    slong dim;
    slong every;                /* record x_1, x_{1+k}, x_{1+2k}, ... and
                                   the last iterate */
    slong prec;                 /* reporting precision (bits) */
    slong n, alloc;
    cpwl_trace_point_struct *pts;
    cpwl_trace_point_struct last;   /* the last iterate visited (not
                                       evaluated until cpwl_trace_finish) */
    int have_last;
    ulong stagnant;             /* float: R->stagnant at the last visit */
    slong steps_done;
    slong lost;                 /* Arb: the first t whose enclosure was lost */
    slong lost_prec;            /* Arb: the precision of the run that lost */
    double lost_rad;            /* Arb: the largest radius there (upper) */
    char why[160];              /* Arb: why the enclosure was lost */
    slong prec_used;            /* Arb: the precision of the last attempt */
    int stopped;                /* interrupted, or another run too big */
    int too_big;                /* exact: the iterate passed
                                   CPWL_TRACE_MAX_BITS (the runs stop) */
    int have_departure;
    cpwl_trace_departure_struct dep;
}
cpwl_trace_struct;

typedef cpwl_trace_struct cpwl_trace_t[1];

/* Exact iterates of objectives that are not quadratic grow geometrically
   in size (Rosenbrock's roughly triple their bits per step): a run stops
   when a numerator or denominator passes this many bits. */
#define CPWL_TRACE_MAX_BITS ((slong) 1 << 20)

/* A trace for runs in A (its kind and name are taken now) of dimension
   dim, recording every every-th iterate (every >= 1) and evaluating f at
   prec bits (0: 128, or the run's precision when larger). */
void cpwl_trace_init(cpwl_trace_t T, const cpwl_arith_t A, slong dim,
                     slong every, slong prec);
void cpwl_trace_clear(cpwl_trace_t T);

/* Forget the recorded points (a run starting again at x_1). */
void cpwl_trace_reset(cpwl_trace_t T);

/* Remember R's iterate x_t as the last one; when t is due (t = 1 or
   t - 1 a multiple of every) also record it, evaluating f there.
   Returns 0, or 1 with a message in e (an internal failure). */
int cpwl_trace_visit(cpwl_trace_t T, const cpwl_optim_struct *R,
                     cpwl_err_t e);

/* Record the last iterate visited if it is not recorded yet. */
int cpwl_trace_finish(cpwl_trace_t T, cpwl_objective_t O, cpwl_err_t e);

/* Run o from x1 in the n arithmetics A[0..n-1] side by side, one step of
   each in turn, into the traces T[0..n-1] (initialised for those
   arithmetics, reset here).  rel and max_prec as cpwl_optim_run: an Arb
   run whose enclosure is lost stops there; with max_prec above its
   precision the whole comparison is repeated at doubled precision (of
   every Arb run) until no enclosure is lost or max_prec would be
   passed.  Each float run beside an Arb run gets its departure from the
   first Arb run.  *stop (may be NULL) is polled after every step: when
   set, the runs stop with what they have (T->stopped); so do they when
   an exact iterate passes CPWL_TRACE_MAX_BITS (its T->too_big).
   progress (may be NULL) is called at every iterate with t and
   o->steps.  Returns 0, or
   1 with a message in e (the input refused by cpwl_optim_init, a failed
   evaluation). */
typedef void (*cpwl_trace_progress_fn)(void *data, slong t, slong steps);

int cpwl_trace_run(cpwl_trace_struct *T, cpwl_arith_struct *A, slong n,
                   const cpwl_optim_opts_t o, cpwl_objective_t O,
                   const fmpq *x1, double rel, slong max_prec,
                   volatile sig_atomic_t *stop,
                   cpwl_trace_progress_fn progress, void *pdata,
                   cpwl_err_t e);

/* JSON: one object per trace {"arith", "steps_done", "points": [{"t",
   "x", "f", "grad_norm"}, ...], ...}, comma separated (the caller writes
   the brackets): an exact value as "p/q", a ball as {"mid": "...", "rad":
   "..."} (exact decimals of its midpoint and radius), a float as
   {"exact": "p/q", "dec": "..."} ({"exact": null, "dec": "inf"} for
   infinities and NaN). */
void cpwl_trace_write_json(FILE *f, const cpwl_trace_t T);

/* CSV: a header line (with_header) and one row per recorded point:
   arith,t,f,f_rad,grad_norm,grad_norm_rad,x_rad,x1,...,xn: f and the
   norm as their balls' midpoints (%.17g) and radii (upper, %.3g), the
   iterate exactly as p/q (exact and float runs) or as its balls'
   midpoints (%.17g), x_rad their largest radius (0 when exact). */
void cpwl_trace_write_csv(FILE *f, const cpwl_trace_t T, int with_header);

/* The ball's midpoint and radius as exact decimal strings (flint_free
   them). */
char *cpwl_trace_arf_str(const arf_t x);
char *cpwl_trace_mag_str(const mag_t x);

typedef enum
{
    CPWL_TRACE_SVG = 0,
    CPWL_TRACE_PNG
}
cpwl_trace_format;

/* Draw f and |grad f| against t (two panels, log-scale y) for the n
   traces, one colour per trace, an Arb trace as a band between its
   balls' ends, as SVG or PNG into the open stream f (name for messages
   only; the caller owns f, e.g. an outfile's), width x height pixels
   (0: 800 x 600).  fstar (may be NULL): plot f - fstar instead of f.
   Values that are not positive are left out (log scale).  Returns 0, or
   CPWL_ERR_INTERNAL with a message in e when writing or Cairo fails. */
int cpwl_trace_plot(FILE *f, const char *name, cpwl_trace_format fmt,
                    const cpwl_trace_struct *T, slong n, int width,
                    int height, const char *title, const fmpq *fstar,
                    cpwl_err_t e);

/* cpwl_trace_plot with the panels' labels given (UTF-8 text; NULL: the
   labels of f and |grad f|), for traces that record other quantities
   (module tron: |w_t - w*|^2 and the step's length). */
int cpwl_trace_plot_labels(FILE *f, const char *name, cpwl_trace_format fmt,
                           const cpwl_trace_struct *T, slong n, int width,
                           int height, const char *title, const fmpq *fstar,
                           const char *label_f, const char *label_g,
                           cpwl_err_t e);

/* Record a point of a run that is not of module optim (module tron): t,
   the iterate x (T->dim values of arithmetic A, whose kind is T's) and
   the two plotted quantities f and g (have_f set). */
void cpwl_trace_append(cpwl_trace_t T, slong t, cpwl_val_srcptr x,
                       const cpwl_arith_t A, const arb_t f, const arb_t g);

#endif
