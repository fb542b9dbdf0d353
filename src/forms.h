/* Affine forms of a network under a fixed activation pattern.

   Where the pattern is fixed, every pre-activation is an affine function
   of the input y in R^d: z_{l,j}(y) = <g, y> + c.  A form is stored as d+1
   numbers (g_1..g_d, c).  The region algorithms use these forms to split
   regions (the zero set of z_{l,j}) and to compare the affine maps of
   neighbouring regions.  The recursion is Z_0 = [I | 0],
   Z_l = W_l D_{l-1} Z_{l-1} + [0 | b_l], with D the diagonal of the
   activation's slopes (relu: 1 on, 0 off; leaky_relu: 1 or slope;
   identity: 1).

   state: the pattern as in cpwl_net_pattern (one byte per neuron with a state,
   layer by layer); only the states of layers before l are read. */
#ifndef CPWL_FORMS_H
#define CPWL_FORMS_H

#include <flint/fmpq.h>
#include "cpwl/net.h"

/* Offset of layer l's first state in a pattern, or -1 when layer l has no
   states (identity). */
slong forms_state_offset(const cpwl_net_t net, slong l);

/* Exact form of neuron j of layer l: out has d+1 entries.  Computed
   backwards (one row through the layers), so one neuron costs one pass. */
void forms_row_fmpq(fmpq *out, const cpwl_net_t net, const unsigned char *state,
                    slong l, slong j);

/* Exact forms of all neurons of layer l: Z is row-major out x (d+1). */
void forms_layer_fmpq(fmpq *Z, const cpwl_net_t net, const unsigned char *state,
                      slong l);

/* One step of the recursion, exactly: Z (layers[k].out x (d+1)) = forms
   of z_k from A = forms of a_{k-1} (layers[k].in rows). */
void forms_affine_fmpq(fmpq *Z, const cpwl_net_t net, slong k, const fmpq *A);

/* In place: forms of z_k -> forms of a_k = D_k z_k under the pattern. */
void forms_act_fmpq(fmpq *Z, const cpwl_net_t net, slong k,
                    const unsigned char *state);

/* Double forms of layer l with proven elementwise bounds
   |Z - exact| <= E, both row-major out x (d+1).  Returns 0 when a value
   or bound is not finite (the double filter then declines). */
int forms_layer_d(double *Z, double *E, const cpwl_net_t net,
                  const unsigned char *state, slong l);

/* One step of the same recursion: Z = forms of z_k from A = forms of
   a_{k-1} (rows layers[k].in; the identity [I | 0] for k = 0), with
   bounds; returns 0 when not finite. */
int forms_affine_d(double *Z, double *E, const cpwl_net_t net, slong k,
                   const double *A, const double *EA);

/* In place: forms of z_k -> forms of a_k = D_k z_k under the pattern. */
void forms_act_d(double *Z, double *E, const cpwl_net_t net, slong k,
                 const unsigned char *state);

/* What the carried double forms of a region algorithm need of a net,
   prepared once: every layer's weights transposed (row t = the weights
   leaving input t, padded to a multiple of 4 outputs) and their absolute
   values, so that a product with a masked input and a rank-one update
   both run along contiguous outputs.  Read-only once built: threads may
   share it. */
typedef struct
{
    slong nlayers;
    slong *ld;                  /* padded outputs of each layer */
    double **WT, **WA;          /* in x ld each, or NULL (no doubles) */
    int simd;                   /* the AVX2 kernel may run */
}
forms_plan_struct;

typedef forms_plan_struct forms_plan_t[1];

void forms_plan_init(forms_plan_t F, const cpwl_net_t net);
void forms_plan_clear(forms_plan_t F);

/* Forms of z_k (k >= 1) of a region from the forms Zp, Ep of z_{k-1} on
   it and its states of layer k-1: forms_act_d then forms_affine_d, with
   the same values up to the order of the sums and the same bound; a relu
   layer's off inputs are skipped.  Input dimension 2 (three columns), as
   forms_update_d; returns 0 otherwise or when a value is not finite. */
int forms_next_d(double *Z, double *E, const forms_plan_t F, const cpwl_net_t net,
                 slong k, const double *Zp, const double *Ep,
                 const unsigned char *state);

/* Carried forms: the forms of z_k (k >= 1, layer k-1 relu) on a region q
   from those (Zr, Er) on a region r whose pattern differs from q's only
   in layer k-1, where both share the forms Zp, Ep of z_{k-1}:
     Z_q = Z_r + sum over the neurons t of layer k-1 that differ of
           (+1 if on in q, -1 if on in r) W_k[:, t] Zp[t],
   one rank-one update per difference, bounded by the interval arithmetic
   of the double filters (docs/numerics.md, "Carried forms").  Returns 0
   when a value is not finite or layer k-1 is not relu. */
int forms_update_d(double *Z, double *E, const forms_plan_t F,
                   const cpwl_net_t net, slong k, const double *Zr,
                   const double *Er, const double *Zp, const double *Ep,
                   const unsigned char *state_q, const unsigned char *state_r);

#endif
