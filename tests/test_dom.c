/* Tests of the box texts of cpwl_dom_set_str (src/dom.c): random boxes
   written as "lo:hi,..." and as cpwl prints them, "[lo,hi]x[lo,hi]"
   (with and without blanks), give exactly the bounds they were written
   from, cpwl_dom_describe's text reads back to the same box, and malformed
   boxes are refused naming the column, never an option. */
#include <string.h>
#include "testutil.h"

#define SEED 20261208

static char *qstr(const fmpq_t q)
{
    return fmpq_get_str(NULL, 10, q);
}

/* The box lo, hi (d intervals) in one of three spellings. */
static char *box_text(const fmpq *lo, const fmpq *hi, slong d, int form)
{
    size_t cap = 64, n = 0;
    char *s = flint_malloc(cap);
    slong i;
    s[0] = '\0';
    for (i = 0; i < d; i++)
    {
        char *a = qstr(lo + i), *b = qstr(hi + i);
        size_t need = strlen(a) + strlen(b) + 16;
        if (n + need >= cap)
        {
            cap = 2 * (n + need);
            s = flint_realloc(s, cap);
        }
        if (form == 0)
            n += sprintf(s + n, "%s%s:%s", i ? "," : "", a, b);
        else if (form == 1)
            n += sprintf(s + n, "%s[%s,%s]", i ? "x" : "", a, b);
        else
            n += sprintf(s + n, "%s[ %s , %s ]", i ? " x " : " ", a, b);
        flint_free(a);
        flint_free(b);
    }
    return s;
}

START_TEST(test_box_forms)
{
    test_rng r = {test_seed(SEED)};
    slong it, iters = test_iters(200);
    for (it = 0; it < iters; it++)
    {
        slong d = test_range(&r, 1, 4), i;
        fmpq *lo = _fmpq_vec_init(d), *hi = _fmpq_vec_init(d);
        int form;
        for (i = 0; i < d; i++)
        {
            do
            {
                test_fmpq(lo + i, &r, (int) test_range(&r, -1, 20));
                test_fmpq(hi + i, &r, (int) test_range(&r, -1, 20));
            }
            while (fmpq_equal(lo + i, hi + i));
            if (fmpq_cmp(lo + i, hi + i) > 0)
                fmpq_swap(lo + i, hi + i);
        }
        for (form = 0; form < 4; form++)
        {
            cpwl_dom_t D;
            cpwl_err_t e;
            char *s = form < 3 ? box_text(lo, hi, d, form) : NULL;
            cpwl_dom_init(D);
            cpwl_err_init(e);
            if (form == 3)
            {
                /* cpwl_dom_describe's text, "box " dropped, reads back. */
                cpwl_dom_t P;
                char *desc;
                cpwl_dom_init(P);
                s = box_text(lo, hi, d, 0);
                ck_assert(cpwl_dom_set_str(P, d, s, NULL, NULL, e) == CPWL_OK);
                desc = cpwl_dom_describe(P);
                ck_assert(strncmp(desc, "box ", 4) == 0);
                flint_free(s);
                s = flint_malloc(strlen(desc) + 1);
                strcpy(s, desc + 4);
                flint_free(desc);
                cpwl_dom_clear(P);
            }
            ck_assert_msg(cpwl_dom_set_str(D, d, s, NULL, NULL, e) == CPWL_OK,
                          "%s: %s", s, e->msg);
            ck_assert(D->bounded && D->d == d);
            for (i = 0; i < d; i++)
                ck_assert_msg(fmpq_equal(D->lo + i, lo + i)
                              && fmpq_equal(D->hi + i, hi + i),
                              "form %d, interval %ld of %s", form,
                              (long) i, s);
            flint_free(s);
            cpwl_dom_clear(D);
        }
        _fmpq_vec_clear(lo, d);
        _fmpq_vec_clear(hi, d);
    }
}
END_TEST

static void bad_box(slong d, const char *box, const char *want)
{
    cpwl_dom_t D;
    cpwl_err_t e;
    cpwl_dom_init(D);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_dom_set_str(D, d, box, NULL, NULL, e) == CPWL_ERR_INPUT,
                  "accepted %s", box);
    ck_assert_msg(strstr(e->msg, want) != NULL, "'%s': message '%s' lacks "
                  "'%s'", box, e->msg, want);
    ck_assert_msg(strncmp(e->msg, "`box`", 5) == 0, "%s", e->msg);
    ck_assert_ptr_null(strstr(e->msg, "--"));
    cpwl_dom_clear(D);
}

START_TEST(test_box_errors)
{
    bad_box(2, "[-1,1]x[-1;1]", "`box`: column 13: interval 2: expected ','");
    bad_box(2, "[-1,1]x", "`box`: column 8: expected '['");
    bad_box(2, "[-1,1] y [0,1]", "`box`: column 8: expected 'x'");
    bad_box(2, "[-1,1]x[0,1", "`box`: column 12: interval 2: expected ']'");
    bad_box(2, "[1,-1]x[0,1]", "`box`: column 1: interval 1 (\"[1,-1]\") is "
            "inverted");
    bad_box(1, "[1/2, 2/4]", "`box`: column 1: interval 1 (\"[1/2, 2/4]\") is "
            "empty");
    bad_box(2, "[-1,1]x[0, a]", "`box`: column 12: interval 2: malformed");
    bad_box(2, "[-1,1]x[,1]", "`box`: column 9: interval 2: missing lower");
    bad_box(2, "[-1,1]", "`box`: expected 2 intervals (the domain dimension), "
            "got 1");
    bad_box(1, "[-1,1]x[0,1]", "got 2");
    bad_box(2, "0:1,2", "`box`: column 5: interval 2: expected lo:hi or "
            "[lo,hi]");
    bad_box(2, "0:1, 1:x", "`box`: column 8: interval 2: malformed");
    bad_box(1, "1:0", "inverted");
    bad_box(1, "", "`box`: column 1: interval 1: expected lo:hi");
}
END_TEST

START_TEST(test_other_messages)
{
    /* Slice and line texts: messages start with their word, no option. */
    cpwl_dom_t D;
    cpwl_err_t e;
    cpwl_dom_init(D);
    cpwl_err_init(e);
    ck_assert(cpwl_dom_set_str(D, 2, NULL, "0,0;1,0;2,0", NULL, e)
              == CPWL_ERR_INPUT);
    ck_assert_msg(strncmp(e->msg, "`slice`: ", 9) == 0, "%s", e->msg);
    cpwl_err_init(e);
    ck_assert(cpwl_dom_set_str(D, 2, NULL, NULL, "0,0,0;1,1", e)
              == CPWL_ERR_INPUT);
    ck_assert_msg(strncmp(e->msg, "`line` x0: ", 11) == 0, "%s", e->msg);
    cpwl_err_init(e);
    ck_assert(cpwl_dom_set_str(D, 2, NULL, "0,0;1,0;0,1", "0,0;1,1", e)
              == CPWL_ERR_INPUT);
    ck_assert_ptr_null(strstr(e->msg, "--"));
    cpwl_dom_clear(D);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dom");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_box_forms);
    tcase_add_test(tc, test_box_errors);
    tcase_add_test(tc, test_other_messages);
    suite_add_tcase(s, tc);
    return test_run(s);
}
