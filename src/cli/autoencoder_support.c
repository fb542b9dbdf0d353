/* cpwl autoencoder support: the exact windows of thresholds eps for which
   supp relu(W y - eps) is the support of the code (module autoencoder,
   docs/autoencoder.md), for one code (--x), for one point (--y: every
   support relu(W y - eps) takes), or over a code distribution (--codes:
   the common window, the best probability, the codes no eps recovers).
   Atoms are numbered from 1 as in the docs, codes from 0 as in module
   codes. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "autoencoder.h"

#define SUB "autoencoder support"

static const char support_usage_line[] =
    "usage: cpwl autoencoder support --dict A (--y LIST | --x CODE |\n"
    "       --codes DIST) [--eps E] [--at W] [--max-fail N] [--max-codes N]\n"
    "       [--json] [--[no-]progress]";

/* Text of a window end: the rational, or -inf / +inf. */
static void put_end(FILE *f, int inf, const fmpq_t q, int hi)
{
    if (inf)
        fputs(hi ? "+inf" : "-inf", f);
    else
        cli_print_fmpq(f, q);
}

static void put_window(FILE *f, const cpwl_ae_window_t w)
{
    if (cpwl_ae_window_is_empty(w))
    {
        fputs("empty (lo ", f);
        cli_print_fmpq(f, w->lo);
        fputs(" >= hi ", f);
        cli_print_fmpq(f, w->hi);
        fputs(")", f);
        return;
    }
    fputs(w->lo_inf ? "(" : "[", f);
    put_end(f, w->lo_inf, w->lo, 0);
    fputs(", ", f);
    put_end(f, w->hi_inf, w->hi, 1);
    fputs(")", f);
}

static void json_window(FILE *f, const cpwl_ae_window_t w)
{
    fputs("{\"lo\": ", f);
    if (w->lo_inf)
        fputs("null", f);
    else
        cli_ae_json_q(f, w->lo);
    fputs(", \"hi\": ", f);
    if (w->hi_inf)
        fputs("null", f);
    else
        cli_ae_json_q(f, w->hi);
    fprintf(f, ", \"empty\": %s}",
            cpwl_ae_window_is_empty(w) ? "true" : "false");
}

/* A set of atoms: {1, 5} (text) or [1, 5] (JSON), numbered from 1. */
static void put_set(FILE *f, const slong *s, slong k, int json)
{
    slong i;
    fputc(json ? '[' : '{', f);
    for (i = 0; i < k; i++)
        fprintf(f, "%s%ld", i ? ", " : "", (long) s[i] + 1);
    fputc(json ? ']' : '}', f);
}

static void put_vec(FILE *f, const fmpq *v, slong n, int json)
{
    if (json)
        cli_ae_json_vec(f, v, n);
    else
        cli_print_fmpq_vec(f, v, n, ",", 0);
}

/* --x: the window of supp x for y = A x. */
static int run_code(const fmpq_mat_t A, const fmpq_mat_t W, const fmpq *x,
                    const fmpq *eps, int json)
{
    slong n = fmpq_mat_nrows(A), h = fmpq_mat_ncols(A), i, k = 0, m = 0;
    fmpq *y = _fmpq_vec_init(n), *Wy = _fmpq_vec_init(h);
    slong *supp = flint_malloc(h * sizeof *supp);
    slong *at = flint_malloc(h * sizeof *at);
    cpwl_ae_window_t w;
    cpwl_pred_ctx_t pred;
    int rec = 0;

    cpwl_ae_window_init(w);
    cpwl_pred_ctx_init(pred);
    cpwl_dict_apply(y, A, x);
    cpwl_dict_apply(Wy, W, y);
    for (i = 0; i < h; i++)
        if (!fmpq_is_zero(x + i))
            supp[k++] = i;
    cpwl_ae_window(w, Wy, h, supp, k);
    if (eps != NULL)
    {
        m = cpwl_ae_support(at, Wy, eps, h, pred);
        rec = m == k;
        for (i = 0; rec && i < k; i++)
            rec = at[i] == supp[i];
    }
    if (json)
    {
        printf("{\"mode\": \"code\", \"n\": %ld, \"h\": %ld, \"x\": ",
               (long) n, (long) h);
        put_vec(stdout, x, h, 1);
        printf(", \"support\": ");
        put_set(stdout, supp, k, 1);
        printf(", \"y\": ");
        put_vec(stdout, y, n, 1);
        printf(", \"Wy\": ");
        put_vec(stdout, Wy, h, 1);
        printf(", \"window\": ");
        json_window(stdout, w);
        if (eps != NULL)
        {
            printf(", \"eps\": ");
            cli_ae_json_q(stdout, eps);
            printf(", \"support_at_eps\": ");
            put_set(stdout, at, m, 1);
            printf(", \"recovered\": %s", rec ? "true" : "false");
        }
        printf("}\n");
    }
    else
    {
        printf("code x: ");
        put_vec(stdout, x, h, 0);
        printf("\nsupport: ");
        put_set(stdout, supp, k, 0);
        printf("\ny = A x: ");
        put_vec(stdout, y, n, 0);
        printf("\nWy: ");
        put_vec(stdout, Wy, h, 0);
        printf("\nwindow of the support: ");
        put_window(stdout, w);
        printf("\n  (supp relu(Wy - eps) = supp x exactly for lo <= eps < "
               "hi: lo = max of Wy off the support, hi = min on it)\n");
        if (eps != NULL)
        {
            printf("at eps = ");
            cli_print_fmpq(stdout, eps);
            printf(": support ");
            put_set(stdout, at, m, 0);
            printf(", %s\n", rec ? "recovered" : "not recovered");
        }
    }
    cpwl_pred_ctx_clear(pred);
    cpwl_ae_window_clear(w);
    flint_free(supp);
    flint_free(at);
    _fmpq_vec_clear(y, n);
    _fmpq_vec_clear(Wy, h);
    return CPWL_OK;
}

static int q_cmp_desc(const void *a, const void *b)
{
    return fmpq_cmp((const fmpq *) b, (const fmpq *) a);
}

/* --y: Wy and the supports relu(Wy - eps) takes: with v_1 > ... > v_m the
   distinct values of Wy, the support is empty for eps >= v_1, the atoms
   with Wy >= v_j for v_{j+1} <= eps < v_j, everything for eps < v_m. */
static int run_point(const fmpq_mat_t W, const fmpq *y, slong n,
                     const fmpq *eps, int json)
{
    slong h = fmpq_mat_nrows(W), i, j, m, k;
    fmpq *Wy = _fmpq_vec_init(h), *v = _fmpq_vec_init(h);
    slong *s = flint_malloc(h * sizeof *s);
    cpwl_ae_window_t w;
    cpwl_pred_ctx_t pred;

    cpwl_ae_window_init(w);
    cpwl_pred_ctx_init(pred);
    cpwl_dict_apply(Wy, W, y);
    for (i = 0; i < h; i++)
        fmpq_set(v + i, Wy + i);
    qsort(v, h, sizeof *v, q_cmp_desc);
    for (i = m = 0; i < h; i++)
        if (m == 0 || !fmpq_equal(v + i, v + m - 1))
            fmpq_set(v + m++, v + i);
    if (json)
    {
        printf("{\"mode\": \"point\", \"n\": %ld, \"h\": %ld, \"y\": ",
               (long) n, (long) h);
        put_vec(stdout, y, n, 1);
        printf(", \"Wy\": ");
        put_vec(stdout, Wy, h, 1);
        printf(", \"intervals\": [");
    }
    else
    {
        printf("y: ");
        put_vec(stdout, y, n, 0);
        printf("\nWy: ");
        put_vec(stdout, Wy, h, 0);
        printf("\nsupp relu(Wy - eps) as eps runs over Q (%ld intervals):"
               "\n", (long) m + 1);
    }
    /* interval j: [v_{j+1}, v_j) with v_0 = +inf, v_{m+1} = -inf */
    for (j = 0; j <= m; j++)
    {
        w->hi_inf = j == 0;
        if (j > 0)
            fmpq_set(w->hi, v + j - 1);
        w->lo_inf = j == m;
        if (j < m)
            fmpq_set(w->lo, v + j);
        for (i = k = 0; i < h; i++)
            if (j > 0 && fmpq_cmp(Wy + i, v + j - 1) >= 0)
                s[k++] = i;
        if (json)
        {
            printf("%s\n  {\"window\": ", j ? "," : "");
            json_window(stdout, w);
            printf(", \"support\": ");
            put_set(stdout, s, k, 1);
            printf("}");
        }
        else
        {
            printf("  eps in ");
            put_window(stdout, w);
            printf(": ");
            put_set(stdout, s, k, 0);
            printf("\n");
        }
    }
    if (json)
        printf("]");
    if (eps != NULL)
    {
        k = cpwl_ae_support(s, Wy, eps, h, pred);
        if (json)
        {
            printf(", \"eps\": ");
            cli_ae_json_q(stdout, eps);
            printf(", \"support_at_eps\": ");
            put_set(stdout, s, k, 1);
        }
        else
        {
            printf("at eps = ");
            cli_print_fmpq(stdout, eps);
            printf(": support ");
            put_set(stdout, s, k, 0);
            printf("\n");
        }
    }
    if (json)
        printf("}\n");
    cpwl_pred_ctx_clear(pred);
    cpwl_ae_window_clear(w);
    flint_free(s);
    _fmpq_vec_clear(Wy, h);
    _fmpq_vec_clear(v, h);
    return CPWL_OK;
}

typedef struct
{
    cli_progress_state *ps;
    const fmpz *total;
}
progress_ctx;

static void progress(void *data, const fmpz_t done)
{
    progress_ctx *p = data;
    char rate[CLI_RATE_SIZE], *d, *t;
    if (!cli_progress_due(p->ps))
        return;
    d = fmpz_get_str(NULL, 10, done);
    t = fmpz_get_str(NULL, 10, p->total);
    cli_progress_line(p->ps, "codes %s/%s, %s codes/s", d, t,
                      cli_progress_rate(rate, fmpz_get_d(done),
                                        p->ps->start));
    flint_free(d);
    flint_free(t);
}

/* The kept codes (json: a list of {"index", "x"}). */
static void put_codes(FILE *f, const fmpq *x, const fmpz *idx, slong m,
                      slong h, int json)
{
    slong j;
    for (j = 0; j < m; j++)
    {
        char *s = fmpz_get_str(NULL, 10, idx + j);
        if (json)
        {
            fprintf(f, "%s{\"index\": %s, \"x\": ", j ? ", " : "", s);
            put_vec(f, x + j * h, h, 1);
            fputc('}', f);
        }
        else
        {
            fprintf(f, "  code %s: x = ", s);
            put_vec(f, x + j * h, h, 0);
            fputc('\n', f);
        }
        flint_free(s);
    }
}

/* --codes: recovery over the distribution. */
static int run_codes(const fmpq_mat_t A, const fmpq_mat_t W,
                     const cpwl_codes_t C, const char *spec, const fmpq *eps,
                     slong max_fail, int json, int pmode)
{
    slong h = fmpq_mat_ncols(A);
    cpwl_ae_recovery_t R;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    cli_progress_state ps;
    progress_ctx pc;
    struct sigaction old;
    fmpz_t total;
    char *sc, *st;
    int ret, status = CPWL_OK;

    fmpz_init(total);
    cpwl_codes_count(total, C);
    cpwl_ae_recovery_init(R);
    cpwl_pred_ctx_init(pred);
    cpwl_err_init(e);
    cli_progress_init(&ps, SUB, pmode);
    pc.ps = &ps;
    pc.total = total;
    R->progress = progress;
    R->progress_data = &pc;
    cli_catch_sigint(&old);
    ret = cpwl_ae_recovery(R, W, A, C, eps, max_fail, &cli_interrupted,
                           pred, e);
    cli_restore_sigint(&old);
    cli_progress_end(&ps);
    if (ret == 1)
    {
        status = cli_fail(SUB, e);
        goto done;
    }
    sc = fmpz_get_str(NULL, 10, R->codes);
    st = fmpz_get_str(NULL, 10, total);
    if (json)
    {
        char *q = cpwl_io_json_quote(spec), *s;
        printf("{\"mode\": \"codes\", \"source\": %s, \"h\": %ld, "
               "\"count\": %s, \"examined\": %s, \"interrupted\": %s, "
               "\"common\": ", q, (long) h, st, sc,
               ret == 3 ? "true" : "false");
        flint_free(q);
        json_window(stdout, R->common);
        printf(", \"best\": ");
        cli_ae_json_q(stdout, R->best);
        printf(", \"best_window\": ");
        json_window(stdout, R->best_window);
        s = fmpz_get_str(NULL, 10, R->empty);
        printf(", \"no_window\": %s, \"no_window_codes\": [", s);
        flint_free(s);
        put_codes(stdout, R->empty_codes, R->empty_index, R->nempty, h, 1);
        printf("]");
        if (eps != NULL)
        {
            s = fmpz_get_str(NULL, 10, R->failed);
            printf(", \"eps\": ");
            cli_ae_json_q(stdout, eps);
            printf(", \"prob\": ");
            cli_ae_json_q(stdout, R->prob);
            printf(", \"failed\": %s, \"failed_codes\": [", s);
            flint_free(s);
            put_codes(stdout, R->fail, R->fail_index, R->nfail, h, 1);
            printf("]");
        }
        printf("}\n");
    }
    else
    {
        char *s;
        if (ret == 3)
            printf("interrupted: partial, %s of %s codes examined\n", sc,
                   st);
        printf("codes: %s (%s)\n", sc, spec);
        printf("common window (every code recovered): ");
        put_window(stdout, R->common);
        printf("\nbest probability: ");
        cli_print_fmpq(stdout, R->best);
        printf(" for eps in ");
        put_window(stdout, R->best_window);
        s = fmpz_get_str(NULL, 10, R->empty);
        printf("\ncodes no eps recovers: %s", s);
        flint_free(s);
        if (R->nempty > 0)
            printf(" (the first %ld by code number):", (long) R->nempty);
        printf("\n");
        put_codes(stdout, R->empty_codes, R->empty_index, R->nempty, h, 0);
        if (eps != NULL)
        {
            s = fmpz_get_str(NULL, 10, R->failed);
            printf("at eps = ");
            cli_print_fmpq(stdout, eps);
            printf(": probability ");
            cli_print_fmpq(stdout, R->prob);
            printf("; codes that fail: %s", s);
            flint_free(s);
            if (R->nfail > 0)
                printf(" (the first %ld):", (long) R->nfail);
            printf("\n");
            put_codes(stdout, R->fail, R->fail_index, R->nfail, h, 0);
        }
    }
    flint_free(sc);
    flint_free(st);
    if (ret == 3)
    {
        fprintf(stderr, "cpwl %s: interrupted: the results above are over "
                "the codes examined so far (partial)\n", SUB);
        status = CLI_EXIT_INTERRUPTED;
    }
done:
    cpwl_err_clear(e);
    cpwl_pred_ctx_clear(pred);
    cpwl_ae_recovery_clear(R);
    fmpz_clear(total);
    return status;
}

int cli_ae_support(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dict", required_argument, NULL, 'd'},
        {"y", required_argument, NULL, 'y'},
        {"x", required_argument, NULL, 'x'},
        {"codes", required_argument, NULL, 'c'},
        {"eps", required_argument, NULL, 'e'},
        {"at", required_argument, NULL, 'a'},
        {"max-fail", required_argument, NULL, 'f'},
        {"max-codes", required_argument, NULL, 'm'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    const char *dict = NULL, *ys = NULL, *xs = NULL, *codes = NULL;
    const char *epss = NULL, *at = NULL;
    slong max_fail = 5, max_codes = 1000000, n = 0, h = 0;
    int c, json = 0, pmode = CLI_PROGRESS_AUTO, status, scalar;
    fmpq_mat_t A, W;
    fmpq *eps = NULL, *v = NULL;
    slong vlen = 0;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
    {
        switch (c)
        {
            case 'd': dict = optarg; break;
            case 'y': ys = optarg; break;
            case 'x': xs = optarg; break;
            case 'c': codes = optarg; break;
            case 'e': epss = optarg; break;
            case 'a': at = optarg; break;
            case 'f':
                if ((status = cli_parse_slong(&max_fail, SUB, "--max-fail",
                                              optarg, 0, 1000000)) != 0)
                    return status;
                break;
            case 'm':
                if ((status = cli_parse_slong(&max_codes, SUB, "--max-codes",
                                              optarg, 1, WORD_MAX)) != 0)
                    return status;
                break;
            case 'j': json = 1; break;
            case 'h':
                printf("%s\n\n%s", support_usage_line,
                       "The exact window [lo, hi) of thresholds eps for "
                       "which supp relu(W y - eps)\n"
                       "is the support of the code, W = A^T unless --at "
                       "(docs/autoencoder.md).\n"
                       "  --dict A         the dictionary (n x h, CSV or "
                       "JSON)\n"
                       "  --x CODE         one code (h entries): y = A x, "
                       "the window of supp x\n"
                       "  --y LIST         one point (n entries): Wy and "
                       "every support as eps runs\n"
                       "  --codes DIST     a code distribution: the common "
                       "window, the best\n"
                       "                   probability and its interval, "
                       "the codes no eps recovers\n"
                       "  --eps E          also the support (probability) "
                       "at this threshold\n"
                       "  --at W           W (h x n) instead of A^T\n"
                       "  --max-fail N     failing codes listed (default "
                       "5)\n"
                       "  --max-codes N    refuse more codes (default "
                       "1000000)\n"
                       "  --json           one JSON object\n"
                       "  --progress, --no-progress  progress lines on "
                       "stderr (default: on a terminal)\n");
                return CPWL_OK;
            default:
                if (cli_progress_option(&pmode, c))
                    break;
                return cli_bad_option(SUB, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(SUB, "unexpected argument \"%.40s\"", argv[optind]);
    if (dict == NULL)
        return cli_usage(SUB, "--dict A is required");
    if ((ys != NULL) + (xs != NULL) + (codes != NULL) != 1)
        return cli_usage(SUB, "expected exactly one of --y, --x and "
                         "--codes");

    fmpq_mat_init(A, 0, 0);
    fmpq_mat_init(W, 0, 0);
    if ((status = cli_ae_read_dict(A, SUB, dict)) != 0)
        goto done;
    n = fmpq_mat_nrows(A);
    h = fmpq_mat_ncols(A);
    if ((status = cli_ae_read_w(W, SUB, at, A)) != 0)
        goto done;
    if (epss != NULL)
    {
        eps = _fmpq_vec_init(h);
        if ((status = cli_ae_parse_eps(eps, &scalar, SUB, epss, h)) != 0)
            goto done;
        if (!scalar)
        {
            status = cli_usage(SUB, "--eps: expected one threshold (the "
                               "windows are those of a scalar eps)");
            goto done;
        }
    }
    if (xs != NULL)
    {
        cpwl_err_t e;
        const char *p;
        slong m = 1;
        cpwl_err_init(e);
        for (p = xs; *p; p++)
            m += *p == ',';
        v = _fmpq_vec_init(vlen = h);
        if (m != h)
            status = cli_usage(SUB, "--x: expected %ld entries (one per "
                               "atom of the dictionary), got %ld", (long) h,
                               (long) m);
        else if (cpwl_io_parse_vector(v, h, xs, "--x", e) != CPWL_OK)
            status = cli_fail(SUB, e);
        else
            status = run_code(A, W, v, eps, json);
    }
    else if (ys != NULL)
    {
        v = _fmpq_vec_init(vlen = n);
        if ((status = cli_ae_parse_y(v, SUB, ys, n)) == 0)
            status = run_point(W, v, n, eps, json);
    }
    else
    {
        cpwl_codes_t C;
        fmpz_t N;
        cpwl_codes_init(C);
        fmpz_init(N);
        if ((status = cli_ae_read_codes(C, SUB, codes, h)) == 0)
        {
            cpwl_codes_count(N, C);
            if (fmpz_cmp_si(N, max_codes) > 0)
            {
                char *s = fmpz_get_str(NULL, 10, N);
                status = cli_usage(SUB, "the distribution has %s codes, "
                                   "more than --max-codes %ld", s,
                                   (long) max_codes);
                flint_free(s);
            }
            else
                status = run_codes(A, W, C, codes, eps, max_fail, json,
                                   pmode);
        }
        fmpz_clear(N);
        cpwl_codes_clear(C);
    }
done:
    if (eps != NULL)
        _fmpq_vec_clear(eps, h);
    if (v != NULL)
        _fmpq_vec_clear(v, vlen);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    return status;
}
