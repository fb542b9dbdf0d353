/* Checkpoint files (src/scale/ckpt.c): round trips, and every damaged,
   truncated or foreign file refused with a message saying why. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"

static char dir[] = "/tmp/cpwl-test-ckpt-XXXXXX";

static void tmp_setup(void)
{
    strcpy(dir, "/tmp/cpwl-test-ckpt-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void tmp_teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *d;
    long n;
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    d = malloc((size_t) n + 1);
    ck_assert_uint_eq(fread(d, 1, (size_t) n, f), (size_t) n);
    fclose(f);
    *len = (size_t) n;
    return d;
}

static void spit(const char *path, const char *d, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(d, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Payloads of every byte value, newlines and NULs included, added out of
   order: read back equal, in (phase, unit) order, with the bound. */
START_TEST(test_round_trip)
{
    test_rng r = {test_seed(1901)};
    char path[600];
    unsigned char pay[40][64];
    size_t plen[40];
    slong i, k, order[40];
    cpwl_ckpt_t c, d;
    cpwl_err_t e;
    fmpq_t b;

    tmp_setup();
    snprintf(path, sizeof path, "%s/c.ckpt", dir);
    cpwl_ckpt_init(c, "toy", "net=0123456789abcdef;D=3;w=2");
    for (i = 0; i < 40; i++)
        order[i] = i;
    for (i = 39; i > 0; i--)
    {
        k = test_range(&r, 0, i);
        slong t = order[i];
        order[i] = order[k];
        order[k] = t;
    }
    for (i = 0; i < 40; i++)
    {
        slong u = order[i];
        plen[u] = (size_t) test_range(&r, 0, 63);
        for (k = 0; k < (slong) plen[u]; k++)
            pay[u][k] = (unsigned char) (u == 0 ? k * 4 : test_range(&r, 0, 255));
        cpwl_ckpt_add(c, u % 3, u, (const char *) pay[u], plen[u]);
    }
    /* a second record of a unit keeps the first */
    cpwl_ckpt_add(c, 5 % 3, 5, "other", 5);
    ck_assert_int_eq(c->n, 40);
    fmpq_init(b);
    fmpq_set_si(b, -7, 3);
    cpwl_ckpt_set_bound(c, b, 12);
    fmpq_set_si(b, -7, 3);
    cpwl_ckpt_set_bound(c, b, 13);     /* same value, later position */
    fmpq_set_si(b, -1, 1);
    cpwl_ckpt_set_bound(c, b, 0);      /* larger value */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_ckpt_write(c, path, e), CPWL_OK);

    cpwl_ckpt_init(d, "toy", "net=0123456789abcdef;D=3;w=2");
    ck_assert_msg(cpwl_ckpt_read(d, path, "toy", "net=0123456789abcdef;D=3;w=2", e)
                  == CPWL_OK, "%s", e->msg);
    ck_assert_int_eq(d->n, 40);
    for (i = 0; i < 40; i++)
    {
        const cpwl_ckpt_entry *en = cpwl_ckpt_find(d, i % 3, i);
        ck_assert_ptr_nonnull(en);
        ck_assert_uint_eq(en->len, plen[i]);
        ck_assert(memcmp(en->data, pay[i], plen[i]) == 0);
        ck_assert_int_eq(en->data[plen[i]], '\0');
        ck_assert_ptr_null(cpwl_ckpt_find(d, (i + 1) % 3, i));
        if (i > 0)              /* sorted by (phase, unit) */
            ck_assert(d->e[i - 1].phase < d->e[i].phase
                      || (d->e[i - 1].phase == d->e[i].phase
                          && d->e[i - 1].unit < d->e[i].unit));
    }
    ck_assert_int_eq(d->have_bound, 1);
    fmpq_set_si(b, -7, 3);
    ck_assert(fmpq_equal(d->bound, b));
    ck_assert_int_eq(d->bound_pos, 12);
    cpwl_ckpt_clear(d);
    cpwl_ckpt_clear(c);
    fmpq_clear(b);
    tmp_teardown();
}
END_TEST

/* A small file, cut at every byte and with every byte changed: refused
   every time, with the reason. */
START_TEST(test_damage)
{
    char path[600], bad[600];
    char *data, *copy;
    size_t len, i;
    cpwl_ckpt_t c, d;
    cpwl_err_t e;
    fmpq_t b;
    int bit;

    tmp_setup();
    snprintf(path, sizeof path, "%s/c.ckpt", dir);
    snprintf(bad, sizeof bad, "%s/bad.ckpt", dir);
    cpwl_ckpt_init(c, "toy", "a=1;b=2");
    cpwl_ckpt_add(c, 0, 0, "1/4 x", 5);
    cpwl_ckpt_add(c, 0, 1, "", 0);
    cpwl_ckpt_add(c, 1, 0, "unit 0 0 3\nend", 14);
    fmpq_init(b);
    fmpq_set_si(b, 3, 5);
    cpwl_ckpt_set_bound(c, b, 2);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_ckpt_write(c, path, e), CPWL_OK);
    data = slurp(path, &len);
    copy = malloc(len);

    for (i = 0; i < len; i++)
    {
        spit(bad, data, i);
        cpwl_err_init(e);
        cpwl_ckpt_init(d, "toy", "a=1;b=2");
        ck_assert_msg(cpwl_ckpt_read(d, bad, "toy", "a=1;b=2", e) == CPWL_ERR_INPUT,
                      "cut at %zu accepted", i);
        ck_assert_ptr_nonnull(strstr(e->msg, bad));
        ck_assert_msg(strstr(e->msg, "truncated") != NULL
                      || strstr(e->msg, "checksum") != NULL, "cut at %zu: %s",
                      i, e->msg);
        cpwl_ckpt_clear(d);
    }
    for (i = 0; i < len; i++)
        for (bit = 0; bit < 8; bit += 7)
        {
            memcpy(copy, data, len);
            copy[i] ^= (char) (1 << bit);
            spit(bad, copy, len);
            cpwl_err_init(e);
            cpwl_ckpt_init(d, "toy", "a=1;b=2");
            ck_assert_msg(cpwl_ckpt_read(d, bad, "toy", "a=1;b=2", e)
                          == CPWL_ERR_INPUT, "byte %zu bit %d changed: accepted",
                          i, bit);
            cpwl_ckpt_clear(d);
        }
    /* a change in the body is a checksum mismatch */
    memcpy(copy, data, len);
    copy[strlen("cpwl-checkpoint 1\nkind toy\nkey a=1;b=2\nbound 3/5 ")] = '3';
    spit(bad, copy, len);
    cpwl_err_init(e);
    cpwl_ckpt_init(d, "toy", "a=1;b=2");
    ck_assert_int_eq(cpwl_ckpt_read(d, bad, "toy", "a=1;b=2", e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "checksum mismatch"));
    cpwl_ckpt_clear(d);
    /* bytes after the end line */
    spit(bad, data, len);
    {
        FILE *f = fopen(bad, "ab");
        fputs("x\n", f);
        fclose(f);
    }
    cpwl_err_init(e);
    cpwl_ckpt_init(d, "toy", "a=1;b=2");
    ck_assert_int_eq(cpwl_ckpt_read(d, bad, "toy", "a=1;b=2", e), CPWL_ERR_INPUT);
    cpwl_ckpt_clear(d);
    /* not a checkpoint at all */
    spit(bad, "{\"layers\": []}\n", 15);
    cpwl_err_init(e);
    cpwl_ckpt_init(d, "toy", "a=1;b=2");
    ck_assert_int_eq(cpwl_ckpt_read(d, bad, "toy", "a=1;b=2", e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "not a cpwl checkpoint"));
    cpwl_ckpt_clear(d);
    /* a missing file */
    cpwl_err_init(e);
    cpwl_ckpt_init(d, "toy", "a=1;b=2");
    snprintf(bad, sizeof bad, "%s/none.ckpt", dir);
    ck_assert_int_eq(cpwl_ckpt_read(d, bad, "toy", "a=1;b=2", e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, strerror(ENOENT)));
    cpwl_ckpt_clear(d);

    free(copy);
    free(data);
    fmpq_clear(b);
    cpwl_ckpt_clear(c);
    tmp_teardown();
}
END_TEST

static void expect_refused(const char *path, const char *kind, const char *key,
                           const char *m1, const char *m2)
{
    cpwl_ckpt_t d;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_ckpt_init(d, kind, key);
    ck_assert_int_eq(cpwl_ckpt_read(d, path, kind, key, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, m1) != NULL, "'%s' not in: %s", m1, e->msg);
    ck_assert_msg(m2 == NULL || strstr(e->msg, m2) != NULL, "'%s' not in: %s",
                  m2, e->msg);
    ck_assert_ptr_nonnull(strstr(e->msg, path));
    cpwl_ckpt_clear(d);
}

/* Another kind, another key: the field that differs is named. */
START_TEST(test_foreign)
{
    char path[600];
    cpwl_ckpt_t c;
    cpwl_err_t e;

    tmp_setup();
    snprintf(path, sizeof path, "%s/c.ckpt", dir);
    cpwl_ckpt_init(c, "erm", "net=00ff00ff00ff00ff;D=20;w=2;loss=squared");
    cpwl_ckpt_add(c, 0, 3, "x", 1);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_ckpt_write(c, path, e), CPWL_OK);
    expect_refused(path, "regions", "net=00ff00ff00ff00ff;D=20;w=2;loss=squared",
                   "kind \"erm\"", "not \"regions\"");
    expect_refused(path, "erm", "net=00ff00ff00ff00ff;D=21;w=2;loss=squared",
                   "\"D=20\" there", "\"D=21\" here");
    expect_refused(path, "erm", "net=00ff00ff00ff00ee;D=20;w=2;loss=squared",
                   "net=00ff00ff00ff00ff", "net=00ff00ff00ff00ee");
    expect_refused(path, "erm", "net=00ff00ff00ff00ff;D=20;w=2",
                   "\"loss=squared\" there", "no field \"loss\" here");
    expect_refused(path, "erm", "net=00ff00ff00ff00ff;D=20;w=2;loss=squared;seed=4",
                   "no field \"seed\" there", "\"seed=4\" here");
    cpwl_ckpt_clear(c);
    tmp_teardown();
}
END_TEST

/* A failed write leaves the file that was there whole. */
START_TEST(test_atomic)
{
    char path[600], tmp[700], miss[600];
    char *before, *after;
    size_t lb, la;
    cpwl_ckpt_t c, c2;
    cpwl_err_t e;
    struct stat st;

    tmp_setup();
    snprintf(path, sizeof path, "%s/c.ckpt", dir);
    cpwl_ckpt_init(c, "toy", "k=1");
    cpwl_ckpt_add(c, 0, 0, "first", 5);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_ckpt_write(c, path, e), CPWL_OK);
    before = slurp(path, &lb);

    /* the temporary file cannot be created: a directory is in its way */
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long) getpid());
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    cpwl_ckpt_init(c2, "toy", "k=1");
    cpwl_ckpt_add(c2, 0, 0, "second", 6);
    cpwl_ckpt_add(c2, 0, 1, "more", 4);
    cpwl_err_init(e);
    ck_assert_int_ne(cpwl_ckpt_write(c2, path, e), CPWL_OK);
    ck_assert_ptr_nonnull(strstr(e->msg, path));
    after = slurp(path, &la);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(before, after, lb) == 0);
    ck_assert_int_eq(rmdir(tmp), 0);

    /* a path in a missing directory: an input error, nothing created */
    snprintf(miss, sizeof miss, "%s/no/such/c.ckpt", dir);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_ckpt_write(c2, miss, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, strerror(ENOENT)));
    snprintf(miss, sizeof miss, "%s/no", dir);
    ck_assert_int_ne(stat(miss, &st), 0);

    /* the next write replaces it whole, no temporary file left */
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_ckpt_write(c2, path, e), CPWL_OK);
    ck_assert_int_ne(stat(tmp, &st), 0);
    free(before);
    free(after);
    cpwl_ckpt_clear(c);
    cpwl_ckpt_clear(c2);
    tmp_teardown();
}
END_TEST

/* FNV-1a's published test vectors. */
START_TEST(test_fingerprint)
{
    char out[17];
    cpwl_ckpt_fingerprint(out, "", 0);
    ck_assert_str_eq(out, "cbf29ce484222325");
    cpwl_ckpt_fingerprint(out, "a", 1);
    ck_assert_str_eq(out, "af63dc4c8601ec8c");
    cpwl_ckpt_fingerprint(out, "foobar", 6);
    ck_assert_str_eq(out, "85944171f73967e8");
}
END_TEST

/* 10^5 units, nearly in order (as an MPI run records them): every find
   answers, a missing unit is missing. */
START_TEST(test_many)
{
    test_rng r = {test_seed(1902)};
    slong n = 100000 * (slong) test_multiplier(), i, j;
    slong *perm = malloc(n * sizeof(slong));
    char t[32];
    cpwl_ckpt_t c;

    for (i = 0; i < n; i++)
        perm[i] = i;
    for (i = 0; i + 1 < n; i++)       /* swap neighbours within 8 */
    {
        j = i + test_range(&r, 0, 7);
        if (j < n)
        {
            slong x = perm[i];
            perm[i] = perm[j];
            perm[j] = x;
        }
    }
    cpwl_ckpt_init(c, "toy", "k=1");
    for (i = 0; i < n; i++)
        if (perm[i] % 10 != 3)
        {
            snprintf(t, sizeof t, "%ld", (long) (3 * perm[i]));
            cpwl_ckpt_add(c, 2, perm[i], t, strlen(t));
        }
    for (i = 0; i < n; i++)
    {
        const cpwl_ckpt_entry *en = cpwl_ckpt_find(c, 2, i);
        if (i % 10 == 3)
            ck_assert_ptr_null(en);
        else
        {
            ck_assert_ptr_nonnull(en);
            ck_assert_int_eq(strtol(en->data, NULL, 10), 3 * i);
        }
    }
    ck_assert_ptr_null(cpwl_ckpt_find(c, 1, 0));
    ck_assert_ptr_null(cpwl_ckpt_find(c, 3, 0));
    cpwl_ckpt_clear(c);
    free(perm);
}
END_TEST

static Suite *ckpt_suite(void)
{
    Suite *s = suite_create("ckpt");
    TCase *tc = tcase_create("ckpt");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_damage);
    tcase_add_test(tc, test_foreign);
    tcase_add_test(tc, test_atomic);
    tcase_add_test(tc, test_fingerprint);
    tcase_add_test(tc, test_many);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(ckpt_suite());
}
