/* Domains (SPEC section 2): all of R^n, a box, a 2-D affine slice or a
   1-D line/segment.

   Every domain has its own coordinates y in R^d: x = x0 + U y, where U is
   the identity for R^n and boxes (d = n), U = [u v] for a slice (d = 2)
   and U = [u] for a line (d = 1).  Regions are computed for the restricted
   network g(y) = f(x0 + U y), whose activation patterns are those of f. */
#ifndef CPWL_DOM_H
#define CPWL_DOM_H

#include <flint/fmpq.h>
#include "cpwl/err.h"
#include "cpwl/net.h"

typedef enum
{
    CPWL_DOM_ALL = 0,                /* all of R^n */
    CPWL_DOM_BOX,                    /* prod [lo_i, hi_i] */
    CPWL_DOM_SLICE,                  /* {x0 + s u + t v}, (s,t) in R^2 or a box */
    CPWL_DOM_LINE                    /* {x0 + s u}, s in R or [lo, hi] */
}
cpwl_dom_kind;

typedef struct
{
    cpwl_dom_kind kind;
    slong n;                    /* ambient dimension (network inputs) */
    slong d;                    /* dimension of the domain */
    int bounded;                /* lo, hi hold a box in domain coordinates */
    fmpq *lo, *hi;              /* d entries when bounded, lo_i < hi_i */
    fmpq *x0, *u, *v;           /* n entries each (slice / line only) */
}
cpwl_dom_struct;

typedef cpwl_dom_struct cpwl_dom_t[1];

void cpwl_dom_init(cpwl_dom_t D);
void cpwl_dom_clear(cpwl_dom_t D);

/* All of R^n. */
void cpwl_dom_set_all(cpwl_dom_t D, slong n);

/* Set D from the command-line texts of SPEC section 4 (any may be NULL):
   box "-4:4,-4:4" or "[-4,4]x[-4,4]" as cpwl_dom_describe prints it (in domain
   coordinates; blanks around numbers allowed), slice "x0;u;v", line
   "x0;u".  Refuses an empty or inverted box, a wrong number of
   coordinates, zero or parallel direction vectors, slice and line
   together.  A message about one text starts with the word "box",
   "slice" or "line" ("box: column 3: ...", "line x0: coordinate 2:
   ..."), so that a caller can name its own option. */
int cpwl_dom_set_str(cpwl_dom_t D, slong n, const char *box, const char *slice,
                     const char *line, cpwl_err_t e);

/* out = the network in domain coordinates (input_dim d), prepared. */
void cpwl_dom_restrict_net(cpwl_net_t out, const cpwl_net_t net, const cpwl_dom_t D);

/* x (n entries) = the ambient point of the domain point y (d entries). */
void cpwl_dom_to_ambient(fmpq *x, const cpwl_dom_t D, const fmpq *y);

/* Human-readable description ("R^2", "box [-1,1]x[-1,1]", ...), a new
   string (free with flint_free). */
char *cpwl_dom_describe(const cpwl_dom_t D);

#endif
