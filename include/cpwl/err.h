/* Error reports: one line naming the place (file:line:col, JSON path or
   option) and what was expected, plus the exit status it maps to. */
#ifndef CPWL_ERR_H
#define CPWL_ERR_H

#include <stdarg.h>
#include <stddef.h>

#define CPWL_OK 0
#define CPWL_ERR_INTERNAL 1     /* a bug or resource failure: exit 1 */
#define CPWL_ERR_INPUT 2        /* bad input or usage: exit 2 */

#define CPWL_ERR_MSG_LEN 1024

typedef struct
{
    int status;                 /* CPWL_OK, CPWL_ERR_INPUT or CPWL_ERR_INTERNAL */
    char msg[CPWL_ERR_MSG_LEN];
}
cpwl_err_struct;

typedef cpwl_err_struct cpwl_err_t[1];

void cpwl_err_init(cpwl_err_t e);
void cpwl_err_clear(cpwl_err_t e);

/* Record the first error only; later calls keep it.  Returns status so
   that callers can write `return cpwl_err_set(e, CPWL_ERR_INPUT, ...)`. */
int cpwl_err_set(cpwl_err_t e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cpwl_err_vset(cpwl_err_t e, int status, const char *fmt, va_list ap);

/* Quote user text s[0..len) for a message: printable ASCII as is, '"'
   and '\\' escaped, other bytes (newlines, escapes, NUL, UTF-8) as \xNN,
   cut after CPWL_ERR_QUOTE_MAX characters with "...", so that a message stays
   one line.  buf must hold CPWL_ERR_QUOTE_SIZE bytes. */
#define CPWL_ERR_QUOTE_MAX 40
#define CPWL_ERR_QUOTE_SIZE (4 * CPWL_ERR_QUOTE_MAX + 16)

void cpwl_err_quote(char *buf, size_t size, const char *s, size_t len);

#endif
