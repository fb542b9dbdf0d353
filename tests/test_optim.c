/* The optimiser engine (cpwl/optim.h) against values derived elsewhere:
   the hand-derived first steps of RMSProp and ADAM (paper forms)
   on f = x^2/2, closed forms and linear recurrences of gd, heavy ball
   and nag on quadratics (exact), a plain C float/double loop written
   here in the documented operation order (bit for bit), and stagnation
   worked out by hand in binary16.  The objectives here are local to the
   test (f = 1/2 sum_i c_i (x - p_i)^2, a finite sum), so that the engine
   is tested apart from the objectives module. */
#include <check.h>
#include <math.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"

/* f = sum_i 1/2 (x - p_i)^2 in one dimension, terms i = 0 .. N-1;
   gradient sum_i (x - p_i), over the given terms, left to right. */
typedef struct
{
    slong N;
    fmpq p[4];
}
sq_data;

static int sq_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                   const slong *terms, slong nterms, slong t,
                   cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    sq_data *D = O->data;
    cpwl_val_t s, c;
    slong k, n = terms == NULL ? D->N : nterms;

    (void) t;
    (void) e;
    (void) f;
    cpwl_val_init(s, A);
    cpwl_val_init(c, A);
    cpwl_val_zero(g, A);
    for (k = 0; k < n; k++)
    {
        slong i = terms == NULL ? k : terms[k];

        cpwl_val_set_fmpq(c, D->p + i, A);
        cpwl_val_sub(s, x, c, A);
        if (k == 0)
            cpwl_val_set(g, s, A);
        else
            cpwl_val_add(g, g, s, A);
    }
    cpwl_val_clear(s, A);
    cpwl_val_clear(c, A);
    return 0;
}

static sq_data sq_store;

/* f = 1/2 sum (x - p_i)^2 with the given p_i (N of them). */
static void sq_init(cpwl_objective_t O, slong N, const slong *pn,
                    const slong *pd)
{
    slong i;

    memset(O, 0, sizeof(cpwl_objective_struct));
    strcpy(O->name, "test-sq");
    O->dim = 1;
    O->nterms = N;
    O->eval = sq_eval;
    O->data = &sq_store;
    sq_store.N = N;
    for (i = 0; i < N; i++)
    {
        fmpq_init(sq_store.p + i);
        fmpq_set_si(sq_store.p + i, pn[i], pd[i]);
    }
    fmpq_init(O->lo);
    fmpq_init(O->hi);
    fmpq_init(O->L);
    fmpq_init(O->sigma2);
    fmpq_init(O->fstar);
}

static void sq_clear(cpwl_objective_t O)
{
    slong i;

    for (i = 0; i < sq_store.N; i++)
        fmpq_clear(sq_store.p + i);
    fmpq_clear(O->lo);
    fmpq_clear(O->hi);
    fmpq_clear(O->L);
    fmpq_clear(O->sigma2);
    fmpq_clear(O->fstar);
}

/* f = x^2/2 */
static void half_sq(cpwl_objective_t O)
{
    slong z = 0, one = 1;

    sq_init(O, 1, &z, &one);
}

static void set_q(fmpq_t q, slong p, slong r)
{
    fmpq_set_si(q, p, r);
}

/* Run `steps` steps from x1 = num/den; leave the run in R for inspection. */
static void run(cpwl_optim_t R, cpwl_optim_opts_t o, cpwl_objective_t O,
                slong num, slong den, cpwl_arith_t A, slong steps)
{
    fmpq_t x1;
    cpwl_err_t e;
    slong k;

    fmpq_init(x1);
    cpwl_err_init(e);
    set_q(x1, num, den);
    ck_assert_msg(cpwl_optim_init(R, o, O, x1, A, e) == 0, "%s", e->msg);
    for (k = 0; k < steps; k++)
        ck_assert_msg(cpwl_optim_step(R, e) == 0, "%s", e->msg);
    ck_assert_int_eq(R->t, steps + 1);
    fmpq_clear(x1);
    cpwl_err_clear(e);
}

/* RMSProp, paper form, f = x^2/2, x1 = 1, a = b2 = 1/2, xi = 1:
   v1 = 1, x2 = 1/2; v2 = 1/2 + 1/2 (1/4 + 1) = 9/8,
   x3 = 1/2 - (1/2)(1/2)/sqrt(9/8) = 1/2 - sqrt(2)/6. */
START_TEST(test_rmsprop_paper_steps)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_t R;
    arb_t ref, s;
    fmpq_t q;

    half_sq(O);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, "rmsprop:paper"));
    set_q(o->lr, 1, 2);
    set_q(o->beta2, 1, 2);
    set_q(o->xi, 1, 1);
    cpwl_arith_init_arb(A, 128);
    arb_init(ref);
    arb_init(s);
    fmpq_init(q);

    run(R, o, O, 1, 1, A, 1);
    set_q(q, 1, 2);
    arb_set_fmpq(ref, q, 128);
    ck_assert(arb_equal(&R->x[0].b, ref));      /* exact dyadic steps */
    cpwl_optim_clear(R);

    run(R, o, O, 1, 1, A, 2);
    arb_set_ui(s, 2);                           /* 1/2 - sqrt(2)/6 */
    arb_sqrt(s, s, 400);
    arb_div_ui(s, s, 6, 400);
    arb_set_fmpq(ref, q, 400);
    arb_sub(ref, ref, s, 400);
    ck_assert(arb_contains(&R->x[0].b, ref));
    ck_assert(mag_cmp_2exp_si(arb_radref(&R->x[0].b), -101) < 0);
    cpwl_optim_clear(R);

    arb_clear(ref);
    arb_clear(s);
    fmpq_clear(q);
    cpwl_optim_opts_clear(o);
    cpwl_arith_clear(A);
    sq_clear(O);
}
END_TEST

/* ADAM, paper form, a = b1 = b2 = 1/2, xi = 0, x1 = 1: m1 = 1/2,
   v1 = 1/2, x2 = 1 - (1/2)(1/2)/sqrt(1/2) = 1 - sqrt(2)/4.  Kingma-Ba,
   eps = 0: mh = g, vh = g^2, x2 = 1 - a exactly (amsgrad alike). */
START_TEST(test_adam_steps)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_t R;
    arb_t ref, s;
    fmpq_t q;
    int ams;

    half_sq(O);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, "adam:paper"));
    set_q(o->lr, 1, 2);
    set_q(o->beta1, 1, 2);
    set_q(o->beta2, 1, 2);
    fmpq_zero(o->xi);
    cpwl_arith_init_arb(A, 128);
    arb_init(ref);
    arb_init(s);
    fmpq_init(q);
    run(R, o, O, 1, 1, A, 1);
    arb_set_ui(s, 2);
    arb_sqrt(s, s, 400);
    arb_mul_2exp_si(s, s, -2);
    arb_one(ref);
    arb_sub(ref, ref, s, 400);
    ck_assert(arb_contains(&R->x[0].b, ref));
    ck_assert(mag_cmp_2exp_si(arb_radref(&R->x[0].b), -100) < 0);
    cpwl_optim_clear(R);

    for (ams = 0; ams <= 1; ams++)
    {
        ck_assert(cpwl_optim_algo_from_str(o, "adam:kingma-ba"));
        o->amsgrad = ams;
        set_q(o->lr, 1, 8);
        set_q(o->beta1, 9, 10);
        set_q(o->beta2, 999, 1000);
        fmpq_zero(o->eps);
        run(R, o, O, 1, 1, A, 1);
        set_q(q, 7, 8);
        arb_set_fmpq(ref, q, 128);
        ck_assert(arb_contains(&R->x[0].b, ref));
        cpwl_optim_clear(R);
    }
    arb_clear(ref);
    arb_clear(s);
    fmpq_clear(q);
    cpwl_optim_opts_clear(o);
    cpwl_arith_clear(A);
    sq_clear(O);
}
END_TEST

/* The other forms on f = x^2/2 from x1 = 1 with a = b1 = b2 = 1/2, by
   hand.  rmsprop, eps = 1: v1 = 1/2; pytorch x2 = 1 - (1/2)/(sqrt(1/2)
   + 1) = sqrt(2)/2; tensorflow x2 = 1 - (1/2)/sqrt(3/2) = 1 - sqrt(6)/6.
   adam:kingma-ba, eps = 0: m1 = v1 = 1/2, mh = vh = 1, x2 = 1/2; g = 1/2,
   m2 = 1/2, v2 = 3/8, mh = (1/2)/(3/4) = 2/3, vh = (3/8)/(3/4) = 1/2,
   x3 = 1/2 - (1/2)(2/3)/sqrt(1/2) = 1/2 - sqrt(2)/3. */
static void check_form(const char *algo, slong steps, slong rad, slong c,
                       slong k, slong den)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_t R;
    arb_t ref, s;

    half_sq(O);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, algo));
    set_q(o->lr, 1, 2);
    set_q(o->beta1, 1, 2);
    set_q(o->beta2, 1, 2);
    set_q(o->eps, o->algo == CPWL_OPTIM_ADAM ? 0 : 1, 1);
    cpwl_arith_init_arb(A, 128);
    arb_init(ref);
    arb_init(s);
    run(R, o, O, 1, 1, A, steps);
    /* the expected value c/2 + k sqrt(rad) / den */
    arb_sqrt_ui(s, rad, 400);
    arb_mul_si(s, s, k, 400);
    arb_div_si(s, s, den, 400);
    arb_set_si(ref, c);
    arb_mul_2exp_si(ref, ref, -1);
    arb_add(ref, ref, s, 400);
    ck_assert_msg(arb_contains(&R->x[0].b, ref), "%s", algo);
    ck_assert(mag_cmp_2exp_si(arb_radref(&R->x[0].b), -100) < 0);
    cpwl_optim_clear(R);
    arb_clear(ref);
    arb_clear(s);
    cpwl_optim_opts_clear(o);
    cpwl_arith_clear(A);
    sq_clear(O);
}

START_TEST(test_other_forms)
{
    check_form("rmsprop:pytorch", 1, 2, 0, 1, 2);
    check_form("rmsprop:tensorflow", 1, 6, 2, -1, 6);
    check_form("adam:kingma-ba", 2, 2, 1, -1, 3);
}
END_TEST

/* Exact gd on f = x^2/2: x_{t+1} = (1 - a)^t x_1 (closed form); heavy
   ball and nag against their second-order linear recurrences
     heavy ball  x_{t+1} = (1 - a + mu) x_t - mu x_{t-1}
     nag         x_{t+1} = (1 - a)(1 + mu) x_t - mu (1 - a) x_{t-1}
   with x_0 = x_1 (u_0 = 0); and on f = 1/2 sum (x - p_i)^2. */
START_TEST(test_exact_closed_forms)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_t R;
    fmpq_t a, mu, ref, prev, cur, nxt, c1, c2, tmp;
    slong T = 12, t, alg;

    half_sq(O);
    cpwl_optim_opts_init(o);
    cpwl_arith_init_exact(A);
    fmpq_init(a); fmpq_init(mu); fmpq_init(ref); fmpq_init(prev);
    fmpq_init(cur); fmpq_init(nxt); fmpq_init(c1); fmpq_init(c2);
    fmpq_init(tmp);
    set_q(a, 3, 7);
    set_q(mu, 5, 9);
    fmpq_set(o->lr, a);
    fmpq_set(o->momentum, mu);

    /* gd */
    run(R, o, O, 5, 3, A, T);
    fmpq_one(ref);
    fmpq_sub(ref, ref, a);
    fmpz_pow_ui(fmpq_numref(ref), fmpq_numref(ref), T);
    fmpz_pow_ui(fmpq_denref(ref), fmpq_denref(ref), T);
    set_q(tmp, 5, 3);
    fmpq_mul(ref, ref, tmp);
    ck_assert(fmpq_equal(&R->x[0].q, ref));
    cpwl_optim_clear(R);

    for (alg = 0; alg < 2; alg++)
    {
        ck_assert(cpwl_optim_algo_from_str(o, alg ? "nag" : "heavy-ball"));
        run(R, o, O, 5, 3, A, T);
        fmpq_one(tmp);
        fmpq_sub(tmp, tmp, a);              /* 1 - a */
        if (alg == 0)
        {
            fmpq_add(c1, tmp, mu);
            fmpq_set(c2, mu);
        }
        else
        {
            fmpq_one(c1);
            fmpq_add(c1, c1, mu);
            fmpq_mul(c1, c1, tmp);
            fmpq_mul(c2, mu, tmp);
        }
        set_q(prev, 5, 3);
        set_q(cur, 5, 3);
        for (t = 1; t <= T; t++)
        {
            fmpq_mul(nxt, c1, cur);
            fmpq_submul(nxt, c2, prev);
            fmpq_set(prev, cur);
            fmpq_set(cur, nxt);
        }
        ck_assert(fmpq_equal(&R->x[0].q, cur));
        cpwl_optim_clear(R);
    }

    fmpq_clear(a); fmpq_clear(mu); fmpq_clear(ref); fmpq_clear(prev);
    fmpq_clear(cur); fmpq_clear(nxt); fmpq_clear(c1); fmpq_clear(c2);
    fmpq_clear(tmp);
    cpwl_optim_opts_clear(o);
    cpwl_arith_clear(A);
    sq_clear(O);
}
END_TEST

/* sgd: without replacement and b = N every batch is the whole sum, so
   the run equals gd exactly; with replacement and b = 1 each step uses
   N (x - p_i) for one i: after one step from x1 the iterate is one of
   the N values x1 - a N (x1 - p_i), and a fixed seed repeats it. */
START_TEST(test_sgd)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_t R, G;
    slong pn[3] = {1, -2, 5}, pd[3] = {2, 3, 1}, i, hits = 0;
    fmpq_t v, first;

    sq_init(O, 3, pn, pd);
    cpwl_optim_opts_init(o);
    cpwl_arith_init_exact(A);
    fmpq_init(v);
    fmpq_init(first);
    set_q(o->lr, 1, 10);
    ck_assert(cpwl_optim_algo_from_str(o, "sgd"));
    o->replace = 0;
    o->batch = 3;
    run(R, o, O, 2, 1, A, 7);
    ck_assert(cpwl_optim_algo_from_str(o, "gd"));
    run(G, o, O, 2, 1, A, 7);
    ck_assert(fmpq_equal(&R->x[0].q, &G->x[0].q));
    cpwl_optim_clear(R);
    cpwl_optim_clear(G);

    ck_assert(cpwl_optim_algo_from_str(o, "sgd"));
    o->replace = 1;
    o->batch = 1;
    o->seed = 42;
    run(R, o, O, 2, 1, A, 1);
    for (i = 0; i < 3; i++)
    {
        /* 2 - (1/10) 3 (2 - p_i) */
        fmpq_set_si(v, 2, 1);
        fmpq_sub(v, v, sq_store.p + i);
        fmpq_mul(v, v, o->lr);              /* o->lr = 1/10 */
        fmpq_mul_si(v, v, 3);
        fmpq_neg(v, v);
        fmpq_add_si(v, v, 2);
        hits += fmpq_equal(v, &R->x[0].q);
    }
    ck_assert_int_eq(hits, 1);
    fmpq_set(first, &R->x[0].q);
    cpwl_optim_clear(R);
    run(R, o, O, 2, 1, A, 1);
    ck_assert(fmpq_equal(first, &R->x[0].q));
    cpwl_optim_clear(R);

    fmpq_clear(v);
    fmpq_clear(first);
    cpwl_optim_opts_clear(o);
    cpwl_arith_clear(A);
    sq_clear(O);
}
END_TEST

/* cpwl_optim_init with e emptied first (the first error sticks) */
static int init_fresh(cpwl_optim_t R, cpwl_optim_opts_t o, cpwl_objective_t O,
                      const fmpq *x1, cpwl_arith_t A, cpwl_err_t e)
{
    cpwl_err_clear(e);
    cpwl_err_init(e);
    return cpwl_optim_init(R, o, O, x1, A, e);
}

/* What exact arithmetic cannot do is refused before the run; bad
   constants too. */
START_TEST(test_refusals)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_t R;
    cpwl_err_t e;
    fmpq_t x1;
    static const char *sqrt_algos[] = {"rmsprop:paper", "rmsprop:pytorch",
                                       "rmsprop:tensorflow", "adam:paper",
                                       "adam:kingma-ba"};
    size_t k;

    half_sq(O);
    cpwl_optim_opts_init(o);
    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    fmpq_init(x1);
    fmpq_one(x1);
    for (k = 0; k < 5; k++)
    {
        ck_assert(cpwl_optim_algo_from_str(o, sqrt_algos[k]));
        ck_assert_int_eq(init_fresh(R, o, O, x1, A, e), CPWL_ERR_INPUT);
        ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
        ck_assert_ptr_nonnull(strstr(e->msg, "square root"));
    }
    ck_assert(cpwl_optim_algo_from_str(o, "gd"));
    o->schedule = CPWL_OPTIM_SCHEDULE_SQRT;
    ck_assert_int_eq(init_fresh(R, o, O, x1, A, e), CPWL_ERR_INPUT);
    o->schedule = CPWL_OPTIM_SCHEDULE_CONST;
    fmpq_set_si(o->lr, -1, 2);
    ck_assert_int_eq(init_fresh(R, o, O, x1, A, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "`lr`"));
    {
        cpwl_optim_result_struct res;

        cpwl_err_clear(e);
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_optim_run(&res, o, O, x1, A, 1e-3, 0, NULL,
                                        NULL, e), CPWL_ERR_INPUT);
    }
    fmpq_set_si(o->lr, 1, 2);
    ck_assert(cpwl_optim_algo_from_str(o, "nag"));
    fmpq_one(o->momentum);
    ck_assert_int_eq(init_fresh(R, o, O, x1, A, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "`momentum`"));
    ck_assert(!cpwl_optim_algo_from_str(o, "adam:pytorch"));
    ck_assert(!cpwl_optim_algo_from_str(o, "lbfgs"));
    O->nterms = 0;
    ck_assert(cpwl_optim_algo_from_str(o, "sgd"));
    ck_assert_int_eq(init_fresh(R, o, O, x1, A, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "finite sum"));
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_optim_opts_clear(o);
    cpwl_arith_clear(A);
    sq_clear(O);
}
END_TEST

/* Enclosure loss: RMSProp (paper) in Arb at 10 bits over many steps
   loses its enclosure; with reruns up to 512 bits it holds, and the
   ball then contains the 512-bit run's ball's midpoint region. */
static int count_visit(const cpwl_optim_struct *R, void *data)
{
    (void) R;
    (*(slong *) data)++;
    return 0;
}

START_TEST(test_auto_prec)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_result_struct res;
    cpwl_err_t e;
    fmpq_t x1;
    slong visits = 0;

    half_sq(O);
    cpwl_optim_opts_init(o);
    cpwl_err_init(e);
    fmpq_init(x1);
    fmpq_set_si(x1, 3, 1);
    ck_assert(cpwl_optim_algo_from_str(o, "rmsprop:paper"));
    set_q(o->lr, 1, 3);
    set_q(o->beta2, 9, 10);
    set_q(o->xi, 1, 7);
    o->steps = 200;
    cpwl_arith_init_arb(A, 10);
    ck_assert_int_eq(cpwl_optim_run(&res, o, O, x1, A, 1e-3, 10, count_visit,
                                    &visits, e), 0);
    ck_assert_int_gt(res.lost, 1);
    ck_assert_int_eq(res.steps_done, res.lost - 1);
    ck_assert_int_eq(visits, res.lost - 1);
    visits = 0;
    ck_assert_int_eq(cpwl_optim_run(&res, o, O, x1, A, 1e-3, 512, count_visit,
                                    &visits, e), 0);
    ck_assert_int_eq(res.lost, 0);
    ck_assert_int_gt(A->prec, 10);
    ck_assert_int_eq(res.steps_done, 200);
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_optim_opts_clear(o);
    cpwl_arith_clear(A);
    sq_clear(O);
}
END_TEST

/* A float run equals, bit for bit, this file's own loop in C float and
   double (no FMA: the project builds with -std=c11), in the documented
   order: rmsprop:pytorch v = b2 v + (1 - b2)(g g); x = x - a g / (sqrt(v)
   + eps), and nag. */
START_TEST(test_float_native)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_t R;
    slong T = 300, t;

    half_sq(O);
    cpwl_optim_opts_init(o);
    ck_assert(cpwl_optim_algo_from_str(o, "rmsprop:pytorch"));
    set_q(o->lr, 1, 10);
    set_q(o->beta2, 99, 100);
    set_q(o->eps, 1, 1000);
    {
        float x = 3.0f, v = 0.0f, a = 0.1f, b2 = 0.99f, c = 0.01f,
            ep = 0.001f;

        cpwl_arith_init_float(A, CPWL_IEEE_BINARY32, 0, 0);
        run(R, o, O, 3, 1, A, T);
        for (t = 0; t < T; t++)
        {
            float g = x - 0.0f, s0 = b2 * v, s1 = g * g;

            s1 = c * s1;
            v = s0 + s1;
            s0 = sqrtf(v);
            s0 = s0 + ep;
            s1 = a * g;
            s1 = s1 / s0;
            x = x - s1;
        }
        ck_assert(R->x[0].d == (double) x);
        cpwl_optim_clear(R);
    }
    ck_assert(cpwl_optim_algo_from_str(o, "nag"));
    set_q(o->momentum, 9, 10);
    {
        double x = 3.0, u = 0.0, a = 0.1, mu = 0.9;

        cpwl_arith_init_float(A, CPWL_IEEE_BINARY64, 0, 0);
        run(R, o, O, 3, 1, A, T);
        for (t = 0; t < T; t++)
        {
            double y = x + mu * u, g = y - 0.0, s0 = mu * u, s1 = a * g;

            u = s0 - s1;
            x = x - (-u);
        }
        ck_assert(R->x[0].d == x);
        cpwl_optim_clear(R);
    }
    cpwl_optim_opts_clear(o);
    sq_clear(O);
}
END_TEST

/* Stagnation in binary16: gd on f = 1/2 (x - p)^2, p = -1/2, from
   x1 = 1 with a = 2^-13: g = 3/2 and d = a g = 3 * 2^-14 (exact) is
   below half the spacing 2^-11 of binary16 under 1, so x - d rounds back
   to 1 at every step: T stagnant updates.  With Kahan's compensation the
   steps accumulate: the real iterate is x_T = 1.5 (1 - a)^T - 1/2, about
   1 - 60 * 2^-13 for T = 40, and the compensated run stays within two
   spacings of it. */
START_TEST(test_stagnation_kahan)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_t R;
    slong pn = -1, pd = 2, T = 40;

    sq_init(O, 1, &pn, &pd);
    cpwl_optim_opts_init(o);
    fmpq_set_si(o->lr, 1, 8192);
    o->steps = T;
    cpwl_arith_init_float(A, CPWL_IEEE_BINARY16, 0, 0);
    run(R, o, O, 1, 1, A, T);
    ck_assert(R->x[0].d == 1.0);
    ck_assert_int_eq(R->stagnant, T);
    cpwl_optim_clear(R);
    o->kahan = 1;
    run(R, o, O, 1, 1, A, T);
    {
        double real = 1.5 * pow(1.0 - ldexp(1.0, -13), (double) T) - 0.5;

        ck_assert(fabs(R->x[0].d - real) <= ldexp(2.0, -11));
        ck_assert(R->x[0].d < 1.0 - ldexp(50.0, -13));
    }
    ck_assert_int_lt(R->stagnant, T);
    cpwl_optim_clear(R);
    cpwl_optim_opts_clear(o);
    sq_clear(O);
}
END_TEST

/* An objective that needs the sign of x (as a relu would): 2 when the
   ball cannot decide it.  gd with a = 1 on f = x^2/2 from 1/3 reaches
   x_2 = 1/3 - 1/3, in Arb a ball around 0 that is not 0 at any
   precision: the enclosure is lost at t = 2 whatever the reruns. */
static int sign_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                     const slong *terms, slong nterms, slong t,
                     cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    if (cpwl_val_sgn(x, A) == 2)
        return 2 + 0 * cpwl_err_set(e, CPWL_ERR_INPUT, "undecided sign");
    return sq_eval(f, g, x, terms, nterms, t, O, A, e);
}

START_TEST(test_lost_by_sign)
{
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_result_struct res;
    cpwl_err_t e;
    fmpq_t x1;

    half_sq(O);
    O->eval = sign_eval;
    cpwl_optim_opts_init(o);
    cpwl_err_init(e);
    fmpq_init(x1);
    fmpq_set_si(x1, 1, 3);
    fmpq_one(o->lr);
    o->steps = 5;
    cpwl_arith_init_arb(A, 64);
    ck_assert_int_eq(cpwl_optim_run(&res, o, O, x1, A, 1e-3, 256, NULL, NULL,
                                    e), 0);
    ck_assert_int_eq(res.lost, 2);
    ck_assert_int_eq(res.steps_done, 1);
    ck_assert_int_eq(A->prec, 256);
    ck_assert_str_eq(res.why, "undecided sign");
    ck_assert_int_eq(e->status, CPWL_OK);
    /* exact: x_2 = 0 exactly, decided, and the run goes on */
    cpwl_arith_init_exact(A);
    ck_assert_int_eq(cpwl_optim_run(&res, o, O, x1, A, 1e-3, 0, NULL, NULL,
                                    e), 0);
    ck_assert_int_eq(res.lost, 0);
    ck_assert_int_eq(res.steps_done, 5);
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_optim_opts_clear(o);
    sq_clear(O);
}
END_TEST

/* cpwl_val_dot (which uses the machine's float and double loops where
   they are the format) equals the same dot product spelled out with
   cpwl_val_mul and cpwl_val_add, bit for bit, on random values from
   subnormal to near overflow, in every format. */
START_TEST(test_dot_spelled_out)
{
    uint64_t seed = test_seed(7);
    test_rng r = {seed};
    slong iter, n, i;
    int f;

    for (f = 0; f < CPWL_IEEE_NFMTS; f++)
    {
        cpwl_arith_t A;

        cpwl_arith_init_float(A, (cpwl_ieee_fmt) f, 0, 0);
        for (iter = 0; iter < test_iters(300); iter++)
        {
            cpwl_val_struct a[9], b[9];
            cpwl_val_t d, p, s;
            int emax = cpwl_ieee_fmt_emax(A->fmt);

            n = test_range(&r, 1, 9);
            for (i = 0; i < n; i++)
            {
                double u = test_unif(&r, -0.5, 0.5);
                double v = test_unif(&r, -0.5, 0.5);

                a[i].d = cpwl_ieee_round(ldexp(u, (int) test_range(&r,
                    -emax - 10, emax / 2 + 2)), A->fmt);
                b[i].d = cpwl_ieee_round(ldexp(v, (int) test_range(&r,
                    -emax - 10, emax / 2 + 2)), A->fmt);
            }
            cpwl_val_dot(d, a, b, n, A);
            cpwl_val_mul(p, a, b, A);
            for (i = 1; i < n; i++)
            {
                cpwl_val_mul(s, a + i, b + i, A);
                cpwl_val_add(p, p, s, A);
            }
            ck_assert_msg(memcmp(&d->d, &p->d, sizeof(double)) == 0
                          || (isnan(d->d) && isnan(p->d)),
                          "seed %lu: %s dot %a, spelled out %a",
                          (unsigned long) seed, cpwl_ieee_fmt_name(A->fmt),
                          d->d, p->d);
        }
    }
}
END_TEST

/* cpwl_val_axpy (native loops for binary64 and binary32) against the
   same operations spelled out, bit for bit, in every format. */
START_TEST(test_axpy_spelled_out)
{
    uint64_t seed = test_seed(17);
    test_rng r = {seed};
    slong iter, n, i;
    int f;

    for (f = 0; f < CPWL_IEEE_NFMTS; f++)
    {
        cpwl_arith_t A;

        cpwl_arith_init_float(A, (cpwl_ieee_fmt) f, 0, 0);
        for (iter = 0; iter < test_iters(300); iter++)
        {
            cpwl_val_struct x[9], y[9], z[9];
            cpwl_val_t c, p;
            int emax = cpwl_ieee_fmt_emax(A->fmt);

            n = test_range(&r, 1, 9);
            c->d = cpwl_ieee_round(ldexp(test_unif(&r, -0.5, 0.5),
                (int) test_range(&r, -emax - 10, emax / 2 + 2)), A->fmt);
            for (i = 0; i < n; i++)
            {
                x[i].d = cpwl_ieee_round(ldexp(test_unif(&r, -0.5, 0.5),
                    (int) test_range(&r, -emax - 10, emax / 2 + 2)), A->fmt);
                y[i].d = z[i].d = cpwl_ieee_round(ldexp(test_unif(&r, -0.5,
                    0.5), (int) test_range(&r, -emax - 10, emax + 1)),
                    A->fmt);
            }
            cpwl_val_axpy(y, c, x, n, A);
            for (i = 0; i < n; i++)
            {
                cpwl_val_mul(p, c, x + i, A);
                cpwl_val_add(z + i, z + i, p, A);
                ck_assert_msg(memcmp(&y[i].d, &z[i].d, sizeof(double)) == 0
                              || (isnan(y[i].d) && isnan(z[i].d)),
                              "seed %lu: %s axpy %a, spelled out %a",
                              (unsigned long) seed,
                              cpwl_ieee_fmt_name(A->fmt), y[i].d, z[i].d);
            }
        }
    }
}
END_TEST

/* Each float operation of module arith equals module ieee's (which
   test_ieee checks against MPFR) bit for bit, in every format, on random
   values from subnormal to overflow, zeros, infinities and NaN: arith
   takes shortcuts through the machine's own binary64 and binary32. */
START_TEST(test_ops_match_ieee)
{
    uint64_t seed = test_seed(11);
    test_rng r = {seed};
    slong iter;
    int f, op;

    for (f = 0; f < CPWL_IEEE_NFMTS; f++)
    {
        cpwl_arith_t A;
        int emax;

        cpwl_arith_init_float(A, (cpwl_ieee_fmt) f, 0, 0);
        emax = cpwl_ieee_fmt_emax(A->fmt);
        for (iter = 0; iter < test_iters(4000); iter++)
        {
            cpwl_val_t a, b, c;
            double want;
            slong k = test_range(&r, 0, 9);

            if (k == 0)
                a->d = k % 2 ? -0.0 : 0.0;
            else if (k == 1)
                a->d = (test_next(&r) & 1) ? INFINITY : NAN;
            else
                a->d = cpwl_ieee_round(ldexp(test_unif(&r, -0.5, 0.5),
                    (int) test_range(&r, -emax - 12, emax + 1)), A->fmt);
            b->d = cpwl_ieee_round(ldexp(test_unif(&r, -0.5, 0.5),
                (int) test_range(&r, -emax - 12, emax + 1)), A->fmt);
            if (test_range(&r, 0, 9) == 0)
                b->d = 0.0;
            op = (int) test_range(&r, 0, 4);
            switch (op)
            {
            case 0: cpwl_val_add(c, a, b, A); break;
            case 1: cpwl_val_sub(c, a, b, A); break;
            case 2: cpwl_val_mul(c, a, b, A); break;
            case 3: cpwl_val_div(c, a, b, A); break;
            default: cpwl_val_sqrt(c, a, A); break;
            }
            want = cpwl_ieee_op_rn((cpwl_ieee_op) op, a->d, b->d, A->fmt);
            ck_assert_msg(memcmp(&c->d, &want, sizeof(double)) == 0
                          || (isnan(c->d) && isnan(want)),
                          "seed %lu: %s op %d on %a, %a: arith %a, ieee %a",
                          (unsigned long) seed, cpwl_ieee_fmt_name(A->fmt),
                          op, a->d, b->d, c->d, want);
        }
    }
}
END_TEST

/* A gradient known only as a ball around 0 (radius 2^-60): g^2, and v,
   and for kingma-ba v / (1 - b2^t), are not negative in the real
   computation, and the engine keeps their balls in [0, inf), so that
   sqrt(v) exists and the enclosure holds; without the cut the product
   (1 - b2) g^2 reaches below 0 and sqrt gives NaN. */
static int fuzzy_zero_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                           const slong *terms, slong nterms, slong t,
                           cpwl_objective_struct *O, cpwl_arith_t A,
                           cpwl_err_t e)
{
    (void) f; (void) x; (void) terms; (void) nterms; (void) t; (void) O;
    (void) e;
    arb_zero(&g->b);
    mag_set_ui_2exp_si(arb_radref(&g->b), 1, -60);
    (void) A;
    return 0;
}

START_TEST(test_v_stays_nonnegative)
{
    static const char *algos[] = {"rmsprop:pytorch", "rmsprop:paper",
                                  "adam:paper", "adam:kingma-ba"};
    cpwl_objective_t O;
    cpwl_optim_opts_t o;
    cpwl_arith_t A;
    cpwl_optim_result_struct res;
    cpwl_err_t e;
    fmpq_t x1;
    size_t k;

    half_sq(O);
    O->eval = fuzzy_zero_eval;
    cpwl_optim_opts_init(o);
    cpwl_err_init(e);
    fmpq_init(x1);
    fmpq_set_si(x1, 1, 2);
    fmpq_set_si(o->xi, 1, 100);
    fmpq_set_si(o->eps, 1, 100);
    o->steps = 3;
    for (k = 0; k < 4; k++)
    {
        ck_assert(cpwl_optim_algo_from_str(o, algos[k]));
        cpwl_arith_init_arb(A, 64);
        ck_assert_int_eq(cpwl_optim_run(&res, o, O, x1, A, 1e-3, 64, NULL,
                                        NULL, e), 0);
        ck_assert_msg(res.lost == 0, "%s lost its enclosure at t = %ld: %s",
                      algos[k], (long) res.lost, res.why);
        ck_assert_int_eq(res.steps_done, 3);
    }
    fmpq_clear(x1);
    cpwl_err_clear(e);
    cpwl_optim_opts_clear(o);
    sq_clear(O);
}
END_TEST

/* Contexts that enter the same values: same kind and same precision or
   format (the caches of converted constants rely on it); stochastic
   rounding does not matter (constants enter rounded to nearest). */
START_TEST(test_arith_equal)
{
    cpwl_arith_t a, b;

    cpwl_arith_init_arb(a, 64);
    cpwl_arith_init_arb(b, 64);
    ck_assert(cpwl_arith_equal(a, b));
    cpwl_arith_init_arb(b, 65);
    ck_assert(!cpwl_arith_equal(a, b));
    cpwl_arith_init_exact(b);
    ck_assert(!cpwl_arith_equal(a, b));
    cpwl_arith_init_exact(a);
    ck_assert(cpwl_arith_equal(a, b));
    cpwl_arith_init_float(a, CPWL_IEEE_BINARY16, 0, 0);
    cpwl_arith_init_float(b, CPWL_IEEE_BINARY16, 1, 99);
    ck_assert(cpwl_arith_equal(a, b));
    cpwl_arith_init_float(b, CPWL_IEEE_BFLOAT16, 0, 0);
    ck_assert(!cpwl_arith_equal(a, b));
}
END_TEST

static Suite *optim_suite(void)
{
    Suite *s = suite_create("optim");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_rmsprop_paper_steps);
    tcase_add_test(tc, test_adam_steps);
    tcase_add_test(tc, test_other_forms);
    tcase_add_test(tc, test_exact_closed_forms);
    tcase_add_test(tc, test_sgd);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_auto_prec);
    tcase_add_test(tc, test_float_native);
    tcase_add_test(tc, test_stagnation_kahan);
    tcase_add_test(tc, test_lost_by_sign);
    tcase_add_test(tc, test_dot_spelled_out);
    tcase_add_test(tc, test_axpy_spelled_out);
    tcase_add_test(tc, test_ops_match_ieee);
    tcase_add_test(tc, test_v_stays_nonnegative);
    tcase_add_test(tc, test_arith_equal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(optim_suite());
    int nf;

    srunner_run_all(sr, CK_NORMAL);
    nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? 0 : 1;
}
