/* ERM certificates: the verifier (see cpwl/erm.h, docs/erm.md).

   Meant to be audited alone.  It solves nothing and trusts only:
   - json_parse and cpwl_num_parse_fmpq (reading the file, rationals exactly);
   - cpwl_io_net_read_str, cpwl_net_eval_fmpq via cpwl_erm_net_loss (the witness's loss);
   - cpwl_erm_dichotomies (cell.c/dich.c: the dichotomies of the data,
     recomputed; for data in general position their number is also
     checked here against Cover's formula, independently of it);
   - cpwl_erm_cell_qp and erm_comb_cell/erm_next_comb (a cell's subproblem);
   - cpwl_qp_lower_bound (a relaxation's exact optimum) and cpwl_qp_check (the exact
     optimality conditions of a solution), in qp.c.
   Each REJECT names one check (cpwl_erm_verify_reason). */
#include <string.h>
#include <flint/fmpq_mat.h>
#include "cpwl/erm.h"
#include "cpwl/io.h"
#include "cpwl/num.h"
#include "json.h"
#include "erm_impl.h"

void cpwl_erm_cover_count(fmpz_t count, slong D, slong d)
{
    slong k;
    fmpz_t b;
    fmpz_init(b);
    fmpz_zero(count);
    for (k = 0; k < d && k <= D - 1; k++)
    {
        fmpz_bin_uiui(b, D - 1, k);
        fmpz_add(count, count, b);
    }
    fmpz_mul_2exp(count, count, 1);
    fmpz_clear(b);
}

/* 1: every min(D, n+1) of the lifted points (x_i, 1) are linearly
   independent; 0: not; -1: more than CPWL_ERM_VERIFY_MAX_GP subsets. */
static int general_position(const cpwl_erm_data_t data)
{
    slong D = data->D, n = data->n, d = FLINT_MIN(D, n + 1), i, j;
    slong *comb;
    fmpz_t subsets;
    fmpq_mat_t M, R;
    int gp = 1;
    fmpz_init(subsets);
    fmpz_bin_uiui(subsets, D, d);
    if (fmpz_cmp_si(subsets, CPWL_ERM_VERIFY_MAX_GP) > 0)
    {
        fmpz_clear(subsets);
        return -1;
    }
    comb = flint_malloc(d * sizeof(slong));
    for (i = 0; i < d; i++)
        comb[i] = i;
    fmpq_mat_init(M, d, n + 1);
    fmpq_mat_init(R, d, n + 1);
    for (; gp && fmpz_sgn(subsets) > 0; fmpz_sub_ui(subsets, subsets, 1))
    {
        for (i = 0; i < d; i++)
        {
            for (j = 0; j < n; j++)
                fmpq_set(fmpq_mat_entry(M, i, j), data->X + comb[i] * n + j);
            fmpq_one(fmpq_mat_entry(M, i, n));
        }
        gp = fmpq_mat_rref(R, M) == d;
        erm_next_comb(comb, d, D);
    }
    fmpq_mat_clear(M);
    fmpq_mat_clear(R);
    flint_free(comb);
    fmpz_clear(subsets);
    return gp;
}

/* A rational from a JSON string "p/q" (or a number). */
static int json_q(fmpq_t q, const json_value *v)
{
    cpwl_err_t ne;
    cpwl_err_init(ne);
    return v != NULL && (v->kind == JSON_STRING || v->kind == JSON_NUMBER)
           && cpwl_num_parse_fmpq(q, v->text, v->len, CPWL_NUM_EXACT, ne) == CPWL_OK;
}

static int json_qvec(fmpq *x, slong n, const json_value *v)
{
    slong i;
    if (v == NULL || v->kind != JSON_ARRAY || (slong) v->n != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!json_q(x + i, v->items[i]))
            return 0;
    return 1;
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

/* Whether two lists of as many bitsets are equal as sets (sorts copies). */
static int bits_same_set(const cpwl_erm_dich_t S, const cpwl_erm_dich_t T)
{
    slong N = S->count, w = S->words, sz = FLINT_MAX(N * w, 1), i;
    ulong *a = flint_malloc(sz * sizeof(ulong));
    ulong *b = flint_malloc(sz * sizeof(ulong));
    ulong *tmp = flint_malloc(sz * sizeof(ulong));
    int same = 1;
    memcpy(a, S->bits, N * w * sizeof(ulong));
    memcpy(b, T->bits, N * w * sizeof(ulong));
    bits_sort(a, tmp, N, w);
    bits_sort(b, tmp, N, w);
    for (i = 0; i < N && same; i++)
        same = bits_cmp(a + i * w, b + i * w, w) == 0;
    flint_free(a);
    flint_free(b);
    flint_free(tmp);
    return same;
}

static const char *loss_name(cpwl_qp_loss l)
{
    return l == CPWL_QP_SQUARED ? "squared" : l == CPWL_QP_L1 ? "l1" : "hinge";
}

#define REJECT(why, c, ...) do { reason = (why); cell = (c); \
        st = cpwl_err_set(e, CPWL_ERR_INPUT, __VA_ARGS__); goto done; } while (0)

int cpwl_erm_certificate_check(fmpq_t optimum, cpwl_erm_opts *problem,
                               cpwl_erm_verify_info *info, const cpwl_erm_opts *expect,
                               const cpwl_erm_data_t data, const char *text,
                               size_t len, const char *name, cpwl_pred_ctx_t ctx,
                               cpwl_err_t e)
{
    json_value *J = json_parse(text, len, name, e), *v, *cells, *dl;
    cpwl_erm_dich_t S, T;
    slong D = data->D, n = data->n, w, N, u, i, j, ncells, opt_cell;
    slong *comb = NULL, *sets = NULL, cell = -1;
    int *sign = NULL, bias, st = CPWL_OK, cover = 0;
    cpwl_erm_verify_reason reason = CPWL_ERM_VERIFY_OK;
    cpwl_qp_loss loss;
    fmpq_t lb, t;
    fmpz_t count;
    cpwl_net_t net;

    cpwl_erm_dich_init(S);
    cpwl_erm_dich_init(T);
    fmpq_init(lb);
    fmpq_init(t);
    fmpz_init(count);
    cpwl_net_init(net, 1);
    if (J == NULL)
    {
        reason = CPWL_ERM_VERIFY_SYNTAX;
        st = CPWL_ERR_INPUT;
        goto done;
    }

    /* The problem. */
    v = json_get(J, "format");
    if (J->kind != JSON_OBJECT || v == NULL || v->kind != JSON_STRING
        || strcmp(v->text, "cpwl-erm-certificate") != 0)
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: not a cpwl-erm-certificate", name);
    if (json_int(json_get(J, "version"), 2, 2) != 2)
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: version: expected 2", name);
    v = json_get(J, "loss");
    if (v == NULL || v->kind != JSON_STRING)
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: loss: expected a string", name);
    if (!strcmp(v->text, "squared"))
        loss = CPWL_QP_SQUARED;
    else if (!strcmp(v->text, "l1"))
        loss = CPWL_QP_L1;
    else if (!strcmp(v->text, "hinge"))
        loss = CPWL_QP_HINGE;
    else
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: loss: unknown", name);
    if ((w = json_int(json_get(J, "width"), 1, CPWL_ERM_MAX_WIDTH)) < 0)
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: width: expected an integer from "
               "1 to %d", name, CPWL_ERM_MAX_WIDTH);
    v = json_get(J, "output_bias");
    if (v == NULL || v->kind != JSON_BOOL)
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: output_bias: expected true or "
               "false", name);
    bias = v->boolean;
    if (problem != NULL)
    {
        problem->loss = loss;
        problem->width = w;
        problem->output_bias = bias;
    }
    if (expect != NULL && ((expect->width > 0 && expect->width != w)
                           || ((int) expect->loss >= 0 && expect->loss != loss)
                           || (expect->output_bias >= 0
                               && expect->output_bias != bias)))
        REJECT(CPWL_ERM_VERIFY_PROBLEM, -1, "%s certifies width %ld, %s loss, %s: "
               "not the problem asked for", name, (long) w, loss_name(loss),
               bias ? "output bias" : "no output bias");
    if (json_int(json_get(J, "points"), 0, WORD_MAX / 4) != D)
        REJECT(CPWL_ERM_VERIFY_DATA, -1, "%s: points: the certificate is for other "
               "data (%ld points here)", name, (long) D);
    if (json_int(json_get(J, "dim"), 0, WORD_MAX / 4) != n)
        REJECT(CPWL_ERM_VERIFY_DATA, -1, "%s: dim: the certificate is for data of "
               "another dimension", name);
    if (!json_q(optimum, json_get(J, "optimum")))
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: optimum: expected a rational", name);
    if ((opt_cell = json_int(json_get(J, "optimal_cell"), 0, WORD_MAX / 4)) < 0)
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: optimal_cell: expected an integer",
               name);

    /* Attained: a network of the class whose loss is the claim. */
    v = json_get(J, "network");
    if (v == NULL || v->kind != JSON_OBJECT)
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: network: expected a cpwl-net "
               "object", name);
    {
        char *s = json_write_compact(v);
        cpwl_err_t ne;
        cpwl_err_init(ne);
        j = cpwl_io_net_read_str(net, s, strlen(s), "network", ne);
        flint_free(s);
        if (j != CPWL_OK)
            REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: %s", name, ne->msg);
    }
    if (net->input_dim != n || net->nlayers != 2
        || net->layers[0].act != CPWL_NET_RELU || net->layers[0].out != w
        || net->layers[1].act != CPWL_NET_IDENTITY || net->layers[1].out != 1
        || (!bias && !fmpq_is_zero(net->layers[1].b + 0)))
        REJECT(CPWL_ERM_VERIFY_WITNESS, -1, "%s: network: not a network of the "
               "problem (%ld inputs, %ld relu units, one output%s)", name,
               (long) n, (long) w, bias ? "" : ", no output bias");
    cpwl_erm_net_loss(t, net, data, loss);
    if (!fmpq_equal(t, optimum))
        REJECT(CPWL_ERM_VERIFY_WITNESS, -1, "%s: network: its loss on the data is "
               "not the claimed optimum", name);

    /* The dichotomies: counted against Cover's formula when the data are
       in general position, and equal as a set to the recomputed ones. */
    dl = json_get(J, "dichotomies");
    if (dl == NULL || dl->kind != JSON_ARRAY)
        REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: dichotomies: expected an array",
               name);
    N = dl->n;
    T->words = (D + FLINT_BITS - 1) / FLINT_BITS;
    T->count = N;
    T->bits = flint_calloc(FLINT_MAX(N * T->words, 1), sizeof(ulong));
    for (i = 0; i < N; i++)
    {
        const json_value *a = dl->items[i];
        if (a->kind != JSON_ARRAY)
            REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: dichotomies[%ld]: expected an "
                   "array", name, (long) i);
        for (j = 0; j < (slong) a->n; j++)
        {
            slong p = json_int(a->items[j], 0, D - 1);
            if (p < 0)
                REJECT(CPWL_ERM_VERIFY_SYNTAX, -1, "%s: dichotomies[%ld][%ld]: not "
                       "a point index", name, (long) i, (long) j);
            T->bits[i * T->words + p / FLINT_BITS] |= UWORD(1) << (p % FLINT_BITS);
        }
    }
    if (general_position(data) == 1)
    {
        cpwl_erm_cover_count(count, D, n + 1);
        fmpz_sub_ui(count, count, 1);       /* the empty one is not listed */
        if (fmpz_cmp_si(count, N) != 0)
            REJECT(CPWL_ERM_VERIFY_DICH_COUNT, -1, "%s: dichotomies: %ld listed; "
                   "the data are in general position and have Cover's count "
                   "of nonempty dichotomies, %ld", name, (long) N,
                   (long) fmpz_get_si(count));
        cover = 1;
    }
    if ((st = cpwl_erm_dichotomies(S, data, ctx, e)) != CPWL_OK)
        goto done;
    if (N != S->count || !bits_same_set(S, T))
        REJECT(CPWL_ERM_VERIFY_DICH, -1, "%s: dichotomies: the list (%ld) is not "
               "the %ld dichotomies of the data", name, (long) N,
               (long) S->count);

    /* Every cell: a proven bound or a certified optimum >= the claim. */
    u = FLINT_MIN(w, 2 * N);
    cpwl_erm_count_cells(count, N, w);
    cells = json_get(J, "cells");
    if (cells == NULL || cells->kind != JSON_ARRAY
        || fmpz_cmp_si(count, cells->n) != 0)
        REJECT(CPWL_ERM_VERIFY_CELLS, -1, "%s: cells: expected one entry per cell",
               name);
    ncells = cells->n;
    if (opt_cell >= ncells)
        REJECT(CPWL_ERM_VERIFY_OPTIMAL_CELL, -1, "%s: optimal_cell: out of range",
               name);
    comb = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    sets = flint_malloc(FLINT_MAX(u, 1) * sizeof(slong));
    sign = flint_malloc(FLINT_MAX(u, 1) * sizeof(int));
    for (i = 0; i < u; i++)
        comb[i] = i;
    for (i = 0; i < ncells; i++, erm_next_comb(comb, u, 2 * N))
    {
        const json_value *c = cells->items[i];
        cpwl_qp_t P;
        cpwl_qp_sol_t sol;
        const char *why = "";
        cpwl_erm_verify_reason r = CPWL_ERM_VERIFY_OK;
        erm_comb_cell(sets, sign, comb, u, N);
        cpwl_erm_cell_qp(P, data, T, sets, sign, u, loss, bias);
        if (json_get(c, "lower_bound") != NULL)
        {
            if (i == opt_cell)
                r = CPWL_ERM_VERIFY_OPTIMAL_CELL;
            else if (!json_q(lb, json_get(c, "lower_bound")))
                r = CPWL_ERM_VERIFY_SYNTAX;
            else
            {
                cpwl_qp_lower_bound(t, P);
                if (!fmpq_equal(t, lb))
                    r = CPWL_ERM_VERIFY_BOUND;
                else if (fmpq_cmp(lb, optimum) < 0)
                    r = CPWL_ERM_VERIFY_NOT_EXCLUDED;
            }
            cpwl_qp_clear(P);
            if (r == CPWL_ERM_VERIFY_OPTIMAL_CELL)
                REJECT(r, i, "%s: cells[%ld]: the optimal cell needs a "
                       "solution", name, (long) i);
            if (r == CPWL_ERM_VERIFY_SYNTAX)
                REJECT(r, i, "%s: cells[%ld]: lower_bound: expected a "
                       "rational", name, (long) i);
            if (r == CPWL_ERM_VERIFY_BOUND)
                REJECT(r, i, "%s: cells[%ld]: the lower bound is not the "
                       "exact relaxation optimum", name, (long) i);
            if (r == CPWL_ERM_VERIFY_NOT_EXCLUDED)
                REJECT(r, i, "%s: cells[%ld]: its lower bound is below the "
                       "claimed optimum: the cell is not excluded", name,
                       (long) i);
            continue;
        }
        cpwl_qp_sol_init(sol, P);
        if (!json_q(sol->value, json_get(c, "value"))
            || !json_qvec(sol->theta, P->k, json_get(c, "theta"))
            || !json_qvec(sol->lambda, P->m, json_get(c, "lambda"))
            || !json_qvec(sol->mu, P->D, json_get(c, "mu")))
            r = CPWL_ERM_VERIFY_SYNTAX;
        else if (!cpwl_qp_check(sol, P, &why))
            r = CPWL_ERM_VERIFY_KKT;
        else if (fmpq_cmp(sol->value, optimum) < 0)
            r = CPWL_ERM_VERIFY_CELL_BELOW;
        else if (i == opt_cell && !fmpq_equal(sol->value, optimum))
            r = CPWL_ERM_VERIFY_OPTIMAL_CELL;
        cpwl_qp_sol_clear(sol);
        cpwl_qp_clear(P);
        if (r == CPWL_ERM_VERIFY_SYNTAX)
            REJECT(r, i, "%s: cells[%ld]: expected an object with a "
                   "lower_bound, or value, theta (%ld), lambda (%ld) and mu "
                   "(%ld) as rationals", name, (long) i,
                   (long) (u * (n + 1) + bias), (long) (u * D), (long) D);
        if (r == CPWL_ERM_VERIFY_KKT)
            REJECT(r, i, "%s: cells[%ld]: the solution does not check: %s",
                   name, (long) i, why);
        if (r == CPWL_ERM_VERIFY_CELL_BELOW)
            REJECT(r, i, "%s: cells[%ld]: its optimum is below the claimed "
                   "optimum", name, (long) i);
        if (r == CPWL_ERM_VERIFY_OPTIMAL_CELL)
            REJECT(r, i, "%s: cells[%ld]: the optimal cell's value is not the "
                   "claimed optimum", name, (long) i);
    }
done:
    if (info != NULL)
    {
        info->reason = st == CPWL_OK ? CPWL_ERM_VERIFY_OK : reason;
        info->cell = cell;
        info->cover = cover;
    }
    flint_free(comb);
    flint_free(sets);
    flint_free(sign);
    fmpz_clear(count);
    fmpq_clear(lb);
    fmpq_clear(t);
    cpwl_net_clear(net);
    cpwl_erm_dich_clear(S);
    cpwl_erm_dich_clear(T);
    json_free(J);
    return st;
}

int cpwl_erm_certificate_verify(fmpq_t optimum, cpwl_erm_opts *problem,
                                const cpwl_erm_data_t data, const char *text,
                                size_t len, const char *name, cpwl_pred_ctx_t ctx,
                                cpwl_err_t e)
{
    return cpwl_erm_certificate_check(optimum, problem, NULL, NULL, data, text,
                                      len, name, ctx, e);
}
