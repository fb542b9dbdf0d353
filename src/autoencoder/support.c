/* Support recovery for the weight-tied autoencoder (docs/autoencoder.md):
   the window of thresholds eps for which supp relu(W y - eps) is a given
   set, the coherence window of the support recovery lemma, and the exact
   recovery probability over a finite code distribution.

   For a scalar eps, i is in supp relu(W y - eps) iff (W y)_i > eps
   (relu(0) = 0).  So the support is S iff every i in S has (W y)_i > eps
   and every i not in S has (W y)_i <= eps: iff lo <= eps < hi with
   lo = max_{i not in S} (W y)_i and hi = min_{i in S} (W y)_i (an empty
   max is -inf, an empty min +inf).  The window is half-open on the
   right because relu(0) = 0 drops an index whose value equals eps. */
#include <stdlib.h>
#include <flint/fmpq_vec.h>
#include "cpwl/autoencoder.h"

/* ---- windows ------------------------------------------------------------ */

void cpwl_ae_window_init(cpwl_ae_window_t w)
{
    w->lo_inf = w->hi_inf = 1;
    fmpq_init(w->lo);
    fmpq_init(w->hi);
}

void cpwl_ae_window_clear(cpwl_ae_window_t w)
{
    fmpq_clear(w->lo);
    fmpq_clear(w->hi);
}

void cpwl_ae_window_set(cpwl_ae_window_t r, const cpwl_ae_window_t w)
{
    r->lo_inf = w->lo_inf;
    r->hi_inf = w->hi_inf;
    fmpq_set(r->lo, w->lo);
    fmpq_set(r->hi, w->hi);
}

int cpwl_ae_window_is_empty(const cpwl_ae_window_t w)
{
    return !w->lo_inf && !w->hi_inf && fmpq_cmp(w->lo, w->hi) >= 0;
}

int cpwl_ae_window_contains(const cpwl_ae_window_t w, const fmpq_t eps)
{
    return (w->lo_inf || fmpq_cmp(w->lo, eps) <= 0)
        && (w->hi_inf || fmpq_cmp(eps, w->hi) < 0);
}

/* The intersection through plain pointers: with the array parameters,
   GCC 12 gives a false -Wstringop-overflow at the call in
   cpwl_ae_recovery. */
static void window_meet(cpwl_ae_window_struct *r,
                        const cpwl_ae_window_struct *a,
                        const cpwl_ae_window_struct *b)
{
    /* the larger lower end, the smaller upper end; read before writing
       (r may alias a or b) */
    if (a->lo_inf)
    {
        if (r != b)
            fmpq_set(r->lo, b->lo);
        r->lo_inf = b->lo_inf;
    }
    else if (b->lo_inf || fmpq_cmp(a->lo, b->lo) >= 0)
    {
        if (r != a)
            fmpq_set(r->lo, a->lo);
        r->lo_inf = 0;
    }
    else
    {
        if (r != b)
            fmpq_set(r->lo, b->lo);
        r->lo_inf = 0;
    }
    if (a->hi_inf)
    {
        if (r != b)
            fmpq_set(r->hi, b->hi);
        r->hi_inf = b->hi_inf;
    }
    else if (b->hi_inf || fmpq_cmp(a->hi, b->hi) <= 0)
    {
        if (r != a)
            fmpq_set(r->hi, a->hi);
        r->hi_inf = 0;
    }
    else
    {
        if (r != b)
            fmpq_set(r->hi, b->hi);
        r->hi_inf = 0;
    }
}

void cpwl_ae_window_intersect(cpwl_ae_window_t r, const cpwl_ae_window_t a,
                              const cpwl_ae_window_t b)
{
    window_meet(r, a, b);
}

void cpwl_ae_window(cpwl_ae_window_t w, const fmpq *Wy, slong h,
                    const slong *supp, slong k)
{
    slong i, j = 0;
    w->lo_inf = w->hi_inf = 1;
    for (i = 0; i < h; i++)
    {
        if (j < k && supp[j] == i)
        {
            j++;
            if (w->hi_inf || fmpq_cmp(Wy + i, w->hi) < 0)
                fmpq_set(w->hi, Wy + i);
            w->hi_inf = 0;
        }
        else
        {
            if (w->lo_inf || fmpq_cmp(Wy + i, w->lo) > 0)
                fmpq_set(w->lo, Wy + i);
            w->lo_inf = 0;
        }
    }
}

/* ---- the support: a sign decision of the predicate layer --------------- */

typedef struct
{
    const fmpq *a, *b;
}
diff_src;

static void diff_get_arb(arb_t v, slong prec, void *data)
{
    const diff_src *d = data;
    arb_t t;
    arb_init(t);
    arb_set_fmpq(v, d->a, prec);
    arb_set_fmpq(t, d->b, prec);
    arb_sub(v, v, t, prec);
    arb_clear(t);
}

static void diff_get_fmpq(fmpq_t v, void *data)
{
    const diff_src *d = data;
    fmpq_sub(v, d->a, d->b);
}

slong cpwl_ae_support(slong *supp, const fmpq *Wy, const fmpq_t eps,
                      slong h, cpwl_pred_ctx_t pred)
{
    cpwl_pred_src_struct src;
    diff_src d;
    slong i, k = 0;
    src.get_d = NULL;
    src.get_arb = diff_get_arb;
    src.get_fmpq = diff_get_fmpq;
    src.data = &d;
    d.b = eps;
    for (i = 0; i < h; i++)
    {
        d.a = Wy + i;
        if (cpwl_pred_sign(pred, &src) > 0)
            supp[k++] = i;
    }
    return k;
}

/* ---- the coherence window ---------------------------------------------- */

/* Why every code is recovered in [k mu m2, m1 - (k - 1) mu m2): with
   W = A^T and y = sum_{j in S} x_j A_j, (W y)_i = sum_{j in S} x_j
   <A_i, A_j>.  Off S every |<A_i, A_j>| <= mu and 0 < x_j <= m2, so
   (W y)_i <= k mu m2 <= eps: relu drops i.  On S, <A_i, A_i> = 1 and
   the k - 1 other terms are >= -mu m2 each, so (W y)_i >= x_i - (k - 1)
   mu m2 >= m1 - (k - 1) mu m2 > eps: relu keeps i.  Hence the window of
   S contains the coherence window, for every such code. */
void cpwl_ae_window_coherence(cpwl_ae_window_t w, const fmpq_t mu, slong k,
                              const fmpq_t m1, const fmpq_t m2)
{
    fmpq_t t;
    fmpq_init(t);
    fmpq_mul(t, mu, m2);
    fmpq_mul_si(w->lo, t, k);
    fmpq_mul_si(t, t, k - 1);
    fmpq_sub(w->hi, m1, t);
    w->lo_inf = w->hi_inf = 0;
    fmpq_clear(t);
}

/* ---- recovery over a code distribution --------------------------------- */

void cpwl_ae_recovery_init(cpwl_ae_recovery_t R)
{
    fmpz_init(R->codes);
    R->has_eps = 0;
    fmpq_init(R->prob);
    fmpz_init(R->failed);
    R->h = 0;
    R->nfail = 0;
    R->fail = NULL;
    R->fail_index = NULL;
    fmpq_init(R->best);
    cpwl_ae_window_init(R->best_window);
    cpwl_ae_window_init(R->common);
    fmpz_init(R->empty);
    R->nempty = 0;
    R->empty_codes = NULL;
    R->empty_index = NULL;
    R->progress = NULL;
    R->progress_data = NULL;
}

/* The kept codes' arrays hold kept_cap(n) codes: the power of 2 >= n (0
   for none), so that keeping n codes costs O(n h), not O(n^2 h). */
static slong kept_cap(slong n)
{
    slong c = 1;
    if (n == 0)
        return 0;
    while (c < n)
        c *= 2;
    return c;
}

/* Free the kept codes. */
static void kept_clear(fmpq **x, fmpz **idx, slong *n, slong h)
{
    if (*n > 0)
    {
        slong c = kept_cap(*n);
        _fmpq_vec_clear(*x, c * h);
        _fmpz_vec_clear(*idx, c);
    }
    *x = NULL;
    *idx = NULL;
    *n = 0;
}

/* Keep code x (h entries) number i as the n-th, doubling the arrays when
   they are full. */
static void kept_push(fmpq **x, fmpz **idx, slong *n, slong h,
                      const fmpq *code, const fmpz_t i)
{
    slong m = *n, c = kept_cap(m), j;
    if (m == c)
    {
        slong nc = m == 0 ? 1 : 2 * m;
        fmpq *nx = _fmpq_vec_init(nc * h);
        fmpz *ni = _fmpz_vec_init(nc);
        for (j = 0; j < m * h; j++)
            fmpq_swap(nx + j, *x + j);
        for (j = 0; j < m; j++)
            fmpz_swap(ni + j, *idx + j);
        kept_clear(x, idx, n, h);
        *x = nx;
        *idx = ni;
    }
    for (j = 0; j < h; j++)
        fmpq_set(*x + m * h + j, code + j);
    fmpz_set(*idx + m, i);
    *n = m + 1;
}

void cpwl_ae_recovery_clear(cpwl_ae_recovery_t R)
{
    kept_clear(&R->fail, &R->fail_index, &R->nfail, R->h);
    kept_clear(&R->empty_codes, &R->empty_index, &R->nempty, R->h);
    fmpz_clear(R->codes);
    fmpq_clear(R->prob);
    fmpz_clear(R->failed);
    fmpq_clear(R->best);
    cpwl_ae_window_clear(R->best_window);
    cpwl_ae_window_clear(R->common);
    fmpz_clear(R->empty);
}

/* The sweep: each window [lo, hi) of a code of probability p adds p at
   lo and removes it at hi; -inf ends go into base, +inf ends nowhere. */
typedef struct
{
    fmpq_t x;
    fmpq_t d;
}
sweep_ev;

typedef struct
{
    sweep_ev *ev;
    slong n, alloc;
    fmpq_t base;
}
sweep;

static void sweep_init(sweep *S)
{
    S->ev = NULL;
    S->n = S->alloc = 0;
    fmpq_init(S->base);
}

static void sweep_clear(sweep *S)
{
    slong i;
    for (i = 0; i < S->alloc; i++)
    {
        fmpq_clear(S->ev[i].x);
        fmpq_clear(S->ev[i].d);
    }
    flint_free(S->ev);
    fmpq_clear(S->base);
}

static void sweep_add(sweep *S, const fmpq_t x, const fmpq_t d, int neg)
{
    if (S->n == S->alloc)
    {
        slong i, a = FLINT_MAX(64, 2 * S->alloc);
        S->ev = flint_realloc(S->ev, a * sizeof *S->ev);
        for (i = S->alloc; i < a; i++)
        {
            fmpq_init(S->ev[i].x);
            fmpq_init(S->ev[i].d);
        }
        S->alloc = a;
    }
    fmpq_set(S->ev[S->n].x, x);
    if (neg)
        fmpq_neg(S->ev[S->n].d, d);
    else
        fmpq_set(S->ev[S->n].d, d);
    S->n++;
}

static int ev_cmp(const void *a, const void *b)
{
    return fmpq_cmp(((const sweep_ev *) a)->x, ((const sweep_ev *) b)->x);
}

/* best = the maximum over eps of the sum of the windows containing eps,
   W = the lowest maximal interval attaining it.  The sum is constant on
   (-inf, x_1) and on each [x_j, x_{j+1}) between consecutive distinct
   event positions, so it suffices to look at those intervals. */
static void sweep_best(fmpq_t best, cpwl_ae_window_t W, sweep *S)
{
    fmpq_t cur;
    slong j = 0, g;
    int in_best = 1;

    fmpq_init(cur);
    if (S->n > 0)               /* ev may be NULL then: qsort's is not */
        qsort(S->ev, S->n, sizeof *S->ev, ev_cmp);
    fmpq_set(cur, S->base);
    fmpq_set(best, cur);
    W->lo_inf = 1;
    W->hi_inf = S->n == 0;
    if (S->n > 0)
        fmpq_set(W->hi, S->ev[0].x);
    while (j < S->n)
    {
        /* the group of events at x_j */
        for (g = j; g < S->n && fmpq_equal(S->ev[g].x, S->ev[j].x); g++)
            fmpq_add(cur, cur, S->ev[g].d);
        /* cur holds on [x_j, x_g) (x_g = +inf past the end) */
        if (fmpq_cmp(cur, best) > 0 || (in_best && fmpq_equal(cur, best)))
        {
            if (!in_best || !fmpq_equal(cur, best))
            {
                W->lo_inf = 0;
                fmpq_set(W->lo, S->ev[j].x);
                fmpq_set(best, cur);
            }
            W->hi_inf = g == S->n;
            if (g < S->n)
                fmpq_set(W->hi, S->ev[g].x);
            in_best = 1;
        }
        else
            in_best = 0;
        j = g;
    }
    fmpq_clear(cur);
}

int cpwl_ae_recovery(cpwl_ae_recovery_t R, const fmpq_mat_t W,
                     const fmpq_mat_t Adict, const cpwl_codes_t C,
                     const fmpq_t eps, slong max_fail,
                     volatile sig_atomic_t *stop, cpwl_pred_ctx_t pred,
                     cpwl_err_t e)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j, k;
    cpwl_codes_iter_t it;
    cpwl_ae_window_t win;
    sweep S;
    fmpq *y, *Wy;
    slong *supp;
    fmpq_mat_struct *M = NULL;
    cpwl_ae_window_struct *common = R->common;
    fmpq *prob = R->prob;
    int ret = 0;

    if (fmpq_mat_nrows(Adict) != n || fmpq_mat_ncols(Adict) != h)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "W is %ld x %ld but the "
                            "dictionary is %ld x %ld: expected W of h x n = "
                            "%ld x %ld", (long) h, (long) n,
                            (long) fmpq_mat_nrows(Adict),
                            (long) fmpq_mat_ncols(Adict),
                            (long) fmpq_mat_ncols(Adict),
                            (long) fmpq_mat_nrows(Adict)) != 0;
    if (C->h != h)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the codes have %ld "
                            "coordinates but the dictionary has %ld atoms",
                            (long) C->h, (long) h) != 0;

    /* start afresh (R may hold an earlier run) */
    kept_clear(&R->fail, &R->fail_index, &R->nfail, R->h);
    kept_clear(&R->empty_codes, &R->empty_index, &R->nempty, R->h);
    R->h = h;
    fmpz_zero(R->codes);
    fmpz_zero(R->failed);
    fmpz_zero(R->empty);
    fmpq_zero(R->prob);
    R->has_eps = eps != NULL;
    R->common->lo_inf = R->common->hi_inf = 1;

    /* W A (h x h) once, when it is not too large: sparse codes then cost
       h k per code instead of h n */
    if (h <= 1024)
    {
        M = flint_malloc(sizeof *M);
        fmpq_mat_init(M, h, h);
        fmpq_mat_mul(M, W, Adict);
    }
    y = _fmpq_vec_init(n);
    Wy = _fmpq_vec_init(h);
    supp = flint_malloc(FLINT_MAX(h, 1) * sizeof *supp);
    cpwl_ae_window_init(win);
    sweep_init(&S);
    cpwl_codes_iter_init(it, C);
    while (1)
    {
        if (stop != NULL && *stop)
        {
            ret = 3;
            break;
        }
        if (!cpwl_codes_iter_next(it, C))
            break;
        fmpz_add_ui(R->codes, R->codes, 1);
        if (R->progress != NULL && fmpz_fdiv_ui(R->codes, 4096) == 0)
            R->progress(R->progress_data, R->codes);
        if (fmpq_sgn(it->p) <= 0)
            continue;           /* not part of the distribution */
        /* supp x*: its non-zero entries, whatever the sign */
        for (i = k = 0; i < h; i++)
            if (!fmpq_is_zero(it->x + i))
                supp[k++] = i;
        if (M != NULL && k < n)
        {
            /* Wy = (W A) x: k terms per entry instead of n */
            for (i = 0; i < h; i++)
            {
                fmpq_zero(Wy + i);
                for (j = 0; j < k; j++)
                    fmpq_addmul(Wy + i, fmpq_mat_entry(M, i, supp[j]),
                                it->x + supp[j]);
            }
        }
        else
        {
            cpwl_dict_apply(y, Adict, it->x);
            cpwl_dict_apply(Wy, W, y);      /* any matrix times a vector */
        }
        cpwl_ae_window(win, Wy, h, supp, k);
        if (cpwl_ae_window_is_empty(win))
        {
            fmpz_add_ui(R->empty, R->empty, 1);
            if (R->nempty < max_fail)
                kept_push(&R->empty_codes, &R->empty_index, &R->nempty, h,
                          it->x, it->index);
        }
        else
        {
            if (win->lo_inf)
                fmpq_add(S.base, S.base, it->p);
            else
                sweep_add(&S, win->lo, it->p, 0);
            if (!win->hi_inf)
                sweep_add(&S, win->hi, it->p, 1);
        }
        window_meet(common, common, win);
        if (eps != NULL)
        {
            /* asked of the predicate layer, as the autoencoder would */
            slong m = cpwl_ae_support(supp, Wy, eps, h, pred), l;
            int same = m == k;
            for (l = 0, i = 0; same && i < h; i++)
                if (!fmpq_is_zero(it->x + i))
                    same = supp[l++] == i;
            if (same)
                fmpq_add(prob, prob, it->p);
            else
            {
                fmpz_add_ui(R->failed, R->failed, 1);
                if (R->nfail < max_fail)
                    kept_push(&R->fail, &R->fail_index, &R->nfail, h, it->x,
                              it->index);
            }
        }
    }
    sweep_best(R->best, R->best_window, &S);

    if (M != NULL)
    {
        fmpq_mat_clear(M);
        flint_free(M);
    }
    cpwl_codes_iter_clear(it, C);
    sweep_clear(&S);
    cpwl_ae_window_clear(win);
    flint_free(supp);
    _fmpq_vec_clear(y, n);
    _fmpq_vec_clear(Wy, h);
    return ret;
}
