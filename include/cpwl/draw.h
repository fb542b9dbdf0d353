/* Pictures of the activation regions of a 2-D domain (SVG or PNG, Cairo).

   Each cell of a regions_t with d = 2 (vertices and rays filled) is drawn
   as the part of conv(verts) + cone(rays) inside a view box, filled with
   its own colour, with thin dark boundaries, axes with tick labels in
   domain coordinates and an optional title.  Three colourings:
     DRAW_BY_REGION  one qualitative colour per cell (activation region);
     DRAW_BY_LINEAR  one colour per linear region (cell->linear); the
                     boundaries between linear regions are dark, those
                     between cells of one linear region faint;
     DRAW_BY_VALUE   the value of one output: f is affine on each cell, so
                     each cell is an exact linear gradient of the viridis
                     colormap over [min f, max f] on the view box; with a
                     colour bar.  Needs the cells' maps (grad, offset).

   Drawing is approximate by nature: coordinates are rounded to double and
   each cell is clipped to the view box in double arithmetic.  The picture
   is not an exact output.

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
    DRAW_BY_REGION = 0,
    DRAW_BY_LINEAR,
    DRAW_BY_VALUE
}
draw_colour;

typedef enum
{
    DRAW_SVG = 0,
    DRAW_PNG
}
draw_format;

/* Limits of the image size (each side). */
#define DRAW_MIN_SIZE 64
#define DRAW_MAX_SIZE 10000
#define DRAW_DEFAULT_WIDTH 800

typedef struct
{
    draw_colour colour;         /* default DRAW_BY_REGION */
    int have_view;              /* lo, hi hold the view box; else draw_view */
    double lo[2], hi[2];        /* view box in domain coordinates */
    int width;                  /* image width (default DRAW_DEFAULT_WIDTH) */
    int height;                 /* 0 (default): from the width and view */
    int equal_axes;             /* same scale on both axes (default 1) */
    int boundaries;             /* draw cell boundaries (default 1) */
    int axes;                   /* ticks and tick labels (default 1) */
    slong output;               /* DRAW_BY_VALUE: which output (default 0) */
    const char *title;          /* UTF-8 or NULL (none) */
    const char *xlabel;         /* axis labels, UTF-8 or NULL (none) */
    const char *ylabel;
    const char *vlabel;         /* colour bar label, UTF-8 or NULL */
}
draw_opts;

void draw_opts_init(draw_opts *o);

/* Option texts of the command line (CPWL_ERR_INPUT on a bad text, with a
   message naming the option as --colour, --view or --size; o unchanged):
     colour  "region", "linear" or "value";
     view    "xlo:xhi,ylo:yhi" with exact literals (num_parse_fmpq), e.g.
             "-4:4,-3:3", sets have_view;
     size    "W" (height from the view) or "WxH", each side in
             [DRAW_MIN_SIZE, DRAW_MAX_SIZE]. */
int draw_opts_set_colour(draw_opts *o, const char *s, err_t e);
int draw_opts_set_view_str(draw_opts *o, const char *s, err_t e);
int draw_opts_set_size_str(draw_opts *o, const char *s, err_t e);

/* The view box that will be drawn: o->lo, o->hi when o->have_view; else,
   when no cell has a ray (a bounded domain), the bounding box of the
   vertices (the domain box); else the bounding box of the vertices padded
   by 10%, at least 2 wide on each axis, and widened to a square. */
void draw_view(double lo[2], double hi[2], const regions_t R,
               const draw_opts *o);

/* Where things go in the image.  Plain data: no clear needed. */
typedef struct
{
    double lo[2], hi[2];        /* view box */
    int width, height;          /* image size */
    double px0, py0, px1, py1;  /* plot rectangle (device coordinates) */
    double vmin, vmax;          /* DRAW_BY_VALUE: colour range (vmin < vmax) */
    double font;                /* tick label font size */
    double bar[4];              /* DRAW_BY_VALUE: colour bar x0, y0, x1, y1 */
}
draw_layout_struct;

typedef draw_layout_struct draw_layout_t[1];

/* The layout draw_regions uses for R and o.  Returns CPWL_OK, or an error
   (as draw_regions) when R or o cannot be drawn. */
int draw_layout(draw_layout_t L, const regions_t R, const draw_opts *o,
                err_t e);

/* u = the device point of the domain point x, and back. */
void draw_layout_to_device(double u[2], const draw_layout_t L,
                           const double x[2]);
void draw_layout_to_domain(double x[2], const draw_layout_t L,
                           const double u[2]);

/* Colours (sRGB in [0, 1]):
   draw_palette_rgb   the k-th qualitative colour (k >= 0; grey for k < 0):
                      hue and lightness in OKLCH stepped by the R2
                      low-discrepancy sequence (the 2-D golden ratio), so
                      that nearby indices are far apart; moderate chroma;
   draw_colormap_rgb  viridis at t in [0, 1] (clamped), piecewise linear
                      between 52 of matplotlib's 256 entries, exactly as the
                      gradients are drawn;
   draw_value_rgb     the colour of the value v under layout L;
   draw_cell_rgb      the fill of cell i as draw_regions paints it.  By
                      region (by linear region: u = cell->linear, U units)
                      unit u gets the first of the palette colours u,
                      u + U, u + 2U, ... that differs clearly (OKLab) from
                      the colours of its neighbours of smaller index
                      (sharing a piece of edge in the view), so that
                      neighbours look different.  By value: the
                      colour at the mean of the corners of the visible
                      part.  Costs a pass over all cells (meant for tests
                      and legends). */
void draw_palette_rgb(double rgb[3], slong k);
void draw_colormap_rgb(double rgb[3], double t);
void draw_value_rgb(double rgb[3], const draw_layout_t L, double v);
void draw_cell_rgb(double rgb[3], const regions_t R, slong i,
                   const draw_opts *o);

/* Draw R into path ("-" for standard output) as SVG or PNG, atomically
   (outfile: a temporary file renamed into place when complete; on a
   failure the target is left as it was and never removed).  Returns
   CPWL_OK; CPWL_ERR_INPUT when the picture cannot be made from the user's
   input (d != 2, output out of range, bad view or size, title not UTF-8)
   or the path cannot hold a file (the message quotes the path and gives
   the reason); CPWL_ERR_INTERNAL when writing fails (a full disk...), R
   lacks what the colouring needs (vertices, linear indices, maps: a bug
   of the caller) or Cairo fails. */
int draw_regions(const char *path, draw_format fmt, const regions_t R,
                 const draw_opts *o, err_t e);

/* The same into the open stream f (name for messages only): the caller
   owns f, e.g. an outfile's. */
int draw_regions_file(FILE *f, const char *name, draw_format fmt,
                      const regions_t R, const draw_opts *o, err_t e);

#endif
