/* Line plots of measurements with Cairo (include/cpwl/experiment.h), in
   the style of src/optim/plot.c: white panel, grey grid, powers of ten
   on a log axis, the palette of module draw, a legend above the panel.
   Drawing is approximate by nature; the numbers are in the CSV. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include "cpwl/experiment.h"
#include "cpwl/draw.h"
#include "draw_impl.h"
#include "cairo_out.h"

/* A panel (draw_impl.h): rectangle, data ranges, log10 y when logy. */
typedef draw_panel fig_panel;

/* The value as plotted: log10 on a log axis (NAN when not positive). */
static double fig_v(const fig_panel *P, double y)
{
    if (!isfinite(y))
        return NAN;
    if (P->logy)
        return y > 0 ? log10(y) : NAN;
    return y;
}

static void fig_range(fig_panel *P, const cpwl_experiment_series *S,
                      slong n)
{
    double lo = INFINITY, hi = -INFINITY;
    slong i, k;
    P->xlo = INFINITY;
    P->xhi = -INFINITY;
    for (i = 0; i < n; i++)
        for (k = 0; k < S[i].n; k++)
        {
            double v = fig_v(P, S[i].y[k]);
            if (isnan(v) || !isfinite(S[i].x[k]))
                continue;
            P->xlo = fmin(P->xlo, S[i].x[k]);
            P->xhi = fmax(P->xhi, S[i].x[k]);
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
    if (!(P->xlo < P->xhi))
    {
        P->xlo = isfinite(P->xlo) ? P->xlo - 1 : 0;
        P->xhi = P->xlo + 2;
    }
    if (!isfinite(lo))
    {
        lo = P->logy ? -1 : 0;
        hi = 1;
    }
    if (P->logy)
    {
        /* whole decades: the ticks are powers of ten */
        lo = floor(lo);
        hi = ceil(hi);
        if (hi <= lo)
            hi = lo + 1;
    }
    else
    {
        double pad = hi > lo ? 0.05 * (hi - lo) : fmax(fabs(lo), 1) * 0.1;
        lo -= pad;
        hi += pad;
    }
    P->ylo = lo;
    P->yhi = hi;
}

static void fig_dash(cairo_t *cr, int dashed, double unit)
{
    double d[2];
    d[0] = 6 * unit;
    d[1] = 4 * unit;
    cairo_set_dash(cr, d, dashed ? 2 : 0, 0);
}

static void fig_curve(cairo_t *cr, const fig_panel *P,
                      const cpwl_experiment_series *c, const double rgb[3],
                      double unit)
{
    slong k;
    cairo_save(cr);
    cairo_rectangle(cr, P->x0, P->y0, P->x1 - P->x0, P->y1 - P->y0);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 1.5 * unit);
    fig_dash(cr, c->dashed, unit);
    for (k = 0; k < c->n; k++)
    {
        double v = fig_v(P, c->y[k]);
        if (isnan(v))
        {
            cairo_stroke(cr);
            continue;
        }
        cairo_line_to(cr, draw_panel_px(P, c->x[k]), draw_panel_py(P, v));
    }
    cairo_stroke(cr);
    /* a lone point would not show as a line */
    for (k = 0; k < c->n; k++)
    {
        double v = fig_v(P, c->y[k]);
        if (!isnan(v) && (k == 0 || isnan(fig_v(P, c->y[k - 1])))
            && (k + 1 == c->n || isnan(fig_v(P, c->y[k + 1]))))
        {
            cairo_arc(cr, draw_panel_px(P, c->x[k]), draw_panel_py(P, v), 2.5 * unit, 0,
                      6.283185307179586);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
}

/* Series with the same name share a colour (train solid, test dashed). */
static slong fig_colour(const cpwl_experiment_series *S, slong i)
{
    slong j, c = 0;
    for (j = 0; j < i; j++)
    {
        slong m;
        int seen = 0;
        for (m = 0; m < j; m++)
            if (strcmp(S[m].name, S[j].name) == 0)
                seen = 1;
        if (strcmp(S[j].name, S[i].name) == 0)
            return c;
        if (!seen)
            c++;
    }
    return c;
}

static void fig_draw(cairo_t *cr, const cpwl_experiment_series *S, slong n,
                     int W, int H, const char *title, const char *xlabel,
                     const char *ylabel, int logy)
{
    fig_panel P;
    double unit = fmin(fmax(W / 640.0, 0.5), 4.0), font = 12 * unit;
    double top = 10 * unit, left = 70 * unit, right = 16 * unit;
    double bottom = 40 * unit, x, y, rgb[3];
    slong i, j;

    top = draw_page(cr, title, W, unit, top);
    /* the legend: a swatch and a name per distinct name */
    draw_font(cr, font, 0);
    x = left;
    y = top + 14 * unit;
    for (i = 0; i < n; i++)
    {
        int first = 1;
        for (j = 0; j < i; j++)
            if (strcmp(S[j].name, S[i].name) == 0)
                first = 0;
        if (!first)
            continue;
        if (x + 40 * unit + draw_text_width(cr, S[i].name) > W - right
            && x > left)
        {
            x = left;
            y += 18 * unit;
        }
        cpwl_draw_palette_rgb(rgb, fig_colour(S, i));
        x = draw_legend_entry(cr, x, y, unit, rgb, S[i].name);
    }
    top = y + 30 * unit;
    P.logy = logy;
    P.x0 = left;
    P.x1 = W - right;
    P.y0 = top;
    P.y1 = H - bottom;
    if (P.y1 < P.y0 + 20)
        P.y1 = P.y0 + 20;
    fig_range(&P, S, n);
    draw_font(cr, font, 0);
    draw_panel_axes(cr, &P);
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (ylabel != NULL)
        draw_show(cr, ylabel, P.x0, P.y0 - 6 * unit, 0);
    if (xlabel != NULL)
        draw_show(cr, xlabel, (P.x0 + P.x1) / 2, H - 6 * unit, 0.5);
    for (i = 0; i < n; i++)
    {
        cpwl_draw_palette_rgb(rgb, fig_colour(S, i));
        fig_curve(cr, &P, S + i, rgb, unit);
    }
}

/* The arguments of fig_draw, for _cpwl_cairo_write. */
typedef struct
{
    const cpwl_experiment_series *S;
    slong n;
    const char *title, *xlabel, *ylabel;
    int logy;
}
fig_args;

static void fig_draw_cb(cairo_t *cr, int width, int height, void *data)
{
    const fig_args *a = data;

    fig_draw(cr, a->S, a->n, width, height, a->title, a->xlabel, a->ylabel,
             a->logy);
}

int cpwl_experiment_plot(FILE *f, const char *path,
                         cpwl_experiment_format fmt,
                         const cpwl_experiment_series *S, slong n,
                         const char *title, const char *xlabel,
                         const char *ylabel, int logy, int width,
                         int height, cpwl_err_t e)
{
    fig_args args;

    width = width <= 0 ? 800 : width;
    height = height <= 0 ? 500 : height;
    width = FLINT_MIN(FLINT_MAX(width, CPWL_DRAW_MIN_SIZE),
                      CPWL_DRAW_MAX_SIZE);
    height = FLINT_MIN(FLINT_MAX(height, CPWL_DRAW_MIN_SIZE),
                       CPWL_DRAW_MAX_SIZE);
    args.S = S;
    args.n = n;
    args.title = title;
    args.xlabel = xlabel;
    args.ylabel = ylabel;
    args.logy = logy;
    return _cpwl_cairo_write(f, path, fmt == CPWL_EXPERIMENT_SVG, width,
                             height, fig_draw_cb, &args, e);
}

int cpwl_experiment_cmp_plot(FILE *f, const char *path,
                             cpwl_experiment_format fmt,
                             const cpwl_experiment_cmp_t C, slong s,
                             int which, cpwl_err_t e)
{
    cpwl_experiment_series *S;
    double *buf;
    slong fa, n = 0, nbuf = 0, k, i;
    char title[160], (*names)[128];
    const char *ylabel;
    int st;

    S = flint_malloc(FLINT_MAX(2 * C->nfamilies, 1) * sizeof *S);
    names = flint_malloc(FLINT_MAX(2 * C->nfamilies, 1) * sizeof *names);
    for (fa = 0; fa < C->nfamilies; fa++)
    {
        slong b = C->best == NULL ? -1 : C->best[s * C->nfamilies + fa];
        if (b >= 0)
            nbuf += 4 * C->nrows[s * C->nsettings + b];
    }
    buf = flint_malloc(FLINT_MAX(nbuf, 1) * sizeof(double));
    nbuf = 0;
    for (fa = 0; fa < C->nfamilies; fa++)
    {
        slong b = C->best == NULL ? -1 : C->best[s * C->nfamilies + fa];
        const cpwl_experiment_row *r;
        slong m, reps = which == 0 ? 2 : 1, rep;
        if (b < 0)
            continue;
        r = C->rows[s * C->nsettings + b];
        m = C->nrows[s * C->nsettings + b];
        for (rep = 0; rep < reps; rep++)
        {
            double *x = buf + nbuf, *y = x + m;
            nbuf += 2 * m;
            for (i = 0, k = 0; k < m; k++)
            {
                double v = which == 0 ? (rep == 0 ? r[k].train_loss
                                         : r[k].test_loss)
                    : which == 1 ? r[k].grad_norm : r[k].lambda_min;
                /* lambda_min is measured on fewer rows: skip the rest
                   rather than leave gaps */
                if (which == 2 && !r[k].have_hessian)
                    continue;
                x[i] = (double) r[k].t;
                y[i++] = v;
            }
            snprintf(names[n], sizeof names[n], "%s", C->settings[b].text);
            S[n].x = x;
            S[n].y = y;
            S[n].n = i;
            S[n].name = names[n];
            S[n].dashed = rep == 1;
            n++;
        }
    }
    if (which == 0)
    {
        snprintf(title, sizeof title, "%s: training (solid) and test "
                 "(dashed) loss", C->shape_text[s]);
        ylabel = "loss (log scale)";
    }
    else if (which == 1)
    {
        snprintf(title, sizeof title, "%s: gradient norm of the training "
                 "loss", C->shape_text[s]);
        ylabel = "|\xe2\x88\x87L| (log scale)";
    }
    else
    {
        snprintf(title, sizeof title, "%s: smallest Hessian eigenvalue",
                 C->shape_text[s]);
        ylabel = "\xce\xbb_min";
    }
    st = cpwl_experiment_plot(f, path, fmt, S, n, title, "step t", ylabel,
                              which != 2, 0, 0, e);
    flint_free(buf);
    flint_free(names);
    flint_free(S);
    return st;
}
