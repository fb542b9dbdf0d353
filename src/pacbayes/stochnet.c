/* (not yet written) */
#include "cpwl/stochnet.h"
