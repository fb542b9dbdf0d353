/* --checkpoint, --every, --resume and the scheduler of one computation,
   shared by erm, regions and equiv (cli.h), in cpwl and cpwl-mpi. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

int (*cli_sched_mpi_init)(cpwl_sched_t s, cpwl_err_t e) = NULL;
int cli_rank = 0;
int cli_stats_fd = 2;

void cli_ckpt_args_init(cli_ckpt_args *a)
{
    a->checkpoint = NULL;
    a->resume = NULL;
    a->every = 60;
    a->every_given = 0;
}

/* A plain decimal number of seconds: digits with an optional fraction
   (no sign, exponent, hex, inf or nan), above zero. */
static int parse_seconds(double *x, const char *s)
{
    const char *p = s;
    char *end;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (digits == 0 || *p != '\0')
        return -1;
    *x = strtod(s, &end);
    if (*end != '\0' || !(*x > 0) || !isfinite(*x))
        return -1;
    return 0;
}

int cli_ckpt_option(cli_ckpt_args *a, int c, const char *arg, const char *sub)
{
    switch (c)
    {
    case CLI_OPT_CHECKPOINT:
        if (arg[0] == '\0')
            return cli_usage(sub, "--checkpoint: expected a file name"), -1;
        a->checkpoint = arg;
        return 1;
    case CLI_OPT_RESUME:
        if (arg[0] == '\0')
            return cli_usage(sub, "--resume: expected a file name"), -1;
        a->resume = arg;
        return 1;
    case CLI_OPT_EVERY:
        if (parse_seconds(&a->every, arg) != 0)
        {
            cli_usage(sub, "--every: expected a positive number of seconds "
                      "(such as 60 or 0.5), not \"%.40s\"", arg);
            return -1;
        }
        a->every_given = 1;
        return 1;
    default:
        return 0;
    }
}

int cli_sched_start(cpwl_sched_t s, const cli_ckpt_args *a, const char *sub,
                    const char *kind, const char *key)
{
    cpwl_err_t e;
    int st = CPWL_OK;

    cpwl_err_init(e);
    if (cli_sched_mpi_init != NULL)
        st = cli_sched_mpi_init(s, e);
    else
        cpwl_sched_init(s);
    if (st != CPWL_OK)
    {
        /* s stays usable (one process) so that the caller can clear it */
        cpwl_sched_init(s);
        return cli_fail(sub, e);
    }
    s->interrupt = &cli_interrupted;
    if (a->every_given && a->checkpoint == NULL)
        return cli_usage(sub, "--every needs --checkpoint FILE");
    if (a->checkpoint != NULL)
        st = cpwl_sched_checkpoint(s, a->checkpoint, a->every, kind, key, e);
    if (st == CPWL_OK && a->resume != NULL)
        st = cpwl_sched_resume(s, a->resume, kind, key, e);
    /* Write once now: a file that cannot be written is reported before
       hours of work, not after (the resumed units go into it whole). */
    if (st == CPWL_OK && a->checkpoint != NULL)
    {
        st = cpwl_sched_finish(s, e);
        if (cpwl_sched_any(s, st != CPWL_OK) && st == CPWL_OK)
            st = cpwl_err_set(e, CPWL_ERR_INPUT,
                              "process 0 could not write checkpoint %s",
                              a->checkpoint);
    }
    if (st != CPWL_OK)
        return cli_fail(sub, e);
    return 0;
}

/* The scheduler's figures of this process, for benchmarks (one write,
   so that the lines of several processes do not mix). */
static void stats_line(const cpwl_sched_struct *s, const char *sub)
{
    const char *v = getenv("CPWL_SCHED_STATS");
    char line[512];
    int n;
    if (v == NULL || v[0] == '\0' || strcmp(v, "0") == 0)
        return;
    n = snprintf(line, sizeof(line),
                 "cpwl-sched %s rank %d size %d units_run %ld units_replayed %ld "
                 "messages %ld bytes %ld bound_updates %ld ckpt_writes %ld "
                 "ckpt_seconds %.6f ckpt_bytes %lu\n", sub, s->rank, s->size,
                 (long) s->stats.units_run, (long) s->stats.units_replayed,
                 (long) s->stats.messages, (long) s->stats.bytes,
                 (long) s->stats.bound_updates, (long) s->stats.ckpt_writes,
                 s->stats.ckpt_seconds, (unsigned long) s->stats.ckpt_bytes);
    if (n > 0 && write(cli_stats_fd, line, (size_t) n) < 0)
        return;                 /* figures only: nothing to report */
}

int cli_sched_end(cpwl_sched_t s, const cli_ckpt_args *a, const char *sub,
                  int status)
{
    cpwl_err_t e;
    int st;

    cpwl_err_init(e);
    if (status == 0 && a->checkpoint != NULL)
    {
        st = cpwl_sched_finish(s, e);
        if (st != CPWL_OK)
        {
            cli_fail(sub, e);
            return CPWL_ERR_INTERNAL;
        }
        if (s->stopped && s->rank == 0)
            fprintf(stderr, "cpwl %s: stopped; %ld finished units kept in %s "
                    "(resume with --resume %s)\n", sub,
                    (long) (s->ckpt != NULL ? s->ckpt->n : 0), a->checkpoint,
                    a->checkpoint);
    }
    stats_line(s, sub);
    if (status == 0 && s->stopped)
        return CLI_EXIT_INTERRUPTED;
    return status;
}
