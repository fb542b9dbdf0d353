/* The cell codec: a cpwl_regions_cell_struct as payload tokens and back
   (see regions_cells_io.h).  Exact rationals as "p/q", so a cell read
   back equals the one written. */
#include <string.h>
#include <flint/fmpq_vec.h>
#include "regions_cells_io.h"

/* Which optional fields a cell carries (the flags token). */
#define F_STATE 1
#define F_POINT 2
#define F_MAP 4
#define F_VERTS 8

void regions_cell_put(cpwl_sched_buf *b, const cpwl_regions_cell_struct *c,
                      slong d, slong m, slong nstates)
{
    slong f = 0;
    if (c->state != NULL)
        f |= F_STATE;
    if (c->point != NULL)
        f |= F_POINT;
    if (c->grad != NULL)
        f |= F_MAP;
    if (c->nverts >= 0)
        f |= F_VERTS;
    cpwl_sched_buf_put_si(b, f);
    if (f & F_STATE)
        cpwl_sched_buf_put_hex(b, c->state, nstates);
    if (f & F_POINT)
        cpwl_sched_buf_put_fmpq_vec(b, c->point, d);
    if (f & F_MAP)
    {
        cpwl_sched_buf_put_fmpq_vec(b, c->grad, m * d);
        cpwl_sched_buf_put_fmpq_vec(b, c->offset, m);
    }
    if (f & F_VERTS)
    {
        cpwl_sched_buf_put_si(b, c->nverts);
        cpwl_sched_buf_put_fmpq_vec(b, c->verts, c->nverts * d);
        cpwl_sched_buf_put_si(b, c->nrays);
        cpwl_sched_buf_put_fmpq_vec(b, c->rays, c->nrays * d);
    }
    cpwl_sched_buf_put_si(b, c->bounded);
    cpwl_sched_buf_put_si(b, c->linear);
}

/* A count read from a payload: in [lo, hi], else the payload is bad. */
static int get_count(slong *x, cpwl_sched_rd *r, slong lo, slong hi)
{
    if (cpwl_sched_rd_si(x, r) != 0)
        return -1;
    if (*x < lo || *x > hi)
    {
        r->bad = 1;
        return -1;
    }
    return 0;
}

int regions_cell_get(cpwl_regions_cell_struct *c, cpwl_sched_rd *r,
                     slong d, slong m, slong nstates)
{
    slong f, t;
    /* a bound on vertex and ray counts, against absurd allocations */
    const slong big = WORD(1) << 40;

    if (get_count(&f, r, 0, F_STATE | F_POINT | F_MAP | F_VERTS) != 0)
        return -1;
    if (f & F_STATE)
    {
        if (c->state == NULL)
            c->state = flint_calloc(FLINT_MAX(nstates, 1), 1);
        if (cpwl_sched_rd_hex(c->state, nstates, r) != 0)
            return -1;
    }
    else
    {
        flint_free(c->state);
        c->state = NULL;
    }
    if (f & F_POINT)
    {
        if (c->point == NULL)
            c->point = _fmpq_vec_init(d);
        if (cpwl_sched_rd_fmpq_vec(c->point, d, r) != 0)
            return -1;
    }
    if (f & F_MAP)
    {
        if (c->grad == NULL)
        {
            c->grad = _fmpq_vec_init(m * d);
            c->offset = _fmpq_vec_init(m);
        }
        if (cpwl_sched_rd_fmpq_vec(c->grad, m * d, r) != 0
            || cpwl_sched_rd_fmpq_vec(c->offset, m, r) != 0)
            return -1;
    }
    if (f & F_VERTS)
    {
        if (c->verts != NULL || c->rays != NULL)
            return -1;          /* a fresh cell is expected */
        if (get_count(&t, r, 0, big / FLINT_MAX(d, 1)) != 0)
            return -1;
        c->nverts = t;
        c->verts = _fmpq_vec_init(t * d);
        if (cpwl_sched_rd_fmpq_vec(c->verts, t * d, r) != 0)
            return -1;
        if (get_count(&t, r, 0, big / FLINT_MAX(d, 1)) != 0)
            return -1;
        c->nrays = t;
        c->rays = _fmpq_vec_init(t * d);
        if (cpwl_sched_rd_fmpq_vec(c->rays, t * d, r) != 0)
            return -1;
    }
    if (get_count(&t, r, -1, 1) != 0)
        return -1;
    c->bounded = (int) t;
    if (get_count(&t, r, -1, WORD_MAX) != 0)
        return -1;
    c->linear = t;
    return 0;
}

void regions_cells_put(cpwl_sched_buf *b, const cpwl_regions_struct *R,
                       slong from, slong to)
{
    slong i;
    cpwl_sched_buf_put_si(b, to - from);
    for (i = from; i < to; i++)
        regions_cell_put(b, R->cells + i, R->d, R->m, R->nstates);
}

int regions_cells_get(cpwl_regions_struct *R, cpwl_sched_rd *r)
{
    slong n, i;
    if (get_count(&n, r, 0, WORD_MAX) != 0)
        return -1;
    for (i = 0; i < n; i++)
        if (regions_cell_get(cpwl_regions_add_cell(R), r, R->d, R->m,
                             R->nstates) != 0)
            return -1;
    return 0;
}
