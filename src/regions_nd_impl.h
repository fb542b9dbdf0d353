/* Internals of the n-D region method shared by regions_nd_poly.c
   (polyhedra), regions_nd.c (refinement by LP, layer by layer),
   regions_nd_units.c (the driver: the layers after the first as work
   units) and regions_nd_linear.c (the merge into linear regions).  Not
   installed. */
#ifndef CPWL_REGIONS_ND_IMPL_H
#define CPWL_REGIONS_ND_IMPL_H

#include <flint/fmpq.h>
#include <flint/fmpz.h>
#include "cpwl/regions.h"
#include <signal.h>
#include "lp.h"

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

void nd_weights_init(nd_weights *w, const cpwl_net_struct *g);
void nd_weights_clear(nd_weights *w, const cpwl_net_struct *g);

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
nd_forms *nd_forms_layer(const cpwl_net_struct *g, const nd_weights *w,
                         const nd_forms *prev, const unsigned char *state,
                         slong l);

/* Drop a reference (NULL is fine). */
void nd_forms_release(nd_forms *F);

/* Z (rows x c fmpq) = the forms' exact values. */
void nd_forms_get_fmpq(fmpq *Z, const nd_forms *F);

/* ---- bounding boxes (regions_nd_box.c) ------------------------------- */

/* A box is 2d doubles lo_0, hi_0, lo_1, ...; infinite sides allowed.
   Every function keeps it an outer box of the set it stands for. */

/* The box [lo, hi] (rounded outwards), or R^d when lo is NULL. */
void nd_box_init(double *box, const fmpq *lo, const fmpq *hi, slong d);

/* Tighten box by the constraint h > 0 (d+1 entries). */
void nd_box_cut(double *box, const fmpq *h, slong d);

/* Tighten box by the m constraints H > 0, at most passes rounds. */
void nd_box_tighten(double *box, const fmpq *H, slong m, slong d,
                    slong passes);

/* A double v and a proven err >= |v - min over box of s z| (s = +-1) for
   the question whether s z > 0 on the box; 0 when a side it needs is
   infinite or a value is not finite. */
int nd_box_min(double *v, double *err, const double *box, const fmpq *z,
               int s, slong d);

/* ---- polyhedra -------------------------------------------------------- */

typedef struct
{
    unsigned char *state;       /* ns bytes, undecided neurons 0 */
    fmpq *p;                    /* d: interior point */
    double *box;                /* 2d: a proven outer box */
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
    const cpwl_net_struct *g;
    const cpwl_regions_opts *opts;
    cpwl_regions_struct *R;     /* the cells (the linear merge only) */
    slong d, ns, m;
    slong lps;                  /* LPs solved with this context */
    volatile sig_atomic_t *interrupt2;  /* the scheduler's, or NULL */
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

/* ---- polyhedra (regions_nd_poly.c) ------------------------------------ */

poly_struct *nd_poly_new(slong ns, slong d);
/* Drop what only the current layer needs (candidates, witnesses). */
void nd_poly_end_layer(poly_struct *P, slong d);
void nd_poly_free(poly_struct *P, slong d, slong m);
/* Append the row (or its negation). */
void nd_poly_add(poly_struct *P, const fmpq *row, int neg, slong d);
/* State, point, box, constraints (no forms, map or witnesses). */
poly_struct *nd_poly_copy(const poly_struct *P, slong ns, slong d);
void nd_poly_add_witness(poly_struct *P, const fmpq *x, slong d);
void nd_poly_remove(poly_struct *P, slong k, slong d);
void nd_plist_push(plist *L, poly_struct *P);
void nd_plist_clear(plist *L, slong d, slong m);
/* out = the primitive integer row, a positive multiple of in (of the
   integer row in); whether its gradient part is nonzero. */
int nd_row_primitive(fmpq *out, const fmpq *in, slong d);
int nd_row_primitive_z(fmpq *out, const fmpz *in, slong d);
/* The sign of h(p), through the predicate layer. */
int nd_sign_at(cpwl_pred_ctx_t ctx, const fmpq *h, const fmpq *p, slong d);

/* ---- refinement (regions_nd.c) ---------------------------------------- */

/* Split every polyhedron of cur by the neurons of layer l (cur's entries
   are consumed); the results go to next in order.  clean: drop the
   redundant constraints of the results.  Returns 0, or -1 when stopped
   (C->stopped or C->error set), then *live holds the number of
   polyhedra at that moment. */
int regions_nd_layer(nd_ctx *C, plist *next, plist *cur, slong l, int clean,
                     slong *live);

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
