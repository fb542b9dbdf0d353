/* cpwl autoencoder train (not yet written). */
#include "autoencoder.h"

int cli_ae_train(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("autoencoder train", "not implemented yet");
}
