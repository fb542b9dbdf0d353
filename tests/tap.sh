# Shared by the shell tests (sourced): tap_init makes a temporary
# directory $tmp, removed on exit; call runs cpwl (under $CPWL_WRAP, the
# valgrind wrapper of make check-valgrind) with its output in $tmp/out and
# $tmp/err and its exit status in $status; report DESC WHY counts a check
# (passed when WHY is empty) and on failure shows the last call's output;
# bad DESC ERE... checks that the last call was an input error: exit 2
# and exactly one line on stderr, matching every ERE.

# tap_init NAME
tap_init()
{
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-$1.XXXXXX") || exit 99
    trap 'rm -rf "$tmp"' 0
    trap 'exit 99' 1 2 15
    n=0
    fails=0
}

run() { $CPWL_WRAP "$CPWL" "$@"; }

call()
{
    run "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
}

report()
{
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        fails=$((fails + 1))
        echo "not ok $n - $1:$2"
        [ -f "$tmp/out" ] && sed 's/^/#   stdout: /' "$tmp/out" | head -20
        [ -f "$tmp/err" ] && sed 's/^/#   stderr: /' "$tmp/err" | head -20
    fi
    return 0
}

bad()
{
    desc=$1
    shift
    why=""
    [ "$status" -eq 2 ] || why="$why exit status $status, expected 2;"
    lines=$(wc -l <"$tmp/err")
    [ "$lines" -eq 1 ] || why="$why $lines stderr lines, expected 1;"
    for re in "$@"; do
        grep -E -q -e "$re" "$tmp/err" || why="$why stderr lacks /$re/;"
    done
    report "$desc" "$why"
}

# ok_why: why (in $why) the last call was not a clean success: exit
# status 0 and nothing on stderr.
ok_why()
{
    why=""
    [ "$status" -eq 0 ] || why="$why exit status $status, expected 0;"
    [ -s "$tmp/err" ] && why="$why output on stderr;"
}

# pycheck DESC SCRIPT: the last call is a clean success and the python3
# program $PYPRELUDE (may be unset) followed by SCRIPT, reading the last
# call's stdout, prints nothing; skipped without python3.
have_py=1
command -v python3 >/dev/null 2>&1 || have_py=0
pycheck()
{
    if [ $have_py -eq 0 ]; then
        n=$((n + 1))
        echo "ok $n - $1 # SKIP no python3"
        return
    fi
    ok_why
    printf '%s\n' "${PYPRELUDE-}" "$2" >"$tmp/check.py"
    res=$(python3 "$tmp/check.py" <"$tmp/out" 2>&1)
    report "$1" "$why$res"
}
