/* cpwl autoencoder eval (not yet written). */
#include "autoencoder.h"

int cli_ae_eval(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return cli_usage("autoencoder eval", "not implemented yet");
}
