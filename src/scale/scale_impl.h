/* Internals shared by the checkpoint file (ckpt.c), the one-process
   scheduler (sched.c) and the MPI back end (src/mpi/sched_mpi.c). */
#ifndef CPWL_SCALE_IMPL_H
#define CPWL_SCALE_IMPL_H

#include "cpwl/ckpt.h"
#include "cpwl/sched.h"

/* Parse the bytes of a checkpoint file (name for the messages) into c
   (initialised, empty) and check its kind and key, as cpwl_ckpt_read. */
int ckpt_parse(cpwl_ckpt_t c, const char *data, size_t len, const char *name,
               const char *kind, const char *key, cpwl_err_t e);

/* Read a whole file (flint_malloc'ed, a NUL after it); CPWL_ERR_INPUT
   naming the file when it cannot be read. */
int ckpt_slurp(char **data, size_t *len, const char *path, cpwl_err_t e);

/* cpwl_ckpt_write that also tells the size written. */
int ckpt_write_sized(const cpwl_ckpt_t c, const char *path, size_t *bytes,
                     cpwl_err_t e);

/* Monotonic seconds. */
double sched_now(void);

/* Write s's checkpoint now (process 0 with a path; a no-op otherwise). */
int sched_write(cpwl_sched_struct *s, cpwl_err_t e);

/* (value, pos) < (bound, bound_pos) lexicographically, or no bound. */
int sched_better(const cpwl_sched_struct *s, const fmpq_t value, slong pos);

/* Set the bound to (value, pos) when better; 1 when it was. */
int sched_take(cpwl_sched_struct *s, const fmpq_t value, slong pos);

#endif
