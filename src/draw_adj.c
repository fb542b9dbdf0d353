/* Pictures of 2-D regions: what is decided exactly (see cpwl/draw.h).
   Which cells share an edge, the default view box and which cells reach
   beyond the view are computed in rationals from the cells' exact
   vertices and rays, so that the colouring and the legend's counts do not
   depend on rounding; only the view's corners are doubles, rounded
   outward. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq.h>
#include "cpwl/num.h"
#include "cpwl/draw.h"
#include "draw_impl.h"

/* ------------------------------------------------------------------------
   Doubles and rationals
   ------------------------------------------------------------------------ */

/* q = d exactly (d finite). */
void draw_fmpq_set_d(fmpq_t q, double d)
{
    int e;
    double m = frexp(d, &e);

    /* d = m 2^e with 2^53 m an integer. */
    fmpz_set_d(fmpq_numref(q), ldexp(m, 53));
    fmpz_one(fmpq_denref(q));
    e -= 53;
    if (e >= 0)
        fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q), (ulong) e);
    else
        fmpz_mul_2exp(fmpq_denref(q), fmpq_denref(q), (ulong) -e);
    fmpq_canonicalise(q);
}

/* The double next to x towards -infinity (dir < 0) or +infinity (dir > 0),
   x itself when it is one; clamped to [-DRAW_HUGE, DRAW_HUGE]. */
static double draw_get_d_dir(const fmpq_t x, int dir)
{
    double d = cpwl_num_fmpq_get_d(x);
    fmpq_t q;
    int c;

    if (d > DRAW_HUGE)
        return DRAW_HUGE;
    if (d < -DRAW_HUGE)
        return -DRAW_HUGE;
    fmpq_init(q);
    draw_fmpq_set_d(q, d);
    c = fmpq_cmp(q, x);
    fmpq_clear(q);
    if (dir < 0 && c > 0)
        d = nextafter(d, -INFINITY);
    else if (dir > 0 && c < 0)
        d = nextafter(d, INFINITY);
    return d;
}

/* ------------------------------------------------------------------------
   Facets
   ------------------------------------------------------------------------ */

/* A facet of a cell: the cell's part of one of its supporting lines
   n.x = c, with n = (1, n1) or (0, 1) (one representation per line), as
   the interval [lo, hi] of the parameter s = x1 (n0 = 1) or s = x0
   (n0 = 0), either end possibly infinite.  side = +1 when the cell lies
   where n.x >= c, -1 where n.x <= c. */
typedef struct
{
    slong cell;
    int n0, side, lo_inf, hi_inf;
    fmpq_t n1, c, lo, hi;
}
draw_facet_struct;

typedef struct
{
    draw_facet_struct *F;
    slong n, alloc;
    fmpq_t u, v;
}
draw_facets_struct;

static void draw_facets_init(draw_facets_struct *S)
{
    S->n = 0;
    S->alloc = 0;
    S->F = NULL;
    fmpq_init(S->u);
    fmpq_init(S->v);
}

static void draw_facets_clear(draw_facets_struct *S)
{
    slong i;

    for (i = 0; i < S->n; i++)
    {
        fmpq_clear(S->F[i].n1);
        fmpq_clear(S->F[i].c);
        fmpq_clear(S->F[i].lo);
        fmpq_clear(S->F[i].hi);
    }
    flint_free(S->F);
    fmpq_clear(S->u);
    fmpq_clear(S->v);
}

/* Sign of n.x - c (x a point, point = 1) or of n.x (x a direction). */
static int draw_facet_sign(fmpq_t u, const draw_facet_struct *f,
                           const fmpq *x, int point)
{
    if (f->n0)
    {
        fmpq_mul(u, f->n1, x + 1);
        fmpq_add(u, u, x + 0);
    }
    else
        fmpq_set(u, x + 1);
    if (point)
        fmpq_sub(u, u, f->c);
    return fmpq_sgn(u);
}

/* If the line through p along t (t != 0) supports cell i, append the
   cell's facet on it. */
static void draw_facet_try(draw_facets_struct *S, const cpwl_regions_cell_struct *c,
                           slong i, const fmpq *p, const fmpq *t)
{
    draw_facet_struct g;
    slong k;
    int pos = 0, neg = 0, s, first = 1;

    if (fmpq_is_zero(t + 0) && fmpq_is_zero(t + 1))
        return;
    fmpq_init(g.n1);
    fmpq_init(g.c);
    fmpq_init(g.lo);
    fmpq_init(g.hi);
    g.cell = i;
    g.lo_inf = g.hi_inf = 0;
    /* Normal (t1, -t0), scaled to a first nonzero entry of 1. */
    g.n0 = !fmpq_is_zero(t + 1);
    if (g.n0)
    {
        fmpq_div(g.n1, t + 0, t + 1);
        fmpq_neg(g.n1, g.n1);
    }
    g.side = 0;
    draw_facet_sign(S->u, &g, p, 1);
    fmpq_set(g.c, S->u);

    for (k = 0; k < c->nverts; k++)
    {
        const fmpq *x = c->verts + 2 * k;
        s = draw_facet_sign(S->u, &g, x, 1);
        pos |= s > 0;
        neg |= s < 0;
        if (s == 0)
        {
            const fmpq *q = g.n0 ? x + 1 : x + 0;
            if (first || fmpq_cmp(q, g.lo) < 0)
                fmpq_set(g.lo, q);
            if (first || fmpq_cmp(q, g.hi) > 0)
                fmpq_set(g.hi, q);
            first = 0;
        }
    }
    for (k = 0; k < c->nrays; k++)
    {
        const fmpq *r = c->rays + 2 * k;
        s = draw_facet_sign(S->u, &g, r, 0);
        pos |= s > 0;
        neg |= s < 0;
        if (s == 0)
        {
            if (fmpq_sgn(g.n0 ? r + 1 : r + 0) > 0)
                g.hi_inf = 1;
            else
                g.lo_inf = 1;
        }
    }
    /* Both sides: not supporting; neither: a flat cell. */
    if (pos == neg || first)
    {
        fmpq_clear(g.n1);
        fmpq_clear(g.c);
        fmpq_clear(g.lo);
        fmpq_clear(g.hi);
        return;
    }
    g.side = pos ? 1 : -1;
    if (S->n == S->alloc)
    {
        S->alloc = FLINT_MAX(16, 2 * S->alloc);
        S->F = flint_realloc(S->F, S->alloc * sizeof(draw_facet_struct));
    }
    /* Moved, not copied: the array owns g's numbers now. */
    S->F[S->n++] = g;
}

/* Every facet of cell i: each lies on a line through two vertices or
   through a vertex along a ray (duplicates are removed later). */
static void draw_cell_facets(draw_facets_struct *S,
                             const cpwl_regions_cell_struct *c, slong i)
{
    fmpq *t = _fmpq_vec_init(2);
    slong a, b, nv = c->nverts;

    for (a = 0; a < nv; a++)
    {
        const fmpq *p = c->verts + 2 * a;
        for (b = a + 1; b < nv; b++)
        {
            if (nv > DRAW_ALL_PAIRS && b != a + 1)
                break;
            fmpq_sub(t + 0, c->verts + 2 * b, p + 0);
            fmpq_sub(t + 1, c->verts + 2 * b + 1, p + 1);
            draw_facet_try(S, c, i, p, t);
        }
        if (nv > DRAW_ALL_PAIRS && a == nv - 1)
        {
            fmpq_sub(t + 0, c->verts + 0, p + 0);
            fmpq_sub(t + 1, c->verts + 1, p + 1);
            draw_facet_try(S, c, i, p, t);
        }
        for (b = 0; b < c->nrays; b++)
            draw_facet_try(S, c, i, p, c->rays + 2 * b);
    }
    _fmpq_vec_clear(t, 2);
}

/* Order: the line (n0, n1, c), then the lower end (-infinity first), then
   the cell. */
static int draw_facet_cmp(const void *pa, const void *pb)
{
    const draw_facet_struct *a = pa, *b = pb;
    int r;

    if (a->n0 != b->n0)
        return a->n0 < b->n0 ? -1 : 1;
    if ((r = fmpq_cmp(a->n1, b->n1)) != 0 || (r = fmpq_cmp(a->c, b->c)) != 0)
        return r;
    if (a->lo_inf != b->lo_inf)
        return a->lo_inf ? -1 : 1;
    if (!a->lo_inf && (r = fmpq_cmp(a->lo, b->lo)) != 0)
        return r;
    return a->cell < b->cell ? -1 : a->cell > b->cell;
}

static int draw_same_line(const draw_facet_struct *a,
                          const draw_facet_struct *b)
{
    return a->n0 == b->n0 && fmpq_equal(a->n1, b->n1)
        && fmpq_equal(a->c, b->c);
}

/* The facets of all cells of R, sorted (draw_facet_cmp), each once. */
static void draw_all_facets(draw_facets_struct *S, const cpwl_regions_t R)
{
    slong i, j;

    for (i = 0; i < R->ncells; i++)
        if (R->cells[i].nverts > 0)
            draw_cell_facets(S, R->cells + i, i);
    if (S->n > 1)
        qsort(S->F, S->n, sizeof(draw_facet_struct), draw_facet_cmp);
    /* A facet found from several pairs of vertices. */
    for (i = 0, j = 0; i < S->n; i++)
    {
        draw_facet_struct *f = S->F + i;
        if (j > 0 && S->F[j - 1].cell == f->cell
            && draw_same_line(S->F + j - 1, f))
        {
            fmpq_clear(f->n1);
            fmpq_clear(f->c);
            fmpq_clear(f->lo);
            fmpq_clear(f->hi);
            continue;
        }
        if (i != j)
            S->F[j] = *f;
        j++;
    }
    S->n = j;
}

/* ------------------------------------------------------------------------
   Adjacency
   ------------------------------------------------------------------------ */

static int draw_pair_cmp(const void *pa, const void *pb)
{
    const slong *a = pa, *b = pb;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* Two cells are adjacent when facets of theirs on one line, on opposite
   sides, overlap in a piece of positive length.  Sorted by the lower end,
   facet b (after a) overlaps a iff lo_b < hi_a (lo_b < hi_b always). */
static slong draw_facet_pairs(slong **pairs, const draw_facets_struct *S)
{
    slong a, b, np = 0, alloc = 16, k, n;

    *pairs = flint_malloc(2 * alloc * sizeof(slong));
    for (a = 0; a < S->n; a++)
    {
        const draw_facet_struct *fa = S->F + a;
        for (b = a + 1; b < S->n; b++)
        {
            const draw_facet_struct *fb = S->F + b;
            if (!draw_same_line(fa, fb))
                break;
            if (!fa->hi_inf && !fb->lo_inf && fmpq_cmp(fb->lo, fa->hi) >= 0)
                break;
            if (fa->cell == fb->cell || fa->side == fb->side)
                continue;
            if (np == alloc)
            {
                alloc *= 2;
                *pairs = flint_realloc(*pairs, 2 * alloc * sizeof(slong));
            }
            (*pairs)[2 * np] = FLINT_MIN(fa->cell, fb->cell);
            (*pairs)[2 * np + 1] = FLINT_MAX(fa->cell, fb->cell);
            np++;
        }
    }
    if (np > 1)
        qsort(*pairs, np, 2 * sizeof(slong), draw_pair_cmp);
    for (k = 0, n = 0; k < np; k++)
        if (n == 0 || draw_pair_cmp(*pairs + 2 * k, *pairs + 2 * (n - 1)))
        {
            (*pairs)[2 * n] = (*pairs)[2 * k];
            (*pairs)[2 * n + 1] = (*pairs)[2 * k + 1];
            n++;
        }
    return n;
}

/* ------------------------------------------------------------------------
   Visibility
   ------------------------------------------------------------------------ */

/* Twice the signed area of the polygon X (m corners). */
static void draw_area2(fmpq_t a, const fmpq *X, slong m, fmpq_t t)
{
    slong k;

    fmpq_zero(a);
    for (k = 0; k < m; k++)
    {
        const fmpq *p = X + 2 * k, *q = X + 2 * ((k + 1) % m);
        fmpq_mul(t, p + 0, q + 1);
        fmpq_add(a, a, t);
        fmpq_mul(t, p + 1, q + 0);
        fmpq_sub(a, a, t);
    }
}

/* Whether the cell whose facets are F[0 .. nf) (the half-planes bounding
   it) meets the interior of the box B (corners lo, hi): the box clipped
   exactly to every half-plane keeps a positive area. */
static int draw_cell_visible(draw_facets_struct *S,
                             const draw_facet_struct *const *F, slong nf,
                             const fmpq *blo, const fmpq *bhi)
{
    slong m = 4, k, j, n, alloc = 8 + 2 * nf;
    fmpq *P = _fmpq_vec_init(2 * alloc), *Q = _fmpq_vec_init(2 * alloc);
    fmpq *tmp;
    fmpq_t dp, dq, s;
    int vis;

    fmpq_init(dp);
    fmpq_init(dq);
    fmpq_init(s);
    fmpq_set(P + 0, blo + 0);
    fmpq_set(P + 1, blo + 1);
    fmpq_set(P + 2, bhi + 0);
    fmpq_set(P + 3, blo + 1);
    fmpq_set(P + 4, bhi + 0);
    fmpq_set(P + 5, bhi + 1);
    fmpq_set(P + 6, blo + 0);
    fmpq_set(P + 7, bhi + 1);
    for (k = 0; k < nf && m > 0; k++)
    {
        const draw_facet_struct *f = F[k];
        for (j = 0, n = 0; j < m; j++)
        {
            const fmpq *p = P + 2 * j, *q = P + 2 * ((j + 1) % m);
            int sp = f->side * draw_facet_sign(S->u, f, p, 1);
            int sq;

            fmpq_mul_si(dp, S->u, f->side);
            sq = f->side * draw_facet_sign(S->u, f, q, 1);
            fmpq_mul_si(dq, S->u, f->side);
            if (sp >= 0)
            {
                fmpq_set(Q + 2 * n, p + 0);
                fmpq_set(Q + 2 * n + 1, p + 1);
                n++;
            }
            if ((sp < 0 && sq > 0) || (sp > 0 && sq < 0))
            {
                /* p + s (q - p) with s = dp / (dp - dq). */
                fmpq_sub(s, dp, dq);
                fmpq_div(s, dp, s);
                fmpq_sub(Q + 2 * n, q + 0, p + 0);
                fmpq_mul(Q + 2 * n, Q + 2 * n, s);
                fmpq_add(Q + 2 * n, Q + 2 * n, p + 0);
                fmpq_sub(Q + 2 * n + 1, q + 1, p + 1);
                fmpq_mul(Q + 2 * n + 1, Q + 2 * n + 1, s);
                fmpq_add(Q + 2 * n + 1, Q + 2 * n + 1, p + 1);
                n++;
            }
        }
        m = n;
        tmp = P;
        P = Q;
        Q = tmp;
    }
    vis = 0;
    if (m >= 3)
    {
        draw_area2(dp, P, m, s);
        vis = fmpq_sgn(dp) != 0;
    }
    _fmpq_vec_clear(P, 2 * alloc);
    _fmpq_vec_clear(Q, 2 * alloc);
    fmpq_clear(dp);
    fmpq_clear(dq);
    fmpq_clear(s);
    return vis;
}

/* ------------------------------------------------------------------------
   View and counts
   ------------------------------------------------------------------------ */

void cpwl_draw_view(double lo[2], double hi[2], const cpwl_regions_t R,
                    const cpwl_draw_opts *o)
{
    fmpq *blo, *bhi;
    fmpq_t E, m, t;
    slong i, j, k;
    int rays = 0, any = 0;

    if (o->have_view)
    {
        for (k = 0; k < 2; k++)
        {
            lo[k] = o->lo[k];
            hi[k] = o->hi[k];
        }
        return;
    }
    blo = _fmpq_vec_init(2);
    bhi = _fmpq_vec_init(2);
    for (i = 0; i < R->ncells; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + i;
        if (c->nverts < 0)
            continue;
        rays |= c->nrays > 0;
        for (j = 0; j < c->nverts; j++)
            for (k = 0; k < 2; k++)
            {
                const fmpq *x = c->verts + 2 * j + k;
                if (!any || fmpq_cmp(x, blo + k) < 0)
                    fmpq_set(blo + k, x);
                if (!any || fmpq_cmp(x, bhi + k) > 0)
                    fmpq_set(bhi + k, x);
                any |= k == 1;
            }
    }
    if (!any)
    {
        lo[0] = lo[1] = -1.0;
        hi[0] = hi[1] = 1.0;
    }
    else if (!rays && fmpq_cmp(blo + 0, bhi + 0) < 0
             && fmpq_cmp(blo + 1, bhi + 1) < 0)
    {
        /* A bounded domain: the cells tile the box, which is the view. */
        for (k = 0; k < 2; k++)
        {
            lo[k] = draw_get_d(blo + k);
            hi[k] = draw_get_d(bhi + k);
        }
    }
    else
    {
        /* The square of side E + 2m around the vertices' bounding box
           (E its longer side), m = E / 10 (1 when E = 0). */
        fmpq_init(E);
        fmpq_init(m);
        fmpq_init(t);
        fmpq_sub(E, bhi + 0, blo + 0);
        fmpq_sub(t, bhi + 1, blo + 1);
        if (fmpq_cmp(t, E) > 0)
            fmpq_set(E, t);
        if (fmpq_is_zero(E))
            fmpq_one(m);
        else
        {
            fmpq_set_si(t, 1, 10);
            fmpq_mul(m, E, t);
        }
        fmpq_mul_2exp(t, m, 1);
        fmpq_add(E, E, t);
        fmpq_div_2exp(E, E, 1);
        for (k = 0; k < 2; k++)
        {
            fmpq_add(t, blo + k, bhi + k);
            fmpq_div_2exp(t, t, 1);
            fmpq_sub(m, t, E);
            lo[k] = draw_get_d_dir(m, -1);
            fmpq_add(m, t, E);
            hi[k] = draw_get_d_dir(m, 1);
        }
        fmpq_clear(E);
        fmpq_clear(m);
        fmpq_clear(t);
    }
    _fmpq_vec_clear(blo, 2);
    _fmpq_vec_clear(bhi, 2);
}

/* Cell c lies inside the closed box [blo, bhi]: bounded, every vertex in. */
static int draw_cell_inside(const cpwl_regions_cell_struct *c, const fmpq *blo,
                            const fmpq *bhi)
{
    slong j, k;

    if (c->nrays > 0)
        return 0;
    for (j = 0; j < c->nverts; j++)
        for (k = 0; k < 2; k++)
            if (fmpq_cmp(c->verts + 2 * j + k, blo + k) < 0
                || fmpq_cmp(c->verts + 2 * j + k, bhi + k) > 0)
                return 0;
    return 1;
}

void draw_adjacency(draw_adj_struct *A, const cpwl_regions_t R, const double lo[2],
                    const double hi[2])
{
    draw_facets_struct S;
    const draw_facet_struct **F;
    fmpq *blo = _fmpq_vec_init(2), *bhi = _fmpq_vec_init(2);
    slong i, k, *first, *fill, n = R->ncells;

    draw_facets_init(&S);
    draw_all_facets(&S, R);
    A->npairs = draw_facet_pairs(&A->pairs, &S);

    /* Each cell's facets, for the visibility test. */
    first = flint_calloc(n + 1, sizeof(slong));
    for (k = 0; k < S.n; k++)
        first[S.F[k].cell + 1]++;
    for (i = 0; i < n; i++)
        first[i + 1] += first[i];
    fill = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    memcpy(fill, first, n * sizeof(slong));
    F = flint_malloc(FLINT_MAX(S.n, 1) * sizeof(draw_facet_struct *));
    for (k = 0; k < S.n; k++)
        F[fill[S.F[k].cell]++] = S.F + k;

    for (k = 0; k < 2; k++)
    {
        draw_fmpq_set_d(blo + k, lo[k]);
        draw_fmpq_set_d(bhi + k, hi[k]);
    }
    A->unbounded = A->outside = A->hidden = 0;
    for (i = 0; i < n; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + i;
        A->unbounded += c->nrays > 0;
        if (draw_cell_inside(c, blo, bhi))
            continue;
        A->outside++;
        A->hidden += !draw_cell_visible(&S, F + first[i],
                                        first[i + 1] - first[i], blo, bhi);
    }
    flint_free(first);
    flint_free(fill);
    flint_free(F);
    _fmpq_vec_clear(blo, 2);
    _fmpq_vec_clear(bhi, 2);
    draw_facets_clear(&S);
}
