/* The network objective net:NET,DATA (docs/objectives.md): the summed
   squared loss f = sum_i (N(x_i) - y_i)^2 of a network on data, as a
   function of the network's weights and biases, with its gradient by
   backpropagation under the activation pattern.

   Parameters, in the order of the network file: layer by layer, neuron
   by neuron, the neuron's weights then its bias.  Without an output bias
   the last layer's biases are 0 and not parameters; leaky_relu slopes
   are fixed, not parameters.

   Operation order, for the data point (x, y), layer l with inputs a
   (a = x for the first layer):
     z_j = dot(W_j, a) + b_j            (dot left to right, then the bias)
     a_j = z_j when z_j > 0; else 0 (relu), slope z_j (leaky_relu);
           z_j (identity)
     r = N(x) - y;  f_i = r r;  f = f_{i_1} + f_{i_2} + ... (left to right)
     delta = d (2 r) at the output;  for layer l:
       dW_jk = delta_j a_k,  db_j = delta_j,
       delta'_k = d_k dot(W_{.k}, delta)  (the column, left to right)
     g = g_{i_1} + g_{i_2} + ... (left to right)
   where d is the activation's derivative: 1 for z > 0, 0 (relu) or the
   slope (leaky_relu) for z < 0, and at z = 0 relu'(0) = O->relu_d0 (0:
   the left derivative, 1: the right one); multiplying by 1 or 0 is no
   operation, by a slope one.  The sign of z is decided exactly through
   the predicate layer (exact arithmetic), from the ball (Arb: a ball
   containing 0 that is not 0 stops the evaluation, which returns 2),
   or as the float program branches (z > 0; a NaN is not > 0). */
#include <string.h>
#include "cpwl/io.h"
#include "cpwl/onnx.h"
#include "cpwl/erm.h"
#include "optim/objective_impl.h"

typedef struct
{
    cpwl_net_t net;
    cpwl_erm_data_t data;
    slong D, n, nl;
    slong *off;                 /* first parameter of layer l */
    slong *zoff;                /* first neuron of layer l in z, a, d */
    slong nz, maxw;
    /* X (D n), y (D), the slopes (nl; 0 for other layers), 2 */
    objective_consts_struct C;
}
net_obj_struct;

static void net_obj_clear(void *p)
{
    net_obj_struct *S = p;
    cpwl_net_clear(S->net);
    cpwl_erm_data_clear(S->data);
    flint_free(S->off);
    flint_free(S->zoff);
    objective_consts_clear(&S->C);
    flint_free(S);
}

static int has_bias(const net_obj_struct *S, slong l)
{
    return l < S->nl - 1 || S->net->output_bias;
}

/* The sign of the pre-activation z of neuron j of layer l at data point
   i: -1, 0, +1; 2 with a message when a ball cannot decide it. */
static int net_sign(const cpwl_val_struct *z, cpwl_objective_struct *O,
                    cpwl_arith_t A, slong l, slong j, slong i, cpwl_err_t e)
{
    int s = cpwl_val_sign_pred(z, A, O->pred);
    if (s == 2)
        cpwl_err_set(e, CPWL_ERR_INPUT, "objective net: the enclosure "
                     "cannot decide the sign of layer %ld, neuron %ld at "
                     "data point %ld (its ball contains 0 at %ld bits)",
                     (long) l + 1, (long) j + 1, (long) i + 1,
                     (long) A->prec);
    return s;
}

/* r = d s for the derivative code d: 0, 1, 2 (the slope). */
static void apply_d(cpwl_val_ptr r, unsigned char d, cpwl_val_srcptr s,
                    cpwl_val_srcptr slope, cpwl_arith_t A)
{
    if (d == 1)
        cpwl_val_set(r, s, A);
    else if (d == 0)
        cpwl_val_zero(r, A);
    else
        cpwl_val_mul(r, slope, s, A);
}

static int net_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                    const slong *terms, slong nterms, slong t,
                    cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    net_obj_struct *S = O->data;
    slong D = S->D, n = S->n, nl = S->nl, dim = O->dim;
    slong count = terms != NULL ? nterms : D;
    cpwl_val_ptr c = objective_consts_get(&S->C, A);
    cpwl_val_ptr X = c, Y = c + D * n, slope = c + D * n + D;
    cpwl_val_ptr two = slope + nl;
    cpwl_val_ptr z = cpwl_val_vec_init(S->nz, A);
    cpwl_val_ptr a = cpwl_val_vec_init(S->nz, A);
    cpwl_val_ptr dl = cpwl_val_vec_init(S->maxw, A);
    cpwl_val_ptr dl2 = cpwl_val_vec_init(S->maxw, A);
    cpwl_val_ptr col = cpwl_val_vec_init(S->maxw, A);
    cpwl_val_ptr s = cpwl_val_vec_init(4, A);  /* scratch; s + 3: sum of f */
    unsigned char *d = flint_malloc(S->nz);
    slong k, l, j, m, i;
    int st = 0;
    (void) t;

    for (k = 0; k < count && st == 0; k++)
    {
        cpwl_val_srcptr in;
        i = terms != NULL ? terms[k] : k;
        in = X + i * n;
        /* forward */
        for (l = 0; l < nl && st == 0; l++)
        {
            const cpwl_net_layer_struct *L = S->net->layers + l;
            slong hb = has_bias(S, l), w = L->in + hb;
            cpwl_val_ptr zl = z + S->zoff[l], al = a + S->zoff[l];
            unsigned char *dd = d + S->zoff[l];
            for (j = 0; j < L->out; j++)
            {
                cpwl_val_srcptr row = x + S->off[l] + j * w;
                int sg;
                if (hb)
                {
                    cpwl_val_dot(s + 0, row, in, L->in, A);
                    cpwl_val_add(zl + j, s + 0, row + L->in, A);
                }
                else
                    cpwl_val_dot(zl + j, row, in, L->in, A);
                if (L->act == CPWL_NET_IDENTITY)
                {
                    cpwl_val_set(al + j, zl + j, A);
                    dd[j] = 1;
                    continue;
                }
                sg = net_sign(zl + j, O, A, l, j, i, e);
                if (sg == 2)
                {
                    st = 2;
                    break;
                }
                if (sg > 0)
                {
                    cpwl_val_set(al + j, zl + j, A);
                    dd[j] = 1;
                }
                else if (L->act == CPWL_NET_RELU)
                {
                    cpwl_val_zero(al + j, A);
                    dd[j] = sg == 0 && O->relu_d0 ? 1 : 0;
                }
                else
                {
                    cpwl_val_mul(al + j, slope + l, zl + j, A);
                    dd[j] = sg == 0 && O->relu_d0 ? 1 : 2;
                }
            }
            in = al;
        }
        if (st != 0)
            break;
        /* the loss of this term */
        cpwl_val_sub(s + 1, a + S->zoff[nl - 1], Y + i, A);
        if (f != NULL)
        {
            cpwl_val_sqr(s + 0, s + 1, A);
            if (k == 0)
                cpwl_val_set(s + 3, s + 0, A);
            else
            {
                cpwl_val_add(s + 2, s + 3, s + 0, A);
                cpwl_val_set(s + 3, s + 2, A);
            }
        }
        if (g == NULL)
            continue;
        /* backward */
        cpwl_val_mul(s + 0, two, s + 1, A);
        apply_d(dl + 0, d[S->zoff[nl - 1]], s + 0, slope + nl - 1, A);
        for (l = nl - 1; l >= 0; l--)
        {
            const cpwl_net_layer_struct *L = S->net->layers + l;
            slong hb = has_bias(S, l), w = L->in + hb;
            cpwl_val_srcptr inl = l == 0 ? X + i * n : a + S->zoff[l - 1];
            cpwl_val_ptr tmp;
            /* this term's gradient, added into g at once: the same
               operations as forming it whole and then adding */
            for (j = 0; j < L->out; j++)
            {
                cpwl_val_ptr gr = g + S->off[l] + j * w;
                for (m = 0; m < L->in; m++)
                {
                    if (k == 0)
                        cpwl_val_mul(gr + m, dl + j, inl + m, A);
                    else
                    {
                        cpwl_val_mul(s + 0, dl + j, inl + m, A);
                        cpwl_val_add(gr + m, gr + m, s + 0, A);
                    }
                }
                if (hb)
                {
                    if (k == 0)
                        cpwl_val_set(gr + L->in, dl + j, A);
                    else
                        cpwl_val_add(gr + L->in, gr + L->in, dl + j, A);
                }
            }
            if (l == 0)
                break;
            for (m = 0; m < L->in; m++)
            {
                /* (a float is copied without a call: this loop is the
                   net's hottest after the products) */
                if (A->kind == CPWL_ARITH_FLOAT)
                    for (j = 0; j < L->out; j++)
                        col[j].d = x[S->off[l] + j * w + m].d;
                else
                    for (j = 0; j < L->out; j++)
                        cpwl_val_set(col + j, x + S->off[l] + j * w + m, A);
                cpwl_val_dot(s + 0, col, dl, L->out, A);
                apply_d(dl2 + m, d[S->zoff[l - 1] + m], s + 0, slope + l - 1, A);
            }
            tmp = dl;
            dl = dl2;
            dl2 = tmp;
        }
    }
    if (st == 0 && count == 0)
    {
        if (g != NULL)
            for (m = 0; m < dim; m++)
                cpwl_val_zero(g + m, A);
        cpwl_val_zero(s + 3, A);
    }
    if (st == 0 && f != NULL)
        cpwl_val_set(f, s + 3, A);

    flint_free(d);
    cpwl_val_vec_clear(s, 4, A);
    cpwl_val_vec_clear(col, S->maxw, A);
    cpwl_val_vec_clear(dl2, S->maxw, A);
    cpwl_val_vec_clear(dl, S->maxw, A);
    cpwl_val_vec_clear(a, S->nz, A);
    cpwl_val_vec_clear(z, S->nz, A);
    return st;
}

static int read_net(cpwl_net_t net, const char *path, cpwl_err_t e)
{
    if (cpwl_onnx_is_onnx_file(path))
    {
        cpwl_onnx_opts_struct o;
        cpwl_onnx_opts_init(&o);
        return cpwl_onnx_net_read_file(net, path, &o, e);
    }
    return cpwl_io_net_read_file(net, path, e);
}

int objective_net_init(cpwl_objective_t O, const char *args, size_t len,
                       slong dim, cpwl_err_t e)
{
    const char *comma = NULL;
    char *netpath, *datapath;
    net_obj_struct *S;
    slong l, j, m, p, D, n;
    size_t i;
    int st;

    for (i = 0; i < len; i++)
        if (args[i] == ',')
            comma = args + i;
    if (comma == NULL || comma == args || comma == args + len - 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective net: expected "
                            "NET,DATA (a network file and a CSV data file "
                            "separated by ',')");
    netpath = flint_malloc(comma - args + 1);
    memcpy(netpath, args, comma - args);
    netpath[comma - args] = '\0';
    datapath = flint_malloc(args + len - comma);
    memcpy(datapath, comma + 1, args + len - comma - 1);
    datapath[args + len - comma - 1] = '\0';

    S = flint_malloc(sizeof(net_obj_struct));
    cpwl_net_init(S->net, 1);
    cpwl_erm_data_init(S->data);
    S->off = S->zoff = NULL;
    objective_consts_init(&S->C, 0);
    O->data = S;
    O->clear_data = net_obj_clear;

    st = read_net(S->net, netpath, e);
    if (st == CPWL_OK && S->net->nlayers == 0)
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "objective net: %.200s has no "
                          "layers", netpath);
    for (l = 0; st == CPWL_OK && l < S->net->nlayers; l++)
    {
        cpwl_net_act_t act = S->net->layers[l].act;
        if (act != CPWL_NET_RELU && act != CPWL_NET_LEAKY_RELU
            && act != CPWL_NET_IDENTITY)
            st = cpwl_err_set(e, CPWL_ERR_INPUT, "objective net: layer %ld "
                              "of %.200s is %s; the network objective takes "
                              "relu, leaky_relu and identity layers",
                              (long) l + 1, netpath,
                              cpwl_net_act_name(act));
    }
    if (st == CPWL_OK && cpwl_net_output_dim(S->net) != 1)
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "objective net: %.200s has %ld "
                          "outputs, expected 1", netpath,
                          (long) cpwl_net_output_dim(S->net));
    if (st == CPWL_OK)
        st = cpwl_erm_data_read_file(S->data, datapath, e);
    if (st == CPWL_OK && S->data->D == 0)
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "objective net: %.200s has no "
                          "data rows", datapath);
    if (st == CPWL_OK && S->data->n != S->net->input_dim)
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "objective net: the rows of "
                          "%.200s have %ld inputs, but the network takes %ld",
                          datapath, (long) S->data->n,
                          (long) S->net->input_dim);
    flint_free(netpath);
    flint_free(datapath);
    if (st != CPWL_OK)
        return st;

    S->D = D = S->data->D;
    S->n = n = S->data->n;
    S->nl = S->net->nlayers;
    S->off = flint_malloc(sizeof(slong) * S->nl);
    S->zoff = flint_malloc(sizeof(slong) * S->nl);
    S->maxw = n;
    for (l = 0, p = 0, S->nz = 0; l < S->nl; l++)
    {
        const cpwl_net_layer_struct *L = S->net->layers + l;
        S->off[l] = p;
        S->zoff[l] = S->nz;
        p += L->out * (L->in + has_bias(S, l));
        S->nz += L->out;
        S->maxw = FLINT_MAX(S->maxw, L->out);
    }
    if (dim >= 0 && dim != p)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective net has dimension "
                            "%ld (its weights and biases), but the starting "
                            "point has dimension %ld", (long) p, (long) dim);
    O->dim = p;
    O->nterms = D;
    O->eval = net_eval;
    /* the summed squared loss is >= 0 */
    O->has_fstar = 1;

    /* the network's own weights: the default starting point */
    O->x1 = _fmpq_vec_init(p);
    for (l = 0; l < S->nl; l++)
    {
        const cpwl_net_layer_struct *L = S->net->layers + l;
        slong hb = has_bias(S, l), w = L->in + hb;
        for (j = 0; j < L->out; j++)
        {
            for (m = 0; m < L->in; m++)
                fmpq_set(O->x1 + S->off[l] + j * w + m,
                         fmpq_mat_entry(L->W, j, m));
            if (hb)
                fmpq_set(O->x1 + S->off[l] + j * w + L->in, L->b + j);
        }
    }

    objective_consts_clear(&S->C);
    objective_consts_init(&S->C, D * n + D + S->nl + 1);
    objective_qvec_set(S->C.q, S->data->X, D * n);
    objective_qvec_set(S->C.q + D * n, S->data->y, D);
    for (l = 0; l < S->nl; l++)
        if (S->net->layers[l].act == CPWL_NET_LEAKY_RELU)
            fmpq_set(S->C.q + D * n + D + l, S->net->layers[l].slope);
    fmpq_set_si(S->C.q + D * n + D + S->nl, 2, 1);
    return CPWL_OK;
}
