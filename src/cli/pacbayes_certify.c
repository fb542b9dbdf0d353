/* cpwl pacbayes certify (not yet written). */
#include "pacbayes.h"

int cli_pb_certify(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("pacbayes certify", "not implemented yet");
}
