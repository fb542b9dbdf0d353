/* Tests of ERM certificates (src/erm/cert_write.c, verify.c): a
   certificate verifies and edits of it fail; which check of the verifier
   rejects each kind of bad certificate.  Split from test_erm.c. */
#include <string.h>
#include "testutil.h"

static void load(cpwl_erm_data_t data, const char *csv)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_data_read_str(data, csv, strlen(csv), "test", e)
                  == CPWL_OK, "%s", e->msg);
}

/* A certificate verifies; changing the claimed optimum, a multiplier or
   a lower bound makes it fail. */
static char *replace_first(const char *s, const char *a, const char *b)
{
    const char *p = strstr(s, a);
    char *r;
    size_t la = strlen(a), lb = strlen(b), n = strlen(s);
    ck_assert_msg(p != NULL, "'%s' not in the certificate", a);
    r = flint_malloc(n - la + lb + 1);
    memcpy(r, s, p - s);
    memcpy(r + (p - s), b, lb);
    strcpy(r + (p - s) + lb, p + la);
    return r;
}

static void expect_reject(const cpwl_erm_data_t data, const char *cert,
                          const char *a, const char *b)
{
    char *bad = replace_first(cert, a, b);
    fmpq_t opt;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    fmpq_init(opt);
    cpwl_pred_ctx_init(ctx);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_certificate_verify(opt, NULL, data, bad, strlen(bad), "c",
                                              ctx, e) == CPWL_ERR_INPUT,
                  "a certificate with '%s' -> '%s' was accepted", a, b);
    fmpq_clear(opt);
    cpwl_pred_ctx_clear(ctx);
    flint_free(bad);
}

START_TEST(test_certificate)
{
    cpwl_erm_data_t data;
    cpwl_erm_opts o;
    cpwl_erm_result_t r;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    fmpq_t opt;
    cpwl_erm_data_init(data);
    load(data, "-2,-2\n-1,-1\n1,1\n3,3\n");
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&o, ctx);
    o.width = 1;
    o.certificate = 1;
    cpwl_erm_result_init(r);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_erm_solve(r, data, &o, e), CPWL_OK);
    f = open_memstream(&buf, &len);
    ck_assert(cpwl_erm_certificate_write(f, r, data, &o) == CPWL_OK);
    fclose(f);
    fmpq_init(opt);
    ck_assert_msg(cpwl_erm_certificate_verify(opt, NULL, data, buf, len, "c", ctx, e)
                  == CPWL_OK, "%s", e->msg);
    ck_assert(fmpq_equal_si(opt, 5));   /* width 1, squared: 5 */
    expect_reject(data, buf, "\"optimum\": \"5\"", "\"optimum\": \"4\"");
    expect_reject(data, buf, "\"lower_bound\": \"", "\"lower_bound\": \"1");
    expect_reject(data, buf, "\"value\": \"", "\"value\": \"1");
    expect_reject(data, buf, "\"points\": 4", "\"points\": 5");
    free(buf);
    fmpq_clear(opt);
    cpwl_erm_result_clear(r);
    cpwl_pred_ctx_clear(ctx);
    cpwl_erm_data_clear(data);
}
END_TEST

/* ---- which check rejects a certificate -------------------------------- */

/* A certificate from a real cpwl_erm_solve run; r is kept for the test. */
static char *make_cert(cpwl_erm_result_t r, const cpwl_erm_data_t data, slong w,
                       cpwl_qp_loss loss, int bias, int prune)
{
    cpwl_erm_opts o;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&o, ctx);
    o.width = w;
    o.loss = loss;
    o.output_bias = bias;
    o.prune = prune;
    o.certificate = 1;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_solve(r, data, &o, e) == CPWL_OK, "%s", e->msg);
    f = open_memstream(&buf, &len);
    ck_assert(cpwl_erm_certificate_write(f, r, data, &o) == CPWL_OK);
    fclose(f);
    cpwl_pred_ctx_clear(ctx);
    return buf;
}

static cpwl_erm_verify_info check_cert(const cpwl_erm_data_t data, const char *cert,
                                       const cpwl_erm_opts *expect)
{
    fmpq_t opt;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    cpwl_erm_verify_info info;
    int st;
    fmpq_init(opt);
    cpwl_pred_ctx_init(ctx);
    cpwl_err_init(e);
    memset(&info, 0xff, sizeof info);
    st = cpwl_erm_certificate_check(opt, NULL, &info, expect, data, cert,
                                    strlen(cert), "c", ctx, e);
    ck_assert_msg((st == CPWL_OK) == (info.reason == CPWL_ERM_VERIFY_OK),
                  "status %d, reason %d: %s", st, (int) info.reason, e->msg);
    fmpq_clear(opt);
    cpwl_pred_ctx_clear(ctx);
    return info;
}

/* cert (freed) must be rejected by the check want. */
static void expect_reason(const cpwl_erm_data_t data, char *cert,
                          const cpwl_erm_opts *expect, cpwl_erm_verify_reason want,
                          const char *what)
{
    cpwl_erm_verify_info info = check_cert(data, cert, expect);
    ck_assert_msg(info.reason == want, "%s: rejected by check %d, expected "
                  "%d", what, (int) info.reason, (int) want);
    flint_free(cert);
}

/* The text of s with [a, b) replaced by r (flint_free). */
static char *splice(const char *s, const char *a, const char *b,
                    const char *r)
{
    size_t lr = strlen(r), n = strlen(s) - (b - a) + lr;
    char *t = flint_malloc(n + 1);
    memcpy(t, s, a - s);
    memcpy(t + (a - s), r, lr);
    strcpy(t + (a - s) + lr, b);
    return t;
}

/* Entry i of "cells" (one per line) replaced by r, or deleted (r NULL;
   not the last entry). */
static char *edit_cell(const char *s, slong i, const char *r)
{
    const char *a = strstr(s, "\"cells\": [\n"), *b;
    ck_assert(a != NULL);
    a += strlen("\"cells\": [\n");
    for (; i > 0; i--)
        a = strchr(a, '\n') + 1;
    a += 2;                     /* indentation */
    b = a;
    while (*b != '\n' && strncmp(b, "}]}", 3) != 0)
        b++;
    if (*b == '\n')
        b--;                    /* keep the ',' */
    else
        b++;
    if (r == NULL)
        return splice(s, a - 2, b + 2, "");
    return splice(s, a, b, r);
}

/* The "network" replaced by the text of net. */
static char *edit_net(const char *s, const cpwl_net_t net)
{
    const char *a = strstr(s, "\"network\": "), *b = strstr(s, ",\n \"dichotomies\"");
    char *t = cpwl_io_net_write_str(net), *r;
    ck_assert(a != NULL && b != NULL);
    r = splice(s, a + strlen("\"network\": "), b, t);
    flint_free(t);
    return r;
}

static char *sub(const char *s, const char *a, const char *b)
{
    char *r = replace_first(s, a, b);
    return r;
}

START_TEST(test_cert_reasons)
{
    cpwl_erm_data_t data, d2;
    cpwl_erm_result_t r, rn;
    cpwl_erm_verify_info info;
    cpwl_erm_opts want;
    cpwl_pred_ctx_t ctx;
    char *c, *cn, *t;
    slong i, j;
    fmpq_t lb;

    cpwl_erm_data_init(data);
    cpwl_erm_data_init(d2);
    load(data, "-2,-2\n-1,-1\n1,1\n3,3\n");
    cpwl_pred_ctx_init(ctx);
    fmpq_init(lb);
    cpwl_erm_result_init(r);
    cpwl_erm_result_init(rn);
    c = make_cert(r, data, 1, CPWL_QP_SQUARED, 0, 1);
    cn = make_cert(rn, data, 1, CPWL_QP_SQUARED, 0, 0);
    ck_assert(fmpq_equal_si(r->optimum, 5));
    ck_assert(r->opt_cell == 3 && rn->opt_cell == 3);
    info = check_cert(data, c, NULL);
    ck_assert_int_eq(info.reason, CPWL_ERM_VERIFY_OK);
    ck_assert_int_eq(info.cover, 1);    /* 4 distinct x: general position */
    ck_assert_int_eq(check_cert(data, cn, NULL).reason, CPWL_ERM_VERIFY_OK);

    /* a cell omitted */
    expect_reason(data, edit_cell(c, 5, NULL), NULL, CPWL_ERM_VERIFY_CELLS,
                  "omitted cell");
    /* a cell's bound below the claim: cell 0 (+1 unit on all points),
       solved in the certificate, given its true relaxation bound */
    {
        cpwl_qp_t P;
        slong sets[1] = {0};
        int sign[1] = {1};
        char *s;
        cpwl_erm_cell_qp(P, data, &r->dich, sets, sign, 1, CPWL_QP_SQUARED, 0);
        cpwl_qp_lower_bound(lb, P);
        cpwl_qp_clear(P);
        ck_assert(fmpq_cmp(lb, r->optimum) < 0);
        s = fmpq_get_str(NULL, 10, lb);
        t = flint_malloc(strlen(s) + 32);
        sprintf(t, "{\"lower_bound\": \"%s\"}", s);
        expect_reason(data, edit_cell(c, 0, t), NULL,
                      CPWL_ERM_VERIFY_NOT_EXCLUDED, "bound below the claim");
        flint_free(s);
        flint_free(t);
    }
    /* a bound that is not the relaxation's optimum (11 -> 111) */
    expect_reason(data, sub(c, "\"lower_bound\": \"", "\"lower_bound\": \"1"),
                  NULL, CPWL_ERM_VERIFY_BOUND, "wrong bound");
    /* wrong witness networks: another loss; the same function with two
       units for width 1 */
    expect_reason(data, sub(c, "\"bias\": [\"0\"]", "\"bias\": [\"1\"]"), NULL,
                  CPWL_ERM_VERIFY_WITNESS, "witness with another loss");
    {
        cpwl_net_t g;
        cpwl_net_layer_struct *L, *O;
        cpwl_net_init(g, 1);
        L = cpwl_net_add_layer(g, CPWL_NET_RELU, 2);
        O = cpwl_net_add_layer(g, CPWL_NET_IDENTITY, 1);
        fmpq_one(fmpq_mat_entry(L->W, 0, 0));
        fmpq_one(fmpq_mat_entry(O->W, 0, 0));
        cpwl_net_prepare(g);
        expect_reason(data, edit_net(c, g), NULL, CPWL_ERM_VERIFY_WITNESS,
                      "witness of width 2");
        cpwl_net_clear(g);
    }
    /* wrong optima: below (not attained) and above (cells below it; the
       witness and optimal cell made consistent with the claim) */
    expect_reason(data, sub(c, "\"optimum\": \"5\"", "\"optimum\": \"4\""),
                  NULL, CPWL_ERM_VERIFY_WITNESS, "optimum too low");
    {
        cpwl_net_t g;
        char *s1, *s2, buf[64];
        int sign[1];
        j = 0;                  /* solved, value 236/35 > 5 */
        ck_assert(fmpq_cmp(rn->sols[j].value, rn->optimum) > 0);
        ck_assert_int_eq(rn->sol_cell[j], j);
        sign[0] = 1;
        cpwl_net_init(g, 1);
        cpwl_erm_cell_net(g, data, sign, 1, 1, rn->sols[j].theta, 0);
        s1 = edit_net(cn, g);
        t = fmpq_get_str(NULL, 10, rn->sols[j].value);
        snprintf(buf, sizeof buf, "\"optimum\": \"%s\"", t);
        s2 = sub(s1, "\"optimum\": \"5\"", buf);
        flint_free(s1);
        expect_reason(data, sub(s2, "\"optimal_cell\": 3",
                                "\"optimal_cell\": 0"), NULL,
                      CPWL_ERM_VERIFY_CELL_BELOW, "optimum too high");
        flint_free(s2);
        flint_free(t);
        cpwl_net_clear(g);
    }
    /* the optimal cell: another solved cell, an excluded one, none */
    expect_reason(data, sub(c, "\"optimal_cell\": 3", "\"optimal_cell\": 0"),
                  NULL, CPWL_ERM_VERIFY_OPTIMAL_CELL, "optimal cell's value");
    expect_reason(data, sub(c, "\"optimal_cell\": 3", "\"optimal_cell\": 2"),
                  NULL, CPWL_ERM_VERIFY_OPTIMAL_CELL, "optimal cell excluded");
    expect_reason(data, sub(c, "\"optimal_cell\": 3", "\"optimal_cell\": 99"),
                  NULL, CPWL_ERM_VERIFY_OPTIMAL_CELL, "optimal cell out of range");
    /* a multiplier changed */
    expect_reason(data, sub(c, "\"lambda\": [\"236/35\"", "\"lambda\": [\"236/36\""),
                  NULL, CPWL_ERM_VERIFY_KKT, "KKT");
    /* the dichotomies: one replaced, one left out (Cover's count) */
    expect_reason(data, sub(c, "[0, 1, 2, 3],", "[0, 1, 3],"), NULL,
                  CPWL_ERM_VERIFY_DICH, "dichotomy replaced");
    expect_reason(data, sub(c, "\n  [0],", ""), NULL, CPWL_ERM_VERIFY_DICH_COUNT,
                  "dichotomy left out");
    /* altered data: another point, another dimension, another label */
    load(d2, "-2,-2\n-1,-1\n1,1\n3,3\n4,4\n");
    ck_assert_int_eq(check_cert(d2, c, NULL).reason, CPWL_ERM_VERIFY_DATA);
    load(d2, "-2,0,-2\n-1,0,-1\n1,0,1\n3,0,3\n");
    ck_assert_int_eq(check_cert(d2, c, NULL).reason, CPWL_ERM_VERIFY_DATA);
    load(d2, "-2,-2\n-1,-1\n1,1\n3,4\n");
    ck_assert_int_eq(check_cert(d2, c, NULL).reason, CPWL_ERM_VERIFY_WITNESS);
    /* altered options: in the file, and against the caller's problem */
    expect_reason(data, sub(c, "\"squared\"", "\"l1\""), NULL,
                  CPWL_ERM_VERIFY_WITNESS, "loss changed");
    expect_reason(data, sub(c, "\"width\": 1", "\"width\": 2"), NULL,
                  CPWL_ERM_VERIFY_WITNESS, "width changed");
    expect_reason(data, sub(c, "\"output_bias\": false", "\"output_bias\": "
                            "true"), NULL, CPWL_ERM_VERIFY_SYNTAX,
                  "output bias changed (theta too short)");
    cpwl_erm_opts_init(&want, ctx);
    want.width = -1;
    want.loss = (cpwl_qp_loss) -1;
    want.output_bias = -1;
    ck_assert_int_eq(check_cert(data, c, &want).reason, CPWL_ERM_VERIFY_OK);
    want.width = 2;
    ck_assert_int_eq(check_cert(data, c, &want).reason, CPWL_ERM_VERIFY_PROBLEM);
    want.width = 1;
    want.loss = CPWL_QP_L1;
    ck_assert_int_eq(check_cert(data, c, &want).reason, CPWL_ERM_VERIFY_PROBLEM);
    want.loss = CPWL_QP_SQUARED;
    want.output_bias = 1;
    ck_assert_int_eq(check_cert(data, c, &want).reason, CPWL_ERM_VERIFY_PROBLEM);
    /* malformed fields */
    {
        static const char *edits[][2] = {
            {"{\"format\"", "[{\"format\""},
            {"cpwl-erm-certificate", "cpwl-net"},
            {"\"version\": 2", "\"version\": 1"},
            {"\"squared\"", "\"cubic\""},
            {"\"loss\":", "\"lost\":"},
            {"\"width\": 1", "\"width\": 0"},
            {"\"output_bias\": false", "\"output_bias\": 0"},
            {"\"optimum\": \"5\"", "\"optimum\": \"5/0\""},
            {"\"optimal_cell\": 3", "\"optimal_cell\": -3"},
            {"\"network\": {", "\"net\": {"},
            {"\"format\": \"cpwl-net\"", "\"format\": \"cpwl-nut\""},
            {"\"dichotomies\": [", "\"dichotomies\": 1, \"x\": ["},
            {"[0, 1, 2, 3],", "0,"},
            {"[0, 1, 2, 3],", "[0, 1, 2, 4],"},
            {"\"lower_bound\": \"", "\"lower_bound\": \"x"},
            {"\"theta\": [\"", "\"theta\": [\"x"}};
        for (i = 0; i < (slong) (sizeof edits / sizeof edits[0]); i++)
            expect_reason(data, sub(c, edits[i][0], edits[i][1]), NULL,
                          CPWL_ERM_VERIFY_SYNTAX, edits[i][1]);
    }
    /* a cell that is not an object */
    expect_reason(data, edit_cell(c, 1, "1"), NULL, CPWL_ERM_VERIFY_SYNTAX,
                  "cell not an object");
    cpwl_erm_result_clear(r);
    cpwl_erm_result_clear(rn);
    free(c);
    free(cn);

    /* the other losses round-trip too */
    load(data, "-1,-1\n1,1\n2,1\n");
    cpwl_erm_result_init(r);
    c = make_cert(r, data, 1, CPWL_QP_HINGE, 1, 1);
    ck_assert_int_eq(check_cert(data, c, NULL).reason, CPWL_ERM_VERIFY_OK);
    cpwl_erm_result_clear(r);
    free(c);
    cpwl_erm_result_init(r);
    c = make_cert(r, data, 2, CPWL_QP_L1, 0, 1);
    ck_assert_int_eq(check_cert(data, c, NULL).reason, CPWL_ERM_VERIFY_OK);
    cpwl_erm_result_clear(r);
    free(c);

    /* degenerate data (x repeated): not counted against Cover's formula;
       a dichotomy left out is caught by the recomputation */
    load(data, "1,0\n1,5\n2,0\n3,1\n3,2\n");
    cpwl_erm_result_init(r);
    c = make_cert(r, data, 1, CPWL_QP_SQUARED, 0, 1);
    info = check_cert(data, c, NULL);
    ck_assert_int_eq(info.reason, CPWL_ERM_VERIFY_OK);
    ck_assert_int_eq(info.cover, 0);
    t = strstr(c, "\"dichotomies\": [\n");
    ck_assert(t != NULL);
    {
        /* delete the second listed dichotomy */
        const char *a = strchr(strchr(t, '\n') + 1, '\n'), *b;
        b = strchr(a + 1, '\n');
        expect_reason(data, splice(c, a, b, ""), NULL, CPWL_ERM_VERIFY_DICH,
                      "dichotomy left out, degenerate data");
    }
    cpwl_erm_result_clear(r);
    free(c);
    fmpq_clear(lb);
    cpwl_pred_ctx_clear(ctx);
    cpwl_erm_data_clear(d2);
    cpwl_erm_data_clear(data);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erm_cert");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_certificate);
    tcase_add_test(tc, test_cert_reasons);
    suite_add_tcase(s, tc);
    return test_run(s);
}
