#!/bin/sh
# Checkpoints of `cpwl regions` and `cpwl equiv` (the n-D work units):
# a run interrupted with SIGINT once its checkpoint holds finished units
# exits 130 and says where they are; `--resume` from that file prints
# exactly what the uninterrupted run prints (every region listed with
# its point and map; the equivalence answer and the witness point).
# Run by `make check` with CPWL and CPWL_TESTDATA set.

: "${CPWL:?CPWL must name the cpwl binary}"
: "${CPWL_TESTDATA:?CPWL_TESTDATA must name tests/data}"
if [ -n "$CPWL_WRAP" ]; then
    echo "skipped under $CPWL_WRAP: the interrupts need the runs' timing"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-regions-ckpt.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

. "$(dirname "$0")/sigutil.sh"

n=0
fails=0
report() {
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1: $2"
        fails=$((fails + 1))
    fi
}

# A 4-input 12-12-12 relu net; the same net with its first hidden layer
# permuted (equal function, another spelling); one bias of the third
# hidden layer changed (they differ on part of the box only).
A=$CPWL_TESTDATA/regions-ckpt.json
P=$CPWL_TESTDATA/regions-ckpt-perm.json
C=$CPWL_TESTDATA/regions-ckpt-diff.json
BOX="-1/2:1/2,-1/2:1/2,-1/2:1/2,-1/2:1/2"
EBOX="-2/5:2/5,-2/5:2/5,-2/5:2/5,-2/5:2/5"

# check NAME SUB ARGS...: the uninterrupted output, then a run with
# --checkpoint interrupted once a unit is recorded, then --resume.
check() {
    name=$1
    shift
    ck=$tmp/$name.ckpt
    "$CPWL" "$@" >"$tmp/full" 2>"$tmp/full.err"
    st=$?
    if [ "$st" -ne 0 ]; then
        report "$name: uninterrupted run" "status $st: $(cat "$tmp/full.err")"
        return
    fi
    "$CPWL" "$@" --checkpoint "$ck" --every 0.01 >"$tmp/part" 2>"$tmp/part.err" &
    pid=$!
    wait_catching "$pid"
    # the first write holds no unit; wait for one (at most 10 s)
    i=0
    while ! grep -q '^unit ' "$ck" 2>/dev/null && [ "$i" -lt 1000 ]; do
        sleep 0.01
        i=$((i + 1))
    done
    interrupt "$pid"
    if [ "$status" -ne 130 ]; then
        report "$name: interrupted run" "status $status, expected 130 (the run may have ended first: $(tail -1 "$tmp/part.err"))"
        return
    fi
    grep -q "kept in $ck" "$tmp/part.err" \
        || { report "$name: interrupted run" "no line naming $ck on stderr"; return; }
    report "$name: SIGINT after a recorded unit: exit 130, checkpoint named"
    "$CPWL" "$@" --resume "$ck" --checkpoint "$ck" >"$tmp/res" 2>"$tmp/res.err"
    st=$?
    if [ "$st" -ne 0 ]; then
        report "$name: resumed run" "status $st: $(cat "$tmp/res.err")"
    elif ! cmp -s "$tmp/full" "$tmp/res"; then
        report "$name: resumed run" "output differs from the uninterrupted one: $(diff "$tmp/full" "$tmp/res" | head -5)"
    else
        report "$name: --resume prints the uninterrupted output"
    fi
    # a completed checkpoint replays everything: the same output again
    "$CPWL" "$@" --resume "$ck" >"$tmp/res2" 2>&1
    cmp -s "$tmp/full" "$tmp/res2" \
        && report "$name: resumed from the completed checkpoint" \
        || report "$name: resumed from the completed checkpoint" "output differs"
}

check regions-list regions "$A" --box "$BOX" --list
check equiv-equal equiv "$A" "$P" --box "$EBOX"
check equiv-differ equiv "$A" "$C" --box "$EBOX"
grep -q '^different: at x = (' "$tmp/res" \
    && report "equiv-differ: a witness point" \
    || report "equiv-differ: a witness point" "none in: $(head -1 "$tmp/res")"

# The checkpoint of one run is refused by another (another domain, the
# other network), naming the file and the field.
"$CPWL" regions "$A" --box "$EBOX" --list --resume "$tmp/regions-list.ckpt" >/dev/null 2>"$tmp/err"
st=$?
[ "$st" -eq 2 ] && grep -q "regions-list.ckpt" "$tmp/err" && grep -q "domain" "$tmp/err" \
    && report "another box: refused (exit 2), file and field named" \
    || report "another box: refused" "status $st: $(cat "$tmp/err")"
"$CPWL" equiv "$A" "$C" --box "$EBOX" --resume "$tmp/equiv-equal.ckpt" >/dev/null 2>"$tmp/err"
st=$?
[ "$st" -eq 2 ] && grep -q "net" "$tmp/err" \
    && report "another network: refused (exit 2), field named" \
    || report "another network: refused" "status $st: $(cat "$tmp/err")"
"$CPWL" regions "$A" --box "$EBOX" --resume "$tmp/equiv-equal.ckpt" >/dev/null 2>"$tmp/err"
st=$?
[ "$st" -eq 2 ] && grep -q "kind" "$tmp/err" \
    && report "a checkpoint of equiv given to regions: refused" \
    || report "a checkpoint of equiv given to regions: refused" "status $st: $(cat "$tmp/err")"

# Under MPI (when configured): the same listing and answers on 2 and 3
# processes, and the single process's checkpoint resumed on 2.
. "$(dirname "$0")/mpirun.sh"
if [ "${CPWL_MPI:-no}" = yes ] && [ -n "${MPIRUN:-}" ] && [ -n "${CPWL_MPI_BIN:-}" ]; then
    "$CPWL" regions "$A" --box "$BOX" --list >"$tmp/one" 2>/dev/null
    "$CPWL" equiv "$A" "$C" --box "$EBOX" >"$tmp/eone" 2>/dev/null
    for np in 2 3; do
        cpwl_mpirun "$np" "$CPWL_MPI_BIN" regions "$A" --box "$BOX" --list >"$tmp/mpi" 2>"$tmp/mpi.err"
        st=$?
        [ "$st" -eq 0 ] && cmp -s "$tmp/one" "$tmp/mpi" \
            && report "cpwl-mpi -np $np regions --list: the one-process output" \
            || report "cpwl-mpi -np $np regions --list" "status $st or output differs: $(head -3 "$tmp/mpi.err")"
        cpwl_mpirun "$np" "$CPWL_MPI_BIN" equiv "$A" "$C" --box "$EBOX" >"$tmp/mpi" 2>"$tmp/mpi.err"
        st=$?
        [ "$st" -eq 0 ] && cmp -s "$tmp/eone" "$tmp/mpi" \
            && report "cpwl-mpi -np $np equiv: the one-process answer and witness" \
            || report "cpwl-mpi -np $np equiv" "status $st or output differs: $(head -3 "$tmp/mpi.err")"
    done
    cpwl_mpirun 2 "$CPWL_MPI_BIN" regions "$A" --box "$BOX" --list --resume "$tmp/regions-list.ckpt" >"$tmp/mpi" 2>"$tmp/mpi.err"
    st=$?
    [ "$st" -eq 0 ] && cmp -s "$tmp/one" "$tmp/mpi" \
        && report "cpwl-mpi -np 2 resumes the one-process checkpoint" \
        || report "cpwl-mpi -np 2 resumes the one-process checkpoint" "status $st or output differs"
else
    echo "# cpwl-mpi not configured: the MPI checks of this file are skipped"
fi

echo "1..$n"
[ "$fails" -eq 0 ]
