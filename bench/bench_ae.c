/* Benchmark of the exact expected gradient of the weight-tied ReLU
   autoencoder (chapter 4): union:n=16 (n = 16, h = 32, coherence 1/4),
   codes supports:k=3 (C(32, 3) = 4960 supports, values 1, each of
   probability 1/4960), W = A^T, eps = 5/8 (the coherence window
   [k mu, 1 - (k-1) mu) is empty for k = 3 here; 5/8 is the midpoint of
   k = 2's, and at A^T it recovers most supports).  Timed: the exact sum
   (cpwl_ae_expect), the same sum through module arith in binary64
   (cpwl_ae_expect_val), and a plain C loop on double arrays of the same
   formula,

     z = W y - eps, r = relu(z), e = W^T r - y, u = W e,
     G += p (r e^T + diag(a) u y^T),

   in cpwl_ae_sample's order of operations (autoencoder.h), which must
   give the same bits as module arith's binary64 (checked).  The double
   result is compared with the exact one (the largest error of an entry
   of the gradient, relative to the largest entry, and of the norm).  Each timing is repeated until about BENCH_AE_SECS
   seconds (default 0.5) have passed, at least once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "benchutil.h"

#define NN 16
#define HH 32
#define KK 3

static double budget = 0.5;

typedef struct
{
    slong reps;
    double secs;
}
timing;

static double per(const timing *T)
{
    return T->secs / (double) T->reps;
}

static void die(const char *what, const cpwl_err_t e)
{
    fprintf(stderr, "bench_ae: %s: %s\n", what, e->msg);
    exit(1);
}

/* The codes of C as dense double arrays: X (count x h), p (count). */
static slong codes_dense(double **X, double **p, const cpwl_codes_t C)
{
    cpwl_codes_iter_t it;
    fmpz_t cnt;
    slong m, i = 0, j, h = C->h;
    fmpz_init(cnt);
    cpwl_codes_count(cnt, C);
    m = fmpz_get_si(cnt);
    *X = flint_malloc(m * h * sizeof(double));
    *p = flint_malloc(m * sizeof(double));
    cpwl_codes_iter_init(it, C);
    while (cpwl_codes_iter_next(it, C))
    {
        for (j = 0; j < h; j++)
            (*X)[i * h + j] = fmpq_get_d(it->x + j);
        (*p)[i] = fmpq_get_d(it->p);
        i++;
    }
    cpwl_codes_iter_clear(it, C);
    fmpz_clear(cnt);
    return m;
}

/* The plain double loop, in cpwl_ae_sample's order of operations
   (autoencoder.h): G (h x n) = sum_c p_c dL/dW at (W, eps) for
   y_c = A x_c (A n x h, W h x n, row-major), each term p_c times it
   added.  The same bits as module arith's binary64 (checked). */
static void grad_double(double *G, const double *W, double eps,
                        const double *Ad, const double *X, double p,
                        slong m)
{
    double y[NN], z[HH], r[HH], e[NN], u[HH];
    int a[HH];
    slong c, i, t;
    memset(G, 0, HH * NN * sizeof(double));
    for (c = 0; c < m; c++)
    {
        const double *x = X + c * HH;
        for (t = 0; t < NN; t++)
        {
            double s = 0;       /* exact: sums of 1 and +-1/4 */
            for (i = 0; i < HH; i++)
                if (x[i] != 0)
                    s += Ad[t * HH + i] * x[i];
            y[t] = s;
        }
        for (i = 0; i < HH; i++)
        {
            double s = W[i * NN] * y[0];
            for (t = 1; t < NN; t++)
                s = s + W[i * NN + t] * y[t];
            z[i] = s - eps;
            a[i] = z[i] > 0;
            r[i] = a[i] ? z[i] : 0;
        }
        for (t = 0; t < NN; t++)
        {
            double s = 0;
            for (i = 0; i < HH; i++)
                if (a[i])
                    s = s + W[i * NN + t] * r[i];
            e[t] = s - y[t];
        }
        for (i = 0; i < HH; i++)
        {
            double s;
            if (!a[i])
                continue;
            s = W[i * NN] * e[0];
            for (t = 1; t < NN; t++)
                s = s + W[i * NN + t] * e[t];
            u[i] = s;
            for (t = 0; t < NN; t++)
            {
                double g = r[i] * e[t];
                double g2 = u[i] * y[t];
                g = g + g2;
                G[i * NN + t] = G[i * NN + t] + p * g;
            }
        }
    }
}

/* Largest relative error of the entries of Gd against the exact G
   (relative to the largest exact entry), and of the norm. */
static void errors(double *ent, double *nrm, const double *Gd,
                   const fmpq *G, slong len)
{
    double mx = 0, e = 0, n2 = 0, n2q;
    slong i;
    fmpq_t s;
    fmpq_init(s);
    for (i = 0; i < len; i++)
        mx = FLINT_MAX(mx, fabs(fmpq_get_d(G + i)));
    for (i = 0; i < len; i++)
    {
        e = FLINT_MAX(e, fabs(Gd[i] - fmpq_get_d(G + i)));
        n2 += Gd[i] * Gd[i];
    }
    cpwl_ae_norm2(s, G, len);
    n2q = fmpq_get_d(s);
    *ent = mx > 0 ? e / mx : e;
    *nrm = fabs(sqrt(n2) - sqrt(n2q)) / sqrt(n2q);
    fmpq_clear(s);
}

int main(void)
{
    const char *env = getenv("BENCH_AE_SECS");
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(HH), *G = _fmpq_vec_init(HH * NN),
        *Ge = _fmpq_vec_init(HH), *one;
    fmpq_t loss, n2;
    cpwl_codes_t C;
    cpwl_err_t e;
    cpwl_pred_ctx_t pred;
    cpwl_arith_t B;
    cpwl_val_ptr Wv, ev, Gv, Gev;
    cpwl_val_t lv;
    double *X, *p, Wd[HH * NN], Ad[NN * HH], Gd[HH * NN], Gb[HH * NN];
    double t0, e3, e4;
    timing tq = {0, 0}, tb = {0, 0}, td = {0, 0};
    slong m, i, j;
    int same;
    arb_t nb;
    char *ns;

    (void) on_alarm;            /* benchutil's cap: the clock is read here */
    if (env != NULL && atof(env) > 0)
        budget = atof(env);
    fmpq_mat_init(A, 0, 0);
    fmpq_mat_init(W, 0, 0);
    fmpq_init(loss);
    fmpq_init(n2);
    cpwl_codes_init(C);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    if (cpwl_dict_gen_str(A, "union:n=16", 0, e) != CPWL_OK)
        die("dictionary", e);
    one = _fmpq_vec_init(1);
    fmpq_one(one);
    if (cpwl_codes_set_supports(C, HH, KK, one, NULL, 1, e) != CPWL_OK)
        die("codes", e);
    for (i = 0; i < HH; i++)
        fmpq_set_si(eps + i, 5, 8);
    fmpq_mat_clear(W);
    fmpq_mat_init(W, HH, NN);
    fmpq_mat_transpose(W, A);
    m = codes_dense(&X, &p, C);
    for (i = 0; i < HH; i++)
        for (j = 0; j < NN; j++)
        {
            Wd[i * NN + j] = fmpq_get_d(fmpq_mat_entry(W, i, j));
            Ad[j * HH + i] = fmpq_get_d(fmpq_mat_entry(A, j, i));
        }

    printf("Expected gradient of the autoencoder loss: union:n=16 (n = %d, "
           "h = %d), supports:k=%d (%ld codes), W = A^T, eps = 5/8; each "
           "timing repeated for about %g s.\n\n", NN, HH, KK, (long) m,
           budget);

    /* exact */
    t0 = now();
    do
    {
        if (cpwl_ae_expect(loss, G, Ge, W, eps, A, C, 0, NULL, NULL, NULL,
                           NULL, pred, e) != 0)
            die("exact", e);
        tq.reps++;
    }
    while (now() - t0 < budget);
    tq.secs = now() - t0;

    /* module arith, binary64 */
    cpwl_arith_init_str(B, "binary64");
    Wv = cpwl_val_vec_init(HH * NN, B);
    ev = cpwl_val_vec_init(HH, B);
    Gv = cpwl_val_vec_init(HH * NN, B);
    Gev = cpwl_val_vec_init(HH, B);
    cpwl_val_init(lv, B);
    for (i = 0; i < HH; i++)
        for (j = 0; j < NN; j++)
            cpwl_val_set_fmpq(Wv + i * NN + j, fmpq_mat_entry(W, i, j), B);
    for (i = 0; i < HH; i++)
        cpwl_val_set_fmpq(ev + i, eps + i, B);
    t0 = now();
    do
    {
        if (cpwl_ae_expect_val(lv, Gv, Gev, Wv, ev, A, C, 0, NULL, NULL, NULL,
                               NULL, B, pred, e) != 0)
            die("binary64", e);
        tb.reps++;
    }
    while (now() - t0 < budget);
    tb.secs = now() - t0;
    for (i = 0; i < HH * NN; i++)
        Gb[i] = cpwl_val_get_d(Gv + i, B);

    /* plain double */
    t0 = now();
    do
    {
        grad_double(Gd, Wd, 0.625, Ad, X, 1.0 / (double) m, m);
        td.reps++;
    }
    while (now() - t0 < budget);
    td.secs = now() - t0;

    cpwl_ae_norm2(n2, G, HH * NN);
    arb_init(nb);
    cpwl_ae_norm_arb(nb, n2, 64);
    ns = arb_get_str(nb, 10, ARB_STR_NO_RADIUS);
    printf("| implementation | repetitions | seconds per sum | against "
           "double |\n|---|---:|---:|---:|\n");
    printf("| exact (cpwl_ae_expect, fmpq) | %ld | %.4g | %.1fx |\n",
           (long) tq.reps, per(&tq), per(&tq) / per(&td));
    printf("| binary64 through module arith (cpwl_ae_expect_val) | %ld | "
           "%.4g | %.1fx |\n", (long) tb.reps, per(&tb),
           per(&tb) / per(&td));
    printf("| plain C double loop | %ld | %.4g | 1x |\n", (long) td.reps,
           per(&td));
    errors(&e3, &e4, Gd, G, HH * NN);
    printf("\nexact: |E dL/dW|_F = %s, E[L] = %.10g\n", ns,
           fmpq_get_d(loss));
    for (i = 0, same = 1; i < HH * NN; i++)
        same &= Gb[i] == Gd[i];
    printf("exact / double = %.1fx per sum; binary64 through arith / double "
           "= %.1fx; the same bits in both double sums: %s\n",
           per(&tq) / per(&td), per(&tb) / per(&td), same ? "yes" : "NO");
    printf("largest error against the exact sum (entries, relative to the "
           "largest entry; the norm, relative): %.2g, %.2g\n", e3, e4);


    flint_free(ns);
    arb_clear(nb);
    cpwl_val_vec_clear(Wv, HH * NN, B);
    cpwl_val_vec_clear(ev, HH, B);
    cpwl_val_vec_clear(Gv, HH * NN, B);
    cpwl_val_vec_clear(Gev, HH, B);
    cpwl_val_clear(lv, B);
    cpwl_arith_clear(B);
    flint_free(X);
    flint_free(p);
    _fmpq_vec_clear(one, 1);
    _fmpq_vec_clear(eps, HH);
    _fmpq_vec_clear(G, HH * NN);
    _fmpq_vec_clear(Ge, HH);
    fmpq_clear(loss);
    fmpq_clear(n2);
    cpwl_codes_clear(C);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    flint_cleanup();
    return 0;
}
