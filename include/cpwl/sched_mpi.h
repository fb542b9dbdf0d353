/* The MPI back end of cpwl/sched.h (built with ./configure --with-mpi;
   the library libcpwl_mpi).  Units are dealt out dynamically: each
   process takes the next unit from a counter on process 0 (an MPI-3
   atomic fetch-and-add, so no process waits for a master), computes it
   and sends its payload to process 0, which collects them in unit order
   and writes the checkpoints.  A better shared value is sent to every
   process at once; each takes them in whenever it reads the value. */
#ifndef CPWL_SCHED_MPI_H
#define CPWL_SCHED_MPI_H

#include <mpi.h>
#include "cpwl/sched.h"

/* s on the processes of comm (collective: every process calls it). */
int cpwl_sched_init_mpi(cpwl_sched_t s, MPI_Comm comm, cpwl_err_t e);

#endif
