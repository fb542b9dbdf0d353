/* IDX files (see cpwl/idx.h): reading through zlib (plain or gzip),
   checking every header field, and writing. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <flint/fmpz.h>
#include "cpwl/idx.h"

/* Data is read in chunks of this many bytes, so that memory follows the
   bytes that really arrive (a 16-byte file may announce 4 GB). */
#define IDX_CHUNK (WORD(1) << 20)

void cpwl_idx_init(cpwl_idx_t I)
{
    memset(I, 0, sizeof(cpwl_idx_struct));
    I->type = CPWL_IDX_UBYTE;
}

void cpwl_idx_clear(cpwl_idx_t I)
{
    free(I->data);
    cpwl_idx_init(I);
}

int cpwl_idx_type_from_byte(cpwl_idx_type *type, int byte)
{
    switch (byte)
    {
    case CPWL_IDX_UBYTE:
    case CPWL_IDX_SBYTE:
    case CPWL_IDX_INT16:
    case CPWL_IDX_INT32:
    case CPWL_IDX_FLOAT32:
    case CPWL_IDX_FLOAT64:
        *type = (cpwl_idx_type) byte;
        return 1;
    default:
        return 0;
    }
}

size_t cpwl_idx_type_size(cpwl_idx_type type)
{
    switch (type)
    {
    case CPWL_IDX_INT16:
        return 2;
    case CPWL_IDX_INT32:
    case CPWL_IDX_FLOAT32:
        return 4;
    case CPWL_IDX_FLOAT64:
        return 8;
    default:
        return 1;
    }
}

const char *cpwl_idx_type_name(cpwl_idx_type type)
{
    switch (type)
    {
    case CPWL_IDX_UBYTE:
        return "ubyte";
    case CPWL_IDX_SBYTE:
        return "sbyte";
    case CPWL_IDX_INT16:
        return "int16";
    case CPWL_IDX_INT32:
        return "int32";
    case CPWL_IDX_FLOAT32:
        return "float32";
    case CPWL_IDX_FLOAT64:
        return "float64";
    default:
        return "unknown";
    }
}

/* "60000 x 28 x 28" into buf. */
static void dims_str(char *buf, size_t size, const slong *dims, int ndims)
{
    size_t used = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < ndims && used < size; i++)
        used += (size_t) snprintf(buf + used, size - used, "%s%ld",
                                  i > 0 ? " x " : "", (long) dims[i]);
}

/* Check a shape: the number of values into *count, or an error naming
   where the sizes are (at, when the shape comes from a file's header). */
static int check_shape(slong *count, cpwl_idx_type type, const slong *dims,
                       int ndims, const char *name, cpwl_err_t e)
{
    fmpz_t bytes;
    char ds[CPWL_IDX_MAX_DIMS * 16];
    const char *pre = name != NULL ? name : "";
    const char *sep = name != NULL ? ": " : "";
    int i, big;
    if (ndims < 1 || ndims > CPWL_IDX_MAX_DIMS)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s%sthe number of dimensions "
                            "must be from 1 to %d, got %d", pre, sep,
                            CPWL_IDX_MAX_DIMS, ndims);
    for (i = 0; i < ndims; i++)
        if (dims[i] < 0 || dims[i] > (slong) UINT32_MAX)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "%s%sdimension %d: the "
                                "size must be from 0 to 4294967295, got %ld",
                                pre, sep, i + 1, (long) dims[i]);
    /* The product may overflow 64 bits (8 sizes of 32 bits): exact. */
    fmpz_init_set_ui(bytes, cpwl_idx_type_size(type));
    for (i = 0; i < ndims; i++)
        fmpz_mul_ui(bytes, bytes, (ulong) dims[i]);
    big = fmpz_cmp_si(bytes, CPWL_IDX_MAX_BYTES) > 0;
    if (big)
    {
        char *s = fmpz_get_str(NULL, 10, bytes);
        dims_str(ds, sizeof(ds), dims, ndims);
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s%s%s values of type %s (%s "
                     "bytes) exceed the limit of %ld bytes of data%s",
                     pre, sep, ds, cpwl_idx_type_name(type), s,
                     (long) CPWL_IDX_MAX_BYTES,
                     name != NULL ? " (the sizes at bytes 4 to "
                     "4 + 4 * dimensions)" : "");
        flint_free(s);
    }
    else
        *count = fmpz_get_si(bytes) / (slong) cpwl_idx_type_size(type);
    fmpz_clear(bytes);
    return big ? CPWL_ERR_INPUT : CPWL_OK;
}

int cpwl_idx_set_shape(cpwl_idx_t I, cpwl_idx_type type, const slong *dims,
                       int ndims, cpwl_err_t e)
{
    slong count = 0;
    int i;
    cpwl_idx_type t;
    cpwl_idx_clear(I);
    if (!cpwl_idx_type_from_byte(&t, (int) type))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "unknown IDX type 0x%02x",
                            (unsigned) type);
    if (check_shape(&count, type, dims, ndims, NULL, e) != CPWL_OK)
        return CPWL_ERR_INPUT;
    if (count > 0)
    {
        I->data = calloc((size_t) count, cpwl_idx_type_size(type));
        if (I->data == NULL)
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "out of memory for "
                                "%ld IDX values", (long) count);
    }
    I->type = type;
    I->ndims = ndims;
    for (i = 0; i < ndims; i++)
        I->dims[i] = dims[i];
    I->count = count;
    I->file_items = dims[0];
    return CPWL_OK;
}

/* ---- reading ---------------------------------------------------------- */

/* A source of bytes: a zlib stream (plain or gzip) or memory. */
typedef struct
{
    gzFile gz;                  /* NULL: memory */
    const unsigned char *buf;
    size_t len, pos;
    const char *name;
    slong offset;               /* uncompressed bytes consumed */
    int gzbad;                  /* a gzip error was reported */
}
idx_src;

/* Read up to n bytes; returns the number read (fewer at the end), or -1
   after a gzip error (reported in e). */
static slong src_read(idx_src *S, unsigned char *dst, slong n, cpwl_err_t e)
{
    slong got = 0;
    if (S->gz == NULL)
    {
        size_t k = S->len - S->pos;
        if ((size_t) n < k)
            k = (size_t) n;
        memcpy(dst, S->buf + S->pos, k);
        S->pos += k;
        S->offset += (slong) k;
        return (slong) k;
    }
    while (got < n)
    {
        unsigned want = (unsigned) FLINT_MIN(n - got, IDX_CHUNK);
        int r = gzread(S->gz, dst + got, want), errnum = Z_OK;
        const char *msg = r < 0 || (unsigned) r < want
            ? gzerror(S->gz, &errnum) : NULL;
        if (r > 0)
            got += r;
        if (msg != NULL && errnum != Z_OK && errnum != Z_STREAM_END)
        {
            /* zlib reports a cut gzip stream as Z_BUF_ERROR "unexpected
               end of file"; a read error of the system as Z_ERRNO. */
            S->offset += got;
            S->gzbad = 1;
            cpwl_err_set(e, CPWL_ERR_INPUT, "%s: %s at uncompressed byte %ld: "
                         "%s", S->name, errnum == Z_ERRNO ? "read error"
                         : "damaged gzip stream", (long) S->offset,
                         errnum == Z_ERRNO ? strerror(errno) : msg);
            return -1;
        }
        if (r <= 0 || (unsigned) r < want)
            break;
    }
    S->offset += got;
    return got;
}

static uint64_t be_get(const unsigned char *p, size_t size)
{
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < size; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Convert count big-endian values in place to the machine's order. */
static void decode(unsigned char *data, slong count, cpwl_idx_type type)
{
    slong k;
    switch (type)
    {
    case CPWL_IDX_INT16:
        for (k = 0; k < count; k++)
        {
            /* two's complement by arithmetic, not by a cast out of range */
            int32_t u = (int32_t) be_get(data + 2 * k, 2);
            int16_t v = (int16_t) (u >= 0x8000 ? u - 0x10000 : u);
            memcpy(data + 2 * k, &v, 2);
        }
        break;
    case CPWL_IDX_INT32:
        for (k = 0; k < count; k++)
        {
            int64_t u = (int64_t) be_get(data + 4 * k, 4);
            int32_t v = (int32_t) (u >= INT64_C(0x80000000)
                                   ? u - INT64_C(0x100000000) : u);
            memcpy(data + 4 * k, &v, 4);
        }
        break;
    case CPWL_IDX_FLOAT32:
        for (k = 0; k < count; k++)
        {
            uint32_t u = (uint32_t) be_get(data + 4 * k, 4);
            float v;
            memcpy(&v, &u, 4);
            memcpy(data + 4 * k, &v, 4);
        }
        break;
    case CPWL_IDX_FLOAT64:
        for (k = 0; k < count; k++)
        {
            uint64_t u = be_get(data + 8 * k, 8);
            double v;
            memcpy(&v, &u, 8);
            memcpy(data + 8 * k, &v, 8);
        }
        break;
    default:
        break;                  /* bytes need no conversion */
    }
}

static int idx_read(cpwl_idx_t I, idx_src *S, slong max_items, cpwl_err_t e)
{
    unsigned char head[4 + 4 * CPWL_IDX_MAX_DIMS];
    char ds[CPWL_IDX_MAX_DIMS * 16];
    slong dims[CPWL_IDX_MAX_DIMS], got, count, row, want, hbytes, have = 0;
    slong cap = 0;
    size_t size;
    unsigned char *data = NULL;
    cpwl_idx_type type;
    int ndims, i, all;

    cpwl_idx_clear(I);
    got = src_read(S, head, 4, e);
    if (got < 0)
        return CPWL_ERR_INPUT;
    if (got >= 2 && (head[0] != 0 || head[1] != 0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: bad magic at byte 0: an "
                            "IDX file starts with two zero bytes, got 0x%02x "
                            "0x%02x", S->name, head[0], head[1]);
    if (got < 4)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: file ends at byte %ld, "
                            "expected the 4 bytes of an IDX header (two zero "
                            "bytes, the type, the number of dimensions)",
                            S->name, (long) got);
    if (!cpwl_idx_type_from_byte(&type, head[2]))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: bad magic at byte 2: "
                            "unknown IDX type 0x%02x (expected 0x08 ubyte, "
                            "0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D "
                            "float32 or 0x0E float64)", S->name, head[2]);
    ndims = head[3];
    if (ndims < 1 || ndims > CPWL_IDX_MAX_DIMS)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: bad magic at byte 3: the "
                            "number of dimensions must be from 1 to %d, got "
                            "%d", S->name, CPWL_IDX_MAX_DIMS, ndims);
    hbytes = 4 + 4 * ndims;
    got = src_read(S, head + 4, 4 * ndims, e);
    if (got < 0)
        return CPWL_ERR_INPUT;
    if (got < 4 * ndims)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: file ends at byte %ld, "
                            "expected %d dimension sizes of 4 bytes up to byte "
                            "%ld (the header)", S->name, (long) (4 + got),
                            ndims, (long) hbytes);
    for (i = 0; i < ndims; i++)
        dims[i] = (slong) be_get(head + 4 + 4 * i, 4);
    if (check_shape(&count, type, dims, ndims, S->name, e) != CPWL_OK)
        return CPWL_ERR_INPUT;

    size = cpwl_idx_type_size(type);
    row = dims[0] > 0 ? count / dims[0] : 0;
    all = max_items < 0 || max_items >= dims[0];
    if (!all)
    {
        dims[0] = max_items;
        count = max_items * row;
    }
    want = count * (slong) size;
    while (have < want)
    {
        slong step = FLINT_MIN(want - have, IDX_CHUNK);
        if (have + step > cap)
        {
            slong ncap = FLINT_MIN(want, FLINT_MAX(2 * cap, IDX_CHUNK));
            unsigned char *p = realloc(data, (size_t) ncap);
            if (p == NULL)
            {
                free(data);
                return cpwl_err_set(e, CPWL_ERR_INTERNAL, "%s: out of memory "
                                    "for %ld bytes of data", S->name,
                                    (long) ncap);
            }
            data = p;
            cap = ncap;
        }
        got = src_read(S, data + have, step, e);
        if (got < 0)
        {
            free(data);
            return CPWL_ERR_INPUT;
        }
        have += got;
        if (got < step)
        {
            free(data);
            dims_str(ds, sizeof(ds), dims, ndims);
            return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: file ends at byte %ld, "
                                "expected %ld bytes of data (%s values of type "
                                "%s) from byte %ld to byte %ld", S->name,
                                (long) (hbytes + have), (long) want, ds,
                                cpwl_idx_type_name(type), (long) hbytes,
                                (long) (hbytes + want));
        }
    }
    if (all)
    {
        /* Count what follows the data (it is refused). */
        unsigned char extra[4096];
        slong more = 0;
        do
        {
            got = src_read(S, extra, sizeof(extra), e);
            if (got < 0)
            {
                free(data);
                return CPWL_ERR_INPUT;
            }
            more += got;
        }
        while (got == (slong) sizeof(extra));
        if (more > 0)
        {
            free(data);
            return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: %ld trailing bytes "
                                "after the data, which ends at byte %ld (the "
                                "header's sizes %s announce %ld values)",
                                S->name, (long) more, (long) (hbytes + want),
                                (dims_str(ds, sizeof(ds), dims, ndims), ds),
                                (long) count);
        }
    }
    decode(data, count, type);
    I->type = type;
    I->ndims = ndims;
    for (i = 0; i < ndims; i++)
        I->dims[i] = dims[i];
    I->count = count;
    I->file_items = (slong) be_get(head + 4, 4);
    I->data = data;
    return CPWL_OK;
}

int cpwl_idx_read_buf(cpwl_idx_t I, const unsigned char *buf, size_t len,
                      const char *name, slong max_items, cpwl_err_t e)
{
    idx_src S;
    memset(&S, 0, sizeof(S));
    S.buf = buf;
    S.len = len;
    S.name = name != NULL ? name : "(IDX data)";
    return idx_read(I, &S, max_items, e);
}

int cpwl_idx_read_file(cpwl_idx_t I, const char *path, slong max_items,
                       cpwl_err_t e)
{
    idx_src S;
    struct stat st;
    int fd, r;
    cpwl_idx_clear(I);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot open %s: %s", path,
                            strerror(errno));
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
    {
        close(fd);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot read %s: it is a "
                            "directory", path);
    }
    memset(&S, 0, sizeof(S));
    S.name = path;
    S.gz = gzdopen(fd, "rb");
    if (S.gz == NULL)
    {
        close(fd);
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "%s: zlib could not start "
                            "reading (out of memory)", path);
    }
    gzbuffer(S.gz, 1 << 17);
    r = idx_read(I, &S, max_items, e);
    gzclose_r(S.gz);
    return r;
}

/* ---- writing ---------------------------------------------------------- */

static void be_put(unsigned char *p, uint64_t v, size_t size)
{
    size_t i;
    for (i = size; i-- > 0; v >>= 8)
        p[i] = (unsigned char) (v & 0xff);
}

/* The k-th value's bits (two's complement for the integers). */
static uint64_t value_bits(const cpwl_idx_t I, slong k)
{
    const unsigned char *p = (const unsigned char *) I->data;
    switch (I->type)
    {
    case CPWL_IDX_INT16:
    {
        int16_t v;
        memcpy(&v, p + 2 * k, 2);
        return (uint64_t) (uint16_t) v;
    }
    case CPWL_IDX_INT32:
    {
        int32_t v;
        memcpy(&v, p + 4 * k, 4);
        return (uint64_t) (uint32_t) v;
    }
    case CPWL_IDX_FLOAT32:
    {
        uint32_t u;
        memcpy(&u, p + 4 * k, 4);
        return u;
    }
    case CPWL_IDX_FLOAT64:
    {
        uint64_t u;
        memcpy(&u, p + 8 * k, 8);
        return u;
    }
    default:
        return p[k];
    }
}

static int write_fail(gzFile gz, const char *path, cpwl_err_t e)
{
    int errnum = Z_OK;
    const char *msg = gzerror(gz, &errnum);
    return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot write %s: %s", path,
                        errnum == Z_ERRNO || errnum == Z_OK ? strerror(errno)
                        : msg);
}

int cpwl_idx_write_file(const char *path, const cpwl_idx_t I, int gzip,
                        cpwl_err_t e)
{
    unsigned char buf[1 << 14];
    size_t size = cpwl_idx_type_size(I->type), used;
    slong k;
    int i, r;
    gzFile gz;
    if (I->ndims < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot write %s: the IDX "
                            "array is empty (no dimensions)", path);
    /* "T": zlib writes the bytes as they are, no gzip wrapper. */
    errno = 0;
    gz = gzopen(path, gzip ? "wb6" : "wbT");
    if (gz == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot write %s: %s", path,
                            errno != 0 ? strerror(errno) : "out of memory");
    buf[0] = buf[1] = 0;
    buf[2] = (unsigned char) I->type;
    buf[3] = (unsigned char) I->ndims;
    for (i = 0; i < I->ndims; i++)
        be_put(buf + 4 + 4 * i, (uint64_t) I->dims[i], 4);
    used = 4 + 4 * (size_t) I->ndims;
    for (k = 0; k <= I->count; k++)
    {
        if (k == I->count || used + size > sizeof(buf))
        {
            if (used > 0 && gzwrite(gz, buf, (unsigned) used) != (int) used)
            {
                r = write_fail(gz, path, e);
                gzclose_w(gz);
                return r;
            }
            used = 0;
        }
        if (k < I->count)
        {
            be_put(buf + used, value_bits(I, k), size);
            used += size;
        }
    }
    r = gzclose_w(gz);
    if (r != Z_OK)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot write %s: %s", path,
                            r == Z_ERRNO ? strerror(errno) : "zlib error");
    return CPWL_OK;
}

/* ---- access ----------------------------------------------------------- */

cpwl_idx_type cpwl_idx_get_type(const cpwl_idx_t I)
{
    return I->type;
}

int cpwl_idx_ndims(const cpwl_idx_t I)
{
    return I->ndims;
}

slong cpwl_idx_dim(const cpwl_idx_t I, int i)
{
    return i >= 0 && i < I->ndims ? I->dims[i] : 0;
}

slong cpwl_idx_count(const cpwl_idx_t I)
{
    return I->count;
}

double cpwl_idx_get_d(const cpwl_idx_t I, slong k)
{
    const unsigned char *p = (const unsigned char *) I->data;
    switch (I->type)
    {
    case CPWL_IDX_SBYTE:
        return (double) ((const signed char *) p)[k];
    case CPWL_IDX_INT16:
    {
        int16_t v;
        memcpy(&v, p + 2 * k, 2);
        return v;
    }
    case CPWL_IDX_INT32:
    {
        int32_t v;
        memcpy(&v, p + 4 * k, 4);
        return v;
    }
    case CPWL_IDX_FLOAT32:
    {
        float v;
        memcpy(&v, p + 4 * k, 4);
        return v;
    }
    case CPWL_IDX_FLOAT64:
    {
        double v;
        memcpy(&v, p + 8 * k, 8);
        return v;
    }
    default:
        return p[k];
    }
}

int cpwl_idx_set_d(cpwl_idx_t I, slong k, double x, cpwl_err_t e)
{
    unsigned char *p = (unsigned char *) I->data;
    double lo = 0, hi = 0;
    if (k < 0 || k >= I->count)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "IDX value %ld is out of "
                            "range (the array has %ld)", (long) k,
                            (long) I->count);
    switch (I->type)
    {
    case CPWL_IDX_FLOAT64:
        memcpy(p + 8 * k, &x, 8);
        return CPWL_OK;
    case CPWL_IDX_FLOAT32:
    {
        /* x is a binary32 number iff converting it back gives x (a NaN
           stays a NaN). */
        float f = 0;
        if (isnan(x) || isinf(x) || fabs(x) <= FLT_MAX)
            f = (float) x;      /* no conversion out of range (undefined) */
        if (!isnan(x) && (double) f != x)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "IDX value %ld: %.17g is "
                                "not a float32 number", (long) k, x);
        memcpy(p + 4 * k, &f, 4);
        return CPWL_OK;
    }
    case CPWL_IDX_SBYTE:
        lo = -128, hi = 127;
        break;
    case CPWL_IDX_INT16:
        lo = -32768, hi = 32767;
        break;
    case CPWL_IDX_INT32:
        lo = -2147483648.0, hi = 2147483647.0;
        break;
    default:
        lo = 0, hi = 255;
        break;
    }
    if (!(x >= lo && x <= hi) || x != floor(x))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "IDX value %ld: %.17g is not "
                            "an integer from %.0f to %.0f (type %s)", (long) k,
                            x, lo, hi, cpwl_idx_type_name(I->type));
    switch (I->type)
    {
    case CPWL_IDX_SBYTE:
        ((signed char *) p)[k] = (signed char) x;
        break;
    case CPWL_IDX_INT16:
    {
        int16_t v = (int16_t) x;
        memcpy(p + 2 * k, &v, 2);
        break;
    }
    case CPWL_IDX_INT32:
    {
        int32_t v = (int32_t) x;
        memcpy(p + 4 * k, &v, 4);
        break;
    }
    default:
        p[k] = (unsigned char) x;
        break;
    }
    return CPWL_OK;
}
