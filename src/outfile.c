/* Output files that appear whole or not at all (see outfile.h). */
#define _XOPEN_SOURCE 700     /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "outfile.h"

/* status: CPWL_ERR_INPUT when the path cannot hold a file (opening
   failed), CPWL_ERR_INTERNAL when writing failed. */
static int fail(cpwl_err_t e, int status, const char *path, int err)
{
    char q[CPWL_ERR_QUOTE_SIZE];
    if (strcmp(path, "-") == 0)
        return cpwl_err_set(e, status, "cannot write standard output: %s",
                            strerror(err != 0 ? err : EIO));
    cpwl_err_quote(q, sizeof q, path, strlen(path));
    return cpwl_err_set(e, status, "cannot write %s: %s", q,
                        strerror(err != 0 ? err : EIO));
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *t = malloc(n);
    if (t != NULL)
        memcpy(t, s, n);
    return t;
}

static void release(outfile_t f)
{
    free(f->path);
    free(f->target);
    free(f->tmp);
    f->path = f->target = f->tmp = NULL;
    f->f = NULL;
}

/* Create ".BASE.cpwl-XXXXXX" next to target with O_EXCL, so that the
   umask applies as to any new file (mkstemp would give 0600).  The six
   characters mix the pid, the clock and the attempt: no state kept. */
static int make_temp(char **tmp, const char *target, mode_t mode)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    const char *slash = strrchr(target, '/');
    size_t dlen = slash ? (size_t) (slash - target) + 1 : 0;
    size_t len = strlen(target) + 16;
    char *name = malloc(len);
    int attempt, fd = -1;

    if (name == NULL)
        return -1;
    for (attempt = 0; attempt < 100; attempt++)
    {
        struct timespec t;
        uint64_t h;
        int k;
        clock_gettime(CLOCK_REALTIME, &t);
        h = (uint64_t) getpid() * 0x9e3779b97f4a7c15u
            ^ (uint64_t) t.tv_nsec * 0xbf58476d1ce4e5b9u
            ^ (uint64_t) t.tv_sec ^ (uint64_t) attempt * 0x94d049bb133111ebu;
        memcpy(name, target, dlen);
        snprintf(name + dlen, len - dlen, ".%s.cpwl-XXXXXX", target + dlen);
        for (k = 0; k < 6; k++, h /= 36)
            name[strlen(name) - 6 + k] = digits[h % 36];
        fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST)
            break;
    }
    if (fd < 0)
        free(name);
    else
        *tmp = name;
    return fd;
}

int outfile_open(outfile_t f, const char *path, cpwl_err_t e)
{
    struct stat st;
    int fd, have;

    f->f = NULL;
    f->path = f->target = f->tmp = NULL;
    f->is_stdout = strcmp(path, "-") == 0;
    if ((f->path = dup_str(path)) == NULL)
        return fail(e, CPWL_ERR_INTERNAL, path, ENOMEM);
    if (f->is_stdout)
    {
        f->f = stdout;
        return CPWL_OK;
    }

    /* A link to a file: replace the file, keep the link. */
    have = stat(path, &st) == 0;
    if (have && S_ISREG(st.st_mode) && lstat(path, &st) == 0
        && S_ISLNK(st.st_mode))
    {
        f->target = realpath(path, NULL);
        have = f->target != NULL && stat(f->target, &st) == 0;
        if (!have)
        {
            int err = errno;
            release(f);
            return fail(e, CPWL_ERR_INPUT, path, err);
        }
    }
    else if ((f->target = dup_str(path)) == NULL)
    {
        release(f);
        return fail(e, CPWL_ERR_INTERNAL, path, ENOMEM);
    }

    if (have && S_ISDIR(st.st_mode))
    {
        release(f);
        return fail(e, CPWL_ERR_INPUT, path, EISDIR);
    }
    if (have && !S_ISREG(st.st_mode))
    {
        /* A device, FIFO or socket: in place, never renamed or removed. */
        errno = 0;
        if ((f->f = fopen(path, "wb")) == NULL)
        {
            int err = errno;
            release(f);
            return fail(e, CPWL_ERR_INPUT, path, err);
        }
        return CPWL_OK;
    }

    errno = 0;
    fd = make_temp(&f->tmp, f->target, have ? (st.st_mode & 07777) : 0666);
    if (fd < 0)
    {
        int err = errno;
        release(f);
        return fail(e, CPWL_ERR_INPUT, path, err);
    }
    /* open() applied the umask to a replaced file's mode too; restore it
       (a file not ours may refuse: then the umask's mode stays). */
    if (have)
        (void) fchmod(fd, st.st_mode & 07777);
    if ((f->f = fdopen(fd, "wb")) == NULL)
    {
        int err = errno;
        close(fd);
        unlink(f->tmp);
        release(f);
        return fail(e, CPWL_ERR_INTERNAL, path, err);
    }
    return CPWL_OK;
}

/* The reason a stream failed: stdio keeps only a flag, and errno is
   long gone when the failure happened in an earlier fputs.  The stream
   is spoilt anyway, so one more byte asks the file again. */
static int stream_errno(FILE *f)
{
    ssize_t w;
    errno = 0;
    w = write(fileno(f), "", 1);
    return w < 0 && errno != 0 ? errno : EIO;
}

int outfile_commit(outfile_t f, cpwl_err_t e)
{
    int err = 0;

    errno = 0;
    if (fflush(f->f) != 0 || ferror(f->f))
        err = errno != 0 ? errno : stream_errno(f->f);
    if (f->is_stdout)
        clearerr(f->f);
    else if (f->tmp == NULL)
    {
        errno = 0;
        if (fclose(f->f) != 0 && err == 0)
            err = errno != 0 ? errno : EIO;
    }
    else
    {
        /* On disk before the rename: a crash then shows the old file or
           the new one. */
        if (err == 0 && fsync(fileno(f->f)) != 0)
            err = errno != 0 ? errno : EIO;
        errno = 0;
        if (fclose(f->f) != 0 && err == 0)
            err = errno != 0 ? errno : EIO;
        if (err == 0 && rename(f->tmp, f->target) != 0)
            err = errno != 0 ? errno : EIO;
        if (err != 0)
            unlink(f->tmp);
    }
    if (err != 0)
        fail(e, CPWL_ERR_INTERNAL, f->path, err);
    release(f);
    return err != 0 ? e->status : CPWL_OK;
}

void outfile_abort(outfile_t f)
{
    if (f->f == NULL)
        return;
    if (f->is_stdout)
        fflush(f->f);
    else
    {
        fclose(f->f);
        if (f->tmp != NULL)
            unlink(f->tmp);
    }
    release(f);
}
