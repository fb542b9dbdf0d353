/* cpwl autoencoder: the sparse-coding autoencoder of chapter 4.  One
   file per action (autoencoder_gen.c, autoencoder_eval.c,
   autoencoder_grad.c, autoencoder_support.c, autoencoder_train.c), the
   dispatch and usage in autoencoder.c, the readers every action shares
   in autoencoder_common.c, their printing in autoencoder_print.c. */
#ifndef CPWL_CLI_AUTOENCODER_H
#define CPWL_CLI_AUTOENCODER_H

#include "cli.h"

/* Each action: argv[0] is the action's name ("gen", ...); the
   subcommand name for messages is "autoencoder ACTION". */
int cli_ae_gen(int argc, char **argv);
int cli_ae_eval(int argc, char **argv);
int cli_ae_grad(int argc, char **argv);
int cli_ae_support(int argc, char **argv);
int cli_ae_train(int argc, char **argv);

/* The readers (autoencoder_common.c); each returns an exit status, the
   message printed with sub ("autoencoder eval", ...) and the option.
   cli_ae_read_dict: the dictionary file (CSV or JSON; module dict) into
   A (initialised, any size).
   cli_ae_read_w: W from the file path (--at), h x n checked against A,
   or A^T when path is NULL; W initialised, any size.
   cli_ae_parse_eps: one exact literal (a scalar threshold: eps_i = eps
   for all i) or a comma list of h; eps has h entries.  *scalar is set to
   1 for one literal.
   cli_ae_parse_y: a comma list of n exact literals (--y).
   cli_ae_read_codes: --codes, a supports spec or a CSV file (module
   codes), for h atoms. */
int cli_ae_read_dict(fmpq_mat_t A, const char *sub, const char *path);
int cli_ae_read_w(fmpq_mat_t W, const char *sub, const char *path,
                  const fmpq_mat_t A);
int cli_ae_parse_eps(fmpq *eps, int *scalar, const char *sub,
                     const char *s, slong h);
int cli_ae_parse_y(fmpq *y, const char *sub, const char *s, slong n);
int cli_ae_read_codes(cpwl_codes_t C, const char *sub, const char *s,
                      slong h);

/* Printing shared by the actions (autoencoder_print.c; an exact value
   in the text is cli_q_str(q, 1)).
   cli_ae_row, cli_ae_qline, cli_ae_vline: a text row "label  value"
   (the label in 24 columns), the value a string, a rational or a vector
   (p/q, ...).
   cli_ae_norm_text: sqrt(norm2) in decimal (20 digits), a new string.
   cli_ae_parse_relu_d0: --relu-prime0 0|1; an exit status. */
char *cli_ae_norm_text(const fmpq_t norm2);
void cli_ae_row(const char *label, const char *value);
void cli_ae_qline(const char *label, const fmpq_t q);
void cli_ae_vline(const char *label, const fmpq *v, slong n);
void cli_ae_print_vec(FILE *f, const fmpq *v, slong n);
void cli_ae_json_vec(FILE *f, const fmpq *v, slong n);
void cli_ae_json_matrix(FILE *f, const fmpq *M, slong rows, slong cols);
void cli_ae_json_q(FILE *f, const fmpq_t q);
int cli_ae_parse_relu_d0(int *r, const char *sub, const char *s);

/* Help text of the whole subcommand (autoencoder.c). */
extern const char cli_autoencoder_usage[];

#endif
