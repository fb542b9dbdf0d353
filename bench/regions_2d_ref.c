/* The reference path of bench_regions (issue 12), compiled into that
   benchmark only, never into the library: src/regions_2d.c as it was at
   commit 03fec77, before the 2-D rewrite (carried forms, batched products,
   threads).  Issue 12 asks for exact 2-D regions several times faster
   than the float32 edge-subdivision tool (Berzins, ICML 2023); PyTorch
   cannot be installed here, so the fallback applies: the ratio
   against the previous cpwl algorithm, measured in the same run, and the
   region counts of both must agree.

   Changes from the original: the entry point is regions_2d_ref (the
   others were already static) and this comment.  Keep the rest as it
   was, so that the "before" figures stay comparable.  Like cpwl_regions_2d it
   takes the restricted net (cpwl_dom_restrict_net) and its box or NULL. */

/* Activation regions in two dimensions: exact refinement of a planar
   subdivision into convex polygons, layer by layer.

   On a face whose pattern is fixed for layers < l, every neuron of layer l
   is affine (forms.h), so its zero set is a line that splits the
   face or not.  The faces form a subdivision with twin edges (each edge
   knows the face on its other side), so that the facet adjacency needed
   for linear regions is exact and free at the end.

   All of R^2 is handled exactly with a symbolic box [-M, M]^2, M -> oo: a
   coordinate is x0 + x1 M, and a sign is the sign of the M coefficient,
   or of the constant when that is 0.  For all large M the subdivision of
   the box has one face per region of R^2 (the box then contains every
   vertex), so the count is exact, not a guess from a finite box.

   Geometry is lazy (issue 3: vertex coordinates of deep float nets need
   hundreds of bits): lines and vertices carry double values with proven
   error radii; a sign that the radii cannot decide is recomputed from the
   exact line coefficients (forms_row_fmpq) and exact vertices (Cramer's
   rule), both built only on demand.  Every sign goes through the
   predicate layer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "interval.h"
#include "cpwl/regions.h"
#include "forms.h"
#include "cpwl/num.h"

/* ---- lines, vertices, faces ------------------------------------------ */

/* A line a x + b y + c0 + c1 M = 0.  Network lines have c1 = 0; box
   lines of R^2 have c1 = +-1.  Exact coefficients are built on demand from
   the recipe (the pattern snapshot, layer and neuron). */
typedef struct
{
    iv a, b, c0;
    double c1;                  /* exact: 0, 1 or -1 */
    fmpq *ex;                   /* NULL or (a, b, c0, c1) */
    slong snap, layer, neuron;  /* recipe; snap < 0 for box lines */
}
line_s;

/* A vertex (x0 + x1 M, y0 + y1 M): the crossing of lines l1 and l2, or a
   box corner (l1 < 0). */
typedef struct
{
    iv x0, x1, y0, y1;
    int inf;                    /* x1 or y1 may be nonzero */
    fmpq *ex;                   /* NULL or (x0, x1, y0, y1) */
    slong l1, l2;
    slong stamp;                /* sign cache: (face instance, neuron) */
    int sgn;
}
vert_s;

/* A convex face: vertices counter-clockwise; edge i runs from v[i] to
   v[i+1] on line ln[i] with face nb[i] on its other side (-1: domain
   boundary). */
typedef struct
{
    slong n, alloc;
    slong *v, *nb, *ln;
    unsigned char *st;
}
face_s;

typedef struct
{
    const cpwl_net_struct *g;
    const cpwl_regions_opts *opts;
    slong ns;                   /* states per pattern */
    line_s *L;
    slong nl, al;
    vert_s *V;
    slong nv, av;
    face_s *F;
    slong nf, af;
    double *oZ, *oE;            /* per face: output forms, m x 3, bounds */
    slong ao;                   /* faces with room in oZ, oE */
    slong lstat;                /* the last layer with states */
    double *tA, *tE, *tB, *tF;  /* scratch, 3 x widest layer */
    unsigned char *snaps;       /* pattern snapshots, ns bytes each */
    slong nsnap, asnap;
    slong stamp;                /* current (face instance, neuron) */
    const char *bug;            /* a broken invariant (internal error) */
}
plane;

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
    f->st = flint_calloc(FLINT_MAX(P->ns, 1), 1);
    return P->nf++;
}

static void face_reserve(face_s *f, slong n)
{
    if (n > f->alloc)
    {
        f->alloc = FLINT_MAX(n, 2 * f->alloc);
        f->v = flint_realloc(f->v, f->alloc * sizeof(slong));
        f->nb = flint_realloc(f->nb, f->alloc * sizeof(slong));
        f->ln = flint_realloc(f->ln, f->alloc * sizeof(slong));
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

static slong new_snap(plane *P, const unsigned char *st)
{
    slong ns = FLINT_MAX(P->ns, 1);
    if (P->nsnap == P->asnap)
    {
        P->asnap = FLINT_MAX(64, 2 * P->asnap);
        P->snaps = flint_realloc(P->snaps, P->asnap * ns);
    }
    memcpy(P->snaps + P->nsnap * ns, st, ns);
    return P->nsnap++;
}

static void plane_clear(plane *P)
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
        flint_free(P->F[i].nb);
        flint_free(P->F[i].ln);
        flint_free(P->F[i].st);
    }
    flint_free(P->L);
    flint_free(P->V);
    flint_free(P->F);
    flint_free(P->snaps);
    flint_free(P->oZ);
    flint_free(P->oE);
    flint_free(P->tA);
    flint_free(P->tE);
    flint_free(P->tB);
    flint_free(P->tF);
}

/* ---- exact values on demand ------------------------------------------ */

static const fmpq *line_exact(plane *P, slong i)
{
    line_s *l = P->L + i;
    if (l->ex == NULL)
    {
        fmpq *row = _fmpq_vec_init(3);
        forms_row_fmpq(row, P->g, P->snaps + l->snap * FLINT_MAX(P->ns, 1),
                       l->layer, l->neuron);
        l->ex = _fmpq_vec_init(4);
        qvec_set(l->ex, row, 3);
        _fmpq_vec_clear(row, 3);
    }
    return l->ex;
}

/* The crossing of lines a and b by Cramer's rule; the lines are not
   parallel when called (they cross inside an edge). */
static void cross_exact(fmpq *x, plane *P, slong la, slong lb)
{
    const fmpq *A = line_exact(P, la), *B = line_exact(P, lb);
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

static const fmpq *vert_exact(plane *P, slong i)
{
    vert_s *v = P->V + i;
    if (v->ex == NULL)
    {
        fmpq *x = _fmpq_vec_init(4);
        cross_exact(x, P, v->l1, v->l2);
        P->V[i].ex = x;         /* P->V may not move here: no allocation */
    }
    return P->V[i].ex;
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
    const fmpq *x = vert_exact(S->P, S->vert);
    const fmpq *h = S->hx ? S->hx : line_exact(S->P, S->hline);
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

/* The current splitting form: double coefficients with radii and the
   exact row built only when a sign needs it. */
typedef struct
{
    iv h[3];
    int have_ex;
    fmpq *ex;                   /* 3 entries */
    slong snap, layer, neuron;
    slong line;                 /* line record once it cuts (-1 before) */
}
cutter;

static int on_zero_of(const plane *P, slong li, const cutter *C)
{
    const line_s *l;
    if (li < 0)
        return 0;
    l = P->L + li;
    return l->snap >= 0 && l->layer == C->layer && l->neuron == C->neuron;
}

static int vert_sign(plane *P, slong vi, cutter *C)
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
    src.get_d = vs_get_d;
    src.get_arb = NULL;
    src.get_fmpq = vs_get_fmpq;
    src.data = &S;
    /* The exact row of the cutter is built only when the filter declines
       (then cpwl_pred_sign needs the exact stage). */
    for (S.part = v->inf ? 1 : 0; S.part >= 0; S.part--)
    {
        double dv, de;
        int f = 2;
        if (!P->opts->pred->exact_only && vs_get_d(&dv, &de, &S))
            f = cpwl_pred_sign_d_filter(dv, de);
        if (f == 2 && !C->have_ex)
        {
            forms_row_fmpq(C->ex, P->g, P->snaps + C->snap * FLINT_MAX(P->ns, 1),
                           C->layer, C->neuron);
            C->have_ex = 1;
        }
        S.hx = C->ex;
        s = cpwl_pred_sign(P->opts->pred, &src);
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
    vert_exact(P, vi);
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
static void internal(plane *P, const char *what)
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
    internal(P, "the twin of an edge is missing");
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
    internal(P, "the twin of a split edge is missing");
}

/* Split face fi by the cutter (signs s of its vertices are mixed).  The
   face keeps the positive side; the new face (returned) gets the
   negative side. */
static slong split_face(plane *P, slong fi, const int *s, cutter *C)
{
    slong n = P->F[fi].n, i, k, qi, first;
    slong *v, *nb, *ln;
    slong cut[2], ncut = 0;
    face_s *f, *q;

    /* Copy the old boundary: the face arrays are rebuilt. */
    v = flint_malloc(3 * n * sizeof(slong));
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
        slong *pv = flint_malloc(3 * (n + 2) * sizeof(slong));
        slong *pn = pv + (n + 2), *pl = pv + 2 * (n + 2);
        slong np = 0;
        slong *mv = flint_malloc(3 * (n + 2) * sizeof(slong));
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
            internal(P, "a convex face met a line in more than two points");
            flint_free(pv);
            flint_free(mv);
            flint_free(v);
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
        flint_free(pv);
        flint_free(mv);
    }
    /* Edges now in q: their twins must point to q. */
    q = P->F + qi;
    for (i = 0; i < q->n; i++)
    {
        slong g = q->nb[i];
        if (g >= 0 && g != fi)
            relink(P, g, q->v[(i + 1) % q->n], q->v[i], fi, qi);
    }
    flint_free(v);
    return qi;
}

/* ---- the refinement -------------------------------------------------- */

/* The first face: the box, or the symbolic box [-M, M]^2. */
static void plane_start(plane *P, const fmpq *lo, const fmpq *hi)
{
    slong f = new_face(P), c[4], l[4], i;
    fmpq_t t;
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

static int check_stop(plane *P, cpwl_regions_t R)
{
    const cpwl_regions_opts *o = P->opts;
    if (o->max_regions > 0 && P->nf > o->max_regions)
        R->stopped = CPWL_REGIONS_STOP_LIMIT;
    else if (o->interrupt && *o->interrupt)
        R->stopped = CPWL_REGIONS_STOP_INTERRUPT;
    return R->stopped;
}

/* The double output map of face fi, from the forms Z, E of the last
   layer with states (their parent's: the same on every piece). */
static void face_output_d(plane *P, slong fi, slong l, const double *Z,
                          const double *E)
{
    const cpwl_net_struct *g = P->g;
    slong m = cpwl_net_output_dim(g), len = 3 * m, k, w = g->layers[l].out;
    double *A = P->tA, *EA = P->tE, *B = P->tB, *EB = P->tF, *t;
    int ok = 1;

    if (P->ao < P->nf)
    {
        P->ao = FLINT_MAX(P->nf, 2 * P->ao);
        P->oZ = flint_realloc(P->oZ, P->ao * len * sizeof(double));
        P->oE = flint_realloc(P->oE, P->ao * len * sizeof(double));
    }
    memcpy(A, Z, 3 * w * sizeof(double));
    memcpy(EA, E, 3 * w * sizeof(double));
    forms_act_d(A, EA, g, l, P->F[fi].st);
    for (k = l + 1; k < g->nlayers && ok; k++)
    {
        ok = forms_affine_d(B, EB, g, k, A, EA);
        forms_act_d(B, EB, g, k, P->F[fi].st);
        t = A; A = B; B = t;
        t = EA; EA = EB; EB = t;
    }
    memcpy(P->oZ + fi * len, A, len * sizeof(double));
    memcpy(P->oE + fi * len, EA, len * sizeof(double));
    if (!ok)
        P->oE[fi * len] = INFINITY;
}

/* Whether to stop now: more faces than max_regions (faces only ever
   split, so the count is a lower bound) or an interrupt.  Checked per
   neuron and per split, since one face of the first layer alone may
   split into millions. */
static int should_stop(const plane *P)
{
    const cpwl_regions_opts *o = P->opts;
    return (o->max_regions > 0 && P->nf > o->max_regions)
           || (o->interrupt && *o->interrupt);
}

/* Split face f0 (and its pieces) by every neuron of layer l; stops early
   (leaving the states unfinished) when should_stop says so. */
static void refine_face(plane *P, slong f0, slong l, slong off,
                        double *Zd, double *Ze, cutter *C)
{
    const cpwl_net_layer_struct *L = P->g->layers + l;
    slong *pieces, np = 1, npo, pa = 8, j, k, i;
    int *s = NULL, stop = 0;
    slong sa = 0;
    int ok = forms_layer_d(Zd, Ze, P->g, P->F[f0].st, l);

    pieces = flint_malloc(pa * sizeof(slong));
    pieces[0] = f0;
    C->snap = new_snap(P, P->F[f0].st);
    for (j = 0; j < L->out && P->bug == NULL && !stop; j++)
    {
        if ((stop = should_stop(P)))
            break;
        C->layer = l;
        C->neuron = j;
        C->line = -1;
        C->have_ex = 0;
        for (k = 0; k < 3; k++)
        {
            C->h[k].m = ok ? Zd[3 * j + k] : 0;
            C->h[k].r = ok ? Ze[3 * j + k] : INFINITY;
        }
        P->stamp++;
        /* Pieces cut off by this neuron are decided: only the pieces
           present before it are visited. */
        for (k = 0, npo = np; k < npo; k++)
        {
            slong fi = pieces[k], n = P->F[fi].n;
            int pos = 0, neg = 0;
            if (n > sa)
            {
                sa = 2 * n;
                s = flint_realloc(s, sa * sizeof(int));
            }
            for (i = 0; i < n; i++)
            {
                s[i] = vert_sign(P, P->F[fi].v[i], C);
                pos |= s[i] > 0;
                neg |= s[i] < 0;
            }
            if (pos && neg)
            {
                slong q = split_face(P, fi, s, C);
                if (P->bug != NULL)
                    break;
                P->F[fi].st[off + j] = 1;
                P->F[q].st[off + j] = 0;
                if (np == pa)
                {
                    pa *= 2;
                    pieces = flint_realloc(pieces, pa * sizeof(slong));
                }
                pieces[np++] = q;
                if ((stop = should_stop(P)))
                    break;
            }
            else
                P->F[fi].st[off + j] = pos;     /* z = 0 is off */
        }
    }
    if (l == P->lstat && P->opts->linear && !stop)
        for (k = 0; k < np; k++)
        {
            if (ok)
                face_output_d(P, pieces[k], l, Zd, Ze);
            else
            {
                face_output_d(P, pieces[k], l, Zd, Zd);
                P->oE[pieces[k] * 3 * cpwl_net_output_dim(P->g)] = INFINITY;
            }
        }
    flint_free(s);
    flint_free(pieces);
}

/* ---- cells ----------------------------------------------------------- */

/* A rational interior point: the centroid C of the (symbolic) vertices,
   with M chosen so that C lies on the interior side of every network
   edge: h(C) = alpha + beta M must have its limit sign, so M > -alpha/beta
   wherever the two signs differ. */
static void face_point(fmpq *pt, plane *P, slong fi)
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
        const fmpq *x = vert_exact(P, f->v[i]);
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
        h = line_exact(P, f->ln[i]);
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
static void face_verts(cpwl_regions_cell_struct *c, plane *P, slong fi)
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
        const fmpq *x = vert_exact(P, f->v[i]);
        const fmpq *xp = vert_exact(P, f->v[(i + n - 1) % n]);
        const fmpq *xn = vert_exact(P, f->v[(i + 1) % n]);
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

int regions_2d_ref(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo,
                   const fmpq *hi, const cpwl_regions_opts *opts, cpwl_err_t e)
{
    plane P;
    cutter C;
    slong l, i, j, wmax = 1, nf0;
    double *Zd, *Ze;

    if (g->input_dim != 2)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "regions_2d_ref: input "
                            "dimension %ld", (long) g->input_dim);
    memset(&P, 0, sizeof P);
    P.g = g;
    P.opts = opts;
    P.ns = R->nstates;
    P.stamp = 0;
    plane_start(&P, lo, hi);
    for (l = 0; l < g->nlayers; l++)
        wmax = FLINT_MAX(wmax, g->layers[l].out);
    Zd = flint_malloc(3 * wmax * sizeof(double));
    Ze = flint_malloc(3 * wmax * sizeof(double));
    P.tA = flint_malloc(3 * wmax * sizeof(double));
    P.tE = flint_malloc(3 * wmax * sizeof(double));
    P.tB = flint_malloc(3 * wmax * sizeof(double));
    P.tF = flint_malloc(3 * wmax * sizeof(double));
    P.lstat = -1;
    for (l = 0; l < g->nlayers; l++)
        if (forms_state_offset(g, l) >= 0)
            P.lstat = l;
    C.ex = _fmpq_vec_init(3);

    for (l = 0; l < g->nlayers && !R->stopped && P.bug == NULL; l++)
    {
        slong off = forms_state_offset(g, l);
        if (off < 0)
            continue;
        nf0 = P.nf;
        for (i = 0; i < nf0; i++)
        {
            refine_face(&P, i, l, off, Zd, Ze, &C);
            if (P.bug != NULL)
                break;
            if (check_stop(&P, R))
                break;
            if (opts->progress && (i & 255) == 0)
                opts->progress(opts->progress_data, l, g->nlayers, P.nf);
        }
        if (opts->progress)
            opts->progress(opts->progress_data, l + 1, g->nlayers, P.nf);
    }

    if (P.bug != NULL)
    {
        cpwl_err_set(e, CPWL_ERR_INTERNAL, "internal error in the 2-D region "
                     "algorithm: %s", P.bug);
        _fmpq_vec_clear(C.ex, 3);
        flint_free(Zd);
        flint_free(Ze);
        plane_clear(&P);
        return CPWL_ERR_INTERNAL;
    }
    if (R->stopped)
        R->lower_bound = P.nf;  /* a refinement of the regions so far */
    for (i = 0; i < P.nf && !R->stopped; i++)
    {
        cpwl_regions_cell_struct *c = cpwl_regions_add_cell(R);
        memcpy(c->state, P.F[i].st, R->nstates);
        if (opts->points)
        {
            c->point = _fmpq_vec_init(2);
            face_point(c->point, &P, i);
        }
        if (opts->maps)
        {
            c->grad = _fmpq_vec_init(2 * R->m);
            c->offset = _fmpq_vec_init(R->m);
            cpwl_regions_cell_map(c->grad, c->offset, g, c->state);
        }
        if (opts->verts)
            face_verts(c, &P, i);
        else
        {
            c->bounded = 1;
            for (j = 0; j < P.F[i].n; j++)
                if (P.V[P.F[i].v[j]].inf)
                    c->bounded = 0;
        }
    }

    if (opts->linear && !R->stopped)
    {
        /* Twin edges give the facet adjacency exactly. */
        slong np = 0, pa = 64, *pairs = flint_malloc(2 * pa * sizeof(slong));
        for (i = 0; i < P.nf; i++)
            for (j = 0; j < P.F[i].n; j++)
            {
                slong nb = P.F[i].nb[j];
                if (nb > i)
                {
                    if (np == pa)
                    {
                        pa *= 2;
                        pairs = flint_realloc(pairs, 2 * pa * sizeof(slong));
                    }
                    pairs[2 * np] = i;
                    pairs[2 * np + 1] = nb;
                    np++;
                }
            }
        cpwl_regions_merge_linear_d(R, g, pairs, np, P.lstat >= 0 ? P.oZ : NULL,
                                    P.lstat >= 0 ? P.oE : NULL, opts->pred);
        flint_free(pairs);
    }

    _fmpq_vec_clear(C.ex, 3);
    flint_free(Zd);
    flint_free(Ze);
    plane_clear(&P);
    return CPWL_OK;
}
