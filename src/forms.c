/* Affine forms of the pre-activations under a fixed pattern (see
   forms.h).  The double version carries a proven elementwise error
   bound; the derivation follows docs/numerics.md ("Double evaluation")
   with the inputs replaced by the columns of the previous forms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "fpbound.h"
#include "forms.h"

slong forms_state_offset(const cpwl_net_t net, slong l)
{
    slong k, off = 0;
    if (net->layers[l].act == CPWL_NET_IDENTITY)
        return -1;
    for (k = 0; k < l; k++)
        if (net->layers[k].act != CPWL_NET_IDENTITY)
            off += net->layers[k].out;
    return off;
}

/* The factor a neuron of layer k passes on under the pattern: 1 (on or
   identity), 0 (relu off) or the leaky slope (off).  Returns 1 when the
   factor is exactly one, 0 when zero, -1 for the slope. */
static int factor(const cpwl_net_layer_struct *L, const unsigned char *st,
                  slong i)
{
    if (L->act == CPWL_NET_IDENTITY || st[i])
        return 1;
    return L->act == CPWL_NET_LEAKY_RELU ? -1 : 0;
}

void forms_row_fmpq(fmpq *out, const cpwl_net_t net, const unsigned char *state,
                    slong l, slong j)
{
    const cpwl_net_layer_struct *L = net->layers + l;
    slong k, i, t, len = L->in, d = net->input_dim;
    fmpq *r = _fmpq_vec_init(len), *r2;

    for (t = 0; t < len; t++)
        fmpq_set(r + t, fmpq_mat_entry(L->W, j, t));
    fmpq_set(out + d, L->b + j);
    /* Walk back: r is the row of z_{l,j} in terms of a_k (k = l-1..0). */
    for (k = l - 1; k >= 0; k--)
    {
        const cpwl_net_layer_struct *K = net->layers + k;
        const unsigned char *st = state + (K->act == CPWL_NET_IDENTITY ? 0
                                           : forms_state_offset(net, k));
        for (i = 0; i < K->out; i++)
        {
            int f = factor(K, st, i);
            if (f == 0)
                fmpq_zero(r + i);
            else if (f < 0)
                fmpq_mul(r + i, r + i, K->slope);
            if (!fmpq_is_zero(r + i))
                fmpq_addmul(out + d, r + i, K->b + i);
        }
        r2 = _fmpq_vec_init(K->in);
        for (i = 0; i < K->out; i++)
            if (!fmpq_is_zero(r + i))
                for (t = 0; t < K->in; t++)
                    fmpq_addmul(r2 + t, r + i, fmpq_mat_entry(K->W, i, t));
        _fmpq_vec_clear(r, K->out);
        r = r2;
        len = K->in;
    }
    qvec_set(out, r, d);
    _fmpq_vec_clear(r, d);
}

void forms_affine_fmpq(fmpq *Z, const cpwl_net_t net, slong k, const fmpq *A)
{
    const cpwl_net_layer_struct *K = net->layers + k;
    slong d = net->input_dim, c = d + 1, i, t, col;
    qvec_zero(Z, K->out * c);
    for (i = 0; i < K->out; i++)
    {
        for (t = 0; t < K->in; t++)
        {
            const fmpq *w = fmpq_mat_entry(K->W, i, t);
            if (fmpq_is_zero(w))
                continue;
            for (col = 0; col < c; col++)
                fmpq_addmul(Z + i * c + col, w, A + t * c + col);
        }
        fmpq_add(Z + i * c + d, Z + i * c + d, K->b + i);
    }
}

void forms_act_fmpq(fmpq *Z, const cpwl_net_t net, slong k,
                    const unsigned char *state)
{
    const cpwl_net_layer_struct *K = net->layers + k;
    slong c = net->input_dim + 1, i;
    const unsigned char *st = state + (K->act == CPWL_NET_IDENTITY ? 0
                                       : forms_state_offset(net, k));
    for (i = 0; i < K->out; i++)
    {
        int f = factor(K, st, i);
        if (f == 0)
            qvec_zero(Z + i * c, c);
        else if (f < 0)
            qvec_scalar_mul(Z + i * c, Z + i * c, c, K->slope);
    }
}

void forms_layer_fmpq(fmpq *Z, const cpwl_net_t net, const unsigned char *state,
                      slong l)
{
    slong d = net->input_dim, c = d + 1, k, i, rows = d;
    fmpq *A = _fmpq_vec_init(d * c), *B;

    for (i = 0; i < d; i++)
        fmpq_one(A + i * c + i);
    for (k = 0; k <= l; k++)
    {
        const cpwl_net_layer_struct *K = net->layers + k;
        B = (k == l) ? Z : _fmpq_vec_init(K->out * c);
        forms_affine_fmpq(B, net, k, A);
        _fmpq_vec_clear(A, rows * c);
        if (k == l)
            return;
        forms_act_fmpq(B, net, k, state);
        A = B;
        rows = K->out;
    }
}

int forms_affine_d(double *Z, double *E, const cpwl_net_t net, slong k,
                   const double *A, const double *EA)
{
    const cpwl_net_layer_struct *K = net->layers + k;
    slong d = net->input_dim, c = d + 1, i, t, col, rows = K->in;
    const double n3 = (double) (K->in + 3);
    int ok = 1;

    if (!K->d_ok || K->in >= MAX_N_D)
        return 0;
    for (i = 0; i < K->out; i++)
    {
        const double *w = K->Wd + i * K->in;
        for (col = 0; col < c; col++)
        {
            double z = 0, S = 0, T = 0, N = 0, bb;
            for (t = 0; t < rows; t++)
            {
                double a = A[t * c + col], ea = EA[t * c + col];
                z += w[t] * a;
                S += fabs(w[t]) * fabs(a);
                T += fabs(w[t]) * ea;
                N += fabs(a) + ea;
            }
            bb = (col == d) ? K->bd[i] : 0;
            z += bb;
            S += fabs(bb);
            /* fl-sum error and weight rounding on S, input errors
               through the (rounded) weights on T, underflow on N.  T
               has no factor of its own: the exact weights give
               sum |W_t| ea_t <= (1 + u)(1 + gamma_n) T + (eta/2) N, and
               (1 + u)(1 + gamma_n) times the few roundings of this line
               is below SLACK for n < 2^20 (docs/numerics.md). */
            Z[i * c + col] = z;
            E[i * c + col] = SLACK_D * (n3 * U_D * S + T
                                        + n3 * ETA_D * (1 + N));
            if (!isfinite(z) || !isfinite(E[i * c + col]))
                ok = 0;
        }
    }
    return ok;
}

void forms_act_d(double *Z, double *E, const cpwl_net_t net, slong k,
                 const unsigned char *state)
{
    const cpwl_net_layer_struct *K = net->layers + k;
    slong c = net->input_dim + 1, i, col;
    const unsigned char *st = state + (K->act == CPWL_NET_IDENTITY ? 0
                                       : forms_state_offset(net, k));
    double s = K->slope_d;
    for (i = 0; i < K->out; i++)
    {
        int f = factor(K, st, i);
        if (f == 0)
        {
            memset(Z + i * c, 0, c * sizeof(double));
            memset(E + i * c, 0, c * sizeof(double));
        }
        else if (f < 0)
            for (col = 0; col < c; col++)
            {
                double z = Z[i * c + col], ez = E[i * c + col];
                /* |S zx - fl(s z)| <= |S| ez + |S - s||z| + |s z - fl(s z)|
                   for the exact slope S and |zx - z| <= ez.  A normal s
                   has |S| <= (1 + u)|s|, a factor SLACK covers together
                   with the roundings of this line, and |S - s| <= u|s|:
                   3u|s||z| covers the last two terms with u|s||z| to
                   spare.  A subnormal s has |S - s| <= eta/2: the eta
                   terms (docs/numerics.md). */
                Z[i * c + col] = s * z;
                E[i * c + col] = SLACK_D * (fabs(s) * ez
                                 + 3 * U_D * fabs(s) * fabs(z)
                                 + ETA_D * (2 + fabs(z) + ez));
            }
    }
}

int forms_layer_d(double *Z, double *E, const cpwl_net_t net,
                  const unsigned char *state, slong l)
{
    slong d = net->input_dim, c = d + 1, k, i;
    double *A, *EA, *B, *EB;
    int ok = 1;

    A = flint_calloc(d * c, sizeof(double));
    EA = flint_calloc(d * c, sizeof(double));
    for (i = 0; i < d; i++)
        A[i * c + i] = 1;
    for (k = 0; k <= l && ok; k++)
    {
        const cpwl_net_layer_struct *K = net->layers + k;
        B = (k == l) ? Z : flint_malloc(K->out * c * sizeof(double));
        EB = (k == l) ? E : flint_malloc(K->out * c * sizeof(double));
        ok = forms_affine_d(B, EB, net, k, A, EA);
        flint_free(A);
        flint_free(EA);
        A = B;
        EA = EB;
        if (k < l)
            forms_act_d(B, EB, net, k, state);
    }
    if (A != Z)
    {
        flint_free(A);
        flint_free(EA);
    }
    return ok;
}
