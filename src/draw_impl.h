/* Internals of the picture module, shared by src/draw.c (scene, layout,
   legend, output), src/draw_text.c (ticks and text), src/draw_paint.c
   (painting), src/draw_geom.c (options, cell polygons, checks),
   src/draw_adj.c (adjacency, view and counts, exactly) and
   src/draw_colour.c (colours and their choice). */
#ifndef CPWL_DRAW_IMPL_H
#define CPWL_DRAW_IMPL_H

#include <cairo.h>
#include <flint/fmpq.h>
#include "cpwl/draw.h"

#define DRAW_PI 3.14159265358979323846

/* Coordinates beyond this are clamped: the picture cannot show them and
   larger doubles would overflow in the clipping. */
#define DRAW_HUGE 1e300

#define DRAW_MAX_TICKS 32

/* Up to this many vertices every pair is tried as a facet (no reliance on
   their order); beyond, consecutive ones (the counter-clockwise order). */
#define DRAW_ALL_PAIRS 32
#define DRAW_FONT "sans-serif"

/* The visible parts of the cells of R as convex polygons. */
typedef struct
{
    slong n;                    /* cells */
    slong *start;               /* corners of cell i: start[i] .. start[i+1] */
    double *xy;                 /* corners in domain coordinates */
}
draw_polys_struct;

/* Shared internals (defined in the draw_*.c files; see there). */

/* Ticks and text (draw_text.c). */
typedef struct
{
    int n;
    double v[DRAW_MAX_TICKS];
    char s[DRAW_MAX_TICKS][48];
}
draw_ticks_struct;

/* Sizes derived from the width only (the same in every pass). */
typedef struct
{
    double unit;                /* 1 at 640 px wide */
    double font, tfont;         /* tick labels, title */
    double pad, tick, gap;
    double bar_gap, bar_w;
    double target[3];           /* about how many ticks on x, y, bar */
}
draw_sizes_struct;

void draw_ticks(draw_ticks_struct *T, double lo, double hi, double target);
cairo_t *draw_measure_create(void);
void draw_font(cairo_t *cr, double size, int bold);
double draw_text_width(cairo_t *cr, const char *s);
double draw_cap(cairo_t *cr);
void draw_show(cairo_t *cr, const char *s, double x, double y, double align);
void draw_sizes(draw_sizes_struct *S, const cpwl_draw_opts *o, const double lo[2],
                const double hi[2]);

/* Line plots (draw_plot.c): a white page with the title centred below
   top (returns the top below the title); a panel's rectangle, data
   ranges (y in log10 when logy: grid at the powers of 10), the maps to
   the page (y clamped into the panel), its grid, ticks and border; a
   legend entry, a swatch and a name at (x, y) (returns the next x). */
typedef struct
{
    double x0, y0, x1, y1;      /* the plot rectangle */
    double xlo, xhi, ylo, yhi;  /* data ranges (log10 when logy) */
    int logy;
}
draw_panel;

double draw_page(cairo_t *cr, const char *title, double W, double unit,
                 double top);
double draw_panel_px(const draw_panel *P, double x);
double draw_panel_py(const draw_panel *P, double v);
void draw_panel_axes(cairo_t *cr, const draw_panel *P);
double draw_legend_entry(cairo_t *cr, double x, double y, double unit,
                         const double rgb[3], const char *name);

/* Every fifth of matplotlib's 256 viridis entries (draw_colour.c). */
#define DRAW_VIRIDIS_N 52
extern const double draw_viridis[DRAW_VIRIDIS_N][3];

double draw_get_d(const fmpq_t x);
void draw_polys_init(draw_polys_struct *P, const cpwl_regions_t R,
                     const double lo[2], const double hi[2]);
void draw_polys_clear(draw_polys_struct *P);
int draw_check(const cpwl_regions_t R, const cpwl_draw_opts *o, cpwl_err_t e);

/* What draw_adj.c decides exactly: the pairs of cells sharing an edge of
   positive length (i < j, sorted, each once) and the counts of the cells
   with a ray (unbounded), not inside the closed view box (outside) and
   missing its interior (hidden). */
typedef struct
{
    slong npairs;
    slong *pairs;
    slong unbounded, outside, hidden;
}
draw_adj_struct;

void draw_fmpq_set_d(fmpq_t q, double d);
void draw_adjacency(draw_adj_struct *A, const cpwl_regions_t R, const double lo[2],
                    const double hi[2]);
slong *draw_palette_indices(const cpwl_regions_t R, const cpwl_draw_opts *o,
                            const slong *pairs, slong npairs);

/* Everything a picture shows, in domain coordinates (draw.c): the view,
   the visible polygons, the exact adjacency and counts, the palette index
   of every cell (NULL by value) and the legend (NULL: none). */
typedef struct
{
    double lo[2], hi[2];
    draw_polys_struct P;
    draw_adj_struct A;
    slong *pal;
    char *legend;
}
draw_scene_struct;

void draw_scene_init(draw_scene_struct *S, const cpwl_regions_t R,
                     const cpwl_draw_opts *o);
void draw_scene_clear(draw_scene_struct *S);

/* Paint the scene S of R with layout L (draw_paint.c). */
void draw_picture(cairo_t *cr, const cpwl_draw_layout_t L, const cpwl_regions_t R,
                  const cpwl_draw_opts *o, const draw_scene_struct *S);

void draw_cell_affine(double g[2], double *c0,
                      const cpwl_regions_cell_struct *c, slong k);
void draw_value_range(double *vmin, double *vmax, const cpwl_regions_t R,
                      const draw_polys_struct *P, slong k);

#endif
