/* Stochastic networks: the distribution of the parameters, seeded draws
   and the sampled networks (the file reader is stochnet_io.c, the
   Monte-Carlo risk stochnet_risk.c). */
#include <math.h>
#include <string.h>
#include "cpwl/stochnet.h"
#include "cpwl/ieee.h"
#include "stochnet_impl.h"

void cpwl_stochnet_init(cpwl_stochnet_t S)
{
    cpwl_net_init(S->net, 0);
    cpwl_gauss_init(S->w, 0);
    S->sigma = 0;
    S->grid_j = 0;
    S->grid_b = 0;
    fmpq_init(S->grid_c);
}

void cpwl_stochnet_clear(cpwl_stochnet_t S)
{
    cpwl_net_clear(S->net);
    cpwl_gauss_clear(S->w);
    fmpq_clear(S->grid_c);
}

slong cpwl_stochnet_num_params(const cpwl_net_t net)
{
    slong l, d = 0;
    for (l = 0; l < net->nlayers; l++)
        d += net->layers[l].out * (net->layers[l].in + 1);
    return d;
}

int cpwl_stochnet_compatible(const cpwl_stochnet_t P, const cpwl_stochnet_t Q,
                             cpwl_err_t e)
{
    const cpwl_net_struct *a = P->net, *b = Q->net;
    slong l;
    if (a->input_dim != b->input_dim)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the prior and the posterior "
                            "differ: input_dim is %ld in the prior, %ld in the "
                            "posterior", (long) a->input_dim,
                            (long) b->input_dim);
    if (a->nlayers != b->nlayers)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the prior and the posterior "
                            "differ: %ld layers in the prior, %ld in the "
                            "posterior", (long) a->nlayers, (long) b->nlayers);
    for (l = 0; l < a->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = a->layers + l, *M = b->layers + l;
        if (L->out != M->out)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the prior and the "
                                "posterior differ: layers[%ld] has %ld neurons "
                                "in the prior, %ld in the posterior", (long) l,
                                (long) L->out, (long) M->out);
        if (L->act != M->act)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the prior and the "
                                "posterior differ: layers[%ld] is %s in the "
                                "prior, %s in the posterior", (long) l,
                                cpwl_net_act_name(L->act),
                                cpwl_net_act_name(M->act));
        if (L->act == CPWL_NET_LEAKY_RELU && !fmpq_equal(L->slope, M->slope))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the prior and the "
                                "posterior differ: layers[%ld] has another "
                                "leaky_relu slope (slopes are fixed, not "
                                "random)", (long) l);
    }
    return CPWL_OK;
}

/* ---- draws --------------------------------------------------------------- */

uint64_t cpwl_stochnet_splitmix64(uint64_t *rng)
{
    uint64_t z = (*rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A uniform in [-1, 1): k 2^-52 - 1 for the top 53 bits k (exact). */
static double uniform_pm1(uint64_t *rng)
{
    return ldexp((double) (cpwl_stochnet_splitmix64(rng) >> 11), -52) - 1.0;
}

void cpwl_stochnet_normals(double *xi, slong n, uint64_t *rng)
{
    slong i;
    for (i = 0; i < n; i += 2)
    {
        double u, v, s, f;
        do
        {
            u = uniform_pm1(rng);
            v = uniform_pm1(rng);
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);
        f = sqrt(-2.0 * log(s) / s);
        xi[i] = u * f;
        if (i + 1 < n)
            xi[i + 1] = v * f;
    }
}

int cpwl_stochnet_draw(double *w, const cpwl_stochnet_t S, uint64_t *rng,
                       cpwl_err_t e)
{
    slong i, d = S->w->d;
    if (S->w->sigma == NULL && !(S->sigma > 0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot draw from a "
                            "distribution whose variance comes from a grid "
                            "(its sigma is not a binary64 number): such a "
                            "file can be a prior, not a posterior");
    cpwl_stochnet_normals(w, d, rng);
    for (i = 0; i < d; i++)
    {
        double s = S->w->sigma != NULL ? S->w->sigma[i] : S->sigma;
        double t = s * w[i];
        w[i] = S->w->mu[i] + t;
        if (!isfinite(w[i]))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "parameter %ld: a drawn "
                                "value overflows binary64 (mean %g, sigma %g)",
                                (long) i + 1, S->w->mu[i], s);
    }
    return CPWL_OK;
}

void cpwl_stochnet_sample_net(cpwl_net_t net, const cpwl_stochnet_t S,
                              const double *w)
{
    const cpwl_net_struct *M = S->net;
    cpwl_net_t T;
    slong l, i, j, k = 0;

    cpwl_net_init(T, M->input_dim);
    /* Every bias is a random parameter, the output layer's included. */
    T->output_bias = 1;
    for (l = 0; l < M->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = M->layers + l;
        cpwl_net_layer_struct *N = cpwl_net_add_layer(T, L->act, L->out);
        fmpq_set(N->slope, L->slope);
        N->pieces = L->pieces;
        for (i = 0; i < L->out; i++)
            for (j = 0; j < L->in; j++)
                cpwl_ieee_get_fmpq(fmpq_mat_entry(N->W, i, j), w[k++]);
        for (i = 0; i < L->out; i++)
            cpwl_ieee_get_fmpq(N->b + i, w[k++]);
    }
    cpwl_net_prepare(T);
    cpwl_net_swap(net, T);
    cpwl_net_clear(T);
}
