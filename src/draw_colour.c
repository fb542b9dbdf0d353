/* Pictures of 2-D activation regions: the colours (the viridis colormap,
   the qualitative palette in OKLCH) and their choice, so that neighbouring
   cells differ (see cpwl/draw.h). */
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
   Colours
   ------------------------------------------------------------------------ */

/* Every fifth of matplotlib's 256 viridis entries (CC0): linear
   interpolation between them is within 1/255 of the full table. */
const double draw_viridis[DRAW_VIRIDIS_N][3] = {
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

void cpwl_draw_colormap_rgb(double rgb[3], double t)
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

void cpwl_draw_palette_rgb(double rgb[3], slong k)
{
    double h, l, kd;

    if (k < 0)
    {
        rgb[0] = rgb[1] = rgb[2] = 0.8;
        return;
    }
    if (k < CPWL_DRAW_PALETTE_K)
    {
        /* Hues evenly apart, taken three steps at a time so that
           consecutive indices differ most, lightness alternating between
           neighbouring hues: every two are clearly apart. */
        slong j = (3 * k) % CPWL_DRAW_PALETTE_K;
        draw_oklch_rgb(rgb, j % 2 == 0 ? 0.75 : 0.87, 0.11,
                       0.62 + (double) j / CPWL_DRAW_PALETTE_K);
        return;
    }
    kd = (double) k;
    h = fmod(0.62 + kd * DRAW_R2_A1, 1.0);
    l = fmod(0.30 + kd * DRAW_R2_A2, 1.0);
    draw_oklch_rgb(rgb, 0.70 + 0.19 * l, 0.115, h);
}

/* ------------------------------------------------------------------------
   Neighbours and the choice of colours
   ------------------------------------------------------------------------ */

/* A proper colouring of the units (the cells, or with CPWL_DRAW_BY_LINEAR the
   linear regions) whose neighbours are given by pairs (cells sharing an
   edge): greedy in the order of the units, each taking among the first
   CPWL_DRAW_PALETTE_K palette colours not used by a neighbour already coloured
   the one used least so far (the smallest index on a tie), which spreads
   the colours; a unit whose neighbours hold all of them takes the
   smallest free index beyond.  Returns the palette index of every cell
   (-1 for a cell without a linear region) in a new array. */
slong *draw_palette_indices(const cpwl_regions_t R, const cpwl_draw_opts *o,
                            const slong *pairs, slong npairs)
{
    slong n = R->ncells, U, i, k, nu = 0, maxdeg = 0, *up, *start, *fill;
    slong *adj, *upal, count[CPWL_DRAW_PALETTE_K];
    slong *pal = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    unsigned char *taken;
    int linear = o->colour == CPWL_DRAW_BY_LINEAR;

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
        if (ua != ub && ua >= 0 && ub >= 0)
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
    {
        maxdeg = FLINT_MAX(maxdeg, start[i + 1]);
        start[i + 1] += start[i];
    }
    fill = flint_malloc(FLINT_MAX(U, 1) * sizeof(slong));
    adj = flint_malloc(FLINT_MAX(start[U], 1) * sizeof(slong));
    memcpy(fill, start, U * sizeof(slong));
    for (k = 0; k < nu; k++)
    {
        adj[fill[up[2 * k]]++] = up[2 * k + 1];
        adj[fill[up[2 * k + 1]]++] = up[2 * k];
    }

    /* A colour beyond the first K is at most K + (neighbours). */
    taken = flint_calloc(CPWL_DRAW_PALETTE_K + maxdeg + 1, 1);
    upal = flint_malloc(FLINT_MAX(U, 1) * sizeof(slong));
    for (k = 0; k < CPWL_DRAW_PALETTE_K; k++)
        count[k] = 0;
    for (i = 0; i < U; i++)
    {
        slong best = -1;

        for (k = start[i]; k < start[i + 1]; k++)
            if (adj[k] < i)
                taken[upal[adj[k]]] = 1;
        for (k = 0; k < CPWL_DRAW_PALETTE_K; k++)
            if (!taken[k] && (best < 0 || count[k] < count[best]))
                best = k;
        if (best < 0)
            for (best = CPWL_DRAW_PALETTE_K; taken[best]; best++)
                ;
        else
            count[best]++;
        upal[i] = best;
        for (k = start[i]; k < start[i + 1]; k++)
            if (adj[k] < i)
                taken[upal[adj[k]]] = 0;
    }
    for (i = 0; i < n; i++)
        pal[i] = linear ? (R->cells[i].linear >= 0
                           ? upal[R->cells[i].linear] : -1) : upal[i];
    flint_free(up);
    flint_free(start);
    flint_free(fill);
    flint_free(adj);
    flint_free(upal);
    flint_free(taken);
    return pal;
}

/* Output k of cell c in double: value = g . x + c0. */
void draw_cell_affine(double g[2], double *c0,
                      const cpwl_regions_cell_struct *c, slong k)
{
    g[0] = draw_get_d(c->grad + 2 * k);
    g[1] = draw_get_d(c->grad + 2 * k + 1);
    *c0 = draw_get_d(c->offset + k);
}

/* The colour range: min and max of the output over the visible corners
   (f is affine on each cell, so these are its extremes on the view). */
void draw_value_range(double *vmin, double *vmax, const cpwl_regions_t R,
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

