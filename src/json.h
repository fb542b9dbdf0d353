/* A small JSON document tree built with yajl's event parser, keeping what
   cpwl needs and yajl's tree API drops: the raw text of every number and
   the line:column of every value (internal to libcpwl). */
#ifndef CPWL_JSON_H
#define CPWL_JSON_H

#include <stddef.h>
#include "cpwl/err.h"

/* Deeper documents are refused (a network needs depth 4; meta may nest). */
#define JSON_MAX_DEPTH 64

typedef enum
{
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
}
json_kind;

typedef struct json_value
{
    json_kind kind;
    int boolean;
    char *text;                 /* number: raw text; string: UTF-8, NUL-ended */
    size_t len;
    size_t n, alloc;            /* array / object entries */
    struct json_value **items;
    char **keys;                /* object keys, NUL-ended */
    long *key_line, *key_col;   /* where each key starts */
    long line, col;             /* where the value starts (1-based) */
}
json_value;

/* Parse text[0..len); on error sets e to "where:line:col: message". */
json_value *json_parse(const char *text, size_t len, const char *where,
                       cpwl_err_t e);
void json_free(json_value *v);

/* Member `key` of an object, or NULL. */
json_value *json_get(const json_value *obj, const char *key);

/* Compact JSON text of v (numbers as written), NUL-ended, flint_free. */
char *json_write_compact(const json_value *v);

/* Append the JSON string literal of s to a growing buffer. */
typedef struct
{
    char *s;
    size_t len, alloc;
}
json_buf;

void json_buf_init(json_buf *b);
void json_buf_puts(json_buf *b, const char *s);
void json_buf_putn(json_buf *b, const char *s, size_t n);
void json_buf_printf(json_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void json_buf_string(json_buf *b, const char *s, size_t n);

const char *json_kind_name(json_kind k);

#endif
