/* The one-process scheduler (cpwl/sched.h): units in order, or on
   OpenMP threads in windows collected in order; the checkpoint of the
   finished units; the shared best.  A back end (ops) replaces map and
   the exchanges. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <flint/flint.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "cpwl/sched.h"
#include "scale_impl.h"

double sched_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

void cpwl_sched_init(cpwl_sched_t s)
{
    memset(s, 0, sizeof(cpwl_sched_struct));
    s->rank = 0;
    s->size = 1;
    s->threads = 1;
    s->interrupt = NULL;
    fmpq_init(s->bound);
    s->every = 60;
    s->last_write = sched_now();
}

void cpwl_sched_clear(cpwl_sched_t s)
{
    if (s->ops != NULL && s->ops->clear != NULL)
        s->ops->clear(s);
    if (s->ckpt != NULL)
    {
        cpwl_ckpt_clear(s->ckpt);
        flint_free(s->ckpt);
    }
    flint_free(s->ckpt_path);
    fmpq_clear(s->bound);
}

int cpwl_sched_checkpoint(cpwl_sched_t s, const char *path, double every,
                          const char *kind, const char *key, cpwl_err_t e)
{
    if (!(every > 0))
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "`every` must be a positive number of seconds (the interval between checkpoints), not %g",
                            every);
    if (s->ckpt == NULL)
    {
        s->ckpt = flint_malloc(sizeof(cpwl_ckpt_struct));
        cpwl_ckpt_init(s->ckpt, kind, key);
    }
    flint_free(s->ckpt_path);
    s->ckpt_path = NULL;
    if (path != NULL)
    {
        s->ckpt_path = flint_malloc(strlen(path) + 1);
        strcpy(s->ckpt_path, path);
    }
    s->every = every;
    s->last_write = sched_now();
    return CPWL_OK;
}

int cpwl_sched_resume(cpwl_sched_t s, const char *path, const char *kind,
                      const char *key, cpwl_err_t e)
{
    char *data = NULL;
    size_t len = 0;
    int st = CPWL_OK, failed;
    cpwl_ckpt_t c;
    cpwl_err_t e0;
    slong i;

    /* Process 0 reads, every process parses the same bytes: the same
       recorded set everywhere, and the same verdict. */
    cpwl_err_init(e0);
    if (s->rank == 0)
        st = ckpt_slurp(&data, &len, path, e0);
    failed = cpwl_sched_any(s, st != CPWL_OK);
    if (failed)
    {
        flint_free(data);
        if (s->rank == 0)
            return cpwl_err_set(e, e0->status, "%s", e0->msg);
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "process 0 could not read checkpoint %s", path);
    }
    st = cpwl_sched_bcast(s, &data, &len, e);
    if (st != CPWL_OK)
    {
        flint_free(data);
        return st;
    }
    cpwl_ckpt_init(c, kind, key);
    st = ckpt_parse(c, data, len, path, kind, key, e);
    flint_free(data);
    if (st != CPWL_OK)
    {
        cpwl_ckpt_clear(c);
        return st;
    }
    if (c->have_bound)
        sched_take(s, c->bound, c->bound_pos);
    if (s->ckpt == NULL)
    {
        s->ckpt = flint_malloc(sizeof(cpwl_ckpt_struct));
        *s->ckpt = *c;          /* moved: not cleared here */
        return CPWL_OK;
    }
    for (i = 0; i < c->n; i++)
        cpwl_ckpt_add(s->ckpt, c->e[i].phase, c->e[i].unit, c->e[i].data,
                      c->e[i].len);
    if (c->have_bound)
        cpwl_ckpt_set_bound(s->ckpt, c->bound, c->bound_pos);
    cpwl_ckpt_clear(c);
    return CPWL_OK;
}

const cpwl_ckpt_entry *cpwl_sched_recorded(const cpwl_sched_t s, slong unit)
{
    if (s->ckpt == NULL)
        return NULL;
    return cpwl_ckpt_find(s->ckpt, s->phase, unit);
}

int sched_write(cpwl_sched_struct *s, cpwl_err_t e)
{
    double t0;
    size_t bytes = 0;
    int st;
    if (s->rank != 0 || s->ckpt == NULL || s->ckpt_path == NULL)
        return CPWL_OK;
    t0 = sched_now();
    if (s->have_bound)
        cpwl_ckpt_set_bound(s->ckpt, s->bound, s->bound_pos);
    st = ckpt_write_sized(s->ckpt, s->ckpt_path, &bytes, e);
    s->last_write = sched_now();
    s->stats.ckpt_seconds += s->last_write - t0;
    if (st == CPWL_OK)
    {
        s->stats.ckpt_writes++;
        s->stats.ckpt_bytes = bytes;
    }
    return st;
}

int cpwl_sched_record(cpwl_sched_t s, slong unit, const char *data, size_t len,
                      cpwl_err_t e)
{
    /* without a file to write, keeping payloads would only cost memory */
    if (s->rank != 0 || s->ckpt == NULL || s->ckpt_path == NULL)
        return CPWL_OK;
    cpwl_ckpt_add(s->ckpt, s->phase, unit, data, len);
    if (sched_now() - s->last_write >= s->every)
        return sched_write(s, e);
    return CPWL_OK;
}

static int interrupted(const cpwl_sched_struct *s)
{
    return s->interrupt != NULL && *s->interrupt;
}

void cpwl_sched_run_window(cpwl_sched_t s, cpwl_sched_run_fn run, void *rdata,
                           slong base, int m, const char *skip, int nt,
                           cpwl_sched_buf *bufs, int *status,
                           cpwl_err_struct *errs)
{
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        int tid = 0, j;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
#pragma omp for schedule(dynamic)
        for (j = 0; j < m; j++)
        {
            if (skip[j])
                continue;
            if (interrupted(s))
                status[j] = CPWL_SCHED_STOPPED;
            else
                status[j] = run(bufs + j, base + j, tid, rdata, errs + j);
        }
        /* FLINT's per-thread caches of the pool's threads would
           otherwise outlive every object (a leak to valgrind) */
        if (tid != 0)
            flint_cleanup();
    }
}

/* One process: windows of units run (on threads when allowed), then
   recorded and collected in order. */
static int sched_map_local(cpwl_sched_struct *s, slong n, cpwl_sched_run_fn run,
                           void *rdata, cpwl_sched_collect_fn collect,
                           void *cdata, int flags, cpwl_err_t e)
{
    int nt = 1, W, j, st = CPWL_OK;
    slong base;
    cpwl_sched_buf *bufs;
    int *status;
    /* the recorded payloads of the window: their bytes, not the entries,
       since recording a unit moves the checkpoint's sorted entries */
    const char **rec;
    size_t *rlen;
    char *skip;
    cpwl_err_struct *errs;

#ifdef _OPENMP
    if ((flags & CPWL_SCHED_THREADS) && s->threads != 1)
        nt = s->threads > 0 ? s->threads : omp_get_max_threads();
#endif
    W = nt == 1 ? 1 : 8 * nt;
    bufs = flint_malloc(W * sizeof(cpwl_sched_buf));
    status = flint_malloc(W * sizeof(int));
    rec = flint_malloc(W * sizeof(const char *));
    rlen = flint_malloc(W * sizeof(size_t));
    skip = flint_malloc(W);
    errs = flint_malloc(W * sizeof(cpwl_err_struct));
    for (j = 0; j < W; j++)
        cpwl_sched_buf_init(bufs + j);

    for (base = 0; base < n && st == CPWL_OK && !s->stopped; base += W)
    {
        int m = n - base < W ? (int) (n - base) : W, stop_at = -1;
        for (j = 0; j < m; j++)
        {
            const cpwl_ckpt_entry *r = cpwl_sched_recorded(s, base + j);
            rec[j] = r != NULL ? r->data : NULL;
            rlen[j] = r != NULL ? r->len : 0;
            skip[j] = r != NULL;
            status[j] = CPWL_OK;
            cpwl_err_init(errs + j);
            cpwl_sched_buf_reset(bufs + j);
        }
        cpwl_sched_run_window(s, run, rdata, base, m, skip, nt, bufs, status,
                              errs);
        for (j = 0; j < m && st == CPWL_OK; j++)
        {
            if (rec[j] != NULL)
            {
                if (stop_at >= 0)
                    continue;
                s->stats.units_replayed++;
                st = collect(base + j, rec[j], rlen[j], cdata, e);
                continue;
            }
            if (status[j] == CPWL_SCHED_STOPPED)
            {
                if (stop_at < 0)
                    stop_at = j;
                continue;
            }
            if (status[j] != CPWL_OK)
            {
                if (stop_at >= 0)
                    continue;   /* recomputed on resume */
                st = cpwl_err_set(e, errs[j].status, "%s", errs[j].msg);
                break;
            }
            s->stats.units_run++;
            if (!(flags & CPWL_SCHED_NO_RECORD))
                st = cpwl_sched_record(s, base + j, bufs[j].data, bufs[j].len, e);
            if (st == CPWL_OK && stop_at < 0)
                st = collect(base + j, bufs[j].data, bufs[j].len, cdata, e);
        }
        if (stop_at >= 0 && st == CPWL_OK)
        {
            s->stopped = 1;
            st = sched_write(s, e);
        }
    }
    for (j = 0; j < W; j++)
        cpwl_sched_buf_clear(bufs + j);
    flint_free(bufs);
    flint_free(status);
    flint_free(rec);
    flint_free(rlen);
    flint_free(skip);
    flint_free(errs);
    return st;
}

int cpwl_sched_map(cpwl_sched_t s, slong n, cpwl_sched_run_fn run, void *rdata,
                   cpwl_sched_collect_fn collect, void *cdata, int flags,
                   cpwl_err_t e)
{
    int st;
    /* a stopped computation runs no further phase */
    if (s->stopped)
        return CPWL_OK;
    if (s->ops != NULL && s->ops->map != NULL)
        st = s->ops->map(s, n, run, rdata, collect, cdata, flags, e);
    else
    {
        if (interrupted(s) && n > 0)
        {
            s->stopped = 1;
            st = sched_write(s, e);
        }
        else
            st = sched_map_local(s, n, run, rdata, collect, cdata, flags, e);
    }
    s->phase++;
    return st;
}

int sched_better(const cpwl_sched_struct *s, const fmpq_t value, slong pos)
{
    int cmp;
    if (!s->have_bound)
        return 1;
    cmp = fmpq_cmp(value, s->bound);
    return cmp < 0 || (cmp == 0 && pos < s->bound_pos);
}

int sched_take(cpwl_sched_struct *s, const fmpq_t value, slong pos)
{
    int better;
#pragma omp critical(cpwl_sched_bound)
    {
        better = sched_better(s, value, pos);
        if (better)
        {
            fmpq_set(s->bound, value);
            s->bound_pos = pos;
            s->have_bound = 1;
        }
    }
    return better;
}

int cpwl_sched_bound(fmpq_t value, slong *pos, cpwl_sched_t s)
{
    int have;
    if (s->ops != NULL && s->ops->bound_poll != NULL)
        s->ops->bound_poll(s);
#pragma omp critical(cpwl_sched_bound)
    {
        have = s->have_bound;
        if (have)
        {
            fmpq_set(value, s->bound);
            *pos = s->bound_pos;
        }
    }
    return have;
}

void cpwl_sched_offer(cpwl_sched_t s, const fmpq_t value, slong pos)
{
    if (!sched_take(s, value, pos))
        return;
#pragma omp atomic
    s->stats.bound_updates++;
    if (s->ops != NULL && s->ops->bound_send != NULL)
        s->ops->bound_send(s);
}

int cpwl_sched_bcast(cpwl_sched_t s, char **data, size_t *len, cpwl_err_t e)
{
    if (s->ops != NULL && s->ops->bcast != NULL)
        return s->ops->bcast(s, data, len, e);
    return CPWL_OK;
}

int cpwl_sched_any(cpwl_sched_t s, int flag)
{
    if (s->ops != NULL && s->ops->any != NULL)
        return s->ops->any(s, flag);
    return flag != 0;
}

int cpwl_sched_finish(cpwl_sched_t s, cpwl_err_t e)
{
    return sched_write(s, e);
}
