/* Tests of the float-trap warning of the network reader (src/io.c): a
   file of float32 weights printed as Python's json.dumps prints them
   warns once, naming both "numbers" values; hand-written rationals and
   hex floats never warn; with "numbers": "binary32" the same text gives
   exactly the float32 values (decoded here from the floats themselves).
   (test_io.c, past 1,000 lines, holds the rest of the reader's tests.) */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "testutil.h"

#define SEED 20261207

/* Python's repr of a double: the fewest significant digits (up to 17)
   that read back as x. */
static void py_repr(char *buf, size_t size, double x)
{
    int k;
    for (k = 1; k <= 17; k++)
    {
        snprintf(buf, size, "%.*g", k, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* A random float32 of moderate size, as torch.randn would give. */
static float random_float(test_rng *r)
{
    uint32_t bits = (uint32_t) test_next(r);
    float f;
    /* sign, exponent in [2^-8, 2^2), random 23-bit mantissa */
    bits = (bits & 0x807fffffu) | ((uint32_t) test_range(r, 119, 128) << 23);
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* The JSON text of a 2-layer net with float weights v (rows x cols then
   rows biases), numbers key `numbers` (NULL: none), as json.dumps of
   w.tolist() writes it. */
static char *float_net(const float *v, slong rows, slong cols,
                       const char *numbers)
{
    size_t cap = 64 + 32 * (rows * (cols + 2)) + 256, n = 0;
    char *s = flint_malloc(cap), num[40];
    slong i, j;
    n += snprintf(s + n, cap - n, "{\"format\": \"cpwl-net\", \"version\": 1, ");
    if (numbers)
        n += snprintf(s + n, cap - n, "\"numbers\": \"%s\", ", numbers);
    n += snprintf(s + n, cap - n, "\"input_dim\": %ld, \"layers\": "
                  "[{\"activation\": \"relu\", \"weights\": [", (long) cols);
    for (i = 0; i < rows; i++)
    {
        n += snprintf(s + n, cap - n, "%s[", i ? ", " : "");
        for (j = 0; j < cols; j++)
        {
            py_repr(num, sizeof num, (double) v[i * cols + j]);
            n += snprintf(s + n, cap - n, "%s%s", j ? ", " : "", num);
        }
        n += snprintf(s + n, cap - n, "]");
    }
    n += snprintf(s + n, cap - n, "], \"bias\": [");
    for (i = 0; i < rows; i++)
    {
        py_repr(num, sizeof num, (double) v[rows * cols + i]);
        n += snprintf(s + n, cap - n, "%s%s", i ? ", " : "", num);
    }
    n += snprintf(s + n, cap - n, "]}, {\"activation\": \"identity\", "
                  "\"weights\": [[");
    for (i = 0; i < rows; i++)
        n += snprintf(s + n, cap - n, "%s1", i ? ", " : "");
    snprintf(s + n, cap - n, "]], \"bias\": [0]}]}");
    return s;
}

static void read_warn(cpwl_net_t net, cpwl_io_warn_t w, const char *text)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    ck_assert_msg(cpwl_io_net_read_str_warn(net, w, text, strlen(text), "f.json",
                                            e) == CPWL_OK, "%s\n%s", e->msg, text);
}

START_TEST(test_float32_dumps_warn)
{
    test_rng r = {test_seed(SEED)};
    slong it, iters = test_iters(30);
    for (it = 0; it < iters; it++)
    {
        slong rows = test_range(&r, 1, 6), cols = test_range(&r, 1, 4);
        slong nv = rows * (cols + 1), i;
        float *v = flint_malloc(nv * sizeof(float));
        char *text;
        cpwl_net_t net;
        cpwl_io_warn_t w;
        for (i = 0; i < nv; i++)
            v[i] = random_float(&r);
        cpwl_net_init(net, 0);

        /* Exact reading: the decimals as written, one warning. */
        text = float_net(v, rows, cols, NULL);
        read_warn(net, w, text);
        ck_assert_msg(w->float_traps >= 1, "no warning for\n%s", text);
        ck_assert_ptr_nonnull(strstr(w->msg, "\"numbers\": \"binary64\""));
        ck_assert_ptr_nonnull(strstr(w->msg, "\"binary32\""));
        ck_assert_ptr_nonnull(strstr(w->msg, "f.json:1:"));
        ck_assert_ptr_null(strstr(w->msg, "--"));  /* names no option */
        ck_assert_ptr_null(strchr(w->msg, '\n'));  /* one line */
        flint_free(text);

        /* "binary32": exactly the floats, and no warning. */
        text = float_net(v, rows, cols, "binary32");
        read_warn(net, w, text);
        ck_assert_int_eq(w->float_traps, 0);
        ck_assert_str_eq(w->msg, "");
        for (i = 0; i < nv; i++)
        {
            const fmpq *got = i < rows * cols
                ? fmpq_mat_entry(net->layers[0].W, i / cols, i % cols)
                : net->layers[0].b + (i - rows * cols);
            fmpq_t want;
            fmpq_init(want);
            test_fmpq_of_d(want, (double) v[i]);
            ck_assert_msg(fmpq_equal(got, want), "entry %ld of\n%s",
                          (long) i, text);
            fmpq_clear(want);
        }
        flint_free(text);

        /* "binary64" takes the printed doubles, which are the floats. */
        text = float_net(v, rows, cols, "binary64");
        read_warn(net, w, text);
        ck_assert_int_eq(w->float_traps, 0);
        {
            fmpq_t want;
            fmpq_init(want);
            test_fmpq_of_d(want, (double) v[0]);
            ck_assert(fmpq_equal(fmpq_mat_entry(net->layers[0].W, 0, 0),
                                 want));
            fmpq_clear(want);
        }
        flint_free(text);
        cpwl_net_clear(net);
        flint_free(v);
    }
}
END_TEST

/* One literal per case, in a 1-input net; whether it warns. */
static int warns(const char *lit)
{
    char text[512];
    cpwl_net_t net;
    cpwl_io_warn_t w;
    int out;
    snprintf(text, sizeof text, "{\"format\": \"cpwl-net\", \"version\": 1, "
             "\"input_dim\": 1, \"layers\": [{\"activation\": \"relu\", "
             "\"weights\": [[%s], [\"1/3\"]], \"bias\": [0.5, \"0.1\"]}, "
             "{\"activation\": \"identity\", \"weights\": [[1, -2]], "
             "\"bias\": [0]}]}", lit);
    cpwl_net_init(net, 0);
    read_warn(net, w, text);
    out = w->float_traps > 0;
    ck_assert_int_eq(out, w->msg[0] != '\0');
    cpwl_net_clear(net);
    return out;
}

START_TEST(test_what_warns)
{
    /* Hand-written numbers: never. */
    ck_assert(!warns("0.1"));
    ck_assert(!warns("\"1/3\""));
    ck_assert(!warns("0.5"));
    ck_assert(!warns("-2"));
    ck_assert(!warns("1e-3"));
    ck_assert(!warns("\"0x1.999999999999ap-4\""));   /* float.hex(0.1) */
    ck_assert(!warns("\"0x1.99999ap-4\""));
    ck_assert(!warns("0.12345678"));                 /* 8 digits */
    ck_assert(!warns("100000000000000000000"));      /* one digit */
    ck_assert(!warns("0.0000000000000000000001"));
    ck_assert(!warns("\"12345678901234567/3\""));    /* a fraction */
    /* Printed floats: repr of doubles, of float32 values, %.17g. */
    ck_assert(warns("0.1000000000000000055511151231257827"));
    ck_assert(warns("0.10000000149011612"));         /* (double) 0.1f */
    ck_assert(warns("\"0.30000000000000004\""));     /* 0.1 + 0.2 */
    ck_assert(warns("-1.2881847620010376"));
    ck_assert(warns("0.123456791"));                 /* 9 digits */
    ck_assert(warns("2.718281828e-05"));             /* 10 digits */
    /* A "numbers" key silences it: the author has said what they mean. */
    {
        const char *t = "{\"format\": \"cpwl-net\", \"version\": 1, "
            "\"numbers\": \"exact\", \"input_dim\": 1, \"layers\": "
            "[{\"activation\": \"identity\", \"weights\": "
            "[[0.10000000149011612]], \"bias\": [0]}]}";
        cpwl_net_t net;
        cpwl_io_warn_t w;
        cpwl_net_init(net, 0);
        read_warn(net, w, t);
        ck_assert_int_eq(w->float_traps, 0);
        cpwl_net_clear(net);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io_floats");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_float32_dumps_warn);
    tcase_add_test(tc, test_what_warns);
    suite_add_tcase(s, tc);
    return test_run(s);
}
