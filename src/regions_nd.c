/* Activation regions in any dimension: H-polyhedra refined layer by layer
   with exact LP (see cpwl/regions.h).

   A polyhedron is an open set {y : h_k(y) > 0 for all k} with a rational
   interior point p and the pattern of the layers decided so far.  Each
   constraint h_k is a primitive integer row (g, c), h(y) = g.y + c: the
   pre-activation z of an on neuron, -z of an off neuron, or a box face.
   While a layer is processed, the pattern of the earlier layers is fixed,
   so every neuron of the layer is one affine form z on the polyhedron and
   on all its pieces:
     - z constant (g = 0): decided by the sign of c (z = 0 is off, SPEC
       section 2) for every piece, no cut;
     - otherwise z cuts P (both open sides nonempty) iff z(p) = 0 (p is
       interior), or some known interior point has the sign opposite to
       z(p), or the exact LP test lp_interior finds a point with every
       h_k > 0 and -sign(z(p)) z > 0 (then inside the other side).  If z
       does not cut P, the whole of P has the sign of z(p).
   Each polyhedron first drops the neurons that do not cut it (deciding
   their states), then splits on the first one that does; both pieces go
   on with the remaining ones (a neuron that does not cut P cuts no piece
   of P).  Interior points found by LPs are kept as witnesses and handed
   to the piece they lie in, which saves the LPs of many later cuts.
   Before any witness or LP, a proven outer box of doubles kept for every
   polyhedron (regions_nd_box.c) settles the neurons whose form has one
   sign on the whole box.  The forms themselves come from the parent's,
   one product per layer (regions_nd_forms.c).  The
   pattern sets with nonempty interior are exactly the leaves (each such
   set contains a ball on which every form that is not identically zero
   has a constant nonzero sign).

   Between layers every polyhedron drops its redundant constraints, so
   that the LPs stay small: a constraint is kept iff lp_interior finds a
   point with all others > 0 and it < 0 (one positive on the box is
   dropped without an LP).  Ray shooting from p finds most of the
   facets first without an LP (the first constraint hit along a ray, when
   it is hit alone, is a facet).

   Linear regions (regions_nd_linear.c): every cell that shares its
   affine map with another cell is reduced to its facets (an irredundant
   system of a
   full-dimensional polyhedron is unique up to positive scaling, and the
   rows are primitive integers, so facets compare exactly).  Two cells
   whose closures share a (d-1)-dimensional face F have facets on the same
   hyperplane H = aff F with opposite orientations, so candidate pairs are
   cells with the same map and opposite facets h, -h; a pair is adjacent
   iff some point has h = 0 and every other constraint of both cells > 0
   (lp_interior; constraints that are multiples of h vanish on H and are
   left out).  Cells that meet only in a face of lower dimension give t <= 0.
   Pairs already connected are not tested: only the components matter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "interval.h"
#include "regions_impl.h"
#include "regions_nd_impl.h"
#include "cpwl/regions.h"
#include "forms.h"
#include "lp.h"

/* Report progress every this many LPs within a layer. */
#define PROGRESS_LPS 4096

/* Rounds of bound propagation over a new piece's constraints. */
#define BOX_PASSES 2

/* ---- polyhedra -------------------------------------------------------- */

static poly_struct *poly_new(slong ns, slong d)
{
    poly_struct *P = flint_calloc(1, sizeof(poly_struct));
    P->state = flint_calloc(FLINT_MAX(ns, 1), 1);
    P->p = _fmpq_vec_init(d);
    P->box = flint_malloc(2 * FLINT_MAX(d, 1) * sizeof(double));
    return P;
}

/* Drop what only the current layer needs. */
static void poly_end_layer(poly_struct *P, slong d)
{
    flint_free(P->cand);
    P->cand = NULL;
    P->ncand = 0;
    if (P->w != NULL)
        _fmpq_vec_clear(P->w, NWIT * d);
    P->w = NULL;
    P->nw = P->wnext = 0;
}

static void poly_free(poly_struct *P, slong d, slong m)
{
    if (P == NULL)
        return;
    poly_end_layer(P, d);
    nd_forms_release(P->forms);
    if (P->map != NULL)
        _fmpq_vec_clear(P->map, m * (d + 1));
    flint_free(P->state);
    _fmpq_vec_clear(P->p, d);
    flint_free(P->box);
    if (P->alloc)
        _fmpq_vec_clear(P->h, P->alloc * (d + 1));
    flint_free(P);
}

/* Append the row (or its negation). */
static void poly_add(poly_struct *P, const fmpq *row, int neg, slong d)
{
    slong c = d + 1, i;
    fmpq *r;
    if (P->m == P->alloc)
    {
        slong a = FLINT_MAX(8, 2 * P->alloc);
        P->h = flint_realloc(P->h, a * c * sizeof(fmpq));
        for (i = P->alloc * c; i < a * c; i++)
            fmpq_init(P->h + i);
        P->alloc = a;
    }
    r = P->h + P->m * c;
    for (i = 0; i < c; i++)
    {
        if (neg)
            fmpq_neg(r + i, row + i);
        else
            fmpq_set(r + i, row + i);
    }
    P->m++;
}

static poly_struct *poly_copy(const poly_struct *P, slong ns, slong d)
{
    poly_struct *Q = poly_new(ns, d);
    slong k;
    memcpy(Q->state, P->state, FLINT_MAX(ns, 1));
    qvec_set(Q->p, P->p, d);
    memcpy(Q->box, P->box, 2 * d * sizeof(double));
    for (k = 0; k < P->m; k++)
        poly_add(Q, P->h + k * (d + 1), 0, d);
    Q->nclean = P->nclean;
    return Q;
}

/* Keep the interior point x as a witness (replacing an old one when
   full). */
static void poly_add_witness(poly_struct *P, const fmpq *x, slong d)
{
    slong k;
    if (P->w == NULL)
        P->w = _fmpq_vec_init(NWIT * d);
    if (P->nw < NWIT)
        k = P->nw++;
    else
        k = P->wnext++ % NWIT;
    qvec_set(P->w + k * d, x, d);
}

/* Remove constraint k (order is not kept). */
static void poly_remove(poly_struct *P, slong k, slong d)
{
    slong c = d + 1, i;
    if (k != P->m - 1)
        for (i = 0; i < c; i++)
            fmpq_swap(P->h + k * c + i, P->h + (P->m - 1) * c + i);
    P->m--;
}

static void plist_push(plist *L, poly_struct *P)
{
    if (L->n == L->alloc)
    {
        L->alloc = FLINT_MAX(16, 2 * L->alloc);
        L->v = flint_realloc(L->v, L->alloc * sizeof(poly_struct *));
    }
    L->v[L->n++] = P;
}

static void plist_clear(plist *L, slong d, slong m)
{
    slong i;
    for (i = 0; i < L->n; i++)
        poly_free(L->v[i], d, m);
    flint_free(L->v);
    memset(L, 0, sizeof(plist));
}

/* ---- forms ------------------------------------------------------------ */

/* out = the primitive integer row with the same sign as in (a positive
   multiple): the same half-space, and equal half-spaces compare equal.
   Returns whether the gradient part (the first d entries) is nonzero. */
static int row_primitive(fmpq *out, const fmpq *in, slong d)
{
    slong c = d + 1, i;
    fmpz *num = _fmpz_vec_init(c);
    fmpz_t den, g;
    int nz;

    fmpz_init(den);
    fmpz_init(g);
    _fmpq_vec_get_fmpz_vec_fmpz(num, den, in, c);
    _fmpz_vec_content(g, num, c);
    if (!fmpz_is_zero(g) && !fmpz_is_one(g))
        _fmpz_vec_scalar_divexact_fmpz(num, num, c, g);
    for (i = 0; i < c; i++)
    {
        fmpz_swap(fmpq_numref(out + i), num + i);
        fmpz_one(fmpq_denref(out + i));
    }
    nz = !qvec_is_zero(out, d);
    fmpz_clear(den);
    fmpz_clear(g);
    _fmpz_vec_clear(num, c);
    return nz;
}

/* The same from an integer row (a positive multiple of the form). */
static int row_primitive_z(fmpq *out, const fmpz *in, slong d)
{
    slong c = d + 1, i;
    fmpz_t g;
    int nz;

    fmpz_init(g);
    _fmpz_vec_content(g, in, c);
    for (i = 0; i < c; i++)
    {
        if (fmpz_is_zero(g) || fmpz_is_one(g))
            fmpz_set(fmpq_numref(out + i), in + i);
        else
            fmpz_divexact(fmpq_numref(out + i), in + i, g);
        fmpz_one(fmpq_denref(out + i));
    }
    nz = !qvec_is_zero(out, d);
    fmpz_clear(g);
    return nz;
}

/* The sign of h(p) as a question for the predicate layer. */
typedef struct
{
    const fmpq *h, *p;
    slong d;
}
rowpt_src;

static void rowpt_get_fmpq(fmpq_t v, void *data)
{
    rowpt_src *S = data;
    qvec_form_eval(v, S->h, S->p, S->d);
}

/* Double value with a proven bound (iv_row_point). */
static int rowpt_get_d(double *v, double *err, void *data)
{
    rowpt_src *S = data;
    iv z;
    if (!iv_row_point(&z, S->h, S->p, S->d))
        return 0;
    *v = z.m;
    *err = z.r;
    return 1;
}

/* A ball for the cases where the double sum cancels too much (large
   integer rows near their zero). */
static void rowpt_get_arb(arb_t v, slong prec, void *data)
{
    rowpt_src *S = data;
    slong i;
    arb_t t;
    arb_init(t);
    arb_set_round_fmpz(v, fmpq_numref(S->h + S->d), prec);
    for (i = 0; i < S->d; i++)
        if (!fmpq_is_zero(S->h + i))
        {
            arb_set_fmpq(t, S->p + i, prec);
            arb_addmul_fmpz(v, t, fmpq_numref(S->h + i), prec);
        }
    arb_clear(t);
}

static int sign_at(cpwl_pred_ctx_t ctx, const fmpq *h, const fmpq *p, slong d)
{
    rowpt_src S;
    cpwl_pred_src_struct src;
    S.h = h;
    S.p = p;
    S.d = d;
    src.get_d = rowpt_get_d;
    src.get_arb = rowpt_get_arb;
    src.get_fmpq = rowpt_get_fmpq;
    src.data = &S;
    return cpwl_pred_sign(ctx, &src);
}

/* ---- the computation -------------------------------------------------- */

/* Whether the caller asked to stop (Ctrl-C); then C->stopped is set. */
int regions_nd_interrupted(nd_ctx *C)
{
    if (C->opts->interrupt != NULL && *C->opts->interrupt)
    {
        C->stopped = CPWL_REGIONS_STOP_INTERRUPT;
        return 1;
    }
    return 0;
}

/* Whether the rows of ctx->lp have a common strictly positive point: 1
   (point in ctx->x), 0, or -1 when stopped (interrupt) or on a solver
   error. */
int regions_nd_slack(nd_ctx *C)
{
    int st;
    if (regions_nd_interrupted(C))
        return -1;
    st = lp_interior(C->x, C->lp);
    C->R->lp_solved++;
    if (C->opts->progress != NULL
        && C->R->lp_solved - C->lp_mark >= PROGRESS_LPS)
    {
        C->lp_mark = C->R->lp_solved;
        C->opts->progress(C->opts->progress_data, C->layer,
                          C->g->nlayers, C->live);
    }
    if (st < 0)
        C->error = 1;
    return st;
}

/* Whether {P, sign * z > 0} has nonempty interior; if so its interior
   point is left in C->x.  -1: stopped or failed. */
static int nd_side(nd_ctx *C, const poly_struct *P, const fmpq *z, int neg)
{
    slong k;
    lp_reset(C->lp, C->d);
    for (k = 0; k < P->m; k++)
        lp_add_row(C->lp, P->h + k * (C->d + 1), 0, 0);
    lp_add_row(C->lp, z, neg, 0);
    return regions_nd_slack(C);
}

/* out = p + eps * s * g, g the gradient of z, z(p) = 0, s = +-1: a point
   strictly inside P on the side s z > 0 (halfway to the first constraint
   met along the ray, or at eps = 1 when none is met). */
static void step_point(fmpq *out, const poly_struct *P, const fmpq *z,
                       int s, slong d)
{
    fmpq_t eps, hp, D, r;
    slong k, i;
    int have = 0;

    fmpq_init(eps);
    fmpq_init(hp);
    fmpq_init(D);
    fmpq_init(r);
    for (k = 0; k < P->m; k++)
    {
        const fmpq *h = P->h + k * (d + 1);
        fmpq_zero(D);
        for (i = 0; i < d; i++)
            fmpq_addmul(D, h + i, z + i);
        if (s < 0)
            fmpq_neg(D, D);
        if (fmpq_sgn(D) >= 0)
            continue;
        /* h(p + eps s g) = h(p) + eps D vanishes at eps = h(p) / -D. */
        qvec_form_eval(hp, h, P->p, d);
        fmpq_neg(D, D);
        fmpq_div(r, hp, D);
        if (!have || fmpq_cmp(r, eps) < 0)
            fmpq_set(eps, r);
        have = 1;
    }
    if (have)
        fmpq_div_2exp(eps, eps, 1);
    else
        fmpq_one(eps);
    if (s < 0)
        fmpq_neg(eps, eps);
    for (i = 0; i < d; i++)
    {
        fmpq_set(out + i, P->p + i);
        fmpq_addmul(out + i, eps, z + i);
    }
    fmpq_clear(eps);
    fmpq_clear(hp);
    fmpq_clear(D);
    fmpq_clear(r);
}

/* Mark facets found by ray shooting from p along the directions -g_k and
   +-e_j: along a ray, the constraint that reaches 0 first, when it is the
   only one there, is a facet. */
static void shoot_facets(unsigned char *facet, const poly_struct *P,
                         const fmpq *hp, slong d)
{
    slong c = d + 1, m = P->m, nd = m + 2 * d, r, k, i, best;
    fmpz *dir = _fmpz_vec_init(d);
    fmpz *D = _fmpz_vec_init(m);
    fmpq_t lhs, rhs;
    int tie;

    fmpq_init(lhs);
    fmpq_init(rhs);
    for (r = 0; r < nd; r++)
    {
        if (r < m)
            for (i = 0; i < d; i++)
                fmpz_neg(dir + i, fmpq_numref(P->h + r * c + i));
        else
        {
            _fmpz_vec_zero(dir, d);
            fmpz_set_si(dir + (r - m) / 2, (r - m) % 2 ? -1 : 1);
        }
        best = -1;
        tie = 0;
        for (k = 0; k < m; k++)
        {
            fmpz_zero(D + k);
            for (i = 0; i < d; i++)
                fmpz_addmul(D + k, fmpq_numref(P->h + k * c + i), dir + i);
            if (fmpz_sgn(D + k) >= 0)
                continue;
            if (best < 0)
            {
                best = k;
                tie = 0;
                continue;
            }
            /* hp_k / -D_k against hp_best / -D_best (both D < 0). */
            fmpq_mul_fmpz(lhs, hp + k, D + best);
            fmpq_mul_fmpz(rhs, hp + best, D + k);
            i = fmpq_cmp(rhs, lhs);    /* ratio_k - ratio_best, scaled */
            if (i < 0)
            {
                best = k;
                tie = 0;
            }
            else if (i == 0)
                tie = 1;
        }
        if (best >= 0 && !tie)
            facet[best] = 1;
    }
    fmpq_clear(lhs);
    fmpq_clear(rhs);
    _fmpz_vec_clear(dir, d);
    _fmpz_vec_clear(D, m);
}

/* Drop the redundant constraints of P.  Returns 0, or -1 when stopped. */
int regions_nd_poly_clean(nd_ctx *C, poly_struct *P)
{
    slong d = C->d, c = d + 1, m = P->m, k, j;
    unsigned char *facet, *alive;
    fmpq *hp;
    double v, err;
    int r = 0;

    if (P->nclean == m)
        return 0;
    if (m <= 1)
    {
        /* One nonconstant constraint always cuts R^d. */
        P->nclean = m;
        return 0;
    }
    facet = flint_calloc(m, 1);
    alive = flint_malloc(m);
    memset(alive, 1, m);
    hp = _fmpq_vec_init(m);
    for (k = 0; k < m; k++)
        qvec_form_eval(hp + k, P->h + k * c, P->p, d);
    shoot_facets(facet, P, hp, d);
    for (k = 0; k < m && r == 0; k++)
    {
        if (facet[k])
            continue;
        /* h_k > 0 on a box around P: the closure of P misses h_k = 0, so
           no point with the other constraints > 0 has h_k <= 0 (the
           segment from p to it would meet h_k = 0 in that closure). */
        if (nd_box_min(&v, &err, P->box, P->h + k * c, 1, d)
            && cpwl_pred_sign_d(C->opts->pred, v, err) == 1)
        {
            alive[k] = 0;
            continue;
        }
        /* h_k is needed iff some point has every other h_j >= 0 and
           h_k < 0; both sets are full-dimensional, so the strict
           version (max slack > 0) decides it. */
        lp_reset(C->lp, d);
        for (j = 0; j < m; j++)
            if (j != k && alive[j])
                lp_add_row(C->lp, P->h + j * c, 0, 0);
        lp_add_row(C->lp, P->h + k * c, 1, 0);
        r = regions_nd_slack(C);
        if (r < 0)
            break;
        alive[k] = (unsigned char) r;
        r = 0;
    }
    if (r == 0)
    {
        for (k = m - 1; k >= 0; k--)
            if (!alive[k])
                poly_remove(P, k, d);
        P->nclean = P->m;
    }
    _fmpq_vec_clear(hp, m);
    flint_free(facet);
    flint_free(alive);
    return r;
}

/* Live polyhedra: the roots of the layer not reached yet, the finished
   ones, the stack of pending siblings and the current one. */
static slong live_count(slong roots_left, const plist *next,
                        const plist *stack)
{
    return roots_left + next->n + stack->n + 1;
}

static int over_limit(const nd_ctx *C, slong n)
{
    return C->opts->max_regions > 0 && n > C->opts->max_regions;
}

/* Keep in P->cand the neurons that cut P and decide the states of the
   others (each keeps the sign it has at p).  A neuron cuts P when z(p) =
   0, when a witness has the opposite sign, or when the LP finds the other
   side (its point becomes a witness).  Returns 0, or -1 when stopped. */
static int nd_decide(nd_ctx *C, poly_struct *P, const fmpq *Z, slong off)
{
    slong d = C->d, c = d + 1, a, k, n = 0;
    cpwl_pred_ctx_struct *pc = C->opts->pred;

    for (a = 0; a < P->ncand; a++)
    {
        slong j = P->cand[a];
        const fmpq *z = Z + j * c;
        int s = sign_at(pc, z, P->p, d), cut = s == 0, other;
        double v, err;
        /* s z > 0 on a box around P: no cut, no LP. */
        if (!cut && nd_box_min(&v, &err, P->box, z, s, d)
            && cpwl_pred_sign_d(pc, v, err) == 1)
        {
            P->state[off + j] = s > 0;
            continue;
        }
        for (k = 0; k < P->nw && !cut; k++)
            cut = sign_at(pc, z, P->w + k * d, d) == -s;
        if (!cut)
        {
            other = nd_side(C, P, z, s > 0);
            if (other < 0)
                return -1;
            if (other)
            {
                poly_add_witness(P, C->x, d);
                cut = 1;
            }
        }
        if (cut)
            P->cand[n++] = j;
        else
            P->state[off + j] = s > 0;
    }
    P->ncand = n;
    return 0;
}

/* Split P by z, a neuron known to cut it (state index st): P keeps the
   side of p (the on side when z(p) = 0), the new sibling *Qp gets the
   other.  Both go on with the remaining candidates; the witnesses go to
   the side they lie on.  Returns 0, or -1 when stopped. */
static int nd_split(poly_struct **Qp, nd_ctx *C, poly_struct *P,
                    const fmpq *z, slong st)
{
    slong d = C->d, k, nw = P->nw, iq = -1;
    cpwl_pred_ctx_struct *pc = C->opts->pred;
    int s = sign_at(pc, z, P->p, d), ps = s != 0 ? s : 1;
    poly_struct *Q;

    if (s != 0)
    {
        for (k = 0; k < nw && iq < 0; k++)
            if (sign_at(pc, z, P->w + k * d, d) == -s)
                iq = k;
        if (iq < 0)
        {
            /* The witness that showed the cut was replaced by a later
               one: find the other side again. */
            int other = nd_side(C, P, z, s > 0);
            if (other == 0)
                C->error = 1;
            if (other <= 0)
                return -1;
        }
    }

    Q = poly_copy(P, C->ns, d);
    Q->ncand = P->ncand - 1;
    Q->cand = flint_malloc(FLINT_MAX(Q->ncand, 1) * sizeof(slong));
    memcpy(Q->cand, P->cand + 1, Q->ncand * sizeof(slong));
    memmove(P->cand, P->cand + 1, Q->ncand * sizeof(slong));
    P->ncand--;
    if (s == 0)
    {
        step_point(Q->p, P, z, -1, d);
        step_point(P->p, P, z, 1, d);
    }
    else if (iq >= 0)
        qvec_set(Q->p, P->w + iq * d, d);
    else
        qvec_set(Q->p, C->x, d);

    P->nw = P->wnext = 0;
    for (k = 0; k < nw; k++)
    {
        fmpq *x = P->w + k * d;
        int t = sign_at(pc, z, x, d);
        if (t == ps)
        {
            /* compact in place: slot P->nw <= k */
            if (P->nw != k)
                qvec_set(P->w + P->nw * d, x, d);
            P->nw++;
        }
        else if (t == -ps && k != iq)
            poly_add_witness(Q, x, d);
    }
    poly_add(P, z, ps < 0, d);
    poly_add(Q, z, ps > 0, d);
    nd_box_tighten(P->box, P->h, P->m, d, BOX_PASSES);
    nd_box_tighten(Q->box, Q->h, Q->m, d, BOX_PASSES);
    P->state[st] = ps > 0;
    Q->state[st] = ps < 0;
    *Qp = Q;
    return 0;
}

/* P->map = the affine map of a complete polyhedron, from the forms F of
   the last layer with states (l): its factors under P's pattern (1 on,
   0 or the leaky slope off), then the identity layers after it. */
static void nd_poly_map(nd_ctx *C, poly_struct *P, const fmpq *F, slong l)
{
    const cpwl_net_struct *g = C->g;
    const cpwl_net_layer_struct *L = g->layers + l;
    slong d = C->d, c = d + 1, rows, t;
    fmpq *A = _fmpq_vec_init(L->out * c), *B;

    rows = L->out;
    qvec_set(A, F, rows * c);
    forms_act_fmpq(A, g, l, P->state);
    for (t = l + 1; t < g->nlayers; t++)
    {
        const cpwl_net_layer_struct *K = g->layers + t;
        B = _fmpq_vec_init(K->out * c);
        forms_affine_fmpq(B, g, t, A);
        forms_act_fmpq(B, g, t, P->state);
        _fmpq_vec_clear(A, rows * c);
        A = B;
        rows = K->out;
    }
    P->map = A;                 /* rows = m */
}

/* Split every polyhedron of cur by the neurons of layer l; the results go
   to next.  Returns 0, or -1 when stopped (C->stopped or C->error set),
   then *live holds the number of polyhedra at that moment. */
static int nd_layer(nd_ctx *C, plist *next, plist *cur, slong l, int clean,
                    slong *live)
{
    const cpwl_net_layer_struct *L = C->g->layers + l;
    slong d = C->d, c = d + 1, off = forms_state_offset(C->g, l);
    slong out = L->out, ir, j;
    fmpq *Z = _fmpq_vec_init(out * c), *F = NULL;
    plist stack;
    int r = 0;

    memset(&stack, 0, sizeof(plist));
    for (ir = 0; ir < cur->n && r == 0; ir++)
    {
        poly_struct *P = cur->v[ir];
        nd_forms *S;
        cur->v[ir] = NULL;

        /* The forms of the layer under the pattern of the earlier layers:
           the same for every descendant of P within the layer, one step
           from the forms P's parent left.  A constant form decides its
           neuron for all of them (z = 0 is off); the others are
           candidates. */
        S = nd_forms_layer(C->g, &C->wts, P->forms, P->state, l);
        nd_forms_release(P->forms);
        P->forms = NULL;
        if (l == C->last && C->want_map)
        {
            /* the forms themselves, for the maps of the cells */
            if (F == NULL)
                F = _fmpq_vec_init(out * c);
            nd_forms_get_fmpq(F, S);
        }
        P->cand = flint_malloc(FLINT_MAX(out, 1) * sizeof(slong));
        P->ncand = 0;
        for (j = 0; j < out; j++)
        {
            if (row_primitive_z(Z + j * c, S->N + j * c, d))
                P->cand[P->ncand++] = j;
            else
                P->state[off + j] = fmpz_sgn(S->N + j * c + d) > 0;
        }

        /* Depth first: P goes on with its first cutting neuron, the
           siblings wait on the stack. */
        while (P != NULL && r == 0)
        {
            poly_struct *Q;
            C->live = live_count(cur->n - ir - 1, next, &stack);
            /* Splits decided by witnesses need no LP (where nd_slack
               looks): look here too, once per polyhedron. */
            if (regions_nd_interrupted(C) || nd_decide(C, P, Z, off) < 0)
            {
                r = -1;
                break;
            }
            if (P->ncand == 0)
            {
                poly_end_layer(P, d);
                if (F != NULL)
                    nd_poly_map(C, P, F, l);
                if (clean && regions_nd_poly_clean(C, P) < 0)
                {
                    r = -1;
                    break;
                }
                if (l < C->last)
                {
                    P->forms = S;
                    S->refs++;
                }
                plist_push(next, P);
                P = stack.n > 0 ? stack.v[--stack.n] : NULL;
                continue;
            }
            if (nd_split(&Q, C, P, Z + P->cand[0] * c, off + P->cand[0]) < 0)
            {
                r = -1;
                break;
            }
            plist_push(&stack, Q);
            C->live = live_count(cur->n - ir - 1, next, &stack);
            if (over_limit(C, C->live))
            {
                C->stopped = CPWL_REGIONS_STOP_LIMIT;
                r = -1;
            }
            else if (clean && P->m > 2 * P->nclean + 2 * d + 4
                     && regions_nd_poly_clean(C, P) < 0)
                r = -1;         /* a wide layer: keep the LPs small */
        }
        if (r != 0)
        {
            *live = live_count(cur->n - ir - 1, next, &stack);
            poly_free(P, d, C->R->m);
        }
        plist_clear(&stack, d, C->R->m);
        nd_forms_release(S);
    }
    _fmpq_vec_clear(Z, out * c);
    if (F != NULL)
        _fmpq_vec_clear(F, out * c);
    return r;
}

/* ---- the driver ------------------------------------------------------- */

int cpwl_regions_nd(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo, const fmpq *hi,
                    const cpwl_regions_opts *opts, cpwl_err_t e)
{
    nd_ctx C;
    plist cur, next;
    slong d = g->input_dim, l, i, last = -1, live = 0;
    poly_struct *P0;
    int r = 0;

    if (R->d != d || R->nstates != cpwl_net_num_states(g) || R->ncells != 0)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_nd: the region list "
                            "does not fit the network");
    for (l = 0; l < g->nlayers; l++)
    {
        cpwl_net_act_t act = g->layers[l].act;
        if (act != CPWL_NET_IDENTITY && act != CPWL_NET_RELU && act != CPWL_NET_LEAKY_RELU)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the n-D region method does "
                                "not handle the activation '%s' yet",
                                cpwl_net_act_name(act));
        if (act != CPWL_NET_IDENTITY)
            last = l;
    }

    memset(&C, 0, sizeof(nd_ctx));
    C.g = g;
    C.opts = opts;
    C.R = R;
    C.d = d;
    C.ns = R->nstates;
    C.last = last;
    C.want_map = opts->maps || opts->linear;
    lp_init(C.lp, d);
    nd_weights_init(&C.wts, g);
    C.x = _fmpq_vec_init(d);
    memset(&cur, 0, sizeof(plist));
    memset(&next, 0, sizeof(plist));

    /* The domain: R^d from the origin, or the box from its centre. */
    P0 = poly_new(C.ns, d);
    nd_box_init(P0->box, lo, hi, d);
    if (lo != NULL)
    {
        fmpq *row = _fmpq_vec_init(d + 1);
        for (i = 0; i < d; i++)
        {
            fmpq_add(P0->p + i, lo + i, hi + i);
            fmpq_div_2exp(P0->p + i, P0->p + i, 1);
            qvec_zero(row, d + 1);
            fmpq_one(row + i);
            fmpq_neg(row + d, lo + i);     /* y_i - lo_i >= 0 */
            row_primitive(row, row, d);
            poly_add(P0, row, 0, d);
            qvec_zero(row, d + 1);
            fmpq_set_si(row + i, -1, 1);
            fmpq_set(row + d, hi + i);     /* hi_i - y_i >= 0 */
            row_primitive(row, row, d);
            poly_add(P0, row, 0, d);
        }
        _fmpq_vec_clear(row, d + 1);
    }
    P0->nclean = P0->m;         /* the faces of a box are its facets */
    plist_push(&cur, P0);

    for (l = 0; l <= last && r == 0; l++)
    {
        int clean;
        if (g->layers[l].act == CPWL_NET_IDENTITY)
            continue;
        C.layer = l;
        /* Irredundant constraints keep the next layers' LPs small; after
           the last layer only the linear regions need them (nd_linear). */
        clean = l < last;
        r = nd_layer(&C, &next, &cur, l, clean, &live);
        plist_clear(&cur, d, R->m);
        cur = next;
        memset(&next, 0, sizeof(plist));
        if (r == 0 && opts->progress != NULL)
            opts->progress(opts->progress_data, l + 1, g->nlayers, cur.n);
    }

    if (C.error)
        r = cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_nd: the exact LP solver "
                         "failed");
    else if (r != 0 && live > 0)
    {
        /* Stopped within a layer: the polyhedra live at that moment
           refine the regions found so far, so their number is a lower
           bound. */
        R->lower_bound = live;
        R->stopped = C.stopped;
        r = CPWL_OK;
    }
    else
    {
        for (i = 0; i < cur.n; i++)
        {
            cpwl_regions_cell_struct *cell = cpwl_regions_add_cell(R);
            memcpy(cell->state, cur.v[i]->state, FLINT_MAX(C.ns, 1));
            if (opts->points)
                cpwl_regions_cell_set_point(cell, cur.v[i]->p, d);
            if (opts->maps)
            {
                const fmpq *map = cur.v[i]->map;
                slong k;
                cell->grad = _fmpq_vec_init(R->m * d);
                cell->offset = _fmpq_vec_init(R->m);
                if (map == NULL)
                    cpwl_regions_cell_map(cell->grad, cell->offset, g, cell->state);
                else
                    for (k = 0; k < R->m; k++)
                    {
                        qvec_set(cell->grad + k * d, map + k * (d + 1), d);
                        fmpq_set(cell->offset + k, map + k * (d + 1) + d);
                    }
            }
        }
        if (opts->linear)
        {
            r = regions_nd_linear(&C, cur.v, cur.n);
            if (C.error)
                r = cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_nd: the exact LP "
                                 "solver failed");
            else
            {
                /* A stop here leaves the cells complete and exact; only
                   the linear regions are not counted. */
                R->stopped = C.stopped;
                R->lower_bound = R->ncells;
                r = CPWL_OK;
            }
        }
    }

    plist_clear(&cur, d, R->m);
    plist_clear(&next, d, R->m);
    _fmpq_vec_clear(C.x, d);
    R->lp_exact = C.lp->by_exact;
    lp_clear(C.lp);
    nd_weights_clear(&C.wts, g);
    return r;
}
