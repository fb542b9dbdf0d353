/* Fuzz the ONNX reader (onnx_net_read_buf): bytes that decode must lower
   to a network that writes back canonically and reads again to the same
   text; everything else must be a clean input error. */
#include <flint/flint.h>
#include "cpwl/io.h"
#include "cpwl/onnx.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    net_t net, again;
    onnx_opts_struct o;
    err_t e;
    int st;
    net_init(net, 0);
    err_init(e);
    onnx_opts_init(&o);
    /* Fold BatchNormalization on every other input, to reach that path. */
    o.fold_batchnorm = (size % 2 == 0) ? 32 : 0;
    st = onnx_net_read_buf(net, data, size, "fuzz.onnx", &o, e);
    fuzz_check_err(e, st);
    if (st == CPWL_OK)
    {
        char *s = io_net_write_str(net), *t;
        err_t e2;
        net_init(again, 0);
        err_init(e2);
        if (io_net_read_str(again, s, strlen(s), "lowered.json", e2)
            != CPWL_OK)
        {
            fprintf(stderr, "fuzz: lowered net does not read back: %s\n%s\n",
                    e2->msg, s);
            abort();
        }
        t = io_net_write_str(again);
        if (strcmp(s, t) != 0)
        {
            fprintf(stderr, "fuzz: lowered net's text not a fixed point\n");
            abort();
        }
        flint_free(t);
        flint_free(s);
        err_clear(e2);
        net_clear(again);
    }
    err_clear(e);
    net_clear(net);
    return 0;
}
