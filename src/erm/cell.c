/* ERM cells: the convex subproblem of a choice of signed dichotomies, the
   network of its solution, exact losses (see cpwl/erm.h). */
#include <string.h>
#include "cpwl/erm.h"
#include "erm_impl.h"

void cpwl_erm_opts_init(cpwl_erm_opts *o, cpwl_pred_ctx_struct *pred)
{
    memset(o, 0, sizeof(cpwl_erm_opts));
    o->loss = CPWL_QP_SQUARED;
    o->width = 1;
    o->prune = 1;
    o->max_cells = CPWL_ERM_DEFAULT_MAX_CELLS;
    o->pred = pred;
}

void cpwl_erm_count_cells(fmpz_t count, slong N, slong w)
{
    fmpz_bin_uiui(count, 2 * N, FLINT_MIN(w, 2 * N));
}

void cpwl_erm_cell_qp(cpwl_qp_t P, const cpwl_erm_data_t data, const cpwl_erm_dich_t S,
                      const slong *sets, const int *sign, slong units,
                      cpwl_qp_loss loss, int output_bias)
{
    slong D = data->D, n = data->n, c = n + 1, j, i, t;
    slong k = units * c + (output_bias ? 1 : 0);
    cpwl_qp_init(P, loss, k, D, units * D);
    for (i = 0; i < D; i++)
    {
        fmpq_set(P->y + i, data->y + i);
        if (output_bias)
            fmpq_one(fmpq_mat_entry(P->M, i, k - 1));
    }
    for (j = 0; j < units; j++)
        for (i = 0; i < D; i++)
        {
            int on = erm_in_set(S, sets[j], i);
            slong r = j * D + i;
            /* M: the unit's prediction s_j (<a_j, x_i> + b_j) where it is
               active; G: <a_j, x_i> + b_j >= 0 there, <= 0 elsewhere. */
            for (t = 0; t < c; t++)
            {
                const fmpq *xv = t < n ? data->X + i * n + t : NULL;
                fmpq *g = fmpq_mat_entry(P->G, r, j * c + t);
                if (xv)
                    fmpq_set(g, xv);
                else
                    fmpq_one(g);
                if (!on)
                    fmpq_neg(g, g);
                else
                {
                    fmpq *mm = fmpq_mat_entry(P->M, i, j * c + t);
                    fmpq_set(mm, xv ? xv : g);
                    if (sign[j] < 0)
                        fmpq_neg(mm, mm);
                }
            }
        }
}

void cpwl_erm_cell_net(cpwl_net_t net, const cpwl_erm_data_t data, const int *sign,
                       slong units, slong w, const fmpq *theta, int output_bias)
{
    slong n = data->n, c = n + 1, j, t;
    cpwl_net_layer_struct *L, *O;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, w);
    O = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (j = 0; j < units; j++)
    {
        for (t = 0; t < n; t++)
            fmpq_set(fmpq_mat_entry(L->W, j, t), theta + j * c + t);
        fmpq_set(L->b + j, theta + j * c + n);
        fmpq_set_si(fmpq_mat_entry(O->W, 0, j), sign[j], 1);
    }
    if (output_bias)
        fmpq_set(O->b + 0, theta + units * c);
    net->output_bias = output_bias;
    cpwl_net_prepare(net);
}

void erm_add_loss(fmpq *acc, const fmpq *p, const fmpq *y, cpwl_qp_loss kind)
{
    fmpq_t t;
    fmpq_init(t);
    if (kind == CPWL_QP_HINGE)
    {
        /* max(0, 1 - y p) */
        fmpq_mul(t, y, p);
        fmpq_sub_si(t, t, 1);
        if (fmpq_sgn(t) < 0)
            fmpq_sub(acc, acc, t);
    }
    else
    {
        fmpq_sub(t, p, y);
        if (kind == CPWL_QP_SQUARED)
            fmpq_addmul(acc, t, t);
        else
        {
            fmpq_abs(t, t);
            fmpq_add(acc, acc, t);
        }
    }
    fmpq_clear(t);
}

void cpwl_erm_net_loss(fmpq_t loss, const cpwl_net_t net, const cpwl_erm_data_t data,
                       cpwl_qp_loss kind)
{
    slong i, n = data->n;
    fmpq_t p;
    fmpq_init(p);
    fmpq_zero(loss);
    for (i = 0; i < data->D; i++)
    {
        cpwl_net_eval_fmpq(p, net, data->X + i * n);
        erm_add_loss(loss, p, data->y + i, kind);
    }
    fmpq_clear(p);
}

/* The enumeration of the cells: erm_impl.h. */
void erm_next_comb(slong *comb, slong u, slong total)
{
    slong i = u - 1;
    while (i >= 0 && comb[i] == total - u + i)
        i--;
    if (i < 0)
        return;
    comb[i]++;
    for (i++; i < u; i++)
        comb[i] = comb[i - 1] + 1;
}

void erm_comb_cell(slong *sets, int *sign, const slong *comb, slong u,
                   slong N)
{
    slong j;
    for (j = 0; j < u; j++)
    {
        sign[j] = comb[j] < N ? 1 : -1;
        sets[j] = comb[j] < N ? comb[j] : comb[j] - N;
    }
}

#define BINOM_SAT (WORD(1) << 60)

slong *erm_binom_table(slong total, slong u)
{
    slong x, j, *C = flint_calloc((total + 1) * (u + 1), sizeof(slong));
    for (x = 0; x <= total; x++)
    {
        C[x * (u + 1)] = 1;
        for (j = 1; j <= u && x > 0; j++)
        {
            slong v = C[(x - 1) * (u + 1) + j - 1] + C[(x - 1) * (u + 1) + j];
            C[x * (u + 1) + j] = FLINT_MIN(v, BINOM_SAT);
        }
    }
    return C;
}

/* Lexicographic rank: C(T, u) - 1 - sum_j C(T - 1 - comb_j, u - j), every
   term at most the number of cells (which fits). */
slong erm_comb_rank(const slong *comb, slong u, slong total,
                    const slong *binom)
{
    slong j, r = binom[total * (u + 1) + u] - 1;
    for (j = 0; j < u; j++)
        r -= binom[(total - 1 - comb[j]) * (u + 1) + u - j];
    return r;
}

slong erm_group_cells(slong *combs, const slong *set, slong g, slong u,
                      slong N)
{
    slong d = u - g, m, i, j, count = 0;
    slong dbl[CPWL_ERM_MAX_WIDTH];   /* the members with both signs */
    ulong mask, nmask = UWORD(1) << (g - d);
    for (i = 0; i < d; i++)
        dbl[i] = i;
    for (;;)
    {
        for (mask = 0; mask < nmask; mask++)
        {
            slong *c = combs + count * u, len = 0, di = 0, si = 0;
            for (m = 0; m < g; m++)
            {
                if (di < d && dbl[di] == m)
                {
                    c[len++] = set[m];
                    c[len++] = N + set[m];
                    di++;
                }
                else
                    c[len++] = (mask >> si++) & 1 ? N + set[m] : set[m];
            }
            /* insertion sort: u is small */
            for (i = 1; i < u; i++)
                for (j = i; j > 0 && c[j - 1] > c[j]; j--)
                {
                    slong t = c[j];
                    c[j] = c[j - 1];
                    c[j - 1] = t;
                }
            count++;
        }
        if (d == 0)
            break;
        /* the next d-subset of the g members */
        i = d - 1;
        while (i >= 0 && dbl[i] == g - d + i)
            i--;
        if (i < 0)
            break;
        dbl[i]++;
        for (i++; i < d; i++)
            dbl[i] = dbl[i - 1] + 1;
    }
    return count;
}
