/* The dichotomies of ERM data by affine hyperplanes (see cpwl/erm.h). */
#include <string.h>
#include "cpwl/erm.h"
#include "cpwl/dom.h"
#include "cpwl/regions.h"
#include "erm_impl.h"

void erm_dich_init(erm_dich_t S)
{
    memset(S, 0, sizeof(erm_dich_struct));
}

void erm_dich_clear(erm_dich_t S)
{
    flint_free(S->bits);
    memset(S, 0, sizeof(erm_dich_struct));
}

int erm_dichotomies(erm_dich_t S, const erm_data_t data, pred_ctx_t ctx,
                    err_t e)
{
    slong D = data->D, n = data->n, i, j, k;
    net_t g;
    net_layer_struct *L;
    dom_t dom;
    regions_t R;
    regions_opts o;
    int st;

    /* Neuron i of the dual network is <a, x_i> + b on (a, b) in R^(n+1):
       its activation regions are the dichotomies. */
    net_init(g, n + 1);
    L = net_add_layer(g, NET_RELU, D);
    for (i = 0; i < D; i++)
    {
        for (j = 0; j < n; j++)
            fmpq_set(fmpq_mat_entry(L->W, i, j), data->X + i * n + j);
        fmpq_one(fmpq_mat_entry(L->W, i, n));
    }
    net_add_layer(g, NET_IDENTITY, 1);
    net_prepare(g);
    dom_init(dom);
    dom_set_all(dom, n + 1);
    regions_opts_init(&o, ctx);
    o.max_regions = 0;
    regions_init(R, 0, 0, 0);
    st = regions_compute(R, g, dom, &o, e);
    erm_dich_clear(S);
    if (st == CPWL_OK)
    {
        S->words = (D + FLINT_BITS - 1) / FLINT_BITS;
        S->bits = flint_calloc(FLINT_MAX(1, R->ncells * S->words),
                               sizeof(ulong));
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
        }
    }
    regions_clear(R);
    dom_clear(dom);
    net_clear(g);
    return st;
}
