/* Tests of the affine forms under a pattern: the forms evaluated at a
   point must give the pre-activations computed directly by the network
   (net_preacts_fmpq, an independent forward pass) at every point of the
   pattern's region; the backward row must equal the forward layer; the
   double forms must lie within their proven bounds of the exact ones
   (compared as rationals). */
#include <math.h>
#include "testutil.h"

#define SEED 20261127

/* The exact rational value of a double. */
static void fmpq_of_d(fmpq_t q, double x)
{
    arf_t a;
    arf_init(a);
    arf_set_d(a, x);
    arf_get_fmpq(q, a);
    arf_clear(a);
}

static void check_net(const net_t net, test_rng *r, int bits, uint64_t seed)
{
    slong n = net->input_dim, c = n + 1, l, j, k, trial;
    slong ns = net_num_states(net);
    unsigned char *st = flint_malloc(FLINT_MAX(ns, 1));
    fmpq *x = _fmpq_vec_init(n);
    fmpq **z = net_preacts_init(net);
    fmpq_t v, t;
    fmpq_init(v);
    fmpq_init(t);

    for (trial = 0; trial < 4; trial++)
    {
        for (k = 0; k < n; k++)
            test_fmpq(x + k, r, bits);
        net_pattern_exact(st, net, x);
        net_preacts_fmpq(z, net, x);
        for (l = 0; l < net->nlayers; l++)
        {
            slong w = net->layers[l].out;
            fmpq *Z = _fmpq_vec_init(w * c), *row = _fmpq_vec_init(c);
            double *Zd = flint_malloc(w * c * sizeof(double));
            double *Ed = flint_malloc(w * c * sizeof(double));
            int ok;
            forms_layer_fmpq(Z, net, st, l);
            ok = forms_layer_d(Zd, Ed, net, st, l);
            for (j = 0; j < w; j++)
            {
                /* the form at x is the pre-activation at x */
                fmpq_set(v, Z + j * c + n);
                for (k = 0; k < n; k++)
                    fmpq_addmul(v, Z + j * c + k, x + k);
                ck_assert_msg(fmpq_equal(v, z[l] + j), "seed %llu layer %ld "
                              "neuron %ld: form != pre-activation",
                              (unsigned long long) seed, (long) l, (long) j);
                /* the backward row is the same form */
                forms_row_fmpq(row, net, st, l, j);
                for (k = 0; k < c; k++)
                    ck_assert_msg(fmpq_equal(row + k, Z + j * c + k),
                                  "seed %llu: row != layer form",
                                  (unsigned long long) seed);
                /* the double form is within its bound, exactly */
                for (k = 0; ok && k < c; k++)
                {
                    fmpq_of_d(t, Zd[j * c + k]);
                    fmpq_sub(t, t, Z + j * c + k);
                    fmpq_abs(t, t);
                    fmpq_of_d(v, Ed[j * c + k]);
                    ck_assert_msg(fmpq_cmp(t, v) <= 0, "seed %llu: double "
                                  "form outside its bound",
                                  (unsigned long long) seed);
                }
            }
            _fmpq_vec_clear(Z, w * c);
            _fmpq_vec_clear(row, c);
            flint_free(Zd);
            flint_free(Ed);
        }
    }
    fmpq_clear(v);
    fmpq_clear(t);
    net_preacts_clear(z, net);
    _fmpq_vec_clear(x, n);
    flint_free(st);
}

START_TEST(test_forms_random)
{
    static const int bits[] = {0, 8, 30};
    test_rng r;
    slong i;
    net_t net;
    net_init(net, 1);
    for (i = 0; i < 120; i++)
    {
        uint64_t seed = SEED + i;
        r.s = seed;
        test_random_net(net, &r, test_range(&r, 1, 4), test_range(&r, 1, 4),
                        6, bits[i % 3]);
        check_net(net, &r, bits[i % 3], seed);
    }
    net_clear(net);
}
END_TEST

/* Hand-computed: layer 0 = (relu(x - y), relu(y)), layer 1 =
   relu(a_0 - 1).  Where the first neuron is on and the second off, the
   pre-activation of layer 1 is x - y - 1: the form (1, -1, -1). */
START_TEST(test_forms_hand)
{
    net_t net;
    net_layer_struct *L;
    fmpq *Z = _fmpq_vec_init(3);
    net_init(net, 2);
    L = net_add_layer(net, NET_RELU, 2);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), 1, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 1), -1, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 1, 1), 1, 1);   /* relu(y): off below */
    L = net_add_layer(net, NET_RELU, 1);
    fmpq_set_si(fmpq_mat_entry(L->W, 0, 0), 1, 1);
    fmpq_set_si(L->b + 0, -1, 1);
    L = net_add_layer(net, NET_IDENTITY, 1);
    net_prepare(net);
    /* state bytes: layer 0 (two), layer 1 (one); the output has none */
    {
        unsigned char s3[3] = {1, 0, 1};
        forms_layer_fmpq(Z, net, s3, 1);          /* z_1 = (x - y) - 1 */
        ck_assert(fmpq_equal_si(Z + 0, 1) && fmpq_equal_si(Z + 1, -1)
                  && fmpq_equal_si(Z + 2, -1));
    }
    ck_assert_int_eq(forms_state_offset(net, 0), 0);
    ck_assert_int_eq(forms_state_offset(net, 1), 2);
    ck_assert_int_eq(forms_state_offset(net, 2), -1);
    _fmpq_vec_clear(Z, 3);
    net_clear(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("forms");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_forms_hand);
    tcase_add_test(tc, test_forms_random);
    suite_add_tcase(s, tc);
    return test_run(s);
}
