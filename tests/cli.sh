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
if command -v timeout >/dev/null 2>&1; then
    timeout --preserve-status -s INT 0.5 "$CPWL" sample "$EX/degenerate2d.json" --box "-1:1,-1:1" \
        --random 2000000000 --max-points 2000000000 --json >"$tmp/out" 2>"$tmp/err"
    status=$?
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    has_json '"stopped":true' || why="$why not marked stopped;"
    report "sample: Ctrl-C prints what was sampled (exit 130)" "$why"
fi

call help sample
good_why
for o in --grid --points --random --kernel --no-resolve --max-points; do
    grep -q -e "$o" "$tmp/out" || why="$why help sample lacks $o;"
done
report "help sample" "$why"

echo "$n checks, $fails failed"
[ "$fails" -eq 0 ] || exit 1
exit 0
