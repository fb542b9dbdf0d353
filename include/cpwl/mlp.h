/* The fast training path: fully connected ReLU networks in binary64 or
   binary32 (autoencoders 784-h-...-784 and classifiers), the loss of a
   mini-batch, its gradient and its Hessian-vector products, with the
   matrix products done by a BLAS (OpenBLAS's cblas_dgemm/cblas_sgemm,
   when the build found it) or by portable loops.

   The network: widths n_0 (inputs), n_1, ..., n_L (outputs); layer l
   (1 <= l <= L) computes z_l = W_l a_{l-1} + b_l, a_l = relu(z_l) for
   l < L, and the output is z_L (no activation).  relu'(0) = 0, as in the
   rest of cpwl.  Parameters are numbered as in module stochnet: layer by
   layer, in each layer W_l row by row (n_l x n_{l-1}) and then b_l.

   Losses of a batch of b points (rows of X, b x n_0, row-major):
     squared   (1/b) sum_i ||f(x_i) - y_i||^2   (y_i = x_i when Y is NULL:
               the autoencoder)
     xent      (1/b) sum_i -ln softmax(f(x_i))_{c_i} (classes c_i in
               0 .. n_L - 1; with n_L = 1, the logistic loss of
               sigmoid(f(x_i)) against c_i in {0, 1})
   The loss is accumulated in binary64 in both precisions; everything
   else is computed in the network's precision.

   Hessian-vector products: on the open set where no pre-activation is 0
   the network is affine in each layer's weights given the others and
   the activation pattern is constant, so the loss is smooth there and
   its Hessian is that of the loss with the pattern frozen.  The product
   H v is computed by forward-mode differentiation of the gradient
   (Pearlmutter's R-operator) with the pattern of the point frozen
   (relu'' = 0, relu'(0) = 0): at a point off every kink it is the exact
   Hessian's product; at a kink it is the Hessian of the piece selected
   by relu'(0) = 0 (a one-sided, generalised Hessian).

   A context holds the shape, the precision, the choice of BLAS and the
   work space (grown to the largest batch seen); no global state.  The
   results for a fixed build, thread count and input are reproducible
   bit for bit (the BLAS's own threads split the products the same way
   each time; set OPENBLAS_NUM_THREADS to fix their number). */
#ifndef CPWL_MLP_H
#define CPWL_MLP_H

#include <stdint.h>
#include <flint/flint.h>
#include "cpwl/err.h"
#include "cpwl/net.h"

typedef enum
{
    CPWL_MLP_DOUBLE = 0,        /* binary64: double arrays, functions _d */
    CPWL_MLP_FLOAT              /* binary32: float arrays, functions _f */
}
cpwl_mlp_prec;

typedef enum
{
    CPWL_MLP_SQUARED = 0,
    CPWL_MLP_XENT
}
cpwl_mlp_loss;

typedef struct
{
    slong nlayers;              /* L, the number of affine maps (>= 1) */
    slong *width;               /* n_0 ... n_L */
    slong nparams;
    cpwl_mlp_prec prec;
    int blas;                   /* 1: products by the BLAS (default when
                                   built with one), 0: portable loops */
    slong cap;                  /* batch size the work space holds */
    void *work;                 /* activations, deltas, R-values */
}
cpwl_mlp_struct;

typedef cpwl_mlp_struct cpwl_mlp_t[1];

/* widths[0 .. nlayers]; each >= 1.  CPWL_ERR_INPUT (message in e) for a
   bad shape or one of more than 2^31 - 1 parameters. */
int cpwl_mlp_init(cpwl_mlp_t M, const slong *widths, slong nlayers,
                  cpwl_mlp_prec prec, cpwl_err_t e);
void cpwl_mlp_clear(cpwl_mlp_t M);

/* 1 if the build has a BLAS (then M->blas may be 1). */
int cpwl_mlp_have_blas(void);

/* Parse "784-256-784" into widths (at most max entries): the number of
   layers L, or -1 with a message in e (CPWL_ERR_INPUT). */
slong cpwl_mlp_parse_shape(slong *widths, slong max, const char *s,
                           cpwl_err_t e);

/* Seeded initial parameters (splitmix64): W_l entries uniform in
   [-s, s], s = sqrt(6 / n_{l-1}) (He et al. 2015, uniform form), biases
   0.  The float version is the double one rounded to binary32. */
void cpwl_mlp_init_params_d(double *w, const cpwl_mlp_t M, uint64_t seed);
void cpwl_mlp_init_params_f(float *w, const cpwl_mlp_t M, uint64_t seed);

/* Outputs of the b points X (b x n_0) into out (b x n_L). */
int cpwl_mlp_forward_d(double *out, const double *w, const double *X,
                       slong b, cpwl_mlp_t M, cpwl_err_t e);
int cpwl_mlp_forward_f(float *out, const float *w, const float *X, slong b,
                       cpwl_mlp_t M, cpwl_err_t e);

/* The loss of the batch into *loss (may be NULL), its gradient into grad
   (nparams entries; may be NULL).  Y: targets (b x n_L) for squared, NULL
   for the autoencoder (n_L = n_0); labels: the classes for xent (NULL
   for squared).  CPWL_ERR_INPUT for a label out of range or missing
   targets; CPWL_ERR_INTERNAL when memory runs out. */
int cpwl_mlp_loss_grad_d(double *loss, double *grad, const double *w,
                         const double *X, const double *Y, const int *labels,
                         slong b, cpwl_mlp_loss kind, cpwl_mlp_t M,
                         cpwl_err_t e);
int cpwl_mlp_loss_grad_f(double *loss, float *grad, const float *w,
                         const float *X, const float *Y, const int *labels,
                         slong b, cpwl_mlp_loss kind, cpwl_mlp_t M,
                         cpwl_err_t e);

/* Hv = H v, H the Hessian of the same loss at w (pattern frozen, see
   above). */
int cpwl_mlp_hvp_d(double *Hv, const double *w, const double *v,
                   const double *X, const double *Y, const int *labels,
                   slong b, cpwl_mlp_loss kind, cpwl_mlp_t M, cpwl_err_t e);
int cpwl_mlp_hvp_f(float *Hv, const float *w, const float *v, const float *X,
                   const float *Y, const int *labels, slong b,
                   cpwl_mlp_loss kind, cpwl_mlp_t M, cpwl_err_t e);

/* Mistakes of the classifier on the batch: the predicted class is the
   index of the largest output (ties to the lowest), or with one output
   1 when f(x) > 0.  -1 (message in e) for a label out of range. */
slong cpwl_mlp_mistakes_d(const double *w, const double *X, const int *labels,
                          slong b, cpwl_mlp_t M, cpwl_err_t e);
slong cpwl_mlp_mistakes_f(const float *w, const float *X, const int *labels,
                          slong b, cpwl_mlp_t M, cpwl_err_t e);

/* The cpwl network with exactly the parameters w (binary64 values, or
   binary32 values widened exactly): relu hidden layers, identity output,
   so that the exact tools apply to a trained network.  net is
   initialised by the caller and replaced; prepared.  The entries of w
   must be finite (a diverged run's NaN or infinity would be taken as
   0: check first). */
void cpwl_mlp_to_net_d(cpwl_net_t net, const double *w, const cpwl_mlp_t M);
void cpwl_mlp_to_net_f(cpwl_net_t net, const float *w, const cpwl_mlp_t M);

#endif
