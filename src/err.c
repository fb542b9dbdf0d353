/* Error reports (see cpwl/err.h). */
#include <stdio.h>
#include "cpwl/err.h"

void err_init(err_t e)
{
    e->status = CPWL_OK;
    e->msg[0] = '\0';
}

void err_clear(err_t e)
{
    (void) e;
}

int err_vset(err_t e, int status, const char *fmt, va_list ap)
{
    if (e->status == CPWL_OK)
    {
        e->status = status;
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    }
    return e->status;
}

int err_set(err_t e, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, status, fmt, ap);
    va_end(ap);
    return e->status;
}
