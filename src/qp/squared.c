/* The squared loss (see qp.c): a double pre-solve (Goldfarb and Idnani)
   proposes a working set, checked exactly; else the exact primal
   active-set method. */
#include "qp_impl.h"

/* ---- the double pre-solve -------------------------------------------- */

/* x * 2^-s as a double. */
double qp_zget_d(const fmpz_t x, slong s)
{
    slong e;
    double m;
    if (fmpz_is_zero(x))
        return 0;
    m = fmpz_get_d_2exp(&e, x);
    e -= s;
    return ldexp(m, (int) FLINT_MAX(-1100, FLINT_MIN(1100, e)));
}

/* Column shifts for the doubles, which work in v = 2^cs w: the columns
   of w differ in scale by hundreds of bits (dc_j, the size of the data),
   so each is scaled by a power of 2 to unit size: the diagonal of H
   (squared), the largest entry of the column of A (l1/hinge), or, for a
   column that is zero there, dc_j. */
void qp_zq_col_shifts(slong *cs, const zq_struct *S, const fmpz *A,
                      slong D)
{
    slong i, j, k = S->k;
    for (j = 0; j < k; j++)
    {
        slong b = 0;
        if (A == NULL)
            b = (fmpz_bits(S->H + j * k + j) + 1) / 2;
        else
            for (i = 0; i < D; i++)
                b = FLINT_MAX(b, (slong) fmpz_bits(A + i * k + j));
        cs[j] = b > 0 ? b : (slong) fmpz_bits(S->dc + j);
    }
}

/* The integer row g (k entries, in w) as doubles in v = 2^cs w, scaled by
   a power of 2 to a largest entry in [1/2, 1); returns that power b
   (the row in doubles is g_j 2^-(cs_j + b)). */
slong qp_zq_row_d(double *gd, const fmpz *g, const slong *cs, slong k)
{
    slong j, b = WORD_MIN;
    for (j = 0; j < k; j++)
        if (!fmpz_is_zero(g + j))
            b = FLINT_MAX(b, (slong) fmpz_bits(g + j) - cs[j]);
    if (b == WORD_MIN)
        b = 0;
    for (j = 0; j < k; j++)
        gd[j] = qp_zget_d(g + j, cs[j] + b);
    return b;
}

/* Gaussian elimination with partial pivoting on the n x (n+1) augmented
   matrix A; the solution goes to z.  Returns 0 on a (numerically) zero
   pivot. */
int qp_dsolve(double *z, double *A, slong n)
{
    slong c = n + 1, i, j, s, p;
    for (s = 0; s < n; s++)
    {
        p = s;
        for (i = s + 1; i < n; i++)
            if (fabs(A[i * c + s]) > fabs(A[p * c + s]))
                p = i;
        if (!(fabs(A[p * c + s]) > 1e-300))
            return 0;
        if (p != s)
            for (j = 0; j < c; j++)
            {
                double t = A[p * c + j];
                A[p * c + j] = A[s * c + j];
                A[s * c + j] = t;
            }
        for (i = s + 1; i < n; i++)
        {
            double f = A[i * c + s] / A[s * c + s];
            if (f != 0)
                for (j = s; j < c; j++)
                    A[i * c + j] -= f * A[s * c + j];
        }
    }
    for (i = n - 1; i >= 0; i--)
    {
        double t = A[i * c + n];
        for (j = i + 1; j < n; j++)
            t -= A[i * c + j] * z[j];
        z[i] = t / A[i * c + i];
        if (!isfinite(z[i]))
            return 0;
    }
    return 1;
}

/* The regularised KKT system of working set W in doubles:
       [Hd + eps I, -Gd_W^T; Gd_W, 0] sol = [rhs; 0]
   (K: scratch of (k + nw) (k + nw + 1) doubles). */
static int gi_kkt(double *sol, double *K, const double *Hd, double eps,
                  const double *Gd, slong k, const slong *W, slong nw,
                  const double *rhs)
{
    slong n = k + nw, c = n + 1, i, j, l;
    for (i = 0; i < n * c; i++)
        K[i] = 0;
    for (i = 0; i < k; i++)
    {
        for (j = 0; j < k; j++)
            K[i * c + j] = Hd[i * k + j];
        K[i * c + i] += eps;
        for (l = 0; l < nw; l++)
            K[i * c + k + l] = -Gd[W[l] * k + i];
        K[i * c + n] = rhs[i];
    }
    for (l = 0; l < nw; l++)
        for (j = 0; j < k; j++)
            K[(k + l) * c + j] = Gd[W[l] * k + j];
    return qp_dsolve(sol, K, n);
}

/* The double pre-solve: the dual active-set method of Goldfarb and
   Idnani on (1/2) x^T (Hd + eps I) x - cd.x subject to Gd x >= 0 (H, c
   and G scaled as said below; eps makes it strictly convex).  It starts at the unconstrained minimum and adds violated
   rows, dropping rows whose multipliers would turn negative, so the
   degenerate vertex w = 0 (where every row is active) costs nothing.
   It proposes the working set W (returns its size, or -1 when the
   doubles broke down) and (w, nu) = z_j 2^ze_j in the exact problem's
   scaling (k + size entries; the shifts can be far beyond the range of
   doubles).  Only a proposal: the exact certificate decides. */
static slong sq_propose(slong *W, double *z, slong *ze, const zq_struct *S,
                        slong *iters)
{
    slong k = S->k, m = S->m, i, j, l, nw = 0, it = 0;
    slong maxit = 10 * (m + k) + 50, sH = 0, p;
    double *Hd = flint_malloc((k * k + 2 * k + 1) * sizeof(double));
    double *cd = Hd + k * k, *x = cd + k;
    double *Gd = flint_malloc((FLINT_MAX(m, 1) * k + 1) * sizeof(double));
    double *K = flint_malloc(((2 * k + 1) * (2 * k + 2)) * sizeof(double));
    double *sol = flint_malloc((2 * k + 1) * sizeof(double));
    double *u = flint_malloc((k + 1) * sizeof(double));
    slong *bits = flint_malloc((FLINT_MAX(m, 1)) * sizeof(slong));
    unsigned char *inW = flint_calloc(FLINT_MAX(m, 1), 1);
    slong *cs = flint_malloc((k + 1) * sizeof(slong));
    double eps, hmax = 0, x0max = 0;
    int ok = 1, fin = 1;

    /* the doubles work in v = 2^cs w with unit diagonal of H (Jacobi
       scaling), and c gets its own power of 2, sH: the cone is
       homogeneous, so that only scales the solution */
    qp_zq_col_shifts(cs, S, NULL, 0);
    sH = WORD_MIN;
    for (i = 0; i < k; i++)
        if (!fmpz_is_zero(S->c + i))
            sH = FLINT_MAX(sH, (slong) fmpz_bits(S->c + i) - cs[i]);
    if (sH == WORD_MIN)
        sH = 0;
    for (i = 0; i < k; i++)
    {
        for (j = 0; j < k; j++)
            Hd[i * k + j] = qp_zget_d(S->H + i * k + j, cs[i] + cs[j]);
        cd[i] = qp_zget_d(S->c + i, sH + cs[i]);
        hmax = FLINT_MAX(hmax, Hd[i * k + i]);
    }
    eps = hmax > 0 ? 1e-14 * hmax : 1;
    for (i = 0; i < m; i++)
        bits[i] = qp_zq_row_d(Gd + i * k, S->G + i * k, cs, k);

    ok = gi_kkt(sol, K, Hd, eps, Gd, k, W, nw, cd);
    for (j = 0; ok && j < k; j++)
    {
        x[j] = sol[j];
        x0max = FLINT_MAX(x0max, fabs(x[j]));
    }
    while (ok && it < maxit)
    {
        double xmax = x0max, smin = 0, s;

        /* the most violated row (beyond rounding noise, measured against
           the size of x and of the unconstrained minimum) */
        for (j = 0; j < k; j++)
            xmax = FLINT_MAX(xmax, fabs(x[j]));
        p = -1;
        for (i = 0; i < m; i++)
        {
            if (inW[i])
                continue;
            s = 0;
            for (j = 0; j < k; j++)
                s += Gd[i * k + j] * x[j];
            if (s < smin)
            {
                smin = s;
                p = i;
            }
        }
        if (p < 0 || smin >= -1e-12 * xmax)
            break;
        /* add p: its multiplier u_p rises from 0 */
        u[nw] = 0;
        while (ok && it < maxit)
        {
            double t1 = HUGE_VAL, t2 = HUGE_VAL, t, zn = 0, res = 0;
            slong jd = -1;
            int dep;

            it++;
            ok = gi_kkt(sol, K, Hd, eps, Gd, k, W, nw, Gd + p * k);
            if (!ok)
                break;
            /* z = sol[0..k): primal direction; sol[k..]: the rates of
               the multipliers of W; z = 0 iff row p depends on W */
            for (j = 0; j < k; j++)
            {
                double q = Gd[p * k + j];
                for (l = 0; l < nw; l++)
                    q += Gd[W[l] * k + j] * sol[k + l];
                res = FLINT_MAX(res, fabs(q));
                zn += sol[j] * Gd[p * k + j];
            }
            dep = res <= 1e-10;
            for (l = 0; l < nw; l++)
                if (sol[k + l] < 0 && u[l] / -sol[k + l] < t1)
                {
                    t1 = u[l] / -sol[k + l];
                    jd = l;
                }
            s = 0;
            for (j = 0; j < k; j++)
                s += Gd[p * k + j] * x[j];
            if (!dep && zn > 0)
                t2 = FLINT_MAX(0, -s) / zn;
            if (t1 == HUGE_VAL && t2 == HUGE_VAL)
            {
                /* "infeasible" (impossible: x = 0 is feasible): row p is
                   violated only by rounding; propose W as it is */
                ok = 0;
                break;
            }
            t = FLINT_MIN(t1, t2);
            if (t2 != HUGE_VAL)
                for (j = 0; j < k; j++)
                    x[j] += t * sol[j];
            for (l = 0; l < nw; l++)
                u[l] += t * sol[k + l];
            u[nw] += t;
            if (t2 <= t1)
            {
                inW[p] = 1;
                W[nw++] = p;
                break;
            }
            /* drop W[jd] (its multiplier reached 0) and go on with p,
               whose multiplier u[nw] moves down with the others */
            inW[W[jd]] = 0;
            for (l = jd; l + 1 < nw; l++)
                W[l] = W[l + 1];
            for (l = jd; l < nw; l++)
                u[l] = u[l + 1];
            nw--;
        }
    }
    /* a breakdown (a singular system, the iteration cap) still leaves a
       working set worth proposing when the first solve went through */
    *iters += it;
    fin = it > 0 || ok;
    for (j = 0; fin && j < k; j++)
    {
        z[j] = x[j];
        ze[j] = sH - cs[j];
        fin = isfinite(x[j]);
    }
    /* w = 2^(sH - cs) x and nu_i = u_i 2^(sH - b_i) (the column shifts
       cancel) */
    for (l = 0; fin && l < nw; l++)
    {
        z[k + l] = u[l];
        ze[k + l] = sH - bits[W[l]];
        fin = isfinite(u[l]);
    }
    flint_free(Hd);
    flint_free(Gd);
    flint_free(K);
    flint_free(sol);
    flint_free(u);
    flint_free(bits);
    flint_free(cs);
    flint_free(inW);
    return fin ? nw : -1;
}

/* The exact value of the double v. */
static void fmpq_set_double(fmpq_t q, double v)
{
    int ex;
    double f = frexp(v, &ex);
    fmpz_set_d(fmpq_numref(q), ldexp(f, 53));
    fmpz_one(fmpq_denref(q));
    ex -= 53;
    if (ex >= 0)
        fmpq_mul_2exp(q, q, ex);
    else
        fmpq_div_2exp(q, q, -ex);
}

/* ---- the exact active-set method ------------------------------------- */

/* Common denominator form of the rational vector w: w = wn / wd. */
static void vec_common(fmpz *wn, fmpz_t wd, const fmpq *w, slong n)
{
    slong j;
    fmpz_t t;
    fmpz_init(t);
    fmpz_one(wd);
    for (j = 0; j < n; j++)
        if (!fmpz_is_one(fmpq_denref(w + j)))
            fmpz_lcm(wd, wd, fmpq_denref(w + j));
    for (j = 0; j < n; j++)
        qp_scale_to_int(wn + j, w + j, wd, t);
    fmpz_clear(t);
}

/* At a degenerate point w = wn / wd that minimises Q on W's subspace with
   some nu_j < 0: minimise grad.d over the cone of the rows active at w
   (box |d_j| <= 1), exactly.  Value 0: w is optimal and the LP's duals
   are its multipliers (nu, per row, into nu_row); returns 1.  Value < 0:
   a strict descent step is taken along d, w is updated, W is set to the
   blocking row (if any); returns 0.  Returns -1 on a solver failure. */
static int sq_lp_step(fmpq *w, slong *W, slong *nw, fmpq *nu_row,
                      const zq_struct *S, const fmpz *wn, const fmpz_t wd,
                      const fmpz *sl)
{
    slong k = S->k, m = S->m, i, j, na = 0, blk = -1;
    slong *act = flint_malloc(FLINT_MAX(m, 1) * sizeof(slong));
    fmpq *obj = qv_new(k + 1), *d = qv_new(k), *u;
    fmpq_t opt, t, a, best;
    fmpz_t gz;
    lp_t L;
    int res = -1;

    fmpq_init(opt);
    fmpq_init(t);
    fmpq_init(a);
    fmpq_init(best);
    fmpz_init(gz);
    lp_init(L, k);
    for (i = 0; i < m; i++)
        if (!S->zero[i] && fmpz_is_zero(sl + i))
        {
            fmpq *r = lp_add_row_zero(L, 0);
            for (j = 0; j < k; j++)
                fmpq_set_fmpz_frac(r + j, S->G + i * k + j, wd);
            act[na++] = i;
        }
    for (j = 0; j < k; j++)
    {
        fmpq *r = lp_add_row_zero(L, 0);
        fmpq_one(r + j);
        fmpq_one(r + k);
        r = lp_add_row_zero(L, 0);
        fmpq_set_si(r + j, -1, 1);
        fmpq_one(r + k);
    }
    /* gradient / 2 = H w - c = (H wn - wd c) / wd */
    for (j = 0; j < k; j++)
    {
        fmpz_mul(gz, wd, S->c + j);
        fmpz_neg(gz, gz);
        for (i = 0; i < k; i++)
            fmpz_addmul(gz, S->H + j * k + i, wn + i);
        fmpq_set_fmpz_frac(obj + j, gz, wd);
    }
    u = qv_new(L->m);
    if (lp_optimize_dual(opt, d, u, L, obj, 0) != LP_OPTIMAL)
        goto done;
    if (fmpq_sgn(opt) >= 0)
    {
        /* obj = sum_act u_i Gz_i / wd with u >= 0 (box duals must be 0);
           check it before trusting it */
        for (j = 0; j < 2 * k; j++)
            if (!fmpq_is_zero(u + na + j))
                goto done;
        qvec_zero(nu_row, m);
        for (i = 0; i < na; i++)
        {
            if (fmpq_sgn(u + i) < 0)
                goto done;
            fmpq_div_fmpz(nu_row + act[i], u + i, wd);
        }
        for (j = 0; j < k; j++)
        {
            fmpq_set(t, obj + j);
            for (i = 0; i < na; i++)
                if (!fmpq_is_zero(u + i))
                    fmpq_submul(t, L->rows + i * (k + 1) + j, u + i);
            if (!fmpq_is_zero(t))
                goto done;
        }
        res = 1;
        goto done;
    }
    /* descent: alpha* = -(obj.d) / (d^T H d), capped by the inactive rows */
    fmpq_zero(t);
    for (j = 0; j < k; j++)
        fmpq_addmul(t, obj + j, d + j);
    fmpq_neg(best, t);
    fmpq_zero(t);
    for (j = 0; j < k; j++)
        for (i = 0; i < k; i++)
            if (!fmpz_is_zero(S->H + j * k + i))
            {
                fmpq_mul(a, d + j, d + i);
                fmpq_mul_fmpz(a, a, S->H + j * k + i);
                fmpq_add(t, t, a);
            }
    if (fmpq_sgn(t) <= 0)
        goto done;
    fmpq_div(best, best, t);
    for (i = 0; i < m; i++)
    {
        if (S->zero[i] || fmpz_is_zero(sl + i))
            continue;
        fmpq_zero(t);
        for (j = 0; j < k; j++)
            if (!fmpz_is_zero(S->G + i * k + j))
            {
                fmpq_mul_fmpz(a, d + j, S->G + i * k + j);
                fmpq_add(t, t, a);
            }
        if (fmpq_sgn(t) < 0)
        {
            /* alpha_i = (sl_i / wd) / (-Gz_i.d) */
            fmpq_set_fmpz_frac(a, sl + i, wd);
            fmpq_div(a, a, t);
            fmpq_neg(a, a);
            if (fmpq_cmp(a, best) <= 0 && (blk < 0 || fmpq_cmp(a, best) < 0))
            {
                fmpq_set(best, a);
                blk = i;
            }
        }
    }
    for (j = 0; j < k; j++)
        fmpq_addmul(w + j, best, d + j);
    *nw = 0;
    if (blk >= 0)
        W[(*nw)++] = blk;
    res = 0;
done:
    qv_free(u, L->m);
    lp_clear(L);
    flint_free(act);
    qv_free(obj, k + 1);
    qv_free(d, k);
    fmpq_clear(opt);
    fmpq_clear(t);
    fmpq_clear(a);
    fmpq_clear(best);
    fmpz_clear(gz);
    return res;
}

/* The primal active-set method in exact arithmetic from the feasible
   point w (updated in place) with W empty; on success nu_row (m) holds
   the multipliers nu.  Returns CPWL_OK or an error. */
static int sq_exact(fmpq *w, fmpq *nu_row, const zq_struct *S,
                    slong *iters, cpwl_err_t e)
{
    slong k = S->k, m = S->m, i, j, l, nw = 0, it;
    slong *W = flint_malloc((k + 1) * sizeof(slong));
    unsigned char *inW = flint_calloc(FLINT_MAX(m, 1), 1);
    fmpz *wn = zv_new(k), *zn = zv_new(2 * k), *pn = zv_new(k);
    fmpz *sl = zv_new(m);
    fmpz_t wd, zd, t, an, ad;
    fmpq_t al, q;
    int status = CPWL_OK;

    fmpz_init(wd);
    fmpz_init(zd);
    fmpz_init(t);
    fmpz_init(an);
    fmpz_init(ad);
    fmpq_init(al);
    fmpq_init(q);
    for (it = 0;; it++)
    {
        slong jm = -1, blk = -1;
        int event = 1, degenerate = 0;

        if (it > 100000)
        {
            status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: the exact "
                                  "active-set method did not terminate");
            break;
        }
        vec_common(wn, wd, w, k);
        for (i = 0; i < m; i++)
            qp_sq_row_dot(sl + i, S, i, wn);
        if (qp_sq_kkt(zn, zd, S, W, nw, NULL) < 0)
        {
            status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: inconsistent KKT "
                                  "system");
            break;
        }
        /* pn = (w - x) wd zd; w minimises on the subspace iff H pn = 0 */
        for (j = 0; j < k; j++)
        {
            fmpz_mul(pn + j, wn + j, zd);
            fmpz_submul(pn + j, zn + j, wd);
        }
        for (j = 0; j < k && event; j++)
        {
            fmpz_zero(t);
            for (l = 0; l < k; l++)
                fmpz_addmul(t, S->H + j * k + l, pn + l);
            event = fmpz_is_zero(t);
        }
        if (event)
        {
            for (l = 0; l < nw; l++)
                if (fmpz_sgn(zn + k + l) < 0
                    && (jm < 0 || fmpz_cmp(zn + k + l, zn + k + jm) < 0))
                    jm = l;
            if (jm < 0)
            {
                qvec_zero(nu_row, m);
                for (l = 0; l < nw; l++)
                    fmpq_set_fmpz_frac(nu_row + W[l], zn + k + l, zd);
                break;
            }
            for (i = 0; i < m && !degenerate; i++)
                degenerate = !inW[i] && !S->zero[i] && fmpz_is_zero(sl + i);
            if (!degenerate)
            {
                inW[W[jm]] = 0;
                for (l = jm; l + 1 < nw; l++)
                    W[l] = W[l + 1];
                nw--;
                continue;
            }
            {
                int r = sq_lp_step(w, W, &nw, nu_row, S, wn, wd, sl);
                if (r < 0)
                {
                    status = cpwl_err_set(e, CPWL_ERR_INTERNAL, "qp: the exact "
                                          "LP of a degenerate step failed");
                    break;
                }
                if (r == 1)
                    break;
                memset(inW, 0, FLINT_MAX(m, 1));
                for (l = 0; l < nw; l++)
                    inW[W[l]] = 1;
                continue;
            }
        }
        /* step towards x = zn / zd; Gz_i.(x - w) has the sign of -Gz_i.pn,
           and row i blocks at alpha_i = sl_i zd / (Gz_i.pn) */
        fmpz_one(an);
        fmpz_one(ad);
        for (i = 0; i < m; i++)
        {
            if (inW[i] || S->zero[i])
                continue;
            qp_sq_row_dot(t, S, i, pn);
            if (fmpz_sgn(t) > 0)
            {
                fmpz_t lhs, rhs;
                fmpz_init(lhs);
                fmpz_init(rhs);
                /* alpha_i < an / ad ? */
                fmpz_mul(lhs, sl + i, zd);
                fmpz_mul(lhs, lhs, ad);
                fmpz_mul(rhs, an, t);
                if (fmpz_cmp(lhs, rhs) < 0)
                {
                    fmpz_mul(an, sl + i, zd);
                    fmpz_set(ad, t);
                    blk = i;
                }
                fmpz_clear(lhs);
                fmpz_clear(rhs);
            }
        }
        fmpq_set_fmpz_frac(al, an, ad);
        for (j = 0; j < k; j++)
        {
            /* w += alpha (x - w) */
            fmpq_set_fmpz_frac(q, zn + j, zd);
            fmpq_sub(q, q, w + j);
            fmpq_addmul(w + j, al, q);
        }
        if (blk >= 0)
        {
            inW[blk] = 1;
            W[nw++] = blk;
        }
    }
    *iters += it;
    flint_free(W);
    flint_free(inW);
    zv_free(wn, k);
    zv_free(zn, 2 * k);
    zv_free(pn, k);
    zv_free(sl, m);
    fmpz_clear(wd);
    fmpz_clear(zd);
    fmpz_clear(t);
    fmpz_clear(an);
    fmpz_clear(ad);
    fmpq_clear(al);
    fmpq_clear(q);
    return status;
}

/* The solution in P's terms: theta = Dc w / dy, lambda_i = 2 nu_i r_i /
   dy with r_i = Gz_ij / (G_ij dc_j), value = Q(w) / dy^2. */
static void sq_output(cpwl_qp_sol_t Sol, const cpwl_qp_t P, const zq_struct *S,
                      const fmpq *w, const fmpq *nu_row)
{
    slong k = S->k, m = S->m, i, j;
    fmpz *wn = zv_new(k);
    fmpz_t wd, t, Q;
    fmpq_t r;

    fmpz_init(wd);
    fmpz_init(t);
    fmpz_init(Q);
    fmpq_init(r);
    for (j = 0; j < k; j++)
    {
        fmpq_mul_fmpz(Sol->theta + j, w + j, S->dc + j);
        fmpq_div_fmpz(Sol->theta + j, Sol->theta + j, S->dy);
    }
    for (i = 0; i < m; i++)
    {
        fmpq_zero(Sol->lambda + i);
        if (fmpq_is_zero(nu_row + i) || S->zero[i])
            continue;
        qp_zq_row_scale(r, P, S, i);
        fmpq_mul(Sol->lambda + i, nu_row + i, r);
        fmpq_mul_2exp(Sol->lambda + i, Sol->lambda + i, 1);
        fmpq_div_fmpz(Sol->lambda + i, Sol->lambda + i, S->dy);
    }
    /* Q(w) wd^2 = wn^T H wn - 2 wd c.wn + wd^2 yy */
    vec_common(wn, wd, w, k);
    for (i = 0; i < k; i++)
    {
        fmpz_zero(t);
        for (j = 0; j < k; j++)
            fmpz_addmul(t, S->H + i * k + j, wn + j);
        fmpz_submul(t, S->c + i, wd);
        fmpz_submul(t, S->c + i, wd);
        fmpz_addmul(Q, t, wn + i);
    }
    fmpz_mul(t, wd, wd);
    fmpz_addmul(Q, t, S->yy);
    fmpz_mul(t, t, S->dy);
    fmpz_mul(t, t, S->dy);
    fmpq_set_fmpz_frac(Sol->value, Q, t);
    qvec_zero(Sol->mu, Sol->D);
    zv_free(wn, k);
    fmpz_clear(wd);
    fmpz_clear(t);
    fmpz_clear(Q);
    fmpq_clear(r);
}

/* The squared loss; fast: with the double proposal (else the exact
   active-set method alone, from 0). */
int qp_solve_squared(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int fast, cpwl_err_t e)
{
    slong k = P->k, m = P->m, nw, j, l, attempt, rank = -1;
    slong *W = flint_malloc((k + 1) * sizeof(slong));
    double *zd_ = flint_malloc((2 * k + 1) * sizeof(double));
    slong *ze = flint_malloc((2 * k + 1) * sizeof(slong));
    fmpz *zn = zv_new(2 * k);
    fmpq *w = qv_new(k), *nu_row = qv_new(m), *fv = qv_new(2 * k);
    fmpz_t zd;
    zq_struct S;
    int status = CPWL_OK, ok = 0, feasible = 0;

    fmpz_init(zd);
    qp_zq_init(&S, P, 1, 1);
    Sol->iterations = 0;
    Sol->by_double = 0;
    nw = fast ? sq_propose(W, zd_, ze, &S, &Sol->iterations) : -1;
    if (nw >= 0 && qp_sq_rows_rank(&S, W, nw) < nw)
        nw = -1;
    /* certify the proposal: free unknowns of a singular KKT system at 0,
       then at the double values (rounded to 20 bits, then exactly) */
    for (attempt = 0; nw >= 0 && attempt < 3 && !ok; attempt++)
    {
        if (attempt > 0)
        {
            if (rank == k + nw)
                break;
            for (j = 0; j < k + nw; j++)
            {
                double v = zd_[j];
                int ex;
                if (!isfinite(v))
                    v = 0;
                if (attempt == 1 && v != 0)
                {
                    double f = frexp(v, &ex);
                    v = ldexp(nearbyint(ldexp(f, 20)), ex - 20);
                }
                fmpq_set_double(fv + j, v);
                if (ze[j] >= 0)
                    fmpq_mul_2exp(fv + j, fv + j, ze[j]);
                else
                    fmpq_div_2exp(fv + j, fv + j, -ze[j]);
            }
        }
        rank = qp_sq_kkt(zn, zd, &S, W, nw, attempt ? fv : NULL);
        if (rank < 0)
            break;
        feasible = qp_sq_feasible(&S, zn);
        ok = feasible;
        for (l = 0; l < nw && ok; l++)
            ok = fmpz_sgn(zn + k + l) >= 0;
    }
    if (ok)
    {
        Sol->by_double = 1;
        for (j = 0; j < k; j++)
            fmpq_set_fmpz_frac(w + j, zn + j, zd);
        for (l = 0; l < nw; l++)
            fmpq_set_fmpz_frac(nu_row + W[l], zn + k + l, zd);
    }
    else
    {
        /* exact method from the last KKT point if it is feasible, else
           from 0 (always feasible: the constraints are homogeneous) */
        for (j = 0; j < k; j++)
        {
            if (nw >= 0 && rank >= 0 && feasible)
                fmpq_set_fmpz_frac(w + j, zn + j, zd);
            else
                fmpq_zero(w + j);
        }
        status = sq_exact(w, nu_row, &S, &Sol->iterations, e);
    }
    if (status == CPWL_OK)
        sq_output(Sol, P, &S, w, nu_row);
    qp_zq_clear(&S);
    flint_free(W);
    flint_free(zd_);
    flint_free(ze);
    zv_free(zn, 2 * k);
    qv_free(w, k);
    qv_free(nu_row, m);
    qv_free(fv, 2 * k);
    fmpz_clear(zd);
    return status;
}
