/* IDX files: the array format of MNIST and Fashion-MNIST (LeCun, Cortes
   and Burges, http://yann.lecun.com/exdb/mnist/, "FILE FORMATS").

   Layout (all integers big-endian):
     bytes 0-1   zero
     byte  2     the type of the values: 0x08 unsigned byte, 0x09 signed
                 byte, 0x0B int16, 0x0C int32, 0x0D float32 (IEEE binary32),
                 0x0E float64 (IEEE binary64)
     byte  3     the number of dimensions k (1 to CPWL_IDX_MAX_DIMS)
     bytes 4..   k sizes, 32-bit unsigned each
     then        the values, row-major (the last index varies fastest),
                 each of its type's size, big-endian.

   Files are read through zlib, so a plain file and a gzip-compressed one
   (as Debian installs Fashion-MNIST) are read alike; byte offsets in
   messages count bytes of the uncompressed content.  Every value of
   every type is a binary64 number, so the values as doubles are exact. */
#ifndef CPWL_IDX_H
#define CPWL_IDX_H

#include <stddef.h>
#include <flint/flint.h>
#include "cpwl/err.h"

typedef enum
{
    CPWL_IDX_UBYTE = 0x08,
    CPWL_IDX_SBYTE = 0x09,
    CPWL_IDX_INT16 = 0x0B,
    CPWL_IDX_INT32 = 0x0C,
    CPWL_IDX_FLOAT32 = 0x0D,
    CPWL_IDX_FLOAT64 = 0x0E
}
cpwl_idx_type;

#define CPWL_IDX_MAX_DIMS 8

/* Files whose data (the product of the sizes times the value size) is
   larger are refused: 2^32 bytes. */
#define CPWL_IDX_MAX_BYTES (WORD(1) << 32)

typedef struct
{
    cpwl_idx_type type;
    int ndims;                  /* k, 1 to CPWL_IDX_MAX_DIMS (0: empty) */
    slong dims[CPWL_IDX_MAX_DIMS];
    slong count;                /* the product of the sizes */
    slong file_items;           /* dims[0] in the file's header (more than
                                   dims[0] when max_items cut the read) */
    void *data;                 /* count values of the type, row-major, in
                                   the machine's byte order (unsigned char,
                                   signed char, int16_t, int32_t, float,
                                   double) */
}
cpwl_idx_struct;

typedef cpwl_idx_struct cpwl_idx_t[1];

/* An empty array (no dimensions, no values). */
void cpwl_idx_init(cpwl_idx_t I);
void cpwl_idx_clear(cpwl_idx_t I);

/* 1 for a type byte of the table above (and *type set), else 0. */
int cpwl_idx_type_from_byte(cpwl_idx_type *type, int byte);

/* The size of one value in bytes (1, 1, 2, 4, 4, 8) and the type's name
   ("ubyte", "sbyte", "int16", "int32", "float32", "float64"). */
size_t cpwl_idx_type_size(cpwl_idx_type type);
const char *cpwl_idx_type_name(cpwl_idx_type type);

/* Make I an array of the type with the given sizes (1 <= ndims <=
   CPWL_IDX_MAX_DIMS, each size 0 to 2^32 - 1, at most CPWL_IDX_MAX_BYTES
   of data), every value zero.  CPWL_ERR_INPUT for a bad shape; I is
   empty then. */
int cpwl_idx_set_shape(cpwl_idx_t I, cpwl_idx_type type, const slong *dims,
                       int ndims, cpwl_err_t e);

/* Read an IDX file, plain or gzip-compressed.  max_items >= 0 reads only
   the first max_items entries along dimension 0 (all when there are
   fewer; dims[0] becomes the number read, file_items keeps the header's)
   and stops decompressing there, without checking what follows;
   max_items < 0 reads everything.  Trailing bytes are refused whenever
   every item is read.  CPWL_ERR_INPUT, with the file's name and the
   byte offset in the message, for a file that cannot be opened, bad
   magic bytes, an unknown type, 0 or more than CPWL_IDX_MAX_DIMS
   dimensions, sizes whose data overflows or exceeds CPWL_IDX_MAX_BYTES,
   a header or data cut short ("file ends at byte N, expected M bytes of
   data"), trailing bytes, or a damaged gzip stream.  I is empty on
   error.  Memory grows with the bytes actually read, not with the sizes
   the header announces. */
int cpwl_idx_read_file(cpwl_idx_t I, const char *path, slong max_items,
                       cpwl_err_t e);

/* The same from the bytes buf[0 .. len) (uncompressed); name is used in
   messages. */
int cpwl_idx_read_buf(cpwl_idx_t I, const unsigned char *buf, size_t len,
                      const char *name, slong max_items, cpwl_err_t e);

/* Write I to path as an IDX file, gzip-compressed when gzip is nonzero.
   CPWL_ERR_INPUT for an empty I or a file that cannot be written (the
   message names it and the system's reason). */
int cpwl_idx_write_file(const char *path, const cpwl_idx_t I, int gzip,
                        cpwl_err_t e);

/* Accessors.  k-th value in row-major order (0 <= k < count), as the
   double it equals exactly. */
cpwl_idx_type cpwl_idx_get_type(const cpwl_idx_t I);
int cpwl_idx_ndims(const cpwl_idx_t I);
slong cpwl_idx_dim(const cpwl_idx_t I, int i);
slong cpwl_idx_count(const cpwl_idx_t I);
double cpwl_idx_get_d(const cpwl_idx_t I, slong k);

/* Set the k-th value to x.  CPWL_ERR_INPUT when x is not a value of the
   type (an integer type: not an integer in its range; float32: not a
   binary32 number; NaN is a float32 and float64 value). */
int cpwl_idx_set_d(cpwl_idx_t I, slong k, double x, cpwl_err_t e);

#endif
