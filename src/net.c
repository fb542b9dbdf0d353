/* Networks: construction, derived copies, sizes (see cpwl/net.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl/net.h"
#include "cpwl/num.h"

static const char *const act_names[CPWL_NET_NUM_ACTS] = {
    "identity", "relu", "leaky_relu", "abs", "hardtanh", "maxout"
};

const char *cpwl_net_act_name(cpwl_net_act_t act)
{
    return (act >= 0 && act < CPWL_NET_NUM_ACTS) ? act_names[act] : "?";
}

int cpwl_net_act_from_name(const char *name)
{
    int i;
    for (i = 0; i < CPWL_NET_NUM_ACTS; i++)
        if (strcmp(name, act_names[i]) == 0)
            return i;
    return -1;
}

int cpwl_net_act_supported(cpwl_net_act_t act)
{
    return act >= 0 && act < CPWL_NET_NUM_ACTS;
}

int cpwl_net_is_basic(const cpwl_net_t net)
{
    slong l;
    for (l = 0; l < net->nlayers; l++)
    {
        cpwl_net_act_t a = net->layers[l].act;
        if (a != CPWL_NET_IDENTITY && a != CPWL_NET_RELU && a != CPWL_NET_LEAKY_RELU)
            return 0;
    }
    return 1;
}

void cpwl_net_init(cpwl_net_t net, slong input_dim)
{
    net->input_dim = input_dim;
    net->nlayers = 0;
    net->alloc = 0;
    net->layers = NULL;
    net->output_bias = 1;
    net->name = NULL;
    net->meta = NULL;
    net->prepared = 0;
}

static void layer_clear_derived(cpwl_net_layer_struct *L)
{
    flint_free(L->Wd);
    flint_free(L->bd);
    if (L->Wa != NULL)
        _arb_vec_clear(L->Wa, L->out * L->in);
    if (L->ba != NULL)
        _arb_vec_clear(L->ba, L->out);
    L->Wd = L->bd = NULL;
    L->Wa = L->ba = NULL;
}

void cpwl_net_clear(cpwl_net_t net)
{
    slong l;
    for (l = 0; l < net->nlayers; l++)
    {
        cpwl_net_layer_struct *L = net->layers + l;
        fmpq_mat_clear(L->W);
        _fmpq_vec_clear(L->b, L->out);
        fmpq_clear(L->slope);
        layer_clear_derived(L);
        arb_clear(L->slope_a);
    }
    flint_free(net->layers);
    flint_free(net->name);
    flint_free(net->meta);
}

void cpwl_net_swap(cpwl_net_t a, cpwl_net_t b)
{
    cpwl_net_struct t = *a;
    *a = *b;
    *b = t;
}

slong cpwl_net_layer_width(const cpwl_net_t net, slong l)
{
    const cpwl_net_layer_struct *L = net->layers + l;
    if (L->act == CPWL_NET_MAXOUT && L->pieces > 0)
        return L->out / L->pieces;
    return L->out;
}

cpwl_net_layer_struct *cpwl_net_add_layer(cpwl_net_t net, cpwl_net_act_t act, slong out)
{
    cpwl_net_layer_struct *L;
    slong in = net->nlayers == 0 ? net->input_dim
                                 : cpwl_net_layer_width(net, net->nlayers - 1);
    if (net->nlayers == net->alloc)
    {
        net->alloc = FLINT_MAX(4, 2 * net->alloc);
        net->layers = flint_realloc(net->layers,
                                    net->alloc * sizeof(cpwl_net_layer_struct));
    }
    L = net->layers + net->nlayers++;
    L->act = act;
    L->in = in;
    L->out = out;
    fmpq_mat_init(L->W, out, in);
    L->b = _fmpq_vec_init(out);
    fmpq_init(L->slope);
    L->pieces = 1;
    L->Wd = L->bd = NULL;
    L->Wa = L->ba = NULL;
    L->slope_d = 0;
    L->d_ok = 0;
    arb_init(L->slope_a);
    net->prepared = 0;
    return L;
}

/* Nearest double; flags *ok = 0 on overflow (the double filter declines). */
static double to_d(const fmpq_t q, int *ok)
{
    double d = cpwl_num_fmpq_get_d(q);
    if (!isfinite(d))
        *ok = 0;
    return d;
}

void cpwl_net_prepare(cpwl_net_t net)
{
    slong l, i, j;
    for (l = 0; l < net->nlayers; l++)
    {
        cpwl_net_layer_struct *L = net->layers + l;
        layer_clear_derived(L);
        L->Wd = flint_malloc(FLINT_MAX(1, L->out * L->in) * sizeof(double));
        L->bd = flint_malloc(FLINT_MAX(1, L->out) * sizeof(double));
        L->Wa = _arb_vec_init(L->out * L->in);
        L->ba = _arb_vec_init(L->out);
        L->d_ok = 1;
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
            {
                L->Wd[i * L->in + j] = to_d(fmpq_mat_entry(L->W, i, j),
                                            &L->d_ok);
                arb_set_fmpq(L->Wa + i * L->in + j,
                             fmpq_mat_entry(L->W, i, j), CPWL_NET_ARB_PREC);
            }
            L->bd[i] = to_d(L->b + i, &L->d_ok);
            arb_set_fmpq(L->ba + i, L->b + i, CPWL_NET_ARB_PREC);
        }
        L->slope_d = to_d(L->slope, &L->d_ok);
        arb_set_fmpq(L->slope_a, L->slope, CPWL_NET_ARB_PREC);
    }
    net->prepared = 1;
}

slong cpwl_net_output_dim(const cpwl_net_t net)
{
    return net->nlayers == 0 ? net->input_dim
                             : cpwl_net_layer_width(net, net->nlayers - 1);
}

slong cpwl_net_depth(const cpwl_net_t net)
{
    return net->nlayers;
}

slong cpwl_net_size(const cpwl_net_t net)
{
    slong l, s = 0;
    for (l = 0; l + 1 < net->nlayers; l++)
        s += cpwl_net_layer_width(net, l);
    return s;
}

slong cpwl_net_width(const cpwl_net_t net)
{
    slong l, w = 0;
    for (l = 0; l + 1 < net->nlayers; l++)
        w = FLINT_MAX(w, cpwl_net_layer_width(net, l));
    return w;
}

slong cpwl_net_num_params(const cpwl_net_t net)
{
    slong l, p = 0;
    for (l = 0; l < net->nlayers; l++)
        p += net->layers[l].out * (net->layers[l].in + 1)
             + (net->layers[l].act == CPWL_NET_LEAKY_RELU);
    /* Without an output bias the last biases are fixed at 0, not free. */
    if (!net->output_bias && net->nlayers > 0)
        p -= net->layers[net->nlayers - 1].out;
    return p;
}

static void max_bits_q(slong *nb, slong *db, const fmpq_t q)
{
    *nb = FLINT_MAX(*nb, (slong) fmpz_bits(fmpq_numref(q)));
    *db = FLINT_MAX(*db, (slong) fmpz_bits(fmpq_denref(q)));
}

void cpwl_net_max_bits(slong *num_bits, slong *den_bits, const cpwl_net_t net)
{
    slong l, i, j;
    *num_bits = *den_bits = 0;
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                max_bits_q(num_bits, den_bits, fmpq_mat_entry(L->W, i, j));
            max_bits_q(num_bits, den_bits, L->b + i);
        }
        if (L->act == CPWL_NET_LEAKY_RELU)
            max_bits_q(num_bits, den_bits, L->slope);
    }
}

slong cpwl_net_num_states(const cpwl_net_t net)
{
    slong l, n = 0;
    for (l = 0; l < net->nlayers; l++)
        if (net->layers[l].act != CPWL_NET_IDENTITY)
            n += cpwl_net_layer_width(net, l);
    return n;
}

char *cpwl_net_pattern_str(const unsigned char *state, const cpwl_net_t net)
{
    slong l, i, k = 0, len = 0;
    char *s;
    for (l = 0; l < net->nlayers; l++)
        if (net->layers[l].act != CPWL_NET_IDENTITY)
            len += cpwl_net_layer_width(net, l) + 1;
    s = flint_malloc(len + 1);
    len = 0;
    for (l = 0; l < net->nlayers; l++)
    {
        if (net->layers[l].act == CPWL_NET_IDENTITY)
            continue;
        if (len > 0)
            s[len++] = '|';
        for (i = 0; i < cpwl_net_layer_width(net, l); i++, k++)
            s[len++] = state[k] < 10 ? (char) ('0' + state[k])
                                     : (char) ('a' + state[k] - 10);
    }
    s[len] = '\0';
    return s;
}
