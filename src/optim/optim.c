/* (being written) */
#include "cpwl/optim.h"
