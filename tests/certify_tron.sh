#!/bin/sh
# cpwl certify's chapter-3 claims (src/cli/certify_tron.c): every tron
# claim holds, and the values printed are the hand-derived ones of the
# thesis's example (D uniform on {+-e1, +-e2}, w* = (1, -2), w_1 = 0):
# w_2 = (1/4, -1/2), w_5 = (175/256, -175/128), c_1 = 1/2, eta = 1/2,
# rho = 7/8, E d_2 = 65/16 for the online iterate's law.  w_5 is recomputed here by a third method (bc, from
# w_t - w* = (3/4)^(t-1)(w_1 - w*)).  That a false value fails is
# tests/test_certify_tron.c's part.  Run by `make check` with CPWL and
# CPWL_WRAP set.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init certtron

call certify tron
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q '✗' "$tmp/out" && why="$why a claim fails;"
grep -q '^9 claims: 9 hold, 0 fail' "$tmp/out" || why="$why not 9 of 9;"
grep -q '^rmsprop' "$tmp/out" && why="$why rmsprop selected;"
grep -E -q '^tron .*w₂ = \(1/4, −1/2\) +\(1/4, -1/2\) ' "$tmp/out" \
    || why="$why w_2;"
grep -E -q '^tron .*w₅ = .* +\(175/256, -175/128\) ' "$tmp/out" \
    || why="$why w_5;"
grep -E -q '^tron .*ρ = 7/8 +1/2, 1/2, 7/8 ' "$tmp/out" \
    || why="$why c_1, eta, rho;"
grep -E -q '^tron .*SGD.*sgd w_50 = \(0, 0\); tron w_2 = \(1/4, -1/2\)' \
    "$tmp/out" || why="$why sgd stuck;"
grep -E -q '^tron .*t = 1\.\.201: holds ' "$tmp/out" \
    || why="$why the bound over 201 iterates;"
grep -E -q '^tron .*exact law.*t = 1\.\.[0-9]+ \([0-9]+ states\): holds ' \
    "$tmp/out" || why="$why the bound on the exact law;"
report "certify tron: every chapter-3 claim holds, with the thesis's values" \
    "$why"

# w_5 = w* + (3/4)^4 (w_1 - w*) by bc: the numerators over 256 and 128
if command -v bc >/dev/null 2>&1; then
    a=$(echo "256 * (1 + (3/4)^4 * (0 - 1))" | bc -l)
    b=$(echo "128 * (-2 + (3/4)^4 * (0 + 2))" | bc -l)
    why=""
    case $a in 175|175.0*) ;; *) why="$why bc gives $a/256;" ;; esac
    case $b in -175|-175.0*) ;; *) why="$why bc gives $b/128;" ;; esac
    grep -F -q '(175/256, -175/128)' "$tmp/out" || why="$why not printed;"
    report "certify tron: w_5 agrees with bc's closed form" "$why"
fi

call certify --list
why=""
grep -q '^tron$' "$tmp/out" || why="$why --list lacks tron;"
report "certify --list names tron" "$why"

call certify tron --json
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q '"passed": 9, "failed": 0' "$tmp/out" || why="$why not 9 passed;"
grep -q '"computed": "1/2, 1/2, 7/8", "holds": true' "$tmp/out" \
    || why="$why certificate;"
report "certify tron --json" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
