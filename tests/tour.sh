#!/bin/sh
# The README's tour runs as written.  Every ```sh block between the lines
# `<!-- tour -->` and `<!-- /tour -->` of README.md is run, in order, in a
# temporary directory holding a copy of examples/, with `cpwl` on PATH
# naming the built command.  In a block, a line `$ CMD` is a command; the
# lines under it (up to the next command; blank lines and `...` skipped)
# are what it prints, or part of it: each must be a line of its output
# (stdout and stderr), in the order shown.  A command whose comment says
# `# exit N` must exit with status N; every other command must exit 0.
# The convention is described in docs/testing.md.
: "${CPWL:?CPWL must name the cpwl binary}"
EX=${CPWL_EXAMPLES:-$(dirname "$0")/../examples}
README=${CPWL_README:-$(dirname "$0")/../README.md}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-tour.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

# cpwl resolves to the built command, through CPWL_WRAP (valgrind) if set.
mkdir "$tmp/bin" "$tmp/run" || exit 99
cat >"$tmp/bin/cpwl" <<'EOF'
#!/bin/sh
exec $CPWL_WRAP "$CPWL" "$@"
EOF
chmod +x "$tmp/bin/cpwl" || exit 99
# (writable: make distcheck's source tree is read-only, and rm -rf needs it)
cp -R "$EX" "$tmp/run/examples" && chmod -R u+w "$tmp/run/examples" || exit 99
export CPWL CPWL_WRAP

# The tour as records: "C<TAB>LINE<TAB>command" and "O<TAB>shown line".
awk -v readme="$README" '
    function bad(msg) { printf "%s:%d: %s\n", readme, NR, msg > "/dev/stderr"; err = 1; exit 1 }
    /^<!-- tour -->[ \t]*$/ { if (in_tour || seen) bad("a second <!-- tour -->"); in_tour = 1; seen = 1; next }
    /^<!-- \/tour -->[ \t]*$/ { if (!in_tour || in_block) bad("<!-- /tour --> out of place"); in_tour = 0; next }
    !in_tour { next }
    !in_block && /^```sh[ \t]*$/ { in_block = 1; have_cmd = 0; next }
    in_block && /^```[ \t]*$/ { in_block = 0; next }
    !in_block { next }
    /^\$ / { print "C\t" NR "\t" substr($0, 3); have_cmd = 1; next }
    /^[ \t]*$/ || /^\.\.\.[ \t]*$/ { next }
    { if (!have_cmd) bad("output shown before any `$ ` command"); print "O\t" $0 }
    END {
        if (err) exit 1
        if (!seen) bad("no <!-- tour --> marker")
        if (in_tour || in_block) bad("the tour or a block is not closed")
    }
' "$README" >"$tmp/tour" || exit 99

n=0
fails=0
cmd=""

# check: run the pending command and compare with its shown lines.
check() {
    [ -n "$cmd" ] || return 0
    n=$((n + 1))
    want=0
    w=$(printf '%s\n' "$cmd" | sed -n 's/.*#[[:space:]]*exit[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p')
    [ -n "$w" ] && want=$w
    (cd "$tmp/run" && PATH="$tmp/bin:$PATH" sh -c "$cmd") \
        >"$tmp/out" 2>&1 </dev/null
    status=$?
    why=""
    [ "$status" -eq "$want" ] || why="exit status $status, expected $want"
    # The shown lines, in order, each a whole line of the output.
    missing=$(awk -v shown="$tmp/shown" '
        function trim(s) { sub(/[ \t\r]+$/, "", s); return s }
        BEGIN { k = 0; while ((getline l < shown) > 0) want[++k] = trim(l); i = 1 }
        i <= k && trim($0) == want[i] { i++ }
        END { if (i <= k) print want[i] }
    ' "$tmp/out")
    if [ -n "$missing" ]; then
        why="${why:+$why; }shown line not printed (in order): '$missing'"
    fi
    if [ -z "$why" ]; then
        echo "ok $n - $cmd"
    else
        fails=$((fails + 1))
        echo "not ok $n - README.md:$line: $cmd"
        echo "#   $why; the output was:"
        sed -n '1,40s/^/#   | /p' "$tmp/out"
    fi
}

: >"$tmp/shown"
while IFS= read -r rec; do
    case $rec in
    C"	"*)
        check
        rest=${rec#C?}
        line=${rest%%"	"*}
        cmd=${rest#*"	"}
        : >"$tmp/shown"
        ;;
    O"	"*)
        printf '%s\n' "${rec#O?}" >>"$tmp/shown"
        ;;
    esac
done <"$tmp/tour"
check

if [ "$n" -eq 0 ]; then
    echo "not ok - no commands in the tour of $README"
    exit 1
fi
echo "tour: $n commands, $fails failed"
[ "$fails" -eq 0 ]
