/* Fuzz the ONNX reader (cpwl_onnx_net_read_buf): bytes that decode must lower
   to a network that writes back canonically and reads again to the same
   text; everything else must be a clean input error. */
#include <flint/flint.h>
#include "cpwl/io.h"
#include "cpwl/onnx.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_net_t net;
    cpwl_onnx_opts_struct o;
    cpwl_err_t e;
    int st;
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    cpwl_onnx_opts_init(&o);
    /* Fold BatchNormalization on every other input, to reach that path. */
    o.fold_batchnorm = (size % 2 == 0) ? 32 : 0;
    st = cpwl_onnx_net_read_buf(net, data, size, "fuzz.onnx", &o, e);
    fuzz_check_err(e, st);
    if (st == CPWL_OK)
        fuzz_check_canonical(net, "the lowered network");
    cpwl_err_clear(e);
    cpwl_net_clear(net);
    return 0;
}
