/* Internals of the n-D region method shared by regions_nd.c (polyhedra,
   refinement by LP, the driver) and regions_nd_linear.c (the merge into
   linear regions).  Not installed. */
#ifndef CPWL_REGIONS_ND_IMPL_H
#define CPWL_REGIONS_ND_IMPL_H

#include <flint/fmpq.h>
#include <flint/fmpz.h>
#include "cpwl/regions.h"
#include "cpwl/lp.h"

/* ---- forms carried in integers (regions_nd_forms.c) ------------------ */

/* A layer scaled to integers: W = Wn / den, b = bn / den; the leaky
   slope sn / sd (1 / 1 for the other activations). */
typedef struct
{
    fmpz *W;                    /* out x in, row-major */
    fmpz *b;                    /* out */
    fmpz_t den, sn, sd;
}
nd_wlayer;

typedef struct
{
    nd_wlayer *L;
    slong nlayers;
}
nd_weights;

void nd_weights_init(nd_weights *w, const net_struct *g);
void nd_weights_clear(nd_weights *w, const net_struct *g);

/* The forms of z_layer, exactly N / den (den > 0): rows x c, c = d + 1,
   shared (refs) by the polyhedra that come from one polyhedron. */
typedef struct
{
    slong refs, rows, c, layer;
    fmpz *N;
    fmpz_t den;
}
nd_forms;

/* The forms of z_l under state (the states of the layers before l are
   read): from prev, the forms of an earlier layer l' under the same
   states before l', or from the input when prev is NULL.  A new
   reference. */
nd_forms *nd_forms_layer(const net_struct *g, const nd_weights *w,
                         const nd_forms *prev, const unsigned char *state,
                         slong l);

/* Drop a reference (NULL is fine). */
void nd_forms_release(nd_forms *F);

/* Z (rows x c fmpq) = the forms' exact values. */
void nd_forms_get_fmpq(fmpq *Z, const nd_forms *F);

/* ---- polyhedra -------------------------------------------------------- */

typedef struct
{
    unsigned char *state;       /* ns bytes, undecided neurons 0 */
    fmpq *p;                    /* d: interior point */
    fmpq *h;                    /* alloc x (d+1): constraints h >= 0 */
    slong m, alloc;
    slong nclean;               /* m after the last redundancy removal */
    /* Within a layer only: */
    slong *cand;                /* neurons that may still cut it */
    slong ncand;
    fmpq *w;                    /* NWIT x d: more interior points */
    slong nw, wnext;            /* witnesses held, next slot to reuse */
    fmpq *map;                  /* m x (d+1) affine map, once complete
                                   (when maps or linear regions are
                                   wanted), or NULL */
    nd_forms *forms;            /* between layers: the forms of the last
                                   layer done, shared with its siblings */
}
poly_struct;

/* Interior points kept per polyhedron: a neuron with opposite signs at
   two of them cuts it, no LP needed. */
#define NWIT 8

/* A growable list of polyhedra. */
typedef struct
{
    poly_struct **v;
    slong n, alloc;
}
plist;

/* ---- the computation -------------------------------------------------- */

typedef struct
{
    const net_struct *g;
    const regions_opts *opts;
    regions_struct *R;
    slong d, ns;
    lp_t lp;
    nd_weights wts;             /* the layers in integers */
    fmpq *x;                    /* d: LP point */
    slong layer;                /* for progress reports */
    slong lp_mark;              /* lp_solved at the last report */
    slong live;                 /* polyhedra at the moment (progress) */
    slong last;                 /* the last layer with states */
    int want_map;               /* keep every cell's affine map */
    int stopped;                /* REGIONS_STOP_* once stopped */
    int error;                  /* an LP failed (internal error) */
}
nd_ctx;

/* 1 when the caller asked to stop (then C->stopped is set), else 0. */
int regions_nd_interrupted(nd_ctx *C);

/* Whether the rows of C->lp have a common strictly positive point: 1
   (point in C->x), 0, or -1 when stopped or on a solver error. */
int regions_nd_slack(nd_ctx *C);

/* Drop the redundant constraints of P.  Returns 0, or -1 when stopped. */
int regions_nd_poly_clean(nd_ctx *C, poly_struct *P);

/* Facet adjacency among cells with equal maps, then the merge (C->R's
   cells, polys[i] the polyhedron of cell i).  0, or -1 when stopped. */
int regions_nd_linear(nd_ctx *C, poly_struct **polys, slong n);

#endif
