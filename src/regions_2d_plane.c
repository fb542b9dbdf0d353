/* The planar subdivision of the 2-D region algorithm: faces with twin
   edges, lines and vertices with lazy exact values, the sign of a
   cutting form at a vertex and the split of a face (regions_2d.c has the
   method). */
#include "regions_2d_impl.h"

static slong new_line(plane *P)
{
    if (P->nl == P->al)
    {
        P->al = FLINT_MAX(64, 2 * P->al);
        P->L = flint_realloc(P->L, P->al * sizeof(line_s));
    }
    memset(P->L + P->nl, 0, sizeof(line_s));
    return P->nl++;
}

static slong new_vert(plane *P)
{
    if (P->nv == P->av)
    {
        P->av = FLINT_MAX(64, 2 * P->av);
        P->V = flint_realloc(P->V, P->av * sizeof(vert_s));
    }
    memset(P->V + P->nv, 0, sizeof(vert_s));
    P->V[P->nv].stamp = -1;
    return P->nv++;
}

/* Patterns live in blocks of 4096: one allocation per block, not per
   face, and their addresses never move (a line's recipe points at one). */
static unsigned char *new_state(plane *P)
{
    slong ns = FLINT_MAX(P->ns, 1), per = 4096;
    if (P->stleft == 0)
    {
        if (P->nstblk == P->astblk)
        {
            P->astblk = FLINT_MAX(16, 2 * P->astblk);
            P->stblk = flint_realloc(P->stblk, P->astblk * sizeof(unsigned char *));
        }
        P->stblk[P->nstblk++] = flint_malloc(per * ns);
        P->stleft = per;
    }
    P->stleft--;
    return P->stblk[P->nstblk - 1] + (per - 1 - P->stleft) * ns;
}

/* A face with no edges; its pattern is for the caller to set. */
static slong new_face(plane *P)
{
    face_s *f;
    if (P->nf == P->af)
    {
        P->af = FLINT_MAX(64, 2 * P->af);
        P->F = flint_realloc(P->F, P->af * sizeof(face_s));
    }
    f = P->F + P->nf;
    memset(f, 0, sizeof(face_s));
    f->st = new_state(P);
    return P->nf++;
}

static void face_reserve(face_s *f, slong n)
{
    /* v, nb and ln share one block: one allocation per growth */
    if (n > f->alloc)
    {
        slong a = FLINT_MAX(FLINT_MAX(n, 2 * f->alloc), 6);
        slong *b = flint_malloc(3 * a * sizeof(slong));
        if (f->n > 0)           /* f->v is NULL before the first growth */
        {
            memcpy(b, f->v, f->n * sizeof(slong));
            memcpy(b + a, f->nb, f->n * sizeof(slong));
            memcpy(b + 2 * a, f->ln, f->n * sizeof(slong));
        }
        flint_free(f->v);
        f->v = b;
        f->nb = b + a;
        f->ln = b + 2 * a;
        f->alloc = a;
    }
}

static void face_push(face_s *f, slong v, slong nb, slong ln)
{
    face_reserve(f, f->n + 1);
    f->v[f->n] = v;
    f->nb[f->n] = nb;
    f->ln[f->n] = ln;
    f->n++;
}

void r2_plane_clear(plane *P)
{
    slong i;
    for (i = 0; i < P->nl; i++)
        if (P->L[i].ex)
            _fmpq_vec_clear(P->L[i].ex, 4);
    for (i = 0; i < P->nv; i++)
        if (P->V[i].ex)
            _fmpq_vec_clear(P->V[i].ex, 4);
    for (i = 0; i < P->nf; i++)
    {
        flint_free(P->F[i].v);
    }
    flint_free(P->L);
    flint_free(P->V);
    flint_free(P->F);
    for (i = 0; i < P->nstblk; i++)
        flint_free(P->stblk[i]);
    flint_free(P->stblk);
    flint_free(P->oZ);
    flint_free(P->oE);
    flint_free(P->tA);
    flint_free(P->tE);
    flint_free(P->tB);
    flint_free(P->tF);
    flint_free(P->tag);
    flint_free(P->lnext);
    flint_free(P->sbuf);
}

/* ---- exact values on demand ------------------------------------------ */

/* Exact values are built lazily, and the cells of cpwl_regions_2d ask for
   them from several threads: each thread builds its own and the first to
   publish it wins (the others free theirs).  The values are the same. */
static fmpq *ex_get(fmpq *const *slot)
{
#ifdef _OPENMP
    return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
#else
    return *slot;
#endif
}

static const fmpq *ex_publish(fmpq **slot, fmpq *x, slong n)
{
#ifdef _OPENMP
    fmpq *old = NULL;
    if (__atomic_compare_exchange_n(slot, &old, x, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return x;
    _fmpq_vec_clear(x, n);
    return old;
#else
    (void) n;
    *slot = x;
    return x;
#endif
}

const fmpq *r2_line_exact(plane *P, slong i)
{
    line_s *l = P->L + i;
    const fmpq *ex = ex_get(&l->ex);
    if (ex == NULL)
    {
        fmpq *row = _fmpq_vec_init(4);
        forms_row_fmpq(row, P->g, P->F[l->snap].st, l->layer, l->neuron);
        ex = ex_publish(&l->ex, row, 4);   /* row[3] = 0: a network line */
    }
    return ex;
}

/* The crossing of lines a and b by Cramer's rule; the lines are not
   parallel when called (they cross inside an edge). */
static void cross_exact(fmpq *x, plane *P, slong la, slong lb)
{
    const fmpq *A = r2_line_exact(P, la), *B = r2_line_exact(P, lb);
    fmpq_t D;
    fmpq_init(D);
    fmpq_mul(D, A + 0, B + 1);
    fmpq_submul(D, B + 0, A + 1);
    /* x = (b1 c2 - b2 c1) / D, y = (c1 a2 - c2 a1) / D, with c = c0 + c1 M */
    fmpq_mul(x + 0, A + 1, B + 2);
    fmpq_submul(x + 0, B + 1, A + 2);
    fmpq_mul(x + 1, A + 1, B + 3);
    fmpq_submul(x + 1, B + 1, A + 3);
    fmpq_mul(x + 2, A + 2, B + 0);
    fmpq_submul(x + 2, B + 2, A + 0);
    fmpq_mul(x + 3, A + 3, B + 0);
    fmpq_submul(x + 3, B + 3, A + 0);
    fmpq_inv(D, D);
    qvec_scalar_mul(x, x, 4, D);
    fmpq_clear(D);
}

const fmpq *r2_vert_exact(plane *P, slong i)
{
    vert_s *v = P->V + i;       /* P->V does not move here: no allocation */
    const fmpq *ex = ex_get(&v->ex);
    if (ex == NULL)
    {
        fmpq *x = _fmpq_vec_init(4);
        cross_exact(x, P, v->l1, v->l2);
        ex = ex_publish(&v->ex, x, 4);
    }
    return ex;
}

/* ---- the sign of a line's form at a vertex --------------------------- */

typedef struct
{
    plane *P;
    slong vert;
    const iv *h;                /* (a, b, c) in double with radii */
    const fmpq *hx;             /* exact (a, b, c), or NULL: build it */
    slong hline;                /* line id for the exact coefficients */
    fmpq *hbuf;
    int part;                   /* 1: the M coefficient, 0: the constant */
}
vsign_src;

static int vs_get_d(double *v, double *err, void *data)
{
    vsign_src *S = data;
    const vert_s *p = S->P->V + S->vert;
    iv r;
    if (S->part)
        r = iv_add(iv_mul(S->h[0], p->x1), iv_mul(S->h[1], p->y1));
    else
        r = iv_add(iv_add(iv_mul(S->h[0], p->x0), iv_mul(S->h[1], p->y0)),
                   S->h[2]);
    *v = r.m;
    *err = r.r;
    return iv_ok(r);
}

static void vs_get_fmpq(fmpq_t val, void *data)
{
    vsign_src *S = data;
    const fmpq *x = r2_vert_exact(S->P, S->vert);
    const fmpq *h = S->hx ? S->hx : r2_line_exact(S->P, S->hline);
    if (S->part)
    {
        fmpq_mul(val, h + 0, x + 1);
        fmpq_addmul(val, h + 1, x + 3);
    }
    else
    {
        fmpq_mul(val, h + 0, x + 0);
        fmpq_addmul(val, h + 1, x + 2);
        fmpq_add(val, val, h + 2);
    }
}

static int on_zero_of(const plane *P, slong li, const cutter *C)
{
    const line_s *l;
    if (li < 0)
        return 0;
    l = P->L + li;
    return l->snap >= 0 && l->layer == C->layer && l->neuron == C->neuron;
}

int r2_vert_sign(plane *P, slong vi, cutter *C)
{
    vert_s *v = P->V + vi;
    vsign_src S;
    cpwl_pred_src_struct src;
    int s = 0;

    if (v->stamp == P->stamp)
        return v->sgn;
    /* z_{l,j} is one continuous function of the input, and the form on
       any face agrees with it on the face's closure: a vertex made on
       the zero line of neuron (l, j) is a zero of it for every face (a
       bent hyperplane bends there).  Exact, and no arithmetic. */
    if (on_zero_of(P, v->l1, C) || on_zero_of(P, v->l2, C))
    {
        v->stamp = P->stamp;
        v->sgn = 0;
        return 0;
    }
    S.P = P;
    S.vert = vi;
    S.h = C->h;
    S.hx = NULL;
    S.hline = -1;
    src.get_arb = NULL;
    src.get_fmpq = vs_get_fmpq;
    src.data = &S;
    /* The double stage once (counted by cpwl_pred_sign_d); the exact row of
       the cutter is built only when it declines, and cpwl_pred_sign then goes
       straight to the exact stage. */
    src.get_d = NULL;
    for (S.part = v->inf ? 1 : 0; S.part >= 0; S.part--)
    {
        double dv, de;
        s = vs_get_d(&dv, &de, &S) ? cpwl_pred_sign_d(P->opts->pred, dv, de) : 2;
        if (s == 2)
        {
            if (!C->have_ex)
            {
                forms_row_fmpq(C->ex, P->g, P->F[C->snap].st,
                               C->layer, C->neuron);
                C->have_ex = 1;
            }
            S.hx = C->ex;
            s = cpwl_pred_sign(P->opts->pred, &src);
        }
        if (s != 0)
            break;
    }
    v = P->V + vi;
    v->stamp = P->stamp;
    v->sgn = s;
    return s;
}

/* ---- building vertices ----------------------------------------------- */

static void vert_set_from_exact(vert_s *v)
{
    v->x0 = iv_of_fmpq(v->ex + 0);
    v->x1 = iv_of_fmpq(v->ex + 1);
    v->y0 = iv_of_fmpq(v->ex + 2);
    v->y1 = iv_of_fmpq(v->ex + 3);
    v->inf = !fmpq_is_zero(v->ex + 1) || !fmpq_is_zero(v->ex + 3);
}

/* The vertex where the line `la` of an edge meets the cutting line. */
static slong cut_vertex(plane *P, slong la, slong lb)
{
    slong vi = new_vert(P);
    vert_s *v = P->V + vi;
    const line_s *A = P->L + la, *B = P->L + lb;
    iv D, c1a, c1b;
    v->l1 = la;
    v->l2 = lb;
    c1a.m = A->c1;
    c1b.m = B->c1;
    c1a.r = c1b.r = 0;
    D = iv_sub(iv_mul(A->a, B->b), iv_mul(B->a, A->b));
    if (iv_ok(D) && fabs(D.m) > D.r && !P->opts->pred->exact_only)
    {
        v->x0 = iv_div(iv_sub(iv_mul(A->b, B->c0), iv_mul(B->b, A->c0)), D);
        v->x1 = iv_div(iv_sub(iv_mul(A->b, c1b), iv_mul(B->b, c1a)), D);
        v->y0 = iv_div(iv_sub(iv_mul(A->c0, B->a), iv_mul(B->c0, A->a)), D);
        v->y1 = iv_div(iv_sub(iv_mul(c1a, B->a), iv_mul(c1b, A->a)), D);
        /* The M part is structurally zero when both lines are network
           lines; a box line makes it nonzero. */
        v->inf = A->c1 != 0 || B->c1 != 0;
        if (!v->inf)
        {
            v->x1.m = v->x1.r = v->y1.m = v->y1.r = 0;
        }
        if (iv_ok(v->x0) && iv_ok(v->x1) && iv_ok(v->y0) && iv_ok(v->y1))
            return vi;
    }
    r2_vert_exact(P, vi);
    vert_set_from_exact(P->V + vi);
    return vi;
}

static slong box_line(plane *P, slong a, slong b, const fmpq_t c0, slong c1)
{
    slong i = new_line(P);
    line_s *l = P->L + i;
    l->ex = _fmpq_vec_init(4);
    fmpq_set_si(l->ex + 0, a, 1);
    fmpq_set_si(l->ex + 1, b, 1);
    fmpq_set(l->ex + 2, c0);
    fmpq_set_si(l->ex + 3, c1, 1);
    l->a = iv_of_fmpq(l->ex + 0);
    l->b = iv_of_fmpq(l->ex + 1);
    l->c0 = iv_of_fmpq(l->ex + 2);
    l->c1 = (double) c1;
    l->snap = -1;
    return i;
}

/* ---- splitting a face ------------------------------------------------ */

/* A broken invariant of the subdivision: a bug, never bad input.  The
   first one is kept; cpwl_regions_2d then stops with an internal error. */
void r2_internal(plane *P, const char *what)
{
    if (P->bug == NULL)
        P->bug = what;
}

/* Replace neighbour `from` by `to` on the edge of face g that runs from
   vertex a to vertex b. */
static void relink(plane *P, slong g, slong a, slong b, slong from, slong to)
{
    face_s *G = P->F + g;
    slong i;
    for (i = 0; i < G->n; i++)
        if (G->v[i] == a && G->v[(i + 1) % G->n] == b && G->nb[i] == from)
        {
            G->nb[i] = to;
            return;
        }
    r2_internal(P, "the twin of an edge is missing");
}

/* Insert vertex w into the edge of face g that runs from a to b. */
static void insert_on_edge(plane *P, slong g, slong a, slong b, slong w)
{
    face_s *G = P->F + g;
    slong i, k;
    for (i = 0; i < G->n; i++)
        if (G->v[i] == a && G->v[(i + 1) % G->n] == b)
        {
            face_reserve(G, G->n + 1);
            for (k = G->n; k > i + 1; k--)
            {
                G->v[k] = G->v[k - 1];
                G->nb[k] = G->nb[k - 1];
                G->ln[k] = G->ln[k - 1];
            }
            G->v[i + 1] = w;
            G->nb[i + 1] = G->nb[i];
            G->ln[i + 1] = G->ln[i];
            G->n++;
            return;
        }
    r2_internal(P, "the twin of a split edge is missing");
}

/* Split face fi by the cutter (signs s of its vertices are mixed).  The
   face keeps the positive side; the new face (returned) gets the
   negative side. */
slong r2_split_face(plane *P, slong fi, const int *s, cutter *C)
{
    slong n = P->F[fi].n, i, k, qi, first;
    slong *v, *nb, *ln;
    slong cut[2], ncut = 0;
    face_s *f, *q;

    /* Copy the old boundary: the face arrays are rebuilt. */
    /* one scratch block for the old boundary and the two new ones */
    if (P->asbuf < 9 * (n + 2))
    {
        P->asbuf = FLINT_MAX(9 * (n + 2), 2 * P->asbuf);
        P->sbuf = flint_realloc(P->sbuf, P->asbuf * sizeof(slong));
    }
    v = P->sbuf;
    nb = v + n;
    ln = v + 2 * n;
    f = P->F + fi;
    memcpy(v, f->v, n * sizeof(slong));
    memcpy(nb, f->nb, n * sizeof(slong));
    memcpy(ln, f->ln, n * sizeof(slong));

    if (C->line < 0)
    {
        line_s *l;
        C->line = new_line(P);
        l = P->L + C->line;
        l->a = C->h[0];
        l->b = C->h[1];
        l->c0 = C->h[2];
        l->c1 = 0;
        l->snap = C->snap;
        l->layer = C->layer;
        l->neuron = C->neuron;
        if (C->have_ex)
        {
            l->ex = _fmpq_vec_init(4);
            qvec_set(l->ex, C->ex, 3);
        }
    }

    qi = new_face(P);
    f = P->F + fi;
    q = P->F + qi;
    memcpy(q->st, f->st, FLINT_MAX(P->ns, 1));

    /* Walk the boundary; positive (and zero) vertices go to f, negative
       (and zero) to q; a strict sign change inside an edge creates a
       vertex on it (and on the neighbour's twin edge). */
    {
        slong *pv = P->sbuf + 3 * n;
        slong *pn = pv + (n + 2), *pl = pv + 2 * (n + 2);
        slong np = 0;
        slong *mv = pv + 3 * (n + 2);
        slong *mn = mv + (n + 2), *ml = mv + 2 * (n + 2);
        slong nm = 0;
        /* Start at a negative vertex, so that each side is one run. */
        for (first = 0; s[first] >= 0; first++)
            ;
        for (k = 0; k < n; k++)
        {
            slong a = (first + k) % n, b = (a + 1) % n;
            slong va = v[a], vb = v[b];
            int sa = s[a], sb = s[b];
            /* vertex a itself */
            if (sa >= 0)
            {
                pv[np] = va; pn[np] = nb[a]; pl[np] = ln[a]; np++;
            }
            if (sa <= 0)
            {
                mv[nm] = va; mn[nm] = nb[a]; ml[nm] = ln[a]; nm++;
            }
            if (sa == 0)
                cut[ncut++] = va;
            if ((sa > 0 && sb < 0) || (sa < 0 && sb > 0))
            {
                slong w = cut_vertex(P, ln[a], C->line);
                /* w lies on the cutting line by construction. */
                P->V[w].stamp = P->stamp;
                P->V[w].sgn = 0;
                if (nb[a] >= 0)
                    insert_on_edge(P, nb[a], vb, va, w);
                pv[np] = w; pn[np] = nb[a]; pl[np] = ln[a]; np++;
                mv[nm] = w; mn[nm] = nb[a]; ml[nm] = ln[a]; nm++;
                cut[ncut++] = w;
            }
        }
        /* A convex face meets a line in at most two boundary points. */
        if (ncut != 2)
        {
            r2_internal(P, "a convex face met a line in more than two points");
            return qi;
        }
        /* In each part, the edge between the two cut points is the chord:
           it lies on the cutting line and has the other part beyond. */
        f = P->F + fi;
        q = P->F + qi;
        f->n = 0;
        q->n = 0;
        for (i = 0; i < np; i++)
            face_push(f, pv[i], pn[i], pl[i]);
        for (i = 0; i < nm; i++)
            face_push(q, mv[i], mn[i], ml[i]);
        for (i = 0; i < f->n; i++)
        {
            slong a = f->v[i], b = f->v[(i + 1) % f->n];
            if ((a == cut[0] && b == cut[1]) || (a == cut[1] && b == cut[0]))
            {
                f->nb[i] = qi;
                f->ln[i] = C->line;
            }
        }
        for (i = 0; i < q->n; i++)
        {
            slong a = q->v[i], b = q->v[(i + 1) % q->n];
            if ((a == cut[0] && b == cut[1]) || (a == cut[1] && b == cut[0]))
            {
                q->nb[i] = fi;
                q->ln[i] = C->line;
            }
        }
    }
    P->F[fi].bb_ok = 0;
    P->F[qi].bb_ok = 0;
    /* Edges now in q: their twins must point to q. */
    q = P->F + qi;
    for (i = 0; i < q->n; i++)
    {
        slong g = q->nb[i];
        if (g >= 0 && g != fi)
            relink(P, g, q->v[(i + 1) % q->n], q->v[i], fi, qi);
    }
    return qi;
}

/* ---- the refinement -------------------------------------------------- */

/* The first face: the box, or the symbolic box [-M, M]^2. */
void r2_plane_start(plane *P, const fmpq *lo, const fmpq *hi)
{
    slong f = new_face(P), c[4], l[4], i;
    fmpq_t t;
    memset(P->F[f].st, 0, FLINT_MAX(P->ns, 1));
    fmpq_init(t);
    for (i = 0; i < 4; i++)
    {
        /* corners counter-clockwise: (lo,lo), (hi,lo), (hi,hi), (lo,hi) */
        int xhi = (i == 1 || i == 2), yhi = (i >= 2);
        vert_s *v;
        c[i] = new_vert(P);
        v = P->V + c[i];
        v->l1 = v->l2 = -1;
        v->ex = _fmpq_vec_init(4);
        if (lo)
        {
            fmpq_set(v->ex + 0, xhi ? hi + 0 : lo + 0);
            fmpq_set(v->ex + 2, yhi ? hi + 1 : lo + 1);
        }
        else
        {
            fmpq_set_si(v->ex + 1, xhi ? 1 : -1, 1);
            fmpq_set_si(v->ex + 3, yhi ? 1 : -1, 1);
        }
        vert_set_from_exact(v);
    }
    /* bottom y = lo1, right x = hi0, top y = hi1, left x = lo0 */
    for (i = 0; i < 4; i++)
    {
        int vertical = (i == 1 || i == 3);
        int high = (i == 1 || i == 2);
        if (lo)
        {
            fmpq_neg(t, vertical ? (high ? hi + 0 : lo + 0)
                     : (high ? hi + 1 : lo + 1));
            l[i] = box_line(P, vertical, !vertical, t, 0);
        }
        else
        {
            fmpq_zero(t);
            l[i] = box_line(P, vertical, !vertical, t, high ? -1 : 1);
        }
    }
    for (i = 0; i < 4; i++)
        face_push(P->F + f, c[i], -1, l[i]);
    fmpq_clear(t);
}

int r2_face_box(plane *P, slong fi)
{
    face_s *f = P->F + fi;
    slong i;
    iv X = iv_set(0, 0), Y = iv_set(0, 0);
    if (f->bb_ok)
        return f->bb_ok > 0;
    f->bb_ok = 1;
    for (i = 0; i < f->n; i++)
    {
        const vert_s *v = P->V + f->v[i];
        if (v->inf)
        {
            f->bb_ok = -1;
            return 0;
        }
        X = i ? iv_hull(X, v->x0) : v->x0;
        Y = i ? iv_hull(Y, v->y0) : v->y0;
    }
    if (!iv_ok(X) || !iv_ok(Y))
        f->bb_ok = -1;
    f->bx = X;
    f->by = Y;
    return f->bb_ok > 0;
}
