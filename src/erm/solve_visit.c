/* ERM: the visits of the groups (solve_groups.c), one work unit each.

   The visit order is fixed before the visits: the first group (rank 0),
   then the kept groups by (exact bound, number) (ranks 1, 2, ...); a
   cell's position is (its group's rank, its number).  A unit prunes a
   cell when its group's bound lb is above the shared best value, or
   equal to it with the cell's position after the best's; a value
   replaces the best when (value, position) is lexicographically smaller.
   Then the first cell of the visit order attaining the optimum is never
   pruned, whatever the other processes found when: the optimum and the
   optimal cell are the same for any schedule; the cells solved on the
   way (work) may differ. */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "cpwl/erm.h"
#include "erm_impl.h"

void erm_visit_acc_init(erm_visit_acc *A)
{
    memset(A, 0, sizeof(erm_visit_acc));
    fmpq_init(A->value);
}

void erm_visit_acc_clear(erm_visit_acc *A)
{
    fmpq_clear(A->value);
}

int erm_visit_acc_bcast(erm_visit_acc *A, cpwl_sched_struct *s, cpwl_err_t e)
{
    cpwl_sched_buf b;
    char *data = NULL;
    size_t len = 0;
    int st;
    slong have = 0;
    if (s->size <= 1)
        return CPWL_OK;
    cpwl_sched_buf_init(&b);
    if (s->rank == 0)
    {
        cpwl_sched_buf_put_si(&b, A->solved);
        cpwl_sched_buf_put_si(&b, A->by_double);
        cpwl_sched_buf_put_si(&b, A->have);
        cpwl_sched_buf_put_fmpq(&b, A->value);
        cpwl_sched_buf_put_si(&b, A->pos);
        cpwl_sched_buf_put_si(&b, A->gid);
        cpwl_sched_buf_put_si(&b, A->local);
        cpwl_sched_buf_put_si(&b, A->idx);
        data = b.data;
        len = b.len;
    }
    st = cpwl_sched_bcast(s, &data, &len, e);
    if (st == CPWL_OK && s->rank != 0)
    {
        cpwl_sched_rd rd;
        cpwl_sched_rd_init(&rd, data, len);
        if (cpwl_sched_rd_si(&A->solved, &rd) != 0
            || cpwl_sched_rd_si(&A->by_double, &rd) != 0
            || cpwl_sched_rd_si(&have, &rd) != 0
            || cpwl_sched_rd_fmpq(A->value, &rd) != 0
            || cpwl_sched_rd_si(&A->pos, &rd) != 0
            || cpwl_sched_rd_si(&A->gid, &rd) != 0
            || cpwl_sched_rd_si(&A->local, &rd) != 0
            || cpwl_sched_rd_si(&A->idx, &rd) != 0 || !cpwl_sched_rd_done(&rd))
            st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "erm: process 0's visits "
                              "did not arrive whole");
        A->have = have != 0;
    }
    if (s->rank != 0)
        flint_free(data);
    cpwl_sched_buf_clear(&b);
    return st;
}

/* A solution as tokens: sizes, value, theta, lambda, mu. */
void erm_put_sol(cpwl_sched_buf *out, const cpwl_qp_sol_t s)
{
    cpwl_sched_buf_put_si(out, s->k);
    cpwl_sched_buf_put_si(out, s->m);
    cpwl_sched_buf_put_si(out, s->by_double);
    cpwl_sched_buf_put_fmpq(out, s->value);
    cpwl_sched_buf_put_fmpq_vec(out, s->theta, s->k);
    cpwl_sched_buf_put_fmpq_vec(out, s->lambda, s->m);
    cpwl_sched_buf_put_fmpq_vec(out, s->mu, s->D);
}

int erm_visit_run(cpwl_sched_buf *out, erm_groups *G, slong rank, slong gid,
                  const fmpq_t lb, int tid, cpwl_err_t e)
{
    erm_group_work *W = erm_groups_work(G, tid);
    const cpwl_erm_opts *o = G->o;
    slong i, m, u = G->u, solved = 0, by_double = 0, bpos = 0, gpos = 0;
    slong glocal = -1, sets[CPWL_ERM_MAX_WIDTH];
    int sign[CPWL_ERM_MAX_WIDTH], st = CPWL_OK, have, c = 0;
    fmpq_t bv, gv;
    cpwl_sched_buf sols;
    if (W == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "a visit of erm ran on a "
                            "thread beyond those foreseen");
    fmpq_init(bv);
    fmpq_init(gv);
    cpwl_sched_buf_init(&sols);
    /* the whole group pruned (lb above the best, or equal to it with the
       best in an earlier group): most groups once the optimum is found,
       so before listing the cells */
    m = 0;
    if (rank == 0 || !cpwl_sched_bound(bv, &bpos, G->s)
        || !((c = fmpq_cmp(lb, bv)) > 0
             || (c == 0 && bpos < erm_visit_pos(G, rank, 0))))
        m = erm_group_cells_sorted(G, gid, W);
    for (i = 0; i < m; i++)
    {
        slong pos = erm_visit_pos(G, rank, W->idx[i]);
        cpwl_qp_t P;
        cpwl_qp_sol_t sol;
        if (G->s->interrupt != NULL && *G->s->interrupt)
        {
            st = CPWL_SCHED_STOPPED;
            break;
        }
        /* the cells of a group share lb and come by increasing position:
           once one is pruned, so are the rest.  The first group (rank 0)
           prunes with its own values only: what it finds decides which
           groups are kept, which must not depend on a resumed bound. */
        if (rank == 0)
        {
            have = glocal >= 0;
            if (have)
            {
                fmpq_set(bv, gv);
                bpos = gpos;
            }
        }
        else
            have = cpwl_sched_bound(bv, &bpos, G->s);
        if (have && ((c = fmpq_cmp(lb, bv)) > 0 || (c == 0 && pos > bpos)))
            break;
        erm_comb_cell(sets, sign, W->combs + i * u, u, G->N);
        st = erm_cell_solve(P, sol, G->data, G->S, sets, sign, u, o, e);
        if (st == CPWL_OK)
        {
            solved++;
            by_double += sol->by_double;
            if (glocal < 0 || fmpq_cmp(sol->value, gv) < 0)
            {
                /* positions increase within the group: value decides */
                fmpq_set(gv, sol->value);
                gpos = pos;
                glocal = i;
            }
            if (!have || (c = fmpq_cmp(sol->value, bv)) < 0
                || (c == 0 && pos < bpos))
                cpwl_sched_offer(G->s, sol->value, pos);
            if (o->certificate)
            {
                cpwl_sched_buf_put_si(&sols, W->idx[i]);
                erm_put_sol(&sols, sol);
            }
        }
        cpwl_qp_sol_clear(sol);
        cpwl_qp_clear(P);
        if (st != CPWL_OK)
            break;
    }
    if (st == CPWL_OK)
    {
        /* gid solved by_double local [cell value] [solutions] */
        cpwl_sched_buf_put_si(out, gid);
        cpwl_sched_buf_put_si(out, solved);
        cpwl_sched_buf_put_si(out, by_double);
        cpwl_sched_buf_put_si(out, glocal);
        if (glocal >= 0)
        {
            cpwl_sched_buf_put_si(out, W->idx[glocal]);
            cpwl_sched_buf_put_fmpq(out, gv);
        }
        if (sols.len > 0)
        {
            cpwl_sched_buf_put(out, " ", 1);
            cpwl_sched_buf_put(out, sols.data, sols.len);
        }
    }
    cpwl_sched_buf_clear(&sols);
    fmpq_clear(bv);
    fmpq_clear(gv);
    return st;
}

static int bad_visit(cpwl_err_t e, slong rank)
{
    return cpwl_err_set(e, CPWL_ERR_INPUT, "the checkpoint's visit unit %ld "
                        "does not parse or is another unit's",
                        (long) rank - 1);
}

/* A recorded solution back (sizes checked against the cell's problem). */
static int take_sol(cpwl_erm_result_t r, erm_groups *G, cpwl_sched_rd *rd)
{
    slong idx, k, m, bd, n = G->data->n, D = G->data->D, u = G->u;
    cpwl_qp_sol_t s;
    cpwl_qp_struct shape;
    if (cpwl_sched_rd_si(&idx, rd) != 0 || cpwl_sched_rd_si(&k, rd) != 0
        || cpwl_sched_rd_si(&m, rd) != 0 || cpwl_sched_rd_si(&bd, rd) != 0
        || idx < 0 || idx >= G->ncells
        || k != u * (n + 1) + (G->o->output_bias ? 1 : 0)
        || m < 0 || m > 4 * (u + 1) * (D + k))
        return -1;
    /* cpwl_qp_sol_init reads the sizes alone */
    memset(&shape, 0, sizeof(shape));
    shape.k = k;
    shape.m = m;
    shape.D = D;
    cpwl_qp_sol_init(s, &shape);
    s->by_double = bd != 0;
    if (cpwl_sched_rd_fmpq(s->value, rd) != 0
        || cpwl_sched_rd_fmpq_vec(s->theta, k, rd) != 0
        || cpwl_sched_rd_fmpq_vec(s->lambda, m, rd) != 0
        || cpwl_sched_rd_fmpq_vec(s->mu, D, rd) != 0)
    {
        cpwl_qp_sol_clear(s);
        return -1;
    }
    erm_result_add_sol(r, idx, s);
    cpwl_qp_sol_clear(s);
    return 0;
}

int erm_visit_take(erm_visit_acc *A, cpwl_erm_result_t r, erm_groups *G,
                   slong rank, slong gid, const char *p, size_t len,
                   cpwl_err_t e)
{
    slong solved, bd, local, idx, pos, t, g;
    fmpq_t v;
    cpwl_sched_rd rd;
    int c = 0;
    cpwl_sched_rd_init(&rd, p, len);
    /* the group named: a payload replayed for another unit is refused */
    if (cpwl_sched_rd_si(&g, &rd) != 0 || g != gid
        || cpwl_sched_rd_si(&solved, &rd) != 0 || cpwl_sched_rd_si(&bd, &rd) != 0
        || cpwl_sched_rd_si(&local, &rd) != 0 || solved < 0 || bd < 0
        || bd > solved || local < -1 || local >= G->maxc
        || (local < 0) != (solved == 0))
        return bad_visit(e, rank);
    fmpq_init(v);
    /* gid -1 (no pruning): unit rank - 1 holds the cells from
       (rank - 1) maxc on */
    if (local >= 0 && (cpwl_sched_rd_si(&idx, &rd) != 0 || idx < 0
                       || idx >= G->ncells
                       || (gid < 0 && idx - local != (rank - 1) * G->maxc)
                       || cpwl_sched_rd_fmpq(v, &rd) != 0))
    {
        fmpq_clear(v);
        return bad_visit(e, rank);
    }
    if (G->o->certificate)
        for (t = 0; t < solved; t++)
            if (take_sol(r, G, &rd) != 0)
            {
                fmpq_clear(v);
                return bad_visit(e, rank);
            }
    if (!cpwl_sched_rd_done(&rd))
    {
        fmpq_clear(v);
        return bad_visit(e, rank);
    }
    A->solved += solved;
    A->by_double += bd;
    if (local >= 0)
    {
        pos = erm_visit_pos(G, rank, idx);
        if (!A->have || (c = fmpq_cmp(v, A->value)) < 0
            || (c == 0 && pos < A->pos))
        {
            A->have = 1;
            fmpq_set(A->value, v);
            A->pos = pos;
            A->gid = gid;
            A->local = local;
            A->idx = idx;
        }
        /* a replayed unit's value prunes the units computed after it */
        cpwl_sched_offer(G->s, v, pos);
    }
    fmpq_clear(v);
    return CPWL_OK;
}

int erm_visit_finish(cpwl_erm_result_t r, erm_groups *G, const erm_visit_acc *A,
                     cpwl_err_t e)
{
    erm_group_work *W;
    slong u = G->u, sets[CPWL_ERM_MAX_WIDTH];
    int sign[CPWL_ERM_MAX_WIDTH], st;
    r->solved = A->solved;
    r->by_double = A->by_double;
    r->pruned = r->stopped ? 0 : G->ncells - A->solved;
    if (!A->have)
        return CPWL_OK;
    /* the optimal cell solved again (deterministic): every process gets
       its solution and network without sending them */
    W = erm_groups_work(G, 0);
    if (A->local >= erm_group_cells_sorted(G, A->gid, W)
        || W->idx[A->local] != A->idx)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the checkpoint's optimal "
                            "cell %ld is not cell %ld of its group",
                            (long) A->idx, (long) A->local);
    erm_comb_cell(sets, sign, W->combs + A->local * u, u, G->N);
    st = erm_cell_solve(r->qp, r->sol, G->data, G->S, sets, sign, u, G->o, e);
    if (st != CPWL_OK)
    {
        cpwl_qp_sol_clear(r->sol);
        cpwl_qp_clear(r->qp);
        return st;
    }
    if (!fmpq_equal(r->sol->value, A->value))
    {
        cpwl_qp_sol_clear(r->sol);
        cpwl_qp_clear(r->qp);
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "the optimal cell of erm "
                            "solved again has another value");
    }
    r->have_sol = 1;
    fmpq_set(r->optimum, A->value);
    r->opt_cell = A->idx;
    memcpy(r->cell, sets, u * sizeof(slong));
    memcpy(r->sign, sign, u * sizeof(int));
    return CPWL_OK;
}
