/* cpwl regions: exact activation-region and linear-region counts. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

static const char *method_name(cpwl_regions_method m, slong d)
{
    if (m == CPWL_REGIONS_AUTO)
        m = d == 1 ? CPWL_REGIONS_1D : d == 2 ? CPWL_REGIONS_2D : CPWL_REGIONS_ND;
    return m == CPWL_REGIONS_1D ? "1d" : m == CPWL_REGIONS_2D ? "2d" : "nd";
}

static void print_json_vec(const fmpq *v, slong n)
{
    printf("[");
    cli_print_fmpq_vec(stdout, v, n, ", ", 1);
    printf("]");
}

static void print_cell_json(const cpwl_regions_cell_struct *c, const cpwl_net_t net,
                            slong d, slong m)
{
    slong j;
    char *pat = cpwl_net_pattern_str(c->state, net);
    printf("{\"pattern\": \"%s\"", pat);
    flint_free(pat);
    if (c->point)
    {
        printf(", \"point\": ");
        print_json_vec(c->point, d);
    }
    if (c->grad)
    {
        printf(", \"gradient\": [");
        for (j = 0; j < m; j++)
        {
            printf(j ? ", " : "");
            print_json_vec(c->grad + j * d, d);
        }
        printf("], \"offset\": ");
        print_json_vec(c->offset, m);
    }
    if (c->nverts >= 0)
    {
        printf(", \"bounded\": %s, \"vertices\": [", c->bounded ? "true"
               : "false");
        for (j = 0; j < c->nverts; j++)
        {
            printf(j ? ", " : "");
            print_json_vec(c->verts + j * d, d);
        }
        printf("], \"rays\": [");
        for (j = 0; j < c->nrays; j++)
        {
            printf(j ? ", " : "");
            print_json_vec(c->rays + j * d, d);
        }
        printf("]");
    }
    if (c->linear >= 0)
        printf(", \"linear_region\": %ld", (long) c->linear);
    printf("}");
}

static void print_cell_text(slong i, const cpwl_regions_cell_struct *c,
                            const cpwl_net_t net, slong d, slong m)
{
    slong j;
    char *pat = cpwl_net_pattern_str(c->state, net);
    printf("region %ld: pattern %s", (long) i + 1, pat[0] ? pat : "-");
    flint_free(pat);
    if (c->linear >= 0)
        printf(", linear region %ld", (long) c->linear + 1);
    printf("\n");
    if (c->point)
    {
        printf("  point     ");
        cli_print_fmpq_vec(stdout, c->point, d, ", ", 0);
        printf("\n");
    }
    if (c->grad)
        for (j = 0; j < m; j++)
        {
            printf("  f%ld(y) = <(", (long) j + 1);
            cli_print_fmpq_vec(stdout, c->grad + j * d, d, ", ", 0);
            printf("), y> + ");
            cli_print_fmpq(stdout, c->offset + j);
            printf("\n");
        }
    if (c->nverts >= 0)
    {
        printf("  %s, vertices", c->bounded ? "bounded" : "unbounded");
        for (j = 0; j < c->nverts; j++)
        {
            printf(" (");
            cli_print_fmpq_vec(stdout, c->verts + j * d, d, ", ", 0);
            printf(")");
        }
        if (c->nrays)
        {
            printf("; rays");
            for (j = 0; j < c->nrays; j++)
            {
                printf(" (");
                cli_print_fmpq_vec(stdout, c->rays + j * d, d, ", ", 0);
                printf(")");
            }
        }
        printf("\n");
    }
}

/* One picture, atomically (nothing when path is NULL). */
static int draw_file(const char *path, cpwl_draw_format fmt, const cpwl_regions_t R,
                     const cpwl_draw_opts *o, const cpwl_draw_info_t pic)
{
    outfile_t f;
    cpwl_err_t e;
    int status, ok;
    if (path == NULL)
        return CPWL_OK;
    if ((status = cli_out_open(f, "regions", path)) != CPWL_OK)
        return status;
    cpwl_err_init(e);
    ok = cpwl_draw_regions_file(f->f, path, fmt, R, o, pic, e) == CPWL_OK;
    status = cli_out_close(f, "regions", ok);
    return ok || status != CPWL_OK ? status : cli_fail("regions", e);
}

int cmd_regions(int argc, char **argv)
{
    static const struct option opts_l[] = {
        {"box", required_argument, NULL, 'b'},
        {"slice", required_argument, NULL, 's'},
        {"line", required_argument, NULL, 'l'},
        {"linear", no_argument, NULL, 'L'},
        {"list", no_argument, NULL, 'i'},
        {"json", no_argument, NULL, 'j'},
        {"stats", no_argument, NULL, 'S'},
        {"method", required_argument, NULL, 'm'},
        {"max-regions", required_argument, NULL, 'x'},
        {"exact-only", no_argument, NULL, 'E'},
        {"threads", required_argument, NULL, 'H'},
        CLI_PROGRESS_LONGOPTS,
        {"svg", required_argument, NULL, 'G'},
        {"png", required_argument, NULL, 'P'},
        {"colour", required_argument, NULL, 'C'},
        {"color", required_argument, NULL, 'C'},
        {"view", required_argument, NULL, 'V'},
        {"size", required_argument, NULL, 'Z'},
        {"title", required_argument, NULL, 'T'},
        {"legend", no_argument, NULL, 'g'},
        {"no-legend", no_argument, NULL, 'N'},
        CLI_CKPT_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    const char *box = NULL, *slice = NULL, *line = NULL;
    const char *svg = NULL, *png = NULL, *colour = NULL, *view = NULL;
    const char *size = NULL, *title = NULL;
    int legend = -1, have_pic = 0;
    cpwl_draw_opts dopt;
    cpwl_draw_info_t pic;
    int json = 0, list = 0, stats = 0, linear = 0, c, status;
    int exact_only = 0, cells_done;
    const char *linear_why;
    cpwl_regions_method method = CPWL_REGIONS_AUTO;
    slong max_regions = CPWL_REGIONS_DEFAULT_MAX, threads = 0, i;
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_regions_t R;
    cpwl_regions_opts opts;
    cpwl_pred_ctx_t ctx;
    cli_progress_state ps;
    int pmode = CLI_PROGRESS_AUTO;
    cpwl_err_t e;
    double t0, secs;
    char *desc, *key;
    struct sigaction old;
    cli_ckpt_args ca;
    cpwl_sched_t sched;

    cli_ckpt_args_init(&ca);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        switch (c)
        {
            case 'b': box = optarg; break;
            case 's': slice = optarg; break;
            case 'l': line = optarg; break;
            case 'L': linear = 1; break;
            case 'i': list = 1; break;
            case 'j': json = 1; break;
            case 'S': stats = 1; break;
            case 'E': exact_only = 1; break;
            case CLI_OPT_PROGRESS:
            case CLI_OPT_NO_PROGRESS:
                cli_progress_option(&pmode, c);
                break;
            case 'G': svg = optarg; break;
            case 'P': png = optarg; break;
            case 'C': colour = optarg; break;
            case 'V': view = optarg; break;
            case 'Z': size = optarg; break;
            case 'T': title = optarg; break;
            case 'g': legend = 1; break;
            case 'N': legend = 0; break;
            case 'm':
                if (!strcmp(optarg, "auto")) method = CPWL_REGIONS_AUTO;
                else if (!strcmp(optarg, "1d")) method = CPWL_REGIONS_1D;
                else if (!strcmp(optarg, "2d")) method = CPWL_REGIONS_2D;
                else if (!strcmp(optarg, "nd")) method = CPWL_REGIONS_ND;
                else
                    return cli_usage("regions", "--method: expected auto, "
                                     "1d, 2d or nd, got '%s'", optarg);
                break;
            case 'x':
                if (cli_parse_slong(&max_regions, "regions", "--max-regions",
                                    optarg, 1, WORD_MAX / 4) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            case 'H':
                if (cli_parse_slong(&threads, "regions", "--threads", optarg,
                                    1, 1024) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            default:
                status = cli_ckpt_option(&ca, c, optarg, "regions");
                if (status < 0)
                    return CPWL_ERR_INPUT;
                if (status == 0)
                    return cli_bad_option("regions", c, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage("regions", "expected one network file");
    cpwl_err_init(e);
    cpwl_draw_opts_init(&dopt);
    if ((colour && cpwl_draw_opts_set_colour(&dopt, colour, e) != CPWL_OK)
        || (view && cpwl_draw_opts_set_view_str(&dopt, view, e) != CPWL_OK)
        || (size && cpwl_draw_opts_set_size_str(&dopt, size, e) != CPWL_OK))
        return cli_fail("regions", e);
    if ((colour || view || size || title || legend >= 0) && !svg && !png)
        return cli_usage("regions", "--colour, --view, --size, --title and "
                         "--legend go with --svg FILE or --png FILE");
    if ((svg && !strcmp(svg, "-")) || (png && !strcmp(png, "-")))
        return cli_usage("regions", "--svg/--png need a file name: standard "
                         "output carries the counts");
    if ((svg || png) && method == CPWL_REGIONS_ND)
        return cli_usage("regions", "--svg/--png need the vertices that the "
                         "2-D method computes; drop --method nd");
    dopt.title = title;
    dopt.legend = legend;

    cpwl_net_init(net, 0);
    if ((status = cli_load_net(net, "regions", argv[optind])) != CPWL_OK)
    {
        cpwl_net_clear(net);
        return status;
    }
    cpwl_dom_init(D);
    if (cli_dom_set(D, net->input_dim, box, slice, line, e) != CPWL_OK
        || ((svg || png) && D->d != 2
            && cpwl_err_set(e, CPWL_ERR_INPUT, "--svg/--png draw 2-D domains; "
                            "this domain has dimension %ld (use --slice)",
                            (long) D->d)))
    {
        status = cli_fail("regions", e);
        cpwl_dom_clear(D);
        cpwl_net_clear(net);
        return status;
    }
    dopt.xlabel = slice ? "s" : "x\xe2\x82\x81";
    dopt.ylabel = slice ? "t" : "x\xe2\x82\x82";
    dopt.vlabel = "f";

    cpwl_pred_ctx_init(ctx);
    ctx->exact_only = exact_only;
    cpwl_regions_opts_init(&opts, ctx);
    opts.method = method;
    opts.linear = linear || list || json;
    opts.points = opts.maps = opts.verts = list;
    if (svg || png)
    {
        opts.verts = 1;
        opts.linear |= dopt.colour == CPWL_DRAW_BY_LINEAR;
        opts.maps |= dopt.colour == CPWL_DRAW_BY_VALUE;
        /* The legend asked for counts the linear regions too. */
        opts.linear |= legend > 0;
    }
    opts.max_regions = max_regions;
    opts.nthreads = threads;
    /* Only the listing and the pictures read the patterns. */
    opts.no_states = !list && !svg && !png;
    opts.interrupt = &cli_interrupted;
    cli_progress_init(&ps, "regions", pmode);
    if (ps.on)
    {
        opts.progress = cli_regions_progress;
        opts.progress_data = &ps;
    }
    /* The work units (n-D) on this process or the job's, checkpointed
       under a key of everything the answer depends on. */
    key = cpwl_regions_ckpt_key(net, D, &opts);
    status = cli_sched_start(sched, &ca, "regions", "regions", key);
    flint_free(key);
    opts.sched = sched;
    cpwl_draw_info_init(pic);
    cpwl_regions_init(R, D->d, cpwl_net_output_dim(net), cpwl_net_num_states(net));
    if (status != CPWL_OK)
        goto done;
    cli_catch_sigint(&old);
    t0 = cli_now();
    status = cpwl_regions_compute(R, net, D, &opts, e);
    secs = cli_now() - t0;
    cli_restore_sigint(&old);
    cli_progress_end(&ps);
    if (status != CPWL_OK)
    {
        status = cli_fail("regions", e);
        goto done;
    }
    /* the final checkpoint; 130 when the units were stopped */
    status = cli_sched_end(sched, &ca, "regions", CPWL_OK);
    if (status != CPWL_OK && status != CLI_EXIT_INTERRUPTED)
        goto done;
    /* with many processes the answer is on process 0 */
    if (cli_rank != 0)
        goto done;
    /* Pictures too: their colours follow the order of the regions, the
       same with and without --list. */
    if ((list || svg || png) && !R->stopped)
        cpwl_regions_sort(R);
    if (!R->stopped)
    {
        /* What the picture shows, computed once: both pictures are drawn
           from it, and the report says it. */
        if (svg || png)
        {
            if (cpwl_draw_info_compute(pic, R, &dopt, e) != CPWL_OK)
            {
                status = cli_fail("regions", e);
                goto done;
            }
        }
        /* Ctrl-C while a picture is written: the report still comes. */
        status = draw_file(svg, CPWL_DRAW_SVG, R, &dopt, pic);
        if (status == CPWL_OK)
            status = draw_file(png, CPWL_DRAW_PNG, R, &dopt, pic);
        if (status != CPWL_OK && status != CLI_EXIT_INTERRUPTED)
            goto done;
        have_pic = (svg || png) && status == CPWL_OK;
    }

    /* A stop while the cells were merged into linear regions (n-D)
       leaves every cell found; a stop before leaves a partial partition,
       which says nothing about the linear regions of the whole net (the
       layers not reached may merge or split them any way). */
    cells_done = R->stopped && R->ncells > 0 && R->lower_bound == R->ncells;
    linear_why = cells_done ? "stopped while merging the activation regions "
                 "into linear regions" : "stopped before every activation "
                 "region was found; linear regions are merged from all of "
                 "them";
    desc = cpwl_dom_describe(D);
    if (json)
    {
        char *q = cpwl_io_json_quote(desc);
        printf("{\"domain\": %s, \"dimension\": %ld, \"method\": \"%s\", "
               "\"complete\": %s", q, (long) D->d,
               method_name(method, D->d),
               R->stopped || status != CPWL_OK ? "false" : "true");
        flint_free(q);
        if (R->stopped)
        {
            printf(", \"stopped\": \"%s\", \"activation_regions_at_least\": "
                   "%ld", R->stopped == CPWL_REGIONS_STOP_LIMIT ? "max-regions"
                   : "interrupted", (long) R->lower_bound);
            if (cells_done)
                printf(", \"activation_regions\": %ld", (long) R->ncells);
            if (opts.linear)
                printf(", \"linear_regions\": null, \"linear_regions_unknown\""
                       ": \"%s\"", linear_why);
        }
        else
        {
            printf(", \"activation_regions\": %ld", (long) R->ncells);
            if (R->nlinear >= 0)
                printf(", \"linear_regions\": %ld", (long) R->nlinear);
        }
        if (list && !R->stopped)
        {
            printf(", \"regions\": [");
            for (i = 0; i < R->ncells; i++)
            {
                printf(i ? ",\n  " : "\n  ");
                print_cell_json(R->cells + i, net, R->d, R->m);
            }
            printf("]");
        }
        if (have_pic)
        {
            char *q = pic->legend ? cpwl_io_json_quote(pic->legend) : NULL;
            printf(", \"picture\": {\"view\": [[%.17g, %.17g], [%.17g, "
                   "%.17g]], \"unbounded\": %ld, \"outside\": %ld, "
                   "\"wholly_outside\": %ld, \"colours\": %ld, \"legend\": "
                   "%s}", pic->lo[0], pic->hi[0], pic->lo[1], pic->hi[1],
                   (long) pic->unbounded, (long) pic->outside,
                   (long) pic->hidden, (long) pic->ncolours,
                   q ? q : "null");
            flint_free(q);
        }
        if (stats)
            printf(", \"stats\": {\"seconds\": %.6f, \"double\": %lu, "
                   "\"arb\": %lu, \"exact\": %lu, \"lp\": %ld, "
                   "\"lp_exact_simplex\": %ld}", secs, ctx->by_double,
                   ctx->by_arb, ctx->by_exact, (long) R->lp_solved,
                   (long) R->lp_exact);
        printf("}\n");
    }
    else
    {
        printf("domain              %s\n", desc);
        printf("method              %s\n", method_name(method, D->d));
        if (R->stopped)
        {
            if (cells_done)
                printf("activation regions  %ld\n", (long) R->ncells);
            else
                printf("activation regions  at least %ld (incomplete: %s)\n",
                       (long) R->lower_bound, R->stopped == CPWL_REGIONS_STOP_LIMIT
                       ? "stopped at --max-regions" : "interrupted");
            if (linear)
                printf("linear regions      unknown (%s)\n", linear_why);
        }
        else
        {
            printf("activation regions  %ld\n", (long) R->ncells);
            if (R->nlinear >= 0)
                printf("linear regions      %ld\n", (long) R->nlinear);
        }
        if (have_pic)
        {
            printf("picture view        [%.17g, %.17g] x [%.17g, %.17g]\n",
                   pic->lo[0], pic->hi[0], pic->lo[1], pic->hi[1]);
            printf("picture legend      %s\n", pic->legend ? pic->legend
                   : "(none)");
        }
        if (stats)
            printf("seconds             %.3f\nsign decisions      double "
                   "%lu, arb %lu, exact %lu\nLPs                 %ld (%ld "
                   "by the exact simplex, the others by a double LP with an "
                   "exact certificate)\n", secs, ctx->by_double, ctx->by_arb,
                   ctx->by_exact, (long) R->lp_solved, (long) R->lp_exact);
        if (list && !R->stopped)
            for (i = 0; i < R->ncells; i++)
                print_cell_text(i, R->cells + i, net, R->d, R->m);
    }
    flint_free(desc);
    if (R->stopped == CPWL_REGIONS_STOP_LIMIT)
    {
        fprintf(stderr, "cpwl regions: stopped after more than %ld regions "
                "(the count above is a lower bound); raise --max-regions "
                "to go on\n", (long) max_regions);
        status = CPWL_ERR_INPUT;
    }
    else if (R->stopped == CPWL_REGIONS_STOP_INTERRUPT
             || status == CLI_EXIT_INTERRUPTED)
    {
        fprintf(stderr, "cpwl regions: interrupted (%s)\n", cells_done
                ? "the activation count above is exact, the linear regions "
                "were not counted" : "the count above is a lower bound");
        status = CLI_EXIT_INTERRUPTED;
    }
done:
    cpwl_sched_clear(sched);
    cpwl_draw_info_clear(pic);
    cpwl_regions_clear(R);
    cpwl_pred_ctx_clear(ctx);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
    return status;
}
