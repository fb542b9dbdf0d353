/* Module gauss: the certified KL against the closed form ln 2 - 3/8 (and
   d copies, shared variances), against the every-term-in-Arb reference
   at 256 bits on seeded inputs of every magnitude (subnormal and huge
   sigmas force the fallback), its radius against the a-priori bound of
   the derivation evaluated at 256 bits (the reference bound of
   docs/numerics.md), edge terms that break the error model one hypothesis
   at a time; the grid against its definition and the union term against
   ln(pi^2/6) + 2 ln j; bad input refused with its index. */
#include <float.h>
#include <math.h>
#include <string.h>
#include "gauss_impl.h"
#include "testutil.h"

#define REF_PREC 256

/* x contains y (so the real that y encloses), with a readable failure. */
static void assert_contains(const arb_t x, const arb_t y, const char *what)
{
    if (!arb_contains(x, y))
    {
        char *sx = arb_get_str(x, 25, 0), *sy = arb_get_str(y, 25, 0);
        ck_abort_msg("%s: %s does not contain %s", what, sx, sy);
    }
}

/* ln 2 - 3/8, times d */
static void closed_form(arb_t r, slong d)
{
    arb_const_log2(r, REF_PREC);
    arb_sub_ui(r, r, 0, REF_PREC);
    {
        arb_t t;
        arb_init(t);
        arb_set_ui(t, 3);
        arb_mul_2exp_si(t, t, -3);
        arb_sub(r, r, t, REF_PREC);
        arb_clear(t);
    }
    arb_mul_si(r, r, d, REF_PREC);
}

static void kl_ok(arb_t r, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                  slong prec, int arb)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if ((arb ? cpwl_gauss_kl_arb(r, Q, P, prec, e)
         : cpwl_gauss_kl(r, Q, P, prec, e)) != CPWL_OK)
        ck_abort_msg("kl: %s", e->msg);
}

START_TEST(test_closed_form)
{
    /* KL(N(0, 1/4) || N(0, 1)) = ln 2 - 3/8 per weight, every way of
       giving the variances */
    slong ds[] = {1, 2, 3, 1000}, i, way;
    arb_t r, ref;
    arb_init(r);
    arb_init(ref);
    for (i = 0; i < 4; i++)
        for (way = 0; way < 4; way++)
        {
            cpwl_gauss_t Q, P;
            slong k, d = ds[i];
            cpwl_gauss_init(Q, d);
            cpwl_gauss_init(P, d);
            for (k = 0; k < d; k++)
                Q->sigma[k] = 0.5;
            if (way & 1)
                cpwl_gauss_set_shared_d(Q, 0.5, 128);
            if (way & 2)
                cpwl_gauss_set_shared_d(P, 1.0, 128);
            closed_form(ref, d);
            kl_ok(r, Q, P, 128, 0);
            assert_contains(r, ref, "fast");
            /* and tight: the bound is a few d u */
            ck_assert(mag_cmp_2exp_si(arb_radref(r), -30) < 0);
            kl_ok(r, Q, P, 128, 1);
            assert_contains(r, ref, "arb");
            ck_assert_double_eq_tol(cpwl_gauss_kl_d(Q, P),
                                    d * (log(2) - 0.375), 1e-9 * d);
            cpwl_gauss_clear(Q);
            cpwl_gauss_clear(P);
        }
    arb_clear(r);
    arb_clear(ref);
}
END_TEST

/* A positive double of the given magnitude class: 0 moderate, 1 wide,
   2 subnormal, 3 huge, 4 with a few significant bits (exact products). */
static double rand_pos(test_rng *r, int cls)
{
    double m = test_unif(r, 1, 2);
    switch (cls)
    {
        case 0:
            return ldexp(m, (int) test_range(r, -30, 30));
        case 1:
            return ldexp(m, (int) test_range(r, -540, 540));
        case 2:
            return ldexp(m, (int) test_range(r, -1070, -1023));
        case 3:
            return ldexp(m, (int) test_range(r, 500, 1022));
        default:
            return ldexp((double) test_range(r, 1, 7),
                         (int) test_range(r, -20, 20));
    }
}

static void rand_gauss(cpwl_gauss_t G, test_rng *r, const cpwl_gauss_t other)
{
    slong i;
    int cls = (int) test_range(r, 0, 4);
    for (i = 0; i < G->d; i++)
    {
        int c = test_range(r, 0, 9) == 0 ? (int) test_range(r, 0, 4) : cls;
        G->sigma[i] = rand_pos(r, c);
        switch (test_range(r, 0, 4))
        {
            case 0:
                G->mu[i] = 0;
                break;
            case 1:             /* the same mean: t = 0 */
                G->mu[i] = other != NULL ? other->mu[i] : 1;
                break;
            case 2:             /* one ulp away: a tiny or subnormal t */
                G->mu[i] = other != NULL
                    ? nextafter(other->mu[i], INFINITY) : 0;
                break;
            default:
                G->mu[i] = (test_range(r, 0, 1) ? 1 : -1)
                    * rand_pos(r, c == 2 ? 0 : c);
        }
    }
}

START_TEST(test_random_vs_arb)
{
    test_rng r;
    slong it, iters = test_iters(300);
    arb_t fast, ref, v;
    r.s = test_seed(17001);
    arb_init(fast);
    arb_init(ref);
    arb_init(v);
    for (it = 0; it < iters; it++)
    {
        cpwl_gauss_t Q, P;
        slong d = test_range(&r, 1, it % 10 == 0 ? 2000 : 40);
        cpwl_gauss_init(Q, d);
        cpwl_gauss_init(P, d);
        rand_gauss(P, &r, NULL);
        rand_gauss(Q, &r, P);
        if (test_range(&r, 0, 3) == 0)
            cpwl_gauss_set_shared_d(Q, rand_pos(&r, 0), 128);
        if (test_range(&r, 0, 3) == 0)
        {
            /* an inexact shared variance: e^{-j/3} */
            arb_set_si(v, -test_range(&r, 1, 40));
            arb_div_ui(v, v, 3, 128);
            arb_exp(v, v, 128);
            cpwl_gauss_set_shared(P, v, 128);
        }
        kl_ok(ref, Q, P, REF_PREC, 1);
        kl_ok(fast, Q, P, 128, 0);
        assert_contains(fast, ref, "fast vs arb");
        kl_ok(fast, Q, P, 96, 1);
        assert_contains(fast, ref, "arb at 96 vs 256");
        /* the parts on their own */
        _gauss_quad_arb(ref, Q, P, REF_PREC);
        _gauss_quad_fast(fast, Q, P, 128);
        assert_contains(fast, ref, "quadratic part");
        cpwl_gauss_clear(Q);
        cpwl_gauss_clear(P);
    }
    arb_clear(fast);
    arb_clear(ref);
    arb_clear(v);
}
END_TEST

START_TEST(test_radius_small)
{
    /* d = 10^5 moderate weights: the ball's relative radius <= 1e-9 */
    test_rng r;
    slong i, d = 100000;
    cpwl_gauss_t Q, P;
    arb_t fast, ref;
    r.s = test_seed(17002);
    arb_init(fast);
    arb_init(ref);
    cpwl_gauss_init(Q, d);
    cpwl_gauss_init(P, d);
    for (i = 0; i < d; i++)
    {
        Q->sigma[i] = test_unif(&r, 0.001, 0.1);
        P->sigma[i] = test_unif(&r, 0.01, 0.1);
        Q->mu[i] = test_unif(&r, -1, 1);
        P->mu[i] = Q->mu[i] + test_unif(&r, -0.1, 0.1);
    }
    kl_ok(fast, Q, P, 128, 0);
    kl_ok(ref, Q, P, REF_PREC, 1);
    assert_contains(fast, ref, "d = 1e5");
    {
        arb_t t;
        arb_init(t);
        arb_get_rad_arb(t, fast);
        arb_div(t, t, ref, 64);
        arb_mul_2exp_si(t, t, 0);
        ck_assert_msg(arf_cmp_d(arb_midref(t), 1e-9) < 0,
                      "relative radius %g", arf_get_d(arb_midref(t),
                                                      ARF_RND_NEAR));
        arb_clear(t);
    }
    cpwl_gauss_clear(Q);
    cpwl_gauss_clear(P);
    arb_clear(fast);
    arb_clear(ref);
}
END_TEST

/* g = -ln(1 - gamma_n) at REF_PREC, gamma_n = n u / (1 - n u): the
   a-priori bound on |ln(1 + theta_n)|. */
static void ref_log_err(arb_t g, slong n)
{
    arb_t t;
    arb_init(t);
    arb_set_si(g, n);
    arb_mul_2exp_si(g, g, -53);
    arb_sub_ui(t, g, 1, REF_PREC);
    arb_neg(t, t);
    arb_div(g, g, t, REF_PREC);     /* gamma_n */
    arb_sub_ui(g, g, 1, REF_PREC);
    arb_neg(g, g);
    arb_log(g, g, REF_PREC);
    arb_neg(g, g);
    arb_clear(t);
}

static void gamma_n(arb_t g, slong n)
{
    arb_t t;
    arb_init(t);
    arb_set_si(g, n);
    arb_mul_2exp_si(g, g, -53);
    arb_sub_ui(t, g, 1, REF_PREC);
    arb_neg(t, t);
    arb_div(g, g, t, REF_PREC);
    arb_clear(t);
}

/* rad(x) >= y (the upper end of y) */
static void assert_rad_ge(const arb_t x, const arb_t y, const char *what)
{
    arb_t t;
    arb_init(t);
    arb_get_rad_arb(t, x);
    if (!arb_ge(t, y))
    {
        char *sx = arb_get_str(t, 10, 0), *sy = arb_get_str(y, 10, 0);
        ck_abort_msg("%s: radius %s below the a-priori bound %s", what, sx,
                     sy);
    }
    arb_clear(t);
}

START_TEST(test_reference_bound)
{
    /* The code's radius must not be below the derivation's worst case
       evaluated exactly: -ln(1 - gamma_{n-1}) for a product's logarithm;
       gamma_{n-1+k} times the exact sum for a quadratic sum of terms of
       k roundings (6, 4, 2 and 5, 3 by case). */
    test_rng r;
    slong ns[] = {1, 2, 3, 7, 1000}, a, way, i;
    arb_t x, ref, t, g, part;
    r.s = test_seed(17003);
    arb_init(x);
    arb_init(ref);
    arb_init(t);
    arb_init(g);
    arb_init(part);
    for (a = 0; a < 5; a++)
    {
        slong n = ns[a];
        double *s = flint_malloc(n * sizeof(double));
        for (i = 0; i < n; i++)
            s[i] = test_unif(&r, 1, 2);
        _gauss_log_prod(x, s, n, 128);
        ref_log_err(ref, n - 1);
        assert_rad_ge(x, ref, "log of a product");
        flint_free(s);
        for (way = 0; way < 4; way++)
        {
            cpwl_gauss_t Q, P;
            cpwl_gauss_init(Q, n);
            cpwl_gauss_init(P, n);
            for (i = 0; i < n; i++)
            {
                Q->sigma[i] = test_unif(&r, 1, 2);
                P->sigma[i] = test_unif(&r, 1, 2);
                Q->mu[i] = test_unif(&r, 1, 2);
                P->mu[i] = -test_unif(&r, 1, 2);
            }
            if (way & 1)
                cpwl_gauss_set_shared_d(Q, 1.25, 128);
            if (way & 2)
                cpwl_gauss_set_shared_d(P, 1.5, 128);
            _gauss_quad_fast(x, Q, P, 128);
            arb_zero(ref);
            if (way == 0 || way == 2)
            {
                /* one sum; k = 6 (per-weight) or 4 (divided by var) */
                _gauss_quad_arb(part, Q, P, REF_PREC);
                gamma_n(g, n - 1 + (way == 0 ? 6 : 4));
                arb_mul(ref, part, g, REF_PREC);
            }
            else if (way == 1)
            {
                /* var_q sum 1/sp^2 (k = 2) + sum t^2/sp^2 (k = 5) */
                for (i = 0; i < n; i++)
                {
                    arb_set_d(t, P->sigma[i]);
                    arb_sqr(t, t, REF_PREC);
                    arb_inv(t, t, REF_PREC);
                    arb_mul(t, t, Q->var, REF_PREC);
                    gamma_n(g, n - 1 + 2);
                    arb_addmul(ref, t, g, REF_PREC);
                    arb_set_d(t, Q->mu[i]);
                    arb_set_d(part, P->mu[i]);
                    arb_sub(t, t, part, REF_PREC);
                    arb_sqr(t, t, REF_PREC);
                    arb_set_d(part, P->sigma[i]);
                    arb_sqr(part, part, REF_PREC);
                    arb_div(t, t, part, REF_PREC);
                    gamma_n(g, n - 1 + 5);
                    arb_addmul(ref, t, g, REF_PREC);
                }
            }
            else
            {
                /* sum t^2 (k = 3), divided by var_p */
                for (i = 0; i < n; i++)
                {
                    arb_set_d(t, Q->mu[i]);
                    arb_set_d(part, P->mu[i]);
                    arb_sub(t, t, part, REF_PREC);
                    arb_sqr(t, t, REF_PREC);
                    arb_div(t, t, P->var, REF_PREC);
                    gamma_n(g, n - 1 + 3);
                    arb_addmul(ref, t, g, REF_PREC);
                }
            }
            assert_rad_ge(x, ref, "quadratic sum");
            cpwl_gauss_clear(Q);
            cpwl_gauss_clear(P);
        }
    }
    arb_clear(x);
    arb_clear(ref);
    arb_clear(t);
    arb_clear(g);
    arb_clear(part);
}
END_TEST

/* One weight (or n equal ones) per case, each breaking one hypothesis of
   the double error model: the parts must still contain the exact value. */
START_TEST(test_edge_terms)
{
    struct
    {
        double mq, sq, mp, sp;
    }
    c[] = {
        {0, 0x1p-540, 0, 1},            /* sq^2 underflows to 0 */
        {0, 0x1p-515, 0, 1},            /* sq^2 subnormal */
        {0x1p-1074, 1, 0, 1},           /* t subnormal, t^2 = 0 */
        {0x1p-520, 1, 0, 1},            /* t^2 subnormal */
        {0, 1, 0, 0x1p-520},            /* sp^2 subnormal */
        {0, 1, 0, 0x1p+600},            /* sp^2 overflows: T would be 0 */
        {0, 0x1p-300, 0, 0x1p+300},     /* T subnormal */
        {0, 0x1p+600, 0, 1},            /* sq^2 overflows */
        {0x1p+1000, 1, -0x1p+1000, 1},  /* t overflows */
        {0, 1, 0, 0x1p+511 * 1.5},      /* 1/sp^2 subnormal */
        {1, 0x1p-1074, 0, 0x1p-1074},   /* subnormal sigmas */
        /* inexact results below DBL_MIN (sq^2, sp^2, t^2, 1/sp^2,
           t^2/sp^2) in a term that stays normal and dominates its sum */
        {0, 0x1.000002p-515, 0, 0x1p-511},
        {0, 0x1p-500, 0, 0x1.000002p-515},
        {0x1.000002p-520, 0x1p-1000, 0, 1},
        {0x1.000002p-500, 0x1p-1000, 0, 0x1p+20},
        {0x1.000002p-515, 0x1p-1000, 0, 0x1p-511},
        {0.1, 0.3, 0.2, 0.7},           /* all ordinary */
    };
    slong i, way, n;
    arb_t x, ref;
    arb_init(x);
    arb_init(ref);
    for (i = 0; i < (slong) (sizeof c / sizeof c[0]); i++)
        for (n = 1; n <= 5; n += 4)
            for (way = 0; way < 4; way++)
            {
                cpwl_gauss_t Q, P;
                slong k;
                cpwl_gauss_init(Q, n);
                cpwl_gauss_init(P, n);
                for (k = 0; k < n; k++)
                {
                    Q->mu[k] = c[i].mq;
                    Q->sigma[k] = c[i].sq;
                    P->mu[k] = c[i].mp;
                    P->sigma[k] = c[i].sp;
                }
                if (way & 1)
                    cpwl_gauss_set_shared_d(Q, c[i].sq, 128);
                if (way & 2)
                    cpwl_gauss_set_shared_d(P, c[i].sp, 128);
                _gauss_quad_fast(x, Q, P, 128);
                _gauss_quad_arb(ref, Q, P, REF_PREC);
                if (!arb_contains(x, ref))
                    ck_abort_msg("case %ld, way %ld, n %ld: quadratic part",
                                 (long) i, (long) way, (long) n);
                if (Q->sigma != NULL)
                {
                    _gauss_log_prod(x, Q->sigma, n, 128);
                    arb_set_d(ref, c[i].sq);
                    arb_log(ref, ref, REF_PREC);
                    arb_mul_si(ref, ref, n, REF_PREC);
                    assert_contains(x, ref, "log part");
                }
                kl_ok(ref, Q, P, REF_PREC, 1);
                kl_ok(x, Q, P, 128, 0);
                assert_contains(x, ref, "kl");
                cpwl_gauss_clear(Q);
                cpwl_gauss_clear(P);
            }
    arb_clear(x);
    arb_clear(ref);
}
END_TEST

START_TEST(test_log_product)
{
    /* products whose roundings accumulate: significands 1 + 2^-27 + ...
       (each square rounds), and many factors of 2 - ulp (the running
       product is renormalised), against the sum of 256-bit logarithms */
    test_rng r;
    slong n, i, it;
    arb_t x, ref, t;
    r.s = test_seed(17004);
    arb_init(x);
    arb_init(ref);
    arb_init(t);
    for (it = 0; it < 40; it++)
    {
        n = test_range(&r, 1, it < 20 ? 50 : 5000);
        double *s = flint_malloc(n * sizeof(double));
        for (i = 0; i < n; i++)
        {
            switch (it % 4)
            {
                case 0:
                    s[i] = 1 + 0x1p-27 + 0x1p-52;
                    break;
                case 1:
                    s[i] = nextafter(2.0, 0) * ldexp(1, (int) test_range(&r, -1074, 1000));
                    break;
                case 2:
                    s[i] = rand_pos(&r, (int) test_range(&r, 0, 4));
                    break;
                default:
                    s[i] = 1 + test_next(&r) % 1024 * 0x1p-52;
            }
        }
        _gauss_log_prod(x, s, n, 128);
        arb_zero(ref);
        for (i = 0; i < n; i++)
        {
            arb_set_d(t, s[i]);
            arb_log(t, t, REF_PREC);
            arb_add(ref, ref, t, REF_PREC);
        }
        assert_contains(x, ref, "log of a product");
        flint_free(s);
    }
    arb_clear(x);
    arb_clear(ref);
    arb_clear(t);
}
END_TEST

static void check_bad(cpwl_gauss_t G, const char *want)
{
    cpwl_err_t e;
    cpwl_gauss_t P;
    arb_t r;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_check(G, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, want) != NULL, "\"%s\" lacks \"%s\"",
                  e->msg, want);
    /* and the KL refuses it on either side */
    cpwl_gauss_init(P, G->d);
    arb_init(r);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_kl(r, G, P, 64, e), CPWL_ERR_INPUT);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_kl(r, P, G, 64, e), CPWL_ERR_INPUT);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_kl_arb(r, P, G, 64, e), CPWL_ERR_INPUT);
    cpwl_gauss_clear(P);
    arb_clear(r);
}

START_TEST(test_errors)
{
    cpwl_gauss_t G, P;
    cpwl_err_t e;
    arb_t r;
    arb_init(r);
    cpwl_gauss_init(G, 20);
    G->sigma[17] = 0;
    check_bad(G, "weight 17: sigma must be > 0");
    G->sigma[17] = -1;
    check_bad(G, "weight 17: sigma");
    G->sigma[17] = INFINITY;
    check_bad(G, "weight 17: sigma");
    G->sigma[17] = NAN;
    check_bad(G, "weight 17: sigma");
    G->sigma[17] = 1;
    G->mu[3] = NAN;
    check_bad(G, "weight 3: mean must be finite");
    G->mu[3] = -INFINITY;
    check_bad(G, "weight 3: mean must be finite");
    G->mu[3] = 0;
    arb_zero(r);
    cpwl_gauss_set_shared(G, r, 64);
    check_bad(G, "shared variance must be > 0");
    arb_set_si(r, -1);
    cpwl_gauss_set_shared(G, r, 64);
    check_bad(G, "shared variance must be > 0");
    cpwl_gauss_clear(G);
    /* sizes differ */
    cpwl_gauss_init(G, 3);
    cpwl_gauss_init(P, 4);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_kl(r, G, P, 64, e), CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "3 and 4") != NULL);
    cpwl_gauss_clear(G);
    cpwl_gauss_clear(P);
    /* d = 0: KL = 0 exactly */
    cpwl_gauss_init(G, 0);
    cpwl_gauss_init(P, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_kl(r, G, P, 64, e), CPWL_OK);
    ck_assert(arb_is_zero(r));
    cpwl_gauss_clear(G);
    cpwl_gauss_clear(P);
    arb_clear(r);
}
END_TEST

/* s2_j = c e^{-j/b} at REF_PREC, written out here */
static void grid_point(arb_t v, const fmpq_t c, slong b, slong j)
{
    arb_t t;
    arb_init(t);
    arb_set_si(t, -j);
    arb_div_si(t, t, b, REF_PREC);
    arb_exp(t, t, REF_PREC);
    arb_set_fmpq(v, c, REF_PREC);
    arb_mul(v, v, t, REF_PREC);
    arb_clear(t);
}

START_TEST(test_grid)
{
    const char *cs[] = {"1", "1/10", "7/3", "1/1000000"};
    slong bs[] = {1, 3, 100}, ci, bi, j;
    fmpq_t c;
    arb_t v, w, ref;
    cpwl_err_t e;
    fmpq_init(c);
    arb_init(v);
    arb_init(w);
    arb_init(ref);
    for (ci = 0; ci < 4; ci++)
        for (bi = 0; bi < 3; bi++)
            for (j = 1; j <= 60; j += (j < 10 ? 1 : 7))
            {
                slong b = bs[bi], got = -1;
                fmpq_set_str(c, cs[ci], 10);
                cpwl_err_init(e);
                ck_assert_int_eq(cpwl_gauss_grid_var(v, c, b, j, 128, e),
                                 CPWL_OK);
                grid_point(ref, c, b, j);
                assert_contains(v, ref, "grid_var");
                /* the ball itself round-trips */
                ck_assert_int_eq(cpwl_gauss_grid_index(&got, v, c, b, 64, e),
                                 CPWL_OK);
                ck_assert_int_eq(got, j);
                /* exact dyadics just below and just above the point */
                arb_set_arf(w, arb_midref(ref));
                arf_mul_2exp_si(arb_midref(w), arb_midref(w), 0);
                arb_set_round(w, w, 200);
                arb_set_arf(w, arb_midref(w));
                {
                    arf_t d;
                    arf_init(d);
                    /* w -/+ 2^-150 |w| */
                    arf_mul_2exp_si(d, arb_midref(w), -150);
                    arf_sub(arb_midref(w), arb_midref(w), d, ARF_PREC_EXACT,
                            ARF_RND_DOWN);
                    ck_assert(arb_lt(w, ref));
                    ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, b, 64,
                                                           e), CPWL_OK);
                    ck_assert_int_eq(got, j + 1);
                    arf_mul_2exp_si(d, d, 1);
                    arf_add(arb_midref(w), arb_midref(w), d, ARF_PREC_EXACT,
                            ARF_RND_DOWN);
                    ck_assert(arb_gt(w, ref));
                    if (j > 1)
                    {
                        ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, b,
                                                               64, e),
                                         CPWL_OK);
                        ck_assert_int_eq(got, j);
                    }
                    arf_clear(d);
                }
            }
    /* between the first point and c: j = 1; at or above c: refused */
    fmpq_set_str(c, "1/2", 10);
    arb_set_d(w, 0.45);
    slong got = -1;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, 1, 64, e), CPWL_OK);
    ck_assert_int_eq(got, 1);
    arb_set_d(w, 0.5);
    ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, 1, 64, e),
                     CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "no grid index j >= 1") != NULL);
    arb_set_d(w, 3);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, 1, 64, e),
                     CPWL_ERR_INPUT);
    arb_zero(w);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, 1, 64, e),
                     CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "must be > 0") != NULL);
    arb_set_d(w, 0.1);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, 0, 64, e),
                     CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "b must be >= 1") != NULL);
    fmpq_set_si(c, -1, 2);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, 1, 64, e),
                     CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "c must be > 0") != NULL);
    fmpq_set_si(c, 1, 2);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_grid_var(v, c, 1, 0, 64, e), CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "grid index 0: must be >= 1") != NULL);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_grid_var(v, c, 1, -3, 64, e),
                     CPWL_ERR_INPUT);
    /* a variance far below the grid: a large index, still exact */
    arb_set_d(w, 0x1p-1000);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_gauss_grid_index(&got, w, c, 1000, 64, e),
                     CPWL_OK);
    /* ceil(1000 ln(2^999)) = ceil(692454.03...) */
    ck_assert_int_eq(got, 692455);
    fmpq_clear(c);
    arb_clear(v);
    arb_clear(w);
    arb_clear(ref);
}
END_TEST

START_TEST(test_union_term)
{
    slong js[] = {1, 2, 3, 10, 1000, WORD(1) << 40}, i;
    arb_t u, ref, t;
    arb_init(u);
    arb_init(ref);
    arb_init(t);
    for (i = 0; i < 6; i++)
    {
        /* ln(pi^2 / 6) + 2 ln j */
        arb_const_pi(ref, REF_PREC);
        arb_sqr(ref, ref, REF_PREC);
        arb_div_ui(ref, ref, 6, REF_PREC);
        arb_log(ref, ref, REF_PREC);
        arb_set_si(t, js[i]);
        arb_log(t, t, REF_PREC);
        arb_mul_2exp_si(t, t, 1);
        arb_add(ref, ref, t, REF_PREC);
        cpwl_gauss_grid_union_term(u, js[i], 64);
        ck_assert(arb_overlaps(u, ref));
        ck_assert(mag_cmp_2exp_si(arb_radref(u), -55) < 0);
    }
    /* j = 1: ln(pi^2/6) = 0.4977003... */
    cpwl_gauss_grid_union_term(u, 1, 64);
    ck_assert(arf_cmp_d(arb_midref(u), 0.4977) > 0
              && arf_cmp_d(arb_midref(u), 0.4978) < 0);
    arb_clear(u);
    arb_clear(ref);
    arb_clear(t);
}
END_TEST

static Suite *gauss_suite(void)
{
    Suite *s = suite_create("gauss");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_closed_form);
    tcase_add_test(tc, test_random_vs_arb);
    tcase_add_test(tc, test_radius_small);
    tcase_add_test(tc, test_reference_bound);
    tcase_add_test(tc, test_edge_terms);
    tcase_add_test(tc, test_log_product);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_grid);
    tcase_add_test(tc, test_union_term);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(gauss_suite());
}
