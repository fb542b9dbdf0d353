/* ERM, the previous method (opts->per_cell_bounds): every cell's bound
   from its own subproblem, every cell sorted.  Kept for comparison; it
   runs on one process (with many, each computes the whole). */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "cpwl/erm.h"
#include "erm_impl.h"

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

/* The previous method (opts->per_cell_bounds): every cell's bound from
   its own subproblem, every cell sorted.  Kept for comparison. */
int erm_solve_per_cell(cpwl_erm_result_t r, const cpwl_erm_data_t data,
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
        if ((st = erm_solve_cell(r, data, S, sets, sign, u, cb[i].idx, o, e))
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

