/* The one-process scheduler (src/scale/sched.c) and payloads (buf.c): a
   toy computation with a closed-form answer, run whole, on threads,
   interrupted and resumed. */
#include <math.h>
#include <float.h>
#include <unistd.h>
#include "testutil.h"
#include "toy_sched.h"

#define toy_check(t) ck_assert(toy_ok(t, 1))

static char dir[] = "/tmp/cpwl-test-sched-XXXXXX";

static void tmp_setup(void)
{
    strcpy(dir, "/tmp/cpwl-test-sched-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void tmp_teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Every token kind written and read back exactly; the non-canonical
   spellings refused. */
START_TEST(test_buf)
{
    test_rng r = {test_seed(1903)};
    cpwl_sched_buf b;
    cpwl_sched_rd rd;
    fmpq_t x, y;
    double d[12], dd;
    slong si[4] = {0, -1, WORD_MAX, WORD_MIN}, s2;
    unsigned char hx[5] = {0, 10, 255, '\n', ' '}, hy[5];
    int i, k;
    const char *bad_q[] = {"1/0", "1/-2", "2/4", "-0", "01", "3/1", "1.5",
                           "0x1p+0", "+1", "1/", "/2", "-", "1//2", "0/1"};
    const char *bad_d[] = {"1.5", "0x", "abc", "1e3", "0x1p+0x"};

    fmpq_init(x);
    fmpq_init(y);
    cpwl_sched_buf_init(&b);
    for (i = 0; i < 4; i++)
        cpwl_sched_buf_put_si(&b, si[i]);
    d[0] = 0.0;
    d[1] = -0.0;
    d[2] = INFINITY;
    d[3] = -INFINITY;
    d[4] = NAN;
    d[5] = DBL_MIN / 4;           /* subnormal */
    d[6] = DBL_MAX;
    d[7] = 0.1;
    for (i = 8; i < 12; i++)
        d[i] = test_unif(&r, -1e6, 1e6);
    for (i = 0; i < 12; i++)
        cpwl_sched_buf_put_d(&b, d[i]);
    for (k = 0; k < 20; k++)
    {
        test_fmpq(x, &r, 80);
        cpwl_sched_buf_put_fmpq(&b, x);
    }
    cpwl_sched_buf_put_hex(&b, hx, 5);
    cpwl_sched_buf_put_hex(&b, hx, 0);
    ck_assert_uint_eq(strlen(b.data), b.len);

    cpwl_sched_rd_init(&rd, b.data, b.len);
    for (i = 0; i < 4; i++)
    {
        ck_assert_int_eq(cpwl_sched_rd_si(&s2, &rd), 0);
        ck_assert_int_eq(s2, si[i]);
    }
    for (i = 0; i < 12; i++)
    {
        ck_assert_int_eq(cpwl_sched_rd_d(&dd, &rd), 0);
        if (isnan(d[i]))
            ck_assert(isnan(dd));
        else
            ck_assert(memcmp(&dd, &d[i], sizeof(double)) == 0);
    }
    r.s = test_seed(1903);      /* the same rationals again */
    for (i = 8; i < 12; i++)
        (void) test_unif(&r, -1e6, 1e6);
    for (k = 0; k < 20; k++)
    {
        test_fmpq(x, &r, 80);
        ck_assert_int_eq(cpwl_sched_rd_fmpq(y, &rd), 0);
        ck_assert(fmpq_equal(x, y));
    }
    ck_assert_int_eq(cpwl_sched_rd_done(&rd), 0);
    ck_assert_int_eq(cpwl_sched_rd_hex(hy, 5, &rd), 0);
    ck_assert(memcmp(hx, hy, 5) == 0);
    ck_assert_int_eq(cpwl_sched_rd_hex(hy, 0, &rd), 0);
    ck_assert_int_eq(cpwl_sched_rd_done(&rd), 1);
    /* reading past the end marks the cursor bad */
    ck_assert_int_eq(cpwl_sched_rd_si(&s2, &rd), -1);
    ck_assert_int_eq(cpwl_sched_rd_done(&rd), 0);

    for (i = 0; i < (int) (sizeof(bad_q) / sizeof(bad_q[0])); i++)
    {
        cpwl_sched_rd_init(&rd, bad_q[i], strlen(bad_q[i]));
        ck_assert_msg(cpwl_sched_rd_fmpq(y, &rd) == -1, "%s accepted", bad_q[i]);
        ck_assert_int_eq(cpwl_sched_rd_si(&s2, &rd), -1);   /* stays bad */
    }
    for (i = 0; i < (int) (sizeof(bad_d) / sizeof(bad_d[0])); i++)
    {
        cpwl_sched_rd_init(&rd, bad_d[i], strlen(bad_d[i]));
        ck_assert_msg(cpwl_sched_rd_d(&dd, &rd) == -1, "%s accepted", bad_d[i]);
    }
    cpwl_sched_rd_init(&rd, "9223372036854775808", 19);
    ck_assert_int_eq(cpwl_sched_rd_si(&s2, &rd), -1);
    cpwl_sched_rd_init(&rd, "ab 0g", 5);
    ck_assert_int_eq(cpwl_sched_rd_hex(hy, 1, &rd), 0);
    ck_assert_int_eq(hy[0], 0xab);
    ck_assert_int_eq(cpwl_sched_rd_hex(hy, 1, &rd), -1);

    cpwl_sched_buf_clear(&b);
    fmpq_clear(x);
    fmpq_clear(y);
}
END_TEST

/* Whole runs with 1 and 4 threads: the closed form, the same payloads. */
START_TEST(test_whole)
{
    toy_t t, u;
    cpwl_sched_t s;
    cpwl_err_t e;
    slong n = 60, blk = 7;

    toy_init(t, n, blk);
    cpwl_sched_init(s);
    cpwl_err_init(e);
    ck_assert_msg(toy_run(t, s, e) == CPWL_OK, "%s", e->msg);
    ck_assert_int_eq(s->stopped, 0);
    toy_check(t);
    ck_assert_int_eq(s->stats.units_run, 2 * n);
    ck_assert_int_eq(s->stats.units_replayed, 0);
    ck_assert_int_eq(s->phase, 2);
    cpwl_sched_clear(s);

    toy_init(u, n, blk);
    cpwl_sched_init(s);
    s->threads = 4;
    ck_assert_msg(toy_run(u, s, e) == CPWL_OK, "%s", e->msg);
    toy_check(u);
    ck_assert_str_eq(t->trace.data, u->trace.data);
    cpwl_sched_clear(s);
    toy_clear(t);
    toy_clear(u);
}
END_TEST

/* Interrupted after k units of phase 0 or 1, checkpointed, resumed: the
   uninterrupted answer, and only the missing units computed. */
static void interrupt_resume(slong stop_after, int threads)
{
    toy_t t, whole;
    cpwl_sched_t s;
    cpwl_err_t e;
    char path[600];
    slong n = 50, blk = 5, kept;

    tmp_setup();
    snprintf(path, sizeof path, "%s/toy.ckpt", dir);
    toy_init(whole, n, blk);
    cpwl_sched_init(s);
    cpwl_err_init(e);
    ck_assert_int_eq(toy_run(whole, s, e), CPWL_OK);
    cpwl_sched_clear(s);

    toy_init(t, n, blk);
    t->stop_after = stop_after;
    cpwl_sched_init(s);
    s->threads = threads;
    s->interrupt = &t->flag;
    ck_assert_int_eq(cpwl_sched_checkpoint(s, path, 1e6, "toy", t->key, e), CPWL_OK);
    ck_assert_msg(toy_run(t, s, e) == CPWL_OK, "%s", e->msg);
    ck_assert_int_eq(s->stopped, 1);
    ck_assert_int_eq(s->stats.ckpt_writes, 1);
    ck_assert_uint_gt(s->stats.ckpt_bytes, 0);
    kept = s->ckpt->n;
    if (threads == 1)
        ck_assert_int_eq(kept, stop_after);
    ck_assert_int_ge(kept, stop_after);
    ck_assert_int_eq(cpwl_sched_finish(s, e), CPWL_OK);
    cpwl_sched_clear(s);
    toy_clear(t);

    /* the same file to resume from and to write */
    toy_init(t, n, blk);
    cpwl_sched_init(s);
    s->threads = threads;
    ck_assert_int_eq(cpwl_sched_checkpoint(s, path, 1e6, "toy", t->key, e), CPWL_OK);
    ck_assert_msg(cpwl_sched_resume(s, path, "toy", t->key, e) == CPWL_OK, "%s",
                  e->msg);
    ck_assert_msg(toy_run(t, s, e) == CPWL_OK, "%s", e->msg);
    ck_assert_int_eq(s->stopped, 0);
    toy_check(t);
    ck_assert_str_eq(t->trace.data, whole->trace.data);
    ck_assert_int_eq(s->stats.units_replayed, kept);
    ck_assert_int_eq(s->stats.units_run, 2 * n - kept);
    ck_assert_int_eq(t->computed, 2 * n - kept);
    ck_assert_int_eq(cpwl_sched_finish(s, e), CPWL_OK);
    cpwl_sched_clear(s);
    toy_clear(t);

    /* the final checkpoint replays everything */
    toy_init(t, n, blk);
    cpwl_sched_init(s);
    ck_assert_int_eq(cpwl_sched_resume(s, path, "toy", t->key, e), CPWL_OK);
    ck_assert_int_eq(toy_run(t, s, e), CPWL_OK);
    ck_assert_str_eq(t->trace.data, whole->trace.data);
    ck_assert_int_eq(t->computed, 0);
    cpwl_sched_clear(s);
    toy_clear(t);

    /* another key is refused */
    cpwl_sched_init(s);
    ck_assert_int_eq(cpwl_sched_resume(s, path, "toy", "n=1;blk=1", e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "another computation"));
    cpwl_sched_clear(s);
    toy_clear(whole);
    tmp_teardown();
}

START_TEST(test_interrupt)
{
    test_rng r = {test_seed(1904)};
    slong k = test_range(&r, 1, 49);
    interrupt_resume(k, 1);
    interrupt_resume(50 + test_range(&r, 1, 49), 1);   /* in the bound phase */
    interrupt_resume(k, 4);
    interrupt_resume(0, 1);
}
END_TEST

/* --every: a write after each unit when the interval has passed. */
START_TEST(test_every)
{
    toy_t t;
    cpwl_sched_t s;
    cpwl_err_t e;
    char path[600];

    tmp_setup();
    snprintf(path, sizeof path, "%s/toy.ckpt", dir);
    toy_init(t, 10, 3);
    cpwl_sched_init(s);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_sched_checkpoint(s, path, 1e-9, "toy", t->key, e), CPWL_OK);
    ck_assert_int_eq(toy_run(t, s, e), CPWL_OK);
    ck_assert_int_eq(s->stats.ckpt_writes, 20);
    ck_assert_int_eq(cpwl_sched_finish(s, e), CPWL_OK);
    ck_assert_int_eq(s->stats.ckpt_writes, 21);
    toy_check(t);
    cpwl_sched_clear(s);
    ck_assert_int_eq(cpwl_sched_checkpoint(s, path, 0, "toy", t->key, e), CPWL_ERR_INPUT);
    toy_clear(t);
    tmp_teardown();
}
END_TEST

/* An error of a unit is the map's; a payload that does not parse is an
   input error of the collector. */
START_TEST(test_errors)
{
    toy_t t;
    cpwl_sched_t s;
    cpwl_err_t e;

    toy_init(t, 20, 2);
    t->fail_unit = 13;
    cpwl_sched_init(s);
    cpwl_err_init(e);
    ck_assert_int_eq(toy_run(t, s, e), CPWL_ERR_INTERNAL);
    ck_assert_str_eq(e->msg, "unit 13 failed");
    cpwl_sched_clear(s);
    toy_clear(t);

    toy_init(t, 20, 2);
    t->fail_unit = 13;
    cpwl_sched_init(s);
    s->threads = 3;
    cpwl_err_init(e);
    ck_assert_int_eq(toy_run(t, s, e), CPWL_ERR_INTERNAL);
    ck_assert_str_eq(e->msg, "unit 13 failed");
    cpwl_sched_clear(s);
    toy_clear(t);
}
END_TEST

static Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("sched");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_buf);
    tcase_add_test(tc, test_whole);
    tcase_add_test(tc, test_interrupt);
    tcase_add_test(tc, test_every);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(sched_suite());
}
