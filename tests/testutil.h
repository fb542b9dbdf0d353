/* Shared helpers of the test suites: a seeded generator whose seed is
   printed on failure, random rationals and random networks. */
#ifndef CPWL_TESTUTIL_H
#define CPWL_TESTUTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <check.h>
#include "cpwl.h"

/* splitmix64: small, fast, and the same on every platform. */
typedef struct
{
    uint64_t s;
}
test_rng;

static inline uint64_t test_next(test_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline slong test_range(test_rng *r, slong lo, slong hi)
{
    return lo + (slong) (test_next(r) % (uint64_t) (hi - lo + 1));
}

/* Random rational with numerator and denominator of up to `bits` bits
   (bits <= 64), or a small integer in [-3, 3] when bits == 0. */
static inline void test_fmpq(fmpq_t q, test_rng *r, int bits)
{
    if (bits == 0)
    {
        fmpq_set_si(q, test_range(r, -3, 3), 1);
        return;
    }
    {
        uint64_t mask = bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1;
        uint64_t p = test_next(r) & mask, d = (test_next(r) & mask) | 1;
        fmpz_set_ui(fmpq_numref(q), p);
        fmpz_set_ui(fmpq_denref(q), d);
        if (test_next(r) & 1)
            fmpz_neg(fmpq_numref(q), fmpq_numref(q));
        fmpq_canonicalise(q);
    }
}

/* Random network: input dim n, `depth` affine maps, hidden widths in
   [1, maxw], output width 1; hidden activations relu or (sometimes)
   leaky_relu; weights of up to `bits` bits (0: integers in [-3, 3]). */
static inline void test_random_net(net_t net, test_rng *r, slong n,
                                   slong depth, slong maxw, int bits)
{
    slong l, i, j;
    net_clear(net);
    net_init(net, n);
    for (l = 0; l < depth; l++)
    {
        int last = l + 1 == depth;
        net_act_t act = last ? NET_IDENTITY
                        : (test_range(r, 0, 3) == 0 ? NET_LEAKY_RELU : NET_RELU);
        net_layer_struct *L = net_add_layer(net, act,
                                            last ? 1 : test_range(r, 1, maxw));
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                test_fmpq(fmpq_mat_entry(L->W, i, j), r, bits);
            test_fmpq(L->b + i, r, bits);
        }
        if (act == NET_LEAKY_RELU)
            fmpq_set_si(L->slope, test_range(r, -3, 3),
                        (ulong) test_range(r, 1, 5));
    }
    net_prepare(net);
}

/* Run a suite (fork mode as CK_FORK says) and give main's exit status. */
static inline int test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    flint_cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
