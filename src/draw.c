/* Pictures of 2-D activation regions with Cairo (see cpwl/draw.h).

   Every cell is turned into the convex polygon of its visible part (exact
   facet selection, double clipping), the layout (margins for tick labels,
   title, colour bar) is computed from text metrics measured with hinting
   off, so that SVG and PNG get the same geometry, and the picture is
   painted in device coordinates. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <cairo-svg.h>
#include <flint/fmpq.h>
#include "cpwl/num.h"
#include "cpwl/draw.h"
#include "outfile.h"
#include "draw_impl.h"

/* ------------------------------------------------------------------------
   Ticks and text
   ------------------------------------------------------------------------ */

typedef struct
{
    int n;
    double v[DRAW_MAX_TICKS];
    char s[DRAW_MAX_TICKS][48];
}
draw_ticks_struct;

/* Write |v| (v a multiple of 10^e10) into buf with a real minus sign. */
static void draw_number(char *buf, size_t size, double v, int e10,
                        double maxabs)
{
    const char *minus = v < 0.0 ? "\xe2\x88\x92" : "";
    double a = fabs(v);

    if (maxabs >= 1e6 || (e10 < -5 && maxabs > 0.0))
    {
        int sig = (int) floor(log10(maxabs)) - e10 + 1;
        sig = sig < 1 ? 1 : sig > 17 ? 17 : sig;
        snprintf(buf, size, "%s%.*g", minus, sig, a);
    }
    else
        snprintf(buf, size, "%s%.*f", minus, e10 < 0 ? -e10 : 0, a);
}

/* "Nice" ticks (1, 2 or 5 times a power of 10) in [lo, hi], about target
   of them. */
static void draw_ticks(draw_ticks_struct *T, double lo, double hi,
                       double target)
{
    double raw, mag, r, step, i0, i1, i, maxabs;
    int e10, nice;

    T->n = 0;
    raw = (hi - lo) / target;
    if (!(raw > 0.0) || !isfinite(raw))
        return;
    e10 = (int) floor(log10(raw));
    mag = pow(10.0, e10);
    r = raw / mag;
    nice = r <= 1.0 ? 1 : r <= 2.0 ? 2 : r <= 5.0 ? 5 : 10;
    if (nice == 10)
    {
        nice = 1;
        e10++;
    }
    for (;;)
    {
        step = nice * pow(10.0, e10);
        i0 = ceil(lo / step - 1e-9);
        i1 = floor(hi / step + 1e-9);
        if (i1 - i0 + 1 <= DRAW_MAX_TICKS)
            break;
        if (nice == 1)
            nice = 2;
        else if (nice == 2)
            nice = 5;
        else
        {
            nice = 1;
            e10++;
        }
    }
    maxabs = fmax(fabs(lo), fabs(hi));
    for (i = i0; i <= i1; i++)
    {
        double v = i == 0.0 ? 0.0 : i * step;
        T->v[T->n] = v;
        draw_number(T->s[T->n], sizeof(T->s[0]), v, e10, maxabs);
        T->n++;
    }
}

/* A scratch context for text metrics; hinting of metrics is off so that
   the image and SVG surfaces measure alike. */
static cairo_t *draw_measure_create(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(s);
    cairo_surface_destroy(s);
    return cr;
}

static void draw_font(cairo_t *cr, double size, int bold)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    cairo_select_font_face(cr, DRAW_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                           : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double draw_text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, s, &ext);
    return ext.x_advance;
}

/* Height of the digits above the baseline. */
static double draw_cap(cairo_t *cr)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, "0", &ext);
    return -ext.y_bearing;
}

/* Show s with its baseline at y, x at the left (align 0), centre (0.5) or
   right (1). */
static void draw_show(cairo_t *cr, const char *s, double x, double y,
                      double align)
{
    cairo_move_to(cr, x - align * draw_text_width(cr, s), y);
    cairo_show_text(cr, s);
}

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

static void draw_sizes(draw_sizes_struct *S, const draw_opts *o,
                       const double lo[2], const double hi[2])
{
    double w, h, ratio = (hi[1] - lo[1]) / (hi[0] - lo[0]);
    int k;

    S->unit = o->width / 640.0;
    S->unit = S->unit < 0.5 ? 0.5 : S->unit > 4.0 ? 4.0 : S->unit;
    S->font = 13.0 * S->unit;
    S->tfont = 16.0 * S->unit;
    S->pad = 10.0 * S->unit;
    S->tick = 5.0 * S->unit;
    S->gap = 4.0 * S->unit;
    S->bar_gap = 16.0 * S->unit;
    S->bar_w = 16.0 * S->unit;
    /* Rough plot size, enough to pick the tick spacing. */
    w = 0.8 * o->width;
    if (o->equal_axes)
        h = o->height > 0 ? fmin(0.8 * o->height, w * ratio)
            : fmin(w * ratio, 3.0 * o->width);
    else
        h = o->height > 0 ? 0.8 * o->height : w;
    if (o->equal_axes && o->height > 0 && h < w * ratio)
        w = h / ratio;
    S->target[0] = w / (6.5 * S->font);
    S->target[1] = h / (4.5 * S->font);
    S->target[2] = h / (4.5 * S->font);
    for (k = 0; k < 3; k++)
        S->target[k] = S->target[k] < 2.0 ? 2.0
            : S->target[k] > 10.0 ? 10.0 : S->target[k];
}

/* ------------------------------------------------------------------------
   Layout
   ------------------------------------------------------------------------ */

static int draw_layout_polys(draw_layout_t L, const regions_t R,
                             const draw_opts *o, const draw_polys_struct *P,
                             const double lo[2], const double hi[2], err_t e)
{
    draw_sizes_struct S;
    draw_ticks_struct T;
    cairo_t *cr = draw_measure_create();
    double cap, w, left, right, top, bottom, aw, ah, pw, ph, ox, oy, dx, dy;
    int W = o->width, H = o->height, k;

    for (k = 0; k < 2; k++)
    {
        L->lo[k] = lo[k];
        L->hi[k] = hi[k];
    }
    dx = hi[0] - lo[0];
    dy = hi[1] - lo[1];
    if (o->colour == DRAW_BY_VALUE)
        draw_value_range(&L->vmin, &L->vmax, R, P, o->output);
    else
    {
        L->vmin = 0.0;
        L->vmax = 1.0;
    }
    draw_sizes(&S, o, lo, hi);
    L->font = S.font;

    draw_font(cr, S.font, 0);
    cap = draw_cap(cr);
    top = bottom = left = right = S.pad;
    if (o->title != NULL && o->title[0] != '\0')
    {
        draw_font(cr, S.tfont, 1);
        top += draw_cap(cr) + 3.0 * S.gap;
        draw_font(cr, S.font, 0);
    }
    if (o->axes)
    {
        top += 0.6 * cap;
        bottom += S.tick + S.gap + 1.4 * cap;
        draw_ticks(&T, lo[1], hi[1], S.target[1]);
        for (w = 0.0, k = 0; k < T.n; k++)
            w = fmax(w, draw_text_width(cr, T.s[k]));
        left += w + S.gap + S.tick;
        draw_ticks(&T, lo[0], hi[0], S.target[0]);
        if (T.n > 0)
            right += 0.5 * draw_text_width(cr, T.s[T.n - 1]);
    }
    if (o->xlabel != NULL && o->xlabel[0] != '\0')
        bottom += 2.0 * S.gap + 1.2 * S.font;
    if (o->ylabel != NULL && o->ylabel[0] != '\0')
        left += 2.0 * S.gap + 1.2 * S.font;
    if (o->colour == DRAW_BY_VALUE)
    {
        double rv = S.pad + S.bar_gap + S.bar_w + S.tick + S.gap;
        draw_ticks(&T, L->vmin, L->vmax, S.target[2]);
        for (w = 0.0, k = 0; k < T.n; k++)
            w = fmax(w, draw_text_width(cr, T.s[k]));
        rv += w;
        if (o->vlabel != NULL && o->vlabel[0] != '\0')
            rv += 2.0 * S.gap + 1.2 * S.font;
        right = fmax(right, rv);
    }
    cairo_destroy(cr);

    aw = W - left - right;
    ah = H > 0 ? H - top - bottom : 0.0;
    if (aw < 32.0 || (H > 0 && ah < 32.0))
    {
        if (H > 0)
            return err_set(e, CPWL_ERR_INPUT, "picture size %dx%d is too "
                           "small for its labels", W, H);
        return err_set(e, CPWL_ERR_INPUT, "picture width %d is too small "
                       "for its labels", W);
    }
    if (H == 0)
    {
        pw = aw;
        ph = o->equal_axes ? pw * dy / dx : pw;
        if (ph > 3.0 * W)
        {
            ph = 3.0 * W;
            pw = ph * dx / dy;
        }
        if (ph < 32.0)          /* a very wide view: give up equal scales */
            ph = 32.0;
        H = (int) ceil(top + ph + bottom);
        H = H > DRAW_MAX_SIZE ? DRAW_MAX_SIZE
            : H < DRAW_MIN_SIZE ? DRAW_MIN_SIZE : H;
        ox = left;
        oy = top;
    }
    else if (o->equal_axes)
    {
        double sc = fmin(aw / dx, ah / dy);
        pw = dx * sc;
        ph = dy * sc;
        ox = left + 0.5 * (aw - pw);
        oy = top + 0.5 * (ah - ph);
    }
    else
    {
        pw = aw;
        ph = ah;
        ox = left;
        oy = top;
    }
    L->width = W;
    L->height = H;
    /* Whole pixels: the frame stays crisp. */
    L->px0 = floor(ox + 0.5);
    L->py0 = floor(oy + 0.5);
    L->px1 = FLINT_MAX(L->px0 + 1.0, floor(ox + pw + 0.5));
    L->py1 = FLINT_MAX(L->py0 + 1.0, floor(oy + ph + 0.5));
    if (L->py1 > H)
        L->py1 = H;
    L->bar[0] = L->px1 + S.bar_gap;
    L->bar[1] = L->py0;
    L->bar[2] = L->px1 + S.bar_gap + S.bar_w;
    L->bar[3] = L->py1;
    return CPWL_OK;
}

int draw_layout(draw_layout_t L, const regions_t R, const draw_opts *o,
                err_t e)
{
    draw_polys_struct P;
    double lo[2], hi[2];
    int status;

    if (draw_check(R, o, e) != CPWL_OK)
        return e->status;
    draw_view(lo, hi, R, o);
    draw_polys_init(&P, R, lo, hi);
    status = draw_layout_polys(L, R, o, &P, lo, hi, e);
    draw_polys_clear(&P);
    return status;
}

void draw_layout_to_device(double u[2], const draw_layout_t L,
                           const double x[2])
{
    u[0] = L->px0 + (x[0] - L->lo[0]) / (L->hi[0] - L->lo[0])
        * (L->px1 - L->px0);
    u[1] = L->py1 - (x[1] - L->lo[1]) / (L->hi[1] - L->lo[1])
        * (L->py1 - L->py0);
}

void draw_layout_to_domain(double x[2], const draw_layout_t L,
                           const double u[2])
{
    x[0] = L->lo[0] + (u[0] - L->px0) / (L->px1 - L->px0)
        * (L->hi[0] - L->lo[0]);
    x[1] = L->lo[1] + (L->py1 - u[1]) / (L->py1 - L->py0)
        * (L->hi[1] - L->lo[1]);
}

void draw_value_rgb(double rgb[3], const draw_layout_t L, double v)
{
    draw_colormap_rgb(rgb, (v - L->vmin) / (L->vmax - L->vmin));
}

void draw_cell_rgb(double rgb[3], const regions_t R, slong i,
                   const draw_opts *o)
{
    const regions_cell_struct *c = R->cells + i;
    draw_polys_struct P;
    double lo[2], hi[2];

    draw_view(lo, hi, R, o);
    draw_polys_init(&P, R, lo, hi);
    if (o->colour == DRAW_BY_VALUE)
    {
        double vmin, vmax, x[2] = {0.0, 0.0}, g[2], c0;
        slong j, n = P.start[i + 1] - P.start[i];

        if (c->grad == NULL || c->offset == NULL || o->output < 0
            || o->output >= R->m)
        {
            rgb[0] = rgb[1] = rgb[2] = 0.5;
            draw_polys_clear(&P);
            return;
        }
        draw_value_range(&vmin, &vmax, R, &P, o->output);
        for (j = P.start[i]; j < P.start[i + 1]; j++)
        {
            x[0] += P.xy[2 * j] / n;
            x[1] += P.xy[2 * j + 1] / n;
        }
        if (n == 0 && c->nverts > 0)
        {
            x[0] = draw_get_d(c->verts + 0);
            x[1] = draw_get_d(c->verts + 1);
        }
        draw_cell_affine(g, &c0, c, o->output);
        draw_colormap_rgb(rgb, (g[0] * x[0] + g[1] * x[1] + c0 - vmin)
                          / (vmax - vmin));
    }
    else
    {
        slong *pairs, npairs, *pal;

        npairs = draw_adjacent_pairs(&pairs, &P, lo, hi);
        pal = draw_palette_indices(R, o, pairs, npairs);
        draw_palette_rgb(rgb, pal[i]);
        flint_free(pairs);
        flint_free(pal);
    }
    draw_polys_clear(&P);
}

/* ------------------------------------------------------------------------
   Painting
   ------------------------------------------------------------------------ */

static void draw_poly_path(cairo_t *cr, const draw_layout_t L,
                           const draw_polys_struct *P, slong i)
{
    slong j;
    double u[2];

    for (j = P->start[i]; j < P->start[i + 1]; j++)
    {
        draw_layout_to_device(u, L, P->xy + 2 * j);
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

    draw_colormap_rgb(rgb, t0);
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
    draw_colormap_rgb(rgb, t1);
    cairo_pattern_add_color_stop_rgb(g, 1.0, rgb[0], rgb[1], rgb[2]);
}

/* Set the source to the colour of the output on polygon i: a linear
   gradient along the output's gradient in device coordinates (exact
   for an affine function), ending at the polygon's own extreme values. */
static void draw_value_source(cairo_t *cr, const draw_layout_t L,
                              const regions_cell_struct *c,
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
        draw_colormap_rgb(rgb, 0.5 * (t0 + t1));
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        return;
    }
    draw_layout_to_device(q, L, P->xy + 2 * P->start[i]);
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

static void draw_cells(cairo_t *cr, const draw_layout_t L, const regions_t R,
                       const draw_opts *o, const draw_polys_struct *P,
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
        if (o->colour == DRAW_BY_VALUE)
            draw_value_source(cr, L, R->cells + i, P, i, o->output);
        else
        {
            draw_palette_rgb(rgb, pal[i]);
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
static void draw_linear_boundaries(cairo_t *cr, const draw_layout_t L,
                                   const regions_t R,
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

static void draw_boundaries(cairo_t *cr, const draw_layout_t L,
                            const regions_t R, const draw_opts *o,
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
    if (o->colour == DRAW_BY_REGION)
    {
        cairo_set_source_rgb(cr, 0.12, 0.12, 0.14);
        cairo_set_line_width(cr, fmax(0.9 * unit, f));
        cairo_stroke(cr);
    }
    else if (o->colour == DRAW_BY_VALUE)
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

static void draw_axes(cairo_t *cr, const draw_layout_t L, const draw_opts *o,
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
            draw_layout_to_device(u, L, x);
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
            draw_layout_to_device(u, L, x);
            cairo_move_to(cr, L->px0 - S->tick, u[1]);
            cairo_line_to(cr, L->px0, u[1]);
            cairo_stroke(cr);
            draw_show(cr, T.s[k], L->px0 - S->tick - S->gap, u[1] + 0.5 * cap,
                      1.0);
        }
    }
    if (o->xlabel != NULL && o->xlabel[0] != '\0')
        draw_show(cr, o->xlabel, 0.5 * (L->px0 + L->px1),
                  L->height - S->pad - 0.25 * S->font, 0.5);
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

static void draw_colour_bar(cairo_t *cr, const draw_layout_t L,
                            const draw_opts *o, const draw_sizes_struct *S)
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

static void draw_picture(cairo_t *cr, const draw_layout_t L,
                         const regions_t R, const draw_opts *o,
                         const draw_polys_struct *P)
{
    draw_sizes_struct S;
    slong *pairs, npairs, *pal = NULL;

    npairs = draw_adjacent_pairs(&pairs, P, L->lo, L->hi);
    if (o->colour != DRAW_BY_VALUE)
        pal = draw_palette_indices(R, o, pairs, npairs);

    draw_sizes(&S, o, L->lo, L->hi);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);

    cairo_save(cr);
    cairo_rectangle(cr, L->px0, L->py0, L->px1 - L->px0, L->py1 - L->py0);
    cairo_clip(cr);
    draw_cells(cr, L, R, o, P, pal);
    if (o->boundaries)
        draw_boundaries(cr, L, R, o, P, pairs, npairs, S.unit);
    cairo_restore(cr);
    flint_free(pairs);
    flint_free(pal);

    draw_axes(cr, L, o, &S);
    if (o->colour == DRAW_BY_VALUE)
        draw_colour_bar(cr, L, o, &S);
}

/* ------------------------------------------------------------------------
   Output
   ------------------------------------------------------------------------ */

typedef struct
{
    FILE *f;
    int err;                    /* errno of the first failed write */
}
draw_stream_struct;

static cairo_status_t draw_write(void *closure, const unsigned char *data,
                                 unsigned int length)
{
    draw_stream_struct *st = closure;

    errno = 0;
    if (fwrite(data, 1, length, st->f) != length)
    {
        st->err = errno != 0 ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

int draw_regions_file(FILE *f, const char *name, draw_format fmt,
                      const regions_t R, const draw_opts *o, err_t e)
{
    draw_polys_struct P;
    draw_layout_t L;
    draw_stream_struct st;
    cairo_surface_t *surf;
    cairo_t *cr;
    cairo_status_t status;
    char q[ERR_QUOTE_SIZE];
    double lo[2], hi[2];

    if (draw_check(R, o, e) != CPWL_OK)
        return e->status;
    draw_view(lo, hi, R, o);
    draw_polys_init(&P, R, lo, hi);
    if (draw_layout_polys(L, R, o, &P, lo, hi, e) != CPWL_OK)
    {
        draw_polys_clear(&P);
        return e->status;
    }

    st.f = f;
    st.err = 0;
    if (fmt == DRAW_SVG)
    {
        /* Cairo writes the SVG as it draws: into f, never the target. */
        surf = cairo_svg_surface_create_for_stream(draw_write, &st,
                                                   L->width, L->height);
#if CAIRO_VERSION >= CAIRO_VERSION_ENCODE(1, 16, 0)
        /* Same size as the PNG in a browser (the default unit is pt). */
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PX);
#endif
    }
    else
        surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, L->width,
                                          L->height);
    cr = cairo_create(surf);
    draw_picture(cr, L, R, o, &P);
    status = cairo_status(cr);
    cairo_destroy(cr);
    if (status == CAIRO_STATUS_SUCCESS && fmt == DRAW_PNG)
        status = cairo_surface_write_to_png_stream(surf, draw_write, &st);
    cairo_surface_finish(surf);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    draw_polys_clear(&P);

    if (status == CAIRO_STATUS_SUCCESS)
        return CPWL_OK;
    err_quote(q, sizeof(q), name, strlen(name));
    if (status == CAIRO_STATUS_WRITE_ERROR)
        return err_set(e, CPWL_ERR_INTERNAL, "cannot write %s: %s", q,
                       strerror(st.err != 0 ? st.err : EIO));
    return err_set(e, CPWL_ERR_INTERNAL, "drawing %s: cairo: %s", q,
                   cairo_status_to_string(status));
}

int draw_regions(const char *path, draw_format fmt, const regions_t R,
                 const draw_opts *o, err_t e)
{
    outfile_t f;
    /* What cannot be drawn is said before the file is looked at. */
    if (draw_check(R, o, e) != CPWL_OK || outfile_open(f, path, e) != CPWL_OK)
        return e->status;
    if (draw_regions_file(f->f, path, fmt, R, o, e) != CPWL_OK)
    {
        outfile_abort(f);
        return e->status;
    }
    return outfile_commit(f, e);
}
