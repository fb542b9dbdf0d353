/* Region lists, affine maps of cells, linear regions by union-find, and
   the dispatcher over the three algorithms (see cpwl/regions.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "interval.h"
#include "regions_impl.h"
#include "regions_cells_io.h"
#include "cpwl/regions.h"
#include "forms.h"

void cpwl_regions_opts_init(cpwl_regions_opts *opts, cpwl_pred_ctx_struct *pred)
{
    memset(opts, 0, sizeof(cpwl_regions_opts));
    opts->method = CPWL_REGIONS_AUTO;
    opts->max_regions = CPWL_REGIONS_DEFAULT_MAX;
    opts->pred = pred;
}

void cpwl_regions_init(cpwl_regions_t R, slong d, slong m, slong nstates)
{
    memset(R, 0, sizeof(cpwl_regions_struct));
    R->d = d;
    R->m = m;
    R->nstates = nstates;
    R->nlinear = -1;
}

void regions_cell_clear(cpwl_regions_cell_struct *c, slong d, slong m)
{
    flint_free(c->state);
    if (c->point)
        _fmpq_vec_clear(c->point, d);
    if (c->grad)
    {
        _fmpq_vec_clear(c->grad, m * d);
        _fmpq_vec_clear(c->offset, m);
    }
    if (c->verts)
        _fmpq_vec_clear(c->verts, c->nverts * d);
    if (c->rays)
        _fmpq_vec_clear(c->rays, c->nrays * d);
}

void cpwl_regions_clear(cpwl_regions_t R)
{
    slong i;
    for (i = 0; i < R->ncells; i++)
        regions_cell_clear(R->cells + i, R->d, R->m);
    flint_free(R->cells);
    memset(R, 0, sizeof(cpwl_regions_struct));
}

cpwl_regions_cell_struct *cpwl_regions_add_cell(cpwl_regions_t R)
{
    cpwl_regions_cell_struct *c;
    if (R->ncells == R->alloc)
    {
        R->alloc = FLINT_MAX(16, 2 * R->alloc);
        R->cells = flint_realloc(R->cells,
                                 R->alloc * sizeof(cpwl_regions_cell_struct));
    }
    c = R->cells + R->ncells++;
    memset(c, 0, sizeof(cpwl_regions_cell_struct));
    c->state = flint_calloc(FLINT_MAX(R->nstates, 1), 1);
    c->nverts = -1;
    c->bounded = -1;
    c->linear = -1;
    return c;
}

void cpwl_regions_cell_set_point(cpwl_regions_cell_struct *c, const fmpq *p, slong d)
{
    if (c->point == NULL)
        c->point = _fmpq_vec_init(d);
    qvec_set(c->point, p, d);
}

/* The output forms m x (d+1) on a cell: one backward row per output
   (cheaper than the forward forms when m <= d), then the output layer's
   own state when it has one (a relu or leaky output layer). */
static void output_forms(fmpq *Z, const cpwl_net_t g, const unsigned char *state)
{
    slong d = g->input_dim, m = cpwl_net_output_dim(g), i, l = g->nlayers - 1;
    for (i = 0; i < m; i++)
        forms_row_fmpq(Z + i * (d + 1), g, state, l, i);
    if (forms_state_offset(g, l) >= 0)
        forms_act_fmpq(Z, g, l, state);
}

void cpwl_regions_cell_map(fmpq *grad, fmpq *offset, const cpwl_net_t g,
                           const unsigned char *state)
{
    slong d = g->input_dim, m = cpwl_net_output_dim(g), i, c = d + 1;
    fmpq *Z = _fmpq_vec_init(m * c);
    output_forms(Z, g, state);
    for (i = 0; i < m; i++)
    {
        qvec_set(grad + i * d, Z + i * c, d);
        fmpq_set(offset + i, Z + i * c + d);
    }
    _fmpq_vec_clear(Z, m * c);
}

/* ---- comparing maps through the predicate layer ---------------------- */

/* Per-cell output forms: double with bounds (ok = 0: none), exact on
   demand.  Row-major m x (d+1). */
typedef struct
{
    int have_d, ok, borrowed;   /* borrowed: Z, E belong to the caller */
    double *Z, *E;
    fmpq *X;
}
map_cache;

static void map_need_d(map_cache *mc, const cpwl_net_t g,
                       const unsigned char *state)
{
    slong d = g->input_dim, m = cpwl_net_output_dim(g), c = d + 1;
    if (mc->have_d)
        return;
    mc->have_d = 1;
    mc->Z = flint_malloc(m * c * sizeof(double));
    mc->E = flint_malloc(m * c * sizeof(double));
    mc->ok = forms_layer_d(mc->Z, mc->E, g, state, g->nlayers - 1);
    /* A relu or leaky output layer applies its states too. */
    if (forms_state_offset(g, g->nlayers - 1) >= 0)
        forms_act_d(mc->Z, mc->E, g, g->nlayers - 1, state);
}

static void map_need_fmpq(map_cache *mc, const cpwl_net_t g,
                          const unsigned char *state)
{
    if (mc->X != NULL)
        return;
    mc->X = _fmpq_vec_init(cpwl_net_output_dim(g) * (g->input_dim + 1));
    output_forms(mc->X, g, state);
}

static void map_cache_clear(map_cache *mc, const cpwl_net_t g)
{
    if (!mc->borrowed)
    {
        flint_free(mc->Z);
        flint_free(mc->E);
    }
    if (mc->X)
        _fmpq_vec_clear(mc->X, cpwl_net_output_dim(g) * (g->input_dim + 1));
    memset(mc, 0, sizeof(map_cache));
}

/* Coefficient k of the difference of two cached maps. */
static iv map_diff_d(const map_cache *a, const map_cache *b, slong k)
{
    return iv_sub(iv_set(a->Z[k], a->E[k]), iv_set(b->Z[k], b->E[k]));
}

typedef struct
{
    const cpwl_net_struct *g;
    map_cache *a, *b;
    const unsigned char *sa, *sb;
    slong k;                    /* coefficient index */
}
diff_src;

static int diff_get_d(double *v, double *err, void *data)
{
    diff_src *D = data;
    iv z;
    if (!D->a->ok || !D->b->ok)
        return 0;
    z = map_diff_d(D->a, D->b, D->k);
    *v = z.m;
    *err = z.r;
    return iv_ok(z);
}

static void diff_get_fmpq(fmpq_t v, void *data)
{
    diff_src *D = data;
    map_need_fmpq(D->a, D->g, D->sa);
    map_need_fmpq(D->b, D->g, D->sb);
    fmpq_sub(v, D->a->X + D->k, D->b->X + D->k);
}

static int same_map_cached(const cpwl_net_t g, map_cache *a, map_cache *b,
                           const unsigned char *sa, const unsigned char *sb,
                           cpwl_pred_ctx_t ctx)
{
    slong n = cpwl_net_output_dim(g) * (g->input_dim + 1), k;
    diff_src D;
    cpwl_pred_src_struct src;

    map_need_d(a, g, sa);
    map_need_d(b, g, sb);
    D.g = g;
    D.a = a;
    D.b = b;
    D.sa = sa;
    D.sb = sb;
    src.get_d = diff_get_d;
    src.get_arb = NULL;
    src.get_fmpq = diff_get_fmpq;
    src.data = &D;
    /* First look for a coefficient the filter proves different: the
       common case (a kink) needs no exact arithmetic at all. */
    if (a->ok && b->ok)
        for (k = 0; k < n; k++)
        {
            iv z = map_diff_d(a, b, k);
            int s = cpwl_pred_sign_d_filter(z.m, z.r);
            if (s != 0 && s != 2)
            {
                /* decided by this test: counted as the filter's, not
                   evaluated again (exact_only: asked exactly) */
                D.k = k;
                if (ctx->exact_only)
                    cpwl_pred_sign(ctx, &src);
                else
                    cpwl_pred_ctx_count(ctx, 1, 0, 0);
                return 0;
            }
        }
    for (k = 0; k < n; k++)
    {
        D.k = k;
        if (cpwl_pred_sign(ctx, &src) != 0)
            return 0;
    }
    return 1;
}

int cpwl_regions_same_map(const cpwl_net_t g, const unsigned char *s1,
                          const unsigned char *s2, cpwl_pred_ctx_t ctx)
{
    map_cache a, b;
    int r;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    r = same_map_cached(g, &a, &b, s1, s2, ctx);
    map_cache_clear(&a, g);
    map_cache_clear(&b, g);
    return r;
}

/* Number the linear regions in order of their first cell. */
static void number_linear(cpwl_regions_t R, slong *parent)
{
    slong i, *label = flint_malloc(FLINT_MAX(R->ncells, 1) * sizeof(slong));
    R->nlinear = 0;
    for (i = 0; i < R->ncells; i++)
        label[i] = -1;
    for (i = 0; i < R->ncells; i++)
    {
        slong r = regions_uf_find(parent, i);
        if (label[r] < 0)
            label[r] = R->nlinear++;
        R->cells[i].linear = label[r];
    }
    flint_free(label);
}

void cpwl_regions_merge_linear_d(cpwl_regions_t R, const cpwl_net_t g, const slong *pairs,
                                 slong npairs, double *Zd, double *Ed,
                                 cpwl_pred_ctx_t ctx)
{
    slong i, n = R->ncells, len = R->m * (R->d + 1);
    slong *parent = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    map_cache *mc = flint_calloc(FLINT_MAX(n, 1), sizeof(map_cache));

    for (i = 0; i < n; i++)
    {
        parent[i] = i;
        if (Zd != NULL)
        {
            mc[i].have_d = mc[i].borrowed = 1;
            mc[i].Z = Zd + i * len;
            mc[i].E = Ed + i * len;
            mc[i].ok = isfinite(Ed[i * len]);
        }
    }
    for (i = 0; i < npairs; i++)
    {
        slong a = pairs[2 * i], b = pairs[2 * i + 1];
        slong ra = regions_uf_find(parent, a), rb = regions_uf_find(parent, b);
        if (ra == rb)
            continue;
        if (same_map_cached(g, mc + a, mc + b, R->cells[a].state,
                            R->cells[b].state, ctx))
            parent[ra] = rb;
    }
    number_linear(R, parent);
    for (i = 0; i < n; i++)
        map_cache_clear(mc + i, g);
    flint_free(mc);
    flint_free(parent);
}

void cpwl_regions_merge_linear(cpwl_regions_t R, const cpwl_net_t g, const slong *pairs,
                               slong npairs, cpwl_pred_ctx_t ctx)
{
    cpwl_regions_merge_linear_d(R, g, pairs, npairs, NULL, NULL, ctx);
}

/* Merge sort of the cells by pattern bytes (qsort has no context
   argument, and the pattern width is not a constant). */
static void sort_cells(cpwl_regions_cell_struct *a, cpwl_regions_cell_struct *tmp,
                       slong n, slong w)
{
    slong h = n / 2, i = 0, j = h, k = 0;
    if (n < 2)
        return;
    sort_cells(a, tmp, h, w);
    sort_cells(a + h, tmp, n - h, w);
    while (i < h && j < n)
        tmp[k++] = memcmp(a[j].state, a[i].state, w) < 0 ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof(cpwl_regions_cell_struct));
}

void cpwl_regions_sort(cpwl_regions_t R)
{
    slong i, *parent;
    cpwl_regions_cell_struct *tmp;
    tmp = flint_malloc(FLINT_MAX(R->ncells, 1) * sizeof(cpwl_regions_cell_struct));
    sort_cells(R->cells, tmp, R->ncells, R->nstates);
    flint_free(tmp);
    if (R->nlinear < 0)
        return;
    /* Renumber the linear regions in the new order. */
    parent = flint_malloc(FLINT_MAX(R->ncells, 1) * sizeof(slong));
    {
        slong *first = flint_malloc(FLINT_MAX(R->nlinear, 1) * sizeof(slong));
        for (i = 0; i < R->nlinear; i++)
            first[i] = -1;
        for (i = 0; i < R->ncells; i++)
        {
            slong L = R->cells[i].linear;
            if (first[L] < 0)
                first[L] = i;
            parent[i] = first[L];
        }
        flint_free(first);
    }
    number_linear(R, parent);
    flint_free(parent);
}

char *cpwl_regions_pattern_str(const cpwl_regions_cell_struct *c, const cpwl_net_t net)
{
    return cpwl_net_pattern_str(c->state, net);
}

int cpwl_regions_compute(cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                         const cpwl_regions_opts *opts, cpwl_err_t e)
{
    cpwl_net_t g;
    cpwl_regions_method m = opts->method;
    int st;
    const fmpq *lo = D->bounded ? D->lo : NULL, *hi = D->bounded ? D->hi : NULL;

    if (net->input_dim != D->n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the domain has %ld coordinates "
                            "but the network has %ld inputs", (long) D->n,
                            (long) net->input_dim);
    /* abs, hardtanh, maxout: through the relu lowering; relu nets keep
       their direct paths */
    if (!cpwl_net_is_basic(net))
        return regions_lowered(R, net, D, opts, e);
    if (m == CPWL_REGIONS_AUTO)
        m = D->d == 1 ? CPWL_REGIONS_1D : D->d == 2 ? CPWL_REGIONS_2D : CPWL_REGIONS_ND;
    if (m == CPWL_REGIONS_1D && D->d != 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the 1-D method needs a "
                            "1-dimensional domain (a line or a 1-input net), "
                            "this one has dimension %ld", (long) D->d);
    if (m == CPWL_REGIONS_2D && D->d != 2)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the 2-D method needs a "
                            "2-dimensional domain (a slice or a 2-input net), "
                            "this one has dimension %ld", (long) D->d);
    cpwl_regions_clear(R);
    cpwl_regions_init(R, D->d, cpwl_net_output_dim(net), cpwl_net_num_states(net));
    cpwl_net_init(g, D->d);
    cpwl_dom_restrict_net(g, net, D);
    if (m == CPWL_REGIONS_1D)
        st = cpwl_regions_1d(R, g, lo, hi, opts, e);
    else if (m == CPWL_REGIONS_2D)
        st = cpwl_regions_2d(R, g, lo, hi, opts, e);
    else
        st = cpwl_regions_nd(R, g, lo, hi, opts, e);
    cpwl_net_clear(g);
    return st;
}
