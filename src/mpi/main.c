/* main() of cpwl-mpi: `mpirun -np K cpwl-mpi SUB ARGS` runs the
   subcommands of cpwl (libcpwl_cli) that have an MPI form, every process
   computing, process 0 printing and writing files; it prints what `cpwl
   SUB ARGS` prints.  SIGTERM (what mpirun sends on Ctrl-C) stops a run
   as Ctrl-C does. */
#include "config.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gmp.h>
#include <mpfr.h>
#include <mpi.h>
#include <flint/flint.h>
#include "cli.h"
#include "cpwl/sched_mpi.h"

static int mpi_rank = 0;

static int sched_init_world(cpwl_sched_t s, cpwl_err_t e)
{
    return cpwl_sched_init_mpi(s, MPI_COMM_WORLD, e);
}

static void on_sigterm(int sig)
{
    (void) sig;
    cli_interrupted = 1;
}

/* The subcommands that run over MPI; the others are refused. */
static int pre(const char *sub)
{
    static const char *const ok[] = {"erm", "regions", "equiv", "sample",
                                      "crosscheck", "help", "--help", "-h",
                                      NULL};
    int i;
    if (strcmp(sub, "--version") == 0 || strcmp(sub, "version") == 0)
    {
        char lib[MPI_MAX_LIBRARY_VERSION_STRING], *nl;
        int len;
        MPI_Get_library_version(lib, &len);
        if ((nl = strchr(lib, ',')) != NULL)   /* "Open MPI v4.1.4, package: ..." */
            *nl = '\0';
        if ((nl = strchr(lib, '\n')) != NULL)
            *nl = '\0';
        printf("cpwl-mpi %s (FLINT %s, GMP %s, MPFR %s, %s)\n", PACKAGE_VERSION,
               FLINT_VERSION, gmp_version, mpfr_get_version(), lib);
        return 0;
    }
    for (i = 0; ok[i] != NULL; i++)
        if (strcmp(sub, ok[i]) == 0)
            return -1;
    fprintf(stderr, "cpwl-mpi: %.40s does not run over MPI; run it with cpwl "
            "(cpwl-mpi runs erm, regions, equiv, sample and crosscheck)\n", sub);
    return CPWL_ERR_INPUT;
}

/* Wait for the others at the end.  Process 0, when it failed, gives up
   after `limit` seconds (a process may be stuck in a computation that
   process 0 left early, say on an output file it could not open) and
   aborts the job with its status; after a success it waits. */
static void meet(MPI_Comm comm, int status, double limit)
{
    MPI_Request r;
    int flag = 0;
    struct timespec t0, t, nap = {0, 1000000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    MPI_Ibarrier(comm, &r);
    for (;;)
    {
        MPI_Test(&r, &flag, MPI_STATUS_IGNORE);
        if (flag)
            return;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (mpi_rank == 0 && status != 0 && (double) (t.tv_sec - t0.tv_sec)
            + 1e-9 * (double) (t.tv_nsec - t0.tv_nsec) > limit)
        {
            fflush(stdout);
            MPI_Abort(MPI_COMM_WORLD, status != 0 ? status : CPWL_ERR_INTERNAL);
        }
        nanosleep(&nap, NULL);
    }
}

int main(int argc, char **argv)
{
    int status, provided;
    MPI_Comm exit_comm;
    struct sigaction sa;
    const char *w;
    double limit = 10;

    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_dup(MPI_COMM_WORLD, &exit_comm);
    cli_rank = mpi_rank;
    cli_sched_mpi_init = sched_init_world;
    if (mpi_rank != 0)
    {
        /* only process 0 prints (and every process its figures) */
        if (getenv("CPWL_SCHED_STATS") != NULL)
            cli_stats_fd = dup(2);
        if (freopen("/dev/null", "w", stdout) == NULL)
            return CPWL_ERR_INTERNAL;
        if (getenv("CPWL_MPI_VERBOSE") == NULL
            && freopen("/dev/null", "w", stderr) == NULL)
            return CPWL_ERR_INTERNAL;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigterm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);

    status = cli_main(argc, argv, pre);
    fflush(stdout);
    if ((w = getenv("CPWL_MPI_EXIT_WAIT")) != NULL && atof(w) > 0)
        limit = atof(w);
    meet(exit_comm, status, limit);
    /* every process ends with process 0's status */
    MPI_Bcast(&status, 1, MPI_INT, 0, exit_comm);
    MPI_Comm_free(&exit_comm);
    MPI_Finalize();
    return status;
}
