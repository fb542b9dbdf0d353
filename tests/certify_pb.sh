#!/bin/sh
# cpwl certify's chapter-6 claims (src/cli/certify_pb.c): every pacbayes
# claim holds, and the values printed are the closed forms
# (docs/pacbayes.md): kl^{-1}(0, ln 2) = 1 - e^{-ln 2} = 1/2,
# kl^{-1}(3/10, 0) = 3/10, kl^{-1}(1, 5) = 1, KL(N(0, 1/4) || N(0, 1)) =
# ln 2 - 3/8 = 0.318147180559945... (10^6 weights: 318147.18...), ln(pi^2/6)
# = 0.497700302470745...; on m = 60000, delta = 1/40, KL = 5000, q = 1/50
# McAllester's value recomputed here by awk from q + sqrt((KL + ln(2
# sqrt(m)/delta))/(2m)); the PBB value the claim uses is the one
# proofs-data/pb_float.csv records for that example (so the claim and the
# table agree), and the Maurer enclosure's digits agree with the table's.
# Run by `make check` with CPWL and CPWL_PROOFS_DIR set.

: "${CPWL:?CPWL must name the cpwl binary}" "${CPWL_PROOFS_DIR:?}"

. "$(dirname "$0")/tap.sh"
tap_init certpb

call certify pacbayes
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q '✗' "$tmp/out" && why="$why a claim fails;"
grep -q '^7 claims: 7 hold, 0 fail' "$tmp/out" || why="$why not 7 of 7;"
grep -q '^autoencoder' "$tmp/out" && why="$why autoencoder selected;"
grep -E -q '^pacbayes .*= 1/2 in the enclosure +0\.500000000000000, rad < 2\^-' \
    "$tmp/out" || why="$why kl^{-1}(0, ln 2);"
grep -E -q '^pacbayes .* = 1 +0\.300000000000000, rad < 2\^-[0-9]+; 1\.00000000000000 exactly ' \
    "$tmp/out" || why="$why kl^{-1}(q, 0) and kl^{-1}(1, c);"
grep -E -q '^pacbayes .*10⁶ +0\.318147180559945, rad < 2\^-[0-9]+; 318147\.18' \
    "$tmp/out" || why="$why Gaussian KL;"
grep -E -q '^pacbayes .*refused +0\.497700302470745, rad < 2\^-[0-9]+; j = 0 refused ' \
    "$tmp/out" || why="$why union term;"
report "certify pacbayes: every chapter-6 claim holds, with the closed forms" \
    "$why"

# McAllester by awk (binary64: 12 digits are safe)
why=""
mc=$(awk 'BEGIN { printf "%.12f", 1/50 + sqrt((5000 + log(2 * sqrt(60000) * 40)) / 120000) }')
got=$(grep 'McAllester by hand' "$tmp/out" | grep -E -o '0\.[0-9]{15}, rad' \
    | head -n 1 | cut -c1-14)
[ -n "$got" ] && [ "$got" = "$mc" ] || why="$why McAllester $got, awk $mc;"
report "certify pacbayes: McAllester agrees with awk's formula" "$why"

# the PBB value and Maurer's digits against proofs-data/pb_float.csv
why=""
row=$(grep '^1/50,maurer(60000;1/40;5000),' "$CPWL_PROOFS_DIR/pb_float.csv")
pbb=$(echo "$row" | cut -d, -f5)
lo=$(echo "$row" | cut -d, -f3 | cut -c1-17)
[ -n "$pbb" ] || why="$why no row in pb_float.csv;"
grep -q "PBB's inv_kl value < Maurer's lower end *$pbb < $lo" "$tmp/out" \
    || why="$why the claim's PBB value or Maurer digits differ from the table's ($pbb, $lo);"
report "certify pacbayes: the PBB claim is the table's row" "$why"

call certify --list
why=""
grep -q '^pacbayes$' "$tmp/out" || why="$why --list lacks pacbayes;"
report "certify --list names pacbayes" "$why"

call certify pacbayes --json
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q '"passed": 7, "failed": 0' "$tmp/out" || why="$why not 7 passed;"
report "certify pacbayes --json" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
