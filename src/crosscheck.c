/* The exact path checking the fast one (see cpwl/crosscheck.h): sampled
   patterns looked up among the exact regions, and the exact regions'
   interior points evaluated by the batched double pass. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <flint/fmpq_vec.h>
#include "cpwl/batch.h"
#include "cpwl/num.h"
#include "cpwl/crosscheck.h"

void cpwl_crosscheck_init(cpwl_crosscheck_t X)
{
    memset(X, 0, sizeof(cpwl_crosscheck_struct));
    cpwl_regions_init(X->R, 0, 0, 0);
    cpwl_sample_init(X->S);
    X->missed_max_size = -1;
}

/* Free what the comparison fills, keep R and S. */
static void compare_clear(cpwl_crosscheck_t X)
{
    flint_free(X->region_points);
    flint_free(X->region_size);
    flint_free(X->bad_patterns);
    flint_free(X->bad_exact);
    X->region_points = NULL;
    X->region_size = NULL;
    X->bad_patterns = NULL;
    X->bad_exact = NULL;
    X->missed = 0;
    X->missed_max_size = -1;
    X->interior_undecided = 0;
    X->not_regions = 0;
    X->mismatches = 0;
    X->contradictions = 0;
    flint_free(X->bad_regions);
    X->bad_regions = NULL;
}

void cpwl_crosscheck_clear(cpwl_crosscheck_t X)
{
    compare_clear(X);
    cpwl_regions_clear(X->R);
    cpwl_sample_clear(X->S);
    memset(X, 0, sizeof(cpwl_crosscheck_struct));
    X->missed_max_size = -1;
}

static double wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

/* ---- region lookup by packed pattern ------------------------------------ */

typedef struct
{
    const uint64_t *p;
    slong words;
    slong cell;
}
reg_rec;


static int reg_rec_cmp(const void *a, const void *b)
{
    const reg_rec *x = a, *y = b;
    int c = batch_cmp(x->p, y->p, x->words);
    /* Ties (only in a corrupted list) by cell, for a fixed answer. */
    if (c == 0)
        c = (x->cell > y->cell) - (x->cell < y->cell);
    return c;
}

/* The first cell whose packed pattern is p, or -1. */
static slong reg_find(const reg_rec *r, slong n, const uint64_t *p,
                      slong words)
{
    slong a = 0, b = n;
    while (a < b)
    {
        slong m = a + (b - a) / 2;
        if (batch_cmp(r[m].p, p, words) < 0)
            a = m + 1;
        else
            b = m;
    }
    return a < n && batch_cmp(r[a].p, p, words) == 0 ? r[a].cell : -1;
}

/* ---- region sizes ------------------------------------------------------ */

/* The exact d-volume of a bounded cell for d <= 2, as the nearest double,
   or -1 when not known (no vertices, unbounded, d > 2). */
static double cell_size(const cpwl_regions_cell_struct *c, slong d)
{
    fmpq_t a, t;
    double r = -1;
    slong k;
    if (d > 2 || c->nverts < 0 || c->nrays != 0 || c->bounded == 0)
        return -1;
    fmpq_init(a);
    fmpq_init(t);
    if (d == 1 && c->nverts == 2)
    {
        fmpq_sub(a, c->verts + 1, c->verts + 0);
        fmpq_abs(a, a);
        r = cpwl_num_fmpq_get_d(a);
    }
    else if (d == 2 && c->nverts >= 3)
    {
        /* Shoelace: twice the signed area is sum x_k y_k+1 - x_k+1 y_k. */
        for (k = 0; k < c->nverts; k++)
        {
            const fmpq *v = c->verts + 2 * k;
            const fmpq *w = c->verts + 2 * ((k + 1) % c->nverts);
            fmpq_mul(t, v + 0, w + 1);
            fmpq_add(a, a, t);
            fmpq_mul(t, v + 1, w + 0);
            fmpq_sub(a, a, t);
        }
        fmpq_abs(a, a);
        fmpq_div_2exp(a, a, 1);
        r = cpwl_num_fmpq_get_d(a);
    }
    fmpq_clear(a);
    fmpq_clear(t);
    return r;
}

/* ---- the comparison ---------------------------------------------------- */

int cpwl_crosscheck_compare(cpwl_crosscheck_t X, const cpwl_net_t net, const cpwl_dom_t D,
                            const cpwl_sample_opts *sopts, cpwl_err_t e)
{
    cpwl_regions_struct *R = X->R;
    cpwl_sample_struct *S = X->S;
    slong d = D->d, ns = R->nstates, words = FLINT_MAX(1, (ns + 63) / 64);
    slong nc = R->ncells, i, j;
    reg_rec *rec;
    uint64_t *rp, *pat, *und;
    double *Xd, *Xe;
    fmpq *y;
    cpwl_batch_plan_t P;
    cpwl_net_t g;

    compare_clear(X);
    if (R->d != d || S->d != d || S->nstates != ns || S->words != words
        || cpwl_net_num_states(net) != ns)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "crosscheck: the regions "
                            "(d = %ld, %ld states) and the sample (d = %ld, %ld "
                            "states) do not belong to one net on one domain",
                       (long) R->d, (long) ns, (long) S->d,
                       (long) S->nstates);
    if (sopts->kernel != CPWL_BATCH_AUTO
        && (sopts->kernel < 0 || sopts->kernel >= CPWL_BATCH_NUM_KERNELS
            || !cpwl_batch_kernel_available(sopts->kernel)))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the %s kernel does not run on "
                            "this CPU", cpwl_batch_kernel_name(sopts->kernel));
    for (i = 0; i < nc; i++)
        if (R->cells[i].point == NULL)
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "crosscheck: region %ld "
                                "has no interior point", (long) i);

    cpwl_net_init(g, d);
    cpwl_dom_restrict_net(g, net, D);

    /* Exact patterns, packed and sorted for lookup. */
    rp = flint_malloc(FLINT_MAX(nc, 1) * words * sizeof(uint64_t));
    rec = flint_malloc(FLINT_MAX(nc, 1) * sizeof(reg_rec));
    for (i = 0; i < nc; i++)
    {
        batch_pack(rp + i * words, R->cells[i].state, ns);
        rec[i].p = rp + i * words;
        rec[i].words = words;
        rec[i].cell = i;
    }
    qsort(rec, nc, sizeof(reg_rec), reg_rec_cmp);

    /* Every sampled pattern must be a region. */
    X->region_points = flint_calloc(FLINT_MAX(nc, 1), sizeof(slong));
    X->bad_patterns = flint_malloc(FLINT_MAX(S->npatterns, 1)
                                   * sizeof(slong));
    X->bad_exact = flint_malloc(FLINT_MAX(S->npatterns, 1)
                                * FLINT_MAX(ns, 1));
    y = _fmpq_vec_init(FLINT_MAX(d, 1));
    for (i = 0; i < S->npatterns; i++)
    {
        slong c = reg_find(rec, nc, S->patterns + i * words, words);
        if (c >= 0)
        {
            X->region_points[c] += S->counts[i];
            continue;
        }
        /* Re-decided by the exact stage alone: the reference, whichever
           filter is at fault. */
        cpwl_sample_point(y, S, S->first[i]);
        cpwl_net_pattern_exact(X->bad_exact + X->not_regions * ns, g, y);
        X->bad_patterns[X->not_regions++] = i;
    }
    _fmpq_vec_clear(y, FLINT_MAX(d, 1));

    /* Every region's interior point, in one batch. */
    Xd = flint_malloc(FLINT_MAX(nc * d, 1) * sizeof(double));
    Xe = flint_malloc(FLINT_MAX(nc * d, 1) * sizeof(double));
    pat = flint_malloc(FLINT_MAX(nc, 1) * words * sizeof(uint64_t));
    und = flint_malloc(FLINT_MAX(nc, 1) * words * sizeof(uint64_t));
    for (i = 0; i < nc; i++)
        if (!cpwl_net_round_inputs_d(Xd + i * d, Xe + i * d, R->cells[i].point, d))
            for (j = 0; j < d; j++)
            {
                /* Overflow: nothing decided, no claim. */
                Xd[i * d + j] = 0.0;
                Xe[i * d + j] = INFINITY;
            }
    cpwl_batch_plan_init(P, g, sopts->kernel);
    cpwl_batch_eval(NULL, NULL, pat, und, P, Xd, Xe, nc, sopts->nthreads);
    cpwl_batch_plan_clear(P);
    X->bad_regions = flint_malloc(FLINT_MAX(nc, 1) * sizeof(slong));
    for (i = 0; i < nc; i++)
    {
        const uint64_t *ex = rp + i * words, *pp = pat + i * words;
        const uint64_t *uu = und + i * words;
        int bad = 0, undec = 0;
        for (j = 0; j < words; j++)
        {
            bad |= ((pp[j] ^ ex[j]) & ~uu[j]) != 0;
            undec |= uu[j] != 0;
        }
        if (bad)
            X->bad_regions[X->mismatches++] = i;
        X->interior_undecided += undec;
    }
    X->contradictions = X->not_regions + X->mismatches;

    /* Missed regions and their sizes. */
    X->region_size = flint_malloc(FLINT_MAX(nc, 1) * sizeof(double));
    for (i = 0; i < nc; i++)
    {
        double s = cell_size(R->cells + i, d);
        X->region_size[i] = s;
        if (X->region_points[i] == 0)
        {
            X->missed++;
            if (s >= 0 && s > X->missed_max_size)
                X->missed_max_size = s;
        }
    }

    flint_free(rp);
    flint_free(rec);
    flint_free(Xd);
    flint_free(Xe);
    flint_free(pat);
    flint_free(und);
    cpwl_net_clear(g);
    return CPWL_OK;
}

int cpwl_crosscheck_run(cpwl_crosscheck_t X, const cpwl_net_t net, const cpwl_dom_t D,
                        const cpwl_regions_opts *ropts, const cpwl_sample_opts *sopts,
                        cpwl_err_t e)
{
    cpwl_regions_opts ro = *ropts;
    double t0;
    int st;

    cpwl_crosscheck_clear(X);
    cpwl_crosscheck_init(X);
    if (!D->bounded)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "crosscheck needs a bounded "
                            "domain: give a `box` (for a slice or a line, the box "
                            "of its coordinates)");
    /* The sample first: its input errors (grid, --max-points) show at
       once, not after a long exact computation. */
    st = cpwl_sample_run(X->S, net, D, sopts, e);
    if (st != CPWL_OK || X->S->stopped)
        return st;
    ro.points = 1;              /* the interior points are compared */
    t0 = wall_now();
    st = cpwl_regions_compute(X->R, net, D, &ro, e);
    X->regions_seconds = wall_now() - t0;
    if (st != CPWL_OK || X->R->stopped != CPWL_REGIONS_DONE)
        return st;
    /* Over several processes both sides are complete on process 0 only. */
    if (sopts->sched != NULL && sopts->sched->rank != 0)
        return CPWL_OK;
    cpwl_regions_sort(X->R);
    return cpwl_crosscheck_compare(X, net, D, sopts, e);
}
