/* Training a Gaussian posterior over a ReLU classifier's weights with
   PBB's objectives (Perez-Ortiz, Rivasplata, Shawe-Taylor, Szepesvari
   2021): the network's forward and backward passes for the bounded
   cross-entropy, the KL and its derivative, the objective, the loop.
   The files and the certificate are in pbtrain_cert.c.

   The backward pass is written here rather than taken from module mlp:
   mlp differentiates the unbounded cross-entropy only, and the bounded
   one needs the output derivative set to 0 where p_y < p_min. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif
#include "cpwl/pbtrain.h"

const char *cpwl_pbtrain_objective_name(cpwl_pbtrain_objective kind)
{
    return kind == CPWL_PBTRAIN_FCLASSIC ? "fclassic" : "fquad";
}

int cpwl_pbtrain_objective_from_name(const char *name)
{
    if (strcmp(name, "fquad") == 0)
        return CPWL_PBTRAIN_FQUAD;
    if (strcmp(name, "fclassic") == 0)
        return CPWL_PBTRAIN_FCLASSIC;
    return -1;
}

/* softplus(r) = ln(1 + e^r) without overflow: r + ln(1 + e^-r) for r > 0. */
double cpwl_pbtrain_softplus(double r)
{
    return r > 0 ? r + log1p(exp(-r)) : log1p(exp(r));
}

double cpwl_pbtrain_sigmoid(double r)
{
    if (r >= 0)
        return 1 / (1 + exp(-r));
    else
    {
        double t = exp(r);
        return t / (1 + t);
    }
}

void cpwl_pbtrain_sigma(double *sigma, const cpwl_pbtrain_t T)
{
    slong i;
    for (i = 0; i < T->d; i++)
        sigma[i] = cpwl_pbtrain_softplus(T->x[T->d + i]);
}

/* Activations a_0 (not stored: X), z_1..z_L and deltas, b rows each. */
static slong work_size(const cpwl_pbtrain_t T, slong b)
{
    slong l, s = 0;
    for (l = 1; l <= T->nlayers; l++)
        s += 2 * b * T->width[l];
    return s;
}

static int ensure_work(cpwl_pbtrain_t T, slong b, cpwl_err_t e)
{
    double *w;
    if (b <= T->cap)
        return CPWL_OK;
    w = realloc(T->work, (size_t) work_size(T, b) * sizeof(double));
    if (w == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "out of memory for a batch "
                            "of %ld points", (long) b);
    T->work = w;
    T->cap = b;
    return CPWL_OK;
}

int cpwl_pbtrain_init(cpwl_pbtrain_t T, const slong *widths, slong nlayers,
                      double sigma0, uint64_t seed, cpwl_err_t e)
{
    slong l, i, j, k, d = 0;
    uint64_t rng = seed;
    double r0;

    memset(T, 0, sizeof(*T));
    if (nlayers < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "a classifier needs at least "
                            "one layer");
    for (l = 0; l <= nlayers; l++)
        if (widths[l] < 1 || widths[l] > (WORD(1) << 24))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "width %ld of layer %ld: "
                                "expected 1 to 2^24", (long) widths[l],
                                (long) l);
    if (widths[nlayers] < 2)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the classifier needs one "
                            "output per class, at least 2");
    if (!(sigma0 > 0) || !isfinite(sigma0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the prior's sigma must be a "
                            "finite number > 0");
    for (l = 1; l <= nlayers; l++)
    {
        d += widths[l] * (widths[l - 1] + 1);
        if (d > (WORD(1) << 30))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "more than 2^30 "
                                "parameters");
    }
    r0 = log(expm1(sigma0));
    if (!isfinite(r0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the prior's sigma %g has no "
                            "finite softplus preimage", sigma0);
    T->nlayers = nlayers;
    T->d = d;
    T->sigma0 = sigma0;
    T->width = flint_malloc((nlayers + 1) * sizeof(slong));
    memcpy(T->width, widths, (nlayers + 1) * sizeof(slong));
    T->w0 = flint_malloc(d * sizeof(double));
    T->x = flint_malloc(2 * d * sizeof(double));
#ifdef HAVE_OPENBLAS
    T->blas = 1;
#endif
    /* W_l entries N(0, 1/n_{l-1}) (PBB's initialisation, without its
       truncation at 2 standard deviations), biases 0; the generator is
       module stochnet's, so the prior is fixed by the seed alone. */
    k = 0;
    for (l = 1; l <= nlayers; l++)
    {
        double s = 1 / sqrt((double) widths[l - 1]);
        slong nw = widths[l] * widths[l - 1];
        cpwl_stochnet_normals(T->w0 + k, nw, &rng);
        for (i = 0; i < nw; i++)
            T->w0[k + i] *= s;
        k += nw;
        for (j = 0; j < widths[l]; j++)
            T->w0[k++] = 0;
    }
    memcpy(T->x, T->w0, d * sizeof(double));
    for (i = 0; i < d; i++)
        T->x[d + i] = r0;
    return CPWL_OK;
}

void cpwl_pbtrain_clear(cpwl_pbtrain_t T)
{
    flint_free(T->width);
    flint_free(T->w0);
    flint_free(T->x);
    free(T->work);
    memset(T, 0, sizeof(*T));
}

double cpwl_pbtrain_kl_d(double *gmu, double *gsigma, const double *mu,
                         const double *sigma, const double *w0, double s0,
                         slong d)
{
    slong i;
    double s = 0, v0 = s0 * s0, ls0 = log(s0);
    for (i = 0; i < d; i++)
    {
        double dm = mu[i] - w0[i], si = sigma[i];
        s += ls0 - log(si) + (si * si + dm * dm) / (2 * v0) - 0.5;
        if (gmu != NULL)
            gmu[i] = dm / v0;
        if (gsigma != NULL)
            gsigma[i] = si / v0 - 1 / si;
    }
    return s;
}

/* C (r x c) = A (r x n) B^T (c x n rows), row-major. */
static void mul_abt(double *C, const double *A, const double *B, slong r,
                    slong c, slong n, int blas)
{
    slong i, j, k;
#ifdef HAVE_OPENBLAS
    if (blas)
    {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int) r, (int) c,
                    (int) n, 1.0, A, (int) n, B, (int) n, 0.0, C, (int) c);
        return;
    }
#endif
    (void) blas;
    for (i = 0; i < r; i++)
        for (j = 0; j < c; j++)
        {
            double s = 0;
            for (k = 0; k < n; k++)
                s += A[i * n + k] * B[j * n + k];
            C[i * c + j] = s;
        }
}

/* C (r x c) = A^T B with A (n x r), B (n x c). */
static void mul_atb(double *C, const double *A, const double *B, slong r,
                    slong c, slong n, int blas)
{
    slong i, j, k;
#ifdef HAVE_OPENBLAS
    if (blas)
    {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int) r, (int) c,
                    (int) n, 1.0, A, (int) r, B, (int) c, 0.0, C, (int) c);
        return;
    }
#endif
    (void) blas;
    memset(C, 0, (size_t) (r * c) * sizeof(double));
    for (k = 0; k < n; k++)
        for (i = 0; i < r; i++)
        {
            double a = A[k * r + i];
            if (a != 0)
                for (j = 0; j < c; j++)
                    C[i * c + j] += a * B[k * c + j];
        }
}

/* C (r x c) = A B with A (r x n), B (n x c). */
static void mul_ab(double *C, const double *A, const double *B, slong r,
                   slong c, slong n, int blas)
{
    slong i, j, k;
#ifdef HAVE_OPENBLAS
    if (blas)
    {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) r,
                    (int) c, (int) n, 1.0, A, (int) n, B, (int) c, 0.0, C,
                    (int) c);
        return;
    }
#endif
    (void) blas;
    memset(C, 0, (size_t) (r * c) * sizeof(double));
    for (i = 0; i < r; i++)
        for (k = 0; k < n; k++)
        {
            double a = A[i * n + k];
            if (a != 0)
                for (j = 0; j < c; j++)
                    C[i * c + j] += a * B[k * c + j];
        }
}

/* z_l of every layer into the work space (z_L: the outputs); hidden z_l
   are replaced by relu(z_l) in place (relu'(0) = 0 is read back from
   a_l > 0). */
static double *forward(const double *w, const double *X, slong b,
                       cpwl_pbtrain_t T)
{
    slong l, i, j, off = 0;
    const double *a = X;
    double *z = T->work;
    for (l = 1; l <= T->nlayers; l++)
    {
        slong n = T->width[l - 1], c = T->width[l];
        const double *W = w + off, *bias = w + off + c * n;
        mul_abt(z, a, W, b, c, n, T->blas);
        for (i = 0; i < b; i++)
            for (j = 0; j < c; j++)
            {
                double t = z[i * c + j] + bias[j];
                z[i * c + j] = (l < T->nlayers && !(t > 0)) ? 0 : t;
            }
        off += c * (n + 1);
        a = z;
        if (l < T->nlayers)
            z += b * c;
    }
    return z;
}

int cpwl_pbtrain_forward_d(double *out, const double *w, const double *X,
                           slong b, cpwl_pbtrain_t T, cpwl_err_t e)
{
    double *z;
    if (b <= 0)
        return CPWL_OK;
    if (ensure_work(T, b, e) != CPWL_OK)
        return e->status;
    z = forward(w, X, b, T);
    memcpy(out, z, (size_t) (b * T->width[T->nlayers]) * sizeof(double));
    return CPWL_OK;
}

int cpwl_pbtrain_bce_grad_d(double *loss, double *grad, const double *w,
                            const double *X, const int *labels, slong b,
                            double p_min, cpwl_pbtrain_t T, cpwl_err_t e)
{
    slong L = T->nlayers, k = T->width[L], i, j, l, off;
    double *z, *dz, *dprev, c, sum = 0;

    if (!(p_min > 0 && p_min < 1))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "p_min must be in (0, 1)");
    for (i = 0; i < b; i++)
        if (labels[i] < 0 || labels[i] >= k)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "point %ld: label %d is "
                                "not a class 0 to %ld", (long) i + 1,
                                labels[i], (long) k - 1);
    if (b <= 0)
    {
        if (loss != NULL)
            *loss = 0;
        if (grad != NULL)
            memset(grad, 0, (size_t) T->d * sizeof(double));
        return CPWL_OK;
    }
    if (ensure_work(T, b, e) != CPWL_OK)
        return e->status;
    c = -log(p_min);
    z = forward(w, X, b, T);
    /* The deltas live after the activations. */
    dz = T->work + work_size(T, b) / 2;
    {
        slong s = 0;
        for (l = 1; l < L; l++)
            s += b * T->width[l];
        dz += s;                /* delta of the output layer */
    }
    for (i = 0; i < b; i++)
    {
        const double *f = z + i * k;
        double mx = f[0], se = 0, nll;
        for (j = 1; j < k; j++)
            mx = FLINT_MAX(mx, f[j]);
        for (j = 0; j < k; j++)
            se += exp(f[j] - mx);
        nll = mx + log(se) - f[labels[i]];
        /* PBB clamps ln p_y at ln p_min: l = min(-ln p_y, c)/c, whose
           derivative is 0 on the flat part (p_y < p_min). */
        if (nll < c)
        {
            sum += nll / c;
            for (j = 0; j < k; j++)
                dz[i * k + j] = (exp(f[j] - mx) / se
                                 - (j == labels[i] ? 1.0 : 0.0)) / (c * b);
        }
        else
        {
            sum += 1;
            for (j = 0; j < k; j++)
                dz[i * k + j] = 0;
        }
    }
    if (loss != NULL)
        *loss = sum / b;
    if (grad == NULL)
        return CPWL_OK;

    /* Backward: layer by layer from the output. */
    off = T->d;
    for (l = L; l >= 1; l--)
    {
        slong n = T->width[l - 1], cw = T->width[l];
        const double *a;
        double *gW, *gb;
        off -= cw * (n + 1);
        gW = grad + off;
        gb = gW + cw * n;
        if (l > 1)
        {
            slong s = 0, q;
            for (q = 1; q < l - 1; q++)
                s += b * T->width[q];
            a = T->work + s;    /* relu(z_{l-1}) */
        }
        else
            a = X;
        mul_atb(gW, dz, a, cw, n, b, T->blas);
        for (j = 0; j < cw; j++)
            gb[j] = 0;
        for (i = 0; i < b; i++)
            for (j = 0; j < cw; j++)
                gb[j] += dz[i * cw + j];
        if (l > 1)
        {
            dprev = dz - b * n;
            mul_ab(dprev, dz, w + off, b, n, cw, T->blas);
            for (i = 0; i < b * n; i++)
                if (!(a[i] > 0))
                    dprev[i] = 0;
            dz = dprev;
        }
    }
    return CPWL_OK;
}

double cpwl_pbtrain_objective_d(double *dloss, double *dkl,
                                cpwl_pbtrain_objective kind, double loss,
                                double kl, slong m, double delta)
{
    double B = kl + log(2 * sqrt((double) m) / delta), r = B / (2.0 * m);
    double sr = sqrt(r), F;
    if (kind == CPWL_PBTRAIN_FCLASSIC)
    {
        F = loss + sr;
        if (dloss != NULL)
            *dloss = 1;
        if (dkl != NULL)
            *dkl = 1 / (4.0 * m * sr);
    }
    else
    {
        /* F = (a + s)^2, a = sqrt(L + r), s = sqrt(r): dF/dL = (a + s)/a,
           dF/dB = (a + s)(1/a + 1/s)/(2m). */
        double a = sqrt(loss + r);
        F = (a + sr) * (a + sr);
        if (dloss != NULL)
            *dloss = (a + sr) / a;
        if (dkl != NULL)
            *dkl = (a + sr) * (1 / a + 1 / sr) / (2.0 * m);
    }
    return F;
}

void cpwl_pbtrain_opts_init(cpwl_pbtrain_opts *o)
{
    o->objective = CPWL_PBTRAIN_FQUAD;
    o->p_min = 1e-4;
    o->delta = 0.025;
    o->epochs = 10;
    o->steps = 0;
    o->batch = 250;
    o->seed = 1;
}

int cpwl_pbtrain_train(cpwl_pbtrain_result *res, cpwl_pbtrain_t T,
                       const double *X, const int *labels, slong m,
                       const cpwl_pbtrain_opts *po, const cpwl_optim_opts_t o,
                       volatile sig_atomic_t *stop,
                       cpwl_pbtrain_visit_fn visit, void *visit_data,
                       cpwl_err_t e)
{
    slong d = T->d, n0 = T->width[0], b = po->batch, per_epoch, total;
    slong i, step = 0, epoch = 0, pos;
    double *y = NULL, *g = NULL, *xi = NULL, *w = NULL, *sig = NULL,
        *gw = NULL, *gks = NULL, *Xb = NULL;
    int *lb = NULL;
    slong *perm = NULL;
    double acc_f = 0, acc_l = 0, acc_k = 0;
    slong acc_n = 0;
    uint64_t rng = po->seed;
    cpwl_optim_fast_t R;
    int status = CPWL_OK, have_R = 0;

    memset(res, 0, sizeof(*res));
    if (b < 1 || b > m)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the batch size must be 1 to "
                            "the number of points %ld, got %ld", (long) m,
                            (long) b);
    if (!(po->p_min > 0 && po->p_min < 1) || !(po->delta > 0 && po->delta < 1))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "p_min and delta must be in "
                            "(0, 1)");
    per_epoch = m / b;
    total = po->steps > 0 ? po->steps : po->epochs * per_epoch;
    if (cpwl_optim_fast_init(R, o, 2 * d, 0, e) != CPWL_OK)
        return e->status;
    have_R = 1;
    y = flint_malloc(2 * d * sizeof(double));
    g = flint_malloc(2 * d * sizeof(double));
    xi = flint_malloc(d * sizeof(double));
    w = flint_malloc(d * sizeof(double));
    sig = flint_malloc(d * sizeof(double));
    gw = flint_malloc(d * sizeof(double));
    gks = flint_malloc(d * sizeof(double));
    Xb = flint_malloc(b * n0 * sizeof(double));
    lb = flint_malloc(b * sizeof(int));
    perm = flint_malloc(m * sizeof(slong));
    for (i = 0; i < m; i++)
        perm[i] = i;
    pos = m;                    /* a new permutation at the first step */

    while (step < total)
    {
        double loss, kl, F, dL, dK;
        const double *pt;
        if (stop != NULL && *stop)
        {
            res->stopped = 1;
            break;
        }
        if (pos + b > m)
        {
            /* Fisher-Yates with splitmix64 (modulo bias below 2^-40 for
               m < 2^24: irrelevant to a shuffle). */
            for (i = m - 1; i > 0; i--)
            {
                slong j = (slong) (cpwl_stochnet_splitmix64(&rng)
                                   % (uint64_t) (i + 1)), t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            pos = 0;
        }
        for (i = 0; i < b; i++)
        {
            memcpy(Xb + i * n0, X + perm[pos + i] * n0, n0 * sizeof(double));
            lb[i] = labels[perm[pos + i]];
        }
        pos += b;

        /* The gradient at the optimiser's point (nag's look-ahead). */
        pt = cpwl_optim_fast_point_d(y, R, T->x);
        cpwl_stochnet_normals(xi, d, &rng);
        for (i = 0; i < d; i++)
        {
            sig[i] = cpwl_pbtrain_softplus(pt[d + i]);
            w[i] = pt[i] + sig[i] * xi[i];
        }
        if ((status = cpwl_pbtrain_bce_grad_d(&loss, gw, w, Xb, lb, b,
                                              po->p_min, T, e)) != CPWL_OK)
            goto done;
        kl = cpwl_pbtrain_kl_d(g, gks, pt, sig, T->w0, T->sigma0, d);
        F = cpwl_pbtrain_objective_d(&dL, &dK, po->objective, loss, kl, m,
                                     po->delta);
        if (!isfinite(F))
        {
            status = cpwl_err_set(e, CPWL_ERR_INPUT, "step %ld: the objective "
                                  "is not finite (the learning rate may be "
                                  "too large)", (long) step + 1);
            goto done;
        }
        /* Reparametrisation: dF/dmu = dL dl/dw + dK dKL/dmu; dF/drho =
           (dL dl/dw xi + dK dKL/dsigma) sigmoid(rho). */
        for (i = 0; i < d; i++)
        {
            double gm = g[i];
            g[i] = dL * gw[i] + dK * gm;
            g[d + i] = (dL * gw[i] * xi[i] + dK * gks[i])
                       * cpwl_pbtrain_sigmoid(pt[d + i]);
        }
        cpwl_optim_fast_step_d(R, T->x, g);
        step++;
        acc_f += F;
        acc_l += loss;
        acc_k += kl;
        acc_n++;
        if (step % per_epoch == 0 || step == total)
        {
            epoch += step % per_epoch == 0;
            res->objective = acc_f / acc_n;
            res->loss = acc_l / acc_n;
            res->kl = acc_k / acc_n;
            if (res->steps == 0 && epoch <= 1)
                res->first_objective = res->objective;
            res->steps = step;
            acc_f = acc_l = acc_k = 0;
            acc_n = 0;
            if (visit != NULL
                && visit(visit_data, epoch, step, res->objective, res->loss,
                         res->kl))
            {
                res->stopped = 1;
                break;
            }
        }
    }
    res->steps = step;
done:
    if (have_R)
        cpwl_optim_fast_clear(R);
    flint_free(y);
    flint_free(g);
    flint_free(xi);
    flint_free(w);
    flint_free(sig);
    flint_free(gw);
    flint_free(gks);
    flint_free(Xb);
    flint_free(lb);
    flint_free(perm);
    return status;
}

slong cpwl_pbtrain_mistakes_d(const double *w, const double *X,
                              const int *labels, slong b, cpwl_pbtrain_t T,
                              cpwl_err_t e)
{
    slong k = T->width[T->nlayers], i, j, chunk = 1000, s, mist = 0;
    for (s = 0; s < b; s += chunk)
    {
        slong r = FLINT_MIN(chunk, b - s);
        double *z;
        if (ensure_work(T, r, e) != CPWL_OK)
            return -1;
        z = forward(w, X + s * T->width[0], r, T);
        for (i = 0; i < r; i++)
        {
            slong best = 0;
            for (j = 1; j < k; j++)
                if (z[i * k + j] > z[i * k + best])
                    best = j;
            mist += best != labels[s + i];
        }
    }
    return mist;
}

int cpwl_pbtrain_stochastic_error_d(double *err, const cpwl_stochnet_t Q,
                                    const double *X, const int *labels,
                                    slong b, slong samples, uint64_t seed,
                                    cpwl_pbtrain_t T, cpwl_err_t e)
{
    double *w;
    slong s, total = 0;
    uint64_t rng = seed;
    if (Q->w->d != T->d)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the posterior has %ld "
                            "parameters, the classifier %ld", (long) Q->w->d,
                            (long) T->d);
    if (samples < 1 || b < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "need at least one draw and "
                            "one point");
    w = flint_malloc(T->d * sizeof(double));
    for (s = 0; s < samples; s++)
    {
        slong k;
        if (cpwl_stochnet_draw(w, Q, &rng, e) != CPWL_OK
            || (k = cpwl_pbtrain_mistakes_d(w, X, labels, b, T, e)) < 0)
        {
            flint_free(w);
            return e->status;
        }
        total += k;
    }
    flint_free(w);
    *err = (double) total / ((double) samples * (double) b);
    return CPWL_OK;
}
