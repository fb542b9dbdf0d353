/* The interpreter's products, windows, shapes and batch normalisation
   (onnx_ref_impl.h), from the ONNX operator specification. */
#include <string.h>
#include <gmp.h>
#include <mpfr.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "onnx_ref_impl.h"

/* ---- matrix products --------------------------------------------------- */

int oref_op_gemm(oref_env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *A = oref_in(E, 0), *B = oref_in(E, 1);
    const oref_tensor_struct *C = oref_in(E, 2);
    slong ta = oref_attr_i(E->node, "transA", 0);
    slong tb = oref_attr_i(E->node, "transB", 0);
    slong M, K, N, K2, i, j, k, dims[2];
    fmpq_t alpha, beta, t;
    if (A == NULL || B == NULL || A->ndim != 2 || B->ndim != 2)
        return oref_fail(E, "A and B must be matrices");
    M = ta ? A->dims[1] : A->dims[0];
    K = ta ? A->dims[0] : A->dims[1];
    K2 = tb ? B->dims[1] : B->dims[0];
    N = tb ? B->dims[0] : B->dims[1];
    if (K != K2)
        return oref_fail(E, "inner dimensions differ");
    fmpq_init(alpha);
    fmpq_init(beta);
    fmpq_init(t);
    oref_attr_f(alpha, E->node, "alpha", 1.0f);
    oref_attr_f(beta, E->node, "beta", 1.0f);
    dims[0] = M;
    dims[1] = N;
    oref_tensor_set_shape(out, 2, dims);
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++)
        {
            fmpq *y = out->v + i * N + j;
            for (k = 0; k < K; k++)
            {
                const fmpq *a = A->v + (ta ? k * M + i : i * K + k);
                const fmpq *b = B->v + (tb ? j * K + k : k * N + j);
                fmpq_addmul(y, a, b);
            }
            fmpq_mul(y, y, alpha);
        }
    if (C != NULL)
    {
        oref_tensor_t bc;
        slong nd, bd[OREF_MAX_DIMS];
        if (!oref_bcast_shape(&nd, bd, out, C) || nd != 2 || bd[0] != M
            || bd[1] != N)
        {
            fmpq_clear(alpha);
            fmpq_clear(beta);
            fmpq_clear(t);
            return oref_fail(E, "C does not broadcast to (M, N)");
        }
        oref_tensor_init(bc);
        oref_tensor_set(bc, C);
        for (k = 0; k < bc->size; k++)
            fmpq_mul(bc->v + k, bc->v + k, beta);
        oref_binop(E, out, out, bc, OREF_ADD);
        oref_tensor_clear(bc);
    }
    fmpq_clear(alpha);
    fmpq_clear(beta);
    fmpq_clear(t);
    return 1;
}

int oref_op_matmul(oref_env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *A0 = oref_in(E, 0), *B0 = oref_in(E, 1);
    oref_tensor_struct A, B;
    slong M, K, N, nb, bdims[OREF_MAX_DIMS], odims[OREF_MAX_DIMS], on;
    slong i, j, k, bi, nbatch, idx[OREF_MAX_DIMS];
    oref_tensor_struct ab, bb;      /* batch-dims-only shapes */
    if (A0 == NULL || B0 == NULL || A0->ndim < 1 || B0->ndim < 1)
        return oref_fail(E, "two inputs of rank >= 1 needed");
    /* views with 1-D operands promoted, sharing the entries */
    A = *A0;
    B = *B0;
    if (A.ndim == 1)
    {
        A.dims[1] = A.dims[0];
        A.dims[0] = 1;
        A.ndim = 2;
    }
    if (B.ndim == 1)
    {
        B.dims[1] = 1;
        B.ndim = 2;
    }
    M = A.dims[A.ndim - 2];
    K = A.dims[A.ndim - 1];
    N = B.dims[B.ndim - 1];
    if (B.dims[B.ndim - 2] != K)
        return oref_fail(E, "inner dimensions differ");
    ab.ndim = A.ndim - 2;
    bb.ndim = B.ndim - 2;
    for (i = 0; i < ab.ndim; i++)
        ab.dims[i] = A.dims[i];
    for (i = 0; i < bb.ndim; i++)
        bb.dims[i] = B.dims[i];
    if (!oref_bcast_shape(&nb, bdims, &ab, &bb))
        return oref_fail(E, "batch dimensions do not broadcast");
    nbatch = 1;
    for (i = 0; i < nb; i++)
        nbatch *= bdims[i];
    on = 0;
    for (i = 0; i < nb; i++)
        odims[on++] = bdims[i];
    if (A0->ndim > 1)
        odims[on++] = M;
    if (B0->ndim > 1)
        odims[on++] = N;
    oref_tensor_set_shape(out, on, odims);
    for (bi = 0; bi < nbatch; bi++)
    {
        slong oa, ob;
        oref_unrank(idx, bi, bdims, nb);
        oa = oref_bcast_off(&ab, idx, nb) * M * K;
        ob = oref_bcast_off(&bb, idx, nb) * K * N;
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++)
            {
                fmpq *y = out->v + (bi * M + i) * N + j;
                for (k = 0; k < K; k++)
                    fmpq_addmul(y, A.v + oa + i * K + k, B.v + ob + k * N + j);
            }
    }
    return 1;
}

/* ---- convolution and pooling ------------------------------------------- */

typedef struct
{
    slong S;                    /* spatial dims */
    slong k[OREF_MAX_DIMS], s[OREF_MAX_DIMS], d[OREF_MAX_DIMS];
    slong pb[OREF_MAX_DIMS], pe[OREF_MAX_DIMS];
    slong in[OREF_MAX_DIMS], out[OREF_MAX_DIMS];
}
window_struct;

/* Read kernel_shape (or take kdims), strides, pads, dilations, auto_pad
   and ceil_mode and compute the output sizes. */
static int window_setup(oref_env_struct *E, window_struct *w,
                        const oref_tensor_struct *X, const slong *kdims)
{
    slong n, i;
    const int64_t *v;
    char apbuf[32];
    const char *ap = oref_attr_s(apbuf, sizeof apbuf, E->node, "auto_pad",
                            "NOTSET");
    int ceil_mode = (int) oref_attr_i(E->node, "ceil_mode", 0);
    if (X->ndim < 3 || X->ndim - 2 > OREF_MAX_DIMS / 2)
        return oref_fail(E, "input must be N x C x spatial");
    w->S = X->ndim - 2;
    v = oref_attr_ints(&n, E->node, "kernel_shape");
    if (v == NULL && kdims == NULL)
        return oref_fail(E, "kernel_shape missing");
    if (v != NULL && n != w->S)
        return oref_fail(E, "kernel_shape has the wrong length");
    for (i = 0; i < w->S; i++)
    {
        w->in[i] = X->dims[2 + i];
        w->k[i] = v != NULL ? (slong) v[i] : kdims[i];
        w->s[i] = 1;
        w->d[i] = 1;
        w->pb[i] = w->pe[i] = 0;
    }
    if ((v = oref_attr_ints(&n, E->node, "strides")) != NULL)
        for (i = 0; i < w->S && i < n; i++)
            w->s[i] = (slong) v[i];
    if ((v = oref_attr_ints(&n, E->node, "dilations")) != NULL)
        for (i = 0; i < w->S && i < n; i++)
            w->d[i] = (slong) v[i];
    if ((v = oref_attr_ints(&n, E->node, "pads")) != NULL)
    {
        if (n != 2 * w->S)
            return oref_fail(E, "pads has the wrong length");
        for (i = 0; i < w->S; i++)
        {
            w->pb[i] = (slong) v[i];
            w->pe[i] = (slong) v[i + w->S];
        }
    }
    for (i = 0; i < w->S; i++)
    {
        slong ext = (w->k[i] - 1) * w->d[i] + 1;
        if (w->s[i] < 1 || w->d[i] < 1 || w->k[i] < 1)
            return oref_fail(E, "bad window");
        if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0)
        {
            slong o = (w->in[i] + w->s[i] - 1) / w->s[i];
            slong tot = (o - 1) * w->s[i] + ext - w->in[i];
            if (tot < 0)
                tot = 0;
            w->pb[i] = ap[5] == 'U' ? tot / 2 : tot - tot / 2;
            w->pe[i] = tot - w->pb[i];
            w->out[i] = o;
            continue;
        }
        if (strcmp(ap, "VALID") == 0)
            w->pb[i] = w->pe[i] = 0;
        else if (strcmp(ap, "NOTSET") != 0)
            return oref_fail(E, "auto_pad %s not understood", ap);
        n = w->in[i] + w->pb[i] + w->pe[i] - ext;
        if (n < 0)
            return oref_fail(E, "window larger than the padded input");
        w->out[i] = (ceil_mode ? (n + w->s[i] - 1) / w->s[i]
                     : n / w->s[i]) + 1;
        /* ceil mode: a window must start inside the input or left pad */
        if (ceil_mode && (w->out[i] - 1) * w->s[i] >= w->in[i] + w->pb[i])
            w->out[i]--;
    }
    return 1;
}

int oref_op_pool(oref_env_struct *E, oref_tensor_t out, int is_max)
{
    const oref_tensor_struct *X = oref_in(E, 0);
    window_struct w;
    slong dims[OREF_MAX_DIMS], i, nc, nout, nk, c, o, kk;
    slong oi[OREF_MAX_DIMS], ki[OREF_MAX_DIMS];
    int cip = (int) oref_attr_i(E->node, "count_include_pad", 0);
    if (X == NULL)
        return oref_fail(E, "no input");
    if (!window_setup(E, &w, X, NULL))
        return 0;
    dims[0] = X->dims[0];
    dims[1] = X->dims[1];
    nout = nk = 1;
    for (i = 0; i < w.S; i++)
    {
        dims[2 + i] = w.out[i];
        nout *= w.out[i];
        nk *= w.k[i];
    }
    oref_tensor_set_shape(out, X->ndim, dims);
    nc = X->dims[0] * X->dims[1];
    for (c = 0; c < nc; c++)
        for (o = 0; o < nout; o++)
        {
            fmpq *y = out->v + c * nout + o;
            slong cnt = 0, inpad = 0;
            int have = 0;
            oref_unrank(oi, o, w.out, w.S);
            for (kk = 0; kk < nk; kk++)
            {
                slong off = 0, inside = 1, inpadded = 1;
                oref_unrank(ki, kk, w.k, w.S);
                for (i = 0; i < w.S; i++)
                {
                    slong p = oi[i] * w.s[i] - w.pb[i] + ki[i] * w.d[i];
                    if (p < 0 || p >= w.in[i])
                        inside = 0;
                    if (p < -w.pb[i] || p >= w.in[i] + w.pe[i])
                        inpadded = 0;
                    off = off * w.in[i] + p;
                }
                inpad += inpadded;
                if (!inside)
                    continue;
                cnt++;
                if (is_max)
                {
                    const fmpq *v = X->v + c * (X->size / nc) + off;
                    if (!have || fmpq_cmp(v, y) > 0)
                        fmpq_set(y, v);
                    have = 1;
                }
                else
                    fmpq_add(y, y, X->v + c * (X->size / nc) + off);
            }
            if (cnt == 0)
                return oref_fail(E, "a window holds no input");
            if (!is_max)
            {
                fmpz_t dv;
                fmpz_init_set_ui(dv, (ulong) (cip ? inpad : cnt));
                fmpq_div_fmpz(y, y, dv);
                fmpz_clear(dv);
            }
        }
    return 1;
}

int oref_op_conv(oref_env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = oref_in(E, 0), *W = oref_in(E, 1);
    const oref_tensor_struct *B = oref_in(E, 2);
    window_struct w;
    slong g = oref_attr_i(E->node, "group", 1);
    slong dims[OREF_MAX_DIMS], i, N, C, M, Cg, Mg, nout, nk, nin, n, m, o;
    slong cc, kk, oi[OREF_MAX_DIMS], ki[OREF_MAX_DIMS];
    if (X == NULL || W == NULL || W->ndim != X->ndim || X->ndim < 3)
        return oref_fail(E, "X and W of the same rank >= 3 needed");
    if (!window_setup(E, &w, X, W->dims + 2))
        return 0;
    N = X->dims[0];
    C = X->dims[1];
    M = W->dims[0];
    if (g < 1 || C % g != 0 || M % g != 0 || W->dims[1] * g != C)
        return oref_fail(E, "group does not divide the channels");
    for (i = 0; i < w.S; i++)
        if (W->dims[2 + i] != w.k[i])
            return oref_fail(E, "kernel_shape differs from W");
    if (B != NULL && (B->ndim != 1 || B->dims[0] != M))
        return oref_fail(E, "B must have M entries");
    Cg = C / g;
    Mg = M / g;
    dims[0] = N;
    dims[1] = M;
    nout = nk = nin = 1;
    for (i = 0; i < w.S; i++)
    {
        dims[2 + i] = w.out[i];
        nout *= w.out[i];
        nk *= w.k[i];
        nin *= w.in[i];
    }
    oref_tensor_set_shape(out, X->ndim, dims);
    for (n = 0; n < N; n++)
        for (m = 0; m < M; m++)
            for (o = 0; o < nout; o++)
            {
                fmpq *y = out->v + (n * M + m) * nout + o;
                slong grp = m / Mg;
                oref_unrank(oi, o, w.out, w.S);
                for (cc = 0; cc < Cg; cc++)
                    for (kk = 0; kk < nk; kk++)
                    {
                        slong off = 0, inside = 1;
                        oref_unrank(ki, kk, w.k, w.S);
                        for (i = 0; i < w.S; i++)
                        {
                            slong p = oi[i] * w.s[i] - w.pb[i]
                                + ki[i] * w.d[i];
                            if (p < 0 || p >= w.in[i])
                                inside = 0;
                            off = off * w.in[i] + p;
                        }
                        if (!inside)
                            continue;
                        fmpq_addmul(y,
                                    X->v + (n * C + grp * Cg + cc) * nin + off,
                                    W->v + (m * Cg + cc) * nk + kk);
                    }
                if (B != NULL)
                    fmpq_add(y, y, B->v + m);
            }
    return 1;
}

/* ---- shapes ------------------------------------------------------------ */

int oref_op_flatten(oref_env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = oref_in(E, 0);
    slong axis = oref_attr_i(E->node, "axis", 1), dims[2], i;
    if (X == NULL)
        return oref_fail(E, "no input");
    if (axis < 0)
        axis += X->ndim;
    if (axis < 0 || axis > X->ndim)
        return oref_fail(E, "axis out of range");
    dims[0] = dims[1] = 1;
    for (i = 0; i < X->ndim; i++)
        dims[i < axis ? 0 : 1] *= X->dims[i];
    oref_tensor_set(out, X);
    out->ndim = 2;
    out->dims[0] = dims[0];
    out->dims[1] = dims[1];
    return 1;
}

int oref_op_reshape(oref_env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = oref_in(E, 0), *S = oref_in(E, 1);
    slong dims[OREF_MAX_DIMS], i, known = 1, neg = -1;
    int allowzero = (int) oref_attr_i(E->node, "allowzero", 0);
    if (X == NULL || S == NULL || S->ndim != 1 || S->size > OREF_MAX_DIMS)
        return oref_fail(E, "data and a 1-D shape needed");
    for (i = 0; i < S->size; i++)
    {
        if (!fmpz_is_one(fmpq_denref(S->v + i))
            || !fmpz_fits_si(fmpq_numref(S->v + i)))
            return oref_fail(E, "shape is not integer");
        dims[i] = fmpz_get_si(fmpq_numref(S->v + i));
        if (dims[i] == 0 && !allowzero)
        {
            if (i >= X->ndim)
                return oref_fail(E, "0 copies a missing dimension");
            dims[i] = X->dims[i];
        }
        if (dims[i] == -1)
        {
            if (neg >= 0)
                return oref_fail(E, "two -1 in shape");
            neg = i;
        }
        else if (dims[i] < 0)
            return oref_fail(E, "negative shape entry");
        else
            known *= dims[i];
    }
    if (neg >= 0)
    {
        if (known == 0 || X->size % known != 0)
            return oref_fail(E, "-1 cannot be inferred");
        dims[neg] = X->size / known;
        known *= dims[neg];
    }
    if (known != X->size)
        return oref_fail(E, "shape has %ld entries, data %ld", (long) known,
                     (long) X->size);
    oref_tensor_set(out, X);
    out->ndim = S->size;
    for (i = 0; i < S->size; i++)
        out->dims[i] = dims[i];
    return 1;
}

int oref_op_concat(oref_env_struct *E, oref_tensor_t out)
{
    slong axis = oref_attr_i(E->node, "axis", 0), nd, dims[OREF_MAX_DIMS];
    slong outer = 1, inner = 1, i, p, k, pos = 0;
    size_t q;
    const oref_tensor_struct *T0 = oref_in(E, 0);
    if (T0 == NULL)
        return oref_fail(E, "no input");
    nd = T0->ndim;
    if (axis < 0)
        axis += nd;
    if (axis < 0 || axis >= nd)
        return oref_fail(E, "axis out of range");
    for (i = 0; i < nd; i++)
        dims[i] = T0->dims[i];
    dims[axis] = 0;
    for (q = 0; q < E->node->n_input; q++)
    {
        const oref_tensor_struct *T = oref_in(E, q);
        if (T == NULL || T->ndim != nd)
            return oref_fail(E, "inputs of different ranks");
        for (i = 0; i < nd; i++)
            if (i != axis && T->dims[i] != dims[i])
                return oref_fail(E, "inputs of different shapes");
        dims[axis] += T->dims[axis];
    }
    for (i = 0; i < axis; i++)
        outer *= dims[i];
    for (i = axis + 1; i < nd; i++)
        inner *= dims[i];
    oref_tensor_set_shape(out, nd, dims);
    for (p = 0; p < outer; p++)
        for (q = 0; q < E->node->n_input; q++)
        {
            const oref_tensor_struct *T = oref_in(E, q);
            slong blk = T->dims[axis] * inner;
            for (k = 0; k < blk; k++)
                fmpq_set(out->v + pos + k, T->v + p * blk + k);
            pos += blk;
        }
    return 1;
}

/* ---- batch normalisation ----------------------------------------------- */

/* s = sqrt(q) rounded to nearest at `bits` bits (q > 0 dyadic). */
static int sqrt_rounded(fmpq_t s, const fmpq_t q, int bits)
{
    mpfr_t a, r;
    mpz_t z;
    fmpz_t m;
    slong k = fmpz_val2(fmpq_denref(q));
    mpfr_exp_t ex;
    if (fmpq_sgn(q) <= 0 || (slong) fmpz_bits(fmpq_denref(q)) != k + 1)
        return 0;
    mpz_init(z);
    fmpz_init(m);
    mpfr_init2(a, (mpfr_prec_t) fmpz_bits(fmpq_numref(q)) + 2);
    mpfr_init2(r, bits);
    fmpz_get_mpz(z, fmpq_numref(q));
    mpfr_set_z(a, z, MPFR_RNDN);            /* exact: enough bits */
    mpfr_div_2ui(a, a, (unsigned long) k, MPFR_RNDN);   /* exact */
    mpfr_sqrt(r, a, MPFR_RNDN);
    ex = mpfr_get_z_2exp(z, r);
    fmpz_set_mpz(m, z);
    fmpz_set(fmpq_numref(s), m);
    fmpz_one(fmpq_denref(s));
    if (ex >= 0)
        fmpz_mul_2exp(fmpq_numref(s), fmpq_numref(s), (ulong) ex);
    else
        fmpz_mul_2exp(fmpq_denref(s), fmpq_denref(s), (ulong) -ex);
    fmpq_canonicalise(s);
    mpfr_clear(a);
    mpfr_clear(r);
    mpz_clear(z);
    fmpz_clear(m);
    return 1;
}

int oref_op_batchnorm(oref_env_struct *E, oref_tensor_t out)
{
    const oref_tensor_struct *X = oref_in(E, 0), *S = oref_in(E, 1);
    const oref_tensor_struct *B = oref_in(E, 2);
    const oref_tensor_struct *Mu = oref_in(E, 3), *V = oref_in(E, 4);
    slong C, inner, n, c, k;
    fmpq_t eps, a, t;
    int ok = 1;
    if (E->bn_bits == 0)
        return oref_fail(E, "BatchNormalization not folded");
    if (oref_attr_i(E->node, "training_mode", 0) != 0)
        return oref_fail(E, "training_mode");
    if (X == NULL || S == NULL || B == NULL || Mu == NULL || V == NULL
        || X->ndim < 2)
        return oref_fail(E, "five inputs needed");
    C = X->dims[1];
    if (S->size != C || B->size != C || Mu->size != C || V->size != C)
        return oref_fail(E, "parameters must have C entries");
    inner = X->size / (X->dims[0] * C);
    fmpq_init(eps);
    fmpq_init(a);
    fmpq_init(t);
    oref_attr_f(eps, E->node, "epsilon", 1e-5f);
    oref_tensor_set(out, X);
    for (c = 0; c < C && ok; c++)
    {
        fmpq_add(t, V->v + c, eps);
        if (!sqrt_rounded(a, t, E->bn_bits))
        {
            ok = oref_fail(E, "var + epsilon is not a positive float");
            break;
        }
        fmpq_div(a, S->v + c, a);
        for (n = 0; n < X->dims[0]; n++)
            for (k = 0; k < inner; k++)
            {
                fmpq *y = out->v + (n * C + c) * inner + k;
                fmpq_sub(y, y, Mu->v + c);
                fmpq_mul(y, y, a);
                fmpq_add(y, y, B->v + c);
            }
    }
    fmpq_clear(eps);
    fmpq_clear(a);
    fmpq_clear(t);
    return ok;
}

