/* The exact law of the online iterate (docs/api/tron.md): for a finite
   support, the distribution of w_t over the draws as distinct exact
   states with exact probabilities.  Each step applies every batch (a
   multiset of b rows, of probability b! / prod c_k! prod p_k^c_k) to
   every state with the engine's own step (cpwl_tron_step_rows in exact
   arithmetic), so the law is the one of the iteration that
   cpwl_tron_run samples, and merges equal states. */
#include <stdlib.h>
#include "cpwl/tron.h"

/* A state: w (r entries) and its probability. */
typedef struct
{
    fmpq *w;
    fmpq_t p;
    slong r;
}
law_state;

/* A growing array of initialised states. */
typedef struct
{
    law_state *s;
    slong alloc, r;
}
law_vec;

static void law_vec_init(law_vec *v, slong r)
{
    v->s = NULL;
    v->alloc = 0;
    v->r = r;
}

static void law_vec_fit(law_vec *v, slong n)
{
    slong i, a;
    if (n <= v->alloc)
        return;
    a = FLINT_MAX(n, 2 * v->alloc);
    v->s = flint_realloc(v->s, a * sizeof *v->s);
    for (i = v->alloc; i < a; i++)
    {
        v->s[i].w = _fmpq_vec_init(v->r);
        fmpq_init(v->s[i].p);
        v->s[i].r = v->r;
    }
    v->alloc = a;
}

static void law_vec_clear(law_vec *v)
{
    slong i;
    for (i = 0; i < v->alloc; i++)
    {
        _fmpq_vec_clear(v->s[i].w, v->r);
        fmpq_clear(v->s[i].p);
    }
    flint_free(v->s);
}

static int law_cmp(const void *a, const void *b)
{
    const law_state *x = a, *y = b;
    slong j;
    int c;
    for (j = 0; j < x->r; j++)
        if ((c = fmpq_cmp(x->w + j, y->w + j)) != 0)
            return c;
    return 0;
}

/* Sort the m states and add up equal ones; returns the new count. */
static slong law_merge(law_state *S, slong m)
{
    slong i, k = 0;
    if (m == 0)
        return 0;
    qsort(S, m, sizeof *S, law_cmp);
    for (i = 1; i < m; i++)
    {
        if (law_cmp(S + k, S + i) == 0)
            fmpq_add(S[k].p, S[k].p, S[i].p);
        else
        {
            k++;
            if (k != i)
            {
                law_state t = S[k];
                S[k] = S[i];
                S[i] = t;
            }
        }
    }
    return k + 1;
}

/* E |w - w*|^2 over the m states. */
static void law_ed2(fmpq_t r, const law_state *S, slong m, const fmpq *ws,
                    slong n)
{
    fmpq_t a, d;
    slong i, j;
    fmpq_init(a);
    fmpq_init(d);
    fmpq_zero(r);
    for (i = 0; i < m; i++)
    {
        fmpq_zero(d);
        for (j = 0; j < n; j++)
        {
            fmpq_sub(a, S[i].w + j, ws + j);
            fmpq_addmul(d, a, a);
        }
        fmpq_addmul(r, d, S[i].p);
    }
    fmpq_clear(a);
    fmpq_clear(d);
}

/* The batches: every nondecreasing sequence of b rows with p_k > 0, and
   its probability.  Returns their number, or -1 beyond cap. */
static slong law_batches(slong **idx, fmpq **wt, const cpwl_dist_struct *D,
                         slong b, slong cap)
{
    slong K = D->K, L = 0, i, j, nb = 0, *rows, *cur, *cnt;
    fmpz_t f;
    fmpq_t q;

    rows = flint_malloc(K * sizeof *rows);
    for (i = 0; i < K; i++)
        if (fmpq_sgn(D->p + i) > 0)
            rows[L++] = i;
    /* count C(L + b - 1, b), stopping beyond cap */
    {
        fmpz_t c;
        fmpz_init(c);
        fmpz_bin_uiui(c, (ulong) (L + b - 1), (ulong) b);
        nb = fmpz_cmp_si(c, cap) > 0 ? -1 : fmpz_get_si(c);
        fmpz_clear(c);
    }
    if (nb < 0)
    {
        flint_free(rows);
        return -1;
    }
    *idx = flint_malloc(nb * b * sizeof **idx);
    *wt = _fmpq_vec_init(nb);
    cur = flint_calloc(b, sizeof *cur);     /* positions into rows */
    cnt = flint_malloc(K * sizeof *cnt);
    fmpz_init(f);
    fmpq_init(q);
    for (i = 0; i < nb; i++)
    {
        slong c;
        for (j = 0; j < K; j++)
            cnt[j] = 0;
        for (j = 0; j < b; j++)
        {
            (*idx)[i * b + j] = rows[cur[j]];
            cnt[rows[cur[j]]]++;
        }
        /* b! / prod c_k! prod p_k^c_k */
        fmpz_fac_ui(fmpq_numref(*wt + i), (ulong) b);
        fmpz_one(fmpq_denref(*wt + i));
        for (j = 0; j < K; j++)
            if (cnt[j] > 0)
            {
                fmpz_fac_ui(f, (ulong) cnt[j]);
                fmpq_div_fmpz(*wt + i, *wt + i, f);
                fmpq_pow_si(q, D->p + j, cnt[j]);
                fmpq_mul(*wt + i, *wt + i, q);
            }
        /* the next nondecreasing sequence */
        for (c = b - 1; c >= 0 && cur[c] == L - 1; c--)
            ;
        if (c >= 0)
        {
            cur[c]++;
            for (j = c + 1; j < b; j++)
                cur[j] = cur[c];
        }
    }
    fmpz_clear(f);
    fmpq_clear(q);
    flint_free(cur);
    flint_free(cnt);
    flint_free(rows);
    return nb;
}

#define LAW_MAX_BATCHES 1000000

int cpwl_tron_law(fmpq *Ed2, slong *t_done, slong *states,
                  const cpwl_tron_opts_t o, const cpwl_dist_t D,
                  const fmpq *wstar, const fmpq *w1, slong max_states,
                  volatile sig_atomic_t *stop, cpwl_err_t e)
{
    cpwl_tron_t R;
    cpwl_arith_t A;
    slong b = o->batch, r, nb, m = 1, t, i, j, k, nn;
    slong *idx = NULL;
    fmpq *wt = NULL;
    law_vec SV, NV;
    int st = CPWL_OK;

    *t_done = 0;
    *states = 0;
    if (cpwl_dist_is_continuous(D))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "law of the iterate: a %s law "
                            "has no finite support to enumerate",
                            cpwl_dist_kind_name(D->kind));
    if (o->adv != CPWL_TRON_ADV_NONE && fmpq_sgn(o->beta) > 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "law of the iterate: "
                            "poisoned labels are not enumerated");
    if (o->algo == CPWL_TRON_GLM)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "law of the iterate: glm-tron "
                            "takes the whole sum at every step and has no "
                            "random batches");
    if (wstar == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "law of the iterate: w* is "
                            "needed for the distances");
    if (max_states < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "law of the iterate: the "
                            "bound on the number of states must be at least 1");
    if (b < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "law of the iterate: the "
                            "batch size must be at least 1");
    nb = law_batches(&idx, &wt, D, b, LAW_MAX_BATCHES);
    if (nb < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "law of the iterate: more "
                            "than %d batches of %ld rows per step",
                            LAW_MAX_BATCHES, (long) b);

    cpwl_arith_init_exact(A);
    st = cpwl_tron_init(R, o, D, wstar, w1, A, e);
    if (st != CPWL_OK)
    {
        cpwl_arith_clear(A);
        flint_free(idx);
        _fmpq_vec_clear(wt, nb);
        return st;
    }
    r = R->r;
    law_vec_init(&SV, r);
    law_vec_init(&NV, r);
    law_vec_fit(&SV, 1);
    for (j = 0; j < r; j++)
        fmpq_set(SV.s[0].w + j, w1 + j);
    fmpq_one(SV.s[0].p);
    law_ed2(Ed2 + 0, SV.s, 1, wstar, r);
    *t_done = 1;
    *states = 1;
    /* the successors are merged whenever max_states + nb of them are
       pending, so at most that many are ever held */
    for (t = 1; t <= o->steps && st == CPWL_OK; t++)
    {
        int over = 0;
        nn = 0;
        for (i = 0; i < m && !over && st == CPWL_OK; i++)
        {
            if (stop != NULL && *stop)
            {
                over = 1;       /* interrupted: w_{t+1}'s law unfinished */
                break;
            }
            law_vec_fit(&NV, nn + nb);
            for (k = 0; k < nb && st == CPWL_OK; k++)
            {
                cpwl_tron_set_w(R, SV.s[i].w);
                st = cpwl_tron_step_rows(R, idx + k * b, b, e);
                for (j = 0; j < r && st == CPWL_OK; j++)
                    if (!cpwl_val_get_fmpq(NV.s[nn].w + j, R->w + j, A))
                        st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "law of the "
                                          "iterate: a step was not exact");
                fmpq_mul(NV.s[nn].p, SV.s[i].p, wt + k);
                nn++;
            }
            if (nn > max_states)
            {
                nn = law_merge(NV.s, nn);
                over = nn > max_states;
            }
        }
        if (st != CPWL_OK)
            break;
        if (!over)
        {
            nn = law_merge(NV.s, nn);
            over = nn > max_states;
        }
        if (over)
            break;              /* w_{t+1}'s law has too many states */
        {
            law_vec tmp = SV;
            SV = NV;
            NV = tmp;
        }
        m = nn;
        law_ed2(Ed2 + t, SV.s, m, wstar, r);
        *t_done = t + 1;
        *states = m;
    }

    law_vec_clear(&SV);
    law_vec_clear(&NV);
    flint_free(idx);
    _fmpq_vec_clear(wt, nb);
    cpwl_tron_clear(R);
    cpwl_arith_clear(A);
    return st;
}
