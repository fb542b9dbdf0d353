/* PAC-Bayes risk certificates (thesis, chapter 6), every term rigorous.

   For m samples drawn i.i.d., a loss in [0, 1], a prior P fixed before
   the data, any posterior Q, confidence 1 - delta, KL = KL(Q || P) and
   empirical risk q of the stochastic predictor Q, each bound below holds
   for the risk of Q with probability at least 1 - delta.

   The binary kl: kl(q || p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)), with
   0 ln 0 = 0 (and kl = +inf when p in {0, 1} differs from q);
   kl^{-1}(q, c) = sup { p in [q, 1] : kl(q || p) <= c } (the upper
   inverse) and kl_{-1}(q, c) = inf { p in [0, q] : kl(q || p) <= c } (the
   lower inverse; kl_{-1}(q, c) = 1 - kl^{-1}(1 - q, c)).  kl^{-1}(0, c) =
   1 - e^{-c}; kl^{-1}(q, 0) = q; kl^{-1}(1, c) = 1.

   With B = KL + ln(2 sqrt(m)/delta) (plus the union term of a prior
   chosen from a grid):
     MCALLESTER       q + sqrt(B / (2m))
     CLASSIC          the same formula, under the name of the training
                      objective f_classic (Perez-Ortiz, Rivasplata,
                      Shawe-Taylor, Szepesvari, JMLR 2021)
     MAURER           kl^{-1}(q, B/m)                       (Maurer 2004;
                      proved for m >= 8)
     LANGFORD_SEEGER  kl^{-1}(q, (KL + ln((m+1)/delta))/m)  (Seeger 2002,
                      Langford 2005)
     CATONI           (1 - exp(-C q - (KL + ln(1/delta))/m)) / (1 - e^{-C})
                      for a constant C > 0 fixed in advance (Catoni 2007,
                      Theorem 1.2.6)
     QUADRATIC        (sqrt(q + B/(2m)) + sqrt(B/(2m)))^2     (f_quad:
                      Rivasplata et al. 2019, Perez-Ortiz et al. 2021)
     LAMBDA           q/(1 - lambda/2) + B/(m lambda (1 - lambda/2)) for a
                      lambda in (0, 2) fixed in advance (Thiemann, Igel,
                      Wintenberger, Seldin 2017)

   Every function computes with Arb balls (outward rounding), so the
   result is an enclosure; the certificate is its upper end.  Balls for q
   and KL give an enclosure of the bound at every point of them (each
   bound is non-decreasing in q and in KL, so the upper end is governed by
   their upper ends).  A printed bound is the rational
   cpwl_pacbayes_round_up gives: never below the enclosure's upper end. */
#ifndef CPWL_PACBAYES_H
#define CPWL_PACBAYES_H

#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include "cpwl/arbcompat.h"
#include "cpwl/err.h"

/* ---- the binary kl and its inverses ---------------------------------- */

/* kl(q || p) for q, p in [0, 1] (balls), an enclosure; +inf (an infinite
   ball) where kl is infinite.  CPWL_ERR_INPUT when q or p may lie outside
   [0, 1]. */
int cpwl_pacbayes_kl(arb_t res, const arb_t q, const arb_t p, slong prec,
                     cpwl_err_t e);

/* The upper inverse kl^{-1}(q, c) (lower = 0) or the lower inverse
   kl_{-1}(q, c) (lower = 1) as a ball [lo, hi] with lo <= the inverse <=
   hi for every q in the ball q and c in the ball c (hi is computed from
   the upper ends, lo from the lower ends; the parts of a ball outside
   q in [0, 1], c >= 0 are cut off, a ball entirely outside is an input
   error); c of any size, +inf included (c = 10^9 gives a correct
   enclosure, never NaN; when 1 - kl^{-1} is below 2^-prec the enclosure
   is [1 - 2^-prec, 1]).  The width is about 2^-(prec-10) min(p, 1 - p)
   unless the signs of kl(q || p) - c stop being decided first.  The main algorithm: Newton's
   iteration from the right (kl(q || .) is convex and increasing on
   [q, 1]), every step's end point certified by an Arb sign of
   kl(q || p) - c, finished by bisection when Newton stalls. */
int cpwl_pacbayes_kl_inv(arb_t res, const arb_t q, const arb_t c, int lower,
                         slong prec, cpwl_err_t e);

/* The same enclosure by bisection alone (the second algorithm the tests
   compare with; no closed form for q = 0 either): the interval halves at
   dyadic points whose sign of kl(q || p) - c is certified; at a midpoint
   whose sign is not decided at prec, the enclosure is widened around it
   to the nearest points whose signs are. */
int cpwl_pacbayes_kl_inv_bisect(arb_t res, const arb_t q, const arb_t c,
                                int lower, slong prec, cpwl_err_t e);

/* ---- bounds ------------------------------------------------------------ */

typedef enum
{
    CPWL_PACBAYES_MCALLESTER,
    CPWL_PACBAYES_MAURER,
    CPWL_PACBAYES_CATONI,
    CPWL_PACBAYES_LANGFORD_SEEGER,
    CPWL_PACBAYES_QUADRATIC,
    CPWL_PACBAYES_LAMBDA,
    CPWL_PACBAYES_CLASSIC,
    CPWL_PACBAYES_NUM_BOUNDS
}
cpwl_pacbayes_kind;

/* "mcallester", "maurer", "catoni", "langford-seeger", "quadratic",
   "lambda", "classic"; from_name returns -1 for an unknown name. */
const char *cpwl_pacbayes_name(cpwl_pacbayes_kind kind);
int cpwl_pacbayes_from_name(const char *name);

/* The inputs of one certificate. */
typedef struct
{
    cpwl_pacbayes_kind kind;
    fmpz_t m;                   /* samples, m >= 1 (MAURER: m >= 8) */
    fmpq_t delta;               /* confidence parameter, 0 < delta < 1 */
    arb_t kl;                   /* KL(Q || P) >= 0, a ball */
    arb_t emp;                  /* empirical risk q in [0, 1], a ball */
    arb_t union_term;           /* added to ln(1/delta): ln(pi^2 j^2 / 6)
                                   for a prior from a grid, else 0 */
    fmpq_t lambda;              /* LAMBDA: 0 < lambda < 2 */
    fmpq_t catoni_c;            /* CATONI: C > 0 */
}
cpwl_pacbayes_input_struct;

typedef cpwl_pacbayes_input_struct cpwl_pacbayes_input_t[1];

/* Init sets kind MAURER, m = 1, delta = 1/20, kl = emp = union_term = 0,
   lambda = 1, catoni_c = 1. */
void cpwl_pacbayes_input_init(cpwl_pacbayes_input_t in);
void cpwl_pacbayes_input_clear(cpwl_pacbayes_input_t in);

/* Check the hypotheses (message names the quantity and what is expected:
   "delta must be in (0, 1)", "the empirical risk must be in [0, 1]",
   "KL must be >= 0", "m must be >= 1", "the Maurer bound needs m >= 8",
   "lambda must be in (0, 2)", "C must be > 0"). */
int cpwl_pacbayes_input_check(const cpwl_pacbayes_input_t in, cpwl_err_t e);

/* One certificate, with its terms. */
typedef struct
{
    arb_t log_term;             /* the logarithm the bound uses, union term
                                   included: ln(2 sqrt(m)/delta),
                                   ln((m+1)/delta) or ln(1/delta) */
    arb_t complexity;           /* (KL + log_term)/m for the kl forms and
                                   CATONI, B/(2m) for MCALLESTER, CLASSIC,
                                   QUADRATIC, B/(m lambda (1 - lambda/2))
                                   for LAMBDA */
    arb_t value;                /* the bound, an enclosure (for every q
                                   and KL in the input balls) */
    fmpq_t upper;               /* cpwl_pacbayes_round_up(value, digits) */
    int vacuous;                /* upper >= 1 */
}
cpwl_pacbayes_bound_struct;

typedef cpwl_pacbayes_bound_struct cpwl_pacbayes_bound_t[1];

void cpwl_pacbayes_bound_init(cpwl_pacbayes_bound_t b);
void cpwl_pacbayes_bound_clear(cpwl_pacbayes_bound_t b);

/* Compute the bound of in (after cpwl_pacbayes_input_check) at prec;
   upper gets `digits` significant decimal digits (digits >= 1). */
int cpwl_pacbayes_bound(cpwl_pacbayes_bound_t b, const cpwl_pacbayes_input_t in,
                        slong digits, slong prec, cpwl_err_t e);

/* ---- printing bounds --------------------------------------------------- */

/* The least rational r = k 10^-s with at most `digits` significant digits
   and r >= every point of x (x finite); round_down: the greatest r <= every
   point of x.  Exact (decided in fmpz/fmpq from the ball's end points). */
void cpwl_pacbayes_round_up(fmpq_t r, const arb_t x, slong digits);
void cpwl_pacbayes_round_down(fmpq_t r, const arb_t x, slong digits);

/* The exact decimal expansion of r ("0.12345", "-3", "120") when its
   denominator divides a power of 10 (as round_up's results do), else
   NULL; flint_free it.  With more than 40 digits before the point or 20
   zeros after it, the same value in exact scientific notation
   ("4.2e+434294", "1e-9999"). */
char *cpwl_pacbayes_decimal_str(const fmpq_t r);

/* A constant c given as a literal: an exact rational ("1/2", "0.25",
   "3e-2") or "log:X" for ln X with X a positive rational.  The result is
   a ball (exact for a rational).  The message says what was expected. */
int cpwl_pacbayes_parse_const(arb_t c, const char *s, slong prec, cpwl_err_t e);

#endif
