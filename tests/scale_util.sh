# Shared by the tests of checkpoints and MPI runs (tests/fault.sh,
# tests/ckpt_corrupt.sh, tests/mpi_cli.sh; sourced, not run).

# A seeded generator the same in every POSIX shell: Park-Miller (the
# product stays below 2^46, exact in shell and awk arithmetic).
# scale_seed S; scale_rand N sets $r to the next number in 0..N-1.
scale_seed() { _rng=$(( $1 % 2147483646 + 1 )); }
scale_rand() {
    _rng=$(( _rng * 16807 % 2147483647 ))
    r=$(( _rng % $1 ))
}

# gen_erm D N SEED: D points in R^N, coordinates k/100 (k in -500..500),
# labels a noisy piecewise-linear function of them (as bench/bench_erm.c:
# a target a width-2 net fits partly).
gen_erm() {
    awk -v D="$1" -v N="$2" -v seed="$3" 'BEGIN {
        x = seed % 2147483646 + 1
        for (i = 0; i < D; i++) {
            sum = 0; dif = 0; line = ""
            for (j = 0; j < N; j++) {
                x = (x * 16807) % 2147483647; k = x % 1001 - 500
                line = line k "/100,"
                sum += k; dif = j ? dif - k : k
            }
            x = (x * 16807) % 2147483647
            y = (sum < 0 ? -sum : sum) - (dif > 0 ? int(dif / 2) : 0) + x % 101 - 250
            print line y "/100"
        }
    }'
}

# gen_net SEED N0 W1 ... Wk: the ReLU net N0-W1-...-Wk-1 (identity output
# layer), every weight and bias a two-decimal number in [-1, 1].
gen_net() {
    awk -v spec="$*" 'BEGIN {
        ns = split(spec, a, " ")
        x = a[1] % 2147483646 + 1
        printf "{\"format\": \"cpwl-net\", \"version\": 1, \"name\": \"random %s\", \"input_dim\": %d, \"output_bias\": true, \"layers\": [", spec, a[2]
        prev = a[2]
        for (l = 3; l <= ns + 1; l++) {
            w = (l <= ns) ? a[l] : 1
            printf "%s{\"activation\": \"%s\", \"weights\": [", (l > 3 ? ", " : ""), (l <= ns ? "relu" : "identity")
            for (i = 0; i < w; i++) {
                printf "%s[", (i ? ", " : "")
                for (j = 0; j < prev; j++) {
                    x = (x * 16807) % 2147483647
                    printf "%s\"%d/100\"", (j ? ", " : ""), x % 201 - 100
                }
                printf "]"
            }
            printf "], \"bias\": ["
            for (i = 0; i < w; i++) {
                x = (x * 16807) % 2147483647
                printf "%s\"%d/100\"", (i ? ", " : ""), x % 201 - 100
            }
            printf "]}"
            prev = w
        }
        printf "]}\n"
    }'
}

# scale_norm < OUT: the output without what may differ between runs of
# the same computation: measured seconds (and throughput), and erm's work
# counts (solved, pruned: with several processes or after a resume some
# cells are visited speculatively or replayed, docs/erm.md).  Everything
# else - counts, optimum, network, regions and their order - must be equal.
scale_norm() {
    sed -e '/^seconds /d' -e '/^throughput /d' -e '/^certified /d' \
        -e 's/^\(subproblems  *[0-9][0-9]*\) (solved [0-9]*, pruned [0-9]*)/\1/' \
        -e 's/, "solved": [0-9]*//' -e 's/, "pruned": [0-9]*//' \
        -e 's/, "by_double": [0-9]*//' \
        -e 's/, "seconds[a-z_]*": [-0-9.e+]*//g' \
        -e 's/"seconds[a-z_]*": [-0-9.e+]*, //g' \
        -e 's/, "points_per_second": [-0-9.e+]*//'
}

# scale_norm_strict < OUT: only the measured seconds dropped: one process
# resumed reports the work counts of an uninterrupted run (the recorded
# units' counts are replayed, docs/erm.md).
scale_norm_strict() {
    sed -e '/^seconds /d' -e 's/, "seconds[a-z_]*": [-0-9.e+]*//g' \
        -e 's/"seconds[a-z_]*": [-0-9.e+]*, //g'
}

# scale_report NAME WHY: one TAP line (ok when WHY is empty).
scale_n=0
scale_fails=0
scale_report() {
    scale_n=$((scale_n + 1))
    if [ -z "$2" ]; then
        echo "ok $scale_n - $1"
    else
        echo "not ok $scale_n - $1: $2"
        scale_fails=$((scale_fails + 1))
    fi
}
