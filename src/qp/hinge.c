/* l1 and hinge (see qp.c): a simplex method in theta-space in doubles,
   certified exactly. */
#include "qp_impl.h"

/* ---- l1 and hinge: a simplex method in theta-space ------------------- */

/* In the integer scaling (theta = Dc w) the loss is sum_i phi(h_i) / dy
   with pieces h_i = A_i.w - B_i and phi convex, positively homogeneous,
   with slopes sl < sr on the two sides of 0:
     l1:    A_i = dy Mz_i,    B_i = yz_i,  h_i = dy r_i,  slopes -1, +1;
     hinge: A_i = yz_i Mz_i,  B_i = dy,    h_i = -dy t_i, slopes -1, 0.
   A vertex is given by a basis of k hyperplanes (pieces h_i = 0, rows
   Gz_l w = 0, or, while the method starts up or along directions on
   which nothing depends, coordinate rows) and a side (+1 or -1) for each
   piece off the basis: the slope that piece contributes. */

#define PL_PIECE 0
#define PL_ROW 1
#define PL_FREE 2               /* a coordinate row, to be replaced */
#define PL_LINE 3               /* a coordinate row along which nothing
                                   changes: kept */

typedef struct
{
    slong k, D, m;
    fmpz *A;                    /* D x k */
    fmpz *B;                    /* D */
    slong sl, sr;
}
pl_struct;

static void pl_init(pl_struct *L, const zq_struct *Z, cpwl_qp_loss loss)
{
    slong k = Z->k, D = Z->D, i, j;
    L->k = k;
    L->D = D;
    L->m = Z->m;
    L->A = zv_new(D * k);
    L->B = zv_new(D);
    L->sl = -1;
    L->sr = loss == CPWL_QP_L1 ? 1 : 0;
    for (i = 0; i < D; i++)
    {
        const fmpz *s = loss == CPWL_QP_L1 ? Z->dy : Z->yz + i;
        for (j = 0; j < k; j++)
            fmpz_mul(L->A + i * k + j, Z->Mz + i * k + j, s);
        fmpz_set(L->B + i, loss == CPWL_QP_L1 ? Z->yz + i : Z->dy);
    }
}

static void pl_clear(pl_struct *L)
{
    zv_free(L->A, L->D * L->k);
    zv_free(L->B, L->D);
}

typedef struct
{
    double t, inc;
    slong i;
}
pl_break;

static int pl_break_cmp(const void *a, const void *b)
{
    const pl_break *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* The basis matrix (rows) in doubles. */
static void pl_basis_rows(double *R, const slong *bt, const slong *bi,
                          const double *Ad, const double *Gd, slong k)
{
    slong j, l;
    for (j = 0; j < k; j++)
        for (l = 0; l < k; l++)
        {
            if (bt[j] == PL_PIECE)
                R[j * k + l] = Ad[bi[j] * k + l];
            else if (bt[j] == PL_ROW)
                R[j * k + l] = Gd[bi[j] * k + l];
            else
                R[j * k + l] = l == bi[j];
        }
}

/* A fixed pseudo-random number in [1/2, 3/2) for index i. */
static double pl_jitter(slong i, ulong salt)
{
    ulong z = (ulong) i * UWORD(2654435761) + salt * UWORD(40503);
    z ^= z >> 13;
    z *= UWORD(2246822519);
    z ^= z >> 16;
    return 0.5 + (double) (z & UWORD(0xffffff)) / 16777216.0;
}

/* The simplex method in doubles: from w = 0 with the coordinate rows as
   basis, choose a basic row whose release decreases the loss (Dantzig's
   rule; Bland's after a run of degenerate steps), move along the edge
   past every breakpoint that keeps the slope negative (a long step), and
   let the stopping piece or the first blocking row of G enter.
   Degenerate vertices (many pieces through one point, every row of G
   tight at w = 0) make such methods cycle; the right-hand sides are
   therefore perturbed by tiny distinct amounts (h_i + p_i, Gd_l w >=
   -q_l).  The multipliers of a basis do not depend on them, and the
   certificate uses the exact data.  Returns 1 with the final basis (bt,
   bi) and sides, 0 when the doubles broke down.  Only a proposal: the
   exact certificate decides. */
static int pl_propose(slong *bt, slong *bi, signed char *side,
                      const pl_struct *L, const zq_struct *Z, slong *iters)
{
    slong k = L->k, D = L->D, m = L->m, i, j, l, it, sA;
    slong maxit = 20 * (D + m + k) + 100, degen = 0, nb;
    double *Ad = flint_malloc((D * k + 1) * sizeof(double));
    double *Bd = flint_malloc((D + 1) * sizeof(double));
    double *Gd = flint_malloc((m * k + 1) * sizeof(double));
    double *K = flint_malloc((k * (k + 1) + 1) * sizeof(double));
    double *R = flint_malloc((k * k + 1) * sizeof(double));
    double *w = flint_malloc((4 * k + 1) * sizeof(double));
    double *u = w + k, *d = u + k, *g = d + k;
    double *h = flint_malloc((D + 1) * sizeof(double));
    double *gl = flint_malloc((m + 1) * sizeof(double));
    double *an = flint_malloc((D + 1) * sizeof(double));
    double *pb = flint_malloc((D + m + 1) * sizeof(double)), *pg = pb + D;
    double bmax = 0, amax = 0;
    pl_break *br = flint_malloc((D + 1) * sizeof(pl_break));
    unsigned char *inP = flint_calloc(D + 1, 1), *inG = flint_calloc(m + 1, 1);
    slong *cs = flint_malloc((k + 1) * sizeof(slong));
    int ok = 0;

    /* doubles in v = 2^cs w (see sq_propose) with the pieces scaled by
       2^-sA: the tolerances below take the entries of A and of G to be of
       unit size, and B sets the size of v; so the columns of A are scaled
       to unit size, B by 2^-sA to unit size, and v by the rest */
    qp_zq_col_shifts(cs, Z, L->A, D);
    sA = 0;
    for (i = 0; i < D; i++)
        sA = FLINT_MAX(sA, (slong) fmpz_bits(L->B + i));
    for (j = 0; j < k; j++)
        cs[j] -= sA;
    for (i = 0; i < D; i++)
    {
        an[i] = 0;
        for (j = 0; j < k; j++)
        {
            Ad[i * k + j] = qp_zget_d(L->A + i * k + j, sA + cs[j]);
            an[i] += fabs(Ad[i * k + j]);
        }
        Bd[i] = qp_zget_d(L->B + i, sA);
        bmax = FLINT_MAX(bmax, fabs(Bd[i]));
        amax = FLINT_MAX(amax, an[i]);
    }
    /* perturbations: 1e-9 of the size of B, and of the rows of G at the
       size of w that B / A suggests */
    if (bmax == 0)
        bmax = 1;
    for (i = 0; i < D; i++)
    {
        pb[i] = 1e-9 * bmax * pl_jitter(i, 1);
        side[i] = pb[i] - Bd[i] > 0 ? 1 : -1;      /* h_i(0) = -B_i + p_i */
    }
    for (l = 0; l < m; l++)
        pg[l] = 1e-9 * bmax / (amax > 0 ? amax : 1) * pl_jitter(l, 2);
    for (i = 0; i < m; i++)
        qp_zq_row_d(Gd + i * k, Z->G + i * k, cs, k);
    for (j = 0; j < k; j++)
    {
        bt[j] = PL_FREE;
        bi[j] = j;
        w[j] = 0;
    }

    for (it = 0; it < maxit; it++)
    {
        double best = 0, gmax = 0, dmax = 0, tb = HUGE_VAL, delta, t;
        slong jb = -1, sg = 0, lb = -1, free_j = -1, enter = -1;
        int bland = degen > 2 * k + 10;

        for (i = 0; i < D; i++)
        {
            h[i] = pb[i] - Bd[i];
            for (j = 0; j < k; j++)
                h[i] += Ad[i * k + j] * w[j];
        }
        for (l = 0; l < m; l++)
        {
            gl[l] = pg[l];
            for (j = 0; j < k; j++)
                gl[l] += Gd[l * k + j] * w[j];
        }
        /* g = sum over the pieces off the basis of their slopes times A_i;
           u solves R^T u = g */
        for (j = 0; j < k; j++)
            g[j] = 0;
        for (i = 0; i < D; i++)
            if (!inP[i])
            {
                double s = side[i] > 0 ? L->sr : L->sl;
                if (s != 0)
                    for (j = 0; j < k; j++)
                        g[j] += s * Ad[i * k + j];
            }
        for (j = 0; j < k; j++)
            gmax = FLINT_MAX(gmax, fabs(g[j]));
        pl_basis_rows(R, bt, bi, Ad, Gd, k);
        for (j = 0; j < k; j++)
        {
            for (l = 0; l < k; l++)
                K[j * (k + 1) + l] = R[l * k + j];
            K[j * (k + 1) + k] = g[j];
        }
        if (!qp_dsolve(u, K, k))
            break;
        /* pricing: d f along the edge releasing row j in direction s is
           s u_j (+ the released piece's own slope) */
        for (j = 0; j < k; j++)
            if (bt[j] == PL_FREE)
            {
                free_j = j;
                break;
            }
        if (free_j >= 0)
        {
            jb = free_j;
            sg = u[jb] > 0 ? -1 : 1;
            best = -fabs(u[jb]);
        }
        else
        {
            double tol = 1e-9 * FLINT_MAX(1, gmax);
            best = -tol;
            for (j = 0; j < k && !(bland && jb >= 0); j++)
            {
                double dp, dm;
                if (bt[j] == PL_LINE)
                    continue;
                dp = u[j] + (bt[j] == PL_PIECE ? L->sr : 0);
                dm = bt[j] == PL_PIECE ? -u[j] - L->sl : HUGE_VAL;
                if (dp < best)
                {
                    best = dp;
                    jb = j;
                    sg = 1;
                }
                if (dm < best)
                {
                    best = dm;
                    jb = j;
                    sg = -1;
                }
            }
            if (jb < 0)
            {
                ok = 1;         /* no edge descends: optimal */
                break;
            }
        }
        /* the edge: R d = sg e_jb */
        for (j = 0; j < k; j++)
        {
            for (l = 0; l < k; l++)
                K[j * (k + 1) + l] = R[j * k + l];
            K[j * (k + 1) + k] = j == jb ? sg : 0;
        }
        if (!qp_dsolve(d, K, k))
            break;
        for (j = 0; j < k; j++)
            dmax = FLINT_MAX(dmax, fabs(d[j]));
        for (;;)
        {
            /* rows of G that block, breakpoints of pieces on the way */
            tb = HUGE_VAL;
            lb = -1;
            for (l = 0; l < m; l++)
            {
                double rho = 0;
                if (inG[l])
                    continue;
                for (j = 0; j < k; j++)
                    rho += Gd[l * k + j] * d[j];
                if (rho < -1e-12 * dmax)
                {
                    t = FLINT_MAX(gl[l], 0) / -rho;
                    if (t < tb)
                    {
                        tb = t;
                        lb = l;
                    }
                }
            }
            nb = 0;
            for (i = 0; i < D; i++)
            {
                double rho = 0;
                if (inP[i])
                    continue;
                for (j = 0; j < k; j++)
                    rho += Ad[i * k + j] * d[j];
                if (fabs(rho) <= 1e-12 * dmax * an[i])
                    continue;
                if ((side[i] > 0 && rho < 0) || (side[i] < 0 && rho > 0))
                {
                    br[nb].t = FLINT_MAX(side[i] * h[i], 0) / fabs(rho);
                    br[nb].inc = (L->sr - L->sl) * fabs(rho);
                    br[nb].i = i;
                    nb++;
                }
            }
            qsort(br, nb, sizeof(pl_break), pl_break_cmp);
            delta = best;
            enter = -1;
            t = tb;
            for (l = 0; l < nb && br[l].t <= tb; l++)
            {
                delta += br[l].inc;
                if (delta >= -1e-12 * FLINT_MAX(1, gmax))
                {
                    enter = br[l].i;
                    t = br[l].t;
                    break;
                }
            }
            if (enter >= 0 || lb >= 0 || bt[jb] != PL_FREE || sg < 0)
                break;
            /* a free row with nothing ahead: look the other way */
            sg = -1;
            for (j = 0; j < k; j++)
                d[j] = -d[j];
        }
        if (enter < 0 && lb < 0)
        {
            if (bt[jb] != PL_FREE)
                break;          /* unbounded: impossible, the loss is >= 0 */
            bt[jb] = PL_LINE;   /* nothing depends on this direction */
            continue;
        }
        degen = t > 0 ? 0 : degen + 1;
        for (j = 0; j < k; j++)
            w[j] += t * d[j];
        /* pieces passed on the way change sides */
        for (l = 0; l < nb && br[l].t <= t; l++)
            if (br[l].i != enter)
                side[br[l].i] = -side[br[l].i];
        if (bt[jb] == PL_PIECE)
        {
            inP[bi[jb]] = 0;
            side[bi[jb]] = sg > 0 ? 1 : -1;
        }
        else if (bt[jb] == PL_ROW)
            inG[bi[jb]] = 0;
        if (enter >= 0)
        {
            bt[jb] = PL_PIECE;
            bi[jb] = enter;
            inP[enter] = 1;
        }
        else
        {
            bt[jb] = PL_ROW;
            bi[jb] = lb;
            inG[lb] = 1;
        }
    }
    *iters += it;
    flint_free(Ad);
    flint_free(Bd);
    flint_free(Gd);
    flint_free(K);
    flint_free(R);
    flint_free(w);
    flint_free(h);
    flint_free(gl);
    flint_free(an);
    flint_free(pb);
    flint_free(cs);
    flint_free(br);
    flint_free(inP);
    flint_free(inG);
    return ok;
}

/* The exact certificate of a proposed basis: w from the basis rows (the
   coordinate rows are left out: nothing depends on them), the sides of
   the pieces off the basis from the exact signs of h_i (the proposed side
   where h_i = 0), then the multipliers of the basis from stationarity
       sum_{pieces} slope_i A_i = sum_{rows} kappa_l Gz_l,
   and every condition checked exactly.  Fills Sol and returns 1, or 0. */
static int pl_certify(cpwl_qp_sol_t Sol, const cpwl_qp_t P, const pl_struct *L,
                      const zq_struct *Z, const slong *bt, const slong *bi,
                      const signed char *side)
{
    slong k = L->k, D = L->D, m = L->m, i, j, l, nr = 0;
    slong *rows = flint_malloc((k + 1) * sizeof(slong));
    fmpz *K = zv_new(k * k), *rhs = zv_new(k), *wn = zv_new(k);
    fmpz *hn = zv_new(D), *zn = zv_new(k), *sl = zv_new(D);
    fmpz_t wd, zd, t, tot;
    fmpq_t q, r;
    int ok = 0;

    fmpz_init(wd);
    fmpz_init(zd);
    fmpz_init(t);
    fmpz_init(tot);
    fmpq_init(q);
    fmpq_init(r);
    /* w: the basis rows at equality */
    for (j = 0; j < k; j++)
        if (bt[j] == PL_PIECE || bt[j] == PL_ROW)
        {
            const fmpz *a = bt[j] == PL_PIECE ? L->A + bi[j] * k
                                              : Z->G + bi[j] * k;
            for (l = 0; l < k; l++)
                fmpz_set(K + nr * k + l, a + l);
            if (bt[j] == PL_PIECE)
                fmpz_set(rhs + nr, L->B + bi[j]);
            else
                fmpz_zero(rhs + nr);
            rows[nr++] = j;
        }
    if (qp_solve_ff(wn, wd, K, rhs, nr, k, NULL) < 0)
        goto done;
    /* feasibility: Gz w >= 0 */
    for (l = 0; l < m; l++)
    {
        if (Z->zero[l])
            continue;
        qp_sq_row_dot(t, Z, l, wn);
        if (fmpz_sgn(t) < 0)
            goto done;
    }
    /* h_i wd, the slopes, the value sum phi(h_i) / dy and the right-hand
       side -sum_{off the basis} slope_i A_i */
    _fmpz_vec_zero(rhs, k);
    fmpz_zero(tot);
    for (i = 0; i < D; i++)
    {
        fmpz_mul(hn + i, L->B + i, wd);
        fmpz_neg(hn + i, hn + i);
        for (j = 0; j < k; j++)
            fmpz_addmul(hn + i, L->A + i * k + j, wn + j);
        if (fmpz_sgn(hn + i) > 0)
            fmpz_set_si(sl + i, L->sr);
        else if (fmpz_sgn(hn + i) < 0)
            fmpz_set_si(sl + i, L->sl);
        else
            fmpz_set_si(sl + i, side[i] > 0 ? L->sr : L->sl);
        if (fmpz_sgn(hn + i) > 0)
            fmpz_addmul_ui(tot, hn + i, (ulong) L->sr);
        else
            fmpz_submul_ui(tot, hn + i, (ulong) -L->sl);
    }
    for (i = 0; i < D; i++)
    {
        int basic = 0;
        for (j = 0; j < nr && !basic; j++)
            basic = bt[rows[j]] == PL_PIECE && bi[rows[j]] == i;
        if (basic || fmpz_is_zero(sl + i))
            continue;
        for (j = 0; j < k; j++)
            fmpz_submul(rhs + j, sl + i, L->A + i * k + j);
    }
    /* stationarity: [A_B^T, -Gz_B^T] (mu_B, kappa_B) = rhs (k x nr) */
    for (j = 0; j < k; j++)
        for (l = 0; l < nr; l++)
        {
            slong b = rows[l];
            if (bt[b] == PL_PIECE)
                fmpz_set(K + j * nr + l, L->A + bi[b] * k + j);
            else
                fmpz_neg(K + j * nr + l, Z->G + bi[b] * k + j);
        }
    if (qp_solve_ff(zn, zd, K, rhs, k, nr, NULL) < 0)
        goto done;
    for (l = 0; l < nr; l++)
    {
        slong b = rows[l];
        if (bt[b] == PL_ROW)
        {
            if (fmpz_sgn(zn + l) < 0)
                goto done;
        }
        else
        {
            /* sl zd <= mu zd <= sr zd */
            fmpz_mul_si(t, zd, L->sl);
            if (fmpz_cmp(zn + l, t) < 0)
                goto done;
            fmpz_mul_si(t, zd, L->sr);
            if (fmpz_cmp(zn + l, t) > 0)
                goto done;
            fmpz_set(sl + bi[b], zn + l);   /* as a slope over zd */
        }
    }
    /* the solution in P's terms; slopes off the basis are integers */
    for (j = 0; j < k; j++)
    {
        fmpz_mul(t, wn + j, Z->dc + j);
        fmpq_set_fmpz_frac(Sol->theta + j, t, wd);
    }
    for (i = 0; i < D; i++)
    {
        int basic = 0;
        for (j = 0; j < nr && !basic; j++)
            basic = bt[rows[j]] == PL_PIECE && bi[rows[j]] == i;
        if (basic)
            fmpq_set_fmpz_frac(Sol->mu + i, sl + i, zd);
        else
        {
            fmpz_set(fmpq_numref(Sol->mu + i), sl + i);
            fmpz_one(fmpq_denref(Sol->mu + i));
        }
        if (P->loss == CPWL_QP_HINGE)
            fmpq_neg(Sol->mu + i, Sol->mu + i);
    }
    qvec_zero(Sol->lambda, m);
    for (l = 0; l < nr; l++)
    {
        slong b = rows[l];
        if (bt[b] != PL_ROW || fmpz_is_zero(zn + l))
            continue;
        /* lambda = kappa r_l / dy */
        qp_zq_row_scale(r, P, Z, bi[b]);
        fmpz_mul(t, zd, Z->dy);
        fmpq_set_fmpz_frac(q, zn + l, t);
        fmpq_mul(Sol->lambda + bi[b], q, r);
    }
    fmpz_mul(t, wd, Z->dy);
    fmpq_set_fmpz_frac(Sol->value, tot, t);
    ok = 1;
done:
    flint_free(rows);
    zv_free(K, k * k);
    zv_free(rhs, k);
    zv_free(wn, k);
    zv_free(hn, D);
    zv_free(zn, k);
    zv_free(sl, D);
    fmpz_clear(wd);
    fmpz_clear(zd);
    fmpz_clear(t);
    fmpz_clear(tot);
    fmpq_clear(q);
    fmpq_clear(r);
    return ok;
}

/* The fast path for l1/hinge: propose in doubles, certify exactly.
   with_G = 0 solves the relaxation without G (lambda stays 0).  Returns 1
   when certified. */
int qp_pl_solve(cpwl_qp_sol_t Sol, const cpwl_qp_t P, int with_G, slong *iters)
{
    zq_struct Z;
    pl_struct L;
    slong k = P->k;
    slong *bt = flint_malloc((k + 1) * sizeof(slong));
    slong *bi = flint_malloc((k + 1) * sizeof(slong));
    signed char *side = flint_malloc(P->D + 1);
    int ok;

    qp_zq_init(&Z, P, 0, with_G);
    if (!with_G)
        Z.m = 0;
    pl_init(&L, &Z, P->loss);
    ok = pl_propose(bt, bi, side, &L, &Z, iters)
         && pl_certify(Sol, P, &L, &Z, bt, bi, side);
    pl_clear(&L);
    qp_zq_clear(&Z);
    flint_free(bt);
    flint_free(bi);
    flint_free(side);
    return ok;
}
