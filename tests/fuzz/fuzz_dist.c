/* Fuzz the distribution readers (cpwl_dist_read_str, cpwl_dist_parse).
   Input: one byte, even for a finite support in CSV, odd for a
   description of a continuous law, then the text. */
#include <flint/flint.h>
#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/dist.h"
#include "fuzz.h"

/* What every distribution that reads satisfies; moments and a few draws
   when the dimension is small (they cost n^2 and n). */
static void check_dist(const cpwl_dist_t D)
{
    slong k, i;
    uint64_t state = 15;
    fmpq *x;
    if (D->n < 1)
        abort();
    if (!cpwl_dist_is_continuous(D))
    {
        fmpq_t s;
        fmpq_init(s);
        if (D->K < 1 || !fmpz_is_zero(D->cum) || !fmpz_equal(D->cum + D->K, D->den))
            abort();
        for (k = 0; k < D->K; k++)
        {
            if (fmpq_sgn(D->p + k) < 0 || fmpz_cmp(D->cum + k, D->cum + k + 1) > 0)
                abort();
            fmpq_add(s, s, D->p + k);
        }
        if (!fmpq_is_one(s))
            abort();        /* the probabilities sum to exactly 1 */
        fmpq_clear(s);
    }
    else if (D->kind == CPWL_DIST_UNIFORM ? fmpq_cmp(D->lo, D->hi) >= 0
             : fmpq_sgn(D->sigma) <= 0)
        abort();
    if (cpwl_dist_symmetric(&k, D) == 0 && !cpwl_dist_is_continuous(D)
        && (k < 0 || k >= D->K))
        abort();            /* a finite asymmetry names a row */
    if (D->n <= 16)
    {
        fmpq_mat_t S, M;
        fmpq_mat_init(S, D->n, D->n);
        fmpq_mat_init(M, D->n, D->n);
        cpwl_dist_moments(S, M, D);
        for (i = 0; i < D->n; i++)
            if (fmpq_sgn(fmpq_mat_entry(S, i, i)) < 0
                || fmpq_sgn(fmpq_mat_entry(M, i, i)) < 0)
                abort();    /* second moments are not negative */
        fmpq_mat_clear(S);
        fmpq_mat_clear(M);
    }
    if (D->n <= 64)
    {
        x = _fmpq_vec_init(D->n);
        for (i = 0; i < 4; i++)
        {
            k = cpwl_dist_draw(x, D, &state);
            if (cpwl_dist_is_continuous(D) ? k != -1
                : k < 0 || k >= D->K || fmpq_is_zero(D->p + k))
                abort();
        }
        _fmpq_vec_clear(x, D->n);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_dist_t D;
    cpwl_err_t e;
    int st;
    if (size < 1)
        return 0;
    cpwl_dist_init(D);
    cpwl_err_init(e);
    if (data[0] % 2 == 0)
    {
        st = cpwl_dist_read_str(D, (const char *) data + 1, size - 1,
                                "fuzz.csv", e);
        fuzz_check_err(e, st);
        if (st == CPWL_OK)
            check_dist(D);
    }
    else
    {
        char *s = malloc(size);
        memcpy(s, data + 1, size - 1);
        s[size - 1] = '\0';
        st = cpwl_dist_parse(D, s, e);
        if (st < 0 || st > 2)
            abort();
        fuzz_check_err(e, st == 2 ? CPWL_ERR_INPUT : CPWL_OK);
        if (st == 1)
            check_dist(D);
        free(s);
    }
    cpwl_dist_clear(D);
    cpwl_err_clear(e);
    return 0;
}
