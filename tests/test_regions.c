/* Activation regions and linear regions: counts against closed forms
   (hyperplane arrangements, tent maps, zig-zags, zonotope functions),
   degenerate nets counted by hand, and the 1-D, 2-D and n-D algorithms
   against each other on seeded random nets.  Every run is also checked
   independently: each cell's interior point has the cell's pattern, each
   cell's affine map equals the test's own forward pass of forms, and
   cells of one linear region share their map. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cpwl.h"
#include "testutil.h"
#include "qvec.h"

/* ---- building nets -------------------------------------------------- */

/* An identity output layer with weights w (comma-separated). */
static void add_output(cpwl_net_t net, const char *w)
{
    cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    test_set_row(L, 0, w, "0");
    cpwl_net_prepare(net);
}

/* One hidden relu layer whose neuron i has the zero set
   {<a_i, x> + b_i = 0} (A is m x n row-major), and an identity output
   with weights 1, 2, ..., m.  Crossing the hyperplane of neuron i alone
   changes the gradient by (i + 1) a_i != 0, so for distinct hyperplanes
   no two neighbouring activation regions have the same map: linear
   regions = activation regions = regions of the arrangement. */
static void arrangement_net(cpwl_net_t net, slong n, slong m, const fmpq *A,
                            const fmpq *b)
{
    cpwl_net_layer_struct *L;
    slong i, j;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, m);
    for (i = 0; i < m; i++)
    {
        for (j = 0; j < n; j++)
            fmpq_set(fmpq_mat_entry(L->W, i, j), A + i * n + j);
        fmpq_set(L->b + i, b + i);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (i = 0; i < m; i++)
        fmpq_set_si(fmpq_mat_entry(L->W, 0, i), i + 1, 1);
    cpwl_net_prepare(net);
}

/* The hyperplanes x_i - x_j = c for i < j and every c in cs: braid
   (cs = {0}), Shi ({0, 1}), Catalan ({-1, 0, 1}). */
static void deformed_braid_net(cpwl_net_t net, slong n, const slong *cs, slong nc)
{
    slong m = nc * n * (n - 1) / 2, i, j, k, h = 0;
    fmpq *A = _fmpq_vec_init(m * n), *b = _fmpq_vec_init(m);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            for (k = 0; k < nc; k++, h++)
            {
                fmpq_one(A + h * n + i);
                fmpq_set_si(A + h * n + j, -1, 1);
                fmpq_set_si(b + h, -cs[k], 1);
            }
    arrangement_net(net, n, m, A, b);
    _fmpq_vec_clear(A, m * n);
    _fmpq_vec_clear(b, m);
}

/* A stage of a composition of 1-D functions s -> sum_j c_j relu(s - t_j). */
typedef struct
{
    slong p;
    const char *t[3];
    const char *c[3];
}
stage_t;

/* The tent t(s) = 2 relu(s) - 4 relu(s - 1/2) (2 - 2s for s > 1/2, going
   negative past 1), and the tent with zero tails (flat 0 beyond 1). */
static const stage_t TENT = {2, {"0", "1/2", NULL}, {"2", "-4", NULL}};
static const stage_t TENT0 = {3, {"0", "1/2", "1"}, {"2", "-4", "2"}};
/* Zig-zags h_a through (0,0), (1/5,1), (1/2,0), (1,1) and h_(1/3,1/3,1/3)
   through (0,0), (1/3,1), (2/3,0), (1,1). */
static const stage_t ZIG_A = {3, {"0", "1/5", "1/2"}, {"5", "-25/3", "16/3"}};
static const stage_t ZIG_B = {3, {"0", "1/3", "2/3"}, {"3", "-6", "6"}};

/* Append stage S fed by the scalar that the previous layer encodes: the
   output weights of the previous stage, or (prev = NULL) the sum of the
   previous outputs (the input x itself for a 1-input net). */
static void add_stage(cpwl_net_t net, const stage_t *S, const stage_t *prev)
{
    slong w = net->nlayers ? net->layers[net->nlayers - 1].out
              : net->input_dim, i, j;
    cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_RELU, S->p);
    for (i = 0; i < S->p; i++)
    {
        for (j = 0; j < w; j++)
        {
            if (prev != NULL)
                test_q_set(fmpq_mat_entry(L->W, i, j), prev->c[j]);
            else
                fmpq_one(fmpq_mat_entry(L->W, i, j));
        }
        test_q_set(L->b + i, S->t[i]);
        fmpq_neg(L->b + i, L->b + i);
    }
}

static void finish_stages(cpwl_net_t net, const stage_t *last)
{
    cpwl_net_layer_struct *L;
    slong i;
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (i = 0; i < L->in; i++)
        test_q_set(fmpq_mat_entry(L->W, 0, i), last->c[i]);
    cpwl_net_prepare(net);
}

/* The 1-input net S_k o ... o S_1 (stages[0] applied first). */
static void stages_net(cpwl_net_t net, const stage_t **stages, slong k)
{
    slong l;
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    for (l = 0; l < k; l++)
        add_stage(net, stages[l], l ? stages[l - 1] : NULL);
    finish_stages(net, stages[k - 1]);
}

static void tent_net(cpwl_net_t net, slong k)
{
    const stage_t **st = flint_malloc(k * sizeof(stage_t *));
    slong l;
    for (l = 0; l < k; l++)
        st[l] = &TENT;
    stages_net(net, st, k);
    flint_free(st);
}

/* gamma(x) = sum_i |<b_i, x>| with |z| = relu(z) + relu(-z), then k stages
   S (none: gamma itself).  gens: m generators of n coordinates. */
static void zonotope_net(cpwl_net_t net, slong n, slong m, const slong *gens,
                         const stage_t *S, slong k)
{
    cpwl_net_layer_struct *L;
    slong i, j, l;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2 * m);
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++)
        {
            fmpq_set_si(fmpq_mat_entry(L->W, 2 * i, j), gens[i * n + j], 1);
            fmpq_set_si(fmpq_mat_entry(L->W, 2 * i + 1, j), -gens[i * n + j],
                        1);
        }
    for (l = 0; l < k; l++)
        add_stage(net, S, l ? S : NULL);
    if (k > 0)
        finish_stages(net, S);
    else
    {
        L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
        for (i = 0; i < 2 * m; i++)
            fmpq_one(fmpq_mat_entry(L->W, 0, i));
        cpwl_net_prepare(net);
    }
}

/* ---- running and checking ------------------------------------------- */

static const char *method_name(cpwl_regions_method m)
{
    return m == CPWL_REGIONS_AUTO ? "auto" : m == CPWL_REGIONS_1D ? "1d"
           : m == CPWL_REGIONS_2D ? "2d" : "nd";
}

/* Print the net and the domain, for reproducing a failure. */
static void dump(const cpwl_net_t net, const cpwl_dom_t D)
{
    char *s = cpwl_io_net_write_str(net), *t = cpwl_dom_describe(D);
    fprintf(stderr, "domain: %s\nnet: %s\n", t, s);
    flint_free(s);
    flint_free(t);
}

/* The case being run (seed, iteration, domain, net), written to stderr
   if the library crashes, when no Check message would name it. */
static char crash_info[16384];

static void on_crash(int sig)
{
    ssize_t w = write(2, crash_info, strlen(crash_info));
    (void) w;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_case(const cpwl_net_t net, const cpwl_dom_t D, const char *what)
{
    char *s = cpwl_io_net_write_str(net), *t = cpwl_dom_describe(D);
    snprintf(crash_info, sizeof crash_info, "crashed in: %s\ndomain: %s\n"
             "net: %s\n", what, t, s);
    flint_free(s);
    flint_free(t);
}

static void catch_crashes(void)
{
    signal(SIGSEGV, on_crash);
    signal(SIGABRT, on_crash);
    signal(SIGBUS, on_crash);
    signal(SIGFPE, on_crash);
}

/* The test's own affine map of g under a pattern: the forms (d + 1
   coefficients per neuron) pushed through the layers. */
static void ref_map(fmpq *grad, fmpq *offset, const cpwl_net_t g,
                    const unsigned char *state)
{
    slong d = g->input_dim, c = d + 1, maxw = d, l, i, j, k, s = 0;
    fmpq *A, *Z;
    for (l = 0; l < g->nlayers; l++)
        maxw = FLINT_MAX(maxw, g->layers[l].out);
    A = _fmpq_vec_init(maxw * c);
    Z = _fmpq_vec_init(maxw * c);
    for (j = 0; j < d; j++)
        fmpq_one(A + j * c + j);
    for (l = 0; l < g->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = g->layers + l;
        ck_assert(L->act == CPWL_NET_RELU || L->act == CPWL_NET_LEAKY_RELU
                  || L->act == CPWL_NET_IDENTITY);
        for (i = 0; i < L->out; i++)
        {
            fmpq *z = Z + i * c;
            qvec_zero(z, c);
            fmpq_set(z + d, L->b + i);
            for (j = 0; j < L->in; j++)
                for (k = 0; k < c; k++)
                    fmpq_addmul(z + k, fmpq_mat_entry(L->W, i, j),
                                A + j * c + k);
            if (L->act != CPWL_NET_IDENTITY && !state[s++])
            {
                for (k = 0; k < c; k++)
                {
                    if (L->act == CPWL_NET_RELU)
                        fmpq_zero(z + k);
                    else
                        fmpq_mul(z + k, z + k, L->slope);
                }
            }
        }
        for (i = 0; i < L->out * c; i++)
            fmpq_swap(A + i, Z + i);
    }
    for (i = 0; i < cpwl_net_output_dim(g); i++)
    {
        for (j = 0; j < d; j++)
            fmpq_set(grad + i * d + j, A + i * c + j);
        fmpq_set(offset + i, A + i * c + d);
    }
    _fmpq_vec_clear(A, maxw * c);
    _fmpq_vec_clear(Z, maxw * c);
}

/* Independent checks of a finished run made with points and maps: sorts
   R, then every pattern is distinct, every interior point lies in the open
   box and has the cell's pattern (on the restricted net and on the ambient
   net), every map equals ref_map, and cells of one linear region have the
   same map. */
static void check_cells(cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                        const char *what)
{
    slong d = D->d, n = D->n, m = cpwl_net_output_dim(net);
    slong ns = cpwl_net_num_states(net), i, j;
    cpwl_net_t g;
    fmpq *x = _fmpq_vec_init(n), *grad = _fmpq_vec_init(m * d);
    fmpq *off = _fmpq_vec_init(m);
    unsigned char *s = flint_malloc(FLINT_MAX(ns, 1));
    slong *first = flint_malloc(FLINT_MAX(R->ncells, 1) * sizeof(slong));

    cpwl_net_init(g, d);
    cpwl_dom_restrict_net(g, net, D);
    cpwl_regions_sort(R);
    ck_assert_int_eq(R->d, d);
    ck_assert_int_eq(R->nstates, ns);
    for (i = 0; i < R->ncells; i++)
        first[i] = -1;
    for (i = 0; i < R->ncells; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + i;
        if (i > 0 && memcmp(R->cells[i - 1].state, c->state, ns) == 0)
        {
            dump(net, D);
            ck_abort_msg("%s: cells %ld and %ld have the same pattern", what,
                         (long) i - 1, (long) i);
        }
        ck_assert_msg(c->point != NULL && c->grad != NULL,
                      "%s: point or map not filled", what);
        for (j = 0; D->bounded && j < d; j++)
            if (fmpq_cmp(c->point + j, D->lo + j) <= 0
                || fmpq_cmp(c->point + j, D->hi + j) >= 0)
            {
                dump(net, D);
                ck_abort_msg("%s: the point of cell %ld is not inside the "
                             "open box", what, (long) i);
            }
        cpwl_net_pattern_exact(s, g, c->point);
        if (memcmp(s, c->state, ns) != 0)
        {
            char *p1 = cpwl_net_pattern_str(c->state, net);
            char *p2 = cpwl_net_pattern_str(s, net);
            dump(net, D);
            ck_abort_msg("%s: cell %ld has pattern %s but its point has %s",
                         what, (long) i, p1, p2);
        }
        cpwl_dom_to_ambient(x, D, c->point);
        cpwl_net_pattern_exact(s, net, x);
        if (memcmp(s, c->state, ns) != 0)
        {
            dump(net, D);
            ck_abort_msg("%s: cell %ld: its ambient point has another "
                         "pattern", what, (long) i);
        }
        ref_map(grad, off, g, c->state);
        if (!qvec_equal(grad, c->grad, m * d)
            || !qvec_equal(off, c->offset, m))
        {
            dump(net, D);
            ck_abort_msg("%s: cell %ld: wrong affine map", what, (long) i);
        }
        if (R->nlinear >= 0)
        {
            slong L = c->linear;
            ck_assert_msg(L >= 0 && L < R->nlinear, "%s: linear index %ld "
                          "out of range", what, (long) L);
            if (first[L] < 0)
                first[L] = i;
            else if (!qvec_equal(R->cells[first[L]].grad, c->grad, m * d)
                     || !qvec_equal(R->cells[first[L]].offset,
                                         c->offset, m))
            {
                dump(net, D);
                ck_abort_msg("%s: cells %ld and %ld are one linear region "
                             "with different maps", what, (long) first[L],
                             (long) i);
            }
        }
    }
    for (i = 0; i < R->nlinear; i++)
        ck_assert_msg(first[i] >= 0, "%s: linear region %ld has no cell",
                      what, (long) i);
    cpwl_net_clear(g);
    _fmpq_vec_clear(x, n);
    _fmpq_vec_clear(grad, m * d);
    _fmpq_vec_clear(off, m);
    flint_free(s);
    flint_free(first);
}

/* Run cpwl_regions_compute (linear regions always; points and maps when
   full); the run must succeed and finish. */
static void run(cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                cpwl_regions_method method, int full, int exact_only,
                const char *what)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_err_t e;
    int st;
    cpwl_pred_ctx_init(ctx);
    ctx->exact_only = exact_only;
    cpwl_regions_opts_init(&o, ctx);
    o.method = method;
    o.linear = 1;
    o.points = o.maps = full;
    cpwl_err_init(e);
    st = cpwl_regions_compute(R, net, D, &o, e);
    if (st != CPWL_OK)
    {
        dump(net, D);
        ck_abort_msg("%s, method %s: status %d: %s", what,
                     method_name(method), st, e->msg);
    }
    if (R->stopped != CPWL_REGIONS_DONE)
        ck_abort_msg("%s, method %s: stopped (%d)", what,
                     method_name(method), R->stopped);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
}

/* Counts by one method against the expected ones (lin < 0: not asserted),
   with the independent checks of the cells. */
static void expect_method(const char *what, const cpwl_net_t net, const cpwl_dom_t D,
                          cpwl_regions_method method, slong act, slong lin)
{
    cpwl_regions_t R;
    cpwl_regions_init(R, 0, 0, 0);
    set_case(net, D, what);
    run(R, net, D, method, 1, 0, what);
    if (R->ncells != act || (lin >= 0 && R->nlinear != lin))
    {
        char *t = cpwl_dom_describe(D);
        ck_abort_msg("%s on %s, method %s: %ld activation / %ld linear "
                     "regions, expected %ld / %ld", what, t,
                     method_name(method), (long) R->ncells,
                     (long) R->nlinear, (long) act, (long) lin);
    }
    ck_assert_msg(R->nlinear <= R->ncells, "%s: more linear than activation "
                  "regions", what);
    check_cells(R, net, D, what);
    cpwl_regions_clear(R);
}

/* The same counts by auto, the low-dimensional method that fits, and n-D. */
static void expect_counts(const char *what, const cpwl_net_t net, const cpwl_dom_t D,
                          slong act, slong lin)
{
    expect_method(what, net, D, CPWL_REGIONS_AUTO, act, lin);
    if (D->d == 1)
        expect_method(what, net, D, CPWL_REGIONS_1D, act, lin);
    if (D->d == 2)
        expect_method(what, net, D, CPWL_REGIONS_2D, act, lin);
    expect_method(what, net, D, CPWL_REGIONS_ND, act, lin);
}

static slong binom(slong n, slong k)
{
    slong r = 1, i;
    if (k < 0 || k > n)
        return 0;
    for (i = 1; i <= k; i++)
        r = r * (n - k + i) / i;
    return r;
}

/* ---- arrangements ---------------------------------------------------- */

START_TEST(test_braid)
{
    /* x_i - x_j = 0 for i < j: n! regions (one per ordering) */
    static const slong zero[] = {0};
    static const slong fact[] = {1, 1, 2, 6, 24};
    cpwl_net_t net;
    cpwl_dom_t D;
    slong n;
    char what[64];
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    for (n = 2; n <= 4; n++)
    {
        deformed_braid_net(net, n, zero, 1);
        cpwl_dom_set_all(D, n);
        snprintf(what, sizeof what, "braid n = %ld", (long) n);
        expect_counts(what, net, D, fact[n], fact[n]);
    }
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_shi_catalan)
{
    /* Shi x_i - x_j in {0, 1}: (n + 1)^(n - 1) = 3, 16, 125; Catalan
       x_i - x_j in {-1, 0, 1}, n = 3: 30 */
    static const slong shi[] = {0, 1}, cat[] = {-1, 0, 1};
    static const slong want[] = {0, 0, 3, 16, 125};
    cpwl_net_t net;
    cpwl_dom_t D;
    slong n;
    char what[64];
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    for (n = 2; n <= 4; n++)
    {
        deformed_braid_net(net, n, shi, 2);
        cpwl_dom_set_all(D, n);
        snprintf(what, sizeof what, "Shi n = %ld", (long) n);
        expect_counts(what, net, D, want[n], want[n]);
    }
    deformed_braid_net(net, 3, cat, 3);
    cpwl_dom_set_all(D, 3);
    expect_counts("Catalan n = 3", net, D, 30, 30);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

/* Whether the m hyperplanes <a_i, x> + b_i = 0 of R^d are in general
   position: any k <= d normals are independent and (affine case) no d + 1
   hyperplanes share a point, i.e. every (d+1)-subset of rows of [A | b]
   has full rank. */
static int general_position(const fmpq *A, const fmpq *b, slong m, slong d,
                            int central)
{
    ulong mask;
    int ok = 1;
    for (mask = 1; ok && mask < (UWORD(1) << m); mask++)
    {
        slong k = 0, i, j, r = 0, c;
        fmpq_mat_t M;
        for (i = 0; i < m; i++)
            k += (mask >> i) & 1;
        if (k > d + 1 || (k == d + 1 && central))
            continue;
        c = k <= d ? d : d + 1;
        fmpq_mat_init(M, k, c);
        for (i = 0; i < m; i++)
            if ((mask >> i) & 1)
            {
                for (j = 0; j < d; j++)
                    fmpq_set(fmpq_mat_entry(M, r, j), A + i * d + j);
                if (c > d)
                    fmpq_set(fmpq_mat_entry(M, r, d), b + i);
                r++;
            }
        {
            fmpq_mat_t E;
            fmpq_mat_init(E, k, c);
            ok = fmpq_mat_rref(E, M) == k;
            fmpq_mat_clear(E);
        }
        fmpq_mat_clear(M);
    }
    return ok;
}

/* m random hyperplanes in general position (redrawn until they are). */
static void random_arrangement(fmpq *A, fmpq *b, slong m, slong d,
                               int central, test_rng *r)
{
    slong i;
    do
    {
        for (i = 0; i < m * d; i++)
            test_fmpq(A + i, r, 16);
        for (i = 0; i < m; i++)
        {
            if (central)
                fmpq_zero(b + i);
            else
                test_fmpq(b + i, r, 16);
        }
    }
    while (!general_position(A, b, m, d, central));
}

START_TEST(test_generic_arrangements)
{
    /* m generic affine hyperplanes in R^d: sum_{i <= d} C(m, i) regions;
       m generic central ones: 2 sum_{i < d} C(m - 1, i) */
    static const slong ms[3][4] = {{1, 2, 5, 9}, {1, 3, 6, 9}, {2, 4, 6, 7}};
    const uint64_t seed = test_seed(11);
    test_rng r = {seed};
    cpwl_net_t net;
    cpwl_dom_t D;
    slong d, t, i, m, want;
    char what[128];
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    for (d = 1; d <= 3; d++)
        for (t = 0; t < 4; t++)
        {
            int central;
            m = ms[d - 1][t];
            /* central lines in R^1 all coincide at 0: d >= 2 only */
            for (central = 0; central <= (d > 1); central++)
            {
                fmpq *A = _fmpq_vec_init(m * d), *b = _fmpq_vec_init(m);
                random_arrangement(A, b, m, d, central, &r);
                arrangement_net(net, d, m, A, b);
                cpwl_dom_set_all(D, d);
                want = 0;
                if (central)
                    for (i = 0; i < d; i++)
                        want += 2 * binom(m - 1, i);
                else
                    for (i = 0; i <= d; i++)
                        want += binom(m, i);
                snprintf(what, sizeof what, "%s arrangement, m = %ld in R^%ld"
                         " (seed %llu)", central ? "central" : "affine",
                         (long) m, (long) d, (unsigned long long) seed);
                expect_counts(what, net, D, want, want);
                _fmpq_vec_clear(A, m * d);
                _fmpq_vec_clear(b, m);
            }
        }
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

/* ---- one input: tent maps and zig-zags ------------------------------ */

START_TEST(test_tent)
{
    /* t^k on [0,1]: breakpoints j/2^k, 2^k pieces, each with its own
       pattern.  On R: 0 for x < 0, and for k >= 2 also 0 for x > 1 (where
       t(x) < 0 kills the next layer) with a pattern of its own: 2^k + 2;
       k = 1: 2 - 2x continues past 1, 3 pieces.  examples.md: 3, 6, 10,
       18, 34. */
    static const slong onR[] = {0, 3, 6, 10, 18, 34};
    cpwl_net_t net;
    cpwl_dom_t D, B;
    slong k;
    char what[64];
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_init(B);
    cpwl_dom_set_all(D, 1);
    test_dom_str(B, 1, "0:1", NULL, NULL);
    for (k = 1; k <= 5; k++)
    {
        tent_net(net, k);
        snprintf(what, sizeof what, "tent^%ld", (long) k);
        expect_counts(what, net, B, WORD(1) << k, WORD(1) << k);
        expect_counts(what, net, D, onR[k], onR[k]);
    }
    cpwl_dom_clear(D);
    cpwl_dom_clear(B);
    cpwl_net_clear(net);
}
END_TEST

/* t^k: 2^k regions on [0,1] and 2^k + 2 on R through the 1-D path; k = 16
   at multiplier 1, one more per doubling of the multiplier, up to 20. */
START_TEST(test_tent_20)
{
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_regions_t R;
    slong k = 16;
    double m;
    for (m = test_multiplier(); m >= 2 && k < 20; m /= 2)
        k++;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_regions_init(R, 0, 0, 0);
    tent_net(net, k);
    test_dom_str(D, 1, "0:1", NULL, NULL);
    run(R, net, D, CPWL_REGIONS_AUTO, 0, 0, "tent^k on [0,1]");
    ck_assert_int_eq(R->ncells, WORD(1) << k);
    ck_assert_int_eq(R->nlinear, WORD(1) << k);
    cpwl_dom_set_all(D, 1);
    run(R, net, D, CPWL_REGIONS_AUTO, 0, 0, "tent^k on R");
    ck_assert_int_eq(R->ncells, (WORD(1) << k) + 2);
    ck_assert_int_eq(R->nlinear, (WORD(1) << k) + 2);
    cpwl_regions_clear(R);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_zigzag)
{
    /* h_a maps each of its 3 pieces of [0,1] onto [0,1], so h_a^3 has 27
       pieces there, each with its own triple of pieces (pattern).  On R:
       one more region x < 0 (all off, f = 0); x > 1 continues the last
       piece (all on, same map).  examples.md: 27 and 28; h_a o h_b: 9
       and 10 in the same way. */
    const stage_t *aaa[3] = {&ZIG_A, &ZIG_A, &ZIG_A};
    const stage_t *ba[2] = {&ZIG_B, &ZIG_A};
    cpwl_net_t net;
    cpwl_dom_t D, B;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_init(B);
    cpwl_dom_set_all(D, 1);
    test_dom_str(B, 1, "0:1", NULL, NULL);
    stages_net(net, aaa, 3);
    expect_counts("h_a^3", net, B, 27, 27);
    expect_counts("h_a^3", net, D, 28, 28);
    stages_net(net, ba, 2);
    expect_counts("h_a o h_b", net, B, 9, 9);
    expect_counts("h_a o h_b", net, D, 10, 10);
    cpwl_dom_clear(D);
    cpwl_dom_clear(B);
    cpwl_net_clear(net);
}
END_TEST

/* ---- zonotope functions ----------------------------------------------- */

START_TEST(test_zonotope)
{
    /* gamma = sum |<b_i, x>|: linear regions = vertices of the zonotope =
       regions of the central arrangement of the b_i^perp; crossing one
       changes the gradient by 2 b_i, so activation = linear.
       examples.md: 6, 8, 8, 14, 22, degenerate 12 (the three planes with
       normals in the xy-plane make 6 wedges, times the sign of z). */
    static const slong g2a[] = {1, 0, 0, 1, 1, 1};
    static const slong g2b[] = {1, 0, 0, 1, 1, 1, 1, -2};
    static const slong g3[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 2, -3};
    static const slong g3d[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_set_all(D, 2);
    zonotope_net(net, 2, 3, g2a, NULL, 0);
    expect_counts("zonotope (1,0),(0,1),(1,1)", net, D, 6, 6);
    zonotope_net(net, 2, 4, g2b, NULL, 0);
    expect_counts("zonotope (1,0),(0,1),(1,1),(1,-2)", net, D, 8, 8);
    cpwl_dom_set_all(D, 3);
    zonotope_net(net, 3, 3, g3, NULL, 0);
    expect_counts("zonotope e1,e2,e3", net, D, 8, 8);
    zonotope_net(net, 3, 4, g3, NULL, 0);
    expect_counts("zonotope e1,e2,e3,(1,1,1)", net, D, 14, 14);
    zonotope_net(net, 3, 5, g3, NULL, 0);
    expect_counts("zonotope e1,e2,e3,(1,1,1),(1,2,-3)", net, D, 22, 22);
    zonotope_net(net, 3, 4, g3d, NULL, 0);
    expect_counts("zonotope e1,e2,e3,(1,1,0)", net, D, 12, 12);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_zonotope_tent)
{
    /* gamma for (1,0),(0,1),(1,1): 6 cones; the tent layers cut each cone
       along level sets of gamma (hexagons).
       t o gamma (plain tent): annuli gamma < 1/2, > 1/2: 12 activation
       regions, all maps distinct (2 gamma, 2 - 2 gamma): 12 linear.
       t0 o gamma (zero tails): annuli (0,1/2), (1/2,1), (1,inf): 18
       activation regions; f = 0 on the connected set gamma > 1: 12 + 1 =
       13 linear (examples.md's 13 is this tent).
       t o t o gamma and t0 o t0 o gamma: annuli split at 1/4, 1/2, 3/4, 1:
       5 patterns per cone = 30 activation regions; f = 0 for gamma > 1 in
       both: 24 + 1 = 25 linear (examples.md). */
    static const slong g[] = {1, 0, 0, 1, 1, 1};
    cpwl_net_t net;
    cpwl_dom_t D, B;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_init(B);
    cpwl_dom_set_all(D, 2);
    zonotope_net(net, 2, 3, g, &TENT, 1);
    expect_counts("t o gamma", net, D, 12, 12);
    zonotope_net(net, 2, 3, g, &TENT0, 1);
    expect_counts("t0 o gamma", net, D, 18, 13);
    zonotope_net(net, 2, 3, g, &TENT, 2);
    expect_counts("t o t o gamma", net, D, 30, 25);
    zonotope_net(net, 2, 3, g, &TENT0, 2);
    expect_counts("t0 o t0 o gamma", net, D, 30, 25);
    /* The box [-2,2]^2 holds the whole hexagon gamma <= 1 (gamma <= 1
       means |x| + |y| + |x + y| <= 1), so the counts stay. */
    test_dom_str(B, 2, "-2:2,-2:2", NULL, NULL);
    expect_counts("t0 o t0 o gamma", net, B, 30, 25);
    cpwl_dom_clear(D);
    cpwl_dom_clear(B);
    cpwl_net_clear(net);
}
END_TEST

/* ---- degenerate nets, counted by hand ------------------------------- */

/* A one-hidden-layer net on R^n from text rows "w;b" and output weights. */
static void text_net(cpwl_net_t net, slong n, slong m, const char **rows,
                     const char *out)
{
    cpwl_net_layer_struct *L;
    slong i;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, m);
    for (i = 0; i < m; i++)
        test_set_row(L, i, rows[2 * i], rows[2 * i + 1]);
    add_output(net, out);
}

START_TEST(test_coincident)
{
    /* relu(x), relu(x), relu(2x), relu(-3x), relu(y): the lines x = 0 and
       y = 0 only: 4 activation regions.  Weights 1,2,3,5,7: slope in x is
       1 + 2 + 6 = 9 right of x = 0 and -15 left of it: 4 linear regions.
       Weights 1,0,0,-1/3,7: relu(x) - relu(-x) + 7 relu(y) = x + 7 relu(y):
       the x kink cancels, 2 linear regions. */
    static const char *rows[] = {"1,0", "0", "1,0", "0", "2,0", "0",
                                 "-3,0", "0", "0,1", "0"};
    cpwl_net_t net;
    cpwl_dom_t D, B;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_init(B);
    cpwl_dom_set_all(D, 2);
    test_dom_str(B, 2, "-1:1,-1:1", NULL, NULL);
    text_net(net, 2, 5, rows, "1,2,3,5,7");
    expect_counts("coincident lines", net, D, 4, 4);
    expect_counts("coincident lines", net, B, 4, 4);
    text_net(net, 2, 5, rows, "1,0,0,-1/3,7");
    expect_counts("coincident lines, cancelled kink", net, D, 4, 2);
    expect_counts("coincident lines, cancelled kink", net, B, 4, 2);
    cpwl_dom_clear(D);
    cpwl_dom_clear(B);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_parallel)
{
    /* x = 0, 1, -2, 3 (5 strips) and y = 0, 1/2 (3 strips): 15, all
       kinks visible.  The box [-3,4] x [-1,1] contains every line: 15. */
    static const char *rows[] = {"1,0", "0", "1,0", "-1", "1,0", "2",
                                 "-1,0", "3", "0,1", "0", "0,2", "-1"};
    cpwl_net_t net;
    cpwl_dom_t D, B;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_init(B);
    cpwl_dom_set_all(D, 2);
    test_dom_str(B, 2, "-3:4,-1:1", NULL, NULL);
    text_net(net, 2, 6, rows, "1,2,3,4,5,6");
    expect_counts("parallel lines", net, D, 15, 15);
    expect_counts("parallel lines", net, B, 15, 15);
    /* The box [1/2,2] x [-1,1/4]: lines x = 1 and y = 0 only: 4. */
    test_dom_str(B, 2, "1/2:2,-1:1/4", NULL, NULL);
    expect_counts("parallel lines", net, B, 4, 4);
    cpwl_dom_clear(D);
    cpwl_dom_clear(B);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_concurrent)
{
    /* 5 lines through the origin: 10 cones; the box [-1,1]^2 meets all.
       A zero neuron (all weights 0) is off everywhere: counts unchanged. */
    static const char *rows[] = {"1,0", "0", "0,1", "0", "1,1", "0",
                                 "1,-1", "0", "1,2", "0", "0,0", "0"};
    /* 4 lines through (1,1) (8 regions) and x = 5, which meets the three
       non-vertical ones in 3 distinct points: 4 more. */
    static const char *rows2[] = {"1,0", "-1", "0,1", "-1", "1,1", "-2",
                                  "1,-1", "0", "1,0", "-5"};
    cpwl_net_t net;
    cpwl_dom_t D, B;
    cpwl_regions_t R;
    slong i;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_init(B);
    cpwl_dom_set_all(D, 2);
    test_dom_str(B, 2, "-1:1,-1:1", NULL, NULL);
    text_net(net, 2, 5, rows, "1,2,3,4,5");
    expect_counts("5 lines through 0", net, D, 10, 10);
    expect_counts("5 lines through 0", net, B, 10, 10);
    text_net(net, 2, 6, rows, "1,2,3,4,5,6");
    expect_counts("5 lines through 0 and a zero neuron", net, D, 10, 10);
    expect_counts("5 lines through 0 and a zero neuron", net, B, 10, 10);
    cpwl_regions_init(R, 0, 0, 0);
    run(R, net, D, CPWL_REGIONS_ND, 1, 0, "zero neuron");
    for (i = 0; i < R->ncells; i++)
        ck_assert_msg(R->cells[i].state[5] == 0, "zero neuron on in cell %ld",
                      (long) i);
    cpwl_regions_clear(R);
    text_net(net, 2, 5, rows2, "1,2,3,4,5");
    expect_counts("4 lines through (1,1), x = 5", net, D, 12, 12);
    cpwl_dom_clear(D);
    cpwl_dom_clear(B);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_dead_and_vanishing)
{
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_net_layer_struct *L;
    cpwl_regions_t R;
    slong i;
    cpwl_net_init(net, 2);
    cpwl_dom_init(D);
    cpwl_dom_set_all(D, 2);

    /* a = (relu(x), relu(y)); second layer: -1 - a1 (dead: always <= -1),
       a1 + 2 a2 (>= 0, zero on the closed third quadrant); output
       f = relu(x) + 2 relu(y).  Patterns: one per quadrant: 4; linear 4. */
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    test_set_row(L, 0, "1,0", "0");
    test_set_row(L, 1, "0,1", "0");
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    test_set_row(L, 0, "-1,0", "-1");
    test_set_row(L, 1, "1,2", "0");
    add_output(net, "1,1");
    expect_counts("dead neuron", net, D, 4, 4);
    cpwl_regions_init(R, 0, 0, 0);
    run(R, net, D, CPWL_REGIONS_2D, 0, 0, "dead neuron");
    for (i = 0; i < R->ncells; i++)
        ck_assert_msg(R->cells[i].state[2] == 0, "dead neuron on in cell %ld",
                      (long) i);
    cpwl_regions_clear(R);

    /* Second layer b1 = relu(a1) (its pre-activation vanishes on the whole
       half-plane x <= 0), b2 = relu(a1 - a2) (vanishes on the third
       quadrant); f = b1 + 3 b2.
       Q1: x > y: 4x - 3y, x < y: x; Q4: 4x; Q2: 0; Q3: 0.
       Activation regions 5; linear: Q2 and Q3 share the negative x axis
       with f = 0 on both: 4. */
    cpwl_net_clear(net);
    cpwl_net_init(net, 2);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    test_set_row(L, 0, "1,0", "0");
    test_set_row(L, 1, "0,1", "0");
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2);
    test_set_row(L, 0, "1,0", "0");
    test_set_row(L, 1, "1,-1", "0");
    add_output(net, "1,3");
    expect_counts("vanishing pre-activations", net, D, 5, 4);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_cancelled_kink)
{
    /* relu(x) - relu(x) + relu(x) - relu(-x) = x: patterns x > 0 and
       x < 0 differ, f does not: 2 activation regions, 1 linear. */
    static const char *rows[] = {"1", "0", "1", "0", "1", "0", "-1", "0"};
    /* relu(x) - relu(x) + relu(y): 4 activation regions, 2 linear. */
    static const char *rows2[] = {"1,0", "0", "1,0", "0", "0,1", "0"};
    cpwl_net_t net;
    cpwl_dom_t D, B;
    cpwl_net_layer_struct *L;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_init(B);
    cpwl_dom_set_all(D, 1);
    test_dom_str(B, 1, "-1:2", NULL, NULL);
    text_net(net, 1, 4, rows, "1,-1,1,-1");
    expect_counts("cancelled kink", net, D, 2, 1);
    expect_counts("cancelled kink", net, B, 2, 1);
    cpwl_dom_set_all(D, 2);
    text_net(net, 2, 3, rows2, "1,-1,1");
    expect_counts("cancelled kink in R^2", net, D, 4, 2);

    /* leaky_relu with slope 1 is the identity: on for x > 0, off for
       x <= 0, no kink: 2 activation regions, 1 linear.  Slope 1/2: 2, 2. */
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_LEAKY_RELU, 1);
    test_set_row(L, 0, "1", "0");
    fmpq_one(L->slope);
    add_output(net, "1");
    cpwl_dom_set_all(D, 1);
    expect_counts("leaky_relu slope 1", net, D, 2, 1);
    fmpq_set_si(net->layers[0].slope, 1, 2);
    cpwl_net_prepare(net);
    expect_counts("leaky_relu slope 1/2", net, D, 2, 2);
    cpwl_dom_clear(D);
    cpwl_dom_clear(B);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_vertex_touch)
{
    /* f = relu(x) + relu(y) - relu(x + y): Q1: 0, Q3: 0, Q2: -x where
       x + y > 0, y where x + y < 0; Q4: -y where x + y > 0, x where
       x + y < 0.  6 activation regions; every pair of neighbours across
       a ray has different maps, and Q1, Q3 (both 0) touch only at the
       origin: 6 linear regions (5 would be a wrong merge).  In R^3 (z
       ignored) the two wedges touch only along the z axis: 6 again. */
    static const char *rows[] = {"1,0", "0", "0,1", "0", "1,1", "0"};
    static const char *rows3[] = {"1,0,0", "0", "0,1,0", "0", "1,1,0", "0"};
    cpwl_net_t net;
    cpwl_dom_t D, B;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    cpwl_dom_init(B);
    text_net(net, 2, 3, rows, "1,1,-1");
    cpwl_dom_set_all(D, 2);
    test_dom_str(B, 2, "-1:1,-1:1", NULL, NULL);
    expect_counts("opposite quadrants", net, D, 6, 6);
    expect_counts("opposite quadrants", net, B, 6, 6);
    text_net(net, 3, 3, rows3, "1,1,-1");
    cpwl_dom_set_all(D, 3);
    expect_counts("opposite wedges in R^3", net, D, 6, 6);
    cpwl_dom_clear(D);
    cpwl_dom_clear(B);
    cpwl_net_clear(net);
}
END_TEST

/* ---- input errors and limits ---------------------------------------- */

static void expect_refused(slong n, const char *box, const char *slice,
                           const char *line)
{
    cpwl_dom_t D;
    cpwl_err_t e;
    int st;
    cpwl_dom_init(D);
    cpwl_err_init(e);
    st = cpwl_dom_set_str(D, n, box, slice, line, e);
    ck_assert_msg(st == CPWL_ERR_INPUT && e->status == CPWL_ERR_INPUT
                  && e->msg[0] != '\0', "box %s slice %s line %s accepted "
                  "(status %d)", box ? box : "-", slice ? slice : "-",
                  line ? line : "-", st);
    cpwl_err_clear(e);
    cpwl_dom_clear(D);
}

START_TEST(test_domain_errors)
{
    static const char *rows[] = {"1,0", "0", "0,1", "0"};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_regions_t R;
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_err_t e;

    expect_refused(2, "1:0,0:1", NULL, NULL);       /* inverted */
    expect_refused(2, "0:0,0:1", NULL, NULL);       /* empty */
    expect_refused(2, "0:1", NULL, NULL);           /* 1 interval for d = 2 */
    expect_refused(2, "0:1,0:1,0:1", NULL, NULL);
    expect_refused(2, "0:1,x:1", NULL, NULL);
    expect_refused(2, NULL, NULL, "0,0;0,0");       /* zero direction */
    expect_refused(2, NULL, NULL, "0,0;1");         /* wrong length */
    expect_refused(2, NULL, NULL, "0,0;1,0;0,1");   /* three parts */
    expect_refused(2, "0:1,0:1", NULL, "0,0;1,0");  /* a line has d = 1 */
    expect_refused(2, "1:0", NULL, "0,0;1,0");
    expect_refused(3, NULL, "0,0,0;1,2,3;2,4,6", NULL);     /* parallel */
    expect_refused(3, NULL, "0,0,0;1,2,3;0,0,0", NULL);     /* zero v */
    expect_refused(3, NULL, "0,0,0;1,0,0", NULL);           /* two parts */
    expect_refused(3, NULL, "0,0;1,0,0;0,1,0", NULL);       /* x0 short */
    expect_refused(3, "0:1", "0,0,0;1,0,0;0,1,0", NULL);    /* d = 2 */
    expect_refused(3, NULL, "0,0,0;1,0,0;0,1,0", "0,0,0;1,0,0");

    /* The method must fit the domain, and the domain the net. */
    cpwl_net_init(net, 2);
    text_net(net, 2, 2, rows, "1,1");
    cpwl_dom_init(D);
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    cpwl_dom_set_all(D, 3);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_regions_compute(R, net, D, &o, e), CPWL_ERR_INPUT);
    ck_assert(e->msg[0] != '\0');
    cpwl_dom_set_all(D, 2);
    o.method = CPWL_REGIONS_1D;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_regions_compute(R, net, D, &o, e), CPWL_ERR_INPUT);
    ck_assert(e->msg[0] != '\0');
    test_dom_str(D, 2, NULL, NULL, "0,0;1,1");
    o.method = CPWL_REGIONS_2D;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_regions_compute(R, net, D, &o, e), CPWL_ERR_INPUT);
    ck_assert(e->msg[0] != '\0');
    /* ... and then it works: the line x = y meets the two axes in 0. */
    o.method = CPWL_REGIONS_1D;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_regions_compute(R, net, D, &o, e), CPWL_OK);
    ck_assert_int_eq(R->ncells, 2);
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

/* Stop beyond max_regions: a lower bound, flagged; at exactly the true
   count the run is complete. */
static void check_limit(const cpwl_net_t net, const cpwl_dom_t D, cpwl_regions_method m,
                        slong truth)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_regions_t R;
    cpwl_err_t e;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_err_init(e);
    o.method = m;
    o.max_regions = 5;
    ck_assert_int_eq(cpwl_regions_compute(R, net, D, &o, e), CPWL_OK);
    ck_assert_msg(R->stopped == CPWL_REGIONS_STOP_LIMIT, "method %s: stopped = "
                  "%d with max_regions 5 < %ld", method_name(m), R->stopped,
                  (long) truth);
    ck_assert_msg(R->lower_bound > 5 && R->ncells == 0, "method %s: stopped "
                  "at %ld cells, listing %ld", method_name(m),
                  (long) R->lower_bound, (long) R->ncells);
    ck_assert_msg(R->lower_bound <= truth, "method %s: lower bound %ld > %ld",
                  method_name(m), (long) R->lower_bound, (long) truth);
    o.max_regions = truth;
    ck_assert_int_eq(cpwl_regions_compute(R, net, D, &o, e), CPWL_OK);
    ck_assert_msg(R->stopped == CPWL_REGIONS_DONE && R->ncells == truth,
                  "method %s: max_regions = %ld: stopped %d, %ld cells",
                  method_name(m), (long) truth, R->stopped, (long) R->ncells);
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
}

START_TEST(test_max_regions)
{
    static const slong zero[] = {0};
    static const char *rows[] = {"1,0", "0", "0,1", "0", "1,1", "0",
                                 "1,-1", "0", "1,2", "0"};
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_net_init(net, 1);
    cpwl_dom_init(D);
    deformed_braid_net(net, 4, zero, 1);
    cpwl_dom_set_all(D, 4);
    check_limit(net, D, CPWL_REGIONS_ND, 24);
    text_net(net, 2, 5, rows, "1,2,3,4,5");
    cpwl_dom_set_all(D, 2);
    check_limit(net, D, CPWL_REGIONS_2D, 10);
    check_limit(net, D, CPWL_REGIONS_ND, 10);
    tent_net(net, 4);
    cpwl_dom_set_all(D, 1);
    check_limit(net, D, CPWL_REGIONS_1D, 18);
    check_limit(net, D, CPWL_REGIONS_ND, 18);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

/* ---- the algorithms against each other on random nets --------------- */

/* Patterns at random points of the domain (off any boundary: points where
   a pre-activation of a neuron with a state is exactly 0 are skipped) are
   patterns of cells.  R is sorted. */
static int sample_check(const cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                        test_rng *r, slong npts)
{
    slong d = D->d, ns = cpwl_net_num_states(net), p, j, l, i, lo, hi;
    cpwl_net_t g;
    fmpq *y = _fmpq_vec_init(d);
    fmpq **z;
    unsigned char *s = flint_malloc(FLINT_MAX(ns, 1));
    int ok = 1;

    cpwl_net_init(g, d);
    cpwl_dom_restrict_net(g, net, D);
    z = cpwl_net_preacts_init(g);
    for (p = 0; p < npts && ok; p++)
    {
        int skip = 0;
        for (j = 0; j < d; j++)
        {
            /* t in (0,1) with denominator 2^20 + 1 (odd: off dyadic
               breakpoints), scaled into the box or to [-8, 8] */
            fmpq_set_si(y + j, test_range(r, 1, 1 << 20), (1 << 20) + 1);
            if (D->bounded)
            {
                fmpq_t w;
                fmpq_init(w);
                fmpq_sub(w, D->hi + j, D->lo + j);
                fmpq_mul(y + j, y + j, w);
                fmpq_add(y + j, y + j, D->lo + j);
                fmpq_clear(w);
            }
            else
            {
                fmpq_mul_2exp(y + j, y + j, 4);
                fmpq_sub_si(y + j, y + j, 8);
            }
        }
        cpwl_net_preacts_fmpq(z, g, y);
        for (l = 0; l < g->nlayers; l++)
            if (g->layers[l].act != CPWL_NET_IDENTITY)
                for (i = 0; i < g->layers[l].out; i++)
                    skip |= fmpq_is_zero(z[l] + i);
        if (skip)
            continue;
        cpwl_net_pattern_exact(s, g, y);
        lo = 0;
        hi = R->ncells;
        while (lo < hi)
        {
            slong mid = (lo + hi) / 2;
            if (memcmp(R->cells[mid].state, s, ns) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        ok = lo < R->ncells && memcmp(R->cells[lo].state, s, ns) == 0;
    }
    cpwl_net_preacts_clear(z, g);
    cpwl_net_clear(g);
    _fmpq_vec_clear(y, d);
    flint_free(s);
    return ok;
}

/* Methods m1 and m2 (and m1 with the exact stage alone) give the same
   cells, maps and linear regions; both pass the independent checks. */
static void compare_methods(const cpwl_net_t net, const cpwl_dom_t D,
                            cpwl_regions_method m1, cpwl_regions_method m2,
                            uint64_t seed, slong it, test_rng *r)
{
    cpwl_regions_t A, B, X;
    slong i, ns = cpwl_net_num_states(net), md = cpwl_net_output_dim(net) * D->d;
    char what[128];

    snprintf(what, sizeof what, "seed %llu, iteration %ld",
             (unsigned long long) seed, (long) it);
    set_case(net, D, what);
    cpwl_regions_init(A, 0, 0, 0);
    cpwl_regions_init(B, 0, 0, 0);
    cpwl_regions_init(X, 0, 0, 0);
    run(A, net, D, m1, 1, 0, what);
    run(B, net, D, m2, 1, 0, what);
    run(X, net, D, m1, 1, 1, what);
    check_cells(A, net, D, what);
    check_cells(B, net, D, what);
    check_cells(X, net, D, what);
    if (A->ncells != B->ncells || A->nlinear != B->nlinear
        || A->ncells != X->ncells || A->nlinear != X->nlinear)
    {
        dump(net, D);
        ck_abort_msg("%s: %s %ld/%ld, %s %ld/%ld, %s exact only %ld/%ld "
                     "activation/linear regions", what, method_name(m1),
                     (long) A->ncells, (long) A->nlinear, method_name(m2),
                     (long) B->ncells, (long) B->nlinear, method_name(m1),
                     (long) X->ncells, (long) X->nlinear);
    }
    for (i = 0; i < A->ncells; i++)
    {
        const cpwl_regions_cell_struct *a = A->cells + i, *b = B->cells + i;
        const cpwl_regions_cell_struct *x = X->cells + i;
        if (memcmp(a->state, b->state, ns) != 0
            || memcmp(a->state, x->state, ns) != 0
            || !qvec_equal(a->grad, b->grad, md)
            || !qvec_equal(a->offset, b->offset, cpwl_net_output_dim(net))
            || a->linear != b->linear || a->linear != x->linear)
        {
            dump(net, D);
            ck_abort_msg("%s: %s and %s differ at cell %ld", what,
                         method_name(m1), method_name(m2), (long) i);
        }
    }
    if (!sample_check(A, net, D, r, 100))
    {
        dump(net, D);
        ck_abort_msg("%s: a sampled pattern is not a cell", what);
    }
    cpwl_regions_clear(A);
    cpwl_regions_clear(B);
    cpwl_regions_clear(X);
    crash_info[0] = '\0';
}

/* Text of a random rational (bits 0: an integer in [-3,3]) into buf. */
static void rand_q_str(char *buf, size_t size, test_rng *r, int bits)
{
    fmpq_t q;
    char *s;
    fmpq_init(q);
    test_fmpq(q, r, bits);
    s = fmpq_get_str(NULL, 10, q);
    snprintf(buf, size, "%s", s);
    flint_free(s);
    fmpq_clear(q);
}

/* "lo:hi" with lo < hi, small rationals. */
static void rand_interval(char *buf, size_t size, test_rng *r)
{
    fmpq_t a, b;
    char *s, *t;
    fmpq_init(a);
    fmpq_init(b);
    fmpq_set_si(a, test_range(r, -12, 8), (ulong) test_range(r, 1, 4));
    fmpq_set_si(b, test_range(r, 1, 12), (ulong) test_range(r, 1, 4));
    fmpq_add(b, a, b);
    s = fmpq_get_str(NULL, 10, a);
    t = fmpq_get_str(NULL, 10, b);
    snprintf(buf, size, "%s:%s", s, t);
    flint_free(s);
    flint_free(t);
    fmpq_clear(a);
    fmpq_clear(b);
}

/* A random vector "c1,...,cn" of integers in [-3,3], or x0 with bits. */
static void rand_vec_str(char *buf, size_t size, slong n, test_rng *r,
                         int bits, slong *ints)
{
    slong i;
    size_t k = 0;
    for (i = 0; i < n; i++)
    {
        char q[64];
        if (ints != NULL)
        {
            ints[i] = test_range(r, -3, 3);
            snprintf(q, sizeof q, "%ld", (long) ints[i]);
        }
        else
            rand_q_str(q, sizeof q, r, bits);
        k += snprintf(buf + k, size - k, "%s%s", i ? "," : "", q);
    }
}

static const int BITS[3] = {0, 8, 16};

START_TEST(test_random_2d)
{
    /* 2-input nets: 2-D against n-D on R^2 and on a random box. */
    const uint64_t seed = test_seed(2024);
    test_rng r = {seed};
    cpwl_net_t net;
    cpwl_dom_t D;
    slong it;
    cpwl_net_init(net, 2);
    cpwl_dom_init(D);
    for (it = 0; it < test_iters(40); it++)
    {
        char box[128], a[64], b[64];
        test_random_net(net, &r, 2, test_range(&r, 2, 4), 6, BITS[it % 3]);
        cpwl_dom_set_all(D, 2);
        compare_methods(net, D, CPWL_REGIONS_2D, CPWL_REGIONS_ND, seed, it, &r);
        rand_interval(a, sizeof a, &r);
        rand_interval(b, sizeof b, &r);
        snprintf(box, sizeof box, "%s,%s", a, b);
        test_dom_str(D, 2, box, NULL, NULL);
        compare_methods(net, D, CPWL_REGIONS_2D, CPWL_REGIONS_ND, seed, it, &r);
    }
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_random_slice)
{
    /* 2-D slices of 3- and 4-input nets: 2-D against n-D. */
    const uint64_t seed = test_seed(77);
    test_rng r = {seed};
    cpwl_net_t net;
    cpwl_dom_t D;
    slong it;
    cpwl_net_init(net, 3);
    cpwl_dom_init(D);
    for (it = 0; it < test_iters(30); it++)
    {
        slong n = 3 + it % 2, u[4], v[4], i, j;
        char x0s[256], us[64], vs[64], slice[400], box[128], a[64], b[64];
        int dep;
        cpwl_err_t e;
        test_random_net(net, &r, n, test_range(&r, 2, 4), 6, BITS[it % 3]);
        rand_vec_str(x0s, sizeof x0s, n, &r, BITS[(it / 3) % 3], NULL);
        do
        {
            rand_vec_str(us, sizeof us, n, &r, 0, u);
            rand_vec_str(vs, sizeof vs, n, &r, 0, v);
            dep = 1;
            for (i = 0; i < n; i++)
                for (j = i + 1; j < n; j++)
                    dep &= u[i] * v[j] == u[j] * v[i];
        }
        while (dep);
        snprintf(slice, sizeof slice, "%s;%s;%s", x0s, us, vs);
        cpwl_err_init(e);
        if (cpwl_dom_set_str(D, n, NULL, slice, NULL, e) != CPWL_OK)
            ck_abort_msg("slice %s refused: %s", slice, e->msg);
        compare_methods(net, D, CPWL_REGIONS_2D, CPWL_REGIONS_ND, seed, it, &r);
        rand_interval(a, sizeof a, &r);
        rand_interval(b, sizeof b, &r);
        snprintf(box, sizeof box, "%s,%s", a, b);
        if (cpwl_dom_set_str(D, n, box, slice, NULL, e) != CPWL_OK)
            ck_abort_msg("slice %s box %s refused: %s", slice, box, e->msg);
        compare_methods(net, D, CPWL_REGIONS_2D, CPWL_REGIONS_ND, seed, it, &r);
    }
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_random_line)
{
    /* Lines through 2- to 4-input nets and 1-input nets: 1-D against
       n-D, with and without a segment. */
    const uint64_t seed = test_seed(5150);
    test_rng r = {seed};
    cpwl_net_t net;
    cpwl_dom_t D;
    slong it;
    cpwl_net_init(net, 2);
    cpwl_dom_init(D);
    for (it = 0; it < test_iters(60); it++)
    {
        slong n = 1 + it % 4, u[4], i, nz;
        char x0s[256], us[64], line[400], box[64];
        cpwl_err_t e;
        test_random_net(net, &r, n, test_range(&r, 2, 5), 6, BITS[it % 3]);
        rand_interval(box, sizeof box, &r);
        if (n == 1)
        {
            cpwl_dom_set_all(D, 1);
            compare_methods(net, D, CPWL_REGIONS_1D, CPWL_REGIONS_ND, seed, it, &r);
            test_dom_str(D, 1, box, NULL, NULL);
            compare_methods(net, D, CPWL_REGIONS_1D, CPWL_REGIONS_ND, seed, it, &r);
            continue;
        }
        rand_vec_str(x0s, sizeof x0s, n, &r, BITS[(it / 4) % 3], NULL);
        do
        {
            rand_vec_str(us, sizeof us, n, &r, 0, u);
            for (i = nz = 0; i < n; i++)
                nz += u[i] != 0;
        }
        while (nz == 0);
        snprintf(line, sizeof line, "%s;%s", x0s, us);
        cpwl_err_init(e);
        if (cpwl_dom_set_str(D, n, NULL, NULL, line, e) != CPWL_OK)
            ck_abort_msg("line %s refused: %s", line, e->msg);
        compare_methods(net, D, CPWL_REGIONS_1D, CPWL_REGIONS_ND, seed, it, &r);
        if (cpwl_dom_set_str(D, n, box, NULL, line, e) != CPWL_OK)
            ck_abort_msg("line %s box %s refused: %s", line, box, e->msg);
        compare_methods(net, D, CPWL_REGIONS_1D, CPWL_REGIONS_ND, seed, it, &r);
    }
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

START_TEST(test_random_arrangement_boxes)
{
    /* Generic arrangements of lines cut by a box: no closed form (lines
       may miss the box), so 2-D against n-D. */
    const uint64_t seed = test_seed(31);
    test_rng r = {seed};
    cpwl_net_t net;
    cpwl_dom_t D;
    slong it, m;
    cpwl_net_init(net, 2);
    cpwl_dom_init(D);
    for (it = 0; it < test_iters(12); it++)
    {
        fmpq *A, *b;
        m = 2 + it % 7;
        A = _fmpq_vec_init(2 * m);
        b = _fmpq_vec_init(m);
        random_arrangement(A, b, m, 2, it % 2, &r);
        arrangement_net(net, 2, m, A, b);
        test_dom_str(D, 2, it % 3 ? "-1:1,-1:1" : "-1/3:1/7,0:100", NULL,
                     NULL);
        compare_methods(net, D, CPWL_REGIONS_2D, CPWL_REGIONS_ND, seed, it, &r);
        _fmpq_vec_clear(A, 2 * m);
        _fmpq_vec_clear(b, m);
    }
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}
END_TEST

/* ---- limits inside one layer (issue 11) ------------------------------ */

/* n lines x + t y + t^2 = 0, t = 1..n (tangents of a parabola: no two
   parallel, no three through a point), as one relu layer: 1 + n + C(n,2)
   regions of R^2, all in the first layer's refinement of one face. */
static void tangent_net(cpwl_net_t net, slong n)
{
    cpwl_net_layer_struct *L;
    slong j;
    cpwl_net_clear(net);
    cpwl_net_init(net, 2);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, n);
    for (j = 0; j < n; j++)
    {
        fmpq_one(fmpq_mat_entry(L->W, j, 0));
        fmpq_set_si(fmpq_mat_entry(L->W, j, 1), j + 1, 1);
        fmpq_set_si(L->b + j, (j + 1) * (j + 1), 1);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (j = 0; j < n; j++)
        fmpq_one(fmpq_mat_entry(L->W, 0, j));
    cpwl_net_prepare(net);
}

/* relu(s - j), j = 1..n, output weights 1, -2, 1, ...: n + 1 pieces, the
   slope changing at every breakpoint (n + 1 linear regions). */
static void ramps_net(cpwl_net_t net, slong n)
{
    cpwl_net_layer_struct *L;
    slong j;
    cpwl_net_clear(net);
    cpwl_net_init(net, 1);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, n);
    for (j = 0; j < n; j++)
    {
        fmpq_one(fmpq_mat_entry(L->W, j, 0));
        fmpq_set_si(L->b + j, -(j + 1), 1);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (j = 0; j < n; j++)
        fmpq_set_si(fmpq_mat_entry(L->W, 0, j), j % 2 ? -2 : 1, 1);
    cpwl_net_prepare(net);
}

/* Run with max_regions and a preset interrupt flag; returns the status. */
static int run_limited(cpwl_regions_t R, const cpwl_net_t net, slong d, slong maxr,
                       int interrupt, int no_states)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_dom_t D;
    cpwl_err_t e;
    volatile sig_atomic_t flag = interrupt;
    int st;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    o.max_regions = maxr;
    o.interrupt = &flag;
    o.no_states = no_states;
    o.linear = 1;
    cpwl_dom_init(D);
    cpwl_dom_set_all(D, d);
    cpwl_err_init(e);
    st = cpwl_regions_compute(R, net, D, &o, e);
    cpwl_err_clear(e);
    cpwl_dom_clear(D);
    cpwl_pred_ctx_clear(ctx);
    return st;
}

START_TEST(test_limit_within_layer)
{
    cpwl_net_t net;
    cpwl_regions_t R;
    slong n = 40, truth = 1 + n + n * (n - 1) / 2;
    cpwl_net_init(net, 1);
    cpwl_regions_init(R, 0, 0, 0);

    /* 2-D: the one face of R^2 splits face by face, so the limit stops
       the first layer at exactly max + 1 faces (it went on to all 821). */
    tangent_net(net, n);
    ck_assert_int_eq(run_limited(R, net, 2, 0, 0, 0), CPWL_OK);
    ck_assert_int_eq(R->stopped, CPWL_REGIONS_DONE);
    ck_assert_int_eq(R->ncells, truth);
    ck_assert_int_eq(run_limited(R, net, 2, 50, 0, 0), CPWL_OK);
    ck_assert_int_eq(R->stopped, CPWL_REGIONS_STOP_LIMIT);
    ck_assert_int_eq(R->lower_bound, 51);
    ck_assert_int_eq(R->ncells, 0);
    /* An interrupt before the first split: one face, not the layer. */
    ck_assert_int_eq(run_limited(R, net, 2, 0, 1, 0), CPWL_OK);
    ck_assert_int_eq(R->stopped, CPWL_REGIONS_STOP_INTERRUPT);
    ck_assert_int_eq(R->lower_bound, 1);

    /* 1-D: the sweep emits one piece at a time. */
    ramps_net(net, 1000);
    ck_assert_int_eq(run_limited(R, net, 1, 0, 0, 0), CPWL_OK);
    ck_assert_int_eq(R->stopped, CPWL_REGIONS_DONE);
    ck_assert_int_eq(R->ncells, 1001);
    ck_assert_int_eq(R->nlinear, 1001);
    ck_assert_int_eq(run_limited(R, net, 1, 10, 0, 0), CPWL_OK);
    ck_assert_int_eq(R->stopped, CPWL_REGIONS_STOP_LIMIT);
    ck_assert_int_eq(R->lower_bound, 11);
    ck_assert_int_eq(R->ncells, 0);
    ck_assert_int_eq(run_limited(R, net, 1, 0, 1, 0), CPWL_OK);
    ck_assert_int_eq(R->stopped, CPWL_REGIONS_STOP_INTERRUPT);
    ck_assert_int_eq(R->lower_bound, 1);

    cpwl_regions_clear(R);
    cpwl_net_clear(net);
}
END_TEST

/* Counting without the patterns (no_states) gives the same counts and
   linear regions as with them, on deep tents (layers whose forms all
   move at a breakpoint of the layer below). */
START_TEST(test_no_states)
{
    cpwl_net_t net;
    cpwl_regions_t R, S;
    slong i, k;
    cpwl_net_init(net, 1);
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_regions_init(S, 0, 0, 0);
    for (k = 1; k <= 6; k++)
    {
        tent_net(net, k);
        ck_assert_int_eq(run_limited(R, net, 1, 0, 0, 1), CPWL_OK);
        ck_assert_int_eq(run_limited(S, net, 1, 0, 0, 0), CPWL_OK);
        ck_assert_int_eq(R->ncells, S->ncells);
        ck_assert_int_eq(R->nlinear, S->nlinear);
        for (i = 0; i < R->ncells; i++)
        {
            ck_assert(R->cells[i].state == NULL);
            ck_assert_int_eq(R->cells[i].linear, S->cells[i].linear);
        }
    }
    cpwl_regions_clear(R);
    cpwl_regions_clear(S);
    cpwl_net_clear(net);
}
END_TEST

/* One 2-D run with the given threads and filters; R must be empty. */
static void run_2d(cpwl_regions_t R, cpwl_pred_ctx_t ctx, const cpwl_net_t net,
                   const cpwl_dom_t D, slong threads, int exact_only)
{
    cpwl_regions_opts o;
    cpwl_err_t e;
    cpwl_pred_ctx_init(ctx);
    ctx->exact_only = exact_only;
    cpwl_regions_opts_init(&o, ctx);
    o.method = CPWL_REGIONS_2D;
    o.linear = 1;
    o.nthreads = threads;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_regions_compute(R, net, D, &o, e) == CPWL_OK, "%s", e->msg);
    ck_assert(R->stopped == CPWL_REGIONS_DONE);
    cpwl_err_clear(e);
}

/* The same cells in the same order with the same patterns. */
static void same_cells(const cpwl_regions_t A, const cpwl_regions_t B, const char *what,
                       uint64_t seed)
{
    slong i;
    ck_assert_msg(A->ncells == B->ncells && A->nlinear == B->nlinear,
                  "%s: %ld/%ld cells, %ld/%ld linear; seed %llu", what,
                  (long) A->ncells, (long) B->ncells, (long) A->nlinear,
                  (long) B->nlinear, (unsigned long long) seed);
    for (i = 0; i < A->ncells; i++)
        ck_assert_msg(!memcmp(A->cells[i].state, B->cells[i].state,
                              A->nstates)
                      && A->cells[i].linear == B->cells[i].linear,
                      "%s: cell %ld differs; seed %llu", what, (long) i,
                      (unsigned long long) seed);
}

/* Issue 12: the 2-D method refines depth first in chunks of 256 faces,
   carries forms through runs of 32 pieces and works on threads.  On nets
   wide enough for several chunks and runs per level (float32-like weights:
   every sign decided in double, forms carried through long chains), the
   cells, their order and every count are the same for 1, 2 and 3 threads,
   the predicate counters too, and the same with the filters off (every
   sign exact, the carried forms only proposing). */
START_TEST(test_threads_and_chunks)
{
    const uint64_t seed = test_seed(20261210);
    test_rng r = {seed};
    slong it;
    for (it = 0; it < test_iters(2); it++)
    {
        cpwl_net_t net;
        cpwl_dom_t D;
        cpwl_regions_t A, B, X;
        cpwl_pred_ctx_t ca, cb, cx;
        slong th, l, i, j, w = 36 + test_range(&r, 0, 8);
        int bounded;
        cpwl_net_init(net, 2);
        for (l = 0; l < 3; l++)
        {
            cpwl_net_layer_struct *L = cpwl_net_add_layer(net, l < 2 ? CPWL_NET_RELU
                                                          : CPWL_NET_IDENTITY, l < 2 ? w : 1);
            for (i = 0; i < L->out; i++)
            {
                for (j = 0; j <= L->in; j++)
                {
                    fmpq *q = j < L->in ? fmpq_mat_entry(L->W, i, j) : L->b + i;
                    fmpq_set_si(q, test_range(&r, -(1 << 23), 1 << 23),
                                (ulong) 1 << 23);
                }
            }
        }
        cpwl_net_prepare(net);
        cpwl_dom_init(D);
        for (bounded = 1; bounded >= 0; bounded--)
        {
            if (bounded)
            {
                cpwl_err_t e;
                cpwl_err_init(e);
                ck_assert(cpwl_dom_set_str(D, 2, "-1:1,-1:1", NULL, NULL, e) == CPWL_OK);
                cpwl_err_clear(e);
            }
            else
                cpwl_dom_set_all(D, 2);
            cpwl_regions_init(A, 0, 0, 0);
            cpwl_regions_init(X, 0, 0, 0);
            run_2d(A, ca, net, D, 1, 0);
            ck_assert_msg(A->ncells > 600, "too few cells (%ld) to need "
                          "several chunks", (long) A->ncells);
            for (th = 2; th <= 3; th++)
            {
                cpwl_regions_init(B, 0, 0, 0);
                run_2d(B, cb, net, D, th, 0);
                same_cells(A, B, "threads", seed);
                ck_assert_msg(ca->by_double == cb->by_double
                              && ca->by_arb == cb->by_arb
                              && ca->by_exact == cb->by_exact,
                              "predicate counters differ with %ld threads; "
                              "seed %llu", (long) th, (unsigned long long) seed);
                cpwl_regions_clear(B);
                cpwl_pred_ctx_clear(cb);
            }
            run_2d(X, cx, net, D, 2, 1);
            same_cells(A, X, "exact only", seed);
            cpwl_regions_clear(A);
            cpwl_regions_clear(X);
            cpwl_pred_ctx_clear(ca);
            cpwl_pred_ctx_clear(cx);
        }
        cpwl_dom_clear(D);
        cpwl_net_clear(net);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("regions");
    catch_crashes();
    TCase *ta = tcase_create("arrangements");
    TCase *t1 = tcase_create("one input");
    TCase *tz = tcase_create("zonotopes");
    TCase *td = tcase_create("degenerate");
    TCase *te = tcase_create("errors");
    TCase *tr = tcase_create("random");

    tcase_add_test(ta, test_braid);
    tcase_add_test(ta, test_shi_catalan);
    tcase_add_test(ta, test_generic_arrangements);
    tcase_add_test(t1, test_tent);
    tcase_add_test(t1, test_tent_20);
    tcase_add_test(t1, test_zigzag);
    tcase_add_test(tz, test_zonotope);
    tcase_add_test(tz, test_zonotope_tent);
    tcase_add_test(td, test_coincident);
    tcase_add_test(td, test_parallel);
    tcase_add_test(td, test_concurrent);
    tcase_add_test(td, test_dead_and_vanishing);
    tcase_add_test(td, test_cancelled_kink);
    tcase_add_test(td, test_vertex_touch);
    tcase_add_test(te, test_domain_errors);
    tcase_add_test(te, test_max_regions);
    tcase_add_test(te, test_limit_within_layer);
    tcase_add_test(te, test_no_states);
    tcase_add_test(tr, test_random_2d);
    tcase_add_test(tr, test_random_slice);
    tcase_add_test(tr, test_random_line);
    tcase_add_test(tr, test_random_arrangement_boxes);
    tcase_add_test(tr, test_threads_and_chunks);
    /* generous: valgrind runs and slow machines */
    tcase_set_timeout(ta, 300);
    tcase_set_timeout(t1, 300);
    tcase_set_timeout(tz, 300);
    tcase_set_timeout(td, 300);
    tcase_set_timeout(te, 300);
    tcase_set_timeout(tr, 600);
    suite_add_tcase(s, ta);
    suite_add_tcase(s, t1);
    suite_add_tcase(s, tz);
    suite_add_tcase(s, td);
    suite_add_tcase(s, te);
    suite_add_tcase(s, tr);
    return test_run(s);
}
