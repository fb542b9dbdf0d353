/* The exact tables of proofs-data/: each computed with the library in
   exact arithmetic and written as CSV and Markdown, with a header naming
   the command that made it.

     gen --out DIR [--table NAME]...      NAME: hard zonotope bounds pwl1d
                                          rmsprop_t departure reddi
                                          tron_traj tron_rho tron_poison
                                          ae_recovery ae_counter ae_grad
                                          pb_bounds pb_float pb_kl_float
                                          pb_kl_dr

   The chapter-5 tables (rmsprop_t, departure, reddi: gen_conv.c) hold
   certified balls instead of exact values; the chapter-3 ones (tron_*:
   gen_tron.c) are exact but for tron_poison's measured online runs; the
   chapter-4 ones (ae_recovery, ae_counter: gen_ae_support.c; ae_grad:
   gen_ae_grad.c) are exact but for ae_grad's Monte-Carlo columns.

   `make proofs-data` writes them into proofs-data/; `make check`
   (tests/proofs.sh) writes them into a temporary folder and compares them
   byte for byte with the stored files (the first four take well under a
   second, the chapter-5 ones a few seconds, the chapter-3 ones about one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "outfile.h"
#include "gen.h"

static void die(const cpwl_err_t e)
{
    fprintf(stderr, "gen: %s\n", e->msg);
    exit(e->status != CPWL_OK ? e->status : 1);
}

/* The fields of a CSV line (a field never holds ',': lists use ';') as
   one Markdown row, '|' escaped. */
static void md_row(FILE *f, const char *fields)
{
    const char *c;
    fputs("| ", f);
    for (c = fields; *c; c++)
    {
        if (*c == ',')
            fputs(" | ", f);
        else if (*c == '|')
            fputs("\\|", f);
        else
            fputc(*c, f);
    }
    fputs(" |\n", f);
}

int table_open(table *T, const char *dir, const char *name,
               const char *title, const char *cols)
{
    return table_open_as(T, dir, name, title, cols, "exact values",
                         "every value is exact");
}

int table_open_as(table *T, const char *dir, const char *name,
                  const char *title, const char *cols, const char *csv_note,
                  const char *md_note)
{
    char path[4096];
    const char *c;
    cpwl_err_t e;
    cpwl_err_init(e);
    snprintf(path, sizeof path, "%s/%s.csv", dir, name);
    if (outfile_open(T->csv_out, path, e) != CPWL_OK)
        die(e);
    snprintf(path, sizeof path, "%s/%s.md", dir, name);
    if (outfile_open(T->md_out, path, e) != CPWL_OK)
    {
        outfile_abort(T->csv_out);
        die(e);
    }
    T->csv = T->csv_out->f;
    T->md = T->md_out->f;
    fprintf(T->csv, "# %s\n# made by: make proofs-data "
            "(proofs-data/gen --table %s); %s\n%s\n",
            title, name, csv_note, cols);
    fprintf(T->md, "# %s\n\nMade by `make proofs-data` "
            "(`proofs-data/gen --table %s`); %s.\n\n",
            title, name, md_note);
    md_row(T->md, cols);
    fputs("|", T->md);
    for (c = cols; ; c++)
        if (*c == ',' || *c == '\0')
        {
            fputs("---|", T->md);
            if (*c == '\0')
                break;
        }
    fputs("\n", T->md);
    return 1;
}

void table_row(table *T, const char *fields)
{
    fprintf(T->csv, "%s\n", fields);
    md_row(T->md, fields);
}

void table_close(table *T)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (outfile_commit(T->csv_out, e) != CPWL_OK)
    {
        outfile_abort(T->md_out);
        die(e);
    }
    if (outfile_commit(T->md_out, e) != CPWL_OK)
        die(e);
}

/* Linear regions (pieces) and activation regions of net on D. */
static void count(slong *act, slong *lin, const cpwl_net_t net, const cpwl_dom_t D)
{
    cpwl_regions_t R;
    cpwl_regions_opts opts;
    cpwl_pred_ctx_t ctx;
    cpwl_err_t e;
    cpwl_pred_ctx_init(ctx);
    cpwl_regions_opts_init(&opts, ctx);
    opts.linear = 1;
    cpwl_err_init(e);
    cpwl_regions_init(R, 0, 0, 0);
    if (cpwl_regions_compute(R, net, D, &opts, e) != CPWL_OK)
        die(e);
    if (R->stopped)
    {
        fprintf(stderr, "gen: region count stopped\n");
        exit(1);
    }
    *act = R->ncells;
    *lin = R->nlinear;
    cpwl_regions_clear(R);
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(ctx);
}

static void dom_from(cpwl_dom_t D, slong n, const char *box)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (box == NULL)
        cpwl_dom_set_all(D, n);
    else if (cpwl_dom_set_str(D, n, box, NULL, NULL, e) != CPWL_OK)
        die(e);
    cpwl_err_clear(e);
}

/* ---- hard family: w^k pieces on [0,1] ----------------------------------- */

static slong ipow(slong w, slong k)
{
    slong r = 1;
    while (k-- > 0)
        r *= w;
    return r;
}

static void gen_hard(const char *dir)
{
    table T;
    slong w, k, kind, j;
    if (!table_open(&T, dir, "hard",
                    "Hard family h_a^k (k hidden layers of width w): pieces",
                    "w,k,a,pieces on [0;1],w^k,pieces on R"))
        exit(1);
    for (kind = 0; kind < 2; kind++)
        for (w = 2; w <= 4; w++)
            for (k = 1; ipow(w, k) <= 4096; k++)
            {
                fmpq *a = _fmpq_vec_init(w * k);
                char row[512], as[256] = "";
                cpwl_net_t net;
                cpwl_dom_t D;
                cpwl_err_t e;
                slong act, p01, pR;
                /* kind 0: a = (1/w, ..., 1/w); kind 1: a_i = 2i/(w(w+1)) */
                for (j = 0; j < w; j++)
                {
                    slong i;
                    for (i = 0; i < k; i++)
                        if (kind == 0)
                            fmpq_set_si(a + i * w + j, 1, w);
                        else
                            fmpq_set_si(a + i * w + j, 2 * (j + 1),
                                        w * (w + 1));
                    {
                        char *s = fmpq_get_str(NULL, 10, a + j);
                        strcat(as, j ? ";" : "");
                        strcat(as, s);
                        flint_free(s);
                    }
                }
                cpwl_net_init(net, 1);
                cpwl_err_init(e);
                if (cpwl_build_hard(net, a, w, k, e) != CPWL_OK)
                    die(e);
                cpwl_dom_init(D);
                dom_from(D, 1, "0:1");
                count(&act, &p01, net, D);
                cpwl_dom_clear(D);
                cpwl_dom_init(D);
                dom_from(D, 1, NULL);
                count(&act, &pR, net, D);
                cpwl_dom_clear(D);
                snprintf(row, sizeof row, "%ld,%ld,(%s),%ld,%ld,%ld",
                         (long) w, (long) k, as, (long) p01,
                         (long) ipow(w, k), (long) pR);
                table_row(&T, row);
                cpwl_net_clear(net);
                cpwl_err_clear(e);
                _fmpq_vec_clear(a, w * k);
            }
    table_close(&T);
}

/* ---- zonotopes: regions of gamma_Z and of h o gamma_Z ------------------- */

typedef struct
{
    slong n, m;
    const slong *g;             /* m x n */
    int generic;                /* in general position (the formulas hold) */
}
gens;

static const slong G2a[] = {1, 0, 0, 1, 1, 1};
static const slong G2b[] = {1, 0, 0, 1, 1, 1, 1, -2};
static const slong G2c[] = {1, 0, 0, 1, 1, 1, 1, -2, 2, 1};
static const slong G2d[] = {1, 0, 0, 1, 1, 1, 2, 2};           /* parallel */
static const slong G3a[] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
static const slong G3b[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1};
static const slong G3c[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 2, -3};
static const slong G3d[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0}; /* 12 */

static const gens GENS[] = {
    {2, 3, G2a, 1}, {2, 4, G2b, 1}, {2, 5, G2c, 1}, {2, 4, G2d, 0},
    {3, 3, G3a, 1}, {3, 4, G3b, 1}, {3, 5, G3c, 1}, {3, 4, G3d, 0},
};

static void fmpz_sum_binom(fmpz_t r, slong m1, slong n)
{
    fmpz_t b;
    slong i;
    fmpz_init(b);
    fmpz_zero(r);
    for (i = 0; i < n && i <= m1; i++)
    {
        fmpz_bin_uiui(b, (ulong) m1, (ulong) i);
        fmpz_add(r, r, b);
    }
    fmpz_clear(b);
}

static void gen_zonotope(const char *dir)
{
    table T;
    slong gi, k;
    if (!table_open(&T, dir, "zonotope",
                    "Zonotope functions gamma_Z and sawtooth^k o gamma_Z: "
                    "linear regions on R^n",
                    "n,m,generators,k,linear regions,"
                    "2 sum_{i<n} C(m-1;i) (k = 0),"
                    "paper lower bound sum_{i<n} C(m-1;i) 2^k "
                    "(generic generators)"))
        exit(1);
    for (gi = 0; gi < (slong) (sizeof GENS / sizeof GENS[0]); gi++)
        for (k = 0; k <= 2; k++)
        {
            const gens *G = GENS + gi;
            fmpq *b = _fmpq_vec_init(G->m * G->n);
            cpwl_net_t z, h, f;
            cpwl_dom_t D;
            cpwl_err_t e;
            slong j, act, lin;
            fmpz_t s, s2;
            char row[512], gs[256] = "", *c1, *c2;
            for (j = 0; j < G->m * G->n; j++)
            {
                char t[32];
                fmpq_set_si(b + j, G->g[j], 1);
                snprintf(t, sizeof t, "%s%ld", j == 0 ? "" : j % G->n ? " "
                         : ";", (long) G->g[j]);
                strcat(gs, t);
            }
            cpwl_net_init(z, G->n);
            cpwl_net_init(f, G->n);
            cpwl_err_init(e);
            if (cpwl_build_zonotope(z, b, G->m, G->n, e) != CPWL_OK)
                die(e);
            if (k == 0)
                cpwl_net_swap(f, z);
            else
            {
                cpwl_net_init(h, 1);
                if (cpwl_build_sawtooth(h, k, e) != CPWL_OK
                    || cpwl_netalg_compose(f, h, z, e) != CPWL_OK)
                    die(e);
                cpwl_net_clear(h);
            }
            cpwl_dom_init(D);
            dom_from(D, G->n, NULL);
            count(&act, &lin, f, D);
            cpwl_dom_clear(D);
            fmpz_init(s);
            fmpz_init(s2);
            fmpz_sum_binom(s, G->m - 1, G->n);
            fmpz_mul_2exp(s2, s, 1);
            fmpz_mul_2exp(s, s, (ulong) k);
            c1 = fmpz_get_str(NULL, 10, s2);
            c2 = fmpz_get_str(NULL, 10, s);
            snprintf(row, sizeof row, "%ld,%ld,(%s),%ld,%ld,%s,%s",
                     (long) G->n, (long) G->m, gs, (long) k, (long) lin,
                     k == 0 ? c1 : "", k > 0 && G->generic ? c2 : "");
            table_row(&T, row);
            flint_free(c1);
            flint_free(c2);
            fmpz_clear(s);
            fmpz_clear(s2);
            cpwl_net_clear(z);
            cpwl_net_clear(f);
            cpwl_err_clear(e);
            _fmpq_vec_clear(b, G->m * G->n);
        }
    table_close(&T);
}

/* ---- bounds against seeded random networks ------------------------------ */

static uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Weights p / 2^12 with |p| < 2^15: general position almost surely. */
static void random_net(cpwl_net_t net, slong n0, const slong *w, slong L,
                       uint64_t seed)
{
    uint64_t s = seed;
    slong l, i, j;
    cpwl_net_clear(net);
    cpwl_net_init(net, n0);
    for (l = 0; l <= L; l++)
    {
        cpwl_net_layer_struct *Ly = cpwl_net_add_layer(net, l == L ? CPWL_NET_IDENTITY
                                                       : CPWL_NET_RELU, l == L ? 1 : w[l]);
        for (i = 0; i < Ly->out; i++)
            for (j = 0; j <= Ly->in; j++)
            {
                slong p = (slong) (next64(&s) % 65535) - 32767;
                fmpq *q = j < Ly->in ? fmpq_mat_entry(Ly->W, i, j)
                          : Ly->b + i;
                fmpq_set_si(q, p, 4096);
            }
    }
    cpwl_net_prepare(net);
}

static const char *ARCHS[] = {
    "1-2-2-2-1", "1-4-4-1", "2-3-3-1", "2-4-4-1", "2-8-8-1", "2-6-6-6-1",
    "3-4-4-1", "3-6-6-1", "2-16-16-1", NULL
};

#define SEEDS 5

static void gen_bounds(const char *dir)
{
    table T;
    slong a;
    if (!table_open(&T, dir, "bounds",
                    "Bounds on activation regions (all of R^n0) against "
                    "exact counts of seeded random networks",
                    "architecture,naive upper,Serra et al. upper,"
                    "Montufar et al. lower,one-input prod(w+1),"
                    "random nets: counts (5 seeds),max"))
        exit(1);
    for (a = 0; ARCHS[a] != NULL; a++)
    {
        slong n0, L, out, *w, sd, act, lin, mx = 0;
        fmpz_t nv, sr, mt, oi;
        char row[1024], counts[256] = "", *c1, *c2, *c3, *c4;
        cpwl_err_t e;
        cpwl_net_t net;
        cpwl_dom_t D;
        cpwl_err_init(e);
        if (cpwl_bounds_parse_arch(&n0, &w, &L, &out, ARCHS[a], e) != CPWL_OK)
            die(e);
        fmpz_init(nv);
        fmpz_init(sr);
        fmpz_init(mt);
        fmpz_init(oi);
        cpwl_bounds_naive(nv, n0, w, L);
        cpwl_bounds_serra(sr, n0, w, L);
        c1 = fmpz_get_str(NULL, 10, nv);
        c2 = fmpz_get_str(NULL, 10, sr);
        c3 = cpwl_bounds_montufar(mt, n0, w, L) ? fmpz_get_str(NULL, 10, mt)
             : NULL;
        if (n0 == 1)
        {
            cpwl_bounds_one_input(oi, w, L);
            c4 = fmpz_get_str(NULL, 10, oi);
        }
        else
            c4 = NULL;
        cpwl_net_init(net, n0);
        cpwl_dom_init(D);
        dom_from(D, n0, NULL);
        for (sd = 1; sd <= SEEDS; sd++)
        {
            char t[32];
            random_net(net, n0, w, L, (uint64_t) (1000 * a + sd));
            count(&act, &lin, net, D);
            snprintf(t, sizeof t, "%s%ld", sd > 1 ? " " : "", (long) act);
            strcat(counts, t);
            mx = FLINT_MAX(mx, act);
        }
        snprintf(row, sizeof row, "%s,%s,%s,%s,%s,%s,%ld", ARCHS[a], c1, c2,
                 c3 ? c3 : "n/a", c4 ? c4 : "", counts, (long) mx);
        table_row(&T, row);
        flint_free(c1);
        flint_free(c2);
        flint_free(c3);
        flint_free(c4);
        fmpz_clear(nv);
        fmpz_clear(sr);
        fmpz_clear(mt);
        fmpz_clear(oi);
        flint_free(w);
        cpwl_dom_clear(D);
        cpwl_net_clear(net);
        cpwl_err_clear(e);
    }
    table_close(&T);
}

/* ---- the 1-D size theorem ----------------------------------------------- */

typedef struct
{
    const char *name;
    const char *breaks;         /* p - 1 rationals */
    const char *slopes;         /* p rationals */
    const char *value;          /* f(first breakpoint), or f(0) when p = 1 */
}
pwl_case;

static const pwl_case PWL[] = {
    {"relu", "0", "0,1", "0"},
    {"|x|", "0", "-1,1", "0"},
    {"1 + |x|", "0", "-1,1", "1"},
    {"tent with zero tails", "0,1/2,1", "0,2,-2,0", "0"},
    {"examples.md, 3 breakpoints", "-1,0,2", "3,-1,1/2,0", "5"},
    {"x", "", "1", "0"},
    {"constant 1", "", "0", "1"},
    {"staircase 1", "0,1,2", "0,1,0,1", "0"},
    {"sawtooth 3 teeth", "0,1,2,3,4,5", "0,1,-1,1,-1,1,0", "0"},
    {"convex", "-2,-1,0,1,2", "-3,-2,-1,0,1,2", "0"},
    {NULL, NULL, NULL, NULL}
};

static slong parse_list(fmpq **v, const char *s)
{
    slong n = 0, i;
    const char *p;
    cpwl_err_t e;
    if (*s == '\0')
    {
        *v = _fmpq_vec_init(1);
        return 0;
    }
    for (p = s, n = 1; *p; p++)
        n += *p == ',';
    *v = _fmpq_vec_init(n);
    cpwl_err_init(e);
    if (cpwl_io_parse_vector(*v, n, s, "list", e) != CPWL_OK)
        die(e);
    cpwl_err_clear(e);
    (void) i;
    return n;
}

static void gen_pwl1d(const char *dir)
{
    table T;
    slong c;
    if (!table_open(&T, dir, "pwl1d",
                    "1-D size theorem: minimal one-hidden-layer sizes",
                    "function,breakpoints,slopes,"
                    "value at the first breakpoint (f(0) for one piece),"
                    "pieces,units with output bias,units without"))
        exit(1);
    for (c = 0; PWL[c].name != NULL; c++)
    {
        fmpq *br, *sl, *val;
        slong nb, ns, u1, u0;
        cpwl_net_t n1, n0;
        cpwl_err_t e;
        char row[512];
        nb = parse_list(&br, PWL[c].breaks);
        ns = parse_list(&sl, PWL[c].slopes);
        parse_list(&val, PWL[c].value);
        if (ns != nb + 1)
        {
            fprintf(stderr, "gen: bad pwl case %s\n", PWL[c].name);
            exit(1);
        }
        cpwl_net_init(n1, 1);
        cpwl_net_init(n0, 1);
        cpwl_err_init(e);
        if (cpwl_build_pwl1d(n1, &u1, br, ns, sl, val, 1, e) != CPWL_OK
            || cpwl_build_pwl1d(n0, &u0, br, ns, sl, val, 0, e) != CPWL_OK)
            die(e);
        snprintf(row, sizeof row, "%s,(%s),(%s),%s,%ld,%ld,%ld",
                 PWL[c].name, PWL[c].breaks, PWL[c].slopes, PWL[c].value,
                 (long) ns, (long) u1, (long) u0);
        /* commas inside the lists would break the columns */
        {
            char *p = row;
            int depth = 0;
            for (; *p; p++)
            {
                depth += (*p == '(') - (*p == ')');
                if (depth > 0 && *p == ',')
                    *p = ';';
            }
        }
        table_row(&T, row);
        cpwl_net_clear(n1);
        cpwl_net_clear(n0);
        cpwl_err_clear(e);
        _fmpq_vec_clear(br, FLINT_MAX(nb, 1));
        _fmpq_vec_clear(sl, FLINT_MAX(ns, 1));
        _fmpq_vec_clear(val, 1);
    }
    table_close(&T);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int i, any = 0;
    static const char *names[] = {"hard", "zonotope", "bounds", "pwl1d",
                                  "rmsprop_t", "departure", "reddi",
                                  "tron_traj", "tron_rho", "tron_poison",
                                  "ae_recovery", "ae_counter", "ae_grad",
                                  "pb_bounds", "pb_float", "pb_kl_float",
                                  "pb_kl_dr"};
    void (*fns[])(const char *) = {gen_hard, gen_zonotope, gen_bounds,
                                   gen_pwl1d, gen_rmsprop_t, gen_departure,
                                   gen_reddi, gen_tron_traj, gen_tron_rho,
                                   gen_tron_poison, gen_ae_recovery,
                                   gen_ae_counter, gen_ae_grad,
                                   gen_pb_bounds, gen_pb_float,
                                   gen_pb_kl_float, gen_pb_kl_dr};
    int want[NTABLES] = {0};
    for (i = 1; i < argc; i++)
    {
        int k;
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--table") && i + 1 < argc)
        {
            for (k = 0; k < NTABLES && strcmp(argv[i + 1], names[k]); k++)
                ;
            if (k == NTABLES)
            {
                fprintf(stderr, "gen: unknown table %s\n", argv[i + 1]);
                return 2;
            }
            want[k] = any = 1;
            i++;
        }
        else
        {
            fprintf(stderr, "usage: gen --out DIR [--table NAME]..."
                    "\n  tables: hard zonotope bounds pwl1d rmsprop_t "
                    "departure reddi\n          tron_traj tron_rho tron_poison "
                    "ae_recovery ae_counter ae_grad\n          pb_bounds pb_float "
                    "pb_kl_float pb_kl_dr\n");
            return 2;
        }
    }
    if (dir == NULL)
    {
        fprintf(stderr, "gen: --out DIR is required\n");
        return 2;
    }
    for (i = 0; i < NTABLES; i++)
        if (!any || want[i])
            fns[i](dir);
    flint_cleanup();
    return 0;
}
