/* Fuzz the domain and point parsers behind --box, --slice, --line and
   --at (cpwl_dom_set_str, cpwl_io_parse_vector).  Input: one byte choosing the
   dimension n (1..4), then the four texts separated by newlines; an
   empty text is "not given". */
#include <flint/flint.h>
#include <flint/fmpq.h>
#include <flint/fmpq_vec.h>
#include "cpwl/dom.h"
#include "cpwl/io.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf, *part[4] = {NULL, NULL, NULL, NULL}, *p;
    slong n;
    int k, st;
    cpwl_dom_t D;
    cpwl_err_t e;
    fmpq *x;
    if (size < 1)
        return 0;
    n = 1 + data[0] % 4;
    buf = malloc(size);
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    for (p = buf, k = 0; k < 4 && p != NULL; k++)
    {
        char *nl = strchr(p, '\n');
        if (nl != NULL)
            *nl = '\0';
        part[k] = *p != '\0' ? p : NULL;
        p = nl != NULL ? nl + 1 : NULL;
    }

    cpwl_dom_init(D);
    cpwl_err_init(e);
    st = cpwl_dom_set_str(D, n, part[0], part[1], part[2], e);
    fuzz_check_err(e, st);
    if (st == CPWL_OK)
    {
        char *s = cpwl_dom_describe(D);
        slong i;
        if (D->n != n || D->d < 1 || D->d > n)
            abort();
        if (D->bounded)         /* the box is nonempty, not inverted */
            for (i = 0; i < D->d; i++)
                if (fmpq_cmp(D->lo + i, D->hi + i) >= 0)
                    abort();
        flint_free(s);
    }
    cpwl_dom_clear(D);
    cpwl_err_clear(e);

    if (part[3] != NULL)
    {
        cpwl_err_init(e);
        x = _fmpq_vec_init(n);
        st = cpwl_io_parse_vector(x, n, part[3], "point", e);
        fuzz_check_err(e, st);
        _fmpq_vec_clear(x, n);
        cpwl_err_clear(e);
    }
    free(buf);
    return 0;
}
