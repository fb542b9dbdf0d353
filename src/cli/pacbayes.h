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

/* An exact rational option value (no log: forms), or a usage error of
   sub naming the option opt; an exit status. */
int cli_pb_parse_q(fmpq_t x, const char *sub, const char *opt, const char *s);

/* 1 if 0 < q < 1. */
int cli_pb_in_open01(const fmpq_t q);

/* The confidences of a certificate: delta and delta' each in (0, 1) and
   delta + delta' < 1 (the confidence is 1 minus their sum); 0, or a
   usage error of sub naming --delta / --delta-samples. */
int cli_pb_check_deltas(const char *sub, const fmpq_t delta,
                        const fmpq_t delta2);

#endif
