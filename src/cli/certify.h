/* cpwl certify's claims that live outside certify.c: the theorem
   examples (certify_thm.c), the chapter-5 claims (certify_conv.c):
   optimiser iterates and the convergence theorems, each checked with Arb
   balls against a closed form or a value from the literature, and the
   chapter-3 claims (certify_tron.c): Tron's exact iterates and its
   certificate against hand derivations, and the chapter-4 ones
   (certify_ae.c): support recovery windows against hand derivations, and
   the chapter-6 ones (certify_pb.c): PAC-Bayes enclosures against closed
   forms. */
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

/* The chapter claims: a table of (example, claim) ended by an entry
   whose example is NULL, and its check: claim k fills computed and why,
   and returns 1 if it holds. */
typedef struct
{
    const char *example;
    const char *claim;
}
certify_claim;

typedef int (*certify_check_fn)(char *computed, size_t clen, char *why,
                                size_t wlen, slong k);

typedef struct
{
    const certify_claim *claims;
    certify_check_fn check;
    const char *note;           /* printed once when one of them ran */
}
certify_claim_set;

/* Chapter 5 (certify_conv.c) and chapter 3 (certify_tron.c). */
extern const certify_claim certify_conv_claims[];
int certify_conv_check(char *computed, size_t clen, char *why, size_t wlen,
                       slong k);
extern const certify_claim certify_tron_claims[];
int certify_tron_check(char *computed, size_t clen, char *why, size_t wlen,
                       slong k);
/* Chapter 4, support recovery (certify_ae.c). */
extern const certify_claim certify_ae_claims[];
int certify_ae_check(char *computed, size_t clen, char *why, size_t wlen,
                     slong k);
/* Chapter 6, PAC-Bayes certificates (certify_pb.c). */
extern const certify_claim certify_pb_claims[];
int certify_pb_check(char *computed, size_t clen, char *why, size_t wlen,
                     slong k);

/* The poisoning claims on their own, for a test that a false one fails:
   worst-case population runs on the cross (eta = 1/2, w* = (1, -2),
   w_1 = 0) over a grid of 6 (beta, theta), t = 1 ... TRON_POISON_T + 1,
   checked against the hand-derived closed form (closed_form), or against
   |d_t| <= (7/8)^(t-1) sqrt(5) + (1 - (7/8)^(t-1)) K beta theta (K = 4
   is the bound derived for symmetric laws; it holds for every
   K >= 2 sqrt(2), the limit's, and fails for any smaller K once t is
   large enough).  *bad: the
   first t that fails (0: none), *gbad its grid point.  Returns 1, or 0
   with why filled when a run failed. */
#define TRON_POISON_T 100
int certify_tron_poison(slong *bad, slong *gbad, int closed_form,
                        const fmpq_t K, char *why, size_t wlen);

#endif
