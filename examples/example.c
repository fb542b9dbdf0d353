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
    net_t net;
    dom_t D;
    regions_t R;
    regions_opts opts;
    pred_ctx_t pred;
    err_t e;
    fmpq *x, *y;
    slong i, n, m;
    int status = 0;

    if (argc != 4)
    {
        fprintf(stderr, "usage: %s NET.json BOX POINT  (e.g. net.json "
                "\"-1:2\" \"1/3\")\n", argv[0]);
        return 2;
    }
    printf("cpwl %s (headers %s)\n", version_string(), CPWL_VERSION_STRING);

    err_init(e);
    net_init(net, 0);
    dom_init(D);
    pred_ctx_init(pred);

    /* Errors come back as a status and a one-line message; nothing exits. */
    if (io_net_read_file(net, argv[1], e) != CPWL_OK)
        goto fail;
    n = net->input_dim;
    m = net_output_dim(net);

    if (dom_set_str(D, n, argv[2], NULL, NULL, e) != CPWL_OK)
        goto fail;
    regions_opts_init(&opts, pred);
    opts.linear = 1;
    regions_init(R, 0, 0, 0);
    if (regions_compute(R, net, D, &opts, e) != CPWL_OK)
    {
        regions_clear(R);
        goto fail;
    }
    printf("activation regions: %ld\n", (long) R->ncells);
    printf("linear regions: %ld\n", (long) R->nlinear);
    regions_clear(R);

    x = _fmpq_vec_init(n);
    y = _fmpq_vec_init(m);
    if (io_parse_vector(x, n, argv[3], "point", e) == CPWL_OK)
    {
        net_eval_fmpq(y, net, x);
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
    pred_ctx_clear(pred);
    dom_clear(D);
    net_clear(net);
    err_clear(e);
    flint_cleanup();
    return status;
}
