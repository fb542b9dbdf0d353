/* Carried double forms (see forms.h): the forms of a region's next
   layer as one masked product, and those of a neighbouring region as
   rank-one updates of them, instead of the whole recursion from the
   input.  Issue 12: the rebuild was 70-89% of the 2-D region time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "interval.h"
#include "fpbound.h"
#include "forms.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(CPWL_NO_SIMD)
#define FORMS_SIMD 1
#else
#define FORMS_SIMD 0
#endif

/* Four doubles, any alignment: GNU C vector extensions (two SSE2 halves
   by default, one AVX register in the avx2 clone). */
typedef double v4d __attribute__((vector_size(32), aligned(8)));

void forms_plan_init(forms_plan_t F, const cpwl_net_t net)
{
    slong k, t, i;
    F->nlayers = net->nlayers;
    F->ld = flint_calloc(FLINT_MAX(net->nlayers, 1), sizeof(slong));
    F->WT = flint_calloc(FLINT_MAX(net->nlayers, 1), sizeof(double *));
    F->WA = flint_calloc(FLINT_MAX(net->nlayers, 1), sizeof(double *));
    for (k = 0; k < net->nlayers; k++)
    {
        const cpwl_net_layer_struct *K = net->layers + k;
        slong ld = (K->out + 3) & ~(slong) 3;
        F->ld[k] = ld;
        if (!K->d_ok || K->in >= MAX_N_D)
            continue;
        F->WT[k] = flint_calloc(K->in * ld, sizeof(double));
        F->WA[k] = flint_calloc(K->in * ld, sizeof(double));
        for (t = 0; t < K->in; t++)
            for (i = 0; i < K->out; i++)
            {
                F->WT[k][t * ld + i] = K->Wd[i * K->in + t];
                F->WA[k][t * ld + i] = fabs(K->Wd[i * K->in + t]);
            }
    }
    F->simd = 0;
#if FORMS_SIMD
    F->simd = __builtin_cpu_supports("avx2") != 0;
#endif
}

void forms_plan_clear(forms_plan_t F)
{
    slong k;
    for (k = 0; k < F->nlayers; k++)
    {
        flint_free(F->WT[k]);
        flint_free(F->WA[k]);
    }
    flint_free(F->WT);
    flint_free(F->WA);
    flint_free(F->ld);
}

/* acc holds 9 rows of ld: z, S, T for each of the 3 columns.  For every
   input t in on[]: z += w a, S += |w||a|, T += |w| ea, along the outputs.
   These are the sums of forms_affine_d, in another order. */
static inline __attribute__((always_inline)) void
next_body(double *acc, const double *WT, const double *WA, slong ld,
          const slong *on, slong non, const double *Zp, const double *Ep)
{
    slong q, i, nv = ld / 4;
    for (q = 0; q < non; q++)
    {
        slong t = on[q];
        const v4d *w = (const v4d *) (WT + t * ld);
        const v4d *wa = (const v4d *) (WA + t * ld);
        double a0 = Zp[3 * t], a1 = Zp[3 * t + 1], a2 = Zp[3 * t + 2];
        double b0 = fabs(a0), b1 = fabs(a1), b2 = fabs(a2);
        double e0 = Ep[3 * t], e1 = Ep[3 * t + 1], e2 = Ep[3 * t + 2];
        v4d *z0 = (v4d *) acc, *z1 = (v4d *) (acc + ld),
            *z2 = (v4d *) (acc + 2 * ld), *s0 = (v4d *) (acc + 3 * ld),
            *s1 = (v4d *) (acc + 4 * ld), *s2 = (v4d *) (acc + 5 * ld),
            *t0 = (v4d *) (acc + 6 * ld), *t1 = (v4d *) (acc + 7 * ld),
            *t2 = (v4d *) (acc + 8 * ld);
        for (i = 0; i < nv; i++)
        {
            v4d wi = w[i], ai = wa[i];
            z0[i] += wi * a0;
            z1[i] += wi * a1;
            z2[i] += wi * a2;
            s0[i] += ai * b0;
            s1[i] += ai * b1;
            s2[i] += ai * b2;
            t0[i] += ai * e0;
            t1[i] += ai * e1;
            t2[i] += ai * e2;
        }
    }
}

static void next_portable(double *acc, const double *WT, const double *WA,
                          slong ld, const slong *on, slong non,
                          const double *Zp, const double *Ep)
{
    next_body(acc, WT, WA, ld, on, non, Zp, Ep);
}

#if FORMS_SIMD
__attribute__((target("avx2")))
static void next_avx2(double *acc, const double *WT, const double *WA,
                      slong ld, const slong *on, slong non,
                      const double *Zp, const double *Ep)
{
    next_body(acc, WT, WA, ld, on, non, Zp, Ep);
}
#endif

static int layer_is_relu(const cpwl_net_t net, slong k)
{
    return net->layers[k].act == CPWL_NET_RELU;
}

int forms_next_d(double *Z, double *E, const forms_plan_t F, const cpwl_net_t net,
                 slong k, const double *Zp, const double *Ep,
                 const unsigned char *state)
{
    const cpwl_net_layer_struct *K = net->layers + k;
    slong ld = F->ld[k], in = K->in, t, i, col, non = 0, off;
    const double n3 = (double) (K->in + 3);
    double N[3] = {0, 0, 0}, *acc;
    slong *on;
    int ok = 1;

    if (F->WT[k] == NULL || net->input_dim != 2)
        return 0;
    if (!layer_is_relu(net, k - 1))
    {
        /* leaky or identity: every input counts; the general path */
        double *A = flint_malloc(2 * 3 * in * sizeof(double)), *EA = A + 3 * in;
        memcpy(A, Zp, 3 * in * sizeof(double));
        memcpy(EA, Ep, 3 * in * sizeof(double));
        forms_act_d(A, EA, net, k - 1, state);
        ok = forms_affine_d(Z, E, net, k, A, EA);
        flint_free(A);
        return ok;
    }
    off = forms_state_offset(net, k - 1);
    on = flint_malloc(FLINT_MAX(in, 1) * sizeof(slong));
    acc = flint_calloc(9 * ld, sizeof(double));
    /* An off relu input contributes exactly 0 to every sum of
       forms_affine_d (forms_act_d zeroes its form and bound). */
    for (t = 0; t < in; t++)
        if (state[off + t])
        {
            on[non++] = t;
            for (col = 0; col < 3; col++)
                N[col] += fabs(Zp[3 * t + col]) + Ep[3 * t + col];
        }
#if FORMS_SIMD
    if (F->simd)
        next_avx2(acc, F->WT[k], F->WA[k], ld, on, non, Zp, Ep);
    else
#endif
        next_portable(acc, F->WT[k], F->WA[k], ld, on, non, Zp, Ep);
    for (i = 0; i < K->out; i++)
        for (col = 0; col < 3; col++)
        {
            double z = acc[col * ld + i], S = acc[(3 + col) * ld + i];
            double T = acc[(6 + col) * ld + i], bb = (col == 2) ? K->bd[i] : 0;
            z += bb;
            S += fabs(bb);
            /* The bound of forms_affine_d (docs/numerics.md): its
               derivation does not depend on the order of the sums. */
            Z[3 * i + col] = z;
            E[3 * i + col] = SLACK_D * (n3 * U_D * S + T
                                        + n3 * ETA_D * (1 + N[col]));
            if (!isfinite(z) || !isfinite(E[3 * i + col]))
                ok = 0;
        }
    flint_free(acc);
    flint_free(on);
    return ok;
}

int forms_update_d(double *Z, double *E, const forms_plan_t F,
                   const cpwl_net_t net, slong k, const double *Zr,
                   const double *Er, const double *Zp, const double *Ep,
                   const unsigned char *state_q, const unsigned char *state_r)
{
    const cpwl_net_layer_struct *K = net->layers + k;
    slong ld = F->ld[k], t, i, col, off;
    int ok = 1;

    if (F->WT[k] == NULL || net->input_dim != 2 || !layer_is_relu(net, k - 1))
        return 0;
    off = forms_state_offset(net, k - 1);
    memcpy(Z, Zr, 3 * K->out * sizeof(double));
    memcpy(E, Er, 3 * K->out * sizeof(double));
    for (t = 0; t < K->in; t++)
    {
        const double *w = F->WT[k] + t * ld;
        double sg;
        iv a[3];
        if ((state_q[off + t] != 0) == (state_r[off + t] != 0))
            continue;
        sg = state_q[off + t] ? 1 : -1;
        for (col = 0; col < 3; col++)
            a[col] = iv_set(Zp[3 * t + col], Ep[3 * t + col]);
        for (i = 0; i < K->out; i++)
        {
            /* The exact weight W lies within u|w| of its nearest double
               w (eta/2 when subnormal): docs/numerics.md. */
            iv wi = iv_set(sg * w[i], U_D * fabs(w[i]) + ETA_D);
            for (col = 0; col < 3; col++)
            {
                iv z = iv_add(iv_set(Z[3 * i + col], E[3 * i + col]),
                              iv_mul(wi, a[col]));
                Z[3 * i + col] = z.m;
                E[3 * i + col] = z.r;
            }
        }
    }
    for (i = 0; i < 3 * K->out && ok; i++)
        if (!isfinite(Z[i]) || !isfinite(E[i]))
            ok = 0;
    return ok;
}
