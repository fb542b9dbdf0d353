/* cpwl pacbayes certify: the risk certificate of a stochastic network
   (posterior and prior cpwl-gauss files, a labelled CSV data set), every
   term printed. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl/num.h"
#include "pacbayes.h"

#define SUB "pacbayes certify"
#define PB_PREC 256

/* Draws x points x parameters refused by default (about 5 s where the
   double path decides: 5 10^8 took 0.24 s on 8-64-64-3 nets). */
#define DEFAULT_MAX_WORK 10000000000.0

static void certify_progress(void *data, slong done, slong total)
{
    cli_progress_state *p = data;
    char rate[CLI_RATE_SIZE];
    if (!cli_progress_due(p))
        return;
    cli_progress_line(p, "%ld/%ld networks drawn, %s", (long) done,
                      (long) total,
                      cli_progress_rate(rate, (double) done, p->start));
}

/* A rational k 10^-s (as cpwl_pacbayes_round_up gives) as its exact
   decimal; other rationals as cli_q_str's decimal. */
static char *dec_str(const fmpq_t q)
{
    char *s = cpwl_pacbayes_decimal_str(q);
    return s != NULL ? s : cli_q_str(q, 0);
}

typedef struct
{
    const char *post, *prior, *data;
    fmpq_t delta, delta2, lambda, catoni_c, p_min;
    slong samples, digits;
    uint64_t seed;
    int kind, json, pmode, have_delta, loss, have_p_min;
    int help, have_lambda, have_catoni;
    double max_work;
}
certify_args;

static int parse_args(certify_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"posterior", required_argument, NULL, 'q'},
        {"prior", required_argument, NULL, 'p'},
        {"data", required_argument, NULL, 'D'},
        {"delta", required_argument, NULL, 'd'},
        {"delta-samples", required_argument, NULL, 'e'},
        {"samples", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"bound", required_argument, NULL, 'b'},
        {"lambda", required_argument, NULL, 'l'},
        {"catoni-c", required_argument, NULL, 'c'},
        {"digits", required_argument, NULL, 'g'},
        {"max-work", required_argument, NULL, 'w'},
        {"json", no_argument, NULL, 'j'},
        {"loss", required_argument, NULL, 'L'},
        {"p-min", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    int c;
    char *end;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
    {
        switch (c)
        {
            case 'q': a->post = optarg; break;
            case 'p': a->prior = optarg; break;
            case 'D': a->data = optarg; break;
            case 'd':
                if (cli_pb_parse_q(a->delta, SUB, "--delta",
                                   optarg) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                a->have_delta = 1;
                break;
            case 'e':
                if (cli_pb_parse_q(a->delta2, SUB, "--delta-samples",
                                   optarg) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            case 'l':
                if (cli_pb_parse_q(a->lambda, SUB, "--lambda",
                                   optarg) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                a->have_lambda = 1;
                break;
            case 'c':
                if (cli_pb_parse_q(a->catoni_c, SUB, "--catoni-c",
                                   optarg) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                a->have_catoni = 1;
                break;
            case 'n':
                if (cli_parse_slong(&a->samples, SUB, "--samples", optarg, 1,
                                    WORD(1) << 40) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            case 'g':
                if (cli_parse_slong(&a->digits, SUB, "--digits", optarg, 1,
                                    1000) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                break;
            case 's':
                errno = 0;
                a->seed = strtoull(optarg, &end, 10);
                if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0'
                    || errno != 0)
                    return cli_usage(SUB, "--seed: expected an integer from 0 "
                                     "to 2^64 - 1, got \"%.40s\"", optarg);
                break;
            case 'w':
                errno = 0;
                a->max_work = strtod(optarg, &end);
                if (*optarg == '\0' || *end != '\0' || errno != 0
                    || !(a->max_work >= 1))
                    return cli_usage(SUB, "--max-work: expected a number >= 1 "
                                     "(e.g. 1e11), got \"%.40s\"", optarg);
                break;
            case 'b':
                if ((a->kind = cpwl_pacbayes_from_name(optarg)) < 0)
                    return cli_usage(SUB, "--bound: expected mcallester, "
                                     "maurer, catoni, langford-seeger, "
                                     "quadratic, lambda or classic, got "
                                     "\"%.40s\"", optarg);
                break;
            case 'j': a->json = 1; break;
            case 'L':
                if ((a->loss = cpwl_stochnet_loss_from_name(optarg)) < 0)
                    return cli_usage(SUB, "--loss: expected 01 or bce, got "
                                     "\"%.40s\"", optarg);
                break;
            case 'P':
                if (cli_pb_parse_q(a->p_min, SUB, "--p-min",
                                   optarg) != CPWL_OK)
                    return CPWL_ERR_INPUT;
                a->have_p_min = 1;
                break;
            case 'h':
                fputs(cli_pacbayes_usage, stdout);
                a->help = 1;
                return CPWL_OK;
            case CLI_OPT_PROGRESS:
            case CLI_OPT_NO_PROGRESS:
                cli_progress_option(&a->pmode, c);
                break;
            default:
                return cli_bad_option(SUB, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(SUB, "unexpected argument \"%.40s\"", argv[optind]);
    if (a->post == NULL || a->prior == NULL || a->data == NULL)
        return cli_usage(SUB, "--posterior, --prior and --data are required");
    if (!a->have_delta || a->samples < 1)
        return cli_usage(SUB, "--delta D and --samples N are required");
    /* As in pacbayes bound: a constant of the bound is fixed before the
       data and named, never a silent default. */
    if (a->have_lambda && a->kind != CPWL_PACBAYES_LAMBDA)
        return cli_usage(SUB, "--lambda applies to --bound lambda only");
    if (a->have_catoni && a->kind != CPWL_PACBAYES_CATONI)
        return cli_usage(SUB, "--catoni-c applies to --bound catoni only");
    if (a->kind == CPWL_PACBAYES_LAMBDA && !a->have_lambda)
        return cli_usage(SUB, "--bound lambda needs --lambda L, 0 < L < 2, "
                         "fixed before seeing the data");
    if (a->kind == CPWL_PACBAYES_CATONI && !a->have_catoni)
        return cli_usage(SUB, "--bound catoni needs --catoni-c C > 0, fixed "
                         "before seeing the data");
    if (cli_pb_check_deltas(SUB, a->delta, a->delta2) != 0)
        return CPWL_ERR_INPUT;
    if (!cli_pb_in_open01(a->p_min))
        return cli_usage(SUB, "--p-min: expected a number in (0, 1)");
    if (a->have_p_min && a->loss != CPWL_STOCHNET_LOSS_BCE)
        return cli_usage(SUB, "--p-min applies to --loss bce only");
    return CPWL_OK;
}

/* Everything computed, for the report. */
typedef struct
{
    slong rq, rp, m;
    arb_t kl, union_term, emp_up;
    fmpq_t emp_up_q, confidence, emp_q;    /* emp_q: R->emp rounded up */
    double kl_d;
    cpwl_stochnet_risk_t R;
    cpwl_pacbayes_bound_t B;
    double seconds;
}
certify_result;

static void put_q(const char *key, const fmpq_t q, int comma)
{
    char *s = fmpq_get_str(NULL, 10, q), *d = dec_str(q);
    printf("\"%s\": \"%s\", \"%s_decimal\": \"%s\"%s", key, s, key, d,
           comma ? ", " : "");
    flint_free(s);
    flint_free(d);
}

static void report_json(const certify_args *a, const cpwl_stochnet_t Q,
                        const cpwl_stochnet_t P, certify_result *r)
{
    char *s;
    fmpq_t klu;
    fmpq_init(klu);
    printf("{\"posterior\": ");
    s = cpwl_io_json_quote(a->post);
    printf("%s, \"prior\": ", s);
    flint_free(s);
    s = cpwl_io_json_quote(a->prior);
    printf("%s, \"data\": ", s);
    flint_free(s);
    s = cpwl_io_json_quote(a->data);
    printf("%s, ", s);
    flint_free(s);
    printf("\"parameters\": %ld, \"rounded\": {\"posterior\": %ld, "
           "\"prior\": %ld}, ", (long) Q->w->d, (long) r->rq, (long) r->rp);
    s = cli_arb_str(r->kl, 1, 15);
    cpwl_pacbayes_round_up(klu, r->kl, a->digits);
    printf("\"kl\": \"%s\", ", s);
    flint_free(s);
    put_q("kl_upper", klu, 1);
    /* A plain double sum may overflow: JSON has no inf. */
    if (isfinite(r->kl_d))
        printf("\"kl_double\": %.17g, ", r->kl_d);
    else
        printf("\"kl_double\": null, ");
    if (P->grid_j > 0)
    {
        s = cli_arb_str(r->union_term, 1, 15);
        printf("\"grid_j\": %ld, \"union_term\": \"%s\", ", (long) P->grid_j,
               s);
        flint_free(s);
    }
    else
        printf("\"grid_j\": null, \"union_term\": \"0\", ");
    printf("\"m\": %ld, \"samples\": %ld, \"samples_requested\": %ld, "
           "\"seed\": %llu, ", (long) r->m, (long) r->R->samples,
           (long) a->samples, (unsigned long long) a->seed);
    if (a->loss == CPWL_STOCHNET_LOSS_BCE)
    {
        s = fmpq_get_str(NULL, 10, a->p_min);
        printf("\"loss\": \"bce\", \"p_min\": \"%s\", \"mistakes\": null, ",
               s);
        flint_free(s);
        /* e_N: an upper bound (exact) rounded up, and an enclosure. */
        s = fmpq_get_str(NULL, 10, r->R->emp);
        printf("\"emp_risk\": \"%s\", ", s);
        flint_free(s);
        s = dec_str(r->emp_q);
        printf("\"emp_risk_decimal\": \"%s\", ", s);
        flint_free(s);
        s = cli_arb_str(r->R->emp_enclosure, 1, 15);
        printf("\"emp_risk_enclosure\": \"%s\", ", s);
        flint_free(s);
    }
    else
    {
        printf("\"loss\": \"01\", ");
        s = fmpz_get_str(NULL, 10, r->R->mistakes);
        printf("\"mistakes\": \"%s\", ", s);
        flint_free(s);
        put_q("emp_risk", r->R->emp, 1);
    }
    printf("\"decided_double\": %ld, \"decided_exact\": %ld, ",
           (long) r->R->decided_double, (long) r->R->decided_exact);
    s = fmpq_get_str(NULL, 10, a->delta2);
    printf("\"delta_samples\": \"%s\", ", s);
    flint_free(s);
    put_q("emp_risk_upper", r->emp_up_q, 1);
    printf("\"bound\": \"%s\", ", cpwl_pacbayes_name((cpwl_pacbayes_kind) a->kind));
    if (a->kind == CPWL_PACBAYES_LAMBDA || a->kind == CPWL_PACBAYES_CATONI)
    {
        int lam = a->kind == CPWL_PACBAYES_LAMBDA;
        s = fmpq_get_str(NULL, 10, lam ? a->lambda : a->catoni_c);
        printf("\"%s\": \"%s\", ", lam ? "lambda" : "catoni_c", s);
        flint_free(s);
    }
    s = fmpq_get_str(NULL, 10, a->delta);
    printf("\"delta\": \"%s\", ", s);
    flint_free(s);
    s = cli_arb_str(r->B->log_term, 1, 15);
    printf("\"log_term\": \"%s\", ", s);
    flint_free(s);
    s = cli_arb_str(r->B->complexity, 1, 15);
    printf("\"complexity\": \"%s\", ", s);
    flint_free(s);
    put_q("certificate", r->B->upper, 1);
    put_q("confidence", r->confidence, 1);
    printf("\"vacuous\": %s, \"interrupted\": %s, \"seconds\": %.3f}\n",
           r->B->vacuous ? "true" : "false",
           r->R->stopped ? "true" : "false", r->seconds);
    fmpq_clear(klu);
}

static void report_text(const certify_args *a, const cpwl_stochnet_t Q,
                        const cpwl_stochnet_t P, certify_result *r)
{
    char *s, *t;
    fmpq_t klu;
    fmpq_init(klu);
    printf("posterior        %s\nprior            %s\ndata             %s\n",
           a->post, a->prior, a->data);
    printf("parameters       %ld (binary64: %ld posterior and %ld prior "
           "values were decimals rounded to nearest once)\n", (long) Q->w->d,
           (long) r->rq, (long) r->rp);
    s = cli_arb_str(r->kl, 1, 15);
    cpwl_pacbayes_round_up(klu, r->kl, a->digits);
    t = dec_str(klu);
    if (isfinite(r->kl_d))
        printf("KL(Q||P)         %s <= %s (double sum: %.17g)\n", s, t,
               r->kl_d);
    else
        printf("KL(Q||P)         %s <= %s (double sum: not finite)\n", s, t);
    flint_free(s);
    flint_free(t);
    if (P->grid_j > 0)
    {
        s = cli_arb_str(r->union_term, 1, 15);
        printf("grid prior       j = %ld, union term ln(pi^2 j^2/6) = %s\n",
               (long) P->grid_j, s);
        flint_free(s);
    }
    printf("data points m    %ld\n", (long) r->m);
    printf("networks drawn N %ld (seed %llu)%s\n", (long) r->R->samples,
           (unsigned long long) a->seed,
           r->R->stopped ? " (interrupted: the bound below is for the "
           "networks drawn, still valid)" : "");
    if (a->loss == CPWL_STOCHNET_LOSS_BCE)
    {
        s = fmpq_get_str(NULL, 10, a->p_min);
        printf("loss             bounded cross-entropy min(-ln p_y, "
               "ln(1/p_min))/ln(1/p_min), p_min = %s\n", s);
        flint_free(s);
        s = cli_arb_str(r->R->emp_enclosure, 1, 15);
        t = dec_str(r->emp_q);
        printf("average loss     e_N in %s <= %s (%ld losses)\n", s, t,
               (long) (r->R->samples * r->m));
        flint_free(s);
        flint_free(t);
        printf("losses           %ld from double outputs (proven bounds), "
               "%ld from exact outputs\n", (long) r->R->decided_double,
               (long) r->R->decided_exact);
    }
    else
    {
        s = fmpz_get_str(NULL, 10, r->R->mistakes);
        t = cli_q_str(r->R->emp, 1);
        printf("mistakes         %s of %ld decisions, e_N = %s\n", s,
               (long) (r->R->samples * r->m), t);
        flint_free(s);
        flint_free(t);
        printf("decisions        %ld in double (proven), %ld exactly\n",
               (long) r->R->decided_double, (long) r->R->decided_exact);
    }
    s = fmpq_get_str(NULL, 10, a->delta2);
    t = dec_str(r->emp_up_q);
    printf("empirical risk   <= kl^-1(e_N, ln(2/delta')/N) <= %s "
           "(delta' = %s)\n", t, s);
    flint_free(s);
    flint_free(t);
    printf("PAC-Bayes bound  %s", cpwl_pacbayes_name((cpwl_pacbayes_kind) a->kind));
    if (a->kind == CPWL_PACBAYES_LAMBDA || a->kind == CPWL_PACBAYES_CATONI)
    {
        int lam = a->kind == CPWL_PACBAYES_LAMBDA;
        s = fmpq_get_str(NULL, 10, lam ? a->lambda : a->catoni_c);
        printf(" (%s = %s)", lam ? "lambda" : "C", s);
        flint_free(s);
    }
    s = fmpq_get_str(NULL, 10, a->delta);
    t = cli_arb_str(r->B->complexity, 1, 15);
    printf(", m = %ld, delta = %s, complexity term %s\n", (long) r->m, s, t);
    flint_free(s);
    flint_free(t);
    s = fmpq_get_str(NULL, 10, r->B->upper);
    t = dec_str(r->B->upper);
    printf("certificate      risk <= %s = %s%s\n", s, t,
           r->B->vacuous ? " (vacuous: >= 1)" : "");
    flint_free(s);
    flint_free(t);
    s = fmpq_get_str(NULL, 10, r->confidence);
    printf("confidence       1 - delta - delta' = %s\n", s);
    flint_free(s);
    fmpq_clear(klu);
}

int cli_pb_certify(int argc, char **argv)
{
    certify_args a;
    certify_result r;
    cpwl_stochnet_t Q, P;
    cpwl_stochnet_loss_t loss;
    cpwl_erm_data_t data;
    cpwl_pacbayes_input_t in;
    cpwl_err_t e;
    cli_progress_state ps;
    struct sigaction old;
    int status = CPWL_OK, caught = 0;
    double t0;

    memset(&a, 0, sizeof(a));
    fmpq_init(a.delta);
    fmpq_init(a.delta2);
    fmpq_init(a.lambda);
    fmpq_init(a.catoni_c);
    fmpq_init(a.p_min);
    fmpq_set_si(a.delta2, 1, 100);
    fmpq_set_si(a.p_min, 1, 10000);     /* PBB's default */
    fmpq_one(a.lambda);
    fmpq_one(a.catoni_c);
    a.kind = CPWL_PACBAYES_MAURER;
    a.loss = CPWL_STOCHNET_LOSS_01;
    a.digits = 6;
    a.seed = 1;
    a.max_work = DEFAULT_MAX_WORK;
    a.pmode = CLI_PROGRESS_AUTO;

    cpwl_err_init(e);
    cpwl_stochnet_init(Q);
    cpwl_stochnet_init(P);
    cpwl_erm_data_init(data);
    cpwl_pacbayes_input_init(in);
    memset(&r, 0, sizeof(r));
    arb_init(r.kl);
    arb_init(r.union_term);
    arb_init(r.emp_up);
    fmpq_init(r.emp_up_q);
    fmpq_init(r.confidence);
    fmpq_init(r.emp_q);
    cpwl_stochnet_loss_init(loss);
    cpwl_stochnet_risk_init(r.R);
    cpwl_pacbayes_bound_init(r.B);

    if ((status = parse_args(&a, argc, argv)) != CPWL_OK || a.help)
        goto done;
    if (cpwl_stochnet_read_file(Q, &r.rq, a.post, e) != CPWL_OK
        || cpwl_stochnet_read_file(P, &r.rp, a.prior, e) != CPWL_OK
        || cpwl_stochnet_compatible(P, Q, e) != CPWL_OK
        || cpwl_erm_data_read_file(data, a.data, e) != CPWL_OK)
    {
        status = cli_fail(SUB, e);
        goto done;
    }
    if (Q->grid_j > 0)
    {
        status = cli_usage(SUB, "%s: the posterior's sigma is a grid point "
                           "(not a binary64 number): it cannot be sampled; "
                           "give it as a number or per parameter", a.post);
        goto done;
    }
    r.m = data->D;
    {
        double work = (double) a.samples * (double) FLINT_MAX(data->D, 1)
                      * (double) FLINT_MAX(Q->w->d, 1);
        if (work > a.max_work)
        {
            status = cli_usage(SUB, "%ld networks x %ld points x %ld "
                               "parameters = %.3g exceeds the work budget "
                               "%.3g; raise it with --max-work",
                               (long) a.samples, (long) data->D,
                               (long) Q->w->d, work, a.max_work);
            goto done;
        }
    }

    /* The hypotheses of the bound before the long part. */
    in->kind = (cpwl_pacbayes_kind) a.kind;
    fmpz_set_si(in->m, data->D);
    fmpq_set(in->delta, a.delta);
    fmpq_set(in->lambda, a.lambda);
    fmpq_set(in->catoni_c, a.catoni_c);
    if (cpwl_pacbayes_input_check(in, e) != CPWL_OK
        || cpwl_gauss_kl(r.kl, Q->w, P->w, PB_PREC, e) != CPWL_OK)
    {
        status = cli_fail(SUB, e);
        goto done;
    }
    r.kl_d = cpwl_gauss_kl_d(Q->w, P->w);
    if (P->grid_j > 0)
        cpwl_gauss_grid_union_term(r.union_term, P->grid_j, PB_PREC);

    cli_catch_sigint(&old);
    caught = 1;
    cli_progress_init(&ps, SUB, a.pmode);
    t0 = cli_now();
    loss->kind = (cpwl_stochnet_loss_kind) a.loss;
    fmpq_set(loss->p_min, a.p_min);
    status = cpwl_stochnet_risk_loss(r.R, Q, data, loss, a.samples, a.seed,
                                     &cli_interrupted,
                                     ps.on ? certify_progress : NULL, &ps, e);
    r.seconds = cli_now() - t0;
    cli_progress_end(&ps);
    if (status != CPWL_OK)
    {
        /* The library names a bad label by its data point; say which
           file (its other input errors are about the posterior). */
        if (strncmp(e->msg, "data point ", 11) == 0)
        {
            char m[CPWL_ERR_MSG_LEN];
            snprintf(m, sizeof(m), "%.200s: %.800s", a.data, e->msg);
            memcpy(e->msg, m, sizeof(m));
        }
        status = cli_fail(SUB, e);
        goto done;
    }
    if (r.R->samples == 0)
    {
        fprintf(stderr, "cpwl %s: interrupted before the first network was "
                "drawn: nothing certified\n", SUB);
        status = CLI_EXIT_INTERRUPTED;
        goto done;
    }

    /* q: the sample-convergence upper bound, rounded up to a rational
       (at most 1: a risk is). */
    if (cpwl_stochnet_risk_upper(r.emp_up, r.R->emp, r.R->samples, a.delta2,
                                 PB_PREC, e) != CPWL_OK)
    {
        status = cli_fail(SUB, e);
        goto done;
    }
    cpwl_pacbayes_round_up(r.emp_up_q, r.emp_up, a.digits);
    {
        arb_t t;
        arb_init(t);
        arb_set_fmpq(t, r.R->emp, PB_PREC);
        cpwl_pacbayes_round_up(r.emp_q, t, a.digits);
        arb_clear(t);
    }
    if (fmpz_cmp(fmpq_numref(r.emp_up_q), fmpq_denref(r.emp_up_q)) > 0)
        fmpq_one(r.emp_up_q);
    arb_set(in->kl, r.kl);
    arb_set_fmpq(in->emp, r.emp_up_q, PB_PREC);
    arb_set(in->union_term, r.union_term);
    if (cpwl_pacbayes_input_check(in, e) != CPWL_OK
        || cpwl_pacbayes_bound(r.B, in, a.digits, PB_PREC, e) != CPWL_OK)
    {
        status = cli_fail(SUB, e);
        goto done;
    }
    fmpq_one(r.confidence);
    fmpq_sub(r.confidence, r.confidence, a.delta);
    fmpq_sub(r.confidence, r.confidence, a.delta2);

    if (a.json)
        report_json(&a, Q, P, &r);
    else
        report_text(&a, Q, P, &r);
    if (r.R->stopped)
    {
        fprintf(stderr, "cpwl %s: interrupted after %ld of %ld networks: the "
                "certificate uses those drawn\n", SUB, (long) r.R->samples,
                (long) a.samples);
        status = CLI_EXIT_INTERRUPTED;
    }
done:
    if (caught)
        cli_restore_sigint(&old);
    cpwl_pacbayes_bound_clear(r.B);
    cpwl_stochnet_risk_clear(r.R);
    cpwl_stochnet_loss_clear(loss);
    fmpq_clear(r.emp_q);
    fmpq_clear(r.confidence);
    fmpq_clear(r.emp_up_q);
    arb_clear(r.emp_up);
    arb_clear(r.union_term);
    arb_clear(r.kl);
    cpwl_pacbayes_input_clear(in);
    cpwl_erm_data_clear(data);
    cpwl_stochnet_clear(P);
    cpwl_stochnet_clear(Q);
    fmpq_clear(a.p_min);
    fmpq_clear(a.catoni_c);
    fmpq_clear(a.lambda);
    fmpq_clear(a.delta2);
    fmpq_clear(a.delta);
    return status;
}
