/* Bounds on the number of activation regions: the table of
   docs/examples.md, Montufar's lower bound and the one-input product
   computed by hand, the dynamic programme for Serra et al.'s sum against
   a literal enumeration of their index set J (with fmpz_bin_uiui), and
   the architecture parser. */
#include <check.h>
#include <string.h>
#include <flint/fmpz.h>
#include "cpwl.h"
#include "testutil.h"

static void check_eq(const fmpz_t x, slong v, const char *what)
{
    ck_assert_msg(fmpz_equal_si(x, v), "%s: got %s, expected %ld", what,
                  fmpz_get_str(NULL, 10, x), (long) v);
}

/* ---- the table of docs/examples.md ---------------------------------- */

START_TEST(test_examples_table)
{
    static const struct
    {
        slong n0, L, w[3], serra, naive;
    }
    t[] = {
        {1, 3, {2, 2, 2}, 27, 27},
        {2, 2, {3, 3}, 40, 49},
        {2, 2, {4, 4}, 121, 121},
        {3, 3, {6, 6, 6}, 74088, 74088}
    };
    fmpz_t r;
    slong i;
    fmpz_init(r);
    for (i = 0; i < 4; i++)
    {
        cpwl_bounds_serra(r, t[i].n0, t[i].w, t[i].L);
        check_eq(r, t[i].serra, "Serra");
        cpwl_bounds_naive(r, t[i].n0, t[i].w, t[i].L);
        check_eq(r, t[i].naive, "naive");
    }
    fmpz_clear(r);
}
END_TEST

/* (2; 3,3) by hand: j_1 in 0..2, j_2 <= min(2, 3 - j_1):
   j_1 = 0: 1 * (1 + 3 + 3) = 7; j_1 = 1: 3 * 7 = 21; j_1 = 2: 3 * (1 + 3)
   = 12; total 40, while the naive (1 + 3 + 3)^2 = 49.  (1; 1,1): j_1 = 0,
   j_2 in {0, 1}: 2; j_1 = 1, j_2 = 0: 1; total 3 < (1 + 1)^2 = 4 (a
   monotone relu(x) crosses the second unit's threshold once). */
START_TEST(test_serra_hand)
{
    slong w33[2] = {3, 3}, w11[2] = {1, 1}, w5[1] = {5};
    slong w735[3] = {7, 3, 5};
    fmpz_t r;
    fmpz_init(r);
    cpwl_bounds_serra(r, 2, w33, 2);
    check_eq(r, 40, "Serra (2; 3,3)");
    cpwl_bounds_serra(r, 1, w11, 2);
    check_eq(r, 3, "Serra (1; 1,1)");
    cpwl_bounds_naive(r, 1, w11, 2);
    check_eq(r, 4, "naive (1; 1,1)");
    /* (2; 7,3,5): every j_1 <= 2 leaves cap 2, weight 1 + 7 + 21 = 29;
       j_2 = 0, 1, 2 (weights 1, 3, 3) leave caps 2, 2, 1, and the last
       layer gives 16 or 6: 16 + 48 + 18 = 82; 29 * 82 = 2378. */
    cpwl_bounds_serra(r, 2, w735, 3);
    check_eq(r, 2378, "Serra (2; 7,3,5)");
    /* One layer: both are sum_{j <= n0} C(5, j) = 1 + 5 + 10 = 16. */
    cpwl_bounds_serra(r, 2, w5, 1);
    check_eq(r, 16, "Serra (2; 5)");
    cpwl_bounds_naive(r, 2, w5, 1);
    check_eq(r, 16, "naive (2; 5)");
    /* n0 > width: all 2^5 = 32 patterns. */
    cpwl_bounds_serra(r, 9, w5, 1);
    check_eq(r, 32, "Serra (9; 5)");
    /* No hidden layer: one region. */
    cpwl_bounds_serra(r, 3, w5, 0);
    check_eq(r, 1, "Serra (3; )");
    cpwl_bounds_naive(r, 3, w5, 0);
    check_eq(r, 1, "naive (3; )");
    fmpz_clear(r);
}
END_TEST

/* Montufar et al.: prod_{l < L} floor(w_l / n0)^n0 * sum_{j <= n0}
   C(w_L, j), by hand:
     (1; 2,2,2):  2 * 2 * (1 + 2)            = 12
     (2; 3,3):    1^2 * (1 + 3 + 3)          = 7
     (2; 4,4):    2^2 * (1 + 4 + 6)          = 44
     (2; 8,8):    4^2 * (1 + 8 + 28)         = 592
     (3; 6,6,6):  2^3 * 2^3 * (1+6+15+20)    = 2688
     (2; 7,3,5):  3^2 * 1^2 * (1 + 5 + 10)   = 144
   and n/a for (2; 1,4) (a width below n0). */
START_TEST(test_montufar_hand)
{
    static const struct
    {
        slong n0, L, w[3], v;
    }
    t[] = {
        {1, 3, {2, 2, 2}, 12},
        {2, 2, {3, 3}, 7},
        {2, 2, {4, 4}, 44},
        {2, 2, {8, 8}, 592},
        {3, 3, {6, 6, 6}, 2688},
        {2, 3, {7, 3, 5}, 144}
    };
    slong w14[2] = {1, 4};
    fmpz_t r;
    slong i;
    fmpz_init(r);
    for (i = 0; i < 6; i++)
    {
        ck_assert(cpwl_bounds_montufar(r, t[i].n0, t[i].w, t[i].L));
        check_eq(r, t[i].v, "Montufar");
    }
    ck_assert(!cpwl_bounds_montufar(r, 2, w14, 2));
    fmpz_clear(r);
}
END_TEST

/* prod (w_l + 1): 2-2-2 -> 27 (examples.md), 3-1-4 -> 4 * 2 * 5 = 40. */
START_TEST(test_one_input)
{
    slong w222[3] = {2, 2, 2}, w314[3] = {3, 1, 4};
    fmpz_t r;
    fmpz_init(r);
    cpwl_bounds_one_input(r, w222, 3);
    check_eq(r, 27, "one input 2-2-2");
    cpwl_bounds_one_input(r, w314, 3);
    check_eq(r, 40, "one input 3-1-4");
    cpwl_bounds_one_input(r, w314, 0);
    check_eq(r, 1, "one input, no hidden layer");
    fmpz_clear(r);
}
END_TEST

/* ---- the dynamic programme against a literal enumeration of J ------- */

/* Every (j_1..j_L) in prod [0, w_l], kept when it satisfies the
   definition of J as written: 0 <= j_l <= min(n0, w_1 - j_1, ...,
   w_{l-1} - j_{l-1}, w_l); the sum of prod_l C(w_l, j_l). */
static void serra_enumerate(fmpz_t r, slong n0, const slong *w, slong L)
{
    slong j[8], l, i;
    fmpz_t p, c;
    fmpz_init(p);
    fmpz_init(c);
    fmpz_zero(r);
    for (l = 0; l < L; l++)
        j[l] = 0;
    for (;;)
    {
        int in = 1;
        for (l = 0; l < L && in; l++)
        {
            slong cap = FLINT_MIN(n0, w[l]);
            for (i = 0; i < l; i++)
                cap = FLINT_MIN(cap, w[i] - j[i]);
            in = j[l] <= cap;
        }
        if (in)
        {
            fmpz_one(p);
            for (l = 0; l < L; l++)
            {
                fmpz_bin_uiui(c, w[l], j[l]);
                fmpz_mul(p, p, c);
            }
            fmpz_add(r, r, p);
        }
        for (l = 0; l < L && ++j[l] > w[l]; l++)
            j[l] = 0;
        if (l == L)
            break;
    }
    fmpz_clear(p);
    fmpz_clear(c);
}

/* prod_l sum_{j <= n0} C(w_l, j) with fmpz_bin_uiui. */
static void naive_direct(fmpz_t r, slong n0, const slong *w, slong L)
{
    fmpz_t s, c;
    slong l, j;
    fmpz_init(s);
    fmpz_init(c);
    fmpz_one(r);
    for (l = 0; l < L; l++)
    {
        fmpz_zero(s);
        for (j = 0; j <= FLINT_MIN(n0, w[l]); j++)
        {
            fmpz_bin_uiui(c, w[l], j);
            fmpz_add(s, s, c);
        }
        fmpz_mul(r, r, s);
    }
    fmpz_clear(s);
    fmpz_clear(c);
}

START_TEST(test_dp_vs_enumeration)
{
    test_rng rng = {test_seed(20261127)};
    fmpz_t a, b, nv, m, o;
    slong it, w[8];
    fmpz_init(a);
    fmpz_init(b);
    fmpz_init(nv);
    fmpz_init(m);
    fmpz_init(o);
    for (it = 0; it < test_iters(400); it++)
    {
        slong n0 = test_range(&rng, 1, 6), L = test_range(&rng, 0, 5), l;
        slong maxw = test_range(&rng, 1, 7);
        for (l = 0; l < L; l++)
            w[l] = test_range(&rng, 1, maxw);
        cpwl_bounds_serra(a, n0, w, L);
        serra_enumerate(b, n0, w, L);
        ck_assert_msg(fmpz_equal(a, b), "it %ld: DP %s, enumeration %s",
                      (long) it, fmpz_get_str(NULL, 10, a),
                      fmpz_get_str(NULL, 10, b));
        cpwl_bounds_naive(nv, n0, w, L);
        naive_direct(b, n0, w, L);
        ck_assert(fmpz_equal(nv, b));
        /* Serra refines the naive product; both bound the maximum from
           above, Montufar's construction from below. */
        ck_assert(fmpz_cmp(a, nv) <= 0);
        if (cpwl_bounds_montufar(m, n0, w, L))
            ck_assert(fmpz_cmp(m, a) <= 0);
        /* Every w_l >= 2 n0: the cap stays n0, nothing is cut. */
        for (l = 0; l < L && w[l] >= 2 * n0; l++)
            ;
        if (l == L)
            ck_assert(fmpz_equal(a, nv));
        /* n0 = 1: the naive product is prod (w_l + 1). */
        if (n0 == 1)
        {
            cpwl_bounds_one_input(o, w, L);
            ck_assert(fmpz_equal(o, nv));
        }
    }
    fmpz_clear(a);
    fmpz_clear(b);
    fmpz_clear(nv);
    fmpz_clear(m);
    fmpz_clear(o);
}
END_TEST

/* Large architectures stay cheap (the DP is O(L * min(n0, max w))). */
START_TEST(test_large)
{
    slong w[50], l;
    fmpz_t a, nv;
    fmpz_init(a);
    fmpz_init(nv);
    for (l = 0; l < 50; l++)
        w[l] = 200 + 3 * l;
    /* n0 = 150 > w_1 - 150 = 50: j_1 = 150 cuts the cap, strictly. */
    cpwl_bounds_serra(a, 150, w, 50);
    cpwl_bounds_naive(nv, 150, w, 50);
    ck_assert(fmpz_sgn(a) > 0 && fmpz_cmp(a, nv) < 0);
    /* Widths >= 2 n0 = 200 throughout: equal to the naive product. */
    cpwl_bounds_serra(a, 100, w, 50);
    cpwl_bounds_naive(nv, 100, w, 50);
    ck_assert(fmpz_equal(a, nv));
    fmpz_clear(a);
    fmpz_clear(nv);
}
END_TEST

/* ---- the architecture text ------------------------------------------ */

START_TEST(test_parse)
{
    static const struct
    {
        const char *s, *msg;
    }
    bad[] = {
        {"", "empty"},
        {"2", "at least an input and an output"},
        {"2--1", "entry 2 is empty"},
        {"2-8-", "entry 3 is empty"},
        {"-2-1", "entry 1 is empty"},
        {"2-x-1", "entry 2 is not a positive integer"},
        {"2-8.5-1", "entry 2 is not a positive integer"},
        {"2-0-1", "entry 2 must be from 1"},
        {"2-99999999999999999999-1", "entry 2 must be from 1"},
        {"2 -8-1", "entry 1 is not"}
    };
    slong n0, L, out, *w, i;
    cpwl_err_t e;

    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_bounds_parse_arch(&n0, &w, &L, &out, "2-8-8-1", e),
                     CPWL_OK);
    ck_assert(n0 == 2 && L == 2 && out == 1 && w[0] == 8 && w[1] == 8);
    flint_free(w);
    ck_assert_int_eq(cpwl_bounds_parse_arch(&n0, &w, &L, &out, "3-4", e),
                     CPWL_OK);
    ck_assert(n0 == 3 && L == 0 && out == 4);
    flint_free(w);
    for (i = 0; i < (slong) (sizeof bad / sizeof bad[0]); i++)
    {
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_bounds_parse_arch(&n0, &w, &L, &out, bad[i].s, e),
                         CPWL_ERR_INPUT);
        ck_assert_msg(strstr(e->msg, bad[i].msg) != NULL, "\"%s\": %s",
                      bad[i].s, e->msg);
        ck_assert(w == NULL);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bounds");
    TCase *tc = tcase_create("bounds");
    tcase_add_test(tc, test_examples_table);
    tcase_add_test(tc, test_serra_hand);
    tcase_add_test(tc, test_montufar_hand);
    tcase_add_test(tc, test_one_input);
    tcase_add_test(tc, test_dp_vs_enumeration);
    tcase_add_test(tc, test_large);
    tcase_add_test(tc, test_parse);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return test_run(s);
}
