/* Activation regions in two dimensions: exact refinement of a planar
   subdivision into convex polygons, layer by layer.

   On a face whose pattern is fixed for layers < l, every neuron of layer l
   is affine (forms.h), so its zero set is a line that splits the
   face or not.  The faces form a subdivision with twin edges (each edge
   knows the face on its other side), so that the facet adjacency needed
   for linear regions is exact and free at the end.

   All of R^2 is handled exactly with a symbolic box [-M, M]^2, M -> oo: a
   coordinate is x0 + x1 M, and a sign is the sign of the M coefficient,
   or of the constant when that is 0.  For all large M the subdivision of
   the box has one face per region of R^2 (the box then contains every
   vertex), so the count is exact, not a guess from a finite box.

   Geometry is lazy (issue 3: vertex coordinates of deep float nets need
   hundreds of bits): lines and vertices carry double values with proven
   error radii; a sign that the radii cannot decide is recomputed from the
   exact line coefficients (forms_row_fmpq) and exact vertices (Cramer's
   rule), both built only on demand.  Every sign goes through the
   predicate layer.

   Issue 12: faces go depth first, 256 at a time, and carry their double
   forms (a piece's next layer is one masked product or rank-one updates
   from a neighbouring piece, never the whole recursion from the input);
   a bounding box settles the neurons that miss a face before any vertex
   is tested; the read-only phases run on threads, the splits in face
   order on one, so the output is the same for every number of threads
   (docs/regions.md). */
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "regions_2d_impl.h"

/* The double output map of face fi, from the forms Z, E of the last
   layer with states (their parent's: the same on every piece). */
static void face_output_d(plane *P, slong fi, slong l, const double *Z,
                          const double *E)
{
    const cpwl_net_struct *g = P->g;
    slong m = cpwl_net_output_dim(g), len = 3 * m, k, w = g->layers[l].out;
    double *A = P->tA, *EA = P->tE, *B = P->tB, *EB = P->tF, *t;
    int ok = 1;

    if (P->ao < P->nf)
    {
        P->ao = FLINT_MAX(P->nf, 2 * P->ao);
        P->oZ = flint_realloc(P->oZ, P->ao * len * sizeof(double));
        P->oE = flint_realloc(P->oE, P->ao * len * sizeof(double));
    }
    memcpy(A, Z, 3 * w * sizeof(double));
    memcpy(EA, E, 3 * w * sizeof(double));
    forms_act_d(A, EA, g, l, P->F[fi].st);
    for (k = l + 1; k < g->nlayers && ok; k++)
    {
        ok = forms_affine_d(B, EB, g, k, A, EA);
        forms_act_d(B, EB, g, k, P->F[fi].st);
        t = A; A = B; B = t;
        t = EA; EA = EB; EB = t;
    }
    memcpy(P->oZ + fi * len, A, len * sizeof(double));
    memcpy(P->oE + fi * len, EA, len * sizeof(double));
    if (!ok)
        P->oE[fi * len] = INFINITY;
}

/* Whether to stop now: more faces than max_regions (faces only ever
   split, so the count is a lower bound) or an interrupt.  Checked per
   neuron and per split, since one face of the first layer alone may
   split into millions. */
static int should_stop(plane *P)
{
    const cpwl_regions_opts *o = P->opts;
    if ((o->max_regions > 0 && P->nf > o->max_regions)
        || (o->interrupt && *o->interrupt))
        P->stop = 1;
    return P->stop;
}

/* ---- phase A: the neurons that cannot cut a face ---------------------- */

/* The neurons of layer l whose form has one strict sign on all of the
   closed face fi get their state there (cand[j] = 0); cand[j] = 1 for the
   others, which phase B tries vertex by vertex.  The form is bounded over
   the face's bounding box by interval arithmetic and, when that straddles
   zero, at each vertex.  Only reads the geometry (no face changes while
   phase A runs, so threads may share it); a later split only adds
   vertices on edges, which keeps "one strict sign on the face" true for
   every piece.  Decisions are counted in ctx (the worker's). */
static void face_prefilter(unsigned char *cand, plane *P, slong fi, slong l,
                           slong off, const double *Z, const double *E,
                           int ok, cpwl_pred_ctx_t ctx)
{
    face_s *f = P->F + fi;
    slong w = P->g->layers[l].out, i, j;
    iv X, Y;

    /* r2_face_box writes only face fi's own fields */
    if (!ok || ctx->exact_only || !r2_face_box(P, fi))
    {
        memset(cand, 1, w);
        return;
    }
    X = f->bx;
    Y = f->by;
    for (j = 0; j < w; j++)
    {
        iv h0 = iv_set(Z[3 * j], E[3 * j]), h1 = iv_set(Z[3 * j + 1], E[3 * j + 1]);
        iv h2 = iv_set(Z[3 * j + 2], E[3 * j + 2]), r;
        int s = 2;
        r = iv_add(iv_add(iv_mul(h0, X), iv_mul(h1, Y)), h2);
        if (iv_ok(r))
            s = cpwl_pred_sign_d(ctx, r.m, r.r);
        if (s == 2)
            for (i = 0; i < f->n; i++)
            {
                const vert_s *v = P->V + f->v[i];
                int sv = 2;
                r = iv_add(iv_add(iv_mul(h0, v->x0), iv_mul(h1, v->y0)), h2);
                if (iv_ok(r))
                    sv = cpwl_pred_sign_d(ctx, r.m, r.r);
                if (sv == 2 || sv == 0 || (i > 0 && sv != s))
                {
                    s = 2;
                    break;
                }
                s = sv;
            }
        if (s == 1 || s == -1)
        {
            cand[j] = 0;
            f->st[off + j] = s > 0;
        }
        else
            cand[j] = 1;
    }
}

/* ---- phase B: the splits --------------------------------------------- */

/* Split face f0 (and its pieces) by the candidate neurons of layer l;
   the pieces (f0 first) are appended to kids.  Stops early (leaving the
   states unfinished) when should_stop says so. */
static void refine_face(plane *P, slong f0, slong l, slong off,
                        const double *Zd, const double *Ze, int ok,
                        const unsigned char *cand, cutter *C,
                        slong **kids, slong *nk, slong *ak)
{
    const cpwl_net_layer_struct *L = P->g->layers + l;
    slong np0 = *nk, npo, j, k, i;
    int *s = NULL;
    slong sa = 0;

    if (*nk == *ak)
    {
        *ak = FLINT_MAX(64, 2 * *ak);
        *kids = flint_realloc(*kids, *ak * sizeof(slong));
    }
    (*kids)[(*nk)++] = f0;
    C->snap = f0;               /* its layers before l stay as they are */
    for (j = 0; j < L->out && P->bug == NULL; j++)
    {
        if (!cand[j])
            continue;
        if (should_stop(P))
            break;
        C->layer = l;
        C->neuron = j;
        C->line = -1;
        C->have_ex = 0;
        for (k = 0; k < 3; k++)
        {
            C->h[k].m = ok ? Zd[3 * j + k] : 0;
            C->h[k].r = ok ? Ze[3 * j + k] : INFINITY;
        }
        P->stamp++;
        /* Pieces cut off by this neuron are decided: only the pieces
           present before it are visited. */
        for (k = np0, npo = *nk; k < npo; k++)
        {
            slong fi = (*kids)[k], n = P->F[fi].n;
            int pos = 0, neg = 0;
            /* A piece the line misses: one test of its box, not one per
               vertex (the first layer splits one face by every neuron). */
            if (ok && !P->opts->pred->exact_only && r2_face_box(P, fi))
            {
                const face_s *F = P->F + fi;
                iv r = iv_add(iv_add(iv_mul(C->h[0], F->bx),
                                     iv_mul(C->h[1], F->by)), C->h[2]);
                int sb = iv_ok(r) ? cpwl_pred_sign_d(P->opts->pred, r.m, r.r) : 2;
                if (sb == 1 || sb == -1)
                {
                    P->F[fi].st[off + j] = sb > 0;
                    continue;
                }
            }
            if (n > sa)
            {
                sa = 2 * n;
                s = flint_realloc(s, sa * sizeof(int));
            }
            for (i = 0; i < n; i++)
            {
                s[i] = r2_vert_sign(P, P->F[fi].v[i], C);
                pos |= s[i] > 0;
                neg |= s[i] < 0;
            }
            if (pos && neg)
            {
                slong q = r2_split_face(P, fi, s, C);
                if (P->bug != NULL)
                    break;
                P->F[fi].st[off + j] = 1;
                P->F[q].st[off + j] = 0;
                if (*nk == *ak)
                {
                    *ak *= 2;
                    *kids = flint_realloc(*kids, *ak * sizeof(slong));
                }
                (*kids)[(*nk)++] = q;
                if (should_stop(P))
                    break;
            }
            else
                P->F[fi].st[off + j] = pos;     /* z = 0 is off */
        }
    }
    flint_free(s);
}

/* ---- the forms of the next layer, carried ----------------------------- */

/* A chain of rank-one updates stays this short (in updates), so that its
   bound stays close to a fresh product's. */
#define CHAIN_MAX 48
/* A source may differ in this many states (a fresh product costs about as
   much as this many updates at half the neurons on), and the NEAR pieces
   before one in its run are tried besides its neighbours. */
#define DIFF_MAX 6
#define NEAR 3
/* Pieces of one parent handled by one task of the forms phase: the first
   gets a fresh product, the others updates from a neighbour. */
#define RUN_MAX 32
/* Faces refined together at one level: the carried forms of a level take
   CHUNK x width x 48 bytes. */
#define CHUNK 256
/* Less work than this many faces x neurons is not worth waking threads
   for (a parallel region costs microseconds, more on a busy machine). */
#define PAR_MIN 16384

/* Fresh forms of z_{l2} on face f from the forms Zp, Ep of z_l on it (its
   parent's: the same on every piece): one masked product per layer. */
static int forms_fresh(plane *P, slong l, slong l2, const double *Zp,
                       const double *Ep, slong f, double *Z, double *E,
                       double *tmp)
{
    const cpwl_net_struct *g = P->g;
    slong k, wmax = 3 * P->tw;
    const double *A = Zp, *EA = Ep;
    double *B = tmp, *EB = tmp + wmax;
    int ok = 1;
    for (k = l + 1; k <= l2 && ok; k++)
    {
        double *ZB = (k == l2) ? Z : B, *EZ = (k == l2) ? E : EB;
        ok = forms_next_d(ZB, EZ, P->fp, g, k, A, EA, P->F[f].st);
        A = ZB;
        EA = EZ;
        if (k < l2)
        {
            /* ping-pong between the two halves of tmp */
            B = (B == tmp) ? tmp + 2 * wmax : tmp;
            EB = B + wmax;
        }
    }
    return ok;
}

/* Layer-l states in which faces a and b differ. */
static slong state_diff(const plane *P, slong a, slong b, slong off, slong w)
{
    const unsigned char *x = P->F[a].st + off, *y = P->F[b].st + off;
    slong i, d = 0;
    for (i = 0; i < w; i++)
        d += (x[i] != 0) != (y[i] != 0);
    return d;
}

/* Forms of z_{l2} for kids[a..b) (pieces of one parent, whose forms of z_l
   are Zp, Ep), into Z, E, ok at their positions relative to c0.  A piece
   next to one already done (its twin edges) whose states differ from it
   in layer l only gets rank-one updates; the first and any other piece a
   fresh product. */
static void forms_run(plane *P, slong l, slong l2, const slong *kids,
                      slong a, slong b, slong c0, slong base,
                      const double *Zp,
                      const double *Ep, double *Z, double *E, int *ok,
                      slong *depth, double *tmp)
{
    slong w2 = 3 * P->g->layers[l2].out, w = P->g->layers[l].out;
    slong off = forms_state_offset(P->g, l), q, e;
    int chain = (l2 == l + 1) && P->g->layers[l].act == CPWL_NET_RELU;
    for (q = a; q < b; q++)
    {
        slong f = kids[q], best = -1, bd = 0;
        const face_s *F = P->F + f;
        /* sources: the neighbours done before q in this run, and the
           few pieces just before it (near in the traversal) */
        for (e = 0; chain && q > a && e < F->n + NEAR; e++)
        {
            slong p, dd;
            if (e < F->n)
            {
                slong nb = F->nb[e];
                if (nb < 0)
                    continue;
                p = P->tag[nb] - base - 1;
            }
            else
                p = q - 1 - (e - F->n);
            if (p < a || p >= q || !ok[p - c0])
                continue;           /* not done before q in this run */
            dd = state_diff(P, f, kids[p], off, w);
            if (dd <= DIFF_MAX && depth[p - c0] + dd <= CHAIN_MAX
                && (best < 0 || dd < bd))
            {
                best = p;
                bd = dd;
            }
        }
        if (best >= 0
            && forms_update_d(Z + (q - c0) * w2, E + (q - c0) * w2, P->fp,
                              P->g, l2, Z + (best - c0) * w2,
                              E + (best - c0) * w2, Zp, Ep, F->st,
                              P->F[kids[best]].st))
        {
            ok[q - c0] = 1;
            depth[q - c0] = depth[best - c0] + bd;
        }
        else
        {
            ok[q - c0] = forms_fresh(P, l, l2, Zp, Ep, f, Z + (q - c0) * w2,
                                     E + (q - c0) * w2, tmp);
            depth[q - c0] = 0;
        }
    }
}

/* Room for a tag per face; new tags are 0, below every base. */
static void tag_reserve(plane *P)
{
    if (P->atag < P->nf)
    {
        slong old = P->atag;
        P->atag = FLINT_MAX(P->nf, 2 * P->atag);
        P->tag = flint_realloc(P->tag, P->atag * sizeof(slong));
        memset(P->tag + old, 0, (P->atag - old) * sizeof(slong));
    }
}

/* Reorder the pieces k[0..m) of one parent so that each follows a piece
   next to it (a traversal of their twin edges from the first; the pieces
   tile the convex parent, so all are reached): rank-one chains then find
   their neighbour in the same run.  The order depends on the geometry
   only, not on the threads. */
static void order_group(plane *P, slong *k, slong m, slong *stack,
                        slong *out)
{
    slong base = P->tagbase, i, sp = 0, no = 0, e;
    P->tagbase += m + 2;
    for (i = 0; i < m; i++)
        P->tag[k[i]] = base + 1 + i;
    stack[sp++] = k[0];
    P->tag[k[0]] = base + m + 1;
    while (sp > 0)
    {
        slong f = stack[--sp];
        const face_s *F = P->F + f;
        out[no++] = f;
        for (e = 0; e < F->n; e++)
        {
            slong nb = F->nb[e];
            if (nb >= 0 && P->tag[nb] > base && P->tag[nb] <= base + m)
            {
                P->tag[nb] = base + m + 1;
                stack[sp++] = nb;
            }
        }
    }
    if (no != m)
    {
        r2_internal(P, "the pieces of a face are not connected");
        return;
    }
    memcpy(k, out, m * sizeof(slong));
}

/* Refine the faces fs[0..n) (patterns fixed before layer l, forms of z_l
   in Z, E, finite where ok) by layer l and then, depth first, by the later
   layers.  Phase A (threads) decides the neurons that miss a face; phase
   B splits by the others, in face order, so that the faces, their order
   and every count are the same for every number of threads; the forms of
   the next layer are carried (threads). */
static void refine_level(plane *P, slong l, const slong *fs, slong n,
                         const double *Z, const double *E, const int *ok,
                         cutter *C)
{
    const cpwl_net_struct *g = P->g;
    slong w = g->layers[l].out, w3 = 3 * w, off = forms_state_offset(g, l);
    slong i, nk = 0, ak = 0, *kids = NULL, *gs, c0;
    unsigned char *cand = flint_malloc(n * w);
    int nt = P->nthreads;
    cpwl_pred_ctx_struct *ctxs = flint_malloc(nt * sizeof(cpwl_pred_ctx_struct));

    for (i = 0; i < nt; i++)
    {
        cpwl_pred_ctx_init(ctxs + i);
        ctxs[i].exact_only = P->opts->pred->exact_only;
    }
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 4) if (nt > 1 && n * w >= PAR_MIN)
#endif
    for (i = 0; i < n; i++)
    {
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        face_prefilter(cand + i * w, P, fs[i], l, off, Z + i * w3,
                       E + i * w3, ok[i], ctxs + tid);
    }
    for (i = 0; i < nt; i++)
    {
        cpwl_pred_ctx_add_counts(P->opts->pred, ctxs + i);
        cpwl_pred_ctx_clear(ctxs + i);
    }
    flint_free(ctxs);

    gs = flint_malloc((n + 1) * sizeof(slong));
    for (i = 0; i < n && P->bug == NULL && !should_stop(P); i++)
    {
        gs[i] = nk;
        refine_face(P, fs[i], l, off, Z + i * w3, E + i * w3, ok[i],
                    cand + i * w, C, &kids, &nk, &ak);
        if (P->opts->progress && (P->nprog++ & 255) == 0)
            P->opts->progress(P->opts->progress_data, l, g->nlayers, P->nf);
    }
    gs[i] = nk;
    flint_free(cand);
    if (P->stop || P->bug != NULL)
        goto done;

    if (l == P->lstat)
    {
        if (P->opts->linear)
            for (i = 0; i < n; i++)
            {
                slong k;
                for (k = gs[i]; k < gs[i + 1]; k++)
                {
                    face_output_d(P, kids[k], l, Z + i * w3,
                                  ok[i] ? E + i * w3 : Z + i * w3);
                    if (!ok[i])
                        P->oE[kids[k] * 3 * cpwl_net_output_dim(g)] = INFINITY;
                }
            }
        goto done;
    }

    /* The pieces, CHUNK at a time, at the next layer with states. */
    {
        slong l2 = P->lnext[l], w2 = 3 * g->layers[l2].out;
        slong *par = flint_malloc(FLINT_MAX(nk, 1) * sizeof(slong));
        slong *stack = flint_malloc(2 * FLINT_MAX(nk, 1) * sizeof(slong));
        slong mc = FLINT_MIN(nk, CHUNK);
        double *Z2 = flint_malloc(2 * mc * w2 * sizeof(double));
        double *E2 = Z2 + mc * w2;
        int *ok2 = flint_malloc(mc * sizeof(int));
        slong *depth = flint_malloc(mc * sizeof(slong));
        slong *runs = flint_malloc(2 * (mc + 1) * sizeof(slong));
        for (i = 0; i < n; i++)
        {
            slong k;
            for (k = gs[i]; k < gs[i + 1]; k++)
                par[k] = i;
        }
        tag_reserve(P);
        for (i = 0; i < n && P->bug == NULL; i++)
            if (gs[i + 1] - gs[i] > 2)
                order_group(P, kids + gs[i], gs[i + 1] - gs[i], stack,
                            stack + nk);
        flint_free(stack);
        for (c0 = 0; c0 < nk && !P->stop && P->bug == NULL; c0 += CHUNK)
        {
            slong c1 = FLINT_MIN(nk, c0 + CHUNK), m = c1 - c0, nr = 0, r;
            slong base = P->tagbase;

            /* tags: base + position + 1 of a piece of this chunk, set
               before the threads start (they only read tags); every other
               face's tag is below base (tags only grow, new faces start
               at 0) */
            tag_reserve(P);
            P->tagbase += nk + 1;
            /* runs: pieces of one parent, at most RUN_MAX each */
            for (i = c0; i < c1; i++)
                if (i == c0 || par[i] != par[i - 1]
                    || i - runs[2 * (nr - 1)] >= RUN_MAX)
                {
                    runs[2 * nr] = i;
                    if (nr > 0)
                        runs[2 * nr - 1] = i;
                    nr++;
                }
            runs[2 * nr - 1] = c1;
            for (i = c0; i < c1; i++)
                P->tag[kids[i]] = base + i + 1;
            /* a neighbour counts only inside its own run */
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1 && nr > 1 && m * w2 >= PAR_MIN)
#endif
            for (r = 0; r < nr; r++)
            {
                slong a = runs[2 * r], b = runs[2 * r + 1];
                double *tmp = flint_malloc(4 * 3 * P->tw * sizeof(double));
                forms_run(P, l, l2, kids, a, b, c0, base, Z + par[a] * w3,
                          E + par[a] * w3, Z2, E2, ok2, depth, tmp);
                flint_free(tmp);
            }
            refine_level(P, l2, kids + c0, m, Z2, E2, ok2, C);
        }
        flint_free(runs);
        flint_free(depth);
        flint_free(ok2);
        flint_free(Z2);
        flint_free(par);
    }
done:
    flint_free(gs);
    flint_free(kids);
}

int cpwl_regions_2d(cpwl_regions_t R, const cpwl_net_t g, const fmpq *lo, const fmpq *hi,
                    const cpwl_regions_opts *opts, cpwl_err_t e)
{
    plane P;
    cutter C;
    forms_plan_t fp;
    slong l, i, j, wmax = 1, l0 = -1, prev = -1;
    double *Zd, *Ze;
    int ok0, st;

    if (g->input_dim != 2)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cpwl_regions_2d: input dimension %ld",
                            (long) g->input_dim);
    /* abs, hardtanh and maxout are counted through their exact relu
       lowering (cpwl_regions_compute); here every state is one sign. */
    if (!cpwl_net_is_basic(g))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cpwl_regions_2d takes relu, leaky_relu and "
                            "identity layers (lower the others to relu first, as "
                            "cpwl_regions_compute does)");
    memset(&P, 0, sizeof P);
    P.g = g;
    P.opts = opts;
    P.ns = R->nstates;
    P.stamp = 0;
    r2_plane_start(&P, lo, hi);
    for (l = 0; l < g->nlayers; l++)
        wmax = FLINT_MAX(wmax, g->layers[l].out);
    P.tw = wmax;
    Zd = flint_malloc(3 * wmax * sizeof(double));
    Ze = flint_malloc(3 * wmax * sizeof(double));
    P.tA = flint_malloc(3 * wmax * sizeof(double));
    P.tE = flint_malloc(3 * wmax * sizeof(double));
    P.tB = flint_malloc(3 * wmax * sizeof(double));
    P.tF = flint_malloc(3 * wmax * sizeof(double));
    P.lstat = -1;
    P.lnext = flint_malloc(FLINT_MAX(g->nlayers, 1) * sizeof(slong));
    for (l = 0; l < g->nlayers; l++)
    {
        P.lnext[l] = -1;
        if (forms_state_offset(g, l) >= 0)
        {
            P.lstat = l;
            if (prev >= 0)
                P.lnext[prev] = l;
            else
                l0 = l;
            prev = l;
        }
    }
    P.nthreads = (int) FLINT_MAX(opts->nthreads, 0);
#ifdef _OPENMP
    if (P.nthreads == 0)
        P.nthreads = omp_get_max_threads();
#endif
    P.nthreads = FLINT_MAX(P.nthreads, 1);
    forms_plan_init(fp, g);
    P.fp = fp;
    C.ex = _fmpq_vec_init(3);

    /* The box at the first layer with states; the rest, depth first. */
    if (l0 >= 0)
    {
        slong f0 = 0;
        ok0 = forms_layer_d(Zd, Ze, g, P.F[0].st, l0);
        refine_level(&P, l0, &f0, 1, Zd, Ze, &ok0, &C);
    }
    if (opts->progress)
        opts->progress(opts->progress_data, g->nlayers, g->nlayers, P.nf);
    /* Every process refined the same plane; an interrupt seen by one
       stops all (the limit is the same everywhere). */
    if (opts->sched != NULL && P.bug == NULL)
        P.stop = cpwl_sched_any(opts->sched, P.stop);
    if (P.stop)
        R->stopped = (opts->max_regions > 0 && P.nf > opts->max_regions)
                     ? CPWL_REGIONS_STOP_LIMIT : CPWL_REGIONS_STOP_INTERRUPT;
    forms_plan_clear(fp);

    if (P.bug != NULL)
    {
        cpwl_err_set(e, CPWL_ERR_INTERNAL, "internal error in the 2-D region "
                     "algorithm: %s", P.bug);
        _fmpq_vec_clear(C.ex, 3);
        flint_free(Zd);
        flint_free(Ze);
        r2_plane_clear(&P);
        return CPWL_ERR_INTERNAL;
    }
    if (R->stopped)
        R->lower_bound = P.nf;  /* a refinement of the regions so far */
    /* The cells, in face order; their exact points, maps and vertices
       (most of a listing's time) are work units of the scheduler. */
    if (!R->stopped
        && (st = r2_cells(R, &P, opts, e)) != CPWL_OK)
    {
        _fmpq_vec_clear(C.ex, 3);
        flint_free(Zd);
        flint_free(Ze);
        r2_plane_clear(&P);
        return st;
    }

    /* Linear regions where the cells are: process 0. */
    if (opts->linear && !R->stopped
        && (opts->sched == NULL || opts->sched->rank == 0))
    {
        /* Twin edges give the facet adjacency exactly. */
        slong np = 0, pa = 64, *pairs = flint_malloc(2 * pa * sizeof(slong));
        for (i = 0; i < P.nf; i++)
            for (j = 0; j < P.F[i].n; j++)
            {
                slong nb = P.F[i].nb[j];
                if (nb > i)
                {
                    if (np == pa)
                    {
                        pa *= 2;
                        pairs = flint_realloc(pairs, 2 * pa * sizeof(slong));
                    }
                    pairs[2 * np] = i;
                    pairs[2 * np + 1] = nb;
                    np++;
                }
            }
        cpwl_regions_merge_linear_d(R, g, pairs, np, P.lstat >= 0 ? P.oZ : NULL,
                                    P.lstat >= 0 ? P.oE : NULL, opts->pred);
        flint_free(pairs);
    }

    _fmpq_vec_clear(C.ex, 3);
    flint_free(Zd);
    flint_free(Ze);
    r2_plane_clear(&P);
    return CPWL_OK;
}
