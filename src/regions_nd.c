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
   Pairs already connected are not tested: only the components matter.

   This file refines by one layer (regions_nd_layer); the polyhedra are
   in regions_nd_poly.c; the driver (regions_nd_units.c) runs the first
   layer with states and then the later layers as work units, one per
   polyhedron of that layer, which gives the same cells in the same
   order. */
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
/* ---- the computation -------------------------------------------------- */

/* Whether the caller asked to stop (Ctrl-C); then C->stopped is set. */
int regions_nd_interrupted(nd_ctx *C)
{
    if ((C->opts->interrupt != NULL && *C->opts->interrupt)
        || (C->interrupt2 != NULL && *C->interrupt2))
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
    C->lps++;
    if (C->opts->progress != NULL
        && C->lps - C->lp_mark >= PROGRESS_LPS)
    {
        C->lp_mark = C->lps;
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
        int s = nd_sign_at(pc, z, P->p, d), cut = s == 0, other;
        double v, err;
        /* s z > 0 on a box around P: no cut, no LP. */
        if (!cut && nd_box_min(&v, &err, P->box, z, s, d)
            && cpwl_pred_sign_d(pc, v, err) == 1)
        {
            P->state[off + j] = s > 0;
            continue;
        }
        for (k = 0; k < P->nw && !cut; k++)
            cut = nd_sign_at(pc, z, P->w + k * d, d) == -s;
        if (!cut)
        {
            other = nd_side(C, P, z, s > 0);
            if (other < 0)
                return -1;
            if (other)
            {
                nd_poly_add_witness(P, C->x, d);
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
    int s = nd_sign_at(pc, z, P->p, d), ps = s != 0 ? s : 1;
    poly_struct *Q;

    if (s != 0)
    {
        for (k = 0; k < nw && iq < 0; k++)
            if (nd_sign_at(pc, z, P->w + k * d, d) == -s)
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

    Q = nd_poly_copy(P, C->ns, d);
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
        int t = nd_sign_at(pc, z, x, d);
        if (t == ps)
        {
            /* compact in place: slot P->nw <= k */
            if (P->nw != k)
                qvec_set(P->w + P->nw * d, x, d);
            P->nw++;
        }
        else if (t == -ps && k != iq)
            nd_poly_add_witness(Q, x, d);
    }
    nd_poly_add(P, z, ps < 0, d);
    nd_poly_add(Q, z, ps > 0, d);
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
int regions_nd_layer(nd_ctx *C, plist *next, plist *cur, slong l, int clean,
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
            if (nd_row_primitive_z(Z + j * c, S->N + j * c, d))
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
                nd_poly_end_layer(P, d);
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
                nd_plist_push(next, P);
                P = stack.n > 0 ? stack.v[--stack.n] : NULL;
                continue;
            }
            if (nd_split(&Q, C, P, Z + P->cand[0] * c, off + P->cand[0]) < 0)
            {
                r = -1;
                break;
            }
            nd_plist_push(&stack, Q);
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
            nd_poly_free(P, d, C->m);
        }
        nd_plist_clear(&stack, d, C->m);
        nd_forms_release(S);
    }
    _fmpq_vec_clear(Z, out * c);
    if (F != NULL)
        _fmpq_vec_clear(F, out * c);
    return r;
}

