/* Interval bounds that are more than one operation (see interval.h). */
#include "interval.h"
#include "cpwl/net.h"

/* The row holds integers g_i, c; with gd = fl(g) (fmpz_get_d rounds
   towards zero: |g - gd| <= 2u |gd|) and pd = fl(p) with |p - pd| <= pe
   (cpwl_net_round_inputs_d),
     |g p - gd pd| <= |g - gd| |p| + |gd| |p - pd|
                   <= 4u |gd| (|pd| + pe) + |gd| pe.
   The double sum s of the rounded products t_i = fl(gd_i pd_i) and cd,
   from s = 0 (so 0 + t_1 is exact), puts each term through at most d + 1
   roundings (its product and at most d additions; cd through one), so
   (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
   Lemma 3.1 and (3.4)) |s - sum gd pd - cd| <= gamma_{d+1} A,
   A = sum |gd pd| + |cd|, gamma_n = n u / (1 - n u).  The computed a is
   >= A (1 - u)^(d+1) (each t_i and each sum of nonnegative terms rounds
   by a factor >= 1 - u), and 1.01 (1 - u)^(d+1) (1 - (d+1) u) >= 1 for
   d <= 2^20, so 1.01 (d+1) u a >= gamma_{d+1} A.  (d + 2) eta covers
   underflows (d products, counted as in Higham's model (2.8), although a
   multiple of eta below 2^-1022 is exact), and SLACK the roundings of
   the bound itself. */
int iv_row_point(iv *z, const fmpq *h, const fmpq *p, slong d)
{
    slong i;
    double s = 0, a = 0, e = 0, cd;

    if (d > (1 << 20))
        return 0;
    for (i = 0; i <= d; i++)
        if (fmpz_bits(fmpq_numref(h + i)) > 1000)
            return 0;
    for (i = 0; i < d; i++)
    {
        double gd, pd, pe, t;
        if (fmpq_is_zero(h + i))
            continue;
        gd = fmpz_get_d(fmpq_numref(h + i));
        if (!cpwl_net_round_inputs_d(&pd, &pe, p + i, 1))
            return 0;
        t = gd * pd;
        s += t;
        a += fabs(t);
        e += 4 * U_D * fabs(gd) * (fabs(pd) + pe) + fabs(gd) * pe;
    }
    cd = fmpz_get_d(fmpq_numref(h + d));
    s += cd;
    a += fabs(cd);
    e += 4 * U_D * fabs(cd);
    e += 1.01 * (d + 1) * U_D * a + (d + 2) * ETA_D;
    z->m = s;
    z->r = SLACK_D * e;
    return isfinite(z->m) && isfinite(z->r);
}
