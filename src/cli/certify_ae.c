/* cpwl certify, chapter 4: support recovery, the loss and its gradient
   for the weight-tied autoencoder (module autoencoder,
   docs/autoencoder.md), exactly, against values derived by hand.

   The chapter's example (docs/autoencoder.md): n = 4, h = 6,
   A = [e1, e2, e3, e4, a5, a6], a5 = (1, 1, 1, 1)/2, a6 = (1, -1, 1, -1)/2,
   x* = e1 + e5, so y = (3/2, 1/2, 1/2, 1/2) and, at W = A^T,
   Wy = (<A_i, y>)_i = (3/2, 1/2, 1/2, 1/2, 3/2, 1/2).
   supp relu(Wy - eps) = {i : Wy_i > eps} is {1, 5} for 1/2 <= eps < 3/2, empty for eps >= 3/2 and everything
   for eps < 1/2: the window of {1, 5} is [1/2, 3/2).

   Union of bases [I_16, H_16/4] (mu = 1/4), supports of size 2, value 1:
   the coherence window is [k mu, 1 - (k - 1) mu) = [1/2, 3/4), and by
   the lemma (docs/autoencoder.md) every one of the C(32, 2) = 496 codes
   is recovered there: the probability is exactly 1 at its lower end and
   at its midpoint 5/8.

   Counterexample [I_4, H_4/2] (mu = 1/2), x = e1 + e2: y = (1, 1, 0, 0),
   Wy = (1, 1, 0, 0, 1, 0, 1, 0) (the Hadamard columns (1, 1, 1, 1)/2 and
   (1, 1, -1, -1)/2 see both atoms): keeping atoms 1 and 2 needs eps < 1,
   dropping atoms 5 and 7 needs eps >= 1, so the window [1, 1) is empty
   and no threshold recovers this code.

   The example's loss and gradient (the calculus of module autoencoder,
   through cpwl_ae_expect on the one-code distribution x*): at eps = 1,
   z = Wy - 1 = (1/2, -1/2, -1/2, -1/2, 1/2, -1/2), r = (e1 + e5)/2,
   yhat = (A_1 + A_5)/2 = y/2, e = yhat - y = -y/2, L = |y|^2/8 = 3/8;
   u = W e = -Wy/2, so u_1 = u_5 = -3/4 and rows 1 and 5 of dL/dW are
   r_i e^T + u_i y^T = -y/4 - 3y/4 = -y = (-3/2, -1/2, -1/2, -1/2), the
   other rows 0 (r_i = 0, a_i = 0); dL/deps_i = -a_i u_i = 3/4 on {1, 5},
   0 off it.  At eps = 1/2, r = e1 + e5 and yhat = A_1 + A_5 = y: e = 0,
   so L and the whole gradient vanish whatever relu'(0) is (z_i = 0 off
   the support: both conventions are checked). */
#include <stdio.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "certify.h"

const certify_claim certify_ae_claims[] = {
    {"autoencoder", "x* = e\u2081 + e\u2085 (n = 4, h = 6): Wy by hand"},
    {"autoencoder", "  supp relu(Wy \u2212 \u03b5), \u03b5 = 1/2, 1, 3/2, "
     "1/4"},
    {"autoencoder", "  window of {1, 5}: [1/2, 3/2)"},
    {"autoencoder", "  [I, H/4], k = 2: [1/2, 3/4) recovers all 496"},
    {"autoencoder", "  [I, H/2], e\u2081 + e\u2082: window [1, 1), empty"},
    {"autoencoder", "  \u03b5 = 1: L = 3/8, rows 1, 5 of \u2202L/\u2202W "
     "by hand"},
    {"autoencoder", "  \u03b5 = 1: \u2202L/\u2202\u03b5\u1d62 = 3/4 on "
     "{1, 5}, 0 off it"},
    {"autoencoder", "  \u03b5 = 1/2: \u0177 = y, L = 0, gradient 0"},
    {NULL, NULL}
};

static const char *const EX_A[] = {
    "1", "0", "0", "0", "1/2", "1/2",
    "0", "1", "0", "0", "1/2", "-1/2",
    "0", "0", "1", "0", "1/2", "1/2",
    "0", "0", "0", "1", "1/2", "-1/2"
};

static int fails(char *why, size_t wlen, const char *what)
{
    snprintf(why, wlen, "%s", what);
    return 0;
}

/* v (n entries) as "a,b,..." into buf. */
static void vec_text(char *buf, size_t size, const fmpq *v, slong n)
{
    size_t k = 0;
    slong i;
    buf[0] = '\0';
    for (i = 0; i < n && k < size; i++)
    {
        char *s = fmpq_get_str(NULL, 10, v + i);
        k += snprintf(buf + k, size - k, "%s%s", i ? "," : "", s);
        flint_free(s);
    }
}

/* 1 if v equals the literals want (n of them). */
static int vec_is(const fmpq *v, const char *const *want, slong n)
{
    fmpq_t a;
    slong i;
    int ok = 1;
    fmpq_init(a);
    for (i = 0; i < n && ok; i++)
    {
        fmpq_set_str(a, want[i], 10);
        fmpq_canonicalise(a);
        ok = fmpq_equal(a, v + i);
    }
    fmpq_clear(a);
    return ok;
}

/* Wy = A^T A x for the dictionary A. */
static void wy_of(fmpq *Wy, const fmpq_mat_t A, const fmpq *x)
{
    slong n = fmpq_mat_nrows(A), h = fmpq_mat_ncols(A), i, j;
    fmpq *y = _fmpq_vec_init(n);
    cpwl_dict_apply(y, A, x);
    for (i = 0; i < h; i++)
    {
        fmpq_zero(Wy + i);
        for (j = 0; j < n; j++)
            fmpq_addmul(Wy + i, fmpq_mat_entry(A, j, i), y + j);
    }
    _fmpq_vec_clear(y, n);
}

static void example_dict(fmpq_mat_t A)
{
    slong i, j;
    fmpq_mat_init(A, 4, 6);
    for (i = 0; i < 4; i++)
        for (j = 0; j < 6; j++)
        {
            fmpq_set_str(fmpq_mat_entry(A, i, j), EX_A[6 * i + j], 10);
            fmpq_canonicalise(fmpq_mat_entry(A, i, j));
        }
}

/* Claims 0-2: the example. */
static int claim_example(char *computed, size_t clen, char *why,
                         size_t wlen, slong k)
{
    static const char *const wy[] = {"3/2", "1/2", "1/2", "1/2", "3/2",
                                     "1/2"};
    fmpq_mat_t A;
    fmpq *x = _fmpq_vec_init(6), *Wy = _fmpq_vec_init(6);
    cpwl_pred_ctx_t pred;
    slong supp[6], S[2] = {0, 4};
    int ok = 1;

    example_dict(A);
    cpwl_pred_ctx_init(pred);
    fmpq_one(x + 0);
    fmpq_one(x + 4);
    wy_of(Wy, A, x);
    if (k == 0)
    {
        vec_text(computed, clen, Wy, 6);
        if (!vec_is(Wy, wy, 6))
            ok = fails(why, wlen, "Wy differs from the hand value");
    }
    else if (k == 1)
    {
        /* eps, the support's size and its first two atoms (1-based) */
        static const slong at[][5] = {
            {1, 2, 2, 1, 5}, {1, 1, 2, 1, 5}, {3, 2, 0, 0, 0},
            {1, 4, 6, 1, 2}
        };
        size_t m = 0;
        slong t, c;
        fmpq_t eps;
        fmpq_init(eps);
        for (t = 0; t < 4; t++)
        {
            fmpq_set_si(eps, at[t][0], (ulong) at[t][1]);
            c = cpwl_ae_support(supp, Wy, eps, 6, pred);
            if (c == 2)
                m += snprintf(computed + m, clen - m, "%s{%ld,%ld}",
                              t ? " " : "", (long) supp[0] + 1,
                              (long) supp[1] + 1);
            else
                m += snprintf(computed + m, clen - m, "%s%ld atoms",
                              t ? " " : "", (long) c);
            if (c != at[t][2] || (c > 0 && (supp[0] + 1 != at[t][3]
                                            || supp[1] + 1 != at[t][4])))
                ok = fails(why, wlen, "a support differs from the hand "
                           "value");
            if (m >= clen)
                break;
        }
        fmpq_clear(eps);
    }
    else
    {
        cpwl_ae_window_t w;
        fmpq_t a, b;
        char *s, *t;
        cpwl_ae_window_init(w);
        fmpq_init(a);
        fmpq_init(b);
        cpwl_ae_window(w, Wy, 6, S, 2);
        fmpq_set_si(a, 1, 2);
        fmpq_set_si(b, 3, 2);
        if (w->lo_inf || w->hi_inf)
            ok = fails(why, wlen, "an infinite end");
        else
        {
            s = fmpq_get_str(NULL, 10, w->lo);
            t = fmpq_get_str(NULL, 10, w->hi);
            snprintf(computed, clen, "[%s, %s)", s, t);
            flint_free(s);
            flint_free(t);
            if (!fmpq_equal(w->lo, a) || !fmpq_equal(w->hi, b))
                ok = fails(why, wlen, "the window differs from [1/2, 3/2)");
        }
        fmpq_clear(a);
        fmpq_clear(b);
        cpwl_ae_window_clear(w);
    }
    cpwl_pred_ctx_clear(pred);
    _fmpq_vec_clear(x, 6);
    _fmpq_vec_clear(Wy, 6);
    fmpq_mat_clear(A);
    return ok;
}

/* Claim 3: the coherence window of [I_16, H_16/4], k = 2. */
static int claim_coherence(char *computed, size_t clen, char *why,
                           size_t wlen)
{
    fmpq_mat_t A, W;
    cpwl_codes_t C;
    cpwl_ae_recovery_t R;
    cpwl_ae_window_t cw;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq_t mu2, mu, one, eps;
    int ok = 1, pass;

    fmpq_mat_init(A, 0, 0);
    cpwl_codes_init(C);
    cpwl_ae_recovery_init(R);
    cpwl_ae_window_init(cw);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    fmpq_init(mu2);
    fmpq_init(mu);
    fmpq_init(one);
    fmpq_init(eps);
    if (cpwl_dict_gen_str(A, "union:n=16", 0, e) != 0
        || cpwl_codes_init_str(C, "supports:k=2", 32, e) != 0)
    {
        ok = fails(why, wlen, e->msg);
        goto done;
    }
    fmpq_mat_init(W, 32, 16);
    fmpq_mat_transpose(W, A);
    cpwl_dict_coherence2(mu2, NULL, NULL, A);
    fmpq_set_si(mu, 1, 4);
    fmpq_one(one);
    fmpq_mul(eps, mu, mu);
    if (!fmpq_equal(eps, mu2))
        ok = fails(why, wlen, "the coherence is not 1/4");
    cpwl_ae_window_coherence(cw, mu, 2, one, one);
    fmpq_set_si(one, 1, 2);
    fmpq_set_si(eps, 3, 4);
    if (ok && (!fmpq_equal(cw->lo, one) || !fmpq_equal(cw->hi, eps)))
        ok = fails(why, wlen, "the coherence window is not [1/2, 3/4)");
    for (pass = 0; ok && pass < 2; pass++)
    {
        fmpq_set_si(eps, pass == 0 ? 1 : 5, pass == 0 ? 2 : 8);
        if (cpwl_ae_recovery(R, W, A, C, eps, 1, NULL, pred, e) != 0)
            ok = fails(why, wlen, e->msg);
        else if (!fmpz_equal_si(R->codes, 496) || !fmpq_is_one(R->prob)
                 || !fmpz_is_zero(R->failed))
            ok = fails(why, wlen, "a code is not recovered");
    }
    if (ok)
    {
        char *p = fmpq_get_str(NULL, 10, R->prob);
        snprintf(computed, clen, "P = %s at 1/2 and 5/8", p);
        flint_free(p);
    }
    fmpq_mat_clear(W);
done:
    fmpq_clear(mu2);
    fmpq_clear(mu);
    fmpq_clear(one);
    fmpq_clear(eps);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    cpwl_ae_window_clear(cw);
    cpwl_ae_recovery_clear(R);
    cpwl_codes_clear(C);
    fmpq_mat_clear(A);
    return ok;
}

/* Claim 4: the counterexample in [I_4, H_4/2]. */
static int claim_counter(char *computed, size_t clen, char *why,
                         size_t wlen)
{
    static const char *const wy[] = {"1", "1", "0", "0", "1", "0", "1",
                                     "0"};
    fmpq_mat_t A, W;
    cpwl_codes_t C;
    cpwl_ae_recovery_t R;
    cpwl_ae_window_t w;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq *x = _fmpq_vec_init(8), *Wy = _fmpq_vec_init(8);
    slong S[2] = {0, 1};
    int ok = 1;

    fmpq_mat_init(A, 0, 0);
    cpwl_codes_init(C);
    cpwl_ae_recovery_init(R);
    cpwl_ae_window_init(w);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    if (cpwl_dict_gen_str(A, "union:n=4", 0, e) != 0
        || cpwl_codes_init_str(C, "supports:k=2", 8, e) != 0)
    {
        ok = fails(why, wlen, e->msg);
        goto done;
    }
    fmpq_one(x + 0);
    fmpq_one(x + 1);
    wy_of(Wy, A, x);
    cpwl_ae_window(w, Wy, 8, S, 2);
    snprintf(computed, clen, "Wy = ");
    vec_text(computed + 5, clen - 5, Wy, 8);
    if (!vec_is(Wy, wy, 8))
        ok = fails(why, wlen, "Wy differs from the hand value");
    else if (!cpwl_ae_window_is_empty(w) || !fmpq_is_one(w->lo)
             || !fmpq_is_one(w->hi))
        ok = fails(why, wlen, "the window is not [1, 1)");
    else
    {
        /* the recovery finds it: code 0 ({1, 2}) has an empty window */
        fmpq_mat_init(W, 8, 4);
        fmpq_mat_transpose(W, A);
        if (cpwl_ae_recovery(R, W, A, C, NULL, 1, NULL, pred, e) != 0)
            ok = fails(why, wlen, e->msg);
        else if (R->nempty < 1 || !fmpz_is_zero(R->empty_index)
                 || !cpwl_ae_window_is_empty(R->common))
            ok = fails(why, wlen, "the recovery does not find code 0");
        fmpq_mat_clear(W);
    }
done:
    _fmpq_vec_clear(x, 8);
    _fmpq_vec_clear(Wy, 8);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    cpwl_ae_window_clear(w);
    cpwl_ae_recovery_clear(R);
    cpwl_codes_clear(C);
    fmpq_mat_clear(A);
    return ok;
}

/* Claims 5-7: the example's loss and gradient at eps = 1 and 1/2. */
static int claim_grad(char *computed, size_t clen, char *why, size_t wlen,
                      slong k)
{
    static const char CODE[] = "p,x1,x2,x3,x4,x5,x6\n1,1,0,0,0,1,0\n";
    fmpq_mat_t A, W;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq *GW = _fmpq_vec_init(24), *Ge = _fmpq_vec_init(6),
        *eps = _fmpq_vec_init(6), *row = _fmpq_vec_init(4);
    fmpq_t L, t;
    slong i, j;
    int ok = 1, d0;

    example_dict(A);
    fmpq_mat_init(W, 6, 4);
    fmpq_mat_transpose(W, A);
    cpwl_codes_init(C);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    fmpq_init(L);
    fmpq_init(t);
    if (cpwl_codes_read_str(C, CODE, strlen(CODE), "x*", 6, e) != 0)
    {
        ok = fails(why, wlen, e->msg);
        goto done;
    }
    for (i = 0; i < 6; i++)
        fmpq_set_si(eps + i, 1, k == 7 ? 2 : 1);
    /* -y */
    fmpq_set_si(row + 0, -3, 2);
    for (j = 1; j < 4; j++)
        fmpq_set_si(row + j, -1, 2);
    for (d0 = 0; ok && d0 <= (k == 7); d0++)
    {
        if (cpwl_ae_expect(L, GW, Ge, W, eps, A, C, d0, NULL, NULL, NULL,
                           NULL, pred, e) != 0)
        {
            ok = fails(why, wlen, e->msg);
            break;
        }
        for (i = 0; ok && i < 6; i++)
        {
            int on = (i == 0 || i == 4) && k != 7;
            for (j = 0; j < 4; j++)
                if (on ? !fmpq_equal(GW + 4 * i + j, row + j)
                    : !fmpq_is_zero(GW + 4 * i + j))
                    ok = fails(why, wlen, "a row of dL/dW differs from the "
                               "hand value");
            fmpq_set_si(t, on ? 3 : 0, 4);
            if (ok && !fmpq_equal(Ge + i, t))
                ok = fails(why, wlen, "dL/deps differs from the hand value");
        }
        fmpq_set_si(t, k == 7 ? 0 : 3, 8);
        if (ok && !fmpq_equal(L, t))
            ok = fails(why, wlen, "L differs from the hand value");
    }
    if (ok)
    {
        char *ls = fmpq_get_str(NULL, 10, L);
        char rs[96], es[96];
        vec_text(rs, sizeof rs, GW, 4);
        vec_text(es, sizeof es, Ge, 6);
        if (k == 5)
            snprintf(computed, clen, "%s; (%s)", ls, rs);
        else if (k == 6)
            snprintf(computed, clen, "(%s)", es);
        else
            snprintf(computed, clen, "L = %s, 0 (relu'(0) = 0, 1)", ls);
        flint_free(ls);
    }
done:
    fmpq_clear(L);
    fmpq_clear(t);
    _fmpq_vec_clear(GW, 24);
    _fmpq_vec_clear(Ge, 6);
    _fmpq_vec_clear(eps, 6);
    _fmpq_vec_clear(row, 4);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    cpwl_codes_clear(C);
    fmpq_mat_clear(W);
    fmpq_mat_clear(A);
    return ok;
}

int certify_ae_check(char *computed, size_t clen, char *why, size_t wlen,
                     slong k)
{
    computed[0] = why[0] = '\0';
    if (k >= 0 && k <= 2)
        return claim_example(computed, clen, why, wlen, k);
    if (k == 3)
        return claim_coherence(computed, clen, why, wlen);
    if (k == 4)
        return claim_counter(computed, clen, why, wlen);
    if (k >= 5 && k <= 7)
        return claim_grad(computed, clen, why, wlen, k);
    snprintf(why, wlen, "no claim %ld", (long) k);
    return 0;
}
