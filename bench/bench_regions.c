/* make bench: activation and linear regions of nets as users have them,
   i.e. PyTorch's default initialisation (weights and biases uniform in
   +-1/sqrt(fan_in)) stored as float32 and taken exactly (dyadic
   rationals), on the box [-1,1]^n and on all of R^n.

   Prints a Markdown table: regions, seconds, regions per second, the
   share of sign decisions taken by each predicate stage, the linear
   region count (a separate run, so that the region time stays clean),
   and the same region count with the filters off (exact only) with the
   ratio of the two times.  Every run has a time cap (SIGALRM sets the
   interrupt flag of the region algorithms); the exact-only run is
   skipped when the filtered one was already slow.

   usage: bench_regions [--cap SECONDS] [--method auto|1d|2d|nd]
                        [--no-linear] [--no-exact] [--box-only | --all-only]
                        [--write-nets [--out DIR]] [NAME...]
   NAME picks nets by name (e.g. 2-64-64-1); --write-nets writes the
   selected nets as cpwl-net JSON into DIR (default bench/nets) for
   `cpwl regions` and exits. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cpwl.h"
#include "benchutil.h"

typedef struct
{
    const char *name;
    slong n;                    /* inputs */
    slong nw;                   /* hidden layers */
    slong w[5];                 /* hidden widths */
}
bench_net;

static const bench_net NETS[] = {
    {"2-16-16-1", 2, 2, {16, 16}},
    {"2-32-32-32-1", 2, 3, {32, 32, 32}},
    {"2-64-64-1", 2, 2, {64, 64}},
    {"2-64-64-64-1", 2, 3, {64, 64, 64}},
    {"2-32x5-1", 2, 5, {32, 32, 32, 32, 32}},
    {"2-128-128-1", 2, 2, {128, 128}},
    {"2-256-256-1", 2, 2, {256, 256}},
    {"3-16-16-1", 3, 2, {16, 16}},
    {"4-12-12-1", 4, 2, {12, 12}},
};

#define NNETS ((slong) (sizeof NETS / sizeof NETS[0]))

/* The exact-only run is skipped when the filtered run took longer. */
#define EXACT_SKIP_SECONDS 3.0

static void make_net(net_t net, const bench_net *B)
{
    bench_torch_net(net, B->name, B->n, B->nw, B->w);
}

typedef struct
{
    int ok;                     /* ran and finished */
    int timeout;
    slong ncells, nlinear, lps;
    double secs;
    ulong by_d, by_a, by_x;
    char msg[CPWL_ERR_MSG_LEN];
}
job_result;

static void job(job_result *res, const net_t net, const dom_t D,
                regions_method method, int linear, int exact_only, int cap)
{
    pred_ctx_t ctx;
    regions_opts o;
    regions_t R;
    err_t e;
    double t0;
    int st;

    memset(res, 0, sizeof *res);
    pred_ctx_init(ctx);
    ctx->exact_only = exact_only;
    regions_opts_init(&o, ctx);
    o.method = method;
    o.linear = linear;
    o.interrupt = &stop_flag;
    regions_init(R, 0, 0, 0);
    err_init(e);
    stop_flag = 0;
    alarm((unsigned) cap);
    t0 = now();
    st = regions_compute(R, net, D, &o, e);
    res->secs = now() - t0;
    alarm(0);
    if (st != CPWL_OK)
        snprintf(res->msg, sizeof res->msg, "%s", e->msg);
    else
    {
        res->ok = R->stopped == REGIONS_DONE;
        res->timeout = R->stopped == REGIONS_STOP_INTERRUPT;
        if (!res->ok && !res->timeout)
            snprintf(res->msg, sizeof res->msg, "stopped (%d)", R->stopped);
        res->ncells = R->stopped ? R->lower_bound : R->ncells;
        res->nlinear = R->nlinear;
        res->lps = R->lp_solved;
    }
    res->by_d = ctx->by_double;
    res->by_a = ctx->by_arb;
    res->by_x = ctx->by_exact;
    regions_clear(R);
    err_clear(e);
    pred_ctx_clear(ctx);
}

static const char *method_name(regions_method m)
{
    return m == REGIONS_AUTO ? "auto" : m == REGIONS_1D ? "1d"
           : m == REGIONS_2D ? "2d" : "nd";
}

/* The method auto picks, for the table. */
static regions_method resolved(regions_method m, slong d)
{
    if (m != REGIONS_AUTO)
        return m;
    return d == 1 ? REGIONS_1D : d == 2 ? REGIONS_2D : REGIONS_ND;
}

static void pct(char *buf, size_t size, ulong k, ulong total)
{
    if (total == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f", 100.0 * k / total);
}

static void bench_row(const bench_net *B, int bounded, regions_method method,
                      int cap, int do_linear, int do_exact)
{
    net_t net;
    dom_t D;
    err_t e;
    job_result a, l, x;
    char box[256], regs[64], rate[64], pd[16], pa[16], px[16];
    char lin[64], lint[32], xt[64], ratio[32];
    slong i;
    ulong tot;

    net_init(net, B->n);
    make_net(net, B);
    dom_init(D);
    err_init(e);
    box[0] = '\0';
    for (i = 0; i < B->n; i++)
        strcat(box, i ? ",-1:1" : "-1:1");
    if (dom_set_str(D, B->n, bounded ? box : NULL, NULL, NULL, e) != CPWL_OK)
    {
        fprintf(stderr, "%s: %s\n", B->name, e->msg);
        exit(EXIT_FAILURE);
    }

    job(&a, net, D, method, 0, 0, cap);
    tot = a.by_d + a.by_a + a.by_x;
    pct(pd, sizeof pd, a.by_d, tot);
    pct(pa, sizeof pa, a.by_a, tot);
    pct(px, sizeof px, a.by_x, tot);
    if (a.ok)
    {
        snprintf(regs, sizeof regs, "%ld", (long) a.ncells);
        snprintf(rate, sizeof rate, "%.0f", a.ncells / a.secs);
    }
    else if (a.timeout)
    {
        snprintf(regs, sizeof regs, ">= %ld (cap)", (long) a.ncells);
        snprintf(rate, sizeof rate, "-");
    }
    else
    {
        snprintf(regs, sizeof regs, "error: %.40s", a.msg);
        snprintf(rate, sizeof rate, "-");
    }

    snprintf(lin, sizeof lin, "skipped");
    snprintf(lint, sizeof lint, "-");
    if (do_linear && a.ok && a.secs < cap / 2.0)
    {
        job(&l, net, D, method, 1, 0, cap);
        if (l.ok)
            snprintf(lin, sizeof lin, "%ld", (long) l.nlinear);
        else
            snprintf(lin, sizeof lin, l.timeout ? "cap" : "error");
        snprintf(lint, sizeof lint, "%.3f", l.secs);
    }

    snprintf(xt, sizeof xt, "skipped");
    snprintf(ratio, sizeof ratio, "-");
    if (do_exact && a.ok && a.secs <= EXACT_SKIP_SECONDS)
    {
        job(&x, net, D, method, 0, 1, cap);
        if (x.ok && x.ncells != a.ncells)
        {
            fprintf(stderr, "%s: exact-only count %ld != filtered %ld\n",
                    B->name, (long) x.ncells, (long) a.ncells);
            exit(EXIT_FAILURE);
        }
        if (x.ok)
        {
            snprintf(xt, sizeof xt, "%.3f", x.secs);
            snprintf(ratio, sizeof ratio, "%.1fx", x.secs / a.secs);
        }
        else if (x.timeout)
        {
            /* the ratio is still bounded by the cap */
            snprintf(xt, sizeof xt, "> %d (cap)", cap);
            snprintf(ratio, sizeof ratio, "> %.0fx", cap / a.secs);
        }
        else
            snprintf(xt, sizeof xt, "error");
    }

    printf("| %s | %s | %s | %s | %.3f | %s | %lu | %s | %s | %s | %ld | %s "
           "| %s | %s | %s |\n", B->name, bounded ? "[-1,1]^n" : "R^n",
           method_name(resolved(method, B->n)), regs, a.secs, rate, tot, pd,
           pa, px, (long) a.lps, lin, lint, xt, ratio);
    fflush(stdout);
    err_clear(e);
    dom_clear(D);
    net_clear(net);
}

static int write_nets(const char *dir, char **names, int nnames)
{
    slong k;
    int i;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    {
        perror(dir);
        return EXIT_FAILURE;
    }
    for (k = 0; k < NNETS; k++)
    {
        int pick = nnames == 0;
        for (i = 0; i < nnames; i++)
            pick |= strcmp(names[i], NETS[k].name) == 0;
        if (pick)
        {
            net_t net;
            char path[1024], *s;
            FILE *f;
            net_init(net, NETS[k].n);
            make_net(net, NETS + k);
            s = io_net_write_str(net);
            snprintf(path, sizeof path, "%s/%s.json", dir, NETS[k].name);
            f = fopen(path, "w");
            if (f == NULL || fputs(s, f) == EOF || fclose(f) != 0)
            {
                perror(path);
                return EXIT_FAILURE;
            }
            printf("wrote %s\n", path);
            flint_free(s);
            net_clear(net);
        }
    }
    return EXIT_SUCCESS;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_regions [--cap SECONDS] [--method "
            "auto|1d|2d|nd] [--no-linear] [--no-exact]\n"
            "                     [--box-only | --all-only] "
            "[--write-nets [--out DIR]] [NAME...]\n"
            "nets:");
    {
        slong k;
        for (k = 0; k < NNETS; k++)
            fprintf(stderr, " %s", NETS[k].name);
    }
    fprintf(stderr, "\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int cap = 15, do_linear = 1, do_exact = 1, boxes = 1, alls = 1;
    int nnames = 0, i, wrote = 0;
    const char *outdir = "bench/nets";
    char **names = malloc((argc + 1) * sizeof(char *));
    regions_method method = REGIONS_AUTO;
    slong k;

    for (i = 1; i < argc; i++)
    {
        if (strcmp(argv[i], "--cap") == 0 && i + 1 < argc)
        {
            cap = atoi(argv[++i]);
            if (cap < 1)
                usage();
        }
        else if (strcmp(argv[i], "--method") == 0 && i + 1 < argc)
        {
            const char *m = argv[++i];
            if (strcmp(m, "auto") == 0)
                method = REGIONS_AUTO;
            else if (strcmp(m, "1d") == 0)
                method = REGIONS_1D;
            else if (strcmp(m, "2d") == 0)
                method = REGIONS_2D;
            else if (strcmp(m, "nd") == 0)
                method = REGIONS_ND;
            else
                usage();
        }
        else if (strcmp(argv[i], "--no-linear") == 0)
            do_linear = 0;
        else if (strcmp(argv[i], "--no-exact") == 0)
            do_exact = 0;
        else if (strcmp(argv[i], "--box-only") == 0)
            alls = 0;
        else if (strcmp(argv[i], "--all-only") == 0)
            boxes = 0;
        else if (strcmp(argv[i], "--write-nets") == 0)
            wrote = 1;
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            outdir = argv[++i];
        else if (argv[i][0] == '-')
            usage();
        else
        {
            for (k = 0; k < NNETS; k++)
                if (strcmp(argv[i], NETS[k].name) == 0)
                    break;
            if (k == NNETS)
            {
                fprintf(stderr, "unknown net %s\n", argv[i]);
                usage();
            }
            names[nnames++] = argv[i];
        }
    }
    if (wrote)
    {
        int st = write_nets(outdir, names, nnames);
        free(names);
        flint_cleanup();
        return st;
    }
    {
        /* sigaction, not signal(): under strict POSIX, glibc's signal()
           resets the handler after the first alarm. */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
    }

    printf("Regions of PyTorch-initialised float32 nets (exact), cap %d s "
           "per run.\n\n", cap);
    printf("| net | domain | method | activation regions | seconds | "
           "regions/s | decisions | double %% | arb %% | exact %% | LPs | "
           "linear regions "
           "| linear s | exact-only s | speed-up of the filter |\n");
    printf("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
           "|---:|---:|\n");
    fflush(stdout);
    for (k = 0; k < NNETS; k++)
    {
        int pick = nnames == 0;
        for (i = 0; i < nnames; i++)
            pick |= strcmp(names[i], NETS[k].name) == 0;
        if (!pick)
            continue;
        if (boxes)
            bench_row(NETS + k, 1, method, cap, do_linear, do_exact);
        if (alls)
            bench_row(NETS + k, 0, method, cap, do_linear, do_exact);
    }
    free(names);
    flint_cleanup();
    return 0;
}
