#!/bin/sh
# cpwl certify's chapter-4 claims (src/cli/certify_ae.c): every
# autoencoder claim holds, and the values printed are the hand-derived ones
# (docs/autoencoder.md): for the issue's example (A = [e1, e2, e3, e4,
# (1,1,1,1)/2, (1,-1,1,-1)/2], x* = e1 + e5) Wy = (3/2, 1/2, 1/2, 1/2,
# 3/2, 1/2), supp relu(Wy - eps) = {1, 5} at eps = 1/2 and 1, empty at 3/2,
# all six atoms at 1/4, the window of {1, 5} is [1/2, 3/2); the coherence
# window [1/2, 3/4) of [I_16, H_16/4] recovers all 496 codes of support
# size 2; in [I_4, H_4/2] the code e1 + e2 has Wy = (1, 1, 0, 0, 1, 0, 1,
# 0) and the empty window [1, 1); at eps = 1 the loss is 3/8, rows 1 and 5
# of dL/dW are -y = (-3/2, -1/2, -1/2, -1/2) and dL/deps = 3/4 on {1, 5};
# at eps = 1/2 yhat = y and the gradient is 0.  Wy of the example is
# recomputed here by a third method (awk, over the dictionary's columns).
# Run by `make check` with CPWL set.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init certae

call certify autoencoder
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q '✗' "$tmp/out" && why="$why a claim fails;"
grep -q '^8 claims: 8 hold, 0 fail' "$tmp/out" || why="$why not 8 of 8;"
grep -q '^tron' "$tmp/out" && why="$why tron selected;"
grep -E -q '^autoencoder .*Wy by hand +3/2,1/2,1/2,1/2,3/2,1/2 ' "$tmp/out" \
    || why="$why Wy;"
grep -E -q '^autoencoder .* \{1,5\} \{1,5\} 0 atoms 6 atoms ' "$tmp/out" \
    || why="$why supports;"
grep -E -q '^autoencoder .*window of \{1, 5\}: \[1/2, 3/2\) +\[1/2, 3/2\) ' \
    "$tmp/out" || why="$why window;"
grep -E -q '^autoencoder .*recovers all 496 +P = 1 at 1/2 and 5/8 ' \
    "$tmp/out" || why="$why coherence window;"
grep -E -q '^autoencoder .*empty +Wy = 1,1,0,0,1,0,1,0 ' "$tmp/out" \
    || why="$why counterexample;"
grep -E -q '^autoencoder .*by hand +3/8; \(-3/2,-1/2,-1/2,-1/2\) ' "$tmp/out" \
    || why="$why L and dL/dW at eps = 1;"
grep -E -q '^autoencoder .*0 off it +\(3/4,0,0,0,3/4,0\) ' "$tmp/out" \
    || why="$why dL/deps at eps = 1;"
grep -E -q '^autoencoder .*gradient 0 +L = 0, 0 ' "$tmp/out" \
    || why="$why gradient 0 at eps = 1/2;"
report "certify autoencoder: every chapter-4 claim holds, with the hand values" \
    "$why"

# Wy = A^T A x* by awk: column i of A dotted with y = A_1 + A_5
why=""
wy=$(awk 'BEGIN {
    split("1 0 0 0 1/2 1/2;0 1 0 0 1/2 -1/2;0 0 1 0 1/2 1/2;0 0 0 1 1/2 -1/2", r, ";")
    for (j = 1; j <= 4; j++) {
        split(r[j], c, " ")
        for (i = 1; i <= 6; i++) {
            split(c[i], pq, "/"); a[j, i] = pq[1] / (pq[2] == "" ? 1 : pq[2])
        }
        y[j] = a[j, 1] + a[j, 5]
    }
    for (i = 1; i <= 6; i++) {
        s = 0
        for (j = 1; j <= 4; j++) s += a[j, i] * y[j]
        printf("%s%g", (i > 1 ? "," : ""), 2 * s)
    }
}')
[ "$wy" = "3,1,1,1,3,1" ] || why="$why awk gives 2 Wy = $wy;"
report "certify autoencoder: Wy agrees with awk's" "$why"

call certify --list
why=""
grep -q '^autoencoder$' "$tmp/out" || why="$why --list lacks autoencoder;"
report "certify --list names autoencoder" "$why"

call certify autoencoder --json
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q '"passed": 8, "failed": 0' "$tmp/out" || why="$why not 8 passed;"
grep -q '"computed": "\[1/2, 3/2)", "holds": true' "$tmp/out" \
    || why="$why window;"
report "certify autoencoder --json" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
