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

/* A copy of solution s (its structs own their arrays). */
void erm_sol_copy(cpwl_qp_sol_struct *d, const cpwl_qp_sol_t s)
{
    cpwl_qp_struct shape;
    /* cpwl_qp_sol_init reads the sizes alone */
    memset(&shape, 0, sizeof(shape));
    shape.k = s->k;
    shape.m = s->m;
    shape.D = s->D;
    cpwl_qp_sol_init(d, &shape);
    fmpq_set(d->value, s->value);
    qvec_set(d->theta, s->theta, s->k);
    qvec_set(d->lambda, s->lambda, s->m);
    qvec_set(d->mu, s->mu, s->D);
    d->by_double = s->by_double;
}

void erm_result_add_sol(cpwl_erm_result_t r, slong idx, const cpwl_qp_sol_t s)
{
    r->sols = flint_realloc(r->sols, (r->nsols + 1) * sizeof(cpwl_qp_sol_struct));
    r->sol_cell = flint_realloc(r->sol_cell, (r->nsols + 1) * sizeof(slong));
    erm_sol_copy(r->sols + r->nsols, s);
    r->sol_cell[r->nsols++] = idx;
}

int erm_cell_solve(cpwl_qp_t P, cpwl_qp_sol_t sol, const cpwl_erm_data_t data,
                   const cpwl_erm_dich_t S, const slong *sets, const int *sign,
                   slong u, const cpwl_erm_opts *o, cpwl_err_t e)
{
    cpwl_erm_cell_qp(P, data, S, sets, sign, u, o->loss, o->output_bias);
    cpwl_qp_sol_init(sol, P);
    return o->exact_only ? cpwl_qp_solve_exact(sol, P, e) : cpwl_qp_solve(sol, P, e);
}

/* Solve one cell; keep it when it improves on the best (the paths
   without groups: no pruning, or per-cell bounds). */
int erm_solve_cell(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                   const cpwl_erm_dich_t S, const slong *sets, const int *sign,
                   slong u, slong idx, const cpwl_erm_opts *o, cpwl_err_t e)
{
    cpwl_qp_t P;
    cpwl_qp_sol_t sol;
    int st = erm_cell_solve(P, sol, data, S, sets, sign, u, o, e);
    if (st == CPWL_OK)
    {
        r->solved++;
        r->by_double += sol->by_double;
        if (o->certificate)
            erm_result_add_sol(r, idx, sol);
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

int cpwl_erm_solve(cpwl_erm_result_t r, const cpwl_erm_data_t data, const cpwl_erm_opts *o,
                   cpwl_err_t e)
{
    cpwl_erm_dich_t S;
    slong N, u, ncells = 0, i;
    int st = CPWL_OK, stopped;
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

    if (u == 0)
    {
        /* No nonempty dichotomy (cannot happen for D >= 1) */
        st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "no dichotomies");
        goto done;
    }

    if (o->prune && o->per_cell_bounds)
        st = erm_solve_per_cell(r, data, S, o, ncells, u, e);
    else if (o->prune)
        st = erm_solve_groups(r, data, S, o, ncells, u, e);
    else
        st = erm_solve_all(r, data, S, o, ncells, u, e);
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
    if (o->certificate)
        r->dich = *S;           /* moved: the certificate lists them */
    else
        cpwl_erm_dich_clear(S);
    return st;
}
