/* cpwl certify's claims that live outside certify.c: the theorem
   examples (certify_thm.c) and the chapter-5 claims (certify_conv.c):
   optimiser iterates and the convergence theorems, each checked with Arb
   balls against a closed form or a value from the literature. */
#ifndef CPWL_CLI_CERTIFY_H
#define CPWL_CLI_CERTIFY_H

#include <stddef.h>
#include "cpwl.h"

/* The theorem examples (certify_thm.c): each check fills computed and
   why and returns 1 if the claim holds. */
typedef struct
{
    char computed[200];
    char why[300];
}
thm_out;

typedef int (*thm_fn)(thm_out *r, slong arg, cpwl_pred_ctx_t ctx);

typedef struct
{
    const char *example;
    const char *claim;
    thm_fn fn;
    slong arg;
}
thm_claim;

/* Ended by an entry whose example is NULL. */
extern const thm_claim thm_claims[];

/* Chapter 5 (certify_conv.c). */
typedef struct
{
    const char *example;
    const char *claim;
}
certify_conv_claim;

/* Ended by an entry whose example is NULL. */
extern const certify_conv_claim certify_conv_claims[];

/* Check claim k: fills computed and why; 1 if it holds. */
int certify_conv_check(char *computed, size_t clen, char *why, size_t wlen,
                       slong k);

#endif
