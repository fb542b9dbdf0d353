/* Checkpoints of long runs: the finished work units of a computation
   (cpwl/sched.h) and the best value so far, in a file written atomically
   (temporary file, fsync, rename) and protected by a checksum, so that a
   run killed at any moment can be resumed and end with the answer of an
   uninterrupted run.

   A checkpoint belongs to one computation: its kind ("erm", "regions",
   "equiv", ...) and its key, one line "name=value;name=value;..." that
   fixes everything the answer depends on (a fingerprint of the input and
   the options that change the result).  A file of another kind or key,
   truncated, or whose checksum does not match is refused with a message
   naming the file and what differs; it is never used.

   The file (text, docs/checkpoint.md):
     cpwl-checkpoint 1
     kind KIND
     key KEY
     bound VALUE POS          (optional: the best value, exact "p/q", and
                               its position)
     unit PHASE INDEX LENGTH  (then LENGTH bytes of payload and a newline;
     ...                       one record per finished unit)
     end COUNT CRC32          (COUNT records; CRC-32 of every byte before
                               this line, 8 hex digits) */
#ifndef CPWL_CKPT_H
#define CPWL_CKPT_H

#include <stddef.h>
#include <flint/fmpq.h>
#include "cpwl/err.h"

typedef struct
{
    slong phase, unit;
    char *data;                 /* len bytes (and a NUL after them) */
    size_t len;
}
cpwl_ckpt_entry;

typedef struct
{
    char *kind, *key;
    cpwl_ckpt_entry *e;         /* n entries, unique (phase, unit) */
    slong n, alloc;
    int have_bound;
    fmpq_t bound;
    slong bound_pos;
}
cpwl_ckpt_struct;

typedef cpwl_ckpt_struct cpwl_ckpt_t[1];

/* kind and key are copied; key must be one line. */
void cpwl_ckpt_init(cpwl_ckpt_t c, const char *kind, const char *key);
void cpwl_ckpt_clear(cpwl_ckpt_t c);

/* Record unit (phase, unit) with its payload (copied); a unit recorded
   twice keeps the first payload. */
void cpwl_ckpt_add(cpwl_ckpt_t c, slong phase, slong unit, const char *data,
                   size_t len);

/* The payload of (phase, unit), or NULL when it is not recorded. */
const cpwl_ckpt_entry *cpwl_ckpt_find(const cpwl_ckpt_t c, slong phase,
                                      slong unit);

/* The best value (value, pos), kept when it is lexicographically smaller
   than the one recorded. */
void cpwl_ckpt_set_bound(cpwl_ckpt_t c, const fmpq_t value, slong pos);

/* Write c to path atomically: path.tmp, fsync, rename (the previous file
   stays whole until the rename).  Errors: CPWL_ERR_INPUT when the
   directory cannot hold the file, CPWL_ERR_INTERNAL on a failed write. */
int cpwl_ckpt_write(const cpwl_ckpt_t c, const char *path, cpwl_err_t e);

/* Read path into c (initialised, empty) and check it belongs to the run
   of this kind and key.  CPWL_ERR_INPUT, with the file named, when it
   cannot be read, is not a checkpoint, is truncated, fails its checksum,
   or was written for another kind or key (the message names the first
   field of the key that differs and both values). */
int cpwl_ckpt_read(cpwl_ckpt_t c, const char *path, const char *kind,
                   const char *key, cpwl_err_t e);

/* A fingerprint of len bytes for keys: 16 hex digits (64-bit FNV-1a)
   and a NUL (out holds 17 bytes). */
void cpwl_ckpt_fingerprint(char *out, const void *data, size_t len);

#endif
