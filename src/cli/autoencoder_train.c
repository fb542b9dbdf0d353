/* cpwl autoencoder train: the optimiser engine (module optim) on the
   expected loss f(W) = sum_c p_c L(W; A x_c) of the weight-tied
   autoencoder (cpwl_ae_objective_init), from W_1 = A^T + delta D, a
   given W or A^T, with the distance to A^T at every iterate: the paper's
   observation is that A^T looks like a local minimum, i.e. a run started
   near it stays near it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "autoencoder_train.h"

/* An exact run stops when an entry of W_t passes this many bits.  The
   gradient is cubic in W, so the entries' sizes about triple at every
   step, and a step costs codes x h n products of such numbers: at 2^16
   bits a step of the chapter's small examples takes about a second, at
   2^20 (module trace's cap) minutes, and hours for larger ones. */
#define AE_TRAIN_MAX_BITS ((slong) 1 << 16)

static void point_init(train_point *p)
{
    fmpq_init(p->f);
    fmpq_init(p->g2);
    fmpq_init(p->d2);
    arb_init(p->fb);
    arb_init(p->gb);
    arb_init(p->d2b);
    arb_init(p->db);
    p->have = 0;
}

static void point_clear(train_point *p)
{
    fmpq_clear(p->f);
    fmpq_clear(p->g2);
    fmpq_clear(p->d2);
    arb_clear(p->fb);
    arb_clear(p->gb);
    arb_clear(p->d2b);
    arb_clear(p->db);
}

/* |W - A^T|_F^2 for the exact iterate x (h x n row-major). */
static void dist2_exact(fmpq_t d2, const fmpq *x, const train_run *T)
{
    fmpq_t s;
    slong i, j;
    fmpq_init(s);
    fmpq_zero(d2);
    for (i = 0; i < T->h; i++)
        for (j = 0; j < T->n; j++)
        {
            fmpq_sub(s, x + i * T->n + j, fmpq_mat_entry(T->Adict, j, i));
            fmpq_addmul(d2, s, s);
        }
    fmpq_clear(s);
}

/* The same on balls (Arb runs). */
static void dist2_arb(arb_t d2, const cpwl_optim_struct *R, train_run *T)
{
    arb_t s, a;
    slong i, j;
    arb_init(s);
    arb_init(a);
    arb_zero(d2);
    for (i = 0; i < T->h; i++)
        for (j = 0; j < T->n; j++)
        {
            cpwl_val_get_arb(s, R->x + i * T->n + j, T->A, T->prec);
            arb_set_fmpq(a, fmpq_mat_entry(T->Adict, j, i), T->prec);
            arb_sub(s, s, a, T->prec);
            arb_addmul(d2, s, s, T->prec);
        }
    arb_nonnegative_part(d2, d2);
    arb_clear(s);
    arb_clear(a);
}

/* The iterate x_t as rationals into T->x: 0 when an entry is not finite
   (a float overflow). */
static int iterate_exact(train_run *T, const cpwl_optim_struct *R)
{
    slong i;
    for (i = 0; i < T->dim; i++)
        if (!cpwl_val_get_fmpq(T->x + i, R->x + i, T->A))
            return 0;
    return 1;
}

/* Track the distance of x_t to A^T (every iterate).  Returns 0, or 1 when
   a float iterate is no longer finite. */
static int track(train_run *T, const cpwl_optim_struct *R)
{
    if (T->exact_pts)
    {
        if (!iterate_exact(T, R))
        {
            T->finite = 0;
            return 1;
        }
        dist2_exact(T->d2_last, T->x, T);
        if (R->t == 1)
        {
            fmpq_set(T->d2_start, T->d2_last);
            fmpq_set(T->d2_max, T->d2_last);
            T->t_max = 1;
        }
        else if (fmpq_cmp(T->d2_last, T->d2_max) > 0)
        {
            fmpq_set(T->d2_max, T->d2_last);
            T->t_max = R->t;
        }
    }
    else
    {
        dist2_arb(T->b_last, R, T);
        if (R->t == 1)
        {
            arb_set(T->b_start, T->b_last);
            arb_set(T->b_max, T->b_last);
            T->t_max = 1;
        }
        else
        {
            /* the maximum's enclosure; its place: the largest midpoint */
            if (arf_cmp(arb_midref(T->b_last), arb_midref(T->b_max)) > 0)
                T->t_max = R->t;
            arb_max(T->b_max, T->b_max, T->b_last, T->prec);
        }
    }
    T->t_last = R->t;
    return 0;
}

/* Record x_t with f and |grad f| there.  Returns 0; 1 with a message in
   e; 2 when an Arb evaluation could not decide a sign (the enclosure is
   lost: the point is recorded without f). */
static int record(train_run *T, const cpwl_optim_struct *R, cpwl_err_t e)
{
    train_point *p;
    cpwl_val_t f;
    cpwl_val_ptr g;
    slong i;
    int r;

    if (T->npts == T->alloc)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "more recorded iterates "
                            "than planned");
    p = flint_malloc(sizeof(train_point));
    T->pts[T->npts++] = p;
    point_init(p);
    p->t = R->t;
    if (T->exact_pts)
    {
        /* the exact value at the iterate, whatever the run's arithmetic */
        fmpq_set(p->d2, T->d2_last);
        arb_set_fmpq(p->d2b, p->d2, T->prec);
        cpwl_val_init(f, T->X);
        g = cpwl_val_vec_init(T->dim, T->X);
        for (i = 0; i < T->dim; i++)
            cpwl_val_set_fmpq(T->xv + i, T->x + i, T->X);
        r = cpwl_objective_eval(f, g, T->xv, NULL, 0, R->t, T->O, T->X, e);
        if (r == 0)
        {
            fmpq_t q, fq, g2;
            fmpq_init(q);
            fmpq_init(fq);
            fmpq_init(g2);
            cpwl_val_get_fmpq(fq, f, T->X);
            for (i = 0; i < T->dim; i++)
            {
                cpwl_val_get_fmpq(q, g + i, T->X);
                fmpq_addmul(g2, q, q);
            }
            arb_set_fmpq(p->fb, fq, T->prec);
            cpwl_ae_norm_arb(p->gb, g2, T->prec);
            fmpq_swap(p->f, fq);
            fmpq_swap(p->g2, g2);
            fmpq_clear(q);
            fmpq_clear(fq);
            fmpq_clear(g2);
            p->have = 1;
        }
        cpwl_val_vec_clear(g, T->dim, T->X);
        cpwl_val_clear(f, T->X);
    }
    else
    {
        arb_set(p->d2b, T->b_last);
        cpwl_val_init(f, T->A);
        g = cpwl_val_vec_init(T->dim, T->A);
        r = cpwl_objective_eval(f, g, R->x, NULL, 0, R->t, T->O, T->A, e);
        if (r == 0)
        {
            arb_t s;
            arb_init(s);
            cpwl_val_get_arb(p->fb, f, T->A, T->prec);
            arb_zero(p->gb);
            for (i = 0; i < T->dim; i++)
            {
                cpwl_val_get_arb(s, g + i, T->A, T->prec);
                arb_addmul(p->gb, s, s, T->prec);
            }
            arb_nonnegative_part(p->gb, p->gb);
            arb_sqrt(p->gb, p->gb, T->prec);
            arb_clear(s);
            p->have = 1;
        }
        cpwl_val_vec_clear(g, T->dim, T->A);
        cpwl_val_clear(f, T->A);
    }
    arb_sqrt(p->db, p->d2b, T->prec);
    return r;
}

static void train_progress(cli_progress_state *ps, slong t, slong steps)
{
    char rate[CLI_RATE_SIZE];
    if (!cli_progress_due(ps))
        return;
    cli_progress_line(ps, "step %ld/%ld, %s steps/s", (long) t - 1,
                      (long) steps, cli_progress_rate(rate, (double) t - 1,
                                                      ps->start));
}

/* ---- the command ---------------------------------------------------- */

enum
{
    OPT_DICT = 0x400, OPT_CODES, OPT_EPS, OPT_AT, OPT_DELTA, OPT_HEIGHT,
    OPT_ARITH, OPT_EVERY, OPT_CSV, OPT_JSON, OPT_OPT_EPS
};

/* The record of a run in arithmetic A on O (h x n parameters), room for
   alloc recorded iterates. */
static void run_init(train_run *T, cpwl_arith_t A, cpwl_objective_t O,
                     const fmpq_mat_t Adict, slong alloc)
{
    T->A = A;
    T->exact_pts = A->kind != CPWL_ARITH_ARB;
    T->prec = FLINT_MAX(128, A->kind == CPWL_ARITH_ARB ? A->prec : 0);
    T->h = fmpq_mat_ncols(Adict);
    T->n = fmpq_mat_nrows(Adict);
    T->dim = T->h * T->n;
    T->Adict = Adict;
    T->O = O;
    /* t = 1, every every-th, the last, and one where a run stops */
    T->alloc = alloc;
    T->npts = 0;
    T->pts = flint_malloc(T->alloc * sizeof(train_point *));
    T->x = _fmpq_vec_init(T->dim);
    cpwl_arith_init_exact(T->X);
    T->xv = cpwl_val_vec_init(T->dim, T->X);
    T->finite = 1;
    fmpq_init(T->d2_start);
    fmpq_init(T->d2_max);
    fmpq_init(T->d2_last);
    arb_init(T->b_start);
    arb_init(T->b_max);
    arb_init(T->b_last);
}

static void run_clear(train_run *T)
{
    slong i;
    if (T->pts == NULL)
        return;
    for (i = 0; i < T->npts; i++)
    {
        point_clear(T->pts[i]);
        flint_free(T->pts[i]);
    }
    flint_free(T->pts);
    _fmpq_vec_clear(T->x, T->dim);
    cpwl_val_vec_clear(T->xv, T->dim, T->X);
    cpwl_arith_clear(T->X);
    fmpq_clear(T->d2_start);
    fmpq_clear(T->d2_max);
    fmpq_clear(T->d2_last);
    arb_clear(T->b_start);
    arb_clear(T->b_max);
    arb_clear(T->b_last);
}

/* The library names the optimiser's epsilon `eps` (its field); here
   --eps is the threshold and the optimiser's is --opt-eps. */
static int train_optim_fail(cpwl_err_t e)
{
    char buf[CPWL_ERR_MSG_LEN], *p;
    while ((p = strstr(e->msg, "`eps`")) != NULL)
    {
        snprintf(buf, sizeof buf, "%.*s`opt_eps`%s", (int) (p - e->msg),
                 e->msg, p + strlen("`eps`"));
        memcpy(e->msg, buf, sizeof buf);
    }
    return cli_fail(SUB, e);
}

/* The run: steps steps of R, the distance at every iterate, f and the
   gradient at t = 1, every g->every-th and the last.  Stops early on
   Ctrl-C (*stopped), an exact entry past AE_TRAIN_MAX_BITS (*too_big),
   an Arb sign it cannot decide (*lost), a float iterate that is not
   finite (T->finite = 0, said here).  Returns an exit status. */
static int train_loop(train_run *T, cpwl_optim_t R, const train_args *g,
                      slong steps, int *stopped, int *too_big, int *lost)
{
    cpwl_err_t e;
    cli_progress_state ps;
    struct sigaction old;
    int r, status = CPWL_OK;

    cpwl_err_init(e);
    cli_progress_init(&ps, SUB, g->pmode);
    cli_catch_sigint(&old);
    for (;;)
    {
        slong t = R->t;
        int last = t == steps + 1;
        if (track(T, R) != 0)
        {
            fprintf(stderr, "cpwl %s: W_%ld is not finite in %s: the run "
                    "stops there\n", SUB, (long) t, g->arith);
            break;
        }
        if (!last && T->A->kind == CPWL_ARITH_EXACT
            && cpwl_optim_exact_bits(R) > AE_TRAIN_MAX_BITS)
            *too_big = last = 1;
        if (!last && cli_interrupted)
            *stopped = last = 1;
        if (t == 1 || (t - 1) % g->every == 0 || last)
        {
            r = record(T, R, e);
            if (r == 1)
            {
                status = cli_fail(SUB, e);
                break;
            }
            if (r == 2)
            {
                *lost = 1;
                last = 1;
            }
        }
        if (last)
            break;
        r = cpwl_optim_step(R, e);
        if (r == 2)
        {
            /* Arb could not decide a relu sign at W_t: the enclosure is
               lost there; W_t is recorded without f */
            *lost = 1;
            if (T->npts == 0 || T->pts[T->npts - 1]->t != R->t)
                record(T, R, e);
            break;
        }
        if (r != 0)
        {
            status = train_optim_fail(e);
            break;
        }
        train_progress(&ps, R->t, steps);
    }
    cli_restore_sigint(&old);
    cli_progress_end(&ps);
    cpwl_err_clear(e);
    return status;
}

int cli_ae_train(int argc, char **argv)
{
    /* cpwl optim's options by their codes, but --eps is the threshold
       here: the optimiser's epsilon is --opt-eps; no --objective, --x0 */
    static const struct option opts_l[] = {
        {"algo", required_argument, NULL, 0x300},
        {"steps", required_argument, NULL, 0x302},
        {"lr", required_argument, NULL, 0x303},
        {"momentum", required_argument, NULL, 0x304},
        {"beta1", required_argument, NULL, 0x305},
        {"beta2", required_argument, NULL, 0x306},
        {"xi", required_argument, NULL, 0x307},
        {"opt-eps", required_argument, NULL, OPT_OPT_EPS},
        {"schedule", required_argument, NULL, 0x309},
        {"amsgrad", no_argument, NULL, 0x30a},
        {"seed", required_argument, NULL, 0x30c},
        {"batch", required_argument, NULL, 0x30d},
        {"sampling", required_argument, NULL, 0x30e},
        {"rounding", required_argument, NULL, 0x30f},
        {"kahan", no_argument, NULL, 0x310},
        {"relu-prime0", required_argument, NULL, 0x311},
        {"max-steps", required_argument, NULL, 0x312},
        {"dict", required_argument, NULL, OPT_DICT},
        {"codes", required_argument, NULL, OPT_CODES},
        {"eps", required_argument, NULL, OPT_EPS},
        {"at", required_argument, NULL, OPT_AT},
        {"delta", required_argument, NULL, OPT_DELTA},
        {"height", required_argument, NULL, OPT_HEIGHT},
        {"arith", required_argument, NULL, OPT_ARITH},
        {"every", required_argument, NULL, OPT_EVERY},
        {"csv", required_argument, NULL, OPT_CSV},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    cli_optim_args a;
    train_args g;
    train_run T;
    const char *eps_s = NULL, *arith = NULL;
    char *objname = NULL;
    int c, r, status = CPWL_OK, height_given = 0,
        arith_ok = 0, obj_ok = 0, run_ok = 0, stopped = 0, too_big = 0,
        lost = 0;
    slong h, n, i, j, text_every;
    fmpq_mat_t Adict, W;
    fmpq *eps = NULL, *x1 = NULL;
    cpwl_codes_t C;
    cpwl_arith_t A;
    cpwl_objective_t O;
    cpwl_optim_t R;
    cpwl_err_t e;
    double work;

    memset(&g, 0, sizeof g);
    memset(&T, 0, sizeof T);
    cli_optim_args_init(&a);
    fmpq_init(g.delta);
    fmpz_init(g.count);
    g.height = 8;
    g.pmode = CLI_PROGRESS_AUTO;
    fmpq_mat_init(Adict, 0, 0);
    fmpq_mat_init(W, 0, 0);
    cpwl_codes_init(C);
    cpwl_err_init(e);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        if (c == OPT_OPT_EPS)
        {
            if (cli_optim_fmpq(a.o->eps, SUB, "--opt-eps", optarg)
                != CPWL_OK)
                goto input_error;
            a.given |= CLI_OPTIM_GIVEN(0x308);
            continue;
        }
        if ((r = cli_optim_option(&a, c, optarg, SUB)) != 0)
        {
            if (r < 0)
                goto input_error;
            continue;
        }
        switch (c)
        {
            case OPT_DICT: g.dict = optarg; break;
            case OPT_CODES: g.codes = optarg; break;
            case OPT_EPS: eps_s = optarg; break;
            case OPT_AT: g.at = optarg; break;
            case OPT_DELTA:
                if (cli_optim_fmpq(g.delta, SUB, "--delta", optarg)
                    != CPWL_OK)
                    goto input_error;
                if (fmpq_sgn(g.delta) < 0)
                {
                    cli_usage(SUB, "--delta: expected a number >= 0, got "
                              "'%.40s'", optarg);
                    goto input_error;
                }
                g.has_delta = 1;
                break;
            case OPT_HEIGHT:
                if (cli_parse_slong(&g.height, SUB, "--height", optarg, 1,
                                    (slong) 1 << 20) != CPWL_OK)
                    goto input_error;
                height_given = 1;
                break;
            case OPT_ARITH: arith = optarg; break;
            case OPT_EVERY:
                if (cli_parse_slong(&g.every, SUB, "--every", optarg, 1,
                                    WORD_MAX / 4) != CPWL_OK)
                    goto input_error;
                break;
            case OPT_CSV: g.csv = optarg; break;
            case OPT_JSON: g.json = 1; break;
            case CLI_OPT_PROGRESS:
            case CLI_OPT_NO_PROGRESS:
                cli_progress_option(&g.pmode, c);
                break;
            default:
                status = cli_bad_option(SUB, c, argv);
                goto done;
        }
    }
    if (argc != optind)
    {
        status = cli_usage(SUB, "unexpected argument '%.40s'", argv[optind]);
        goto done;
    }
    if (g.dict == NULL || g.codes == NULL || eps_s == NULL)
    {
        status = cli_usage(SUB, "%s is required", g.dict == NULL ? "--dict A"
                           : g.codes == NULL ? "--codes DIST" : "--eps E");
        goto done;
    }
    if (g.at != NULL && g.has_delta)
    {
        status = cli_usage(SUB, "--at and --delta cannot be given together");
        goto done;
    }
    if (height_given && !g.has_delta)
    {
        status = cli_usage(SUB, "--height is the perturbation's: it needs "
                           "--delta");
        goto done;
    }
    if (a.algo != NULL && !cpwl_optim_algo_from_str(a.o, a.algo))
    {
        status = cli_usage(SUB, "--algo: expected gd, sgd, heavy-ball, nag, "
                           "rmsprop[:paper|pytorch|tensorflow] or "
                           "adam[:paper|kingma-ba], got '%.40s'", a.algo);
        goto done;
    }
    /* the arithmetic first: a bad name is said before files are read */
    if ((status = cli_optim_arith(A, arith != NULL ? arith : "exact", &a,
                                  SUB, "--arith")) != CPWL_OK)
        goto done;
    arith_ok = 1;
    cpwl_arith_name(g.arith, A);
    if ((status = cli_ae_read_dict(Adict, SUB, g.dict)) != CPWL_OK)
        goto done;
    n = fmpq_mat_nrows(Adict);
    h = fmpq_mat_ncols(Adict);
    eps = _fmpq_vec_init(h);
    if ((status = cli_ae_parse_eps(eps, &g.scalar_eps, SUB, eps_s, h))
        != CPWL_OK)
        goto done;
    if ((status = cli_ae_read_codes(C, SUB, g.codes, h)) != CPWL_OK)
        goto done;
    if ((status = cli_ae_read_w(W, SUB, g.at, Adict)) != CPWL_OK)
        goto done;
    if (g.has_delta)
    {
        uint64_t st = a.o->seed;
        cpwl_ae_perturb(W, Adict, g.delta, g.height, &st);
    }
    cpwl_codes_count(g.count, C);
    /* the work of a run: every step evaluates every code's h n gradient */
    work = (double) a.o->steps * (double) (h * n) * fmpz_get_d(g.count);
    if (a.o->steps > a.max_steps
        || work > (double) a.max_steps * CLI_OPTIM_WORK)
    {
        if (a.o->steps > a.max_steps)
            fprintf(stderr, "cpwl %s: --steps %ld is above the limit %ld "
                    "(raise it with --max-steps)\n", SUB,
                    (long) a.o->steps, (long) a.max_steps);
        else
        {
            char *cs = fmpz_get_str(NULL, 10, g.count);
            fprintf(stderr, "cpwl %s: --steps %ld x %s codes x h n = %ld "
                    "parameters is %.3g, above the work limit %ld x %d "
                    "(raise it with --max-steps)\n", SUB, (long) a.o->steps,
                    cs, (long) (h * n), work, (long) a.max_steps,
                    CLI_OPTIM_WORK);
            flint_free(cs);
        }
        status = CPWL_ERR_INPUT;
        goto done;
    }
    if (cpwl_ae_objective_init(O, Adict, C, eps, a.relu_d0, e) != CPWL_OK)
    {
        status = cli_fail(SUB, e);
        goto done;
    }
    obj_ok = 1;
    if ((a.batch_given || a.sampling_given) && a.o->batch > O->nterms)
    {
        char *cs = fmpz_get_str(NULL, 10, g.count);
        status = cli_usage(SUB, "--batch %ld: the distribution has %s codes",
                           (long) a.o->batch, cs);
        flint_free(cs);
        goto done;
    }
    /* the objective's name as cpwl optim's JSON gives it */
    {
        size_t len = strlen(g.dict) + strlen(g.codes) + strlen(eps_s) + 64;
        objname = flint_malloc(len);
        snprintf(objname, len, "autoencoder:dict=%s;codes=%s;eps=%s", g.dict,
                 g.codes, eps_s);
        a.objective = objname;
    }
    x1 = _fmpq_vec_init(h * n);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
            fmpq_set(x1 + i * n + j, fmpq_mat_entry(W, i, j));
    if (cpwl_optim_init(R, a.o, O, x1, A, e) != CPWL_OK)
    {
        status = train_optim_fail(e);
        goto done;
    }
    run_ok = 1;

    text_every = g.every != 0 ? g.every : FLINT_MAX(1, (a.o->steps + 19) / 20);
    if (g.every == 0)
        g.every = g.json || g.csv != NULL
            ? FLINT_MAX(1, (a.o->steps + 999) / 1000) : text_every;
    run_init(&T, A, O, Adict, a.o->steps / g.every + 3);

    status = train_loop(&T, R, &g, a.o->steps, &stopped, &too_big, &lost);
    if (status != CPWL_OK || T.npts == 0)
        goto done;

    g.eps = eps;
    g.stopped = stopped;
    g.lost = lost;
    if (g.json)
        cli_ae_train_json(stdout, &T, &g, &a, x1);
    else
        cli_ae_train_text(stdout, &T, &g, &a, text_every);
    fflush(stdout);
    if (g.csv != NULL)
    {
        outfile_t f;
        int st = cli_out_open(f, SUB, g.csv);
        if (st == CPWL_OK)
        {
            cli_ae_train_csv(f->f, &T, g.arith);
            st = cli_out_close(f, SUB, 1);
        }
        if (st != CPWL_OK)
            status = st;
    }
    if (status != CPWL_OK)
        ;
    else if (too_big)
    {
        fprintf(stderr, "cpwl %s: stopped at t = %ld: the exact iterate's "
                "entries passed %ld bits (the gradient is cubic in W: the "
                "sizes about triple each step); use an --arith of arb:P or a "
                "float format\n", SUB, (long) T.t_last,
                (long) AE_TRAIN_MAX_BITS);
        status = CPWL_ERR_INPUT;
    }
    else if (lost)
    {
        fprintf(stderr, "cpwl %s: the Arb enclosure was lost at t = %ld (a "
                "relu input whose ball contains 0); a higher precision may "
                "decide it\n", SUB, (long) T.t_last);
        status = CPWL_ERR_INPUT;
    }
    else if (!T.finite)
        status = CPWL_ERR_INPUT;
    else if (stopped)
    {
        fprintf(stderr, "cpwl %s: interrupted at t = %ld of %ld (what was "
                "computed is shown)\n", SUB, (long) T.t_last,
                (long) a.o->steps + 1);
        status = CLI_EXIT_INTERRUPTED;
    }
    goto done;
input_error:
    status = CPWL_ERR_INPUT;
done:
    run_clear(&T);
    if (run_ok)
        cpwl_optim_clear(R);
    if (x1 != NULL)
        _fmpq_vec_clear(x1, fmpq_mat_nrows(Adict) * fmpq_mat_ncols(Adict));
    if (obj_ok)
        cpwl_objective_clear(O);
    if (arith_ok)
        cpwl_arith_clear(A);
    if (eps != NULL)
        _fmpq_vec_clear(eps, fmpq_mat_ncols(Adict));
    flint_free(objname);
    cpwl_codes_clear(C);
    fmpq_mat_clear(Adict);
    fmpq_mat_clear(W);
    fmpz_clear(g.count);
    fmpq_clear(g.delta);
    cpwl_err_clear(e);
    cli_optim_args_clear(&a);
    return status;
}
