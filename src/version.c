/* The linked library's version (include/cpwl/version.h). */
#include "cpwl/version.h"

const char *version_string(void)
{
    return CPWL_VERSION_STRING;
}

int version_number(void)
{
    return CPWL_VERSION_NUMBER;
}
