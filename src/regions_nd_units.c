/* The driver of the n-D method: the first layer with states on every
   process, then the later layers as work units (cpwl/sched.h).

   The leaves of the refinement, in order, are for each polyhedron left
   after the first layer with states the leaves of its own subtree, in
   order (a layer refines every polyhedron alone, depth first).  So unit
   i refines polyhedron i through all later layers by itself, and the
   leaves of the units concatenated in unit order are exactly the list of
   one process.  A unit's payload holds its leaves (pattern, and as far
   as wanted the interior point, the affine map and, for the linear
   merge, the constraints and the outer box) and its counters (LPs, sign
   decisions), which the collector adds up: counts are sums over units,
   the same for any schedule.  The linear merge runs once all leaves are
   gathered, on the collecting process.

   A net with one layer with states (or none) has no later layers: the
   whole refinement is then one unit. */
#include <string.h>
#include <flint/fmpq_vec.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "qvec.h"
#include "regions_nd_impl.h"
#include "cpwl/regions.h"
#include "cpwl/sched.h"
#include "lp.h"

/* One thread's computation: its own LP, point, predicate counters. */
typedef struct
{
    nd_ctx C;
    cpwl_regions_opts o;
    cpwl_pred_ctx_struct pred;
}
nd_worker;

typedef struct
{
    nd_ctx *M;                  /* the driver's context */
    plist roots;                /* the units' polyhedra */
    slong ufirst;               /* the first layer a unit refines */
    nd_worker **W;
    slong nw;
    /* the collector */
    cpwl_regions_struct *R;
    plist leaves;               /* linear regions: the cells' polyhedra */
    slong ncollected, nleaves, lps, lpx, lower;
    int stop;                   /* CPWL_REGIONS_STOP_LIMIT once over */
    volatile int over;          /* units after the limit need no work */
}
nd_units;

static void ctx_init(nd_ctx *C, const cpwl_net_struct *g,
                     const cpwl_regions_opts *opts, slong ns, slong m,
                     slong last)
{
    memset(C, 0, sizeof(nd_ctx));
    C->g = g;
    C->opts = opts;
    C->d = g->input_dim;
    C->ns = ns;
    C->m = m;
    C->last = last;
    C->want_map = opts->maps || opts->linear;
    lp_init(C->lp, C->d);
    C->x = _fmpq_vec_init(C->d);
}

static void ctx_clear(nd_ctx *C)
{
    _fmpq_vec_clear(C->x, C->d);
    lp_clear(C->lp);
}

/* ---- payloads ----------------------------------------------------------- */

/* A leaf: pattern; point (when listed or merged); map (flag, then
   m x (d+1)) when wanted; for the merge the constraints and the box. */
static void leaf_put(cpwl_sched_buf *b, const nd_ctx *C, const poly_struct *P)
{
    const cpwl_regions_opts *o = C->opts;
    slong d = C->d, c = d + 1, k;
    cpwl_sched_buf_put_hex(b, P->state, C->ns);
    if (o->points || o->linear)
        cpwl_sched_buf_put_fmpq_vec(b, P->p, d);
    if (C->want_map)
    {
        cpwl_sched_buf_put_si(b, P->map != NULL);
        if (P->map != NULL)
            cpwl_sched_buf_put_fmpq_vec(b, P->map, C->m * c);
    }
    if (o->linear)
    {
        cpwl_sched_buf_put_si(b, P->m);
        cpwl_sched_buf_put_si(b, P->nclean);
        cpwl_sched_buf_put_fmpq_vec(b, P->h, P->m * c);
        for (k = 0; k < 2 * d; k++)
            cpwl_sched_buf_put_d(b, P->box[k]);
    }
}

/* The leaf back as a polyhedron.  NULL when the payload does not parse. */
static poly_struct *leaf_get(cpwl_sched_rd *r, const nd_ctx *C)
{
    const cpwl_regions_opts *o = C->opts;
    slong d = C->d, c = d + 1, k, m, nclean, f;
    poly_struct *P = nd_poly_new(C->ns, d);
    fmpq *row = NULL;
    int ok = cpwl_sched_rd_hex(P->state, C->ns, r) == 0;

    if (ok && (o->points || o->linear))
        ok = cpwl_sched_rd_fmpq_vec(P->p, d, r) == 0;
    if (ok && C->want_map)
    {
        ok = cpwl_sched_rd_si(&f, r) == 0 && (f == 0 || f == 1);
        if (ok && f)
        {
            P->map = _fmpq_vec_init(C->m * c);
            ok = cpwl_sched_rd_fmpq_vec(P->map, C->m * c, r) == 0;
        }
    }
    if (ok && o->linear)
    {
        ok = cpwl_sched_rd_si(&m, r) == 0 && cpwl_sched_rd_si(&nclean, r) == 0
             && m >= 0 && m < (WORD(1) << 30) && nclean >= 0 && nclean <= m;
        if (ok)
            row = _fmpq_vec_init(c);
        for (k = 0; ok && k < m; k++)
        {
            ok = cpwl_sched_rd_fmpq_vec(row, c, r) == 0;
            if (ok)
                nd_poly_add(P, row, 0, d);
        }
        P->nclean = nclean;
        for (k = 0; ok && k < 2 * d; k++)
            ok = cpwl_sched_rd_d(P->box + k, r) == 0;
        if (row != NULL)
            _fmpq_vec_clear(row, c);
    }
    if (!ok)
    {
        nd_poly_free(P, d, C->m);
        return NULL;
    }
    return P;
}

/* The counters of a unit: LPs, of which exact, sign decisions. */
static void counts_put(cpwl_sched_buf *b, nd_ctx *C, slong lpx)
{
    const cpwl_pred_ctx_struct *p = C->opts->pred;
    cpwl_sched_buf_put_si(b, C->lps);
    cpwl_sched_buf_put_si(b, lpx);
    cpwl_sched_buf_put_si(b, (slong) p->by_double);
    cpwl_sched_buf_put_si(b, (slong) p->by_arb);
    cpwl_sched_buf_put_si(b, (slong) p->by_exact);
}

/* ---- a unit ------------------------------------------------------------- */

static nd_worker *worker(nd_units *U, int tid)
{
    nd_worker *w;
    if (tid < 0 || tid >= U->nw)
        return NULL;
    if (U->W[tid] != NULL)
        return U->W[tid];
    w = flint_calloc(1, sizeof(nd_worker));
    w->o = *U->M->opts;
    w->pred = *U->M->opts->pred;
    w->o.pred = &w->pred;
    w->o.progress = NULL;       /* reports come from the collector */
    ctx_init(&w->C, U->M->g, &w->o, U->M->ns, U->M->m, U->M->last);
    w->C.wts = U->M->wts;       /* read only */
    w->C.interrupt2 = U->M->interrupt2;
    U->W[tid] = w;
    return w;
}

/* Unit i: polyhedron i refined through the layers from U->ufirst.
   Payload "C counts n leaves...", "L counts live" (more than max_regions
   polyhedra within the unit), or "S" (skipped: the collector is already
   past the limit). */
static int unit_run(cpwl_sched_buf *out, slong unit, int tid, void *data,
                    cpwl_err_t e)
{
    nd_units *U = data;
    nd_worker *w;
    nd_ctx *C;
    plist cur, next;
    slong l, i, live = 0, lpx0;
    int r = 0;

    if (U->over)
    {
        cpwl_sched_buf_put(out, "S", 1);
        return CPWL_OK;
    }
    w = worker(U, tid);
    if (w == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_nd: thread "
                            "%d beyond the %ld expected", tid, (long) U->nw);
    C = &w->C;
    C->lps = 0;
    C->lp_mark = 0;
    C->stopped = 0;
    C->error = 0;
    lpx0 = C->lp->by_exact;
    cpwl_pred_ctx_reset_counts(&w->pred);
    memset(&cur, 0, sizeof(plist));
    memset(&next, 0, sizeof(plist));
    nd_plist_push(&cur, nd_poly_copy(U->roots.v[unit], C->ns, C->d));
    for (l = U->ufirst; l <= C->last && r == 0; l++)
    {
        if (C->g->layers[l].act == CPWL_NET_IDENTITY)
            continue;
        C->layer = l;
        r = regions_nd_layer(C, &next, &cur, l, l < C->last, &live);
        nd_plist_clear(&cur, C->d, C->m);
        cur = next;
        memset(&next, 0, sizeof(plist));
    }
    if (C->error)
        r = cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_nd: the exact LP "
                         "solver failed");
    else if (r != 0 && C->stopped == CPWL_REGIONS_STOP_LIMIT)
    {
        cpwl_sched_buf_put(out, "L", 1);
        counts_put(out, C, C->lp->by_exact - lpx0);
        cpwl_sched_buf_put_si(out, live);
        r = CPWL_OK;
    }
    else if (r != 0)
        r = CPWL_SCHED_STOPPED;
    else
    {
        cpwl_sched_buf_put(out, "C", 1);
        counts_put(out, C, C->lp->by_exact - lpx0);
        cpwl_sched_buf_put_si(out, cur.n);
        for (i = 0; i < cur.n; i++)
            leaf_put(out, C, cur.v[i]);
    }
    nd_plist_clear(&cur, C->d, C->m);
    return r;
}

/* ---- the collector ------------------------------------------------------ */

static int bad_payload(cpwl_err_t e, slong unit)
{
    return cpwl_err_set(e, CPWL_ERR_INPUT, "the recorded result of unit %ld of "
                        "the region enumeration does not parse", (long) unit);
}

static int unit_collect(slong unit, const char *payload, size_t len,
                        void *data, cpwl_err_t e)
{
    nd_units *U = data;
    nd_ctx *M = U->M;
    const cpwl_regions_opts *o = M->opts;
    cpwl_regions_struct *R = U->R;
    cpwl_sched_rd rd;
    slong cnt[5], n, i, k, d = M->d, c = d + 1;

    if (U->stop)
        return CPWL_OK;         /* past the limit: the rest is not used */
    U->ncollected = unit + 1;
    if (len == 1 && payload[0] == 'S')
        return bad_payload(e, unit);   /* only after the limit */
    if (len < 1 || (payload[0] != 'C' && payload[0] != 'L'))
        return bad_payload(e, unit);
    cpwl_sched_rd_init(&rd, payload + 1, len - 1);
    for (k = 0; k < 5; k++)
        if (cpwl_sched_rd_si(cnt + k, &rd) != 0 || cnt[k] < 0)
            return bad_payload(e, unit);
    U->lps += cnt[0];
    U->lpx += cnt[1];
    cpwl_pred_ctx_count(o->pred, cnt[2], cnt[3], cnt[4]);
    if (cpwl_sched_rd_si(&n, &rd) != 0 || n < 0)
        return bad_payload(e, unit);
    if (payload[0] == 'L')
    {
        /* the unit alone went over: its live polyhedra, the leaves so
           far and one region per later unit bound the count below */
        U->stop = CPWL_REGIONS_STOP_LIMIT;
        U->lower = U->nleaves + n + (U->roots.n - unit - 1);
        U->over = 1;
        return cpwl_sched_rd_done(&rd) ? CPWL_OK : bad_payload(e, unit);
    }
    for (i = 0; i < n; i++)
    {
        poly_struct *P = leaf_get(&rd, M);
        cpwl_regions_cell_struct *cell;
        if (P == NULL)
            return bad_payload(e, unit);
        cell = cpwl_regions_add_cell(R);
        memcpy(cell->state, P->state, FLINT_MAX(M->ns, 1));
        if (o->points)
            cpwl_regions_cell_set_point(cell, P->p, d);
        if (o->maps)
        {
            cell->grad = _fmpq_vec_init(R->m * d);
            cell->offset = _fmpq_vec_init(R->m);
            if (P->map == NULL)
                cpwl_regions_cell_map(cell->grad, cell->offset, M->g,
                                      cell->state);
            else
                for (k = 0; k < R->m; k++)
                {
                    qvec_set(cell->grad + k * d, P->map + k * c, d);
                    fmpq_set(cell->offset + k, P->map + k * c + d);
                }
        }
        if (o->linear)
            nd_plist_push(&U->leaves, P);
        else
            nd_poly_free(P, d, M->m);
    }
    if (!cpwl_sched_rd_done(&rd))
        return bad_payload(e, unit);
    U->nleaves += n;
    if (o->max_regions > 0 && U->nleaves > o->max_regions)
    {
        U->stop = CPWL_REGIONS_STOP_LIMIT;
        U->lower = U->nleaves + (U->roots.n - unit - 1);
        U->over = 1;
    }
    if (o->progress != NULL)
        o->progress(o->progress_data, M->last + 1, M->g->nlayers, U->nleaves);
    return CPWL_OK;
}

/* ---- the driver --------------------------------------------------------- */

/* The first polyhedron: R^d from the origin, or the box from its centre. */
static poly_struct *domain_poly(slong ns, slong d, const fmpq *lo,
                                const fmpq *hi)
{
    poly_struct *P0 = nd_poly_new(ns, d);
    slong i;
    nd_box_init(P0->box, lo, hi, d);
    if (lo != NULL)
    {
        fmpq *row = _fmpq_vec_init(d + 1);
        for (i = 0; i < d; i++)
        {
            fmpq_add(P0->p + i, lo + i, hi + i);
            fmpq_div_2exp(P0->p + i, P0->p + i, 1);
            qvec_zero(row, d + 1);
            fmpq_one(row + i);
            fmpq_neg(row + d, lo + i);     /* y_i - lo_i >= 0 */
            nd_row_primitive(row, row, d);
            nd_poly_add(P0, row, 0, d);
            qvec_zero(row, d + 1);
            fmpq_set_si(row + i, -1, 1);
            fmpq_set(row + d, hi + i);     /* hi_i - y_i >= 0 */
            nd_row_primitive(row, row, d);
            nd_poly_add(P0, row, 0, d);
        }
        _fmpq_vec_clear(row, d + 1);
    }
    P0->nclean = P0->m;         /* the faces of a box are its facets */
    return P0;
}

/* Drop the cells: a stopped computation lists none. */
static void drop_cells(cpwl_regions_struct *R)
{
    slong d = R->d, m = R->m, ns = R->nstates;
    slong lps = R->lp_solved, lpx = R->lp_exact;
    cpwl_regions_clear(R);
    cpwl_regions_init(R, d, m, ns);
    R->lp_solved = lps;
    R->lp_exact = lpx;
}

static slong max_threads(const cpwl_sched_struct *s)
{
    slong n = s->threads;
#ifdef _OPENMP
    if (n <= 0)
        n = omp_get_max_threads();
#endif
    return FLINT_MAX(n, 1);
}

int cpwl_regions_nd(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo, const fmpq *hi,
                    const cpwl_regions_opts *opts, cpwl_err_t e)
{
    nd_ctx C;
    nd_units U;
    plist next;
    cpwl_sched_t own;
    cpwl_sched_struct *s = opts->sched;
    slong d = g->input_dim, l, i, first = -1, last = -1, live = 0;
    int r = 0;

    if (R->d != d || R->nstates != cpwl_net_num_states(g) || R->ncells != 0)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_nd: the region list "
                            "does not fit the network");
    for (l = 0; l < g->nlayers; l++)
    {
        cpwl_net_act_t act = g->layers[l].act;
        if (act != CPWL_NET_IDENTITY && act != CPWL_NET_RELU && act != CPWL_NET_LEAKY_RELU)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the n-D region method does "
                                "not handle the activation '%s' yet",
                                cpwl_net_act_name(act));
        if (act != CPWL_NET_IDENTITY)
        {
            last = l;
            if (first < 0)
                first = l;
        }
    }
    if (s == NULL)
    {
        /* one process: the library's own scheduler, the same code path */
        cpwl_sched_init(own);
        /* one thread: the LP solver (cddlib) is serialised anyway */
        own->threads = 1;
        own->interrupt = opts->interrupt;
        s = own;
    }

    ctx_init(&C, g, opts, R->nstates, R->m, last);
    C.R = R;
    C.interrupt2 = s->interrupt;
    nd_weights_init(&C.wts, g);
    memset(&U, 0, sizeof(nd_units));
    memset(&next, 0, sizeof(plist));
    U.M = &C;
    U.R = R;
    nd_plist_push(&U.roots, domain_poly(C.ns, d, lo, hi));

    /* The first layer with states, on every process (cheap: one
       polyhedron's refinement by one layer); its pieces are the units. */
    if (first >= 0 && first < last)
    {
        C.layer = first;
        r = regions_nd_layer(&C, &next, &U.roots, first, 1, &live);
        nd_plist_clear(&U.roots, d, C.m);
        U.roots = next;
        memset(&next, 0, sizeof(plist));
        /* the forms are computed again within each unit (no reference
           counts shared between threads) */
        for (i = 0; i < U.roots.n; i++)
        {
            nd_forms_release(U.roots.v[i]->forms);
            U.roots.v[i]->forms = NULL;
        }
        U.ufirst = first + 1;
        if (r == 0 && opts->progress != NULL)
            opts->progress(opts->progress_data, first + 1, g->nlayers,
                           U.roots.n);
    }

    if (C.error)
        r = cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_nd: the exact LP solver "
                         "failed");
    else if (r != 0)
    {
        /* Stopped within the first layer: the polyhedra live at that
           moment refine the regions, so their number is a lower bound. */
        R->lower_bound = live;
        R->stopped = C.stopped;
        r = CPWL_OK;
    }
    else
    {
        U.nw = max_threads(s);
        U.W = flint_calloc(U.nw, sizeof(nd_worker *));
        r = cpwl_sched_map(s, U.roots.n, unit_run, &U, unit_collect, &U,
                           CPWL_SCHED_THREADS, e);
        if (r == CPWL_OK && (s->stopped || U.stop))
        {
            /* the leaves collected and one region per unit not
               collected: a lower bound */
            drop_cells(R);
            R->stopped = U.stop ? U.stop : CPWL_REGIONS_STOP_INTERRUPT;
            R->lower_bound = U.stop ? U.lower
                : U.nleaves + (U.roots.n - U.ncollected);
        }
        else if (r == CPWL_OK && opts->linear && s->rank == 0)
        {
            r = regions_nd_linear(&C, U.leaves.v, U.leaves.n);
            if (C.error)
                r = cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_nd: the exact "
                                 "LP solver failed");
            else
            {
                /* A stop here leaves the cells complete and exact; only
                   the linear regions are not counted. */
                R->stopped = C.stopped;
                R->lower_bound = R->ncells;
                r = CPWL_OK;
            }
        }
        for (i = 0; i < U.nw; i++)
            if (U.W[i] != NULL)
            {
                ctx_clear(&U.W[i]->C);
                flint_free(U.W[i]);
            }
        flint_free(U.W);
    }

    R->lp_solved = C.lps + U.lps;
    R->lp_exact = C.lp->by_exact + U.lpx;
    nd_plist_clear(&U.roots, d, C.m);
    nd_plist_clear(&U.leaves, d, C.m);
    nd_weights_clear(&C.wts, g);
    ctx_clear(&C);
    if (s == own)
        cpwl_sched_clear(own);
    return r;
}
