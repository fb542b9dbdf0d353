#!/bin/sh
# cpwl certify's chapter-5 claims (src/cli/certify_conv.c,
# docs/convergence.md): every rmsprop and adam claim holds, the balls
# printed contain the hand-derived values (checked here with bc at 40
# digits, a third arithmetic), the theorem's first hit is 45, and the
# names are listed.  Run by `make check` with CPWL and CPWL_WRAP set.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init certconv

call certify rmsprop adam
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q '✗' "$tmp/out" && why="$why a claim fails;"
grep -q '^7 claims: 7 hold, 0 fail' "$tmp/out" || why="$why not 7 of 7;"
grep -q '^sawtooth' "$tmp/out" && why="$why sawtooth selected;"
grep -E -q '^rmsprop .*first hit 45 +t = 45 \(44 steps\)' "$tmp/out" \
    || why="$why no first hit 45;"
grep -E -q '^rmsprop .*x₃ = .* 0\.264297739604484, rad < 2\^-1[0-9][0-9] ' \
    "$tmp/out" || why="$why x3's radius not below 2^-100;"
report "certify rmsprop adam: every chapter-5 claim holds" "$why"

# The midpoints printed (15 significant digits) lie within 10^-12 relative
# of the closed forms (bc).
if command -v bc >/dev/null 2>&1; then
    # the first number of the row's "computed" field (--json)
    mid() {
        grep -F "$1" "$tmp/out" \
            | sed -E 's/.*"computed": "\[?(-?[0-9.]+).*/\1/'
    }
    close() {
        d=$(echo "scale=40; x = ($1) - ($2); if (x < 0) x = -x; \
            y = ($2); if (y < 0) y = -y; x < 10^-12 * y" | bc -l)
        [ "$d" = 1 ]
    }
    call certify rmsprop adam --json
    why=""
    x3=$(mid 'x₃ = ')
    close "$x3" "1/2 - sqrt(2)/6" || why="$why x3 $x3;"
    x2=$(mid 'x₂ = 1 ')
    close "$x2" "1 - sqrt(2)/4" || why="$why x2 $x2;"
    t=$(mid 'T = 800')
    close "$t" "800 * (sqrt(101) - 1)" || why="$why T $t;"
    report "certify: the printed balls match bc's closed forms" "$why"
fi

call certify --list
why=""
for ex in rmsprop adam; do
    grep -q "^$ex\$" "$tmp/out" || why="$why --list lacks $ex;"
done
report "certify --list names rmsprop and adam" "$why"

call certify adam --json
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q '"passed": 3, "failed": 0' "$tmp/out" || why="$why not 3 passed;"
report "certify adam --json" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
