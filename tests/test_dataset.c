/* Module dataset: Debian's Fashion-MNIST against facts read elsewhere,
   the double/float/exact views against exact rationals, selections, and
   refused inputs (files written by the test). */
#include <math.h>
#include <unistd.h>
#include "testutil.h"
#include "cpwl/dataset.h"
#include "cpwl/idx.h"
#include "cpwl/ieee.h"

static char tmpdir[64];

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

/* 1 when Debian's Fashion-MNIST is installed; else a visible skip. */
static int have_fashion(const char *what)
{
    if (access(CPWL_DATASET_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz",
               R_OK) == 0
        && access(CPWL_DATASET_FASHION_MNIST_DIR "/t10k-labels-idx1-ubyte.gz",
                  R_OK) == 0)
        return 1;
    printf("SKIP %s: Fashion-MNIST is not installed at %s (Debian package "
           "dataset-fashion-mnist)\n", what, CPWL_DATASET_FASHION_MNIST_DIR);
    return 0;
}

static slong pixel_sum(const cpwl_dataset_t D, slong i)
{
    slong j, s = 0;
    for (j = 0; j < D->d; j++)
        s += D->pixels[i * D->d + j];
    return s;
}

/* The sizes and class counts are those of the data set's README
   (/usr/share/doc/dataset-fashion-mnist/README.md.gz: 60,000 training
   and 10,000 test examples, 28x28, 10 classes) and, per class, of
   counting the label files with python3's gzip module (6000 and 1000
   each).  The first training label, 9 (Ankle boot), and the pixel sums
   of the first images, 76247 (train) and 33456 (test), were read the
   same way:
     python3 -c "import gzip; d = gzip.open('.../train-labels-idx1-ubyte.gz')
                 .read(); print(d[8])"
   and sum(gzip.open('.../train-images-idx3-ubyte.gz').read()[16:800]). */
START_TEST(test_fashion_train)
{
    cpwl_dataset_t D;
    cpwl_err_t e;
    slong counts[10], c;
    if (!have_fashion("test_fashion_train"))
        return;
    cpwl_dataset_init(D);
    cpwl_err_init(e);
    ck_assert_msg(cpwl_dataset_fashion_mnist(D, NULL, "train", -1, e) == CPWL_OK,
                  "%s", e->msg);
    ck_assert_int_eq(D->n, 60000);
    ck_assert_int_eq(D->rows, 28);
    ck_assert_int_eq(D->cols, 28);
    ck_assert_int_eq(D->d, 784);
    ck_assert_int_eq(D->nclasses, 10);
    ck_assert_int_eq(D->labels[0], 9);
    ck_assert_str_eq(cpwl_dataset_fashion_mnist_class_name(D->labels[0]),
                     "Ankle boot");
    ck_assert_int_eq(pixel_sum(D, 0), 76247);
    cpwl_dataset_class_counts(counts, D);
    for (c = 0; c < 10; c++)
        ck_assert_int_eq(counts[c], 6000);
    cpwl_dataset_clear(D);
    cpwl_err_clear(e);
}
END_TEST

/* The test set, and max_items 500 against the full read. */
START_TEST(test_fashion_test)
{
    cpwl_dataset_t D, H;
    cpwl_err_t e;
    slong counts[10], c;
    if (!have_fashion("test_fashion_test"))
        return;
    cpwl_dataset_init(D);
    cpwl_dataset_init(H);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dataset_fashion_mnist(D, NULL, "test", -1, e), CPWL_OK);
    ck_assert_int_eq(D->n, 10000);
    ck_assert_int_eq(D->d, 784);
    ck_assert_int_eq(pixel_sum(D, 0), 33456);
    cpwl_dataset_class_counts(counts, D);
    for (c = 0; c < 10; c++)
        ck_assert_int_eq(counts[c], 1000);
    ck_assert_int_eq(cpwl_dataset_fashion_mnist(H, NULL, "test", 500, e), CPWL_OK);
    ck_assert_int_eq(H->n, 500);
    ck_assert_int_eq(H->d, 784);
    ck_assert_int_eq(H->nclasses, 10);
    ck_assert(memcmp(H->pixels, D->pixels, 500 * 784) == 0);
    ck_assert(memcmp(H->labels, D->labels, 500 * sizeof(int)) == 0);
    /* head gives the same */
    cpwl_dataset_head(D, 500);
    ck_assert_int_eq(D->n, 500);
    ck_assert(memcmp(H->pixels, D->pixels, 500 * 784) == 0);
    /* a split that is neither */
    ck_assert_int_eq(cpwl_dataset_fashion_mnist(H, NULL, "t10k", 5, e),
                     CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "\"train\" or \"test\"") != NULL, "%s", e->msg);
    ck_assert_int_eq(H->n, 0);
    cpwl_dataset_clear(D);
    cpwl_dataset_clear(H);
    cpwl_err_clear(e);
}
END_TEST

/* Nearest in the format, checked in exact rationals: |x - q| is at most
   the distance of q to both neighbours of x. */
static void check_nearest(double x, double below, double above, slong p)
{
    fmpq_t q, t, dx, dn;
    fmpq_init(q);
    fmpq_init(t);
    fmpq_init(dx);
    fmpq_init(dn);
    fmpq_set_si(q, p, 255);
    cpwl_ieee_get_fmpq(t, x);
    fmpq_sub(dx, t, q);
    fmpq_abs(dx, dx);
    cpwl_ieee_get_fmpq(t, below);
    fmpq_sub(dn, t, q);
    fmpq_abs(dn, dn);
    ck_assert_msg(fmpq_cmp(dx, dn) <= 0, "%ld/255: %a is not nearest", (long) p, x);
    /* a tie would need q at a midpoint: q = p/255 has an odd denominator
       (or is an integer), midpoints have power-of-two ones */
    ck_assert(fmpq_cmp(dx, dn) < 0 || p == 0);
    cpwl_ieee_get_fmpq(t, above);
    fmpq_sub(dn, t, q);
    fmpq_abs(dn, dn);
    ck_assert_msg(fmpq_cmp(dx, dn) < 0, "%ld/255: %a is not nearest", (long) p, x);
    fmpq_clear(q);
    fmpq_clear(t);
    fmpq_clear(dx);
    fmpq_clear(dn);
}

/* Every pixel value 0..255 in double and float is p/255 rounded to
   nearest: against exact rationals and against module ieee's rounding of
   the rational. */
START_TEST(test_views)
{
    unsigned char pix[256 * 2];
    int lab[2] = { 1, 0 };
    double X[512];
    float F[512];
    int y[2];
    slong idx[2] = { 1, 0 }, p;
    cpwl_dataset_t D;
    cpwl_erm_data_t data;
    cpwl_err_t e;
    fmpq_t q;
    for (p = 0; p < 256; p++)
    {
        pix[p] = (unsigned char) p;
        pix[256 + p] = (unsigned char) (255 - p);
    }
    cpwl_dataset_init(D);
    cpwl_erm_data_init(data);
    cpwl_err_init(e);
    fmpq_init(q);
    ck_assert_int_eq(cpwl_dataset_set(D, pix, lab, 2, 256, 2, e), CPWL_OK);
    cpwl_dataset_get_d(X, D);
    cpwl_dataset_get_f(F, D);
    for (p = 0; p < 256; p++)
    {
        fmpq_set_si(q, p, 255);
        check_nearest(X[p], nextafter(X[p], -1), nextafter(X[p], 2), p);
        check_nearest(F[p], nextafterf(F[p], -1), nextafterf(F[p], 2), p);
        ck_assert(X[p] == cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY64));
        ck_assert((double) F[p] == cpwl_ieee_round_fmpq(q, CPWL_IEEE_BINARY32));
        ck_assert(X[256 + p] == X[255 - p]);
        ck_assert(F[256 + p] == F[255 - p]);
    }
    ck_assert(X[0] == 0 && X[255] == 1 && F[255] == 1);
    /* rows by index, with labels */
    cpwl_dataset_get_rows_d(X, y, D, idx, 2);
    ck_assert(X[0] == 1 && X[256] == 0);
    ck_assert_int_eq(y[0], 0);
    ck_assert_int_eq(y[1], 1);
    cpwl_dataset_get_rows_f(F, y, D, NULL, 1);
    ck_assert(F[0] == 0 && F[255] == 1);
    ck_assert_int_eq(y[0], 1);
    /* the exact data: p/255 and the label as the last column */
    ck_assert_int_eq(cpwl_dataset_get_erm_data(data, D, e), CPWL_OK);
    ck_assert_int_eq(data->D, 2);
    ck_assert_int_eq(data->n, 256);
    for (p = 0; p < 256; p++)
    {
        fmpq_set_si(q, p, 255);
        ck_assert(fmpq_equal(data->X + p, q));
        fmpq_set_si(q, 255 - p, 255);
        ck_assert(fmpq_equal(data->X + 256 + p, q));
    }
    ck_assert(fmpz_equal_si(fmpq_numref(data->y), 1)
              && fmpz_is_one(fmpq_denref(data->y)));
    ck_assert(fmpq_is_zero(data->y + 1));
    cpwl_erm_data_clear(data);
    cpwl_erm_data_init(data);
    /* too many coordinates: refused before anything is touched */
    {
        cpwl_dataset_struct big = *D;
        big.n = 1 + CPWL_DATASET_MAX_ERM_ENTRIES / 256;
        ck_assert_int_eq(cpwl_dataset_get_erm_data(data, &big, e), CPWL_ERR_INPUT);
        ck_assert_msg(strstr(e->msg, "take fewer points") != NULL, "%s", e->msg);
        ck_assert_int_eq(data->D, 0);
    }
    fmpq_clear(q);
    cpwl_erm_data_clear(data);
    cpwl_dataset_clear(D);
    cpwl_err_clear(e);
}
END_TEST

/* select_classes keeps the order and relabels; checked against a
   filter written here. */
START_TEST(test_select)
{
    uint64_t seed = test_seed(1804);
    test_rng r = { seed };
    enum { N = 300, DIM = 5 };
    unsigned char pix[N * DIM];
    int lab[N], cls[3] = { 7, 2, 4 }, bad[2] = { 3, 3 };
    slong i, j, m = 0, counts[3], want[3] = { 0, 0, 0 };
    cpwl_dataset_t D;
    cpwl_err_t e;
    for (i = 0; i < N; i++)
    {
        lab[i] = (int) test_range(&r, 0, 9);
        for (j = 0; j < DIM; j++)
            pix[i * DIM + j] = (unsigned char) test_next(&r);
    }
    cpwl_dataset_init(D);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dataset_set(D, pix, lab, N, DIM, 10, e), CPWL_OK);
    ck_assert_int_eq(cpwl_dataset_select_classes(D, cls, 3, e), CPWL_OK);
    ck_assert_int_eq(D->nclasses, 3);
    for (i = 0; i < N; i++)
        for (j = 0; j < 3; j++)
            if (lab[i] == cls[j])
            {
                ck_assert_msg(m < D->n, "seed %llu", (unsigned long long) seed);
                ck_assert_int_eq(D->labels[m], j);
                ck_assert(memcmp(D->pixels + m * DIM, pix + i * DIM, DIM) == 0);
                want[j]++;
                m++;
            }
    ck_assert_int_eq(D->n, m);
    cpwl_dataset_class_counts(counts, D);
    for (j = 0; j < 3; j++)
        ck_assert_int_eq(counts[j], want[j]);
    /* refusals leave D as it is */
    ck_assert_int_eq(cpwl_dataset_select_classes(D, bad, 2, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "out of") || strstr(e->msg, "not one of"), "%s",
                  e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    bad[0] = bad[1] = 1;
    ck_assert_int_eq(cpwl_dataset_select_classes(D, bad, 2, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "class 1 is selected twice") != NULL, "%s", e->msg);
    ck_assert_int_eq(cpwl_dataset_select_classes(D, bad, 0, e), CPWL_ERR_INPUT);
    ck_assert_int_eq(D->n, m);
    ck_assert_int_eq(D->nclasses, 3);
    /* head */
    cpwl_dataset_head(D, m + 5);
    ck_assert_int_eq(D->n, m);
    cpwl_dataset_head(D, 4);
    ck_assert_int_eq(D->n, 4);
    cpwl_dataset_head(D, -1);
    ck_assert_int_eq(D->n, 0);
    cpwl_dataset_clear(D);
    cpwl_err_clear(e);
    /* set refuses a label out of range */
    cpwl_err_init(e);
    lab[3] = 10;
    ck_assert_int_eq(cpwl_dataset_set(D, pix, lab, N, DIM, 10, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "point 4: the label 10") != NULL, "%s", e->msg);
    cpwl_err_clear(e);
    ck_assert_str_eq(cpwl_dataset_fashion_mnist_class_name(0), "T-shirt/top");
    ck_assert_ptr_null(cpwl_dataset_fashion_mnist_class_name(10));
}
END_TEST

/* Write an IDX file of ubytes with the given shape, values v(k) = k mod
   251 (images) or labels[k]. */
static void write_ubyte(const char *path, const slong *dims, int nd,
                        const int *labels, int gz)
{
    cpwl_idx_t I;
    cpwl_err_t e;
    slong k;
    cpwl_idx_init(I);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, nd, e), CPWL_OK);
    for (k = 0; k < I->count; k++)
        ((unsigned char *) I->data)[k] =
            (unsigned char) (labels != NULL ? labels[k] : k % 251);
    ck_assert_int_eq(cpwl_idx_write_file(path, I, gz, e), CPWL_OK);
    cpwl_idx_clear(I);
    cpwl_err_clear(e);
}

/* Files written here: read back, mismatched counts, wrong types, the
   Fashion-MNIST reader on a directory of its own. */
START_TEST(test_files)
{
    slong d3[3] = { 5, 2, 3 }, d2[2] = { 5, 6 }, d1[1] = { 5 }, d4[1] = { 4 };
    int lab[5] = { 3, 0, 1, 3, 2 }, bad[5] = { 3, 0, 12, 3, 2 };
    char im[128], lb[128], lb4[128], msg[CPWL_ERR_MSG_LEN];
    cpwl_dataset_t D;
    cpwl_err_t e;
    slong k;
    cpwl_dataset_init(D);
    cpwl_err_init(e);
    tmp_path(im, sizeof(im), "im.idx.gz");
    tmp_path(lb, sizeof(lb), "lb.idx");
    tmp_path(lb4, sizeof(lb4), "lb4.idx");
    write_ubyte(im, d3, 3, NULL, 1);
    write_ubyte(lb, d1, 1, lab, 0);
    write_ubyte(lb4, d4, 1, lab, 0);
    ck_assert_msg(cpwl_dataset_read_idx(D, im, lb, -1, e) == CPWL_OK, "%s", e->msg);
    ck_assert_int_eq(D->n, 5);
    ck_assert_int_eq(D->rows, 2);
    ck_assert_int_eq(D->cols, 3);
    ck_assert_int_eq(D->d, 6);
    ck_assert_int_eq(D->nclasses, 4);
    for (k = 0; k < 30; k++)
        ck_assert_int_eq(D->pixels[k], k % 251);
    ck_assert(memcmp(D->labels, lab, sizeof(lab)) == 0);

    /* written back and read again: the same data set, also as a 2-D file */
    {
        cpwl_dataset_t W;
        char wi[128], wl[128];
        int gz;
        cpwl_dataset_init(W);
        tmp_path(wi, sizeof(wi), "w-images");
        tmp_path(wl, sizeof(wl), "w-labels");
        for (gz = 0; gz < 2; gz++)
        {
            ck_assert_int_eq(cpwl_dataset_write_idx(wi, wl, D, gz, e), CPWL_OK);
            ck_assert_msg(cpwl_dataset_read_idx(W, wi, wl, -1, e) == CPWL_OK, "%s",
                          e->msg);
            ck_assert_int_eq(W->n, 5);
            ck_assert_int_eq(W->rows, D->rows);
            ck_assert_int_eq(W->cols, D->cols);
            ck_assert_int_eq(W->nclasses, D->nclasses);
            ck_assert(memcmp(W->pixels, D->pixels, 30) == 0);
            ck_assert(memcmp(W->labels, D->labels, sizeof(lab)) == 0);
            D->rows = 1;        /* the second time as 5 x 6 */
            D->cols = 6;
        }
        ck_assert_int_eq(cpwl_dataset_write_idx("/nonexistent-dir/i", wl, D, 0, e),
                         CPWL_ERR_INPUT);
        ck_assert_msg(strstr(e->msg, "cannot write /nonexistent-dir/i") != NULL,
                      "%s", e->msg);
        cpwl_err_clear(e);
        cpwl_err_init(e);
        cpwl_dataset_clear(W);
    }

    /* one label short: refused naming both files, with max_items too */
    for (k = -1; k <= 3; k += 4)
    {
        ck_assert_int_eq(cpwl_dataset_read_idx(D, im, lb4, k, e), CPWL_ERR_INPUT);
        snprintf(msg, sizeof(msg), "the images file %s has 5 points but the "
                 "labels file %s has 4 labels", im, lb4);
        ck_assert_msg(strstr(e->msg, msg) != NULL, "%s", e->msg);
        ck_assert_int_eq(D->n, 0);
        ck_assert_ptr_null(D->pixels);
        cpwl_err_clear(e);
        cpwl_err_init(e);
    }
    /* labels as images, images as labels: wrong shapes */
    ck_assert_int_eq(cpwl_dataset_read_idx(D, lb, im, -1, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "images must be of type ubyte") != NULL, "%s",
                  e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dataset_read_idx(D, im, im, -1, e), CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "labels must be of type ubyte") != NULL, "%s",
                  e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    /* no images of 2^32 - 1 squared pixels: rows x columns overflows */
    {
        slong z3[3] = { 0, 4294967295, 4294967295 }, z1[1] = { 0 };
        write_ubyte(im, z3, 3, NULL, 0);
        write_ubyte(lb, z1, 1, lab, 0);
        ck_assert_int_eq(cpwl_dataset_read_idx(D, im, lb, -1, e),
                         CPWL_ERR_INPUT);
        ck_assert_msg(strstr(e->msg, "images of 4294967295 x 4294967295 "
                             "pixels are too large") != NULL, "%s", e->msg);
        cpwl_err_clear(e);
        cpwl_err_init(e);
    }

    /* Fashion-MNIST's names, uncompressed, in a directory of the test */
    tmp_path(im, sizeof(im), "t10k-images-idx3-ubyte");
    tmp_path(lb, sizeof(lb), "t10k-labels-idx1-ubyte");
    write_ubyte(im, d2, 2, NULL, 0);
    write_ubyte(lb, d1, 1, lab, 0);
    ck_assert_msg(cpwl_dataset_fashion_mnist(D, tmpdir, "test", -1, e) == CPWL_OK,
                  "%s", e->msg);
    ck_assert_int_eq(D->n, 5);
    ck_assert_int_eq(D->d, 6);
    ck_assert_int_eq(D->rows, 1);
    ck_assert_int_eq(D->nclasses, 10);
    write_ubyte(lb, d1, 1, bad, 0);
    ck_assert_int_eq(cpwl_dataset_fashion_mnist(D, tmpdir, "test", -1, e),
                     CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "the label 12 of point 3 is not a Fashion-MNIST "
                         "class") != NULL, "%s", e->msg);
    cpwl_err_clear(e);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_dataset_fashion_mnist(D, tmpdir, "train", -1, e),
                     CPWL_ERR_INPUT);
    snprintf(msg, sizeof(msg), "Fashion-MNIST not found at %s: install the "
             "Debian package dataset-fashion-mnist", tmpdir);
    ck_assert_msg(strstr(e->msg, msg) == e->msg, "%s", e->msg);
    cpwl_dataset_clear(D);
    cpwl_err_clear(e);
}
END_TEST

static Suite *dataset_suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fashion_train);
    tcase_add_test(tc, test_fashion_test);
    tcase_add_test(tc, test_views);
    tcase_add_test(tc, test_select);
    tcase_add_test(tc, test_files);
    suite_add_tcase(s, tc);
    return s;
}

/* The temporary directory is made before the tests fork (Check runs
   each in its own process) and removed after them. */
int main(void)
{
    static const char *names[] = { "im.idx.gz", "lb.idx", "lb4.idx",
        "w-images", "w-labels",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };
    char path[128];
    size_t i;
    int r;
    strcpy(tmpdir, "/tmp/cpwl-test-dataset.XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
    {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    r = test_run(dataset_suite());
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    {
        tmp_path(path, sizeof(path), names[i]);
        unlink(path);
    }
    if (rmdir(tmpdir) != 0)
        perror(tmpdir);
    return r;
}
