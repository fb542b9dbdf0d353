#!/bin/sh
# Benchmark of the MPI back end and of checkpoints (docs/scale.md):
#  1. strong scaling, `mpirun -np 1` against `-np 2 cpwl-mpi`, on exact ERM
#     (n = 2, D = 20, w = 2, bench_erm's seeded data) and on the n-D
#     regions of all of R^4 for the net 4-12-12-12-1 (bench_regions'
#     PyTorch-initialised nets); goal: ratio >= 1.8;
#  2. checkpoint overhead: the same -np 1 runs with --checkpoint F
#     --every 10 (goal: < 5%) and --every 0.1 (a visible cost);
#  3. the figures of the extrapolation of docs/scale.md: exact ERM for
#     D = 20..30 (dichotomies, cells, solved, seconds) and the scheduler's
#     per-process units and messages (CPWL_SCHED_STATS lines).
# Each time is the best of BENCH_SCALE_REPEAT runs (default 3), wall clock.
# Speed is measured here, never in the tests.
#
# Environment: CPWL (cpwl), CPWL_MPI_BIN (cpwl-mpi), CPWL_MPI (yes when
# built), CPWL_SRCDIR (the source tree: tests/mpirun.sh,
# bench/bench_scale_gen.py).  BENCH_SCALE_ERM_D (default 20),
# BENCH_SCALE_NET (default 4-12-12-12-1), BENCH_SCALE_EXTRA_D (the D of
# part 3, default "20 22 24 26 28 30"; empty skips it).

: "${CPWL:?CPWL must name the cpwl binary}"
src=${CPWL_SRCDIR:-$(dirname "$0")/..}
repeat=${BENCH_SCALE_REPEAT:-3}
D=${BENCH_SCALE_ERM_D:-20}
NET=${BENCH_SCALE_NET:-4-12-12-12-1}
EXTRA_D=${BENCH_SCALE_EXTRA_D-20 22 24 26 28 30}

if [ "$CPWL_MPI" != yes ] || [ ! -x "$CPWL_MPI_BIN" ] || [ -z "$MPIRUN" ]; then
    echo "bench-scale: cpwl-mpi not built (./configure --with-mpi); skipped"
    exit 0
fi
# tests/mpirun.sh's settings (its function cannot run under /usr/bin/time):
# this machine's processes, oversubscribed, as root when run as root.
OMPI_MCA_btl_vader_single_copy_mechanism=none
OMPI_MCA_rmaps_base_oversubscribe=1
OMPI_MCA_btl=self,vader
OMPI_ALLOW_RUN_AS_ROOT=1
OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism OMPI_MCA_rmaps_base_oversubscribe \
    OMPI_MCA_btl OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
NP="$MPIRUN --allow-run-as-root --oversubscribe -np"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-bench-scale.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15

python3 "$src/bench/bench_scale_gen.py" erm "$D" 2 $((2000 + D)) >"$tmp/erm.csv" || exit 1
python3 "$src/bench/bench_scale_gen.py" net "$NET" >"$tmp/net.json" || exit 1

now_ns() { date +%s%N; }

# timed TAG CMD...: run CMD $repeat times (stdout to $tmp/TAG.out, stderr
# to $tmp/TAG.err, of the best run), set best to the best wall seconds;
# a failed run stops the bench.
timed() {
    _tag=$1
    shift
    best=""
    _k=0
    while [ "$_k" -lt "$repeat" ]; do
        rm -f "$tmp"/*.ckpt
        _t0=$(now_ns)
        if [ -x /usr/bin/time ]; then
            CPWL_SCHED_STATS=1 /usr/bin/time -f "%U %S" -o "$tmp/run.time" \
                "$@" >"$tmp/run.out" 2>"$tmp/run.err"
            _st=$?
        else
            CPWL_SCHED_STATS=1 "$@" >"$tmp/run.out" 2>"$tmp/run.err"
            _st=$?
            echo "0 0" >"$tmp/run.time"
        fi
        _t1=$(now_ns)
        if [ "$_st" -ne 0 ]; then
            echo "bench-scale: $* failed with status $_st:"
            head -c 2000 "$tmp/run.err"
            exit 1
        fi
        _s=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if [ -z "$best" ] || awk -v s="$_s" -v b="$best" 'BEGIN { exit !(s < b) }'; then
            best=$_s
            mv "$tmp/run.out" "$tmp/$_tag.out"
            mv "$tmp/run.err" "$tmp/$_tag.err"
            _cpu=$(awk 'END { printf "%.3f", $1 + $2 }' "$tmp/run.time")
            [ -f "$tmp/c.ckpt" ] && wc -c <"$tmp/c.ckpt" >"$tmp/$_tag.ckptsize"
        fi
        _k=$((_k + 1))
    done
    eval "t_$_tag=$best c_$_tag=$_cpu"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
overhead() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", 100 * (a / b - 1) }'; }

# The scheduler figures of a run: its CPWL_SCHED_STATS lines (every
# process), and the sums over the processes.
sched_lines() {
    grep '^cpwl-sched ' "$tmp/$1.err" | sed 's/^/    /'
}
sched_sum() {
    grep '^cpwl-sched ' "$tmp/$1.err" | awk -v key="$2" '
        { for (i = 1; i < NF; i++) if ($i == key) s += $(i + 1) }
        END { print s + 0 }'
}

# The units of a computation, from its complete checkpoint: per phase,
# how many and their payload bytes (each unit computed by a process other
# than 0 is one message to process 0; docs/checkpoint.md for the format).
ckpt_units() {
    LC_ALL=C awk '/^unit [0-9]+ [0-9]+ [0-9]+$/ { n[$2]++; b[$2] += $4; if ($2 > m) m = $2 }
        END { for (p = 0; p <= m; p++) printf "phase %d: %d units, %d bytes; ", p, n[p], b[p] }' "$tmp/c.ckpt"
    printf 'file %s bytes\n' "$(wc -c <"$tmp/c.ckpt")"
}

# The answers must agree (the scaling is of the same computation).
same_answer() {
    sed -e '/^seconds/d' -e 's/(solved.*//' -e '/^certified/d' -e '/^cpwl-sched/d' \
        "$tmp/$1.out" >"$tmp/a1"
    sed -e '/^seconds/d' -e 's/(solved.*//' -e '/^certified/d' -e '/^cpwl-sched/d' \
        "$tmp/$2.out" >"$tmp/a2"
    cmp -s "$tmp/a1" "$tmp/a2" || echo "  ANSWERS DIFFER between $1 and $2"
}

echo "Scaling and checkpoints (docs/scale.md): $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "each time: wall seconds, best of $repeat; mpirun adds about 0.3 s of start-up to every run"
echo "load average at the start: $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null) (other work on the machine slows the 2-process runs most)"
echo

E="erm $tmp/erm.csv --width 2"
R="regions $tmp/net.json"

timed erm_plain "$CPWL" $E --threads 1 --stats
timed erm_np1 $NP 1 "$CPWL_MPI_BIN" $E --stats
timed erm_np2 $NP 2 "$CPWL_MPI_BIN" $E --stats
timed erm_ck10 $NP 1 "$CPWL_MPI_BIN" $E --stats --checkpoint "$tmp/c.ckpt" --every 10
timed erm_ck01 $NP 1 "$CPWL_MPI_BIN" $E --stats --checkpoint "$tmp/c.ckpt" --every 0.1
ckpt_units >"$tmp/erm.units"
same_answer erm_np1 erm_np2
same_answer erm_np1 erm_ck01

timed reg_plain "$CPWL" $R --stats
timed reg_np1 $NP 1 "$CPWL_MPI_BIN" $R --stats
timed reg_np2 $NP 2 "$CPWL_MPI_BIN" $R --stats
timed reg_ck10 $NP 1 "$CPWL_MPI_BIN" $R --stats --checkpoint "$tmp/c.ckpt" --every 10
timed reg_ck01 $NP 1 "$CPWL_MPI_BIN" $R --stats --checkpoint "$tmp/c.ckpt" --every 0.1
ckpt_units >"$tmp/reg.units"
same_answer reg_np1 reg_np2
same_answer reg_np1 reg_ck01

cells_erm=$(sed -n 's/^subproblems *\([0-9]*\).*/\1/p' "$tmp/erm_np1.out")
cells_reg=$(sed -n 's/^activation regions *\([0-9]*\).*/\1/p' "$tmp/reg_np1.out")

printf '%-34s %9s %9s %9s %7s  %s\n' "strong scaling" "cpwl" "-np 1" "-np 2" "ratio" "goal >= 1.8"
for w in erm reg; do
    eval "p=\$t_${w}_plain a=\$t_${w}_np1 b=\$t_${w}_np2 pc=\$c_${w}_plain ac=\$c_${w}_np1 bc=\$c_${w}_np2"
    if [ "$w" = erm ]; then
        label="erm n=2 D=$D w=2 ($cells_erm cells)"
    else
        label="regions $NET R^4 ($cells_reg)"
    fi
    printf '%-34s %9s %9s %9s %7s  %s\n' "$label" "$p" "$a" "$b" "$(ratio "$a" "$b")" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN { print (a / b >= 1.8 ? "met" : "NOT MET") }')"
    printf '%-34s %9s %9s %9s %7s  %s\n' "  cpu seconds (all processes)" "$pc" "$ac" "$bc" \
        "$(awk -v a="$ac" -v b="$bc" 'BEGIN { if (b > 0) printf "%.2f", 2 * a / b }')" \
        "2 x cpu(-np 1) / cpu(-np 2): the ratio on an idle machine (waiting processes spin)"
done
echo "(cpwl: one process, erm with --threads 1; regions n-D is one thread)"
echo

printf '%-34s %9s %16s %16s  %s\n' "checkpoint overhead (-np 1)" "none" "every 10" "every 0.1" "goal < 5% at 10"
for w in erm reg; do
    eval "a=\$t_${w}_np1 b=\$t_${w}_ck10 c=\$t_${w}_ck01 ac=\$c_${w}_np1 bc=\$c_${w}_ck10 cc=\$c_${w}_ck01"
    sz=$(cat "$tmp/${w}_ck01.ckptsize" 2>/dev/null)
    printf '%-34s %9s %16s %16s  %s\n' "$w wall" "$a" "$b $(overhead "$b" "$a")" \
        "$c $(overhead "$c" "$a")" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN { print (b / a < 1.05 ? "met" : "NOT MET") }'); file ${sz:-?} bytes"
    printf '%-34s %9s %16s %16s  %s\n' "$w cpu" "$ac" "$bc $(overhead "$bc" "$ac")" \
        "$cc $(overhead "$cc" "$ac")" \
        "$(awk -v a="$ac" -v b="$bc" 'BEGIN { print (b / a < 1.05 ? "met" : "NOT MET") }')"
done
echo

echo "work units (from the complete checkpoints): erm: $(cat "$tmp/erm.units")"
echo "  regions: $(cat "$tmp/reg.units")"
echo "scheduler figures of the -np 2 runs (CPWL_SCHED_STATS, one line per process):"
for w in erm_np2 reg_np2; do
    echo "  $w:"
    sched_lines "$w"
done
echo "  --stats of erm -np 2:"
sed -n '/^seconds\|^phase\|^units\|^keys\|^bounds\|^visit\|^certified/p' "$tmp/erm_np2.out" | sed 's/^/    /'
echo "  --stats of regions -np 2:"
sed -n '/^seconds\|^units\|^LPs\|^sign/p' "$tmp/reg_np2.out" | sed 's/^/    /'
echo

if [ -n "$EXTRA_D" ]; then
    echo "exact ERM, n = 2, w = 2, one process (cpwl --threads 1), for the extrapolation:"
    printf '%4s %8s %9s %10s %10s %8s %9s\n' D dichot groups cells solved solved% seconds
    : >"$tmp/fit"
    for d in $EXTRA_D; do
        python3 "$src/bench/bench_scale_gen.py" erm "$d" 2 $((2000 + d)) >"$tmp/e$d.csv"
        _t0=$(now_ns)
        "$CPWL" erm "$tmp/e$d.csv" --width 2 --threads 1 --stats >"$tmp/e$d.out" 2>&1
        _t1=$(now_ns)
        # groups for w = 2: the pairs of distinct dichotomies and the N
        # cells whose two units share one (docs/erm.md, "Groups of cells")
        awk -v D="$d" -v a="$_t0" -v b="$_t1" '
            /^dichotomies/ { N = $2 }
            /^subproblems/ { C = $2; s = $0; sub(/.*solved /, "", s); S = s + 0 }
            END { t = (b - a) / 1e9; G = N * (N - 1) / 2 + N
                  printf "%4d %8d %9d %10d %10d %7.2f%% %9.3f\n",
                         D, N, G, C, S, 100 * S / C, t
                  printf "%d %d %d %d %.6f\n", D, G, C, S, t >> "'"$tmp/fit"'" }' "$tmp/e$d.out"
    done
    # D = 50: the dichotomies and cells counted by cpwl itself (--max-cells
    # 1 stops after the count, naming it)
    python3 "$src/bench/bench_scale_gen.py" erm 50 2 2050 >"$tmp/e50.csv"
    "$CPWL" erm "$tmp/e50.csv" --width 2 --max-cells 1 >/dev/null 2>"$tmp/e50.err"
    N50=$(sed -n 's/.*(\([0-9]*\) dichotomies.*/\1/p' "$tmp/e50.err")
    C50=$(sed -n 's/.*: \([0-9]*\) convex subproblems.*/\1/p' "$tmp/e50.err")
    M2=$(sched_sum erm_np2 messages)
    U2=$(sched_sum erm_np2 units_run)
    echo
    echo "model: seconds = a * groups + b * solved cells (least squares over the D above)"
    awk -v N="$N50" -v C="$C50" -v t1="$c_erm_np1" -v t2="$c_erm_np2" -v M2="$M2" -v U2="$U2" '
        { DD[NR] = $1; G[NR] = $2; Cc[NR] = $3; S[NR] = $4; T[NR] = $5; f[NR] = $4 / $3 }
        END {
            for (i = 1; i <= NR; i++) {
                gg += G[i] * G[i]; gs += G[i] * S[i]; ss += S[i] * S[i]
                gt += G[i] * T[i]; st += S[i] * T[i]
            }
            det = gg * ss - gs * gs
            a = (gt * ss - gs * st) / det; b = (gg * st - gs * gt) / det
            printf "  a = %.2f us per group, b = %.1f us per solved cell\n", 1e6 * a, 1e6 * b
            for (i = 1; i <= NR; i++) printf "  D=%s fit %.2f s, measured %.2f s\n", DD[i], a * G[i] + b * S[i], T[i]
            # the solved fraction: median and largest of the measured ones
            n = NR; for (i = 1; i <= n; i++) g[i] = f[i]
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (g[j] < g[i]) { x = g[i]; g[i] = g[j]; g[j] = x }
            med = (n % 2) ? g[(n + 1) / 2] : (g[n / 2] + g[n / 2 + 1]) / 2; mx = g[n]
            G50 = N * (N - 1) / 2 + N
            printf "  D = 50: %d dichotomies, %d groups, %d cells (counted by cpwl erm --max-cells 1)\n", N, G50, C
            e2 = t2 > 0 ? t1 / t2 : 1
            for (k = 1; k <= 2; k++) {
                fr = k == 1 ? med : mx
                T1 = a * G50 + b * fr * C
                printf "  solved fraction %.2f%% (%s): one process %.0f s; 64 processes %.1f s at the 2-process work efficiency %.2f = cpu(-np 1) / cpu(-np 2) (%.1f s at 100%%)\n",
                       100 * fr, k == 1 ? "median" : "largest", T1, T1 / (64 * e2), e2, T1 / 64
            }
            if (U2 > 0) printf "  messages of the -np 2 erm run: %d for %d units computed\n", M2, U2
        }' "$tmp/fit"
fi
