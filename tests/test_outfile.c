/* Atomic output files: the target holds the old bytes until commit and
   exactly the new ones after; abort and failures never touch it; only
   the temporary file is ever removed; non-regular targets are written in
   place and kept. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"

static char dir[256];

static void tmp_setup(void)
{
    strcpy(dir, "/tmp/cpwl-outfile.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void tmp_teardown(void)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    char p[512];
    while (d != NULL && (ent = readdir(d)) != NULL)
        if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, ".."))
        {
            snprintf(p, sizeof p, "%s/%s", dir, ent->d_name);
            unlink(p);
        }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

/* Entries of dir other than . and ..; *ntmp: those named like a
   temporary file (".NAME.cpwl-XXXXXX"). */
static int entries(int *ntmp)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    int n = 0;
    *ntmp = 0;
    ck_assert_ptr_nonnull(d);
    while ((ent = readdir(d)) != NULL)
    {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
            continue;
        n++;
        if (ent->d_name[0] == '.' && strstr(ent->d_name, ".cpwl-") != NULL)
            (*ntmp)++;
    }
    closedir(d);
    return n;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* The whole file (at most 64 KiB) as a string. */
static char *get(const char *path)
{
    static char buf[65536 + 1];
    FILE *f = fopen(path, "rb");
    size_t n;
    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(test_commit_abort)
{
    char path[512];
    outfile_t f;
    cpwl_err_t e;
    int ntmp;

    tmp_setup();
    snprintf(path, sizeof path, "%s/out.json", dir);
    put(path, "old contents\n");

    /* Until commit the target keeps its bytes; the new ones are in a
       temporary file beside it. */
    cpwl_err_init(e);
    ck_assert_int_eq(outfile_open(f, path, e), CPWL_OK);
    ck_assert_ptr_nonnull(f->tmp);
    ck_assert_ptr_nonnull(strstr(f->tmp, "/.out.json.cpwl-"));
    fputs("new contents, longer than the old\n", f->f);
    fflush(f->f);
    ck_assert_str_eq(get(path), "old contents\n");
    ck_assert_int_eq(entries(&ntmp), 2);
    ck_assert_int_eq(ntmp, 1);
    ck_assert_int_eq(outfile_commit(f, e), CPWL_OK);
    ck_assert_str_eq(get(path), "new contents, longer than the old\n");
    ck_assert_int_eq(entries(&ntmp), 1);
    ck_assert_int_eq(ntmp, 0);

    /* Abort: the target is as it was, the temporary file gone. */
    ck_assert_int_eq(outfile_open(f, path, e), CPWL_OK);
    fputs("half", f->f);
    outfile_abort(f);
    ck_assert_str_eq(get(path), "new contents, longer than the old\n");
    ck_assert_int_eq(entries(&ntmp), 1);
    ck_assert_int_eq(ntmp, 0);

    /* A new file: abort leaves nothing at all. */
    snprintf(path, sizeof path, "%s/new.png", dir);
    ck_assert_int_eq(outfile_open(f, path, e), CPWL_OK);
    fputs("x", f->f);
    outfile_abort(f);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(entries(&ntmp), 1);
    cpwl_err_clear(e);
    tmp_teardown();
}
END_TEST

/* Random contents of random lengths, some past stdio's buffer: the file
   after commit is exactly what was written. */
START_TEST(test_random_contents)
{
    uint64_t seed = test_seed(0x0f11e5eedULL);
    test_rng r = {seed};
    char path[512], *text = malloc(65536 + 1);
    slong it, n = test_iters(40), len, k;
    outfile_t f;
    cpwl_err_t e;
    int ntmp;

    tmp_setup();
    snprintf(path, sizeof path, "%s/r.csv", dir);
    for (it = 0; it < n; it++)
    {
        len = test_range(&r, 0, 65536);
        for (k = 0; k < len; k++)
            text[k] = (char) ('a' + test_range(&r, 0, 25));
        text[len] = '\0';
        cpwl_err_init(e);
        ck_assert_int_eq(outfile_open(f, path, e), CPWL_OK);
        fputs(text, f->f);
        if (test_range(&r, 0, 3) == 0)
        {
            /* An abort keeps the previous round's file (if any). */
            outfile_abort(f);
            continue;
        }
        ck_assert_msg(outfile_commit(f, e) == CPWL_OK, "seed %llu: %s",
                      (unsigned long long) seed, e->msg);
        ck_assert_msg(strcmp(get(path), text) == 0, "seed %llu, round %ld",
                      (unsigned long long) seed, (long) it);
        ck_assert_int_eq(entries(&ntmp), 1);
        ck_assert_int_eq(ntmp, 0);
    }
    free(text);
    tmp_teardown();
}
END_TEST

/* Modes as for a file fopen creates: 0666 minus the umask; a replaced
   file keeps its permission bits. */
START_TEST(test_modes)
{
    char path[512];
    outfile_t f;
    cpwl_err_t e;
    struct stat st;
    mode_t old = umask(022);

    tmp_setup();
    cpwl_err_init(e);
    snprintf(path, sizeof path, "%s/a", dir);
    ck_assert_int_eq(outfile_open(f, path, e), CPWL_OK);
    ck_assert_int_eq(outfile_commit(f, e), CPWL_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);

    umask(077);
    snprintf(path, sizeof path, "%s/b", dir);
    ck_assert_int_eq(outfile_open(f, path, e), CPWL_OK);
    ck_assert_int_eq(outfile_commit(f, e), CPWL_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);

    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert_int_eq(outfile_open(f, path, e), CPWL_OK);
    ck_assert_int_eq(outfile_commit(f, e), CPWL_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    umask(old);
    cpwl_err_clear(e);
    tmp_teardown();
}
END_TEST

/* Devices are written in place and never removed; a symbolic link to a
   file is followed and kept. */
START_TEST(test_special_targets)
{
    char path[512], link[512];
    outfile_t f;
    cpwl_err_t e;
    struct stat st;

    cpwl_err_init(e);
    ck_assert_int_eq(outfile_open(f, "/dev/null", e), CPWL_OK);
    ck_assert_ptr_null(f->tmp);
    fputs("discarded\n", f->f);
    ck_assert_int_eq(outfile_commit(f, e), CPWL_OK);
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));

    /* A full device: the write fails (a resource failure, status 1) and
       the device is still there. */
    if (access("/dev/full", W_OK) == 0)
    {
        char big[8192];
        memset(big, 'x', sizeof big);
        ck_assert_int_eq(outfile_open(f, "/dev/full", e), CPWL_OK);
        fwrite(big, 1, sizeof big, f->f);
        ck_assert_int_eq(outfile_commit(f, e), CPWL_ERR_INTERNAL);
        ck_assert_ptr_nonnull(strstr(e->msg, "\"/dev/full\""));
        ck_assert_ptr_nonnull(strstr(e->msg, strerror(ENOSPC)));
        ck_assert_int_eq(stat("/dev/full", &st), 0);
        ck_assert(S_ISCHR(st.st_mode));
        cpwl_err_clear(e);
        cpwl_err_init(e);
    }

    tmp_setup();
    snprintf(path, sizeof path, "%s/real.json", dir);
    snprintf(link, sizeof link, "%s/link.json", dir);
    put(path, "old\n");
    ck_assert_int_eq(symlink("real.json", link), 0);
    ck_assert_int_eq(outfile_open(f, link, e), CPWL_OK);
    fputs("new\n", f->f);
    ck_assert_int_eq(outfile_commit(f, e), CPWL_OK);
    ck_assert_str_eq(get(path), "new\n");
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    cpwl_err_clear(e);
    tmp_teardown();
}
END_TEST

/* Paths that cannot hold a file: an input error naming the path, and
   nothing created. */
START_TEST(test_bad_paths)
{
    char path[512];
    outfile_t f;
    cpwl_err_t e;
    int ntmp;

    tmp_setup();
    cpwl_err_init(e);
    snprintf(path, sizeof path, "%s/nodir/x.png", dir);
    ck_assert_int_eq(outfile_open(f, path, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, "nodir/x.png"));
    ck_assert_ptr_nonnull(strstr(e->msg, strerror(ENOENT)));
    cpwl_err_clear(e);

    cpwl_err_init(e);
    ck_assert_int_eq(outfile_open(f, dir, e), CPWL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(e->msg, strerror(EISDIR)));
    ck_assert_int_eq(entries(&ntmp), 0);
    cpwl_err_clear(e);
    tmp_teardown();
}
END_TEST

static Suite *outfile_suite(void)
{
    Suite *s = suite_create("outfile");
    TCase *tc = tcase_create("outfile");
    tcase_add_test(tc, test_commit_abort);
    tcase_add_test(tc, test_random_contents);
    tcase_add_test(tc, test_modes);
    tcase_add_test(tc, test_special_targets);
    tcase_add_test(tc, test_bad_paths);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(outfile_suite());
}
