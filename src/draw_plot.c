/* The frame shared by the line plots of module trace (src/optim/plot.c)
   and module experiment (src/experiment/figure.c): the page with its
   title, a panel's grid, ticks and border, a legend entry. */
#include <math.h>
#include <stdio.h>
#include <cairo.h>
#include "draw_impl.h"

double draw_page(cairo_t *cr, const char *title, double W, double unit,
                 double top)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    if (title == NULL || *title == '\0')
        return top;
    draw_font(cr, 15 * unit, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_show(cr, title, W / 2.0, top + 18 * unit, 0.5);
    return top + 26 * unit;
}

double draw_panel_px(const draw_panel *P, double x)
{
    return P->x0 + (x - P->xlo) / (P->xhi - P->xlo) * (P->x1 - P->x0);
}

double draw_panel_py(const draw_panel *P, double v)
{
    v = fmin(fmax(v, P->ylo), P->yhi);
    return P->y1 - (v - P->ylo) / (P->yhi - P->ylo) * (P->y1 - P->y0);
}

static void grid_y(cairo_t *cr, const draw_panel *P, double v,
                   const char *label)
{
    double y = draw_panel_py(P, v);
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, P->x0, y);
    cairo_line_to(cr, P->x1, y);
    cairo_stroke(cr);
    if (label != NULL)
    {
        cairo_set_source_rgb(cr, 0, 0, 0);
        draw_show(cr, label, P->x0 - 6, y + draw_cap(cr) / 2, 1);
    }
}

void draw_panel_axes(cairo_t *cr, const draw_panel *P)
{
    draw_ticks_struct T;
    char buf[32];
    slong i;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, P->x0, P->y0, P->x1 - P->x0, P->y1 - P->y0);
    cairo_fill(cr);
    cairo_set_line_width(cr, 1);
    if (P->logy)
    {
        /* powers of 10, at most about 8 labelled */
        double k, step = ceil((P->yhi - P->ylo) / 8);
        for (k = P->ylo; k <= P->yhi + 0.5; k += 1)
        {
            snprintf(buf, sizeof buf, "1e%d", (int) k);
            grid_y(cr, P, k, fmod(k - P->ylo, step) == 0 ? buf : NULL);
        }
    }
    else
    {
        draw_ticks(&T, P->ylo, P->yhi, 6);
        for (i = 0; i < T.n; i++)
            grid_y(cr, P, T.v[i], T.s[i]);
    }
    draw_ticks(&T, P->xlo, P->xhi, 6);
    for (i = 0; i < T.n; i++)
    {
        double x = draw_panel_px(P, T.v[i]);
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_move_to(cr, x, P->y0);
        cairo_line_to(cr, x, P->y1);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        draw_show(cr, T.s[i], x, P->y1 + draw_cap(cr) + 6, 0.5);
    }
    /* zero on a linear axis that crosses it (a sign that matters) */
    if (!P->logy && P->ylo < 0 && P->yhi > 0)
    {
        cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
        cairo_move_to(cr, P->x0, draw_panel_py(P, 0));
        cairo_line_to(cr, P->x1, draw_panel_py(P, 0));
        cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, P->x0, P->y0, P->x1 - P->x0, P->y1 - P->y0);
    cairo_stroke(cr);
}

double draw_legend_entry(cairo_t *cr, double x, double y, double unit,
                         const double rgb[3], const char *name)
{
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_rectangle(cr, x, y - 5 * unit, 16 * unit, 10 * unit);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_show(cr, name, x + 22 * unit, y + draw_cap(cr) / 2, 0);
    return x + 22 * unit + draw_text_width(cr, name) + 18 * unit;
}
