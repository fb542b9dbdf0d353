/* Tests of exact ERM on work units (cpwl/sched.h): the group search on a
   scheduler against every cell solved (no pruning, the reference) and
   against the previous per-cell method; the optimal cell checked by
   solving it on its own and by the loss of the network; threads 1 and 3
   identical; interrupted runs checkpointed after k units and resumed
   equal to the uninterrupted run, computing only the units not recorded;
   a better-placed shared value (as another process would send) changes
   nothing but the work; checkpoints of other data or width refused. */
#include <string.h>
#include <unistd.h>
#include "testutil.h"

#define SEED 20261207

static void load(cpwl_erm_data_t data, const char *csv)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_data_read_str(data, csv, strlen(csv), "test", e)
                  == CPWL_OK, "%s", e->msg);
}

/* Seeded data: coordinates k/2 or k/3 (repeats: rank-deficient
   dichotomies), labels p/q with q <= 4, or +-1 for the hinge loss. */
static void random_data(cpwl_erm_data_t data, test_rng *r, slong D, slong n,
                        int pm)
{
    char csv[2048];
    size_t len = 0;
    slong i, j;
    for (i = 0; i < D; i++)
    {
        for (j = 0; j < n; j++)
            len += snprintf(csv + len, sizeof csv - len, "%ld/%ld,",
                            (long) test_range(r, -6, 6),
                            (long) test_range(r, 2, 3));
        if (pm)
            len += snprintf(csv + len, sizeof csv - len, "%d\n",
                            test_range(r, 0, 1) ? 1 : -1);
        else
            len += snprintf(csv + len, sizeof csv - len, "%ld/%ld\n",
                            (long) test_range(r, -9, 9),
                            (long) test_range(r, 1, 4));
    }
    load(data, csv);
}

typedef struct
{
    slong calls, stop_at;
    volatile sig_atomic_t *flag;
}
stopper;

/* The progress callback runs once per collected unit: stop at the k-th. */
static void stop_progress(void *data, slong done, slong total,
                          const fmpq_t best)
{
    stopper *p = data;
    (void) done;
    (void) total;
    (void) best;
    if (++p->calls == p->stop_at)
        *p->flag = 1;
}

typedef struct
{
    cpwl_qp_loss loss;
    slong w;
    int bias;
}
problem;

static void opts_for(cpwl_erm_opts *o, cpwl_pred_ctx_t ctx, const problem *pb)
{
    cpwl_erm_opts_init(o, ctx);
    o->width = pb->w;
    o->loss = pb->loss;
    o->output_bias = pb->bias;
    o->max_cells = 0;
}

static void solve(cpwl_erm_result_t r, const cpwl_erm_data_t data,
                  cpwl_erm_opts *o, uint64_t seed)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_erm_solve(r, data, o, e) == CPWL_OK, "seed %llu: %s",
                  (unsigned long long) seed, e->msg);
}

/* The same answer: optimum, optimal cell (number, units, signs) and
   network. */
static void same_answer(const cpwl_erm_result_t a, const cpwl_erm_result_t b,
                        uint64_t seed, const char *what)
{
    char *x, *y;
    ck_assert_msg(!a->stopped && !b->stopped, "seed %llu: %s stopped",
                  (unsigned long long) seed, what);
    ck_assert_msg(fmpq_equal(a->optimum, b->optimum) && a->opt_cell == b->opt_cell
                  && a->units == b->units,
                  "seed %llu: %s: optimum %s cell %ld, against %s cell %ld",
                  (unsigned long long) seed, what,
                  fmpq_get_str(NULL, 10, a->optimum), (long) a->opt_cell,
                  fmpq_get_str(NULL, 10, b->optimum), (long) b->opt_cell);
    ck_assert(memcmp(a->cell, b->cell, a->units * sizeof(slong)) == 0);
    ck_assert(memcmp(a->sign, b->sign, a->units * sizeof(int)) == 0);
    x = cpwl_io_net_write_str(a->net);
    y = cpwl_io_net_write_str(b->net);
    ck_assert_msg(strcmp(x, y) == 0, "seed %llu: %s: networks differ",
                  (unsigned long long) seed, what);
    flint_free(x);
    flint_free(y);
}

static const problem problems[] = {
    {CPWL_QP_SQUARED, 1, 0}, {CPWL_QP_SQUARED, 2, 0}, {CPWL_QP_SQUARED, 3, 1},
    {CPWL_QP_SQUARED, 2, 1}, {CPWL_QP_L1, 2, 0}, {CPWL_QP_L1, 1, 1},
    {CPWL_QP_HINGE, 2, 1}, {CPWL_QP_HINGE, 1, 0}
};
#define NPROBLEMS ((slong) (sizeof(problems) / sizeof(problems[0])))

/* Data for problem i of run it: n = 1 (D 8..10) or n = 2 (D 6..7). */
static void data_for(cpwl_erm_data_t data, test_rng *r, slong i, slong it)
{
    slong n = (i + it) % 2 ? 2 : 1;
    slong D = n == 1 ? test_range(r, 8, 10) : test_range(r, 6, 7);
    if (problems[i].w == 3)
        D = n == 1 ? 7 : 5;
    random_data(data, r, D, n, problems[i].loss == CPWL_QP_HINGE);
}

/* (a) The groups on a scheduler against the reference (every cell solved
   exactly, no pruning) and the previous method: the same optimum; the
   optimal cell attains it (solved again on its own by the exact method)
   and so does the network; threads 1 and 3 give the same answer and the
   same work. */
START_TEST(test_reference_threads)
{
    const uint64_t base = test_seed(SEED + 1);
    slong it, i;
    for (it = 0; it < test_iters(2); it++)
        for (i = 0; i < NPROBLEMS; i++)
        {
            uint64_t seed = base + 100 * it + i;
            test_rng r;
            cpwl_erm_data_t data;
            cpwl_erm_result_t a, b, ref, prev;
            cpwl_erm_opts o;
            cpwl_pred_ctx_t ctx;
            cpwl_sched_t s1, s3;
            cpwl_qp_t P;
            cpwl_qp_sol_t sol;
            cpwl_erm_dich_t S;
            cpwl_err_t e;
            fmpq_t loss;
            r.s = seed;
            cpwl_erm_data_init(data);
            data_for(data, &r, i, it);
            cpwl_pred_ctx_init(ctx);
            cpwl_erm_result_init(a);
            cpwl_erm_result_init(b);
            cpwl_erm_result_init(ref);
            cpwl_erm_result_init(prev);
            opts_for(&o, ctx, problems + i);
            cpwl_sched_init(s1);
            s1->threads = 1;
            o.sched = s1;
            solve(a, data, &o, seed);
            cpwl_sched_init(s3);
            s3->threads = 3;
            o.sched = s3;
            solve(b, data, &o, seed);
            same_answer(a, b, seed, "threads 1 and 3");
            ck_assert_int_eq(a->solved, b->solved);
            ck_assert_int_eq(a->by_double, b->by_double);
            ck_assert_int_eq(a->pruned, a->cells - a->solved);
            o.sched = NULL;
            o.prune = 0;
            solve(ref, data, &o, seed);
            o.prune = 1;
            o.per_cell_bounds = 1;
            solve(prev, data, &o, seed);
            ck_assert_msg(fmpq_equal(a->optimum, ref->optimum)
                          && fmpq_equal(a->optimum, prev->optimum),
                          "seed %llu: groups %s, reference %s, previous %s",
                          (unsigned long long) seed,
                          fmpq_get_str(NULL, 10, a->optimum),
                          fmpq_get_str(NULL, 10, ref->optimum),
                          fmpq_get_str(NULL, 10, prev->optimum));
            ck_assert_int_eq(ref->solved, ref->cells);
            /* the optimal cell, alone, by the exact method */
            cpwl_err_init(e);
            cpwl_erm_dich_init(S);
            ck_assert(cpwl_erm_dichotomies(S, data, ctx, e) == CPWL_OK);
            ck_assert_int_eq(S->count, a->dichotomies);
            cpwl_erm_cell_qp(P, data, S, a->cell, a->sign, a->units,
                             problems[i].loss, problems[i].bias);
            cpwl_qp_sol_init(sol, P);
            ck_assert(cpwl_qp_solve_exact(sol, P, e) == CPWL_OK);
            ck_assert_msg(fmpq_equal(sol->value, a->optimum), "seed %llu: "
                          "the optimal cell's value is not the optimum",
                          (unsigned long long) seed);
            fmpq_init(loss);
            cpwl_erm_net_loss(loss, a->net, data, problems[i].loss);
            ck_assert(fmpq_equal(loss, a->optimum));
            fmpq_clear(loss);
            cpwl_qp_sol_clear(sol);
            cpwl_qp_clear(P);
            cpwl_erm_dich_clear(S);
            cpwl_sched_clear(s1);
            cpwl_sched_clear(s3);
            cpwl_erm_result_clear(a);
            cpwl_erm_result_clear(b);
            cpwl_erm_result_clear(ref);
            cpwl_erm_result_clear(prev);
            cpwl_pred_ctx_clear(ctx);
            cpwl_erm_data_clear(data);
        }
}
END_TEST

static char *temp_path(void)
{
    const char *dir = getenv("TMPDIR");
    char *p = flint_malloc(4096);
    int fd;
    snprintf(p, 4096, "%s/cpwl_erm_sched_XXXXXX", dir != NULL && *dir ? dir
             : "/tmp");
    fd = mkstemp(p);
    ck_assert(fd >= 0);
    close(fd);
    return p;
}

/* The units of a whole run (one process: every unit computed). */
static slong total_units(const cpwl_sched_t s)
{
    return s->stats.units_run + s->stats.units_replayed;
}

/* (c) Interrupted after k units (k = 1, 2, 3, 5, 8, ...), checkpointed,
   resumed on a new scheduler: the uninterrupted answer and work, and
   only the units not recorded are computed; with pruning and without. */
START_TEST(test_interrupt_resume)
{
    const uint64_t base = test_seed(SEED + 2);
    static const slong ks[] = {1, 2, 3, 5, 8, 13, 40};
    slong i, j;
    char *path = temp_path();
    /* every problem with pruning, then three without (every cell) */
    for (i = 0; i < NPROBLEMS + 3; i++)
    {
        slong pi = i < NPROBLEMS ? i : i - NPROBLEMS + 1;
        uint64_t seed = base + i;
        test_rng r;
        cpwl_erm_data_t data;
        cpwl_erm_result_t full;
        cpwl_erm_opts o;
        cpwl_pred_ctx_t ctx;
        cpwl_sched_t s0;
        char *key;
        slong units, nstopped = 0;
        r.s = seed;
        cpwl_erm_data_init(data);
        data_for(data, &r, pi, 0);
        cpwl_pred_ctx_init(ctx);
        opts_for(&o, ctx, problems + pi);
        o.prune = i < NPROBLEMS;
        cpwl_erm_ckpt_key(&key, data, &o);
        cpwl_erm_result_init(full);
        cpwl_sched_init(s0);
        o.sched = s0;
        solve(full, data, &o, seed);
        units = total_units(s0);
        cpwl_sched_clear(s0);
        for (j = 0; j < (slong) (sizeof(ks) / sizeof(ks[0])); j++)
        {
            volatile sig_atomic_t flag = 0;
            stopper st = {0, ks[j], &flag};
            cpwl_sched_t s1, s2;
            cpwl_erm_result_t part, res;
            cpwl_err_t e;
            slong recorded;
            cpwl_err_init(e);
            unlink(path);
            cpwl_sched_init(s1);
            s1->interrupt = &flag;
            ck_assert_msg(cpwl_sched_checkpoint(s1, path, 1e9, CPWL_ERM_CKPT_KIND,
                                                key, e) == CPWL_OK, "%s", e->msg);
            o.sched = s1;
            o.interrupt = &flag;
            o.progress = stop_progress;
            o.progress_data = &st;
            cpwl_erm_result_init(part);
            solve(part, data, &o, seed);
            ck_assert(cpwl_sched_finish(s1, e) == CPWL_OK);
            if (!part->stopped)
            {
                /* fewer units than k: the whole run */
                same_answer(part, full, seed, "not stopped");
                cpwl_erm_result_clear(part);
                cpwl_sched_clear(s1);
                break;
            }
            nstopped++;
            recorded = s1->stats.units_run;
            cpwl_erm_result_clear(part);
            cpwl_sched_clear(s1);
            /* resume: a new scheduler, no interrupt */
            cpwl_sched_init(s2);
            ck_assert_msg(cpwl_sched_resume(s2, path, CPWL_ERM_CKPT_KIND, key, e)
                          == CPWL_OK, "seed %llu: %s",
                          (unsigned long long) seed, e->msg);
            o.sched = s2;
            o.interrupt = NULL;
            o.progress = NULL;
            cpwl_erm_result_init(res);
            solve(res, data, &o, seed);
            same_answer(res, full, seed, "resumed");
            /* one process: the work replayed is the work done */
            ck_assert_int_eq(res->solved, full->solved);
            ck_assert_int_eq(res->by_double, full->by_double);
            ck_assert_int_eq(res->pruned, full->pruned);
            ck_assert_int_eq(s2->stats.units_replayed, recorded);
            ck_assert_int_eq(s2->stats.units_run, units - recorded);
            cpwl_erm_result_clear(res);
            cpwl_sched_clear(s2);
        }
        /* k = 1 stops every run of more than one unit */
        ck_assert(units == 1 || nstopped >= 1);
        flint_free(key);
        cpwl_erm_result_clear(full);
        cpwl_pred_ctx_clear(ctx);
        cpwl_erm_data_clear(data);
    }
    unlink(path);
    flint_free(path);
}
END_TEST

/* A shared best equal to the optimum but placed late in the visit order
   (another process found an equal value later): the answer is the same,
   the work at most the same. */
START_TEST(test_shared_bound)
{
    const uint64_t base = test_seed(SEED + 3);
    slong i;
    for (i = 0; i < NPROBLEMS; i++)
    {
        uint64_t seed = base + i;
        test_rng r;
        cpwl_erm_data_t data;
        cpwl_erm_result_t a, b;
        cpwl_erm_opts o;
        cpwl_pred_ctx_t ctx;
        cpwl_sched_t s;
        r.s = seed;
        cpwl_erm_data_init(data);
        data_for(data, &r, i, 1);
        cpwl_pred_ctx_init(ctx);
        opts_for(&o, ctx, problems + i);
        cpwl_erm_result_init(a);
        cpwl_erm_result_init(b);
        solve(a, data, &o, seed);
        cpwl_sched_init(s);
        cpwl_sched_offer(s, a->optimum, WORD_MAX / 2);
        o.sched = s;
        solve(b, data, &o, seed);
        same_answer(a, b, seed, "a late shared optimum");
        ck_assert(b->solved <= a->solved);
        cpwl_sched_clear(s);
        cpwl_erm_result_clear(a);
        cpwl_erm_result_clear(b);
        cpwl_pred_ctx_clear(ctx);
        cpwl_erm_data_clear(data);
    }
}
END_TEST

/* (d) A checkpoint of other data, or of another width, is refused, the
   message naming the field of the key that differs. */
static void refused(const char *path, const cpwl_erm_data_t data,
                    const cpwl_erm_opts *o, const char *field)
{
    cpwl_sched_t s;
    cpwl_err_t e;
    char *key;
    cpwl_err_init(e);
    cpwl_erm_ckpt_key(&key, data, o);
    cpwl_sched_init(s);
    ck_assert(cpwl_sched_resume(s, path, CPWL_ERM_CKPT_KIND, key, e)
              == CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, field) != NULL, "message '%s' lacks '%s'",
                  e->msg, field);
    cpwl_sched_clear(s);
    flint_free(key);
}

START_TEST(test_mismatch)
{
    const uint64_t base = test_seed(SEED + 4);
    test_rng r;
    cpwl_erm_data_t data, other;
    cpwl_erm_result_t a;
    cpwl_erm_opts o;
    cpwl_pred_ctx_t ctx;
    cpwl_sched_t s;
    cpwl_err_t e;
    char *key, *path = temp_path();
    r.s = base;
    cpwl_erm_data_init(data);
    cpwl_erm_data_init(other);
    random_data(data, &r, 8, 1, 0);
    /* the same points, one label changed */
    {
        slong k;
        other->D = data->D;
        other->n = data->n;
        other->X = _fmpq_vec_init(data->D * data->n);
        other->y = _fmpq_vec_init(data->D);
        for (k = 0; k < data->D * data->n; k++)
            fmpq_set(other->X + k, data->X + k);
        for (k = 0; k < data->D; k++)
            fmpq_set(other->y + k, data->y + k);
        fmpq_add_si(other->y + 3, other->y + 3, 1);
    }
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&o, ctx);
    o.width = 2;
    cpwl_err_init(e);
    cpwl_erm_ckpt_key(&key, data, &o);
    cpwl_sched_init(s);
    ck_assert(cpwl_sched_checkpoint(s, path, 1e9, CPWL_ERM_CKPT_KIND, key, e)
              == CPWL_OK);
    o.sched = s;
    cpwl_erm_result_init(a);
    solve(a, data, &o, base);
    ck_assert(cpwl_sched_finish(s, e) == CPWL_OK);
    cpwl_sched_clear(s);
    o.sched = NULL;
    refused(path, other, &o, "data");
    o.width = 3;
    refused(path, data, &o, "width");
    o.width = 2;
    o.output_bias = 1;
    refused(path, data, &o, "output_bias");
    o.output_bias = 0;
    o.loss = CPWL_QP_L1;
    refused(path, data, &o, "loss");
    flint_free(key);
    unlink(path);
    flint_free(path);
    cpwl_erm_result_clear(a);
    cpwl_pred_ctx_clear(ctx);
    cpwl_erm_data_clear(data);
    cpwl_erm_data_clear(other);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erm_sched");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_reference_threads);
    tcase_add_test(tc, test_interrupt_resume);
    tcase_add_test(tc, test_shared_bound);
    tcase_add_test(tc, test_mismatch);
    suite_add_tcase(s, tc);
    return test_run(s);
}
