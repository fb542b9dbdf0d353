/* Tests of exact ERM: data files, dichotomies against Cover's formula, an
   independent 1-D count and a second enumeration (an exact LP per subset),
   hand-computed optima (../shared/examples.md), a brute force over every
   subset of the data per unit (also exact, only slower) on seeded random
   1-D data, which check of the certificate verifier rejects each kind of
   bad certificate, and interrupts. */
#include <string.h>
#include "testutil.h"
#include "erm/erm_impl.h"

#define SEED 20261127

static void load(erm_data_t data, const char *csv)
{
    err_t e;
    err_init(e);
    ck_assert_msg(erm_data_read_str(data, csv, strlen(csv), "test", e)
                  == CPWL_OK, "%s", e->msg);
}

static void bad_csv(const char *csv, const char *want)
{
    erm_data_t data;
    err_t e;
    erm_data_init(data);
    err_init(e);
    ck_assert_msg(erm_data_read_str(data, csv, strlen(csv), "f.csv", e)
                  == CPWL_ERR_INPUT, "accepted bad data %s", csv);
    ck_assert_msg(strstr(e->msg, want) != NULL, "message '%s' lacks '%s'",
                  e->msg, want);
    erm_data_clear(data);
}

START_TEST(test_csv)
{
    erm_data_t data;
    erm_data_init(data);
    load(data, "# points\nx1,x2,y\n1, 1/2, 0.1\n-2,3e1,-1  # trailing\r\n");
    ck_assert_int_eq(data->D, 2);
    ck_assert_int_eq(data->n, 2);
    ck_assert(fmpq_equal_si(data->X + 2, -2));
    ck_assert(fmpq_equal_si(data->X + 3, 30));
    {
        fmpq_t t;
        fmpq_init(t);
        fmpq_set_si(t, 1, 10);  /* 0.1 read exactly */
        ck_assert(fmpq_equal(data->y + 0, t));
        fmpq_clear(t);
    }
    erm_data_clear(data);
    bad_csv("1,2\n3,4,5\n", "f.csv:2: expected 2 cells");
    bad_csv("1,2\n3,x\n", "f.csv:2:3: cell 2");
    bad_csv("# nothing\n\n", "no data rows");
    bad_csv("1\n2\n", "at least 2 cells");
    bad_csv("1,1/0\n", "f.csv:1:3");
}
END_TEST

static slong count_dich(const char *csv)
{
    erm_data_t data;
    erm_dich_t S;
    pred_ctx_t ctx;
    err_t e;
    slong c;
    erm_data_init(data);
    load(data, csv);
    erm_dich_init(S);
    pred_ctx_init(ctx);
    err_init(e);
    ck_assert_msg(erm_dichotomies(S, data, ctx, e) == CPWL_OK, "%s", e->msg);
    c = S->count;
    erm_dich_clear(S);
    erm_data_clear(data);
    return c;
}

/* Points t, t^2, ..., t^n on the moment curve are in general position,
   so Cover's formula 2 sum_{i<=n} C(D-1, i) counts the dichotomies (the
   empty one included: we count the nonempty ones, one fewer). */
START_TEST(test_cover)
{
    static const slong cases[][3] = {{4, 1, 8}, {4, 2, 14}, {5, 2, 22},
                                     {5, 3, 30}, {6, 2, 32}};
    slong c, i, k;
    char csv[512];
    for (c = 0; c < 5; c++)
    {
        slong D = cases[c][0], n = cases[c][1];
        size_t len = 0;
        for (i = 0; i < D; i++)
        {
            slong t = i + 1, p = 1;
            for (k = 0; k < n; k++)
            {
                p *= t;
                len += snprintf(csv + len, sizeof csv - len, "%ld,", (long) p);
            }
            len += snprintf(csv + len, sizeof csv - len, "0\n");
        }
        ck_assert_msg(count_dich(csv) == cases[c][2] - 1, "(D, n) = (%ld, %ld)",
                      (long) D, (long) n);
    }
    /* 1-D with repeated x: 3 distinct values give prefixes and suffixes of
       the sorted values, 2 * 3 - 1 nonempty sets (counted by hand). */
    ck_assert_int_eq(count_dich("1,0\n1,5\n2,0\n3,1\n3,2\n"), 5);
    /* collinear points in the plane behave like points on a line */
    ck_assert_int_eq(count_dich("0,0,1\n1,1,1\n2,2,1\n"), 5);
}
END_TEST

static void expect_opt(const char *csv, slong w, qp_loss loss, int bias,
                       slong p, slong q)
{
    erm_data_t data;
    erm_opts o;
    erm_result_t r;
    pred_ctx_t ctx;
    err_t e;
    fmpq_t want, check;
    int prune;
    erm_data_init(data);
    load(data, csv);
    fmpq_init(want);
    fmpq_init(check);
    fmpq_set_si(want, p, q);
    for (prune = 0; prune < 2; prune++)
    {
        pred_ctx_init(ctx);
        erm_opts_init(&o, ctx);
        o.width = w;
        o.loss = loss;
        o.output_bias = bias;
        o.prune = prune;
        erm_result_init(r);
        err_init(e);
        ck_assert_msg(erm_solve(r, data, &o, e) == CPWL_OK, "%s", e->msg);
        ck_assert_msg(fmpq_equal(r->optimum, want), "data %s w %ld loss %d "
                      "bias %d prune %d: optimum %s, expected %ld/%ld", csv,
                      (long) w, (int) loss, bias, prune,
                      fmpq_get_str(NULL, 10, r->optimum), (long) p, (long) q);
        /* the returned network attains it, recomputed from scratch */
        erm_net_loss(check, r->net, data, loss);
        ck_assert(fmpq_equal(check, want));
        ck_assert(r->have_sol);
        {
            const char *why = "";
            ck_assert_msg(qp_check(r->sol, r->qp, &why), "certificate: %s",
                          why);
        }
        erm_result_clear(r);
        pred_ctx_clear(ctx);
    }
    fmpq_clear(want);
    fmpq_clear(check);
    erm_data_clear(data);
}

/* examples.md: data (-1,1), (0,0), (1,1), width 1: squared 2/3 without
   output bias (relu(0 x + 2/3)), 1/2 with it (1/2 + relu(x - 1/2)); l1: 1
   in both cases.  x = (-2,-1,1,3), y = x, no output bias: width 2 l1 0
   (relu(x) - relu(-x)); width 1 l1 3 and squared 5; with an output bias
   width 1 gives 0 (-2 + relu(x + 2)). */
START_TEST(test_hand)
{
    const char *v = "-1,1\n0,0\n1,1\n";
    const char *id = "-2,-2\n-1,-1\n1,1\n3,3\n";
    expect_opt(v, 1, QP_SQUARED, 0, 2, 3);
    expect_opt(v, 1, QP_SQUARED, 1, 1, 2);
    expect_opt(v, 1, QP_L1, 0, 1, 1);
    expect_opt(v, 1, QP_L1, 1, 1, 1);
    expect_opt(id, 2, QP_L1, 0, 0, 1);
    expect_opt(id, 1, QP_L1, 0, 3, 1);
    expect_opt(id, 1, QP_SQUARED, 0, 5, 1);
    expect_opt(id, 1, QP_SQUARED, 1, 0, 1);
    expect_opt(id, 1, QP_L1, 1, 0, 1);
    /* hinge: labels +-1 separable by one unit with a bias: 0 */
    expect_opt("-1,-1\n1,1\n2,1\n", 1, QP_HINGE, 1, 0, 1);
}
END_TEST

/* The brute force: every unit may be active on any subset of the data
   (2^D sets, the empty one included), every sign; the optimum over all
   these convex problems is the same global optimum. */
static void brute(fmpq_t best, const erm_data_t data, slong w, qp_loss loss,
                  int bias)
{
    slong D = data->D, nsets = WORD(1) << D, i, j;
    erm_dich_t S;
    slong *sets = flint_malloc(w * sizeof(slong));
    int *sign = flint_malloc(w * sizeof(int));
    slong total = 1;
    err_t e;
    erm_dich_init(S);
    S->words = 1;
    S->count = nsets;
    S->bits = flint_malloc(nsets * sizeof(ulong));
    for (i = 0; i < nsets; i++)
        S->bits[i] = (ulong) i;
    for (j = 0; j < w; j++)
        total *= 2 * nsets;
    fmpq_set_si(best, -1, 1);
    for (i = 0; i < total; i++)
    {
        slong t = i;
        qp_t P;
        qp_sol_t sol;
        for (j = 0; j < w; j++)
        {
            sets[j] = t % nsets;
            t /= nsets;
            sign[j] = t % 2 ? -1 : 1;
            t /= 2;
        }
        erm_cell_qp(P, data, S, sets, sign, w, loss, bias);
        qp_sol_init(sol, P);
        err_init(e);
        ck_assert_msg(qp_solve(sol, P, e) == CPWL_OK, "%s", e->msg);
        if (fmpq_sgn(best) < 0 || fmpq_cmp(sol->value, best) < 0)
            fmpq_set(best, sol->value);
        qp_sol_clear(sol);
        qp_clear(P);
    }
    erm_dich_clear(S);
    flint_free(sets);
    flint_free(sign);
}

START_TEST(test_brute_force)
{
    test_rng r;
    slong it;
    const uint64_t base = test_seed(SEED);
    for (it = 0; it < test_iters(24); it++)
    {
        uint64_t seed = base + it;
        slong D, w = 1 + (it % 3 == 2), i;
        qp_loss loss = it % 2 ? QP_L1 : QP_SQUARED;
        int bias = (it / 2) % 2;
        char csv[256];
        size_t len = 0;
        erm_data_t data;
        erm_opts o;
        erm_result_t res;
        pred_ctx_t ctx;
        err_t e;
        fmpq_t b;
        r.s = seed;
        D = test_range(&r, 2, w == 2 ? 3 : 4);
        for (i = 0; i < D; i++)
            len += snprintf(csv + len, sizeof csv - len, "%ld,%ld\n",
                            (long) test_range(&r, -3, 3),
                            (long) test_range(&r, -3, 3));
        erm_data_init(data);
        load(data, csv);
        fmpq_init(b);
        brute(b, data, w, loss, bias);
        pred_ctx_init(ctx);
        erm_opts_init(&o, ctx);
        o.width = w;
        o.loss = loss;
        o.output_bias = bias;
        erm_result_init(res);
        err_init(e);
        ck_assert_msg(erm_solve(res, data, &o, e) == CPWL_OK, "%s", e->msg);
        ck_assert_msg(fmpq_equal(res->optimum, b), "seed %llu: data %s w %ld "
                      "loss %d bias %d: erm %s, brute force %s",
                      (unsigned long long) seed, csv, (long) w, (int) loss,
                      bias, fmpq_get_str(NULL, 10, res->optimum),
                      fmpq_get_str(NULL, 10, b));
        erm_result_clear(res);
        pred_ctx_clear(ctx);
        fmpq_clear(b);
        erm_data_clear(data);
    }
}
END_TEST

START_TEST(test_limits)
{
    erm_data_t data;
    erm_opts o;
    erm_result_t r;
    pred_ctx_t ctx;
    err_t e;
    erm_data_init(data);
    load(data, "0,1\n1,1\n2,1\n3,1\n4,1\n5,1\n");
    pred_ctx_init(ctx);
    erm_opts_init(&o, ctx);
    o.width = 3;
    o.max_cells = 10;           /* C(22, 3) = 1540 cells */
    erm_result_init(r);
    err_init(e);
    ck_assert_int_eq(erm_solve(r, data, &o, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "1540") && strstr(e->msg, "--max-cells"),
                  "%s", e->msg);
    erm_result_clear(r);
    /* hinge labels must be +-1 */
    o.max_cells = ERM_DEFAULT_MAX_CELLS;
    o.loss = QP_HINGE;
    erm_result_init(r);
    err_init(e);
    ck_assert_int_eq(erm_solve(r, data, &o, e), CPWL_OK);
    erm_result_clear(r);
    erm_data_clear(data);
    load(data, "0,1\n1,2\n");
    erm_result_init(r);
    err_init(e);
    ck_assert_int_eq(erm_solve(r, data, &o, e), CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "+1 or -1") != NULL);
    erm_result_clear(r);
    erm_data_clear(data);
    pred_ctx_clear(ctx);
}
END_TEST

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

static void expect_reject(const erm_data_t data, const char *cert,
                          const char *a, const char *b)
{
    char *bad = replace_first(cert, a, b);
    fmpq_t opt;
    pred_ctx_t ctx;
    err_t e;
    fmpq_init(opt);
    pred_ctx_init(ctx);
    err_init(e);
    ck_assert_msg(erm_certificate_verify(opt, NULL, data, bad, strlen(bad), "c",
                                         ctx, e) == CPWL_ERR_INPUT,
                  "a certificate with '%s' -> '%s' was accepted", a, b);
    fmpq_clear(opt);
    pred_ctx_clear(ctx);
    flint_free(bad);
}

START_TEST(test_certificate)
{
    erm_data_t data;
    erm_opts o;
    erm_result_t r;
    pred_ctx_t ctx;
    err_t e;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    fmpq_t opt;
    erm_data_init(data);
    load(data, "-2,-2\n-1,-1\n1,1\n3,3\n");
    pred_ctx_init(ctx);
    erm_opts_init(&o, ctx);
    o.width = 1;
    o.certificate = 1;
    erm_result_init(r);
    err_init(e);
    ck_assert_int_eq(erm_solve(r, data, &o, e), CPWL_OK);
    f = open_memstream(&buf, &len);
    ck_assert(erm_certificate_write(f, r, data, &o) == CPWL_OK);
    fclose(f);
    fmpq_init(opt);
    ck_assert_msg(erm_certificate_verify(opt, NULL, data, buf, len, "c", ctx, e)
                  == CPWL_OK, "%s", e->msg);
    ck_assert(fmpq_equal_si(opt, 5));   /* width 1, squared: 5 */
    expect_reject(data, buf, "\"optimum\": \"5\"", "\"optimum\": \"4\"");
    expect_reject(data, buf, "\"lower_bound\": \"", "\"lower_bound\": \"1");
    expect_reject(data, buf, "\"value\": \"", "\"value\": \"1");
    expect_reject(data, buf, "\"points\": 4", "\"points\": 5");
    free(buf);
    fmpq_clear(opt);
    erm_result_clear(r);
    pred_ctx_clear(ctx);
    erm_data_clear(data);
}
END_TEST



/* Dichotomies by a second, independent enumeration: every subset P of
   the points is tested for strict affine separability by an exact LP
   (a x_i + b >= 1 on P, <= 0 off P), on small seeded data with repeated
   and collinear points; and the sort-based 1-D method against the
   arrangement. */
static int separable(const erm_data_t data, ulong P)
{
    slong n = data->n, i, j;
    lp_t L;
    fmpq *obj = _fmpq_vec_init(n + 2), *row;
    fmpq_t opt;
    int st;
    lp_init(L, n + 1);
    fmpq_init(opt);
    for (i = 0; i < data->D; i++)
    {
        int in = (P >> i) & 1;
        row = lp_add_row_zero(L, 0);
        for (j = 0; j < n; j++)
            fmpq_set(row + j, data->X + i * n + j);
        fmpq_one(row + n);
        if (!in)
            for (j = 0; j <= n; j++)
                fmpq_neg(row + j, row + j);
        else
            fmpq_set_si(row + n + 1, -1, 1);
    }
    st = lp_optimize(opt, NULL, L, obj, 0);
    ck_assert(st == LP_OPTIMAL || st == LP_INFEASIBLE);
    lp_clear(L);
    fmpq_clear(opt);
    _fmpq_vec_clear(obj, n + 2);
    return st == LP_OPTIMAL;
}

static void same_dich(const erm_dich_t S, const erm_dich_t T,
                      const char *csv, uint64_t seed)
{
    slong i, j;
    ck_assert_msg(S->count == T->count, "seed %llu: %s: %ld and %ld "
                  "dichotomies", (unsigned long long) seed, csv,
                  (long) S->count, (long) T->count);
    for (i = 0; i < S->count; i++)
    {
        for (j = 0; j < T->count; j++)
            if (memcmp(S->bits + i * S->words, T->bits + j * T->words,
                       S->words * sizeof(ulong)) == 0)
                break;
        ck_assert_msg(j < T->count, "seed %llu: %s: dichotomy %ld not found",
                      (unsigned long long) seed, csv, (long) i);
    }
}

START_TEST(test_dich_second)
{
    uint64_t seed = test_seed(SEED);
    test_rng r;
    slong it, iters = test_iters(40);
    r.s = seed;
    for (it = 0; it < iters; it++)
    {
        slong n = 1 + it % 2, D = test_range(&r, 1, n == 1 ? 9 : 6), i, k;
        slong range = test_range(&r, 1, 3);
        char csv[512];
        size_t len = 0;
        erm_data_t data;
        erm_dich_t S, T;
        pred_ctx_t ctx;
        err_t e;
        int stopped;
        for (i = 0; i < D; i++)
        {
            for (k = 0; k < n; k++)
                len += snprintf(csv + len, sizeof csv - len, "%ld,",
                                (long) test_range(&r, -range, range));
            len += snprintf(csv + len, sizeof csv - len, "0\n");
        }
        erm_data_init(data);
        load(data, csv);
        erm_dich_init(S);
        erm_dich_init(T);
        pred_ctx_init(ctx);
        err_init(e);
        ck_assert_msg(erm_dichotomies_regions(S, &stopped, data, NULL, ctx,
                                              e) == CPWL_OK, "%s", e->msg);
        ck_assert(!stopped);
        /* the brute force, as a table */
        T->words = 1;
        T->bits = flint_malloc((WORD(1) << D) * sizeof(ulong));
        for (i = 1; i < (WORD(1) << D); i++)
            if (separable(data, (ulong) i))
                T->bits[T->count++] = (ulong) i;
        same_dich(S, T, csv, seed);
        if (n == 1)
        {
            erm_dich_clear(T);
            ck_assert(erm_dichotomies_line(T, &stopped, data, NULL, e)
                      == CPWL_OK && !stopped);
            same_dich(S, T, csv, seed);
        }
        erm_dich_clear(S);
        erm_dich_clear(T);
        pred_ctx_clear(ctx);
        erm_data_clear(data);
    }
}
END_TEST

/* A set interrupt flag stops reading and enumerating at once. */
START_TEST(test_interrupt)
{
    volatile sig_atomic_t flag = 1;
    const char *csv = "0,1\n1,2\n2,3\n";
    erm_data_t data;
    erm_dich_t S;
    erm_opts o;
    erm_result_t r;
    pred_ctx_t ctx;
    err_t e;
    int stopped;
    erm_data_init(data);
    erm_dich_init(S);
    pred_ctx_init(ctx);
    err_init(e);
    ck_assert(erm_data_read_str_stop(data, &stopped, csv, strlen(csv), "t",
                                     &flag, e) == CPWL_OK);
    ck_assert(stopped && data->D == 0);
    load(data, csv);
    ck_assert(erm_dichotomies_line(S, &stopped, data, &flag, e) == CPWL_OK);
    ck_assert(stopped && S->count == 0);
    ck_assert(erm_dichotomies_regions(S, &stopped, data, &flag, ctx, e)
              == CPWL_OK);
    ck_assert(stopped && S->count == 0);
    /* erm_solve: stopped before any cell, the zero network's loss 14 */
    erm_opts_init(&o, ctx);
    o.interrupt = &flag;
    erm_result_init(r);
    ck_assert(erm_solve(r, data, &o, e) == CPWL_OK);
    ck_assert(r->stopped && r->zero_bound && !r->have_sol);
    ck_assert(fmpq_equal_si(r->optimum, 14));
    erm_result_clear(r);
    pred_ctx_clear(ctx);
    erm_data_clear(data);
}
END_TEST

/* ---- which check rejects a certificate -------------------------------- */

/* A certificate from a real erm_solve run; r is kept for the test. */
static char *make_cert(erm_result_t r, const erm_data_t data, slong w,
                       qp_loss loss, int bias, int prune)
{
    erm_opts o;
    pred_ctx_t ctx;
    err_t e;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    pred_ctx_init(ctx);
    erm_opts_init(&o, ctx);
    o.width = w;
    o.loss = loss;
    o.output_bias = bias;
    o.prune = prune;
    o.certificate = 1;
    err_init(e);
    ck_assert_msg(erm_solve(r, data, &o, e) == CPWL_OK, "%s", e->msg);
    f = open_memstream(&buf, &len);
    ck_assert(erm_certificate_write(f, r, data, &o) == CPWL_OK);
    fclose(f);
    pred_ctx_clear(ctx);
    return buf;
}

static erm_verify_info check_cert(const erm_data_t data, const char *cert,
                                  const erm_opts *expect)
{
    fmpq_t opt;
    pred_ctx_t ctx;
    err_t e;
    erm_verify_info info;
    int st;
    fmpq_init(opt);
    pred_ctx_init(ctx);
    err_init(e);
    memset(&info, 0xff, sizeof info);
    st = erm_certificate_check(opt, NULL, &info, expect, data, cert,
                               strlen(cert), "c", ctx, e);
    ck_assert_msg((st == CPWL_OK) == (info.reason == ERM_VERIFY_OK),
                  "status %d, reason %d: %s", st, (int) info.reason, e->msg);
    fmpq_clear(opt);
    pred_ctx_clear(ctx);
    return info;
}

/* cert (freed) must be rejected by the check want. */
static void expect_reason(const erm_data_t data, char *cert,
                          const erm_opts *expect, erm_verify_reason want,
                          const char *what)
{
    erm_verify_info info = check_cert(data, cert, expect);
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
static char *edit_net(const char *s, const net_t net)
{
    const char *a = strstr(s, "\"network\": "), *b = strstr(s, ",\n \"dichotomies\"");
    char *t = io_net_write_str(net), *r;
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
    erm_data_t data, d2;
    erm_result_t r, rn;
    erm_verify_info info;
    erm_opts want;
    pred_ctx_t ctx;
    char *c, *cn, *t;
    slong i, j;
    fmpq_t lb;

    erm_data_init(data);
    erm_data_init(d2);
    load(data, "-2,-2\n-1,-1\n1,1\n3,3\n");
    pred_ctx_init(ctx);
    fmpq_init(lb);
    erm_result_init(r);
    erm_result_init(rn);
    c = make_cert(r, data, 1, QP_SQUARED, 0, 1);
    cn = make_cert(rn, data, 1, QP_SQUARED, 0, 0);
    ck_assert(fmpq_equal_si(r->optimum, 5));
    ck_assert(r->opt_cell == 3 && rn->opt_cell == 3);
    info = check_cert(data, c, NULL);
    ck_assert_int_eq(info.reason, ERM_VERIFY_OK);
    ck_assert_int_eq(info.cover, 1);    /* 4 distinct x: general position */
    ck_assert_int_eq(check_cert(data, cn, NULL).reason, ERM_VERIFY_OK);

    /* a cell omitted */
    expect_reason(data, edit_cell(c, 5, NULL), NULL, ERM_VERIFY_CELLS,
                  "omitted cell");
    /* a cell's bound below the claim: cell 0 (+1 unit on all points),
       solved in the certificate, given its true relaxation bound */
    {
        qp_t P;
        slong sets[1] = {0};
        int sign[1] = {1};
        char *s;
        erm_cell_qp(P, data, &r->dich, sets, sign, 1, QP_SQUARED, 0);
        qp_lower_bound(lb, P);
        qp_clear(P);
        ck_assert(fmpq_cmp(lb, r->optimum) < 0);
        s = fmpq_get_str(NULL, 10, lb);
        t = flint_malloc(strlen(s) + 32);
        sprintf(t, "{\"lower_bound\": \"%s\"}", s);
        expect_reason(data, edit_cell(c, 0, t), NULL,
                      ERM_VERIFY_NOT_EXCLUDED, "bound below the claim");
        flint_free(s);
        flint_free(t);
    }
    /* a bound that is not the relaxation's optimum (11 -> 111) */
    expect_reason(data, sub(c, "\"lower_bound\": \"", "\"lower_bound\": \"1"),
                  NULL, ERM_VERIFY_BOUND, "wrong bound");
    /* wrong witness networks: another loss; the same function with two
       units for width 1 */
    expect_reason(data, sub(c, "\"bias\": [\"0\"]", "\"bias\": [\"1\"]"), NULL,
                  ERM_VERIFY_WITNESS, "witness with another loss");
    {
        net_t g;
        net_layer_struct *L, *O;
        net_init(g, 1);
        L = net_add_layer(g, NET_RELU, 2);
        O = net_add_layer(g, NET_IDENTITY, 1);
        fmpq_one(fmpq_mat_entry(L->W, 0, 0));
        fmpq_one(fmpq_mat_entry(O->W, 0, 0));
        net_prepare(g);
        expect_reason(data, edit_net(c, g), NULL, ERM_VERIFY_WITNESS,
                      "witness of width 2");
        net_clear(g);
    }
    /* wrong optima: below (not attained) and above (cells below it; the
       witness and optimal cell made consistent with the claim) */
    expect_reason(data, sub(c, "\"optimum\": \"5\"", "\"optimum\": \"4\""),
                  NULL, ERM_VERIFY_WITNESS, "optimum too low");
    {
        net_t g;
        char *s1, *s2, buf[64];
        int sign[1];
        j = 0;                  /* solved, value 236/35 > 5 */
        ck_assert(fmpq_cmp(rn->sols[j].value, rn->optimum) > 0);
        ck_assert_int_eq(rn->sol_cell[j], j);
        sign[0] = 1;
        net_init(g, 1);
        erm_cell_net(g, data, sign, 1, 1, rn->sols[j].theta, 0);
        s1 = edit_net(cn, g);
        t = fmpq_get_str(NULL, 10, rn->sols[j].value);
        snprintf(buf, sizeof buf, "\"optimum\": \"%s\"", t);
        s2 = sub(s1, "\"optimum\": \"5\"", buf);
        flint_free(s1);
        expect_reason(data, sub(s2, "\"optimal_cell\": 3",
                                "\"optimal_cell\": 0"), NULL,
                      ERM_VERIFY_CELL_BELOW, "optimum too high");
        flint_free(s2);
        flint_free(t);
        net_clear(g);
    }
    /* the optimal cell: another solved cell, an excluded one, none */
    expect_reason(data, sub(c, "\"optimal_cell\": 3", "\"optimal_cell\": 0"),
                  NULL, ERM_VERIFY_OPTIMAL_CELL, "optimal cell's value");
    expect_reason(data, sub(c, "\"optimal_cell\": 3", "\"optimal_cell\": 2"),
                  NULL, ERM_VERIFY_OPTIMAL_CELL, "optimal cell excluded");
    expect_reason(data, sub(c, "\"optimal_cell\": 3", "\"optimal_cell\": 99"),
                  NULL, ERM_VERIFY_OPTIMAL_CELL, "optimal cell out of range");
    /* a multiplier changed */
    expect_reason(data, sub(c, "\"lambda\": [\"236/35\"", "\"lambda\": [\"236/36\""),
                  NULL, ERM_VERIFY_KKT, "KKT");
    /* the dichotomies: one replaced, one left out (Cover's count) */
    expect_reason(data, sub(c, "[0, 1, 2, 3],", "[0, 1, 3],"), NULL,
                  ERM_VERIFY_DICH, "dichotomy replaced");
    expect_reason(data, sub(c, "\n  [0],", ""), NULL, ERM_VERIFY_DICH_COUNT,
                  "dichotomy left out");
    /* altered data: another point, another dimension, another label */
    load(d2, "-2,-2\n-1,-1\n1,1\n3,3\n4,4\n");
    ck_assert_int_eq(check_cert(d2, c, NULL).reason, ERM_VERIFY_DATA);
    load(d2, "-2,0,-2\n-1,0,-1\n1,0,1\n3,0,3\n");
    ck_assert_int_eq(check_cert(d2, c, NULL).reason, ERM_VERIFY_DATA);
    load(d2, "-2,-2\n-1,-1\n1,1\n3,4\n");
    ck_assert_int_eq(check_cert(d2, c, NULL).reason, ERM_VERIFY_WITNESS);
    /* altered options: in the file, and against the caller's problem */
    expect_reason(data, sub(c, "\"squared\"", "\"l1\""), NULL,
                  ERM_VERIFY_WITNESS, "loss changed");
    expect_reason(data, sub(c, "\"width\": 1", "\"width\": 2"), NULL,
                  ERM_VERIFY_WITNESS, "width changed");
    expect_reason(data, sub(c, "\"output_bias\": false", "\"output_bias\": "
                            "true"), NULL, ERM_VERIFY_SYNTAX,
                  "output bias changed (theta too short)");
    erm_opts_init(&want, ctx);
    want.width = -1;
    want.loss = (qp_loss) -1;
    want.output_bias = -1;
    ck_assert_int_eq(check_cert(data, c, &want).reason, ERM_VERIFY_OK);
    want.width = 2;
    ck_assert_int_eq(check_cert(data, c, &want).reason, ERM_VERIFY_PROBLEM);
    want.width = 1;
    want.loss = QP_L1;
    ck_assert_int_eq(check_cert(data, c, &want).reason, ERM_VERIFY_PROBLEM);
    want.loss = QP_SQUARED;
    want.output_bias = 1;
    ck_assert_int_eq(check_cert(data, c, &want).reason, ERM_VERIFY_PROBLEM);
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
                          ERM_VERIFY_SYNTAX, edits[i][1]);
    }
    /* a cell that is not an object */
    expect_reason(data, edit_cell(c, 1, "1"), NULL, ERM_VERIFY_SYNTAX,
                  "cell not an object");
    erm_result_clear(r);
    erm_result_clear(rn);
    free(c);
    free(cn);

    /* the other losses round-trip too */
    load(data, "-1,-1\n1,1\n2,1\n");
    erm_result_init(r);
    c = make_cert(r, data, 1, QP_HINGE, 1, 1);
    ck_assert_int_eq(check_cert(data, c, NULL).reason, ERM_VERIFY_OK);
    erm_result_clear(r);
    free(c);
    erm_result_init(r);
    c = make_cert(r, data, 2, QP_L1, 0, 1);
    ck_assert_int_eq(check_cert(data, c, NULL).reason, ERM_VERIFY_OK);
    erm_result_clear(r);
    free(c);

    /* degenerate data (x repeated): not counted against Cover's formula;
       a dichotomy left out is caught by the recomputation */
    load(data, "1,0\n1,5\n2,0\n3,1\n3,2\n");
    erm_result_init(r);
    c = make_cert(r, data, 1, QP_SQUARED, 0, 1);
    info = check_cert(data, c, NULL);
    ck_assert_int_eq(info.reason, ERM_VERIFY_OK);
    ck_assert_int_eq(info.cover, 0);
    t = strstr(c, "\"dichotomies\": [\n");
    ck_assert(t != NULL);
    {
        /* delete the second listed dichotomy */
        const char *a = strchr(strchr(t, '\n') + 1, '\n'), *b;
        b = strchr(a + 1, '\n');
        expect_reason(data, splice(c, a, b, ""), NULL, ERM_VERIFY_DICH,
                      "dichotomy left out, degenerate data");
    }
    erm_result_clear(r);
    free(c);
    fmpq_clear(lb);
    pred_ctx_clear(ctx);
    erm_data_clear(d2);
    erm_data_clear(data);
}
END_TEST

/* The bounding phase runs in parallel; the result, and the cells solved
   and pruned, do not depend on the number of threads. */
START_TEST(test_threads)
{
    erm_data_t data;
    erm_opts o;
    erm_result_t r1, r2;
    pred_ctx_t ctx;
    err_t e;
    erm_data_init(data);
    load(data, "-3,1\n-2,0\n-1,2\n0,0\n1,1\n2,3\n3,-1\n4,2\n");
    pred_ctx_init(ctx);
    erm_opts_init(&o, ctx);
    o.width = 2;
    erm_result_init(r1);
    erm_result_init(r2);
    err_init(e);
    o.threads = 1;
    ck_assert_int_eq(erm_solve(r1, data, &o, e), CPWL_OK);
    o.threads = 2;
    ck_assert_int_eq(erm_solve(r2, data, &o, e), CPWL_OK);
    ck_assert(fmpq_equal(r1->optimum, r2->optimum));
    ck_assert_int_eq(r1->solved, r2->solved);
    ck_assert_int_eq(r1->pruned, r2->pruned);
    erm_result_clear(r1);
    erm_result_clear(r2);
    pred_ctx_clear(ctx);
    erm_data_clear(data);
}
END_TEST

/* ---- groups of cells (src/erm/gram.c, solve.c) ------------------------ */

/* Seeded data: n = 1 or 2, coordinates k/2 or k/3 with repeats (so some
   dichotomies are rank deficient), labels with denominators 1..4. */
static void random_data(erm_data_t data, test_rng *r, slong D, slong n)
{
    char csv[2048];
    size_t len = 0;
    slong i, j;
    for (i = 0; i < D; i++)
    {
        for (j = 0; j < n; j++)
            len += snprintf(csv + len, sizeof csv - len, "%ld/%ld,",
                            (long) test_range(r, -6, 6),
                            (long) test_range(r, 2, 3));
        len += snprintf(csv + len, sizeof csv - len, "%ld/%ld\n",
                        (long) test_range(r, -9, 9),
                        (long) test_range(r, 1, 4));
    }
    load(data, csv);
}

/* The bound of a group from Gram blocks is the exact relaxation optimum
   of each of its cells (qp_lower_bound on the cell's own subproblem, any
   signs, units repeated with both signs included); the interval filter's
   double is at most it; the cells of a group are numbered as in the
   enumeration (erm_next_comb). */
START_TEST(test_gram_bound)
{
    test_rng r;
    slong it, filtered = 0;
    const uint64_t base = test_seed(SEED + 12);
    for (it = 0; it < test_iters(40); it++)
    {
        slong n = 1 + (it % 4 == 3), D, u, g, k, N, m, c, i;
        int bias = (it / 2) % 2;
        slong set[3], combs[8 * 3], *binom, comb[3];
        erm_data_t data;
        erm_dich_t S;
        erm_gram_t Gm;
        erm_gram_work W;
        pred_ctx_t ctx;
        err_t e;
        fmpq_t lb, lq, q;
        r.s = base + it;
        D = n == 1 ? test_range(&r, 3, 14) : test_range(&r, 3, 7);
        erm_data_init(data);
        random_data(data, &r, D, n);
        erm_dich_init(S);
        pred_ctx_init(ctx);
        err_init(e);
        ck_assert_int_eq(erm_dichotomies(S, data, ctx, e), CPWL_OK);
        N = S->count;
        u = FLINT_MIN(3, 2 * N);
        binom = erm_binom_table(2 * N, u);
        erm_gram_init(Gm, data, S, u, bias);
        erm_gram_work_init(&W, Gm, u);
        fmpq_init(lb);
        fmpq_init(lq);
        fmpq_init(q);
        for (k = 0; k < 20; k++)
        {
            /* a random group of g distinct dichotomies, u/2 <= g <= u */
            g = test_range(&r, (u + 1) / 2, FLINT_MIN(u, N));
            set[0] = test_range(&r, 0, N - g);
            for (i = 1; i < g; i++)
                set[i] = test_range(&r, set[i - 1] + 1, N - g + i);
            erm_gram_bound(lb, Gm, set, g, &W);
            m = erm_group_cells(combs, set, g, u, N);
            ck_assert_int_eq(m, binom[g * (u + 1) + u - g] << (2 * g - u));
            for (c = 0; c < m; c++)
            {
                slong sets[3], t, pos;
                int sign[3];
                qp_t P;
                erm_comb_cell(sets, sign, combs + c * u, u, N);
                erm_cell_qp(P, data, S, sets, sign, u, QP_SQUARED, bias);
                qp_lower_bound(lq, P);
                qp_clear(P);
                ck_assert_msg(fmpq_equal(lb, lq), "seed %llu: group bound "
                              "%s, cell bound %s", (unsigned long long)
                              (base + it), fmpq_get_str(NULL, 10, lb),
                              fmpq_get_str(NULL, 10, lq));
                /* the cell's number by walking the enumeration */
                for (t = 0; t < u; t++)
                    comb[t] = t;
                for (pos = 0; memcmp(comb, combs + c * u, u * sizeof(slong))
                     != 0; pos++)
                    erm_next_comb(comb, u, 2 * N);
                ck_assert_int_eq(erm_comb_rank(combs + c * u, u, 2 * N,
                                               binom), pos);
            }
            {
                double lo = erm_gram_bound_lo(Gm, set, g, &W);
                ck_assert(lo >= 0);
                filtered += lo > 0;
                test_fmpq_of_d(q, lo);
                ck_assert_msg(fmpq_cmp(q, lb) <= 0, "seed %llu: filter %.17g "
                              "above the bound %s", (unsigned long long)
                              (base + it), lo, fmpq_get_str(NULL, 10, lb));
            }
        }
        fmpq_clear(lb);
        fmpq_clear(lq);
        fmpq_clear(q);
        erm_gram_work_clear(&W);
        erm_gram_clear(Gm);
        flint_free(binom);
        erm_dich_clear(S);
        pred_ctx_clear(ctx);
        erm_data_clear(data);
    }
    /* the filter decided most groups (it is not always 0) */
    ck_assert(filtered > 0);
}
END_TEST

static void solve_with(erm_result_t res, const erm_data_t data, slong w,
                       qp_loss loss, int bias, int prune, int per_cell,
                       int certificate)
{
    erm_opts o;
    pred_ctx_t ctx;
    err_t e;
    pred_ctx_init(ctx);
    erm_opts_init(&o, ctx);
    o.width = w;
    o.loss = loss;
    o.output_bias = bias;
    o.prune = prune;
    o.per_cell_bounds = per_cell;
    o.certificate = certificate;
    o.max_cells = 0;
    err_init(e);
    ck_assert_msg(erm_solve(res, data, &o, e) == CPWL_OK, "%s", e->msg);
    pred_ctx_clear(ctx);
}

/* Width 3 on the line with the groups: the optimum is that of every cell
   solved (no pruning) and that of the previous method (every cell bounded
   on its own), and its certificate verifies.  D = 10..12 points: up to
   23 dichotomies, 15,180 cells. */
START_TEST(test_groups)
{
    test_rng r;
    slong it;
    const uint64_t base = test_seed(SEED + 13);
    for (it = 0; it < test_iters(3); it++)
    {
        slong D;
        int bias = it % 2;
        erm_data_t data;
        erm_result_t a, b, c;
        char *cert = NULL;
        size_t len = 0;
        FILE *f;
        erm_opts o;
        pred_ctx_t ctx;
        r.s = base + it;
        D = test_range(&r, 10, 12);
        erm_data_init(data);
        random_data(data, &r, D, 1);
        erm_result_init(a);
        erm_result_init(b);
        erm_result_init(c);
        solve_with(a, data, 3, QP_SQUARED, bias, 1, 0, 1);
        solve_with(b, data, 3, QP_SQUARED, bias, 0, 0, 0);
        solve_with(c, data, 3, QP_SQUARED, bias, 1, 1, 0);
        ck_assert_msg(fmpq_equal(a->optimum, b->optimum)
                      && fmpq_equal(a->optimum, c->optimum), "seed %llu: "
                      "groups %s, every cell %s, previous %s",
                      (unsigned long long) (base + it),
                      fmpq_get_str(NULL, 10, a->optimum),
                      fmpq_get_str(NULL, 10, b->optimum),
                      fmpq_get_str(NULL, 10, c->optimum));
        /* pruned: cells not solved, and some were */
        ck_assert_int_eq(a->pruned, a->cells - a->solved);
        ck_assert(a->pruned > 0);
        pred_ctx_init(ctx);
        erm_opts_init(&o, ctx);
        o.width = 3;
        o.output_bias = bias;
        o.certificate = 1;
        f = open_memstream(&cert, &len);
        ck_assert(erm_certificate_write(f, a, data, &o) == CPWL_OK);
        fclose(f);
        ck_assert_int_eq(check_cert(data, cert, NULL).reason, ERM_VERIFY_OK);
        free(cert);
        pred_ctx_clear(ctx);
        erm_result_clear(a);
        erm_result_clear(b);
        erm_result_clear(c);
        erm_data_clear(data);
    }
}
END_TEST

/* The groups for l1 loss (bounds from one representative cell) and in
   the plane: the same optimum as the previous method. */
START_TEST(test_groups_other)
{
    test_rng r;
    slong it;
    const uint64_t base = test_seed(SEED + 14);
    for (it = 0; it < test_iters(4); it++)
    {
        slong n = 1 + it % 2, D;
        qp_loss loss = it < 2 ? QP_L1 : QP_SQUARED;
        erm_data_t data;
        erm_result_t a, c;
        r.s = base + it;
        D = n == 1 ? test_range(&r, 6, 8) : test_range(&r, 5, 6);
        erm_data_init(data);
        random_data(data, &r, D, n);
        erm_result_init(a);
        erm_result_init(c);
        solve_with(a, data, 2, loss, it % 2, 1, 0, 0);
        solve_with(c, data, 2, loss, it % 2, 1, 1, 0);
        ck_assert_msg(fmpq_equal(a->optimum, c->optimum), "seed %llu: "
                      "groups %s, previous %s", (unsigned long long)
                      (base + it), fmpq_get_str(NULL, 10, a->optimum),
                      fmpq_get_str(NULL, 10, c->optimum));
        erm_result_clear(a);
        erm_result_clear(c);
        erm_data_clear(data);
    }
    /* widths above the number of dichotomies: groups with units on both
       signs of a dichotomy (3 points, 5 dichotomies, 10 signed) */
    {
        erm_data_t data;
        slong w;
        erm_data_init(data);
        load(data, "-2,1\n-1,0\n3,2\n");
        for (w = 4; w <= 10; w += 3)
        {
            erm_result_t a, c;
            erm_result_init(a);
            erm_result_init(c);
            solve_with(a, data, w, QP_SQUARED, 0, 1, 0, 0);
            solve_with(c, data, w, QP_SQUARED, 0, 0, 0, 0);
            ck_assert_msg(fmpq_equal(a->optimum, c->optimum), "width %ld: "
                          "groups %s, every cell %s", (long) w,
                          fmpq_get_str(NULL, 10, a->optimum),
                          fmpq_get_str(NULL, 10, c->optimum));
            erm_result_clear(a);
            erm_result_clear(c);
        }
        erm_data_clear(data);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erm");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_csv);
    tcase_add_test(tc, test_cover);
    tcase_add_test(tc, test_dich_second);
    tcase_add_test(tc, test_interrupt);
    tcase_add_test(tc, test_hand);
    tcase_add_test(tc, test_brute_force);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_certificate);
    tcase_add_test(tc, test_cert_reasons);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_gram_bound);
    tcase_add_test(tc, test_groups);
    tcase_add_test(tc, test_groups_other);
    suite_add_tcase(s, tc);
    return test_run(s);
}
