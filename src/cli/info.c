/* cpwl info: sizes of a network (Arora et al. conventions, SPEC 1). */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0}
    };
    int json = 0, c;
    slong l, nb, db;
    cpwl_net_t net;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
    {
        if (c == 'j')
            json = 1;
        else
            return cli_bad_option("info", c, argv);
    }
    if (argc - optind != 1)
        return cli_usage("info", "expected one network file");

    cpwl_net_init(net, 0);
    if ((c = cli_load_net(net, "info", argv[optind])) != CPWL_OK)
    {
        cpwl_net_clear(net);
        return c;
    }
    cpwl_net_max_bits(&nb, &db, net);

    if (json)
    {
        char *file = cpwl_io_json_quote(argv[optind]);
        char *name = net->name ? cpwl_io_json_quote(net->name) : NULL;
        printf("{\"file\": %s, \"name\": %s, ", file, name ? name : "null");
        flint_free(file);
        flint_free(name);
        printf("\"input_dim\": %ld, \"output_dim\": %ld, \"hidden_widths\": [",
               (long) net->input_dim, (long) cpwl_net_output_dim(net));
        for (l = 0; l + 1 < net->nlayers; l++)
            printf("%s%ld", l ? ", " : "", (long) cpwl_net_layer_width(net, l));
        printf("], \"depth\": %ld, \"size\": %ld, \"width\": %ld, "
               "\"activations\": [", (long) cpwl_net_depth(net),
               (long) cpwl_net_size(net), (long) cpwl_net_width(net));
        for (l = 0; l < net->nlayers; l++)
            printf("%s\"%s\"", l ? ", " : "",
                   cpwl_net_act_name(net->layers[l].act));
        printf("], \"output_bias\": %s, \"parameters\": %ld, "
               "\"max_numerator_bits\": %ld, \"max_denominator_bits\": %ld}\n",
               net->output_bias ? "true" : "false", (long) cpwl_net_num_params(net),
               (long) nb, (long) db);
    }
    else
    {
        printf("network       %s%s%s\n", argv[optind],
               net->name ? "  name: " : "", net->name ? net->name : "");
        printf("input_dim     %ld\noutput_dim    %ld\nhidden widths ",
               (long) net->input_dim, (long) cpwl_net_output_dim(net));
        for (l = 0; l + 1 < net->nlayers; l++)
            printf("%s%ld", l ? "-" : "", (long) cpwl_net_layer_width(net, l));
        printf("%s\n", net->nlayers == 1 ? "(none)" : "");
        printf("depth         %ld  (affine maps)\n", (long) cpwl_net_depth(net));
        printf("size          %ld  (hidden neurons)\n", (long) cpwl_net_size(net));
        printf("width         %ld  (widest hidden layer)\n",
               (long) cpwl_net_width(net));
        printf("activations   ");
        for (l = 0; l < net->nlayers; l++)
            printf("%s%s", l ? ", " : "", cpwl_net_act_name(net->layers[l].act));
        printf("\noutput_bias   %s\n", net->output_bias ? "yes" : "no");
        printf("parameters    %ld\n", (long) cpwl_net_num_params(net));
        printf("bit sizes     numerators <= %ld bits, denominators <= %ld "
               "bits\n", (long) nb, (long) db);
    }
    cpwl_net_clear(net);
    return CPWL_OK;
}
