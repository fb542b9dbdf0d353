/* Gradient training in binary64 of one-hidden-layer ReLU networks
   f(x) = sum_j v_j relu(<a_j, x> + b_j) (+ c): the reference that ERM's
   exact optimum is compared with (cpwl erm --compare-gd).

   Full batch, on the summed loss over the data:
     squared  sum_i (f(x_i) - y_i)^2
     l1       sum_i |f(x_i) - y_i|        (subgradient sign(0) = 0)
     hinge    sum_i max(0, 1 - y_i f(x_i)) (subgradient 0 at the kink)
   with relu'(0) = 0.  A run is the optimiser engine (cpwl/optim.h) in
   the binary64 arithmetic (cpwl/arith.h): GD is its gd (constant step,
   or a / sqrt(t) at step t = 1, 2, ..., which is lr / sqrt(1 + t') for
   t' = 0, 1, ...), Adam its adam:kingma-ba; the loss and gradient are
   computed in the operation order of docs/api/train.md.  The data enter
   exactly (a double is a binary64 number).  Every run is deterministic:
   the same (seed, run) gives bit-identical parameters on every IEEE
   machine (splitmix64, one rounding per operation, no contraction into
   FMA: GCC under -std=c11, clang by a pragma; -std=gnu11 or
   -ffast-math would break this). */
#ifndef CPWL_TRAIN_H
#define CPWL_TRAIN_H

#include <stdint.h>
#include <flint/flint.h>

typedef enum
{
    CPWL_TRAIN_GD = 0,               /* plain full-batch gradient descent */
    CPWL_TRAIN_ADAM
}
cpwl_train_method;

typedef struct
{
    cpwl_train_method method;
    slong iters;                /* steps per run (at most) */
    double lr;                  /* step size; <= 0: the method's default
                                   (see cpwl_train_step) */
    uint64_t seed;              /* run r uses a generator seeded from
                                   (seed, r): results are reproducible */
    int loss;                   /* 0 squared, 1 l1, 2 hinge (as cpwl_qp_loss) */
    int output_bias;
    double beta1, beta2, eps;   /* Adam's constants (adam:kingma-ba:
                                   v = b2 v + (1 - b2)(g g), the square
                                   first; before the engine it was
                                   ((1 - b2) g) g, which can differ in the
                                   last bit) */
    int decay;                  /* GD only: 1: step lr / sqrt(1 + t) at
                                   step t = 0, 1, ... (the classic
                                   subgradient schedule), 0: constant lr,
                                   -1: 1 for l1 and hinge, 0 for squared */
}
cpwl_train_opts;

/* Defaults: GD, 20000 steps, lr = 0 (automatic), seed 0, squared loss,
   no output bias, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, decay = -1
   (decaying GD steps for l1 and hinge only: with a constant step the
   subgradient iterates keep oscillating and end, on the hand cases of
   docs/examples.md, up to ~0.5 above the optimum instead of ~1e-3). */
void cpwl_train_opts_init(cpwl_train_opts *o);

/* The step size a run uses: o->lr when positive; otherwise 1e-2 for
   Adam, and for GD 1 / (2 S max(1, max_i |y_i|) sqrt(w)) with
   S = sum_i (|x_i|^2 + 1).  The curvature of the summed squared loss is
   about 2 sum_i sum_j (v_j^2 (|x_i|^2 + 1) + z_ij^2): it grows with S, with
   the output weights (which grow with |y|) and with the width, so a fixed
   step that suits 3 points diverges on 100 points with |x| = 10.  (On
   3000 seeded runs, D = 3..100, |x|, |y| <= 10, n = 1, 2, w = 1..4,
   squared loss: none diverged and none ended above its initial loss.) */
double cpwl_train_step(const cpwl_train_opts *o, const double *X, const double *y,
                       slong D, slong n, slong w);

/* One run: data X (D x n, row-major), y (D); width w.  Initialisation:
   PyTorch's default (uniform in +-1/sqrt(fan_in)).  On return params holds
   (a_1, b_1, v_1, ..., a_w, b_w, v_w, c): w (n + 2) + 1 doubles, and the
   function returns the final training loss (sum over the data) computed
   in double.  This is cpwl_train_init followed by cpwl_train_from. */
double cpwl_train_run(double *params, const double *X, const double *y, slong D,
                      slong n, slong w, const cpwl_train_opts *o, slong run);

/* The initial parameters of run `run`: a_j, b_j uniform in
   +-1/sqrt(n), v_j and c uniform in +-1/sqrt(w); c = 0 without an output
   bias. */
void cpwl_train_init(double *params, slong n, slong w, const cpwl_train_opts *o,
                     slong run);

/* Train from params (updated in place) for at most o->iters steps and
   return the loss of the final iterate.  Stops early when the gradient
   is exactly 0 or the loss is at most 1e-15 times the larger of the
   initial loss and the loss of the zero function.  Returns +inf (and
   stops) if the loss overflows or becomes NaN (the step was too large),
   or if a datum or parameter is not finite.  A step size that is not a
   positive finite double (the automatic one underflows to 0 on data of
   huge magnitude) takes no step: the loss of params is returned.  steps
   (may be NULL) receives the number of steps taken. */
double cpwl_train_from(double *params, const double *X, const double *y,
                       slong D, slong n, slong w, const cpwl_train_opts *o,
                       slong *steps);

/* The summed loss at params and, if grad is not NULL, its (sub)gradient
   (same layout as params; the c entry is 0 without output bias), in
   binary64: the gradient cpwl_train_from follows, exposed for testing. */
double cpwl_train_grad(double *grad, const double *params, const double *X,
                       const double *y, slong D, slong n, slong w, int loss,
                       int output_bias);

#endif
