/* Benchmark of exact ERM (issues 5 and 12): seeded data sets, width w,
   squared loss; subproblems, pruned share and seconds of the method of
   cpwl_erm_solve (one bound per group of cells, docs/erm.md), and in the same
   run the previous method (every cell bounded from its own subproblem,
   opts.per_cell_bounds) and the reference (no pruning, every cell solved
   by the exact method alone), with the ratios.  Each run is capped
   (SIGALRM stops it; the table then says so, and a ratio against a capped
   run is a lower bound).  When two runs complete, their exact optima must
   agree ("OPTIMUM DIFFERS" otherwise).  Speed is measured here, never in
   the tests. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cpwl.h"
#include "benchutil.h"

/* D points with coordinates k/100, k in [-500, 500], labels a noisy
   piecewise-linear function of them: a target a width-2 net fits
   partly. */
static void make_data(cpwl_erm_data_t data, slong D, slong n, uint64_t seed)
{
    slong i, j;
    uint64_t s = seed;
    cpwl_erm_data_clear(data);
    data->D = D;
    data->n = n;
    data->X = _fmpq_vec_init(D * n);
    data->y = _fmpq_vec_init(D);
    for (i = 0; i < D; i++)
    {
        slong sum = 0, dif = 0;
        for (j = 0; j < n; j++)
        {
            slong k = (slong) (next64(&s) % 1001) - 500;
            fmpq_set_si(data->X + i * n + j, k, 100);
            sum += k;
            dif = j ? dif - k : k;
        }
        /* y = |sum| - max(0, dif)/2 + noise, in hundredths */
        fmpq_set_si(data->y + i, (sum < 0 ? -sum : sum) - (dif > 0 ? dif / 2 : 0)
                    + (slong) (next64(&s) % 101) - 50 - 200, 100);
    }
}

typedef struct
{
    int ok, capped;
    double secs;
    slong cells, solved, pruned;
    fmpq_t opt;
}
run_result;

/* The methods compared. */
enum
{
    NEW,                        /* one bound per group of cells, filtered */
    PREVIOUS,                   /* every cell bounded from its subproblem */
    REFERENCE                   /* no pruning, exact method alone */
};

static void run(run_result *res, const cpwl_erm_data_t data, slong w, int method,
                int cap)
{
    cpwl_pred_ctx_t ctx;
    cpwl_erm_opts o;
    cpwl_erm_result_t r;
    cpwl_err_t e;
    double t0;
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&o, ctx);
    o.width = w;
    o.prune = method != REFERENCE;
    o.per_cell_bounds = method == PREVIOUS;
    o.exact_only = method == REFERENCE;
    o.max_cells = 0;
    o.interrupt = &stop_flag;
    cpwl_erm_result_init(r);
    cpwl_err_init(e);
    stop_flag = 0;
    alarm((unsigned) cap);
    t0 = now();
    res->ok = cpwl_erm_solve(r, data, &o, e) == CPWL_OK;
    res->secs = now() - t0;
    alarm(0);
    res->capped = r->stopped;
    res->cells = r->cells;
    res->solved = r->solved;
    res->pruned = r->pruned;
    fmpq_init(res->opt);
    fmpq_set(res->opt, r->optimum);
    if (!res->ok)
        fprintf(stderr, "bench_erm: %s\n", e->msg);
    cpwl_erm_result_clear(r);
    cpwl_pred_ctx_clear(ctx);
}

/* "seconds | speed-up" of run b against run a (the new method). */
static void compare(char *out, size_t len, const run_result *a,
                    const run_result *b, int cap)
{
    if (!b->ok)
        snprintf(out, len, "failed | -");
    else if (b->capped)
        snprintf(out, len, "> %d (cap, %ld of %ld solved) | %s", cap,
                 (long) b->solved, (long) b->cells, "");
    else
        snprintf(out, len, "%.3f | ", b->secs);
    if (b->ok && !a->capped)
    {
        size_t l = strlen(out);
        if (b->capped)
            snprintf(out + l, len - l, "> %.0fx", b->secs / a->secs);
        else
            snprintf(out + l, len - l, "%.1fx", b->secs / a->secs);
    }
    else if (b->ok)
        snprintf(out + strlen(out), len - strlen(out), "-");
    /* both complete: the same exact optimum, or the table says so */
    if (b->ok && !b->capped && !a->capped && !fmpq_equal(a->opt, b->opt))
        snprintf(out + strlen(out), len - strlen(out), " OPTIMUM DIFFERS");
}

int main(int argc, char **argv)
{
    static const slong cases[][3] = {
        {1, 20, 1}, {1, 20, 2}, {1, 20, 3}, {1, 50, 1}, {1, 50, 2},
        {1, 50, 3}, {1, 100, 1}, {1, 100, 2}, {1, 100, 3},
        {2, 10, 1}, {2, 10, 2}, {2, 20, 1}, {2, 20, 2}
    };
    slong c;
    int cap = argc > 1 ? atoi(argv[1]) : 60;
    /* bench_erm CAP n D w [previous|reference]: that case alone with one
       method (for profiling) */
    int one = argc > 4;
    struct sigaction sa;
    cpwl_erm_data_t data;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    cpwl_erm_data_init(data);
    if (one)
    {
        run_result a;
        slong n = atol(argv[2]), D = atol(argv[3]), w = atol(argv[4]);
        int m = argc > 5 ? (strcmp(argv[5], "previous") == 0 ? PREVIOUS
                            : REFERENCE) : NEW;
        make_data(data, D, n, 1000 * n + D);
        run(&a, data, w, m, cap);
        printf("n %ld D %ld w %ld: %ld subproblems, %ld solved, %.3f s%s, "
               "optimum ", (long) n, (long) D, (long) w, (long) a.cells,
               (long) a.solved, a.secs, a.capped ? " (cap)" : "");
        fmpq_print(a.opt);
        printf("\n");
        fmpq_clear(a.opt);
        cpwl_erm_data_clear(data);
        flint_cleanup();
        return 0;
    }
    printf("Exact ERM, squared loss, no output bias; seeded data; each run "
           "capped at %d s.\n", cap);
    printf("Previous method: every cell bounded from its own subproblem; "
           "reference: no pruning, exact method alone.\n\n");
    printf("| n | D | w | subproblems | solved | pruned %% | seconds | "
           "previous: seconds | speed-up | reference: seconds | speed-up |\n");
    printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (c = 0; c < (slong) (sizeof cases / sizeof cases[0]); c++)
    {
        slong n = cases[c][0], D = cases[c][1], w = cases[c][2];
        run_result a, b, ref;
        char pb[128], rb[128];
        make_data(data, D, n, 1000 * n + D);
        run(&a, data, w, NEW, cap);
        if (!a.ok)
        {
            fmpq_clear(a.opt);
            continue;
        }
        run(&b, data, w, PREVIOUS, cap);
        run(&ref, data, w, REFERENCE, cap);
        compare(pb, sizeof pb, &a, &b, cap);
        compare(rb, sizeof rb, &a, &ref, cap);
        printf("| %ld | %ld | %ld | %ld | %ld | %.1f | %.3f%s | %s | %s |\n",
               (long) n, (long) D, (long) w, (long) a.cells, (long) a.solved,
               a.cells ? 100.0 * a.pruned / a.cells : 0.0, a.secs,
               a.capped ? " (cap)" : "", pb, rb);
        fflush(stdout);
        fmpq_clear(a.opt);
        fmpq_clear(b.opt);
        fmpq_clear(ref.opt);
    }
    cpwl_erm_data_clear(data);
    flint_cleanup();
    return 0;
}
