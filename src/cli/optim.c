/* cpwl optim: an optimiser trajectory in exact, Arb or emulated float
   arithmetic, or several side by side (--compare), on the engine of
   cpwl/optim.h recorded by cpwl/trace.h. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "optim_opts.h"

const char cli_optim_usage[] =
    "usage: cpwl optim --algo A[:FORM] --objective O [--arith ARITH |\n"
    "       --compare ARITH,ARITH,...] [--steps T] [--lr a] [--momentum mu]\n"
    "       [--beta1 b1] [--beta2 b2] [--xi xi] [--eps eps]\n"
    "       [--schedule const|sqrt] [--amsgrad] [--x0 LIST] [--seed S]\n"
    "       [--batch b] [--sampling replace|epoch]\n"
    "       [--rounding nearest|stochastic] [--kahan] [--relu-prime0 0|1]\n"
    "       [--auto-prec] [--max-prec P] [--max-rad R] [--every k]\n"
    "       [--max-steps N] [--csv OUT] [--png OUT | --svg OUT] [--json]\n"
    "       [--[no-]progress]\n"
    "\n"
    "Runs an optimiser from x_1 for T steps (x_1 ... x_{T+1}), every\n"
    "operation in one arithmetic: exact rationals, Arb balls at P bits (a\n"
    "rigorous enclosure of the real trajectory) or an IEEE format emulated\n"
    "exactly (one rounding per operation, in the order the formula is\n"
    "written).  Prints f(x_t) and |grad f(x_t)| every k-th step and the last,\n"
    "and the final iterate.  Numbers are exact literals (0.1 is 1/10).\n"
    "\n"
    "  --algo A         gd (default), sgd, heavy-ball, nag,\n"
    "                   rmsprop[:paper|pytorch|tensorflow], adam[:paper|\n"
    "                   kingma-ba] (form paper by default)\n"
    "  --objective O    quadratic:A=ROWS;b=LIST, pseudo-huber, rosenbrock,\n"
    "                   beale, reddi[:C=..], net:NET.json,DATA.csv\n"
    "  --arith ARITH    exact (default), arb:P, double, binary64, binary32,\n"
    "                   binary16, bfloat16\n"
    "  --compare LIST   several arithmetics side by side; a float format\n"
    "                   beside an Arb run also gets its departure: the first\n"
    "                   t its iterate leaves the ball, its stagnant updates\n"
    "                   and the final gap |x_float - x_real|\n"
    "  --steps T        steps (default 100)\n"
    "  --lr a           step size (default 1/100); --schedule sqrt: a/sqrt(t)\n"
    "  --momentum mu    heavy-ball, nag (default 9/10)\n"
    "  --beta1, --beta2 adam, rmsprop (defaults 9/10, 999/1000)\n"
    "  --xi, --eps      the paper forms' xi, the other forms' eps (10^-8)\n"
    "  --amsgrad        adam: the running maximum of v in the update\n"
    "  --x0 LIST        the starting point, a comma list (default: the\n"
    "                   objective's)\n"
    "  --batch b, --sampling replace|epoch, --seed S\n"
    "                   sgd's mini-batches (net: objectives)\n"
    "  --rounding R     nearest (default) or stochastic (seeded by --seed)\n"
    "  --kahan          compensated summation of the update\n"
    "  --relu-prime0 D  relu'(0) for net: objectives, 0 (default) or 1\n"
    "  --auto-prec      an Arb run that loses its enclosure is rerun at\n"
    "                   doubled precision, up to --max-prec P (default 8192)\n"
    "  --max-rad R      an Arb iterate whose radius passes R max(1, |mid|)\n"
    "                   has lost its enclosure (default 1/1000)\n"
    "  --every k        record every k-th iterate and the last (default:\n"
    "                   T/20, or T/1000 with --json, --csv or a picture)\n"
    "  --max-steps N    refuse T > N, or T x parameters x terms > 1000 N\n"
    "                   (default 1000000)\n"
    "  --csv OUT        one row per recorded iterate and arithmetic\n"
    "  --png OUT, --svg OUT  f and |grad f| against t, log scale, one curve\n"
    "                   per arithmetic, Arb runs as bands\n"
    "  --json           one JSON object (iterates exact as \"p/q\", balls as\n"
    "                   {\"mid\", \"rad\"}, floats as {\"exact\", \"dec\"})\n"
    "  --progress       progress lines on stderr also when it is not a\n"
    "                   terminal; --no-progress: none, even on a terminal\n"
    "\n"
    "Ctrl-C stops and prints what was computed (exit 130).  Formulas and\n"
    "operation orders: docs/optim.md.\n";

#define MAX_ARITHS 16

static void optim_progress(void *data, slong t, slong steps)
{
    cli_progress_state *p = data;
    char rate[CLI_RATE_SIZE];
    if (!cli_progress_due(p))
        return;
    cli_progress_line(p, "step %ld/%ld, %s steps/s", (long) t - 1,
                      (long) steps, cli_progress_rate(rate, (double) t - 1,
                                                      p->start));
}

static void print_iterate(FILE *f, const cpwl_trace_struct *T,
                          const cpwl_trace_point_struct *p)
{
    slong i;
    fmpq_t q;
    fmpq_init(q);
    if (T->dim > 1)
        fputc('(', f);
    for (i = 0; i < T->dim; i++)
    {
        if (i > 0)
            fputs(", ", f);
        if (p->xq != NULL)
            cli_print_fmpq(f, p->xq + i);
        else if (p->xb != NULL)
        {
            /* digits enough that the printed radius is the ball's */
            char *s = arb_get_str(p->xb + i, FLINT_MAX(20, 3 * T->prec_used
                                                       / 10 + 5), 0);
            fputs(s, f);
            flint_free(s);
        }
        else if (isfinite(p->xd[i]))
        {
            cpwl_ieee_get_fmpq(q, p->xd[i]);
            cli_print_fmpq(f, q);
            fprintf(f, " (%.9g)", p->xd[i]);
        }
        else
            fprintf(f, "%s", isnan(p->xd[i]) ? "nan" : p->xd[i] > 0 ? "inf"
                    : "-inf");
    }
    if (T->dim > 1)
        fputc(')', f);
    fmpq_clear(q);
}

/* The table: t, then f and |grad f| per arithmetic, columns aligned;
   the recorded rows with t - 1 a multiple of every, and the last. */
static void print_table(FILE *f, const cpwl_trace_struct *T, slong n,
                        slong every)
{
    slong rows = 0, r, i, c, ncol = 1 + 2 * n, k;
    char ***cell;
    int *w = flint_calloc(ncol, sizeof(int));
    for (i = 0; i < n; i++)
        rows = FLINT_MAX(rows, T[i].n);
    cell = flint_malloc((rows + 1) * sizeof(char **));
    for (r = 0; r <= rows; r++)
        cell[r] = flint_calloc(ncol, sizeof(char *));
    cell[0][0] = flint_malloc(2);
    strcpy(cell[0][0], "t");
    for (i = 0; i < n; i++)
    {
        char buf[80];
        snprintf(buf, sizeof buf, n > 1 ? "f(x_t) %s" : "f(x_t)",
                 T[i].arith);
        cell[0][1 + 2 * i] = flint_malloc(strlen(buf) + 1);
        strcpy(cell[0][1 + 2 * i], buf);
        snprintf(buf, sizeof buf, n > 1 ? "|grad f(x_t)| %s"
                 : "|grad f(x_t)|", T[i].arith);
        cell[0][2 + 2 * i] = flint_malloc(strlen(buf) + 1);
        strcpy(cell[0][2 + 2 * i], buf);
    }
    for (r = 1; r <= rows; r++)
        for (i = 0; i < n; i++)
        {
            const cpwl_trace_point_struct *p;
            int rad = T[i].kind == CPWL_ARITH_ARB;
            if (r > T[i].n)
                continue;
            p = T[i].pts + r - 1;
            if ((p->t - 1) % every != 0 && r != T[i].n)
                continue;
            if (cell[r][0] == NULL)
            {
                cell[r][0] = flint_malloc(24);
                snprintf(cell[r][0], 24, "%ld", (long) p->t);
            }
            if (p->have_f)
            {
                cell[r][1 + 2 * i] = cli_arb_str(&p->f, rad, rad ? 15 : 17);
                cell[r][2 + 2 * i] = cli_arb_str(&p->gnorm, rad, rad ? 15 : 17);
            }
        }
    for (r = 0; r <= rows; r++)
        for (c = 0; c < ncol; c++)
            if (cell[r][c] != NULL)
                w[c] = FLINT_MAX(w[c], (int) strlen(cell[r][c]));
    for (r = 0; r <= rows; r++)
    {
        if (cell[r][0] == NULL)
            continue;
        for (c = 0; c < ncol; c++)
        {
            const char *s = cell[r][c] != NULL ? cell[r][c]
                : r > 0 && c > 0 ? "?" : "";
            if (c == 0)
                fprintf(f, "%*s", w[c], s);
            else
                fprintf(f, "  %-*s", c + 1 < ncol ? w[c] : 0, s);
        }
        fputc('\n', f);
    }
    for (r = 0; r <= rows; r++)
    {
        for (k = 0; k < ncol; k++)
            flint_free(cell[r][k]);
        flint_free(cell[r]);
    }
    flint_free(cell);
    flint_free(w);
}

static void print_notes(FILE *f, const cpwl_trace_struct *T, slong n,
                        int auto_prec, slong max_prec)
{
    slong i;
    for (i = 0; i < n; i++)
    {
        const cpwl_trace_struct *R = T + i;
        const char *who = R->arith;
        if (R->n > 0)
        {
            fprintf(f, "final       x_%ld = ", (long) R->pts[R->n - 1].t);
            print_iterate(f, R, R->pts + R->n - 1);
            fprintf(f, n > 1 ? "  [%s]\n" : "\n", who);
        }
        if (R->kind == CPWL_ARITH_ARB && R->lost != 0)
        {
            fprintf(f, "enclosure lost at step %ld", (long) R->lost);
            if (R->lost_rad >= 0)
                fprintf(f, " (radius %.3g)", R->lost_rad);
            fprintf(f, " at %ld bits (%s)", (long) R->lost_prec, R->why);
            if (R->lost_prec != R->prec_used)
                fprintf(f, "; %ld bits held to the end\n",
                        (long) R->prec_used);
            else if (auto_prec)
                fprintf(f, "; no precision up to %ld bits held (--max-prec)"
                        "\n", (long) max_prec);
            else
                fprintf(f, "; --auto-prec reruns at higher precision\n");
        }
        if (R->kind == CPWL_ARITH_FLOAT && !R->have_departure)
            fprintf(f, "stagnant    %lu updates left x unchanged%s%s\n",
                    (unsigned long) R->stagnant, n > 1 ? " in " : "",
                    n > 1 ? who : "");
        if (R->have_departure)
        {
            fprintf(f, "departure   %s: ", who);
            if (R->dep.left)
                fprintf(f, "leaves the Arb ball at t = %ld", (long) R->dep.left);
            else
                fprintf(f, "inside the Arb ball up to t = %ld",
                        (long) R->dep.gap_t);
            fprintf(f, "; %lu stagnant updates; gap |x - x_real| at t = %ld: ",
                    (unsigned long) R->dep.stagnant, (long) R->dep.gap_t);
            if (R->dep.have_gap)
            {
                char *s = arb_get_str(&R->dep.gap, 15, 0);
                fputs(s, f);
                flint_free(s);
            }
            else
                fputs("not finite", f);
            fputc('\n', f);
        }
    }
}

/* Split the --compare list into arithmetics. */
static int parse_compare(cpwl_arith_struct *A, slong *n, const char *list,
                         const cli_optim_args *a)
{
    char name[64];
    const char *p = list, *q;
    *n = 0;
    for (;;)
    {
        size_t len;
        q = strchr(p, ',');
        len = q != NULL ? (size_t) (q - p) : strlen(p);
        if (*n == MAX_ARITHS)
        {
            cli_usage("optim", "--compare: at most %d arithmetics",
                      MAX_ARITHS);
            goto fail;
        }
        if (len == 0 || len >= sizeof name)
        {
            cli_usage("optim", "--compare: expected a comma list of "
                      "arithmetics, got '%.40s'", list);
            goto fail;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        if (cli_optim_arith(A + *n, name, a, "optim", "--compare")
            != CPWL_OK)
            goto fail;
        (*n)++;
        if (q == NULL)
            break;
        p = q + 1;
    }
    return CPWL_OK;
fail:
    while (*n > 0)
        cpwl_arith_clear(A + --*n);
    return CPWL_ERR_INPUT;
}

static int write_outputs(const cpwl_trace_struct *T, slong n,
                         const char *csv, const char *pic,
                         cpwl_trace_format fmt, const cli_optim_args *a,
                         cpwl_objective_t O)
{
    outfile_t f;
    cpwl_err_t e;
    char title[200];
    slong i;
    int st;
    cpwl_err_init(e);
    if (csv != NULL)
    {
        if ((st = cli_out_open(f, "optim", csv)) != CPWL_OK)
            return st;
        for (i = 0; i < n; i++)
            cpwl_trace_write_csv(f->f, T + i, i == 0);
        if ((st = cli_out_close(f, "optim", 1)) != CPWL_OK)
            return st;
    }
    if (pic != NULL)
    {
        char buf[64];
        snprintf(title, sizeof title, "%s on %.120s",
                 cpwl_optim_algo_name(buf, a->o), a->objective);
        if ((st = cli_out_open(f, "optim", pic)) != CPWL_OK)
            return st;
        if (cpwl_trace_plot(f->f, pic, fmt, T, n, 0, 0, title,
                            O->has_fstar ? O->fstar : NULL, e) != CPWL_OK)
        {
            cli_out_close(f, "optim", 0);
            return cli_fail("optim", e);
        }
        if ((st = cli_out_close(f, "optim", 1)) != CPWL_OK)
            return st;
    }
    return CPWL_OK;
}

int cmd_optim(int argc, char **argv)
{
    static const struct option opts_l[] = {
        CLI_OPTIM_LONGOPTS,
        {"arith", required_argument, NULL, 'a'},
        {"compare", required_argument, NULL, 'c'},
        {"auto-prec", no_argument, NULL, 'A'},
        {"max-prec", required_argument, NULL, 'P'},
        {"max-rad", required_argument, NULL, 'R'},
        {"every", required_argument, NULL, 'k'},
        {"csv", required_argument, NULL, 'C'},
        {"png", required_argument, NULL, 'p'},
        {"svg", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        CLI_PROGRESS_LONGOPTS,
        {NULL, 0, NULL, 0}
    };
    cli_optim_args a;
    const char *arith = NULL, *compare = NULL, *csv = NULL, *png = NULL,
        *svg = NULL;
    int c, r, json = 0, auto_prec = 0, pmode = CLI_PROGRESS_AUTO;
    int status = CPWL_OK;
    slong max_prec = 8192, every = 0, text_every, n = 0, dim = 0, i;
    fmpq_t maxrad;
    double rel;
    cpwl_arith_struct A[MAX_ARITHS];
    cpwl_trace_struct *T = NULL;
    cpwl_objective_t O;
    fmpq *x1 = NULL;
    cpwl_err_t e;
    cli_progress_state ps;
    struct sigaction old;

    cli_optim_args_init(&a);
    fmpq_init(maxrad);
    fmpq_set_si(maxrad, 1, 1000);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts_l, NULL)) != -1)
    {
        if ((r = cli_optim_option(&a, c, optarg, "optim")) != 0)
        {
            if (r < 0)
                goto input_error;
            continue;
        }
        switch (c)
        {
            case 'a': arith = optarg; break;
            case 'c': compare = optarg; break;
            case 'A': auto_prec = 1; break;
            case 'P':
                if (cli_parse_slong(&max_prec, "optim", "--max-prec", optarg,
                                    2, (slong) 1 << 20) != CPWL_OK)
                    goto input_error;
                break;
            case 'R':
                if (cli_optim_fmpq(maxrad, "optim", "--max-rad", optarg)
                    != CPWL_OK)
                    goto input_error;
                /* the threshold is compared in double: it must be one */
                if (fmpq_sgn(maxrad) <= 0
                    || !(cpwl_num_fmpq_get_d(maxrad) >= 1e-300)
                    || !(cpwl_num_fmpq_get_d(maxrad) <= 1e300))
                {
                    cli_usage("optim", "--max-rad: expected a positive "
                              "number between 1e-300 and 1e300, got '%.40s'",
                              optarg);
                    goto input_error;
                }
                break;
            case 'k':
                if (cli_parse_slong(&every, "optim", "--every", optarg, 1,
                                    WORD_MAX / 4) != CPWL_OK)
                    goto input_error;
                break;
            case 'C': csv = optarg; break;
            case 'p': png = optarg; break;
            case 's': svg = optarg; break;
            case 'j': json = 1; break;
            case CLI_OPT_PROGRESS:
            case CLI_OPT_NO_PROGRESS:
                cli_progress_option(&pmode, c);
                break;
            default:
                status = cli_bad_option("optim", c, argv);
                goto done;
        }
    }
    if (argc != optind)
    {
        status = cli_usage("optim", "unexpected argument '%.40s'",
                           argv[optind]);
        goto done;
    }
    if (arith != NULL && compare != NULL)
    {
        status = cli_usage("optim", "--arith and --compare cannot be given "
                           "together");
        goto done;
    }
    if (png != NULL && svg != NULL)
    {
        status = cli_usage("optim", "--png and --svg cannot be given "
                           "together");
        goto done;
    }
    rel = cpwl_num_fmpq_get_d(maxrad);
    /* the arithmetics first: a bad name is said before files are read */
    if (compare != NULL)
    {
        if (parse_compare(A, &n, compare, &a) != CPWL_OK)
            goto input_error;
        for (i = 0; i < n && A[i].kind != CPWL_ARITH_FLOAT; i++)
            ;
        if (a.stochastic && i == n)
        {
            while (n > 0)
                cpwl_arith_clear(A + --n);
            status = cli_usage("optim", "--rounding stochastic: --compare "
                               "lists no float format");
            goto done;
        }
        if (a.o->kahan && i == n)
        {
            while (n > 0)
                cpwl_arith_clear(A + --n);
            status = cli_usage("optim", "--kahan: --compare lists no float "
                               "format");
            goto done;
        }
    }
    else
    {
        if (cli_optim_arith(A, arith != NULL ? arith : "exact", &a, "optim",
                            "--arith") != CPWL_OK)
            goto input_error;
        n = 1;
    }
    if ((status = cli_optim_setup(O, &x1, &dim, &a, "optim")) != CPWL_OK)
    {
        for (i = 0; i < n; i++)
            cpwl_arith_clear(A + i);
        goto done;
    }
    /* the text shows about 20 rows; files and JSON get about 1000 */
    text_every = every != 0 ? every : FLINT_MAX(1, (a.o->steps + 19) / 20);
    if (every == 0)
        every = json || csv != NULL || png != NULL || svg != NULL
            ? FLINT_MAX(1, (a.o->steps + 999) / 1000) : text_every;
    T = flint_malloc(n * sizeof(cpwl_trace_struct));
    for (i = 0; i < n; i++)
        cpwl_trace_init(T + i, A + i, dim, every, 0);

    cpwl_err_init(e);
    cli_progress_init(&ps, "optim", pmode);
    cli_catch_sigint(&old);
    r = cpwl_trace_run(T, A, n, a.o, O, x1, rel, auto_prec ? max_prec : 0,
                       &cli_interrupted, optim_progress, &ps, e);
    cli_restore_sigint(&old);
    cli_progress_end(&ps);
    if (r != CPWL_OK)
        status = cli_fail("optim", e);
    else
    {
        int stopped = T[0].stopped;
        if (json)
        {
            printf("{");
            cli_optim_describe_json(stdout, &a, dim, x1);
            printf(", \"every\": %ld, \"interrupted\": %s, \"runs\": [\n  ",
                   (long) every, stopped ? "true" : "false");
            for (i = 0; i < n; i++)
            {
                if (i > 0)
                    printf(",\n  ");
                cpwl_trace_write_json(stdout, T + i);
            }
            printf("]}\n");
        }
        else
        {
            cli_optim_describe(stdout, &a, dim, x1);
            printf("arithmetic  ");
            for (i = 0; i < n; i++)
                printf("%s%s", i ? ", " : "", T[i].arith);
            printf("\n\n");
            print_table(stdout, T, n, text_every);
            printf("\n");
            print_notes(stdout, T, n, auto_prec, max_prec);
        }
        fflush(stdout);
        status = write_outputs(T, n, csv, png != NULL ? png : svg,
                               png != NULL ? CPWL_TRACE_PNG : CPWL_TRACE_SVG,
                               &a, O);
        for (i = 0; i < n && !T[i].too_big; i++)
            ;
        if (i < n)
        {
            fprintf(stderr, "cpwl optim: stopped at t = %ld: the exact "
                    "iterate's entries passed %ld bits (on an objective that "
                    "is not quadratic they grow geometrically); use an "
                    "--arith of arb:P or a float format\n",
                    (long) T[i].steps_done + 1, (long) CPWL_TRACE_MAX_BITS);
            if (status == CPWL_OK)
                status = CPWL_ERR_INPUT;
        }
        else if (stopped)
        {
            fprintf(stderr, "cpwl optim: interrupted at t = %ld of %ld "
                    "(what was computed is shown)\n",
                    (long) T[0].steps_done + 1, (long) a.o->steps + 1);
            if (status == CPWL_OK)
                status = CLI_EXIT_INTERRUPTED;
        }
    }
    for (i = 0; i < n; i++)
    {
        cpwl_trace_clear(T + i);
        cpwl_arith_clear(A + i);
    }
    flint_free(T);
    _fmpq_vec_clear(x1, FLINT_MAX(dim, 1));
    cpwl_objective_clear(O);
    goto done;
input_error:
    status = CPWL_ERR_INPUT;
done:
    fmpq_clear(maxrad);
    cli_optim_args_clear(&a);
    return status;
}
