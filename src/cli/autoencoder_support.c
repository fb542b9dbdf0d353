/* cpwl autoencoder support (not yet written). */
#include "autoencoder.h"

int cli_ae_support(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("autoencoder support", "not implemented yet");
}
