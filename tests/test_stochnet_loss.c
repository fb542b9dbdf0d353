/* Module stochnet, the bounded cross-entropy: the Monte-Carlo average
   against a recomputation that evaluates every point of every draw
   exactly and takes p_y = e^(f_y) / sum_j e^(f_j) directly (not the
   log-sum-exp form) at 256 bits; closed forms (f = 0: ln 2 / ln(1/p_min);
   k equal outputs: ln k / ln(1/p_min)); the cap 1 for huge logits, from
   the double path and from the exact one (outputs that overflow double);
   and the 0-1 loss through the new entry point against the old one. */
#include <math.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "testutil.h"

#define HEAD "{\"format\": \"cpwl-gauss\", \"version\": 1, \"mean\": "

static void read_ok(cpwl_stochnet_t S, const char *text)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_stochnet_read_str(S, NULL, text, strlen(text), "t.json", e)
        != CPWL_OK)
        ck_abort_msg("%s\n%s", text, e->msg);
}

/* A random n-h-k relu network (weights in [-2, 2], steps of 1/4) with the
   shared sigma, as a cpwl-gauss text. */
static char *random_gauss(test_rng *r, slong n, slong h, slong k,
                          const char *sigma)
{
    cpwl_net_t net;
    cpwl_net_layer_struct *L;
    char *mean, *s;
    slong i, j, len;
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, h);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            fmpq_set_si(fmpq_mat_entry(L->W, i, j), test_range(r, -8, 8), 4);
        fmpq_set_si(L->b + i, test_range(r, -4, 4), 4);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, k);
    for (i = 0; i < k; i++)
    {
        for (j = 0; j < h; j++)
            fmpq_set_si(fmpq_mat_entry(L->W, i, j), test_range(r, -8, 8), 4);
        fmpq_set_si(L->b + i, test_range(r, -4, 4), 4);
    }
    net->output_bias = 1;
    cpwl_net_prepare(net);
    mean = cpwl_io_net_write_str(net);
    len = (slong) strlen(mean) + 256;
    s = flint_malloc(len);
    snprintf(s, len, HEAD "%s, \"sigma\": \"%s\"}", mean, sigma);
    flint_free(mean);
    cpwl_net_clear(net);
    return s;
}

/* Random data: D points with coordinates k/8 in [-2, 2], labels in
   0 .. K-1. */
static void random_data(cpwl_erm_data_t data, test_rng *r, slong D, slong n,
                        slong K)
{
    slong i;
    cpwl_erm_data_clear(data);
    cpwl_erm_data_init(data);
    data->D = D;
    data->n = n;
    data->X = _fmpq_vec_init(D * n);
    data->y = _fmpq_vec_init(D);
    for (i = 0; i < D * n; i++)
        fmpq_set_si(data->X + i, test_range(r, -16, 16), 8);
    for (i = 0; i < D; i++)
        fmpq_set_si(data->y + i, test_range(r, 0, K - 1), 1);
}

/* The loss of one point from the exact outputs y, the other way:
   p_y = e^(y_lab) / sum_j e^(y_j) (one output: 1/(1 + e^(-y)) or
   1/(1 + e^y)), l = -ln max(p_y, p_min) / ln(1/p_min). */
static void ref_loss(arb_t res, const fmpq *y, slong k, slong lab,
                     const fmpq_t p_min, slong prec)
{
    arb_t p, s, t, pm;
    slong j;
    arb_init(p);
    arb_init(s);
    arb_init(t);
    arb_init(pm);
    if (k == 1)
    {
        arb_set_fmpq(t, y, prec);
        if (lab == 1)
            arb_neg(t, t);
        arb_exp(t, t, prec);
        arb_add_ui(t, t, 1, prec);
        arb_inv(p, t, prec);
    }
    else
    {
        arb_zero(s);
        for (j = 0; j < k; j++)
        {
            arb_set_fmpq(t, y + j, prec);
            arb_exp(t, t, prec);
            arb_add(s, s, t, prec);
        }
        arb_set_fmpq(t, y + lab, prec);
        arb_exp(t, t, prec);
        arb_div(p, t, s, prec);
    }
    arb_set_fmpq(pm, p_min, prec);
    if (arb_gt(p, pm))
    {
        arb_log(res, p, prec);
        arb_log(t, pm, prec);
        arb_div(res, res, t, prec);
    }
    else
    {
        /* p_y < p_min certainly (a tie is not met here): exactly 1. */
        ck_assert(arb_lt(p, pm));
        arb_one(res);
    }
    arb_clear(pm);
    arb_clear(t);
    arb_clear(s);
    arb_clear(p);
}

/* The average loss of `samples` draws, every output exact. */
static void ref_average(arb_t res, const cpwl_stochnet_t Q,
                        const cpwl_erm_data_t data, slong samples,
                        uint64_t seed, const fmpq_t p_min, slong prec)
{
    slong d = cpwl_stochnet_num_params(Q->net), k = cpwl_net_output_dim(Q->net);
    slong s, i, n = data->n;
    double *w = flint_malloc(sizeof(double) * d);
    fmpq *y = _fmpq_vec_init(k);
    cpwl_net_t net;
    cpwl_err_t e;
    arb_t l;
    uint64_t rng = seed;
    cpwl_err_init(e);
    cpwl_net_init(net, n);
    arb_init(l);
    arb_zero(res);
    for (s = 0; s < samples; s++)
    {
        ck_assert_int_eq(cpwl_stochnet_draw(w, Q, &rng, e), CPWL_OK);
        cpwl_stochnet_sample_net(net, Q, w);
        for (i = 0; i < data->D; i++)
        {
            cpwl_net_eval_fmpq(y, net, data->X + i * n);
            ref_loss(l, y, k, fmpz_get_si(fmpq_numref(data->y + i)), p_min,
                     prec);
            arb_add(res, res, l, prec);
        }
    }
    arb_div_si(res, res, samples * data->D, prec);
    arb_clear(l);
    cpwl_net_clear(net);
    _fmpq_vec_clear(y, k);
    flint_free(w);
}

static void risk_bce_ok(cpwl_stochnet_risk_t R, const cpwl_stochnet_t Q,
                        const cpwl_erm_data_t data, const fmpq_t p_min,
                        slong N, uint64_t seed)
{
    cpwl_stochnet_loss_t L;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_stochnet_loss_init(L);
    L->kind = CPWL_STOCHNET_LOSS_BCE;
    fmpq_set(L->p_min, p_min);
    if (cpwl_stochnet_risk_loss(R, Q, data, L, N, seed, NULL, NULL, NULL, e)
        != CPWL_OK)
        ck_abort_msg("%s", e->msg);
    cpwl_stochnet_loss_clear(L);
}

START_TEST(test_bce_vs_exact)
{
    static const slong pm[][2] = {{1, 10000}, {1, 100}, {1, 3}, {1, 2},
                                  {9, 10}};
    test_rng r;
    slong it, iters = test_iters(12);
    cpwl_erm_data_t data;
    arb_t ref, up;
    arf_t hi;
    fmpq_t p_min;
    r.s = test_seed(1717);
    cpwl_erm_data_init(data);
    arb_init(ref);
    arb_init(up);
    arf_init(hi);
    fmpq_init(p_min);
    for (it = 0; it < iters; it++)
    {
        slong n = test_range(&r, 1, 3), h = test_range(&r, 2, 6);
        slong k = test_range(&r, 1, 4), N = test_range(&r, 1, 5);
        slong t = test_range(&r, 0, 4);
        uint64_t seed = test_next(&r);
        char *text = random_gauss(&r, n, h, k, "1/8");
        cpwl_stochnet_t Q;
        cpwl_stochnet_risk_t R;
        cpwl_stochnet_init(Q);
        cpwl_stochnet_risk_init(R);
        read_ok(Q, text);
        fmpq_set_si(p_min, pm[t][0], pm[t][1]);
        random_data(data, &r, test_range(&r, 1, 40), n, FLINT_MAX(2, k));
        risk_bce_ok(R, Q, data, p_min, N, seed);
        ref_average(ref, Q, data, N, seed, p_min, 256);
        ck_assert_int_eq(R->samples, N);
        ck_assert_int_eq(R->loss, CPWL_STOCHNET_LOSS_BCE);
        ck_assert_int_eq(R->decided_double + R->decided_exact, N * data->D);
        ck_assert(fmpz_is_zero(R->mistakes));
        /* emp bounds the true average above, closely; the enclosure
           contains it. */
        arb_set_fmpq(up, R->emp, 256);
        arb_get_ubound_arf(hi, ref, 256);
        ck_assert_msg(arf_cmp(hi, arb_midref(up)) <= 0, "iteration %ld: "
                      "emp below the average", (long) it);
        arb_sub(up, up, ref, 256);
        arb_mul_2exp_si(ref, ref, -30);         /* 2^-30 < 1e-9 */
        ck_assert_msg(arb_le(up, ref),
                      "iteration %ld: emp not within 1e-9", (long) it);
        arb_mul_2exp_si(ref, ref, 30);
        ck_assert_msg(arb_overlaps(R->emp_enclosure, ref), "iteration %ld",
                      (long) it);
        cpwl_stochnet_risk_clear(R);
        cpwl_stochnet_clear(Q);
        flint_free(text);
    }
    fmpq_clear(p_min);
    arf_clear(hi);
    arb_clear(up);
    arb_clear(ref);
    cpwl_erm_data_clear(data);
}
END_TEST

/* Closed forms for cpwl_stochnet_bce. */
START_TEST(test_bce_closed_forms)
{
    arb_t c, l, want, t;
    arb_ptr f = _arb_vec_init(3);
    slong y;
    arb_init(c);
    arb_init(l);
    arb_init(want);
    arb_init(t);
    /* c = ln 10^4. */
    arb_set_ui(c, 10000);
    arb_log(c, c, 128);
    /* One output f = 0: p = 1/2 for both classes. */
    arb_const_log2(want, 128);
    arb_div(want, want, c, 128);
    for (y = 0; y < 2; y++)
    {
        cpwl_stochnet_bce(l, f, 1, y, c, 128);
        ck_assert(arb_overlaps(l, want));
        ck_assert(mag_cmp_2exp_si(arb_radref(l), -100) < 0);
    }
    /* Three equal outputs 5/2: ln 3 / ln 10^4. */
    arb_set_d(f + 0, 2.5);
    arb_set_d(f + 1, 2.5);
    arb_set_d(f + 2, 2.5);
    arb_set_ui(want, 3);
    arb_log(want, want, 128);
    arb_div(want, want, c, 128);
    cpwl_stochnet_bce(l, f, 3, 2, c, 128);
    ck_assert(arb_overlaps(l, want));
    /* Huge logits: p_y = e^-(10^6) < p_min, the cap 1 exactly; the
       other class: a loss in (0, 2^-1000). */
    arb_zero(f + 0);
    arb_set_d(f + 1, 1e6);
    cpwl_stochnet_bce(l, f, 2, 0, c, 128);
    ck_assert(arb_is_one(l));
    cpwl_stochnet_bce(l, f, 2, 1, c, 128);
    arb_one(t);
    arb_mul_2exp_si(t, t, -1000);
    ck_assert(arb_is_nonnegative(l) && arb_lt(l, t));
    /* And with one output (sigmoid); and 10^300 apart. */
    arb_set_d(f + 0, -1e6);
    cpwl_stochnet_bce(l, f, 1, 1, c, 128);
    ck_assert(arb_is_one(l));
    arb_set_d(f + 0, 1e300);
    arb_set_d(f + 1, -1e300);
    cpwl_stochnet_bce(l, f, 2, 1, c, 128);
    ck_assert(arb_is_one(l));
    /* p_min = 1/2, f = (0, ln 3): p_0 = 1/4 < 1/2: 1; p_1 = 3/4:
       ln(4/3)/ln 2. */
    arb_const_log2(c, 128);
    arb_zero(f + 0);
    arb_set_ui(f + 1, 3);
    arb_log(f + 1, f + 1, 128);
    cpwl_stochnet_bce(l, f, 2, 0, c, 128);
    ck_assert(arb_is_one(l));
    arb_set_ui(want, 4);
    arb_div_ui(want, want, 3, 128);
    arb_log(want, want, 128);
    arb_div(want, want, c, 128);
    cpwl_stochnet_bce(l, f, 2, 1, c, 128);
    ck_assert(arb_overlaps(l, want));
    /* c <= 0 possible: all of [0, 1]. */
    arb_zero(c);
    cpwl_stochnet_bce(l, f, 2, 1, c, 128);
    ck_assert(arb_contains_si(l, 0) && arb_contains_si(l, 1));
    arb_clear(t);
    arb_clear(want);
    arb_clear(l);
    arb_clear(c);
    _arb_vec_clear(f, 3);
}
END_TEST

/* x = 0 through relu(w x + b) with b about -1: f = 0 exactly in every
   draw, the loss ln 2 / ln(1/p_min) for both labels. */
START_TEST(test_bce_f_zero)
{
    cpwl_stochnet_t Q;
    cpwl_stochnet_risk_t R;
    cpwl_erm_data_t data;
    fmpq_t p_min;
    arb_t want, t;
    slong i;
    cpwl_stochnet_init(Q);
    cpwl_stochnet_risk_init(R);
    cpwl_erm_data_init(data);
    fmpq_init(p_min);
    arb_init(want);
    arb_init(t);
    read_ok(Q, HEAD "{\"format\": \"cpwl-net\", \"version\": 1, "
            "\"input_dim\": 1, \"layers\": [{\"activation\": \"relu\", "
            "\"weights\": [[1]], \"bias\": [-1]}], \"output_bias\": true}, "
            "\"sigma\": \"1/64\"}");
    data->D = 4;
    data->n = 1;
    data->X = _fmpq_vec_init(4);
    data->y = _fmpq_vec_init(4);
    for (i = 0; i < 4; i++)
        fmpq_set_si(data->y + i, i % 2, 1);
    fmpq_set_si(p_min, 1, 10000);
    risk_bce_ok(R, Q, data, p_min, 9, 5);
    arb_const_log2(want, 256);
    arb_set_ui(t, 10000);
    arb_log(t, t, 256);
    arb_div(want, want, t, 256);
    ck_assert(arb_contains(R->emp_enclosure, want));
    arb_set_fmpq(t, R->emp, 256);
    ck_assert(arb_ge(t, want));
    arb_sub(t, t, want, 256);
    ck_assert(arf_cmpabs_2exp_si(arb_midref(t), -40) < 0);
    ck_assert_int_eq(R->decided_double, 36);
    fmpq_clear(p_min);
    arb_clear(t);
    arb_clear(want);
    cpwl_erm_data_clear(data);
    cpwl_stochnet_risk_clear(R);
    cpwl_stochnet_clear(Q);
}
END_TEST

/* The cap: f(x) = w x with w about 2^20 at x = 1 and label 0 from the
   double path; f = w2 relu(w1 x) with w1, w2 about 10^200 at x = 10^200
   overflows double and is taken exactly: label 0 the cap, label 1 a loss
   below the unit 2^-128. */
START_TEST(test_bce_cap)
{
    cpwl_stochnet_t Q;
    cpwl_stochnet_risk_t R;
    cpwl_erm_data_t data;
    fmpq_t p_min, want;
    cpwl_stochnet_init(Q);
    cpwl_stochnet_risk_init(R);
    cpwl_erm_data_init(data);
    fmpq_init(p_min);
    fmpq_init(want);
    read_ok(Q, HEAD "{\"format\": \"cpwl-net\", \"version\": 1, "
            "\"input_dim\": 1, \"layers\": [{\"activation\": \"identity\", "
            "\"weights\": [[1048576]], \"bias\": [0]}], \"output_bias\": "
            "true}, \"sigma\": \"1/64\"}");
    data->D = 1;
    data->n = 1;
    data->X = _fmpq_vec_init(1);
    data->y = _fmpq_vec_init(1);
    fmpq_one(data->X);
    fmpq_set_si(p_min, 1, 10000);
    risk_bce_ok(R, Q, data, p_min, 3, 11);
    ck_assert(fmpq_is_one(R->emp));
    ck_assert(arb_is_one(R->emp_enclosure));
    ck_assert_int_eq(R->decided_double, 3);
    cpwl_stochnet_clear(Q);
    cpwl_stochnet_init(Q);
    read_ok(Q, HEAD "{\"format\": \"cpwl-net\", \"version\": 1, "
            "\"input_dim\": 1, \"layers\": [{\"activation\": \"relu\", "
            "\"weights\": [[1e200]], \"bias\": [0]}, {\"activation\": "
            "\"identity\", \"weights\": [[1e200]], \"bias\": [0]}], "
            "\"output_bias\": true}, \"sigma\": \"1/64\"}");
    cpwl_erm_data_clear(data);
    cpwl_erm_data_init(data);
    data->D = 2;
    data->n = 1;
    data->X = _fmpq_vec_init(2);
    data->y = _fmpq_vec_init(2);
    fmpz_set_ui(fmpq_numref(data->X + 0), 10);
    fmpz_pow_ui(fmpq_numref(data->X + 0), fmpq_numref(data->X + 0), 200);
    fmpq_set(data->X + 1, data->X + 0);
    fmpq_one(data->y + 1);
    risk_bce_ok(R, Q, data, p_min, 2, 11);
    ck_assert_int_eq(R->decided_exact, 4);
    /* (2 (2^128 + 1)) / (4 2^128): each label-1 loss is one unit. */
    fmpz_one_2exp(fmpq_numref(want), 128);
    fmpz_add_ui(fmpq_numref(want), fmpq_numref(want), 1);
    fmpz_one_2exp(fmpq_denref(want), 129);
    ck_assert(fmpq_equal(R->emp, want));
    ck_assert(arb_contains_si(R->emp_enclosure, 0) == 0);
    fmpq_clear(want);
    fmpq_clear(p_min);
    cpwl_erm_data_clear(data);
    cpwl_stochnet_risk_clear(R);
    cpwl_stochnet_clear(Q);
}
END_TEST

/* The 0-1 loss through cpwl_stochnet_risk_loss is cpwl_stochnet_risk;
   names; p_min outside (0, 1). */
START_TEST(test_loss_select)
{
    test_rng r;
    char *text;
    cpwl_stochnet_t Q;
    cpwl_stochnet_risk_t R, R2;
    cpwl_stochnet_loss_t L;
    cpwl_erm_data_t data;
    cpwl_err_t e;
    r.s = test_seed(99);
    cpwl_err_init(e);
    cpwl_stochnet_init(Q);
    cpwl_stochnet_risk_init(R);
    cpwl_stochnet_risk_init(R2);
    cpwl_stochnet_loss_init(L);
    cpwl_erm_data_init(data);
    text = random_gauss(&r, 2, 4, 3, "1/4");
    read_ok(Q, text);
    random_data(data, &r, 30, 2, 3);
    ck_assert_int_eq(L->kind, CPWL_STOCHNET_LOSS_01);
    ck_assert(test_q_is(L->p_min, 1, 10000));
    ck_assert_int_eq(cpwl_stochnet_risk(R, Q, data, 4, 3, NULL, NULL, NULL, e),
                     CPWL_OK);
    ck_assert_int_eq(cpwl_stochnet_risk_loss(R2, Q, data, L, 4, 3, NULL, NULL,
                                             NULL, e), CPWL_OK);
    ck_assert(fmpz_equal(R->mistakes, R2->mistakes));
    ck_assert(fmpq_equal(R->emp, R2->emp));
    ck_assert_int_eq(R2->loss, CPWL_STOCHNET_LOSS_01);
    {
        arb_t t;
        arb_init(t);
        arb_set_fmpq(t, R->emp, 256);
        ck_assert(arb_overlaps(t, R->emp_enclosure));
        arb_clear(t);
    }
    ck_assert_int_eq(cpwl_stochnet_loss_from_name("bce"),
                     CPWL_STOCHNET_LOSS_BCE);
    ck_assert_int_eq(cpwl_stochnet_loss_from_name("01"), CPWL_STOCHNET_LOSS_01);
    ck_assert_int_eq(cpwl_stochnet_loss_from_name("ce"), -1);
    ck_assert_str_eq(cpwl_stochnet_loss_name(CPWL_STOCHNET_LOSS_BCE), "bce");
    L->kind = CPWL_STOCHNET_LOSS_BCE;
    fmpq_one(L->p_min);
    ck_assert_int_eq(cpwl_stochnet_risk_loss(R2, Q, data, L, 4, 3, NULL, NULL,
                                             NULL, e), CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "p_min") != NULL);
    fmpq_zero(L->p_min);
    ck_assert_int_eq(cpwl_stochnet_risk_loss(R2, Q, data, L, 4, 3, NULL, NULL,
                                             NULL, e), CPWL_ERR_INPUT);
    flint_free(text);
    cpwl_erm_data_clear(data);
    cpwl_stochnet_loss_clear(L);
    cpwl_stochnet_risk_clear(R2);
    cpwl_stochnet_risk_clear(R);
    cpwl_stochnet_clear(Q);
}
END_TEST

static Suite *stochnet_loss_suite(void)
{
    Suite *s = suite_create("stochnet_loss");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bce_vs_exact);
    tcase_add_test(tc, test_bce_closed_forms);
    tcase_add_test(tc, test_bce_f_zero);
    tcase_add_test(tc, test_bce_cap);
    tcase_add_test(tc, test_loss_select);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(stochnet_loss_suite());
}
