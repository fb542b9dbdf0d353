/* Fuzz the JSON network reader (cpwl_io_net_read_str).  A network that reads
   must write back canonically and read again to the same text. */
#include <flint/flint.h>
#include "cpwl/io.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_net_t net, again;
    cpwl_err_t e;
    int st;
    cpwl_net_init(net, 0);
    cpwl_err_init(e);
    /* No NUL after the text: the reader must honour len. */
    st = cpwl_io_net_read_str(net, (const char *) data, size, "fuzz.json", e);
    fuzz_check_err(e, st);
    if (st == CPWL_OK)
    {
        char *s = cpwl_io_net_write_str(net), *t;
        cpwl_err_t e2;
        cpwl_net_init(again, 0);
        cpwl_err_init(e2);
        if (cpwl_io_net_read_str(again, s, strlen(s), "canonical.json", e2)
            != CPWL_OK)
        {
            fprintf(stderr, "fuzz: canonical text does not read: %s\n%s\n",
                    e2->msg, s);
            abort();
        }
        t = cpwl_io_net_write_str(again);
        if (strcmp(s, t) != 0)
        {
            fprintf(stderr, "fuzz: canonical text not a fixed point\n%s\n%s\n",
                    s, t);
            abort();
        }
        flint_free(t);
        flint_free(s);
        cpwl_err_clear(e2);
        cpwl_net_clear(again);
    }
    cpwl_err_clear(e);
    cpwl_net_clear(net);
    return 0;
}
