/* The n-D method's linear regions (see the comment at the top of
   regions_nd.c): cells that share their affine map are joined across the
   facets they share, found by exact LP. */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "regions_impl.h"
#include "regions_nd_impl.h"

/* ---- linear regions --------------------------------------------------- */

typedef struct
{
    const fmpq *v;              /* key */
    slong len;
    slong cell;
    slong group;
    int orient;                 /* facet = orient * key */
    slong con;                  /* index of the facet in its cell */
}
key_entry;

static int qvec_cmp(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    int s;
    for (i = 0; i < n; i++)
        if ((s = fmpq_cmp(a + i, b + i)) != 0)
            return s;
    return 0;
}

static int map_entry_cmp(const void *a, const void *b)
{
    const key_entry *x = a, *y = b;
    int s = qvec_cmp(x->v, y->v, x->len);
    if (s != 0)
        return s;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

static int facet_entry_cmp(const void *a, const void *b)
{
    const key_entry *x = a, *y = b;
    int s = qvec_cmp(x->v, y->v, x->len);
    if (s != 0)
        return s;
    if (x->group != y->group)
        return (x->group > y->group) - (x->group < y->group);
    if (x->orient != y->orient)
        return x->orient - y->orient;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

/* Whether rows a and b (primitive integer) are equal up to sign. */
static int same_hyperplane(const fmpq *a, const fmpq *b, slong c)
{
    slong i;
    int eq = 1, opp = 1;
    for (i = 0; i < c && (eq || opp); i++)
    {
        if (!fmpz_equal(fmpq_numref(a + i), fmpq_numref(b + i)))
            eq = 0;
        if (fmpz_cmpabs(fmpq_numref(a + i), fmpq_numref(b + i)) != 0
            || (!fmpq_is_zero(a + i)
                && fmpq_sgn(a + i) == fmpq_sgn(b + i)))
            opp = 0;
    }
    return eq || opp;
}

/* Whether the closures of X and Y share a (d-1)-face in {h = 0}, h the
   facet of X.  1 yes, 0 no, -1 stopped or failed. */
static int nd_adjacent(nd_ctx *C, const poly_struct *X, const poly_struct *Y,
                       const fmpq *h)
{
    slong c = C->d + 1, k;
    lp_reset(C->lp, C->d);
    lp_add_row(C->lp, h, 0, 1);
    for (k = 0; k < X->m; k++)
        if (!same_hyperplane(X->h + k * c, h, c))
            lp_add_row(C->lp, X->h + k * c, 0, 0);
    for (k = 0; k < Y->m; k++)
        if (!same_hyperplane(Y->h + k * c, h, c))
            lp_add_row(C->lp, Y->h + k * c, 0, 0);
    return regions_nd_slack(C);
}

/* Facet adjacency among cells with equal maps, then the merge.  polys[i]
   is cell i's polyhedron.  Returns 0, or -1 when stopped. */
int regions_nd_linear(nd_ctx *C, poly_struct **polys, slong n)
{
    const cpwl_net_struct *g = C->g;
    slong d = C->d, c = d + 1, m = C->R->m, mlen = m * c, i, k, a, b;
    slong nf = 0, nkeys = 0, ngroups = 0, npairs = 0, palloc = 0;
    fmpq *maps = _fmpq_vec_init(FLINT_MAX(n * mlen, 1));
    key_entry *me = flint_malloc(FLINT_MAX(n, 1) * sizeof(key_entry));
    slong *group = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    slong *parent = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    slong *pairs = NULL;
    unsigned char *alone = flint_malloc(FLINT_MAX(n, 1));
    key_entry *fe;
    fmpq *keys;
    int r = 0;

    /* Group the cells by exact affine map (gradients, then offsets). */
    for (i = 0; i < n; i++)
    {
        const fmpq *map = polys[i]->map;
        if (map != NULL)
        {
            /* rows (g, c) -> gradients, then offsets */
            for (k = 0; k < m; k++)
            {
                qvec_set(maps + i * mlen + k * d, map + k * c, d);
                fmpq_set(maps + i * mlen + m * d + k, map + k * c + d);
            }
        }
        else
            cpwl_regions_cell_map(maps + i * mlen, maps + i * mlen + m * d, g,
                        polys[i]->state);
        me[i].v = maps + i * mlen;
        me[i].len = mlen;
        me[i].cell = i;
        parent[i] = i;
    }
    qsort(me, n, sizeof(key_entry), map_entry_cmp);
    for (i = 0; i < n; i++)
    {
        if (i > 0 && qvec_cmp(me[i].v, me[i - 1].v, mlen) != 0)
            ngroups++;
        group[me[i].cell] = ngroups;
    }

    /* A cell alone with its map merges with nothing.  The others need
       their facets: an irredundant system. */
    for (i = 0; i < n; i++)
    {
        slong cell = me[i].cell;
        alone[cell] = (i == 0 || group[me[i - 1].cell] != group[cell])
                      && (i == n - 1 || group[me[i + 1].cell] != group[cell]);
    }
    for (i = 0; i < n && r == 0; i++)
        if (!alone[i])
        {
            r = regions_nd_poly_clean(C, polys[i]);
            nkeys += polys[i]->m;
        }

    /* Every facet under its hyperplane, oriented so that the first
       nonzero gradient entry is positive. */
    fe = flint_malloc(FLINT_MAX(nkeys, 1) * sizeof(key_entry));
    keys = _fmpq_vec_init(FLINT_MAX(nkeys * c, 1));
    for (i = 0; i < n && r == 0; i++)
        for (k = 0; k < polys[i]->m && !alone[i]; k++)
        {
            const fmpq *h = polys[i]->h + k * c;
            slong t = 0;
            while (t < d && fmpq_is_zero(h + t))
                t++;
            fe[nf].orient = (t < d && fmpq_sgn(h + t) < 0) ? -1 : 1;
            for (t = 0; t < c; t++)
            {
                if (fe[nf].orient < 0)
                    fmpq_neg(keys + nf * c + t, h + t);
                else
                    fmpq_set(keys + nf * c + t, h + t);
            }
            fe[nf].v = keys + nf * c;
            fe[nf].len = c;
            fe[nf].cell = i;
            fe[nf].group = group[i];
            fe[nf].con = k;
            nf++;
        }
    qsort(fe, nf, sizeof(key_entry), facet_entry_cmp);

    /* Runs of one hyperplane and one map: the cells on its negative side
       against those on its positive side. */
    for (a = 0; a < nf && r == 0; a = b)
    {
        slong mid;
        b = a + 1;
        while (b < nf && fe[b].group == fe[a].group
               && qvec_cmp(fe[b].v, fe[a].v, c) == 0)
            b++;
        for (mid = a; mid < b && fe[mid].orient < 0; mid++)
            ;
        for (i = a; i < mid && r == 0; i++)
            for (k = mid; k < b && r == 0; k++)
            {
                slong x = fe[i].cell, y = fe[k].cell;
                const poly_struct *X = polys[x];
                /* pairs already joined cost no LP: look for Ctrl-C */
                if (k == mid && regions_nd_interrupted(C))
                {
                    r = -1;
                    break;
                }
                if (regions_uf_find(parent, x) == regions_uf_find(parent, y))
                    continue;
                r = nd_adjacent(C, X, polys[y], X->h + fe[i].con * c);
                if (r < 0)
                    break;
                if (r > 0)
                {
                    parent[regions_uf_find(parent, x)] = regions_uf_find(parent, y);
                    if (npairs == palloc)
                    {
                        palloc = FLINT_MAX(16, 2 * palloc);
                        pairs = flint_realloc(pairs,
                                              2 * palloc * sizeof(slong));
                    }
                    pairs[2 * npairs] = x;
                    pairs[2 * npairs + 1] = y;
                    npairs++;
                }
                r = 0;
            }
    }
    if (r == 0)
        cpwl_regions_merge_linear(C->R, g, pairs, npairs, C->opts->pred);

    _fmpq_vec_clear(maps, FLINT_MAX(n * mlen, 1));
    _fmpq_vec_clear(keys, FLINT_MAX(nkeys * c, 1));
    flint_free(fe);
    flint_free(me);
    flint_free(group);
    flint_free(parent);
    flint_free(pairs);
    flint_free(alone);
    return r;
}

