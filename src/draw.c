/* Pictures of 2-D activation regions with Cairo (see cpwl/draw.h).

   A picture is a scene (the view, every cell as the convex polygon of its
   visible part, the exact adjacency and counts, the colours and the
   legend), a layout (margins for tick labels, title, colour bar and
   legend, from text metrics) and the painting (draw_paint.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <flint/fmpq.h>
#include "cpwl/num.h"
#include "cpwl/draw.h"
#include "outfile.h"
#include "draw_impl.h"
#include "cairo_out.h"

/* ------------------------------------------------------------------------
   Scene and legend
   ------------------------------------------------------------------------ */

static const char *draw_plural(slong n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The legend's text for R with the counts A, or NULL when o asks for
   none: by default a legend is drawn when some cell reaches beyond the
   view (an unbounded domain, or a view smaller than the domain). */
static char *draw_legend_text(const cpwl_regions_t R, const cpwl_draw_opts *o,
                              const draw_adj_struct *A)
{
    char *s;
    size_t size = 320, n;

    if (o->legend == 0 || (o->legend < 0 && A->outside == 0))
        return NULL;
    s = flint_malloc(size);
    n = (size_t) snprintf(s, size, "%ld activation %s", (long) R->ncells,
                          draw_plural(R->ncells, "region", "regions"));
    if (R->nlinear >= 0)
        n += (size_t) snprintf(s + n, size - n, ", %ld linear %s",
                               (long) R->nlinear,
                               draw_plural(R->nlinear, "region", "regions"));
    if (A->outside > 0 && A->outside == A->unbounded && A->hidden == 0)
        n += (size_t) snprintf(s + n, size - n, "; %ld unbounded (%s beyond "
                               "the frame)", (long) A->unbounded,
                               draw_plural(A->unbounded, "reaches",
                                           "reach"));
    else if (A->outside > 0)
    {
        n += (size_t) snprintf(s + n, size - n, "; %ld %s beyond the frame "
                               "(%ld unbounded", (long) A->outside,
                               draw_plural(A->outside, "reaches", "reach"),
                               (long) A->unbounded);
        if (A->hidden > 0)
            n += (size_t) snprintf(s + n, size - n, ", %ld wholly outside",
                                   (long) A->hidden);
        n += (size_t) snprintf(s + n, size - n, ")");
    }
    (void) n;
    return s;
}

void draw_scene_init(draw_scene_struct *S, const cpwl_regions_t R,
                     const cpwl_draw_opts *o)
{
    cpwl_draw_view(S->lo, S->hi, R, o);
    draw_polys_init(&S->P, R, S->lo, S->hi);
    draw_adjacency(&S->A, R, S->lo, S->hi);
    S->pal = o->colour == CPWL_DRAW_BY_VALUE ? NULL
        : draw_palette_indices(R, o, S->A.pairs, S->A.npairs);
    S->legend = draw_legend_text(R, o, &S->A);
}

void draw_scene_clear(draw_scene_struct *S)
{
    draw_polys_clear(&S->P);
    flint_free(S->A.pairs);
    flint_free(S->pal);
    flint_free(S->legend);
}

void cpwl_draw_info_init(cpwl_draw_info_t I)
{
    memset(I, 0, sizeof(cpwl_draw_info_struct));
    I->nlinear = -1;
}

void cpwl_draw_info_clear(cpwl_draw_info_t I)
{
    flint_free(I->pairs);
    flint_free(I->palette);
    flint_free(I->legend);
    cpwl_draw_info_init(I);
}

int cpwl_draw_info_compute(cpwl_draw_info_t I, const cpwl_regions_t R, const cpwl_draw_opts *o,
                           cpwl_err_t e)
{
    draw_scene_struct S;
    slong i, k, *seen;

    if (draw_check(R, o, e) != CPWL_OK)
        return e->status;
    cpwl_draw_info_clear(I);
    draw_scene_init(&S, R, o);
    for (k = 0; k < 2; k++)
    {
        I->lo[k] = S.lo[k];
        I->hi[k] = S.hi[k];
    }
    I->ncells = R->ncells;
    I->nlinear = R->nlinear;
    I->unbounded = S.A.unbounded;
    I->outside = S.A.outside;
    I->hidden = S.A.hidden;
    I->npairs = S.A.npairs;
    I->pairs = S.A.pairs;
    I->palette = S.pal;
    I->legend = S.legend;
    I->ncolours = 0;
    if (S.pal != NULL)
    {
        slong top = 0;
        for (i = 0; i < R->ncells; i++)
            top = FLINT_MAX(top, S.pal[i] + 1);
        seen = flint_calloc(top + 1, sizeof(slong));
        for (i = 0; i < R->ncells; i++)
            if (S.pal[i] >= 0 && !seen[S.pal[i]]++)
                I->ncolours++;
        flint_free(seen);
    }
    /* Handed over to I. */
    S.A.pairs = NULL;
    S.pal = NULL;
    S.legend = NULL;
    draw_scene_clear(&S);
    return CPWL_OK;
}

/* ------------------------------------------------------------------------
   Layout
   ------------------------------------------------------------------------ */

static int draw_layout_scene(cpwl_draw_layout_t L, const cpwl_regions_t R,
                             const cpwl_draw_opts *o, const draw_scene_struct *Sc,
                             cpwl_err_t e)
{
    draw_sizes_struct S;
    draw_ticks_struct T;
    cairo_t *cr = draw_measure_create();
    const double *lo = Sc->lo, *hi = Sc->hi;
    double cap, w, left, right, top, bottom, aw, ah, pw, ph, ox, oy, dx, dy;
    double legend_h = 0.0, legend_w = 0.0;
    int W = o->width, H = o->height, k;

    for (k = 0; k < 2; k++)
    {
        L->lo[k] = lo[k];
        L->hi[k] = hi[k];
    }
    dx = hi[0] - lo[0];
    dy = hi[1] - lo[1];
    if (o->colour == CPWL_DRAW_BY_VALUE)
        draw_value_range(&L->vmin, &L->vmax, R, &Sc->P, o->output);
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
    if (Sc->legend != NULL)
    {
        legend_h = 3.0 * S.gap + 1.2 * S.font;
        bottom += legend_h;
        legend_w = draw_text_width(cr, Sc->legend);
    }
    if (o->ylabel != NULL && o->ylabel[0] != '\0')
        left += 2.0 * S.gap + 1.2 * S.font;
    if (o->colour == CPWL_DRAW_BY_VALUE)
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
    /* A legend not asked for gives way in a small picture. */
    if (H > 0 && ah < 32.0 && legend_h > 0.0 && o->legend < 0)
    {
        ah += legend_h;
        legend_h = 0.0;
    }
    if (aw < 32.0 || (H > 0 && ah < 32.0))
    {
        if (H > 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "picture size %dx%d is too "
                                "small for its labels", W, H);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "picture width %d is too small "
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
        H = H > CPWL_DRAW_MAX_SIZE ? CPWL_DRAW_MAX_SIZE
            : H < CPWL_DRAW_MIN_SIZE ? CPWL_DRAW_MIN_SIZE : H;
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
    /* The legend on the last line, centred on the plot but kept inside
       the image, smaller when it is wider than the image. */
    L->legend_h = legend_h;
    L->legend_font = 0.0;
    if (legend_h > 0.0)
    {
        L->legend_font = S.font * fmin(1.0, (W - 2.0 * S.pad) / legend_w);
        legend_w *= L->legend_font / S.font;
        L->legend_x = 0.5 * (L->px0 + L->px1);
        L->legend_x = fmin(L->legend_x, W - S.pad - 0.5 * legend_w);
        L->legend_x = fmax(L->legend_x, S.pad + 0.5 * legend_w);
        L->legend_y = H - S.pad - 0.25 * S.font;
    }
    return CPWL_OK;
}

int cpwl_draw_layout(cpwl_draw_layout_t L, const cpwl_regions_t R, const cpwl_draw_opts *o,
                     cpwl_err_t e)
{
    draw_scene_struct S;
    int status;

    if (draw_check(R, o, e) != CPWL_OK)
        return e->status;
    draw_scene_init(&S, R, o);
    status = draw_layout_scene(L, R, o, &S, e);
    draw_scene_clear(&S);
    return status;
}

void cpwl_draw_layout_to_device(double u[2], const cpwl_draw_layout_t L,
                                const double x[2])
{
    u[0] = L->px0 + (x[0] - L->lo[0]) / (L->hi[0] - L->lo[0])
        * (L->px1 - L->px0);
    u[1] = L->py1 - (x[1] - L->lo[1]) / (L->hi[1] - L->lo[1])
        * (L->py1 - L->py0);
}

void cpwl_draw_layout_to_domain(double x[2], const cpwl_draw_layout_t L,
                                const double u[2])
{
    x[0] = L->lo[0] + (u[0] - L->px0) / (L->px1 - L->px0)
        * (L->hi[0] - L->lo[0]);
    x[1] = L->lo[1] + (L->py1 - u[1]) / (L->py1 - L->py0)
        * (L->hi[1] - L->lo[1]);
}

void cpwl_draw_value_rgb(double rgb[3], const cpwl_draw_layout_t L, double v)
{
    cpwl_draw_colormap_rgb(rgb, (v - L->vmin) / (L->vmax - L->vmin));
}

void cpwl_draw_cell_rgb(double rgb[3], const cpwl_regions_t R, slong i,
                        const cpwl_draw_opts *o)
{
    const cpwl_regions_cell_struct *c = R->cells + i;
    const draw_polys_struct *P;
    draw_scene_struct S;

    draw_scene_init(&S, R, o);
    P = &S.P;
    if (o->colour == CPWL_DRAW_BY_VALUE)
    {
        double vmin, vmax, x[2] = {0.0, 0.0}, g[2], c0;
        slong j, n = P->start[i + 1] - P->start[i];

        if (c->grad == NULL || c->offset == NULL || o->output < 0
            || o->output >= R->m)
        {
            rgb[0] = rgb[1] = rgb[2] = 0.5;
            draw_scene_clear(&S);
            return;
        }
        draw_value_range(&vmin, &vmax, R, P, o->output);
        for (j = P->start[i]; j < P->start[i + 1]; j++)
        {
            x[0] += P->xy[2 * j] / n;
            x[1] += P->xy[2 * j + 1] / n;
        }
        if (n == 0 && c->nverts > 0)
        {
            x[0] = draw_get_d(c->verts + 0);
            x[1] = draw_get_d(c->verts + 1);
        }
        draw_cell_affine(g, &c0, c, o->output);
        cpwl_draw_colormap_rgb(rgb, (g[0] * x[0] + g[1] * x[1] + c0 - vmin)
                               / (vmax - vmin));
    }
    else
        cpwl_draw_palette_rgb(rgb, S.pal[i]);
    draw_scene_clear(&S);
}

/* ------------------------------------------------------------------------
   Output
   ------------------------------------------------------------------------ */

/* The arguments of draw_picture, for _cpwl_cairo_write. */
typedef struct
{
    const cpwl_draw_layout_struct *L;
    const cpwl_regions_struct *R;
    const cpwl_draw_opts *o;
    const draw_scene_struct *S;
}
draw_picture_args;

static void draw_picture_cb(cairo_t *cr, int width, int height, void *data)
{
    const draw_picture_args *a = data;

    (void) width;               /* the layout's */
    (void) height;
    draw_picture(cr, a->L, a->R, a->o, a->S);
}

/* The scene of a computed info: its view, pairs, palette and legend are
   borrowed (only the polygons are the scene's own). */
static void draw_scene_from_info(draw_scene_struct *S, const cpwl_regions_t R,
                                 const cpwl_draw_info_struct *I)
{
    slong k;
    for (k = 0; k < 2; k++)
    {
        S->lo[k] = I->lo[k];
        S->hi[k] = I->hi[k];
    }
    draw_polys_init(&S->P, R, S->lo, S->hi);
    S->A.npairs = I->npairs;
    S->A.pairs = I->pairs;
    S->A.unbounded = I->unbounded;
    S->A.outside = I->outside;
    S->A.hidden = I->hidden;
    S->pal = I->palette;
    S->legend = I->legend;
}

int cpwl_draw_regions_file(FILE *f, const char *name, cpwl_draw_format fmt,
                           const cpwl_regions_t R, const cpwl_draw_opts *o,
                           const cpwl_draw_info_struct *I, cpwl_err_t e)
{
    draw_scene_struct S;
    cpwl_draw_layout_t L;
    draw_picture_args args;
    int st;

    if (draw_check(R, o, e) != CPWL_OK)
        return e->status;
    if (I != NULL)
        draw_scene_from_info(&S, R, I);
    else
        draw_scene_init(&S, R, o);
    if (draw_layout_scene(L, R, o, &S, e) != CPWL_OK)
    {
        if (I != NULL)
            draw_polys_clear(&S.P);
        else
            draw_scene_clear(&S);
        return e->status;
    }

    args.L = L;
    args.R = R;
    args.o = o;
    args.S = &S;
    /* Cairo writes the SVG as it draws: into f, never the target. */
    st = _cpwl_cairo_write(f, name, fmt == CPWL_DRAW_SVG, L->width,
                           L->height, draw_picture_cb, &args, e);
    if (I != NULL)
        draw_polys_clear(&S.P);
    else
        draw_scene_clear(&S);
    return st;
}

int cpwl_draw_regions(const char *path, cpwl_draw_format fmt, const cpwl_regions_t R,
                      const cpwl_draw_opts *o, cpwl_err_t e)
{
    outfile_t f;
    /* What cannot be drawn is said before the file is looked at. */
    if (draw_check(R, o, e) != CPWL_OK || outfile_open(f, path, e) != CPWL_OK)
        return e->status;
    if (cpwl_draw_regions_file(f->f, path, fmt, R, o, NULL, e) != CPWL_OK)
    {
        outfile_abort(f);
        return e->status;
    }
    return outfile_commit(f, e);
}
