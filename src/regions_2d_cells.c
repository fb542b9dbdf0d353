/* Cells of the 2-D region algorithm: an interior point and the exact
   vertices and rays of a face. */
#include "regions_2d_impl.h"
#include "regions_cells_io.h"

/* ---- cells ----------------------------------------------------------- */

/* A rational interior point: the centroid C of the (symbolic) vertices,
   with M chosen so that C lies on the interior side of every network
   edge: h(C) = alpha + beta M must have its limit sign, so M > -alpha/beta
   wherever the two signs differ. */
void r2_face_point(fmpq *pt, plane *P, slong fi)
{
    face_s *f = P->F + fi;
    fmpq *c = _fmpq_vec_init(4);
    fmpq_t al, be, t, Mq;
    slong i, k;
    fmpq_init(al);
    fmpq_init(be);
    fmpq_init(t);
    fmpq_init(Mq);
    for (i = 0; i < f->n; i++)
    {
        const fmpq *x = r2_vert_exact(P, f->v[i]);
        for (k = 0; k < 4; k++)
            fmpq_add(c + k, c + k, x + k);
    }
    fmpq_set_si(t, 1, f->n);
    qvec_scalar_mul(c, c, 4, t);
    fmpq_one(Mq);
    for (i = 0; i < f->n; i++)
    {
        const line_s *l = P->L + f->ln[i];
        const fmpq *h;
        if (l->c1 != 0)
            continue;           /* a box line of R^2 */
        h = r2_line_exact(P, f->ln[i]);
        fmpq_mul(be, h + 0, c + 1);
        fmpq_addmul(be, h + 1, c + 3);
        fmpq_mul(al, h + 0, c + 0);
        fmpq_addmul(al, h + 1, c + 2);
        fmpq_add(al, al, h + 2);
        if (!fmpq_is_zero(be) && fmpq_sgn(al) != fmpq_sgn(be))
        {
            fmpq_div(t, al, be);
            fmpq_neg(t, t);
            if (fmpq_cmp(t, Mq) >= 0)
                fmpq_set(Mq, t);
        }
    }
    /* strictly beyond every bound: M = floor(max) + 1 */
    fmpz_fdiv_q(fmpq_numref(t), fmpq_numref(Mq), fmpq_denref(Mq));
    fmpz_add_ui(fmpq_numref(t), fmpq_numref(t), 1);
    fmpz_one(fmpq_denref(t));
    fmpq_set(pt + 0, c + 0);
    fmpq_addmul(pt + 0, c + 1, t);
    fmpq_set(pt + 1, c + 2);
    fmpq_addmul(pt + 1, c + 3, t);
    _fmpq_vec_clear(c, 4);
    fmpq_clear(al);
    fmpq_clear(be);
    fmpq_clear(t);
    fmpq_clear(Mq);
}

/* cross(a, b) for a = a0 + a1 M, b = b0 + b1 M (pairs (x, y) of parts):
   zero as a polynomial in M iff its three coefficients vanish. */
static int cross_is_zero(const fmpq *A, const fmpq *B)
{
    /* A, B hold (x0, x1, y0, y1) */
    fmpq_t t, u;
    int z = 1, i, j;
    fmpq_init(t);
    fmpq_init(u);
    /* coefficient of M^(i+j) collects ax_i by_j - ay_i bx_j */
    for (i = 0; i < 2 && z; i++)
        for (j = 0; j < 2 && z; j++)
            if (i + j == 1)
                continue;
            else
            {
                fmpq_mul(t, A + i, B + 2 + j);
                fmpq_mul(u, A + 2 + i, B + j);
                z = fmpq_equal(t, u);
            }
    if (z)
    {
        fmpq_mul(t, A + 0, B + 3);
        fmpq_addmul(t, A + 1, B + 2);
        fmpq_submul(t, A + 2, B + 1);
        fmpq_submul(t, A + 3, B + 0);
        z = fmpq_is_zero(t);
    }
    fmpq_clear(t);
    fmpq_clear(u);
    return z;
}

static int has_vec(const fmpq *list, slong n, const fmpq *x)
{
    slong i;
    for (i = 0; i < n; i++)
        if (qvec_equal(list + 2 * i, x, 2))
            return 1;
    return 0;
}

/* Finite corners (counter-clockwise), ray directions and, for a face with
   no finite corner, points of its boundary lines. */
void r2_face_verts(cpwl_regions_cell_struct *c, plane *P, slong fi)
{
    face_s *f = P->F + fi;
    slong n = f->n, i, nv = 0, nr = 0, np = 0;
    fmpq *vs = _fmpq_vec_init(2 * n), *rs = _fmpq_vec_init(2 * n);
    fmpq *ps = _fmpq_vec_init(2 * n);
    fmpq *A = _fmpq_vec_init(4), *B = _fmpq_vec_init(4), *d = _fmpq_vec_init(2);
    fmpq_t s;
    fmpq_init(s);
    c->bounded = 1;
    for (i = 0; i < n; i++)
    {
        const fmpq *x = r2_vert_exact(P, f->v[i]);
        const fmpq *xp = r2_vert_exact(P, f->v[(i + n - 1) % n]);
        const fmpq *xn = r2_vert_exact(P, f->v[(i + 1) % n]);
        slong k;
        if (fmpq_is_zero(x + 1) && fmpq_is_zero(x + 3))
        {
            for (k = 0; k < 4; k++)
            {
                fmpq_sub(A + k, x + k, xp + k);
                fmpq_sub(B + k, xn + k, x + k);
            }
            if (!cross_is_zero(A, B))
            {
                fmpq_set(vs + 2 * nv, x + 0);
                fmpq_set(vs + 2 * nv + 1, x + 2);
                nv++;
            }
            continue;
        }
        c->bounded = 0;
        /* direction (x1, y1) scaled to a first nonzero entry of +-1 */
        fmpq_set(d + 0, x + 1);
        fmpq_set(d + 1, x + 3);
        fmpq_abs(s, fmpq_is_zero(d + 0) ? d + 1 : d + 0);
        fmpq_inv(s, s);
        qvec_scalar_mul(d, d, 2, s);
        if (!has_vec(rs, nr, d))
        {
            qvec_set(rs + 2 * nr, d, 2);
            nr++;
        }
        /* A box corner's finite part (0, 0) lies on no boundary line. */
        if (P->V[f->v[i]].l1 < 0)
            continue;
        fmpq_set(d + 0, x + 0);
        fmpq_set(d + 1, x + 2);
        if (!has_vec(ps, np, d))
        {
            qvec_set(ps + 2 * np, d, 2);
            np++;
        }
    }
    if (nv == 0)
    {
        /* A strip or a half-plane: points of its boundary lines; all of
           R^2: the origin (vs is zero). */
        qvec_set(vs, ps, 2 * np);
        nv = FLINT_MAX(np, 1);
    }
    c->nverts = nv;
    c->nrays = nr;
    c->verts = nv ? _fmpq_vec_init(2 * nv) : NULL;
    c->rays = nr ? _fmpq_vec_init(2 * nr) : NULL;
    if (nv)
        qvec_set(c->verts, vs, 2 * nv);
    if (nr)
        qvec_set(c->rays, rs, 2 * nr);
    _fmpq_vec_clear(vs, 2 * n);
    _fmpq_vec_clear(rs, 2 * n);
    _fmpq_vec_clear(ps, 2 * n);
    _fmpq_vec_clear(A, 4);
    _fmpq_vec_clear(B, 4);
    _fmpq_vec_clear(d, 2);
    fmpq_clear(s);
}

/* ---- the cells as work units ----------------------------------------- */

/* Faces per work unit of the listing phase: a fixed number, so that the
   units (and a checkpoint of them) do not depend on the processes. */
#define FACE_BLOCK 64

typedef struct
{
    plane *P;
    cpwl_regions_struct *R;
    const cpwl_regions_opts *opts;
    slong nf, first;            /* faces; R's cell of face 0 */
    slong m, ns;
}
cells_job;

/* The exact point, map and vertices of face i (what opts asks for). */
static void face_cell(cpwl_regions_cell_struct *c, const cells_job *J, slong i)
{
    plane *P = J->P;
    const cpwl_regions_opts *opts = J->opts;
    slong k;
    if (opts->points)
    {
        c->point = _fmpq_vec_init(2);
        r2_face_point(c->point, P, i);
    }
    if (opts->maps)
    {
        c->grad = _fmpq_vec_init(2 * J->m);
        c->offset = _fmpq_vec_init(J->m);
        cpwl_regions_cell_map(c->grad, c->offset, P->g, P->F[i].st);
    }
    if (opts->verts)
        r2_face_verts(c, P, i);
    else
    {
        c->bounded = 1;
        for (k = 0; k < P->F[i].n; k++)
            if (P->V[P->F[i].v[k]].inf)
                c->bounded = 0;
    }
}

/* Unit u: the cells of faces [u FACE_BLOCK, ...) without their patterns
   (every process has those), in the cell codec.  Threads share the plane
   read-only: exact values are published safely by r2_vert_exact and
   r2_line_exact. */
static int cells_run(cpwl_sched_buf *out, slong u, int tid, void *data,
                     cpwl_err_t e)
{
    const cells_job *J = data;
    slong i, a = u * FACE_BLOCK, b = FLINT_MIN(J->nf, a + FACE_BLOCK);
    (void) tid;
    (void) e;
    if (J->opts->interrupt != NULL && *J->opts->interrupt)
        return CPWL_SCHED_STOPPED;
    cpwl_sched_buf_put_si(out, b - a);
    for (i = a; i < b; i++)
    {
        cpwl_regions_cell_struct c;
        memset(&c, 0, sizeof c);
        c.nverts = -1;
        c.bounded = -1;
        c.linear = -1;
        face_cell(&c, J, i);
        regions_cell_put(out, &c, 2, J->m, J->ns);
        regions_cell_clear(&c, 2, J->m);
    }
    return CPWL_OK;
}

/* Unit u's cells into R (process 0, in face order), keeping the patterns
   already there. */
static int cells_collect(slong u, const char *payload, size_t len, void *data,
                         cpwl_err_t e)
{
    const cells_job *J = data;
    slong i, n, a = u * FACE_BLOCK, b = FLINT_MIN(J->nf, a + FACE_BLOCK);
    cpwl_sched_rd r;
    cpwl_sched_rd_init(&r, payload, len);
    if (cpwl_sched_rd_si(&n, &r) != 0 || n != b - a)
        goto bad;
    for (i = a; i < b; i++)
    {
        cpwl_regions_cell_struct *c = J->R->cells + J->first + i;
        unsigned char *st = c->state;
        int bad;
        c->state = NULL;
        bad = regions_cell_get(c, &r, 2, J->m, J->ns) != 0;
        c->state = st;
        if (bad)
            goto bad;
    }
    if (cpwl_sched_rd_done(&r))
    {
        /* the listing's progress: every layer done, b cells listed */
        if (J->opts->progress != NULL)
            J->opts->progress(J->opts->progress_data, J->P->g->nlayers,
                              J->P->g->nlayers, b);
        return CPWL_OK;
    }
bad:
    return cpwl_err_set(e, CPWL_ERR_INPUT, "2-D regions: the cells of faces "
                        "%ld to %ld (work unit %ld) do not parse", (long) a,
                        (long) b - 1, (long) u);
}

int r2_cells(cpwl_regions_t R, plane *P, const cpwl_regions_opts *opts,
             cpwl_err_t e)
{
    slong nf = P->nf, first = R->ncells, i;
    int many = opts->points || opts->maps || opts->verts, st = CPWL_OK;
    int saved_threads;
    cpwl_sched_struct *s = opts->sched;
    cpwl_sched_t local;
    cells_job J;

    if (s == NULL)
    {
        /* one process: the library's own scheduler */
        cpwl_sched_init(local);
        local->interrupt = opts->interrupt;
        s = local;
    }
    /* One process lists on the method's threads (opts->nthreads); a back
       end deals the units to processes instead. */
    saved_threads = s->threads;
    if (s->ops == NULL)
        s->threads = P->nthreads;
    /* the cells live on process 0 (the others only help to fill them) */
    if (s->rank == 0)
        for (i = 0; i < nf; i++)
        {
            cpwl_regions_cell_struct *c = cpwl_regions_add_cell(R);
            /* counting alone needs no patterns (the merge reads them) */
            if (opts->no_states && !opts->linear)
            {
                flint_free(c->state);
                c->state = NULL;
            }
            else
                memcpy(c->state, P->F[i].st, R->nstates);
        }
    J.P = P;
    J.R = R;
    J.opts = opts;
    J.nf = nf;
    J.first = first;
    J.m = R->m;
    J.ns = R->nstates;
    if (many)
        st = cpwl_sched_map(s, (nf + FACE_BLOCK - 1) / FACE_BLOCK, cells_run,
                            &J, cells_collect, &J, CPWL_SCHED_THREADS, e);
    else if (s->rank == 0)
        for (i = 0; i < nf; i++)
            face_cell(R->cells + first + i, &J, i);
    s->threads = saved_threads;
    if (st == CPWL_OK && s->stopped)
    {
        /* as when the refinement is interrupted: the count so far, no
           list */
        R->stopped = CPWL_REGIONS_STOP_INTERRUPT;
        R->lower_bound = nf;
    }
    if (st != CPWL_OK || R->stopped)
    {
        for (i = first; i < R->ncells; i++)
            regions_cell_clear(R->cells + i, 2, R->m);
        R->ncells = first;
    }
    if (s == local)
        cpwl_sched_clear(local);
    return st;
}
