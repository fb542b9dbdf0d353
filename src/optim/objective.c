/* The built-in objectives (docs/objectives.md): parsing of NAME[:PARAMS],
   the pseudo-huber, rosenbrock, beale and reddi objectives with their
   constants (the quadratic is in objective_quad.c), and the dispatch of
   cpwl_objective_eval.  Every
   value and gradient is computed through the cpwl_val_* operations in
   the order stated at each function (and in docs/objectives.md), so that
   one code path serves exact, Arb and the float formats. */
#include <string.h>
#include "cpwl/num.h"
#include "optim/objective_impl.h"

/* ---- constants entered once per arithmetic ----------------------------- */

void objective_consts_init(objective_consts_struct *C, slong n)
{
    C->n = n;
    C->q = _fmpq_vec_init(n);
    C->have = 0;
    C->v = NULL;
}

void objective_consts_clear(objective_consts_struct *C)
{
    if (C->have)
        cpwl_val_vec_clear(C->v, C->n, &C->A);
    _fmpq_vec_clear(C->q, C->n);
    C->have = 0;
    C->v = NULL;
}

cpwl_val_ptr objective_consts_get(objective_consts_struct *C, cpwl_arith_t A)
{
    slong i;
    if (C->have && cpwl_arith_equal(&C->A, A))
        return C->v;
    if (C->have)
        cpwl_val_vec_clear(C->v, C->n, &C->A);
    C->A = *A;
    C->v = cpwl_val_vec_init(C->n, A);
    for (i = 0; i < C->n; i++)
        cpwl_val_set_fmpq(C->v + i, C->q + i, A);
    C->have = 1;
    return C->v;
}

int objective_arith_fail(const cpwl_objective_t O, const cpwl_arith_t A,
                         cpwl_err_t e)
{
    if (A->fail == CPWL_ARITH_FAIL_SQRT)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: square root "
                            "of a rational that is not a square in exact "
                            "arithmetic", O->name);
    return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: division by zero "
                        "in exact arithmetic", O->name);
}

/* ---- common set-up ------------------------------------------------------ */

void cpwl_objective_init(cpwl_objective_t O)
{
    memset(O->name, 0, sizeof(O->name));
    O->dim = 0;
    O->nterms = 0;
    O->needs_sqrt = 0;
    O->online = 0;
    O->has_box = 0;
    fmpq_init(O->lo);
    fmpq_init(O->hi);
    O->has_L = O->has_sigma2 = O->has_fstar = 0;
    fmpq_init(O->L);
    fmpq_init(O->sigma2);
    fmpq_init(O->fstar);
    O->x1 = NULL;
    O->eval = NULL;
    O->clear_data = NULL;
    O->data = NULL;
    cpwl_pred_ctx_init(O->pred);
    O->relu_d0 = 0;
}

void cpwl_objective_clear(cpwl_objective_t O)
{
    if (O->clear_data != NULL)
        O->clear_data(O->data);
    O->clear_data = NULL;
    O->data = NULL;
    if (O->x1 != NULL)
        _fmpq_vec_clear(O->x1, O->dim);
    O->x1 = NULL;
    fmpq_clear(O->lo);
    fmpq_clear(O->hi);
    fmpq_clear(O->L);
    fmpq_clear(O->sigma2);
    fmpq_clear(O->fstar);
    cpwl_pred_ctx_clear(O->pred);
}

/* ---- parameters: KEY=VALUE;KEY=VALUE ------------------------------------ */

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Length of the identifier followed by '=' at the start of s[0..len), or
   0 when the piece does not start so (it then continues a matrix). */
static size_t key_len(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0 || !is_alpha(s[0]))
        return 0;
    while (i < len && is_alnum(s[i]))
        i++;
    return i < len && s[i] == '=' ? i : 0;
}

static int parse_params(obj_param *P, slong *np, const char *name,
                        const char *s, size_t len, cpwl_err_t e)
{
    size_t p = 0;
    char buf[CPWL_ERR_QUOTE_SIZE];
    slong i, j;
    *np = 0;
    if (len == 0)
        return CPWL_OK;
    for (;;)
    {
        const char *semi = memchr(s + p, ';', len - p);
        size_t q = semi != NULL ? (size_t) (semi - s) : len;
        size_t k = key_len(s + p, q - p);
        if (k > 0)
        {
            if (*np == OBJ_MAX_PARAMS)
                return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: too "
                                    "many parameters", name);
            P[*np].key = s + p;
            P[*np].klen = k;
            P[*np].val = s + p + k + 1;
            P[*np].vlen = q - (p + k + 1);
            (*np)++;
        }
        else if (*np == 0)
        {
            cpwl_err_quote(buf, sizeof(buf), s + p, q - p);
            return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: expected "
                                "KEY=VALUE, got %s", name, buf);
        }
        else                    /* a further row of the previous value */
            P[*np - 1].vlen = q - (size_t) (P[*np - 1].val - s);
        if (semi == NULL)
            break;
        p = q + 1;
    }
    for (i = 0; i < *np; i++)
        for (j = 0; j < i; j++)
            if (P[i].klen == P[j].klen && memcmp(P[i].key, P[j].key, P[i].klen) == 0)
                return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: "
                                    "parameter `%.*s` given twice", name,
                                    (int) P[i].klen, P[i].key);
    return CPWL_OK;
}

/* Refuse keys outside `allowed` (NULL-terminated); "" lists none. */
int objective_check_keys(const obj_param *P, slong np, const char *name,
                         const char *const *allowed, const char *list,
                         cpwl_err_t e)
{
    slong i, k;
    for (i = 0; i < np; i++)
    {
        int ok = 0;
        for (k = 0; allowed[k] != NULL; k++)
            if (strlen(allowed[k]) == P[i].klen
                && memcmp(allowed[k], P[i].key, P[i].klen) == 0)
                ok = 1;
        if (!ok)
        {
            char buf[CPWL_ERR_QUOTE_SIZE];
            cpwl_err_quote(buf, sizeof(buf), P[i].key, P[i].klen);
            if (list[0] == '\0')
                return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: "
                                    "unknown parameter %s (it takes none)",
                                    name, buf);
            return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: unknown "
                                "parameter %s (expected %s)", name, buf, list);
        }
    }
    return CPWL_OK;
}

const obj_param *objective_find_param(const obj_param *P, slong np,
                                      const char *key)
{
    slong i;
    for (i = 0; i < np; i++)
        if (strlen(key) == P[i].klen && memcmp(key, P[i].key, P[i].klen) == 0)
            return P + i;
    return NULL;
}

static void trim(const char **a, const char **z)
{
    while (*a < *z && (**a == ' ' || **a == '\t'))
        (*a)++;
    while (*z > *a && ((*z)[-1] == ' ' || (*z)[-1] == '\t'))
        (*z)--;
}

/* A matrix: rows separated by ';', entries by ','; *M is a new vector
   of rows x cols entries (row-major). */
int objective_parse_matrix(fmpq **M, slong *rows, slong *cols,
                           const char *name, const obj_param *P, cpwl_err_t e)
{
    const char *s = P->val, *end = P->val + P->vlen, *p;
    slong r = 0, c, k = 0, ncols = -1, total = 0;
    int pass;
    *M = NULL;
    for (pass = 0; pass < 2; pass++)
    {
        p = s;
        r = 0;
        k = 0;
        for (;;)
        {
            const char *re = memchr(p, ';', end - p);
            if (re == NULL)
                re = end;
            c = 0;
            for (;;)
            {
                const char *ce = memchr(p, ',', re - p), *a = p, *z;
                if (ce == NULL)
                    ce = re;
                z = ce;
                trim(&a, &z);
                if (pass == 1)
                {
                    cpwl_err_t ne;
                    cpwl_err_init(ne);
                    if (cpwl_num_parse_fmpq(*M + k, a, z - a, CPWL_NUM_EXACT,
                                            ne) != CPWL_OK)
                    {
                        _fmpq_vec_clear(*M, total);
                        *M = NULL;
                        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective "
                                            "%s: %.*s, row %ld, entry %ld: "
                                            "%s", name, (int) P->klen, P->key,
                                            (long) r + 1, (long) c + 1, ne->msg);
                    }
                }
                k++;
                c++;
                if (ce == re)
                    break;
                p = ce + 1;
            }
            if (pass == 0)
            {
                if (ncols >= 0 && c != ncols)
                    return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: "
                                        "%.*s: row %ld has %ld entr%s, row 1 "
                                        "has %ld", name, (int) P->klen,
                                        P->key, (long) r + 1, (long) c,
                                        c == 1 ? "y" : "ies", (long) ncols);
                ncols = c;
            }
            r++;
            if (re == end)
                break;
            p = re + 1;
        }
        if (pass == 0)
        {
            total = k;
            *M = _fmpq_vec_init(total);
        }
    }
    *rows = r;
    *cols = ncols;
    return CPWL_OK;
}

int objective_parse_scalar(fmpq_t v, const char *name, const obj_param *P,
                           cpwl_err_t e)
{
    const char *a = P->val, *z = P->val + P->vlen;
    cpwl_err_t ne;
    cpwl_err_init(ne);
    trim(&a, &z);
    if (cpwl_num_parse_fmpq(v, a, z - a, CPWL_NUM_EXACT, ne) != CPWL_OK)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s: %.*s: %s",
                            name, (int) P->klen, P->key, ne->msg);
    return CPWL_OK;
}

int objective_check_dim(slong n, slong dim, const char *name, cpwl_err_t e)
{
    if (dim >= 0 && dim != n)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective %s has dimension "
                            "%ld, but the starting point has dimension %ld",
                            name, (long) n, (long) dim);
    return CPWL_OK;
}

/* ---- pseudo-huber: f = sum_i sqrt(1 + x_i^2) ---------------------------- */

typedef struct
{
    objective_consts_struct C;  /* 1 */
}
consts_only_struct;

static void consts_only_clear(void *data)
{
    consts_only_struct *S = data;
    objective_consts_clear(&S->C);
    flint_free(S);
}

static consts_only_struct *consts_only_new(cpwl_objective_t O, slong n)
{
    consts_only_struct *S = flint_malloc(sizeof(consts_only_struct));
    objective_consts_init(&S->C, n);
    O->data = S;
    O->clear_data = consts_only_clear;
    return S;
}

/* r_i = sqrt(1 + (x_i x_i)); g_i = x_i / r_i; f = r_0 + r_1 + ... (left
   to right). */
static int ph_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                   const slong *terms, slong nterms, slong t,
                   cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    consts_only_struct *S = O->data;
    cpwl_val_ptr one = objective_consts_get(&S->C, A);
    cpwl_val_ptr s = cpwl_val_vec_init(4, A);
    slong i;
    (void) terms;
    (void) nterms;
    (void) t;
    (void) e;
    for (i = 0; i < O->dim; i++)
    {
        cpwl_val_sqr(s + 0, x + i, A);
        cpwl_val_add(s + 1, one, s + 0, A);
        cpwl_val_sqrt(s + 2, s + 1, A);
        if (g != NULL)
            cpwl_val_div(g + i, x + i, s + 2, A);
        if (f != NULL)
        {
            if (i == 0)
                cpwl_val_set(s + 3, s + 2, A);
            else
            {
                cpwl_val_add(s + 0, s + 3, s + 2, A);
                cpwl_val_set(s + 3, s + 0, A);
            }
        }
    }
    if (f != NULL)
        cpwl_val_set(f, s + 3, A);
    cpwl_val_vec_clear(s, 4, A);
    return 0;
}

static int ph_init(cpwl_objective_t O, const obj_param *P, slong np,
                   slong dim, cpwl_err_t e)
{
    static const char *const keys[] = {NULL};
    consts_only_struct *S;
    int st;
    if ((st = objective_check_keys(P, np, "pseudo-huber", keys, "", e)) != CPWL_OK)
        return st;
    if (dim < 1)
        return cpwl_err_set(e, CPWL_ERR_INPUT, "objective pseudo-huber "
                            "needs its dimension, the length of the starting "
                            "point");
    S = consts_only_new(O, 1);
    fmpq_one(S->C.q);
    O->eval = ph_eval;
    O->dim = dim;
    O->needs_sqrt = 1;
    /* f'' = (1 + x^2)^(-3/2) <= 1; |f'| < 1; f >= n, at x = 0. */
    O->has_L = O->has_sigma2 = O->has_fstar = 1;
    fmpq_one(O->L);
    fmpq_set_si(O->sigma2, dim, 1);
    fmpq_set_si(O->fstar, dim, 1);
    return CPWL_OK;
}

/* ---- rosenbrock: f = (a - x)^2 + b (y - x^2)^2 --------------------------- */

/* u = a - x; w = y - (x x);
   f = (u u) + (b (w w));
   g_x = -((2 u) + (((4b) x) w));  g_y = (2b) w. */
static int rosen_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                      const slong *terms, slong nterms, slong t,
                      cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    consts_only_struct *S = O->data;
    cpwl_val_ptr c = objective_consts_get(&S->C, A);   /* a, b, 2b, 4b, 2 */
    cpwl_val_ptr s = cpwl_val_vec_init(6, A);
    (void) terms;
    (void) nterms;
    (void) t;
    (void) e;
    cpwl_val_sub(s + 0, c + 0, x + 0, A);               /* u */
    cpwl_val_sqr(s + 1, x + 0, A);
    cpwl_val_sub(s + 2, x + 1, s + 1, A);               /* w */
    if (f != NULL)
    {
        cpwl_val_sqr(s + 3, s + 0, A);
        cpwl_val_sqr(s + 4, s + 2, A);
        cpwl_val_mul(s + 5, c + 1, s + 4, A);
        cpwl_val_add(f, s + 3, s + 5, A);
    }
    if (g != NULL)
    {
        cpwl_val_mul(s + 3, c + 4, s + 0, A);
        cpwl_val_mul(s + 4, c + 3, x + 0, A);
        cpwl_val_mul(s + 5, s + 4, s + 2, A);
        cpwl_val_add(s + 4, s + 3, s + 5, A);
        cpwl_val_neg(g + 0, s + 4, A);
        cpwl_val_mul(g + 1, c + 2, s + 2, A);
    }
    cpwl_val_vec_clear(s, 6, A);
    return 0;
}

static int rosen_init(cpwl_objective_t O, const obj_param *P, slong np,
                      slong dim, cpwl_err_t e)
{
    static const char *const keys[] = {"a", "b", NULL};
    const obj_param *p;
    consts_only_struct *S;
    fmpq_t a, b;
    int st;
    if ((st = objective_check_keys(P, np, "rosenbrock", keys, "a, b", e)) != CPWL_OK)
        return st;
    if ((st = objective_check_dim(2, dim, "rosenbrock", e)) != CPWL_OK)
        return st;
    fmpq_init(a);
    fmpq_init(b);
    fmpq_one(a);
    fmpq_set_si(b, 100, 1);
    if ((p = objective_find_param(P, np, "a")) != NULL)
        st = objective_parse_scalar(a, "rosenbrock", p, e);
    if (st == CPWL_OK && (p = objective_find_param(P, np, "b")) != NULL)
        st = objective_parse_scalar(b, "rosenbrock", p, e);
    if (st == CPWL_OK)
    {
        S = consts_only_new(O, 5);
        fmpq_set(S->C.q + 0, a);
        fmpq_set(S->C.q + 1, b);
        fmpq_mul_2exp(S->C.q + 2, b, 1);
        fmpq_mul_2exp(S->C.q + 3, b, 2);
        fmpq_set_si(S->C.q + 4, 2, 1);
        O->eval = rosen_eval;
        O->dim = 2;
        /* f >= 0 when b >= 0, with f(a, a^2) = 0. */
        if (fmpq_sgn(b) >= 0)
            O->has_fstar = 1;
        O->x1 = _fmpq_vec_init(2);
        fmpq_set_si(O->x1 + 0, -6, 5);
        fmpq_one(O->x1 + 1);
    }
    fmpq_clear(a);
    fmpq_clear(b);
    return st;
}

/* ---- beale: f = sum_{k=1..3} (c_k - x + x y^k)^2 ------------------------- */

/* p_1 = y, p_2 = p_1 y, p_3 = p_2 y;  r_k = (c_k - x) + (x p_k);
   f = dot(r, r) = r_1 r_1 + r_2 r_2 + r_3 r_3 (left to right);
   g_x = 2 dot(r, q) with q_k = p_k - 1;
   g_y = 2 dot(r, s) with s = (x, (2 x) p_1, (3 x) p_2). */
static int beale_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                      const slong *terms, slong nterms, slong t,
                      cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    consts_only_struct *S = O->data;
    cpwl_val_ptr c = objective_consts_get(&S->C, A);  /* c1, c2, c3, 1, 2, 3 */
    cpwl_val_ptr v = cpwl_val_vec_init(14, A);
    cpwl_val_ptr p = v, r = v + 3, q = v + 6, s = v + 9, tmp = v + 12;
    slong k;
    (void) terms;
    (void) nterms;
    (void) t;
    (void) e;
    cpwl_val_set(p + 0, x + 1, A);
    cpwl_val_mul(p + 1, p + 0, x + 1, A);
    cpwl_val_mul(p + 2, p + 1, x + 1, A);
    for (k = 0; k < 3; k++)
    {
        cpwl_val_sub(tmp + 0, c + k, x + 0, A);
        cpwl_val_mul(tmp + 1, x + 0, p + k, A);
        cpwl_val_add(r + k, tmp + 0, tmp + 1, A);
    }
    if (f != NULL)
        cpwl_val_dot(f, r, r, 3, A);
    if (g != NULL)
    {
        for (k = 0; k < 3; k++)
            cpwl_val_sub(q + k, p + k, c + 3, A);
        cpwl_val_dot(tmp + 0, r, q, 3, A);
        cpwl_val_mul(g + 0, c + 4, tmp + 0, A);
        cpwl_val_set(s + 0, x + 0, A);
        cpwl_val_mul(tmp + 0, c + 4, x + 0, A);
        cpwl_val_mul(s + 1, tmp + 0, p + 0, A);
        cpwl_val_mul(tmp + 0, c + 5, x + 0, A);
        cpwl_val_mul(s + 2, tmp + 0, p + 1, A);
        cpwl_val_dot(tmp + 0, r, s, 3, A);
        cpwl_val_mul(g + 1, c + 4, tmp + 0, A);
    }
    cpwl_val_vec_clear(v, 14, A);
    return 0;
}

static int beale_init(cpwl_objective_t O, const obj_param *P, slong np,
                      slong dim, cpwl_err_t e)
{
    static const char *const keys[] = {NULL};
    consts_only_struct *S;
    int st;
    if ((st = objective_check_keys(P, np, "beale", keys, "", e)) != CPWL_OK)
        return st;
    if ((st = objective_check_dim(2, dim, "beale", e)) != CPWL_OK)
        return st;
    S = consts_only_new(O, 6);
    fmpq_set_si(S->C.q + 0, 3, 2);
    fmpq_set_si(S->C.q + 1, 9, 4);
    fmpq_set_si(S->C.q + 2, 21, 8);
    fmpq_set_si(S->C.q + 3, 1, 1);
    fmpq_set_si(S->C.q + 4, 2, 1);
    fmpq_set_si(S->C.q + 5, 3, 1);
    O->eval = beale_eval;
    O->dim = 2;
    O->has_fstar = 1;           /* f(3, 1/2) = 0 */
    O->x1 = _fmpq_vec_init(2);
    fmpq_one(O->x1 + 0);
    fmpq_one(O->x1 + 1);
    return CPWL_OK;
}

/* ---- reddi: f_t(x) = C x (t = 1 mod 3), else -x, on [-1, 1] ------------- */

/* f = C x or -x (a negation: exact); g = C or -1. */
static int reddi_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                      const slong *terms, slong nterms, slong t,
                      cpwl_objective_struct *O, cpwl_arith_t A, cpwl_err_t e)
{
    consts_only_struct *S = O->data;
    cpwl_val_ptr c = objective_consts_get(&S->C, A);   /* C, -1 */
    int first = (t - 1) % 3 == 0;
    (void) terms;
    (void) nterms;
    if (t < 1)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "objective reddi: step "
                            "%ld, expected t >= 1", (long) t) != 0;
    if (f != NULL)
    {
        if (first)
            cpwl_val_mul(f, c + 0, x + 0, A);
        else
            cpwl_val_neg(f, x + 0, A);
    }
    if (g != NULL)
        cpwl_val_set(g + 0, first ? c + 0 : c + 1, A);
    return 0;
}

static int reddi_init(cpwl_objective_t O, const obj_param *P, slong np,
                      slong dim, cpwl_err_t e)
{
    static const char *const keys[] = {"C", NULL};
    const obj_param *p;
    consts_only_struct *S;
    fmpq_t C;
    int st;
    if ((st = objective_check_keys(P, np, "reddi", keys, "C", e)) != CPWL_OK)
        return st;
    if ((st = objective_check_dim(1, dim, "reddi", e)) != CPWL_OK)
        return st;
    fmpq_init(C);
    fmpq_set_si(C, 3, 1);
    if ((p = objective_find_param(P, np, "C")) != NULL)
        st = objective_parse_scalar(C, "reddi", p, e);
    if (st == CPWL_OK)
    {
        S = consts_only_new(O, 2);
        fmpq_set(S->C.q + 0, C);
        fmpq_set_si(S->C.q + 1, -1, 1);
        O->eval = reddi_eval;
        O->dim = 1;
        O->online = 1;
        O->has_box = 1;
        fmpq_set_si(O->lo, -1, 1);
        fmpq_one(O->hi);
        /* |f_t'| <= max(|C|, 1). */
        O->has_sigma2 = 1;
        fmpq_mul(O->sigma2, C, C);
        if (fmpq_cmp_ui(O->sigma2, 1) < 0)
            fmpq_one(O->sigma2);
        /* x_1 = 1: the end of the box away from the minimiser -1 of the
           average C > 2. */
        O->x1 = _fmpq_vec_init(1);
        fmpq_one(O->x1);
    }
    fmpq_clear(C);
    return st;
}

/* ---- parsing and dispatch ----------------------------------------------- */

typedef int (*obj_init_fn)(cpwl_objective_t O, const obj_param *P, slong np,
                           slong dim, cpwl_err_t e);

static const struct
{
    const char *name;
    obj_init_fn init;
}
builtins[] = {
    {"quadratic", objective_quad_init},
    {"pseudo-huber", ph_init},
    {"rosenbrock", rosen_init},
    {"beale", beale_init},
    {"reddi", reddi_init},
};

#define NBUILTINS ((slong) (sizeof(builtins) / sizeof(builtins[0])))

int cpwl_objective_init_str(cpwl_objective_t O, const char *spec, slong dim,
                            cpwl_err_t e)
{
    const char *colon = strchr(spec, ':');
    size_t nlen = colon != NULL ? (size_t) (colon - spec) : strlen(spec);
    const char *args = colon != NULL ? colon + 1 : spec + nlen;
    size_t alen = strlen(args);
    obj_param P[OBJ_MAX_PARAMS];
    slong np, k;
    int st = CPWL_ERR_INPUT;

    cpwl_objective_init(O);
    if (nlen == 3 && memcmp(spec, "net", 3) == 0)
    {
        strcpy(O->name, "net");
        st = objective_net_init(O, args, alen, dim, e);
    }
    else
    {
        for (k = 0; k < NBUILTINS; k++)
            if (strlen(builtins[k].name) == nlen
                && memcmp(builtins[k].name, spec, nlen) == 0)
                break;
        if (k == NBUILTINS)
        {
            char buf[CPWL_ERR_QUOTE_SIZE];
            cpwl_err_quote(buf, sizeof(buf), spec, nlen);
            cpwl_err_set(e, CPWL_ERR_INPUT, "unknown objective %s (expected "
                         "quadratic, pseudo-huber, rosenbrock, beale, reddi "
                         "or net)", buf);
        }
        else
        {
            strcpy(O->name, builtins[k].name);
            st = parse_params(P, &np, O->name, args, alen, e);
            if (st == CPWL_OK)
                st = builtins[k].init(O, P, np, dim, e);
        }
    }
    if (st != CPWL_OK)
    {
        /* Left empty: clearing it is allowed, and not needed. */
        cpwl_objective_clear(O);
        cpwl_objective_init(O);
    }
    return st != CPWL_OK;
}

int cpwl_objective_eval(cpwl_val_ptr f, cpwl_val_ptr g, cpwl_val_srcptr x,
                        const slong *terms, slong nterms, slong t,
                        cpwl_objective_t O, cpwl_arith_t A, cpwl_err_t e)
{
    slong i;
    int st, failed = cpwl_arith_failed(A);
    if (O->eval == NULL)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "objective not set up") != 0;
    if (terms != NULL)
    {
        if (O->nterms <= 0)
            return cpwl_err_set(e, CPWL_ERR_INTERNAL, "objective %s is not "
                                "a finite sum: no terms to choose", O->name) != 0;
        for (i = 0; i < nterms; i++)
            if (terms[i] < 0 || terms[i] >= O->nterms)
                return cpwl_err_set(e, CPWL_ERR_INTERNAL, "objective %s: "
                                    "term %ld out of range (%ld terms)",
                                    O->name, (long) terms[i],
                                    (long) O->nterms) != 0;
    }
    if ((st = O->eval(f, g, x, terms, nterms, t, O, A, e)) != 0)
        return st;
    if (!failed && cpwl_arith_failed(A))
        return objective_arith_fail(O, A, e) != 0;
    return 0;
}
