/* Module dist: finite supports read from CSV, continuous laws from their
   descriptions, exact symmetry and moments, seeded draws.  Expected
   values come from hand computations, from finite laws with the same
   moments as the continuous ones (quadrature rules), and from
   concentration bounds stated at each use. */
#include <math.h>
#include <string.h>
#include <flint/fmpq_mat.h>
#include <unistd.h>
#include "qvec.h"
#include "testutil.h"

/* ck_assert without Check's mark point (a write per call): for the
   assertions inside the draw loops. */
#define LOOP_ASSERT(c)                                                      \
    do                                                                      \
    {                                                                       \
        if (!(c))                                                           \
            ck_abort_msg("assertion failed: %s", #c);                       \
    }                                                                       \
    while (0)

/* Read text as a finite support, or fail the test. */
static void read_ok(cpwl_dist_t D, const char *text)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_dist_read_str(D, text, strlen(text), "t.csv", e) != CPWL_OK)
        ck_abort_msg("reading %s: %s", text, e->msg);
}

/* Reading text fails with CPWL_ERR_INPUT and a message containing each of
   the (up to two) strings. */
static void read_bad_len(const char *text, size_t len, const char *want1,
                         const char *want2)
{
    cpwl_dist_t D;
    cpwl_err_t e;
    int st;
    cpwl_dist_init(D);
    cpwl_err_init(e);
    st = cpwl_dist_read_str(D, text, len, "t.csv", e);
    ck_assert_msg(st == CPWL_ERR_INPUT, "%s: status %d", text, st);
    ck_assert_msg(strstr(e->msg, want1) != NULL, "%s: message \"%s\" lacks "
                  "\"%s\"", text, e->msg, want1);
    ck_assert_msg(want2 == NULL || strstr(e->msg, want2) != NULL,
                  "%s: message \"%s\" lacks \"%s\"", text, e->msg, want2);
    ck_assert(strchr(e->msg, '\n') == NULL);
    ck_assert_int_eq(D->K, 0);
    cpwl_dist_clear(D);
}

static void read_bad(const char *text, const char *want1, const char *want2)
{
    read_bad_len(text, strlen(text), want1, want2);
}

/* Entry (i, j) of A is the rational s. */
static void mat_entry_is(const fmpq_mat_t A, slong i, slong j, const char *s)
{
    fmpq_t q;
    fmpq_init(q);
    test_q_set(q, s);
    ck_assert_msg(fmpq_equal(fmpq_mat_entry(A, i, j), q), "entry (%ld, %ld) "
                  "is %s, expected %s", (long) i, (long) j,
                  fmpq_get_str(NULL, 10, fmpq_mat_entry(A, i, j)), s);
    fmpq_clear(q);
}

/* A is d times the identity (d a rational literal). */
static void mat_is_scalar(const fmpq_mat_t A, const char *d)
{
    slong i, j;
    for (i = 0; i < fmpq_mat_nrows(A); i++)
        for (j = 0; j < fmpq_mat_ncols(A); j++)
            mat_entry_is(A, i, j, i == j ? d : "0");
}

START_TEST(test_pm_e)
{
    /* {+-e1, +-e2}, 1/4 each: Sigma = E[x x^T] = (1/4)(2 e1e1^T + 2 e2e2^T)
       = I/2; |x| = 1, so M = Sigma = I/2. */
    cpwl_dist_t D;
    fmpq_mat_t S, M;
    slong w = 7;
    cpwl_dist_init(D);
    read_ok(D, "1/4,1,0\n1/4,-1,0\n0.25,0,1\n1/4,0,-1\n");
    ck_assert_int_eq(D->kind, CPWL_DIST_FINITE);
    ck_assert_int_eq(D->K, 4);
    ck_assert_int_eq(D->n, 2);
    ck_assert(D->y == NULL);
    ck_assert(fmpz_equal_si(D->den, 4));
    ck_assert(fmpz_equal_si(D->cum + 0, 0) && fmpz_equal_si(D->cum + 2, 2)
              && fmpz_equal_si(D->cum + 4, 4));
    ck_assert(!cpwl_dist_is_continuous(D));
    ck_assert_str_eq(cpwl_dist_kind_name(D->kind), "finite");
    ck_assert_int_eq(cpwl_dist_symmetric(&w, D), 1);
    ck_assert_int_eq(w, -1);
    fmpq_mat_init(S, 2, 2);
    fmpq_mat_init(M, 2, 2);
    cpwl_dist_moments(S, M, D);
    mat_is_scalar(S, "1/2");
    mat_is_scalar(M, "1/2");
    fmpq_mat_clear(S);
    fmpq_mat_clear(M);
    cpwl_dist_clear(D);
}
END_TEST

START_TEST(test_moments_hand)
{
    /* x = 1 or 2, 1/2 each: E x^2 = 5/2, E x^4 = 17/2. */
    cpwl_dist_t D;
    fmpq_mat_t S, M;
    cpwl_dist_init(D);
    fmpq_mat_init(S, 1, 1);
    fmpq_mat_init(M, 1, 1);
    read_ok(D, "1/2,1\n1/2,2\n");
    cpwl_dist_moments(S, M, D);
    mat_entry_is(S, 0, 0, "5/2");
    mat_entry_is(M, 0, 0, "17/2");
    fmpq_mat_clear(S);
    fmpq_mat_clear(M);
    /* x = (1, 2) w.p. 1/3, (0, -1) w.p. 2/3: Sigma = (1/3)[1 2; 2 4] +
       (2/3)[0 0; 0 1] = [1/3 2/3; 2/3 2]; |x|^2 = 5 and 1: M = (5/3)[1 2;
       2 4] + (2/3)[0 0; 0 1] = [5/3 10/3; 10/3 22/3]. */
    fmpq_mat_init(S, 2, 2);
    fmpq_mat_init(M, 2, 2);
    read_ok(D, "1/3,1,2\n2/3,0,-1\n");
    cpwl_dist_moments(S, M, D);
    mat_entry_is(S, 0, 0, "1/3");
    mat_entry_is(S, 0, 1, "2/3");
    mat_entry_is(S, 1, 0, "2/3");
    mat_entry_is(S, 1, 1, "2");
    mat_entry_is(M, 0, 0, "5/3");
    mat_entry_is(M, 0, 1, "10/3");
    mat_entry_is(M, 1, 1, "22/3");
    /* closed forms by hand: uniform on [0, 1]: E u^2 = 1/3, E u^4 = 1/5;
       on [-1, 1]^2: Sigma = I/3, M_ii = E u^4 + E u^2 E u^2 = 1/5 + 1/9. */
    ck_assert_int_eq(cpwl_dist_parse(D, "uniform:n=2", NULL), 1);
    cpwl_dist_moments(S, M, D);
    mat_is_scalar(S, "1/3");
    mat_is_scalar(M, "14/45");
    /* N(0, I_2/4): Sigma = I/4, M = (n + 2) s^4 I = 4/16 I */
    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian:n=2;sigma=1/2", NULL), 1);
    cpwl_dist_moments(S, M, D);
    mat_is_scalar(S, "1/4");
    mat_is_scalar(M, "1/4");
    fmpq_mat_clear(S);
    fmpq_mat_clear(M);
    fmpq_mat_init(S, 1, 1);
    fmpq_mat_init(M, 1, 1);
    ck_assert_int_eq(cpwl_dist_parse(D, "uniform:n=1;lo=0;hi=1", NULL), 1);
    cpwl_dist_moments(S, M, D);
    mat_entry_is(S, 0, 0, "1/3");
    mat_entry_is(M, 0, 0, "1/5");
    fmpq_mat_clear(S);
    fmpq_mat_clear(M);
    cpwl_dist_clear(D);
}
END_TEST

START_TEST(test_symmetry)
{
    cpwl_dist_t D;
    slong w;
    cpwl_dist_init(D);
    /* (1, 0) has 1/2, its mirror 1/4: the first row is the witness */
    read_ok(D, "1/2,1,0\n1/4,-1,0\n1/4,0,0\n");
    ck_assert_int_eq(cpwl_dist_symmetric(&w, D), 0);
    ck_assert_int_eq(w, 0);
    /* duplicates add up: (2, 0) twice at 1/8 against (-2, 0) at 1/4; the
       zero row is its own mirror; a zero-probability row needs no mirror */
    read_ok(D, "1/4,0,0\n1/8,1,1\n1/8,-1,-1\n1/8,-2,0\n1/4,2,0\n"
            "1/8,-2,0\n0,5,7\n");
    ck_assert_int_eq(cpwl_dist_symmetric(&w, D), 1);
    ck_assert_int_eq(w, -1);
    /* (0, 3) has no mirror: row 3 (counting from 0) */
    read_ok(D, "1/8,0,0\n1/8,1,1\n1/8,-1,-1\n1/8,0,3\n1/8,0,-3\n"
            "1/8,5,5\n1/8,-5,-5\n1/8,0,3\n");
    ck_assert_int_eq(cpwl_dist_symmetric(&w, D), 0);
    ck_assert_int_eq(w, 3);
    ck_assert_int_eq(cpwl_dist_symmetric(NULL, D), 0);
    /* continuous laws */
    ck_assert_int_eq(cpwl_dist_parse(D, "uniform:n=2;lo=-1/3;hi=1/3", NULL), 1);
    ck_assert_int_eq(cpwl_dist_symmetric(&w, D), 1);
    ck_assert_int_eq(cpwl_dist_parse(D, "uniform:n=2;lo=-1/3;hi=1/2", NULL), 1);
    ck_assert_int_eq(cpwl_dist_symmetric(&w, D), 0);
    ck_assert_int_eq(w, -1);
    ck_assert_int_eq(cpwl_dist_parse(D, "mixture:mu=1,2;sigma=3", NULL), 1);
    ck_assert_int_eq(cpwl_dist_symmetric(&w, D), 1);
    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian:n=3", NULL), 1);
    ck_assert_int_eq(cpwl_dist_symmetric(&w, D), 1);
    cpwl_dist_clear(D);
}
END_TEST

/* ---- closed forms against finite laws with the same moments ---------- */

/* Append "p,x_1,...,x_n\n" rows of the product of n copies of the 1-D
   law (nodes a[0..m), weights wt[0..m)), scaled by weight c and shifted
   by shift (n entries, may be NULL), to *buf. */
static void product_rows(char **buf, size_t *len, size_t *alloc, slong n,
                         const fmpq *a, const fmpq *wt, slong m,
                         const fmpq_t c, const fmpq *shift)
{
    slong *ix = flint_calloc(n, sizeof(slong)), j;
    fmpq_t p, x;
    fmpq_init(p);
    fmpq_init(x);
    for (;;)
    {
        char *s;
        fmpq_set(p, c);
        for (j = 0; j < n; j++)
            fmpq_mul(p, p, wt + ix[j]);
        for (j = -1; j < n; j++)
        {
            if (j < 0)
                s = fmpq_get_str(NULL, 10, p);
            else
            {
                fmpq_set(x, a + ix[j]);
                if (shift != NULL)
                    fmpq_add(x, x, shift + j);
                s = fmpq_get_str(NULL, 10, x);
            }
            while (*len + strlen(s) + 2 >= *alloc)
            {
                *alloc = 2 * *alloc + 64;
                *buf = flint_realloc(*buf, *alloc);
            }
            *len += sprintf(*buf + *len, "%s%s", s, j + 1 < n ? "," : "\n");
            flint_free(s);
        }
        for (j = 0; j < n && ++ix[j] == m; j++)
            ix[j] = 0;
        if (j == n)
            break;
    }
    fmpq_clear(p);
    fmpq_clear(x);
    flint_free(ix);
}

/* The moments of the continuous law desc equal those of the finite law
   text (same n). */
static void same_moments(const char *desc, const char *text, slong n)
{
    cpwl_dist_t C, F;
    fmpq_mat_t S1, M1, S2, M2;
    cpwl_dist_init(C);
    cpwl_dist_init(F);
    ck_assert_int_eq(cpwl_dist_parse(C, desc, NULL), 1);
    ck_assert_int_eq(C->n, n);
    read_ok(F, text);
    ck_assert_int_eq(F->n, n);
    fmpq_mat_init(S1, n, n);
    fmpq_mat_init(M1, n, n);
    fmpq_mat_init(S2, n, n);
    fmpq_mat_init(M2, n, n);
    cpwl_dist_moments(S1, M1, C);
    cpwl_dist_moments(S2, M2, F);
    ck_assert_msg(fmpq_mat_equal(S1, S2), "%s: Sigma differs", desc);
    ck_assert_msg(fmpq_mat_equal(M1, M2), "%s: M differs", desc);
    /* both symmetric, or both not */
    ck_assert_int_eq(cpwl_dist_symmetric(NULL, C), cpwl_dist_symmetric(NULL, F));
    fmpq_mat_clear(S1);
    fmpq_mat_clear(M1);
    fmpq_mat_clear(S2);
    fmpq_mat_clear(M2);
    cpwl_dist_clear(C);
    cpwl_dist_clear(F);
}

START_TEST(test_uniform_boole)
{
    /* Boole's rule on [lo, hi]: nodes lo + (hi - lo)(0, 1/4, 1/2, 3/4, 1),
       weights (7, 32, 12, 32, 7)/90, exact for polynomials of degree <= 5;
       the product rule is exact for the per-coordinate degrees <= 4 that
       Sigma and M involve. */
    static const char *boxes[][2] = { { "-1", "1" }, { "0", "1" },
        { "-2/3", "5/7" }, { "1/2", "3" } };
    static const slong wts[5] = { 7, 32, 12, 32, 7 };
    slong n, b, k;
    for (n = 1; n <= 3; n++)
        for (b = 0; b < 4; b++)
        {
            fmpq *a = _fmpq_vec_init(5), *wt = _fmpq_vec_init(5);
            fmpq_t lo, hi, c;
            char desc[80], *buf = NULL;
            size_t len = 0, alloc = 0;
            fmpq_init(lo);
            fmpq_init(hi);
            fmpq_init(c);
            test_q_set(lo, boxes[b][0]);
            test_q_set(hi, boxes[b][1]);
            for (k = 0; k < 5; k++)
            {
                fmpq_sub(a + k, hi, lo);
                fmpq_mul_si(a + k, a + k, k);
                fmpq_div_2exp(a + k, a + k, 2);
                fmpq_add(a + k, a + k, lo);
                fmpq_set_si(wt + k, wts[k], 90);
            }
            fmpq_one(c);
            product_rows(&buf, &len, &alloc, n, a, wt, 5, c, NULL);
            snprintf(desc, sizeof desc, "uniform:n=%ld;lo=%s;hi=%s", (long) n,
                     boxes[b][0], boxes[b][1]);
            same_moments(desc, buf, n);
            flint_free(buf);
            fmpq_clear(lo);
            fmpq_clear(hi);
            fmpq_clear(c);
            _fmpq_vec_clear(a, 5);
            _fmpq_vec_clear(wt, 5);
        }
}
END_TEST

/* The 5-point law {0: 1/2, +-s: 1/6, +-2s: 1/12} has the moments of
   N(0, s^2) through degree 5: odd ones vanish, E z^2 = 2/6 + 8/12 = 1,
   E z^4 = 2/6 + 32/12 = 3 (times s^2, s^4). */
static void five_point(fmpq *a, fmpq *wt, const fmpq_t s)
{
    static const slong mult[5] = { 0, 1, -1, 2, -2 };
    static const slong den[5] = { 2, 6, 6, 12, 12 };
    slong k;
    for (k = 0; k < 5; k++)
    {
        fmpq_mul_si(a + k, s, mult[k]);
        fmpq_set_si(wt + k, 1, den[k]);
    }
}

START_TEST(test_gaussian_five_point)
{
    static const char *sig[] = { "1", "2/3", "5/2" };
    slong n, b;
    for (n = 1; n <= 3; n++)
        for (b = 0; b < 3; b++)
        {
            fmpq *a = _fmpq_vec_init(5), *wt = _fmpq_vec_init(5);
            fmpq_t s, c;
            char desc[80], *buf = NULL;
            size_t len = 0, alloc = 0;
            fmpq_init(s);
            fmpq_init(c);
            test_q_set(s, sig[b]);
            five_point(a, wt, s);
            fmpq_one(c);
            product_rows(&buf, &len, &alloc, n, a, wt, 5, c, NULL);
            if (b == 0)
                snprintf(desc, sizeof desc, "gaussian:n=%ld", (long) n);
            else
                snprintf(desc, sizeof desc, "gaussian:n=%ld;sigma=%s",
                         (long) n, sig[b]);
            same_moments(desc, buf, n);
            flint_free(buf);
            fmpq_clear(s);
            fmpq_clear(c);
            _fmpq_vec_clear(a, 5);
            _fmpq_vec_clear(wt, 5);
        }
}
END_TEST

START_TEST(test_mixture_five_point)
{
    /* (1/J) sum_j (law(mu_j + s z) + law(-mu_j + s z)) / 2 with z from the
       5-point product law: the moments of degree <= 4 in x are those of
       the Gaussian mixture. */
    static const char *means[3][3] = { { "1/2", "-3", "0" },
        { "2", "1/3", "-5/4" }, { "0", "0", "7" } };
    static const char *sig[2] = { "1", "3/4" };
    slong n, J, b, j, k;
    for (n = 1; n <= 3; n++)
        for (J = 1; J <= 3; J++)
            for (b = 0; b < 2; b++)
            {
                fmpq *a = _fmpq_vec_init(5), *wt = _fmpq_vec_init(5);
                fmpq *mu = _fmpq_vec_init(n);
                fmpq_t s, c;
                char desc[200], *buf = NULL;
                size_t len = 0, alloc = 0, dl;
                fmpq_init(s);
                fmpq_init(c);
                test_q_set(s, sig[b]);
                five_point(a, wt, s);
                fmpq_set_si(c, 1, 2 * J);
                dl = snprintf(desc, sizeof desc, "mixture:");
                for (j = 0; j < J; j++)
                {
                    dl += snprintf(desc + dl, sizeof desc - dl, "%smu=",
                                   j ? ";" : "");
                    for (k = 0; k < n; k++)
                    {
                        test_q_set(mu + k, means[j][k]);
                        dl += snprintf(desc + dl, sizeof desc - dl, "%s%s",
                                       k ? "," : "", means[j][k]);
                    }
                    product_rows(&buf, &len, &alloc, n, a, wt, 5, c, mu);
                    for (k = 0; k < n; k++)
                        fmpq_neg(mu + k, mu + k);
                    product_rows(&buf, &len, &alloc, n, a, wt, 5, c, mu);
                }
                if (b == 1)
                    snprintf(desc + dl, sizeof desc - dl, ";sigma=%s", sig[b]);
                same_moments(desc, buf, n);
                flint_free(buf);
                fmpq_clear(s);
                fmpq_clear(c);
                _fmpq_vec_clear(mu, n);
                _fmpq_vec_clear(a, 5);
                _fmpq_vec_clear(wt, 5);
            }
}
END_TEST

/* ---- reading ---------------------------------------------------------- */

START_TEST(test_read_conventions)
{
    cpwl_dist_t D;
    fmpq_t q;
    cpwl_dist_init(D);
    fmpq_init(q);
    /* a header row, a comment, blank lines */
    read_ok(D, "p,x1,x2\n# two points\n1/2,1,0\n\n0.5,-1,3/2\n");
    ck_assert_int_eq(D->K, 2);
    ck_assert_int_eq(D->n, 2);
    test_q_set(q, "3/2");
    ck_assert(fmpq_equal(D->X + 3, q));
    test_q_set(q, "1/2");
    ck_assert(fmpq_equal(D->p + 1, q));
    /* BOM, CRLF, ';' separator, quoted cells, a header */
    read_ok(D, "\xef\xbb\xbf\"p\";x\r\n0.25;1\r\n\"3/4\";-1e-1\r\n");
    ck_assert_int_eq(D->K, 2);
    ck_assert_int_eq(D->n, 1);
    test_q_set(q, "-1/10");
    ck_assert(fmpq_equal(D->X + 1, q));
    ck_assert(fmpz_equal_si(D->den, 4));
    ck_assert(fmpz_equal_si(D->cum + 1, 1));
    /* one point of probability 1; tabs */
    read_ok(D, "1\t2\t3\t4\n");
    ck_assert_int_eq(D->K, 1);
    ck_assert_int_eq(D->n, 3);
    fmpq_clear(q);
    cpwl_dist_clear(D);
}
END_TEST

START_TEST(test_read_errors)
{
    char big[400];
    /* the sum is printed as p/q at the last row's line */
    read_bad("1/4,1\n1/4,2\n", "t.csv:2:", "sum to 1/2;");
    read_bad("p,x\n1/2,1\n# c\n2/3,2\n", "t.csv:4:", "7/6");
    /* a negative probability: its line, column and cell */
    read_bad("1/2,1\n# c\n  -1/4,2\n3/4,3\n", "t.csv:3:3: cell 1 (\"-1/4\")",
             "negative");
    /* fewer than 2 cells, named as in a distribution file */
    read_bad("1\n", "t.csv:1:", "(p,x_1,...,x_n)");
    /* rows of different lengths */
    read_bad("1/2,1,2\n1/2,3\n", "t.csv:2:", "expected 3 cells");
    /* a cell that is not a number */
    read_bad("1/2,1\n1/2,x\n", "t.csv:2:5: cell 2", NULL);
    /* no rows */
    read_bad("", "t.csv", "no data rows");
    read_bad("p,x\n# nothing\n", "t.csv", "no data rows");
    /* a NUL byte */
    read_bad_len("1/2,1\n1/2,\0002\n", 13, "t.csv:2:", "NUL");
    /* a sum with a long fraction is given approximately */
    snprintf(big, sizeof big, "1/%s,1\n", "3" "0000000000000000000000000000"
             "000000000000000000000000000000000000000000000000000000000000"
             "000000000000000000000000000000000000000000000000000000000001");
    read_bad(big, "t.csv:1:", "about 3.3333");
}
END_TEST

START_TEST(test_read_file)
{
    char path[] = "/tmp/cpwl-test-dist-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    cpwl_dist_t D;
    cpwl_err_t e;
    ck_assert(fd >= 0);
    f = fdopen(fd, "w");
    fputs("1/3,1\n2/3,-1/2\n", f);
    fclose(f);
    cpwl_dist_init(D);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dist_read_file(D, path, e), CPWL_OK);
    ck_assert_int_eq(D->K, 2);
    ck_assert(fmpz_equal_si(D->den, 3));
    f = fopen(path, "w");
    fputs("1/3,1\n1/3,-1/2\n", f);
    fclose(f);
    ck_assert_int_eq(cpwl_dist_read_file(D, path, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, path) != NULL && strstr(e->msg, "2/3"),
                  "%s", e->msg);
    ck_assert_int_eq(D->K, 0);
    unlink(path);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dist_read_file(D, path, e), CPWL_ERR_INPUT);
    cpwl_dist_clear(D);
}
END_TEST

START_TEST(test_set_data)
{
    cpwl_erm_data_t d;
    cpwl_dist_t D;
    cpwl_err_t e;
    fmpq_mat_t S, M;
    const char *text = "1,0,5\n-1,0,6\n0,3,7\n";
    cpwl_erm_data_init(d);
    cpwl_dist_init(D);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_erm_data_read_str(d, text, strlen(text), "d", e),
                     CPWL_OK);
    cpwl_dist_set_data(D, d);
    ck_assert_int_eq(D->kind, CPWL_DIST_DATA);
    ck_assert_str_eq(cpwl_dist_kind_name(D->kind), "data");
    ck_assert_int_eq(D->K, 3);
    ck_assert_int_eq(D->n, 2);
    ck_assert(D->y != NULL && fmpz_equal_si(fmpq_numref(D->y + 2), 7));
    ck_assert(fmpz_equal_si(D->den, 3));
    ck_assert(fmpz_equal_si(fmpq_denref(D->p + 1), 3));
    /* (0, 3) has no mirror */
    ck_assert_int_eq(cpwl_dist_symmetric(NULL, D), 0);
    /* Sigma = (1/3)(2 e1e1^T + 9 e2e2^T), M = (1/3)(2 e1e1^T + 81 e2e2^T) */
    fmpq_mat_init(S, 2, 2);
    fmpq_mat_init(M, 2, 2);
    cpwl_dist_moments(S, M, D);
    mat_entry_is(S, 0, 0, "2/3");
    mat_entry_is(S, 1, 1, "3");
    mat_entry_is(S, 0, 1, "0");
    mat_entry_is(M, 0, 0, "2/3");
    mat_entry_is(M, 1, 1, "27");
    fmpq_mat_clear(S);
    fmpq_mat_clear(M);
    cpwl_erm_data_clear(d);
    cpwl_dist_clear(D);
}
END_TEST

/* ---- descriptions ----------------------------------------------------- */

START_TEST(test_parse)
{
    cpwl_dist_t D;
    cpwl_err_t e;
    fmpq_t q;
    cpwl_dist_init(D);
    cpwl_err_init(e);
    fmpq_init(q);
    /* not a description: a file name; D unchanged */
    ck_assert_int_eq(cpwl_dist_parse(D, "data.csv", e), 0);
    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian", e), 0);
    ck_assert_int_eq(cpwl_dist_parse(D, "Gaussian:n=1", e), 0);
    ck_assert_int_eq(cpwl_dist_parse(D, "", e), 0);
    ck_assert_int_eq(e->status, CPWL_OK);
    ck_assert_int_eq(D->kind, CPWL_DIST_FINITE);

    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian:n=3", e), 1);
    ck_assert_int_eq(D->kind, CPWL_DIST_GAUSSIAN);
    ck_assert_int_eq(D->n, 3);
    ck_assert(fmpq_is_one(D->sigma));
    ck_assert(cpwl_dist_is_continuous(D));
    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian: sigma = 0.5 ; n = 2", e), 1);
    ck_assert_int_eq(D->n, 2);
    test_q_set(q, "1/2");
    ck_assert(fmpq_equal(D->sigma, q));
    ck_assert_int_eq(cpwl_dist_parse(D, "uniform:n=4", e), 1);
    ck_assert_int_eq(D->kind, CPWL_DIST_UNIFORM);
    ck_assert(fmpz_equal_si(fmpq_numref(D->lo), -1) && fmpq_is_one(D->hi));
    ck_assert_int_eq(cpwl_dist_parse(D, "uniform:n=1;hi=7/2;lo=1e-1", e), 1);
    test_q_set(q, "7/2");
    ck_assert(fmpq_equal(D->hi, q));
    test_q_set(q, "1/10");
    ck_assert(fmpq_equal(D->lo, q));
    ck_assert_int_eq(cpwl_dist_parse(D, "uniform:n=1;lo=-3", e), 1);
    ck_assert_int_eq(cpwl_dist_parse(D, "mixture:mu=1,2;mu=-1/2,0;sigma=0x1p-2",
                                     e), 1);
    ck_assert_int_eq(D->kind, CPWL_DIST_MIXTURE);
    ck_assert_int_eq(D->J, 2);
    ck_assert_int_eq(D->n, 2);
    test_q_set(q, "-1/2");
    ck_assert(fmpq_equal(D->mu + 2, q));
    test_q_set(q, "1/4");
    ck_assert(fmpq_equal(D->sigma, q));
    ck_assert_int_eq(cpwl_dist_parse(D, "mixture:mu=3", e), 1);
    ck_assert_int_eq(D->n, 1);
    ck_assert(fmpq_is_one(D->sigma));
    ck_assert_int_eq(e->status, CPWL_OK);
    fmpq_clear(q);
    cpwl_dist_clear(D);
}
END_TEST

/* s is malformed: 2, CPWL_ERR_INPUT, the message names want; D kept. */
static void parse_bad(const char *s, const char *want)
{
    cpwl_dist_t D;
    cpwl_err_t e;
    int st;
    cpwl_dist_init(D);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian:n=5", e), 1);
    st = cpwl_dist_parse(D, s, e);
    ck_assert_msg(st == 2 && e->status == CPWL_ERR_INPUT, "%s: %d", s, st);
    ck_assert_msg(strstr(e->msg, want) != NULL, "%s: message \"%s\" lacks "
                  "\"%s\"", s, e->msg, want);
    ck_assert(strchr(e->msg, '\n') == NULL);
    ck_assert(strncmp(e->msg, "distribution \"", 14) == 0);
    ck_assert_int_eq(D->kind, CPWL_DIST_GAUSSIAN);
    ck_assert_int_eq(D->n, 5);
    cpwl_dist_clear(D);
}

START_TEST(test_parse_errors)
{
    parse_bad("gaussian:sigma=1", "parameter n: missing");
    parse_bad("gaussian:", "parameter n: missing");
    parse_bad("uniform:lo=0", "parameter n: missing");
    parse_bad("gaussian:n=0", "parameter n: expected an integer from 1");
    parse_bad("gaussian:n=1000001", "parameter n: expected an integer from 1");
    parse_bad("gaussian:n=3/2", "parameter n: expected an integer");
    parse_bad("gaussian:n=x", "parameter n:");
    parse_bad("gaussian:n=", "parameter n:");
    parse_bad("gaussian:n=2;sigma=0", "parameter sigma: expected a standard "
              "deviation > 0");
    parse_bad("mixture:mu=1;sigma=-1/2", "parameter sigma:");
    parse_bad("uniform:n=2;lo=1;hi=1", "expected lo < hi");
    parse_bad("uniform:n=1;lo=2", "expected lo < hi, got lo = 2, hi = 1");
    parse_bad("mixture:mu=1,2;mu=1", "mean 2 has 1 coordinate, mean 1 has 2");
    parse_bad("mixture:sigma=1", "parameter mu: missing");
    parse_bad("mixture:mu=1,x", "mean 1: coordinate 2");
    parse_bad("gaussian:n=2;foo=1", "unknown parameter \"foo\" of gaussian; "
              "expected n, sigma");
    parse_bad("gaussian:n=2;lo=1", "unknown parameter \"lo\"");
    parse_bad("uniform:n=2;sigma=1", "unknown parameter \"sigma\"");
    parse_bad("mixture:n=2;mu=1,1", "unknown parameter \"n\"");
    parse_bad("gaussian:n=2;n=3", "parameter n: given twice");
    parse_bad("uniform:n=2;lo=0;lo=-1", "parameter lo: given twice");
    parse_bad("gaussian:n", "expected name=value");
    parse_bad("gaussian:n=2;", "expected name=value");
}
END_TEST

/* ---- draws ------------------------------------------------------------ */

START_TEST(test_splitmix)
{
    /* splitmix64 from state 0 (Vigna's reference implementation) */
    uint64_t s = 0;
    ck_assert(cpwl_dist_rand(&s) == UINT64_C(0xe220a8397b1dcdaf));
    ck_assert(cpwl_dist_rand(&s) == UINT64_C(0x6e789e6aa1b965f4));
    ck_assert(cpwl_dist_rand(&s) == UINT64_C(0x06c45d188009454f));
}
END_TEST

/* Hoeffding: for N independent draws of an indicator of probability p,
   P(|freq - p| >= eps) <= 2 exp(-2 N eps^2).  With eps = sqrt(L / (2N)),
   L = log(2 m / delta), a union over m events fails with probability at
   most delta; here delta = 1e-10. */
static double hoeffding_eps(slong N, slong m)
{
    return sqrt(log(2.0 * m / 1e-10) / (2.0 * N));
}

/* The frequencies of draw_index over N draws are within the bound of
   the exact probabilities; rows of probability 0 are never drawn. */
static void check_freqs(const cpwl_dist_t D, slong N, uint64_t seed)
{
    slong *cnt = flint_calloc(D->K, sizeof(slong)), i, k;
    double eps = hoeffding_eps(N, D->K);
    uint64_t st = seed;
    fmpq *x = _fmpq_vec_init(D->n);
    for (i = 0; i < N; i++)
    {
        k = cpwl_dist_draw_index(D, &st);
        LOOP_ASSERT(k >= 0 && k < D->K);
        cnt[k]++;
    }
    for (k = 0; k < D->K; k++)
    {
        double p = cpwl_num_fmpq_get_d(D->p + k), f = (double) cnt[k] / N;
        if (fmpq_is_zero(D->p + k))
            ck_assert_int_eq(cnt[k], 0);
        ck_assert_msg(fabs(f - p) < eps, "seed %llu: row %ld: frequency %g, "
                      "probability %g, bound %g", (unsigned long long) seed,
                      (long) k, f, p, eps);
    }
    /* draw gives the row it draws */
    for (i = 0; i < 100; i++)
    {
        k = cpwl_dist_draw(x, D, &st);
        LOOP_ASSERT(k >= 0 && k < D->K && !fmpq_is_zero(D->p + k));
        LOOP_ASSERT(qvec_equal(x, D->X + k * D->n, D->n));
    }
    _fmpq_vec_clear(x, D->n);
    flint_free(cnt);
}

START_TEST(test_draw_index)
{
    uint64_t seed = test_seed(1501);
    slong N = test_iters(200000);
    cpwl_dist_t D;
    cpwl_dist_init(D);
    read_ok(D, "1/2,1\n0,2\n1/3,3\n1/6,4\n");
    check_freqs(D, N, seed);
    /* den = 3 2^70 > 2^64: multi-word draws */
    read_ok(D, "1/1180591620717411303424,1\n1/3,2\n"
            "2361183241434822606845/3541774862152233910272,3\n");
    ck_assert(fmpz_bits(D->den) > 64);
    check_freqs(D, N, seed + 1);
    /* den = 2^64 + 13 (not a power of two: rejection matters) */
    read_ok(D, "6148914691236517209/18446744073709551629,1\n"
            "12297829382473034420/18446744073709551629,2\n");
    ck_assert(fmpz_bits(D->den) == 65);
    check_freqs(D, N, seed + 2);
    /* a single point: always row 0 */
    read_ok(D, "1,5\n");
    check_freqs(D, 10, seed + 3);
    cpwl_dist_clear(D);
}
END_TEST

/* q is a double: its denominator is a power of two, its odd numerator has
   at most 53 bits. */
static int is_double(const fmpq_t q)
{
    fmpz_t t;
    int ok;
    if (fmpq_is_zero(q))
        return 1;
    fmpz_init(t);
    fmpz_set(t, fmpq_numref(q));
    fmpz_abs(t, t);
    ok = fmpz_bits(t) <= 53 && fmpz_val2(fmpq_denref(q)) + 1
        == fmpz_bits(fmpq_denref(q));
    fmpz_clear(t);
    return ok;
}

START_TEST(test_draw_uniform)
{
    /* every draw is lo + (hi - lo) k 2^-53, 0 <= k < 2^53: in [lo, hi) */
    uint64_t seed = test_seed(1502), st = seed;
    slong N = test_iters(20000), i, j, n = 3;
    cpwl_dist_t D;
    fmpq *x = _fmpq_vec_init(n);
    fmpq_t t, w;
    double sum = 0, eps;
    cpwl_dist_init(D);
    fmpq_init(t);
    fmpq_init(w);
    ck_assert_int_eq(cpwl_dist_parse(D, "uniform:n=3;lo=-1/3;hi=5/7", NULL), 1);
    fmpq_sub(w, D->hi, D->lo);
    for (i = 0; i < N; i++)
    {
        LOOP_ASSERT(cpwl_dist_draw(x, D, &st) == -1);
        for (j = 0; j < n; j++)
        {
            LOOP_ASSERT(fmpq_cmp(x + j, D->lo) >= 0 && fmpq_cmp(x + j, D->hi) < 0);
            fmpq_sub(t, x + j, D->lo);
            fmpq_div(t, t, w);
            fmpq_mul_2exp(t, t, 53);
            LOOP_ASSERT(fmpz_is_one(fmpq_denref(t)));
            sum += cpwl_num_fmpq_get_d(x + j);
        }
    }
    /* Hoeffding for the mean of N n values in [lo, hi]: within
       (hi - lo) eps of (lo + hi)/2 (failure < 1e-10) */
    eps = (5.0 / 7 + 1.0 / 3) * hoeffding_eps(N * n, 1);
    ck_assert_msg(fabs(sum / (N * n) - (5.0 / 7 - 1.0 / 3) / 2) < eps,
                  "seed %llu: mean %g", (unsigned long long) seed, sum / (N * n));
    fmpq_clear(t);
    fmpq_clear(w);
    _fmpq_vec_clear(x, n);
    cpwl_dist_clear(D);
}
END_TEST

START_TEST(test_draw_gaussian)
{
    /* every coordinate is sigma z exactly, z a double with |z| <
       sqrt(2 log 2^53) < 8.58; the fractions of |z| < 1 and |z| < 2 are
       within the Hoeffding bound of 0.682689... and 0.954499... */
    uint64_t seed = test_seed(1503), st = seed;
    slong N = test_iters(30000), i, j, n = 3, in1 = 0, in2 = 0;
    cpwl_dist_t D;
    fmpq *x = _fmpq_vec_init(n);
    fmpq_t z;
    double eps;
    cpwl_dist_init(D);
    fmpq_init(z);
    ck_assert_int_eq(cpwl_dist_parse(D, "gaussian:n=3;sigma=2/3", NULL), 1);
    for (i = 0; i < N; i++)
    {
        LOOP_ASSERT(cpwl_dist_draw(x, D, &st) == -1);
        for (j = 0; j < n; j++)
        {
            double d;
            fmpq_div(z, x + j, D->sigma);
            LOOP_ASSERT(is_double(z));
            d = fabs(cpwl_num_fmpq_get_d(z));
            LOOP_ASSERT(d < 8.58);
            in1 += d < 1;
            in2 += d < 2;
        }
    }
    /* the coordinates of one draw are independent (Box-Muller pairs are);
       the events over N n coordinates: Hoeffding with N n terms */
    eps = hoeffding_eps(N * n, 2);
    ck_assert_msg(fabs((double) in1 / (N * n) - erf(1 / sqrt(2.0))) < eps,
                  "seed %llu: |z| < 1 in %ld of %ld", (unsigned long long) seed,
                  (long) in1, (long) (N * n));
    ck_assert_msg(fabs((double) in2 / (N * n) - erf(2 / sqrt(2.0))) < eps,
                  "seed %llu: |z| < 2 in %ld of %ld", (unsigned long long) seed,
                  (long) in2, (long) (N * n));
    fmpq_clear(z);
    _fmpq_vec_clear(x, n);
    cpwl_dist_clear(D);
}
END_TEST

START_TEST(test_draw_mixture)
{
    /* means far apart: each draw is +-mu_j + sigma z for exactly one
       (j, sign), with z doubles of |z| < 8.58; the 2J components are
       drawn with frequency 1/(2J) within the Hoeffding bound */
    uint64_t seed = test_seed(1504), st = seed;
    slong N = test_iters(20000), i, j, c, n = 2, J = 3, cnt[6] = { 0 };
    cpwl_dist_t D;
    fmpq *x = _fmpq_vec_init(n);
    fmpq_t z;
    double eps = hoeffding_eps(N, 2 * J);
    cpwl_dist_init(D);
    fmpq_init(z);
    ck_assert_int_eq(cpwl_dist_parse(D, "mixture:mu=100,0;mu=0,100;mu=100,100;"
                                     "sigma=1/3", NULL), 1);
    for (i = 0; i < N; i++)
    {
        slong found = -1;
        LOOP_ASSERT(cpwl_dist_draw(x, D, &st) == -1);
        for (c = 0; c < 2 * J; c++)
        {
            int ok = 1;
            for (j = 0; j < n && ok; j++)
            {
                if (c % 2 == 0)
                    fmpq_sub(z, x + j, D->mu + (c / 2) * n + j);
                else
                    fmpq_add(z, x + j, D->mu + (c / 2) * n + j);
                fmpq_div(z, z, D->sigma);
                ok = is_double(z) && fabs(cpwl_num_fmpq_get_d(z)) < 8.58;
            }
            if (ok)
            {
                LOOP_ASSERT(found < 0);
                found = c;
            }
        }
        LOOP_ASSERT(found >= 0);
        cnt[found]++;
    }
    for (c = 0; c < 2 * J; c++)
        ck_assert_msg(fabs((double) cnt[c] / N - 1.0 / (2 * J)) < eps,
                      "seed %llu: component %ld drawn %ld times of %ld",
                      (unsigned long long) seed, (long) c, (long) cnt[c],
                      (long) N);
    fmpq_clear(z);
    _fmpq_vec_clear(x, n);
    cpwl_dist_clear(D);
}
END_TEST

static Suite *dist_suite(void)
{
    Suite *s = suite_create("dist");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pm_e);
    tcase_add_test(tc, test_moments_hand);
    tcase_add_test(tc, test_symmetry);
    tcase_add_test(tc, test_uniform_boole);
    tcase_add_test(tc, test_gaussian_five_point);
    tcase_add_test(tc, test_mixture_five_point);
    tcase_add_test(tc, test_read_conventions);
    tcase_add_test(tc, test_read_errors);
    tcase_add_test(tc, test_read_file);
    tcase_add_test(tc, test_set_data);
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_splitmix);
    tcase_add_test(tc, test_draw_index);
    tcase_add_test(tc, test_draw_uniform);
    tcase_add_test(tc, test_draw_gaussian);
    tcase_add_test(tc, test_draw_mixture);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(dist_suite());
}
