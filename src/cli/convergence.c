/* cpwl convergence: the chapter-5 checks of module convergence (De,
   Mukherjee, Ullah): the deterministic RMSProp and ADAM theorems on an
   example, the sign-consistency assumption along a run, and a float
   run's departure from the Arb trajectory. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "optim_opts.h"

const char cli_convergence_usage[] =
    "usage: cpwl convergence --algo rmsprop|adam --objective O [--x0 LIST]\n"
    "       [--target EPS] [--xi xi] [--beta1 b1] [--beta2 b2] [--lr a]\n"
    "       [--amsgrad] [--lipschitz L] [--sigma2 S] [--fstar F] [--steps N]\n"
    "       [--prec P] [--max-prec P] [--max-rad R] [--json]\n"
    "       cpwl convergence --check sign --algo A --objective net:... [--arith\n"
    "       exact|arb:P] [optimiser options]\n"
    "       cpwl convergence --check departure --arith FORMAT --algo A\n"
    "       --objective O [--prec P] [--max-rad R] [optimiser options]\n"
    "\n"
    "The theorems of De, Mukherjee and Ullah (arXiv 1807.06766) checked on an\n"
    "example with Arb balls, every answer proven (yes, no) or undecided:\n"
    "\n"
    "  --check theorem  (default) RMSProp: the theorem's step\n"
    "                   alpha = (1 - b2) xi / (L sqrt(sigma2 + xi)) and bound\n"
    "                   T = 2 L (sigma2 + xi)(f(x_1) - f*) / ((1 - b2) xi eps^2)\n"
    "                   as balls, the first t with |grad f(x_t)| <= EPS proven,\n"
    "                   and whether t <= T; ADAM (step --lr): the first such t\n"
    "                   and the descent condition at every step\n"
    "  --check sign     the stochastic RMSProp theorem's sign consistency:\n"
    "                   sgn d_k f_i(x_t) = sgn d_k f(x_t) for every term i,\n"
    "                   coordinate k and iterate of a run (finite sums)\n"
    "  --check departure  a float run (--arith FORMAT) beside the Arb run:\n"
    "                   the first t it leaves the ball, its stagnant updates,\n"
    "                   the final gap\n"
    "\n"
    "  --target EPS     the gradient threshold (default 1/10); --eps is the\n"
    "                   constant of the pytorch, tensorflow and kingma-ba forms\n"
    "  --lipschitz L, --sigma2 S, --fstar F\n"
    "                   the gradient's Lipschitz constant, a bound on |grad f|^2\n"
    "                   and a lower bound of f (default: the objective's, when\n"
    "                   it knows them exactly)\n"
    "  --xi, --beta1, --beta2, --lr, --amsgrad\n"
    "                   the algorithm's constants (defaults xi 1, beta1 1/10,\n"
    "                   beta2 1/2, lr 1/100)\n"
    "  --steps N        at most N steps (theorem default: RMSProp floor(T) + 1,\n"
    "                   ADAM 100000; sign and departure: 100)\n"
    "  --prec P         Arb precision (default 128); --max-prec P reruns at\n"
    "                   doubled precision up to P (default 4096) when the\n"
    "                   enclosure is lost: a radius above R max(1, |mid|)\n"
    "                   (--max-rad R, default 1/1024)\n"
    "  --json           one JSON object\n"
    "\n"
    "The other optimiser options (--x0, --seed, --batch, --sampling,\n"
    "--rounding, --kahan, --relu-prime0, --schedule, --momentum, --max-steps)\n"
    "are those of cpwl optim.  Details: docs/optim.md, docs/convergence.md.\n";

/* The library names the settings by its fields; two of them are options
   of another name here: `eps` (the threshold) is --target, `L` is
   --lipschitz. */
static int conv_fail(cpwl_err_t e)
{
    char buf[CPWL_ERR_MSG_LEN], *p;
    const char *from[2] = {"`eps`", "`L`"}, *to[2] = {"`target`",
                                                       "`lipschitz`"};
    int k;
    for (k = 0; k < 2; k++)
        while ((p = strstr(e->msg, from[k])) != NULL)
        {
            snprintf(buf, sizeof buf, "%.*s%s%s", (int) (p - e->msg), e->msg,
                     to[k], p + strlen(from[k]));
            memcpy(e->msg, buf, sizeof buf);
        }
    return cli_fail("convergence", e);
}

static const char *verdict(cpwl_convergence_verdict v)
{
    return v == CPWL_CONVERGENCE_YES ? "yes" : v == CPWL_CONVERGENCE_NO
        ? "no" : "undecided";
}

static void put_ball(const arb_t b, int json)
{
    if (json)
    {
        char *m = cpwl_trace_arf_str(arb_midref(b));
        char *r = cpwl_trace_mag_str(arb_radref(b));
        printf("{\"mid\": \"%s\", \"rad\": \"%s\"}", m, r);
        flint_free(m);
        flint_free(r);
    }
    else
    {
        char *s = arb_get_str(b, 15, 0);
        fputs(s, stdout);
        flint_free(s);
    }
}

static void put_q(const char *name, const fmpq_t q, int json, int first)
{
    char *s = fmpq_get_str(NULL, 10, q);
    if (json)
        printf("%s\"%s\": \"%s\"", first ? "" : ", ", name, s);
    else
        printf("%s%s %s", first ? "" : ", ", name, s);
    flint_free(s);
}

static void theorem_report(const cpwl_convergence_result_t r,
                           const cpwl_convergence_opts_t co, int adam,
                           const cli_optim_args *a, slong dim,
                           const fmpq *x1, int json)
{
    if (json)
    {
        printf("{\"check\": \"theorem\", \"algorithm\": \"%s\", "
               "\"objective\": \"", adam ? "adam:paper" : "rmsprop:paper");
        /* the objective's text as given (quotes and backslashes escaped) */
        {
            const char *p;
            for (p = a->objective; *p != '\0'; p++)
                printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
        }
        printf("\", \"x1\": [");
        cli_print_fmpq_vec(stdout, x1, dim, ", ", 1);
        printf("], \"constants\": {");
        put_q("xi", co->xi, 1, 1);
        if (adam)
            put_q("beta1", co->beta1, 1, 0);
        put_q("beta2", co->beta2, 1, 0);
        put_q("target", co->eps, 1, 0);
        if (adam)
            put_q("lr", co->lr, 1, 0);
        if (r->has_L)
            put_q("L", r->L, 1, 0);
        if (r->has_sigma2)
            put_q("sigma2", r->sigma2, 1, 0);
        if (r->has_fstar)
            put_q("fstar", r->fstar, 1, 0);
        printf("}, \"f1\": ");
        put_ball(r->f1, 1);
        printf(", \"alpha\": ");
        put_ball(r->alpha, 1);
        printf(", \"T\": ");
        if (r->has_T)
            put_ball(r->T, 1);
        else
            printf("null");
        printf(", \"hit\": ");
        if (r->hit)
            printf("%ld", (long) r->hit);
        else
            printf("null");
        printf(", \"grad_norm2\": ");
        put_ball(r->gnorm2, 1);
        printf(", \"undecided_t\": %ld", (long) r->undecided_t);
        if (r->has_T && r->hit)
            printf(", \"hit_le_T\": \"%s\"", verdict(r->hit_le_T));
        if (r->has_sigma2)
            printf(", \"sigma_ok\": \"%s\", \"sigma_t\": %ld",
                   verdict(r->sigma_ok), (long) r->sigma_t);
        if (adam)
            printf(", \"descent\": \"%s\", \"descent_t\": %ld",
                   verdict(r->descent), (long) r->descent_t);
        printf(", \"steps\": %ld, \"lost\": %ld, \"prec\": %ld}\n",
               (long) r->steps, (long) r->lost, (long) r->prec);
        return;
    }
    printf("theorem     deterministic %s (De, Mukherjee, Ullah, arXiv "
           "1807.06766), paper form\n", adam ? "ADAM" : "RMSProp");
    printf("objective   %s (%ld parameter%s), x_1 = ", a->objective,
           (long) dim, dim == 1 ? "" : "s");
    if (dim > 1)
        putchar('(');
    cli_print_fmpq_vec(stdout, x1, dim, ", ", 0);
    printf("%s\nconstants   ", dim > 1 ? ")" : "");
    put_q("xi", co->xi, 0, 1);
    if (adam)
        put_q("beta1", co->beta1, 0, 0);
    put_q("beta2", co->beta2, 0, 0);
    put_q("target", co->eps, 0, 0);
    if (r->has_L)
        put_q("L", r->L, 0, 0);
    if (r->has_sigma2)
        put_q("sigma2", r->sigma2, 0, 0);
    if (r->has_fstar)
        put_q("f*", r->fstar, 0, 0);
    printf("\nf(x_1)      ");
    put_ball(r->f1, 0);
    printf("\nstep        alpha = ");
    put_ball(r->alpha, 0);
    printf(adam ? "  (--lr)\n" : "  = (1 - beta2) xi / (L sqrt(sigma2 + "
           "xi))\n");
    if (r->has_T)
    {
        printf("bound       T = ");
        put_ball(r->T, 0);
        printf("  = 2 L (sigma2 + xi)(f(x_1) - f*) / ((1 - beta2) xi "
               "eps^2)\n");
    }
    if (r->hit)
    {
        printf("first hit   t = %ld: |grad f(x_t)|^2 = ", (long) r->hit);
        put_ball(r->gnorm2, 0);
        printf(" <= target^2, proven\n");
        if (r->undecided_t)
            printf("            (undecided at t = %ld before it: the real "
                   "first hit may be earlier)\n", (long) r->undecided_t);
        else
            printf("            (every earlier t proven above the "
                   "target)\n");
    }
    else
    {
        printf("first hit   none proven in %ld steps; |grad f|^2 at the last "
               "iterate ", (long) r->steps);
        put_ball(r->gnorm2, 0);
        putchar('\n');
    }
    if (r->has_T && r->hit)
        printf("t <= T      %s\n", verdict(r->hit_le_T));
    if (r->has_sigma2)
    {
        printf("sigma       |grad f(x_t)|^2 <= sigma2 at every iterate: %s",
               verdict(r->sigma_ok));
        if (r->sigma_ok != CPWL_CONVERGENCE_YES)
            printf(" (first at t = %ld)", (long) r->sigma_t);
        putchar('\n');
    }
    if (adam)
    {
        printf("descent     <g_t, m_t / (sqrt(v_t) + xi)> > 0 at every step: "
               "%s", verdict(r->descent));
        if (r->descent != CPWL_CONVERGENCE_YES)
            printf(" (first at t = %ld)", (long) r->descent_t);
        putchar('\n');
    }
    printf("run         %ld steps at %ld bits", (long) r->steps,
           (long) r->prec);
    if (r->lost)
        printf("; enclosure lost at t = %ld (--max-prec)", (long) r->lost);
    putchar('\n');
}

static int run_theorem(cli_optim_args *a, const fmpq_t target,
                       const fmpq *L, const fmpq *sigma2, const fmpq *fstar,
                       slong prec, slong max_prec, double rel, int json)
{
    cpwl_convergence_opts_t co;
    cpwl_convergence_result_t r;
    cpwl_objective_t O;
    fmpq *x1;
    slong dim;
    cpwl_err_t e;
    int adam, status;

    if (a->algo == NULL
        || (strcmp(a->algo, "rmsprop") && strcmp(a->algo, "rmsprop:paper")
            && strcmp(a->algo, "adam") && strcmp(a->algo, "adam:paper")))
        return cli_usage("convergence", "--check theorem: --algo must be "
                         "rmsprop or adam (paper form), got '%.40s'",
                         a->algo != NULL ? a->algo : "gd");
    adam = a->algo[0] == 'a';
    if ((status = cli_optim_setup(O, &x1, &dim, a, "convergence"))
        != CPWL_OK)
        return status;
    cpwl_convergence_opts_init(co);
    /* the library's defaults unless the option was given */
    if (a->given & CLI_OPTIM_GIVEN(0x307))
        fmpq_set(co->xi, a->o->xi);
    if (a->given & CLI_OPTIM_GIVEN(0x305))
        fmpq_set(co->beta1, a->o->beta1);
    if (a->given & CLI_OPTIM_GIVEN(0x306))
        fmpq_set(co->beta2, a->o->beta2);
    if (a->given & CLI_OPTIM_GIVEN(0x303))
        fmpq_set(co->lr, a->o->lr);
    if (a->given & CLI_OPTIM_GIVEN(0x302))
        co->max_steps = a->o->steps;
    co->amsgrad = a->o->amsgrad;
    if (target != NULL)
        fmpq_set(co->eps, target);
    if (L != NULL)
    {
        co->has_L = 1;
        fmpq_set(co->L, L);
    }
    if (sigma2 != NULL)
    {
        co->has_sigma2 = 1;
        fmpq_set(co->sigma2, sigma2);
    }
    if (fstar != NULL)
    {
        co->has_fstar = 1;
        fmpq_set(co->fstar, fstar);
    }
    if (prec > 0)
        co->prec = prec;
    if (max_prec > 0)
        co->max_prec = max_prec;
    if (rel > 0)
        co->rel = rel;
    cpwl_convergence_result_init(r);
    cpwl_err_init(e);
    status = adam ? cpwl_convergence_adam(r, O, x1, co, e)
        : cpwl_convergence_rmsprop(r, O, x1, co, e);
    if (status != CPWL_OK)
        status = conv_fail(e);
    else
        theorem_report(r, co, adam, a, dim, x1, json);
    cpwl_convergence_result_clear(r);
    cpwl_convergence_opts_clear(co);
    _fmpq_vec_clear(x1, FLINT_MAX(dim, 1));
    cpwl_objective_clear(O);
    return status;
}

static int run_sign(cli_optim_args *a, const char *arith, int json)
{
    cpwl_convergence_sign_struct r;
    cpwl_objective_t O;
    cpwl_arith_t A;
    fmpq *x1;
    slong dim;
    cpwl_err_t e;
    int status;
    char buf[64];

    if (cli_optim_arith(A, arith != NULL ? arith : "exact", a, "convergence",
                        "--arith") != CPWL_OK)
        return CPWL_ERR_INPUT;
    if ((status = cli_optim_setup(O, &x1, &dim, a, "convergence"))
        != CPWL_OK)
    {
        cpwl_arith_clear(A);
        return status;
    }
    cpwl_err_init(e);
    memset(&r, 0, sizeof r);
    status = cpwl_convergence_sign(&r, a->o, O, x1, A, e);
    if (status != CPWL_OK)
        status = conv_fail(e);
    else if (json)
    {
        /* coordinates and terms numbered from 1, as in the text */
        printf("{\"check\": \"sign\", \"algorithm\": \"%s\", \"arith\": "
               "\"%s\", \"holds\": \"%s\", \"steps\": %ld",
               cpwl_optim_algo_name(buf, a->o), cpwl_arith_name(buf + 32, A),
               verdict(r.holds), (long) r.steps);
        if (r.holds != CPWL_CONVERGENCE_YES)
        {
            printf(", \"t\": %ld, \"coordinate\": ", (long) r.t);
            if (r.k < 0)
                printf("null");
            else
                printf("%ld", (long) r.k + 1);
            printf(", \"term\": ");
            if (r.i < 0)
                printf("null");
            else
                printf("%ld", (long) r.i + 1);
        }
        printf("}\n");
    }
    else
    {
        printf("check       sign consistency: sgn d_k f_i(x_t) = sgn d_k "
               "f(x_t) for every term i and coordinate k\n");
        printf("run         %s in %s, %ld steps\n",
               cpwl_optim_algo_name(buf, a->o), cpwl_arith_name(buf + 32, A),
               (long) r.steps);
        printf("holds       %s", verdict(r.holds));
        if (r.holds != CPWL_CONVERGENCE_YES)
        {
            if (r.k < 0)
                printf(" (at t = %ld the enclosure was lost: a ball too "
                       "wide, or a relu sign the ball cannot decide)",
                       (long) r.t);
            else if (r.i < 0)
                printf(" (at t = %ld the sign of d_%ld f is undecided)",
                       (long) r.t, (long) r.k + 1);
            else
                printf(" (first at t = %ld, coordinate %ld, term %ld)",
                       (long) r.t, (long) r.k + 1, (long) r.i + 1);
        }
        putchar('\n');
    }
    _fmpq_vec_clear(x1, FLINT_MAX(dim, 1));
    cpwl_objective_clear(O);
    cpwl_arith_clear(A);
    return status;
}

static int run_departure(cli_optim_args *a, const char *arith, slong prec,
                         double rel, int json)
{
    cpwl_convergence_departure_t r;
    cpwl_objective_t O;
    cpwl_arith_t F, B;
    fmpq *x1;
    slong dim;
    cpwl_err_t e;
    int status;
    char buf[64];

    if (arith == NULL)
        return cli_usage("convergence", "--check departure needs --arith "
                         "FORMAT (binary16, bfloat16, binary32, double)");
    if (cli_optim_arith(F, arith, a, "convergence", "--arith") != CPWL_OK)
        return CPWL_ERR_INPUT;
    if (F->kind != CPWL_ARITH_FLOAT)
    {
        cpwl_arith_clear(F);
        return cli_usage("convergence", "--check departure: --arith must be "
                         "a float format, got '%.40s'", arith);
    }
    if ((status = cli_optim_setup(O, &x1, &dim, a, "convergence"))
        != CPWL_OK)
    {
        cpwl_arith_clear(F);
        return status;
    }
    cpwl_arith_init_arb(B, prec > 0 ? prec : 128);
    cpwl_convergence_departure_init(r);
    cpwl_err_init(e);
    status = cpwl_convergence_departure(r, a->o, O, x1, F, B,
                                        rel > 0 ? rel : 1.0 / 1024, e);
    if (status != CPWL_OK)
        status = conv_fail(e);
    else
    {
        if (json)
        {
            printf("{\"check\": \"departure\", \"algorithm\": \"%s\", "
                   "\"arith\": \"%s\", \"prec\": %ld, \"left\": %ld, "
                   "\"coord\": %ld, \"stagnant\": %lu, \"gap\": ",
                   cpwl_optim_algo_name(buf, a->o), arith, (long) B->prec,
                   (long) r->left, (long) r->coord, (unsigned long)
                   r->stagnant);
            put_ball(r->gap, 1);
            printf(", \"steps\": %ld, \"lost\": %ld}\n", (long) r->steps,
                   (long) r->lost);
        }
        else
        {
            printf("check       %s beside arb:%ld, %s, %ld steps compared\n",
                   arith, (long) B->prec, cpwl_optim_algo_name(buf, a->o),
                   (long) r->steps);
            if (r->left)
                printf("leaves      the ball at t = %ld (component %ld)\n",
                       (long) r->left, (long) r->coord + 1);
            else
                printf("leaves      never: inside the ball at every "
                       "compared iterate\n");
            printf("stagnant    %lu updates\ngap         |x_float - x_real| "
                   "= ", (unsigned long) r->stagnant);
            put_ball(r->gap, 0);
            putchar('\n');
            if (r->lost)
                printf("enclosure   lost at t = %ld\n", (long) r->lost);
        }
    }
    cpwl_convergence_departure_clear(r);
    _fmpq_vec_clear(x1, FLINT_MAX(dim, 1));
    cpwl_objective_clear(O);
    cpwl_arith_clear(F);
    cpwl_arith_clear(B);
    return status;
}

int cmd_convergence(int argc, char **argv)
{
    static const struct option opts_l[] = {
        CLI_OPTIM_LONGOPTS,
        {"check", required_argument, NULL, 'c'},
        {"arith", required_argument, NULL, 'a'},
        {"target", required_argument, NULL, 'T'},
        {"lipschitz", required_argument, NULL, 'L'},
        {"sigma2", required_argument, NULL, 'S'},
        {"fstar", required_argument, NULL, 'F'},
        {"prec", required_argument, NULL, 'p'},
        {"max-prec", required_argument, NULL, 'P'},
        {"max-rad", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0}
    };
    cli_optim_args a;
    const char *check = "theorem", *arith = NULL;
    fmpq_t target, L, sigma2, fstar, maxrad;
    int c, r, json = 0, have_target = 0, have_L = 0, have_s = 0, have_f = 0;
    int status = CPWL_ERR_INPUT;
    slong prec = 0, max_prec = 0;
    double rel = 0;

    cli_optim_args_init(&a);
    fmpq_init(target);
    fmpq_init(L);
    fmpq_init(sigma2);
    fmpq_init(fstar);
    fmpq_init(maxrad);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        if ((r = cli_optim_option(&a, c, optarg, "convergence")) != 0)
        {
            if (r < 0)
                goto done;
            continue;
        }
        switch (c)
        {
            case 'c': check = optarg; break;
            case 'a': arith = optarg; break;
            case 'T':
                if (cli_optim_fmpq(target, "convergence", "--target", optarg))
                    goto done;
                have_target = 1;
                break;
            case 'L':
                if (cli_optim_fmpq(L, "convergence", "--lipschitz", optarg))
                    goto done;
                have_L = 1;
                break;
            case 'S':
                if (cli_optim_fmpq(sigma2, "convergence", "--sigma2", optarg))
                    goto done;
                have_s = 1;
                break;
            case 'F':
                if (cli_optim_fmpq(fstar, "convergence", "--fstar", optarg))
                    goto done;
                have_f = 1;
                break;
            case 'p':
                if (cli_parse_slong(&prec, "convergence", "--prec", optarg, 2,
                                    (slong) 1 << 20))
                    goto done;
                break;
            case 'P':
                if (cli_parse_slong(&max_prec, "convergence", "--max-prec",
                                    optarg, 2, (slong) 1 << 20))
                    goto done;
                break;
            case 'R':
                if (cli_optim_fmpq(maxrad, "convergence", "--max-rad", optarg))
                    goto done;
                if (fmpq_sgn(maxrad) <= 0)
                {
                    cli_usage("convergence", "--max-rad: expected a positive "
                              "number, got '%.40s'", optarg);
                    goto done;
                }
                rel = cpwl_num_fmpq_get_d(maxrad);
                break;
            case 'j': json = 1; break;
            default:
                status = cli_bad_option("convergence", c, argv);
                goto done;
        }
    }
    if (argc != optind)
    {
        status = cli_usage("convergence", "unexpected argument '%.40s'",
                           argv[optind]);
        goto done;
    }
    if (!strcmp(check, "theorem"))
    {
        if (arith != NULL)
        {
            status = cli_usage("convergence", "--check theorem runs in Arb "
                               "(--prec); --arith is for sign and "
                               "departure");
            goto done;
        }
        status = run_theorem(&a, have_target ? target : NULL,
                             have_L ? L : NULL, have_s ? sigma2 : NULL,
                             have_f ? fstar : NULL, prec, max_prec, rel,
                             json);
    }
    else if (!strcmp(check, "sign") || !strcmp(check, "departure"))
    {
        if (have_target || have_L || have_s || have_f)
        {
            status = cli_usage("convergence", "--target, --lipschitz, "
                               "--sigma2 and --fstar are for --check "
                               "theorem");
            goto done;
        }
        status = check[0] == 's' ? run_sign(&a, arith, json)
            : run_departure(&a, arith, prec, rel, json);
    }
    else
        status = cli_usage("convergence", "--check: expected theorem, sign or "
                           "departure, got '%.40s'", check);
done:
    fmpq_clear(target);
    fmpq_clear(L);
    fmpq_clear(sigma2);
    fmpq_clear(fstar);
    fmpq_clear(maxrad);
    cli_optim_args_clear(&a);
    return status;
}
