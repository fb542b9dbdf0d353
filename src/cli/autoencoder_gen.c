/* cpwl autoencoder gen: dictionaries (module dict) and code distributions
   (module codes) written as files the other actions read. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <flint/fmpq_vec.h>
#include "autoencoder.h"
#include "optim_opts.h"
#include "json.h"

#define SUB "autoencoder gen"
#define GEN_MAX_CODES_DEFAULT 1000000
#define GEN_MAX_H ((slong) 1 << 16)
/* the output's size: codes times (h + 1) cells */
#define GEN_MAX_CELLS ((slong) 1 << 28)

enum
{
    OPT_SEED = 0x300, OPT_JSON, OPT_H, OPT_CODES, OPT_MAX_CODES, OPT_K,
    OPT_M1, OPT_M2, OPT_GRID, OPT_COUNT
};

static int gen_seed(uint64_t *seed, const char *s)
{
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno != 0)
        return cli_usage(SUB, "--seed: expected an integer from 0 to "
                         "18446744073709551615, got \"%.40s\"", s);
    *seed = (uint64_t) v;
    return CPWL_OK;
}

/* mu as text: p/q when mu^2 is a rational square, else a decimal ball. */
static char *gen_mu_str(const fmpq_t mu2)
{
    char *s;
    if (fmpz_is_square(fmpq_numref(mu2)) && fmpz_is_square(fmpq_denref(mu2)))
    {
        fmpq_t r;
        fmpq_init(r);
        fmpz_sqrt(fmpq_numref(r), fmpq_numref(mu2));
        fmpz_sqrt(fmpq_denref(r), fmpq_denref(mu2));
        s = fmpq_get_str(NULL, 10, r);
        fmpq_clear(r);
    }
    else
    {
        arb_t mu;
        arb_init(mu);
        cpwl_dict_coherence_arb(mu, mu2, 128);
        s = cli_arb_str(mu, 1, 20);
        arb_clear(mu);
    }
    return s;
}

static int gen_write_dict(FILE *f, const fmpq_mat_t A, const char *spec,
                          uint64_t seed, int json)
{
    fmpq_t mu2;
    char *m2 = NULL, *mu = NULL;
    int zero, unit, bad = 0;
    slong i, j;
    fmpq_init(mu2);
    zero = cpwl_dict_coherence2(mu2, NULL, NULL, A);
    unit = cpwl_dict_nonunit_column(A) < 0;
    if (!zero)
    {
        m2 = fmpq_get_str(NULL, 10, mu2);
        mu = gen_mu_str(mu2);
    }
    if (!json)
    {
        bad |= fprintf(f, "# cpwl autoencoder gen dict: a dictionary, n rows "
                       "and h columns (the atoms)\n# generator: %s\n# seed: "
                       "%llu\n# n: %ld\n# h: %ld\n# mu^2: %s\n# mu: %s\n"
                       "# unit columns: %s\n", spec, (unsigned long long) seed,
                       (long) fmpq_mat_nrows(A), (long) fmpq_mat_ncols(A),
                       zero ? "undefined (a zero column)" : m2,
                       zero ? "undefined" : mu, unit ? "yes" : "no") < 0;
        bad |= cpwl_matrix_write_csv(f, A);
    }
    else
    {
        json_buf b;
        json_buf_init(&b);
        json_buf_puts(&b, "{\"generator\": ");
        json_buf_string(&b, spec, strlen(spec));
        json_buf_printf(&b, ", \"seed\": %llu, \"n\": %ld, \"h\": %ld, "
                        "\"coherence2\": ", (unsigned long long) seed,
                        (long) fmpq_mat_nrows(A), (long) fmpq_mat_ncols(A));
        if (zero)
            json_buf_puts(&b, "null, \"mu\": null");
        else
        {
            json_buf_string(&b, m2, strlen(m2));
            json_buf_puts(&b, ", \"mu\": ");
            json_buf_string(&b, mu, strlen(mu));
        }
        json_buf_printf(&b, ", \"unit_columns\": %s, \"matrix\": [",
                        unit ? "true" : "false");
        bad |= fputs(b.s, f) == EOF;
        flint_free(b.s);
        for (i = 0; i < fmpq_mat_nrows(A); i++)
        {
            bad |= fputs(i > 0 ? ",\n  [" : "\n  [", f) == EOF;
            for (j = 0; j < fmpq_mat_ncols(A); j++)
            {
                char *s = fmpq_get_str(NULL, 10, fmpq_mat_entry(A, i, j));
                bad |= fprintf(f, "%s\"%s\"", j > 0 ? ", " : "", s) < 0;
                flint_free(s);
            }
            bad |= fputc(']', f) == EOF;
        }
        bad |= fputs("\n]}\n", f) == EOF;
    }
    flint_free(m2);
    flint_free(mu);
    fmpq_clear(mu2);
    return bad;
}

/* N random codes, each of probability 1/N, as CSV p,x_1..x_h. */
static int gen_write_random(FILE *f, slong h, slong k, const fmpq_t m1,
                            const fmpq_t m2, slong G, slong N, uint64_t seed)
{
    fmpq *x = _fmpq_vec_init(h);
    slong *supp = flint_malloc((k + 1) * sizeof(slong)), r, i;
    uint64_t state = seed;
    int bad = 0;
    bad |= fputs("p", f) == EOF;
    for (i = 0; i < h; i++)
        bad |= fprintf(f, ",x_%ld", (long) i + 1) < 0;
    bad |= fputc('\n', f) == EOF;
    for (r = 0; r < N && !bad; r++)
    {
        cpwl_codes_draw_random(x, supp, h, k, m1, m2, G, &state);
        bad |= fprintf(f, "1/%ld", (long) N) < 0;
        for (i = 0; i < h; i++)
        {
            char *s = fmpq_get_str(NULL, 10, x + i);
            bad |= fprintf(f, ",%s", s) < 0;
            flint_free(s);
        }
        bad |= fputc('\n', f) == EOF;
    }
    _fmpq_vec_clear(x, h);
    flint_free(supp);
    return bad;
}

static int gen_dict(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, NULL, OPT_SEED},
        {"json", no_argument, NULL, OPT_JSON},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0}
    };
    const char *out = "-", *spec;
    uint64_t seed = 1;
    int c, json = 0, st;
    fmpq_mat_t A;
    cpwl_err_t e;
    outfile_t f;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1)
        switch (c)
        {
        case OPT_SEED:
            if ((st = gen_seed(&seed, optarg)) != CPWL_OK)
                return st;
            break;
        case OPT_JSON:
            json = 1;
            break;
        case 'o':
            out = optarg;
            break;
        default:
            return cli_bad_option(SUB, c, argv);
        }
    if (optind != argc - 1)
        return cli_usage(SUB, "dict: expected one SPEC (identity:n=N, "
                         "hadamard:n=N[;signed], union:n=N[;bases=B] or "
                         "sphere:n=N;h=H[;height=M]), got %d arguments",
                         argc - optind);
    spec = argv[optind];
    fmpq_mat_init(A, 0, 0);
    cpwl_err_init(e);
    if (cpwl_dict_gen_str(A, spec, seed, e) != CPWL_OK)
    {
        fmpq_mat_clear(A);
        return cli_fail(SUB, e);
    }
    if ((st = cli_out_open(f, SUB, out)) == CPWL_OK)
        st = cli_out_close(f, SUB, gen_write_dict(f->f, A, spec, seed, json)
                           == 0);
    fmpq_mat_clear(A);
    return st;
}

static int gen_codes(int argc, char **argv)
{
    static const struct option opts[] = {
        {"h", required_argument, NULL, OPT_H},
        {"codes", required_argument, NULL, OPT_CODES},
        {"max-codes", required_argument, NULL, OPT_MAX_CODES},
        {"k", required_argument, NULL, OPT_K},
        {"m1", required_argument, NULL, OPT_M1},
        {"m2", required_argument, NULL, OPT_M2},
        {"grid", required_argument, NULL, OPT_GRID},
        {"count", required_argument, NULL, OPT_COUNT},
        {"seed", required_argument, NULL, OPT_SEED},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0}
    };
    const char *out = "-", *spec = NULL;
    slong h = -1, k = -1, G = 4, N = -1, maxc = GEN_MAX_CODES_DEFAULT;
    int c, st = CPWL_OK, have_m1 = 0, have_m2 = 0, random_opts = 0;
    int have_max = 0;
    uint64_t seed = 1;
    fmpq_t m1, m2;
    outfile_t f;

    fmpq_init(m1);
    fmpq_init(m2);
    optind = 1;
    opterr = 0;
    while (st == CPWL_OK
           && (c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1)
        switch (c)
        {
        case OPT_H:
            st = cli_parse_slong(&h, SUB, "--h", optarg, 1, GEN_MAX_H);
            break;
        case OPT_CODES:
            spec = optarg;
            break;
        case OPT_MAX_CODES:
            st = cli_parse_slong(&maxc, SUB, "--max-codes", optarg, 1, WORD_MAX);
            have_max = 1;
            break;
        case OPT_K:
            st = cli_parse_slong(&k, SUB, "--k", optarg, 0, GEN_MAX_H);
            random_opts = 1;
            break;
        case OPT_M1:
            st = cli_optim_fmpq(m1, SUB, "--m1", optarg);
            have_m1 = random_opts = 1;
            break;
        case OPT_M2:
            st = cli_optim_fmpq(m2, SUB, "--m2", optarg);
            have_m2 = random_opts = 1;
            break;
        case OPT_GRID:
            st = cli_parse_slong(&G, SUB, "--grid", optarg, 0, 1 << 30);
            random_opts = 1;
            break;
        case OPT_COUNT:
            st = cli_parse_slong(&N, SUB, "--count", optarg, 1, 1000000);
            random_opts = 1;
            break;
        case OPT_SEED:
            st = gen_seed(&seed, optarg);
            random_opts = 1;
            break;
        case 'o':
            out = optarg;
            break;
        default:
            st = cli_bad_option(SUB, c, argv);
        }
    if (st != CPWL_OK)
        goto done;
    if (optind != argc)
        st = cli_usage(SUB, "codes: unexpected argument \"%.40s\"",
                       argv[optind]);
    else if (h < 0)
        st = cli_usage(SUB, "codes: --h H (the number of atoms) is required");
    else if (spec != NULL && random_opts)
        st = cli_usage(SUB, "codes: --codes expands a distribution; --k, "
                       "--m1, --m2, --grid, --count and --seed draw random "
                       "codes instead: give one or the other");
    else if (spec == NULL && !random_opts)
        st = cli_usage(SUB, "codes: expected --codes SPEC, or --k, --m1, "
                       "--m2 and --count for random codes");
    else if (spec == NULL && have_max)
        st = cli_usage(SUB, "codes: --max-codes goes with --codes");
    if (st != CPWL_OK)
        goto done;
    if (spec != NULL)
    {
        cpwl_codes_t C;
        fmpz_t cnt;
        cpwl_codes_init(C);
        fmpz_init(cnt);
        if ((st = cli_ae_read_codes(C, SUB, spec, h)) == CPWL_OK)
        {
            cpwl_codes_count(cnt, C);
            if (fmpz_cmp_si(cnt, maxc) > 0)
            {
                char *s = fmpz_get_str(NULL, 10, cnt);
                st = cli_usage(SUB, "codes: the distribution has %.60s%s codes; "
                               "expected at most %ld (raise --max-codes)", s,
                               strlen(s) > 60 ? "..." : "", (long) maxc);
                flint_free(s);
            }
            else if (fmpz_get_si(cnt) > GEN_MAX_CELLS / (h + 1))
                st = cli_usage(SUB, "codes: %ld codes of h = %ld entries are "
                               "too many (more than 2^28 entries)",
                               (long) fmpz_get_si(cnt), (long) h);
            else if ((st = cli_out_open(f, SUB, out)) == CPWL_OK)
                st = cli_out_close(f, SUB, cpwl_codes_write_csv(f->f, C) == 0);
        }
        fmpz_clear(cnt);
        cpwl_codes_clear(C);
        goto done;
    }
    if (k < 0 || !have_m1 || !have_m2 || N < 0)
        st = cli_usage(SUB, "codes: random codes need --k, --m1, --m2 and "
                       "--count");
    else if (k > h)
        st = cli_usage(SUB, "codes: --k: %ld; expected a support size from 0 "
                       "to h = %ld", (long) k, (long) h);
    else if (fmpq_cmp(m1, m2) > 0)
        st = cli_usage(SUB, "codes: --m1 must not exceed --m2");
    else if (fmpq_sgn(m1) <= 0 && fmpq_sgn(m2) >= 0)
        st = cli_usage(SUB, "codes: [--m1, --m2] holds 0; expected non-zeros "
                       "of one sign (0 < m1 <= m2 or m1 <= m2 < 0)");
    else if (N > GEN_MAX_CELLS / (h + 1))
        st = cli_usage(SUB, "codes: %ld codes of h = %ld entries are too many "
                       "(more than 2^28 entries)", (long) N, (long) h);
    else if ((st = cli_out_open(f, SUB, out)) == CPWL_OK)
        st = cli_out_close(f, SUB, gen_write_random(f->f, h, k, m1, m2, G, N,
                                                    seed) == 0);
done:
    fmpq_clear(m1);
    fmpq_clear(m2);
    return st;
}

int cli_ae_gen(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(SUB, "expected what to generate: dict or codes");
    if (strcmp(argv[1], "dict") == 0)
        return cli_finish_stdout(SUB, gen_dict(argc - 1, argv + 1));
    if (strcmp(argv[1], "codes") == 0)
        return cli_finish_stdout(SUB, gen_codes(argc - 1, argv + 1));
    return cli_usage(SUB, "unknown kind \"%.40s\"; expected dict or codes",
                     argv[1]);
}
