/* cpwl pacbayes kl-inv Q C: the kl inverse as an enclosure [lo, hi]
   printed as two short rationals, lo rounded down and hi up, with the kl
   at both printed ends certified again against c. */
#include <getopt.h>
#include <string.h>
#include "pacbayes.h"

#define SUB "pacbayes kl-inv"

/* The printed end r is on the right side of the inverse, decided again:
   1 certified, 0 undecided.  upper_end: r is meant as an upper bound. */
static int end_checked(arb_t klr, const fmpq_t q, const arb_t c,
                       const fmpq_t r, int lower, int upper_end, slong prec)
{
    arb_t Q, R;
    cpwl_err_t e;
    int ok;
    /* Trivial sides: the inverse lies in [q, 1] (upper) or [0, q], and
       is q when c = 0. */
    if ((upper_end ? (lower ? fmpq_cmp(r, q) >= 0 : fmpq_cmp_si(r, 1) >= 0)
         : (lower ? fmpq_sgn(r) <= 0 : fmpq_cmp(r, q) <= 0))
        || (arb_is_zero(c) && (upper_end ? fmpq_cmp(r, q) >= 0
                               : fmpq_cmp(r, q) <= 0)))
    {
        arb_indeterminate(klr);
        return 1;
    }
    arb_init(Q);
    arb_init(R);
    cpwl_err_init(e);
    arb_set_fmpq(Q, q, prec);
    arb_set_fmpq(R, r, prec);
    if (cpwl_pacbayes_kl(klr, Q, R, prec, e) != CPWL_OK)
        arb_indeterminate(klr);
    /* Away from q, kl(q || .) grows: kl > c beyond the inverse, < c
       between q and the inverse. */
    if (upper_end != lower)
        ok = arb_gt(klr, c);
    else
        ok = arb_lt(klr, c);
    arb_clear(Q);
    arb_clear(R);
    cpwl_err_clear(e);
    return ok;
}

/* A rational as text / a JSON string, exact: "p/q". */
static void put_q(const fmpq_t x)
{
    char *s = fmpq_get_str(NULL, 10, x);
    fputs(s, stdout);
    flint_free(s);
}

/* A kl value: a JSON string "mid +/- rad", or null where not computed. */
static void put_kl_json(const arb_t x)
{
    char *s;
    if (!arb_is_finite(x))
    {
        printf("null");
        return;
    }
    s = cli_arb_str(x, 1, 20);
    printf("\"%s\"", s);
    flint_free(s);
}

static void put_kl_text(const arb_t x, int ok, const char *end)
{
    char *s;
    if (!arb_is_finite(x))
    {
        printf("-  (%s is trivially on its side)\n", end);
        return;
    }
    s = cli_arb_str(x, 1, 20);
    printf("%s  %s\n", s, ok ? "(certified: on its side of c)"
           : "(not decided at this precision)");
    flint_free(s);
}

static void put_dec(const fmpq_t x)
{
    char *s = cpwl_pacbayes_decimal_str(x);
    if (s != NULL)
        fputs(s, stdout);
    else
        put_q(x);
    flint_free(s);
}

int cli_pb_kl_inv(int argc, char **argv)
{
    static const struct option opts[] = {
        {"lower", no_argument, NULL, 'l'},
        {"digits", required_argument, NULL, 'd'},
        {"prec", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}
    };
    int json = 0, lower = 0, c, ok_lo, ok_hi;
    slong digits = 20, prec = 128;
    const char *qs, *cs;
    fmpq_t q, lo, hi, x;
    arb_t Q, C, r, klo, khi;
    cpwl_err_t e;
    char *s;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
    {
        switch (c)
        {
            case 'l': lower = 1; break;
            case 'j': json = 1; break;
            case 'h': fputs(cli_pacbayes_usage, stdout); return CPWL_OK;
            case 'd':
                if (cli_parse_slong(&digits, SUB, "--digits", optarg, 1, 1000))
                    return CPWL_ERR_INPUT;
                break;
            case 'p':
                if (cli_parse_slong(&prec, SUB, "--prec", optarg, 32, 100000))
                    return CPWL_ERR_INPUT;
                break;
            default:
                return cli_bad_option(SUB, c, argv);
        }
    }
    if (argc - optind != 2)
        return cli_usage(SUB, "expected two arguments Q and C (e.g. "
                         "cpwl pacbayes kl-inv 0 1/2), got %d",
                         argc - optind);
    qs = argv[optind];
    cs = argv[optind + 1];

    fmpq_init(q);
    fmpq_init(x);
    cpwl_err_init(e);
    if (cpwl_num_parse_fmpq(q, qs, strlen(qs), CPWL_NUM_EXACT, e) != CPWL_OK)
    {
        fmpq_clear(q);
        fmpq_clear(x);
        return cli_usage(SUB, "Q: %s", e->msg);
    }
    if (fmpq_sgn(q) < 0 || fmpq_cmp_si(q, 1) > 0)
    {
        fmpq_clear(q);
        fmpq_clear(x);
        return cli_usage(SUB, "Q must be in [0, 1], got \"%.40s\"", qs);
    }
    /* c >= 0 decided exactly: a rational's sign, or X >= 1 for log:X. */
    s = (char *) (strncmp(cs, "log:", 4) == 0 ? cs + 4 : cs);
    if (cpwl_num_parse_fmpq(x, s, strlen(s), CPWL_NUM_EXACT, e) == CPWL_OK
        && (s == cs ? fmpq_sgn(x) < 0 : fmpq_cmp_si(x, 1) < 0))
    {
        fmpq_clear(q);
        fmpq_clear(x);
        return cli_usage(SUB, "C must be >= 0, got \"%.40s\"", cs);
    }
    arb_init(Q);
    arb_init(C);
    arb_init(r);
    arb_init(klo);
    arb_init(khi);
    fmpq_init(lo);
    fmpq_init(hi);
    cpwl_err_init(e);
    if (cpwl_pacbayes_parse_const(C, cs, prec + 64, e) != CPWL_OK)
    {
        c = cli_usage(SUB, "C: %s", e->msg);
        goto out;
    }
    arb_set_fmpq(Q, q, prec + 64);
    if ((c = cpwl_pacbayes_kl_inv(r, Q, C, lower, prec, e)) != CPWL_OK)
    {
        c = cli_fail(SUB, e);
        goto out;
    }
    cpwl_pacbayes_round_down(lo, r, digits);
    cpwl_pacbayes_round_up(hi, r, digits);
    /* Outward rounding may pass 0 or 1, which bound every inverse. */
    if (fmpq_sgn(lo) < 0)
        fmpq_zero(lo);
    if (fmpq_cmp_si(hi, 1) > 0)
        fmpq_one(hi);
    /* The printed ends checked again: cheap, and a second witness. */
    ok_lo = end_checked(klo, q, C, lo, lower, 0, prec + 64);
    ok_hi = end_checked(khi, q, C, hi, lower, 1, prec + 64);

    if (json)
    {
        printf("{\"q\": \"");
        put_q(q);
        printf("\", \"c\": \"%s\", \"inverse\": \"%s\", \"lo\": \"", cs,
               lower ? "lower" : "upper");
        put_q(lo);
        printf("\", \"hi\": \"");
        put_q(hi);
        printf("\", \"lo_decimal\": \"");
        put_dec(lo);
        printf("\", \"hi_decimal\": \"");
        put_dec(hi);
        printf("\", \"kl_at_lo\": ");
        put_kl_json(klo);
        printf(", \"kl_at_hi\": ");
        put_kl_json(khi);
        printf(", \"lo_checked\": %s, \"hi_checked\": %s, \"digits\": %ld, "
               "\"prec\": %ld}\n", ok_lo ? "true" : "false",
               ok_hi ? "true" : "false", (long) digits, (long) prec);
    }
    else
    {
        printf("inverse      %s\n", lower
               ? "kl_-1(q, c) = inf{p in [0, q] : kl(q||p) <= c}"
               : "kl^-1(q, c) = sup{p in [q, 1] : kl(q||p) <= c}");
        /* q as given (a long fraction as its exact decimal) */
        printf("q            ");
        if (fmpz_sizeinbase(fmpq_denref(q), 10) > 30)
            put_dec(q);
        else
            put_q(q);
        printf("\nc            %s\n", cs);
        printf("lo           ");
        put_dec(lo);
        printf("  (rounded down)\nhi           ");
        put_dec(hi);
        printf("  (rounded up: the inverse is at most this)\n");
        printf("kl(q||lo)    ");
        put_kl_text(klo, ok_lo, "lo");
        printf("kl(q||hi)    ");
        put_kl_text(khi, ok_hi, "hi");
        printf("prec         %ld bits, %ld digits\n", (long) prec, (long) digits);
    }
    c = CPWL_OK;
out:
    fmpq_clear(q);
    fmpq_clear(x);
    fmpq_clear(lo);
    fmpq_clear(hi);
    arb_clear(Q);
    arb_clear(C);
    arb_clear(r);
    arb_clear(klo);
    arb_clear(khi);
    return c;
}
