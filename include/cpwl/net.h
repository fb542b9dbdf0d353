/* Networks with rational weights (SPEC section 1).

   Layer l computes z_l = W_l a_{l-1} + b_l and a_l = act_l(z_l), a_0 = x.
   The exact weights are fmpq; double and Arb copies are derived from them
   by net_prepare and never edited directly. */
#ifndef CPWL_NET_H
#define CPWL_NET_H

#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"
#include "cpwl/pred.h"

typedef enum
{
    NET_IDENTITY = 0,
    NET_RELU,
    NET_LEAKY_RELU,
    NET_ABS,
    NET_HARDTANH,
    NET_MAXOUT,
    NET_NUM_ACTS
}
net_act_t;

/* Precision (bits) of the stored Arb copies of the weights. */
#define NET_ARB_PREC 256

typedef struct
{
    net_act_t act;
    slong in;                   /* inputs: width of the previous layer */
    slong out;                  /* pre-activations: rows of W */
    fmpq_mat_t W;               /* out x in */
    fmpq *b;                    /* out */
    fmpq_t slope;               /* leaky_relu: a(z) = slope * z for z <= 0 */
    slong pieces;               /* maxout: pre-activations per unit */

    /* Derived by net_prepare.  d_ok is 0 when some weight overflows a
       double: the double filter then declines for this net. */
    double *Wd;                 /* row-major out x in, nearest doubles */
    double *bd;
    double slope_d;
    int d_ok;
    arb_ptr Wa;                 /* row-major, at NET_ARB_PREC */
    arb_ptr ba;
    arb_t slope_a;
}
net_layer_struct;

typedef struct
{
    slong input_dim;
    slong nlayers;
    slong alloc;
    net_layer_struct *layers;
    int output_bias;            /* whether the last affine map may have a bias */
    char *name;                 /* NULL or a UTF-8 string */
    char *meta;                 /* NULL or the compact JSON text of "meta" */
    int prepared;               /* derived copies up to date (net_prepare) */
}
net_struct;

typedef net_struct net_t[1];

void net_init(net_t net, slong input_dim);
void net_clear(net_t net);
void net_swap(net_t a, net_t b);

/* Append a layer of `out` zero-weight neurons fed by the current output. */
net_layer_struct *net_add_layer(net_t net, net_act_t act, slong out);

/* Derive the double and Arb copies; call once the weights are set (and
   again after changing them).  The ball, double and pattern functions
   stop with an internal error on a net that was not prepared. */
void net_prepare(net_t net);

const char *net_act_name(net_act_t act);
/* Index of the activation called name, or -1. */
int net_act_from_name(const char *name);
/* Whether the evaluation code handles the activation: every activation
   of the format does (kept for callers that ask). */
int net_act_supported(net_act_t act);

/* Largest maxout `pieces`: a unit's state is written as one base-36
   digit in pattern strings. */
#define NET_MAXOUT_MAX_PIECES 36

/* Whether every layer is identity, relu or leaky_relu: the activations
   whose states are bits (on iff z > 0), which the region, sampling and
   batch algorithms take directly.  Nets with abs, hardtanh or maxout
   layers go through netalg_lower_relu. */
int net_is_basic(const net_t net);

slong net_output_dim(const net_t net);
slong net_layer_width(const net_t net, slong l);  /* outputs of layer l */
slong net_depth(const net_t net);       /* number of affine maps */
slong net_size(const net_t net);        /* hidden neurons */
slong net_width(const net_t net);       /* widest hidden layer */
slong net_num_params(const net_t net);  /* free weights, biases, slopes */
/* Largest bit size of a numerator and of a denominator among the weights. */
void net_max_bits(slong *num_bits, slong *den_bits, const net_t net);

/* Number of states in an activation pattern: one per neuron of a layer
   whose activation is not the identity, one per unit (group of `pieces`
   pre-activations) of a maxout layer.  The state of
     relu, leaky_relu, abs: 1 iff z > 0 (z = 0 is 0);
     hardtanh: 0 for z <= -1, 1 for -1 < z < 1, 2 for z >= 1;
     maxout: the index (0 .. pieces-1) of the largest of the unit's
       pre-activations, ties to the lowest index. */
slong net_num_states(const net_t net);

/* Exact value y = f(x) (y has net_output_dim entries). */
void net_eval_fmpq(fmpq *y, const net_t net, const fmpq *x);

/* Exact pre-activations of every layer: z[l] has layers[l].out entries.
   Allocate with net_preacts_init. */
fmpq **net_preacts_init(const net_t net);
void net_preacts_clear(fmpq **z, const net_t net);
void net_preacts_fmpq(fmpq **z, const net_t net, const fmpq *x);

/* Ball enclosure of f(x) for ball inputs x at precision prec. */
void net_eval_arb(arb_ptr y, const net_t net, arb_srcptr x, slong prec);

/* Double evaluation with a proven forward error bound: y[i] and err[i]
   with |y[i] - f(x~)[i]| <= err[i] for every exact input x~ with
   |x~[j] - x[j]| <= xerr[j] (xerr may be NULL for exact inputs).  Returns 0
   when a value or bound is not finite (overflow); then y, err are junk. */
int net_eval_d(double *y, double *err, const net_t net,
               const double *x, const double *xerr);

/* The activation pattern at the rational point x: state[k] for the k-th
   state (layer by layer, see net_num_states), every comparison decided
   through the predicate layer ctx. */
void net_pattern(unsigned char *state, const net_t net, const fmpq *x,
                 pred_ctx_t ctx);

/* The sign (-1, 0, +1) of every neuron's pre-activation at the rational
   point x, in pattern order, decided through the predicate layer ctx;
   returns the number of zeros (0: x is inside an activation region, and
   its pattern is sign > 0).  On a net that is not basic (net_is_basic)
   sign[k] is 0 when the state k was decided by a tie (a comparison with
   an exact zero: x is on the boundary of its region) and 1 otherwise;
   the number of zeros keeps its meaning. */
slong net_signs(signed char *sign, const net_t net, const fmpq *x,
                pred_ctx_t ctx);

/* The same pattern with every sign decided by the exact stage alone (the
   reference the filtered path is tested against). */
void net_pattern_exact(unsigned char *state, const net_t net, const fmpq *x);

/* Write the pattern as one digit per state (0/1; hardtanh 0/1/2; maxout
   the index in base 36), layers separated by '|', into a new string
   (free with flint_free). */
char *net_pattern_str(const unsigned char *state, const net_t net);


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
net_check_struct;

/* state (may be NULL) receives the pattern decided by the predicate layer,
   net_num_states(net) entries. */
void net_check_point(net_check_struct *res, unsigned char *state,
                     const net_t net, const fmpq *x, pred_ctx_t ctx,
                     slong prec);
int net_check_passed(const net_check_struct *res);

/* Inputs rounded to double with a bound on the rounding error; 0 when a
   coordinate overflows a double. */
int net_round_inputs_d(double *xd, double *xerr, const fmpq *x, slong n);

#endif
