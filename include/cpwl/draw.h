/* Pictures of the activation regions of a 2-D domain (SVG or PNG, Cairo).

   Each cell of a cpwl_regions_t with d = 2 (vertices and rays filled) is drawn
   as the part of conv(verts) + cone(rays) inside a view box, with thin
   dark boundaries, axes with tick labels in domain coordinates, an
   optional title and a legend with the counts.  Three colourings:
     CPWL_DRAW_BY_REGION  a qualitative colour per cell (activation region),
                     a proper colouring: cells sharing an edge of positive
                     length never share a colour;
     CPWL_DRAW_BY_LINEAR  the same per linear region (cell->linear); the
                     boundaries between linear regions are dark, those
                     between cells of one linear region faint;
     CPWL_DRAW_BY_VALUE   the value of one output: f is affine on each cell, so
                     each cell is an exact linear gradient of the viridis
                     colormap over [min f, max f] on the view box; with a
                     colour bar.  Needs the cells' maps (grad, offset).

   Drawing is approximate by nature: coordinates are rounded to double and
   each cell is clipped to the view box in double arithmetic.  What the
   picture says is exact: which cells are neighbours (and so the
   colouring), the default view box and the legend's counts are decided
   in rationals from the exact vertices and rays.

   Coordinates: the image has the origin at its top-left corner and y
   pointing down (device units: pixels for PNG, px for SVG); the plot
   rectangle [px0, px1] x [py0, py1] shows the view box with y up. */
#ifndef CPWL_DRAW_H
#define CPWL_DRAW_H

#include <stdio.h>
#include <flint/flint.h>
#include "cpwl/err.h"
#include "cpwl/regions.h"

typedef enum
{
    CPWL_DRAW_BY_REGION = 0,
    CPWL_DRAW_BY_LINEAR,
    CPWL_DRAW_BY_VALUE
}
cpwl_draw_colour;

typedef enum
{
    CPWL_DRAW_SVG = 0,
    CPWL_DRAW_PNG
}
cpwl_draw_format;

/* Limits of the image size (each side). */
#define CPWL_DRAW_MIN_SIZE 64
#define CPWL_DRAW_MAX_SIZE 10000
#define CPWL_DRAW_DEFAULT_WIDTH 800

typedef struct
{
    cpwl_draw_colour colour;         /* default CPWL_DRAW_BY_REGION */
    int have_view;              /* lo, hi hold the view box; else cpwl_draw_view */
    double lo[2], hi[2];        /* view box in domain coordinates */
    int width;                  /* image width (default CPWL_DRAW_DEFAULT_WIDTH) */
    int height;                 /* 0 (default): from the width and view */
    int equal_axes;             /* same scale on both axes (default 1) */
    int boundaries;             /* draw cell boundaries (default 1) */
    int axes;                   /* ticks and tick labels (default 1) */
    slong output;               /* CPWL_DRAW_BY_VALUE: which output (default 0) */
    const char *title;          /* UTF-8 or NULL (none) */
    const char *xlabel;         /* axis labels, UTF-8 or NULL (none) */
    const char *ylabel;
    const char *vlabel;         /* colour bar label, UTF-8 or NULL */
    int legend;                 /* 1: draw the legend, 0: never, -1
                                   (default): when some cell reaches
                                   beyond the view */
}
cpwl_draw_opts;

void cpwl_draw_opts_init(cpwl_draw_opts *o);

/* Option texts of the command line (CPWL_ERR_INPUT on a bad text, with a
   message naming the option as --colour, --view or --size; o unchanged):
     colour  "region", "linear" or "value";
     view    "xlo:xhi,ylo:yhi" with exact literals (cpwl_num_parse_fmpq), e.g.
             "-4:4,-3:3", sets have_view;
     size    "W" (height from the view) or "WxH", each side in
             [CPWL_DRAW_MIN_SIZE, CPWL_DRAW_MAX_SIZE]. */
int cpwl_draw_opts_set_colour(cpwl_draw_opts *o, const char *s, cpwl_err_t e);
int cpwl_draw_opts_set_view_str(cpwl_draw_opts *o, const char *s, cpwl_err_t e);
int cpwl_draw_opts_set_size_str(cpwl_draw_opts *o, const char *s, cpwl_err_t e);

/* The view box that will be drawn: o->lo, o->hi when o->have_view; else,
   when no cell has a ray (a bounded domain), the bounding box of the
   vertices (the domain box, to the nearest doubles); else (all of R^2 or
   an unbounded slice) the square with the centre of the bounding box B
   of all cells' vertices and side E + 2m, E the longer side of B and
   m = E / 10 (m = 1 when B is a point), computed exactly and rounded
   outward: every vertex lies at least m inside the frame, so every cell
   shows, bounded cells whole and the rays of unbounded ones reaching the
   frame.  (A cell without a vertex, a strip or half-plane, contributes
   points of its boundary lines.) */
void cpwl_draw_view(double lo[2], double hi[2], const cpwl_regions_t R,
                    const cpwl_draw_opts *o);

/* Where things go in the image.  Plain data: no clear needed. */
typedef struct
{
    double lo[2], hi[2];        /* view box */
    int width, height;          /* image size */
    double px0, py0, px1, py1;  /* plot rectangle (device coordinates) */
    double vmin, vmax;          /* CPWL_DRAW_BY_VALUE: colour range (vmin < vmax) */
    double font;                /* tick label font size */
    double bar[4];              /* CPWL_DRAW_BY_VALUE: colour bar x0, y0, x1, y1 */
    double legend_font;         /* legend font size, 0 when there is none */
    double legend_x, legend_y;  /* the middle of the legend's baseline */
    double legend_h;            /* height of the legend's line */
}
cpwl_draw_layout_struct;

typedef cpwl_draw_layout_struct cpwl_draw_layout_t[1];

/* The layout cpwl_draw_regions uses for R and o.  Returns CPWL_OK, or an error
   (as cpwl_draw_regions) when R or o cannot be drawn. */
int cpwl_draw_layout(cpwl_draw_layout_t L, const cpwl_regions_t R, const cpwl_draw_opts *o,
                     cpwl_err_t e);

/* u = the device point of the domain point x, and back. */
void cpwl_draw_layout_to_device(double u[2], const cpwl_draw_layout_t L,
                                const double x[2]);
void cpwl_draw_layout_to_domain(double x[2], const cpwl_draw_layout_t L,
                                const double u[2]);

/* Colours (sRGB in [0, 1]):
   cpwl_draw_palette_rgb   the k-th qualitative colour (k >= 0; grey for k < 0):
                      for k < CPWL_DRAW_PALETTE_K evenly spaced OKLCH hues with
                      alternating lightness, pairwise clearly apart;
                      beyond, hue and lightness stepped by the R2
                      low-discrepancy sequence (the 2-D golden ratio), so
                      that nearby indices are far apart; moderate chroma;
   cpwl_draw_colormap_rgb  viridis at t in [0, 1] (clamped), piecewise linear
                      between 52 of matplotlib's 256 entries, exactly as the
                      gradients are drawn;
   cpwl_draw_value_rgb     the colour of the value v under layout L;
   cpwl_draw_cell_rgb      the fill of cell i as cpwl_draw_regions paints it: by
                      region or linear region the palette colour of the
                      cell's index in draw_info's palette; by value the
                      colour at the mean of the corners of the visible
                      part.  Costs a pass over all cells (meant for tests
                      and legends). */
void cpwl_draw_palette_rgb(double rgb[3], slong k);

/* The colouring uses the palette colours 0 .. CPWL_DRAW_PALETTE_K - 1, which
   are clearly apart, and beyond them only for a unit whose neighbours
   hold all of them. */
#define CPWL_DRAW_PALETTE_K 10
void cpwl_draw_colormap_rgb(double rgb[3], double t);
void cpwl_draw_value_rgb(double rgb[3], const cpwl_draw_layout_t L, double v);
void cpwl_draw_cell_rgb(double rgb[3], const cpwl_regions_t R, slong i,
                        const cpwl_draw_opts *o);

/* What a picture of R with the options o shows, for tests and reports:
     lo, hi     the view box (cpwl_draw_view);
     ncells, nlinear  R's counts (nlinear -1 when not computed);
     unbounded  cells with a ray;
     outside    cells not inside the closed view box: unbounded, or with a
                vertex outside it;
     hidden     cells that miss the view's interior (wholly outside);
     pairs      the npairs pairs (i < j, sorted, each once) of cells that
                share an edge of positive length, from the exact vertices
                and rays (a facet of each on one line, overlapping);
     palette    by region or linear region: the palette index of every
                cell (cpwl_draw_palette_rgb), a proper colouring of the units
                (cells or linear regions) under that adjacency, greedy in
                the units' order, each taking the least used of the first
                CPWL_DRAW_PALETTE_K colours free among its neighbours; NULL
                by value; ncolours the number of distinct indices used;
     legend     the legend's text (UTF-8), or NULL when none is drawn (a
                legend not asked for, o->legend < 0, also gives way in a
                picture too small for it; cpwl_draw_layout says).
   All counts are exact. */
typedef struct
{
    double lo[2], hi[2];
    slong ncells, nlinear, unbounded, outside, hidden;
    slong npairs;
    slong *pairs;
    slong *palette;
    slong ncolours;
    char *legend;
}
cpwl_draw_info_struct;

typedef cpwl_draw_info_struct cpwl_draw_info_t[1];

void cpwl_draw_info_init(cpwl_draw_info_t I);
void cpwl_draw_info_clear(cpwl_draw_info_t I);
/* Returns CPWL_OK, or an error (as cpwl_draw_regions) when R or o cannot be
   drawn. */
int cpwl_draw_info_compute(cpwl_draw_info_t I, const cpwl_regions_t R, const cpwl_draw_opts *o,
                           cpwl_err_t e);

/* Draw R into path ("-" for standard output) as SVG or PNG, atomically
   (outfile: a temporary file renamed into place when complete; on a
   failure the target is left as it was and never removed).  Returns
   CPWL_OK; CPWL_ERR_INPUT when the picture cannot be made from the user's
   input (d != 2, output out of range, bad view or size, title not UTF-8)
   or the path cannot hold a file (the message quotes the path and gives
   the reason); CPWL_ERR_INTERNAL when writing fails (a full disk...), R
   lacks what the colouring needs (vertices, linear indices, maps: a bug
   of the caller) or Cairo fails. */
int cpwl_draw_regions(const char *path, cpwl_draw_format fmt, const cpwl_regions_t R,
                      const cpwl_draw_opts *o, cpwl_err_t e);

/* The same into the open stream f (name for messages only): the caller
   owns f, e.g. an outfile's.  I, when not NULL, is what
   cpwl_draw_info_compute gave for the same R and o: the exact adjacency,
   colouring and counts are then not computed again (several pictures of
   one result, or a picture and its report). */
int cpwl_draw_regions_file(FILE *f, const char *name, cpwl_draw_format fmt,
                           const cpwl_regions_t R, const cpwl_draw_opts *o,
                           const cpwl_draw_info_struct *I, cpwl_err_t e);

#endif
