/* Work units: how a long computation is split so that it can run on many
   processes (MPI, cpwl/sched_mpi.h) and be checkpointed and resumed
   (cpwl/ckpt.h), with the same answer in every case.

   A computation is a fixed sequence of phases; each phase is a call of
   cpwl_sched_map over units 0..n-1.  A unit is computed by one process
   from the phase's shared inputs alone and yields a payload (bytes); the
   payloads reach the collector in increasing unit order, whatever
   process computed them and in whatever order they finished.  So the
   answer, which only the collector builds, is the same for any number of
   processes, and a unit recorded in a checkpoint need not be computed
   again: its payload is replayed.

   One value may be shared while a phase runs: the best (value, position)
   found so far, an exact rational and an integer compared
   lexicographically (erm: the loss and the cell's position in the visit
   order).  A unit reads it to prune and offers better ones; with MPI a
   better value is sent to every process at once.  Since the order is
   total, the best at the end is the same whatever was pruned on the way.

   One process (cpwl_sched_init) runs the units in order, on threads when
   the phase allows it.  The struct is a context: no global state. */
#ifndef CPWL_SCHED_H
#define CPWL_SCHED_H

#include <signal.h>
#include <stddef.h>
#include <flint/fmpq.h>
#include "cpwl/err.h"
#include "cpwl/ckpt.h"

/* ---- payloads ----------------------------------------------------------- */

/* A growable byte buffer.  Payloads are text: tokens separated by single
   spaces, so that checkpoints stay readable. */
typedef struct
{
    char *data;                 /* NUL-terminated */
    size_t len, alloc;
}
cpwl_sched_buf;

void cpwl_sched_buf_init(cpwl_sched_buf *b);
void cpwl_sched_buf_clear(cpwl_sched_buf *b);
void cpwl_sched_buf_reset(cpwl_sched_buf *b);  /* len = 0 */
void cpwl_sched_buf_put(cpwl_sched_buf *b, const char *s, size_t n);
/* One token each (a space before it unless the buffer is empty). */
void cpwl_sched_buf_put_si(cpwl_sched_buf *b, slong x);
void cpwl_sched_buf_put_fmpq(cpwl_sched_buf *b, const fmpq_t x);   /* "p/q" */
void cpwl_sched_buf_put_fmpq_vec(cpwl_sched_buf *b, const fmpq *v, slong n);
/* A double exactly, as C99 hex float ("%a"), inf and nan included. */
void cpwl_sched_buf_put_d(cpwl_sched_buf *b, double x);
/* n bytes as 2n hex digits (one token; "-" when n = 0). */
void cpwl_sched_buf_put_hex(cpwl_sched_buf *b, const unsigned char *s, size_t n);

/* Reading a payload back: a cursor.  Each get returns 0, or -1 when the
   next token is missing or malformed (then the cursor is marked bad and
   every later get fails too). */
typedef struct
{
    const char *p, *end;
    int bad;
}
cpwl_sched_rd;

void cpwl_sched_rd_init(cpwl_sched_rd *r, const char *data, size_t len);
int cpwl_sched_rd_si(slong *x, cpwl_sched_rd *r);
int cpwl_sched_rd_fmpq(fmpq_t x, cpwl_sched_rd *r);
int cpwl_sched_rd_fmpq_vec(fmpq *v, slong n, cpwl_sched_rd *r);
int cpwl_sched_rd_d(double *x, cpwl_sched_rd *r);
int cpwl_sched_rd_hex(unsigned char *s, size_t n, cpwl_sched_rd *r);
/* 1 when every token was read. */
int cpwl_sched_rd_done(const cpwl_sched_rd *r);

/* ---- the scheduler ------------------------------------------------------ */

/* Returned by a unit that saw the interrupt: nothing was appended, the
   unit will be computed again on resume. */
#define CPWL_SCHED_STOPPED 3

/* Compute unit `unit` of the current phase into out (empty on entry).
   Returns CPWL_OK, CPWL_SCHED_STOPPED, or an error with e set.  tid is
   the thread (0 unless the phase runs on threads). */
typedef int (*cpwl_sched_run_fn)(cpwl_sched_buf *out, slong unit, int tid,
                                 void *data, cpwl_err_t e);

/* Receive unit `unit`'s payload; called in increasing unit order, on
   process 0 (on every process with CPWL_SCHED_ALL).  Returns CPWL_OK or
   an error with e set (a payload from a checkpoint that does not parse
   is CPWL_ERR_INPUT). */
typedef int (*cpwl_sched_collect_fn)(slong unit, const char *payload,
                                     size_t len, void *data, cpwl_err_t e);

/* Flags of cpwl_sched_map. */
#define CPWL_SCHED_ALL 1        /* collect on every process */
#define CPWL_SCHED_THREADS 2    /* units may run concurrently on threads
                                   of one process (run is thread-safe for
                                   distinct tid) */
#define CPWL_SCHED_NO_RECORD 4  /* units too cheap to checkpoint: not
                                   recorded, recomputed on resume */

typedef struct cpwl_sched_struct cpwl_sched_struct;

/* A back end (MPI: src/mpi/).  NULL for one process. */
typedef struct
{
    int (*map)(cpwl_sched_struct *s, slong n, cpwl_sched_run_fn run,
               void *rdata, cpwl_sched_collect_fn collect, void *cdata,
               int flags, cpwl_err_t e);
    /* send the local best to every other process / take theirs in */
    void (*bound_send)(cpwl_sched_struct *s);
    void (*bound_poll)(cpwl_sched_struct *s);
    /* process 0's bytes to every process (*data flint_malloc'ed on the
       others) */
    int (*bcast)(cpwl_sched_struct *s, char **data, size_t *len, cpwl_err_t e);
    /* the logical or of flag over the processes (a stop seen by one) */
    int (*any)(cpwl_sched_struct *s, int flag);
    void (*clear)(cpwl_sched_struct *s);
}
cpwl_sched_ops;

typedef struct
{
    slong units_run;            /* computed by this process */
    slong units_replayed;       /* taken from the checkpoint */
    slong messages, bytes;      /* sent by this process (MPI) */
    slong bound_updates;        /* better values offered here */
    slong ckpt_writes;
    double ckpt_seconds;        /* spent writing checkpoints */
    size_t ckpt_bytes;          /* size of the last one */
}
cpwl_sched_stats;

struct cpwl_sched_struct
{
    int rank, size;             /* this process, of size (1, 0 alone) */
    int threads;                /* for CPWL_SCHED_THREADS (0: all cores) */
    volatile sig_atomic_t *interrupt;
    int stopped;                /* a map saw the interrupt */
    slong phase;                /* the number of the next map */
    /* the shared best */
    int have_bound;
    fmpq_t bound;
    slong bound_pos;
    /* checkpointing (process 0 writes) */
    cpwl_ckpt_struct *ckpt;     /* NULL: none */
    char *ckpt_path;            /* NULL: record only (resume without
                                   writing) */
    double every, last_write;   /* seconds */
    cpwl_sched_stats stats;
    const cpwl_sched_ops *ops;
    void *impl;
};

typedef cpwl_sched_struct cpwl_sched_t[1];

/* One process, no checkpoint. */
void cpwl_sched_init(cpwl_sched_t s);
void cpwl_sched_clear(cpwl_sched_t s);

/* Record the finished units of this computation (kind, key: cpwl/ckpt.h)
   and, when path is not NULL, write them to path every `every` seconds,
   when a map is stopped, and at cpwl_sched_finish. */
int cpwl_sched_checkpoint(cpwl_sched_t s, const char *path, double every,
                          const char *kind, const char *key, cpwl_err_t e);

/* Start from the units recorded in path (read on process 0, sent to the
   others), which must be of this kind and key.  After
   cpwl_sched_checkpoint when both are wanted (the same file may be both). */
int cpwl_sched_resume(cpwl_sched_t s, const char *path, const char *kind,
                      const char *key, cpwl_err_t e);

/* Run the next phase: units 0..n-1.  Units recorded in the checkpoint are
   replayed, the others computed.  Returns CPWL_OK (s->stopped = 1 when
   the interrupt was seen: the units not collected are missing, the
   checkpoint written) or the first error (of any process). */
int cpwl_sched_map(cpwl_sched_t s, slong n, cpwl_sched_run_fn run, void *rdata,
                   cpwl_sched_collect_fn collect, void *cdata, int flags,
                   cpwl_err_t e);

/* The shared best: 1 and (value, pos) when there is one (taking in the
   values other processes found), else 0. */
int cpwl_sched_bound(fmpq_t value, slong *pos, cpwl_sched_t s);

/* Offer (value, pos): kept when lexicographically smaller than the best,
   and then sent to the other processes. */
void cpwl_sched_offer(cpwl_sched_t s, const fmpq_t value, slong pos);

/* Process 0's bytes to every process (no-op alone). */
int cpwl_sched_bcast(cpwl_sched_t s, char **data, size_t *len, cpwl_err_t e);

/* The logical or of flag over the processes. */
int cpwl_sched_any(cpwl_sched_t s, int flag);

/* The end of the computation: the last checkpoint is written (a complete
   one: a resume from it replays everything). */
int cpwl_sched_finish(cpwl_sched_t s, cpwl_err_t e);

/* Internals for back ends: the recorded payload of unit (current phase)
   or NULL; record a finished unit (process 0) and write the checkpoint
   when `every` seconds have passed. */
const cpwl_ckpt_entry *cpwl_sched_recorded(const cpwl_sched_t s, slong unit);
int cpwl_sched_record(cpwl_sched_t s, slong unit, const char *data, size_t len,
                      cpwl_err_t e);

/* Run units base..base+m-1 except those marked in skip, on nt OpenMP
   threads (one when nt = 1): bufs[j], status[j] (CPWL_SCHED_STOPPED once
   the interrupt is seen) and errs[j] for unit base + j. */
void cpwl_sched_run_window(cpwl_sched_t s, cpwl_sched_run_fn run, void *rdata,
                           slong base, int m, const char *skip, int nt,
                           cpwl_sched_buf *bufs, int *status,
                           cpwl_err_struct *errs);

#endif
