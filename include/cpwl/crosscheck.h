/* The exact path checking the fast one (SPEC section 3): exact activation
   regions (regions) and sampled patterns (sample) on the same domain.

   Two kinds of contradiction, each of which means a bug in one of the two
   paths:
     - a sampled pattern that is not an exact region (the sample only counts
       points proven to lie inside a region, so this cannot happen); its
       first point is re-decided exactly and reported;
     - an exact region whose interior point gets, in the batched double
       pass, a decided bit that differs from the region's pattern.
   Not contradictions: exact regions no sample point fell in (thin regions
   are expected to be missed; their sizes are reported), and interior
   points with undecided bits (the region is thinner than the bound
   there). */
#ifndef CPWL_CROSSCHECK_H
#define CPWL_CROSSCHECK_H

#include "cpwl/err.h"
#include "cpwl/net.h"
#include "cpwl/dom.h"
#include "cpwl/regions.h"
#include "cpwl/sample.h"

typedef struct
{
    cpwl_regions_t R;                /* the exact regions, sorted (cpwl_regions_sort) */
    cpwl_sample_t S;                 /* the sample */
    slong *region_points;       /* R->ncells: sample points in each region */
    /* R->ncells: the d-volume (length, area) of each region as a double
       approximation of the exact value, for d <= 2 and bounded regions;
       -1 where not known (unbounded, d > 2). */
    double *region_size;
    slong missed;               /* exact regions with no sample point */
    double missed_max_size;     /* largest known size among them, or -1 */
    slong interior_undecided;   /* regions whose interior point has an
                                   undecided bit in double */
    /* Contradictions. */
    slong not_regions;          /* sampled patterns that are no region */
    slong *bad_patterns;        /* their indices in S->patterns */
    unsigned char *bad_exact;   /* not_regions x nstates: the exact pattern
                                   of each one's first point */
    slong mismatches;           /* regions whose interior point's decided
                                   double bits differ from the region */
    slong *bad_regions;         /* their indices in R->cells */
    slong contradictions;       /* not_regions + mismatches */
    double regions_seconds;
}
cpwl_crosscheck_struct;

typedef cpwl_crosscheck_struct cpwl_crosscheck_t[1];

void cpwl_crosscheck_init(cpwl_crosscheck_t X);
void cpwl_crosscheck_clear(cpwl_crosscheck_t X);

/* Run both paths on D (bounded) and compare.  ropts->points must be set
   (interior points are needed); ropts->verts is used for sizes when
   d <= 2.  With a scheduler over several processes (sopts->sched, and
   ropts->sched the same one) every process calls this, the work is
   shared, and X is complete on process 0 only (the others return after
   the two paths, with nothing compared).  Returns CPWL_OK also when there are contradictions (see
   X->contradictions), and when either path stopped early (interrupt or
   limit: X->R->stopped or X->S->stopped is set, and nothing is compared);
   an error status when either path failed. */
int cpwl_crosscheck_run(cpwl_crosscheck_t X, const cpwl_net_t net, const cpwl_dom_t D,
                        const cpwl_regions_opts *ropts, const cpwl_sample_opts *sopts,
                        cpwl_err_t e);

/* The comparison step of cpwl_crosscheck_run alone, on X->R (sorted or not,
   with interior points) and X->S already filled for net on D: sets
   region_points, region_size, missed and the contradiction fields
   (recomputed from scratch on every call).  The interior points are
   evaluated with sopts->kernel and sopts->nthreads; sopts->pred counts
   nothing here.  Exposed so that the tests can corrupt one side and
   check that the contradiction is reported. */
int cpwl_crosscheck_compare(cpwl_crosscheck_t X, const cpwl_net_t net, const cpwl_dom_t D,
                            const cpwl_sample_opts *sopts, cpwl_err_t e);

#endif
