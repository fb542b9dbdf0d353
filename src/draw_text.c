/* Pictures of 2-D regions: tick marks and text (see cpwl/draw.h).  Text
   metrics are measured with hinting off, so that SVG and PNG get the same
   geometry. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include "cpwl/draw.h"
#include "draw_impl.h"

/* ------------------------------------------------------------------------
   Ticks and text
   ------------------------------------------------------------------------ */


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
void draw_ticks(draw_ticks_struct *T, double lo, double hi,
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
cairo_t *draw_measure_create(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(s);
    cairo_surface_destroy(s);
    return cr;
}

void draw_font(cairo_t *cr, double size, int bold)
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

double draw_text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, s, &ext);
    return ext.x_advance;
}

/* Height of the digits above the baseline. */
double draw_cap(cairo_t *cr)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, "0", &ext);
    return -ext.y_bearing;
}

/* Show s with its baseline at y, x at the left (align 0), centre (0.5) or
   right (1). */
void draw_show(cairo_t *cr, const char *s, double x, double y,
                      double align)
{
    cairo_move_to(cr, x - align * draw_text_width(cr, s), y);
    cairo_show_text(cr, s);
}


void draw_sizes(draw_sizes_struct *S, const cpwl_draw_opts *o,
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
