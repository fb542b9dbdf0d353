/* Exact ERM for one-hidden-layer ReLU networks (see cpwl/erm.h). */
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "qvec.h"
#include "cpwl/erm.h"
#include "cpwl/io.h"
#include "cpwl/num.h"
#include "cpwl/dom.h"
#include "cpwl/regions.h"
#include "json.h"

/* ---- data ------------------------------------------------------------ */

void erm_data_init(erm_data_t data)
{
    memset(data, 0, sizeof(erm_data_struct));
}

void erm_data_clear(erm_data_t data)
{
    if (data->X != NULL)
        _fmpq_vec_clear(data->X, data->D * data->n);
    if (data->y != NULL)
        _fmpq_vec_clear(data->y, data->D);
    memset(data, 0, sizeof(erm_data_struct));
}

/* Append one parsed row (n + 1 numbers) to the growing data. */
static void data_push(erm_data_t data, slong *alloc, const fmpq *row)
{
    slong n = data->n, i;
    if (data->D == *alloc)
    {
        slong a = FLINT_MAX(16, 2 * *alloc);
        /* fmpq may be moved bytewise */
        data->X = flint_realloc(data->X, a * n * sizeof(fmpq));
        data->y = flint_realloc(data->y, a * sizeof(fmpq));
        for (i = *alloc * n; i < a * n; i++)
            fmpq_init(data->X + i);
        for (i = *alloc; i < a; i++)
            fmpq_init(data->y + i);
        *alloc = a;
    }
    qvec_set(data->X + data->D * n, row, n);
    fmpq_set(data->y + data->D, row + n);
    data->D++;
}

/* Shrink the arrays to D entries (so that clear sees the right sizes). */
static void data_fit(erm_data_t data, slong alloc)
{
    slong i;
    for (i = data->D * data->n; i < alloc * data->n; i++)
        fmpq_clear(data->X + i);
    for (i = data->D; i < alloc; i++)
        fmpq_clear(data->y + i);
    if (data->D == 0)
    {
        flint_free(data->X);
        flint_free(data->y);
        data->X = data->y = NULL;
    }
}

/* The cell starting at a (ending at the next ',' or at stop), without
   surrounding blanks: [*ca, *cb).  Returns where it ends. */
static size_t next_cell(size_t *ca, size_t *cb, const char *text, size_t a,
                        size_t stop)
{
    size_t b = a;
    while (b < stop && text[b] != ',')
        b++;
    *ca = a;
    *cb = b;
    while (*ca < *cb && (text[*ca] == ' ' || text[*ca] == '\t'))
        (*ca)++;
    while (*cb > *ca && (text[*cb - 1] == ' ' || text[*cb - 1] == '\t'))
        (*cb)--;
    return b;
}

int erm_data_read_str(erm_data_t data, const char *text, size_t len,
                      const char *name, err_t e)
{
    size_t pos = 0;
    slong line = 0, alloc = 0, cols = -1;
    fmpq *row = NULL;
    int st = CPWL_OK, first = 1;
    char q[ERR_QUOTE_SIZE];

    erm_data_clear(data);
    while (pos < len && st == CPWL_OK)
    {
        size_t end = pos, stop;
        slong ncell = 0;
        const char *s = text + pos;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        /* A comment runs to the end of the line; \r before \n is ignored. */
        stop = pos;
        while (stop < end && text[stop] != '#')
            stop++;
        while (stop > pos && (text[stop - 1] == '\r' || text[stop - 1] == ' '
                              || text[stop - 1] == '\t'))
            stop--;
        if (memchr(s, '\0', end - pos) != NULL)
        {
            st = err_set(e, CPWL_ERR_INPUT, "%s:%ld: NUL byte in the data",
                         name, (long) line);
            break;
        }
        if (stop > pos)
        {
            /* Count the cells, then parse them. */
            size_t a = pos, b;
            slong c = 1, k;
            int numeric = 0, header = 0;
            for (b = pos; b < stop; b++)
                c += text[b] == ',';
            if (cols < 0)
            {
                if (c < 2)
                {
                    st = err_set(e, CPWL_ERR_INPUT, "%s:%ld: a row needs at "
                                 "least 2 cells (x_1,...,x_n,y), got 1", name,
                                 (long) line);
                    break;
                }
            }
            for (k = 0; k < c; k++)
            {
                size_t ca, cb;
                fmpq_t t;
                err_t ne;
                b = next_cell(&ca, &cb, text, a, stop);
                fmpq_init(t);
                err_init(ne);
                if (num_parse_fmpq(t, text + ca, cb - ca, NUM_EXACT, ne) == CPWL_OK)
                    numeric = 1;
                fmpq_clear(t);
                a = b + 1;
            }
            /* A first line with no number at all is a header. */
            header = first && !numeric;
            first = 0;
            if (header)
            {
                pos = end + 1;
                continue;
            }
            if (cols < 0)
            {
                cols = c;
                data->n = cols - 1;
                row = _fmpq_vec_init(cols);
            }
            else if (c != cols)
            {
                st = err_set(e, CPWL_ERR_INPUT, "%s:%ld: expected %ld cells "
                             "(as in the first row), got %ld", name,
                             (long) line, (long) cols, (long) c);
                break;
            }
            a = pos;
            for (k = 0; k < c; k++)
            {
                size_t ca, cb;
                err_t ne;
                b = next_cell(&ca, &cb, text, a, stop);
                err_init(ne);
                if (num_parse_fmpq(row + k, text + ca, cb - ca, NUM_EXACT, ne)
                    != CPWL_OK)
                {
                    err_quote(q, sizeof q, text + ca, cb - ca);
                    st = err_set(e, CPWL_ERR_INPUT, "%s:%ld:%ld: cell %ld "
                                 "(%s): %s", name, (long) line,
                                 (long) (ca - pos + 1), (long) k + 1, q,
                                 ne->msg);
                    break;
                }
                ncell++;
                a = b + 1;
            }
            if (st == CPWL_OK)
                data_push(data, &alloc, row);
        }
        pos = end + 1;
    }
    if (row != NULL)
        _fmpq_vec_clear(row, cols);
    data_fit(data, alloc);
    if (st == CPWL_OK && data->D == 0)
        st = err_set(e, CPWL_ERR_INPUT, "%s: no data rows", name);
    if (st != CPWL_OK)
        erm_data_clear(data);
    return st;
}

int erm_data_read_file(erm_data_t data, const char *path, err_t e)
{
    char *buf;
    size_t len;
    int st;
    if ((st = io_read_all(&buf, &len, path, e)) != CPWL_OK)
        return st;
    st = erm_data_read_str(data, buf, len, path, e);
    free(buf);
    return st;
}

/* ---- dichotomies ----------------------------------------------------- */

void erm_dich_init(erm_dich_t S)
{
    memset(S, 0, sizeof(erm_dich_struct));
}

void erm_dich_clear(erm_dich_t S)
{
    flint_free(S->bits);
    memset(S, 0, sizeof(erm_dich_struct));
}

int erm_dichotomies(erm_dich_t S, const erm_data_t data, pred_ctx_t ctx,
                    err_t e)
{
    slong D = data->D, n = data->n, i, j, k;
    net_t g;
    net_layer_struct *L;
    dom_t dom;
    regions_t R;
    regions_opts o;
    int st;

    /* Neuron i of the dual network is <a, x_i> + b on (a, b) in R^(n+1):
       its activation regions are the dichotomies. */
    net_init(g, n + 1);
    L = net_add_layer(g, NET_RELU, D);
    for (i = 0; i < D; i++)
    {
        for (j = 0; j < n; j++)
            fmpq_set(fmpq_mat_entry(L->W, i, j), data->X + i * n + j);
        fmpq_one(fmpq_mat_entry(L->W, i, n));
    }
    net_add_layer(g, NET_IDENTITY, 1);
    net_prepare(g);
    dom_init(dom);
    dom_set_all(dom, n + 1);
    regions_opts_init(&o, ctx);
    o.max_regions = 0;
    regions_init(R, 0, 0, 0);
    st = regions_compute(R, g, dom, &o, e);
    erm_dich_clear(S);
    if (st == CPWL_OK)
    {
        S->words = (D + FLINT_BITS - 1) / FLINT_BITS;
        S->bits = flint_calloc(FLINT_MAX(1, R->ncells * S->words),
                               sizeof(ulong));
        for (k = 0; k < R->ncells; k++)
        {
            ulong *b = S->bits + S->count * S->words;
            int any = 0;
            for (i = 0; i < D; i++)
                if (R->cells[k].state[i])
                {
                    b[i / FLINT_BITS] |= UWORD(1) << (i % FLINT_BITS);
                    any = 1;
                }
            if (any)
                S->count++;
            else
                memset(b, 0, S->words * sizeof(ulong));
        }
    }
    regions_clear(R);
    dom_clear(dom);
    net_clear(g);
    return st;
}

/* ---- cells ----------------------------------------------------------- */

void erm_opts_init(erm_opts *o, pred_ctx_struct *pred)
{
    memset(o, 0, sizeof(erm_opts));
    o->loss = QP_SQUARED;
    o->width = 1;
    o->prune = 1;
    o->max_cells = ERM_DEFAULT_MAX_CELLS;
    o->pred = pred;
}

void erm_count_cells(fmpz_t count, slong N, slong w)
{
    fmpz_bin_uiui(count, 2 * N, FLINT_MIN(w, 2 * N));
}

static int in_set(const erm_dich_t S, slong t, slong i)
{
    return (S->bits[t * S->words + i / FLINT_BITS] >> (i % FLINT_BITS)) & 1;
}

void erm_cell_qp(qp_t P, const erm_data_t data, const erm_dich_t S,
                 const slong *sets, const int *sign, slong units,
                 qp_loss loss, int output_bias)
{
    slong D = data->D, n = data->n, c = n + 1, j, i, t;
    slong k = units * c + (output_bias ? 1 : 0);
    qp_init(P, loss, k, D, units * D);
    for (i = 0; i < D; i++)
    {
        fmpq_set(P->y + i, data->y + i);
        if (output_bias)
            fmpq_one(fmpq_mat_entry(P->M, i, k - 1));
    }
    for (j = 0; j < units; j++)
        for (i = 0; i < D; i++)
        {
            int on = in_set(S, sets[j], i);
            slong r = j * D + i;
            /* M: the unit's prediction s_j (<a_j, x_i> + b_j) where it is
               active; G: <a_j, x_i> + b_j >= 0 there, <= 0 elsewhere. */
            for (t = 0; t < c; t++)
            {
                const fmpq *xv = t < n ? data->X + i * n + t : NULL;
                fmpq *g = fmpq_mat_entry(P->G, r, j * c + t);
                if (xv)
                    fmpq_set(g, xv);
                else
                    fmpq_one(g);
                if (!on)
                    fmpq_neg(g, g);
                else
                {
                    fmpq *mm = fmpq_mat_entry(P->M, i, j * c + t);
                    fmpq_set(mm, xv ? xv : g);
                    if (sign[j] < 0)
                        fmpq_neg(mm, mm);
                }
            }
        }
}

void erm_cell_net(net_t net, const erm_data_t data, const int *sign,
                  slong units, slong w, const fmpq *theta, int output_bias)
{
    slong n = data->n, c = n + 1, j, t;
    net_layer_struct *L, *O;
    net_clear(net);
    net_init(net, n);
    L = net_add_layer(net, NET_RELU, w);
    O = net_add_layer(net, NET_IDENTITY, 1);
    for (j = 0; j < units; j++)
    {
        for (t = 0; t < n; t++)
            fmpq_set(fmpq_mat_entry(L->W, j, t), theta + j * c + t);
        fmpq_set(L->b + j, theta + j * c + n);
        fmpq_set_si(fmpq_mat_entry(O->W, 0, j), sign[j], 1);
    }
    if (output_bias)
        fmpq_set(O->b + 0, theta + units * c);
    net->output_bias = output_bias;
    net_prepare(net);
}

/* The loss of prediction p against label y, added to acc. */
static void add_loss(fmpq *acc, const fmpq *p, const fmpq *y,
                     qp_loss kind)
{
    fmpq_t t;
    fmpq_init(t);
    if (kind == QP_HINGE)
    {
        /* max(0, 1 - y p) */
        fmpq_mul(t, y, p);
        fmpq_sub_si(t, t, 1);
        if (fmpq_sgn(t) < 0)
            fmpq_sub(acc, acc, t);
    }
    else
    {
        fmpq_sub(t, p, y);
        if (kind == QP_SQUARED)
            fmpq_addmul(acc, t, t);
        else
        {
            fmpq_abs(t, t);
            fmpq_add(acc, acc, t);
        }
    }
    fmpq_clear(t);
}

void erm_net_loss(fmpq_t loss, const net_t net, const erm_data_t data,
                  qp_loss kind)
{
    slong i, n = data->n;
    fmpq_t p;
    fmpq_init(p);
    fmpq_zero(loss);
    for (i = 0; i < data->D; i++)
    {
        net_eval_fmpq(p, net, data->X + i * n);
        add_loss(loss, p, data->y + i, kind);
    }
    fmpq_clear(p);
}

/* ---- the search ------------------------------------------------------ */

void erm_result_init(erm_result_t r)
{
    memset(r, 0, sizeof(erm_result_struct));
    fmpq_init(r->optimum);
    net_init(r->net, 1);
}

void erm_result_clear(erm_result_t r)
{
    slong i;
    fmpq_clear(r->optimum);
    flint_free(r->cell);
    flint_free(r->sign);
    if (r->have_sol)
    {
        qp_sol_clear(r->sol);
        qp_clear(r->qp);
    }
    net_clear(r->net);
    erm_dich_clear(&r->dich);
    if (r->bounds != NULL)
        _fmpq_vec_clear(r->bounds, r->cells);
    for (i = 0; i < r->nsols; i++)
        qp_sol_clear(r->sols + i);
    flint_free(r->sols);
    flint_free(r->sol_cell);
    memset(r, 0, sizeof(erm_result_struct));
}

/* Cell number idx of the enumeration: a u-combination of the 2N signed
   dichotomies (t < N: +1 unit on dichotomy t; t >= N: -1 unit on t - N),
   stored as comb[0..u). */
static void next_comb(slong *comb, slong u, slong total)
{
    slong i = u - 1;
    while (i >= 0 && comb[i] == total - u + i)
        i--;
    if (i < 0)
        return;
    comb[i]++;
    for (i++; i < u; i++)
        comb[i] = comb[i - 1] + 1;
}

static void comb_cell(slong *sets, int *sign, const slong *comb, slong u,
                      slong N)
{
    slong j;
    for (j = 0; j < u; j++)
    {
        sign[j] = comb[j] < N ? 1 : -1;
        sets[j] = comb[j] < N ? comb[j] : comb[j] - N;
    }
}

typedef struct
{
    fmpq lb;                    /* lower bound of the cell */
    slong idx;                  /* its number in the enumeration */
}
cell_bound;

static int bound_cmp(const void *a, const void *b)
{
    const cell_bound *x = a, *y = b;
    int c = fmpq_cmp(&x->lb, &y->lb);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Solve one cell; keep it when it improves on the best. */
static void sol_copy(qp_sol_struct *d, const qp_sol_t s, const qp_t P)
{
    qp_sol_init(d, P);
    fmpq_set(d->value, s->value);
    qvec_set(d->theta, s->theta, P->k);
    qvec_set(d->lambda, s->lambda, P->m);
    qvec_set(d->mu, s->mu, P->D);
    d->by_double = s->by_double;
}

static int solve_cell(erm_result_t r, const erm_data_t data,
                      const erm_dich_t S, const slong *sets, const int *sign,
                      slong u, slong idx, const erm_opts *o, err_t e)
{
    qp_t P;
    qp_sol_t sol;
    int st;
    erm_cell_qp(P, data, S, sets, sign, u, o->loss, o->output_bias);
    qp_sol_init(sol, P);
    st = o->exact_only ? qp_solve_exact(sol, P, e) : qp_solve(sol, P, e);
    if (st == CPWL_OK)
    {
        r->solved++;
        r->by_double += sol->by_double;
        if (o->certificate)
        {
            r->sols = flint_realloc(r->sols, (r->nsols + 1)
                                    * sizeof(qp_sol_struct));
            r->sol_cell = flint_realloc(r->sol_cell, (r->nsols + 1)
                                        * sizeof(slong));
            sol_copy(r->sols + r->nsols, sol, P);
            r->sol_cell[r->nsols++] = idx;
        }
        if (!r->have_sol || fmpq_cmp(sol->value, r->optimum) < 0)
        {
            if (r->have_sol)
            {
                qp_sol_clear(r->sol);
                qp_clear(r->qp);
            }
            /* The structs own their arrays: move them. */
            *r->qp = *P;
            *r->sol = *sol;
            r->have_sol = 1;
            fmpq_set(r->optimum, sol->value);
            r->opt_cell = idx;
            memcpy(r->cell, sets, u * sizeof(slong));
            memcpy(r->sign, sign, u * sizeof(int));
            return st;
        }
    }
    qp_sol_clear(sol);
    qp_clear(P);
    return st;
}

int erm_solve(erm_result_t r, const erm_data_t data, const erm_opts *o,
              err_t e)
{
    erm_dich_t S;
    slong N, u, total, ncells, i;
    slong *comb = NULL, *sets = NULL, *combs = NULL;
    int *sign = NULL, st = CPWL_OK;
    fmpz_t count;
    cell_bound *cb = NULL;

    if (o->width < 1 || o->width > ERM_MAX_WIDTH)
        return err_set(e, CPWL_ERR_INPUT, "the width must be between 1 and "
                       "%d", ERM_MAX_WIDTH);
    if (o->loss == QP_HINGE)
        for (i = 0; i < data->D; i++)
            if (!fmpq_is_one(data->y + i) && !fmpq_equal_si(data->y + i, -1))
                return err_set(e, CPWL_ERR_INPUT, "hinge loss needs labels "
                               "+1 or -1; row %ld has another label",
                               (long) i + 1);
    erm_dich_init(S);
    if ((st = erm_dichotomies(S, data, o->pred, e)) != CPWL_OK)
    {
        erm_dich_clear(S);
        return st;
    }
    N = S->count;
    u = FLINT_MIN(o->width, 2 * N);
    total = 2 * N;
    fmpz_init(count);
    erm_count_cells(count, N, o->width);
    r->dichotomies = N;
    if (fmpz_cmp_si(count, ERM_HARD_MAX_CELLS) > 0
        || (o->max_cells > 0 && fmpz_cmp_si(count, o->max_cells) > 0))
    {
        char *s = fmpz_get_str(NULL, 10, count);
        if (fmpz_cmp_si(count, ERM_HARD_MAX_CELLS) > 0)
            st = err_set(e, CPWL_ERR_INPUT, "%s convex subproblems (%ld "
                         "dichotomies, width %ld) are more than this "
                         "implementation can hold in memory (%ld)", s,
                         (long) N, (long) o->width,
                         (long) ERM_HARD_MAX_CELLS);
        else
            st = err_set(e, CPWL_ERR_INPUT, "%s convex subproblems (%ld "
                         "dichotomies, width %ld) is more than --max-cells "
                         "%ld; raise --max-cells to go on", s, (long) N,
                         (long) o->width, (long) o->max_cells);
        flint_free(s);
        fmpz_clear(count);
        erm_dich_clear(S);
        return st;
    }
    ncells = fmpz_get_si(count);
    fmpz_clear(count);
    r->cells = ncells;
    r->units = u;
    r->cell = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    r->sign = flint_malloc(FLINT_MAX(u, 1) * sizeof(int));
    comb = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    sets = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    sign = flint_malloc(FLINT_MAX(u, 1) * sizeof(int));
    for (i = 0; i < u; i++)
        comb[i] = i;

    if (u == 0)
    {
        /* No nonempty dichotomy (cannot happen for D >= 1) */
        st = err_set(e, CPWL_ERR_INTERNAL, "no dichotomies");
        goto done;
    }

    if (o->prune)
    {
        /* Best-first: every cell's proven lower bound, then the cells in
           increasing bound until the bound reaches the best value found
           (the remaining cells cannot do better: they are pruned). */
        slong nb;
        int nt = o->threads > 0 ? o->threads : 0;
        combs = flint_malloc(ncells * u * sizeof(slong));
        cb = flint_malloc(ncells * sizeof(cell_bound));
        for (nb = 0; nb < ncells; nb++)
        {
            fmpq_init(&cb[nb].lb);
            cb[nb].idx = nb;
            memcpy(combs + nb * u, comb, u * sizeof(slong));
            next_comb(comb, u, total);
        }
        if (o->loss != QP_SQUARED)
            nt = 1;
        /* The bounds are independent: computed in parallel, each by one
           thread, so the result does not depend on the thread count. */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt > 0 ? nt : omp_get_max_threads())
#endif
        for (nb = 0; nb < ncells; nb++)
        {
            qp_t P;
            slong csets[ERM_MAX_WIDTH];
            int csign[ERM_MAX_WIDTH];
            if (o->interrupt && *o->interrupt)
                continue;
            comb_cell(csets, csign, combs + nb * u, u, N);
            erm_cell_qp(P, data, S, csets, csign, u, o->loss, o->output_bias);
            qp_lower_bound(&cb[nb].lb, P);
            qp_clear(P);
#ifdef _OPENMP
            if (omp_get_thread_num() == 0)
#endif
            if (o->progress && (nb & 1023) == 0)
                o->progress(o->progress_data, nb, 2 * ncells, r->optimum);
        }
        if (o->interrupt && *o->interrupt)
        {
            /* interrupted while bounding: no value yet */
            for (i = 0; i < ncells; i++)
                fmpq_clear(&cb[i].lb);
            flint_free(cb);
            cb = NULL;
            r->stopped = 1;
            goto done;
        }
        if (o->certificate)
        {
            r->bounds = _fmpq_vec_init(ncells);
            for (i = 0; i < ncells; i++)
                fmpq_set(r->bounds + i, &cb[i].lb);
        }
        qsort(cb, ncells, sizeof(cell_bound), bound_cmp);
        for (i = 0; i < ncells; i++)
        {
            if (r->have_sol && fmpq_cmp(&cb[i].lb, r->optimum) >= 0)
                break;
            comb_cell(sets, sign, combs + cb[i].idx * u, u, N);
            if ((st = solve_cell(r, data, S, sets, sign, u, cb[i].idx, o, e))
                != CPWL_OK)
                break;
            if (o->interrupt && *o->interrupt)
            {
                r->stopped = i + 1 < ncells;
                break;
            }
            if (o->progress && (i & 63) == 0)
                o->progress(o->progress_data, ncells + i, 2 * ncells,
                            r->optimum);
        }
        r->pruned = r->stopped ? 0 : ncells - r->solved;
    }
    else
    {
        for (i = 0; i < ncells; i++)
        {
            comb_cell(sets, sign, comb, u, N);
            if ((st = solve_cell(r, data, S, sets, sign, u, i, o, e))
                != CPWL_OK)
                break;
            next_comb(comb, u, total);
            if (o->interrupt && *o->interrupt)
            {
                r->stopped = i + 1 < ncells;
                break;
            }
            if (o->progress && (i & 63) == 0)
                o->progress(o->progress_data, i, ncells, r->optimum);
        }
    }
    if (st == CPWL_OK && r->have_sol)
        erm_cell_net(r->net, data, r->sign, u, o->width, r->sol->theta,
                     o->output_bias);
done:
    if (st == CPWL_OK && r->stopped && !r->have_sol)
    {
        /* The zero network is in every cell: its loss bounds the optimum
           from above even before anything was solved. */
        fmpq_t z;
        fmpq_init(z);
        fmpq_zero(r->optimum);
        for (i = 0; i < data->D; i++)
            add_loss(r->optimum, z, data->y + i, o->loss);
        fmpq_clear(z);
        r->zero_bound = 1;
    }
    if (cb != NULL)
    {
        for (i = 0; i < ncells; i++)
            fmpq_clear(&cb[i].lb);
        flint_free(cb);
    }
    flint_free(comb);
    flint_free(combs);
    flint_free(sets);
    flint_free(sign);
    if (o->certificate)
        r->dich = *S;           /* moved: the certificate lists them */
    else
        erm_dich_clear(S);
    return st;
}

/* ---- certificates ---------------------------------------------------- */

static void put_q(FILE *f, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    fprintf(f, "\"%s\"", s);
    flint_free(s);
}

static void put_qvec(FILE *f, const fmpq *v, slong n)
{
    slong i;
    fputc('[', f);
    for (i = 0; i < n; i++)
    {
        if (i)
            fputs(", ", f);
        put_q(f, v + i);
    }
    fputc(']', f);
}

static void put_sol(FILE *f, const qp_sol_struct *s)
{
    fputs("{\"value\": ", f);
    put_q(f, s->value);
    fputs(", \"theta\": ", f);
    put_qvec(f, s->theta, s->k);
    fputs(", \"lambda\": ", f);
    put_qvec(f, s->lambda, s->m);
    fputs(", \"mu\": ", f);
    put_qvec(f, s->mu, s->D);
    fputc('}', f);
}

int erm_certificate_write(FILE *f, const erm_result_t r,
                          const erm_data_t data, const erm_opts *o)
{
    slong i, j, k = 0;
    const erm_dich_struct *S = &r->dich;
    fprintf(f, "{\"format\": \"cpwl-erm-certificate\", \"version\": 1,\n"
            " \"loss\": \"%s\", \"width\": %ld, \"output_bias\": %s,\n"
            " \"points\": %ld, \"dim\": %ld,\n \"optimum\": ",
            o->loss == QP_SQUARED ? "squared" : o->loss == QP_L1 ? "l1"
            : "hinge", (long) o->width, o->output_bias ? "true" : "false",
            (long) data->D, (long) data->n);
    put_q(f, r->optimum);
    fprintf(f, ", \"optimal_cell\": %ld,\n \"dichotomies\": [",
            (long) r->opt_cell);
    for (i = 0; i < S->count; i++)
    {
        slong first = 1;
        fputs(i ? ",\n  [" : "\n  [", f);
        for (j = 0; j < data->D; j++)
            if (in_set(S, i, j))
            {
                fprintf(f, first ? "%ld" : ", %ld", (long) j);
                first = 0;
            }
        fputc(']', f);
    }
    fputs("],\n \"cells\": [", f);
    /* sols are in solving order: index them by cell */
    {
        slong *where = flint_malloc(FLINT_MAX(r->cells, 1) * sizeof(slong));
        for (i = 0; i < r->cells; i++)
            where[i] = -1;
        for (i = 0; i < r->nsols; i++)
            where[r->sol_cell[i]] = i;
        for (i = 0; i < r->cells; i++)
        {
            fputs(i ? ",\n  " : "\n  ", f);
            if (where[i] >= 0)
                put_sol(f, r->sols + where[i]);
            else
            {
                fputs("{\"lower_bound\": ", f);
                put_q(f, r->bounds + i);
                fputc('}', f);
                k++;
            }
        }
        flint_free(where);
    }
    fputs("]}\n", f);
    (void) k;
    return ferror(f) ? CPWL_ERR_INPUT : CPWL_OK;
}

/* A rational from a JSON string "p/q" (or a number). */
static int json_q(fmpq_t q, const json_value *v, const char *what,
                  const char *name, err_t e)
{
    err_t ne;
    err_init(ne);
    if (v == NULL || (v->kind != JSON_STRING && v->kind != JSON_NUMBER)
        || num_parse_fmpq(q, v->text, v->len, NUM_EXACT, ne) != CPWL_OK)
        return err_set(e, CPWL_ERR_INPUT, "%s: %s: expected a rational",
                       name, what);
    return CPWL_OK;
}

static int json_qvec(fmpq *x, slong n, const json_value *v, const char *what,
                     const char *name, err_t e)
{
    slong i;
    if (v == NULL || v->kind != JSON_ARRAY || (slong) v->n != n)
        return err_set(e, CPWL_ERR_INPUT, "%s: %s: expected %ld rationals",
                       name, what, (long) n);
    for (i = 0; i < n; i++)
        if (json_q(x + i, v->items[i], what, name, e) != CPWL_OK)
            return CPWL_ERR_INPUT;
    return CPWL_OK;
}

static int bits_cmp(const ulong *a, const ulong *b, slong w)
{
    slong i;
    for (i = w - 1; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Merge sort of n bitsets of w limbs (qsort has no context argument). */
static void bits_sort(ulong *a, ulong *tmp, slong n, slong w)
{
    slong h = n / 2, i = 0, j = h, k = 0;
    if (n < 2)
        return;
    bits_sort(a, tmp, h, w);
    bits_sort(a + h * w, tmp, n - h, w);
    while (i < h || j < n)
    {
        slong from = (j >= n || (i < h && bits_cmp(a + i * w, a + j * w, w)
                                 <= 0)) ? i++ : j++;
        memcpy(tmp + k++ * w, a + from * w, w * sizeof(ulong));
    }
    memcpy(a, tmp, n * w * sizeof(ulong));
}

/* A JSON integer in [lo, hi], or -1 (refused: fractions, exponents). */
static slong json_int(const json_value *v, slong lo, slong hi)
{
    slong x = 0;
    size_t i;
    if (v == NULL || v->kind != JSON_NUMBER || v->len == 0 || v->len > 18)
        return -1;
    for (i = 0; i < v->len; i++)
    {
        if (v->text[i] < '0' || v->text[i] > '9')
            return -1;
        x = 10 * x + (v->text[i] - '0');
    }
    return (x >= lo && x <= hi) ? x : -1;
}

#define REJECT(...) do { st = err_set(e, CPWL_ERR_INPUT, __VA_ARGS__); \
                         goto done; } while (0)

int erm_certificate_verify(fmpq_t optimum, erm_opts *problem,
                           const erm_data_t data, const char *text,
                           size_t len, const char *name, pred_ctx_t ctx,
                           err_t e)
{
    json_value *J = json_parse(text, len, name, e), *v, *cells, *dl;
    erm_dich_t S, T;
    slong D = data->D, n = data->n, w, N, u, i, j, ncells, opt_cell;
    slong *comb = NULL, *sets = NULL;
    int *sign = NULL, bias, st = CPWL_OK;
    qp_loss loss;
    fmpq_t lb, t;
    fmpz_t count;

    erm_dich_init(S);
    erm_dich_init(T);
    fmpq_init(lb);
    fmpq_init(t);
    fmpz_init(count);
    if (J == NULL)
    {
        st = CPWL_ERR_INPUT;
        goto done;
    }
    v = json_get(J, "format");
    if (J->kind != JSON_OBJECT || v == NULL || v->kind != JSON_STRING
        || strcmp(v->text, "cpwl-erm-certificate") != 0)
        REJECT("%s: not a cpwl-erm-certificate", name);
    v = json_get(J, "loss");
    if (v == NULL || v->kind != JSON_STRING)
        REJECT("%s: loss: expected a string", name);
    if (!strcmp(v->text, "squared"))
        loss = QP_SQUARED;
    else if (!strcmp(v->text, "l1"))
        loss = QP_L1;
    else if (!strcmp(v->text, "hinge"))
        loss = QP_HINGE;
    else
        REJECT("%s: loss: unknown", name);
    v = json_get(J, "width");
    if ((w = json_int(v, 1, ERM_MAX_WIDTH)) < 0)
        REJECT("%s: width: expected an integer from 1 to %d", name,
               ERM_MAX_WIDTH);
    v = json_get(J, "output_bias");
    if (v == NULL || v->kind != JSON_BOOL)
        REJECT("%s: output_bias: expected true or false", name);
    bias = v->boolean;
    if (problem != NULL)
    {
        problem->loss = loss;
        problem->width = w;
        problem->output_bias = bias;
    }
    v = json_get(J, "points");
    if (json_int(v, 0, WORD_MAX / 4) != D)
        REJECT("%s: points: the certificate is for other data (%ld points "
               "here)", name, (long) D);
    v = json_get(J, "dim");
    if (json_int(v, 0, WORD_MAX / 4) != n)
        REJECT("%s: dim: the certificate is for data of another dimension",
               name);
    if (json_q(optimum, json_get(J, "optimum"), "optimum", name, e))
    {
        st = CPWL_ERR_INPUT;
        goto done;
    }
    v = json_get(J, "optimal_cell");
    if ((opt_cell = json_int(v, 0, WORD_MAX / 4)) < 0)
        REJECT("%s: optimal_cell: expected an integer", name);

    /* The dichotomies: recomputed, and equal as a set to the listed ones. */
    dl = json_get(J, "dichotomies");
    if (dl == NULL || dl->kind != JSON_ARRAY)
        REJECT("%s: dichotomies: expected an array", name);
    if ((st = erm_dichotomies(S, data, ctx, e)) != CPWL_OK)
        goto done;
    N = dl->n;
    if (N != S->count)
        REJECT("%s: dichotomies: %ld listed, the data have %ld", name,
               (long) N, (long) S->count);
    T->words = S->words;
    T->count = N;
    T->bits = flint_calloc(FLINT_MAX(N * T->words, 1), sizeof(ulong));
    for (i = 0; i < N; i++)
    {
        const json_value *a = dl->items[i];
        if (a->kind != JSON_ARRAY)
            REJECT("%s: dichotomies[%ld]: expected an array", name, (long) i);
        for (j = 0; j < (slong) a->n; j++)
        {
            slong p = json_int(a->items[j], 0, D - 1);
            if (p < 0 || p >= D)
                REJECT("%s: dichotomies[%ld][%ld]: not a point index", name,
                       (long) i, (long) j);
            T->bits[i * T->words + p / FLINT_BITS] |= UWORD(1) << (p % FLINT_BITS);
        }
    }
    {
        ulong *a = flint_malloc(FLINT_MAX(N * T->words, 1) * sizeof(ulong));
        ulong *tmp = flint_malloc(FLINT_MAX(N * T->words, 1) * sizeof(ulong));
        memcpy(a, T->bits, N * T->words * sizeof(ulong));
        bits_sort(a, tmp, N, T->words);
        bits_sort(S->bits, tmp, N, S->words);
        flint_free(tmp);
        for (i = 0; i < N; i++)
            if (bits_cmp(a + i * T->words, S->bits + i * S->words,
                         T->words) != 0)
            {
                flint_free(a);
                REJECT("%s: dichotomies: the list differs from the "
                       "dichotomies of the data", name);
            }
        flint_free(a);
    }

    /* Every cell: a proven bound or a certified optimum >= the claim. */
    u = FLINT_MIN(w, 2 * N);
    erm_count_cells(count, N, w);
    cells = json_get(J, "cells");
    if (cells == NULL || cells->kind != JSON_ARRAY
        || fmpz_cmp_si(count, cells->n) != 0)
        REJECT("%s: cells: expected one entry per cell", name);
    ncells = cells->n;
    if (opt_cell < 0 || opt_cell >= ncells)
        REJECT("%s: optimal_cell: out of range", name);
    comb = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    sets = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    sign = flint_malloc(FLINT_MAX(u, 1) * sizeof(int));
    for (i = 0; i < u; i++)
        comb[i] = i;
    for (i = 0; i < ncells; i++, next_comb(comb, u, 2 * N))
    {
        const json_value *c = cells->items[i];
        qp_t P;
        comb_cell(sets, sign, comb, u, N);
        erm_cell_qp(P, data, T, sets, sign, u, loss, bias);
        if (c->kind == JSON_OBJECT && json_get(c, "lower_bound") != NULL)
        {
            if (i == opt_cell)
            {
                qp_clear(P);
                REJECT("%s: cells[%ld]: the optimal cell needs a solution",
                       name, (long) i);
            }
            if (json_q(lb, json_get(c, "lower_bound"), "lower_bound", name, e))
            {
                qp_clear(P);
                st = CPWL_ERR_INPUT;
                goto done;
            }
            qp_lower_bound(t, P);
            qp_clear(P);
            if (!fmpq_equal(t, lb))
                REJECT("%s: cells[%ld]: the lower bound is not the exact "
                       "relaxation optimum", name, (long) i);
            if (fmpq_cmp(lb, optimum) < 0)
                REJECT("%s: cells[%ld]: its lower bound is below the claimed "
                       "optimum: the cell is not excluded", name, (long) i);
        }
        else if (c->kind == JSON_OBJECT)
        {
            qp_sol_t sol;
            const char *why = "";
            int ok;
            qp_sol_init(sol, P);
            ok = json_q(sol->value, json_get(c, "value"), "value", name, e)
                 == CPWL_OK
                 && json_qvec(sol->theta, P->k, json_get(c, "theta"),
                              "theta", name, e) == CPWL_OK
                 && json_qvec(sol->lambda, P->m, json_get(c, "lambda"),
                              "lambda", name, e) == CPWL_OK
                 && json_qvec(sol->mu, P->D, json_get(c, "mu"), "mu", name,
                              e) == CPWL_OK;
            if (ok && !qp_check(sol, P, &why))
            {
                err_set(e, CPWL_ERR_INPUT, "%s: cells[%ld]: the solution "
                        "does not check: %s", name, (long) i, why);
                ok = 0;
            }
            if (ok && fmpq_cmp(sol->value, optimum) < 0)
            {
                err_set(e, CPWL_ERR_INPUT, "%s: cells[%ld]: its optimum is "
                        "below the claimed optimum", name, (long) i);
                ok = 0;
            }
            if (ok && i == opt_cell && !fmpq_equal(sol->value, optimum))
            {
                err_set(e, CPWL_ERR_INPUT, "%s: cells[%ld]: the optimal "
                        "cell's value is not the claimed optimum", name,
                        (long) i);
                ok = 0;
            }
            if (ok && i == opt_cell)
            {
                /* The network it describes attains the optimum. */
                net_t net;
                net_init(net, n);
                erm_cell_net(net, data, sign, u, w, sol->theta, bias);
                erm_net_loss(t, net, data, loss);
                net_clear(net);
                if (!fmpq_equal(t, optimum))
                {
                    err_set(e, CPWL_ERR_INPUT, "%s: the optimal network's "
                            "loss is not the claimed optimum", name);
                    ok = 0;
                }
            }
            qp_sol_clear(sol);
            qp_clear(P);
            if (!ok)
            {
                st = CPWL_ERR_INPUT;
                goto done;
            }
        }
        else
        {
            qp_clear(P);
            REJECT("%s: cells[%ld]: expected an object", name, (long) i);
        }
    }
done:
    flint_free(comb);
    flint_free(sets);
    flint_free(sign);
    fmpz_clear(count);
    fmpq_clear(lb);
    fmpq_clear(t);
    erm_dich_clear(S);
    erm_dich_clear(T);
    json_free(J);
    return st;
}
