/* Fuzz the ERM certificate reader and checker (cpwl_erm_certificate_verify)
   on a fixed small data set: the V of tests/data/erm-v.csv. */
#include <flint/flint.h>
#include <flint/fmpq.h>
#include "cpwl/erm.h"
#include "cpwl/pred.h"
#include "fuzz.h"

static const char V_CSV[] = "-1,1\n0,0\n1,1\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_erm_data_t d;
    cpwl_erm_opts pb;
    cpwl_pred_ctx_t ctx;
    fmpq_t opt;
    cpwl_err_t e;
    int st;
    cpwl_erm_data_init(d);
    cpwl_err_init(e);
    if (cpwl_erm_data_read_str(d, V_CSV, sizeof(V_CSV) - 1, "v.csv", e) != CPWL_OK)
        abort();
    fmpq_init(opt);
    cpwl_pred_ctx_init(ctx);
    cpwl_erm_opts_init(&pb, ctx);
    st = cpwl_erm_certificate_verify(opt, &pb, d, (const char *) data, size,
                                     "fuzz.json", ctx, e);
    fuzz_check_err(e, st);
    /* The empirical loss of the V is >= 0 for every loss cpwl knows. */
    if (st == CPWL_OK && fmpq_sgn(opt) < 0)
        abort();
    cpwl_pred_ctx_clear(ctx);
    fmpq_clear(opt);
    cpwl_erm_data_clear(d);
    cpwl_err_clear(e);
    return 0;
}
