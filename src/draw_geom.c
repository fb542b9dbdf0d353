/* Pictures of 2-D activation regions: the options, each cell as the
   convex polygon of its visible part (exact facet selection, double
   clipping) and the checks of what can be drawn (see cpwl/draw.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq.h>
#include "cpwl/num.h"
#include "cpwl/draw.h"
#include "draw_impl.h"

/* ------------------------------------------------------------------------
   Options
   ------------------------------------------------------------------------ */

void cpwl_draw_opts_init(cpwl_draw_opts *o)
{
    o->colour = CPWL_DRAW_BY_REGION;
    o->have_view = 0;
    o->lo[0] = o->lo[1] = -1.0;
    o->hi[0] = o->hi[1] = 1.0;
    o->width = CPWL_DRAW_DEFAULT_WIDTH;
    o->height = 0;
    o->equal_axes = 1;
    o->boundaries = 1;
    o->axes = 1;
    o->output = 0;
    o->title = NULL;
    o->xlabel = NULL;
    o->ylabel = NULL;
    o->vlabel = NULL;
    o->legend = -1;
}

int cpwl_draw_opts_set_colour(cpwl_draw_opts *o, const char *s, cpwl_err_t e)
{
    char q[CPWL_ERR_QUOTE_SIZE];

    if (strcmp(s, "region") == 0)
        o->colour = CPWL_DRAW_BY_REGION;
    else if (strcmp(s, "linear") == 0)
        o->colour = CPWL_DRAW_BY_LINEAR;
    else if (strcmp(s, "value") == 0)
        o->colour = CPWL_DRAW_BY_VALUE;
    else
    {
        cpwl_err_quote(q, sizeof(q), s, strlen(s));
        return cpwl_err_set(e, CPWL_ERR_INPUT, "`colour`: expected region, "
                            "linear or value, got %s", q);
    }
    return CPWL_OK;
}

/* A side length: decimal digits only, in [CPWL_DRAW_MIN_SIZE, CPWL_DRAW_MAX_SIZE]. */
static int draw_parse_side(int *out, const char *s, size_t len)
{
    size_t i;
    long v = 0;

    if (len == 0 || len > 6)
        return 0;
    for (i = 0; i < len; i++)
    {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = 10 * v + (s[i] - '0');
    }
    if (v < CPWL_DRAW_MIN_SIZE || v > CPWL_DRAW_MAX_SIZE)
        return 0;
    *out = (int) v;
    return 1;
}

int cpwl_draw_opts_set_size_str(cpwl_draw_opts *o, const char *s, cpwl_err_t e)
{
    char q[CPWL_ERR_QUOTE_SIZE];
    const char *x = strchr(s, 'x');
    int w, h = 0;

    if (x == NULL ? draw_parse_side(&w, s, strlen(s))
        : draw_parse_side(&w, s, (size_t) (x - s))
          && draw_parse_side(&h, x + 1, strlen(x + 1)))
    {
        o->width = w;
        o->height = h;
        return CPWL_OK;
    }
    cpwl_err_quote(q, sizeof(q), s, strlen(s));
    return cpwl_err_set(e, CPWL_ERR_INPUT, "`size`: expected W or WxH in pixels "
                        "such as 800 or 800x600, each from %d to %d, got %s",
                        CPWL_DRAW_MIN_SIZE, CPWL_DRAW_MAX_SIZE, q);
}

/* One range "lo:hi" of s[0..len) into doubles with lo < hi. */
static int draw_parse_range(double *lo, double *hi, const char *s,
                            size_t len)
{
    const char *c = memchr(s, ':', len);
    fmpq_t a, b;
    int ok = 0;

    if (c == NULL || memchr(c + 1, ':', len - (size_t) (c - s) - 1) != NULL)
        return 0;
    fmpq_init(a);
    fmpq_init(b);
    /* The number parser's own message is dropped: the caller's names the
       whole option with an example, which helps more here. */
    {
        cpwl_err_t e2;
        cpwl_err_init(e2);
        if (cpwl_num_parse_fmpq(a, s, (size_t) (c - s), CPWL_NUM_EXACT, e2) == CPWL_OK
            && cpwl_num_parse_fmpq(b, c + 1, len - (size_t) (c - s) - 1,
                                   CPWL_NUM_EXACT, e2) == CPWL_OK
            && fmpq_cmp(a, b) < 0)
        {
            *lo = cpwl_num_fmpq_get_d(a);
            *hi = cpwl_num_fmpq_get_d(b);
            ok = isfinite(*lo) && isfinite(*hi) && *lo < *hi;
        }
        cpwl_err_clear(e2);
    }
    fmpq_clear(a);
    fmpq_clear(b);
    return ok;
}

int cpwl_draw_opts_set_view_str(cpwl_draw_opts *o, const char *s, cpwl_err_t e)
{
    char q[CPWL_ERR_QUOTE_SIZE];
    const char *comma = strchr(s, ',');
    double lo[2], hi[2];

    if (comma != NULL && strchr(comma + 1, ',') == NULL
        && draw_parse_range(lo, hi, s, (size_t) (comma - s))
        && draw_parse_range(lo + 1, hi + 1, comma + 1, strlen(comma + 1)))
    {
        o->have_view = 1;
        o->lo[0] = lo[0];
        o->lo[1] = lo[1];
        o->hi[0] = hi[0];
        o->hi[1] = hi[1];
        return CPWL_OK;
    }
    cpwl_err_quote(q, sizeof(q), s, strlen(s));
    return cpwl_err_set(e, CPWL_ERR_INPUT, "`view`: expected xlo:xhi,ylo:yhi "
                        "with lo < hi (numbers as in the network file), such as "
                        "-4:4,-3:3, got %s", q);
}

/* ------------------------------------------------------------------------
   Cells as clipped polygons
   ------------------------------------------------------------------------ */

double draw_get_d(const fmpq_t x)
{
    double d = cpwl_num_fmpq_get_d(x);
    if (d > DRAW_HUGE)
        return DRAW_HUGE;
    if (d < -DRAW_HUGE)
        return -DRAW_HUGE;
    return d;
}

/* Sign of cross(t, w - p) (left of the line p + s t: > 0). */
static int draw_side(const fmpq *p, const fmpq *t, const fmpq *w,
                     fmpq_t u, fmpq_t v)
{
    fmpq_sub(u, w + 0, p + 0);
    fmpq_mul(u, u, t + 1);
    fmpq_sub(v, w + 1, p + 1);
    fmpq_mul(v, v, t + 0);
    return fmpq_cmp(v, u);
}

/* Sign of cross(t, r). */
static int draw_side_dir(const fmpq *t, const fmpq *r, fmpq_t u, fmpq_t v)
{
    fmpq_mul(u, t + 1, r + 0);
    fmpq_mul(v, t + 0, r + 1);
    return fmpq_cmp(v, u);
}

/* Keep the part of the convex polygon in (m corners) where a.x <= b. */
static slong draw_clip(double *out, const double *in, slong m,
                       const double a[2], double b)
{
    slong i, n = 0;

    for (i = 0; i < m; i++)
    {
        const double *P = in + 2 * i, *Q = in + 2 * ((i + 1) % m);
        double dp = a[0] * P[0] + a[1] * P[1] - b;
        double dq = a[0] * Q[0] + a[1] * Q[1] - b;

        if (dp <= 0.0)
        {
            out[2 * n] = P[0];
            out[2 * n + 1] = P[1];
            n++;
        }
        if ((dp < 0.0 && dq > 0.0) || (dp > 0.0 && dq < 0.0))
        {
            double s = dp / (dp - dq);
            out[2 * n] = P[0] + s * (Q[0] - P[0]);
            out[2 * n + 1] = P[1] + s * (Q[1] - P[1]);
            n++;
        }
    }
    return n;
}

typedef struct
{
    const fmpq *V;              /* nv points */
    slong nv;
    const fmpq *D;              /* nd directions */
    slong nd;
    double *P, *Q;              /* the polygon and a scratch buffer */
    slong m;                    /* corners of P */
    slong alloc;                /* points P and Q can hold */
    fmpq_t u, v;
}
draw_cut_struct;

/* If the line p + s t supports the cell (all vertices on one closed side,
   all rays pointing into it), cut the polygon to that side.  Decided
   exactly, so that a thin or far-away cell keeps its true facets. */
static void draw_cut(draw_cut_struct *C, const fmpq *p, const fmpq *t)
{
    slong i;
    int pos = 0, neg = 0, s;
    double a[2], b, td[2], pd[2], len;

    for (i = 0; i < C->nv && !(pos && neg); i++)
    {
        s = draw_side(p, t, C->V + 2 * i, C->u, C->v);
        pos |= s > 0;
        neg |= s < 0;
    }
    for (i = 0; i < C->nd && !(pos && neg); i++)
    {
        s = draw_side_dir(t, C->D + 2 * i, C->u, C->v);
        pos |= s > 0;
        neg |= s < 0;
    }
    /* Both sides: not supporting; neither: t = 0 or a flat cell. */
    if (pos == neg)
        return;
    td[0] = draw_get_d(t + 0);
    td[1] = draw_get_d(t + 1);
    len = fmax(fabs(td[0]), fabs(td[1]));
    if (!(len > 0.0))
        return;
    td[0] /= len;
    td[1] /= len;
    pd[0] = draw_get_d(p + 0);
    pd[1] = draw_get_d(p + 1);
    /* Keep the left side (cross(t, x - p) >= 0) when the cell is there. */
    if (pos)
    {
        a[0] = td[1];
        a[1] = -td[0];
    }
    else
    {
        a[0] = -td[1];
        a[1] = td[0];
    }
    b = a[0] * pd[0] + a[1] * pd[1];
    /* A convex polygon gains at most one corner, but rounding can make it
       slightly non-convex: room for the worst case of clipping. */
    if (2 * C->m > C->alloc)
    {
        C->alloc = 2 * C->m;
        C->P = flint_realloc(C->P, 2 * C->alloc * sizeof(double));
        C->Q = flint_realloc(C->Q, 2 * C->alloc * sizeof(double));
    }
    C->m = draw_clip(C->Q, C->P, C->m, a, b);
    {
        double *tmp = C->P;
        C->P = C->Q;
        C->Q = tmp;
    }
}

/* The visible part of cell c, (conv(verts) + cone(rays)) within the box
   [lo, hi], as a convex polygon (counter-clockwise, y up) in a new array
   *out of 2 * (returned count) doubles; returns 0 (and *out = NULL) when
   nothing is visible.

   Every facet of a 2-D polyhedron lies on a line through two vertices or
   through a vertex along a ray; the supporting ones among these lines cut
   the cell out of the box.  (Truncating the rays at a large length and
   taking a hull would fail for cones of nearly 180 degrees.) */
static slong draw_cell_poly(double **out, const cpwl_regions_cell_struct *c,
                            const double lo[2], const double hi[2])
{
    draw_cut_struct C;
    fmpq *origin = NULL, *t;
    slong i, j;

    *out = NULL;
    if (c->nverts < 0)
        return 0;
    if (c->nverts == 0)
    {
        /* Not produced by the algorithms; a cone at the origin. */
        origin = _fmpq_vec_init(2);
        C.V = origin;
        C.nv = 1;
    }
    else
    {
        C.V = c->verts;
        C.nv = c->nverts;
    }
    C.D = c->rays;
    C.nd = c->nrays;
    C.alloc = 16;
    C.P = flint_malloc(2 * C.alloc * sizeof(double));
    C.Q = flint_malloc(2 * C.alloc * sizeof(double));
    fmpq_init(C.u);
    fmpq_init(C.v);
    t = _fmpq_vec_init(2);

    C.P[0] = lo[0];
    C.P[1] = lo[1];
    C.P[2] = hi[0];
    C.P[3] = lo[1];
    C.P[4] = hi[0];
    C.P[5] = hi[1];
    C.P[6] = lo[0];
    C.P[7] = hi[1];
    C.m = 4;

    for (i = 0; i < C.nv && C.m > 0; i++)
    {
        for (j = i + 1; j < C.nv && C.m > 0; j++)
        {
            if (C.nv > DRAW_ALL_PAIRS && j != i + 1)
                break;
            fmpq_sub(t + 0, C.V + 2 * j, C.V + 2 * i);
            fmpq_sub(t + 1, C.V + 2 * j + 1, C.V + 2 * i + 1);
            draw_cut(&C, C.V + 2 * i, t);
        }
        if (C.nv > DRAW_ALL_PAIRS && i == C.nv - 1 && C.m > 0)
        {
            fmpq_sub(t + 0, C.V + 0, C.V + 2 * i);
            fmpq_sub(t + 1, C.V + 1, C.V + 2 * i + 1);
            draw_cut(&C, C.V + 2 * i, t);
        }
        for (j = 0; j < C.nd && C.m > 0; j++)
            draw_cut(&C, C.V + 2 * i, C.D + 2 * j);
    }

    _fmpq_vec_clear(t, 2);
    fmpq_clear(C.u);
    fmpq_clear(C.v);
    if (origin != NULL)
        _fmpq_vec_clear(origin, 2);
    flint_free(C.Q);
    if (C.m < 3)
    {
        flint_free(C.P);
        return 0;
    }
    *out = C.P;
    return C.m;
}

void draw_polys_init(draw_polys_struct *P, const cpwl_regions_t R,
                     const double lo[2], const double hi[2])
{
    slong i, alloc = 16, len = 0;

    P->n = R->ncells;
    P->start = flint_malloc((R->ncells + 1) * sizeof(slong));
    P->xy = flint_malloc(2 * alloc * sizeof(double));
    for (i = 0; i < R->ncells; i++)
    {
        double *c;
        slong m = draw_cell_poly(&c, R->cells + i, lo, hi);

        P->start[i] = len;
        if (len + m > alloc)
        {
            alloc = FLINT_MAX(2 * alloc, len + m);
            P->xy = flint_realloc(P->xy, 2 * alloc * sizeof(double));
        }
        if (m > 0)
        {
            memcpy(P->xy + 2 * len, c, 2 * m * sizeof(double));
            flint_free(c);
        }
        len += m;
    }
    P->start[R->ncells] = len;
}

void draw_polys_clear(draw_polys_struct *P)
{
    flint_free(P->start);
    flint_free(P->xy);
}

/* ------------------------------------------------------------------------
   Checks
   ------------------------------------------------------------------------ */

static int draw_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *) s;

    while (*p)
    {
        int n, i;
        unsigned long cp;

        if (*p < 0x80)
        {
            p++;
            continue;
        }
        if ((*p & 0xe0) == 0xc0)
            n = 1, cp = *p & 0x1f;
        else if ((*p & 0xf0) == 0xe0)
            n = 2, cp = *p & 0x0f;
        else if ((*p & 0xf8) == 0xf0)
            n = 3, cp = *p & 0x07;
        else
            return 0;
        for (i = 1; i <= n; i++)
        {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        /* Overlong forms, surrogates, beyond U+10FFFF. */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800)
            || (n == 3 && cp < 0x10000) || cp > 0x10ffff
            || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

int draw_check(const cpwl_regions_t R, const cpwl_draw_opts *o, cpwl_err_t e)
{
    const char *texts[4], *names[4] = {"title", "x label", "y label",
                                       "colour bar label"};
    slong i;
    int k;

    if (R->d != 2)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "pictures need a 2-D domain, "
                            "this one has dimension %ld (draw a 2-D slice with "
                            "`slice`)", (long) R->d);
    if (o->width < CPWL_DRAW_MIN_SIZE || o->width > CPWL_DRAW_MAX_SIZE
        || (o->height != 0 && (o->height < CPWL_DRAW_MIN_SIZE
                               || o->height > CPWL_DRAW_MAX_SIZE)))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "picture size %dx%d: each side "
                            "must be from %d to %d", o->width, o->height,
                            CPWL_DRAW_MIN_SIZE, CPWL_DRAW_MAX_SIZE);
    if (o->have_view)
        for (k = 0; k < 2; k++)
            if (!(isfinite(o->lo[k]) && isfinite(o->hi[k])
                  && o->lo[k] < o->hi[k]))
                return cpwl_err_set(e, CPWL_ERR_INPUT, "view box [%g, %g] x "
                                    "[%g, %g] is empty or not finite", o->lo[0],
                                    o->hi[0], o->lo[1], o->hi[1]);
    texts[0] = o->title;
    texts[1] = o->xlabel;
    texts[2] = o->ylabel;
    texts[3] = o->vlabel;
    for (k = 0; k < 4; k++)
        if (texts[k] != NULL && !draw_utf8_valid(texts[k]))
        {
            char q[CPWL_ERR_QUOTE_SIZE];
            cpwl_err_quote(q, sizeof(q), texts[k], strlen(texts[k]));
            return cpwl_err_set(e, CPWL_ERR_INPUT, "picture %s %s is not valid "
                                "UTF-8", names[k], q);
        }
    if (o->colour == CPWL_DRAW_BY_VALUE && (o->output < 0 || o->output >= R->m))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot colour by output %ld: the "
                            "network has %ld output%s", (long) o->output,
                            (long) R->m, R->m == 1 ? "" : "s");
    for (i = 0; i < R->ncells; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + i;
        if (c->nverts < 0)
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "draw: cell %ld has no "
                                "vertices (cpwl_regions_opts.verts not set)", (long) i);
        if (o->colour == CPWL_DRAW_BY_LINEAR && c->linear < 0)
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "draw: cell %ld has no "
                                "linear region (cpwl_regions_opts.linear not set)",
                                (long) i);
        if (o->colour == CPWL_DRAW_BY_VALUE
            && (c->grad == NULL || c->offset == NULL))
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "draw: cell %ld has no "
                                "affine map (cpwl_regions_opts.maps not set)", (long) i);
    }
    return CPWL_OK;
}

