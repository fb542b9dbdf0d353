/* cpwl experiment pacbayes: train a Gaussian posterior over a small ReLU
   classifier on Fashion-MNIST with a PAC-Bayes objective, then certify
   its risk as `cpwl pacbayes certify` does (docs/experiments.md, "Chapter
   6 on real data").  Thin: options, the data, files, the report; the
   training and the certificate are module pbtrain's. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl/num.h"
#include "cpwl/dataset.h"
#include "experiment.h"
#include "pacbayes.h"

#define SUB "experiment pacbayes"
#define PB_PREC 256
#define PB_MAXL 16

/* Streams of the one seed: the prior's initialisation uses the seed
   itself; training, the certificate's draws and the test draws use
   the seed xor a tag, so that no two share a sequence of normals (the
   certificate's draws must not be the ones the posterior was built
   from). */
#define TAG_TRAIN 0x747261696eULL
#define TAG_CERT 0x63657274ULL
#define TAG_TEST 0x74657374ULL

static const char usage[] =
    "usage: cpwl experiment pacbayes [OPTIONS]\n"
    "Train a Gaussian posterior over a ReLU classifier's weights on\n"
    "Fashion-MNIST with PBB's fquad or fclassic objective, then certify its\n"
    "risk (0-1 loss) with the Maurer bound and sample convergence.\n"
    "  --data DIR           Fashion-MNIST directory (default: Debian's)\n"
    "  --classes LIST|all   classes, e.g. 0,1 (default) or all\n"
    "  --train N --test N   first N points of the classes (default: all)\n"
    "  --hidden LIST        hidden widths, e.g. 100 or 100-100 (default 100)\n"
    "  --epochs E | --steps T   training length (default 10 epochs)\n"
    "  --batch B            points per step (default 250)\n"
    "  --optimizer A        heavy-ball (default) or nag\n"
    "  --lr A --momentum M  default 0.005 and 0.95 (PBB's)\n"
    "  --objective fquad|fclassic   (default fquad)\n"
    "  --sigma-prior S      the prior's sigma (default 0.03)\n"
    "  --p-min P            bounded cross-entropy (default 0.0001)\n"
    "  --delta D            PAC-Bayes confidence (default 0.025)\n"
    "  --delta-samples D'   sample convergence (default 0.01)\n"
    "  --samples N          networks drawn for the certificate (default 100)\n"
    "  --test-samples N     networks drawn for the test error (default 20)\n"
    "  --seed S             prior, batches, draws (default 1)\n"
    "  --out DIR            output directory (default pacbayes-out)\n"
    "  --write-csv          also write DIR/train.csv for pacbayes certify\n"
    "  --max-work W         networks x points x parameters (default 1e11)\n"
    "  --json               the report as JSON\n"
    "  --progress | --no-progress\n";

typedef struct
{
    const char *data, *out, *classes, *hidden, *algo;
    fmpq_t lr, momentum, delta, delta2;
    double sigma0, p_min, max_work;
    slong ntrain, ntest, epochs, steps, batch, samples, tsamples;
    uint64_t seed;
    int objective, json, csv, pmode, help;
}
pb_args;

static int parse_double(double *x, const char *opt, const char *s, int open01)
{
    char *end;
    errno = 0;
    *x = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(*x) || !(*x > 0)
        || (open01 && !(*x < 1)))
        return cli_usage(SUB, "%s: expected a number %s, got \"%.40s\"", opt,
                         open01 ? "in (0, 1)" : "> 0", s);
    return CPWL_OK;
}

static int parse_args(pb_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'D'},
        {"classes", required_argument, NULL, 'c'},
        {"train", required_argument, NULL, 'n'},
        {"test", required_argument, NULL, 't'},
        {"hidden", required_argument, NULL, 'H'},
        {"epochs", required_argument, NULL, 'E'},
        {"steps", required_argument, NULL, 'T'},
        {"batch", required_argument, NULL, 'B'},
        {"optimizer", required_argument, NULL, 'A'},
        {"lr", required_argument, NULL, 'l'},
        {"momentum", required_argument, NULL, 'u'},
        {"objective", required_argument, NULL, 'O'},
        {"sigma-prior", required_argument, NULL, 'S'},
        {"p-min", required_argument, NULL, 'P'},
        {"delta", required_argument, NULL, 'd'},
        {"delta-samples", required_argument, NULL, 'e'},
        {"samples", required_argument, NULL, 'N'},
        {"test-samples", required_argument, NULL, 'M'},
        {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"write-csv", no_argument, NULL, 'C'},
        {"max-work", required_argument, NULL, 'w'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    int c, st = CPWL_OK;
    char *end;
    optind = 1;
    opterr = 0;
    while (st == CPWL_OK
           && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
    {
        if (cli_progress_option(&a->pmode, c))
            continue;
        switch (c)
        {
        case 'D': a->data = optarg; break;
        case 'c': a->classes = optarg; break;
        case 'H': a->hidden = optarg; break;
        case 'o': a->out = optarg; break;
        case 'A': a->algo = optarg; break;
        case 'C': a->csv = 1; break;
        case 'j': a->json = 1; break;
        case 'h': a->help = 1; break;
        case 'n':
            st = cli_parse_slong(&a->ntrain, SUB, "--train", optarg, 8,
                                 60000);
            break;
        case 't':
            st = cli_parse_slong(&a->ntest, SUB, "--test", optarg, 1, 10000);
            break;
        case 'E':
            st = cli_parse_slong(&a->epochs, SUB, "--epochs", optarg, 0,
                                 WORD(1) << 30);
            break;
        case 'T':
            st = cli_parse_slong(&a->steps, SUB, "--steps", optarg, 1,
                                 WORD(1) << 40);
            break;
        case 'B':
            st = cli_parse_slong(&a->batch, SUB, "--batch", optarg, 1,
                                 60000);
            break;
        case 'N':
            st = cli_parse_slong(&a->samples, SUB, "--samples", optarg, 1,
                                 WORD(1) << 30);
            break;
        case 'M':
            st = cli_parse_slong(&a->tsamples, SUB, "--test-samples", optarg,
                                 1, WORD(1) << 30);
            break;
        case 'l':
            st = cli_pb_parse_q(a->lr, SUB, "--lr", optarg);
            if (st == CPWL_OK && fmpq_sgn(a->lr) <= 0)
                st = cli_usage(SUB, "--lr: expected a number > 0");
            break;
        case 'u':
            st = cli_pb_parse_q(a->momentum, SUB, "--momentum", optarg);
            if (st == CPWL_OK && (fmpq_sgn(a->momentum) < 0
                                  || fmpz_cmp(fmpq_numref(a->momentum),
                                              fmpq_denref(a->momentum)) >= 0))
                st = cli_usage(SUB, "--momentum: expected a number in "
                               "[0, 1)");
            break;
        case 'd':
            st = cli_pb_parse_q(a->delta, SUB, "--delta", optarg);
            break;
        case 'e':
            st = cli_pb_parse_q(a->delta2, SUB, "--delta-samples", optarg);
            break;
        case 'O':
            if ((a->objective = cpwl_pbtrain_objective_from_name(optarg)) < 0)
                st = cli_usage(SUB, "--objective: expected fquad or "
                               "fclassic, got \"%.40s\"", optarg);
            break;
        case 'S':
            st = parse_double(&a->sigma0, "--sigma-prior", optarg, 0);
            break;
        case 'P':
            st = parse_double(&a->p_min, "--p-min", optarg, 1);
            break;
        case 'w':
            errno = 0;
            a->max_work = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || errno != 0
                || !(a->max_work >= 1))
                st = cli_usage(SUB, "--max-work: expected a number >= 1 (e.g. "
                               "1e11), got \"%.40s\"", optarg);
            break;
        case 's':
            errno = 0;
            a->seed = strtoull(optarg, &end, 10);
            if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0'
                || errno != 0)
                st = cli_usage(SUB, "--seed: expected an integer from 0 to "
                               "2^64 - 1, got \"%.40s\"", optarg);
            break;
        default:
            return cli_bad_option(SUB, c, argv);
        }
    }
    if (st != CPWL_OK || a->help)
        return st;
    if (optind < argc)
        return cli_usage(SUB, "unexpected argument \"%.40s\"", argv[optind]);
    if (cli_pb_check_deltas(SUB, a->delta, a->delta2) != 0)
        return CPWL_ERR_INPUT;
    if (strcmp(a->algo, "heavy-ball") != 0 && strcmp(a->algo, "nag") != 0)
        return cli_usage(SUB, "--optimizer: expected heavy-ball or nag, got "
                         "\"%.40s\"", a->algo);
    return CPWL_OK;
}

/* "0,1" or "all" into classes (k of them). */
static int parse_classes(int *cls, slong *k, const char *s)
{
    const char *p = s;
    *k = 0;
    if (strcmp(s, "all") == 0)
    {
        for (*k = 0; *k < 10; (*k)++)
            cls[*k] = (int) *k;
        return CPWL_OK;
    }
    while (*p != '\0')
    {
        char *end;
        long v;
        errno = 0;
        v = strtol(p, &end, 10);
        /* digits only: strtol's blanks and signs would reach the JSON
           report's "classes" string as they are */
        if (*p < '0' || *p > '9' || end == p || errno != 0 || v < 0
            || v > 9 || *k == 10
            || (*end != ',' && *end != '\0'))
            return cli_usage(SUB, "--classes: expected a comma list of "
                             "distinct classes 0 to 9 or \"all\", got "
                             "\"%.40s\"", s);
        cls[(*k)++] = (int) v;
        p = *end == ',' ? end + 1 : end;
    }
    if (*k < 2)
        return cli_usage(SUB, "--classes: expected at least two classes, got "
                         "\"%.40s\"", s);
    return CPWL_OK;
}

/* The split with the classes, the first max points of them. */
static int load(cpwl_dataset_t D, const char *dir, const char *split,
                const int *cls, slong k, slong max, cpwl_err_t e)
{
    if (cpwl_dataset_fashion_mnist(D, dir, split, -1, e) != CPWL_OK
        || cpwl_dataset_select_classes(D, cls, k, e) != CPWL_OK)
        return e->status;
    if (max > 0)
        cpwl_dataset_head(D, max);
    return CPWL_OK;
}

typedef struct
{
    cli_progress_state ps;
    slong total;
    double last_obj, last_loss, last_kl;
}
pb_ctx;

static int pb_visit(void *data, slong epoch, slong step, double obj,
                    double loss, double kl)
{
    pb_ctx *X = data;
    char rate[CLI_RATE_SIZE];
    X->last_obj = obj;
    X->last_loss = loss;
    X->last_kl = kl;
    if (cli_progress_due(&X->ps))
        cli_progress_line(&X->ps, "epoch %ld, step %ld/%ld, objective %.5g "
                          "(loss %.4g, KL %.5g), %s", (long) epoch,
                          (long) step, (long) X->total, obj, loss, kl,
                          cli_progress_rate(rate, (double) step,
                                            X->ps.start));
    return cli_interrupted != 0;
}

static void cert_progress(void *data, slong done, slong total)
{
    cli_progress_state *p = data;
    char rate[CLI_RATE_SIZE];
    if (cli_progress_due(p))
        cli_progress_line(p, "certificate: %ld/%ld networks drawn, %s",
                          (long) done, (long) total,
                          cli_progress_rate(rate, (double) done, p->start));
}

/* Everything reported. */
typedef struct
{
    slong m, mtest, d, steps, widths[PB_MAXL + 2], nl;
    double train_s, cert_s, kl_d, obj0, obj, loss, mean_test, mean_train,
        stoch_test;
    char cmd[16384];
}
pb_report;

static char *qs(const fmpq_t q)
{
    return fmpq_get_str(NULL, 10, q);
}

static char *dec(const fmpq_t q)
{
    char *s = cpwl_pacbayes_decimal_str(q);
    return s != NULL ? s : cli_q_str(q, 0);
}

static void report(FILE *f, int json, const pb_args *a, const pb_report *r,
                   const cpwl_pbtrain_cert_t C)
{
    char *s1, *s2, *s3, *s4, *s5, *s6, *s7, *s8;
    char shape[256];
    slong l, n = 0;
    fmpq_t klu, conf;
    fmpq_init(klu);
    fmpq_init(conf);
    cpwl_pacbayes_round_up(klu, C->kl, 6);
    fmpq_one(conf);
    fmpq_sub(conf, conf, a->delta);
    fmpq_sub(conf, conf, a->delta2);
    shape[0] = '\0';
    for (l = 0; l <= r->nl; l++)
        n += snprintf(shape + n, sizeof(shape) - n, l ? "-%ld" : "%ld",
                      (long) r->widths[l]);
    s1 = cli_arb_str(C->kl, 1, 15);
    s2 = qs(C->R->emp);
    s3 = dec(C->emp_upper_q);
    s4 = qs(C->B->upper);
    s5 = dec(C->B->upper);
    s6 = dec(klu);
    s7 = qs(conf);
    s8 = cli_q_str(C->R->emp, 1);
    if (json)
    {
        char *q = cpwl_io_json_quote(r->cmd);
        fprintf(f, "{\"classes\": \"%s\", \"shape\": \"%s\", "
                "\"parameters\": %ld, \"m\": %ld, \"test_points\": %ld, "
                "\"objective\": \"%s\", \"steps\": %ld, \"seed\": %llu, "
                "\"sigma_prior\": %.17g, \"p_min\": %.17g, "
                "\"train_seconds\": %.3f, \"objective_first_epoch\": %.10g, "
                "\"objective_last_epoch\": %.10g, \"kl\": \"%s\", "
                "\"kl_upper\": \"%s\", \"kl_double\": %.17g, "
                "\"samples\": %ld, \"cert_seed\": %llu, \"mistakes\": \"",
                a->classes, shape, (long) r->d, (long) r->m, (long) r->mtest,
                cpwl_pbtrain_objective_name(a->objective), (long) r->steps,
                (unsigned long long) a->seed, a->sigma0, a->p_min, r->train_s,
                r->obj0, r->obj, s1, s6, r->kl_d, (long) C->R->samples,
                (unsigned long long) (a->seed ^ TAG_CERT));
        fmpz_fprint(f, C->R->mistakes);
        fprintf(f, "\", \"emp_risk\": \"%s\", \"emp_risk_upper\": \"%s\", "
                "\"bound\": \"maurer\", \"certificate\": \"%s\", "
                "\"certificate_decimal\": \"%s\", \"confidence\": \"%s\", "
                "\"vacuous\": %s, \"cert_seconds\": %.3f, "
                "\"test_error_mean_net\": %.10g, "
                "\"test_error_stochastic\": %.10g, \"test_samples\": %ld, "
                "\"train_error_mean_net\": %.10g, \"reproduce\": %s}\n",
                s2, s3, s4, s5, s7, C->B->vacuous ? "true" : "false",
                r->cert_s, r->mean_test, r->stoch_test, (long) a->tsamples,
                r->mean_train, q);
        flint_free(q);
    }
    else
    {
        fprintf(f, "classifier       %s (classes %s), %ld parameters, "
                "relu hidden layers\n", shape, a->classes, (long) r->d);
        fprintf(f, "training         %ld points, %ld steps of %s (%s, batch "
                "%ld), %.1f s; objective %.6g -> %.6g\n", (long) r->m,
                (long) r->steps, cpwl_pbtrain_objective_name(a->objective),
                a->algo, (long) a->batch, r->train_s, r->obj0, r->obj);
        fprintf(f, "prior            N(w_0, sigma_0^2 I), sigma_0 = %.17g, "
                "w_0 from seed %llu\n", a->sigma0,
                (unsigned long long) a->seed);
        fprintf(f, "KL(Q||P)         %s <= %s (double sum %.17g)\n", s1, s6,
                r->kl_d);
        fprintf(f, "empirical risk   e_N = %s over N = %ld networks x m = %ld "
                "points (0-1 loss, exact)\n", s8, (long) C->R->samples,
                (long) r->m);
        fprintf(f, "sample conv.     kl^-1(e_N, ln(2/delta')/N) <= %s\n", s3);
        fprintf(f, "certificate      risk <= %s = %s (Maurer, confidence "
                "%s)%s\n", s4, s5, s7,
                C->B->vacuous ? " (vacuous: >= 1)" : "");
        fprintf(f, "test error       stochastic %.4f (%ld draws, %ld points), "
                "mean network %.4f (train %.4f), binary64\n", r->stoch_test,
                (long) a->tsamples, (long) r->mtest, r->mean_test,
                r->mean_train);
        fprintf(f, "certificate time %.1f s\n", r->cert_s);
        fprintf(f, "reproduce        %s\n", r->cmd);
    }
    flint_free(s1);
    flint_free(s2);
    flint_free(s3);
    flint_free(s4);
    flint_free(s5);
    flint_free(s6);
    flint_free(s7);
    flint_free(s8);
    fmpq_clear(klu);
    fmpq_clear(conf);
}

int cli_experiment_pacbayes(int argc, char **argv)
{
    pb_args a;
    pb_report r;
    pb_ctx X;
    cpwl_dataset_t Dtr, Dte;
    cpwl_pbtrain_t T;
    cpwl_pbtrain_opts po;
    cpwl_pbtrain_result res;
    cpwl_optim_opts_t o;
    cpwl_stochnet_t Q, P;
    cpwl_erm_data_t data;
    cpwl_pbtrain_cert_t C;
    cpwl_err_t e;
    struct sigaction old;
    int cls[10], caught = 0, st = CPWL_OK, have_T = 0;
    slong k, i;
    double *Xtr = NULL, *Xte = NULL, t0;
    char path[4096], ppost[4096], pprior[4096], pcsv[4096];
    FILE *f;

    memset(&a, 0, sizeof a);
    memset(&r, 0, sizeof r);
    fmpq_init(a.lr);
    fmpq_init(a.momentum);
    fmpq_init(a.delta);
    fmpq_init(a.delta2);
    fmpq_set_si(a.lr, 1, 200);
    fmpq_set_si(a.momentum, 95, 100);
    fmpq_set_si(a.delta, 1, 40);
    fmpq_set_si(a.delta2, 1, 100);
    a.classes = "0,1";
    a.hidden = "100";
    a.algo = "heavy-ball";
    a.out = "pacbayes-out";
    a.sigma0 = 0.03;
    a.p_min = 1e-4;
    a.max_work = 1e11;
    a.epochs = 10;
    a.batch = 250;
    a.samples = 100;
    a.tsamples = 20;
    a.seed = 1;
    a.objective = CPWL_PBTRAIN_FQUAD;
    a.pmode = CLI_PROGRESS_AUTO;
    cpwl_err_init(e);
    cpwl_dataset_init(Dtr);
    cpwl_dataset_init(Dte);
    cpwl_stochnet_init(Q);
    cpwl_stochnet_init(P);
    cpwl_erm_data_init(data);
    cpwl_pbtrain_cert_init(C);
    cpwl_optim_opts_init(o);

    if ((st = parse_args(&a, argc, argv)) != CPWL_OK)
        goto done;
    if (a.help)
    {
        fputs(usage, stdout);
        goto done;
    }
    if ((st = parse_classes(cls, &k, a.classes)) != CPWL_OK)
        goto done;
    {
        slong hw[PB_MAXL + 1], nh;
        const char *p = a.hidden;
        for (nh = 0; *p != '\0'; nh++)
        {
            char *end;
            long v;
            errno = 0;
            v = strtol(p, &end, 10);
            if (nh == PB_MAXL || end == p || errno != 0 || v < 1
                || v > 100000 || (*end != '-' && *end != '\0'))
            {
                st = cli_usage(SUB, "--hidden: expected widths such as 100 "
                               "or 100-100 (at most %d, each 1 to 100000), "
                               "got \"%.40s\"", PB_MAXL, a.hidden);
                goto done;
            }
            hw[nh] = v;
            p = *end == '-' ? end + 1 : end;
        }
        if (nh == 0)
        {
            st = cli_usage(SUB, "--hidden: expected at least one width");
            goto done;
        }
        r.nl = nh + 1;
        r.widths[0] = 784;
        for (i = 0; i < nh; i++)
            r.widths[i + 1] = hw[i];
        r.widths[nh + 1] = k;
    }

    /* The data (Ctrl-C caught from here on: reading the files may take
       seconds, and an interrupt then stops before training). */
    cli_catch_sigint(&old);
    caught = 1;
    if (load(Dtr, a.data, "train", cls, k, a.ntrain, e) != CPWL_OK
        || load(Dte, a.data, "test", cls, k, a.ntest, e) != CPWL_OK)
    {
        st = cli_fail(SUB, e);
        goto done;
    }
    if (cli_interrupted)
    {
        fprintf(stderr, "cpwl %s: interrupted after reading the data, before "
                "training\n", SUB);
        st = CLI_EXIT_INTERRUPTED;
        goto done;
    }
    if (Dtr->d != 784 || Dte->d != 784)
    {
        /* the test set too: its buffer below has 784 per point */
        st = cli_usage(SUB, "--data: expected 28 x 28 images, got %ld "
                       "coordinates in the %s set", (long) (Dtr->d != 784
                       ? Dtr->d : Dte->d), Dtr->d != 784 ? "train" : "test");
        goto done;
    }
    r.m = Dtr->n;
    r.mtest = Dte->n;
    if (a.batch > r.m)
    {
        st = cli_usage(SUB, "--batch %ld: the training set has only %ld "
                       "points", (long) a.batch, (long) r.m);
        goto done;
    }
    if (r.mtest < 1)
    {
        /* found before training: the test error divides by it */
        st = cli_usage(SUB, "the test set has no points of the classes %s",
                       a.classes);
        goto done;
    }
    if (r.m < 8)
    {
        st = cli_usage(SUB, "the Maurer bound needs at least 8 training "
                       "points, the classes have %ld", (long) r.m);
        goto done;
    }
    if (cpwl_pbtrain_init(T, r.widths, r.nl, a.sigma0, a.seed, e) != CPWL_OK)
    {
        st = cli_fail(SUB, e);
        goto done;
    }
    have_T = 1;
    r.d = T->d;
    {
        double work = (double) a.samples * (double) r.m * (double) r.d;
        if (work > a.max_work)
        {
            st = cli_usage(SUB, "%ld networks x %ld points x %ld parameters "
                           "= %.3g exceeds the work budget %.3g; raise it "
                           "with --max-work", (long) a.samples, (long) r.m,
                           (long) r.d, work, a.max_work);
            goto done;
        }
    }
    Xtr = flint_malloc(r.m * 784 * sizeof(double));
    Xte = flint_malloc(FLINT_MAX(r.mtest, 1) * 784 * sizeof(double));
    cpwl_dataset_get_d(Xtr, Dtr);
    cpwl_dataset_get_d(Xte, Dte);
    if ((st = cli_experiment_mkdir(SUB, a.out)) != CPWL_OK)
        goto done;

    /* Training. */
    cpwl_pbtrain_opts_init(&po);
    po.objective = (cpwl_pbtrain_objective) a.objective;
    po.p_min = a.p_min;
    po.delta = fmpq_get_d(a.delta);
    po.epochs = a.epochs;
    po.steps = a.steps;
    po.batch = a.batch;
    po.seed = a.seed ^ TAG_TRAIN;
    cpwl_optim_algo_from_str(o, a.algo);
    fmpq_set(o->lr, a.lr);
    fmpq_set(o->momentum, a.momentum);
    memset(&X, 0, sizeof X);
    X.total = a.steps > 0 ? a.steps : a.epochs * (r.m / a.batch);
    cli_progress_init(&X.ps, SUB, a.pmode);
    t0 = cli_now();
    st = cpwl_pbtrain_train(&res, T, Xtr, Dtr->labels, r.m, &po, o,
                            &cli_interrupted, pb_visit, &X, e);
    r.train_s = cli_now() - t0;
    cli_progress_end(&X.ps);
    if (st != CPWL_OK)
    {
        st = cli_fail(SUB, e);
        goto done;
    }
    if (cli_interrupted)
    {
        fprintf(stderr, "cpwl %s: interrupted after %ld training steps\n",
                SUB, (long) res.steps);
        st = CLI_EXIT_INTERRUPTED;
        goto done;
    }
    r.steps = res.steps;
    r.obj0 = res.first_objective;
    r.obj = res.objective;

    /* The files, read back: the certificate is for what they hold. */
    snprintf(ppost, sizeof ppost, "%s/posterior.json", a.out);
    snprintf(pprior, sizeof pprior, "%s/prior.json", a.out);
    snprintf(pcsv, sizeof pcsv, "%s/train.csv", a.out);
    if (cpwl_pbtrain_write_gauss(ppost, T, 0, e) != CPWL_OK
        || cpwl_pbtrain_write_gauss(pprior, T, 1, e) != CPWL_OK
        || cpwl_stochnet_read_file(Q, NULL, ppost, e) != CPWL_OK
        || cpwl_stochnet_read_file(P, NULL, pprior, e) != CPWL_OK
        || cpwl_dataset_get_erm_data(data, Dtr, e) != CPWL_OK
        || (a.csv && cpwl_pbtrain_write_csv(pcsv, data, e) != CPWL_OK))
    {
        st = cli_fail(SUB, e);
        goto done;
    }
    r.kl_d = cpwl_gauss_kl_d(Q->w, P->w);
    {
        char *d1 = qs(a.delta), *d2 = qs(a.delta2);
        snprintf(r.cmd, sizeof r.cmd, "cpwl pacbayes certify --posterior %s "
                 "--prior %s --data %s --delta %s --delta-samples %s "
                 "--samples %ld --seed %llu --max-work %.17g%s", ppost,
                 pprior, pcsv, d1, d2, (long) a.samples,
                 (unsigned long long) (a.seed ^ TAG_CERT),
                 FLINT_MAX(1e10, a.max_work),
                 a.csv ? "" : "   (write the data with --write-csv)");
        flint_free(d1);
        flint_free(d2);
    }

    /* The certificate. */
    cli_progress_init(&X.ps, SUB, a.pmode);
    t0 = cli_now();
    st = cpwl_pbtrain_certify(C, Q, P, data, CPWL_PACBAYES_MAURER, a.delta,
                              a.delta2, a.samples, a.seed ^ TAG_CERT, 6,
                              PB_PREC, &cli_interrupted,
                              X.ps.on ? cert_progress : NULL, &X.ps, e);
    r.cert_s = cli_now() - t0;
    cli_progress_end(&X.ps);
    /* Ctrl-C before the first draw makes the certificate an error
       (nothing certified): still an interruption, exit 130. */
    if (C->R->stopped || (st != CPWL_OK && cli_interrupted))
    {
        fprintf(stderr, "cpwl %s: interrupted after %ld of %ld networks: no "
                "report written\n", SUB, (long) C->R->samples,
                (long) a.samples);
        st = CLI_EXIT_INTERRUPTED;
        goto done;
    }
    if (st != CPWL_OK)
    {
        st = cli_fail(SUB, e);
        goto done;
    }

    /* Test errors in binary64: the mean network and the stochastic
       classifier (Monte Carlo, an estimate, not certified). */
    {
        slong mt = cpwl_pbtrain_mistakes_d(Q->w->mu, Xte, Dte->labels,
                                           r.mtest, T, e);
        slong mtr = cpwl_pbtrain_mistakes_d(Q->w->mu, Xtr, Dtr->labels, r.m,
                                            T, e);
        if (mt < 0 || mtr < 0
            || cpwl_pbtrain_stochastic_error_d(&r.stoch_test, Q, Xte,
                                               Dte->labels, r.mtest,
                                               a.tsamples, a.seed ^ TAG_TEST,
                                               T, e) != CPWL_OK)
        {
            st = cli_fail(SUB, e);
            goto done;
        }
        r.mean_test = (double) mt / (double) r.mtest;
        r.mean_train = (double) mtr / (double) r.m;
    }

    report(stdout, a.json, &a, &r, C);
    snprintf(path, sizeof path, "%s/result.json", a.out);
    if ((f = fopen(path, "w")) == NULL)
    {
        st = cli_usage(SUB, "--out: cannot write %s: %s", path,
                       strerror(errno));
        goto done;
    }
    report(f, 1, &a, &r, C);
    if ((ferror(f) | fclose(f)) != 0)
    {
        st = cli_usage(SUB, "--out: cannot write %s: %s", path,
                       strerror(errno));
        goto done;
    }
    snprintf(path, sizeof path, "%s/result.txt", a.out);
    if ((f = fopen(path, "w")) == NULL)
    {
        st = cli_usage(SUB, "--out: cannot write %s: %s", path,
                       strerror(errno));
        goto done;
    }
    report(f, 0, &a, &r, C);
    if ((ferror(f) | fclose(f)) != 0)
    {
        st = cli_usage(SUB, "--out: cannot write %s: %s", path,
                       strerror(errno));
        goto done;
    }
    st = cli_finish_stdout(SUB, CPWL_OK);
done:
    if (caught)
        cli_restore_sigint(&old);
    if (have_T)
        cpwl_pbtrain_clear(T);
    flint_free(Xtr);
    flint_free(Xte);
    cpwl_optim_opts_clear(o);
    cpwl_pbtrain_cert_clear(C);
    cpwl_erm_data_clear(data);
    cpwl_stochnet_clear(P);
    cpwl_stochnet_clear(Q);
    cpwl_dataset_clear(Dte);
    cpwl_dataset_clear(Dtr);
    fmpq_clear(a.lr);
    fmpq_clear(a.momentum);
    fmpq_clear(a.delta);
    fmpq_clear(a.delta2);
    return st;
}
