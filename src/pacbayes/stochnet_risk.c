/* The Monte-Carlo risk of a stochastic network, every decision (0-1) or
   loss (bounded cross-entropy) of every sampled network certified, and
   the sample-convergence bound. */
#include <float.h>
#include <math.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "cpwl/batch.h"
#include "cpwl/stochnet.h"
#include "stochnet_impl.h"

void cpwl_stochnet_risk_init(cpwl_stochnet_risk_t R)
{
    R->samples = 0;
    R->points = 0;
    fmpz_init(R->mistakes);
    fmpq_init(R->emp);
    arb_init(R->emp_enclosure);
    R->loss = CPWL_STOCHNET_LOSS_01;
    R->decided_double = 0;
    R->decided_exact = 0;
    R->stopped = 0;
}

void cpwl_stochnet_risk_clear(cpwl_stochnet_risk_t R)
{
    fmpz_clear(R->mistakes);
    fmpq_clear(R->emp);
    arb_clear(R->emp_enclosure);
}

/* The prediction from the double outputs y and their proven bounds err
   (|y_i - f_i| <= err_i), or -1 when they do not decide it.  k = 1: the
   sign of y when |y| > err.  k >= 2: t = the double argmax when
   fl(y_t - y_j) > fl(err_t + err_j) for every j != t.  Each side is one
   rounding of an exact real and rounding to nearest is monotone (overflow
   included), so the test implies y_t - y_j > err_t + err_j, hence
   f_t > f_j (docs/pacbayes.md); NaN fails it. */
static slong decide_d(const double *y, const double *err, slong k)
{
    slong t = 0, j;
    if (k == 1)
        return fabs(y[0]) > err[0] ? (y[0] > 0) : -1;
    for (j = 1; j < k; j++)
        if (y[j] > y[t])
            t = j;
    for (j = 0; j < k; j++)
        if (j != t && !(y[t] - y[j] > err[t] + err[j]))
            return -1;
    return t;
}

/* The prediction from the exact outputs: z > 0 with one output, else the
   first index of the largest output. */
static slong decide_exact(const fmpq *y, slong k)
{
    slong t = 0, j;
    if (k == 1)
        return fmpq_sgn(y) > 0;
    for (j = 1; j < k; j++)
        if (fmpq_cmp(y + j, y + t) > 0)
            t = j;
    return t;
}

/* The labels as integers 0 .. K-1. */
static int read_labels(slong *lab, const cpwl_erm_data_t data, slong K,
                       cpwl_err_t e)
{
    slong i;
    for (i = 0; i < data->D; i++)
    {
        const fmpq *y = data->y + i;
        if (!fmpz_is_one(fmpq_denref(y)) || fmpz_sgn(fmpq_numref(y)) < 0
            || fmpz_cmp_si(fmpq_numref(y), K - 1) > 0)
        {
            char *s = fmpq_get_str(NULL, 10, y);
            cpwl_err_set(e, CPWL_ERR_INPUT, "data point %ld (data row %ld): "
                         "the label (the last column) must be an integer from "
                         "0 to %ld (a class), got %.40s%s", (long) i + 1,
                         (long) i + 1, (long) K - 1, s,
                         strlen(s) > 40 ? "..." : "");
            flint_free(s);
            return CPWL_ERR_INPUT;
        }
        lab[i] = fmpz_get_si(fmpq_numref(y));
    }
    return CPWL_OK;
}

/* Work space of the bounded cross-entropy. */
typedef struct
{
    arb_t c;                    /* ln(1/p_min) */
    arb_ptr f;                  /* the outputs as balls */
    fmpz_t lo, up, sum_lo, sum_up;
}
bce_ws;

#define BCE_PREC 128

/* The loss from the double outputs: 0 when a bound is not finite or the
   enclosure is loose (wider than 2^-40 of its upper end, for a loss
   above 2^-100), to be redone from the exact outputs. */
static int bce_d(bce_ws *W, const double *y, const double *err, slong k,
                 slong lab)
{
    slong j;
    for (j = 0; j < k; j++)
    {
        if (!isfinite(y[j]) || !isfinite(err[j]))
            return 0;
        arb_set_d(W->f + j, y[j]);
        mag_set_d(arb_radref(W->f + j), err[j]);     /* rounded up */
    }
    stochnet_bce_units(W->lo, W->up, W->f, k, lab, W->c, BCE_PREC);
    if (fmpz_bits(W->up) > 28)
    {
        fmpz_t w;
        int loose;
        fmpz_init(w);
        fmpz_sub(w, W->up, W->lo);
        fmpz_sub_ui(w, w, 2);
        fmpz_mul_2exp(w, w, 40);
        loose = fmpz_cmp(w, W->up) > 0;
        fmpz_clear(w);
        if (loose)
            return 0;
    }
    return 1;
}

static void bce_exact(bce_ws *W, const fmpq *y, slong k, slong lab)
{
    slong j;
    for (j = 0; j < k; j++)
        arb_set_fmpq(W->f + j, y + j, BCE_PREC);
    stochnet_bce_units(W->lo, W->up, W->f, k, lab, W->c, BCE_PREC);
}

int cpwl_stochnet_risk(cpwl_stochnet_risk_t R, const cpwl_stochnet_t Q,
                       const cpwl_erm_data_t data, slong samples, uint64_t seed,
                       volatile sig_atomic_t *stop,
                       cpwl_stochnet_progress_fn progress, void *progress_data,
                       cpwl_err_t e)
{
    cpwl_stochnet_loss_t L;
    int st;
    cpwl_stochnet_loss_init(L);
    st = cpwl_stochnet_risk_loss(R, Q, data, L, samples, seed, stop, progress,
                                 progress_data, e);
    cpwl_stochnet_loss_clear(L);
    return st;
}

int cpwl_stochnet_risk_loss(cpwl_stochnet_risk_t R, const cpwl_stochnet_t Q,
                            const cpwl_erm_data_t data,
                            const cpwl_stochnet_loss_t L, slong samples,
                            uint64_t seed, volatile sig_atomic_t *stop,
                            cpwl_stochnet_progress_fn progress,
                            void *progress_data, cpwl_err_t e)
{
    int bce = L->kind == CPWL_STOCHNET_LOSS_BCE;
    bce_ws W;
    const cpwl_net_struct *M = Q->net;
    slong n = M->input_dim, D = data->D, k, K, d, i, s;
    slong *lab;
    unsigned char *xok;
    double *X, *Xerr, *Y, *Yerr, *w;
    fmpq *yq;
    cpwl_net_t snet;
    uint64_t rng = seed;

    if (M->nlayers < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the stochastic network has no "
                            "layers");
    k = cpwl_net_output_dim(M);
    K = FLINT_MAX(2, k);
    d = cpwl_stochnet_num_params(M);
    if (samples < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "samples must be >= 1, got %ld",
                            (long) samples);
    if (D < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the data has no points");
    if (data->n != n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the data has %ld inputs per "
                            "point (and a label), the network %ld (input_dim)",
                            (long) data->n, (long) n);
    if (bce && (fmpq_sgn(L->p_min) <= 0
                || fmpz_cmp(fmpq_numref(L->p_min), fmpq_denref(L->p_min)) >= 0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "p_min (the least probability "
                            "of the bounded cross-entropy) must be in (0, 1)");
    if (Q->w->sigma == NULL && !(Q->sigma > 0))
        return cpwl_err_set(e, CPWL_ERR_INPUT, "cannot draw from a "
                            "distribution whose variance comes from a grid "
                            "(its sigma is not a binary64 number): such a "
                            "file can be a prior, not a posterior");
    lab = flint_malloc(sizeof(slong) * D);
    if (read_labels(lab, data, K, e) != CPWL_OK)
    {
        flint_free(lab);
        return CPWL_ERR_INPUT;
    }

    /* The points in double once, with the bound on their rounding; a
       point whose coordinates overflow is decided exactly. */
    X = flint_malloc(sizeof(double) * D * n);
    Xerr = flint_malloc(sizeof(double) * D * n);
    xok = flint_malloc(D);
    for (i = 0; i < D; i++)
    {
        xok[i] = cpwl_net_round_inputs_d(X + i * n, Xerr + i * n,
                                         data->X + i * n, n) != 0;
        if (!xok[i])
        {
            memset(X + i * n, 0, sizeof(double) * n);
            memset(Xerr + i * n, 0, sizeof(double) * n);
        }
    }
    Y = flint_malloc(sizeof(double) * D * k);
    Yerr = flint_malloc(sizeof(double) * D * k);
    w = flint_malloc(sizeof(double) * FLINT_MAX(d, 1));
    yq = _fmpq_vec_init(k);
    cpwl_net_init(snet, n);
    arb_init(W.c);
    W.f = _arb_vec_init(k);
    fmpz_init(W.lo);
    fmpz_init(W.up);
    fmpz_init(W.sum_lo);
    fmpz_init(W.sum_up);
    if (bce)
    {
        /* c = ln(1/p_min) = -ln p_min. */
        arb_set_fmpq(W.c, L->p_min, BCE_PREC);
        arb_log(W.c, W.c, BCE_PREC);
        arb_neg(W.c, W.c);
    }

    R->samples = 0;
    R->loss = bce ? CPWL_STOCHNET_LOSS_BCE : CPWL_STOCHNET_LOSS_01;
    R->points = D;
    fmpz_zero(R->mistakes);
    R->decided_double = 0;
    R->decided_exact = 0;
    R->stopped = 0;
    for (s = 0; s < samples; s++)
    {
        cpwl_batch_plan_t P;
        slong wrong = 0;
        if (stop != NULL && *stop)
        {
            R->stopped = 1;
            break;
        }
        if (cpwl_stochnet_draw(w, Q, &rng, e) != CPWL_OK)
            break;
        cpwl_stochnet_sample_net(snet, Q, w);
        cpwl_batch_plan_init(P, snet, CPWL_BATCH_AUTO);
        cpwl_batch_eval(Y, Yerr, NULL, NULL, P, X, Xerr, D, 1);
        cpwl_batch_plan_clear(P);
        for (i = 0; i < D && bce; i++)
        {
            if (xok[i] && bce_d(&W, Y + i * k, Yerr + i * k, k, lab[i]))
                R->decided_double++;
            else
            {
                cpwl_net_eval_fmpq(yq, snet, data->X + i * n);
                bce_exact(&W, yq, k, lab[i]);
                R->decided_exact++;
            }
            fmpz_add(W.sum_lo, W.sum_lo, W.lo);
            fmpz_add(W.sum_up, W.sum_up, W.up);
        }
        for (i = 0; i < D && !bce; i++)
        {
            slong pred = xok[i] ? decide_d(Y + i * k, Yerr + i * k, k) : -1;
            if (pred >= 0)
                R->decided_double++;
            else
            {
                cpwl_net_eval_fmpq(yq, snet, data->X + i * n);
                pred = decide_exact(yq, k);
                R->decided_exact++;
            }
            wrong += pred != lab[i];
        }
        fmpz_add_ui(R->mistakes, R->mistakes, (ulong) wrong);
        R->samples++;
        if (progress != NULL)
            progress(progress_data, R->samples, samples);
    }
    if (R->samples > 0)
    {
        fmpz_t den;
        fmpz_init_set_si(den, R->samples);
        fmpz_mul_si(den, den, D);
        if (bce)
        {
            /* [sum_lo, sum_up] 2^-128 / (N m). */
            arb_t a;
            arb_init(a);
            arb_set_fmpz(a, W.sum_up);
            arb_set_fmpz(R->emp_enclosure, W.sum_lo);
            arb_union(R->emp_enclosure, R->emp_enclosure, a, 2 * BCE_PREC);
            arb_div_fmpz(R->emp_enclosure, R->emp_enclosure, den,
                         2 * BCE_PREC);
            arb_mul_2exp_si(R->emp_enclosure, R->emp_enclosure,
                            -STOCHNET_BCE_UNIT_BITS);
            arb_clear(a);
            fmpz_mul_2exp(den, den, STOCHNET_BCE_UNIT_BITS);
            fmpq_set_fmpz_frac(R->emp, W.sum_up, den);
        }
        else
        {
            fmpq_set_fmpz_frac(R->emp, R->mistakes, den);
            arb_set_fmpq(R->emp_enclosure, R->emp, 2 * BCE_PREC);
        }
        fmpz_clear(den);
    }
    else
    {
        fmpq_zero(R->emp);
        arb_zero(R->emp_enclosure);
    }

    fmpz_clear(W.sum_up);
    fmpz_clear(W.sum_lo);
    fmpz_clear(W.up);
    fmpz_clear(W.lo);
    _arb_vec_clear(W.f, k);
    arb_clear(W.c);
    cpwl_net_clear(snet);
    _fmpq_vec_clear(yq, k);
    flint_free(w);
    flint_free(Yerr);
    flint_free(Y);
    flint_free(xok);
    flint_free(Xerr);
    flint_free(X);
    flint_free(lab);
    return e->status;
}

int cpwl_stochnet_risk_upper(arb_t res, const fmpq_t emp, slong samples,
                             const fmpq_t delta_prime, slong prec, cpwl_err_t e)
{
    arb_t q, c;
    int st;
    if (samples < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the number of samples must be "
                            ">= 1, got %ld", (long) samples);
    if (fmpq_sgn(emp) < 0 || fmpz_cmp(fmpq_numref(emp), fmpq_denref(emp)) > 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "the empirical risk must be in "
                            "[0, 1]");
    if (fmpq_sgn(delta_prime) <= 0
        || fmpz_cmp(fmpq_numref(delta_prime), fmpq_denref(delta_prime)) >= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "delta' (the confidence "
                            "parameter of the sample-convergence bound) must "
                            "be in (0, 1)");
    arb_init(q);
    arb_init(c);
    /* c = ln(2/delta')/N. */
    arb_set_fmpq(c, delta_prime, prec);
    arb_ui_div(c, 2, c, prec);
    arb_log(c, c, prec);
    arb_div_si(c, c, samples, prec);
    arb_set_fmpq(q, emp, prec);
    st = cpwl_pacbayes_kl_inv(res, q, c, 0, prec, e);
    arb_clear(c);
    arb_clear(q);
    return st;
}
