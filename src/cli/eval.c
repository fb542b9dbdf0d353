/* cpwl eval: one point through the exact, ball and double paths. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

/* A printed bound must not understate the proven one: widen before
   rounding to 4 significant digits. */
static void print_bound(double err)
{
    printf("%.3e", err * (1 + 1e-3));
}

int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        {"at", required_argument, NULL, 'a'},
        {"prec", required_argument, NULL, 'p'},
        {"stats", no_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0}
    };
    const char *at = NULL;
    int json = 0, stats = 0, c, status = CPWL_OK, dok;
    slong prec = 128, j, n, m, digits;
    cpwl_net_t net;
    fmpq *x, *y;
    arb_ptr xa, ya;
    double *xd, *xe, *yd, *ye;
    unsigned char *state;
    char *pat;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
    {
        switch (c)
        {
            case 'a':
                at = optarg;
                break;
            case 'p':
                if (cli_parse_slong(&prec, "eval", "--prec", optarg, 2,
                                    1000000) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            case 's':
                stats = 1;
                break;
            case 'j':
                json = 1;
                break;
            default:
                return cli_bad_option("eval", c, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage("eval", "expected one network file");
    if (at == NULL)
        return cli_usage("eval", "--at is required, e.g. --at \"1/2,-3\"");

    cpwl_net_init(net, 0);
    if ((status = cli_load_net(net, "eval", argv[optind])) != CPWL_OK)
    {
        cpwl_net_clear(net);
        return status;
    }
    n = net->input_dim;
    m = cpwl_net_output_dim(net);
    x = _fmpq_vec_init(n);
    cpwl_err_init(e);
    if (cpwl_io_parse_vector(x, n, at, "--at", e) != CPWL_OK)
    {
        status = cli_fail("eval", e);
        _fmpq_vec_clear(x, n);
        cpwl_net_clear(net);
        return status;
    }

    y = _fmpq_vec_init(m);
    xa = _arb_vec_init(n);
    ya = _arb_vec_init(m);
    xd = flint_malloc(n * sizeof(double));
    xe = flint_malloc(n * sizeof(double));
    yd = flint_malloc(m * sizeof(double));
    ye = flint_malloc(m * sizeof(double));
    state = flint_malloc(FLINT_MAX(1, cpwl_net_num_states(net)));
    cpwl_pred_ctx_init(ctx);

    cpwl_net_eval_fmpq(y, net, x);
    for (j = 0; j < n; j++)
        arb_set_fmpq(xa + j, x + j, prec);
    cpwl_net_eval_arb(ya, net, xa, prec);
    dok = cpwl_net_round_inputs_d(xd, xe, x, n) && cpwl_net_eval_d(yd, ye, net, xd, xe);
    cpwl_net_pattern(state, net, x, ctx);
    pat = cpwl_net_pattern_str(state, net);
    digits = FLINT_MAX(5, (slong) (prec * 0.30103));

    if (json)
    {
        printf("{\"input\": [");
        cli_print_fmpq_vec(stdout, x, n, ", ", 1);
        printf("], \"exact\": [");
        cli_print_fmpq_vec(stdout, y, m, ", ", 1);
        printf("], \"arb\": [");
        for (j = 0; j < m; j++)
        {
            char *s = arb_get_str(ya + j, digits, 0);
            printf("%s\"%s\"", j ? ", " : "", s);
            flint_free(s);
        }
        printf("], \"arb_prec\": %ld, \"double\": ", (long) prec);
        if (dok)
        {
            printf("[");
            for (j = 0; j < m; j++)
                printf("%s%.17g", j ? ", " : "", yd[j]);
            printf("], \"double_error_bound\": [");
            for (j = 0; j < m; j++)
                printf("%s%.17g", j ? ", " : "", ye[j]);
            printf("]");
        }
        else
            printf("null, \"double_error_bound\": null");
        printf(", \"pattern\": \"%s\"", pat);
        if (stats)
            printf(", \"stats\": {\"double\": %lu, \"arb\": %lu, "
                   "\"exact\": %lu}", ctx->by_double, ctx->by_arb,
                   ctx->by_exact);
        printf("}\n");
    }
    else
    {
        printf("x        ");
        cli_print_fmpq_vec(stdout, x, n, ", ", 0);
        printf("\nexact    ");
        cli_print_fmpq_vec(stdout, y, m, ", ", 0);
        printf("\narb      ");
        for (j = 0; j < m; j++)
        {
            char *s = arb_get_str(ya + j, digits, 0);
            printf("%s%s", j ? ", " : "", s);
            flint_free(s);
        }
        printf("   (prec %ld)\ndouble   ", (long) prec);
        if (dok)
        {
            for (j = 0; j < m; j++)
            {
                printf("%s%.17g +/- ", j ? ", " : "", yd[j]);
                print_bound(ye[j]);
            }
            printf("   (proven bound)\n");
        }
        else
            printf("overflow: no double value with a finite bound\n");
        printf("pattern  %s\n", pat[0] ? pat : "(no piecewise neurons)");
        if (stats)
            printf("stats    sign questions decided by double %lu, arb %lu, "
                   "exact %lu\n", ctx->by_double, ctx->by_arb, ctx->by_exact);
    }

    flint_free(pat);
    cpwl_pred_ctx_clear(ctx);
    flint_free(state);
    flint_free(xd);
    flint_free(xe);
    flint_free(yd);
    flint_free(ye);
    _arb_vec_clear(xa, n);
    _arb_vec_clear(ya, m);
    _fmpq_vec_clear(x, n);
    _fmpq_vec_clear(y, m);
    cpwl_net_clear(net);
    return CPWL_OK;
}
