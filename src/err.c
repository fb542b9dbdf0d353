/* Error reports (see cpwl/err.h). */
#include <stdio.h>
#include "cpwl/err.h"

void cpwl_err_init(cpwl_err_t e)
{
    e->status = CPWL_OK;
    e->msg[0] = '\0';
}

void cpwl_err_clear(cpwl_err_t e)
{
    (void) e;
}

int cpwl_err_vset(cpwl_err_t e, int status, const char *fmt, va_list ap)
{
    if (e->status == CPWL_OK)
    {
        e->status = status;
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    }
    return e->status;
}

int cpwl_err_set(cpwl_err_t e, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cpwl_err_vset(e, status, fmt, ap);
    va_end(ap);
    return e->status;
}

void cpwl_err_quote(char *buf, size_t size, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, n = 0, shown = len < CPWL_ERR_QUOTE_MAX ? len : CPWL_ERR_QUOTE_MAX;

    /* Each character takes at most 4 bytes; the quotes and "..." 5 more. */
    buf[n++] = '"';
    for (i = 0; i < shown && n + 9 < size; i++)
    {
        unsigned char c = (unsigned char) s[i];
        if (c == '"' || c == '\\')
        {
            buf[n++] = '\\';
            buf[n++] = (char) c;
        }
        else if (c >= 0x20 && c < 0x7f)
            buf[n++] = (char) c;
        else
        {
            buf[n++] = '\\';
            buf[n++] = 'x';
            buf[n++] = hex[c >> 4];
            buf[n++] = hex[c & 15];
        }
    }
    buf[n++] = '"';
    if (i < len)
    {
        buf[n++] = '.';
        buf[n++] = '.';
        buf[n++] = '.';
    }
    buf[n] = '\0';
}
