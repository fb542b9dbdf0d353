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
#include "cpwl/outfile.h"

#define DRAW_PI 3.14159265358979323846

/* Coordinates beyond this are clamped: the picture cannot show them and
   larger doubles would overflow in the clipping. */
#define DRAW_HUGE 1e300

#define DRAW_MAX_TICKS 32
#define DRAW_FONT "sans-serif"

/* ------------------------------------------------------------------------
   Options
   ------------------------------------------------------------------------ */

void draw_opts_init(draw_opts *o)
{
    o->colour = DRAW_BY_REGION;
    o->have_view = 0;
    o->lo[0] = o->lo[1] = -1.0;
    o->hi[0] = o->hi[1] = 1.0;
    o->width = DRAW_DEFAULT_WIDTH;
    o->height = 0;
    o->equal_axes = 1;
    o->boundaries = 1;
    o->axes = 1;
    o->output = 0;
    o->title = NULL;
    o->xlabel = NULL;
    o->ylabel = NULL;
    o->vlabel = NULL;
}

int draw_opts_set_colour(draw_opts *o, const char *s, err_t e)
{
    char q[ERR_QUOTE_SIZE];

    if (strcmp(s, "region") == 0)
        o->colour = DRAW_BY_REGION;
    else if (strcmp(s, "linear") == 0)
        o->colour = DRAW_BY_LINEAR;
    else if (strcmp(s, "value") == 0)
        o->colour = DRAW_BY_VALUE;
    else
    {
        err_quote(q, sizeof(q), s, strlen(s));
        return err_set(e, CPWL_ERR_INPUT, "--colour: expected region, "
                       "linear or value, got %s", q);
    }
    return CPWL_OK;
}

/* A side length: decimal digits only, in [DRAW_MIN_SIZE, DRAW_MAX_SIZE]. */
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
    if (v < DRAW_MIN_SIZE || v > DRAW_MAX_SIZE)
        return 0;
    *out = (int) v;
    return 1;
}

int draw_opts_set_size_str(draw_opts *o, const char *s, err_t e)
{
    char q[ERR_QUOTE_SIZE];
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
    err_quote(q, sizeof(q), s, strlen(s));
    return err_set(e, CPWL_ERR_INPUT, "--size: expected W or WxH in pixels "
                   "such as 800 or 800x600, each from %d to %d, got %s",
                   DRAW_MIN_SIZE, DRAW_MAX_SIZE, q);
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
        err_t e2;
        err_init(e2);
        if (num_parse_fmpq(a, s, (size_t) (c - s), NUM_EXACT, e2) == CPWL_OK
            && num_parse_fmpq(b, c + 1, len - (size_t) (c - s) - 1,
                              NUM_EXACT, e2) == CPWL_OK
            && fmpq_cmp(a, b) < 0)
        {
            *lo = num_fmpq_get_d(a);
            *hi = num_fmpq_get_d(b);
            ok = isfinite(*lo) && isfinite(*hi) && *lo < *hi;
        }
        err_clear(e2);
    }
    fmpq_clear(a);
    fmpq_clear(b);
    return ok;
}

int draw_opts_set_view_str(draw_opts *o, const char *s, err_t e)
{
    char q[ERR_QUOTE_SIZE];
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
    err_quote(q, sizeof(q), s, strlen(s));
    return err_set(e, CPWL_ERR_INPUT, "--view: expected xlo:xhi,ylo:yhi "
                   "with lo < hi (numbers as in the network file), such as "
                   "-4:4,-3:3, got %s", q);
}

/* ------------------------------------------------------------------------
   Colours
   ------------------------------------------------------------------------ */

/* Every fifth of matplotlib's 256 viridis entries (CC0): linear
   interpolation between them is within 1/255 of the full table. */
#define DRAW_VIRIDIS_N 52
static const double draw_viridis[DRAW_VIRIDIS_N][3] = {
    {0.267004, 0.004874, 0.329415}, {0.273809, 0.031497, 0.358853},
    {0.278791, 0.062145, 0.386592}, {0.281924, 0.089666, 0.412415},
    {0.283197, 0.115680, 0.436115}, {0.282623, 0.140926, 0.457517},
    {0.280255, 0.165693, 0.476498}, {0.276194, 0.190074, 0.493001},
    {0.270595, 0.214069, 0.507052}, {0.263663, 0.237631, 0.518762},
    {0.255645, 0.260703, 0.528312}, {0.246811, 0.283237, 0.535941},
    {0.237441, 0.305202, 0.541921}, {0.227802, 0.326594, 0.546532},
    {0.218130, 0.347432, 0.550038}, {0.208623, 0.367752, 0.552675},
    {0.199430, 0.387607, 0.554642}, {0.190631, 0.407061, 0.556089},
    {0.182256, 0.426184, 0.557120}, {0.174274, 0.445044, 0.557792},
    {0.166617, 0.463708, 0.558119}, {0.159194, 0.482237, 0.558073},
    {0.151918, 0.500685, 0.557587}, {0.144759, 0.519093, 0.556572},
    {0.137770, 0.537492, 0.554906}, {0.131172, 0.555899, 0.552459},
    {0.125394, 0.574318, 0.549086}, {0.121148, 0.592739, 0.544641},
    {0.119423, 0.611141, 0.538982}, {0.121380, 0.629492, 0.531973},
    {0.128087, 0.647749, 0.523491}, {0.140210, 0.665859, 0.513427},
    {0.157851, 0.683765, 0.501686}, {0.180653, 0.701402, 0.488189},
    {0.208030, 0.718701, 0.472873}, {0.239374, 0.735588, 0.455688},
    {0.274149, 0.751988, 0.436601}, {0.311925, 0.767822, 0.415586},
    {0.352360, 0.783011, 0.392636}, {0.395174, 0.797475, 0.367757},
    {0.440137, 0.811138, 0.340967}, {0.487026, 0.823929, 0.312321},
    {0.535621, 0.835785, 0.281908}, {0.585678, 0.846661, 0.249897},
    {0.636902, 0.856542, 0.216620}, {0.688944, 0.865448, 0.182725},
    {0.741388, 0.873449, 0.149561}, {0.793760, 0.880678, 0.120005},
    {0.845561, 0.887322, 0.099702}, {0.896320, 0.893616, 0.096335},
    {0.945636, 0.899815, 0.112838}, {0.993248, 0.906157, 0.143936}
};

void draw_colormap_rgb(double rgb[3], double t)
{
    double x, f;
    int k, c;

    if (!(t > 0.0))             /* also NaN */
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    x = t * (DRAW_VIRIDIS_N - 1);
    k = (int) floor(x);
    if (k > DRAW_VIRIDIS_N - 2)
        k = DRAW_VIRIDIS_N - 2;
    f = x - k;
    for (c = 0; c < 3; c++)
        rgb[c] = (1.0 - f) * draw_viridis[k][c] + f * draw_viridis[k + 1][c];
}

static double draw_gamma(double c)
{
    if (c <= 0.0)
        return 0.0;
    if (c >= 1.0)
        return 1.0;
    return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1.0 / 2.4) - 0.055;
}

/* Linear sRGB of the OKLab colour (L, a, b) (Ottosson's matrices). */
static void draw_oklab_linear(double rgb[3], double L, double a, double b)
{
    double l = L + 0.3963377774 * a + 0.2158037573 * b;
    double m = L - 0.1055613458 * a - 0.0638541728 * b;
    double s = L - 0.0894841775 * a - 1.2914855480 * b;

    l = l * l * l;
    m = m * m * m;
    s = s * s * s;
    rgb[0] = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
    rgb[1] = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
    rgb[2] = -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s;
}

static int draw_in_gamut(const double rgb[3])
{
    return rgb[0] >= 0.0 && rgb[0] <= 1.0 && rgb[1] >= 0.0 && rgb[1] <= 1.0
        && rgb[2] >= 0.0 && rgb[2] <= 1.0;
}

/* sRGB of OKLCH (L, C, h in turns); out of gamut, the chroma is lowered
   (bisection) so that hue and lightness stay as asked. */
static void draw_oklch_rgb(double rgb[3], double L, double C, double h)
{
    double lin[3], lo = 0.0, hi = C;
    int it;

    draw_oklab_linear(lin, L, C * cos(2 * DRAW_PI * h),
                      C * sin(2 * DRAW_PI * h));
    if (!draw_in_gamut(lin))
    {
        for (it = 0; it < 30; it++)
        {
            double mid = 0.5 * (lo + hi);
            draw_oklab_linear(lin, L, mid * cos(2 * DRAW_PI * h),
                              mid * sin(2 * DRAW_PI * h));
            if (draw_in_gamut(lin))
                lo = mid;
            else
                hi = mid;
        }
        draw_oklab_linear(lin, L, lo * cos(2 * DRAW_PI * h),
                          lo * sin(2 * DRAW_PI * h));
    }
    for (it = 0; it < 3; it++)
        rgb[it] = draw_gamma(lin[it]);
}

/* The R2 sequence (Roberts 2018): k * (1/p, 1/p^2) mod 1 with p the
   plastic number spreads (hue, lightness) pairs evenly for every prefix,
   as the golden ratio does for hues alone. */
#define DRAW_R2_A1 0.75487766624669276
#define DRAW_R2_A2 0.56984029099805327

void draw_palette_rgb(double rgb[3], slong k)
{
    double h, l, kd;

    if (k < 0)
    {
        rgb[0] = rgb[1] = rgb[2] = 0.8;
        return;
    }
    kd = (double) k;
    h = fmod(0.62 + kd * DRAW_R2_A1, 1.0);
    l = fmod(0.30 + kd * DRAW_R2_A2, 1.0);
    draw_oklch_rgb(rgb, 0.70 + 0.19 * l, 0.115, h);
}

/* ------------------------------------------------------------------------
   Cells as clipped polygons
   ------------------------------------------------------------------------ */

static double draw_get_d(const fmpq_t x)
{
    double d = num_fmpq_get_d(x);
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

/* Up to this many vertices every pair is tried as a facet (no reliance on
   their order); beyond, consecutive ones (the counter-clockwise order). */
#define DRAW_ALL_PAIRS 32

/* The visible part of cell c, (conv(verts) + cone(rays)) within the box
   [lo, hi], as a convex polygon (counter-clockwise, y up) in a new array
   *out of 2 * (returned count) doubles; returns 0 (and *out = NULL) when
   nothing is visible.

   Every facet of a 2-D polyhedron lies on a line through two vertices or
   through a vertex along a ray; the supporting ones among these lines cut
   the cell out of the box.  (Truncating the rays at a large length and
   taking a hull would fail for cones of nearly 180 degrees.) */
static slong draw_cell_poly(double **out, const regions_cell_struct *c,
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

typedef struct
{
    slong n;                    /* cells */
    slong *start;               /* corners of cell i: start[i] .. start[i+1] */
    double *xy;                 /* corners in domain coordinates */
}
draw_polys_struct;

static void draw_polys_init(draw_polys_struct *P, const regions_t R,
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

static void draw_polys_clear(draw_polys_struct *P)
{
    flint_free(P->start);
    flint_free(P->xy);
}

/* ------------------------------------------------------------------------
   Neighbours and the choice of colours
   ------------------------------------------------------------------------ */

typedef struct
{
    double x;                   /* left end of the bounding box */
    slong i;
}
draw_key_struct;

static int draw_key_cmp(const void *a, const void *b)
{
    double x = ((const draw_key_struct *) a)->x;
    double y = ((const draw_key_struct *) b)->x;
    return x < y ? -1 : x > y;
}

/* The pairs (i, j) of visible polygons whose bounding boxes, grown by eps,
   meet: the only ones that can share an edge.  A sweep in x; returns the
   number of pairs, stored in a new array *pairs. */
static slong draw_box_pairs(slong **pairs, const draw_polys_struct *P,
                            double eps)
{
    slong n = P->n, i, j, a, b, nvis = 0, np = 0, alloc = 16;
    double *box = flint_malloc(4 * FLINT_MAX(n, 1) * sizeof(double));
    draw_key_struct *order = flint_malloc(FLINT_MAX(n, 1)
                                          * sizeof(draw_key_struct));

    *pairs = flint_malloc(2 * alloc * sizeof(slong));
    for (i = 0; i < n; i++)
    {
        double *B = box + 4 * i;
        B[0] = B[1] = INFINITY;
        B[2] = B[3] = -INFINITY;
        for (j = P->start[i]; j < P->start[i + 1]; j++)
        {
            B[0] = fmin(B[0], P->xy[2 * j] - eps);
            B[1] = fmin(B[1], P->xy[2 * j + 1] - eps);
            B[2] = fmax(B[2], P->xy[2 * j] + eps);
            B[3] = fmax(B[3], P->xy[2 * j + 1] + eps);
        }
        if (P->start[i + 1] > P->start[i])
        {
            order[nvis].x = B[0];
            order[nvis].i = i;
            nvis++;
        }
    }
    qsort(order, nvis, sizeof(draw_key_struct), draw_key_cmp);
    for (a = 0; a < nvis; a++)
    {
        const double *Bi = box + 4 * order[a].i;
        for (b = a + 1; b < nvis; b++)
        {
            const double *Bj = box + 4 * order[b].i;
            if (Bj[0] > Bi[2])
                break;
            if (Bj[2] < Bi[0] || Bj[3] < Bi[1] || Bj[1] > Bi[3])
                continue;
            if (np == alloc)
            {
                alloc *= 2;
                *pairs = flint_realloc(*pairs, 2 * alloc * sizeof(slong));
            }
            (*pairs)[2 * np] = order[a].i;
            (*pairs)[2 * np + 1] = order[b].i;
            np++;
        }
    }
    flint_free(box);
    flint_free(order);
    return np;
}

/* Whether polygons i and j share a piece of edge longer than minlen
   (edges on one line up to tol, overlapping). */
static int draw_share_edge(const draw_polys_struct *P, slong i, slong j,
                           double tol, double minlen)
{
    slong a, b, ni = P->start[i + 1] - P->start[i];
    slong nj = P->start[j + 1] - P->start[j];
    const double *X = P->xy + 2 * P->start[i], *Y = P->xy + 2 * P->start[j];

    for (a = 0; a < ni; a++)
    {
        const double *p = X + 2 * a, *q = X + 2 * ((a + 1) % ni);
        double d[2] = {q[0] - p[0], q[1] - p[1]}, len = hypot(d[0], d[1]);

        if (!(len > minlen))
            continue;
        d[0] /= len;
        d[1] /= len;
        for (b = 0; b < nj; b++)
        {
            const double *r = Y + 2 * b, *s = Y + 2 * ((b + 1) % nj);
            double cr = d[0] * (r[1] - p[1]) - d[1] * (r[0] - p[0]);
            double cs = d[0] * (s[1] - p[1]) - d[1] * (s[0] - p[0]);
            double tr, ts;

            if (fabs(cr) > tol || fabs(cs) > tol)
                continue;
            tr = d[0] * (r[0] - p[0]) + d[1] * (r[1] - p[1]);
            ts = d[0] * (s[0] - p[0]) + d[1] * (s[1] - p[1]);
            if (fmin(len, fmax(tr, ts)) - fmax(0.0, fmin(tr, ts)) > minlen)
                return 1;
        }
    }
    return 0;
}

/* The pairs of visible polygons that share a piece of edge (of length at
   least 1e-6 of the view's diagonal: anything shorter is far below a
   pixel), in a new array *pairs; returns their number. */
static slong draw_adjacent_pairs(slong **pairs, const draw_polys_struct *P,
                                 const double lo[2], const double hi[2])
{
    double diag = hypot(hi[0] - lo[0], hi[1] - lo[1]);
    slong k, np, n = 0;

    np = draw_box_pairs(pairs, P, 1e-9 * diag);
    for (k = 0; k < np; k++)
        if (draw_share_edge(P, (*pairs)[2 * k], (*pairs)[2 * k + 1],
                            1e-6 * diag, 1e-6 * diag))
        {
            (*pairs)[2 * n] = (*pairs)[2 * k];
            (*pairs)[2 * n + 1] = (*pairs)[2 * k + 1];
            n++;
        }
    return n;
}

static double draw_linearize(double c)
{
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* OKLab of an sRGB colour (Ottosson's matrices). */
static void draw_rgb_oklab(double lab[3], const double rgb[3])
{
    double r = draw_linearize(rgb[0]), g = draw_linearize(rgb[1]);
    double b = draw_linearize(rgb[2]);
    double l = cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
    double m = cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
    double s = cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);

    lab[0] = 0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s;
    lab[1] = 1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s;
    lab[2] = 0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s;
}

/* Colours whose OKLab distance is below this look alike side by side. */
#define DRAW_MIN_DE 0.12
#define DRAW_TRIES 24

/* The palette index of every cell.  The units coloured are the cells, or
   with DRAW_BY_LINEAR the linear regions.  Unit u gets the first of the
   palette colours u, u + U, u + 2U, ... (U units) that is far from the
   colours of its neighbours with smaller index (pairs: the cells sharing
   a piece of edge), the farthest one if none of DRAW_TRIES is: index
   order where it can be, neighbours that look different. */
static slong *draw_palette_indices(const regions_t R, const draw_opts *o,
                                   const slong *pairs, slong npairs)
{
    slong n = R->ncells, U, i, k, t, nu = 0, *up, *start, *fill, *adj;
    slong *pal = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong)), *upal;
    double *lab;
    int linear = o->colour == DRAW_BY_LINEAR;

    U = n;
    if (linear)
        for (U = 0, i = 0; i < n; i++)
            U = FLINT_MAX(U, R->cells[i].linear + 1);

    /* Unit adjacency from the cells sharing an edge. */
    up = flint_malloc(2 * FLINT_MAX(npairs, 1) * sizeof(slong));
    for (k = 0; k < npairs; k++)
    {
        slong a = pairs[2 * k], b = pairs[2 * k + 1];
        slong ua = linear ? R->cells[a].linear : a;
        slong ub = linear ? R->cells[b].linear : b;
        if (ua != ub)
        {
            up[2 * nu] = ua;
            up[2 * nu + 1] = ub;
            nu++;
        }
    }
    start = flint_calloc(U + 1, sizeof(slong));
    for (k = 0; k < nu; k++)
    {
        start[up[2 * k] + 1]++;
        start[up[2 * k + 1] + 1]++;
    }
    for (i = 0; i < U; i++)
        start[i + 1] += start[i];
    fill = flint_malloc(FLINT_MAX(U, 1) * sizeof(slong));
    adj = flint_malloc(FLINT_MAX(start[U], 1) * sizeof(slong));
    memcpy(fill, start, U * sizeof(slong));
    for (k = 0; k < nu; k++)
    {
        adj[fill[up[2 * k]]++] = up[2 * k + 1];
        adj[fill[up[2 * k + 1]]++] = up[2 * k];
    }

    upal = flint_malloc(FLINT_MAX(U, 1) * sizeof(slong));
    lab = flint_malloc(3 * FLINT_MAX(U, 1) * sizeof(double));
    for (i = 0; i < U; i++)
    {
        double best = -1.0, rgb[3], c[3];

        upal[i] = i;
        for (t = 0; t < DRAW_TRIES; t++)
        {
            double dmin = INFINITY;
            draw_palette_rgb(rgb, i + t * U);
            draw_rgb_oklab(c, rgb);
            for (k = start[i]; k < start[i + 1]; k++)
                if (adj[k] < i)
                {
                    const double *d = lab + 3 * adj[k];
                    dmin = fmin(dmin, sqrt((c[0] - d[0]) * (c[0] - d[0])
                                           + (c[1] - d[1]) * (c[1] - d[1])
                                           + (c[2] - d[2]) * (c[2] - d[2])));
                }
            if (dmin > best)
            {
                best = dmin;
                upal[i] = i + t * U;
                memcpy(lab + 3 * i, c, sizeof(c));
            }
            if (dmin >= DRAW_MIN_DE)
                break;
        }
    }
    for (i = 0; i < n; i++)
        pal[i] = linear ? (R->cells[i].linear >= 0
                           ? upal[R->cells[i].linear] : -1) : upal[i];
    flint_free(up);
    flint_free(start);
    flint_free(fill);
    flint_free(adj);
    flint_free(upal);
    flint_free(lab);
    return pal;
}

/* Output k of cell c in double: value = g . x + c0. */
static void draw_cell_affine(double g[2], double *c0,
                             const regions_cell_struct *c, slong k)
{
    g[0] = draw_get_d(c->grad + 2 * k);
    g[1] = draw_get_d(c->grad + 2 * k + 1);
    *c0 = draw_get_d(c->offset + k);
}

/* The colour range: min and max of the output over the visible corners
   (f is affine on each cell, so these are its extremes on the view). */
static void draw_value_range(double *vmin, double *vmax, const regions_t R,
                             const draw_polys_struct *P, slong k)
{
    slong i, j;
    double lo = INFINITY, hi = -INFINITY, h;

    for (i = 0; i < P->n; i++)
    {
        double g[2], c0;
        if (P->start[i + 1] == P->start[i])
            continue;
        draw_cell_affine(g, &c0, R->cells + i, k);
        for (j = P->start[i]; j < P->start[i + 1]; j++)
        {
            double v = g[0] * P->xy[2 * j] + g[1] * P->xy[2 * j + 1] + c0;
            if (isfinite(v))
            {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
    }
    if (!(lo <= hi))
    {
        lo = 0.0;
        hi = 1.0;
    }
    /* A constant output: centre it so that it gets the middle colour. */
    if (!(hi - lo > 1e-12 * fmax(fabs(lo), fabs(hi))))
    {
        h = lo != 0.0 ? 0.1 * fabs(lo) : 1.0;
        lo -= h;
        hi += h;
    }
    *vmin = lo;
    *vmax = hi;
}

/* ------------------------------------------------------------------------
   View and checks
   ------------------------------------------------------------------------ */

void draw_view(double lo[2], double hi[2], const regions_t R,
               const draw_opts *o)
{
    slong i, j, k, nverts = 0;
    int rays = 0;
    double c, h;

    if (o->have_view)
    {
        for (k = 0; k < 2; k++)
        {
            lo[k] = o->lo[k];
            hi[k] = o->hi[k];
        }
        return;
    }
    lo[0] = lo[1] = INFINITY;
    hi[0] = hi[1] = -INFINITY;
    for (i = 0; i < R->ncells; i++)
    {
        const regions_cell_struct *cell = R->cells + i;
        if (cell->nverts < 0)
            continue;
        rays |= cell->nrays > 0;
        for (j = 0; j < cell->nverts; j++)
            for (k = 0; k < 2; k++)
            {
                double x = draw_get_d(cell->verts + 2 * j + k);
                lo[k] = fmin(lo[k], x);
                hi[k] = fmax(hi[k], x);
            }
        nverts += cell->nverts;
    }
    if (nverts == 0)
    {
        lo[0] = lo[1] = -1.0;
        hi[0] = hi[1] = 1.0;
        return;
    }
    /* A bounded domain: the cells tile the box, which is the view. */
    if (!rays && lo[0] < hi[0] && lo[1] < hi[1])
        return;
    for (k = 0; k < 2; k++)
    {
        h = 0.1 * (hi[k] - lo[k]);
        lo[k] -= h;
        hi[k] += h;
        if (hi[k] - lo[k] < 2.0)
        {
            c = 0.5 * (lo[k] + hi[k]);
            lo[k] = c - 1.0;
            hi[k] = c + 1.0;
        }
    }
    /* Square, so that the default picture is square too. */
    h = 0.5 * fmax(hi[0] - lo[0], hi[1] - lo[1]);
    for (k = 0; k < 2; k++)
    {
        c = 0.5 * (lo[k] + hi[k]);
        lo[k] = c - h;
        hi[k] = c + h;
    }
}

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

static int draw_check(const regions_t R, const draw_opts *o, err_t e)
{
    const char *texts[4], *names[4] = {"title", "x label", "y label",
                                       "colour bar label"};
    slong i;
    int k;

    if (R->d != 2)
        return err_set(e, CPWL_ERR_INPUT, "pictures need a 2-D domain, "
                       "this one has dimension %ld (draw a 2-D slice with "
                       "--slice)", (long) R->d);
    if (o->width < DRAW_MIN_SIZE || o->width > DRAW_MAX_SIZE
        || (o->height != 0 && (o->height < DRAW_MIN_SIZE
                               || o->height > DRAW_MAX_SIZE)))
        return err_set(e, CPWL_ERR_INPUT, "picture size %dx%d: each side "
                       "must be from %d to %d", o->width, o->height,
                       DRAW_MIN_SIZE, DRAW_MAX_SIZE);
    if (o->have_view)
        for (k = 0; k < 2; k++)
            if (!(isfinite(o->lo[k]) && isfinite(o->hi[k])
                  && o->lo[k] < o->hi[k]))
                return err_set(e, CPWL_ERR_INPUT, "view box [%g, %g] x "
                               "[%g, %g] is empty or not finite", o->lo[0],
                               o->hi[0], o->lo[1], o->hi[1]);
    texts[0] = o->title;
    texts[1] = o->xlabel;
    texts[2] = o->ylabel;
    texts[3] = o->vlabel;
    for (k = 0; k < 4; k++)
        if (texts[k] != NULL && !draw_utf8_valid(texts[k]))
        {
            char q[ERR_QUOTE_SIZE];
            err_quote(q, sizeof(q), texts[k], strlen(texts[k]));
            return err_set(e, CPWL_ERR_INPUT, "picture %s %s is not valid "
                           "UTF-8", names[k], q);
        }
    if (o->colour == DRAW_BY_VALUE && (o->output < 0 || o->output >= R->m))
        return err_set(e, CPWL_ERR_INPUT, "cannot colour by output %ld: the "
                       "network has %ld output%s", (long) o->output,
                       (long) R->m, R->m == 1 ? "" : "s");
    for (i = 0; i < R->ncells; i++)
    {
        const regions_cell_struct *c = R->cells + i;
        if (c->nverts < 0)
            return err_set(e, CPWL_ERR_INTERNAL, "draw: cell %ld has no "
                           "vertices (regions_opts.verts not set)", (long) i);
        if (o->colour == DRAW_BY_LINEAR && c->linear < 0)
            return err_set(e, CPWL_ERR_INTERNAL, "draw: cell %ld has no "
                           "linear region (regions_opts.linear not set)",
                           (long) i);
        if (o->colour == DRAW_BY_VALUE
            && (c->grad == NULL || c->offset == NULL))
            return err_set(e, CPWL_ERR_INTERNAL, "draw: cell %ld has no "
                           "affine map (regions_opts.maps not set)", (long) i);
    }
    return CPWL_OK;
}

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
