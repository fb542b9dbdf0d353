/* The optimiser options shared by `cpwl optim` and `cpwl convergence`:
   the algorithm, its constants, the objective, the starting point and
   the arithmetic's rounding (see docs/optim.md). */
#ifndef CPWL_CLI_OPTIM_OPTS_H
#define CPWL_CLI_OPTIM_OPTS_H

#include "cli.h"

/* Default limit of --steps, and the work budget per allowed step:
   steps x dimension x terms may not pass max_steps x CLI_OPTIM_WORK. */
#define CLI_OPTIM_MAX_STEPS 1000000
#define CLI_OPTIM_WORK 1000

typedef struct
{
    cpwl_optim_opts_t o;
    const char *algo;           /* --algo, NULL: gd */
    const char *objective;      /* --objective (required) */
    const char *x0;             /* --x0, NULL: the objective's default */
    int batch_given, sampling_given, seed_given;
    int stochastic;             /* --rounding stochastic */
    int relu_d0;                /* --relu-prime0 */
    slong max_steps;
    unsigned given;             /* CLI_OPTIM_GIVEN(code) of each option seen */
}
cli_optim_args;

#define CLI_OPTIM_GIVEN(code) (1u << ((code) - 0x300))

#define CLI_OPTIM_LONGOPTS \
    {"algo", required_argument, NULL, 0x300}, \
    {"objective", required_argument, NULL, 0x301}, \
    {"steps", required_argument, NULL, 0x302}, \
    {"lr", required_argument, NULL, 0x303}, \
    {"momentum", required_argument, NULL, 0x304}, \
    {"beta1", required_argument, NULL, 0x305}, \
    {"beta2", required_argument, NULL, 0x306}, \
    {"xi", required_argument, NULL, 0x307}, \
    {"eps", required_argument, NULL, 0x308}, \
    {"schedule", required_argument, NULL, 0x309}, \
    {"amsgrad", no_argument, NULL, 0x30a}, \
    {"x0", required_argument, NULL, 0x30b}, \
    {"seed", required_argument, NULL, 0x30c}, \
    {"batch", required_argument, NULL, 0x30d}, \
    {"sampling", required_argument, NULL, 0x30e}, \
    {"rounding", required_argument, NULL, 0x30f}, \
    {"kahan", no_argument, NULL, 0x310}, \
    {"relu-prime0", required_argument, NULL, 0x311}, \
    {"max-steps", required_argument, NULL, 0x312}

void cli_optim_args_init(cli_optim_args *a);
void cli_optim_args_clear(cli_optim_args *a);

/* An option getopt_long returned: 1 handled, 0 not an optimiser option,
   -1 a bad value (reported, exit status 2). */
int cli_optim_option(cli_optim_args *a, int c, const char *arg,
                     const char *sub);

/* Set up what the options describe: the objective O (initialised on
   success only), the starting point *x1 (dim entries, _fmpq_vec_clear
   it) and the checks that need the objective (--batch, the limits).
   Returns an exit status, the message printed. */
int cli_optim_setup(cpwl_objective_t O, fmpq **x1, slong *dim,
                    cli_optim_args *a, const char *sub);

/* Parse an arithmetic name with --rounding applied into A: an exit
   status (2 with a message for an unknown name, or stochastic rounding
   asked of exact or Arb arithmetic by --arith).  opt names the option
   for messages: "--arith" refuses stochastic rounding of exact and Arb
   arithmetic, "--compare" applies it to the float formats only. */
int cli_optim_arith(cpwl_arith_t A, const char *name,
                    const cli_optim_args *a, const char *sub,
                    const char *opt);

/* An exact literal option value (cpwl_num_parse_fmpq): an exit status. */
int cli_optim_fmpq(fmpq_t q, const char *sub, const char *opt,
                   const char *s);

/* The header lines: algorithm, form, constants as exact, objective. */
void cli_optim_describe(FILE *f, const cli_optim_args *a, slong dim,
                        const fmpq *x1);
/* The same as JSON members ("algorithm": ..., without braces). */
void cli_optim_describe_json(FILE *f, const cli_optim_args *a, slong dim,
                             const fmpq *x1);

#endif
