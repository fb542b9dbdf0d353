#!/bin/sh
# The MPI back end on the toy computation of tests/toy_sched.h: with 1, 2
# and 3 processes the answer is the one-process scheduler's (itself
# checked against the sum and the best computed directly: "ok 1"); a run
# of 3 processes stopped on one of them leaves a checkpoint that 1
# process, the one-process scheduler and 2 processes resume to the same
# answer, computing only the missing units.
set -u
. "${CPWL_SRCDIR:-$(dirname "$0")/..}/tests/mpirun.sh"
cpwl_mpi_require
P=${CPWL_MPI_TESTBIN:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-mpi-sched.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
N=60
B=5

bad() {
    echo "FAIL: $*"
    fail=1
}

# the lines of the answer
answer() {
    grep -E '^(sum|best|trace|ok) ' "$1"
}

field() {
    sed -n "s/^$1 //p" "$2"
}

"$P" --serial "$N" "$B" > "$T/serial" || bad "the one-process run failed"
[ "$(field ok "$T/serial")" = 1 ] || bad "the one-process run is not the direct answer"
answer "$T/serial" > "$T/want"

for np in 1 2 3; do
    cpwl_mpirun "$np" "$P" "$N" "$B" > "$T/np$np" 2> "$T/np$np.err" \
        || { bad "-np $np failed"; cat "$T/np$np.err"; }
    answer "$T/np$np" | cmp -s - "$T/want" || bad "-np $np: another answer"
    [ "$(field run "$T/np$np")" = $((2 * N)) ] || bad "-np $np: $(field run "$T/np$np") units run, not $((2 * N))"
done

# OpenMP threads inside the processes
cpwl_mpirun 2 "$P" --threads 3 "$N" "$B" > "$T/thr" 2> "$T/thr.err" \
    || { bad "-np 2 --threads 3 failed"; cat "$T/thr.err"; }
answer "$T/thr" | cmp -s - "$T/want" || bad "-np 2 --threads 3: another answer"

# stopped on process 1 after 10 of its units, in phase 0 or 1 (units of
# 2 ms at least, so that process 1 gets its share even on a loaded machine)
cpwl_mpirun 3 "$P" --checkpoint "$T/c" --stop-after 10 --stop-rank 1 --delay-us 2000 "$N" "$B" \
    > "$T/stop" 2> "$T/stop.err" || { bad "the stopped run failed"; cat "$T/stop.err"; }
[ "$(field stopped "$T/stop")" = 1 ] || bad "the run was not stopped"
kept=$(field kept "$T/stop")
[ "$kept" -ge 10 ] && [ "$kept" -lt $((2 * N)) ] || bad "kept $kept units"
echo "stopped with $kept of $((2 * N)) units kept"

cp "$T/c" "$T/c1"
cp "$T/c" "$T/c2"
cpwl_mpirun 1 "$P" --resume "$T/c1" "$N" "$B" > "$T/r1" 2>&1 || bad "-np 1 resume failed"
"$P" --serial --resume "$T/c2" "$N" "$B" > "$T/r0" 2>&1 || bad "serial resume failed"
cpwl_mpirun 2 "$P" --checkpoint "$T/c" --resume "$T/c" "$N" "$B" > "$T/r2" 2>&1 \
    || bad "-np 2 resume failed"
for r in r1 r0 r2; do
    answer "$T/$r" | cmp -s - "$T/want" || bad "$r: another answer after the resume"
    [ "$(field run "$T/$r")" = $((2 * N - kept)) ] \
        || bad "$r: $(field run "$T/$r") units run, not the $((2 * N - kept)) missing"
    [ "$(field replayed "$T/$r")" = "$kept" ] || bad "$r: $(field replayed "$T/$r") replayed, not $kept"
done
# the final checkpoint of the resumed run is complete
cpwl_mpirun 3 "$P" --resume "$T/c" "$N" "$B" > "$T/r3" 2>&1 || bad "-np 3 replay failed"
[ "$(field run "$T/r3")" = 0 ] || bad "a complete checkpoint recomputed units"
answer "$T/r3" | cmp -s - "$T/want" || bad "replay: another answer"

# a checkpoint of another computation is refused on every process
cpwl_mpirun 2 "$P" --resume "$T/c" "$N" 4 > "$T/bad" 2>&1
st=$?
[ "$st" = 2 ] || bad "another key: exit status $st, not 2"
grep -q '"blk=5" there, "blk=4" here' "$T/bad" || { bad "another key: no message naming blk"; cat "$T/bad"; }

# a unit that fails on whichever process took it: its message is the
# job's, from process 0 (one run: mpirun waits a second after a failure)
for np in 3; do
    cpwl_mpirun "$np" "$P" --threads $((np - 1)) --fail-unit 37 "$N" "$B" > "$T/fail" 2>&1
    st=$?
    [ "$st" = 1 ] || bad "-np $np, a failing unit: exit status $st, not 1"
    grep -q '^error: unit 37 failed$' "$T/fail" || { bad "-np $np: not the unit's message"; cat "$T/fail"; }
done

exit $fail
