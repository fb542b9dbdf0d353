/* A program using the installed cpwl library: read a network, count its
   activation and linear regions on a box, and evaluate it exactly at a point.

       cc example.c $(pkg-config --cflags --libs cpwl) -o example
       ./example net.json "-1:2" "1/3"

   Every number printed is exact (a rational computed in exact arithmetic). */
#include <stdio.h>
#include <flint/fmpq.h>
#include "cpwl.h"

int main(int argc, char **argv)
{
    cpwl_net_t net;
    cpwl_dom_t D;
    cpwl_regions_t R;
    cpwl_regions_opts opts;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq *x, *y;
    slong i, n, m;
    int status = 0;

    if (argc != 4)
    {
        fprintf(stderr, "usage: %s NET.json BOX POINT  (e.g. net.json "
                "\"-1:2\" \"1/3\")\n", argv[0]);
        return 2;
    }
    printf("cpwl %s (headers %s)\n", cpwl_version_string(),
           CPWL_VERSION_STRING);

    cpwl_err_init(e);
    cpwl_net_init(net, 0);
    cpwl_dom_init(D);
    cpwl_pred_ctx_init(pred);

    /* Errors come back as a status and a one-line message; nothing exits. */
    if (cpwl_io_net_read_file(net, argv[1], e) != CPWL_OK)
        goto fail;
    n = net->input_dim;
    m = cpwl_net_output_dim(net);

    if (cpwl_dom_set_str(D, n, argv[2], NULL, NULL, e) != CPWL_OK)
        goto fail;
    cpwl_regions_opts_init(&opts, pred);
    opts.linear = 1;
    cpwl_regions_init(R, 0, 0, 0);
    if (cpwl_regions_compute(R, net, D, &opts, e) != CPWL_OK)
    {
        cpwl_regions_clear(R);
        goto fail;
    }
    printf("activation regions: %ld\n", (long) R->ncells);
    printf("linear regions: %ld\n", (long) R->nlinear);
    cpwl_regions_clear(R);

    x = _fmpq_vec_init(n);
    y = _fmpq_vec_init(m);
    if (cpwl_io_parse_vector(x, n, argv[3], "point", e) == CPWL_OK)
    {
        cpwl_net_eval_fmpq(y, net, x);
        printf("f(%s) =", argv[3]);
        for (i = 0; i < m; i++)
        {
            printf(" ");
            fmpq_print(y + i);
        }
        printf("\n");
    }
    _fmpq_vec_clear(x, n);
    _fmpq_vec_clear(y, m);
    if (e->status != CPWL_OK)
        goto fail;
    goto done;

fail:
    fprintf(stderr, "example: %s\n", e->msg);
    status = e->status;
done:
    cpwl_pred_ctx_clear(pred);
    cpwl_dom_clear(D);
    cpwl_net_clear(net);
    cpwl_err_clear(e);
    flint_cleanup();
    return status;
}
