/* Module codes: counts against the closed form C(h, k) |V|^k
   (fmpz_bin_uiui), the iterator against random access (two ways to the
   same numbering), lexicographic order by comparing neighbours,
   probabilities summing to 1, the numbering against nested loops written
   from its definition, draws against their exact probabilities
   within Hoeffding bounds, readers' messages against the test text. */
#include <math.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "testutil.h"

#define LOOP_ASSERT(c)                                                      \
    do                                                                      \
    {                                                                       \
        if (!(c))                                                           \
            ck_abort_msg("assertion failed: %s", #c);                       \
    }                                                                       \
    while (0)

static void init_ok(cpwl_codes_t C, const char *s, slong h)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_codes_init_str(C, s, h, e) != CPWL_OK)
        ck_abort_msg("%s: %s", s, e->msg);
}

static void init_bad(const char *s, slong h, const char *want1,
                     const char *want2)
{
    cpwl_codes_t C;
    cpwl_err_t e;
    fmpz_t N;
    cpwl_codes_init(C);
    cpwl_err_init(e);
    fmpz_init(N);
    ck_assert_msg(cpwl_codes_init_str(C, s, h, e) == CPWL_ERR_INPUT, "%s", s);
    ck_assert_msg(strstr(e->msg, want1) != NULL, "%s: \"%s\" lacks \"%s\"", s,
                  e->msg, want1);
    ck_assert_msg(want2 == NULL || strstr(e->msg, want2) != NULL,
                  "%s: \"%s\" lacks \"%s\"", s, e->msg, want2);
    ck_assert(strchr(e->msg, '\n') == NULL);
    cpwl_codes_count(N, C);
    ck_assert(fmpz_is_zero(N));
    fmpz_clear(N);
    cpwl_codes_clear(C);
}

static void read_bad(const char *text, slong h, const char *want1,
                     const char *want2)
{
    cpwl_codes_t C;
    cpwl_err_t e;
    cpwl_codes_init(C);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_codes_read_str(C, text, strlen(text), "D.csv", h, e),
                     CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, want1) != NULL, "\"%s\" lacks \"%s\"",
                  e->msg, want1);
    ck_assert_msg(want2 == NULL || strstr(e->msg, want2) != NULL,
                  "\"%s\" lacks \"%s\"", e->msg, want2);
    cpwl_codes_clear(C);
}

/* For several (h, k, V): count, iterator = get on every code, sorted
   supports of size k, lexicographic order, the sum of p. */
START_TEST(test_enumeration)
{
    static const char *const specs[] = {
        "supports:k=0", "supports:k=1", "supports:k=2", "supports:k=3",
        "supports:k=2;values=1,-2", "supports:k=3;values=1/2,3;p=1/3,2/3",
        "supports:k=4;values=1,2,3", "supports:k=1;values=-1"
    };
    static const slong hs[] = {4, 6, 7};
    slong s, t, a, i, j, kk, *supp, *prev, pk;
    fmpz_t N, want, b;
    fmpq_t sum, p;
    fmpq *x;
    for (s = 0; s < (slong) (sizeof specs / sizeof specs[0]); s++)
        for (a = 0; a < 3; a++)
        {
            cpwl_codes_t C;
            cpwl_codes_iter_t it;
            slong h = hs[a], V;
            cpwl_codes_init(C);
            init_ok(C, specs[s], h);
            V = C->values->K;
            fmpz_init(N);
            fmpz_init(want);
            fmpz_init(b);
            fmpq_init(sum);
            fmpq_init(p);
            x = _fmpq_vec_init(h);
            supp = flint_malloc(h * sizeof(slong));
            prev = flint_malloc(h * sizeof(slong));
            cpwl_codes_count(N, C);
            fmpz_bin_uiui(want, (ulong) h, (ulong) C->k);
            fmpz_set_si(b, V);
            fmpz_pow_ui(b, b, (ulong) C->k);
            fmpz_mul(want, want, b);
            ck_assert(fmpz_equal(N, want));
            cpwl_codes_iter_init(it, C);
            t = 0;
            pk = -1;
            while (cpwl_codes_iter_next(it, C))
            {
                fmpz_set_si(b, t);
                LOOP_ASSERT(fmpz_equal(it->index, b));
                cpwl_codes_get(x, p, supp, &kk, C, b);
                LOOP_ASSERT(kk == C->k && it->k == C->k);
                LOOP_ASSERT(fmpq_equal(p, it->p));
                LOOP_ASSERT(qvec_equal(x, it->x, h));
                for (i = 0; i < kk; i++)
                {
                    LOOP_ASSERT(supp[i] == it->supp[i]);
                    LOOP_ASSERT(i == 0 || supp[i - 1] < supp[i]);
                    LOOP_ASSERT(!fmpq_is_zero(x + supp[i]));
                }
                for (i = 0, j = 0; i < h; i++)
                    j += !fmpq_is_zero(x + i);
                LOOP_ASSERT(j == kk);
                /* supports in lexicographic order: non-decreasing, and a
                   new support strictly after the previous one */
                if (pk >= 0)
                {
                    for (i = 0; i < kk && prev[i] == supp[i]; i++)
                        ;
                    LOOP_ASSERT(i == kk || prev[i] < supp[i]);
                }
                memcpy(prev, supp, kk * sizeof(slong));
                pk = kk;
                fmpq_add(sum, sum, it->p);
                t++;
            }
            cpwl_codes_iter_clear(it, C);
            ck_assert(fmpz_equal_si(N, t));
            ck_assert(fmpq_is_one(sum));
            _fmpq_vec_clear(x, h);
            flint_free(supp);
            flint_free(prev);
            fmpz_clear(N);
            fmpz_clear(want);
            fmpz_clear(b);
            fmpq_clear(sum);
            fmpq_clear(p);
            cpwl_codes_clear(C);
        }
}
END_TEST

/* Random access past 2^64: h = 200, k = 20 (C(200, 20) ~ 1.6e27). The
   last code is the last support {180..199} with the last pattern; code
   0 is {0..19} with the first. */
START_TEST(test_get_large)
{
    cpwl_codes_t C;
    fmpz_t N, i;
    fmpq *x = _fmpq_vec_init(200);
    fmpq_t p, q;
    slong supp[20], k, t;
    cpwl_codes_init(C);
    fmpz_init(N);
    fmpz_init(i);
    fmpq_init(p);
    fmpq_init(q);
    init_ok(C, "supports:k=20;values=1,2", 200);
    cpwl_codes_count(N, C);
    ck_assert(fmpz_bits(N) > 64);
    fmpz_sub_ui(i, N, 1);
    cpwl_codes_get(x, p, supp, &k, C, i);
    ck_assert_int_eq(k, 20);
    for (t = 0; t < 20; t++)
    {
        ck_assert_int_eq(supp[t], 180 + t);
        ck_assert(fmpz_equal_si(fmpq_numref(x + 180 + t), 2));
    }
    /* p = 2^-20 / C(200, 20) = 1 / N */
    fmpq_set_fmpz_frac(q, fmpq_numref(p), N);
    fmpz_one(fmpq_numref(q));
    fmpz_set(fmpq_denref(q), N);
    ck_assert(fmpq_equal(p, q));
    fmpz_zero(i);
    cpwl_codes_get(x, p, supp, &k, C, i);
    for (t = 0; t < 20; t++)
        ck_assert_int_eq(supp[t], t);
    _fmpq_vec_clear(x, 200);
    fmpq_clear(p);
    fmpq_clear(q);
    fmpz_clear(N);
    fmpz_clear(i);
    cpwl_codes_clear(C);
}
END_TEST

START_TEST(test_list)
{
    static const char text[] =
        "p,x_1,x_2,x_3\n"
        "1/2,1,0,0\n"
        "1/4,0,2,3\n"
        "1/4,0,0,0\n";
    cpwl_codes_t C, D;
    cpwl_codes_iter_t it;
    cpwl_err_t e;
    fmpz_t N;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    slong t = 0;
    cpwl_codes_init(C);
    cpwl_codes_init(D);
    cpwl_err_init(e);
    fmpz_init(N);
    ck_assert_int_eq(cpwl_codes_read_str(C, text, strlen(text), "D.csv", 3, e),
                     CPWL_OK);
    cpwl_codes_count(N, C);
    ck_assert(fmpz_equal_si(N, 3));
    cpwl_codes_iter_init(it, C);
    while (cpwl_codes_iter_next(it, C))
    {
        static const slong ks[] = {1, 2, 0};
        ck_assert_int_eq(it->k, ks[t]);
        ck_assert(fmpz_equal_si(it->index, t));
        t++;
    }
    cpwl_codes_iter_clear(it, C);
    ck_assert_int_eq(t, 3);
    /* written and read back: the same codes */
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(cpwl_codes_write_csv(f, C), 0);
    fclose(f);
    ck_assert_str_eq(buf, text);
    free(buf);
    /* a supports distribution written, read back as a list */
    init_ok(D, "supports:k=2;values=1,-1;p=1/4,3/4", 4);
    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(cpwl_codes_write_csv(f, D), 0);
    fclose(f);
    ck_assert_int_eq(cpwl_codes_read_str(C, buf, len, "w.csv", 4, e), CPWL_OK);
    {
        cpwl_codes_iter_t a, b;
        cpwl_codes_iter_init(a, C);
        cpwl_codes_iter_init(b, D);
        t = 0;
        while (cpwl_codes_iter_next(a, C))
        {
            ck_assert(cpwl_codes_iter_next(b, D));
            ck_assert(fmpq_equal(a->p, b->p));
            ck_assert(qvec_equal(a->x, b->x, 4));
            t++;
        }
        ck_assert(!cpwl_codes_iter_next(b, D));
        ck_assert_int_eq(t, 6 * 4);
        cpwl_codes_iter_clear(a, C);
        cpwl_codes_iter_clear(b, D);
    }
    free(buf);
    fmpz_clear(N);
    cpwl_codes_clear(C);
    cpwl_codes_clear(D);
}
END_TEST

START_TEST(test_errors)
{
    init_bad("supports:k=7", 6, "k: expected a support size from 0 to h = 6",
             "\"7\"");
    init_bad("supports:", 6, "k: missing", NULL);
    init_bad("supports:k=2;values=1,0", 6, "value 2 is 0", NULL);
    init_bad("supports:k=2;values=1,x", 6, "values: entry 2", NULL);
    init_bad("supports:k=2;values=1,2;p=1/2", 6, "p: 1 probabilities for 2 "
             "values", NULL);
    init_bad("supports:k=2;values=1,2;p=1/2,1/3", 6, "sum to 5/6", NULL);
    init_bad("supports:k=2;values=1,2;p=3/2,-1/2", 6, "negative", NULL);
    init_bad("supports:k=2;q=1", 6, "unknown or repeated key", NULL);
    init_bad("supports:k=2;k=3", 6, "unknown or repeated key", NULL);
    init_bad("/nonexistent/D.csv", 6, "/nonexistent/D.csv", "cannot open");
    read_bad("p,x1,x2\n1/2,1,0\n1/2,0,1\n", 3, "D.csv:1:", "expected h = 3");
    read_bad("# c\n1/2,1,0\n1/3,0,1\n", 2, "D.csv:3:", "sum to 5/6");
    read_bad("1/2,1,0\n1/2,0\n", 2, "D.csv:2:", NULL);
}
END_TEST

/* Draws: each code of supports:k=2;values=1,2;p=1/4,3/4 on h = 4 (24
   codes) drawn about N p times.  Hoeffding: P(|f - p| >= t) <= 2
   exp(-2 N t^2); with N = 40000 and t = 0.02 that is 2 e^-32 < 3e-14
   per code, < 1e-12 for the 24 codes (and the list's 3), so the test
   fails wrongly with probability below 1e-9. */
START_TEST(test_draw)
{
    cpwl_codes_t C;
    cpwl_codes_iter_t it;
    uint64_t state = test_seed(1604);
    slong N = 40000, r, t, i, k, supp[4], cnt[24];
    fmpq *x = _fmpq_vec_init(4);
    fmpq *codes = _fmpq_vec_init(24 * 4);
    double pr[24];
    cpwl_codes_init(C);
    init_ok(C, "supports:k=2;values=1,2;p=1/4,3/4", 4);
    cpwl_codes_iter_init(it, C);
    t = 0;
    while (cpwl_codes_iter_next(it, C))
    {
        qvec_set(codes + 4 * t, it->x, 4);
        pr[t] = fmpq_get_d(it->p);
        cnt[t++] = 0;
    }
    cpwl_codes_iter_clear(it, C);
    for (r = 0; r < N; r++)
    {
        cpwl_codes_draw(x, supp, &k, C, &state);
        LOOP_ASSERT(k == 2 && supp[0] < supp[1]);
        for (t = 0; t < 24 && !qvec_equal(x, codes + 4 * t, 4); t++)
            ;
        LOOP_ASSERT(t < 24);
        cnt[t]++;
    }
    for (t = 0; t < 24; t++)
        ck_assert_msg(fabs((double) cnt[t] / N - pr[t]) < 0.02,
                      "code %ld drawn %ld times of %ld (p = %g)", (long) t,
                      (long) cnt[t], (long) N, pr[t]);
    /* a list: rows 1/2, 1/4, 1/4 */
    {
        static const char text[] = "1/2,1,0\n1/4,0,1\n1/4,1,1\n";
        cpwl_err_t e;
        slong c3[3] = {0, 0, 0};
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_codes_read_str(C, text, strlen(text), "l", 2, e),
                         CPWL_OK);
        for (r = 0; r < N; r++)
        {
            cpwl_codes_draw(x, supp, &k, C, &state);
            i = k == 2 ? 2 : supp[0];
            c3[i]++;
        }
        ck_assert(fabs((double) c3[0] / N - 0.5) < 0.02);
        ck_assert(fabs((double) c3[1] / N - 0.25) < 0.02);
        ck_assert(fabs((double) c3[2] / N - 0.25) < 0.02);
    }
    _fmpq_vec_clear(x, 4);
    _fmpq_vec_clear(codes, 24 * 4);
    cpwl_codes_clear(C);
}
END_TEST

/* Random codes: h = 5, k = 2, grid m1 = 1, m2 = 2, G = 2 (values 1, 3/2,
   2): each support (10) with frequency 1/10, each value 1/3 (Hoeffding
   as above: N = 40000, t = 0.02, 13 frequencies, failure < 1e-9). */
START_TEST(test_draw_random)
{
    uint64_t state = test_seed(1605);
    slong N = 40000, r, i, supp[3], cs[25], cv[3];
    fmpq *x = _fmpq_vec_init(5);
    fmpq_t m1, m2, q;
    fmpq_init(m1);
    fmpq_init(m2);
    fmpq_init(q);
    fmpq_set_si(m1, 1, 1);
    fmpq_set_si(m2, 2, 1);
    memset(cs, 0, sizeof cs);
    memset(cv, 0, sizeof cv);
    for (r = 0; r < N; r++)
    {
        cpwl_codes_draw_random(x, supp, 5, 2, m1, m2, 2, &state);
        LOOP_ASSERT(supp[0] < supp[1] && supp[1] < 5);
        cs[5 * supp[0] + supp[1]]++;
        for (i = 0; i < 2; i++)
        {
            fmpq *v = x + supp[i];
            slong j;
            /* v = 1 + j / 2 */
            fmpq_sub(q, v, m1);
            fmpq_mul_si(q, q, 2);
            LOOP_ASSERT(fmpz_is_one(fmpq_denref(q)));
            j = fmpz_get_si(fmpq_numref(q));
            LOOP_ASSERT(j >= 0 && j <= 2);
            cv[j]++;
        }
        for (i = 0; i < 5; i++)
            LOOP_ASSERT((i == supp[0] || i == supp[1]) == !fmpq_is_zero(x + i));
    }
    for (i = 0; i < 25; i++)
        if (i / 5 < i % 5)
            ck_assert_msg(fabs((double) cs[i] / N - 0.1) < 0.02, "support "
                          "%ld: %ld", (long) i, (long) cs[i]);
        else
            ck_assert_int_eq(cs[i], 0);
    for (i = 0; i < 3; i++)
        ck_assert(fabs((double) cv[i] / (2 * N) - 1.0 / 3) < 0.02);
    /* G = 0: m1 only */
    cpwl_codes_draw_random(x, supp, 5, 3, m1, m2, 0, &state);
    for (i = 0; i < 3; i++)
        ck_assert(fmpq_equal(x + supp[i], m1));
    _fmpq_vec_clear(x, 5);
    fmpq_clear(m1);
    fmpq_clear(m2);
    fmpq_clear(q);
}
END_TEST

/* The numbering against nested loops written from its definition: the
   supports S = {a < b < c} in lexicographic order, and for each S the
   value indices (i_a, i_b, i_c) in lexicographic order, i_c fastest
   (code number = rank(S) |V|^3 + pattern); the probability
   p_{i_a} p_{i_b} p_{i_c} / C(5, 3). */
START_TEST(test_order_by_loops)
{
    static const slong vnum[] = {1, -2, 1}, vden[] = {1, 1, 2};
    static const slong pnum[] = {1, 1, 1}, pden[] = {2, 3, 6};
    const slong h = 5, V = 3;
    slong a, b, c, ia, ib, ic, t = 0, kk;
    cpwl_codes_t C;
    cpwl_codes_iter_t it;
    fmpq *x = _fmpq_vec_init(h), *want = _fmpq_vec_init(h);
    fmpq_t p, pw;
    fmpz_t idx;

    cpwl_codes_init(C);
    init_ok(C, "supports:k=3;values=1,-2,1/2;p=1/2,1/3,1/6", h);
    fmpq_init(p);
    fmpq_init(pw);
    fmpz_init(idx);
    cpwl_codes_iter_init(it, C);
    for (a = 0; a < h; a++)
        for (b = a + 1; b < h; b++)
            for (c = b + 1; c < h; c++)
                for (ia = 0; ia < V; ia++)
                    for (ib = 0; ib < V; ib++)
                        for (ic = 0; ic < V; ic++)
                        {
                            for (kk = 0; kk < h; kk++)
                                fmpq_zero(want + kk);
                            fmpq_set_si(want + a, vnum[ia], vden[ia]);
                            fmpq_set_si(want + b, vnum[ib], vden[ib]);
                            fmpq_set_si(want + c, vnum[ic], vden[ic]);
                            fmpq_set_si(pw, pnum[ia] * pnum[ib] * pnum[ic],
                                        pden[ia] * pden[ib] * pden[ic] * 10);
                            LOOP_ASSERT(cpwl_codes_iter_next(it, C));
                            LOOP_ASSERT(fmpz_equal_si(it->index, t));
                            LOOP_ASSERT(qvec_equal(it->x, want, h));
                            LOOP_ASSERT(fmpq_equal(it->p, pw));
                            fmpz_set_si(idx, t);
                            cpwl_codes_get(x, p, NULL, &kk, C, idx);
                            LOOP_ASSERT(kk == 3 && qvec_equal(x, want, h));
                            LOOP_ASSERT(fmpq_equal(p, pw));
                            t++;
                        }
    LOOP_ASSERT(!cpwl_codes_iter_next(it, C));
    ck_assert_int_eq(t, 10 * 27);
    cpwl_codes_iter_clear(it, C);
    fmpz_clear(idx);
    fmpq_clear(p);
    fmpq_clear(pw);
    _fmpq_vec_clear(x, h);
    _fmpq_vec_clear(want, h);
    cpwl_codes_clear(C);
}
END_TEST

static Suite *codes_suite(void)
{
    Suite *s = suite_create("codes");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_enumeration);
    tcase_add_test(tc, test_order_by_loops);
    tcase_add_test(tc, test_get_large);
    tcase_add_test(tc, test_list);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_draw);
    tcase_add_test(tc, test_draw_random);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(codes_suite());
}
