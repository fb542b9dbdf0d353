/* Module experiment: the run loop records the measurements of the
   iterate it says (recomputed here), its checkpoints are exactly the
   trained weights, its steps are the optimiser's (recomputed here from
   the gradients for gd and nag), runs are reproducible bit for bit, the
   tuning rule picks the argmin, and the outputs have their shape. */
#include <math.h>
#include "testutil.h"

#define DIM 4

/* Dyadic data in [0, 1): multiples of 1/16 (exact in both formats). */
static void make_data(double *X, slong n, test_rng *r)
{
    slong i;
    for (i = 0; i < n * DIM; i++)
        X[i] = (double) test_range(r, 0, 15) / 16;
}

typedef struct
{
    cpwl_experiment_row rows[256];
    slong n;
    char *json;                 /* the final checkpoint */
    double w[256];              /* its array, widened */
    slong np;
    int single;
    slong polls, stop_after;
}
rec;

static int rec_row(const cpwl_experiment_row *r, void *data, cpwl_err_t e)
{
    rec *R = data;
    (void) e;
    if (R->n < 256)
        R->rows[R->n++] = *r;
    return CPWL_OK;
}

static int rec_ckpt(slong t, int last, const cpwl_net_t net, const void *w,
                    void *data, cpwl_err_t e)
{
    rec *R = data;
    slong j;
    (void) t;
    (void) e;
    if (!last)
        return CPWL_OK;
    flint_free(R->json);
    R->json = cpwl_io_net_write_str(net);
    for (j = 0; j < R->np; j++)
        R->w[j] = R->single ? (double) ((const float *) w)[j]
            : ((const double *) w)[j];
    return CPWL_OK;
}

static int rec_stop(void *data)
{
    rec *R = data;
    return R->stop_after >= 0 && R->polls++ >= R->stop_after;
}

static void rec_init(rec *R, slong np, int single)
{
    memset(R, 0, sizeof *R);
    R->np = np;
    R->single = single;
    R->stop_after = -1;
}

static void hooks(cpwl_experiment_hooks *h, rec *R)
{
    h->row = rec_row;
    h->checkpoint = rec_ckpt;
    h->stop = rec_stop;
    h->data = R;
}

static const slong W434[3] = {DIM, 3, DIM};
#define NP434 (3 * (DIM + 1) + DIM * (3 + 1))

static void adam_opts(cpwl_optim_opts_t a)
{
    cpwl_optim_opts_init(a);
    a->algo = CPWL_OPTIM_ADAM;
    a->form = CPWL_OPTIM_FORM_PAPER;
    fmpq_set_si(a->lr, 1, 64);
    fmpq_set_si(a->xi, 1, 10000);
}

/* The first row is the initial point's loss on the evaluation subset and
   on the test set, and its gradient norm: recomputed from
   cpwl_mlp_init_params_d and cpwl_mlp_loss_grad_d. */
START_TEST(test_first_row)
{
    test_rng r;
    double X[40 * DIM], T[8 * DIM], w[NP434], g[NP434], l, lt, s = 0;
    cpwl_experiment_data D;
    cpwl_experiment_opts o;
    cpwl_experiment_hooks h;
    cpwl_experiment_result res;
    cpwl_optim_opts_t a;
    cpwl_mlp_t M;
    cpwl_err_t e;
    rec R;
    slong j;

    r.s = test_seed(1);
    make_data(X, 40, &r);
    make_data(T, 8, &r);
    D.dim = DIM;
    D.train = X;
    D.ntrain = 40;
    D.test = T;
    D.ntest = 8;
    D.train_f = D.test_f = NULL;
    cpwl_experiment_opts_init(&o);
    o.steps = 5;
    o.batch = 8;
    o.eval_every = 2;
    o.eval_n = 24;
    o.seed = 7;
    cpwl_err_init(e);
    adam_opts(a);
    rec_init(&R, NP434, 0);
    hooks(&h, &R);
    ck_assert_int_eq(cpwl_experiment_run(&res, NULL, W434, 2, a, &D, &o, &h,
                                         e), CPWL_OK);
    /* rows at t = 1, 3, 5 and T + 1 = 6 */
    ck_assert_int_eq(R.n, 4);
    ck_assert_int_eq(R.rows[0].t, 1);
    ck_assert_int_eq(R.rows[1].t, 3);
    ck_assert_int_eq(R.rows[2].t, 5);
    ck_assert_int_eq(R.rows[3].t, 6);
    ck_assert_int_eq(res.steps_done, 5);
    ck_assert(isnan(R.rows[0].lambda_min));

    ck_assert_int_eq(cpwl_mlp_init(M, W434, 2, CPWL_MLP_DOUBLE, e), CPWL_OK);
    cpwl_mlp_init_params_d(w, M, 7);
    ck_assert_int_eq(cpwl_mlp_loss_grad_d(&l, g, w, X, NULL, NULL, 24,
                                          CPWL_MLP_SQUARED, M, e), CPWL_OK);
    ck_assert_int_eq(cpwl_mlp_loss_grad_d(&lt, NULL, w, T, NULL, NULL, 8,
                                          CPWL_MLP_SQUARED, M, e), CPWL_OK);
    for (j = 0; j < NP434; j++)
        s += g[j] * g[j];
    ck_assert(R.rows[0].train_loss == l);
    ck_assert(R.rows[0].test_loss == lt);
    ck_assert(R.rows[0].grad_norm == sqrt(s));
    /* the last row is the final weights' (the checkpoint's array) */
    ck_assert_int_eq(cpwl_mlp_loss_grad_d(&l, NULL, R.w, X, NULL, NULL, 24,
                                          CPWL_MLP_SQUARED, M, e), CPWL_OK);
    ck_assert(R.rows[3].train_loss == l);
    cpwl_mlp_clear(M);
    cpwl_optim_opts_clear(a);
    flint_free(R.json);
}
END_TEST

/* The checkpoint is exactly the trained weights: read back, every
   parameter equals the binary32 or binary64 value as an exact rational. */
static void check_ckpt(int single)
{
    test_rng r;
    double X[16 * DIM], wout[NP434];
    cpwl_experiment_data D;
    cpwl_experiment_opts o;
    cpwl_experiment_hooks h;
    cpwl_experiment_result res;
    cpwl_optim_opts_t a;
    cpwl_net_t net;
    cpwl_err_t e;
    fmpq_t q;
    rec R;
    slong l, i, j, k = 0;

    r.s = test_seed(2 + single);
    make_data(X, 16, &r);
    D.dim = DIM;
    D.train = X;
    D.ntrain = 16;
    D.test = NULL;
    D.ntest = 0;
    D.train_f = D.test_f = NULL;
    cpwl_experiment_opts_init(&o);
    o.prec = single ? CPWL_MLP_FLOAT : CPWL_MLP_DOUBLE;
    o.steps = 4;
    o.batch = 4;
    o.eval_n = 16;
    cpwl_err_init(e);
    adam_opts(a);
    rec_init(&R, NP434, single);
    hooks(&h, &R);
    ck_assert_int_eq(cpwl_experiment_run(&res, wout, W434, 2, a, &D, &o, &h,
                                         e), CPWL_OK);
    ck_assert_ptr_nonnull(R.json);
    cpwl_net_init(net, DIM);
    ck_assert_int_eq(cpwl_io_net_read_str(net, R.json, strlen(R.json), "ckpt",
                                          e),
                     CPWL_OK);
    ck_assert_int_eq(net->nlayers, 2);
    fmpq_init(q);
    for (l = 0; l < 2; l++)
    {
        cpwl_net_layer_struct *L = net->layers + l;
        for (i = 0; i < L->out; i++)
            for (j = 0; j < L->in; j++)
            {
                cpwl_ieee_get_fmpq(q, R.w[k]);
                ck_assert(fmpq_equal(q, fmpq_mat_entry(L->W, i, j)));
                ck_assert(R.w[k] == wout[k]);
                k++;
            }
        for (i = 0; i < L->out; i++)
        {
            cpwl_ieee_get_fmpq(q, R.w[k]);
            ck_assert(fmpq_equal(q, L->b + i));
            k++;
        }
        ck_assert_int_eq(L->act, l == 0 ? CPWL_NET_RELU : CPWL_NET_IDENTITY);
    }
    ck_assert_int_eq(k, NP434);
    /* a float run's weights are floats */
    if (single)
        for (k = 0; k < NP434; k++)
            ck_assert(R.w[k] == (double) (float) R.w[k]);
    fmpq_clear(q);
    cpwl_net_clear(net);
    cpwl_optim_opts_clear(a);
    flint_free(R.json);
}

START_TEST(test_checkpoint_exact)
{
    check_ckpt(0);
    check_ckpt(1);
}
END_TEST

/* gd and nag steps on one point (the batch is that point): the run's
   weights are x_{t+1} = x_t - a g (gd), and nag's y = x + mu u,
   u = mu u - a g(y), x = x + u, recomputed here from the gradients with
   a = 2^-4, mu = 1/2. */
START_TEST(test_steps_recomputed)
{
    test_rng r;
    double X[DIM], x[NP434], y[NP434], u[NP434], g[NP434], wout[NP434];
    cpwl_experiment_data D;
    cpwl_experiment_opts o;
    cpwl_experiment_result res;
    cpwl_optim_opts_t a;
    cpwl_mlp_t M;
    cpwl_err_t e;
    slong j, t, algo;

    r.s = test_seed(4);
    make_data(X, 1, &r);
    D.dim = DIM;
    D.train = X;
    D.ntrain = 1;
    D.test = NULL;
    D.ntest = 0;
    D.train_f = D.test_f = NULL;
    cpwl_experiment_opts_init(&o);
    o.steps = 3;
    o.batch = 1;
    o.eval_n = 1;
    o.seed = 11;
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_mlp_init(M, W434, 2, CPWL_MLP_DOUBLE, e), CPWL_OK);
    for (algo = 0; algo < 2; algo++)
    {
        cpwl_optim_opts_init(a);
        a->algo = algo == 0 ? CPWL_OPTIM_GD : CPWL_OPTIM_NAG;
        fmpq_set_si(a->lr, 1, 16);
        fmpq_set_si(a->momentum, 1, 2);
        ck_assert_int_eq(cpwl_experiment_run(&res, wout, W434, 2, a, &D, &o,
                                             NULL, e), CPWL_OK);
        cpwl_mlp_init_params_d(x, M, 11);
        for (j = 0; j < NP434; j++)
            u[j] = 0;
        for (t = 1; t <= 3; t++)
        {
            for (j = 0; j < NP434; j++)
                y[j] = algo == 0 ? x[j] : x[j] + 0.5 * u[j];
            ck_assert_int_eq(cpwl_mlp_loss_grad_d(NULL, g, y, X, NULL, NULL,
                                                  1, CPWL_MLP_SQUARED, M, e),
                             CPWL_OK);
            for (j = 0; j < NP434; j++)
            {
                if (algo == 0)
                    x[j] = x[j] - 0.0625 * g[j];
                else
                {
                    u[j] = 0.5 * u[j] - 0.0625 * g[j];
                    x[j] = x[j] + u[j];
                }
            }
        }
        for (j = 0; j < NP434; j++)
            ck_assert(wout[j] == x[j]);
        cpwl_optim_opts_clear(a);
    }
    cpwl_mlp_clear(M);
}
END_TEST

/* The same seed twice: the same rows and weights, bit for bit; a stop
   after two polls leaves two steps done. */
START_TEST(test_reproducible_and_stop)
{
    test_rng r;
    double X[32 * DIM], w1[NP434], w2[NP434];
    cpwl_experiment_data D;
    cpwl_experiment_opts o;
    cpwl_experiment_hooks h;
    cpwl_experiment_result res;
    cpwl_optim_opts_t a;
    cpwl_err_t e;
    rec R1, R2;
    slong k, prec;

    r.s = test_seed(5);
    make_data(X, 32, &r);
    D.dim = DIM;
    D.train = X;
    D.ntrain = 32;
    D.test = X + 24 * DIM;
    D.ntest = 8;
    D.train_f = D.test_f = NULL;
    cpwl_err_init(e);
    adam_opts(a);
    for (prec = 0; prec < 2; prec++)
    {
        cpwl_experiment_opts_init(&o);
        o.prec = prec ? CPWL_MLP_FLOAT : CPWL_MLP_DOUBLE;
        o.steps = 13;           /* more than an epoch of 32 / 5 batches */
        o.batch = 5;
        o.eval_every = 3;
        o.eval_n = 32;
        o.seed = 3;
        rec_init(&R1, NP434, (int) prec);
        rec_init(&R2, NP434, (int) prec);
        hooks(&h, &R1);
        ck_assert_int_eq(cpwl_experiment_run(&res, w1, W434, 2, a, &D, &o,
                                             &h, e), CPWL_OK);
        hooks(&h, &R2);
        ck_assert_int_eq(cpwl_experiment_run(&res, w2, W434, 2, a, &D, &o,
                                             &h, e), CPWL_OK);
        ck_assert_int_eq(R1.n, R2.n);
        for (k = 0; k < R1.n; k++)
        {
            ck_assert(R1.rows[k].t == R2.rows[k].t);
            ck_assert(R1.rows[k].train_loss == R2.rows[k].train_loss);
            ck_assert(R1.rows[k].test_loss == R2.rows[k].test_loss);
            ck_assert(R1.rows[k].grad_norm == R2.rows[k].grad_norm);
        }
        ck_assert(memcmp(w1, w2, sizeof w1) == 0);
        ck_assert_str_eq(R1.json, R2.json);
        flint_free(R1.json);
        flint_free(R2.json);

        rec_init(&R1, NP434, (int) prec);
        R1.stop_after = 2;
        hooks(&h, &R1);
        ck_assert_int_eq(cpwl_experiment_run(&res, NULL, W434, 2, a, &D, &o,
                                             &h, e), CPWL_OK);
        ck_assert(res.stopped);
        ck_assert_int_eq(res.steps_done, 2);
        ck_assert_ptr_null(R1.json);
    }
    cpwl_optim_opts_clear(a);
}
END_TEST

/* The Hessian's extremes are measured where asked, ordered, with
   residuals. */
START_TEST(test_hessian_rows)
{
    test_rng r;
    double X[16 * DIM];
    cpwl_experiment_data D;
    cpwl_experiment_opts o;
    cpwl_experiment_hooks h;
    cpwl_experiment_result res;
    cpwl_optim_opts_t a;
    cpwl_err_t e;
    rec R;
    slong k;

    r.s = test_seed(6);
    make_data(X, 16, &r);
    D.dim = DIM;
    D.train = X;
    D.ntrain = 16;
    D.test = NULL;
    D.ntest = 0;
    D.train_f = D.test_f = NULL;
    cpwl_experiment_opts_init(&o);
    o.steps = 6;
    o.batch = 4;
    o.eval_every = 1;
    o.eval_n = 16;
    o.hessian_every = 4;
    o.hessian_n = 16;
    o.lanczos_steps = NP434;
    cpwl_err_init(e);
    adam_opts(a);
    rec_init(&R, NP434, 0);
    hooks(&h, &R);
    ck_assert_int_eq(cpwl_experiment_run(&res, NULL, W434, 2, a, &D, &o, &h,
                                         e), CPWL_OK);
    ck_assert_int_eq(R.n, 7);
    for (k = 0; k < R.n; k++)
    {
        int want = R.rows[k].t == 1 || R.rows[k].t == 5 || R.rows[k].t == 7;
        ck_assert_int_eq(!isnan(R.rows[k].lambda_min), want);
        if (want)
        {
            ck_assert(R.rows[k].lambda_min <= R.rows[k].lambda_max);
            ck_assert(R.rows[k].res_min >= 0 && R.rows[k].res_max >= 0);
        }
    }
    flint_free(R.json);
    cpwl_optim_opts_clear(a);
}
END_TEST

/* A comparison: the best setting of each family is the argmin of the
   final training loss over its settings, its weights are a rerun's, the
   tables have one row per shape and family, the figures are PNG/SVG. */
START_TEST(test_compare)
{
    test_rng r;
    double X[48 * DIM], *w;
    cpwl_experiment_data D;
    cpwl_experiment_opts o;
    cpwl_experiment_result res;
    cpwl_experiment_cmp_t C;
    cpwl_optim_opts_t a;
    cpwl_err_t e;
    fmpq_t b1, b2, xi, lr1, lr2, mu;
    slong s, f, k, lines;
    FILE *tf;
    char buf[8192];
    unsigned char mag[8];

    r.s = test_seed(8);
    make_data(X, 48, &r);
    D.dim = DIM;
    D.train = X;
    D.ntrain = 40;
    D.test = X + 40 * DIM;
    D.ntest = 8;
    D.train_f = D.test_f = NULL;
    cpwl_experiment_opts_init(&o);
    o.steps = 10;
    o.batch = 8;
    o.eval_every = 5;
    o.eval_n = 40;
    o.seed = 2;
    cpwl_err_init(e);
    fmpq_init(b1);
    fmpq_init(b2);
    fmpq_init(xi);
    fmpq_init(lr1);
    fmpq_init(lr2);
    fmpq_init(mu);
    fmpq_set_si(b1, 9, 10);
    fmpq_set_si(b2, 99, 100);
    fmpq_set_si(xi, 1, 100000000);
    fmpq_set_si(lr1, 1, 100);
    fmpq_set_si(lr2, 1, 1000);
    fmpq_set_si(mu, 9, 10);
    cpwl_experiment_cmp_init(C);
    ck_assert_int_eq(cpwl_experiment_cmp_add_shape(C, "4-3-4", DIM, e),
                     CPWL_OK);
    ck_assert_int_eq(cpwl_experiment_cmp_add_shape(C, "4-3-2-3-4", DIM, e),
                     CPWL_OK);
    ck_assert_int_eq(cpwl_experiment_cmp_add_shape(C, "4-3", DIM, e),
                     CPWL_ERR_INPUT);
    ck_assert_int_eq(cpwl_experiment_cmp_add_shape(C, "4-3-5", DIM, e),
                     CPWL_ERR_INPUT);
    ck_assert_int_eq(C->nshapes, 2);
    cpwl_experiment_cmp_add_adam(C, b1, xi, lr1, "0.9", "1e-8", "1e-2");
    cpwl_experiment_cmp_add_adam(C, b1, xi, lr2, "0.9", "1e-8", "1e-3");
    cpwl_experiment_cmp_add_adam(C, b2, xi, lr1, "0.99", "1e-8", "1e-2");
    cpwl_experiment_cmp_add_nag(C, lr1, mu, "1e-2", "0.9");
    cpwl_experiment_cmp_add_nag(C, lr2, mu, "1e-3", "0.9");
    ck_assert_int_eq(C->nfamilies, 3);
    cpwl_err_init(e);
    ck_assert_int_eq(cpwl_experiment_cmp_run(C, &D, &o, NULL, NULL, e),
                     CPWL_OK);
    ck_assert(!C->stopped);
    for (s = 0; s < 2; s++)
        for (f = 0; f < 3; f++)
        {
            slong b = C->best[s * 3 + f], np = 0, l;
            double best = INFINITY;
            slong arg = -1;
            for (k = 0; k < C->nsettings; k++)
            {
                slong run = s * C->nsettings + k;
                double v = C->rows[run][C->nrows[run] - 1].train_loss;
                ck_assert_int_eq(C->rows[run][C->nrows[run] - 1].t, 11);
                if (C->settings[k].family == f && v < best)
                {
                    best = v;
                    arg = k;
                }
            }
            ck_assert_int_eq(b, arg);
            /* the kept weights are a rerun's */
            for (l = 1; l <= C->nlayers[s]; l++)
                np += C->widths[s][l] * (C->widths[s][l - 1] + 1);
            w = flint_malloc(np * sizeof(double));
            cpwl_optim_opts_init(a);
            if (C->settings[b].algo == CPWL_EXPERIMENT_ADAM)
            {
                a->algo = CPWL_OPTIM_ADAM;
                fmpq_set(a->beta1, C->settings[b].beta1);
                fmpq_set_si(a->beta2, 999, 1000);
                fmpq_set(a->xi, C->settings[b].xi);
            }
            else
            {
                a->algo = CPWL_OPTIM_NAG;
                fmpq_set(a->momentum, C->settings[b].momentum);
            }
            fmpq_set(a->lr, C->settings[b].lr);
            ck_assert_int_eq(cpwl_experiment_run(&res, w, C->widths[s],
                                                 C->nlayers[s], a, &D, &o,
                                                 NULL, e), CPWL_OK);
            ck_assert(memcmp(w, C->best_w[s * 3 + f], np * sizeof(double))
                      == 0);
            ck_assert(res.last.train_loss == best);
            cpwl_optim_opts_clear(a);
            flint_free(w);
        }
    /* the table: a header and one line per shape and family */
    tf = tmpfile();
    cpwl_experiment_table_csv(tf, C);
    rewind(tf);
    for (lines = 0; fgets(buf, sizeof buf, tf) != NULL; lines++)
        ;
    ck_assert_int_eq(lines, 1 + 2 * 3);
    fclose(tf);
    tf = tmpfile();
    cpwl_experiment_table_md(tf, C);
    rewind(tf);
    for (lines = 0; fgets(buf, sizeof buf, tf) != NULL; lines++)
        ;
    ck_assert_int_eq(lines, 2 + 2 * 3);
    fclose(tf);
    /* runs.csv rows: 19 columns */
    tf = tmpfile();
    cpwl_experiment_csv_header(tf);
    cpwl_experiment_csv_row(tf, C, 1, 3, CPWL_MLP_DOUBLE, C->rows[5 + 3]);
    rewind(tf);
    while (fgets(buf, sizeof buf, tf) != NULL)
    {
        slong commas = 0;
        char *c;
        for (c = buf; *c; c++)
            commas += *c == ',';
        ck_assert_int_eq(commas, 18);
    }
    fclose(tf);
    /* figures */
    for (k = 0; k < 2; k++)
    {
        tf = tmpfile();
        ck_assert_int_eq(cpwl_experiment_cmp_plot(tf, "x", (int) k, C, 1, 0,
                                                  e), CPWL_OK);
        rewind(tf);
        ck_assert_int_eq(fread(mag, 1, 5, tf), 5);
        if (k == 0)
            ck_assert(memcmp(mag, "\x89PNG", 4) == 0);
        else
            ck_assert(memcmp(mag, "<?xml", 5) == 0);
        fclose(tf);
    }
    cpwl_experiment_cmp_clear(C);
    fmpq_clear(b1);
    fmpq_clear(b2);
    fmpq_clear(xi);
    fmpq_clear(lr1);
    fmpq_clear(lr2);
    fmpq_clear(mu);
}
END_TEST

/* A diverged setting (the loss overflows) neither stops the comparison
   nor gets a Hessian, and the tuning rule never picks it. */
START_TEST(test_diverged)
{
    test_rng r;
    double X[16 * DIM];
    cpwl_experiment_data D;
    cpwl_experiment_opts o;
    cpwl_experiment_cmp_t C;
    cpwl_err_t e;
    fmpq_t big, lr, mu;
    slong k, n;

    r.s = test_seed(10);
    make_data(X, 16, &r);
    D.dim = DIM;
    D.train = X;
    D.ntrain = 16;
    D.test = NULL;
    D.ntest = 0;
    D.train_f = D.test_f = NULL;
    cpwl_experiment_opts_init(&o);
    o.prec = CPWL_MLP_FLOAT;
    o.steps = 40;
    o.batch = 4;
    o.eval_every = 5;
    o.eval_n = 16;
    o.hessian_every = 10;
    o.hessian_n = 16;
    o.lanczos_steps = 5;
    cpwl_err_init(e);
    fmpq_init(big);
    fmpq_init(lr);
    fmpq_init(mu);
    fmpq_set_si(big, 1000000, 1);
    fmpq_set_si(lr, 1, 1000);
    fmpq_set_si(mu, 9, 10);
    cpwl_experiment_cmp_init(C);
    ck_assert_int_eq(cpwl_experiment_cmp_add_shape(C, "4-3-4", DIM, e),
                     CPWL_OK);
    cpwl_experiment_cmp_add_nag(C, big, mu, "1e6", "0.9");
    cpwl_experiment_cmp_add_nag(C, lr, mu, "1e-3", "0.9");
    ck_assert_int_eq(cpwl_experiment_cmp_run(C, &D, &o, NULL, NULL, e),
                     CPWL_OK);
    n = C->nrows[0];
    ck_assert(!isfinite(C->rows[0][n - 1].train_loss));
    for (k = 0; k < n; k++)
        if (!isfinite(C->rows[0][k].train_loss))
            ck_assert(isnan(C->rows[0][k].lambda_min));
    ck_assert(isfinite(C->rows[1][C->nrows[1] - 1].train_loss));
    ck_assert_int_eq(C->best[0], 1);
    /* in runs.csv the diverged loss is written, not left empty */
    {
        FILE *tf = tmpfile();
        char buf[1024];
        cpwl_experiment_csv_row(tf, C, 0, 0, CPWL_MLP_FLOAT,
                                C->rows[0] + n - 1);
        rewind(tf);
        ck_assert_ptr_nonnull(fgets(buf, sizeof buf, tf));
        ck_assert(strstr(buf, ",nan,") != NULL
                  || strstr(buf, ",inf,") != NULL);
        fclose(tf);
    }
    cpwl_experiment_cmp_clear(C);
    fmpq_clear(big);
    fmpq_clear(lr);
    fmpq_clear(mu);
}
END_TEST

/* Options and data out of range: CPWL_ERR_INPUT with a message. */
START_TEST(test_bad_inputs)
{
    double X[8 * DIM];
    cpwl_experiment_data D;
    cpwl_experiment_opts o;
    cpwl_experiment_result res;
    cpwl_optim_opts_t a;
    cpwl_err_t e;
    slong bad[3] = {DIM, 3, DIM + 1}, i;
    test_rng r;

    r.s = test_seed(9);
    make_data(X, 8, &r);
    D.dim = DIM;
    D.train = X;
    D.ntrain = 8;
    D.test = NULL;
    D.ntest = 0;
    D.train_f = D.test_f = NULL;
    adam_opts(a);
    for (i = 0; i < 5; i++)
    {
        const slong *w = i == 0 ? bad : W434;
        cpwl_experiment_opts_init(&o);
        o.eval_n = 8;
        o.batch = 4;
        if (i == 1)
            o.batch = 9;
        if (i == 2)
            o.steps = -1;
        if (i == 3)
            o.eval_n = 0;
        if (i == 4)
        {
            o.hessian_every = 1;
            o.lanczos_steps = 1;
        }
        cpwl_err_init(e);
        ck_assert_int_eq(cpwl_experiment_run(&res, NULL, w, 2, a, &D, &o,
                                             NULL, e), CPWL_ERR_INPUT);
        ck_assert(strlen(e->msg) > 0);
    }
    cpwl_optim_opts_clear(a);
}
END_TEST

static Suite *experiment_suite(void)
{
    Suite *s = suite_create("experiment");
    TCase *tc = tcase_create("experiment");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_first_row);
    tcase_add_test(tc, test_checkpoint_exact);
    tcase_add_test(tc, test_steps_recomputed);
    tcase_add_test(tc, test_reproducible_and_stop);
    tcase_add_test(tc, test_hessian_rows);
    tcase_add_test(tc, test_compare);
    tcase_add_test(tc, test_diverged);
    tcase_add_test(tc, test_bad_inputs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(experiment_suite());
}
