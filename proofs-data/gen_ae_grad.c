/* The chapter-4 table ae_grad of proofs-data/ (the weight-tied ReLU
   autoencoder of sparse coding, module autoencoder): the expected
   gradient of the loss near the dictionary, exactly, against h.

   Dictionaries union:n=N = [I_N, H_N / sqrt(N)] (h = 2N, unit columns,
   coherence mu = 1/sqrt(N)); codes supports:k=K (the support uniform
   among the C(h, K) subsets, values 1); eps the midpoint of the
   coherence window [K mu, 1 - (K - 1) mu) (the support recovery lemma
   with non-zeros 1: docs/autoencoder.md), for the (N, K) whose window
   is not empty and the sum is quick (N = 4: K = 1; N = 16: K = 1, 2;
   N = 64: K = 1.  K = 2 at N = 4 and K = 3 at N = 16 have empty
   windows; N = 64, K = 2, 8128 codes of 8192 parameters, takes about
   25 s, too long for make check).  Per row: E[L] and
   |E dL/dW|_F^2 at W = A^T exactly, the norm as a decimal; the largest
   norm over R_DIRS seeded directions D at W = A^T + delta D
   (|W - A^T|_F = delta exactly); and the Monte-Carlo
   estimate a float user computes at A^T (MC_N draws, the mean gradient
   in binary64, its norm; MC_R repeats: mean and sample sd).

   By hand (docs/autoencoder.md): for K = 1 with eps in the window, at
   W = A^T the code e_j gives z_j = 1 - eps > 0 and z_i <= mu - eps < 0
   off j, so r = (1 - eps) e_j, e = -eps A_j, u = -eps A^T A_j, and
   dL/dW = -eps (2 - eps) e_j A_j^T: E[L] = eps^2 / 2 and
   |E dL/dW|_F^2 = eps^2 (2 - eps)^2 / h (union:n=4, eps = 3/4: 9/32 and
   225/2048).  tests/ae_grad_table.sh checks this and recomputes the
   exact columns with python3's fractions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "gen.h"

#define R_DIRS 4                /* directions on the sphere */
#define DIR_SEED 16             /* their seed */
#define MC_N 1000               /* Monte-Carlo draws */
#define MC_R 10                 /* its repeats */
#define MC_SEED 1

typedef struct
{
    slong N, k;
}
ae_case;

static const ae_case CASES[] = {{4, 1}, {16, 1}, {16, 2}, {64, 1}};

static void ae_die(const cpwl_err_t e)
{
    fprintf(stderr, "gen: %s\n", e->msg);
    exit(e->status != CPWL_OK ? e->status : 1);
}

static char *q_get(const fmpq_t q)
{
    return fmpq_get_str(NULL, 10, q);
}

/* sqrt(norm2) to 10 digits. */
static char *norm_str(const fmpq_t norm2)
{
    arb_t a;
    char *s;
    arb_init(a);
    cpwl_ae_norm_arb(a, norm2, 128);
    s = arb_get_str(a, 10, ARB_STR_NO_RADIUS);
    arb_clear(a);
    return s;
}

/* E[L] and |E dL/dW|_F^2 at W. */
static void expect_at(fmpq_t loss, fmpq_t g2, const fmpq_mat_t W,
                      const fmpq *eps, const fmpq_mat_t A,
                      const cpwl_codes_t C)
{
    slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A);
    fmpq *GW = _fmpq_vec_init(h * n), *Ge = _fmpq_vec_init(h);
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    if (cpwl_ae_expect(loss, GW, Ge, W, eps, A, C, 0, NULL, NULL, NULL, NULL, pred, e)
        != 0)
        ae_die(e);
    cpwl_ae_norm2(g2, GW, h * n);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    _fmpq_vec_clear(GW, h * n);
    _fmpq_vec_clear(Ge, h);
}

void gen_ae_grad(const char *dir)
{
    table T;
    size_t c;
    if (!table_open_as(&T, dir, "ae_grad",
                       "Weight-tied ReLU autoencoder: the expected gradient "
                       "near the dictionary against h (union:n=N; "
                       "supports:k=K; eps the coherence window's midpoint)",
                       "n,h,k,codes,mu,window [k mu;1 - (k-1) mu),eps,"
                       "E[L] at A^T,|E dL/dW|_F^2 at A^T,|E dL/dW|_F at A^T,"
                       "delta,max |E dL/dW|_F at A^T + delta D (4 seeded D),"
                       "Monte-Carlo |mean grad|_F (1000 draws; binary64): "
                       "mean of 10,sd of 10",
                       "exact values but the decimals (10 digits) and the "
                       "Monte-Carlo columns (measured; %.6g)",
                       "E[L] and the squared norm are exact; the norms are "
                       "10-digit decimals of exact values; the Monte-Carlo "
                       "columns are measured (seeded binary64 runs, %.6g)"))
        exit(1);
    for (c = 0; c < sizeof CASES / sizeof CASES[0]; c++)
    {
        slong N = CASES[c].N, k = CASES[c].k, h = 2 * N, n = N, i, d;
        fmpq_mat_t A, W;
        fmpq *eps = _fmpq_vec_init(h);
        fmpq_t mu2, mu, m1, loss, g2, best, delta;
        fmpz_t cnt;
        fmpq_t lo, hi;
        cpwl_codes_t C;
        cpwl_err_t e;
        uint64_t st = DIR_SEED;
        double mean, sd;
        char spec[64], row[2048], *s[10];

        fmpq_mat_init(A, 0, 0);
        fmpq_mat_init(W, h, n);
        fmpq_init(mu2);
        fmpq_init(mu);
        fmpq_init(m1);
        fmpq_init(loss);
        fmpq_init(g2);
        fmpq_init(best);
        fmpq_init(delta);
        fmpz_init(cnt);
        fmpq_init(lo);
        fmpq_init(hi);
        cpwl_codes_init(C);
        cpwl_err_init(e);
        snprintf(spec, sizeof spec, "union:n=%ld", (long) N);
        if (cpwl_dict_gen_str(A, spec, 0, e) != CPWL_OK)
            ae_die(e);
        /* mu^2 = 1/N, a rational square */
        if (cpwl_dict_coherence2(mu2, NULL, NULL, A) != 0
            || !fmpz_is_square(fmpq_numref(mu2))
            || !fmpz_is_square(fmpq_denref(mu2)))
        {
            fprintf(stderr, "gen: %s: coherence is not rational\n", spec);
            exit(1);
        }
        fmpz_sqrt(fmpq_numref(mu), fmpq_numref(mu2));
        fmpz_sqrt(fmpq_denref(mu), fmpq_denref(mu2));
        fmpq_one(m1);
        /* [k mu, 1 - (k - 1) mu) */
        fmpq_mul_si(lo, mu, k);
        fmpq_mul_si(hi, mu, k - 1);
        fmpq_sub(hi, m1, hi);
        if (fmpq_cmp(lo, hi) >= 0)
        {
            fprintf(stderr, "gen: %s, k = %ld: empty window\n", spec,
                    (long) k);
            exit(1);
        }
        /* the midpoint */
        fmpq_add(eps, lo, hi);
        fmpq_div_2exp(eps, eps, 1);
        for (i = 1; i < h; i++)
            fmpq_set(eps + i, eps);
        if (cpwl_codes_set_supports(C, h, k, m1, NULL, 1, e) != CPWL_OK)
            ae_die(e);
        cpwl_codes_count(cnt, C);

        /* at A^T */
        fmpq_mat_transpose(W, A);
        expect_at(loss, g2, W, eps, A, C);
        s[0] = q_get(loss);
        s[1] = q_get(g2);
        s[2] = norm_str(g2);
        /* R_DIRS directions at radius delta: the largest norm */
        fmpq_set_si(delta, 1, 16);
        for (d = 0; d < R_DIRS; d++)
        {
            fmpq_t l2, n2;
            fmpq_init(l2);
            fmpq_init(n2);
            cpwl_ae_perturb(W, A, delta, 8, &st);
            expect_at(l2, n2, W, eps, A, C);
            if (d == 0 || fmpq_cmp(n2, best) > 0)
                fmpq_set(best, n2);
            fmpq_clear(l2);
            fmpq_clear(n2);
        }
        s[3] = norm_str(best);
        /* the float user's estimate at A^T */
        fmpq_mat_transpose(W, A);
        if (cpwl_ae_mc_grad_norm(&mean, &sd, W, eps, A, C, 0, MC_N, MC_R,
                                 MC_SEED, NULL, e) != 0)
            ae_die(e);
        s[4] = fmpz_get_str(NULL, 10, cnt);
        s[5] = q_get(mu);
        s[6] = q_get(lo);
        s[7] = q_get(hi);
        s[8] = q_get(eps);
        s[9] = q_get(delta);
        snprintf(row, sizeof row, "%ld,%ld,%ld,%s,%s,[%s;%s),%s,%s,%s,%s,"
                 "%s,%s,%.6g,%.6g", (long) n, (long) h, (long) k, s[4], s[5],
                 s[6], s[7], s[8], s[0], s[1], s[2], s[9], s[3], mean, sd);
        table_row(&T, row);
        for (i = 0; i < 10; i++)
            flint_free(s[i]);

        cpwl_err_clear(e);
        cpwl_codes_clear(C);
        fmpq_clear(lo);
        fmpq_clear(hi);
        fmpz_clear(cnt);
        fmpq_clear(mu2);
        fmpq_clear(mu);
        fmpq_clear(m1);
        fmpq_clear(loss);
        fmpq_clear(g2);
        fmpq_clear(best);
        fmpq_clear(delta);
        _fmpq_vec_clear(eps, h);
        fmpq_mat_clear(A);
        fmpq_mat_clear(W);
    }
    table_close(&T);
}
