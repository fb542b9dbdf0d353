/* The optimiser options shared by cpwl optim and cpwl convergence. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "optim_opts.h"

void cli_optim_args_init(cli_optim_args *a)
{
    memset(a, 0, sizeof *a);
    cpwl_optim_opts_init(a->o);
    a->max_steps = CLI_OPTIM_MAX_STEPS;
}

void cli_optim_args_clear(cli_optim_args *a)
{
    cpwl_optim_opts_clear(a->o);
}

int cli_optim_fmpq(fmpq_t q, const char *sub, const char *opt,
                   const char *s)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_num_parse_fmpq(q, s, strlen(s), CPWL_NUM_EXACT, e) != CPWL_OK)
    {
        fprintf(stderr, "cpwl %s: %s: %s\n", sub, opt, e->msg);
        return CPWL_ERR_INPUT;
    }
    return CPWL_OK;
}

int cli_optim_option(cli_optim_args *a, int c, const char *arg,
                     const char *sub)
{
    int st = CPWL_OK;
    slong v;
    switch (c)
    {
        case 0x300: a->algo = arg; break;
        case 0x301: a->objective = arg; break;
        case 0x302:
            /* the limit is checked against --max-steps later */
            st = cli_parse_slong(&a->o->steps, sub, "--steps", arg, 1,
                                 WORD_MAX / 4);
            break;
        case 0x303: st = cli_optim_fmpq(a->o->lr, sub, "--lr", arg); break;
        case 0x304:
            st = cli_optim_fmpq(a->o->momentum, sub, "--momentum", arg);
            break;
        case 0x305:
            st = cli_optim_fmpq(a->o->beta1, sub, "--beta1", arg);
            break;
        case 0x306:
            st = cli_optim_fmpq(a->o->beta2, sub, "--beta2", arg);
            break;
        case 0x307: st = cli_optim_fmpq(a->o->xi, sub, "--xi", arg); break;
        case 0x308: st = cli_optim_fmpq(a->o->eps, sub, "--eps", arg); break;
        case 0x309:
            if (!strcmp(arg, "const"))
                a->o->schedule = CPWL_OPTIM_SCHEDULE_CONST;
            else if (!strcmp(arg, "sqrt"))
                a->o->schedule = CPWL_OPTIM_SCHEDULE_SQRT;
            else
                st = cli_usage(sub, "--schedule: expected const or sqrt, "
                               "got '%.40s'", arg);
            break;
        case 0x30a: a->o->amsgrad = 1; break;
        case 0x30b: a->x0 = arg; break;
        case 0x30c:
            st = cli_parse_slong(&v, sub, "--seed", arg, 0, WORD_MAX);
            a->o->seed = (uint64_t) v;
            a->seed_given = 1;
            break;
        case 0x30d:
            st = cli_parse_slong(&a->o->batch, sub, "--batch", arg, 1,
                                 WORD_MAX / 4);
            a->batch_given = 1;
            break;
        case 0x30e:
            if (!strcmp(arg, "replace"))
                a->o->replace = 1;
            else if (!strcmp(arg, "epoch"))
                a->o->replace = 0;
            else
                st = cli_usage(sub, "--sampling: expected replace or epoch, "
                               "got '%.40s'", arg);
            a->sampling_given = 1;
            break;
        case 0x30f:
            if (!strcmp(arg, "nearest"))
                a->stochastic = 0;
            else if (!strcmp(arg, "stochastic"))
                a->stochastic = 1;
            else
                st = cli_usage(sub, "--rounding: expected nearest or "
                               "stochastic, got '%.40s'", arg);
            break;
        case 0x310: a->o->kahan = 1; break;
        case 0x311:
            if (!strcmp(arg, "0") || !strcmp(arg, "1"))
                a->relu_d0 = arg[0] - '0';
            else
                st = cli_usage(sub, "--relu-prime0: expected 0 or 1, got "
                               "'%.40s'", arg);
            break;
        case 0x312:
            st = cli_parse_slong(&a->max_steps, sub, "--max-steps", arg, 1,
                                 WORD_MAX / 4);
            break;
        default:
            return 0;
    }
    a->given |= CLI_OPTIM_GIVEN(c);
    return st == CPWL_OK ? 1 : -1;
}

/* --x0 "a,b,c": exact literals, blanks around each allowed. */
static int parse_x0(fmpq **x, slong *n, const char *s, const char *sub)
{
    const char *p = s, *q, *end;
    slong k = 1, i = 0;
    cpwl_err_t e;
    char qs[CPWL_ERR_QUOTE_SIZE];
    for (q = s; *q != '\0'; q++)
        k += *q == ',';
    *x = _fmpq_vec_init(k);
    *n = k;
    cpwl_err_init(e);
    for (;;)
    {
        while (*p == ' ' || *p == '\t')
            p++;
        q = strchr(p, ',');
        end = q != NULL ? q : p + strlen(p);
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (cpwl_num_parse_fmpq(*x + i, p, end - p, CPWL_NUM_EXACT, e)
            != CPWL_OK)
        {
            cpwl_err_quote(qs, sizeof qs, p, end - p);
            fprintf(stderr, "cpwl %s: --x0: entry %ld, %s: %s\n", sub,
                    (long) i + 1, qs, e->msg);
            _fmpq_vec_clear(*x, k);
            *x = NULL;
            return CPWL_ERR_INPUT;
        }
        i++;
        if (q == NULL)
            break;
        p = q + 1;
    }
    return CPWL_OK;
}

int cli_optim_setup(cpwl_objective_t O, fmpq **x1, slong *dim,
                    cli_optim_args *a, const char *sub)
{
    cpwl_err_t e;
    slong n = -1, terms, i;
    fmpq *x = NULL;

    if (a->objective == NULL)
        return cli_usage(sub, "--objective O is required");
    if (a->algo != NULL && !cpwl_optim_algo_from_str(a->o, a->algo))
        return cli_usage(sub, "--algo: expected gd, sgd, heavy-ball, nag, "
                         "rmsprop[:paper|pytorch|tensorflow] or "
                         "adam[:paper|kingma-ba], got '%.40s'", a->algo);
    if (a->x0 != NULL && parse_x0(&x, &n, a->x0, sub) != CPWL_OK)
        return CPWL_ERR_INPUT;
    cpwl_err_init(e);
    /* without the dimension first, so that a wrong --x0 is said as such;
       objectives that take it from --x0 get it on the second try */
    if (cpwl_objective_init_str(O, a->objective, -1, e) != CPWL_OK)
    {
        if (n >= 0)
            cpwl_err_init(e);
        if (n < 0 || cpwl_objective_init_str(O, a->objective, n, e)
                     != CPWL_OK)
        {
            if (x != NULL)
                _fmpq_vec_clear(x, n);
            return cli_fail(sub, e);
        }
    }
    O->relu_d0 = a->relu_d0;
    if (x == NULL)
    {
        if (O->x1 == NULL)
        {
            cpwl_objective_clear(O);
            return cli_usage(sub, "--x0 is required: the objective %s has "
                             "no default starting point", O->name);
        }
        n = O->dim;
        x = _fmpq_vec_init(FLINT_MAX(n, 1));
        for (i = 0; i < n; i++)
            fmpq_set(x + i, O->x1 + i);
    }
    else if (n != O->dim)
    {
        fprintf(stderr, "cpwl %s: --x0: %ld entr%s, the objective %s has "
                "%ld parameter%s\n", sub, (long) n, n == 1 ? "y" : "ies",
                O->name, (long) O->dim,
                O->dim == 1 ? "" : "s");
        _fmpq_vec_clear(x, n);
        cpwl_objective_clear(O);
        return CPWL_ERR_INPUT;
    }
    if (a->batch_given || a->sampling_given)
    {
        const char *why = NULL;
        if (O->nterms <= 0)
            why = "is not a finite sum";
        else if (a->o->batch > O->nterms)
            why = "has fewer terms";
        if (why != NULL)
        {
            if (O->nterms <= 0)
                fprintf(stderr, "cpwl %s: --%s: the objective %s %s (only "
                        "net: objectives are)\n", sub,
                        a->batch_given ? "batch" : "sampling", O->name, why);
            else
                fprintf(stderr, "cpwl %s: --batch %ld: the objective %s has "
                        "%ld terms\n", sub, (long) a->o->batch, O->name,
                        (long) O->nterms);
            _fmpq_vec_clear(x, FLINT_MAX(n, 1));
            cpwl_objective_clear(O);
            return CPWL_ERR_INPUT;
        }
    }
    terms = FLINT_MAX(O->nterms, 1);
    if (a->o->steps > a->max_steps
        || (double) a->o->steps * FLINT_MAX(n, 1) * terms
           > (double) a->max_steps * CLI_OPTIM_WORK)
    {
        if (a->o->steps > a->max_steps)
            fprintf(stderr, "cpwl %s: --steps %ld is above the limit %ld "
                    "(raise it with --max-steps)\n", sub,
                    (long) a->o->steps, (long) a->max_steps);
        else
            fprintf(stderr, "cpwl %s: --steps %ld x %ld parameters x %ld "
                    "terms is above the work limit %ld x %d (raise it with "
                    "--max-steps)\n", sub, (long) a->o->steps, (long) n,
                    (long) terms, (long) a->max_steps, CLI_OPTIM_WORK);
        _fmpq_vec_clear(x, FLINT_MAX(n, 1));
        cpwl_objective_clear(O);
        return CPWL_ERR_INPUT;
    }
    *x1 = x;
    *dim = n;
    return CPWL_OK;
}

int cli_optim_arith(cpwl_arith_t A, const char *name,
                    const cli_optim_args *a, const char *sub,
                    const char *opt)
{
    if (!cpwl_arith_init_str(A, name))
        return cli_usage(sub, "%s: expected exact, arb:P, double, binary64, "
                         "binary32, binary16 or bfloat16, got '%.40s'", opt,
                         name);
    /* the library updates exact and Arb runs plainly under kahan: alone,
       such a run would silently ignore the option */
    if (a->o->kahan && A->kind != CPWL_ARITH_FLOAT && !strcmp(opt, "--arith"))
    {
        cpwl_arith_clear(A);
        return cli_usage(sub, "--kahan applies to the float formats only "
                         "(%s updates have no rounding error to compensate)",
                         name);
    }
    if (a->stochastic
        && (A->kind == CPWL_ARITH_FLOAT || !strcmp(opt, "--arith")))
    {
        cpwl_ieee_fmt fmt = A->fmt;
        if (A->kind != CPWL_ARITH_FLOAT)
        {
            cpwl_arith_clear(A);
            return cli_usage(sub, "--rounding stochastic: %s is not a float "
                             "format", name);
        }
        cpwl_arith_clear(A);
        cpwl_arith_init_float(A, fmt, 1, a->o->seed);
    }
    return CPWL_OK;
}

/* Which constants the algorithm uses. */
enum
{
    C_MOM = 1, C_B1 = 2, C_B2 = 4, C_XI = 8, C_EPS = 16, C_BATCH = 32
};

static int used_constants(const cpwl_optim_opts_struct *o)
{
    switch (o->algo)
    {
        case CPWL_OPTIM_SGD: return C_BATCH;
        case CPWL_OPTIM_HEAVY_BALL:
        case CPWL_OPTIM_NAG: return C_MOM;
        case CPWL_OPTIM_RMSPROP:
            return C_B2 | (o->form == CPWL_OPTIM_FORM_PAPER ? C_XI : C_EPS);
        case CPWL_OPTIM_ADAM:
            return C_B1 | C_B2
                | (o->form == CPWL_OPTIM_FORM_PAPER ? C_XI : C_EPS);
        default: return 0;
    }
}

static void put_q(FILE *f, const char *name, const fmpq_t q, int json)
{
    char *s = fmpq_get_str(NULL, 10, q);
    if (json)
        fprintf(f, ", \"%s\": \"%s\"", name, s);
    else
        fprintf(f, ", %s %s", name, s);
    flint_free(s);
}

static void put_constants(FILE *f, const cli_optim_args *a, int json)
{
    const cpwl_optim_opts_struct *o = a->o;
    int u = used_constants(o);
    char *s = fmpq_get_str(NULL, 10, o->lr);
    if (json)
        fprintf(f, "\"lr\": \"%s\"", s);
    else
        fprintf(f, "lr %s%s", s, o->schedule == CPWL_OPTIM_SCHEDULE_SQRT
                ? " / sqrt(t)" : "");
    flint_free(s);
    if (u & C_MOM)
        put_q(f, "momentum", o->momentum, json);
    if (u & C_B1)
        put_q(f, "beta1", o->beta1, json);
    if (u & C_B2)
        put_q(f, "beta2", o->beta2, json);
    if (u & C_XI)
        put_q(f, "xi", o->xi, json);
    if (u & C_EPS)
        put_q(f, "eps", o->eps, json);
    if (json)
    {
        fprintf(f, ", \"schedule\": \"%s\"", o->schedule
                == CPWL_OPTIM_SCHEDULE_SQRT ? "sqrt" : "const");
        if (u & C_BATCH)
            fprintf(f, ", \"batch\": %ld, \"sampling\": \"%s\", \"seed\": "
                    "%llu", (long) o->batch, o->replace ? "replace"
                    : "epoch", (unsigned long long) o->seed);
    }
    else if (u & C_BATCH)
        fprintf(f, ", batch %ld, sampling %s, seed %llu", (long) o->batch,
                o->replace ? "replace" : "epoch",
                (unsigned long long) o->seed);
}

void cli_optim_describe(FILE *f, const cli_optim_args *a, slong dim,
                        const fmpq *x1)
{
    char buf[64];
    fprintf(f, "algorithm   %s%s%s\n", cpwl_optim_algo_name(buf, a->o),
            a->o->amsgrad ? " (amsgrad)" : "", a->o->kahan
            ? " (kahan update)" : "");
    if (a->stochastic)
        fprintf(f, "rounding    stochastic (seed %llu) in the float formats\n",
                (unsigned long long) a->o->seed);
    fprintf(f, "constants   ");
    put_constants(f, a, 0);
    fprintf(f, "\nobjective   %s (%ld parameter%s)\nstart       x_1 = ",
            a->objective, (long) dim, dim == 1 ? "" : "s");
    if (dim > 1)
        fputc('(', f);
    cli_print_fmpq_vec(f, x1, dim, ", ", 0);
    if (dim > 1)
        fputc(')', f);
    fprintf(f, "\nsteps       %ld\n", (long) a->o->steps);
}

void cli_optim_describe_json(FILE *f, const cli_optim_args *a, slong dim,
                             const fmpq *x1)
{
    char buf[64];
    fprintf(f, "\"algorithm\": \"%s\", \"amsgrad\": %s, \"kahan\": %s, "
            "\"constants\": {", cpwl_optim_algo_name(buf, a->o),
            a->o->amsgrad ? "true" : "false", a->o->kahan ? "true" : "false");
    put_constants(f, a, 1);
    fprintf(f, "}, \"objective\": \"");
    /* the objective's text as given, escaped for JSON */
    {
        const char *p;
        for (p = a->objective; *p != '\0'; p++)
        {
            if (*p == '"' || *p == '\\')
                fprintf(f, "\\%c", *p);
            else if ((unsigned char) *p < 0x20)
                fprintf(f, "\\u%04x", (unsigned) (unsigned char) *p);
            else
                fputc(*p, f);
        }
    }
    fprintf(f, "\", \"rounding\": \"%s\"", a->stochastic ? "stochastic"
            : "nearest");
    if (a->stochastic)
        fprintf(f, ", \"seed\": %llu", (unsigned long long) a->o->seed);
    fprintf(f, ", \"dim\": %ld, \"x1\": [", (long) dim);
    cli_print_fmpq_vec(f, x1, dim, ", ", 1);
    fprintf(f, "], \"steps\": %ld", (long) a->o->steps);
}
