/* cpwl tron: the text, JSON, CSV and picture of the runs and of the
   certificate. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tron.h"

/* A ball as decimal text (flint_free it): the midpoint alone when the
   ball is exact. */
static char *ball_dec(const arb_t b, slong digits)
{
    return cli_arb_str(b, !arb_is_exact(b), digits);
}

/* The value of a cell: |w_t - w*|^2 of run u at its k-th recorded point. */
static char *dist_cell(const cli_tron_run *u, slong k)
{
    const cpwl_trace_point_struct *p = u->T->pts + k;
    if (u->exact_d && k < u->ndk)
        return cli_q_str(u->dk + k, 0);
    if (!arb_is_finite(&p->f))
    {
        char *s = flint_malloc(2);
        strcpy(s, "?");
        return s;
    }
    return ball_dec(&p->f, 15);
}

static void print_vec_point(FILE *f, const cpwl_trace_struct *T,
                            const cpwl_trace_point_struct *p)
{
    slong i;
    fmpq_t q;
    fmpq_init(q);
    fputc('(', f);
    for (i = 0; i < T->dim; i++)
    {
        if (i > 0)
            fputs(", ", f);
        if (p->xq != NULL)
        {
            char *s = cli_q_str(p->xq + i, 0);
            fputs(s, f);
            flint_free(s);
        }
        else if (p->xb != NULL)
        {
            char *s = arb_get_str(p->xb + i, 20, 0);
            fputs(s, f);
            flint_free(s);
        }
        else if (isfinite(p->xd[i]))
            fprintf(f, "%.17g", p->xd[i]);
        else
            fputs(isnan(p->xd[i]) ? "nan" : p->xd[i] > 0 ? "inf" : "-inf", f);
    }
    fputc(')', f);
    fmpq_clear(q);
}

static void print_arb_or_q(FILE *f, int rational, const fmpq_t q,
                           const arb_t b)
{
    char *s;
    if (rational)
        s = cli_q_str(q, 1);
    else
        s = ball_dec(b, 20);
    fputs(s, f);
    flint_free(s);
}

static void print_cert(FILE *f, const cli_tron_ctx *c)
{
    const cpwl_tron_cert_struct *C = c->C;
    const cli_tron_run *u = c->runs;
    slong T1 = c->runs[0].o->steps + 1;

    fprintf(f, "\ncertificate (Tron, batch b = %ld)\n", (long) C->batch);
    if (C->symmetric)
        fprintf(f, "  symmetric         yes: x and -x are equally likely\n");
    else
    {
        fprintf(f, "  symmetric         no: the assumption fails");
        if (C->witness >= 0 && c->D0->X != NULL)
        {
            fprintf(f, " (row %ld: x = (", (long) C->witness + 1);
            cli_print_fmpq_vec(f, c->D0->X + C->witness * c->n, c->n, ", ",
                               0);
            fprintf(f, ") and -x have different probabilities)");
        }
        fputc('\n', f);
    }
    fprintf(f, "  lambda_min(Sigma) ");
    print_arb_or_q(f, C->rational, C->lmin_q, C->lmin);
    fprintf(f, "   (Sigma = E[x x^T])\n  lambda_max(Sigma) ");
    print_arb_or_q(f, C->rational, C->lmaxS_q, C->lmaxS);
    fprintf(f, "\n  lambda_max(M)     ");
    print_arb_or_q(f, C->rational, C->lmaxM_q, C->lmaxM);
    fprintf(f, "   (M = E[|x|^2 x x^T])\n");
    {
        /* c_b, eta*, rho*: exactly when the eigenvalues are rational */
        fmpq_t cb, es, rs, a;
        char *s1, *s2, *s3;
        fmpq_init(cb);
        fmpq_init(es);
        fmpq_init(rs);
        fmpq_init(a);
        if (C->rational)
        {
            fmpz_t b;
            fmpz_init_set_si(b, C->batch);
            fmpq_div_fmpz(cb, C->lmaxM_q, b);
            fmpq_mul(a, C->lmaxS_q, C->lmaxS_q);
            fmpq_div_fmpz(a, a, b);
            fmpq_mul_si(a, a, C->batch - 1);
            fmpq_div_2exp(a, a, 2);
            fmpq_add(cb, cb, a);
            fmpq_div(es, C->lmin_q, cb);
            fmpq_div_2exp(es, es, 1);
            fmpq_mul(rs, C->lmin_q, C->lmin_q);
            fmpq_div(rs, rs, cb);
            fmpq_div_2exp(rs, rs, 2);
            fmpq_sub_si(rs, rs, 1);
            fmpq_neg(rs, rs);
            fmpz_clear(b);
        }
        s1 = C->rational ? cli_q_str(cb, 1) : ball_dec(C->cb, 20);
        s2 = C->rational ? cli_q_str(es, 1) : ball_dec(C->eta_star, 20);
        s3 = C->rational ? cli_q_str(rs, 1) : ball_dec(C->rho_star, 20);
        fprintf(f, "  c_b               %s   (lambda_max(M)/b + (1 - 1/b) "
                "lambda_max(Sigma)^2/4)\n", s1);
        fprintf(f, "  eta*              %s   (lambda_min / (2 c_b))\n", s2);
        fprintf(f, "  rho*              %s   (1 - lambda_min^2 / (4 c_b))\n",
                s3);
        flint_free(s1);
        flint_free(s2);
        flint_free(s3);
        fmpq_clear(cb);
        fmpq_clear(es);
        fmpq_clear(rs);
        fmpq_clear(a);
    }
    fprintf(f, "  eta               ");
    {
        char *s = cli_q_str(C->eta, 1);
        fputs(s, f);
        flint_free(s);
    }
    fprintf(f, "\n  rho(eta)          ");
    print_arb_or_q(f, C->rho_exact, C->rho_q, C->rho);
    fprintf(f, "   (1 - eta lambda_min + eta^2 c_b)\n");
    if (c->cert_checked)
    {
        fprintf(f, "  check             |w_t - w*|^2 <= rho^(t-1) |w_1 - w*|^2 "
                "on the exact population trajectory, t = 1..%ld: ",
                (long) u->nd);
        if (c->cert_fail)
            fprintf(f, "FAILS first at t = %ld\n", (long) c->cert_fail);
        else if (c->cert_undecided)
            fprintf(f, "holds where decided (%ld undecided)\n",
                    (long) c->cert_undecided);
        else
            fprintf(f, "holds\n");
    }
    else if (C->symmetric && !c->gate)
        fprintf(f, "  check             not run: the data's labels are not "
                "relu(<w*, x>), the theorem's model\n");
    else if (C->symmetric)
        fprintf(f, "  check             not run: it needs the exact "
                "population trajectory of a finite distribution (--arith "
                "exact, without --samples)\n");
    if (c->law_done)
    {
        fprintf(f, "  law               E|w_t - w*|^2 over every batch "
                "sequence (exact law, %ld states at the end), t = 1..%ld",
                (long) c->law_states, (long) c->law_t);
        if (c->law_interrupted)
            fprintf(f, " of %ld (interrupted)", (long) T1);
        else if (c->law_stopped)
            fprintf(f, " of %ld (--max-states)", (long) T1);
        if (!C->symmetric)
            fprintf(f, ": (the theorem does not apply) ");
        else
            fprintf(f, ": ");
        if (c->law_fail)
            fprintf(f, "the bound FAILS first at t = %ld\n",
                    (long) c->law_fail);
        else if (c->law_undecided)
            fprintf(f, "the bound holds where decided (%ld undecided)\n",
                    (long) c->law_undecided);
        else
            fprintf(f, "the bound holds\n");
    }
    if (!C->symmetric)
    {
        if (u->gap_t)
        {
            fprintf(f, "  linear recursion  E[update] = (eta/2) Sigma "
                        "(w* - w_t) breaks first at t = %ld: the gap "
                        "(1/2) E[(|<w*, x>| - |<w_t, x>|) x] is ",
                    (long) u->gap_t);
            cli_print_fmpq_vec(f, u->gap, c->n, ", ", 0);
            fputc('\n', f);
        }
        else if (c->runs[0].o->mode == CPWL_TRON_POPULATION && u->exact_d)
            fprintf(f, "  linear recursion  holds at every computed iterate "
                    "(the asymmetry is not seen on this trajectory)\n");
    }
}

void cli_tron_print_text(FILE *f, const cli_tron_ctx *c)
{
    const cli_tron_run *u0 = c->runs;
    const cpwl_tron_opts_struct *o = u0->o;
    slong i, k, rows = 0;
    char name[32];

    fprintf(f, "algorithm   %s", cpwl_tron_algo_name(o));
    for (i = 1; i < c->nruns; i++)
        fprintf(f, ", %s", cpwl_tron_algo_name(c->runs[i].o));
    fprintf(f, "\nmode        %s", o->mode == CPWL_TRON_POPULATION
            ? "population (the exact expectation)" : "online");
    if (o->mode == CPWL_TRON_ONLINE)
        fprintf(f, ", batch %ld, seed %llu", (long) o->batch,
                (unsigned long long) o->seed);
    if (c->samples > 0)
        fprintf(f, "; a training set of %ld draws", (long) c->samples);
    fprintf(f, "\neta         ");
    cli_print_fmpq(f, o->eta);
    fprintf(f, "\ndist        %s: %s, ", c->dist,
            cpwl_dist_kind_name(c->D0->kind));
    if (!cpwl_dist_is_continuous(c->D0))
        fprintf(f, "%ld points, ", (long) c->D0->K);
    fprintf(f, "dimension %ld\n", (long) c->n);
    if (o->adv != CPWL_TRON_ADV_NONE)
    {
        fprintf(f, "poison      beta = ");
        cli_print_fmpq(f, o->beta);
        fprintf(f, ", theta = ");
        cli_print_fmpq(f, o->theta);
        fprintf(f, ", %s sign\n", cpwl_tron_adversary_name(o->adv));
    }
    if (c->wstar != NULL)
    {
        fprintf(f, "w*          (");
        cli_print_fmpq_vec(f, c->wstar, c->r, ", ", 0);
        fprintf(f, ")\n");
    }
    fprintf(f, "w_1         (");
    cli_print_fmpq_vec(f, c->w1, c->r, ", ", 0);
    fprintf(f, ")\narithmetic  %s\n\n", cpwl_arith_name(name, c->A));

    {
        /* the table: t, then |w_t - w*|^2 (without w*: the loss) per run */
        const char *what = c->wstar != NULL ? "|w_t - w*|^2"
            : "(1/2) E (y - pred)^2";
        fprintf(f, "%8s", "t");
        for (i = 0; i < c->nruns; i++)
            fprintf(f, "  %-*s", i + 1 < c->nruns ? 32 : 0,
                    c->runs[i].T->arith);
        fprintf(f, "\n%8s", "");
        for (i = 0; i < c->nruns; i++)
            fprintf(f, "  %-*s", i + 1 < c->nruns ? 32 : 0, what);
        fputc('\n', f);
        for (i = 0; i < c->nruns; i++)
            rows = FLINT_MAX(rows, c->runs[i].T->n);
        for (k = 0; k < rows; k++)
        {
            slong t = -1;
            for (i = 0; i < c->nruns; i++)
                if (k < c->runs[i].T->n)
                    t = c->runs[i].T->pts[k].t;
            if ((t - 1) % c->text_every != 0 && k + 1 != rows)
                continue;
            fprintf(f, "%8ld", (long) t);
            for (i = 0; i < c->nruns; i++)
            {
                int wd = i + 1 < c->nruns ? 32 : 0;
                if (k < c->runs[i].T->n)
                {
                    char *s = dist_cell(c->runs + i, k);
                    fprintf(f, "  %-*s", wd, s);
                    flint_free(s);
                }
                else
                    fprintf(f, "  %-*s", wd, "");
            }
            fputc('\n', f);
        }
        fputc('\n', f);
    }
    for (i = 0; i < c->nruns; i++)
    {
        const cli_tron_run *u = c->runs + i;
        if (u->T->n > 0)
        {
            const cpwl_trace_point_struct *p = u->T->pts + u->T->n - 1;
            fprintf(f, "final       w_%ld = ", (long) p->t);
            print_vec_point(f, u->T, p);
            fprintf(f, "  [%s]\n", u->T->arith);
        }
        if (u->res.lost)
            fprintf(f, "enclosure   %s: lost at step %ld at %ld bits (%s)%s\n",
                    u->T->arith, (long) u->res.lost, (long) u->res.prec,
                    u->res.why, c->auto_prec ? "" : "; --auto-prec reruns at "
                    "higher precision");
        if (u->o->mode == CPWL_TRON_ONLINE)
            fprintf(f, "draws       %lu points, %lu labels poisoned  [%s]\n",
                    (unsigned long) u->res.draws,
                    (unsigned long) u->res.poisoned, u->T->arith);
    }
    if (c->have_cert)
        print_cert(f, c);
}

/* ---- JSON ---- */

static void json_q(FILE *f, const fmpq_t q)
{
    fputc('"', f);
    fmpq_fprint(f, q);
    fputc('"', f);
}

static void json_ball(FILE *f, const arb_t b)
{
    char *m, *r;
    if (!arb_is_finite(b))
    {
        fputs("null", f);
        return;
    }
    m = cpwl_trace_arf_str(arb_midref(b));
    r = cpwl_trace_mag_str(arb_radref(b));
    fprintf(f, "{\"mid\": \"%s\", \"rad\": \"%s\"}", m, r);
    flint_free(m);
    flint_free(r);
}

static void json_value(FILE *f, int rational, const fmpq_t q, const arb_t b)
{
    if (rational)
        json_q(f, q);
    else
        json_ball(f, b);
}

static void json_point(FILE *f, const cli_tron_run *u, slong k,
                       int have_wstar)
{
    const cpwl_trace_point_struct *p = u->T->pts + k;
    slong i;
    fmpq_t q;
    fmpq_init(q);
    fprintf(f, "{\"t\": %ld, \"w\": [", (long) p->t);
    for (i = 0; i < u->T->dim; i++)
    {
        if (i > 0)
            fputs(", ", f);
        if (p->xq != NULL)
            json_q(f, p->xq + i);
        else if (p->xb != NULL)
            json_ball(f, p->xb + i);
        else if (isfinite(p->xd[i]))
        {
            cpwl_ieee_get_fmpq(q, p->xd[i]);
            fprintf(f, "{\"exact\": ");
            json_q(f, q);
            fprintf(f, ", \"dec\": \"%.17g\"}", p->xd[i]);
        }
        else
            fprintf(f, "{\"exact\": null, \"dec\": \"%s\"}", isnan(p->xd[i])
                    ? "nan" : p->xd[i] > 0 ? "inf" : "-inf");
    }
    fprintf(f, "], \"%s\": ", have_wstar ? "dist2" : "loss");
    if (u->exact_d && k < u->ndk)
        json_q(f, u->dk + k);
    else
        json_ball(f, &p->f);
    fprintf(f, ", \"step\": ");
    json_ball(f, &p->gnorm);
    fputc('}', f);
    fmpq_clear(q);
}

void cli_tron_print_json(FILE *f, const cli_tron_ctx *c)
{
    const cpwl_tron_opts_struct *o = c->runs[0].o;
    char name[32], *q;
    slong i, k;

    q = cpwl_io_json_quote(c->dist);
    fprintf(f, "{\"dist\": {\"source\": %s, \"kind\": \"%s\", \"n\": %ld",
            q, cpwl_dist_kind_name(c->D0->kind), (long) c->n);
    flint_free(q);
    if (!cpwl_dist_is_continuous(c->D0))
        fprintf(f, ", \"points\": %ld", (long) c->D0->K);
    fprintf(f, "}, \"mode\": \"%s\", \"eta\": ", o->mode
            == CPWL_TRON_POPULATION ? "population" : "online");
    json_q(f, o->eta);
    fprintf(f, ", \"batch\": %ld, \"steps\": %ld, \"seed\": %llu, "
            "\"samples\": %ld, \"arith\": \"%s\", \"poison\": ",
            (long) o->batch, (long) o->steps, (unsigned long long) o->seed,
            (long) c->samples, cpwl_arith_name(name, c->A));
    if (o->adv == CPWL_TRON_ADV_NONE)
        fputs("null", f);
    else
    {
        fprintf(f, "{\"beta\": ");
        json_q(f, o->beta);
        fprintf(f, ", \"theta\": ");
        json_q(f, o->theta);
        fprintf(f, ", \"adversary\": \"%s\"}",
                cpwl_tron_adversary_name(o->adv));
    }
    fprintf(f, ", \"wstar\": ");
    if (c->wstar != NULL)
    {
        fputc('[', f);
        cli_print_fmpq_vec(f, c->wstar, c->r, ", ", 1);
        fputc(']', f);
    }
    else
        fputs("null", f);
    fprintf(f, ", \"w1\": [");
    cli_print_fmpq_vec(f, c->w1, c->r, ", ", 1);
    fprintf(f, "], \"interrupted\": %s, \"runs\": [",
            c->stopped ? "true" : "false");
    for (i = 0; i < c->nruns; i++)
    {
        const cli_tron_run *u = c->runs + i;
        fprintf(f, "%s\n  {\"algo\": \"%s\", \"steps_done\": %ld, "
                "\"lost\": %ld, \"draws\": %lu, \"poisoned\": %lu, "
                "\"points\": [", i ? "," : "", cpwl_tron_algo_name(u->o),
                (long) u->res.steps_done, (long) u->res.lost,
                (unsigned long) u->res.draws,
                (unsigned long) u->res.poisoned);
        for (k = 0; k < u->T->n; k++)
        {
            fputs(k ? ",\n    " : "\n    ", f);
            json_point(f, u, k, c->wstar != NULL);
        }
        fprintf(f, "]}");
    }
    fprintf(f, "],\n \"certificate\": ");
    if (!c->have_cert)
        fputs("null", f);
    else
    {
        const cpwl_tron_cert_struct *C = c->C;
        fprintf(f, "{\"symmetric\": %s, \"witness_row\": %ld, \"batch\": %ld"
                ", \"lambda_min_sigma\": ", C->symmetric ? "true" : "false",
                C->symmetric || C->witness < 0 ? 0 : (long) C->witness + 1,
                (long) C->batch);
        json_value(f, C->rational, C->lmin_q, C->lmin);
        fprintf(f, ", \"lambda_max_sigma\": ");
        json_value(f, C->rational, C->lmaxS_q, C->lmaxS);
        fprintf(f, ", \"lambda_max_m\": ");
        json_value(f, C->rational, C->lmaxM_q, C->lmaxM);
        fprintf(f, ", \"c_b\": ");
        json_ball(f, C->cb);
        fprintf(f, ", \"eta_star\": ");
        json_ball(f, C->eta_star);
        fprintf(f, ", \"rho_star\": ");
        json_ball(f, C->rho_star);
        fprintf(f, ", \"eta\": ");
        json_q(f, C->eta);
        fprintf(f, ", \"rho\": ");
        json_value(f, C->rho_exact, C->rho_q, C->rho);
        fprintf(f, ", \"checked\": %s, \"holds\": %s, \"first_failure\": %ld"
                ", \"undecided\": %ld", c->cert_checked ? "true" : "false",
                c->cert_checked && !c->cert_fail && !c->cert_undecided
                ? "true" : "false", (long) c->cert_fail,
                (long) c->cert_undecided);
        if (c->law_done)
        {
            fprintf(f, ", \"law\": {\"t_done\": %ld, \"states\": %ld, "
                    "\"first_failure\": %ld, \"undecided\": %ld, \"Ed2\": [",
                    (long) c->law_t, (long) c->law_states, (long) c->law_fail,
                    (long) c->law_undecided);
            cli_print_fmpq_vec(f, c->Ed2, c->law_t, ", ", 1);
            fprintf(f, "]}");
        }
        if (!C->symmetric)
        {
            fprintf(f, ", \"linear_gap_t\": %ld, \"linear_gap\": ",
                    (long) c->runs[0].gap_t);
            if (c->runs[0].gap_t)
            {
                fputc('[', f);
                cli_print_fmpq_vec(f, c->runs[0].gap, c->n, ", ", 1);
                fputc(']', f);
            }
            else
                fputs("null", f);
        }
        fputc('}', f);
    }
    fprintf(f, "}\n");
}

/* ---- CSV ---- */

void cli_tron_write_csv(FILE *f, const cli_tron_ctx *c)
{
    slong i, k, j;
    fprintf(f, "algo,arith,t,dist2,dist2_rad,step");
    for (j = 0; j < c->r; j++)
        fprintf(f, ",w%ld", (long) j + 1);
    fputc('\n', f);
    for (i = 0; i < c->nruns; i++)
    {
        const cli_tron_run *u = c->runs + i;
        char name[32];
        cpwl_arith_name(name, c->A);
        for (k = 0; k < u->T->n; k++)
        {
            const cpwl_trace_point_struct *p = u->T->pts + k;
            fprintf(f, "%s,%s,%ld,", cpwl_tron_algo_name(u->o), name,
                    (long) p->t);
            if (u->exact_d && k < u->ndk)
            {
                fmpq_fprint(f, u->dk + k);
                fputs(",0", f);
            }
            else if (arb_is_finite(&p->f))
                fprintf(f, "%.17g,%.3g", arf_get_d(arb_midref(&p->f),
                                                   ARF_RND_NEAR),
                        mag_get_d(arb_radref(&p->f)));
            else
                fputs(",", f);
            if (arb_is_finite(&p->gnorm))
                fprintf(f, ",%.17g", arf_get_d(arb_midref(&p->gnorm),
                                               ARF_RND_NEAR));
            else
                fputc(',', f);
            for (j = 0; j < c->r; j++)
            {
                fputc(',', f);
                if (p->xq != NULL)
                    fmpq_fprint(f, p->xq + j);
                else if (p->xb != NULL)
                    fprintf(f, "%.17g", arf_get_d(arb_midref(p->xb + j),
                                                  ARF_RND_NEAR));
                else
                    fprintf(f, "%.17g", p->xd[j]);
            }
            fputc('\n', f);
        }
    }
}

/* ---- picture ---- */

int cli_tron_plot(FILE *f, const char *name, cpwl_trace_format fmt,
                  const cli_tron_ctx *c, cpwl_err_t e)
{
    cpwl_trace_struct T[CLI_TRON_MAX_RUNS + 1];
    slong n = 0, k;
    int st;
    char title[160];

    for (k = 0; k < c->nruns; k++)
        T[n++] = *c->runs[k].T;
    /* the certificate's bound rho^(t-1) |w_1 - w*|^2 beside the run */
    if (c->cert_checked && c->runs[0].nd > 0)
    {
        const cli_tron_run *u = c->runs;
        arb_t rho, b, g, g0;
        arb_init(g0);
        arb_init(rho);
        arb_init(b);
        arb_init(g);
        arb_indeterminate(g);
        arb_set(rho, c->C->rho);
        cpwl_trace_init(T + n, c->A, 0, 1, 0);
        snprintf(T[n].arith, sizeof(T[n].arith), "rho^(t-1) |w_1 - w*|^2");
        for (k = 0; k < u->T->n; k++)
        {
            slong t = u->T->pts[k].t;
            arb_pow_ui(b, rho, (ulong) (t - 1), 128);
            arb_set_fmpq(g0, u->d, 128);
            arb_mul(b, b, g0, 128);
            cpwl_trace_append(T + n, t, NULL, c->A, b, g);
        }
        n++;
        arb_clear(rho);
        arb_clear(b);
        arb_clear(g);
        arb_clear(g0);
    }
    snprintf(title, sizeof title, "%s on %.100s", cpwl_tron_algo_name(
                 c->runs[0].o), c->dist);
    st = cpwl_trace_plot_labels(f, name, fmt, T, n, 0, 0, title, NULL,
                                "|w_t \xe2\x88\x92 w*|\xc2\xb2  (log scale)",
                                "|w_t \xe2\x88\x92 w_{t\xe2\x88\x92" "1}|  "
                                "(log scale)", e);
    if (n > c->nruns)
        cpwl_trace_clear(T + n - 1);
    return st;
}
