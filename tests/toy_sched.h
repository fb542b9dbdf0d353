/* A toy computation over the scheduler (tests/test_sched.c and the MPI
   test program tests/mpi_sched_prog.c), with answers known in advance.
   Phase 0: unit i's payload is the exact sum of 1/k^2 over its block of
   k, the collector adds them in order (the answer: the sum over all k,
   computed here by one plain loop).  Phase 1: unit i offers the value
   v(i) at position p(i) to the shared best, with many equal values, so
   that the final best is the lexicographic minimum of (v, p), computed
   here directly; collected on every process.  Each collected payload is
   appended to a trace, which must be the same for any way of running. */
#ifndef CPWL_TOY_SCHED_H
#define CPWL_TOY_SCHED_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cpwl.h"

typedef struct
{
    slong n, blk;
    char key[64];
    slong stop_after;           /* set flag after this many units (-1 never) */
    volatile sig_atomic_t flag;
    slong computed;             /* units run here (atomic) */
    slong fail_unit;            /* phase 0 unit that fails (-1 none) */
    long delay_us;              /* each unit takes at least this long, so
                                   that every process gets units to do */
    slong next;                 /* the unit the collector expects */
    int order_bad;
    fmpq_t sum;
    cpwl_sched_buf trace;
    int have;
    fmpq_t bv;
    slong bpos;
    cpwl_sched_struct *s;
}
toy_struct;

typedef toy_struct toy_t[1];

static inline void toy_init(toy_t t, slong n, slong blk)
{
    memset(t, 0, sizeof(toy_struct));
    t->n = n;
    t->blk = blk;
    snprintf(t->key, sizeof(t->key), "n=%ld;blk=%ld", (long) n, (long) blk);
    t->stop_after = -1;
    t->fail_unit = -1;
    fmpq_init(t->sum);
    fmpq_init(t->bv);
    cpwl_sched_buf_init(&t->trace);
}

static inline void toy_clear(toy_t t)
{
    fmpq_clear(t->sum);
    fmpq_clear(t->bv);
    cpwl_sched_buf_clear(&t->trace);
}

static inline void toy_value(fmpq_t v, slong *pos, slong n, slong i)
{
    fmpq_set_si(v, (i * 37) % 11 + 3, 3);
    *pos = n - 1 - i;
}

static inline void toy_done(toy_struct *t)
{
    if (t->delay_us > 0)
    {
        struct timespec d;
        d.tv_sec = t->delay_us / 1000000;
        d.tv_nsec = (t->delay_us % 1000000) * 1000;
        nanosleep(&d, NULL);
    }
    slong c = __atomic_add_fetch(&t->computed, 1, __ATOMIC_SEQ_CST);
    if (t->stop_after >= 0 && c >= t->stop_after)
        t->flag = 1;
}

static inline int toy_run0(cpwl_sched_buf *out, slong unit, int tid,
                           void *data, cpwl_err_t e)
{
    toy_struct *t = data;
    fmpq_t x, y;
    slong k;
    (void) tid;
    if (unit == t->fail_unit)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "unit %ld failed", (long) unit);
    fmpq_init(x);
    fmpq_init(y);
    for (k = unit * t->blk + 1; k <= (unit + 1) * t->blk; k++)
    {
        fmpq_set_si(y, 1, 1);
        fmpz_mul_si(fmpq_denref(y), fmpq_denref(y), k * k);
        fmpq_add(x, x, y);
    }
    cpwl_sched_buf_put_si(out, unit);
    cpwl_sched_buf_put_fmpq(out, x);
    fmpq_clear(x);
    fmpq_clear(y);
    toy_done(t);
    return CPWL_OK;
}

static inline int toy_collect0(slong unit, const char *payload, size_t len,
                               void *data, cpwl_err_t e)
{
    toy_struct *t = data;
    cpwl_sched_rd r;
    slong u;
    fmpq_t x;
    if (unit != t->next++)
        t->order_bad = 1;
    fmpq_init(x);
    cpwl_sched_rd_init(&r, payload, len);
    if (cpwl_sched_rd_si(&u, &r) != 0 || u != unit
        || cpwl_sched_rd_fmpq(x, &r) != 0 || !cpwl_sched_rd_done(&r))
    {
        fmpq_clear(x);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "unit %ld: a bad payload", (long) unit);
    }
    fmpq_add(t->sum, t->sum, x);
    fmpq_clear(x);
    cpwl_sched_buf_put(&t->trace, payload, len);
    cpwl_sched_buf_put(&t->trace, "|", 1);
    return CPWL_OK;
}

static inline int toy_run1(cpwl_sched_buf *out, slong unit, int tid,
                           void *data, cpwl_err_t e)
{
    toy_struct *t = data;
    fmpq_t v, b;
    slong pos, bpos;
    (void) tid;
    (void) e;
    fmpq_init(v);
    fmpq_init(b);
    toy_value(v, &pos, t->n, unit);
    /* offer only an improvement, as a pruning search would */
    if (!cpwl_sched_bound(b, &bpos, t->s) || fmpq_cmp(v, b) < 0
        || (fmpq_equal(v, b) && pos < bpos))
        cpwl_sched_offer(t->s, v, pos);
    cpwl_sched_buf_put_fmpq(out, v);
    cpwl_sched_buf_put_si(out, pos);
    fmpq_clear(v);
    fmpq_clear(b);
    toy_done(t);
    return CPWL_OK;
}

static inline int toy_collect1(slong unit, const char *payload, size_t len,
                               void *data, cpwl_err_t e)
{
    toy_struct *t = data;
    (void) e;
    if (unit != t->next++ - t->n)
        t->order_bad = 1;
    cpwl_sched_buf_put(&t->trace, payload, len);
    cpwl_sched_buf_put(&t->trace, "|", 1);
    return CPWL_OK;
}

static inline int toy_run(toy_t t, cpwl_sched_struct *s, cpwl_err_t e)
{
    int st;
    t->s = s;
    if (t->stop_after == 0)
        t->flag = 1;
    st = cpwl_sched_map(s, t->n, toy_run0, t, toy_collect0, t,
                        CPWL_SCHED_THREADS, e);
    if (st != CPWL_OK || s->stopped)
        return st;
    /* the collector of phase 1 runs everywhere: its unit count starts
       after phase 0's on every process */
    t->next = t->n;
    st = cpwl_sched_map(s, t->n, toy_run1, t, toy_collect1, t,
                        CPWL_SCHED_THREADS | CPWL_SCHED_ALL, e);
    if (st != CPWL_OK || s->stopped)
        return st;
    t->have = cpwl_sched_bound(t->bv, &t->bpos, s);
    return CPWL_OK;
}

/* 1 when the collected answer and the best are the ones computed here
   directly (collect0's part only on process 0: check0). */
static inline int toy_ok(const toy_t t, int check0)
{
    fmpq_t x, y, v;
    slong k, i, pos, bpos = 0;
    int ok = 1, have = 0;
    fmpq_init(x);
    fmpq_init(y);
    fmpq_init(v);
    for (k = 1; k <= t->n * t->blk; k++)
    {
        fmpq_set_si(y, 1, k);
        fmpq_mul(y, y, y);
        fmpq_add(x, x, y);
    }
    if (check0 && !fmpq_equal(x, t->sum))
        ok = 0;
    for (i = 0; i < t->n; i++)
    {
        toy_value(v, &pos, t->n, i);
        if (!have || fmpq_cmp(v, y) < 0 || (fmpq_equal(v, y) && pos < bpos))
        {
            fmpq_set(y, v);
            bpos = pos;
            have = 1;
        }
    }
    if (!t->have || !fmpq_equal(y, t->bv) || bpos != t->bpos || t->order_bad)
        ok = 0;
    fmpq_clear(x);
    fmpq_clear(y);
    fmpq_clear(v);
    return ok;
}

#endif
