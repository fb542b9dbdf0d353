/* cpwl experiment ACTION: dispatch to the actions (one file each). */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include "experiment.h"

const char cli_experiment_usage[] =
    "usage: cpwl experiment ACTION [OPTIONS]\n"
    "\n"
    "The thesis's experiments on real data (Fashion-MNIST from Debian's\n"
    "dataset-fashion-mnist), trained on the fast binary64/binary32 path\n"
    "with the optimiser engine's algorithms (docs/experiments.md).\n"
    "\n"
    "Actions:\n"
    "  adam-vs-nag [--data DIR] [--train N] [--test N] [--shapes LIST]\n"
    "          [--steps T] [--batch B] [--eval-every K] [--eval-n N]\n"
    "          [--hessian-every K] [--hessian-n N] [--lanczos-steps k]\n"
    "          [--precision float|double] [--adam-lr LIST] [--adam-xi LIST]\n"
    "          [--adam-beta1 LIST] [--nag-lr LIST] [--nag-momentum LIST]\n"
    "          [--seed S] [--out DIR] [--checkpoint-every K]\n"
    "          [--max-work W] [--[no-]progress]\n"
    "        chapter 5: ADAM (beta1 in LIST, xi swept) against NAG tuned\n"
    "        over lr x momentum on autoencoders, a fixed budget of steps;\n"
    "        writes DIR/runs.csv, table.md, table.csv, figures and\n"
    "        checkpoints (cpwl networks)\n"
    "  pacbayes [OPTIONS]\n"
    "        chapter 6: a stochastic classifier trained with a PAC-Bayes\n"
    "        objective and its certified risk bound beside the test error\n"
    "\n"
    "Options of adam-vs-nag:\n"
    "  --data DIR           the IDX files (default\n"
    "                       /usr/share/datasets/fashion-mnist)\n"
    "  --train N, --test N  training and test points used (default 10000,\n"
    "                       2000)\n"
    "  --shapes LIST        autoencoders (default\n"
    "                       784-256-784,784-256-64-256-784)\n"
    "  --steps T            steps per run (default 2000)\n"
    "  --batch B            mini-batch size (default 100)\n"
    "  --eval-every K       measure every K steps (default 100)\n"
    "  --eval-n N           training points of train_loss and grad_norm\n"
    "                       (default: all --train points)\n"
    "  --hessian-every K    lambda_min, lambda_max every K steps (default\n"
    "                       500; 0: never)\n"
    "  --hessian-n N        points of the Hessian's loss (default 500, at\n"
    "                       most --train)\n"
    "  --lanczos-steps k    Lanczos steps (default 20)\n"
    "  --precision P        float (binary32, default) or double\n"
    "  --adam-lr LIST, --adam-xi LIST, --adam-beta1 LIST\n"
    "                       ADAM's grid (defaults 1e-3; 1e-8,1e-4,1e-1;\n"
    "                       0.9,0.99; beta2 = 0.999)\n"
    "  --nag-lr LIST, --nag-momentum LIST\n"
    "                       NAG's grid (defaults 1e-3,3e-4,1e-4,3e-5;\n"
    "                       0.9,0.99)\n"
    "  --seed S             initial weights and batches (default 0)\n"
    "  --out DIR            output directory, created with its parents\n"
    "                       (default experiments/adam-vs-nag)\n"
    "  --checkpoint-every K also checkpoint every run every K steps\n"
    "                       (default 0: the best runs' final weights only)\n"
    "  --max-work W         refuse more than W = steps x parameters x batch\n"
    "                       summed over the runs (default 1e13)\n"
    "  --progress           progress lines on stderr also when it is not a\n"
    "                       terminal; --no-progress: none\n"
    "\n"
    "Ctrl-C stops between steps; the rows written are kept and the table\n"
    "and figures are made from the runs done (exit 130).\n"
    "\n"
    "Exit status: 0 success, 1 internal error, 2 bad input, 130\n"
    "interrupted.\n";


static const cli_action actions[] = {
    {"adam-vs-nag", cli_experiment_adam_nag},
    {"pacbayes", cli_experiment_pacbayes},
    {NULL, NULL}
};

int cmd_experiment(int argc, char **argv)
{
    return cli_dispatch("experiment", cli_experiment_usage, actions, "adam-vs-nag or pacbayes", argc, argv);
}

int cli_experiment_mkdir(const char *sub, const char *path)
{
    char buf[4096];
    size_t i, n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return cli_usage(sub, "--out: expected a directory name of 1 to %d "
                         "bytes", (int) sizeof buf - 1);
    memcpy(buf, path, n + 1);
    for (i = 1; i <= n; i++)
        if (buf[i] == '/' || buf[i] == '\0')
        {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return cli_usage(sub, "--out: cannot create the directory "
                                 "%s: %s", buf, strerror(errno));
            buf[i] = c;
        }
    return CPWL_OK;
}
