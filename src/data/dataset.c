/* Labelled data sets of 8-bit pixels standing for p / 255 (see
   cpwl/dataset.h): reading from IDX files, selecting, and the double,
   float and exact views. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flint/fmpq.h>
#include "cpwl/dataset.h"
#include "cpwl/idx.h"

void cpwl_dataset_init(cpwl_dataset_t D)
{
    memset(D, 0, sizeof(cpwl_dataset_struct));
}

void cpwl_dataset_clear(cpwl_dataset_t D)
{
    free(D->pixels);
    free(D->labels);
    cpwl_dataset_init(D);
}

static int check_labels(const int *labels, slong n, slong nclasses,
                        cpwl_err_t e)
{
    slong i;
    for (i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= nclasses)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "point %ld: the label %d "
                                "is not a class (0 to %ld)", (long) i + 1,
                                labels[i], (long) nclasses - 1);
    return CPWL_OK;
}

int cpwl_dataset_set(cpwl_dataset_t D, const unsigned char *pixels,
                     const int *labels, slong n, slong d, slong nclasses,
                     cpwl_err_t e)
{
    unsigned char *p = NULL;
    int *y = NULL;
    if (n < 0 || d < 1 || nclasses < 1 || nclasses > 256)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "a data set needs n >= 0 "
                            "points, dimension d >= 1 and 1 to 256 classes, "
                            "got n = %ld, d = %ld, %ld classes", (long) n,
                            (long) d, (long) nclasses);
    if (n > 0 && d > WORD_MAX / n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "a data set of %ld points of "
                            "dimension %ld is too large", (long) n, (long) d);
    if (check_labels(labels, n, nclasses, e) != CPWL_OK)
        return CPWL_ERR_INPUT;
    if (n > 0)
    {
        p = malloc((size_t) (n * d));
        y = malloc(sizeof(int) * (size_t) n);
        if (p == NULL || y == NULL)
        {
            free(p);
            free(y);
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "out of memory for a "
                                "data set of %ld points", (long) n);
        }
        memcpy(p, pixels, (size_t) (n * d));
        memcpy(y, labels, sizeof(int) * (size_t) n);
    }
    cpwl_dataset_clear(D);
    D->n = n;
    D->d = d;
    D->rows = 1;
    D->cols = d;
    D->nclasses = nclasses;
    D->pixels = p;
    D->labels = y;
    return CPWL_OK;
}

int cpwl_dataset_read_idx(cpwl_dataset_t D, const char *images_path,
                          const char *labels_path, slong max_items,
                          cpwl_err_t e)
{
    cpwl_idx_t im, lb;
    const unsigned char *l;
    slong i, n, maxl = -1;
    int r = CPWL_ERR_INPUT;

    cpwl_dataset_clear(D);
    cpwl_idx_init(im);
    cpwl_idx_init(lb);
    if (cpwl_idx_read_file(im, images_path, max_items, e) != CPWL_OK)
        goto out;
    if (im->type != CPWL_IDX_UBYTE || im->ndims < 2 || im->ndims > 3)
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s: images must be of type ubyte "
                     "(0x08) with 3 dimensions (points x rows x columns) or "
                     "2 (points x coordinates), got type %s with %d",
                     images_path, cpwl_idx_type_name(im->type), im->ndims);
        goto out;
    }
    if (im->dims[1] == 0 || (im->ndims == 3 && im->dims[2] == 0))
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s: the images have no pixels "
                     "(a size is 0)", images_path);
        goto out;
    }
    /* With 0 images the reader's size limit does not bound rows x
       columns, whose product would overflow. */
    if (im->ndims == 3 && im->dims[1] > WORD_MAX / im->dims[2])
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s: images of %ld x %ld pixels "
                     "are too large", images_path, (long) im->dims[1],
                     (long) im->dims[2]);
        goto out;
    }
    if (cpwl_idx_read_file(lb, labels_path, max_items, e) != CPWL_OK)
        goto out;
    if (lb->type != CPWL_IDX_UBYTE || lb->ndims != 1)
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s: labels must be of type ubyte "
                     "(0x08) with 1 dimension, got type %s with %d",
                     labels_path, cpwl_idx_type_name(lb->type), lb->ndims);
        goto out;
    }
    /* Compare the headers' counts, so that a mismatch shows even when
       max_items cuts both files to the same length. */
    if (im->file_items != lb->file_items)
    {
        cpwl_err_set(e, CPWL_ERR_INPUT, "the images file %s has %ld points "
                     "but the labels file %s has %ld labels: they must have "
                     "one label per image", images_path, (long) im->file_items,
                     labels_path, (long) lb->file_items);
        goto out;
    }
    n = im->dims[0];
    D->labels = malloc(sizeof(int) * (size_t) FLINT_MAX(n, 1));
    if (D->labels == NULL)
    {
        r = cpwl_err_set(e, CPWL_ERR_INTERNAL, "out of memory for %ld "
                         "labels", (long) n);
        goto out;
    }
    l = (const unsigned char *) lb->data;
    for (i = 0; i < n; i++)
    {
        D->labels[i] = l[i];
        maxl = FLINT_MAX(maxl, (slong) l[i]);
    }
    D->n = n;
    D->rows = im->ndims == 3 ? im->dims[1] : 1;
    D->cols = im->ndims == 3 ? im->dims[2] : im->dims[1];
    D->d = D->rows * D->cols;
    D->nclasses = maxl + 1;
    /* The pixels are the IDX array's bytes: take them over. */
    D->pixels = (unsigned char *) im->data;
    im->data = NULL;
    r = CPWL_OK;
out:
    if (r != CPWL_OK)
        cpwl_dataset_clear(D);
    cpwl_idx_clear(im);
    cpwl_idx_clear(lb);
    return r;
}

int cpwl_dataset_write_idx(const char *images_path, const char *labels_path,
                           const cpwl_dataset_t D, int gzip, cpwl_err_t e)
{
    cpwl_idx_t I;
    slong dims[3], i;
    int r;
    if (D->d < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot write %s: the data "
                            "set has no coordinates", images_path);
    cpwl_idx_init(I);
    dims[0] = D->n;
    dims[1] = D->rows > 1 ? D->rows : D->d;
    dims[2] = D->cols;
    r = cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, D->rows > 1 ? 3 : 2, e);
    if (r == CPWL_OK && D->n > 0)
        memcpy(I->data, D->pixels, (size_t) (D->n * D->d));
    if (r == CPWL_OK)
        r = cpwl_idx_write_file(images_path, I, gzip, e);
    if (r == CPWL_OK)
        r = cpwl_idx_set_shape(I, CPWL_IDX_UBYTE, dims, 1, e);
    for (i = 0; r == CPWL_OK && i < D->n; i++)
        ((unsigned char *) I->data)[i] = (unsigned char) D->labels[i];
    if (r == CPWL_OK)
        r = cpwl_idx_write_file(labels_path, I, gzip, e);
    cpwl_idx_clear(I);
    return r;
}

/* dir/name, or with ".gz" cut when only the uncompressed file exists;
   0 when neither exists. */
static int find_file(char *buf, size_t size, const char *dir,
                     const char *name)
{
    size_t len;
    snprintf(buf, size, "%s/%s", dir, name);
    if (access(buf, F_OK) == 0)
        return 1;
    len = strlen(buf);
    if (len > 3 && strcmp(buf + len - 3, ".gz") == 0)
    {
        buf[len - 3] = '\0';
        if (access(buf, F_OK) == 0)
            return 1;
        buf[len - 3] = '.';
    }
    return 0;
}

int cpwl_dataset_fashion_mnist(cpwl_dataset_t D, const char *dir,
                               const char *split, slong max_items,
                               cpwl_err_t e)
{
    char im[4096], lb[4096], name[64];
    const char *pre;
    cpwl_dataset_clear(D);
    if (dir == NULL)
        dir = CPWL_DATASET_FASHION_MNIST_DIR;
    if (split != NULL && strcmp(split, "train") == 0)
        pre = "train";
    else if (split != NULL && strcmp(split, "test") == 0)
        pre = "t10k";           /* the files' own name of the test set */
    else
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the Fashion-MNIST split must "
                            "be \"train\" or \"test\", got \"%.40s\"",
                            split != NULL ? split : "(null)");
    if (strlen(dir) > 3000)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the Fashion-MNIST directory "
                            "name is too long (%zu bytes)", strlen(dir));
    snprintf(name, sizeof(name), "%s-images-idx3-ubyte.gz", pre);
    if (!find_file(im, sizeof(im), dir, name))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "Fashion-MNIST not found at "
                            "%s: install the Debian package "
                            "dataset-fashion-mnist (no %s there)", dir, name);
    snprintf(name, sizeof(name), "%s-labels-idx1-ubyte.gz", pre);
    if (!find_file(lb, sizeof(lb), dir, name))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "Fashion-MNIST not found at "
                            "%s: install the Debian package "
                            "dataset-fashion-mnist (no %s there)", dir, name);
    if (cpwl_dataset_read_idx(D, im, lb, max_items, e) != CPWL_OK)
        return e->status;
    if (D->nclasses > 10)
    {
        slong i;
        for (i = 0; D->labels[i] < 10; i++)
            ;
        cpwl_err_set(e, CPWL_ERR_INPUT, "%s: the label %d of point %ld is "
                     "not a Fashion-MNIST class (0 to 9)", lb, D->labels[i],
                     (long) i + 1);
        cpwl_dataset_clear(D);
        return CPWL_ERR_INPUT;
    }
    D->nclasses = 10;
    return CPWL_OK;
}

const char *cpwl_dataset_fashion_mnist_class_name(int c)
{
    /* The labels table of Fashion-MNIST's README (Debian:
       /usr/share/doc/dataset-fashion-mnist/README.md.gz). */
    static const char *const names[10] = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
        "Shirt", "Sneaker", "Bag", "Ankle boot"
    };
    return c >= 0 && c < 10 ? names[c] : NULL;
}

int cpwl_dataset_select_classes(cpwl_dataset_t D, const int *classes,
                                slong k, cpwl_err_t e)
{
    int map[256];
    slong i, j, m = 0;
    if (k < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "select at least one class, "
                            "got %ld", (long) k);
    for (i = 0; i < 256; i++)
        map[i] = -1;
    for (j = 0; j < k; j++)
    {
        int c = classes[j];
        if (c < 0 || c >= D->nclasses)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "class %d is not one of "
                                "the data set's (0 to %ld)", c,
                                (long) D->nclasses - 1);
        if (map[c] >= 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "class %d is selected "
                                "twice", c);
        map[c] = (int) j;
    }
    for (i = 0; i < D->n; i++)
    {
        int c = map[D->labels[i]];
        if (c < 0)
            continue;
        if (m != i)
            memmove(D->pixels + m * D->d, D->pixels + i * D->d,
                    (size_t) D->d);
        D->labels[m++] = c;
    }
    D->n = m;
    D->nclasses = k;
    return CPWL_OK;
}

void cpwl_dataset_head(cpwl_dataset_t D, slong n)
{
    if (n < D->n)
        D->n = FLINT_MAX(n, 0);
}

void cpwl_dataset_class_counts(slong *counts, const cpwl_dataset_t D)
{
    slong i;
    for (i = 0; i < D->nclasses; i++)
        counts[i] = 0;
    for (i = 0; i < D->n; i++)
        counts[D->labels[i]]++;
}

/* p / 255 rounded to nearest: one IEEE division of exact operands.  The
   float is the double rounded once more; that double rounding is
   innocuous for a quotient since 53 >= 2 * 24 + 2 (Figueroa, SIGNUM
   1995), so it is p / 255 rounded to binary32 directly. */
static double pixel_d(int p)
{
    return (double) p / (double) CPWL_DATASET_SCALE;
}

static float pixel_f(int p)
{
    return (float) pixel_d(p);
}

void cpwl_dataset_get_rows_d(double *X, int *y, const cpwl_dataset_t D,
                             const slong *idx, slong count)
{
    double t[256];
    slong i, j, d = D->d;
    for (i = 0; i < 256; i++)
        t[i] = pixel_d((int) i);
    for (i = 0; i < count; i++)
    {
        slong r = idx != NULL ? idx[i] : i;
        const unsigned char *p = D->pixels + r * d;
        for (j = 0; j < d; j++)
            X[i * d + j] = t[p[j]];
        if (y != NULL)
            y[i] = D->labels[r];
    }
}

void cpwl_dataset_get_rows_f(float *X, int *y, const cpwl_dataset_t D,
                             const slong *idx, slong count)
{
    float t[256];
    slong i, j, d = D->d;
    for (i = 0; i < 256; i++)
        t[i] = pixel_f((int) i);
    for (i = 0; i < count; i++)
    {
        slong r = idx != NULL ? idx[i] : i;
        const unsigned char *p = D->pixels + r * d;
        for (j = 0; j < d; j++)
            X[i * d + j] = t[p[j]];
        if (y != NULL)
            y[i] = D->labels[r];
    }
}

void cpwl_dataset_get_d(double *X, const cpwl_dataset_t D)
{
    cpwl_dataset_get_rows_d(X, NULL, D, NULL, D->n);
}

void cpwl_dataset_get_f(float *X, const cpwl_dataset_t D)
{
    cpwl_dataset_get_rows_f(X, NULL, D, NULL, D->n);
}

int cpwl_dataset_get_erm_data(cpwl_erm_data_t data, const cpwl_dataset_t D,
                              cpwl_err_t e)
{
    fmpq t[256];
    slong i, j, n = D->n, d = D->d;
    if (n > 0 && d > CPWL_DATASET_MAX_ERM_ENTRIES / n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%ld points of dimension %ld "
                            "are more than %ld exact coordinates: take fewer "
                            "points", (long) n, (long) d,
                            (long) CPWL_DATASET_MAX_ERM_ENTRIES);
    cpwl_erm_data_clear(data);
    data->n = d;
    if (n == 0)
        return CPWL_OK;
    for (i = 0; i < 256; i++)
    {
        fmpq_init(t + i);
        fmpq_set_si(t + i, i, CPWL_DATASET_SCALE);
    }
    data->X = flint_malloc(sizeof(fmpq) * (size_t) (n * d));
    data->y = flint_malloc(sizeof(fmpq) * (size_t) n);
    for (i = 0; i < n; i++)
    {
        const unsigned char *p = D->pixels + i * d;
        for (j = 0; j < d; j++)
        {
            fmpq_init(data->X + i * d + j);
            fmpq_set(data->X + i * d + j, t + p[j]);
        }
        fmpq_init(data->y + i);
        fmpq_set_si(data->y + i, D->labels[i], 1);
    }
    data->D = n;
    for (i = 0; i < 256; i++)
        fmpq_clear(t + i);
    return CPWL_OK;
}
