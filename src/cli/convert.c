/* cpwl convert: rewrite a network file canonically (SPEC 4). */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"

int cmd_convert(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0}
    };
    const char *out = NULL;
    int c, status;
    cpwl_net_t net;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1)
    {
        if (c == 'o')
            out = optarg;
        else
            return cli_bad_option("convert", c, argv);
    }
    if (argc - optind != 1)
        return cli_usage("convert", "expected one network file");

    cpwl_net_init(net, 0);
    if ((status = cli_load_net(net, "convert", argv[optind])) != CPWL_OK)
    {
        cpwl_net_clear(net);
        return status;
    }
    status = cli_write_net(net, "convert", out);
    cpwl_net_clear(net);
    return status;
}
