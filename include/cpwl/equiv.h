/* Exact equivalence of two networks on a domain: f = g everywhere on D?
   Decided on the exact regions of the difference f - g, built as one
   relu network (f and g side by side on the shared input, leaky and
   identity hidden layers split into relus, the shallower padded with
   exact pass-throughs): the difference is affine on each activation
   region of that network, so f = g on D iff every region's exact affine
   map is 0.  Otherwise a rational point of D where they differ is
   produced, with both exact values. */
#ifndef CPWL_EQUIV_H
#define CPWL_EQUIV_H

#include "cpwl/err.h"
#include "cpwl/net.h"
#include "cpwl/dom.h"
#include "cpwl/regions.h"

typedef struct
{
    int equal;                  /* 1: f = g on D; 0: they differ;
                                   -1: undecided (stopped) */
    slong d;                    /* domain dimension */
    fmpq *point;                /* equal = 0: a domain point (d entries) */
    fmpq *x;                    /* ... as an ambient point (n entries) */
    fmpq *fa, *fb;              /* ... the exact values there (m entries) */
    slong m, n;
    slong regions;              /* activation regions examined */
    int stopped;                /* REGIONS_STOP_*: undecided, lower work */
}
cpwl_equiv_struct;

typedef cpwl_equiv_struct cpwl_equiv_t[1];

void cpwl_equiv_init(cpwl_equiv_t Q);
void cpwl_equiv_clear(cpwl_equiv_t Q);

/* Decide whether a and b (same input and output dimensions) agree on D.
   opts as for cpwl_regions_compute (maps and points are switched on
   internally; linear and verts off).  Input error (nothing decided) when
   the dimensions differ or an activation is not supported.  Q->regions
   counts the activation regions of the difference network (a lower bound
   when stopped).  Stopped by opts->max_regions or opts->interrupt: CPWL_OK
   with Q->stopped set and Q->equal = -1.  opts->sched (many processes,
   checkpoints: cpwl/sched.h) is passed to the regions of the difference
   network; the answer is then on process 0 (Q->equal = -1 on the
   others). */
int cpwl_equiv_decide(cpwl_equiv_t Q, const cpwl_net_t a, const cpwl_net_t b, const cpwl_dom_t D,
                      const cpwl_regions_opts *opts, cpwl_err_t e);

/* The key of a checkpoint of cpwl_equiv_decide(Q, a, b, D, opts) (kind
   "equiv", cpwl/ckpt.h): the regions key (cpwl_regions_ckpt_key) of the
   difference network.  *key is a new string (flint_free), or NULL with an
   input error when the dimensions differ or an activation is not
   supported. */
int cpwl_equiv_ckpt_key(char **key, const cpwl_net_t a, const cpwl_net_t b,
                        const cpwl_dom_t D, const cpwl_regions_opts *opts,
                        cpwl_err_t e);

#endif
