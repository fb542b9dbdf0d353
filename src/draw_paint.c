/* Pictures of 2-D regions: painting with Cairo in device coordinates
   (see cpwl/draw.h): the cells' fills, their boundaries, the axes, the
   colour bar and the legend. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include "cpwl/draw.h"
#include "draw_impl.h"

/* ------------------------------------------------------------------------
   Painting
   ------------------------------------------------------------------------ */

static void draw_poly_path(cairo_t *cr, const cpwl_draw_layout_t L,
                           const draw_polys_struct *P, slong i)
{
    slong j;
    double u[2];

    for (j = P->start[i]; j < P->start[i + 1]; j++)
    {
        cpwl_draw_layout_to_device(u, L, P->xy + 2 * j);
        if (j == P->start[i])
            cairo_move_to(cr, u[0], u[1]);
        else
            cairo_line_to(cr, u[0], u[1]);
    }
    cairo_close_path(cr);
}

/* Add the colormap between t0 < t1 to the gradient g, whose ends are the
   values t0 and t1: the table's own knots as stops, so that the picture
   is the piecewise-linear colormap exactly. */
static void draw_gradient_stops(cairo_pattern_t *g, double t0, double t1)
{
    double rgb[3];
    int k;

    cpwl_draw_colormap_rgb(rgb, t0);
    cairo_pattern_add_color_stop_rgb(g, 0.0, rgb[0], rgb[1], rgb[2]);
    for (k = 1; k < DRAW_VIRIDIS_N - 1; k++)
    {
        double t = (double) k / (DRAW_VIRIDIS_N - 1);
        if (t > t0 && t < t1)
            cairo_pattern_add_color_stop_rgb(g, (t - t0) / (t1 - t0),
                                             draw_viridis[k][0],
                                             draw_viridis[k][1],
                                             draw_viridis[k][2]);
    }
    cpwl_draw_colormap_rgb(rgb, t1);
    cairo_pattern_add_color_stop_rgb(g, 1.0, rgb[0], rgb[1], rgb[2]);
}

/* Set the source to the colour of the output on polygon i: a linear
   gradient along the output's gradient in device coordinates (exact
   for an affine function), ending at the polygon's own extreme values. */
static void draw_value_source(cairo_t *cr, const cpwl_draw_layout_t L,
                              const cpwl_regions_cell_struct *c,
                              const draw_polys_struct *P, slong i, slong k)
{
    double g[2], c0, gd[2], fmn = INFINITY, fmx = -INFINITY, t0, t1, span;
    double q[2], fq, nn, rgb[3];
    slong j;

    draw_cell_affine(g, &c0, c, k);
    for (j = P->start[i]; j < P->start[i + 1]; j++)
    {
        double v = g[0] * P->xy[2 * j] + g[1] * P->xy[2 * j + 1] + c0;
        fmn = fmin(fmn, v);
        fmx = fmax(fmx, v);
    }
    span = L->vmax - L->vmin;
    t0 = (fmn - L->vmin) / span;
    t1 = (fmx - L->vmin) / span;
    /* Device gradient of the output: x = lo + (u - px0) / sx, y flipped. */
    gd[0] = g[0] * (L->hi[0] - L->lo[0]) / (L->px1 - L->px0);
    gd[1] = -g[1] * (L->hi[1] - L->lo[1]) / (L->py1 - L->py0);
    nn = gd[0] * gd[0] + gd[1] * gd[1];
    if (!(t1 - t0 > 1e-9) || !(nn > 0.0) || !isfinite(nn))
    {
        cpwl_draw_colormap_rgb(rgb, 0.5 * (t0 + t1));
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        return;
    }
    cpwl_draw_layout_to_device(q, L, P->xy + 2 * P->start[i]);
    fq = g[0] * P->xy[2 * P->start[i]] + g[1] * P->xy[2 * P->start[i] + 1]
        + c0;
    {
        double s0 = (fmn - fq) / nn, s1 = (fmx - fq) / nn;
        cairo_pattern_t *pat = cairo_pattern_create_linear(
            q[0] + s0 * gd[0], q[1] + s0 * gd[1],
            q[0] + s1 * gd[0], q[1] + s1 * gd[1]);
        draw_gradient_stops(pat, t0 < 0.0 ? 0.0 : t0, t1 > 1.0 ? 1.0 : t1);
        cairo_pattern_set_extend(pat, CAIRO_EXTEND_PAD);
        cairo_set_source(cr, pat);
        cairo_pattern_destroy(pat);
    }
}

static void draw_cells(cairo_t *cr, const cpwl_draw_layout_t L, const cpwl_regions_t R,
                       const cpwl_draw_opts *o, const draw_polys_struct *P,
                       const slong *pal)
{
    slong i;
    double rgb[3];

    /* A hairline of the fill colour too, so that antialiasing leaves no
       light seams between neighbours. */
    cairo_set_line_width(cr, 1.0);
    for (i = 0; i < P->n; i++)
    {
        if (P->start[i + 1] == P->start[i])
            continue;
        if (o->colour == CPWL_DRAW_BY_VALUE)
            draw_value_source(cr, L, R->cells + i, P, i, o->output);
        else
        {
            cpwl_draw_palette_rgb(rgb, pal[i]);
            cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        }
        draw_poly_path(cr, L, P, i);
        cairo_fill_preserve(cr);
        cairo_stroke(cr);
    }
}

/* The boundaries between linear regions: inside each cell, the outlines of
   the adjacent cells of other linear regions, clipped to the cell.
   Each side paints its half of the line, so T-junctions (an edge of one
   cell split among several neighbours) come out right without matching
   edges. */
static void draw_linear_boundaries(cairo_t *cr, const cpwl_draw_layout_t L,
                                   const cpwl_regions_t R,
                                   const draw_polys_struct *P,
                                   const slong *pairs, slong npairs,
                                   double lw)
{
    slong n = P->n, i, k, *start, *fill, *adj;

    /* Neighbours in other linear regions, as lists per cell. */
    start = flint_calloc(n + 1, sizeof(slong));
    for (k = 0; k < npairs; k++)
        if (R->cells[pairs[2 * k]].linear != R->cells[pairs[2 * k + 1]].linear)
        {
            start[pairs[2 * k] + 1]++;
            start[pairs[2 * k + 1] + 1]++;
        }
    for (i = 0; i < n; i++)
        start[i + 1] += start[i];
    fill = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    adj = flint_malloc(FLINT_MAX(start[n], 1) * sizeof(slong));
    memcpy(fill, start, n * sizeof(slong));
    for (k = 0; k < npairs; k++)
    {
        slong a = pairs[2 * k], b = pairs[2 * k + 1];
        if (R->cells[a].linear != R->cells[b].linear)
        {
            adj[fill[a]++] = b;
            adj[fill[b]++] = a;
        }
    }

    cairo_set_line_width(cr, lw);
    cairo_set_source_rgb(cr, 0.10, 0.10, 0.12);
    for (i = 0; i < n; i++)
    {
        if (start[i + 1] == start[i])
            continue;
        cairo_save(cr);
        draw_poly_path(cr, L, P, i);
        cairo_clip(cr);
        for (k = start[i]; k < start[i + 1]; k++)
            draw_poly_path(cr, L, P, adj[k]);
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    flint_free(start);
    flint_free(fill);
    flint_free(adj);
}

static void draw_boundaries(cairo_t *cr, const cpwl_draw_layout_t L,
                            const cpwl_regions_t R, const cpwl_draw_opts *o,
                            const draw_polys_struct *P, const slong *pairs,
                            slong npairs, double unit)
{
    slong i, nvis = 0;
    double f;

    /* One path, one stroke: shared edges are not darkened twice. */
    cairo_new_path(cr);
    for (i = 0; i < P->n; i++)
        if (P->start[i + 1] > P->start[i])
        {
            draw_poly_path(cr, L, P, i);
            nvis++;
        }
    /* Thinner lines when the cells are many, so that the fills still show. */
    f = nvis > 400 ? fmax(0.5, sqrt(400.0 / nvis)) : 1.0;
    unit *= f;
    if (o->colour == CPWL_DRAW_BY_REGION)
    {
        cairo_set_source_rgb(cr, 0.12, 0.12, 0.14);
        cairo_set_line_width(cr, fmax(0.9 * unit, f));
        cairo_stroke(cr);
    }
    else if (o->colour == CPWL_DRAW_BY_VALUE)
    {
        cairo_set_source_rgba(cr, 0.0, 0.0, 0.0, 0.35);
        cairo_set_line_width(cr, fmax(0.7 * unit, 0.8 * f));
        cairo_stroke(cr);
    }
    else
    {
        /* Activation boundaries inside a linear region stay visible but
           faint; linear regions get the dark lines. */
        cairo_set_source_rgba(cr, 0.0, 0.0, 0.0, 0.22);
        cairo_set_line_width(cr, fmax(0.6 * unit, 0.7 * f));
        cairo_stroke(cr);
        draw_linear_boundaries(cr, L, R, P, pairs, npairs,
                               fmax(1.3 * unit, 1.4 * f));
    }
}

static void draw_axes(cairo_t *cr, const cpwl_draw_layout_t L, const cpwl_draw_opts *o,
                      const draw_sizes_struct *S)
{
    draw_ticks_struct T;
    double cap, u[2], x[2];
    int k;

    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1.0 * S->unit);
    cairo_rectangle(cr, L->px0, L->py0, L->px1 - L->px0, L->py1 - L->py0);
    cairo_stroke(cr);
    draw_font(cr, S->font, 0);
    cap = draw_cap(cr);
    if (o->axes)
    {
        draw_ticks(&T, L->lo[0], L->hi[0], S->target[0]);
        for (k = 0; k < T.n; k++)
        {
            x[0] = T.v[k];
            x[1] = L->lo[1];
            cpwl_draw_layout_to_device(u, L, x);
            cairo_move_to(cr, u[0], L->py1);
            cairo_line_to(cr, u[0], L->py1 + S->tick);
            cairo_stroke(cr);
            draw_show(cr, T.s[k], u[0], L->py1 + S->tick + S->gap + cap, 0.5);
        }
        draw_ticks(&T, L->lo[1], L->hi[1], S->target[1]);
        for (k = 0; k < T.n; k++)
        {
            x[0] = L->lo[0];
            x[1] = T.v[k];
            cpwl_draw_layout_to_device(u, L, x);
            cairo_move_to(cr, L->px0 - S->tick, u[1]);
            cairo_line_to(cr, L->px0, u[1]);
            cairo_stroke(cr);
            draw_show(cr, T.s[k], L->px0 - S->tick - S->gap, u[1] + 0.5 * cap,
                      1.0);
        }
    }
    if (o->xlabel != NULL && o->xlabel[0] != '\0')
        draw_show(cr, o->xlabel, 0.5 * (L->px0 + L->px1),
                  L->height - S->pad - 0.25 * S->font - L->legend_h, 0.5);
    if (o->ylabel != NULL && o->ylabel[0] != '\0')
    {
        cairo_save(cr);
        cairo_translate(cr, S->pad + S->font, 0.5 * (L->py0 + L->py1));
        cairo_rotate(cr, -0.5 * DRAW_PI);
        draw_show(cr, o->ylabel, 0.0, 0.0, 0.5);
        cairo_restore(cr);
    }
    if (o->title != NULL && o->title[0] != '\0')
    {
        double w, cx;
        draw_font(cr, S->tfont, 1);
        w = draw_text_width(cr, o->title);
        /* Centred on the plot, but kept inside the image when it can. */
        cx = 0.5 * (L->px0 + L->px1);
        cx = fmin(cx, L->width - S->pad - 0.5 * w);
        cx = fmax(cx, S->pad + 0.5 * w);
        cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
        draw_show(cr, o->title, cx, S->pad + draw_cap(cr), 0.5);
    }
}

static void draw_colour_bar(cairo_t *cr, const cpwl_draw_layout_t L,
                            const cpwl_draw_opts *o, const draw_sizes_struct *S)
{
    draw_ticks_struct T;
    const double *B = L->bar;
    cairo_pattern_t *pat;
    double cap, wmax = 0.0, v;
    int k;

    pat = cairo_pattern_create_linear(0.0, B[3], 0.0, B[1]);
    draw_gradient_stops(pat, 0.0, 1.0);
    cairo_set_source(cr, pat);
    cairo_pattern_destroy(pat);
    cairo_rectangle(cr, B[0], B[1], B[2] - B[0], B[3] - B[1]);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1.0 * S->unit);
    cairo_rectangle(cr, B[0], B[1], B[2] - B[0], B[3] - B[1]);
    cairo_stroke(cr);
    draw_font(cr, S->font, 0);
    cap = draw_cap(cr);
    draw_ticks(&T, L->vmin, L->vmax, S->target[2]);
    for (k = 0; k < T.n; k++)
    {
        v = B[3] - (T.v[k] - L->vmin) / (L->vmax - L->vmin) * (B[3] - B[1]);
        cairo_move_to(cr, B[2], v);
        cairo_line_to(cr, B[2] + S->tick, v);
        cairo_stroke(cr);
        draw_show(cr, T.s[k], B[2] + S->tick + S->gap, v + 0.5 * cap, 0.0);
        wmax = fmax(wmax, draw_text_width(cr, T.s[k]));
    }
    if (o->vlabel != NULL && o->vlabel[0] != '\0')
    {
        cairo_save(cr);
        cairo_translate(cr, B[2] + S->tick + 3.0 * S->gap + wmax + S->font,
                        0.5 * (B[1] + B[3]));
        cairo_rotate(cr, -0.5 * DRAW_PI);
        draw_show(cr, o->vlabel, 0.0, 0.0, 0.5);
        cairo_restore(cr);
    }
}

void draw_picture(cairo_t *cr, const cpwl_draw_layout_t L, const cpwl_regions_t R,
                  const cpwl_draw_opts *o, const draw_scene_struct *Sc)
{
    draw_sizes_struct S;

    draw_sizes(&S, o, L->lo, L->hi);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);

    cairo_save(cr);
    cairo_rectangle(cr, L->px0, L->py0, L->px1 - L->px0, L->py1 - L->py0);
    cairo_clip(cr);
    draw_cells(cr, L, R, o, &Sc->P, Sc->pal);
    if (o->boundaries)
        draw_boundaries(cr, L, R, o, &Sc->P, Sc->A.pairs, Sc->A.npairs,
                        S.unit);
    cairo_restore(cr);

    draw_axes(cr, L, o, &S);
    if (o->colour == CPWL_DRAW_BY_VALUE)
        draw_colour_bar(cr, L, o, &S);
    if (L->legend_font > 0.0)
    {
        cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
        draw_font(cr, L->legend_font, 0);
        draw_show(cr, Sc->legend, L->legend_x, L->legend_y, 0.5);
    }
}
