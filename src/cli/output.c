/* The files cpwl writes: atomic (outfile), and Ctrl-C while one is being
   written stops it cleanly (the target keeps its old contents, the
   temporary file is removed) instead of killing the process mid-write. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

static volatile sig_atomic_t out_interrupted;
static int out_depth;                   /* files open */
static struct sigaction out_old;

static void on_sigint(int sig)
{
    (void) sig;
    out_interrupted = 1;
    cli_interrupted = 1;
}

int cli_out_open(outfile_t f, const char *sub, const char *path)
{
    cpwl_err_t e;
    /* Catch Ctrl-C before the temporary file exists. */
    if (out_depth++ == 0)
    {
        /* No SA_RESTART: a write blocked on a pipe returns EINTR. */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        out_interrupted = 0;
        sigaction(SIGINT, &sa, &out_old);
    }
    cpwl_err_init(e);
    /* cpwl-mpi: only process 0 writes files; the others discard */
    if (cli_rank != 0)
        path = "/dev/null";
    if (outfile_open(f, path, e) != CPWL_OK)
    {
        if (--out_depth == 0)
            sigaction(SIGINT, &out_old, NULL);
        return cli_fail(sub, e);
    }
    return CPWL_OK;
}

/* CPWL_TEST_STALL_WRITE=SECONDS: wait that long (or until Ctrl-C) with
   the output written to the temporary file but not renamed, so that the
   tests can interrupt a writer at a known point. */
static void test_stall(outfile_t f)
{
    const char *s = getenv("CPWL_TEST_STALL_WRITE");
    double until;
    if (s == NULL || *s == '\0')
        return;
    fflush(f->f);
    until = cli_now() + atof(s);
    while (!out_interrupted && cli_now() < until)
    {
        struct timespec t = {0, 20000000};
        nanosleep(&t, NULL);
    }
}

int cli_out_close(outfile_t f, const char *sub, int ok)
{
    int status = CPWL_OK;
    cpwl_err_t e;
    cpwl_err_init(e);
    if (ok)
        test_stall(f);
    /* Interrupted first: a write cut short by Ctrl-C fails with EINTR. */
    if (out_interrupted)
    {
        char q[CPWL_ERR_QUOTE_SIZE];
        cpwl_err_quote(q, sizeof q, f->path, strlen(f->path));
        if (f->tmp != NULL)
            fprintf(stderr, "cpwl %s: interrupted: %s not written (left "
                    "as it was)\n", sub, q);
        else
            fprintf(stderr, "cpwl %s: interrupted: %s written in part\n",
                    sub, f->is_stdout ? "standard output" : q);
        outfile_abort(f);
        status = CLI_EXIT_INTERRUPTED;
    }
    else if (!ok)
        outfile_abort(f);
    else if (outfile_commit(f, e) != CPWL_OK)
        status = cli_fail(sub, e);
    if (--out_depth == 0)
        sigaction(SIGINT, &out_old, NULL);
    return status;
}

int cli_finish_stdout(const char *sub, int status)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
    {
        int err = errno != 0 ? errno : EIO;
        fprintf(stderr, "cpwl %s: cannot write standard output: %s\n", sub,
                strerror(err));
        if (status == CPWL_OK)
            status = CPWL_ERR_INTERNAL;
    }
    return status;
}

char *cli_arb_str(const arb_t b, int with_rad, slong digits)
{
    char *s = arb_get_str(b, digits, with_rad ? 0 : ARB_STR_NO_RADIUS);
    char *dot = strchr(s, '.'), *end, *z;
    /* 0.50000000000000000 reads better as 0.5 */
    if (dot != NULL && strchr(s, '[') == NULL)
    {
        end = dot + strcspn(dot, "e");
        for (z = end; z > dot + 1 && z[-1] == '0'; z--)
            ;
        if (z == dot + 1)
            z = dot;
        memmove(z, end, strlen(end) + 1);
    }
    return s;
}

char *cli_q_str(const fmpq_t q, int with_dec)
{
    char *s = fmpq_get_str(NULL, 10, q), *dec, *r;
    arb_t b;
    if (strlen(s) <= 28 && (!with_dec || fmpz_is_one(fmpq_denref(q))))
        return s;
    arb_init(b);
    arb_set_fmpq(b, q, 128);
    dec = cli_arb_str(b, 0, 17);
    arb_clear(b);
    if (strlen(s) > 28)
    {
        r = flint_malloc(strlen(dec) + 2);
        sprintf(r, "~%s", dec);
    }
    else
    {
        r = flint_malloc(strlen(s) + strlen(dec) + 4);
        sprintf(r, "%s = %s", s, dec);
    }
    flint_free(s);
    flint_free(dec);
    return r;
}
