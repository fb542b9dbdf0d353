/* The dichotomies of ERM data by affine hyperplanes (see cpwl/erm.h). */
#include <stdlib.h>
#include <string.h>
#include "cpwl/erm.h"
#include "cpwl/dom.h"
#include "cpwl/regions.h"
#include "erm_impl.h"

void cpwl_erm_dich_init(cpwl_erm_dich_t S)
{
    memset(S, 0, sizeof(cpwl_erm_dich_struct));
}

void cpwl_erm_dich_clear(cpwl_erm_dich_t S)
{
    flint_free(S->bits);
    memset(S, 0, sizeof(cpwl_erm_dich_struct));
}

/* The dichotomy table of N sets of D points, refused when too large. */
static int dich_alloc(cpwl_erm_dich_t S, slong N, slong D, cpwl_err_t e)
{
    cpwl_erm_dich_clear(S);
    S->words = (D + FLINT_BITS - 1) / FLINT_BITS;
    if (N > CPWL_ERM_MAX_DICH_LIMBS / FLINT_MAX(S->words, 1))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%ld dichotomies of %ld points are "
                            "more than this implementation can hold in memory",
                            (long) N, (long) D);
    S->bits = flint_calloc(FLINT_MAX(1, N * S->words), sizeof(ulong));
    return CPWL_OK;
}

int cpwl_erm_dichotomies_regions(cpwl_erm_dich_t S, int *stopped,
                                 const cpwl_erm_data_t data,
                                 volatile sig_atomic_t *interrupt, cpwl_pred_ctx_t ctx,
                                 cpwl_err_t e)
{
    slong D = data->D, n = data->n, i, j, k;
    cpwl_net_t g;
    cpwl_net_layer_struct *L;
    cpwl_dom_t dom;
    cpwl_regions_t R;
    cpwl_regions_opts o;
    int st;

    /* Neuron i of the dual network is <a, x_i> + b on (a, b) in R^(n+1):
       its activation regions are the dichotomies. */
    cpwl_net_init(g, n + 1);
    L = cpwl_net_add_layer(g, CPWL_NET_RELU, D);
    for (i = 0; i < D && !erm_stop(interrupt); i++)
    {
        for (j = 0; j < n; j++)
            fmpq_set(fmpq_mat_entry(L->W, i, j), data->X + i * n + j);
        fmpq_one(fmpq_mat_entry(L->W, i, n));
    }
    cpwl_net_add_layer(g, CPWL_NET_IDENTITY, 1);
    cpwl_dom_init(dom);
    cpwl_dom_set_all(dom, n + 1);
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_erm_dich_clear(S);
    *stopped = 0;
    if (erm_stop(interrupt))
    {
        *stopped = 1;
        st = CPWL_OK;
        goto done;
    }
    cpwl_net_prepare(g);
    cpwl_regions_opts_init(&o, ctx);
    o.max_regions = 0;
    o.interrupt = interrupt;
    st = cpwl_regions_compute(R, g, dom, &o, e);
    if (st == CPWL_OK && R->stopped)
        *stopped = 1;
    else if (st == CPWL_OK
             && (st = dich_alloc(S, R->ncells, D, e)) == CPWL_OK)
    {
        for (k = 0; k < R->ncells; k++)
        {
            ulong *b = S->bits + S->count * S->words;
            int any = 0;
            for (i = 0; i < D; i++)
                if (R->cells[k].state[i])
                {
                    b[i / FLINT_BITS] |= UWORD(1) << (i % FLINT_BITS);
                    any = 1;
                }
            if (any)
                S->count++;
            else
                memset(b, 0, S->words * sizeof(ulong));
            if (erm_stop(interrupt))
            {
                *stopped = 1;
                cpwl_erm_dich_clear(S);
                break;
            }
        }
    }
done:
    cpwl_regions_clear(R);
    cpwl_dom_clear(dom);
    cpwl_net_clear(g);
    return st;
}

/* Points of the line by increasing x, ties by index. */
typedef struct
{
    const fmpq *x;
    slong i;
}
dich_pt;

static int pt_cmp(const void *a, const void *b)
{
    const dich_pt *p = a, *q = b;
    int c = fmpq_cmp(p->x, q->x);
    return c ? c : (p->i > q->i) - (p->i < q->i);
}

int cpwl_erm_dichotomies_line(cpwl_erm_dich_t S, int *stopped, const cpwl_erm_data_t data,
                              volatile sig_atomic_t *interrupt, cpwl_err_t e)
{
    slong D = data->D, i, j, k, N;
    dich_pt *p;
    slong *start;               /* where each distinct value starts */
    int st;

    if (data->n != 1)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_erm_dichotomies_line: data of "
                            "dimension %ld", (long) data->n);
    *stopped = 0;
    cpwl_erm_dich_clear(S);
    p = flint_malloc(FLINT_MAX(D, 1) * sizeof(dich_pt));
    start = flint_malloc((D + 1) * sizeof(slong));
    for (i = 0; i < D; i++)
    {
        p[i].x = data->X + i;
        p[i].i = i;
    }
    qsort(p, D, sizeof(dich_pt), pt_cmp);
    for (i = k = 0; i < D; i++)
        if (i == 0 || !fmpq_equal(p[i].x, p[i - 1].x))
            start[k++] = i;
    start[k] = D;
    /* With k distinct values, a x + b > 0 takes the points from the j-th
       value on (a > 0, or a = 0 < b for j = 0) or up to the j-th value
       (a < 0): k suffixes and k - 1 proper prefixes, nonempty. */
    N = 2 * k - 1;
    if ((st = dich_alloc(S, N, D, e)) == CPWL_OK)
    {
        for (j = 0; j < k && !*stopped; j++)
        {
            ulong *suf = S->bits + S->count++ * S->words;
            for (i = start[j]; i < D; i++)
                suf[p[i].i / FLINT_BITS] |= UWORD(1) << (p[i].i % FLINT_BITS);
            if (j > 0)
            {
                ulong *pre = S->bits + S->count++ * S->words;
                for (i = 0; i < start[j]; i++)
                    pre[p[i].i / FLINT_BITS] |= UWORD(1) << (p[i].i % FLINT_BITS);
            }
            *stopped = erm_stop(interrupt);
        }
        if (*stopped)
            cpwl_erm_dich_clear(S);
    }
    flint_free(p);
    flint_free(start);
    return st;
}

int cpwl_erm_dichotomies(cpwl_erm_dich_t S, const cpwl_erm_data_t data, cpwl_pred_ctx_t ctx,
                         cpwl_err_t e)
{
    int stopped;
    if (data->n == 1)
        return cpwl_erm_dichotomies_line(S, &stopped, data, NULL, e);
    return cpwl_erm_dichotomies_regions(S, &stopped, data, NULL, ctx, e);
}
