#!/bin/sh
# Pictures from the command line (cpwl regions --svg/--png): what the
# report says the picture shows agrees with what `cpwl regions` counts and
# lists without a picture.  Of R^2 (and of an unbounded slice) the view
# holds every listed vertex with its margin and the legend gives the
# counts, the unbounded cells being those the listing calls unbounded; a
# box picture has a legend only with --legend; --no-legend and --view do
# what they say; the picture options without a picture are an input
# error.  Run by `make check` like tests/cli.sh.

: "${CPWL:?CPWL must name the cpwl binary}"
EX=${CPWL_EXAMPLES:-examples}

. "$(dirname "$0")/tap.sh"
tap_init draw

# json_num KEY: the number after "KEY": in the JSON on stdout.
json_num() {
    tr -d ' \n' <"$tmp/out" | sed -n "s/.*\"$1\":\(-\{0,1\}[0-9][0-9]*\).*/\1/p"
}

# json_legend: the legend's text, or null.
json_legend() {
    tr -d '\n' <"$tmp/out" | sed -n 's/.*"legend": \("[^"]*"\|null\).*/\1/p'
}

# A 2-4-4-1 net whose boundaries bend, and a 3-D net to slice.
cat >"$tmp/deep.json" <<'EOF'
{"format": "cpwl-net", "version": 1, "input_dim": 2, "output_bias": true,
 "layers": [
  {"activation": "relu", "weights": [["1", "2"], ["-3/2", "1"], ["1/3", "-1"], ["2", "1/2"]],
   "bias": ["1", "-1/2", "2", "-3"]},
  {"activation": "relu", "weights": [["1", "-1", "2", "1/2"], ["-2", "1", "1", "1"],
   ["1/2", "3", "-1", "-1"], ["1", "1", "1", "-2"]], "bias": ["-1", "1/2", "0", "1"]},
  {"activation": "identity", "weights": [["1", "-2", "3", "1/2"]], "bias": ["0"]}]}
EOF
cat >"$tmp/three.json" <<'EOF'
{"format": "cpwl-net", "version": 1, "input_dim": 3, "output_bias": true,
 "layers": [
  {"activation": "relu", "weights": [["1", "0", "1"], ["0", "1", "-1"], ["1", "1", "1"]],
   "bias": ["0", "1", "-2"]},
  {"activation": "identity", "weights": [["1", "2", "-1"]], "bias": ["0"]}]}
EOF

# check_r2 NAME NET [DOMAIN OPTIONS]: the picture of an unbounded domain
# against the counts and the listing.
check_r2() {
    name=$1
    net=$2
    shift 2
    call regions "$net" --json "$@"
    acts=$(json_num activation_regions)
    lins=$(json_num linear_regions)
    call regions "$net" --list "$@"
    unb=$(grep -c '^  unbounded' "$tmp/out")
    cp "$tmp/out" "$tmp/list"
    call regions "$net" --json --png "$tmp/p.png" "$@"
    ok_why
    [ -n "$acts" ] && [ -n "$lins" ] || why="$why no counts;"
    case $(json_legend) in
        "\"$acts activation regions, $lins linear regions; $unb unbounded"*) ;;
        *) why="$why legend $(json_legend), expected $acts and $lins regions, $unb unbounded;" ;;
    esac
    [ "$(json_num unbounded)" = "$unb" ] || why="$why unbounded $(json_num unbounded), listing $unb;"
    [ "$(json_num outside)" = "$unb" ] || why="$why outside $(json_num outside), expected $unb;"
    [ "$(json_num wholly_outside)" = 0 ] || why="$why cells out of view;"
    report "regions $name: the legend counts what regions counts and lists" "$why"

    # Every listed vertex at least 1/10 of the vertices' extent (in
    # doubles: 0.0999) inside the view.
    view=$(tr -d ' \n' <"$tmp/out" | sed -n 's/.*"view":\[\[\([^]]*\)\],\[\([^]]*\)\]\].*/\1,\2/p')
    why=""
    awk -v view="$view" '
        function q(s,  p) { p = index(s, "/"); return p ? substr(s, 1, p - 1) / substr(s, p + 1) : s + 0 }
        BEGIN { split(view, V, ","); n = 0 }
        /^  (un)?bounded, vertices/ {
            s = $0; sub(/;.*/, "", s); sub(/^[^(]*/, "", s)
            while (match(s, /\([^)]*\)/)) {
                pt = substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH)
                split(pt, c, ", "); n++; x[n] = q(c[1]); y[n] = q(c[2])
            }
        }
        END {
            if (n == 0) { print "no vertices"; exit 1 }
            xl = xh = x[1]; yl = yh = y[1]
            for (i = 1; i <= n; i++) {
                if (x[i] < xl) xl = x[i]; if (x[i] > xh) xh = x[i]
                if (y[i] < yl) yl = y[i]; if (y[i] > yh) yh = y[i]
            }
            E = xh - xl > yh - yl ? xh - xl : yh - yl
            m = E > 0 ? 0.0999 * E : 0.999
            if (V[1] > xl - m || V[2] < xh + m || V[3] > yl - m || V[4] < yh + m) {
                print "view " view " misses the vertices [" xl ", " xh "] x [" yl ", " yh "] with margin " m
                exit 1
            }
        }' "$tmp/list" >"$tmp/awk" || why=" $(cat "$tmp/awk")"
    report "regions $name: the view holds every listed vertex with the margin" "$why"
}

check_r2 "degenerate2d on R^2" "$EX/degenerate2d.json"
check_r2 "a 2-4-4-1 net on R^2" "$tmp/deep.json"
check_r2 "an unbounded slice" "$tmp/three.json" --slice "0,0,1/2;1,0,0;0,1,1"

# Box pictures: a legend only when asked, with the counts.
call regions "$EX/degenerate2d.json" --box "-1:1,-1:1" --json --svg "$tmp/b.svg"
ok_why
[ "$(json_legend)" = null ] || why="$why legend $(json_legend) not asked for;"
[ "$(json_num outside)" = 0 ] || why="$why cells outside the box picture;"
report "regions --svg of a box: no legend by default" "$why"

call regions "$EX/degenerate2d.json" --box "-1:1,-1:1" --linear
acts=$(awk '$1 == "activation" { print $3 }' "$tmp/out")
lins=$(awk '$1 == "linear" { print $3 }' "$tmp/out")
call regions "$EX/degenerate2d.json" --box "-1:1,-1:1" --svg "$tmp/b.svg" --legend
ok_why
grep -q "^picture legend  *$acts activation regions, $lins linear regions\$" "$tmp/out" \
    || why="$why legend not \"$acts activation regions, $lins linear regions\";"
grep -q "^linear regions  *$lins\$" "$tmp/out" || why="$why --legend did not count the linear regions;"
report "regions --svg --legend of a box: the counts" "$why"

call regions "$EX/degenerate2d.json" --png "$tmp/n.png" --no-legend --json
ok_why
[ "$(json_legend)" = null ] || why="$why legend $(json_legend) after --no-legend;"
report "regions --png --no-legend: none" "$why"

# A view smaller than the domain: cells reach beyond it.
call regions "$EX/degenerate2d.json" --box "-4:4,-4:4" --png "$tmp/v.png" --view "-1:3,-2:2"
ok_why
grep -q '^picture view  *\[-1, 3\] x \[-2, 2\]$' "$tmp/out" || why="$why view not [-1, 3] x [-2, 2];"
grep -q '^picture legend  *8 activation regions; 8 reach beyond the frame (0 unbounded)$' "$tmp/out" \
    || why="$why legend $(grep '^picture legend' "$tmp/out");"
report "regions --view: the counts against the view" "$why"

call regions "$EX/degenerate2d.json" --legend
why=""
[ "$status" -eq 2 ] || why="$why exit status $status, expected 2;"
grep -q -e "--legend go with --svg" "$tmp/err" || why="$why message;"
report "regions --legend without a picture: an input error" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
