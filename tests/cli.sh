#!/bin/sh
# Tests of the cpwl command line (SPEC section 5): exit status 0 / 2, one
# stderr line naming the place and cause of bad input, and values computed
# by hand.  Run by `make check` with CPWL (the built binary), CPWL_EXAMPLES,
# CPWL_TESTDATA and CPWL_WRAP (empty, or a valgrind command line) set.

: "${CPWL:?CPWL must name the cpwl binary}"
EX=${CPWL_EXAMPLES:-examples}
TD=${CPWL_TESTDATA:-tests/data}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

n=0
fails=0

. "$(dirname "$0")/sigutil.sh"

run() { $CPWL_WRAP "$CPWL" "$@"; }

# call ARGS...: run cpwl, keeping its status, stdout and stderr.
call() {
    run "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
}

report() {
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        fails=$((fails + 1))
        echo "not ok $n - $1:$2"
        sed 's/^/#   stderr: /' "$tmp/err"
    fi
}

# bad DESC ERE...: the last call exited 2 and wrote exactly one line to
# stderr, matching every extended regular expression given.
bad() {
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

# good DESC: the last call exited 0 and wrote nothing to stderr.
good_why() {
    why=""
    [ "$status" -eq 0 ] || why="$why exit status $status, expected 0;"
    [ -s "$tmp/err" ] && why="$why output on stderr;"
}

# field NAME: second column of the text line whose first column is NAME.
field() {
    awk -v k="$1" '$1 == k { print $2; exit }' "$tmp/out"
}

# has_json ERE: the JSON on stdout, blanks removed, matches ERE.
has_json() {
    tr -d ' \n' <"$tmp/out" | grep -E -q -e "$1"
}

# ---- bad input: exit 2, one line naming the place and the cause ----------

call info "$tmp/nosuch.json"
bad "info: nonexistent file" "$tmp/nosuch\\.json" "No such|cannot open"

call info "$tmp"
bad "info: a directory" "$tmp" "directory"

call info "$TD/bad-syntax.json"
bad "info: malformed JSON, line 5" "bad-syntax\\.json:5:[0-9]+:" "JSON"

call eval "$TD/bad-syntax.json" --at 0
bad "eval: malformed JSON, line 5" "bad-syntax\\.json:5:[0-9]+:" "JSON"

call info "$TD/bad-activation.json"
bad "info: unknown activation at 6:20" "bad-activation\\.json:6:20:" \
    "layers\\[0\\]\\.activation" "sigmoid"

call info "$TD/bad-number.json"
bad "info: zero denominator at 6:50" "bad-number\\.json:6:50:" \
    "layers\\[0\\]\\.weights\\[0\\]\\[1\\]" "denominator"

call info "$TD/truncated.json"
bad "info: file ending inside a number" "truncated\\.json:1:3[56]:" \
    "truncated|EOF|end"

call eval "$EX/tent.json" --at 1,2
bad "eval: --at of the wrong dimension" "--at" "expected 1" "got 2"

call eval "$EX/degenerate2d.json" --at 1
bad "eval: --at too short" "--at" "expected 2" "got 1"

call eval "$EX/tent.json" --at 1/x
bad "eval: malformed --at number" "--at" "coordinate 1" "1/x"

call eval "$EX/degenerate2d.json" --at 1,1/0
bad "eval: --at with zero denominator" "--at" "coordinate 2" "denominator"

call eval "$EX/tent.json"
bad "eval: missing --at" "--at"

call eval "$EX/tent.json" --at
bad "eval: --at without a value" "--at"

call eval "$EX/tent.json" --at 0 --prec 1
bad "eval: --prec out of range" "--prec"

call nosuch
bad "unknown subcommand" "nosuch"

call info --bogus "$EX/tent.json"
bad "info: unknown option" "--bogus"

call eval "$EX/tent.json" --at 0 --bogus
bad "eval: unknown option" "--bogus"

call help nosuch
bad "help nosuch" "nosuch"

call info
bad "info without a file" "info"

call certify nosuch
bad "certify nosuch" "nosuch"

# ---- good input: values from hand computation ----------------------------

call --version
good_why
grep -q '^cpwl ' "$tmp/out" || why="$why no 'cpwl VERSION' line;"
report "--version" "$why"

call help
good_why
for sub in info eval certify; do
    grep -q "^ *$sub " "$tmp/out" || why="$why help lacks $sub;"
done
report "help" "$why"

call help eval
good_why
grep -q -e '--at' "$tmp/out" || why="$why help eval lacks --at;"
report "help eval" "$why"

# tent: W1 = (1, 1)^T, b1 = (0, -1/2), W2 = (2, -4), no output bias:
# depth 2, size 2, width 2, free parameters 2*2 + 1*2 = 6 (docs/cli.md:
# the last bias is fixed at 0 when output_bias is false).
call info "$EX/tent.json"
good_why
[ "$(field input_dim)" = 1 ] || why="$why input_dim not 1;"
[ "$(field depth)" = 2 ] || why="$why depth not 2;"
[ "$(field size)" = 2 ] || why="$why size not 2;"
[ "$(field width)" = 2 ] || why="$why width not 2;"
[ "$(field parameters)" = 6 ] || why="$why parameters not 6;"
report "info tent" "$why"

call info --json "$EX/tent.json"
good_why
has_json '"input_dim":1[,}]' || why="$why input_dim not 1;"
has_json '"output_dim":1[,}]' || why="$why output_dim not 1;"
has_json '"depth":2[,}]' || why="$why depth not 2;"
has_json '"size":2[,}]' || why="$why size not 2;"
has_json '"parameters":6[,}]' || why="$why parameters not 6;"
has_json '"output_bias":false[,}]' || why="$why output_bias not false;"
report "info --json tent" "$why"

# leaky: 2*(1+1) + 1 slope + 1*(2+1) = 8 parameters, output bias kept.
call info --json "$EX/leaky.json"
good_why
has_json '"parameters":8[,}]' || why="$why parameters not 8;"
has_json '"activations":\["leaky_relu","identity"\]' \
    || why="$why activations wrong;"
report "info --json leaky" "$why"

# tent3: hidden widths 2-2-2, depth 4, size 6.
call info --json "$EX/tent3.json"
good_why
has_json '"hidden_widths":\[2,2,2\]' || why="$why hidden widths;"
has_json '"depth":4[,}]' || why="$why depth not 4;"
has_json '"size":6[,}]' || why="$why size not 6;"
report "info --json tent3" "$why"

call info - <"$EX/tent.json"
good_why
[ "$(field depth)" = 2 ] || why="$why depth not 2;"
report "info from standard input" "$why"

# t(1/3) = 2 relu(1/3) - 4 relu(-1/6) = 2/3; first neuron on, second off.
call eval "$EX/tent.json" --at 1/3
good_why
[ "$(field exact)" = 2/3 ] || why="$why exact not 2/3;"
[ "$(field pattern)" = 10 ] || why="$why pattern not 10;"
report "eval tent at 1/3" "$why"

# t(0.75) = 2 (3/4) - 4 (1/4) = 1/2, both neurons on.
call eval "$EX/tent.json" --at 0.75
good_why
[ "$(field exact)" = 1/2 ] || why="$why exact not 1/2;"
[ "$(field pattern)" = 11 ] || why="$why pattern not 11;"
report "eval tent at 0.75" "$why"

# g(-1) = leaky(-1) - leaky(-2) = -1/10 + 2/10 = 1/10, both off.
call eval "$EX/leaky.json" --at=-1
good_why
[ "$(field exact)" = 1/10 ] || why="$why exact not 1/10;"
[ "$(field pattern)" = 00 ] || why="$why pattern not 00;"
report "eval leaky --at=-1" "$why"

# At the origin every boundary neuron has z = 0 (off), the dead one z = -1.
call eval --json "$EX/degenerate2d.json" --at 0,0
good_why
has_json '"pattern":"000000"' || why="$why pattern not 000000;"
has_json '"exact":\["0"\]' || why="$why exact not [\"0\"];"
report "eval --json degenerate2d at 0,0" "$why"

# f(1/3, -1/2) = 1/3 + 0 - 0 + 5/6 + (2/3)/2 = 3/2.
call eval --json "$EX/degenerate2d.json" --at "1/3, -1/2"
good_why
has_json '"exact":\["3/2"\]' || why="$why exact not [\"3/2\"];"
has_json '"pattern":"100110"' || why="$why pattern not 100110;"
report "eval --json degenerate2d at 1/3,-1/2" "$why"

# Canonical files are their own canonical form.
call convert "$EX/tent.json"
good_why
cmp -s "$tmp/out" "$EX/tent.json" || why="$why output differs from file;"
report "convert tent is the identity" "$why"

call certify
good_why
report "certify" "$why"

call certify tent
good_why
report "certify tent" "$why"

# ---- regions: counts known by hand (docs/examples.md) -------------------

# tent∘tent∘tent: breakpoints j/8 in [0,1]: 8 pieces; on R 10 (examples.md).
call regions "$EX/tent3.json" --box 0:1 --linear
good_why
[ "$(awk '/^activation regions/ {print $3}' "$tmp/out")" = 8 ] || why="$why activation != 8;"
[ "$(awk '/^linear regions/ {print $3}' "$tmp/out")" = 8 ] || why="$why linear != 8;"
report "regions tent3 on [0,1]: 8 and 8" "$why"

call regions "$EX/tent3.json" --json
good_why
has_json '"activation_regions":10' || why="$why activation_regions not 10;"
has_json '"linear_regions":10' || why="$why linear_regions not 10;"
report "regions --json tent3 on R: 10 and 10" "$why"

# Four distinct lines through the origin (x = 0 twice, a dead neuron): 8
# sectors, each kink visible in f: 8 linear regions.
call regions "$EX/degenerate2d.json" --linear --json
good_why
has_json '"activation_regions":8,"linear_regions":8' || why="$why counts not 8/8;"
report "regions degenerate2d on R^2: 8 and 8" "$why"

call regions "$EX/degenerate2d.json" --list --json --box "-1:1,-1:1"
good_why
[ "$(tr -d ' \n' <"$tmp/out" | grep -o '"pattern"' | wc -l)" -eq 8 ] || why="$why not 8 listed regions;"
has_json '"point":\[' || why="$why no points;"
has_json '"vertices":\[' || why="$why no vertices;"
report "regions --list --json degenerate2d: 8 regions with points" "$why"

# The line x = (t, t) through degenerate2d crosses the origin only: 2.
call regions "$EX/degenerate2d.json" --line "0,0;1,1" --linear --json
good_why
has_json '"activation_regions":2' || why="$why not 2;"
report "regions on a line through degenerate2d: 2" "$why"

call regions "$EX/tent3.json" --box 1:0
bad "regions: inverted box" "--box" "inverted" "lo < hi"

call regions "$EX/tent3.json" --box 1/2:1/2
bad "regions: empty box" "--box" "empty"

call regions "$EX/degenerate2d.json" --box 0:1
bad "regions: box of the wrong dimension" "--box" "expected 2 intervals" "got 1"

call regions "$EX/degenerate2d.json" --slice "0,0;1,1;2,2"
bad "regions: parallel slice vectors" "--slice" "parallel"

call regions "$EX/degenerate2d.json" --slice "0,0;0,0;1,2"
bad "regions: zero slice vector" "--slice" "zero"

call regions "$EX/degenerate2d.json" --line "0,0,0;1,1,1"
bad "regions: line of the wrong dimension" "--line" "expected 2 coordinates"

call regions "$EX/degenerate2d.json" --line "0,0;1,1" --slice "0,0;1,0;0,1"
bad "regions: line and slice together" "--slice and --line"

call regions "$EX/tent3.json" --method 2d
bad "regions: 2-D method on a 1-D domain" "2-D method" "dimension 1"

call regions "$EX/tent3.json" --method 3d
bad "regions: unknown method" "--method" "3d"

call regions "$EX/tent3.json" --max-regions 3
why=""
[ "$status" -eq 2 ] || why="$why exit status $status, expected 2;"
grep -q "at least" "$tmp/out" || why="$why no lower bound on stdout;"
grep -q "max-regions" "$tmp/err" || why="$why no hint on stderr;"
report "regions --max-regions 3 stops with a lower bound" "$why"

# ---- regions: pictures ------------------------------------------------------

call regions "$EX/degenerate2d.json" --png "$tmp/d.png" --colour linear
good_why
head -c 8 "$tmp/d.png" | od -An -c | grep -q "P   N   G" || why="$why not a PNG file;"
report "regions --png writes a PNG" "$why"

call regions "$EX/degenerate2d.json" --svg "$tmp/d.svg" --box "-1:1,-1:1"
good_why
grep -q "<svg" "$tmp/d.svg" || why="$why not an SVG file;"
report "regions --svg writes an SVG" "$why"

call regions "$EX/tent3.json" --png "$tmp/t.png"
bad "regions: picture of a 1-D domain" "--svg/--png" "dimension 1"

call regions "$EX/degenerate2d.json" --colour linear
bad "regions: --colour without a picture" "--colour" "--svg"

call regions "$EX/degenerate2d.json" --png "$tmp/nodir/x.png"
bad "regions: picture in a missing directory" "nodir/x\.png"

call regions "$EX/degenerate2d.json" --svg -
bad "regions: picture to standard output" "--svg/--png" "file name"

call regions "$EX/degenerate2d.json" --png "$tmp/n.png" --method nd
bad "regions: picture with the n-D method" "--method nd"

# The half-planes y > 5 and y <= 5: each has the boundary point (0, 5) and
# no other (a corner of the symbolic box is no point of the region).
call regions "$TD/halfplane.json" --list --json
good_why
has_json '"pattern":"1","point":\["0","11/2"\]' || why="$why interior point of y > 5 not (0, 11/2);"
[ "$(tr -d ' \n' <"$tmp/out" | grep -o '"vertices":\[\["0","5"\]\]' | wc -l)" -eq 2 ] || why="$why vertices not [(0,5)] twice;"
report "regions --list: half-planes list their boundary point only" "$why"

# ---- erm: hand optima (examples.md) and bad input ---------------------------

# (-1,1), (0,0), (1,1), width 1, squared: 2/3 without output bias.
call erm "$TD/erm-v.csv" --width 1 --json --out "$tmp/opt.json" --certificate "$tmp/cert.json"
good_why
has_json '"optimum":"2/3"' || why="$why optimum not 2/3;"
report "erm: hand case 2/3" "$why"

# The network written attains it: f(-1), f(0), f(1) give losses summing to 2/3.
call eval "$tmp/opt.json" --at 0
good_why
[ "$(field exact)" = "2/3" ] || why="$why f(0) != 2/3;"
report "erm --out: the optimal network is relu(0 x + 2/3) at 0" "$why"

call erm "$TD/erm-v.csv" --verify "$tmp/cert.json"
good_why
grep -q "verified" "$tmp/out" || why="$why not verified;"
report "erm --verify accepts its certificate" "$why"

sed 's|"optimum": "2/3"|"optimum": "1/2"|' "$tmp/cert.json" > "$tmp/bad.json"
call erm "$TD/erm-v.csv" --verify "$tmp/bad.json"
bad "erm --verify rejects a wrong optimum" "bad\\.json"

call erm "$TD/erm-v.csv" --width 1 --output-bias --loss l1 --json
good_why
has_json '"optimum":"1"' || why="$why l1 optimum not 1;"
report "erm: l1 with output bias 1" "$why"

call erm "$TD/erm-ragged.csv" --width 1
bad "erm: ragged rows" "erm-ragged\\.csv:3" "expected 2 cells"

call erm "$TD/erm-nonnum.csv" --width 1
bad "erm: non-numeric cell" "erm-nonnum\\.csv:2:3" "abc"

call erm "$TD/erm-empty.csv" --width 1
bad "erm: empty data" "no data rows"

call erm "$TD/erm-hinge-bad.csv" --width 1 --loss hinge
bad "erm: hinge labels" "\\+1 or -1"

call erm "$TD/erm-v.csv" --width 0
bad "erm: width 0" "--width"

call erm "$TD/erm-v.csv" --width 3 --max-cells 5
bad "erm: --max-cells refuses with the estimate" "120" "--max-cells"

call erm "$TD/erm-v.csv" --width 2 --verify "$tmp/cert.json"
bad "erm --verify refuses a certificate for another width" "width 1" "not the problem"

# Gradient runs that overflow are reported as diverged, never a crash.
call erm "$TD/erm-diverge.csv" --width 1 --compare-gd 3
good_why
grep -q "diverged\|runs within" "$tmp/out" || why="$why no comparison printed;"
report "erm --compare-gd survives diverging runs" "$why"

# ---- sample and crosscheck: the double path against hand counts -----------

# strip_json FILE: the JSON without the keys that may differ between runs
# of the same sample (timings, threads, kernel).
strip_json() {
    sed -E 's/"(threads|seconds|points_per_second|seconds_exact|seconds_sample)": [0-9.e+-]+(, )?//g; s/"kernel": "[a-z0-9]+"(, )?//g' "$1"
}

# tent^3 on [0,1] has 8 regions (breakpoints j/8, examples.md).  The grid
# i/1000 holds the 9 points j/8 = 125j/1000 (j = 0..8), where some neuron
# has z = 0 exactly: boundary points; the other 992 are >= 1/1000 away.
call sample "$EX/tent3.json" --line "0;1" --box 0:1 --points 1001 --json
good_why
has_json '"points":1001,' || why="$why points not 1001;"
has_json '"patterns":8,' || why="$why patterns not 8;"
has_json '"decided":992,' || why="$why decided not 992;"
has_json '"undecided":9,' || why="$why undecided not 9;"
has_json '"boundary":9,' || why="$why boundary not 9;"
has_json '"stopped":false' || why="$why stopped;"
report "sample tent3 on [0,1], 1001 points: 8 patterns, 9 on a boundary" "$why"

call sample "$EX/tent3.json" --box 0:1 --grid 1001
good_why
[ "$(field patterns)" = 8 ] || why="$why patterns not 8;"
[ "$(field points)" = 1001 ] || why="$why points not 1001;"
report "sample tent3 --grid 1001 (table)" "$why"

call crosscheck "$EX/tent3.json" --line "0;1" --box 0:1 --points 1001 --json
good_why
has_json '"exact_regions":8,' || why="$why exact_regions not 8;"
has_json '"sampled_patterns":8,' || why="$why sampled_patterns not 8;"
has_json '"not_regions":0,' || why="$why not_regions not 0;"
has_json '"mismatches":0,' || why="$why mismatches not 0;"
has_json '"missed":0,' || why="$why missed not 0;"
has_json '"contradictions":0[,}]' || why="$why contradictions not 0;"
report "crosscheck tent3 on [0,1]: exact 8, contradictions 0" "$why"

# The 5-point grid 0, 1/4, ..., 1 of [0,1] lies on tent^3's breakpoints
# only: no pattern, all 8 regions (each of length 1/8) missed, and that is
# no contradiction.
call crosscheck "$EX/tent3.json" --box 0:1 --points 5 --list --json
good_why
has_json '"sampled_patterns":0,' || why="$why sampled_patterns not 0;"
has_json '"missed":8,' || why="$why missed not 8;"
has_json '"missed_max_size":0.125,' || why="$why missed_max_size not 1/8;"
[ "$(tr -d ' \n' <"$tmp/out" | grep -o '"size":0.125' | wc -l)" -eq 8 ] || why="$why not 8 missed regions listed;"
has_json '"contradictions":0[,}]' || why="$why contradictions not 0;"
report "crosscheck tent3 on 5 breakpoints: 8 regions missed, no contradiction" "$why"

# degenerate2d on the 11x11 grid (i/5 - 1, j/5 - 1): 11 points on each of
# the lines x = 0, y = 0, y = x, y = -x, sharing only the origin: 41
# boundary points; the 80 others are in the 8 sectors (8 regions).
call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --grid 11x11 --json
good_why
has_json '"patterns":8,' || why="$why patterns not 8;"
has_json '"boundary":41,' || why="$why boundary not 41;"
has_json '"decided":80,' || why="$why decided not 80;"
report "sample degenerate2d 11x11: 8 patterns, 41 boundary points" "$why"

call crosscheck "$EX/degenerate2d.json" --grid 11x11
good_why
[ "$(awk '/^exact regions/ {print $3}' "$tmp/out")" = 8 ] || why="$why exact regions not 8;"
grep -q '^contradictions: 0$' "$tmp/out" || why="$why no 'contradictions: 0';"
grep -q 'default' "$tmp/out" || why="$why default domain not said;"
report "crosscheck degenerate2d through its boundaries: 0 contradictions" "$why"

# The defaults: the box [-1,1]^2 and a 1000x1000 grid (10^6 points, as the
# refusal below says without sampling; the full run is skipped under
# valgrind, where it takes long).
call crosscheck "$EX/degenerate2d.json" --max-points 999999
bad "crosscheck: the default grid has 10^6 points" "--max-points" "1000000 points"

call crosscheck "$EX/tent3.json" --max-points 999999
bad "crosscheck: the default 1-D grid has 10^6 points" "--max-points" "1000000 points"

if [ -z "$CPWL_WRAP" ]; then
    call crosscheck "$EX/degenerate2d.json" --json
    good_why
    has_json '"default_box":true' || why="$why not the default domain;"
    has_json '"grid":\[1000,1000\]' || why="$why grid not 1000x1000;"
    has_json '"points":1000000,' || why="$why points not 10^6;"
    has_json '"exact_regions":8,' || why="$why exact_regions not 8;"
    has_json '"contradictions":0[,}]' || why="$why contradictions not 0;"
    report "crosscheck degenerate2d by default: 10^6 points, exact 8" "$why"
fi

# Results do not depend on the thread count or the kernel.
call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --random 200000 --seed 7 --list --json --threads 1
good_why
strip_json "$tmp/out" >"$tmp/t1"
call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --random 200000 --seed 7 --list --json --threads 2
good_why
strip_json "$tmp/out" >"$tmp/t2"
cmp -s "$tmp/t1" "$tmp/t2" || why="$why --threads 1 and 2 differ;"
grep -q '"patterns_list"' "$tmp/t1" || why="$why no patterns_list;"
report "sample --threads 1 and --threads 2 agree" "$why"

# Kernels may differ in which points need the exact step (FMA changes the
# last bits), not in the exact figures: patterns, their points, boundary.
call sample "$EX/tent3.json" --box "-1/64:65/64" --grid 30001 --list --json --kernel portable
good_why
strip_json "$tmp/out" | sed -E 's/"(decided|undecided|resolved)": [0-9]+(, )?//g' >"$tmp/k1"
call sample "$EX/tent3.json" --box "-1/64:65/64" --grid 30001 --list --json
good_why
strip_json "$tmp/out" | sed -E 's/"(decided|undecided|resolved)": [0-9]+(, )?//g' >"$tmp/k2"
cmp -s "$tmp/k1" "$tmp/k2" || why="$why --kernel portable differs from the default;"
report "sample --kernel portable agrees with the default kernel" "$why"

call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --grid 10
bad "sample: grid of the wrong dimension" "--grid" "expected 2 sizes" "got 1"

call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --grid 10x0
bad "sample: zero grid size" "--grid" "from 1"

call sample "$EX/degenerate2d.json" --grid 10x10
bad "sample: unbounded domain" "--box" "bounded"

call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --grid 11x11 --max-points 120
bad "sample: more points than --max-points" "--max-points" "121"

call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --kernel sse9
bad "sample: unknown kernel" "--kernel" "sse9"

call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --points 100
bad "sample: --points on a 2-D domain" "--points" "dimension 2"

call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --grid 3x3 --random 9
bad "sample: --grid and --random together" "--grid" "--random"

if ! grep -q avx512f /proc/cpuinfo 2>/dev/null; then
    call sample "$EX/degenerate2d.json" --box "-1:1,-1:1" --kernel avx512
    bad "sample: a kernel this CPU lacks" "--kernel avx512" "does not run"
fi

call crosscheck "$EX/tent3.json" --grid 10x0
bad "crosscheck: zero grid size" "--grid"

call crosscheck "$EX/tent3.json" --box 0:1 --points 1001 --max-regions 3
why=""
[ "$status" -eq 2 ] || why="$why exit status $status, expected 2;"
grep -q "at least" "$tmp/out" || why="$why no lower bound on stdout;"
grep -q "max-regions" "$tmp/err" || why="$why no hint on stderr;"
report "crosscheck --max-regions 3 stops (exit 2)" "$why"

# Ctrl-C: what was sampled so far, marked as stopped, exit 130.
"$CPWL" sample "$EX/degenerate2d.json" --box "-1:1,-1:1" \
    --random 2000000000 --max-points 2000000000 --json >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_catching "$pid"
sleep 0.5
kill -INT "$pid"
wait "$pid"
status=$?
why=""
[ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
has_json '"stopped":true' || why="$why not marked stopped;"
has_json '"complete":false' || why="$why not marked incomplete;"
report "sample: Ctrl-C prints what was sampled (exit 130)" "$why"

call help sample
good_why
for o in --grid --points --random --kernel --no-resolve --max-points; do
    grep -q -e "$o" "$tmp/out" || why="$why help sample lacks $o;"
done
report "help sample" "$why"

# ---- equiv: exact equivalence of two networks -----------------------------

# max(x, y) as relu(x - y) + relu(y) - relu(-y) and as (x + y)/2 +
# |x - y|/2 (4 relus); relu(x) + relu(y), which is not max(x, y).
cat >"$tmp/max3.json" <<'NET'
{"format": "cpwl-net", "version": 1, "input_dim": 2, "layers": [
 {"activation": "relu", "weights": [[1, -1], [0, 1], [0, -1]], "bias": [0, 0, 0]},
 {"activation": "identity", "weights": [[1, 1, -1]], "bias": [0]}]}
NET
cat >"$tmp/max4.json" <<'NET'
{"format": "cpwl-net", "version": 1, "input_dim": 2, "layers": [
 {"activation": "relu", "weights": [[1, 1], [-1, -1], [1, -1], [-1, 1]], "bias": [0, 0, 0, 0]},
 {"activation": "identity", "weights": [["1/2", "-1/2", "1/2", "1/2"]], "bias": [0]}]}
NET
cat >"$tmp/relusum.json" <<'NET'
{"format": "cpwl-net", "version": 1, "input_dim": 2, "layers": [
 {"activation": "relu", "weights": [[1, 0], [0, 1]], "bias": [0, 0]},
 {"activation": "identity", "weights": [[1, 1]], "bias": [0]}]}
NET
cat >"$tmp/relu.json" <<'NET'
{"format": "cpwl-net", "version": 1, "input_dim": 1, "layers": [
 {"activation": "relu", "weights": [[1]], "bias": [0]},
 {"activation": "identity", "weights": [[1]], "bias": [0]}]}
NET
cat >"$tmp/id.json" <<'NET'
{"format": "cpwl-net", "version": 1, "input_dim": 1, "layers": [
 {"activation": "identity", "weights": [[1]], "bias": [0]}]}
NET
cat >"$tmp/two.json" <<'NET'
{"format": "cpwl-net", "version": 1, "input_dim": 2, "layers": [
 {"activation": "identity", "weights": [[1, 0], [0, 1]], "bias": [0, 0]}]}
NET

call equiv "$tmp/max3.json" "$tmp/max4.json"
good_why
[ "$(head -n 1 "$tmp/out")" = "equal on R^2" ] || why="$why first line not 'equal on R^2';"
report "equiv: two formulas for max(x, y) are equal" "$why"

call equiv "$tmp/max4.json" "$tmp/max3.json" --json --box "-1:2,-3:1/2"
good_why
has_json '"equal":true' || why="$why equal not true;"
has_json '"complete":true' || why="$why complete not true;"
has_json '"regions":[0-9]+' || why="$why no regions;"
has_json '"point"' && why="$why a point for equal nets;"
report "equiv --json: equal on a box" "$why"

# max(x, y) != relu(x) + relu(y) (e.g. 1 != 2 at (1, 1)): the witness is
# re-evaluated with cpwl eval and must give value_a and value_b.
call equiv "$tmp/max3.json" "$tmp/relusum.json" --json
good_why
has_json '"equal":false' || why="$why equal not false;"
for k in point domain_point value_a value_b regions; do
    has_json "\"$k\":" || why="$why no $k;"
done
pt=$(tr -d ' \n"' <"$tmp/out" | sed -E 's/.*,point:\[([^]]*)\].*/\1/')
va=$(tr -d ' \n"' <"$tmp/out" | sed -E 's/.*value_a:\[([^]]*)\].*/\1/')
vb=$(tr -d ' \n"' <"$tmp/out" | sed -E 's/.*value_b:\[([^]]*)\].*/\1/')
[ "$va" != "$vb" ] || why="$why value_a = value_b;"
report "equiv --json: max(x,y) and relu(x)+relu(y) differ" "$why"
why=""
call eval "$tmp/max3.json" --at "$pt"
[ "$(field exact)" = "$va" ] || why="$why A($pt) is $(field exact), not value_a $va;"
call eval "$tmp/relusum.json" --at "$pt"
[ "$(field exact)" = "$vb" ] || why="$why B($pt) is $(field exact), not value_b $vb;"
report "equiv: the witness's values are A's and B's (cpwl eval)" "$why"

call equiv "$tmp/max3.json" "$tmp/relusum.json"
good_why
grep -q -E '^different: at x = \(.*\) A = .*, B = ' "$tmp/out" || why="$why no 'different: at x = (...) A = ..., B = ...';"
report "equiv: text answer 'different'" "$why"

# relu(x) = x on [0, 1]; on [-1, 1] they differ, at some x < 0 where
# relu(x) = 0.
call equiv "$tmp/relu.json" "$tmp/id.json" --box 0:1
good_why
grep -q '^equal on box \[0,1\]' "$tmp/out" || why="$why not equal on [0,1];"
report "equiv: relu(x) = x on [0, 1]" "$why"

call equiv "$tmp/relu.json" "$tmp/id.json" --box -1:1 --json
good_why
has_json '"equal":false' || why="$why equal not false;"
has_json '"point":\["-[0-9/]+"\]' || why="$why witness not negative;"
has_json '"value_a":\["0"\]' || why="$why relu value not 0;"
report "equiv: relu(x) != x on [-1, 1], witness x < 0" "$why"

# On the line x = 1 (points (1, s)): max(1, s) = relu(1) + relu(s) only
# for s <= 0; s in [-2, 0] equal, s in [-2, 2] not.
call equiv "$tmp/max3.json" "$tmp/relusum.json" --line "1,0;0,1" --box -2:0
good_why
grep -q '^equal on line' "$tmp/out" || why="$why not equal on the line;"
report "equiv --line: equal on a segment" "$why"

call equiv "$tmp/max3.json" "$tmp/relusum.json" --line "1,0;0,1" --box -2:2 --json
good_why
has_json '"equal":false' || why="$why equal not false;"
has_json '"domain_point":\["[0-9/]+"\]' || why="$why domain point not s > 0;"
report "equiv --line: different on a longer segment" "$why"

call equiv "$EX/tent3.json" "$EX/tent3.json"
good_why
grep -q '^equal on R^1' "$tmp/out" || why="$why tent3 not equal to itself;"
report "equiv: tent3 against itself" "$why"

call equiv "$EX/degenerate2d.json" "$EX/tent.json"
bad "equiv: different input dimensions" "input dimensions" \
    "degenerate2d\\.json has 2" "tent\\.json has 1"

call equiv "$tmp/max3.json" "$tmp/two.json"
bad "equiv: different output dimensions" "output dimensions" \
    "max3\\.json has 1" "two\\.json has 2"

call equiv "$tmp/max3.json"
bad "equiv: one file only" "two network files"

call equiv "$tmp/max3.json" "$tmp/nosuch.json"
bad "equiv: missing second file" "nosuch\\.json"

call equiv "$tmp/max3.json" "$tmp/max4.json" --box "-1:1"
bad "equiv: box of the wrong dimension" "box|coordinates|expected"

call equiv "$tmp/max3.json" "$tmp/max4.json" --max-regions 1
why=""
[ "$status" -eq 2 ] || why="$why exit status $status, expected 2;"
grep -q "^undecided" "$tmp/out" || why="$why not undecided on stdout;"
grep -q "max-regions" "$tmp/err" || why="$why no hint on stderr;"
report "equiv --max-regions 1: undecided (exit 2)" "$why"

call help equiv
good_why
for o in --box --slice --line --json --max-regions; do
    grep -q -e "$o" "$tmp/out" || why="$why help equiv lacks $o;"
done
report "help equiv" "$why"

# ---- bounds: the table of docs/examples.md and hand values ----------------

# (2; 3,3): Serra 40, naive 49; Montufar 1^2 (1 + 3 + 3) = 7.
call bounds --arch 2-3-3-1 --json
good_why
has_json '"naive_upper":"49"' || why="$why naive not 49;"
has_json '"serra_upper":"40"' || why="$why Serra not 40;"
has_json '"montufar_lower":"7"' || why="$why Montufar not 7;"
has_json '"one_input_upper":null' || why="$why one_input not null;"
has_json '"hidden_widths":\[3,3\]' || why="$why widths;"
report "bounds 2-3-3-1: 49 / 40 / 7" "$why"

# (1; 2,2,2): 27 / 27, Montufar 2 * 2 * 3 = 12, one input 3^3 = 27.
call bounds --arch 1-2-2-2-1
good_why
grep -q '^naive upper  *27 ' "$tmp/out" || why="$why naive not 27;"
grep -q '^Serra upper  *27 ' "$tmp/out" || why="$why Serra not 27;"
grep -q '^Montufar lower  *12 ' "$tmp/out" || why="$why Montufar not 12;"
grep -q '^one-input upper  *27 ' "$tmp/out" || why="$why one input not 27;"
report "bounds 1-2-2-2-1: 27 / 27 / 12 / 27" "$why"

call bounds --arch 2-4-4-1 --json
good_why
has_json '"naive_upper":"121","serra_upper":"121"' || why="$why not 121 / 121;"
report "bounds 2-4-4-1: 121 / 121" "$why"

call bounds --arch 3-6-6-6-1 --json
good_why
has_json '"naive_upper":"74088","serra_upper":"74088"' || why="$why not 74088 / 74088;"
has_json '"montufar_lower":"2688"' || why="$why Montufar not 2688;"
report "bounds 3-6-6-6-1: 74088 / 74088" "$why"

call bounds --arch 2-1-4-1
good_why
grep -q '^Montufar lower  *n/a' "$tmp/out" || why="$why Montufar not n/a;"
report "bounds: Montufar n/a for a width below n0" "$why"

call bounds --arch 2-x-1
bad "bounds: malformed width" "--arch" "entry 2" "2-x-1"

call bounds --arch 2-0-1
bad "bounds: zero width" "--arch" "entry 2" "from 1"

call bounds --arch 7
bad "bounds: no output width" "--arch" "at least an input and an output"

call bounds
bad "bounds: no --arch" "--arch"

call bounds --arch 2-3-1 extra
bad "bounds: extra argument" "extra"

# ---- build: the constructions, checked by regions, eval and equiv ----------

# hand NAME N LAYERS: a hand-written network with input dimension N and
# the JSON layer objects LAYERS, written to $tmp/NAME.json.
hand() {
    printf '{"format": "cpwl-net", "version": 1, "input_dim": %s, "layers": [%s]}\n' "$2" "$3" >"$tmp/$1.json"
}
R='"activation": "relu"'
I='"activation": "identity"'

# build_out ARGS...: run cpwl build, stdout to $tmp/b.json.
build_out() {
    run build "$@" >"$tmp/b.json" 2>"$tmp/err"
    status=$?
}

# The sawtooth t^k has 2^k pieces on [0,1] (examples.md): k = 3 gives 8,
# through a pipe and on the line domain.
run build sawtooth --k 3 2>"$tmp/err" | run regions - --line "0;1" --box 0:1 --linear --json >"$tmp/out"
status=$?
good_why
has_json '"activation_regions":8,"linear_regions":8' || why="$why counts not 8/8;"
report "build sawtooth --k 3 | regions on the line [0,1]: 8 pieces" "$why"

# -o writes the canonical form: convert reproduces it; stdout stays empty.
call build sawtooth --k 2 -o "$tmp/s2.json"
good_why
[ -s "$tmp/out" ] && why="$why output on stdout;"
run convert "$tmp/s2.json" | cmp -s - "$tmp/s2.json" || why="$why not canonical;"
report "build -o writes a canonical file and nothing on stdout" "$why"

call build sawtooth --k 2 --verbose
why=""
[ "$status" -eq 0 ] || why="$why exit status $status;"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || why="$why not one stderr line;"
grep -q "depth 3, size 4" "$tmp/err" || why="$why summary lacks depth 3, size 4;"
report "build --verbose: one summary line on stderr" "$why"

# The sawtooth with k = 1 is the tent map of examples/.
build_out sawtooth --k 1
call equiv "$tmp/b.json" "$EX/tent.json"
good_why
grep -q "^equal" "$tmp/out" || why="$why not equal;"
report "build sawtooth --k 1 equals examples/tent.json" "$why"

# 1-D size theorem (examples.md): breakpoints -1, 0, 2, slopes 3, -1, 1/2,
# 0, f(-1) = 5.  The jumps -4 + 3/2 - 1/2 = -3 = -m_0: p - 1 = 3 units.
# Against the direct 4-unit formula
# 9/2 relu(x) - 3 relu(-x) - 4 relu(x + 1) - 1/2 relu(x - 2) + 8.
build_out pwl1d --breaks "-1,0,2" --slopes "3,-1,1/2,0" --value 5
call info "$tmp/b.json"
good_why
[ "$(field size)" = 3 ] || why="$why size not 3;"
report "build pwl1d: the example with 4 pieces needs 3 units" "$why"
hand pwl4 1 "{$R, \"weights\": [[1], [-1], [1], [1]], \"bias\": [0, 0, 1, -2]}, {$I, \"weights\": [[\"9/2\", -3, -4, \"-1/2\"]], \"bias\": [8]}"
call equiv "$tmp/b.json" "$tmp/pwl4.json" --json
good_why
has_json '"equal":true' || why="$why not equal;"
report "build pwl1d equals the hand-written 4-unit formula" "$why"
call eval "$tmp/b.json" --at -2
[ "$(field exact)" = 2 ] || why="$why f(-2) != 2;"
report "build pwl1d: f(-2) = 5 - 3 = 2" "$why"

# Without an output bias 1 + |x| needs 3 units (examples.md).
build_out pwl1d --breaks 0 --slopes "-1,1" --value 1 --output-bias no
call info --json "$tmp/b.json"
good_why
has_json '"size":3[,}]' || why="$why size not 3;"
has_json '"output_bias":false' || why="$why output bias present;"
report "build pwl1d 1 + |x| without output bias: 3 units" "$why"

# The zero-tail tent from points: 3 units, 2 relu(x) - 4 relu(x - 1/2) +
# 2 relu(x - 1).
build_out pwl1d --points "-1:0, 0:0, 1/2:1, 1:0, 2:0"
hand ztent 1 "{$R, \"weights\": [[1], [1], [1]], \"bias\": [0, \"-1/2\", -1]}, {$I, \"weights\": [[2, -4, 2]], \"bias\": [0]}"
call equiv "$tmp/b.json" "$tmp/ztent.json"
good_why
grep -q "^equal" "$tmp/out" || why="$why not equal;"
run info "$tmp/b.json" >"$tmp/out" 2>&1
[ "$(field size)" = 3 ] || why="$why size not 3;"
report "build pwl1d --points: the zero-tail tent, 3 units" "$why"

# max(x, y) against the 4-relu gadget (x + y)/2 + |x - y|/2.
build_out max --n 2
hand max2 2 "{$R, \"weights\": [[1, 1], [-1, -1], [1, -1], [-1, 1]], \"bias\": [0, 0, 0, 0]}, {$I, \"weights\": [[\"1/2\", \"-1/2\", \"1/2\", \"1/2\"]], \"bias\": [0]}"
call equiv "$tmp/b.json" "$tmp/max2.json"
good_why
grep -q "^equal" "$tmp/out" || why="$why not equal;"
report "build max --n 2 equals the 4-relu gadget" "$why"

# max of 5: ceil(log2 5) = 3 hidden layers (depth 4).
build_out max --n 5
call eval "$tmp/b.json" --at "1,5/2,-3,2,0"
good_why
[ "$(field exact)" = 5/2 ] || why="$why value not 5/2;"
run info "$tmp/b.json" >"$tmp/out" 2>&1
[ "$(field depth)" = 4 ] || why="$why depth not 4;"
report "build max --n 5: depth 4, max(1,5/2,-3,2,0) = 5/2" "$why"

# max(0, x1, x2) = relu(u1) + relu(u2 - u1), u = relu(x) (examples.md),
# built three ways.
hand max0 2 "{$R, \"weights\": [[1, 0], [0, 1]], \"bias\": [0, 0]}, {$R, \"weights\": [[1, 0], [-1, 1]], \"bias\": [0, 0]}, {$I, \"weights\": [[1, 1]], \"bias\": [0]}"
build_out max --n 2 --zero
call equiv "$tmp/b.json" "$tmp/max0.json"
good_why
grep -q "^equal" "$tmp/out" || why="$why max --zero not equal;"
build_out cpwl --maxsum "max(1,0,0 | 0,1,0 | 0,0,0)"
call equiv "$tmp/b.json" "$tmp/max0.json"
grep -q "^equal" "$tmp/out" || why="$why --maxsum not equal;"
build_out cpwl --lattice "L: 1,0,0 | 0,1,0 | 0,0,0; groups: 0; 1; 2"
call equiv "$tmp/b.json" "$tmp/max0.json"
grep -q "^equal" "$tmp/out" || why="$why --lattice not equal;"
report "build max --zero, cpwl --maxsum, cpwl --lattice: max(0,x1,x2)" "$why"

# max(x1, x2) - max(x1 + x2, 0) at (1, 2): 2 - 3 = -1; min(x1, x2) at
# (3, 2) through the lattice form with a group of two: 2.
build_out cpwl --maxsum "max(1,0,0 | 0,1,0); -max(1,1,0 | 0,0,0)"
call eval "$tmp/b.json" --at 1,2
good_why
[ "$(field exact)" = -1 ] || why="$why maxsum value not -1;"
build_out cpwl --lattice "L: 1,0,0 | 0,1,0; groups: 0,1"
call eval "$tmp/b.json" --at 3,2
[ "$(field exact)" = 2 ] || why="$why lattice value not 2;"
report "build cpwl: a signed maxsum and a min through the lattice" "$why"

# Zig-zag h_a, a = (1/5, 3/10, 1/2): through (1/5, 1), (1/2, 0), (1, 1).
build_out zigzag --a "1/5,3/10,1/2"
call eval "$tmp/b.json" --at 1/5
good_why
[ "$(field exact)" = 1 ] || why="$why h(1/5) != 1;"
call eval "$tmp/b.json" --at 1/2
[ "$(field exact)" = 0 ] || why="$why h(1/2) != 0;"
call regions "$tmp/b.json" --box 0:1 --linear --json
has_json '"linear_regions":3' || why="$why not 3 pieces;"
report "build zigzag: h_a(1/5) = 1, h_a(1/2) = 0, 3 pieces on [0,1]" "$why"

# h_a^3: 27 pieces on [0,1], 28 on R (examples.md).
build_out hard --a "1/5,3/10,1/2; 1/5,3/10,1/2; 1/5,3/10,1/2"
call regions "$tmp/b.json" --box 0:1 --linear --json
good_why
has_json '"linear_regions":27' || why="$why not 27 on [0,1];"
call regions "$tmp/b.json" --linear --json
has_json '"linear_regions":28' || why="$why not 28 on R;"
report "build hard: h_a^3 has 27 pieces on [0,1], 28 on R" "$why"

# gamma_Z for (1,0), (0,1), (1,1): 6 regions; t o t o gamma_Z: 25.
build_out zonotope --gens "1,0; 0,1; 1,1"
call regions "$tmp/b.json" --linear --json
good_why
has_json '"linear_regions":6' || why="$why gamma_Z not 6;"
build_out zonotope --gens "1,0; 0,1; 1,1" --compose-sawtooth 2
call regions "$tmp/b.json" --linear --json
has_json '"linear_regions":25' || why="$why t o t o gamma_Z not 25;"
build_out zonotope --gens "1,0; 0,1; 1,1" --compose-hard "1/2,1/2; 1/2,1/2"
call regions "$tmp/b.json" --linear --json
has_json '"linear_regions":25' || why="$why --compose-hard not 25;"
report "build zonotope: 6 regions, composed with t o t: 25" "$why"

# Seeded random generators: the same seed gives the same file.
build_out zonotope --random 5 --dim 3 --seed 4
cp "$tmp/b.json" "$tmp/z1.json"
build_out zonotope --random 5 --dim 3 --seed 4
why=""
cmp -s "$tmp/b.json" "$tmp/z1.json" || why="$why same seed, different files;"
build_out zonotope --random 5 --dim 3 --seed 5
cmp -s "$tmp/b.json" "$tmp/z1.json" && why="$why different seeds, same file;"
report "build zonotope --random: reproducible from the seed" "$why"

# The algebra: t o t = sawtooth k = 2, t + t = 2 t.
run build sawtooth --k 1 >"$tmp/t.json"
build_out compose "$tmp/t.json" "$tmp/t.json"
call equiv "$tmp/b.json" "$tmp/s2.json"
good_why
grep -q "^equal" "$tmp/out" || why="$why compose not t o t;"
build_out sum "$tmp/t.json" "$tmp/t.json"
cp "$tmp/b.json" "$tmp/sum.json"
build_out scale "$tmp/t.json" --by 2
call equiv "$tmp/sum.json" "$tmp/b.json"
grep -q "^equal" "$tmp/out" || why="$why t + t != 2 t;"
report "build compose, sum, scale: t o t = sawtooth 2, t + t = 2 t" "$why"

# Bad input: exit 2, the option or the theorem hypothesis named.
call build zigzag --a "1/2,1/3"
bad "build zigzag: a not in the simplex" "simplex"
call build sawtooth --k 0
bad "build sawtooth --k 0" "k >= 1"
call build max --n 0
bad "build max --n 0" "n >= 1"
call build zonotope --gens "1,0; 0,0"
bad "build zonotope: a zero generator" "generator 2" "zero"
call build pwl1d --breaks "0,-1" --slopes "1,2,3" --value 0
bad "build pwl1d: breakpoints not increasing" "increase"
call build pwl1d --breaks 0 --slopes "1,2,3" --value 0
bad "build pwl1d: one breakpoint too few" "--breaks" "expected 2"
call build hard --a "1/2,1/2; 1/3,1/3,1/3"
bad "build hard: rows of different widths" "--a" "row 2"
call build cpwl --maxsum "max(1,0,0 | 0,1)"
bad "build cpwl --maxsum: a short row, with its column" "--maxsum" "column 13"
call build cpwl --maxsum "min(1,0)"
bad "build cpwl --maxsum: not a max" "--maxsum" "column 1" "max"
call build cpwl --lattice "L: 1,0 | 0,1; groups: 0,2"
bad "build cpwl --lattice: index out of range" "--lattice" "index 2"
call build zigzag --a "1/2,x"
bad "build zigzag: malformed number" "--a" "column 5"
call build sum "$tmp/t.json" "$tmp/max2.json"
bad "build sum: different input dimensions" "sum"
call build max --n 3 --k 2
bad "build: an option of another kind" "--k" "max"
call build nosuch
bad "build: unknown kind" "nosuch"
call build
bad "build: no kind" "kind"

call help build
good_why
for o in pwl1d --maxsum --lattice zigzag hard sawtooth zonotope compose; do
    grep -q -e "$o" "$tmp/out" || why="$why help build lacks $o;"
done
report "help build" "$why"

# ---- certify: every theorem example holds ---------------------------------

call certify --all
good_why
grep -q '✗' "$tmp/out" && why="$why a claim fails;"
for ex in sawtooth hard depth-gap zonotope size1d max max0 bounds; do
    grep -q "^$ex .*✓" "$tmp/out" || why="$why no $ex row;"
done
rows=$(grep -c '✓' "$tmp/out")
grep -q "^$rows claims: $rows hold, 0 fail" "$tmp/out" || why="$why not every claim holds;"
report "certify --all: every claim holds" "$why"

call certify zonotope bounds --json
good_why
has_json '"failed":0' || why="$why failures;"
has_json '"claim":"n0=2,widths3,3:Serra40,naive49","computed":"40,49","holds":true' || why="$why Serra 40 / naive 49 missing;"
grep -q '"example": "sawtooth"' "$tmp/out" && why="$why sawtooth selected;"
report "certify zonotope bounds --json" "$why"

call certify --list
good_why
for ex in tent sawtooth depth-gap max0 bounds; do
    grep -q "^$ex\$" "$tmp/out" || why="$why --list lacks $ex;"
done
report "certify --list names the theorem examples" "$why"

call certify --all tent
bad "certify: --all with names" "--all"

# ---- certify erm: exact ERM optima and dichotomies (docs/examples.md) -----

call certify erm
good_why
grep -q '✗' "$tmp/out" && why="$why a claim fails;"
grep -q "^14 claims: 14 hold, 0 fail" "$tmp/out" ||
    why="$why not 14 claims holding;"
grep -v '^erm ' "$tmp/out" | grep -q '✓' &&
    why="$why another example selected;"
for v in "squared: 2/3 .* 2/3; certificate verified" \
    "squared, bias: 1/2 .* 1/2; certificate verified" \
    "w = 1, l1: 1 .* 1; certificate verified" \
    "w = 1, l1, bias: 1 .* 1; certificate verified" \
    "w = 2, l1: 0 .* 0; certificate verified" \
    "w = 1, l1: 3 .* 3; certificate verified" \
    "w = 1, squared: 5 .* 5; certificate verified" \
    "w = 1, squared, bias: 0 .* 0; certificate verified" \
    "w = 1, l1, bias: 0 .* 0; certificate verified" \
    "8 dichotomies .* 8 (7 nonempty); formula 8" \
    "14 dichotomies .* 14 (13 nonempty); formula 14" \
    "22 dichotomies .* 22 (21 nonempty); formula 22" \
    "30 dichotomies .* 30 (29 nonempty); formula 30" \
    "32 dichotomies .* 32 (31 nonempty); formula 32"; do
    grep -q "^erm .*$v .*✓" "$tmp/out" || why="$why no row /$v/;"
done
report "certify erm: ERM optima and dichotomy counts hold" "$why"

call certify erm --json
good_why
has_json '"passed":14,"failed":0' || why="$why not 14 passed;"
has_json '"claim":"\(-1,1\),\(0,0\),\(1,1\),w=1,squared:2/3",'\
'"computed":"2/3;certificateverified","holds":true' ||
    why="$why 2/3 row missing;"
has_json '"claim":"D=5inR\^2:22dichotomies[^"]*",'\
'"computed":"22\(21nonempty\);formula22","holds":true' ||
    why="$why 22 dichotomies missing;"
report "certify erm --json" "$why"

call certify --list
good_why
[ "$(tail -n 6 "$tmp/out" | tr '\n' ' ')" = "erm rmsprop adam tron autoencoder pacbayes " ] ||
    why="$why --list does not end with erm, chapter 5's rmsprop, adam, chapter 3's tron, chapter 4's autoencoder and chapter 6's pacbayes;"
report "certify --list names erm" "$why"

call certify --all
good_why
[ "$(grep -c '^erm .*✓' "$tmp/out")" -eq 14 ] ||
    why="$why not 14 erm rows holding;"
grep -q "^114 claims: 114 hold, 0 fail" "$tmp/out" ||
    why="$why not 114 claims holding;"
report "certify --all includes the erm rows" "$why"

echo "$n checks, $fails failed"
[ "$fails" -eq 0 ] || exit 1
exit 0
