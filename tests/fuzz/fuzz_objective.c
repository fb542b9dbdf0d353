/* Fuzz the objective parser (cpwl_objective_init_str: NAME[:PARAMS], the
   matrix lists of quadratic).  Input: one byte choosing the dimension
   (-1, or 1..4), then the text.  Specs naming files (net:) are skipped:
   the network and CSV readers have their own harnesses.  An objective
   that was set up is evaluated at x = (1/2, -1/3, ...): in Arb, and in
   exact arithmetic when it takes no square root, where the Arb value
   and gradient must contain the exact ones (a wrong operation order or
   a stale constant would show). */
#include <flint/flint.h>
#include <flint/fmpq.h>
#include <flint/fmpq_vec.h>
#include "cpwl/objective.h"
#include "fuzz.h"

static void fuzz_eval_check(cpwl_objective_t O)
{
    cpwl_arith_t X, B;
    cpwl_val_ptr xq, xb, gq, gb;
    cpwl_val_t fq, fb;
    cpwl_err_t e;
    fmpq *x;
    slong i, n = O->dim;
    int sq, sb;

    if (n > 64)
        return;
    x = _fmpq_vec_init(n);
    for (i = 0; i < n; i++)
        fmpq_set_si(x + i, i % 2 ? -1 : 1, 2 + i);
    cpwl_arith_init_exact(X);
    cpwl_arith_init_arb(B, 96);
    xq = cpwl_val_vec_init(n, X);
    gq = cpwl_val_vec_init(n, X);
    xb = cpwl_val_vec_init(n, B);
    gb = cpwl_val_vec_init(n, B);
    cpwl_val_init(fq, X);
    cpwl_val_init(fb, B);
    for (i = 0; i < n; i++)
    {
        cpwl_val_set_fmpq(xq + i, x + i, X);
        cpwl_val_set_fmpq(xb + i, x + i, B);
    }
    cpwl_err_init(e);
    sb = cpwl_objective_eval(fb, gb, xb, NULL, 0, 1, O, B, e);
    if (sb == 1)
    {
        fprintf(stderr, "fuzz: Arb evaluation failed: %s\n", e->msg);
        abort();
    }
    cpwl_err_clear(e);
    cpwl_err_init(e);
    if (!O->needs_sqrt && sb == 0)
    {
        sq = cpwl_objective_eval(fq, gq, xq, NULL, 0, 1, O, X, e);
        if (sq != 0)
        {
            fprintf(stderr, "fuzz: exact evaluation failed: %s\n", e->msg);
            abort();
        }
        if (!arb_contains_fmpq(&fb->b, &fq->q))
        {
            fprintf(stderr, "fuzz: the Arb value misses the exact one\n");
            abort();
        }
        for (i = 0; i < n; i++)
            if (!arb_contains_fmpq(&gb[i].b, &gq[i].q))
            {
                fprintf(stderr, "fuzz: the Arb gradient misses the exact "
                        "one at %ld\n", (long) i);
                abort();
            }
    }
    cpwl_err_clear(e);
    cpwl_val_clear(fq, X);
    cpwl_val_clear(fb, B);
    cpwl_val_vec_clear(xq, n, X);
    cpwl_val_vec_clear(gq, n, X);
    cpwl_val_vec_clear(xb, n, B);
    cpwl_val_vec_clear(gb, n, B);
    _fmpq_vec_clear(x, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpwl_objective_t O;
    cpwl_err_t e;
    char *spec;
    slong dim;
    int st;

    if (size < 1 || size > 4096)
        return 0;
    dim = data[0] % 5 == 0 ? -1 : data[0] % 5;
    spec = malloc(size);
    memcpy(spec, data + 1, size - 1);
    spec[size - 1] = '\0';
    if (strncmp(spec, "net", 3) == 0)
    {
        free(spec);
        return 0;
    }
    cpwl_err_init(e);
    st = cpwl_objective_init_str(O, spec, dim, e);
    if (st != 0 && st != 1)
    {
        fprintf(stderr, "fuzz: init_str returned %d\n", st);
        abort();
    }
    fuzz_check_err(e, st ? e->status : CPWL_OK);
    if (st == 0)
    {
        fuzz_eval_check(O);
        cpwl_objective_clear(O);
    }
    cpwl_err_clear(e);
    free(spec);
    return 0;
}
