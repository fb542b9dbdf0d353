/* Networks with rational weights (SPEC section 1).

   Layer l computes z_l = W_l a_{l-1} + b_l and a_l = act_l(z_l), a_0 = x.
   The exact weights are fmpq; double and Arb copies are derived from them
   by cpwl_net_prepare and never edited directly. */
#ifndef CPWL_NET_H
#define CPWL_NET_H

#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"
#include "cpwl/pred.h"

typedef enum
{
    CPWL_NET_IDENTITY = 0,
    CPWL_NET_RELU,
    CPWL_NET_LEAKY_RELU,
    CPWL_NET_ABS,
    CPWL_NET_HARDTANH,
    CPWL_NET_MAXOUT,
    CPWL_NET_NUM_ACTS
}
cpwl_net_act_t;

/* Precision (bits) of the stored Arb copies of the weights. */
#define CPWL_NET_ARB_PREC 256

typedef struct
{
    cpwl_net_act_t act;
    slong in;                   /* inputs: width of the previous layer */
    slong out;                  /* pre-activations: rows of W */
    fmpq_mat_t W;               /* out x in */
    fmpq *b;                    /* out */
    fmpq_t slope;               /* leaky_relu: a(z) = slope * z for z <= 0 */
    slong pieces;               /* maxout: pre-activations per unit */

    /* Derived by cpwl_net_prepare.  d_ok is 0 when some weight overflows a
       double: the double filter then declines for this net. */
    double *Wd;                 /* row-major out x in, nearest doubles */
    double *bd;
    double slope_d;
    int d_ok;
    arb_ptr Wa;                 /* row-major, at CPWL_NET_ARB_PREC */
    arb_ptr ba;
    arb_t slope_a;
}
cpwl_net_layer_struct;

typedef struct
{
    slong input_dim;
    slong nlayers;
    slong alloc;
    cpwl_net_layer_struct *layers;
    int output_bias;            /* whether the last affine map may have a bias */
    char *name;                 /* NULL or a UTF-8 string */
    char *meta;                 /* NULL or the compact JSON text of "meta" */
    int prepared;               /* derived copies up to date (cpwl_net_prepare) */
}
cpwl_net_struct;

typedef cpwl_net_struct cpwl_net_t[1];

void cpwl_net_init(cpwl_net_t net, slong input_dim);
void cpwl_net_clear(cpwl_net_t net);
void cpwl_net_swap(cpwl_net_t a, cpwl_net_t b);

/* Append a layer of `out` zero-weight neurons fed by the current output. */
cpwl_net_layer_struct *cpwl_net_add_layer(cpwl_net_t net, cpwl_net_act_t act, slong out);

/* Derive the double and Arb copies; call once the weights are set (and
   again after changing them).  The ball, double and pattern functions
   stop with an internal error on a net that was not prepared. */
void cpwl_net_prepare(cpwl_net_t net);

const char *cpwl_net_act_name(cpwl_net_act_t act);
/* Index of the activation called name, or -1. */
int cpwl_net_act_from_name(const char *name);
/* Whether the evaluation code handles the activation: every activation
   of the format does (kept for callers that ask). */
int cpwl_net_act_supported(cpwl_net_act_t act);

/* Largest maxout `pieces`: a unit's state is written as one base-36
   digit in pattern strings. */
#define CPWL_NET_MAXOUT_MAX_PIECES 36

/* Whether every layer is identity, relu or leaky_relu: the activations
   whose states are bits (on iff z > 0), which the region, sampling and
   batch algorithms take directly.  Nets with abs, hardtanh or maxout
   layers go through cpwl_netalg_lower_relu. */
int cpwl_net_is_basic(const cpwl_net_t net);

slong cpwl_net_output_dim(const cpwl_net_t net);
slong cpwl_net_layer_width(const cpwl_net_t net, slong l);  /* outputs of layer l */
slong cpwl_net_depth(const cpwl_net_t net);       /* number of affine maps */
slong cpwl_net_size(const cpwl_net_t net);        /* hidden neurons */
slong cpwl_net_width(const cpwl_net_t net);       /* widest hidden layer */
slong cpwl_net_num_params(const cpwl_net_t net);  /* free weights, biases, slopes */
/* Largest bit size of a numerator and of a denominator among the weights. */
void cpwl_net_max_bits(slong *num_bits, slong *den_bits, const cpwl_net_t net);

/* Number of states in an activation pattern: one per neuron of a layer
   whose activation is not the identity, one per unit (group of `pieces`
   pre-activations) of a maxout layer.  The state of
     relu, leaky_relu, abs: 1 iff z > 0 (z = 0 is 0);
     hardtanh: 0 for z <= -1, 1 for -1 < z < 1, 2 for z >= 1;
     maxout: the index (0 .. pieces-1) of the largest of the unit's
       pre-activations, ties to the lowest index. */
slong cpwl_net_num_states(const cpwl_net_t net);

/* Exact value y = f(x) (y has cpwl_net_output_dim entries). */
void cpwl_net_eval_fmpq(fmpq *y, const cpwl_net_t net, const fmpq *x);

/* Exact pre-activations of every layer: z[l] has layers[l].out entries.
   Allocate with cpwl_net_preacts_init. */
fmpq **cpwl_net_preacts_init(const cpwl_net_t net);
void cpwl_net_preacts_clear(fmpq **z, const cpwl_net_t net);
void cpwl_net_preacts_fmpq(fmpq **z, const cpwl_net_t net, const fmpq *x);

/* Ball enclosure of f(x) for ball inputs x at precision prec. */
void cpwl_net_eval_arb(arb_ptr y, const cpwl_net_t net, arb_srcptr x, slong prec);

/* Double evaluation with a proven forward error bound: y[i] and err[i]
   with |y[i] - f(x~)[i]| <= err[i] for every exact input x~ with
   |x~[j] - x[j]| <= xerr[j] (xerr may be NULL for exact inputs).  Returns 0
   when a value or bound is not finite (overflow); then y, err are junk. */
int cpwl_net_eval_d(double *y, double *err, const cpwl_net_t net,
                    const double *x, const double *xerr);

/* The activation pattern at the rational point x: state[k] for the k-th
   state (layer by layer, see cpwl_net_num_states), every comparison decided
   through the predicate layer ctx. */
void cpwl_net_pattern(unsigned char *state, const cpwl_net_t net, const fmpq *x,
                      cpwl_pred_ctx_t ctx);

/* The sign (-1, 0, +1) of every neuron's pre-activation at the rational
   point x, in pattern order, decided through the predicate layer ctx;
   returns the number of zeros (0: x is inside an activation region, and
   its pattern is sign > 0).  On a net that is not basic (cpwl_net_is_basic)
   sign[k] is 0 when the state k was decided by a tie (a comparison with
   an exact zero: x is on the boundary of its region) and 1 otherwise;
   the number of zeros keeps its meaning. */
slong cpwl_net_signs(signed char *sign, const cpwl_net_t net, const fmpq *x,
                     cpwl_pred_ctx_t ctx);

/* The same pattern with every sign decided by the exact stage alone (the
   reference the filtered path is tested against). */
void cpwl_net_pattern_exact(unsigned char *state, const cpwl_net_t net, const fmpq *x);

/* Write the pattern as one digit per state (0/1; hardtanh 0/1/2; maxout
   the index in base 36), layers separated by '|', into a new string
   (free with flint_free). */
char *cpwl_net_pattern_str(const unsigned char *state, const cpwl_net_t net);


/* The three evaluations at one rational point checked against each other
   exactly: the exact value lies in the Arb enclosure (at prec), the double
   value lies within its proven bound of the exact value (compared as exact
   rationals), and the pattern through the predicate layer equals the
   pattern from exact pre-activations. */
typedef struct
{
    int arb_contains;           /* every exact output inside its ball */
    int double_ok;              /* a finite bound was available */
    int double_within;          /* every |y_d - y| <= err, exactly */
    int pattern_agrees;
}
cpwl_net_check_struct;

/* state (may be NULL) receives the pattern decided by the predicate layer,
   cpwl_net_num_states(net) entries. */
void cpwl_net_check_point(cpwl_net_check_struct *res, unsigned char *state,
                          const cpwl_net_t net, const fmpq *x, cpwl_pred_ctx_t ctx,
                          slong prec);
int cpwl_net_check_passed(const cpwl_net_check_struct *res);

/* Inputs rounded to double with a bound on the rounding error; 0 when a
   coordinate overflows a double. */
int cpwl_net_round_inputs_d(double *xd, double *xerr, const fmpq *x, slong n);

#endif
