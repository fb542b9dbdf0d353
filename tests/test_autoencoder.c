/* The autoencoder calculus (src/autoencoder/ae*.c) against values from
   elsewhere:
   - the example (n = 4, h = 6) by hand at eps = 1/2, 1, 3/2, 1/4
     and at a perturbed W;
   - the gradient in W and in eps against exact finite differences of an
     independent forward pass in the test: on an interval where no z_i
     changes sign, L(W + sD) is a polynomial of degree 4 in s (W is tied),
     so the central difference is L'(0) + c t^2 and Richardson's
     (4 D(t) - D(2t)) / 3 is L'(0) exactly; for single samples and for
     expectations (the sum of per-code differences);
   - Arb balls at 64 and 128 bits containing the exact expectation, and
     binary64 equal bit for bit to a plain C loop in the stated order;
   - the objective against cpwl_ae_expect and per-code expectations;
   - Monte-Carlo against a replay of the seeded draws. */
#include <math.h>
#include <string.h>
#include <check.h>
#include <flint/fmpq_vec.h>
#include "cpwl/autoencoder.h"
#include "testutil.h"

/* The dictionary: columns e1, e2, e3, e4, (1,1,1,1)/2,
   (1,-1,1,-1)/2. */
static void example_dict(fmpq_mat_t A)
{
    static const slong c5[4] = {1, 1, 1, 1}, c6[4] = {1, -1, 1, -1};
    slong j;
    fmpq_mat_clear(A);
    fmpq_mat_init(A, 4, 6);
    for (j = 0; j < 4; j++)
    {
        fmpq_one(fmpq_mat_entry(A, j, j));
        fmpq_set_si(fmpq_mat_entry(A, j, 4), c5[j], 2);
        fmpq_set_si(fmpq_mat_entry(A, j, 5), c6[j], 2);
    }
}

/* [I_4 | H_4 / 2], H_4 the Sylvester Hadamard matrix: the union of two
   bases, coherence 1/2. */
static void union_dict(fmpq_mat_t A)
{
    slong i, j;
    fmpq_mat_clear(A);
    fmpq_mat_init(A, 4, 8);
    for (i = 0; i < 4; i++)
    {
        fmpq_one(fmpq_mat_entry(A, i, i));
        for (j = 0; j < 4; j++)
        {
            /* H_ij = (-1)^(popcount of i & j) */
            int odd = __builtin_popcountl((ulong) (i & j)) & 1;
            fmpq_set_si(fmpq_mat_entry(A, i, 4 + j), odd ? -1 : 1, 2);
        }
    }
}

static void transpose(fmpq_mat_t W, const fmpq_mat_t A)
{
    fmpq_mat_clear(W);
    fmpq_mat_init(W, fmpq_mat_ncols(A), fmpq_mat_nrows(A));
    fmpq_mat_transpose(W, A);
}

static void set_list(fmpq *v, const char *s, slong n)
{
    cpwl_err_t e;
    cpwl_err_init(e);
    if (cpwl_io_parse_vector(v, n, s, "test", e) != CPWL_OK)
        ck_abort_msg("bad test vector %s: %s", s, e->msg);
    cpwl_err_clear(e);
}

/* ---- an independent exact forward pass: the loss only ------------------ */

/* L(W, eps; y) with relu as in the model; W h x n. */
static void ref_loss(fmpq_t L, const fmpq_mat_t W, const fmpq *eps,
                     const fmpq *y)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j;
    fmpq *yhat = _fmpq_vec_init(n);
    fmpq_t z, t;
    fmpq_init(z);
    fmpq_init(t);
    for (i = 0; i < h; i++)
    {
        fmpq_zero(z);
        for (j = 0; j < n; j++)
            fmpq_addmul(z, fmpq_mat_entry(W, i, j), y + j);
        fmpq_sub(z, z, eps + i);
        if (fmpq_sgn(z) > 0)
            for (j = 0; j < n; j++)
                fmpq_addmul(yhat + j, fmpq_mat_entry(W, i, j), z);
    }
    fmpq_zero(L);
    for (j = 0; j < n; j++)
    {
        fmpq_sub(t, yhat + j, y + j);
        fmpq_addmul(L, t, t);
    }
    fmpq_div_2exp(L, L, 1);
    fmpq_clear(z);
    fmpq_clear(t);
    _fmpq_vec_clear(yhat, n);
}

/* min over i of the sign of z_i(s) = (W + s DW)_i y - eps_i - s deps_i,
   checked at s = -2t, 0, 2t: 1 when no z_i vanishes or changes sign on
   [-2t, 2t] (z_i is affine in s). */
static int no_kink(const fmpq_mat_t W, const fmpq_mat_t DW, const fmpq *eps,
                   const fmpq *deps, const fmpq *y, const fmpq_t t)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j, k;
    fmpq_t z, s, c;
    int ok = 1;
    fmpq_init(z);
    fmpq_init(s);
    fmpq_init(c);
    for (i = 0; i < h && ok; i++)
    {
        int sg[3];
        for (k = 0; k < 3; k++)
        {
            fmpq_mul_si(s, t, 2 * (k - 1));
            fmpq_zero(z);
            for (j = 0; j < n; j++)
            {
                fmpq_mul(c, s, fmpq_mat_entry(DW, i, j));
                fmpq_add(c, c, fmpq_mat_entry(W, i, j));
                fmpq_addmul(z, c, y + j);
            }
            fmpq_sub(z, z, eps + i);
            fmpq_submul(z, s, deps + i);
            sg[k] = fmpq_sgn(z);
        }
        ok = sg[0] != 0 && sg[0] == sg[1] && sg[1] == sg[2];
    }
    fmpq_clear(z);
    fmpq_clear(s);
    fmpq_clear(c);
    return ok;
}

/* L at (W + s DW, eps + s deps). */
static void ref_loss_at(fmpq_t L, const fmpq_mat_t W, const fmpq_mat_t DW,
                        const fmpq *eps, const fmpq *deps, const fmpq *y,
                        const fmpq_t s)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j;
    fmpq_mat_t Ws;
    fmpq *es = _fmpq_vec_init(h);
    fmpq_mat_init(Ws, h, n);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
        {
            fmpq_mul(fmpq_mat_entry(Ws, i, j), s, fmpq_mat_entry(DW, i, j));
            fmpq_add(fmpq_mat_entry(Ws, i, j), fmpq_mat_entry(Ws, i, j),
                     fmpq_mat_entry(W, i, j));
        }
        fmpq_mul(es + i, s, deps + i);
        fmpq_add(es + i, es + i, eps + i);
    }
    ref_loss(L, Ws, es, y);
    fmpq_mat_clear(Ws);
    _fmpq_vec_clear(es, h);
}

/* The directional derivative of L along (DW, deps) by Richardson on
   central differences, with t halved from 1/4 until no z_i changes sign
   on [-2t, 2t].  Returns 0 when no such t >= 2^-40 was found (a kink at
   the point itself). */
static int fd_deriv(fmpq_t d, const fmpq_mat_t W, const fmpq_mat_t DW,
                    const fmpq *eps, const fmpq *deps, const fmpq *y)
{
    fmpq_t t, s, Lp, Lm, D1, D2;
    slong k;
    int ok = 0;
    fmpq_init(t);
    fmpq_init(s);
    fmpq_init(Lp);
    fmpq_init(Lm);
    fmpq_init(D1);
    fmpq_init(D2);
    fmpq_set_si(t, 1, 4);
    for (k = 0; k < 40; k++, fmpq_div_2exp(t, t, 1))
        if (no_kink(W, DW, eps, deps, y, t))
        {
            ok = 1;
            break;
        }
    if (ok)
    {
        /* D(t) and D(2t) */
        ref_loss_at(Lp, W, DW, eps, deps, y, t);
        fmpq_neg(s, t);
        ref_loss_at(Lm, W, DW, eps, deps, y, s);
        fmpq_sub(D1, Lp, Lm);
        fmpq_div(D1, D1, t);
        fmpq_div_2exp(D1, D1, 1);
        fmpq_mul_2exp(s, t, 1);
        ref_loss_at(Lp, W, DW, eps, deps, y, s);
        fmpq_neg(s, s);
        ref_loss_at(Lm, W, DW, eps, deps, y, s);
        fmpq_sub(D2, Lp, Lm);
        fmpq_div(D2, D2, t);
        fmpq_div_2exp(D2, D2, 2);
        fmpz_t three;
        fmpz_init_set_ui(three, 3);
        fmpq_mul_si(d, D1, 4);
        fmpq_sub(d, d, D2);
        fmpq_div_fmpz(d, d, three);
        fmpz_clear(three);
    }
    fmpq_clear(t);
    fmpq_clear(s);
    fmpq_clear(Lp);
    fmpq_clear(Lm);
    fmpq_clear(D1);
    fmpq_clear(D2);
    return ok;
}

/* ---- one exact sample through the library ------------------------------ */

typedef struct
{
    fmpq_t L;
    fmpq *GW, *Geps, *z, *r, *yhat, *e;
    int *act;
    slong h, n;
}
sample_out;

static void out_init(sample_out *o, slong h, slong n)
{
    fmpq_init(o->L);
    o->GW = _fmpq_vec_init(h * n);
    o->Geps = _fmpq_vec_init(h);
    o->z = _fmpq_vec_init(h);
    o->r = _fmpq_vec_init(h);
    o->yhat = _fmpq_vec_init(n);
    o->e = _fmpq_vec_init(n);
    o->act = flint_malloc(sizeof(int) * h);
    o->h = h;
    o->n = n;
}

static void out_clear(sample_out *o)
{
    fmpq_clear(o->L);
    _fmpq_vec_clear(o->GW, o->h * o->n);
    _fmpq_vec_clear(o->Geps, o->h);
    _fmpq_vec_clear(o->z, o->h);
    _fmpq_vec_clear(o->r, o->h);
    _fmpq_vec_clear(o->yhat, o->n);
    _fmpq_vec_clear(o->e, o->n);
    flint_free(o->act);
}

static void exact_sample(sample_out *o, const fmpq_mat_t W, const fmpq *eps,
                         const fmpq *y, int relu_d0)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j;
    cpwl_arith_t A;
    cpwl_ae_work_t w;
    cpwl_val_ptr Wv, ev, yv, L, G, Ge;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    cpwl_arith_init_exact(A);
    cpwl_ae_work_init(w, h, n, A);
    Wv = cpwl_val_vec_init(h * n, A);
    ev = cpwl_val_vec_init(h, A);
    yv = cpwl_val_vec_init(n, A);
    L = cpwl_val_vec_init(1, A);
    G = cpwl_val_vec_init(h * n, A);
    Ge = cpwl_val_vec_init(h, A);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(Wv + i * n + j, fmpq_mat_entry(W, i, j), A);
        cpwl_val_set_fmpq(ev + i, eps + i, A);
    }
    for (j = 0; j < n; j++)
        cpwl_val_set_fmpq(yv + j, y + j, A);
    ck_assert_int_eq(cpwl_ae_sample(L, G, Ge, o->act, Wv, ev, yv, NULL,
                                    relu_d0, w, A, pred, e), 0);
    ck_assert(cpwl_val_get_fmpq(o->L, L, A));
    for (i = 0; i < h * n; i++)
        ck_assert(cpwl_val_get_fmpq(o->GW + i, G + i, A));
    for (i = 0; i < h; i++)
    {
        ck_assert(cpwl_val_get_fmpq(o->Geps + i, Ge + i, A));
        ck_assert(cpwl_val_get_fmpq(o->z + i, w->z + i, A));
        ck_assert(cpwl_val_get_fmpq(o->r + i, w->r + i, A));
    }
    for (j = 0; j < n; j++)
    {
        ck_assert(cpwl_val_get_fmpq(o->yhat + j, w->yhat + j, A));
        ck_assert(cpwl_val_get_fmpq(o->e + j, w->e + j, A));
    }
    /* every sign decided exactly through the predicate layer */
    ck_assert_uint_eq(cpwl_pred_ctx_total(pred), (ulong) h);
    cpwl_val_vec_clear(Ge, h, A);
    cpwl_val_vec_clear(G, h * n, A);
    cpwl_val_vec_clear(L, 1, A);
    cpwl_val_vec_clear(yv, n, A);
    cpwl_val_vec_clear(ev, h, A);
    cpwl_val_vec_clear(Wv, h * n, A);
    cpwl_ae_work_clear(w, A);
    cpwl_arith_clear(A);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}

static void vec_zero(fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_zero(v + i);
}

static int vec_equal(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_equal(a + i, b + i))
            return 0;
    return 1;
}

static void check_vec(const fmpq *v, const char *want, slong n,
                      const char *what)
{
    fmpq *u = _fmpq_vec_init(n);
    slong i;
    set_list(u, want, n);
    for (i = 0; i < n; i++)
        if (!fmpq_equal(u + i, v + i))
        {
            char *s = fmpq_get_str(NULL, 10, v + i);
            ck_abort_msg("%s[%ld] = %s, expected entry %ld of (%s)", what,
                         (long) i + 1, s, (long) i + 1, want);
        }
    _fmpq_vec_clear(u, n);
}

/* a_i against a string of 0 and 1. */
static int act_is(const sample_out *o, const char *want)
{
    slong i;
    for (i = 0; i < o->h; i++)
        if (o->act[i] != want[i] - '0')
            return 0;
    return 1;
}

static void check_q(const fmpq_t v, const char *want, const char *what)
{
    check_vec(v, want, 1, what);
}

/* ---- the example ------------------------------------------------ */

START_TEST(test_example)
{
    fmpq_mat_t A, W;
    fmpq *y = _fmpq_vec_init(4), *eps = _fmpq_vec_init(6);
    sample_out o;
    slong i, rd;
    fmpq_t s;

    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(s);
    example_dict(A);
    transpose(W, A);
    set_list(y, "3/2,1/2,1/2,1/2", 4);
    out_init(&o, 6, 4);

    /* eps = 1/2: support {1, 5}, perfect reconstruction, gradient 0 with
       either relu'(0) (z = 0 on the other four) */
    for (rd = 0; rd <= 1; rd++)
    {
        for (i = 0; i < 6; i++)
            fmpq_set_si(eps + i, 1, 2);
        exact_sample(&o, W, eps, y, (int) rd);
        check_vec(o.z, "1,0,0,0,1,0", 6, "z at eps 1/2");
        check_vec(o.r, "1,0,0,0,1,0", 6, "r at eps 1/2");
        for (i = 0; i < 6; i++)
            ck_assert_int_eq(o.act[i], (i == 0 || i == 4) ? 1 : (int) rd);
        check_vec(o.yhat, "3/2,1/2,1/2,1/2", 4, "yhat at eps 1/2");
        check_q(o.L, "0", "L at eps 1/2");
        check_vec(o.GW, "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
                  24, "dL/dW at eps 1/2");
        check_vec(o.Geps, "0,0,0,0,0,0", 6, "dL/deps at eps 1/2");
    }

    /* eps = 1 by hand: r = (1/2,0,0,0,1/2,0), e = -y/2, L = 3/8,
       u_1 = u_5 = -3/4, rows 1 and 5 of dL/dW = -y, dL/deps 3/4 */
    for (i = 0; i < 6; i++)
        fmpq_one(eps + i);
    exact_sample(&o, W, eps, y, 0);
    check_vec(o.r, "1/2,0,0,0,1/2,0", 6, "r at eps 1");
    check_vec(o.e, "-3/4,-1/4,-1/4,-1/4", 4, "e at eps 1");
    check_q(o.L, "3/8", "L at eps 1");
    check_vec(o.GW, "-3/2,-1/2,-1/2,-1/2,0,0,0,0,0,0,0,0,0,0,0,0,"
              "-3/2,-1/2,-1/2,-1/2,0,0,0,0", 24, "dL/dW at eps 1");
    check_vec(o.Geps, "3/4,0,0,0,3/4,0", 6, "dL/deps at eps 1");
    /* the scalar derivative (eps - 1/2) |y|^2 = 3/2 */
    fmpq_zero(s);
    for (i = 0; i < 6; i++)
        fmpq_add(s, s, o.Geps + i);
    check_q(s, "3/2", "dL/deps (scalar) at eps 1");
    ck_assert(act_is(&o, "100010"));

    /* eps = 3/2: nothing active, yhat = 0, L = |y|^2 / 2 = 3/2 */
    for (i = 0; i < 6; i++)
        fmpq_set_si(eps + i, 3, 2);
    exact_sample(&o, W, eps, y, 0);
    check_vec(o.r, "0,0,0,0,0,0", 6, "r at eps 3/2");
    check_q(o.L, "3/2", "L at eps 3/2");
    check_vec(o.Geps, "0,0,0,0,0,0", 6, "dL/deps at eps 3/2");

    /* eps = 1/4: all active, yhat = (2, 3/4, 1, 3/4), L = 5/16 */
    for (i = 0; i < 6; i++)
        fmpq_set_si(eps + i, 1, 4);
    exact_sample(&o, W, eps, y, 0);
    ck_assert(act_is(&o, "111111"));
    check_vec(o.yhat, "2,3/4,1,3/4", 4, "yhat at eps 1/4");
    check_q(o.L, "5/16", "L at eps 1/4");

    /* a perturbed W by hand: row 1 = (1, 1, 0, 0), eps = 1:
       z = (1, -1/2, -1/2, -1/2, 1/2, -1/2), yhat = (5/4, 5/4, 1/4, 1/4),
       e = (-1/4, 3/4, -1/4, -1/4), L = 3/8, u_1 = 1/2, u_5 = 0 */
    fmpq_one(fmpq_mat_entry(W, 0, 1));
    for (i = 0; i < 6; i++)
        fmpq_one(eps + i);
    exact_sample(&o, W, eps, y, 0);
    check_vec(o.z, "1,-1/2,-1/2,-1/2,1/2,-1/2", 6, "z, perturbed");
    check_vec(o.e, "-1/4,3/4,-1/4,-1/4", 4, "e, perturbed");
    check_q(o.L, "3/8", "L, perturbed");
    check_vec(o.GW, "1/2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
              "-1/8,3/8,-1/8,-1/8,0,0,0,0", 24, "dL/dW, perturbed");
    check_vec(o.Geps, "-1/2,0,0,0,0,0", 6, "dL/deps, perturbed");

    out_clear(&o);
    fmpq_clear(s);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(y, 4);
    _fmpq_vec_clear(eps, 6);
}
END_TEST

/* ---- random instances near A^T ------------------------------------------ */

/* W = A^T + entries k/32, k in [-3, 3]; eps_i = a/3 or a/5 with a prime
   to the denominator, in (0, 1): z = W y - eps never vanishes for y of
   dyadic entries. */
static void random_point(fmpq_mat_t W, fmpq *eps, const fmpq_mat_t A,
                         test_rng *R)
{
    slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A), i, j;
    fmpq_t c;
    fmpq_init(c);
    transpose(W, A);
    for (i = 0; i < h; i++)
    {
        slong q = test_range(R, 0, 1) ? 3 : 5, a;
        for (j = 0; j < n; j++)
        {
            fmpq_set_si(c, test_range(R, -3, 3), 32);
            fmpq_add(fmpq_mat_entry(W, i, j), fmpq_mat_entry(W, i, j), c);
        }
        do
            a = test_range(R, 1, q - 1);
        while (a % q == 0);
        fmpq_set_si(eps + i, a, q);
    }
    fmpq_clear(c);
}

/* y = A x for x with support size k and non-zeros in {1/2, 1, 3/2, 2}. */
static void random_y(fmpq *y, const fmpq_mat_t A, slong k, test_rng *R)
{
    slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A), i, j, c;
    fmpq *x = _fmpq_vec_init(h);
    for (c = 0; c < k; c++)
    {
        i = test_range(R, 0, h - 1);
        fmpq_set_si(x + i, test_range(R, 1, 4), 2);
    }
    for (j = 0; j < n; j++)
    {
        fmpq_zero(y + j);
        for (i = 0; i < h; i++)
            fmpq_addmul(y + j, fmpq_mat_entry(A, j, i), x + i);
    }
    _fmpq_vec_clear(x, h);
}

static void random_dir(fmpq_mat_t D, fmpq *deps, test_rng *R)
{
    slong i, j;
    for (i = 0; i < fmpq_mat_nrows(D); i++)
    {
        for (j = 0; j < fmpq_mat_ncols(D); j++)
            fmpq_set_si(fmpq_mat_entry(D, i, j), test_range(R, -4, 4), 4);
        fmpq_set_si(deps + i, test_range(R, -4, 4), 4);
    }
}

/* <GW, D> + <Geps, deps> */
static void pair(fmpq_t r, const fmpq *GW, const fmpq *Geps,
                 const fmpq_mat_t D, const fmpq *deps)
{
    slong h = fmpq_mat_nrows(D), n = fmpq_mat_ncols(D), i, j;
    fmpq_zero(r);
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            fmpq_addmul(r, GW + i * n + j, fmpq_mat_entry(D, i, j));
        if (deps != NULL)
            fmpq_addmul(r, Geps + i, deps + i);
    }
}

START_TEST(test_fd_sample)
{
    test_rng R;
    slong it, iters = test_iters(40), ran = 0, i, j, c;
    fmpq_mat_t A, W, D, Z;
    fmpq *eps = _fmpq_vec_init(8), *deps = _fmpq_vec_init(8);
    fmpq *zero = _fmpq_vec_init(8), *y = _fmpq_vec_init(4);
    fmpq_t g, d;
    sample_out o;

    R.s = test_seed(0xae01);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(g);
    fmpq_init(d);
    for (it = 0; it < iters; it++)
    {
        slong h, n;
        if (it % 2 == 0)
            example_dict(A);
        else
            union_dict(A);
        h = fmpq_mat_ncols(A);
        n = fmpq_mat_nrows(A);
        random_point(W, eps, A, &R);
        random_y(y, A, test_range(&R, 1, 3), &R);
        out_init(&o, h, n);
        exact_sample(&o, W, eps, y, (int) (it & 2) >> 1);
        fmpq_mat_init(D, h, n);
        fmpq_mat_init(Z, h, n);
        /* a random direction in (W, eps), in W only, in eps only */
        random_dir(D, deps, &R);
        for (c = 0; c < 3; c++)
        {
            const fmpq_mat_struct *DW = c == 2 ? Z : D;
            const fmpq *de = c == 1 ? zero : deps;
            if (!fd_deriv(d, W, DW, eps, de, y))
                continue;
            pair(g, o.GW, o.Geps, DW, de);
            if (!fmpq_equal(g, d))
                ck_abort_msg("iteration %ld, direction %ld: <grad, D> "
                             "differs from the finite difference", (long) it,
                             (long) c);
            ran++;
        }
        /* single entries */
        for (c = 0; c < 3; c++)
        {
            i = test_range(&R, 0, h - 1);
            j = test_range(&R, 0, n - 1);
            fmpq_one(fmpq_mat_entry(Z, i, j));
            if (fd_deriv(d, W, Z, eps, zero, y))
            {
                ck_assert_msg(fmpq_equal(d, o.GW + i * n + j), "iteration "
                              "%ld: dL/dW_%ld%ld", (long) it, (long) i + 1,
                              (long) j + 1);
                ran++;
            }
            fmpq_zero(fmpq_mat_entry(Z, i, j));
            fmpq_one(deps + i);
            for (j = 0; j < h; j++)
                if (j != i)
                    fmpq_zero(deps + j);
            if (fd_deriv(d, W, Z, eps, deps, y))
            {
                ck_assert_msg(fmpq_equal(d, o.Geps + i), "iteration %ld: "
                              "dL/deps_%ld", (long) it, (long) i + 1);
                ran++;
            }
        }
        fmpq_mat_clear(D);
        fmpq_mat_clear(Z);
        out_clear(&o);
    }
    /* the kinks are avoided by construction: every check ran */
    ck_assert_int_eq(ran, 9 * iters);
    fmpq_clear(g);
    fmpq_clear(d);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 8);
    _fmpq_vec_clear(deps, 8);
    _fmpq_vec_clear(zero, 8);
    _fmpq_vec_clear(y, 4);
}
END_TEST

/* The codes of supports:k=2 with values 1, 2 and probabilities probs
   (NULL: uniform), for h atoms. */
static void codes_k2(cpwl_codes_t C, slong h, const char *probs)
{
    fmpq *v = _fmpq_vec_init(2), *p = _fmpq_vec_init(2);
    cpwl_err_t e;
    cpwl_err_init(e);
    fmpq_set_si(v + 0, 1, 1);
    fmpq_set_si(v + 1, 2, 1);
    if (probs != NULL)
        set_list(p, probs, 2);
    if (cpwl_codes_set_supports(C, h, 2, v, probs != NULL ? p : NULL, 2, e))
        ck_abort_msg("codes refused: %s", e->msg);
    _fmpq_vec_clear(v, 2);
    _fmpq_vec_clear(p, 2);
    cpwl_err_clear(e);
}

/* The expectation by a loop in the test: per code, one exact sample,
   times p. */
static void ref_expect(fmpq_t L, fmpq *GW, fmpq *Geps, const fmpq_mat_t W,
                       const fmpq *eps, const fmpq_mat_t A,
                       const cpwl_codes_t C, int relu_d0)
{
    slong h = fmpq_mat_ncols(A), n = fmpq_mat_nrows(A), i;
    fmpq *y = _fmpq_vec_init(n);
    cpwl_codes_iter_t it;
    sample_out o;
    out_init(&o, h, n);
    fmpq_zero(L);
    vec_zero(GW, h * n);
    vec_zero(Geps, h);
    cpwl_codes_iter_init(it, C);
    while (cpwl_codes_iter_next(it, C))
    {
        cpwl_dict_apply(y, A, it->x);
        exact_sample(&o, W, eps, y, relu_d0);
        fmpq_addmul(L, o.L, it->p);
        for (i = 0; i < h * n; i++)
            fmpq_addmul(GW + i, o.GW + i, it->p);
        for (i = 0; i < h; i++)
            fmpq_addmul(Geps + i, o.Geps + i, it->p);
    }
    cpwl_codes_iter_clear(it, C);
    out_clear(&o);
    _fmpq_vec_clear(y, n);
}

START_TEST(test_fd_expect)
{
    test_rng R;
    slong it, h, n, i;
    fmpq_mat_t A, W, D, Z;
    fmpq *eps = _fmpq_vec_init(8), *deps = _fmpq_vec_init(8);
    fmpq *zero = _fmpq_vec_init(8), *y = _fmpq_vec_init(4);
    fmpq *GW, *Geps, *GW2, *Geps2;
    fmpq_t L, L2, g, d, fd;
    fmpz_t done, count;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;

    R.s = test_seed(0xae02);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    fmpq_init(L2);
    fmpq_init(g);
    fmpq_init(d);
    fmpq_init(fd);
    fmpz_init(done);
    fmpz_init(count);
    for (it = 0; it < 4; it++)
    {
        cpwl_codes_iter_t ci;
        if (it % 2 == 0)
            example_dict(A);
        else
            union_dict(A);
        h = fmpq_mat_ncols(A);
        n = fmpq_mat_nrows(A);
        cpwl_codes_init(C);
        /* equal probabilities (one multiplication at the end) and not */
        codes_k2(C, h, it < 2 ? NULL : "1/3,2/3");
        random_point(W, eps, A, &R);
        GW = _fmpq_vec_init(h * n);
        Geps = _fmpq_vec_init(h);
        GW2 = _fmpq_vec_init(h * n);
        Geps2 = _fmpq_vec_init(h);
        ck_assert_int_eq(cpwl_ae_expect(L, GW, Geps, W, eps, A, C, 0, done,
                                        NULL, pred, e), 0);
        cpwl_codes_count(count, C);
        ck_assert(fmpz_equal(done, count));
        /* the per-code loop in the test */
        ref_expect(L2, GW2, Geps2, W, eps, A, C, 0);
        ck_assert(fmpq_equal(L, L2));
        ck_assert(vec_equal(GW, GW2, h * n));
        ck_assert(vec_equal(Geps, Geps2, h));

        /* the sum of per-code finite differences */
        fmpq_mat_init(D, h, n);
        fmpq_mat_init(Z, h, n);
        random_dir(D, deps, &R);
        for (i = 0; i < 2; i++)
        {
            const fmpq_mat_struct *DW = i == 1 ? Z : D;
            fmpq_zero(fd);
            cpwl_codes_iter_init(ci, C);
            while (cpwl_codes_iter_next(ci, C))
            {
                cpwl_dict_apply(y, A, ci->x);
                ck_assert(fd_deriv(d, W, DW, eps, deps, y));
                fmpq_addmul(fd, d, ci->p);
            }
            cpwl_codes_iter_clear(ci, C);
            pair(g, GW, Geps, DW, deps);
            ck_assert_msg(fmpq_equal(g, fd), "dictionary %ld, direction %ld: "
                          "<E grad, D> differs from E of the finite "
                          "differences", (long) it, (long) i);
        }
        (void) zero;
        fmpq_mat_clear(D);
        fmpq_mat_clear(Z);
        _fmpq_vec_clear(GW, h * n);
        _fmpq_vec_clear(Geps, h);
        _fmpq_vec_clear(GW2, h * n);
        _fmpq_vec_clear(Geps2, h);
        cpwl_codes_clear(C);
    }
    fmpq_clear(L);
    fmpq_clear(L2);
    fmpq_clear(g);
    fmpq_clear(d);
    fmpq_clear(fd);
    fmpz_clear(done);
    fmpz_clear(count);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 8);
    _fmpq_vec_clear(deps, 8);
    _fmpq_vec_clear(zero, 8);
    _fmpq_vec_clear(y, 4);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* The example's expectation: stop polled before the first code. */
START_TEST(test_stop)
{
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(6), *GW = _fmpq_vec_init(24);
    fmpq *Geps = _fmpq_vec_init(6);
    fmpq_t L;
    fmpz_t done;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    volatile sig_atomic_t stop = 1;
    slong i;

    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    fmpz_init(done);
    example_dict(A);
    transpose(W, A);
    for (i = 0; i < 6; i++)
        fmpq_one(eps + i);
    cpwl_codes_init(C);
    codes_k2(C, 6, NULL);
    fmpq_one(L);
    ck_assert_int_eq(cpwl_ae_expect(L, GW, Geps, W, eps, A, C, 0, done,
                                    &stop, pred, e), 3);
    ck_assert(fmpz_is_zero(done));
    ck_assert(fmpq_is_zero(L));
    /* W of the wrong size is refused */
    fmpq_mat_clear(W);
    fmpq_mat_init(W, 4, 6);
    ck_assert_int_eq(cpwl_ae_expect(L, GW, Geps, W, eps, A, C, 0, done,
                                    NULL, pred, e), 1);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    cpwl_codes_clear(C);
    fmpq_clear(L);
    fmpz_clear(done);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 6);
    _fmpq_vec_clear(GW, 24);
    _fmpq_vec_clear(Geps, 6);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* ---- other arithmetics -------------------------------------------------- */

/* W, eps as values of A (row-major). */
static void enter(cpwl_val_ptr Wv, cpwl_val_ptr ev, const fmpq_mat_t W,
                  const fmpq *eps, cpwl_arith_t A)
{
    slong h = fmpq_mat_nrows(W), n = fmpq_mat_ncols(W), i, j;
    for (i = 0; i < h; i++)
    {
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(Wv + i * n + j, fmpq_mat_entry(W, i, j), A);
        cpwl_val_set_fmpq(ev + i, eps + i, A);
    }
}

START_TEST(test_arb_contains)
{
    static const slong precs[2] = {64, 128};
    test_rng R;
    slong it, k, h, n, i;
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(8), *GW, *Geps;
    fmpq_t L;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;

    R.s = test_seed(0xae03);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    for (it = 0; it < 2; it++)
    {
        if (it == 0)
            example_dict(A);
        else
            union_dict(A);
        h = fmpq_mat_ncols(A);
        n = fmpq_mat_nrows(A);
        cpwl_codes_init(C);
        codes_k2(C, h, "1/3,2/3");
        random_point(W, eps, A, &R);
        GW = _fmpq_vec_init(h * n);
        Geps = _fmpq_vec_init(h);
        ck_assert_int_eq(cpwl_ae_expect(L, GW, Geps, W, eps, A, C, 0, NULL,
                                        NULL, pred, e), 0);
        for (k = 0; k < 2; k++)
        {
            cpwl_arith_t B;
            cpwl_val_ptr Wv, ev, Lv, Gv, Ev;
            cpwl_arith_init_arb(B, precs[k]);
            Wv = cpwl_val_vec_init(h * n, B);
            ev = cpwl_val_vec_init(h, B);
            Lv = cpwl_val_vec_init(1, B);
            Gv = cpwl_val_vec_init(h * n, B);
            Ev = cpwl_val_vec_init(h, B);
            enter(Wv, ev, W, eps, B);
            ck_assert_int_eq(cpwl_ae_expect_val(Lv, Gv, Ev, Wv, ev, A, C, 0,
                                                NULL, NULL, B, pred, e), 0);
            ck_assert(arb_contains_fmpq(&Lv->b, L));
            for (i = 0; i < h * n; i++)
                ck_assert(arb_contains_fmpq(&Gv[i].b, GW + i));
            for (i = 0; i < h; i++)
                ck_assert(arb_contains_fmpq(&Ev[i].b, Geps + i));
            cpwl_val_vec_clear(Wv, h * n, B);
            cpwl_val_vec_clear(ev, h, B);
            cpwl_val_vec_clear(Lv, 1, B);
            cpwl_val_vec_clear(Gv, h * n, B);
            cpwl_val_vec_clear(Ev, h, B);
            cpwl_arith_clear(B);
        }
        _fmpq_vec_clear(GW, h * n);
        _fmpq_vec_clear(Geps, h);
        cpwl_codes_clear(C);
    }
    fmpq_clear(L);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 8);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* One sample in plain C doubles, in the order docs/api/autoencoder.md
   states (no call into the library). */
static double plain_sample(double *GW, double *Geps, const double *W,
                           const double *eps, const double *y, slong h,
                           slong n, int relu_d0)
{
    double z[16], r[16], yhat[16], e[16], s, L;
    int a[16];
    slong i, j;
    for (i = 0; i < h; i++)
    {
        s = W[i * n] * y[0];
        for (j = 1; j < n; j++)
            s = s + W[i * n + j] * y[j];
        z[i] = s - eps[i];
        r[i] = z[i] > 0 ? z[i] : 0.0;
        a[i] = z[i] > 0 ? 1 : (z[i] == 0 ? relu_d0 : 0);
    }
    for (j = 0; j < n; j++)
        yhat[j] = 0.0;
    for (i = 0; i < h; i++)
        if (z[i] > 0)
            for (j = 0; j < n; j++)
                yhat[j] = yhat[j] + r[i] * W[i * n + j];
    for (j = 0; j < n; j++)
        e[j] = yhat[j] - y[j];
    s = e[0] * e[0];
    for (j = 1; j < n; j++)
        s = s + e[j] * e[j];
    L = s * 0.5;
    for (i = 0; i < h; i++)
    {
        double u;
        if (!a[i])
        {
            for (j = 0; j < n; j++)
                GW[i * n + j] = 0.0;
            Geps[i] = 0.0;
            continue;
        }
        u = W[i * n] * e[0];
        for (j = 1; j < n; j++)
            u = u + W[i * n + j] * e[j];
        for (j = 0; j < n; j++)
            GW[i * n + j] = r[i] * e[j] + u * y[j];
        Geps[i] = -u;
    }
    return L;
}

/* A random dyadic p / 2^20 with |p| < 2^40: entered exactly, and its
   products round. */
static double dyadic(fmpq_t q, test_rng *R)
{
    fmpq_set_si(q, test_range(R, -(WORD(1) << 40), WORD(1) << 40), 1);
    fmpq_div_2exp(q, q, 20);
    return fmpq_get_d(q);
}

START_TEST(test_binary64_plain)
{
    test_rng R;
    slong it, h = 6, n = 4, i;
    double Wd[24], ed[6], yd[4], G1[24], E1[6], L1;
    cpwl_val_ptr Wv, ev, yv, Lv, Gv, Ev;
    cpwl_arith_t A;
    cpwl_ae_work_t w;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    fmpq_t q;

    R.s = test_seed(0xae04);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_init(q);
    cpwl_arith_init_float(A, CPWL_IEEE_BINARY64, 0, 0);
    cpwl_ae_work_init(w, h, n, A);
    Wv = cpwl_val_vec_init(h * n, A);
    ev = cpwl_val_vec_init(h, A);
    yv = cpwl_val_vec_init(n, A);
    Lv = cpwl_val_vec_init(1, A);
    Gv = cpwl_val_vec_init(h * n, A);
    Ev = cpwl_val_vec_init(h, A);
    for (it = 0; it < test_iters(200); it++)
    {
        int rd = (int) (it & 1);
        for (i = 0; i < h * n; i++)
        {
            Wd[i] = dyadic(q, &R);
            cpwl_val_set_fmpq(Wv + i, q, A);
        }
        for (i = 0; i < h; i++)
        {
            ed[i] = dyadic(q, &R) / 4;
            fmpq_div_2exp(q, q, 2);
            cpwl_val_set_fmpq(ev + i, q, A);
        }
        for (i = 0; i < n; i++)
        {
            yd[i] = dyadic(q, &R);
            cpwl_val_set_fmpq(yv + i, q, A);
        }
        L1 = plain_sample(G1, E1, Wd, ed, yd, h, n, rd);
        ck_assert_int_eq(cpwl_ae_sample(Lv, Gv, Ev, NULL, Wv, ev, yv, NULL,
                                        rd, w, A, pred, e), 0);
        ck_assert(Lv->d == L1);
        for (i = 0; i < h * n; i++)
            ck_assert_msg(Gv[i].d == G1[i], "iteration %ld: GW[%ld] %a, "
                          "plain %a", (long) it, (long) i, Gv[i].d, G1[i]);
        for (i = 0; i < h; i++)
            ck_assert(Ev[i].d == E1[i]);
    }
    cpwl_val_vec_clear(Wv, h * n, A);
    cpwl_val_vec_clear(ev, h, A);
    cpwl_val_vec_clear(yv, n, A);
    cpwl_val_vec_clear(Lv, 1, A);
    cpwl_val_vec_clear(Gv, h * n, A);
    cpwl_val_vec_clear(Ev, h, A);
    cpwl_ae_work_clear(w, A);
    cpwl_arith_clear(A);
    fmpq_clear(q);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* ---- the objective ------------------------------------------------------ */

/* The expectation of one code x alone (a list of one code read from
   CSV), through cpwl_ae_expect. */
static void one_code_expect(fmpq_t L, fmpq *GW, const fmpq_mat_t W,
                            const fmpq *eps, const fmpq_mat_t A,
                            const fmpq *x)
{
    slong h = fmpq_mat_ncols(A), i;
    char buf[512];
    size_t len;
    cpwl_codes_t C;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    len = (size_t) snprintf(buf, sizeof(buf), "p");
    for (i = 0; i < h; i++)
        len += (size_t) snprintf(buf + len, sizeof(buf) - len, ",x%ld",
                                 (long) i + 1);
    len += (size_t) snprintf(buf + len, sizeof(buf) - len, "\n1");
    for (i = 0; i < h; i++)
    {
        char *s = fmpq_get_str(NULL, 10, x + i);
        len += (size_t) snprintf(buf + len, sizeof(buf) - len, ",%s", s);
        flint_free(s);
    }
    len += (size_t) snprintf(buf + len, sizeof(buf) - len, "\n");
    cpwl_codes_init(C);
    if (cpwl_codes_read_str(C, buf, len, "one code", h, e) != 0)
        ck_abort_msg("one code refused: %s", e->msg);
    ck_assert_int_eq(cpwl_ae_expect(L, GW, NULL, W, eps, A, C, 0, NULL, NULL,
                                    pred, e), 0);
    cpwl_codes_clear(C);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}

START_TEST(test_objective)
{
    static const slong terms[5] = {5, 0, 17, 5, 59};
    test_rng R;
    slong h = 6, n = 4, i, j, t, k;
    fmpq_mat_t A, W, Z;
    fmpq *eps = _fmpq_vec_init(6), *GW = _fmpq_vec_init(24);
    fmpq *GW2 = _fmpq_vec_init(24), *x = _fmpq_vec_init(6);
    fmpq_t L, L2, p;
    fmpz_t idx;
    cpwl_objective_t O;
    cpwl_codes_t C;
    cpwl_arith_t Q, F;
    cpwl_val_ptr xv, fv, gv, xf, ff, gf, ef, Lf, Gf, Ef;
    cpwl_pred_ctx_t pred;
    cpwl_err_t e;

    R.s = test_seed(0xae05);
    cpwl_err_init(e);
    cpwl_pred_ctx_init(pred);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    fmpq_init(L);
    fmpq_init(L2);
    fmpq_init(p);
    fmpz_init(idx);
    example_dict(A);
    random_point(W, eps, A, &R);
    cpwl_codes_init(C);
    codes_k2(C, h, "1/3,2/3");
    ck_assert_int_eq(cpwl_ae_objective_init(O, A, C, eps, 0, e), 0);
    /* the objective keeps copies */
    cpwl_codes_clear(C);
    cpwl_codes_init(C);
    codes_k2(C, h, "1/3,2/3");
    ck_assert_str_eq(O->name, "autoencoder");
    ck_assert_int_eq(O->dim, 24);
    ck_assert_int_eq(O->nterms, 60);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
            ck_assert(fmpq_equal(O->x1 + i * n + j, fmpq_mat_entry(A, j, i)));

    cpwl_arith_init_exact(Q);
    xv = cpwl_val_vec_init(24, Q);
    fv = cpwl_val_vec_init(1, Q);
    gv = cpwl_val_vec_init(24, Q);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
            cpwl_val_set_fmpq(xv + i * n + j, fmpq_mat_entry(W, i, j), Q);
    /* all terms: cpwl_ae_expect */
    ck_assert_int_eq(cpwl_objective_eval(fv, gv, xv, NULL, 0, 1, O, Q, e), 0);
    ck_assert_int_eq(cpwl_ae_expect(L, GW, NULL, W, eps, A, C, 0, NULL, NULL,
                                    pred, e), 0);
    ck_assert(fmpq_equal(&fv->q, L));
    for (i = 0; i < 24; i++)
        ck_assert(fmpq_equal(&gv[i].q, GW + i));
    /* some terms: the sum of p_c times each code's own expectation */
    ck_assert_int_eq(cpwl_objective_eval(fv, gv, xv, terms, 5, 1, O, Q, e), 0);
    fmpq_zero(L);
    vec_zero(GW, 24);
    for (t = 0; t < 5; t++)
    {
        fmpz_set_si(idx, terms[t]);
        cpwl_codes_get(x, p, NULL, &k, C, idx);
        one_code_expect(L2, GW2, W, eps, A, x);
        fmpq_addmul(L, L2, p);
        for (i = 0; i < 24; i++)
            fmpq_addmul(GW + i, GW2 + i, p);
    }
    ck_assert(fmpq_equal(&fv->q, L));
    for (i = 0; i < 24; i++)
        ck_assert(fmpq_equal(&gv[i].q, GW + i));

    /* binary64: the objective's operations are cpwl_ae_expect_val's */
    cpwl_arith_init_float(F, CPWL_IEEE_BINARY64, 0, 0);
    xf = cpwl_val_vec_init(24, F);
    ff = cpwl_val_vec_init(1, F);
    gf = cpwl_val_vec_init(24, F);
    ef = cpwl_val_vec_init(6, F);
    Lf = cpwl_val_vec_init(1, F);
    Gf = cpwl_val_vec_init(24, F);
    Ef = cpwl_val_vec_init(6, F);
    enter(xf, ef, W, eps, F);
    ck_assert_int_eq(cpwl_objective_eval(ff, gf, xf, NULL, 0, 1, O, F, e), 0);
    ck_assert_int_eq(cpwl_ae_expect_val(Lf, Gf, Ef, xf, ef, A, C, 0, NULL,
                                        NULL, F, pred, e), 0);
    ck_assert(ff->d == Lf->d);
    for (i = 0; i < 24; i++)
        ck_assert(gf[i].d == Gf[i].d);
    cpwl_val_vec_clear(xf, 24, F);
    cpwl_val_vec_clear(ff, 1, F);
    cpwl_val_vec_clear(gf, 24, F);
    cpwl_val_vec_clear(ef, 6, F);
    cpwl_val_vec_clear(Lf, 1, F);
    cpwl_val_vec_clear(Gf, 24, F);
    cpwl_val_vec_clear(Ef, 6, F);
    cpwl_arith_clear(F);
    cpwl_objective_clear(O);

    /* more than 2^31 - 1 codes: C(64, 8) = 4426165368 */
    fmpq_mat_init(Z, 2, 64);
    cpwl_codes_clear(C);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_set_supports(C, 64, 8, eps, NULL, 1, e), 0);
    ck_assert_int_eq(cpwl_ae_objective_init(O, Z, C, eps, 0, e), 1);
    ck_assert_int_eq(e->status, CPWL_ERR_INPUT);
    ck_assert_msg(strstr(e->msg, "4426165368") != NULL, "%s", e->msg);
    cpwl_objective_clear(O);
    fmpq_mat_clear(Z);

    cpwl_val_vec_clear(xv, 24, Q);
    cpwl_val_vec_clear(fv, 1, Q);
    cpwl_val_vec_clear(gv, 24, Q);
    cpwl_arith_clear(Q);
    cpwl_codes_clear(C);
    fmpq_clear(L);
    fmpq_clear(L2);
    fmpq_clear(p);
    fmpz_clear(idx);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 6);
    _fmpq_vec_clear(GW, 24);
    _fmpq_vec_clear(GW2, 24);
    _fmpq_vec_clear(x, 6);
    cpwl_pred_ctx_clear(pred);
    cpwl_err_clear(e);
}
END_TEST

/* ---- Monte-Carlo -------------------------------------------------------- */

START_TEST(test_mc)
{
    test_rng R;
    slong h = 6, n = 4, i, j, r, s, k, N = 8, Rr = 5;
    fmpq_mat_t A, W;
    fmpq *eps = _fmpq_vec_init(6), *x = _fmpq_vec_init(6);
    fmpq *y = _fmpq_vec_init(4);
    slong supp[6];
    double Wd[24], ed[6], yd[4], G[24], E[6], mean, sd, norm, want[5], m, v;
    cpwl_codes_t C;
    cpwl_err_t e;
    uint64_t seed, state;
    fmpq_t q;
    const char *one = "p,x1,x2,x3,x4,x5,x6\n1,3/2,0,0,1/2,5/4,0\n";
    const char *two = "p,x1,x2,x3,x4,x5,x6\n1/2,1,0,0,0,1,0\n"
        "1/2,1,0,0,0,0,0\n";

    seed = test_seed(0xae06);
    R.s = seed;
    cpwl_err_init(e);
    fmpq_init(q);
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    example_dict(A);

    /* one code: every repeat is that code's gradient norm in binary64 (N
       = 2 draws, R = 2 repeats: the sum of two equal doubles and the
       halving are exact; 3 x / 3 need not be x) */
    transpose(W, A);
    for (i = 0; i < h; i++)
        for (j = 0; j < n; j++)
        {
            fmpq_set_si(q, test_range(&R, -3, 3), 64);
            fmpq_add(fmpq_mat_entry(W, i, j), fmpq_mat_entry(W, i, j), q);
            Wd[i * n + j] = fmpq_get_d(fmpq_mat_entry(W, i, j));
        }
    for (i = 0; i < h; i++)
    {
        fmpq_set_si(eps + i, test_range(&R, 1, 15), 16);
        ed[i] = fmpq_get_d(eps + i);
    }
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_read_str(C, one, strlen(one), "one", 6, e),
                     0);
    set_list(x, "3/2,0,0,1/2,5/4,0", 6);
    cpwl_dict_apply(y, A, x);
    for (j = 0; j < n; j++)
        yd[j] = fmpq_get_d(y + j);
    plain_sample(G, E, Wd, ed, yd, h, n, 0);
    norm = G[0] * G[0];
    for (i = 1; i < h * n; i++)
        norm = norm + G[i] * G[i];
    norm = sqrt(norm);
    ck_assert(norm > 0);
    ck_assert_int_eq(cpwl_ae_mc_grad_norm(&mean, &sd, W, eps, A, C, 0, 2, 2,
                                          seed, e), 0);
    ck_assert_msg(mean == norm, "mean %a, norm %a", mean, norm);
    ck_assert(sd == 0.0);
    cpwl_codes_clear(C);

    /* two codes: at W = A^T, eps = 1/2 the example's code has gradient 0
       and e1's has norm 3/4, so a repeat's norm is (3/4) m / N for m
       draws of e1: the counts of a replay of the seeded draws */
    transpose(W, A);
    for (i = 0; i < h; i++)
        fmpq_set_si(eps + i, 1, 2);
    cpwl_codes_init(C);
    ck_assert_int_eq(cpwl_codes_read_str(C, two, strlen(two), "two", 6, e), 0);
    state = seed;
    for (r = 0; r < Rr; r++)
    {
        slong cnt = 0;
        for (s = 0; s < N; s++)
        {
            cpwl_codes_draw(x, supp, &k, C, &state);
            cnt += k == 1;
        }
        want[r] = 0.75 * (double) cnt / (double) N;
    }
    ck_assert_int_eq(cpwl_ae_mc_grad_norm(&mean, &sd, W, eps, A, C, 0, N, Rr,
                                          seed, e), 0);
    for (r = 0, m = 0; r < Rr; r++)
        m += want[r];
    m /= (double) Rr;
    for (r = 0, v = 0; r < Rr; r++)
        v += (want[r] - m) * (want[r] - m);
    v = sqrt(v / (double) (Rr - 1));
    ck_assert_msg(mean == m, "mean %a, replay %a", mean, m);
    ck_assert_msg(sd == v, "sd %a, replay %a", sd, v);
    ck_assert(sd > 0);
    /* no draw */
    ck_assert_int_eq(cpwl_ae_mc_grad_norm(&mean, &sd, W, eps, A, C, 0, 0, 1,
                                          seed, e), 1);
    cpwl_codes_clear(C);

    fmpq_clear(q);
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    _fmpq_vec_clear(eps, 6);
    _fmpq_vec_clear(x, 6);
    _fmpq_vec_clear(y, 4);
    cpwl_err_clear(e);
}
END_TEST

START_TEST(test_norms_perturb)
{
    fmpq *v = _fmpq_vec_init(3);
    fmpq_t r, d, s;
    fmpq_mat_t A, W;
    arb_t b;
    uint64_t st = 7;
    slong i, j;

    fmpq_init(r);
    fmpq_init(d);
    fmpq_init(s);
    arb_init(b);
    /* |(1/2, -3/2, 1)|^2 = 7/2; sqrt(9/4) = 3/2 exactly */
    set_list(v, "1/2,-3/2,1", 3);
    cpwl_ae_norm2(r, v, 3);
    check_q(r, "7/2", "norm2");
    fmpq_set_si(r, 9, 4);
    cpwl_ae_norm_arb(b, r, 64);
    ck_assert(arb_is_exact(b));
    arb_mul_2exp_si(b, b, 1);
    ck_assert(arb_equal_si(b, 3));
    fmpq_set_si(r, 1, 9);
    cpwl_ae_norm_arb(b, r, 64);
    fmpq_set_si(s, 1, 3);
    ck_assert(arb_contains_fmpq(b, s));
    ck_assert(arb_rel_accuracy_bits(b) >= 60);
    fmpq_set_si(r, 2, 1);
    cpwl_ae_norm_arb(b, r, 128);
    arb_sqr(b, b, 128);
    ck_assert(arb_contains_si(b, 2));

    /* |W - A^T|_F = delta exactly; the same seed the same W */
    fmpq_mat_init(A, 1, 1);
    fmpq_mat_init(W, 1, 1);
    example_dict(A);
    fmpq_set_si(d, 1, 10);
    cpwl_ae_perturb(W, A, d, 8, &st);
    ck_assert_int_eq(fmpq_mat_nrows(W), 6);
    ck_assert_int_eq(fmpq_mat_ncols(W), 4);
    fmpq_zero(r);
    for (i = 0; i < 6; i++)
        for (j = 0; j < 4; j++)
        {
            fmpq_sub(s, fmpq_mat_entry(W, i, j), fmpq_mat_entry(A, j, i));
            fmpq_addmul(r, s, s);
        }
    check_q(r, "1/100", "|W - A^T|^2");
    {
        fmpq_mat_t W2;
        uint64_t st2 = 7;
        fmpq_mat_init(W2, 2, 2);
        cpwl_ae_perturb(W2, A, d, 8, &st2);
        ck_assert(fmpq_mat_equal(W, W2));
        ck_assert(st2 == st);
        fmpq_mat_clear(W2);
    }
    fmpq_mat_clear(A);
    fmpq_mat_clear(W);
    arb_clear(b);
    fmpq_clear(r);
    fmpq_clear(d);
    fmpq_clear(s);
    _fmpq_vec_clear(v, 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("autoencoder");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_example);
    tcase_add_test(tc, test_fd_sample);
    tcase_add_test(tc, test_fd_expect);
    tcase_add_test(tc, test_stop);
    tcase_add_test(tc, test_arb_contains);
    tcase_add_test(tc, test_binary64_plain);
    tcase_add_test(tc, test_objective);
    tcase_add_test(tc, test_mc);
    tcase_add_test(tc, test_norms_perturb);
    suite_add_tcase(s, tc);
    return test_run(s);
}
