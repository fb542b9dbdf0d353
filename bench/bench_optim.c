/* Benchmark of the optimiser engine (issue 14): steps per second of each
   arithmetic (exact where the run is rational, arb:64, arb:128, binary64,
   binary32, binary16, bfloat16, binary32 with stochastic rounding) on
     (a) the 100-parameter quadratic 1/2 x^T A x - b^T x, A = tridiag(-1,
         5/2, -1) (eigenvalues in (1/2, 9/2)), b_i = i/100, x_1 = 0: gd
         with a = 1/5 and adam:paper with a = 1/100;
     (b) the summed squared loss of a 2-16-16-1 ReLU network (PyTorch's
         default initialisation in float32, benchutil.h) on 256 seeded
         points: gd with a = 1/4096;
   and, in the same run, the same step loops written natively in C float,
   so that the emulated binary32's cost is a ratio to native (the goal:
   within 20x).  Each configuration runs for about BENCH_OPTIM_SECS
   seconds (default 1; the environment variable overrides) or a step cap,
   whichever comes first; exact runs slow down as the rationals grow, so
   their rate is over the steps they managed.  Speed is measured here,
   never in the tests. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cpwl.h"
#include "benchutil.h"

#define QDIM 100
#define NPTS 256

static double budget = 1.0;

/* ------------------------------------------------------------------------
   The objectives
   ------------------------------------------------------------------------ */

/* "quadratic:A=ROWS;b=LIST" for the tridiagonal A (dense rows: the
   objective is what a user would write). */
static char *quad_spec(void)
{
    size_t cap = (size_t) QDIM * QDIM * 8 + QDIM * 16 + 64, len = 0;
    char *s = flint_malloc(cap);
    slong i, j;

    len += (size_t) snprintf(s + len, cap - len, "quadratic:A=");
    for (i = 0; i < QDIM; i++)
        for (j = 0; j < QDIM; j++)
        {
            const char *v = i == j ? "5/2" : (i - j == 1 || j - i == 1
                                               ? "-1" : "0");
            len += (size_t) snprintf(s + len, cap - len, "%s%s", v,
                                     j + 1 < QDIM ? "," : (i + 1 < QDIM
                                                           ? ";" : ""));
        }
    len += (size_t) snprintf(s + len, cap - len, ";b=");
    for (i = 0; i < QDIM; i++)
        len += (size_t) snprintf(s + len, cap - len, "%ld/100%s",
                                 (long) i + 1, i + 1 < QDIM ? "," : "");
    return s;
}

/* The 2-16-16-1 net (float32 weights) and 256 points with coordinates
   k/64, k in [-128, 128], labels |x_1| - x_2 / 2 rounded to 1/64: files
   in dir for "net:NET.json,DATA.csv"; X, y, W (the weights as floats,
   per layer W row-major then b) for the native loop. */
static const slong net_w[2] = { 16, 16 };

typedef struct
{
    float X[NPTS * 2], y[NPTS];
    float W1[16 * 2], b1[16], W2[16 * 16], b2[16], W3[16], b3[1];
}
native_net;

static int net_files(char *spec, size_t size, native_net *nn, const char *dir)
{
    cpwl_net_t net;
    char path[512], *json;
    FILE *f;
    uint64_t s = 0x0b7e;
    slong i, j, l;

    cpwl_net_init(net, 2);
    bench_torch_net(net, "bench_optim 2-16-16-1", 2, 2, net_w);
    json = cpwl_io_net_write_str(net);
    snprintf(path, sizeof path, "%s/net.json", dir);
    f = fopen(path, "w");
    if (f == NULL)
        return 0;
    fputs(json, f);
    fclose(f);
    flint_free(json);
    for (l = 0; l < 3; l++)
    {
        const cpwl_net_layer_struct *L = net->layers + l;
        float *Wl = l == 0 ? nn->W1 : (l == 1 ? nn->W2 : nn->W3);
        float *bl = l == 0 ? nn->b1 : (l == 1 ? nn->b2 : nn->b3);

        for (i = 0; i < L->out; i++)
        {
            for (j = 0; j < L->in; j++)
                Wl[i * L->in + j] = (float) cpwl_num_fmpq_get_d(
                    fmpq_mat_entry(L->W, i, j));
            bl[i] = (float) cpwl_num_fmpq_get_d(L->b + i);
        }
    }
    cpwl_net_clear(net);

    snprintf(path, sizeof path, "%s/data.csv", dir);
    f = fopen(path, "w");
    if (f == NULL)
        return 0;
    for (i = 0; i < NPTS; i++)
    {
        slong a = (slong) (next64(&s) % 257) - 128;
        slong b = (slong) (next64(&s) % 257) - 128;
        slong c = (a < 0 ? -a : a) - b / 2;

        nn->X[2 * i] = (float) a / 64;
        nn->X[2 * i + 1] = (float) b / 64;
        nn->y[i] = (float) c / 64;
        fprintf(f, "%ld/64,%ld/64,%ld/64\n", (long) a, (long) b, (long) c);
    }
    fclose(f);
    snprintf(spec, size, "net:%s/net.json,%s/data.csv", dir, dir);
    return 1;
}

/* ------------------------------------------------------------------------
   The engine, timed
   ------------------------------------------------------------------------ */

typedef struct
{
    int ok;                     /* 0: refused (message in why) */
    slong steps;
    double secs;
    char why[160];
}
timing;

/* arith: a name for cpwl_arith_init_str, or "binary32-sr" (stochastic). */
static timing time_engine(cpwl_objective_t O, const char *algo, const char *lr,
                          const char *arith, const fmpq *x1, slong cap,
                          double *xout)
{
    cpwl_optim_opts_t o;
    cpwl_optim_t R;
    cpwl_arith_t A;
    cpwl_err_t e;
    timing T;
    double t0;

    memset(&T, 0, sizeof T);
    cpwl_err_init(e);
    cpwl_optim_opts_init(o);
    cpwl_optim_algo_from_str(o, algo);
    fmpq_set_str(o->lr, lr, 10);
    fmpq_canonicalise(o->lr);
    o->steps = cap;
    if (strcmp(arith, "binary32-sr") == 0)
        cpwl_arith_init_float(A, CPWL_IEEE_BINARY32, 1, 42);
    else if (!cpwl_arith_init_str(A, arith))
        abort();
    if (cpwl_optim_init(R, o, O, x1, A, e))
    {
        snprintf(T.why, sizeof T.why, "%.150s", e->msg);
        goto done;
    }
    t0 = now();
    while (T.steps < cap)
    {
        int r = cpwl_optim_step(R, e);

        if (r != 0)
        {
            snprintf(T.why, sizeof T.why, "stopped at step %ld: %.100s",
                     (long) R->t, e->msg);
            break;
        }
        T.steps++;
        /* the clock is read every step: exact steps can take seconds */
        if ((T.secs = now() - t0) >= budget)
            break;
    }
    T.secs = now() - t0;
    T.ok = T.steps > 0;
    if (xout != NULL)
    {
        slong i;

        for (i = 0; i < R->dim; i++)
            xout[i] = cpwl_val_get_d(R->x + i, A);
    }
    cpwl_optim_clear(R);
done:
    cpwl_optim_opts_clear(o);
    cpwl_arith_clear(A);
    cpwl_err_clear(e);
    return T;
}

/* ------------------------------------------------------------------------
   The native float loops
   ------------------------------------------------------------------------ */

/* gd (adam = 0) or adam:paper (adam = 1) on the quadratic, with the
   gradient A x - b from the dense A, row by row, left to right. */
static timing time_native_quad(int adam, slong cap, float *sink, float *xout)
{
    static float A[QDIM * QDIM];
    float b[QDIM], x[QDIM], g[QDIM], m[QDIM], v[QDIM];
    float a = adam ? 0.01f : 0.2f, b1 = 0.9f, b2 = 0.999f, xi = 1e-8f;
    /* 1 - b rounded once from the exact value, as the engine does */
    float c1 = 0.1f, c2 = 0.001f;
    timing T;
    double t0;
    slong i, j;

    memset(&T, 0, sizeof T);
    for (i = 0; i < QDIM; i++)
    {
        for (j = 0; j < QDIM; j++)
            A[i * QDIM + j] = i == j ? 2.5f : (i - j == 1 || j - i == 1
                                               ? -1.0f : 0.0f);
        b[i] = (float) (i + 1) / 100;
        x[i] = m[i] = v[i] = 0.0f;
    }
    t0 = now();
    while (T.steps < cap)
    {
        for (i = 0; i < QDIM; i++)
        {
            float s = A[i * QDIM] * x[0];

            for (j = 1; j < QDIM; j++)
                s = s + A[i * QDIM + j] * x[j];
            g[i] = s - b[i];
        }
        for (i = 0; i < QDIM; i++)
        {
            if (!adam)
            {
                x[i] = x[i] - a * g[i];
                continue;
            }
            m[i] = b1 * m[i] + c1 * g[i];
            v[i] = b2 * v[i] + c2 * (g[i] * g[i]);
            x[i] = x[i] - a * m[i] / (sqrtf(v[i]) + xi);
        }
        T.steps++;
        if ((T.steps & 63) == 0 && (T.secs = now() - t0) >= budget)
            break;
    }
    T.secs = now() - t0;
    T.ok = 1;
    *sink += x[QDIM / 2];
    if (xout != NULL)
        memcpy(xout, x, sizeof x);
    return T;
}

/* gd on the summed squared loss of the 2-16-16-1 net: forward, then
   backward, point by point. */
/* xout: the parameters in the objective's order (layer by layer, neuron
   by neuron, its weights then its bias). */
static timing time_native_net(native_net *nn, slong cap, float *sink,
                              float *xout)
{
    static native_net P, G;
    float a = 1.0f / 4096;
    float h1[16], h2[16], z1[16], z2[16], d2[16], d1[16];
    timing T;
    double t0;
    slong i, j, k, q;
    size_t np = (sizeof P - sizeof P.X - sizeof P.y) / sizeof(float);
    float *pp = P.W1, *gg = G.W1;

    memset(&T, 0, sizeof T);
    P = *nn;
    t0 = now();
    while (T.steps < cap)
    {
        memset(&G, 0, sizeof G);
        for (q = 0; q < NPTS; q++)
        {
            const float *x = P.X + 2 * q;
            float f, r;

            for (j = 0; j < 16; j++)
            {
                float s = P.W1[j * 2] * x[0];

                s = s + P.W1[j * 2 + 1] * x[1];
                s = s + P.b1[j];
                z1[j] = s;
                h1[j] = s > 0 ? s : 0.0f;
            }
            for (j = 0; j < 16; j++)
            {
                float s = P.W2[j * 16] * h1[0];

                for (k = 1; k < 16; k++)
                    s = s + P.W2[j * 16 + k] * h1[k];
                s = s + P.b2[j];
                z2[j] = s;
                h2[j] = s > 0 ? s : 0.0f;
            }
            f = P.W3[0] * h2[0];
            for (k = 1; k < 16; k++)
                f = f + P.W3[k] * h2[k];
            f = f + P.b3[0];
            r = f - P.y[q];
            r = 2 * r;
            G.b3[0] = G.b3[0] + r;
            for (k = 0; k < 16; k++)
            {
                G.W3[k] = G.W3[k] + r * h2[k];
                d2[k] = z2[k] > 0 ? r * P.W3[k] : 0.0f;
            }
            for (j = 0; j < 16; j++)
            {
                G.b2[j] = G.b2[j] + d2[j];
                for (k = 0; k < 16; k++)
                    G.W2[j * 16 + k] = G.W2[j * 16 + k] + d2[j] * h1[k];
            }
            for (k = 0; k < 16; k++)
            {
                float s = P.W2[k] * d2[0];

                for (j = 1; j < 16; j++)
                    s = s + P.W2[j * 16 + k] * d2[j];
                d1[k] = s;
            }
            for (j = 0; j < 16; j++)
            {
                float d = z1[j] > 0 ? d1[j] : 0.0f;

                G.b1[j] = G.b1[j] + d;
                for (k = 0; k < 2; k++)
                    G.W1[j * 2 + k] = G.W1[j * 2 + k] + d * x[k];
            }
        }
        for (i = 0; i < (slong) np; i++)
            pp[i] = pp[i] - a * gg[i];
        T.steps++;
        if ((T.secs = now() - t0) >= budget)
            break;
    }
    T.secs = now() - t0;
    T.ok = 1;
    *sink += P.b3[0];
    if (xout != NULL)
    {
        slong m = 0;

        for (j = 0; j < 16; j++)
        {
            xout[m++] = P.W1[2 * j];
            xout[m++] = P.W1[2 * j + 1];
            xout[m++] = P.b1[j];
        }
        for (j = 0; j < 16; j++)
        {
            for (k = 0; k < 16; k++)
                xout[m++] = P.W2[16 * j + k];
            xout[m++] = P.b2[j];
        }
        for (k = 0; k < 16; k++)
            xout[m++] = P.W3[k];
        xout[m++] = P.b3[0];
    }
    return T;
}

/* ------------------------------------------------------------------------
   The table
   ------------------------------------------------------------------------ */

static const char *ariths[] = {"exact", "arb:64", "arb:128", "binary64",
                               "binary32", "binary16", "bfloat16",
                               "binary32-sr"};
#define NARITH (sizeof ariths / sizeof ariths[0])

static void row(const char *obj, const char *algo, const char *arith,
                const timing *T)
{
    if (!T->ok)
        printf("| %s | %s | %s | - | - | refused: %s |\n", obj, algo, arith,
               T->why);
    else
        printf("| %s | %s | %s | %ld | %.3f | %.4g%s%s |\n", obj, algo,
               arith, (long) T->steps, T->secs, T->steps / T->secs,
               T->why[0] ? "; " : "", T->why);
}

static double per_step(const timing *T)
{
    return T->secs / (double) T->steps;
}

int main(int argc, char **argv)
{
    const char *env = getenv("BENCH_OPTIM_SECS");
    char dir[] = "/tmp/bench_optim.XXXXXX", spec[1200];
    cpwl_objective_t Q, N;
    cpwl_err_t e;
    native_net nn;
    fmpq *x1q, *x1n;
    float sink = 0;
    char *qs;
    size_t a;
    timing tb32[3], tnat[3];
    int k, same[3];

    (void) argc;
    (void) argv;
    (void) on_alarm;            /* benchutil's cap: the clock is read here */
    if (env != NULL && atof(env) > 0)
        budget = atof(env);
    cpwl_err_init(e);
    qs = quad_spec();
    if (cpwl_objective_init_str(Q, qs, -1, e))
    {
        fprintf(stderr, "bench_optim: %s\n", e->msg);
        return 1;
    }
    flint_free(qs);
    if (mkdtemp(dir) == NULL || !net_files(spec, sizeof spec, &nn, dir))
    {
        fprintf(stderr, "bench_optim: cannot write the data to %s\n", dir);
        return 1;
    }
    if (cpwl_objective_init_str(N, spec, -1, e))
    {
        fprintf(stderr, "bench_optim: %s\n", e->msg);
        return 1;
    }
    x1q = _fmpq_vec_init(Q->dim);       /* x_1 = 0 */
    x1n = _fmpq_vec_init(N->dim);
    if (N->x1 != NULL)                  /* the network's own weights */
        for (a = 0; a < (size_t) N->dim; a++)
            fmpq_set(x1n + a, N->x1 + a);

    printf("Optimiser engine: steps per second, each run about %g s or its "
           "step cap.\n(a) quadratic, n = %d, A = tridiag(-1, 5/2, -1), "
           "b_i = i/100, x_1 = 0; (b) 2-16-16-1 relu net (%ld parameters), "
           "summed squared loss on %d points.\n\n", budget, QDIM,
           (long) N->dim, NPTS);
    printf("| objective | algorithm | arithmetic | steps | seconds | "
           "steps/s |\n|---|---|---|---:|---:|---:|\n");
    for (k = 0; k < 3; k++)
    {
        const char *obj = k < 2 ? "quadratic" : "net 2-16-16-1";
        const char *algo = k == 1 ? "adam:paper" : "gd";
        const char *lr = k == 0 ? "1/5" : (k == 1 ? "1/100" : "1/4096");
        cpwl_objective_struct *O = k < 2 ? Q : N;
        const fmpq *x1 = k < 2 ? x1q : x1n;

        for (a = 0; a < NARITH; a++)
        {
            timing T = time_engine(O, algo, lr, ariths[a], x1,
                                   k < 2 ? 1000000 : 100000, NULL);

            row(obj, algo, ariths[a], &T);
            if (strcmp(ariths[a], "binary32") == 0)
                tb32[k] = T;
        }
        tnat[k] = k < 2 ? time_native_quad(k, 100000000, &sink, NULL)
                        : time_native_net(&nn, 1000000, &sink, NULL);
        row(obj, algo, "native C float", &tnat[k]);

        /* the native loop is the same computation: 5 steps of each from
           x_1, the same bits */
        {
            double xe[400];
            float xf[400];
            slong i, dim = O->dim, diff = 0;

            time_engine(O, algo, lr, "binary32", x1, 5, xe);
            if (k < 2)
                time_native_quad(k, 5, &sink, xf);
            else
                time_native_net(&nn, 5, &sink, xf);
            for (i = 0; i < dim; i++)
                diff += xe[i] != (double) xf[i];
            same[k] = diff == 0;
            if (diff)
                printf("| %s | %s | native C float | after 5 steps %ld of "
                       "%ld parameters differ from emulated binary32 | | |\n",
                       obj, algo, (long) diff, (long) dim);
        }
    }
    printf("\nEmulated binary32 against the same step loop in native C "
           "float (time per step):\n");
    for (k = 0; k < 3; k++)
        if (tb32[k].ok)
            printf("  %-26s %.1fx%s; the two agree bit for bit after 5 "
                   "steps: %s\n", k == 0 ? "quadratic, gd:"
                   : (k == 1 ? "quadratic, adam:paper:" : "net, gd:"),
                   per_step(&tb32[k]) / per_step(&tnat[k]),
                   per_step(&tb32[k]) / per_step(&tnat[k]) <= 20
                   ? " (within the 20x goal)" : " (ABOVE the 20x goal)",
                   same[k] ? "yes" : "NO");
    if (sink == 12345.0f)       /* keeps the native loops from being elided */
        printf(" ");
    printf("\n");

    _fmpq_vec_clear(x1q, Q->dim);
    _fmpq_vec_clear(x1n, N->dim);
    cpwl_objective_clear(Q);
    cpwl_objective_clear(N);
    cpwl_err_clear(e);
    snprintf(spec, sizeof spec, "%s/net.json", dir);
    remove(spec);
    snprintf(spec, sizeof spec, "%s/data.csv", dir);
    remove(spec);
    rmdir(dir);
    return 0;
}
