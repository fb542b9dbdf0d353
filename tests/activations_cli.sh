#!/bin/sh
# abs, hardtanh and maxout on the command line: the shipped examples
# evaluated, counted (closed forms below), listed, drawn and compared
# with hand-written relu equivalents; bad maxout layers refused with one
# located line (exit 2); sampling refuses them by name.  Run by `make
# check` with CPWL, CPWL_EXAMPLES and CPWL_WRAP set (see tests/cli.sh).

: "${CPWL:?CPWL must name the cpwl binary}"
EX=${CPWL_EXAMPLES:-examples}

. "$(dirname "$0")/tap.sh"
tap_init act

# good DESC ERE...: exit 0, nothing on stderr, every ERE in stdout.
good() {
    desc=$1
    shift
    why=""
    [ "$status" -eq 0 ] || why="$why exit status $status, expected 0;"
    [ -s "$tmp/err" ] && why="$why output on stderr;"
    for re in "$@"; do
        grep -E -q -e "$re" "$tmp/out" || why="$why stdout lacks /$re/;"
    done
    report "$desc" "$why"
}


# ---- evaluation: values and patterns by hand ------------------------------

# |x + 1| + |x| + |x - 2| at 0: 1 + 0 + 2; states z > 0: 1, 0 (z = 0), 0
call eval "$EX/abs.json" --at 0
good "eval abs at a kink" "^exact +3$" "^pattern +100$"
call eval "$EX/abs.json" --at 5/2
good "eval abs" "^exact +13/2$" "^pattern +111$"
# clip(1) + clip(0) + clip(1): states 2 (z >= 1), 1 (-1 < z < 1), 2
call eval "$EX/hardtanh.json" --at 1,0
good "eval hardtanh" "^exact +2$" "^pattern +212$"
call eval "$EX/hardtanh.json" --at -7,1/2
good "eval hardtanh below" "^exact +-3/2$" "^pattern +010$"
# max(2x - 1, 2y - 1, -2x - 1, -2y - 1) at (1/2, 1/3): piece 0 (value 0)
call eval "$EX/maxout.json" --at 1/2,1/3
good "eval maxout" "^exact +0$" "^pattern +0$"
# at the origin all four pieces tie (-1): the lowest index
call eval "$EX/maxout.json" --at 0,0 --json
good "eval maxout tie" '"exact": \["-1"\]' '"pattern": "0"'
call eval "$EX/maxout.json" --at 0,-3
good "eval maxout piece 3" "^exact +5$" "^pattern +3$"

call info "$EX/maxout.json"
good "info maxout: width = units" "^activations +maxout, identity$" \
    "^hidden widths +1$" "^size +1 "

# ---- region counts against closed forms -----------------------------------

# sum of |x - c| over 3 distinct c: kinks -1, 0, 2, 4 pieces, all bends
call regions "$EX/abs.json" --linear
good "regions abs 1-D" "^activation regions +4$" "^linear regions +4$"
call regions "$EX/abs.json" --method nd --linear
good "regions abs n-D" "^activation regions +4$" "^linear regions +4$"
# the 6 lines x, y, x + y = +-1: 3 parallel pairs, no three through a
# point: 1 + 6 + C(6,2) - 3 = 19 cells; each crossing changes the gradient
call regions "$EX/hardtanh.json" --linear
good "regions hardtanh 2-D" "^activation regions +19$" \
    "^linear regions +19$"
call regions "$EX/hardtanh.json" --method nd
good "regions hardtanh n-D" "^activation regions +19$"
call regions "$EX/hardtanh.json" --box 0:2,0:2
# in [0,2]^2: lines x = 1, y = 1, x + y = 1 cut it into 5 cells
good "regions hardtanh box" "^activation regions +5$"
# 4 tangent planes of |x|^2: each is the maximum near its point
call regions "$EX/maxout.json" --linear --list
good "regions maxout" "^activation regions +4$" "^linear regions +4$" \
    "pattern 0," "pattern 1," "pattern 2," "pattern 3,"
call regions "$EX/maxout.json" --method nd --linear
good "regions maxout n-D" "^activation regions +4$" "^linear regions +4$"
# the region of piece 0 is the cone x >= |y|: vertex 0, rays (1, -1), (1, 1)
# (the lowered net's inner vertices are not vertices of the region)
call regions "$EX/maxout.json" --list --json
good "regions maxout json" \
    '"pattern": "0".*"vertices": \[\["0", "0"\]\], "rays": \[\["1", "-1"\], \["1", "1"\]\]'

call regions "$EX/hardtanh.json" --svg "$tmp/h.svg"
good "draw hardtanh"
[ -s "$tmp/h.svg" ] && grep -q "<svg" "$tmp/h.svg"
report "svg written" "$( [ $? -eq 0 ] || echo " no svg")"

# ---- equiv against hand-written relu nets ---------------------------------

cat >"$tmp/abs_relu.json" <<'JSON'
{"format": "cpwl-net", "version": 1, "input_dim": 1, "layers": [
 {"activation": "relu", "weights": [[1], [-1], [1], [-1], [1], [-1]],
  "bias": [1, -1, 0, 0, -2, 2]},
 {"activation": "identity", "weights": [[1, 1, 1, 1, 1, 1]], "bias": [0]}]}
JSON
call equiv "$EX/abs.json" "$tmp/abs_relu.json"
good "equiv abs = relu(z) + relu(-z)" "^equal"
sed 's/"bias": \[1, -1, 0, 0, -2, 2\]/"bias": [1, -1, 0, 0, -2, 3]/' \
    "$tmp/abs_relu.json" >"$tmp/abs_bad.json"
call equiv "$EX/abs.json" "$tmp/abs_bad.json"
good "equiv abs perturbed" "^different"

cat >"$tmp/mx_relu.json" <<'JSON'
{"format": "cpwl-net", "version": 1, "input_dim": 2, "layers": [
 {"activation": "relu",
  "weights": [[2, 0], [-2, 0], [-2, 2], [-2, 0], [2, 0], [2, -2]],
  "bias": [-1, 1, 0, -1, 1, 0]},
 {"activation": "relu",
  "weights": [[1, -1, 1, 0, 0, 0], [-1, 1, -1, 0, 0, 0],
              [-1, 1, -1, 1, -1, 1]],
  "bias": [0, 0, 0]},
 {"activation": "identity", "weights": [[1, -1, 1]], "bias": [0]}]}
JSON
# max(max(p0, p1), max(p2, p3)) with max(a, b) = a + relu(b - a) and
# a = relu(a) - relu(-a); max(p2, p3) = -2x - 1 + relu(2x - 2y)
call equiv "$EX/maxout.json" "$tmp/mx_relu.json"
good "equiv maxout = relu tournament" "^equal"

# ---- bad input ---------------------------------------------------------------

cat >"$tmp/nopieces.json" <<'JSON'
{"format": "cpwl-net", "version": 1, "input_dim": 1, "layers": [
  {"activation": "maxout", "weights": [[1], [2]], "bias": [0, 0]},
  {"activation": "identity", "weights": [[1]], "bias": [0]}]}
JSON
call info "$tmp/nopieces.json"
bad "maxout without pieces" "nopieces\.json:2:3:" "pieces"
sed 's/"maxout",/"maxout", "pieces": 1,/' "$tmp/nopieces.json" \
    >"$tmp/pieces1.json"
call info "$tmp/pieces1.json"
bad "maxout pieces 1" "pieces1\.json:2:" "from 2 to 36"
sed 's/"maxout",/"maxout", "pieces": 3,/' "$tmp/nopieces.json" \
    >"$tmp/pieces3.json"
call info "$tmp/pieces3.json"
bad "maxout rows not a multiple" "pieces3\.json:2:" "multiple of pieces"
sed 's/"maxout",/"abs", "pieces": 2,/' "$tmp/nopieces.json" \
    >"$tmp/abspieces.json"
call info "$tmp/abspieces.json"
bad "pieces on abs" "abspieces\.json:2:" "maxout layers only"
call sample "$EX/abs.json" --box -3:3
bad "sample refuses abs" "layer 1 is abs" "relu"

# ---- written back canonically -------------------------------------------------

call convert "$EX/maxout.json"
good "convert maxout" '"pieces": 4'
cmp -s "$tmp/out" "$EX/maxout.json"
report "maxout.json is canonical" "$( [ $? -eq 0 ] || echo " differs")"

echo "1..$n"
[ "$fails" -eq 0 ]
