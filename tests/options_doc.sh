#!/bin/sh
# Every long option of every subcommand is documented.  The options are
# read from the getopt tables (struct option) of src/cli/SUB.c, with the
# macros they use (e.g. CLI_SAMPLING_LONGOPTS, defined in src/cli/) expanded;
# each must appear as --NAME
#  - in docs/cli.md, in the section of SUB (its "## `cpwl SUB" heading up
#    to the next "## "), and
#  - in docs/cpwl.1, in SUB's lines of the SYNOPSIS or its entry in
#    SUBCOMMANDS (from the .TP naming SUB to the next subcommand's .TP).
# --max-memory, which main.c takes for every subcommand, must appear in
# both files.  See docs/testing.md.
SRC=${CPWL_SRCDIR:-$(dirname "$0")/..}
CLI=$SRC/src/cli
MD=$SRC/docs/cli.md
MAN=$SRC/docs/cpwl.1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-optdoc.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

n=0
fails=0
report() {
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        fails=$((fails + 1))
        echo "not ok $n - $1: $2"
    fi
}

# The subcommands: the files src/cli/SUB.c that define cmd_SUB.
subs=""
for f in "$CLI"/*.c; do
    s=$(basename "$f" .c)
    grep -q "^int cmd_$s(" "$f" && subs="$subs $s"
done
[ -n "$subs" ] || { echo "not ok - no subcommands found in $CLI"; exit 1; }

# A subcommand with actions has them in src/cli/SUB_ACTION.c, read with
# SUB.c.
# The macros of src/cli that hold options: "MACRO name" per option.
awk '
    /^#define [A-Z][A-Z0-9_]*[ \t]*\\[ \t]*$/ { m = $2; next }
    m != "" {
        if (match($0, /\{ *"[^"]+"/)) { o = substr($0, RSTART, RLENGTH); sub(/^\{ *"/, "", o); print m, substr(o, 1, length(o) - 1) }
        if ($0 !~ /\\[ \t]*$/) m = ""
    }
' "$CLI"/*.h "$CLI"/*.c >"$tmp/macros" || exit 99

# longopts FILE: the long options of FILE's getopt tables, one a line.
longopts() {
    awk -v macros="$tmp/macros" '
        BEGIN { while ((getline l < macros) > 0) { split(l, w, " "); mac[w[1]] = mac[w[1]] " " w[2] } }
        /struct option/ && /=/ { t = 1; next }
        t && /^[ \t]*\};/ { t = 0; next }
        !t { next }
        match($0, /\{ *"[^"]+"/) { o = substr($0, RSTART, RLENGTH); sub(/^\{ *"/, "", o); print substr(o, 1, length(o) - 1); next }
        match($0, /^[ \t]*[A-Z][A-Z0-9_]*[ \t]*,?[ \t]*$/) {
            name = $0; gsub(/[ \t,]/, "", name)
            if (!(name in mac)) { print "?" name; next }
            k = split(mac[name], ol, " "); for (i = 1; i <= k; i++) print ol[i]
        }
    ' "$@" >"$tmp/opts.raw" || return 1
    sort -u "$tmp/opts.raw"
}

# The documentation of SUB, with roff escapes removed.
md_section() {
    awk -v s="$1" '
        /^## / { on = index($0, "## `cpwl " s " ") == 1 || index($0, "## `cpwl " s "`") == 1 }
        on
    ' "$MD"
}
man_section() {
    sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN" | awk -v s="$1" -v subs="$subs" '
        BEGIN { k = split(subs, a, " "); for (i = 1; i <= k; i++) is[a[i]] = 1 }
        function first(line,   w) { w = line; sub(/^\.[A-Z]+ +"?/, "", w); sub(/[ "].*/, "", w); return w }
        /^\.SH/ { syn = ($2 == "SYNOPSIS"); cmds = ($2 == "SUBCOMMANDS"); on = 0; prev = ""; next }
        syn && /^\.B cpwl / { on = ($3 == s); if (on) print; next }
        cmds && prev == ".TP" && is[first($0)] { on = (first($0) == s) }
        { prev = $0 }
        on
    '
}

# documented TEXTFILE OPT: --OPT occurs in TEXTFILE as a whole option.
documented() {
    grep -E -q -e "--$2([^A-Za-z0-9-]|\$)" "$1"
}

total=0
for s in $subs; do
    # SUB.c and its actions' files SUB_*.c (cpwl autoencoder gen, ...)
    if ! longopts "$CLI/$s.c" $(ls "$CLI/${s}"_*.c 2>/dev/null) >"$tmp/opts" ||
        ! [ -s "$tmp/opts" ]; then
        report "$s" "no long options read from src/cli/$s.c"
        continue
    fi
    md_section "$s" >"$tmp/md"
    man_section "$s" >"$tmp/man"
    [ -s "$tmp/md" ] || report "$s" "no section '## \`cpwl $s' in docs/cli.md"
    [ -s "$tmp/man" ] || report "$s" "no SYNOPSIS or SUBCOMMANDS entry in docs/cpwl.1"
    while read -r o; do
        case $o in
        \?*) report "$s" "option macro ${o#?} not found in $CLI"; continue ;;
        esac
        total=$((total + 1))
        why=""
        documented "$tmp/md" "$o" || why="not in docs/cli.md under cpwl $s"
        documented "$tmp/man" "$o" ||
            why="${why:+$why; }not in docs/cpwl.1 under $s"
        report "cpwl $s --$o" "$why"
    done <"$tmp/opts"
done

sed 's/\\-/-/g' "$MAN" >"$tmp/man"
why=""
documented "$MD" max-memory || why="not in docs/cli.md"
documented "$tmp/man" max-memory || why="${why:+$why; }not in docs/cpwl.1"
report "--max-memory (every subcommand)" "$why"
total=$((total + 1))

echo "options_doc: $total options of$subs; $fails not documented"
[ "$fails" -eq 0 ]
