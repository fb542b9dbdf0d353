/* cpwl autoencoder train: the report of a run (text, JSON, CSV). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "autoencoder_train.h"

/* An exact value as "p/q" (in the text, cli_q_str: a long one as "~"
   and its decimal; JSON and CSV carry the fraction), or the ball's
   decimal. */
static char *q_or_ball(const fmpq_t q, const arb_t b, int exact, int rad,
                       int text)
{
    if (!exact)
        return cli_arb_str(b, rad, rad ? 15 : 17);
    return text ? cli_q_str(q, 0) : fmpq_get_str(NULL, 10, q);
}

static void put_verdict(FILE *f, const train_run *T, const train_args *g,
                        int json)
{
    arb_t s, m, l, r;
    char *ss, *ms, *ls, *rs = NULL, *ra = NULL;
    const char *how;
    int c, start0;
    slong prec = T->prec;

    arb_init(s);
    arb_init(m);
    arb_init(l);
    arb_init(r);
    if (T->exact_pts)
    {
        cpwl_ae_norm_arb(s, T->d2_start, prec);
        cpwl_ae_norm_arb(m, T->d2_max, prec);
        cpwl_ae_norm_arb(l, T->d2_last, prec);
        c = fmpq_cmp(T->d2_last, T->d2_start);
        start0 = fmpq_is_zero(T->d2_start);
    }
    else
    {
        arb_sqrt(s, T->b_start, prec);
        arb_sqrt(m, T->b_max, prec);
        arb_sqrt(l, T->b_last, prec);
        c = arb_gt(T->b_last, T->b_start) ? 1 : arb_lt(T->b_last, T->b_start)
            ? -1 : 2;
        start0 = arb_is_zero(T->b_start);
    }
    how = c < 0 ? "closer to A^T than it started"
        : c == 0 ? "exactly as far from A^T as it started"
        : c == 1 ? "farther from A^T than it started"
        : "at a distance the balls do not order against the start's";
    ss = cli_arb_str(s, !T->exact_pts, 10);
    ms = cli_arb_str(m, !T->exact_pts, 10);
    ls = cli_arb_str(l, !T->exact_pts, 10);
    /* the ratios to the start's distance, when it is known positive (a
       ball that lost its enclosure at t = 1 gives none) */
    if (!start0 && arb_is_positive(s))
    {
        arb_div(r, m, s, prec);
        rs = cli_arb_str(r, 0, 6);
        arb_div(r, l, s, prec);
        ra = cli_arb_str(r, 0, 6);
    }
    if (json)
    {
        fprintf(f, "\"verdict\": {\"start\": \"%s\", \"largest\": \"%s\", "
                "\"largest_t\": %ld, \"last\": \"%s\", \"last_t\": %ld, "
                "\"largest_over_start\": %s%s%s, \"last_over_start\": "
                "%s%s%s, \"last_vs_start\": %d, \"text\": \"stays within r "
                "= %s of A^T; ends %s\"}", ss, ms, (long) T->t_max, ls,
                (long) T->t_last, rs ? "\"" : "", rs ? rs : "null",
                rs ? "\"" : "", ra ? "\"" : "", ra ? ra : "null",
                ra ? "\"" : "", c == 2 ? 0 : c, ms, how);
    }
    else
    {
        fprintf(f, "distance    |W_1 - A^T|_F = %s%s; largest %s at t = %ld",
                ss, !g->has_delta ? "" : T->A->kind == CPWL_ARITH_EXACT
                ? " (delta)" : " (delta, W_1 rounded)", ms, (long) T->t_max);
        if (rs != NULL)
            fprintf(f, " (%s x the start's)", rs);
        fprintf(f, "; last %s at t = %ld", ls, (long) T->t_last);
        if (ra != NULL)
            fprintf(f, " (%s x the start's)", ra);
        fprintf(f, "\nverdict     the run stays within r = %s of A^T over "
                "t = 1 ... %ld and ends %s\n", ms, (long) T->t_last, how);
    }
    flint_free(ss);
    flint_free(ms);
    flint_free(ls);
    flint_free(rs);
    flint_free(ra);
    arb_clear(s);
    arb_clear(m);
    arb_clear(l);
    arb_clear(r);
}

/* The cells of a point: f, |grad f|, |W - A^T|^2, |W - A^T|; f and the
   squared distance exact in an exact run, and in JSON and CSV also in a
   float run (the values at the float iterate). */
static void point_strs(char **c, const train_point *p, const train_run *T,
                       int text)
{
    int ex = T->A->kind == CPWL_ARITH_EXACT || (!text && T->exact_pts),
        rad = !T->exact_pts;
    c[0] = p->have ? q_or_ball(p->f, p->fb, ex, rad, text) : NULL;
    c[1] = p->have ? cli_arb_str(p->gb, rad, rad ? 15 : 17) : NULL;
    c[2] = q_or_ball(p->d2, p->d2b, ex, rad, text);
    c[3] = cli_arb_str(p->db, rad, rad ? 15 : 17);
}

static void print_table(FILE *f, const train_run *T, slong every)
{
    static const char *head[5] = {"t", "f(W_t)", "|grad f(W_t)|_F",
                                  "|W_t - A^T|_F^2", "|W_t - A^T|_F"};
    slong i, r, rows = 0;
    int w[5], c;
    char ***cell = flint_malloc(T->npts * sizeof(char **));
    for (c = 0; c < 5; c++)
        w[c] = (int) strlen(head[c]);
    for (i = 0; i < T->npts; i++)
    {
        const train_point *p = T->pts[i];
        if ((p->t - 1) % every != 0 && i != T->npts - 1)
            continue;
        cell[rows] = flint_calloc(5, sizeof(char *));
        cell[rows][0] = flint_malloc(24);
        snprintf(cell[rows][0], 24, "%ld", (long) p->t);
        point_strs(cell[rows] + 1, p, T, 1);
        for (c = 0; c < 5; c++)
            w[c] = FLINT_MAX(w[c], cell[rows][c] ? (int) strlen(cell[rows][c])
                             : 1);
        rows++;
    }
    fprintf(f, "%*s", w[0], head[0]);
    for (c = 1; c < 5; c++)
        fprintf(f, "  %-*s", c < 4 ? w[c] : 0, head[c]);
    fputc('\n', f);
    for (r = 0; r < rows; r++)
    {
        fprintf(f, "%*s", w[0], cell[r][0]);
        for (c = 1; c < 5; c++)
            fprintf(f, "  %-*s", c < 4 ? w[c] : 0,
                    cell[r][c] ? cell[r][c] : "?");
        fputc('\n', f);
        for (c = 0; c < 5; c++)
            flint_free(cell[r][c]);
        flint_free(cell[r]);
    }
    flint_free(cell);
}

void cli_ae_train_csv(FILE *f, const train_run *T, const char *arith)
{
    slong i;
    int c;
    fprintf(f, "arith,t,f,grad_norm,dist2,dist\n");
    for (i = 0; i < T->npts; i++)
    {
        char *s[4];
        point_strs(s, T->pts[i], T, 0);
        fprintf(f, "%s,%ld", arith, (long) T->pts[i]->t);
        for (c = 0; c < 4; c++)
        {
            fprintf(f, ",%s", s[c] ? s[c] : "");
            flint_free(s[c]);
        }
        fputc('\n', f);
    }
}

static void json_str(FILE *f, const char *s)
{
    char *q = cpwl_io_json_quote(s);
    fputs(q, f);
    flint_free(q);
}

static void write_json_points(FILE *f, const train_run *T)
{
    static const char *key[4] = {"f", "grad_norm", "dist2", "dist"};
    slong i;
    int c;
    fputs("\"points\": [", f);
    for (i = 0; i < T->npts; i++)
    {
        char *s[4];
        point_strs(s, T->pts[i], T, 0);
        fprintf(f, "%s\n  {\"t\": %ld", i ? "," : "", (long) T->pts[i]->t);
        for (c = 0; c < 4; c++)
        {
            fprintf(f, ", \"%s\": ", key[c]);
            if (s[c] == NULL)
                fputs("null", f);
            else
                json_str(f, s[c]);
            flint_free(s[c]);
        }
        if (T->exact_pts && T->pts[i]->have)
        {
            char *q = fmpq_get_str(NULL, 10, T->pts[i]->g2);
            fprintf(f, ", \"grad_norm2\": \"%s\"", q);
            flint_free(q);
        }
        fputc('}', f);
    }
    fputs("]", f);
}

/* The header lines of cpwl optim's (algorithm, rounding, constants,
   steps), without its objective and start lines: this command says its
   own. */
static void put_algorithm(FILE *out, const cli_optim_args *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    const char *p;
    if (m == NULL)
        return;
    cli_optim_describe(m, a, 0, NULL);
    fclose(m);
    for (p = buf; p != NULL && *p != '\0';)
    {
        const char *nl = strchr(p, '\n');
        size_t l = nl != NULL ? (size_t) (nl - p + 1) : strlen(p);
        if (strncmp(p, "objective ", 10) != 0 && strncmp(p, "start ", 6) != 0)
            fwrite(p, 1, l, out);
        p += l;
    }
    free(buf);
}

void cli_ae_train_json(FILE *f, const train_run *T, const train_args *g,
                       const cli_optim_args *a, const fmpq *x1)
{
    char *cs = fmpz_get_str(NULL, 10, g->count);
    fprintf(f, "{");
    cli_optim_describe_json(f, a, T->dim, x1);
    fprintf(f, ", \"arith\": \"%s\", \"dict\": ", g->arith);
    json_str(f, g->dict);
    fprintf(f, ", \"n\": %ld, \"h\": %ld, \"codes\": ", (long) T->n,
            (long) T->h);
    json_str(f, g->codes);
    fprintf(f, ", \"count\": %s, \"eps\": [", cs);
    cli_print_fmpq_vec(f, g->eps, T->h, ", ", 1);
    fprintf(f, "], \"relu_prime0\": %d, \"start\": ", a->relu_d0);
    if (g->has_delta)
    {
        char *ds = fmpq_get_str(NULL, 10, g->delta);
        fprintf(f, "{\"from\": \"perturbed\", \"delta\": \"%s\", \"height\": "
               "%ld, \"seed\": %llu}", ds, (long) g->height,
               (unsigned long long) a->o->seed);
        flint_free(ds);
    }
    else if (g->at != NULL)
    {
        fprintf(f, "{\"from\": \"file\", \"path\": ");
        json_str(f, g->at);
        fprintf(f, "}");
    }
    else
        fprintf(f, "{\"from\": \"A^T\"}");
    fprintf(f, ", \"every\": %ld, \"interrupted\": %s, \"enclosure_lost\": "
           "%s, ", (long) g->every, g->stopped ? "true" : "false",
           g->lost ? "true" : "false");
    write_json_points(f, T);
    /* the last iterate, exactly (row-major), when it is a rational */
    fprintf(f, ", \"W_last\": ");
    if (T->exact_pts && T->finite)
    {
        fputc('[', f);
        cli_print_fmpq_vec(f, T->x, T->dim, ", ", 1);
        fputc(']', f);
    }
    else
        fputs("null", f);
    fprintf(f, ", ");
    put_verdict(f, T, g, 1);
    fprintf(f, "}\n");
    flint_free(cs);
}

void cli_ae_train_text(FILE *f, const train_run *T, const train_args *g,
                       const cli_optim_args *a, slong text_every)
{
    char *cs = fmpz_get_str(NULL, 10, g->count);
    char *ds = fmpq_get_str(NULL, 10, g->delta);
    fprintf(f, "dictionary  %s (n = %ld, h = %ld)\ncodes       %s (%s "
           "codes)\nthreshold   eps = ", g->dict, (long) T->n, (long) T->h,
           g->codes, cs);
    cli_print_fmpq_vec(f, g->eps, g->scalar_eps ? 1 : T->h, ", ", 0);
    fprintf(f, "%s, relu'(0) = %d\n", g->scalar_eps ? " (every unit)" : "",
           a->relu_d0);
    if (g->has_delta)
        fprintf(f, "start       W_1 = A^T + delta D, delta = %s, D seeded "
               "(seed %llu, height %ld)\n", ds,
               (unsigned long long) a->o->seed, (long) g->height);
    else if (g->at != NULL)
        fprintf(f, "start       W_1 = %s\n", g->at);
    else
        fprintf(f, "start       W_1 = A^T\n");
    put_algorithm(f, a);
    fprintf(f, "arithmetic  %s\n\n", g->arith);
    print_table(f, T, text_every);
    fprintf(f, "\n");
    put_verdict(f, T, g, 0);
    flint_free(cs);
    flint_free(ds);
}
