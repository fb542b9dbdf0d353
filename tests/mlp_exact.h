/* An exact reference for module mlp, in rational arithmetic (fmpq),
   written independently of src/mlp/ and straightforwardly, one point at
   a time: the forward pass, the squared loss of a batch and its gradient
   by back-propagation, the Hessian-vector product by the R-operator, and
   the full Hessian by exact central differences of the exact gradient.

   Shape and parameter order as in include/cpwl/mlp.h: widths n[0 .. L];
   layer l has W_l (n[l] x n[l-1], row by row) then b_l; relu on layers
   1 .. L-1 with relu'(0) = 0, identity output.  Loss (1/b) sum_i
   ||f(x_i) - y_i||^2 (y_i = x_i when Y is NULL).

   Exactness certificate.  Every sum the functions form is recorded as a
   "dot": if all terms of a sum are dyadic with denominators dividing 2^k
   and the sum of their absolute values is S, then every partial sum in any
   order or grouping (a BLAS's blocking, an FMA) is an integer multiple of
   2^-k of absolute value at most S, so it is exactly representable in a
   binary format with p significand bits when S 2^k < 2^p (and no
   exponent limit is reached; the tests use small values).  *bits
   receives the largest bit length of ceil(S 2^k) over the sums the
   floating-point code forms in REAL (forward, backward, R-passes), and
   *loss_bits the same for the binary64 sum of squared residuals; products
   are terms of such sums, and scalings by 2/b are powers of 2 when b is.
   Pass NULL to skip the certificate.

   Everything is static: include it in one test program (test_mlp.c and
   the Lanczos tests use it to build exact Hessians of tiny networks). */
#ifndef CPWL_TESTS_MLP_EXACT_H
#define CPWL_TESTS_MLP_EXACT_H

#include <stdlib.h>
#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>

static inline slong mlpx_nparams(const slong *n, slong L)
{
    slong l, k = 0;
    for (l = 1; l <= L; l++)
        k += n[l] * n[l - 1] + n[l];
    return k;
}

/* Offset of layer l's W in the parameter vector. */
static inline slong mlpx_off(const slong *n, slong l)
{
    slong j, k = 0;
    for (j = 1; j < l; j++)
        k += n[j] * n[j - 1] + n[j];
    return k;
}

/* A sum being formed, with its certificate. */
typedef struct
{
    fmpq_t sum, abs;
    fmpz_t den;                 /* largest denominator of a term */
}
mlpx_dot;

static inline void mlpx_dot_start(mlpx_dot *d)
{
    fmpq_init(d->sum);
    fmpq_init(d->abs);
    fmpz_init_set_ui(d->den, 1);
}

static inline void mlpx_dot_add(mlpx_dot *d, const fmpq_t t)
{
    fmpq_add(d->sum, d->sum, t);
    if (fmpq_sgn(t) >= 0)
        fmpq_add(d->abs, d->abs, t);
    else
        fmpq_sub(d->abs, d->abs, t);
    if (fmpz_cmp(fmpq_denref(t), d->den) > 0)
        fmpz_set(d->den, fmpq_denref(t));
}

static inline void mlpx_dot_addmul(mlpx_dot *d, const fmpq_t a,
                                   const fmpq_t b)
{
    fmpq_t t;
    fmpq_init(t);
    fmpq_mul(t, a, b);
    mlpx_dot_add(d, t);
    fmpq_clear(t);
}

/* res = the sum; the certificate into *bits (may be NULL). */
static inline void mlpx_dot_end(fmpq_t res, mlpx_dot *d, slong *bits)
{
    if (bits != NULL)
    {
        fmpq_t q;
        fmpz_t c;
        slong nb;
        fmpq_init(q);
        fmpz_init(c);
        fmpq_mul_fmpz(q, d->abs, d->den);
        fmpz_cdiv_q(c, fmpq_numref(q), fmpq_denref(q));
        nb = (slong) fmpz_bits(c);
        if (nb > *bits)
            *bits = nb;
        fmpq_clear(q);
        fmpz_clear(c);
    }
    fmpq_set(res, d->sum);
    fmpq_clear(d->sum);
    fmpq_clear(d->abs);
    fmpz_clear(d->den);
}

/* Z[l] (n[l] entries, l = 1 .. L): the pre-activations at the point x
   (Z[0] unused).  Allocate with mlpx_layers_init. */
static inline fmpq **mlpx_layers_init(const slong *n, slong L)
{
    slong l;
    fmpq **Z = malloc((size_t) (L + 1) * sizeof(fmpq *));
    Z[0] = NULL;
    for (l = 1; l <= L; l++)
        Z[l] = _fmpq_vec_init(n[l]);
    return Z;
}

static inline void mlpx_layers_clear(fmpq **Z, const slong *n, slong L)
{
    slong l;
    for (l = 1; l <= L; l++)
        _fmpq_vec_clear(Z[l], n[l]);
    free(Z);
}

/* a = relu(z) entrywise. */
static inline void mlpx_relu(fmpq_t a, const fmpq_t z)
{
    if (fmpq_sgn(z) > 0)
        fmpq_set(a, z);
    else
        fmpq_zero(a);
}

static inline void mlpx_forward(fmpq **Z, const slong *n, slong L,
                                const fmpq *w, const fmpq *x, slong *bits)
{
    slong l, j, k;
    fmpq_t a;
    fmpq_init(a);
    for (l = 1; l <= L; l++)
    {
        const fmpq *W = w + mlpx_off(n, l), *bb = W + n[l] * n[l - 1];
        for (j = 0; j < n[l]; j++)
        {
            mlpx_dot d;
            mlpx_dot_start(&d);
            mlpx_dot_add(&d, bb + j);
            for (k = 0; k < n[l - 1]; k++)
            {
                if (l == 1)
                    fmpq_set(a, x + k);
                else
                    mlpx_relu(a, Z[l - 1] + k);
                mlpx_dot_addmul(&d, W + j * n[l - 1] + k, a);
            }
            mlpx_dot_end(Z[l] + j, &d, bits);
        }
    }
    fmpq_clear(a);
}

/* The signs of the hidden pre-activations of the b points (rows of X) in
   sign[i * H + k] (H hidden neurons, layer by layer); returns how many
   are 0. */
static inline slong mlpx_signs(int *sign, const slong *n, slong L,
                               const fmpq *w, const fmpq *X, slong b)
{
    slong i, l, j, k, zeros = 0;
    fmpq **Z = mlpx_layers_init(n, L);
    for (i = 0; i < b; i++)
    {
        mlpx_forward(Z, n, L, w, X + i * n[0], NULL);
        k = 0;
        for (l = 1; l < L; l++)
            for (j = 0; j < n[l]; j++)
            {
                int s = fmpq_sgn(Z[l] + j);
                sign[k++] = s;
                zeros += s == 0;
            }
        sign += k;
    }
    mlpx_layers_clear(Z, n, L);
    return zeros;
}

static inline slong mlpx_hidden(const slong *n, slong L)
{
    slong l, h = 0;
    for (l = 1; l < L; l++)
        h += n[l];
    return h;
}

/* The squared loss of the batch and its gradient (grad may be NULL), by
   back-propagation one point at a time, summed over the points; with the
   R-operator along v when v is not NULL (then Hv receives H v). */
static inline void mlpx_loss_grad_hvp(fmpq_t loss, fmpq *grad, fmpq *Hv,
                                      const slong *n, slong L, const fmpq *w,
                                      const fmpq *v, const fmpq *X,
                                      const fmpq *Y, slong b, slong *bits,
                                      slong *loss_bits)
{
    slong P = mlpx_nparams(n, L), i, l, j, k;
    fmpq **Z = mlpx_layers_init(n, L), **RZ = mlpx_layers_init(n, L);
    fmpq **Dl = mlpx_layers_init(n, L), **RD = mlpx_layers_init(n, L);
    fmpq *gsum = _fmpq_vec_init(P), *hsum = _fmpq_vec_init(P);
    fmpq_t t, a, ra, scale;
    mlpx_dot lsum;

    fmpq_init(t);
    fmpq_init(a);
    fmpq_init(ra);
    fmpq_init(scale);
    fmpq_set_si(scale, 2, b);   /* d loss / d z_L = (2/b)(z_L - y) */
    mlpx_dot_start(&lsum);
    /* The batch sums of the gradient (and H v) are dots over the points:
       they are certified with one dot per parameter below, built from the
       per-point terms. */
    {
        mlpx_dot *gd = malloc((size_t) P * sizeof(mlpx_dot));
        mlpx_dot *hd = malloc((size_t) P * sizeof(mlpx_dot));
        for (k = 0; k < P; k++)
        {
            mlpx_dot_start(gd + k);
            mlpx_dot_start(hd + k);
        }
        for (i = 0; i < b; i++)
        {
            const fmpq *x = X + i * n[0];
            const fmpq *y = Y != NULL ? Y + i * n[L] : x;
            mlpx_forward(Z, n, L, w, x, bits);
            if (v != NULL)
            {
                /* R-forward: RZ_l = V_l a_{l-1} + W_l Ra_{l-1} + c_l,
                   Ra = relu'(z) Rz, Ra_0 = 0 */
                for (l = 1; l <= L; l++)
                {
                    const fmpq *W = w + mlpx_off(n, l);
                    const fmpq *V = v + mlpx_off(n, l);
                    for (j = 0; j < n[l]; j++)
                    {
                        mlpx_dot d;
                        mlpx_dot_start(&d);
                        mlpx_dot_add(&d, V + n[l] * n[l - 1] + j);
                        for (k = 0; k < n[l - 1]; k++)
                        {
                            if (l == 1)
                                fmpq_set(a, x + k);
                            else
                                mlpx_relu(a, Z[l - 1] + k);
                            mlpx_dot_addmul(&d, V + j * n[l - 1] + k, a);
                            if (l > 1 && fmpq_sgn(Z[l - 1] + k) > 0)
                                mlpx_dot_addmul(&d, W + j * n[l - 1] + k,
                                                RZ[l - 1] + k);
                        }
                        mlpx_dot_end(RZ[l] + j, &d, bits);
                    }
                }
            }
            /* output: D_L = (2/b)(z - y), RD_L = (2/b) Rz */
            for (j = 0; j < n[L]; j++)
            {
                mlpx_dot d;
                mlpx_dot_start(&d);
                mlpx_dot_add(&d, Z[L] + j);
                fmpq_neg(t, y + j);
                mlpx_dot_add(&d, t);
                mlpx_dot_end(t, &d, bits);
                mlpx_dot_addmul(&lsum, t, t);
                fmpq_mul(Dl[L] + j, t, scale);
                if (v != NULL)
                    fmpq_mul(RD[L] + j, RZ[L] + j, scale);
            }
            for (l = L; l >= 1; l--)
            {
                slong off = mlpx_off(n, l);
                const fmpq *W = w + off;
                const fmpq *V = v != NULL ? v + off : NULL;
                for (j = 0; j < n[l]; j++)
                {
                    for (k = 0; k < n[l - 1]; k++)
                    {
                        slong q = off + j * n[l - 1] + k;
                        if (l == 1)
                        {
                            fmpq_set(a, x + k);
                            fmpq_zero(ra);
                        }
                        else
                        {
                            mlpx_relu(a, Z[l - 1] + k);
                            if (v != NULL && fmpq_sgn(Z[l - 1] + k) > 0)
                                fmpq_set(ra, RZ[l - 1] + k);
                            else
                                fmpq_zero(ra);
                        }
                        mlpx_dot_addmul(gd + q, Dl[l] + j, a);
                        if (v != NULL)
                        {
                            mlpx_dot_addmul(hd + q, RD[l] + j, a);
                            mlpx_dot_addmul(hd + q, Dl[l] + j, ra);
                        }
                    }
                    mlpx_dot_add(gd + off + n[l] * n[l - 1] + j, Dl[l] + j);
                    if (v != NULL)
                        mlpx_dot_add(hd + off + n[l] * n[l - 1] + j,
                                     RD[l] + j);
                }
                if (l == 1)
                    break;
                /* D_{l-1} = relu'(z_{l-1}) W_l^T D_l, and its R-value */
                for (k = 0; k < n[l - 1]; k++)
                {
                    mlpx_dot d, rd;
                    int on = fmpq_sgn(Z[l - 1] + k) > 0;
                    mlpx_dot_start(&d);
                    mlpx_dot_start(&rd);
                    for (j = 0; j < n[l]; j++)
                    {
                        mlpx_dot_addmul(&d, Dl[l] + j, W + j * n[l - 1] + k);
                        if (v != NULL)
                        {
                            mlpx_dot_addmul(&rd, RD[l] + j,
                                            W + j * n[l - 1] + k);
                            mlpx_dot_addmul(&rd, Dl[l] + j,
                                            V + j * n[l - 1] + k);
                        }
                    }
                    mlpx_dot_end(Dl[l - 1] + k, &d, bits);
                    mlpx_dot_end(RD[l - 1] + k, &rd, v != NULL ? bits : NULL);
                    if (!on)
                    {
                        fmpq_zero(Dl[l - 1] + k);
                        fmpq_zero(RD[l - 1] + k);
                    }
                }
            }
        }
        for (k = 0; k < P; k++)
        {
            mlpx_dot_end(gsum + k, gd + k, bits);
            mlpx_dot_end(hsum + k, hd + k, v != NULL ? bits : NULL);
        }
        free(gd);
        free(hd);
    }
    mlpx_dot_end(loss, &lsum, loss_bits);
    fmpq_set_si(t, 1, (ulong) b);
    fmpq_mul(loss, loss, t);
    for (k = 0; k < P; k++)
    {
        if (grad != NULL)
            fmpq_set(grad + k, gsum + k);
        if (Hv != NULL && v != NULL)
            fmpq_set(Hv + k, hsum + k);
    }
    _fmpq_vec_clear(gsum, P);
    _fmpq_vec_clear(hsum, P);
    fmpq_clear(t);
    fmpq_clear(a);
    fmpq_clear(ra);
    fmpq_clear(scale);
    mlpx_layers_clear(Z, n, L);
    mlpx_layers_clear(RZ, n, L);
    mlpx_layers_clear(Dl, n, L);
    mlpx_layers_clear(RD, n, L);
}

/* The full Hessian H (P x P) of the squared loss at w by exact central
   differences of the exact gradient: column j = (grad(w + h e_j) -
   grad(w - h e_j)) / (2h) with h = 2^-hexp.  Why it is exact: with the
   activation pattern fixed the network is affine in each layer's
   parameters given the others, so along e_j the residual f(x) - y and
   every partial derivative of f are affine in the step t, and each
   gradient entry (a sum of residual times derivative) is a polynomial of
   degree at most 2 in t; the central difference of a quadratic is its
   exact derivative at 0, which is H e_j.  (The one-sided difference is
   not: it is off by h times the quadratic coefficient.)  The pattern is
   fixed on the whole segment [w - h e_j, w + h e_j] when the signs at w
   and at both ends agree and none is 0: the parameter's layer's
   pre-activations are affine in t, so they keep their signs between the
   ends, and then the next layer's are affine in t, and so on.  Returns 1
   when that was verified for every j, 0 otherwise (then H is not the
   Hessian). */
static inline int mlpx_hessian_fd(fmpq_mat_t H, const slong *n, slong L,
                                  const fmpq *w, const fmpq *X,
                                  const fmpq *Y, slong b, ulong hexp)
{
    slong P = mlpx_nparams(n, L), Hn = mlpx_hidden(n, L), j, k, s;
    fmpq *gp = _fmpq_vec_init(P), *gm = _fmpq_vec_init(P);
    fmpq *wj = _fmpq_vec_init(P);
    int *s0 = malloc((size_t) (b * Hn + 1) * sizeof(int));
    int *s1 = malloc((size_t) (b * Hn + 1) * sizeof(int));
    int ok = 1, side;
    fmpq_t loss, h;

    fmpq_init(loss);
    fmpq_init(h);
    fmpq_one(h);
    fmpq_div_2exp(h, h, hexp);
    if (mlpx_signs(s0, n, L, w, X, b) != 0)
        ok = 0;
    for (j = 0; j < P && ok; j++)
    {
        for (side = 0; side < 2; side++)
        {
            for (k = 0; k < P; k++)
                fmpq_set(wj + k, w + k);
            if (side == 0)
                fmpq_add(wj + j, wj + j, h);
            else
                fmpq_sub(wj + j, wj + j, h);
            if (mlpx_signs(s1, n, L, wj, X, b) != 0)
                ok = 0;
            for (s = 0; s < b * Hn; s++)
                if (s0[s] != s1[s])
                    ok = 0;
            mlpx_loss_grad_hvp(loss, side == 0 ? gp : gm, NULL, n, L, wj,
                               NULL, X, Y, b, NULL, NULL);
        }
        for (k = 0; k < P; k++)
        {
            fmpq_sub(fmpq_mat_entry(H, k, j), gp + k, gm + k);
            fmpq_mul_2exp(fmpq_mat_entry(H, k, j), fmpq_mat_entry(H, k, j),
                          hexp);
            fmpq_div_2exp(fmpq_mat_entry(H, k, j), fmpq_mat_entry(H, k, j),
                          1);
        }
    }
    fmpq_clear(loss);
    fmpq_clear(h);
    free(s0);
    free(s1);
    _fmpq_vec_clear(gp, P);
    _fmpq_vec_clear(gm, P);
    _fmpq_vec_clear(wj, P);
    return ok;
}

#endif
