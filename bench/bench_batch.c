/* make bench: the batched double path (batch.h) against the references a
   user would reach for.

   1. Forward-pass throughput.  Square relu layers (in = out = width, random
      double weights and biases uniform in +-1/sqrt(width)), a batch of
      4096 points uniform in [-1,1]^width: GFLOP/s counted as
      2 in out batch per layer and pass, for every kernel that runs here,
      with one thread and with all threads (cpwl_batch_eval's nthreads), for one
      layer and for a whole 3-layer net (plan with pattern bits and
      bounds).  The reference is OpenBLAS cblas_dgemm on the same shape
      (M = batch points, N = out, K = in, row-major C = A B; the net: three
      chained products) with one and all threads (openblas_set_num_threads).
      cpwl_batch_eval's output holds more than dgemm's: bias and relu, proven
      error bounds and packed activation patterns with undecided bits.
      Every kernel's single-layer outputs are checked against a naive
      product on a few points, within the proven bound.

      OpenBLAS picks its kernels from cpuid at load time; on some (virtual)
      CPUs it detects an older core and runs several times slower unless
      OPENBLAS_CORETYPE names the right one.  The variable is read once,
      when the library is loaded, so it cannot be changed in this process.
      Instead, when OPENBLAS_CORETYPE is not set and the detected core is
      not the one this CPU can run (SkylakeX with AVX-512, Haswell with
      AVX2), the dgemm measurements are repeated in a child: this very
      program (/proc/self/exe) run with --dgemm-child and
      OPENBLAS_CORETYPE set, which prints its numbers on a pipe.  Both
      dgemm rows are shown; ratios are taken against the faster one
      ("tuned dgemm").  Simpler than re-executing everything, and the child
      runs while the parent waits, so the two never compete for cores.

   2. Pattern sampling: the 2-64-64-64-1 net of bench_regions (PyTorch's
      default init rounded to float32, the same seed, so the same net) on a
      1000 x 1000 grid on [-1,1]^2 with cpwl_sample_run (all threads and one),
      against bench/torch_sample.py (env TORCH_SCRIPT) reading the same net
      from a temporary cpwl-net JSON file and doing the same job in float64
      and float32 (grid, forward pass, packed patterns, torch.unique, and
      numpy lexsort as a faster count).  The script runs when some python3
      ($PYTHON, python3, /usr/bin/python3) imports torch.  With env CPWL
      (make bench sets it), `cpwl sample` on the same file is timed as a
      whole process too.

   usage: bench_batch [--cap SECONDS] [--min-time SECONDS] [--batch N]
                      [--widths W,W,...] [--grid N]
                      [--no-forward] [--no-sample] [--no-torch]
                      [--openblas-core NAME]
   --cap bounds the wall time of each part (forward table: cells beyond it
   are skipped; sampling: the cpwl_sample_run time cap); --min-time is the time
   each measurement repeats for (the best run is kept); --openblas-core
   runs the dgemm child with OPENBLAS_CORETYPE=NAME whatever was detected.
   Each part ends with the CPU time other processes took meanwhile: the
   numbers of a busy machine are not to be trusted. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef HAVE_OPENBLAS
#include <cblas.h>
/* Also declared by OpenBLAS's cblas.h, but not by every cblas.h. */
void openblas_set_num_threads(int num_threads);
char *openblas_get_corename(void);
char *openblas_get_config(void);
#endif
#include "cpwl.h"
#include "benchutil.h"

#define MAX_WIDTHS 8
#define NET_LAYERS 3            /* the whole-net rows */
#define CHECK_POINTS 16         /* points checked against a naive product */

/* ---- options ------------------------------------------------------------ */

typedef struct
{
    double cap, min_time;
    slong batch, grid;
    slong widths[MAX_WIDTHS];
    int nwidths;
    int forward, sample, torch;
    int nall;                   /* "all threads" */
    const char *core;           /* --openblas-core, or NULL */
}
bench_opts;

static void usage(void)
{
    fprintf(stderr, "usage: bench_batch [--cap SECONDS] [--min-time SECONDS]"
            " [--batch N]\n                   [--widths W,W,...] [--grid N] "
            "[--no-forward] [--no-sample] [--no-torch]\n"
            "                   [--openblas-core NAME]\n");
    exit(2);
}

static int parse_widths(bench_opts *o, const char *s)
{
    char *end;
    o->nwidths = 0;
    while (*s)
    {
        long w = strtol(s, &end, 10);
        if (end == s || w < 1 || w > 8192 || o->nwidths == MAX_WIDTHS)
            return 0;
        o->widths[o->nwidths++] = w;
        s = end;
        if (*s == ',')
            s++;
        else if (*s)
            return 0;
    }
    return o->nwidths > 0;
}

/* ---- nets --------------------------------------------------------------- */

/* q = x exactly (x finite). */
static void fmpq_set_double_exact(fmpq_t q, double x)
{
    int e;
    double m = frexp(x, &e);
    fmpz_set_d(fmpq_numref(q), ldexp(m, 53));
    fmpz_one(fmpq_denref(q));
    e -= 53;
    if (e >= 0)
        fmpq_mul_2exp(q, q, e);
    else
        fmpq_div_2exp(q, q, -e);
}

static double uniform_pm(uint64_t *s, double bound)
{
    double u = (double) (next64(s) >> 11) * 0x1p-53;
    return (2 * u - 1) * bound;
}

/* nl relu layers width -> width, weights and biases uniform in
   +-1/sqrt(width) as doubles.  The layers do not depend on nl: the
   single-layer net is the first layer of the 3-layer one. */
static void make_square_net(cpwl_net_t net, slong w, slong nl)
{
    uint64_t s = 0x5eed0000ULL + (uint64_t) w;
    double bound = 1.0 / sqrt((double) w);
    slong l, i, j;
    cpwl_net_init(net, w);
    for (l = 0; l < nl; l++)
    {
        cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_RELU, w);
        for (i = 0; i < w; i++)
            for (j = 0; j <= w; j++)
                fmpq_set_double_exact(j < w ? fmpq_mat_entry(L->W, i, j)
                                      : L->b + i, uniform_pm(&s, bound));
    }
    cpwl_net_prepare(net);
}

/* The 2-64-64-64-1 net exactly as bench_regions makes it
   (bench_torch_net). */
#define SAMPLE_NET "2-64-64-64-1"
static void make_sample_net(cpwl_net_t net)
{
    static const slong widths[] = {64, 64, 64};
    cpwl_net_init(net, 2);
    bench_torch_net(net, SAMPLE_NET, 2, 3, widths);
}

/* ---- interference ------------------------------------------------------- */

/* The machine may be shared: CPU time spent by other processes (and
   stolen by the hypervisor) while a part runs makes its numbers
   unreliable, so each part reports it.  busy: non-idle time of all CPUs
   from /proc/stat; ours: this process and its waited-for children. */
typedef struct
{
    double wall, busy, ours;
    int ok;
}
cpu_meter;

static int read_busy(double *busy)
{
    unsigned long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");
    int n;
    if (f == NULL)
        return 0;
    n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", v, v + 1,
               v + 2, v + 3, v + 4, v + 5, v + 6, v + 7);
    fclose(f);
    if (n < 4)
        return 0;
    /* user nice system [idle iowait] irq softirq steal */
    *busy = (double) (v[0] + v[1] + v[2] + v[5] + v[6] + v[7])
            / (double) sysconf(_SC_CLK_TCK);
    return 1;
}

static double our_cpu(void)
{
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    getrusage(RUSAGE_CHILDREN, &b);
    return a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec
           + b.ru_stime.tv_sec + 1e-6 * (a.ru_utime.tv_usec
           + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec);
}

static void meter_start(cpu_meter *M)
{
    M->wall = now();
    M->ours = our_cpu();
    M->ok = read_busy(&M->busy);
}

static void meter_report(const cpu_meter *M)
{
    double busy, wall = now() - M->wall, others, avail;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (!M->ok || !read_busy(&busy) || ncpu < 1 || wall <= 0)
    {
        printf("(%.1f s)\n\n", wall);
        return;
    }
    others = (busy - M->busy) - (our_cpu() - M->ours);
    others = others > 0 ? others : 0;
    avail = wall * (double) ncpu;
    printf("(%.1f s; other processes and steal used %.1f of %.1f CPU-s, "
           "%.0f%%%s)\n\n", wall, others, avail, 100 * others / avail,
           others > 0.05 * avail ? ": the machine was busy, numbers are "
           "unreliable; rerun when it is quiet" : "");
}

/* ---- timing ------------------------------------------------------------- */

/* Best time of f over repeated calls for at least min_time seconds.  A
   first call shorter than min_time is a warm-up (threads, page faults)
   and not counted; a longer one is the measurement. */
static double time_best(void (*f)(void *), void *arg, double min_time)
{
    double t0 = now(), best = HUGE_VAL;
    int reps = 0;
    do
    {
        double s = now(), t;
        f(arg);
        t = now() - s;
        if (reps > 0 || t >= min_time)
            best = t < best ? t : best;
        reps++;
    }
    while (now() - t0 < min_time || best == HUGE_VAL);
    return best;
}

typedef struct
{
    const cpwl_batch_plan_struct *P;
    const double *X;
    double *Y, *Yerr;
    uint64_t *pat, *und;
    slong npts, nund;
    int nthreads;
}
eval_job;

static void eval_call(void *arg)
{
    eval_job *J = arg;
    J->nund = cpwl_batch_eval(J->Y, J->Yerr, J->pat, J->und, J->P, J->X, NULL,
                              J->npts, J->nthreads);
}

#ifdef HAVE_OPENBLAS
typedef struct
{
    const double *A;
    const double *B[NET_LAYERS];
    double *C[2];
    int M, K, nl;
}
gemm_job;

static void gemm_call(void *arg)
{
    gemm_job *J = arg;
    const double *a = J->A;
    int l;
    for (l = 0; l < J->nl; l++)
    {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, J->M, J->K,
                    J->K, 1.0, a, J->K, J->B[l], J->K, 0.0, J->C[l & 1],
                    J->K);
        a = J->C[l & 1];
    }
}
#endif

/* ---- data for one width ------------------------------------------------- */

typedef struct
{
    slong w, batch;
    cpwl_net_t net1, net3;           /* 1 and NET_LAYERS layers */
    double *X;                  /* batch x w */
    double *Bt[NET_LAYERS];     /* w x w: B = W^T (in x out), row-major */
    double *C[2];
    double *Y, *Yerr;
    uint64_t *pat, *und;
}
width_data;

static void width_data_init(width_data *D, slong w, slong batch, int nets)
{
    uint64_t s = 0xba7c4ULL + (uint64_t) w;
    slong p, l, i, j, words = (NET_LAYERS * w + 63) / 64;
    D->w = w;
    D->batch = batch;
    D->X = flint_malloc(batch * w * sizeof(double));
    for (p = 0; p < batch * w; p++)
        D->X[p] = uniform_pm(&s, 1.0);
    D->C[0] = flint_malloc(batch * w * sizeof(double));
    D->C[1] = flint_malloc(batch * w * sizeof(double));
    D->Y = flint_malloc(batch * w * sizeof(double));
    D->Yerr = flint_malloc(batch * w * sizeof(double));
    D->pat = flint_malloc(batch * words * sizeof(uint64_t));
    D->und = flint_malloc(batch * words * sizeof(uint64_t));
    if (nets)
    {
        make_square_net(D->net1, w, 1);
        make_square_net(D->net3, w, NET_LAYERS);
    }
    else
    {
        /* the dgemm child needs only the weights */
        make_square_net(D->net3, w, NET_LAYERS);
        cpwl_net_init(D->net1, w);
    }
    for (l = 0; l < NET_LAYERS; l++)
    {
        const double *Wd = D->net3->layers[l].Wd;
        D->Bt[l] = flint_malloc(w * w * sizeof(double));
        for (i = 0; i < w; i++)
            for (j = 0; j < w; j++)
                D->Bt[l][j * w + i] = Wd[i * w + j];
    }
}

static void width_data_clear(width_data *D)
{
    slong l;
    for (l = 0; l < NET_LAYERS; l++)
        flint_free(D->Bt[l]);
    flint_free(D->X);
    flint_free(D->C[0]);
    flint_free(D->C[1]);
    flint_free(D->Y);
    flint_free(D->Yerr);
    flint_free(D->pat);
    flint_free(D->und);
    cpwl_net_clear(D->net1);
    cpwl_net_clear(D->net3);
}

/* Largest |Y - relu(W x + b)| / Yerr over the first CHECK_POINTS points,
   the reference summed naively in long double.  The proven bound covers
   our error; the reference's own error is far below it, so anything
   beyond 1 means a wrong output. */
static double check_layer(const width_data *D)
{
    const cpwl_net_layer_struct *L = D->net1->layers;
    slong p, i, j, w = D->w;
    double worst = 0;
    for (p = 0; p < CHECK_POINTS && p < D->batch; p++)
        for (i = 0; i < w; i++)
        {
            long double z = L->bd[i];
            double ref, y = D->Y[p * w + i], e = D->Yerr[p * w + i], r;
            for (j = 0; j < w; j++)
                z += (long double) L->Wd[i * w + j] * D->X[p * w + j];
            ref = z > 0 ? (double) z : 0.0;
            r = fabs(y - ref) / (e > 0 ? e : 1e-300);
            if (!(r <= worst))
                worst = r;      /* NaN propagates */
        }
    return worst;
}

/* ---- dgemm numbers, measured here or in the child ----------------------- */

typedef struct
{
    double g1, g3;              /* GFLOP/s, 1 layer and NET_LAYERS; 0: none */
}
gemm_res;

/* [width index][threads index 0: one, 1: all] */
typedef gemm_res gemm_table[MAX_WIDTHS][2];

static double gflops(slong w, slong batch, slong nl, double secs)
{
    return 2.0 * (double) w * (double) w * (double) batch * (double) nl
           / secs * 1e-9;
}

#ifdef HAVE_OPENBLAS
static void measure_gemm(gemm_res *r, width_data *D, int nthreads,
                         double min_time)
{
    gemm_job G;
    slong l;
    openblas_set_num_threads(nthreads);
    G.A = D->X;
    for (l = 0; l < NET_LAYERS; l++)
        G.B[l] = D->Bt[l];
    G.C[0] = D->C[0];
    G.C[1] = D->C[1];
    G.M = (int) D->batch;
    G.K = (int) D->w;
    G.nl = 1;
    r->g1 = gflops(D->w, D->batch, 1, time_best(gemm_call, &G, min_time));
    G.nl = NET_LAYERS;
    r->g3 = gflops(D->w, D->batch, NET_LAYERS,
                   time_best(gemm_call, &G, min_time));
}

/* --dgemm-child: the dgemm cells only, one line each, for the parent. */
static int dgemm_child(const bench_opts *o)
{
    int k, t;
    printf("core %s\n", openblas_get_corename());
    fflush(stdout);
    for (k = 0; k < o->nwidths; k++)
    {
        width_data D;
        width_data_init(&D, o->widths[k], o->batch, 0);
        for (t = 0; t < (o->nall > 1 ? 2 : 1); t++)
        {
            gemm_res r;
            measure_gemm(&r, &D, t ? o->nall : 1, o->min_time);
            printf("dgemm %d %d %.6g %.6g\n", k, t, r.g1, r.g3);
            fflush(stdout);
        }
        width_data_clear(&D);
    }
    return 0;
}

/* The core OPENBLAS_CORETYPE should name on this CPU, or NULL. */
static const char *tuned_core(void)
{
    if (cpwl_batch_kernel_available(CPWL_BATCH_AVX512))
        return "SkylakeX";
    if (cpwl_batch_kernel_available(CPWL_BATCH_AVX2))
        return "Haswell";
    return NULL;
}

/* Run the dgemm cells in a child with OPENBLAS_CORETYPE=core; fills T and
   the child's core name.  Returns 0 on failure. */
static int run_dgemm_child(gemm_table T, char *corename, size_t size,
                           const bench_opts *o, const char *core)
{
    int fd[2], status, ok = 0;
    pid_t pid;
    char a_min[32], a_batch[32], a_widths[256], a_nall[32], line[256];
    char *args[16];
    FILE *f;
    int k, n = 0;

    snprintf(a_min, sizeof a_min, "%g", o->min_time);
    snprintf(a_batch, sizeof a_batch, "%ld", (long) o->batch);
    snprintf(a_nall, sizeof a_nall, "%d", o->nall);
    a_widths[0] = '\0';
    for (k = 0; k < o->nwidths; k++)
        snprintf(a_widths + strlen(a_widths), sizeof a_widths
                 - strlen(a_widths), k ? ",%ld" : "%ld", (long) o->widths[k]);
    args[n++] = "bench_batch";
    args[n++] = "--dgemm-child";
    args[n++] = "--min-time";
    args[n++] = a_min;
    args[n++] = "--batch";
    args[n++] = a_batch;
    args[n++] = "--widths";
    args[n++] = a_widths;
    args[n++] = "--threads";
    args[n++] = a_nall;
    args[n] = NULL;

    if (pipe(fd) != 0)
        return 0;
    fflush(stdout);
    /* Set in the parent before fork (setenv is not async-signal-safe);
       our own OpenBLAS read the variable at load time, so this does not
       change it. */
    setenv("OPENBLAS_CORETYPE", core, 1);
    pid = fork();
    if (pid == 0)
    {
        close(fd[0]);
        if (dup2(fd[1], STDOUT_FILENO) < 0)
            _exit(127);
        close(fd[1]);
        /* The binary itself, also when started by a libtool wrapper (the
           wrapper's LD_LIBRARY_PATH is inherited). */
        execv("/proc/self/exe", args);
        _exit(127);
    }
    unsetenv("OPENBLAS_CORETYPE");
    close(fd[1]);
    if (pid < 0)
    {
        close(fd[0]);
        return 0;
    }
    f = fdopen(fd[0], "r");
    if (f == NULL)
    {
        close(fd[0]);
        waitpid(pid, &status, 0);
        return 0;
    }
    corename[0] = '\0';
    while (fgets(line, sizeof line, f) != NULL)
    {
        int wk, t;
        double g1, g3;
        char name[64];
        if (sscanf(line, "core %63s", name) == 1)
            snprintf(corename, size, "%s", name);
        else if (sscanf(line, "dgemm %d %d %lf %lf", &wk, &t, &g1, &g3) == 4
                 && wk >= 0 && wk < o->nwidths && (t == 0 || t == 1))
        {
            T[wk][t].g1 = g1;
            T[wk][t].g3 = g3;
            ok = 1;
        }
    }
    fclose(f);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)
        || WEXITSTATUS(status) != 0)
        ok = 0;
    return ok;
}
#endif

/* ---- part 1: the forward-pass table ------------------------------------- */

static void fmt_g(char *buf, size_t size, double g)
{
    if (g > 0)
        snprintf(buf, size, "%.1f", g);
    else
        snprintf(buf, size, "-");
}

static void fmt_ratio(char *buf, size_t size, double a, double b)
{
    if (a > 0 && b > 0)
        snprintf(buf, size, "%.0f%%", 100 * a / b);
    else
        snprintf(buf, size, "-");
}

static void gemm_row(slong w, int nt, const char *label, const gemm_res *r)
{
    char g1[32], g3[32];
    fmt_g(g1, sizeof g1, r->g1);
    fmt_g(g3, sizeof g3, r->g3);
    printf("| %ld | %d | %s | %s | - | %s | - | - | - |\n", (long) w, nt,
           label, g1, g3);
}

static int bench_forward(const bench_opts *o)
{
    static const int kernels[] = {CPWL_BATCH_PORTABLE, CPWL_BATCH_AVX2, CPWL_BATCH_AVX512};
    gemm_table Ta, Tf;          /* auto-detected and forced core */
    int have_a = 0, have_f = 0, k, t, ki, failed = 0;
    char label_a[96] = "", label_f[96] = "";
    double t_start = now(), goal[2] = {0, 0}, goal_g[2] = {0, 0};
    int goal_kernel = cpwl_batch_kernel_best();
    int nts = o->nall > 1 ? 2 : 1;
    cpu_meter M;

    meter_start(&M);

    memset(Ta, 0, sizeof Ta);
    memset(Tf, 0, sizeof Tf);
    printf("## Forward pass: batch of %ld points, square relu layers\n\n",
           (long) o->batch);
    printf("Threads: 1 and all (%d).  Kernels here:", o->nall);
    for (ki = 0; ki < 3; ki++)
        if (cpwl_batch_kernel_available(kernels[ki]))
            printf(" %s", cpwl_batch_kernel_name(kernels[ki]));
    printf(" (tile %ld points).\n", (long) cpwl_batch_tile(CPWL_BATCH_AUTO));
#ifdef HAVE_OPENBLAS
    {
        const char *env = getenv("OPENBLAS_CORETYPE");
        const char *want = o->core != NULL ? o->core : tuned_core();
        char core_a[64], core_f[64] = "?";
        snprintf(core_a, sizeof core_a, "%s", openblas_get_corename());
        printf("%s; core %s (%s).\n", openblas_get_config(), core_a,
               env ? "OPENBLAS_CORETYPE set" : "auto-detected");
        snprintf(label_a, sizeof label_a, "dgemm OpenBLAS %s%s", core_a,
                 env ? "" : " (auto)");
        have_a = 1;
        if (o->core != NULL
            || (env == NULL && want != NULL && strcasecmp(core_a, want)))
        {
            if (o->core != NULL)
                printf("dgemm measured again in a child with "
                       "OPENBLAS_CORETYPE=%s (--openblas-core).\n", want);
            else
                printf("Auto-detected core is not %s: dgemm measured again "
                       "in a child with OPENBLAS_CORETYPE=%s.\n", want, want);
            fflush(stdout);
            have_f = run_dgemm_child(Tf, core_f, sizeof core_f, o, want);
            if (!have_f)
                printf("(the child run failed: forced-core dgemm rows "
                       "missing)\n");
            snprintf(label_f, sizeof label_f, "dgemm OpenBLAS %s "
                     "(OPENBLAS_CORETYPE=%s)", core_f, want);
        }
        else if (env == NULL && want != NULL)
            printf("Auto-detected core is already %s: no forced-core run "
                   "(--openblas-core NAME forces one).\n", want);
    }
#else
    printf("OpenBLAS not found by configure: no dgemm reference.\n");
#endif
    printf("\nGFLOP/s = 2 in out batch per layer and pass.  dgemm computes "
           "the product C = A B only (no bias, relu, bounds or patterns; the "
           "net: %d chained products); batch_eval computes bias + relu, the "
           "outputs' proven error bounds and the packed activation patterns "
           "with their undecided bits.  \"vs dgemm\": against the faster "
           "dgemm row of the same width and threads.  Outputs of one layer "
           "checked against a naive product on %d points: max |error| / "
           "proven bound (must be <= 1).\n\n", NET_LAYERS, CHECK_POINTS);
    printf("| width | threads | engine | 1 layer GFLOP/s | vs dgemm | "
           "%d-layer net GFLOP/s | vs dgemm | undecided bits (net) | "
           "check |\n", NET_LAYERS);
    printf("|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
    fflush(stdout);

    for (k = 0; k < o->nwidths; k++)
    {
        width_data D;
        slong w = o->widths[k];
        width_data_init(&D, w, o->batch, 1);
        for (t = 0; t < nts; t++)
        {
            int nt = t ? o->nall : 1;
            double ref1 = 0, ref3 = 0;
#ifdef HAVE_OPENBLAS
            if (have_a)
                measure_gemm(&Ta[k][t], &D, nt, o->min_time);
#endif
            ref1 = FLINT_MAX(Ta[k][t].g1, Tf[k][t].g1);
            ref3 = FLINT_MAX(Ta[k][t].g3, Tf[k][t].g3);
            if (have_a)
                gemm_row(w, nt, label_a, &Ta[k][t]);
            if (have_f)
                gemm_row(w, nt, label_f, &Tf[k][t]);
            for (ki = 0; ki < 3; ki++)
            {
                int kern = kernels[ki];
                char g1[32], g3[32], r1[32], r3[32], und[32], chk[32];
                cpwl_batch_plan_t P1, P3;
                eval_job J;
                double gl = 0, gn = 0, worst;
                if (!cpwl_batch_kernel_available(kern))
                    continue;
                if (now() - t_start > o->cap)
                {
                    printf("| %ld | %d | cpwl %s | skipped (cap %.0f s) | - "
                           "| - | - | - | - |\n", (long) w, nt,
                           cpwl_batch_kernel_name(kern), o->cap);
                    continue;
                }
                cpwl_batch_plan_init(P1, D.net1, kern);
                cpwl_batch_plan_init(P3, D.net3, kern);
                J.X = D.X;
                J.Y = D.Y;
                J.Yerr = D.Yerr;
                J.pat = D.pat;
                J.und = D.und;
                J.npts = D.batch;
                J.nthreads = nt;
                J.P = P1;
                gl = gflops(w, D.batch, 1, time_best(eval_call, &J,
                                                     o->min_time));
                worst = check_layer(&D);
                if (!(worst <= 1.0))
                    failed = 1;
                J.P = P3;
                gn = gflops(w, D.batch, NET_LAYERS,
                            time_best(eval_call, &J, o->min_time));
                fmt_g(g1, sizeof g1, gl);
                fmt_g(g3, sizeof g3, gn);
                fmt_ratio(r1, sizeof r1, gl, ref1);
                fmt_ratio(r3, sizeof r3, gn, ref3);
                snprintf(und, sizeof und, "%ld", (long) J.nund);
                snprintf(chk, sizeof chk, "%.2g%s", worst,
                         worst <= 1.0 ? "" : " FAIL");
                printf("| %ld | %d | cpwl %s | %s | %s | %s | %s | %s | %s "
                       "|\n", (long) w, nt, cpwl_batch_kernel_name(kern), g1, r1,
                       g3, r3, und, chk);
                fflush(stdout);
                if (kern == goal_kernel && w == 256 && ref1 > 0)
                {
                    goal[t] = gl / ref1;
                    goal_g[t] = ref1;
                }
                cpwl_batch_plan_clear(P1);
                cpwl_batch_plan_clear(P3);
            }
        }
        width_data_clear(&D);
    }
    printf("\n");
    for (t = 0; t < nts; t++)
        if (goal[t] > 0)
            printf("Goal: cpwl %s at width 256 >= 70%% of tuned dgemm "
                   "(%d thread%s, %.1f GFLOP/s): %.0f%% (%s).\n",
                   cpwl_batch_kernel_name(goal_kernel), t ? o->nall : 1,
                   t && o->nall > 1 ? "s" : "", goal_g[t], 100 * goal[t],
                   goal[t] >= 0.7 ? "met" : "NOT met");
    if (failed)
        printf("CHECK FAILED: some output exceeds its proven bound.\n");
    meter_report(&M);
    fflush(stdout);
    return failed;
}

/* ---- part 2: pattern sampling vs PyTorch -------------------------------- */

typedef struct
{
    int ok, stopped, kernel;
    double secs;
    slong npoints, npatterns, nundecided, nresolved, nboundary;
    char msg[CPWL_ERR_MSG_LEN];
}
sample_res;

static void run_sample(sample_res *r, const cpwl_net_t net, const cpwl_dom_t D,
                       slong grid, int nthreads, int cap)
{
    cpwl_pred_ctx_t ctx;
    cpwl_sample_opts so;
    cpwl_sample_t S;
    cpwl_err_t e;
    slong g[2];
    int rep;

    memset(r, 0, sizeof *r);
    g[0] = g[1] = grid;
    /* Best of two runs (the first also starts the OpenMP threads). */
    for (rep = 0; rep < 2; rep++)
    {
        int st;
        cpwl_pred_ctx_init(ctx);
        cpwl_sample_opts_init(&so, ctx);
        so.mode = CPWL_SAMPLE_GRID;
        so.grid = g;
        so.ngrid = 2;
        so.nthreads = nthreads;
        so.interrupt = &stop_flag;
        cpwl_sample_init(S);
        cpwl_err_init(e);
        stop_flag = 0;
        alarm((unsigned) cap);
        st = cpwl_sample_run(S, net, D, &so, e);
        alarm(0);
        if (st != CPWL_OK)
            snprintf(r->msg, sizeof r->msg, "%s", e->msg);
        else if (!r->ok || S->seconds < r->secs)
        {
            r->ok = 1;
            r->stopped = S->stopped;
            r->kernel = S->kernel;
            r->secs = S->seconds;
            r->npoints = S->npoints;
            r->npatterns = S->npatterns;
            r->nundecided = S->nundecided;
            r->nresolved = S->nresolved;
            r->nboundary = S->nboundary;
        }
        cpwl_sample_clear(S);
        cpwl_err_clear(e);
        cpwl_pred_ctx_clear(ctx);
        if (st != CPWL_OK || r->stopped)
            break;
    }
}

/* The number after "key": in a one-line JSON object, or -1. */
static double json_num(const char *line, const char *key)
{
    char pat[64];
    const char *p;
    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(line, pat);
    if (p == NULL)
        return -1;
    return strtod(p + strlen(pat), NULL);
}

static void json_str(char *out, size_t size, const char *line,
                     const char *key)
{
    char pat[64];
    const char *p;
    size_t n = 0;
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    p = strstr(line, pat);
    out[0] = '\0';
    if (p == NULL)
        return;
    for (p += strlen(pat); *p && *p != '"' && n + 1 < size; p++)
        out[n++] = *p;
    out[n] = '\0';
}

typedef struct
{
    int ok, threads;
    /* [0] float64, [1] float32 */
    double rate[2], secs[2];    /* forward + torch.unique */
    double frate[2], fsecs[2];  /* forward + numpy lexsort */
    double fwd[2], uniq[2], lex[2];
    slong distinct[2];
    char version[64];
}
torch_res;

static int run_torch(torch_res *r, const char *python, const char *script,
                     const char *netpath, slong grid, int nthreads)
{
    char qs[1024], qn[1024], cmd[4096], line[4096];
    static const char *pre[2] = {"f64", "f32"};
    FILE *f;
    int i;

    memset(r, 0, sizeof *r);
    if (!sh_quote(qs, sizeof qs, script) || !sh_quote(qn, sizeof qn, netpath))
        return 0;
    snprintf(cmd, sizeof cmd, "%s %s %s --grid %ld --threads %d", python, qs,
             qn, (long) grid, nthreads);
    fflush(stdout);
    f = popen(cmd, "r");
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
    {
        if (line[0] != '{')
            continue;
        r->threads = (int) json_num(line, "threads");
        json_str(r->version, sizeof r->version, line, "torch");
        r->ok = 1;
        for (i = 0; i < 2; i++)
        {
            char key[64];
#define GET(field, name) \
            snprintf(key, sizeof key, "%s_%s", pre[i], name); \
            r->field[i] = json_num(line, key)
            GET(rate, "points_per_s");
            GET(secs, "seconds");
            GET(frate, "fast_points_per_s");
            GET(fsecs, "fast_seconds");
            GET(fwd, "forward_seconds");
            GET(uniq, "unique_seconds");
            GET(lex, "lexsort_seconds");
#undef GET
            snprintf(key, sizeof key, "%s_distinct", pre[i]);
            r->distinct[i] = (slong) json_num(line, key);
            if (r->rate[i] <= 0 || r->frate[i] <= 0)
                r->ok = 0;
        }
    }
    if (pclose(f) != 0)
        r->ok = 0;
    return r->ok;
}

/* `$CPWL sample` end to end: the wall time of the whole process, best of
   two. */
typedef struct
{
    int ok;
    double wall, inner;         /* process, and its own "seconds" */
    slong patterns, undecided;
}
cli_res;

static void run_cli(cli_res *r, const char *cpwl, const char *netpath,
                    slong grid, int nthreads)
{
    char qc[1024], qn[1024], cmd[4096], line[4096];
    int rep;
    memset(r, 0, sizeof *r);
    if (!sh_quote(qc, sizeof qc, cpwl) || !sh_quote(qn, sizeof qn, netpath))
        return;
    snprintf(cmd, sizeof cmd, "%s sample %s --box -1:1,-1:1 --grid %ldx%ld "
             "--threads %d --json", qc, qn, (long) grid, (long) grid,
             nthreads);
    fflush(stdout);
    for (rep = 0; rep < 2; rep++)
    {
        double t0 = now(), wall, inner = -1;
        slong pats = -1, und = -1;
        FILE *f = popen(cmd, "r");
        if (f == NULL)
            return;
        while (fgets(line, sizeof line, f) != NULL)
            if (line[0] == '{')
            {
                inner = json_num(line, "seconds");
                pats = (slong) json_num(line, "patterns");
                und = (slong) json_num(line, "undecided");
            }
        if (pclose(f) != 0 || pats < 0)
            return;
        wall = now() - t0;
        if (!r->ok || wall < r->wall)
        {
            r->ok = 1;
            r->wall = wall;
            r->inner = inner;
            r->patterns = pats;
            r->undecided = und;
        }
    }
}

static int bench_sample(const bench_opts *o)
{
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_err_t e;
    sample_res ours[2];
    torch_res theirs[2];
    cli_res cli[2];
    char python[512], netpath[1024];
    const char *script = getenv("TORCH_SCRIPT");
    const char *cpwl = getenv("CPWL");
    const char *tmpdir = getenv("TMPDIR");
    int nts = o->nall > 1 ? 2 : 1, t, i, have_torch = 0, have_file = 0, cap;
    int threads[2];
    slong npts = o->grid * o->grid;
    cpu_meter M;

    meter_start(&M);

    threads[0] = o->nall;       /* all threads first, as the goal */
    threads[1] = 1;
    if (nts == 1)
        threads[0] = 1;
    cap = (int) ceil(o->cap);
    cpwl_net_init(net, 2);
    make_sample_net(net);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    if (cpwl_dom_set_str(D, 2, "-1:1,-1:1", NULL, NULL, e) != CPWL_OK)
    {
        fprintf(stderr, "bench_batch: %s\n", e->msg);
        exit(EXIT_FAILURE);
    }

    printf("## Pattern sampling: %s on a %ld x %ld grid on [-1,1]^2\n\n",
           SAMPLE_NET, (long) o->grid, (long) o->grid);
    printf("The net of bench_regions (PyTorch nn.Linear default init, "
           "float32, seed %llu); %ld points, %ld pattern bits.  cpwl: "
           "sample_run (grid points as exact rationals, batch_eval in "
           "double with proven bounds, undecided points re-decided "
           "exactly); the CLI (env CPWL) on the same net, timed as a whole "
           "process.  PyTorch: bench/torch_sample.py on the same net (grid, "
           "forward pass under no_grad, packed patterns, then the distinct "
           "rows by torch.unique(dim=0) or by numpy lexsort, timed apart); "
           "best of 2 runs for all.\n\n",
           (unsigned long long) name_seed(SAMPLE_NET), (long) npts,
           (long) cpwl_net_num_states(net));

    for (t = 0; t < nts; t++)
        run_sample(&ours[t], net, D, o->grid, threads[t], cap);

    /* The net as a file, for the CLI and the script. */
    if (cpwl != NULL || o->torch)
    {
        char *text = cpwl_io_net_write_str(net);
        int fd;
        FILE *f;
        snprintf(netpath, sizeof netpath, "%s/cpwl_bench_batch_XXXXXX",
                 tmpdir != NULL && tmpdir[0] ? tmpdir : "/tmp");
        fd = mkstemp(netpath);
        f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
            printf("cannot write %s: %s; CLI and PyTorch skipped.\n\n",
                   netpath, strerror(errno));
        else
            have_file = 1;
        flint_free(text);
    }

    if (cpwl == NULL)
        printf("CPWL not set: the CLI row is skipped.\n\n");
    else if (have_file)
        for (t = 0; t < nts; t++)
            run_cli(&cli[t], cpwl, netpath, o->grid, threads[t]);

    if (!o->torch)
        printf("PyTorch: skipped (--no-torch).\n\n");
    else if (!find_python(python, sizeof python))
        printf("PyTorch not installed: skipped.\n\n");
    else if (have_file)
    {
        if (script == NULL)
            script = "bench/torch_sample.py";
        if (access(script, R_OK) != 0)
            printf("%s not found (set TORCH_SCRIPT): PyTorch skipped.\n\n",
                   script);
        else
        {
            have_torch = 1;
            for (t = 0; t < nts; t++)
                if (!run_torch(&theirs[t], python, script, netpath, o->grid,
                               threads[t]))
                    printf("%s failed (%d threads): PyTorch rows "
                           "missing.\n", script, threads[t]);
        }
    }
    if (have_file)
        unlink(netpath);

    printf("| engine | threads | seconds | points/s | distinct patterns "
           "| undecided points | cpwl speed-up |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (t = 0; t < nts; t++)
    {
        const sample_res *r = ours + t;
        if (!r->ok)
        {
            printf("| cpwl sample_run | %d | error: %.60s | - | - | - | - "
                   "|\n", threads[t], r->msg);
            continue;
        }
        printf("| cpwl sample_run (%s, double + bounds) | %d | %.3f%s | "
               "%.3g | %ld | %ld (%ld resolved, %ld on a boundary) | - |\n",
               cpwl_batch_kernel_name(r->kernel), threads[t], r->secs,
               r->stopped ? " (cap)" : "", r->npoints / r->secs,
               (long) r->npatterns, (long) r->nundecided, (long) r->nresolved,
               (long) r->nboundary);
    }
    if (cpwl != NULL && have_file)
        for (t = 0; t < nts; t++)
        {
            const cli_res *r = cli + t;
            if (!r->ok)
                printf("| cpwl sample CLI (%s) | %d | failed | - | - | - | - "
                       "|\n", cpwl, threads[t]);
            else
                printf("| cpwl sample CLI, whole process (start, read the "
                       "net, sample, print; sampling %.3f s) | %d | %.3f | "
                       "%.3g | %ld | %ld | - |\n", r->inner, threads[t],
                       r->wall, (double) npts / r->wall, (long) r->patterns,
                       (long) r->undecided);
        }
    if (have_torch)
        for (t = 0; t < nts; t++)
            for (i = 0; i < 4; i++)
            {
                const torch_res *r = theirs + t;
                int prec = i / 2, fast = i % 2;
                double rate = fast ? r->frate[prec] : r->rate[prec];
                char sp[32];
                if (!r->ok)
                    continue;
                if (ours[t].ok && !ours[t].stopped)
                    snprintf(sp, sizeof sp, "%.1fx", ours[t].npoints
                             / ours[t].secs / rate);
                else
                    snprintf(sp, sizeof sp, "-");
                printf("| PyTorch %s %s: forward %.3f s + %s %.3f s | %d | "
                       "%.3f | %.3g | %ld | - | %s |\n", r->version,
                       prec ? "float32" : "float64", r->fwd[prec],
                       fast ? "numpy lexsort" : "torch.unique(dim=0)",
                       fast ? r->lex[prec] : r->uniq[prec], r->threads,
                       fast ? r->fsecs[prec] : r->secs[prec], rate,
                       (long) r->distinct[prec], sp);
            }
    printf("\n");
    if (have_torch && theirs[0].ok && ours[0].ok && !ours[0].stopped)
    {
        const sample_res *r = ours;
        /* A PyTorch float64 pattern can be missing from ours only at a
           point where some bit was undecided in double (and then found on
           a boundary, or not re-decided). */
        slong slack = r->nundecided - r->nresolved;
        for (i = 0; i < 2; i++)
        {
            slong d = theirs[0].distinct[i], c = r->npatterns;
            printf("Distinct patterns: cpwl %ld, PyTorch %s %ld: ", (long) c,
                   i ? "float32" : "float64", (long) d);
            if (d == c)
                printf("equal.\n");
            else if (c > d)
                printf("cpwl sees %ld more (PyTorch's rounding merged "
                       "some).\n", (long) (c - d));
            else
                printf("cpwl sees %ld fewer: %s (%ld points undecided in "
                       "double and not found inside a region).\n",
                       (long) (d - c), c >= d - slack ? "consistent"
                       : i ? "float32 rounding" : "INCONSISTENT",
                       (long) slack);
        }
        for (t = 0; t < nts; t++)
            if (theirs[t].ok && ours[t].ok && !ours[t].stopped)
            {
                double ra = ours[t].npoints / ours[t].secs;
                double s = ra / theirs[t].rate[0];
                double sf = ra / theirs[t].frate[0];
                printf("Goal: cpwl >= 3x the PyTorch float64 sampling rate "
                       "(%d thread%s): %.1fx with torch.unique (%s), %.1fx "
                       "with the lexsort count (%s); against float32: %.1fx "
                       "and %.1fx.\n", threads[t], threads[t] > 1 ? "s" : "",
                       s, s >= 3 ? "met" : "NOT met", sf,
                       sf >= 3 ? "met" : "NOT met", ra / theirs[t].rate[1],
                       ra / theirs[t].frate[1]);
            }
    }
    meter_report(&M);
    fflush(stdout);
    cpwl_err_clear(e);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
    return 0;
}

int main(int argc, char **argv)
{
    bench_opts o;
    int i, child = 0, st = 0;

    o.cap = 120;
    o.min_time = 0.3;
    o.batch = 4096;
    o.grid = 1000;
    o.forward = o.sample = o.torch = 1;
    o.core = NULL;
#ifdef _OPENMP
    o.nall = omp_get_max_threads();
#else
    o.nall = 1;
#endif
    parse_widths(&o, "64,256,1024");
    for (i = 1; i < argc; i++)
    {
        if (strcmp(argv[i], "--cap") == 0 && i + 1 < argc)
        {
            o.cap = atof(argv[++i]);
            if (!(o.cap > 0))
                usage();
        }
        else if (strcmp(argv[i], "--min-time") == 0 && i + 1 < argc)
        {
            o.min_time = atof(argv[++i]);
            if (!(o.min_time >= 0))
                usage();
        }
        else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
        {
            o.batch = atol(argv[++i]);
            if (o.batch < 1 || o.batch > (1L << 24))
                usage();
        }
        else if (strcmp(argv[i], "--grid") == 0 && i + 1 < argc)
        {
            o.grid = atol(argv[++i]);
            if (o.grid < 1 || o.grid > 100000)
                usage();
        }
        else if (strcmp(argv[i], "--widths") == 0 && i + 1 < argc)
        {
            if (!parse_widths(&o, argv[++i]))
                usage();
        }
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
        {
            /* the child's "all threads", the parent's count */
            o.nall = atoi(argv[++i]);
            if (o.nall < 1)
                usage();
        }
        else if (strcmp(argv[i], "--openblas-core") == 0 && i + 1 < argc)
            o.core = argv[++i];
        else if (strcmp(argv[i], "--dgemm-child") == 0)
            child = 1;
        else if (strcmp(argv[i], "--no-forward") == 0)
            o.forward = 0;
        else if (strcmp(argv[i], "--no-sample") == 0)
            o.sample = 0;
        else if (strcmp(argv[i], "--no-torch") == 0)
            o.torch = 0;
        else
            usage();
    }
    if (child)
    {
#ifdef HAVE_OPENBLAS
        st = dgemm_child(&o);
#else
        st = 1;
#endif
        flint_cleanup();
        return st;
    }
    {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
    }
    printf("# bench_batch: the batched double path (cap %.0f s per part, "
           "%.2g s per measurement)\n\n", o.cap, o.min_time);
    if (o.forward)
        st |= bench_forward(&o);
    if (o.sample)
        st |= bench_sample(&o);
    flint_cleanup();
    return st ? EXIT_FAILURE : EXIT_SUCCESS;
}
