/* Module stochnet: the cpwl-gauss reader against the values and messages
   written in the test (three sigma forms, the mean inline and by file
   name), the normal generator against a second implementation written
   from the documented method and against known moments (Chebyshev), the
   Monte-Carlo risk against a second count that evaluates every point of
   every draw exactly, against known counts (tiny sigma; points exactly on
   a sampled network's boundary), the sample-convergence bound against a
   separate kl inverse, KL through files against cpwl_gauss_kl_arb and a
   closed form. */
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <flint/fmpq_vec.h>
#include "testutil.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    if (tmpdir[0] == '\0')
    {
        strcpy(tmpdir, "/tmp/cpwl_stochnet_XXXXXX");
        if (mkdtemp(tmpdir) == NULL)
        {
            perror("mkdtemp");
            exit(1);
        }
    }
}

static void write_file(const char *name, const char *text)
{
    char path[128];
    FILE *f;
    make_tmpdir();
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    ck_assert(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* f(x) = 1 - |x1| - |x2| through 4 relu units (17 parameters). */
#define DIAMOND(w, bo) \
    "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 2, " \
    "\"layers\": [{\"activation\": \"relu\", \"weights\": [[" w ", 0], " \
    "[-" w ", 0], [0, " w "], [0, -" w "]], \"bias\": [0, 0, 0, 0]}, " \
    "{\"activation\": \"identity\", \"weights\": [[-" w ", -" w ", -" w \
    ", -" w "]], \"bias\": [" bo "]}], \"output_bias\": true}"

static void read_ok(cpwl_stochnet_t S, slong *rounded, const char *text)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_stochnet_read_str(S, rounded, text, strlen(text), "t.json", e)
        != CPWL_OK)
        ck_abort_msg("%s\n%s", text, e->msg);
}

static void read_file_ok(cpwl_stochnet_t S, slong *rounded, const char *name)
{
    char path[128];
    cpwl_err_t e;
    cpwl_err_init(e);
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    if (cpwl_stochnet_read_file(S, rounded, path, e) != CPWL_OK)
        ck_abort_msg("%s: %s", path, e->msg);
}

START_TEST(test_read_forms)
{
    cpwl_stochnet_t S;
    slong r, i;
    cpwl_err_t e;
    cpwl_stochnet_init(S);
    cpwl_err_init(e);

    /* A shared sigma; a decimal mean that is not binary64 (0.1) and a
       sigma that is not either (0.1): two values rounded. */
    read_ok(S, &r, "{\"format\": \"cpwl-gauss\", \"version\": 1, \"mean\": "
            DIAMOND("1", "0.1") ", \"sigma\": 0.1}");
    ck_assert_int_eq(cpwl_stochnet_num_params(S->net), 17);
    ck_assert_int_eq(S->w->d, 17);
    ck_assert_int_eq(r, 2);
    ck_assert(S->w->sigma == NULL);
    ck_assert(S->sigma == 0.1);
    ck_assert(S->grid_j == 0);
    /* Parameter order: layer 0's weights row by row, its biases, ... */
    ck_assert(S->w->mu[0] == 1 && S->w->mu[1] == 0 && S->w->mu[2] == -1);
    ck_assert(S->w->mu[8] == 0 && S->w->mu[12] == -1);
    ck_assert(S->w->mu[16] == 0.1);
    /* The net holds the binary64 means exactly. */
    {
        fmpq_t q;
        fmpq_init(q);
        test_fmpq_of_d(q, 0.1);
        ck_assert(fmpq_equal(q, S->net->layers[1].b));
        fmpq_clear(q);
    }
    /* The shared variance is exactly 0.1^2 (as doubles). */
    {
        arb_t v;
        arb_init(v);
        arb_set_d(v, 0.1);
        arb_mul(v, v, v, 256);
        ck_assert(arb_equal(v, S->w->var));
        arb_clear(v);
    }

    /* Per parameter, as strings and numbers. */
    read_ok(S, &r, "{\"format\": \"cpwl-gauss\", \"version\": 1, \"mean\": "
            DIAMOND("1", "1") ", \"sigma\": {\"layers\": [{\"weights\": "
            "[[1, 2], [3, 4], [5, 6], [7, 8]], \"bias\": [9, 10, 11, 12]}, "
            "{\"weights\": [[13, 14, 15, \"16\"]], \"bias\": [\"1/3\"]}]}}");
    ck_assert_int_eq(r, 1);
    ck_assert(S->w->sigma != NULL);
    for (i = 0; i < 16; i++)
        ck_assert(S->w->sigma[i] == i + 1);
    ck_assert(S->w->sigma[16] == 1.0 / 3);

    /* A grid prior: var = c e^{-j/b}. */
    read_ok(S, &r, "{\"format\": \"cpwl-gauss\", \"version\": 1, \"mean\": "
            DIAMOND("1", "1") ", \"sigma\": {\"grid\": {\"c\": \"1/10\", "
            "\"b\": 100, \"j\": 552}}}");
    ck_assert_int_eq(S->grid_j, 552);
    ck_assert_int_eq(S->grid_b, 100);
    ck_assert(test_q_is(S->grid_c, 1, 10));
    {
        arb_t v, t;
        arb_init(v);
        arb_init(t);
        arb_set_si(t, -552);
        arb_div_si(t, t, 100, 300);
        arb_exp(t, t, 300);
        arb_div_si(v, t, 10, 300);
        ck_assert(arb_overlaps(v, S->w->var));
        arb_clear(v);
        arb_clear(t);
    }
    /* It cannot be drawn from. */
    {
        double w[17];
        uint64_t rng = 1;
        ck_assert_int_eq(cpwl_stochnet_draw(w, S, &rng, e), CPWL_ERR_INPUT);
    }

    /* The mean by file name, relative to the file's directory. */
    write_file("mean.json", DIAMOND("1", "1"));
    write_file("by_name.json", "{\"format\": \"cpwl-gauss\", \"version\": 1, "
               "\"mean\": \"mean.json\", \"sigma\": \"1/64\"}");
    read_file_ok(S, &r, "by_name.json");
    ck_assert_int_eq(r, 0);
    ck_assert(S->sigma == 1.0 / 64);
    ck_assert(S->w->mu[16] == 1);
    ck_assert_int_eq(S->net->nlayers, 2);
    cpwl_stochnet_clear(S);
}
END_TEST

/* The message for text must be exactly "t.json:L:C: want", L:C the place
   of the first occurrence of `at` in text (one line). */
static void read_bad(const char *text, const char *at, const char *want)
{
    cpwl_stochnet_t S;
    cpwl_err_t e;
    char full[1024];
    const char *p = strstr(text, at);
    ck_assert_msg(p != NULL, "%s lacks %s", text, at);
    snprintf(full, sizeof full, "t.json:1:%ld: %s", (long) (p - text) + 1, want);
    cpwl_stochnet_init(S);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_stochnet_read_str(S, NULL, text, strlen(text),
                                            "t.json", e), CPWL_ERR_INPUT);
    ck_assert_msg(strcmp(e->msg, full) == 0, "\n got  %s\n want %s", e->msg,
                  full);
    cpwl_stochnet_clear(S);
}

#define HEAD "{\"format\": \"cpwl-gauss\", \"version\": 1, \"mean\": "

START_TEST(test_read_errors)
{
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": 0}", "0}",
             "sigma: expected a standard deviation > 0, got 0");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": -1}", "-1}",
             "sigma: expected a standard deviation > 0, got -1");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": \"1e-400\"}", "\"1e-400",
             "sigma: 1e-400 rounds to 0 as a binary64 number; expected a "
             "standard deviation > 0");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": 1, \"seed\": 3}", "3}",
             "top level: unknown key \"seed\" (allowed: format, version, "
             "mean, sigma, meta)");
    read_bad(HEAD DIAMOND("1", "1") "}", "{",
             "top level: missing key \"sigma\" (a positive number, "
             "{\"layers\": [...]} or {\"grid\": {...}})");
    read_bad("{\"format\": \"cpwl-net\", \"version\": 1}", "\"cpwl-net",
             "format: expected \"cpwl-gauss\" (a network file is the mean of "
             "a cpwl-gauss file, docs/formats.md)");
    /* Shapes of per-parameter sigmas. */
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": {\"layers\": [{\"weights\": "
             "[[1, 2], [3, 4], [5, 6], [7, 8]], \"bias\": [1, 1, 1, 1]}]}}",
             "[{\"weights\": [[1, 2]",
             "sigma.layers: expected 2 layers (as the mean), got 1");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": {\"layers\": [{\"weights\": "
             "[[1, 2], [3, 4], [5, 6], [7]], \"bias\": [1, 1, 1, 1]}, "
             "{\"weights\": [[1, 1, 1, 1]], \"bias\": [1]}]}}", "[7]",
             "sigma.layers[0].weights[3]: expected an array of 2 numbers (as "
             "the mean's row), got an array of 1");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": {\"layers\": [{\"weights\": "
             "[[1, 2], [3, 4], [5, 6], [7, 8]], \"bias\": [1, 1, 1, 1]}, "
             "{\"weights\": [[1, 1, \"x\", 1]], \"bias\": [1]}]}}", "\"x\"",
             "sigma.layers[1].weights[0][2]: malformed number \"x\" (expected an "
             "integer, a decimal such as -0.25 or 1e-3, a fraction p/q, or a "
             "hex float such as 0x1.8p-3)");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": {\"layers\": [{\"weights\": "
             "[[1, 2], [3, 4], [5, 6], [7, 8]], \"bias\": [1, 1, 1, 1], "
             "\"slope\": 1}, {\"weights\": [[1, 1, 1, 1]], \"bias\": [1]}]}}",
             "1}, {", "sigma.layers[0]: unknown key \"slope\" (allowed: "
             "weights, bias)");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": {\"grid\": {\"c\": 1, "
             "\"b\": 10, \"j\": 0}}}", "0}}}",
             "sigma.grid.j: expected an integer from 1 to 1099511627776, got 0");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": {\"grid\": {\"c\": -1, "
             "\"b\": 10, \"j\": 1}}}", "-1, \"b",
             "sigma.grid.c: expected c > 0, got -1");
    read_bad(HEAD DIAMOND("1", "1") ", \"sigma\": [2]}", "[2]}",
             "sigma: expected a positive number, {\"layers\": [...]} (one "
             "sigma per parameter) or {\"grid\": {\"c\": C, \"b\": B, "
             "\"j\": J}}");
    /* The mean's messages keep the file's place and the JSON path. */
    read_bad(HEAD "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 1, "
             "\"layers\": [{\"activation\": \"abs\", \"weights\": [[1]], "
             "\"bias\": [0]}]}, \"sigma\": 1}", "\"abs",
             "mean.layers[0].activation: a stochastic network's activations "
             "must be relu, identity or leaky_relu, got abs");
    read_bad(HEAD "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 2, "
             "\"layers\": [{\"activation\": \"relu\", \"weights\": [[1]], "
             "\"bias\": [0]}]}, \"sigma\": 1}", "[1]]",
             "mean.layers[0].weights[0]: expected 2 entries (input_dim), "
             "got 1");
    read_bad(HEAD "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 1, "
             "\"layers\": [{\"activation\": \"relu\", \"weights\": [[\"1e400\"]], "
             "\"bias\": [0]}]}, \"sigma\": 1}", "\"1e400",
             "mean.layers[0].weights[0][0]: number overflows binary64 (its "
             "magnitude rounds beyond the largest finite binary64 value)");
    read_bad(HEAD "3, \"sigma\": 1}", "3,",
             "mean: expected a cpwl-net network object or the name of a "
             "network file, got a number");
}
END_TEST

/* The mean's file: its own messages, and a missing one. */
START_TEST(test_read_mean_file_errors)
{
    cpwl_stochnet_t S;
    cpwl_err_t e;
    char path[128], want[256];
    cpwl_stochnet_init(S);
    cpwl_err_init(e);
    write_file("bad_mean.json", "{\"format\": \"cpwl-net\", \"version\": 1,\n"
               "\"input_dim\": 1, \"layers\": [{\"activation\": \"maxout\", "
               "\"pieces\": 2, \"weights\": [[1], [2]], \"bias\": [0, 0]}]}");
    write_file("g1.json", "{\"format\": \"cpwl-gauss\", \"version\": 1, "
               "\"mean\": \"bad_mean.json\", \"sigma\": 1}");
    snprintf(path, sizeof path, "%s/g1.json", tmpdir);
    ck_assert_int_eq(cpwl_stochnet_read_file(S, NULL, path, e), CPWL_ERR_INPUT);
    snprintf(want, sizeof want, "%s/bad_mean.json:2:43: layers[0].activation: "
             "a stochastic network's activations must be relu, identity or "
             "leaky_relu, got maxout", tmpdir);
    ck_assert_msg(strcmp(e->msg, want) == 0, "%s", e->msg);

    write_file("g2.json", "{\"format\": \"cpwl-gauss\", \"version\": 1, "
               "\"mean\": \"nothere.json\", \"sigma\": 1}");
    snprintf(path, sizeof path, "%s/g2.json", tmpdir);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_stochnet_read_file(S, NULL, path, e), CPWL_ERR_INPUT);
    snprintf(want, sizeof want, "%s/g2.json:1:48: mean: %s/nothere.json: "
             "cannot open (No such file or directory)", tmpdir, tmpdir);
    ck_assert_msg(strcmp(e->msg, want) == 0, "%s", e->msg);
    cpwl_stochnet_clear(S);
}
END_TEST

/* ---- the generator ------------------------------------------------------ */

/* The polar method again, from its description in docs/pacbayes.md. */
static void ref_normals(double *xi, slong n, uint64_t seed)
{
    test_rng r;
    slong i = 0;
    r.s = seed;
    while (i < n)
    {
        double u = (double) (test_next(&r) >> 11) / 4503599627370496.0 - 1;
        double v = (double) (test_next(&r) >> 11) / 4503599627370496.0 - 1;
        double s = u * u + v * v;
        if (s >= 1 || s == 0)
            continue;
        xi[i++] = u * sqrt(-2 * log(s) / s);
        if (i < n)
            xi[i++] = v * sqrt(-2 * log(s) / s);
    }
}

START_TEST(test_normals)
{
    uint64_t seed = test_seed(20261207), rng;
    slong n = 1000000, i, inside = 0;
    double *xi = flint_malloc(sizeof(double) * n);
    double *ref = flint_malloc(sizeof(double) * 1004);
    double m1 = 0, m2 = 0, m4 = 0, t;

    /* The sequence is fixed: the second implementation agrees (within a
       few ulps: the two sqrt(-2 ln s / s) may round differently only if
       the compiler evaluates them differently; here they are equal). */
    rng = seed;
    cpwl_stochnet_normals(xi, 1001, &rng);
    ref_normals(ref, 1001, seed);
    for (i = 0; i < 1001; i++)
        ck_assert_msg(xi[i] == ref[i], "normal %ld: %.17g vs %.17g", (long) i,
                      xi[i], ref[i]);
    /* An odd count drops the pair's second: the next call starts fresh. */
    cpwl_stochnet_normals(xi, 1, &rng);
    ref_normals(ref, 1001 + 3, seed);
    ck_assert(xi[0] == ref[1002]);

    /* Moments: with p = 10^-3 per check, Chebyshev's P(|X - E X| >= t) <=
       Var X / t^2 gives t = sqrt(Var / (n p)) for the sample means of x
       (Var 1), x^2 (Var 2), x^4 (Var 105 - 9 = 96) and of [|x| < 1]
       (Var <= 1/4, mean erf(1/sqrt 2)).  A uniform with variance 1 has
       E x^4 = 9/5: the fourth moment check would fail it. */
    rng = seed;
    cpwl_stochnet_normals(xi, n, &rng);
    for (i = 0; i < n; i++)
    {
        double x2 = xi[i] * xi[i];
        m1 += xi[i];
        m2 += x2;
        m4 += x2 * x2;
        inside += fabs(xi[i]) < 1;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    t = sqrt(1.0 / (n * 1e-3));
    ck_assert_msg(fabs(m1) < t, "mean %g", m1);
    ck_assert_msg(fabs(m2 - 1) < sqrt(2.0 / (n * 1e-3)), "E x^2 %g", m2);
    ck_assert_msg(fabs(m4 - 3) < sqrt(96.0 / (n * 1e-3)), "E x^4 %g", m4);
    ck_assert_msg(fabs((double) inside / n - erf(1 / sqrt(2.0)))
                  < sqrt(0.25 / (n * 1e-3)), "P(|x| < 1) %g",
                  (double) inside / n);
    flint_free(ref);
    flint_free(xi);
}
END_TEST

START_TEST(test_draw)
{
    cpwl_stochnet_t S;
    cpwl_err_t e;
    double w[17], w2[17], xi[17];
    uint64_t rng = 5, rng2 = 5, rng3 = 5;
    slong i;
    cpwl_stochnet_init(S);
    cpwl_err_init(e);
    read_ok(S, NULL, HEAD DIAMOND("1", "1") ", \"sigma\": {\"layers\": "
            "[{\"weights\": [[1, 2], [3, 4], [5, 6], [7, 8]], \"bias\": "
            "[9, 10, 11, 12]}, {\"weights\": [[13, 14, 15, 16]], \"bias\": "
            "[\"0x1p-20\"]}]}}");
    ck_assert_int_eq(cpwl_stochnet_draw(w, S, &rng, e), CPWL_OK);
    ck_assert_int_eq(cpwl_stochnet_draw(w2, S, &rng2, e), CPWL_OK);
    cpwl_stochnet_normals(xi, 17, &rng3);
    ck_assert(rng == rng2 && rng == rng3);
    for (i = 0; i < 17; i++)
    {
        ck_assert(w[i] == w2[i]);
        ck_assert(w[i] == S->w->mu[i] + S->w->sigma[i] * xi[i]);
    }
    /* The next draw differs. */
    ck_assert_int_eq(cpwl_stochnet_draw(w2, S, &rng2, e), CPWL_OK);
    ck_assert(w[0] != w2[0]);
    cpwl_stochnet_clear(S);
}
END_TEST

/* ---- the risk ----------------------------------------------------------- */

/* The mistakes of `samples` draws counted without any double filter:
   every point of every sampled network evaluated exactly. */
static void ref_mistakes(fmpz_t res, const cpwl_stochnet_t Q,
                         const cpwl_erm_data_t data, slong samples,
                         uint64_t seed)
{
    slong d = cpwl_stochnet_num_params(Q->net), k = cpwl_net_output_dim(Q->net);
    slong s, i, j, n = data->n;
    double *w = flint_malloc(sizeof(double) * d);
    fmpq *y = _fmpq_vec_init(k);
    cpwl_net_t net;
    cpwl_err_t e;
    uint64_t rng = seed;
    cpwl_err_init(e);
    cpwl_net_init(net, n);
    fmpz_zero(res);
    for (s = 0; s < samples; s++)
    {
        ck_assert_int_eq(cpwl_stochnet_draw(w, Q, &rng, e), CPWL_OK);
        cpwl_stochnet_sample_net(net, Q, w);
        for (i = 0; i < data->D; i++)
        {
            slong pred = 0;
            cpwl_net_eval_fmpq(y, net, data->X + i * n);
            if (k == 1)
                pred = fmpq_sgn(y) > 0;
            else
                for (j = 1; j < k; j++)
                    if (fmpq_cmp(y + j, y + pred) > 0)
                        pred = j;
            if (!fmpz_equal_si(fmpq_numref(data->y + i), pred))
                fmpz_add_ui(res, res, 1);
        }
    }
    cpwl_net_clear(net);
    _fmpq_vec_clear(y, k);
    flint_free(w);
}

/* Random data: D points with coordinates k/8 in [-2, 2], labels in
   0 .. K-1. */
static void random_data(cpwl_erm_data_t data, test_rng *r, slong D, slong n,
                        slong K)
{
    slong i;
    cpwl_erm_data_clear(data);
    cpwl_erm_data_init(data);
    data->D = D;
    data->n = n;
    data->X = _fmpq_vec_init(D * n);
    data->y = _fmpq_vec_init(D);
    for (i = 0; i < D * n; i++)
        fmpq_set_si(data->X + i, test_range(r, -16, 16), 8);
    for (i = 0; i < D; i++)
        fmpq_set_si(data->y + i, test_range(r, 0, K - 1), 1);
}

static void risk_ok(cpwl_stochnet_risk_t R, const cpwl_stochnet_t Q,
                    const cpwl_erm_data_t data, slong N, uint64_t seed)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_stochnet_risk(R, Q, data, N, seed, NULL, NULL, NULL, e) != CPWL_OK)
        ck_abort_msg("%s", e->msg);
}

/* A random network of the given widths as a cpwl-gauss text with a
   per-parameter sigma drawn in [1/16, 1/2]. */
static char *random_gauss(test_rng *r, slong n, slong h, slong k)
{
    cpwl_net_t net;
    char *mean, *s;
    slong l, i, j, len;
    size_t at;
    cpwl_net_init(net, n);
    {
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_RELU, h);
        for (i = 0; i < h; i++)
        {
            for (j = 0; j < n; j++)
                fmpq_set_si(fmpq_mat_entry(L->W, i, j), test_range(r, -8, 8), 4);
            fmpq_set_si(L->b + i, test_range(r, -4, 4), 4);
        }
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, k);
        for (i = 0; i < k; i++)
        {
            for (j = 0; j < h; j++)
                fmpq_set_si(fmpq_mat_entry(L->W, i, j), test_range(r, -8, 8), 4);
            fmpq_set_si(L->b + i, test_range(r, -4, 4), 4);
        }
    }
    net->output_bias = 1;
    cpwl_net_prepare(net);
    mean = cpwl_io_net_write_str(net);
    len = (slong) strlen(mean) + 64 * (h * (n + 1) + k * (h + 1)) + 256;
    s = flint_malloc(len);
    at = (size_t) snprintf(s, len, HEAD "%s, \"sigma\": {\"layers\": [", mean);
    for (l = 0; l < 2; l++)
    {
        slong out = l == 0 ? h : k, in = l == 0 ? n : h;
        at += snprintf(s + at, len - at, "%s{\"weights\": [", l ? ", " : "");
        for (i = 0; i < out; i++)
        {
            at += snprintf(s + at, len - at, "%s[", i ? ", " : "");
            for (j = 0; j < in; j++)
                at += snprintf(s + at, len - at, "%s\"%ld/16\"", j ? ", " : "",
                               (long) test_range(r, 1, 8));
            at += snprintf(s + at, len - at, "]");
        }
        at += snprintf(s + at, len - at, "], \"bias\": [");
        for (i = 0; i < out; i++)
            at += snprintf(s + at, len - at, "%s\"%ld/16\"", i ? ", " : "",
                           (long) test_range(r, 1, 8));
        at += snprintf(s + at, len - at, "]}");
    }
    snprintf(s + at, len - at, "]}}");
    flint_free(mean);
    cpwl_net_clear(net);
    return s;
}

START_TEST(test_risk_vs_exact)
{
    test_rng r;
    slong it, iters = test_iters(12);
    cpwl_erm_data_t data;
    r.s = test_seed(17017);
    cpwl_erm_data_init(data);
    for (it = 0; it < iters; it++)
    {
        slong n = test_range(&r, 1, 3), h = test_range(&r, 2, 6);
        slong k = test_range(&r, 1, 3), N = test_range(&r, 1, 6);
        uint64_t seed = test_next(&r);
        char *text = random_gauss(&r, n, h, k);
        cpwl_stochnet_t Q;
        cpwl_stochnet_risk_t R;
        fmpz_t want;
        fmpq_t emp;
        cpwl_stochnet_init(Q);
        cpwl_stochnet_risk_init(R);
        fmpz_init(want);
        fmpq_init(emp);
        read_ok(Q, NULL, text);
        random_data(data, &r, test_range(&r, 1, 40), n, FLINT_MAX(2, k));
        risk_ok(R, Q, data, N, seed);
        ref_mistakes(want, Q, data, N, seed);
        ck_assert_msg(fmpz_equal(want, R->mistakes), "iteration %ld", (long) it);
        ck_assert_int_eq(R->samples, N);
        ck_assert_int_eq(R->points, data->D);
        ck_assert_int_eq(R->decided_double + R->decided_exact, N * data->D);
        ck_assert(!R->stopped);
        {
            fmpz_t den;
            fmpz_init_set_si(den, N * data->D);
            fmpq_set_fmpz_frac(emp, want, den);
            fmpz_clear(den);
        }
        ck_assert(fmpq_equal(emp, R->emp));
        fmpq_clear(emp);
        fmpz_clear(want);
        cpwl_stochnet_risk_clear(R);
        cpwl_stochnet_clear(Q);
        flint_free(text);
    }
    cpwl_erm_data_clear(data);
}
END_TEST

/* The diamond with sigma 2^-40 decides as its mean: labels from
   1 - |x1| - |x2| > 0 on points at distance >= 1/8 from the boundary,
   `flip` of them wrong: N flip mistakes. */
START_TEST(test_risk_tiny_sigma)
{
    cpwl_stochnet_t Q;
    cpwl_stochnet_risk_t R;
    cpwl_erm_data_t data;
    test_rng r;
    slong i, D = 60, flip = 0, N = 7;
    r.s = test_seed(4242);
    cpwl_stochnet_init(Q);
    cpwl_stochnet_risk_init(R);
    cpwl_erm_data_init(data);
    read_ok(Q, NULL, HEAD DIAMOND("1", "1") ", \"sigma\": \"0x1p-40\"}");
    data->D = D;
    data->n = 2;
    data->X = _fmpq_vec_init(2 * D);
    data->y = _fmpq_vec_init(D);
    for (i = 0; i < D; i++)
    {
        slong a, b, inside;
        do
        {
            a = test_range(&r, -16, 16);
            b = test_range(&r, -16, 16);
        }
        while (labs(labs(a) + labs(b) - 8) < 1);
        fmpq_set_si(data->X + 2 * i, a, 8);
        fmpq_set_si(data->X + 2 * i + 1, b, 8);
        inside = labs(a) + labs(b) < 8;
        if (i % 5 == 0)
        {
            inside = !inside;
            flip++;
        }
        fmpq_set_si(data->y + i, inside, 1);
    }
    risk_ok(R, Q, data, N, 99);
    ck_assert(fmpz_equal_si(R->mistakes, N * flip));
    ck_assert(test_q_is(R->emp, flip, D));
    /* Far from the boundary, the double path decides everything. */
    ck_assert_int_eq(R->decided_double, N * D);
    cpwl_erm_data_clear(data);
    cpwl_stochnet_risk_clear(R);
    cpwl_stochnet_clear(Q);
}
END_TEST

/* Points exactly on a sampled network's boundary: f(x) = w.x + b at
   x = 0 is b, whose sigma 2^-1074 makes b = 0 (|xi| < 1/2) or +-2^-1074
   exactly; z = 0 is class 0.  With two outputs b_0, b_1: ties go to
   class 0.  The expected predictions come from the draws themselves. */
START_TEST(test_risk_boundary)
{
    int k;
    for (k = 1; k <= 2; k++)
    {
        cpwl_stochnet_t Q;
        cpwl_stochnet_risk_t R;
        cpwl_erm_data_t data;
        cpwl_err_t e;
        slong s, N = 64, zeros = 0, want = 0, d;
        uint64_t rng = 3;
        double w[6];
        const char *text = k == 1
            ? HEAD "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 2,"
              " \"output_bias\": true, \"layers\": [{\"activation\": "
              "\"identity\", \"weights\": [[1, 1]], \"bias\": [0]}]}, "
              "\"sigma\": {\"layers\": [{\"weights\": [[1, 1]], \"bias\": "
              "[\"0x1p-1074\"]}]}}"
            : HEAD "{\"format\": \"cpwl-net\", \"version\": 1, \"input_dim\": 2,"
              " \"output_bias\": true, \"layers\": [{\"activation\": "
              "\"identity\", \"weights\": [[1, 1], [2, 2]], \"bias\": [0, 0]}]}, "
              "\"sigma\": {\"layers\": [{\"weights\": [[1, 1], [1, 1]], "
              "\"bias\": [\"0x1p-1074\", \"0x1p-1074\"]}]}}";
        cpwl_stochnet_init(Q);
        cpwl_stochnet_risk_init(R);
        cpwl_erm_data_init(data);
        cpwl_err_init(e);
        read_ok(Q, NULL, text);
        d = cpwl_stochnet_num_params(Q->net);
        data->D = 1;
        data->n = 2;
        data->X = _fmpq_vec_init(2);
        data->y = _fmpq_vec_init(1);
        for (s = 0; s < N; s++)
        {
            slong pred;
            cpwl_stochnet_draw(w, Q, &rng, e);
            if (k == 1)
            {
                pred = w[d - 1] > 0;
                zeros += w[d - 1] == 0;
            }
            else
            {
                pred = w[d - 1] > w[d - 2];
                zeros += w[d - 1] == w[d - 2];
            }
            want += pred != 0;
        }
        ck_assert(zeros > 0);
        risk_ok(R, Q, data, N, 3);
        ck_assert(fmpz_equal_si(R->mistakes, want));
        ck_assert(R->decided_exact >= zeros);
        cpwl_erm_data_clear(data);
        cpwl_stochnet_risk_clear(R);
        cpwl_stochnet_clear(Q);
    }
}
END_TEST

static volatile sig_atomic_t stop_flag;

static void stop_after_3(void *data, slong done, slong total)
{
    (void) data;
    (void) total;
    if (done == 3)
        stop_flag = 1;
}

START_TEST(test_risk_stop_and_errors)
{
    cpwl_stochnet_t Q;
    cpwl_stochnet_risk_t R;
    cpwl_erm_data_t data;
    cpwl_err_t e;
    fmpz_t want;
    test_rng r;
    char *text;
    r.s = 77;
    cpwl_stochnet_init(Q);
    cpwl_stochnet_risk_init(R);
    cpwl_erm_data_init(data);
    fmpz_init(want);
    cpwl_err_init(e);
    text = random_gauss(&r, 2, 3, 1);
    read_ok(Q, NULL, text);
    random_data(data, &r, 20, 2, 2);

    stop_flag = 0;
    ck_assert_int_eq(cpwl_stochnet_risk(R, Q, data, 10, 8, &stop_flag,
                                        stop_after_3, NULL, e), CPWL_OK);
    ck_assert(R->stopped);
    ck_assert_int_eq(R->samples, 3);
    ref_mistakes(want, Q, data, 3, 8);
    ck_assert(fmpz_equal(want, R->mistakes));
    /* Set before: nothing drawn. */
    ck_assert_int_eq(cpwl_stochnet_risk(R, Q, data, 10, 8, &stop_flag,
                                        NULL, NULL, e), CPWL_OK);
    ck_assert(R->stopped && R->samples == 0 && fmpq_is_zero(R->emp));

    /* A label that is no class of one output. */
    fmpq_set_si(data->y + 4, 2, 1);
    ck_assert_int_eq(cpwl_stochnet_risk(R, Q, data, 1, 8, NULL, NULL, NULL, e),
                     CPWL_ERR_INPUT);
    ck_assert_str_eq(e->msg, "data point 5 (data row 5): the label (the last "
                     "column) must be an integer from 0 to 1 (a class), got 2");
    fmpq_set_si(data->y + 4, 1, 2);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_stochnet_risk(R, Q, data, 1, 8, NULL, NULL, NULL, e),
                     CPWL_ERR_INPUT);
    ck_assert(strstr(e->msg, "got 1/2") != NULL);
    random_data(data, &r, 5, 3, 2);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_stochnet_risk(R, Q, data, 1, 8, NULL, NULL, NULL, e),
                     CPWL_ERR_INPUT);
    ck_assert_str_eq(e->msg, "the data has 3 inputs per point (and a label), "
                     "the network 2 (input_dim)");
    fmpz_clear(want);
    flint_free(text);
    cpwl_erm_data_clear(data);
    cpwl_stochnet_risk_clear(R);
    cpwl_stochnet_clear(Q);
}
END_TEST

/* ---- the bounds and KL --------------------------------------------------- */

START_TEST(test_risk_upper)
{
    static const slong cases[][4] = {
        /* mistakes, decisions, N, 1/delta' */
        {0, 200, 1000, 100}, {3, 400, 2, 20}, {17, 2000, 10, 100},
        {1, 1, 1, 2}, {5, 10, 1000, 1000}
    };
    slong t;
    for (t = 0; t < (slong) (sizeof cases / sizeof cases[0]); t++)
    {
        fmpq_t emp, dp;
        arb_t up, q, c, ref;
        cpwl_err_t e;
        fmpq_init(emp);
        fmpq_init(dp);
        arb_init(up);
        arb_init(q);
        arb_init(c);
        arb_init(ref);
        cpwl_err_init(e);
        fmpq_set_si(emp, cases[t][0], cases[t][1]);
        fmpq_set_si(dp, 1, cases[t][3]);
        ck_assert_int_eq(cpwl_stochnet_risk_upper(up, emp, cases[t][2], dp, 128,
                                                  e), CPWL_OK);
        /* c = (ln 2 + ln(1/delta'))/N, another way; the bisection. */
        arb_const_log2(c, 200);
        arb_set_si(q, cases[t][3]);
        arb_log(q, q, 200);
        arb_add(c, c, q, 200);
        arb_div_si(c, c, cases[t][2], 200);
        arb_set_fmpq(q, emp, 200);
        ck_assert_int_eq(cpwl_pacbayes_kl_inv_bisect(ref, q, c, 0, 200, e),
                         CPWL_OK);
        ck_assert_msg(arb_overlaps(up, ref), "case %ld", (long) t);
        /* Above e_N. */
        arb_set_fmpq(q, emp, 200);
        ck_assert(arf_cmp(arb_midref(q), arb_midref(up)) <= 0);
        {
            arf_t hi;
            arf_init(hi);
            arb_get_ubound_arf(hi, up, 128);
            if (cases[t][0] < cases[t][1])
                ck_assert(arf_cmp(arb_midref(q), hi) < 0);
            arf_clear(hi);
        }
        arb_clear(ref);
        arb_clear(c);
        arb_clear(q);
        arb_clear(up);
        fmpq_clear(dp);
        fmpq_clear(emp);
    }
    {
        /* kl^-1(0, ln(2/delta')/N) = 1 - (delta'/2)^(1/N): N = 1,
           delta' = 1/2: 3/4. */
        fmpq_t emp, dp;
        arb_t up;
        cpwl_err_t e;
        fmpq_init(emp);
        fmpq_init(dp);
        arb_init(up);
        cpwl_err_init(e);
        fmpq_set_si(dp, 1, 2);
        ck_assert_int_eq(cpwl_stochnet_risk_upper(up, emp, 1, dp, 128, e),
                         CPWL_OK);
        {
            arb_t t;
            arb_init(t);
            arb_set_d(t, 0.75);
            ck_assert(arb_contains(up, t));
            arb_clear(t);
        }
        ck_assert_int_eq(cpwl_stochnet_risk_upper(up, emp, 0, dp, 128, e),
                         CPWL_ERR_INPUT);
        fmpq_one(dp);
        ck_assert_int_eq(cpwl_stochnet_risk_upper(up, emp, 1, dp, 128, e),
                         CPWL_ERR_INPUT);
        arb_clear(up);
        fmpq_clear(dp);
        fmpq_clear(emp);
    }
}
END_TEST

START_TEST(test_kl_files)
{
    cpwl_stochnet_t Q, P;
    arb_t kl, ref, want;
    cpwl_err_t e;
    cpwl_stochnet_init(Q);
    cpwl_stochnet_init(P);
    arb_init(kl);
    arb_init(ref);
    arb_init(want);
    cpwl_err_init(e);
    /* The examples' pair: KL = 21 ln 2 - 9/4 (docs/pacbayes.md). */
    write_file("post.json", HEAD DIAMOND("1", "1") ", \"sigma\": {\"layers\": "
               "[{\"weights\": [[\"1/64\", \"1/64\"], [\"1/64\", \"1/64\"], "
               "[\"1/64\", \"1/64\"], [\"1/64\", \"1/64\"]], \"bias\": "
               "[\"1/128\", \"1/128\", \"1/128\", \"1/128\"]}, {\"weights\": "
               "[[\"1/64\", \"1/64\", \"1/64\", \"1/64\"]], \"bias\": "
               "[\"1/64\"]}]}}");
    write_file("prior.json", HEAD DIAMOND("0.96875", "0.96875")
               ", \"sigma\": \"1/32\"}");
    read_file_ok(Q, NULL, "post.json");
    read_file_ok(P, NULL, "prior.json");
    ck_assert_int_eq(cpwl_stochnet_compatible(P, Q, e), CPWL_OK);
    ck_assert_int_eq(cpwl_gauss_kl(kl, Q->w, P->w, 128, e), CPWL_OK);
    ck_assert_int_eq(cpwl_gauss_kl_arb(ref, Q->w, P->w, 256, e), CPWL_OK);
    ck_assert(arb_overlaps(kl, ref));
    arb_const_log2(want, 256);
    arb_mul_si(want, want, 21, 256);
    arb_sub_ui(want, want, 0, 256);
    {
        arb_t t;
        arb_init(t);
        arb_set_d(t, 2.25);
        arb_sub(want, want, t, 256);
        arb_clear(t);
    }
    ck_assert(arb_contains(kl, want) || arb_overlaps(kl, want));
    ck_assert(arb_overlaps(ref, want));

    /* Another shape: the message says where. */
    read_ok(P, NULL, HEAD "{\"format\": \"cpwl-net\", \"version\": 1, "
            "\"input_dim\": 2, \"layers\": [{\"activation\": \"relu\", "
            "\"weights\": [[1, 1], [1, 1], [1, 1]], \"bias\": [0, 0, 0]}, "
            "{\"activation\": \"identity\", \"weights\": [[1, 1, 1]], "
            "\"bias\": [0]}]}, \"sigma\": 1}");
    ck_assert_int_eq(cpwl_stochnet_compatible(P, Q, e), CPWL_ERR_INPUT);
    ck_assert_str_eq(e->msg, "the prior and the posterior differ: layers[0] "
                     "has 3 neurons in the prior, 4 in the posterior");
    arb_clear(want);
    arb_clear(ref);
    arb_clear(kl);
    cpwl_stochnet_clear(P);
    cpwl_stochnet_clear(Q);
}
END_TEST

static void remove_tmpdir(void)
{
    static const char *names[] = {
        "mean.json", "by_name.json", "bad_mean.json", "g1.json", "g2.json",
        "post.json", "prior.json", NULL
    };
    const char **n;
    char path[128];
    if (tmpdir[0] == '\0')
        return;
    for (n = names; *n != NULL; n++)
    {
        snprintf(path, sizeof path, "%s/%s", tmpdir, *n);
        unlink(path);
    }
    rmdir(tmpdir);
}

static Suite *stochnet_suite(void)
{
    Suite *s = suite_create("stochnet");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_read_forms);
    tcase_add_test(tc, test_read_errors);
    tcase_add_test(tc, test_read_mean_file_errors);
    tcase_add_test(tc, test_normals);
    tcase_add_test(tc, test_draw);
    tcase_add_test(tc, test_risk_vs_exact);
    tcase_add_test(tc, test_risk_tiny_sigma);
    tcase_add_test(tc, test_risk_boundary);
    tcase_add_test(tc, test_risk_stop_and_errors);
    tcase_add_test(tc, test_risk_upper);
    tcase_add_test(tc, test_kl_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int r;
    /* The suite's processes (Check forks) share one directory. */
    make_tmpdir();
    r = test_run(stochnet_suite());
    remove_tmpdir();
    return r;
}
