/* Pictures of recorded trajectories (see cpwl/trace.h): f and |grad f|
   against t, two panels with a log-scale y axis, one colour per trace,
   an Arb trace as a band between its balls' ends with the midpoints as a
   line.  Drawing is approximate by nature (doubles); the values drawn
   are the recorded balls rounded to the nearest double. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include "cpwl/trace.h"
#include "cpwl/draw.h"
#include "draw_impl.h"
#include "cairo_out.h"

/* One curve of one panel: per recorded point the midpoint and the ends
   (NAN when unknown or not positive: a gap in the curve). */
typedef struct
{
    slong n;
    double *t, *mid, *lo, *hi;
    int band;
}
plot_curve;

/* A panel (draw_impl.h): x is t, y is log10 of the values. */
typedef draw_panel plot_panel;

static double plot_pos(double v)
{
    return isfinite(v) && v > 0 ? v : NAN;
}

static void curve_init(plot_curve *c, const cpwl_trace_struct *T, int which,
                       const fmpq *fstar)
{
    arb_t v, fs;
    arf_t a;
    slong k;
    c->n = T->n;
    c->band = T->kind == CPWL_ARITH_ARB;
    c->t = flint_malloc(FLINT_MAX(T->n, 1) * 4 * sizeof(double));
    c->mid = c->t + FLINT_MAX(T->n, 1);
    c->lo = c->mid + FLINT_MAX(T->n, 1);
    c->hi = c->lo + FLINT_MAX(T->n, 1);
    arb_init(v);
    arb_init(fs);
    if (fstar != NULL)
        arb_set_fmpq(fs, fstar, FLINT_MAX(T->prec, 64));
    arf_init(a);
    for (k = 0; k < T->n; k++)
    {
        const cpwl_trace_point_struct *p = T->pts + k;
        c->t[k] = (double) p->t;
        if (!p->have_f)
        {
            c->mid[k] = c->lo[k] = c->hi[k] = NAN;
            continue;
        }
        arb_set(v, which == 0 ? &p->f : &p->gnorm);
        if (which == 0 && fstar != NULL)
            arb_sub(v, v, fs, FLINT_MAX(T->prec, 64));
        c->mid[k] = plot_pos(arf_get_d(arb_midref(v), ARF_RND_NEAR));
        arb_get_lbound_arf(a, v, 53);
        c->lo[k] = plot_pos(arf_get_d(a, ARF_RND_DOWN));
        arb_get_ubound_arf(a, v, 53);
        c->hi[k] = plot_pos(arf_get_d(a, ARF_RND_UP));
    }
    arb_clear(v);
    arb_clear(fs);
    arf_clear(a);
}

static void curve_clear(plot_curve *c)
{
    flint_free(c->t);
}

static void panel_range(plot_panel *P, const plot_curve *c, slong n)
{
    double lo = INFINITY, hi = -INFINITY;
    slong i, k;
    P->xlo = INFINITY;
    P->xhi = -INFINITY;
    for (i = 0; i < n; i++)
        for (k = 0; k < c[i].n; k++)
        {
            double v[3];
            int j;
            P->xlo = fmin(P->xlo, c[i].t[k]);
            P->xhi = fmax(P->xhi, c[i].t[k]);
            v[0] = c[i].mid[k];
            v[1] = c[i].band ? c[i].lo[k] : NAN;
            v[2] = c[i].band ? c[i].hi[k] : NAN;
            for (j = 0; j < 3; j++)
                if (!isnan(v[j]))
                {
                    lo = fmin(lo, log10(v[j]));
                    hi = fmax(hi, log10(v[j]));
                }
        }
    if (!(P->xlo < P->xhi))
    {
        P->xlo = isfinite(P->xlo) ? P->xlo - 1 : 0;
        P->xhi = P->xlo + 2;
    }
    if (!isfinite(lo))
    {
        lo = -1;
        hi = 1;
    }
    /* whole decades, at least one, so that the ticks are powers of 10 */
    lo = floor(lo);
    hi = ceil(hi);
    if (hi <= lo)
        hi = lo + 1;
    P->ylo = lo;
    P->yhi = hi;
}

/* log10 of v clamped into the panel (NAN stays NAN). */
static double py(const plot_panel *P, double v)
{
    return isnan(v) ? NAN : draw_panel_py(P, log10(v));
}

static void panel_axes(cairo_t *cr, const plot_panel *P, const char *label,
                       double font)
{
    draw_font(cr, font, 0);
    draw_panel_axes(cr, P);
    draw_show(cr, label, P->x0, P->y0 - 6, 0);
}

static void panel_curve(cairo_t *cr, const plot_panel *P, const plot_curve *c,
                        const double rgb[3])
{
    slong k, a, b;
    cairo_save(cr);
    cairo_rectangle(cr, P->x0, P->y0, P->x1 - P->x0, P->y1 - P->y0);
    cairo_clip(cr);
    if (c->band)
    {
        /* each run of consecutive known points: upper ends forward, lower
           ends back (a lower end not positive: the panel's bottom) */
        for (a = 0; a < c->n; a = b)
        {
            for (; a < c->n && isnan(c->hi[a]); a++)
                ;
            for (b = a; b < c->n && !isnan(c->hi[b]); b++)
                ;
            if (b - a < 1)
                continue;
            for (k = a; k < b; k++)
                cairo_line_to(cr, draw_panel_px(P, c->t[k]), py(P, c->hi[k]));
            for (k = b - 1; k >= a; k--)
                cairo_line_to(cr, draw_panel_px(P, c->t[k]), isnan(c->lo[k]) ? P->y1
                              : py(P, c->lo[k]));
            cairo_close_path(cr);
            cairo_set_source_rgba(cr, rgb[0], rgb[1], rgb[2], 0.3);
            cairo_fill(cr);
        }
    }
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 1.5);
    for (k = 0; k < c->n; k++)
    {
        double y = py(P, c->mid[k]);
        if (isnan(y))
        {
            cairo_stroke(cr);
            continue;
        }
        cairo_line_to(cr, draw_panel_px(P, c->t[k]), y);
    }
    cairo_stroke(cr);
    /* a lone point would not show as a line */
    for (k = 0; k < c->n; k++)
        if (!isnan(c->mid[k]) && (k == 0 || isnan(c->mid[k - 1]))
            && (k + 1 == c->n || isnan(c->mid[k + 1])))
        {
            cairo_arc(cr, draw_panel_px(P, c->t[k]), py(P, c->mid[k]), 2.5, 0,
                      6.283185307179586);
            cairo_fill(cr);
        }
    cairo_restore(cr);
}

static void plot_draw(cairo_t *cr, const cpwl_trace_struct *T, slong n,
                      int W, int H, const char *title, const fmpq *fstar,
                      const char *label_f, const char *label_g)
{
    plot_curve *c[2];
    plot_panel P[2];
    double unit = fmin(fmax(W / 640.0, 0.5), 4.0), font = 12 * unit;
    double top = 10 * unit, left = 64 * unit, right = 16 * unit;
    double bottom = 34 * unit, gap = 48 * unit, legend, h, x;
    double rgb[3];
    slong i, j;

    top = draw_page(cr, title, W, unit, top);
    legend = 22 * unit;
    top += legend + 18 * unit;
    h = (H - top - bottom - gap) / 2;
    for (j = 0; j < 2; j++)
    {
        c[j] = flint_malloc(FLINT_MAX(n, 1) * sizeof(plot_curve));
        for (i = 0; i < n; i++)
            curve_init(c[j] + i, T + i, (int) j, fstar);
        P[j].x0 = left;
        P[j].x1 = W - right;
        P[j].y0 = top + j * (h + gap);
        P[j].y1 = P[j].y0 + h;
        P[j].logy = 1;
        panel_range(P + j, c[j], n);
    }
    /* the same t axis in both panels */
    P[1].xlo = P[0].xlo = fmin(P[0].xlo, P[1].xlo);
    P[1].xhi = P[0].xhi = fmax(P[0].xhi, P[1].xhi);
    panel_axes(cr, P, label_f != NULL ? label_f : fstar != NULL
               ? "f(x_t) \xe2\x88\x92 f*  (log scale)"
               : "f(x_t)  (log scale)", font);
    panel_axes(cr, P + 1, label_g != NULL ? label_g
               : "|\xe2\x88\x87" "f(x_t)|  (log scale)", font);
    draw_font(cr, font, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_show(cr, "t", (P[1].x0 + P[1].x1) / 2, H - 6 * unit, 0.5);
    for (j = 0; j < 2; j++)
        for (i = 0; i < n; i++)
        {
            cpwl_draw_palette_rgb(rgb, i);
            panel_curve(cr, P + j, c[j] + i, rgb);
        }
    /* legend: a swatch and the arithmetic's name per trace */
    x = left;
    for (i = 0; i < n; i++)
    {
        double y = top - 18 * unit - legend / 2;
        cpwl_draw_palette_rgb(rgb, i);
        x = draw_legend_entry(cr, x, y, unit, rgb, T[i].arith);
    }
    for (j = 0; j < 2; j++)
    {
        for (i = 0; i < n; i++)
            curve_clear(c[j] + i);
        flint_free(c[j]);
    }
}

/* The arguments of plot_draw, for _cpwl_cairo_write. */
typedef struct
{
    const cpwl_trace_struct *T;
    slong n;
    const char *title, *label_f, *label_g;
    const fmpq *fstar;
}
plot_args;

static void plot_draw_cb(cairo_t *cr, int width, int height, void *data)
{
    const plot_args *a = data;

    plot_draw(cr, a->T, a->n, width, height, a->title, a->fstar, a->label_f,
              a->label_g);
}

int cpwl_trace_plot(FILE *f, const char *path, cpwl_trace_format fmt,
                    const cpwl_trace_struct *T, slong n, int width,
                    int height, const char *title, const fmpq *fstar,
                    cpwl_err_t e)
{
    return cpwl_trace_plot_labels(f, path, fmt, T, n, width, height, title,
                                  fstar, NULL, NULL, e);
}

int cpwl_trace_plot_labels(FILE *f, const char *path,
                           cpwl_trace_format fmt, const cpwl_trace_struct *T,
                           slong n, int width, int height, const char *title,
                           const fmpq *fstar, const char *label_f,
                           const char *label_g, cpwl_err_t e)
{
    plot_args args;

    if (width <= 0)
        width = 800;
    if (height <= 0)
        height = 600;
    width = FLINT_MIN(FLINT_MAX(width, CPWL_DRAW_MIN_SIZE), CPWL_DRAW_MAX_SIZE);
    height = FLINT_MIN(FLINT_MAX(height, CPWL_DRAW_MIN_SIZE),
                       CPWL_DRAW_MAX_SIZE);
    args.T = T;
    args.n = n;
    args.title = title;
    args.fstar = fstar;
    args.label_f = label_f;
    args.label_g = label_g;
    return _cpwl_cairo_write(f, path, fmt == CPWL_TRACE_SVG, width, height,
                             plot_draw_cb, &args, e);
}
