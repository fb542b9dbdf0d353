#!/bin/sh
# Checkpoints of `cpwl erm`: a run with --checkpoint F --every 0.05,
# interrupted by SIGINT after F first appears, exits 130 saying where the
# units are kept; --resume F prints what the uninterrupted run prints
# (every line but `seconds`); a corrupted, truncated or mismatched F is
# refused with exit 2 and the file named.  Run by `make check` with CPWL
# set; with CPWL_MPI=yes, MPIRUN and CPWL_MPI_BIN also cpwl-mpi.

: "${CPWL:?CPWL must name the cpwl binary}"
if [ -n "$CPWL_WRAP" ]; then
    echo "skipped under $CPWL_WRAP: timings"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-erm-ckpt.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

n=0
fails=0
. "$(dirname "$0")/sigutil.sh"

report() {
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1: $2"
        fails=$((fails + 1))
    fi
}

# 18 seeded points in R^2 (an LCG exact in awk's doubles): width 2 takes
# about a second, 188,191 cells.
awk 'BEGIN { s = 12345
             for (i = 0; i < 18; i++) {
                 s = (s * 69069 + 1) % 4294967296; x = s % 1001 - 500
                 s = (s * 69069 + 1) % 4294967296; y = s % 1001 - 500
                 s = (s * 69069 + 1) % 4294967296; z = s % 2001 - 1000
                 printf "%d/100,%d/100,%d/100\n", x, y, z } }' \
    >"$tmp/d.csv" || exit 99
F="$tmp/run.ckpt"

"$CPWL" erm "$tmp/d.csv" --width 2 >"$tmp/ref" 2>"$tmp/ref.err" || exit 99
grep -v '^seconds' "$tmp/ref" >"$tmp/ref.cmp"

# Interrupted after the first checkpoint with units in it.
"$CPWL" erm "$tmp/d.csv" --width 2 --checkpoint "$F" --every 0.05 \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_catching "$pid"
i=0
while ! grep -q '^unit ' "$F" 2>/dev/null && [ "$i" -lt 1000 ] \
      && kill -0 "$pid" 2>/dev/null; do
    sleep 0.01
    i=$((i + 1))
done
interrupt "$pid"
why=""
[ "$status" -eq 130 ] || why="status $status, expected 130"
grep -q "kept in $F" "$tmp/err" || why="$why; stderr does not name $F"
grep -q '^upper bound' "$tmp/out" || why="$why; no upper bound printed"
report "erm --checkpoint: SIGINT after the first checkpoint, exit 130" "$why"
cp "$F" "$tmp/saved" || exit 99

# Resumed (into the same file): the uninterrupted run's report.
"$CPWL" erm "$tmp/d.csv" --width 2 --resume "$F" --checkpoint "$F" \
    >"$tmp/res" 2>"$tmp/res.err"
status=$?
why=""
[ "$status" -eq 0 ] || why="status $status: $(cat "$tmp/res.err")"
grep -v '^seconds' "$tmp/res" | cmp -s - "$tmp/ref.cmp" \
    || why="$why; the report differs from the uninterrupted run's"
report "erm --resume F --checkpoint F: the uninterrupted answer" "$why"

# The complete checkpoint, resumed again: everything replayed.
"$CPWL" erm "$tmp/d.csv" --width 2 --resume "$F" >"$tmp/res2" 2>&1
status=$?
why=""
[ "$status" -eq 0 ] || why="status $status"
grep -v '^seconds' "$tmp/res2" | cmp -s - "$tmp/ref.cmp" \
    || why="$why; the report differs"
report "erm --resume from a finished run's checkpoint" "$why"

# refused NAME WANT ARGS...: exit 2 and WANT on stderr.
refused() {
    name=$1
    want=$2
    shift 2
    "$CPWL" erm "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    status=$?
    why=""
    [ "$status" -eq 2 ] || why="status $status, expected 2"
    grep -q -- "$want" "$tmp/bad.err" \
        || why="$why; stderr lacks '$want': $(head -c 300 "$tmp/bad.err")"
    report "$name" "$why"
}

# A byte of a payload changed: the checksum fails.
size=$(wc -c <"$tmp/saved")
half=$((size / 2))
{ head -c "$half" "$tmp/saved"
  printf 'Z'
  tail -c +"$((half + 2))" "$tmp/saved"; } >"$tmp/corrupt"
refused "erm --resume: a corrupted checkpoint is refused" "$tmp/corrupt" \
    "$tmp/d.csv" --width 2 --resume "$tmp/corrupt"
head -c "$half" "$tmp/saved" >"$tmp/trunc"
refused "erm --resume: a truncated checkpoint is refused" "$tmp/trunc" \
    "$tmp/d.csv" --width 2 --resume "$tmp/trunc"
refused "erm --resume: another width is refused, naming it" "width" \
    "$tmp/d.csv" --width 1 --resume "$tmp/saved"
refused "erm --resume: another loss is refused, naming it" "loss" \
    "$tmp/d.csv" --width 2 --loss l1 --resume "$tmp/saved"
refused "erm --resume: a missing file is refused" "$tmp/none" \
    "$tmp/d.csv" --width 2 --resume "$tmp/none"
refused "erm: --verify takes no --checkpoint" "--checkpoint" \
    "$tmp/d.csv" --verify "$tmp/saved" --checkpoint "$F"
refused "erm: --every needs --checkpoint" "--every" \
    "$tmp/d.csv" --width 2 --every 5

# cpwl-mpi (when configured): the report of 2 and 3 processes is the
# one-process report but for the work counts (the subproblems line) and the
# time; the network written is the same file; a certificate of 3 processes
# verifies; the one-process checkpoint above resumes on 2 processes.
if [ "${CPWL_MPI:-no}" = yes ] && [ -n "${MPIRUN:-}" ] \
   && [ -n "${CPWL_MPI_BIN:-}" ]; then
    . "$(dirname "$0")/mpirun.sh"
    awk 'BEGIN { s = 777
                 for (i = 0; i < 12; i++) {
                     s = (s * 69069 + 1) % 4294967296; x = s % 1001 - 500
                     s = (s * 69069 + 1) % 4294967296; y = s % 1001 - 500
                     s = (s * 69069 + 1) % 4294967296; z = s % 2001 - 1000
                     printf "%d/100,%d/100,%d/100\n", x, y, z } }' \
        >"$tmp/s.csv" || exit 99
    # NP:OPTIONS, a few combinations (each mpirun costs its start-up)
    for case in "2:--width 2" "3:--width 2" "3:--width 2 --loss l1 --output-bias" \
                "2:--width 1 --no-prune"; do
        opts=${case#*:}
        # shellcheck disable=SC2086
        "$CPWL" erm "$tmp/s.csv" $opts --out "$tmp/net1.json" >"$tmp/one" \
            2>&1 || exit 99
        grep -v -E '^(seconds|subproblems|network +written)' "$tmp/one" \
            >"$tmp/one.cmp"
        for np in ${case%%:*}; do
            # shellcheck disable=SC2086
            cpwl_mpirun "$np" "$CPWL_MPI_BIN" erm "$tmp/s.csv" $opts \
                --out "$tmp/net$np.json" --certificate "$tmp/cert$np.json" \
                >"$tmp/many" 2>"$tmp/many.err"
            status=$?
            why=""
            [ "$status" -eq 0 ] || why="status $status: $(head -c 300 "$tmp/many.err")"
            grep -v -E '^(seconds|subproblems|network +written)' "$tmp/many" \
                | cmp -s - "$tmp/one.cmp" || why="$why; another report"
            cmp -s "$tmp/net1.json" "$tmp/net$np.json" \
                || why="$why; another network"
            "$CPWL" erm "$tmp/s.csv" --verify "$tmp/cert$np.json" \
                >/dev/null 2>"$tmp/ver.err" \
                || why="$why; the certificate fails: $(cat "$tmp/ver.err")"
            report "cpwl-mpi -np $np erm $opts: the one-process answer" "$why"
        done
    done
    cpwl_mpirun 2 "$CPWL_MPI_BIN" erm "$tmp/d.csv" --width 2 \
        --resume "$tmp/saved" >"$tmp/mres" 2>"$tmp/mres.err"
    status=$?
    why=""
    [ "$status" -eq 0 ] || why="status $status: $(head -c 300 "$tmp/mres.err")"
    grep -v -E '^subproblems' "$tmp/ref.cmp" >"$tmp/ref2"
    grep -v -E '^(seconds|subproblems)' "$tmp/mres" | cmp -s - "$tmp/ref2" \
        || why="$why; the report differs from the uninterrupted run's"
    report "cpwl-mpi -np 2 erm --resume of a one-process checkpoint" "$why"
else
    echo "# cpwl-mpi not configured: its erm checks skipped"
fi

echo "1..$n"
[ "$fails" -eq 0 ]
