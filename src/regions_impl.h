/* Internals shared by the region algorithms (not installed). */
#ifndef CPWL_REGIONS_IMPL_H
#define CPWL_REGIONS_IMPL_H

#include <flint/flint.h>

/* Union-find root with path halving. */
static inline slong regions_uf_find(slong *p, slong x)
{
    while (p[x] != x)
    {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

#endif
