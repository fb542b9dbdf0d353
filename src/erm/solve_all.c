/* ERM without pruning (the reference: every cell solved) on work units:
   blocks of ALL_BLOCK cells in enumeration order, the payload that of a
   visit (solve_visit.c: cells solved, by double, the block's best and,
   with the certificate, every solution).  The best is the least (value,
   cell number), so the optimal cell is the first attaining the optimum
   in enumeration order, as when the cells are solved one after another,
   for any number of processes and after a resume. */
#include <string.h>
#include "cpwl/erm.h"
#include "erm_impl.h"

#define ALL_BLOCK 64

/* The cell of lexicographic number r: comb[i] is the least c whose
   C(total - c - 1, u - i - 1) combinations with that prefix reach r. */
static void comb_unrank(slong *comb, slong r, slong u, slong total,
                        const slong *binom)
{
    slong i, c = 0;
    for (i = 0; i < u; i++, c++)
        for (;; c++)
        {
            slong cnt = binom[(total - c - 1) * (u + 1) + u - i - 1];
            if (r < cnt)
            {
                comb[i] = c;
                break;
            }
            r -= cnt;
        }
}

typedef struct
{
    erm_groups *G;
    cpwl_erm_result_struct *r;
    erm_visit_acc acc;
}
all_state;

static int all_run(cpwl_sched_buf *out, slong unit, int tid, void *data,
                   cpwl_err_t e)
{
    all_state *A = data;
    erm_groups *G = A->G;
    const cpwl_erm_opts *o = G->o;
    slong a = unit * ALL_BLOCK, b = FLINT_MIN(G->ncells, a + ALL_BLOCK), i;
    slong u = G->u, comb[CPWL_ERM_MAX_WIDTH], sets[CPWL_ERM_MAX_WIDTH];
    slong solved = 0, by_double = 0, best = -1;
    int sign[CPWL_ERM_MAX_WIDTH], st = CPWL_OK;
    fmpq_t bv;
    cpwl_sched_buf sols;
    (void) tid;
    fmpq_init(bv);
    cpwl_sched_buf_init(&sols);
    comb_unrank(comb, a, u, 2 * G->N, G->binom);
    for (i = a; i < b && st == CPWL_OK; i++)
    {
        cpwl_qp_t P;
        cpwl_qp_sol_t sol;
        if (G->s->interrupt != NULL && *G->s->interrupt)
        {
            st = CPWL_SCHED_STOPPED;
            break;
        }
        erm_comb_cell(sets, sign, comb, u, G->N);
        st = erm_cell_solve(P, sol, G->data, G->S, sets, sign, u, o, e);
        if (st == CPWL_OK)
        {
            solved++;
            by_double += sol->by_double;
            if (best < 0 || fmpq_cmp(sol->value, bv) < 0)
            {
                fmpq_set(bv, sol->value);
                best = i;
            }
            if (o->certificate)
            {
                cpwl_sched_buf_put_si(&sols, i);
                erm_put_sol(&sols, sol);
            }
        }
        cpwl_qp_sol_clear(sol);
        cpwl_qp_clear(P);
        erm_next_comb(comb, u, 2 * G->N);
    }
    if (st == CPWL_OK)
    {
        cpwl_sched_buf_put_si(out, -1);     /* the "group" of erm_visit_take */
        cpwl_sched_buf_put_si(out, solved);
        cpwl_sched_buf_put_si(out, by_double);
        cpwl_sched_buf_put_si(out, best < 0 ? -1 : best - a);
        if (best >= 0)
        {
            cpwl_sched_buf_put_si(out, best);
            cpwl_sched_buf_put_fmpq(out, bv);
        }
        if (sols.len > 0)
        {
            cpwl_sched_buf_put(out, " ", 1);
            cpwl_sched_buf_put(out, sols.data, sols.len);
        }
    }
    cpwl_sched_buf_clear(&sols);
    fmpq_clear(bv);
    return st;
}

static int all_collect(slong unit, const char *p, size_t len, void *data,
                       cpwl_err_t e)
{
    all_state *A = data;
    erm_groups *G = A->G;
    /* group -1: the block's cells, checked against the unit */
    int st = erm_visit_take(&A->acc, A->r, G, unit + 1, -1, p, len, e);
    if (st == CPWL_OK && G->o->progress)
        G->o->progress(G->o->progress_data, FLINT_MIN(G->ncells,
                       (unit + 1) * ALL_BLOCK), G->ncells, A->acc.value);
    return st;
}

int erm_solve_all(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                  const cpwl_erm_dich_t S, const cpwl_erm_opts *o,
                  slong ncells, slong u, cpwl_err_t e)
{
    erm_groups G;
    all_state A;
    cpwl_sched_t own;
    cpwl_sched_struct *s = o->sched;
    int st;
    if (s == NULL)
    {
        cpwl_sched_init(own);
        own->interrupt = o->interrupt;
        s = own;
    }
    memset(&G, 0, sizeof(G));
    G.data = data;
    G.S = S;
    G.o = o;
    G.s = s;
    G.u = u;
    G.N = S->count;
    G.ncells = ncells;
    G.maxc = ALL_BLOCK;
    G.binom = erm_binom_table(2 * G.N, u);
    A.G = &G;
    A.r = r;
    erm_visit_acc_init(&A.acc);
    st = cpwl_sched_map(s, (ncells + ALL_BLOCK - 1) / ALL_BLOCK, all_run, &A,
                        all_collect, &A, 0, e);
    if (st == CPWL_OK)
        st = erm_visit_acc_bcast(&A.acc, s, e);
    if (s->stopped)
        r->stopped = 1;
    r->solved = A.acc.solved;
    r->by_double = A.acc.by_double;
    if (st == CPWL_OK && A.acc.have)
    {
        slong comb[CPWL_ERM_MAX_WIDTH];
        /* the optimal cell solved again (deterministic) */
        comb_unrank(comb, A.acc.idx, u, 2 * G.N, G.binom);
        erm_comb_cell(r->cell, r->sign, comb, u, G.N);
        st = erm_cell_solve(r->qp, r->sol, data, S, r->cell, r->sign, u, o, e);
        if (st == CPWL_OK && !fmpq_equal(r->sol->value, A.acc.value))
            st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "the optimal cell of "
                              "erm solved again has another value");
        if (st != CPWL_OK)
        {
            cpwl_qp_sol_clear(r->sol);
            cpwl_qp_clear(r->qp);
        }
        else
        {
            r->have_sol = 1;
            fmpq_set(r->optimum, A.acc.value);
            r->opt_cell = A.acc.idx;
        }
    }
    erm_visit_acc_clear(&A.acc);
    flint_free(G.binom);
    if (s == own)
        cpwl_sched_clear(own);
    return st;
}
