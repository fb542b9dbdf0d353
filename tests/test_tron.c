/* The Tron iteration (src/tron/tron.c) against hand derivations and an
   independent exact implementation:
   - the thesis's example (D uniform on {+-e1, +-e2}, w* = (1, -2),
     w_1 = 0, eta = 1): w_2 = (1/4, -1/2), w_5 = (175/256, -175/128) and
     w_t - w* = (3/4)^(t-1) (w_1 - w*) exactly (by symmetry the population
     update is w_{t+1} - w* = (I - (eta/2) Sigma)(w_t - w*), Sigma = I/2);
   - SGD with relu'(0) = 0 from 0 never moves on those data;
   - the worst-case poisoning's expected labels at w_1 by hand, and the
     random sign's expectation (zero: the clean trajectory);
   - Neuro-Tron with two filters on one point, w_t = 2 - 2^(2-t) by hand;
   - GLM-tron with the identity link one step by hand;
   - online runs against the same draws replayed by a plain exact loop;
   - the binary64 population trajectory equal to the exact one while the
     exact values have at most 53 significant bits, and Arb balls that
     contain the exact trajectory. */
#include <stdio.h>
#include <string.h>
#include <check.h>
#include <flint/fmpq_vec.h>
#include "cpwl/tron.h"
#include "qvec.h"
#include "testutil.h"

static const char CROSS[] = "p,x1,x2\n1/4,1,0\n1/4,-1,0\n1/4,0,1\n1/4,0,-1\n";


static void set_vec(fmpq *v, const slong *num, slong den, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_set_si(v + i, num[i], den);
}

/* w_t of R exactly (exact arithmetic, or finite floats). */
static void get_w(fmpq *w, const cpwl_tron_t R)
{
    slong j;
    for (j = 0; j < R->r; j++)
        ck_assert(cpwl_val_get_fmpq(w + j, R->w + j, R->A));
}

START_TEST(test_cross_population)
{
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2),
        *w = _fmpq_vec_init(2), *x = _fmpq_vec_init(2);
    fmpq_t c, d;
    slong t, j;
    const slong wsn[2] = {1, -2};

    cpwl_dist_init(D);
    test_dist_str(D, CROSS);
    cpwl_tron_opts_init(o);
    cpwl_arith_init_exact(A);
    cpwl_err_init(e);
    set_vec(ws, wsn, 1, 2);
    fmpq_init(c);
    fmpq_init(d);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    for (t = 1; t <= 40; t++)
    {
        get_w(w, R);
        /* w_t - w* = (3/4)^(t-1) (w_1 - w*) */
        fmpq_set_si(c, 3, 4);
        fmpz_pow_ui(fmpq_numref(c), fmpq_numref(c), t - 1);
        fmpz_pow_ui(fmpq_denref(c), fmpq_denref(c), t - 1);
        for (j = 0; j < 2; j++)
        {
            fmpq_sub(x + j, w1 + j, ws + j);
            fmpq_mul(x + j, x + j, c);
            fmpq_add(x + j, x + j, ws + j);
            ck_assert_msg(fmpq_equal(x + j, w + j), "t = %ld", (long) t);
        }
        if (t == 2)
        {
            fmpq_set_si(d, 1, 4);
            ck_assert(fmpq_equal(w, d));
            fmpq_set_si(d, -1, 2);
            ck_assert(fmpq_equal(w + 1, d));
        }
        if (t == 5)
        {
            fmpq_set_si(d, 175, 256);
            ck_assert(fmpq_equal(w, d));
            fmpq_set_si(d, -175, 128);
            ck_assert(fmpq_equal(w + 1, d));
        }
        /* |w_t - w*|^2 = (9/16)^(t-1) 5 */
        ck_assert(cpwl_tron_dist2_fmpq(d, R));
        fmpq_mul(c, c, c);
        fmpq_mul_si(c, c, 5);
        ck_assert(fmpq_equal(c, d));
        ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    }
    cpwl_tron_clear(R);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    fmpq_clear(c);
    fmpq_clear(d);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(w, 2);
    _fmpq_vec_clear(x, 2);
}
END_TEST

/* SGD with relu'(0) = 0 from 0: every <w, x> = 0, no point is active. */
START_TEST(test_sgd_stuck)
{
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2),
        *w = _fmpq_vec_init(2);
    const slong wsn[2] = {1, -2};
    slong t, mode;

    cpwl_dist_init(D);
    test_dist_str(D, CROSS);
    set_vec(ws, wsn, 1, 2);
    cpwl_err_init(e);
    for (mode = 0; mode < 2; mode++)
    {
        cpwl_tron_opts_init(o);
        ck_assert(cpwl_tron_algo_from_str(o, "sgd"));
        o->mode = mode ? CPWL_TRON_ONLINE : CPWL_TRON_POPULATION;
        o->batch = 2;
        cpwl_arith_init_exact(A);
        ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
        for (t = 0; t < 20; t++)
            ck_assert_int_eq(cpwl_tron_step(R, e), 0);
        get_w(w, R);
        ck_assert(qvec_is_zero(w, 2));
        cpwl_tron_clear(R);
        /* with relu'(0) = 1 it moves: w_2 = (1/4, -1/2) as Tron's */
        o->relu_d0 = 1;
        o->mode = CPWL_TRON_POPULATION;
        ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
        ck_assert_int_eq(cpwl_tron_step(R, e), 0);
        get_w(w, R);
        ck_assert(fmpq_cmp_si(w, 0) > 0 && fmpq_cmp_si(w + 1, 0) < 0);
        cpwl_tron_clear(R);
        cpwl_arith_clear(A);
        cpwl_tron_opts_clear(o);
    }
    cpwl_dist_clear(D);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(w, 2);
}
END_TEST

/* Worst-case poisoning, population, beta = 1/2, theta = 1/5, at w_1 = 0:
   s(x) = sign(<w_1 - w*, x>) = sign(<(-1, 2), x>) = -1, +1, +1, -1 on
   e1, -e1, e2, -e2; expected labels y + (1/10) s = 9/10, 1/10, 1/10,
   19/10; relu(<0, x>) = 0, so w_2 = (1/4)(9/10 - 1/10, 1/10 - 19/10) =
   (1/5, -9/20).  The random sign's expectation is 0: w_2 = (1/4, -1/2). */
START_TEST(test_poison_population)
{
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2),
        *w = _fmpq_vec_init(2), *x = _fmpq_vec_init(2);
    const slong wsn[2] = {1, -2}, worst[2] = {4, -9}, clean[2] = {5, -10};

    cpwl_dist_init(D);
    test_dist_str(D, CROSS);
    set_vec(ws, wsn, 1, 2);
    cpwl_err_init(e);
    cpwl_arith_init_exact(A);
    cpwl_tron_opts_init(o);
    fmpq_set_si(o->beta, 1, 2);
    fmpq_set_si(o->theta, 1, 5);
    o->adv = CPWL_TRON_ADV_WORST;
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    get_w(w, R);
    set_vec(x, worst, 20, 2);
    ck_assert(qvec_equal(w, x, 2));
    cpwl_tron_clear(R);
    o->adv = CPWL_TRON_ADV_RANDOM;
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    get_w(w, R);
    set_vec(x, clean, 20, 2);
    ck_assert(qvec_equal(w, x, 2));
    cpwl_tron_clear(R);
    /* beta outside [0, 1] is refused */
    fmpq_set_si(o->beta, 3, 2);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "beta") != NULL);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(w, 2);
    _fmpq_vec_clear(x, 2);
}
END_TEST

/* The expected poisoned label is exact, rounded once: in binary16 (11
   bits) on the one point x = 1 with w* = 2049 (y = 2049, not a binary16
   number), beta = theta = 1, worst case, from w_1 = 4096 (s = +1): the
   label is 2050, exactly representable, and w_2 = 4096 + (2050 - 4096) =
   2050 as in exact arithmetic (rounding y first gives 2048 + 1, a tie
   that rounds to 2048, and w_2 = 2048). */
START_TEST(test_poison_label_rounded_once)
{
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq_t ws, w1, w;

    cpwl_dist_init(D);
    test_dist_str(D, "1,1\n");
    cpwl_err_init(e);
    fmpq_init(ws);
    fmpq_init(w1);
    fmpq_init(w);
    fmpq_set_si(ws, 2049, 1);
    fmpq_set_si(w1, 4096, 1);
    cpwl_tron_opts_init(o);
    fmpq_one(o->beta);
    fmpq_one(o->theta);
    o->adv = CPWL_TRON_ADV_WORST;
    ck_assert(cpwl_arith_init_str(A, "binary16"));
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    ck_assert(cpwl_val_get_fmpq(w, R->w, A));
    ck_assert(fmpq_cmp_si(w, 2050) == 0);
    cpwl_tron_clear(R);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    fmpq_clear(ws);
    fmpq_clear(w1);
    fmpq_clear(w);
}
END_TEST

/* Neuro-Tron, filters A_1 = (1 0), A_2 = (0 1) (r = 1, n = 2), M their
   mean (1/2 1/2), one point x = (1, 1), w* = 2: y = (2 + 2)/2 = 2,
   f_w(x) = w for w >= 0, M x = 1, so w_{t+1} = w_t + (1/2)(2 - w_t) and
   w_t = 2 - 2^(2-t) from w_1 = 0. */
START_TEST(test_neuro)
{
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(1), *w1 = _fmpq_vec_init(1),
        *w = _fmpq_vec_init(1), *F = _fmpq_vec_init(4), *M = _fmpq_vec_init(2);
    fmpq_t c;
    slong t;
    const char *one = "1,1,1\n";

    cpwl_dist_init(D);
    test_dist_str(D, one);
    cpwl_err_init(e);
    fmpq_init(c);
    fmpq_set_si(ws, 2, 1);
    fmpq_one(F);
    fmpq_one(F + 3);
    fmpq_set_si(M, 1, 2);
    fmpq_set_si(M + 1, 1, 2);
    cpwl_tron_opts_init(o);
    ck_assert(cpwl_tron_algo_from_str(o, "neuro-tron"));
    fmpq_set_si(o->eta, 1, 2);
    /* without its matrices it is refused */
    cpwl_arith_init_exact(A);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_ERR_INPUT);
    cpwl_err_init(e);
    cpwl_tron_opts_set_neuro(o, 2, 1, 2, F, M);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    for (t = 1; t <= 30; t++)
    {
        get_w(w, R);
        fmpq_set_si(c, 2, 1);
        if (t <= 2)
            fmpq_sub_si(c, c, t == 1 ? 2 : 1);
        else
        {
            fmpq_t h;
            fmpq_init(h);
            fmpq_one(h);
            fmpz_mul_2exp(fmpq_denref(h), fmpq_denref(h), t - 2);
            fmpq_sub(c, c, h);
            fmpq_clear(h);
        }
        ck_assert_msg(fmpq_equal(w, c), "t = %ld", (long) t);
        ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    }
    cpwl_tron_clear(R);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    fmpq_clear(c);
    _fmpq_vec_clear(ws, 1);
    _fmpq_vec_clear(w1, 1);
    _fmpq_vec_clear(w, 1);
    _fmpq_vec_clear(F, 4);
    _fmpq_vec_clear(M, 2);
}
END_TEST

/* GLM-tron with the identity link on data (x, y) = ((1, 0), 3),
   ((0, 2), -2), eta = 1: from w = 0, w_2 = (1/2)((3 - 0)(1, 0) +
   (-2 - 0)(0, 2)) = (3/2, -2); then w_3 = w_2 + (1/2)((3 - 3/2)(1, 0) +
   (-2 + 4)(0, 2)) = (9/4, 0). */
START_TEST(test_glm_identity)
{
    cpwl_dist_t D;
    cpwl_erm_data_t data;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *w1 = _fmpq_vec_init(2), *w = _fmpq_vec_init(2),
        *x = _fmpq_vec_init(2);
    const char *csv = "1,0,3\n0,2,-2\n";
    const slong a[2] = {3, -4}, b[2] = {9, 0};

    cpwl_err_init(e);
    cpwl_erm_data_init(data);
    ck_assert_int_eq(cpwl_erm_data_read_str(data, csv, strlen(csv), "t", e),
                     CPWL_OK);
    cpwl_dist_init(D);
    cpwl_dist_set_data(D, data);
    cpwl_tron_opts_init(o);
    ck_assert(cpwl_tron_algo_from_str(o, "glm-tron:identity"));
    cpwl_arith_init_exact(A);
    /* no w*: the data's labels */
    ck_assert_int_eq(cpwl_tron_init(R, o, D, NULL, w1, A, e), CPWL_OK);
    ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    get_w(w, R);
    set_vec(x, a, 2, 2);
    ck_assert(qvec_equal(w, x, 2));
    ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    get_w(w, R);
    set_vec(x, b, 4, 2);
    ck_assert(qvec_equal(w, x, 2));
    cpwl_tron_clear(R);
    /* glm-tron takes the whole sum: online is refused */
    o->mode = CPWL_TRON_ONLINE;
    ck_assert_int_eq(cpwl_tron_init(R, o, D, NULL, w1, A, e),
                     CPWL_ERR_INPUT);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    cpwl_erm_data_clear(data);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(w, 2);
    _fmpq_vec_clear(x, 2);
}
END_TEST

/* Online Tron with batch b against the same draws replayed by a plain
   exact loop: y = relu(<w*, x>), w += (eta/b) sum (y - relu(<w, x>)) x. */
START_TEST(test_online_replay)
{
    const char *csv = "p,x1,x2,x3\n1/3,1,2,0\n1/6,-1,0,1/2\n1/4,0,-3,1\n"
        "1/4,2,1,-1\n";
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(3), *w1 = _fmpq_vec_init(3),
        *w = _fmpq_vec_init(3), *v = _fmpq_vec_init(3),
        *u = _fmpq_vec_init(3);
    fmpq_t z, y, c;
    const slong wsn[3] = {1, -1, 2}, w1n[3] = {1, 1, -1};
    uint64_t seed = test_seed(15), rng;
    slong t, i, j, b;

    cpwl_dist_init(D);
    test_dist_str(D, csv);
    cpwl_err_init(e);
    fmpq_init(z);
    fmpq_init(y);
    fmpq_init(c);
    set_vec(ws, wsn, 1, 3);
    set_vec(w1, w1n, 2, 3);
    for (b = 1; b <= 3; b++)
    {
        cpwl_tron_opts_init(o);
        o->mode = CPWL_TRON_ONLINE;
        o->batch = b;
        o->seed = seed + b;
        fmpq_set_si(o->eta, 1, 3);
        cpwl_arith_init_exact(A);
        ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
        qvec_set(v, w1, 3);
        rng = o->seed;
        for (t = 1; t <= 25; t++)
        {
            ck_assert_int_eq(cpwl_tron_step(R, e), 0);
            qvec_zero(u, 3);
            for (i = 0; i < b; i++)
            {
                slong k = cpwl_dist_draw_index(D, &rng);
                const fmpq *x = D->X + 3 * k;
                _fmpq_vec_dot(y, ws, x, 3);
                if (fmpq_sgn(y) < 0)
                    fmpq_zero(y);
                _fmpq_vec_dot(z, v, x, 3);
                if (fmpq_sgn(z) < 0)
                    fmpq_zero(z);
                fmpq_sub(y, y, z);
                for (j = 0; j < 3; j++)
                    fmpq_addmul(u + j, y, x + j);
            }
            fmpq_set_si(c, 1, 3 * b);
            for (j = 0; j < 3; j++)
                fmpq_addmul(v + j, c, u + j);
            get_w(w, R);
            ck_assert_msg(qvec_equal(w, v, 3), "seed %llu, b = %ld, "
                          "t = %ld", (unsigned long long) seed, (long) b,
                          (long) t);
        }
        ck_assert_int_eq(R->draws, 25 * b);
        cpwl_tron_clear(R);
        cpwl_arith_clear(A);
        cpwl_tron_opts_clear(o);
    }
    cpwl_dist_clear(D);
    fmpq_clear(z);
    fmpq_clear(y);
    fmpq_clear(c);
    _fmpq_vec_clear(ws, 3);
    _fmpq_vec_clear(w1, 3);
    _fmpq_vec_clear(w, 3);
    _fmpq_vec_clear(v, 3);
    _fmpq_vec_clear(u, 3);
}
END_TEST

/* binary64 against exact on the cross example: from w_1 = 0 the exact
   w_t = w* - (3/4)^(t-1) w* has denominator 4^(t-1) <= 2^52 up to t = 27
   (and so does every intermediate value), so each operation is exact in
   binary64 and the runs agree bit for bit; at t = 28 the denominator
   2^54 no longer fits and the binary64 iterate must differ.  An Arb run
   at 64 bits from a non-dyadic w_1 contains every exact iterate. */
START_TEST(test_float_arb)
{
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A, F, B;
    cpwl_tron_t R, S, Q;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2),
        *w = _fmpq_vec_init(2), *v = _fmpq_vec_init(2);
    const slong wsn[2] = {1, -2}, w1n[2] = {1, 1};
    slong t, j;

    cpwl_dist_init(D);
    test_dist_str(D, CROSS);
    cpwl_err_init(e);
    set_vec(ws, wsn, 1, 2);
    set_vec(w1, w1n, 3, 2);     /* 1/3: not dyadic, so Arb has radii */
    cpwl_tron_opts_init(o);
    cpwl_arith_init_exact(A);
    cpwl_arith_init_arb(B, 64);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    ck_assert_int_eq(cpwl_tron_init(Q, o, D, ws, w1, B, e), CPWL_OK);
    for (t = 1; t <= 30; t++)
    {
        get_w(w, R);
        for (j = 0; j < 2; j++)
            ck_assert_msg(arb_contains_fmpq(&Q->w[j].b, w + j), "t = %ld",
                          (long) t);
        ck_assert_int_eq(cpwl_tron_step(R, e), 0);
        ck_assert_int_eq(cpwl_tron_step(Q, e), 0);
    }
    cpwl_tron_clear(R);
    cpwl_tron_clear(Q);
    /* from the dyadic w_1 = 0: bit for bit in binary64 */
    qvec_zero(w1, 2);
    cpwl_arith_init_str(F, "binary64");
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    ck_assert_int_eq(cpwl_tron_init(S, o, D, ws, w1, F, e), CPWL_OK);
    for (t = 1; t <= 30; t++)
    {
        get_w(w, R);
        get_w(v, S);
        ck_assert_msg(qvec_equal(w, v, 2) == (t <= 27), "t = %ld", (long) t);
        ck_assert_int_eq(cpwl_tron_step(R, e), 0);
        ck_assert_int_eq(cpwl_tron_step(S, e), 0);
    }
    cpwl_tron_clear(R);
    cpwl_tron_clear(S);
    cpwl_arith_clear(A);
    cpwl_arith_clear(B);
    cpwl_arith_clear(F);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(w, 2);
    _fmpq_vec_clear(v, 2);
}
END_TEST

/* cpwl_tron_step_rows: the batch {e1, -e2} at w = 0 with eta = 1/2:
   w' = (1/4)((1 - 0) e1 + (2 - 0)(-e2)) = (1/4, -1/2). */
START_TEST(test_step_rows)
{
    cpwl_dist_t D;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2),
        *w = _fmpq_vec_init(2), *x = _fmpq_vec_init(2);
    const slong wsn[2] = {1, -2}, r[2] = {1, -2};
    const slong idx[2] = {0, 3};

    cpwl_dist_init(D);
    test_dist_str(D, CROSS);
    cpwl_err_init(e);
    set_vec(ws, wsn, 1, 2);
    cpwl_tron_opts_init(o);
    fmpq_set_si(o->eta, 1, 2);
    cpwl_arith_init_exact(A);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e), CPWL_OK);
    ck_assert_int_eq(cpwl_tron_step_rows(R, idx, 2, e), 0);
    get_w(w, R);
    set_vec(x, r, 4, 2);
    ck_assert(qvec_equal(w, x, 2));
    ck_assert_int_eq(R->t, 2);
    /* set_w, then the row -e2 at w = (0, 1): relu(<w, -e2>) = 0 and
       y = relu(<w*, -e2>) = 2, so w' = (0, 1) + (1/2) 2 (-e2) = 0 */
    fmpq_zero(x);
    fmpq_one(x + 1);
    cpwl_tron_set_w(R, x);
    ck_assert_int_eq(cpwl_tron_step_rows(R, idx + 1, 1, e), 0);
    get_w(w, R);
    ck_assert(fmpq_is_zero(w) && fmpq_is_zero(w + 1));
    cpwl_tron_clear(R);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
    _fmpq_vec_clear(w, 2);
    _fmpq_vec_clear(x, 2);
}
END_TEST

/* Input the library refuses. */
START_TEST(test_refused)
{
    cpwl_dist_t D, G;
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *ws = _fmpq_vec_init(2), *w1 = _fmpq_vec_init(2);

    cpwl_dist_init(D);
    test_dist_str(D, CROSS);
    cpwl_dist_init(G);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dist_parse(G, "gaussian:n=2", e), 1);
    cpwl_tron_opts_init(o);
    cpwl_arith_init_exact(A);
    /* no w* for a distribution */
    ck_assert_int_eq(cpwl_tron_init(R, o, D, NULL, w1, A, e),
                     CPWL_ERR_INPUT);
    cpwl_err_init(e);
    /* eta <= 0 */
    fmpq_zero(o->eta);
    ck_assert_int_eq(cpwl_tron_init(R, o, D, ws, w1, A, e),
                     CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "eta") != NULL);
    cpwl_err_init(e);
    fmpq_one(o->eta);
    /* the population of a continuous law */
    ck_assert_int_eq(cpwl_tron_init(R, o, G, ws, w1, A, e),
                     CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "gaussian") != NULL);
    cpwl_err_init(e);
    /* online on it is fine, and its draws are labelled relu(<w*, x>) */
    o->mode = CPWL_TRON_ONLINE;
    ck_assert_int_eq(cpwl_tron_init(R, o, G, ws, w1, A, e), CPWL_OK);
    ck_assert_int_eq(cpwl_tron_step(R, e), 0);
    cpwl_tron_clear(R);
    cpwl_arith_clear(A);
    cpwl_tron_opts_clear(o);
    cpwl_dist_clear(D);
    cpwl_dist_clear(G);
    _fmpq_vec_clear(ws, 2);
    _fmpq_vec_clear(w1, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tron");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_cross_population);
    tcase_add_test(tc, test_sgd_stuck);
    tcase_add_test(tc, test_poison_population);
    tcase_add_test(tc, test_poison_label_rounded_once);
    tcase_add_test(tc, test_neuro);
    tcase_add_test(tc, test_glm_identity);
    tcase_add_test(tc, test_online_replay);
    tcase_add_test(tc, test_float_arb);
    tcase_add_test(tc, test_step_rows);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return test_run(s);
}
