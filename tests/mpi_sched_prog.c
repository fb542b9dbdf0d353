/* The toy computation of tests/toy_sched.h over MPI (tests/mpi_sched.sh):
     mpi_sched_prog [--serial] [--checkpoint F] [--resume F]
                    [--stop-after K --stop-rank R] [--fail-unit U]
                    [--threads T] N BLK
   Process 0 prints the answer (sum, best, a CRC of the trace), whether
   it is the one computed directly ("ok 1"), whether the run stopped, the
   units recorded in the checkpoint and the units computed by all
   processes together.  --serial: the one-process scheduler, no MPI. */
#include <stdlib.h>
#include <zlib.h>
#include <mpi.h>
#include "cpwl/sched_mpi.h"
#include "toy_sched.h"

int main(int argc, char **argv)
{
    const char *ckpt = NULL, *resume = NULL;
    long delay_us = 0;
    slong n, blk, stop_after = -1, run_total, kept = 0, fail_unit = -1;
    int serial = 0, stop_rank = 0, i, st, ok, all_ok, threads = 1;
    toy_t t;
    cpwl_sched_t s;
    cpwl_err_t e;
    char *q;

    for (i = 1; i + 2 < argc; i++)
    {
        if (strcmp(argv[i], "--serial") == 0)
            serial = 1;
        else if (strcmp(argv[i], "--checkpoint") == 0)
            ckpt = argv[++i];
        else if (strcmp(argv[i], "--resume") == 0)
            resume = argv[++i];
        else if (strcmp(argv[i], "--stop-after") == 0)
            stop_after = atol(argv[++i]);
        else if (strcmp(argv[i], "--stop-rank") == 0)
            stop_rank = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--delay-us") == 0)
            delay_us = atol(argv[++i]);
        else if (strcmp(argv[i], "--fail-unit") == 0)
            fail_unit = atol(argv[++i]);
        else
            break;
    }
    if (argc - i != 2)
    {
        fprintf(stderr, "usage: mpi_sched_prog [options] N BLK\n");
        return 2;
    }
    n = atol(argv[i]);
    blk = atol(argv[i + 1]);

    cpwl_err_init(e);
    if (serial)
        cpwl_sched_init(s);
    else
    {
        MPI_Init(&argc, &argv);
        if (cpwl_sched_init_mpi(s, MPI_COMM_WORLD, e) != CPWL_OK)
        {
            fprintf(stderr, "%s\n", e->msg);
            return 1;
        }
    }
    s->threads = threads;
    toy_init(t, n, blk);
    t->fail_unit = fail_unit;
    t->delay_us = delay_us;
    if (s->rank == stop_rank)
        t->stop_after = stop_after;
    s->interrupt = &t->flag;
    st = CPWL_OK;
    if (ckpt != NULL)
        st = cpwl_sched_checkpoint(s, ckpt, 1e6, "toy", t->key, e);
    if (st == CPWL_OK && resume != NULL)
        st = cpwl_sched_resume(s, resume, "toy", t->key, e);
    if (st == CPWL_OK)
        st = toy_run(t, s, e);
    if (st == CPWL_OK)
        st = cpwl_sched_finish(s, e);
    if (st != CPWL_OK)
    {
        if (s->rank == 0)
            fprintf(stderr, "error: %s\n", e->msg);
        cpwl_sched_clear(s);
        toy_clear(t);
        if (!serial)
            MPI_Finalize();
        return st;
    }
    /* every process's part: the answer where it was collected */
    ok = s->stopped || toy_ok(t, s->rank == 0);
    run_total = s->stats.units_run;
    all_ok = ok;
    if (!serial)
    {
        MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
        MPI_Allreduce(&s->stats.units_run, &run_total, 1, MPI_LONG, MPI_SUM,
                      MPI_COMM_WORLD);
    }
    if (s->ckpt != NULL)
        kept = s->ckpt->n;
    if (s->rank == 0)
    {
        q = fmpq_get_str(NULL, 10, t->sum);
        printf("sum %s\n", s->stopped ? "-" : q);
        flint_free(q);
        q = fmpq_get_str(NULL, 10, t->bv);
        printf("best %s %ld\n", s->stopped ? "-" : q, (long) t->bpos);
        flint_free(q);
        printf("trace %08lx\n", s->stopped ? 0UL
               : (unsigned long) crc32(0L, (const Bytef *) t->trace.data,
                                       (uInt) t->trace.len));
        printf("ok %d\nstopped %d\nkept %ld\nrun %ld\nreplayed %ld\n", all_ok,
               s->stopped, (long) kept, (long) run_total,
               (long) s->stats.units_replayed);
    }
    cpwl_sched_clear(s);
    toy_clear(t);
    if (!serial)
        MPI_Finalize();
    return all_ok ? 0 : 1;
}
