/* cpwl equiv: do two networks compute the same function on a domain?
   Decided exactly (src/equiv.c); the answer, equal or not, is the
   output, so both exit 0, unless --exit-status asks for 3 when they
   differ. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "cli.h"

/* --exit-status: the networks differ. */
#define CLI_EXIT_DIFFERENT 3

static void print_json_vec(const fmpq *v, slong n)
{
    printf("[");
    cli_print_fmpq_vec(stdout, v, n, ", ", 1);
    printf("]");
}

static void print_tuple(const fmpq *v, slong n)
{
    printf("(");
    cli_print_fmpq_vec(stdout, v, n, ", ", 0);
    printf(")");
}

/* One output as a number, several as a tuple. */
static void print_value(const fmpq *v, slong m)
{
    if (m == 1)
        cli_print_fmpq(stdout, v);
    else
        print_tuple(v, m);
}

int cmd_equiv(int argc, char **argv)
{
    static const struct option opts_l[] = {
        {"box", required_argument, NULL, 'b'},
        {"slice", required_argument, NULL, 's'},
        {"line", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},
        {"max-regions", required_argument, NULL, 'x'},
        {"exact-only", no_argument, NULL, 'E'},
        {"exit-status", no_argument, NULL, 'S'},
        CLI_PROGRESS_LONGOPTS,
        CLI_CKPT_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    const char *box = NULL, *slice = NULL, *line = NULL;
    const char *fa, *fb;
    int json = 0, exact_only = 0, exit_status = 0, c, status;
    int pmode = CLI_PROGRESS_AUTO;
    slong max_regions = CPWL_REGIONS_DEFAULT_MAX;
    cpwl_net_t a, b;
    cpwl_dom_t D;
    cpwl_equiv_t Q;
    cpwl_regions_opts opts;
    cpwl_pred_ctx_t ctx;
    cli_progress_state ps;
    cpwl_err_t e;
    char *desc, *key;
    struct sigaction old;
    cli_ckpt_args ca;
    cpwl_sched_t sched;
    int have_sched = 0;

    cli_ckpt_args_init(&ca);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        switch (c)
        {
            case 'b': box = optarg; break;
            case 's': slice = optarg; break;
            case 'l': line = optarg; break;
            case 'j': json = 1; break;
            case 'E': exact_only = 1; break;
            case 'S': exit_status = 1; break;
            case CLI_OPT_PROGRESS:
            case CLI_OPT_NO_PROGRESS:
                cli_progress_option(&pmode, c);
                break;
            case 'x':
                if (cli_parse_slong(&max_regions, "equiv", "--max-regions",
                                    optarg, 1, WORD_MAX / 4) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            default:
                status = cli_ckpt_option(&ca, c, optarg, "equiv");
                if (status < 0)
                    return CPWL_ERR_INPUT;
                if (status == 0)
                    return cli_bad_option("equiv", c, argv);
        }
    }
    if (argc - optind != 2)
        return cli_usage("equiv", "expected two network files, got %d",
                         argc - optind);
    fa = argv[optind];
    fb = argv[optind + 1];

    cpwl_err_init(e);
    cpwl_net_init(a, 0);
    cpwl_net_init(b, 0);
    cpwl_dom_init(D);
    cpwl_equiv_init(Q);
    cpwl_pred_ctx_init(ctx);
    if ((status = cli_load_net(a, "equiv", fa)) != CPWL_OK
        || (status = cli_load_net(b, "equiv", fb)) != CPWL_OK)
        goto done;
    if (a->input_dim != b->input_dim)
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "different input dimensions: %s has %ld "
                     "inputs, %s has %ld", fa, (long) a->input_dim, fb,
                     (long) b->input_dim);
        status = cli_fail("equiv", e);
        goto done;
    }
    if (cpwl_net_output_dim(a) != cpwl_net_output_dim(b))
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "different output dimensions: %s has %ld "
                     "outputs, %s has %ld", fa, (long) cpwl_net_output_dim(a), fb,
                     (long) cpwl_net_output_dim(b));
        status = cli_fail("equiv", e);
        goto done;
    }
    if (cli_dom_set(D, a->input_dim, box, slice, line, e) != CPWL_OK)
    {
        status = cli_fail("equiv", e);
        goto done;
    }

    ctx->exact_only = exact_only;
    cpwl_regions_opts_init(&opts, ctx);
    opts.max_regions = max_regions;
    opts.interrupt = &cli_interrupted;
    cli_progress_init(&ps, "equiv", pmode);
    if (ps.on)
    {
        opts.progress = cli_regions_progress;
        opts.progress_data = &ps;
    }
    /* the regions of the difference network as work units, checkpointed
       under the key of that network and the domain */
    if (cpwl_equiv_ckpt_key(&key, a, b, D, &opts, e) != CPWL_OK)
    {
        status = cli_fail("equiv", e);
        goto done;
    }
    status = cli_sched_start(sched, &ca, "equiv", "equiv", key);
    flint_free(key);
    have_sched = 1;
    if (status != CPWL_OK)
        goto done;
    opts.sched = sched;
    cli_catch_sigint(&old);
    status = cpwl_equiv_decide(Q, a, b, D, &opts, e);
    cli_restore_sigint(&old);
    cli_progress_end(&ps);
    if (status != CPWL_OK)
    {
        status = cli_fail("equiv", e);
        goto done;
    }
    status = cli_sched_end(sched, &ca, "equiv", CPWL_OK);
    if ((status != CPWL_OK && status != CLI_EXIT_INTERRUPTED) || cli_rank != 0)
        goto done;

    desc = cpwl_dom_describe(D);
    if (json)
    {
        char *q = cpwl_io_json_quote(desc);
        printf("{\"domain\": %s, \"complete\": %s, \"equal\": ", q,
               Q->stopped ? "false" : "true");
        flint_free(q);
        if (Q->stopped)
            printf("null, \"stopped\": \"%s\", \"regions_at_least\": %ld",
                   Q->stopped == CPWL_REGIONS_STOP_LIMIT ? "max-regions"
                   : "interrupted", (long) Q->regions);
        else
        {
            printf("%s", Q->equal ? "true" : "false");
            if (!Q->equal)
            {
                printf(", \"point\": ");
                print_json_vec(Q->x, Q->n);
                printf(", \"domain_point\": ");
                print_json_vec(Q->point, Q->d);
                printf(", \"value_a\": ");
                print_json_vec(Q->fa, Q->m);
                printf(", \"value_b\": ");
                print_json_vec(Q->fb, Q->m);
            }
            printf(", \"regions\": %ld", (long) Q->regions);
        }
        printf("}\n");
    }
    else if (Q->stopped)
        printf("undecided on %s: at least %ld activation regions of A - B, "
               "%s\n", desc, (long) Q->regions,
               Q->stopped == CPWL_REGIONS_STOP_LIMIT ? "stopped at --max-regions"
               : "interrupted");
    else if (Q->equal)
        printf("equal on %s\nregions  %ld activation region%s of A - B, "
               "each with the affine map 0\n", desc, (long) Q->regions,
               Q->regions == 1 ? "" : "s");
    else
    {
        printf("different: at x = ");
        print_tuple(Q->x, Q->n);
        if (D->kind == CPWL_DOM_SLICE || D->kind == CPWL_DOM_LINE)
        {
            printf(" (domain point ");
            print_tuple(Q->point, Q->d);
            printf(")");
        }
        printf(" A = ");
        print_value(Q->fa, Q->m);
        printf(", B = ");
        print_value(Q->fb, Q->m);
        printf("\ndomain   %s\nregions  %ld activation region%s of A - B, "
               "some with a nonzero affine map\n", desc, (long) Q->regions,
               Q->regions == 1 ? "" : "s");
    }
    flint_free(desc);
    /* For scripts: the answer in the status too (as cmp and diff do). */
    if (exit_status && !Q->stopped && !Q->equal)
        status = CLI_EXIT_DIFFERENT;
    if (Q->stopped == CPWL_REGIONS_STOP_LIMIT)
    {
        fprintf(stderr, "cpwl equiv: stopped after more than %ld regions "
                "(undecided); raise --max-regions to go on\n",
                (long) max_regions);
        status = CPWL_ERR_INPUT;
    }
    else if (Q->stopped == CPWL_REGIONS_STOP_INTERRUPT
             || status == CLI_EXIT_INTERRUPTED)
    {
        fprintf(stderr, "cpwl equiv: interrupted (undecided)\n");
        status = 130;
    }
done:
    if (have_sched)
        cpwl_sched_clear(sched);
    cpwl_pred_ctx_clear(ctx);
    cpwl_equiv_clear(Q);
    cpwl_dom_clear(D);
    cpwl_net_clear(a);
    cpwl_net_clear(b);
    return status;
}
