/* The checkpoint key of erm (cpwl/ckpt.h): what the answer and the
   recorded work units depend on. */
#include <stdio.h>
#include <string.h>
#include "cpwl/ckpt.h"
#include "cpwl/erm.h"

/* Every exact value of the data, as text, into one fingerprint. */
static void data_fingerprint(char *fp, const cpwl_erm_data_t data)
{
    slong i, total = data->D * data->n + data->D;
    size_t len = 0, alloc = 64;
    char *buf = flint_malloc(alloc);
    for (i = 0; i < total; i++)
    {
        const fmpq *v = i < data->D * data->n ? data->X + i
                        : data->y + (i - data->D * data->n);
        char *s = fmpq_get_str(NULL, 10, v);
        size_t k = strlen(s);
        if (len + k + 2 > alloc)
        {
            alloc = 2 * (len + k + 2);
            buf = flint_realloc(buf, alloc);
        }
        memcpy(buf + len, s, k);
        len += k;
        /* the separator keeps "1,23" and "12,3" apart */
        buf[len++] = ',';
        flint_free(s);
    }
    cpwl_ckpt_fingerprint(fp, buf, len);
    flint_free(buf);
}

void cpwl_erm_ckpt_key(char **key, const cpwl_erm_data_t data,
                       const cpwl_erm_opts *o)
{
    char fp[18];
    const char *loss = o->loss == CPWL_QP_SQUARED ? "squared"
                       : o->loss == CPWL_QP_L1 ? "l1" : "hinge";
    size_t n = 400;
    data_fingerprint(fp, data);
    *key = flint_malloc(n);
    snprintf(*key, n, "data=%s;D=%ld;n=%ld;loss=%s;width=%ld;output_bias=%d;"
             "prune=%d;per_cell_bounds=%d;exact_only=%d;certificate=%d",
             fp, (long) data->D, (long) data->n, loss, (long) o->width,
             o->output_bias != 0, o->prune != 0, o->per_cell_bounds != 0,
             o->exact_only != 0, o->certificate != 0);
}
