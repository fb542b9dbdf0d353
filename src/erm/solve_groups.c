/* ERM: the search over groups of cells on work units (cpwl/sched.h).

   Groups: the cells with the same set of distinct dichotomies have the
   same relaxation (cpwl/erm.h, src/erm/gram.c), so one bound serves them
   all, and it is computed from Gram blocks.  The phases:
   - keys (units: blocks of KEY_BLOCK groups, collected everywhere): each
     group's double lo, proven to be at most its exact bound (an interval
     elimination, or the exact bound rounded down, which is then kept);
   - the group of least (lo, number) is visited by every process: its
     value prunes unseen every group whose lo reaches (a double rounded
     up from) it;
   - exact bounds of the groups kept (blocks of BOUND_BLOCK, everywhere);
   - visit (one unit per kept group, sorted by (exact bound, number)):
     solve_visit.c.
   Unit sizes are constants, so the units and their payloads are the same
   for any number of processes and a checkpoint of one run serves any. */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "cpwl/arbcompat.h"
#include "cpwl/erm.h"
#include "erm_impl.h"

#define KEY_BLOCK 2048
#define BOUND_BLOCK 256

typedef struct
{
    double lo;                  /* <= the group's exact bound */
    slong gid;
    const fmpq *lb;             /* its exact bound, once known */
}
group_key;

static int exact_cmp(const void *a, const void *b)
{
    const group_key *x = a, *y = b;
    int c = fmpq_cmp(x->lb, y->lb);
    return c ? c : (x->gid > y->gid) - (x->gid < y->gid);
}

static int key_cmp(const group_key *x, const group_key *y)
{
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return (x->gid > y->gid) - (x->gid < y->gid);
}

static double fmpq_get_d_rnd(const fmpq_t q, arf_rnd_t rnd)
{
    arf_t t;
    double d;
    arf_init(t);
    arf_set_fmpq(t, q, 53, rnd);
    d = arf_get_d(t, rnd);
    arf_clear(t);
    return d;
}

static int slong_pair_cmp(const void *a, const void *b)
{
    const slong *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

erm_group_work *erm_groups_work(erm_groups *G, int tid)
{
    erm_group_work *W;
    if (tid < 0 || tid >= G->nwork)
        return NULL;
    W = G->work + tid;
    if (!W->ready)
    {
        if (G->o->loss == CPWL_QP_SQUARED)
            erm_gram_work_init(&W->W, G->Gm, G->u);
        W->pairs = flint_malloc(2 * G->maxc * sizeof(slong));
        W->tmp = flint_malloc(G->maxc * G->u * sizeof(slong));
        W->combs = flint_malloc(G->maxc * G->u * sizeof(slong));
        W->idx = flint_malloc(G->maxc * sizeof(slong));
        W->ready = 1;
    }
    return W;
}

slong erm_group_cells_sorted(erm_groups *G, slong gid, erm_group_work *W)
{
    slong u = G->u, i;
    slong m = erm_group_cells(W->tmp, G->gsets + gid * u, G->gsize[gid], u,
                              G->N);
    for (i = 0; i < m; i++)
    {
        W->pairs[2 * i] = erm_comb_rank(W->tmp + i * u, u, 2 * G->N, G->binom);
        W->pairs[2 * i + 1] = i;
    }
    qsort(W->pairs, m, 2 * sizeof(slong), slong_pair_cmp);
    for (i = 0; i < m; i++)
    {
        W->idx[i] = W->pairs[2 * i];
        memcpy(W->combs + i * u, W->tmp + W->pairs[2 * i + 1] * u,
               u * sizeof(slong));
    }
    return m;
}

/* The exact bound of group gid. */
static void group_bound(fmpq_t lb, erm_groups *G, slong gid, erm_group_work *W)
{
    const slong *set = G->gsets + gid * G->u;
    slong g = G->gsize[gid], i;
    if (G->o->loss == CPWL_QP_SQUARED)
        erm_gram_bound(lb, G->Gm, set, g, &W->W);
    else
    {
        /* the relaxation depends on the span only: one +1 unit per
           dichotomy */
        cpwl_qp_t P;
        int psign[CPWL_ERM_MAX_WIDTH];
        for (i = 0; i < g; i++)
            psign[i] = 1;
        cpwl_erm_cell_qp(P, G->data, G->S, set, psign, g, G->o->loss,
                         G->o->output_bias);
        cpwl_qp_lower_bound(lb, P);
        cpwl_qp_clear(P);
    }
}

static int stop_seen(const erm_groups *G)
{
    return G->s->interrupt != NULL && *G->s->interrupt;
}

static int no_work(cpwl_err_t e)
{
    return cpwl_err_set(e, CPWL_ERR_INTERNAL, "a work unit of erm ran on "
                        "a thread beyond those foreseen");
}

static int bad_payload(cpwl_err_t e, const char *phase, slong unit)
{
    return cpwl_err_set(e, CPWL_ERR_INPUT, "the checkpoint's %s unit %ld "
                        "does not parse or is another unit's", phase,
                        (long) unit);
}

/* The state of the phases, shared by their run and collect. */
typedef struct
{
    erm_groups *G;
    cpwl_erm_result_struct *r;
    group_key *key;             /* ngroups, by number */
    fmpq *ex;                   /* ngroups: exact bounds known */
    unsigned char *have_ex;
    group_key *kept;            /* the groups kept, then sorted */
    slong nkeep;
    fmpq *kb;                   /* nkeep: their exact bounds */
    erm_visit_acc acc;
}
phases;

/* Phase keys: the block's first group (a payload names its unit, so
   that one replayed for another is refused), then lo and the exact bound
   when the filter cannot tell (or the certificate wants every bound):
   "lo 0" or "lo 1 p/q" per group. */
static int keys_run(cpwl_sched_buf *out, slong unit, int tid, void *data,
                    cpwl_err_t e)
{
    phases *F = data;
    erm_groups *G = F->G;
    erm_group_work *W = erm_groups_work(G, tid);
    slong a = unit * KEY_BLOCK, b = FLINT_MIN(G->ngroups, a + KEY_BLOCK), nb;
    fmpq_t q;
    if (W == NULL)
        return no_work(e);
    fmpq_init(q);
    cpwl_sched_buf_put_si(out, a);
    for (nb = a; nb < b; nb++)
    {
        double lo = -1;
        if (stop_seen(G))
        {
            fmpq_clear(q);
            return CPWL_SCHED_STOPPED;
        }
        if (!G->o->certificate && G->o->loss == CPWL_QP_SQUARED)
            lo = erm_gram_bound_lo(G->Gm, G->gsets + nb * G->u, G->gsize[nb],
                                   &W->W);
        if (lo <= 0)
        {
            /* no filter, or it cannot tell: the exact bound */
            group_bound(q, G, nb, W);
            lo = fmpq_get_d_rnd(q, ARF_RND_FLOOR);
            cpwl_sched_buf_put_d(out, lo);
            cpwl_sched_buf_put_si(out, 1);
            cpwl_sched_buf_put_fmpq(out, q);
        }
        else
        {
            cpwl_sched_buf_put_d(out, lo);
            cpwl_sched_buf_put_si(out, 0);
        }
    }
    fmpq_clear(q);
    return CPWL_OK;
}

static int keys_collect(slong unit, const char *p, size_t len, void *data,
                        cpwl_err_t e)
{
    phases *F = data;
    erm_groups *G = F->G;
    slong a = unit * KEY_BLOCK, b = FLINT_MIN(G->ngroups, a + KEY_BLOCK), nb;
    slong first;
    cpwl_sched_rd rd;
    cpwl_sched_rd_init(&rd, p, len);
    if (cpwl_sched_rd_si(&first, &rd) != 0 || first != a)
        return bad_payload(e, "keys", unit);
    for (nb = a; nb < b; nb++)
    {
        slong flag;
        if (cpwl_sched_rd_d(&F->key[nb].lo, &rd) != 0
            || cpwl_sched_rd_si(&flag, &rd) != 0 || (flag != 0 && flag != 1)
            || (flag && cpwl_sched_rd_fmpq(F->ex + nb, &rd) != 0))
            return bad_payload(e, "keys", unit);
        F->key[nb].gid = nb;
        F->key[nb].lb = NULL;
        F->have_ex[nb] = (unsigned char) flag;
    }
    if (!cpwl_sched_rd_done(&rd))
        return bad_payload(e, "keys", unit);
    if (G->o->progress)
        G->o->progress(G->o->progress_data, b, 2 * G->ngroups, F->r->optimum);
    return CPWL_OK;
}

/* Phase bounds: the block's first group, then the exact bounds of the
   groups kept, "p/q" each. */
static int bounds_run(cpwl_sched_buf *out, slong unit, int tid, void *data,
                      cpwl_err_t e)
{
    phases *F = data;
    erm_groups *G = F->G;
    erm_group_work *W = erm_groups_work(G, tid);
    slong a = unit * BOUND_BLOCK, b = FLINT_MIN(F->nkeep, a + BOUND_BLOCK), i;
    fmpq_t q;
    if (W == NULL)
        return no_work(e);
    fmpq_init(q);
    cpwl_sched_buf_put_si(out, F->kept[a].gid);
    for (i = a; i < b; i++)
    {
        slong gid = F->kept[i].gid;
        if (stop_seen(G))
        {
            fmpq_clear(q);
            return CPWL_SCHED_STOPPED;
        }
        if (F->have_ex[gid])
            fmpq_set(q, F->ex + gid);
        else
            group_bound(q, G, gid, W);
        cpwl_sched_buf_put_fmpq(out, q);
    }
    fmpq_clear(q);
    return CPWL_OK;
}

static int bounds_collect(slong unit, const char *p, size_t len, void *data,
                          cpwl_err_t e)
{
    phases *F = data;
    slong a = unit * BOUND_BLOCK, b = FLINT_MIN(F->nkeep, a + BOUND_BLOCK), i;
    slong first;
    cpwl_sched_rd rd;
    cpwl_sched_rd_init(&rd, p, len);
    if (cpwl_sched_rd_si(&first, &rd) != 0 || first != F->kept[a].gid)
        return bad_payload(e, "bounds", unit);
    for (i = a; i < b; i++)
    {
        if (cpwl_sched_rd_fmpq(F->kb + i, &rd) != 0)
            return bad_payload(e, "bounds", unit);
        F->kept[i].lb = F->kb + i;
    }
    if (!cpwl_sched_rd_done(&rd))
        return bad_payload(e, "bounds", unit);
    return CPWL_OK;
}

/* Phase visit: unit k is the k-th kept group (rank k + 1). */
static int visit_run(cpwl_sched_buf *out, slong unit, int tid, void *data,
                     cpwl_err_t e)
{
    phases *F = data;
    return erm_visit_run(out, F->G, unit + 1, F->kept[unit].gid,
                         F->kept[unit].lb, tid, e);
}

static int visit_collect(slong unit, const char *p, size_t len, void *data,
                         cpwl_err_t e)
{
    phases *F = data;
    erm_groups *G = F->G;
    int st = erm_visit_take(&F->acc, F->r, G, unit + 1, F->kept[unit].gid, p,
                            len, e);
    /* every unit: callers rate-limit (and tests count units by it) */
    if (st == CPWL_OK && G->o->progress)
        G->o->progress(G->o->progress_data, G->ngroups + unit,
                       G->ngroups + F->nkeep, F->acc.value);
    return st;
}

static void groups_setup(erm_groups *G, const cpwl_erm_data_t data,
                         const cpwl_erm_dich_t S, const cpwl_erm_opts *o,
                         slong ncells, slong u)
{
    slong N = S->count, gmin = (u + 1) / 2, gmax = FLINT_MIN(u, N), g, i, nb;
    slong gi = 0, set[CPWL_ERM_MAX_WIDTH];
    memset(G, 0, sizeof(erm_groups));
    G->data = data;
    G->S = S;
    G->o = o;
    G->u = u;
    G->N = N;
    G->ncells = ncells;
    G->maxc = 1;
    G->binom = erm_binom_table(2 * N, u);
    for (g = gmax; g >= gmin; g--)
    {
        /* C(N, g) groups of C(g, u - g) 2^(2g - u) cells each */
        G->ngroups += G->binom[N * (u + 1) + g];
        G->maxc = FLINT_MAX(G->maxc, G->binom[g * (u + 1) + u - g] << (2 * g - u));
    }
    G->gsets = flint_malloc(G->ngroups * u * sizeof(slong));
    G->gsize = flint_malloc(G->ngroups);
    for (g = gmax; g >= gmin; g--)
    {
        for (i = 0; i < g; i++)
            set[i] = i;
        for (nb = G->binom[N * (u + 1) + g]; nb > 0; nb--, gi++)
        {
            memcpy(G->gsets + gi * u, set, g * sizeof(slong));
            G->gsize[gi] = (unsigned char) g;
            erm_next_comb(set, g, N);
        }
    }
}

static void groups_clear(erm_groups *G)
{
    int t;
    for (t = 0; t < G->nwork; t++)
        if (G->work[t].ready)
        {
            if (G->o->loss == CPWL_QP_SQUARED)
                erm_gram_work_clear(&G->work[t].W);
            flint_free(G->work[t].combs);
            flint_free(G->work[t].idx);
            flint_free(G->work[t].pairs);
            flint_free(G->work[t].tmp);
        }
    flint_free(G->work);
    flint_free(G->gsets);
    flint_free(G->gsize);
    flint_free(G->binom);
}

int erm_solve_groups(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                     const cpwl_erm_dich_t S, const cpwl_erm_opts *o,
                     slong ncells, slong u, cpwl_err_t e)
{
    erm_groups G;
    erm_gram_t Gm;
    cpwl_sched_t own;
    cpwl_sched_struct *s = o->sched;
    phases F;
    group_key first;
    fmpq_t b;
    slong nb, i;
    double best_hi = 0;
    int st, par, nw;

    if (s == NULL)
    {
        /* one process, the caller's threads and interrupt */
        cpwl_sched_init(own);
        own->threads = o->threads;
        own->interrupt = o->interrupt;
        s = own;
    }
    groups_setup(&G, data, S, o, ncells, u);
    G.s = s;
    /* LP bounds run on one thread: cddlib's solves are serialised */
    par = o->loss == CPWL_QP_SQUARED ? CPWL_SCHED_THREADS : 0;
    nw = s->threads > 0 ? s->threads : 1;
#ifdef _OPENMP
    nw = FLINT_MAX(nw, omp_get_max_threads());
#endif
    G.nwork = nw;
    G.work = flint_calloc(nw, sizeof(erm_group_work));
    if (o->loss == CPWL_QP_SQUARED)
        erm_gram_init(Gm, data, S, u, o->output_bias, o->interrupt);
    G.Gm = Gm;
    memset(&F, 0, sizeof(F));
    F.G = &G;
    F.r = r;
    F.key = flint_malloc(G.ngroups * sizeof(group_key));
    F.ex = _fmpq_vec_init(G.ngroups);
    F.have_ex = flint_calloc(G.ngroups, 1);
    erm_visit_acc_init(&F.acc);
    fmpq_init(b);

    st = cpwl_sched_map(s, (G.ngroups + KEY_BLOCK - 1) / KEY_BLOCK, keys_run,
                        &F, keys_collect, &F, CPWL_SCHED_ALL | par, e);
    if (st != CPWL_OK || s->stopped)
        goto out;
    if (o->certificate)
    {
        erm_group_work *W = erm_groups_work(&G, 0);
        r->bounds = _fmpq_vec_init(ncells);
        for (nb = 0; nb < G.ngroups; nb++)
        {
            slong m = erm_group_cells_sorted(&G, nb, W);
            for (i = 0; i < m; i++)
                fmpq_set(r->bounds + W->idx[i], F.ex + nb);
        }
    }

    /* The group of least key first, on every process: its value prunes
       most groups unseen, the same ones everywhere. */
    first = F.key[0];
    for (nb = 1; nb < G.ngroups; nb++)
        if (key_cmp(F.key + nb, &first) < 0)
            first = F.key[nb];
    if (F.have_ex[first.gid])
        fmpq_set(b, F.ex + first.gid);
    else
        group_bound(b, &G, first.gid, erm_groups_work(&G, 0));
    {
        cpwl_sched_buf out;
        cpwl_sched_buf_init(&out);
        st = erm_visit_run(&out, &G, 0, first.gid, b, 0, e);
        if (st == CPWL_OK)
            st = erm_visit_take(&F.acc, r, &G, 0, first.gid, out.data, out.len,
                                e);
        cpwl_sched_buf_clear(&out);
        if (st == CPWL_SCHED_STOPPED)
        {
            st = CPWL_OK;
            s->stopped = 1;
        }
        if (st != CPWL_OK || s->stopped)
            goto out;
    }
    if (F.acc.have)
        best_hi = fmpq_get_d_rnd(F.acc.value, ARF_RND_CEIL);
    F.kept = flint_malloc(FLINT_MAX(G.ngroups, 1) * sizeof(group_key));
    for (nb = 0; nb < G.ngroups; nb++)
        if (nb != first.gid && !(F.acc.have && F.key[nb].lo >= best_hi))
            F.kept[F.nkeep++] = F.key[nb];
    F.kb = _fmpq_vec_init(FLINT_MAX(F.nkeep, 1));
    st = cpwl_sched_map(s, (F.nkeep + BOUND_BLOCK - 1) / BOUND_BLOCK,
                        bounds_run, &F, bounds_collect, &F,
                        CPWL_SCHED_ALL | par, e);
    if (st != CPWL_OK || s->stopped)
        goto out;
    /* The groups kept, by exact bound: best-first */
    qsort(F.kept, F.nkeep, sizeof(group_key), exact_cmp);
    st = cpwl_sched_map(s, F.nkeep, visit_run, &F, visit_collect, &F, 0, e);
    if (st == CPWL_OK)
        st = erm_visit_acc_bcast(&F.acc, s, e);
out:
    if (s->stopped)
        r->stopped = 1;
    if (st == CPWL_OK)
        st = erm_visit_finish(r, &G, &F.acc, e);
    fmpq_clear(b);
    erm_visit_acc_clear(&F.acc);
    if (F.kb != NULL)
        _fmpq_vec_clear(F.kb, FLINT_MAX(F.nkeep, 1));
    flint_free(F.kept);
    flint_free(F.key);
    _fmpq_vec_clear(F.ex, G.ngroups);
    flint_free(F.have_ex);
    if (o->loss == CPWL_QP_SQUARED)
        erm_gram_clear(Gm);
    groups_clear(&G);
    if (s == own)
        cpwl_sched_clear(own);
    return st;
}
