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


static const cli_action actions[] = {
    {"kl-inv", cli_pb_kl_inv},
    {"bound", cli_pb_bound},
    {"kl-gauss", cli_pb_kl_gauss},
    {"certify", cli_pb_certify},
    {NULL, NULL}
};

int cmd_pacbayes(int argc, char **argv)
{
    return cli_dispatch("pacbayes", cli_pacbayes_usage, actions, "kl-inv, bound, kl-gauss or certify", argc, argv);
}

int cli_pb_in_open01(const fmpq_t q)
{
    return fmpq_sgn(q) > 0 && fmpz_cmp(fmpq_numref(q), fmpq_denref(q)) < 0;
}

int cli_pb_check_deltas(const char *sub, const fmpq_t delta,
                        const fmpq_t delta2)
{
    fmpq_t t;
    int ok;

    if (!cli_pb_in_open01(delta))
        return cli_usage(sub, "--delta: expected a number in (0, 1)");
    if (!cli_pb_in_open01(delta2))
        return cli_usage(sub, "--delta-samples: expected a number in (0, 1)");
    fmpq_init(t);
    fmpq_add(t, delta, delta2);
    ok = cli_pb_in_open01(t);
    fmpq_clear(t);
    if (!ok)
        return cli_usage(sub, "--delta plus --delta-samples must be < 1 "
                         "(the confidence is 1 minus their sum)");
    return 0;
}

int cli_pb_parse_q(fmpq_t x, const char *sub, const char *opt, const char *s)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_num_parse_fmpq(x, s, strlen(s), CPWL_NUM_EXACT, e) != CPWL_OK)
        return cli_usage(sub, "%s: %s", opt, e->msg);
    return CPWL_OK;
}
