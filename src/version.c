/* The linked library's version (include/cpwl/version.h). */
#include "cpwl/version.h"

const char *cpwl_version_string(void)
{
    return CPWL_VERSION_STRING;
}

int cpwl_version_number(void)
{
    return CPWL_VERSION_NUMBER;
}
