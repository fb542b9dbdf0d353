/* Rigorous eigenvalues of a rational symmetric matrix (docs/api/symeig.md):
   the exact characteristic polynomial, factored over Z; linear factors
   give exact rationals, the other factors' roots are isolated by Arb
   (arb_fmpz_poly_complex_roots certifies which roots are real and gives
   them with an exactly zero imaginary part).  Distinct eigenvalues are
   separated by doubling the precision: they are distinct numbers, so
   their balls eventually become disjoint. */
#include <stdlib.h>
#include <flint/fmpz_poly.h>
#include <flint/fmpq_poly.h>
#include <flint/fmpz_poly_factor.h>
#include "cpwl/symeig.h"
#if __FLINT_RELEASE >= 30000
#include <flint/acb.h>
#include <flint/arb_fmpz_poly.h>
#else
#include <acb.h>
#include <arb_fmpz_poly.h>
#endif

void cpwl_symeig_val_init(cpwl_symeig_val_t v)
{
    v->rational = 0;
    v->mult = 0;
    fmpq_init(v->q);
    arb_init(v->ball);
}

void cpwl_symeig_val_clear(cpwl_symeig_val_t v)
{
    fmpq_clear(v->q);
    arb_clear(v->ball);
}

static int symeig_check(const fmpq_mat_t S, cpwl_err_t e)
{
    slong n = fmpq_mat_nrows(S), i, j;
    if (n == 0 || fmpq_mat_ncols(S) == 0)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "eigenvalues: the matrix is empty");
    if (fmpq_mat_ncols(S) != n)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "eigenvalues: the matrix is %ld x %ld, not square",
                            (long) n, (long) fmpq_mat_ncols(S));
    if (n > CPWL_SYMEIG_MAX)
        return cpwl_err_set(e, CPWL_ERR_INPUT,
                            "eigenvalues: the matrix has %ld rows; at most %d "
                            "are supported", (long) n, CPWL_SYMEIG_MAX);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (!fmpq_equal(fmpq_mat_entry(S, i, j), fmpq_mat_entry(S, j, i)))
                return cpwl_err_set(e, CPWL_ERR_INPUT,
                                    "eigenvalues: the matrix is not symmetric "
                                    "(entries (%ld, %ld) and (%ld, %ld) differ)",
                                    (long) i + 1, (long) j + 1, (long) j + 1,
                                    (long) i + 1);
    return CPWL_OK;
}

/* One distinct eigenvalue while they are being separated: a root of
   factor f (root number k among its roots in increasing order). */
typedef struct
{
    slong f, k;
    cpwl_symeig_val_struct *v;
}
symeig_root;

static int symeig_root_cmp(const void *a, const void *b)
{
    const symeig_root *x = a, *y = b;
    int c = arf_cmp(arb_midref(x->v->ball), arb_midref(y->v->ball));
    if (c != 0)
        return c;
    return x->f != y->f ? (x->f < y->f ? -1 : 1) : (x->k < y->k ? -1 : 1);
}

/* Factor order (f, then k): the order symeig_balls writes in. */
static int symeig_root_fk_cmp(const void *a, const void *b)
{
    const symeig_root *x = a, *y = b;
    if (x->f != y->f)
        return x->f < y->f ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

/* The balls of all roots at prec, R in factor order; 0 if a root of a
   factor is not certified real (impossible for a symmetric matrix). */
static int symeig_balls(symeig_root *R, const fmpz_poly_factor_t fac,
                        slong prec)
{
    slong i, j, m = 0, d;
    for (i = 0; i < fac->num; i++)
    {
        d = fmpz_poly_degree(fac->p + i);
        if (d == 1)
        {
            arb_set_fmpq(R[m].v->ball, R[m].v->q, prec);
            m++;
            continue;
        }
        {
            acb_ptr z = _acb_vec_init(d);
            int ok = 1;
            arb_fmpz_poly_complex_roots(z, fac->p + i, 0, prec);
            for (j = 0; j < d; j++)
            {
                ok &= arb_is_zero(acb_imagref(z + j));
                arb_set(R[m + j].v->ball, acb_realref(z + j));
            }
            _acb_vec_clear(z, d);
            if (!ok)
                return 0;
            m += d;
        }
    }
    return 1;
}

/* Distinct eigenvalues of S, separated: all of them (vals, *count) when
   all is set, else only the extremes written to lo and hi. */
static int symeig_compute(cpwl_symeig_val_struct *vals, slong *count,
                          cpwl_symeig_val_struct *lo,
                          cpwl_symeig_val_struct *hi, int all,
                          const fmpq_mat_t S, slong prec, cpwl_err_t e)
{
    slong n = fmpq_mat_nrows(S), m = 0, i, j, p;
    fmpq_poly_t cp;
    fmpz_poly_t c;
    fmpz_poly_factor_t fac;
    cpwl_symeig_val_struct *tmp;
    symeig_root *R;
    int st = CPWL_OK;

    if ((st = symeig_check(S, e)) != CPWL_OK)
        return st;
    fmpq_poly_init(cp);
    fmpz_poly_init(c);
    fmpz_poly_factor_init(fac);
    fmpq_mat_charpoly(cp, S);
    fmpq_poly_get_numerator(c, cp);
    /* complete factoring finds every rational eigenvalue; squarefree
       parts are enough to separate the roots */
    if (n <= CPWL_SYMEIG_FACTOR_MAX)
        fmpz_poly_factor(fac, c);
    else
        fmpz_poly_factor_squarefree(fac, c);
    for (i = 0; i < fac->num; i++)
        m += fmpz_poly_degree(fac->p + i);

    tmp = flint_malloc(m * sizeof *tmp);
    R = flint_malloc(m * sizeof *R);
    for (i = 0, j = 0; i < fac->num; i++)
    {
        slong d = fmpz_poly_degree(fac->p + i), k;
        for (k = 0; k < d; k++, j++)
        {
            cpwl_symeig_val_init(tmp + j);
            tmp[j].mult = fac->exp[i];
            R[j].f = i;
            R[j].k = k;
            R[j].v = tmp + j;
            if (d == 1)
            {
                /* a x + b: the root -b / a */
                fmpz_t b;
                fmpz_init(b);
                fmpz_neg(b, fac->p[i].coeffs + 0);
                tmp[j].rational = 1;
                fmpq_set_fmpz_frac(tmp[j].q, b, fac->p[i].coeffs + 1);
                fmpz_clear(b);
            }
        }
    }

    for (p = FLINT_MAX(prec, 32); ; p *= 2)
    {
        int sep = 1;
        /* the last pass sorted R by value: back to factor order, or a
           factor's roots would land in another factor's entries */
        qsort(R, m, sizeof *R, symeig_root_fk_cmp);
        if (!symeig_balls(R, fac, p))
        {
            st = cpwl_err_set(e, CPWL_ERR_INTERNAL,
                              "eigenvalues: a root of the characteristic "
                              "polynomial of a symmetric matrix was not "
                              "certified real");
            break;
        }
        qsort(R, m, sizeof *R, symeig_root_cmp);
        if (all)
        {
            /* sorted by midpoint, adjacent balls disjoint and in order:
               then all are (the upper end of each is below the next's
               lower end) */
            for (i = 0; i + 1 < m && sep; i++)
                sep = arb_lt(R[i].v->ball, R[i + 1].v->ball);
        }
        else
            for (i = 1; i < m && sep; i++)
                sep = arb_lt(R[0].v->ball, R[i].v->ball)
                    && arb_lt(R[m - 1 - i].v->ball, R[m - 1].v->ball);
        if (sep)
            break;
    }

    if (st == CPWL_OK)
    {
        /* rational balls stay at the separating precision (symeig_balls
           set them from q): rounded at prec, close ones would overlap */
        if (all)
        {
            for (i = 0; i < m; i++)
            {
                vals[i].rational = R[i].v->rational;
                vals[i].mult = R[i].v->mult;
                fmpq_set(vals[i].q, R[i].v->q);
                arb_set(vals[i].ball, R[i].v->ball);
            }
            *count = m;
        }
        else
        {
            lo->rational = R[0].v->rational;
            lo->mult = R[0].v->mult;
            fmpq_set(lo->q, R[0].v->q);
            arb_set(lo->ball, R[0].v->ball);
            hi->rational = R[m - 1].v->rational;
            hi->mult = R[m - 1].v->mult;
            fmpq_set(hi->q, R[m - 1].v->q);
            arb_set(hi->ball, R[m - 1].v->ball);
        }
    }
    for (i = 0; i < m; i++)
        cpwl_symeig_val_clear(tmp + i);
    flint_free(tmp);
    flint_free(R);
    fmpz_poly_factor_clear(fac);
    fmpz_poly_clear(c);
    fmpq_poly_clear(cp);
    return st;
}

int cpwl_symeig_extremes(cpwl_symeig_val_t lo, cpwl_symeig_val_t hi,
                         const fmpq_mat_t S, slong prec, cpwl_err_t e)
{
    return symeig_compute(NULL, NULL, lo, hi, 0, S, prec, e);
}

int cpwl_symeig_all(cpwl_symeig_val_struct *vals, slong *count,
                    const fmpq_mat_t S, slong prec, cpwl_err_t e)
{
    return symeig_compute(vals, count, NULL, NULL, 1, S, prec, e);
}
