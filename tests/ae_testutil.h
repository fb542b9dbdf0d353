/* Shared by the autoencoder tests (test_autoencoder.c,
   test_autoencoder_arith.c): the dictionary and a union of two
   bases, one exact sample through the library, random points near A^T,
   code distributions, checks against literal lists. */
#ifndef CPWL_AE_TESTUTIL_H
#define CPWL_AE_TESTUTIL_H

#include <check.h>
#include <flint/fmpq_vec.h>
#include "cpwl/autoencoder.h"
#include "testutil.h"

/* The dictionary: columns e1, e2, e3, e4, (1,1,1,1)/2,
   (1,-1,1,-1)/2. */
static inline void example_dict(fmpq_mat_t A)
{
    static const slong c5[4] = {1, 1, 1, 1}, c6[4] = {1, -1, 1, -1};
    slong j;
    fmpq_mat_clear(A);
    fmpq_mat_init(A, 4, 6);
    for (j = 0; j < 4; j++)
    {
        fmpq_one(fmpq_mat_entry(A, j, j));
        fmpq_set_si(fmpq_mat_entry(A, j, 4), c5[j], 2);
        fmpq_set_si(fmpq_mat_entry(A, j, 5), c6[j], 2);
    }
}

/* [I_4 | H_4 / 2], H_4 the Sylvester Hadamard matrix: the union of two
   bases, coherence 1/2. */
static inline void union_dict(fmpq_mat_t A)
{
    slong i, j;
    fmpq_mat_clear(A);
    fmpq_mat_init(A, 4, 8);
    for (i = 0; i < 4; i++)
    {
        fmpq_one(fmpq_mat_entry(A, i, i));
        for (j = 0; j < 4; j++)
        {
            /* H_ij = (-1)^(popcount of i & j) */
            int odd = __builtin_popcountl((ulong) (i & j)) & 1;
            fmpq_set_si(fmpq_mat_entry(A, i, 4 + j), odd ? -1 : 1, 2);
        }
    }
}

static inline void transpose(fmpq_mat_t W, const fmpq_mat_t A)
{
    fmpq_mat_clear(W);
    fmpq_mat_init(W, fmpq_mat_ncols(A), fmpq_mat_nrows(A));
    fmpq_mat_transpose(W, A);
}

static inline void set_list(fmpq *v, const char *s, slong n)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_io_parse_vector(v, n, s, "test", e) != CPWL_OK)
        ck_abort_msg("bad test vector %s: %s", s, e->msg);
    cpwl_err_clear(e);
}

/* ---- one exact sample through the library ------------------------------ */

typedef struct
{
    fmpq_t L;
    fmpq *GW, *Geps, *z, *r, *yhat, *e;
    int *act;
    slong h, n;
}
sample_out;

static inline void out_init(sample_out *o, slong h, slong n)
{
    fmpq_init(o->L);
    o->GW = _fmpq_vec_init(h * n);
    o->Geps = _fmpq_vec_init(h);
    o->z = _fmpq_vec_init(h);
    o->r = _fmpq_vec_init(h);
    o->yhat = _fmpq_vec_init(n);
    o->e = _fmpq_vec_init(n);
    o->act = flint_malloc(sizeof(int) * h);
    o->h = h;
    o->n = n;
}

static inline void out_clear(sample_out *o)
{
    fmpq_clear(o->L);
    _fmpq_vec_clear(o->GW, o->h * o->n);
    _fmpq_vec_clear(o->Geps, o->h);
    _fmpq_vec_clear(o->z, o->h);
    _fmpq_vec_clear(o->r, o->h);
    _fmpq_vec_clear(o->yhat, o->n);
    _fmpq_vec_clear(o->e, o->n);
    flint_free(o->act);
}

static inline void exact_sample(sample_out *o, const fmpq_mat_t W, const fmpq *eps,
                         const fmpq *y, int relu_d0)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j;
    cpwl_arith_t A;
    cpwl_ae_work_t w;
    cpwl_val_ptr Wv, ev, yv, L, G, Ge;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    cpwl_arith_init_exact(A);
    cpwl_ae_work_init(w, h, n, A);
    Wv = cpwl_val_vec_init(h * n, A);
    ev = cpwl_val_vec_init(h, A);
    yv = cpwl_val_vec_init(n, A);
    L = cpwl_val_vec_init(1, A);
    G = cpwl_val_vec_init(h * n, A);
    Ge = cpwl_val_vec_init(h, A);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(Wv + i * n + j, fmpq_mat_entry(W, i, j), A);
        cpwl_val_set_fmpq(ev + i, eps + i, A);
    }
    for (j = 0; j < n; j++)
        cpwl_val_set_fmpq(yv + j, y + j, A);
    ck_assert_int_eq(cpwl_ae_sample(L, G, Ge, o->act, Wv, ev, yv, NULL,
                                    relu_d0, w, A, pred, e), 0);
    ck_assert(cpwl_val_get_fmpq(o->L, L, A));
    for (i = 0; i < h * n; i++)
        ck_assert(cpwl_val_get_fmpq(o->GW + i, G + i, A));
    for (i = 0; i < h; i++)
    {
        ck_assert(cpwl_val_get_fmpq(o->Geps + i, Ge + i, A));
        ck_assert(cpwl_val_get_fmpq(o->z + i, w->z + i, A));
        ck_assert(cpwl_val_get_fmpq(o->r + i, w->r + i, A));
    }
    for (j = 0; j < n; j++)
    {
        ck_assert(cpwl_val_get_fmpq(o->yhat + j, w->yhat + j, A));
        ck_assert(cpwl_val_get_fmpq(o->e + j, w->e + j, A));
    }
    /* every sign decided exactly through the predicate layer */
    ck_assert_uint_eq(cpwl_pred_ctx_total(pred), (ulong) h);
    cpwl_val_vec_clear(Ge, h, A);
    cpwl_val_vec_clear(G, h * n, A);
    cpwl_val_vec_clear(L, 1, A);
    cpwl_val_vec_clear(yv, n, A);
    cpwl_val_vec_clear(ev, h, A);
    cpwl_val_vec_clear(Wv, h * n, A);
    cpwl_ae_work_clear(w, A);
    cpwl_arith_clear(A);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}

static inline void vec_zero(fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_zero(v + i);
}

static inline int vec_equal(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_equal(a + i, b + i))
            return 0;
    return 1;
}

static inline void check_vec(const fmpq *v, const char *want, slong n,
                      const char *what)
{
    fmpq *u = _fmpq_vec_init(n);
    slong i;
    set_list(u, want, n);
    for (i = 0; i < n; i++)
        if (!fmpq_equal(u + i, v + i))
        {
            char *s = fmpq_get_str(NULL, 10, v + i);
            ck_abort_msg("%s[%ld] = %s, expected entry %ld of (%s)", what,
                         (long) i + 1, s, (long) i + 1, want);
        }
    _fmpq_vec_clear(u, n);
}

/* a_i against a string of 0 and 1. */
static inline int act_is(const sample_out *o, const char *want)
{
    slong i;
    for (i = 0; i < o->h; i++)
        if (o->act[i] != want[i] - '0')
            return 0;
    return 1;
}

static inline void check_q(const fmpq_t v, const char *want, const char *what)
{
    check_vec(v, want, 1, what);
}

/* ---- random instances near A^T ------------------------------------------ */

/* W = A^T + entries k/32, k in [-3, 3]; eps_i = a/3 or a/5 with a prime
   to the denominator, in (0, 1): z = W y - eps never vanishes for y of
   dyadic entries. */
static inline void random_point(fmpq_mat_t W, fmpq *eps, const fmpq_mat_t A,
                         test_rng *R)
{
    slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A), i, j;
    fmpq_t c;
    fmpq_init(c);
    transpose(W, A);
    for (i = 0; i < h; i++)
    {
        slong q = test_range(R, 0, 1) ? 3 : 5, a;
        for (j = 0; j < n; j++)
        {
            fmpq_set_si(c, test_range(R, -3, 3), 32);
            fmpq_add(fmpq_mat_entry(W, i, j), fmpq_mat_entry(W, i, j), c);
        }
        do
            a = test_range(R, 1, q - 1);
        while (a % q == 0);
        fmpq_set_si(eps + i, a, q);
    }
    fmpq_clear(c);
}

/* y = A x for x with support size k and non-zeros in {1/2, 1, 3/2, 2}. */
static inline void random_y(fmpq *y, const fmpq_mat_t A, slong k, test_rng *R)
{
    slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A), i, j, c;
    fmpq *x = _fmpq_vec_init(h);
    for (c = 0; c < k; c++)
    {
        i = test_range(R, 0, h - 1);
        fmpq_set_si(x + i, test_range(R, 1, 4), 2);
    }
    for (j = 0; j < n; j++)
    {
        fmpq_zero(y + j);
        for (i = 0; i < h; i++)
            fmpq_addmul(y + j, fmpq_mat_entry(A, j, i), x + i);
    }
    _fmpq_vec_clear(x, h);
}

static inline void codes_k2(cpwl_codes_t C, slong h, const char *probs)
{
    fmpq *v = _fmpq_vec_init(2), *p = _fmpq_vec_init(2);
    cpwl_err_t e;
    cpwl_err_init(e);
    fmpq_set_si(v + 0, 1, 1);
    fmpq_set_si(v + 1, 2, 1);
    if (probs != NULL)
        set_list(p, probs, 2);
    if (cpwl_codes_set_supports(C, h, 2, v, probs != NULL ? p : NULL, 2, e))
        ck_abort_msg("codes refused: %s", e->msg);
    _fmpq_vec_clear(v, 2);
    _fmpq_vec_clear(p, 2);
    cpwl_err_clear(e);
}

/* The expectation by a loop in the test: per code, one exact sample,
   times p. */
/* ---- other arithmetics -------------------------------------------------- */

/* W, eps as values of A (row-major). */
static inline void enter(cpwl_val_ptr Wv, cpwl_val_ptr ev, const fmpq_mat_t W,
                  const fmpq *eps, cpwl_arith_t A)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j;
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(Wv + i * n + j, fmpq_mat_entry(W, i, j), A);
        cpwl_val_set_fmpq(ev + i, eps + i, A);
    }
}

#endif
