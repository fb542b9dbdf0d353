/* Tests for the pictures of 2-D regions (src/draw.c).

   The cells are built by hand for subdivisions whose geometry is known
   independently (the four quadrants, a square cut along its diagonal,
   strips and half-planes given by boundary points, a cone of nearly 180
   degrees); the PNG is read back and the pixel at a known interior point
   of each cell must have that cell's colour, the pixel on a known
   boundary must be dark, and with colouring by value the pixel must have
   the colormap's colour of the known function at that point. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include <cairo.h>
#include <flint/fmpq.h>
#include <flint/fmpq_vec.h>
#include "cpwl/draw.h"
#include "testutil.h"

/* Cairo stores 8 bits per channel. */
#define TOL (1.01 / 255)

/* ------------------------------------------------------------------------
   Helpers
   ------------------------------------------------------------------------ */

static char tmpdir[64];

static void tmp_setup(void)
{
    strcpy(tmpdir, "/tmp/cpwl_test_draw_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void tmp_remove(const char *name)
{
    char path[128];
    tmp_path(path, sizeof(path), name);
    remove(path);
}

static void tmp_teardown(void)
{
    rmdir(tmpdir);
}

/* A cell with vertices (vx[i], vy[i]) / den and rays (rx[j], ry[j]). */
static cpwl_regions_cell_struct *add_cell(cpwl_regions_t R, slong nv, const slong *vx,
                                          const slong *vy, slong den, slong nr,
                                          const slong *rx, const slong *ry)
{
    cpwl_regions_cell_struct *c = cpwl_regions_add_cell(R);
    slong i;

    c->nverts = nv;
    c->verts = _fmpq_vec_init(2 * nv);
    for (i = 0; i < nv; i++)
    {
        fmpq_set_si(c->verts + 2 * i, vx[i], (ulong) den);
        fmpq_set_si(c->verts + 2 * i + 1, vy[i], (ulong) den);
    }
    c->nrays = nr;
    c->rays = nr > 0 ? _fmpq_vec_init(2 * nr) : NULL;
    for (i = 0; i < nr; i++)
    {
        fmpq_set_si(c->rays + 2 * i, rx[i], 1);
        fmpq_set_si(c->rays + 2 * i + 1, ry[i], 1);
    }
    c->bounded = nr == 0;
    return c;
}

/* Output 0 of a one-output cell: g0 x + g1 y + off. */
static void set_map(cpwl_regions_cell_struct *c, slong g0, slong g1, slong off)
{
    c->grad = _fmpq_vec_init(2);
    c->offset = _fmpq_vec_init(1);
    fmpq_set_si(c->grad + 0, g0, 1);
    fmpq_set_si(c->grad + 1, g1, 1);
    fmpq_set_si(c->offset, off, 1);
}

/* The four open quadrants, counter-clockwise from (+, +): vertex (0, 0)
   and the two axis rays bounding each. */
static void quadrants(cpwl_regions_t R)
{
    static const slong o[1] = {0};
    static const slong rx[4][2] = {{1, 0}, {0, -1}, {-1, 0}, {0, 1}};
    static const slong ry[4][2] = {{0, 1}, {1, 0}, {0, -1}, {-1, 0}};
    int k;

    cpwl_regions_init(R, 2, 1, 2);
    for (k = 0; k < 4; k++)
        add_cell(R, 1, o, o, 1, 2, rx[k], ry[k]);
}

/* Interior points of the quadrants, in order. */
static const double quad_pt[4][2] = {{0.5, 0.5}, {-0.5, 0.5}, {-0.5, -0.5},
                                     {0.5, -0.5}};

typedef struct
{
    cairo_surface_t *s;
    int w, h;
}
png_struct;

/* Draw R into tmpdir/name as PNG and read it back. */
static void render_png(png_struct *img, cpwl_draw_layout_t L, const cpwl_regions_t R,
                       const cpwl_draw_opts *o, const char *name)
{
    char path[128];
    cpwl_err_t e;

    cpwl_err_init(e);
    tmp_path(path, sizeof(path), name);
    ck_assert_int_eq(cpwl_draw_layout(L, R, o, e), CPWL_OK);
    if (cpwl_draw_regions(path, CPWL_DRAW_PNG, R, o, e) != CPWL_OK)
        ck_abort_msg("draw_regions: %s", e->msg);
    img->s = cairo_image_surface_create_from_png(path);
    ck_assert_int_eq(cairo_surface_status(img->s), CAIRO_STATUS_SUCCESS);
    img->w = cairo_image_surface_get_width(img->s);
    img->h = cairo_image_surface_get_height(img->s);
    ck_assert_int_eq(img->w, L->width);
    ck_assert_int_eq(img->h, L->height);
    cpwl_err_clear(e);
}

static void png_clear(png_struct *img)
{
    cairo_surface_destroy(img->s);
}

/* The colour of pixel (i, j) (opaque: the background is white). */
static void pixel_rgb(double rgb[3], const png_struct *img, int i, int j)
{
    const unsigned char *data;
    uint32_t p;
    int stride;

    ck_assert(i >= 0 && i < img->w && j >= 0 && j < img->h);
    cairo_surface_flush(img->s);
    data = cairo_image_surface_get_data(img->s);
    stride = cairo_image_surface_get_stride(img->s);
    p = *(const uint32_t *) (data + (size_t) j * stride + 4 * (size_t) i);
    ck_assert_uint_eq(p >> 24, 255);
    rgb[0] = ((p >> 16) & 255) / 255.0;
    rgb[1] = ((p >> 8) & 255) / 255.0;
    rgb[2] = (p & 255) / 255.0;
}

/* The pixel under the domain point x. */
static void pixel_at(double rgb[3], const png_struct *img,
                     const cpwl_draw_layout_t L, const double x[2])
{
    double u[2];
    cpwl_draw_layout_to_device(u, L, x);
    pixel_rgb(rgb, img, (int) floor(u[0]), (int) floor(u[1]));
}

static double rgb_dist(const double a[3], const double b[3])
{
    return fmax(fabs(a[0] - b[0]), fmax(fabs(a[1] - b[1]), fabs(a[2] - b[2])));
}

static double rgb_lum(const double a[3])
{
    return (a[0] + a[1] + a[2]) / 3.0;
}

/* The darkest pixel within 2 pixels of the domain point x. */
static double darkest_near(const png_struct *img, const cpwl_draw_layout_t L,
                           const double x[2])
{
    double u[2], rgb[3], m = 1.0;
    int di, dj;

    cpwl_draw_layout_to_device(u, L, x);
    for (di = -2; di <= 2; di++)
        for (dj = -2; dj <= 2; dj++)
        {
            pixel_rgb(rgb, img, (int) floor(u[0]) + di, (int) floor(u[1]) + dj);
            m = fmin(m, rgb_lum(rgb));
        }
    return m;
}

/* The darker of the fills of cells i and j. */
static double fill_lum(const cpwl_regions_t R, const cpwl_draw_opts *o, slong i,
                       slong j)
{
    double a[3], b[3];
    cpwl_draw_cell_rgb(a, R, i, o);
    cpwl_draw_cell_rgb(b, R, j, o);
    return fmin(rgb_lum(a), rgb_lum(b));
}

/* Every cell's pixel at its interior point pt[i] has its colour. */
static void check_cells(const png_struct *img, const cpwl_draw_layout_t L,
                        const cpwl_regions_t R, const cpwl_draw_opts *o,
                        const double (*pt)[2])
{
    double want[3], got[3];
    slong i;

    for (i = 0; i < R->ncells; i++)
    {
        cpwl_draw_cell_rgb(want, R, i, o);
        pixel_at(got, img, L, pt[i]);
        ck_assert_msg(rgb_dist(want, got) <= TOL,
                      "cell %ld at (%g, %g): pixel (%g, %g, %g), colour "
                      "(%g, %g, %g)", (long) i, pt[i][0], pt[i][1], got[0],
                      got[1], got[2], want[0], want[1], want[2]);
    }
}

/* ------------------------------------------------------------------------
   Tests
   ------------------------------------------------------------------------ */

START_TEST(test_quadrants)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L;
    png_struct img;
    double lo[2], hi[2], a[3], b[3], u0[2], u1[2];
    double up[2] = {0.0, 0.5}, left[2] = {-0.5, 0.0};
    int i, j;

    tmp_setup();
    quadrants(R);
    cpwl_draw_opts_init(&o);
    o.width = 400;
    o.title = "Quadrants";

    /* Only the vertex (0, 0): at least [-1, 1]^2 around it. */
    cpwl_draw_view(lo, hi, R, &o);
    ck_assert(lo[0] == -1.0 && lo[1] == -1.0 && hi[0] == 1.0 && hi[1] == 1.0);

    render_png(&img, L, R, &o, "q.png");
    /* The plot lies inside the image, y points up, equal scales. */
    ck_assert(L->px0 >= 0 && L->px1 <= img.w && L->py0 >= 0 && L->py1 <= img.h);
    cpwl_draw_layout_to_device(u0, L, quad_pt[2]);
    cpwl_draw_layout_to_device(u1, L, quad_pt[0]);
    ck_assert(u1[0] > u0[0] && u1[1] < u0[1]);
    ck_assert(fabs((u1[0] - u0[0]) - (u0[1] - u1[1])) <= 1.0);
    ck_assert(u1[0] > 0.5 * img.w && u1[1] < 0.5 * img.h);

    check_cells(&img, L, R, &o, quad_pt);

    /* Neighbours visibly different, and all lighter than the lines. */
    for (i = 0; i < 4; i++)
        for (j = i + 1; j < 4; j++)
        {
            cpwl_draw_cell_rgb(a, R, i, &o);
            cpwl_draw_cell_rgb(b, R, j, &o);
            ck_assert_msg(rgb_dist(a, b) > 0.08, "cells %d, %d alike", i, j);
        }
    for (i = 0; i < 4; i++)
    {
        cpwl_draw_cell_rgb(a, R, i, &o);
        ck_assert(rgb_lum(a) > 0.5);
    }
    /* The boundaries are drawn: much darker than the fills beside. */
    ck_assert(darkest_near(&img, L, up) < fill_lum(R, &o, 0, 1) - 0.2);
    ck_assert(darkest_near(&img, L, left) < fill_lum(R, &o, 1, 2) - 0.2);

    png_clear(&img);
    cpwl_regions_clear(R);
    tmp_remove("q.png");
    tmp_teardown();
}
END_TEST

START_TEST(test_quadrants_view)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L;
    png_struct img;
    cpwl_err_t e;
    double lo[2], hi[2];
    static const double pt[4][2] = {{2.0, 1.0}, {-0.5, 1.5}, {-0.5, -1.5},
                                    {2.5, -0.25}};

    tmp_setup();
    cpwl_err_init(e);
    quadrants(R);
    cpwl_draw_opts_init(&o);
    o.width = 360;
    ck_assert_int_eq(cpwl_draw_opts_set_view_str(&o, "-1:3,-2:2", e), CPWL_OK);
    cpwl_draw_view(lo, hi, R, &o);
    ck_assert(lo[0] == -1.0 && hi[0] == 3.0 && lo[1] == -2.0 && hi[1] == 2.0);

    render_png(&img, L, R, &o, "v.png");
    check_cells(&img, L, R, &o, pt);

    png_clear(&img);
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    tmp_remove("v.png");
    tmp_teardown();
}
END_TEST

START_TEST(test_linear)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L;
    png_struct img;
    double a[3], b[3], same, diff;
    double q12[2] = {0.0, 0.5}, q34[2] = {0.0, -0.5};
    double q14[2] = {0.5, 0.0}, q23[2] = {-0.5, 0.0};

    tmp_setup();
    quadrants(R);
    /* Quadrants 1 and 2 form one linear region. */
    R->cells[0].linear = 0;
    R->cells[1].linear = 0;
    R->cells[2].linear = 1;
    R->cells[3].linear = 2;
    R->nlinear = 3;
    cpwl_draw_opts_init(&o);
    o.width = 400;
    o.colour = CPWL_DRAW_BY_LINEAR;

    cpwl_draw_cell_rgb(a, R, 0, &o);
    cpwl_draw_cell_rgb(b, R, 1, &o);
    ck_assert(rgb_dist(a, b) == 0.0);
    cpwl_draw_cell_rgb(b, R, 2, &o);
    ck_assert(rgb_dist(a, b) > 0.08);

    render_png(&img, L, R, &o, "l.png");
    check_cells(&img, L, R, &o, quad_pt);
    pixel_at(a, &img, L, quad_pt[0]);
    pixel_at(b, &img, L, quad_pt[1]);
    ck_assert(rgb_dist(a, b) <= TOL);

    /* Dark lines between linear regions, a faint one inside. */
    same = darkest_near(&img, L, q12);
    diff = darkest_near(&img, L, q34);
    ck_assert_msg(diff < fill_lum(R, &o, 2, 3) - 0.2 && same > diff + 0.15,
                  "same %g, diff %g", same, diff);
    ck_assert(darkest_near(&img, L, q14) < fill_lum(R, &o, 0, 3) - 0.2);
    ck_assert(darkest_near(&img, L, q23) < fill_lum(R, &o, 1, 2) - 0.2);

    png_clear(&img);
    cpwl_regions_clear(R);
    tmp_remove("l.png");
    tmp_teardown();
}
END_TEST

/* The square [0, 2]^2 cut along its diagonal, f = max(x, y): x below the
   diagonal, y above. */
static void square(cpwl_regions_t R)
{
    static const slong x1[3] = {0, 2, 2}, y1[3] = {0, 0, 2};
    static const slong x2[3] = {0, 2, 0}, y2[3] = {0, 2, 2};

    cpwl_regions_init(R, 2, 1, 1);
    set_map(add_cell(R, 3, x1, y1, 1, 0, NULL, NULL), 1, 0, 0);
    set_map(add_cell(R, 3, x2, y2, 1, 0, NULL, NULL), 0, 1, 0);
}

START_TEST(test_square)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L;
    png_struct img;
    double lo[2], hi[2], x[2], u[2], want[3], got[3];
    static const double pt[2][2] = {{1.5, 0.5}, {0.5, 1.5}};
    int i, j, checked = 0;

    tmp_setup();
    square(R);
    cpwl_draw_opts_init(&o);
    o.width = 300;

    /* Bounded: the view is the square itself, unpadded. */
    cpwl_draw_view(lo, hi, R, &o);
    ck_assert(lo[0] == 0.0 && lo[1] == 0.0 && hi[0] == 2.0 && hi[1] == 2.0);
    render_png(&img, L, R, &o, "s.png");
    check_cells(&img, L, R, &o, pt);
    png_clear(&img);

    /* By value: every pixel well inside a triangle has the colormap's
       colour of max(x, y) at its centre, over the range [0, 2]. */
    o.colour = CPWL_DRAW_BY_VALUE;
    o.vlabel = "f";
    render_png(&img, L, R, &o, "s.png");
    ck_assert(L->vmin == 0.0 && L->vmax == 2.0);
    for (i = (int) L->px0 + 3; i < (int) L->px1 - 3; i += 7)
        for (j = (int) L->py0 + 3; j < (int) L->py1 - 3; j += 7)
        {
            u[0] = i + 0.5;
            u[1] = j + 0.5;
            cpwl_draw_layout_to_domain(x, L, u);
            /* 4 pixels off the diagonal, where the boundary line is. */
            if (fabs(x[0] - x[1]) * (L->px1 - L->px0) / 2.0 < 4.0)
                continue;
            cpwl_draw_value_rgb(want, L, fmax(x[0], x[1]));
            pixel_rgb(got, &img, i, j);
            ck_assert_msg(rgb_dist(want, got) <= 2.01 / 255,
                          "pixel (%d, %d) at (%g, %g): (%g, %g, %g), "
                          "want (%g, %g, %g)", i, j, x[0], x[1], got[0],
                          got[1], got[2], want[0], want[1], want[2]);
            checked++;
        }
    ck_assert(checked > 100);
    /* The colour bar: bottom to top from the low to the high end. */
    ck_assert(L->bar[0] > L->px1 && L->bar[2] < img.w);
    for (i = 1; i < 4; i++)
    {
        double t = i / 4.0;
        cpwl_draw_colormap_rgb(want, t);
        pixel_rgb(got, &img, (int) floor(0.5 * (L->bar[0] + L->bar[2])),
                  (int) floor(L->bar[3] - t * (L->bar[3] - L->bar[1])));
        ck_assert(rgb_dist(want, got) <= 3.01 / 255);
    }
    /* cpwl_draw_cell_rgb: the colour at the mean of the corners. */
    cpwl_draw_cell_rgb(want, R, 0, &o);
    cpwl_draw_colormap_rgb(got, (4.0 / 3) / 2);
    ck_assert(rgb_dist(want, got) < 1e-12);
    png_clear(&img);

    cpwl_regions_clear(R);
    tmp_remove("s.png");
    tmp_teardown();
}
END_TEST

/* Cells with no vertex get points of their boundary lines: y < 0, the
   strip 0 < y < 1 and y > 1. */
START_TEST(test_strips)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L;
    png_struct img;
    double lo[2], hi[2];
    static const slong z[2] = {0, 0}, zy[2] = {0, 1}, one[1] = {1};
    static const slong hx[3] = {1, -1, 0}, hy_lo[3] = {0, 0, -1},
        hy_hi[3] = {0, 0, 1}, sx[2] = {1, -1}, sy[2] = {0, 0};
    static const double pt[3][2] = {{-0.4, -0.05}, {0.5, 0.5}, {0.3, 1.05}};

    tmp_setup();
    cpwl_regions_init(R, 2, 1, 2);
    add_cell(R, 1, z, z, 1, 3, hx, hy_lo);
    add_cell(R, 2, z, zy, 1, 2, sx, sy);
    add_cell(R, 1, z, one, 1, 3, hx, hy_hi);
    cpwl_draw_opts_init(&o);
    o.width = 320;

    /* Points (0, 0), (0, 1): E = 1, a margin of 1/10, a square of side
       6/5 around (0, 1/2). */
    cpwl_draw_view(lo, hi, R, &o);
    ck_assert(fabs(lo[0] + 0.6) < 1e-12 && fabs(hi[0] - 0.6) < 1e-12);
    ck_assert(fabs(lo[1] + 0.1) < 1e-12 && fabs(hi[1] - 1.1) < 1e-12);

    render_png(&img, L, R, &o, "t.png");
    check_cells(&img, L, R, &o, pt);
    png_clear(&img);
    cpwl_regions_clear(R);
    tmp_remove("t.png");
    tmp_teardown();
}
END_TEST

/* A cone of nearly 180 degrees (rays (1, 0) and (-1000, 1)) and the two
   cones below it: truncating the rays at any fixed length would cut the
   first one short. */
START_TEST(test_wide_cone)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L;
    png_struct img;
    cpwl_err_t e;
    static const slong z[1] = {0};
    static const slong ax[2] = {1, -1000}, ay[2] = {0, 1};
    static const slong bx[2] = {-1000, 0}, by[2] = {1, -1};
    static const slong cx[2] = {0, 1}, cy[2] = {-1, 0};
    static const double pt[3][2] = {{-90.0, 30.0}, {-50.0, -40.0},
                                    {50.0, -40.0}};

    tmp_setup();
    cpwl_err_init(e);
    cpwl_regions_init(R, 2, 1, 2);
    add_cell(R, 1, z, z, 1, 2, ax, ay);
    add_cell(R, 1, z, z, 1, 2, bx, by);
    add_cell(R, 1, z, z, 1, 2, cx, cy);
    cpwl_draw_opts_init(&o);
    o.width = 320;
    ck_assert_int_eq(cpwl_draw_opts_set_view_str(&o, "-100:100,-100:100", e),
                     CPWL_OK);
    render_png(&img, L, R, &o, "w.png");
    check_cells(&img, L, R, &o, pt);
    png_clear(&img);
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    tmp_remove("w.png");
    tmp_teardown();
}
END_TEST

/* The legend: drawn under the plot of R^2 (dark text pixels in its line),
   left out on request, where the picture is shorter. */
START_TEST(test_legend)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L, L0;
    png_struct img;
    double rgb[3], dark = 1.0;
    int i, j, h;

    tmp_setup();
    quadrants(R);
    cpwl_draw_opts_init(&o);
    o.width = 400;
    render_png(&img, L, R, &o, "g.png");
    ck_assert(L->legend_font > 0.0 && L->legend_y > L->py1
              && L->legend_y <= img.h);
    for (j = (int) (L->legend_y - L->legend_font); j < (int) L->legend_y;
         j++)
        for (i = 0; i < img.w; i++)
        {
            pixel_rgb(rgb, &img, i, j);
            dark = fmin(dark, rgb_lum(rgb));
        }
    ck_assert_msg(dark < 0.3, "no text in the legend's line (%g)", dark);
    h = img.h;
    png_clear(&img);

    o.legend = 0;
    render_png(&img, L0, R, &o, "g.png");
    ck_assert(L0->legend_font == 0.0 && img.h < h);
    ck_assert(fabs((L0->py1 - L0->py0) - (L->py1 - L->py0)) <= 1.0);
    png_clear(&img);
    cpwl_regions_clear(R);
    tmp_remove("g.png");
    tmp_teardown();
}
END_TEST

START_TEST(test_layout)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L;
    cpwl_err_t e;
    double x[2] = {1.0, -1.0}, u[2], y[2];

    cpwl_err_init(e);
    quadrants(R);
    cpwl_draw_opts_init(&o);

    /* A fixed size: equal scales, so the square view gets a square plot
       inside the image. */
    o.width = 500;
    o.height = 300;
    ck_assert_int_eq(cpwl_draw_layout(L, R, &o, e), CPWL_OK);
    ck_assert(L->width == 500 && L->height == 300);
    ck_assert(fabs((L->px1 - L->px0) - (L->py1 - L->py0)) <= 1.0);
    ck_assert(L->px0 >= 0 && L->px1 <= 500 && L->py0 >= 0 && L->py1 <= 300);
    cpwl_draw_layout_to_device(u, L, x);
    ck_assert(u[0] == L->px1 && u[1] == L->py1);
    cpwl_draw_layout_to_domain(y, L, u);
    ck_assert(fabs(y[0] - x[0]) < 1e-12 && fabs(y[1] - x[1]) < 1e-12);

    /* Without equal scales the plot takes the room it has. */
    o.equal_axes = 0;
    ck_assert_int_eq(cpwl_draw_layout(L, R, &o, e), CPWL_OK);
    ck_assert(L->px1 - L->px0 > L->py1 - L->py0 + 100);

    /* A wide view with the height left free: a wide image. */
    cpwl_draw_opts_init(&o);
    o.width = 600;
    ck_assert_int_eq(cpwl_draw_opts_set_view_str(&o, "0:4,0:1", e), CPWL_OK);
    ck_assert_int_eq(cpwl_draw_layout(L, R, &o, e), CPWL_OK);
    ck_assert(fabs((L->px1 - L->px0) - 4.0 * (L->py1 - L->py0)) <= 4.0);
    ck_assert(L->height < 300);

    /* Too small for the labels. */
    o.width = 64;
    o.height = 64;
    ck_assert_int_eq(cpwl_draw_layout(L, R, &o, e), CPWL_OK);
    o.colour = CPWL_DRAW_BY_VALUE;
    cpwl_regions_clear(R);
    square(R);
    ck_assert_int_eq(cpwl_draw_layout(L, R, &o, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "too small"));

    cpwl_regions_clear(R);
    cpwl_err_clear(e);
}
END_TEST

/* A convex 40-gon (more vertices than are tried in all pairs: its order is
   used) and a 20-gon given in scrambled order (all pairs tried). */
START_TEST(test_polygons)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_layout_t L;
    png_struct img;
    slong vx[40], vy[40], k, n;
    double want[3], got[3], x[2];
    static const double white[3] = {1.0, 1.0, 1.0};

    tmp_setup();
    for (n = 20; n <= 40; n += 20)
    {
        cpwl_regions_init(R, 2, 1, 1);
        for (k = 0; k < n; k++)
        {
            /* 7 is prime to 20: a scrambled order for the 20-gon. */
            slong j = n == 20 ? (7 * k) % n : k;
            double a = 2 * 3.14159265358979 * j / n;
            vx[k] = (slong) floor(1000.0 * cos(a) + 0.5);
            vy[k] = (slong) floor(1000.0 * sin(a) + 0.5);
        }
        add_cell(R, n, vx, vy, 1, 0, NULL, NULL);
        cpwl_draw_opts_init(&o);
        o.width = 300;
        render_png(&img, L, R, &o, "p.png");
        ck_assert(L->lo[0] == -1000.0 && L->hi[0] == 1000.0);
        cpwl_draw_cell_rgb(want, R, 0, &o);
        for (k = 0; k < 8; k++)
        {
            /* Inside near the rim, and outside near the view's corners. */
            x[0] = 900.0 * cos(2 * 3.14159265358979 * (k + 0.3) / 8);
            x[1] = 900.0 * sin(2 * 3.14159265358979 * (k + 0.3) / 8);
            pixel_at(got, &img, L, x);
            ck_assert_msg(rgb_dist(want, got) <= TOL, "%ld-gon inside",
                          (long) n);
        }
        x[0] = x[1] = 960.0;
        pixel_at(got, &img, L, x);
        ck_assert(rgb_dist(white, got) <= TOL);
        x[0] = -960.0;
        pixel_at(got, &img, L, x);
        ck_assert(rgb_dist(white, got) <= TOL);
        png_clear(&img);
        cpwl_regions_clear(R);
    }
    tmp_remove("p.png");
    tmp_teardown();
}
END_TEST

START_TEST(test_svg)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_err_t e;
    char path[128], buf[4096];
    FILE *f;
    size_t n;

    tmp_setup();
    cpwl_err_init(e);
    quadrants(R);
    cpwl_draw_opts_init(&o);
    o.title = "Quadrants \xe2\x80\x94 R\xc2\xb2";
    o.xlabel = "x\xe2\x82\x81";
    o.ylabel = "x\xe2\x82\x82";
    tmp_path(path, sizeof(path), "q.svg");
    ck_assert_int_eq(cpwl_draw_regions(path, CPWL_DRAW_SVG, R, &o, e), CPWL_OK);
    f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    ck_assert(strncmp(buf, "<?xml", 5) == 0 || strncmp(buf, "<svg", 4) == 0);
    ck_assert_ptr_nonnull(strstr(buf, "<svg"));
    /* Complete: the document is closed at the end. */
    fseek(f, -16, SEEK_END);
    n = fread(buf, 1, 16, f);
    buf[n] = '\0';
    ck_assert_ptr_nonnull(strstr(buf, "</svg>"));
    fclose(f);
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    tmp_remove("q.svg");
    tmp_teardown();
}
END_TEST

/* A picture drawn from a computed info is the picture drawn without it,
   pixel for pixel (the CLI computes the info once for its report and every
   picture).  PNG: Cairo's SVG numbers its ids per process. */
static char *png_bytes(const cpwl_regions_t R, const cpwl_draw_opts *o,
                      const cpwl_draw_info_struct *I, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    cpwl_err_t e;
    cpwl_err_init(e);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(cpwl_draw_regions_file(f, "mem.png", CPWL_DRAW_PNG, R, o,
                                            I, e), CPWL_OK);
    fclose(f);
    return buf;
}

START_TEST(test_draw_from_info)
{
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_info_t I;
    cpwl_err_t e;
    char *a, *b;
    size_t na, nb;
    slong legend;
    cpwl_err_init(e);
    quadrants(R);
    for (legend = 0; legend < 2; legend++)
    {
        cpwl_draw_opts_init(&o);
        o.legend = (int) legend;
        cpwl_draw_info_init(I);
        ck_assert_int_eq(cpwl_draw_info_compute(I, R, &o, e), CPWL_OK);
        a = png_bytes(R, &o, NULL, &na);
        b = png_bytes(R, &o, I, &nb);
        ck_assert(na > 100);
        ck_assert(na == nb && memcmp(a, b, na) == 0);
        free(a);
        free(b);
        cpwl_draw_info_clear(I);
    }
    cpwl_regions_clear(R);
}
END_TEST

START_TEST(test_errors)
{
    cpwl_regions_t R, R3;
    cpwl_draw_opts o;
    cpwl_err_t e;

    quadrants(R);
    cpwl_draw_opts_init(&o);

    /* A file that cannot be written: an input error naming the path. */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_draw_regions("/nonexistent/dir/x.png", CPWL_DRAW_PNG, R, &o,
                                       e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "/nonexistent/dir/x.png"));
    cpwl_err_clear(e);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_draw_regions("/nonexistent/dir/x.svg", CPWL_DRAW_SVG, R, &o,
                                       e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "/nonexistent/dir/x.svg"));
    cpwl_err_clear(e);

    /* Colouring by linear region or value without the data: a bug of
       the caller. */
    cpwl_err_init(e);
    o.colour = CPWL_DRAW_BY_LINEAR;
    ck_assert_int_eq(cpwl_draw_regions("/nonexistent/x.png", CPWL_DRAW_PNG, R, &o, e),
                     CPWL_ERR_INTERNAL);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    o.colour = CPWL_DRAW_BY_VALUE;
    ck_assert_int_eq(cpwl_draw_regions("/nonexistent/x.png", CPWL_DRAW_PNG, R, &o, e),
                     CPWL_ERR_INTERNAL);
    cpwl_err_clear(e);

    /* User input that cannot be drawn. */
    cpwl_err_init(e);
    o.output = 1;
    ck_assert_int_eq(cpwl_draw_regions("/nonexistent/x.png", CPWL_DRAW_PNG, R, &o, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "output"));
    cpwl_err_clear(e);
    cpwl_draw_opts_init(&o);
    o.title = "bad \xff title";
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_draw_regions("/nonexistent/x.png", CPWL_DRAW_PNG, R, &o, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "UTF-8"));
    cpwl_err_clear(e);
    cpwl_draw_opts_init(&o);
    cpwl_regions_init(R3, 3, 1, 1);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_draw_regions("/nonexistent/x.png", CPWL_DRAW_PNG, R3, &o, e),
                     CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "2-D"));
    cpwl_err_clear(e);

    cpwl_regions_clear(R3);
    cpwl_regions_clear(R);
}
END_TEST

START_TEST(test_opts_parse)
{
    cpwl_draw_opts o;
    cpwl_err_t e;
    static const char *bad_size[] = {"10", "abc", "800x", "x800", "99999",
                                     "800x600x2", "", "-800", "800 "};
    static const char *bad_view[] = {"4:-4,0:1", "1:2", "a:b,c:d",
                                     "1:2,3:4,5:6", "1:1,0:1", "0:1:2,0:1",
                                     "0:1,", ",0:1", "0:1e99999,0:1"};
    size_t k;

    cpwl_draw_opts_init(&o);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_draw_opts_set_colour(&o, "linear", e), CPWL_OK);
    ck_assert_int_eq(o.colour, CPWL_DRAW_BY_LINEAR);
    ck_assert_int_eq(cpwl_draw_opts_set_colour(&o, "value", e), CPWL_OK);
    ck_assert_int_eq(o.colour, CPWL_DRAW_BY_VALUE);
    ck_assert_int_eq(cpwl_draw_opts_set_colour(&o, "region", e), CPWL_OK);
    ck_assert_int_eq(o.colour, CPWL_DRAW_BY_REGION);
    ck_assert_int_eq(cpwl_draw_opts_set_colour(&o, "rainbow", e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "\"rainbow\""));
    cpwl_err_clear(e);

    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_draw_opts_set_size_str(&o, "640", e), CPWL_OK);
    ck_assert(o.width == 640 && o.height == 0);
    ck_assert_int_eq(cpwl_draw_opts_set_size_str(&o, "800x600", e), CPWL_OK);
    ck_assert(o.width == 800 && o.height == 600);
    for (k = 0; k < sizeof(bad_size) / sizeof(bad_size[0]); k++)
    {
        cpwl_err_clear(e);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_draw_opts_set_size_str(&o, bad_size[k], e)
                      == CPWL_ERR_INPUT, "size \"%s\" accepted", bad_size[k]);
        ck_assert(strstr(e->msg, "`size`") != NULL);
        ck_assert(o.width == 800 && o.height == 600);
    }
    cpwl_err_clear(e);

    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_draw_opts_set_view_str(&o, "-1/2:3/4,-4:0x1p2", e),
                     CPWL_OK);
    ck_assert(o.have_view && o.lo[0] == -0.5 && o.hi[0] == 0.75
              && o.lo[1] == -4.0 && o.hi[1] == 4.0);
    for (k = 0; k < sizeof(bad_view) / sizeof(bad_view[0]); k++)
    {
        cpwl_err_clear(e);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_draw_opts_set_view_str(&o, bad_view[k], e)
                      == CPWL_ERR_INPUT, "view \"%s\" accepted", bad_view[k]);
        ck_assert(strstr(e->msg, "`view`") != NULL);
        ck_assert(o.lo[0] == -0.5 && o.hi[1] == 4.0);
    }
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_colours)
{
    double a[3], b[3];
    slong i, j;
    int c;

    /* Palette colours in range; the first CPWL_DRAW_PALETTE_K, which the
       colouring uses, pairwise clearly apart; beyond, any 8 consecutive
       ones apart. */
    for (i = 0; i < CPWL_DRAW_PALETTE_K; i++)
        for (j = i + 1; j < CPWL_DRAW_PALETTE_K; j++)
        {
            cpwl_draw_palette_rgb(a, i);
            cpwl_draw_palette_rgb(b, j);
            ck_assert_msg(rgb_dist(a, b) > 0.1, "palette %ld, %ld alike",
                          (long) i, (long) j);
        }
    for (i = 0; i < 200; i++)
    {
        cpwl_draw_palette_rgb(a, i);
        for (c = 0; c < 3; c++)
            ck_assert(a[c] >= 0.0 && a[c] <= 1.0);
        for (j = i + 1; i >= CPWL_DRAW_PALETTE_K && j < i + 8; j++)
        {
            cpwl_draw_palette_rgb(b, j);
            ck_assert_msg(rgb_dist(a, b) > 0.06, "palette %ld, %ld alike",
                          (long) i, (long) j);
        }
    }
    /* viridis ends and middle (matplotlib's entries 0, 255 and 127/128). */
    cpwl_draw_colormap_rgb(a, 0.0);
    ck_assert(fabs(a[0] - 0.267004) < 1e-9 && fabs(a[2] - 0.329415) < 1e-9);
    cpwl_draw_colormap_rgb(a, 1.0);
    ck_assert(fabs(a[0] - 0.993248) < 1e-9 && fabs(a[1] - 0.906157) < 1e-9);
    cpwl_draw_colormap_rgb(a, 2.0);
    ck_assert(fabs(a[0] - 0.993248) < 1e-9);
    cpwl_draw_colormap_rgb(a, 0.5);
    ck_assert(fabs(a[0] - 0.128729) < 0.002 && fabs(a[1] - 0.563265) < 0.002
              && fabs(a[2] - 0.551229) < 0.002);
}
END_TEST

static Suite *draw_suite(void)
{
    Suite *s = suite_create("draw");
    TCase *tc = tcase_create("draw");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_quadrants);
    tcase_add_test(tc, test_quadrants_view);
    tcase_add_test(tc, test_linear);
    tcase_add_test(tc, test_square);
    tcase_add_test(tc, test_strips);
    tcase_add_test(tc, test_wide_cone);
    tcase_add_test(tc, test_polygons);
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_legend);
    tcase_add_test(tc, test_svg);
    tcase_add_test(tc, test_draw_from_info);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_opts_parse);
    tcase_add_test(tc, test_colours);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(draw_suite());
}
