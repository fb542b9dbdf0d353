/* cpwl erm: the exact global optimum of ERM for one-hidden-layer ReLU
   networks (Arora et al., Theorem 4.1), with an optional comparison
   against gradient training. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

/* done counts steps: first a bound per cell group, then a solve. */
static void erm_progress(void *data, slong done, slong total,
                         const fmpq_t best)
{
    cli_progress_state *p = data;
    char rate[CLI_RATE_SIZE];
    (void) best;
    if (!cli_progress_due(p))
        return;
    cli_progress_line(p, "%ld/%ld steps (bounding, then solving), %s "
                      "steps/s", (long) done, (long) total,
                      cli_progress_rate(rate, (double) done, p->start));
}

static const char *loss_name(cpwl_qp_loss l)
{
    return l == CPWL_QP_SQUARED ? "squared" : l == CPWL_QP_L1 ? "l1" : "hinge";
}

/* "p/q" and a decimal approximation (an Arb enclosure's midpoint). */
static void print_value(const fmpq_t v, int json)
{
    arb_t a;
    char *s = fmpq_get_str(NULL, 10, v), *d;
    arb_init(a);
    arb_set_fmpq(a, v, 128);
    d = arb_get_str(a, 20, ARB_STR_NO_RADIUS);
    if (json)
        printf("\"%s\", \"approx_decimal\": \"%s\"", s, d);
    else
        printf("%s  (exact; about %s)", s, d);
    flint_free(s);
    flint_free(d);
    arb_clear(a);
}

/* The exact loss of a trained network (double weights read exactly). */
static void trained_loss(fmpq_t loss, const double *params,
                         const cpwl_erm_data_t data, slong w, int output_bias,
                         cpwl_qp_loss kind)
{
    slong n = data->n, j, t;
    cpwl_net_t net;
    cpwl_net_layer_struct *L, *O;
    arf_t a;
    arf_init(a);
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, w);
    O = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (j = 0; j < w; j++)
    {
        const double *p = params + j * (n + 2);
        for (t = 0; t < n; t++)
        {
            arf_set_d(a, p[t]);
            arf_get_fmpq(fmpq_mat_entry(L->W, j, t), a);
        }
        arf_set_d(a, p[n]);
        arf_get_fmpq(L->b + j, a);
        arf_set_d(a, p[n + 1]);
        arf_get_fmpq(fmpq_mat_entry(O->W, 0, j), a);
    }
    if (output_bias)
    {
        arf_set_d(a, params[w * (n + 2)]);
        arf_get_fmpq(O->b + 0, a);
    }
    net->output_bias = output_bias;
    cpwl_net_prepare(net);
    cpwl_erm_net_loss(loss, net, data, kind);
    cpwl_net_clear(net);
    arf_clear(a);
}

/* What a --compare-gd method ran, in words (text) or keys (JSON). */
static void describe_training(const cpwl_train_opts *to, double step, int decay,
                              slong K, int json)
{
    const char *name = to->method == CPWL_TRAIN_GD ? "gd" : "adam";
    if (json)
    {
        printf("\"method\": \"%s\", \"step_size\": %.17g, \"step_decay\": "
               "\"%s\", \"max_steps\": %ld, \"init\": \"uniform(-1/sqrt("
               "fan_in), 1/sqrt(fan_in)), as PyTorch\", \"seed\": %llu",
               name, step, decay ? "step/sqrt(1+t)" : "constant",
               (long) to->iters, (unsigned long long) to->seed);
        if (to->method == CPWL_TRAIN_ADAM)
            printf(", \"beta1\": %g, \"beta2\": %g, \"eps\": %g", to->beta1,
                   to->beta2, to->eps);
        return;
    }
    printf("%-5s %s, full batch, step size %.6g%s, at most %ld steps per "
           "run; %ld runs (0 to %ld, seed %llu) from PyTorch's default "
           "initialisation, uniform in +-1/sqrt(fan_in)\n", name,
           to->method == CPWL_TRAIN_GD ? "gradient descent" : "Adam", step,
           decay ? " decaying as step/sqrt(1+t)" : " (constant)",
           (long) to->iters, (long) K, (long) K - 1,
           (unsigned long long) to->seed);
}

/* --compare-gd K: K runs each of gradient descent and Adam; a run
   "reaches" the optimum when its exact loss is within 1e-9 of it, and
   misses it provably when its exact loss is larger by more. */
static void compare_gd(const cpwl_erm_data_t data, const cpwl_erm_opts *o,
                       const fmpq_t opt, slong K, int json)
{
    slong n = data->n, D = data->D, w = o->width, i, r, np;
    double *X = flint_malloc(FLINT_MAX(D * n, 1) * sizeof(double));
    double *y = flint_malloc(FLINT_MAX(D, 1) * sizeof(double));
    double *params;
    fmpq_t loss, gap, tol;
    int m;

    np = w * (n + 2) + 1;
    params = flint_malloc(np * sizeof(double));
    for (i = 0; i < D * n; i++)
        X[i] = cpwl_num_fmpq_get_d(data->X + i);
    for (i = 0; i < D; i++)
        y[i] = cpwl_num_fmpq_get_d(data->y + i);
    fmpq_init(loss);
    fmpq_init(gap);
    fmpq_init(tol);
    fmpq_set_si(tol, 1, 1000000000);
    if (json)
        printf(", \"compare_gd\": [");
    else
        printf("compare-gd    the same width trained in double, each "
               "trained network's loss then computed exactly\n");
    for (m = 0; m < 2; m++)
    {
        cpwl_train_opts to;
        slong reached = 0, steps, most = 0;
        double worst = 0, step;
        int decay;
        cpwl_train_opts_init(&to);
        to.method = m == 0 ? CPWL_TRAIN_GD : CPWL_TRAIN_ADAM;
        to.loss = (int) o->loss;
        to.output_bias = o->output_bias;
        step = cpwl_train_step(&to, X, y, D, n, w);
        /* train.h: decay -1 decays GD's steps for l1 and hinge only */
        decay = to.method == CPWL_TRAIN_GD
                && (to.decay > 0 || (to.decay < 0 && to.loss != 0));
        if (json)
        {
            printf("%s{", m ? ", " : "");
            describe_training(&to, step, decay, K, 1);
            printf(", \"runs\": [");
        }
        else
        {
            describe_training(&to, step, decay, K, 0);
            printf("      gaps:");
        }
        for (r = 0; r < K; r++)
        {
            double gd;
            slong t;
            int finite = 1;
            cpwl_train_init(params, n, w, &to, r);
            cpwl_train_from(params, X, y, D, n, w, &to, &steps);
            most = FLINT_MAX(most, steps);
            for (t = 0; t < np; t++)
                finite &= isfinite(params[t]);
            if (!finite)
            {
                /* a diverged run has no network to evaluate */
                if (json)
                    printf("%s{\"diverged\": true, \"steps\": %ld}",
                           r ? ", " : "", (long) steps);
                else
                    printf(" diverged");
                continue;
            }
            trained_loss(loss, params, data, w, o->output_bias, o->loss);
            fmpq_sub(gap, loss, opt);
            if (fmpq_sgn(gap) < 0)
            {
                /* A trained network below the exact optimum would prove
                   the optimum wrong: a bug, reported as such. */
                fprintf(stderr, "cpwl erm: internal error: a trained "
                        "network has a loss below the computed optimum\n");
                exit(CPWL_ERR_INTERNAL);
            }
            gd = cpwl_num_fmpq_get_d(gap);
            if (fmpq_cmp(gap, tol) <= 0)
                reached++;
            if (gd > worst)
                worst = gd;
            if (json)
            {
                char *s = fmpq_get_str(NULL, 10, gap);
                printf("%s{\"loss_minus_optimum\": \"%s\"", r ? ", " : "",
                       s);
                if (isfinite(gd))
                    printf(", \"approx\": %.17g", gd);
                printf(", \"steps\": %ld}", (long) steps);
                flint_free(s);
            }
            else
                printf(" %.3g", gd);
        }
        if (json)
            printf("], \"reached\": %ld}", (long) reached);
        else
            printf("  (gap = exact loss of the trained network minus the "
                   "optimum)\n      %ld of %ld runs within 1e-9 of the "
                   "optimum; largest gap %.6g; at most %ld steps taken\n",
                   (long) reached, (long) K, worst, (long) most);
    }
    if (json)
        printf("]");
    fmpq_clear(loss);
    fmpq_clear(gap);
    fmpq_clear(tol);
    flint_free(params);
    flint_free(X);
    flint_free(y);
}

/* --verify: re-check a certificate against the data, solving nothing. */
static int verify_certificate(cpwl_erm_data_t data, const char *dpath,
                              const char *path, int json, slong width,
                              int loss, int bias)
{
    cpwl_erm_opts pb, want;
    char *buf;
    size_t len;
    cpwl_err_t e;
    fmpq_t opt;
    cpwl_pred_ctx_t ctx;
    int st;
    cpwl_err_init(e);
    if (cpwl_io_read_all(&buf, &len, path, e) != CPWL_OK)
    {
        cpwl_erm_data_clear(data);
        return cli_fail("erm", e);
    }
    fmpq_init(opt);
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&pb, ctx);
    cpwl_erm_opts_init(&want, ctx);
    /* Options given with --verify must describe the certified problem. */
    want.width = width;
    want.loss = (cpwl_qp_loss) loss;
    want.output_bias = bias;
    st = cpwl_erm_certificate_check(opt, &pb, NULL, &want, data, buf, len, path,
                                    ctx, e);
    if (st == CPWL_OK)
    {
        if (json)
        {
            printf("{\"verified\": true, \"width\": %ld, \"loss\": \"%s\", "
                   "\"output_bias\": %s, \"optimum\": ", (long) pb.width,
                   loss_name(pb.loss), pb.output_bias ? "true" : "false");
            print_value(opt, 1);
            printf("}\n");
        }
        else
        {
            printf("certificate %s for %s: verified\nproblem     width %ld, "
                   "%s loss, %s\noptimum     ", path, dpath, (long) pb.width,
                   loss_name(pb.loss), pb.output_bias ? "output bias"
                   : "no output bias");
            print_value(opt, 0);
            printf("\n");
        }
    }
    else
        st = cli_fail("erm", e);
    free(buf);
    fmpq_clear(opt);
    cpwl_pred_ctx_clear(ctx);
    cpwl_erm_data_clear(data);
    return st;
}

int cmd_erm(int argc, char **argv)
{
    static const struct option opts_l[] = {
        {"width", required_argument, NULL, 'w'},
        {"loss", required_argument, NULL, 'l'},
        {"output-bias", no_argument, NULL, 'b'},
        {"json", no_argument, NULL, 'j'},
        {"out", required_argument, NULL, 'o'},
        {"max-cells", required_argument, NULL, 'x'},
        {"no-prune", no_argument, NULL, 'P'},
        {"compare-gd", required_argument, NULL, 'g'},
        {"stats", no_argument, NULL, 'S'},
        {"certificate", required_argument, NULL, 'c'},
        {"verify", required_argument, NULL, 'v'},
        {"threads", required_argument, NULL, 't'},
        {"sep", required_argument, NULL, 's'},
        CLI_PROGRESS_LONGOPTS,
        CLI_CKPT_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    const char *out = NULL, *cert = NULL, *verify = NULL;
    int json = 0, stats = 0, c, status, stopped;
    slong width = -1, max_cells = CPWL_ERM_DEFAULT_MAX_CELLS, K = 0, threads = 0;
    cpwl_erm_data_t data;
    cpwl_erm_opts o;
    cpwl_erm_result_t r;
    cpwl_pred_ctx_t ctx;
    cli_progress_state ps;
    int pmode = CLI_PROGRESS_AUTO, sep = 0;
    cpwl_err_t e;
    double t0, secs;
    struct sigaction old;
    cpwl_qp_loss loss = CPWL_QP_SQUARED;
    int prune = 1, output_bias = 0, loss_given = -1, bias_given = -1;
    cli_ckpt_args ck;
    cpwl_sched_t sch;
    char *key;

    cli_ckpt_args_init(&ck);

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        int k = cli_ckpt_option(&ck, c, optarg, "erm");
        if (k < 0)
            return CPWL_ERR_INPUT;
        if (k > 0)
            continue;
        switch (c)
        {
            case 'w':
                if (cli_parse_slong(&width, "erm", "--width", optarg, 1,
                                    CPWL_ERM_MAX_WIDTH)
                    != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            case 'l':
                if (!strcmp(optarg, "squared")) loss = CPWL_QP_SQUARED;
                else if (!strcmp(optarg, "l1")) loss = CPWL_QP_L1;
                else if (!strcmp(optarg, "hinge")) loss = CPWL_QP_HINGE;
                else
                    return cli_usage("erm", "--loss: expected squared, l1 or "
                                     "hinge, got '%.40s'", optarg);
                loss_given = (int) loss;
                break;
            case 'b': output_bias = bias_given = 1; break;
            case 'j': json = 1; break;
            case 'o': out = optarg; break;
            case 'P': prune = 0; break;
            case 'S': stats = 1; break;
            case 'c': cert = optarg; break;
            case 't':
                if (cli_parse_slong(&threads, "erm", "--threads", optarg, 1,
                                    1024) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            case 'v': verify = optarg; break;
            case 's':
                if (!strcmp(optarg, ",") || !strcmp(optarg, "comma"))
                    sep = ',';
                else if (!strcmp(optarg, ";") || !strcmp(optarg, "semicolon"))
                    sep = ';';
                else if (!strcmp(optarg, "\t") || !strcmp(optarg, "\\t")
                         || !strcmp(optarg, "tab"))
                    sep = '\t';
                else
                    return cli_usage("erm", "--sep: expected ',', ';' or "
                                     "tab, got '%.40s'", optarg);
                break;
            case CLI_OPT_PROGRESS:
            case CLI_OPT_NO_PROGRESS:
                cli_progress_option(&pmode, c);
                break;
            case 'x':
                if (cli_parse_slong(&max_cells, "erm", "--max-cells", optarg,
                                    1, WORD_MAX / 4) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            case 'g':
                if (cli_parse_slong(&K, "erm", "--compare-gd", optarg, 1,
                                    100000) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            default:
                return cli_bad_option("erm", c, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage("erm", "expected one data file (CSV)");
    if (width < 0 && verify == NULL)
        return cli_usage("erm", "--width W is required");
    if (verify != NULL && (ck.checkpoint != NULL || ck.resume != NULL))
        return cli_usage("erm", "--verify solves nothing: it takes no "
                         "--checkpoint or --resume");

    cpwl_err_init(e);
    cpwl_erm_data_init(data);
    /* Ctrl-C acts from here on: reading 10^6 rows takes seconds. */
    cli_catch_sigint(&old);
    t0 = cli_now();
    if (cpwl_erm_data_read_file_sep(data, &stopped, argv[optind], sep,
                                    &cli_interrupted, e) != CPWL_OK)
    {
        cli_restore_sigint(&old);
        return cli_fail("erm", e);
    }
    if (stopped)
    {
        cli_restore_sigint(&old);
        if (json)
            printf("{\"complete\": false, \"interrupted\": \"reading the "
                   "data\", \"seconds\": %.6f}\n", cli_now() - t0);
        else
            printf("data          %s: interrupted while reading (incomplete: "
                   "nothing computed)\n", argv[optind]);
        fprintf(stderr, "cpwl erm: interrupted while reading the data\n");
        return 130;
    }
    if (verify != NULL)
    {
        cli_restore_sigint(&old);
        return verify_certificate(data, argv[optind], verify, json, width,
                                  loss_given, bias_given);
    }

    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&o, ctx);
    o.loss = loss;
    o.width = width;
    o.output_bias = output_bias;
    o.prune = prune;
    o.max_cells = max_cells;
    o.certificate = cert != NULL;
    o.threads = (int) threads;
    o.interrupt = &cli_interrupted;
    /* The same key in every process and at resume: the data and the
       options the recorded units depend on. */
    cpwl_erm_ckpt_key(&key, data, &o);
    status = cli_sched_start(sch, &ck, "erm", CPWL_ERM_CKPT_KIND, key);
    flint_free(key);
    if (status != CPWL_OK)
    {
        cpwl_sched_clear(sch);
        cli_restore_sigint(&old);
        cpwl_pred_ctx_clear(ctx);
        cpwl_erm_data_clear(data);
        return status;
    }
    sch->threads = (int) threads;
    o.sched = sch;
    cli_progress_init(&ps, "erm", cli_rank == 0 ? pmode : CLI_PROGRESS_OFF);
    if (ps.on)
    {
        o.progress = erm_progress;
        o.progress_data = &ps;
    }
    cpwl_erm_result_init(r);
    t0 = cli_now();
    status = cpwl_erm_solve(r, data, &o, e);
    secs = cli_now() - t0;
    cli_restore_sigint(&old);
    cli_progress_end(&ps);
    if (status != CPWL_OK)
        status = cli_rank == 0 ? cli_fail("erm", e) : status;
    /* the last checkpoint (a stopped run: which file, on stderr) */
    status = cli_sched_end(sch, &ck, "erm", status);
    if ((status != CPWL_OK && status != CLI_EXIT_INTERRUPTED) || cli_rank != 0)
        goto done;
    /* Written atomically; cli_out_* report failures (exit 2 or 1). */
    if (out != NULL && r->have_sol)
    {
        char *s = cpwl_io_net_write_str(r->net);
        outfile_t f;
        if ((status = cli_out_open(f, "erm", out)) == CPWL_OK)
        {
            fputs(s, f->f);
            status = cli_out_close(f, "erm", 1);
        }
        flint_free(s);
        /* Ctrl-C while writing: the report below still comes (exit 130). */
        if (status != CPWL_OK && status != CLI_EXIT_INTERRUPTED)
            goto done;
    }

    if (cert != NULL && r->have_sol && !r->stopped && status == CPWL_OK)
    {
        /* A write error leaves the stream's error flag: close reports. */
        outfile_t f;
        if ((status = cli_out_open(f, "erm", cert)) == CPWL_OK)
        {
            cpwl_erm_certificate_write(f->f, r, data, &o);
            status = cli_out_close(f, "erm", 1);
        }
        if (status != CPWL_OK && status != CLI_EXIT_INTERRUPTED)
            goto done;
    }
    if (json)
    {
        printf("{\"data\": {\"points\": %ld, \"dim\": %ld}, \"width\": %ld, "
               "\"loss\": \"%s\", \"output_bias\": %s, \"complete\": %s, ",
               (long) data->D, (long) data->n, (long) width,
               loss_name(loss), output_bias ? "true" : "false",
               r->stopped || status != CPWL_OK ? "false" : "true");
        if (r->have_sol)
        {
            char *s = cpwl_io_net_write_str(r->net);
            printf("\"%s\": ", r->stopped ? "upper_bound" : "optimum");
            print_value(r->optimum, 1);
            printf(", \"network\": %s", s);
            flint_free(s);
        }
        else if (r->zero_bound)
        {
            printf("\"upper_bound\": ");
            print_value(r->optimum, 1);
        }
        printf(", \"dichotomies\": %ld, \"subproblems\": %ld, \"solved\": %ld,"
               " \"pruned\": %ld, \"seconds\": %.6f", (long) r->dichotomies,
               (long) r->cells, (long) r->solved, (long) r->pruned, secs);
        if (K > 0 && r->have_sol && !r->stopped)
            compare_gd(data, &o, r->optimum, K, 1);
        printf("}\n");
    }
    else
    {
        printf("data          %s: %ld points in R^%ld\n", argv[optind],
               (long) data->D, (long) data->n);
        printf("network       width %ld, %s loss, %s\n", (long) width,
               loss_name(loss), output_bias ? "output bias"
               : "no output bias");
        if (r->stopped && r->cells == 0)
            printf("dichotomies   interrupted while enumerating them\n");
        else
            printf("dichotomies   %ld\n", (long) r->dichotomies);
        printf("subproblems   %ld (solved %ld, pruned %ld)\n",
               (long) r->cells, (long) r->solved, (long) r->pruned);
        if (r->have_sol)
        {
            printf("%s", r->stopped ? "upper bound   " : "optimum       ");
            print_value(r->optimum, 0);
            printf("%s\n", r->stopped ? "  (interrupted: the best value "
                   "found, NOT the optimum)" : "");
        }
        else if (r->zero_bound)
        {
            printf("upper bound   ");
            print_value(r->optimum, 0);
            printf("  (interrupted before any subproblem was solved: the "
                   "loss of the zero network, NOT the optimum)\n");
        }
        printf("seconds       %.3f\n", secs);
        if (stats)
            printf("certified     %ld subproblems from the double pre-solve, "
                   "%ld by the exact method\n", (long) r->by_double,
                   (long) (r->solved - r->by_double));
        if (out && r->have_sol && status == CPWL_OK)
            printf("network       written to %s\n", out);
        if (K > 0 && r->have_sol && !r->stopped)
            compare_gd(data, &o, r->optimum, K, 0);
    }
    if (r->stopped)
    {
        fprintf(stderr, "cpwl erm: interrupted: the value printed is an "
                "upper bound\n");
        status = 130;
    }
done:
    cpwl_sched_clear(sch);
    cpwl_erm_result_clear(r);
    cpwl_pred_ctx_clear(ctx);
    cpwl_erm_data_clear(data);
    return status;
}
