/* Fuzz the IDX reader (cpwl_idx_read_buf).  Input: one byte b, then the
   file's bytes; b % 4 picks max_items: -1 (all), 0, 1 or 3.  A file that
   reads must have a valid shape, and every value must be the big-endian
   value at its place in the input, decoded here independently. */
#include <math.h>
#include "cpwl/idx.h"
#include "fuzz.h"

static double decode_at(const uint8_t *p, cpwl_idx_type t)
{
    uint64_t u = 0;
    size_t i, n = cpwl_idx_type_size(t);
    for (i = 0; i < n; i++)
        u = (u << 8) | p[i];
    switch (t)
    {
    case CPWL_IDX_SBYTE:
        return u >= 128 ? (double) u - 256 : (double) u;
    case CPWL_IDX_INT16:
        return u >= 32768 ? (double) u - 65536 : (double) u;
    case CPWL_IDX_INT32:
        return u >= 2147483648u ? (double) u - 4294967296.0 : (double) u;
    case CPWL_IDX_FLOAT32:
    {
        uint32_t v = (uint32_t) u;
        float f;
        memcpy(&f, &v, 4);
        return f;
    }
    case CPWL_IDX_FLOAT64:
    {
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    default:
        return (double) u;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const slong maxes[4] = { -1, 0, 1, 3 };
    cpwl_idx_t I;
    cpwl_err_t e;
    slong max_items, count = 1, k;
    int r, i;
    size_t head, vs;
    if (size < 1)
        return 0;
    max_items = maxes[data[0] % 4];
    cpwl_idx_init(I);
    cpwl_err_init(e);
    r = cpwl_idx_read_buf(I, data + 1, size - 1, "fuzz.idx", max_items, e);
    fuzz_check_err(e, r);
    if (r != CPWL_OK)
    {
        if (I->ndims != 0 || I->count != 0 || I->data != NULL)
            abort();
        cpwl_idx_clear(I);
        cpwl_err_clear(e);
        return 0;
    }
    if (I->ndims < 1 || I->ndims > CPWL_IDX_MAX_DIMS)
        abort();
    /* a size 0 makes the product 0 even when the others would overflow */
    for (i = 0; i < I->ndims; i++)
        if (I->dims[i] == 0)
            count = 0;
    for (i = 0; count != 0 && i < I->ndims; i++)
    {
        if (I->dims[i] < 0 || count > WORD_MAX / I->dims[i])
            abort();            /* accepted sizes whose product overflows */
        count *= I->dims[i];
    }
    if (count != I->count || (max_items >= 0 && I->dims[0] > max_items)
        || I->file_items < I->dims[0])
        abort();
    head = 4 + 4 * (size_t) I->ndims;
    vs = cpwl_idx_type_size(I->type);
    /* everything read: the file is exactly header plus data */
    if (I->dims[0] == I->file_items && head + (size_t) count * vs != size - 1)
        abort();
    for (k = 0; k < count; k++)
    {
        double a = cpwl_idx_get_d(I, k);
        double b = decode_at(data + 1 + head + (size_t) k * vs, I->type);
        if (!(a == b || (isnan(a) && isnan(b))) || signbit(a) != signbit(b))
            abort();
    }
    cpwl_idx_clear(I);
    cpwl_err_clear(e);
    return 0;
}
