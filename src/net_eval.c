/* Evaluation of a network in exact, ball and double arithmetic, and the
   activation pattern at a point through the predicate layer.

   The double pass carries a proven forward error bound per value; the
   derivation is in docs/numerics.md ("Double evaluation"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fpbound.h"
#include "cpwl/net.h"
#include "cpwl/num.h"

static void unsupported(const cpwl_net_layer_struct *L)
{
    fprintf(stderr, "cpwl: internal error: activation '%s' is not "
            "implemented in evaluation\n", cpwl_net_act_name(L->act));
    abort();
}

/* The derived copies are used by the ball and double paths. */
static void need_prepared(const cpwl_net_t net)
{
    if (!net->prepared)
    {
        fprintf(stderr, "cpwl: internal error: cpwl_net_prepare was not called "
                "after the weights were set\n");
        abort();
    }
}

/* ---- exact ---------------------------------------------------------- */

static void affine_fmpq(fmpq *z, const cpwl_net_layer_struct *L, const fmpq *a)
{
    slong i, j;
    for (i = 0; i < L->out; i++)
    {
        fmpq_set(z + i, L->b + i);
        for (j = 0; j < L->in; j++)
            fmpq_addmul(z + i, fmpq_mat_entry(L->W, i, j), a + j);
    }
}

/* a has cpwl_net_layer_width entries: out, or out / pieces for maxout. */
static void act_fmpq(fmpq *a, const fmpq *z, const cpwl_net_layer_struct *L)
{
    slong i, j;
    if (L->act == CPWL_NET_MAXOUT)
    {
        for (i = 0; i < L->out / L->pieces; i++)
        {
            const fmpq *g = z + i * L->pieces;
            slong best = 0;
            for (j = 1; j < L->pieces; j++)
                if (fmpq_cmp(g + j, g + best) > 0)
                    best = j;
            fmpq_set(a + i, g + best);
        }
        return;
    }
    for (i = 0; i < L->out; i++)
    {
        switch (L->act)
        {
            case CPWL_NET_IDENTITY:
                fmpq_set(a + i, z + i);
                break;
            case CPWL_NET_RELU:  /* z = 0 is off: relu(0) = 0 either way */
                if (fmpq_sgn(z + i) > 0)
                    fmpq_set(a + i, z + i);
                else
                    fmpq_zero(a + i);
                break;
            case CPWL_NET_LEAKY_RELU:
                if (fmpq_sgn(z + i) > 0)
                    fmpq_set(a + i, z + i);
                else
                    fmpq_mul(a + i, z + i, L->slope);
                break;
            case CPWL_NET_ABS:
                fmpq_abs(a + i, z + i);
                break;
            case CPWL_NET_HARDTANH:
                if (fmpz_cmpabs(fmpq_numref(z + i), fmpq_denref(z + i)) <= 0)
                    fmpq_set(a + i, z + i);
                else
                    fmpq_set_si(a + i, fmpq_sgn(z + i), 1);
                break;
            default:
                unsupported(L);
        }
    }
}

fmpq **cpwl_net_preacts_init(const cpwl_net_t net)
{
    slong l;
    fmpq **z = flint_malloc(FLINT_MAX(1, net->nlayers) * sizeof(fmpq *));
    for (l = 0; l < net->nlayers; l++)
        z[l] = _fmpq_vec_init(net->layers[l].out);
    return z;
}

void cpwl_net_preacts_clear(fmpq **z, const cpwl_net_t net)
{
    slong l;
    for (l = 0; l < net->nlayers; l++)
        _fmpq_vec_clear(z[l], net->layers[l].out);
    flint_free(z);
}

void cpwl_net_preacts_fmpq(fmpq **z, const cpwl_net_t net, const fmpq *x)
{
    slong l;
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        if (l == 0)
            affine_fmpq(z[0], L, x);
        else
        {
            const cpwl_net_layer_struct *P = net->layers + l - 1;
            fmpq *a = _fmpq_vec_init(P->out);
            act_fmpq(a, z[l - 1], P);
            affine_fmpq(z[l], L, a);
            _fmpq_vec_clear(a, P->out);
        }
    }
}

/* Two layers at a time: z of layer l from the activations of layer l - 1.
   Exact values of a deep net can grow by a layer's bits per layer, so
   keeping every layer would cost the sum of all their sizes. */
typedef struct
{
    const cpwl_net_struct *net;
    const fmpq *x;
    slong layer;                /* z holds layer `layer`, -1: nothing yet */
    fmpq *z, *a;                /* room for the widest layer */
    slong w;
}
fmpq_pass;

static void fmpq_pass_init(fmpq_pass *F, const cpwl_net_t net, const fmpq *x)
{
    slong l;
    F->net = net;
    F->x = x;
    F->layer = -1;
    F->w = 1;
    for (l = 0; l < net->nlayers; l++)
        F->w = FLINT_MAX(F->w, net->layers[l].out);
    F->z = _fmpq_vec_init(F->w);
    F->a = _fmpq_vec_init(F->w);
}

static void fmpq_pass_clear(fmpq_pass *F)
{
    _fmpq_vec_clear(F->z, F->w);
    _fmpq_vec_clear(F->a, F->w);
}

/* Move the pass on to layer l (from the start if it is past l). */
static void fmpq_pass_to(fmpq_pass *F, slong l)
{
    if (F->layer > l)
        F->layer = -1;
    while (F->layer < l)
    {
        const cpwl_net_layer_struct *L = F->net->layers + F->layer + 1;
        if (F->layer < 0)
            affine_fmpq(F->z, L, F->x);
        else
        {
            act_fmpq(F->a, F->z, F->net->layers + F->layer);
            affine_fmpq(F->z, L, F->a);
        }
        F->layer++;
    }
}

void cpwl_net_eval_fmpq(fmpq *y, const cpwl_net_t net, const fmpq *x)
{
    fmpq_pass F;
    if (net->nlayers == 0)
    {
        slong j;
        for (j = 0; j < net->input_dim; j++)
            fmpq_set(y + j, x + j);
        return;
    }
    fmpq_pass_init(&F, net, x);
    fmpq_pass_to(&F, net->nlayers - 1);
    act_fmpq(y, F.z, net->layers + net->nlayers - 1);
    fmpq_pass_clear(&F);
}

/* ---- balls ---------------------------------------------------------- */

static void affine_arb(arb_ptr z, const cpwl_net_layer_struct *L, arb_srcptr a,
                       slong prec)
{
    slong i, j;
    if (prec <= CPWL_NET_ARB_PREC)
    {
        for (i = 0; i < L->out; i++)
            arb_dot(z + i, L->ba + i, 0, L->Wa + i * L->in, 1, a, 1, L->in,
                    prec);
        return;
    }
    /* Beyond the stored copies' precision, convert the weights afresh. */
    {
        arb_t w;
        arb_init(w);
        for (i = 0; i < L->out; i++)
        {
            arb_set_fmpq(z + i, L->b + i, prec);
            for (j = 0; j < L->in; j++)
            {
                arb_set_fmpq(w, fmpq_mat_entry(L->W, i, j), prec);
                arb_addmul(z + i, w, a + j, prec);
            }
        }
        arb_clear(w);
    }
}

static void act_arb(arb_ptr a, arb_srcptr z, const cpwl_net_layer_struct *L,
                    slong prec)
{
    slong i, j;
    arb_t t;
    arb_init(t);
    if (L->act == CPWL_NET_MAXOUT)
    {
        /* max is monotone in each argument: exact on the balls' ends */
        for (i = 0; i < L->out / L->pieces; i++)
        {
            arb_set(a + i, z + i * L->pieces);
            for (j = 1; j < L->pieces; j++)
                arb_max(a + i, a + i, z + i * L->pieces + j, prec);
        }
        arb_clear(t);
        return;
    }
    for (i = 0; i < L->out; i++)
    {
        switch (L->act)
        {
            case CPWL_NET_IDENTITY:
                arb_set(a + i, z + i);
                break;
            case CPWL_NET_ABS:
                arb_abs(a + i, z + i);
                break;
            case CPWL_NET_HARDTANH:
                arb_set_si(t, -1);
                arb_max(a + i, z + i, t, prec);
                arb_one(t);
                arb_min(a + i, a + i, t, prec);
                break;
            case CPWL_NET_RELU:
                arb_zero(t);
                arb_max(a + i, z + i, t, prec);
                break;
            case CPWL_NET_LEAKY_RELU:
                /* leaky(z) = max(z, s z) for s <= 1, min(z, s z) for s > 1,
                   whatever the sign of s: a monotone formula on balls. */
                if (prec <= CPWL_NET_ARB_PREC)
                    arb_mul(t, z + i, L->slope_a, prec);
                else
                {
                    arb_set_fmpq(t, L->slope, prec);
                    arb_mul(t, z + i, t, prec);
                }
                if (fmpz_cmp(fmpq_numref(L->slope), fmpq_denref(L->slope)) <= 0)
                    arb_max(a + i, z + i, t, prec);
                else
                    arb_min(a + i, z + i, t, prec);
                break;
            default:
                unsupported(L);
        }
    }
    arb_clear(t);
}

/* Pre-activations of every layer as balls; z[l] has layers[l].out. */
static void preacts_arb(arb_ptr *z, const cpwl_net_t net, arb_srcptr x, slong prec)
{
    slong l;
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        if (l == 0)
            affine_arb(z[0], L, x, prec);
        else
        {
            const cpwl_net_layer_struct *P = net->layers + l - 1;
            arb_ptr a = _arb_vec_init(P->out);
            act_arb(a, z[l - 1], P, prec);
            affine_arb(z[l], L, a, prec);
            _arb_vec_clear(a, P->out);
        }
    }
}

static arb_ptr *preacts_arb_init(const cpwl_net_t net)
{
    slong l;
    arb_ptr *z = flint_malloc(FLINT_MAX(1, net->nlayers) * sizeof(arb_ptr));
    for (l = 0; l < net->nlayers; l++)
        z[l] = _arb_vec_init(net->layers[l].out);
    return z;
}

static void preacts_arb_clear(arb_ptr *z, const cpwl_net_t net)
{
    slong l;
    for (l = 0; l < net->nlayers; l++)
        _arb_vec_clear(z[l], net->layers[l].out);
    flint_free(z);
}

void cpwl_net_eval_arb(arb_ptr y, const cpwl_net_t net, arb_srcptr x, slong prec)
{
    arb_ptr *z;
    need_prepared(net);
    if (net->nlayers == 0)
    {
        _arb_vec_set(y, x, net->input_dim);
        return;
    }
    z = preacts_arb_init(net);
    preacts_arb(z, net, x, prec);
    act_arb(y, z[net->nlayers - 1], net->layers + net->nlayers - 1, prec);
    preacts_arb_clear(z, net);
}

/* ---- doubles with a proven error bound -------------------------------- */

/* z = W a + b in double with |z - exact| <= ez, given |a - exact| <= ea.
   Bound (docs/numerics.md): with T = |b| + sum |W_j a_j|,
   E = sum |W_j| ea_j, C = sum |a_j|, S = sum ea_j, all in double,
   ez = SLACK ((n+3) u T + E + 2 eta (C + S + n + 2)). */
static int affine_d(double *z, double *ez, const cpwl_net_layer_struct *L,
                    const double *a, const double *ea)
{
    slong i, j, n = L->in;
    double C = 0, S = 0;
    if (!L->d_ok || n >= MAX_N_D)
        return 0;
    for (j = 0; j < n; j++)
    {
        C += fabs(a[j]);
        S += ea[j];
    }
    for (i = 0; i < L->out; i++)
    {
        const double *w = L->Wd + i * n;
        double s = L->bd[i], T = fabs(L->bd[i]), E = 0;
        for (j = 0; j < n; j++)
        {
            double p = w[j] * a[j];
            s += p;
            T += fabs(p);
            E += fabs(w[j]) * ea[j];
        }
        z[i] = s;
        ez[i] = SLACK_D * ((double) (n + 3) * U_D * T + E
                           + 2 * ETA_D * (C + S + (double) (n + 2)));
        if (!isfinite(s) || !isfinite(ez[i]))
            return 0;
    }
    return 1;
}

static int act_d(double *a, double *ea, const double *z, const double *ez,
                 const cpwl_net_layer_struct *L)
{
    slong i, j;
    if (L->act == CPWL_NET_MAXOUT)
    {
        /* exact on z; |max(z) - max(zhat)| <= max_j |z_j - zhat_j| */
        for (i = 0; i < L->out / L->pieces; i++)
        {
            const double *g = z + i * L->pieces, *eg = ez + i * L->pieces;
            a[i] = g[0];
            ea[i] = eg[0];
            for (j = 1; j < L->pieces; j++)
            {
                a[i] = g[j] > a[i] ? g[j] : a[i];
                ea[i] = eg[j] > ea[i] ? eg[j] : ea[i];
            }
        }
        return 1;
    }
    for (i = 0; i < L->out; i++)
    {
        switch (L->act)
        {
            case CPWL_NET_IDENTITY:
                a[i] = z[i];
                ea[i] = ez[i];
                break;
            case CPWL_NET_ABS:       /* exact on z, 1-Lipschitz */
                a[i] = fabs(z[i]);
                ea[i] = ez[i];
                break;
            case CPWL_NET_HARDTANH:  /* exact on z, 1-Lipschitz */
                a[i] = z[i] < -1.0 ? -1.0 : z[i] > 1.0 ? 1.0 : z[i];
                ea[i] = ez[i];
                break;
            case CPWL_NET_RELU:  /* exact on z, and relu is 1-Lipschitz */
                a[i] = z[i] > 0 ? z[i] : 0.0;
                ea[i] = ez[i];
                break;
            case CPWL_NET_LEAKY_RELU:
            {
                /* Lipschitz constant max(1, |S|) <= (1 + u) lip for the
                   exact slope S; SLACK covers that (1 + u) with the
                   roundings of this line.  One rounded product. */
                double s = L->slope_d, lip = FLINT_MAX(1.0, fabs(s));
                a[i] = z[i] > 0 ? z[i] : s * z[i];
                ea[i] = SLACK_D * (lip * ez[i]
                                   + 3 * U_D * fabs(s * z[i])
                                   + 2 * ETA_D * (1 + fabs(z[i])));
                if (!isfinite(a[i]) || !isfinite(ea[i]))
                    return 0;
                break;
            }
            default:
                unsupported(L);
        }
    }
    return 1;
}

/* Pre-activations and their bounds for every layer; 0 on overflow. */
static int preacts_d(double **z, double **ez, const cpwl_net_t net,
                     const double *x, const double *xerr)
{
    slong l, maxw = net->input_dim;
    double *a, *ea;
    int ok = 1;
    for (l = 0; l < net->nlayers; l++)
        maxw = FLINT_MAX(maxw, net->layers[l].out);
    a = flint_malloc(maxw * sizeof(double));
    ea = flint_malloc(maxw * sizeof(double));
    for (l = 0; l < net->input_dim; l++)
    {
        a[l] = x[l];
        ea[l] = xerr == NULL ? 0.0 : xerr[l];
    }
    for (l = 0; ok && l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        ok = affine_d(z[l], ez[l], L, a, ea);
        if (ok && l + 1 < net->nlayers)
            ok = act_d(a, ea, z[l], ez[l], L);
    }
    flint_free(a);
    flint_free(ea);
    return ok;
}

static double **dvecs_init(const cpwl_net_t net)
{
    slong l;
    double **v = flint_malloc(FLINT_MAX(1, net->nlayers) * sizeof(double *));
    for (l = 0; l < net->nlayers; l++)
        v[l] = flint_malloc(FLINT_MAX(1, net->layers[l].out) * sizeof(double));
    return v;
}

static void dvecs_clear(double **v, const cpwl_net_t net)
{
    slong l;
    for (l = 0; l < net->nlayers; l++)
        flint_free(v[l]);
    flint_free(v);
}

int cpwl_net_eval_d(double *y, double *err, const cpwl_net_t net,
                    const double *x, const double *xerr)
{
    double **z, **ez;
    slong l, last = net->nlayers - 1;
    int ok;
    need_prepared(net);
    if (net->nlayers == 0)
    {
        for (l = 0; l < net->input_dim; l++)
        {
            y[l] = x[l];
            err[l] = xerr == NULL ? 0.0 : xerr[l];
        }
        return 1;
    }
    z = dvecs_init(net);
    ez = dvecs_init(net);
    ok = preacts_d(z, ez, net, x, xerr)
         && act_d(y, err, z[last], ez[last], net->layers + last);
    dvecs_clear(z, net);
    dvecs_clear(ez, net);
    return ok;
}

/* ---- activation patterns through the predicate layer ------------------ */

#define PAT_ARB_LEVELS 8

/* The state of one pattern computation: each pass is run once, lazily,
   and the predicate layer asks about neuron (layer, idx). */
typedef struct
{
    const cpwl_net_struct *net;
    const fmpq *x;
    int d_ok;
    double **zd, **ezd;
    /* One Arb pass per precision the predicate layer asked for, kept: a
       zero at a non-dyadic point asks 64, 128, 256 bits for each neuron. */
    slong arb_prec[PAT_ARB_LEVELS];
    arb_ptr *za[PAT_ARB_LEVELS];
    slong arb_levels;
    fmpq_pass zq;               /* exact, two layers at a time (asked
                                   in layer order) */
    int have_zq;
    /* The value asked about: z[idx] - z[idx2] - shift (idx2 < 0: no
       z[idx2]); hardtanh compares z with -1 and 1 (shift -1, 1), maxout
       two pre-activations of a unit. */
    slong layer, idx, idx2, shift;
}
pattern_state;

static int pat_get_d(double *v, double *err, void *data)
{
    pattern_state *P = data;
    double a, ea, b = (double) P->shift, eb = 0;
    if (!P->d_ok)
        return 0;
    a = P->zd[P->layer][P->idx];
    ea = P->ezd[P->layer][P->idx];
    if (P->idx2 < 0 && P->shift == 0)
    {
        *v = a;
        *err = ea;
        return 1;
    }
    if (P->idx2 >= 0)
    {
        b = P->zd[P->layer][P->idx2];
        eb = P->ezd[P->layer][P->idx2];
    }
    /* one rounding: |fl(a - b) - (a - b)| <= u |fl(a - b)| */
    *v = a - b;
    *err = SLACK_D * (ea + eb + 2 * U_D * fabs(*v));
    return isfinite(*v) && isfinite(*err);
}

static void pat_get_arb(arb_t v, slong prec, void *data)
{
    pattern_state *P = data;
    slong k, j;
    for (k = 0; k < P->arb_levels && P->arb_prec[k] != prec; k++)
        ;
    if (k == P->arb_levels)
    {
        arb_ptr xa = _arb_vec_init(P->net->input_dim);
        if (k == PAT_ARB_LEVELS)
            k--;                /* more levels than expected: reuse the last */
        else
        {
            P->za[k] = preacts_arb_init(P->net);
            P->arb_levels++;
        }
        for (j = 0; j < P->net->input_dim; j++)
            arb_set_fmpq(xa + j, P->x + j, prec);
        preacts_arb(P->za[k], P->net, xa, prec);
        P->arb_prec[k] = prec;
        _arb_vec_clear(xa, P->net->input_dim);
    }
    arb_set(v, P->za[k][P->layer] + P->idx);
    if (P->idx2 >= 0)
        arb_sub(v, v, P->za[k][P->layer] + P->idx2, prec);
    if (P->shift != 0)
        arb_sub_si(v, v, P->shift, prec);
}

static void pat_get_fmpq(fmpq_t v, void *data)
{
    pattern_state *P = data;
    if (!P->have_zq)
    {
        fmpq_pass_init(&P->zq, P->net, P->x);
        P->have_zq = 1;
    }
    fmpq_pass_to(&P->zq, P->layer);
    fmpq_set(v, P->zq.z + P->idx);
    if (P->idx2 >= 0)
        fmpq_sub(v, v, P->zq.z + P->idx2);
    if (P->shift != 0)
        fmpq_sub_si(v, v, P->shift);
}

/* Inputs rounded to double with |x_d - x| <= 2^-52 |x_d| + 2^-1074. */
int cpwl_net_round_inputs_d(double *xd, double *xe, const fmpq *x, slong n)
{
    slong j;
    for (j = 0; j < n; j++)
    {
        xd[j] = cpwl_num_fmpq_get_d(x + j);
        if (!isfinite(xd[j]))
            return 0;
        xe[j] = 2 * U_D * fabs(xd[j]) + ETA_D;
    }
    return 1;
}

/* The sign of z[idx] - z[idx2] - shift at the pattern's point. */
static int ask(pattern_state *P, slong idx, slong idx2, slong shift,
               const cpwl_pred_src_struct *src, cpwl_pred_ctx_t ctx)
{
    P->idx = idx;
    P->idx2 = idx2;
    P->shift = shift;
    return cpwl_pred_sign(ctx, src);
}

/* Decide every state, in order (see cpwl_net_num_states): state[k], and
   sign[k] (may be NULL) as cpwl_net_signs documents.  Returns the number of
   states decided by a tie (an exact zero). */
static slong pattern_ask(unsigned char *state, signed char *sign,
                         pattern_state *P, const cpwl_pred_src_struct *src,
                         cpwl_pred_ctx_t ctx)
{
    const cpwl_net_struct *net = P->net;
    slong l, i, j, k = 0, zeros = 0;
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        if (L->act == CPWL_NET_IDENTITY)
            continue;
        P->layer = l;
        for (i = 0; i < cpwl_net_layer_width(net, l); i++, k++)
        {
            int s, tie = 0, st;
            switch (L->act)
            {
                case CPWL_NET_RELU:
                case CPWL_NET_LEAKY_RELU:
                case CPWL_NET_ABS:   /* z = 0 is off */
                    s = ask(P, i, -1, 0, src, ctx);
                    st = s > 0;
                    tie = s == 0;
                    if (sign != NULL)
                        sign[k] = (signed char) s;
                    break;
                case CPWL_NET_HARDTANH:  /* z <= -1, -1 < z < 1, z >= 1 */
                    s = ask(P, i, -1, 1, src, ctx);
                    if (s >= 0)
                        st = 2;
                    else
                    {
                        s = ask(P, i, -1, -1, src, ctx);
                        st = s > 0;
                    }
                    tie = s == 0;
                    break;
                case CPWL_NET_MAXOUT:
                {
                    /* the first strictly larger piece wins: ties go to
                       the lowest index; a tie with the final winner
                       puts x on a boundary */
                    slong g = i * L->pieces;
                    st = 0;
                    for (j = 1; j < L->pieces; j++)
                    {
                        s = ask(P, g + j, g + st, 0, src, ctx);
                        if (s > 0)
                        {
                            st = (int) j;
                            tie = 0;
                        }
                        else if (s == 0)
                            tie = 1;
                    }
                    break;
                }
                default:
                    unsupported(L);
                    st = 0;
            }
            state[k] = (unsigned char) st;
            if (sign != NULL && L->act != CPWL_NET_RELU
                && L->act != CPWL_NET_LEAKY_RELU && L->act != CPWL_NET_ABS)
                sign[k] = (signed char) (tie ? 0 : 1);
            zeros += tie;
        }
    }
    return zeros;
}

static void pattern_state_init(pattern_state *P, const cpwl_net_t net,
                               const fmpq *x)
{
    P->net = net;
    P->x = x;
    P->d_ok = 0;
    P->zd = P->ezd = NULL;
    P->arb_levels = 0;
    P->have_zq = 0;
    P->idx2 = -1;
    P->shift = 0;
}

static void pattern_state_clear(pattern_state *P)
{
    slong k;
    if (P->zd != NULL)
    {
        dvecs_clear(P->zd, P->net);
        dvecs_clear(P->ezd, P->net);
    }
    for (k = 0; k < P->arb_levels; k++)
        preacts_arb_clear(P->za[k], P->net);
    if (P->have_zq)
        fmpq_pass_clear(&P->zq);
}

static slong pattern_filtered(unsigned char *state, signed char *sign,
                              const cpwl_net_t net, const fmpq *x, cpwl_pred_ctx_t ctx)
{
    pattern_state P;
    cpwl_pred_src_struct src = {pat_get_d, pat_get_arb, pat_get_fmpq, NULL};
    slong zeros, n = FLINT_MAX(1, net->input_dim);
    double *xd = flint_malloc(n * sizeof(double));
    double *xe = flint_malloc(n * sizeof(double));

    need_prepared(net);
    pattern_state_init(&P, net, x);
    P.zd = dvecs_init(net);
    P.ezd = dvecs_init(net);
    P.d_ok = cpwl_net_round_inputs_d(xd, xe, x, net->input_dim)
             && preacts_d(P.zd, P.ezd, net, xd, xe);
    src.data = &P;
    zeros = pattern_ask(state, sign, &P, &src, ctx);
    pattern_state_clear(&P);
    flint_free(xd);
    flint_free(xe);
    return zeros;
}

slong cpwl_net_signs(signed char *sign, const cpwl_net_t net, const fmpq *x,
                     cpwl_pred_ctx_t ctx)
{
    unsigned char *state = flint_malloc(FLINT_MAX(1, cpwl_net_num_states(net)));
    slong zeros = pattern_filtered(state, sign, net, x, ctx);
    flint_free(state);
    return zeros;
}

void cpwl_net_pattern(unsigned char *state, const cpwl_net_t net, const fmpq *x,
                      cpwl_pred_ctx_t ctx)
{
    pattern_filtered(state, NULL, net, x, ctx);
}

void cpwl_net_pattern_exact(unsigned char *state, const cpwl_net_t net, const fmpq *x)
{
    pattern_state P;
    cpwl_pred_src_struct src = {NULL, NULL, pat_get_fmpq, NULL};
    cpwl_pred_ctx_t ctx;

    cpwl_pred_ctx_init(ctx);
    pattern_state_init(&P, net, x);
    src.data = &P;
    pattern_ask(state, NULL, &P, &src, ctx);
    pattern_state_clear(&P);
    cpwl_pred_ctx_clear(ctx);
}

/* ---- the three paths checked against each other ----------------------- */

/* |d - y| <= err decided on exact rationals (doubles convert exactly). */
static int within_exact(double d, double err, const fmpq_t y)
{
    arf_t t;
    fmpq_t dq, eq;
    int r;
    arf_init(t);
    fmpq_init(dq);
    fmpq_init(eq);
    arf_set_d(t, d);
    arf_get_fmpq(dq, t);
    arf_set_d(t, err);
    arf_get_fmpq(eq, t);
    fmpq_sub(dq, dq, y);
    fmpq_abs(dq, dq);
    r = fmpq_cmp(dq, eq) <= 0;
    arf_clear(t);
    fmpq_clear(dq);
    fmpq_clear(eq);
    return r;
}

void cpwl_net_check_point(cpwl_net_check_struct *res, unsigned char *state,
                          const cpwl_net_t net, const fmpq *x, cpwl_pred_ctx_t ctx,
                          slong prec)
{
    slong j, n = net->input_dim, m = cpwl_net_output_dim(net);
    slong ns = cpwl_net_num_states(net);
    fmpq *y = _fmpq_vec_init(m);
    arb_ptr xa = _arb_vec_init(n), ya = _arb_vec_init(m);
    double *xd = flint_malloc(FLINT_MAX(1, n) * sizeof(double));
    double *xe = flint_malloc(FLINT_MAX(1, n) * sizeof(double));
    double *yd = flint_malloc(FLINT_MAX(1, m) * sizeof(double));
    double *ye = flint_malloc(FLINT_MAX(1, m) * sizeof(double));
    unsigned char *s1 = flint_malloc(FLINT_MAX(1, ns));
    unsigned char *s2 = flint_malloc(FLINT_MAX(1, ns));

    cpwl_net_eval_fmpq(y, net, x);

    for (j = 0; j < n; j++)
        arb_set_fmpq(xa + j, x + j, prec);
    cpwl_net_eval_arb(ya, net, xa, prec);
    res->arb_contains = 1;
    for (j = 0; j < m; j++)
        res->arb_contains &= arb_contains_fmpq(ya + j, y + j) != 0;

    res->double_ok = cpwl_net_round_inputs_d(xd, xe, x, n)
                     && cpwl_net_eval_d(yd, ye, net, xd, xe);
    res->double_within = res->double_ok;
    for (j = 0; res->double_ok && j < m; j++)
        res->double_within &= within_exact(yd[j], ye[j], y + j);

    cpwl_net_pattern(s1, net, x, ctx);
    cpwl_net_pattern_exact(s2, net, x);
    res->pattern_agrees = ns == 0 || memcmp(s1, s2, ns) == 0;
    if (state != NULL && ns > 0)
        memcpy(state, s1, ns);

    _fmpq_vec_clear(y, m);
    _arb_vec_clear(xa, n);
    _arb_vec_clear(ya, m);
    flint_free(xd);
    flint_free(xe);
    flint_free(yd);
    flint_free(ye);
    flint_free(s1);
    flint_free(s2);
}

int cpwl_net_check_passed(const cpwl_net_check_struct *res)
{
    /* A declined double filter (overflow) is not a failure: no claim. */
    return res->arb_contains && (!res->double_ok || res->double_within)
           && res->pattern_agrees;
}
