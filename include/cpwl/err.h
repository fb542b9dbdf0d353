/* Error reports: one line naming the place (file:line:col, JSON path or
   option) and what was expected, plus the exit status it maps to. */
#ifndef CPWL_ERR_H
#define CPWL_ERR_H

#include <stdarg.h>

#define CPWL_OK 0
#define CPWL_ERR_INTERNAL 1     /* a bug or resource failure: exit 1 */
#define CPWL_ERR_INPUT 2        /* bad input or usage: exit 2 */

#define CPWL_ERR_MSG_LEN 1024

typedef struct
{
    int status;                 /* CPWL_OK, CPWL_ERR_INPUT or CPWL_ERR_INTERNAL */
    char msg[CPWL_ERR_MSG_LEN];
}
err_struct;

typedef err_struct err_t[1];

void err_init(err_t e);
void err_clear(err_t e);

/* Record the first error only; later calls keep it.  Returns status so
   that callers can write `return err_set(e, CPWL_ERR_INPUT, ...)`. */
int err_set(err_t e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int err_vset(err_t e, int status, const char *fmt, va_list ap);

#endif
