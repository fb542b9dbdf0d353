/* cpwl pacbayes ACTION: dispatch to the actions (one file each). */
#include <getopt.h>
#include <string.h>
#include "cpwl/num.h"
#include "pacbayes.h"

const char cli_pacbayes_usage[] =
    "usage: cpwl pacbayes ACTION [OPTIONS]\n"
    "\n"
    "PAC-Bayes risk certificates (chapter 6): every term computed with\n"
    "outward rounding, the printed bound an exact rational upper bound\n"
    "(docs/pacbayes.md).\n"
    "\n"
    "Actions:\n"
    "  kl-inv Q C [--lower] [--digits D] [--prec BITS] [--json]\n"
    "        kl^-1(q, c) = sup{p in [q, 1] : kl(q||p) <= c} (or the lower\n"
    "        inverse), an enclosure; Q, C exact literals, C also log:X\n"
    "  bound --bound NAME --m M --delta D --kl K --emp-risk R\n"
    "        [--lambda L] [--catoni-c C] [--grid-j J] [--digits D] [--json]\n"
    "        one certificate from numbers; NAME: mcallester, maurer,\n"
    "        catoni, langford-seeger, quadratic, lambda, classic\n"
    "  kl-gauss --posterior POST.json --prior PRIOR.json [--json]\n"
    "        KL(Q || P) of two diagonal Gaussians, certified\n"
    "  certify --posterior POST.json --prior PRIOR.json --data DATA.csv\n"
    "          --delta D --samples N [--seed S] [--delta-samples D2]\n"
    "          [--bound NAME] [--lambda L] [--catoni-c C] [--digits K]\n"
    "          [--max-work W] [--loss 01|bce] [--p-min P] [--json]\n"
    "        the risk certificate of a stochastic network: N networks\n"
    "        drawn from the posterior (cpwl-gauss files, docs/formats.md),\n"
    "        their mistakes on the data counted exactly (or their bounded\n"
    "        cross-entropy, p_min = P, bounded above), every term printed\n"
    "\n"
    "Exit status: 0 success, 1 internal error, 2 bad input, 130\n"
    "interrupted.\n";

typedef struct
{
    const char *name;
    int (*run)(int argc, char **argv);
}
pb_action;

static const pb_action actions[] = {
    {"kl-inv", cli_pb_kl_inv},
    {"bound", cli_pb_bound},
    {"kl-gauss", cli_pb_kl_gauss},
    {"certify", cli_pb_certify},
    {NULL, NULL}
};

int cmd_pacbayes(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}
    };
    const pb_action *a;
    int c;

    /* Before the action, only --help (-h). */
    optind = 1;
    if (argc > 1 && argv[1][0] == '-')
    {
        if ((c = getopt_long(2, argv, "+:h", opts, NULL)) != 'h')
            return cli_bad_option("pacbayes", c, argv);
        fputs(cli_pacbayes_usage, stdout);
        return CPWL_OK;
    }
    if (argc < 2)
        return cli_usage("pacbayes", "expected an action: kl-inv, bound, "
                         "kl-gauss or certify");
    for (a = actions; a->name != NULL; a++)
        if (strcmp(a->name, argv[1]) == 0)
            return a->run(argc - 1, argv + 1);
    return cli_usage("pacbayes", "unknown action \"%.40s\"; expected "
                     "kl-inv, bound, kl-gauss or certify", argv[1]);
}

int cli_pb_parse_q(fmpq_t x, const char *sub, const char *opt, const char *s)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_num_parse_fmpq(x, s, strlen(s), CPWL_NUM_EXACT, e) != CPWL_OK)
        return cli_usage(sub, "%s: %s", opt, e->msg);
    return CPWL_OK;
}
