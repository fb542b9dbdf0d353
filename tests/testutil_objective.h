/* Helpers of the objective tests (tests/test_objective.c,
   tests/test_objective_net.c): temporary files, evaluation in each
   arithmetic, exact Lagrange differentiation, binary32 comparisons. */
#ifndef CPWL_TESTUTIL_OBJECTIVE_H
#define CPWL_TESTUTIL_OBJECTIVE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include "cpwl/objective.h"
#include "testutil.h"

/* ------------------------------------------------------------------------
   Helpers
   ------------------------------------------------------------------------ */

static char tmpdir[64];

static inline void tmp_setup(void)
{
    strcpy(tmpdir, "/tmp/cpwl_test_objective_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static inline void tmp_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static inline void write_file(char *path, size_t size, const char *name,
                       const char *text)
{
    FILE *f;
    snprintf(path, size, "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs(text, f), 0);
    ck_assert_int_eq(fclose(f), 0);
}

static inline void obj_init(cpwl_objective_t O, const char *spec, slong dim)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_objective_init_str(O, spec, dim, e) != 0)
        ck_abort_msg("objective %s refused: %s", spec, e->msg);
}

/* f and g (either may be NULL) at the rational x in arithmetic A; the
   results as balls at 256 bits (exact points for exact and float
   values). */
static inline int eval_arb(arb_t f, arb_ptr g, const fmpq *x, slong t,
                    cpwl_objective_t O, cpwl_arith_t A, cpwl_err_t e)
{
    slong i, n = O->dim;
    cpwl_val_ptr xv = cpwl_val_vec_init(n, A), gv = cpwl_val_vec_init(n, A);
    cpwl_val_t fv;
    int st;
    cpwl_val_init(fv, A);
    for (i = 0; i < n; i++)
        cpwl_val_set_fmpq(xv + i, x + i, A);
    st = cpwl_objective_eval(f != NULL ? fv : NULL, g != NULL ? gv : NULL, xv,
                             NULL, 0, t, O, A, e);
    if (st == 0 && f != NULL)
        cpwl_val_get_arb(f, fv, A, 256);
    if (st == 0 && g != NULL)
        for (i = 0; i < n; i++)
            cpwl_val_get_arb(g + i, gv + i, A, 256);
    cpwl_val_clear(fv, A);
    cpwl_val_vec_clear(xv, n, A);
    cpwl_val_vec_clear(gv, n, A);
    return st;
}

/* Exact f and g (either may be NULL) at x. */
static inline void eval_exact(fmpq_t f, fmpq *g, const fmpq *x, slong t,
                       cpwl_objective_t O)
{
    slong i, n = O->dim;
    cpwl_arith_t A;
    cpwl_err_t e;
    cpwl_val_ptr xv, gv;
    cpwl_val_t fv;
    cpwl_err_init(e);
    cpwl_arith_init_exact(A);
    xv = cpwl_val_vec_init(n, A);
    gv = cpwl_val_vec_init(n, A);
    cpwl_val_init(fv, A);
    for (i = 0; i < n; i++)
        cpwl_val_set_fmpq(xv + i, x + i, A);
    if (cpwl_objective_eval(f != NULL ? fv : NULL, g != NULL ? gv : NULL, xv,
                            NULL, 0, t, O, A, e) != 0)
        ck_abort_msg("exact evaluation failed: %s", e->msg);
    if (f != NULL)
        ck_assert(cpwl_val_get_fmpq(f, fv, A));
    if (g != NULL)
        for (i = 0; i < n; i++)
            ck_assert(cpwl_val_get_fmpq(g + i, gv + i, A));
    cpwl_val_clear(fv, A);
    cpwl_val_vec_clear(xv, n, A);
    cpwl_val_vec_clear(gv, n, A);
    cpwl_arith_clear(A);
}

/* The weights w_k with p'(0) = sum_k w_k p(h_k) for every polynomial p
   of degree <= deg, nodes h_k = k s (k = 0..deg): the derivatives at 0
   of the Lagrange basis polynomials. */
static inline void lagrange_d0(fmpq *w, const fmpq *h, slong deg)
{
    slong k, m, j;
    fmpq_t den, num, term, d;
    fmpq_init(den);
    fmpq_init(num);
    fmpq_init(term);
    fmpq_init(d);
    for (k = 0; k <= deg; k++)
    {
        fmpq_one(den);
        for (j = 0; j <= deg; j++)
            if (j != k)
            {
                fmpq_sub(d, h + k, h + j);
                fmpq_mul(den, den, d);
            }
        fmpq_zero(num);
        for (m = 0; m <= deg; m++)
        {
            if (m == k)
                continue;
            fmpq_one(term);
            for (j = 0; j <= deg; j++)
                if (j != k && j != m)
                {
                    fmpq_neg(d, h + j);
                    fmpq_mul(term, term, d);
                }
            fmpq_add(num, num, term);
        }
        fmpq_div(w + k, num, den);
    }
    fmpq_clear(den);
    fmpq_clear(num);
    fmpq_clear(term);
    fmpq_clear(d);
}

/* d/dh f(x + h d) at h = 0, from deg + 1 exact values at h = k s. */
static inline void deriv_interp(fmpq_t r, cpwl_objective_t O, const fmpq *x,
                         const fmpq *dir, slong deg, const fmpq_t s)
{
    slong n = O->dim, k, i;
    fmpq *h = _fmpq_vec_init(deg + 1), *w = _fmpq_vec_init(deg + 1);
    fmpq *y = _fmpq_vec_init(n);
    fmpq_t f, t;
    fmpq_init(f);
    fmpq_init(t);
    for (k = 0; k <= deg; k++)
        fmpq_mul_si(h + k, s, k);
    lagrange_d0(w, h, deg);
    fmpq_zero(r);
    for (k = 0; k <= deg; k++)
    {
        for (i = 0; i < n; i++)
        {
            fmpq_mul(t, h + k, dir + i);
            fmpq_add(y + i, x + i, t);
        }
        eval_exact(f, NULL, y, 1, O);
        fmpq_addmul(r, w + k, f);
    }
    fmpq_clear(f);
    fmpq_clear(t);
    _fmpq_vec_clear(h, deg + 1);
    _fmpq_vec_clear(w, deg + 1);
    _fmpq_vec_clear(y, n);
}

static inline void dot_q(fmpq_t r, const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    fmpq_zero(r);
    for (i = 0; i < n; i++)
        fmpq_addmul(r, a + i, b + i);
}

/* The gradient at x against the interpolated directional derivative in
   a random direction. */
static inline void check_grad_interp(cpwl_objective_t O, const fmpq *x, slong deg,
                              test_rng *r, uint64_t seed)
{
    slong n = O->dim, i;
    fmpq *g = _fmpq_vec_init(n), *dir = _fmpq_vec_init(n);
    fmpq_t a, b, s;
    fmpq_init(a);
    fmpq_init(b);
    fmpq_init(s);
    for (i = 0; i < n; i++)
        test_fmpq(dir + i, r, TEST_FRACTIONS);
    fmpq_set_si(s, 1, 7);
    eval_exact(NULL, g, x, 1, O);
    dot_q(a, g, dir, n);
    deriv_interp(b, O, x, dir, deg, s);
    if (!fmpq_equal(a, b))
    {
        fprintf(stderr, "seed %llu, objective %s: grad.d = ",
                (unsigned long long) seed, O->name);
        fmpq_fprint(stderr, a);
        fprintf(stderr, ", interpolated ");
        fmpq_fprint(stderr, b);
        fprintf(stderr, "\n");
        ck_abort_msg("gradient differs from the interpolated derivative");
    }
    fmpq_clear(a);
    fmpq_clear(b);
    fmpq_clear(s);
    _fmpq_vec_clear(g, n);
    _fmpq_vec_clear(dir, n);
}

/* "A=...;b=..." of a random symmetric n x n matrix and vector. */
static inline void assert_q(const fmpq_t a, const char *s)
{
    fmpq_t b;
    fmpq_init(b);
    test_q_set(b, s);
    if (!fmpq_equal(a, b))
    {
        char *t = fmpq_get_str(NULL, 10, a);
        ck_abort_msg("got %s, expected %s", t, s);
    }
    fmpq_clear(b);
}

/* ------------------------------------------------------------------------
   Arb
   ------------------------------------------------------------------------ */

static inline void check_arb_contains(cpwl_objective_t O, const fmpq *x,
                               uint64_t seed)
{
    slong n = O->dim, i;
    fmpq *g = _fmpq_vec_init(n);
    fmpq_t f;
    arb_t fb;
    arb_ptr gb = _arb_vec_init(n);
    cpwl_arith_t A;
    cpwl_err_t e;
    fmpq_init(f);
    arb_init(fb);
    cpwl_err_init(e);
    eval_exact(f, g, x, 1, O);
    cpwl_arith_init_arb(A, 64 + 64 * (seed & 1));
    if (eval_arb(fb, gb, x, 1, O, A, e) != 0)
        ck_abort_msg("seed %llu: %s", (unsigned long long) seed, e->msg);
    if (!arb_contains_fmpq(fb, f))
        ck_abort_msg("seed %llu, %s: the value's ball misses it",
                     (unsigned long long) seed, O->name);
    for (i = 0; i < n; i++)
        if (!arb_contains_fmpq(gb + i, g + i))
            ck_abort_msg("seed %llu, %s: gradient %ld's ball misses it",
                         (unsigned long long) seed, O->name, (long) i);
    cpwl_arith_clear(A);
    arb_clear(fb);
    _arb_vec_clear(gb, n);
    _fmpq_vec_clear(g, n);
    fmpq_clear(f);
}

/* ------------------------------------------------------------------------
   binary32, bit for bit against C floats in the documented order
   ------------------------------------------------------------------------ */

/* A random float k / 2^s: exactly representable. */
static inline float rfloat(test_rng *r)
{
    return (float) test_range(r, -3000, 3000) / (float) (1 << test_range(r, 4, 10));
}

static inline void q_of_f(fmpq_t q, float v)
{
    test_fmpq_of_d(q, (double) v);
}

static inline float dot_f(const float *a, const float *b, slong n)
{
    float s = a[0] * b[0];
    slong i;
    for (i = 1; i < n; i++)
    {
        float p = a[i] * b[i];
        s = s + p;
    }
    return n == 0 ? 0.0f : s;
}

/* Evaluate in binary32; f, g as doubles (the float values). */
static inline void eval_b32(double *f, double *g, const float *xf,
                     cpwl_objective_t O)
{
    cpwl_arith_t A;
    cpwl_err_t e;
    slong i, n = O->dim;
    cpwl_val_ptr xv, gv;
    cpwl_val_t fv;
    fmpq_t q;
    fmpq_init(q);
    cpwl_err_init(e);
    cpwl_arith_init_float(A, CPWL_IEEE_BINARY32, 0, 0);
    xv = cpwl_val_vec_init(n, A);
    gv = cpwl_val_vec_init(n, A);
    cpwl_val_init(fv, A);
    for (i = 0; i < n; i++)
    {
        q_of_f(q, xf[i]);
        cpwl_val_set_fmpq(xv + i, q, A);
    }
    if (cpwl_objective_eval(fv, gv, xv, NULL, 0, 1, O, A, e) != 0)
        ck_abort_msg("binary32 evaluation failed: %s", e->msg);
    *f = cpwl_val_get_d(fv, A);
    for (i = 0; i < n; i++)
        g[i] = cpwl_val_get_d(gv + i, A);
    cpwl_val_clear(fv, A);
    cpwl_val_vec_clear(xv, n, A);
    cpwl_val_vec_clear(gv, n, A);
    cpwl_arith_clear(A);
    fmpq_clear(q);
}

static inline int same_bits(double a, float b)
{
    float fa = (float) a;
    return (double) fa == a && memcmp(&fa, &b, sizeof(float)) == 0;
}

static inline void expect_bits(const char *what, double got, float want,
                        uint64_t seed)
{
    if (!same_bits(got, want))
        ck_abort_msg("seed %llu: %s: binary32 %a, C float %a",
                     (unsigned long long) seed, what, got, (double) want);
}


#endif
