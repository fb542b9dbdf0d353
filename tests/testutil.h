/* Shared helpers of the test suites: a seeded generator whose seed is
   printed on failure, random rationals and random networks, nets and
   domains built from text, and random domains as text. */
#ifndef CPWL_TESTUTIL_H
#define CPWL_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "cpwl.h"
#include "forms.h"
#include "lp.h"
#include "outfile.h"

/* splitmix64: small, fast, and the same on every platform. */
typedef struct
{
    uint64_t s;
}
test_rng;

static inline uint64_t test_next(test_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline slong test_range(test_rng *r, slong lo, slong hi)
{
    return lo + (slong) (test_next(r) % (uint64_t) (hi - lo + 1));
}

/* Uniform double in [lo, hi): 53 random bits, scaled. */
static inline double test_unif(test_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double) (test_next(r) >> 11) * 0x1.0p-53);
}

/* Test controls in the FLINT manner.  CPWL_TEST_SEED, when set, replaces
   every randomised test's built-in seed: test_seed(dflt) mixes it with the
   test's default, so that the tests of one program still draw different
   streams.  Every seed used is printed on stderr with the function that
   drew it (the test's log, shown on failure), with the CPWL_TEST_SEED that
   produced it.  CPWL_TEST_MULTIPLIER (default 1) scales iteration counts
   (test_iters). */
#define test_seed(dflt) test_seed_at((uint64_t) (dflt), __func__)

static inline uint64_t test_seed_at(uint64_t dflt, const char *where)
{
    const char *s = getenv("CPWL_TEST_SEED");
    uint64_t v, seed = dflt;
    test_rng mix;
    if (s != NULL && *s != '\0')
    {
        v = strtoull(s, NULL, 0);
        mix.s = v ^ dflt;
        seed = test_next(&mix);
        fprintf(stderr, "%s: seed %llu (CPWL_TEST_SEED=%llu)\n", where,
                (unsigned long long) seed, (unsigned long long) v);
    }
    else
        fprintf(stderr, "%s: seed %llu\n", where, (unsigned long long) seed);
    return seed;
}

/* One seed per process, drawn (and printed) once: for the files whose
   tests share one SEED. */
static inline uint64_t test_seed_once(uint64_t dflt)
{
    static int have = 0;
    static uint64_t s;
    if (!have)
    {
        s = test_seed_at(dflt, "this program");
        have = 1;
    }
    return s;
}

static inline double test_multiplier(void)
{
    const char *s = getenv("CPWL_TEST_MULTIPLIER");
    double m = s != NULL && *s != '\0' ? strtod(s, NULL) : 1.0;
    return m > 0 ? m : 1.0;
}

/* n iterations at multiplier 1, at least 1 otherwise. */
static inline slong test_iters(slong n)
{
    double v = (double) n * test_multiplier();
    return v < 1 ? 1 : (slong) v;
}

/* The exact value of a finite double (through an Arb arf, no rounding). */
static inline void test_fmpq_of_d(fmpq_t q, double x)
{
    arf_t t;
    arf_init(t);
    arf_set_d(t, x);
    arf_get_fmpq(q, t);
    arf_clear(t);
}

/* The constants of the standard model of binary64 arithmetic as exact
   rationals (Higham, Accuracy and Stability of Numerical Algorithms,
   2nd ed., section 2.2 and Lemma 3.1): the unit roundoff u = 2^-53, the
   smallest subnormal eta = 2^-1074, and gamma_k = k u / (1 - k u) =
   k / (2^53 - k), for the reference bounds that the double filters'
   bounds must dominate. */
static inline void test_u_eta(fmpq_t u, fmpq_t eta)
{
    fmpq_one(u);
    fmpq_div_2exp(u, u, 53);
    fmpq_one(eta);
    fmpq_div_2exp(eta, eta, 1074);
}

static inline void test_gamma(fmpq_t g, slong k)
{
    fmpz_one(fmpq_denref(g));
    fmpz_mul_2exp(fmpq_denref(g), fmpq_denref(g), 53);
    fmpz_sub_ui(fmpq_denref(g), fmpq_denref(g), (ulong) k);
    fmpz_set_ui(fmpq_numref(g), (ulong) k);
    fmpq_canonicalise(g);
}

/* test_fmpq's `bits` for small fractions p/q, |p| <= 20, 1 <= q <= 8. */
#define TEST_FRACTIONS (-1)

/* Random rational with numerator and denominator of up to `bits` bits
   (bits <= 64), a small integer in [-3, 3] when bits == 0, or a small
   fraction when bits == TEST_FRACTIONS. */
static inline void test_fmpq(fmpq_t q, test_rng *r, int bits)
{
    if (bits == 0)
    {
        fmpq_set_si(q, test_range(r, -3, 3), 1);
        return;
    }
    if (bits == TEST_FRACTIONS)
    {
        fmpq_set_si(q, test_range(r, -20, 20), (ulong) test_range(r, 1, 8));
        return;
    }
    {
        uint64_t mask = bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1;
        uint64_t p = test_next(r) & mask, d = (test_next(r) & mask) | 1;
        fmpz_set_ui(fmpq_numref(q), p);
        fmpz_set_ui(fmpq_denref(q), d);
        if (test_next(r) & 1)
            fmpz_neg(fmpq_numref(q), fmpq_numref(q));
        fmpq_canonicalise(q);
    }
}

/* Random network: input dim n, `depth` affine maps, hidden widths in
   [minw, maxw], output width 1; hidden activations relu or (one time in
   four) leaky_relu; weights and biases test_fmpq(., r, bits). */
static inline void test_random_net_widths(cpwl_net_t net, test_rng *r, slong n,
                                          slong depth, slong minw,
                                          slong maxw, int bits)
{
    slong l, i, j;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    for (l = 0; l < depth; l++)
    {
        int last = l + 1 == depth;
        cpwl_net_act_t act = last ? CPWL_NET_IDENTITY
                        : (test_range(r, 0, 3) == 0 ? CPWL_NET_LEAKY_RELU : CPWL_NET_RELU);
        slong width = last ? 1 : test_range(r, minw, maxw);
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, act, width);
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), r, bits);
            test_fmpq(L->b + i, r, bits);
        }
        if (act == CPWL_NET_LEAKY_RELU)
            fmpq_set_si(L->slope, test_range(r, -3, 3),
                        (ulong) test_range(r, 1, 5));
    }
    cpwl_net_prepare(net);
}

/* Random network with hidden widths in [1, maxw] and weights of up to
   `bits` bits (0: integers in [-3, 3]). */
static inline void test_random_net(cpwl_net_t net, test_rng *r, slong n,
                                   slong depth, slong maxw, int bits)
{
    test_random_net_widths(net, r, n, depth, 1, maxw, bits);
}

/* A random net whose boundaries cross small boxes: hidden widths in
   [2, maxw], weights and biases small fractions (the nets of
   test_random_net with wide rationals put most hyperplanes far
   outside). */
static inline void test_rich_net(cpwl_net_t net, test_rng *r, slong n,
                                 slong depth, slong maxw)
{
    test_random_net_widths(net, r, n, depth, 2, maxw, TEST_FRACTIONS);
}

/* Spread the weights of a (random) net over the whole double range:
   each layer scaled by 2^s, s in [-1120, 1000], each weight by a further
   2^[-40, 40], about half the biases divided by up to 2^1100, leaky
   slopes multiplied by up to 2^60; then cpwl_net_prepare. */
static inline void test_scale_extreme(cpwl_net_t net, test_rng *r)
{
    slong l, i, j;
    for (l = 0; l < net->nlayers; l++)
    {
        cpwl_net_layer_struct *L = net->layers + l;
        slong sh = test_range(r, -1120, 1000);
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
            {
                fmpq *w = fmpq_mat_entry(L->W, i, j);
                slong e = sh + test_range(r, -40, 40);
                if (e >= 0)
                    fmpq_mul_2exp(w, w, e);
                else
                    fmpq_div_2exp(w, w, -e);
            }
            if (test_next(r) & 1)
                fmpq_div_2exp(L->b + i, L->b + i, test_range(r, 0, 1100));
        }
        if (L->act == CPWL_NET_LEAKY_RELU)
            fmpq_mul_2exp(L->slope, L->slope, test_range(r, 0, 60));
    }
    cpwl_net_prepare(net);
}

/* ---- nets and domains from text ---------------------------------------- */

static inline void test_q_set(fmpq_t q, const char *s)
{
    if (fmpq_set_str(q, s, 10) != 0)
        ck_abort_msg("bad rational literal %s in the test", s);
    fmpq_canonicalise(q);
}

/* Row i of layer L from comma-separated text: weights w, bias b. */
static inline void test_set_row(cpwl_net_layer_struct *L, slong i, const char *w,
                                const char *b)
{
    fmpq *row = _fmpq_vec_init(L->in);
    slong j;
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_io_parse_vector(row, L->in, w, "row", e) != CPWL_OK)
        ck_abort_msg("test row %s: %s", w, e->msg);
    for (j = 0; j < L->in; j++)
        fmpq_set(fmpq_mat_entry(L->W, i, j), row + j);
    test_q_set(L->b + i, b);
    _fmpq_vec_clear(row, L->in);
}

/* The domain of cpwl_dom_set_str, which must accept it. */
static inline void test_dom_str(cpwl_dom_t D, slong n, const char *box,
                                const char *slice, const char *line)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_dom_set_str(D, n, box, slice, line, e) != CPWL_OK)
        ck_abort_msg("test domain refused: %s", e->msg);
    cpwl_err_clear(e);
}

/* The seed, domain and net of a failing case, to stderr. */
static inline void test_dump(const cpwl_net_t net, const cpwl_dom_t D, ulong seed)
{
    char *s = cpwl_io_net_write_str(net), *t = cpwl_dom_describe(D);
    fprintf(stderr, "seed: %lu\ndomain: %s\nnet: %s\n", (unsigned long) seed,
            t, s);
    flint_free(s);
    flint_free(t);
}

/* A random box "a:b,..." of d axes with integer ends in [-4, 4], a < b. */
static inline void test_random_box(char *buf, size_t size, test_rng *r,
                                   slong d)
{
    slong j;
    size_t n = 0;
    buf[0] = '\0';
    for (j = 0; j < d; j++)
    {
        slong a = test_range(r, -4, 3), b = test_range(r, a + 1, 4);
        n += snprintf(buf + n, size - n, "%s%ld:%ld", j ? "," : "", (long) a,
                      (long) b);
    }
}

/* A random integer vector of n <= 8 entries in [-2, 2] (nonzero: not all
   0), as text "v1,v2,...". */
static inline void test_random_vec(char *buf, size_t size, test_rng *r,
                                   slong n, int nonzero)
{
    slong j, v[8];
    size_t k = 0;
    int any;
    do
    {
        any = 0;
        for (j = 0; j < n; j++)
            any |= (v[j] = test_range(r, -2, 2)) != 0;
    }
    while (nonzero && !any);
    buf[0] = '\0';
    for (j = 0; j < n; j++)
        k += snprintf(buf + k, size - k, "%s%ld", j ? "," : "", (long) v[j]);
}

/* Run a suite (fork mode as CK_FORK says) and give main's exit status. */
/* Read text as a finite distribution (module dist), or fail the test. */
static inline void test_dist_str(cpwl_dist_t D, const char *text)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_dist_read_str(D, text, strlen(text), "t.csv", e) != CPWL_OK)
        ck_abort_msg("test distribution refused: %s", e->msg);
    cpwl_err_clear(e);
}

/* 1 if q = p / r. */
static inline int test_q_is(const fmpq_t q, slong p, ulong r)
{
    fmpq_t a;
    int eq;
    fmpq_init(a);
    fmpq_set_si(a, p, r);
    eq = fmpq_equal(q, a);
    fmpq_clear(a);
    return eq;
}

static inline int test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    flint_cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The tests' own exact forward pass, written from the definitions (SPEC
   section 1) and independent of the library's evaluation: relu, identity,
   leaky_relu (slope for z <= 0), abs, hardtanh (clip to [-1, 1]) and
   maxout (the max of each group of `pieces` consecutive pre-activations). */
static inline void test_net_eval_ref(fmpq *y, const cpwl_net_t net,
                                     const fmpq *x)
{
    slong l, i, j, w = net->input_dim, maxw = w;
    fmpq *a, *z;
    for (l = 0; l < net->nlayers; l++)
        maxw = FLINT_MAX(maxw, net->layers[l].out);
    a = _fmpq_vec_init(maxw);
    z = _fmpq_vec_init(maxw);
    for (j = 0; j < w; j++)
        fmpq_set(a + j, x + j);
    for (l = 0; l < net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        for (i = 0; i < L->out; i++)
        {
            fmpq_set(z + i, L->b + i);
            for (j = 0; j < L->in; j++)
                fmpq_addmul(z + i, fmpq_mat_entry(L->W, i, j), a + j);
            if (L->act == CPWL_NET_RELU && fmpq_sgn(z + i) < 0)
                fmpq_zero(z + i);
            else if (L->act == CPWL_NET_LEAKY_RELU && fmpq_sgn(z + i) < 0)
                fmpq_mul(z + i, z + i, L->slope);
            else if (L->act == CPWL_NET_ABS)
                fmpq_abs(z + i, z + i);
            else if (L->act == CPWL_NET_HARDTANH)
            {
                if (fmpq_cmp_si(z + i, 1) > 0)
                    fmpq_one(z + i);
                else if (fmpq_cmp_si(z + i, -1) < 0)
                    fmpq_set_si(z + i, -1, 1);
            }
        }
        w = L->out;
        if (L->act == CPWL_NET_MAXOUT)
        {
            w = L->out / L->pieces;
            for (i = 0; i < w; i++)
            {
                fmpq_set(a + i, z + i * L->pieces);
                for (j = 1; j < L->pieces; j++)
                    if (fmpq_cmp(z + i * L->pieces + j, a + i) > 0)
                        fmpq_set(a + i, z + i * L->pieces + j);
            }
        }
        else
            for (i = 0; i < w; i++)
                fmpq_set(a + i, z + i);
    }
    for (i = 0; i < w; i++)
        fmpq_set(y + i, a + i);
    _fmpq_vec_clear(a, maxw);
    _fmpq_vec_clear(z, maxw);
}

#endif
