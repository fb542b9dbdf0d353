/* Interval bounds that are more than one operation (see interval.h). */
#include "interval.h"
#include "cpwl/net.h"

/* The row holds integers g_i, c; with gd = fl(g) (fmpz_get_d rounds
   towards zero: |g - gd| <= 2u |gd|) and pd = fl(p) with |p - pd| <= pe
   (net_round_inputs_d),
     |g p - gd pd| <= |g - gd| |p| + |gd| |p - pd|
                   <= 4u |gd| (|pd| + pe) + |gd| pe,
   and the double sum of the d+1 rounded products has error at most
   gamma_{d+2} sum |gd pd| plus (d+1) underflows; 1.01 (d+2) u covers
   gamma_{d+2} for d <= 2^20, and SLACK the roundings of the bound. */
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
        if (!net_round_inputs_d(&pd, &pe, p + i, 1))
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
    e += 1.01 * (d + 2) * U_D * a + (d + 2) * ETA_D;
    z->m = s;
    z->r = SLACK_D * e;
    return isfinite(z->m) && isfinite(z->r);
}
