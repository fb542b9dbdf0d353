/* cpwl experiment ACTION: the experiments on real data, one file per
   action. */
#ifndef CPWL_CLI_EXPERIMENT_H
#define CPWL_CLI_EXPERIMENT_H

#include "cli.h"
#include "cpwl/experiment.h"

int cli_experiment_adam_nag(int argc, char **argv);
int cli_experiment_pacbayes(int argc, char **argv);
/* mkdir -p for --out (`make experiments` on a fresh tree): every missing
   directory of path; a usage error of sub (exit 2) naming the one that
   could not be made. */
int cli_experiment_mkdir(const char *sub, const char *path);

#endif
