/* (not yet written) */
#include "cpwl/pacbayes.h"
