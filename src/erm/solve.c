/* ERM: the search over all cells, best-first with proven lower bounds
   (see cpwl/erm.h). */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "qvec.h"
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

static int solve_cell(erm_result_t r, const erm_data_t data,
                      const erm_dich_t S, const slong *sets, const int *sign,
                      slong u, slong idx, const erm_opts *o, err_t e)
{
    qp_t P;
    qp_sol_t sol;
    int st;
    erm_cell_qp(P, data, S, sets, sign, u, o->loss, o->output_bias);
    qp_sol_init(sol, P);
    st = o->exact_only ? qp_solve_exact(sol, P, e) : qp_solve(sol, P, e);
    if (st == CPWL_OK)
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
        if (!r->have_sol || fmpq_cmp(sol->value, r->optimum) < 0)
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
            return st;
        }
    }
    qp_sol_clear(sol);
    qp_clear(P);
    return st;
}

int erm_solve(erm_result_t r, const erm_data_t data, const erm_opts *o,
              err_t e)
{
    erm_dich_t S;
    slong N, u, total, ncells = 0, i;
    slong *comb = NULL, *sets = NULL, *combs = NULL;
    int *sign = NULL, st = CPWL_OK, stopped;
    fmpz_t count;
    cell_bound *cb = NULL;

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

    if (o->prune)
    {
        /* Best-first: every cell's proven lower bound, then the cells in
           increasing bound until the bound reaches the best value found
           (the remaining cells cannot do better: they are pruned). */
        slong nb;
        int nt = o->threads > 0 ? o->threads : 0;
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
            goto done;
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
    }
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
    if (cb != NULL)
    {
        for (i = 0; i < ncells; i++)
            fmpq_clear(&cb[i].lb);
        flint_free(cb);
    }
    flint_free(comb);
    flint_free(combs);
    flint_free(sets);
    flint_free(sign);
    if (o->certificate)
        r->dich = *S;           /* moved: the certificate lists them */
    else
        erm_dich_clear(S);
    return st;
}
