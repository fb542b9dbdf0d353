/* Importing models and comparing them with the interpreter
   (onnx_check.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "onnx_check.h"

#ifndef HAVE_ONNX_IMPORTER
void cpwl_onnx_opts_init(cpwl_onnx_opts_struct *opts)
{
    memset(opts, 0, sizeof *opts);
}

int cpwl_onnx_net_read_buf(cpwl_net_t net, const void *buf, size_t len,
                           const char *where, const cpwl_onnx_opts_struct *opts,
                           cpwl_err_t e)
{
    (void) net;
    (void) buf;
    (void) len;
    (void) opts;
    return cpwl_err_set(e, CPWL_ERR_INTERNAL, "%s: no ONNX importer", where);
}
#endif

/* ---- comparing the importer with the interpreter ----------------------- */

slong ock_input_dims(slong *dims, const Onnx__ModelProto *m)
{
    const Onnx__TypeProto *tp = m->graph->input[0]->type;
    const Onnx__TensorShapeProto *sh = tp->tensor_type->shape;
    size_t i;
    for (i = 0; i < sh->n_dim; i++)
        dims[i] = sh->dim[i]->dim_value;
    return (slong) sh->n_dim;
}

/* x: random small fractions (kind 0), values in {-1, -1/2, 0, 1/2, 1} so
   that Max, MaxPool and relu(x) sit on ties and zeros (kind 1), or
   rationals of 20-bit numerators and denominators (kind 2). */
void ock_point(fmpq *x, slong n, test_rng *r, int kind)
{
    slong i;
    for (i = 0; i < n; i++)
        if (kind == 1)
            fmpq_set_si(x + i, test_range(r, -2, 2), 2);
        else
            test_fmpq(x + i, r, kind == 0 ? TEST_FRACTIONS : 20);
}

void ock_eval_ref(oref_tensor_t y, const Onnx__ModelProto *m, slong out,
                  const fmpq *x, const slong *dims, slong ndim,
                  const oref_tensor_struct *consts, slong nconst,
                  int bn_bits)
{
    oref_tensor_struct *ins = flint_malloc((nconst + 1) * sizeof *ins);
    oref_tensor_struct *outs;
    char msg[600];
    slong i;
    oref_tensor_init(ins);
    oref_tensor_set_shape(ins, ndim, dims);
    for (i = 0; i < ins->size; i++)
        fmpq_set(ins->v + i, x + i);
    for (i = 0; i < nconst; i++)
    {
        oref_tensor_init(ins + 1 + i);
        oref_tensor_set(ins + 1 + i, consts + i);
    }
    outs = flint_malloc(m->graph->n_output * sizeof *outs);
    for (i = 0; i < (slong) m->graph->n_output; i++)
        oref_tensor_init(outs + i);
    if (!oref_eval(outs, m, ins, nconst + 1, bn_bits, msg, sizeof msg))
        ck_abort_msg("interpreter: %s", msg);
    oref_tensor_set(y, outs + out);
    for (i = 0; i < (slong) m->graph->n_output; i++)
        oref_tensor_clear(outs + i);
    for (i = 0; i <= nconst; i++)
        oref_tensor_clear(ins + i);
    flint_free(ins);
    flint_free(outs);
}

/* A point where the affine tensor `pre` (graph output 1 of B's model) has
   a zero entry: on the line x0 + t d, pre is affine in t. */
static int kink_point(fmpq *x, onb_t B, slong n, const slong *dims,
                      slong ndim, const oref_tensor_struct *consts,
                      slong nconst, int bn_bits, test_rng *r)
{
    fmpq *d = _fmpq_vec_init(n);
    oref_tensor_t p0, p1;
    fmpq_t t;
    slong i, k, tries;
    int found = 0;
    oref_tensor_init(p0);
    oref_tensor_init(p1);
    fmpq_init(t);
    for (tries = 0; tries < 10 && !found; tries++)
    {
        ock_point(x, n, r, 0);
        ock_point(d, n, r, 0);
        ock_eval_ref(p0, &B->model, 1, x, dims, ndim, consts, nconst, bn_bits);
        for (i = 0; i < n; i++)
            fmpq_add(d + i, d + i, x + i);
        ock_eval_ref(p1, &B->model, 1, d, dims, ndim, consts, nconst, bn_bits);
        for (i = 0; i < n; i++)
            fmpq_sub(d + i, d + i, x + i);
        k = test_range(r, 0, p0->size - 1);
        for (i = 0; i < p0->size && !found; i++, k = (k + 1) % p0->size)
        {
            slong j;
            fmpq_sub(t, p1->v + k, p0->v + k);
            if (fmpq_is_zero(t))
                continue;
            fmpq_div(t, p0->v + k, t);
            fmpq_neg(t, t);
            for (j = 0; j < n; j++)
                fmpq_addmul(x + j, d + j, t);
            found = 1;
        }
    }
    /* the kink is real: the interpreter finds the zero there */
    if (found)
    {
        ock_eval_ref(p0, &B->model, 1, x, dims, ndim, consts, nconst, bn_bits);
        for (i = 0, k = 0; i < p0->size; i++)
            k += fmpq_is_zero(p0->v + i);
        ck_assert_msg(k >= 1, "kink point misses the kink");
    }
    _fmpq_vec_clear(d, n);
    oref_tensor_clear(p0);
    oref_tensor_clear(p1);
    fmpq_clear(t);
    return found;
}

static int warned_no_importer = 0;

/* Import B's model (its first graph output) and compare with the
   interpreter at npts points of each kind (and at kinks of graph output
   `pre` when B declares a second output).  Returns the points checked
   against the importer.  net (may be NULL) receives the imported net. */
slong ock_model_opts(onb_t B, test_rng *r, slong npts,
                     const cpwl_onnx_opts_struct *opts,
                     const oref_tensor_struct *consts, slong nconst,
                     const char *what, cpwl_net_t keep)
{
    size_t len, nout = B->graph.n_output;
    uint8_t *buf;
    size_t nnode, real;
    Onnx__ModelProto *m;
    slong dims[OREF_MAX_DIMS], ndim, n, i, k, kind, checked = 0;
    int bn_bits = opts->fold_batchnorm == 32 ? 24
        : opts->fold_batchnorm == 64 ? 53 : 0;
    cpwl_net_t net;
    cpwl_err_t e;
    fmpq *x, *y;
    oref_tensor_t ref;
    int have_net;

    /* exporters write the output's shape: the interpreter's at x = 0 */
    if (B->graph.output[0]->type->tensor_type->shape == NULL)
    {
        ndim = ock_input_dims(dims, &B->model);
        for (i = 0, n = 1; i < ndim; i++)
            n *= dims[i];
        x = _fmpq_vec_init(n);
        oref_tensor_init(ref);
        ock_eval_ref(ref, &B->model, 0, x, dims, ndim, consts, nconst,
                     bn_bits);
        onb_output_shape(B, 0, ref->ndim, ref->dims);
        oref_tensor_clear(ref);
        _fmpq_vec_clear(x, n);
    }
    nnode = B->graph.n_node;
    real = 0;
    while (real < nnode
           && strncmp(B->graph.node[real]->name, "oracle_", 7) != 0)
        real++;
    /* the importer sees one output and no oracle_ nodes (they compute
       the kink tensor `pre` for the interpreter) */
    B->graph.n_output = 1;
    B->graph.n_node = real;
    buf = onb_pack(B, &len);
    B->graph.n_output = nout;
    B->graph.n_node = nnode;
    m = onnx__model_proto__unpack(NULL, len, buf);
    ck_assert_msg(m != NULL, "%s: protobuf-c cannot read back the model",
                  what);
    ndim = ock_input_dims(dims, m);
    for (i = 0, n = 1; i < ndim; i++)
        n *= dims[i];
    cpwl_net_init(net, n);
    cpwl_err_init(e);
    have_net = OCK_IMPORTER;
    if (OCK_IMPORTER)
    {
        int st = cpwl_onnx_net_read_buf(net, buf, len, what, opts, e);
        ck_assert_msg(st == CPWL_OK, "%s: import failed: %s", what, e->msg);
        ck_assert_int_eq(net->input_dim, n);
    }
    else if (!warned_no_importer)
    {
        fprintf(stderr, "cpwl/onnx.h absent: the interpreter runs alone, "
                "no importer is checked\n");
        warned_no_importer = 1;
    }
    x = _fmpq_vec_init(n);
    oref_tensor_init(ref);
    y = NULL;
    for (kind = 0; kind < 4; kind++)
        for (k = 0; k < npts; k++)
        {
            if (kind == 3)
            {
                if (nout < 2
                    || !kink_point(x, B, n, dims, ndim, consts, nconst,
                                   bn_bits, r))
                    break;
            }
            else
                ock_point(x, n, r, kind);
            ock_eval_ref(ref, m, 0, x, dims, ndim, consts, nconst, bn_bits);
            if (!have_net)
                continue;
            if (y == NULL)
            {
                ck_assert_msg(cpwl_net_output_dim(net) == ref->size,
                              "%s: %ld outputs, the graph has %ld", what,
                              (long) cpwl_net_output_dim(net), (long) ref->size);
                y = _fmpq_vec_init(ref->size);
            }
            cpwl_net_eval_fmpq(y, net, x);
            for (i = 0; i < ref->size; i++)
                if (!fmpq_equal(y + i, ref->v + i))
                {
                    slong j;
                    fprintf(stderr, "x =");
                    for (j = 0; j < n; j++)
                        fprintf(stderr, " %s", fmpq_get_str(NULL, 10, x + j));
                    ck_abort_msg("%s: output %ld at x (above, point kind "
                                 "%ld): imported net gives %s, the graph %s",
                                 what, (long) i, (long) kind,
                                 fmpq_get_str(NULL, 10, y + i),
                                 fmpq_get_str(NULL, 10, ref->v + i));
                }
            checked++;
        }
    if (keep != NULL)
        cpwl_net_swap(keep, net);
    if (y != NULL)
        _fmpq_vec_clear(y, ref->size);
    _fmpq_vec_clear(x, n);
    oref_tensor_clear(ref);
    cpwl_net_clear(net);
    onnx__model_proto__free_unpacked(m, NULL);
    free(buf);
    return checked;
}

slong ock_model(onb_t B, test_rng *r, slong npts, int fold,
                const char *what)
{
    cpwl_onnx_opts_struct o;
    cpwl_onnx_opts_init(&o);
    o.fold_batchnorm = fold;
    return ock_model_opts(B, r, npts, &o, NULL, 0, what, NULL);
}

void ock_run_models(ock_model_fn f, const char *what, slong iters, int fold,
                    uint64_t seed)
{
    test_rng r;
    slong it, checked = 0;
    char name[64];
    r.s = seed;
    for (it = 0; it < test_iters(iters); it++)
    {
        onb_t B;
        int type = onb_types[it % 4], enc = (int) ((it / 4) % 2);
        f(B, &r, type, enc);
        snprintf(name, sizeof name, "%s #%ld", what, (long) it);
        checked += ock_model(B, &r, 3, fold, name);
        onb_clear(B);
    }
    if (OCK_IMPORTER)
        ck_assert(checked >= 3 * test_iters(iters));
}
