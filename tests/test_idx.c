/* Module idx: round trips of every type (plain and gzip), the bytes of
   the format written by hand, every refusal with its offset, max_items. */
#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include <zlib.h>
#include "testutil.h"
#include "cpwl/idx.h"

static char tmpdir[64];

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_bytes(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

static unsigned char *read_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b;
    long len;
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t) len + 1);
    ck_assert_uint_eq(fread(b, 1, (size_t) len, f), (size_t) len);
    fclose(f);
    *n = (size_t) len;
    return b;
}

/* A random value of the type (extremes and IEEE specials included). */
static double random_value(cpwl_idx_type t, test_rng *r)
{
    static const double f32[] = { 0.0, -0.0, 1.0, -1.5, 0x1p-149, 0x1p-126,
        0x1.fffffep127, -0x1.fffffep127, INFINITY, -INFINITY };
    static const double f64[] = { 0.0, -0.0, 0.1, -1e300, 0x1p-1074,
        0x1.fffffffffffffp1023, INFINITY, -INFINITY };
    switch (t)
    {
    case CPWL_IDX_UBYTE:
        return (double) test_range(r, 0, 255);
    case CPWL_IDX_SBYTE:
        return (double) test_range(r, -128, 127);
    case CPWL_IDX_INT16:
        return (double) test_range(r, -32768, 32767);
    case CPWL_IDX_INT32:
        return (double) test_range(r, -2147483648LL, 2147483647LL);
    case CPWL_IDX_FLOAT32:
        if (test_range(r, 0, 3) == 0)
            return f32[test_range(r, 0, 9)];
        return (double) (float) test_unif(r, -1e6, 1e6);
    default:
        if (test_range(r, 0, 3) == 0)
            return f64[test_range(r, 0, 7)];
        return test_unif(r, -1e6, 1e6) * pow(2.0, (double) test_range(r, -60, 60));
    }
}

static const cpwl_idx_type all_types[6] = {
    CPWL_IDX_UBYTE, CPWL_IDX_SBYTE, CPWL_IDX_INT16, CPWL_IDX_INT32,
    CPWL_IDX_FLOAT32, CPWL_IDX_FLOAT64
};

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof(double)) == 0;
}

/* Write every type, plain and gzip, read it back: the same values, bit
   for bit (also -0.0 and NaN). */
START_TEST(test_round_trip)
{
    uint64_t seed = test_seed(1801);
    test_rng r = { seed };
    char path[128];
    cpwl_err_t e;
    int ti, gz, rep;
    cpwl_err_init(e);
    for (rep = 0; rep < test_iters(3); rep++)
        for (ti = 0; ti < 6; ti++)
            for (gz = 0; gz < 2; gz++)
            {
                cpwl_idx_t A, B;
                slong dims[4], k;
                int nd = (int) test_range(&r, 1, 4), i;
                unsigned char head[2];
                FILE *f;
                for (i = 0; i < nd; i++)
                    dims[i] = test_range(&r, 1, 5);
                cpwl_idx_init(A);
                cpwl_idx_init(B);
                ck_assert_int_eq(cpwl_idx_set_shape(A, all_types[ti], dims, nd, e),
                                 CPWL_OK);
                for (k = 0; k < A->count; k++)
                    ck_assert_int_eq(cpwl_idx_set_d(A, k, random_value(all_types[ti], &r),
                                                    e), CPWL_OK);
                if (all_types[ti] >= CPWL_IDX_FLOAT32 && A->count > 1)
                    ck_assert_int_eq(cpwl_idx_set_d(A, 1, NAN, e), CPWL_OK);
                tmp_path(path, sizeof(path), gz ? "rt.idx.gz" : "rt.idx");
                ck_assert_msg(cpwl_idx_write_file(path, A, gz, e) == CPWL_OK, "%s",
                              e->msg);
                /* gzip files start with 1f 8b (RFC 1952), plain ones with
                   two zero bytes */
                f = fopen(path, "rb");
                ck_assert_uint_eq(fread(head, 1, 2, f), 2);
                fclose(f);
                ck_assert_int_eq(head[0], gz ? 0x1f : 0);
                ck_assert_int_eq(head[1], gz ? 0x8b : 0);
                ck_assert_msg(cpwl_idx_read_file(B, path, -1, e) == CPWL_OK, "%s",
                              e->msg);
                ck_assert_int_eq(cpwl_idx_get_type(B), all_types[ti]);
                ck_assert_int_eq(cpwl_idx_ndims(B), nd);
                for (i = 0; i < nd; i++)
                    ck_assert_int_eq(cpwl_idx_dim(B, i), dims[i]);
                ck_assert_int_eq(cpwl_idx_count(B), A->count);
                ck_assert_int_eq(B->file_items, dims[0]);
                for (k = 0; k < A->count; k++)
                    ck_assert_msg(same_bits(cpwl_idx_get_d(A, k), cpwl_idx_get_d(B, k)),
                                  "type %s value %ld: wrote %a, read %a (seed %llu)",
                                  cpwl_idx_type_name(all_types[ti]), (long) k,
                                  cpwl_idx_get_d(A, k), cpwl_idx_get_d(B, k),
                                  (unsigned long long) seed);
                cpwl_idx_clear(A);
                cpwl_idx_clear(B);
            }
    cpwl_err_clear(e);
}
END_TEST

/* The bytes of the format, written out by hand from the specification:
   big-endian sizes and values, two's complement integers, IEEE bits. */
START_TEST(test_bytes)
{
    static const unsigned char i16[] = {
        0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 2,
        0xFF, 0xFE, 0x01, 0x02, 0x80, 0x00, 0x7F, 0xFF };
    static const unsigned char f32[] = {
        0, 0, 0x0D, 1, 0, 0, 0, 3,
        0x3F, 0x80, 0, 0,  0xC0, 0x20, 0, 0,  0x7F, 0x80, 0, 0 };
    static const unsigned char i32[] = {
        0, 0, 0x0C, 1, 0, 0, 0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0, 0, 0 };
    static const unsigned char f64[] = {
        0, 0, 0x0E, 1, 0, 0, 0, 1, 0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99,
        0x9A };
    static const unsigned char s8[] = { 0, 0, 0x09, 1, 0, 0, 0, 2, 0xFF, 0x7F };
    cpwl_idx_t I;
    cpwl_err_t e;
    char path[128];
    unsigned char *b;
    size_t n;
    cpwl_err_init(e);
    cpwl_idx_init(I);

    ck_assert_int_eq(cpwl_idx_read_buf(I, i16, sizeof(i16), "i16", -1, e), CPWL_OK);
    ck_assert_int_eq(I->ndims, 2);
    ck_assert_int_eq(I->dims[0], 2);
    ck_assert_int_eq(I->dims[1], 2);
    ck_assert(cpwl_idx_get_d(I, 0) == -2);
    ck_assert(cpwl_idx_get_d(I, 1) == 258);
    ck_assert(cpwl_idx_get_d(I, 2) == -32768);
    ck_assert(cpwl_idx_get_d(I, 3) == 32767);
    /* and written back: the same bytes */
    tmp_path(path, sizeof(path), "i16.idx");
    ck_assert_int_eq(cpwl_idx_write_file(path, I, 0, e), CPWL_OK);
    b = read_bytes(path, &n);
    ck_assert_uint_eq(n, sizeof(i16));
    ck_assert(memcmp(b, i16, n) == 0);
    free(b);

    ck_assert_int_eq(cpwl_idx_read_buf(I, f32, sizeof(f32), "f32", -1, e), CPWL_OK);
    ck_assert(cpwl_idx_get_d(I, 0) == 1.0);
    ck_assert(cpwl_idx_get_d(I, 1) == -2.5);
    ck_assert(cpwl_idx_get_d(I, 2) == INFINITY);

    ck_assert_int_eq(cpwl_idx_read_buf(I, i32, sizeof(i32), "i32", -1, e), CPWL_OK);
    ck_assert(cpwl_idx_get_d(I, 0) == -1);
    ck_assert(cpwl_idx_get_d(I, 1) == -2147483648.0);

    ck_assert_int_eq(cpwl_idx_read_buf(I, f64, sizeof(f64), "f64", -1, e), CPWL_OK);
    ck_assert(cpwl_idx_get_d(I, 0) == 0.1);

    ck_assert_int_eq(cpwl_idx_read_buf(I, s8, sizeof(s8), "s8", -1, e), CPWL_OK);
    ck_assert(cpwl_idx_get_d(I, 0) == -1);
    ck_assert(cpwl_idx_get_d(I, 1) == 127);
    /* the file reader on the same bytes, plain */
    tmp_path(path, sizeof(path), "s8.idx");
    write_bytes(path, s8, sizeof(s8));
    cpwl_idx_clear(I);
    ck_assert_int_eq(cpwl_idx_read_file(I, path, -1, e), CPWL_OK);
    ck_assert_int_eq(I->type, CPWL_IDX_SBYTE);
    ck_assert(cpwl_idx_get_d(I, 0) == -1);

    cpwl_idx_clear(I);
    cpwl_err_clear(e);
}
END_TEST

/* Read bytes that must be refused: CPWL_ERR_INPUT, every piece of want
   in the message, I left empty. */
static void expect_refused(const unsigned char *b, size_t n, slong max_items,
                           const char *want1, const char *want2)
{
    cpwl_idx_t I;
    cpwl_err_t e;
    cpwl_idx_init(I);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_idx_read_buf(I, b, n, "bad.idx", max_items, e),
                     CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "bad.idx: ") == e->msg, "%s", e->msg);
    ck_assert_msg(strstr(e->msg, want1) != NULL, "'%s' not in: %s", want1, e->msg);
    if (want2 != NULL)
        ck_assert_msg(strstr(e->msg, want2) != NULL, "'%s' not in: %s", want2,
                      e->msg);
    ck_assert_int_eq(I->ndims, 0);
    ck_assert_int_eq(I->count, 0);
    ck_assert_ptr_null(I->data);
    cpwl_idx_clear(I);
    cpwl_err_clear(e);
}

START_TEST(test_errors)
{
    static const unsigned char magic0[] = { 1, 0, 8, 1, 0, 0, 0, 0 };
    static const unsigned char magic1[] = { 0, 0x1f, 8, 1, 0, 0, 0, 0 };
    static const unsigned char type[] = { 0, 0, 7, 1, 0, 0, 0, 0 };
    static const unsigned char dims0[] = { 0, 0, 8, 0 };
    static const unsigned char dims9[] = { 0, 0, 8, 9 };
    static const unsigned char short2[] = { 0, 0 };
    static const unsigned char head[] = { 0, 0, 8, 2, 0, 0, 0, 5, 0, 0 };
    static const unsigned char data[] = { 0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3 };
    static const unsigned char f64[] = { 0, 0, 0x0E, 2, 0, 0, 0, 2, 0, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 0 };
    static const unsigned char trail[] = { 0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5,
        6, 7 };
    /* 8 sizes of 2^32 - 1: the product overflows 64 bits */
    unsigned char over[4 + 32];
    /* 65536 x 65537 bytes: 2^32 + 2^16, just over the limit */
    static const unsigned char big[] = { 0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 1 };
    /* 2^32 bytes exactly: accepted, then cut short (and no 4 GB taken) */
    static const unsigned char limit[] = { 0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0, 9 };
    int i;

    expect_refused(magic0, sizeof(magic0), -1, "bad magic at byte 0", "0x01 0x00");
    expect_refused(magic1, sizeof(magic1), -1, "bad magic at byte 0", "0x00 0x1f");
    expect_refused(type, sizeof(type), -1, "bad magic at byte 2", "0x07");
    expect_refused(dims0, sizeof(dims0), -1, "bad magic at byte 3", "got 0");
    expect_refused(dims9, sizeof(dims9), -1, "bad magic at byte 3", "got 9");
    expect_refused(short2, sizeof(short2), -1, "file ends at byte 2", "4 bytes");
    expect_refused(short2, 0, -1, "file ends at byte 0", NULL);
    expect_refused(head, sizeof(head), -1, "file ends at byte 10",
                   "up to byte 12");
    expect_refused(data, sizeof(data), -1, "file ends at byte 11",
                   "expected 5 bytes of data");
    expect_refused(data, sizeof(data), 4, "file ends at byte 11",
                   "expected 4 bytes of data");
    expect_refused(f64, sizeof(f64), -1, "file ends at byte 20",
                   "expected 16 bytes of data (2 x 1 values of type float64) "
                   "from byte 12 to byte 28");
    expect_refused(trail, sizeof(trail), -1, "2 trailing bytes",
                   "ends at byte 13");
    /* reading every item with a larger max_items checks the end too */
    expect_refused(trail, sizeof(trail), 9, "2 trailing bytes", NULL);
    memset(over, 0xff, sizeof(over));
    over[0] = over[1] = 0;
    over[2] = 8;
    over[3] = 8;
    expect_refused(over, sizeof(over), -1, "exceed the limit of 4294967296",
                   "(the sizes at bytes 4 to 35)");
    expect_refused(big, sizeof(big), -1, "65536 x 65537 values of type ubyte "
                   "(4295032832 bytes) exceed", "bytes 4 to 11");
    expect_refused(limit, sizeof(limit), -1, "file ends at byte 13",
                   "expected 4294967296 bytes");
    /* max_items stops before the cut and before the trailing bytes */
    {
        cpwl_idx_t I;
        cpwl_err_t e;
        cpwl_idx_init(I);
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_idx_read_buf(I, data, sizeof(data), "d", 3, e),
                         CPWL_OK);
        ck_assert_int_eq(I->dims[0], 3);
        ck_assert_int_eq(I->file_items, 5);
        for (i = 0; i < 3; i++)
            ck_assert(cpwl_idx_get_d(I, i) == i + 1);
        ck_assert_int_eq(cpwl_idx_read_buf(I, trail, sizeof(trail), "t", 5, e),
                         CPWL_ERR_INPUT);
        cpwl_err_clear(e);
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_idx_read_buf(I, trail, sizeof(trail), "t", 4, e),
                         CPWL_OK);
        ck_assert_int_eq(I->count, 4);
        cpwl_idx_clear(I);
        cpwl_err_clear(e);
    }
}
END_TEST

/* Refusals of the file reader: a missing file, a directory, a gzip file
   cut short or damaged. */
START_TEST(test_file_errors)
{
    uint64_t seed = test_seed(1802);
    test_rng r = { seed };
    cpwl_idx_t I;
    cpwl_err_t e;
    char path[128], cut[128];
    slong dims[1] = { 20000 }, k;
    unsigned char *b;
    size_t n;
    cpwl_idx_init(I);
    cpwl_err_init(e);

    tmp_path(path, sizeof(path), "missing.idx");
    ck_assert_int_eq(cpwl_idx_read_file(I, path, -1, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "cannot open") && strstr(e->msg, path), "%s", e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_idx_read_file(I, tmpdir, -1, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "directory") != NULL, "%s", e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);

    /* random bytes do not compress: the gzip file holds about 20000 */
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, 1, e), CPWL_OK);
    for (k = 0; k < dims[0]; k++)
        ((unsigned char *) I->data)[k] = (unsigned char) test_next(&r);
    tmp_path(path, sizeof(path), "full.idx.gz");
    ck_assert_int_eq(cpwl_idx_write_file(path, I, 1, e), CPWL_OK);
    b = read_bytes(path, &n);
    ck_assert_uint_gt(n, 10000);
    tmp_path(cut, sizeof(cut), "cut.idx.gz");
    write_bytes(cut, b, n / 2);
    ck_assert_int_eq(cpwl_idx_read_file(I, cut, -1, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "damaged gzip stream at uncompressed byte")
                  && strstr(e->msg, cut) && strstr(e->msg, "unexpected end"),
                  "%s", e->msg);
    ck_assert_int_eq(I->count, 0);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    /* the stream's CRC-32 (its last 8 bytes hold CRC and length) */
    b[n - 8] ^= 0x55;
    write_bytes(cut, b, n);
    ck_assert_int_eq(cpwl_idx_read_file(I, cut, -1, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "damaged gzip stream") && strstr(e->msg, "check"),
                  "%s", e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    /* but the first items are there: max_items reads them */
    b[n - 8] ^= 0x55;
    write_bytes(cut, b, n / 2);
    ck_assert_int_eq(cpwl_idx_read_file(I, cut, 100, e), CPWL_OK);
    ck_assert_int_eq(I->count, 100);
    free(b);

    /* writing where it cannot */
    ck_assert_int_eq(cpwl_idx_write_file("/nonexistent-dir/x.idx", I, 0, e),
                     CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "cannot write /nonexistent-dir/x.idx") != NULL,
                  "%s", e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    cpwl_idx_clear(I);
    ck_assert_int_eq(cpwl_idx_write_file(path, I, 0, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "empty") != NULL, "%s", e->msg);
    cpwl_err_clear(e);
}
END_TEST

/* max_items on a file: the first items equal those of the full read. */
START_TEST(test_max_items)
{
    uint64_t seed = test_seed(1803);
    test_rng r = { seed };
    cpwl_idx_t A, B;
    cpwl_err_t e;
    char path[128];
    slong dims[2] = { 10, 3 }, k, m;
    int gz;
    cpwl_idx_init(A);
    cpwl_idx_init(B);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_idx_set_shape(A, CPWL_IDX_INT16, dims, 2, e), CPWL_OK);
    for (k = 0; k < A->count; k++)
        ck_assert_int_eq(cpwl_idx_set_d(A, k, random_value(CPWL_IDX_INT16, &r), e),
                         CPWL_OK);
    for (gz = 0; gz < 2; gz++)
    {
        tmp_path(path, sizeof(path), gz ? "m.idx.gz" : "m.idx");
        ck_assert_int_eq(cpwl_idx_write_file(path, A, gz, e), CPWL_OK);
        for (m = 0; m <= 12; m++)
        {
            ck_assert_int_eq(cpwl_idx_read_file(B, path, m, e), CPWL_OK);
            ck_assert_int_eq(B->dims[0], FLINT_MIN(m, 10));
            ck_assert_int_eq(B->dims[1], 3);
            ck_assert_int_eq(B->file_items, 10);
            ck_assert_int_eq(B->count, 3 * FLINT_MIN(m, 10));
            for (k = 0; k < B->count; k++)
                ck_assert(cpwl_idx_get_d(B, k) == cpwl_idx_get_d(A, k));
        }
    }
    cpwl_idx_clear(A);
    cpwl_idx_clear(B);
    cpwl_err_clear(e);
}
END_TEST

/* set_d takes exactly the values of the type; set_shape checks shapes. */
START_TEST(test_set)
{
    static const struct { cpwl_idx_type t; double x; int ok; } cases[] = {
        { CPWL_IDX_UBYTE, 255, 1 }, { CPWL_IDX_UBYTE, 256, 0 },
        { CPWL_IDX_UBYTE, -1, 0 }, { CPWL_IDX_UBYTE, 1.5, 0 },
        { CPWL_IDX_UBYTE, NAN, 0 }, { CPWL_IDX_SBYTE, -128, 1 },
        { CPWL_IDX_SBYTE, 128, 0 }, { CPWL_IDX_INT16, -32769, 0 },
        { CPWL_IDX_INT32, 2147483647.0, 1 }, { CPWL_IDX_INT32, 2147483648.0, 0 },
        { CPWL_IDX_FLOAT32, 0.1, 0 }, { CPWL_IDX_FLOAT32, 0x1p-149, 1 },
        { CPWL_IDX_FLOAT32, 0x1p-150, 0 }, { CPWL_IDX_FLOAT32, 1e300, 0 },
        { CPWL_IDX_FLOAT32, INFINITY, 1 }, { CPWL_IDX_FLOAT32, NAN, 1 },
        { CPWL_IDX_FLOAT64, 0.1, 1 }
    };
    cpwl_idx_t I;
    cpwl_err_t e;
    slong dims[CPWL_IDX_MAX_DIMS + 1] = { 2, 2, 2, 2, 2, 2, 2, 2, 2 };
    size_t i;
    cpwl_idx_init(I);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_idx_set_shape(I, cases[i].t, dims, 1, e), CPWL_OK);
        ck_assert_int_eq(cpwl_idx_set_d(I, 1, cases[i].x, e),
                         cases[i].ok ? CPWL_OK : CPWL_ERR_INPUT);
        if (cases[i].ok)
            ck_assert(same_bits(cpwl_idx_get_d(I, 1), cases[i].x)
                      || (isnan(cases[i].x) && isnan(cpwl_idx_get_d(I, 1))));
        else
            ck_assert_msg(strstr(e->msg, "IDX value 1:") != NULL, "%s", e->msg);
        ck_assert(cpwl_idx_get_d(I, 0) == 0);
        ck_assert_int_eq(cpwl_idx_set_d(I, 2, 0, e), CPWL_ERR_INPUT);
        cpwl_err_clear(e);
    }
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, 8, e), CPWL_OK);
    ck_assert_int_eq(I->count, 256);
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, 9, e),
                     CPWL_ERR_INPUT);
    ck_assert_int_eq(I->ndims, 0);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, 0, e),
                     CPWL_ERR_INPUT);
    dims[0] = -1;
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, 1, e),
                     CPWL_ERR_INPUT);
    dims[0] = WORD(1) << 32;
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, 1, e),
                     CPWL_ERR_INPUT);
    dims[0] = WORD(1) << 31;
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_FLOAT32, dims, 1, e),
                     CPWL_ERR_INPUT);
    ck_assert_int_eq(cpwl_idx_set_shape(I, (cpwl_idx_type) 7, dims, 1, e),
                     CPWL_ERR_INPUT);
    /* an empty array (a size 0) is a shape like any other */
    dims[0] = 0;
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_FLOAT64, dims, 2, e), CPWL_OK);
    ck_assert_int_eq(I->count, 0);
    cpwl_err_clear(e);
    cpwl_idx_clear(I);
    /* the type table */
    for (i = 0; i < 6; i++)
    {
        cpwl_idx_type t;
        ck_assert(cpwl_idx_type_from_byte(&t, (int) all_types[i]));
        ck_assert_int_eq(t, all_types[i]);
    }
    ck_assert_uint_eq(cpwl_idx_type_size(CPWL_IDX_INT16), 2);
    ck_assert_uint_eq(cpwl_idx_type_size(CPWL_IDX_FLOAT64), 8);
    ck_assert_str_eq(cpwl_idx_type_name(CPWL_IDX_FLOAT32), "float32");
    {
        cpwl_idx_type t;
        ck_assert(!cpwl_idx_type_from_byte(&t, 0x0A));
    }
}
END_TEST

static Suite *idx_suite(void)
{
    Suite *s = suite_create("idx");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_bytes);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_file_errors);
    tcase_add_test(tc, test_max_items);
    tcase_add_test(tc, test_set);
    suite_add_tcase(s, tc);
    return s;
}

/* The temporary directory is made before the tests fork (Check runs
   each in its own process) and removed after them. */
int main(void)
{
    static const char *names[] = { "rt.idx", "rt.idx.gz", "i16.idx", "s8.idx",
        "full.idx.gz", "cut.idx.gz", "m.idx", "m.idx.gz" };
    char path[128];
    size_t i;
    int r;
    strcpy(tmpdir, "/tmp/cpwl-test-idx.XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
    {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    r = test_run(idx_suite());
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    if (rmdir(tmpdir) != 0)
        perror(tmpdir);
    return r;
}
