/* The MPI back end of the scheduler (cpwl/sched_mpi.h).

   A phase: every process takes the next unit from a counter on process 0
   (MPI_Fetch_and_op on a window, so nobody waits for a master), skips the
   units recorded in the checkpoint (every process holds the recorded set),
   computes the others and sends each payload to process 0 (MPI_Isend;
   process 0 computes units too and receives between them).  A process
   that sees the interrupt or fails adds n to the counter, so that the
   others stop taking units.  At the end each process tells process 0 how
   many payloads it sent, its status and, on failure, the unit and the
   message; process 0 receives them all, collects in unit order, decides
   the outcome (the error of the lowest unit, or stopped) and broadcasts
   it.  A better shared value is sent to every other process at once and
   taken in whenever the value is read; at the end of a phase each process
   receives exactly the bound messages sent to it (counts exchanged), so
   that no message of one phase is read in the next and every process ends
   the phase with the same best.

   Units run on one thread per process, or, when the phase allows it and
   s->threads > 1, in batches on s->threads OpenMP threads (0 means one
   here: the processes already fill the cores).  MPI calls are made by
   the thread that called map only (MPI_THREAD_FUNNELED is enough). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include <flint/flint.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "cpwl/sched_mpi.h"

#define TAG_PAYLOAD 11
#define TAG_DONE 12
#define TAG_BOUND 13

typedef struct
{
    MPI_Comm comm;
    MPI_Win win;
    int64_t *counter;           /* the window's memory (process 0) */
    /* sends not yet known complete (payloads and bounds) */
    MPI_Request *req;
    char **reqbuf;
    slong nreq, areq;
    /* bound messages sent to / received from each process this phase */
    int *bsent, *brecv;
    /* a better value found on a thread other than the one that makes
       the MPI calls: sent after the batch */
    volatile int bound_pending;
}
mpi_impl;

/* What a process tells process 0 at the end of a phase. */
typedef struct
{
    int64_t sent;               /* payloads sent to process 0 */
    int32_t status;             /* CPWL_OK or an error */
    int32_t stopped;            /* saw the interrupt */
    int64_t err_unit;           /* the unit that failed */
    char msg[CPWL_ERR_MSG_LEN];
}
mpi_done;

/* Keep (v, pos) when lexicographically smaller than the best; under the
   same named OpenMP lock as sched.c's, since threads of this process may
   read the best meanwhile (sched.c's own function is internal: this file
   uses only the public API, so that libcpwl_mpi links the shared
   libcpwl). */
static int take_bound(cpwl_sched_struct *s, const fmpq_t v, slong pos)
{
    int cmp, better = 1;
    /* the lock of sched.c's bound (threads of this process read it) */
#pragma omp critical(cpwl_sched_bound)
    {
        if (s->have_bound)
        {
            cmp = fmpq_cmp(v, s->bound);
            if (cmp > 0 || (cmp == 0 && pos >= s->bound_pos))
                better = 0;
        }
        if (better)
        {
            fmpq_set(s->bound, v);
            s->bound_pos = pos;
            s->have_bound = 1;
        }
    }
    return better;
}

/* MPI calls come from one thread (MPI_THREAD_FUNNELED): the thread that
   called map, number 0 of a parallel batch. */
static int mpi_thread(void)
{
#ifdef _OPENMP
    return !omp_in_parallel() || omp_get_thread_num() == 0;
#else
    return 1;
#endif
}

static mpi_impl *IMPL(cpwl_sched_struct *s)
{
    return (mpi_impl *) s->impl;
}

/* Keep a request and its buffer until the send completes. */
static void req_keep(mpi_impl *m, MPI_Request r, char *buf)
{
    if (m->nreq == m->areq)
    {
        m->areq = m->areq < 16 ? 16 : 2 * m->areq;
        m->req = flint_realloc(m->req, m->areq * sizeof(MPI_Request));
        m->reqbuf = flint_realloc(m->reqbuf, m->areq * sizeof(char *));
    }
    m->req[m->nreq] = r;
    m->reqbuf[m->nreq] = buf;
    m->nreq++;
}

/* Free the buffers of the sends that completed (all of them when wait). */
static void req_reap(mpi_impl *m, int wait)
{
    slong i, k = 0;
    int done;
    for (i = 0; i < m->nreq; i++)
    {
        if (wait)
        {
            MPI_Wait(m->req + i, MPI_STATUS_IGNORE);
            done = 1;
        }
        else
            MPI_Test(m->req + i, &done, MPI_STATUS_IGNORE);
        if (done)
            flint_free(m->reqbuf[i]);
        else
        {
            m->req[k] = m->req[i];
            m->reqbuf[k] = m->reqbuf[i];
            k++;
        }
    }
    m->nreq = k;
}

/* ---- the shared best ---------------------------------------------------- */

static void mpi_bound_send(cpwl_sched_struct *s)
{
    mpi_impl *m = IMPL(s);
    char *q, pos[32];
    size_t len;
    int j;
    MPI_Request r;

    if (s->size == 1)
        return;
    if (!mpi_thread())
    {
        m->bound_pending = 1;
        return;
    }
#pragma omp critical(cpwl_sched_bound)
    {
        q = fmpq_get_str(NULL, 10, s->bound);
        snprintf(pos, sizeof(pos), " %ld", (long) s->bound_pos);
    }
    len = strlen(q) + strlen(pos);
    for (j = 0; j < s->size; j++)
    {
        char *buf;
        if (j == s->rank)
            continue;
        buf = flint_malloc(len + 1);
        strcpy(buf, q);
        strcat(buf, pos);
        MPI_Isend(buf, (int) len, MPI_CHAR, j, TAG_BOUND, m->comm, &r);
        req_keep(m, r, buf);
        m->bsent[j]++;
        s->stats.messages++;
        s->stats.bytes += (slong) len;
    }
    flint_free(q);
}

/* Take in one bound message (status from a probe). */
static void bound_recv(cpwl_sched_struct *s, const MPI_Status *ps)
{
    mpi_impl *m = IMPL(s);
    int len;
    char *buf, *sp;
    fmpq_t v;
    slong pos;

    MPI_Get_count(ps, MPI_CHAR, &len);
    buf = flint_malloc((size_t) len + 1);
    MPI_Recv(buf, len, MPI_CHAR, ps->MPI_SOURCE, TAG_BOUND, m->comm,
             MPI_STATUS_IGNORE);
    buf[len] = '\0';
    m->brecv[ps->MPI_SOURCE]++;
    sp = strchr(buf, ' ');
    if (sp != NULL)
    {
        *sp = '\0';
        fmpq_init(v);
        /* written by fmpq_get_str of another process of this job */
        if (fmpq_set_str(v, buf, 10) == 0)
        {
            pos = strtol(sp + 1, NULL, 10);
            take_bound(s, v, pos);
        }
        fmpq_clear(v);
    }
    flint_free(buf);
}

static void mpi_bound_poll(cpwl_sched_struct *s)
{
    mpi_impl *m = IMPL(s);
    int flag;
    MPI_Status st;
    if (s->size == 1 || !mpi_thread())
        return;
    for (;;)
    {
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_BOUND, m->comm, &flag, &st);
        if (!flag)
            break;
        bound_recv(s, &st);
    }
}

/* Receive every bound message still on its way, so that the phase ends
   with the same best everywhere and nothing is left for the next. */
static void bound_drain(cpwl_sched_struct *s)
{
    mpi_impl *m = IMPL(s);
    int *expect = flint_malloc(s->size * sizeof(int)), j;
    MPI_Status st;
    MPI_Alltoall(m->bsent, 1, MPI_INT, expect, 1, MPI_INT, m->comm);
    for (j = 0; j < s->size; j++)
        while (m->brecv[j] < expect[j])
        {
            MPI_Probe(j, TAG_BOUND, m->comm, &st);
            bound_recv(s, &st);
        }
    req_reap(m, 1);
    for (j = 0; j < s->size; j++)
        m->bsent[j] = m->brecv[j] = 0;
    flint_free(expect);
}

/* ---- a phase ------------------------------------------------------------ */

static int mpi_bcast_bytes(cpwl_sched_struct *s, char **data, size_t *len);

static int64_t take_unit(mpi_impl *m, int64_t add)
{
    int64_t got;
    MPI_Fetch_and_op(&add, &got, MPI_INT64_T, 0, 0, MPI_SUM, m->win);
    MPI_Win_flush(0, m->win);
    return got;
}

typedef struct
{
    slong n, next;              /* units; the next to collect */
    char **pd;                  /* received payloads (process 0) */
    size_t *pl;
    char *have;                 /* 1 owned, 2 the checkpoint's */
    cpwl_sched_buf all;         /* collected payloads for CPWL_SCHED_ALL */
    int all_flag, record;
    cpwl_sched_collect_fn collect;
    void *cdata;
    /* the outcome so far: the error of the lowest unit */
    int status;
    slong err_unit;
    cpwl_err_struct err;
    int stopped;
    /* payloads being received: a large one travels only when its sender
       next calls MPI (it is computing a unit meanwhile), so process 0
       posts the receive and goes on with its own units */
    MPI_Request *preq;
    char **pbuf;
    int *psrc;
    slong npend, apend;
}
phase0;

static void note_error(phase0 *p, slong unit, int status, const char *msg)
{
    if (p->status == CPWL_OK || unit < p->err_unit)
    {
        p->status = status;
        p->err_unit = unit;
        p->err.status = status;
        snprintf(p->err.msg, sizeof(p->err.msg), "%s", msg);
    }
}

/* Collect what is ready, in order (process 0). */
static void collect_ready(cpwl_sched_struct *s, phase0 *p)
{
    cpwl_err_t e;
    char lenbuf[32];
    while (p->next < p->n && p->have[p->next] && p->status == CPWL_OK)
    {
        slong u = p->next;
        cpwl_err_init(e);
        if (p->have[u] == 2)
            s->stats.units_replayed++;
        if (p->collect(u, p->pd[u], p->pl[u], p->cdata, e) != CPWL_OK)
        {
            note_error(p, u, e->status == CPWL_OK ? CPWL_ERR_INTERNAL : e->status,
                       e->msg);
            break;
        }
        if (p->all_flag)
        {
            snprintf(lenbuf, sizeof(lenbuf), "%lu ", (unsigned long) p->pl[u]);
            cpwl_sched_buf_put(&p->all, lenbuf, strlen(lenbuf));
            cpwl_sched_buf_put(&p->all, p->pd[u], p->pl[u]);
        }
        if (p->have[u] == 1)
            flint_free(p->pd[u]);
        p->pd[u] = NULL;
        p->have[u] = 3;         /* collected */
        p->next++;
    }
}

/* A finished unit's payload reaches process 0: recorded, then collected
   when its turn comes. */
static void arrive(cpwl_sched_struct *s, phase0 *p, slong u, char *data,
                   size_t len)
{
    cpwl_err_t e;
    if (u < 0 || u >= p->n || p->have[u])
    {
        flint_free(data);
        return;
    }
    p->pd[u] = data;
    p->pl[u] = len;
    p->have[u] = 1;
    cpwl_err_init(e);
    if (p->record && cpwl_sched_record(s, u, data, len, e) != CPWL_OK)
        note_error(p, -1, e->status, e->msg);
    collect_ready(s, p);
}

/* Receive one message of any kind (process 0): a payload's receive is
   posted (pend_poll completes it); returns the tag. */
static int recv_one(cpwl_sched_struct *s, phase0 *p, const MPI_Status *ps,
                    mpi_done *done)
{
    mpi_impl *m = IMPL(s);
    int len;
    char *buf;
    if (ps->MPI_TAG == TAG_BOUND)
    {
        bound_recv(s, ps);
        return TAG_BOUND;
    }
    MPI_Get_count(ps, MPI_BYTE, &len);
    if (ps->MPI_TAG == TAG_DONE)
    {
        MPI_Recv(done + ps->MPI_SOURCE, (int) sizeof(mpi_done), MPI_BYTE,
                 ps->MPI_SOURCE, TAG_DONE, m->comm, MPI_STATUS_IGNORE);
        return TAG_DONE;
    }
    {
        /* the message just probed: the first of its source and tag */
        MPI_Message msg;
        int flag;
        MPI_Improbe(ps->MPI_SOURCE, TAG_PAYLOAD, m->comm, &flag, &msg,
                    MPI_STATUS_IGNORE);
        if (p->npend == p->apend)
        {
            p->apend = p->apend < 8 ? 8 : 2 * p->apend;
            p->preq = flint_realloc(p->preq, p->apend * sizeof(MPI_Request));
            p->pbuf = flint_realloc(p->pbuf, p->apend * sizeof(char *));
            p->psrc = flint_realloc(p->psrc, p->apend * sizeof(int));
        }
        buf = flint_malloc((size_t) len + 1);
        MPI_Imrecv(buf, len, MPI_BYTE, &msg, p->preq + p->npend);
        p->pbuf[p->npend] = buf;
        p->psrc[p->npend] = ps->MPI_SOURCE;
        p->npend++;
    }
    return TAG_PAYLOAD;
}

/* The payloads whose receive completed (all of them, waiting, when wait
   is set): counted, recorded, collected when their turn comes. */
static void pend_poll(cpwl_sched_struct *s, phase0 *p, int64_t *got, int wait)
{
    slong i = 0;
    while (i < p->npend)
    {
        MPI_Status st;
        int flag = 1, len;
        int64_t u;
        char *buf = p->pbuf[i];
        if (wait)
            MPI_Wait(p->preq + i, &st);
        else
            MPI_Test(p->preq + i, &flag, &st);
        if (!flag)
        {
            i++;
            continue;
        }
        MPI_Get_count(&st, MPI_BYTE, &len);
        got[p->psrc[i]]++;
        /* the last pending receive takes this slot */
        p->npend--;
        p->preq[i] = p->preq[p->npend];
        p->pbuf[i] = p->pbuf[p->npend];
        p->psrc[i] = p->psrc[p->npend];
        memcpy(&u, buf, sizeof(u));
        memmove(buf, buf + sizeof(u), (size_t) len - sizeof(u));
        buf[len - sizeof(u)] = '\0';
        arrive(s, p, (slong) u, buf, (size_t) len - sizeof(u));
    }
}

static void drain(cpwl_sched_struct *s, phase0 *p, mpi_done *done, int64_t *got,
                  int *ndone)
{
    int flag;
    MPI_Status st;
    for (;;)
    {
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, IMPL(s)->comm, &flag, &st);
        if (!flag)
            break;
        if (recv_one(s, p, &st, done) == TAG_DONE)
            (*ndone)++;
    }
    pend_poll(s, p, got, 0);
}

static int mpi_map(cpwl_sched_struct *s, slong n, cpwl_sched_run_fn run,
                   void *rdata, cpwl_sched_collect_fn collect, void *cdata,
                   int flags, cpwl_err_t e)
{
    mpi_impl *m = IMPL(s);
    int64_t zero = 0, dummy, *got = NULL, sent = 0;
    int my_status = CPWL_OK, my_stopped = 0, ndone = 0, j, nt = 1, B;
    int *bstat;
    char *brec;
    cpwl_sched_buf *bufs;
    cpwl_err_struct *berr;
    slong my_err_unit = -1;
    cpwl_err_t my_err;
    phase0 p;
    mpi_done *done = NULL, mine;
    struct
    {
        int32_t status, stopped;
        char msg[CPWL_ERR_MSG_LEN];
    }
    verdict;

    /* a fresh counter for this phase */
    if (s->rank == 0)
    {
        MPI_Fetch_and_op(&zero, &dummy, MPI_INT64_T, 0, 0, MPI_REPLACE, m->win);
        MPI_Win_flush(0, m->win);
    }
    MPI_Barrier(m->comm);

    memset(&p, 0, sizeof(p));
    p.n = n;
    p.collect = collect;
    p.cdata = cdata;
    p.all_flag = (flags & CPWL_SCHED_ALL) != 0;
    p.record = !(flags & CPWL_SCHED_NO_RECORD);
    if (s->rank == 0)
    {
        slong i;
        p.pd = flint_calloc(n > 0 ? n : 1, sizeof(char *));
        p.pl = flint_calloc(n > 0 ? n : 1, sizeof(size_t));
        p.have = flint_calloc(n > 0 ? n : 1, 1);
        for (i = 0; i < n; i++)
        {
            const cpwl_ckpt_entry *r = cpwl_sched_recorded(s, i);
            if (r != NULL)
            {
                p.pd[i] = r->data;
                p.pl[i] = r->len;
                p.have[i] = 2;
            }
        }
        cpwl_sched_buf_init(&p.all);
        done = flint_calloc(s->size, sizeof(mpi_done));
        got = flint_calloc(s->size, sizeof(int64_t));
        collect_ready(s, &p);
    }
    cpwl_err_init(my_err);

    /* Units are taken in batches of B from the counter: one at a time on
       one thread, 2 per thread when the phase may run on threads. */
#ifdef _OPENMP
    if ((flags & CPWL_SCHED_THREADS) && s->threads > 1)
        nt = s->threads;
#endif
    B = nt == 1 ? 1 : 2 * nt;
    bufs = flint_malloc(B * sizeof(cpwl_sched_buf));
    bstat = flint_malloc(B * sizeof(int));
    brec = flint_malloc(B);
    berr = flint_malloc(B * sizeof(cpwl_err_struct));
    for (j = 0; j < B; j++)
        cpwl_sched_buf_init(bufs + j);
    for (;;)
    {
        int64_t u0;
        int mb;
        if (s->rank == 0)
            drain(s, &p, done, got, &ndone);
        else
            req_reap(m, 0);
        if (s->rank == 0 && p.status != CPWL_OK)
        {
            take_unit(m, n);    /* a collector error ends the phase */
            break;
        }
        if (s->interrupt != NULL && *s->interrupt)
        {
            my_stopped = 1;
            take_unit(m, n);    /* the others stop taking units too */
            break;
        }
        u0 = take_unit(m, B);
        if (u0 >= n)
            break;
        mb = n - u0 < B ? (int) (n - u0) : B;
        for (j = 0; j < mb; j++)
        {
            brec[j] = cpwl_sched_recorded(s, (slong) (u0 + j)) != NULL;
            bstat[j] = CPWL_OK;
            cpwl_err_init(berr + j);
            cpwl_sched_buf_reset(bufs + j);
        }
        cpwl_sched_run_window(s, run, rdata, (slong) u0, mb, brec, nt, bufs,
                              bstat, berr);
        if (m->bound_pending)
        {
            m->bound_pending = 0;
            mpi_bound_send(s);
        }
        for (j = 0; j < mb; j++)
        {
            int64_t u = u0 + j;
            if (brec[j])
                continue;
            if (bstat[j] == CPWL_SCHED_STOPPED)
            {
                my_stopped = 1;
                continue;
            }
            if (bstat[j] != CPWL_OK)
            {
                if (my_status == CPWL_OK)
                {
                    my_status = berr[j].status == CPWL_OK ? CPWL_ERR_INTERNAL
                        : berr[j].status;
                    my_err_unit = (slong) u;
                    cpwl_err_set(my_err, my_status, "%s", berr[j].msg);
                }
                continue;
            }
            /* a finished unit counts even next to a stopped one: it is
               recorded and not computed again */
            s->stats.units_run++;
            if (s->rank == 0)
            {
                char *d = flint_malloc(bufs[j].len + 1);
                memcpy(d, bufs[j].data, bufs[j].len + 1);
                arrive(s, &p, (slong) u, d, bufs[j].len);
            }
            else
            {
                MPI_Request r;
                size_t len = sizeof(u) + bufs[j].len;
                char *d = flint_malloc(len);
                memcpy(d, &u, sizeof(u));   /* the unit number in front */
                memcpy(d + sizeof(u), bufs[j].data, bufs[j].len);
                MPI_Isend(d, (int) len, MPI_BYTE, 0, TAG_PAYLOAD, m->comm, &r);
                req_keep(m, r, d);
                sent++;
                s->stats.messages++;
                s->stats.bytes += (slong) len;
            }
        }
        if (my_status != CPWL_OK || my_stopped)
        {
            take_unit(m, n);
            break;
        }
    }
    for (j = 0; j < B; j++)
        cpwl_sched_buf_clear(bufs + j);
    flint_free(bufs);
    flint_free(bstat);
    flint_free(brec);
    flint_free(berr);

    if (s->rank != 0)
    {
        memset(&mine, 0, sizeof(mine));
        mine.sent = sent;
        mine.status = my_status;
        mine.stopped = my_stopped;
        mine.err_unit = my_err_unit;
        snprintf(mine.msg, sizeof(mine.msg), "%s", my_err->msg);
        MPI_Send(&mine, (int) sizeof(mine), MPI_BYTE, 0, TAG_DONE, m->comm);
        s->stats.messages++;
    }
    else
    {
        MPI_Status st;
        slong k;
        if (my_status != CPWL_OK)
            note_error(&p, my_err_unit, my_status, my_err->msg);
        p.stopped = my_stopped;
        /* every process's end, and every payload it announced */
        for (;;)
        {
            int missing = ndone < s->size - 1;
            for (j = 1; j < s->size && !missing; j++)
                missing = got[j] < done[j].sent;
            if (!missing)
                break;
            if (p.npend > 0)
            {
                /* the senders have finished computing: they progress */
                pend_poll(s, &p, got, 1);
                continue;
            }
            MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, m->comm, &st);
            if (recv_one(s, &p, &st, done) == TAG_DONE)
                ndone++;
        }
        for (j = 1; j < s->size; j++)
        {
            if (done[j].status != CPWL_OK)
                note_error(&p, done[j].err_unit, done[j].status, done[j].msg);
            if (done[j].stopped)
                p.stopped = 1;
        }
        collect_ready(s, &p);
        /* the outcome: all collected; or the error of the first missing
           unit; or stopped; or the lowest error */
        verdict.status = CPWL_OK;
        verdict.stopped = 0;
        verdict.msg[0] = '\0';
        if (p.next < n || p.status != CPWL_OK)
        {
            if (p.status != CPWL_OK && (p.err_unit <= p.next || !p.stopped))
            {
                verdict.status = p.status;
                snprintf(verdict.msg, sizeof(verdict.msg), "%s", p.err.msg);
            }
            else if (p.stopped)
                verdict.stopped = 1;
            else
            {
                verdict.status = CPWL_ERR_INTERNAL;
                snprintf(verdict.msg, sizeof(verdict.msg),
                         "unit %ld of phase %ld was not computed", (long) p.next,
                         (long) s->phase);
            }
        }
        for (k = 0; k < n; k++)
            if (p.have[k] == 1)
                flint_free(p.pd[k]);
        flint_free(p.pd);
        flint_free(p.pl);
        flint_free(p.have);
        flint_free(p.preq);
        flint_free(p.pbuf);
        flint_free(p.psrc);
        flint_free(done);
        flint_free(got);
    }
    MPI_Bcast(&verdict, (int) sizeof(verdict), MPI_BYTE, 0, m->comm);
    bound_drain(s);
    s->stopped = verdict.stopped;

    if (p.all_flag && verdict.status == CPWL_OK)
    {
        /* rank 0's collected payloads, in order, to every process */
        char *data = NULL;
        size_t len = 0;
        if (s->rank == 0)
        {
            data = p.all.data;
            len = p.all.len;
        }
        if (mpi_bcast_bytes(s, &data, &len) == CPWL_OK && s->rank != 0)
        {
            const char *q = data, *end = data + len;
            slong unit = 0;
            int st = CPWL_OK;
            while (q < end && st == CPWL_OK)
            {
                char *sp;
                unsigned long l = strtoul(q, &sp, 10);
                st = collect(unit, sp + 1, l, cdata, e);
                q = sp + 1 + l;
                unit++;
            }
            if (st != CPWL_OK)
                verdict.status = st;
        }
        if (s->rank != 0)
            flint_free(data);
        /* a collector that failed on one process fails the phase */
        {
            int st = verdict.status, worst;
            MPI_Allreduce(&st, &worst, 1, MPI_INT, MPI_MAX, m->comm);
            if (worst != CPWL_OK && st == CPWL_OK)
            {
                verdict.status = worst;
                snprintf(verdict.msg, sizeof(verdict.msg),
                         "the collector of phase %ld failed on another process",
                         (long) s->phase);
            }
        }
    }
    if (s->rank == 0)
        cpwl_sched_buf_clear(&p.all);

    if (verdict.status != CPWL_OK)
    {
        if (e->status == CPWL_OK)
            cpwl_err_set(e, verdict.status, "%s", verdict.msg);
        return e->status;
    }
    if (s->stopped)
        return cpwl_sched_finish(s, e);
    return CPWL_OK;
}

/* ---- exchanges ---------------------------------------------------------- */

static int mpi_bcast_bytes(cpwl_sched_struct *s, char **data, size_t *len)
{
    mpi_impl *m = IMPL(s);
    uint64_t n = s->rank == 0 ? (uint64_t) *len : 0, off;
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, m->comm);
    if (s->rank != 0)
    {
        *data = flint_malloc((size_t) n + 1);
        (*data)[n] = '\0';
        *len = (size_t) n;
    }
    /* MPI counts are ints: big checkpoints go in pieces */
    for (off = 0; off < n; off += 1u << 30)
    {
        uint64_t k = n - off < (1u << 30) ? n - off : (1u << 30);
        MPI_Bcast(*data + off, (int) k, MPI_BYTE, 0, m->comm);
    }
    return CPWL_OK;
}

static int mpi_bcast(cpwl_sched_struct *s, char **data, size_t *len, cpwl_err_t e)
{
    (void) e;
    return mpi_bcast_bytes(s, data, len);
}

static int mpi_any(cpwl_sched_struct *s, int flag)
{
    int in = flag != 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, IMPL(s)->comm);
    return out;
}

static void mpi_clear(cpwl_sched_struct *s)
{
    mpi_impl *m = IMPL(s);
    if (m == NULL)
        return;
    req_reap(m, 1);
    MPI_Win_unlock_all(m->win);
    MPI_Win_free(&m->win);
    MPI_Comm_free(&m->comm);
    flint_free(m->req);
    flint_free(m->reqbuf);
    flint_free(m->bsent);
    flint_free(m->brecv);
    flint_free(m);
    s->impl = NULL;
}

static const cpwl_sched_ops mpi_ops = {
    mpi_map, mpi_bound_send, mpi_bound_poll, mpi_bcast, mpi_any, mpi_clear
};

int cpwl_sched_init_mpi(cpwl_sched_t s, MPI_Comm comm, cpwl_err_t e)
{
    mpi_impl *m;
    int rank, size, inited = 0;

    cpwl_sched_init(s);
    MPI_Initialized(&inited);
    if (!inited)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL,
                            "cpwl_sched_init_mpi: MPI is not initialised");
    m = flint_calloc(1, sizeof(mpi_impl));
    MPI_Comm_dup(comm, &m->comm);
    MPI_Comm_rank(m->comm, &rank);
    MPI_Comm_size(m->comm, &size);
    MPI_Win_allocate(rank == 0 ? (MPI_Aint) sizeof(int64_t) : 0,
                     (int) sizeof(int64_t), MPI_INFO_NULL, m->comm,
                     &m->counter, &m->win);
    if (rank == 0)
        *m->counter = 0;
    MPI_Win_lock_all(MPI_MODE_NOCHECK, m->win);
    m->bsent = flint_calloc(size, sizeof(int));
    m->brecv = flint_calloc(size, sizeof(int));
    s->rank = rank;
    s->size = size;
    s->threads = 1;
    s->impl = m;
    s->ops = &mpi_ops;
    MPI_Barrier(m->comm);
    return CPWL_OK;
}
