/* A proven bounding box of every n-D polyhedron, in doubles, so that a
   neuron whose form keeps one sign on the whole box needs no LP.

   The box [lo_i, hi_i] (infinite sides allowed) contains the polyhedron.
   Each constraint h = (g, c) > 0 bounds a coordinate by the others
   (bound propagation): g_i y_i > -(c + sum_{j != i} g_j y_j) >= -M_i with
   M_i = c + sum_{j != i} max(g_j lo_j, g_j hi_j), so y_i > -M_i / g_i
   when g_i > 0 and y_i < -M_i / g_i when g_i < 0.  M_i and the quotient
   are evaluated in interval arithmetic (interval.h: every operation's
   radius covers its rounding), and the new side is the end of the
   quotient's interval moved one double outwards (nextafter): with
   rounding to nearest, nextafter(fl(x), -inf) <= x for every real x, as
   fl(x) > x leaves no double in (x, fl(x)) below it.  So every side only
   moves to a value the exact bound proves, and the box stays an outer
   box; docs/numerics.md, "Bounding boxes of the n-D cells".

   The test itself is a question for the predicate layer: the minimum of
   s z over the box, s c + sum_i min(s g_i lo_i, s g_i hi_i), as a double
   with a proven radius (the corners are doubles, so this is a rational
   the interval sum encloses); when cpwl_pred_sign_d proves it positive, s z > 0
   on the polyhedron, i.e. the neuron does not cut it. */
#include <math.h>
#include "interval.h"
#include "regions_nd_impl.h"

/* iv_of_fmpq, with the integers (the rows are primitive integer rows)
   through iv_of_fmpz: exact up to 53 bits, no rational rounding. */
static inline iv iv_of_q(const fmpq_t q)
{
    if (fmpz_is_one(fmpq_denref(q)) && fmpz_bits(fmpq_numref(q)) <= 1000)
        return iv_of_fmpz(fmpq_numref(q));
    return iv_of_fmpq(q);
}

void nd_box_init(double *box, const fmpq *lo, const fmpq *hi, slong d)
{
    slong i;
    for (i = 0; i < d; i++)
    {
        box[2 * i] = -INFINITY;
        box[2 * i + 1] = INFINITY;
        if (lo != NULL)
        {
            iv a = iv_of_q(lo + i), b = iv_of_q(hi + i);
            if (iv_ok(a))
                box[2 * i] = nextafter(a.m - a.r, -INFINITY);
            if (iv_ok(b))
                box[2 * i + 1] = nextafter(b.m + b.r, INFINITY);
        }
    }
}

/* Tighten box by the constraint h > 0; returns whether a side moved. */
static int box_cut(double *box, const fmpq *h, slong d)
{
    slong i, j;
    int moved = 0;
    for (i = 0; i < d; i++)
    {
        iv M, gi;
        int ok = 1;
        if (fmpq_is_zero(h + i))
            continue;
        M = iv_of_q(h + d);
        for (j = 0; j < d && ok; j++)
        {
            double b;
            if (j == i || fmpq_is_zero(h + j))
                continue;
            b = box[2 * j + (fmpq_sgn(h + j) > 0)];
            ok = isfinite(b);
            if (ok)
                M = iv_add(M, iv_mul(iv_of_q(h + j), iv_set(b, 0)));
        }
        gi = iv_of_q(h + i);
        if (!ok || !iv_ok(M) || !iv_ok(gi) || !(fabs(gi.m) > gi.r))
            continue;
        M.m = -M.m;
        M = iv_div(M, gi);
        if (!iv_ok(M))
            continue;
        if (fmpq_sgn(h + i) > 0)
        {
            double t = nextafter(M.m - M.r, -INFINITY);
            if (t > box[2 * i])
            {
                box[2 * i] = t;
                moved = 1;
            }
        }
        else
        {
            double t = nextafter(M.m + M.r, INFINITY);
            if (t < box[2 * i + 1])
            {
                box[2 * i + 1] = t;
                moved = 1;
            }
        }
    }
    return moved;
}

void nd_box_cut(double *box, const fmpq *h, slong d)
{
    box_cut(box, h, d);
}

void nd_box_tighten(double *box, const fmpq *H, slong m, slong d,
                    slong passes)
{
    slong k, p;
    for (p = 0; p < passes; p++)
    {
        int moved = 0;
        for (k = 0; k < m; k++)
            moved |= box_cut(box, H + k * (d + 1), d);
        if (!moved)
            break;
    }
}

int nd_box_min(double *v, double *err, const double *box, const fmpq *z,
               int s, slong d)
{
    slong i;
    iv M = iv_of_q(z + d);
    if (s < 0)
        M.m = -M.m;
    for (i = 0; i < d; i++)
    {
        iv g;
        double b;
        if (fmpq_is_zero(z + i))
            continue;
        g = iv_of_q(z + i);
        if (s < 0)
            g.m = -g.m;
        b = box[2 * i + (g.m < 0)];
        if (!isfinite(b))
            return 0;
        M = iv_add(M, iv_mul(g, iv_set(b, 0)));
    }
    if (!iv_ok(M))
        return 0;
    *v = M.m;
    *err = M.r;
    return 1;
}
