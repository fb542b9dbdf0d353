/* cpwl pacbayes kl-gauss: KL(Q || P) of two cpwl-gauss files, certified. */
#include <getopt.h>
#include <math.h>
#include <string.h>
#include "pacbayes.h"

#define SUB "pacbayes kl-gauss"
#define KL_PREC 256
#define KL_DIGITS 15

int cli_pb_kl_gauss(int argc, char **argv)
{
    static const struct option opts[] = {
        {"posterior", required_argument, NULL, 'q'},
        {"prior", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}
    };
    const char *post = NULL, *prior = NULL;
    int json = 0, c, status = CPWL_OK;
    slong rq = 0, rp = 0;
    cpwl_stochnet_t Q, P;
    cpwl_err_t e;
    arb_t kl, ut;
    fmpq_t up;
    double kd;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
    {
        switch (c)
        {
            case 'q': post = optarg; break;
            case 'p': prior = optarg; break;
            case 'j': json = 1; break;
            case 'h': fputs(cli_pacbayes_usage, stdout); return CPWL_OK;
            default: return cli_bad_option(SUB, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(SUB, "unexpected argument \"%.40s\"", argv[optind]);
    if (post == NULL || prior == NULL)
        return cli_usage(SUB, "--posterior POST.json and --prior PRIOR.json "
                         "are required");

    cpwl_err_init(e);
    cpwl_stochnet_init(Q);
    cpwl_stochnet_init(P);
    arb_init(kl);
    arb_init(ut);
    fmpq_init(up);
    if (cpwl_stochnet_read_file(Q, &rq, post, e) != CPWL_OK
        || cpwl_stochnet_read_file(P, &rp, prior, e) != CPWL_OK
        || cpwl_stochnet_compatible(P, Q, e) != CPWL_OK
        || cpwl_gauss_kl(kl, Q->w, P->w, KL_PREC, e) != CPWL_OK)
    {
        status = cli_fail(SUB, e);
        goto done;
    }
    if (!arb_is_finite(kl))
    {
        cpwl_err_set(e, CPWL_ERR_INTERNAL, "the KL enclosure is not finite");
        status = cli_fail(SUB, e);
        goto done;
    }
    kd = cpwl_gauss_kl_d(Q->w, P->w);
    cpwl_pacbayes_round_up(up, kl, KL_DIGITS);
    if (P->grid_j > 0)
        cpwl_gauss_grid_union_term(ut, P->grid_j, KL_PREC);
    {
        char *ball = cli_arb_str(kl, 1, KL_DIGITS);
        char *us = fmpq_get_str(NULL, 10, up);
        if (json)
        {
            printf("{\"parameters\": %ld, \"kl\": \"%s\", \"kl_upper\": "
                   "\"%s\", ", (long) Q->w->d, ball, us);
            /* A plain double sum may overflow: JSON has no inf. */
            if (isfinite(kd))
                printf("\"kl_double\": %.17g, ", kd);
            else
                printf("\"kl_double\": null, ");
            printf("\"rounded\": {\"posterior\": %ld, \"prior\": %ld}",
                   (long) rq, (long) rp);
            if (P->grid_j > 0)
            {
                char *u = cli_arb_str(ut, 1, KL_DIGITS);
                printf(", \"grid_j\": %ld, \"union_term\": \"%s\"",
                       (long) P->grid_j, u);
                flint_free(u);
            }
            printf("}\n");
        }
        else
        {
            printf("parameters      %ld\n", (long) Q->w->d);
            printf("KL(Q||P)        %s (certified enclosure)\n", ball);
            {
                char *ds = cpwl_pacbayes_decimal_str(up);
                printf("KL upper bound  %s\n", ds != NULL ? ds : us);
                flint_free(ds);
            }
            if (isfinite(kd))
                printf("KL in double    %.17g (plain sum, no bound)\n", kd);
            else
                printf("KL in double    not finite (plain sum, no bound)\n");
            printf("binary64        %ld posterior and %ld prior values were "
                   "decimals rounded to nearest once when read\n", (long) rq,
                   (long) rp);
            if (P->grid_j > 0)
            {
                char *u = cli_arb_str(ut, 1, KL_DIGITS);
                printf("grid prior      j = %ld: union term ln(pi^2 j^2/6) = "
                       "%s (added to ln(1/delta) by the bounds)\n",
                       (long) P->grid_j, u);
                flint_free(u);
            }
        }
        flint_free(ball);
        flint_free(us);
    }
done:
    fmpq_clear(up);
    arb_clear(ut);
    arb_clear(kl);
    cpwl_stochnet_clear(P);
    cpwl_stochnet_clear(Q);
    return status;
}
