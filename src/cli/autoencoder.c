/* cpwl autoencoder ACTION: dispatch to the actions (one file each). */
#include <getopt.h>
#include <string.h>
#include "autoencoder.h"

const char cli_autoencoder_usage[] =
    "usage: cpwl autoencoder ACTION [OPTIONS]\n"
    "\n"
    "The weight-tied ReLU autoencoder of sparse coding (chapter 4):\n"
    "yhat = W^T relu(W y - eps), loss (1/2)|y - yhat|^2, W (h x n), data\n"
    "y = A x* for a dictionary A (n x h, its columns the atoms) and sparse\n"
    "codes x*.  Everything exact (docs/autoencoder.md).\n"
    "\n"
    "Actions:\n"
    "  gen dict SPEC [--seed S] [--json] [-o FILE]\n"
    "                        a dictionary: identity:n=N, hadamard:n=N[;signed],\n"
    "                        union:n=N[;bases=B], sphere:n=N;h=H[;height=M]\n"
    "  gen codes --h H (--codes SPEC | --k K --m1 Q --m2 Q [--grid G]\n"
    "            --count N [--seed S]) [-o FILE]\n"
    "                        a code distribution as CSV p,x_1..x_h\n"
    "  eval --dict A --y LIST --eps E [--at W] [--relu-prime0 0|1] [--json]\n"
    "                        support of relu(W y - eps), reconstruction, loss\n"
    "                        and its gradient, exactly (W defaults to A^T)\n"
    "  grad --dict A --codes DIST --eps E [--at W] [--delta D --directions R]\n"
    "       [--monte-carlo N --repeats R] [--seed S] [--json]\n"
    "                        the exact expected gradient and its norm\n"
    "  support --dict A (--y LIST | --codes DIST) [--eps E] [--at W] [--json]\n"
    "                        exact threshold windows and recovery probability\n"
    "  train --dict A --codes DIST --eps E [--delta D] [optimiser options]\n"
    "                        the optimiser engine from A^T + delta D\n";

typedef struct
{
    const char *name;
    int (*run)(int argc, char **argv);
}
ae_action;

static const ae_action actions[] = {
    {"gen", cli_ae_gen},
    {"eval", cli_ae_eval},
    {"grad", cli_ae_grad},
    {"support", cli_ae_support},
    {"train", cli_ae_train},
    {NULL, NULL}
};

int cmd_autoencoder(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}
    };
    const ae_action *a;
    int c;

    /* Before the action, only --help (-h). */
    optind = 1;
    if (argc > 1 && argv[1][0] == '-')
    {
        if ((c = getopt_long(2, argv, "+:h", opts, NULL)) != 'h')
            return cli_bad_option("autoencoder", c, argv);
        fputs(cli_autoencoder_usage, stdout);
        return CPWL_OK;
    }
    if (argc < 2)
        return cli_usage("autoencoder", "expected an action: gen, eval, "
                         "grad, support or train");
    for (a = actions; a->name != NULL; a++)
        if (strcmp(a->name, argv[1]) == 0)
            return a->run(argc - 1, argv + 1);
    return cli_usage("autoencoder", "unknown action \"%.40s\"; expected "
                     "gen, eval, grad, support or train", argv[1]);
}
