/* The n-D method's forms, carried from parent to child in integers.

   A polyhedron that reaches layer l (with states) has the pattern of the
   earlier layers fixed, and its pre-activations are affine forms
   Z_l = W_l D_{l'} Z_{l'} + b_l (identity layers between l' and l pass
   through unchanged), where l' is the previous layer with states and
   Z_{l'} the forms every polyhedron of the same root at layer l' shared.
   So a child needs one product, not the l products of a rebuild from the
   input (forms_layer_fmpq).

   The forms are kept as an integer matrix over one positive common
   denominator (Z = N / den): with every layer scaled to integers once
   (W = Wn / dl, b = bn / dl, dl the lcm of the layer's denominators) and
   the leaky slope as sn / sd, one step is
       N' = Wn D' N + bn (den sd) e_d,   den' = dl den sd,
   D' the factors times sd (sd on, sn off, 0 off for relu; sd = 1 without
   a leaky slope): fmpz products without the gcd of every fmpq operation.
   The common content of N' and den' is divided out so that the entries
   do not grow by the scale factors alone.  Every value is exact; only the
   representation differs from forms_layer_fmpq. */
#include <string.h>
#include <flint/fmpz_vec.h>
#include "forms.h"
#include "regions_nd_impl.h"

void nd_weights_init(nd_weights *w, const cpwl_net_struct *g)
{
    slong l, i, t;
    fmpz_t q;

    fmpz_init(q);
    w->nlayers = g->nlayers;
    w->L = flint_calloc(FLINT_MAX(g->nlayers, 1), sizeof(nd_wlayer));
    for (l = 0; l < g->nlayers; l++)
    {
        const cpwl_net_layer_struct *K = g->layers + l;
        nd_wlayer *W = w->L + l;
        W->W = _fmpz_vec_init(K->out * K->in);
        W->b = _fmpz_vec_init(K->out);
        fmpz_init_set_ui(W->den, 1);
        fmpz_init_set_ui(W->sn, 1);
        fmpz_init_set_ui(W->sd, 1);
        for (i = 0; i < K->out; i++)
        {
            for (t = 0; t < K->in; t++)
                fmpz_lcm(W->den, W->den,
                         fmpq_denref(fmpq_mat_entry(K->W, i, t)));
            fmpz_lcm(W->den, W->den, fmpq_denref(K->b + i));
        }
        for (i = 0; i < K->out; i++)
        {
            for (t = 0; t < K->in; t++)
            {
                const fmpq *x = fmpq_mat_entry(K->W, i, t);
                fmpz_divexact(q, W->den, fmpq_denref(x));
                fmpz_mul(W->W + i * K->in + t, q, fmpq_numref(x));
            }
            fmpz_divexact(q, W->den, fmpq_denref(K->b + i));
            fmpz_mul(W->b + i, q, fmpq_numref(K->b + i));
        }
        if (K->act == CPWL_NET_LEAKY_RELU)
        {
            fmpz_set(W->sn, fmpq_numref(K->slope));
            fmpz_set(W->sd, fmpq_denref(K->slope));
        }
    }
    fmpz_clear(q);
}

void nd_weights_clear(nd_weights *w, const cpwl_net_struct *g)
{
    slong l;
    for (l = 0; l < w->nlayers; l++)
    {
        const cpwl_net_layer_struct *K = g->layers + l;
        nd_wlayer *W = w->L + l;
        _fmpz_vec_clear(W->W, K->out * K->in);
        _fmpz_vec_clear(W->b, K->out);
        fmpz_clear(W->den);
        fmpz_clear(W->sn);
        fmpz_clear(W->sd);
    }
    flint_free(w->L);
    memset(w, 0, sizeof(nd_weights));
}

static nd_forms *forms_new(slong rows, slong c, slong layer)
{
    nd_forms *F = flint_malloc(sizeof(nd_forms));
    F->refs = 1;
    F->rows = rows;
    F->c = c;
    F->layer = layer;
    F->N = _fmpz_vec_init(FLINT_MAX(rows * c, 1));
    fmpz_init_set_ui(F->den, 1);
    return F;
}

void nd_forms_release(nd_forms *F)
{
    if (F == NULL || --F->refs > 0)
        return;
    _fmpz_vec_clear(F->N, FLINT_MAX(F->rows * F->c, 1));
    fmpz_clear(F->den);
    flint_free(F);
}

/* In place: the forms of z_k (F) -> those of a_k = D_k z_k under state
   (the states of layer k start at state[0]). */
static void forms_act(nd_forms *F, const cpwl_net_struct *g, const nd_wlayer *W,
                      slong k, const unsigned char *state)
{
    const cpwl_net_layer_struct *K = g->layers + k;
    slong i, c = F->c;
    int leaky = K->act == CPWL_NET_LEAKY_RELU;

    if (K->act == CPWL_NET_IDENTITY)
        return;
    for (i = 0; i < K->out; i++)
    {
        fmpz *r = F->N + i * c;
        if (state[i])
        {
            if (leaky)
                _fmpz_vec_scalar_mul_fmpz(r, r, c, W->sd);
        }
        else if (leaky)
            _fmpz_vec_scalar_mul_fmpz(r, r, c, W->sn);
        else
            _fmpz_vec_zero(r, c);
    }
    if (leaky)
        fmpz_mul(F->den, F->den, W->sd);
}

/* The forms of z_k from those of a_{k-1} (A), reduced by their content. */
static nd_forms *forms_affine(const cpwl_net_struct *g, const nd_wlayer *W,
                              slong k, const nd_forms *A)
{
    const cpwl_net_layer_struct *K = g->layers + k;
    slong c = A->c, d = c - 1, i, t, col;
    nd_forms *Z = forms_new(K->out, c, k);
    fmpz_t h;

    for (i = 0; i < K->out; i++)
    {
        fmpz *z = Z->N + i * c;
        for (t = 0; t < K->in; t++)
        {
            const fmpz *w = W->W + i * K->in + t;
            const fmpz *a = A->N + t * c;
            if (fmpz_is_zero(w) || _fmpz_vec_is_zero(a, c))
                continue;
            for (col = 0; col < c; col++)
                fmpz_addmul(z + col, w, a + col);
        }
        fmpz_addmul(z + d, W->b + i, A->den);
    }
    fmpz_mul(Z->den, A->den, W->den);

    fmpz_init(h);
    _fmpz_vec_content(h, Z->N, Z->rows * c);
    fmpz_gcd(h, h, Z->den);
    if (!fmpz_is_one(h))
    {
        _fmpz_vec_scalar_divexact_fmpz(Z->N, Z->N, Z->rows * c, h);
        fmpz_divexact(Z->den, Z->den, h);
    }
    fmpz_clear(h);
    return Z;
}

nd_forms *nd_forms_layer(const cpwl_net_struct *g, const nd_weights *w,
                         const nd_forms *prev, const unsigned char *state,
                         slong l)
{
    slong d = g->input_dim, c = d + 1, k, i;
    nd_forms *A, *B;

    if (prev == NULL)
    {
        A = forms_new(d, c, -1);
        for (i = 0; i < d; i++)
            fmpz_one(A->N + i * c + i);
    }
    else
    {
        A = forms_new(prev->rows, c, prev->layer);
        _fmpz_vec_set(A->N, prev->N, prev->rows * c);
        fmpz_set(A->den, prev->den);
        k = prev->layer;
        if (g->layers[k].act != CPWL_NET_IDENTITY)
            forms_act(A, g, w->L + k, k, state + forms_state_offset(g, k));
    }
    for (k = A->layer + 1; k <= l; k++)
    {
        B = forms_affine(g, w->L + k, k, A);
        nd_forms_release(A);
        A = B;
        if (k < l && g->layers[k].act != CPWL_NET_IDENTITY)
            forms_act(A, g, w->L + k, k, state + forms_state_offset(g, k));
    }
    return A;
}

void nd_forms_get_fmpq(fmpq *Z, const nd_forms *F)
{
    slong i;
    for (i = 0; i < F->rows * F->c; i++)
    {
        fmpz_set(fmpq_numref(Z + i), F->N + i);
        fmpz_set(fmpq_denref(Z + i), F->den);
        fmpq_canonicalise(Z + i);
    }
}
