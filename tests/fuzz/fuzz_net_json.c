/* Fuzz the JSON network reader (cpwl_io_net_read_str).  A network that reads
   must write back canonically and read again to the same text. */
#include <flint/flint.h>
#include "cpwl/io.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_net_t net;
    cpwl_err_t e;
    int st;
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    /* No NUL after the text: the reader must honour len. */
    st = cpwl_io_net_read_str(net, (const char *) data, size, "fuzz.json", e);
    fuzz_check_err(e, st);
    if (st == CPWL_OK)
        fuzz_check_canonical(net, "the network");
    cpwl_err_clear(e);
    cpwl_net_clear(net);
    return 0;
}
