/* Labelled image data sets for training (Fashion-MNIST: Xiao, Rasul and
   Vollgraf, arXiv:1708.07747, 2017), kept exact.

   A data set is n points of dimension d with a class label each.  A
   point's coordinates are 8-bit pixels p in 0..255 standing for the
   exact rationals p / 255 in [0, 1] (the usual scaling to [0, 1]).  The
   exact values are what certification uses (module stochnet: the
   rationals through cpwl_dataset_get_erm_data); the training path
   (module mlp) gets binary64 or binary32 matrices whose entries are
   p / 255 rounded to nearest (ties to even) in that format: one
   correctly rounded IEEE division of two exact integers.

   Fashion-MNIST's classes: 0 T-shirt/top, 1 Trouser, 2 Pullover,
   3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.
   Debian's package dataset-fashion-mnist installs its four IDX files
   (cpwl/idx.h), gzip-compressed, in CPWL_DATASET_FASHION_MNIST_DIR:
   train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz (60000
   points) and t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz
   (10000), 28 x 28 images. */
#ifndef CPWL_DATASET_H
#define CPWL_DATASET_H

#include <flint/flint.h>
#include "cpwl/err.h"
#include "cpwl/erm.h"

#define CPWL_DATASET_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

/* The exact value of a coordinate is pixel / CPWL_DATASET_SCALE. */
#define CPWL_DATASET_SCALE 255

/* cpwl_dataset_get_erm_data refuses more than this many coordinates
   (n * d): about 1 GB of rationals. */
#define CPWL_DATASET_MAX_ERM_ENTRIES (WORD(1) << 26)

typedef struct
{
    slong n;                    /* points */
    slong d;                    /* coordinates per point */
    slong rows, cols;           /* image shape (rows * cols = d), or
                                   rows = 1, cols = d for 2-D files */
    slong nclasses;             /* labels are 0 .. nclasses - 1 */
    unsigned char *pixels;      /* n x d, row-major */
    int *labels;                /* n */
}
cpwl_dataset_struct;

typedef cpwl_dataset_struct cpwl_dataset_t[1];

/* An empty data set (n = d = 0). */
void cpwl_dataset_init(cpwl_dataset_t D);
void cpwl_dataset_clear(cpwl_dataset_t D);

/* D := a copy of n points of dimension d (pixels n x d, row-major) with
   labels in 0 .. nclasses - 1.  CPWL_ERR_INPUT for n < 0, d < 1,
   nclasses < 1 or nclasses > 256, or a label out of range (the message
   names the first). */
int cpwl_dataset_set(cpwl_dataset_t D, const unsigned char *pixels,
                     const int *labels, slong n, slong d, slong nclasses,
                     cpwl_err_t e);

/* Read images and labels from IDX files (plain or gzip): images of type
   ubyte with 3 dimensions (n x rows x cols) or 2 (n x d), labels of type
   ubyte with 1 dimension, the same n in both (the message names both
   files).  max_items >= 0 reads only the first max_items points (see
   cpwl_idx_read_file), < 0 all of them.  nclasses becomes the largest
   label plus one.  CPWL_ERR_INPUT with the reason; D is empty on
   error. */
int cpwl_dataset_read_idx(cpwl_dataset_t D, const char *images_path,
                          const char *labels_path, slong max_items,
                          cpwl_err_t e);

/* Fashion-MNIST's training ("train", 60000 points) or test ("test",
   10000) set from the directory dir (NULL: the Debian location
   CPWL_DATASET_FASHION_MNIST_DIR), the files named as above, gzipped or
   not (the name without ".gz" is tried second); nclasses is 10.  A
   missing file gives "Fashion-MNIST not found at DIR: install the
   Debian package dataset-fashion-mnist". */
int cpwl_dataset_fashion_mnist(cpwl_dataset_t D, const char *dir,
                               const char *split, slong max_items,
                               cpwl_err_t e);

/* Fashion-MNIST's name of class c ("T-shirt/top", ..., "Ankle boot"), or
   NULL for c outside 0..9. */
const char *cpwl_dataset_fashion_mnist_class_name(int c);

/* Keep the points whose label is one of classes[0 .. k), in their
   order, and relabel class classes[j] as j (so nclasses becomes k).
   CPWL_ERR_INPUT (D unchanged) for k < 1, a class outside 0 ..
   nclasses - 1 or a class given twice. */
int cpwl_dataset_select_classes(cpwl_dataset_t D, const int *classes,
                                slong k, cpwl_err_t e);

/* Keep the first n points (all when n >= D->n; none when n <= 0). */
void cpwl_dataset_head(cpwl_dataset_t D, slong n);

/* Points per class: counts[c] for c = 0 .. nclasses - 1. */
void cpwl_dataset_class_counts(slong *counts, const cpwl_dataset_t D);

/* The coordinates p / 255 rounded to nearest in binary64 (_d) or
   binary32 (_f): X is n x d, row-major. */
void cpwl_dataset_get_d(double *X, const cpwl_dataset_t D);
void cpwl_dataset_get_f(float *X, const cpwl_dataset_t D);

/* A batch: the points idx[0 .. count) (idx NULL: points 0 .. count-1)
   into X (count x d) and their labels into y (may be NULL).  The indices
   must be in 0 .. n - 1 (not checked). */
void cpwl_dataset_get_rows_d(double *X, int *y, const cpwl_dataset_t D,
                             const slong *idx, slong count);
void cpwl_dataset_get_rows_f(float *X, int *y, const cpwl_dataset_t D,
                             const slong *idx, slong count);

/* The exact data: data->X = the rationals p / 255 (n x d), data->y =
   the labels, so that, as a CSV file for module stochnet, the label is
   the last column.  CPWL_ERR_INPUT for more than
   CPWL_DATASET_MAX_ERM_ENTRIES coordinates (take a head first). */
int cpwl_dataset_get_erm_data(cpwl_erm_data_t data, const cpwl_dataset_t D,
                              cpwl_err_t e);

#endif
