/* cpwl certify: the built-in examples, each claim checked exactly.

   Values come from outside the code: the tent map and its compositions
   from their closed forms (Telgarsky's sawtooth construction, as in
   ../shared/examples.md), the other examples from hand computation written
   down in docs/examples.md.  Each point is also checked three ways
   (cpwl_net_check_point). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "certify.h"

typedef struct
{
    const char *example;
    const char *at;
    const char *value;          /* exact output, comma list */
    const char *pattern;        /* expected pattern, or NULL */
}
claim;

static const claim claims[] = {
    {"tent", "0", "0", "00"},
    {"tent", "1/4", "1/2", "10"},
    {"tent", "1/3", "2/3", "10"},
    {"tent", "1/2", "1", "10"},      /* z = 0 at the kink: off */
    {"tent", "3/4", "1/2", "11"},
    {"tent", "1", "0", "11"},
    {"tent3", "0", "0", NULL},
    {"tent3", "1/16", "1/2", NULL},
    {"tent3", "1/8", "1", NULL},
    {"tent3", "3/16", "1/2", NULL},
    {"tent3", "1/4", "0", NULL},
    {"tent3", "1/3", "2/3", NULL},
    {"degenerate2d", "0,0", "0", "000000"},
    {"degenerate2d", "1,0", "2", "101110"},
    {"degenerate2d", "1,1", "1", "111010"},
    {"degenerate2d", "-1,2", "1", "011000"},
    {"degenerate2d", "1/3,-1/2", "3/2", "100110"},
    {"leaky", "-1", "1/10", "00"},
    {"leaky", "0", "1/10", "00"},
    {"leaky", "1/2", "11/20", "10"},
    {"leaky", "1", "1", "10"},
    {"leaky", "3", "1", "11"},
    {NULL, NULL, NULL, NULL}
};

/* Region counts: tent and tent3 from examples.md (t^k has 2^k pieces on
   [0,1] and 3, 6, 10, ... on R); degenerate2d: four distinct lines through
   the origin make 8 sectors, and f kinks across each (docs/examples.md);
   leaky: breakpoints 0 and 1 with slopes 0, 9/10, 0. */
typedef struct
{
    const char *example;
    const char *box;            /* NULL: all of R^n */
    slong activation, linear;
}
region_claim;

static const region_claim region_claims[] = {
    {"tent", "0:1", 2, 2},
    {"tent", NULL, 3, 3},
    {"tent3", "0:1", 8, 8},
    {"tent3", NULL, 10, 10},
    {"degenerate2d", NULL, 8, 8},
    {"degenerate2d", "-1:1,-1:1", 8, 8},
    {"leaky", NULL, 3, 3},
    {NULL, NULL, 0, 0}
};

static const cli_example *find_example(const char *name)
{
    const cli_example *ex;
    for (ex = cli_examples; ex->name != NULL; ex++)
        if (strcmp(ex->name, name) == 0)
            return ex;
    return NULL;
}

static int selected(const char *name, char **names, int nnames)
{
    int i;
    if (nnames == 0)
        return 1;
    for (i = 0; i < nnames; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* Check one claim; fills `computed` and `why`; returns 1 if it holds. */
static int check_claim(char *computed, size_t clen, char *why, size_t wlen,
                       const claim *cl, cpwl_pred_ctx_t ctx)
{
    const cli_example *ex = find_example(cl->example);
    cpwl_net_t net;
    cpwl_err_t e;
    fmpq *x = NULL, *y = NULL, *want = NULL;
    slong n = 0, m = 0, i;
    unsigned char *state = NULL;
    char *pat = NULL;
    int ok = 0;
    cpwl_net_check_struct chk;

    cpwl_err_init(e);
    cpwl_net_init(net, 0);
    computed[0] = why[0] = '\0';
    if (ex == NULL
        || cpwl_io_net_read_str(net, ex->json, strlen(ex->json), ex->name, e))
    {
        snprintf(why, wlen, "cannot load: %.200s", e->msg);
        cpwl_net_clear(net);
        return 0;
    }
    n = net->input_dim;
    m = cpwl_net_output_dim(net);
    x = _fmpq_vec_init(n);
    y = _fmpq_vec_init(m);
    want = _fmpq_vec_init(m);
    if (cpwl_io_parse_vector(x, n, cl->at, "point", e)
        || cpwl_io_parse_vector(want, m, cl->value, "value", e))
    {
        snprintf(why, wlen, "bad claim: %.200s", e->msg);
        goto done;
    }
    cpwl_net_eval_fmpq(y, net, x);
    state = flint_malloc(FLINT_MAX(1, cpwl_net_num_states(net)));
    cpwl_net_check_point(&chk, state, net, x, ctx, 128);
    pat = cpwl_net_pattern_str(state, net);
    {
        char *s = fmpq_get_str(NULL, 10, y);
        snprintf(computed, clen, "%s%s%s", s, cl->pattern ? ", " : "",
                 cl->pattern ? pat : "");
        flint_free(s);
    }

    ok = 1;
    for (i = 0; i < m; i++)
        ok &= fmpq_equal(y + i, want + i);
    if (!ok)
        snprintf(why, wlen, "value differs");
    else if (cl->pattern != NULL && strcmp(pat, cl->pattern) != 0)
    {
        ok = 0;
        snprintf(why, wlen, "pattern differs");
    }
    else if (!cpwl_net_check_passed(&chk))
    {
        ok = 0;
        snprintf(why, wlen, "three-way check failed:%s%s%s",
                 chk.arb_contains ? "" : " arb ball misses exact",
                 !chk.double_ok || chk.double_within ? ""
                 : " double outside its bound",
                 chk.pattern_agrees ? "" : " predicate pattern != exact");
    }

done:
    flint_free(pat);
    flint_free(state);
    _fmpq_vec_clear(x, n);
    _fmpq_vec_clear(y, m);
    _fmpq_vec_clear(want, m);
    cpwl_net_clear(net);
    return ok;
}

/* Count the regions of an example, by the method of its dimension and
   (for d >= 2) also by the n-D method, which must agree. */
static int check_region_claim(char *computed, size_t clen, char *why,
                              size_t wlen, const region_claim *cl,
                              cpwl_pred_ctx_t ctx)
{
    const cli_example *ex = find_example(cl->example);
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_regions_t R, Q;
    cpwl_regions_opts o;
    cpwl_err_t e;
    int ok = 0;

    cpwl_err_init(e);
    cpwl_net_init(net, 0);
    cpwl_dom_init(D);
    cpwl_regions_init(R, 0, 0, 0);
    cpwl_regions_init(Q, 0, 0, 0);
    computed[0] = why[0] = '\0';
    if (ex == NULL
        || cpwl_io_net_read_str(net, ex->json, strlen(ex->json), ex->name, e)
        || cpwl_dom_set_str(D, net->input_dim, cl->box, NULL, NULL, e))
    {
        snprintf(why, wlen, "cannot load: %.200s", e->msg);
        goto done;
    }
    cpwl_regions_opts_init(&o, ctx);
    o.linear = 1;
    o.method = CPWL_REGIONS_AUTO;
    if (cpwl_regions_compute(R, net, D, &o, e) != CPWL_OK)
    {
        snprintf(why, wlen, "%.200s", e->msg);
        goto done;
    }
    o.method = CPWL_REGIONS_ND;
    if (cpwl_regions_compute(Q, net, D, &o, e) != CPWL_OK)
    {
        snprintf(why, wlen, "n-D path: %.200s", e->msg);
        goto done;
    }
    snprintf(computed, clen, "%ld, %ld", (long) R->ncells, (long) R->nlinear);
    ok = R->ncells == cl->activation && R->nlinear == cl->linear;
    if (!ok)
        snprintf(why, wlen, "count differs");
    else if (Q->ncells != R->ncells || Q->nlinear != R->nlinear)
    {
        ok = 0;
        snprintf(why, wlen, "n-D path gives %ld, %ld", (long) Q->ncells,
                 (long) Q->nlinear);
    }
done:
    cpwl_regions_clear(R);
    cpwl_regions_clear(Q);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
    return ok;
}

/* The theorem examples are in certify_thm.c, the chapter claims in
   certify_conv.c (chapter 5), certify_tron.c (chapter 3) and
   certify_ae.c (chapter 4) and certify_pb.c (chapter 6), certify.h. */

static const certify_claim_set claim_sets[] = {
    {certify_conv_claims, certify_conv_check,
     "  Chapter 5: Arb iterates (128 bits) against hand-derived steps and "
     "closed forms (docs/convergence.md)."},
    {certify_tron_claims, certify_tron_check,
     "  Chapter 3: exact Tron iterates and its certificate against hand "
     "derivations (docs/tron.md)."},
    {certify_ae_claims, certify_ae_check,
     "  Chapter 4: exact support-recovery windows, loss and gradient "
     "against hand derivations (docs/autoencoder.md)."},
    {certify_pb_claims, certify_pb_check,
     "  Chapter 6: Arb enclosures (256 bits) of kl inverses, bounds and "
     "Gaussian KLs against closed forms (docs/pacbayes.md)."},
    {NULL, NULL, NULL}
};

static int thm_name_known(const char *name)
{
    const thm_claim *t;
    const certify_claim_set *cs;
    const certify_claim *c;
    for (t = thm_claims; t->example != NULL; t++)
        if (strcmp(t->example, name) == 0)
            return 1;
    for (cs = claim_sets; cs->claims != NULL; cs++)
        for (c = cs->claims; c->example != NULL; c++)
            if (strcmp(c->example, name) == 0)
                return 1;
    return 0;
}

/* Print s padded with blanks to `width` characters (UTF-8 aware). */
static void put_padded(const char *s, int width)
{
    int n = 0;
    const char *p;
    for (p = s; *p; p++)
        n += ((unsigned char) *p & 0xC0) != 0x80;
    fputs(s, stdout);
    for (; n < width; n++)
        putchar(' ');
}

/* One row of the table (or one JSON object of the "claims" list). */
static void print_row(int json, int first, const char *example,
                      const char *claimtxt, const char *computed, int ok,
                      const char *why, double secs)
{
    if (json)
    {
        char *ct = cpwl_io_json_quote(claimtxt), *cp = cpwl_io_json_quote(computed);
        printf("%s\n  {\"example\": \"%s\", \"claim\": %s, \"computed\": "
               "%s, \"holds\": %s, \"seconds\": %.6f}", first ? "" : ",",
               example, ct, cp, ok ? "true" : "false", secs);
        flint_free(ct);
        flint_free(cp);
    }
    else
    {
        put_padded(example, 13);
        putchar(' ');
        put_padded(claimtxt, 48);
        putchar(' ');
        put_padded(computed, 32);
        printf(" %s     %7.3f%s%s\n", ok ? "\u2713" : "\u2717", secs,
               why[0] ? "  " : "", why);
    }
}

int cmd_certify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"list", no_argument, NULL, 'l'},
        {"all", no_argument, NULL, 'a'},
        {NULL, 0, NULL, 0}
    };
    int json = 0, list = 0, all = 0, c, i, nnames, pass = 0, fail = 0;
    int npoint = 0, nregion = 0, ntheorem = 0, nerm = 0;
    int nset[sizeof claim_sets / sizeof claim_sets[0]] = {0};
    const certify_claim_set *cs;
    char **names;
    const claim *cl;
    cpwl_pred_ctx_t ctx;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
    {
        if (c == 'j')
            json = 1;
        else if (c == 'l')
            list = 1;
        else if (c == 'a')
            all = 1;
        else
            return cli_bad_option("certify", c, argv);
    }
    names = argv + optind;
    nnames = argc - optind;
    if (all && nnames > 0)
        return cli_usage("certify", "--all or example names, not both");
    for (i = 0; i < nnames; i++)
        if (find_example(names[i]) == NULL && !thm_name_known(names[i]))
            return cli_usage("certify", "no built-in example \"%.40s\" (try "
                             "--list)", names[i]);
    if (list)
    {
        const cli_example *ex;
        const thm_claim *t;
        for (ex = cli_examples; ex->name != NULL; ex++)
            printf("%s\n", ex->name);
        for (t = thm_claims; t->example != NULL; t++)
            if (t == thm_claims || strcmp(t->example, t[-1].example) != 0)
                printf("%s\n", t->example);
        for (cs = claim_sets; cs->claims != NULL; cs++)
            for (i = 0; cs->claims[i].example != NULL; i++)
                if (i == 0 || strcmp(cs->claims[i].example,
                                     cs->claims[i - 1].example) != 0)
                    printf("%s\n", cs->claims[i].example);
        return CPWL_OK;
    }

    cpwl_pred_ctx_init(ctx);
    if (json)
        printf("{\"claims\": [");
    else
    {
        put_padded("example", 13);
        putchar(' ');
        put_padded("claim", 48);
        putchar(' ');
        put_padded("computed", 32);
        printf(" holds seconds\n");
    }
    for (cl = claims; cl->example != NULL; cl++)
    {
        char computed[200], why[300], claimtxt[200];
        clock_t t0 = clock();
        int ok;
        double secs;
        if (!selected(cl->example, names, nnames))
            continue;
        ok = check_claim(computed, sizeof(computed), why, sizeof(why), cl,
                         ctx);
        npoint++;
        secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
        ok ? pass++ : fail++;
        snprintf(claimtxt, sizeof(claimtxt), "f(%s) = %s%s%s", cl->at,
                 cl->value, cl->pattern ? ", pattern " : "",
                 cl->pattern ? cl->pattern : "");
        print_row(json, pass + fail == 1, cl->example, claimtxt, computed,
                  ok, why, secs);
    }
    for (i = 0; region_claims[i].example != NULL; i++)
    {
        const region_claim *rc = region_claims + i;
        char computed[200], why[300], claimtxt[200];
        clock_t t0 = clock();
        int ok;
        double secs;
        if (!selected(rc->example, names, nnames))
            continue;
        ok = check_region_claim(computed, sizeof(computed), why, sizeof(why),
                                rc, ctx);
        nregion++;
        secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
        ok ? pass++ : fail++;
        snprintf(claimtxt, sizeof(claimtxt), "regions on %s: %ld, %ld",
                 rc->box ? rc->box : "R^n", (long) rc->activation,
                 (long) rc->linear);
        print_row(json, pass + fail == 1, rc->example, claimtxt, computed,
                  ok, why, secs);
    }
    for (i = 0; thm_claims[i].example != NULL; i++)
    {
        const thm_claim *t = thm_claims + i;
        thm_out r;
        clock_t t0 = clock();
        int ok;
        double secs;
        if (!selected(t->example, names, nnames))
            continue;
        r.computed[0] = r.why[0] = '\0';
        ok = t->fn(&r, t->arg, ctx);
        ntheorem++;
        nerm += strcmp(t->example, "erm") == 0;
        secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
        ok ? pass++ : fail++;
        print_row(json, pass + fail == 1, t->example, t->claim, r.computed,
                  ok, r.why, secs);
    }
    for (cs = claim_sets; cs->claims != NULL; cs++)
        for (i = 0; cs->claims[i].example != NULL; i++)
        {
            const certify_claim *cc = cs->claims + i;
            char computed[200], why[300];
            clock_t t0 = clock();
            int ok;
            double secs;
            if (!selected(cc->example, names, nnames))
                continue;
            ok = cs->check(computed, sizeof computed, why, sizeof why, i);
            nset[cs - claim_sets]++;
            secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
            ok ? pass++ : fail++;
            print_row(json, pass + fail == 1, cc->example, cc->claim,
                      computed, ok, why, secs);
        }
    if (json)
        printf("\n], \"passed\": %d, \"failed\": %d, \"stats\": {\"double\": "
               "%lu, \"arb\": %lu, \"exact\": %lu}}\n", pass, fail,
               ctx->by_double, ctx->by_arb, ctx->by_exact);
    else
    {
        printf("\n%d claims: %d hold, %d fail.", pass + fail, pass, fail);
        if (npoint > 0)
            printf("  Each point also checked three ways (Arb ball contains "
                   "the exact value, double within its proven bound, "
                   "predicate pattern = exact pattern).");
        if (nregion > 0)
            printf("  Region counts (activation, linear) also by the n-D "
                   "algorithm.");
        if (ntheorem > nerm)
            printf("  Theorem examples: networks built by the constructions,"
                   " counted and compared exactly (docs/examples.md).");
        if (nerm > 0)
            printf("  ERM: exact global optima (cpwl_erm_solve), each "
                   "certificate verified and each value attained by a "
                   "network; dichotomies against Cover's count.");
        for (cs = claim_sets; cs->claims != NULL; cs++)
            if (nset[cs - claim_sets] > 0)
                fputs(cs->note, stdout);
        printf("\nSign questions decided by double %lu, arb %lu, exact "
               "%lu.\n", ctx->by_double, ctx->by_arb, ctx->by_exact);
    }
    cpwl_pred_ctx_clear(ctx);
    return fail == 0 ? CPWL_OK : CPWL_ERR_INTERNAL;
}
