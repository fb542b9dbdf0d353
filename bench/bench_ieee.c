/* Cost of an emulated IEEE operation (cpwl_ieee_op_rn, cpwl_ieee_op_sr)
   against the machine's float and double on the same loops, in one run:
   - dot: s = s + x_i y_i, left to right (2 operations per element; the
     native loops are a dependency chain too: C forbids reassociating
     them, so they are not vectorised);
   - axpy: y_i = y_i + a x_i (2 operations per element; the native float
     loop is vectorised by the compiler, the emulated one cannot be).
   Each emulated binary32 and binary64 result is also compared with the
   native one, bit for bit. */
#include <unistd.h>
#include "benchutil.h"
#include "cpwl/ieee.h"

#define N 1000000
#define MIN_TIME 0.25           /* seconds per measurement at least */

static double xd[N], yd[N], wd[N];
static float xf[N], yf[N];

/* Repeat body until MIN_TIME has passed (or the whole run's time cap):
   nanoseconds per operation. */
#define TIMED(ns, opsper, body) \
    do { \
        double t0_ = now(), t_; \
        long reps_ = 0; \
        do { body; reps_++; } \
        while ((t_ = now() - t0_) < MIN_TIME && !stop_flag); \
        (ns) = 1e9 * t_ / ((double) reps_ * (opsper)); \
    } while (0)

static double dot_emul(cpwl_ieee_fmt f, long n)
{
    double s = 0;
    long i;
    for (i = 0; i < n; i++)
        s = cpwl_ieee_op_rn(CPWL_IEEE_ADD, s,
                            cpwl_ieee_op_rn(CPWL_IEEE_MUL, xd[i], yd[i], f), f);
    return s;
}

static double dot_sr(cpwl_ieee_fmt f, long n, uint64_t *rng)
{
    double s = 0;
    long i;
    for (i = 0; i < n; i++)
        s = cpwl_ieee_op_sr(CPWL_IEEE_ADD, s,
                            cpwl_ieee_op_sr(CPWL_IEEE_MUL, xd[i], yd[i], f, rng),
                            f, rng);
    return s;
}

static float dot_float(long n)
{
    float s = 0;
    long i;
    for (i = 0; i < n; i++)
        s = s + xf[i] * yf[i];
    return s;
}

static double dot_double(long n)
{
    double s = 0;
    long i;
    for (i = 0; i < n; i++)
        s = s + xd[i] * yd[i];
    return s;
}

static void axpy_emul(double a, cpwl_ieee_fmt f, long n)
{
    long i;
    for (i = 0; i < n; i++)
        wd[i] = cpwl_ieee_op_rn(CPWL_IEEE_ADD, wd[i],
                                cpwl_ieee_op_rn(CPWL_IEEE_MUL, a, xd[i], f), f);
}

static void axpy_float(float a, long n)
{
    long i;
    for (i = 0; i < n; i++)
        yf[i] = yf[i] + a * xf[i];
}

static void axpy_double(double a, long n)
{
    long i;
    for (i = 0; i < n; i++)
        wd[i] = wd[i] + a * xd[i];
}

/* x, y of the format: uniform in [-1, 1) rounded, and the float copies. */
static void fill(cpwl_ieee_fmt f)
{
    uint64_t s = 20261207;
    long i;
    for (i = 0; i < N; i++)
    {
        xd[i] = cpwl_ieee_round(2 * ((double) (next64(&s) >> 11) * 0x1p-53) - 1, f);
        yd[i] = cpwl_ieee_round(2 * ((double) (next64(&s) >> 11) * 0x1p-53) - 1, f);
        xf[i] = (float) xd[i];
        yf[i] = (float) yd[i];
    }
}

int main(void)
{
    static const cpwl_ieee_fmt fmts[4] = {
        CPWL_IEEE_BINARY16, CPWL_IEEE_BFLOAT16, CPWL_IEEE_BINARY32,
        CPWL_IEEE_BINARY64
    };
    volatile double sink = 0;
    double t_float, t_double, t_afloat, t_adouble, t, ta;
    float a32 = 0.75f;
    double r32 = 0;
    int k, bad = 0;
    struct sigaction sa;

    /* a cap on the whole run, for a loaded machine */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(120);

    /* the native loops, on binary32 data */
    fill(CPWL_IEEE_BINARY32);
    TIMED(t_float, 2.0 * N, sink += dot_float(N));
    TIMED(t_double, 2.0 * N, sink += dot_double(N));
    TIMED(t_afloat, 2.0 * N, axpy_float(a32, N); sink += yf[N / 2]);
    memcpy(wd, yd, sizeof wd);
    TIMED(t_adouble, 2.0 * N, axpy_double(0.75, N); sink += wd[N / 2]);

    printf("bench_ieee: %d elements, ns per operation (2 operations per element)\n", N);
    printf("%-22s %9s %9s %9s %9s\n", "loop", "dot", "/float", "axpy", "/float");
    printf("%-22s %9.3f %9.2f %9.3f %9.2f\n", "native float", t_float, 1.0,
           t_afloat, 1.0);
    printf("%-22s %9.3f %9.2f %9.3f %9.2f\n", "native double", t_double,
           t_double / t_float, t_adouble, t_adouble / t_afloat);
    for (k = 0; k < 4; k++)
    {
        cpwl_ieee_fmt f = fmts[k];
        char name[64];
        fill(f);
        memcpy(wd, yd, sizeof wd);
        TIMED(t, 2.0 * N, sink += dot_emul(f, N));
        TIMED(ta, 2.0 * N, axpy_emul(0.75, f, N); sink += wd[N / 2]);
        snprintf(name, sizeof name, "emulated %s", cpwl_ieee_fmt_name(f));
        printf("%-22s %9.3f %9.2f %9.3f %9.2f\n", name, t, t / t_float, ta,
               ta / t_afloat);
        if (f == CPWL_IEEE_BINARY32)
            r32 = t / t_float;
        /* the same result as the machine's, bit for bit */
        if (f == CPWL_IEEE_BINARY32 && dot_emul(f, N) != (double) dot_float(N))
            bad = 1;
        if (f == CPWL_IEEE_BINARY64 && dot_emul(f, N) != dot_double(N))
            bad = 1;
    }
    {
        uint64_t rng = 1;
        long n = N / 10;
        fill(CPWL_IEEE_BINARY32);
        TIMED(t, 2.0 * n, sink += dot_sr(CPWL_IEEE_BINARY32, n, &rng));
        printf("%-22s %9.3f %9.2f %9s %9s\n", "stochastic binary32", t,
               t / t_float, "-", "-");
    }
    printf("emulated binary32 / native float, dot product: %.2fx (goal: within 20x)\n",
           r32);
    (void) sink;
    if (bad)
    {
        printf("bench_ieee: the emulated dot product differs from the native one\n");
        return 1;
    }
    return 0;
}
