/* Recorded trajectories (see cpwl/trace.h): recording, the side-by-side
   driver with the float departure, and the JSON and CSV writers.  The
   picture is in plot.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpz.h>
#include "cpwl/trace.h"

/* ------------------------------------------------------------------------
   Points
   ------------------------------------------------------------------------ */

static void point_init(cpwl_trace_point_struct *p, cpwl_arith_kind kind,
                       slong dim)
{
    slong n = FLINT_MAX(dim, 1);
    p->t = 0;
    p->xq = NULL;
    p->xb = NULL;
    p->xd = NULL;
    if (kind == CPWL_ARITH_EXACT)
        p->xq = _fmpq_vec_init(n);
    else if (kind == CPWL_ARITH_ARB)
        p->xb = _arb_vec_init(n);
    else
        p->xd = flint_calloc(n, sizeof(double));
    p->have_f = 0;
    arb_init(&p->f);
    arb_init(&p->gnorm);
}

static void point_clear(cpwl_trace_point_struct *p, slong dim)
{
    slong n = FLINT_MAX(dim, 1);
    if (p->xq != NULL)
        _fmpq_vec_clear(p->xq, n);
    if (p->xb != NULL)
        _arb_vec_clear(p->xb, n);
    flint_free(p->xd);
    arb_clear(&p->f);
    arb_clear(&p->gnorm);
}

static void point_set(cpwl_trace_point_struct *p,
                      const cpwl_trace_point_struct *q, slong dim)
{
    slong i;
    p->t = q->t;
    for (i = 0; i < dim; i++)
    {
        if (p->xq != NULL)
            fmpq_set(p->xq + i, q->xq + i);
        else if (p->xb != NULL)
            arb_set(p->xb + i, q->xb + i);
        else
            p->xd[i] = q->xd[i];
    }
    p->have_f = q->have_f;
    arb_set(&p->f, &q->f);
    arb_set(&p->gnorm, &q->gnorm);
}

/* The iterate of R into p (R's values are of p's kind). */
static void point_take(cpwl_trace_point_struct *p, const cpwl_optim_struct *R)
{
    slong i;
    p->t = R->t;
    p->have_f = 0;
    for (i = 0; i < R->dim; i++)
    {
        if (p->xq != NULL)
            fmpq_set(p->xq + i, &R->x[i].q);
        else if (p->xb != NULL)
            arb_set(p->xb + i, &R->x[i].b);
        else
            p->xd[i] = R->x[i].d;
    }
}

/* f and |grad f| at p's iterate, in Arb at prec: the exact point of an
   exact or float iterate, the balls of an Arb one.  An objective that
   cannot decide there (or a float iterate that is inf or NaN) leaves
   have_f = 0: a value not known, not an error. */
static void point_eval(cpwl_trace_point_struct *p, cpwl_objective_t O,
                       slong dim, slong prec)
{
    cpwl_arith_t A;
    cpwl_val_ptr x, g;
    cpwl_val_t f;
    cpwl_err_t e;
    fmpq_t q;
    slong i;
    int ok = 1;

    cpwl_arith_init_arb(A, prec);
    x = cpwl_val_vec_init(FLINT_MAX(dim, 1), A);
    g = cpwl_val_vec_init(FLINT_MAX(dim, 1), A);
    cpwl_val_init(f, A);
    fmpq_init(q);
    cpwl_err_init(e);
    for (i = 0; i < dim && ok; i++)
    {
        if (p->xq != NULL)
            cpwl_val_set_fmpq(x + i, p->xq + i, A);
        else if (p->xb != NULL)
            arb_set(&x[i].b, p->xb + i);
        else if (isfinite(p->xd[i]))
            arb_set_d(&x[i].b, p->xd[i]);   /* exact: a double is dyadic */
        else
            ok = 0;
    }
    if (ok && cpwl_objective_eval(f, g, x, NULL, 0, p->t, O, A, e) == CPWL_OK
        && !cpwl_arith_failed(A))
    {
        arb_set(&p->f, &f->b);
        arb_zero(&p->gnorm);
        for (i = 0; i < dim; i++)
            arb_addmul(&p->gnorm, &g[i].b, &g[i].b, prec);
        /* sqrtpos: a sum of squares is >= 0 even when its ball is not */
        arb_sqrtpos(&p->gnorm, &p->gnorm, prec);
        p->have_f = 1;
    }
    else
        p->have_f = 0;
    fmpq_clear(q);
    cpwl_val_clear(f, A);
    cpwl_val_vec_clear(x, FLINT_MAX(dim, 1), A);
    cpwl_val_vec_clear(g, FLINT_MAX(dim, 1), A);
    cpwl_arith_clear(A);
}

/* The largest radius of an Arb iterate, rounded up. */
static double point_maxrad(const cpwl_trace_point_struct *p, slong dim)
{
    double r = 0;
    slong i;
    if (p->xb == NULL)
        return 0;
    for (i = 0; i < dim; i++)
    {
        if (!arb_is_finite(p->xb + i))
            return INFINITY;
        r = fmax(r, mag_get_d(arb_radref(p->xb + i)));
    }
    return r;
}

/* ------------------------------------------------------------------------
   Recording
   ------------------------------------------------------------------------ */

void cpwl_trace_init(cpwl_trace_t T, const cpwl_arith_t A, slong dim,
                     slong every, slong prec)
{
    memset(T, 0, sizeof(cpwl_trace_struct));
    T->kind = A->kind;
    cpwl_arith_name(T->arith, A);
    T->dim = dim;
    T->every = FLINT_MAX(every, 1);
    if (prec <= 0)
        prec = FLINT_MAX(128, A->kind == CPWL_ARITH_ARB ? A->prec : 0);
    T->prec = prec;
    T->prec_used = A->kind == CPWL_ARITH_ARB ? A->prec : 0;
    point_init(&T->last, T->kind, dim);
    T->lost_rad = -1;
    arb_init(&T->dep.gap);
}

void cpwl_trace_reset(cpwl_trace_t T)
{
    slong i;
    for (i = 0; i < T->n; i++)
        point_clear(T->pts + i, T->dim);
    T->n = 0;
    T->have_last = 0;
    T->steps_done = 0;
    T->stopped = 0;
    T->too_big = 0;
    T->stagnant = 0;
}

void cpwl_trace_clear(cpwl_trace_t T)
{
    cpwl_trace_reset(T);
    flint_free(T->pts);
    point_clear(&T->last, T->dim);
    arb_clear(&T->dep.gap);
}

static cpwl_trace_point_struct *trace_append(cpwl_trace_t T)
{
    if (T->n == T->alloc)
    {
        T->alloc = FLINT_MAX(16, 2 * T->alloc);
        T->pts = flint_realloc(T->pts, T->alloc
                               * sizeof(cpwl_trace_point_struct));
    }
    point_init(T->pts + T->n, T->kind, T->dim);
    return T->pts + T->n++;
}

void cpwl_trace_append(cpwl_trace_t T, slong t, cpwl_val_srcptr x,
                       const cpwl_arith_t A, const arb_t f, const arb_t g)
{
    cpwl_trace_point_struct *p = trace_append(T);
    slong i;
    p->t = t;
    for (i = 0; i < T->dim; i++)
    {
        if (p->xq != NULL)
            cpwl_val_get_fmpq(p->xq + i, x + i, A);
        else if (p->xb != NULL)
            arb_set(p->xb + i, &x[i].b);
        else
            p->xd[i] = x[i].d;
    }
    arb_set(&p->f, f);
    arb_set(&p->gnorm, g);
    p->have_f = 1;
}

int cpwl_trace_visit(cpwl_trace_t T, const cpwl_optim_struct *R,
                     cpwl_err_t e)
{
    cpwl_trace_point_struct *p;
    (void) e;
    point_take(&T->last, R);
    T->have_last = 1;
    T->stagnant = R->stagnant;
    if (R->A->kind == CPWL_ARITH_ARB)
        T->prec_used = R->A->prec;
    if (R->t != 1 && (R->t - 1) % T->every != 0)
        return CPWL_OK;
    p = trace_append(T);
    point_set(p, &T->last, T->dim);
    point_eval(p, R->obj, T->dim, FLINT_MAX(T->prec, T->prec_used));
    return CPWL_OK;
}

int cpwl_trace_finish(cpwl_trace_t T, cpwl_objective_t O, cpwl_err_t e)
{
    cpwl_trace_point_struct *p;
    (void) e;
    if (!T->have_last || (T->n > 0 && T->pts[T->n - 1].t == T->last.t))
        return CPWL_OK;
    p = trace_append(T);
    point_set(p, &T->last, T->dim);
    point_eval(p, O, T->dim, FLINT_MAX(T->prec, T->prec_used));
    return CPWL_OK;
}

/* ------------------------------------------------------------------------
   Running
   ------------------------------------------------------------------------ */

/* Float iterate x (exact values) inside the Arb balls b, decided
   exactly: 1 if every component is. */
static int float_in_balls(const cpwl_optim_struct *F,
                          const cpwl_optim_struct *B, fmpq_t q)
{
    slong i;
    for (i = 0; i < F->dim; i++)
    {
        if (!cpwl_val_get_fmpq(q, F->x + i, F->A)
            || !arb_contains_fmpq(&B->x[i].b, q))
            return 0;
    }
    return 1;
}

/* |x_F - x_B| as a ball at B's precision; 0 when F is not finite. */
static int float_gap(arb_t gap, const cpwl_optim_struct *F,
                     const cpwl_optim_struct *B)
{
    arb_t d;
    fmpq_t q;
    slong i, prec = FLINT_MAX(B->A->prec, 64);
    int ok = 1;
    arb_init(d);
    fmpq_init(q);
    arb_zero(gap);
    for (i = 0; i < F->dim && ok; i++)
    {
        if (!cpwl_val_get_fmpq(q, F->x + i, F->A))
            ok = 0;
        else
        {
            arb_set_fmpq(d, q, prec);
            arb_sub(d, d, &B->x[i].b, prec);
            arb_addmul(gap, d, d, prec);
        }
    }
    if (ok)
        arb_sqrtpos(gap, gap, prec);
    arb_clear(d);
    fmpq_clear(q);
    return ok;
}

/* One attempt of the side-by-side run.  *lost_run: the Arb run that lost
   its enclosure (-1: none). */
static int trace_run_attempt(cpwl_trace_struct *T, cpwl_arith_struct *A,
                             slong n, const cpwl_optim_opts_t o,
                             cpwl_objective_t O, const fmpq *x1, double rel,
                             volatile sig_atomic_t *stop,
                             cpwl_trace_progress_fn progress, void *pdata,
                             slong *lost_run, cpwl_err_t e)
{
    cpwl_optim_struct *R = flint_calloc(n, sizeof(cpwl_optim_struct));
    slong i, s, ninit = 0, arb_run = -1;
    int status = CPWL_OK, done = 0;
    fmpq_t q;

    fmpq_init(q);
    *lost_run = -1;
    for (i = 0; i < n; i++)
    {
        cpwl_trace_reset(T + i);
        T[i].have_departure = 0;
        T[i].dep.left = 0;
        T[i].dep.have_gap = 0;
        if (A[i].kind == CPWL_ARITH_ARB && arb_run < 0)
            arb_run = i;
    }
    for (i = 0; i < n && status == CPWL_OK; i++)
    {
        if (cpwl_optim_init(R + i, o, O, x1, A + i, e) != CPWL_OK)
            status = e->status == CPWL_OK ? CPWL_ERR_INTERNAL : e->status;
        else
            ninit++;
    }
    for (s = 0; status == CPWL_OK && !done; s++)
    {
        /* visit x_t (t = s + 1) in every run, then decide */
        for (i = 0; i < n; i++)
        {
            cpwl_trace_visit(T + i, R + i, e);
            if (A[i].kind == CPWL_ARITH_ARB && *lost_run < 0
                && !cpwl_optim_enclosure_ok(R + i, rel))
            {
                *lost_run = i;
                T[i].lost = R[i].t;
                T[i].lost_prec = A[i].prec;
                T[i].lost_rad = point_maxrad(&T[i].last, T[i].dim);
                snprintf(T[i].why, sizeof T[i].why, "a ball of x_%ld is "
                         "wider than %g times its magnitude", (long) R[i].t,
                         rel);
            }
        }
        if (arb_run >= 0 && *lost_run < 0)
            for (i = 0; i < n; i++)
                if (A[i].kind == CPWL_ARITH_FLOAT)
                {
                    T[i].have_departure = 1;
                    T[i].dep.stagnant = R[i].stagnant;
                    if (T[i].dep.left == 0
                        && !float_in_balls(R + i, R + arb_run, q))
                        T[i].dep.left = R[i].t;
                    T[i].dep.have_gap = float_gap(&T[i].dep.gap, R + i,
                                                  R + arb_run);
                    T[i].dep.gap_t = R[i].t;
                }
        if (progress != NULL)
            progress(pdata, s + 1, o->steps);
        if (*lost_run >= 0 || s == o->steps)
            break;
        if (stop != NULL && *stop)
        {
            for (i = 0; i < n; i++)
                T[i].stopped = 1;
            break;
        }
        for (i = 0; i < n; i++)
            if (A[i].kind == CPWL_ARITH_EXACT
                && cpwl_optim_exact_bits(R + i) > CPWL_TRACE_MAX_BITS)
                T[i].too_big = 1;
        for (i = 0; i < n && !T[i].too_big; i++)
            ;
        if (i < n)
        {
            for (i = 0; i < n; i++)
                T[i].stopped = 1;
            break;
        }
        for (i = 0; i < n && status == CPWL_OK && *lost_run < 0; i++)
        {
            int r = cpwl_optim_step(R + i, e);
            if (r == 2 && A[i].kind == CPWL_ARITH_ARB)
            {
                /* a sign the balls cannot decide: the enclosure is lost
                   at x_t (the engine keeps x_t) */
                *lost_run = i;
                T[i].lost = R[i].t;
                T[i].lost_prec = A[i].prec;
                T[i].lost_rad = point_maxrad(&T[i].last, T[i].dim);
                snprintf(T[i].why, sizeof T[i].why, "%.150s", e->msg);
                cpwl_err_clear(e);
                cpwl_err_init(e);
            }
            else if (r != 0)
                status = e->status == CPWL_OK ? CPWL_ERR_INTERNAL : e->status;
        }
        if (*lost_run >= 0)
            break;
        for (i = 0; i < n; i++)
            T[i].steps_done = s + 1;
    }
    for (i = 0; i < ninit; i++)
        cpwl_optim_clear(R + i);
    flint_free(R);
    fmpq_clear(q);
    return status;
}

int cpwl_trace_run(cpwl_trace_struct *T, cpwl_arith_struct *A, slong n,
                   const cpwl_optim_opts_t o, cpwl_objective_t O,
                   const fmpq *x1, double rel, slong max_prec,
                   volatile sig_atomic_t *stop,
                   cpwl_trace_progress_fn progress, void *pdata,
                   cpwl_err_t e)
{
    slong i, lost_run;
    slong lost_t = 0, lost_prec = 0;
    double lost_rad = -1;
    char why[160] = "";
    int status;

    for (;;)
    {
        status = trace_run_attempt(T, A, n, o, O, x1, rel, stop, progress,
                                   pdata, &lost_run, e);
        if (status != CPWL_OK)
            return status;
        if (lost_run < 0)
            break;
        lost_t = T[lost_run].lost;
        lost_prec = T[lost_run].lost_prec;
        lost_rad = T[lost_run].lost_rad;
        memcpy(why, T[lost_run].why, sizeof why);
        if (2 * A[lost_run].prec > max_prec)
            break;
        /* every Arb run again at twice the precision */
        for (i = 0; i < n; i++)
            if (A[i].kind == CPWL_ARITH_ARB)
            {
                slong p = 2 * A[i].prec;
                cpwl_arith_clear(A + i);
                cpwl_arith_init_arb(A + i, p);
                T[i].lost = lost_t;
                T[i].lost_prec = lost_prec;
                T[i].lost_rad = lost_rad;
                memcpy(T[i].why, why, sizeof why);
            }
    }
    for (i = 0; i < n; i++)
    {
        if (A[i].kind == CPWL_ARITH_ARB)
        {
            T[i].prec_used = A[i].prec;
            if (T[i].lost == 0 && lost_t != 0)
            {
                T[i].lost = lost_t;
                T[i].lost_prec = lost_prec;
                T[i].lost_rad = lost_rad;
                memcpy(T[i].why, why, sizeof why);
            }
        }
        cpwl_trace_finish(T + i, O, e);
    }
    return CPWL_OK;
}

/* ------------------------------------------------------------------------
   Writers
   ------------------------------------------------------------------------ */

char *cpwl_trace_arf_str(const arf_t x)
{
    fmpz_t m, ex, p5;
    char *s, *r;
    slong k, len, i, neg;

    if (arf_is_zero(x))
    {
        r = flint_malloc(2);
        strcpy(r, "0");
        return r;
    }
    if (!arf_is_finite(x))
    {
        r = flint_malloc(5);
        strcpy(r, arf_is_nan(x) ? "nan" : arf_sgn(x) > 0 ? "inf" : "-inf");
        return r;
    }
    fmpz_init(m);
    fmpz_init(ex);
    fmpz_init(p5);
    arf_get_fmpz_2exp(m, ex, x);
    if (fmpz_sgn(ex) >= 0)
    {
        fmpz_mul_2exp(m, m, fmpz_get_ui(ex));
        r = fmpz_get_str(NULL, 10, m);
    }
    else
    {
        /* m 2^-k = m 5^k / 10^k: a finite decimal */
        k = -fmpz_get_si(ex);
        neg = fmpz_sgn(m) < 0;
        fmpz_abs(m, m);
        fmpz_ui_pow_ui(p5, 5, k);
        fmpz_mul(m, m, p5);
        s = fmpz_get_str(NULL, 10, m);
        len = strlen(s);
        r = flint_malloc(len + k + 4);
        i = 0;
        if (neg)
            r[i++] = '-';
        if (len <= k)
        {
            r[i++] = '0';
            r[i++] = '.';
            memset(r + i, '0', k - len);
            i += k - len;
            strcpy(r + i, s);
        }
        else
        {
            memcpy(r + i, s, len - k);
            i += len - k;
            r[i++] = '.';
            strcpy(r + i, s + len - k);
        }
        flint_free(s);
        /* m is odd, so m 5^k ends in 5: no trailing zeros to strip */
    }
    fmpz_clear(m);
    fmpz_clear(ex);
    fmpz_clear(p5);
    return r;
}

char *cpwl_trace_mag_str(const mag_t x)
{
    arf_t a;
    char *s;
    arf_init(a);
    arf_set_mag(a, x);
    s = cpwl_trace_arf_str(a);
    arf_clear(a);
    return s;
}

static void json_ball(FILE *f, const arb_t b)
{
    char *m = cpwl_trace_arf_str(arb_midref(b));
    char *r = cpwl_trace_mag_str(arb_radref(b));
    fprintf(f, "{\"mid\": \"%s\", \"rad\": \"%s\"}", m, r);
    flint_free(m);
    flint_free(r);
}

static void json_float(FILE *f, double d)
{
    fmpq_t q;
    char *s;
    if (!isfinite(d))
    {
        fprintf(f, "{\"exact\": null, \"dec\": \"%s\"}",
                isnan(d) ? "nan" : d > 0 ? "inf" : "-inf");
        return;
    }
    fmpq_init(q);
    cpwl_ieee_get_fmpq(q, d);
    s = fmpq_get_str(NULL, 10, q);
    fprintf(f, "{\"exact\": \"%s\", \"dec\": \"%.17g\"}", s, d);
    flint_free(s);
    fmpq_clear(q);
}

static void json_fmpq(FILE *f, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    fprintf(f, "\"%s\"", s);
    flint_free(s);
}

/* s as the inside of a JSON string. */
static void json_text(FILE *f, const char *s)
{
    for (; *s != '\0'; s++)
    {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char) *s < 0x20)
            fprintf(f, "\\u%04x", (unsigned) (unsigned char) *s);
        else
            fputc(*s, f);
    }
}

static const char *kind_name(cpwl_arith_kind k)
{
    return k == CPWL_ARITH_EXACT ? "exact" : k == CPWL_ARITH_ARB ? "arb"
        : "float";
}

void cpwl_trace_write_json(FILE *f, const cpwl_trace_t T)
{
    slong k, i;
    fprintf(f, "{\"arith\": \"%s\", \"kind\": \"%s\", \"steps_done\": %ld, "
            "\"stopped\": %s", T->arith, kind_name(T->kind),
            (long) T->steps_done, T->stopped ? "true" : "false");
    if (T->too_big)
        fprintf(f, ", \"too_big\": true");
    if (T->kind == CPWL_ARITH_ARB)
    {
        fprintf(f, ", \"prec\": %ld, \"enclosure_lost\": ",
                (long) T->prec_used);
        if (T->lost == 0)
            fprintf(f, "null");
        else
        {
            fprintf(f, "{\"t\": %ld, \"prec\": %ld", (long) T->lost,
                    (long) T->lost_prec);
            if (T->lost_rad >= 0 && isfinite(T->lost_rad))
                fprintf(f, ", \"radius\": %.3g", T->lost_rad);
            fprintf(f, ", \"why\": \"");
            json_text(f, T->why);
            fprintf(f, "\"");
            fprintf(f, "}");
        }
    }
    if (T->kind == CPWL_ARITH_FLOAT)
        fprintf(f, ", \"stagnant\": %lu", (unsigned long) T->stagnant);
    if (T->have_departure)
    {
        fprintf(f, ", \"departure\": {\"left_ball_at\": ");
        if (T->dep.left)
            fprintf(f, "%ld", (long) T->dep.left);
        else
            fprintf(f, "null");
        fprintf(f, ", \"stagnant\": %lu, \"gap\": ",
                (unsigned long) T->dep.stagnant);
        if (T->dep.have_gap)
        {
            json_ball(f, &T->dep.gap);
            fprintf(f, ", \"gap_t\": %ld", (long) T->dep.gap_t);
        }
        else
            fprintf(f, "null");
        fprintf(f, "}");
    }
    fprintf(f, ", \"points\": [");
    for (k = 0; k < T->n; k++)
    {
        const cpwl_trace_point_struct *p = T->pts + k;
        fprintf(f, "%s\n    {\"t\": %ld, \"x\": [", k ? "," : "", (long) p->t);
        for (i = 0; i < T->dim; i++)
        {
            if (i > 0)
                fprintf(f, ", ");
            if (p->xq != NULL)
                json_fmpq(f, p->xq + i);
            else if (p->xb != NULL)
                json_ball(f, p->xb + i);
            else
                json_float(f, p->xd[i]);
        }
        fprintf(f, "], \"f\": ");
        if (p->have_f)
            json_ball(f, &p->f);
        else
            fprintf(f, "null");
        fprintf(f, ", \"grad_norm\": ");
        if (p->have_f)
            json_ball(f, &p->gnorm);
        else
            fprintf(f, "null");
        fprintf(f, "}");
    }
    fprintf(f, "]}");
}

static void csv_fmpq(FILE *f, const fmpq_t q)
{
    char *s = fmpq_get_str(NULL, 10, q);
    fputs(s, f);
    flint_free(s);
}

void cpwl_trace_write_csv(FILE *f, const cpwl_trace_t T, int with_header)
{
    slong k, i;
    fmpq_t q;
    fmpq_init(q);
    if (with_header)
    {
        fprintf(f, "arith,t,f,f_rad,grad_norm,grad_norm_rad,x_rad");
        for (i = 0; i < T->dim; i++)
            fprintf(f, ",x%ld", (long) i + 1);
        fprintf(f, "\n");
    }
    for (k = 0; k < T->n; k++)
    {
        const cpwl_trace_point_struct *p = T->pts + k;
        fprintf(f, "%s,%ld,", T->arith, (long) p->t);
        if (p->have_f)
            fprintf(f, "%.17g,%.3g,%.17g,%.3g",
                    arf_get_d(arb_midref(&p->f), ARF_RND_NEAR),
                    mag_get_d(arb_radref(&p->f)),
                    arf_get_d(arb_midref(&p->gnorm), ARF_RND_NEAR),
                    mag_get_d(arb_radref(&p->gnorm)));
        else
            fprintf(f, ",,,");
        fprintf(f, ",%.3g", point_maxrad(p, T->dim));
        for (i = 0; i < T->dim; i++)
        {
            fputc(',', f);
            if (p->xq != NULL)
                csv_fmpq(f, p->xq + i);
            else if (p->xb != NULL)
                fprintf(f, "%.17g", arf_get_d(arb_midref(p->xb + i),
                                               ARF_RND_NEAR));
            else if (isfinite(p->xd[i]))
            {
                cpwl_ieee_get_fmpq(q, p->xd[i]);
                csv_fmpq(f, q);
            }
            else
                fprintf(f, "%s", isnan(p->xd[i]) ? "nan"
                        : p->xd[i] > 0 ? "inf" : "-inf");
        }
        fprintf(f, "\n");
    }
    fmpq_clear(q);
}
