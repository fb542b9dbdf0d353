/* cpwl pacbayes bound: one certificate from numbers, with its terms; the
   bound printed as a short rational rounded up. */
#include <getopt.h>
#include <string.h>
#include "pacbayes.h"

#define SUB "pacbayes bound"
#define BOUND_PREC 128

static void put_q(const fmpq_t x)
{
    char *s = fmpq_get_str(NULL, 10, x);
    fputs(s, stdout);
    flint_free(s);
}

/* A ball as [lo, hi], both ends short decimals rounded outwards. */
static void put_ball(const arb_t x, int json)
{
    fmpq_t a;
    char *s, *t;
    fmpq_init(a);
    cpwl_pacbayes_round_down(a, x, 20);
    s = cpwl_pacbayes_decimal_str(a);
    cpwl_pacbayes_round_up(a, x, 20);
    t = cpwl_pacbayes_decimal_str(a);
    printf(json ? "[\"%s\", \"%s\"]" : "[%s, %s]", s, t);
    flint_free(s);
    flint_free(t);
    fmpq_clear(a);
}

static const char *formula(cpwl_pacbayes_kind k)
{
    switch (k)
    {
    case CPWL_PACBAYES_MCALLESTER:
    case CPWL_PACBAYES_CLASSIC:
        return "q + sqrt(B/(2m)), B = KL + ln(2 sqrt(m)/delta)";
    case CPWL_PACBAYES_MAURER:
        return "kl^-1(q, B/m), B = KL + ln(2 sqrt(m)/delta)";
    case CPWL_PACBAYES_LANGFORD_SEEGER:
        return "kl^-1(q, (KL + ln((m+1)/delta))/m)";
    case CPWL_PACBAYES_CATONI:
        return "(1 - exp(-C q - (KL + ln(1/delta))/m)) / (1 - exp(-C))";
    case CPWL_PACBAYES_QUADRATIC:
        return "(sqrt(q + B/(2m)) + sqrt(B/(2m)))^2, B = KL + "
            "ln(2 sqrt(m)/delta)";
    default:
        return "q/(1 - lambda/2) + B/(m lambda (1 - lambda/2)), B = KL + "
            "ln(2 sqrt(m)/delta)";
    }
}

int cli_pb_bound(int argc, char **argv)
{
    static const struct option opts[] = {
        {"bound", required_argument, NULL, 'b'},
        {"m", required_argument, NULL, 'm'},
        {"delta", required_argument, NULL, 'D'},
        {"kl", required_argument, NULL, 'k'},
        {"emp-risk", required_argument, NULL, 'r'},
        {"lambda", required_argument, NULL, 'l'},
        {"catoni-c", required_argument, NULL, 'c'},
        {"grid-j", required_argument, NULL, 'g'},
        {"digits", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}
    };
    const char *name = NULL, *ms = NULL, *ds = NULL, *ks = NULL, *rs = NULL,
        *ls = NULL, *cs = NULL, *s;
    slong digits = 6, j = 0, m;
    int json = 0, c, kind, status = CPWL_OK;
    fmpq_t x;
    cpwl_pacbayes_input_t in;
    cpwl_pacbayes_bound_t b;
    cpwl_err_t e;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
    {
        switch (c)
        {
            case 'b': name = optarg; break;
            case 'm': ms = optarg; break;
            case 'D': ds = optarg; break;
            case 'k': ks = optarg; break;
            case 'r': rs = optarg; break;
            case 'l': ls = optarg; break;
            case 'c': cs = optarg; break;
            case 'j': json = 1; break;
            case 'h': fputs(cli_pacbayes_usage, stdout); return CPWL_OK;
            case 'g':
                if (cli_parse_slong(&j, SUB, "--grid-j", optarg, 1,
                                    WORD(1) << 40))
                    return CPWL_ERR_INPUT;
                break;
            case 'd':
                if (cli_parse_slong(&digits, SUB, "--digits", optarg, 1, 1000))
                    return CPWL_ERR_INPUT;
                break;
            default:
                return cli_bad_option(SUB, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(SUB, "unexpected argument \"%.40s\"", argv[optind]);
    if (name == NULL || ms == NULL || ds == NULL || ks == NULL || rs == NULL)
        return cli_usage(SUB, "%s is required", name == NULL ? "--bound"
                         : ms == NULL ? "--m" : ds == NULL ? "--delta"
                         : ks == NULL ? "--kl" : "--emp-risk");
    if ((kind = cpwl_pacbayes_from_name(name)) < 0)
        return cli_usage(SUB, "--bound: unknown bound \"%.40s\"; expected "
                         "mcallester, maurer, catoni, langford-seeger, "
                         "quadratic, lambda or classic", name);
    if (ls != NULL && kind != CPWL_PACBAYES_LAMBDA)
        return cli_usage(SUB, "--lambda applies to --bound lambda only");
    if (cs != NULL && kind != CPWL_PACBAYES_CATONI)
        return cli_usage(SUB, "--catoni-c applies to --bound catoni only");
    if (kind == CPWL_PACBAYES_LAMBDA && ls == NULL)
        return cli_usage(SUB, "--bound lambda needs --lambda L, 0 < L < 2, "
                         "fixed before seeing the data");
    if (kind == CPWL_PACBAYES_CATONI && cs == NULL)
        return cli_usage(SUB, "--bound catoni needs --catoni-c C > 0, fixed "
                         "before seeing the data");
    if (cli_parse_slong(&m, SUB, "--m", ms, 1, WORD_MAX))
        return CPWL_ERR_INPUT;

    fmpq_init(x);
    cpwl_pacbayes_input_init(in);
    cpwl_pacbayes_bound_init(b);
    cpwl_err_init(e);
    in->kind = (cpwl_pacbayes_kind) kind;
    fmpz_set_si(in->m, m);
    /* Each value checked exactly here, so that the message names its
       option; the library checks the same hypotheses again. */
    if ((status = cli_pb_parse_q(in->delta, SUB, "--delta", ds)) != CPWL_OK)
        goto out;
    if (fmpq_sgn(in->delta) <= 0 || fmpq_cmp_si(in->delta, 1) >= 0)
    {
        status = cli_usage(SUB, "--delta: must be in (0, 1), got \"%.40s\"",
                           ds);
        goto out;
    }
    if ((status = cli_pb_parse_q(x, SUB, "--emp-risk", rs)) != CPWL_OK)
        goto out;
    if (fmpq_sgn(x) < 0 || fmpq_cmp_si(x, 1) > 0)
    {
        status = cli_usage(SUB, "--emp-risk: the empirical risk must be in "
                           "[0, 1], got \"%.40s\"", rs);
        goto out;
    }
    arb_set_fmpq(in->emp, x, BOUND_PREC + 64);
    /* KL >= 0 exactly: a rational's sign, or X >= 1 for log:X */
    s = strncmp(ks, "log:", 4) == 0 ? ks + 4 : ks;
    if (cpwl_num_parse_fmpq(x, s, strlen(s), CPWL_NUM_EXACT, e) == CPWL_OK
        && (s == ks ? fmpq_sgn(x) < 0 : fmpq_cmp_si(x, 1) < 0))
    {
        status = cli_usage(SUB, "--kl: KL must be >= 0, got \"%.40s\"", ks);
        goto out;
    }
    cpwl_err_init(e);
    if (cpwl_pacbayes_parse_const(in->kl, ks, BOUND_PREC + 64, e) != CPWL_OK)
    {
        status = cli_usage(SUB, "--kl: %s", e->msg);
        goto out;
    }
    if (ls != NULL && (status = cli_pb_parse_q(in->lambda, SUB, "--lambda",
                                               ls)) != CPWL_OK)
        goto out;
    if (cs != NULL
        && (status = cli_pb_parse_q(in->catoni_c, SUB, "--catoni-c",
                                    cs)) != CPWL_OK)
        goto out;
    if (j > 0)
        cpwl_gauss_grid_union_term(in->union_term, j, BOUND_PREC + 64);
    if (cpwl_pacbayes_input_check(in, e) != CPWL_OK
        || cpwl_pacbayes_bound(b, in, digits, BOUND_PREC, e) != CPWL_OK)
    {
        status = cli_fail(SUB, e);
        goto out;
    }

    if (json)
    {
        printf("{\"bound\": \"%s\", \"formula\": \"%s\", \"m\": \"%ld\", "
               "\"delta\": \"", cpwl_pacbayes_name(in->kind),
               formula(in->kind), (long) m);
        put_q(in->delta);
        printf("\", \"kl\": \"%s\", \"emp_risk\": \"%s\"", ks, rs);
        if (ls != NULL)
        {
            printf(", \"lambda\": \"");
            put_q(in->lambda);
            printf("\"");
        }
        if (cs != NULL)
        {
            printf(", \"catoni_c\": \"");
            put_q(in->catoni_c);
            printf("\"");
        }
        if (j > 0)
        {
            printf(", \"grid_j\": %ld, \"union_term\": ", (long) j);
            put_ball(in->union_term, 1);
        }
        printf(", \"log_term\": ");
        put_ball(b->log_term, 1);
        printf(", \"complexity\": ");
        put_ball(b->complexity, 1);
        printf(", \"enclosure\": ");
        put_ball(b->value, 1);
        printf(", \"upper\": \"");
        put_q(b->upper);
        s = cpwl_pacbayes_decimal_str(b->upper);
        printf("\", \"upper_decimal\": \"%s\", \"digits\": %ld, "
               "\"vacuous\": %s}\n", s, (long) digits,
               b->vacuous ? "true" : "false");
        flint_free((char *) s);
    }
    else
    {
        printf("bound        %s: %s\n", cpwl_pacbayes_name(in->kind),
               formula(in->kind));
        printf("m            %ld\ndelta        ", (long) m);
        put_q(in->delta);
        printf("\nkl           %s\nemp_risk     %s\n", ks, rs);
        if (ls != NULL)
        {
            printf("lambda       ");
            put_q(in->lambda);
            printf("\n");
        }
        if (cs != NULL)
        {
            printf("catoni_c     ");
            put_q(in->catoni_c);
            printf("\n");
        }
        if (j > 0)
        {
            printf("grid_j       %ld\nunion_term   ", (long) j);
            put_ball(in->union_term, 0);
            printf("  ln(pi^2 j^2/6), in the log term\n");
        }
        printf("log_term     ");
        put_ball(b->log_term, 0);
        printf("\ncomplexity   ");
        put_ball(b->complexity, 0);
        printf("\nenclosure    ");
        put_ball(b->value, 0);
        s = cpwl_pacbayes_decimal_str(b->upper);
        printf("\nupper        %s", s);
        flint_free((char *) s);
        /* The fraction too, when it is short (a bound of 1e-9999 is
           exactly its scientific decimal already). */
        if (!fmpz_is_one(fmpq_denref(b->upper))
            && fmpz_sizeinbase(fmpq_denref(b->upper), 10) <= 30)
        {
            printf(" = ");
            put_q(b->upper);
        }
        printf("  (rounded up to %ld digits: the risk is at most this with "
               "probability >= 1 - delta)\nvacuous      %s\n", (long) digits,
               b->vacuous ? "yes (>= 1)" : "no");
    }
out:
    fmpq_clear(x);
    cpwl_pacbayes_input_clear(in);
    cpwl_pacbayes_bound_clear(b);
    return status;
}
