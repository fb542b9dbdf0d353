/* Benchmark of the Tron engine (chapter 3): population steps per second at
   n = 100 on a 1000-point support (seeded coordinates k/8, |k| <= 8,
   each point of probability 1/1000; w*_j = ((j mod 7) - 3)/4; w_1 = 0;
   eta = 1), in exact arithmetic and in binary64 emulated through module
   arith, each beside a reference measured in the same run: a plain fmpq
   loop of the same update (exact) and a plain C loop on double arrays
   (binary64), both in the engine's order of operations (tron.h), so the
   references must end on the same iterate (checked: equal rationals,
   equal bits).  Exact steps slow down as the denominators grow (by
   about 16 bits a step here): their rate is over the steps done.  Each configuration runs about BENCH_TRON_SECS seconds
   (default 1) or its step cap.  Speed is measured here, never in the
   tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "cpwl.h"
#include "benchutil.h"

#define N 100
#define K 1000
#define EXACT_STEPS 1000

static double budget = 1.0;

typedef struct
{
    slong steps;
    double secs;
}
timing;

/* The support as CSV (p, then x) and the same numbers as doubles. */
static char *support_csv(double *Xd)
{
    size_t cap = (size_t) K * (N * 6 + 16) + 64, len = 0;
    char *s = flint_malloc(cap);
    uint64_t st = 0x7a0e15;
    slong k, j;

    len += (size_t) snprintf(s + len, cap - len, "p");
    for (j = 0; j < N; j++)
        len += (size_t) snprintf(s + len, cap - len, ",x%ld", (long) j + 1);
    len += (size_t) snprintf(s + len, cap - len, "\n");
    for (k = 0; k < K; k++)
    {
        len += (size_t) snprintf(s + len, cap - len, "1/%d", K);
        for (j = 0; j < N; j++)
        {
            int v = (int) (next64(&st) % 17) - 8;
            Xd[k * N + j] = v / 8.0;
            len += (size_t) snprintf(s + len, cap - len, ",%d/8", v);
        }
        len += (size_t) snprintf(s + len, cap - len, "\n");
    }
    return s;
}

static void wstar_set(fmpq *ws, double *wsd)
{
    slong j;
    for (j = 0; j < N; j++)
    {
        fmpq_set_si(ws + j, (j % 7) - 3, 4);
        wsd[j] = ((j % 7) - 3) / 4.0;
    }
}

/* The engine: steps population steps (or until the budget), w_end the
   last iterate exactly (NULL: not wanted). */
static timing time_engine(const cpwl_dist_t D, const fmpq *ws,
                          const char *arith, slong cap, fmpq *w_end)
{
    cpwl_tron_opts_t o;
    cpwl_arith_t A;
    cpwl_tron_t R;
    cpwl_err_t e;
    fmpq *w1 = _fmpq_vec_init(N);
    timing T = {0, 0.0};
    double t0;
    slong j;

    cpwl_tron_opts_init(o);
    cpwl_err_init(e);
    if (!cpwl_arith_init_str(A, arith)
        || cpwl_tron_init(R, o, D, ws, w1, A, e) != CPWL_OK)
    {
        fprintf(stderr, "bench_tron: %s: %s\n", arith, e->msg);
        exit(1);
    }
    t0 = now();
    while (T.steps < cap && (T.steps == 0 || now() - t0 < budget))
    {
        if (cpwl_tron_step(R, e) != 0)
        {
            fprintf(stderr, "bench_tron: %s\n", e->msg);
            exit(1);
        }
        T.steps++;
    }
    T.secs = now() - t0;
    if (w_end != NULL)
        for (j = 0; j < N; j++)
            if (!cpwl_val_get_fmpq(w_end + j, R->w + j, A))
            {
                fprintf(stderr, "bench_tron: w_t is not finite\n");
                exit(1);
            }
    cpwl_tron_clear(R);
    cpwl_arith_clear(A);
    cpwl_err_clear(e);
    cpwl_tron_opts_clear(o);
    _fmpq_vec_clear(w1, N);
    return T;
}

/* The same update on fmpq arrays, cap steps: z = <w, x> left to right;
   r = y - relu(z); s = p r; u += s x; w += eta u (eta = 1). */
static timing time_fmpq(const cpwl_dist_t D, const fmpq *ws, slong cap,
                        fmpq *w)
{
    fmpq *y = _fmpq_vec_init(K), *u = _fmpq_vec_init(N);
    fmpq_t z, t;
    timing T = {0, 0.0};
    double t0;
    slong k, j;

    fmpq_init(z);
    fmpq_init(t);
    for (k = 0; k < K; k++)
    {
        _fmpq_vec_dot(y + k, ws, D->X + k * N, N);
        if (fmpq_sgn(y + k) < 0)
            fmpq_zero(y + k);
    }
    for (j = 0; j < N; j++)
        fmpq_zero(w + j);
    t0 = now();
    while (T.steps < cap)       /* the engine's steps, whatever they cost */
    {
        for (j = 0; j < N; j++)
            fmpq_zero(u + j);
        for (k = 0; k < K; k++)
        {
            const fmpq *x = D->X + k * N;
            fmpq_zero(z);
            for (j = 0; j < N; j++)
            {
                fmpq_mul(t, w + j, x + j);
                fmpq_add(z, z, t);
            }
            if (fmpq_sgn(z) > 0)
                fmpq_sub(z, y + k, z);
            else
                fmpq_set(z, y + k);
            fmpq_mul(z, D->p + k, z);
            for (j = 0; j < N; j++)
            {
                fmpq_mul(t, z, x + j);
                fmpq_add(u + j, u + j, t);
            }
        }
        for (j = 0; j < N; j++)
            fmpq_add(w + j, w + j, u + j);
        T.steps++;
    }
    T.secs = now() - t0;
    fmpq_clear(z);
    fmpq_clear(t);
    _fmpq_vec_clear(y, K);
    _fmpq_vec_clear(u, N);
    return T;
}

/* The same update on double arrays. */
static timing time_double(const double *X, const double *wsd, slong cap,
                          double *w)
{
    static double y[K], u[N];
    const double p = 1.0 / K;
    timing T = {0, 0.0};
    double t0;
    slong k, j;

    for (k = 0; k < K; k++)
    {
        double z = 0;
        for (j = 0; j < N; j++)
            z += wsd[j] * X[k * N + j];     /* exact: small dyadics */
        y[k] = z > 0 ? z : 0;
    }
    for (j = 0; j < N; j++)
        w[j] = 0;
    t0 = now();
    while (T.steps < cap && (T.steps == 0 || now() - t0 < budget))
    {
        for (j = 0; j < N; j++)
            u[j] = 0;
        for (k = 0; k < K; k++)
        {
            const double *x = X + k * N;
            double z = 0, s;
            for (j = 0; j < N; j++)
                z = z + w[j] * x[j];
            s = z > 0 ? y[k] - z : y[k];
            s = p * s;
            for (j = 0; j < N; j++)
                u[j] = u[j] + s * x[j];
        }
        for (j = 0; j < N; j++)
            w[j] = w[j] + 1.0 * u[j];
        T.steps++;
    }
    T.secs = now() - t0;
    return T;
}

static void row(const char *arith, const char *impl, const timing *T)
{
    printf("| %s | %s | %ld | %.3f | %.4g |\n", arith, impl, (long) T->steps,
           T->secs, T->steps / T->secs);
}

static double per_step(const timing *T)
{
    return T->secs / (double) T->steps;
}

int main(void)
{
    const char *env = getenv("BENCH_TRON_SECS");
    static double Xd[K * N], wsd[N], wd[N];
    fmpq *ws = _fmpq_vec_init(N), *we = _fmpq_vec_init(N),
        *wr = _fmpq_vec_init(N);
    cpwl_dist_t D;
    cpwl_err_t e;
    timing te, tq, td, tn;
    char *csv;
    slong j, diff;
    int same_q, same_d;

    (void) on_alarm;            /* benchutil's cap: the clock is read here */
    if (env != NULL && atof(env) > 0)
        budget = atof(env);
    csv = support_csv(Xd);
    wstar_set(ws, wsd);
    cpwl_dist_init(D);
    cpwl_err_init(e);
    if (cpwl_dist_read_str(D, csv, strlen(csv), "bench", e) != CPWL_OK)
    {
        fprintf(stderr, "bench_tron: %s\n", e->msg);
        return 1;
    }
    flint_free(csv);

    printf("Tron, population mode: steps per second, n = %d, a %d-point "
           "support (x_kj = k/8, |k| <= 8, seeded; p = 1/%d), w*_j = "
           "((j mod 7) - 3)/4, w_1 = 0, eta = 1; each run about %g s or its "
           "step cap.\n\n", N, K, K, budget);
    printf("| arithmetic | implementation | steps | seconds | steps/s |\n"
           "|---|---|---:|---:|---:|\n");
    te = time_engine(D, ws, "exact", EXACT_STEPS, we);
    row("exact", "engine (cpwl_tron_step)", &te);
    tq = time_fmpq(D, ws, te.steps, wr);
    row("exact", "plain fmpq loop", &tq);
    for (j = 0, diff = 0; j < N; j++)
        diff += !fmpq_equal(we + j, wr + j);
    same_q = diff == 0;

    td = time_engine(D, ws, "binary64", 100000, NULL);
    row("binary64 (arith)", "engine (cpwl_tron_step)", &td);
    tn = time_double(Xd, wsd, 1000000, wd);
    row("binary64", "plain C double loop", &tn);
    /* the same number of steps in both, then the same bits */
    {
        timing a = time_engine(D, ws, "binary64", 20, we);
        timing b = time_double(Xd, wsd, 20, wd);
        for (j = 0, diff = 0; j < N; j++)
            diff += fmpq_get_d(we + j) != wd[j];
        same_d = diff == 0 && a.steps == 20 && b.steps == 20;
    }

    printf("\nTime per step against the reference in the same run:\n");
    printf("  exact:    engine / plain fmpq loop = %.2fx over %ld steps; "
           "the same w_%ld: %s\n", per_step(&te) / per_step(&tq),
           (long) te.steps, (long) te.steps + 1, same_q ? "yes" : "NO");
    printf("  binary64: engine / plain C double loop = %.1fx; the same bits "
           "after 20 steps: %s\n", per_step(&td) / per_step(&tn),
           same_d ? "yes" : "NO");
    for (j = 0, diff = 0; j < N; j++)
        diff = FLINT_MAX(diff, (slong) fmpz_bits(fmpq_denref(wr + j)));
    printf("  (exact: w_%ld's largest denominator has %ld bits)\n",
           (long) te.steps + 1, (long) diff);
    cpwl_dist_clear(D);
    cpwl_err_clear(e);
    _fmpq_vec_clear(ws, N);
    _fmpq_vec_clear(we, N);
    _fmpq_vec_clear(wr, N);
    flint_cleanup();
    return 0;
}
