/* cpwl autoencoder grad: the exact expected loss and gradient over a code
   distribution, its norm, on a sphere of radius delta around A^T
   (--delta), and the Monte-Carlo estimate a binary64 user computes
   (--monte-carlo). */
#include <getopt.h>
#include <string.h>
#include "autoencoder.h"
#include "optim_opts.h"

/* One exact expectation (a partial sum when Ctrl-C stopped it). */
typedef struct
{
    fmpq_t L, n2;
    fmpq *GW, *Ge;
    fmpz_t done;
    int complete;
}
ae_sum;

static void sum_init(ae_sum *S, slong h, slong n)
{
    fmpq_init(S->L);
    fmpq_init(S->n2);
    S->GW = _fmpq_vec_init(h * n);
    S->Ge = _fmpq_vec_init(h);
    fmpz_init(S->done);
    S->complete = 0;
}

static void sum_clear(ae_sum *S, slong h, slong n)
{
    fmpq_clear(S->L);
    fmpq_clear(S->n2);
    _fmpq_vec_clear(S->GW, h * n);
    _fmpq_vec_clear(S->Ge, h);
    fmpz_clear(S->done);
}

/* Everything a sum needs besides W. */
typedef struct
{
    const fmpq_mat_struct *A;
    const cpwl_codes_struct *C;
    const fmpq *eps;
    int relu_d0;
    const char *count_str;      /* the number of codes, as text */
    cli_progress_state *ps;
    cpwl_pred_ctx_struct *pred;
}
ae_sum_args;

/* The progress line of one sum (cpwl_ae_expect's callback). */
typedef struct
{
    const ae_sum_args *a;
    const char *label;
}
ae_progress;

static void sum_progress(void *data, const fmpz_t done)
{
    const ae_progress *P = data;
    char rate[CLI_RATE_SIZE];
    if (cli_progress_due(P->a->ps))
        cli_progress_line(P->a->ps, "%s: %ld of %s codes, %s codes/s",
                          P->label, (long) fmpz_get_si(done),
                          P->a->count_str,
                          cli_progress_rate(rate, fmpz_get_d(done),
                                            P->a->ps->start));
}

/* The exact expectation at W; Ctrl-C stops it between codes, leaving
   the sum over the codes done (S->complete = 0). */
static int exact_sum(ae_sum *S, const fmpq_mat_t W, const ae_sum_args *a,
                     const char *label, cpwl_err_t e)
{
    slong n = fmpq_mat_nrows(a->A), h = fmpq_mat_ncols(a->A);
    ae_progress P = {a, label};
    int st = cpwl_ae_expect(S->L, S->GW, S->Ge, W, a->eps, a->A, a->C,
                            a->relu_d0, S->done, &cli_interrupted,
                            sum_progress, &P, a->pred, e);
    S->complete = st == 0;
    if (st == 3)
        st = 0;
    if (st == 0)
        cpwl_ae_norm2(S->n2, S->GW, h * n);
    return st;
}

static void scalar_deriv(fmpq_t s, const fmpq *Ge, slong h)
{
    slong i;
    fmpq_zero(s);
    for (i = 0; i < h; i++)
        fmpq_add(s, s, Ge + i);
}

/* The text of one sum; partial ones say so. */
static void print_sum_text(const ae_sum *S, slong h, slong n, int scalar,
                           int show, const char *count_str)
{
    char *t, buf[80];
    fmpq_t s;
    slong i;
    if (!S->complete)
        printf("(partial: interrupted after %ld of %s codes; the sums below "
               "are over those codes only)\n", (long) fmpz_get_si(S->done),
               count_str);
    cli_ae_qline("E[L]", S->L);
    cli_ae_qline("|E dL/dW|_F^2", S->n2);
    t = cli_ae_norm_text(S->n2);
    cli_ae_row("|E dL/dW|_F", t);
    flint_free(t);
    fmpq_init(s);
    if (scalar)
    {
        scalar_deriv(s, S->Ge, h);
        cli_ae_qline("E dL/deps (scalar eps)", s);
    }
    if (show || !scalar)
        cli_ae_vline("E dL/deps_i", S->Ge, h);
    if (show)
        for (i = 0; i < h; i++)
        {
            snprintf(buf, sizeof(buf), "E dL/dW row %ld", (long) i + 1);
            cli_ae_vline(buf, S->GW + i * n, n);
        }
    fmpq_clear(s);
}

static void print_sum_json(const ae_sum *S, slong h, slong n, int scalar,
                           int show)
{
    char *t;
    fmpq_t s;
    printf("\"codes_done\": %ld, \"loss\": ", (long) fmpz_get_si(S->done));
    cli_ae_json_q(stdout, S->L);
    printf(", \"grad_W_norm2\": ");
    cli_ae_json_q(stdout, S->n2);
    t = cli_ae_norm_text(S->n2);
    printf(", \"grad_W_norm\": \"%s\", \"grad_eps\": ", t);
    flint_free(t);
    cli_ae_json_vec(stdout, S->Ge, h);
    printf(", \"grad_eps_scalar\": ");
    fmpq_init(s);
    if (scalar)
    {
        scalar_deriv(s, S->Ge, h);
        cli_ae_json_q(stdout, s);
    }
    else
        printf("null");
    fmpq_clear(s);
    if (show)
    {
        printf(", \"grad_W\": ");
        cli_ae_json_matrix(stdout, S->GW, h, n);
    }
}

int cli_ae_grad(int argc, char **argv)
{
    static const char sub[] = "autoencoder grad";
    static const struct option opts[] = {
        {"dict", required_argument, NULL, 'd'},
        {"codes", required_argument, NULL, 'c'},
        {"eps", required_argument, NULL, 'e'},
        {"at", required_argument, NULL, 'a'},
        {"relu-prime0", required_argument, NULL, 'z'},
        {"delta", required_argument, NULL, 'D'},
        {"directions", required_argument, NULL, 'R'},
        {"height", required_argument, NULL, 'H'},
        {"monte-carlo", required_argument, NULL, 'M'},
        {"repeats", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 'S'},
        {"max-codes", required_argument, NULL, 'm'},
        {"max-draws", required_argument, NULL, 'X'},
        {"show-grad", no_argument, NULL, 'g'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    const char *dict = NULL, *codes = NULL, *epss = NULL, *at = NULL,
        *deltas = NULL;
    slong ndir = 4, height = 8, mc = 0, repeats = 10, seed = 0,
        max_codes = 1000000, max_draws = 10000000, dir_given = 0,
        height_given = 0, rep_given = 0, n = 0, h = 0, r, best = -1;
    int c, st = CPWL_OK, relu_d0 = 0, json = 0, show = 0, scalar = 0;
    int pmode = CLI_PROGRESS_AUTO, interrupted = 0, mc_stopped = 0;
    fmpq_mat_t A, W, Wr;
    fmpq *eps = NULL;
    fmpq_t delta;
    fmpz_t count;
    cpwl_codes_t C;
    ae_sum S, *Sd = NULL;
    slong nSd = 0;
    ae_sum_args a;
    cli_progress_state ps;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    struct sigaction old;
    double mean = 0, sd = 0;
    char *count_str = NULL;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
    {
        switch (c)
        {
            case 'd': dict = optarg; break;
            case 'c': codes = optarg; break;
            case 'e': epss = optarg; break;
            case 'a': at = optarg; break;
            case 'z': st = cli_ae_parse_relu_d0(&relu_d0, sub, optarg); break;
            case 'D': deltas = optarg; break;
            case 'R':
                st = cli_parse_slong(&ndir, sub, "--directions", optarg, 1,
                                     100000);
                dir_given = 1;
                break;
            case 'H':
                st = cli_parse_slong(&height, sub, "--height", optarg, 1,
                                     WORD(1) << 30);
                height_given = 1;
                break;
            case 'M':
                st = cli_parse_slong(&mc, sub, "--monte-carlo", optarg, 1,
                                     WORD(1) << 40);
                break;
            case 'r':
                st = cli_parse_slong(&repeats, sub, "--repeats", optarg, 1,
                                     1000000);
                rep_given = 1;
                break;
            case 'S':
                st = cli_parse_slong(&seed, sub, "--seed", optarg, 0,
                                     WORD_MAX);
                break;
            case 'X':
                st = cli_parse_slong(&max_draws, sub, "--max-draws", optarg,
                                     1, WORD_MAX);
                break;
            case 'm':
                st = cli_parse_slong(&max_codes, sub, "--max-codes", optarg,
                                     1, WORD_MAX);
                break;
            case 'g': show = 1; break;
            case 'j': json = 1; break;
            case 'h': fputs(cli_autoencoder_usage, stdout); return CPWL_OK;
            default:
                if (!cli_progress_option(&pmode, c))
                    st = cli_bad_option(sub, c, argv);
                break;
        }
        if (st != CPWL_OK)
            return st;
    }
    if (optind < argc)
        return cli_usage(sub, "unexpected argument '%.40s'", argv[optind]);
    if (dict == NULL || codes == NULL || epss == NULL)
        return cli_usage(sub, "--dict A, --codes DIST and --eps E are "
                         "required");
    if ((dir_given || height_given) && deltas == NULL)
        return cli_usage(sub, "--directions and --height go with --delta");
    if (rep_given && mc == 0)
        return cli_usage(sub, "--repeats goes with --monte-carlo");
    if (deltas != NULL && at != NULL)
        return cli_usage(sub, "--delta perturbs A^T: it does not go with "
                         "--at");

    fmpq_init(delta);
    fmpz_init(count);
    fmpq_mat_init(A, 0, 0);
    fmpq_mat_init(W, 0, 0);
    fmpq_mat_init(Wr, 0, 0);
    cpwl_codes_init(C);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    if (deltas != NULL)
    {
        if ((st = cli_optim_fmpq(delta, sub, "--delta", deltas)) == CPWL_OK
            && fmpq_sgn(delta) <= 0)
            st = cli_usage(sub, "--delta: expected a positive radius, got "
                           "'%.40s'", deltas);
        if (st != CPWL_OK)
            goto done;
    }
    if ((st = cli_ae_read_dict(A, sub, dict)) != CPWL_OK)
        goto done;
    n = fmpq_mat_nrows(A);
    h = fmpq_mat_ncols(A);
    eps = _fmpq_vec_init(h);
    if ((st = cli_ae_read_w(W, sub, at, A)) != CPWL_OK
        || (st = cli_ae_parse_eps(eps, &scalar, sub, epss, h)) != CPWL_OK
        || (st = cli_ae_read_codes(C, sub, codes, h)) != CPWL_OK)
        goto done;
    cpwl_codes_count(count, C);
    count_str = fmpz_get_str(NULL, 10, count);
    if (fmpz_cmp_si(count, max_codes) > 0)
    {
        st = cli_usage(sub, "--codes: %s codes, more than --max-codes %ld "
                       "(the exact sum has one term per code)", count_str,
                       (long) max_codes);
        goto done;
    }
    if (mc > 0 && mc > max_draws / repeats)
    {
        st = cli_usage(sub, "--monte-carlo %ld with --repeats %ld: more than "
                       "--max-draws %ld draws", (long) mc, (long) repeats,
                       (long) max_draws);
        goto done;
    }

    /* the sums, exactly */
    a.A = A;
    a.C = C;
    a.eps = eps;
    a.relu_d0 = relu_d0;
    a.count_str = count_str;
    a.ps = &ps;
    a.pred = pred;
    sum_init(&S, h, n);
    cli_catch_sigint(&old);
    cli_progress_init(&ps, sub, pmode);
    st = exact_sum(&S, W, &a, "E grad", e);
    interrupted = !S.complete;
    if (st == 0 && !interrupted && deltas != NULL)
    {
        uint64_t state = (uint64_t) seed;
        Sd = flint_malloc(sizeof(ae_sum) * ndir);
        for (r = 0; r < ndir && st == 0 && !interrupted; r++)
        {
            char label[64];
            snprintf(label, sizeof(label), "direction %ld of %ld",
                     (long) r + 1, (long) ndir);
            cpwl_ae_perturb(Wr, A, delta, height, &state);
            sum_init(Sd + r, h, n);
            nSd = r + 1;
            st = exact_sum(Sd + r, Wr, &a, label, e);
            interrupted = !Sd[r].complete;
            if (st == 0 && Sd[r].complete
                && (best < 0 || fmpq_cmp(Sd[r].n2, Sd[best].n2) > 0))
                best = r;
        }
    }
    if (st == 0 && !interrupted && mc > 0)
    {
        st = cpwl_ae_mc_grad_norm(&mean, &sd, W, eps, A, C, relu_d0, mc,
                                  repeats, (uint64_t) seed, &cli_interrupted,
                                  e);
        mc_stopped = st == 3;
        if (mc_stopped)
            st = 0;
    }
    cli_progress_end(&ps);
    cli_restore_sigint(&old);
    if (st != 0)
    {
        st = cli_fail(sub, e);
        goto sums_done;
    }

    if (json)
    {
        printf("{\"n\": %ld, \"h\": %ld, \"codes\": %s, \"W_is_At\": %s, "
               "\"eps\": ", (long) n, (long) h, count_str,
               at == NULL ? "true" : "false");
        cli_ae_json_vec(stdout, eps, h);
        printf(", \"relu_prime0\": %d, ", relu_d0);
        print_sum_json(&S, h, n, scalar, show);
        if (deltas != NULL)
        {
            printf(", \"delta\": {\"radius\": ");
            cli_ae_json_q(stdout, delta);
            printf(", \"directions\": %ld, \"height\": %ld, \"seed\": %ld, "
                   "\"runs\": [", (long) ndir, (long) height, (long) seed);
            for (r = 0; r < nSd; r++)
            {
                printf("%s{\"complete\": %s, ", r > 0 ? ", " : "",
                       Sd[r].complete ? "true" : "false");
                print_sum_json(Sd + r, h, n, scalar, show);
                printf("}");
            }
            printf("], \"largest\": ");
            if (best >= 0)
            {
                char *t = cli_ae_norm_text(Sd[best].n2);
                printf("{\"direction\": %ld, \"grad_W_norm2\": ",
                       (long) best + 1);
                cli_ae_json_q(stdout, Sd[best].n2);
                printf(", \"grad_W_norm\": \"%s\"}", t);
                flint_free(t);
            }
            else
                printf("null");
            printf("}");
        }
        if (mc > 0 && !interrupted && !mc_stopped)
            printf(", \"monte_carlo\": {\"draws\": %ld, \"repeats\": %ld, "
                   "\"seed\": %ld, \"arith\": \"binary64\", \"mean\": %.17g, "
                   "\"sd\": %.17g}", (long) mc, (long) repeats, (long) seed,
                   mean, sd);
        printf(", \"complete\": %s}\n",
               interrupted || mc_stopped ? "false" : "true");
    }
    else
    {
        char buf[160];
        snprintf(buf, sizeof(buf), "n = %ld, h = %ld", (long) n, (long) h);
        cli_ae_row("dictionary", buf);
        cli_ae_row("codes", count_str);
        cli_ae_row("W", at == NULL ? "A^T" : at);
        if (scalar)
            cli_ae_qline("eps", eps);
        else
            cli_ae_vline("eps", eps, h);
        cli_ae_row("relu'(0)", relu_d0 ? "1" : "0");
        print_sum_text(&S, h, n, scalar, show, count_str);
        if (deltas != NULL && nSd > 0)
        {
            char *ds = cli_q_str(delta, 1);
            printf("\nW = A^T + delta D_r, |D_r|_F = 1 (delta = %s, "
                   "%ld directions, height %ld, seed %ld)\n", ds, (long) ndir,
                   (long) height, (long) seed);
            flint_free(ds);
            for (r = 0; r < nSd; r++)
            {
                printf("direction %ld\n", (long) r + 1);
                print_sum_text(Sd + r, h, n, scalar, show, count_str);
            }
            if (best >= 0)
            {
                char *t = cli_ae_norm_text(Sd[best].n2);
                snprintf(buf, sizeof(buf), "direction %ld: %s",
                         (long) best + 1, t);
                cli_ae_row("largest |E dL/dW|_F", buf);
                flint_free(t);
            }
        }
        if (mc > 0 && !interrupted && !mc_stopped)
        {
            char *t = cli_ae_norm_text(S.n2);
            printf("\nMonte-Carlo in binary64 (%ld draws, %ld repeats, seed "
                   "%ld): |mean of the draws' dL/dW|_F\n", (long) mc,
                   (long) repeats, (long) seed);
            printf("%-24s%.17g\n%-24s%.17g\n", "mean", mean, "sd", sd);
            cli_ae_row("exact |E dL/dW|_F", t);
            flint_free(t);
        }
    }
    if (mc_stopped)
    {
        fprintf(stderr, "cpwl %s: interrupted: the Monte-Carlo estimate was "
                "not finished (the exact sums printed are complete)\n", sub);
        st = CLI_EXIT_INTERRUPTED;
    }
    if (interrupted)
    {
        fprintf(stderr, "cpwl %s: interrupted: the sums printed are "
                "partial\n", sub);
        st = CLI_EXIT_INTERRUPTED;
    }

sums_done:
    for (r = 0; r < nSd; r++)
        sum_clear(Sd + r, h, n);
    flint_free(Sd);
    sum_clear(&S, h, n);
done:
    if (count_str != NULL)
        flint_free(count_str);
    if (eps != NULL)
        _fmpq_vec_clear(eps, h);
    cpwl_codes_clear(C);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    fmpq_mat_clear(Wr);
    fmpz_clear(count);
    fmpq_clear(delta);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
    /* a write error is reported once, by main's cli_finish_stdout */
    return st;
}
