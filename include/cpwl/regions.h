/* Activation regions and linear regions (SPEC section 2).

   The algorithms work on a network already restricted to its domain
   (cpwl_dom_restrict_net): input_dim = d, domain = all of R^d or the box
   [lo, hi] (lo, hi NULL for all of R^d).
     cpwl_regions_1d  d = 1: exact piecewise-linear functions, layer by layer;
     cpwl_regions_2d  d = 2: exact convex-polygon refinement (a planar
                 subdivision whose unbounded faces live in a symbolic box
                 [-M, M]^2, M -> infinity);
     cpwl_regions_nd  any d: H-polyhedra refined layer by layer with exact LP.
   The neuron states of the 2-D and n-D paths are decided through the
   predicate layer in opts->pred (the 1-D path holds exact values and asks
   its exact stage); geometric steps inside an algorithm (the LP, interior
   points) are exact arithmetic.  All three give the same cells (pattern,
   affine map) for the same network.

   A cell is one activation region: its pattern, an interior point, its
   exact affine map, and for d <= 2 its vertices.  Linear regions are the
   connected components of the graph "shares a (d-1)-face and has the same
   affine map" on the cells. */
#ifndef CPWL_REGIONS_H
#define CPWL_REGIONS_H

#include <signal.h>
#include <flint/fmpq.h>
#include "cpwl/err.h"
#include "cpwl/net.h"
#include "cpwl/pred.h"
#include "cpwl/dom.h"
#include "cpwl/sched.h"

/* Default for --max-regions. */
#define CPWL_REGIONS_DEFAULT_MAX 10000000

typedef enum
{
    CPWL_REGIONS_AUTO = 0,           /* 1-D for d = 1, 2-D for d = 2, else n-D */
    CPWL_REGIONS_1D,
    CPWL_REGIONS_2D,
    CPWL_REGIONS_ND
}
cpwl_regions_method;

typedef struct
{
    cpwl_regions_method method;
    int linear;                 /* also count linear regions */
    int points;                 /* fill every cell's interior point */
    int maps;                   /* fill every cell's exact affine map */
    int verts;                  /* d <= 2: fill exact vertices and rays */
    slong max_regions;          /* stop (incomplete) beyond this many */
    slong nthreads;             /* 0 (default): all cores; 2-D only; the
                                   output is the same for every value */
    /* Leave the cells' states NULL where the method can (1-D: the memory
       is then linear in the cells, not cells x neurons; 2-D: when not
       counting linear regions, which compare patterns); the others fill
       them anyway.  Counting alone needs no states. */
    int no_states;
    /* Set to nonzero (e.g. by a SIGINT handler) to stop early. */
    volatile sig_atomic_t *interrupt;
    /* Called now and then with the cells found so far (may be NULL). */
    void (*progress)(void *data, slong layer, slong nlayers, slong cells);
    void *progress_data;
    cpwl_pred_ctx_struct *pred;      /* required: counts the sign decisions */
    /* n-D method: the scheduler of its work units (cpwl/sched.h: many
       processes, checkpoints), or NULL for one process without
       checkpoint.  With many processes the cells, the linear regions and
       the counts are those of process 0 (the others hold only R->d, m,
       nstates and their own stopped flag). */
    cpwl_sched_struct *sched;
}
cpwl_regions_opts;

void cpwl_regions_opts_init(cpwl_regions_opts *opts, cpwl_pred_ctx_struct *pred);

typedef struct
{
    unsigned char *state;       /* pattern, cpwl_net_num_states entries */
    fmpq *point;                /* d entries, interior (opts->points) */
    fmpq *grad;                 /* m x d row-major (opts->maps) */
    fmpq *offset;               /* m (opts->maps) */
    /* d <= 2 with opts->verts: the closure of the cell is
       conv(verts) + cone(rays).  verts: nverts x d row-major, the finite
       vertices (d = 2: in counter-clockwise order); a cell with no
       vertex (a strip, a half-plane, all of R^d) gets points of its
       boundary lines (or the origin) instead.  rays: nrays x d, distinct
       directions (scaled to a first nonzero entry of +-1) generating the
       recession cone, not necessarily extreme.  nverts = -1: not filled. */
    slong nverts;
    fmpq *verts;
    slong nrays;
    fmpq *rays;
    int bounded;                /* -1 when not known */
    slong linear;               /* index of its linear region, or -1 */
}
cpwl_regions_cell_struct;

/* Why a computation stopped before the end. */
#define CPWL_REGIONS_DONE 0
#define CPWL_REGIONS_STOP_LIMIT 1    /* more than opts->max_regions cells */
#define CPWL_REGIONS_STOP_INTERRUPT 2

typedef struct
{
    slong d;                    /* domain dimension */
    slong m;                    /* outputs */
    slong nstates;              /* neurons with a state */
    slong ncells;
    slong alloc;
    cpwl_regions_cell_struct *cells;
    slong nlinear;              /* -1 when not computed */
    int stopped;                /* CPWL_REGIONS_DONE or why it stopped */
    slong lower_bound;          /* when stopped: cells found so far, a
                                   lower bound on the count (the cells
                                   themselves are not listed then, unless
                                   only the linear regions were cut short) */
    slong lp_solved;            /* n-D: LPs solved, each answer proven
                                   exactly (lp_interior) */
    slong lp_exact;             /* ... of which by the exact simplex (the
                                   double LP's certificate failed) */
}
cpwl_regions_struct;

typedef cpwl_regions_struct cpwl_regions_t[1];

void cpwl_regions_init(cpwl_regions_t R, slong d, slong m, slong nstates);
void cpwl_regions_clear(cpwl_regions_t R);
/* A new cell (zeroed fields, state allocated, nothing else). */
cpwl_regions_cell_struct *cpwl_regions_add_cell(cpwl_regions_t R);
void cpwl_regions_cell_set_point(cpwl_regions_cell_struct *c, const fmpq *p, slong d);

/* The algorithms.  g is the restricted network (input_dim = d), lo/hi its
   box or NULL.  Return CPWL_OK (possibly stopped early: R->stopped) or an
   error status with e set. */
int cpwl_regions_1d(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo, const fmpq *hi,
                    const cpwl_regions_opts *opts, cpwl_err_t e);
int cpwl_regions_2d(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo, const fmpq *hi,
                    const cpwl_regions_opts *opts, cpwl_err_t e);
int cpwl_regions_nd(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo, const fmpq *hi,
                    const cpwl_regions_opts *opts, cpwl_err_t e);

/* Restrict net to D and run the method opts->method chooses.  Checks that
   D fits the net (dimension) and that the method fits the domain. */
int cpwl_regions_compute(cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                         const cpwl_regions_opts *opts, cpwl_err_t e);

/* The key of a checkpoint of cpwl_regions_compute(R, net, D, opts)
   (kind "regions", cpwl/ckpt.h), one line "name=value;...": fingerprints
   of the network restricted to D (written canonically) and of D, the
   method, linear, points, maps, verts, exact_only and max_regions.  A new
   string (flint_free). */
char *cpwl_regions_ckpt_key(const cpwl_net_t net, const cpwl_dom_t D,
                            const cpwl_regions_opts *opts);

/* Exact affine map of the restricted network g on a cell with pattern
   state: grad (m x d row-major), offset (m). */
void cpwl_regions_cell_map(fmpq *grad, fmpq *offset, const cpwl_net_t g,
                           const unsigned char *state);

/* Whether the affine maps of g on the patterns s1 and s2 are identical,
   decided through the predicate layer (double forms with proven bounds
   first, exact maps only when the filter cannot tell). */
int cpwl_regions_same_map(const cpwl_net_t g, const unsigned char *s1,
                          const unsigned char *s2, cpwl_pred_ctx_t ctx);

/* Linear regions from facet adjacency: pairs[2k], pairs[2k+1] are cells
   sharing a (d-1)-face.  Merges the pairs with identical maps
   (cpwl_regions_same_map) with union-find and sets R->nlinear and every
   cell's linear index (numbered in order of first cell). */
void cpwl_regions_merge_linear(cpwl_regions_t R, const cpwl_net_t g, const slong *pairs,
                               slong npairs, cpwl_pred_ctx_t ctx);

/* The same with the double output maps of the cells given (m x (d+1)
   per cell, row-major, with proven bounds Ed; a cell whose first bound is
   not finite has none), as the algorithms have them at hand. */
void cpwl_regions_merge_linear_d(cpwl_regions_t R, const cpwl_net_t g, const slong *pairs,
                                 slong npairs, double *Zd, double *Ed,
                                 cpwl_pred_ctx_t ctx);

/* Sort the cells by pattern (lexicographic on the state bytes), so that
   two runs can be compared cell by cell. */
void cpwl_regions_sort(cpwl_regions_t R);

/* The pattern as a compact bit string: one character per state, '|'
   between layers (as cpwl_net_pattern_str). */
char *cpwl_regions_pattern_str(const cpwl_regions_cell_struct *c, const cpwl_net_t net);

#endif
