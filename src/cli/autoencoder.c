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
    "        a dictionary: identity:n=N, hadamard:n=N[;signed],\n"
    "        union:n=N[;bases=B], sphere:n=N;h=H[;height=M]\n"
    "  gen codes --h H (--codes SPEC [--max-codes N] | --k K --m1 Q --m2 Q\n"
    "            [--grid G] --count N [--seed S]) [-o FILE]\n"
    "        a code distribution as CSV p,x_1..x_h\n"
    "  eval --dict A (--y LIST | --x CODE) --eps E [--at W]\n"
    "       [--relu-prime0 0|1] [--json]\n"
    "        support of relu(W y - eps), reconstruction, loss and its\n"
    "        gradient, exactly (W defaults to A^T)\n"
    "  grad --dict A --codes DIST --eps E [--at W] [--relu-prime0 0|1]\n"
    "       [--delta D [--directions R] [--height M]]\n"
    "       [--monte-carlo N [--repeats R]] [--seed S] [--max-codes N]\n"
    "       [--show-grad] [--json] [--progress | --no-progress]\n"
    "        the exact expected loss and gradient and its norm, on a sphere\n"
    "        around A^T, beside the binary64 Monte-Carlo estimate\n"
    "  support --dict A (--y LIST | --x CODE | --codes DIST) [--eps E]\n"
    "          [--at W] [--max-fail N] [--max-codes N] [--json]\n"
    "          [--progress | --no-progress]\n"
    "        exact threshold windows, recovery probability, codes that no\n"
    "        threshold recovers\n"
    "  train --dict A --codes DIST --eps E [--at W0 | --delta D [--height M]]\n"
    "        [--seed S] [--relu-prime0 0|1] [--arith ARITH] [--every k]\n"
    "        [--csv OUT] [--json] [optimiser options of cpwl optim; its\n"
    "        epsilon is --opt-eps]\n"
    "        the optimiser engine on the expected loss, with the distance\n"
    "        to A^T along the run\n"
    "\n"
    "A dictionary or W is a CSV or JSON matrix file; DIST is a CSV file\n"
    "p,x_1..x_h or supports:k=K[;values=V,...][;p=P,...].  Exit status:\n"
    "0 success, 1 internal error, 2 bad input, 130 interrupted.\n";


static const cli_action actions[] = {
    {"gen", cli_ae_gen},
    {"eval", cli_ae_eval},
    {"grad", cli_ae_grad},
    {"support", cli_ae_support},
    {"train", cli_ae_train},
    {NULL, NULL}
};

int cmd_autoencoder(int argc, char **argv)
{
    return cli_dispatch("autoencoder", cli_autoencoder_usage, actions, "gen, eval, grad, support or train", argc, argv);
}
