/* cpwl crosscheck: the exact activation regions against the patterns the
   batched double path samples on the same domain (SPEC section 3). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

static void print_vec(const fmpq *v, slong d, int json)
{
    if (json)
    {
        printf("[");
        cli_print_fmpq_vec(stdout, v, d, ", ", 1);
        printf("]");
    }
    else
    {
        printf("(");
        cli_print_fmpq_vec(stdout, v, d, ", ", 0);
        printf(")");
    }
}

static void print_sample_point(const cpwl_sample_t S, slong i, int json)
{
    fmpq *y = _fmpq_vec_init(FLINT_MAX(S->d, 1));
    cpwl_sample_point(y, S, i);
    print_vec(y, S->d, json);
    _fmpq_vec_clear(y, FLINT_MAX(S->d, 1));
}

/* A size (length, area) or "unknown". */
static void print_size(double s, int json)
{
    if (s < 0)
        printf(json ? "null" : "unknown");
    else
        printf("%.6g", s);
}

/* The pattern the batched double pass gives the exact point y of the
   restricted net g, '?' for an undecided bit (a new string). */
static char *double_pattern(const cpwl_net_t g, const cpwl_net_t net, int kernel,
                            const fmpq *y, slong d)
{
    cpwl_batch_plan_t P;
    slong ns = cpwl_net_num_states(net), words = FLINT_MAX(1, (ns + 63) / 64);
    slong k, pos;
    uint64_t *pat = flint_calloc(words, sizeof(uint64_t));
    uint64_t *und = flint_calloc(words, sizeof(uint64_t));
    double *x = flint_malloc(FLINT_MAX(d, 1) * sizeof(double));
    double *xe = flint_malloc(FLINT_MAX(d, 1) * sizeof(double));
    char *s;
    cpwl_batch_plan_init(P, g, kernel);
    if (cpwl_net_round_inputs_d(x, xe, y, d))
        cpwl_batch_eval(NULL, NULL, pat, und, P, x, xe, 1, 1);
    else
        for (k = 0; k < words; k++)
            und[k] = ~(uint64_t) 0;
    s = cli_sampling_pattern_str(pat, net);
    for (k = 0, pos = 0; s[pos] != '\0'; pos++)
    {
        if (s[pos] == '|')
            continue;
        if (cpwl_batch_bit(und, k))
            s[pos] = '?';
        k++;
    }
    cpwl_batch_plan_clear(P);
    flint_free(pat);
    flint_free(und);
    flint_free(x);
    flint_free(xe);
    return s;
}

static char *cell_pattern(const cpwl_regions_cell_struct *c, const cpwl_net_t net)
{
    return cpwl_net_pattern_str(c->state, net);
}

/* Sampled patterns that are no exact region. */
static void list_not_regions(const cpwl_crosscheck_t X, const cpwl_net_t net, int json)
{
    const cpwl_sample_struct *S = X->S;
    slong i;
    if (json)
        printf(", \"not_regions_list\": [");
    for (i = 0; i < X->not_regions; i++)
    {
        slong p = X->bad_patterns[i];
        char *pat = cli_sampling_pattern_str(S->patterns + p * S->words, net);
        char *ex = cpwl_net_pattern_str(X->bad_exact + i * S->nstates, net);
        if (json)
        {
            printf(
                "%s{\"pattern\": \"%s\", \"points\": %ld, \"first_point\": ",
                i ? ",\n  " : "\n  ", pat, (long) S->counts[p]);
            print_sample_point(X->S, S->first[p], 1);
            printf(", \"exact_pattern\": \"%s\"}", ex);
        }
        else
        {
            printf("not a region: sampled pattern %s (%ld points), first "
                   "point ", pat, (long) S->counts[p]);
            print_sample_point(X->S, S->first[p], 0);
            printf(", exact pattern there %s\n", ex);
        }
        flint_free(pat);
        flint_free(ex);
    }
    if (json)
        printf("]");
}

/* Exact regions whose interior point gets another decided pattern. */
static void list_mismatches(const cpwl_crosscheck_t X, const cpwl_net_t net,
                            const cpwl_dom_t D, int json)
{
    const cpwl_regions_struct *R = X->R;
    cpwl_net_t g;
    slong i;
    if (json)
        printf(", \"mismatches_list\": [");
    cpwl_net_init(g, 0);
    if (X->mismatches > 0)
        cpwl_dom_restrict_net(g, net, D);
    for (i = 0; i < X->mismatches; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + X->bad_regions[i];
        char *pat = cell_pattern(c, net);
        char *dp = double_pattern(g, net, X->S->kernel, c->point, R->d);
        if (json)
        {
            printf("%s{\"pattern\": \"%s\", \"point\": ", i ? ",\n  "
                   : "\n  ", pat);
            print_vec(c->point, R->d, 1);
            printf(", \"double_pattern\": \"%s\"}", dp);
        }
        else
        {
            printf("mismatch: exact region %s, interior point ", pat);
            print_vec(c->point, R->d, 0);
            printf(", double pattern there %s ('?' undecided)\n", dp);
        }
        flint_free(pat);
        flint_free(dp);
    }
    cpwl_net_clear(g);
    if (json)
        printf("]");
}

/* Exact regions that no sample point fell in (--list). */
static void list_missed(const cpwl_crosscheck_t X, const cpwl_net_t net, int json)
{
    const cpwl_regions_struct *R = X->R;
    slong i, k = 0;
    if (json)
        printf(", \"missed_list\": [");
    for (i = 0; i < R->ncells; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + i;
        char *pat;
        if (X->region_points[i] != 0)
            continue;
        pat = cell_pattern(c, net);
        if (json)
        {
            printf("%s{\"pattern\": \"%s\", \"size\": ", k ? ",\n  "
                   : "\n  ", pat);
            print_size(X->region_size[i], 1);
            printf(", \"point\": ");
            print_vec(c->point, R->d, 1);
            printf("}");
        }
        else
        {
            printf("missed: region %s, %s ", pat[0] ? pat : "-",
                   R->d == 1 ? "length" : R->d == 2 ? "area" : "size");
            print_size(X->region_size[i], 0);
            printf(", interior point ");
            print_vec(c->point, R->d, 0);
            printf("\n");
        }
        k++;
        flint_free(pat);
    }
    if (json)
        printf("]");
}

/* ",-1:1,-1:1,..." with d intervals (a new string; the box starts after
   the first comma). */
static char *default_box(slong d)
{
    char *s = flint_malloc(5 * FLINT_MAX(d, 1) + 1), *p = s;
    slong i;
    for (i = 0; i < d; i++, p += 5)
        memcpy(p, ",-1:1", 5);
    *p = '\0';
    return s;
}

int cmd_crosscheck(int argc, char **argv)
{
    static const struct option opts_l[] = {
        {"box", required_argument, NULL, 'b'},
        {"slice", required_argument, NULL, 's'},
        {"line", required_argument, NULL, 'l'},
        CLI_SAMPLING_LONGOPTS,
        {"max-regions", required_argument, NULL, 'X'},
        {"list", no_argument, NULL, 'i'},
        {"json", no_argument, NULL, 'j'},
        {"stats", no_argument, NULL, 'S'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    const char *box = NULL, *slice = NULL, *line = NULL;
    int json = 0, list = 0, stats = 0, pmode = CLI_PROGRESS_AUTO;
    int c, status, is_default, box_default = 0;
    int dom_default = 0, stopped;
    slong total, d;
    slong *grid = NULL;
    cli_sampling_args sa;
    slong max_regions = CPWL_REGIONS_DEFAULT_MAX;
    char *dbox = NULL;
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_crosscheck_t X;
    cpwl_sample_opts sopts;
    cpwl_regions_opts ropts;
    cli_progress_state sprogress, rprogress;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    char *desc;
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
            case 'X':
                if (cli_parse_slong(&max_regions, "crosscheck",
                                    "--max-regions", optarg, 1, WORD_MAX / 4)
                    != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            default:
                if ((status = cli_sampling_option(&sa, c, optarg,
                                                  "crosscheck")) < 0)
                    return CPWL_ERR_INPUT;
                if (status == 0)
                    return cli_bad_option("crosscheck", c, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage("crosscheck", "expected one network file");
    if (cli_rank != 0)
        pmode = CLI_PROGRESS_OFF;       /* process 0 reports */
    if (sa.seed_given && sa.random == 0)
        return cli_usage("crosscheck", "--seed goes with --random N");

    cpwl_net_init(net, 0);
    if ((status = cli_load_net(net, "crosscheck", argv[optind])) != CPWL_OK)
    {
        cpwl_net_clear(net);
        return status;
    }
    /* Without --box: [-1,1] on every domain coordinate. */
    if (box == NULL)
    {
        d = slice ? 2 : line ? 1 : net->input_dim;
        dbox = default_box(d);
        box = dbox + 1;
        box_default = 1;
        dom_default = slice == NULL && line == NULL;
    }
    cpwl_err_init(e);
    cpwl_dom_init(D);
    if (cli_dom_set(D, net->input_dim, box, slice, line, e) != CPWL_OK)
    {
        status = cli_fail("crosscheck", e);
        goto out_dom;
    }

    cpwl_pred_ctx_init(ctx);
    cpwl_sample_opts_init(&sopts, ctx);
    if ((status = cli_sampling_plan(&sopts, &grid, &total, "crosscheck",
                                    D->d, sa.grid, sa.points, sa.random,
                                    sa.max_points,
                                    &is_default)) != CPWL_OK)
        goto out_ctx;
    sopts.seed = (ulong) sa.seed;
    sopts.kernel = sa.kernel;
    sopts.nthreads = (int) sa.threads;
    sopts.resolve = sa.resolve;
    sopts.max_points = sa.max_points;
    sopts.interrupt = &cli_interrupted;
    cpwl_regions_opts_init(&ropts, ctx);
    ropts.points = 1;
    ropts.verts = D->d <= 2;
    ropts.max_regions = max_regions;
    ropts.interrupt = &cli_interrupted;
    cli_progress_init(&sprogress, "crosscheck", pmode);
    cli_progress_init(&rprogress, "crosscheck", pmode);
    if (sprogress.on)
    {
        sopts.progress = cli_sampling_progress;
        sopts.progress_data = &sprogress;
        ropts.progress = cli_regions_progress;
        ropts.progress_data = &rprogress;
    }
    /* The processes of cpwl-mpi share the sample points and the exact
       regions' work units; no checkpoint (empty checkpoint arguments). */
    cli_ckpt_args_init(&ca);
    if ((status = cli_sched_start(sched, &ca, "crosscheck", "crosscheck",
                                  "crosscheck")) != CPWL_OK)
        goto out_ctx;
    sopts.sched = sched;
    ropts.sched = sched;
    cli_catch_sigint(&old);
    cpwl_crosscheck_init(X);
    run_status = cpwl_crosscheck_run(X, net, D, &ropts, &sopts, e);
    cli_restore_sigint(&old);
    cli_progress_end(&sprogress);
    cli_progress_end(&rprogress);
    status = run_status == CPWL_OK ? CPWL_OK : cli_fail("crosscheck", e);
    /* 130 when the scheduler was stopped: the figures are printed */
    status = cli_sched_end(sched, &ca, "crosscheck", status);
    cpwl_sched_clear(sched);
    /* only process 0 has the comparison and prints */
    if (run_status != CPWL_OK || cli_rank != 0)
        goto out_X;

    stopped = X->R->stopped || X->S->stopped;
    desc = cpwl_dom_describe(D);
    if (json)
    {
        char *q = cpwl_io_json_quote(desc);
        printf("{\"domain\": %s, \"default_box\": %s, \"dimension\": %ld, ",
               q, box_default ? "true" : "false", (long) D->d);
        flint_free(q);
        cli_sampling_json(X->S);
        printf(", \"kernel\": \"%s\", \"threads\": %ld, \"points\": %ld, "
               "\"complete\": %s", cpwl_batch_kernel_name(X->S->kernel),
               (long) cli_sampling_threads(sa.threads), (long) X->S->npoints,
               stopped ? "false" : "true");
        if (stopped)
        {
            printf(", \"stopped\": \"%s\"",
                   X->R->stopped == CPWL_REGIONS_STOP_LIMIT ? "max-regions"
                   : "interrupted");
            if (X->R->stopped)
                printf(", \"exact_regions_at_least\": %ld",
                       (long) X->R->lower_bound);
            if (X->S->npoints > 0)
                printf(", \"sampled_patterns\": %ld",
                       (long) X->S->npatterns);
        }
        else
        {
            printf(", \"exact_regions\": %ld, \"sampled_patterns\": %ld, "
                   "\"not_regions\": %ld, \"missed\": %ld, "
                   "\"missed_max_size\": ", (long) X->R->ncells,
                   (long) X->S->npatterns, (long) X->not_regions,
                   (long) X->missed);
            print_size(X->missed_max_size, 1);
            printf(", \"interior_undecided\": %ld, \"mismatches\": %ld, "
                   "\"undecided\": %ld, \"resolve\": %s, \"resolved\": %ld, "
                   "\"boundary\": %ld, \"contradictions\": %ld",
                   (long) X->interior_undecided, (long) X->mismatches,
                   (long) X->S->nundecided, sa.resolve ? "true" : "false",
                   (long) X->S->nresolved, (long) X->S->nboundary,
                   (long) X->contradictions);
            list_not_regions(X, net, 1);
            list_mismatches(X, net, D, 1);
            if (list)
                list_missed(X, net, 1);
        }
        printf(", \"seconds_exact\": %.6f, \"seconds_sample\": %.6f",
               X->regions_seconds, X->S->seconds);
        if (stats)
            printf(", \"stats\": {\"double\": %lu, \"arb\": %lu, "
                   "\"exact\": %lu, \"lp\": %ld, \"lp_exact_simplex\": %ld}",
                   ctx->by_double, ctx->by_arb, ctx->by_exact,
                   (long) X->R->lp_solved, (long) X->R->lp_exact);
        printf("}\n");
    }
    else
    {
        printf("domain              %s%s\n", desc, dom_default
               ? "  (the default: no domain given)" : box_default
               ? "  (the default box: no --box given)" : "");
        printf("sampling            ");
        cli_sampling_describe(stdout, X->S, is_default);
        printf("\nkernel              %s\n", cpwl_batch_kernel_name(X->S->kernel));
        printf("threads             %ld\n",
               (long) cli_sampling_threads(sa.threads));
        if (X->R->stopped)
            printf("exact regions       at least %ld (incomplete: %s)\n",
                   (long) X->R->lower_bound,
                   X->R->stopped == CPWL_REGIONS_STOP_LIMIT
                   ? "stopped at --max-regions" : "interrupted");
        else if (X->S->stopped)
            printf("exact regions       not computed (the sample, which "
                   "runs first, was interrupted)\n");
        else
            printf("exact regions       %ld\n", (long) X->R->ncells);
        if (X->S->stopped)
            printf("sampled patterns    %ld (incomplete: interrupted after "
                   "%ld of %ld points)\n", (long) X->S->npatterns,
                   (long) X->S->npoints, (long) X->S->planned);
        else if (sa.resolve)
            printf("sampled patterns    %ld  (%ld points; %ld undecided in "
                   "double: %ld re-decided inside a region, %ld on a "
                   "boundary)\n", (long) X->S->npatterns,
                   (long) X->S->npoints, (long) X->S->nundecided,
                   (long) X->S->nresolved, (long) X->S->nboundary);
        else
            printf("sampled patterns    %ld  (%ld points; %ld undecided in "
                   "double, not re-decided: --no-resolve)\n",
                   (long) X->S->npatterns, (long) X->S->npoints,
                   (long) X->S->nundecided);
        if (stopped)
            printf("not compared        (stopped before both paths were "
                   "complete)\n");
        else
        {
            printf("not regions         %ld  (sampled patterns that are no "
                   "exact region; must be 0)\n", (long) X->not_regions);
            printf("missed              %ld  (exact regions without a "
                   "sample point", (long) X->missed);
            if (X->missed > 0)
            {
                printf("; largest %s ", D->d == 1 ? "length" : D->d == 2
                       ? "area" : "size");
                print_size(X->missed_max_size, 0);
            }
            printf(")\n");
            printf("interior undecided  %ld  (exact regions whose interior "
                   "point is undecided in double: within the error bound of "
                   "a boundary, or a neuron with z = 0 there)\n",
                   (long) X->interior_undecided);
            printf("mismatches          %ld  (exact regions whose interior "
                   "point gets another decided pattern in double; must be "
                   "0)\n", (long) X->mismatches);
        }
        printf("seconds             exact %.3f, sample %.3f\n",
               X->regions_seconds, X->S->seconds);
        if (stats)
            printf("sign decisions      double %lu, arb %lu, exact %lu\n"
                   "LPs                 %ld (%ld by the exact simplex)\n",
                   ctx->by_double, ctx->by_arb, ctx->by_exact,
                   (long) X->R->lp_solved, (long) X->R->lp_exact);
        if (!stopped)
        {
            list_not_regions(X, net, 0);
            list_mismatches(X, net, D, 0);
            if (list)
                list_missed(X, net, 0);
            printf("contradictions: %ld\n", (long) X->contradictions);
        }
    }
    flint_free(desc);
    if (X->R->stopped == CPWL_REGIONS_STOP_LIMIT)
    {
        fprintf(stderr, "cpwl crosscheck: the exact path stopped after more "
                "than %ld regions; nothing compared; raise --max-regions to "
                "go on\n", (long) max_regions);
        status = CPWL_ERR_INPUT;
    }
    else if (stopped)
    {
        fprintf(stderr, "cpwl crosscheck: interrupted; nothing compared\n");
        status = 130;
    }
    else if (X->contradictions > 0)
    {
        fprintf(stderr, "cpwl crosscheck: internal error: %ld "
                "contradiction%s between the exact and the double path\n",
                (long) X->contradictions, X->contradictions == 1 ? "" : "s");
        status = CPWL_ERR_INTERNAL;
    }
out_X:
    cpwl_crosscheck_clear(X);
out_ctx:
    flint_free(grid);
    cpwl_pred_ctx_clear(ctx);
out_dom:
    cpwl_dom_clear(D);
    flint_free(dbox);
    cpwl_net_clear(net);
    return status;
}
