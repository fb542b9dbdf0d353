/* Fuzz the CSV data reader (cpwl_erm_data_read_str). */
#include <flint/flint.h>
#include <flint/fmpq.h>
#include "cpwl/erm.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_erm_data_t d;
    cpwl_err_t e;
    int st;
    cpwl_erm_data_init(d);
    cpwl_err_init(e);
    st = cpwl_erm_data_read_str(d, (const char *) data, size, "fuzz.csv", e);
    fuzz_check_err(e, st);
    if (st == CPWL_OK)
    {
        /* Touch every number: a short array shows up under ASan. */
        slong i, bits = 0;
        if (d->D < 1 || d->n < 1)
        {
            fprintf(stderr, "fuzz: read %ld points of dimension %ld\n",
                    (long) d->D, (long) d->n);
            abort();
        }
        for (i = 0; i < d->D * d->n; i++)
            bits += fmpz_bits(fmpq_denref(d->X + i));
        for (i = 0; i < d->D; i++)
            bits += fmpz_bits(fmpq_denref(d->y + i));
        if (bits < d->D * (d->n + 1))
            abort();            /* every denominator is >= 1 */
    }
    cpwl_erm_data_clear(d);
    cpwl_err_clear(e);
    return 0;
}
