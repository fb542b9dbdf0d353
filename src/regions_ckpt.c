/* The checkpoint key of a region enumeration (cpwl/ckpt.h): everything
   the answer depends on, so that a checkpoint of another network, domain
   or option is refused, never silently used. */
#include <stdio.h>
#include <string.h>
#include "cpwl/regions.h"
#include "cpwl/ckpt.h"
#include "cpwl/io.h"

static const char *method_name(cpwl_regions_method m)
{
    return m == CPWL_REGIONS_1D ? "1d" : m == CPWL_REGIONS_2D ? "2d" : "nd";
}

char *cpwl_regions_ckpt_key(const cpwl_net_t net, const cpwl_dom_t D,
                            const cpwl_regions_opts *opts)
{
    cpwl_net_t g;
    char fnet[17], fdom[17], *text, *dom, *key;
    cpwl_regions_method m = opts->method;
    size_t n;

    /* the network as the algorithms see it: restricted to the domain,
       written canonically (equal nets in other spellings agree) */
    cpwl_net_init(g, D->d);
    cpwl_dom_restrict_net(g, net, D);
    text = cpwl_io_net_write_str(g);
    cpwl_ckpt_fingerprint(fnet, text, strlen(text));
    flint_free(text);
    cpwl_net_clear(g);
    /* the domain as cpwl_dom_describe writes it, so that a refusal says
       which box or slice the checkpoint was for; a fingerprint when it is
       long or holds the key's separator */
    dom = cpwl_dom_describe(D);
    if (strlen(dom) > 160 || strpbrk(dom, ";\n") != NULL)
    {
        cpwl_ckpt_fingerprint(fdom, dom, strlen(dom));
        flint_free(dom);
        dom = flint_malloc(sizeof(fdom));
        memcpy(dom, fdom, sizeof(fdom));
    }
    if (m == CPWL_REGIONS_AUTO)
        m = D->d == 1 ? CPWL_REGIONS_1D : D->d == 2 ? CPWL_REGIONS_2D
            : CPWL_REGIONS_ND;
    n = 256 + strlen(dom);
    key = flint_malloc(n);
    snprintf(key, n, "net=%s;domain=%s;method=%s;linear=%d;points=%d;"
             "maps=%d;verts=%d;exact_only=%d;max_regions=%ld", fnet, dom,
             method_name(m), opts->linear != 0, opts->points != 0,
             opts->maps != 0, opts->verts != 0,
             opts->pred != NULL && opts->pred->exact_only,
             (long) opts->max_regions);
    flint_free(dom);
    return key;
}
