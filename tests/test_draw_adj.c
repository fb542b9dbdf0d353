/* Tests of what pictures decide exactly (src/draw_adj.c, draw_info):
   which cells are neighbours, the colouring, the default view of R^2 and
   the legend's counts, on the regions of real networks.

   The neighbours are found here by two computations of their own, not
   draw's (which selects supporting lines and matches facets on them):
     - for one hidden layer, in closed form from the patterns: two cells
       share an edge iff the neurons whose states differ all have one
       zero line (crossing a point of a shared edge off every other line
       flips exactly the neurons of that line, and conversely the cells
       with all other states fixed form a convex set that the line cuts
       in two);
     - for any net, by walking each cell's boundary in the documented
       counter-clockwise vertex order (edges between consecutive
       vertices, the extreme rays at the ends) and matching collinear
       edges that overlap. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <flint/fmpq.h>
#include <flint/fmpq_vec.h>
#include "cpwl.h"
#include "testutil.h"

/* ------------------------------------------------------------------------
   Regions of a net on R^2
   ------------------------------------------------------------------------ */

static void regions_of(cpwl_regions_t R, const cpwl_net_t net, int linear)
{
    cpwl_dom_t D;
    cpwl_regions_opts opts;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;

    cpwl_err_init(e);
    cpwl_dom_init(D);
    test_dom_str(D, 2, NULL, NULL, NULL);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&opts, ctx);
    opts.verts = 1;
    opts.points = 1;
    opts.linear = linear;
    cpwl_regions_init(R, 2, cpwl_net_output_dim(net), cpwl_net_num_states(net));
    if (cpwl_regions_compute(R, net, D, &opts, e) != CPWL_OK)
        ck_abort_msg("regions: %s", e->msg);
    ck_assert(!R->stopped);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
}

/* One hidden relu layer with rows (a, b) of A (m x 3: a0, a1, b) and
   output weights 1, 2, ..., m. */
static void one_layer_net(cpwl_net_t net, slong m, const fmpq *A)
{
    cpwl_net_layer_struct *L;
    slong i;

    cpwl_net_clear(net);
    cpwl_net_init(net, 2);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, m);
    for (i = 0; i < m; i++)
    {
        fmpq_set(fmpq_mat_entry(L->W, i, 0), A + 3 * i);
        fmpq_set(fmpq_mat_entry(L->W, i, 1), A + 3 * i + 1);
        fmpq_set(L->b + i, A + 3 * i + 2);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (i = 0; i < m; i++)
        fmpq_set_si(fmpq_mat_entry(L->W, 0, i), i + 1, 1);
    cpwl_net_prepare(net);
}

/* ------------------------------------------------------------------------
   Pair lists
   ------------------------------------------------------------------------ */

typedef struct
{
    slong n, alloc;
    slong *p;
}
pairs_struct;

static void pairs_init(pairs_struct *P)
{
    P->n = 0;
    P->alloc = 16;
    P->p = flint_malloc(2 * P->alloc * sizeof(slong));
}

static void pairs_add(pairs_struct *P, slong i, slong j)
{
    if (P->n == P->alloc)
    {
        P->alloc *= 2;
        P->p = flint_realloc(P->p, 2 * P->alloc * sizeof(slong));
    }
    P->p[2 * P->n] = i;
    P->p[2 * P->n + 1] = j;
    P->n++;
}

static void pairs_clear(pairs_struct *P)
{
    flint_free(P->p);
}

/* The expected pairs (i < j in lexicographic order) equal draw's. */
static void check_pairs(const pairs_struct *P, const cpwl_draw_info_t I,
                        const char *what)
{
    slong k;

    for (k = 0; k < P->n && k < I->npairs; k++)
        if (P->p[2 * k] != I->pairs[2 * k]
            || P->p[2 * k + 1] != I->pairs[2 * k + 1])
            break;
    ck_assert_msg(P->n == I->npairs && k == P->n, "%s: %ld pairs expected, "
                  "draw has %ld; first difference at %ld: (%ld, %ld) vs "
                  "(%ld, %ld)", what, (long) P->n, (long) I->npairs, (long) k,
                  k < P->n ? (long) P->p[2 * k] : -1L,
                  k < P->n ? (long) P->p[2 * k + 1] : -1L,
                  k < I->npairs ? (long) I->pairs[2 * k] : -1L,
                  k < I->npairs ? (long) I->pairs[2 * k + 1] : -1L);
}

/* ------------------------------------------------------------------------
   Neighbours from the patterns (one hidden layer)
   ------------------------------------------------------------------------ */

/* Whether rows k and l of A (a0, a1, b) are proportional: one line. */
static int same_line(const fmpq *A, slong k, slong l)
{
    fmpq_t s, t;
    int i, j, ok = 1;

    fmpq_init(s);
    fmpq_init(t);
    for (i = 0; i < 3 && ok; i++)
        for (j = i + 1; j < 3 && ok; j++)
        {
            fmpq_mul(s, A + 3 * k + i, A + 3 * l + j);
            fmpq_mul(t, A + 3 * k + j, A + 3 * l + i);
            ok = fmpq_equal(s, t);
        }
    fmpq_clear(s);
    fmpq_clear(t);
    return ok;
}

static void pattern_pairs(pairs_struct *P, const cpwl_regions_t R, slong m,
                          const fmpq *A)
{
    slong i, j, k, first;
    int ok;

    for (i = 0; i < R->ncells; i++)
        for (j = i + 1; j < R->ncells; j++)
        {
            first = -1;
            ok = 1;
            for (k = 0; k < m && ok; k++)
                if (R->cells[i].state[k] != R->cells[j].state[k])
                {
                    if (first < 0)
                        first = k;
                    else
                        ok = same_line(A, first, k);
                }
            if (ok && first >= 0)
                pairs_add(P, i, j);
        }
}

/* ------------------------------------------------------------------------
   Neighbours by walking the boundaries
   ------------------------------------------------------------------------ */

/* An edge: p + s d for s in [0, 1] (kind 0), s >= 0 (kind 1) or all s
   (kind 2). */
typedef struct
{
    const fmpq *p;
    fmpq d[2];
    int kind;
}
edge_struct;

static int cross_sgn(const fmpq *a, const fmpq *b)
{
    fmpq_t s, t;
    int r;

    fmpq_init(s);
    fmpq_init(t);
    fmpq_mul(s, a + 0, b + 1);
    fmpq_mul(t, a + 1, b + 0);
    r = fmpq_cmp(s, t);
    fmpq_clear(s);
    fmpq_clear(t);
    return r;
}

static void dot(fmpq_t r, const fmpq *a, const fmpq *b)
{
    fmpq_t t;
    fmpq_init(t);
    fmpq_mul(r, a + 0, b + 0);
    fmpq_mul(t, a + 1, b + 1);
    fmpq_add(r, r, t);
    fmpq_clear(t);
}

static void sub2(fmpq *r, const fmpq *a, const fmpq *b)
{
    fmpq_sub(r + 0, a + 0, b + 0);
    fmpq_sub(r + 1, a + 1, b + 1);
}

static void edge_set(edge_struct *E, const fmpq *p, const fmpq *d, int kind)
{
    E->p = p;
    fmpq_init(E->d + 0);
    fmpq_init(E->d + 1);
    fmpq_set(E->d + 0, d + 0);
    fmpq_set(E->d + 1, d + 1);
    E->kind = kind;
}

/* The vertex where a boundary ray r leaves (out = 1: the cell on the
   left of r) or arrives (out = 0: on the left of -r): the one with every
   vertex on the cell's side of the line, farthest along r among those on
   it. */
static slong ray_vertex(const cpwl_regions_cell_struct *c, const fmpq *r, int out)
{
    fmpq *w = _fmpq_vec_init(2);
    fmpq_t a, b;
    slong v, u, best = -1;

    fmpq_init(a);
    fmpq_init(b);
    for (v = 0; v < c->nverts; v++)
    {
        int ok = 1;
        for (u = 0; u < c->nverts && ok; u++)
        {
            int s;
            sub2(w, c->verts + 2 * u, c->verts + 2 * v);
            s = cross_sgn(r, w);
            ok = out ? s >= 0 : s <= 0;
        }
        if (!ok)
            continue;
        dot(a, c->verts + 2 * v, r);
        if (best >= 0)
            dot(b, c->verts + 2 * best, r);
        if (best < 0 || fmpq_cmp(a, b) > 0)
            best = v;
    }
    ck_assert(best >= 0);
    _fmpq_vec_clear(w, 2);
    fmpq_clear(a);
    fmpq_clear(b);
    return best;
}

/* The edges of cell c into a new array; returns their number. */
static slong cell_edges(edge_struct **out, const cpwl_regions_cell_struct *c)
{
    slong n = c->nverts, k, j, ne = 0, rin = -1, rout = -1, vf, vl;
    edge_struct *E = flint_malloc((n + 2 * c->nrays + 2) * sizeof(edge_struct));
    fmpq *d = _fmpq_vec_init(2), *nr = _fmpq_vec_init(2);

    *out = E;
    if (c->nrays == 0)
    {
        for (k = 0; k < n; k++)
        {
            sub2(d, c->verts + 2 * ((k + 1) % n), c->verts + 2 * k);
            edge_set(E + ne++, c->verts + 2 * k, d, 0);
        }
        goto done;
    }
    /* A line inside the recession cone (r and -r): a strip or a
       half-plane, whose boundary lines pass through its points. */
    for (k = 0; k < c->nrays; k++)
        for (j = 0; j < c->nrays; j++)
        {
            fmpq_neg(nr + 0, c->rays + 2 * j);
            fmpq_neg(nr + 1, c->rays + 2 * j + 1);
            if (fmpq_equal(nr + 0, c->rays + 2 * k)
                && fmpq_equal(nr + 1, c->rays + 2 * k + 1))
                rin = k;
        }
    if (rin >= 0)
    {
        for (k = 0; k < n; k++)
            edge_set(E + ne++, c->verts + 2 * k, c->rays + 2 * rin, 2);
        goto done;
    }
    /* The extreme rays: every ray on the left of r_out, on the right of
       r_in. */
    for (k = 0; k < c->nrays; k++)
    {
        int left = 1, right = 1;
        for (j = 0; j < c->nrays; j++)
        {
            int s = cross_sgn(c->rays + 2 * k, c->rays + 2 * j);
            left &= s >= 0;
            right &= s <= 0;
        }
        if (left)
            rout = k;
        if (right)
            rin = k;
    }
    ck_assert(rin >= 0 && rout >= 0);
    vf = ray_vertex(c, c->rays + 2 * rin, 0);
    vl = ray_vertex(c, c->rays + 2 * rout, 1);
    fmpq_neg(nr + 0, c->rays + 2 * rin);
    fmpq_neg(nr + 1, c->rays + 2 * rin + 1);
    edge_set(E + ne++, c->verts + 2 * vf, c->rays + 2 * rin, 1);
    edge_set(E + ne++, c->verts + 2 * vl, c->rays + 2 * rout, 1);
    for (k = vf; k != vl; k = (k + 1) % n)
    {
        sub2(d, c->verts + 2 * ((k + 1) % n), c->verts + 2 * k);
        edge_set(E + ne++, c->verts + 2 * k, d, 0);
    }
done:
    _fmpq_vec_clear(d, 2);
    _fmpq_vec_clear(nr, 2);
    return ne;
}

static void edges_clear(edge_struct *E, slong ne)
{
    slong k;
    for (k = 0; k < ne; k++)
    {
        fmpq_clear(E[k].d + 0);
        fmpq_clear(E[k].d + 1);
    }
    flint_free(E);
}

/* The interval of edge f in the parameter t(x) = (x - p).d of edge e's
   line: [lo, hi] with lo_inf / hi_inf for infinite ends. */
typedef struct
{
    fmpq_t lo, hi;
    int lo_inf, hi_inf;
}
ival_struct;

static void edge_ival(ival_struct *J, const edge_struct *e,
                      const edge_struct *f)
{
    fmpq *w = _fmpq_vec_init(2);
    fmpq_t a, b;

    fmpq_init(a);
    fmpq_init(b);
    sub2(w, f->p, e->p);
    dot(a, w, e->d);
    dot(b, f->d, e->d);
    J->lo_inf = J->hi_inf = 0;
    if (f->kind == 2)
        J->lo_inf = J->hi_inf = 1;
    else if (f->kind == 1)
    {
        fmpq_set(J->lo, a);
        fmpq_set(J->hi, a);
        if (fmpq_sgn(b) > 0)
            J->hi_inf = 1;
        else
            J->lo_inf = 1;
    }
    else
    {
        fmpq_add(b, a, b);
        fmpq_set(J->lo, fmpq_cmp(a, b) < 0 ? a : b);
        fmpq_set(J->hi, fmpq_cmp(a, b) < 0 ? b : a);
    }
    _fmpq_vec_clear(w, 2);
    fmpq_clear(a);
    fmpq_clear(b);
}

/* Whether edges e and f lie on one line and overlap in positive length. */
static int edges_overlap(const edge_struct *e, const edge_struct *f)
{
    fmpq *w = _fmpq_vec_init(2);
    ival_struct A, B;
    int r = 0;

    sub2(w, f->p, e->p);
    if (cross_sgn(e->d, f->d) == 0 && cross_sgn(e->d, w) == 0)
    {
        fmpq_init(A.lo);
        fmpq_init(A.hi);
        fmpq_init(B.lo);
        fmpq_init(B.hi);
        edge_ival(&A, e, e);
        edge_ival(&B, e, f);
        /* max(lo) < min(hi) */
        r = (A.lo_inf || B.hi_inf || fmpq_cmp(A.lo, B.hi) < 0)
            && (B.lo_inf || A.hi_inf || fmpq_cmp(B.lo, A.hi) < 0);
        fmpq_clear(A.lo);
        fmpq_clear(A.hi);
        fmpq_clear(B.lo);
        fmpq_clear(B.hi);
    }
    _fmpq_vec_clear(w, 2);
    return r;
}

static void walk_pairs(pairs_struct *P, const cpwl_regions_t R)
{
    slong n = R->ncells, i, j, a, b, *ne = flint_malloc(n * sizeof(slong));
    edge_struct **E = flint_malloc(n * sizeof(edge_struct *));
    int adj;

    for (i = 0; i < n; i++)
        ne[i] = cell_edges(E + i, R->cells + i);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
        {
            adj = 0;
            for (a = 0; a < ne[i] && !adj; a++)
                for (b = 0; b < ne[j] && !adj; b++)
                    adj = edges_overlap(E[i] + a, E[j] + b);
            if (adj)
                pairs_add(P, i, j);
        }
    for (i = 0; i < n; i++)
        edges_clear(E[i], ne[i]);
    flint_free(E);
    flint_free(ne);
}

/* ------------------------------------------------------------------------
   The checks
   ------------------------------------------------------------------------ */

/* q = d exactly. */
static void q_set_d(fmpq_t q, double d)
{
    int e;
    double m = frexp(d, &e);
    fmpz_set_d(fmpq_numref(q), ldexp(m, 60));
    fmpz_one(fmpq_denref(q));
    if (e - 60 >= 0)
        fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q), (ulong) (e - 60));
    else
        fmpz_mul_2exp(fmpq_denref(q), fmpq_denref(q), (ulong) (60 - e));
    fmpq_canonicalise(q);
}

/* No two neighbours (pairs P) share a palette index or look alike. */
static void check_colouring(const pairs_struct *P, const cpwl_draw_info_t I,
                            const cpwl_regions_t R, int linear, const char *what)
{
    slong k;
    double a[3], b[3];

    ck_assert_ptr_nonnull(I->palette);
    for (k = 0; k < P->n; k++)
    {
        slong i = P->p[2 * k], j = P->p[2 * k + 1];
        if (linear && R->cells[i].linear == R->cells[j].linear)
        {
            ck_assert_msg(I->palette[i] == I->palette[j], "%s: cells %ld, "
                          "%ld of one linear region coloured apart", what,
                          (long) i, (long) j);
            continue;
        }
        ck_assert_msg(I->palette[i] != I->palette[j], "%s: neighbours %ld, "
                      "%ld share colour %ld", what, (long) i, (long) j,
                      (long) I->palette[i]);
        cpwl_draw_palette_rgb(a, I->palette[i]);
        cpwl_draw_palette_rgb(b, I->palette[j]);
        ck_assert(fabs(a[0] - b[0]) + fabs(a[1] - b[1]) + fabs(a[2] - b[2])
                  > 0.02);
    }
    /* A planar map: greedy colouring rarely needs more than the first
       colours; here it never should. */
    for (k = 0; k < R->ncells; k++)
        ck_assert(I->palette[k] >= 0 && I->palette[k] < CPWL_DRAW_PALETTE_K);
}

/* The default view of R^2: a square holding every exact vertex at least
   m = E / 10 (1 when E = 0) inside, E the longer side of the vertices'
   bounding box, and not larger than E + 2m beyond rounding. */
static void check_view(const cpwl_draw_info_t I, const cpwl_regions_t R)
{
    fmpq *lo = _fmpq_vec_init(2), *hi = _fmpq_vec_init(2);
    fmpq_t E, m, t, v;
    slong i, j, k;
    int any = 0;

    fmpq_init(E);
    fmpq_init(m);
    fmpq_init(t);
    fmpq_init(v);
    for (i = 0; i < R->ncells; i++)
        for (j = 0; j < R->cells[i].nverts; j++)
            for (k = 0; k < 2; k++)
            {
                const fmpq *x = R->cells[i].verts + 2 * j + k;
                if (!any || fmpq_cmp(x, lo + k) < 0)
                    fmpq_set(lo + k, x);
                if (!any || fmpq_cmp(x, hi + k) > 0)
                    fmpq_set(hi + k, x);
                any |= k;
            }
    ck_assert(any);
    fmpq_sub(E, hi + 0, lo + 0);
    fmpq_sub(t, hi + 1, lo + 1);
    if (fmpq_cmp(t, E) > 0)
        fmpq_set(E, t);
    if (fmpq_is_zero(E))
        fmpq_one(m);
    else
    {
        fmpq_set_si(t, 1, 10);
        fmpq_mul(m, E, t);
    }
    for (k = 0; k < 2; k++)
    {
        /* view lo + m <= vertex lo, vertex hi <= view hi - m */
        q_set_d(v, I->lo[k]);
        fmpq_add(v, v, m);
        ck_assert_msg(fmpq_cmp(v, lo + k) <= 0, "view lo[%ld] = %.17g too "
                      "high", (long) k, I->lo[k]);
        q_set_d(v, I->hi[k]);
        fmpq_sub(v, v, m);
        ck_assert_msg(fmpq_cmp(v, hi + k) >= 0, "view hi[%ld] = %.17g too "
                      "low", (long) k, I->hi[k]);
        ck_assert(I->hi[k] - I->lo[k]
                  <= (fmpq_get_d(E) + 2 * fmpq_get_d(m)) * (1 + 1e-12));
    }
    ck_assert(I->hi[0] - I->lo[0] == I->hi[1] - I->lo[1]
              || fabs((I->hi[0] - I->lo[0]) / (I->hi[1] - I->lo[1]) - 1.0)
                 < 1e-12);
    _fmpq_vec_clear(lo, 2);
    _fmpq_vec_clear(hi, 2);
    fmpq_clear(E);
    fmpq_clear(m);
    fmpq_clear(t);
    fmpq_clear(v);
}

/* The counts: unbounded from the regions' own flag, outside from the
   exact vertices against the view; wholly outside between what the
   interior points show (a point strictly inside: visible) and what the
   vertices show (a bounded cell beyond one side: hidden). */
static void check_counts(const cpwl_draw_info_t I, const cpwl_regions_t R)
{
    fmpq *lo = _fmpq_vec_init(2), *hi = _fmpq_vec_init(2);
    slong i, j, k, unb = 0, out = 0, seen = 0, gone = 0;

    for (k = 0; k < 2; k++)
    {
        q_set_d(lo + k, I->lo[k]);
        q_set_d(hi + k, I->hi[k]);
    }
    for (i = 0; i < R->ncells; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + i;
        int o = !c->bounded, side[4] = {1, 1, 1, 1}, in = 1;
        unb += !c->bounded;
        for (j = 0; j < c->nverts; j++)
            for (k = 0; k < 2; k++)
            {
                const fmpq *x = c->verts + 2 * j + k;
                o |= fmpq_cmp(x, lo + k) < 0 || fmpq_cmp(x, hi + k) > 0;
                side[2 * k] &= fmpq_cmp(x, lo + k) < 0;
                side[2 * k + 1] &= fmpq_cmp(x, hi + k) > 0;
            }
        out += o;
        gone += c->bounded && (side[0] || side[1] || side[2] || side[3]);
        for (k = 0; k < 2; k++)
            in &= fmpq_cmp(c->point + k, lo + k) > 0
                && fmpq_cmp(c->point + k, hi + k) < 0;
        seen += in;
    }
    ck_assert_int_eq(I->ncells, R->ncells);
    ck_assert_int_eq(I->nlinear, R->nlinear);
    ck_assert_int_eq(I->unbounded, unb);
    ck_assert_int_eq(I->outside, out);
    ck_assert_msg(I->hidden >= gone && I->hidden <= R->ncells - seen,
                  "hidden %ld not in [%ld, %ld]", (long) I->hidden,
                  (long) gone, (long) (R->ncells - seen));
    _fmpq_vec_clear(lo, 2);
    _fmpq_vec_clear(hi, 2);
}

/* All checks of the picture of R (regions of one hidden layer A, or
   m = 0 for any net). */
static void check_all(const cpwl_regions_t R, slong m, const fmpq *A,
                      const char *what)
{
    cpwl_draw_opts o;
    cpwl_draw_info_t I;
    pairs_struct P, W;
    cpwl_err_t e;
    char buf[64];

    cpwl_err_init(e);
    cpwl_draw_opts_init(&o);
    cpwl_draw_info_init(I);
    ck_assert_int_eq(cpwl_draw_info_compute(I, R, &o, e), CPWL_OK);
    pairs_init(&W);
    walk_pairs(&W, R);
    check_pairs(&W, I, what);
    if (m > 0)
    {
        pairs_init(&P);
        pattern_pairs(&P, R, m, A);
        check_pairs(&P, I, what);
        pairs_clear(&P);
    }
    check_colouring(&W, I, R, 0, what);
    check_view(I, R);
    check_counts(I, R);
    /* The default view shows every cell: bounded ones whole. */
    ck_assert_int_eq(I->hidden, 0);
    ck_assert_int_eq(I->outside, I->unbounded);
    ck_assert_ptr_nonnull(I->legend);
    snprintf(buf, sizeof(buf), "%ld activation region", (long) R->ncells);
    ck_assert_ptr_nonnull(strstr(I->legend, buf));
    snprintf(buf, sizeof(buf), "; %ld unbounded", (long) I->unbounded);
    ck_assert_ptr_nonnull(strstr(I->legend, buf));

    /* Linear regions: one colour each, neighbours apart. */
    if (R->nlinear >= 0)
    {
        o.colour = CPWL_DRAW_BY_LINEAR;
        ck_assert_int_eq(cpwl_draw_info_compute(I, R, &o, e), CPWL_OK);
        check_colouring(&W, I, R, 1, what);
    }
    pairs_clear(&W);
    cpwl_draw_info_clear(I);
    cpwl_err_clear(e);
}

/* ------------------------------------------------------------------------
   Tests
   ------------------------------------------------------------------------ */

/* Random lines with small integer coefficients (repeats, parallels and
   concurrences come up often). */
START_TEST(test_random_lines)
{
    test_rng r;
    slong it, iters = test_iters(12), m, i;
    cpwl_net_t net;
    cpwl_regions_t R;
    fmpq *A;

    r.s = test_seed(0x6472617731ULL);
    cpwl_net_init(net, 2);
    for (it = 0; it < iters; it++)
    {
        m = test_range(&r, 1, 9);
        A = _fmpq_vec_init(3 * m);
        for (i = 0; i < 3 * m; i++)
            fmpq_set_si(A + i, test_range(&r, -3, 3), 1);
        one_layer_net(net, m, A);
        regions_of(R, net, 1);
        check_all(R, m, A, "random lines");
        cpwl_regions_clear(R);
        _fmpq_vec_clear(A, 3 * m);
    }
    cpwl_net_clear(net);
}
END_TEST

/* Degenerate: eight lines through (1/2, -1/3), one of them twice (scaled
   by 2 and by -1), and a dead neuron; then parallel lines only (strips
   and half-planes without vertices); then parallel lines and one line
   across. */
START_TEST(test_degenerate)
{
    static const slong dirs[8][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1},
                                     {2, 1}, {1, 2}, {3, -1}, {1, -3}};
    cpwl_net_t net;
    cpwl_regions_t R;
    fmpq *A = _fmpq_vec_init(3 * 11), *p = _fmpq_vec_init(2);
    fmpq_t t;
    slong i, m;

    fmpq_init(t);
    cpwl_net_init(net, 2);
    fmpq_set_si(p + 0, 1, 2);
    fmpq_set_si(p + 1, -1, 3);
    for (i = 0; i < 8; i++)
    {
        /* a.x + b = 0 through p: b = -a.p */
        fmpq_set_si(A + 3 * i, dirs[i][0], 1);
        fmpq_set_si(A + 3 * i + 1, dirs[i][1], 1);
        fmpq_mul(A + 3 * i + 2, A + 3 * i, p + 0);
        fmpq_mul(t, A + 3 * i + 1, p + 1);
        fmpq_add(A + 3 * i + 2, A + 3 * i + 2, t);
        fmpq_neg(A + 3 * i + 2, A + 3 * i + 2);
    }
    for (i = 0; i < 3; i++)
    {
        fmpq_mul_2exp(A + 24 + i, A + 6 + i, 1);
        fmpq_neg(A + 27 + i, A + 3 + i);
    }
    fmpq_set_si(A + 30, 0, 1);
    fmpq_set_si(A + 31, 0, 1);
    fmpq_set_si(A + 32, -1, 1);
    one_layer_net(net, 11, A);
    regions_of(R, net, 1);
    ck_assert_int_eq(R->ncells, 16);
    check_all(R, 11, A, "pencil");
    cpwl_regions_clear(R);

    /* x + 2y = k for k = 0, 1, 5: four cells, none with a vertex. */
    for (i = 0; i < 3; i++)
    {
        fmpq_set_si(A + 3 * i, 1, 1);
        fmpq_set_si(A + 3 * i + 1, 2, 1);
        fmpq_set_si(A + 3 * i + 2, i == 2 ? -5 : -i, 1);
    }
    one_layer_net(net, 3, A);
    regions_of(R, net, 1);
    ck_assert_int_eq(R->ncells, 4);
    check_all(R, 3, A, "parallel");
    cpwl_regions_clear(R);

    /* ... and the line y = 7 across them: eight cells. */
    fmpq_set_si(A + 9, 0, 1);
    fmpq_set_si(A + 10, 1, 1);
    fmpq_set_si(A + 11, -7, 1);
    m = 4;
    one_layer_net(net, m, A);
    regions_of(R, net, 1);
    ck_assert_int_eq(R->ncells, 8);
    check_all(R, m, A, "parallel and across");
    cpwl_regions_clear(R);

    fmpq_clear(t);
    _fmpq_vec_clear(A, 3 * 11);
    _fmpq_vec_clear(p, 2);
    cpwl_net_clear(net);
}
END_TEST

/* Deeper nets: bent boundaries, T-junctions; neighbours by the walk. */
START_TEST(test_deep)
{
    test_rng r;
    slong it, iters = test_iters(6);
    cpwl_net_t net;
    cpwl_regions_t R;

    r.s = test_seed(0x6472617732ULL);
    cpwl_net_init(net, 2);
    for (it = 0; it < iters; it++)
    {
        test_rich_net(net, &r, 2, 3, 6);
        regions_of(R, net, 1);
        check_all(R, 0, NULL, "deep");
        cpwl_regions_clear(R);
    }
    cpwl_net_clear(net);
}
END_TEST

/* A view chosen by the user: the counts against it, the legend. */
START_TEST(test_user_view)
{
    test_rng r;
    slong it, iters = test_iters(8);
    cpwl_net_t net;
    cpwl_regions_t R;
    cpwl_draw_opts o;
    cpwl_draw_info_t I;
    cpwl_err_t e;
    char view[128];

    r.s = test_seed(0x6472617733ULL);
    cpwl_net_init(net, 2);
    cpwl_err_init(e);
    cpwl_draw_info_init(I);
    for (it = 0; it < iters; it++)
    {
        slong x0 = test_range(&r, -6, 4), y0 = test_range(&r, -6, 4);
        test_rich_net(net, &r, 2, 3, 5);
        regions_of(R, net, 0);
        cpwl_draw_opts_init(&o);
        snprintf(view, sizeof(view), "%ld:%ld,%ld/3:%ld/3", (long) x0,
                 (long) (x0 + test_range(&r, 1, 4)), (long) y0,
                 (long) (y0 + test_range(&r, 1, 4)));
        ck_assert_int_eq(cpwl_draw_opts_set_view_str(&o, view, e), CPWL_OK);
        ck_assert_int_eq(cpwl_draw_info_compute(I, R, &o, e), CPWL_OK);
        check_counts(I, R);
        /* The legend by default only when something reaches beyond. */
        ck_assert((I->legend != NULL) == (I->outside > 0));
        o.legend = 0;
        ck_assert_int_eq(cpwl_draw_info_compute(I, R, &o, e), CPWL_OK);
        ck_assert_ptr_null(I->legend);
        o.legend = 1;
        ck_assert_int_eq(cpwl_draw_info_compute(I, R, &o, e), CPWL_OK);
        ck_assert_ptr_nonnull(I->legend);
        cpwl_regions_clear(R);
    }
    cpwl_draw_info_clear(I);
    cpwl_err_clear(e);
    cpwl_net_clear(net);
}
END_TEST

/* Box pictures: no legend unless asked; asked, the counts. */
START_TEST(test_box_legend)
{
    cpwl_net_t net;
    cpwl_regions_t R;
    cpwl_dom_t D;
    cpwl_regions_opts opts;
    cpwl_pred_ctx_t ctx;
    cpwl_draw_opts o;
    cpwl_draw_info_t I;
    cpwl_err_t e;
    fmpq *A = _fmpq_vec_init(6);

    fmpq_set_si(A + 0, 1, 1);
    fmpq_set_si(A + 4, 1, 1);
    cpwl_net_init(net, 2);
    one_layer_net(net, 2, A);
    cpwl_err_init(e);
    cpwl_dom_init(D);
    test_dom_str(D, 2, "-1:1,-1:1", NULL, NULL);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&opts, ctx);
    opts.verts = 1;
    opts.linear = 1;
    cpwl_regions_init(R, 2, 1, cpwl_net_num_states(net));
    ck_assert_int_eq(cpwl_regions_compute(R, net, D, &opts, e), CPWL_OK);
    cpwl_draw_opts_init(&o);
    cpwl_draw_info_init(I);
    ck_assert_int_eq(cpwl_draw_info_compute(I, R, &o, e), CPWL_OK);
    ck_assert(I->lo[0] == -1.0 && I->hi[1] == 1.0);
    ck_assert_ptr_null(I->legend);
    ck_assert_int_eq(I->outside, 0);
    o.legend = 1;
    ck_assert_int_eq(cpwl_draw_info_compute(I, R, &o, e), CPWL_OK);
    ck_assert_str_eq(I->legend, "4 activation regions, 4 linear regions");
    /* Four quadrants: each takes the least used colour, so four. */
    ck_assert_int_eq(I->ncolours, 4);
    cpwl_draw_info_clear(I);
    cpwl_regions_clear(R);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    cpwl_net_clear(net);
    _fmpq_vec_clear(A, 6);
}
END_TEST

static Suite *draw_adj_suite(void)
{
    Suite *s = suite_create("draw_adj");
    TCase *tc = tcase_create("draw_adj");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_random_lines);
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(tc, test_deep);
    tcase_add_test(tc, test_user_view);
    tcase_add_test(tc, test_box_legend);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(draw_adj_suite());
}
