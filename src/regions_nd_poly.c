/* Polyhedra of the n-D region method (see regions_nd.c): allocation,
   constraints, witnesses, primitive rows, signs at points through the
   predicate layer, and the removal of redundant constraints. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpz_vec.h>
#include <flint/fmpq_vec.h>
#include "qvec.h"
#include "interval.h"
#include "regions_nd_impl.h"
#include "cpwl/regions.h"
#include "lp.h"

/* ---- polyhedra -------------------------------------------------------- */

poly_struct *nd_poly_new(slong ns, slong d)
{
    poly_struct *P = flint_calloc(1, sizeof(poly_struct));
    P->state = flint_calloc(FLINT_MAX(ns, 1), 1);
    P->p = _fmpq_vec_init(d);
    P->box = flint_malloc(2 * FLINT_MAX(d, 1) * sizeof(double));
    return P;
}

/* Drop what only the current layer needs. */
void nd_poly_end_layer(poly_struct *P, slong d)
{
    flint_free(P->cand);
    P->cand = NULL;
    P->ncand = 0;
    if (P->w != NULL)
        _fmpq_vec_clear(P->w, NWIT * d);
    P->w = NULL;
    P->nw = P->wnext = 0;
}

void nd_poly_free(poly_struct *P, slong d, slong m)
{
    if (P == NULL)
        return;
    nd_poly_end_layer(P, d);
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
void nd_poly_add(poly_struct *P, const fmpq *row, int neg, slong d)
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

poly_struct *nd_poly_copy(const poly_struct *P, slong ns, slong d)
{
    poly_struct *Q = nd_poly_new(ns, d);
    slong k;
    memcpy(Q->state, P->state, FLINT_MAX(ns, 1));
    qvec_set(Q->p, P->p, d);
    memcpy(Q->box, P->box, 2 * d * sizeof(double));
    for (k = 0; k < P->m; k++)
        nd_poly_add(Q, P->h + k * (d + 1), 0, d);
    Q->nclean = P->nclean;
    return Q;
}

/* Keep the interior point x as a witness (replacing an old one when
   full). */
void nd_poly_add_witness(poly_struct *P, const fmpq *x, slong d)
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
void nd_poly_remove(poly_struct *P, slong k, slong d)
{
    slong c = d + 1, i;
    if (k != P->m - 1)
        for (i = 0; i < c; i++)
            fmpq_swap(P->h + k * c + i, P->h + (P->m - 1) * c + i);
    P->m--;
}

void nd_plist_push(plist *L, poly_struct *P)
{
    if (L->n == L->alloc)
    {
        L->alloc = FLINT_MAX(16, 2 * L->alloc);
        L->v = flint_realloc(L->v, L->alloc * sizeof(poly_struct *));
    }
    L->v[L->n++] = P;
}

void nd_plist_clear(plist *L, slong d, slong m)
{
    slong i;
    for (i = 0; i < L->n; i++)
        nd_poly_free(L->v[i], d, m);
    flint_free(L->v);
    memset(L, 0, sizeof(plist));
}

/* ---- forms ------------------------------------------------------------ */

/* out = the primitive integer row with the same sign as in (a positive
   multiple): the same half-space, and equal half-spaces compare equal.
   Returns whether the gradient part (the first d entries) is nonzero. */
int nd_row_primitive(fmpq *out, const fmpq *in, slong d)
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
int nd_row_primitive_z(fmpq *out, const fmpz *in, slong d)
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

int nd_sign_at(cpwl_pred_ctx_t ctx, const fmpq *h, const fmpq *p, slong d)
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
                nd_poly_remove(P, k, d);
        P->nclean = P->m;
    }
    _fmpq_vec_clear(hp, m);
    flint_free(facet);
    flint_free(alive);
    return r;
}
