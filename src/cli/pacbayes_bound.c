/* cpwl pacbayes bound (not yet written). */
#include "pacbayes.h"

int cli_pb_bound(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("pacbayes bound", "not implemented yet");
}
