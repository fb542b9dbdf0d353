/* Sampling activation patterns with the batched double path (batch), the
   way empirical papers estimate region counts, made a proven lower bound.

   Sample points are rational points of the domain (in domain coordinates,
   dom.h): y = lo + (hi - lo) * t per coordinate, with t = i / (N - 1) on
   an N-point grid axis (t = 1/2 when N = 1) or t = k / 2^53 for a random
   point (k from a counter-based generator seeded by opts->seed, so point i
   is the same for every thread count).  The kernels see the nearest double
   with a proven bound on its distance to y.

   A point whose bits are all decided in double lies in the interior of an
   activation region (every pre-activation is nonzero there), so the number
   of distinct decided patterns is a lower bound on the activation region
   count.  A point with an undecided bit is re-decided exactly (cpwl_net_signs,
   through the predicate layer) when opts->resolve is set: if no
   pre-activation is exactly 0 its pattern is a region and is counted;
   so it is when every zero pre-activation vanishes on a neighbourhood
   (exact local form with gradient 0: a dead neuron, or one whose inputs
   are all off there); otherwise the point lies on a boundary and is
   counted as such. */
#ifndef CPWL_SAMPLE_H
#define CPWL_SAMPLE_H

#include <signal.h>
#include <stdint.h>
#include "cpwl/err.h"
#include "cpwl/net.h"
#include "cpwl/dom.h"
#include "cpwl/pred.h"
#include "cpwl/sched.h"

#define CPWL_SAMPLE_GRID 0
#define CPWL_SAMPLE_RANDOM 1

/* Default for --max-points: refuse more points unless asked. */
#define CPWL_SAMPLE_DEFAULT_MAX_POINTS 100000000

typedef struct
{
    int mode;                   /* CPWL_SAMPLE_GRID or CPWL_SAMPLE_RANDOM */
    const slong *grid;          /* CPWL_SAMPLE_GRID: d axis sizes (each >= 1) */
    slong ngrid;                /* CPWL_SAMPLE_GRID: entries in grid (must be d) */
    slong npoints;              /* CPWL_SAMPLE_RANDOM: number of points */
    ulong seed;                 /* CPWL_SAMPLE_RANDOM */
    int kernel;                 /* CPWL_BATCH_AUTO or a batch kernel */
    int nthreads;               /* 0 = all cores */
    int resolve;                /* decide undecided points exactly */
    slong max_points;           /* refuse (input error) beyond this */
    volatile sig_atomic_t *interrupt;   /* nonzero: stop, keep what is done */
    /* Called now and then with points done and planned (may be NULL). */
    void (*progress)(void *data, slong done, slong total);
    void *progress_data;
    cpwl_pred_ctx_struct *pred;      /* required: by_double counts the bits the
                                   batch pass decided, the other stages the
                                   exact re-decisions */
    /* The points are work units of this many consecutive indices (0: a
       default, 65536 or fewer for wide patterns); the result does not
       depend on it. */
    slong block;
    /* The scheduler the blocks run on (cpwl/sched.h: several processes
       with MPI); NULL: one process.  One process runs them on nthreads
       threads (a given scheduler's `threads` is set to it for the call
       and restored).  The result is
       the same for every scheduler; with several processes S is complete
       on process 0 only (the others get the fields before `npoints` and
       stopped). */
    cpwl_sched_struct *sched;
}
cpwl_sample_opts;

void cpwl_sample_opts_init(cpwl_sample_opts *opts, cpwl_pred_ctx_struct *pred);

typedef struct
{
    slong d;                    /* domain dimension */
    slong nstates;              /* pattern bits */
    slong words;                /* uint64_t words per pattern */
    int mode;
    slong *grid;                /* d (grid mode) */
    ulong seed;
    fmpq *lo, *hi;              /* the domain box (d), domain coordinates */
    int kernel;                 /* the batch kernel used */
    slong planned;              /* points asked for */
    slong npoints;              /* points done (fewer when stopped) */
    slong ndecided;             /* points with every bit decided in double */
    slong nundecided;           /* points with an undecided bit */
    slong nresolved;            /* ... re-decided exactly, inside a region */
    slong nboundary;            /* ... re-decided exactly, on a boundary */
    slong npatterns;            /* distinct region patterns seen */
    uint64_t *patterns;         /* npatterns x words, sorted by words */
    slong *counts;              /* points per pattern */
    slong *first;               /* smallest point index with that pattern */
    double seconds;             /* wall time of the sampling */
    int stopped;                /* interrupted: npoints < planned */
}
cpwl_sample_struct;

typedef cpwl_sample_struct cpwl_sample_t[1];

void cpwl_sample_init(cpwl_sample_t S);
void cpwl_sample_clear(cpwl_sample_t S);

/* Sample net on the bounded domain D.  Input errors (exit 2): an unbounded
   domain, a grid of the wrong dimension or with a zero axis, more points
   than opts->max_points. */
int cpwl_sample_run(cpwl_sample_t S, const cpwl_net_t net, const cpwl_dom_t D,
                    const cpwl_sample_opts *opts, cpwl_err_t e);

/* The exact domain point (d entries) of sample point i. */
void cpwl_sample_point(fmpq *y, const cpwl_sample_t S, slong i);

/* Index of the pattern (words) among S->patterns, or -1. */
slong cpwl_sample_find(const cpwl_sample_t S, const uint64_t *pattern);

#endif
