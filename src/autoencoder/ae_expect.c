/* Expectations over a finite code distribution (exact, Arb or a float
   format), and the Monte-Carlo estimate a binary64 user computes. */
#include <math.h>
#include "cpwl/autoencoder.h"

/* 1 when every code of C has the same probability: a list whose
   probabilities are equal, or supports whose values are equally likely
   (the support is uniform). */
static int ae_codes_equal_probs(const cpwl_codes_t C)
{
    const cpwl_dist_struct *D = C->kind == CPWL_CODES_LIST ? C->list
                                                           : C->values;
    slong i;
    if (C->kind == CPWL_CODES_SUPPORTS && C->k == 0)
        return 1;
    for (i = 1; i < D->K; i++)
        if (!fmpq_equal(D->p + i, D->p))
            return 0;
    return 1;
}

static int ae_check_sizes(const fmpq_mat_t Adict, const cpwl_codes_t C,
                          cpwl_err_t e)
{
    if (C->h != fmpq_mat_ncols(Adict))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "autoencoder: the codes have "
                            "%ld coordinates, but the dictionary has %ld "
                            "atoms", (long) C->h,
                            (long) fmpq_mat_ncols(Adict)) != 0;
    return 0;
}

int cpwl_ae_expect_val(cpwl_val_ptr loss, cpwl_val_ptr GW,
                       cpwl_val_ptr Geps, cpwl_val_srcptr W,
                       cpwl_val_srcptr eps, const fmpq_mat_t Adict,
                       const cpwl_codes_t C, int relu_d0, fmpz_t done,
                       volatile sig_atomic_t *stop,
                       cpwl_ae_progress_fn progress, void *progress_data,
                       cpwl_arith_t A, cpwl_pred_ctx_t pred, cpwl_err_t e)
{
    slong n = fmpq_mat_nrows(Adict), h = fmpq_mat_ncols(Adict), i;
    cpwl_ae_work_t w;
    cpwl_codes_iter_t it;
    cpwl_val_ptr y, wt;
    fmpq *yq;
    fmpq_t p0;
    fmpz_t count;
    int st, equal;

    if (done != NULL)
        fmpz_zero(done);
    if ((st = ae_check_sizes(Adict, C, e)) != 0)
        return st;
    if (loss != NULL)
        cpwl_val_zero(loss, A);
    if (GW != NULL)
        for (i = 0; i < h * n; i++)
            cpwl_val_zero(GW + i, A);
    if (Geps != NULL)
        for (i = 0; i < h; i++)
            cpwl_val_zero(Geps + i, A);

    /* Exactly, equal probabilities factor out: the unweighted terms are
       summed and the sum multiplied by p once (the same rational). */
    equal = A->kind == CPWL_ARITH_EXACT && ae_codes_equal_probs(C);
    cpwl_ae_work_init(w, h, n, A);
    y = cpwl_val_vec_init(n, A);
    wt = cpwl_val_vec_init(1, A);
    yq = _fmpq_vec_init(FLINT_MAX(n, 1));
    fmpq_init(p0);
    fmpz_init(count);
    if (equal)
        cpwl_val_set_si(wt, 1, A);

    cpwl_codes_iter_init(it, C);
    while (st == 0)
    {
        if (stop != NULL && *stop)
        {
            st = 3;
            break;
        }
        if (progress != NULL && fmpz_fdiv_ui(count, 256) == 0)
            progress(progress_data, count);
        if (!cpwl_codes_iter_next(it, C))
            break;
        fmpz_add_ui(count, count, 1);
        /* a code of probability 0 adds nothing */
        if (fmpq_is_zero(it->p))
            continue;
        if (equal)
            fmpq_set(p0, it->p);
        else
            cpwl_val_set_fmpq(wt, it->p, A);
        cpwl_dict_apply(yq, Adict, it->x);
        for (i = 0; i < n; i++)
            cpwl_val_set_fmpq(y + i, yq + i, A);
        st = cpwl_ae_sample(loss, GW, Geps, NULL, W, eps, y, wt, relu_d0,
                            w, A, pred, e);
        if (st != 0)
            fmpz_sub_ui(count, count, 1);
    }
    cpwl_codes_iter_clear(it, C);

    if (equal && (st == 0 || st == 3))
    {
        cpwl_val_set_fmpq(wt, p0, A);
        if (loss != NULL)
            cpwl_val_mul(loss, loss, wt, A);
        if (GW != NULL)
            for (i = 0; i < h * n; i++)
                cpwl_val_mul(GW + i, GW + i, wt, A);
        if (Geps != NULL)
            for (i = 0; i < h; i++)
                cpwl_val_mul(Geps + i, Geps + i, wt, A);
    }
    if (done != NULL)
        fmpz_set(done, count);

    fmpz_clear(count);
    fmpq_clear(p0);
    _fmpq_vec_clear(yq, FLINT_MAX(n, 1));
    cpwl_val_vec_clear(wt, 1, A);
    cpwl_val_vec_clear(y, n, A);
    cpwl_ae_work_clear(w, A);
    return st;
}

int cpwl_ae_expect(fmpq_t loss, fmpq *GW, fmpq *Geps, const fmpq_mat_t W,
                   const fmpq *eps, const fmpq_mat_t Adict,
                   const cpwl_codes_t C, int relu_d0, fmpz_t done,
                   volatile sig_atomic_t *stop,
                   cpwl_ae_progress_fn progress, void *progress_data,
                   cpwl_pred_ctx_t pred, cpwl_err_t e)
{
    slong n = fmpq_mat_nrows(Adict), h = fmpq_mat_ncols(Adict), i, j;
    cpwl_arith_t A;
    cpwl_val_ptr Wv, ev, Lv, Gv, Ev;
    int st;

    if (fmpq_mat_nrows(W) != h || fmpq_mat_ncols(W) != n)
    {
        if (done != NULL)
            fmpz_zero(done);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "autoencoder: W is %ld x "
                            "%ld, but the dictionary (n x h = %ld x %ld) "
                            "needs h x n = %ld x %ld",
                            (long) fmpq_mat_nrows(W), (long) fmpq_mat_ncols(W),
                            (long) n, (long) h,
                            (long) h, (long) n) != 0;
    }
    cpwl_arith_init_exact(A);
    Wv = cpwl_val_vec_init(h * n, A);
    ev = cpwl_val_vec_init(h, A);
    Lv = cpwl_val_vec_init(1, A);
    Gv = cpwl_val_vec_init(h * n, A);
    Ev = cpwl_val_vec_init(h, A);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(Wv + i * n + j, fmpq_mat_entry(W, i, j), A);
        cpwl_val_set_fmpq(ev + i, eps + i, A);
    }
    st = cpwl_ae_expect_val(loss != NULL ? Lv : NULL, GW != NULL ? Gv : NULL,
                            Geps != NULL ? Ev : NULL, Wv, ev, Adict, C,
                            relu_d0, done, stop, progress, progress_data, A,
                            pred, e);
    if (st == 0 || st == 3)
    {
        if (loss != NULL)
            cpwl_val_get_fmpq(loss, Lv, A);
        if (GW != NULL)
            for (i = 0; i < h * n; i++)
                cpwl_val_get_fmpq(GW + i, Gv + i, A);
        if (Geps != NULL)
            for (i = 0; i < h; i++)
                cpwl_val_get_fmpq(Geps + i, Ev + i, A);
    }
    cpwl_val_vec_clear(Ev, h, A);
    cpwl_val_vec_clear(Gv, h * n, A);
    cpwl_val_vec_clear(Lv, 1, A);
    cpwl_val_vec_clear(ev, h, A);
    cpwl_val_vec_clear(Wv, h * n, A);
    cpwl_arith_clear(A);
    return st;
}

int cpwl_ae_mc_grad_norm(double *mean, double *sd, const fmpq_mat_t W,
                         const fmpq *eps, const fmpq_mat_t Adict,
                         const cpwl_codes_t C, int relu_d0, slong N,
                         slong R, uint64_t seed,
                         volatile sig_atomic_t *stop, cpwl_err_t e)
{
    slong n = fmpq_mat_nrows(Adict), h = fmpq_mat_ncols(Adict), i, j, r, s;
    slong k;
    cpwl_arith_t A;
    cpwl_ae_work_t w;
    cpwl_pred_ctx_t pred;
    cpwl_val_ptr Wv, ev, y, G, c;
    fmpq *x, *yq;
    fmpq_t q;
    slong *supp;
    double *norms, sum, ss;
    uint64_t state = seed;
    int st = 0;

    *mean = *sd = 0.0;
    if (N < 1 || R < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "autoencoder: Monte-Carlo "
                            "needs at least one draw and one repeat (got "
                            "%ld draws, %ld repeats)", (long) N,
                            (long) R) != 0;
    if (fmpq_mat_nrows(W) != h || fmpq_mat_ncols(W) != n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "autoencoder: W is %ld x %ld, "
                            "expected h x n = %ld x %ld",
                            (long) fmpq_mat_nrows(W), (long) fmpq_mat_ncols(W),
                            (long) h, (long) n) != 0;
    if ((st = ae_check_sizes(Adict, C, e)) != 0)
        return st;

    cpwl_arith_init_float(A, CPWL_IEEE_BINARY64, 0, 0);
    cpwl_pred_ctx_init(pred);
    cpwl_ae_work_init(w, h, n, A);
    Wv = cpwl_val_vec_init(h * n, A);
    ev = cpwl_val_vec_init(h, A);
    y = cpwl_val_vec_init(n, A);
    G = cpwl_val_vec_init(h * n, A);
    c = cpwl_val_vec_init(3, A);        /* 1, 1/N, the norm */
    x = _fmpq_vec_init(FLINT_MAX(h, 1));
    yq = _fmpq_vec_init(FLINT_MAX(n, 1));
    supp = flint_malloc(sizeof(slong) * FLINT_MAX(h, 1));
    norms = flint_malloc(sizeof(double) * R);
    fmpq_init(q);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(Wv + i * n + j, fmpq_mat_entry(W, i, j), A);
        cpwl_val_set_fmpq(ev + i, eps + i, A);
    }
    cpwl_val_set_si(c + 0, 1, A);
    fmpq_set_si(q, 1, N);
    cpwl_val_set_fmpq(c + 1, q, A);

    for (r = 0; r < R && st == 0; r++)
    {
        for (i = 0; i < h * n; i++)
            cpwl_val_zero(G + i, A);
        for (s = 0; s < N && st == 0; s++)
        {
            if (stop != NULL && *stop)
            {
                st = 3;
                break;
            }
            cpwl_codes_draw(x, supp, &k, C, &state);
            cpwl_dict_apply(yq, Adict, x);
            for (j = 0; j < n; j++)
                cpwl_val_set_fmpq(y + j, yq + j, A);
            st = cpwl_ae_sample(NULL, G, NULL, NULL, Wv, ev, y, c + 0,
                                relu_d0, w, A, pred, e);
        }
        if (st != 0)
            break;
        for (i = 0; i < h * n; i++)
            cpwl_val_mul(G + i, G + i, c + 1, A);
        cpwl_val_dot(c + 2, G, G, h * n, A);
        cpwl_val_sqrt(c + 2, c + 2, A);
        norms[r] = c[2].d;
    }
    if (st == 0)
    {
        for (r = 0, sum = 0.0; r < R; r++)
            sum += norms[r];
        *mean = sum / (double) R;
        for (r = 0, ss = 0.0; r < R; r++)
            ss += (norms[r] - *mean) * (norms[r] - *mean);
        *sd = R > 1 ? sqrt(ss / (double) (R - 1)) : 0.0;
    }

    fmpq_clear(q);
    flint_free(norms);
    flint_free(supp);
    _fmpq_vec_clear(yq, FLINT_MAX(n, 1));
    _fmpq_vec_clear(x, FLINT_MAX(h, 1));
    cpwl_val_vec_clear(c, 3, A);
    cpwl_val_vec_clear(G, h * n, A);
    cpwl_val_vec_clear(y, n, A);
    cpwl_val_vec_clear(ev, h, A);
    cpwl_val_vec_clear(Wv, h * n, A);
    cpwl_ae_work_clear(w, A);
    cpwl_pred_ctx_clear(pred);
    cpwl_arith_clear(A);
    return st;
}
