/* cpwl: entry point, subcommand table, shared helpers of the CLI. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <getopt.h>
#include <unistd.h>
#include <sys/resource.h>
#include <flint/flint.h>
#include <mpfr.h>
#include "config.h"
#include "cli.h"

const cli_command cli_commands[] = {
    {"info", cmd_info, "sizes and bit sizes of a network",
     "usage: cpwl info NET.json [--json]\n"
     "\n"
     "Prints the input and output dimensions, the hidden widths, depth (number\n"
     "of affine maps), size (hidden neurons), width (widest hidden layer), the\n"
     "activations, whether the last affine map has a bias, the number of\n"
     "parameters and the largest numerator and denominator bit sizes.\n"
     "\n"
     "  --json   one JSON object instead of the table\n"},
    {"regions", cmd_regions, "exact activation and linear region counts",
     "usage: cpwl regions NET.json [--box B] [--slice \"x0;u;v\" | --line \"x0;u\"]\n"
     "       [--linear] [--list] [--json] [--stats] [--method auto|1d|2d|nd]\n"
     "       [--max-regions N] [--exact-only] [--threads N] [--[no-]progress]\n"
     "       [--svg FILE | --png FILE] [--colour region|linear|value]\n"
     "       [--view \"xlo:xhi,ylo:yhi\"] [--size W[xH]] [--title T]\n"
     "       [--checkpoint FILE [--every SECONDS]] [--resume FILE]\n"
     "\n"
     "Counts the activation regions (patterns whose set has interior in the\n"
     "domain; z = 0 is off) and, with --linear, the linear regions (cells\n"
     "sharing a (d-1)-face with identical affine maps merged), exactly, on\n"
     "all of R^n by default.\n"
     "\n"
     "  --box B          a box \"lo:hi,lo:hi,...\" or \"[lo,hi]x[lo,hi]\" (in\n"
     "                   slice/line coordinates with --slice/--line)\n"
     "  --slice S        the plane x0 + s*u + t*v, vectors as comma lists\n"
     "  --line L         the line x0 + s*u\n"
     "  --linear         also count linear regions\n"
     "  --list           list every region: pattern, interior point, exact\n"
     "                   affine map, vertices and rays (d <= 2)\n"
     "  --json           one JSON object: activation_regions, linear_regions,\n"
     "                   regions (with --list)\n"
     "  --stats          seconds and who decided the signs (double, arb,\n"
     "                   exact) and the LPs of the n-D method\n"
     "  --method M       1d, 2d or nd (default: by the domain dimension)\n"
     "  --max-regions N  stop beyond N regions, reporting a lower bound\n"
     "                   (default 10000000; exit status 2)\n"
     "  --exact-only     decide every sign exactly (no filters)\n"
     "  --threads N      threads of the 2-D method (default: all cores); the\n"
     "                   output is the same for every N\n"
     "  --progress       progress lines on stderr also when it is not a\n"
     "                   terminal (one every 2 s, or CPWL_PROGRESS_INTERVAL\n"
     "                   seconds); --no-progress: none, even on a terminal\n"

     "  --svg F, --png F draw the regions of a 2-D domain with Cairo\n"
     "  --colour C       region (default: one colour per activation region),\n"
     "                   linear (per linear region) or value (f, viridis)\n"
     "  --view V         the picture's window (default: the box, or the\n"
     "                   vertices padded by 10%)\n"
     "  --size S         width or WxH in pixels (default 800)\n"
     "  --title T        a title above the picture\n"
     "  --checkpoint F   n-D method: write the finished work units to F\n"
     "                   every --every seconds (default 60) and when stopped\n"
     "  --resume F       continue from checkpoint F (the same file may be\n"
     "                   given to --checkpoint); the output is that of an\n"
     "                   uninterrupted run\n"
     "\n"
     "Ctrl-C stops and prints the count so far as a lower bound (exit 130).\n"},
    {"sample", cmd_sample, "activation patterns sampled with the fast double path",
     "usage: cpwl sample NET.json --box B [--slice \"x0;u;v\" | --line \"x0;u\"]\n"
     "       [--grid N1xN2... | --points N | --random N [--seed S]]\n"
     "       [--threads N] [--kernel auto|portable|avx2|avx512] [--no-resolve]\n"
     "       [--max-points N] [--list] [--json] [--stats] [--[no-]progress]\n"
     "\n"
     "Evaluates the network at many rational points of a bounded domain with\n"
     "the batched double path (SIMD kernels, OpenMP threads), each neuron's\n"
     "state decided only when the double value exceeds its proven error\n"
     "bound, and counts the distinct patterns of the points decided so: each\n"
     "is an activation region, so the count is a proven lower bound on the\n"
     "activation regions of the domain.  A point with an undecided neuron is\n"
     "re-decided exactly: inside a region (its pattern counts) or on a\n"
     "boundary (it counts in no pattern).\n"
     "\n"
     "  --box B          the domain (required): \"lo:hi,...\" or\n"
     "                   \"[lo,hi]x...\", in slice/line coordinates with\n"
     "                   --slice/--line\n"
     "  --slice S        the plane x0 + s*u + t*v, vectors as comma lists\n"
     "  --line L         the line x0 + s*u\n"
     "  --grid G         N1xN2x... points, one size per domain dimension,\n"
     "                   both ends of every axis included (default: the\n"
     "                   largest N with N^d <= 10^6 on every axis)\n"
     "  --points N       the grid of a 1-D domain (same as --grid N)\n"
     "  --random N       N uniformly random rational points\n"
     "  --seed S         seed of --random (default 0)\n"
     "  --threads N      threads (default: all cores; the result does not\n"
     "                   depend on it)\n"
     "  --kernel K       auto (default: the widest this CPU runs), portable,\n"
     "                   avx2 or avx512 (refused when the CPU lacks it)\n"
     "  --no-resolve     leave undecided points undecided (counted apart)\n"
     "  --max-points N   refuse more than N points (default 100000000)\n"
     "  --list           every pattern with its number of points and the\n"
     "                   first point (exact, domain coordinates)\n"
     "  --json           one JSON object: patterns, decided, undecided,\n"
     "                   resolved, boundary, ... (patterns_list with --list)\n"
     "  --stats          who decided the signs (double, arb, exact)\n"
     "  --progress       progress lines on stderr also when it is not a\n"
     "                   terminal (one every 2 s, or CPWL_PROGRESS_INTERVAL\n"
     "                   seconds); --no-progress: none, even on a terminal\n"
     "\n"
     "Ctrl-C stops and prints what was sampled so far, marked as stopped\n"
     "(exit 130).\n"},
    {"crosscheck", cmd_crosscheck, "exact regions against the sampled patterns",
     "usage: cpwl crosscheck NET.json [--box B] [--slice \"x0;u;v\" | --line \"x0;u\"]\n"
     "       [--grid N1xN2... | --points N | --random N [--seed S]]\n"
     "       [--threads N] [--kernel auto|portable|avx2|avx512] [--no-resolve]\n"
     "       [--max-points N] [--max-regions N] [--list] [--json] [--stats]\n"
     "       [--[no-]progress]\n"
     "\n"
     "Computes the exact activation regions of the domain (as cpwl regions)\n"
     "and samples it with the batched double path (as cpwl sample), then\n"
     "compares: every sampled pattern must be an exact region, and every\n"
     "exact region's interior point must get, in double, no decided bit\n"
     "that differs from its pattern.  A violation of either is a\n"
     "contradiction: a bug in one of the two paths.  Also reported: exact\n"
     "regions no sample point fell in (with the largest one's length or\n"
     "area) and regions whose interior point is undecided in double.\n"
     "\n"
     "  --box B          the box (default: [-1,1] on every domain coordinate)\n"
     "  --slice, --line  a plane or a line, as for cpwl regions\n"
     "  --grid, --points, --random, --seed, --threads, --kernel,\n"
     "  --no-resolve, --max-points\n"
     "                   the sampling, as for cpwl sample (default: a grid of\n"
     "                   the largest N with N^d <= 10^6 on every axis)\n"
     "  --max-regions N  stop the exact path beyond N regions (exit 2)\n"
     "  --list           also list the missed regions: pattern, size,\n"
     "                   interior point\n"
     "  --json           one JSON object: exact_regions, sampled_patterns,\n"
     "                   not_regions, missed, missed_max_size,\n"
     "                   interior_undecided, mismatches, contradictions, ...\n"
     "  --stats          sign decisions per predicate stage and the LPs\n"
     "  --progress       progress lines on stderr also when it is not a\n"
     "                   terminal (one every 2 s, or CPWL_PROGRESS_INTERVAL\n"
     "                   seconds); --no-progress: none, even on a terminal\n"

     "\n"
     "Exit status 1 when there is a contradiction.  Ctrl-C stops (exit 130)\n"
     "and prints what is known; nothing is compared then.\n"},
    {"build", cmd_build, "networks of the constructive theorems",
     "usage: cpwl build KIND [options] [-o OUT.json] [--verbose]\n"
     "\n"
     "Writes a network with exact rational weights as canonical cpwl JSON\n"
     "(standard output, or OUT.json).  Hypotheses of the theorems are\n"
     "checked; a violated one is an input error (exit 2).  Kinds:\n"
     "\n"
     "  pwl1d --breaks T --slopes M --value V [--output-bias yes|no]\n"
     "  pwl1d --points \"x0:y0,x1:y1,...\" [--output-bias yes|no]\n"
     "        f: R -> R with breakpoints T (increasing), slopes M (one more)\n"
     "        and f(T_1) = V (f(0) without breakpoints); one hidden layer\n"
     "        of the minimum size (1-D size theorem); output bias: yes\n"
     "  max --n N [--zero]\n"
     "        max(x_1..x_n) (with --zero max(0, x_1..x_n)), ceil(log2 n)\n"
     "        hidden layers (pairwise tournament)\n"
     "  cpwl --maxsum \"max(1,0,0 | 0,1,0) - max(1,1,0 | 0,0,0)\"\n"
     "        a signed sum of maxima of affine maps; each row a_1..a_n,b\n"
     "        (terms [+|-]max(row | row ...), optionally ';' between)\n"
     "  cpwl --lattice \"L: 1,0,0 | 0,1,0 | 0,0,1; groups: 0,1; 2\"\n"
     "        max over the groups of the min of the maps listed (0-based)\n"
     "  zigzag --a \"1/5,3/10,1/2\"\n"
     "        the zig-zag h_a (a in the open simplex, at least 2 entries)\n"
     "  hard --a \"a1;a2;...\"\n"
     "        h_ak o ... o h_a1 (rows a1 first, all of the same width w):\n"
     "        k hidden layers of width w, w^k pieces on [0,1]\n"
     "  sawtooth --k K\n"
     "        the hard family with every a = (1/2, 1/2): 2^K pieces\n"
     "  zonotope --gens \"1,0;0,1;1,1\" | --random M --dim N [--seed S]\n"
     "           [--compose-hard \"a1;a2\" | --compose-sawtooth K]\n"
     "        gamma_Z(x) = sum_i |<b_i, x>| (random: integer entries in\n"
     "        -4..4); composed: h o gamma_Z\n"
     "  compose A.json B.json    A o B (B applied first)\n"
     "  sum A.json B.json        A + B (the shallower padded)\n"
     "  scale A.json --by C      C * A (C rational)\n"
     "\n"
     "  -o, --output F   write to F instead of standard output\n"
     "  --verbose        one line on stderr: depth, size, width, widths\n"
     "\n"
     "Numbers are exact: 0.1 is 1/10; fractions and hex floats allowed.\n"
     "Lists are comma separated, rows separated by ';'.\n"},
    {"equiv", cmd_equiv, "exact equivalence of two networks",
     "usage: cpwl equiv A.json B.json [--box B] [--slice \"x0;u;v\" |\n"
     "       --line \"x0;u\"] [--json] [--max-regions N] [--exact-only]\n"
     "       [--exit-status] [--[no-]progress]\n"
     "       [--checkpoint FILE [--every SECONDS]] [--resume FILE]\n"
     "\n"
     "Decides exactly whether the networks A and B (same input and output\n"
     "dimensions) compute the same function on the domain (default: all of\n"
     "R^n).  The difference A - B is built as one network (A and B side by\n"
     "side on the shared input, the shallower padded by exact identity\n"
     "pass-throughs), its activation regions on the domain are computed as\n"
     "by cpwl regions, and A = B iff the exact affine map of every region\n"
     "is 0.  Otherwise a rational point where they differ is printed with\n"
     "both exact values.  Either answer exits 0 (with --exit-status: 0 when\n"
     "equal, 3 when different).\n"
     "\n"
     "  --box B          a box (with --slice/--line: in their coordinates)\n"
     "  --slice S        the plane x0 + s*u + t*v, vectors as comma lists\n"
     "  --line L         the line x0 + s*u\n"
     "  --json           keys domain, complete, equal, regions; when they\n"
     "                   differ also point, domain_point, value_a, value_b\n"
     "                   (rationals as \"p/q\" strings)\n"
     "  --max-regions N  give up beyond N regions of A - B: undecided\n"
     "                   (default 10000000; exit status 2)\n"
     "  --exact-only     decide every sign exactly (no filters)\n"
     "  --exit-status    exit 3 when the networks differ (for scripts)\n"
     "  --checkpoint F   write the finished work units of the regions of\n"
     "                   A - B (n-D method) to F every --every seconds\n"
     "                   (default 60) and when stopped\n"
     "  --resume F       continue from checkpoint F; the answer (and the\n"
     "                   point where they differ) is that of an\n"
     "                   uninterrupted run\n"
     "  --progress       progress lines on stderr also when it is not a\n"
     "                   terminal (one every 2 s, or CPWL_PROGRESS_INTERVAL\n"
     "                   seconds); --no-progress: none, even on a terminal\n"
     "\n"
     "Exit status 2 also for different input or output dimensions.  Ctrl-C\n"
     "stops: undecided (exit 130).\n"},
    {"bounds", cmd_bounds, "known bounds on the number of regions",
     "usage: cpwl bounds --arch N0-W1-...-WL-M [--json]\n"
     "\n"
     "Bounds on the maximum number of activation regions on all of R^N0 of a\n"
     "relu network with input dimension N0, hidden widths W1..WL and M\n"
     "outputs (the outputs do not matter), as exact integers:\n"
     "\n"
     "  naive upper      prod_l sum_{j<=N0} C(W_l, j)\n"
     "  Serra upper      Serra, Tjandraatmadja, Ramalingam (ICML 2018),\n"
     "                   Theorem 1: sum over J of prod_l C(W_l, j_l)\n"
     "  Montufar lower   Montufar, Pascanu, Cho, Bengio (NIPS 2014):\n"
     "                   prod_{l<L} floor(W_l/N0)^N0\n"
     "                   * sum_{j<=N0} C(W_L, j); n/a unless every W_l >= N0\n"
     "  one input        N0 = 1: prod_l (W_l + 1) pieces\n"
     "\n"
     "  --arch A   the architecture, e.g. 2-8-8-1 (required; widths from 1\n"
     "             to 100000, at most 100000 hidden neurons)\n"
     "  --json     keys input_dim, hidden_widths, output_dim, naive_upper,\n"
     "             serra_upper, montufar_lower, one_input_upper (decimal\n"
     "             strings, exact at any size; null when n/a)\n"
     "\n"
     "Formulas, sources and hand-checked values: docs/bounds.md.\n"},
    {"erm", cmd_erm, "exact global optimum of ERM, one hidden layer",
     "usage: cpwl erm DATA.csv --width W [--loss squared|l1|hinge]\n"
     "       [--output-bias] [--out NET.json] [--json] [--stats]\n"
     "       [--max-cells N] [--no-prune] [--compare-gd K] [--certificate F]\n"
     "       [--sep C] [--[no-]progress]\n"
     "       [--checkpoint F [--every S]] [--resume F]\n"
     "       cpwl erm DATA.csv --verify CERT.json\n"
     "\n"
     "Minimises the summed loss of f(x) = sum_j v_j relu(<a_j,x> + b_j) (+ c\n"
     "with --output-bias) over all real parameters, exactly (Arora, Basu,\n"
     "Mianjy, Mukherjee, Theorem 4.1): every choice of output signs and of\n"
     "each unit's active set among the dichotomies of the data by hyperplanes\n"
     "is a convex problem, solved exactly; cells whose proven lower bound\n"
     "cannot beat the best value are pruned.  DATA.csv: rows x_1,...,x_n,y,\n"
     "cells separated by ',', ';' or tabs (detected), optionally quoted, an\n"
     "optional header (a first row with a name in it), '#' comments,\n"
     "numbers exact (0.1 is 1/10).\n"
     "\n"
     "  --width W        hidden units (required)\n"
     "  --loss L         squared (default), l1, or hinge (labels +1/-1)\n"
     "  --output-bias    allow the constant c\n"
     "  --out F          write an optimal network (cpwl JSON) to F\n"
     "  --json           keys optimum (\"p/q\"), network, subproblems, pruned\n"
     "  --max-cells N    refuse more than N subproblems (default 2000000)\n"
     "  --no-prune       solve every subproblem (for comparison)\n"
     "  --certificate F  write a certificate of the optimum to F (JSON)\n"
     "  --verify F       re-check certificate F against the data, solving\n"
     "                   no subproblem\n"
     "  --threads N      threads for the bounds (default: all cores; the\n"
     "                   result does not depend on it)\n"
     "  --compare-gd K   K runs each of gradient descent and Adam from seeded\n"
     "                   initialisations: what was run, and each run's gap\n"
     "                   (its exact loss minus the optimum)\n"
     "  --sep C          the CSV separator: ',', ';' or tab (default: detect)\n"
     "  --progress       progress lines on stderr also when it is not a\n"
     "                   terminal (one every 2 s, or CPWL_PROGRESS_INTERVAL\n"
     "                   seconds); --no-progress: none, even on a terminal\n"
     "  --checkpoint F   write the finished work units to F (atomically)\n"
     "  --every S        ... every S seconds (default 60; fractions allowed)\n"
     "  --resume F       continue from checkpoint F (the same data and\n"
     "                   options; F may also be the --checkpoint file)\n"
     "\n"
     "Ctrl-C stops and prints the best value so far as an upper bound (exit\n"
     "130); with --checkpoint the units finished are written first, and\n"
     "--resume ends with the uninterrupted run's answer.\n"},
    {"eval", cmd_eval, "exact, ball and double value and pattern at a point",
     "usage: cpwl eval NET.json --at X [--prec BITS] [--stats] [--json]\n"
     "\n"
     "Evaluates the network at the rational point X, a comma list with one\n"
     "number per input (\"1/2,-3\", \"0.1\" is 1/10, hex floats allowed), and\n"
     "prints the exact value, an Arb ball enclosing it, the double value with\n"
     "a proven bound on its error, and the activation pattern (1 = on, z > 0;\n"
     "0 = off, z <= 0; layers separated by '|'), decided through the\n"
     "predicate layer.\n"
     "\n"
     "  --at X       the point (required); a leading '-' is fine: --at -1,2\n"
     "  --prec BITS  Arb working precision (default 128, from 2 to 1000000)\n"
     "  --stats      how many sign questions each stage decided\n"
     "  --json       one JSON object: rationals as \"p/q\" strings\n"},
    {"certify", cmd_certify, "check the built-in examples exactly",
     "usage: cpwl certify [NAME...] [--all] [--list] [--json]\n"
     "\n"
     "Runs the built-in claims, each compared exactly with a value known from\n"
     "outside the code (closed forms, the theorems, hand computation;\n"
     "docs/examples.md): values f(x) and patterns of the networks in\n"
     "examples/ (each point also checked three ways: the exact value in the\n"
     "Arb ball, the double value within its proven bound, the filtered\n"
     "pattern equal to the exact one), their region counts, and the theorem\n"
     "examples on networks built by the constructions: sawtooth and hard\n"
     "family piece counts, the depth-size gap, zonotope region counts, the\n"
     "1-D size theorem, max-of-n depth, max(0,x1,x2) needing two hidden\n"
     "layers, region bounds, and exact ERM optima (certificates verified)\n"
     "and dichotomy counts.  Prints claim, computed value, a check mark and\n"
     "CPU seconds; exits 1 if any claim fails.\n"
     "\n"
     "  NAME     only the examples with these names (see --list)\n"
     "  --all    every example (the default)\n"
     "  --list   list the example names and stop\n"
     "  --json   one JSON object\n"},
    {"convert", cmd_convert, "rewrite a network file canonically",
     "usage: cpwl convert NET.json|MODEL.onnx [-o OUT.json]\n"
     "       [--fold-batchnorm binary32|binary64]\n"
     "\n"
     "Reads the network exactly (honouring \"numbers\": \"binary64\" or\n"
     "\"binary32\") and writes it back canonically: every rational in lowest\n"
     "terms as a \"p/q\" string, fixed key order and layout, \"meta\" kept,\n"
     "\"numbers\" dropped (the values written are the exact ones). Files with\n"
     "equal canonical forms describe the same network; \"name\" and \"meta\"\n"
     "are kept as written, so they must agree too.\n"
     "\n"
     "An ONNX model (a file ending in .onnx, or any file that is not JSON\n"
     "and decodes as one) is lowered exactly to relu layers (docs/onnx.md):\n"
     "the float weights are taken as the exact binary values they hold, and\n"
     "\"meta\" records the source.  Every command that reads a network reads\n"
     "ONNX files the same way.\n"
     "\n"
     "  -o, --output OUT   write to OUT instead of standard output\n"
     "  --fold-batchnorm F fold BatchNormalization (refused otherwise: its\n"
     "                     sqrt(var + eps) is not rational) with the\n"
     "                     correctly rounded square root of format F,\n"
     "                     binary32 or binary64; recorded in \"meta\".  Every\n"
     "                     command that reads a network takes it.\n"},
    {"optim", cmd_optim, "optimiser trajectories: exact, Arb, emulated floats",
     cli_optim_usage},
    {"convergence", cmd_convergence, "RMSProp and ADAM theorems checked (chapter 5)",
     cli_convergence_usage},
    {"tron", cmd_tron, "train a ReLU gate with Tron, certified (chapter 3)",
     cli_tron_usage},
    {"autoencoder", cmd_autoencoder, "sparse coding autoencoder, exact (chapter 4)",
     cli_autoencoder_usage},
    {"pacbayes", cmd_pacbayes, "PAC-Bayes risk certificates (chapter 6)",
     cli_pacbayes_usage},
    {"experiment", cmd_experiment, "experiments on Fashion-MNIST (chapters 5, 6)",
     cli_experiment_usage},
    {"help", cmd_help, "help on a subcommand",
     "usage: cpwl help [SUBCOMMAND]\n"},
    {NULL, NULL, NULL, NULL}
};

const cli_command *cli_find(const char *name)
{
    const cli_command *c;
    for (c = cli_commands; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

volatile sig_atomic_t cli_interrupted;

static void on_sigint(int sig)
{
    (void) sig;
    cli_interrupted = 1;
}

void cli_catch_sigint(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    cli_interrupted = 0;
    sigaction(SIGINT, &sa, old);
}

void cli_restore_sigint(const struct sigaction *old)
{
    sigaction(SIGINT, old, NULL);
}

double cli_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

void cli_progress_init(cli_progress_state *p, const char *sub, int mode)
{
    const char *env = getenv("CPWL_PROGRESS_INTERVAL");
    char *end;
    double v;
    memset(p, 0, sizeof *p);
    p->sub = sub;
    p->tty = isatty(2);
    p->on = mode == CLI_PROGRESS_ON || (mode == CLI_PROGRESS_AUTO && p->tty);
    /* In place on a terminal; in a log, a line every few seconds. */
    p->interval = p->tty ? 0.25 : 2.0;
    if (env != NULL && *env != '\0')
    {
        v = strtod(env, &end);
        if (*end == '\0' && v >= 0 && v <= 86400)
            p->interval = v;
    }
    p->start = p->last = p->layer_t = cli_now();
    p->layer = -1;
}

int cli_progress_option(int *mode, int c)
{
    if (c == CLI_OPT_PROGRESS)
        *mode = CLI_PROGRESS_ON;
    else if (c == CLI_OPT_NO_PROGRESS)
        *mode = CLI_PROGRESS_OFF;
    else
        return 0;
    return 1;
}

int cli_progress_due(cli_progress_state *p)
{
    double t;
    if (!p->on)
        return 0;
    t = cli_now();
    if (t - p->last < p->interval)
        return 0;
    p->last = t;
    return 1;
}

void cli_progress_line(cli_progress_state *p, const char *fmt, ...)
{
    char msg[256];
    int len, k;
    va_list ap;
    len = snprintf(msg, sizeof msg, "cpwl %s: ", p->sub);
    va_start(ap, fmt);
    k = vsnprintf(msg + len, sizeof msg - len, fmt, ap);
    va_end(ap);
    len = FLINT_MIN(len + FLINT_MAX(k, 0), (int) sizeof msg - 1);
    k = snprintf(msg + len, sizeof msg - len, ", %.1f s elapsed",
                 cli_now() - p->start);
    len = FLINT_MIN(len + FLINT_MAX(k, 0), (int) sizeof msg - 1);
    if (p->tty)
    {
        /* Rewritten in place: blank out what a longer line left. */
        fprintf(stderr, "\r%s%*s", msg, FLINT_MAX(p->width - len, 0), "");
        p->width = len;
    }
    else
        fprintf(stderr, "%s\n", msg);
    fflush(stderr);
    p->shown = 1;
}

void cli_progress_end(cli_progress_state *p)
{
    /* Clear the line rewritten in place; lines in a log stay. */
    if (p->on && p->tty && p->shown)
        fprintf(stderr, "\r%*s\r", p->width, "");
    p->shown = 0;
}

const char *cli_progress_rate(char *buf, double count, double t0)
{
    double dt = cli_now() - t0, r = dt > 0 ? count / dt : 0;
    /* Whole numbers, but keep the digits of slow rates. */
    snprintf(buf, CLI_RATE_SIZE, r >= 100 ? "%.0f" : "%.3g", r);
    return buf;
}

void cli_regions_progress(void *data, slong layer, slong nlayers,
                          slong cells)
{
    cli_progress_state *p = data;
    double t = cli_now();
    char rate[CLI_RATE_SIZE];
    /* The count restarts with each layer: the rate is timed from the
       layer's first report, or from the start until there are two. */
    if (layer != p->layer)
    {
        p->layer = layer;
        p->layer_t = t;
        p->layer_cells = cells;
    }
    if (!cli_progress_due(p))
        return;
    if (cells > p->layer_cells && t > p->layer_t)
        cli_progress_rate(rate, (double) (cells - p->layer_cells),
                          p->layer_t);
    else
        cli_progress_rate(rate, (double) cells, p->start);
    cli_progress_line(p, "layer %ld/%ld, %ld regions so far, %s regions/s",
                      (long) layer, (long) nlayers, (long) cells, rate);
}

int cli_write_net(const cpwl_net_t net, const char *sub, const char *out)
{
    char *text = cpwl_io_net_write_str(net);
    outfile_t f;
    int status;
    if (out == NULL)
    {
        /* A failure shows at exit (cli_finish_stdout). */
        fputs(text, stdout);
        flint_free(text);
        return CPWL_OK;
    }
    /* A failed fputs leaves the stream's error flag: commit reports it. */
    if ((status = cli_out_open(f, sub, out)) == CPWL_OK)
    {
        fputs(text, f->f);
        status = cli_out_close(f, sub, 1);
    }
    flint_free(text);
    return status;
}

/* Library messages name a setting as `field` (the options struct's field,
   as the library knows no command line); here it is the option --field,
   with '-' for '_'. */
void cli_print_msg(FILE *f, const char *msg)
{
    const char *p = msg, *q;
    while (*p != '\0')
    {
        if (*p == '`')
        {
            /* lower case, '_', and digits after the first (`beta2`) */
            for (q = p + 1; (*q >= 'a' && *q <= 'z') || *q == '_'
                 || (q > p + 1 && *q >= '0' && *q <= '9'); q++)
                ;
            if (*q == '`' && q > p + 1)
            {
                fputs("--", f);
                for (p++; p < q; p++)
                    fputc(*p == '_' ? '-' : *p, f);
                p = q + 1;
                continue;
            }
        }
        fputc(*p++, f);
    }
}

int cli_fail(const char *sub, const cpwl_err_t e)
{
    fprintf(stderr, "cpwl %s: ", sub);
    cli_print_msg(stderr, e->msg);
    fputc('\n', stderr);
    return e->status == CPWL_OK ? CPWL_ERR_INTERNAL : e->status;
}

int cli_usage(const char *sub, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cpwl %s: ", sub);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'cpwl help %s')\n", sub);
    return CPWL_ERR_INPUT;
}

int cli_bad_option(const char *sub, int c, char **argv)
{
    /* getopt sets optopt for short options; a long one is argv[optind-1]. */
    if (c == ':')
        return cli_usage(sub, "option %s needs a value", argv[optind - 1]);
    if (optopt != 0)
        return cli_usage(sub, "unknown option -%c", optopt);
    return cli_usage(sub, "unknown option %.40s", argv[optind - 1]);
}

int cli_dispatch(const char *sub, const char *usage,
                 const cli_action *actions, const char *expected, int argc,
                 char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}
    };
    const cli_action *a;
    int c;

    optind = 1;
    if (argc > 1 && argv[1][0] == '-')
    {
        if ((c = getopt_long(2, argv, "+:h", opts, NULL)) != 'h')
            return cli_bad_option(sub, c, argv);
        fputs(usage, stdout);
        return CPWL_OK;
    }
    if (argc < 2)
        return cli_usage(sub, "expected an action: %s", expected);
    for (a = actions; a->name != NULL; a++)
        if (strcmp(a->name, argv[1]) == 0)
            return a->run(argc - 1, argv + 1);
    return cli_usage(sub, "unknown action \"%.40s\"; expected %s", argv[1],
                     expected);
}

/* The CLI's ONNX options, set by the pre-pass over argv (onnx_prepass):
   they apply to every network file a subcommand loads. */
static struct
{
    int fold_batchnorm;         /* 0, 32 or 64 */
}
cli_onnx = {0};

int cli_load_net(cpwl_net_t net, const char *sub, const char *path)
{
    cpwl_err_t e;
    cpwl_io_warn_t w;
    cpwl_err_init(e);
    if (cpwl_onnx_is_onnx_file(path))
    {
        cpwl_onnx_opts_struct o;
        cpwl_onnx_opts_init(&o);
        o.fold_batchnorm = cli_onnx.fold_batchnorm;
        if (cpwl_onnx_net_read_file(net, path, &o, e) != CPWL_OK)
            return cli_fail(sub, e);
        return CPWL_OK;
    }
    if (cpwl_io_net_read_file_warn(net, w, path, e) != CPWL_OK)
        return cli_fail(sub, e);
    if (w->float_traps > 0)
        fprintf(stderr, "cpwl %s: warning: %s\n", sub, w->msg);
    return CPWL_OK;
}

int cli_dom_set(cpwl_dom_t D, slong n, const char *box, const char *slice,
                const char *line, cpwl_err_t e)
{
    /* (the library's messages name `box`, `slice`, `line`: cli_fail
       prints them as the options) */
    if (slice != NULL && line != NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "--slice and --line cannot be "
                            "used together");
    return cpwl_dom_set_str(D, n, box, slice, line, e);
}

/* Take --fold-batchnorm binary32|binary64 (or --fold-batchnorm=F) out of
   argv, wherever it is before a "--": every subcommand that reads a
   network takes it.  Returns an exit status. */
static int onnx_prepass(int *argc, char **argv)
{
    const char *val = NULL;
    int i, j;
    for (i = j = 1; i < *argc; i++)
    {
        if (strcmp(argv[i], "--") == 0)
        {
            while (i < *argc)
                argv[j++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--fold-batchnorm") == 0)
        {
            if (i + 1 == *argc)
            {
                fprintf(stderr, "cpwl: option --fold-batchnorm needs a value "
                        "(binary32 or binary64)\n");
                return CPWL_ERR_INPUT;
            }
            val = argv[++i];
        }
        else if (strncmp(argv[i], "--fold-batchnorm=", 17) == 0)
            val = argv[i] + 17;
        else
            argv[j++] = argv[i];
    }
    *argc = j;
    argv[j] = NULL;
    if (val == NULL)
        return CPWL_OK;
    if (strcmp(val, "binary32") == 0)
        cli_onnx.fold_batchnorm = 32;
    else if (strcmp(val, "binary64") == 0)
        cli_onnx.fold_batchnorm = 64;
    else
    {
        fprintf(stderr, "cpwl: --fold-batchnorm: expected binary32 or "
                "binary64, got \"%.40s\"\n", val);
        return CPWL_ERR_INPUT;
    }
    return CPWL_OK;
}

int cli_parse_slong(slong *out, const char *sub, const char *opt,
                    const char *s, slong lo, slong hi)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
        return cli_usage(sub, "%s: expected an integer from %ld to %ld, got "
                         "\"%.40s\"", opt, (long) lo, (long) hi, s);
    *out = v;
    return CPWL_OK;
}

void cli_print_fmpq(FILE *f, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    fputs(s, f);
    flint_free(s);
}

void cli_print_fmpq_vec(FILE *f, const fmpq *v, slong n, const char *sep,
                        int quoted)
{
    slong j;
    for (j = 0; j < n; j++)
    {
        if (j > 0)
            fputs(sep, f);
        if (quoted)
            fputc('"', f);
        cli_print_fmpq(f, v + j);
        if (quoted)
            fputc('"', f);
    }
}

int cmd_help(int argc, char **argv)
{
    const cli_command *c;
    /* "cpwl help autoencoder eval": an action's messages point there. */
    if (argc == 3 && (strcmp(argv[1], "autoencoder") == 0
                      || strcmp(argv[1], "pacbayes") == 0
                      || strcmp(argv[1], "experiment") == 0))
        argc = 2;
    if (argc > 2)
        return cli_usage("help", "expected at most one subcommand name");
    if (argc == 2)
    {
        if ((c = cli_find(argv[1])) == NULL)
            return cli_usage("help", "unknown subcommand \"%.40s\"", argv[1]);
        fputs(c->usage, stdout);
        return CPWL_OK;
    }
    printf("cpwl %s: exact computation on continuous piecewise-linear "
           "networks\n\nusage: cpwl SUBCOMMAND [ARGS]\n\nsubcommands:\n",
           PACKAGE_VERSION);
    for (c = cli_commands; c->name != NULL; c++)
        printf("  %-10s %s\n", c->name, c->summary);
    printf("\n'cpwl help SUBCOMMAND' for details; 'man cpwl' for the manual.\n"
           "Every subcommand takes --max-memory SIZE (e.g. 512M, 4G, none; "
           "default: 3/4 of\nthe physical memory): beyond it, one line on "
           "stderr and exit status 2.\n"
           "Exit status: 0 success, 1 internal error, failed claim or "
           "output not written,\n2 bad input or usage, 130 interrupted.\n");
    return CPWL_OK;
}

/* ---- running out of memory ------------------------------------------ */

/* FLINT and GMP abort (printing on stdout) when an allocation fails; the
   command instead ends with one line on stderr and exit status 2, naming
   the limits that bound the memory.  The library itself never exits:
   these functions are the command's. */
static struct
{
    const char *sub;            /* the subcommand, for the message */
    size_t limit;               /* the address-space limit, 0: none */
    const char *how;            /* where the limit comes from */
}
cli_mem = {NULL, 0, ""};

/* The subcommand's own limit on the size of its work. */
static const char *mem_hint(const char *sub)
{
    static const char *const hints[][2] = {
        {"regions", "a smaller --max-regions or "},
        {"equiv", "a smaller --max-regions or "},
        {"crosscheck", "a smaller --max-regions or --max-points or "},
        {"sample", "a smaller --max-points or "},
        {"erm", "a smaller --max-cells or "},
    };
    size_t i;
    for (i = 0; sub != NULL && i < sizeof hints / sizeof hints[0]; i++)
        if (strcmp(sub, hints[i][0]) == 0)
            return hints[i][1];
    return "";
}

static void out_of_memory(size_t n)
{
    char buf[512], lim[64];
    int len;
    if (cli_mem.limit)
        snprintf(lim, sizeof lim, " under the %s limit of %zu MiB",
                 cli_mem.how, cli_mem.limit >> 20);
    else
        lim[0] = '\0';
    len = snprintf(buf, sizeof buf, "cpwl%s%s: out of memory (a request for %zu "
                   "bytes failed%s); set %sa larger --max-memory\n",
                   cli_mem.sub ? " " : "", cli_mem.sub ? cli_mem.sub : "",
                   n, lim, mem_hint(cli_mem.sub));
    /* No stdio: the heap is exhausted, and whatever is buffered for
       stdout is an unfinished answer. */
    if (write(2, buf, len > 0 ? (size_t) len : 0) < 0)
        _exit(CPWL_ERR_INPUT);
    _exit(CPWL_ERR_INPUT);
}

static void *mem_alloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL && n != 0)
        out_of_memory(n);
    return p;
}

static void *mem_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (p == NULL && n != 0 && size != 0)
        out_of_memory(n > SIZE_MAX / size ? SIZE_MAX : n * size);
    return p;
}

static void *mem_realloc(void *q, size_t n)
{
    void *p = realloc(q, n);
    if (p == NULL && n != 0)
        out_of_memory(n);
    return p;
}

static void *gmp_realloc(void *q, size_t old, size_t n)
{
    (void) old;
    return mem_realloc(q, n);
}

static void gmp_free(void *p, size_t n)
{
    (void) n;
    free(p);
}

/* SIZE: bytes with an optional binary suffix K, M, G or T (an optional
   "B" or "iB" after it); "none" or 0 for no limit.  Returns -1 if bad. */
static long long parse_size(const char *s)
{
    char *end;
    unsigned long long v;
    int shift = 0;
    if (strcmp(s, "none") == 0)
        return 0;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    switch (*end)
    {
        case 'k': case 'K': shift = 10; end++; break;
        case 'm': case 'M': shift = 20; end++; break;
        case 'g': case 'G': shift = 30; end++; break;
        case 't': case 'T': shift = 40; end++; break;
        default: break;
    }
    if (shift && *end == 'i')
        end++;
    if (*end == 'B' || (*end == 'b' && shift == 0 && end != s))
        end++;
    if (*end != '\0' || errno != 0 || v > (1ULL << (62 - shift)))
        return -1;
    return (long long) (v << shift);
}

/* Take --max-memory SIZE (or --max-memory=SIZE) out of argv, wherever it
   is before a "--", and set the address-space limit: the given one, or by
   default three quarters of the physical memory (never above a limit
   already in force, e.g. from ulimit -v).  Returns an exit status. */
static int set_memory_limit(int *argc, char **argv)
{
    const char *val = NULL;
    long long want = -1;
    int i, j;
    struct rlimit rl;
    for (i = j = 1; i < *argc; i++)
    {
        if (strcmp(argv[i], "--") == 0)
        {
            while (i < *argc)
                argv[j++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--max-memory") == 0)
        {
            if (i + 1 == *argc)
            {
                fprintf(stderr, "cpwl: option --max-memory needs a value "
                        "(see 'cpwl help')\n");
                return CPWL_ERR_INPUT;
            }
            val = argv[++i];
        }
        else if (strncmp(argv[i], "--max-memory=", 13) == 0)
            val = argv[i] + 13;
        else
            argv[j++] = argv[i];
    }
    *argc = j;
    argv[j] = NULL;
    if (val != NULL && ((want = parse_size(val)) < 0
                        || (want > 0 && want < (1LL << 20))))
    {
        fprintf(stderr, "cpwl: --max-memory: expected a size such as 512M "
                "or 4G (at least 1M), or none, got \"%.40s\"\n", val);
        return CPWL_ERR_INPUT;
    }
    cli_mem.how = val != NULL ? "--max-memory" : "default";
#if defined(__SANITIZE_ADDRESS__)
    /* The sanitizer reserves terabytes of address space up front. */
    if (val == NULL)
        want = 0;
#endif
    if (want < 0)
    {
        long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
        want = pages > 0 && psize > 0 ? (long long) pages / 4 * 3 * psize : 0;
    }
    if (want == 0 || getrlimit(RLIMIT_AS, &rl) != 0)
        return CPWL_OK;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= (rlim_t) want)
    {
        cli_mem.limit = rl.rlim_cur;    /* ulimit -v is tighter */
        cli_mem.how = "inherited (ulimit -v)";
        return CPWL_OK;
    }
    rl.rlim_cur = want;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_AS, &rl) == 0)
        cli_mem.limit = rl.rlim_cur;
    return CPWL_OK;
}

int cli_main(int argc, char **argv, int (*pre)(const char *arg))
{
    const cli_command *c;
    int status;
    __flint_set_memory_functions(mem_alloc, mem_calloc, mem_realloc, free);
    mp_set_memory_functions(mem_alloc, gmp_realloc, gmp_free);
    if ((status = set_memory_limit(&argc, argv)) != CPWL_OK)
        return status;
    if ((status = onnx_prepass(&argc, argv)) != CPWL_OK)
        return status;
    if (argc < 2)
    {
        cmd_help(1, argv);
        return CPWL_ERR_INPUT;
    }
    if (pre != NULL && (status = pre(argv[1])) >= 0)
        return status;
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)
    {
        printf("cpwl %s (FLINT %s, GMP %s, MPFR %s)\n", PACKAGE_VERSION,
               FLINT_VERSION, gmp_version, mpfr_get_version());
        return CPWL_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(1, argv);
    if ((c = cli_find(argv[1])) == NULL)
    {
        fprintf(stderr, "cpwl: unknown subcommand \"%.40s\" (see 'cpwl "
                "help')\n", argv[1]);
        return CPWL_ERR_INPUT;
    }
    cli_mem.sub = c->name;
    opterr = 0;                 /* subcommands report bad options themselves */
    signal(SIGPIPE, SIG_IGN);   /* a closed pipe: a write error, exit 1 */
    status = cli_finish_stdout(c->name, c->run(argc - 1, argv + 1));
    flint_cleanup();
    return status;
}
