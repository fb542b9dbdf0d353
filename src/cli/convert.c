/* cpwl convert: rewrite a network file canonically (SPEC 4). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

int cmd_convert(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0}
    };
    const char *out = NULL;
    int c, status;
    char *text;
    net_t net;
    FILE *f;

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

    net_init(net, 0);
    if ((status = cli_load_net(net, "convert", argv[optind])) != CPWL_OK)
    {
        net_clear(net);
        return status;
    }
    text = io_net_write_str(net);
    net_clear(net);

    f = out == NULL ? stdout : fopen(out, "w");
    if (f == NULL)
    {
        fprintf(stderr, "cpwl convert: %s: cannot write (%s)\n", out,
                strerror(errno));
        flint_free(text);
        return CPWL_ERR_INPUT;
    }
    status = fputs(text, f) == EOF ? CPWL_ERR_INTERNAL : CPWL_OK;
    if (out != NULL && fclose(f) != 0)
        status = CPWL_ERR_INTERNAL;
    if (status != CPWL_OK)
        fprintf(stderr, "cpwl convert: write error\n");
    flint_free(text);
    return status;
}
