/* Small vector helpers over fmpq that FLINT 2.9's fmpq_vec.h lacks (FLINT
   3 has some of them under the same names, hence the qvec_ prefix). */
#ifndef CPWL_QVEC_H
#define CPWL_QVEC_H

#include <flint/fmpq.h>
#include <flint/fmpq_vec.h>

static inline void qvec_set(fmpq *r, const fmpq *a, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_set(r + i, a + i);
}

static inline void qvec_zero(fmpq *r, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_zero(r + i);
}

static inline int qvec_is_zero(const fmpq *a, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_is_zero(a + i))
            return 0;
    return 1;
}

static inline int qvec_equal(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_equal(a + i, b + i))
            return 0;
    return 1;
}

static inline void qvec_scalar_mul(fmpq *r, const fmpq *a, slong n,
                                   const fmpq_t c)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_mul(r + i, a + i, c);
}

/* v = <g, p> + c for the affine form h = (g_1..g_d, c). */
static inline void qvec_form_eval(fmpq_t v, const fmpq *h, const fmpq *p,
                                  slong d)
{
    slong i;
    fmpq_set(v, h + d);
    for (i = 0; i < d; i++)
        if (!fmpq_is_zero(h + i))
            fmpq_addmul(v, h + i, p + i);
}

#endif
