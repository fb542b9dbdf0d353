/* The expected autoencoder loss as an objective of module optim: one
   term p_c L(W; A x_c) per code, the parameters W row-major.  Term c is
   cpwl_ae_sample's weighted term, added to a sum that starts at 0, so
   that the whole f and its gradient are cpwl_ae_expect_val's (the same
   operations in the same order in a float format). */
#include <string.h>
#include "cpwl/autoencoder.h"
#include "optim/objective_impl.h"

/* Data y of all codes entered once per arithmetic up to this many
   rationals; past it y = A x is computed at every evaluation. */
#define AE_OBJ_CACHE_MAX (WORD(1) << 18)

typedef struct
{
    fmpq_mat_t A;               /* the dictionary, n x h */
    cpwl_codes_t C;
    slong h, n, count;
    int cached;                 /* C.q holds p and Y of every code */
    /* eps (h), then when cached p (count) and Y (count x n) */
    objective_consts_struct K;
}
ae_obj_struct;

static void ae_dist_copy(cpwl_dist_t r, const cpwl_dist_t d)
{
    slong i;
    cpwl_dist_clear(r);
    cpwl_dist_init(r);
    r->kind = d->kind;
    r->n = d->n;
    r->K = d->K;
    r->J = d->J;
    if (d->p != NULL)
    {
        r->p = _fmpq_vec_init(d->K);
        objective_qvec_set(r->p, d->p, d->K);
    }
    if (d->X != NULL)
    {
        r->X = _fmpq_vec_init(d->K * d->n);
        objective_qvec_set(r->X, d->X, d->K * d->n);
    }
    if (d->y != NULL)
    {
        r->y = _fmpq_vec_init(d->K);
        objective_qvec_set(r->y, d->y, d->K);
    }
    if (d->cum != NULL)
    {
        r->cum = _fmpz_vec_init(d->K + 1);
        for (i = 0; i <= d->K; i++)
            fmpz_set(r->cum + i, d->cum + i);
    }
    if (d->mu != NULL)
    {
        r->mu = _fmpq_vec_init(d->J * d->n);
        objective_qvec_set(r->mu, d->mu, d->J * d->n);
    }
    fmpz_set(r->den, d->den);
    fmpq_set(r->sigma, d->sigma);
    fmpq_set(r->lo, d->lo);
    fmpq_set(r->hi, d->hi);
}

/* R = a copy of C (R initialised): the distributions are deep copies. */
static void ae_codes_copy(cpwl_codes_t R, const cpwl_codes_t C)
{
    R->kind = C->kind;
    R->h = C->h;
    R->k = C->k;
    ae_dist_copy(R->list, C->list);
    ae_dist_copy(R->values, C->values);
}

static void ae_obj_clear(void *p)
{
    ae_obj_struct *S = p;
    fmpq_mat_clear(S->A);
    cpwl_codes_clear(S->C);
    objective_consts_clear(&S->K);
    flint_free(S);
}

static int ae_obj_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                       const slong *terms, slong nterms, slong t,
                       cpwl_objective_struct *O, cpwl_arith_t A,
                       cpwl_err_t e)
{
    ae_obj_struct *S = O->data;
    slong h = S->h, n = S->n, count = terms != NULL ? nterms : S->count;
    slong k, i, kk;
    cpwl_val_ptr K = objective_consts_get(&S->K, A);
    cpwl_val_ptr eps = K, P = NULL, Y = NULL;
    cpwl_val_ptr y = NULL, wt, loss;
    cpwl_ae_work_t w;
    cpwl_codes_iter_t it;
    fmpq *xq = NULL, *yq = NULL;
    fmpq_t p;
    fmpz_t idx;
    int st = 0;
    (void) t;

    cpwl_ae_work_init(w, h, n, A);
    wt = cpwl_val_vec_init(2, A);
    loss = wt + 1;
    cpwl_val_zero(loss, A);
    if (g != NULL)
        for (i = 0; i < h * n; i++)
            cpwl_val_zero(g + i, A);
    fmpq_init(p);
    fmpz_init(idx);
    if (S->cached)
    {
        P = K + h;
        Y = K + h + S->count;
    }
    else
    {
        y = cpwl_val_vec_init(n, A);
        xq = _fmpq_vec_init(h);
        yq = _fmpq_vec_init(n);
    }
    if (terms == NULL && !S->cached)
        cpwl_codes_iter_init(it, S->C);

    for (k = 0; k < count && st == 0; k++)
    {
        cpwl_val_srcptr yy, pp;
        if (S->cached)
        {
            kk = terms != NULL ? terms[k] : k;
            /* a code of probability 0 adds nothing: skipped, as
               cpwl_ae_expect_val skips it (its relu signs need not be
               decidable) */
            if (fmpq_is_zero(S->K.q + h + kk))
                continue;
            yy = Y + kk * n;
            pp = P + kk;
        }
        else
        {
            const fmpq *xc;
            if (terms != NULL)
            {
                fmpz_set_si(idx, terms[k]);
                cpwl_codes_get(xq, p, NULL, &kk, S->C, idx);
                xc = xq;
            }
            else
            {
                cpwl_codes_iter_next(it, S->C);
                fmpq_set(p, it->p);
                xc = it->x;
            }
            if (fmpq_is_zero(p))
                continue;
            cpwl_dict_apply(yq, S->A, xc);
            for (i = 0; i < n; i++)
                cpwl_val_set_fmpq(y + i, yq + i, A);
            cpwl_val_set_fmpq(wt, p, A);
            yy = y;
            pp = wt;
        }
        st = cpwl_ae_sample(f != NULL ? loss : NULL, g, NULL, NULL, x, eps,
                            yy, pp, O->relu_d0, w, A, O->pred, e);
    }
    if (st == 0 && f != NULL)
        cpwl_val_set(f, loss, A);

    if (terms == NULL && !S->cached)
        cpwl_codes_iter_clear(it, S->C);
    if (!S->cached)
    {
        _fmpq_vec_clear(yq, n);
        _fmpq_vec_clear(xq, h);
        cpwl_val_vec_clear(y, n, A);
    }
    fmpz_clear(idx);
    fmpq_clear(p);
    cpwl_val_vec_clear(wt, 2, A);
    cpwl_ae_work_clear(w, A);
    return st;
}

int cpwl_ae_objective_init(cpwl_objective_t O, const fmpq_mat_t Adict,
                           const cpwl_codes_t C, const fmpq *eps,
                           int relu_d0, cpwl_err_t e)
{
    slong n = fmpq_mat_nrows(Adict), h = fmpq_mat_ncols(Adict), i, j, k;
    ae_obj_struct *S;
    fmpz_t N;

    cpwl_objective_init(O);
    strcpy(O->name, "autoencoder");
    if (C->h != h)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective autoencoder: the "
                            "codes have %ld coordinates, but the dictionary "
                            "has %ld atoms", (long) C->h, (long) h) != 0;
    fmpz_init(N);
    cpwl_codes_count(N, C);
    if (fmpz_cmp_si(N, WORD(2147483647)) > 0 || fmpz_sgn(N) <= 0)
    {
        char *s = fmpz_get_str(NULL, 10, N);
        cpwl_err_set(e, CPWL_ERR_INPUT, "objective autoencoder: %s codes; "
                     "one term per code needs between 1 and 2^31 - 1 of "
                     "them", s);
        flint_free(s);
        fmpz_clear(N);
        return 1;
    }

    S = flint_malloc(sizeof(ae_obj_struct));
    fmpq_mat_init_set(S->A, Adict);
    cpwl_codes_init(S->C);
    ae_codes_copy(S->C, C);
    S->h = h;
    S->n = n;
    S->count = fmpz_get_si(N);
    S->cached = S->count * (n + 1) <= AE_OBJ_CACHE_MAX;
    objective_consts_init(&S->K, h + (S->cached ? S->count * (n + 1) : 0));
    objective_qvec_set(S->K.q, eps, h);
    if (S->cached)
    {
        /* p and y = A x of every code, exactly, in code number order */
        cpwl_codes_iter_t it;
        fmpq *P = S->K.q + h, *Y = S->K.q + h + S->count;
        cpwl_codes_iter_init(it, C);
        for (k = 0; cpwl_codes_iter_next(it, C); k++)
        {
            fmpq_set(P + k, it->p);
            cpwl_dict_apply(Y + k * n, Adict, it->x);
        }
        cpwl_codes_iter_clear(it, C);
    }
    fmpz_clear(N);

    O->data = S;
    O->clear_data = ae_obj_clear;
    O->eval = ae_obj_eval;
    O->dim = h * n;
    O->nterms = S->count;
    O->relu_d0 = relu_d0 != 0;
    /* L >= 0 */
    O->has_fstar = 1;
    O->x1 = _fmpq_vec_init(h * n);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
            fmpq_set(O->x1 + i * n + j, fmpq_mat_entry(Adict, j, i));
    return 0;
}
