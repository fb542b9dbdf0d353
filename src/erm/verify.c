/* ERM certificates: the verifier (see cpwl/erm.h, docs/erm.md). */
#include <string.h>
#include "cpwl/erm.h"
#include "cpwl/num.h"
#include "json.h"
#include "erm_impl.h"

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
    for (i = 0; i < ncells; i++, erm_next_comb(comb, u, 2 * N))
    {
        const json_value *c = cells->items[i];
        qp_t P;
        erm_comb_cell(sets, sign, comb, u, N);
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
