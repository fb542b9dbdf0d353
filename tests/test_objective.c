/* The objectives (src/optim/objective*.c), every value from elsewhere:
   exact gradients against the derivative of f(x + h d) recovered by
   exact Lagrange interpolation of values; the network objective's value
   against the library's exact network evaluation, summed here; Arb
   gradients containing the exact ones (pseudo-huber: the closed form
   x / sqrt(1 + x^2) computed here with Arb); binary32 values and
   gradients equal bit for bit to plain C float code written here in the
   documented operation order; the constants on hand cases; the spec
   examples and each bad input's message. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include "cpwl/objective.h"
#include "testutil_objective.h"

static void random_quadratic(char *buf, size_t size, test_rng *r, slong n,
                             fmpq *M, fmpq *b)
{
    slong i, j;
    size_t k = 0;
    for (i = 0; i < n; i++)
        for (j = 0; j <= i; j++)
        {
            test_fmpq(M + i * n + j, r, TEST_FRACTIONS);
            fmpq_set(M + j * n + i, M + i * n + j);
        }
    for (i = 0; i < n; i++)
        test_fmpq(b + i, r, TEST_FRACTIONS);
    k += snprintf(buf + k, size - k, "quadratic:A=");
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
        {
            char *s = fmpq_get_str(NULL, 10, M + i * n + j);
            k += snprintf(buf + k, size - k, "%s%s", s,
                          j + 1 < n ? "," : (i + 1 < n ? ";" : ""));
            flint_free(s);
        }
    k += snprintf(buf + k, size - k, ";b=");
    for (i = 0; i < n; i++)
    {
        char *s = fmpq_get_str(NULL, 10, b + i);
        k += snprintf(buf + k, size - k, "%s%s", s, i + 1 < n ? "," : "");
        flint_free(s);
    }
}
/* ------------------------------------------------------------------------
   Parsing, defaults and constants
   ------------------------------------------------------------------------ */

START_TEST(test_spec_examples)
{
    cpwl_objective_t O;
    fmpq x[2], g[2], f[1];
    fmpq_init(x + 0);
    fmpq_init(x + 1);
    fmpq_init(g + 0);
    fmpq_init(g + 1);
    fmpq_init(f);

    /* (1/2)(2 x^2 + y^2) - x - y at (3, 5): 43/2 - 8; gradient
       (2 x - 1, y - 1). */
    obj_init(O, "quadratic:A=2,0;0,1;b=1,1", -1);
    ck_assert_int_eq(O->dim, 2);
    ck_assert_str_eq(O->name, "quadratic");
    ck_assert(!O->needs_sqrt && !O->online && !O->has_box);
    ck_assert_int_eq(O->nterms, 0);
    fmpq_set_si(x + 0, 3, 1);
    fmpq_set_si(x + 1, 5, 1);
    eval_exact(f, g, x, 1, O);
    assert_q(f, "27/2");
    assert_q(g + 0, "5");
    assert_q(g + 1, "4");
    ck_assert_ptr_nonnull(O->x1);
    ck_assert(fmpq_is_zero(O->x1 + 0) && fmpq_is_zero(O->x1 + 1));
    cpwl_objective_clear(O);

    /* x^2 / 2 - 0 in one dimension; the dimension may be asked for. */
    obj_init(O, "quadratic:A=1;b=0", 1);
    ck_assert_int_eq(O->dim, 1);
    fmpq_set_si(x, 3, 7);
    eval_exact(f, g, x, 1, O);
    assert_q(f, "9/98");
    assert_q(g, "3/7");
    ck_assert(O->has_fstar);
    assert_q(O->fstar, "0");
    cpwl_objective_clear(O);

    /* decimals and spaces are exact literals; b may be omitted */
    obj_init(O, "quadratic:A= 0.5 , 0.25;0.25,1e0", -1);
    fmpq_set_si(x + 0, 2, 1);
    fmpq_set_si(x + 1, -1, 1);
    eval_exact(f, g, x, 1, O);
    assert_q(g + 0, "3/4");     /* 1/2 * 2 - 1/4 */
    assert_q(g + 1, "-1/2");    /* 1/4 * 2 - 1 */
    assert_q(f, "1");           /* (1/2)(x . A x) = (3/2 + 1/2)/2 */
    cpwl_objective_clear(O);

    /* rosenbrock: defaults and parameters; (2 - x)^2 + (y - x^2)^2 / 2
       at (1, 3) is 1 + 2 */
    obj_init(O, "rosenbrock", 2);
    ck_assert_int_eq(O->dim, 2);
    assert_q(O->x1 + 0, "-6/5");
    assert_q(O->x1 + 1, "1");
    ck_assert(O->has_fstar && !O->has_L);
    assert_q(O->fstar, "0");
    fmpq_one(x + 0);
    fmpq_one(x + 1);
    eval_exact(f, g, x, 1, O);
    assert_q(f, "0");
    assert_q(g + 0, "0");
    assert_q(g + 1, "0");
    cpwl_objective_clear(O);
    obj_init(O, "rosenbrock:a=2;b=1/2", -1);
    fmpq_set_si(x + 0, 1, 1);
    fmpq_set_si(x + 1, 3, 1);
    eval_exact(f, g, x, 1, O);
    assert_q(f, "3");
    /* -2(2 - x) - 4 b x (y - x^2) = -2 - 4; 2 b (y - x^2) = 2 */
    assert_q(g + 0, "-6");
    assert_q(g + 1, "2");
    cpwl_objective_clear(O);

    /* beale: f(1, 1) = (3/2)^2 + (9/4)^2 + (21/8)^2; minimum 0 at (3, 1/2) */
    obj_init(O, "beale", -1);
    assert_q(O->x1 + 0, "1");
    assert_q(O->x1 + 1, "1");
    eval_exact(f, NULL, O->x1, 1, O);
    assert_q(f, "909/64");
    fmpq_set_si(x + 0, 3, 1);
    fmpq_set_si(x + 1, 1, 2);
    eval_exact(f, g, x, 1, O);
    assert_q(f, "0");
    assert_q(g + 0, "0");
    assert_q(g + 1, "0");
    cpwl_objective_clear(O);

    /* pseudo-huber: the dimension from the caller, the constants */
    obj_init(O, "pseudo-huber", 3);
    ck_assert_int_eq(O->dim, 3);
    ck_assert(O->needs_sqrt);
    ck_assert_ptr_null(O->x1);
    ck_assert(O->has_L && O->has_sigma2 && O->has_fstar);
    assert_q(O->L, "1");
    assert_q(O->sigma2, "3");
    assert_q(O->fstar, "3");
    cpwl_objective_clear(O);
    /* exact where the square roots are rational: sqrt(1 + (3/4)^2) = 5/4,
       sqrt(1 + (12/5)^2) = 13/5; elsewhere the arithmetic fails */
    obj_init(O, "pseudo-huber", 2);
    fmpq_set_si(x + 0, 3, 4);
    fmpq_set_si(x + 1, -12, 5);
    eval_exact(f, g, x, 1, O);
    assert_q(f, "77/20");
    assert_q(g + 0, "3/5");
    assert_q(g + 1, "-12/13");
    {
        cpwl_arith_t A;
        cpwl_err_t e;
        arb_t fb;
        arb_init(fb);
        cpwl_err_init(e);
        cpwl_arith_init_exact(A);
        fmpq_one(x + 0);
        ck_assert_int_eq(eval_arb(fb, NULL, x, 1, O, A, e), 1);
        ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
        ck_assert_str_eq(e->msg, "objective pseudo-huber: square root of "
                         "a rational that is not a square in exact "
                         "arithmetic");
        cpwl_arith_clear(A);
        arb_clear(fb);
    }
    cpwl_objective_clear(O);

    /* reddi */
    obj_init(O, "reddi", -1);
    ck_assert(O->online && O->has_box);
    ck_assert_int_eq(O->dim, 1);
    assert_q(O->lo, "-1");
    assert_q(O->hi, "1");
    assert_q(O->x1, "1");
    assert_q(O->sigma2, "9");
    cpwl_objective_clear(O);

    fmpq_clear(x + 0);
    fmpq_clear(x + 1);
    fmpq_clear(g + 0);
    fmpq_clear(g + 1);
    fmpq_clear(f);
}
END_TEST

static void bad_spec(const char *spec, slong dim, const char *want)
{
    cpwl_objective_t O;
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_objective_init_str(O, spec, dim, e) != 1)
        ck_abort_msg("objective %s accepted", spec);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    if (strstr(e->msg, want) == NULL)
        ck_abort_msg("objective %s: message \"%s\" lacks \"%s\"", spec,
                     e->msg, want);
    ck_assert_ptr_null(strchr(e->msg, '\n'));
    ck_assert_ptr_null(strstr(e->msg, "--"));
    cpwl_objective_clear(O);    /* allowed on a refused objective */
}

START_TEST(test_spec_errors)
{
    char net[256], net_abs[256], data[256], data3[256], spec[600];
    tmp_setup();
    bad_spec("foo", -1, "unknown objective \"foo\" (expected quadratic, "
             "pseudo-huber, rosenbrock, beale, reddi or net)");
    bad_spec("", -1, "unknown objective");
    bad_spec("quadratic", -1, "missing parameter `A`");
    bad_spec("quadratic:b=1", -1, "missing parameter `A`");
    bad_spec("quadratic:A=1;c=2", -1, "unknown parameter \"c\" (expected A, b)");
    bad_spec("quadratic:A=1,2;3", -1, "A: row 2 has 1 entry, row 1 has 2");
    bad_spec("quadratic:A=1,2", -1, "A is 1 x 2, expected a square matrix");
    bad_spec("quadratic:A=1,2;3,4", -1, "A is not symmetric: A[1][2] = 2 "
             "but A[2][1] = 3");
    bad_spec("quadratic:A=1,0;0,1;b=1", -1, "b has 1 entry, expected 2");
    bad_spec("quadratic:A=1,0;0,1;b=1,2,3", -1, "b has 3 entries, expected 2");
    bad_spec("quadratic:A=1;b=x", -1, "b, row 1, entry 1:");
    bad_spec("quadratic:A=1,1/0;1,1", -1, "A, row 1, entry 2:");
    bad_spec("quadratic:A=", -1, "A, row 1, entry 1:");
    bad_spec("quadratic:A=1", 2, "dimension 1, but the starting point has "
             "dimension 2");
    bad_spec("quadratic:A=1;A=2", -1, "parameter `A` given twice");
    bad_spec("quadratic:1", -1, "expected KEY=VALUE, got \"1\"");
    bad_spec("pseudo-huber", -1, "needs its dimension, the length of the starting point");
    bad_spec("pseudo-huber:n=2", 2, "unknown parameter \"n\" (it takes none)");
    bad_spec("rosenbrock:c=1", -1, "unknown parameter \"c\" (expected a, b)");
    bad_spec("rosenbrock:a=1/", -1, "rosenbrock: a:");
    bad_spec("rosenbrock", 3, "dimension 2, but");
    bad_spec("beale:a=1", -1, "(it takes none)");
    bad_spec("reddi:C=x", -1, "reddi: C:");
    bad_spec("net:foo.json", -1, "expected NET,DATA");
    bad_spec("net:", -1, "expected NET,DATA");

    write_file(net, sizeof(net), "n.json",
               "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 2,"
               " \"layers\": [{\"activation\": \"relu\", \"weights\": "
               "[[1, 2]], \"bias\": [0]}, {\"activation\": \"identity\", "
               "\"weights\": [[1]], \"bias\": [0]}]}\n");
    write_file(net_abs, sizeof(net_abs), "abs.json",
               "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 2,"
               " \"layers\": [{\"activation\": \"abs\", \"weights\": "
               "[[1, 2]], \"bias\": [0]}, {\"activation\": \"identity\", "
               "\"weights\": [[1]], \"bias\": [0]}]}\n");
    write_file(data, sizeof(data), "d.csv", "1,2,3\n4,5,6\n");
    write_file(data3, sizeof(data3), "d3.csv", "1,2,3,4\n");
    snprintf(spec, sizeof(spec), "net:%s,%s", net_abs, data);
    bad_spec(spec, -1, "layer 1 of");
    bad_spec(spec, -1, "is abs; the network objective takes relu, "
             "leaky_relu and identity layers");
    snprintf(spec, sizeof(spec), "net:%s,%s", net, data3);
    bad_spec(spec, -1, "have 3 inputs, but the network takes 2");
    snprintf(spec, sizeof(spec), "net:%s,%s/none.csv", net, tmpdir);
    bad_spec(spec, -1, "none.csv");
    snprintf(spec, sizeof(spec), "net:%s/none.json,%s", tmpdir, data);
    bad_spec(spec, -1, "none.json");
    snprintf(spec, sizeof(spec), "net:%s,%s", net, data);
    bad_spec(spec, 3, "dimension 5 (its weights and biases), but the "
             "starting point has dimension 3");
    tmp_teardown();
}
END_TEST

START_TEST(test_quadratic_constants)
{
    cpwl_objective_t O;
    fmpq_t t, u;
    arb_t lam;
    fmpq_init(t);
    fmpq_init(u);
    arb_init(lam);

    /* diag(2, 1): L >= 2 and L - 2 < 2^-20; fstar = -(1/4 + 1)/2 */
    obj_init(O, "quadratic:A=2,0;0,1;b=1,1", -1);
    ck_assert(O->has_L && O->has_fstar && !O->has_sigma2);
    ck_assert_int_ge(fmpq_cmp_si(O->L, 2), 0);
    fmpq_set_si(t, 2, 1);
    fmpq_sub(t, O->L, t);
    fmpq_set_si(u, 1, 1 << 20);
    ck_assert_int_lt(fmpq_cmp(t, u), 0);
    assert_q(O->fstar, "-3/4");
    cpwl_objective_clear(O);

    /* [[2, 1], [1, 1]]: eigenvalues (3 +- sqrt 5)/2; L >= (3 + sqrt 5)/2
       exactly ((2L - 3)^2 >= 5) and within 2^-20 of it; A^{-1} =
       [[1, -1], [-1, 2]], so b = (1, 0) gives fstar = -1/2. */
    obj_init(O, "quadratic:A=2,1;1,1;b=1,0", -1);
    fmpq_mul_2exp(t, O->L, 1);
    fmpq_sub_si(t, t, 3);
    ck_assert_int_ge(fmpq_sgn(t), 0);
    fmpq_mul(t, t, t);
    ck_assert_int_ge(fmpq_cmp_si(t, 5), 0);
    arb_sqrt_ui(lam, 5, 128);
    arb_add_ui(lam, lam, 3, 128);
    arb_mul_2exp_si(lam, lam, -1);
    arb_neg(lam, lam);
    {
        arb_t Lb;
        arb_init(Lb);
        arb_set_fmpq(Lb, O->L, 128);
        arb_add(lam, lam, Lb, 128);     /* L - lambda_max, tight */
        arb_clear(Lb);
    }
    ck_assert(arf_cmpabs_2exp_si(arb_midref(lam), -20) < 0);
    ck_assert(O->has_fstar);
    assert_q(O->fstar, "-1/2");
    cpwl_objective_clear(O);

    /* indefinite diag(1, -3): no fstar; L bounds |lambda| = 3 */
    obj_init(O, "quadratic:A=1,0;0,-3;b=1,1", -1);
    ck_assert(!O->has_fstar);
    ck_assert_int_ge(fmpq_cmp_si(O->L, 3), 0);
    cpwl_objective_clear(O);
    /* semidefinite, singular: no fstar (the minors test is exact) */
    obj_init(O, "quadratic:A=1,1;1,1;b=0,0", -1);
    ck_assert(!O->has_fstar);
    ck_assert_int_ge(fmpq_cmp_si(O->L, 2), 0);
    cpwl_objective_clear(O);
    /* A = 0: the gradient is constant */
    obj_init(O, "quadratic:A=0;b=1", -1);
    ck_assert(O->has_L && fmpq_is_zero(O->L) && !O->has_fstar);
    cpwl_objective_clear(O);

    fmpq_clear(t);
    fmpq_clear(u);
    arb_clear(lam);
}
END_TEST

/* Whether c I - s A is positive definite: every leading principal
   minor > 0 (Sylvester), each an exact determinant. */
static int pd_minors(const fmpq *M, slong n, const fmpq_t c, int s)
{
    slong k, i, j;
    int ok = 1;
    fmpq_t d;
    fmpq_init(d);
    for (k = 1; k <= n && ok; k++)
    {
        fmpq_mat_t B;
        fmpq_mat_init(B, k, k);
        for (i = 0; i < k; i++)
            for (j = 0; j < k; j++)
            {
                fmpq *e = fmpq_mat_entry(B, i, j);
                fmpq_mul_si(e, M + i * n + j, -s);
                if (i == j)
                    fmpq_add(e, e, c);
            }
        fmpq_mat_det(d, B);
        ok = fmpq_sgn(d) > 0;
        fmpq_mat_clear(B);
    }
    fmpq_clear(d);
    return ok;
}

/* Random symmetric matrices: v^T A v <= L |v|^2 and -L |v|^2 <= v^T A v
   for random v (L bounds the spectral radius), L no larger than the
   largest absolute row sum (a proven bound it improves on) and within
   2^-20 (relative) of the spectral radius; fstar the
   value at the exact solution of A x = b when A = M^T M + I. */
START_TEST(test_quadratic_random_constants)
{
    uint64_t seed = test_seed(0x0b1ec7);
    test_rng r = {seed};
    slong it, iters = test_iters(30), n, i, j, k;
    char spec[4096];
    for (it = 0; it < iters; it++)
    {
        cpwl_objective_t O;
        fmpq *M, *S, *b, *v;
        fmpq_t q, nv, row, G, f;
        fmpq_mat_t Am, X, B;
        n = test_range(&r, 1, 4);
        M = _fmpq_vec_init(n * n);
        S = _fmpq_vec_init(n * n);
        b = _fmpq_vec_init(n);
        v = _fmpq_vec_init(n);
        fmpq_init(q);
        fmpq_init(nv);
        fmpq_init(row);
        fmpq_init(G);
        fmpq_init(f);
        random_quadratic(spec, sizeof(spec), &r, n, M, b);
        if (it % 2 == 1)
        {
            /* S = M^T M + I, written back into the spec */
            size_t p = 0;
            for (i = 0; i < n; i++)
                for (j = 0; j < n; j++)
                {
                    fmpq_set_si(S + i * n + j, i == j, 1);
                    for (k = 0; k < n; k++)
                        fmpq_addmul(S + i * n + j, M + k * n + i, M + k * n + j);
                }
            p += snprintf(spec + p, sizeof(spec) - p, "quadratic:A=");
            for (i = 0; i < n * n; i++)
            {
                char *s = fmpq_get_str(NULL, 10, S + i);
                p += snprintf(spec + p, sizeof(spec) - p, "%s%s", s,
                              (i + 1) % n != 0 ? "," : ";");
                flint_free(s);
            }
            p += snprintf(spec + p, sizeof(spec) - p, "b=");
            for (i = 0; i < n; i++)
            {
                char *s = fmpq_get_str(NULL, 10, b + i);
                p += snprintf(spec + p, sizeof(spec) - p, "%s%s", s,
                              i + 1 < n ? "," : "");
                flint_free(s);
            }
            for (i = 0; i < n * n; i++)
                fmpq_set(M + i, S + i);
        }
        obj_init(O, spec, n);
        ck_assert(O->has_L);
        for (i = 0; i < n; i++)
        {
            fmpq_zero(row);
            for (j = 0; j < n; j++)
            {
                fmpq_abs(q, M + i * n + j);
                fmpq_add(row, row, q);
            }
            if (fmpq_cmp(row, G) > 0)
                fmpq_set(G, row);
        }
        if (fmpq_cmp(O->L, G) > 0)
            ck_abort_msg("seed %llu: L above the row-sum bound",
                         (unsigned long long) seed);
        /* and tight: c = L - (L + 1) 2^-20 is not above the spectral
           radius (c I - A and c I + A are not both positive definite) */
        fmpq_add_si(q, O->L, 1);
        fmpq_div_2exp(q, q, 20);
        fmpq_sub(q, O->L, q);
        if (pd_minors(M, n, q, 1) && pd_minors(M, n, q, -1))
            ck_abort_msg("seed %llu: L is not tight",
                         (unsigned long long) seed);
        for (k = 0; k < 20; k++)
        {
            for (i = 0; i < n; i++)
                test_fmpq(v + i, &r, TEST_FRACTIONS);
            fmpq_zero(q);
            for (i = 0; i < n; i++)
                for (j = 0; j < n; j++)
                {
                    fmpq_mul(row, v + i, v + j);
                    fmpq_addmul(q, row, M + i * n + j);
                }
            dot_q(nv, v, v, n);
            fmpq_mul(nv, nv, O->L);
            fmpq_abs(q, q);
            if (fmpq_cmp(q, nv) > 0)
                ck_abort_msg("seed %llu: |v^T A v| > L |v|^2",
                             (unsigned long long) seed);
        }
        if (it % 2 == 1)
        {
            ck_assert(O->has_fstar);
            fmpq_mat_init(Am, n, n);
            fmpq_mat_init(X, n, 1);
            fmpq_mat_init(B, n, 1);
            for (i = 0; i < n; i++)
            {
                for (j = 0; j < n; j++)
                    fmpq_set(fmpq_mat_entry(Am, i, j), M + i * n + j);
                fmpq_set(fmpq_mat_entry(B, i, 0), b + i);
            }
            ck_assert(fmpq_mat_solve_fraction_free(X, Am, B));
            for (i = 0; i < n; i++)
                fmpq_set(v + i, fmpq_mat_entry(X, i, 0));
            /* f(x*) = 1/2 x*.b - b.x* = -1/2 b.x* */
            dot_q(f, b, v, n);
            fmpq_div_2exp(f, f, 1);
            fmpq_neg(f, f);
            if (!fmpq_equal(f, O->fstar))
                ck_abort_msg("seed %llu: fstar", (unsigned long long) seed);
            fmpq_mat_clear(Am);
            fmpq_mat_clear(X);
            fmpq_mat_clear(B);
        }
        cpwl_objective_clear(O);
        _fmpq_vec_clear(M, n * n);
        _fmpq_vec_clear(S, n * n);
        _fmpq_vec_clear(b, n);
        _fmpq_vec_clear(v, n);
        fmpq_clear(q);
        fmpq_clear(nv);
        fmpq_clear(row);
        fmpq_clear(G);
        fmpq_clear(f);
    }
}
END_TEST

/* ------------------------------------------------------------------------
   Exact gradients
   ------------------------------------------------------------------------ */

START_TEST(test_grad_interp_builtin)
{
    uint64_t seed = test_seed(0x9ad1e47);
    test_rng r = {seed};
    slong it, iters = test_iters(20), n, i;
    char spec[4096];
    for (it = 0; it < iters; it++)
    {
        cpwl_objective_t O;
        fmpq *M, *b, *x;
        n = test_range(&r, 1, 4);
        M = _fmpq_vec_init(n * n);
        b = _fmpq_vec_init(n);
        x = _fmpq_vec_init(n);
        random_quadratic(spec, sizeof(spec), &r, n, M, b);
        obj_init(O, spec, -1);
        for (i = 0; i < n; i++)
            test_fmpq(x + i, &r, TEST_FRACTIONS);
        check_grad_interp(O, x, 2, &r, seed);
        cpwl_objective_clear(O);
        _fmpq_vec_clear(M, n * n);
        _fmpq_vec_clear(b, n);

        snprintf(spec, sizeof(spec), "rosenbrock:a=%ld/%ld;b=%ld",
                 (long) test_range(&r, -5, 5), (long) test_range(&r, 1, 4),
                 (long) test_range(&r, 1, 200));
        obj_init(O, spec, 2);
        {
            fmpq y[2];
            fmpq_init(y + 0);
            fmpq_init(y + 1);
            test_fmpq(y + 0, &r, TEST_FRACTIONS);
            test_fmpq(y + 1, &r, TEST_FRACTIONS);
            check_grad_interp(O, y, 4, &r, seed);
            cpwl_objective_clear(O);
            obj_init(O, "beale", 2);
            check_grad_interp(O, y, 8, &r, seed);
            cpwl_objective_clear(O);
            fmpq_clear(y + 0);
            fmpq_clear(y + 1);
        }
        _fmpq_vec_clear(x, n);
    }
}
END_TEST

START_TEST(test_reddi)
{
    cpwl_objective_t O;
    fmpq_t f, g, x;
    slong t;
    fmpq_init(f);
    fmpq_init(g);
    fmpq_init(x);
    obj_init(O, "reddi:C=7/2", -1);
    fmpq_set_si(x, -2, 3);
    for (t = 1; t <= 6; t++)
    {
        eval_exact(f, &g[0], x, t, O);
        if (t == 1 || t == 4)
        {
            assert_q(g, "7/2");
            assert_q(f, "-7/3");
        }
        else
        {
            assert_q(g, "-1");
            assert_q(f, "2/3");
        }
    }
    cpwl_objective_clear(O);
    fmpq_clear(f);
    fmpq_clear(g);
    fmpq_clear(x);
}
END_TEST

START_TEST(test_arb)
{
    uint64_t seed = test_seed(0xa7b);
    test_rng r = {seed};
    slong it, iters = test_iters(10), i, n;
    char spec[4096];
    for (it = 0; it < iters; it++)
    {
        cpwl_objective_t O;
        fmpq *M, *b, *x;
        n = test_range(&r, 2, 4);
        M = _fmpq_vec_init(n * n);
        b = _fmpq_vec_init(n);
        x = _fmpq_vec_init(n);
        random_quadratic(spec, sizeof(spec), &r, n, M, b);
        for (i = 0; i < n; i++)
            test_fmpq(x + i, &r, 20);
        obj_init(O, spec, -1);
        check_arb_contains(O, x, seed + it);
        cpwl_objective_clear(O);
        obj_init(O, "rosenbrock", -1);
        check_arb_contains(O, x, seed + it);
        cpwl_objective_clear(O);
        obj_init(O, "beale", -1);
        check_arb_contains(O, x, seed + it);
        cpwl_objective_clear(O);

        /* pseudo-huber against x / sqrt(1 + x^2) computed here */
        {
            arb_ptr gb = _arb_vec_init(n);
            arb_t fb, t, s;
            cpwl_arith_t A;
            cpwl_err_t e;
            arb_init(fb);
            arb_init(t);
            arb_init(s);
            cpwl_err_init(e);
            cpwl_arith_init_arb(A, 128);
            obj_init(O, "pseudo-huber", n);
            ck_assert_int_eq(eval_arb(fb, gb, x, 1, O, A, e), 0);
            arb_zero(s);
            for (i = 0; i < n; i++)
            {
                arb_set_fmpq(t, x + i, 256);
                arb_sqr(t, t, 256);
                arb_add_ui(t, t, 1, 256);
                arb_sqrt(t, t, 256);
                arb_add(s, s, t, 256);
                {
                    arb_t q;
                    arb_init(q);
                    arb_set_fmpq(q, x + i, 256);
                    arb_div(q, q, t, 256);
                    if (!arb_overlaps(q, gb + i)
                        || mag_cmp_2exp_si(arb_radref(gb + i), -110) > 0)
                        ck_abort_msg("seed %llu: pseudo-huber gradient",
                                     (unsigned long long) seed);
                    arb_clear(q);
                }
            }
            ck_assert_int_eq(eval_arb(fb, NULL, x, 1, O, A, e), 0);
            ck_assert(arb_overlaps(fb, s));
            ck_assert(mag_cmp_2exp_si(arb_radref(fb), -100) <= 0);
            cpwl_objective_clear(O);
            cpwl_arith_clear(A);
            arb_clear(fb);
            arb_clear(t);
            arb_clear(s);
            _arb_vec_clear(gb, n);
        }
        _fmpq_vec_clear(M, n * n);
        _fmpq_vec_clear(b, n);

        _fmpq_vec_clear(x, n);
    }
}
END_TEST
START_TEST(test_binary32_builtin)
{
    uint64_t seed = test_seed(0xb32);
    test_rng r = {seed};
    slong it, iters = test_iters(40), i, j, n;
    char spec[8192];
    for (it = 0; it < iters; it++)
    {
        cpwl_objective_t O;
        float Af[16], bf[4], xf[4], yf[4], gw[4], fw, s, c;
        double gg[4], ff;
        size_t p = 0;
        n = test_range(&r, 1, 4);
        for (i = 0; i < n; i++)
        {
            for (j = 0; j <= i; j++)
                Af[i * n + j] = Af[j * n + i] = rfloat(&r);
            bf[i] = rfloat(&r);
            xf[i] = rfloat(&r);
        }
        /* the spec with the floats as exact decimals (%a hex floats) */
        p += snprintf(spec + p, sizeof(spec) - p, "quadratic:A=");
        for (i = 0; i < n * n; i++)
            p += snprintf(spec + p, sizeof(spec) - p, "%a%s", (double) Af[i],
                          (i + 1) % n != 0 ? "," : ";");
        p += snprintf(spec + p, sizeof(spec) - p, "b=");
        for (i = 0; i < n; i++)
            p += snprintf(spec + p, sizeof(spec) - p, "%a%s", (double) bf[i],
                          i + 1 < n ? "," : "");
        obj_init(O, spec, n);
        eval_b32(&ff, gg, xf, O);
        for (i = 0; i < n; i++)
        {
            yf[i] = dot_f(Af + i * n, xf, n);
            gw[i] = yf[i] - bf[i];
            expect_bits("quadratic gradient", gg[i], gw[i], seed);
        }
        s = dot_f(xf, yf, n);
        s = 0.5f * s;
        c = dot_f(bf, xf, n);
        fw = s - c;
        expect_bits("quadratic value", ff, fw, seed);
        cpwl_objective_clear(O);

        /* pseudo-huber: r = sqrt(1 + x x); g = x / r; f = r_0 + r_1 + ... */
        obj_init(O, "pseudo-huber", n);
        eval_b32(&ff, gg, xf, O);
        fw = 0.0f;
        for (i = 0; i < n; i++)
        {
            float sq = xf[i] * xf[i], t = 1.0f + sq, rr = sqrtf(t);
            gw[i] = xf[i] / rr;
            fw = i == 0 ? rr : fw + rr;
            expect_bits("pseudo-huber gradient", gg[i], gw[i], seed);
        }
        expect_bits("pseudo-huber value", ff, fw, seed);
        cpwl_objective_clear(O);

        /* rosenbrock with a, b floats */
        {
            float a = rfloat(&r), b = (float) test_range(&r, 1, 200);
            float x = xf[0] / 8, y = yf[0] / 64, u, w, t1, t2;
            float xy[2];
            snprintf(spec, sizeof(spec), "rosenbrock:a=%a;b=%a", (double) a,
                     (double) b);
            obj_init(O, spec, 2);
            xy[0] = x;
            xy[1] = y;
            eval_b32(&ff, gg, xy, O);
            u = a - x;
            t1 = x * x;
            w = y - t1;
            t1 = u * u;
            t2 = w * w;
            t2 = b * t2;
            fw = t1 + t2;
            expect_bits("rosenbrock value", ff, fw, seed);
            t1 = 2.0f * u;
            t2 = (4.0f * b) * x;
            t2 = t2 * w;
            t1 = t1 + t2;
            expect_bits("rosenbrock g_x", gg[0], -t1, seed);
            expect_bits("rosenbrock g_y", gg[1], (2.0f * b) * w, seed);
            cpwl_objective_clear(O);

            /* beale */
            {
                float cc[3] = {1.5f, 2.25f, 2.625f}, pk[3], rk[3], q[3], e3[3];
                obj_init(O, "beale", 2);
                x = xf[0] / 16;
                y = xf[n - 1] / 64;
                xy[0] = x;
                xy[1] = y;
                eval_b32(&ff, gg, xy, O);
                pk[0] = y;
                pk[1] = pk[0] * y;
                pk[2] = pk[1] * y;
                for (i = 0; i < 3; i++)
                {
                    float d = cc[i] - x, m = x * pk[i];
                    rk[i] = d + m;
                    q[i] = pk[i] - 1.0f;
                }
                expect_bits("beale value", ff, dot_f(rk, rk, 3), seed);
                expect_bits("beale g_x", gg[0], 2.0f * dot_f(rk, q, 3), seed);
                e3[0] = x;
                e3[1] = (2.0f * x) * pk[0];
                e3[2] = (3.0f * x) * pk[1];
                expect_bits("beale g_y", gg[1], 2.0f * dot_f(rk, e3, 3), seed);
                cpwl_objective_clear(O);
            }
        }
    }
}
END_TEST
int main(void)
{
    Suite *s = suite_create("objective");
    TCase *tc = tcase_create("objective");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_spec_examples);
    tcase_add_test(tc, test_spec_errors);
    tcase_add_test(tc, test_quadratic_constants);
    tcase_add_test(tc, test_quadratic_random_constants);
    tcase_add_test(tc, test_grad_interp_builtin);
    tcase_add_test(tc, test_reddi);
    tcase_add_test(tc, test_arb);
    tcase_add_test(tc, test_binary32_builtin);
    suite_add_tcase(s, tc);
    return test_run(s);
}
