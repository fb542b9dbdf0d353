/* ERM: the search over all cells, best-first with proven lower bounds
   (see cpwl/erm.h). */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "qvec.h"
#include "cpwl/arbcompat.h"
#include "cpwl/erm.h"
#include "erm_impl.h"

void erm_result_init(erm_result_t r)
{
    memset(r, 0, sizeof(erm_result_struct));
    fmpq_init(r->optimum);
    net_init(r->net, 1);
}

void erm_result_clear(erm_result_t r)
{
    slong i;
    fmpq_clear(r->optimum);
    flint_free(r->cell);
    flint_free(r->sign);
    if (r->have_sol)
    {
        qp_sol_clear(r->sol);
        qp_clear(r->qp);
    }
    net_clear(r->net);
    erm_dich_clear(&r->dich);
    if (r->bounds != NULL)
        _fmpq_vec_clear(r->bounds, r->cells);
    for (i = 0; i < r->nsols; i++)
        qp_sol_clear(r->sols + i);
    flint_free(r->sols);
    flint_free(r->sol_cell);
    memset(r, 0, sizeof(erm_result_struct));
}

typedef struct
{
    fmpq lb;                    /* lower bound of the cell */
    slong idx;                  /* its number in the enumeration */
}
cell_bound;

static int bound_cmp(const void *a, const void *b)
{
    const cell_bound *x = a, *y = b;
    int c = fmpq_cmp(&x->lb, &y->lb);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Solve one cell; keep it when it improves on the best. */
static void sol_copy(qp_sol_struct *d, const qp_sol_t s, const qp_t P)
{
    qp_sol_init(d, P);
    fmpq_set(d->value, s->value);
    qvec_set(d->theta, s->theta, P->k);
    qvec_set(d->lambda, s->lambda, P->m);
    qvec_set(d->mu, s->mu, P->D);
    d->by_double = s->by_double;
}

/* By numerators and denominators: fmpq_cmp here trips a false
   -Wstringop-overread in GCC's scalar replacement of cell_record. */
static int qp_sol_better(const qp_sol_struct *sol, const fmpq *best)
{
    return _fmpq_cmp(fmpq_numref(sol->value), fmpq_denref(sol->value),
                     fmpq_numref(best), fmpq_denref(best)) < 0;
}

/* Count a solved cell and keep it when it improves on the best: P and
   sol are moved into r, or cleared. */
static void cell_record(erm_result_t r, qp_t P, qp_sol_t sol,
                        const slong *sets, const int *sign, slong u,
                        slong idx, const erm_opts *o)
{
    r->solved++;
    r->by_double += sol->by_double;
    if (o->certificate)
    {
        r->sols = flint_realloc(r->sols, (r->nsols + 1)
                                * sizeof(qp_sol_struct));
        r->sol_cell = flint_realloc(r->sol_cell, (r->nsols + 1)
                                    * sizeof(slong));
        sol_copy(r->sols + r->nsols, sol, P);
        r->sol_cell[r->nsols++] = idx;
    }
    if (!r->have_sol || qp_sol_better(sol, r->optimum))
    {
        if (r->have_sol)
        {
            qp_sol_clear(r->sol);
            qp_clear(r->qp);
        }
        /* The structs own their arrays: move them. */
        *r->qp = *P;
        *r->sol = *sol;
        r->have_sol = 1;
        fmpq_set(r->optimum, sol->value);
        r->opt_cell = idx;
        memcpy(r->cell, sets, u * sizeof(slong));
        memcpy(r->sign, sign, u * sizeof(int));
        return;
    }
    qp_sol_clear(sol);
    qp_clear(P);
}

/* Build and solve a cell's subproblem (P and sol initialised). */
static int cell_solve(qp_struct *P, qp_sol_struct *sol,
                      const erm_data_t data, const erm_dich_t S,
                      const slong *sets, const int *sign, slong u,
                      const erm_opts *o, err_t e)
{
    erm_cell_qp(P, data, S, sets, sign, u, o->loss, o->output_bias);
    qp_sol_init(sol, P);
    return o->exact_only ? qp_solve_exact(sol, P, e) : qp_solve(sol, P, e);
}

static int solve_cell(erm_result_t r, const erm_data_t data,
                      const erm_dich_t S, const slong *sets, const int *sign,
                      slong u, slong idx, const erm_opts *o, err_t e)
{
    qp_t P;
    qp_sol_t sol;
    int st = cell_solve(P, sol, data, S, sets, sign, u, o, e);
    if (st == CPWL_OK)
        cell_record(r, P, sol, sets, sign, u, idx, o);
    else
    {
        qp_sol_clear(sol);
        qp_clear(P);
    }
    return st;
}

/* The previous method (opts->per_cell_bounds): every cell's bound from
   its own subproblem, every cell sorted.  Kept for comparison. */
static int solve_per_cell(erm_result_t r, const erm_data_t data,
                          const erm_dich_t S, const erm_opts *o,
                          slong ncells, slong u, err_t e)
{
    slong N = S->count, total = 2 * N, i, nb;
    int nt = o->threads > 0 ? o->threads : 0;
    slong *comb, *sets, *combs = NULL;
    int *sign, st = CPWL_OK;
    cell_bound *cb = NULL;
    comb = flint_malloc(u * sizeof(slong));
    sets = flint_malloc(u * sizeof(slong));
    sign = flint_malloc(u * sizeof(int));
    for (i = 0; i < u; i++)
        comb[i] = i;
    /* Best-first: every cell's proven lower bound, then the cells in
       increasing bound until the bound reaches the best value found
       (the remaining cells cannot do better: they are pruned). */
    combs = flint_malloc(ncells * u * sizeof(slong));
    cb = flint_malloc(ncells * sizeof(cell_bound));
    for (nb = 0; nb < ncells; nb++)
    {
        fmpq_init(&cb[nb].lb);
        cb[nb].idx = nb;
        memcpy(combs + nb * u, comb, u * sizeof(slong));
        erm_next_comb(comb, u, total);
    }
    if (o->loss != QP_SQUARED)
        nt = 1;
    /* The bounds are independent: computed in parallel, each by one
       thread, so the result does not depend on the thread count. */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt > 0 ? nt : omp_get_max_threads())
#endif
    for (nb = 0; nb < ncells; nb++)
    {
        qp_t P;
        slong csets[ERM_MAX_WIDTH];
        int csign[ERM_MAX_WIDTH];
        if (o->interrupt && *o->interrupt)
            continue;
        erm_comb_cell(csets, csign, combs + nb * u, u, N);
        erm_cell_qp(P, data, S, csets, csign, u, o->loss, o->output_bias);
        qp_lower_bound(&cb[nb].lb, P);
        qp_clear(P);
#ifdef _OPENMP
        if (omp_get_thread_num() == 0)
#endif
        if (o->progress && (nb & 1023) == 0)
            o->progress(o->progress_data, nb, 2 * ncells, r->optimum);
    }
    if (o->interrupt && *o->interrupt)
    {
        /* interrupted while bounding: no value yet */
        for (i = 0; i < ncells; i++)
            fmpq_clear(&cb[i].lb);
        flint_free(cb);
        cb = NULL;
        r->stopped = 1;
        goto out;
    }
    if (o->certificate)
    {
        r->bounds = _fmpq_vec_init(ncells);
        for (i = 0; i < ncells; i++)
            fmpq_set(r->bounds + i, &cb[i].lb);
    }
    qsort(cb, ncells, sizeof(cell_bound), bound_cmp);
    for (i = 0; i < ncells; i++)
    {
        if (r->have_sol && fmpq_cmp(&cb[i].lb, r->optimum) >= 0)
            break;
        erm_comb_cell(sets, sign, combs + cb[i].idx * u, u, N);
        if ((st = solve_cell(r, data, S, sets, sign, u, cb[i].idx, o, e))
            != CPWL_OK)
            break;
        if (o->interrupt && *o->interrupt)
        {
            r->stopped = i + 1 < ncells;
            break;
        }
        if (o->progress && (i & 63) == 0)
            o->progress(o->progress_data, ncells + i, 2 * ncells,
                        r->optimum);
    }
    r->pruned = r->stopped ? 0 : ncells - r->solved;
    for (i = 0; i < ncells; i++)
        fmpq_clear(&cb[i].lb);
    flint_free(cb);
out:
    flint_free(comb);
    flint_free(combs);
    flint_free(sets);
    flint_free(sign);
    return st;
}

/* Groups: the cells with the same set of distinct dichotomies have the
   same relaxation (cpwl/erm.h, src/erm/gram.c), so one bound serves them
   all, and it is computed from Gram blocks.  Each group first gets a
   double lo proven to be at most its exact bound (an interval
   elimination, or the exact bound rounded down); the groups are visited by
   increasing lo.  Once lo reaches (a double rounded up from) the best
   value found, every remaining group has an exact bound at least the best
   value and is pruned; before that a group is pruned on its exact bound,
   computed then, else its cells are solved in enumeration order. */
/* Cells solved together (in parallel) between updates of the best value:
   8 in the first batch, twice as many in each next one, up to 512 (the
   first values found prune most, so early batches are small); never a
   function of the number of threads, so that neither are the cells
   solved. */
#define ERM_BATCH 512

typedef struct
{
    double lo;                  /* <= the group's exact bound */
    slong gid;
}
group_key;

static int key_cmp(const void *a, const void *b)
{
    const group_key *x = a, *y = b;
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

/* The cells of a group, by increasing number; returns their count. */
static slong group_cells(slong *combs, slong *idx, const slong *set, slong g,
                         slong u, slong N, const slong *binom)
{
    slong m = erm_group_cells(combs, set, g, u, N), i, j;
    for (i = 0; i < m; i++)
        idx[i] = erm_comb_rank(combs + i * u, u, 2 * N, binom);
    /* insertion sort of (idx, comb): groups have few cells */
    for (i = 1; i < m; i++)
        for (j = i; j > 0 && idx[j - 1] > idx[j]; j--)
        {
            slong t = idx[j], k;
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
            for (k = 0; k < u; k++)
            {
                t = combs[j * u + k];
                combs[j * u + k] = combs[(j - 1) * u + k];
                combs[(j - 1) * u + k] = t;
            }
        }
    return m;
}

typedef struct
{
    const erm_data_struct *data;
    const erm_dich_struct *S;
    const erm_opts *o;
    erm_gram_struct *Gm;        /* squared loss */
    slong u, N;
    const slong *gsets, *binom;
    const unsigned char *gsize;
    slong *combs, *idx;
    double best_hi;             /* >= the best value found */
    int nt;                     /* threads */
    /* the batch: cells, their subproblems, solutions and statuses */
    slong *sets;
    int *sign, *sts;
    qp_struct *P;
    qp_sol_struct *sol;
    err_struct *es;
}
group_ctx;

/* The exact bound of group gid. */
static void group_bound(fmpq_t lb, const group_ctx *G, slong gid,
                        erm_gram_work *W)
{
    const slong *set = G->gsets + gid * G->u;
    slong g = G->gsize[gid], i;
    if (G->o->loss == QP_SQUARED)
        erm_gram_bound(lb, G->Gm, set, g, W);
    else
    {
        /* the relaxation depends on the span only: one +1 unit per
           dichotomy */
        qp_t P;
        int psign[ERM_MAX_WIDTH];
        for (i = 0; i < g; i++)
            psign[i] = 1;
        erm_cell_qp(P, G->data, G->S, set, psign, g, G->o->loss,
                    G->o->output_bias);
        qp_lower_bound(lb, P);
        qp_clear(P);
    }
}

/* Solve the m cells in G->combs (numbers G->idx), in parallel for the
   squared loss (cddlib, used for l1 and hinge, is not thread-safe), and
   record them in order: the result does not depend on the number of
   threads.  One parallel region per batch of cells, not per cell or
   group: on a loaded machine every region's barrier costs. */
static int solve_batch(erm_result_t r, group_ctx *G, slong m, err_t e)
{
    slong i, u = G->u;
    int st = CPWL_OK;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(G->o->loss == QP_SQUARED ? G->nt : 1) if (m >= 16)
#endif
    for (i = 0; i < m; i++)
    {
        err_init(G->es + i);
        erm_comb_cell(G->sets + i * u, G->sign + i * u, G->combs + i * u, u,
                      G->N);
        G->sts[i] = cell_solve(G->P + i, G->sol + i, G->data, G->S,
                               G->sets + i * u, G->sign + i * u, u, G->o,
                               G->es + i);
    }
    for (i = 0; i < m; i++)
    {
        if (st == CPWL_OK && G->sts[i] == CPWL_OK)
        {
            cell_record(r, G->P + i, G->sol + i, G->sets + i * u,
                        G->sign + i * u, u, G->idx[i], G->o);
            continue;
        }
        if (st == CPWL_OK)
        {
            st = G->sts[i];
            *e = G->es[i];
        }
        qp_sol_clear(G->sol + i);
        qp_clear(G->P + i);
    }
    if (r->have_sol)
        G->best_hi = fmpq_get_d_rnd(r->optimum, ARF_RND_CEIL);
    if (G->o->interrupt && *G->o->interrupt)
        r->stopped = 1;
    return st;
}

/* Append the cells of group gid to the batch of m cells, unless its exact
   bound lb prunes it; returns the new m. */
static slong batch_add(group_ctx *G, slong m, slong gid, const fmpq_t lb,
                       const erm_result_t r)
{
    if (r->have_sol && fmpq_cmp(lb, r->optimum) >= 0)
        return m;
    return m + group_cells(G->combs + m * G->u, G->idx + m,
                           G->gsets + gid * G->u, G->gsize[gid], G->u, G->N,
                           G->binom);
}

static int solve_groups(erm_result_t r, const erm_data_t data,
                        const erm_dich_t S, const erm_opts *o, slong ncells,
                        slong u, err_t e)
{
    slong N = S->count, gmin = (u + 1) / 2, gmax = FLINT_MIN(u, N);
    slong ngroups = 0, nkeep, g, i, nb, maxc = 1, batch, *gsets, *binom;
    unsigned char *gsize;
    fmpq *lb = NULL;
    fmpq_t b;
    group_key *key, first;
    erm_gram_t Gm;
    erm_gram_work W;
    group_ctx G;
    int nt = o->threads > 0 ? o->threads : 0, st = CPWL_OK;

    binom = erm_binom_table(2 * N, u);
    for (g = gmax; g >= gmin; g--)
    {
        /* C(N, g) groups of C(g, u - g) 2^(2g - u) cells each */
        ngroups += binom[N * (u + 1) + g];
        maxc = FLINT_MAX(maxc, binom[g * (u + 1) + u - g] << (2 * g - u));
    }
    gsets = flint_malloc(ngroups * u * sizeof(slong));
    gsize = flint_malloc(ngroups);
    key = flint_malloc(ngroups * sizeof(group_key));
    {
        slong gi = 0, set[ERM_MAX_WIDTH];
        for (g = gmax; g >= gmin; g--)
        {
            for (i = 0; i < g; i++)
                set[i] = i;
            for (nb = binom[N * (u + 1) + g]; nb > 0; nb--, gi++)
            {
                memcpy(gsets + gi * u, set, g * sizeof(slong));
                gsize[gi] = (unsigned char) g;
                erm_next_comb(set, g, N);
            }
        }
    }
    if (o->loss == QP_SQUARED)
        erm_gram_init(Gm, data, S, o->output_bias);
    else
        nt = 1;                 /* cddlib is not thread-safe */
    /* the certificate lists every cell's exact bound */
    if (o->certificate)
        lb = _fmpq_vec_init(ngroups);
    G.data = data;
    G.S = S;
    G.o = o;
    G.Gm = Gm;
    G.u = u;
    G.N = N;
    G.gsets = gsets;
    G.gsize = gsize;
    G.binom = binom;
    maxc += ERM_BATCH;
    G.combs = flint_malloc(maxc * u * sizeof(slong));
    G.idx = flint_malloc(maxc * sizeof(slong));
    G.sets = flint_malloc(maxc * u * sizeof(slong));
    G.sign = flint_malloc(maxc * u * sizeof(int));
    G.sts = flint_malloc(maxc * sizeof(int));
    G.P = flint_malloc(maxc * sizeof(qp_struct));
    G.sol = flint_malloc(maxc * sizeof(qp_sol_struct));
    G.es = flint_malloc(maxc * sizeof(err_struct));
    G.best_hi = 0;
#ifdef _OPENMP
    G.nt = o->threads > 0 ? o->threads : omp_get_max_threads();
#else
    G.nt = 1;
#endif

    /* The keys are independent: computed in parallel, each by one thread,
       so the result does not depend on the thread count. */
#ifdef _OPENMP
#pragma omp parallel num_threads(nt > 0 ? nt : omp_get_max_threads())
#endif
    {
        erm_gram_work Wt;
        fmpq_t t;
        fmpq_init(t);
        if (o->loss == QP_SQUARED)
            erm_gram_work_init(&Wt, Gm, u);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 256)
#endif
        for (nb = 0; nb < ngroups; nb++)
        {
            double lo = -1;
            if (o->interrupt && *o->interrupt)
                continue;
            if (lb == NULL && o->loss == QP_SQUARED)
                lo = erm_gram_bound_lo(Gm, gsets + nb * u, gsize[nb], &Wt);
            if (lo <= 0)
            {
                /* no filter, or it cannot tell: the exact bound */
                fmpq *q = lb != NULL ? lb + nb : t;
                group_bound(q, &G, nb, &Wt);
                lo = fmpq_get_d_rnd(q, ARF_RND_FLOOR);
            }
            key[nb].lo = lo;
            key[nb].gid = nb;
#ifdef _OPENMP
            if (omp_get_thread_num() == 0)
#endif
            if (o->progress && (nb & 1023) == 0)
                o->progress(o->progress_data, nb, 2 * ngroups, r->optimum);
        }
        if (o->loss == QP_SQUARED)
            erm_gram_work_clear(&Wt);
        fmpq_clear(t);
    }
    if (o->interrupt && *o->interrupt)
    {
        /* interrupted while bounding: no value yet */
        r->stopped = 1;
        goto out;
    }
    if (o->certificate)
    {
        r->bounds = _fmpq_vec_init(ncells);
        for (nb = 0; nb < ngroups; nb++)
        {
            slong m = group_cells(G.combs, G.idx, gsets + nb * u, gsize[nb],
                                  u, N, binom);
            for (i = 0; i < m; i++)
                fmpq_set(r->bounds + G.idx[i], lb + nb);
        }
    }

    /* The group of least key first: its value prunes most groups before
       the sort. */
    fmpq_init(b);
    if (o->loss == QP_SQUARED)
        erm_gram_work_init(&W, Gm, u);
    first = key[0];
    for (nb = 1; nb < ngroups; nb++)
        if (key_cmp(key + nb, &first) < 0)
            first = key[nb];
    if (lb != NULL)
        fmpq_set(b, lb + first.gid);
    else
        group_bound(b, &G, first.gid, &W);
    st = solve_batch(r, &G, batch_add(&G, 0, first.gid, b, r), e);
    for (nb = nkeep = 0; nb < ngroups; nb++)
        if (key[nb].gid != first.gid
            && !(r->have_sol && key[nb].lo >= G.best_hi))
            key[nkeep++] = key[nb];
    qsort(key, nkeep, sizeof(group_key), key_cmp);
    nb = 0;
    batch = 8;
    while (nb < nkeep && st == CPWL_OK && !r->stopped)
    {
        /* a batch of groups in key order, each pruned on the best value
           at the start of the batch */
        slong m = 0;
        for (; nb < nkeep && m < batch; nb++)
        {
            slong gid = key[nb].gid;
            if (r->have_sol && key[nb].lo >= G.best_hi)
            {
                nb = nkeep;     /* this one and every later one */
                break;
            }
            if (lb != NULL)
                fmpq_set(b, lb + gid);
            else
                group_bound(b, &G, gid, &W);
            m = batch_add(&G, m, gid, b, r);
        }
        st = solve_batch(r, &G, m, e);
        batch = FLINT_MIN(2 * batch, ERM_BATCH);
        if (o->progress)
            o->progress(o->progress_data, ngroups + nb, 2 * ngroups,
                        r->optimum);
    }
    r->pruned = r->stopped ? 0 : ncells - r->solved;
    fmpq_clear(b);
    if (o->loss == QP_SQUARED)
        erm_gram_work_clear(&W);
out:
    if (o->loss == QP_SQUARED)
        erm_gram_clear(Gm);
    if (lb != NULL)
        _fmpq_vec_clear(lb, ngroups);
    flint_free(key);
    flint_free(gsets);
    flint_free(gsize);
    flint_free(G.combs);
    flint_free(G.idx);
    flint_free(G.sets);
    flint_free(G.sign);
    flint_free(G.sts);
    flint_free(G.P);
    flint_free(G.sol);
    flint_free(G.es);
    flint_free(binom);
    return st;
}

int erm_solve(erm_result_t r, const erm_data_t data, const erm_opts *o,
              err_t e)
{
    erm_dich_t S;
    slong N, u, total, ncells = 0, i;
    slong *comb = NULL, *sets = NULL;
    int *sign = NULL, st = CPWL_OK, stopped;
    fmpz_t count;

    if (o->width < 1 || o->width > ERM_MAX_WIDTH)
        return err_set(e, CPWL_ERR_INPUT, "the width must be between 1 and "
                       "%d", ERM_MAX_WIDTH);
    if (o->loss == QP_HINGE)
        for (i = 0; i < data->D; i++)
            if (!fmpq_is_one(data->y + i) && !fmpq_equal_si(data->y + i, -1))
                return err_set(e, CPWL_ERR_INPUT, "hinge loss needs labels "
                               "+1 or -1; row %ld has another label",
                               (long) i + 1);
    erm_dich_init(S);
    st = data->n == 1
         ? erm_dichotomies_line(S, &stopped, data, o->interrupt, e)
         : erm_dichotomies_regions(S, &stopped, data, o->interrupt, o->pred,
                                   e);
    if (st != CPWL_OK)
    {
        erm_dich_clear(S);
        return st;
    }
    if (stopped)
    {
        r->stopped = 1;
        goto done;
    }
    N = S->count;
    u = FLINT_MIN(o->width, 2 * N);
    total = 2 * N;
    fmpz_init(count);
    erm_count_cells(count, N, o->width);
    r->dichotomies = N;
    if (fmpz_cmp_si(count, ERM_HARD_MAX_CELLS) > 0
        || (o->max_cells > 0 && fmpz_cmp_si(count, o->max_cells) > 0))
    {
        char *s = fmpz_get_str(NULL, 10, count);
        if (fmpz_cmp_si(count, ERM_HARD_MAX_CELLS) > 0)
            st = err_set(e, CPWL_ERR_INPUT, "%s convex subproblems (%ld "
                         "dichotomies, width %ld) are more than this "
                         "implementation can hold in memory (%ld)", s,
                         (long) N, (long) o->width,
                         (long) ERM_HARD_MAX_CELLS);
        else
            st = err_set(e, CPWL_ERR_INPUT, "%s convex subproblems (%ld "
                         "dichotomies, width %ld) is more than --max-cells "
                         "%ld; raise --max-cells to go on", s, (long) N,
                         (long) o->width, (long) o->max_cells);
        flint_free(s);
        fmpz_clear(count);
        erm_dich_clear(S);
        return st;
    }
    ncells = fmpz_get_si(count);
    fmpz_clear(count);
    r->cells = ncells;
    r->units = u;
    r->cell = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    r->sign = flint_malloc(FLINT_MAX(u, 1) * sizeof(int));
    comb = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    sets = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    sign = flint_malloc(FLINT_MAX(u, 1) * sizeof(int));
    for (i = 0; i < u; i++)
        comb[i] = i;

    if (u == 0)
    {
        /* No nonempty dichotomy (cannot happen for D >= 1) */
        st = err_set(e, CPWL_ERR_INTERNAL, "no dichotomies");
        goto done;
    }

    if (o->prune && o->per_cell_bounds)
        st = solve_per_cell(r, data, S, o, ncells, u, e);
    else if (o->prune)
        st = solve_groups(r, data, S, o, ncells, u, e);
    else
    {
        for (i = 0; i < ncells; i++)
        {
            erm_comb_cell(sets, sign, comb, u, N);
            if ((st = solve_cell(r, data, S, sets, sign, u, i, o, e))
                != CPWL_OK)
                break;
            erm_next_comb(comb, u, total);
            if (o->interrupt && *o->interrupt)
            {
                r->stopped = i + 1 < ncells;
                break;
            }
            if (o->progress && (i & 63) == 0)
                o->progress(o->progress_data, i, ncells, r->optimum);
        }
    }
    if (st == CPWL_OK && r->have_sol)
        erm_cell_net(r->net, data, r->sign, u, o->width, r->sol->theta,
                     o->output_bias);
done:
    if (st == CPWL_OK && r->stopped && !r->have_sol)
    {
        /* The zero network is in every cell: its loss bounds the optimum
           from above even before anything was solved. */
        fmpq_t z;
        fmpq_init(z);
        fmpq_zero(r->optimum);
        for (i = 0; i < data->D; i++)
            erm_add_loss(r->optimum, z, data->y + i, o->loss);
        fmpq_clear(z);
        r->zero_bound = 1;
    }
    flint_free(comb);
    flint_free(sets);
    flint_free(sign);
    if (o->certificate)
        r->dich = *S;           /* moved: the certificate lists them */
    else
        erm_dich_clear(S);
    return st;
}
