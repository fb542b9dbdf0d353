/* The optimiser's fast path (cpwl_optim_fast_*) against the engine
   (cpwl_optim_step) in the emulated binary64 and binary32 arithmetics:
   from the same iterate, with the gradient the engine used, every fast
   step must give the engine's iterate bit for bit (the engine's float
   runs are themselves checked against a plain C loop and hand-derived
   steps in test_optim), and nag's look-ahead point must be the engine's.
   Every algorithm and form, amsgrad, the a/sqrt(t) schedule and the
   compensated update, on a quadratic and on pseudo-huber (whose
   gradients are not dyadic), with step constants drawn at random from
   the seed. */
#include <check.h>
#include <math.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"

typedef struct
{
    const char *algo;
    int amsgrad, sqrt_schedule, kahan;
}
fast_case;

static const fast_case fast_cases[] =
{
    {"gd", 0, 0, 0}, {"gd", 0, 1, 0}, {"gd", 0, 0, 1}, {"sgd", 0, 0, 0},
    {"heavy-ball", 0, 0, 0}, {"nag", 0, 0, 0}, {"nag", 0, 1, 1},
    {"rmsprop:paper", 0, 0, 0}, {"rmsprop:pytorch", 0, 0, 0},
    {"rmsprop:tensorflow", 0, 1, 0}, {"adam:paper", 0, 0, 0},
    {"adam:paper", 1, 0, 1}, {"adam:kingma-ba", 0, 0, 0},
    {"adam:kingma-ba", 1, 1, 0}
};

#define NCASES ((slong) (sizeof(fast_cases) / sizeof(fast_cases[0])))

/* a rational in (0, 1) with a denominator that is not a power of 2 */
static void fast_rand_unit(fmpq_t q, test_rng *r, slong lo, slong hi)
{
    slong den = 2 * test_range(r, 50, 5000) + 1;

    fmpq_set_si(q, test_range(r, lo * den / 1000, hi * den / 1000), den);
}

/* The same value: equal with the same sign (so +0 and -0 differ), or
   both NaN (whose sign and payload IEEE 754 leaves open). */
static int fast_same(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b && signbit(a) == signbit(b);
}

static slong fast_finite = 0;      /* runs whose last iterate is finite */

/* Run the case on objective spec (x1 given) for T steps in format fmt,
   engine and fast path side by side; 0 when every step agrees. */
static int fast_run(const fast_case *c, const char *spec, slong dim,
                    cpwl_ieee_fmt fmt, test_rng *r, slong T, uint64_t seed)
{
    cpwl_optim_opts_t o;
    cpwl_objective_t O;
    cpwl_arith_t A;
    cpwl_optim_t R;
    cpwl_optim_fast_t F;
    cpwl_err_t e;
    fmpq *x1;
    double *xd = NULL, *yd = NULL, *gd = NULL;
    float *xf = NULL, *yf = NULL, *gf = NULL;
    const double *pd;
    const float *pf;
    int single = fmt == CPWL_IEEE_BINARY32, bad = 0;
    slong i, t;

    cpwl_err_init(e);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, c->algo));
    o->amsgrad = c->amsgrad;
    o->kahan = c->kahan;
    o->schedule = c->sqrt_schedule ? CPWL_OPTIM_SCHEDULE_SQRT
                                   : CPWL_OPTIM_SCHEDULE_CONST;
    fast_rand_unit(o->lr, r, 1, 200);
    fast_rand_unit(o->momentum, r, 500, 990);
    fast_rand_unit(o->beta1, r, 800, 990);
    fast_rand_unit(o->beta2, r, 900, 999);
    fast_rand_unit(o->xi, r, 1, 100);
    fast_rand_unit(o->eps, r, 1, 100);
    o->steps = T;
    ck_assert_int_eq(cpwl_objective_init_str(O, spec, dim, e), 0);
    if (o->algo == CPWL_OPTIM_SGD)      /* the engine's sgd on a non-sum */
        o->algo = CPWL_OPTIM_GD;        /* is refused: the same step */
    cpwl_arith_init_float(A, fmt, 0, 0);
    x1 = _fmpq_vec_init(O->dim);
    for (i = 0; i < O->dim; i++)
        fmpq_set_si(x1 + i, test_range(r, -300, 300), test_range(r, 1, 97));
    ck_assert_int_eq(cpwl_optim_init(R, o, O, x1, A, e), 0);
    ck_assert_int_eq(cpwl_optim_fast_init(F, o, O->dim, single, e), 0);
    if (single)
    {
        xf = flint_malloc(O->dim * sizeof(float));
        yf = flint_malloc(O->dim * sizeof(float));
        gf = flint_malloc(O->dim * sizeof(float));
        for (i = 0; i < O->dim; i++)
            xf[i] = (float) R->x[i].d;
    }
    else
    {
        xd = flint_malloc(O->dim * sizeof(double));
        yd = flint_malloc(O->dim * sizeof(double));
        gd = flint_malloc(O->dim * sizeof(double));
        for (i = 0; i < O->dim; i++)
            xd[i] = R->x[i].d;
    }
    for (t = 1; t <= T && !bad; t++)
    {
        ck_assert_int_eq(cpwl_optim_step(R, e), 0);
        if (single)
        {
            pf = cpwl_optim_fast_point_f(yf, F, xf);
            /* nag's look-ahead is the engine's; the others use x_t */
            if (pf != (o->algo == CPWL_OPTIM_NAG ? yf : xf))
                bad = 1;
            for (i = 0; i < O->dim; i++)
            {
                gf[i] = (float) R->g[i].d;
                if (o->algo == CPWL_OPTIM_NAG && !fast_same(pf[i], R->y[i].d))
                    bad = 1;
            }
            cpwl_optim_fast_step_f(F, xf, gf);
            for (i = 0; i < O->dim; i++)
                if (!fast_same(xf[i], R->x[i].d))
                    bad = 1;
        }
        else
        {
            pd = cpwl_optim_fast_point_d(yd, F, xd);
            /* nag's look-ahead is the engine's; the others use x_t */
            if (pd != (o->algo == CPWL_OPTIM_NAG ? yd : xd))
                bad = 1;
            for (i = 0; i < O->dim; i++)
            {
                gd[i] = R->g[i].d;
                if (o->algo == CPWL_OPTIM_NAG && !fast_same(pd[i], R->y[i].d))
                    bad = 1;
            }
            cpwl_optim_fast_step_d(F, xd, gd);
            for (i = 0; i < O->dim; i++)
                if (!fast_same(xd[i], R->x[i].d))
                    bad = 1;
        }
        if (F->t != R->t || F->stagnant != R->stagnant)
            bad = 1;
        if (bad)
            fprintf(stderr, "test_optim_fast: %s (amsgrad %d, sqrt %d, kahan "
                    "%d) on %s in %s differs at step %ld (seed %llu)\n",
                    c->algo, c->amsgrad, c->sqrt_schedule, c->kahan, spec,
                    cpwl_ieee_fmt_name(fmt), (long) t,
                    (unsigned long long) seed);
    }
    /* a run that overflowed compares NaNs at its end: count the others */
    fast_finite += cpwl_optim_enclosure_ok(R, 0.0);
    flint_free(xd);
    flint_free(yd);
    flint_free(gd);
    flint_free(xf);
    flint_free(yf);
    flint_free(gf);
    cpwl_optim_fast_clear(F);
    cpwl_optim_clear(R);
    _fmpq_vec_clear(x1, O->dim);
    cpwl_objective_clear(O);
    cpwl_arith_clear(A);
    cpwl_optim_opts_clear(o);
    cpwl_err_clear(e);
    return bad;
}

START_TEST(test_fast_equals_engine)
{
    static const char *specs[] = {
        "quadratic:A=2,1/3,0;1/3,5/7,1/11;0,1/11,3;b=1/10,-3,7/9",
        "pseudo-huber", "rosenbrock"
    };
    static const slong dims[] = {-1, 17, -1};
    uint64_t seed = test_seed_once(20261207);
    test_rng r = {seed};
    slong k, s, f, T = test_iters(40);
    cpwl_ieee_fmt fmts[2] = {CPWL_IEEE_BINARY64, CPWL_IEEE_BINARY32};

    for (k = 0; k < NCASES; k++)
        for (s = 0; s < 3; s++)
            for (f = 0; f < 2; f++)
                ck_assert_msg(fast_run(fast_cases + k, specs[s], dims[s],
                                       fmts[f], &r, T, seed) == 0,
                              "fast path differs from the engine (seed %llu)",
                              (unsigned long long) seed);
    /* the comparisons are not vacuous: most runs stay finite */
    ck_assert_msg(fast_finite >= 3 * (NCASES * 3 * 2) / 4,
                  "only %ld of %ld runs stayed finite (seed %llu)",
                  (long) fast_finite, (long) (NCASES * 3 * 2),
                  (unsigned long long) seed);
}
END_TEST

/* The options the engine refuses are refused (with its messages). */
START_TEST(test_fast_refuses)
{
    cpwl_optim_opts_t o;
    cpwl_optim_fast_t F;
    cpwl_err_t e;

    cpwl_optim_opts_init(o);
    cpwl_err_init(e);
    fmpq_set_si(o->lr, -1, 2);
    ck_assert_int_eq(cpwl_optim_fast_init(F, o, 3, 0, e), CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "positive") != NULL);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    fmpq_set_si(o->lr, 1, 2);
    ck_assert(cpwl_optim_algo_from_str(o, "nag"));
    fmpq_set_si(o->momentum, 1, 1);
    ck_assert_int_eq(cpwl_optim_fast_init(F, o, 3, 1, e), CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "momentum") != NULL);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    fmpq_set_si(o->momentum, 1, 2);
    ck_assert_int_eq(cpwl_optim_fast_init(F, o, -1, 1, e), CPWL_ERR_INPUT);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_optim_fast_init(F, o, 0, 1, e), 0);
    cpwl_optim_fast_step_f(F, NULL, NULL);      /* dimension 0: nothing */
    ck_assert_int_eq(F->t, 2);
    cpwl_optim_fast_clear(F);
    cpwl_optim_opts_clear(o);
    cpwl_err_clear(e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("optim_fast");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fast_equals_engine);
    tcase_add_test(tc, test_fast_refuses);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
