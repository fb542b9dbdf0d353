/* Support recovery (src/autoencoder/support.c) against values from
   elsewhere:
   - the example (n = 4, h = 6, x* = e1 + e5), its Wy, supports
     and window derived by hand;
   - the window operations against their definitions on small cases;
   - the recovery probability's sweep against a second algorithm: at every
     window end, every midpoint between consecutive ends and beyond them,
     the codes recovered counted one by one with cpwl_ae_support;
   - the coherence window of the union dictionaries [I, H/sqrt(N)]
     (N = 4, mu = 1/2; N = 16, mu = 1/4; built here from Sylvester's
     construction) against the enumeration of every code;
   - a counterexample checked by hand: A = [e1, e2, (3/5, 4/5)],
     mu = 4/5, x = e1 + e2: Wy = (1, 1, 7/5), so keeping atoms 1 and 2
     needs eps < 1 while dropping atom 3 needs eps >= 7/5. */
#include <stdio.h>
#include <string.h>
#include <check.h>
#include <flint/fmpq_vec.h>
#include "testutil.h"

/* M (r x c, initialised here) from r * c literals, row by row. */
static void mat_str(fmpq_mat_t M, slong r, slong c, const char *const *v)
{
    slong i, j;
    fmpq_mat_init(M, r, c);
    for (i = 0; i < r; i++)
        for (j = 0; j < c; j++)
            test_q_set(fmpq_mat_entry(M, i, j), v[i * c + j]);
}

/* Wy = W (A x), written out here. */
static void ref_wy(fmpq *Wy, const fmpq_mat_t W, const fmpq_mat_t A,
                   const fmpq *x)
{
    slong n = fmpq_mat_nrows(A), h = fmpq_mat_ncols(A), i, j;
    fmpq *y = _fmpq_vec_init(n);
    for (j = 0; j < n; j++)
        for (i = 0; i < h; i++)
            fmpq_addmul(y + j, fmpq_mat_entry(A, j, i), x + i);
    for (i = 0; i < fmpq_mat_nrows(W); i++)
    {
        fmpq_zero(Wy + i);
        for (j = 0; j < n; j++)
            fmpq_addmul(Wy + i, fmpq_mat_entry(W, i, j), y + j);
    }
    _fmpq_vec_clear(y, n);
}

static void codes_str(cpwl_codes_t C, const char *text, slong h)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_codes_read_str(C, text, strlen(text), "t.csv", h, e) != 0)
        ck_abort_msg("test codes refused: %s", e->msg);
}

static int win_is(const cpwl_ae_window_t w, const char *lo, const char *hi)
{
    fmpq_t a;
    int ok = 1;
    fmpq_init(a);
    if (lo == NULL)
        ok &= w->lo_inf;
    else
    {
        test_q_set(a, lo);
        ok &= !w->lo_inf && fmpq_equal(a, w->lo);
    }
    if (hi == NULL)
        ok &= w->hi_inf;
    else
    {
        test_q_set(a, hi);
        ok &= !w->hi_inf && fmpq_equal(a, w->hi);
    }
    fmpq_clear(a);
    return ok;
}

static const char *const EX_A[] = {
    "1", "0", "0", "0", "1/2", "1/2",
    "0", "1", "0", "0", "1/2", "-1/2",
    "0", "0", "1", "0", "1/2", "1/2",
    "0", "0", "0", "1", "1/2", "-1/2"
};

START_TEST(test_example)
{
    static const char *const wy[] = {"3/2", "1/2", "1/2", "1/2", "3/2",
                                     "1/2"};
    fmpq_mat_t A, W;
    fmpq *x = _fmpq_vec_init(6), *Wy = _fmpq_vec_init(6), *y;
    fmpq_t eps, a;
    slong supp[6], k, i, S[2] = {0, 4};
    cpwl_ae_window_t w;
    cpwl_pred_ctx_t pred;

    mat_str(A, 4, 6, EX_A);
    fmpq_mat_init(W, 6, 4);
    fmpq_mat_transpose(W, A);
    fmpq_init(eps);
    fmpq_init(a);
    cpwl_ae_window_init(w);
    cpwl_pred_ctx_init(pred);
    fmpq_one(x + 0);
    fmpq_one(x + 4);
    /* y = A x* through the library, against (3/2, 1/2, 1/2, 1/2) */
    y = _fmpq_vec_init(4);
    cpwl_dict_apply(y, A, x);
    for (i = 0; i < 4; i++)
        ck_assert(test_q_is(y + i, i == 0 ? 3 : 1, 2));
    _fmpq_vec_clear(y, 4);
    ref_wy(Wy, W, A, x);
    for (i = 0; i < 6; i++)
    {
        test_q_set(a, wy[i]);
        ck_assert(fmpq_equal(Wy + i, a));
    }
    /* eps = 1/2 and 1: {1, 5}; 3/2: empty; 1/4: everything */
    fmpq_set_si(eps, 1, 2);
    k = cpwl_ae_support(supp, Wy, eps, 6, pred);
    ck_assert(k == 2 && supp[0] == 0 && supp[1] == 4);
    fmpq_one(eps);
    k = cpwl_ae_support(supp, Wy, eps, 6, pred);
    ck_assert(k == 2 && supp[0] == 0 && supp[1] == 4);
    fmpq_set_si(eps, 3, 2);
    ck_assert_int_eq(cpwl_ae_support(supp, Wy, eps, 6, pred), 0);
    fmpq_set_si(eps, 1, 4);
    k = cpwl_ae_support(supp, Wy, eps, 6, pred);
    ck_assert_int_eq(k, 6);
    for (i = 0; i < 6; i++)
        ck_assert_int_eq(supp[i], i);
    /* the window of {1, 5}: [1/2, 3/2) */
    cpwl_ae_window(w, Wy, 6, S, 2);
    ck_assert(win_is(w, "1/2", "3/2"));
    ck_assert(!cpwl_ae_window_is_empty(w));
    fmpq_set_si(eps, 1, 2);
    ck_assert(cpwl_ae_window_contains(w, eps));
    fmpq_set_si(eps, 3, 2);
    ck_assert(!cpwl_ae_window_contains(w, eps));
    /* the empty set: [3/2, +inf); everything: (-inf, 1/2) */
    cpwl_ae_window(w, Wy, 6, S, 0);
    ck_assert(win_is(w, "3/2", NULL));
    for (i = 0; i < 6; i++)
        supp[i] = i;
    cpwl_ae_window(w, Wy, 6, supp, 6);
    ck_assert(win_is(w, NULL, "1/2"));
    /* {1}: atom 5 has the same Wy as atom 1, so no eps separates them */
    cpwl_ae_window(w, Wy, 6, S, 1);
    ck_assert(win_is(w, "3/2", "3/2"));
    ck_assert(cpwl_ae_window_is_empty(w));
    ck_assert(pred->by_double + pred->by_arb + pred->by_exact == 24);

    cpwl_pred_ctx_clear(pred);
    cpwl_ae_window_clear(w);
    fmpq_clear(eps);
    fmpq_clear(a);
    _fmpq_vec_clear(x, 6);
    _fmpq_vec_clear(Wy, 6);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
}
END_TEST

/* The example as a distribution of one code, through cpwl_ae_recovery. */
START_TEST(test_example_recovery)
{
    fmpq_mat_t A, W;
    cpwl_codes_t C;
    cpwl_ae_recovery_t R;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq_t eps;

    mat_str(A, 4, 6, EX_A);
    fmpq_mat_init(W, 6, 4);
    fmpq_mat_transpose(W, A);
    cpwl_codes_init(C);
    codes_str(C, "p,x1,x2,x3,x4,x5,x6\n1,1,0,0,0,1,0\n", 6);
    cpwl_ae_recovery_init(R);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    fmpq_init(eps);

    fmpq_one(eps);
    ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, eps, 5, NULL, pred, e), 0);
    ck_assert(fmpz_equal_si(R->codes, 1));
    ck_assert(R->has_eps && fmpq_is_one(R->prob) && fmpz_is_zero(R->failed));
    ck_assert(win_is(R->common, "1/2", "3/2"));
    ck_assert(fmpq_is_one(R->best));
    ck_assert(win_is(R->best_window, "1/2", "3/2"));
    ck_assert(fmpz_is_zero(R->empty) && R->nempty == 0);
    /* eps = 3/2 (the upper end: relu(0) = 0 drops atoms 1 and 5) */
    fmpq_set_si(eps, 3, 2);
    ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, eps, 5, NULL, pred, e), 0);
    ck_assert(fmpq_is_zero(R->prob) && fmpz_equal_si(R->failed, 1));
    ck_assert(R->nfail == 1 && fmpz_is_zero(R->fail_index));
    ck_assert(fmpq_is_one(R->fail + 0) && fmpq_is_one(R->fail + 4)
              && fmpq_is_zero(R->fail + 1));
    /* no eps: nothing at eps */
    ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, NULL, 5, NULL, pred, e), 0);
    ck_assert(!R->has_eps && R->nfail == 0);
    ck_assert(fmpq_is_one(R->best));

    fmpq_clear(eps);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    cpwl_ae_recovery_clear(R);
    cpwl_codes_clear(C);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
}
END_TEST

/* A window from a description "lo hi" ('-' an infinite end). */
static void win_set(cpwl_ae_window_t w, const char *lo, const char *hi)
{
    w->lo_inf = lo == NULL;
    w->hi_inf = hi == NULL;
    if (lo != NULL)
        test_q_set(w->lo, lo);
    if (hi != NULL)
        test_q_set(w->hi, hi);
}

START_TEST(test_window_ops)
{
    /* pairs of windows and their intersection, by hand */
    static const char *const cases[][6] = {
        {NULL, NULL, NULL, NULL, NULL, NULL},
        {NULL, "1", "0", NULL, "0", "1"},
        {"0", "2", "1", "3", "1", "2"},
        {"0", "1", "1", "2", "1", "1"},        /* [1, 1): empty */
        {"-1/2", NULL, NULL, "-1/2", "-1/2", "-1/2"},
        {"1/3", "1/2", NULL, NULL, "1/3", "1/2"},
        {"5", "7", "1", "2", "5", "2"},
    };
    cpwl_ae_window_t a, b, r;
    fmpq_t q;
    slong i, alias;

    cpwl_ae_window_init(a);
    cpwl_ae_window_init(b);
    cpwl_ae_window_init(r);
    fmpq_init(q);
    /* a fresh window is everything */
    ck_assert(a->lo_inf && a->hi_inf && !cpwl_ae_window_is_empty(a));
    for (i = 0; i < (slong) (sizeof cases / sizeof cases[0]); i++)
        for (alias = 0; alias < 3; alias++)
        {
            win_set(a, cases[i][0], cases[i][1]);
            win_set(b, cases[i][2], cases[i][3]);
            if (alias == 0)
                cpwl_ae_window_intersect(r, a, b);
            else if (alias == 1)
            {
                cpwl_ae_window_intersect(a, a, b);
                cpwl_ae_window_set(r, a);
            }
            else
            {
                cpwl_ae_window_intersect(b, a, b);
                cpwl_ae_window_set(r, b);
            }
            ck_assert_msg(win_is(r, cases[i][4], cases[i][5]), "case %ld",
                          (long) i);
        }
    /* contains: lo <= eps < hi */
    win_set(a, "1/2", "3/2");
    test_q_set(q, "1/2");
    ck_assert(cpwl_ae_window_contains(a, q));
    test_q_set(q, "3/2");
    ck_assert(!cpwl_ae_window_contains(a, q));
    test_q_set(q, "1/3");
    ck_assert(!cpwl_ae_window_contains(a, q));
    win_set(a, NULL, NULL);
    ck_assert(cpwl_ae_window_contains(a, q));
    win_set(a, "1", "1");
    test_q_set(q, "1");
    ck_assert(cpwl_ae_window_is_empty(a) && !cpwl_ae_window_contains(a, q));
    win_set(a, "1", NULL);
    ck_assert(!cpwl_ae_window_is_empty(a) && cpwl_ae_window_contains(a, q));

    fmpq_clear(q);
    cpwl_ae_window_clear(a);
    cpwl_ae_window_clear(b);
    cpwl_ae_window_clear(r);
}
END_TEST

/* The second algorithm: the probability at eps counted code by code. */
static void direct_prob(fmpq_t p, fmpz_t nfail, const fmpq *Wys,
                        const fmpq *xs, const fmpq *ps, slong K, slong h,
                        const fmpq_t eps, cpwl_pred_ctx_t pred)
{
    slong c, i, k, supp[16];
    fmpq_zero(p);
    fmpz_zero(nfail);
    for (c = 0; c < K; c++)
    {
        int same;
        if (fmpq_sgn(ps + c) <= 0)
            continue;
        k = cpwl_ae_support(supp, Wys + c * h, eps, h, pred);
        same = 1;
        for (i = 0; i < h; i++)
        {
            int in = 0, j;
            for (j = 0; j < k; j++)
                in |= supp[j] == i;
            same &= in == !fmpq_is_zero(xs + c * h + i);
        }
        if (same)
            fmpq_add(p, p, ps + c);
        else
            fmpz_add_ui(nfail, nfail, 1);
    }
}

static int q_cmp(const void *a, const void *b)
{
    return fmpq_cmp((const fmpq *) a, (const fmpq *) b);
}

START_TEST(test_recovery_random)
{
    test_rng r;
    slong it, iters = test_iters(150);
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;

    r.s = test_seed(0x5e11c0de);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    for (it = 0; it < iters; it++)
    {
        slong n = test_range(&r, 1, 4), h = test_range(&r, 1, 6);
        slong K = test_range(&r, 1, 6), i, j, c, m, nc;
        fmpq_mat_t A, W;
        cpwl_codes_t C;
        cpwl_ae_recovery_t R;
        fmpq *xs = _fmpq_vec_init(K * h), *ps = _fmpq_vec_init(K);
        fmpq *Wys = _fmpq_vec_init(K * h), *cand;
        fmpq_t p, best, tot, q;
        fmpz_t nf;
        char text[4096];
        size_t len = 0;
        int allok, uniform;

        fmpq_init(p);
        fmpq_init(best);
        fmpq_init(tot);
        fmpq_init(q);
        fmpz_init(nf);
        /* A: small integers and halves, so that Wy has ties; W = A^T
           plus, half the time, a small perturbation */
        fmpq_mat_init(A, n, h);
        fmpq_mat_init(W, h, n);
        for (i = 0; i < n; i++)
            for (j = 0; j < h; j++)
                fmpq_set_si(fmpq_mat_entry(A, i, j), test_range(&r, -2, 2),
                            (ulong) test_range(&r, 1, 2));
        fmpq_mat_transpose(W, A);
        if (test_next(&r) & 1)
            for (i = 0; i < h; i++)
                for (j = 0; j < n; j++)
                    if (test_range(&r, 0, 3) == 0)
                    {
                        fmpq_set_si(q, test_range(&r, -1, 1), 8);
                        fmpq_add(fmpq_mat_entry(W, i, j),
                                 fmpq_mat_entry(W, i, j), q);
                    }
        /* K codes with entries in {0, 1, 2} (some of probability 0) */
        len += snprintf(text + len, sizeof text - len, "p");
        for (j = 0; j < h; j++)
            len += snprintf(text + len, sizeof text - len, ",x%ld",
                            (long) j + 1);
        len += snprintf(text + len, sizeof text - len, "\n");
        fmpq_zero(tot);
        uniform = test_next(&r) & 1;
        for (c = 0; c < K; c++)
        {
            /* uniform: a window ending where another of the same
               probability starts leaves the sum unchanged there */
            if (uniform)
                fmpq_set_si(ps + c, 1, K);
            else if (c + 1 < K)
                fmpq_set_si(ps + c, test_range(&r, 0, 3), 4 * K);
            else
            {
                fmpq_one(ps + c);
                fmpq_sub(ps + c, ps + c, tot);
            }
            fmpq_add(tot, tot, ps + c);
            len += snprintf(text + len, sizeof text - len, "%ld/%ld",
                            (long) fmpz_get_si(fmpq_numref(ps + c)),
                            (long) fmpz_get_si(fmpq_denref(ps + c)));
            for (j = 0; j < h; j++)
            {
                slong v = test_range(&r, 0, 2) == 0 ? 0
                    : test_range(&r, 1, 2);
                fmpq_set_si(xs + c * h + j, v, 1);
                len += snprintf(text + len, sizeof text - len, ",%ld",
                                (long) v);
            }
            len += snprintf(text + len, sizeof text - len, "\n");
            ref_wy(Wys + c * h, W, A, xs + c * h);
        }
        cpwl_codes_init(C);
        codes_str(C, text, h);
        cpwl_ae_recovery_init(R);

        /* the candidates: every Wy value (the window ends are among
           them), the midpoints, and one below and one above all */
        cand = _fmpq_vec_init(2 * K * h + 2);
        for (i = 0; i < K * h; i++)
            fmpq_set(cand + i, Wys + i);
        qsort(cand, K * h, sizeof *cand, q_cmp);
        m = K * h;
        for (i = 0; i + 1 < K * h; i++)
        {
            fmpq_add(cand + m, cand + i, cand + i + 1);
            fmpq_div_2exp(cand + m, cand + m, 1);
            m++;
        }
        fmpq_sub_si(cand + m, cand + 0, 1);
        fmpq_add_si(cand + m + 1, cand + K * h - 1, 1);
        m += 2;
        qsort(cand, m, sizeof *cand, q_cmp);

        ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, NULL, 3, NULL, pred,
                                          e), 0);
        ck_assert(fmpz_equal_si(R->codes, K));
        /* best: the maximum over the candidates; its window the lowest */
        fmpq_zero(best);
        for (i = 0; i < m; i++)
        {
            direct_prob(p, nf, Wys, xs, ps, K, h, cand + i, pred);
            if (fmpq_cmp(p, best) > 0)
                fmpq_set(best, p);
        }
        ck_assert_msg(fmpq_equal(best, R->best), "iteration %ld", (long) it);
        for (i = 0; i < m; i++)
        {
            int in = cpwl_ae_window_contains(R->best_window, cand + i);
            int below = !R->best_window->lo_inf
                && fmpq_cmp(cand + i, R->best_window->lo) < 0;
            direct_prob(p, nf, Wys, xs, ps, K, h, cand + i, pred);
            if (in)
                ck_assert(fmpq_equal(p, best));
            if (below)
                ck_assert(fmpq_cmp(p, best) < 0);
            /* the window is maximal: the probability at hi is lower */
            if (!R->best_window->hi_inf
                && fmpq_equal(cand + i, R->best_window->hi))
                ck_assert(fmpq_cmp(p, best) < 0);
            /* common: eps recovers every code of probability > 0 */
            allok = fmpz_is_zero(nf);
            ck_assert_int_eq(allok,
                             cpwl_ae_window_contains(R->common, cand + i));
        }
        if (!R->best_window->lo_inf)
        {
            /* lo is a candidate */
            direct_prob(p, nf, Wys, xs, ps, K, h, R->best_window->lo, pred);
            ck_assert(fmpq_equal(p, best));
        }
        /* empty: the codes no candidate recovers */
        for (c = nc = 0; c < K; c++)
        {
            int some = 0;
            if (fmpq_sgn(ps + c) <= 0)
                continue;
            for (i = 0; i < m && !some; i++)
            {
                direct_prob(p, nf, Wys + c * h, xs + c * h, ps + c, 1, h,
                            cand + i, pred);
                some = fmpz_is_zero(nf);
            }
            nc += !some;
        }
        ck_assert(fmpz_equal_si(R->empty, nc));
        ck_assert_int_eq(R->nempty, FLINT_MIN(nc, 3));
        /* at a candidate eps: the probability and the failures */
        i = test_range(&r, 0, m - 1);
        ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, cand + i, 2, NULL,
                                          pred, e), 0);
        direct_prob(p, nf, Wys, xs, ps, K, h, cand + i, pred);
        ck_assert(fmpq_equal(p, R->prob));
        ck_assert(fmpz_equal(nf, R->failed));
        ck_assert_int_eq(R->nfail, FLINT_MIN(fmpz_get_si(nf), 2));
        for (j = 0; j < R->nfail; j++)
        {
            c = fmpz_get_si(R->fail_index + j);
            for (i = 0; i < h; i++)
                ck_assert(fmpq_equal(R->fail + j * h + i, xs + c * h + i));
        }
        ck_assert(fmpq_equal(best, R->best));

        _fmpq_vec_clear(cand, 2 * K * h + 2);
        cpwl_ae_recovery_clear(R);
        cpwl_codes_clear(C);
        fmpq_mat_clear(A);
        fmpq_mat_clear(W);
        _fmpq_vec_clear(xs, K * h);
        _fmpq_vec_clear(ps, K);
        _fmpq_vec_clear(Wys, K * h);
        fmpq_clear(p);
        fmpq_clear(best);
        fmpq_clear(tot);
        fmpq_clear(q);
        fmpz_clear(nf);
    }
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
}
END_TEST

/* [I_N, H_N / sqrt(N)] with H_N Sylvester's (N = 4^j), built here. */
static void union_dict(fmpq_mat_t A, slong N)
{
    slong i, j, s = 1;
    fmpq_mat_init(A, N, 2 * N);
    while (s * s < N)
        s++;
    for (i = 0; i < N; i++)
    {
        fmpq_one(fmpq_mat_entry(A, i, i));
        for (j = 0; j < N; j++)
        {
            /* H_N[i][j] = (-1)^popcount(i & j) */
            fmpq_set_si(fmpq_mat_entry(A, i, N + j),
                        __builtin_popcountl((unsigned long) (i & j)) & 1
                        ? -1 : 1, (ulong) s);
        }
    }
}

START_TEST(test_coherence_window)
{
    /* N, mu = 1/sqrt(N) as p/q, k, m1, m2 */
    static const slong cases[][7] = {
        {4, 1, 2, 1, 1, 1, 1},
        {4, 1, 2, 1, 1, 2, 1},          /* [1, 1): empty */
        {4, 1, 2, 2, 1, 1, 1},          /* (2k - 1) mu m2 >= m1: empty */
        {16, 1, 4, 1, 1, 2, 1},
        {16, 1, 4, 2, 1, 1, 1},
        {16, 1, 4, 2, 4, 5, 1},         /* values {4/5, 1} */
        {16, 1, 4, 3, 1, 1, 1},         /* empty */
    };
    slong t;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;

    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    for (t = 0; t < (slong) (sizeof cases / sizeof cases[0]); t++)
    {
        slong N = cases[t][0], k = cases[t][3], h = 2 * N, nonempty = 0;
        fmpq_mat_t A, W;
        fmpq_t mu, m1, m2, eps, mu2;
        fmpq vals[2];
        cpwl_codes_t C;
        cpwl_ae_window_t cw;
        cpwl_ae_recovery_t R;
        int pass;

        union_dict(A, N);
        fmpq_mat_init(W, h, N);
        fmpq_mat_transpose(W, A);
        fmpq_init(mu);
        fmpq_init(mu2);
        fmpq_init(m1);
        fmpq_init(m2);
        fmpq_init(eps);
        fmpq_init(vals + 0);
        fmpq_init(vals + 1);
        fmpq_set_si(mu, cases[t][1], (ulong) cases[t][2]);
        fmpq_set_si(m1, cases[t][4], (ulong) cases[t][5]);
        fmpq_set_si(m2, cases[t][6], 1);
        /* the dictionary's coherence is mu, its columns unit */
        ck_assert_int_eq(cpwl_dict_coherence2(mu2, NULL, NULL, A), 0);
        fmpq_mul(eps, mu, mu);
        ck_assert(fmpq_equal(mu2, eps));
        ck_assert_int_eq(cpwl_dict_nonunit_column(A), -1);
        fmpq_set(vals + 0, m1);
        fmpq_set(vals + 1, m2);
        cpwl_codes_init(C);
        ck_assert_int_eq(cpwl_codes_set_supports(C, h, k, vals, NULL,
                                                 fmpq_equal(m1, m2) ? 1 : 2,
                                                 e), 0);
        cpwl_ae_window_init(cw);
        cpwl_ae_window_coherence(cw, mu, k, m1, m2);
        /* empty exactly when (2k - 1) mu m2 >= m1 */
        fmpq_mul(eps, mu, m2);
        fmpq_mul_si(eps, eps, 2 * k - 1);
        ck_assert_int_eq(cpwl_ae_window_is_empty(cw),
                         fmpq_cmp(eps, m1) >= 0);
        nonempty = !cpwl_ae_window_is_empty(cw);
        cpwl_ae_recovery_init(R);
        for (pass = 0; pass < (nonempty ? 2 : 0); pass++)
        {
            /* the lower end, then the midpoint */
            fmpq_set(eps, cw->lo);
            if (pass == 1)
            {
                fmpq_add(eps, cw->lo, cw->hi);
                fmpq_div_2exp(eps, eps, 1);
            }
            ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, eps, 3, NULL, pred,
                                              e), 0);
            if (nonempty)
            {
                ck_assert_msg(fmpq_is_one(R->prob), "case %ld", (long) t);
                ck_assert(fmpz_is_zero(R->failed) && R->nfail == 0);
                ck_assert(fmpq_is_one(R->best));
                /* the coherence window lies inside the exact common one */
                ck_assert(!cpwl_ae_window_is_empty(R->common));
                ck_assert(R->common->lo_inf
                          || fmpq_cmp(R->common->lo, cw->lo) <= 0);
                ck_assert(R->common->hi_inf
                          || fmpq_cmp(cw->hi, R->common->hi) <= 0);
            }
        }
        cpwl_ae_recovery_clear(R);
        cpwl_ae_window_clear(cw);
        cpwl_codes_clear(C);
        fmpq_clear(vals + 0);
        fmpq_clear(vals + 1);
        fmpq_clear(mu);
        fmpq_clear(mu2);
        fmpq_clear(m1);
        fmpq_clear(m2);
        fmpq_clear(eps);
        fmpq_mat_clear(A);
        fmpq_mat_clear(W);
    }
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
}
END_TEST

/* The common window of [I_4, H_4/2] with k = 1, by hand: code e_i
   (atom of I) gives Wy = e_i on I and +-1/2 on H; code h_j gives 1 at
   h_j, 0 at the other h, +-1/2 on I: every window is [1/2, 1). */
START_TEST(test_union4_k1)
{
    fmpq_mat_t A, W;
    cpwl_codes_t C;
    cpwl_ae_recovery_t R;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq one;

    union_dict(A, 4);
    fmpq_mat_init(W, 8, 4);
    fmpq_mat_transpose(W, A);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    fmpq_init(&one);
    fmpq_one(&one);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_set_supports(C, 8, 1, &one, NULL, 1, e), 0);
    cpwl_ae_recovery_init(R);
    ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, NULL, 3, NULL, pred, e), 0);
    ck_assert(fmpz_equal_si(R->codes, 8));
    ck_assert(win_is(R->common, "1/2", "1"));
    ck_assert(win_is(R->best_window, "1/2", "1"));
    ck_assert(fmpq_is_one(R->best) && fmpz_is_zero(R->empty));
    cpwl_ae_recovery_clear(R);
    cpwl_codes_clear(C);
    fmpq_clear(&one);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
}
END_TEST

static const char *const CE_A[] = {
    "1", "0", "3/5",
    "0", "1", "4/5"
};

/* Coherence too large: A = [e1, e2, a3], a3 = (3/5, 4/5), mu = 4/5 (the
   pair (2, 3)).  The codes of support size 2, values 1, in number order
   {1,2}, {1,3}, {2,3}:
     {1,2}: y = (1, 1),     Wy = (1, 1, 7/5):      lo 7/5 >= hi 1, empty;
     {1,3}: y = (8/5, 4/5), Wy = (8/5, 4/5, 8/5):  [4/5, 8/5);
     {2,3}: y = (3/5, 9/5), Wy = (3/5, 9/5, 9/5):  [3/5, 9/5).
   So no eps recovers code 0, the common window is empty, and the best
   probability is 2/3 on [4/5, 8/5). */
START_TEST(test_counterexample)
{
    fmpq_mat_t A, W;
    cpwl_codes_t C;
    cpwl_ae_recovery_t R;
    cpwl_ae_window_t cw;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq_t mu2, eps;
    fmpq one;
    slong pi, pj;

    mat_str(A, 2, 3, CE_A);
    fmpq_mat_init(W, 3, 2);
    fmpq_mat_transpose(W, A);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    fmpq_init(mu2);
    fmpq_init(eps);
    fmpq_init(&one);
    fmpq_one(&one);
    ck_assert_int_eq(cpwl_dict_coherence2(mu2, &pi, &pj, A), 0);
    ck_assert(test_q_is(mu2, 16, 25) && pi == 1 && pj == 2);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_set_supports(C, 3, 2, &one, NULL, 1, e), 0);
    cpwl_ae_recovery_init(R);
    fmpq_set_si(eps, 1, 1);
    ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, eps, 5, NULL, pred, e), 0);
    ck_assert(fmpz_equal_si(R->codes, 3));
    ck_assert(fmpz_equal_si(R->empty, 1) && R->nempty == 1);
    ck_assert(fmpz_is_zero(R->empty_index + 0));
    ck_assert(fmpq_is_one(R->empty_codes + 0)
              && fmpq_is_one(R->empty_codes + 1)
              && fmpq_is_zero(R->empty_codes + 2));
    ck_assert(cpwl_ae_window_is_empty(R->common));
    ck_assert(test_q_is(R->best, 2, 3));
    ck_assert(win_is(R->best_window, "4/5", "8/5"));
    /* at eps = 1: {1,3} and {2,3} recovered; {1,2} keeps atom 3 */
    ck_assert(test_q_is(R->prob, 2, 3) && fmpz_equal_si(R->failed, 1));
    ck_assert(R->nfail == 1 && fmpz_is_zero(R->fail_index));
    /* and the coherence window is empty: 3 mu m2 = 12/5 >= 1 */
    cpwl_ae_window_init(cw);
    fmpq_set_si(eps, 4, 5);
    cpwl_ae_window_coherence(cw, eps, 2, &one, &one);
    ck_assert(win_is(cw, "8/5", "1/5") && cpwl_ae_window_is_empty(cw));
    cpwl_ae_window_clear(cw);
    cpwl_ae_recovery_clear(R);
    cpwl_codes_clear(C);
    fmpq_clear(mu2);
    fmpq_clear(eps);
    fmpq_clear(&one);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
}
END_TEST

static void stop_after(void *data, const fmpz_t done)
{
    volatile sig_atomic_t *stop = data;
    (void) done;
    *stop = 1;
}

/* Many kept codes: [I_16, H_16/4], supports:k=3 (4960 codes) at eps =
   1/2 with max_fail past the count keeps every failing code and every
   empty-window code, in code number order, each the code of its number.
   Which fail is decided here from Wy = W (A x) written out: supp x
   against {i : (Wy)_i > 1/2}, and the window empty when min of Wy on
   supp x <= max off it.  (Keeping them was quadratic: 26110 kept codes
   of supports:k=4 took minutes.) */
START_TEST(test_recovery_keep_all)
{
    const slong N = 16, h = 32;
    fmpq_mat_t A, W;
    cpwl_codes_t C;
    cpwl_codes_iter_t it;
    cpwl_ae_recovery_t R;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq *Wy = _fmpq_vec_init(h);
    fmpq_t eps;
    slong nf = 0, ne = 0, i;

    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_init(eps);
    fmpq_set_si(eps, 1, 2);
    union_dict(A, N);
    fmpq_mat_init(W, h, N);
    fmpq_mat_transpose(W, A);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_init_str(C, "supports:k=3", h, e), 0);
    cpwl_ae_recovery_init(R);
    ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, eps, 100000, NULL, pred,
                                      e), 0);
    ck_assert(fmpz_equal_si(R->failed, R->nfail));
    ck_assert(fmpz_equal_si(R->empty, R->nempty));
    cpwl_codes_iter_init(it, C);
    while (cpwl_codes_iter_next(it, C))
    {
        int fail = 0, empty;
        fmpq *lo = NULL, *hi = NULL;
        ref_wy(Wy, W, A, it->x);
        for (i = 0; i < h; i++)
        {
            int in = !fmpq_is_zero(it->x + i);
            fail |= in != (fmpq_cmp(Wy + i, eps) > 0);
            if (in && (hi == NULL || fmpq_cmp(Wy + i, hi) < 0))
                hi = Wy + i;
            if (!in && (lo == NULL || fmpq_cmp(Wy + i, lo) > 0))
                lo = Wy + i;
        }
        empty = lo != NULL && hi != NULL && fmpq_cmp(hi, lo) <= 0;
        if (fail)
        {
            ck_assert(nf < R->nfail);
            ck_assert(fmpz_equal(R->fail_index + nf, it->index));
            for (i = 0; i < h; i++)
                ck_assert(fmpq_equal(R->fail + nf * h + i, it->x + i));
            nf++;
        }
        if (empty)
        {
            ck_assert(ne < R->nempty);
            ck_assert(fmpz_equal(R->empty_index + ne, it->index));
            for (i = 0; i < h; i++)
                ck_assert(fmpq_equal(R->empty_codes + ne * h + i,
                                     it->x + i));
            ne++;
        }
    }
    cpwl_codes_iter_clear(it, C);
    ck_assert_int_eq(nf, R->nfail);
    ck_assert_int_eq(ne, R->nempty);
    /* 840 codes of [I_16, H_16/4] with k = 3 have an empty window
       (proofs-data/ae_counter) */
    ck_assert_int_eq(ne, 840);
    cpwl_ae_recovery_clear(R);
    cpwl_codes_clear(C);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(Wy, h);
    fmpq_clear(eps);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* Stopped after the first 4096 of the 4960 codes of union N = 16,
   k = 3, values 1 (the progress report sets the flag); a W whose size
   does not match the dictionary is refused. */
START_TEST(test_stop)
{
    fmpq_mat_t A, W;
    cpwl_codes_t C;
    cpwl_ae_recovery_t R;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    volatile sig_atomic_t stop = 0;
    fmpq one;

    union_dict(A, 16);
    fmpq_mat_init(W, 32, 16);
    fmpq_mat_transpose(W, A);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    fmpq_init(&one);
    fmpq_one(&one);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_set_supports(C, 32, 3, &one, NULL, 1, e), 0);
    cpwl_ae_recovery_init(R);
    R->progress = stop_after;
    R->progress_data = (void *) &stop;
    ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, NULL, 3, &stop, pred, e),
                     3);
    ck_assert(fmpz_equal_si(R->codes, 4096));
    cpwl_ae_recovery_clear(R);
    /* a size mismatch is refused */
    cpwl_ae_recovery_init(R);
    fmpq_mat_clear(W);
    fmpq_mat_init(W, 16, 32);
    ck_assert_int_eq(cpwl_ae_recovery(R, W, A, C, NULL, 3, NULL, pred, e),
                     1);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    cpwl_ae_recovery_clear(R);
    cpwl_codes_clear(C);
    fmpq_clear(&one);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ae_support");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_example);
    tcase_add_test(tc, test_example_recovery);
    tcase_add_test(tc, test_window_ops);
    tcase_add_test(tc, test_recovery_random);
    tcase_add_test(tc, test_coherence_window);
    tcase_add_test(tc, test_union4_k1);
    tcase_add_test(tc, test_counterexample);
    tcase_add_test(tc, test_recovery_keep_all);
    tcase_add_test(tc, test_stop);
    suite_add_tcase(s, tc);
    return test_run(s);
}
