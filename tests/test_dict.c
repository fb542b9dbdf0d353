/* Module dict: generators, exact coherence, A x, matrix files.  Expected
   values: the example by hand, orthonormality by an independent
   product A^T A (fmpq_mat_mul), the union's coherence by its closed form
   1 / sqrt(N), the coherence by a brute-force pass over the rational
   Gram matrix, the reader's places by counting in the test text. */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <flint/fmpq_mat.h>
#include <flint/fmpq_vec.h>
#include "testutil.h"
#include "autoencoder.h"

/* The command line's readers (src/cli/autoencoder_common.c) are linked
   in; their reporters write here instead of stderr. */
static char cli_msg[2048];

int cli_fail(const char *sub, const cpwl_err_t e)
{
    snprintf(cli_msg, sizeof cli_msg, "cpwl %s: %s", sub, e->msg);
    return e->status == CPWL_OK ? CPWL_ERR_INTERNAL : e->status;
}

int cli_usage(const char *sub, const char *fmt, ...)
{
    va_list ap;
    size_t k = (size_t) snprintf(cli_msg, sizeof cli_msg, "cpwl %s: ", sub);
    va_start(ap, fmt);
    vsnprintf(cli_msg + k, sizeof cli_msg - k, fmt, ap);
    va_end(ap);
    return CPWL_ERR_INPUT;
}

/* The example: n = 4, h = 6, columns e1 .. e4, (1/2,1/2,1/2,1/2),
   (1/2,-1/2,1/2,-1/2). */
static const char example_csv[] =
    "# the issue's dictionary\n"
    "1,0,0,0,1/2,1/2\n"
    "0,1,0,0,0.5,-1/2\n"
    "0,0,1,0,1/2,1/2\n"
    "0,0,0,1,1/2,-0.5\n";
static const char example_json[] =
    "{\"n\": 4, \"h\": 6, \"matrix\": [\n"
    "  [1, 0, 0, 0, \"1/2\", \"1/2\"],\n"
    "  [0, 1, 0, 0, 0.5, \"-1/2\"],\n"
    "  [0, 0, 1, 0, \"1/2\", \"1/2\"],\n"
    "  [0, 0, 0, 1, \"1/2\", -0.5]\n"
    "]}\n";

static void example(fmpq_mat_t A)
{
    slong i;
    fmpq_mat_clear(A);
    fmpq_mat_init(A, 4, 6);
    for (i = 0; i < 4; i++)
    {
        fmpq_one(fmpq_mat_entry(A, i, i));
        fmpq_set_si(fmpq_mat_entry(A, i, 4), 1, 2);
        fmpq_set_si(fmpq_mat_entry(A, i, 5), i % 2 ? -1 : 1, 2);
    }
}

static void read_ok(fmpq_mat_t M, const char *text)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_matrix_read_str(M, text, strlen(text), "t", "dictionary", e)
        != CPWL_OK)
        ck_abort_msg("reading %s: %s", text, e->msg);
}

/* Reading fails with CPWL_ERR_INPUT, one line, containing want1 and want2. */
static void read_bad(const char *text, const char *want1, const char *want2)
{
    fmpq_mat_t M;
    cpwl_err_t e;
    int st;
    fmpq_mat_init(M, 0, 0);
    cpwl_err_init(e);
    st = cpwl_matrix_read_str(M, text, strlen(text), "A.x", "dictionary", e);
    ck_assert_msg(st == CPWL_ERR_INPUT && e->status == CPWL_ERR_INPUT,
                  "%s: status %d", text, st);
    ck_assert_msg(strstr(e->msg, want1) != NULL, "%s: message \"%s\" lacks "
                  "\"%s\"", text, e->msg, want1);
    ck_assert_msg(want2 == NULL || strstr(e->msg, want2) != NULL,
                  "%s: message \"%s\" lacks \"%s\"", text, e->msg, want2);
    ck_assert(strchr(e->msg, '\n') == NULL);
    fmpq_mat_clear(M);
}

START_TEST(test_example_files)
{
    fmpq_mat_t A, B, C;
    fmpq_t mu2, q;
    slong i, j;
    fmpq *x, *y;
    fmpq_mat_init(A, 0, 0);
    fmpq_mat_init(B, 0, 0);
    fmpq_mat_init(C, 0, 0);
    fmpq_init(mu2);
    fmpq_init(q);
    example(C);
    read_ok(A, example_csv);
    read_ok(B, example_json);
    ck_assert(fmpq_mat_equal(A, C));
    ck_assert(fmpq_mat_equal(B, C));
    /* mu^2 = <e1, (1/2, ...)>^2 = 1/4, first attained by (0, 4) */
    ck_assert_int_eq(cpwl_dict_coherence2(mu2, &i, &j, A), 0);
    fmpq_set_si(q, 1, 4);
    ck_assert(fmpq_equal(mu2, q));
    ck_assert_int_eq(i, 0);
    ck_assert_int_eq(j, 4);
    ck_assert_int_eq(cpwl_dict_nonunit_column(A), -1);
    /* y = A (e1 + e5) = (3/2, 1/2, 1/2, 1/2) */
    x = _fmpq_vec_init(6);
    y = _fmpq_vec_init(4);
    fmpq_one(x + 0);
    fmpq_one(x + 4);
    cpwl_dict_apply(y, A, x);
    fmpq_set_si(q, 3, 2);
    ck_assert(fmpq_equal(y + 0, q));
    fmpq_set_si(q, 1, 2);
    for (i = 1; i < 4; i++)
        ck_assert(fmpq_equal(y + i, q));
    _fmpq_vec_clear(x, 6);
    _fmpq_vec_clear(y, 4);
    fmpq_mat_clear(A);
    fmpq_mat_clear(B);
    fmpq_mat_clear(C);
    fmpq_clear(mu2);
    fmpq_clear(q);
}
END_TEST

/* Written as CSV and JSON, a matrix reads back equal (one column, one
   row, and a random one with large fractions). */
START_TEST(test_write_read)
{
    test_rng r;
    fmpq_mat_t M, B;
    slong t, i, j, rows, cols;
    r.s = test_seed(1601);
    fmpq_mat_init(B, 0, 0);
    for (t = 0; t < test_iters(40); t++)
    {
        int json;
        char *buf = NULL;
        size_t len = 0;
        FILE *f;
        rows = t == 0 ? 5 : t == 1 ? 1 : test_range(&r, 1, 6);
        cols = t == 0 ? 1 : t == 1 ? 7 : test_range(&r, 1, 6);
        fmpq_mat_init(M, rows, cols);
        for (i = 0; i < rows; i++)
            for (j = 0; j < cols; j++)
                test_fmpq(fmpq_mat_entry(M, i, j), &r, t % 3 == 0 ? 200 : 8);
        for (json = 0; json < 2; json++)
        {
            f = open_memstream(&buf, &len);
            ck_assert_int_eq(json ? cpwl_matrix_write_json(f, M)
                             : cpwl_matrix_write_csv(f, M), 0);
            fclose(f);
            read_ok(B, buf);
            ck_assert_msg(fmpq_mat_equal(B, M), "%s", buf);
            free(buf);
        }
        fmpq_mat_clear(M);
    }
    fmpq_mat_clear(B);
}
END_TEST

START_TEST(test_read_conventions)
{
    fmpq_mat_t A, B;
    fmpq_mat_init(A, 0, 0);
    fmpq_mat_init(B, 0, 0);
    read_ok(A, "1,2\n3,4\n");
    read_ok(B, "\xef\xbb\xbf" "a;b\r\n\"1\";2 # c\r\n\r\n3;4/1\r\n");
    ck_assert(fmpq_mat_equal(A, B));
    read_ok(B, "[[1,2],[\"3\",4]]");
    ck_assert(fmpq_mat_equal(A, B));
    read_ok(B, "  \n{\"rows\": 2, \"cols\": 2, \"generator\": \"x\", "
            "\"matrix\": [[1,2],[3,4]]}");
    ck_assert(fmpq_mat_equal(A, B));
    /* a one-column file, with header and comments */
    read_ok(A, "w\n# first\n1/3\n \"2\" # two\n-0x1p-2\n");
    ck_assert_int_eq(fmpq_mat_nrows(A), 3);
    ck_assert_int_eq(fmpq_mat_ncols(A), 1);
    read_ok(B, "[[\"1/3\"],[2],[-0.25]]");
    ck_assert(fmpq_mat_equal(A, B));
    fmpq_mat_clear(A);
    fmpq_mat_clear(B);
}
END_TEST

START_TEST(test_read_errors)
{
    /* CSV: line and column of the cell */
    read_bad("1,2\n3,x\n", "A.x:2:3:", "cell 2");
    read_bad("1,2\n3,4,5\n", "A.x:2:", "expected 2 cells");
    read_bad("# only a comment\n", "A.x: no data rows", NULL);
    read_bad("", "no data rows", NULL);
    read_bad("1\n2,3\n", "A.x:2:2:", "expected 1 cell");
    read_bad("1\n\"2\n", "A.x:2:1:", "unterminated");
    read_bad("1\n1/0\n", "A.x:2:1:", "cell 1");
    /* JSON: path and line:col */
    read_bad("[[1,2],\n [3,\"y\"]]", "A.x:2:5: [1][1]:", NULL);
    read_bad("{\"matrix\": [[1,2],\n [3]]}", "A.x:2:2: matrix[1]:",
             "expected 2 entries");
    read_bad("{\"matrix\": [[1,2],[3,4]],\n \"n\": 3}", "A.x:2:7: n:",
             "2 rows");
    read_bad("{\"matrix\": [[1,2],[3,4]], \"cols\": 3}", "cols:", "2 columns");
    read_bad("{\"matrix\": []}", "matrix:", "at least one row");
    read_bad("{\"matrix\": [[]]}", "matrix[0]:", "empty array");
    read_bad("{\"matrix\": [1]}", "matrix[0]:", "expected a row");
    read_bad("{\"matrix\": [[true]]}", "matrix[0][0]:", "expected a number");
    read_bad("{\"matrix\": [[1]], \"bogus\": 1}", "A.x:1:19:",
             "unknown member");
    read_bad("{\"rows\": 1}", "expected a member \"matrix\"", NULL);
    read_bad("[[1,2]", "A.x", NULL);
}
END_TEST

/* "n" and "h" are a dictionary's (n rows, h columns); in a W file (h x n)
   they count its columns and rows. */
START_TEST(test_read_w_sizes)
{
    const char *t = "{\"n\": 2, \"h\": 3, \"matrix\": [[1,0],[0,1],[1,1]]}";
    fmpq_mat_t M;
    cpwl_err_t e;
    fmpq_mat_init(M, 0, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_matrix_read_str(M, t, strlen(t), "W.json", "W", e),
                     CPWL_OK);
    ck_assert(fmpq_mat_nrows(M) == 3 && fmpq_mat_ncols(M) == 2);
    ck_assert_int_eq(cpwl_matrix_read_str(M, t, strlen(t), "A.json",
                                          "dictionary", e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "n:") != NULL, "%s", e->msg);
    fmpq_mat_clear(M);
}
END_TEST

/* H_N / sqrt(N): A^T A = I by fmpq_mat_mul, and unit columns. */
START_TEST(test_hadamard_orthonormal)
{
    static const char *const specs[] = {
        "hadamard:n=1", "hadamard:n=4", "hadamard:n=16", "hadamard:n=64",
        "hadamard:n=16;signed", "identity:n=5"
    };
    slong s, N;
    fmpq_mat_t A, At, P, I;
    cpwl_err_t e;
    fmpq_t mu2;
    fmpq_init(mu2);
    for (s = 0; s < (slong) (sizeof specs / sizeof specs[0]); s++)
    {
        fmpq_mat_init(A, 0, 0);
        cpwl_err_init(e);
        ck_assert_msg(cpwl_dict_gen_str(A, specs[s], 7, e) == CPWL_OK, "%s",
                      e->msg);
        N = fmpq_mat_nrows(A);
        ck_assert_int_eq(fmpq_mat_ncols(A), N);
        fmpq_mat_init(At, N, N);
        fmpq_mat_init(P, N, N);
        fmpq_mat_init(I, N, N);
        fmpq_mat_transpose(At, A);
        fmpq_mat_mul(P, At, A);
        fmpq_mat_one(I);
        ck_assert_msg(fmpq_mat_equal(P, I), "%s", specs[s]);
        ck_assert_int_eq(cpwl_dict_nonunit_column(A), -1);
        /* orthogonal columns: mu = 0 */
        ck_assert_int_eq(cpwl_dict_coherence2(mu2, NULL, NULL, A), 0);
        ck_assert(fmpq_is_zero(mu2));
        fmpq_mat_clear(A);
        fmpq_mat_clear(At);
        fmpq_mat_clear(P);
        fmpq_mat_clear(I);
    }
    fmpq_clear(mu2);
}
END_TEST

/* Sylvester's recursion H_2m = [[H, H], [H, -H]] against the generator. */
START_TEST(test_hadamard_sylvester)
{
    fmpz_mat_t H, H2;
    fmpq_mat_t A;
    cpwl_err_t e;
    slong m, i, j;
    fmpz_mat_init(H, 1, 1);
    fmpz_one(fmpz_mat_entry(H, 0, 0));
    for (m = 1; m < 16; m *= 2)
    {
        fmpz_mat_init(H2, 2 * m, 2 * m);
        for (i = 0; i < m; i++)
            for (j = 0; j < m; j++)
            {
                fmpz *x = fmpz_mat_entry(H, i, j);
                fmpz_set(fmpz_mat_entry(H2, i, j), x);
                fmpz_set(fmpz_mat_entry(H2, i, j + m), x);
                fmpz_set(fmpz_mat_entry(H2, i + m, j), x);
                fmpz_neg(fmpz_mat_entry(H2, i + m, j + m), x);
            }
        fmpz_mat_swap(H, H2);
        fmpz_mat_clear(H2);
    }
    /* H is H_16; the generator gives H_16 / 4 */
    fmpq_mat_init(A, 0, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dict_gen_str(A, "hadamard:n=16", 1, e), CPWL_OK);
    for (i = 0; i < 16; i++)
        for (j = 0; j < 16; j++)
        {
            fmpq_t q;
            fmpq_init(q);
            fmpz_t four;
            fmpz_init_set_ui(four, 4);
            fmpq_set_fmpz_frac(q, fmpz_mat_entry(H, i, j), four);
            fmpz_clear(four);
            ck_assert(fmpq_equal(q, fmpq_mat_entry(A, i, j)));
            fmpq_clear(q);
        }
    fmpq_mat_clear(A);
    fmpz_mat_clear(H);
}
END_TEST

/* union:n=N;bases=2 has mu = 1 / sqrt(N): mu^2 = 1 / N. */
START_TEST(test_union_coherence)
{
    static const slong Ns[] = {4, 16, 64};
    slong s;
    char spec[64];
    fmpq_mat_t A;
    fmpq_t mu2, q;
    arb_t mu;
    cpwl_err_t e;
    fmpq_init(mu2);
    fmpq_init(q);
    arb_init(mu);
    for (s = 0; s < 3; s++)
    {
        fmpq_mat_init(A, 0, 0);
        cpwl_err_init(e);
        snprintf(spec, sizeof spec, "union:n=%ld;bases=2", (long) Ns[s]);
        ck_assert_int_eq(cpwl_dict_gen_str(A, spec, 3, e), CPWL_OK);
        ck_assert_int_eq(fmpq_mat_ncols(A), 2 * Ns[s]);
        ck_assert_int_eq(cpwl_dict_nonunit_column(A), -1);
        ck_assert_int_eq(cpwl_dict_coherence2(mu2, NULL, NULL, A), 0);
        fmpq_set_si(q, 1, Ns[s]);
        ck_assert(fmpq_equal(mu2, q));
        /* mu = 1 / sqrt(N) exactly: a power of 2 */
        cpwl_dict_coherence_arb(mu, mu2, 64);
        ck_assert(arb_is_exact(mu));
        arb_mul_si(mu, mu, (slong) (Ns[s] == 4 ? 2 : Ns[s] == 16 ? 4 : 8), 64);
        ck_assert(arb_is_one(mu));
        fmpq_mat_clear(A);
    }
    /* union:n=1;bases=1 is I_1 */
    fmpq_clear(mu2);
    fmpq_clear(q);
    arb_clear(mu);
}
END_TEST

/* mu^2 by a second computation: the rational Gram matrix and cosines. */
static void brute_coherence2(fmpq_t mu2, const fmpq_mat_t A)
{
    slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A), i, j;
    fmpq_mat_t At, G;
    fmpq_t c;
    fmpq_mat_init(At, h, n);
    fmpq_mat_init(G, h, h);
    fmpq_init(c);
    fmpq_mat_transpose(At, A);
    fmpq_mat_mul(G, At, A);
    fmpq_zero(mu2);
    for (i = 0; i < h; i++)
        for (j = 0; j < h; j++)
            if (i != j)
            {
                fmpq_mul(c, fmpq_mat_entry(G, i, j), fmpq_mat_entry(G, i, j));
                fmpq_div(c, c, fmpq_mat_entry(G, i, i));
                fmpq_div(c, c, fmpq_mat_entry(G, j, j));
                if (fmpq_cmp(c, mu2) > 0)
                    fmpq_set(mu2, c);
            }
    fmpq_mat_clear(At);
    fmpq_mat_clear(G);
    fmpq_clear(c);
}

START_TEST(test_coherence_brute)
{
    test_rng r;
    slong t, i, j, n, h, pi, pj;
    fmpq_mat_t A;
    fmpq_t mu2, b, c;
    cpwl_err_t e;
    r.s = test_seed(1602);
    fmpq_init(mu2);
    fmpq_init(b);
    fmpq_init(c);
    for (t = 0; t < test_iters(200); t++)
    {
        fmpq_mat_init(A, 0, 0);
        cpwl_err_init(e);
        if (t % 4 == 0)
        {
            char spec[64];
            snprintf(spec, sizeof spec, "%s:n=%ld;%s",
                     t % 8 ? "union" : "sphere", (long) (t % 8 ? 4 : 3),
                     t % 8 ? "bases=3" : "h=5;height=3");
            ck_assert_int_eq(cpwl_dict_gen_str(A, spec, (uint64_t) t, e),
                             CPWL_OK);
        }
        else
        {
            n = test_range(&r, 1, 4);
            h = test_range(&r, 2, 5);
            fmpq_mat_init(A, n, h);
            for (i = 0; i < n; i++)
                for (j = 0; j < h; j++)
                    test_fmpq(fmpq_mat_entry(A, i, j), &r, 6);
            for (j = 0; j < h; j++)     /* no zero column */
                if (fmpq_is_zero(fmpq_mat_entry(A, 0, j)))
                    fmpq_set_si(fmpq_mat_entry(A, 0, j), j + 1, 3);
        }
        ck_assert_int_eq(cpwl_dict_coherence2(mu2, &pi, &pj, A), 0);
        brute_coherence2(b, A);
        ck_assert(fmpq_equal(mu2, b));
        ck_assert(pi >= 0 && pi < pj && pj < fmpq_mat_ncols(A));
        ck_assert(fmpq_sgn(mu2) >= 0 && fmpq_cmp_ui(mu2, 1) <= 0);
        fmpq_mat_clear(A);
    }
    /* a zero column */
    fmpq_mat_init(A, 2, 3);
    fmpq_one(fmpq_mat_entry(A, 0, 0));
    fmpq_one(fmpq_mat_entry(A, 1, 2));
    ck_assert_int_eq(cpwl_dict_coherence2(mu2, &pi, &pj, A), 1);
    ck_assert_int_eq(pi, 1);
    fmpq_mat_clear(A);
    fmpq_clear(mu2);
    fmpq_clear(b);
    fmpq_clear(c);
}
END_TEST

/* |v|^2 = 1 exactly, and over many seeds every coordinate takes both
   signs (each sign has probability about 1/2 per draw: missing one in
   200 draws has probability about 2^-199). */
START_TEST(test_rand_unit)
{
    slong N, t, i, pos[7], neg[7];
    uint64_t state = test_seed(1603);
    fmpq *v = _fmpq_vec_init(7);
    fmpq_t s;
    fmpq_init(s);
    for (N = 1; N <= 7; N++)
    {
        memset(pos, 0, sizeof pos);
        memset(neg, 0, sizeof neg);
        for (t = 0; t < 200; t++)
        {
            cpwl_dict_rand_unit(v, N, 1 + t % 9, &state);
            fmpq_zero(s);
            for (i = 0; i < N; i++)
            {
                fmpq_addmul(s, v + i, v + i);
                pos[i] += fmpq_sgn(v + i) > 0;
                neg[i] += fmpq_sgn(v + i) < 0;
            }
            ck_assert(fmpq_is_one(s));
        }
        for (i = 0; i < N; i++)
            ck_assert_msg(pos[i] > 0 && neg[i] > 0, "N = %ld, coordinate %ld",
                          (long) N, (long) i);
    }
    _fmpq_vec_clear(v, 7);
    fmpq_clear(s);
}
END_TEST

/* sphere and seeds: the same A for the same seed, unit columns. */
START_TEST(test_sphere)
{
    fmpq_mat_t A, B;
    cpwl_err_t e;
    fmpq_mat_init(A, 0, 0);
    fmpq_mat_init(B, 0, 0);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dict_gen_str(A, "sphere:n=5;h=9", 11, e), CPWL_OK);
    ck_assert_int_eq(cpwl_dict_gen_str(B, "sphere:n=5;h=9;height=8", 11, e),
                     CPWL_OK);
    ck_assert(fmpq_mat_equal(A, B));
    ck_assert_int_eq(fmpq_mat_nrows(A), 5);
    ck_assert_int_eq(fmpq_mat_ncols(A), 9);
    ck_assert_int_eq(cpwl_dict_nonunit_column(A), -1);
    ck_assert_int_eq(cpwl_dict_gen_str(B, "sphere:n=5;h=9", 12, e), CPWL_OK);
    ck_assert(!fmpq_mat_equal(A, B));
    fmpq_mat_clear(A);
    fmpq_mat_clear(B);
}
END_TEST

static void gen_bad(const char *spec, const char *want)
{
    fmpq_mat_t A;
    cpwl_err_t e;
    fmpq_mat_init(A, 0, 0);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_dict_gen_str(A, spec, 1, e) != CPWL_OK, "%s", spec);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, want) != NULL, "%s: \"%s\" lacks \"%s\"",
                  spec, e->msg, want);
    ck_assert(strchr(e->msg, '\n') == NULL);
    fmpq_mat_clear(A);
}

START_TEST(test_gen_errors)
{
    gen_bad("hadamard:n=8", "n: 8 is not a power of 4");
    gen_bad("union:n=2", "n: 2 is not a power of 4");
    gen_bad("identity:n=0", "n: expected an integer from 1 to 4096");
    gen_bad("identity:n=5000", "n: expected an integer from 1 to 4096");
    gen_bad("identity", "unknown kind");
    gen_bad("circle:n=3", "unknown kind");
    gen_bad("identity:n=3;h=4", "unknown key \"h\"");
    gen_bad("sphere:n=3", "h: missing");
    gen_bad("sphere:h=3", "n: missing");
    gen_bad("sphere:n=3;h=4;height=0", "height: expected an integer");
    gen_bad("union:n=64;bases=65", "bases:");
    gen_bad("sphere:n=4096;h=4096", "n h <=");
    gen_bad("hadamard:n=4;signd", "expected key=value");
    /* a repeated key was taken silently, the last one winning */
    gen_bad("union:n=4;bases=2;bases=3", "bases: given twice");
    gen_bad("identity:n=3;n=4", "n: given twice");
    gen_bad("sphere:n=3;h=2;h=5", "h: given twice");
    gen_bad("sphere:n=3;h=2;height=2;height=3", "height: given twice");
    gen_bad("hadamard:n=4;signed;signed", "signed: given twice");
}
END_TEST

/* A temporary file holding text; its path in path (64 bytes). */
static void temp_file(char *path, const char *text)
{
    FILE *f;
    int fd;
    snprintf(path, 64, "/tmp/cpwl-test-dict-XXXXXX");
    fd = mkstemp(path);
    ck_assert(fd >= 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static void cli_msg_has(const char *want)
{
    ck_assert_msg(strstr(cli_msg, want) != NULL, "\"%s\" lacks \"%s\"",
                  cli_msg, want);
    ck_assert(strchr(cli_msg, '\n') == NULL);
}

/* The example through the readers: W = A^T by default, W y =
   (3/2, 1/2, 1/2, 1/2, 3/2, 1/2) for y = (3/2, 1/2, 1/2, 1/2); a W of
   the wrong size, bad --eps, --y, --codes, --dict refused with exit 2. */
START_TEST(test_cli_readers)
{
    static const slong wy2[] = {3, 1, 1, 1, 3, 1};
    char pa[64], pw[64], pj[64], pc[64];
    fmpq_mat_t A, W;
    fmpq *y = _fmpq_vec_init(4), *eps = _fmpq_vec_init(6);
    fmpq_t q, z;
    cpwl_codes_t C;
    slong i, j;
    int scalar;
    fmpq_init(q);
    fmpq_init(z);
    fmpq_mat_init(A, 0, 0);
    fmpq_mat_init(W, 0, 0);
    cpwl_codes_init(C);
    temp_file(pa, example_csv);
    temp_file(pj, example_json);
    temp_file(pw, "1,0,0,0\n0,1,0,0\n0,0,1,0\n");
    temp_file(pc, "1/2,1\n1/3,0\n");
    ck_assert_int_eq(cli_ae_read_dict(A, "autoencoder eval", pj), 0);
    ck_assert_int_eq(cli_ae_read_dict(A, "autoencoder eval", pa), 0);
    ck_assert_int_eq(cli_ae_read_w(W, "autoencoder eval", NULL, A), 0);
    ck_assert_int_eq(cli_ae_parse_y(y, "autoencoder eval", "3/2, 0.5,1/2,1/2",
                                    4), 0);
    for (i = 0; i < 6; i++)
    {
        fmpq_zero(z);
        for (j = 0; j < 4; j++)
            fmpq_addmul(z, fmpq_mat_entry(W, i, j), y + j);
        fmpq_set_si(q, wy2[i], 2);
        ck_assert(fmpq_equal(z, q));
    }
    ck_assert_int_eq(cli_ae_read_w(W, "autoencoder eval", pw, A), 2);
    cli_msg_has("cpwl autoencoder eval: --at: ");
    cli_msg_has("has 3 rows and 4 columns; W must be h x n = 6 x 4 for the "
                "dictionary (n = 4, h = 6)");
    ck_assert_int_eq(cli_ae_parse_eps(eps, &scalar, "autoencoder eval", "1/2",
                                      6), 0);
    ck_assert_int_eq(scalar, 1);
    fmpq_set_si(q, 1, 2);
    for (i = 0; i < 6; i++)
        ck_assert(fmpq_equal(eps + i, q));
    ck_assert_int_eq(cli_ae_parse_eps(eps, &scalar, "autoencoder eval",
                                      "1,2,3,4,5,6", 6), 0);
    ck_assert_int_eq(scalar, 0);
    ck_assert(fmpz_equal_si(fmpq_numref(eps + 5), 6));
    ck_assert_int_eq(cli_ae_parse_eps(eps, &scalar, "autoencoder eval", "1,2",
                                      6), 2);
    cli_msg_has("--eps: expected one exact literal");
    cli_msg_has("h = 6 of them");
    ck_assert_int_eq(cli_ae_parse_eps(eps, &scalar, "autoencoder eval", "x",
                                      6), 2);
    cli_msg_has("--eps: entry 1");
    ck_assert_int_eq(cli_ae_parse_y(y, "autoencoder eval", "1,2", 4), 2);
    cli_msg_has("--y: expected n = 4 exact literals");
    ck_assert_int_eq(cli_ae_parse_y(y, "autoencoder eval", "1,2,1/0,4", 4), 2);
    cli_msg_has("--y: entry 3");
    ck_assert_int_eq(cli_ae_read_codes(C, "autoencoder grad", "supports:k=7",
                                       6), 2);
    cli_msg_has("--codes: ");
    cli_msg_has("k: expected a support size from 0 to h = 6");
    ck_assert_int_eq(cli_ae_read_codes(C, "autoencoder grad", pw, 6), 2);
    cli_msg_has("rows of 3 coordinates");
    cli_msg_has("expected h = 6 coordinates");
    ck_assert_int_eq(cli_ae_read_codes(C, "autoencoder grad", pc, 1), 2);
    cli_msg_has(":2: the probabilities");
    cli_msg_has("sum to 5/6; expected exactly 1");
    ck_assert_int_eq(cli_ae_read_codes(C, "autoencoder grad",
                                       "supports:k=2", 6), 0);
    ck_assert_int_eq(cli_ae_read_dict(A, "autoencoder eval",
                                      "/nonexistent/A.csv"), 2);
    cli_msg_has("--dict: /nonexistent/A.csv: cannot open");
    unlink(pa);
    unlink(pw);
    unlink(pj);
    unlink(pc);
    _fmpq_vec_clear(y, 4);
    _fmpq_vec_clear(eps, 6);
    fmpq_clear(q);
    fmpq_clear(z);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    cpwl_codes_clear(C);
}
END_TEST

static Suite *dict_suite(void)
{
    Suite *s = suite_create("dict");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_example_files);
    tcase_add_test(tc, test_write_read);
    tcase_add_test(tc, test_read_conventions);
    tcase_add_test(tc, test_read_errors);
    tcase_add_test(tc, test_read_w_sizes);
    tcase_add_test(tc, test_hadamard_orthonormal);
    tcase_add_test(tc, test_hadamard_sylvester);
    tcase_add_test(tc, test_union_coherence);
    tcase_add_test(tc, test_coherence_brute);
    tcase_add_test(tc, test_rand_unit);
    tcase_add_test(tc, test_sphere);
    tcase_add_test(tc, test_gen_errors);
    tcase_add_test(tc, test_cli_readers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(dict_suite());
}
