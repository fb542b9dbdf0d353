/* make bench: activation patterns through the predicate layer against the
   naive exact path (exact forward pass, then signs), measured in the same
   run, on seeded random networks.  Prints points/s and the ratio. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cpwl.h"
#include "../tests/testutil.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void random_net(cpwl_net_t net, test_rng *r, slong n, const slong *w,
                       slong nw, int bits)
{
    slong l, i, j;
    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    for (l = 0; l <= nw; l++)
    {
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, l < nw ? CPWL_NET_RELU
                                                      : CPWL_NET_IDENTITY, l < nw ? w[l] : 1);
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), r, bits);
            test_fmpq(L->b + i, r, bits);
        }
    }
    cpwl_net_prepare(net);
}

/* den > 1: points with coordinates in Z/den, |numerator| <= 3 den, so that
   integer nets put many points exactly on boundaries at non-dyadic x. */
static void run(const char *label, slong n, const slong *w, slong nw,
                int bits, slong points, slong den)
{
    test_rng r = {42};
    cpwl_net_t net;
    fmpq *x;
    unsigned char *s1, *s2;
    slong p, j, ns;
    double t0, t_pred, t_exact;
    cpwl_pred_ctx_t ctx;

    cpwl_net_init(net, n);
    random_net(net, &r, n, w, nw, bits);
    ns = cpwl_net_num_states(net);
    x = _fmpq_vec_init(n * points);
    for (j = 0; j < n * points; j++)
    {
        if (den > 1)
            fmpq_set_si(x + j, test_range(&r, -3 * den, 3 * den), den);
        else
            test_fmpq(x + j, &r, bits);
    }
    s1 = flint_malloc(ns);
    s2 = flint_malloc(ns);
    cpwl_pred_ctx_init(ctx);

    t0 = now();
    for (p = 0; p < points; p++)
        cpwl_net_pattern(s1, net, x + n * p, ctx);
    t_pred = now() - t0;
    t0 = now();
    for (p = 0; p < points; p++)
        cpwl_net_pattern_exact(s2, net, x + n * p);
    t_exact = now() - t0;

    printf("%-28s %10.0f %10.0f %8.1fx   double %lu, arb %lu, exact %lu\n",
           label, points / t_pred, points / t_exact, t_exact / t_pred,
           ctx->by_double, ctx->by_arb, ctx->by_exact);
    cpwl_pred_ctx_clear(ctx);
    flint_free(s1);
    flint_free(s2);
    _fmpq_vec_clear(x, n * points);
    cpwl_net_clear(net);
}

int main(void)
{
    static const slong w1[] = {16, 16}, w2[] = {64, 64}, w3[] = {64, 64, 64};
    printf("activation patterns per second: predicate layer vs exact path\n");
    printf("%-28s %10s %10s %9s   decisions by stage\n", "network (weight bits)",
           "pred pt/s", "exact pt/s", "speedup");
    run("2-16-16-1 (8-bit)", 2, w1, 2, 8, 4000, 1);
    run("2-16-16-1 (30-bit)", 2, w1, 2, 30, 2000, 1);
    run("8-64-64-1 (30-bit)", 8, w2, 2, 30, 200, 1);
    run("2-64-64-64-1 (small ints)", 2, w3, 3, 0, 200, 1);
    run("2-16-16-1 (ints, x in Z/3)", 2, w1, 2, 0, 4000, 3);
    run("2-64-64-64-1 (30-bit)", 2, w3, 3, 30, 50, 1);
    flint_cleanup();
    return 0;
}
