/* The predicate layer (see cpwl/pred.h and docs/numerics.md). */
#include <math.h>
#include "cpwl/pred.h"

void cpwl_pred_ctx_init(cpwl_pred_ctx_t ctx)
{
    ctx->by_double = ctx->by_arb = ctx->by_exact = 0;
    ctx->prec_start = 64;
    ctx->prec_max = 256;
    ctx->exact_only = 0;
}

void cpwl_pred_ctx_clear(cpwl_pred_ctx_t ctx)
{
    (void) ctx;
}

void cpwl_pred_ctx_reset_counts(cpwl_pred_ctx_t ctx)
{
    ctx->by_double = ctx->by_arb = ctx->by_exact = 0;
}

ulong cpwl_pred_ctx_total(const cpwl_pred_ctx_t ctx)
{
    return ctx->by_double + ctx->by_arb + ctx->by_exact;
}

int cpwl_pred_sign_d_filter(double v, double err)
{
    if (!isfinite(v) || !isfinite(err) || err < 0)
        return 2;
    if (v > err)
        return 1;
    if (-v > err)
        return -1;
    /* A zero bound means v is the exact value, zero included. */
    if (err == 0)
        return (v > 0) - (v < 0);
    return 2;
}

int cpwl_pred_sign_d(cpwl_pred_ctx_t ctx, double v, double err)
{
    int s;
    if (ctx->exact_only || (s = cpwl_pred_sign_d_filter(v, err)) == 2)
        return 2;
    ctx->by_double++;
    return s;
}

void cpwl_pred_ctx_count(cpwl_pred_ctx_t ctx, ulong by_double, ulong by_arb,
                         ulong by_exact)
{
    ctx->by_double += by_double;
    ctx->by_arb += by_arb;
    ctx->by_exact += by_exact;
}

void cpwl_pred_ctx_add_counts(cpwl_pred_ctx_t ctx, const cpwl_pred_ctx_t src)
{
    cpwl_pred_ctx_count(ctx, src->by_double, src->by_arb, src->by_exact);
}

int cpwl_pred_sign(cpwl_pred_ctx_t ctx, const cpwl_pred_src_struct *src)
{
    int s;

    if (src->get_d != NULL && !ctx->exact_only)
    {
        double v, err;
        if (src->get_d(&v, &err, src->data)
            && (s = cpwl_pred_sign_d(ctx, v, err)) != 2)
            return s;
    }

    if (src->get_arb != NULL && !ctx->exact_only)
    {
        arb_t b;
        slong prec;
        arb_init(b);
        for (prec = ctx->prec_start; prec <= ctx->prec_max; prec *= 2)
        {
            src->get_arb(b, prec, src->data);
            if (arb_is_positive(b))
                s = 1;
            else if (arb_is_negative(b))
                s = -1;
            else if (arb_is_zero(b))
                s = 0;
            else
                continue;
            arb_clear(b);
            ctx->by_arb++;
            return s;
        }
        arb_clear(b);
    }

    {
        fmpq_t q;
        fmpq_init(q);
        src->get_fmpq(q, src->data);
        s = fmpq_sgn(q);
        fmpq_clear(q);
        ctx->by_exact++;
        return s;
    }
}
