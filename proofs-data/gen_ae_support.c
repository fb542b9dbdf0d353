/* The chapter-4 support-recovery tables of proofs-data/ (module
   autoencoder, docs/autoencoder.md), at W = A^T:

     ae_recovery  for the union dictionaries [I, H/sqrt(N)] (N = 4, 16)
                  and supports of size k with values patterns: the
                  coherence window, the exact common window (the eps that
                  recover every code), the best recovery probability and
                  the lowest interval attaining it, the codes no eps
                  recovers
     ae_counter   counterexamples where the coherence is too large: the
                  first code whose window is empty, its Wy and why (the
                  least Wy on the support is <= the largest off it) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "cpwl.h"
#include "gen.h"

static void ae_die(const cpwl_err_t e)
{
    fprintf(stderr, "gen: %s\n", e->msg);
    exit(e->status != CPWL_OK ? e->status : 1);
}

/* A rational as text into buf (cut, but the values here are short). */
static void q_str(char *buf, size_t size, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    snprintf(buf, size, "%s", s);
    flint_free(s);
}

/* "(v1; v2; ...)" */
static void vec_str(char *buf, size_t size, const fmpq *v, slong n)
{
    size_t k = 0;
    slong i;
    k += snprintf(buf + k, size - k, "(");
    for (i = 0; i < n && k < size; i++)
    {
        char *s = fmpq_get_str(NULL, 10, v + i);
        k += snprintf(buf + k, size - k, "%s%s", i ? "; " : "", s);
        flint_free(s);
    }
    if (k < size)
        snprintf(buf + k, size - k, ")");
}

/* "[lo; hi)", "(-inf; hi)", "[lo; +inf)", or "empty: lo >= hi". */
static void win_str(char *buf, size_t size, const cpwl_ae_window_t w)
{
    char lo[64], hi[64];
    if (w->lo_inf)
        snprintf(lo, sizeof lo, "-inf");
    else
        q_str(lo, sizeof lo, w->lo);
    if (w->hi_inf)
        snprintf(hi, sizeof hi, "+inf");
    else
        q_str(hi, sizeof hi, w->hi);
    if (cpwl_ae_window_is_empty(w))
        snprintf(buf, size, "empty: %s >= %s", lo, hi);
    else
        snprintf(buf, size, "%s%s; %s)", w->lo_inf ? "(" : "[", lo, hi);
}

/* mu = sqrt(mu2) when mu2 is the square of a rational (1), else 0. */
static int q_sqrt(fmpq_t mu, const fmpq_t mu2)
{
    fmpz_t r;
    int ok;
    fmpz_init(r);
    fmpz_sqrtrem(fmpq_numref(mu), r, fmpq_numref(mu2));
    ok = fmpz_is_zero(r);
    fmpz_sqrtrem(fmpq_denref(mu), r, fmpq_denref(mu2));
    ok &= fmpz_is_zero(r);
    fmpz_clear(r);
    return ok;
}

static void dict_of(fmpq_mat_t A, const char *spec)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_dict_gen_str(A, spec, 0, e) != 0)
        ae_die(e);
}

/* C = supports of size k with the values "p/q,..." (uniform). */
static void codes_of(cpwl_codes_t C, slong h, slong k, const char *values)
{
    char spec[128];
    cpwl_err_t e;
    cpwl_err_init(e);
    snprintf(spec, sizeof spec, "supports:k=%ld;values=%s", (long) k,
             values);
    if (cpwl_codes_init_str(C, spec, h, e) != 0)
        ae_die(e);
}

static void recover(cpwl_ae_recovery_t R, const fmpq_mat_t A,
                    const cpwl_codes_t C)
{
    fmpq_mat_t W;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq_mat_init(W, fmpq_mat_ncols(A), fmpq_mat_nrows(A));
    fmpq_mat_transpose(W, A);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    if (cpwl_ae_recovery(R, W, A, C, NULL, 1, NULL, pred, e) != 0)
        ae_die(e);
    cpwl_pred_ctx_clear(pred);
    fmpq_mat_clear(W);
}

void gen_ae_recovery(const char *dir)
{
    static const struct
    {
        slong N, k;
        const char *values, *m1, *m2;
    }
    rows[] = {
        {4, 1, "1", "1", "1"}, {4, 1, "1,2", "1", "2"},
        {4, 2, "1", "1", "1"}, {4, 3, "1", "1", "1"},
        {16, 1, "1", "1", "1"}, {16, 1, "1,2", "1", "2"},
        {16, 2, "1", "1", "1"}, {16, 2, "4/5,1", "4/5", "1"},
        {16, 2, "1,2", "1", "2"}, {16, 3, "1", "1", "1"},
    };
    table T;
    size_t i;

    if (!table_open(&T, dir, "ae_recovery",
                    "Support recovery at W = A^T for the union dictionaries "
                    "[I_N, H_N/sqrt(N)]: supp relu(A^T y - eps) = supp x for "
                    "y = A x, x of support size k with non-zeros from "
                    "values (every support and pattern, uniformly)",
                    "dictionary,n,h,mu,k,values,codes,coherence window "
                    "[k mu m2; m1 - (k-1) mu m2),common window (every code),"
                    "best probability,lowest eps interval attaining it,"
                    "codes no eps recovers"))
        exit(1);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
    {
        fmpq_mat_t A;
        cpwl_codes_t C;
        cpwl_ae_recovery_t R;
        cpwl_ae_window_t cw;
        fmpq_t mu2, mu, m1, m2;
        char spec[64], row[1024], smu[64], cws[160], com[160], best[64],
            bw[160], *cnt, *emp;

        snprintf(spec, sizeof spec, "union:n=%ld", (long) rows[i].N);
        fmpq_mat_init(A, 0, 0);
        dict_of(A, spec);
        fmpq_init(mu2);
        fmpq_init(mu);
        fmpq_init(m1);
        fmpq_init(m2);
        if (cpwl_dict_coherence2(mu2, NULL, NULL, A) != 0 || !q_sqrt(mu, mu2))
        {
            fprintf(stderr, "gen: %s: the coherence is not rational\n", spec);
            exit(1);
        }
        fmpq_set_str(m1, rows[i].m1, 10);
        fmpq_set_str(m2, rows[i].m2, 10);
        fmpq_canonicalise(m1);
        fmpq_canonicalise(m2);
        cpwl_codes_init(C);
        codes_of(C, fmpq_mat_ncols(A), rows[i].k, rows[i].values);
        cpwl_ae_recovery_init(R);
        recover(R, A, C);
        cpwl_ae_window_init(cw);
        cpwl_ae_window_coherence(cw, mu, rows[i].k, m1, m2);
        q_str(smu, sizeof smu, mu);
        win_str(cws, sizeof cws, cw);
        win_str(com, sizeof com, R->common);
        q_str(best, sizeof best, R->best);
        win_str(bw, sizeof bw, R->best_window);
        cnt = fmpz_get_str(NULL, 10, R->codes);
        emp = fmpz_get_str(NULL, 10, R->empty);
        snprintf(row, sizeof row, "%s,%ld,%ld,%s,%ld,{%s},%s,%s,%s,%s,%s,%s",
                 spec, (long) fmpq_mat_nrows(A), (long) fmpq_mat_ncols(A),
                 smu, (long) rows[i].k, rows[i].values, cnt, cws, com, best,
                 bw, emp);
        for (char *c = strchr(row, '{'); c != NULL && *c != '}'; c++)
            if (*c == ',')
                *c = ';';
        table_row(&T, row);
        flint_free(cnt);
        flint_free(emp);
        cpwl_ae_window_clear(cw);
        cpwl_ae_recovery_clear(R);
        cpwl_codes_clear(C);
        fmpq_clear(mu2);
        fmpq_clear(mu);
        fmpq_clear(m1);
        fmpq_clear(m2);
        fmpq_mat_clear(A);
    }
    table_close(&T);
}

/* The hand counterexample: A = [e1, e2, (3/5, 4/5)] (mu = 4/5). */
static const char CE_A[] = "1,0,3/5\n0,1,4/5\n";

void gen_ae_counter(const char *dir)
{
    static const struct
    {
        const char *dict;       /* a generator spec, or NULL: CE_A */
        const char *name;
        slong k;
        const char *values;
    }
    rows[] = {
        {"union:n=4", "union:n=4", 2, "1"},
        {NULL, "[e1; e2; (3/5; 4/5)]", 2, "1"},
        {"union:n=16", "union:n=16", 3, "1"},
    };
    table T;
    size_t i;

    if (!table_open(&T, dir, "ae_counter",
                    "Counterexamples: coherence too large for support "
                    "recovery at W = A^T: the first code (in code number "
                    "order) whose window is empty, i.e. min of Wy on the "
                    "support <= max of Wy off it, so no eps gives "
                    "supp relu(Wy - eps) = supp x",
                    "dictionary,mu^2,k,values,codes,codes no eps recovers,"
                    "first such code,x,Wy,hi = min Wy on supp x,"
                    "lo = max Wy off supp x,window"))
        exit(1);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
    {
        fmpq_mat_t A;
        cpwl_codes_t C;
        cpwl_ae_recovery_t R;
        fmpq_t mu2;
        char row[2048], smu[64], x[256], wy[512], lo[64], hi[64], win[160],
            *cnt, *emp, *idx;
        cpwl_err_t e;

        cpwl_err_init(e);
        fmpq_mat_init(A, 0, 0);
        if (rows[i].dict != NULL)
            dict_of(A, rows[i].dict);
        else if (cpwl_matrix_read_str(A, CE_A, strlen(CE_A), "gen",
                                      "dictionary", e) != 0)
            ae_die(e);
        fmpq_init(mu2);
        if (cpwl_dict_coherence2(mu2, NULL, NULL, A) != 0)
        {
            fprintf(stderr, "gen: %s: a zero column\n", rows[i].name);
            exit(1);
        }
        q_str(smu, sizeof smu, mu2);
        cpwl_codes_init(C);
        codes_of(C, fmpq_mat_ncols(A), rows[i].k, rows[i].values);
        cpwl_ae_recovery_init(R);
        recover(R, A, C);
        cnt = fmpz_get_str(NULL, 10, R->codes);
        emp = fmpz_get_str(NULL, 10, R->empty);
        if (R->nempty == 0)
            snprintf(row, sizeof row, "%s,%s,%ld,{%s},%s,0,none,,,,,",
                     rows[i].name, smu, (long) rows[i].k, rows[i].values,
                     cnt);
        else
        {
            slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A), j, l, k;
            fmpq *y = _fmpq_vec_init(n), *Wy = _fmpq_vec_init(h);
            slong *supp = flint_malloc(h * sizeof *supp);
            cpwl_ae_window_t w;

            cpwl_ae_window_init(w);
            cpwl_dict_apply(y, A, R->empty_codes);
            for (j = 0; j < h; j++)
                for (l = 0; l < n; l++)
                    fmpq_addmul(Wy + j, fmpq_mat_entry(A, l, j), y + l);
            for (j = k = 0; j < h; j++)
                if (!fmpq_is_zero(R->empty_codes + j))
                    supp[k++] = j;
            cpwl_ae_window(w, Wy, h, supp, k);
            vec_str(x, sizeof x, R->empty_codes, h);
            vec_str(wy, sizeof wy, Wy, h);
            q_str(lo, sizeof lo, w->lo);
            q_str(hi, sizeof hi, w->hi);
            win_str(win, sizeof win, w);
            idx = fmpz_get_str(NULL, 10, R->empty_index);
            snprintf(row, sizeof row, "%s,%s,%ld,{%s},%s,%s,%s,%s,%s,%s,%s,"
                     "%s", rows[i].name, smu, (long) rows[i].k,
                     rows[i].values, cnt, emp, idx, x, wy, hi, lo, win);
            flint_free(idx);
            flint_free(supp);
            cpwl_ae_window_clear(w);
            _fmpq_vec_clear(y, n);
            _fmpq_vec_clear(Wy, h);
        }
        for (char *c = strchr(row, '{'); c != NULL && *c != '}'; c++)
            if (*c == ',')
                *c = ';';
        table_row(&T, row);
        flint_free(cnt);
        flint_free(emp);
        cpwl_ae_recovery_clear(R);
        cpwl_codes_clear(C);
        fmpq_clear(mu2);
        fmpq_mat_clear(A);
    }
    table_close(&T);
}
