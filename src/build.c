/* Networks of the constructive theorems of Arora, Basu, Mianjy and
   Mukherjee (ICLR 2018); see cpwl/build.h and docs/constructions.md. */
#include <string.h>
#include "cpwl/build.h"
#include "qvec.h"

/* The minimum-size search of cpwl_build_pwl1d looks at subsets of the slope
   jumps by meeting in the middle: 2^16 sums per half at most. */
#define PWL1D_MAX_JUMPS 32

static int bad_q(cpwl_err_t e, const char *fmt1, const fmpq_t q,
                 const char *fmt2)
{
    char *s = fmpq_get_str(NULL, 10, q);
    int st = cpwl_err_set(e, CPWL_ERR_INPUT, "%s%s%s", fmt1, s, fmt2);
    flint_free(s);
    return st;
}

/* Only cpwl_build_pwl1d takes an output bias (output_bias = 1); the other
   constructions have none (SPEC section 1).  A construction that came out
   affine with a constant (an all-affine max-sum or lattice form) carries
   L(x) as relu(L(x)) - relu(-L(x)) instead of a bias. */
static void finish(cpwl_net_t out, cpwl_net_t t, int output_bias)
{
    const cpwl_net_layer_struct *L = t->layers + t->nlayers - 1;
    if (!output_bias && t->nlayers == 1 && !qvec_is_zero(L->b, L->out))
    {
        cpwl_net_t u;
        cpwl_net_layer_struct *H, *O;
        slong i, j, m = L->out, n = L->in;
        cpwl_net_init(u, n);
        H = cpwl_net_add_layer(u, CPWL_NET_RELU, 2 * m);
        O = cpwl_net_add_layer(u, CPWL_NET_IDENTITY, m);
        for (i = 0; i < m; i++)
        {
            for (j = 0; j < n; j++)
            {
                fmpq_set(fmpq_mat_entry(H->W, i, j),
                         fmpq_mat_entry(L->W, i, j));
                fmpq_neg(fmpq_mat_entry(H->W, m + i, j),
                         fmpq_mat_entry(L->W, i, j));
            }
            fmpq_set(H->b + i, L->b + i);
            fmpq_neg(H->b + m + i, L->b + i);
            fmpq_one(fmpq_mat_entry(O->W, i, i));
            fmpq_set_si(fmpq_mat_entry(O->W, i, m + i), -1, 1);
        }
        cpwl_net_swap(u, t);
        cpwl_net_clear(u);
        L = t->layers + t->nlayers - 1;
    }
    t->output_bias = output_bias || !qvec_is_zero(L->b, L->out);
    cpwl_net_prepare(t);
    cpwl_net_swap(out, t);
    cpwl_net_clear(t);
}

/* ---- zig-zags and the hard family ------------------------------------ */

/* a (w entries) must be a point of the open simplex, w >= 2. */
static int check_simplex(const fmpq *a, slong w, const char *who,
                         const char *name, cpwl_err_t e)
{
    char buf[256];
    slong i;
    fmpq_t s;
    if (w < 2)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: w >= 2 is required (w = "
                            "%ld)", who, (long) w);
    for (i = 0; i < w; i++)
        if (fmpq_sgn(a + i) <= 0)
        {
            snprintf(buf, sizeof buf, "%s: %s must lie in the open simplex:"
                     " %s_%ld = ", who, name, name, (long) i + 1);
            return bad_q(e, buf, a + i, " is not > 0");
        }
    fmpq_init(s);
    for (i = 0; i < w; i++)
        fmpq_add(s, s, a + i);
    if (!fmpq_is_one(s))
    {
        int st;
        snprintf(buf, sizeof buf, "%s: %s must lie in the open simplex: "
                 "its entries sum to ", who, name);
        st = bad_q(e, buf, s, ", not 1");
        fmpq_clear(s);
        return st;
    }
    fmpq_clear(s);
    return CPWL_OK;
}

/* h_a(x) = sum_i c_i relu(x - t_i): t_1 = 0, t_i = a_1 + ... + a_{i-1};
   the slope on piece i is (-1)^(i-1) / a_i (up by 1 or down to 0 over
   length a_i), so c_1 = 1/a_1 and c_i is the slope change at t_i. */
static void zigzag_coeffs(fmpq *t, fmpq *c, const fmpq *a, slong w)
{
    slong i;
    fmpq_t s, prev;
    fmpq_init(s);
    fmpq_init(prev);
    fmpq_zero(t);
    for (i = 0; i < w; i++)
    {
        if (i > 0)
            fmpq_add(t + i, t + i - 1, a + i - 1);
        fmpq_inv(s, a + i);
        if (i % 2 == 1)
            fmpq_neg(s, s);
        fmpq_sub(c + i, s, prev);
        fmpq_swap(s, prev);
    }
    fmpq_clear(s);
    fmpq_clear(prev);
}

/* h_{a^k} o ... o h_{a^1}: layer l holds relu(h-input - t^l_i), the
   output map of one zig-zag merged into the next layer (Arora et al.,
   section 3.1: w^k pieces with k hidden layers of width w). */
static int hard_impl(cpwl_net_t out, const fmpq *a, slong w, slong k,
                     const char *who, cpwl_err_t e)
{
    fmpq *t, *c, *cprev;
    cpwl_net_layer_struct *L;
    slong l, i, j;
    cpwl_net_t net;
    char name[48];

    if (k < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "%s: k >= 1 is required (k = "
                            "%ld)", who, (long) k);
    for (l = 0; l < k; l++)
    {
        int st;
        if (k == 1)
            snprintf(name, sizeof name, "a");
        else
            snprintf(name, sizeof name, "a^%ld", (long) l + 1);
        st = check_simplex(a + l * w, w, who, name, e);
        if (st != CPWL_OK)
            return st;
    }
    t = _fmpq_vec_init(w);
    c = _fmpq_vec_init(w);
    cprev = _fmpq_vec_init(w);
    cpwl_net_init(net, 1);
    for (l = 0; l < k; l++)
    {
        zigzag_coeffs(t, c, a + l * w, w);
        L = cpwl_net_add_layer(net, CPWL_NET_RELU, w);
        for (i = 0; i < w; i++)
        {
            for (j = 0; j < L->in; j++)
            {
                if (l == 0)
                    fmpq_one(fmpq_mat_entry(L->W, i, j));
                else
                    fmpq_set(fmpq_mat_entry(L->W, i, j), cprev + j);
            }
            fmpq_neg(L->b + i, t + i);
        }
        qvec_set(cprev, c, w);
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (j = 0; j < w; j++)
        fmpq_set(fmpq_mat_entry(L->W, 0, j), cprev + j);
    finish(out, net, 0);
    _fmpq_vec_clear(t, w);
    _fmpq_vec_clear(c, w);
    _fmpq_vec_clear(cprev, w);
    return CPWL_OK;
}

int cpwl_build_zigzag(cpwl_net_t out, const fmpq *a, slong w, cpwl_err_t e)
{
    return hard_impl(out, a, w, 1, "zigzag", e);
}

int cpwl_build_hard(cpwl_net_t out, const fmpq *a, slong w, slong k, cpwl_err_t e)
{
    if (w < 2)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "hard: w >= 2 is required (w = "
                            "%ld)", (long) w);
    return hard_impl(out, a, w, k, "hard", e);
}

int cpwl_build_sawtooth(cpwl_net_t out, slong k, cpwl_err_t e)
{
    fmpq *a;
    slong i;
    int st;
    if (k < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "sawtooth: k >= 1 is required "
                            "(k = %ld)", (long) k);
    a = _fmpq_vec_init(2 * k);
    for (i = 0; i < 2 * k; i++)
        fmpq_set_si(a + i, 1, 2);
    st = hard_impl(out, a, 2, k, "sawtooth", e);
    _fmpq_vec_clear(a, 2 * k);
    return st;
}

/* ---- zonotopes ------------------------------------------------------- */

int cpwl_build_zonotope(cpwl_net_t out, const fmpq *b, slong m, slong n, cpwl_err_t e)
{
    cpwl_net_layer_struct *L;
    slong i, j;
    cpwl_net_t net;
    if (n < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "zonotope: n >= 1 is required "
                            "(n = %ld)", (long) n);
    if (m < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "zonotope: at least one "
                            "generator is required (m = %ld)", (long) m);
    for (i = 0; i < m; i++)
        if (qvec_is_zero(b + i * n, n))
            return cpwl_err_set(e, CPWL_ERR_INPUT, "zonotope: generator %ld is "
                                "zero", (long) i + 1);
    /* |<b_i, x>| = relu(<b_i, x>) + relu(-<b_i, x>) */
    cpwl_net_init(net, n);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, 2 * m);
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++)
        {
            fmpq_set(fmpq_mat_entry(L->W, 2 * i, j), b + i * n + j);
            fmpq_neg(fmpq_mat_entry(L->W, 2 * i + 1, j), b + i * n + j);
        }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (i = 0; i < 2 * m; i++)
        fmpq_one(fmpq_mat_entry(L->W, 0, i));
    finish(out, net, 0);
    return CPWL_OK;
}

/* ---- max tournaments ------------------------------------------------- */

/* Items are affine forms over the outputs of the last layer built (d
   coefficients, then the constant), in groups of consecutive items; one
   level pairs the items of every group, max(a, b) for each pair, in one
   relu layer, until every group holds one item. */
#define ITEM_ZERO 1             /* the constant 0, no form */
#define ITEM_NONNEG 2           /* a value >= 0 everywhere */

typedef struct
{
    slong d;
    slong n;
    fmpq *f;                    /* n x (d + 1) */
    int *flag;
    slong *group;               /* nondecreasing */
}
tour_t;

static void tour_init(tour_t *T, slong d, slong n)
{
    T->d = d;
    T->n = n;
    T->f = _fmpq_vec_init(n * (d + 1));
    T->flag = flint_calloc(FLINT_MAX(n, 1), sizeof(int));
    T->group = flint_calloc(FLINT_MAX(n, 1), sizeof(slong));
}

static void tour_clear(tour_t *T)
{
    _fmpq_vec_clear(T->f, T->n * (T->d + 1));
    flint_free(T->flag);
    flint_free(T->group);
}

/* A new item of the next level: sum of sg[i] * unit[idx[i]]. */
typedef struct
{
    slong cnt;
    slong idx[3];
    int sg[3];
    int flag;
    slong group;
}
next_t;

typedef struct
{
    slong d;
    slong nu;
    fmpq *u;                    /* unit forms, (d + 1) each */
}
units_t;

/* A unit relu(sa a + sb b) (b may be NULL); the index it got. */
static slong add_unit(units_t *U, const fmpq *a, int sa, const fmpq *b,
                      int sb)
{
    fmpq *r = U->u + U->nu * (U->d + 1);
    slong i;
    for (i = 0; i <= U->d; i++)
    {
        if (sa > 0)
            fmpq_set(r + i, a + i);
        else
            fmpq_neg(r + i, a + i);
        if (b != NULL)
        {
            if (sb > 0)
                fmpq_add(r + i, r + i, b + i);
            else
                fmpq_sub(r + i, r + i, b + i);
        }
    }
    return U->nu++;
}

static void push(next_t *N, slong idx, int sg)
{
    N->idx[N->cnt] = idx;
    N->sg[N->cnt++] = sg;
}

/* max(a, b) as relu(a - b) + relu(b) - relu(-b) (3 units), or with
   fewer units when b >= 0 (relu(a - b) + relu(b)) or b = 0 (relu(a)). */
static void tour_max2(next_t *N, units_t *U, const tour_t *T, slong i,
                      slong j)
{
    const fmpq *a, *b;
    int fa = T->flag[i], fb = T->flag[j];
    N->cnt = 0;
    if ((fa & ITEM_ZERO) && (fb & ITEM_ZERO))
    {
        N->flag = ITEM_ZERO;
        return;
    }
    if ((fa & ITEM_ZERO) || ((fa & ITEM_NONNEG) && !(fb & ITEM_ZERO)))
    {
        slong s = i;
        int f = fa;
        i = j, j = s;
        fa = fb, fb = f;
    }
    a = T->f + i * (T->d + 1);
    b = T->f + j * (T->d + 1);
    N->flag = ITEM_NONNEG;
    if (fb & ITEM_ZERO)
    {
        push(N, add_unit(U, a, 1, NULL, 0), 1);
        return;
    }
    push(N, add_unit(U, a, 1, b, -1), 1);
    push(N, add_unit(U, b, 1, NULL, 0), 1);
    if (!(fb & ITEM_NONNEG))
    {
        push(N, add_unit(U, b, -1, NULL, 0), -1);
        N->flag = 0;
    }
}

/* a itself, through relu(a) - relu(-a) (relu(a) when a >= 0). */
static void tour_carry(next_t *N, units_t *U, const tour_t *T, slong i)
{
    const fmpq *a = T->f + i * (T->d + 1);
    N->cnt = 0;
    N->flag = T->flag[i];
    if (N->flag & ITEM_ZERO)
        return;
    push(N, add_unit(U, a, 1, NULL, 0), 1);
    if (!(N->flag & ITEM_NONNEG))
        push(N, add_unit(U, a, -1, NULL, 0), -1);
}

static int tour_done(const tour_t *T)
{
    slong i;
    for (i = 1; i < T->n; i++)
        if (T->group[i] == T->group[i - 1])
            return 0;
    return 1;
}

/* One level: a relu layer appended to net, T replaced by the next one. */
static void tour_level(cpwl_net_t net, tour_t *T)
{
    slong i, s, k, nn = 0;
    next_t *N = flint_malloc(T->n * sizeof(next_t));
    units_t U;
    cpwl_net_layer_struct *L;
    tour_t T2;

    U.d = T->d;
    U.nu = 0;
    U.u = _fmpq_vec_init(2 * T->n * (T->d + 1));
    for (s = 0; s < T->n; s = i)
    {
        for (i = s; i < T->n && T->group[i] == T->group[s]; i++)
            ;
        for (k = s; k + 1 < i; k += 2)
        {
            N[nn].group = T->group[s];
            tour_max2(N + nn++, &U, T, k, k + 1);
        }
        if (k < i)
        {
            N[nn].group = T->group[s];
            tour_carry(N + nn++, &U, T, k);
        }
    }
    FLINT_ASSERT(U.nu > 0);
    L = cpwl_net_add_layer(net, CPWL_NET_RELU, U.nu);
    for (i = 0; i < U.nu; i++)
    {
        for (k = 0; k < T->d; k++)
            fmpq_set(fmpq_mat_entry(L->W, i, k), U.u + i * (T->d + 1) + k);
        fmpq_set(L->b + i, U.u + i * (T->d + 1) + T->d);
    }
    tour_init(&T2, U.nu, nn);
    for (i = 0; i < nn; i++)
    {
        fmpq *f = T2.f + i * (U.nu + 1);
        for (k = 0; k < N[i].cnt; k++)
            fmpq_set_si(f + N[i].idx[k], N[i].sg[k], 1);
        T2.flag[i] = N[i].flag;
        T2.group[i] = N[i].group;
    }
    _fmpq_vec_clear(U.u, 2 * T->n * (T->d + 1));
    flint_free(N);
    tour_clear(T);
    *T = T2;
}

static void tour_run(cpwl_net_t net, tour_t *T)
{
    while (!tour_done(T))
        tour_level(net, T);
}

/* The output map sum_i coef[i] * item_i (coef NULL: all 1). */
static void tour_output(cpwl_net_t net, const tour_t *T, const int *coef)
{
    cpwl_net_layer_struct *L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    slong i, k;
    fmpq_t c;
    fmpq_init(c);
    for (i = 0; i < T->n; i++)
    {
        const fmpq *f = T->f + i * (T->d + 1);
        if (T->flag[i] & ITEM_ZERO)
            continue;
        fmpq_set_si(c, coef != NULL ? coef[i] : 1, 1);
        for (k = 0; k < T->d; k++)
            fmpq_addmul(fmpq_mat_entry(L->W, 0, k), c, f + k);
        fmpq_addmul(L->b, c, f + T->d);
    }
    fmpq_clear(c);
}

int cpwl_build_max(cpwl_net_t out, slong n, int with_zero, cpwl_err_t e)
{
    tour_t T;
    cpwl_net_t net;
    slong i;
    if (n < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "max: n >= 1 is required (n = "
                            "%ld)", (long) n);
    /* the 0 goes last: with n even it rides free to the last level, where
       max(v, 0) = relu(v) costs one unit */
    tour_init(&T, n, n + (with_zero != 0));
    for (i = 0; i < n; i++)
        fmpq_one(T.f + i * (n + 1) + i);
    if (with_zero)
        T.flag[n] = ITEM_ZERO;
    cpwl_net_init(net, n);
    tour_run(net, &T);
    tour_output(net, &T, NULL);
    tour_clear(&T);
    finish(out, net, 0);
    return CPWL_OK;
}

int cpwl_build_maxsum(cpwl_net_t out, slong *size, slong n, slong nterms,
                      const slong *k, const fmpq *const *terms,
                      const int *sign, cpwl_err_t e)
{
    slong j, i, c, first = -1, nitems = 0, r;
    int *coef;
    tour_t T;
    cpwl_net_t net;

    if (n < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "maxsum: n >= 1 is required (n = "
                            "%ld)", (long) n);
    if (nterms < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "maxsum: at least one term is "
                            "required");
    for (j = 0; j < nterms; j++)
    {
        if (k[j] < 1)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "maxsum: term %ld is the max "
                                "of %ld affine maps, not of k >= 1",
                                (long) j + 1, (long) k[j]);
        if (sign[j] != 1 && sign[j] != -1)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "maxsum: the sign of term %ld "
                                "is %d, not +1 or -1", (long) j + 1, sign[j]);
        if (k[j] >= 2 && first < 0)
            first = j;
    }
    /* An affine term s L (k_j = 1) is pushed into the first proper max:
       s0 max(L_i) + s L = s0 max(L_i + s0 s L).  Terms with k_j >= 2 are
       the groups of the tournament. */
    for (j = 0; j < nterms; j++)
        if (first < 0 ? j == 0 : k[j] >= 2)
            nitems += k[j];
    tour_init(&T, n, nitems);
    coef = flint_malloc(nterms * sizeof(int));
    r = 0;
    for (j = 0; j < nterms; j++)
    {
        if (first < 0 ? j != 0 : k[j] < 2)
            continue;
        for (i = 0; i < k[j]; i++, r++)
        {
            qvec_set(T.f + r * (n + 1), terms[j] + i * (n + 1), n + 1);
            T.group[r] = j;
        }
    }
    for (j = 0; j < nterms; j++)
    {
        slong base = 0, jj;
        int s;
        if (first < 0 ? j == 0 : k[j] >= 2)
            continue;
        /* items of the receiving term: the first one (first < 0: term 0,
           a single affine map) */
        jj = first < 0 ? 0 : first;
        for (c = 0; c < jj; c++)
            if (first < 0 ? c == 0 : k[c] >= 2)
                base += k[c];
        s = sign[jj] * sign[j];
        for (i = 0; i < k[jj]; i++)
            for (c = 0; c <= n; c++)
            {
                fmpq *f = T.f + (base + i) * (n + 1) + c;
                if (s > 0)
                    fmpq_add(f, f, terms[j] + c);
                else
                    fmpq_sub(f, f, terms[j] + c);
            }
    }
    cpwl_net_init(net, n);
    tour_run(net, &T);
    for (i = 0; i < T.n; i++)
        coef[i] = sign[T.group[i]];
    tour_output(net, &T, coef);
    flint_free(coef);
    tour_clear(&T);
    finish(out, net, 0);
    if (size != NULL)
        *size = cpwl_net_size(out);
    return CPWL_OK;
}

int cpwl_build_lattice(cpwl_net_t out, slong *size, slong n, slong nl,
                       const fmpq *L, slong ngroups, const slong *group_len,
                       const slong *const *groups, cpwl_err_t e)
{
    slong i, j, c, r = 0, nitems = 0;
    tour_t T;
    cpwl_net_t net;

    if (n < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "lattice: n >= 1 is required "
                            "(n = %ld)", (long) n);
    if (nl < 1 || ngroups < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "lattice: at least one affine map "
                            "and one group are required");
    for (i = 0; i < ngroups; i++)
    {
        if (group_len[i] < 1)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "lattice: group %ld is empty",
                                (long) i + 1);
        for (j = 0; j < group_len[i]; j++)
            if (groups[i][j] < 0 || groups[i][j] >= nl)
                return cpwl_err_set(e, CPWL_ERR_INPUT, "lattice: group %ld names "
                                    "affine map %ld, not one of 0..%ld",
                                    (long) i + 1, (long) groups[i][j],
                                    (long) nl - 1);
        nitems += group_len[i];
    }
    /* min_{S_i} L_j = -max_{S_i}(-L_j): the first tournament gives
       m_i = max(-L_j), the second max_i(-m_i) reads those forms from the
       same layer, so the depths add. */
    tour_init(&T, n, nitems);
    for (i = 0; i < ngroups; i++)
        for (j = 0; j < group_len[i]; j++, r++)
        {
            for (c = 0; c <= n; c++)
                fmpq_neg(T.f + r * (n + 1) + c, L + groups[i][j] * (n + 1)
                         + c);
            T.group[r] = i;
        }
    cpwl_net_init(net, n);
    tour_run(net, &T);
    for (i = 0; i < T.n; i++)
    {
        for (c = 0; c <= T.d; c++)
            fmpq_neg(T.f + i * (T.d + 1) + c, T.f + i * (T.d + 1) + c);
        T.flag[i] &= ITEM_ZERO;
        T.group[i] = 0;
    }
    tour_run(net, &T);
    tour_output(net, &T, NULL);
    tour_clear(&T);
    finish(out, net, 0);
    if (size != NULL)
        *size = cpwl_net_size(out);
    return CPWL_OK;
}

/* ---- one-dimensional functions, minimum size ------------------------- */

/* Stable merge sort of idx by the rows (r entries) of A. */
static int row_cmp(const fmpz *A, slong r, slong i, slong j)
{
    slong c;
    for (c = 0; c < r; c++)
    {
        int s = fmpz_cmp(A + i * r + c, A + j * r + c);
        if (s != 0)
            return s;
    }
    return 0;
}

static void sort_rows(slong *idx, slong N, const fmpz *A, slong r)
{
    slong *tmp = flint_malloc(FLINT_MAX(N, 1) * sizeof(slong)), w, lo;
    for (w = 1; w < N; w *= 2)
    {
        for (lo = 0; lo < N; lo += 2 * w)
        {
            slong mid = FLINT_MIN(lo + w, N), hi = FLINT_MIN(lo + 2 * w, N);
            slong i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = row_cmp(A, r, idx[j], idx[i]) < 0 ? idx[j++]
                                                             : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, N * sizeof(slong));
    }
    flint_free(tmp);
}

static slong ctz(ulong x)
{
    slong k = 0;
    while (!(x & 1))
        x >>= 1, k++;
    return k;
}

/* Whether a subset S of the n vectors v_0..v_{n-1} (r rational entries
   each, row-major) sums to target; *mask receives S.  The entries are
   scaled to integers per coordinate; the subsets of the first half are
   sorted by their sums and each subset of the second half (in Gray code
   order) looks up the difference: 2^(n/2) work, n <= PWL1D_MAX_JUMPS. */
static int subset_sum(ulong *mask, const fmpq *v, slong n, slong r,
                      const fmpq *target)
{
    slong h1 = n / 2, h2 = n - h1, N1 = WORD(1) << h1, i, c, it;
    fmpz *V = _fmpz_vec_init(FLINT_MAX(n * r, 1));
    fmpz *T = _fmpz_vec_init(r), *A = _fmpz_vec_init(N1 * r);
    fmpz *S = _fmpz_vec_init(r), *need = _fmpz_vec_init(r);
    slong *idx = flint_malloc(N1 * sizeof(slong));
    ulong g = 0;
    int found = 0;
    fmpz_t den, tmp;

    fmpz_init(den);
    fmpz_init(tmp);
    for (c = 0; c < r; c++)
    {
        fmpz_set(den, fmpq_denref(target + c));
        for (i = 0; i < n; i++)
            fmpz_lcm(den, den, fmpq_denref(v + i * r + c));
        for (i = 0; i < n; i++)
        {
            fmpz_divexact(tmp, den, fmpq_denref(v + i * r + c));
            fmpz_mul(V + i * r + c, tmp, fmpq_numref(v + i * r + c));
        }
        fmpz_divexact(tmp, den, fmpq_denref(target + c));
        fmpz_mul(T + c, tmp, fmpq_numref(target + c));
    }
    for (i = 1; i < N1; i++)
    {
        slong low = ctz(i);
        for (c = 0; c < r; c++)
            fmpz_add(A + i * r + c, A + (i ^ (WORD(1) << low)) * r + c,
                     V + low * r + c);
    }
    for (i = 0; i < N1; i++)
        idx[i] = i;
    sort_rows(idx, N1, A, r);
    for (it = 0; it < (WORD(1) << h2) && !found; it++)
    {
        slong lo = 0, hi = N1;
        if (it > 0)
        {
            slong bit = ctz(it);
            g ^= UWORD(1) << bit;
            for (c = 0; c < r; c++)
            {
                if ((g >> bit) & 1)
                    fmpz_add(S + c, S + c, V + (h1 + bit) * r + c);
                else
                    fmpz_sub(S + c, S + c, V + (h1 + bit) * r + c);
            }
        }
        for (c = 0; c < r; c++)
            fmpz_sub(need + c, T + c, S + c);
        /* the first row >= need */
        while (lo < hi)
        {
            slong mid = (lo + hi) / 2, s = 0;
            for (c = 0; c < r && s == 0; c++)
                s = fmpz_cmp(A + idx[mid] * r + c, need + c);
            if (s < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < N1 && _fmpz_vec_equal(A + idx[lo] * r, need, r))
        {
            *mask = (ulong) idx[lo] | (g << h1);
            found = 1;
        }
    }
    fmpz_clear(den);
    fmpz_clear(tmp);
    _fmpz_vec_clear(V, FLINT_MAX(n * r, 1));
    _fmpz_vec_clear(T, r);
    _fmpz_vec_clear(A, N1 * r);
    _fmpz_vec_clear(S, r);
    _fmpz_vec_clear(need, r);
    flint_free(idx);
    return found;
}

/* A one-hidden-layer net sum_u c_u relu(w_u x + b_u) + beta under
   construction. */
typedef struct
{
    slong n;
    int w[PWL1D_MAX_JUMPS + 2];
    fmpq b[PWL1D_MAX_JUMPS + 2];
    fmpq c[PWL1D_MAX_JUMPS + 2];
}
units1d_t;

/* A unit with its kink at s facing right (relu(x - s), dir = 1), left
   (relu(s - x), dir = -1), or the constant relu(0 x + 1) (dir = 0), with
   output weight c (skipped when c = 0). */
static void unit1d(units1d_t *U, int dir, const fmpq_t s, const fmpq_t c)
{
    if (fmpq_is_zero(c))
        return;
    U->w[U->n] = dir;
    if (dir == 0)
        fmpq_one(U->b + U->n);
    else if (dir > 0)
        fmpq_neg(U->b + U->n, s);
    else
        fmpq_set(U->b + U->n, s);
    fmpq_set(U->c + U->n, c);
    U->n++;
}

/* One unit per kink: left-facing (coefficient Delta_i) for i in mask,
   right-facing otherwise, skipping skip (-1: none). */
static void units_by_mask(units1d_t *U, const fmpq *t, const fmpq *D,
                          slong q, ulong mask, slong skip)
{
    slong i;
    for (i = 0; i < q; i++)
        if (i != skip)
            unit1d(U, ((mask >> i) & 1) ? -1 : 1, t + i, D + i);
}

/* beta -= sum_{i in mask} D_i t_i (the intercept the left-facing units
   give the leftmost piece). */
static void sub_left(fmpq_t beta, const fmpq *t, const fmpq *D, slong q,
                     ulong mask)
{
    slong i;
    for (i = 0; i < q; i++)
        if ((mask >> i) & 1)
            fmpq_submul(beta, D + i, t + i);
}

/* The first kink two-sided: relu(t_1 - x) with -m_0 and relu(x - t_1)
   with m_0 + Delta_1, the others right-facing; beta = A_0 + m_0 t_1. */
static void units_two_sided_first(units1d_t *U, fmpq_t beta, const fmpq *t,
                                  const fmpq *D, slong q, const fmpq_t m0,
                                  const fmpq_t A0)
{
    fmpq_t g;
    fmpq_init(g);
    fmpq_neg(g, m0);
    unit1d(U, -1, t, g);
    fmpq_add(g, m0, D);
    unit1d(U, 1, t, g);
    units_by_mask(U, t, D, q, 0, 0);
    fmpq_set(beta, A0);
    fmpq_addmul(beta, m0, t);
    fmpq_clear(g);
}

/* The units of a minimum one-hidden-layer net for the function with
   kinks t (q of them, jumps D != 0), leftmost piece m0 x + A0; beta
   receives the remaining constant (the output bias; without one it must
   end up 0, a constant unit carrying it). */
static void pwl1d_units(units1d_t *U, fmpq_t beta, const fmpq *t,
                        const fmpq *D, slong q, const fmpq_t m0,
                        const fmpq_t A0, int output_bias)
{
    fmpq *v, *tg, *vk;
    fmpq_t s, g;
    ulong mask = 0;
    slong i, k;

    fmpq_init(s);
    fmpq_init(g);
    U->n = 0;
    fmpq_set(beta, A0);
    if (q == 0)
    {
        /* m0 x + A0: a kink must cancel, m0 (relu(x - s) - relu(s - x)),
           s = -A0/m0 absorbing the constant when there is no bias */
        if (!fmpq_is_zero(m0))
        {
            if (!output_bias)
            {
                fmpq_div(s, A0, m0);
                fmpq_neg(s, s);
                fmpq_zero(beta);
            }
            unit1d(U, 1, s, m0);
            fmpq_neg(g, m0);
            unit1d(U, -1, s, g);
        }
        if (!output_bias && !fmpq_is_zero(beta))
        {
            unit1d(U, 0, s, beta);
            fmpq_zero(beta);
        }
        fmpq_clear(s);
        fmpq_clear(g);
        return;
    }
    v = _fmpq_vec_init(2 * q);
    vk = _fmpq_vec_init(q);
    tg = _fmpq_vec_init(2);
    for (i = 0; i < q; i++)
    {
        fmpq_set(v + 2 * i, D + i);
        fmpq_mul(v + 2 * i + 1, D + i, t + i);
    }
    fmpq_neg(tg, m0);
    fmpq_set(tg + 1, A0);
    if (output_bias)
    {
        /* q units iff the left-facing kinks L have sum_L Delta = -m0 */
        if (subset_sum(&mask, D, q, 1, tg))
        {
            units_by_mask(U, t, D, q, mask, -1);
            sub_left(beta, t, D, q, mask);
        }
        else
            units_two_sided_first(U, beta, t, D, q, m0, A0);
        goto done;
    }
    /* no bias, q units: also the intercept, sum_L Delta t = A0 */
    if (subset_sum(&mask, v, q, 2, tg))
    {
        units_by_mask(U, t, D, q, mask, -1);
        fmpq_zero(beta);
        goto done;
    }
    /* q + 1 units: a constant unit ... */
    if (subset_sum(&mask, D, q, 1, tg))
    {
        units_by_mask(U, t, D, q, mask, -1);
        sub_left(beta, t, D, q, mask);
        unit1d(U, 0, s, beta);
        fmpq_zero(beta);
        goto done;
    }
    /* ... or kink k two-sided: gamma_k = -m0 - sum_L Delta leaves
       sum_L Delta_i (t_i - t_k) = A0 + m0 t_k */
    for (k = 0; k < q; k++)
    {
        slong j = 0;
        ulong m2;
        for (i = 0; i < q; i++)
            if (i != k)
            {
                fmpq_sub(vk + j, t + i, t + k);
                fmpq_mul(vk + j, vk + j, D + i);
                j++;
            }
        fmpq_set(s, A0);
        fmpq_addmul(s, m0, t + k);
        if (!subset_sum(&m2, vk, q - 1, 1, s))
            continue;
        /* m2 indexes the kinks without k */
        mask = 0;
        for (i = 0, j = 0; i < q; i++)
            if (i != k && ((m2 >> j++) & 1))
                mask |= UWORD(1) << i;
        fmpq_neg(g, m0);
        for (i = 0; i < q; i++)
            if ((mask >> i) & 1)
                fmpq_sub(g, g, D + i);
        unit1d(U, -1, t + k, g);
        fmpq_sub(g, D + k, g);
        unit1d(U, 1, t + k, g);
        units_by_mask(U, t, D, q, mask, k);
        fmpq_zero(beta);
        goto done;
    }
    /* q + 2 units always do */
    units_two_sided_first(U, beta, t, D, q, m0, A0);
    unit1d(U, 0, s, beta);
    fmpq_zero(beta);
done:
    _fmpq_vec_clear(v, 2 * q);
    _fmpq_vec_clear(vk, q);
    _fmpq_vec_clear(tg, 2);
    fmpq_clear(s);
    fmpq_clear(g);
}

int cpwl_build_pwl1d(cpwl_net_t out, slong *units, const fmpq *breaks, slong p,
                     const fmpq *slopes, const fmpq_t value, int output_bias,
                     cpwl_err_t e)
{
    fmpq *t, *D;
    fmpq_t A0, beta;
    units1d_t U;
    cpwl_net_layer_struct *L;
    slong i, q = 0;
    cpwl_net_t net;

    if (p < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "pwl1d: p >= 1 pieces are "
                            "required (p = %ld)", (long) p);
    for (i = 1; i + 1 < p; i++)
        if (fmpq_cmp(breaks + i, breaks + i - 1) <= 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "pwl1d: the breakpoints must "
                                "increase: t_%ld is not > t_%ld", (long) i + 1,
                                (long) i);
    t = _fmpq_vec_init(p);
    D = _fmpq_vec_init(p);
    /* A zero slope jump is no kink: those pieces are one. */
    for (i = 1; i < p; i++)
    {
        fmpq_sub(D + q, slopes + i, slopes + i - 1);
        if (!fmpq_is_zero(D + q))
            fmpq_set(t + q++, breaks + i - 1);
    }
    if (q > PWL1D_MAX_JUMPS)
    {
        _fmpq_vec_clear(t, p);
        _fmpq_vec_clear(D, p);
        return cpwl_err_set(e, CPWL_ERR_INPUT, "pwl1d: %ld pieces: the exact "
                            "minimum-size search (subset sums of the slope "
                            "jumps) handles at most %d", (long) q + 1,
                       PWL1D_MAX_JUMPS + 1);
    }
    fmpq_init(A0);
    fmpq_init(beta);
    for (i = 0; i < PWL1D_MAX_JUMPS + 2; i++)
    {
        fmpq_init(U.b + i);
        fmpq_init(U.c + i);
    }
    /* the leftmost piece is m_0 x + A0 */
    fmpq_set(A0, value);
    if (p >= 2)
        fmpq_submul(A0, slopes, breaks);
    pwl1d_units(&U, beta, t, D, q, slopes, A0, output_bias);
    cpwl_net_init(net, 1);
    if (U.n > 0)
    {
        L = cpwl_net_add_layer(net, CPWL_NET_RELU, U.n);
        for (i = 0; i < U.n; i++)
        {
            fmpq_set_si(fmpq_mat_entry(L->W, i, 0), U.w[i], 1);
            fmpq_set(L->b + i, U.b + i);
        }
    }
    L = cpwl_net_add_layer(net, CPWL_NET_IDENTITY, 1);
    for (i = 0; i < U.n; i++)
        fmpq_set(fmpq_mat_entry(L->W, 0, i), U.c + i);
    fmpq_set(L->b, beta);
    cpwl_net_prepare(net);
    net->output_bias = output_bias != 0;
    cpwl_net_swap(out, net);
    cpwl_net_clear(net);
    if (units != NULL)
        *units = U.n;
    for (i = 0; i < PWL1D_MAX_JUMPS + 2; i++)
    {
        fmpq_clear(U.b + i);
        fmpq_clear(U.c + i);
    }
    fmpq_clear(A0);
    fmpq_clear(beta);
    _fmpq_vec_clear(t, p);
    _fmpq_vec_clear(D, p);
    return CPWL_OK;
}

int cpwl_build_pwl1d_points(cpwl_net_t out, slong *units, const fmpq *x,
                            const fmpq *y, slong npoints, int output_bias,
                            cpwl_err_t e)
{
    slong p = npoints - 1, i;
    fmpq *s;
    fmpq_t v, dx;
    int st;

    if (npoints < 2)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "pwl1d: at least 2 points are "
                            "required (%ld given)", (long) npoints);
    for (i = 1; i < npoints; i++)
        if (fmpq_cmp(x + i, x + i - 1) <= 0)
            return cpwl_err_set(e, CPWL_ERR_INPUT, "pwl1d: the x must increase: "
                                "x_%ld is not > x_%ld", (long) i, (long) i - 1);
    s = _fmpq_vec_init(p);
    fmpq_init(v);
    fmpq_init(dx);
    for (i = 0; i < p; i++)
    {
        fmpq_sub(dx, x + i + 1, x + i);
        fmpq_sub(s + i, y + i + 1, y + i);
        fmpq_div(s + i, s + i, dx);
    }
    /* f(t_1) = y_1, or f(0) for a single piece */
    if (p >= 2)
        fmpq_set(v, y + 1);
    else
    {
        fmpq_neg(v, x);
        fmpq_mul(v, v, s);
        fmpq_add(v, v, y);
    }
    st = cpwl_build_pwl1d(out, units, x + 1, p, s, v, output_bias, e);
    _fmpq_vec_clear(s, p);
    fmpq_clear(v);
    fmpq_clear(dx);
    return st;
}
