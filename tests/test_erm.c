/* Tests of exact ERM: data files, dichotomies against Cover's formula, an
   independent 1-D count and a second enumeration (an exact LP per subset),
   hand-computed optima (../shared/examples.md), a brute force over every
   subset of the data per unit (also exact, only slower) on seeded random
   1-D data, interrupts, and the groups of cells (bounds from Gram blocks
   against every cell's own bound, optima against the previous method and
   against every cell solved).  Certificates: test_erm_cert.c. */
#include <string.h>
#include "testutil.h"
#include "erm/erm_impl.h"

#define SEED 20261127

static void load(cpwl_erm_data_t data, const char *csv)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_data_read_str(data, csv, strlen(csv), "test", e)
                  == CPWL_OK, "%s", e->msg);
}

static void bad_csv(const char *csv, const char *want)
{
    cpwl_erm_data_t data;
    cpwl_err_t e;
    cpwl_erm_data_init(data);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_data_read_str(data, csv, strlen(csv), "f.csv", e)
                  == CPWL_ERR_INPUT, "accepted bad data %s", csv);
    ck_assert_msg(strstr(e->msg, want) != NULL, "message '%s' lacks '%s'",
                  e->msg, want);
    cpwl_erm_data_clear(data);
}

START_TEST(test_csv)
{
    cpwl_erm_data_t data;
    cpwl_erm_data_init(data);
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
    cpwl_erm_data_clear(data);
    bad_csv("1,2\n3,4,5\n", "f.csv:2: expected 2 cells");
    bad_csv("1,2\n3,x\n", "f.csv:2:3: cell 2");
    bad_csv("# nothing\n\n", "no data rows");
    bad_csv("1\n2\n", "at least 2 cells");
    bad_csv("1,1/0\n", "f.csv:1:3");
}
END_TEST

static slong count_dich(const char *csv)
{
    cpwl_erm_data_t data;
    cpwl_erm_dich_t S;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    slong c;
    cpwl_erm_data_init(data);
    load(data, csv);
    cpwl_erm_dich_init(S);
    cpwl_pred_ctx_init(ctx);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_dichotomies(S, data, ctx, e) == CPWL_OK, "%s", e->msg);
    c = S->count;
    cpwl_erm_dich_clear(S);
    cpwl_erm_data_clear(data);
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

static void expect_opt(const char *csv, slong w, cpwl_qp_loss loss, int bias,
                       slong p, slong q)
{
    cpwl_erm_data_t data;
    cpwl_erm_opts o;
    cpwl_erm_result_t r;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    fmpq_t want, check;
    int prune;
    cpwl_erm_data_init(data);
    load(data, csv);
    fmpq_init(want);
    fmpq_init(check);
    fmpq_set_si(want, p, q);
    for (prune = 0; prune < 2; prune++)
    {
        cpwl_pred_ctx_init(ctx);
        cpwl_erm_opts_init(&o, ctx);
        o.width = w;
        o.loss = loss;
        o.output_bias = bias;
        o.prune = prune;
        cpwl_erm_result_init(r);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_erm_solve(r, data, &o, e) == CPWL_OK, "%s", e->msg);
        ck_assert_msg(fmpq_equal(r->optimum, want), "data %s w %ld loss %d "
                      "bias %d prune %d: optimum %s, expected %ld/%ld", csv,
                      (long) w, (int) loss, bias, prune,
                      fmpq_get_str(NULL, 10, r->optimum), (long) p, (long) q);
        /* the returned network attains it, recomputed from scratch */
        cpwl_erm_net_loss(check, r->net, data, loss);
        ck_assert(fmpq_equal(check, want));
        ck_assert(r->have_sol);
        {
            const char *why = "";
            ck_assert_msg(cpwl_qp_check(r->sol, r->qp, &why), "certificate: %s",
                          why);
        }
        cpwl_erm_result_clear(r);
        cpwl_pred_ctx_clear(ctx);
    }
    fmpq_clear(want);
    fmpq_clear(check);
    cpwl_erm_data_clear(data);
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
    expect_opt(v, 1, CPWL_QP_SQUARED, 0, 2, 3);
    expect_opt(v, 1, CPWL_QP_SQUARED, 1, 1, 2);
    expect_opt(v, 1, CPWL_QP_L1, 0, 1, 1);
    expect_opt(v, 1, CPWL_QP_L1, 1, 1, 1);
    expect_opt(id, 2, CPWL_QP_L1, 0, 0, 1);
    expect_opt(id, 1, CPWL_QP_L1, 0, 3, 1);
    expect_opt(id, 1, CPWL_QP_SQUARED, 0, 5, 1);
    expect_opt(id, 1, CPWL_QP_SQUARED, 1, 0, 1);
    expect_opt(id, 1, CPWL_QP_L1, 1, 0, 1);
    /* hinge: labels +-1 separable by one unit with a bias: 0 */
    expect_opt("-1,-1\n1,1\n2,1\n", 1, CPWL_QP_HINGE, 1, 0, 1);
}
END_TEST

/* The brute force: every unit may be active on any subset of the data
   (2^D sets, the empty one included), every sign; the optimum over all
   these convex problems is the same global optimum. */
static void brute(fmpq_t best, const cpwl_erm_data_t data, slong w, cpwl_qp_loss loss,
                  int bias)
{
    slong D = data->D, nsets = WORD(1) << D, i, j;
    cpwl_erm_dich_t S;
    slong *sets = flint_malloc(w * sizeof(slong));
    int *sign = flint_malloc(w * sizeof(int));
    slong total = 1;
    cpwl_err_t e;
    cpwl_erm_dich_init(S);
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
        cpwl_qp_t P;
        cpwl_qp_sol_t sol;
        for (j = 0; j < w; j++)
        {
            sets[j] = t % nsets;
            t /= nsets;
            sign[j] = t % 2 ? -1 : 1;
            t /= 2;
        }
        cpwl_erm_cell_qp(P, data, S, sets, sign, w, loss, bias);
        cpwl_qp_sol_init(sol, P);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_qp_solve(sol, P, e) == CPWL_OK, "%s", e->msg);
        if (fmpq_sgn(best) < 0 || fmpq_cmp(sol->value, best) < 0)
            fmpq_set(best, sol->value);
        cpwl_qp_sol_clear(sol);
        cpwl_qp_clear(P);
    }
    cpwl_erm_dich_clear(S);
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
        cpwl_qp_loss loss = it % 2 ? CPWL_QP_L1 : CPWL_QP_SQUARED;
        int bias = (it / 2) % 2;
        char csv[256];
        size_t len = 0;
        cpwl_erm_data_t data;
        cpwl_erm_opts o;
        cpwl_erm_result_t res;
        cpwl_pred_ctx_t ctx;
        cpwl_err_t e;
        fmpq_t b;
        r.s = seed;
        D = test_range(&r, 2, w == 2 ? 3 : 4);
        for (i = 0; i < D; i++)
            len += snprintf(csv + len, sizeof csv - len, "%ld,%ld\n",
                            (long) test_range(&r, -3, 3),
                            (long) test_range(&r, -3, 3));
        cpwl_erm_data_init(data);
        load(data, csv);
        fmpq_init(b);
        brute(b, data, w, loss, bias);
        cpwl_pred_ctx_init(ctx);
        cpwl_erm_opts_init(&o, ctx);
        o.width = w;
        o.loss = loss;
        o.output_bias = bias;
        cpwl_erm_result_init(res);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_erm_solve(res, data, &o, e) == CPWL_OK, "%s", e->msg);
        ck_assert_msg(fmpq_equal(res->optimum, b), "seed %llu: data %s w %ld "
                      "loss %d bias %d: erm %s, brute force %s",
                      (unsigned long long) seed, csv, (long) w, (int) loss,
                      bias, fmpq_get_str(NULL, 10, res->optimum),
                      fmpq_get_str(NULL, 10, b));
        cpwl_erm_result_clear(res);
        cpwl_pred_ctx_clear(ctx);
        fmpq_clear(b);
        cpwl_erm_data_clear(data);
    }
}
END_TEST

START_TEST(test_limits)
{
    cpwl_erm_data_t data;
    cpwl_erm_opts o;
    cpwl_erm_result_t r;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    cpwl_erm_data_init(data);
    load(data, "0,1\n1,1\n2,1\n3,1\n4,1\n5,1\n");
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&o, ctx);
    o.width = 3;
    o.max_cells = 10;           /* C(22, 3) = 1540 cells */
    cpwl_erm_result_init(r);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_erm_solve(r, data, &o, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "1540") && strstr(e->msg, "`max_cells`"),
                  "%s", e->msg);
    cpwl_erm_result_clear(r);
    /* hinge labels must be +-1 */
    o.max_cells = CPWL_ERM_DEFAULT_MAX_CELLS;
    o.loss = CPWL_QP_HINGE;
    cpwl_erm_result_init(r);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_erm_solve(r, data, &o, e), CPWL_OK);
    cpwl_erm_result_clear(r);
    cpwl_erm_data_clear(data);
    load(data, "0,1\n1,2\n");
    cpwl_erm_result_init(r);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_erm_solve(r, data, &o, e), CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "+1 or -1") != NULL);
    cpwl_erm_result_clear(r);
    cpwl_erm_data_clear(data);
    cpwl_pred_ctx_clear(ctx);
}
END_TEST




/* Dichotomies by a second, independent enumeration: every subset P of
   the points is tested for strict affine separability by an exact LP
   (a x_i + b >= 1 on P, <= 0 off P), on small seeded data with repeated
   and collinear points; and the sort-based 1-D method against the
   arrangement. */
static int separable(const cpwl_erm_data_t data, ulong P)
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

static void same_dich(const cpwl_erm_dich_t S, const cpwl_erm_dich_t T,
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
        cpwl_erm_data_t data;
        cpwl_erm_dich_t S, T;
        cpwl_pred_ctx_t ctx;
        cpwl_err_t e;
        int stopped;
        for (i = 0; i < D; i++)
        {
            for (k = 0; k < n; k++)
                len += snprintf(csv + len, sizeof csv - len, "%ld,",
                                (long) test_range(&r, -range, range));
            len += snprintf(csv + len, sizeof csv - len, "0\n");
        }
        cpwl_erm_data_init(data);
        load(data, csv);
        cpwl_erm_dich_init(S);
        cpwl_erm_dich_init(T);
        cpwl_pred_ctx_init(ctx);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_erm_dichotomies_regions(S, &stopped, data, NULL, ctx,
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
            cpwl_erm_dich_clear(T);
            ck_assert(cpwl_erm_dichotomies_line(T, &stopped, data, NULL, e)
                      == CPWL_OK && !stopped);
            same_dich(S, T, csv, seed);
        }
        cpwl_erm_dich_clear(S);
        cpwl_erm_dich_clear(T);
        cpwl_pred_ctx_clear(ctx);
        cpwl_erm_data_clear(data);
    }
}
END_TEST

/* A set interrupt flag stops reading and enumerating at once. */
START_TEST(test_interrupt)
{
    volatile sig_atomic_t flag = 1;
    const char *csv = "0,1\n1,2\n2,3\n";
    cpwl_erm_data_t data;
    cpwl_erm_dich_t S;
    cpwl_erm_opts o;
    cpwl_erm_result_t r;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    int stopped;
    cpwl_erm_data_init(data);
    cpwl_erm_dich_init(S);
    cpwl_pred_ctx_init(ctx);
    cpwl_err_init(e);
    ck_assert(cpwl_erm_data_read_str_stop(data, &stopped, csv, strlen(csv), "t",
                                          &flag, e) == CPWL_OK);
    ck_assert(stopped && data->D == 0);
    load(data, csv);
    ck_assert(cpwl_erm_dichotomies_line(S, &stopped, data, &flag, e) == CPWL_OK);
    ck_assert(stopped && S->count == 0);
    ck_assert(cpwl_erm_dichotomies_regions(S, &stopped, data, &flag, ctx, e)
              == CPWL_OK);
    ck_assert(stopped && S->count == 0);
    /* cpwl_erm_solve: stopped before any cell, the zero network's loss 14 */
    cpwl_erm_opts_init(&o, ctx);
    o.interrupt = &flag;
    cpwl_erm_result_init(r);
    ck_assert(cpwl_erm_solve(r, data, &o, e) == CPWL_OK);
    ck_assert(r->stopped && r->zero_bound && !r->have_sol);
    ck_assert(fmpq_equal_si(r->optimum, 14));
    cpwl_erm_result_clear(r);
    cpwl_pred_ctx_clear(ctx);
    cpwl_erm_data_clear(data);
}
END_TEST


/* The bounding phase runs in parallel; the result, and the cells solved
   and pruned, do not depend on the number of threads. */
START_TEST(test_threads)
{
    cpwl_erm_data_t data;
    cpwl_erm_opts o;
    cpwl_erm_result_t r1, r2;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    cpwl_erm_data_init(data);
    load(data, "-3,1\n-2,0\n-1,2\n0,0\n1,1\n2,3\n3,-1\n4,2\n");
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&o, ctx);
    o.width = 2;
    cpwl_erm_result_init(r1);
    cpwl_erm_result_init(r2);
    cpwl_err_init(e);
    o.threads = 1;
    ck_assert_int_eq(cpwl_erm_solve(r1, data, &o, e), CPWL_OK);
    o.threads = 2;
    ck_assert_int_eq(cpwl_erm_solve(r2, data, &o, e), CPWL_OK);
    ck_assert(fmpq_equal(r1->optimum, r2->optimum));
    ck_assert_int_eq(r1->solved, r2->solved);
    ck_assert_int_eq(r1->pruned, r2->pruned);
    cpwl_erm_result_clear(r1);
    cpwl_erm_result_clear(r2);
    cpwl_pred_ctx_clear(ctx);
    cpwl_erm_data_clear(data);
}
END_TEST

/* ---- groups of cells (src/erm/gram.c, solve.c) ------------------------ */

/* Seeded data: n = 1 or 2, coordinates k/2 or k/3 with repeats (so some
   dichotomies are rank deficient), labels with denominators 1..4. */
static void random_data(cpwl_erm_data_t data, test_rng *r, slong D, slong n)
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
   of each of its cells (cpwl_qp_lower_bound on the cell's own subproblem, any
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
        cpwl_erm_data_t data;
        cpwl_erm_dich_t S;
        erm_gram_t Gm;
        erm_gram_work W;
        cpwl_pred_ctx_t ctx;
        cpwl_err_t e;
        fmpq_t lb, lq, q;
        r.s = base + it;
        D = n == 1 ? test_range(&r, 3, 14) : test_range(&r, 3, 7);
        cpwl_erm_data_init(data);
        random_data(data, &r, D, n);
        cpwl_erm_dich_init(S);
        cpwl_pred_ctx_init(ctx);
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_erm_dichotomies(S, data, ctx, e), CPWL_OK);
        N = S->count;
        u = FLINT_MIN(3, 2 * N);
        binom = erm_binom_table(2 * N, u);
        erm_gram_init(Gm, data, S, u, bias, NULL);
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
                cpwl_qp_t P;
                erm_comb_cell(sets, sign, combs + c * u, u, N);
                cpwl_erm_cell_qp(P, data, S, sets, sign, u, CPWL_QP_SQUARED, bias);
                cpwl_qp_lower_bound(lq, P);
                cpwl_qp_clear(P);
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
        cpwl_erm_dich_clear(S);
        cpwl_pred_ctx_clear(ctx);
        cpwl_erm_data_clear(data);
    }
    /* the filter decided most groups (it is not always 0) */
    ck_assert(filtered > 0);
}
END_TEST

static void solve_with(cpwl_erm_result_t res, const cpwl_erm_data_t data, slong w,
                       cpwl_qp_loss loss, int bias, int prune, int per_cell,
                       int certificate)
{
    cpwl_erm_opts o;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&o, ctx);
    o.width = w;
    o.loss = loss;
    o.output_bias = bias;
    o.prune = prune;
    o.per_cell_bounds = per_cell;
    o.certificate = certificate;
    o.max_cells = 0;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_solve(res, data, &o, e) == CPWL_OK, "%s", e->msg);
    cpwl_pred_ctx_clear(ctx);
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
        cpwl_erm_data_t data;
        cpwl_erm_result_t a, b, c;
        char *cert = NULL;
        size_t len = 0;
        FILE *f;
        cpwl_erm_opts o;
        cpwl_pred_ctx_t ctx;
        r.s = base + it;
        D = test_range(&r, 10, 12);
        cpwl_erm_data_init(data);
        random_data(data, &r, D, 1);
        cpwl_erm_result_init(a);
        cpwl_erm_result_init(b);
        cpwl_erm_result_init(c);
        solve_with(a, data, 3, CPWL_QP_SQUARED, bias, 1, 0, 1);
        solve_with(b, data, 3, CPWL_QP_SQUARED, bias, 0, 0, 0);
        solve_with(c, data, 3, CPWL_QP_SQUARED, bias, 1, 1, 0);
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
        cpwl_pred_ctx_init(ctx);
        cpwl_erm_opts_init(&o, ctx);
        o.width = 3;
        o.output_bias = bias;
        o.certificate = 1;
        f = open_memstream(&cert, &len);
        ck_assert(cpwl_erm_certificate_write(f, a, data, &o) == CPWL_OK);
        fclose(f);
        {
            fmpq_t opt;
            cpwl_erm_verify_info info;
            cpwl_err_t e;
            fmpq_init(opt);
            cpwl_err_init(e);
            ck_assert_msg(cpwl_erm_certificate_check(opt, NULL, &info, NULL, data,
                                                     cert, len, "c", ctx, e)
                          == CPWL_OK, "%s", e->msg);
            ck_assert(fmpq_equal(opt, a->optimum));
            fmpq_clear(opt);
        }
        free(cert);
        cpwl_pred_ctx_clear(ctx);
        cpwl_erm_result_clear(a);
        cpwl_erm_result_clear(b);
        cpwl_erm_result_clear(c);
        cpwl_erm_data_clear(data);
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
        cpwl_qp_loss loss = it < 2 ? CPWL_QP_L1 : CPWL_QP_SQUARED;
        cpwl_erm_data_t data;
        cpwl_erm_result_t a, c;
        r.s = base + it;
        D = n == 1 ? test_range(&r, 6, 8) : test_range(&r, 5, 6);
        cpwl_erm_data_init(data);
        random_data(data, &r, D, n);
        cpwl_erm_result_init(a);
        cpwl_erm_result_init(c);
        solve_with(a, data, 2, loss, it % 2, 1, 0, 0);
        solve_with(c, data, 2, loss, it % 2, 1, 1, 0);
        ck_assert_msg(fmpq_equal(a->optimum, c->optimum), "seed %llu: "
                      "groups %s, previous %s", (unsigned long long)
                      (base + it), fmpq_get_str(NULL, 10, a->optimum),
                      fmpq_get_str(NULL, 10, c->optimum));
        cpwl_erm_result_clear(a);
        cpwl_erm_result_clear(c);
        cpwl_erm_data_clear(data);
    }
    /* widths above the number of dichotomies: groups with units on both
       signs of a dichotomy (3 points, 5 dichotomies, 10 signed) */
    {
        cpwl_erm_data_t data;
        slong w;
        cpwl_erm_data_init(data);
        load(data, "-2,1\n-1,0\n3,2\n");
        for (w = 4; w <= 10; w += 3)
        {
            cpwl_erm_result_t a, c;
            cpwl_erm_result_init(a);
            cpwl_erm_result_init(c);
            solve_with(a, data, w, CPWL_QP_SQUARED, 0, 1, 0, 0);
            solve_with(c, data, w, CPWL_QP_SQUARED, 0, 0, 0, 0);
            ck_assert_msg(fmpq_equal(a->optimum, c->optimum), "width %ld: "
                          "groups %s, every cell %s", (long) w,
                          fmpq_get_str(NULL, 10, a->optimum),
                          fmpq_get_str(NULL, 10, c->optimum));
            cpwl_erm_result_clear(a);
            cpwl_erm_result_clear(c);
        }
        cpwl_erm_data_clear(data);
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
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_gram_bound);
    tcase_add_test(tc, test_groups);
    tcase_add_test(tc, test_groups_other);
    suite_add_tcase(s, tc);
    return test_run(s);
}
