/* The coordinates of sample.c's grid and random points in double with a
   proven bound (docs/sample.md; the bound is tested by containment in
   tests/test_sample.c, which is why it lives in this internal header). */
#ifndef CPWL_SAMPLE_AXIS_H
#define CPWL_SAMPLE_AXIS_H

#include <math.h>
#include <flint/flint.h>
#include "fpbound.h"

typedef struct
{
    double lo, w;               /* nearest doubles of lo and hi - lo */
    double elo, ew;             /* bounds on their rounding errors */
    int ok;                     /* both finite */
    slong N;                    /* grid: points on the axis */
    double *yd, *ye;            /* grid: precomputed, or NULL */
}
axis_struct;

/* y_d = fl(lo_d + fl(w_d t_d)) and a proven bound on |y_d - y| for the
   exact y = lo + w t, given t, t_d in [0, 1] with |t_d - t| <= u t.

   With fl(ab) = ab(1 + e1) + h1 (|e1| <= u, |h1| <= eta/2) and the sum
   fl(a + b) = (a + b)(1 + e2) (|e2| <= u; sums do not underflow):
     y_d - y = (lo_d - lo) + (w_d t_d - w t) + e1 w_d t_d + h1
               + e2 (lo_d + p),      p = fl(w_d t_d),
     w_d t_d - w t = w_d (t_d - t) + (w_d - w) t,
   so |y_d - y| <= e_lo + e_w + 2u |w_d| + u/(1 - u) |y_d| + eta/2 (t <= 1,
   |lo_d + p| = |y_d| / (1 + e2)).  An FMA only removes e1 and h1.  The
   bound below has 4u where u and 2u suffice and 4 eta for eta/2: that
   covers its own roundings (at most 6, each a factor >= 1 - u on a sum of
   nonnegative terms, one possible underflow of eta/2 in 4u(...)), and
   SLACK covers the (1 - u)^-6. */
static inline void axis_coord(double *yd, double *ye, const axis_struct *A,
                              double td)
{
    double p, y, err;
    if (A->ok)
    {
        p = A->w * td;
        y = A->lo + p;
        err = SLACK_D * (A->elo + A->ew + 4 * U_D * (fabs(A->w) + fabs(y))
                         + 4 * ETA_D);
        if (isfinite(y) && isfinite(err))
        {
            *yd = y;
            *ye = err;
            return;
        }
    }
    /* Overflow: an infinite bound leaves every bit undecided, and the
       exact stage decides. */
    *yd = 0.0;
    *ye = INFINITY;
}

/* t_d on a grid axis: exact for N = 1 (t = 1/2) and i = 0, N - 1; else a
   correctly rounded quotient of exact integers (t >= 2^-52, no
   underflow), so |t_d - t| <= u t. */
static inline double grid_t(slong i, slong N)
{
    if (N == 1)
        return 0.5;
    return (double) i / (double) (N - 1);
}

#endif
