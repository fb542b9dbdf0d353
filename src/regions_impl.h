/* Internals shared by the region algorithms (not installed). */
#ifndef CPWL_REGIONS_IMPL_H
#define CPWL_REGIONS_IMPL_H

#include <flint/flint.h>
#include "cpwl/regions.h"

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

/* regions_compute for a net with abs, hardtanh or maxout layers
   (regions_lower.c): through netalg_lower_relu, cells = the original
   activation regions. */
int regions_lowered(regions_t R, const net_t net, const dom_t D,
                    const regions_opts *opts, err_t e);

#endif
