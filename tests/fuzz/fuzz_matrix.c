/* Fuzz the chapter-4 readers: matrix files (cpwl_matrix_read_str, CSV
   and JSON) and code distributions (cpwl_codes_init_str's supports spec,
   cpwl_codes_read_str's CSV).  Input: one byte b, then the text; b % 3:
   0 a matrix file, 1 a spec "supports:" + text, 2 a CSV list; h = 1 +
   b / 3 % 16 atoms for codes. */
#include <flint/flint.h>
#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include <flint/fmpq_vec.h>
#include "cpwl/dict.h"
#include "cpwl/codes.h"
#include "fuzz.h"

/* A matrix that was read writes as CSV and JSON, and both read back to
   the same matrix. */
static void check_matrix(const fmpq_mat_t M)
{
    int json;
    if (fmpq_mat_nrows(M) < 1 || fmpq_mat_ncols(M) < 1)
        abort();
    if (fmpq_mat_nrows(M) * fmpq_mat_ncols(M) > 4096)
        return;
    for (json = 0; json < 2; json++)
    {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        fmpq_mat_t B;
        cpwl_err_t e;
        if (f == NULL)
            abort();
        if ((json ? cpwl_matrix_write_json(f, M) : cpwl_matrix_write_csv(f, M))
            != 0)
            abort();
        fclose(f);
        fmpq_mat_init(B, 0, 0);
        cpwl_err_init(e);
        if (cpwl_matrix_read_str(B, buf, len, "again", "matrix", e) != CPWL_OK
            || !fmpq_mat_equal(B, M))
        {
            fprintf(stderr, "fuzz: the %s text of a matrix does not read "
                    "back: %s\n%s\n", json ? "JSON" : "CSV", e->msg, buf);
            abort();
        }
        fmpq_mat_clear(B);
        free(buf);
    }
}

/* A distribution that was read: counts, the iterator against random
   access, probabilities summing to 1 (when small enough to enumerate). */
static void check_codes(const cpwl_codes_t C, slong h)
{
    fmpz_t N, i;
    cpwl_codes_iter_t it;
    fmpq *x;
    fmpq_t p, s;
    slong *supp, k, t, m = 0;
    uint64_t state = 3;
    if (C->h != h)
        abort();
    fmpz_init(N);
    fmpz_init(i);
    cpwl_codes_count(N, C);
    if (fmpz_sgn(N) <= 0)
        abort();
    x = _fmpq_vec_init(h);
    supp = flint_malloc(h * sizeof(slong));
    fmpq_init(p);
    fmpq_init(s);
    if (fmpz_cmp_ui(N, 2000) <= 0)
    {
        cpwl_codes_iter_init(it, C);
        while (cpwl_codes_iter_next(it, C))
        {
            cpwl_codes_get(x, p, supp, &k, C, it->index);
            if (!fmpq_equal(p, it->p) || k != it->k)
                abort();
            for (t = 0; t < h; t++)
                if (!fmpq_equal(x + t, it->x + t))
                    abort();
            for (t = 1; t < k; t++)
                if (supp[t - 1] >= supp[t])
                    abort();
            fmpq_add(s, s, it->p);
            m++;
        }
        cpwl_codes_iter_clear(it, C);
        if (!fmpz_equal_si(N, m) || !fmpq_is_one(s))
            abort();
    }
    else
    {
        fmpz_sub_ui(i, N, 1);
        cpwl_codes_get(x, p, supp, &k, C, i);
        if (fmpq_sgn(p) < 0)
            abort();
    }
    for (t = 0; t < 4; t++)
    {
        cpwl_codes_draw(x, supp, &k, C, &state);
        if (k < 0 || k > h)
            abort();
    }
    fmpq_clear(p);
    fmpq_clear(s);
    flint_free(supp);
    _fmpq_vec_clear(x, h);
    fmpz_clear(N);
    fmpz_clear(i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_err_t e;
    int st;
    slong h;
    if (size < 1)
        return 0;
    cpwl_err_init(e);
    h = 1 + (data[0] / 3) % 16;
    if (data[0] % 3 == 0)
    {
        fmpq_mat_t M;
        fmpq_mat_init(M, 0, 0);
        st = cpwl_matrix_read_str(M, (const char *) data + 1, size - 1,
                                  "fuzz.csv", "matrix", e);
        fuzz_check_err(e, st);
        if (st == CPWL_OK)
            check_matrix(M);
        fmpq_mat_clear(M);
    }
    else
    {
        cpwl_codes_t C;
        cpwl_codes_init(C);
        if (data[0] % 3 == 1)
        {
            char *s = malloc(size + 16);
            memcpy(s, "supports:", 9);
            memcpy(s + 9, data + 1, size - 1);
            s[size + 8] = '\0';
            if (strlen(s) == size + 8)      /* no NUL inside */
            {
                st = cpwl_codes_init_str(C, s, h, e);
                fuzz_check_err(e, st);
                if (st == CPWL_OK)
                    check_codes(C, h);
            }
            free(s);
        }
        else
        {
            st = cpwl_codes_read_str(C, (const char *) data + 1, size - 1,
                                     "fuzz.csv", h, e);
            fuzz_check_err(e, st);
            if (st == CPWL_OK)
                check_codes(C, h);
        }
        cpwl_codes_clear(C);
    }
    cpwl_err_clear(e);
    return 0;
}
