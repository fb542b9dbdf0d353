/* cpwl certify: the theorem examples, networks built by the
   constructions (split from certify.c). */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "certify.h"

/* ---- theorem examples: networks built by the constructions --------------

   Each check builds its networks with build.h / netalg.h, computes the
   exact quantity (region counts, equivalence, bounds) and compares it with
   a value known from outside the code: ../shared/examples.md, closed forms
   of the literature and hand computation (docs/examples.md). */

/* Record a library error as the reason; returns 0 (the claim fails). */
static int thm_err(thm_out *r, const char *what, const cpwl_err_t e)
{
    snprintf(r->why, sizeof r->why, "%s: %.200s", what, e->msg);
    return 0;
}

static int thm_differs(thm_out *r, const char *what)
{
    snprintf(r->why, sizeof r->why, "%s", what);
    return 0;
}

/* Regions of net on a domain given as on the command line (box, line;
   both NULL: all of R^n), linear regions counted; with `maps` also the
   interior points, exact maps and vertices of the cells. */
static int thm_regions(cpwl_regions_t R, const cpwl_net_t net, const char *box,
                       const char *line, int maps, cpwl_pred_ctx_t ctx, cpwl_err_t e)
{
    cpwl_dom_t D;
    cpwl_regions_opts o;
    int status;
    cpwl_dom_init(D);
    status = cpwl_dom_set_str(D, net->input_dim, box, NULL, line, e);
    if (status == CPWL_OK)
    {
        cpwl_regions_opts_init(&o, ctx);
        o.linear = 1;
        o.maps = o.points = o.verts = maps;
        status = cpwl_regions_compute(R, net, D, &o, e);
        if (status == CPWL_OK && R->stopped != CPWL_REGIONS_DONE)
            status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "stopped early");
    }
    cpwl_dom_clear(D);
    return status;
}

/* Whether a = b on all of R^n, exactly (equiv.h): *equal. */
static int thm_equiv(int *equal, const cpwl_net_t a, const cpwl_net_t b,
                     cpwl_pred_ctx_t ctx, cpwl_err_t e)
{
    cpwl_dom_t D;
    cpwl_regions_opts o;
    cpwl_equiv_t Q;
    int status;
    cpwl_dom_init(D);
    cpwl_dom_set_all(D, a->input_dim);
    cpwl_regions_opts_init(&o, ctx);
    cpwl_equiv_init(Q);
    status = cpwl_equiv_decide(Q, a, b, D, &o, e);
    if (status == CPWL_OK && Q->stopped != CPWL_REGIONS_DONE)
        status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "equivalence undecided");
    *equal = Q->equal;
    cpwl_equiv_clear(Q);
    cpwl_dom_clear(D);
    return status;
}

static int thm_load(cpwl_net_t net, const char *json, cpwl_err_t e)
{
    return cpwl_io_net_read_str(net, json, strlen(json), "(built-in)", e);
}

/* One hidden layer of relus on R^n, hand-written: a cpwl-net text. */
#define NET_HEAD(N) "{\"format\": \"cpwl-net\", \"version\": 1, " \
    "\"input_dim\": " #N ", \"layers\": ["
#define RELU(W, B) "{\"activation\": \"relu\", \"weights\": " W ", " \
    "\"bias\": " B "}, "
#define OUT(W, B) "{\"activation\": \"identity\", \"weights\": " W ", " \
    "\"bias\": " B "}]}"

/* -- sawtooth and the hard family: pieces on [0, 1] and on R -- */

typedef struct
{
    const char *a;              /* k x w, row-major, rows applied first */
    slong w, k;
}
hard_case;

static const hard_case hard_cases[] = {
    {"1/5,3/10,1/2, 1/5,3/10,1/2, 1/5,3/10,1/2", 3, 3},    /* h_a^3 */
    {"1/3,1/3,1/3, 1/5,3/10,1/2", 3, 2},    /* h_a o h_(1/3,1/3,1/3) */
    {"1/2,1/2, 1/2,1/2, 1/2,1/2, 1/2,1/2, 1/2,1/2, 1/2,1/2", 2, 6},
    {"1/2,1/2, 1/2,1/2, 1/2,1/2, 1/2,1/2", 2, 4}
};

static int thm_hard_net(cpwl_net_t net, const hard_case *hc, cpwl_err_t e)
{
    fmpq *a = _fmpq_vec_init(hc->w * hc->k);
    int status = cpwl_io_parse_vector(a, hc->w * hc->k, hc->a, "a", e);
    if (status == CPWL_OK)
        status = cpwl_build_hard(net, a, hc->w, hc->k, e);
    _fmpq_vec_clear(a, hc->w * hc->k);
    return status;
}

static int thm_sawtooth(thm_out *r, slong k, cpwl_pred_ctx_t ctx)
{
    cpwl_net_t net;
    cpwl_regions_t R;
    cpwl_err_t e;
    int ok = 0;
    cpwl_err_init(e);
    cpwl_net_init(net, 1);
    cpwl_regions_init(R, 0, 0, 0);
    if (cpwl_build_sawtooth(net, k, e) != CPWL_OK)
        thm_err(r, "cpwl_build_sawtooth", e);
    else if (thm_regions(R, net, "0:1", NULL, 0, ctx, e) != CPWL_OK)
        thm_err(r, "regions", e);
    else
    {
        snprintf(r->computed, sizeof r->computed, "%ld pieces, size %ld",
                 (long) R->nlinear, (long) cpwl_net_size(net));
        ok = R->nlinear == ((slong) 1 << k)
            || thm_differs(r, "count differs");
    }
    cpwl_regions_clear(R);
    cpwl_net_clear(net);
    return ok;
}

/* arg: 2 * case + (0: [0,1], 1: R); the claim is in the table. */
static int thm_hard(thm_out *r, slong arg, cpwl_pred_ctx_t ctx)
{
    static const slong want[4] = {27, 28, 9, 10};
    cpwl_net_t net;
    cpwl_regions_t R;
    cpwl_err_t e;
    int ok = 0;
    cpwl_err_init(e);
    cpwl_net_init(net, 1);
    cpwl_regions_init(R, 0, 0, 0);
    if (thm_hard_net(net, hard_cases + arg / 2, e) != CPWL_OK)
        thm_err(r, "cpwl_build_hard", e);
    else if (thm_regions(R, net, arg % 2 ? NULL : "0:1", NULL, 0, ctx, e)
             != CPWL_OK)
        thm_err(r, "regions", e);
    else
    {
        snprintf(r->computed, sizeof r->computed, "%ld pieces",
                 (long) R->nlinear);
        ok = R->nlinear == want[arg] || thm_differs(r, "count differs");
    }
    cpwl_regions_clear(R);
    cpwl_net_clear(net);
    return ok;
}

/* The breakpoints and slopes of a net R -> R from its cells on R (maps
   filled): cells sorted by their interior points, a breakpoint wherever
   the slope changes (where the two affine maps meet).  New vectors. */
static void thm_pieces_1d(fmpq **breaks, fmpq **slopes, slong *p,
                          const cpwl_regions_t R)
{
    slong n = R->ncells, i, j, *ord = flint_malloc(n * sizeof(slong));
    for (i = 0; i < n; i++)
    {
        for (j = i; j > 0 && fmpq_cmp(R->cells[ord[j - 1]].point,
                                      R->cells[i].point) > 0; j--)
            ord[j] = ord[j - 1];
        ord[j] = i;
    }
    *breaks = _fmpq_vec_init(FLINT_MAX(n, 1));
    *slopes = _fmpq_vec_init(FLINT_MAX(n, 1));
    *p = 0;
    for (i = 0; i < n; i++)
    {
        const cpwl_regions_cell_struct *c = R->cells + ord[i];
        if (*p > 0 && fmpq_equal(*slopes + *p - 1, c->grad))
            continue;
        if (*p > 0)
        {
            /* g0 t + o0 = g1 t + o1 */
            const cpwl_regions_cell_struct *b = R->cells + ord[i - 1];
            fmpq_t d;
            fmpq_init(d);
            fmpq_sub(*breaks + *p - 1, c->offset, b->offset);
            fmpq_sub(d, b->grad, c->grad);
            fmpq_div(*breaks + *p - 1, *breaks + *p - 1, d);
            fmpq_clear(d);
        }
        fmpq_set(*slopes + *p, c->grad);
        (*p)++;
    }
    flint_free(ord);
}

/* Depth-size gap: the deep net has w^k pieces on [0,1]; one hidden layer
   of s units has at most s + 1 pieces, so it needs >= w^k - 1 units.  The
   1-D size theorem then builds the smallest one-hidden-layer net of the
   same function (from its pieces on R), checked equal to the deep one;
   cpwl_build_pwl1d's exact minimum search takes at most 33 pieces, so for
   larger cases (arg >= 10: case arg - 10) only the bound is reported. */
static int thm_gap(thm_out *r, slong arg, cpwl_pred_ctx_t ctx)
{
    const hard_case *hc = hard_cases + arg % 10;
    cpwl_net_t deep, shallow;
    cpwl_regions_t R, Q;
    cpwl_err_t e;
    fmpq *br = NULL, *sl = NULL;
    fmpq_t v;
    slong p = 0, units = -1, wk = 1, i;
    int ok = 0, equal = 0;
    cpwl_err_init(e);
    cpwl_net_init(deep, 1);
    cpwl_net_init(shallow, 1);
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_regions_init(Q, 0, 0, 0);
    fmpq_init(v);
    for (i = 0; i < hc->k; i++)
        wk *= hc->w;
    if (thm_hard_net(deep, hc, e) != CPWL_OK)
        thm_err(r, "cpwl_build_hard", e);
    else if (thm_regions(R, deep, "0:1", NULL, 0, ctx, e) != CPWL_OK
             || thm_regions(Q, deep, NULL, NULL, 1, ctx, e) != CPWL_OK)
        thm_err(r, "regions", e);
    else if (arg >= 10)
    {
        snprintf(r->computed, sizeof r->computed, "%ld pieces: \u2265 %ld "
                 "units", (long) R->nlinear, (long) R->nlinear - 1);
        ok = (R->nlinear == wk || thm_differs(r, "pieces differ"))
            && (cpwl_net_size(deep) == hc->w * hc->k
                || thm_differs(r, "deep size differs"));
    }
    else
    {
        thm_pieces_1d(&br, &sl, &p, Q);
        cpwl_net_eval_fmpq(v, deep, br);     /* f(t_1), or f(0) when p = 1 */
        if (cpwl_build_pwl1d(shallow, &units, br, p, sl, v, 1, e) != CPWL_OK)
            thm_err(r, "cpwl_build_pwl1d", e);
        else if (thm_equiv(&equal, deep, shallow, ctx, e) != CPWL_OK)
            thm_err(r, "equiv", e);
        else
        {
            snprintf(r->computed, sizeof r->computed, "%ld pieces; min 1 "
                     "layer %ld%s", (long) R->nlinear, (long) units,
                     equal ? ", equal" : "");
            ok = (R->nlinear == wk || thm_differs(r, "pieces differ"))
                && (cpwl_net_size(deep) == hc->w * hc->k
                    || thm_differs(r, "deep size differs"))
                && (units >= wk - 1
                    || thm_differs(r, "shallow net below the bound"))
                && (cpwl_net_size(shallow) == units
                    || thm_differs(r, "size != units"))
                && (equal || thm_differs(r, "shallow != deep"));
        }
    }
    if (br != NULL)
    {
        _fmpq_vec_clear(br, FLINT_MAX(Q->ncells, 1));
        _fmpq_vec_clear(sl, FLINT_MAX(Q->ncells, 1));
    }
    fmpq_clear(v);
    cpwl_regions_clear(R);
    cpwl_regions_clear(Q);
    cpwl_net_clear(deep);
    cpwl_net_clear(shallow);
    return ok;
}

/* -- zonotopes: linear regions of gamma_Z on R^n -- */

typedef struct
{
    const char *gens;           /* m x n row-major */
    slong m, n;
    slong regions;              /* examples.md */
    int generic;                /* = the formula (1) or <= it (0) */
    slong compose;              /* 0; 1, 2: t^compose o gamma_Z with the
                                   tent t of R (sawtooth k = 1, 2); 3: T o
                                   gamma_Z, T the tent with zero tails */
}
zono_case;

static const zono_case zono_cases[] = {
    {"1,0, 0,1, 1,1", 3, 2, 6, 1, 0},
    {"1,0, 0,1, 1,1, 1,-2", 4, 2, 8, 1, 0},
    {"1,0,0, 0,1,0, 0,0,1", 3, 3, 8, 1, 0},
    {"1,0,0, 0,1,0, 0,0,1, 1,1,1", 4, 3, 14, 1, 0},
    {"1,0,0, 0,1,0, 0,0,1, 1,1,1, 1,2,-3", 5, 3, 22, 1, 0},
    {"1,0,0, 0,1,0, 0,0,1, 1,1,0", 4, 3, 12, 0, 0},
    {"1,0, 0,1, 1,1", 3, 2, 12, 1, 1},
    {"1,0, 0,1, 1,1", 3, 2, 13, 1, 3},
    {"1,0, 0,1, 1,1", 3, 2, 25, 1, 2}
};

/* T(y) = 2 relu(y) - 4 relu(y - 1/2) + 2 relu(y - 1) (cpwl_build_pwl1d). */
static int thm_zero_tail_tent(cpwl_net_t net, cpwl_err_t e)
{
    fmpq br[3], sl[4];
    fmpq_t v;
    slong units, i;
    int status;
    for (i = 0; i < 3; i++)
        fmpq_init(br + i);
    for (i = 0; i < 4; i++)
        fmpq_init(sl + i);
    fmpq_init(v);
    fmpq_set_si(br + 1, 1, 2);
    fmpq_set_si(br + 2, 1, 1);
    fmpq_set_si(sl + 1, 2, 1);
    fmpq_set_si(sl + 2, -2, 1);
    status = cpwl_build_pwl1d(net, &units, br, 4, sl, v, 0, e);
    for (i = 0; i < 3; i++)
        fmpq_clear(br + i);
    for (i = 0; i < 4; i++)
        fmpq_clear(sl + i);
    fmpq_clear(v);
    return status;
}

static int thm_zonotope(thm_out *r, slong arg, cpwl_pred_ctx_t ctx)
{
    const zono_case *zc = zono_cases + arg;
    fmpq *b = _fmpq_vec_init(zc->m * zc->n);
    cpwl_net_t z, t, net;
    cpwl_regions_t R;
    cpwl_err_t e;
    fmpz_t f, c;
    slong i;
    int ok = 0;
    cpwl_err_init(e);
    cpwl_net_init(z, zc->n);
    cpwl_net_init(t, 1);
    cpwl_net_init(net, zc->n);
    cpwl_regions_init(R, 0, 0, 0);
    fmpz_init(f);
    fmpz_init(c);
    /* 2 sum_{i<n} C(m-1, i): regions of m generic central hyperplanes */
    for (i = 0; i < zc->n; i++)
    {
        fmpz_bin_uiui(c, zc->m - 1, i);
        fmpz_add(f, f, c);
    }
    fmpz_mul_ui(f, f, 2);
    if (cpwl_io_parse_vector(b, zc->m * zc->n, zc->gens, "generators", e)
        != CPWL_OK || cpwl_build_zonotope(z, b, zc->m, zc->n, e) != CPWL_OK)
        thm_err(r, "cpwl_build_zonotope", e);
    else if (zc->compose > 0
             && ((zc->compose < 3 ? cpwl_build_sawtooth(t, zc->compose, e)
                  : thm_zero_tail_tent(t, e)) != CPWL_OK
                 || cpwl_netalg_compose(net, t, z, e) != CPWL_OK))
        thm_err(r, "t o gamma_Z", e);
    else if (thm_regions(R, zc->compose > 0 ? net : z, NULL, NULL, 0, ctx,
                         e) != CPWL_OK)
        thm_err(r, "regions", e);
    else if (zc->compose > 0)
    {
        snprintf(r->computed, sizeof r->computed, "%ld linear regions",
                 (long) R->nlinear);
        ok = (R->nlinear == zc->regions || thm_differs(r, "count differs"))
            && (zc->compose != 2 || R->nlinear >= 12
                || thm_differs(r, "below the lower bound 12"));
    }
    else
    {
        char *fs = fmpz_get_str(NULL, 10, f);
        snprintf(r->computed, sizeof r->computed, "%ld; formula %s",
                 (long) R->nlinear, fs);
        flint_free(fs);
        ok = (R->nlinear == zc->regions || thm_differs(r, "count differs"))
            && (zc->generic ? fmpz_equal_si(f, R->nlinear)
                || thm_differs(r, "generic: != formula")
                : fmpz_cmp_si(f, R->nlinear) >= 0
                || thm_differs(r, "above the formula"));
    }
    fmpz_clear(f);
    fmpz_clear(c);
    _fmpq_vec_clear(b, zc->m * zc->n);
    cpwl_regions_clear(R);
    cpwl_net_clear(z);
    cpwl_net_clear(t);
    cpwl_net_clear(net);
    return ok;
}

/* -- the 1-D size theorem: cpwl_build_pwl1d against a direct formula -- */

typedef struct
{
    const char *breaks, *slopes, *value;
    slong p;                    /* pieces (slopes) */
    int bias;
    slong units;                /* examples.md */
    const char *formula;        /* the same function, written directly */
}
size1d_case;

static const size1d_case size1d_cases[] = {
    /* relu(x) */
    {"0", "0,1", "0", 2, 1, 1,
     NET_HEAD(1) RELU("[[1]]", "[0]") OUT("[[1]]", "[0]")},
    /* |x| = relu(x) + relu(-x) */
    {"0", "-1,1", "0", 2, 1, 2,
     NET_HEAD(1) RELU("[[1], [-1]]", "[0, 0]") OUT("[[1, 1]]", "[0]")},
    /* tent with zero tails: 2 relu(x) - 4 relu(x - 1/2) + 2 relu(x - 1) */
    {"0,1/2,1", "0,2,-2,0", "0", 4, 1, 3,
     NET_HEAD(1) RELU("[[1], [1], [1]]", "[0, \"-1/2\", -1]")
     OUT("[[2, -4, 2]]", "[0]")},
    /* 1 + |x| without output bias (the formula may have one) */
    {"0", "-1,1", "1", 2, 0, 3,
     NET_HEAD(1) RELU("[[1], [-1]]", "[0, 0]") OUT("[[1, 1]]", "[1]")},
    /* breaks -1, 0, 2, slopes 3, -1, 1/2, 0, f(-1) = 5, the 4-unit net
       9/2 relu(x) - 3 relu(-x) - 4 relu(x + 1) - 1/2 relu(x - 2) + 8;
       the jumps -4 + 3/2 - 1/2 = -3 = -m_0, so p - 1 = 3 units suffice */
    {"-1,0,2", "3,-1,1/2,0", "5", 4, 1, 3,
     NET_HEAD(1) RELU("[[1], [-1], [1], [1]]", "[0, 0, 1, -2]")
     OUT("[[\"9/2\", -3, -4, \"-1/2\"]]", "[8]")}
};

static int thm_size1d(thm_out *r, slong arg, cpwl_pred_ctx_t ctx)
{
    const size1d_case *sc = size1d_cases + arg;
    fmpq *br = _fmpq_vec_init(sc->p), *sl = _fmpq_vec_init(sc->p);
    fmpq_t v;
    cpwl_net_t net, ref;
    cpwl_regions_t R;
    cpwl_err_t e;
    slong units = -1;
    int ok = 0, equal = 0;
    cpwl_err_init(e);
    fmpq_init(v);
    cpwl_net_init(net, 1);
    cpwl_net_init(ref, 1);
    cpwl_regions_init(R, 0, 0, 0);
    if ((sc->p > 1
         && cpwl_io_parse_vector(br, sc->p - 1, sc->breaks, "breaks", e))
        || cpwl_io_parse_vector(sl, sc->p, sc->slopes, "slopes", e)
        || cpwl_io_parse_vector(v, 1, sc->value, "value", e)
        || thm_load(ref, sc->formula, e))
        thm_err(r, "bad case", e);
    else if (cpwl_build_pwl1d(net, &units, br, sc->p, sl, v, sc->bias, e))
        thm_err(r, "cpwl_build_pwl1d", e);
    else if (thm_regions(R, net, NULL, NULL, 0, ctx, e) != CPWL_OK)
        thm_err(r, "regions", e);
    else if (thm_equiv(&equal, net, ref, ctx, e) != CPWL_OK)
        thm_err(r, "equiv", e);
    else
    {
        snprintf(r->computed, sizeof r->computed, "%ld unit%s, %ld pieces%s",
                 (long) units, units == 1 ? "" : "s", (long) R->nlinear,
                 equal ? ", equal" : "");
        ok = (units == sc->units || thm_differs(r, "units differ"))
            && (cpwl_net_size(net) == units || thm_differs(r, "size != units"))
            && (sc->bias || fmpq_is_zero(net->layers[net->nlayers - 1].b)
                || thm_differs(r, "output bias present"))
            && (R->nlinear == sc->p || thm_differs(r, "pieces differ"))
            && (equal || thm_differs(r, "not equal to the formula"));
    }
    _fmpq_vec_clear(br, sc->p);
    _fmpq_vec_clear(sl, sc->p);
    fmpq_clear(v);
    cpwl_regions_clear(R);
    cpwl_net_clear(net);
    cpwl_net_clear(ref);
    return ok;
}

/* -- max of n: depth and value -- */

/* max(y_1, y_2), y_3, ..., y_d (R^d -> R^(d-1)), one hidden layer:
   max(a, b) = (relu(a + b) - relu(-a - b) + relu(a - b) + relu(b - a))/2,
   each carried y_i = relu(y_i) - relu(-y_i). */
static void thm_max_stage(cpwl_net_t net, slong d)
{
    cpwl_net_layer_struct *h, *o;
    slong i;
    cpwl_net_clear(net);
    cpwl_net_init(net, d);
    h = cpwl_net_add_layer(net, CPWL_NET_RELU, 4 + 2 * (d - 2));
    o = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, d - 1);
    fmpq_set_si(fmpq_mat_entry(h->W, 0, 0), 1, 1);
    fmpq_set_si(fmpq_mat_entry(h->W, 0, 1), 1, 1);
    fmpq_set_si(fmpq_mat_entry(h->W, 1, 0), -1, 1);
    fmpq_set_si(fmpq_mat_entry(h->W, 1, 1), -1, 1);
    fmpq_set_si(fmpq_mat_entry(h->W, 2, 0), 1, 1);
    fmpq_set_si(fmpq_mat_entry(h->W, 2, 1), -1, 1);
    fmpq_set_si(fmpq_mat_entry(h->W, 3, 0), -1, 1);
    fmpq_set_si(fmpq_mat_entry(h->W, 3, 1), 1, 1);
    fmpq_set_si(fmpq_mat_entry(o->W, 0, 0), 1, 2);
    fmpq_set_si(fmpq_mat_entry(o->W, 0, 1), -1, 2);
    fmpq_set_si(fmpq_mat_entry(o->W, 0, 2), 1, 2);
    fmpq_set_si(fmpq_mat_entry(o->W, 0, 3), 1, 2);
    for (i = 2; i < d; i++)
    {
        slong u = 4 + 2 * (i - 2);
        fmpq_set_si(fmpq_mat_entry(h->W, u, i), 1, 1);
        fmpq_set_si(fmpq_mat_entry(h->W, u + 1, i), -1, 1);
        fmpq_set_si(fmpq_mat_entry(o->W, i - 1, u), 1, 1);
        fmpq_set_si(fmpq_mat_entry(o->W, i - 1, u + 1), -1, 1);
    }
    cpwl_net_prepare(net);
}

/* n = 2..6: equality decided by equiv on R^n (the reference has depth
   n and the regions of the difference grow fast: n = 6 takes 0.7 s, 7
   about 5 s, 8 about 40 s, too slow for certify; tests/test_build checks
   larger n against direct evaluation). */
static int thm_max(thm_out *r, slong n, cpwl_pred_ctx_t ctx)
{
    cpwl_net_t net, ref, st, tmp;
    cpwl_err_t e;
    slong want = 0, hidden, d;
    int ok = 0, equal = 0, status = CPWL_OK;
    cpwl_err_init(e);
    cpwl_net_init(net, n);
    cpwl_net_init(ref, n);
    cpwl_net_init(st, n);
    cpwl_net_init(tmp, n);
    while (((slong) 1 << want) < n)
        want++;
    if (cpwl_build_max(net, n, 0, e) != CPWL_OK)
    {
        thm_err(r, "cpwl_build_max", e);
        goto done;
    }
    hidden = cpwl_net_depth(net) - 1;
    thm_max_stage(ref, n);
    for (d = n - 1; d >= 2 && status == CPWL_OK; d--)
    {
        thm_max_stage(st, d);
        status = cpwl_netalg_compose(tmp, st, ref, e);
        cpwl_net_swap(tmp, ref);
    }
    if (status != CPWL_OK)
    {
        thm_err(r, "reference", e);
        goto done;
    }
    if (thm_equiv(&equal, net, ref, ctx, e) != CPWL_OK)
    {
        thm_err(r, "equiv", e);
        goto done;
    }
    snprintf(r->computed, sizeof r->computed, "%ld hidden, %s",
             (long) hidden, equal ? "equal" : "differs");
    ok = (hidden == want || thm_differs(r, "depth differs"))
        && (equal || thm_differs(r, "not the maximum"));
done:
    cpwl_net_clear(net);
    cpwl_net_clear(ref);
    cpwl_net_clear(st);
    cpwl_net_clear(tmp);
    return ok;
}

/* -- max(0, x1, x2) needs two hidden layers -- */

/* relu(u1) + relu(u2 - u1), u = relu(x): examples.md, 4 relus. */
static const char max0_json[] =
    NET_HEAD(2) RELU("[[1, 0], [0, 1]]", "[0, 0]")
    RELU("[[1, 0], [-1, 1]]", "[0, 0]") OUT("[[1, 1]]", "[0]");

/* Which of the maps 0, x1, x2 a cell has: 0, 1, 2, or -1 (another). */
static int thm_max0_map(const cpwl_regions_cell_struct *c)
{
    int which = -1, j;
    if (!fmpq_is_zero(c->offset))
        return -1;
    for (j = 0; j < 2; j++)
        if (fmpq_is_one(c->grad + j) && fmpq_is_zero(c->grad + 1 - j))
            which = j + 1;
    if (fmpq_is_zero(c->grad) && fmpq_is_zero(c->grad + 1))
        which = 0;
    return which;
}

/* arg 0: the construction equals cpwl_build_max(2, with zero) and has 2
   hidden layers; 1: 3 linear regions on R^2, maps 0, x1, x2; 2: near
   (1,1) the kink set is the diagonal; 3: (-1,-1) is no kink. */
static int thm_max0(thm_out *r, slong arg, cpwl_pred_ctx_t ctx)
{
    static const char *box[4] = {NULL, NULL, "1/2:3/2,1/2:3/2",
                                 "-3/2:-1/2,-3/2:-1/2"};
    cpwl_net_t net, built;
    cpwl_regions_t R;
    cpwl_err_t e;
    slong i, j;
    int ok = 0, equal = 0, seen[3] = {0, 0, 0};
    cpwl_err_init(e);
    cpwl_net_init(net, 2);
    cpwl_net_init(built, 2);
    cpwl_regions_init(R, 0, 0, 0);
    if (thm_load(net, max0_json, e) != CPWL_OK)
        thm_err(r, "formula", e);
    else if (arg == 0)
    {
        if (cpwl_build_max(built, 2, 1, e) != CPWL_OK)
            thm_err(r, "cpwl_build_max", e);
        else if (thm_equiv(&equal, built, net, ctx, e) != CPWL_OK)
            thm_err(r, "equiv", e);
        else
        {
            snprintf(r->computed, sizeof r->computed, "%ld hidden, %s",
                     (long) cpwl_net_depth(built) - 1,
                     equal ? "equal" : "differs");
            ok = (cpwl_net_depth(built) == 3 || thm_differs(r, "depth differs"))
                && (equal || thm_differs(r, "not equal"));
        }
    }
    else if (thm_regions(R, net, box[arg], NULL, 1, ctx, e) != CPWL_OK)
        thm_err(r, "regions", e);
    else
    {
        int maps_ok = 1, side_ok = 1;
        for (i = 0; i < R->ncells; i++)
        {
            const cpwl_regions_cell_struct *c = R->cells + i;
            int w = thm_max0_map(c);
            if (w < 0)
            {
                maps_ok = 0;
                continue;
            }
            seen[w] = 1;
            /* f = x1 only where x1 >= x2, f = x2 only where x2 >= x1 */
            for (j = 0; w > 0 && j < c->nverts; j++)
                if (fmpq_cmp(c->verts + 2 * j + (w - 1),
                             c->verts + 2 * j + (2 - w)) < 0)
                    side_ok = 0;
        }
        snprintf(r->computed, sizeof r->computed, "%ld linear: %s%s%s",
                 (long) R->nlinear, seen[0] ? "0 " : "", seen[1] ? "x1 " : "",
                 seen[2] ? "x2" : "");
        if (arg == 1)
            ok = (R->nlinear == 3 || thm_differs(r, "count differs"))
                && ((maps_ok && seen[0] && seen[1] && seen[2])
                    || thm_differs(r, "maps differ"));
        else if (arg == 2)
            ok = (R->nlinear == 2 || thm_differs(r, "count differs"))
                && ((maps_ok && !seen[0] && seen[1] && seen[2] && side_ok)
                    || thm_differs(r, "not split along x1 = x2"));
        else
            ok = (R->nlinear == 1 || thm_differs(r, "count differs"))
                && ((maps_ok && seen[0] && !seen[1] && !seen[2])
                    || thm_differs(r, "map differs"));
    }
    cpwl_regions_clear(R);
    cpwl_net_clear(net);
    cpwl_net_clear(built);
    return ok;
}

/* -- bounds on activation regions (examples.md table) -- */

typedef struct
{
    slong n0, L, w[3];
    slong serra, naive;
}
bounds_case;

static const bounds_case bounds_cases[] = {
    {1, 3, {2, 2, 2}, 27, 27},
    {2, 2, {3, 3, 0}, 40, 49},
    {2, 2, {4, 4, 0}, 121, 121},
    {3, 3, {6, 6, 6}, 74088, 74088}
};

static int thm_bounds(thm_out *r, slong arg, cpwl_pred_ctx_t ctx)
{
    const bounds_case *bc = bounds_cases + arg;
    fmpz_t s, n;
    int ok;
    (void) ctx;
    fmpz_init(s);
    fmpz_init(n);
    cpwl_bounds_serra(s, bc->n0, bc->w, bc->L);
    cpwl_bounds_naive(n, bc->n0, bc->w, bc->L);
    {
        char *ss = fmpz_get_str(NULL, 10, s), *ns = fmpz_get_str(NULL, 10, n);
        snprintf(r->computed, sizeof r->computed, "%s, %s", ss, ns);
        flint_free(ss);
        flint_free(ns);
    }
    ok = (fmpz_equal_si(s, bc->serra) || thm_differs(r, "Serra differs"))
        && (fmpz_equal_si(n, bc->naive) || thm_differs(r, "naive differs"));
    fmpz_clear(s);
    fmpz_clear(n);
    return ok;
}

/* -- exact ERM (erm.h): optima and dichotomies (examples.md) -- */

/* One hidden layer R -> R, with or without an output bias. */
#define ERM_NET(B) "{\"format\": \"cpwl-net\", \"version\": 1, " \
    "\"input_dim\": 1, \"output_bias\": " B ", \"layers\": ["

typedef struct
{
    const char *data;           /* CSV rows "x,y" */
    slong width;
    cpwl_qp_loss loss;
    int bias;
    const char *optimum;        /* examples.md */
    const char *witness;        /* a network of the class attaining it */
}
erm_case;

static const char erm_v[] = "-1,1\n0,0\n1,1\n";
static const char erm_id[] = "-2,-2\n-1,-1\n1,1\n3,3\n";

static const erm_case erm_cases[] = {
    /* relu(0 x + 2/3) */
    {erm_v, 1, CPWL_QP_SQUARED, 0, "2/3",
     ERM_NET("false") RELU("[[0]]", "[\"2/3\"]") OUT("[[1]]", "[0]")},
    /* 1/2 + relu(x - 1/2) */
    {erm_v, 1, CPWL_QP_SQUARED, 1, "1/2",
     ERM_NET("true") RELU("[[1]]", "[\"-1/2\"]") OUT("[[1]]", "[\"1/2\"]")},
    /* relu(x): residuals 1, 0, 0 */
    {erm_v, 1, CPWL_QP_L1, 0, "1",
     ERM_NET("false") RELU("[[1]]", "[0]") OUT("[[1]]", "[0]")},
    {erm_v, 1, CPWL_QP_L1, 1, "1",
     ERM_NET("true") RELU("[[1]]", "[0]") OUT("[[1]]", "[0]")},
    /* relu(x) - relu(-x) = x */
    {erm_id, 2, CPWL_QP_L1, 0, "0",
     ERM_NET("false") RELU("[[1], [-1]]", "[0, 0]") OUT("[[1, -1]]", "[0]")},
    /* relu(x): residuals 2, 1, 0, 0 */
    {erm_id, 1, CPWL_QP_L1, 0, "3",
     ERM_NET("false") RELU("[[1]]", "[0]") OUT("[[1]]", "[0]")},
    {erm_id, 1, CPWL_QP_SQUARED, 0, "5",
     ERM_NET("false") RELU("[[1]]", "[0]") OUT("[[1]]", "[0]")},
    /* -2 + relu(x + 2) = x on x >= -2 */
    {erm_id, 1, CPWL_QP_SQUARED, 1, "0",
     ERM_NET("true") RELU("[[1]]", "[2]") OUT("[[1]]", "[-2]")},
    {erm_id, 1, CPWL_QP_L1, 1, "0",
     ERM_NET("true") RELU("[[1]]", "[2]") OUT("[[1]]", "[-2]")}
};

/* Write the certificate of r to memory and verify it: *ok when it checks
   and certifies the optimum of r for the problem of o. */
static int thm_erm_cert(int *ok, const cpwl_erm_result_t r, const cpwl_erm_data_t data,
                        const cpwl_erm_opts *o, cpwl_pred_ctx_t ctx, cpwl_err_t e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cpwl_erm_opts pb;
    fmpq_t opt;
    int st;
    *ok = 0;
    if (f == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "open_memstream failed");
    st = cpwl_erm_certificate_write(f, r, data, o);
    if (fclose(f) != 0 || st != CPWL_OK)
        st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write the certificate");
    fmpq_init(opt);
    cpwl_erm_opts_init(&pb, ctx);
    if (st == CPWL_OK)
        st = cpwl_erm_certificate_verify(opt, &pb, data, buf, len,
                                         "(certificate)", ctx, e);
    if (st == CPWL_OK)
        *ok = fmpq_equal(opt, r->optimum) && pb.width == o->width
            && pb.loss == o->loss && pb.output_bias == o->output_bias;
    fmpq_clear(opt);
    free(buf);
    return st;
}

/* The exact optimum (cpwl_erm_solve) against the claim, its certificate
   verified, and the claim attained by the witness network. */
static int thm_erm(thm_out *r, slong arg, cpwl_pred_ctx_t ctx)
{
    const erm_case *ec = erm_cases + arg;
    cpwl_erm_data_t data;
    cpwl_erm_opts o;
    cpwl_erm_result_t res;
    cpwl_net_t wit;
    fmpq_t want, wl;
    cpwl_err_t e;
    int ok = 0, cert = 0;
    cpwl_err_init(e);
    cpwl_erm_data_init(data);
    cpwl_erm_result_init(res);
    cpwl_net_init(wit, 1);
    fmpq_init(want);
    fmpq_init(wl);
    cpwl_erm_opts_init(&o, ctx);
    o.loss = ec->loss;
    o.width = ec->width;
    o.output_bias = ec->bias;
    o.certificate = 1;
    o.threads = 1;
    if (cpwl_erm_data_read_str(data, ec->data, strlen(ec->data), "(data)", e)
        || cpwl_io_parse_vector(want, 1, ec->optimum, "optimum", e)
        || thm_load(wit, ec->witness, e))
        thm_err(r, "bad case", e);
    else if (cpwl_erm_solve(res, data, &o, e) != CPWL_OK)
        thm_err(r, "cpwl_erm_solve", e);
    else if (res->stopped || !res->have_sol)
        thm_differs(r, "no optimum");
    else if (thm_erm_cert(&cert, res, data, &o, ctx, e) != CPWL_OK)
        thm_err(r, "certificate", e);
    else
    {
        char *s = fmpq_get_str(NULL, 10, res->optimum);
        snprintf(r->computed, sizeof r->computed, "%s%s", s,
                 cert ? "; certificate verified" : "");
        flint_free(s);
        cpwl_erm_net_loss(wl, wit, data, ec->loss);
        ok = (fmpq_equal(res->optimum, want)
              || thm_differs(r, "optimum differs"))
            && (cert || thm_differs(r, "certificate does not check"))
            && ((cpwl_net_depth(wit) == 2 && cpwl_net_size(wit) <= ec->width
                 && wit->output_bias == ec->bias)
                || thm_differs(r, "witness not of the class"))
            && (fmpq_equal(wl, want)
                || thm_differs(r, "witness loss differs"));
    }
    fmpq_clear(want);
    fmpq_clear(wl);
    cpwl_net_clear(wit);
    cpwl_erm_result_clear(res);
    cpwl_erm_data_clear(data);
    return ok;
}

/* Dichotomies of D points (t, t^2, ..., t^n), t = 1..D, on the moment
   curve (in general position), by affine hyperplanes: the nonempty ones
   from cpwl_erm_dichotomies, plus the empty one, against the claim and Cover's
   count 2 sum_{i<=n} C(D-1, i). */
typedef struct
{
    slong D, n, count;          /* examples.md */
}
dich_case;

static const dich_case dich_cases[] = {
    {4, 1, 8}, {4, 2, 14}, {5, 2, 22}, {5, 3, 30}, {6, 2, 32}
};

static int thm_dich(thm_out *r, slong arg, cpwl_pred_ctx_t ctx)
{
    const dich_case *dc = dich_cases + arg;
    char text[400];
    size_t len = 0;
    cpwl_erm_data_t data;
    cpwl_erm_dich_t S;
    fmpz_t f, c;
    cpwl_err_t e;
    slong t, i, p;
    int ok = 0;
    cpwl_err_init(e);
    cpwl_erm_data_init(data);
    cpwl_erm_dich_init(S);
    fmpz_init(f);
    fmpz_init(c);
    for (i = 0; i <= dc->n; i++)
    {
        fmpz_bin_uiui(c, dc->D - 1, i);
        fmpz_add(f, f, c);
    }
    fmpz_mul_ui(f, f, 2);
    /* rows "t,t^2,...,t^n,0" (the cases are small: they fit) */
    for (t = 1; t <= dc->D && len < sizeof text; t++)
    {
        for (i = 1, p = t; i <= dc->n && len < sizeof text; i++, p *= t)
            len += snprintf(text + len, sizeof text - len, "%ld,", (long) p);
        if (len < sizeof text)
            len += snprintf(text + len, sizeof text - len, "0\n");
    }
    if (len >= sizeof text)
        thm_differs(r, "case too large");
    else if (cpwl_erm_data_read_str(data, text, len, "(moment curve)", e))
        thm_err(r, "bad case", e);
    else if (cpwl_erm_dichotomies(S, data, ctx, e) != CPWL_OK)
        thm_err(r, "cpwl_erm_dichotomies", e);
    else
    {
        char *fs = fmpz_get_str(NULL, 10, f);
        snprintf(r->computed, sizeof r->computed, "%ld (%ld nonempty); "
                 "formula %s", (long) S->count + 1, (long) S->count, fs);
        flint_free(fs);
        ok = (S->count + 1 == dc->count || thm_differs(r, "count differs"))
            && (fmpz_equal_si(f, dc->count)
                || thm_differs(r, "claim != formula"));
    }
    fmpz_clear(f);
    fmpz_clear(c);
    cpwl_erm_dich_clear(S);
    cpwl_erm_data_clear(data);
    return ok;
}

const thm_claim thm_claims[] = {
    {"sawtooth", "k = 1: 2 pieces on [0,1]", thm_sawtooth, 1},
    {"sawtooth", "k = 2: 4 pieces on [0,1]", thm_sawtooth, 2},
    {"sawtooth", "k = 3: 8 pieces on [0,1]", thm_sawtooth, 3},
    {"sawtooth", "k = 4: 16 pieces on [0,1]", thm_sawtooth, 4},
    {"sawtooth", "k = 5: 32 pieces on [0,1]", thm_sawtooth, 5},
    {"sawtooth", "k = 6: 64 pieces on [0,1]", thm_sawtooth, 6},
    {"hard", "h_a\u2218h_a\u2218h_a, a = (1/5,3/10,1/2): 27 on [0,1]",
     thm_hard, 0},
    {"hard", "h_a\u2218h_a\u2218h_a: 28 pieces on R", thm_hard, 1},
    {"hard", "h_a\u2218h_(1/3,1/3,1/3): 9 pieces on [0,1]", thm_hard, 2},
    {"hard", "h_a\u2218h_(1/3,1/3,1/3): 10 pieces on R", thm_hard, 3},
    {"depth-gap", "h_a^3, w=3, k=3 (size 9): 27 pcs, 1 layer \u2265 26",
     thm_gap, 0},
    {"depth-gap", "sawtooth w=2, k=4 (size 8): 16 pcs, 1 layer \u2265 15",
     thm_gap, 3},
    {"depth-gap", "sawtooth w=2, k=6 (size 12): 64, 1 layer \u2265 63",
     thm_gap, 12},
    {"zonotope", "(1,0),(0,1),(1,1): 6 = 2\u03a3_{i<2}C(2,i)",
     thm_zonotope, 0},
    {"zonotope", "+ (1,-2): 8 = 2\u03a3_{i<2}C(3,i)", thm_zonotope, 1},
    {"zonotope", "e1,e2,e3 in R^3: 8 = 2\u03a3_{i<3}C(2,i)", thm_zonotope,
     2},
    {"zonotope", "e1,e2,e3,(1,1,1): 14 = 2\u03a3_{i<3}C(3,i)",
     thm_zonotope, 3},
    {"zonotope", "+ (1,2,-3): 22 = 2\u03a3_{i<3}C(4,i)", thm_zonotope, 4},
    {"zonotope", "e1,e2,e3,(1,1,0): 12 \u2264 14 (degenerate)",
     thm_zonotope, 5},
    {"zonotope", "t\u2218\u03b3_Z, Z = (1,0),(0,1),(1,1): 12",
     thm_zonotope, 6},
    {"zonotope", "T\u2218\u03b3_Z, T the tent with zero tails: 13",
     thm_zonotope, 7},
    {"zonotope", "t\u2218t\u2218\u03b3_Z: 25 \u2265 12 (paper: 3\u00b74)",
     thm_zonotope, 8},
    {"size1d", "relu: 1 unit", thm_size1d, 0},
    {"size1d", "|x|: 2 units", thm_size1d, 1},
    {"size1d", "tent, zero tails: 3 units", thm_size1d, 2},
    {"size1d", "1 + |x|, no output bias: 3 units", thm_size1d, 3},
    {"size1d", "T=(-1,0,2), M=(3,-1,1/2,0): 3 units = p - 1",
     thm_size1d, 4},
    {"max", "n = 2: 1 hidden layer, = max", thm_max, 2},
    {"max", "n = 3: 2 hidden layers, = max", thm_max, 3},
    {"max", "n = 4: 2 hidden layers, = max", thm_max, 4},
    {"max", "n = 5: 3 hidden layers, = max", thm_max, 5},
    {"max", "n = 6: 3 hidden layers, = max", thm_max, 6},
    {"max0", "max(0,x1,x2) = relu(u1)+relu(u2-u1): 2 hidden",
     thm_max0, 0},
    {"max0", "3 linear regions on R^2: 0, x1, x2", thm_max0, 1},
    {"max0", "near (1,1): kink exactly on x1 = x2", thm_max0, 2},
    {"max0", "near (-1,-1): no kink (ray ends) \u21d2 not 1 layer",
     thm_max0, 3},
    {"bounds", "n0 = 1, widths 2,2,2: Serra 27, naive 27", thm_bounds, 0},
    {"bounds", "n0 = 2, widths 3,3: Serra 40, naive 49", thm_bounds, 1},
    {"bounds", "n0 = 2, widths 4,4: Serra 121, naive 121", thm_bounds, 2},
    {"bounds", "n0 = 3, widths 6,6,6: Serra = naive = 74088", thm_bounds,
     3},
    {"erm", "(-1,1),(0,0),(1,1), w = 1, squared: 2/3", thm_erm, 0},
    {"erm", "(-1,1),(0,0),(1,1), w = 1, squared, bias: 1/2", thm_erm, 1},
    {"erm", "(-1,1),(0,0),(1,1), w = 1, l1: 1", thm_erm, 2},
    {"erm", "(-1,1),(0,0),(1,1), w = 1, l1, bias: 1", thm_erm, 3},
    {"erm", "x = y = (-2,-1,1,3), w = 2, l1: 0", thm_erm, 4},
    {"erm", "x = y = (-2,-1,1,3), w = 1, l1: 3", thm_erm, 5},
    {"erm", "x = y = (-2,-1,1,3), w = 1, squared: 5", thm_erm, 6},
    {"erm", "x = y = (-2,-1,1,3), w = 1, squared, bias: 0", thm_erm, 7},
    {"erm", "x = y = (-2,-1,1,3), w = 1, l1, bias: 0", thm_erm, 8},
    {"erm", "D = 4 in R^1: 8 dichotomies = 2\u03a3_{i\u22641}C(3,i)",
     thm_dich, 0},
    {"erm", "D = 4 in R^2: 14 dichotomies = 2\u03a3_{i\u22642}C(3,i)",
     thm_dich, 1},
    {"erm", "D = 5 in R^2: 22 dichotomies = 2\u03a3_{i\u22642}C(4,i)",
     thm_dich, 2},
    {"erm", "D = 5 in R^3: 30 dichotomies = 2\u03a3_{i\u22643}C(4,i)",
     thm_dich, 3},
    {"erm", "D = 6 in R^2: 32 dichotomies = 2\u03a3_{i\u22642}C(5,i)",
     thm_dich, 4},
    {NULL, NULL, NULL, 0}
};
