/* (not yet written) */
#include "cpwl/gauss.h"
