/* Tests of the n-D method's kernels (regions_nd_forms.c,
   regions_nd_box.c): the forms carried in integers against the exact
   rebuild, the bounding boxes against exact bounds on adversarial inputs
   (containment, docs/numerics.md "Bounding boxes of the n-D cells"), and
   that the box tests change no cell and save LPs. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl.h"
#include "testutil.h"
#include "qvec.h"
#include "regions_nd_impl.h"

/* One seed per process (CPWL_TEST_SEED mixes into it). */
#define SEED test_seed_once(20261128)

/* A box with the same bounds lo:hi in every coordinate (over den). */
static void set_box(fmpq *lo, fmpq *hi, slong d, slong a, slong b,
                    slong den)
{
    slong i;
    for (i = 0; i < d; i++)
    {
        fmpq_set_si(lo + i, a, den);
        fmpq_set_si(hi + i, b, den);
    }
}

/* The forms carried in integers (regions_nd_forms.c) against the exact
   rebuild forms_layer_fmpq, from the input and one step from every
   earlier layer, under random patterns: relu, leaky (negative, zero and
   large slopes) and identity layers, integer, fractional and 64-bit
   rational weights, and weights spread over 2^+-1100 (the lcm of a
   layer's denominators and the content removal at work). */
START_TEST(test_nd_forms_carry)
{
    static const int bits[] = {0, TEST_FRACTIONS, 30, 64};
    test_rng r;
    cpwl_net_t net;
    slong it;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(60); it++)
    {
        uint64_t seed = SEED + 9000 + it;
        slong d, depth, l, lp, i, j, ns, c;
        unsigned char *state;
        nd_weights w;
        r.s = seed;
        d = test_range(&r, 1, 4);
        depth = test_range(&r, 1, 5);
        cpwl_net_clear(net);
        cpwl_net_init(net, d);
        for (l = 0; l < depth; l++)
        {
            slong a = test_range(&r, 0, 3);
            cpwl_net_act_t act = a == 0 ? CPWL_NET_IDENTITY : a == 1 ? CPWL_NET_LEAKY_RELU
                            : CPWL_NET_RELU;
            cpwl_net_layer_struct *L = cpwl_net_add_layer(net, act,
                                                          test_range(&r, 1, 6));
            for (i = 0; i < L->out; i++)
            {
                for (j = 0; j < L->in; j++)
                    if (test_range(&r, 0, 4) > 0)
                        test_fmpq(fmpq_mat_entry(L->W, i, j), &r,
                                  bits[it % 4]);
                test_fmpq(L->b + i, &r, bits[(it + l) % 4]);
            }
            if (act == CPWL_NET_LEAKY_RELU)
                fmpq_set_si(L->slope,
                            test_range(&r, -3, 3) * ((slong) 1 << (4 * a)),
                            (ulong) test_range(&r, 1, 7));
        }
        cpwl_net_prepare(net);
        if (it % 5 == 4)
            test_scale_extreme(net, &r);
        ns = cpwl_net_num_states(net);
        state = flint_malloc(FLINT_MAX(ns, 1));
        for (i = 0; i < ns; i++)
            state[i] = (unsigned char) test_range(&r, 0, 1);
        nd_weights_init(&w, net);
        c = d + 1;
        for (l = 0; l < depth; l++)
        {
            slong out = net->layers[l].out;
            fmpq *Z = _fmpq_vec_init(out * c), *Y = _fmpq_vec_init(out * c);
            nd_forms *F = nd_forms_layer(net, &w, NULL, state, l);
            forms_layer_fmpq(Z, net, state, l);
            ck_assert(F->rows == out && F->layer == l
                      && fmpz_sgn(F->den) > 0);
            nd_forms_get_fmpq(Y, F);
            ck_assert_msg(qvec_equal(Y, Z, out * c), "seed %llu: layer %ld "
                          "from the input", (unsigned long long) seed,
                          (long) l);
            nd_forms_release(F);
            for (lp = 0; lp < l; lp++)
            {
                nd_forms *P = nd_forms_layer(net, &w, NULL, state, lp);
                F = nd_forms_layer(net, &w, P, state, l);
                nd_forms_release(P);
                nd_forms_get_fmpq(Y, F);
                ck_assert_msg(qvec_equal(Y, Z, out * c), "seed %llu: layer "
                              "%ld from layer %ld", (unsigned long long) seed,
                              (long) l, (long) lp);
                nd_forms_release(F);
            }
            _fmpq_vec_clear(Z, out * c);
            _fmpq_vec_clear(Y, out * c);
        }
        nd_weights_clear(&w, net);
        flint_free(state);
    }
    cpwl_net_clear(net);
}
END_TEST

/* ---- bounding boxes (regions_nd_box.c) ------------------------------- */

/* A random double over the whole range: mantissa of 53 bits, exponent
   in [-1074, 1000] (subnormals included), sign random; with probability
   1/8 a small integer (exact sums). */
static double box_rand_d(test_rng *r)
{
    double m = (double) (test_next(r) >> 11) * 0x1p-53;
    if (test_range(r, 0, 7) == 0)
        return (double) test_range(r, -4, 4);
    m = ldexp(m, (int) test_range(r, -1074, 1000));
    return test_range(r, 0, 1) ? -m : m;
}

/* A random rational coefficient: an integer of up to 200 bits, or a
   dyadic or odd fraction with tiny or huge scale. */
static void box_rand_q(fmpq_t q, test_rng *r, int scale)
{
    switch (test_range(r, 0, 3))
    {
        case 0:
            test_fmpq(q, r, 0);
            break;
        case 1:
            fmpz_set_ui(fmpq_numref(q), test_next(r));
            fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q),
                          (ulong) test_range(r, 0, 140));
            fmpz_one(fmpq_denref(q));
            if (test_next(r) & 1)
                fmpz_neg(fmpq_numref(q), fmpq_numref(q));
            break;
        default:
            test_fmpq(q, r, 40);
            if (scale >= 0)
                fmpq_mul_2exp(q, q, (ulong) scale);
            else
                fmpq_div_2exp(q, q, (ulong) -scale);
    }
}

/* The exact minimum of s z over the box (finite sides, box_rand). */
static void box_min_exact(fmpq_t v, const double *box, const fmpq *z, int s,
                          slong d)
{
    slong i;
    fmpq_t b, t;
    fmpq_init(b);
    fmpq_init(t);
    fmpq_set(v, z + d);
    for (i = 0; i < d; i++)
    {
        test_fmpq_of_d(b, box[2 * i + (s * fmpq_sgn(z + i) < 0)]);
        fmpq_addmul(v, z + i, b);
    }
    if (s < 0)
        fmpq_neg(v, v);
    fmpq_clear(b);
    fmpq_clear(t);
}

/* Random box: sides ordered, one side infinite now and then. */
static void box_rand(double *box, test_rng *r, slong d, int inf)
{
    slong i;
    for (i = 0; i < d; i++)
    {
        double a = box_rand_d(r), b = box_rand_d(r);
        box[2 * i] = a < b ? a : b;
        box[2 * i + 1] = a < b ? b : a;
        if (inf && test_range(r, 0, 5) == 0)
            box[2 * i + test_range(r, 0, 1)] = test_range(r, 0, 1)
                                               ? INFINITY : -INFINITY;
        if (box[2 * i] == INFINITY)
            box[2 * i] = -INFINITY;
        if (box[2 * i + 1] == -INFINITY)
            box[2 * i + 1] = INFINITY;
    }
}

/* Set the constant of z so that its minimum over box is within a few
   units of 0 (the largest cancellation the test can make). */
static void box_cancel(fmpq *z, const double *box, test_rng *r, slong d)
{
    fmpq_t v;
    fmpq_init(v);
    fmpq_zero(z + d);
    box_min_exact(v, box, z, 1, d);
    fmpq_neg(z + d, v);
    fmpq_set_si(v, test_range(r, -2, 2), 1);
    fmpq_add(z + d, z + d, v);
    fmpq_clear(v);
}

/* nd_box_min against the exact minimum over random boxes with huge,
   tiny and subnormal sides, coefficients of up to 200 bits or scaled by
   2^+-1000, and constants chosen for cancellation: |v - min| <= err
   (exactly), and err is small where the terms are. */
START_TEST(test_nd_box_min)
{
    test_rng r;
    slong it, i, d;
    fmpq *z = _fmpq_vec_init(5);
    fmpq_t ex, t, e;
    double box[8], v, err;
    fmpq_init(ex);
    fmpq_init(t);
    fmpq_init(e);
    r.s = SEED + 11000;
    for (it = 0; it < test_iters(6000); it++)
    {
        int s = test_range(&r, 0, 1) ? 1 : -1;
        int scale = (int) test_range(&r, -1000, 1000);
        d = test_range(&r, 1, 4);
        box_rand(box, &r, d, 0);
        for (i = 0; i <= d; i++)
            box_rand_q(z + i, &r, scale);
        if (it % 3 == 0)
            box_cancel(z, box, &r, d);
        if (!nd_box_min(&v, &err, box, z, s, d))
            continue;
        box_min_exact(ex, box, z, s, d);
        test_fmpq_of_d(t, v);
        fmpq_sub(t, t, ex);
        fmpq_abs(t, t);
        test_fmpq_of_d(e, err);
        ck_assert_msg(fmpq_cmp(t, e) <= 0, "iteration %ld: the minimum "
                      "lies outside v +- err", (long) it);
    }
    /* By hand: y0 - 2 y1 + 1/2 over [0, 1] x [-1, 3], s = -1: the
       minimum of -z is -(1 + 2 + 1/2) = -7/2, exact. */
    box[0] = 0;
    box[1] = 1;
    box[2] = -1;
    box[3] = 3;
    fmpq_set_si(z + 0, 1, 1);
    fmpq_set_si(z + 1, -2, 1);
    fmpq_set_si(z + 2, 1, 2);
    ck_assert(nd_box_min(&v, &err, box, z, -1, 2));
    ck_assert(v == -3.5 && err < 1e-14);
    box[3] = INFINITY;          /* z unbounded below: no bound */
    ck_assert(!nd_box_min(&v, &err, box, z, 1, 2));
    _fmpq_vec_clear(z, 5);
    fmpq_clear(ex);
    fmpq_clear(t);
    fmpq_clear(e);
}
END_TEST

/* nd_box_cut (and nd_box_init) keep an outer box: every side moves
   inwards only as far as the exact bound of the constraint allows, i.e.
   lo_i <= max(old lo_i, -M_i / g_i) for g_i > 0 (and the mirror for
   g_i < 0), M_i = c + sum_{j != i} g_j (the side maximising g_j y_j),
   with the sides of the coordinates before i already updated (the
   order of the cut); on random boxes with infinite sides, adversarial
   coefficients and near-total cancellation.  A closed form shows that it
   does tighten. */
START_TEST(test_nd_box_cut)
{
    test_rng r;
    slong it, i, j, d;
    fmpq *h = _fmpq_vec_init(5), *lo = _fmpq_vec_init(4),
        *hi = _fmpq_vec_init(4);
    fmpq_t M, b, t;
    double old[8], box[8];
    fmpq_init(M);
    fmpq_init(b);
    fmpq_init(t);
    r.s = SEED + 12000;
    for (it = 0; it < test_iters(6000); it++)
    {
        int scale = (int) test_range(&r, -1000, 1000);
        d = test_range(&r, 1, 4);
        box_rand(old, &r, d, 1);
        for (i = 0; i <= d; i++)
            box_rand_q(h + i, &r, scale);
        if (it % 3 == 0)
        {
            /* cancellation: the constraint's zero set near a corner */
            double fin[8];
            memcpy(fin, old, sizeof fin);
            for (i = 0; i < 2 * d; i++)
                if (!isfinite(fin[i]))
                    fin[i] = 0;
            box_cancel(h, fin, &r, d);
        }
        memcpy(box, old, sizeof box);
        nd_box_cut(box, h, d);
        for (i = 0; i < d; i++)
        {
            int ok = 1, pos = fmpq_sgn(h + i) > 0;
            ck_assert(box[2 * i] >= old[2 * i]
                      && box[2 * i + 1] <= old[2 * i + 1]);
            if (fmpq_is_zero(h + i))
            {
                ck_assert(box[2 * i] == old[2 * i]
                          && box[2 * i + 1] == old[2 * i + 1]);
                continue;
            }
            fmpq_set(M, h + d);
            for (j = 0; j < d && ok; j++)
            {
                double s;
                if (j == i || fmpq_is_zero(h + j))
                    continue;
                s = (j < i ? box : old)[2 * j + (fmpq_sgn(h + j) > 0)];
                ok = isfinite(s);
                if (ok)
                {
                    test_fmpq_of_d(b, s);
                    fmpq_addmul(M, h + j, b);
                }
            }
            if (!ok)
            {
                ck_assert(box[2 * i] == old[2 * i]
                          && box[2 * i + 1] == old[2 * i + 1]);
                continue;
            }
            fmpq_neg(M, M);
            fmpq_div(M, M, h + i);          /* the exact bound */
            /* the moved side must not pass it */
            if (box[2 * i + !pos] != old[2 * i + !pos])
            {
                test_fmpq_of_d(t, box[2 * i + !pos]);
                ck_assert_msg(pos ? fmpq_cmp(t, M) <= 0
                              : fmpq_cmp(t, M) >= 0, "iteration %ld, "
                              "coordinate %ld: past the exact bound",
                              (long) it, (long) i);
            }
            ck_assert(box[2 * i + pos] == old[2 * i + pos]);
        }
    }
    /* nd_box_init rounds outwards: [1/3, 2^2000] becomes [<= 1/3, inf). */
    fmpq_set_si(lo, 1, 3);
    fmpq_one(hi);
    fmpq_mul_2exp(hi, hi, 2000);
    fmpq_set_si(lo + 1, -7, 10);
    fmpq_set_si(hi + 1, 1, 10);
    nd_box_init(box, lo, hi, 2);
    test_fmpq_of_d(t, box[0]);
    ck_assert(fmpq_cmp(t, lo) <= 0 && box[0] > 0.333333);
    ck_assert(box[1] == INFINITY);
    test_fmpq_of_d(t, box[2]);
    ck_assert(fmpq_cmp(t, lo + 1) <= 0 && box[2] > -0.7000001);
    test_fmpq_of_d(t, box[3]);
    ck_assert(fmpq_cmp(t, hi + 1) >= 0 && box[3] < 0.1000001);
    nd_box_init(box, NULL, NULL, 2);
    ck_assert(box[0] == -INFINITY && box[3] == INFINITY);
    /* By hand: -y0 - y1 - y2 - 5/2 > 0 on [-1, 1]^3 puts every y_i
       below -1/2 (and no further); nd_box_tighten does the same. */
    for (i = 0; i < 3; i++)
    {
        old[2 * i] = -1;
        old[2 * i + 1] = 1;
        fmpq_set_si(h + i, -1, 1);
    }
    fmpq_set_si(h + 3, -5, 2);
    memcpy(box, old, sizeof box);
    nd_box_tighten(box, h, 1, 3, 2);
    for (i = 0; i < 3; i++)
        ck_assert(box[2 * i] == -1 && box[2 * i + 1] >= -0.5
                  && box[2 * i + 1] < -0.4999999);
    _fmpq_vec_clear(h, 5);
    _fmpq_vec_clear(lo, 4);
    _fmpq_vec_clear(hi, 4);
    fmpq_clear(M);
    fmpq_clear(b);
    fmpq_clear(t);
}
END_TEST

/* The box test saves LPs and changes nothing: on seeded nets on a box,
   the cells (patterns, in order) are those of the exact-only run, which
   decides every neuron by LP, with fewer LPs. */
START_TEST(test_nd_box_saves)
{
    test_rng r;
    cpwl_net_t net;
    slong it, d, i, saved = 0;
    cpwl_net_init(net, 1);
    for (it = 0; it < test_iters(6); it++)
    {
        cpwl_regions_t R[2];
        uint64_t seed = SEED + 13000 + it;
        fmpq *lo, *hi;
        int k;
        r.s = seed;
        d = 3;
        test_rich_net(net, &r, d, 3, 7);
        lo = _fmpq_vec_init(d);
        hi = _fmpq_vec_init(d);
        set_box(lo, hi, d, -1, 2, 3);
        for (k = 0; k < 2; k++)
        {
            cpwl_regions_opts o;
            cpwl_pred_ctx_t pc;
            cpwl_err_t e;
            cpwl_pred_ctx_init(pc);
            pc->exact_only = k;
            cpwl_regions_opts_init(&o, pc);
            cpwl_err_init(e);
            cpwl_regions_init(R[k], d, 1, cpwl_net_num_states(net));
            ck_assert(cpwl_regions_nd(R[k], net, lo, hi, &o, e) == CPWL_OK);
            cpwl_pred_ctx_clear(pc);
        }
        ck_assert_msg(R[0]->ncells == R[1]->ncells, "seed %llu: %ld cells, exact only %ld",
                      (unsigned long long) seed, (long) R[0]->ncells,
                      (long) R[1]->ncells);
        for (i = 0; i < R[0]->ncells; i++)
            ck_assert(memcmp(R[0]->cells[i].state, R[1]->cells[i].state,
                             FLINT_MAX(R[0]->nstates, 1)) == 0);
        ck_assert(R[0]->lp_solved <= R[1]->lp_solved);
        saved += R[1]->lp_solved - R[0]->lp_solved;
        cpwl_regions_clear(R[0]);
        cpwl_regions_clear(R[1]);
        _fmpq_vec_clear(lo, d);
        _fmpq_vec_clear(hi, d);
    }
    ck_assert(saved > 0);
    cpwl_net_clear(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nd_box");
    TCase *t = tcase_create("nd_box");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_nd_forms_carry);
    tcase_add_test(t, test_nd_box_min);
    tcase_add_test(t, test_nd_box_cut);
    tcase_add_test(t, test_nd_box_saves);
    suite_add_tcase(s, t);
    return test_run(s);
}
