/* cpwl sample: activation patterns sampled with the batched double path,
   counted as a proven lower bound on the activation regions.

   The helpers named cli_sampling_* are shared with crosscheck.c (which
   declares them): the sampling options of both commands. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

/* ---- shared with crosscheck.c ------------------------------------------ */


/* The --kernel value: auto or a kernel that runs on this CPU. */
int cli_sampling_kernel(int *kernel, const char *sub, const char *s)
{
    int k;
    for (k = 0; k < CPWL_BATCH_NUM_KERNELS; k++)
        if (!strcmp(s, cpwl_batch_kernel_name(k)))
            break;
    if (k == CPWL_BATCH_NUM_KERNELS)
        return cli_usage(sub, "--kernel: expected auto, portable, avx2 or "
                         "avx512, got \"%.40s\"", s);
    if (k != CPWL_BATCH_AUTO && !cpwl_batch_kernel_built(k))
        return cli_usage(sub, "--kernel %s: not built in this cpwl (configured "
                         "with --disable-simd, or not x86-64)", s);
    if (k != CPWL_BATCH_AUTO && !cpwl_batch_kernel_available(k))
    {
        char have[64] = "portable";
        int j;
        for (j = CPWL_BATCH_AVX2; j < CPWL_BATCH_NUM_KERNELS; j++)
            if (cpwl_batch_kernel_available(j))
            {
                strcat(have, ", ");
                strcat(have, cpwl_batch_kernel_name(j));
            }
        return cli_usage(sub, "--kernel %s: this CPU does not run it "
                         "(available here: %s)", s, have);
    }
    *kernel = k;
    return CPWL_OK;
}

void cli_sampling_args_init(cli_sampling_args *a)
{
    memset(a, 0, sizeof(cli_sampling_args));
    a->resolve = 1;
    a->kernel = CPWL_BATCH_AUTO;
    a->max_points = CPWL_SAMPLE_DEFAULT_MAX_POINTS;
}

int cli_sampling_option(cli_sampling_args *a, int c, const char *arg,
                        const char *sub)
{
    int st = CPWL_OK;
    switch (c)
    {
        case 'g': a->grid = arg; break;
        case 'N': a->resolve = 0; break;
        case 'p':
            st = cli_parse_slong(&a->points, sub, "--points", arg, 1,
                                 (slong) 1 << 52);
            break;
        case 'r':
            st = cli_parse_slong(&a->random, sub, "--random", arg, 1,
                                 WORD_MAX);
            break;
        case 'e':
            st = cli_parse_slong(&a->seed, sub, "--seed", arg, 0, WORD_MAX);
            a->seed_given = 1;
            break;
        case 't':
            st = cli_parse_slong(&a->threads, sub, "--threads", arg, 1, 1024);
            break;
        case 'k':
            st = cli_sampling_kernel(&a->kernel, sub, arg);
            break;
        case 'x':
            st = cli_parse_slong(&a->max_points, sub, "--max-points", arg, 1,
                                 WORD_MAX);
            break;
        default:
            return 0;
    }
    return st == CPWL_OK ? 1 : -1;
}

/* Grid axes are at most 2^52 long (sample.c of the library). */
#define CLI_AXIS_MAX ((slong) 1 << 52)

/* The largest k >= 1 with k^d <= 10^6: the default grid's axis size. */
static slong default_axis(slong d)
{
    slong k = 1, j;
    for (;;)
    {
        /* (k + 1)^d <= 10^6 ? */
        slong p = 1;
        for (j = 0; j < d && p <= 1000000; j++)
            p *= k + 1;
        if (p > 1000000)
            return k;
        k++;
    }
}

/* Sizes "AxBx..." for a d-dimensional domain into grid[0..d). */
static int parse_grid(slong *grid, const char *sub, const char *s, slong d)
{
    const char *p = s;
    slong count = 0;
    for (;;)
    {
        char *end;
        long v;
        errno = 0;
        v = strtol(p, &end, 10);
        if (end == p || (*end != 'x' && *end != 'X' && *end != '\0')
            || *p == '-' || *p == '+' || *p == ' ')
            return cli_usage(sub, "--grid: expected sizes such as 1000x1000 "
                             "(one per domain dimension), got \"%.40s\"", s);
        if (errno != 0 || v < 1 || v > CLI_AXIS_MAX)
            return cli_usage(sub, "--grid: size %ld is \"%.*s\"; every size "
                             "must be an integer from 1 to 2^52",
                             (long) count + 1, (int) FLINT_MIN(end - p, 40),
                             p);
        if (count < d)
            grid[count] = v;
        count++;
        if (*end == '\0')
            break;
        p = end + 1;
    }
    if (count != d)
        return cli_usage(sub,
                         "--grid: expected %ld size%s (one per dimension "
                         "of the domain), got %ld",
                         (long) d, d == 1 ? "" : "s", (long) count);
    return CPWL_OK;
}

/* Set the sampling mode of o from the options (one of --grid, --points,
   --random, or the default grid) on a d-dimensional domain; *grid (d
   entries, or NULL for random points) is allocated here, *total is the
   number of points.  Refuses more than max_points. */
int cli_sampling_plan(cpwl_sample_opts *o, slong **grid, slong *total,
                      const char *sub, slong d, const char *grid_s,
                      slong points, slong random, slong max_points,
                      int *is_default)
{
    slong i, t;
    int given = (grid_s != NULL) + (points > 0) + (random > 0);
    *grid = NULL;
    *is_default = 0;
    if (given > 1)
        return cli_usage(sub, "give only one of --grid, --points and "
                         "--random");
    if (random > 0)
    {
        o->mode = CPWL_SAMPLE_RANDOM;
        o->npoints = random;
        if (random > max_points)
            return cli_usage(sub, "--max-points: --random asks for %ld "
                             "points, more than the limit of %ld; raise "
                             "--max-points to allow it", (long) random,
                             (long) max_points);
        *total = random;
        return CPWL_OK;
    }
    if (points > 0 && d != 1)
        return cli_usage(sub, "--points N is the grid of a 1-D domain (a "
                         "--line, or a network with one input); this domain "
                         "has dimension %ld: use --grid", (long) d);
    *grid = flint_malloc(FLINT_MAX(d, 1) * sizeof(slong));
    if (grid_s != NULL)
    {
        if (parse_grid(*grid, sub, grid_s, d) != CPWL_OK)
        {
            flint_free(*grid);
            *grid = NULL;
            return CPWL_ERR_INPUT;
        }
    }
    else if (points > 0)
        (*grid)[0] = points;
    else
    {
        slong k = default_axis(d);
        for (i = 0; i < d; i++)
            (*grid)[i] = k;
        *is_default = 1;
    }
    for (i = 0, t = 1; i < d && t > 0; i++)
        t = t > WORD_MAX / (*grid)[i] ? -1 : t * (*grid)[i];
    if (t < 0 || t > max_points)
    {
        flint_free(*grid);
        *grid = NULL;
        if (t < 0)
            return cli_usage(sub, "--max-points: the grid has more than 2^63 "
                             "points, more than the limit of %ld",
                             (long) max_points);
        return cli_usage(sub, "--max-points: the grid has %ld points, more "
                         "than the limit of %ld; raise --max-points to allow "
                         "it", (long) t, (long) max_points);
    }
    o->mode = CPWL_SAMPLE_GRID;
    o->grid = *grid;
    o->ngrid = d;
    *total = t;
    return CPWL_OK;
}

/* The number of threads --threads N (0: all cores) stands for. */
slong cli_sampling_threads(slong threads)
{
    return cpwl_batch_threads((int) threads);
}

/* "grid 1000x1000 (1000000 points)" or "random, seed 7 (...)". */
void cli_sampling_describe(FILE *f, const cpwl_sample_t S, int is_default)
{
    slong i;
    if (S->mode == CPWL_SAMPLE_GRID)
    {
        fprintf(f, "grid ");
        for (i = 0; i < S->d; i++)
            fprintf(f, "%s%ld", i ? "x" : "", (long) S->grid[i]);
    }
    else
        fprintf(f, "random, seed %lu", (unsigned long) S->seed);
    fprintf(f, " (%ld points%s)", (long) S->planned,
            is_default ? ", the default" : "");
}

/* JSON keys "sampling" and "grid" or "seed". */
void cli_sampling_json(const cpwl_sample_t S)
{
    slong i;
    if (S->mode == CPWL_SAMPLE_GRID)
    {
        printf("\"sampling\": \"grid\", \"grid\": [");
        for (i = 0; i < S->d; i++)
            printf("%s%ld", i ? ", " : "", (long) S->grid[i]);
        printf("]");
    }
    else
        printf("\"sampling\": \"random\", \"seed\": %lu",
               (unsigned long) S->seed);
}

/* A packed pattern as cpwl_net_pattern_str writes it (free with flint_free). */
char *cli_sampling_pattern_str(const uint64_t *w, const cpwl_net_t net)
{
    slong ns = cpwl_net_num_states(net);
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    char *s;
    cpwl_batch_unpack(st, w, ns);
    s = cpwl_net_pattern_str(st, net);
    flint_free(st);
    return s;
}

/* Progress on stderr; data is a cli_progress_state. */
void cli_sampling_progress(void *data, slong done, slong total)
{
    cli_progress_state *p = data;
    char rate[CLI_RATE_SIZE];
    if (!cli_progress_due(p))
        return;
    cli_progress_line(p, "%ld/%ld points sampled, %s points/s",
                      (long) done, (long) total,
                      cli_progress_rate(rate, (double) done, p->start));
}

/* ---- cpwl sample ------------------------------------------------------- */

static void print_point(const cpwl_sample_t S, slong i, int json)
{
    fmpq *y = _fmpq_vec_init(FLINT_MAX(S->d, 1));
    cpwl_sample_point(y, S, i);
    if (json)
    {
        printf("[");
        cli_print_fmpq_vec(stdout, y, S->d, ", ", 1);
        printf("]");
    }
    else
        cli_print_fmpq_vec(stdout, y, S->d, ", ", 0);
    _fmpq_vec_clear(y, FLINT_MAX(S->d, 1));
}

/* Patterns in the order of their state bytes, as cpwl regions --list. */
static const cpwl_sample_struct *sort_S;
static unsigned char *sort_states;

static int cmp_pattern(const void *a, const void *b)
{
    slong i = *(const slong *) a, j = *(const slong *) b;
    slong ns = FLINT_MAX(sort_S->nstates, 1);
    return memcmp(sort_states + i * ns, sort_states + j * ns, ns);
}

static slong *pattern_order(const cpwl_sample_t S)
{
    slong ns = FLINT_MAX(S->nstates, 1), i;
    slong *ord = flint_malloc(FLINT_MAX(S->npatterns, 1) * sizeof(slong));
    sort_states = flint_calloc(FLINT_MAX(S->npatterns, 1) * ns, 1);
    for (i = 0; i < S->npatterns; i++)
    {
        cpwl_batch_unpack(sort_states + i * ns, S->patterns + i * S->words,
                          S->nstates);
        ord[i] = i;
    }
    sort_S = S;
    qsort(ord, S->npatterns, sizeof(slong), cmp_pattern);
    flint_free(sort_states);
    sort_states = NULL;
    return ord;
}

static void print_list(const cpwl_sample_t S, const cpwl_net_t net, int json)
{
    slong k, *ord = pattern_order(S);
    if (json)
        printf(", \"patterns_list\": [");
    for (k = 0; k < S->npatterns; k++)
    {
        slong i = ord[k];
        char *pat = cli_sampling_pattern_str(S->patterns + i * S->words, net);
        if (json)
        {
            printf(
                "%s{\"pattern\": \"%s\", \"points\": %ld, \"first_point\": ",
                k ? ",\n  " : "\n  ", pat, (long) S->counts[i]);
            print_point(S, S->first[i], 1);
            printf("}");
        }
        else
        {
            printf("pattern %s  points %ld  first (", pat[0] ? pat : "-",
                   (long) S->counts[i]);
            print_point(S, S->first[i], 0);
            printf(")\n");
        }
        flint_free(pat);
    }
    if (json)
        printf("]");
    flint_free(ord);
}

int cmd_sample(int argc, char **argv)
{
    static const struct option opts_l[] = {
        {"box", required_argument, NULL, 'b'},
        {"slice", required_argument, NULL, 's'},
        {"line", required_argument, NULL, 'l'},
        CLI_SAMPLING_LONGOPTS,
        {"list", no_argument, NULL, 'i'},
        {"json", no_argument, NULL, 'j'},
        {"stats", no_argument, NULL, 'S'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    const char *box = NULL, *slice = NULL, *line = NULL;
    int json = 0, list = 0, stats = 0, pmode = CLI_PROGRESS_AUTO;
    int c, status, is_default;
    slong total;
    slong *grid = NULL;
    cli_sampling_args sa;
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_sample_t S;
    cpwl_sample_opts opts;
    cli_progress_state progress;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    char *desc;
    double pps;
    struct sigaction old;
    cli_ckpt_args ca;
    cpwl_sched_t sched;
    int run_status;

    cli_sampling_args_init(&sa);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        switch (c)
        {
            case 'b': box = optarg; break;
            case 's': slice = optarg; break;
            case 'l': line = optarg; break;
            case 'i': list = 1; break;
            case 'j': json = 1; break;
            case 'S': stats = 1; break;
            case CLI_OPT_PROGRESS:
            case CLI_OPT_NO_PROGRESS:
                cli_progress_option(&pmode, c);
                break;
            default:
                if ((status = cli_sampling_option(&sa, c, optarg, "sample")) <
                    0)
                    return CPWL_ERR_INPUT;
                if (status == 0)
                    return cli_bad_option("sample", c, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage("sample", "expected one network file");
    if (cli_rank != 0)
        pmode = CLI_PROGRESS_OFF;       /* process 0 reports */
    if (sa.seed_given && sa.random == 0)
        return cli_usage("sample", "--seed goes with --random N");

    cpwl_net_init(net, 0);
    if ((status = cli_load_net(net, "sample", argv[optind])) != CPWL_OK)
    {
        cpwl_net_clear(net);
        return status;
    }
    cpwl_err_init(e);
    cpwl_dom_init(D);
    if (cli_dom_set(D, net->input_dim, box, slice, line, e) != CPWL_OK
        || (!D->bounded
            && cpwl_err_set(e, CPWL_ERR_INPUT, "sampling needs a bounded domain: "
                            "give --box (%s)", slice ? "\"slo:shi,tlo:thi\" in "
                            "slice coordinates" : line ? "\"lo:hi\" in line "
                            "coordinates" : "\"lo:hi,...\", one interval per "
                            "input")))
    {
        status = cli_fail("sample", e);
        goto out_dom;
    }

    cpwl_pred_ctx_init(ctx);
    cpwl_sample_opts_init(&opts, ctx);
    if ((status = cli_sampling_plan(&opts, &grid, &total, "sample", D->d,
                                    sa.grid, sa.points, sa.random,
                                    sa.max_points,
                                    &is_default)) != CPWL_OK)
        goto out_ctx;
    opts.seed = (ulong) sa.seed;
    opts.kernel = sa.kernel;
    opts.nthreads = (int) sa.threads;
    opts.resolve = sa.resolve;
    opts.max_points = sa.max_points;
    opts.interrupt = &cli_interrupted;
    cli_progress_init(&progress, "sample", pmode);
    if (progress.on)
    {
        opts.progress = cli_sampling_progress;
        opts.progress_data = &progress;
    }
    /* The processes of cpwl-mpi share the points; sampling is fast, so
       it has no checkpoint (empty checkpoint arguments). */
    cli_ckpt_args_init(&ca);
    if ((status = cli_sched_start(sched, &ca, "sample", "sample", "sample"))
        != CPWL_OK)
        goto out_ctx;
    opts.sched = sched;
    cli_catch_sigint(&old);
    cpwl_sample_init(S);
    run_status = cpwl_sample_run(S, net, D, &opts, e);
    cli_restore_sigint(&old);
    cli_progress_end(&progress);
    status = run_status == CPWL_OK ? CPWL_OK : cli_fail("sample", e);
    /* 130 when the scheduler was stopped: the figures are printed */
    status = cli_sched_end(sched, &ca, "sample", status);
    cpwl_sched_clear(sched);
    /* only process 0 has the sample and prints */
    if (run_status != CPWL_OK || cli_rank != 0)
        goto out_S;

    desc = cpwl_dom_describe(D);
    pps = S->seconds > 0 ? S->npoints / S->seconds : 0;
    if (json)
    {
        char *q = cpwl_io_json_quote(desc);
        printf("{\"domain\": %s, \"dimension\": %ld, \"complete\": %s, ", q,
               (long) D->d, S->stopped ? "false" : "true");
        flint_free(q);
        cli_sampling_json(S);
        printf(", \"kernel\": \"%s\", \"threads\": %ld, \"points\": %ld, "
               "\"planned\": %ld, \"patterns\": %ld, \"decided\": %ld, "
               "\"undecided\": %ld, \"resolve\": %s, \"resolved\": %ld, "
               "\"boundary\": %ld, \"stopped\": %s, \"seconds\": %.6f, "
               "\"points_per_second\": %.6g",
               cpwl_batch_kernel_name(S->kernel),
               (long) cli_sampling_threads(sa.threads), (long) S->npoints,
               (long) S->planned, (long) S->npatterns, (long) S->ndecided,
               (long) S->nundecided, sa.resolve ? "true" : "false",
               (long) S->nresolved, (long) S->nboundary,
               S->stopped ? "true" : "false", S->seconds, pps);
        if (stats)
            printf(", \"stats\": {\"double\": %lu, \"arb\": %lu, "
                   "\"exact\": %lu}", ctx->by_double, ctx->by_arb,
                   ctx->by_exact);
        if (list)
            print_list(S, net, 1);
        printf("}\n");
    }
    else
    {
        printf("domain              %s\n", desc);
        printf("sampling            ");
        cli_sampling_describe(stdout, S, is_default);
        printf("\nkernel              %s\n", cpwl_batch_kernel_name(S->kernel));
        printf("threads             %ld\n",
               (long) cli_sampling_threads(sa.threads));
        if (S->stopped)
            printf("points              %ld of %ld (STOPPED: interrupted; "
                   "every figure below covers these points only)\n",
                   (long) S->npoints, (long) S->planned);
        else
            printf("points              %ld\n", (long) S->npoints);
        printf("patterns            %ld  (distinct; a proven lower bound on "
               "the activation regions of the domain)\n",
               (long) S->npatterns);
        printf("decided             %ld  (every neuron decided in double)\n",
               (long) S->ndecided);
        if (sa.resolve)
            printf("undecided           %ld  (re-decided exactly: %ld inside "
                   "a region, %ld on a boundary)\n", (long) S->nundecided,
                   (long) S->nresolved, (long) S->nboundary);
        else
            printf("undecided           %ld  (not re-decided: --no-resolve; "
                   "counted in no pattern)\n", (long) S->nundecided);
        printf("seconds             %.3f\n", S->seconds);
        printf("throughput          %.3g points/s\n", pps);
        if (stats)
            printf("sign decisions      double %lu, arb %lu, exact %lu\n",
                   ctx->by_double, ctx->by_arb, ctx->by_exact);
        if (list)
            print_list(S, net, 0);
    }
    flint_free(desc);
    if (S->stopped)
    {
        fprintf(stderr, "cpwl sample: interrupted after %ld of %ld points "
                "(the figures above cover those)\n", (long) S->npoints,
                (long) S->planned);
        status = 130;
    }
out_S:
    cpwl_sample_clear(S);
out_ctx:
    flint_free(grid);
    cpwl_pred_ctx_clear(ctx);
out_dom:
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
    return status;
}
