/* Internals of the 2-D region algorithm (cpwl_regions_2d*.c): the planar
   subdivision with twin edges, lazy exact geometry and the sign of a
   cutting line at a vertex.  See regions_2d.c for the method. */
#ifndef CPWL_REGIONS_2D_IMPL_H
#define CPWL_REGIONS_2D_IMPL_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "interval.h"
#include "cpwl/regions.h"
#include "forms.h"
#include "cpwl/num.h"
#include "cpwl/pred.h"

/* ---- lines, vertices, faces ------------------------------------------ */

/* A line a x + b y + c0 + c1 M = 0.  Network lines have c1 = 0; box
   lines of R^2 have c1 = +-1.  Exact coefficients are built on demand from
   the recipe: the face whose pattern's layers before `layer` hold on the
   line's side of it (they never change once that layer began), the
   layer and the neuron. */
typedef struct
{
    iv a, b, c0;
    double c1;                  /* exact: 0, 1 or -1 */
    fmpq *ex;                   /* NULL or (a, b, c0, c1) */
    slong snap, layer, neuron;  /* recipe; snap (a face) < 0: box line */
}
line_s;

/* A vertex (x0 + x1 M, y0 + y1 M): the crossing of lines l1 and l2, or a
   box corner (l1 < 0). */
typedef struct
{
    iv x0, x1, y0, y1;
    int inf;                    /* x1 or y1 may be nonzero */
    fmpq *ex;                   /* NULL or (x0, x1, y0, y1) */
    slong l1, l2;
    slong stamp;                /* sign cache: (face instance, neuron) */
    int sgn;
}
vert_s;

/* A convex face: vertices counter-clockwise; edge i runs from v[i] to
   v[i+1] on line ln[i] with face nb[i] on its other side (-1: domain
   boundary). */
typedef struct
{
    slong n, alloc;
    slong *v, *nb, *ln;
    unsigned char *st;
    iv bx, by;                  /* a box around the face, when bb_ok */
    int bb_ok;                  /* 0: not known (yet, or since a split);
                                   -1: none (a vertex is at infinity) */
}
face_s;


typedef struct
{
    const cpwl_net_struct *g;
    const cpwl_regions_opts *opts;
    slong ns;                   /* states per pattern */
    line_s *L;
    slong nl, al;
    vert_s *V;
    slong nv, av;
    face_s *F;
    slong nf, af;
    double *oZ, *oE;            /* per face: output forms, m x 3, bounds */
    slong ao;                   /* faces with room in oZ, oE */
    slong lstat;                /* the last layer with states */
    double *tA, *tE, *tB, *tF;  /* scratch, 3 x widest layer */
    unsigned char **stblk;      /* the faces' patterns, in blocks */
    slong nstblk, astblk, stleft;
    slong stamp;                /* current (face instance, neuron) */
    const char *bug;            /* a broken invariant (internal error) */
    /* the carried forms (regions_2d.c) */
    const forms_plan_struct *fp;
    slong *lnext;               /* the next layer with states, or -1 */
    int nthreads;
    slong *tag;                 /* per face: scratch of the forms phase */
    slong atag, tagbase;
    slong tw;                   /* the widest layer */
    int stop;                   /* a limit or an interrupt was seen */
    slong nprog;                /* faces refined, for the progress report */
    slong *sbuf;                /* scratch of r2_split_face */
    slong asbuf;
}
plane;

/* The current splitting form: double coefficients with radii and the
   exact row built only when a sign needs it. */
typedef struct
{
    iv h[3];
    int have_ex;
    fmpq *ex;                   /* 3 entries */
    slong snap, layer, neuron;
    slong line;                 /* line record once it cuts (-1 before) */
}
cutter;

void r2_plane_clear(plane *P);
const fmpq *r2_line_exact(plane *P, slong i);
const fmpq *r2_vert_exact(plane *P, slong i);
/* Sign of the cutter's form at vertex vi, cached per P->stamp. */
int r2_vert_sign(plane *P, slong vi, cutter *C);
/* Split face fi by the cutter (vertex signs s are mixed): fi keeps the
   positive side, the new face (returned) the negative side. */
slong r2_split_face(plane *P, slong fi, const int *s, cutter *C);
/* The first face: the box [lo, hi], or the symbolic box when lo is NULL. */
void r2_plane_start(plane *P, const fmpq *lo, const fmpq *hi);
/* A broken invariant (a bug, never bad input): the first one is kept. */
void r2_internal(plane *P, const char *what);
/* The box of face fi (bx, by): 1 when it has one.  A vertex inserted on
   an edge keeps it; a split clears it. */
int r2_face_box(plane *P, slong fi);
void r2_face_point(fmpq *pt, plane *P, slong fi);
void r2_face_verts(cpwl_regions_cell_struct *c, plane *P, slong fi);
/* The cells of the finished plane appended to R in face order: the
   exact points, maps and vertices asked for are a phase of work units of
   opts->sched (NULL: one process on P->nthreads threads).  With several
   processes the cells are appended on process 0 only.  An interrupt
   leaves R->stopped set and no cell appended. */
int r2_cells(cpwl_regions_t R, plane *P, const cpwl_regions_opts *opts,
             cpwl_err_t e);

#endif
