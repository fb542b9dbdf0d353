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

/* cpwl_regions_compute for a net with abs, hardtanh or maxout layers
   (regions_lower.c): through cpwl_netalg_lower_relu, cells = the original
   activation regions. */
int regions_lowered(cpwl_regions_t R, const cpwl_net_t net, const cpwl_dom_t D,
                    const cpwl_regions_opts *opts, cpwl_err_t e);

#endif
