/* cpwl pacbayes kl-gauss (not yet written). */
#include "pacbayes.h"

int cli_pb_kl_gauss(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("pacbayes kl-gauss", "not implemented yet");
}
