/* cpwl autoencoder gen (not yet written). */
#include "autoencoder.h"

int cli_ae_gen(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("autoencoder gen", "not implemented yet");
}
