/* cpwl experiment adam-vs-nag: the chapter-5 comparison on Fashion-MNIST
   autoencoders (docs/experiments.md).  Thin: options, the data, files;
   the runs, the tuning rule, tables and figures are module experiment's. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl/num.h"
#include "experiment.h"
#include "cpwl/dataset.h"

#define SUB "experiment adam-vs-nag"
#define EXP_MAX_LIST 64

typedef struct
{
    const char *data, *out, *shapes;
    const char *adam_lr, *adam_xi, *adam_b1, *nag_lr, *nag_mom;
    slong ntrain, ntest, eval_n, hessian_n;
    double max_work;
    int pmode, help;
    cpwl_experiment_opts o;
}
an_args;

/* A comma list of exact literals: items (pointers into buf) and values. */
typedef struct
{
    char buf[1024];
    char *item[EXP_MAX_LIST];
    fmpq q[EXP_MAX_LIST];
    slong n;
}
an_list;

static int an_list_parse(an_list *L, const char *opt, const char *s,
                         int positive, int below_one)
{
    char *p, *tok;
    cpwl_err_t e;
    slong i;
    L->n = 0;
    if (strlen(s) >= sizeof L->buf)
        return cli_usage(SUB, "%s: the list is too long", opt);
    strcpy(L->buf, s);
    for (tok = strtok_r(L->buf, ",", &p); tok != NULL;
         tok = strtok_r(NULL, ",", &p))
    {
        if (L->n == EXP_MAX_LIST)
            return cli_usage(SUB, "%s: at most %d values", opt, EXP_MAX_LIST);
        L->item[L->n] = tok;
        fmpq_init(L->q + L->n);
        L->n++;
        cpwl_err_init(e);
        if (cpwl_num_parse_fmpq(L->q + L->n - 1, tok, strlen(tok),
                                CPWL_NUM_EXACT, e) != CPWL_OK)
            return cli_usage(SUB, "%s: \"%.40s\": %s", opt, tok, e->msg);
        i = L->n - 1;
        if ((positive && fmpq_sgn(L->q + i) <= 0)
            || (!positive && fmpq_sgn(L->q + i) < 0)
            || (below_one && fmpz_cmp(fmpq_numref(L->q + i),
                                      fmpq_denref(L->q + i)) >= 0))
            return cli_usage(SUB, "%s: \"%.40s\": expected a number %s%s",
                             opt, tok, positive ? "> 0" : ">= 0",
                             below_one ? " and < 1" : "");
    }
    if (L->n == 0)
        return cli_usage(SUB, "%s: expected a comma-separated list of "
                         "numbers", opt);
    return CPWL_OK;
}

static void an_list_clear(an_list *L)
{
    slong i;
    for (i = 0; i < L->n; i++)
        fmpq_clear(L->q + i);
    L->n = 0;
}

static int parse_args(an_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},
        {"train", required_argument, NULL, 'n'},
        {"test", required_argument, NULL, 'm'},
        {"shapes", required_argument, NULL, 's'},
        {"steps", required_argument, NULL, 'T'},
        {"batch", required_argument, NULL, 'B'},
        {"eval-every", required_argument, NULL, 'K'},
        {"eval-n", required_argument, NULL, 'E'},
        {"hessian-every", required_argument, NULL, 'H'},
        {"hessian-n", required_argument, NULL, 'N'},
        {"lanczos-steps", required_argument, NULL, 'k'},
        {"precision", required_argument, NULL, 'p'},
        {"adam-lr", required_argument, NULL, 'a'},
        {"adam-xi", required_argument, NULL, 'x'},
        {"adam-beta1", required_argument, NULL, 'b'},
        {"nag-lr", required_argument, NULL, 'l'},
        {"nag-momentum", required_argument, NULL, 'u'},
        {"seed", required_argument, NULL, 'S'},
        {"out", required_argument, NULL, 'o'},
        {"checkpoint-every", required_argument, NULL, 'C'},
        {"max-work", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    int c, st = CPWL_OK;
    slong v;
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
    {
        if (cli_progress_option(&a->pmode, c))
            continue;
        switch (c)
        {
        case 'd': a->data = optarg; break;
        case 'o': a->out = optarg; break;
        case 's': a->shapes = optarg; break;
        case 'a': a->adam_lr = optarg; break;
        case 'x': a->adam_xi = optarg; break;
        case 'b': a->adam_b1 = optarg; break;
        case 'l': a->nag_lr = optarg; break;
        case 'u': a->nag_mom = optarg; break;
        case 'h': a->help = 1; break;
        case 'n':
            st = cli_parse_slong(&a->ntrain, SUB, "--train", optarg, 1,
                                 60000);
            break;
        case 'm':
            st = cli_parse_slong(&a->ntest, SUB, "--test", optarg, 0, 10000);
            break;
        case 'T':
            st = cli_parse_slong(&a->o.steps, SUB, "--steps", optarg, 0,
                                 WORD(1) << 40);
            break;
        case 'B':
            st = cli_parse_slong(&a->o.batch, SUB, "--batch", optarg, 1,
                                 60000);
            break;
        case 'K':
            st = cli_parse_slong(&a->o.eval_every, SUB, "--eval-every",
                                 optarg, 1, WORD(1) << 40);
            break;
        case 'E':
            st = cli_parse_slong(&a->eval_n, SUB, "--eval-n", optarg, 1,
                                 60000);
            break;
        case 'H':
            st = cli_parse_slong(&a->o.hessian_every, SUB, "--hessian-every",
                                 optarg, 0, WORD(1) << 40);
            break;
        case 'N':
            st = cli_parse_slong(&a->hessian_n, SUB, "--hessian-n", optarg,
                                 1, 60000);
            break;
        case 'k':
            st = cli_parse_slong(&a->o.lanczos_steps, SUB, "--lanczos-steps",
                                 optarg, 2, 1000);
            break;
        case 'C':
            st = cli_parse_slong(&a->o.checkpoint_every, SUB,
                                 "--checkpoint-every", optarg, 0,
                                 WORD(1) << 40);
            break;
        case 'S':
            st = cli_parse_slong(&v, SUB, "--seed", optarg, 0, WORD_MAX);
            a->o.seed = (uint64_t) v;
            break;
        case 'p':
            if (strcmp(optarg, "float") == 0)
                a->o.prec = CPWL_MLP_FLOAT;
            else if (strcmp(optarg, "double") == 0)
                a->o.prec = CPWL_MLP_DOUBLE;
            else
                return cli_usage(SUB, "--precision: expected float or "
                                 "double, got \"%.40s\"", optarg);
            break;
        case 'w':
            errno = 0;
            a->max_work = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0'
                || !(a->max_work >= 1) || !isfinite(a->max_work))
                return cli_usage(SUB, "--max-work: expected a number >= 1, "
                                 "got \"%.40s\"", optarg);
            break;
        default:
            return cli_bad_option(SUB, c, argv);
        }
        if (st != CPWL_OK)
            return st;
    }
    if (optind < argc)
        return cli_usage(SUB, "unexpected argument \"%.40s\"", argv[optind]);
    return CPWL_OK;
}

/* The data as binary64 rows p / 255 and the same rounded once to
   binary32 (module dataset). */
static int an_load(double **X, float **Xf, slong *n, const char *dir,
                   const char *part, slong max, cpwl_err_t e)
{
    cpwl_dataset_t D;
    int st;
    cpwl_dataset_init(D);
    st = cpwl_dataset_fashion_mnist(D, dir, part, max, e);
    /* the shapes and the buffers below are of 784 coordinates */
    if (st == CPWL_OK && D->d != 784)
        st = cpwl_err_set(e, CPWL_ERR_INPUT, "--data %s: expected 28 x 28 "
                          "images (784 coordinates) in the %s set, got %ld "
                          "coordinates", dir != NULL ? dir
                          : CPWL_DATASET_FASHION_MNIST_DIR, part,
                          (long) D->d);
    if (st == CPWL_OK)
    {
        *n = D->n;
        *X = flint_malloc(FLINT_MAX(D->n * D->d, 1) * sizeof(double));
        *Xf = flint_malloc(FLINT_MAX(D->n * D->d, 1) * sizeof(float));
        cpwl_dataset_get_d(*X, D);
        cpwl_dataset_get_f(*Xf, D);
    }
    cpwl_dataset_clear(D);
    return st;
}

typedef struct
{
    an_args *a;
    cpwl_experiment_cmp_struct *C;
    slong cur[2];
    FILE *csv;
    cli_progress_state ps;
    char *out;
}
an_ctx;

static int an_row(const cpwl_experiment_row *r, void *data, cpwl_err_t e)
{
    an_ctx *X = data;
    cpwl_experiment_csv_row(X->csv, X->C, X->cur[0], X->cur[1], X->a->o.prec,
                            r);
    /* each row on disk as it comes: Ctrl-C or a crash keeps them */
    if (fflush(X->csv) != 0 || ferror(X->csv))
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write %s/runs.csv:"
                            " %s", X->out, strerror(errno));
    if (cli_progress_due(&X->ps))
        cli_progress_line(&X->ps, "%s %ld/%ld, %s, t %ld/%ld, train loss "
                          "%.4g", X->C->shape_text[X->cur[0]],
                          (long) X->cur[1] + 1, (long) X->C->nsettings,
                          X->C->settings[X->cur[1]].text, (long) r->t,
                          (long) X->a->o.steps + 1, r->train_loss);
    return CPWL_OK;
}

static int an_write_net(const cpwl_net_t net, const char *path,
                        cpwl_err_t e)
{
    char *s = cpwl_io_net_write_str(net);
    FILE *f = fopen(path, "w");
    int ok = f != NULL && fputs(s, f) >= 0;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    flint_free(s);
    if (!ok)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write %s: %s",
                            path, strerror(errno));
    return CPWL_OK;
}

static int an_checkpoint(slong t, int last, const cpwl_net_t net,
                         const void *w, void *data, cpwl_err_t e)
{
    an_ctx *X = data;
    char path[4096];
    (void) w;
    if (last || X->a->o.checkpoint_every == 0)
        return CPWL_OK;         /* the best runs' final weights: at the end */
    snprintf(path, sizeof path, "%s/checkpoints/%s-setting%ld-t%ld.json",
             X->out, X->C->shape_text[X->cur[0]], (long) X->cur[1] + 1,
             (long) t);
    return an_write_net(net, path, e);
}

static int an_stop(void *data)
{
    (void) data;
    return cli_interrupted != 0;
}

/* "adam b1=0.9" -> "adam-b1-0.9": a file name. */
static void an_slug(char *d, size_t size, const char *s)
{
    size_t i;
    for (i = 0; i + 1 < size && s[i] != '\0'; i++)
        d[i] = s[i] == ' ' || s[i] == '=' || s[i] == '/' ? '-' : s[i];
    d[i] = '\0';
}

/* Tables, figures and the best runs' checkpoints, from the runs done. */
static int an_outputs(an_ctx *X, cpwl_experiment_cmp_t C, cpwl_err_t e)
{
    char path[4096], slug[128];
    slong s, fa;
    int which, fmt, st = CPWL_OK;
    static const char *names[3] = {"loss", "gradnorm", "hessian"};
    FILE *f;

    snprintf(path, sizeof path, "%s/table.csv", X->out);
    if ((f = fopen(path, "w")) == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write %s: %s",
                            path, strerror(errno));
    cpwl_experiment_table_csv(f, C);
    if (fclose(f) != 0)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write %s", path);
    snprintf(path, sizeof path, "%s/table.md", X->out);
    if ((f = fopen(path, "w")) == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write %s: %s",
                            path, strerror(errno));
    cpwl_experiment_table_md(f, C);
    if (fclose(f) != 0)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write %s", path);
    for (s = 0; s < C->nshapes && st == CPWL_OK; s++)
        for (which = 0; which < 3 && st == CPWL_OK; which++)
        {
            if (which == 2 && X->a->o.hessian_every == 0)
                continue;
            for (fmt = 0; fmt < 2 && st == CPWL_OK; fmt++)
            {
                snprintf(path, sizeof path, "%s/%s-%s.%s", X->out,
                         names[which], C->shape_text[s],
                         fmt == 0 ? "png" : "svg");
                if ((f = fopen(path, "wb")) == NULL)
                    return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write "
                                        "%s: %s", path, strerror(errno));
                st = cpwl_experiment_cmp_plot(f, path,
                                              (cpwl_experiment_format) fmt,
                                              C, s, which, e);
                if (fclose(f) != 0 && st == CPWL_OK)
                    st = cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write "
                                      "%s", path);
            }
        }
    /* the tuned runs' final weights as cpwl networks */
    for (s = 0; s < C->nshapes && st == CPWL_OK; s++)
        for (fa = 0; fa < C->nfamilies && st == CPWL_OK; fa++)
        {
            cpwl_mlp_t M;
            cpwl_net_t net;
            const double *w = C->best_w[s * C->nfamilies + fa];
            if (C->best[s * C->nfamilies + fa] < 0 || w == NULL)
                continue;
            st = cpwl_mlp_init(M, C->widths[s], C->nlayers[s],
                               CPWL_MLP_DOUBLE, e);
            if (st != CPWL_OK)
                break;
            cpwl_net_init(net, M->width[0]);
            /* float weights were widened exactly: the same network */
            cpwl_mlp_to_net_d(net, w, M);
            an_slug(slug, sizeof slug, C->family_text[fa]);
            snprintf(path, sizeof path, "%s/checkpoints/%s-%s.json", X->out,
                     C->shape_text[s], slug);
            st = an_write_net(net, path, e);
            cpwl_net_clear(net);
            cpwl_mlp_clear(M);
        }
    return st;
}

int cli_experiment_adam_nag(int argc, char **argv)
{
    an_args a;
    an_list L_alr, L_axi, L_ab1, L_nlr, L_nmu;
    cpwl_experiment_cmp_t C;
    cpwl_experiment_data D;
    cpwl_experiment_hooks h;
    an_ctx X;
    cpwl_err_t e;
    struct sigaction old;
    double *train = NULL, *test = NULL, work = 0;
    float *train_f = NULL, *test_f = NULL;
    slong i, j, k, ntr = 0, nte = 0;
    char path[4096], *tok, *p, shapes[1024];
    int st = CPWL_OK, caught = 0;

    memset(&a, 0, sizeof a);
    memset(&X, 0, sizeof X);
    L_alr.n = L_axi.n = L_ab1.n = L_nlr.n = L_nmu.n = 0;
    cpwl_experiment_opts_init(&a.o);
    /* the documented budget (docs/experiments.md): under 30 minutes on
       2 cores */
    a.data = NULL;            /* the Debian location */
    a.out = "experiments/adam-vs-nag";
    a.shapes = "784-256-784,784-256-64-256-784";
    a.adam_lr = "1e-3";
    a.adam_xi = "1e-8,1e-4,1e-1";
    a.adam_b1 = "0.9,0.99";
    a.nag_lr = "1e-3,3e-4,1e-4,3e-5";
    a.nag_mom = "0.9,0.99";
    a.ntrain = 10000;
    a.ntest = 2000;
    a.o.prec = CPWL_MLP_FLOAT;
    a.o.steps = 2000;
    a.o.batch = 100;
    a.o.eval_every = 100;
    a.o.hessian_every = 500;
    a.o.lanczos_steps = 20;
    a.max_work = 1e13;
    a.pmode = CLI_PROGRESS_AUTO;
    cpwl_err_init(e);
    cpwl_experiment_cmp_init(C);

    if ((st = parse_args(&a, argc, argv)) != CPWL_OK)
        goto done;
    if (a.help)
    {
        fputs(cli_experiment_usage, stdout);
        goto done;
    }
    if ((st = an_list_parse(&L_alr, "--adam-lr", a.adam_lr, 1, 0))
        || (st = an_list_parse(&L_axi, "--adam-xi", a.adam_xi, 1, 0))
        || (st = an_list_parse(&L_ab1, "--adam-beta1", a.adam_b1, 0, 1))
        || (st = an_list_parse(&L_nlr, "--nag-lr", a.nag_lr, 1, 0))
        || (st = an_list_parse(&L_nmu, "--nag-momentum", a.nag_mom, 0, 1)))
        goto done;
    if (strlen(a.shapes) >= sizeof shapes)
    {
        st = cli_usage(SUB, "--shapes: the list is too long");
        goto done;
    }
    strcpy(shapes, a.shapes);
    for (tok = strtok_r(shapes, ",", &p); tok != NULL;
         tok = strtok_r(NULL, ",", &p))
        if (cpwl_experiment_cmp_add_shape(C, tok, 784, e) != CPWL_OK)
        {
            st = cli_usage(SUB, "--shapes: %s", e->msg);
            goto done;
        }
    if (C->nshapes == 0)
    {
        st = cli_usage(SUB, "--shapes: expected a comma-separated list of "
                       "shapes such as 784-256-784");
        goto done;
    }
    for (i = 0; i < L_ab1.n; i++)
        for (j = 0; j < L_axi.n; j++)
            for (k = 0; k < L_alr.n; k++)
                cpwl_experiment_cmp_add_adam(C, L_ab1.q + i, L_axi.q + j,
                                             L_alr.q + k, L_ab1.item[i],
                                             L_axi.item[j], L_alr.item[k]);
    for (i = 0; i < L_nmu.n; i++)
        for (k = 0; k < L_nlr.n; k++)
            cpwl_experiment_cmp_add_nag(C, L_nlr.q + k, L_nmu.q + i,
                                        L_nlr.item[k], L_nmu.item[i]);
    if (a.o.batch > a.ntrain)
    {
        st = cli_usage(SUB, "--batch %ld: expected at most --train %ld",
                       (long) a.o.batch, (long) a.ntrain);
        goto done;
    }
    a.o.eval_n = a.eval_n > 0 ? a.eval_n : a.ntrain;
    if (a.hessian_n > 0)
        a.o.hessian_n = a.hessian_n;
    else
        a.o.hessian_n = FLINT_MIN(500, a.ntrain);
    if (a.o.eval_n > a.ntrain
        || (a.o.hessian_every > 0 && a.o.hessian_n > a.ntrain))
    {
        st = cli_usage(SUB, "--eval-n and --hessian-n: expected at most "
                       "--train %ld", (long) a.ntrain);
        goto done;
    }
    for (i = 0; i < C->nshapes; i++)
    {
        double np = 0;
        for (j = 1; j <= C->nlayers[i]; j++)
            np += (double) C->widths[i][j] * (double) (C->widths[i][j - 1]
                                                       + 1);
        work += (double) C->nsettings * (double) a.o.steps * np
            * (double) a.o.batch;
    }
    if (work > a.max_work)
    {
        st = cli_usage(SUB, "%ld runs: steps x parameters x batch = %.3g "
                       "exceeds the work budget %.3g; raise it with "
                       "--max-work", (long) (C->nshapes * C->nsettings),
                       work, a.max_work);
        goto done;
    }

    /* the data */
    if (an_load(&train, &train_f, &ntr, a.data, "train", a.ntrain, e)
        != CPWL_OK
        || (a.ntest > 0 && an_load(&test, &test_f, &nte, a.data, "test",
                                   a.ntest, e) != CPWL_OK))
    {
        st = cli_fail(SUB, e);
        goto done;
    }
    if (ntr < a.ntrain)
    {
        st = cli_usage(SUB, "--train %ld: the data has only %ld training "
                       "points", (long) a.ntrain, (long) ntr);
        goto done;
    }
    D.dim = 784;
    D.train = train;
    D.ntrain = ntr;
    D.test = test;
    D.ntest = nte;
    D.train_f = train_f;
    D.test_f = test_f;

    /* the files */
    if ((st = cli_experiment_mkdir(SUB, a.out)) != CPWL_OK)
        goto done;
    snprintf(path, sizeof path, "%s/checkpoints", a.out);
    if ((st = cli_experiment_mkdir(SUB, path)) != CPWL_OK)
        goto done;
    snprintf(path, sizeof path, "%s/runs.csv", a.out);
    if ((X.csv = fopen(path, "w")) == NULL)
    {
        st = cli_usage(SUB, "cannot write %s: %s", path, strerror(errno));
        goto done;
    }
    cpwl_experiment_csv_header(X.csv);
    X.a = &a;
    X.C = C;
    X.out = (char *) a.out;
    h.row = an_row;
    h.checkpoint = an_checkpoint;
    h.stop = an_stop;
    h.data = &X;

    cli_catch_sigint(&old);
    caught = 1;
    cli_progress_init(&X.ps, SUB, a.pmode);
    st = cpwl_experiment_cmp_run(C, &D, &a.o, &h, X.cur, e);
    cli_progress_end(&X.ps);
    if (st == CPWL_OK)
        st = an_outputs(&X, C, e);
    if (st != CPWL_OK)
    {
        st = cli_fail(SUB, e);
        goto done;
    }
    if (C->stopped || cli_interrupted)
    {
        fprintf(stderr, "cpwl %s: interrupted; %s/runs.csv keeps the rows "
                "written, the table the runs finished\n", SUB, a.out);
        st = CLI_EXIT_INTERRUPTED;
        goto done;
    }
    printf("wrote %s/runs.csv, table.md, table.csv, figures and "
           "checkpoints/\n\n", a.out);
    cpwl_experiment_table_md(stdout, C);

done:
    if (caught)
        cli_restore_sigint(&old);
    if (X.csv != NULL && fclose(X.csv) != 0 && st == CPWL_OK)
        st = cli_usage(SUB, "cannot write %s/runs.csv", a.out);
    an_list_clear(&L_alr);
    an_list_clear(&L_axi);
    an_list_clear(&L_ab1);
    an_list_clear(&L_nlr);
    an_list_clear(&L_nmu);
    cpwl_experiment_cmp_clear(C);
    flint_free(train);
    flint_free(test);
    flint_free(train_f);
    flint_free(test_f);
    return cli_finish_stdout(SUB, st);
}
