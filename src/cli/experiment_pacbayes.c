/* cpwl experiment pacbayes: a placeholder until the chapter-6 action is
   built into this file. */
#include "experiment.h"

int cli_experiment_pacbayes(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "cpwl experiment pacbayes: not built in this "
            "version\n");
    return CPWL_ERR_INTERNAL;
}
