#!/bin/sh
# Tests of the input conveniences of the cpwl command line: --box in the
# printed form, CSV dialects for `cpwl erm`, the float-trap warning and
# the "numbers" key, progress lines, `cpwl equiv --exit-status`.  Run by
# `make check` with CPWL, CPWL_EXAMPLES, CPWL_TESTDATA set (as cli.sh).

: "${CPWL:?CPWL must name the cpwl binary}"
EX=${CPWL_EXAMPLES:-examples}
TD=${CPWL_TESTDATA:-tests/data}

. "$(dirname "$0")/tap.sh"
tap_init inputs


good_why() {
    why=""
    [ "$status" -eq 0 ] || why="$why exit status $status, expected 0;"
    [ -s "$tmp/err" ] && why="$why output on stderr;"
}

# ---- --box: the form cpwl prints is accepted -----------------------------

call regions "$EX/degenerate2d.json" --list --json --box "-1:1,-1:1"
cp "$tmp/out" "$tmp/box1"
for b in "[-1,1]x[-1,1]" " [ -1 , 1 ] x [ -1, 1 ] " "-1 : 1 , -1:1" \
         "[-1,1]X[-1/1,1.0]"; do
    call regions "$EX/degenerate2d.json" --list --json --box "$b"
    good_why
    cmp -s "$tmp/out" "$tmp/box1" || why="$why output differs;"
    report "regions --box '$b' is the box -1:1,-1:1" "$why"
done

# The domain line printed is itself a valid --box.
call sample "$EX/degenerate2d.json" --box "-1/2:1,0:3" --grid 5x5 --list
printed=$(sed -n 's/^domain *box //p' "$tmp/out")
grep -v -E "seconds|points/s" "$tmp/out" >"$tmp/box1"
call sample "$EX/degenerate2d.json" --box "$printed" --grid 5x5 --list
good_why
grep -v -E "seconds|points/s" "$tmp/out" | cmp -s - "$tmp/box1" ||
    why="$why output differs;"
[ "$printed" = "[-1/2,1]x[0,3]" ] || why="$why printed '$printed';"
report "sample: the printed box '$printed' reads back" "$why"

call equiv "$EX/tent3.json" "$EX/tent3.json" --box "[0,1]"
good_why
grep -q "^equal on box \[0,1\]" "$tmp/out" || why="$why not equal on [0,1];"
report "equiv --box [0,1]" "$why"

call regions "$EX/degenerate2d.json" --box "[-1,1]x[-1;1]"
bad "regions: --box with ';' inside an interval" "^cpwl regions: --box: column 13: interval 2"
call regions "$EX/degenerate2d.json" --box "[-1,1] y [0,1]"
bad "regions: --box with y between intervals" "--box: column 8: expected 'x'"
call regions "$EX/degenerate2d.json" --box "[1,-1]x[0,1]"
bad "regions: --box inverted interval" "--box: column 1: interval 1" "inverted"
call regions "$EX/degenerate2d.json" --box "[-1,1]x[0,a]"
bad "regions: --box malformed bound" "--box: column 11: interval 2" "malformed number"
call regions "$EX/degenerate2d.json" --box "[-1,1]"
bad "regions: --box of the wrong dimension" "--box: expected 2 intervals" "got 1"
call sample "$EX/degenerate2d.json" --box "-1:1, 0" --grid 3
bad "sample: --box without a colon" "--box: column 6: interval 2: expected lo:hi or \[lo,hi\]"

# ---- CSV dialects in cpwl erm --------------------------------------------

printf '%s\n' "x1,x2,y" "1,0,1" "0,1,1/2" "-1,-1,0.25" "2,1,-3" >"$tmp/c.csv"
printf 'x1\tx2\ty\n1\t0\t1\n0\t1\t1/2\n-1\t-1\t0.25\n2\t1\t-3\n' >"$tmp/t.csv"
printf '1;0;1\n0;1;1/2\n-1;-1;0.25\n2;1;-3\n' >"$tmp/s.csv"
printf '\357\273\277"x1";"x;2";"y"\r\n"1";"0";"1"\r\n"0";"1";"1/2"\r\n"-1";"-1";"0.25"\r\n"2";"1";"-3"\r\n' >"$tmp/q.csv"
call erm "$tmp/c.csv" --width 1
good_why
grep "^optimum" "$tmp/out" >"$tmp/opt1"
grep -q "4 points in R^2" "$tmp/out" || why="$why not 4 points;"
report "erm: comma CSV with a header" "$why"
for f in t s q; do
    call erm "$tmp/$f.csv" --width 1
    good_why
    grep "^optimum" "$tmp/out" | cmp -s - "$tmp/opt1" || why="$why other optimum;"
    grep -q "4 points in R^2" "$tmp/out" || why="$why not 4 points;"
    report "erm: $f.csv gives the same optimum" "$why"
done
call erm "$tmp/s.csv" --width 1 --sep ";"
good_why
grep "^optimum" "$tmp/out" | cmp -s - "$tmp/opt1" || why="$why other optimum;"
report "erm --sep ';'" "$why"
call erm "$tmp/t.csv" --width 1 --sep tab
good_why
grep "^optimum" "$tmp/out" | cmp -s - "$tmp/opt1" || why="$why other optimum;"
report "erm --sep tab" "$why"

# A first row of numbers is data, never dropped.
printf '1,2\n3,4\n5,7\n' >"$tmp/n.csv"
call erm "$tmp/n.csv" --width 1
good_why
grep -q "3 points in R^1" "$tmp/out" || why="$why not 3 points;"
report "erm: a first row of numbers is data" "$why"

call erm "$tmp/s.csv" --width 1 --sep ,
bad "erm --sep , on a ';' file" "s\\.csv:1: a row needs at least 2 cells"
call erm "$tmp/s.csv" --width 1 --sep x
bad "erm --sep x" "--sep: expected"
printf '1,2\n3,"4\n' >"$tmp/u.csv"
call erm "$tmp/u.csv" --width 1
bad "erm: unterminated quote" "u\\.csv:2:3: unterminated quoted cell"
printf '1,"2"x\n' >"$tmp/u.csv"
call erm "$tmp/u.csv" --width 1
bad "erm: text after a closing quote" "u\\.csv:1:6: expected a separator"
printf 'a,b\n1,2,3\n' >"$tmp/u.csv"
call erm "$tmp/u.csv" --width 1
bad "erm: row wider than the header" "u\\.csv:2: expected 2 cells \(as in the header\)"

# ---- float traps and "numbers" --------------------------------------------

# What Python's json.dumps(w.tolist()) writes for float32 weights
# 0.1, -1.7, 0.3 and 2.5 (numpy widens them to doubles first).
floats() {
    printf '{"format": "cpwl-net", "version": 1, %s"input_dim": 2, "layers": [{"activation": "relu", "weights": [[0.10000000149011612, -1.7000000476837158], [0.30000001192092896, 2.5]], "bias": [0.0, 0.0]}, {"activation": "identity", "weights": [[1.0, 1.0]], "bias": [0.0]}]}\n' "$1"
}
floats "" >"$tmp/f.json"
call info "$tmp/f.json"
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || why="$why not one stderr line;"
grep -q '^cpwl info: warning: .*f\.json:1:[0-9]*: layers\[0\]\.weights\[0\]\[0\]' "$tmp/err" ||
    why="$why no located warning;"
grep -q '"numbers": "binary64"' "$tmp/err" || why="$why binary64 not named;"
grep -q '"binary32"' "$tmp/err" || why="$why binary32 not named;"
grep -q -- '--' "$tmp/err" && why="$why names an option;"
report "info: float32 weights from json.dumps warn once" "$why"

floats '"numbers": "binary32", ' >"$tmp/f32.json"
call convert "$tmp/f32.json"
good_why
tr -d ' \n' <"$tmp/out" >"$tmp/flat"
grep -q '\["13421773/134217728","-7130317/4194304"\],\["5033165/16777216","5/2"\]' "$tmp/flat" ||
    why="$why weights are not the float32 values;"
report "convert: \"numbers\": \"binary32\" gives the float32 values, no warning" "$why"

floats '"numbers": "exact", ' >"$tmp/fx.json"
call info "$tmp/fx.json"
good_why
report "info: a \"numbers\" key silences the warning" "$why"

printf '{"format": "cpwl-net", "version": 1, "input_dim": 1, "layers": [{"activation": "relu", "weights": [["1/3"], [0.5], [0.1], ["0x1.8p-3"]], "bias": [0, "-1/7", 1e-3, 2]}, {"activation": "identity", "weights": [[1, -1, 0.25, 3]], "bias": [0]}]}\n' >"$tmp/h.json"
call info "$tmp/h.json"
good_why
report "info: hand-written 1/3, 0.5, 0.1, hex: no warning" "$why"

# The warning does not repeat: eval loads the net once, warns once.
call eval "$tmp/f.json" --at "1,1"
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
[ "$(grep -c warning "$tmp/err")" -eq 1 ] || why="$why not one warning;"
report "eval: one warning per file" "$why"

# ---- progress lines ------------------------------------------------------

# A sawtooth of 2^13 pieces: the 1-D method reports every 4096 regions;
# CPWL_PROGRESS_INTERVAL=0 makes every report a line.
run build sawtooth --k 13 >"$tmp/saw.json" 2>/dev/null
shape_regions='^cpwl regions: layer [0-9]+/[0-9]+, [0-9]+ regions so far, [0-9.e+]+ regions/s, [0-9]+\.[0-9] s elapsed$'
CPWL_PROGRESS_INTERVAL=0 run regions "$tmp/saw.json" --line "0;1" \
    --box 0:1 --progress >"$tmp/out" 2>"$tmp/err"
status=$?
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
[ "$(grep -c -E "$shape_regions" "$tmp/err")" -ge 1 ] || why="$why no progress line;"
[ "$(grep -c -v -E "$shape_regions" "$tmp/err")" -eq 0 ] || why="$why other stderr lines;"
grep -q "regions: regions" "$tmp/err" && why="$why doubled word;"
report "regions --progress: lines of the documented shape" "$why"

CPWL_PROGRESS_INTERVAL=0 run regions "$tmp/saw.json" --line "0;1" \
    --box 0:1 >"$tmp/out2" 2>"$tmp/err"
status=$?
good_why
cmp -s "$tmp/out" "$tmp/out2" || why="$why stdout differs;"
report "regions without --progress: no lines when stderr is a file" "$why"

CPWL_PROGRESS_INTERVAL=0 run regions "$tmp/saw.json" --line "0;1" \
    --box 0:1 --progress --no-progress >"$tmp/out" 2>"$tmp/err"
status=$?
good_why
report "regions --no-progress after --progress: silent" "$why"

CPWL_PROGRESS_INTERVAL=0 run sample "$EX/tent3.json" --box 0:1 \
    --points 100000 --progress >"$tmp/out" 2>"$tmp/err"
status=$?
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q -E '^cpwl sample: [0-9]+/100000 points sampled, [0-9.e+]+ points/s, [0-9]+\.[0-9] s elapsed$' "$tmp/err" ||
    why="$why no progress line;"
report "sample --progress" "$why"

CPWL_PROGRESS_INTERVAL=0 run erm "$tmp/c.csv" --width 1 --progress \
    >"$tmp/out" 2>"$tmp/err"
status=$?
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q -E '^cpwl erm: [0-9]+/[0-9]+ steps \(bounding, then solving\), [0-9.e+]+ steps/s, [0-9]+\.[0-9] s elapsed$' "$tmp/err" ||
    why="$why no progress line;"
report "erm --progress" "$why"

CPWL_PROGRESS_INTERVAL=0 run equiv "$tmp/saw.json" "$tmp/saw.json" \
    --progress >"$tmp/out" 2>"$tmp/err"
status=$?
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q -E '^cpwl equiv: layer [0-9]+/[0-9]+, [0-9]+ regions so far' "$tmp/err" ||
    why="$why no progress line;"
report "equiv --progress" "$why"

CPWL_PROGRESS_INTERVAL=0 run crosscheck "$EX/tent3.json" --points 2000 \
    --progress >"$tmp/out" 2>"$tmp/err"
status=$?
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
grep -q -E '^cpwl crosscheck: ' "$tmp/err" || why="$why no progress line;"
report "crosscheck --progress" "$why"

# ---- equiv --exit-status --------------------------------------------------

call equiv "$EX/tent3.json" "$EX/tent3.json" --exit-status
good_why
report "equiv --exit-status: 0 on equal networks" "$why"
call equiv "$EX/tent3.json" "$EX/tent.json" --exit-status
why=""
[ "$status" -eq 3 ] || why="$why exit status $status, expected 3;"
[ -s "$tmp/err" ] && why="$why output on stderr;"
grep -q "^different" "$tmp/out" || why="$why no answer printed;"
report "equiv --exit-status: 3 on different networks" "$why"
call equiv "$EX/tent3.json" "$EX/tent.json"
good_why
grep -q "^different" "$tmp/out" || why="$why no answer printed;"
report "equiv without --exit-status: 0 on different networks" "$why"
call equiv "$EX/tent3.json" "$EX/tent.json" --exit-status --json
why=""
[ "$status" -eq 3 ] || why="$why exit status $status, expected 3;"
grep -q '"equal": false' "$tmp/out" || why="$why no JSON answer;"
report "equiv --exit-status --json: 3 on different networks" "$why"

echo "$n checks, $fails failed"
[ "$fails" -eq 0 ] || exit 1
exit 0
