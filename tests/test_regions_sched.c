/* The n-D region method on work units (cpwl/sched.h): the cell codec,
   the enumeration against the implementation before the units refactor
   (a table of constants), against the 2-D method, on threads, and
   interrupted, checkpointed and resumed; checkpoints of other runs are
   refused. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flint/fmpq_vec.h>
#include "cpwl.h"
#include "testutil.h"
#include "regions_cells_io.h"

#define SEED test_seed_once(20261207)

/* ---- the reference table (shared by the generator and the test) ---- */

#define TABLE_N 12

/* Net k of the table: input dim 3 or 4, 2 or 3 hidden layers of widths
   2..5 with small fractions, on a box [-1, 2]^n (even k) or all of R^n. */
static void table_net(cpwl_net_t net, fmpq *lo, fmpq *hi, int *box, slong k)
{
    test_rng r;
    slong n, i;
    r.s = 0x5eedULL + 7919 * (uint64_t) k;
    n = 3 + (k % 4 >= 2);
    test_random_net_widths(net, &r, n, 3 + (k % 3 == 2), 2, 5 - (k % 3 == 2),
                           TEST_FRACTIONS);
    *box = k % 2 == 0;
    for (i = 0; i < n; i++)
    {
        fmpq_set_si(lo + i, -1, 1);
        fmpq_set_si(hi + i, 2, 1);
    }
}

/* FNV-1a over bytes */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t fnv_q(uint64_t h, const fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
    {
        char *s = fmpq_get_str(NULL, 10, v + i);
        h = fnv(h, s, strlen(s) + 1);
        flint_free(s);
    }
    return h;
}

/* The ordered list of cells: patterns, points, maps, linear indices. */
static uint64_t cells_hash(const cpwl_regions_struct *R)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    slong i;
    for (i = 0; i < R->ncells; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + i;
        h = fnv(h, c->state, R->nstates);
        if (c->point)
            h = fnv_q(h, c->point, R->d);
        if (c->grad)
        {
            h = fnv_q(h, c->grad, R->m * R->d);
            h = fnv_q(h, c->offset, R->m);
        }
        h = fnv(h, &c->linear, sizeof(slong));
    }
    return h;
}

/* (k, regions, linear regions, LPs, sign decisions, hash of the ordered
   cells) of table_net(k) with linear, points and maps, computed by
   cpwl_regions_nd before the units refactor (the implementation of
   commit a65baa0, layer by layer over all polyhedra). */
static const struct
{
    slong k, cells, linear, lps;
    ulong signs;
    uint64_t hash;
}
table_ref[TABLE_N] = {
    {0, 52, 48, 135, 601, UINT64_C(0x7fb01d9c01abeb46)},
    {1, 22, 16, 71, 180, UINT64_C(0x90c0510026a87359)},
    {2, 14, 14, 143, 289, UINT64_C(0x2dc62c897d6dc35f)},
    {3, 91, 81, 217, 602, UINT64_C(0xd2a227256f7929ea)},
    {4, 4, 4, 7, 39, UINT64_C(0x6712f47bad5d5e68)},
    {5, 8, 8, 41, 66, UINT64_C(0x71d5680e77c7e284)},
    {6, 171, 171, 380, 1977, UINT64_C(0x4104aa8d417495e9)},
    {7, 19, 13, 59, 153, UINT64_C(0x0b3c370efc16558e)},
    {8, 19, 12, 158, 383, UINT64_C(0xa5e685ba396a3ee9)},
    {9, 87, 87, 216, 692, UINT64_C(0x9e531fb10b590fe8)},
    {10, 58, 37, 423, 998, UINT64_C(0x423214fbebbff431)},
    {11, 147, 45, 2056, 1681, UINT64_C(0xe75945080116e8e0)},
};

/* ---- running ------------------------------------------------------------ */

typedef struct
{
    slong calls, after;         /* units collected, interrupt after this many */
    slong unit_layer;           /* the layer argument of a unit's report */
    volatile sig_atomic_t flag;
}
stopper;

/* Counts the units collected (their progress reports) and raises the
   interrupt after `after` of them. */
static void stop_progress(void *data, slong layer, slong nlayers, slong cells)
{
    stopper *S = data;
    (void) nlayers;
    (void) cells;
    if (layer != S->unit_layer)
    {
        /* the first layer's report: before any unit */
        if (S->after == 0)
            S->flag = 1;
        return;
    }
    if (++S->calls >= S->after && S->after >= 0)
        S->flag = 1;
}

typedef struct
{
    slong cells, linear, lps, lower;
    int stopped;
    ulong signs;
    uint64_t hash;
}
outcome;

static outcome run(const cpwl_net_t net, const fmpq *lo, const fmpq *hi,
                   int linear, int list, cpwl_sched_struct *s, stopper *S)
{
    cpwl_regions_t R;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t pc;
    cpwl_err_t e;
    outcome out;

    cpwl_pred_ctx_init(pc);
    cpwl_err_init(e);
    cpwl_regions_opts_init(&o, pc);
    o.linear = linear;
    o.points = o.maps = list;
    o.sched = s;
    if (S != NULL)
    {
        o.progress = stop_progress;
        o.progress_data = S;
        o.interrupt = &S->flag;
        if (s != NULL)
            s->interrupt = &S->flag;
    }
    cpwl_regions_init(R, net->input_dim, cpwl_net_output_dim(net),
                      cpwl_net_num_states(net));
    ck_assert_msg(cpwl_regions_nd(R, net, lo, hi, &o, e) == CPWL_OK, "%s",
                  e->msg);
    out.cells = R->ncells;
    out.linear = R->nlinear;
    out.lps = R->lp_solved;
    out.signs = cpwl_pred_ctx_total(pc);
    out.hash = cells_hash(R);
    out.stopped = R->stopped;
    out.lower = R->lower_bound;
    cpwl_regions_clear(R);
    cpwl_pred_ctx_clear(pc);
    cpwl_err_clear(e);
    return out;
}

static void assert_same(outcome a, outcome b, const char *what, slong k)
{
    ck_assert_msg(a.cells == b.cells && a.linear == b.linear
                  && a.lps == b.lps && a.signs == b.signs && a.hash == b.hash
                  && a.stopped == b.stopped,
                  "%s, net %ld: cells %ld/%ld, linear %ld/%ld, LPs %ld/%ld, "
                  "signs %lu/%lu, hash %llx/%llx", what, (long) k,
                  (long) a.cells, (long) b.cells, (long) a.linear,
                  (long) b.linear, (long) a.lps, (long) b.lps, a.signs,
                  b.signs, (unsigned long long) a.hash,
                  (unsigned long long) b.hash);
}

/* ---- the cell codec ----------------------------------------------------- */

static void rand_vec(fmpq *v, slong n, test_rng *r)
{
    slong i;
    for (i = 0; i < n; i++)
        test_fmpq(v + i, r, (int) test_range(r, 0, 80));
}

static int vec_eq(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    if ((a == NULL) != (b == NULL))
        return 0;
    for (i = 0; a != NULL && i < n; i++)
        if (!fmpq_equal(a + i, b + i))
            return 0;
    return 1;
}

START_TEST(test_cell_codec)
{
    test_rng r;
    slong it, i;
    r.s = SEED;
    for (it = 0; it < test_iters(200); it++)
    {
        slong d = test_range(&r, 1, 4), m = test_range(&r, 1, 3);
        slong ns = test_range(&r, 0, 40), n = test_range(&r, 0, 6);
        cpwl_regions_t R, Q;
        cpwl_sched_buf b;
        cpwl_sched_rd rd;
        cpwl_regions_init(R, d, m, ns);
        cpwl_regions_init(Q, d, m, ns);
        for (i = 0; i < n; i++)
        {
            cpwl_regions_cell_struct *c = cpwl_regions_add_cell(R);
            slong j;
            for (j = 0; j < ns; j++)
                c->state[j] = (unsigned char) test_range(&r, 0, 1);
            if (test_range(&r, 0, 3) == 0)
            {
                flint_free(c->state);
                c->state = NULL;
            }
            if (test_range(&r, 0, 1))
            {
                c->point = _fmpq_vec_init(d);
                rand_vec(c->point, d, &r);
            }
            if (test_range(&r, 0, 1))
            {
                c->grad = _fmpq_vec_init(m * d);
                c->offset = _fmpq_vec_init(m);
                rand_vec(c->grad, m * d, &r);
                rand_vec(c->offset, m, &r);
            }
            if (test_range(&r, 0, 1))
            {
                c->nverts = test_range(&r, 0, 5);
                c->nrays = test_range(&r, 0, 3);
                c->verts = _fmpq_vec_init(c->nverts * d);
                c->rays = _fmpq_vec_init(c->nrays * d);
                rand_vec(c->verts, c->nverts * d, &r);
                rand_vec(c->rays, c->nrays * d, &r);
                c->bounded = (int) test_range(&r, -1, 1);
            }
            c->linear = test_range(&r, -1, 1000);
        }
        cpwl_sched_buf_init(&b);
        regions_cells_put(&b, R, 0, R->ncells);
        cpwl_sched_rd_init(&rd, b.data, b.len);
        ck_assert_msg(regions_cells_get(Q, &rd) == 0, "iteration %ld", (long) it);
        ck_assert(cpwl_sched_rd_done(&rd));
        ck_assert_int_eq(Q->ncells, R->ncells);
        for (i = 0; i < n; i++)
        {
            const cpwl_regions_cell_struct *a = R->cells + i, *c = Q->cells + i;
            ck_assert((a->state == NULL) == (c->state == NULL));
            ck_assert(a->state == NULL || memcmp(a->state, c->state, ns) == 0
                      || ns == 0);
            ck_assert(vec_eq(a->point, c->point, d));
            ck_assert(vec_eq(a->grad, c->grad, m * d));
            ck_assert(vec_eq(a->offset, c->offset, m));
            ck_assert_int_eq(a->nverts, c->nverts);
            ck_assert_int_eq(a->nrays, c->nrays);
            if (a->nverts >= 0)
            {
                ck_assert(vec_eq(a->verts, c->verts, a->nverts * d));
                ck_assert(vec_eq(a->rays, c->rays, a->nrays * d));
            }
            ck_assert_int_eq(a->bounded, c->bounded);
            ck_assert_int_eq(a->linear, c->linear);
        }
        /* the payload without its last token does not parse */
        if (n > 0)
        {
            size_t len = b.len;
            cpwl_regions_t T;
            while (len > 0 && b.data[len - 1] != ' ')
                len--;
            cpwl_regions_init(T, d, m, ns);
            cpwl_sched_rd_init(&rd, b.data, len > 0 ? len - 1 : 0);
            ck_assert(regions_cells_get(T, &rd) != 0);
            cpwl_regions_clear(T);
        }
        cpwl_sched_buf_clear(&b);
        cpwl_regions_clear(R);
        cpwl_regions_clear(Q);
    }
}
END_TEST

/* ---- against the implementation before the units ------------------------ */

START_TEST(test_table)
{
    slong k;
    for (k = 0; k < TABLE_N; k++)
    {
        cpwl_net_t net;
        fmpq *lo = _fmpq_vec_init(4), *hi = _fmpq_vec_init(4);
        int box;
        outcome a, b;
        cpwl_net_init(net, 1);
        table_net(net, lo, hi, &box, k);
        a = run(net, box ? lo : NULL, box ? hi : NULL, 1, 1, NULL, NULL);
        b.cells = table_ref[k].cells;
        b.linear = table_ref[k].linear;
        b.lps = table_ref[k].lps;
        b.signs = table_ref[k].signs;
        b.hash = table_ref[k].hash;
        b.stopped = 0;
        assert_same(a, b, "against the pre-units implementation", k);
        cpwl_net_clear(net);
        _fmpq_vec_clear(lo, 4);
        _fmpq_vec_clear(hi, 4);
    }
}
END_TEST

/* 2-input nets: the n-D method and the 2-D method (an independent
   algorithm) find the same set of patterns. */
START_TEST(test_vs_2d)
{
    test_rng r;
    slong it;
    r.s = SEED ^ 0x2d;
    for (it = 0; it < test_iters(12); it++)
    {
        cpwl_net_t net;
        cpwl_dom_t D;
        cpwl_regions_t A, B;
        cpwl_regions_opts o;
        cpwl_pred_ctx_t pc;
        cpwl_err_t e;
        slong i;
        cpwl_net_init(net, 2);
        test_rich_net(net, &r, 2, test_range(&r, 3, 4), 4);
        cpwl_dom_init(D);
        cpwl_err_init(e);
        if (it % 2)
            cpwl_dom_set_all(D, 2);
        else
            ck_assert(cpwl_dom_set_str(D, 2, "-1:2,-2:1", NULL, NULL, e)
                      == CPWL_OK);
        cpwl_pred_ctx_init(pc);
        cpwl_regions_opts_init(&o, pc);
        cpwl_regions_init(A, 2, 1, 0);
        cpwl_regions_init(B, 2, 1, 0);
        o.method = CPWL_REGIONS_ND;
        ck_assert_msg(cpwl_regions_compute(A, net, D, &o, e) == CPWL_OK, "%s",
                      e->msg);
        o.method = CPWL_REGIONS_2D;
        ck_assert_msg(cpwl_regions_compute(B, net, D, &o, e) == CPWL_OK, "%s",
                      e->msg);
        ck_assert_msg(A->ncells == B->ncells, "net %ld: %ld n-D, %ld 2-D regions",
                      (long) it, (long) A->ncells, (long) B->ncells);
        cpwl_regions_sort(A);
        cpwl_regions_sort(B);
        for (i = 0; i < A->ncells; i++)
            ck_assert(memcmp(A->cells[i].state, B->cells[i].state,
                             A->nstates) == 0 || A->nstates == 0);
        cpwl_regions_clear(A);
        cpwl_regions_clear(B);
        cpwl_pred_ctx_clear(pc);
        cpwl_err_clear(e);
        cpwl_dom_clear(D);
        cpwl_net_clear(net);
    }
}
END_TEST

/* ---- threads ------------------------------------------------------------ */

START_TEST(test_threads)
{
    slong k, list;
    for (k = 0; k < TABLE_N; k++)
        for (list = 0; list < 2; list++)
        {
            cpwl_net_t net;
            fmpq *lo = _fmpq_vec_init(4), *hi = _fmpq_vec_init(4);
            int box;
            cpwl_sched_t s;
            outcome a, b;
            cpwl_net_init(net, 1);
            table_net(net, lo, hi, &box, k);
            a = run(net, box ? lo : NULL, box ? hi : NULL, list, list, NULL, NULL);
            cpwl_sched_init(s);
            s->threads = 3;
            b = run(net, box ? lo : NULL, box ? hi : NULL, list, list, s, NULL);
            assert_same(a, b, "3 threads against 1", k);
            cpwl_sched_clear(s);
            cpwl_net_clear(net);
            _fmpq_vec_clear(lo, 4);
            _fmpq_vec_clear(hi, 4);
        }
}
END_TEST

/* ---- checkpoints -------------------------------------------------------- */

static char *ckpt_path(const char *tag)
{
    char *p = flint_malloc(256);
    const char *dir = getenv("TMPDIR");
    snprintf(p, 256, "%s/cpwl_regions_sched_%ld_%s.ckpt",
             dir != NULL && *dir ? dir : "/tmp", (long) getpid(), tag);
    return p;
}

static char *key_of(const cpwl_net_t net, const fmpq *lo, const fmpq *hi,
                    int linear, int list)
{
    cpwl_dom_t D;
    cpwl_regions_opts o;
    cpwl_pred_ctx_t pc;
    cpwl_err_t e;
    char *key, buf[256];
    slong i, n = net->input_dim;
    cpwl_dom_init(D);
    cpwl_err_init(e);
    if (lo == NULL)
        cpwl_dom_set_all(D, n);
    else
    {
        buf[0] = '\0';
        for (i = 0; i < n; i++)
        {
            char *a = fmpq_get_str(NULL, 10, lo + i), *b = fmpq_get_str(NULL, 10, hi + i);
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s:%s",
                     i ? "," : "", a, b);
            flint_free(a);
            flint_free(b);
        }
        ck_assert(cpwl_dom_set_str(D, n, buf, NULL, NULL, e) == CPWL_OK);
    }
    cpwl_pred_ctx_init(pc);
    cpwl_regions_opts_init(&o, pc);
    o.method = CPWL_REGIONS_ND;
    o.linear = linear;
    o.points = o.maps = list;
    key = cpwl_regions_ckpt_key(net, D, &o);
    cpwl_pred_ctx_clear(pc);
    cpwl_dom_clear(D);
    cpwl_err_clear(e);
    return key;
}

/* Interrupted after k units (several k), checkpointed, resumed by a
   fresh scheduler: the cells, counts and sign decisions of the
   uninterrupted run, with only the units not recorded computed. */
START_TEST(test_resume)
{
    slong k, after, list;
    char *path = ckpt_path("resume");
    for (k = 0; k < TABLE_N; k += 3)
        for (list = 0; list < 2; list++)
        {
            cpwl_net_t net;
            fmpq *lo = _fmpq_vec_init(4), *hi = _fmpq_vec_init(4);
            const fmpq *L, *H;
            int box;
            char *key;
            slong units;
            outcome a, b, c;
            cpwl_sched_t s;
            cpwl_err_t e;

            cpwl_net_init(net, 1);
            table_net(net, lo, hi, &box, k);
            L = box ? lo : NULL;
            H = box ? hi : NULL;
            key = key_of(net, L, H, list, list);
            cpwl_err_init(e);
            a = run(net, L, H, list, list, NULL, NULL);
            /* the number of units */
            cpwl_sched_init(s);
            run(net, L, H, list, list, s, NULL);
            units = s->stats.units_run;
            cpwl_sched_clear(s);
            ck_assert(units >= 2);
            for (after = 0; after < units; after += 1 + units / 4)
            {
                stopper S;
                memset(&S, 0, sizeof S);
                S.after = after;
                S.unit_layer = net->nlayers - 1;
                remove(path);
                cpwl_sched_init(s);
                ck_assert_msg(cpwl_sched_checkpoint(s, path, 1e9, "regions", key, e)
                              == CPWL_OK, "%s", e->msg);
                b = run(net, L, H, list, list, s, &S);
                ck_assert_msg(b.stopped == CPWL_REGIONS_STOP_INTERRUPT,
                              "net %ld, after %ld units: not stopped", (long) k,
                              (long) after);
                ck_assert(b.lower >= 1 && b.lower <= a.cells);
                ck_assert(b.cells == 0);
                cpwl_sched_clear(s);

                cpwl_sched_init(s);
                ck_assert_msg(cpwl_sched_resume(s, path, "regions", key, e)
                              == CPWL_OK, "%s", e->msg);
                c = run(net, L, H, list, list, s, NULL);
                assert_same(a, c, "resumed", k);
                ck_assert_msg(s->stats.units_replayed == after
                              && s->stats.units_run == units - after,
                              "net %ld, after %ld of %ld units: %ld replayed, "
                              "%ld run", (long) k, (long) after, (long) units,
                              (long) s->stats.units_replayed,
                              (long) s->stats.units_run);
                cpwl_sched_clear(s);
            }
            remove(path);
            flint_free(key);
            cpwl_err_clear(e);
            cpwl_net_clear(net);
            _fmpq_vec_clear(lo, 4);
            _fmpq_vec_clear(hi, 4);
        }
    flint_free(path);
}
END_TEST

/* A checkpoint of another net, another box or other options is refused,
   the differing field named. */
START_TEST(test_refused)
{
    char *path = ckpt_path("refused"), *key, *other;
    cpwl_net_t net, net2;
    fmpq *lo = _fmpq_vec_init(4), *hi = _fmpq_vec_init(4);
    int box, i;
    cpwl_sched_t s;
    cpwl_err_t e;
    const char *field[3] = {"net", "domain", "linear"};

    cpwl_err_init(e);
    cpwl_net_init(net, 1);
    cpwl_net_init(net2, 1);
    table_net(net, lo, hi, &box, 0);
    table_net(net2, lo, hi, &box, 4);       /* also 3 inputs */
    ck_assert_int_eq(net->input_dim, net2->input_dim);
    key = key_of(net, lo, hi, 0, 0);
    remove(path);
    cpwl_sched_init(s);
    ck_assert(cpwl_sched_checkpoint(s, path, 1e9, "regions", key, e) == CPWL_OK);
    run(net, lo, hi, 0, 0, s, NULL);
    ck_assert_msg(cpwl_sched_finish(s, e) == CPWL_OK, "%s", e->msg);
    cpwl_sched_clear(s);
    for (i = 0; i < 3; i++)
    {
        if (i == 0)
            other = key_of(net2, lo, hi, 0, 0);
        else if (i == 1)
        {
            fmpq_set_si(hi + 1, 3, 1);
            other = key_of(net, lo, hi, 0, 0);
            fmpq_set_si(hi + 1, 2, 1);
        }
        else
            other = key_of(net, lo, hi, 1, 0);
        cpwl_err_clear(e);
        cpwl_err_init(e);
        cpwl_sched_init(s);
        ck_assert(cpwl_sched_resume(s, path, "regions", other, e) == CPWL_ERR_INPUT);
        ck_assert_msg(strstr(e->msg, field[i]) != NULL
                      && strstr(e->msg, path) != NULL,
                      "the message does not name %s and the file: %s", field[i],
                      e->msg);
        cpwl_sched_clear(s);
        flint_free(other);
    }
    /* the same run is accepted, of the other kind not */
    cpwl_sched_init(s);
    ck_assert(cpwl_sched_resume(s, path, "regions", key, e) == CPWL_OK);
    cpwl_sched_clear(s);
    cpwl_sched_init(s);
    ck_assert(cpwl_sched_resume(s, path, "equiv", key, e) == CPWL_ERR_INPUT);
    cpwl_sched_clear(s);
    remove(path);
    flint_free(key);
    flint_free(path);
    cpwl_net_clear(net);
    cpwl_net_clear(net2);
    _fmpq_vec_clear(lo, 4);
    _fmpq_vec_clear(hi, 4);
    cpwl_err_clear(e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("regions_sched");
    TCase *tc = tcase_create("regions_sched");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_cell_codec);
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_vs_2d);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_resume);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return test_run(s);
}
