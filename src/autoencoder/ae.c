/* The autoencoder's loss and gradient for one sample, written once
   against module arith so that exact, Arb and every float format run the
   same operations in the same order (docs/api/autoencoder.md); the exact
   norms and the perturbed start A^T + delta D. */
#include "cpwl/autoencoder.h"

void cpwl_ae_work_init(cpwl_ae_work_t w, slong h, slong n,
                       const cpwl_arith_t A)
{
    w->h = h;
    w->n = n;
    w->z = cpwl_val_vec_init(h, A);
    w->r = cpwl_val_vec_init(h, A);
    w->yhat = cpwl_val_vec_init(n, A);
    w->e = cpwl_val_vec_init(n, A);
    w->u = cpwl_val_vec_init(h, A);
    w->t = cpwl_val_vec_init(4, A);
    w->act = flint_malloc(sizeof(int) * FLINT_MAX(h, 1));
    w->pos = flint_malloc(sizeof(int) * FLINT_MAX(h, 1));
}

void cpwl_ae_work_clear(cpwl_ae_work_t w, const cpwl_arith_t A)
{
    cpwl_val_vec_clear(w->z, w->h, A);
    cpwl_val_vec_clear(w->r, w->h, A);
    cpwl_val_vec_clear(w->yhat, w->n, A);
    cpwl_val_vec_clear(w->e, w->n, A);
    cpwl_val_vec_clear(w->u, w->h, A);
    cpwl_val_vec_clear(w->t, 4, A);
    flint_free(w->act);
    flint_free(w->pos);
}

/* out = term (weight NULL) or out + weight term; tmp a scratch value. */
static void ae_put(cpwl_val_ptr out, cpwl_val_srcptr term,
                   const cpwl_val_struct *weight, cpwl_val_ptr tmp,
                   cpwl_arith_t A)
{
    if (weight == NULL)
        cpwl_val_set(out, term, A);
    else
    {
        cpwl_val_mul(tmp, weight, term, A);
        cpwl_val_add(out, out, tmp, A);
    }
}

int cpwl_ae_sample(cpwl_val_ptr loss, cpwl_val_ptr GW, cpwl_val_ptr Geps,
                   int *act, cpwl_val_srcptr W, cpwl_val_srcptr eps,
                   cpwl_val_srcptr y, const cpwl_val_struct *weight,
                   int relu_d0, cpwl_ae_work_t w, cpwl_arith_t A,
                   cpwl_pred_ctx_t pred, cpwl_err_t e)
{
    slong h = w->h, n = w->n, i, j;
    cpwl_val_ptr t = w->t;
    int failed = cpwl_arith_failed(A), st = 0;
    cpwl_pred_ctx_t own;

    if (pred == NULL)
    {
        cpwl_pred_ctx_init(own);
        pred = own;
    }

    /* 1-2: z, the relu and its derivative */
    for (i = 0; i < h; i++)
    {
        int s;
        cpwl_val_dot(t + 0, W + i * n, y, n, A);
        cpwl_val_sub(w->z + i, t + 0, eps + i, A);
        s = cpwl_val_sign_pred(w->z + i, A, pred);
        if (s == 2)
        {
            cpwl_err_set(e, CPWL_ERR_INPUT, "autoencoder: the enclosure "
                         "cannot decide the sign of z_%ld = (W y - eps)_%ld "
                         "(its ball contains 0 at %ld bits)", (long) i + 1,
                         (long) i + 1, (long) A->prec);
            st = 2;
            goto done;
        }
        if (s > 0)
            cpwl_val_set(w->r + i, w->z + i, A);
        else
            cpwl_val_zero(w->r + i, A);
        w->pos[i] = s > 0;
        w->act[i] = s > 0 ? 1 : (s == 0 ? (relu_d0 != 0) : 0);
        if (act != NULL)
            act[i] = w->act[i];
    }

    /* 3: yhat_j = sum of W_ij r_i over z_i > 0, in increasing i (the
       first product is added to an exact 0: no rounding) */
    for (j = 0; j < n; j++)
        cpwl_val_zero(w->yhat + j, A);
    for (i = 0; i < h; i++)
        if (w->pos[i])      /* decided once, in step 2 */
            cpwl_val_axpy(w->yhat, w->r + i, W + i * n, n, A);

    /* 4: e and L = dot(e, e) (1/2) */
    for (j = 0; j < n; j++)
        cpwl_val_sub(w->e + j, w->yhat + j, y + j, A);
    if (loss != NULL)
    {
        fmpq_t half;
        fmpq_init(half);
        fmpq_set_si(half, 1, 2);
        cpwl_val_set_fmpq(t + 2, half, A);
        fmpq_clear(half);
        cpwl_val_dot(t + 0, w->e, w->e, n, A);
        cpwl_val_nonneg(t + 0, A);
        cpwl_val_mul(t + 1, t + 0, t + 2, A);
        ae_put(loss, t + 1, weight, t + 3, A);
    }
    if (GW == NULL && Geps == NULL)
        goto done;

    /* 5-7: u_i, the rows of dL/dW and dL/deps_i, for a_i = 1 only */
    for (i = 0; i < h; i++)
    {
        if (!w->act[i])
        {
            if (weight == NULL)
            {
                if (GW != NULL)
                    for (j = 0; j < n; j++)
                        cpwl_val_zero(GW + i * n + j, A);
                if (Geps != NULL)
                    cpwl_val_zero(Geps + i, A);
            }
            continue;
        }
        cpwl_val_dot(w->u + i, W + i * n, w->e, n, A);
        if (GW != NULL)
            for (j = 0; j < n; j++)
            {
                cpwl_val_mul(t + 0, w->r + i, w->e + j, A);
                cpwl_val_mul(t + 1, w->u + i, y + j, A);
                cpwl_val_add(t + 2, t + 0, t + 1, A);
                ae_put(GW + i * n + j, t + 2, weight, t + 3, A);
            }
        if (Geps != NULL)
        {
            cpwl_val_neg(t + 2, w->u + i, A);
            ae_put(Geps + i, t + 2, weight, t + 3, A);
        }
    }

done:
    if (st == 0 && !failed && cpwl_arith_failed(A))
    {
        cpwl_err_set(e, CPWL_ERR_INTERNAL, "autoencoder: the arithmetic "
                     "failed");
        st = 1;
    }
    if (pred == own)
        cpwl_pred_ctx_clear(own);
    return st;
}

void cpwl_ae_norm2(fmpq_t r, const fmpq *v, slong len)
{
    fmpq_t s;
    slong i;
    fmpq_init(s);
    fmpq_zero(r);
    for (i = 0; i < len; i++)
    {
        fmpq_mul(s, v + i, v + i);
        fmpq_add(r, r, s);
    }
    fmpq_clear(s);
}

void cpwl_ae_norm_arb(arb_t r, const fmpq_t norm2, slong prec)
{
    if (fmpq_sgn(norm2) >= 0 && fmpz_is_square(fmpq_numref(norm2))
        && fmpz_is_square(fmpq_denref(norm2)))
    {
        /* a rational square: the ball of its exact root */
        fmpq_t q;
        fmpq_init(q);
        fmpz_sqrt(fmpq_numref(q), fmpq_numref(norm2));
        fmpz_sqrt(fmpq_denref(q), fmpq_denref(norm2));
        arb_set_fmpq(r, q, prec);
        fmpq_clear(q);
    }
    else
    {
        arb_t x;
        arb_init(x);
        arb_set_fmpq(x, norm2, prec + 10);
        arb_sqrtpos(r, x, prec);
        arb_clear(x);
    }
}

void cpwl_ae_perturb(fmpq_mat_t W, const fmpq_mat_t Adict,
                     const fmpq_t delta, slong height, uint64_t *state)
{
    slong n = fmpq_mat_nrows(Adict), h = fmpq_mat_ncols(Adict), i, j;
    fmpq *D = _fmpq_vec_init(FLINT_MAX(h * n, 1));
    if (h * n > 0)
        cpwl_dict_rand_unit(D, h * n, height, state);
    fmpq_mat_clear(W);
    fmpq_mat_init(W, h, n);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
        {
            fmpq *wij = fmpq_mat_entry(W, i, j);
            fmpq_mul(wij, delta, D + i * n + j);
            fmpq_add(wij, wij, fmpq_mat_entry(Adict, j, i));
        }
    _fmpq_vec_clear(D, FLINT_MAX(h * n, 1));
}
