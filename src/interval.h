/* Doubles with a proven error radius (midpoint-radius intervals): the one
   implementation of outward-rounded interval arithmetic shared by the
   double filters (docs/numerics.md, "Intervals").

   An iv {m, r} stands for an exact real x with |x - m| <= r.  Every
   operation returns a radius that covers the input radii, the rounding of
   the midpoint operation (u |m|, or eta when it underflows) and the
   rounding of the radius formula itself (the (1 + 8u) factor over a
   handful of roundings of nonnegative terms).  A non-finite midpoint or
   radius means "no bound" (iv_ok). */
#ifndef CPWL_INTERVAL_H
#define CPWL_INTERVAL_H

#include <math.h>
#include <flint/fmpq.h>
#include "fpbound.h"
#include "cpwl/num.h"

typedef struct
{
    double m, r;                /* the exact value lies in [m - r, m + r] */
}
iv;

static inline iv iv_set(double m, double r)
{
    iv z;
    z.m = m;
    z.r = r;
    return z;
}

static inline iv iv_add(iv x, iv y)
{
    iv z;
    z.m = x.m + y.m;
    z.r = (x.r + y.r + U_D * fabs(z.m)) * (1 + 8 * U_D);
    return z;
}

static inline iv iv_sub(iv x, iv y)
{
    y.m = -y.m;
    return iv_add(x, y);
}

/* The 2 eta covers the underflow of the midpoint product and of the
   products in the radius. */
static inline iv iv_mul(iv x, iv y)
{
    iv z;
    z.m = x.m * y.m;
    z.r = (fabs(x.m) * y.r + fabs(y.m) * x.r + x.r * y.r + U_D * fabs(z.m))
          * (1 + 8 * U_D) + 2 * ETA_D;
    return z;
}

/* Requires |y.m| > y.r (checked by the caller).  With q = x.m / y.m
   exact, every X/Y with |X - x.m| <= x.r, |Y - y.m| <= y.r has
   |X/Y - q| <= (x.r + |q| y.r) / (|y.m| - y.r), attained at a corner; and
   |q| <= |z.m| (1 + u) + eta/2.  SLACK_D covers every factor (1 + u) of
   that and of this formula's own roundings (nine at most; den = |y.m| -
   y.r rounds by at most u, and is exact when subnormal), as in the other
   bounds of docs/numerics.md.  The eta added before dividing covers the
   underflow of the product by y.r, which a tiny den would magnify; the
   2 eta the underflow of the quotient and of u |z.m|. */
static inline iv iv_div(iv x, iv y)
{
    iv z;
    double den = fabs(y.m) - y.r;
    z.m = x.m / y.m;
    z.r = ((x.r + (fabs(z.m) + ETA_D) * y.r + ETA_D) / den
           + U_D * fabs(z.m)) * SLACK_D + 2 * ETA_D;
    return z;
}

/* An iv holding every value of x and of y.  For X with |X - x.m| <= x.r:
   |X - m| <= x.r + |x.m - m| for any m; the computed |x.m - m| and the
   sum each round by at most u (subtraction and addition are exact when
   the result is subnormal), which the (1 + 8u) covers with the rounding
   of its own product, as in iv_add. */
static inline iv iv_hull(iv x, iv y)
{
    iv z;
    double rx, ry;
    z.m = 0.5 * x.m + 0.5 * y.m;
    rx = fabs(x.m - z.m) + x.r;
    ry = fabs(y.m - z.m) + y.r;
    z.r = (rx > ry ? rx : ry) * (1 + 8 * U_D);
    return z;
}

static inline int iv_ok(iv x)
{
    return isfinite(x.m) && isfinite(x.r);
}

/* cpwl_num_fmpq_get_d rounds to nearest (ties to even), subnormals included. */
static inline iv iv_of_fmpq(const fmpq_t q)
{
    iv z;
    z.m = cpwl_num_fmpq_get_d(q);
    /* Exact when q is an integer of at most 53 bits. */
    if (fmpz_is_one(fmpq_denref(q)) && fmpz_bits(fmpq_numref(q)) <= 53)
        z.r = 0;
    else
        z.r = U_D * fabs(z.m) * (1 + 2 * U_D) + ETA_D;
    return z;
}

/* An integer: exact up to 53 bits; up to 1000 bits fmpz_get_d, which
   rounds towards zero, so |x - m| < ulp(m) <= 2u|m| (m >= 2^53 is normal
   and 2u|m| is exact); beyond, no bound (iv_ok fails: fmpz_get_d is then
   undefined near the top of the double range). */
static inline iv iv_of_fmpz(const fmpz_t x)
{
    iv z;
    flint_bitcnt_t b = fmpz_bits(x);
    if (b > 1000)
        return iv_set(0, INFINITY);
    z.m = fmpz_get_d(x);
    z.r = b <= 53 ? 0 : 2 * U_D * fabs(z.m);
    return z;
}

/* h(p) = g.p + c for an integer row h = (g_1..g_d, c) (fmpq entries with
   denominator 1) and a rational point p, as a double with a proven
   radius.  Returns 0 (no bound) when an entry has more than 1000 bits,
   d > 2^20 or a value is not finite. */
int iv_row_point(iv *z, const fmpq *h, const fmpq *p, slong d);

#endif
