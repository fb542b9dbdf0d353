/* The certificate of Tron's contraction (docs/api/tron.md): exact moments,
   rigorous extreme eigenvalues (module symeig), the step and the factor
   rho, exactly when the eigenvalues allow it and as Arb balls otherwise,
   and the rigorous check of a trajectory against rho^(t-1) d_1. */
#include <string.h>
#include <flint/fmpz_mat.h>
#include "cpwl/tron.h"
#include "cpwl/symeig.h"

void cpwl_tron_cert_init(cpwl_tron_cert_t C)
{
    memset(C, 0, sizeof *C);
    C->witness = -1;
    fmpq_mat_init(C->Sigma, 0, 0);
    fmpq_mat_init(C->M, 0, 0);
    fmpq_init(C->lmin_q);
    fmpq_init(C->lmaxS_q);
    fmpq_init(C->lmaxM_q);
    arb_init(C->lmin);
    arb_init(C->lmaxS);
    arb_init(C->lmaxM);
    arb_init(C->cb);
    arb_init(C->eta_star);
    arb_init(C->rho_star);
    fmpq_init(C->eta);
    arb_init(C->rho);
    fmpq_init(C->rho_q);
}

void cpwl_tron_cert_clear(cpwl_tron_cert_t C)
{
    fmpq_mat_clear(C->Sigma);
    fmpq_mat_clear(C->M);
    fmpq_clear(C->lmin_q);
    fmpq_clear(C->lmaxS_q);
    fmpq_clear(C->lmaxM_q);
    arb_clear(C->lmin);
    arb_clear(C->lmaxS);
    arb_clear(C->lmaxM);
    arb_clear(C->cb);
    arb_clear(C->eta_star);
    arb_clear(C->rho_star);
    fmpq_clear(C->eta);
    arb_clear(C->rho);
    fmpq_clear(C->rho_q);
}

/* The exact value or the ball of an eigenvalue into (q, ball). */
static int cert_take(fmpq_t q, arb_t ball, const cpwl_symeig_val_t v)
{
    arb_set(ball, v->ball);
    if (v->rational)
        fmpq_set(q, v->q);
    else
        fmpq_zero(q);
    return v->rational;
}

/* The rational endpoints [lo, hi] of a finite ball, exactly:
   a 2^ex and b 2^ex. */
static void cert_ends(fmpq_t lo, fmpq_t hi, const arb_t x)
{
    fmpz_t a, b, ex;
    fmpz_init(a);
    fmpz_init(b);
    fmpz_init(ex);
    arb_get_interval_fmpz_2exp(a, b, ex, x);
    fmpz_set(fmpq_numref(lo), a);
    fmpz_one(fmpq_denref(lo));
    fmpz_set(fmpq_numref(hi), b);
    fmpz_one(fmpq_denref(hi));
    if (fmpz_sgn(ex) >= 0)
    {
        fmpq_mul_2exp(lo, lo, fmpz_get_ui(ex));
        fmpq_mul_2exp(hi, hi, fmpz_get_ui(ex));
    }
    else
    {
        fmpz_neg(ex, ex);
        fmpq_div_2exp(lo, lo, fmpz_get_ui(ex));
        fmpq_div_2exp(hi, hi, fmpz_get_ui(ex));
    }
    fmpz_clear(a);
    fmpz_clear(b);
    fmpz_clear(ex);
}

int cpwl_tron_cert_compute(cpwl_tron_cert_t C, const cpwl_dist_t D, slong b,
                           const fmpq_t eta, slong prec, cpwl_err_t e)
{
    slong n = D->n, rank, wp = FLINT_MAX(prec, 64);
    cpwl_symeig_val_t lo, hi;
    int st, lmin_rat, cb_rat, lmaxS_rat, lmaxM_rat;
    fmpq_t cbq, t, u, h;
    arb_t x, y;

    if (b < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "certificate: the batch size is %ld; it must be "
                            "at least 1", (long) b);
    if (eta != NULL && fmpq_sgn(eta) <= 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "certificate: the step must be positive");
    /* before the n x n moments: a law of n = 10^6 would not fit */
    if (n > CPWL_SYMEIG_MAX)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "certificate: x has dimension %ld; the "
                            "eigenvalues are enclosed up to dimension %d",
                            (long) n, CPWL_SYMEIG_MAX);
    fmpq_mat_clear(C->Sigma);
    fmpq_mat_clear(C->M);
    fmpq_mat_init(C->Sigma, n, n);
    fmpq_mat_init(C->M, n, n);
    cpwl_dist_moments(C->Sigma, C->M, D);
    C->symmetric = cpwl_dist_symmetric(&C->witness, D);
    if (C->symmetric)
        C->witness = -1;
    C->batch = b;
    C->rational = 0;
    C->rho_exact = 0;
    {
        /* the rank of Sigma is that of its numerators over a common
           denominator */
        fmpz_mat_t num;
        fmpz_t den;
        fmpz_mat_init(num, n, n);
        fmpz_init(den);
        fmpq_mat_get_fmpz_mat_matwise(num, den, C->Sigma);
        rank = fmpz_mat_rank(num);
        fmpz_mat_clear(num);
        fmpz_clear(den);
    }
    if (rank < n)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "certificate: Sigma = E[x x^T] is singular (rank "
                            "%ld of %ld), so lambda_min(Sigma) = 0 and Tron "
                            "does not contract along its kernel",
                            (long) rank, (long) n);

    cpwl_symeig_val_init(lo);
    cpwl_symeig_val_init(hi);
    fmpq_init(cbq);
    fmpq_init(t);
    fmpq_init(u);
    fmpq_init(h);
    arb_init(x);
    arb_init(y);
    st = cpwl_symeig_extremes(lo, hi, C->Sigma, wp, e);
    if (st != CPWL_OK)
        goto done;
    lmin_rat = cert_take(C->lmin_q, C->lmin, lo);
    lmaxS_rat = cert_take(C->lmaxS_q, C->lmaxS, hi);
    st = cpwl_symeig_extremes(lo, hi, C->M, wp, e);
    if (st != CPWL_OK)
        goto done;
    lmaxM_rat = cert_take(C->lmaxM_q, C->lmaxM, hi);
    C->rational = lmin_rat && lmaxS_rat && lmaxM_rat;

    /* c_b = lmax(M) / b + (1 - 1/b) lmax(Sigma)^2 / 4; with b = 1 the
       second term vanishes, so c_1 is rational with lmax(M) alone */
    cb_rat = lmaxM_rat && (b == 1 || lmaxS_rat);
    if (cb_rat)
    {
        fmpq_set_si(u, 1, b);
        fmpq_mul(cbq, C->lmaxM_q, u);
        fmpq_mul(t, C->lmaxS_q, C->lmaxS_q);
        fmpq_mul_si(t, t, b - 1);
        fmpq_mul(t, t, u);
        fmpq_div_2exp(t, t, 2);
        fmpq_add(cbq, cbq, t);
        arb_set_fmpq(C->cb, cbq, wp);
    }
    else
    {
        arb_div_si(C->cb, C->lmaxM, b, wp);
        arb_sqr(x, C->lmaxS, wp);
        arb_mul_si(x, x, b - 1, wp);
        arb_div_si(x, x, 4 * b, wp);
        arb_add(C->cb, C->cb, x, wp);
    }

    /* eta* = lmin / (2 c_b), rho* = 1 - lmin^2 / (4 c_b) */
    if (lmin_rat && cb_rat)
    {
        fmpq_div(t, C->lmin_q, cbq);
        fmpq_div_2exp(t, t, 1);
        arb_set_fmpq(C->eta_star, t, wp);
        if (eta == NULL)
            fmpq_set(h, t);
        fmpq_mul(t, C->lmin_q, C->lmin_q);
        fmpq_div(t, t, cbq);
        fmpq_div_2exp(t, t, 2);
        fmpq_sub_si(t, t, 1);
        fmpq_neg(t, t);
        arb_set_fmpq(C->rho_star, t, wp);
    }
    else
    {
        arb_div(C->eta_star, C->lmin, C->cb, wp);
        arb_mul_2exp_si(C->eta_star, C->eta_star, -1);
        arb_sqr(x, C->lmin, wp);
        arb_div(x, x, C->cb, wp);
        arb_mul_2exp_si(x, x, -2);
        arb_sub_si(x, x, 1, wp);
        arb_neg(C->rho_star, x);
        if (eta == NULL)
        {
            /* the simplest rational within a relative 2^-20 of eta*:
               short, and rho(eta) exceeds rho* by at most
               c_b eta*^2 2^-40 (rho is quadratic in eta with its minimum
               at eta*); it must lie in (0, lmin / c_b), where rho < 1 */
            arb_set(x, C->eta_star);
            arb_add_error_2exp_si(x, arf_abs_bound_lt_2exp_si(
                                      arb_midref(C->eta_star)) - 21);
            cert_ends(t, u, x);
            fmpq_simplest_between(h, t, u);
            arb_div(x, C->lmin, C->cb, wp);
            arb_set_fmpq(y, h, wp);
            arb_sub(x, x, y, wp);
            if (fmpq_sgn(h) <= 0 || !arb_is_positive(x))
            {
                st = cpwl_err_set(e, CPWL_ERR_INTERNAL,
                                  "certificate: no step could be chosen at "
                                  "precision %ld (eta* not separated from 0 "
                                  "and lambda_min / c_b)", (long) wp);
                goto done;
            }
        }
    }
    if (eta != NULL)
        fmpq_set(h, eta);
    fmpq_set(C->eta, h);

    /* rho = 1 - eta lmin + eta^2 c_b */
    if (lmin_rat && cb_rat)
    {
        fmpq_mul(t, h, h);
        fmpq_mul(t, t, cbq);
        fmpq_submul(t, h, C->lmin_q);
        fmpq_add_si(C->rho_q, t, 1);
        arb_set_fmpq(C->rho, C->rho_q, wp);
        C->rho_exact = 1;
    }
    else
    {
        fmpq_zero(C->rho_q);
        arb_set_fmpq(y, h, wp);
        arb_mul(x, y, C->cb, wp);
        arb_sub(x, x, C->lmin, wp);
        arb_mul(x, x, y, wp);
        arb_add_si(C->rho, x, 1, wp);
    }
done:
    cpwl_symeig_val_clear(lo);
    cpwl_symeig_val_clear(hi);
    fmpq_clear(cbq);
    fmpq_clear(t);
    fmpq_clear(u);
    fmpq_clear(h);
    arb_clear(x);
    arb_clear(y);
    return st;
}

/* Why the check is rigorous.  The claim at t is d[t-1] <= rho^(t-1) d[0]
   with rho the real number 1 - eta lmin + eta^2 c_b and d exact.
   - rho rational: the claim is decided in exact rationals.
   - Otherwise Arb encloses rho^(t-1) d[0] - d[t-1] in a ball that contains
     the true difference; a ball >= 0 proves the claim, a ball < 0 proves
     its failure.
   - Still undecided: rho lies in [lo, hi], the exact rational ends of its
     ball, and rho >= 0: as a quadratic in eta its minimum is
     1 - lmin^2 / (4 c_b), and c_b >= lmax(Sigma)^2 / 4 >= lmin^2 / 4
     because lmax(M) >= lmax(Sigma)^2 (Cauchy-Schwarz: for a unit v,
     E[<v, x>^2]^2 <= E[<v, x>^4] <= E[<v, x>^2 |x|^2]).  So with
     lo' = max(lo, 0),
     lo'^(t-1) d[0] <= rho^(t-1) d[0] <= hi^(t-1) d[0] (d[0] >= 0).  The
     claim holds if d[t-1] <= lo'^(t-1) d[0] and fails if
     d[t-1] > hi^(t-1) d[0], both decided exactly.  Else it is undecided. */
slong cpwl_tron_cert_check(slong *undecided, const cpwl_tron_cert_t C,
                           const fmpq *d, slong T, slong prec)
{
    slong t, bad = 0, und = 0, wp = FLINT_MAX(prec, 64);
    fmpq_t p, q, lo, hi, plo, phi;
    arb_t r, x, y;
    int have_ends = 0;

    fmpq_init(p);
    fmpq_init(q);
    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_init(plo);
    fmpq_init(phi);
    arb_init(r);
    arb_init(x);
    arb_init(y);
    fmpq_one(p);                /* rho^(t-1), exactly when rho is rational */
    fmpq_one(plo);
    fmpq_one(phi);
    for (t = 1; t <= T && bad == 0; t++)
    {
        if (t > 1 && C->rho_exact)
            fmpq_mul(p, p, C->rho_q);
        if (C->rho_exact || t == 1)
        {
            fmpq_mul(q, p, d + 0);
            if (fmpq_cmp(d + t - 1, q) > 0)
                bad = t;
            continue;
        }
        arb_pow_ui(r, C->rho, (ulong) (t - 1), wp);
        arb_set_fmpq(y, d + 0, wp);
        arb_mul(x, r, y, wp);
        arb_set_fmpq(y, d + t - 1, wp);
        arb_sub(x, x, y, wp);
        if (arb_is_nonnegative(x))
            continue;
        if (arb_is_negative(x))
        {
            bad = t;
            continue;
        }
        if (!have_ends)
        {
            cert_ends(lo, hi, C->rho);
            if (fmpq_sgn(lo) < 0)
                fmpq_zero(lo);
            have_ends = 1;
        }
        fmpq_pow_si(plo, lo, t - 1);
        fmpq_pow_si(phi, hi, t - 1);
        fmpq_mul(q, plo, d + 0);
        if (fmpq_cmp(d + t - 1, q) <= 0)
            continue;
        fmpq_mul(q, phi, d + 0);
        if (fmpq_cmp(d + t - 1, q) > 0)
            bad = t;
        else
            und++;
    }
    if (undecided != NULL)
        *undecided = und;
    fmpq_clear(p);
    fmpq_clear(q);
    fmpq_clear(lo);
    fmpq_clear(hi);
    fmpq_clear(plo);
    fmpq_clear(phi);
    arb_clear(r);
    arb_clear(x);
    arb_clear(y);
    return bad;
}

void cpwl_tron_linear_gap(fmpq *gap, const cpwl_dist_t D, const fmpq *wstar,
                          const fmpq *w)
{
    slong n = D->n, k, j;
    fmpq_t a, c, s;
    for (j = 0; j < n; j++)
        fmpq_zero(gap + j);
    if (cpwl_dist_is_continuous(D))
        return;
    fmpq_init(a);
    fmpq_init(c);
    fmpq_init(s);
    for (k = 0; k < D->K; k++)
    {
        const fmpq *x = D->X + k * n;
        /* s = p_k (|<w*, x>| - |<w, x>|) / 2 */
        fmpq_zero(a);
        fmpq_zero(c);
        for (j = 0; j < n; j++)
        {
            fmpq_addmul(a, wstar + j, x + j);
            fmpq_addmul(c, w + j, x + j);
        }
        fmpq_abs(a, a);
        fmpq_abs(c, c);
        fmpq_sub(s, a, c);
        fmpq_mul(s, s, D->p + k);
        fmpq_div_2exp(s, s, 1);
        for (j = 0; j < n; j++)
            fmpq_addmul(gap + j, s, x + j);
    }
    fmpq_clear(a);
    fmpq_clear(c);
    fmpq_clear(s);
}
