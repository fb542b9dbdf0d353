/* cpwl pacbayes: PAC-Bayes risk certificates (chapter 6).  One file per
   action (pacbayes_kl_inv.c, pacbayes_bound.c, pacbayes_kl_gauss.c,
   pacbayes_certify.c), the dispatch and usage in pacbayes.c. */
#ifndef CPWL_CLI_PACBAYES_H
#define CPWL_CLI_PACBAYES_H

#include "cli.h"

/* Each action: argv[0] is the action's name ("bound", ...); the
   subcommand name for messages is "pacbayes ACTION". */
int cli_pb_kl_inv(int argc, char **argv);
int cli_pb_bound(int argc, char **argv);
int cli_pb_kl_gauss(int argc, char **argv);
int cli_pb_certify(int argc, char **argv);

#endif
