/* The cpwl command: one file per subcommand, each thin over libcpwl. */
#ifndef CPWL_CLI_H
#define CPWL_CLI_H

#include <signal.h>
#include <stdio.h>
#include "cpwl.h"
#include "outfile.h"

typedef struct
{
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage;          /* full help text for `cpwl help NAME` */
}
cli_command;

extern const cli_command cli_commands[];

const cli_command *cli_find(const char *name);

/* Print "cpwl SUB: message" to stderr and return status (2 or 1). */
/* Print a library message with its `field` names as options --field. */
void cli_print_msg(FILE *f, const char *msg);
int cli_fail(const char *sub, const cpwl_err_t e);
/* A usage error: message plus a pointer to `cpwl help SUB`; returns 2. */
int cli_usage(const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A command made of actions (cpwl pacbayes kl-inv, ...): the table ends
   with {NULL, NULL}. */
typedef struct
{
    const char *name;
    int (*run)(int argc, char **argv);
}
cli_action;

/* Run the action argv[1] of command sub with argv + 1; before the
   action only --help (-h), which prints usage.  expected lists the
   actions for the messages ("kl-inv, bound, kl-gauss or certify"). */
int cli_dispatch(const char *sub, const char *usage,
                 const cli_action *actions, const char *expected, int argc,
                 char **argv);

/* Report what getopt_long (run with opterr = 0 and optstring ":")
   returned for a bad option: c is '?' (unknown) or ':' (value missing). */
int cli_bad_option(const char *sub, int c, char **argv);

/* Ctrl-C during a long computation: the handler only sets
   cli_interrupted (a signal handler can do no more); the computation
   polls it, stops and reports what it has. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_sigint(struct sigaction *old);
void cli_restore_sigint(const struct sigaction *old);

/* Exit status of a run stopped by Ctrl-C (128 + SIGINT, as a shell
   reports a process killed by it). */
#define CLI_EXIT_INTERRUPTED 130

/* The files cpwl writes (-o, --out, --certificate, --svg, --png), atomic
   through outfile: cli_out_open reports a path that cannot hold a file
   (exit status 2) and catches Ctrl-C until the last open file is closed;
   cli_out_close(f, sub, ok) commits when ok (reporting a write failure:
   exit status 1), or aborts (ok = 0:
   the caller has reported why); after Ctrl-C it aborts, says so and
   returns CLI_EXIT_INTERRUPTED.  The target is never removed. */
int cli_out_open(outfile_t f, const char *sub, const char *path);
int cli_out_close(outfile_t f, const char *sub, int ok);

/* At exit: a failed write to standard output (a full disk, a closed
   pipe: SIGPIPE is ignored) is reported and turns status 0 into 1. */
int cli_finish_stdout(const char *sub, int status);

/* Monotonic seconds, for timings and progress. */
double cli_now(void);

/* Load a network file, reporting errors; returns an exit status. */
int cli_load_net(cpwl_net_t net, const char *sub, const char *path);

/* cpwl_dom_set_str for the options --box, --slice, --line, which may not
   be given together (the library's messages name them as `box`, ...,
   printed as the options by cli_fail). */
int cli_dom_set(cpwl_dom_t D, slong n, const char *box, const char *slice,
                const char *line, cpwl_err_t e);

/* A decimal integer option value in [lo, hi]; returns an exit status. */
int cli_parse_slong(slong *out, const char *sub, const char *opt,
                    const char *s, slong lo, slong hi);

/* Print a rational / vector of rationals as "p/q" text. */
void cli_print_fmpq(FILE *f, const fmpq_t q);
/* A ball in decimal with digits digits (flint_free it): the midpoint
   alone unless with_rad (an exact or float run's balls are the exact
   point's at the reporting precision), trailing zeros cut. */
char *cli_arb_str(const arb_t b, int with_rad, slong digits);
/* An exact rational for the text: "p/q" when at most 28 characters
   long, else "~" and its decimal (17 digits, marked as rounded: JSON and
   CSV carry the fraction); with_dec: "p/q = decimal" for a fraction that
   is not an integer.  flint_free it. */
char *cli_q_str(const fmpq_t q, int with_dec);

void cli_print_fmpq_vec(FILE *f, const fmpq *v, slong n, const char *sep,
                        int quoted);

/* The networks shipped in examples/, embedded at build time. */
typedef struct
{
    const char *name;
    const char *json;
}
cli_example;

extern const cli_example cli_examples[];

int cmd_help(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_certify(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_regions(int argc, char **argv);
int cmd_erm(int argc, char **argv);
/* Progress lines on stderr for long work.  By default (AUTO) only on a
   terminal, one line rewritten in place every 0.25 s; --progress (ON)
   also elsewhere, one line every 2 s; --no-progress (OFF) never.  The
   environment variable CPWL_PROGRESS_INTERVAL (seconds) sets the
   interval.  A line: "cpwl SUB: WORK DONE, RATE, T s elapsed". */
enum
{
    CLI_PROGRESS_AUTO = 0,
    CLI_PROGRESS_ON,
    CLI_PROGRESS_OFF
};

typedef struct
{
    const char *sub;
    int on, tty, shown, width;  /* width: of the line on the terminal */
    double start, last, interval;
    double layer_t;             /* regions: the layer's first report */
    slong layer, layer_cells;
}
cli_progress_state;

#define CLI_OPT_PROGRESS 0x200
#define CLI_OPT_NO_PROGRESS 0x201
#define CLI_PROGRESS_LONGOPTS \
    {"progress", no_argument, NULL, CLI_OPT_PROGRESS}, \
    {"no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS}

void cli_progress_init(cli_progress_state *p, const char *sub, int mode);
/* 1 if c (from getopt_long) was --progress or --no-progress. */
int cli_progress_option(int *mode, int c);
/* Whether a line is due now (progress on and the interval passed). */
int cli_progress_due(cli_progress_state *p);
/* Print one line: the message, then the elapsed time. */
void cli_progress_line(cli_progress_state *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Work over: clear the line on a terminal. */
void cli_progress_end(cli_progress_state *p);
/* count / (now - t0) per second as text in buf (CLI_RATE_SIZE bytes). */
#define CLI_RATE_SIZE 32
const char *cli_progress_rate(char *buf, double count, double t0);

/* The sampling options shared by `cpwl sample` and `cpwl crosscheck`
   (defined in sample.c).  cli_sampling_progress takes a
   cli_progress_state. */

/* The sampling options themselves: CLI_SAMPLING_LONGOPTS in the getopt
   table, cli_sampling_option for an option getopt returned (1 handled,
   0 not a sampling option, -1 a bad value, reported). */
typedef struct
{
    const char *grid;           /* --grid, or NULL */
    slong points, random, seed, threads, max_points;
    int seed_given, resolve, kernel;
}
cli_sampling_args;

#define CLI_SAMPLING_LONGOPTS \
    {"grid", required_argument, NULL, 'g'}, \
    {"points", required_argument, NULL, 'p'}, \
    {"random", required_argument, NULL, 'r'}, \
    {"seed", required_argument, NULL, 'e'}, \
    {"threads", required_argument, NULL, 't'}, \
    {"kernel", required_argument, NULL, 'k'}, \
    {"no-resolve", no_argument, NULL, 'N'}, \
    {"max-points", required_argument, NULL, 'x'}

void cli_sampling_args_init(cli_sampling_args *a);
int cli_sampling_option(cli_sampling_args *a, int c, const char *arg,
                        const char *sub);
int cli_sampling_kernel(int *kernel, const char *sub, const char *s);
int cli_sampling_plan(cpwl_sample_opts *o, slong **grid, slong *total,
                      const char *sub, slong d, const char *grid_s,
                      slong points, slong random, slong max_points,
                      int *is_default);
slong cli_sampling_threads(slong threads);
void cli_sampling_describe(FILE *f, const cpwl_sample_t S, int is_default);
void cli_sampling_json(const cpwl_sample_t S);
char *cli_sampling_pattern_str(const uint64_t *w, const cpwl_net_t net);
void cli_sampling_progress(void *data, slong done, slong total);
/* Write net canonically to the file out, or stdout when out is NULL
   (errors reported as `cpwl SUB: ...`). */
int cli_write_net(const cpwl_net_t net, const char *sub, const char *out);

/* The progress line of a region computation (cpwl_regions_opts.progress);
   data is a cli_progress_state. */
void cli_regions_progress(void *data, slong layer, slong nlayers,
                          slong cells);

int cmd_sample(int argc, char **argv);
int cmd_crosscheck(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_equiv(int argc, char **argv);
int cmd_bounds(int argc, char **argv);
/* Optimiser trajectories (optim.c, options in optim_opts.h); the help
   texts live with the subcommands. */
int cmd_optim(int argc, char **argv);
extern const char cli_optim_usage[];
int cmd_convergence(int argc, char **argv);
int cmd_tron(int argc, char **argv);
int cmd_autoencoder(int argc, char **argv);
extern const char cli_autoencoder_usage[];
int cmd_pacbayes(int argc, char **argv);
extern const char cli_pacbayes_usage[];
extern const char cli_tron_usage[];
extern const char cli_convergence_usage[];
/* cpwl experiment (src/cli/experiment*.c) */
int cmd_experiment(int argc, char **argv);
extern const char cli_experiment_usage[];

/* ---- checkpoints and processes (ckpt.c) -------------------------------
   --checkpoint FILE, --every SECONDS, --resume FILE of erm, regions and
   equiv: CLI_CKPT_LONGOPTS in the getopt table, cli_ckpt_option for what
   getopt returned (1 handled, 0 not ours, -1 a bad value, reported). */
typedef struct
{
    const char *checkpoint, *resume;
    double every;               /* default 60 */
    int every_given;
}
cli_ckpt_args;

#define CLI_OPT_CHECKPOINT 0x210
#define CLI_OPT_EVERY 0x211
#define CLI_OPT_RESUME 0x212
#define CLI_CKPT_LONGOPTS \
    {"checkpoint", required_argument, NULL, CLI_OPT_CHECKPOINT}, \
    {"every", required_argument, NULL, CLI_OPT_EVERY}, \
    {"resume", required_argument, NULL, CLI_OPT_RESUME}

void cli_ckpt_args_init(cli_ckpt_args *a);
int cli_ckpt_option(cli_ckpt_args *a, int c, const char *arg, const char *sub);

/* The scheduler of one computation: one process in cpwl, every process
   of the job in cpwl-mpi (collective there), with the checkpoint and
   resume of a (kind, key: cpwl/ckpt.h).  Errors reported as `cpwl SUB:
   ...`; returns an exit status.  s->interrupt is cli_interrupted.  s is
   initialised on return, also after an error: cpwl_sched_clear it.
   With --checkpoint the file is written once at the start (a path that
   cannot hold it is reported before the computation). */
int cli_sched_start(cpwl_sched_t s, const cli_ckpt_args *a, const char *sub,
                    const char *kind, const char *key);
/* After the computation: the final checkpoint; a line on stderr with
   the file when the run was stopped; with CPWL_SCHED_STATS set in the
   environment, one line of the scheduler's figures on every process
   ("cpwl-sched SUB rank R size S units_run N ...").  Returns status, 130
   (CLI_EXIT_INTERRUPTED) when the run was stopped, or 1 when the
   checkpoint could not be written. */
int cli_sched_end(cpwl_sched_t s, const cli_ckpt_args *a, const char *sub,
                  int status);

/* Set by cpwl-mpi's main before any subcommand runs (NULL and 0 in cpwl):
   makes s a scheduler over the job's processes; this process's rank.
   Only rank 0 prints results and writes files. */
extern int (*cli_sched_mpi_init)(cpwl_sched_t s, cpwl_err_t e);
extern int cli_rank;
/* Where cli_sched_end writes its CPWL_SCHED_STATS line (stderr; cpwl-mpi
   keeps a copy of it for the processes whose stderr it discards). */
extern int cli_stats_fd;

/* The command: the global options, then the subcommand argv[1].  pre,
   when not NULL, sees argv[1] first: a status >= 0 ends the command with
   it (cpwl-mpi: --version and the subcommands it refuses), -1 goes on.
   main() of cpwl is src/cli/cpwl.c, of cpwl-mpi src/mpi/main.c. */
int cli_main(int argc, char **argv, int (*pre)(const char *arg));

#endif
