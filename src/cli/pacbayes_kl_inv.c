/* cpwl pacbayes kl-inv (not yet written). */
#include "pacbayes.h"

int cli_pb_kl_inv(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("pacbayes kl-inv", "not implemented yet");
}
