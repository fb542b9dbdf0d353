#!/bin/sh
# Kill tests of checkpoints (docs/checkpoint.md, docs/scale.md): a run of
# `cpwl erm`, `cpwl regions` (n-D, with and without --linear/--list) or
# `cpwl equiv` with --checkpoint F --every 0.05 is killed with SIGKILL at a
# random moment after F first appears, resumed with --resume F
# --checkpoint F (sometimes killed again), and resumed to the end: its
# standard output must equal the uninterrupted run's but for the measured
# seconds (one process resumed reports even erm's work counts as the
# uninterrupted run does).  With the MPI build, a `cpwl-mpi erm` job on 3
# processes loses one process to SIGKILL; its checkpoint is resumed on 2
# processes and by plain cpwl, both ending with the uninterrupted answer
# (erm's work counts aside, tests/scale_util.sh).  The kill moments come from CPWL_TEST_SEED
# (printed; the same seed draws the same moments, as fractions of the
# uninterrupted run's length); the verdicts do not
# depend on timing: whenever the kill lands, the answer must be the same.

: "${CPWL:?CPWL must name the cpwl binary}"
if [ -n "$CPWL_WRAP" ]; then
    echo "SKIP: under $CPWL_WRAP (kills at random moments of runs slowed tenfold)"
    exit 77
fi

here=$(dirname "$0")
. "$here/scale_util.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-fault.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

seed=${CPWL_TEST_SEED:-19}
echo "# seed $seed (rerun with CPWL_TEST_SEED=$seed for the same kill moments)"
scale_seed "$seed"
kills=0
resumes=0
early=0                         # runs that ended before their kill

# wait_file F PID: wait until F exists (0) or PID ended (1); at most 60 s.
wait_file() {
    _i=0
    while [ ! -f "$1" ]; do
        kill -0 "$2" 2>/dev/null || { [ -f "$1" ] && return 0; return 1; }
        [ "$_i" -ge 6000 ] && return 1
        sleep 0.01
        _i=$((_i + 1))
    done
    return 0
}

# random_sleep MS: sleep a random fraction (k/1000, k from the seed) of
# MS milliseconds.
span=500
random_sleep() {
    scale_rand 1000
    r=$((r * $1 / 1000))
    sleep "$(printf '%d.%03d' $((r / 1000)) $((r % 1000)))"
}

# killed_run NAME F CMD...: run CMD in the background (stdout in
# $tmp/NAME.out), wait until F exists, sleep a random moment, SIGKILL it.
# Sets why (empty when all went as it may) and counts the kill.  A run
# that ended before the kill must have succeeded with the full answer.
norm=scale_norm_strict
killed_run() {
    _name=$1
    _f=$2
    shift 2
    "$@" >"$tmp/$_name.out" 2>"$tmp/$_name.err" &
    _pid=$!
    why=""
    if wait_file "$_f" "$_pid"; then
        random_sleep $((span * 3 / 4))
    fi
    if kill -KILL "$_pid" 2>/dev/null; then
        { wait "$_pid"; } 2>/dev/null
        kills=$((kills + 1))
        case_kills=$((case_kills + 1))
        units_kept
        [ -f "$_f" ] || why="no checkpoint $_f after the kill"
    else
        wait "$_pid"
        _st=$?
        early=$((early + 1))
        if [ "$_st" -ne 0 ]; then
            why="ended with status $_st before the kill: $(head -c 300 "$tmp/$_name.err")"
        elif ! $norm <"$tmp/$_name.out" | cmp -s - "$tmp/$_name.ref"; then
            why="ended before the kill with another answer"
        fi
    fi
}

# units_kept: add the unit records of the checkpoint $f to $kept (what
# the next resume replays instead of computing).
kept=0
units_kept() {
    [ -f "$f" ] && kept=$((kept + $(grep -ac '^unit [0-9]' "$f")))
}

# fault NAME ARGS...: the kill-resume cycle of `cpwl ARGS` (one process).
fault() {
    name=$1
    shift
    f="$tmp/$name.ckpt"
    case_kills=0
    t0=$(date +%s%N)
    "$CPWL" "$@" >"$tmp/$name.raw" 2>"$tmp/$name.referr"
    st=$?
    # the kill moments are drawn within the uninterrupted run's length, so
    # that they land inside the runs on a fast machine or a slow one
    span=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$span" -ge 50 ] || span=50
    if [ "$st" -ne 0 ]; then
        scale_report "$name: the uninterrupted run" \
            "status $st: $(head -c 300 "$tmp/$name.referr")"
        return
    fi
    $norm <"$tmp/$name.raw" >"$tmp/$name.ref"
    killed_run "$name" "$f" "$CPWL" "$@" --checkpoint "$f" --every 0.05
    if [ -n "$why" ]; then
        scale_report "$name: killed run" "$why"
        return
    fi
    # One or two more killed resumes (by the seed), then one to the end.
    scale_rand 2
    again=$((r + 1))
    round=1
    while [ "$round" -le "$again" ]; do
        resumes=$((resumes + 1))
        # The resumed run's first checkpoint replaces F: wait for the
        # moment after its start instead.
        "$CPWL" "$@" --resume "$f" --checkpoint "$f" --every 0.05 \
            >"$tmp/$name.out" 2>"$tmp/$name.err" &
        pid=$!
        random_sleep $((span * 3 / 4))
        if kill -KILL "$pid" 2>/dev/null; then
            { wait "$pid"; } 2>/dev/null
            kills=$((kills + 1))
            case_kills=$((case_kills + 1))
            units_kept
        else
            wait "$pid"
            st=$?
            early=$((early + 1))
            if [ "$st" -ne 0 ] || ! $norm <"$tmp/$name.out" | cmp -s - "$tmp/$name.ref"; then
                scale_report "$name: resume $round (ended before its kill)" \
                    "status $st, or another answer: $(head -c 300 "$tmp/$name.err")"
                return
            fi
        fi
        round=$((round + 1))
    done
    resumes=$((resumes + 1))
    "$CPWL" "$@" --resume "$f" --checkpoint "$f" --every 0.05 \
        >"$tmp/$name.out" 2>"$tmp/$name.err"
    st=$?
    why=""
    [ "$st" -eq 0 ] || why="status $st: $(head -c 300 "$tmp/$name.err")"
    if ! $norm <"$tmp/$name.out" | cmp -s - "$tmp/$name.ref"; then
        why="$why; the resumed answer differs: $($norm <"$tmp/$name.out" \
            | diff "$tmp/$name.ref" - | head -5)"
    fi
    scale_report "$name: killed $case_kills times at random moments, resumed: the uninterrupted answer" "$why"
}

# About a second each on one core.
gen_erm 16 2 1 >"$tmp/erm.csv"
gen_net 7 4 12 12 >"$tmp/net4.json"
gen_net 7 4 10 10 >"$tmp/net4s.json"
gen_net 7 4 14 14 >"$tmp/net4b.json"
# equiv: B is A in another form (its output layer scaled by 2, then by
# 1/2), C is A with its first bias changed from k/100 to k/99.
gen_net 11 4 8 8 >"$tmp/a.json"
"$CPWL" build scale "$tmp/a.json" --by 2 -o "$tmp/a2.json" || exit 99
"$CPWL" build scale "$tmp/a2.json" --by 1/2 -o "$tmp/b.json" || exit 99
sed 's|"bias": \["\([-0-9]*\)/100"|"bias": ["\1/99"|' "$tmp/a.json" >"$tmp/c.json"
cmp -s "$tmp/a.json" "$tmp/c.json" && exit 99

fault erm erm "$tmp/erm.csv" --width 2
fault erm-l1-json erm "$tmp/erm.csv" --width 2 --loss l1 --json
fault regions regions "$tmp/net4.json"
fault regions-linear-list regions "$tmp/net4s.json" --linear --list --json
fault regions-box regions "$tmp/net4b.json" --box "-1:1,-1:1,-1:1,-1:1" --linear
fault equiv-equal equiv "$tmp/a.json" "$tmp/b.json"
fault equiv-different equiv "$tmp/a.json" "$tmp/c.json"

# Under MPI: one process of a 3-process job killed; resumed on 2
# processes and by plain cpwl.
mpi_fault() {
    name=mpi-erm
    f="$tmp/$name.ckpt"
    set -- erm "$tmp/erm.csv" --width 2
    t0=$(date +%s%N)
    "$CPWL" "$@" 2>/dev/null | scale_norm >"$tmp/$name.ref"
    span=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$span" -ge 50 ] || span=50
    cpwl_mpirun 3 "$CPWL_MPI_BIN" "$@" --checkpoint "$f" --every 0.05 \
        >"$tmp/$name.out" 2>"$tmp/$name.err" &
    pid=$!
    why=""
    if wait_file "$f" "$pid"; then
        random_sleep $((span * 3 / 4))
    fi
    # The processes of this job: the only ones whose command line starts
    # with cpwl-mpi and names this checkpoint (mpirun's starts with mpirun).
    ranks=$(pgrep -f "^[^ ]*cpwl-mpi erm .*$f")
    if [ -n "$ranks" ]; then
        set -- $ranks
        scale_rand $#
        shift "$r"
        kill -KILL "$1" 2>/dev/null && kills=$((kills + 1))
        # mpirun ends the job when one process dies; give it 30 s
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 3000 ]; do
            sleep 0.01
            i=$((i + 1))
        done
        kill -KILL "$pid" 2>/dev/null
        for p in $ranks; do kill -KILL "$p" 2>/dev/null; done
        { wait "$pid"; } 2>/dev/null
        units_kept
    else
        wait "$pid"
        st=$?
        early=$((early + 1))
        if [ "$st" -ne 0 ] || ! scale_norm <"$tmp/$name.out" | cmp -s - "$tmp/$name.ref"; then
            why="ended before the kill with status $st or another answer"
        fi
    fi
    [ -f "$f" ] || why="$why; no checkpoint after the kill"
    if [ -n "$why" ]; then
        scale_report "cpwl-mpi erm -np 3: a process killed" "$why"
        return
    fi
    cp "$f" "$f.2"
    set -- erm "$tmp/erm.csv" --width 2
    resumes=$((resumes + 1))
    cpwl_mpirun 2 "$CPWL_MPI_BIN" "$@" --resume "$f" --checkpoint "$f" \
        --every 0.05 >"$tmp/$name.out" 2>"$tmp/$name.err"
    st=$?
    why=""
    [ "$st" -eq 0 ] || why="status $st: $(head -c 300 "$tmp/$name.err")"
    scale_norm <"$tmp/$name.out" | cmp -s - "$tmp/$name.ref" \
        || why="$why; another answer"
    scale_report "cpwl-mpi erm: a process of 3 killed, resumed on 2 processes: the uninterrupted answer" "$why"
    resumes=$((resumes + 1))
    "$CPWL" "$@" --resume "$f.2" >"$tmp/$name.out" 2>"$tmp/$name.err"
    st=$?
    why=""
    [ "$st" -eq 0 ] || why="status $st: $(head -c 300 "$tmp/$name.err")"
    scale_norm <"$tmp/$name.out" | cmp -s - "$tmp/$name.ref" \
        || why="$why; another answer"
    scale_report "cpwl-mpi erm: a process of 3 killed, resumed by cpwl: the uninterrupted answer" "$why"
}

if [ "$CPWL_MPI" = yes ] && [ -n "$MPIRUN" ]; then
    . "$here/mpirun.sh"
    mpi_fault
else
    echo "# SKIP: the MPI part: cpwl-mpi not configured (./configure --with-mpi)"
fi

echo "# $kills kills (SIGKILL), $resumes resumes, $early runs ended before their kill; the checkpoints left by the kills held $kept units in all"
echo "1..$scale_n"
[ "$scale_fails" -eq 0 ]
