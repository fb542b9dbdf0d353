#!/bin/sh
# `mpirun -np K cpwl-mpi SUB ARGS` prints, for K = 2 and 3, byte for byte
# what `cpwl SUB ARGS` prints (measured seconds and erm's work counts
# aside, tests/scale_util.sh), and writes the same --out file: erm
# (squared, l1, --json, --out), regions n-D (R^n, a box, --linear,
# --list --json), regions 2-D (--list), equiv (an equal and a different
# pair), sample and crosscheck.  A subcommand that does not run over MPI
# is refused with exit status 2.  Skipped (77) without the MPI build.

: "${CPWL:?CPWL must name the cpwl binary}"
if [ "$CPWL_MPI" != yes ] || [ -z "$MPIRUN" ]; then
    echo "SKIP: cpwl-mpi not configured (./configure --with-mpi)"
    exit 77
fi
here=$(dirname "$0")
. "$here/scale_util.sh"
. "$here/mpirun.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-mpi-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

gen_erm 8 2 1 >"$tmp/erm.csv"
gen_net 3 4 6 6 >"$tmp/net4.json"
gen_net 11 3 5 5 >"$tmp/a.json"
"$CPWL" build scale "$tmp/a.json" --by 2 -o "$tmp/a2.json" || exit 99
"$CPWL" build scale "$tmp/a2.json" --by 1/2 -o "$tmp/b.json" || exit 99
sed 's|"bias": \["\([-0-9]*\)/100"|"bias": ["\1/99"|' "$tmp/a.json" >"$tmp/c.json"
net2=${CPWL_EXAMPLES:-$here/../examples}/net2d.json
deg=${CPWL_EXAMPLES:-$here/../examples}/degenerate2d.json

# same NAME ARGS...: cpwl ARGS once, cpwl-mpi ARGS on 2 and 3 processes;
# the same status and normalised stdout.  An argument @OUT names a file
# written by the run (the same name in every run, kept apart after it;
# their bytes must be equal).
same() {
    _name=$1
    shift
    _out=""
    _args=""
    for _a in "$@"; do
        case $_a in @*) _out=${_a#@} ;; esac
    done
    _run() {
        _tag=$1
        shift
        _i=0
        for _a in "$@"; do
            case $_a in
                @*) set -- "$@" "$tmp/written" ;;
                *) set -- "$@" "$_a" ;;
            esac
            _i=$((_i + 1))
        done
        shift "$_i"
        rm -f "$tmp/written" "$tmp/$_tag.file"
        "$@" >"$tmp/$_tag.raw" 2>"$tmp/$_tag.err"
        echo $? >"$tmp/$_tag.st"
        [ -f "$tmp/written" ] && mv "$tmp/written" "$tmp/$_tag.file"
        scale_norm <"$tmp/$_tag.raw" >"$tmp/$_tag.out"
    }
    _run one "$CPWL" "$@"
    for _np in 2 3; do
        _run np$_np cpwl_mpirun "$_np" "$CPWL_MPI_BIN" "$@"
        why=""
        cmp -s "$tmp/one.st" "$tmp/np$_np.st" \
            || why="status $(cat "$tmp/np$_np.st"), cpwl's $(cat "$tmp/one.st"): $(head -c 300 "$tmp/np$_np.err")"
        if ! cmp -s "$tmp/one.out" "$tmp/np$_np.out"; then
            why="$why; stdout differs: $(diff "$tmp/one.out" "$tmp/np$_np.out" | head -6)"
        fi
        if [ -n "$_out" ]; then
            [ -s "$tmp/one.file" ] || why="$why; cpwl wrote no file"
            cmp -s "$tmp/one.file" "$tmp/np$_np.file" || why="$why; the written file differs"
        fi
        [ "$(cat "$tmp/one.st")" = 0 ] || why="$why; cpwl itself failed: $(head -c 300 "$tmp/one.err")"
        scale_report "$_name: -np $_np prints what cpwl prints" "$why"
    done
}

same "erm squared" erm "$tmp/erm.csv" --width 2
same "erm l1 --json" erm "$tmp/erm.csv" --width 2 --loss l1 --json
same "erm --out" erm "$tmp/erm.csv" --width 2 --output-bias --out @net
same "regions R^4" regions "$tmp/net4.json" --stats
same "regions box --linear" regions "$tmp/net4.json" --box "-1:1,-1:1,-1:1,-1:1" --linear
same "regions --linear --list --json" regions "$tmp/net4.json" --linear --list --json
same "regions 2-D --list" regions "$net2" --list
same "regions 2-D box --linear --list" regions "$deg" --box "-1:1,-1:1" --linear --list
same "equiv equal" equiv "$tmp/a.json" "$tmp/b.json"
same "equiv different --json" equiv "$tmp/a.json" "$tmp/c.json" --json
same "sample" sample "$net2" --box "-2:2,-2:2" --grid 300x300 --list --threads 1
same "sample --random --json" sample "$net2" --box "-2:2,-2:2" --random 50000 --seed 3 --json --threads 1
same "crosscheck" crosscheck "$deg" --grid 200x200 --threads 1
same "crosscheck --list --json" crosscheck "$net2" --grid 300x300 --list --json --threads 1

# Not over MPI: refused, status 2, the subcommand named.
cpwl_mpirun 2 "$CPWL_MPI_BIN" info "$net2" >"$tmp/out" 2>"$tmp/err"
st=$?
why=""
[ "$st" -eq 2 ] || why="status $st, expected 2"
grep -q "info" "$tmp/err" || why="$why; the message does not name info: $(head -c 300 "$tmp/err")"
[ -s "$tmp/out" ] && why="$why; something on stdout"
scale_report "cpwl-mpi info: refused with exit 2" "$why"

echo "1..$scale_n"
[ "$scale_fails" -eq 0 ]
