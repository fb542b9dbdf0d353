/* cpwl autoencoder: the readers every action shares (autoencoder.h). */
#include "autoencoder.h"
