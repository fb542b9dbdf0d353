/* ONNX import: Conv (an exact dense linear map), AveragePool (linear) and
   MaxPool (a pairwise max tree), on the window geometry they share. */
#include <string.h>
#include <flint/fmpq_vec.h>
#include "onnx_impl.h"

typedef struct
{
    slong ns;                   /* spatial dimensions */
    slong in[CPWL_ONNX_MAX_RANK], k[CPWL_ONNX_MAX_RANK], s[CPWL_ONNX_MAX_RANK];
    slong d[CPWL_ONNX_MAX_RANK], pb[CPWL_ONNX_MAX_RANK], pe[CPWL_ONNX_MAX_RANK];
    slong out[CPWL_ONNX_MAX_RANK];
    slong nout, nk;             /* output positions, kernel offsets */
}
win_t;

static int ints_attr(onnx_ctx *c, slong *v, const Onnx__NodeProto *node,
                     const char *name, slong n, slong dflt)
{
    const Onnx__AttributeProto *a = onnx_attr(node, name);
    slong i;
    if (a == NULL || a->n_ints == 0)
    {
        for (i = 0; i < n; i++)
            v[i] = dflt;
        return CPWL_OK;
    }
    if ((slong) a->n_ints != n)
        return onnx_fail(c, "attribute %s has %ld entries (expected %ld)",
                         name, (long) a->n_ints, (long) n);
    for (i = 0; i < n; i++)
        if ((v[i] = a->ints[i]) < (dflt == 0 ? 0 : 1) || v[i] > CPWL_ONNX_MAX_COEFFS)
            return onnx_fail(c, "attribute %s has entry %ld out of range",
                             name, (long) v[i]);
    return CPWL_OK;
}

/* The window geometry of node on input x (rank 2 + ns); kernel from the
   weights (conv) or the attribute kernel_shape. */
static int win_setup(onnx_ctx *c, win_t *w, const Onnx__NodeProto *node,
                     const onnx_val_t x, const slong *kernel)
{
    const Onnx__AttributeProto *ap = onnx_attr(node, "auto_pad");
    slong i, pads[2 * CPWL_ONNX_MAX_RANK];
    const Onnx__AttributeProto *cm = onnx_attr(node, "ceil_mode");
    int ceil_mode = cm != NULL && cm->has_i && cm->i != 0;
    char mode[16] = "NOTSET";
    if (x->rank < 3)
        return onnx_fail(c, "the input has rank %ld (expected N x C x "
                         "spatial dimensions)", (long) x->rank);
    w->ns = x->rank - 2;
    for (i = 0; i < w->ns; i++)
        w->in[i] = x->dims[i + 2];
    if (kernel != NULL)
        memcpy(w->k, kernel, w->ns * sizeof(slong));
    else if (onnx_attr(node, "kernel_shape") == NULL)
        return onnx_fail(c, "attribute kernel_shape is missing");
    if (ints_attr(c, pads, node, "kernel_shape", w->ns, 1) != CPWL_OK
        || ints_attr(c, w->s, node, "strides", w->ns, 1) != CPWL_OK
        || ints_attr(c, w->d, node, "dilations", w->ns, 1) != CPWL_OK)
        return CPWL_ERR_INPUT;
    for (i = 0; i < w->ns; i++)
        if (kernel == NULL)
            w->k[i] = pads[i];
        else if (onnx_attr(node, "kernel_shape") != NULL && pads[i] != kernel[i])
            return onnx_fail(c, "kernel_shape differs from the weights' shape");
    if (ints_attr(c, pads, node, "pads", 2 * w->ns, 0) != CPWL_OK)
        return CPWL_ERR_INPUT;
    if (ap != NULL && ap->has_s && ap->s.len > 0)
    {
        if (ap->s.len >= sizeof mode)
            return onnx_fail(c, "auto_pad is not NOTSET, VALID, SAME_UPPER "
                             "or SAME_LOWER");
        memcpy(mode, ap->s.data, ap->s.len);
        mode[ap->s.len] = '\0';
    }
    w->nout = w->nk = 1;
    for (i = 0; i < w->ns; i++)
    {
        slong ext = (w->k[i] - 1) * w->d[i] + 1, num;
        if (strcmp(mode, "NOTSET") == 0)
        {
            w->pb[i] = pads[i];
            w->pe[i] = pads[i + w->ns];
        }
        else if (strcmp(mode, "VALID") == 0)
            w->pb[i] = w->pe[i] = 0;
        else if (strcmp(mode, "SAME_UPPER") == 0 || strcmp(mode, "SAME_LOWER") == 0)
        {
            slong o = (w->in[i] + w->s[i] - 1) / w->s[i];
            slong tot = FLINT_MAX(0, (o - 1) * w->s[i] + ext - w->in[i]);
            w->pb[i] = mode[5] == 'U' ? tot / 2 : tot - tot / 2;
            w->pe[i] = tot - w->pb[i];
        }
        else
            return onnx_fail(c, "auto_pad \"%s\" is not NOTSET, VALID, "
                             "SAME_UPPER or SAME_LOWER", mode);
        num = w->in[i] + w->pb[i] + w->pe[i] - ext;
        if (num < 0)
            return onnx_fail(c, "the window is larger than the padded input "
                             "in spatial dimension %ld", (long) i);
        w->out[i] = (ceil_mode ? (num + w->s[i] - 1) / w->s[i]
                     : num / w->s[i]) + 1;
        /* ceil_mode: the last window must start inside the input or the
           leading padding. */
        if (ceil_mode && (w->out[i] - 1) * w->s[i] >= w->in[i] + w->pb[i])
            w->out[i]--;
        w->nout *= w->out[i];
        w->nk *= w->k[i];
    }
    return CPWL_OK;
}

/* Input offset (in the spatial block) of output position o and kernel
   offset kk, or -1 in the padding; *padded: inside the padded extent. */
static slong win_src(const win_t *w, slong o, slong kk, int *padded)
{
    slong i, src = 0, stride = 1;
    int inside = 1;
    *padded = 1;
    for (i = w->ns - 1; i >= 0; i--)
    {
        slong oi = o % w->out[i], ki = kk % w->k[i];
        slong p = oi * w->s[i] - w->pb[i] + ki * w->d[i];
        o /= w->out[i];
        kk /= w->k[i];
        if (p < 0 || p >= w->in[i])
            inside = 0;
        if (p >= w->in[i] + w->pe[i])
            *padded = 0;
        src += p * stride;
        stride *= w->in[i];
    }
    return inside ? src : -1;
}

int onnx_lower_conv(onnx_ctx *c, const Onnx__NodeProto *node,
                    onnx_val_struct **in, slong nin, onnx_val_t out)
{
    const onnx_val_struct *x = in[0], *W, *B;
    slong g = 1, M, Cg, N, C, n, m, o, ci, kk, dims[CPWL_ONNX_MAX_RANK], i;
    slong isz, ksz;
    win_t w;
    const Onnx__AttributeProto *ga = onnx_attr(node, "group");
    if (nin < 2 || in[1] == NULL)
        return onnx_fail(c, "the weights W are missing");
    W = in[1];
    B = nin > 2 ? in[2] : NULL;
    if (W->live || (B != NULL && B->live))
        return onnx_fail(c, "the weights depend on the network input (they "
                         "must be constants)");
    if (ga != NULL && ga->has_i)
        g = ga->i;
    if (W->rank != x->rank || x->rank < 3)
        return onnx_fail(c, "W has rank %ld and X rank %ld (expected equal, "
                         "at least 3)", (long) W->rank, (long) x->rank);
    N = x->dims[0];
    C = x->dims[1];
    M = W->dims[0];
    Cg = W->dims[1];
    if (g < 1 || C != Cg * g || M % g != 0)
        return onnx_fail(c, "group %ld does not divide the %ld input and %ld "
                         "output channels (W has %ld input channels per "
                         "group)", (long) g, (long) C, (long) M, (long) Cg);
    if (B != NULL && B->numel != M)
        return onnx_fail(c, "B has %ld elements (expected %ld)",
                         (long) B->numel, (long) M);
    if (win_setup(c, &w, node, x, W->dims + 2) != CPWL_OK)
        return CPWL_ERR_INPUT;
    dims[0] = N;
    dims[1] = M;
    for (i = 0; i < w.ns; i++)
        dims[i + 2] = w.out[i];
    if (onnx_val_alloc(c, out, x->rank, dims, x->live, c->nvar) != CPWL_OK)
        return CPWL_ERR_INPUT;
    isz = x->numel / (N * C);
    ksz = w.nk;
    for (n = 0; n < N; n++)
        for (m = 0; m < M; m++)
            for (o = 0; o < w.nout; o++)
            {
                slong e = (n * M + m) * w.nout + o, grp = m / (M / g);
                if (B != NULL)
                    onnx_val_add_const(out, e, B->v + m);
                for (kk = 0; kk < ksz; kk++)
                {
                    int padded;
                    slong src = win_src(&w, o, kk, &padded);
                    if (src < 0)
                        continue;
                    for (ci = 0; ci < Cg; ci++)
                    {
                        const fmpq *wt = W->v + (m * Cg + ci) * ksz + kk;
                        if (fmpq_is_zero(wt))
                            continue;
                        onnx_val_addmul(out, e, x, (n * C + grp * Cg + ci)
                                        * isz + src, wt);
                    }
                }
            }
    return CPWL_OK;
}

int onnx_lower_pool(onnx_ctx *c, const Onnx__NodeProto *node,
                    onnx_val_struct **in, slong nin, onnx_val_t out,
                    int is_max)
{
    const onnx_val_struct *x = in[0];
    slong dims[CPWL_ONNX_MAX_RANK], i, nc, isz, p, o, kk, e, n1 = c->nvar + 1;
    int incl = 0, st = CPWL_OK;
    win_t w;
    (void) nin;
    if (win_setup(c, &w, node, x, NULL) != CPWL_OK)
        return CPWL_ERR_INPUT;
    if (!is_max)
    {
        const Onnx__AttributeProto *a = onnx_attr(node, "count_include_pad");
        incl = a != NULL && a->has_i && a->i != 0;
    }
    dims[0] = x->dims[0];
    dims[1] = x->dims[1];
    for (i = 0; i < w.ns; i++)
        dims[i + 2] = w.out[i];
    nc = x->dims[0] * x->dims[1];
    isz = x->numel / FLINT_MAX(nc, 1);
    if (is_max)
    {
        onnx_val_t items;
        slong *start, m = 0, total = nc * w.nout;
        fmpq_t one;
        if (total > 0 && w.nk * n1 > CPWL_ONNX_MAX_COEFFS / total)
            return onnx_fail(c, "beyond the limit of %ld coefficients",
                             (long) CPWL_ONNX_MAX_COEFFS);
        onnx_val_init(items);
        {
            slong tot = total * w.nk;
            if (onnx_val_alloc(c, items, 1, &tot, 1, c->nvar) != CPWL_OK)
                return CPWL_ERR_INPUT;
        }
        start = flint_malloc((total + 1) * sizeof(slong));
        fmpq_init(one);
        fmpq_one(one);
        for (p = 0; p < nc; p++)
            for (o = 0; o < w.nout; o++)
            {
                start[p * w.nout + o] = m;
                for (kk = 0; kk < w.nk; kk++)
                {
                    int padded;
                    slong src = win_src(&w, o, kk, &padded);
                    if (src >= 0)
                        onnx_val_addmul(items, m++, x, p * isz + src, one);
                }
            }
        start[total] = m;
        st = onnx_max_groups(c, out, x->rank, dims, items->v, start);
        flint_free(start);
        onnx_val_clear(items);
        fmpq_clear(one);
        return st;
    }
    if (onnx_val_alloc(c, out, x->rank, dims, x->live, c->nvar) != CPWL_OK)
        return CPWL_ERR_INPUT;
    {
        fmpq_t k;
        fmpq_init(k);
        for (p = 0; p < nc && st == CPWL_OK; p++)
            for (o = 0; o < w.nout && st == CPWL_OK; o++)
            {
                slong cnt = 0;
                e = p * w.nout + o;
                for (kk = 0; kk < w.nk; kk++)
                {
                    int padded;
                    slong src = win_src(&w, o, kk, &padded);
                    cnt += src >= 0 || (incl && padded);
                }
                if (cnt == 0)
                {
                    st = onnx_fail(c, "a window entirely in the padding");
                    break;
                }
                fmpq_set_si(k, 1, cnt);
                for (kk = 0; kk < w.nk; kk++)
                {
                    int padded;
                    slong src = win_src(&w, o, kk, &padded);
                    if (src >= 0)
                        onnx_val_addmul(out, e, x, p * isz + src, k);
                }
            }
        fmpq_clear(k);
    }
    return st;
}
