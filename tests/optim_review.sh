#!/bin/sh
# cpwl optim and cpwl convergence: fixes from the review of the optimiser
# engine, against values derived by hand.
# --kahan beside the real run: gd on x^2/2 with a = 2^-10 from x_1 = 1 in
# bfloat16 with Kahan's update gives x_2 = x_3 = 1 (1 - 2^-10 rounds to 1;
# 1 - 2^-9, a tie, to the even 1) and x_4 = 1 - 3 2^-10 rounded = 255/256,
# so it leaves the ball of x_2 = 1023/1024 at t = 2 after 2 stagnant
# updates; the Arb run updates plainly.  Alone, exact and Arb refuse it.
# Run by `make check` like tests/cli.sh.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init optim_review

Q='quadratic:A=1;b=0'
K="--algo gd --objective $Q --x0 1 --lr 1/1024 --steps 3 --kahan"

call optim $K --compare arb:128,bfloat16
why=""
[ "$status" -eq 0 ] || why="$why exit status $status, expected 0;"
grep -q '^final  *x_4 = 255/256 .*\[bfloat16\]' "$tmp/out" \
    || why="$why no bfloat16 x_4 = 255/256;"
grep -q '^departure   bfloat16: leaves the Arb ball at t = 2; 2 stagnant' \
    "$tmp/out" || why="$why no departure at t = 2 with 2 stagnant updates;"
report "--kahan --compare arb,bfloat16: the float run compensates" "$why"

call convergence --check departure $K --arith bfloat16
why=""
[ "$status" -eq 0 ] || why="$why exit status $status, expected 0;"
grep -q '^leaves      the ball at t = 2' "$tmp/out" \
    || why="$why not left at t = 2;"
grep -q '^stagnant    2 updates' "$tmp/out" || why="$why not 2 stagnant;"
report "convergence --check departure --kahan" "$why"

call optim $K --arith arb:64
bad "--kahan in Arb alone" "^cpwl optim: --kahan applies to the float formats"
call optim $K
bad "--kahan in exact arithmetic alone" "--kahan applies to the float"
call optim $K --compare arb:64,exact
bad "--kahan with no float format in --compare" "--kahan: --compare lists no"

# A bad entry of the quadratic's matrix names the objective plainly (the
# command line turns backquoted settings into options: not "--quadratic").
call optim --objective 'quadratic:A=;b=' --x0 1
bad "quadratic: an empty entry of A" \
    "^cpwl optim: objective quadratic: A, row 1, entry 1: empty number"

# --max-rad is compared in double: a value that is 0 there is refused
# (it would call every ball lost); an --x0 of one entry says "entry".
call optim --objective 'quadratic:A=1;b=0' --x0 1 --arith arb:64 \
    --max-rad 1e-400
bad "--max-rad below the doubles" "^cpwl optim: --max-rad: expected a positive number"
call optim --objective 'quadratic:A=1,0;0,1' --x0 1
bad "--x0 of the wrong length" "^cpwl optim: --x0: 1 entry, the objective quadratic has 2 parameters$"

echo "1..$n"
[ "$fails" -eq 0 ]
