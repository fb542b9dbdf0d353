/* Exact network algebra (Arora, Basu, Mianjy, Mukherjee, ICLR 2018,
   section 2; the size/depth bookkeeping of their Lemmas D.1-D.3).

   All results are exact: weights are copied or multiplied as rationals.
   Depth = number of affine maps, size = hidden neurons (SPEC section 1).
   The identity pass-through x = relu(x) - relu(-x) (two relu units per
   coordinate) pads a shallower network to a deeper one. */
#ifndef CPWL_NETALG_H
#define CPWL_NETALG_H

#include "cpwl/err.h"
#include "cpwl/net.h"

/* out = f o g (g applied first): needs output_dim(g) = input_dim(f).  The
   last affine map of g and the first of f are merged into one, so
   depth(out) = depth(f) + depth(g) - 1 and size(out) = size(f) + size(g).
   When g ends in a nonlinear layer (relu output) nothing is merged: the
   layers are stacked, depth(f) + depth(g).  An empty net (no layer) is
   the identity map.  Layers are copied with their activations; the
   result is prepared.  CPWL_ERR_INPUT on a dimension mismatch. */
int cpwl_netalg_compose(cpwl_net_t out, const cpwl_net_t f, const cpwl_net_t g, cpwl_err_t e);

/* out = a + b (same input and output dimensions): the two networks side by
   side on the shared input, the shallower padded with identity
   pass-throughs (2 relus per carried coordinate per extra layer) so that
   both have the same depth; widths add.  A net ending in a nonlinear
   layer first gets an identity output map.  Hidden layers at the same
   depth with different activations (or leaky slopes) are both rewritten
   as relu layers of twice the width (identity z = relu(z) - relu(-z),
   leaky, abs, hardtanh likewise); when a maxout layer meets anything but
   a maxout layer of as many pieces, the sum of the two relu lowerings
   (cpwl_netalg_lower_relu) is built instead. */
int cpwl_netalg_sum(cpwl_net_t out, const cpwl_net_t a, const cpwl_net_t b, cpwl_err_t e);

/* out = c * net (c rational; c = 0 gives the zero map of the same shape).
   c goes into the last affine map; after a nonlinear output layer that
   is not positively homogeneous for c (c < 0, or hardtanh), an identity
   map c I is appended instead. */
void cpwl_netalg_scale(cpwl_net_t out, const cpwl_net_t net, const fmpq_t c);

/* The one-layer identity network R^n -> R^n (depth 1, size 0). */
void cpwl_netalg_identity(cpwl_net_t out, slong n);

/* Pad net (output dimension m) to depth >= `depth` by identity
   pass-throughs placed before the last affine map (2m relus per added
   hidden layer); the function is unchanged. */
void cpwl_netalg_pad_depth(cpwl_net_t out, const cpwl_net_t net, slong depth);

/* out = the same function with relu, leaky_relu and identity layers
   only (cpwl_net_is_basic): abs z = relu(z) + relu(-z), hardtanh clip(z) =
   relu(z + 1) - relu(z - 1) - 1, maxout a tournament of max(a, b) =
   a + relu(b - a) with values carried by relu(a) - relu(-a) (ceil(log2
   pieces) relu layers per maxout layer); consecutive affine maps (and
   hidden identity layers) are composed exactly.  The function is the
   same; the activation regions of out refine those of net (docs/
   regions.md, "Other activations").  out must be initialised and may be
   net; the result is prepared. */
void cpwl_netalg_lower_relu(cpwl_net_t out, const cpwl_net_t net);

#endif
