/* The summed loss of a one-hidden-layer ReLU network on data (see
   onehidden.h), written against module arith so that the same code is
   the exact, the Arb and every float format's objective. */
#include <math.h>
#include <string.h>
#include "cpwl/ieee.h"
#include "optim/onehidden.h"

typedef struct
{
    slong D, n, w;
    int loss, bias;
    fmpq *X, *y;                /* the data, exactly */
    /* The data and scratch in the arithmetic of the last evaluation:
       entered once per arithmetic, not at every step. */
    int have;
    cpwl_arith_struct Ac;       /* kind, fmt, prec of the cached values */
    cpwl_val_ptr Xv, yv, z;     /* z: the w pre-activations of a point */
    int *act;                   /* the units of a point the gradient uses */
    cpwl_val_struct f, r, dl, s, p, L, one, two;
    int has_last;
    int generic;                /* no binary64 fast path (tests) */
}
onehidden_struct;

static void oh_cache_clear(onehidden_struct *H)
{
    cpwl_arith_struct *A = &H->Ac;

    if (!H->have)
        return;
    cpwl_val_vec_clear(H->Xv, H->D * H->n, A);
    cpwl_val_vec_clear(H->yv, H->D, A);
    cpwl_val_vec_clear(H->z, H->w, A);
    cpwl_val_clear(&H->f, A);
    cpwl_val_clear(&H->r, A);
    cpwl_val_clear(&H->dl, A);
    cpwl_val_clear(&H->s, A);
    cpwl_val_clear(&H->p, A);
    cpwl_val_clear(&H->L, A);
    cpwl_val_clear(&H->one, A);
    cpwl_val_clear(&H->two, A);
    H->have = 0;
    H->has_last = 0;
}

static void oh_cache(onehidden_struct *H, cpwl_arith_t A)
{
    slong i;

    if (H->have && cpwl_arith_equal(&H->Ac, A))
        return;
    oh_cache_clear(H);
    H->Ac = *A;
    H->Xv = cpwl_val_vec_init(H->D * H->n, A);
    H->yv = cpwl_val_vec_init(H->D, A);
    H->z = cpwl_val_vec_init(H->w, A);
    for (i = 0; i < H->D * H->n; i++)
        cpwl_val_set_fmpq(H->Xv + i, H->X + i, A);
    for (i = 0; i < H->D; i++)
        cpwl_val_set_fmpq(H->yv + i, H->y + i, A);
    cpwl_val_init(&H->f, A);
    cpwl_val_init(&H->r, A);
    cpwl_val_init(&H->dl, A);
    cpwl_val_init(&H->s, A);
    cpwl_val_init(&H->p, A);
    cpwl_val_init(&H->L, A);
    cpwl_val_init(&H->one, A);
    cpwl_val_init(&H->two, A);
    cpwl_val_set_si(&H->one, 1, A);
    cpwl_val_set_si(&H->two, 2, A);
    H->have = 1;
}

/* The sign of v for a branch of the loss: exact and Arb decisions are
   counted in the predicate layer's context; a float's sign is the float
   trajectory's own branch, not a decision about an exact value.  2: a
   ball that contains 0 and is not 0. */
static int oh_sign(const cpwl_val_t v, cpwl_objective_struct *O,
                   const cpwl_arith_t A)
{
    int s = cpwl_val_sgn(v, A);

    /* a float NaN takes the positive branch, so that it reaches the
       loss (a run that overflowed must not look finite) */
    if (A->kind == CPWL_ARITH_FLOAT)
        return s == 2 ? 1 : s;
    if (A->kind == CPWL_ARITH_EXACT)
        cpwl_pred_ctx_count(O->pred, 0, 0, 1);
    else if (A->kind == CPWL_ARITH_ARB && s != 2)
        cpwl_pred_ctx_count(O->pred, 0, 1, 0);
    return s;
}

static int oh_undecided(cpwl_err_t e, const char *what, slong i,
                        const cpwl_arith_t A)
{
    cpwl_err_set(e, CPWL_ERR_INPUT, "arb:%ld cannot decide the sign of "
                 "%s at data point %ld (its ball contains 0)",
                 (long) A->prec, what, (long) i + 1);
    return 2;
}

/* binary64 rounded to nearest is the machine's own arithmetic (module
   ieee): the loop of oh_eval with C doubles, the same operations in the
   same order, gives the same bits without a call per operation.  No
   contraction into FMA: GCC does not contract under -std=c11, clang is
   told below. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

static void oh_eval_d(double *fout, cpwl_val_ptr g, cpwl_val_srcptr x,
                      const slong *terms, slong cnt, onehidden_struct *H,
                      int relu_d0, ulong *ops)
{
    slong n = H->n, w = H->w, st = n + 2, np = w * st + 1, ii, j, k;
    ulong nops = 0;
    double L = 0.0;

    if (g != NULL)
        for (k = 0; k < np; k++)
            g[k].d = 0.0;
    for (ii = 0; ii < cnt; ii++)
    {
        slong i = terms == NULL ? ii : terms[ii];
        const cpwl_val_struct *xi = H->Xv + i * n;
        double yi = H->yv[i].d, f = H->bias ? x[w * st].d : 0.0, r, dl;

        for (j = 0; j < w; j++)
        {
            cpwl_val_srcptr u = x + j * st;
            double z = u[n].d;

            for (k = 0; k < n; k++)
                z = z + u[k].d * xi[k].d;
            nops += 2 * n;
            if (z > 0 || isnan(z))
            {
                f = f + u[n + 1].d * z;
                nops += 2;
                H->act[j] = 1;
            }
            else
                H->act[j] = z == 0 && relu_d0;
            H->z[j].d = z;
        }
        if (H->loss == 2)
        {
            r = 1.0 - yi * f;
            nops += 2;
            if (r > 0 || isnan(r))
            {
                L = L + r;
                nops++;
                dl = -yi;
            }
            else
                dl = 0.0;
        }
        else if (H->loss == 1)
        {
            r = f - yi;
            nops += 2;
            if (r < 0)
            {
                L = L - r;
                dl = -1.0;
            }
            else
            {
                L = L + r;
                dl = r == 0 ? 0.0 : 1.0;
            }
        }
        else
        {
            r = f - yi;
            L = L + r * r;
            dl = 2.0 * r;
            nops += 4;
        }
        if (g == NULL || dl == 0)
            continue;
        for (j = 0; j < w; j++)
        {
            cpwl_val_ptr gj = g + j * st;
            double s;

            if (!H->act[j])
                continue;
            s = dl * x[j * st + n + 1].d;
            for (k = 0; k < n; k++)
                gj[k].d = gj[k].d + s * xi[k].d;
            gj[n].d = gj[n].d + s;
            gj[n + 1].d = gj[n + 1].d + dl * H->z[j].d;
            nops += 2 * n + 4;
        }
        if (H->bias)
        {
            g[w * st].d = g[w * st].d + dl;
            nops++;
        }
    }
    *fout = L;
    *ops += nops;
}

static int oh_eval(cpwl_val_ptr fout, cpwl_val_ptr g, cpwl_val_srcptr x,
                   const slong *terms, slong nterms, slong t,
                   cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    onehidden_struct *H = O->data;
    slong n = H->n, w = H->w, st = n + 2, np = w * st + 1;
    slong cnt = terms == NULL ? H->D : nterms, ii, j, k;
    cpwl_val_struct *f = &H->f, *r = &H->r, *dl = &H->dl, *s = &H->s,
        *p = &H->p, *L = &H->L;
    int sg;

    (void) t;
    oh_cache(H, A);
    H->has_last = 0;
    if (A->kind == CPWL_ARITH_FLOAT && A->fmt == CPWL_IEEE_BINARY64
        && !A->stochastic && !H->generic)
    {
        oh_eval_d(&L->d, g, x, terms, cnt, H, O->relu_d0, &A->ops);
        if (fout != NULL)
            fout->d = L->d;
        H->has_last = 1;
        return 0;
    }
    cpwl_val_zero(L, A);
    if (g != NULL)
        for (k = 0; k < np; k++)
            cpwl_val_zero(g + k, A);

    for (ii = 0; ii < cnt; ii++)
    {
        slong i = terms == NULL ? ii : terms[ii];
        cpwl_val_srcptr xi = H->Xv + i * n, yi = H->yv + i;

        /* forward: z_j = b_j + a_j1 x_1 + ...; f = c + v_j z_j + ... */
        if (H->bias)
            cpwl_val_set(f, x + w * st, A);
        else
            cpwl_val_zero(f, A);
        for (j = 0; j < w; j++)
        {
            cpwl_val_srcptr u = x + j * st;
            cpwl_val_struct *z = H->z + j;

            cpwl_val_set(z, u + n, A);
            for (k = 0; k < n; k++)
            {
                cpwl_val_mul(p, u + k, xi + k, A);
                cpwl_val_add(z, z, p, A);
            }
            sg = oh_sign(z, O, A);
            if (sg == 2)
                return oh_undecided(e, "a hidden unit's input", i, A);
            if (sg > 0)
            {
                cpwl_val_mul(p, u + n + 1, z, A);
                cpwl_val_add(f, f, p, A);
            }
            H->act[j] = sg > 0 || (sg == 0 && O->relu_d0);
        }

        /* the point's loss and its derivative dl in f */
        if (H->loss == 2)
        {
            cpwl_val_mul(p, yi, f, A);
            cpwl_val_sub(r, &H->one, p, A);
            sg = oh_sign(r, O, A);
            if (sg == 2)
                return oh_undecided(e, "a hinge margin", i, A);
            if (sg > 0)
            {
                cpwl_val_add(L, L, r, A);
                cpwl_val_neg(dl, yi, A);
            }
            else
                cpwl_val_zero(dl, A);
        }
        else if (H->loss == 1)
        {
            cpwl_val_sub(r, f, yi, A);
            sg = oh_sign(r, O, A);
            if (sg == 2)
                return oh_undecided(e, "a residual", i, A);
            if (sg < 0)
                cpwl_val_sub(L, L, r, A);   /* L + |r|, the same rounding */
            else
                cpwl_val_add(L, L, r, A);
            if (sg > 0)
                cpwl_val_set(dl, &H->one, A);
            else if (sg < 0)
                cpwl_val_neg(dl, &H->one, A);
            else
                cpwl_val_zero(dl, A);
        }
        else
        {
            cpwl_val_sub(r, f, yi, A);
            cpwl_val_mul(p, r, r, A);
            cpwl_val_add(L, L, p, A);
            cpwl_val_mul(dl, &H->two, r, A);
        }
        /* dl = 0 contributes nothing (and must not turn an infinite
           weight into a NaN) */
        if (g == NULL || cpwl_val_sgn(dl, A) == 0)
            continue;

        /* backward, unit by unit */
        for (j = 0; j < w; j++)
        {
            cpwl_val_srcptr u = x + j * st;
            cpwl_val_ptr gj = g + j * st;

            if (!H->act[j])
                continue;
            cpwl_val_mul(s, dl, u + n + 1, A);
            for (k = 0; k < n; k++)
            {
                cpwl_val_mul(p, s, xi + k, A);
                cpwl_val_add(gj + k, gj + k, p, A);
            }
            cpwl_val_add(gj + n, gj + n, s, A);
            cpwl_val_mul(p, dl, H->z + j, A);
            cpwl_val_add(gj + n + 1, gj + n + 1, p, A);
        }
        if (H->bias)
            cpwl_val_add(g + w * st, g + w * st, dl, A);
    }
    if (fout != NULL)
        cpwl_val_set(fout, L, A);
    H->has_last = 1;
    if (cpwl_arith_failed(A))
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "the arithmetic failed "
                            "in the network's loss");
    return 0;
}

static void oh_clear_data(void *data)
{
    onehidden_struct *H = data;

    oh_cache_clear(H);
    _fmpq_vec_clear(H->X, H->D * H->n);
    _fmpq_vec_clear(H->y, H->D);
    flint_free(H->act);
    flint_free(H);
}

int onehidden_init(cpwl_objective_t O, const double *X, const double *y,
                   slong D, slong n, slong w, int loss, int output_bias)
{
    onehidden_struct *H;
    slong i;

    for (i = 0; i < D * n; i++)
        if (!isfinite(X[i]))
            return 1;
    for (i = 0; i < D; i++)
        if (!isfinite(y[i]))
            return 1;
    memset(O, 0, sizeof(cpwl_objective_struct));
    strcpy(O->name, "onehidden");
    O->dim = w * (n + 2) + 1;
    O->nterms = D;
    fmpq_init(O->lo);
    fmpq_init(O->hi);
    fmpq_init(O->L);
    fmpq_init(O->sigma2);
    fmpq_init(O->fstar);
    /* every loss here is >= 0 */
    O->has_fstar = 1;
    O->eval = oh_eval;
    O->clear_data = oh_clear_data;
    cpwl_pred_ctx_init(O->pred);
    H = flint_calloc(1, sizeof(onehidden_struct));
    H->D = D;
    H->n = n;
    H->w = w;
    H->loss = loss;
    H->bias = output_bias;
    H->X = _fmpq_vec_init(D * n);
    H->y = _fmpq_vec_init(D);
    H->act = flint_malloc(FLINT_MAX(w, 1) * sizeof(int));
    for (i = 0; i < D * n; i++)
        cpwl_ieee_get_fmpq(H->X + i, X[i]);
    for (i = 0; i < D; i++)
        cpwl_ieee_get_fmpq(H->y + i, y[i]);
    O->data = H;
    return 0;
}

void onehidden_clear(cpwl_objective_t O)
{
    if (O->clear_data != NULL)
        O->clear_data(O->data);
    fmpq_clear(O->lo);
    fmpq_clear(O->hi);
    fmpq_clear(O->L);
    fmpq_clear(O->sigma2);
    fmpq_clear(O->fstar);
    if (O->x1 != NULL)
        _fmpq_vec_clear(O->x1, O->dim);
    cpwl_pred_ctx_clear(O->pred);
    memset(O, 0, sizeof(cpwl_objective_struct));
}

cpwl_val_srcptr onehidden_last_loss(const cpwl_objective_t O)
{
    const onehidden_struct *H = O->data;

    return H->has_last ? &H->L : NULL;
}

void onehidden_set_generic(cpwl_objective_t O, int generic)
{
    ((onehidden_struct *) O->data)->generic = generic;
}
