/* Benchmark of the KL term of a PAC-Bayes bound (chapter 6): KL(Q || P)
   for two diagonal Gaussians over BENCH_PB_D weights (default 10^6) with
   per-weight sigmas (seeded: posterior sigma in [1e-3, 1e-1), prior sigma
   in [1e-2, 1e-1), means in [-1, 1) and a shift of at most 0.1).  Timed
   in the same run: the certified ball (cpwl_gauss_kl), the plain double
   sum (cpwl_gauss_kl_d: libm's log per weight, index order) and the
   every-term-in-Arb reference (cpwl_gauss_kl_arb at 128 bits, on the
   first 10^5 weights, scaled by d / 10^5).  The goal: certified
   <= 5x the double sum.  Prints the ball, the double value and whether
   the double lies in the ball; then the same with a shared prior
   variance.  Each timing is repeated until about BENCH_PB_SECS seconds
   (default 0.5) have passed, at least once. */
#include <stdio.h>
#include <stdlib.h>
#include "cpwl.h"
#include "cpwl/gauss.h"
#include "benchutil.h"

#define ARB_D 100000

static double budget = 0.5;

static double unif(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * ((double) (next64(s) >> 11) * 0x1.0p-53);
}

static void die(const char *what, const cpwl_err_t e)
{
    fprintf(stderr, "bench_pacbayes: %s: %s\n", what, e->msg);
    exit(1);
}

/* seconds per call of the certified KL (arb = 1: the reference) */
static double time_kl(arb_t r, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                      int arb, slong *reps)
{
    cpwl_err_t e;
    double t0 = now(), t;
    slong n = 0;
    cpwl_err_init(e);
    do
    {
        if ((arb ? cpwl_gauss_kl_arb(r, Q, P, 128, e)
             : cpwl_gauss_kl(r, Q, P, 128, e)) != CPWL_OK)
            die("kl", e);
        n++;
        t = now() - t0;
    }
    while (t < budget);
    *reps = n;
    return t / (double) n;
}

static double time_kl_d(double *v, const cpwl_gauss_t Q,
                        const cpwl_gauss_t P, slong *reps)
{
    double t0 = now(), t;
    slong n = 0;
    do
    {
        *v = cpwl_gauss_kl_d(Q, P);
        n++;
        t = now() - t0;
    }
    while (t < budget);
    *reps = n;
    return t / (double) n;
}

static void run(const char *title, const cpwl_gauss_t Q, const cpwl_gauss_t P,
                const cpwl_gauss_t Qa, const cpwl_gauss_t Pa)
{
    arb_t r, ra, dv;
    double tc, td, ta, v;
    slong nc, nd, na, d = Q->d;
    char *s;
    arb_init(r);
    arb_init(ra);
    arb_init(dv);
    tc = time_kl(r, Q, P, 0, &nc);
    td = time_kl_d(&v, Q, P, &nd);
    ta = time_kl(ra, Qa, Pa, 1, &na) * (double) d / (double) Qa->d;
    printf("\n%s, d = %ld\n\n", title, (long) d);
    printf("| implementation | repetitions | seconds per KL | against the "
           "double sum |\n|---|---|---|---|\n");
    printf("| certified ball (cpwl_gauss_kl) | %ld | %.4g | %.2fx |\n",
           (long) nc, tc, tc / td);
    printf("| plain double sum (cpwl_gauss_kl_d) | %ld | %.4g | 1x |\n",
           (long) nd, td);
    printf("| every term in Arb, 128 bits (cpwl_gauss_kl_arb; %ld weights, "
           "scaled) | %ld | %.4g | %.0fx |\n", (long) Qa->d, (long) na, ta,
           ta / td);
    s = arb_get_str(r, 20, 0);
    printf("\ncertified KL: %s (radius %.3g, relative %.3g)\n", s,
           mag_get_d(arb_radref(r)),
           mag_get_d(arb_radref(r)) / arf_get_d(arb_midref(r), ARF_RND_NEAR));
    flint_free(s);
    arb_set_d(dv, v);
    printf("double sum:   %.17g (%s the ball; distance to its midpoint "
           "%.3g)\n", v, arb_contains(r, dv) ? "inside" : "OUTSIDE",
           fabs(v - arf_get_d(arb_midref(r), ARF_RND_NEAR)));
    printf("certified / double: %.2fx (goal <= 5x)\n", tc / td);
    arb_clear(r);
    arb_clear(ra);
    arb_clear(dv);
}

int main(void)
{
    const char *env;
    slong d = 1000000, i;
    uint64_t seed = 17;
    cpwl_gauss_t Q, P, Qa, Pa;
    arb_t v;
    (void) on_alarm;            /* benchutil's cap: the clock is read here */
    if ((env = getenv("BENCH_PB_SECS")) != NULL)
        budget = atof(env);
    if ((env = getenv("BENCH_PB_D")) != NULL)
        d = atol(env);
    if (d < ARB_D)
        d = ARB_D;
    cpwl_gauss_init(Q, d);
    cpwl_gauss_init(P, d);
    for (i = 0; i < d; i++)
    {
        Q->sigma[i] = unif(&seed, 1e-3, 1e-1);
        P->sigma[i] = unif(&seed, 1e-2, 1e-1);
        Q->mu[i] = unif(&seed, -1, 1);
        P->mu[i] = Q->mu[i] + unif(&seed, -0.1, 0.1);
    }
    cpwl_gauss_init(Qa, ARB_D);
    cpwl_gauss_init(Pa, ARB_D);
    for (i = 0; i < ARB_D; i++)
    {
        Qa->sigma[i] = Q->sigma[i];
        Pa->sigma[i] = P->sigma[i];
        Qa->mu[i] = Q->mu[i];
        Pa->mu[i] = P->mu[i];
    }
    printf("KL of two diagonal Gaussians (bench/bench_pacbayes.c, seed 17)\n");
    run("Per-weight sigmas on both sides", Q, P, Qa, Pa);
    /* a prior from a grid: s2 = (1/10) e^{-5/2}, an inexact ball */
    arb_init(v);
    arb_set_si(v, -5);
    arb_mul_2exp_si(v, v, -1);
    arb_exp(v, v, 128);
    arb_div_ui(v, v, 10, 128);
    cpwl_gauss_set_shared(P, v, 128);
    cpwl_gauss_set_shared(Pa, v, 128);
    run("Shared prior variance (1/10) e^{-5/2}", Q, P, Qa, Pa);
    arb_clear(v);
    cpwl_gauss_clear(Q);
    cpwl_gauss_clear(P);
    cpwl_gauss_clear(Qa);
    cpwl_gauss_clear(Pa);
    flint_cleanup();
    return 0;
}
