/* Internals of the picture module, shared by src/draw.c (text, layout,
   painting, output), src/draw_geom.c (options, cell polygons, view,
   checks) and src/draw_colour.c (colours and their choice). */
#ifndef CPWL_DRAW_IMPL_H
#define CPWL_DRAW_IMPL_H

#include <flint/fmpq.h>
#include "cpwl/draw.h"

#define DRAW_PI 3.14159265358979323846

/* Coordinates beyond this are clamped: the picture cannot show them and
   larger doubles would overflow in the clipping. */
#define DRAW_HUGE 1e300

#define DRAW_MAX_TICKS 32
#define DRAW_FONT "sans-serif"

/* The visible parts of the cells of R as convex polygons. */
typedef struct
{
    slong n;                    /* cells */
    slong *start;               /* corners of cell i: start[i] .. start[i+1] */
    double *xy;                 /* corners in domain coordinates */
}
draw_polys_struct;

/* Shared internals (defined in draw_geom.c and draw_colour.c; see there). */

/* Every fifth of matplotlib's 256 viridis entries (draw_colour.c). */
#define DRAW_VIRIDIS_N 52
extern const double draw_viridis[DRAW_VIRIDIS_N][3];

double draw_get_d(const fmpq_t x);
void draw_polys_init(draw_polys_struct *P, const regions_t R,
                     const double lo[2], const double hi[2]);
void draw_polys_clear(draw_polys_struct *P);
int draw_check(const regions_t R, const draw_opts *o, err_t e);
slong draw_adjacent_pairs(slong **pairs, const draw_polys_struct *P,
                          const double lo[2], const double hi[2]);
slong *draw_palette_indices(const regions_t R, const draw_opts *o,
                            const slong *pairs, slong npairs);
void draw_cell_affine(double g[2], double *c0,
                      const regions_cell_struct *c, slong k);
void draw_value_range(double *vmin, double *vmax, const regions_t R,
                      const draw_polys_struct *P, slong k);

#endif
