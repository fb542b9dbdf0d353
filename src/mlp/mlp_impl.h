/* The forward pass, loss, gradient, Hessian-vector product and mistakes
   of module mlp, written once for a real type.  Included by mlp_d.c and
   mlp_f.c with
     REAL      double or float
     SFX       d or f (the public names' suffix)
     CBLAS_GEMM   cblas_dgemm or cblas_sgemm
     EXPR      exp in REAL

   Layout: row-major throughout.  A batch is b rows; layer l's activations
   A_l are b x n_l, its weights W_l are n_l x n_{l-1} (the parameter order
   of the header), so that
     forward   Z_l = A_{l-1} W_l^T + 1 b_l^T       (one gemm, NT)
     backward  dW_l = D_l^T A_{l-1}                (TN)
               D_{l-1} = (D_l W_l) .* [Z_{l-1} > 0]  (NN)
   with D_l = dloss/dZ_l.  Hessian-vector products by Pearlmutter's
   R-operator (Neural Computation 6, 1994): R{.} is the directional
   derivative along v = (V_l, c_l); with the pattern frozen (relu'' = 0)
     RZ_l = A_{l-1} V_l^T + RA_{l-1} W_l^T + 1 c_l^T,  RA_l = RZ_l .* [Z_l > 0]
     RD_L = (d^2 loss / dZ_L^2) RZ_L
     H_W_l = RD_l^T A_{l-1} + D_l^T RA_{l-1},  H_b_l = 1^T RD_l
     RD_{l-1} = (RD_l W_l + D_l V_l) .* [Z_{l-1} > 0]
   The mask [Z > 0] is read from A = relu(Z): A > 0 iff Z > 0, which makes
   relu'(0) = 0. */

#define MLP_CAT2(a, b) a##b
#define MLP_CAT(a, b) MLP_CAT2(a, b)
#define MLP_FN(name) MLP_CAT(name, SFX)

/* C = op(A) op(B) (+ C when acc), row-major, op(X) = X or X^T.  Only the
   three forms above occur (NT, TN, NN).  The portable loops update whole
   rows of C (c[:] += a * b[:], contiguous, which compilers vectorise)
   with C's row kept in cache: for NT, B is first transposed into T
   (k x n; T may be NULL for the other forms).  Each entry of C is then
   summed in the order p = 0, 1, ..., k-1 after C's initial value. */
static void MLP_FN(mlp_gemm_) (int blas, int ta, int tb, slong m, slong n,
                               slong k, const REAL *A, slong lda,
                               const REAL *B, slong ldb, int acc, REAL *C,
                               slong ldc, REAL *T)
{
    slong i, j, p;
#ifdef HAVE_OPENBLAS
    if (blas)
    {
        CBLAS_GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                   tb ? CblasTrans : CblasNoTrans, (int) m, (int) n, (int) k,
                   (REAL) 1, A, (int) lda, B, (int) ldb, acc ? (REAL) 1 :
                   (REAL) 0, C, (int) ldc);
        return;
    }
#else
    (void) blas;
#endif
    if (!acc)
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++)
                C[i * ldc + j] = 0;
    if (tb)
    {
        /* T[p][j] = B[j][p]: then as NN with B = T */
        for (j = 0; j < n; j++)
            for (p = 0; p < k; p++)
                T[p * n + j] = B[j * ldb + p];
        B = T;
        ldb = n;
    }
    /* four rows of C at a time: each row of B is loaded once for them */
    for (i = 0; i + 4 <= m; i += 4)
    {
        REAL *c0 = C + i * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc,
            *c3 = c2 + ldc;
        for (p = 0; p < k; p++)
        {
            REAL a0, a1, a2, a3;
            const REAL *bb = B + p * ldb;
            if (ta)
            {
                const REAL *ap = A + p * lda + i;
                a0 = ap[0];
                a1 = ap[1];
                a2 = ap[2];
                a3 = ap[3];
            }
            else
            {
                a0 = A[i * lda + p];
                a1 = A[(i + 1) * lda + p];
                a2 = A[(i + 2) * lda + p];
                a3 = A[(i + 3) * lda + p];
            }
            if (a0 == 0 && a1 == 0 && a2 == 0 && a3 == 0)
                continue;       /* relu's zeros: a large share of D */
            for (j = 0; j < n; j++)
            {
                REAL x = bb[j];
                c0[j] += a0 * x;
                c1[j] += a1 * x;
                c2[j] += a2 * x;
                c3[j] += a3 * x;
            }
        }
    }
    for (; i < m; i++)
    {
        REAL *c = C + i * ldc;
        for (p = 0; p < k; p++)
        {
            REAL a = ta ? A[p * lda + i] : A[i * lda + p];
            const REAL *bb = B + p * ldb;
            if (a == 0)
                continue;
            for (j = 0; j < n; j++)
                c[j] += a * bb[j];
        }
    }
}

/* Pointers into the work space for a batch (stride cap). */
typedef struct
{
    REAL *A, *RA, *D0, *D1, *RD0, *RD1, *T;
    slong S;
}
MLP_FN(mlp_ptrs_);

static void MLP_FN(mlp_ptrs_init_) (MLP_FN(mlp_ptrs_) * P, cpwl_mlp_t M)
{
    mlp_work_t *W = M->work;
    REAL *base = W->buf;
    slong cap = M->cap;
    P->S = W->S;
    P->A = base;
    P->RA = P->A + cap * W->S;
    P->D0 = P->RA + cap * W->S;
    P->D1 = P->D0 + cap * W->maxw;
    P->RD0 = P->D1 + cap * W->maxw;
    P->RD1 = P->RD0 + cap * W->maxw;
    P->T = P->RD1 + cap * W->maxw;
}

/* Layer l's block in A (or RA): b x n_l with row stride n_l. */
static REAL *MLP_FN(mlp_layer_) (REAL *A, cpwl_mlp_t M, slong l)
{
    mlp_work_t *W = M->work;
    return A + M->cap * W->col[l];
}

/* A_l for l = 1 .. L (z_L in the last block), or the output into out when
   out is not NULL. */
static void MLP_FN(mlp_forward_) (REAL *out, MLP_FN(mlp_ptrs_) * P,
                                  const REAL *w, const REAL *X, slong b,
                                  cpwl_mlp_t M)
{
    REAL *A = P->A;
    mlp_work_t *W = M->work;
    slong l, i, j, L = M->nlayers;
    const REAL *in = X;
    for (l = 1; l <= L; l++)
    {
        slong n = M->width[l], m = M->width[l - 1];
        const REAL *Wl = w + W->off[l], *bl = Wl + n * m;
        REAL *Z = (l == L && out != NULL) ? out : MLP_FN(mlp_layer_) (A, M, l);
        for (i = 0; i < b; i++)
            memcpy(Z + i * n, bl, (size_t) n * sizeof(REAL));
        MLP_FN(mlp_gemm_) (M->blas, 0, 1, b, n, m, in, m, Wl, m, 1, Z, n,
                           P->T);
        if (l < L)
            for (i = 0; i < b * n; i++)
                if (!(Z[i] > 0))
                    Z[i] = 0;   /* relu; a NaN stays NaN */
        (void) j;
        in = Z;
    }
}

/* Check the targets; CPWL_OK or CPWL_ERR_INPUT. */
static int MLP_FN(mlp_check_targets_) (const REAL *Y, const int *labels,
                                       slong b, cpwl_mlp_loss kind,
                                       cpwl_mlp_t M, cpwl_err_t e)
{
    slong i, nL = M->width[M->nlayers];
    if (kind == CPWL_MLP_SQUARED)
    {
        if (Y == NULL && nL != M->width[0])
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "squared loss without targets needs as many "
                                "outputs as inputs (an autoencoder), not "
                                "%ld and %ld", (long) nL, (long) M->width[0]);
        return CPWL_OK;
    }
    if (kind != CPWL_MLP_XENT)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "unknown loss %d", (int) kind);
    if (labels == NULL)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "cross-entropy loss needs class labels");
    for (i = 0; i < b; i++)
        if (labels[i] < 0 || labels[i] >= (nL == 1 ? 2 : nL))
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "label %d of point %ld is not a class in "
                                "0 .. %ld", labels[i], (long) i + 1,
                                (long) (nL == 1 ? 1 : nL - 1));
    return CPWL_OK;
}

static int MLP_FN(mlp_start_) (const REAL *Y, const int *labels, slong b,
                               cpwl_mlp_loss kind, cpwl_mlp_t M,
                               cpwl_err_t e)
{
    if (b < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "a batch needs at least one point (got %ld)",
                            (long) b);
    if (MLP_FN(mlp_check_targets_) (Y, labels, b, kind, M, e))
        return e->status;
    return _mlp_reserve(M, b, e);
}

/* The output layer: the loss (binary64) into *loss, D = dloss/dZ_L, and
   when RZ is not NULL RD = (d^2 loss/dZ_L^2) RZ.  Z is b x nL. */
static void MLP_FN(mlp_output_) (double *loss, REAL *D, REAL *RD,
                                 const REAL *Z, const REAL *RZ,
                                 const REAL *X, const REAL *Y,
                                 const int *labels, slong b,
                                 cpwl_mlp_loss kind, slong nL)
{
    slong i, j;
    double acc = 0;
    const REAL *T = Y != NULL ? Y : X;
    /* 1/b exactly when b is a power of 2 (the dyadic tests rely on it) */
    REAL inv = (REAL) 1 / (REAL) b;
    if (kind == CPWL_MLP_SQUARED)
    {
        REAL two = 2 * inv;
        for (i = 0; i < b * nL; i++)
        {
            REAL d = Z[i] - T[i];
            acc += (double) d * (double) d;
            if (D != NULL)
                D[i] = two * d;
            if (RD != NULL)
                RD[i] = two * RZ[i];
        }
    }
    else if (nL == 1)
    {
        for (i = 0; i < b; i++)
        {
            /* logistic loss softplus(-z) or softplus(z), stably */
            REAL z = Z[i], s, ez = EXPR(-(z >= 0 ? z : -z));
            double t = labels[i] ? -(double) z : (double) z;
            acc += (t > 0 ? t : 0) + log1p(exp(-fabs(t)));
            s = z >= 0 ? 1 / (1 + ez) : ez / (1 + ez);  /* sigmoid(z) */
            if (D != NULL)
                D[i] = inv * (s - (REAL) labels[i]);
            if (RD != NULL)
                RD[i] = inv * (s * (1 - s)) * RZ[i];
        }
    }
    else
    {
        for (i = 0; i < b; i++)
        {
            const REAL *z = Z + i * nL;
            REAL mx = z[0], s = 0, pr = 0;
            REAL *d = D != NULL ? D + i * nL : NULL;
            for (j = 1; j < nL; j++)
                if (z[j] > mx)
                    mx = z[j];
            /* softmax through exp(z - max) (no overflow); the loss is
               ln sum exp(z - max) + max - z_c */
            for (j = 0; j < nL; j++)
            {
                REAL ej = EXPR(z[j] - mx);
                s += ej;
                if (d != NULL)
                    d[j] = ej;
            }
            acc += log((double) s) + (double) mx - (double) z[labels[i]];
            if (d == NULL)
                continue;
            for (j = 0; j < nL; j++)
                d[j] /= s;      /* p_j */
            if (RD != NULL)
            {
                /* (diag p - p p^T) rz = p .* (rz - <p, rz>) */
                const REAL *rz = RZ + i * nL;
                for (j = 0; j < nL; j++)
                    pr += d[j] * rz[j];
                for (j = 0; j < nL; j++)
                    RD[i * nL + j] = inv * (d[j] * (rz[j] - pr));
            }
            for (j = 0; j < nL; j++)
                d[j] = inv * (d[j] - (j == labels[i] ? 1 : 0));
        }
    }
    if (loss != NULL)
        *loss = acc / (double) b;
}

/* g_b = 1^T D (b x n). */
static void MLP_FN(mlp_colsum_) (REAL *g, const REAL *D, slong b, slong n,
                                 int acc)
{
    slong i, j;
    if (!acc)
        for (j = 0; j < n; j++)
            g[j] = 0;
    for (i = 0; i < b; i++)
        for (j = 0; j < n; j++)
            g[j] += D[i * n + j];
}

/* D .*= [A > 0] (b x n). */
static void MLP_FN(mlp_mask_) (REAL *D, const REAL *A, slong bn)
{
    slong i;
    for (i = 0; i < bn; i++)
        if (!(A[i] > 0))
            D[i] = 0;
}

int MLP_FN(cpwl_mlp_forward_) (REAL *out, const REAL *w, const REAL *X,
                               slong b, cpwl_mlp_t M, cpwl_err_t e)
{
    MLP_FN(mlp_ptrs_) P;
    if (b < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "a batch needs at least one point (got %ld)",
                            (long) b);
    if (_mlp_reserve(M, b, e))
        return e->status;
    MLP_FN(mlp_ptrs_init_) (&P, M);
    MLP_FN(mlp_forward_) (out, &P, w, X, b, M);
    return CPWL_OK;
}

int MLP_FN(cpwl_mlp_loss_grad_) (double *loss, REAL *grad, const REAL *w,
                                 const REAL *X, const REAL *Y,
                                 const int *labels, slong b,
                                 cpwl_mlp_loss kind, cpwl_mlp_t M,
                                 cpwl_err_t e)
{
    mlp_work_t *W = M->work;
    MLP_FN(mlp_ptrs_) P;
    slong l, L = M->nlayers;
    REAL *D, *Dp;

    if (MLP_FN(mlp_start_) (Y, labels, b, kind, M, e))
        return e->status;
    MLP_FN(mlp_ptrs_init_) (&P, M);
    MLP_FN(mlp_forward_) (NULL, &P, w, X, b, M);
    D = P.D0;
    Dp = P.D1;
    MLP_FN(mlp_output_) (loss, grad != NULL ? D : NULL, NULL,
                         MLP_FN(mlp_layer_) (P.A, M, L), NULL, X, Y, labels,
                         b, kind, M->width[L]);
    if (grad == NULL)
        return CPWL_OK;
    for (l = L; l >= 1; l--)
    {
        slong n = M->width[l], m = M->width[l - 1];
        const REAL *Wl = w + W->off[l];
        const REAL *Ain = l > 1 ? MLP_FN(mlp_layer_) (P.A, M, l - 1) : X;
        REAL *gW = grad + W->off[l], *t;
        MLP_FN(mlp_gemm_) (M->blas, 1, 0, n, m, b, D, n, Ain, m, 0, gW, m,
                           P.T);
        MLP_FN(mlp_colsum_) (gW + n * m, D, b, n, 0);
        if (l == 1)
            break;
        MLP_FN(mlp_gemm_) (M->blas, 0, 0, b, m, n, D, n, Wl, m, 0, Dp, m, P.T);
        MLP_FN(mlp_mask_) (Dp, Ain, b * m);
        t = D;
        D = Dp;
        Dp = t;
    }
    return CPWL_OK;
}

int MLP_FN(cpwl_mlp_hvp_) (REAL *Hv, const REAL *w, const REAL *v,
                           const REAL *X, const REAL *Y, const int *labels,
                           slong b, cpwl_mlp_loss kind, cpwl_mlp_t M,
                           cpwl_err_t e)
{
    mlp_work_t *W = M->work;
    MLP_FN(mlp_ptrs_) P;
    slong l, i, L = M->nlayers;
    REAL *D, *Dp, *RD, *RDp, *t;

    if (MLP_FN(mlp_start_) (Y, labels, b, kind, M, e))
        return e->status;
    MLP_FN(mlp_ptrs_init_) (&P, M);
    MLP_FN(mlp_forward_) (NULL, &P, w, X, b, M);
    /* R-forward: RA_0 = 0, so layer 1 has no W RA term */
    for (l = 1; l <= L; l++)
    {
        slong n = M->width[l], m = M->width[l - 1];
        const REAL *Wl = w + W->off[l], *Vl = v + W->off[l];
        const REAL *cl = Vl + n * m;
        const REAL *Ain = l > 1 ? MLP_FN(mlp_layer_) (P.A, M, l - 1) : X;
        REAL *RZ = MLP_FN(mlp_layer_) (P.RA, M, l);
        for (i = 0; i < b; i++)
            memcpy(RZ + i * n, cl, (size_t) n * sizeof(REAL));
        MLP_FN(mlp_gemm_) (M->blas, 0, 1, b, n, m, Ain, m, Vl, m, 1, RZ, n,
                           P.T);
        if (l > 1)
            MLP_FN(mlp_gemm_) (M->blas, 0, 1, b, n, m,
                               MLP_FN(mlp_layer_) (P.RA, M, l - 1), m, Wl, m,
                               1, RZ, n, P.T);
        if (l < L)
            MLP_FN(mlp_mask_) (RZ, MLP_FN(mlp_layer_) (P.A, M, l), b * n);
    }
    D = P.D0;
    Dp = P.D1;
    RD = P.RD0;
    RDp = P.RD1;
    MLP_FN(mlp_output_) (NULL, D, RD, MLP_FN(mlp_layer_) (P.A, M, L),
                         MLP_FN(mlp_layer_) (P.RA, M, L), X, Y, labels, b,
                         kind, M->width[L]);
    for (l = L; l >= 1; l--)
    {
        slong n = M->width[l], m = M->width[l - 1];
        const REAL *Wl = w + W->off[l], *Vl = v + W->off[l];
        const REAL *Ain = l > 1 ? MLP_FN(mlp_layer_) (P.A, M, l - 1) : X;
        REAL *H = Hv + W->off[l];
        MLP_FN(mlp_gemm_) (M->blas, 1, 0, n, m, b, RD, n, Ain, m, 0, H, m,
                           P.T);
        if (l > 1)
            MLP_FN(mlp_gemm_) (M->blas, 1, 0, n, m, b, D, n,
                               MLP_FN(mlp_layer_) (P.RA, M, l - 1), m, 1, H,
                               m, P.T);
        MLP_FN(mlp_colsum_) (H + n * m, RD, b, n, 0);
        if (l == 1)
            break;
        MLP_FN(mlp_gemm_) (M->blas, 0, 0, b, m, n, RD, n, Wl, m, 0, RDp, m,
                           P.T);
        MLP_FN(mlp_gemm_) (M->blas, 0, 0, b, m, n, D, n, Vl, m, 1, RDp, m,
                           P.T);
        MLP_FN(mlp_mask_) (RDp, Ain, b * m);
        MLP_FN(mlp_gemm_) (M->blas, 0, 0, b, m, n, D, n, Wl, m, 0, Dp, m, P.T);
        MLP_FN(mlp_mask_) (Dp, Ain, b * m);
        t = D;
        D = Dp;
        Dp = t;
        t = RD;
        RD = RDp;
        RDp = t;
    }
    return CPWL_OK;
}

slong MLP_FN(cpwl_mlp_mistakes_) (const REAL *w, const REAL *X,
                                  const int *labels, slong b, cpwl_mlp_t M,
                                  cpwl_err_t e)
{
    MLP_FN(mlp_ptrs_) P;
    slong i, j, bad = 0, L = M->nlayers, nL = M->width[L];
    const REAL *Z;
    if (MLP_FN(mlp_start_) (NULL, labels, b, CPWL_MLP_XENT, M, e))
        return -1;
    MLP_FN(mlp_ptrs_init_) (&P, M);
    MLP_FN(mlp_forward_) (NULL, &P, w, X, b, M);
    Z = MLP_FN(mlp_layer_) (P.A, M, L);
    for (i = 0; i < b; i++)
    {
        const REAL *z = Z + i * nL;
        slong c = 0;
        if (nL == 1)
            c = z[0] > 0;
        else
            for (j = 1; j < nL; j++)
                if (z[j] > z[c])
                    c = j;
        bad += c != labels[i];
    }
    return bad;
}

#undef MLP_FN
#undef MLP_CAT
#undef MLP_CAT2
