/* Fuzz the cpwl-gauss reader (cpwl_stochnet_read_str).  A file that
   reads must be consistent: one mean and one sigma > 0 per parameter (or
   a shared variance > 0), the network's weights equal to the binary64
   means, only relu, identity and leaky_relu layers; a draw either fails
   with an input error or gives finite weights whose network evaluates.
   Inputs that may name a mean file (a "mean" string, or any backslash,
   which could spell the key or a path otherwise) are skipped: the
   harness must not read the machine's files (/dev/zero). */
#include <math.h>
#include <flint/flint.h>
#include <flint/fmpq_vec.h>
#include "cpwl/num.h"
#include "cpwl/stochnet.h"
#include "fuzz.h"

/* Whether the text has "mean" followed by ':' and a string. */
static int names_a_file(const char *s, size_t n)
{
    size_t i, j;
    if (memchr(s, '\\', n) != NULL)
        return 1;
    for (i = 0; i + 6 <= n; i++)
    {
        if (memcmp(s + i, "\"mean\"", 6) != 0)
            continue;
        for (j = i + 6; j < n && strchr(" \t\r\n:", s[j]) != NULL; j++)
            ;
        if (j < n && s[j] == '"')
            return 1;
    }
    return 0;
}

static void fail(const char *what)
{
    fprintf(stderr, "fuzz: %s\n", what);
    abort();
}

static void check_read(const cpwl_stochnet_t S)
{
    slong d = cpwl_stochnet_num_params(S->net), l, i, j, k = 0;
    if (S->w->d != d)
        fail("the distribution's size is not the network's parameter count");
    if (S->w->sigma == NULL && !arb_is_positive(S->w->var))
        fail("a shared variance that is not > 0");
    if (S->w->sigma == NULL && (S->sigma > 0) == (S->grid_j > 0))
        fail("a shared variance that is neither a sigma nor a grid point");
    for (l = 0; l < S->net->nlayers; l++)
    {
        cpwl_net_act_t a = S->net->layers[l].act;
        if (a != CPWL_NET_RELU && a != CPWL_NET_IDENTITY
            && a != CPWL_NET_LEAKY_RELU)
            fail("an activation a stochastic network may not have");
    }
    /* The means, in parameter order, are the network's weights. */
    k = 0;
    for (l = 0; l < S->net->nlayers; l++)
    {
        const cpwl_net_layer_struct *L = S->net->layers + l;
        for (i = 0; i < L->out; i++)
            for (j = 0; j < L->in; j++)
            {
                if (!isfinite(S->w->mu[k]) || cpwl_num_fmpq_get_d(
                        fmpq_mat_entry(L->W, i, j)) != S->w->mu[k])
                    fail("a weight that is not its binary64 mean");
                k++;
            }
        for (i = 0; i < L->out; i++)
        {
            if (!isfinite(S->w->mu[k])
                || cpwl_num_fmpq_get_d(L->b + i) != S->w->mu[k])
                fail("a bias that is not its binary64 mean");
            k++;
        }
    }
    if (S->w->sigma != NULL)
        for (k = 0; k < d; k++)
            if (!(S->w->sigma[k] > 0) || !isfinite(S->w->sigma[k]))
                fail("a sigma that is not finite and > 0");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_stochnet_t S;
    cpwl_err_t e;
    int st;
    if (names_a_file((const char *) data, size))
        return 0;
    cpwl_stochnet_init(S);
    cpwl_err_init(e);
    st = cpwl_stochnet_read_str(S, NULL, (const char *) data, size,
                                "fuzz.json", e);
    fuzz_check_err(e, st);
    if (st == CPWL_OK)
    {
        slong d = cpwl_stochnet_num_params(S->net), k;
        double *w = flint_malloc(sizeof(double) * FLINT_MAX(d, 1));
        uint64_t rng = 1;
        check_read(S);
        cpwl_err_clear(e);
        cpwl_err_init(e);
        st = cpwl_stochnet_draw(w, S, &rng, e);
        fuzz_check_err(e, st);
        if (st == CPWL_OK && d <= 4096 && S->net->input_dim <= 4096)
        {
            cpwl_net_t net;
            fmpq *x = _fmpq_vec_init(S->net->input_dim);
            fmpq *y = _fmpq_vec_init(cpwl_net_output_dim(S->net));
            for (k = 0; k < d; k++)
                if (!isfinite(w[k]))
                    fail("a drawn weight that is not finite");
            cpwl_net_init(net, 0);
            cpwl_stochnet_sample_net(net, S, w);
            cpwl_net_eval_fmpq(y, net, x);
            cpwl_net_clear(net);
            _fmpq_vec_clear(y, cpwl_net_output_dim(S->net));
            _fmpq_vec_clear(x, S->net->input_dim);
        }
        flint_free(w);
    }
    cpwl_err_clear(e);
    cpwl_stochnet_clear(S);
    return 0;
}
