/* Eigenvalue enclosures (src/tron/symeig.c) against values from
   elsewhere: Q D Q^T with a rational Householder reflection Q (the
   eigenvalues are D's, with multiplicities), tridiag(-1, 2, -1) against
   2 - 2 cos(k pi / (n + 1)) from arb_cos_pi_fmpq (rational exactly when
   the cosine is 0 or +-1/2, by Niven's theorem), (3 +- sqrt 5) / 4 from
   Arb's sqrt, and random symmetric integer matrices against Rayleigh
   quotients, Gershgorin discs and the trace. */
#include <string.h>
#include <check.h>
#include "cpwl/symeig.h"
#include "testutil.h"

#define PREC 128

static cpwl_symeig_val_struct *vals_new(slong n)
{
    cpwl_symeig_val_struct *v = flint_malloc(n * sizeof *v);
    slong i;
    for (i = 0; i < n; i++)
        cpwl_symeig_val_init(v + i);
    return v;
}

static void vals_free(cpwl_symeig_val_struct *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        cpwl_symeig_val_clear(v + i);
    flint_free(v);
}

/* S = Q D Q^T, Q = I - 2 v v^T / (v^T v). */
static void householder(fmpq_mat_t S, const fmpq *d, const fmpq *v, slong n)
{
    fmpq_mat_t Q, D, T;
    fmpq_t vv, c;
    slong i, j;
    fmpq_mat_init(Q, n, n);
    fmpq_mat_init(D, n, n);
    fmpq_mat_init(T, n, n);
    fmpq_init(vv);
    fmpq_init(c);
    for (i = 0; i < n; i++)
        fmpq_addmul(vv, v + i, v + i);
    for (i = 0; i < n; i++)
    {
        fmpq_set(fmpq_mat_entry(D, i, i), d + i);
        for (j = 0; j < n; j++)
        {
            fmpq_mul(c, v + i, v + j);
            fmpq_mul_2exp(c, c, 1);
            fmpq_div(c, c, vv);
            fmpq_neg(fmpq_mat_entry(Q, i, j), c);
            if (i == j)
                fmpq_add_si(fmpq_mat_entry(Q, i, j), fmpq_mat_entry(Q, i, j), 1);
        }
    }
    fmpq_mat_mul(T, Q, D);
    fmpq_mat_mul(S, T, Q);      /* Q is symmetric: Q^T = Q */
    fmpq_mat_clear(Q);
    fmpq_mat_clear(D);
    fmpq_mat_clear(T);
    fmpq_clear(vv);
    fmpq_clear(c);
}

static int fmpq_cmp_ptr(const void *a, const void *b)
{
    return fmpq_cmp((const fmpq *) a, (const fmpq *) b);
}

START_TEST(test_householder)
{
    test_rng r;
    slong it, iters = test_iters(40);
    r.s = test_seed(0x5e1e1);
    for (it = 0; it < iters; it++)
    {
        slong n = test_range(&r, 1, 7), i, j, count, k;
        fmpq *d = _fmpq_vec_init(n), *v = _fmpq_vec_init(n);
        fmpq_mat_t S;
        cpwl_symeig_val_struct *vals = vals_new(n);
        cpwl_symeig_val_t lo, hi;
        cpwl_err_t e;
        int zero = 1;
        cpwl_err_init(e);
        cpwl_symeig_val_init(lo);
        cpwl_symeig_val_init(hi);
        /* few distinct values: multiplicities */
        for (i = 0; i < n; i++)
            fmpq_set_si(d + i, test_range(&r, -3, 3), test_range(&r, 1, 3));
        while (zero)
            for (i = 0; i < n; i++)
            {
                test_fmpq(v + i, &r, TEST_FRACTIONS);
                zero &= fmpq_is_zero(v + i);
            }
        fmpq_mat_init(S, n, n);
        householder(S, d, v, n);
        ck_assert_int_eq(cpwl_symeig_all(vals, &count, S, PREC, e), CPWL_OK);
        qsort(d, n, sizeof *d, fmpq_cmp_ptr);
        /* the distinct values of d in order, with their counts */
        for (i = 0, k = 0; i < n; k++)
        {
            for (j = i; j < n && fmpq_equal(d + j, d + i); j++)
                ;
            ck_assert_msg(k < count, "iteration %ld: too few eigenvalues",
                          (long) it);
            ck_assert(vals[k].rational);
            ck_assert(fmpq_equal(vals[k].q, d + i));
            ck_assert_int_eq(vals[k].mult, j - i);
            ck_assert(arb_contains_fmpq(vals[k].ball, d + i));
            i = j;
        }
        ck_assert_int_eq(k, count);
        ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_OK);
        ck_assert(lo->rational && hi->rational);
        ck_assert(fmpq_equal(lo->q, d + 0));
        ck_assert(fmpq_equal(hi->q, d + n - 1));
        ck_assert_int_eq(lo->mult, vals[0].mult);
        ck_assert_int_eq(hi->mult, vals[count - 1].mult);
        cpwl_symeig_val_clear(lo);
        cpwl_symeig_val_clear(hi);
        vals_free(vals, n);
        fmpq_mat_clear(S);
        _fmpq_vec_clear(d, n);
        _fmpq_vec_clear(v, n);
        cpwl_err_clear(e);
    }
}
END_TEST

START_TEST(test_tridiag)
{
    slong n;
    for (n = 1; n <= 14; n++)
    {
        fmpq_mat_t S;
        cpwl_symeig_val_struct *vals = vals_new(n);
        cpwl_symeig_val_t lo, hi;
        cpwl_err_t e;
        arb_t ref;
        fmpq_t a;
        slong i, k, count;
        cpwl_err_init(e);
        cpwl_symeig_val_init(lo);
        cpwl_symeig_val_init(hi);
        arb_init(ref);
        fmpq_init(a);
        fmpq_mat_init(S, n, n);
        for (i = 0; i < n; i++)
        {
            fmpq_set_si(fmpq_mat_entry(S, i, i), 2, 1);
            if (i + 1 < n)
            {
                fmpq_set_si(fmpq_mat_entry(S, i, i + 1), -1, 1);
                fmpq_set_si(fmpq_mat_entry(S, i + 1, i), -1, 1);
            }
        }
        ck_assert_int_eq(cpwl_symeig_all(vals, &count, S, PREC, e), CPWL_OK);
        ck_assert_int_eq(count, n);
        for (k = 1; k <= n; k++)
        {
            /* increasing in k: 2 - 2 cos(k pi / (n + 1)) */
            int rat = 2 * k == n + 1 || 3 * k == n + 1 || 3 * k == 2 * (n + 1);
            cpwl_symeig_val_struct *v = vals + k - 1;
            fmpq_set_si(a, k, n + 1);
            arb_cos_pi_fmpq(ref, a, 2 * PREC);
            arb_mul_2exp_si(ref, ref, 1);
            arb_neg(ref, ref);
            arb_add_si(ref, ref, 2, 2 * PREC);
            ck_assert_msg(arb_overlaps(v->ball, ref), "n = %ld, k = %ld",
                          (long) n, (long) k);
            ck_assert_int_eq(v->mult, 1);
            ck_assert_msg(v->rational == rat, "n = %ld, k = %ld: rational %d",
                          (long) n, (long) k, v->rational);
            if (rat)
                ck_assert(arb_contains_fmpq(ref, v->q));
            else
                ck_assert(arb_rel_accuracy_bits(v->ball) >= PREC - 8);
        }
        ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_OK);
        ck_assert(arb_equal(lo->ball, vals[0].ball));
        ck_assert(arb_equal(hi->ball, vals[n - 1].ball));
        cpwl_symeig_val_clear(lo);
        cpwl_symeig_val_clear(hi);
        vals_free(vals, n);
        fmpq_mat_clear(S);
        arb_clear(ref);
        fmpq_clear(a);
        cpwl_err_clear(e);
    }
}
END_TEST

/* [[1, 1/2], [1/2, 1/2]], once (a = 1) or twice on the diagonal (a = 2):
   (3 +- sqrt 5) / 4 with multiplicity a. */
START_TEST(test_sqrt5)
{
    slong a;
    for (a = 1; a <= 2; a++)
    {
        slong n = 2 * a, b, count;
        fmpq_mat_t S;
        cpwl_symeig_val_struct *vals = vals_new(n);
        cpwl_symeig_val_t lo, hi;
        cpwl_err_t e;
        arb_t s5, ref;
        cpwl_err_init(e);
        cpwl_symeig_val_init(lo);
        cpwl_symeig_val_init(hi);
        arb_init(s5);
        arb_init(ref);
        fmpq_mat_init(S, n, n);
        for (b = 0; b < a; b++)
        {
            fmpq_set_si(fmpq_mat_entry(S, 2 * b, 2 * b), 1, 1);
            fmpq_set_si(fmpq_mat_entry(S, 2 * b, 2 * b + 1), 1, 2);
            fmpq_set_si(fmpq_mat_entry(S, 2 * b + 1, 2 * b), 1, 2);
            fmpq_set_si(fmpq_mat_entry(S, 2 * b + 1, 2 * b + 1), 1, 2);
        }
        arb_sqrt_ui(s5, 5, 2 * PREC);
        ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_OK);
        ck_assert(!lo->rational && !hi->rational);
        ck_assert_int_eq(lo->mult, a);
        ck_assert_int_eq(hi->mult, a);
        arb_sub_ui(ref, s5, 3, 2 * PREC);
        arb_neg(ref, ref);
        arb_mul_2exp_si(ref, ref, -2);
        ck_assert(arb_overlaps(lo->ball, ref));
        ck_assert(arb_rel_accuracy_bits(lo->ball) >= PREC - 8);
        arb_add_ui(ref, s5, 3, 2 * PREC);
        arb_mul_2exp_si(ref, ref, -2);
        ck_assert(arb_overlaps(hi->ball, ref));
        ck_assert(arb_rel_accuracy_bits(hi->ball) >= PREC - 8);
        ck_assert_int_eq(cpwl_symeig_all(vals, &count, S, PREC, e), CPWL_OK);
        ck_assert_int_eq(count, 2);
        ck_assert(arb_equal(vals[0].ball, lo->ball));
        ck_assert(arb_equal(vals[1].ball, hi->ball));
        cpwl_symeig_val_clear(lo);
        cpwl_symeig_val_clear(hi);
        vals_free(vals, n);
        fmpq_mat_clear(S);
        arb_clear(s5);
        arb_clear(ref);
        cpwl_err_clear(e);
    }
}
END_TEST

/* Eigenvalues closer than the first precision, beside an irrational
   pair: blockdiag([[1, 1], [1, -1]], c, c + 2^-300), c = 1, 3 or -5.
   The close pair needs the precision doubled twice; the eigenvalues
   stay -sqrt 2, c, c + 2^-300, sqrt 2 in order, each simple (the balls
   of the second pass are the same roots as the first's). */
START_TEST(test_close)
{
    static const slong cs[3] = { 1, 3, -5 };
    slong ci;
    for (ci = 0; ci < 3; ci++)
    {
        slong n = 4, count, k;
        fmpq_mat_t S;
        fmpq *ref = _fmpq_vec_init(2);
        cpwl_symeig_val_struct *vals = vals_new(n);
        cpwl_symeig_val_t lo, hi;
        cpwl_err_t e;
        arb_t s2, b;
        cpwl_err_init(e);
        cpwl_symeig_val_init(lo);
        cpwl_symeig_val_init(hi);
        arb_init(s2);
        arb_init(b);
        fmpq_mat_init(S, n, n);
        fmpq_set_si(fmpq_mat_entry(S, 0, 0), 1, 1);
        fmpq_set_si(fmpq_mat_entry(S, 0, 1), 1, 1);
        fmpq_set_si(fmpq_mat_entry(S, 1, 0), 1, 1);
        fmpq_set_si(fmpq_mat_entry(S, 1, 1), -1, 1);
        fmpq_set_si(ref + 0, cs[ci], 1);
        fmpq_one(ref + 1);
        fmpq_div_2exp(ref + 1, ref + 1, 300);
        fmpq_add(ref + 1, ref + 1, ref + 0);
        fmpq_set(fmpq_mat_entry(S, 2, 2), ref + 0);
        fmpq_set(fmpq_mat_entry(S, 3, 3), ref + 1);
        arb_sqrt_ui(s2, 2, 2 * PREC);
        ck_assert_int_eq(cpwl_symeig_all(vals, &count, S, PREC, e), CPWL_OK);
        ck_assert_int_eq(count, 4);
        for (k = 0; k < 4; k++)
            ck_assert_int_eq(vals[k].mult, 1);
        /* the two rationals in order, between or beside +-sqrt 2 */
        {
            slong r0 = cs[ci] == -5 ? 0 : cs[ci] == 1 ? 1 : 2;
            for (k = 0; k < 4; k++)
            {
                if (k == r0 || k == r0 + 1)
                {
                    ck_assert_msg(vals[k].rational, "c = %ld: eigenvalue %ld "
                                  "not rational", (long) cs[ci], (long) k);
                    ck_assert(fmpq_equal(vals[k].q, ref + k - r0));
                    ck_assert(arb_contains_fmpq(vals[k].ball, ref + k - r0));
                }
                else
                {
                    ck_assert_msg(!vals[k].rational, "c = %ld: eigenvalue "
                                  "%ld rational", (long) cs[ci], (long) k);
                    /* -sqrt 2 is the first irrational one */
                    arb_set(b, s2);
                    if (k == 0 || (k == 2 && r0 == 0))
                        arb_neg(b, b);
                    ck_assert_msg(arb_overlaps(vals[k].ball, b), "c = %ld: "
                                  "eigenvalue %ld is not +-sqrt 2",
                                  (long) cs[ci], (long) k);
                }
                if (k > 0)
                    ck_assert(arb_lt(vals[k - 1].ball, vals[k].ball));
            }
        }
        ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_OK);
        /* the extremes need not separate the close pair: their balls may
           be wider, but they are the same eigenvalues */
        ck_assert_int_eq(lo->rational, vals[0].rational);
        ck_assert_int_eq(hi->rational, vals[3].rational);
        ck_assert(lo->rational ? fmpq_equal(lo->q, vals[0].q)
                  : arb_overlaps(lo->ball, vals[0].ball));
        ck_assert(hi->rational ? fmpq_equal(hi->q, vals[3].q)
                  : arb_overlaps(hi->ball, vals[3].ball));
        ck_assert(arb_lt(lo->ball, vals[1].ball));
        ck_assert(arb_gt(hi->ball, vals[2].ball));
        cpwl_symeig_val_clear(lo);
        cpwl_symeig_val_clear(hi);
        vals_free(vals, n);
        _fmpq_vec_clear(ref, 2);
        fmpq_mat_clear(S);
        arb_clear(s2);
        arb_clear(b);
        cpwl_err_clear(e);
    }
}
END_TEST

/* x^T S x / x^T x at x = row i of X, exactly. */
static void rayleigh(fmpq_t q, const fmpq_mat_t S, const fmpq *x, slong n)
{
    fmpq_t num, den, t;
    slong i, j;
    fmpq_init(num);
    fmpq_init(den);
    fmpq_init(t);
    for (i = 0; i < n; i++)
    {
        fmpq_addmul(den, x + i, x + i);
        for (j = 0; j < n; j++)
        {
            fmpq_mul(t, x + i, x + j);
            fmpq_addmul(num, t, fmpq_mat_entry(S, i, j));
        }
    }
    fmpq_div(q, num, den);
    fmpq_clear(num);
    fmpq_clear(den);
    fmpq_clear(t);
}

/* lo <= q (which = -1) or q <= hi (which = 1) is not certainly violated:
   exactly for a rational eigenvalue, by the ball otherwise. */
static int not_beyond(const cpwl_symeig_val_t v, const fmpq_t q, int which)
{
    arb_t b;
    int ok;
    if (v->rational)
        return which * fmpq_cmp(q, v->q) <= 0;
    arb_init(b);
    arb_set_fmpq(b, q, 2 * PREC);
    ok = which < 0 ? !arb_lt(b, v->ball) : !arb_gt(b, v->ball);
    arb_clear(b);
    return ok;
}

START_TEST(test_random)
{
    test_rng r;
    slong it, iters = test_iters(60);
    r.s = test_seed(0x5e1e2);
    for (it = 0; it < iters; it++)
    {
        slong n = test_range(&r, 1, 6), i, j, k, count, msum = 0;
        fmpq_mat_t S;
        fmpq *x = _fmpq_vec_init(n);
        fmpq_t q, tr, g, sum;
        arb_t asum, t;
        int allrat = 1;
        cpwl_symeig_val_struct *vals = vals_new(n);
        cpwl_symeig_val_t lo, hi;
        cpwl_err_t e;
        cpwl_err_init(e);
        cpwl_symeig_val_init(lo);
        cpwl_symeig_val_init(hi);
        fmpq_init(q);
        fmpq_init(tr);
        fmpq_init(g);
        fmpq_init(sum);
        arb_init(asum);
        arb_init(t);
        fmpq_mat_init(S, n, n);
        for (i = 0; i < n; i++)
            for (j = i; j < n; j++)
            {
                fmpq_set_si(fmpq_mat_entry(S, i, j), test_range(&r, -5, 5), 1);
                fmpq_set(fmpq_mat_entry(S, j, i), fmpq_mat_entry(S, i, j));
            }
        ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_OK);
        /* Rayleigh quotients: random x and the unit vectors */
        for (k = 0; k < 20 + n; k++)
        {
            int any = 0;
            for (i = 0; i < n; i++)
            {
                if (k < n)
                    fmpq_set_si(x + i, i == k, 1);
                else
                    test_fmpq(x + i, &r, TEST_FRACTIONS);
                any |= !fmpq_is_zero(x + i);
            }
            if (!any)
                continue;
            rayleigh(q, S, x, n);
            ck_assert_msg(not_beyond(lo, q, -1) && not_beyond(hi, q, 1),
                          "iteration %ld: a Rayleigh quotient outside "
                          "[lmin, lmax]", (long) it);
        }
        /* Gershgorin: every eigenvalue within max_i S_ii + R_i (and
           symmetrically below) */
        for (i = 0; i < n; i++)
        {
            fmpq_t rr;
            fmpq_init(rr);
            for (j = 0; j < n; j++)
                if (j != i)
                {
                    fmpq_abs(g, fmpq_mat_entry(S, i, j));
                    fmpq_add(rr, rr, g);
                }
            fmpq_add(g, fmpq_mat_entry(S, i, i), rr);
            fmpq_sub(rr, fmpq_mat_entry(S, i, i), rr);
            /* not both discs' ends beyond the extremes: lmax <= max, which
               is checked against the largest disc end below */
            if (i == 0)
            {
                fmpq_set(q, g);
                fmpq_set(sum, rr);
            }
            else
            {
                if (fmpq_cmp(g, q) > 0)
                    fmpq_set(q, g);
                if (fmpq_cmp(rr, sum) < 0)
                    fmpq_set(sum, rr);
            }
            fmpq_clear(rr);
        }
        ck_assert(not_beyond(hi, q, -1));       /* lmax <= max disc end */
        ck_assert(not_beyond(lo, sum, 1));      /* lmin >= min disc end */
        /* the trace */
        ck_assert_int_eq(cpwl_symeig_all(vals, &count, S, PREC, e), CPWL_OK);
        fmpq_mat_trace(tr, S);
        fmpq_zero(sum);
        arb_zero(asum);
        for (k = 0; k < count; k++)
        {
            msum += vals[k].mult;
            allrat &= vals[k].rational;
            if (vals[k].rational)
            {
                fmpq_mul_si(g, vals[k].q, vals[k].mult);
                fmpq_add(sum, sum, g);
            }
            arb_mul_ui(t, vals[k].ball, vals[k].mult, PREC);
            arb_add(asum, asum, t, PREC);
            if (k > 0)
                ck_assert(arb_lt(vals[k - 1].ball, vals[k].ball));
        }
        ck_assert_int_eq(msum, n);
        if (allrat)
            ck_assert(fmpq_equal(sum, tr));
        else
            ck_assert(arb_contains_fmpq(asum, tr));
        ck_assert(arb_equal(lo->ball, vals[0].ball));
        ck_assert(arb_equal(hi->ball, vals[count - 1].ball));
        cpwl_symeig_val_clear(lo);
        cpwl_symeig_val_clear(hi);
        vals_free(vals, n);
        fmpq_mat_clear(S);
        _fmpq_vec_clear(x, n);
        fmpq_clear(q);
        fmpq_clear(tr);
        fmpq_clear(g);
        fmpq_clear(sum);
        arb_clear(asum);
        arb_clear(t);
        cpwl_err_clear(e);
    }
}
END_TEST

/* Above CPWL_SYMEIG_FACTOR_MAX rows only squarefree parts: diag(1, 2, 3)
   repeated has the eigenvalues 1 and 3 with multiplicity 67 as balls. */
START_TEST(test_large)
{
    slong n = 201, i;
    fmpq_mat_t S;
    cpwl_symeig_val_t lo, hi;
    cpwl_err_t e;
    fmpq_t a;
    cpwl_err_init(e);
    cpwl_symeig_val_init(lo);
    cpwl_symeig_val_init(hi);
    fmpq_init(a);
    fmpq_mat_init(S, n, n);
    for (i = 0; i < n; i++)
        fmpq_set_si(fmpq_mat_entry(S, i, i), 1 + i % 3, 1);
    ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_OK);
    ck_assert_int_eq(lo->mult, 67);
    ck_assert_int_eq(hi->mult, 67);
    fmpq_set_si(a, 1, 1);
    ck_assert(arb_contains_fmpq(lo->ball, a));
    fmpq_set_si(a, 3, 1);
    ck_assert(arb_contains_fmpq(hi->ball, a));
    ck_assert(arb_rel_accuracy_bits(lo->ball) >= PREC - 8);
    fmpq_mat_clear(S);
    fmpq_clear(a);
    cpwl_symeig_val_clear(lo);
    cpwl_symeig_val_clear(hi);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_refused)
{
    fmpq_mat_t S;
    cpwl_symeig_val_t lo, hi;
    cpwl_err_t e;
    cpwl_symeig_val_init(lo);
    cpwl_symeig_val_init(hi);

    cpwl_err_init(e);
    fmpq_mat_init(S, 0, 0);
    ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "empty"));
    fmpq_mat_clear(S);
    cpwl_err_clear(e);

    cpwl_err_init(e);
    fmpq_mat_init(S, 2, 3);
    ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "2 x 3"));
    fmpq_mat_clear(S);
    cpwl_err_clear(e);

    cpwl_err_init(e);
    fmpq_mat_init(S, 3, 3);
    fmpq_set_si(fmpq_mat_entry(S, 1, 2), 1, 2);
    ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "(2, 3) and (3, 2)"));
    fmpq_mat_clear(S);
    cpwl_err_clear(e);

    cpwl_err_init(e);
    fmpq_mat_init(S, CPWL_SYMEIG_MAX + 1, CPWL_SYMEIG_MAX + 1);
    ck_assert_int_eq(cpwl_symeig_extremes(lo, hi, S, PREC, e), CPWL_ERR_INPUT);
    fmpq_mat_clear(S);
    cpwl_err_clear(e);

    cpwl_symeig_val_clear(lo);
    cpwl_symeig_val_clear(hi);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("symeig");
    TCase *tc = tcase_create("symeig");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_householder);
    tcase_add_test(tc, test_tridiag);
    tcase_add_test(tc, test_sqrt5);
    tcase_add_test(tc, test_close);
    tcase_add_test(tc, test_random);
    tcase_add_test(tc, test_large);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return test_run(s);
}
