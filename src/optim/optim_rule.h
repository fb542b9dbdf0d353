/* The algorithms of the optimiser engine, written once (internal to
   src/optim).  optim.c includes this file with module arith's values
   (exact rationals, Arb balls, emulated IEEE formats) and optim_fast.c
   includes it twice more with the machine's double and float, so that the
   engine and the fast path run the same formulas with the same
   operations in the same order (cpwl/optim.h lists them; docs/optim.md
   gives each algorithm's order).  Every RULE_ operation below is one
   rounding in a float format, except NEG, MAX, SET and NONNEG, which are
   exact.

   The includer defines:
     RULE_T            the value type
     RULE_S            the run's struct
     RULE_FN(name)     the name of each function of this instantiation
     RULE_A(R, f)      the state array f of R (m, v, vmax, u, y, comp)
     RULE_C(R, f)      a pointer to the constant f of R (c_lr, c_mom, c_b1,
                       c_1mb1, c_b2, c_1mb2, c_xi, c_eps, c_one, p1, p2)
     RULE_CTX(R)       a declaration of what the operations need
     RULE_SCRATCH(R)   declarations of RULE_T pointers s0, s1, s2
     RULE_FLOAT(R)     1 when the arithmetic is a float format
     RULE_DBL(p)       the value at p as a double (float formats only)
     RULE_ADD(r, a, b) ... RULE_SET_SI(r, k): the operations, on pointers
   and then includes this file; it #undefs nothing (each instantiation is
   in its own translation unit, or the includer #undefs). */

/* nag's look-ahead y = x + mu u, where the step takes its gradient. */
static void RULE_FN(lookahead)(RULE_S *R, RULE_T *y, const RULE_T *x,
                               slong n)
{
    slong i;
    RULE_CTX(R);
    RULE_SCRATCH(R);

    (void) s1;
    (void) s2;
    for (i = 0; i < n; i++)
    {
        RULE_MUL(s0, RULE_C(R, c_mom), RULE_A(R, u) + i);
        RULE_ADD(y + i, x + i, s0);
    }
}

/* The step a_t of step t: a, or a / sqrt(t); and kingma-ba's powers
   b1^t, b2^t, kept as running products p = b p (one rounding each per
   step), for the bias corrections 1 - b1^t, 1 - b2^t. */
static void RULE_FN(scalars)(RULE_S *R, RULE_T *at, slong t)
{
    const cpwl_optim_opts_struct *o = R->opts;
    RULE_CTX(R);
    RULE_SCRATCH(R);

    (void) s1;
    (void) s2;
    if (o->schedule == CPWL_OPTIM_SCHEDULE_SQRT)
    {
        RULE_SET_SI(s0, t);
        RULE_SQRT(s0, s0);
        RULE_DIV(at, RULE_C(R, c_lr), s0);
    }
    else
        RULE_SET(at, RULE_C(R, c_lr));
    if (o->algo == CPWL_OPTIM_ADAM && o->form == CPWL_OPTIM_FORM_KINGMA_BA)
    {
        RULE_MUL(RULE_C(R, p1), RULE_C(R, c_b1), RULE_C(R, p1));
        RULE_MUL(RULE_C(R, p2), RULE_C(R, c_b2), RULE_C(R, p2));
    }
}

/* x = x - d, plainly or compensated (Kahan: z = -d; y = z - c;
   s = x + y; c = (s - x) - y; x = s), counting a float update d != 0
   that leaves x unchanged.  Kahan only in a float format: an exact
   update has no error to compensate, and in Arb the compensation would
   only widen the balls; so a float run with kahan can be set beside the
   real run (side by side, departure) with the same options. */
static void RULE_FN(update)(RULE_S *R, RULE_T *x, RULE_T *d, RULE_T *c)
{
    int fl = RULE_FLOAT(R);
    double old = fl ? RULE_DBL(x) : 0.0;
    RULE_CTX(R);
    RULE_SCRATCH(R);

    (void) s0;
    if (R->opts->kahan && fl)
    {
        RULE_NEG(d, d);
        RULE_SUB(s1, d, c);             /* y = z - c */
        RULE_ADD(s2, x, s1);            /* s = x + y */
        RULE_SUB(c, s2, x);             /* c = (s - x) - y */
        RULE_SUB(c, c, s1);
        RULE_SET(x, s2);
    }
    else
        RULE_SUB(x, x, d);
    if (fl && RULE_DBL(d) != 0.0 && RULE_DBL(x) == old)
        R->stagnant++;
}

/* The step of every component: d from the algorithm's state and the
   gradient g_i, then x_i = x_i - d (cpwl/optim.h gives the formulas). */
static void RULE_FN(components)(RULE_S *R, RULE_T *x, const RULE_T *gv,
                                const RULE_T *at, RULE_T *d, slong n)
{
    const cpwl_optim_opts_struct *o = R->opts;
    slong i;
    RULE_CTX(R);
    RULE_SCRATCH(R);

    for (i = 0; i < n; i++)
    {
        const RULE_T *g = gv + i;
        RULE_T *u = RULE_A(R, u) + i, *m = RULE_A(R, m) + i;
        RULE_T *v = RULE_A(R, v) + i;

        switch (o->algo)
        {
        case CPWL_OPTIM_GD:
        case CPWL_OPTIM_SGD:
            RULE_MUL(d, at, g);                         /* d = a g */
            break;
        case CPWL_OPTIM_HEAVY_BALL:
        case CPWL_OPTIM_NAG:
            RULE_MUL(s0, RULE_C(R, c_mom), u);          /* u = mu u - a g */
            RULE_MUL(s1, at, g);
            RULE_SUB(u, s0, s1);
            RULE_NEG(d, u);                             /* x = x + u */
            break;
        case CPWL_OPTIM_RMSPROP:
            RULE_MUL(s0, RULE_C(R, c_b2), v);           /* b2 v */
            RULE_SQR(s1, g);                            /* g g */
            if (o->form == CPWL_OPTIM_FORM_PAPER)
                RULE_ADD(s1, s1, RULE_C(R, c_xi));      /* g g + xi */
            RULE_MUL(s1, RULE_C(R, c_1mb2), s1);        /* (1 - b2)(..) */
            RULE_ADD(v, s0, s1);                        /* v = .. + .. */
            RULE_NONNEG(v);                             /* v >= 0 (Arb) */
            if (o->form == CPWL_OPTIM_FORM_TENSORFLOW)
            {
                RULE_ADD(s2, v, RULE_C(R, c_eps));      /* sqrt(v + eps) */
                RULE_SQRT(s2, s2);
            }
            else
            {
                RULE_SQRT(s2, v);                       /* sqrt(v) */
                if (o->form == CPWL_OPTIM_FORM_PYTORCH)
                    RULE_ADD(s2, s2, RULE_C(R, c_eps)); /* + eps */
            }
            RULE_MUL(d, at, g);                         /* d = a g / s */
            RULE_DIV(d, d, s2);
            break;
        case CPWL_OPTIM_ADAM:
        {
            const RULE_T *mm = m, *vv = v;
            const RULE_T *c = o->form == CPWL_OPTIM_FORM_PAPER
                ? RULE_C(R, c_xi) : RULE_C(R, c_eps);

            RULE_MUL(s0, RULE_C(R, c_b1), m);       /* m = b1 m + (1-b1) g */
            RULE_MUL(s1, RULE_C(R, c_1mb1), g);
            RULE_ADD(m, s0, s1);
            RULE_MUL(s0, RULE_C(R, c_b2), v);   /* v = b2 v + (1-b2)(g g) */
            RULE_SQR(s1, g);
            RULE_MUL(s1, RULE_C(R, c_1mb2), s1);
            RULE_ADD(v, s0, s1);
            RULE_NONNEG(v);                         /* v >= 0 (Arb) */
            if (o->form == CPWL_OPTIM_FORM_KINGMA_BA)
            {
                RULE_T *vh = RULE_A(R, y) + i;

                RULE_SUB(s2, RULE_C(R, c_one), RULE_C(R, p1));
                RULE_DIV(d, m, s2);             /* mh = m / (1 - p1), in d */
                RULE_SUB(s2, RULE_C(R, c_one), RULE_C(R, p2));
                RULE_DIV(vh, v, s2);                /* vh = v / (1 - p2) */
                RULE_NONNEG(vh);
                mm = d;
                vv = vh;
            }
            if (o->amsgrad)
            {
                RULE_T *vmax = RULE_A(R, vmax) + i;

                RULE_MAX(vmax, vmax, vv);
                vv = vmax;
            }
            RULE_SQRT(s2, vv);                      /* sqrt(v) + xi */
            RULE_ADD(s2, s2, c);
            RULE_MUL(s0, at, mm);                   /* d = a m / (..) */
            RULE_DIV(d, s0, s2);
            break;
        }
        }
        RULE_FN(update)(R, x + i, d, RULE_A(R, comp) + i);
    }
}
