/* Shared by the benchmarks: a time cap (SIGALRM sets the interrupt flag
   the algorithms poll), a monotonic clock, splitmix64 (as in
   tests/testutil.h) for seeded data, and the PyTorch-init float32 nets. */
#ifndef CPWL_BENCHUTIL_H
#define CPWL_BENCHUTIL_H

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cpwl.h"

static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
    (void) sig;
    stop_flag = 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* FNV-1a: each net's seed depends on its name only, so adding nets or
   picking some by name does not change the others. */
static inline uint64_t name_seed(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    return h;
}

/* q = f exactly: f = m 2^e with |m| in [1/2, 1) and 24 mantissa bits. */
static inline void fmpq_set_float(fmpq_t q, float f)
{
    int e;
    double m = frexp((double) f, &e);
    fmpz_set_d(fmpq_numref(q), ldexp(m, 24));
    fmpz_one(fmpq_denref(q));
    e -= 24;
    if (e >= 0)
        fmpq_mul_2exp(q, q, e);
    else
        fmpq_div_2exp(q, q, -e);
}

/* The net n-w[0]-...-w[nw-1]-1 called name (an initialised net is
   replaced): torch.nn.Linear's default init (kaiming_uniform with
   a = sqrt(5) for the weights, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
   and the same bound for the biases), rounded to float32 like a saved
   model, seeded by the name. */
static inline void bench_torch_net(cpwl_net_t net, const char *name, slong n,
                                   slong nw, const slong *w)
{
    uint64_t s = name_seed(name);
    slong l, i, j;
    char meta[256];

    cpwl_net_clear(net);
    cpwl_net_init(net, n);
    for (l = 0; l <= nw; l++)
    {
        int last = l == nw;
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, last ? CPWL_NET_IDENTITY
                                                      : CPWL_NET_RELU, last ? 1 : w[l]);
        double bound = 1.0 / sqrt((double) L->in);
        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j <= L->in; j++)
            {
                double u = (double) (next64(&s) >> 11) * 0x1p-53;
                float f = (float) ((2 * u - 1) * bound);
                fmpq_set_float(j < L->in ? fmpq_mat_entry(L->W, i, j)
                               : L->b + i, f);
            }
        }
    }
    net->output_bias = 1;
    net->name = flint_malloc(strlen(name) + 1);
    strcpy(net->name, name);
    snprintf(meta, sizeof meta, "{\"init\":\"PyTorch nn.Linear default, "
             "U(-1/sqrt(fan_in),1/sqrt(fan_in)), float32\",\"generator\":"
             "\"bench/benchutil.h\",\"seed\":\"%llu\"}",
             (unsigned long long) name_seed(name));
    net->meta = flint_malloc(strlen(meta) + 1);
    strcpy(net->meta, meta);
    cpwl_net_prepare(net);
}

/* A shell word for s in single quotes, or 0 when s holds one. */
static inline int sh_quote(char *out, size_t size, const char *s)
{
    if (strchr(s, '\'') != NULL || strlen(s) + 3 > size)
        return 0;
    snprintf(out, size, "'%s'", s);
    return 1;
}

/* The first python that imports torch, quoted for the shell; 0: none. */
static inline int find_python(char *out, size_t size)
{
    const char *cands[3];
    int i;
    cands[0] = getenv("PYTHON");
    cands[1] = "python3";
    cands[2] = "/usr/bin/python3";
    for (i = 0; i < 3; i++)
    {
        char q[512], cmd[1024];
        if (cands[i] == NULL || cands[i][0] == '\0'
            || !sh_quote(q, sizeof q, cands[i]))
            continue;
        snprintf(cmd, sizeof cmd, "%s -c 'import torch' >/dev/null 2>&1", q);
        if (system(cmd) == 0)
        {
            snprintf(out, size, "%s", q);
            return 1;
        }
    }
    return 0;
}

#endif
