/* cpwl autoencoder grad (not yet written). */
#include "autoencoder.h"

int cli_ae_grad(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("autoencoder grad", "not implemented yet");
}
