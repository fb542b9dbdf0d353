/* cpwl autoencoder eval: one sample y (or y = A x), exactly: the support
   of relu(W y - eps), the reconstruction, the loss and its gradient. */
#include <getopt.h>
#include <string.h>
#include "autoencoder.h"

static int parse_x(fmpq *x, const char *s, slong h)
{
    slong k = 1;
    const char *p;
    cpwl_err_t e;
    int st;
    for (p = s; *p != '\0'; p++)
        k += *p == ',';
    if (k != h)
        return cli_usage("autoencoder eval", "--x: expected %ld entries "
                         "(one per atom of the dictionary), got %ld",
                         (long) h, (long) k);
    cpwl_err_init(e);
    st = cpwl_io_parse_vector(x, h, s, "--x", e);
    if (st != CPWL_OK)
        st = cli_fail("autoencoder eval", e);
    cpwl_err_clear(e);
    return st;
}

int cli_ae_eval(int argc, char **argv)
{
    static const char sub[] = "autoencoder eval";
    static const struct option opts[] = {
        {"dict", required_argument, NULL, 'd'},
        {"y", required_argument, NULL, 'y'},
        {"x", required_argument, NULL, 'x'},
        {"eps", required_argument, NULL, 'e'},
        {"at", required_argument, NULL, 'a'},
        {"relu-prime0", required_argument, NULL, 'z'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}
    };
    const char *dict = NULL, *ys = NULL, *xs = NULL, *epss = NULL,
        *at = NULL;
    int c, st = CPWL_OK, relu_d0 = 0, json = 0, scalar = 0;
    slong n, h, i, j, k, nsupp;
    fmpq_mat_t A, W;
    fmpq *y = NULL, *x = NULL, *eps = NULL, *Wy = NULL, *z = NULL,
        *r = NULL, *yhat = NULL, *ev = NULL, *GW = NULL, *Ge = NULL;
    slong *supp = NULL;
    fmpq_t L, n2, s;
    cpwl_arith_t Q;
    cpwl_ae_work_t w;
    cpwl_val_ptr Wv, epsv, yv, Lv, Gv, Gev;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    char *t;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
    {
        switch (c)
        {
            case 'd': dict = optarg; break;
            case 'y': ys = optarg; break;
            case 'x': xs = optarg; break;
            case 'e': epss = optarg; break;
            case 'a': at = optarg; break;
            case 'z':
                if ((st = cli_ae_parse_relu_d0(&relu_d0, sub, optarg)) != 0)
                    return st;
                break;
            case 'j': json = 1; break;
            case 'h': fputs(cli_autoencoder_usage, stdout); return CPWL_OK;
            default: return cli_bad_option(sub, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(sub, "unexpected argument '%.40s'", argv[optind]);
    if (dict == NULL)
        return cli_usage(sub, "--dict A is required (the dictionary)");
    if ((ys == NULL) == (xs == NULL))
        return cli_usage(sub, "expected one of --y LIST (the data) and "
                         "--x CODE (y = A x)");
    if (epss == NULL)
        return cli_usage(sub, "--eps E is required (the threshold)");

    fmpq_mat_init(A, 0, 0);
    fmpq_mat_init(W, 0, 0);
    if ((st = cli_ae_read_dict(A, sub, dict)) != CPWL_OK)
        goto clear_mats;
    n = fmpq_mat_nrows(A);
    h = fmpq_mat_ncols(A);
    if ((st = cli_ae_read_w(W, sub, at, A)) != CPWL_OK)
        goto clear_mats;
    y = _fmpq_vec_init(n);
    x = _fmpq_vec_init(h);
    eps = _fmpq_vec_init(h);
    if (ys != NULL)
        st = cli_ae_parse_y(y, sub, ys, n);
    else if ((st = parse_x(x, xs, h)) == CPWL_OK)
        cpwl_dict_apply(y, A, x);
    if (st == CPWL_OK)
        st = cli_ae_parse_eps(eps, &scalar, sub, epss, h);
    if (st != CPWL_OK)
        goto clear_vecs;

    /* the sample, exactly */
    Wy = _fmpq_vec_init(h);
    z = _fmpq_vec_init(h);
    r = _fmpq_vec_init(h);
    yhat = _fmpq_vec_init(n);
    ev = _fmpq_vec_init(n);
    GW = _fmpq_vec_init(h * n);
    Ge = _fmpq_vec_init(h);
    supp = flint_malloc(sizeof(slong) * (h + 1));
    fmpq_init(L);
    fmpq_init(n2);
    fmpq_init(s);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    cpwl_arith_init_exact(Q);
    cpwl_ae_work_init(w, h, n, Q);
    Wv = cpwl_val_vec_init(h * n, Q);
    epsv = cpwl_val_vec_init(h, Q);
    yv = cpwl_val_vec_init(n, Q);
    Lv = cpwl_val_vec_init(1, Q);
    Gv = cpwl_val_vec_init(h * n, Q);
    Gev = cpwl_val_vec_init(h, Q);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(Wv + i * n + j, fmpq_mat_entry(W, i, j), Q);
        cpwl_val_set_fmpq(epsv + i, eps + i, Q);
    }
    for (j = 0; j < n; j++)
        cpwl_val_set_fmpq(yv + j, y + j, Q);
    if (cpwl_ae_sample(Lv, Gv, Gev, NULL, Wv, epsv, yv, NULL, relu_d0, w, Q,
                       pred, e) != 0)
    {
        st = cli_fail(sub, e);
        goto clear_all;
    }
    cpwl_val_get_fmpq(L, Lv, Q);
    for (i = 0, nsupp = 0; i < h; i++)
    {
        cpwl_val_get_fmpq(z + i, w->z + i, Q);
        cpwl_val_get_fmpq(r + i, w->r + i, Q);
        cpwl_val_get_fmpq(Ge + i, Gev + i, Q);
        fmpq_add(Wy + i, z + i, eps + i);
        if (fmpq_sgn(r + i) > 0)
            supp[nsupp++] = i;
    }
    for (j = 0; j < n; j++)
    {
        cpwl_val_get_fmpq(yhat + j, w->yhat + j, Q);
        cpwl_val_get_fmpq(ev + j, w->e + j, Q);
    }
    for (k = 0; k < h * n; k++)
        cpwl_val_get_fmpq(GW + k, Gv + k, Q);
    cpwl_ae_norm2(n2, GW, h * n);
    fmpq_zero(s);
    for (i = 0; i < h; i++)
        fmpq_add(s, s, Ge + i);

    if (json)
    {
        printf("{\"n\": %ld, \"h\": %ld, \"W_is_At\": %s, \"W\": [",
               (long) n, (long) h, at == NULL ? "true" : "false");
        for (i = 0; i < h; i++)
        {
            printf("%s", i > 0 ? ", " : "");
            cli_ae_json_vec(stdout, W->rows[i], n);
        }
        printf("], \"y\": ");
        cli_ae_json_vec(stdout, y, n);
        printf(", \"eps\": ");
        cli_ae_json_vec(stdout, eps, h);
        printf(", \"relu_prime0\": %d, \"Wy\": ", relu_d0);
        cli_ae_json_vec(stdout, Wy, h);
        printf(", \"z\": ");
        cli_ae_json_vec(stdout, z, h);
        printf(", \"support\": [");
        for (k = 0; k < nsupp; k++)
            printf("%s%ld", k > 0 ? ", " : "", (long) supp[k] + 1);
        printf("], \"r\": ");
        cli_ae_json_vec(stdout, r, h);
        printf(", \"yhat\": ");
        cli_ae_json_vec(stdout, yhat, n);
        printf(", \"e\": ");
        cli_ae_json_vec(stdout, ev, n);
        printf(", \"loss\": ");
        cli_ae_json_q(stdout, L);
        printf(", \"grad_W\": ");
        cli_ae_json_matrix(stdout, GW, h, n);
        printf(", \"grad_eps\": ");
        cli_ae_json_vec(stdout, Ge, h);
        printf(", \"grad_eps_scalar\": ");
        if (scalar)
            cli_ae_json_q(stdout, s);
        else
            printf("null");
        printf(", \"grad_W_norm2\": ");
        cli_ae_json_q(stdout, n2);
        t = cli_ae_norm_text(n2);
        printf(", \"grad_W_norm\": \"%s\"}\n", t);
        flint_free(t);
    }
    else
    {
        char buf[64];
        snprintf(buf, sizeof(buf), "n = %ld, h = %ld", (long) n, (long) h);
        cli_ae_row("dictionary", buf);
        cli_ae_row("W", at == NULL ? "A^T" : at);
        cli_ae_vline("y", y, n);
        if (scalar)
            cli_ae_qline("eps", eps);
        else
            cli_ae_vline("eps", eps, h);
        cli_ae_row("relu'(0)", relu_d0 ? "1" : "0");
        cli_ae_vline("Wy", Wy, h);
        cli_ae_vline("z = Wy - eps", z, h);
        printf("%-24s{", "support of relu(z)");
        for (k = 0; k < nsupp; k++)
            printf("%s%ld", k > 0 ? ", " : "", (long) supp[k] + 1);
        printf("}\n");
        cli_ae_vline("r = relu(z)", r, h);
        cli_ae_vline("yhat = W^T r", yhat, n);
        cli_ae_vline("e = yhat - y", ev, n);
        cli_ae_qline("loss L", L);
        for (i = 0; i < h; i++)
        {
            snprintf(buf, sizeof(buf), "dL/dW row %ld", (long) i + 1);
            cli_ae_vline(buf, GW + i * n, n);
        }
        cli_ae_vline("dL/deps_i", Ge, h);
        if (scalar)
            cli_ae_qline("dL/deps (scalar eps)", s);
        cli_ae_qline("|dL/dW|_F^2", n2);
        t = cli_ae_norm_text(n2);
        cli_ae_row("|dL/dW|_F", t);
        flint_free(t);
    }

clear_all:
    cpwl_val_vec_clear(Wv, h * n, Q);
    cpwl_val_vec_clear(epsv, h, Q);
    cpwl_val_vec_clear(yv, n, Q);
    cpwl_val_vec_clear(Lv, 1, Q);
    cpwl_val_vec_clear(Gv, h * n, Q);
    cpwl_val_vec_clear(Gev, h, Q);
    cpwl_ae_work_clear(w, Q);
    cpwl_arith_clear(Q);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
    fmpq_clear(L);
    fmpq_clear(n2);
    fmpq_clear(s);
    flint_free(supp);
    _fmpq_vec_clear(Wy, h);
    _fmpq_vec_clear(z, h);
    _fmpq_vec_clear(r, h);
    _fmpq_vec_clear(yhat, n);
    _fmpq_vec_clear(ev, n);
    _fmpq_vec_clear(GW, h * n);
    _fmpq_vec_clear(Ge, h);
clear_vecs:
    _fmpq_vec_clear(y, n);
    _fmpq_vec_clear(x, h);
    _fmpq_vec_clear(eps, h);
clear_mats:
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    /* a write error is reported once, by main's cli_finish_stdout */
    return st;
}
