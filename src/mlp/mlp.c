/* Module mlp: the context (shape, precision, work space), shape parsing,
   seeded initial parameters and the conversion to an exact cpwl network.
   The loss, gradient and Hessian-vector products are in mlp_impl.h. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl/ieee.h"
#include "cpwl/mlp.h"
#include "splitmix.h"
#include "mlp_int.h"

/* At most 2^31 - 1 parameters: indices then fit every BLAS's int. */
#define MLP_MAX_PARAMS (((slong) 1 << 31) - 1)

int cpwl_mlp_have_blas(void)
{
#ifdef HAVE_OPENBLAS
    return 1;
#else
    return 0;
#endif
}

int cpwl_mlp_init(cpwl_mlp_t M, const slong *widths, slong nlayers,
                  cpwl_mlp_prec prec, cpwl_err_t e)
{
    slong l, n = 0, S = 0, maxw = 0, maxmn = 0;
    mlp_work_t *W;

    memset(M, 0, sizeof(cpwl_mlp_struct));
    if (nlayers < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "a network needs at least one layer (got %ld)",
                            (long) nlayers);
    if (prec != CPWL_MLP_DOUBLE && prec != CPWL_MLP_FLOAT)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "unknown precision %d",
                            (int) prec);
    for (l = 0; l <= nlayers; l++)
        if (widths[l] < 1 || widths[l] > MLP_MAX_PARAMS)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "width %ld of layer %ld "
                                "is not in 1 .. 2^31 - 1", (long) widths[l],
                                (long) l);
    for (l = 1; l <= nlayers; l++)
    {
        /* each term is below 2^62 + 2^31 and n stays below 2^31 here */
        n += widths[l] * widths[l - 1] + widths[l];
        if (n > MLP_MAX_PARAMS)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "the network has more "
                                "than 2^31 - 1 parameters");
        S += widths[l];
        if (widths[l] > maxw)
            maxw = widths[l];
        if (widths[l] * widths[l - 1] > maxmn)
            maxmn = widths[l] * widths[l - 1];
    }
    W = calloc(1, sizeof(mlp_work_t));
    M->width = malloc((size_t) (nlayers + 1) * sizeof(slong));
    if (W != NULL)
    {
        W->off = malloc((size_t) (nlayers + 2) * sizeof(slong));
        W->col = malloc((size_t) (nlayers + 1) * sizeof(slong));
    }
    if (W == NULL || M->width == NULL || W->off == NULL || W->col == NULL)
    {
        if (W != NULL)
        {
            free(W->off);
            free(W->col);
        }
        free(W);
        free(M->width);
        M->width = NULL;
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "out of memory");
    }
    memcpy(M->width, widths, (size_t) (nlayers + 1) * sizeof(slong));
    W->S = S;
    W->maxw = maxw;
    W->maxmn = maxmn;
    W->off[1] = 0;
    W->col[1] = 0;
    W->col[0] = 0;
    W->off[0] = 0;
    for (l = 1; l <= nlayers; l++)
    {
        W->off[l + 1] = W->off[l] + widths[l] * widths[l - 1] + widths[l];
        if (l < nlayers)
            W->col[l + 1] = W->col[l] + widths[l];
    }
    M->nlayers = nlayers;
    M->nparams = n;
    M->prec = prec;
    M->blas = cpwl_mlp_have_blas();
    M->cap = 0;
    M->work = W;
    return CPWL_OK;
}

void cpwl_mlp_clear(cpwl_mlp_t M)
{
    mlp_work_t *W = M->work;
    if (W != NULL)
    {
        free(W->buf);
        free(W->off);
        free(W->col);
        free(W);
    }
    free(M->width);
    memset(M, 0, sizeof(cpwl_mlp_struct));
}

int _mlp_reserve(cpwl_mlp_t M, slong b, cpwl_err_t e)
{
    mlp_work_t *W = M->work;
    size_t es = M->prec == CPWL_MLP_FLOAT ? sizeof(float) : sizeof(double);
    size_t per, bytes;
    void *p;

    if (b <= M->cap)
        return CPWL_OK;
    per = (size_t) (2 * W->S + 4 * W->maxw) * es;
    if ((size_t) b > (SIZE_MAX - (size_t) W->maxmn * es) / per)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL,
                            "out of memory (a batch of %ld points)", (long) b);
    bytes = per * (size_t) b + (size_t) W->maxmn * es;
    p = malloc(bytes);
    if (p == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL,
                            "out of memory (a batch of %ld points)", (long) b);
    free(W->buf);
    W->buf = p;
    W->bytes = bytes;
    M->cap = b;
    return CPWL_OK;
}

slong cpwl_mlp_parse_shape(slong *widths, slong max, const char *s,
                           cpwl_err_t e)
{
    slong k = 0;
    const char *p = s;
    char *end;
    long long v;

    for (;;)
    {
        if (!isdigit((unsigned char) *p))
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "shape \"%s\": expected widths separated "
                                "by '-' (such as 784-256-784) at offset %ld",
                                s, (long) (p - s)), -1;
        errno = 0;
        v = strtoll(p, &end, 10);
        if (errno != 0 || v < 1 || v > MLP_MAX_PARAMS)
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "shape \"%s\": width at offset %ld is not "
                                "in 1 .. 2^31 - 1", s, (long) (p - s)), -1;
        if (k >= max)
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "shape \"%s\": more than %ld widths", s,
                                (long) max), -1;
        widths[k++] = (slong) v;
        p = end;
        if (*p == '\0')
            break;
        if (*p != '-')
            return cpwl_err_set(e, CPWL_ERR_INPUT,
                                "shape \"%s\": expected '-' at offset %ld", s,
                                (long) (p - s)), -1;
        p++;
    }
    if (k < 2)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "shape \"%s\": expected at least two widths "
                            "(inputs and outputs)", s), -1;
    return k - 1;
}


void cpwl_mlp_init_params_d(double *w, const cpwl_mlp_t M, uint64_t seed)
{
    uint64_t st = seed;
    slong l, i, k = 0;
    for (l = 1; l <= M->nlayers; l++)
    {
        slong nw = M->width[l] * M->width[l - 1];
        /* He et al. 2015 in its uniform form: variance 2 / fan_in */
        double s = sqrt(6.0 / (double) M->width[l - 1]);
        for (i = 0; i < nw; i++)
        {
            /* u in [0, 1) with 53 random bits; 2u - 1 and the product by
               s stay in [-s, s] (rounding is monotone and s*(+-1) = +-s) */
            double u = (double) (_cpwl_splitmix64(&st) >> 11) * 0x1.0p-53;
            w[k++] = s * (2.0 * u - 1.0);
        }
        for (i = 0; i < M->width[l]; i++)
            w[k++] = 0.0;
    }
}

/* The same draws rounded to binary32: one generator for both formats. */
void cpwl_mlp_init_params_f(float *w, const cpwl_mlp_t M, uint64_t seed)
{
    double *t = flint_malloc(FLINT_MAX(M->nparams, 1) * sizeof(double));
    slong k;
    cpwl_mlp_init_params_d(t, M, seed);
    for (k = 0; k < M->nparams; k++)
        w[k] = (float) t[k];
    flint_free(t);
}

/* w[k] for k in layer order, as double (exact for both types). */
static void to_net(cpwl_net_t net, const double *wd, const float *wf,
                   const cpwl_mlp_t M)
{
    cpwl_net_t t;
    slong l, i, j, k = 0;
    cpwl_net_init(t, M->width[0]);
    for (l = 1; l <= M->nlayers; l++)
    {
        cpwl_net_layer_struct *L = cpwl_net_add_layer(t,
            l < M->nlayers ? CPWL_NET_RELU : CPWL_NET_IDENTITY, M->width[l]);
        for (i = 0; i < M->width[l]; i++)
            for (j = 0; j < M->width[l - 1]; j++, k++)
                cpwl_ieee_get_fmpq(fmpq_mat_entry(L->W, i, j),
                                   wd != NULL ? wd[k] : (double) wf[k]);
        for (i = 0; i < M->width[l]; i++, k++)
            cpwl_ieee_get_fmpq(L->b + i, wd != NULL ? wd[k] : (double) wf[k]);
    }
    /* the output layer has a bias like every other */
    t->output_bias = 1;
    cpwl_net_prepare(t);
    cpwl_net_swap(net, t);
    cpwl_net_clear(t);
}

void cpwl_mlp_to_net_d(cpwl_net_t net, const double *w, const cpwl_mlp_t M)
{
    to_net(net, w, NULL, M);
}

void cpwl_mlp_to_net_f(cpwl_net_t net, const float *w, const cpwl_mlp_t M)
{
    to_net(net, NULL, w, M);
}
