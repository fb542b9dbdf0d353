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

   A second table, "2-D speed (issue 12)", times the 2-D algorithm on
   [-1,1]^2 with 1 and 2 threads and against the reference path
   (bench/regions_2d_ref.c, the 2-D algorithm before issue 12), checks
   that both find the same regions (count and patterns), and ends with
   the goals measured in the same run.  A mismatch is printed as
   MISMATCH and makes the exit status 1.  When a python with torch is
   found, the float32 edge-subdivision tool (bench/edge_subdiv.py, the
   published method in PyTorch; EDGE_SCRIPT names the script) is timed
   beside it.  Without NAMEs a third table times listings (exact points,
   maps, vertices) with 1 and 2 threads.

   usage: bench_regions [--cap SECONDS] [--method auto|1d|2d|nd]
                        [--no-linear] [--no-exact] [--box-only | --all-only]
                        [--speed-cap SECONDS] [--ref-cap SECONDS]
                        [--speed2d-only | --no-speed2d]
                        [--write-nets [--out DIR]] [NAME...]
   NAME picks nets by name (e.g. 2-64-64-1) for both tables (the 2-D one
   takes the 2-input ones); --write-nets writes the selected nets as
   cpwl-net JSON into DIR (default bench/nets) for `cpwl regions` and
   exits. */
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
    int extra;                  /* not in the first table by default */
}
bench_net;

static const bench_net NETS[] = {
    {"2-16-16-1", 2, 2, {16, 16}, 0},
    {"2-32-32-32-1", 2, 3, {32, 32, 32}, 0},
    {"2-64-64-1", 2, 2, {64, 64}, 0},
    {"2-64-64-64-1", 2, 3, {64, 64, 64}, 0},
    {"2-32x5-1", 2, 5, {32, 32, 32, 32, 32}, 0},
    {"2-128-128-1", 2, 2, {128, 128}, 0},
    {"2-256-256-1", 2, 2, {256, 256}, 0},
    {"3-16-16-1", 3, 2, {16, 16}, 0},
    {"4-12-12-1", 4, 2, {12, 12}, 0},
    /* for the 2-D speed table */
    {"2-32-32-1", 2, 2, {32, 32}, 1},
    {"2-512-512-1", 2, 2, {512, 512}, 1},
    {"2-128-128-128-128-1", 2, 4, {128, 128, 128, 128}, 1},
};

#define NNETS ((slong) (sizeof NETS / sizeof NETS[0]))

/* The exact-only run is skipped when the filtered run took longer. */
#define EXACT_SKIP_SECONDS 3.0

static void make_net(cpwl_net_t net, const bench_net *B)
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

static void job(job_result *res, const cpwl_net_t net, const cpwl_dom_t D,
                cpwl_regions_method method, int linear, int exact_only, int cap)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_regions_t R;
    cpwl_err_t e;
    double t0;
    int st;

    memset(res, 0, sizeof *res);
    cpwl_pred_ctx_init(ctx);
    ctx->exact_only = exact_only;
    cpwl_regions_opts_init(&o, ctx);
    o.method = method;
    o.linear = linear;
    o.interrupt = &stop_flag;
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_err_init(e);
    stop_flag = 0;
    alarm((unsigned) cap);
    t0 = now();
    st = cpwl_regions_compute(R, net, D, &o, e);
    res->secs = now() - t0;
    alarm(0);
    if (st != CPWL_OK)
        snprintf(res->msg, sizeof res->msg, "%s", e->msg);
    else
    {
        res->ok = R->stopped == CPWL_REGIONS_DONE;
        res->timeout = R->stopped == CPWL_REGIONS_STOP_INTERRUPT;
        if (!res->ok && !res->timeout)
            snprintf(res->msg, sizeof res->msg, "stopped (%d)", R->stopped);
        res->ncells = R->stopped ? R->lower_bound : R->ncells;
        res->nlinear = R->nlinear;
        res->lps = R->lp_solved;
    }
    res->by_d = ctx->by_double;
    res->by_a = ctx->by_arb;
    res->by_x = ctx->by_exact;
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
}

static const char *method_name(cpwl_regions_method m)
{
    return m == CPWL_REGIONS_AUTO ? "auto" : m == CPWL_REGIONS_1D ? "1d"
           : m == CPWL_REGIONS_2D ? "2d" : "nd";
}

/* The method auto picks, for the table. */
static cpwl_regions_method resolved(cpwl_regions_method m, slong d)
{
    if (m != CPWL_REGIONS_AUTO)
        return m;
    return d == 1 ? CPWL_REGIONS_1D : d == 2 ? CPWL_REGIONS_2D : CPWL_REGIONS_ND;
}

static void pct(char *buf, size_t size, ulong k, ulong total)
{
    if (total == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f", 100.0 * k / total);
}

static void bench_row(const bench_net *B, int bounded, cpwl_regions_method method,
                      int cap, int do_linear, int do_exact)
{
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_err_t e;
    job_result a, l, x;
    char box[256], regs[64], rate[64], pd[16], pa[16], px[16];
    char lin[64], lint[32], xt[64], ratio[32];
    slong i;
    ulong tot;

    cpwl_net_init(net, B->n);
    make_net(net, B);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    box[0] = '\0';
    for (i = 0; i < B->n; i++)
        strcat(box, i ? ",-1:1" : "-1:1");
    if (cpwl_dom_set_str(D, B->n, bounded ? box : NULL, NULL, NULL, e) != CPWL_OK)
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
    cpwl_err_clear(e);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
}

/* ---- 2-D speed (issue 12) --------------------------------------------- */

/* bench/regions_2d_ref.c: the 2-D algorithm before issue 12. */
int regions_2d_ref(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo,
                   const fmpq *hi, const cpwl_regions_opts *opts, cpwl_err_t e);

/* The width series 2-w-w-1 (the time per region should stay flat in w)
   and the three nets (exact regions >= 5x faster than the float
   tool, here than the reference); the biggest nets carry the thread
   goal. */
typedef struct
{
    const char *name;
    int width;                  /* w of the width series, or 0 */
    int goal;                   /* one of the three nets */
    int big;                    /* 2 threads >= 1.7x asked */
}
speed_net;

static const speed_net SPEED_NETS[] = {
    {"2-32-32-1", 32, 0, 0},
    {"2-64-64-1", 64, 0, 0},
    {"2-128-128-1", 128, 0, 0},
    {"2-256-256-1", 256, 1, 1},
    {"2-512-512-1", 512, 0, 1},
    {"2-64-64-64-1", 0, 1, 0},
    {"2-128-128-128-128-1", 0, 1, 1},
};

#define NSPEED ((slong) (sizeof SPEED_NETS / sizeof SPEED_NETS[0]))

/* A run shorter than this is repeated (best time kept): a few
   milliseconds on a shared machine are noisy. */
#define SPEED_MIN_TOTAL 2.0
#define SPEED_MAX_REPS 20
#define GOAL_REF 5.0
#define GOAL_THREADS 1.7

typedef struct
{
    int ok, timeout, error;
    int unstable;               /* a repetition found other regions */
    slong ncells;
    uint64_t hash;              /* of the set of patterns */
    double secs;                /* best of reps, wall-clock */
    double cpu;                 /* best of reps, CPU of all threads */
    double total;               /* of all reps, wall-clock */
    int reps;
    char msg[CPWL_ERR_MSG_LEN];
}
speed_result;

/* A sum of per-cell hashes, so that runs listing the same patterns in
   another order (threads) agree; 0 when a cell has no pattern (then only
   the counts are compared). */
static uint64_t patterns_hash(const cpwl_regions_t R)
{
    uint64_t h = 0;
    slong i, j;
    for (i = 0; i < R->ncells; i++)
    {
        uint64_t c = 0xcbf29ce484222325ULL;
        if (R->cells[i].state == NULL)
            return 0;
        for (j = 0; j < R->nstates; j++)
            c = (c ^ R->cells[i].state[j]) * 0x100000001b3ULL;
        h += next64(&c);
    }
    return h;
}

/* Seconds of CPU of the process (all threads): less sensitive than the
   wall clock to other jobs on a shared machine, for single-thread runs. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* cpwl_regions_compute with the reference path: the same restriction of the
   net to the box, so that both times cover the same work. */
static int compute_ref(cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                       const cpwl_regions_opts *o, cpwl_err_t e)
{
    cpwl_net_t g;
    int st;
    cpwl_regions_clear(R);
    cpwl_regions_init(R, D->d, cpwl_net_output_dim(net), cpwl_net_num_states(net));
    cpwl_net_init(g, D->d);
    cpwl_dom_restrict_net(g, net, D);
    st = regions_2d_ref(R, g, D->bounded ? D->lo : NULL,
                        D->bounded ? D->hi : NULL, o, e);
    cpwl_net_clear(g);
    return st;
}

static void speed_once(speed_result *res, const cpwl_net_t net, const cpwl_dom_t D,
                       int ref, slong nthreads, int cap)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_regions_t R;
    cpwl_err_t e;
    double t0, c0;
    int st;

    memset(res, 0, sizeof *res);
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    o.method = CPWL_REGIONS_2D;
    o.nthreads = nthreads;
    o.interrupt = &stop_flag;
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_err_init(e);
    stop_flag = 0;
    alarm((unsigned) cap);
    t0 = now();
    c0 = cpu_now();
    st = ref ? compute_ref(R, net, D, &o, e)
        : cpwl_regions_compute(R, net, D, &o, e);
    res->cpu = cpu_now() - c0;
    res->secs = now() - t0;
    alarm(0);
    if (st != CPWL_OK)
    {
        res->error = 1;
        snprintf(res->msg, sizeof res->msg, "%s", e->msg);
    }
    else
    {
        res->ok = R->stopped == CPWL_REGIONS_DONE;
        res->timeout = R->stopped == CPWL_REGIONS_STOP_INTERRUPT;
        res->error = !res->ok && !res->timeout;
        if (res->error)
            snprintf(res->msg, sizeof res->msg, "stopped (%d)", R->stopped);
        res->ncells = R->stopped ? R->lower_bound : R->ncells;
        if (res->ok)
            res->hash = patterns_hash(R);
    }
    res->reps = 1;
    res->total = res->secs;
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
}

/* One more run of a short one (a finished run of less than
   SPEED_MIN_TOTAL seconds in all): keeps the best time and notes when
   the regions differ.  Returns whether it ran. */
static int speed_again(speed_result *res, const cpwl_net_t net, const cpwl_dom_t D,
                       int ref, slong nthreads, int cap)
{
    speed_result r;

    if (!res->ok || res->total >= SPEED_MIN_TOTAL
        || res->reps >= SPEED_MAX_REPS)
        return 0;
    speed_once(&r, net, D, ref, nthreads, cap);
    res->total += r.secs;
    res->reps++;
    if (r.ok && (r.ncells != res->ncells || r.hash != res->hash))
        res->unstable = 1;
    if (r.ok && r.secs < res->secs)
        res->secs = r.secs;
    if (r.ok && r.cpu < res->cpu)
        res->cpu = r.cpu;
    return 1;
}

/* a / b in time; a run stopped by its cap took at least its time, so the
   ratio is then a bound.  kind: 0 unknown, 1 value, 2 lower bound, 3
   upper bound. */
typedef struct
{
    double v;
    int kind;
}
ratio_t;

static ratio_t time_ratio(const speed_result *a, const speed_result *b,
                          int cpu)
{
    ratio_t r = {0.0, 0};
    if (a->ok && b->ok)
        r.kind = 1;
    else if (a->timeout && b->ok)
        r.kind = 2;
    else if (a->ok && b->timeout)
        r.kind = 3;
    if (r.kind)
        r.v = cpu ? a->cpu / b->cpu : a->secs / b->secs;
    return r;
}

static void ratio_str(char *buf, size_t size, ratio_t r)
{
    static const char *pre[] = {"", "", ">= ", "<= "};
    if (r.kind == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%s%.2fx", pre[r.kind], r.v);
}

static void secs_str(char *buf, size_t size, const speed_result *r)
{
    if (r->ok)
        snprintf(buf, size, "%.3f", r->secs);
    else if (r->timeout)
        snprintf(buf, size, ">= %.0f (cap)", r->secs);
    else
        snprintf(buf, size, "ERROR: %.60s", r->msg);
}

/* Microseconds (wall or CPU) per region; a run stopped by its cap took
   at least that long per region of the count of the finished run other
   (may be NULL). */
static void us_str(char *buf, size_t size, const speed_result *r,
                   const speed_result *other, int cpu)
{
    double t = cpu ? r->cpu : r->secs;
    if (r->ok && r->ncells > 0)
        snprintf(buf, size, "%.2f", 1e6 * t / r->ncells);
    else if (r->timeout && other != NULL && other->ok && other->ncells > 0)
        snprintf(buf, size, ">= %.2f", 1e6 * t / other->ncells);
    else
        snprintf(buf, size, "-");
}

/* Whether the runs that finished found the same regions; writes the
   check column.  Returns 0 on a mismatch or an error. */
static int speed_check(char *buf, size_t size, const speed_result *c1,
                       const speed_result *c2, const speed_result *rf)
{
    const speed_result *runs[3];
    const char *names[3] = {"1 thread", "2 threads", "ref"};
    int i, first = -1, nok = 0;

    runs[0] = c1;
    runs[1] = c2;
    runs[2] = rf;
    for (i = 0; i < 3; i++)
    {
        if (runs[i]->error)
        {
            snprintf(buf, size, "ERROR (%s)", names[i]);
            return 0;
        }
        if (runs[i]->unstable)
        {
            snprintf(buf, size, "MISMATCH (%s: repeated runs differ)",
                     names[i]);
            return 0;
        }
        if (!runs[i]->ok)
            continue;
        nok++;
        if (first < 0)
            first = i;
        else if (runs[i]->ncells != runs[first]->ncells)
        {
            snprintf(buf, size, "MISMATCH (%s %ld, %s %ld regions)",
                     names[first], (long) runs[first]->ncells, names[i],
                     (long) runs[i]->ncells);
            return 0;
        }
        else if (runs[i]->hash != runs[first]->hash && runs[i]->hash != 0
                 && runs[first]->hash != 0)
        {
            snprintf(buf, size, "MISMATCH (%s, %s: other patterns)",
                     names[first], names[i]);
            return 0;
        }
    }
    snprintf(buf, size, nok >= 2 && rf->ok ? "same" : nok >= 2
             ? "same (ref capped)" : "-");
    return 1;
}

/* The float32 edge-subdivision tool (Berzins, ICML 2023), as its
   published method reimplemented in PyTorch (bench/edge_subdiv.py; the
   regions of the bench nets agree with cpwl's exactly): run when a
   python with torch is found, on 1 thread (as cpwl's 1-thread column),
   best of 3. */
typedef struct
{
    int ok;
    slong regions;
    double secs;
}
float_result;

static int float_run(float_result *res, const char *python,
                     const char *script, const cpwl_net_t net)
{
    char path[] = "/tmp/cpwl-bench-net-XXXXXX", qs[1024], qn[256];
    char cmd[2048], line[4096], *s, *p;
    FILE *f;
    int fd;

    memset(res, 0, sizeof *res);
    if ((fd = mkstemp(path)) < 0)
        return 0;
    s = cpwl_io_net_write_str(net);
    f = fdopen(fd, "w");
    if (f == NULL || fputs(s, f) == EOF || fclose(f) != 0)
    {
        flint_free(s);
        unlink(path);
        return 0;
    }
    flint_free(s);
    if (sh_quote(qs, sizeof qs, script) && sh_quote(qn, sizeof qn, path))
    {
        snprintf(cmd, sizeof cmd, "%s %s %s --threads 1 --repeat 3", python,
                 qs, qn);
        fflush(stdout);
        if ((f = popen(cmd, "r")) != NULL)
        {
            while (fgets(line, sizeof line, f) != NULL)
                if ((p = strstr(line, "\"regions\": ")) != NULL)
                {
                    res->regions = strtol(p + 11, NULL, 10);
                    if ((p = strstr(line, "\"seconds\": ")) != NULL)
                    {
                        res->secs = strtod(p + 11, NULL);
                        res->ok = 1;
                    }
                }
            res->ok &= pclose(f) == 0;
        }
    }
    unlink(path);
    return res->ok;
}

typedef struct
{
    const bench_net *B;
    speed_net S;
    speed_result c1, c2, rf;
    float_result fl;
}
speed_row;

static int speed_bench_row(speed_row *row, int cap, int ref_cap,
                           const char *python, const char *script)
{
    const bench_net *B = row->B;
    const speed_net *S = &row->S;
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_err_t e;
    char regs[64], s1[96], u1[32], v1[32], s2[96], th[32], sr[96], ur[32];
    char vr[32], rr[32], rc[32];
    char chk[160], goal[64], fs[64], fr[32];
    int good;

    cpwl_net_init(net, B->n);
    make_net(net, B);
    cpwl_dom_init(D);
    cpwl_err_init(e);
    if (cpwl_dom_set_str(D, 2, "-1:1,-1:1", NULL, NULL, e) != CPWL_OK)
    {
        fprintf(stderr, "%s: %s\n", B->name, e->msg);
        exit(EXIT_FAILURE);
    }
    speed_once(&row->c1, net, D, 0, 1, cap);
    speed_once(&row->c2, net, D, 0, 2, cap);
    speed_once(&row->rf, net, D, 1, 1, ref_cap);
    /* Short runs again in turn, so that the three see the same load. */
    while (speed_again(&row->c1, net, D, 0, 1, cap)
           | speed_again(&row->c2, net, D, 0, 2, cap)
           | speed_again(&row->rf, net, D, 1, 1, ref_cap))
        ;

    snprintf(fs, sizeof fs, "-");
    snprintf(fr, sizeof fr, "-");
    if (python != NULL && float_run(&row->fl, python, script, net))
    {
        snprintf(fs, sizeof fs, "%.3f%s", row->fl.secs,
                 row->c1.ok && row->fl.regions != row->c1.ncells
                 ? " (other count)" : "");
        if (row->c1.ok && row->c1.secs > 0)
            snprintf(fr, sizeof fr, "%.2fx", row->fl.secs / row->c1.secs);
    }
    if (row->c1.ok)
        snprintf(regs, sizeof regs, "%ld", (long) row->c1.ncells);
    else if (row->c1.timeout)
        snprintf(regs, sizeof regs, ">= %ld (cap)", (long) row->c1.ncells);
    else
        snprintf(regs, sizeof regs, "-");
    secs_str(s1, sizeof s1, &row->c1);
    us_str(u1, sizeof u1, &row->c1, &row->rf, 0);
    us_str(v1, sizeof v1, &row->c1, &row->rf, 1);
    secs_str(s2, sizeof s2, &row->c2);
    ratio_str(th, sizeof th, time_ratio(&row->c1, &row->c2, 0));
    secs_str(sr, sizeof sr, &row->rf);
    us_str(ur, sizeof ur, &row->rf, &row->c1, 0);
    us_str(vr, sizeof vr, &row->rf, &row->c1, 1);
    ratio_str(rr, sizeof rr, time_ratio(&row->rf, &row->c1, 0));
    ratio_str(rc, sizeof rc, time_ratio(&row->rf, &row->c1, 1));
    good = speed_check(chk, sizeof chk, &row->c1, &row->c2, &row->rf);
    snprintf(goal, sizeof goal, "%s%s%s", S->width ? " flat" : "",
             S->goal ? " 5x" : "", S->big ? " 2T" : "");
    printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
           "| %s | %s | %s |\n", B->name, goal[0] ? goal + 1 : "-", regs, s1,
           u1, v1, s2, th, fs, fr, sr, ur, vr, rr, rc, chk);
    fflush(stdout);
    if (!good)
        fprintf(stderr, "bench_regions: %s: %s\n", B->name, chk);
    cpwl_err_clear(e);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
    return good;
}

/* "met" when every ratio (or lower bound) reaches the goal, "NOT met"
   when one (or its upper bound) is below, else "undecided". */
static const char *verdict(const ratio_t *r, slong n, double goal)
{
    slong i;
    int unknown = 0;
    if (n == 0)
        return "(no such net picked)";
    for (i = 0; i < n; i++)
    {
        if ((r[i].kind == 1 || r[i].kind == 3) && r[i].v < goal)
            return "NOT met";
        if (r[i].kind == 0 || (r[i].kind == 2 && r[i].v < goal))
            unknown = 1;
    }
    return unknown ? "undecided" : "met";
}

static void speed_summary(const speed_row *rows, slong nrows, int have_float)
{
    ratio_t r[NNETS], rc[NNETS];
    char buf[32], bufc[32];
    slong k, n;
    double lo = 0, hi = 0, clo = 0, chi = 0;
    int have = 0;

    memset(r, 0, sizeof r);
    memset(rc, 0, sizeof rc);
    printf("\nGoals of issue 12 (this run):\n");
    if (have_float)
    {
        printf("- exact 2-D regions >= %.0fx faster than the float32 "
               "edge-subdivision tool (1 thread each):", GOAL_REF);
        for (k = n = 0; k < nrows; k++)
            if (rows[k].S.goal && rows[k].fl.ok && rows[k].c1.ok)
            {
                r[n].v = rows[k].fl.secs / rows[k].c1.secs;
                r[n].kind = 1;
                ratio_str(buf, sizeof buf, r[n++]);
                printf(" %s %s%s;", rows[k].S.name, buf,
                       rows[k].fl.regions != rows[k].c1.ncells
                       ? " (the tool counts otherwise)" : "");
            }
        printf(" %s\n", verdict(r, n, GOAL_REF));
        memset(r, 0, sizeof r);
    }
    printf("- exact 2-D regions >= %.0fx faster than the reference (the "
           "previous cpwl algorithm):", GOAL_REF);
    for (k = n = 0; k < nrows; k++)
        if (rows[k].S.goal)
        {
            r[n] = time_ratio(&rows[k].rf, &rows[k].c1, 0);
            rc[n] = time_ratio(&rows[k].rf, &rows[k].c1, 1);
            ratio_str(buf, sizeof buf, r[n]);
            ratio_str(bufc, sizeof bufc, rc[n++]);
            printf(" %s %s (cpu %s);", rows[k].S.name, buf, bufc);
        }
    if (n > 0)
        printf(" %s (cpu: %s)\n", verdict(r, n, GOAL_REF),
               verdict(rc, n, GOAL_REF));
    else
        printf(" %s\n", verdict(r, n, GOAL_REF));

    printf("- time per region flat in w for 2-w-w-1 (1 thread, us):");
    for (k = 0; k < nrows; k++)
        if (rows[k].S.width)
        {
            const speed_result *c = &rows[k].c1;
            if (c->ok && c->ncells > 0)
            {
                double us = 1e6 * c->secs / c->ncells;
                double cu = 1e6 * c->cpu / c->ncells;
                printf(" w=%d %.2f (cpu %.2f);", rows[k].S.width, us, cu);
                lo = have ? FLINT_MIN(lo, us) : us;
                hi = have ? FLINT_MAX(hi, us) : us;
                clo = have ? FLINT_MIN(clo, cu) : cu;
                chi = have ? FLINT_MAX(chi, cu) : cu;
                have = 1;
            }
            else
                printf(" w=%d -;", rows[k].S.width);
        }
    if (have)
        printf(" max/min %.2f (cpu %.2f)\n", hi / lo, chi / clo);
    else
        printf(" -\n");

    printf("- 2 threads >= %.1fx faster than 1 on the biggest nets:",
           GOAL_THREADS);
    for (k = n = 0; k < nrows; k++)
        if (rows[k].S.big)
        {
            r[n] = time_ratio(&rows[k].c1, &rows[k].c2, 0);
            ratio_str(buf, sizeof buf, r[n++]);
            printf(" %s %s;", rows[k].S.name, buf);
        }
    printf(" %s\n", verdict(r, n, GOAL_THREADS));
}

/* The times are wall-clock: the load of the machine (this benchmark
   counts up to 2) bounds what 2 threads can gain. */
static void print_load(const char *what)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double la;
    if (f == NULL)
        return;
    if (fscanf(f, "%lf", &la) == 1)
        printf("%s: %.2f (1 min).", what, la);
    fclose(f);
}

/* The 2-D speed table over SPEED_NETS, or over the 2-input nets named.
   Returns 0 when a run failed or two runs found different regions. */
static int speed_table(char **names, int nnames, int cap, int ref_cap)
{
    speed_row rows[NNETS + NSPEED];
    slong k, j, nrows = 0;
    int i, good = 1, have_float;
    char python[512];
    const char *script;

    memset(rows, 0, sizeof rows);
    for (i = 0; i < (nnames ? nnames : NSPEED) && nrows < NNETS + NSPEED;
         i++)
    {
        const char *name = nnames ? names[i] : SPEED_NETS[i].name;
        for (j = 0; j < NNETS && strcmp(NETS[j].name, name) != 0; j++)
            ;
        if (j == NNETS)
        {
            fprintf(stderr, "bench_regions: %s is not in NETS\n", name);
            return 0;
        }
        if (NETS[j].n != 2)
            continue;
        rows[nrows].B = NETS + j;
        rows[nrows].S.name = NETS[j].name;
        for (k = 0; k < NSPEED; k++)
            if (strcmp(SPEED_NETS[k].name, name) == 0)
                rows[nrows].S = SPEED_NETS[k];
        nrows++;
    }

    printf("\n2-D speed (issue 12): exact regions on [-1,1]^2, current "
           "algorithm with 1 and 2 threads (cap %d s) and the reference "
           "path bench/regions_2d_ref.c (the algorithm before issue 12, "
           "cap %d s); runs under %.0f s are repeated in turn, best time "
           "kept.  cpu: CPU time of the process instead of wall-clock (less "
           "sensitive to other jobs on the machine).  Goal: flat = us/region "
           "flat in the width, 5x = ref/current >= %.0f, 2T = 1T/2T >= "
           "%.1f.", cap, ref_cap, SPEED_MIN_TOTAL, GOAL_REF, GOAL_THREADS);
    print_load("  Load average at start");
    script = getenv("EDGE_SCRIPT") ? getenv("EDGE_SCRIPT")
             : "bench/edge_subdiv.py";
    have_float = access(script, R_OK) == 0
                 && find_python(python, sizeof python);
    if (have_float)
        printf("  The float32 edge-subdivision tool (%s, PyTorch, 1 thread, "
               "best of 3): its seconds and float/current = its time / "
               "cpwl's 1-thread time.", script);
    else
        printf("  The float32 edge-subdivision tool is not run: no %s or no "
               "python with torch (./bootstrap --bench installs it).",
               script);
    printf("\n\n| net | goal | regions | 1 thread s | us/region | cpu "
           "us/region | 2 threads s | 1T/2T | float tool s | float/current "
           "| ref s | ref us/region | ref cpu us/region | ref/current | "
           "ref/current cpu | check |\n");
    printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
           "|---:|---:|---|\n");
    fflush(stdout);
    for (k = 0; k < nrows; k++)
        good &= speed_bench_row(rows + k, cap, ref_cap,
                                have_float ? python : NULL, script);
    speed_summary(rows, nrows, have_float);
    print_load("- load average at the end");
    printf("\n");
    if (!good)
        printf("\nMISMATCH or ERROR above: the runs of the 2-D algorithms "
               "disagree.\n");
    return good;
}

/* Listing (`cpwl regions --list`): every cell's exact interior point,
   affine map and vertices, and the linear regions.  The exact arithmetic
   of the cells is most of the time and runs on the threads, so this is
   where the second core pays.  1 and 2 threads, best of 3 (wall and CPU);
   the check compares the counts and the patterns in order. */
static const char *LIST_NETS[] = {"2-64-64-1", "2-32x5-1", "2-64-64-64-1"};

static int list_once(double *secs, double *cpu, slong *ncells, slong *nlin,
                     uint64_t *h, const cpwl_net_t net, const cpwl_dom_t D,
                     slong nthreads)
{
    cpwl_pred_ctx_t ctx;
    cpwl_regions_opts o;
    cpwl_regions_t R;
    cpwl_err_t e;
    double t0, c0;
    slong i, j;
    int st;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&o, ctx);
    o.method = CPWL_REGIONS_2D;
    o.nthreads = nthreads;
    o.linear = o.points = o.maps = o.verts = 1;
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_err_init(e);
    t0 = now();
    c0 = cpu_now();
    st = cpwl_regions_compute(R, net, D, &o, e);
    *cpu = cpu_now() - c0;
    *secs = now() - t0;
    *ncells = R->ncells;
    *nlin = R->nlinear;
    /* order-sensitive: the cells must come in the same order */
    *h = 1469598103934665603ULL;
    for (i = 0; st == CPWL_OK && i < R->ncells; i++)
    {
        for (j = 0; j < R->nstates; j++)
            *h = (*h ^ R->cells[i].state[j]) * 1099511628211ULL;
        *h = (*h ^ (uint64_t) R->cells[i].nverts) * 1099511628211ULL;
        *h = (*h ^ (uint64_t) R->cells[i].linear) * 1099511628211ULL;
    }
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
    return st == CPWL_OK;
}

static int list_table(void)
{
    slong k;
    int good = 1;
    printf("\n2-D listing (issue 12, both cores): cells with exact points, "
           "maps and vertices, and linear regions, on [-1,1]^2; 1 and 2 "
           "threads, best of 3.");
    print_load("  Load average at start");
    printf("\n\n| net | regions | linear | 1 thread s | cpu s | 2 threads s "
           "| 1T/2T | check |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (k = 0; k < (slong) (sizeof LIST_NETS / sizeof LIST_NETS[0]); k++)
    {
        slong j, t, rep, nc[2] = {0, 0}, nl[2] = {0, 0};
        double best[2] = {1e300, 1e300}, bcpu[2] = {1e300, 1e300};
        uint64_t h[2] = {0, 0};
        int ok = 1, same;
        cpwl_net_t net;
        cpwl_dom_t D;
        cpwl_err_t e;
        for (j = 0; j < NNETS && strcmp(NETS[j].name, LIST_NETS[k]) != 0; j++)
            ;
        if (j == NNETS)
            continue;
        cpwl_net_init(net, 2);
        make_net(net, NETS + j);
        cpwl_dom_init(D);
        cpwl_err_init(e);
        cpwl_dom_set_str(D, 2, "-1:1,-1:1", NULL, NULL, e);
        for (rep = 0; rep < 3 && ok; rep++)
            for (t = 0; t < 2 && ok; t++)
            {
                double s, c;
                uint64_t hh;
                ok = list_once(&s, &c, nc + t, nl + t, &hh, net, D, t + 1);
                h[t] = hh;
                best[t] = s < best[t] ? s : best[t];
                bcpu[t] = c < bcpu[t] ? c : bcpu[t];
            }
        same = ok && nc[0] == nc[1] && nl[0] == nl[1] && h[0] == h[1];
        good &= same;
        printf("| %s | %ld | %ld | %.3f | %.3f | %.3f | %.2fx | %s |\n",
               LIST_NETS[k], (long) nc[0], (long) nl[0], best[0], bcpu[0],
               best[1], best[0] / best[1], same ? "same" : "MISMATCH");
        fflush(stdout);
        cpwl_err_clear(e);
        cpwl_dom_clear(D);
        cpwl_net_clear(net);
    }
    print_load("- load average at the end");
    printf("\n");
    return good;
}

/* The first table: every net on the box and on all of R^n.  Without
   names, the nets of the 2-D speed table only (extra) are left out. */
static void regions_table(char **names, int nnames, cpwl_regions_method method,
                          int cap, int do_linear, int do_exact, int boxes,
                          int alls)
{
    slong k;
    int i;

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
        int pick = nnames == 0 && !NETS[k].extra;
        for (i = 0; i < nnames; i++)
            pick |= strcmp(names[i], NETS[k].name) == 0;
        if (!pick)
            continue;
        if (boxes)
            bench_row(NETS + k, 1, method, cap, do_linear, do_exact);
        if (alls)
            bench_row(NETS + k, 0, method, cap, do_linear, do_exact);
    }
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
            cpwl_net_t net;
            char path[1024], *s;
            FILE *f;
            cpwl_net_init(net, NETS[k].n);
            make_net(net, NETS + k);
            s = cpwl_io_net_write_str(net);
            snprintf(path, sizeof path, "%s/%s.json", dir, NETS[k].name);
            f = fopen(path, "w");
            if (f == NULL || fputs(s, f) == EOF || fclose(f) != 0)
            {
                perror(path);
                return EXIT_FAILURE;
            }
            printf("wrote %s\n", path);
            flint_free(s);
            cpwl_net_clear(net);
        }
    }
    return EXIT_SUCCESS;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_regions [--cap SECONDS] [--method "
            "auto|1d|2d|nd] [--no-linear] [--no-exact]\n"
            "                     [--box-only | --all-only] "
            "[--speed-cap SECONDS] [--ref-cap SECONDS]\n"
            "                     [--speed2d-only | --no-speed2d] "
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
    int speed_cap = 60, ref_cap = 60, regions_tab = 1, speed_tab = 1;
    int nnames = 0, i, wrote = 0, good = 1;
    const char *outdir = "bench/nets";
    char **names = malloc((argc + 1) * sizeof(char *));
    cpwl_regions_method method = CPWL_REGIONS_AUTO;
    slong k;

    for (i = 1; i < argc; i++)
    {
        if (strcmp(argv[i], "--cap") == 0 && i + 1 < argc)
        {
            cap = atoi(argv[++i]);
            if (cap < 1)
                usage();
        }
        else if (strcmp(argv[i], "--speed-cap") == 0 && i + 1 < argc)
        {
            speed_cap = atoi(argv[++i]);
            if (speed_cap < 1)
                usage();
        }
        else if (strcmp(argv[i], "--ref-cap") == 0 && i + 1 < argc)
        {
            ref_cap = atoi(argv[++i]);
            if (ref_cap < 1)
                usage();
        }
        else if (strcmp(argv[i], "--speed2d-only") == 0)
            regions_tab = 0;
        else if (strcmp(argv[i], "--no-speed2d") == 0)
            speed_tab = 0;
        else if (strcmp(argv[i], "--method") == 0 && i + 1 < argc)
        {
            const char *m = argv[++i];
            if (strcmp(m, "auto") == 0)
                method = CPWL_REGIONS_AUTO;
            else if (strcmp(m, "1d") == 0)
                method = CPWL_REGIONS_1D;
            else if (strcmp(m, "2d") == 0)
                method = CPWL_REGIONS_2D;
            else if (strcmp(m, "nd") == 0)
                method = CPWL_REGIONS_ND;
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

    if (regions_tab)
        regions_table(names, nnames, method, cap, do_linear, do_exact,
                      boxes, alls);
    if (speed_tab)
        good = speed_table(names, nnames, speed_cap, ref_cap);
    if (speed_tab && nnames == 0)
        good &= list_table();
    free(names);
    flint_cleanup();
    return good ? 0 : 1;
}
