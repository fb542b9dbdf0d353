/* ONNX import: the lowering of each operator (docs/onnx.md).  Linear
   operators compose affine forms; piecewise-linear ones emit one relu
   layer per level (onnx_layer_emit carries everything else live). */
#include <string.h>
#include <mpfr.h>
#include <flint/fmpq_vec.h>
#include "onnx_impl.h"

const Onnx__AttributeProto *onnx_attr(const Onnx__NodeProto *node,
                                      const char *name)
{
    size_t i;
    for (i = 0; i < node->n_attribute; i++)
        if (node->attribute[i]->name != NULL
            && strcmp(node->attribute[i]->name, name) == 0)
            return node->attribute[i];
    return NULL;
}

static slong attr_i(const Onnx__NodeProto *node, const char *name, slong dflt)
{
    const Onnx__AttributeProto *a = onnx_attr(node, name);
    return a != NULL && a->has_i ? (slong) a->i : dflt;
}

/* A float attribute, exactly (the float's binary value). */
static void attr_q(fmpq_t q, const Onnx__NodeProto *node, const char *name,
                   double dflt)
{
    const Onnx__AttributeProto *a = onnx_attr(node, name);
    onnx_fmpq_set_d(q, a != NULL && a->has_f ? (double) a->f : dflt);
}

static int need_inputs(onnx_ctx *c, onnx_val_struct **in, slong nin,
                       slong lo, slong hi)
{
    slong j;
    if (nin < lo || nin > hi)
        return onnx_fail(c, "%ld inputs (expected %ld to %ld)", (long) nin,
                         (long) lo, (long) hi);
    for (j = 0; j < lo; j++)
        if (in[j] == NULL)
            return onnx_fail(c, "input %ld is missing", (long) j);
    return CPWL_OK;
}

static int need_const(onnx_ctx *c, const onnx_val_t v, const char *what)
{
    if (v->live)
        return onnx_fail(c, "%s depends on the network input (it must be a "
                         "constant: an initialiser or a Constant)", what);
    return CPWL_OK;
}

/* A copy of in with another shape (same elements in row-major order). */
static int reshape_copy(onnx_ctx *c, onnx_val_t out, const onnx_val_t in,
                        slong rank, const slong *dims)
{
    slong i, n = 1;
    for (i = 0; i < rank; i++)
        n *= dims[i];
    if (n != in->numel)
        return onnx_fail(c, "cannot reshape %ld elements to %ld",
                         (long) in->numel, (long) n);
    onnx_val_copy(out, in);
    out->rank = rank;
    for (i = 0; i < rank; i++)
        out->dims[i] = dims[i];
    return CPWL_OK;
}

static slong norm_axis(slong axis, slong rank)
{
    return axis < 0 ? axis + rank : axis;
}

/* ---- data movement ------------------------------------------------------ */

static int lower_flatten(onnx_ctx *c, const Onnx__NodeProto *node,
                         const onnx_val_t x, onnx_val_t out)
{
    slong axis = norm_axis(attr_i(node, "axis", 1), x->rank), d[2] = {1, 1}, i;
    if (axis < 0 || axis > x->rank)
        return onnx_fail(c, "axis %ld out of range for rank %ld",
                         (long) attr_i(node, "axis", 1), (long) x->rank);
    for (i = 0; i < x->rank; i++)
        d[i >= axis] *= x->dims[i];
    return reshape_copy(c, out, x, 2, d);
}

static int lower_reshape(onnx_ctx *c, const Onnx__NodeProto *node,
                         onnx_val_struct **in, slong nin, onnx_val_t out)
{
    slong dims[CPWL_ONNX_MAX_RANK], rank, i, known = 1, minus = -1;
    int allowzero = attr_i(node, "allowzero", 0) != 0;
    const Onnx__AttributeProto *a = onnx_attr(node, "shape");
    const onnx_val_struct *x = in[0];
    if (nin >= 2 && in[1] != NULL)
    {
        if (need_const(c, in[1], "the shape") != CPWL_OK)
            return CPWL_ERR_INPUT;
        rank = in[1]->numel;
    }
    else if (a != NULL)
        rank = a->n_ints;
    else
        return onnx_fail(c, "no shape given");
    if (rank > CPWL_ONNX_MAX_RANK)
        return onnx_fail(c, "a shape of rank %ld (at most %d supported)",
                         (long) rank, CPWL_ONNX_MAX_RANK);
    for (i = 0; i < rank; i++)
    {
        slong v;
        if (nin >= 2 && in[1] != NULL)
        {
            if (!fmpz_is_one(fmpq_denref(in[1]->v + i))
                || !fmpz_fits_si(fmpq_numref(in[1]->v + i)))
                return onnx_fail(c, "the shape holds a non-integer");
            v = fmpz_get_si(fmpq_numref(in[1]->v + i));
        }
        else
            v = a->ints[i];
        if (v == 0 && !allowzero)
        {
            if (i >= x->rank)
                return onnx_fail(c, "shape entry %ld is 0 (copy) beyond the "
                                 "input's rank", (long) i);
            v = x->dims[i];
        }
        if (v == -1)
        {
            if (minus >= 0)
                return onnx_fail(c, "the shape has two entries -1");
            minus = i;
            v = 1;
        }
        else if (v < 0)
            return onnx_fail(c, "shape entry %ld is %ld", (long) i, (long) v);
        dims[i] = v;
        known *= v;
    }
    if (minus >= 0)
    {
        if (known == 0 || x->numel % known != 0)
            return onnx_fail(c, "cannot infer the -1 entry of the shape");
        dims[minus] = x->numel / known;
    }
    return reshape_copy(c, out, x, rank, dims);
}

static int lower_concat(onnx_ctx *c, const Onnx__NodeProto *node,
                        onnx_val_struct **in, slong nin, onnx_val_t out)
{
    slong axis, dims[CPWL_ONNX_MAX_RANK], i, j, k, outer = 1, inner = 1, off = 0;
    int live = 0;
    fmpq_t one;
    if (onnx_attr(node, "axis") == NULL)
        return onnx_fail(c, "attribute axis is missing");
    if (nin < 1 || in[0] == NULL)
        return onnx_fail(c, "no input");
    axis = norm_axis(attr_i(node, "axis", 0), in[0]->rank);
    if (axis < 0 || axis >= in[0]->rank)
        return onnx_fail(c, "axis %ld out of range for rank %ld",
                         (long) attr_i(node, "axis", 0), (long) in[0]->rank);
    for (i = 0; i < in[0]->rank; i++)
        dims[i] = in[0]->dims[i];
    dims[axis] = 0;
    for (j = 0; j < nin; j++)
    {
        if (in[j] == NULL || in[j]->rank != in[0]->rank)
            return onnx_fail(c, "input %ld has another rank", (long) j);
        for (i = 0; i < in[0]->rank; i++)
            if (i != axis && in[j]->dims[i] != in[0]->dims[i])
                return onnx_fail(c, "input %ld has another shape", (long) j);
        dims[axis] += in[j]->dims[axis];
        live |= in[j]->live;
    }
    for (i = 0; i < axis; i++)
        outer *= dims[i];
    for (i = axis + 1; i < in[0]->rank; i++)
        inner *= dims[i];
    if (onnx_val_alloc(c, out, in[0]->rank, dims, live, c->nvar) != CPWL_OK)
        return CPWL_ERR_INPUT;
    fmpq_init(one);
    fmpq_one(one);
    for (j = 0; j < nin; j++)
    {
        slong a = in[j]->dims[axis];
        for (i = 0; i < outer; i++)
            for (k = 0; k < a * inner; k++)
                onnx_val_addmul(out, (i * dims[axis] + off) * inner + k,
                                in[j], i * a * inner + k, one);
        off += a;
    }
    fmpq_clear(one);
    return CPWL_OK;
}

static int lower_transpose(onnx_ctx *c, const Onnx__NodeProto *node,
                           const onnx_val_t x, onnx_val_t out)
{
    const Onnx__AttributeProto *a = onnx_attr(node, "perm");
    slong perm[CPWL_ONNX_MAX_RANK], dims[CPWL_ONNX_MAX_RANK], i, e, r = x->rank;
    fmpq_t one;
    int seen[CPWL_ONNX_MAX_RANK] = {0};
    if (a != NULL && (slong) a->n_ints != r)
        return onnx_fail(c, "perm has %ld entries for rank %ld",
                         (long) a->n_ints, (long) r);
    for (i = 0; i < r; i++)
    {
        perm[i] = a != NULL ? (slong) a->ints[i] : r - 1 - i;
        if (perm[i] < 0 || perm[i] >= r || seen[perm[i]]++)
            return onnx_fail(c, "perm is not a permutation");
        dims[i] = x->dims[perm[i]];
    }
    if (onnx_val_alloc(c, out, r, dims, x->live, c->nvar) != CPWL_OK)
        return CPWL_ERR_INPUT;
    fmpq_init(one);
    fmpq_one(one);
    for (e = 0; e < x->numel; e++)
    {
        slong idx[CPWL_ONNX_MAX_RANK], xi[CPWL_ONNX_MAX_RANK], t = e, src = 0;
        for (i = r - 1; i >= 0; i--)
        {
            idx[i] = t % dims[i];
            t /= dims[i];
        }
        for (i = 0; i < r; i++)
            xi[perm[i]] = idx[i];
        for (i = 0; i < r; i++)
            src = src * x->dims[i] + xi[i];
        onnx_val_addmul(out, e, x, src, one);
    }
    fmpq_clear(one);
    return CPWL_OK;
}

/* Shape: the (static) shape as an int64 constant. */
static int lower_shape(onnx_ctx *c, const onnx_val_t x, onnx_val_t out)
{
    slong i, r = x->rank;
    if (onnx_val_alloc(c, out, 1, &r, 0, 0) != CPWL_OK)
        return CPWL_ERR_INPUT;
    for (i = 0; i < r; i++)
        fmpq_set_si(out->v + i, x->dims[i], 1);
    return CPWL_OK;
}

/* The axes of Squeeze / Unsqueeze: attribute before opset 13, input
   after; n = the rank they index. */
static int get_axes(onnx_ctx *c, const Onnx__NodeProto *node,
                    onnx_val_struct **in, slong nin, slong *axes,
                    slong *naxes, slong n)
{
    const Onnx__AttributeProto *a = onnx_attr(node, "axes");
    slong i;
    *naxes = 0;
    if (nin > 1 && in[1] != NULL)
    {
        if (need_const(c, in[1], "axes") != CPWL_OK)
            return CPWL_ERR_INPUT;
        *naxes = in[1]->numel;
    }
    else if (a != NULL)
        *naxes = a->n_ints;
    if (*naxes > CPWL_ONNX_MAX_RANK)
        return onnx_fail(c, "%ld axes (at most %d)", (long) *naxes,
                         CPWL_ONNX_MAX_RANK);
    for (i = 0; i < *naxes; i++)
    {
        slong v = nin > 1 && in[1] != NULL
                  ? fmpz_get_si(fmpq_numref(in[1]->v + i)) : a->ints[i];
        axes[i] = norm_axis(v, n);
        if (axes[i] < 0 || axes[i] >= n)
            return onnx_fail(c, "axis %ld out of range for rank %ld",
                             (long) v, (long) n);
    }
    return CPWL_OK;
}

static int lower_squeeze(onnx_ctx *c, const Onnx__NodeProto *node,
                         onnx_val_struct **in, slong nin, onnx_val_t out,
                         int unsqueeze)
{
    const onnx_val_struct *x = in[0];
    slong axes[CPWL_ONNX_MAX_RANK], naxes, dims[CPWL_ONNX_MAX_RANK], r = 0, i, j;
    int mark[2 * CPWL_ONNX_MAX_RANK] = {0};
    slong n = x->rank;
    if (unsqueeze)
    {
        const Onnx__AttributeProto *a = onnx_attr(node, "axes");
        n = x->rank + (nin > 1 && in[1] != NULL ? in[1]->numel
                       : a != NULL ? (slong) a->n_ints : 0);
        if (n > CPWL_ONNX_MAX_RANK)
            return onnx_fail(c, "rank %ld (at most %d)", (long) n,
                             CPWL_ONNX_MAX_RANK);
    }
    if (get_axes(c, node, in, nin, axes, &naxes, n) != CPWL_OK)
        return CPWL_ERR_INPUT;
    for (i = 0; i < naxes; i++)
        mark[axes[i]] = 1;
    if (unsqueeze)
    {
        if (naxes == 0)
            return onnx_fail(c, "no axes");
        for (i = j = 0; i < n; i++)
            dims[r++] = mark[i] ? 1 : x->dims[j++];
    }
    else
        for (i = 0; i < x->rank; i++)
        {
            if ((naxes == 0 && x->dims[i] == 1) || mark[i])
            {
                if (x->dims[i] != 1)
                    return onnx_fail(c, "axis %ld has size %ld, not 1",
                                     (long) i, (long) x->dims[i]);
                continue;
            }
            dims[r++] = x->dims[i];
        }
    return reshape_copy(c, out, x, r, dims);
}

/* Gather along an axis with constant indices: data movement. */
static int lower_gather(onnx_ctx *c, const Onnx__NodeProto *node,
                        const onnx_val_t x, const onnx_val_t idx,
                        onnx_val_t out)
{
    slong axis = norm_axis(attr_i(node, "axis", 0), x->rank);
    slong dims[CPWL_ONNX_MAX_RANK], r = 0, i, outer = 1, inner = 1, e, k, m;
    fmpq_t one;
    if (need_const(c, idx, "the indices") != CPWL_OK)
        return CPWL_ERR_INPUT;
    if (axis < 0 || axis >= x->rank)
        return onnx_fail(c, "axis out of range");
    if (x->rank - 1 + idx->rank > CPWL_ONNX_MAX_RANK)
        return onnx_fail(c, "a result of rank above %d", CPWL_ONNX_MAX_RANK);
    for (i = 0; i < axis; i++)
        outer *= (dims[r++] = x->dims[i]);
    for (i = 0; i < idx->rank; i++)
        dims[r++] = idx->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        inner *= (dims[r++] = x->dims[i]);
    for (k = 0; k < idx->numel; k++)
        if (!fmpz_is_one(fmpq_denref(idx->v + k))
            || fmpz_cmp_si(fmpq_numref(idx->v + k), -x->dims[axis]) < 0
            || fmpz_cmp_si(fmpq_numref(idx->v + k), x->dims[axis]) >= 0)
            return onnx_fail(c, "index %ld is out of range", (long) k);
    if (onnx_val_alloc(c, out, r, dims, x->live, c->nvar) != CPWL_OK)
        return CPWL_ERR_INPUT;
    fmpq_init(one);
    fmpq_one(one);
    for (e = 0; e < outer; e++)
        for (k = 0; k < idx->numel; k++)
        {
            slong j = fmpz_get_si(fmpq_numref(idx->v + k));
            if (j < 0)
                j += x->dims[axis];
            for (m = 0; m < inner; m++)
                onnx_val_addmul(out, (e * idx->numel + k) * inner + m, x,
                                (e * x->dims[axis] + j) * inner + m, one);
        }
    fmpq_clear(one);
    return CPWL_OK;
}

/* ---- element-wise arithmetic ------------------------------------------- */

static int lower_binary(onnx_ctx *c, const char *op, const onnx_val_t a,
                        const onnx_val_t b, onnx_val_t out)
{
    slong rank, dims[CPWL_ONNX_MAX_RANK], e;
    int add = strcmp(op, "Add") == 0, sub = strcmp(op, "Sub") == 0;
    int div = strcmp(op, "Div") == 0;
    fmpq_t one, k;
    if (!onnx_bcast_shape(&rank, dims, a, b))
        return onnx_fail(c, "the operands' shapes do not broadcast");
    if (!add && !sub)
    {
        if (a->live && b->live)
            return onnx_fail(c, "both operands depend on the network input "
                             "(%s is supported with a constant operand)", op);
        if (div && b->live)
            return onnx_fail(c, "the divisor depends on the network input "
                             "(Div is supported by a constant)");
    }
    if (onnx_val_alloc(c, out, rank, dims, a->live || b->live, c->nvar)
        != CPWL_OK)
        return CPWL_ERR_INPUT;
    fmpq_init(one);
    fmpq_init(k);
    fmpq_one(one);
    for (e = 0; e < out->numel; e++)
    {
        slong ia = onnx_bcast_index(a, rank, dims, e);
        slong ib = onnx_bcast_index(b, rank, dims, e);
        if (add || sub)
        {
            onnx_val_addmul(out, e, a, ia, one);
            fmpq_set_si(k, sub ? -1 : 1, 1);
            onnx_val_addmul(out, e, b, ib, k);
        }
        else if (div)
        {
            if (fmpq_is_zero(b->v + ib))
            {
                fmpq_clear(one);
                fmpq_clear(k);
                return onnx_fail(c, "division by zero (divisor element %ld)",
                                 (long) ib);
            }
            fmpq_inv(k, b->v + ib);
            onnx_val_addmul(out, e, a, ia, k);
        }
        else if (!a->live)
            onnx_val_addmul(out, e, b, ib, a->v + ia);
        else
            onnx_val_addmul(out, e, a, ia, b->v + ib);
    }
    fmpq_clear(one);
    fmpq_clear(k);
    return CPWL_OK;
}

/* out[ooff + m N + n] += alpha sum_k A[m, k] B[k, n], the strides of A and
   B given; one of them is constant. */
static void matmul_core(onnx_val_t out, slong ooff, const onnx_val_t A,
                        slong aoff, slong ars, slong acs, const onnx_val_t B,
                        slong boff, slong brs, slong bcs, slong M, slong K,
                        slong N, const fmpq_t alpha)
{
    slong m, n, k;
    fmpq_t t;
    fmpq_init(t);
    for (m = 0; m < M; m++)
        for (n = 0; n < N; n++)
            for (k = 0; k < K; k++)
            {
                slong ia = aoff + m * ars + k * acs, ib = boff + k * brs + n * bcs;
                if (!A->live)
                {
                    if (fmpq_is_zero(A->v + ia))
                        continue;
                    fmpq_mul(t, alpha, A->v + ia);
                    onnx_val_addmul(out, ooff + m * N + n, B, ib, t);
                }
                else
                {
                    if (fmpq_is_zero(B->v + ib))
                        continue;
                    fmpq_mul(t, alpha, B->v + ib);
                    onnx_val_addmul(out, ooff + m * N + n, A, ia, t);
                }
            }
    fmpq_clear(t);
}

static int lower_gemm(onnx_ctx *c, const Onnx__NodeProto *node,
                      onnx_val_struct **in, slong nin, onnx_val_t out)
{
    const onnx_val_struct *A = in[0], *B = in[1];
    const onnx_val_struct *C = nin > 2 ? in[2] : NULL;
    int ta = attr_i(node, "transA", 0) != 0, tb = attr_i(node, "transB", 0) != 0;
    slong M, K, N, dims[2], e;
    fmpq_t alpha, beta;
    int st = CPWL_OK;
    if (A->rank != 2 || B->rank != 2)
        return onnx_fail(c, "A and B must be matrices (ranks %ld, %ld)",
                         (long) A->rank, (long) B->rank);
    if (A->live && B->live)
        return onnx_fail(c, "both A and B depend on the network input (one "
                         "must be a constant)");
    if (C != NULL && C->live)
        return onnx_fail(c, "C depends on the network input (it must be a "
                         "constant; add it with Add)");
    M = A->dims[ta ? 1 : 0];
    K = A->dims[ta ? 0 : 1];
    N = B->dims[tb ? 0 : 1];
    if (B->dims[tb ? 1 : 0] != K)
        return onnx_fail(c, "A is %ld x %ld and B %ld x %ld: inner sizes "
                         "differ", (long) M, (long) K,
                         (long) B->dims[tb ? 1 : 0], (long) N);
    dims[0] = M;
    dims[1] = N;
    if (onnx_val_alloc(c, out, 2, dims, A->live || B->live, c->nvar)
        != CPWL_OK)
        return CPWL_ERR_INPUT;
    fmpq_init(alpha);
    fmpq_init(beta);
    attr_q(alpha, node, "alpha", 1.0);
    attr_q(beta, node, "beta", 1.0);
    matmul_core(out, 0, A, 0, ta ? 1 : K, ta ? M : 1, B, 0, tb ? 1 : N,
                tb ? K : 1, M, K, N, alpha);
    if (C != NULL)
    {
        onnx_val_struct shape;
        shape.rank = 2;
        shape.dims[0] = M;
        shape.dims[1] = N;
        if (!onnx_bcast_shape(&e, dims, &shape, C) || dims[0] != M
            || dims[1] != N || e != 2)
            st = onnx_fail(c, "C does not broadcast to %ld x %ld", (long) M,
                           (long) N);
        for (e = 0; st == CPWL_OK && e < M * N; e++)
            onnx_val_addmul(out, e, C, onnx_bcast_index(C, 2, dims, e), beta);
    }
    fmpq_clear(alpha);
    fmpq_clear(beta);
    return st;
}

static int lower_matmul(onnx_ctx *c, const onnx_val_t A, const onnx_val_t B,
                        onnx_val_t out)
{
    onnx_val_struct ba, bb;
    slong M, K, N, rank, dims[CPWL_ONNX_MAX_RANK + 1], i, nb = 1, b, orank;
    fmpq_t one;
    if (A->live && B->live)
        return onnx_fail(c, "both operands depend on the network input (one "
                         "must be a constant)");
    if (A->rank < 1 || B->rank < 1)
        return onnx_fail(c, "an operand is a scalar");
    M = A->rank == 1 ? 1 : A->dims[A->rank - 2];
    K = A->dims[A->rank - 1];
    N = B->rank == 1 ? 1 : B->dims[B->rank - 1];
    if ((B->rank == 1 ? B->dims[0] : B->dims[B->rank - 2]) != K)
        return onnx_fail(c, "inner sizes differ (%ld and %ld)", (long) K,
                         (long) (B->rank == 1 ? B->dims[0]
                                 : B->dims[B->rank - 2]));
    /* The batch dimensions, broadcast. */
    memset(&ba, 0, sizeof ba);
    memset(&bb, 0, sizeof bb);
    ba.rank = FLINT_MAX(A->rank - 2, 0);
    bb.rank = FLINT_MAX(B->rank - 2, 0);
    for (i = 0; i < ba.rank; i++)
        ba.dims[i] = A->dims[i];
    for (i = 0; i < bb.rank; i++)
        bb.dims[i] = B->dims[i];
    if (!onnx_bcast_shape(&rank, dims, &ba, &bb))
        return onnx_fail(c, "the batch dimensions do not broadcast");
    for (i = 0; i < rank; i++)
        nb *= dims[i];
    orank = rank;
    if (A->rank > 1)
        dims[orank++] = M;
    if (B->rank > 1)
        dims[orank++] = N;
    if (onnx_val_alloc(c, out, orank, dims, A->live || B->live, c->nvar)
        != CPWL_OK)
        return CPWL_ERR_INPUT;
    fmpq_init(one);
    fmpq_one(one);
    for (b = 0; b < nb; b++)
    {
        slong ia = onnx_bcast_index(&ba, rank, dims, b);
        slong ib = onnx_bcast_index(&bb, rank, dims, b);
        matmul_core(out, b * M * N, A, ia * M * K, K, 1, B, ib * K * N, N, 1,
                    M, K, N, one);
    }
    fmpq_clear(one);
    return CPWL_OK;
}

/* Folded BatchNormalization: y = a (x - mean) + B with a = scale / r, r
   the correctly rounded square root of var + eps in the chosen format. */
static int lower_batchnorm(onnx_ctx *c, const Onnx__NodeProto *node,
                           onnx_val_struct **in, slong nin, onnx_val_t out)
{
    const onnx_val_struct *x = in[0];
    slong C, inner = 1, i, e, j;
    int prec = c->opts->fold_batchnorm == 32 ? 24 : 53, st = CPWL_OK;
    fmpq *a, *b;
    fmpq_t eps, s;
    mpfr_t m, r;
    fmpz_t z;
    if (c->opts->fold_batchnorm == 0)
        return onnx_fail(c, "BatchNormalization needs sqrt(var + epsilon), "
                         "which is not rational; fold it with binary32 or "
                         "binary64 square roots (`fold_batchnorm`) or fold "
                         "it into the weights before export");
    if (nin != 5)
        return onnx_fail(c, "%ld inputs (expected 5)", (long) nin);
    if (attr_i(node, "training_mode", 0) != 0)
        return onnx_fail(c, "training_mode = 1 (only inference is "
                         "supported)");
    if (x->rank < 2)
        return onnx_fail(c, "the input has rank %ld (expected at least 2)",
                         (long) x->rank);
    C = x->dims[1];
    for (j = 1; j < 5; j++)
    {
        if (in[j]->live)
            return onnx_fail(c, "input %ld depends on the network input",
                             (long) j);
        if (in[j]->numel != C)
            return onnx_fail(c, "input %ld has %ld elements (expected %ld "
                             "channels)", (long) j, (long) in[j]->numel,
                             (long) C);
    }
    for (i = 2; i < x->rank; i++)
        inner *= x->dims[i];
    a = _fmpq_vec_init(C);
    b = _fmpq_vec_init(C);
    fmpq_init(eps);
    fmpq_init(s);
    fmpz_init(z);
    mpfr_init2(r, prec);
    attr_q(eps, node, "epsilon", 1e-5f);
    for (j = 0; j < C && st == CPWL_OK; j++)
    {
        mpfr_exp_t ex;
        fmpq_add(s, in[4]->v + j, eps);
        if (fmpq_sgn(s) <= 0)
        {
            st = onnx_fail(c, "var + epsilon is not positive in channel %ld",
                           (long) j);
            break;
        }
        /* s is dyadic (a sum of floats): exact at this precision. */
        mpfr_init2(m, FLINT_MAX(fmpz_bits(fmpq_numref(s)), 2) + 2);
        {
            mpz_t t;
            mpz_init(t);
            fmpz_get_mpz(t, fmpq_numref(s));
            mpfr_set_z(m, t, MPFR_RNDN);
            mpz_clear(t);
        }
        mpfr_div_2ui(m, m, fmpz_bits(fmpq_denref(s)) - 1, MPFR_RNDN);
        mpfr_sqrt(r, m, MPFR_RNDN);
        mpfr_clear(m);
        ex = mpfr_get_exp(r);
        if ((prec == 24 && (ex > 128 || ex < -125))
            || (prec == 53 && (ex > 1024 || ex < -1021)))
        {
            st = onnx_fail(c, "sqrt(var + epsilon) of channel %ld is outside "
                           "the normal range of binary%d", (long) j,
                           c->opts->fold_batchnorm);
            break;
        }
        {
            mpz_t t;
            mpz_init(t);
            ex = mpfr_get_z_2exp(t, r);
            fmpz_set_mpz(z, t);
            mpz_clear(t);
        }
        fmpz_set(fmpq_numref(s), z);
        fmpz_one(fmpq_denref(s));
        if (ex >= 0)
            fmpq_mul_2exp(s, s, ex);
        else
            fmpq_div_2exp(s, s, -ex);
        fmpq_div(a + j, in[1]->v + j, s);
        fmpq_mul(b + j, a + j, in[3]->v + j);
        fmpq_sub(b + j, in[2]->v + j, b + j);
    }
    if (st == CPWL_OK)
        st = onnx_val_alloc(c, out, x->rank, x->dims, x->live, c->nvar);
    for (e = 0; st == CPWL_OK && e < x->numel; e++)
    {
        j = (e / inner) % C;
        onnx_val_addmul(out, e, x, e, a + j);
        onnx_val_add_const(out, e, b + j);
    }
    if (st == CPWL_OK)
        c->nfolded++;
    _fmpq_vec_clear(a, C);
    _fmpq_vec_clear(b, C);
    fmpq_clear(eps);
    fmpq_clear(s);
    fmpz_clear(z);
    mpfr_clear(r);
    return st;
}

static int lower_constant(onnx_ctx *c, const Onnx__NodeProto *node,
                          onnx_val_t out)
{
    const Onnx__AttributeProto *a;
    slong i, n;
    if ((a = onnx_attr(node, "value")) != NULL && a->t != NULL)
        return onnx_tensor_read(c, out, a->t, node->output[0]);
    if ((a = onnx_attr(node, "value_float")) != NULL && a->has_f)
    {
        onnx_val_alloc(c, out, 0, NULL, 0, 0);
        onnx_fmpq_set_d(out->v, a->f);
        return CPWL_OK;
    }
    if ((a = onnx_attr(node, "value_int")) != NULL && a->has_i)
    {
        onnx_val_alloc(c, out, 0, NULL, 0, 0);
        fmpz_set_si(fmpq_numref(out->v), a->i);
        return CPWL_OK;
    }
    if ((a = onnx_attr(node, "value_floats")) != NULL
        || (a = onnx_attr(node, "value_ints")) != NULL)
    {
        n = a->n_floats > 0 ? (slong) a->n_floats : (slong) a->n_ints;
        if (onnx_val_alloc(c, out, 1, &n, 0, 0) != CPWL_OK)
            return CPWL_ERR_INPUT;
        for (i = 0; i < n; i++)
            if (a->n_floats > 0)
                onnx_fmpq_set_d(out->v + i, a->floats[i]);
            else
                fmpz_set_si(fmpq_numref(out->v + i), a->ints[i]);
        return CPWL_OK;
    }
    return onnx_fail(c, "no supported value attribute (value, value_float, "
                     "value_floats, value_int, value_ints)");
}

#define ONNX_SUPPORTED "Gemm, MatMul, Add, Sub, Mul, Div, Neg, Relu, " \
    "LeakyRelu, PRelu, Abs, Clip, Max, MaxPool, AveragePool, Conv, " \
    "BatchNormalization (folded), Flatten, Reshape, Transpose, Squeeze, " \
    "Unsqueeze, Gather, Shape, Identity, Dropout, Concat, Constant"

int onnx_lower_node(onnx_ctx *c, const Onnx__NodeProto *node,
                    onnx_val_struct **in, slong nin, onnx_val_t out)
{
    const char *op = node->op_type != NULL ? node->op_type : "";
    if (strcmp(op, "Constant") == 0)
        return lower_constant(c, node, out);
    if (strcmp(op, "Identity") == 0 || strcmp(op, "Dropout") == 0)
    {
        if (need_inputs(c, in, nin, 1, 3) != CPWL_OK)
            return CPWL_ERR_INPUT;
        if (op[0] == 'D' && nin > 2 && in[2] != NULL
            && (in[2]->live || in[2]->numel != 1 || !fmpq_is_zero(in[2]->v)))
            return onnx_fail(c, "training_mode is not false (only inference "
                             "is supported)");
        if (op[0] == 'I' && nin != 1)
            return onnx_fail(c, "%ld inputs (expected 1)", (long) nin);
        onnx_val_copy(out, in[0]);
        return CPWL_OK;
    }
    if (strcmp(op, "Flatten") == 0 || strcmp(op, "Transpose") == 0
        || strcmp(op, "Neg") == 0 || strcmp(op, "Relu") == 0
        || strcmp(op, "Abs") == 0 || strcmp(op, "LeakyRelu") == 0)
    {
        if (need_inputs(c, in, nin, 1, 1) != CPWL_OK)
            return CPWL_ERR_INPUT;
        if (op[0] == 'F')
            return lower_flatten(c, node, in[0], out);
        if (op[0] == 'T')
            return lower_transpose(c, node, in[0], out);
        if (op[0] == 'N')
        {
            onnx_val_t z;
            int st;
            onnx_val_init(z);
            onnx_val_alloc(c, z, 0, NULL, 0, 0);
            st = lower_binary(c, "Sub", z, in[0], out);
            onnx_val_clear(z);
            return st;
        }
        return onnx_lower_pwl(c, node, in, nin, out);
    }
    if (strcmp(op, "PRelu") == 0 || strcmp(op, "Clip") == 0
        || strcmp(op, "Max") == 0)
    {
        if (need_inputs(c, in, nin, 1, strcmp(op, "Max") == 0 ? 16 : 3)
            != CPWL_OK)
            return CPWL_ERR_INPUT;
        return onnx_lower_pwl(c, node, in, nin, out);
    }
    if (strcmp(op, "Shape") == 0)
        return need_inputs(c, in, nin, 1, 1) != CPWL_OK
               || onnx_attr(node, "start") != NULL
               || onnx_attr(node, "end") != NULL
               ? onnx_fail(c, "expected one input, no start or end")
               : lower_shape(c, in[0], out);
    if (strcmp(op, "Squeeze") == 0 || strcmp(op, "Unsqueeze") == 0)
        return need_inputs(c, in, nin, 1, 2) != CPWL_OK ? CPWL_ERR_INPUT
               : lower_squeeze(c, node, in, nin, out, op[0] == 'U');
    if (strcmp(op, "Gather") == 0)
        return need_inputs(c, in, nin, 2, 2) != CPWL_OK ? CPWL_ERR_INPUT
               : lower_gather(c, node, in[0], in[1], out);
    if (strcmp(op, "Reshape") == 0)
        return need_inputs(c, in, nin, 1, 2) != CPWL_OK ? CPWL_ERR_INPUT
               : lower_reshape(c, node, in, nin, out);
    if (strcmp(op, "Concat") == 0)
        return lower_concat(c, node, in, nin, out);
    if (strcmp(op, "Add") == 0 || strcmp(op, "Sub") == 0
        || strcmp(op, "Mul") == 0 || strcmp(op, "Div") == 0)
    {
        if (need_inputs(c, in, nin, 2, 2) != CPWL_OK)
            return CPWL_ERR_INPUT;
        if (c->opset < 7 && onnx_attr(node, "broadcast") != NULL
            && onnx_attr(node, "axis") != NULL)
            return onnx_fail(c, "the pre-opset-7 attribute axis is not "
                             "supported");
        return lower_binary(c, op, in[0], in[1], out);
    }
    if (strcmp(op, "Gemm") == 0)
        return need_inputs(c, in, nin, 2, 3) != CPWL_OK ? CPWL_ERR_INPUT
               : lower_gemm(c, node, in, nin, out);
    if (strcmp(op, "MatMul") == 0)
        return need_inputs(c, in, nin, 2, 2) != CPWL_OK ? CPWL_ERR_INPUT
               : lower_matmul(c, in[0], in[1], out);
    if (strcmp(op, "Conv") == 0)
        return need_inputs(c, in, nin, 2, 3) != CPWL_OK ? CPWL_ERR_INPUT
               : onnx_lower_conv(c, node, in, nin, out);
    if (strcmp(op, "MaxPool") == 0 || strcmp(op, "AveragePool") == 0)
        return need_inputs(c, in, nin, 1, 1) != CPWL_OK ? CPWL_ERR_INPUT
               : onnx_lower_pool(c, node, in, nin, out, op[1] == 'a');
    if (strcmp(op, "BatchNormalization") == 0)
        return need_inputs(c, in, nin, 5, 5) != CPWL_OK ? CPWL_ERR_INPUT
               : lower_batchnorm(c, node, in, nin, out);
    return onnx_fail(c, "operator %.60s is not supported (supported: %s)",
                     op, ONNX_SUPPORTED);
}
