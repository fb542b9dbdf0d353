/* Regions of a network with abs, hardtanh or maxout layers, through its
   exact lowering to relu layers (cpwl_netalg_lower_relu; docs/regions.md,
   "Other activations").

   The lowered net computes the same function, and its activation
   regions refine the original ones: on each lowered cell the original
   pattern is constant (the lowered states decide every comparison the
   original states need).  Each original activation region with nonempty
   interior contains a lowered cell, so the original regions are the
   distinct original patterns among the lowered cells, each pattern
   evaluated exactly (through the predicate layer) at the cell's interior
   point.  An original region is convex and the union of its lowered
   cells: its closure is conv(all their vertices) + cone(all their rays),
   and f is affine on it, so its map and linear region are any cell's. */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "regions_impl.h"
#include "cpwl/regions.h"
#include "cpwl/netalg.h"

typedef struct
{
    const unsigned char *pat;
    slong w, idx;
}
pat_ref;

static int pat_cmp(const void *a, const void *b)
{
    const pat_ref *p = a, *q = b;
    int c = p->w ? memcmp(p->pat, q->pat, p->w) : 0;
    return c != 0 ? c : (p->idx > q->idx) - (p->idx < q->idx);
}

/* Sign of (b - a) x (c - a) for points of R^2. */
static int cross_sgn(const fmpq *a, const fmpq *b, const fmpq *c)
{
    fmpq_t u, v, s;
    int r;
    fmpq_init(u);
    fmpq_init(v);
    fmpq_init(s);
    fmpq_sub(u, b + 0, a + 0);
    fmpq_sub(v, c + 1, a + 1);
    fmpq_mul(s, u, v);
    fmpq_sub(u, b + 1, a + 1);
    fmpq_sub(v, c + 0, a + 0);
    fmpq_submul(s, u, v);
    r = fmpq_sgn(s);
    fmpq_clear(u);
    fmpq_clear(v);
    fmpq_clear(s);
    return r;
}

static int pt_cmp(const fmpq *a, const fmpq *b, slong d)
{
    slong j;
    for (j = 0; j < d; j++)
    {
        int c = fmpq_cmp(a + j, b + j);
        if (c != 0)
            return c;
    }
    return 0;
}

/* Sort n points of R^d lexicographically (insertion sort: the cells of
   one region have few vertices) and drop repeats; returns the count. */
static slong sort_unique(fmpq *P, slong n, slong d)
{
    slong i, j, k;
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && pt_cmp(P + (j - 1) * d, P + j * d, d) > 0; j--)
            for (k = 0; k < d; k++)
                fmpq_swap(P + (j - 1) * d + k, P + j * d + k);
    for (i = k = 0; i < n; i++)
        if (k == 0 || pt_cmp(P + (k - 1) * d, P + i * d, d) != 0)
        {
            if (k != i)
                qvec_set(P + k * d, P + i * d, d);
            k++;
        }
    return k;
}

/* Convex hull of n distinct sorted points of R^2 in counter-clockwise
   order (monotone chain, collinear points dropped) into H; returns the
   count. */
static slong hull2(fmpq *H, const fmpq *P, slong n)
{
    slong *s = flint_malloc((2 * n + 1) * sizeof(slong)), k = 0, i, t;
    if (n <= 2)
    {
        qvec_set(H, P, 2 * n);
        flint_free(s);
        return n;
    }
    for (i = 0; i < n; i++)
    {
        while (k >= 2 && cross_sgn(P + 2 * s[k - 2], P + 2 * s[k - 1],
                                   P + 2 * i) <= 0)
            k--;
        s[k++] = i;
    }
    for (i = n - 2, t = k + 1; i >= 0; i--)
    {
        while (k >= t && cross_sgn(P + 2 * s[k - 2], P + 2 * s[k - 1],
                                   P + 2 * i) <= 0)
            k--;
        s[k++] = i;
    }
    k--;                        /* the first point closes the chain */
    for (i = 0; i < k; i++)
        qvec_set(H + 2 * i, P + 2 * s[i], 2);
    flint_free(s);
    return k;
}

/* c . x for c, x in R^2 */
static void dot2(fmpq_t r, const fmpq *c, const fmpq *x)
{
    fmpq_mul(r, c, x);
    fmpq_addmul(r, c + 1, x + 1);
}

/* P = conv(V) + cone(D) has no vertex: a half-plane, a strip or all of
   R^2.  As the 2-D method does, list points of its boundary lines (the
   origin for R^2): with c != 0 and c . r <= 0 for every ray (c normal to
   a ray, if any such c exists), P lies in {c . x <= max_V c . v}, on
   whose line the maximising v lies; when every c . r = 0 (a strip) the
   minimising v lies on the other line. */
static slong no_vertex(fmpq *H, const fmpq *V, slong nv, const fmpq *D,
                       slong nd)
{
    slong i, j, k = 0, hi = 0, lo = 0;
    int found = 0, strip = 1;
    fmpq c[2];
    fmpq_t t, u;
    fmpq_init(c);
    fmpq_init(c + 1);
    fmpq_init(t);
    fmpq_init(u);
    for (i = 0; i < 2 * nd && !found; i++)
    {
        /* +-(r_1, -r_0) for the ray i / 2 */
        fmpq_set(c, D + 2 * (i / 2) + 1);
        fmpq_neg(c + 1, D + 2 * (i / 2));
        if (i % 2)
        {
            fmpq_neg(c, c);
            fmpq_neg(c + 1, c + 1);
        }
        found = 1;
        strip = 1;
        for (j = 0; j < nd && found; j++)
        {
            dot2(t, c, D + 2 * j);
            found = fmpq_sgn(t) <= 0;
            strip &= fmpq_is_zero(t);
        }
    }
    if (!found || nv == 0)
    {
        fmpq_zero(H);           /* all of R^2: the origin */
        fmpq_zero(H + 1);
    }
    else
    {
        for (i = 1; i < nv; i++)
        {
            dot2(t, c, V + 2 * i);
            dot2(u, c, V + 2 * hi);
            if (fmpq_cmp(t, u) > 0)
                hi = i;
            dot2(u, c, V + 2 * lo);
            if (fmpq_cmp(t, u) < 0)
                lo = i;
        }
        qvec_set(H, V + 2 * hi, 2);
        k = 1;
        dot2(t, c, V + 2 * lo);
        dot2(u, c, V + 2 * hi);
        if (strip && !fmpq_equal(t, u))
            qvec_set(H + 2 * k++, V + 2 * lo, 2);
    }
    fmpq_clear(c);
    fmpq_clear(c + 1);
    fmpq_clear(t);
    fmpq_clear(u);
    return found && nv > 0 ? k : 1;
}

/* The vertices of P = conv(V) + cone(D) (V: nv distinct sorted points of
   R^2, D: nd rays with a first nonzero entry of +-1) in counter-clockwise
   order into H.  With T beyond the spread of V, the points v + T r lie
   outside V's bounding box, and a point of V is a vertex of P iff it is
   a vertex of conv(V u {v + T r}): a functional exposing it there is
   negative on every ray.  When P has no vertex, see no_vertex. */
static slong extreme2(fmpq *H, const fmpq *V, slong nv, const fmpq *D,
                      slong nd)
{
    slong n = nv * (1 + nd), i, j, k, m, *orig;
    fmpq *P, *Q;
    fmpq_t T, t;
    if (nd == 0 || nv == 0)
        return hull2(H, V, nv);
    fmpq_init(T);
    fmpq_init(t);
    /* T = 1 + the largest coordinate spread of V */
    for (j = 0; j < 2; j++)
    {
        fmpq_set(t, V + (nv - 1) * 2 + j);
        for (i = 0; i < nv; i++)
            if (fmpq_cmp(V + 2 * i + j, t) < 0)
                fmpq_set(t, V + 2 * i + j);
        for (i = 0; i < nv; i++)
        {
            fmpq_t s;
            fmpq_init(s);
            fmpq_sub(s, V + 2 * i + j, t);
            if (fmpq_cmp(s, T) > 0)
                fmpq_set(T, s);
            fmpq_clear(s);
        }
    }
    fmpq_add_si(T, T, 1);
    P = _fmpq_vec_init(2 * n);
    Q = _fmpq_vec_init(2 * n);
    qvec_set(P, V, 2 * nv);
    for (i = 0, k = nv; i < nv; i++)
        for (j = 0; j < nd; j++, k++)
        {
            fmpq_mul(P + 2 * k, T, D + 2 * j);
            fmpq_add(P + 2 * k, P + 2 * k, V + 2 * i);
            fmpq_mul(P + 2 * k + 1, T, D + 2 * j + 1);
            fmpq_add(P + 2 * k + 1, P + 2 * k + 1, V + 2 * i + 1);
        }
    n = sort_unique(P, n, 2);
    m = hull2(Q, P, n);
    /* keep the hull's points of V, in the hull's order */
    orig = flint_malloc(FLINT_MAX(m, 1) * sizeof(slong));
    for (i = k = 0; i < m; i++)
        for (j = 0; j < nv; j++)
            if (pt_cmp(Q + 2 * i, V + 2 * j, 2) == 0)
            {
                orig[k++] = i;
                break;
            }
    for (i = 0; i < k; i++)
        qvec_set(H + 2 * i, Q + 2 * orig[i], 2);
    if (k == 0)
        k = no_vertex(H, V, nv, D, nd);
    flint_free(orig);
    _fmpq_vec_clear(P, 2 * nv * (1 + nd));
    _fmpq_vec_clear(Q, 2 * nv * (1 + nd));
    fmpq_clear(T);
    fmpq_clear(t);
    return k;
}

/* The closure of the union of the lowered cells from[0 .. n-1] (d <= 2):
   conv(vertices) + cone(rays); 1-D: the extreme endpoints. */
static void merge_geometry(cpwl_regions_cell_struct *c, const cpwl_regions_t L,
                           const pat_ref *from, slong n, slong d)
{
    slong i, j, nv = 0, nr = 0, av, ar;
    fmpq *V, *D, *H;
    for (i = 0; i < n; i++)
    {
        const cpwl_regions_cell_struct *s = L->cells + from[i].idx;
        if (s->nverts < 0)
            return;
        nv += s->nverts;
        nr += s->nrays;
    }
    av = FLINT_MAX(nv, 1) * d;
    ar = FLINT_MAX(nr, 1) * d;
    V = _fmpq_vec_init(av);
    H = _fmpq_vec_init(av);
    D = _fmpq_vec_init(ar);
    c->bounded = 1;
    for (i = nv = nr = 0; i < n; i++)
    {
        const cpwl_regions_cell_struct *s = L->cells + from[i].idx;
        for (j = 0; j < s->nverts; j++, nv++)
            qvec_set(V + nv * d, s->verts + j * d, d);
        for (j = 0; j < s->nrays; j++, nr++)
            qvec_set(D + nr * d, s->rays + j * d, d);
        if (s->bounded == 0)
            c->bounded = 0;
        else if (s->bounded < 0 && c->bounded == 1)
            c->bounded = -1;
    }
    nv = sort_unique(V, nv, d);
    nr = sort_unique(D, nr, d);
    if (d == 2)
        nv = extreme2(H, V, nv, D, nr);
    else
    {
        /* an interval: its finite ends (a ray -1 removes the lower, +1
           the upper) */
        slong lo = 0, hi = nv - 1, k = 0;
        for (j = 0; j < nr; j++)
        {
            if (fmpq_sgn(D + j) < 0)
                lo = nv;
            else
                hi = -1;
        }
        if (nv > 0 && lo == 0)
            fmpq_set(H + k++, V);
        if (nv > 0 && hi == nv - 1 && (k == 0 || nv > 1))
            fmpq_set(H + k++, V + hi);
        nv = k;
    }
    c->nverts = nv;
    c->verts = nv ? _fmpq_vec_init(nv * d) : NULL;
    if (nv)
        qvec_set(c->verts, H, nv * d);
    c->nrays = nr;
    c->rays = nr ? _fmpq_vec_init(nr * d) : NULL;
    if (nr)
        qvec_set(c->rays, D, nr * d);
    _fmpq_vec_clear(V, av);
    _fmpq_vec_clear(H, av);
    _fmpq_vec_clear(D, ar);
}

int regions_lowered(cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                    const cpwl_regions_opts *opts, cpwl_err_t e)
{
    cpwl_regions_t L;
    cpwl_regions_opts o = *opts;
    cpwl_net_t low, g;
    slong ns = cpwl_net_num_states(net), d = D->d, i, j, k, nl = 0;
    slong *label;
    unsigned char *pats;
    pat_ref *ref;
    int st;

    cpwl_net_init(low, net->input_dim);
    cpwl_netalg_lower_relu(low, net);
    o.points = 1;
    o.no_states = 0;
    cpwl_regions_init(L, d, cpwl_net_output_dim(net), cpwl_net_num_states(low));
    st = cpwl_regions_compute(L, low, D, &o, e);
    cpwl_net_clear(low);
    if (st != CPWL_OK)
    {
        cpwl_regions_clear(L);
        return st;
    }
    cpwl_regions_clear(R);
    cpwl_regions_init(R, d, cpwl_net_output_dim(net), ns);
    R->stopped = L->stopped;
    R->lp_solved = L->lp_solved;
    R->lp_exact = L->lp_exact;

    /* The original pattern at every lowered cell's interior point. */
    cpwl_net_init(g, d);
    cpwl_dom_restrict_net(g, net, D);
    cpwl_net_prepare(g);
    pats = flint_malloc(FLINT_MAX(L->ncells * ns, 1));
    ref = flint_malloc(FLINT_MAX(L->ncells, 1) * sizeof(pat_ref));
    for (i = 0; i < L->ncells; i++)
    {
        cpwl_net_pattern(pats + i * ns, g, L->cells[i].point, opts->pred);
        ref[i].pat = pats + i * ns;
        ref[i].w = ns;
        ref[i].idx = i;
    }
    cpwl_net_clear(g);
    qsort(ref, L->ncells, sizeof(pat_ref), pat_cmp);

    label = flint_malloc(FLINT_MAX(L->nlinear, 1) * sizeof(slong));
    for (i = 0; i < L->nlinear; i++)
        label[i] = -1;
    for (i = 0; i < L->ncells; i = j)
    {
        const cpwl_regions_cell_struct *s = L->cells + ref[i].idx;
        cpwl_regions_cell_struct *c;
        for (j = i + 1; j < L->ncells
             && memcmp(ref[i].pat, ref[j].pat, ns) == 0; j++)
            ;
        if (R->stopped)
            continue;           /* only counted, as the algorithms do */
        c = cpwl_regions_add_cell(R);
        if (ns > 0)
            memcpy(c->state, ref[i].pat, ns);
        if (opts->points)
            cpwl_regions_cell_set_point(c, s->point, d);
        if (s->grad != NULL)
        {
            c->grad = _fmpq_vec_init(R->m * d);
            c->offset = _fmpq_vec_init(R->m);
            qvec_set(c->grad, s->grad, R->m * d);
            qvec_set(c->offset, s->offset, R->m);
        }
        if (opts->verts && d <= 2)
            merge_geometry(c, L, ref + i, j - i, d);
        if (s->linear >= 0)
        {
            if (label[s->linear] < 0)
                label[s->linear] = nl++;
            c->linear = label[s->linear];
        }
    }
    for (i = k = 0; i < L->ncells; i++)
        k += i == 0 || memcmp(ref[i - 1].pat, ref[i].pat, ns) != 0;
    if (R->stopped)
        R->lower_bound = FLINT_MAX(k, L->ncells > 0 || L->lower_bound > 0);
    R->nlinear = L->nlinear;
    flint_free(label);
    flint_free(pats);
    flint_free(ref);
    cpwl_regions_clear(L);
    return CPWL_OK;
}
