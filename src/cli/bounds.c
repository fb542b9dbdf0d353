/* cpwl bounds: known bounds on the number of activation regions of an
   architecture (src/bounds.c, docs/bounds.md). */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"

static void print_widths(FILE *f, const slong *w, slong L, const char *sep)
{
    slong l;
    for (l = 0; l < L; l++)
        fprintf(f, "%s%ld", l ? sep : "", (long) w[l]);
}

/* A big integer as a JSON string (exact at any size). */
static void print_fmpz_json(const fmpz_t x)
{
    printf("\"");
    fmpz_fprint(stdout, x);
    printf("\"");
}

int cmd_bounds(int argc, char **argv)
{
    static const struct option opts_l[] = {
        {"arch", required_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0}
    };
    const char *arch = NULL;
    int json = 0, c, has_m;
    slong n0, L, out, *w;
    fmpz_t naive, serra, mont, one;
    cpwl_err_t e;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        switch (c)
        {
            case 'a': arch = optarg; break;
            case 'j': json = 1; break;
            default:
                return cli_bad_option("bounds", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage("bounds", "unexpected argument \"%.40s\"",
                         argv[optind]);
    if (arch == NULL)
        return cli_usage("bounds", "--arch is required (e.g. --arch "
                         "2-8-8-1: input, hidden widths, output)");
    cpwl_err_init(e);
    if (cpwl_bounds_parse_arch(&n0, &w, &L, &out, arch, e) != CPWL_OK)
        return cli_fail("bounds", e);

    fmpz_init(naive);
    fmpz_init(serra);
    fmpz_init(mont);
    fmpz_init(one);
    cpwl_bounds_naive(naive, n0, w, L);
    cpwl_bounds_serra(serra, n0, w, L);
    has_m = cpwl_bounds_montufar(mont, n0, w, L);
    cpwl_bounds_one_input(one, w, L);

    if (json)
    {
        printf("{\"input_dim\": %ld, \"hidden_widths\": [", (long) n0);
        print_widths(stdout, w, L, ", ");
        printf("], \"output_dim\": %ld, \"naive_upper\": ", (long) out);
        print_fmpz_json(naive);
        printf(", \"serra_upper\": ");
        print_fmpz_json(serra);
        printf(", \"montufar_lower\": ");
        if (has_m)
            print_fmpz_json(mont);
        else
            printf("null");
        printf(", \"one_input_upper\": ");
        if (n0 == 1)
            print_fmpz_json(one);
        else
            printf("null");
        printf("}\n");
    }
    else
    {
        printf("architecture     input %ld, hidden widths ", (long) n0);
        if (L == 0)
            printf("(none)");
        else
            print_widths(stdout, w, L, "-");
        printf(", output %ld\n", (long) out);
        printf("naive upper      ");
        fmpz_print(naive);
        printf("  (prod_l sum_{j<=n0} C(w_l, j))\n");
        printf("Serra upper      ");
        fmpz_print(serra);
        printf("  (Serra, Tjandraatmadja, Ramalingam 2018, Theorem 1)\n");
        printf("Montufar lower   ");
        if (has_m)
        {
            fmpz_print(mont);
            printf("  (Montufar, Pascanu, Cho, Bengio 2014)\n");
        }
        else
            printf("n/a: needs every hidden width >= n0 = %ld\n", (long) n0);
        printf("one-input upper  ");
        if (n0 == 1)
        {
            fmpz_print(one);
            printf("  (prod_l (w_l + 1) pieces)\n");
        }
        else
            printf("n/a: input dimension %ld, not 1\n", (long) n0);
        printf("(bounds on the maximum number of activation regions on all "
               "of R^%ld over all weights)\n", (long) n0);
    }
    fmpz_clear(naive);
    fmpz_clear(serra);
    fmpz_clear(mont);
    fmpz_clear(one);
    flint_free(w);
    return CPWL_OK;
}
