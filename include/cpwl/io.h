/* Network files (SPEC section 4): reading cpwl-net JSON exactly and writing
   it back canonically. */
#ifndef CPWL_IO_H
#define CPWL_IO_H

#include <stdio.h>
#include "cpwl/err.h"
#include "cpwl/net.h"

/* Largest file read (bytes); larger files are refused. */
#define CPWL_IO_MAX_FILE_SIZE ((size_t) 1 << 31)

/* The numbers of a file may take at most CPWL_IO_BITS_PER_BYTE bits (numerators
   and denominators together) per byte of text, plus CPWL_IO_BITS_SLACK: short
   literals such as 1e9999 (33,000 bits) must not exhaust memory, while
   float networks in hex or with subnormal weights (~120 bits per byte)
   pass. */
#define CPWL_IO_BITS_PER_BYTE 256
#define CPWL_IO_BITS_SLACK ((slong) 1 << 24)

/* Read the network in text[0..len); `where` names the source in messages
   (a file name).  net must be initialised; it is replaced and prepared.
   Returns CPWL_OK or CPWL_ERR_INPUT with a one-line message in e. */
int cpwl_io_net_read_str(cpwl_net_t net, const char *text, size_t len,
                         const char *where, cpwl_err_t e);

/* The same from a file ("-" is standard input). */
int cpwl_io_net_read_file(cpwl_net_t net, const char *path, cpwl_err_t e);

/* Warnings about a network that was read: not errors (the network is
   exactly what the file says), for the caller to show.  float_traps
   counts the weights, biases and slopes of a file without a "numbers"
   key written as decimals that look like printed binary floats (17 or
   more significant digits, or 9 or more that are the shortest decimal of
   a double or float32); msg is one line about the first of them ("" if
   none), naming "numbers": "binary64" and "binary32". */
#define CPWL_IO_WARN_LEN 1024

typedef struct
{
    slong float_traps;
    char msg[CPWL_IO_WARN_LEN];
}
cpwl_io_warn_struct;

typedef cpwl_io_warn_struct cpwl_io_warn_t[1];

void cpwl_io_warn_init(cpwl_io_warn_t w);
void cpwl_io_warn_clear(cpwl_io_warn_t w);

/* cpwl_io_net_read_str and cpwl_io_net_read_file that also fill w (if not NULL). */
int cpwl_io_net_read_str_warn(cpwl_net_t net, cpwl_io_warn_t w, const char *text,
                              size_t len, const char *where, cpwl_err_t e);
int cpwl_io_net_read_file_warn(cpwl_net_t net, cpwl_io_warn_t w, const char *path, cpwl_err_t e);

/* Read a whole file into a new NUL-terminated buffer (free with free()). */
int cpwl_io_read_all(char **buf, size_t *len, const char *path, cpwl_err_t e);

/* Canonical JSON text of net, NUL-terminated (free with flint_free):
   rationals in lowest terms as strings, fixed key order and layout. */
char *cpwl_io_net_write_str(const cpwl_net_t net);

/* Parse a comma-separated list of exactly n numbers (e.g. "1/2,-3") for
   the option `what`; messages name the entry. */
int cpwl_io_parse_vector(fmpq *x, slong n, const char *s, const char *what,
                         cpwl_err_t e);

/* The JSON string literal (quotes and escapes) of the UTF-8 string s, in
   a new string (free with flint_free). */
char *cpwl_io_json_quote(const char *s);

#endif
