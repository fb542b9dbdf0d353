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

void cpwl_erm_result_init(cpwl_erm_result_t r)
{
    memset(r, 0, sizeof(cpwl_erm_result_struct));
    fmpq_init(r->optimum);
    cpwl_net_init(r->net, 1);
}

void cpwl_erm_result_clear(cpwl_erm_result_t r)
{
    slong i;
    fmpq_clear(r->optimum);
    flint_free(r->cell);
    flint_free(r->sign);
    if (r->have_sol)
    {
        cpwl_qp_sol_clear(r->sol);
        cpwl_qp_clear(r->qp);
    }
    cpwl_net_clear(r->net);
    cpwl_erm_dich_clear(&r->dich);
    if (r->bounds != NULL)
        _fmpq_vec_clear(r->bounds, r->cells);
    for (i = 0; i < r->nsols; i++)
        cpwl_qp_sol_clear(r->sols + i);
    flint_free(r->sols);
    flint_free(r->sol_cell);
    memset(r, 0, sizeof(cpwl_erm_result_struct));
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
static void sol_copy(cpwl_qp_sol_struct *d, const cpwl_qp_sol_t s, const cpwl_qp_t P)
{
    cpwl_qp_sol_init(d, P);
    fmpq_set(d->value, s->value);
    qvec_set(d->theta, s->theta, P->k);
    qvec_set(d->lambda, s->lambda, P->m);
    qvec_set(d->mu, s->mu, P->D);
    d->by_double = s->by_double;
}

static int solve_cell(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                      const cpwl_erm_dich_t S, const slong *sets, const int *sign,
                      slong u, slong idx, const cpwl_erm_opts *o, cpwl_err_t e)
{
    cpwl_qp_t P;
    cpwl_qp_sol_t sol;
    int st;
    cpwl_erm_cell_qp(P, data, S, sets, sign, u, o->loss, o->output_bias);
    cpwl_qp_sol_init(sol, P);
    st = o->exact_only ? cpwl_qp_solve_exact(sol, P, e) : cpwl_qp_solve(sol, P, e);
    if (st == CPWL_OK)
    {
        r->solved++;
        r->by_double += sol->by_double;
        if (o->certificate)
        {
            r->sols = flint_realloc(r->sols, (r->nsols + 1)
                                    * sizeof(cpwl_qp_sol_struct));
            r->sol_cell = flint_realloc(r->sol_cell, (r->nsols + 1)
                                        * sizeof(slong));
            sol_copy(r->sols + r->nsols, sol, P);
            r->sol_cell[r->nsols++] = idx;
        }
        if (!r->have_sol || fmpq_cmp(sol->value, r->optimum) < 0)
        {
            if (r->have_sol)
            {
                cpwl_qp_sol_clear(r->sol);
                cpwl_qp_clear(r->qp);
            }
            /* The structs own their arrays: move them. */
            *r->qp = *P;
            *r->sol = *sol;
            r->have_sol = 1;
            fmpq_set(r->optimum, sol->value);
            r->opt_cell = idx;
            memcpy(r->cell, sets, u * sizeof(slong));
            memcpy(r->sign, sign, u * sizeof(int));
            return st;
        }
    }
    cpwl_qp_sol_clear(sol);
    cpwl_qp_clear(P);
    return st;
}

/* The previous method (opts->per_cell_bounds): every cell's bound from
   its own subproblem, every cell sorted.  Kept for comparison. */
static int solve_per_cell(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                          const cpwl_erm_dich_t S, const cpwl_erm_opts *o,
                          slong ncells, slong u, cpwl_err_t e)
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
    if (o->loss != CPWL_QP_SQUARED)
        nt = 1;
    /* The bounds are independent: computed in parallel, each by one
       thread, so the result does not depend on the thread count. */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt > 0 ? nt : omp_get_max_threads())
#endif
    for (nb = 0; nb < ncells; nb++)
    {
        cpwl_qp_t P;
        slong csets[CPWL_ERM_MAX_WIDTH];
        int csign[CPWL_ERM_MAX_WIDTH];
        if (o->interrupt && *o->interrupt)
            continue;
        erm_comb_cell(csets, csign, combs + nb * u, u, N);
        cpwl_erm_cell_qp(P, data, S, csets, csign, u, o->loss, o->output_bias);
        cpwl_qp_lower_bound(&cb[nb].lb, P);
        cpwl_qp_clear(P);
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
   elimination, or the exact bound rounded down).  The group of least lo
   is solved first; every group whose lo reaches (a double rounded up
   from) its value has an exact bound at least that value and is pruned
   unseen.  The others get their exact bounds and are visited best-first:
   solved until the bound reaches the best value found. */
typedef struct
{
    double lo;                  /* <= the group's exact bound */
    slong gid;
    const fmpq *lb;             /* its exact bound, once computed */
}
group_key;

static int exact_cmp(const void *a, const void *b)
{
    const group_key *x = a, *y = b;
    int c = fmpq_cmp(x->lb, y->lb);
    return c ? c : (x->gid > y->gid) - (x->gid < y->gid);
}

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

static int slong_pair_cmp(const void *a, const void *b)
{
    const slong *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* The cells of a group, by increasing number; returns their count.  pairs
   has room for 2 m entries, tmp for m u. */
static slong group_cells(slong *combs, slong *idx, slong *pairs, slong *tmp,
                         const slong *set, slong g, slong u, slong N,
                         const slong *binom)
{
    slong m = erm_group_cells(tmp, set, g, u, N), i;
    for (i = 0; i < m; i++)
    {
        pairs[2 * i] = erm_comb_rank(tmp + i * u, u, 2 * N, binom);
        pairs[2 * i + 1] = i;
    }
    qsort(pairs, m, 2 * sizeof(slong), slong_pair_cmp);
    for (i = 0; i < m; i++)
    {
        idx[i] = pairs[2 * i];
        memcpy(combs + i * u, tmp + pairs[2 * i + 1] * u, u * sizeof(slong));
    }
    return m;
}

typedef struct
{
    const cpwl_erm_data_struct *data;
    const cpwl_erm_dich_struct *S;
    const cpwl_erm_opts *o;
    erm_gram_struct *Gm;        /* squared loss */
    slong u, N;
    const slong *gsets, *binom;
    const unsigned char *gsize;
    slong *combs, *idx, *pairs, *tmp;
    double best_hi;             /* >= the best value found */
}
group_ctx;

/* The exact bound of group gid. */
static void group_bound(fmpq_t lb, const group_ctx *G, slong gid,
                        erm_gram_work *W)
{
    const slong *set = G->gsets + gid * G->u;
    slong g = G->gsize[gid], i;
    if (G->o->loss == CPWL_QP_SQUARED)
        erm_gram_bound(lb, G->Gm, set, g, W);
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

/* Visit group gid: prune it on its exact bound lb, or solve its cells in
   enumeration order until the best value reaches lb.  Sequentially: the
   exact fallback of the squared loss (sq_exact in qp/squared.c) uses cddlib,
   whose solves lp.c serialises: threads would wait for each other. */
static int group_visit(cpwl_erm_result_t r, group_ctx *G, slong gid,
                       const fmpq_t lb, cpwl_err_t e)
{
    slong i, m, u = G->u;
    slong sets[CPWL_ERM_MAX_WIDTH];
    int sign[CPWL_ERM_MAX_WIDTH], st = CPWL_OK;
    if (r->have_sol && fmpq_cmp(lb, r->optimum) >= 0)
        return st;
    m = group_cells(G->combs, G->idx, G->pairs, G->tmp,
                    G->gsets + gid * u, G->gsize[gid], u, G->N, G->binom);
    for (i = 0; i < m; i++)
    {
        if (r->have_sol && fmpq_cmp(lb, r->optimum) >= 0)
            break;
        erm_comb_cell(sets, sign, G->combs + i * u, u, G->N);
        if ((st = solve_cell(r, G->data, G->S, sets, sign, u, G->idx[i],
                             G->o, e)) != CPWL_OK)
            break;
        if (G->o->interrupt && *G->o->interrupt)
        {
            r->stopped = 1;
            break;
        }
    }
    if (r->have_sol)
        G->best_hi = fmpq_get_d_rnd(r->optimum, ARF_RND_CEIL);
    return st;
}

static int solve_groups(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                        const cpwl_erm_dich_t S, const cpwl_erm_opts *o, slong ncells,
                        slong u, cpwl_err_t e)
{
    slong N = S->count, gmin = (u + 1) / 2, gmax = FLINT_MIN(u, N);
    slong ngroups = 0, nkeep, g, i, nb, maxc = 1, *gsets, *binom;
    unsigned char *gsize;
    fmpq *lb = NULL, *kb;
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
        slong gi = 0, set[CPWL_ERM_MAX_WIDTH];
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
    if (o->loss == CPWL_QP_SQUARED)
        erm_gram_init(Gm, data, S, u, o->output_bias, o->interrupt);
    else
        nt = 1;                 /* LP bounds: cddlib's solves are serialised */
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
    G.pairs = flint_malloc(2 * maxc * sizeof(slong));
    G.tmp = flint_malloc(maxc * u * sizeof(slong));
    G.combs = flint_malloc(maxc * u * sizeof(slong));
    G.idx = flint_malloc(maxc * sizeof(slong));
    G.best_hi = 0;

    /* The keys are independent: computed in parallel, each by one thread,
       so the result does not depend on the thread count. */
#ifdef _OPENMP
#pragma omp parallel num_threads(nt > 0 ? nt : omp_get_max_threads()) if (ngroups >= 1024)
#endif
    {
        erm_gram_work Wt;
        fmpq_t t;
        fmpq_init(t);
        if (o->loss == CPWL_QP_SQUARED)
            erm_gram_work_init(&Wt, Gm, u);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 256)
#endif
        for (nb = 0; nb < ngroups; nb++)
        {
            double lo = -1;
            if (o->interrupt && *o->interrupt)
                continue;
            if (lb == NULL && o->loss == CPWL_QP_SQUARED)
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
            key[nb].lb = NULL;
#ifdef _OPENMP
            if (omp_get_thread_num() == 0)
#endif
            if (o->progress && (nb & 1023) == 0)
                o->progress(o->progress_data, nb, 2 * ngroups, r->optimum);
        }
        if (o->loss == CPWL_QP_SQUARED)
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
            slong m = group_cells(G.combs, G.idx, G.pairs, G.tmp,
                                  gsets + nb * u, gsize[nb], u, N, binom);
            for (i = 0; i < m; i++)
                fmpq_set(r->bounds + G.idx[i], lb + nb);
        }
    }

    /* The group of least key first: its value prunes most groups unseen */
    fmpq_init(b);
    if (o->loss == CPWL_QP_SQUARED)
        erm_gram_work_init(&W, Gm, u);
    first = key[0];
    for (nb = 1; nb < ngroups; nb++)
        if (key_cmp(key + nb, &first) < 0)
            first = key[nb];
    if (lb != NULL)
        fmpq_set(b, lb + first.gid);
    else
        group_bound(b, &G, first.gid, &W);
    st = group_visit(r, &G, first.gid, b, e);
    for (nb = nkeep = 0; nb < ngroups; nb++)
        if (key[nb].gid != first.gid
            && !(r->have_sol && key[nb].lo >= G.best_hi))
            key[nkeep++] = key[nb];
    /* The groups kept, by exact bound: best-first */
    kb = _fmpq_vec_init(FLINT_MAX(nkeep, 1));
#ifdef _OPENMP
#pragma omp parallel num_threads(nt > 0 ? nt : omp_get_max_threads()) if (nkeep >= 256)
#endif
    {
        erm_gram_work Wt;
        if (o->loss == CPWL_QP_SQUARED)
            erm_gram_work_init(&Wt, Gm, u);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 64)
#endif
        for (nb = 0; nb < nkeep; nb++)
        {
            if (o->interrupt && *o->interrupt)
                continue;
            if (lb != NULL)
                fmpq_set(kb + nb, lb + key[nb].gid);
            else
                group_bound(kb + nb, &G, key[nb].gid, &Wt);
            key[nb].lb = kb + nb;
        }
        if (o->loss == CPWL_QP_SQUARED)
            erm_gram_work_clear(&Wt);
    }
    if (o->interrupt && *o->interrupt)
        r->stopped = 1;
    else
        qsort(key, nkeep, sizeof(group_key), exact_cmp);
    for (nb = 0; nb < nkeep && st == CPWL_OK && !r->stopped; nb++)
    {
        if (r->have_sol && fmpq_cmp(key[nb].lb, r->optimum) >= 0)
            break;              /* this group and every later one */
        st = group_visit(r, &G, key[nb].gid, key[nb].lb, e);
        if (o->progress && (nb & 63) == 0)
            o->progress(o->progress_data, ngroups + nb, ngroups + nkeep,
                        r->optimum);
    }
    _fmpq_vec_clear(kb, FLINT_MAX(nkeep, 1));
    r->pruned = r->stopped ? 0 : ncells - r->solved;
    fmpq_clear(b);
    if (o->loss == CPWL_QP_SQUARED)
        erm_gram_work_clear(&W);
out:
    if (o->loss == CPWL_QP_SQUARED)
        erm_gram_clear(Gm);
    if (lb != NULL)
        _fmpq_vec_clear(lb, ngroups);
    flint_free(key);
    flint_free(gsets);
    flint_free(gsize);
    flint_free(G.combs);
    flint_free(G.idx);
    flint_free(G.pairs);
    flint_free(G.tmp);
    flint_free(binom);
    return st;
}

int cpwl_erm_solve(cpwl_erm_result_t r, const cpwl_erm_data_t data, const cpwl_erm_opts *o,
                   cpwl_err_t e)
{
    cpwl_erm_dich_t S;
    slong N, u, total, ncells = 0, i;
    slong *comb = NULL, *sets = NULL;
    int *sign = NULL, st = CPWL_OK, stopped;
    fmpz_t count;

    if (o->width < 1 || o->width > CPWL_ERM_MAX_WIDTH)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the width must be between 1 and "
                            "%d", CPWL_ERM_MAX_WIDTH);
    if (o->loss == CPWL_QP_HINGE)
        for (i = 0; i < data->D; i++)
            if (!fmpq_is_one(data->y + i) && !fmpq_equal_si(data->y + i, -1))
                return cpwl_err_set(e, CPWL_ERR_INPUT, "hinge loss needs labels "
                                    "+1 or -1; row %ld has another label",
                                    (long) i + 1);
    cpwl_erm_dich_init(S);
    st = data->n == 1
         ? cpwl_erm_dichotomies_line(S, &stopped, data, o->interrupt, e)
         : cpwl_erm_dichotomies_regions(S, &stopped, data, o->interrupt, o->pred,
                                        e);
    if (st != CPWL_OK)
    {
        cpwl_erm_dich_clear(S);
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
    cpwl_erm_count_cells(count, N, o->width);
    r->dichotomies = N;
    if (fmpz_cmp_si(count, CPWL_ERM_HARD_MAX_CELLS) > 0
        || (o->max_cells > 0 && fmpz_cmp_si(count, o->max_cells) > 0))
    {
        char *s = fmpz_get_str(NULL, 10, count);
        if (fmpz_cmp_si(count, CPWL_ERM_HARD_MAX_CELLS) > 0)
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s convex subproblems (%ld "
                              "dichotomies, width %ld) are more than this "
                         "implementation can hold in memory (%ld)", s,
                         (long) N, (long) o->width,
                         (long) CPWL_ERM_HARD_MAX_CELLS);
        else
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s convex subproblems (%ld "
                              "dichotomies, width %ld) is more than `max_cells` "
                         "%ld; raise `max_cells` to go on", s, (long) N,
                         (long) o->width, (long) o->max_cells);
        flint_free(s);
        fmpz_clear(count);
        cpwl_erm_dich_clear(S);
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
        st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "no dichotomies");
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
        cpwl_erm_cell_net(r->net, data, r->sign, u, o->width, r->sol->theta,
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
        cpwl_erm_dich_clear(S);
    return st;
}
